"""Figures of what the answers say, for the Look inside page: report arrays in, plotly specs out.

The confusion matrix, per-digit accuracy, how early the answer comes, which rows an
answer leans on, and two readings side by side. They keep the reading's conventions
(views/figures/plotting.py): one colour per digit, amber for the digit being examined now,
rows numbered 1 to 28, arrays sent as packed floats, dark text, lines named at their ends, nothing to drag.
"""

import copy
import functools

import numpy as np

from i18n import _, ngettext, percent
from model.config import NUM_CLASSES, ROWS
from model.insight import RowImportance, first_row_reaching
from views.encoding import typed_array
from views.figures.plotting import (
    CLASS_COLOURS,
    DIGITS,
    INK,
    MIN_TEXT_PX,
    NOW_COLOUR,
    PERCENT,
    ROW_NUMBERS,
    TEXT,
    ReadyFigure,
    app_template,
    base_layout,
    digit_axes,
    legible_and_still,
    line_label,
    subplot_layout,
)

# The confusion matrix: a pale diagonal, misreadings in shades of red, each cell's count in CELL_TEXT on it, 5:1 or more
# on every shade (plotly.js would choose white or grey by brightness, 2.7:1 on some reds).
RIGHT, WRONG, CELL_TEXT = "#d9f0d3", "#d6604d", "#111111"
DASHES = ("solid", "dot")  # first and second reading in the comparison
# Row importance: a row that holds the answer up, and one that argues against it (hatched as well). Neither is a
# digit's colour (7 or more from each); both 4.5:1 or more on white, and 46 or more apart in CIEDE2000 for any vision.
FOR_COLOUR, AGAINST_COLOUR = "#00429d", "#dc2626"
LABEL_GAP = 0.1  # between labels at the lines' ends, on a 0-100% axis: 29 px on a 300 px plot, clear of a 24 px line of LABEL_PX
EARLY_LABELS_PX = 60  # the margin right of How early's plot: its lines' names in two short lines, "all / digits"
EARLY_TICKS = {"tickvals": [1, 7, 14, 21, 28]}  # rows, as ROW_TICKS numbers a digit's: five fit the ~200 px plot of a phone
LABEL_ROWS = 5  # how many rows across a label such as "A: 7" may take: 3 on a wide chart of 28 rows, 5 on a phone


def filled(template: str, **values) -> str:
    """A translated plotly template with our own {names} filled in, leaving plotly's %{x} and %{y:.0%} to plotly.js
    (str.format would take those for ours)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def _layout(height: int, font_size: int, **extra) -> dict:
    """The shared layout, in the app's theme: these figures have always worn Streamlit's template."""
    return base_layout(height, font_size, template=app_template(), **extra)


def _below_axis(y: float, font_size: int) -> float:
    """A legend's place under the plot (a fraction of its height) that is clear of the x axis at 16 px type, moved down
    as the axis's ticks and title grow with the type."""
    return y * max(font_size, 16) / 16


def _count_font(counts: np.ndarray, font_size: int) -> dict:
    """The type of the counts on a heatmap's cells, stated, as plotly.js would shrink them to fit small cells: 13 px
    beside 16 px type; 12 px where a count has four digits ("1132" on the diagonal), which 13 px spills out of a
    phone's 25 px cells. Never under MIN_TEXT_PX, and 4 px under the page's type at most."""
    smaller = 4 if np.max(counts, initial=0) >= 1000 else 3
    return {"size": max(MIN_TEXT_PX, font_size - smaller), "color": CELL_TEXT}


def _confusion_traces(counts: np.ndarray, font_size: int) -> list[dict]:
    """The diagonal, the misreadings, and an invisible clickable marker on every cell. counts (true digit, answer)."""
    on_diagonal = np.eye(NUM_CLASSES, dtype=bool)
    misread = np.where(on_diagonal | (counts == 0), np.nan, counts.astype(np.float64))  # blank cells let the mistakes stand out
    text = np.where(counts > 0, counts.astype(str), "")
    cell = {"type": "heatmap", "x": DIGITS, "y": DIGITS, "xgap": 2, "ygap": 2, "hoverinfo": "skip", "texttemplate": "%{text}"}
    cell["textfont"] = _count_font(counts[~on_diagonal], font_size)
    true_digit, answer = np.divmod(np.arange(NUM_CLASSES * NUM_CLASSES), NUM_CLASSES)
    return [
        {
            **cell,
            "textfont": _count_font(counts[on_diagonal], font_size),
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
            "showscale": False,  # every cell says its count; a colour bar would only take a phone's width from the cells
        },
        {
            "type": "scatter",
            "x": [DIGITS[a] for a in answer],
            "y": [DIGITS[t] for t in true_digit],
            "customdata": np.stack([true_digit, answer], axis=1).tolist(),
            "text": [
                ngettext("{count} digit", "{count} digits", int(counts[t, a])).format(count=counts[t, a])
                for t, a in zip(true_digit, answer, strict=True)
            ],
            "mode": "markers",
            "marker": {"size": 30, "symbol": "square", "color": "rgba(0,0,0,0)"},
            "showlegend": False,
            "hovertemplate": _("true %{y}, read as %{x}: %{text}<br>click to see them") + "<extra></extra>",
        },
    ]


def _chosen_cell(selected: tuple[int, int] | None) -> dict:
    """An amber frame edged in black around the (true digit, answer) cell whose digits are shown, if one is.

    The black edge keeps it plain on a red cell, whose colour amber barely differs from in brightness (1.2:1).
    """
    if selected is None:
        return {}
    t, a = selected
    cell = {"type": "rect", "x0": a - 0.5, "x1": a + 0.5, "y0": t - 0.5, "y1": t + 0.5}
    return {"shapes": [{**cell, "line": {"color": "#111111", "width": 7}}, {**cell, "line": {"color": NOW_COLOUR, "width": 3}}]}


def confusion_figure(confusion: np.ndarray, selected: tuple[int, int] | None = None, *, font_size: int = 15) -> ReadyFigure:
    """True digit down, answer across, the count in every cell: a pale diagonal, misreadings in shades of red.

    Heatmap cells cannot be clicked in plotly.js, so an invisible marker sits on each cell
    for Streamlit's point selection; its customdata is (true digit, answer).
    """
    layout = _layout(
        470,
        font_size,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        clickmode="event+select",
        dragmode=False,
        xaxis={"title": {"text": _("read as")}, "side": "top", "type": "category", "showgrid": False, "tickvals": DIGITS},
        yaxis={
            "title": {"text": _("true digit")},
            "autorange": "reversed",
            "type": "category",
            "showgrid": False,
            "scaleanchor": "x",
            "tickvals": DIGITS,
        },
        **_chosen_cell(selected),
    )
    return ReadyFigure({"data": _confusion_traces(np.asarray(confusion), font_size), "layout": legible_and_still(layout, font_size)})


def class_accuracy_figure(accuracy: np.ndarray, counts: np.ndarray, *, font_size: int = 15) -> ReadyFigure:
    """Per-digit accuracy as bars, with the number misread written on each: which digits are hard."""
    accuracy = np.asarray(accuracy, np.float64)
    missed = np.round(np.asarray(counts) * (1 - np.nan_to_num(accuracy, nan=1.0))).astype(int)
    floor = max(0.0, np.floor((np.nanmin(accuracy) - 0.02) * 50) / 50) if np.isfinite(accuracy).any() else 0.0
    bars = {
        "type": "bar",
        "y": DIGITS,
        "x": typed_array(accuracy, "f8"),
        "orientation": "h",  # across, so that each label has a line of its own at a size a room can read
        "marker": {"color": list(CLASS_COLOURS)},
        "text": [
            _("{accuracy}, {count} wrong").format(accuracy=percent(a, 1), count=m) if np.isfinite(a) else _("none")
            for a, m in zip(accuracy, missed, strict=True)
        ],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": _("digit %{y}: %{x:.2%} read correctly") + "<extra></extra>",
    }
    layout = _layout(
        400,
        font_size,
        margin={"l": 10, "r": round(9.5 * font_size), "t": 10, "b": 10},  # room for "99.8%, 2 wrong" beside the longest bar
        xaxis={"range": [floor, 1.0], "title": {"text": _("read correctly (axis from {floor})").format(floor=percent(floor))}, **PERCENT},
        yaxis={"type": "category", "autorange": "reversed", "title": {"text": _("true digit")}},
    )
    return ReadyFigure({"data": [bars], "layout": legible_and_still(layout, font_size)})


def _row_lines(values: np.ndarray, *, name: str, hover: str, line: dict, **extra) -> dict:
    """One value per row (28,) as a line over rows 1 to 28."""
    return {
        "type": "scatter",
        "x": ROW_NUMBERS,
        "y": typed_array(values),
        "name": name,
        "mode": "lines",
        "line": line,
        "hovertemplate": f"{hover}<extra></extra>",
        **extra,
    }


def _half_known_marker(known_by_rows: np.ndarray, font_size: int) -> dict:
    """A dotted line, with its note, at the first row after which half the test digits are known (if any).

    The note sits inside the plot at its top, on the side of the line with more room (left from row 14 on), in two
    short lines on a white ground, so that it never runs past the plot on a phone nor hides behind a line.
    """
    half = first_row_reaching(known_by_rows, 0.5)
    if half is None:
        return {}
    at = {"xref": "x", "yref": "y domain"}
    shape = {"type": "line", "x0": half, "x1": half, "y0": 0, "y1": 1, "line": {"color": "#888888", "dash": "dot"}, **at}
    side = "right" if half >= ROWS / 2 else "left"  # the note's anchor: it lies left of the line when that is the wider side
    note = {
        "text": _("half known<br>by row {row}").format(row=half),
        "x": half,
        "y": 1,
        "xanchor": side,
        "yanchor": "top",
        "align": side,
        "xshift": -4 if side == "right" else 4,
        "bgcolor": "rgba(255,255,255,0.85)",
        "font": {"size": max(MIN_TEXT_PX, font_size - 2)},
        "showarrow": False,
        **at,
    }
    return {"shapes": [shape], "annotations": [note]}


def _spread(ends, lines, low: float, high: float, *, at=None, width: float = np.inf, rising: bool = False) -> list[float]:
    """label_heights for names of one or two lines: each as near its line's end as it can be, clear by LABEL_GAP a
    line of those placed before it less than `width` across from it (`at`: each label's x). `rising`: a name moves
    up rather than down where it can, off the tangle of lines under it."""
    at = [0.0] * len(ends) if at is None else at
    placed: list[tuple[float, float, float]] = []  # (x, height, half the label's height)
    for end, count, x in zip(ends, lines, at, strict=True):
        half, end = count * LABEL_GAP / 2, float(np.clip(end, low, high))
        near = [(p, h) for across, p, h in placed if abs(across - x) < width]
        candidates = [end, *(p + side * (h + half) for p, h in near for side in (-1, 1))]
        free = [c for c in candidates if low - 1e-9 <= c <= high + 1e-9 and all(abs(c - p) >= h + half - 1e-9 for p, h in near)]
        free = [c for c in free if c >= end - 1e-9] or free if rising else free
        placed.append((x, min(free, key=lambda c: abs(c - end)) if free else end, half))
    return [height for _, height, _ in placed]


def _two_lines(name: str) -> str:
    """A line's name in two short lines for How early's narrow margin: at its space ("all<br>digits"), or, in Chinese
    or Japanese, which write none, halfway ("这个<br>数字"): four characters are wider than the margin."""
    if " " in name or len(name) <= 2:
        return name.replace(" ", "<br>")
    middle = (len(name) + 1) // 2
    return f"{name[:middle]}<br>{name[middle:]}"


def _early_labels(lines: list[tuple[str, np.ndarray, dict]], digit: int | None) -> list[dict]:
    """Each line's name at its end, a two-word name in two lines so that the margin beside the plot stays narrow
    (EARLY_LABELS_PX). The lines drawn at first (the examined digit's, its answer's, all digits') get the places
    nearest their ends, then the rest."""
    shown = [n for n in (NUM_CLASSES + 1, digit, NUM_CLASSES) if n is not None and n < len(lines)]
    order = shown + [n for n in range(len(lines)) if n not in shown]
    names = [_two_lines(lines[n][0]) for n in order]
    heights = _spread([float(lines[n][1][-1]) for n in order], [name.count("<br>") + 1 for name in names], low=0.0, high=1.03)
    labels = []
    for n, name, height in zip(order, names, heights, strict=True):
        _, _, trace = lines[n]
        trace["legendgroup"] = trace["name"]  # a click on the legend hides a line and its label together
        visible = {"visible": trace["visible"]} if "visible" in trace else {}
        labels.append(line_label(name, ROWS + 0.5, height, trace["line"]["color"], legendgroup=trace["name"], **visible))
    return labels


def early_figure(
    known_by_rows: np.ndarray,
    class_known_by_rows: np.ndarray,
    *,
    digit: int | None = None,
    digit_probs: np.ndarray | None = None,
    digit_name: str | None = None,
    second: tuple[str, np.ndarray | None, np.ndarray | None] | None = None,
    font_size: int = 15,
) -> ReadyFigure:
    """The share of test digits known after k rows (model.insight.known_by_rows: right from there on, and never
    before any ink): all digits, each digit, and how sure the network is of the digit examined now.

    Every digit's own line is in the legend; only `digit`'s is drawn at first, so the chart stays readable.
    known_by_rows (28,), class_known_by_rows (10, 28); digit_probs (28,) is the examined digit's
    probability of `digit` after each row. second: another model's (name, known_by_rows or None where it has no
    report, its probability of `digit` for the same digit or None), drawn dotted over the first's.
    """
    digit_name = _("this digit") if digit_name is None else digit_name
    lines = [  # (its label, its values (28,), its trace)
        (
            _("{digit}s").format(digit=d),
            class_known_by_rows[d],
            _row_lines(
                class_known_by_rows[d],
                name=_("all {digit}s").format(digit=d),
                hover=filled(_("{digit}s known after row %{x}: %{y:.0%}"), digit=d),
                line={"color": CLASS_COLOURS[d], "width": 3 if d == digit else 1.5},
                visible=True if d == digit else "legendonly",
            ),
        )
        for d in range(NUM_CLASSES)
    ]
    hover = _("all digits known after row %{x}: %{y:.0%}")
    all_digits = _row_lines(known_by_rows, name=_("all test digits"), hover=hover, line={"color": "#111111", "width": 5})
    lines.append((_("all digits"), known_by_rows, all_digits))
    if digit_probs is not None and digit is not None:
        examined = _row_lines(
            digit_probs,
            name=_("{name}: how sure it is of {digit}").format(name=digit_name, digit=digit),
            hover=filled(_("after row %{x}: {digit} with %{y:.0%}"), digit=digit),
            line={"color": NOW_COLOUR, "width": 4, "dash": "dash"},
            mode="lines+markers",
            marker={"size": 7},
        )
        lines.append((_("this digit"), digit_probs, examined))
    lines += _second_lines(second, digit)
    data = [trace for _, _, trace in lines] + _early_labels(lines, digit)
    layout = _layout(
        480,
        font_size,
        legend={"orientation": "h", "y": _below_axis(-0.2, font_size)},  # clear of "rows read" under the taller top margin
        margin={"l": 10, "r": EARLY_LABELS_PX, "t": 40, "b": 10},
        xaxis={"title": {"text": _("rows read")}, "range": [0.5, ROWS + 0.5], **EARLY_TICKS},
        yaxis={"title": {"text": _("share known  /  how sure")}, "range": [0, 1.03], **PERCENT},
        **_half_known_marker(known_by_rows, font_size),
    )
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})


def _second_lines(second, digit: int | None) -> list[tuple[str, np.ndarray, dict]]:
    """A second model's lines for How early, dotted: its share of test digits known, and how sure it is of `digit`."""
    if second is None:
        return []
    name, known, probs = second
    lines = []
    if known is not None:
        hover = filled(_("{name}: all digits known after row %{x}: %{y:.0%}"), name=name)
        trace = _row_lines(known, name=_("{name}: all test digits").format(name=name), hover=hover,
                           line={"color": "#111111", "width": 4, "dash": "dot"})  # fmt: skip
        lines.append((_("B: all"), known, trace))
    if probs is not None and digit is not None:
        hover = filled(_("{name}, after row %{x}: {digit} with %{y:.0%}"), name=name, digit=digit)
        trace = _row_lines(probs, name=_("{name}: how sure it is of {digit}").format(name=name, digit=digit), hover=hover,
                           line={"color": NOW_COLOUR, "width": 3, "dash": "dot"}, mode="lines+markers",
                           marker={"size": 8, "symbol": "diamond"})  # fmt: skip
        lines.append((_("B: this"), probs, trace))
    return lines


@functools.cache
def side_by_side_grid() -> dict:
    """The digit on the left, the bars on the right, sharing the rows: worked out by make_subplots once."""
    return subplot_layout(rows=1, cols=2, shared_yaxes=True, column_widths=[0.4, 0.6], horizontal_spacing=0.03)


def _for_and_against(digit: int, font_size: int) -> list[dict]:
    """Above the bars, each side named in its own colour: against the answer on the left, for it on the right.

    Short, so that both fit over the bars of a phone (about 130 px); the caption says the rest.
    """
    at = {"xref": "x2 domain", "yref": "y2 domain", "y": 1.0, "yanchor": "bottom", "showarrow": False}
    size = max(MIN_TEXT_PX, font_size - 3)
    return [
        {
            "text": _("<b>◀ against {digit}</b>").format(digit=digit),
            "x": 0.0,
            "xanchor": "left",
            "font": {"color": AGAINST_COLOUR, "size": size},
            **at,
        },
        {
            "text": _("<b>for {digit} ▶</b>").format(digit=digit),
            "x": 1.0,
            "xanchor": "right",
            "font": {"color": FOR_COLOUR, "size": size},
            **at,
        },
    ]


def row_importance_figure(image: np.ndarray, importance: RowImportance, *, font_size: int = 15) -> ReadyFigure:
    """The digit beside one bar per row: how far its answer's confidence falls (in log-odds) when that row is blanked.

    Bars for the answer are solid FOR_COLOUR, bars against it hatched AGAINST_COLOUR, whatever the digit.
    """
    support = -np.asarray(importance.log_odds_change, np.float64)  # (rows=28,) positive: the row spoke for the answer
    against = support < 0
    ink = {"type": "heatmap", "z": typed_array(image), "colorscale": INK, "zmin": 0, "zmax": 1, "showscale": False, "hoverinfo": "skip"}
    bars = {
        "type": "bar",
        "x": typed_array(support, "f8"),
        "y": list(range(ROWS)),
        "orientation": "h",
        "marker": {
            "color": np.where(against, AGAINST_COLOUR, FOR_COLOUR).tolist(),
            "pattern": {"shape": np.where(against, "/", "").tolist(), "fillmode": "overlay", "fgcolor": "white", "size": 6},
        },
        "customdata": typed_array(np.stack([ROW_NUMBERS, importance.change], axis=1), "f8"),  # (rows=28, 2): row number, change in P
        "hovertemplate": filled(
            _("row %{customdata[0]}: without it, how sure it is of {digit} changes by %{customdata[1]:+.1%}"), digit=importance.digit
        )
        + "<extra></extra>",
        "showlegend": False,
    }
    layout = copy.deepcopy(side_by_side_grid())
    digit_columns, digit_rows = digit_axes()
    layout["xaxis"].update(digit_columns)
    layout["yaxis"].update(digit_rows)
    layout["xaxis2"].update(title={"text": _("how much the row helped")}, zeroline=True, zerolinecolor="#111111")  # short: a phone
    layout.update(_layout(460, font_size, margin={"l": 10, "r": 10, "t": 40, "b": 10}, bargap=0.15))
    layout["annotations"] = [*layout.get("annotations", []), *_for_and_against(importance.digit, font_size)]
    data = [{**ink, "xaxis": "x", "yaxis": "y"}, {**bars, "xaxis": "x2", "yaxis": "y2"}]
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})


def compare_figure(readings: list[tuple[str, np.ndarray]], *, font_size: int = 15, threshold: float = 0.25) -> ReadyFigure:
    """Two readings' probabilities row by row on one chart: solid for the first, dotted for the second.

    Only digits that reach `threshold` in either reading are drawn, so the chart shows the contest, not ten flat lines.
    Each line that reaches `threshold` is named where it peaks ("A: 7"), which for the answer is its end and for a
    digit that lost is where it stood highest, not at 0% beside all the others; names that would cover each other
    are moved apart; the legend names the readings, and a click on one hides its lines.
    readings: (name, step_probs (28, 10)) each; a name such as "A: test digit #947" is shortened to "A" at the lines' ends.
    """
    contenders = sorted({int(d) for _, probs in readings for d in np.flatnonzero(np.asarray(probs).max(axis=0) >= threshold)})
    data, labels = [], []
    for (name, probs), dash in zip(readings, DASHES, strict=False):
        short = name.split(":")[0]
        style = {"color": TEXT, "width": 4 if dash == "solid" else 3, "dash": dash}
        data.append({"type": "scatter", "x": [None], "y": [None], "mode": "lines", "name": name, "line": style, "legendgroup": name})
        for d in contenders:
            values = np.asarray(probs)[:, d]
            line = {**style, "color": CLASS_COLOURS[d]}
            hover = filled(_("{name}, after row %{x}: {digit} with %{y:.0%}"), name=name, digit=d)
            data.append(_row_lines(values, name=f"{short}: {d}", hover=hover, line=line, legendgroup=name, showlegend=False))
            if values.max() < threshold:  # flat in this reading (it contends in the other): named by no label at row 1
                continue
            peak = int(np.argmax(values[::-1]))  # the last row where it stands highest
            labels.append((f"{short}: {d}", ROWS - peak, float(values[-1 - peak]), CLASS_COLOURS[d], name))
    labels.sort(key=lambda label: -label[2])  # the highest placed first: they move least
    rows, peaks = [label[1] for label in labels], [label[2] for label in labels]
    heights = _spread(peaks, [1] * len(peaks), 0.0, 1.03, at=rows, width=LABEL_ROWS, rising=True)
    for (text, row, _peak, colour, group), height in zip(labels, heights, strict=True):
        data.append(line_label(text, row, height, colour, legendgroup=group, textposition="top center"))
    layout = _layout(
        440,
        font_size,
        legend={"orientation": "h", "y": _below_axis(-0.2, font_size)},
        margin={"l": 10, "r": 30, "t": 50, "b": 10},  # room above for a name at 103%, written over its point
        xaxis={"title": {"text": _("after row")}, "range": [0.5, ROWS + 0.5], "dtick": 3},
        yaxis={"title": {"text": _("probability")}, "range": [0, 1.03], **PERCENT},
    )
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})
