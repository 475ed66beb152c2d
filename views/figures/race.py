"""The Race page's chart: the network's probability of the true digit, and of its strongest rival (its answer, where it
misread the digit), row by row, with the rows where the student and the network knew. Plain plotly.js specs
(views/figures/plotting.py)."""

import numpy as np

from classroom.race import sentences
from i18n import _, percent
from model.config import ROWS
from views.encoding import typed_array
from views.figures.plotting import (
    CLASS_COLOURS,
    PERCENT,
    ROW_NUMBERS,
    TEXT,
    ReadyFigure,
    app_template,
    base_layout,
    label_heights,
    legible_and_still,
    line_label,
)

LABEL_GAP = 0.12  # between the names at the lines' ends, as a share of the y axis
STUDENT_LINE = {"color": TEXT, "width": 3}
NETWORK_LINE = {"color": TEXT, "width": 3, "dash": "dot"}


def strongest_rival(step_probs: np.ndarray, label: int) -> int:
    """The other digit the network leaned to most, at any row: the one the student raced against too. Where the
    network misread the digit, its own answer: the result's words speak of it, so its line is drawn."""
    answer = int(np.asarray(step_probs)[-1].argmax())
    if answer != label:
        return answer
    peaks = np.asarray(step_probs, np.float64).max(axis=0)
    peaks[label] = -1.0
    return int(peaks.argmax())


def _is_answer(step_probs: np.ndarray, rival: int) -> bool:
    return int(np.asarray(step_probs)[-1].argmax()) == rival


def _rival_name(step_probs: np.ndarray, rival: int) -> str:
    if _is_answer(step_probs, rival):
        return _("{digit}, the network's answer").format(digit=rival)
    return _("{digit}, its strongest rival").format(digit=rival)


def _probability_line(step_probs: np.ndarray, digit: int, *, name: str, dash: str = "solid", width: float = 4) -> dict:
    return {
        "type": "scatter",
        "x": ROW_NUMBERS,
        "y": typed_array(step_probs[:, digit]),
        "name": name,
        "legendgroup": name,
        "mode": "lines",
        "line": {"color": CLASS_COLOURS[digit], "width": width, "dash": dash},
        "hovertemplate": _("after row {row}: {digit} with {probability}").format(row="%{x}", digit=digit, probability="%{y:.0%}")
        + "<extra></extra>",
    }


def _row_marks(student_row: int, network_row: int, right: float, font_size: int) -> dict:
    """A line at each side's row, named above the plot on a line of its own (so rows next to each other stay readable),
    the name leaning into the plot near its right end."""
    marks = [
        (_("you: row {row}").format(row=student_row), student_row, STUDENT_LINE, 2),
        (_("network: row {row}").format(row=network_row), network_row, NETWORK_LINE, 1),
    ]
    at = {"xref": "x", "yref": "y domain"}
    shapes = [{"type": "line", "x0": row, "x1": row, "y0": 0, "y1": 1, "line": line, **at} for _, row, line, _ in marks]
    annotations = [
        {
            "text": f"<b>{who}</b>",
            "x": row,
            "y": 1,
            "xanchor": "right" if row > 0.6 * right else "left",
            "yanchor": "bottom",
            "yshift": (level - 1) * round(font_size * 1.35),
            "showarrow": False,
            "font": {"size": font_size, "color": TEXT},
            **at,
        }
        for who, row, _, level in marks
    ]
    return {"shapes": shapes, "annotations": annotations}


def race_figure(step_probs: np.ndarray, label: int, student_row: int, network_row: int, *, presenter: bool = False) -> ReadyFigure:
    """The true digit's probability after each row (a thick line) and its strongest rival's (dashed), named at their
    ends by their digits (not by colour alone), with a line at the student's row and one at the network's.

    step_probs (28, 10); student_row may pass 28 (wrong guesses add rows): the axis then reaches it.
    """
    step_probs = np.asarray(step_probs, np.float32)
    rival = strongest_rival(step_probs, label)
    font_size = 20 if presenter else 15
    lines = [
        _probability_line(step_probs, label, name=_("{digit}, the true digit").format(digit=label)),
        _probability_line(step_probs, rival, name=_rival_name(step_probs, rival), dash="dash", width=3),
    ]
    ends = label_heights([float(step_probs[-1, label]), float(step_probs[-1, rival])], LABEL_GAP, low=0.0, high=1.0)
    names = [
        line_label(str(digit), ROWS + 0.3, height, CLASS_COLOURS[digit], legendgroup=line["name"])
        for digit, height, line in zip((label, rival), ends, lines, strict=True)
    ]
    right = max(ROWS, student_row) + 0.5
    layout = base_layout(
        320 if presenter else 300,
        font_size,
        template=app_template(),
        legend={"orientation": "h", "y": -0.42 if presenter else -0.38, "x": 0},
        margin={"l": 10, "r": 30, "t": round(font_size * 2.9), "b": 10},
        xaxis={"title": {"text": _("rows uncovered")}, "range": [0.5, right], "dtick": 4 if right < 33 else 6},
        yaxis={"title": {"text": _("how sure the network is")}, "range": [0, 1.04], **PERCENT},
        **_row_marks(student_row, network_row, right, font_size),
    )
    return ReadyFigure({"data": [*lines, *names], "layout": legible_and_still(layout, font_size)})


def race_figure_alt(step_probs: np.ndarray, label: int, student_row: int, network_row: int) -> str:
    """The chart in words, for a screen reader."""
    step_probs = np.asarray(step_probs)
    rival = strongest_rival(step_probs, label)
    at_network = step_probs[min(network_row, ROWS) - 1]
    if _is_answer(step_probs, rival):
        lines = _("How sure the network was after each row: of {label}, the true digit, and of {rival}, the network's answer.")
    else:
        lines = _("How sure the network was after each row: of {label}, the true digit, and of {rival}, its strongest rival.")
    rows = _(
        "You knew at row {row}; the network settled at row {network_row}, {label} at {label_probability} and {rival} at "
        "{rival_probability}; after all {rows} rows {label} at {last_probability}."
    )
    return sentences(
        lines.format(label=label, rival=rival),
        rows.format(
            row=student_row,
            network_row=network_row,
            label=label,
            rival=rival,
            label_probability=percent(float(at_network[label])),
            rival_probability=percent(float(at_network[rival])),
            rows=ROWS,
            last_probability=percent(float(step_probs[-1, label])),
        ),
    )


def network_row_sentence(step_probs: np.ndarray, network_row: int, answer: int) -> str:
    """What the network's row means, with how sure it was there: its answer was on top from that row on, but perhaps
    only just ("network: row 16" could be read as "sure at row 16")."""
    sure = float(np.asarray(step_probs)[min(network_row, ROWS) - 1, answer])
    return sentences(
        _("The network's row is where its answer stopped changing, however sure it was then."),
        _("After row {row} it said {answer}, and was {probability} sure.").format(
            row=network_row, answer=answer, probability=percent(sure)
        ),
    )
