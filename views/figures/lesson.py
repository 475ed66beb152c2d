"""The guided lesson's own two figures: one row of a picture as numbers, and one unit's gates and memory.

Pure functions, data in and figure spec out, like every figure here; the other steps reuse the
Look inside and Train figures.
"""

import numpy as np

from i18n import _, number
from model.config import ROWS
from model.insight import first_ink_rows
from model.xray import Reading
from views.figures.plotting import INK, NOW_COLOUR, PAPER, ROW_NUMBERS, TEXT, ReadyFigure, base_layout, digit_axes, legible_and_still

FORGET_COLOUR, INPUT_COLOUR = NOW_COLOUR, "#346cc0"  # the forget gate is what the step points at: amber, as every highlight
MEMORY_COLOUR = TEXT


def busiest_row(image: np.ndarray) -> int:
    """The row (1-28) with the most ink: the one worth reading out as numbers."""
    return int(np.asarray(image).sum(axis=1).argmax()) + 1


def row_numbers(image: np.ndarray, row: int) -> str:
    """Row `row` (1-28) as the network gets it: 28 numbers from 0 (paper) to 1 (ink), one decimal each."""
    return ", ".join(f"{value:.1f}".rstrip("0").rstrip(".") if value else "0" for value in np.asarray(image)[row - 1])


ROW_LABELS_PX = 40  # the row numbers and the axis's name, left of the picture


def rows_figure(image: np.ndarray, row: int, *, font_size: int = 15, height: int = 360) -> ReadyFigure:
    """The picture as 28 numbered rows of grey squares, with an amber box round row `row` (1-28)."""
    columns, rows = digit_axes()
    rows = {**rows, "tickvals": list(range(ROWS)), "ticktext": [str(n) if n % 2 else "" for n in ROW_NUMBERS]}  # every other row named
    box = {
        "type": "rect", "xref": "x", "yref": "y", "x0": -0.5, "x1": ROWS - 0.5, "y0": row - 1.5, "y1": row - 0.5,
        "line": {"color": NOW_COLOUR, "width": 4},
    }  # fmt: skip
    grid = [
        {"type": "line", "xref": "x", "yref": "y", "x0": -0.5, "x1": ROWS - 0.5, "y0": r - 0.5, "y1": r - 0.5,
         "line": {"color": "#c9ccd3", "width": 1}, "layer": "above"}
        for r in range(1, ROWS)
    ]  # fmt: skip
    heatmap = {
        "type": "heatmap", "z": np.asarray(image, np.float32).round(2).tolist(), "zmin": 0, "zmax": 1, "colorscale": INK,
        "showscale": False, "hovertemplate": _("row %{y}<br>value %{z:.1f}") + "<extra></extra>", "y": list(range(ROWS)),
    }  # fmt: skip
    layout = base_layout(height, font_size, xaxis=columns, yaxis=rows, shapes=[*grid, box], margin={"l": 10, "r": 10, "t": 10, "b": 10})
    # As wide as tall, shown at that width: plotly writes the domain it narrows for square pixels into the figure's
    # own layout, so a picture first drawn in a narrow column (before the page knew its width) stayed small once the
    # column widened.
    layout["width"] = height + ROW_LABELS_PX
    layout["paper_bgcolor"] = PAPER
    return ReadyFigure({"data": [heatmap], "layout": legible_and_still(layout, font_size)})


def _lstm(reading: Reading) -> Reading:
    """The reading, where it is an LSTM's: only an LSTM has a memory cell c and a forget gate."""
    if reading.cell is None:
        raise ValueError(f"the gates figure needs an LSTM's reading, not a {reading.kind}'s")
    return reading


def forgetting(reading: Reading, image: np.ndarray, layer: int = -1) -> np.ndarray:
    """(28, units): how much each unit's memory the forget gate let go at each row, |c before| x (1 - f); 0 above
    the digit's first ink, where the gates only idle on blank rows."""
    cell = np.asarray(_lstm(reading).cell[layer])  # (28, units)
    forget = reading.gate(layer, "forget")  # (28, units)
    let_go = np.zeros_like(cell)
    let_go[1:] = np.abs(cell[:-1]) * (1 - forget[1:])
    let_go[: int(first_ink_rows(image))] = 0.0
    return let_go


def busiest_unit(reading: Reading, image: np.ndarray, layer: int = -1) -> int:
    """The unit worth following on this digit: the one whose forget gate lets go of the most memory at one row."""
    return int(forgetting(reading, image, layer).max(axis=0).argmax())


def gate_figure(reading: Reading, unit: int, layer: int = -1, *, font_size: int = 15, height: int = 420) -> ReadyFigure:
    """One unit reading one digit: its memory cell c above, its forget and input gates (0 to 1) below, row by row."""
    cell = np.asarray(_lstm(reading).cell[layer])[:, unit]
    forget, write = reading.gate(layer, "forget")[:, unit], reading.gate(layer, "input")[:, unit]
    data = [
        {"type": "scatter", "mode": "lines+markers", "x": ROW_NUMBERS, "y": cell.round(3).tolist(), "name": _("memory cell c"),
         "line": {"color": MEMORY_COLOUR, "width": 3}, "marker": {"size": 6}, "xaxis": "x", "yaxis": "y"},
        {"type": "scatter", "mode": "lines+markers", "x": ROW_NUMBERS, "y": forget.round(3).tolist(), "name": _("forget gate (1 = keep)"),
         "line": {"color": FORGET_COLOUR, "width": 5}, "marker": {"size": 8}, "xaxis": "x2", "yaxis": "y2"},
        {"type": "scatter", "mode": "lines", "x": ROW_NUMBERS, "y": write.round(3).tolist(), "name": _("input gate (1 = write)"),
         "line": {"color": INPUT_COLOUR, "width": 2, "dash": "dash"}, "xaxis": "x2", "yaxis": "y2"},
    ]  # fmt: skip
    reach = max(float(np.abs(cell).max()), 0.1) * 1.1
    ticks = {"dtick": 4, "range": [0.5, ROWS + 0.5]}
    layout = base_layout(
        height, font_size,
        legend={"orientation": "h", "y": -0.2, "x": 0},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={**ticks, "anchor": "y", "domain": [0, 1], "showticklabels": False},
        yaxis={"domain": [0.58, 1], "range": [-reach, reach], "title": {"text": _("memory")}, "zeroline": True},
        xaxis2={**ticks, "anchor": "y2", "domain": [0, 1], "title": {"text": _("row read")}},
        yaxis2={"domain": [0, 0.46], "range": [-0.05, 1.05], "title": {"text": _("gate")}, "tickvals": [0, 0.5, 1]},
    )  # fmt: skip
    return ReadyFigure({"data": data, "layout": legible_and_still(layout, font_size)})


def gate_words(reading: Reading, image: np.ndarray, unit: int, layer: int = -1) -> str:
    """The figure in words: the row where the unit's forget gate let go of most memory, and what the memory did there;
    for a screen reader too."""
    cell = np.asarray(_lstm(reading).cell[layer])[:, unit]
    forget = reading.gate(layer, "forget")[:, unit]
    row = int(forgetting(reading, image, layer)[:, unit].argmax())  # 0-based; at least 1, where there is a row before
    return _(
        "Unit {unit} forgets most after row {row}: its forget gate is at {forget}, and its memory goes from {before} to "
        "{after}. After row {rows} it holds {end}."
    ).format(
        unit=unit, row=row + 1, forget=number(forget[row], 2), before=number(cell[row - 1], 2), after=number(cell[row], 2),
        rows=ROWS, end=number(cell[-1], 2),
    )  # fmt: skip
