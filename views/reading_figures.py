"""Plotly figures for the reading: pure functions, data in and figure out.

The reading animation runs in the browser as plotly frames, so playing it never
reruns the script. The heavy arrays (the digit, the state map, the probability
lines) are sent once in the figure's traces; each of the 28 frames carries only
ten bar heights and a few shapes that mark the row being read and hide what has
not been read yet.
"""

import copy
import functools

import numpy as np

from model.config import NUM_CLASSES, ROWS
from model.xray import GATE_NAMES, Reading
from views.explain import STATES
from views.plotting import (
    CLASS_COLOURS,
    DIGITS,
    DIVERGING,
    INK,
    NOW_COLOUR,
    PERCENT,
    ROW_NUMBERS,
    UNREAD_VEIL,
    ReadyFigure,
    animation_settings,
    base_layout,
    button_row,
    digit_axes,
    packed,
    play_pause,
    rows_slider,
    subplot_layout,
)


def state_matrix(reading: Reading, state: str, layer: int) -> np.ndarray:
    """The chosen state of one layer as (units, steps)."""
    if state == "hidden":
        values = reading.hidden[layer]
    elif state == "cell":
        values = reading.cell[layer]
    elif state.startswith("gate:") and state[5:] in GATE_NAMES:
        values = reading.gates[layer][:, GATE_NAMES.index(state[5:])]
    else:
        raise ValueError(f"unknown state {state!r}; expected one of {sorted(STATES)}")
    return values.T


def _state_colours(state: str, values: np.ndarray) -> dict:
    if state in ("hidden", "gate:candidate"):
        return {"colorscale": DIVERGING, "zmin": -1.0, "zmax": 1.0}
    if state == "cell":
        limit = max(float(np.abs(values).max()), 1e-3)
        return {"colorscale": DIVERGING, "zmin": -limit, "zmax": limit}
    return {"colorscale": "Viridis", "zmin": 0.0, "zmax": 1.0}


def _bar_text(probs: np.ndarray) -> list[str]:
    return [f"{p:.0%}" if p >= 0.05 else "" for p in probs]


def _probability_bars(probs: np.ndarray) -> dict:
    """Ten bars in the class colours, labelled where tall enough to read: the answer and the reading share them."""
    return {
        "type": "bar",
        "x": DIGITS,
        "y": packed(probs),
        "text": _bar_text(probs),
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": list(CLASS_COLOURS)},
        "showlegend": False,
        "hovertemplate": "digit %{x}: %{y:.1%}<extra></extra>",
    }


def _frame_shapes(step: int) -> list[dict]:
    """After reading row `step` (0-based): veil the unread rows and steps, mark the current one."""
    now = {"type": "rect", "line": {"color": NOW_COLOUR, "width": 3}, "layer": "above"}
    veil = {"type": "rect", "fillcolor": UNREAD_VEIL, "line": {"width": 0}, "layer": "above"}
    last = ROWS - 0.5
    shapes = [{**now, "xref": "x", "yref": "y", "x0": -0.5, "x1": 27.5, "y0": step - 0.5, "y1": step + 0.5}]
    shapes.append({**now, "xref": "x2", "yref": "y2 domain", "x0": step + 0.5, "x1": step + 1.5, "y0": 0, "y1": 1})
    shapes.append({**now, "xref": "x4", "yref": "y4 domain", "x0": step + 1, "x1": step + 1, "y0": 0, "y1": 1})
    if step < ROWS - 1:
        shapes.append({**veil, "xref": "x", "yref": "y", "x0": -0.5, "x1": 27.5, "y0": step + 0.5, "y1": last})
        shapes.append({**veil, "xref": "x2", "yref": "y2 domain", "x0": step + 1.5, "x1": last + 1, "y0": 0, "y1": 1})
        shapes.append(
            {**veil, "fillcolor": "white", "xref": "x4", "yref": "y4 domain", "x0": step + 1.05, "x1": ROWS + 0.5, "y0": 0, "y1": 1}
        )
    return shapes


def _controls(step: int, play: dict, still: dict, font_size: int) -> dict:
    """Row back, Play, Pause, Row on. Each frame carries its own copy, so the step buttons know where they are."""
    back, on = str(max(step, 1)), str(min(step + 2, ROWS))
    buttons = [
        {"label": "◀ Row", "method": "animate", "args": [[back], still]},
        *play_pause(play, still),
        {"label": "Row ▶", "method": "animate", "args": [[on], still]},
    ]
    return button_row(buttons, y=-0.17, pad={"t": 0, "r": 4}, font={"size": font_size - 1})


@functools.cache
def _grid() -> dict:
    """Axis domains for the four panels, worked out by make_subplots once."""
    return subplot_layout(
        rows=2,
        cols=3,
        specs=[[{"rowspan": 2}, {"rowspan": 2}, {}], [None, None, {}]],
        column_widths=[0.27, 0.38, 0.35],
        horizontal_spacing=0.07,
        vertical_spacing=0.2,
        subplot_titles=("1", "2", "3", "4"),
    )


def _state_title(reading: Reading, state: str, layer: int) -> str:
    """The state's name, and which layer it is when there is more than one."""
    title = STATES[state][0]
    layer_count = reading.hidden.shape[0]
    if layer_count > 1:
        title += f", layer {layer % layer_count + 1} of {layer_count}"
    return title


def _reading_traces(image: np.ndarray, states: np.ndarray, state: str, probs: np.ndarray, shown: int) -> list[dict]:
    """The digit, the state map (units, steps), the bars after row `shown` and one line per digit (steps, digits)."""
    ink = {
        "type": "heatmap",
        "z": packed(image),
        "colorscale": INK,
        "zmin": 0,
        "zmax": 1,
        "showscale": False,
        "hovertemplate": "row %{y}<br>column %{x}<br>ink %{z:.2f}<extra></extra>",
        "xaxis": "x",
        "yaxis": "y",
    }
    state_map = {
        "type": "heatmap",
        "z": packed(states),
        "x": ROW_NUMBERS,
        "colorbar": {"title": {"text": state.split(":")[-1][0], "side": "top"}, "x": 0.625, "len": 0.9, "thickness": 14},
        "hovertemplate": "after row %{x}<br>unit %{y}<br>value %{z:.2f}<extra></extra>",
        "xaxis": "x2",
        "yaxis": "y2",
        **_state_colours(state, states),
    }
    lines = [
        {
            "type": "scatter",
            "x": ROW_NUMBERS,
            "y": packed(probs[:, digit]),
            "name": str(digit),
            "mode": "lines",
            "line": {"color": CLASS_COLOURS[digit], "width": 3},
            "hovertemplate": f"digit {digit} after row %{{x}}: %{{y:.1%}}<extra></extra>",
            "xaxis": "x4",
            "yaxis": "y4",
        }
        for digit in range(NUM_CLASSES)
    ]
    return [ink, state_map, {**_probability_bars(probs[shown]), "xaxis": "x3", "yaxis": "y3"}, *lines]


def _reading_frames(probs: np.ndarray, play: dict, still: dict, font_size: int) -> list[dict]:
    """One frame per row, named "1" to "28": the bars (trace 2), the shapes and the step buttons."""
    return [
        {
            "name": str(step + 1),
            "data": [{"type": "bar", "y": packed(probs[step]), "text": _bar_text(probs[step])}],
            "traces": [2],
            "layout": {"shapes": _frame_shapes(step), "updatemenus": [_controls(step, play, still, font_size)]},
        }
        for step in range(ROWS)
    ]


def _reading_layout(titles: tuple[str, ...], shown: int, play: dict, still: dict, font_size: int, height: int) -> dict:
    """The four panels' titles and axes, the marks for row `shown` and the controls under them."""
    layout = copy.deepcopy(_grid())
    for annotation, title in zip(layout["annotations"], titles, strict=True):
        annotation.update(text=title, font={"size": font_size + 1})
    digit_columns, digit_rows = digit_axes()
    layout["xaxis"].update(range=[-0.5, ROWS - 0.5], **digit_columns)
    layout["yaxis"].update(digit_rows)
    layout["xaxis2"].update(title={"text": "after row"})
    layout["yaxis2"].update(title={"text": "unit"}, autorange="reversed")
    layout["xaxis3"].update(type="category")
    layout["yaxis3"].update(range=[0, 1.12], **PERCENT)
    layout["xaxis4"].update(title={"text": "after row"}, range=[0.5, ROWS + 0.5])
    layout["yaxis4"].update(range=[0, 1.02], **PERCENT)
    layout.update(
        base_layout(
            height,
            font_size,
            margin={"l": 10, "r": 10, "t": 40, "b": 160},
            shapes=_frame_shapes(shown),
            legend={"title": {"text": "digit"}, "x": 1.0, "y": 0.0, "yanchor": "bottom", "font": {"size": font_size - 2}},
            updatemenus=[_controls(shown, play, still, font_size)],
            sliders=[rows_slider(shown, still, font_size, x=0.36, y=-0.16)],
        )
    )
    return layout


def reading_figure(
    image: np.ndarray,
    reading: Reading,
    *,
    state: str = "hidden",
    layer: int = -1,
    frame_ms: int = 300,
    start_row: int = ROWS,
    font_size: int = 15,
    height: int = 520,
) -> ReadyFigure:
    """The animated reading: the digit, a state map and the probabilities, one frame per row.

    `start_row` (1-28) is the row shown before Play is pressed; by default the
    whole reading, so the final answer is on screen at once.
    """
    if not 1 <= start_row <= ROWS:
        raise ValueError(f"start_row must be 1-{ROWS}, got {start_row}")
    probs = reading.step_probs.astype(np.float32)  # (steps=28, digits=10)
    states = state_matrix(reading, state, layer)  # (units, steps=28)
    shown = start_row - 1
    play, still = animation_settings(frame_ms, redraw=True, from_current=True)
    titles = (
        "The digit, read top to bottom",
        f"{_state_title(reading, state, layer)}: {states.shape[0]} units",
        "Probabilities after this row",
        "Probabilities, row by row",
    )
    return ReadyFigure(
        {
            "data": _reading_traces(image, states, state, probs, shown),
            "layout": _reading_layout(titles, shown, play, still, font_size, height),
            "frames": _reading_frames(probs, play, still, font_size),
        }
    )


def probability_figure(probs: np.ndarray, *, font_size: int = 15, height: int = 210) -> ReadyFigure:
    """The final answer's ten probabilities as bars, in the same class colours as the reading."""
    probs = np.asarray(probs, np.float32)
    layout = {
        "height": height,
        "font": {"size": font_size},
        "margin": {"l": 10, "r": 10, "t": 24, "b": 10},
        "plot_bgcolor": "white",
        "xaxis": {"type": "category"},
        "yaxis": {"range": [0, 1.15], **PERCENT},
    }
    return ReadyFigure({"data": [_probability_bars(probs)], "layout": layout})
