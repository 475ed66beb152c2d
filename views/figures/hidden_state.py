"""Figures of what the hidden state h holds, for the Look inside page: report arrays in, plotly specs out.

The map of the top layer's h (each test digit a path through two PCA directions) and
one unit's h, row by row, per digit. They keep the reading's conventions
(views/figures/plotting.py): one colour per digit, amber for the digit examined now, dark text, nothing to drag.
"""

import copy
import functools

import numpy as np

from model.config import NUM_CLASSES, ROWS
from views.encoding import typed_array
from views.figures.plotting import (
    CLASS_COLOURS,
    LABEL_PX,
    NOW_COLOUR,
    ROW_NUMBERS,
    TEXT,
    ReadyFigure,
    animation_settings,
    base_layout,
    button_row,
    legible_and_still,
    play_pause,
    rows_slider,
    subplot_layout,
)


def _paths_with_gaps(paths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m, 28, 2) -> x, y with a NaN after each path, so one trace draws m separate lines."""
    gapped = np.concatenate([paths, np.full((len(paths), 1, 2), np.nan, np.float32)], axis=1).reshape(-1, 2)
    return gapped[:, 0], gapped[:, 1]


def _digit_paths(paths: np.ndarray, labels: np.ndarray, font_size: int) -> tuple[list[dict], list[dict]]:
    """One faint trace per digit for all its paths (m, 28, 2), and a big label where its paths end."""
    traces, labels_at_ends = [], []
    for d in range(NUM_CLASSES):
        mine = paths[labels == d]
        if not len(mine):
            continue
        x, y = _paths_with_gaps(mine)
        traces.append(
            {
                "type": "scatter",
                "x": typed_array(x),
                "y": typed_array(y),
                "mode": "lines",
                "name": str(d),
                "line": {"color": CLASS_COLOURS[d], "width": 1},
                "opacity": 0.35,
                "hoverinfo": "skip",
                "legendgroup": str(d),
            }
        )
        end = np.median(mine[:, -1], axis=0)
        labels_at_ends.append(
            {
                "x": float(end[0]),
                "y": float(end[1]),
                "text": f"<b>{d}</b>",
                "showarrow": False,
                "font": {"size": font_size + 13, "color": CLASS_COLOURS[d]},
                "bgcolor": "rgba(255,255,255,0.75)",
            }
        )
    return traces, labels_at_ends


def _map_layout(paths: np.ndarray, explained: np.ndarray, labels_at_ends: list[dict], font_size: int, current=None) -> dict:
    """Axes named by the share of variation each direction explains, and an arrow to where every path starts.

    The ranges are stated, 5% beyond every path (current (28, 2) included), not left to plotly.js: on a phone it
    would widen them to make room for the examined digit's name, and squeeze the paths into a corner.
    """
    points = np.concatenate([paths.reshape(-1, 2), np.zeros((0, 2)) if current is None else np.asarray(current).reshape(-1, 2)])
    low, high = np.nanmin(points, axis=0), np.nanmax(points, axis=0)
    x_range, y_range = ([float(lo - 0.05 * (hi - lo)), float(hi + 0.05 * (hi - lo))] for lo, hi in zip(low, high, strict=True))
    start = np.median(paths[:, 0], axis=0)
    start_note = {"x": float(start[0]), "y": float(start[1]), "text": "start (blank rows)", "arrowhead": 2, "ax": 60, "ay": -40}
    return base_layout(
        680,
        font_size,
        showlegend=True,
        # The legend above the map, not beside it: on a phone the map needs the whole width.
        legend={"title": {"text": "digit"}, "itemsizing": "constant", "orientation": "h", "y": 1.02, "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        annotations=[*labels_at_ends, start_note],
        xaxis={
            "title": {"text": f"direction 1 ({explained[0]:.0%} of the variation)"},
            "range": x_range,
            "zeroline": False,
            "showgrid": False,
        },
        yaxis={"title": {"text": f"direction 2 ({explained[1]:.0%})"}, "range": y_range, "zeroline": False, "showgrid": False},
    )


def _examined_path(current: np.ndarray, rows: int, name: str) -> dict:
    """The examined digit's path (28, 2) over its first `rows` rows, the last one a big dot named "this digit"."""
    return {
        "type": "scatter",
        "x": typed_array(current[:rows, 0]),
        "y": typed_array(current[:rows, 1]),
        "mode": "lines+markers+text",
        "line": {"color": NOW_COLOUR, "width": 5},
        "marker": {"size": [6] * (rows - 1) + [16], "color": NOW_COLOUR, "line": {"color": "#111111", "width": 1.5}},
        "name": name,
        "text": [""] * (rows - 1) + ["<b>this digit</b>"],
        "textposition": "top right",
        "textfont": {"color": TEXT, "size": LABEL_PX},
        "customdata": ROW_NUMBERS[:rows],
        "hovertemplate": "after row %{customdata}<extra></extra>",
    }


def map_figure(
    paths: np.ndarray,
    labels: np.ndarray,
    explained: np.ndarray,
    *,
    current: np.ndarray | None = None,
    current_name: str = "this digit",
    frame_ms: int = 350,
    font_size: int = 15,
) -> ReadyFigure:
    """Test digits' paths through the 2-D map of the top layer's h, one colour per digit, big labels where they end.

    paths (m, 28, 2) and labels (m,); `current` (28, 2) is drawn on top in amber and, with Play,
    grows one row at a time (its trace is the last, and the frames carry only it).
    """
    data, labels_at_ends = _digit_paths(paths, np.asarray(labels), font_size)
    layout = legible_and_still(_map_layout(paths, explained, labels_at_ends, font_size, current), font_size)
    if current is None:
        return ReadyFigure({"data": data, "layout": layout})
    current = np.asarray(current, np.float32)
    play, still = animation_settings(frame_ms, redraw=False, from_current=False)
    frames = [{"name": str(rows), "data": [_examined_path(current, rows, current_name)], "traces": [len(data)]} for rows in ROW_NUMBERS]
    data.append(_examined_path(current, ROWS, current_name))
    layout.update(
        updatemenus=[button_row(play_pause(play, still), y=-0.18)],
        sliders=[rows_slider(ROWS - 1, still, font_size, x=0.0, y=-0.28)],  # under the buttons, not beside: a phone has no room
        margin={"l": 10, "r": 10, "t": 30, "b": 220},
    )
    return ReadyFigure({"data": data, "layout": layout, "frames": frames})


@functools.cache
def small_multiples_grid() -> dict:
    """The layout of ten small panels, two rows of five sharing their axes, worked out by make_subplots once."""
    return subplot_layout(
        rows=2,
        cols=5,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=[f"{d}s" for d in range(NUM_CLASSES)],
        horizontal_spacing=0.02,
        vertical_spacing=0.14,
    )


def _unit_panel(d: int, mean: np.ndarray, std: np.ndarray, current: np.ndarray | None, current_name: str) -> list[dict]:
    """Digit d's panel: its band of one standard deviation, its mean, and the examined digit's h. Each (28,)."""
    axes = {"xaxis": f"x{d + 1 if d else ''}", "yaxis": f"y{d + 1 if d else ''}"}
    colour = CLASS_COLOURS[d]
    band = np.concatenate([mean + std, (mean - std)[::-1]])  # (56,): along the top, back along the bottom
    traces = [
        {
            "type": "scatter",
            "x": ROW_NUMBERS + ROW_NUMBERS[::-1],
            "y": typed_array(band),
            "fill": "toself",
            "fillcolor": colour,
            "opacity": 0.2,
            "line": {"width": 0},
            "hoverinfo": "skip",
            "showlegend": False,
            **axes,
        },
        {
            "type": "scatter",
            "x": ROW_NUMBERS,
            "y": typed_array(mean),
            "mode": "lines",
            "line": {"color": colour, "width": 3},
            "showlegend": False,
            "hovertemplate": f"{d}s after row %{{x}}: mean %{{y:.2f}}<extra></extra>",
            **axes,
        },
    ]
    if current is not None:
        traces.append(
            {
                "type": "scatter",
                "x": ROW_NUMBERS,
                "y": typed_array(current),
                "mode": "lines",
                "line": {"color": NOW_COLOUR, "width": 2.5, "dash": "dash"},
                "name": current_name,
                "showlegend": d == 0,
                "legendgroup": "current",
                "hovertemplate": "this digit after row %{x}: %{y:.2f}<extra></extra>",
                **axes,
            }
        )
    return traces


def _mean_in_legend() -> dict:
    """A legend entry for the solid lines, which are each panel's own digit's colour: solid is the mean, dashed this digit."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "lines",
        "line": {"color": TEXT, "width": 3},
        "name": "mean of the test digits (band: one standard deviation)",
        "hoverinfo": "skip",
    }


def _unit_layout(title: str, font_size: int) -> dict:
    """Ten panels on the same scales: h from -1 to 1, rows 1 to 28."""
    layout = copy.deepcopy(small_multiples_grid())
    for name, axis in layout.items():
        if name.startswith("yaxis"):
            axis.update(range=[-1.05, 1.05], tickvals=[-1, 0, 1], zeroline=True, zerolinecolor="#bbbbbb", showgrid=False)
        elif name.startswith("xaxis"):
            axis.update(range=[1, ROWS], tickvals=[10, 20], tickangle=0, showgrid=False)  # two: a phone's panels are 60 px wide
    for annotation in layout["annotations"]:
        annotation["font"] = {"size": font_size + 1}
    layout.update(
        base_layout(
            420,
            font_size,
            title={"text": title, "font": {"size": font_size + 2}},
            legend={"orientation": "h", "y": -0.1},
            margin={"l": 10, "r": 10, "t": 80, "b": 10},
        )
    )
    return layout


def unit_figure(
    mean: np.ndarray,
    std: np.ndarray,
    *,
    title: str,
    current: np.ndarray | None = None,
    current_name: str = "this digit",
    font_size: int = 15,
) -> ReadyFigure:
    """One unit across the rows, one small panel per digit: the class mean with a band of one standard deviation.

    mean, std (10, 28); `current` (28,) is the examined digit's own h, drawn in every panel in amber.
    """
    mean, std = np.asarray(mean, np.float32), np.asarray(std, np.float32)
    data = [trace for d in range(NUM_CLASSES) for trace in _unit_panel(d, mean[d], std[d], current, current_name)]
    data.append(_mean_in_legend())
    return ReadyFigure({"data": data, "layout": legible_and_still(_unit_layout(title, font_size), font_size)})
