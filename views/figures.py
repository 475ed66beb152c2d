"""Plotly figures for the reading: pure functions, data in and figure out.

The reading animation runs in the browser as plotly frames, so playing it never
reruns the script. The heavy arrays (the digit, the state map, the probability
lines) are sent once in the figure's traces; each of the 28 frames carries only
ten bar heights and a few shapes that mark the row being read and hide what has
not been read yet.
"""

import base64
import copy
import functools

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from model.config import NUM_CLASSES, ROWS
from model.xray import GATE_NAMES, Reading

# One colour per digit, the same in the bars, the lines and their legend.
# No amber among them: amber is kept for "the row being read now", in every panel.
CLASS_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#111111", "#bcbd22", "#7f7f7f")
NOW_COLOUR = "#f59e0b"
UNREAD_VEIL = "rgba(255, 255, 255, 0.82)"  # rows and steps not read yet fade behind it
PAPER = "rgba(0,0,0,0)"
# Spelled out: plotly.js does not know plotly.py's names such as "RdBu_r", and its "Greys" runs the other way.
INK = [[0.0, "#ffffff"], [1.0, "#000000"]]
DIVERGING = [[0.0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"], [1.0, "#b2182b"]]  # blue - white - red

STATES = {
    "hidden": ("Hidden state h", "h: what the network passes on to the next row (-1 to 1)"),
    "cell": ("Cell state c", "c: the network's long-term memory"),
    **{f"gate:{name}": (f"{name.capitalize()} gate", f"{name} gate: 0 = closed, 1 = open") for name in GATE_NAMES if name != "candidate"},
    "gate:candidate": ("Candidate g", "g: the new content offered to the memory (-1 to 1)"),
}


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
        "x": [str(d) for d in range(NUM_CLASSES)],
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
    return {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": -0.17,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 0, "r": 4},
        "showactive": False,
        "font": {"size": font_size - 1},
        "buttons": [
            {"label": "◀ Row", "method": "animate", "args": [[back], still]},
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
            {"label": "Row ▶", "method": "animate", "args": [[on], still]},
        ],
    }


def rows_slider(active: int, still: dict, font_size: int, *, x: float, y: float) -> dict:
    """The "Rows read: N of 28" slider under an animation whose frames are named "1" to "28"."""
    return {
        "active": active,
        "x": x,
        "len": 1.0 - x,
        "y": y,
        "yanchor": "top",
        "pad": {"t": 0},
        "currentvalue": {"prefix": "Rows read: ", "suffix": f" of {ROWS}", "font": {"size": font_size + 1}},
        "steps": [{"label": str(row), "method": "animate", "args": [[str(row)], still]} for row in range(1, ROWS + 1)],
        "font": {"size": font_size - 4},
    }


def packed(array: np.ndarray) -> dict:
    """An array as plotly.js's typed-array spec: base64 float32, a third the size of JSON numbers."""
    array = np.ascontiguousarray(array, dtype="<f4")
    spec = {"dtype": "f4", "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec


@functools.cache
def _grid() -> dict:
    """Axis domains for the four panels, worked out by make_subplots once."""
    grid = make_subplots(
        rows=2,
        cols=3,
        specs=[[{"rowspan": 2}, {"rowspan": 2}, {}], [None, None, {}]],
        column_widths=[0.27, 0.38, 0.35],
        horizontal_spacing=0.07,
        vertical_spacing=0.2,
        subplot_titles=("1", "2", "3", "4"),
    )
    return grid.layout.to_plotly_json()


class ReadyFigure(go.Figure):
    """A figure spec built as plain dicts, handed to st.plotly_chart as it is.

    Streamlit sends a Figure's to_dict() without validating it again, so this
    skips plotly.py's objects altogether: building them for the 28 frames took
    longer than everything else between a stroke and its answer, and held up
    every other student's page meanwhile. The tests validate the same spec.
    """

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec

    def to_json(self, *args, **kwargs) -> str:
        return pio.to_json(self._spec, *args, validate=False, **kwargs)


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
) -> go.Figure:
    """The animated reading: the digit, a state map and the probabilities, one frame per row.

    `start_row` (1-28) is the row shown before Play is pressed; by default the
    whole reading, so the final answer is on screen at once. The figure is
    assembled as plain dicts and not validated by plotly.py, which would take
    longer than everything else between a stroke and its answer; the tests
    validate the same spec.
    """
    if not 1 <= start_row <= ROWS:
        raise ValueError(f"start_row must be 1-{ROWS}, got {start_row}")
    probs = reading.step_probs.astype(np.float32)
    states = state_matrix(reading, state, layer)
    state_title, state_hint = STATES[state]
    layer_count = reading.hidden.shape[0]
    if layer_count > 1:
        state_title += f", layer {layer % layer_count + 1} of {layer_count}"
    rows = list(range(1, ROWS + 1))
    shown = start_row - 1

    layout = copy.deepcopy(_grid())
    titles = (
        "The digit, read top to bottom",
        f"{state_title}: {states.shape[0]} units",
        "Probabilities after this row",
        "Probabilities, row by row",
    )
    for annotation, title in zip(layout["annotations"], titles, strict=True):
        annotation.update(text=title, font={"size": font_size + 1})
    data = [
        {
            "type": "heatmap",
            "z": packed(image),
            "colorscale": INK,
            "zmin": 0,
            "zmax": 1,
            "showscale": False,
            "hovertemplate": "row %{y}<br>column %{x}<br>ink %{z:.2f}<extra></extra>",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "heatmap",
            "z": packed(states),
            "x": rows,
            "colorbar": {"title": {"text": state.split(":")[-1][0], "side": "top"}, "x": 0.625, "len": 0.9, "thickness": 14},
            "hovertemplate": "after row %{x}<br>unit %{y}<br>value %{z:.2f}<extra></extra>",
            "xaxis": "x2",
            "yaxis": "y2",
            **_state_colours(state, states),
        },
        {
            **_probability_bars(probs[shown]),
            "xaxis": "x3",
            "yaxis": "y3",
        },
    ]
    for digit in range(NUM_CLASSES):
        data.append(
            {
                "type": "scatter",
                "x": rows,
                "y": packed(probs[:, digit]),
                "name": str(digit),
                "mode": "lines",
                "line": {"color": CLASS_COLOURS[digit], "width": 3},
                "hovertemplate": f"digit {digit} after row %{{x}}: %{{y:.1%}}<extra></extra>",
                "xaxis": "x4",
                "yaxis": "y4",
            }
        )

    play = {"frame": {"duration": frame_ms, "redraw": True}, "transition": {"duration": 0}, "fromcurrent": True, "mode": "immediate"}
    still = {"frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}, "mode": "immediate"}
    names = [str(step + 1) for step in range(ROWS)]
    frames = [
        {
            "name": names[step],
            "data": [{"type": "bar", "y": packed(probs[step]), "text": _bar_text(probs[step])}],
            "traces": [2],
            "layout": {"shapes": _frame_shapes(step), "updatemenus": [_controls(step, play, still, font_size)]},
        }
        for step in range(ROWS)
    ]
    rows_ticks = {"tickvals": [0, 7, 14, 21, 27], "ticktext": ["1", "8", "15", "22", "28"]}
    percent = {"tickformat": ".0%"}
    layout["xaxis"].update(range=[-0.5, ROWS - 0.5], showticklabels=False, constrain="domain", showgrid=False)
    layout["yaxis"].update(
        range=[ROWS - 0.5, -0.5], title={"text": "row"}, scaleanchor="x", constrain="domain", showgrid=False, **rows_ticks
    )
    layout["xaxis2"].update(title={"text": "after row"})
    layout["yaxis2"].update(title={"text": "unit"}, autorange="reversed")
    layout["xaxis3"].update(type="category")
    layout["yaxis3"].update(range=[0, 1.12], **percent)
    layout["xaxis4"].update(title={"text": "after row"}, range=[0.5, ROWS + 0.5])
    layout["yaxis4"].update(range=[0, 1.02], **percent)
    layout.update(
        height=height,
        font={"size": font_size},
        margin={"l": 10, "r": 10, "t": 40, "b": 160},
        paper_bgcolor=PAPER,
        plot_bgcolor="white",
        shapes=_frame_shapes(shown),
        legend={"title": {"text": "digit"}, "x": 1.0, "y": 0.0, "yanchor": "bottom", "font": {"size": font_size - 2}},
        updatemenus=[_controls(shown, play, still, font_size)],
        sliders=[rows_slider(shown, still, font_size, x=0.36, y=-0.16)],
        meta={"state_hint": state_hint},
    )
    return ReadyFigure({"data": data, "layout": layout, "frames": frames})


def probability_figure(probs: np.ndarray, *, font_size: int = 15, height: int = 210) -> ReadyFigure:
    """The final answer's ten probabilities as bars, in the same class colours as the reading."""
    probs = np.asarray(probs, np.float32)
    layout = {
        "height": height,
        "font": {"size": font_size},
        "margin": {"l": 10, "r": 10, "t": 24, "b": 10},
        "plot_bgcolor": "white",
        "xaxis": {"type": "category"},
        "yaxis": {"range": [0, 1.15], "tickformat": ".0%"},
    }
    return ReadyFigure({"data": [_probability_bars(probs)], "layout": layout})


def pixelated(image: np.ndarray, scale: int = 7) -> np.ndarray:
    """A small ink image as dark-on-white pixels, blown up without blurring, for st.image."""
    ink = np.clip(np.asarray(image, np.float32), 0.0, 1.0)
    grey = np.round(255 * (1.0 - ink)).astype(np.uint8)
    return np.kron(grey, np.ones((scale, scale), np.uint8))
