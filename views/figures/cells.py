"""Figures of "Why an LSTM?": the plain RNN, the GRU and the LSTM measured side by side (bench/bench_cells.py's
model/weights/cells.json), figures in, plotly specs out.

Each cell has its own colour, dash and marker, so that the lines read apart without colour too; each is named at its
end. Colours chosen by measurement (tests/test_cells_figures.py): 5:1 or more on white, and any two 23 or more apart in
CIEDE2000 for normal vision and at full protanopia, deuteranopia and tritanopia. The plain RNN, which has no gates, is
the grey one.
"""

import numpy as np

from i18n import _
from model.config import ROWS
from views.figures.plotting import (
    PERCENT,
    ROW_NUMBERS,
    ReadyFigure,
    base_layout,
    label_heights,
    legible_and_still,
    line_label,
)
from views.words import cell_name

CELL_ORDER = ("lstm", "gru", "rnn")
CELL_STYLES = {  # colour, dash, marker: each cell tells itself apart three ways
    "lstm": ("#0072b2", "solid", "circle"),
    "gru": ("#c2410c", "dash", "square"),
    "rnn": ("#4d4d4d", "dot", "diamond"),
}
CHANCE = 0.1  # one digit in ten: what a reader that holds nothing gets right
LABEL_GAP = 0.11  # between names at the lines' ends, on a 0-100% axis: 30 px on the ~290 px plot, clear of a line of LABEL_PX
NAMES_MARGIN_PX = 110  # room right of the plot for the longest name ("plain RNN", "普通 RNN") at LABEL_PX


def _cells(values: dict) -> list[str]:
    return [cell for cell in CELL_ORDER if cell in values]


def _line(cell: str, x, y, hover: str) -> dict:
    colour, dash, symbol = CELL_STYLES[cell]
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "x": list(x),
        "y": [float(v) for v in y],
        "name": cell_name(cell),
        "legendgroup": cell,
        "line": {"color": colour, "dash": dash, "width": 4},
        "marker": {"symbol": symbol, "size": 11, "color": colour},
        "hovertemplate": f"{hover}<extra></extra>",
    }


def _names_at_ends(values: dict, x_end: float, low: float, high: float, gap: float) -> list[dict]:
    cells = _cells(values)
    heights = label_heights([float(values[c][-1]) for c in cells], gap, low, high)
    return [line_label(cell_name(c), x_end, h, CELL_STYLES[c][0], legendgroup=c) for c, h in zip(cells, heights, strict=True)]


def _chance_line(text: str) -> dict:
    """A dotted grey line at one in ten, named inside the plot at its left."""
    return {
        "shapes": [{"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": CHANCE, "y1": CHANCE,
                    "line": {"color": "#666666", "dash": "dot", "width": 2}}],
        "annotations": [{"text": text, "xref": "x domain", "yref": "y", "x": 0.01, "y": CHANCE, "xanchor": "left",
                         "yanchor": "bottom", "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)"}],
    }  # fmt: skip


def _layout(height: int, font_size: int, **extra) -> dict:
    return base_layout(height, font_size, showlegend=False, margin={"l": 10, "r": NAMES_MARGIN_PX, "t": 30, "b": 10}, **extra)


def held_figure(blank_rows: list[int], accuracy: dict[str, list[float]], *, font_size: int = 15) -> ReadyFigure:
    """Test accuracy of each cell's small reader when the digit is followed by N blank rows, for each N.

    blank_rows: the Ns measured, such as [0, 28, 100]; accuracy: {cell: [accuracy at each N]}. The Ns are spaced evenly,
    as few and far apart as they are: each at its place 0, 1, 2 ... and named by its tick (a category axis would take
    the names' places at the lines' ends for more categories).
    """
    places = list(range(len(blank_rows)))
    hover = _("%{customdata} blank rows after the digit: %{y:.1%} read right")
    data = [
        {**_line(cell, places, accuracy[cell], f"{cell_name(cell)}: {hover}"), "customdata": list(blank_rows)} for cell in _cells(accuracy)
    ]
    data += _names_at_ends({c: accuracy[c] for c in _cells(accuracy)}, places[-1] + 0.15, 0.0, 1.05, LABEL_GAP)
    ticks = {"tickvals": places, "ticktext": [str(n) for n in blank_rows]}
    layout = _layout(
        400,
        font_size,
        xaxis={"title": {"text": _("blank rows after the digit")}, "range": [-0.25, places[-1] + 0.25], **ticks},
        yaxis={"title": {"text": _("test digits read right")}, "range": [0, 1.05], **PERCENT},
        **_chance_line(_("guessing")),
    )
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})


def after_rows_figure(after_rows: list[int], accuracy: dict[str, list[float]], *, font_size: int = 15) -> ReadyFigure:
    """Each shipped reader's test accuracy after k rows, for each k measured (such as 7, 14, 21, 28)."""
    hover = _("after row %{x}: %{y:.1%} read right")
    data = [_line(cell, after_rows, accuracy[cell], f"{cell_name(cell)}, {hover}") for cell in _cells(accuracy)]
    data += _names_at_ends({c: accuracy[c] for c in _cells(accuracy)}, after_rows[-1] + 0.6, 0.0, 1.05, LABEL_GAP)
    layout = _layout(
        400,
        font_size,
        xaxis={"title": {"text": _("rows read")}, "range": [0.5, ROWS + 0.5], "tickvals": list(after_rows)},
        yaxis={"title": {"text": _("test digits read right")}, "range": [0, 1.05], **PERCENT},
        **_chance_line(_("guessing")),
    )
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})


def dependence_figure(dependence: dict[str, list[float]], *, font_size: int = 15) -> ReadyFigure:
    """How much each shipped reader's final answer still rests on each row: the true digit's final probability lost
    when that row is blanked, averaged over test digits. dependence: {cell: 28 values}."""
    cells = _cells(dependence)
    top = max([float(np.max(dependence[c])) for c in cells] + [0.01])
    bottom = min([float(np.min(dependence[c])) for c in cells] + [0.0])
    hover = _("without row %{x}: %{y:.2%} less sure of the right digit")
    data = [{**_line(cell, ROW_NUMBERS, dependence[cell], f"{cell_name(cell)}, {hover}"), "marker": {"size": 0}} for cell in cells]
    for trace, cell in zip(data, cells, strict=True):
        trace["mode"], trace["line"]["width"] = "lines", 3 if cell != "lstm" else 4
    span = top - bottom
    data += _names_at_ends({c: dependence[c] for c in cells}, ROWS + 0.6, bottom, top * 1.1, LABEL_GAP * span)
    layout = _layout(
        400,
        font_size,
        xaxis={"title": {"text": _("row blanked")}, "range": [0.5, ROWS + 0.5], "tickvals": [1, 7, 14, 21, 28]},
        yaxis={
            "title": {"text": _("how much less sure")},
            "range": [bottom - 0.05 * span, top * 1.1],
            "tickformat": ".1%",
            "zeroline": True,
        },
    )
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})


def learning_figure(by_epoch: dict[str, list[float]], *, font_size: int = 15) -> ReadyFigure:
    """Each cell's small reader, tested after every epoch of its training on one condition: which learns first, and
    which ends ahead. by_epoch: {cell: [test accuracy after epoch 1, 2, ...]}."""
    cells = _cells(by_epoch)
    epochs = max(len(by_epoch[c]) for c in cells)
    hover = _("after epoch %{x}: %{y:.1%} read right")
    data = [_line(cell, range(1, len(by_epoch[cell]) + 1), by_epoch[cell], f"{cell_name(cell)}, {hover}") for cell in cells]
    data += _names_at_ends({c: by_epoch[c] for c in cells}, epochs + 0.3, 0.0, 1.05, LABEL_GAP)
    layout = _layout(
        400,
        font_size,
        xaxis={"title": {"text": _("epochs of training")}, "range": [0.5, epochs + 0.5], "dtick": 1 if epochs <= 12 else 2},
        yaxis={"title": {"text": _("test digits read right")}, "range": [0, 1.05], **PERCENT},
        **_chance_line(_("guessing")),
    )
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})
