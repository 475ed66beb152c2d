"""Figures for the Look inside page: pure functions, report arrays in and plotly figures out.

They share the reading's conventions (views/figures.py): one colour per digit,
amber for the digit being examined now, rows numbered 1 to 28, and arrays sent
as packed float32.
"""

import copy
import functools

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model.config import NUM_CLASSES, ROWS
from model.insight import RowImportance, first_row_reaching
from views.figures import CLASS_COLOURS, INK, NOW_COLOUR, PAPER, ReadyFigure, packed, rows_slider

ROW_NUMBERS = list(range(1, ROWS + 1))
PERCENT = {"tickformat": ".0%"}
RIGHT, WRONG = "#d9f0d3", "#b2182b"  # the confusion matrix: a pale diagonal, misreadings in shades of red
DASHES = ("solid", "dot")  # first and second reading in the comparison


def _layout(height: int, font_size: int, **extra) -> dict:
    """The settings every figure here shares, as a plain dict (figures assembled as specs take it as it is)."""
    return {
        "height": height,
        "font": {"size": font_size},
        "paper_bgcolor": PAPER,
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        **extra,
    }


def _base_layout(figure: go.Figure, height: int, font_size: int, **extra) -> go.Figure:
    return figure.update_layout(_layout(height, font_size, **extra))


def confusion_figure(confusion: np.ndarray, selected: tuple[int, int] | None = None, *, font_size: int = 15) -> go.Figure:
    """True digit down, answer across, the count in every cell: a pale diagonal, misreadings in shades of red.

    Heatmap cells cannot be clicked in plotly.js, so an invisible marker sits on each cell
    for Streamlit's point selection; its customdata is (true digit, answer).
    """
    counts = np.asarray(confusion)
    digits = [str(d) for d in range(NUM_CLASSES)]
    on_diagonal = np.eye(NUM_CLASSES, dtype=bool)
    misread = np.where(on_diagonal | (counts == 0), np.nan, counts.astype(np.float64))  # blank cells let the mistakes stand out
    text = np.where(counts > 0, counts.astype(str), "")
    cell = {"type": "heatmap", "x": digits, "y": digits, "xgap": 2, "ygap": 2, "hoverinfo": "skip", "texttemplate": "%{text}"}
    true_digit, answer = np.divmod(np.arange(NUM_CLASSES * NUM_CLASSES), NUM_CLASSES)
    data = [
        {
            **cell,
            "z": np.where(on_diagonal, 1.0, np.nan).tolist(),
            "text": np.where(on_diagonal, text, "").tolist(),
            "colorscale": [[0, RIGHT], [1, RIGHT]],
            "showscale": False,
        },
        {
            **cell,
            "z": misread.tolist(),
            "text": np.where(on_diagonal, "", text).tolist(),
            "colorscale": [[0, "#fddbc7"], [1, WRONG]],
            "zmin": 0,
            "zmax": max(float(np.nanmax(misread, initial=1.0)), 1.0),
            "colorbar": {"title": {"text": "misread", "side": "top"}, "thickness": 12, "len": 0.8},
        },
        {
            "type": "scatter",
            "x": [digits[a] for a in answer],
            "y": [digits[t] for t in true_digit],
            "customdata": np.stack([true_digit, answer], axis=1).tolist(),
            "text": [f"{counts[t, a]} digits" for t, a in zip(true_digit, answer, strict=True)],
            "mode": "markers",
            "marker": {"size": 30, "symbol": "square", "color": "rgba(0,0,0,0)"},
            "showlegend": False,
            "hovertemplate": "true %{y}, read as %{x}: %{text}<br>click to see them<extra></extra>",
        },
    ]
    figure = go.Figure(data)
    if selected is not None:
        t, a = selected
        figure.add_shape(type="rect", x0=a - 0.5, x1=a + 0.5, y0=t - 0.5, y1=t + 0.5, line={"color": NOW_COLOUR, "width": 4})
    figure.update_xaxes(title_text="read as", side="top", type="category", showgrid=False)
    figure.update_yaxes(title_text="true digit", autorange="reversed", type="category", showgrid=False, scaleanchor="x")
    return _base_layout(figure, 470, font_size, margin={"l": 10, "r": 10, "t": 60, "b": 10}, clickmode="event+select", dragmode=False)


def class_accuracy_figure(accuracy: np.ndarray, counts: np.ndarray, *, font_size: int = 15) -> go.Figure:
    """Per-digit accuracy as bars, with the number misread written on each: which digits are hard."""
    accuracy = np.asarray(accuracy, np.float64)
    missed = np.round(np.asarray(counts) * (1 - np.nan_to_num(accuracy, nan=1.0))).astype(int)
    floor = max(0.0, np.floor((np.nanmin(accuracy) - 0.02) * 50) / 50) if np.isfinite(accuracy).any() else 0.0
    figure = go.Figure(
        go.Bar(
            y=[str(d) for d in range(NUM_CLASSES)],
            x=accuracy,
            orientation="h",  # across, so that each label has a line of its own at a size a room can read
            marker_color=list(CLASS_COLOURS),
            text=[f"{a:.1%}, {m} wrong" if np.isfinite(a) else "none" for a, m in zip(accuracy, missed, strict=True)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="digit %{y}: %{x:.2%} read correctly<extra></extra>",
        )
    )
    figure.update_yaxes(type="category", autorange="reversed", title_text="true digit")
    figure.update_xaxes(range=[floor, 1.0], title_text=f"read correctly (axis from {floor:.0%})", **PERCENT)
    return _base_layout(figure, 400, font_size, margin={"l": 10, "r": 150, "t": 10, "b": 10})


def early_figure(
    accuracy_by_rows: np.ndarray,
    class_accuracy_by_rows: np.ndarray,
    *,
    digit: int | None = None,
    digit_probs: np.ndarray | None = None,
    digit_name: str = "this digit",
    font_size: int = 15,
) -> go.Figure:
    """Accuracy if the network had to answer after k rows: all digits, each digit, and the digit examined now.

    Every digit's own line is in the legend; only `digit`'s is drawn at first, so the chart stays readable.
    digit_probs (28,) is the examined digit's probability of `digit` after each row.
    """
    figure = go.Figure()
    for d in range(NUM_CLASSES):
        figure.add_scatter(
            x=ROW_NUMBERS,
            y=packed(class_accuracy_by_rows[d]),
            name=f"all {d}s",
            mode="lines",
            line={"color": CLASS_COLOURS[d], "width": 3 if d == digit else 1.5},
            visible=True if d == digit else "legendonly",
            hovertemplate=f"{d}s read correctly after row %{{x}}: %{{y:.0%}}<extra></extra>",
        )
    figure.add_scatter(
        x=ROW_NUMBERS,
        y=packed(accuracy_by_rows),
        name="all test digits",
        mode="lines",
        line={"color": "#111111", "width": 5},
        hovertemplate="all digits read correctly after row %{x}: %{y:.0%}<extra></extra>",
    )
    if digit_probs is not None and digit is not None:
        figure.add_scatter(
            x=ROW_NUMBERS,
            y=packed(digit_probs),
            name=f"{digit_name}: how sure it is of {digit}",
            mode="lines+markers",
            line={"color": NOW_COLOUR, "width": 4, "dash": "dash"},
            marker={"size": 7},
            hovertemplate=f"after row %{{x}}: {digit} with %{{y:.0%}}<extra></extra>",
        )
    half = first_row_reaching(accuracy_by_rows, 0.5)
    if half is not None:
        figure.add_vline(x=half, line={"color": "#888888", "dash": "dot"}, annotation_text=f"half right by row {half}")
    figure.update_xaxes(title_text="rows read", range=[0.5, ROWS + 0.5], dtick=3)
    figure.update_yaxes(title_text="share read correctly  /  how sure", range=[0, 1.03], **PERCENT)
    return _base_layout(
        figure,
        480,
        font_size,
        legend={"orientation": "h", "y": -0.18, "font": {"size": font_size - 2}},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )


def _paths_with_gaps(paths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m, 28, 2) -> x, y with a NaN after each path, so one trace draws m separate lines."""
    gapped = np.concatenate([paths, np.full((len(paths), 1, 2), np.nan, np.float32)], axis=1).reshape(-1, 2)
    return gapped[:, 0], gapped[:, 1]


def map_figure(
    paths: np.ndarray,
    labels: np.ndarray,
    explained: np.ndarray,
    *,
    current: np.ndarray | None = None,
    current_name: str = "this digit",
    frame_ms: int = 350,
    font_size: int = 15,
) -> go.Figure:
    """Test digits' paths through the 2-D map of the top layer's h, one colour per digit, big labels where they end.

    `current` (28, 2) is drawn on top in amber and, with Play, grows one row at a time
    (its trace is the last, and the frames carry only it). Assembled as a plain spec:
    plotly.py's objects for 28 frames took 120 ms per view.
    """
    labels = np.asarray(labels)
    data, annotations = [], []
    for d in range(NUM_CLASSES):
        mine = paths[labels == d]
        if not len(mine):
            continue
        x, y = _paths_with_gaps(mine)
        data.append(
            {
                "type": "scatter",
                "x": packed(x),
                "y": packed(y),
                "mode": "lines",
                "name": str(d),
                "line": {"color": CLASS_COLOURS[d], "width": 1},
                "opacity": 0.35,
                "hoverinfo": "skip",
                "legendgroup": str(d),
            }
        )
        end = np.median(mine[:, -1], axis=0)
        annotations.append(
            {
                "x": float(end[0]),
                "y": float(end[1]),
                "text": f"<b>{d}</b>",
                "showarrow": False,
                "font": {"size": font_size + 13, "color": CLASS_COLOURS[d]},
                "bgcolor": "rgba(255,255,255,0.75)",
            }
        )
    start = np.median(paths[:, 0], axis=0)
    annotations.append({"x": float(start[0]), "y": float(start[1]), "text": "start (blank rows)", "arrowhead": 2, "ax": 60, "ay": -40})
    layout = _layout(
        680,
        font_size,
        showlegend=True,
        legend={"title": {"text": "digit"}, "itemsizing": "constant"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        annotations=annotations,
        xaxis={"title": {"text": f"direction 1 ({explained[0]:.0%} of the variation)"}, "zeroline": False, "showgrid": False},
        yaxis={"title": {"text": f"direction 2 ({explained[1]:.0%})"}, "zeroline": False, "showgrid": False},
    )
    if current is None:
        return ReadyFigure({"data": data, "layout": layout})
    current = np.asarray(current, np.float32)

    def drawn(rows: int) -> dict:
        return {
            "type": "scatter",
            "x": packed(current[:rows, 0]),
            "y": packed(current[:rows, 1]),
            "mode": "lines+markers",
            "line": {"color": NOW_COLOUR, "width": 5},
            "marker": {"size": [6] * (rows - 1) + [16], "color": NOW_COLOUR, "line": {"color": "#111111", "width": 1.5}},
            "name": current_name,
            "text": ROW_NUMBERS[:rows],
            "hovertemplate": "after row %{text}<extra></extra>",
        }

    trace = len(data)
    data.append(drawn(ROWS))
    play = {"frame": {"duration": frame_ms, "redraw": False}, "transition": {"duration": 0}, "fromcurrent": False, "mode": "immediate"}
    still = {"frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
    frames = [{"name": str(rows), "data": [drawn(rows)], "traces": [trace]} for rows in ROW_NUMBERS]
    layout.update(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0,
                "y": -0.2,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        sliders=[rows_slider(ROWS - 1, still, font_size, x=0.22, y=-0.18)],
        margin={"l": 10, "r": 10, "t": 30, "b": 150},
    )
    return ReadyFigure({"data": data, "layout": layout, "frames": frames})


@functools.cache
def _small_multiples() -> dict:
    """The layout of ten small panels, two rows of five sharing their axes, worked out by make_subplots once."""
    grid = make_subplots(
        rows=2,
        cols=5,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=[f"{d}s" for d in range(NUM_CLASSES)],
        horizontal_spacing=0.02,
        vertical_spacing=0.14,
    )
    return grid.layout.to_plotly_json()


def unit_figure(
    mean: np.ndarray,
    std: np.ndarray,
    *,
    title: str,
    current: np.ndarray | None = None,
    current_name: str = "this digit",
    font_size: int = 15,
) -> go.Figure:
    """One unit across the rows, one small panel per digit: the class mean with a band of one standard deviation.

    mean, std (10, 28); `current` (28,) is the examined digit's own h, drawn in every panel in amber.
    Assembled as a plain spec on a layout made once: make_subplots and 30 validated traces took 175 ms.
    """
    mean, std = np.asarray(mean, np.float32), np.asarray(std, np.float32)
    data = []
    for d in range(NUM_CLASSES):
        axes = {"xaxis": f"x{d + 1 if d else ''}", "yaxis": f"y{d + 1 if d else ''}"}
        colour = CLASS_COLOURS[d]
        band = np.concatenate([mean[d] + std[d], (mean[d] - std[d])[::-1]])
        data.append(
            {
                "type": "scatter",
                "x": ROW_NUMBERS + ROW_NUMBERS[::-1],
                "y": packed(band),
                "fill": "toself",
                "fillcolor": colour,
                "opacity": 0.2,
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
                **axes,
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": ROW_NUMBERS,
                "y": packed(mean[d]),
                "mode": "lines",
                "line": {"color": colour, "width": 3},
                "showlegend": False,
                "hovertemplate": f"{d}s after row %{{x}}: mean %{{y:.2f}}<extra></extra>",
                **axes,
            }
        )
        if current is not None:
            data.append(
                {
                    "type": "scatter",
                    "x": ROW_NUMBERS,
                    "y": packed(current),
                    "mode": "lines",
                    "line": {"color": NOW_COLOUR, "width": 2.5, "dash": "dash"},
                    "name": current_name,
                    "showlegend": d == 0,
                    "legendgroup": "current",
                    "hovertemplate": "this digit after row %{x}: %{y:.2f}<extra></extra>",
                    **axes,
                }
            )
    layout = copy.deepcopy(_small_multiples())
    for name, axis in layout.items():
        if name.startswith("yaxis"):
            axis.update(range=[-1.05, 1.05], tickvals=[-1, 0, 1], zeroline=True, zerolinecolor="#bbbbbb", showgrid=False)
        elif name.startswith("xaxis"):
            axis.update(range=[1, ROWS], tickvals=[1, 14, 28], showgrid=False)
    for annotation in layout["annotations"]:
        annotation["font"] = {"size": font_size + 1}
    layout.update(
        _layout(
            420,
            font_size,
            title={"text": title, "font": {"size": font_size + 2}},
            legend={"orientation": "h", "y": -0.1},
            margin={"l": 10, "r": 10, "t": 80, "b": 10},
        )
    )
    return ReadyFigure({"data": data, "layout": layout})


def row_importance_figure(image: np.ndarray, importance: RowImportance, *, font_size: int = 15) -> go.Figure:
    """The digit beside one bar per row: how far its answer's confidence falls (in log-odds) when that row is blanked."""
    support = -np.asarray(importance.log_odds_change, np.float64)  # positive: the row spoke for the answer
    figure = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.4, 0.6], horizontal_spacing=0.03)
    figure.add_heatmap(z=packed(image), colorscale=INK, zmin=0, zmax=1, showscale=False, hoverinfo="skip", row=1, col=1)
    colour = CLASS_COLOURS[importance.digit]
    figure.add_bar(
        x=support,
        y=list(range(ROWS)),
        orientation="h",
        marker_color=[colour if s >= 0 else "#999999" for s in support],
        customdata=np.stack([ROW_NUMBERS, importance.change], axis=1),
        hovertemplate="row %{customdata[0]}: blanking it changes P(" + str(importance.digit) + ") by %{customdata[1]:+.1%}"
        "<br>log-odds %{x:+.2f}<extra></extra>",
        showlegend=False,
        row=1,
        col=2,
    )
    figure.update_yaxes(
        range=[ROWS - 0.5, -0.5],
        tickvals=[0, 7, 14, 21, 27],
        ticktext=["1", "8", "15", "22", "28"],
        title_text="row",
        row=1,
        col=1,
        scaleanchor="x",
        constrain="domain",
        showgrid=False,
    )
    figure.update_xaxes(showticklabels=False, showgrid=False, row=1, col=1, constrain="domain")
    figure.update_xaxes(
        title_text=f"support for the answer {importance.digit}: log-odds lost without the row",
        zeroline=True,
        zerolinecolor="#111111",
        row=1,
        col=2,
    )
    return _base_layout(figure, 460, font_size, margin={"l": 10, "r": 10, "t": 20, "b": 10}, bargap=0.15)


def compare_figure(readings: list[tuple[str, np.ndarray]], *, font_size: int = 15, threshold: float = 0.25) -> go.Figure:
    """Two readings' probabilities row by row on one chart: solid for the first, dotted for the second.

    Only digits that reach `threshold` in either reading are drawn, so the chart shows the contest, not ten flat lines.
    readings: (name, step_probs (28, 10)) each.
    """
    figure = go.Figure()
    contenders = sorted({int(d) for _, probs in readings for d in np.flatnonzero(np.asarray(probs).max(axis=0) >= threshold)})
    for (name, probs), dash in zip(readings, DASHES, strict=False):
        for d in contenders:
            figure.add_scatter(
                x=ROW_NUMBERS,
                y=packed(np.asarray(probs)[:, d]),
                mode="lines",
                name=str(d),
                legendgroup=name,
                legendgrouptitle={"text": name},
                line={"color": CLASS_COLOURS[d], "width": 4 if dash == "solid" else 3, "dash": dash},
                hovertemplate=f"{name}, after row %{{x}}: {d} with %{{y:.0%}}<extra></extra>",
            )
    figure.update_xaxes(title_text="after row", range=[0.5, ROWS + 0.5], dtick=3)
    figure.update_yaxes(title_text="probability", range=[0, 1.03], **PERCENT)
    return _base_layout(figure, 440, font_size, legend={"groupclick": "toggleitem"}, margin={"l": 10, "r": 10, "t": 20, "b": 10})
