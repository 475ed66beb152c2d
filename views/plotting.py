"""The plotting kit every figure and page shares: colours, axes, animation settings and the spec wrapper.

Figures are assembled as plain plotly.js specs (dicts) and wrapped in ReadyFigure,
so plotly.py never builds or validates its objects on the way to the browser; the
tests validate the same specs. bench/bench_figures.py measures what that saves.
"""

import base64

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from model.config import NUM_CLASSES, ROWS

# One colour per digit, the same in the bars, the lines and their legend.
# No amber among them: amber is kept for "the row being read now", in every panel.
CLASS_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#111111", "#bcbd22", "#7f7f7f")
NOW_COLOUR = "#f59e0b"
UNREAD_VEIL = "rgba(255, 255, 255, 0.82)"  # rows and steps not read yet fade behind it
PAPER = "rgba(0,0,0,0)"
# Spelled out: plotly.js does not know plotly.py's names such as "RdBu_r", and its "Greys" runs the other way.
INK = [[0.0, "#ffffff"], [1.0, "#000000"]]
DIVERGING = [[0.0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"], [1.0, "#b2182b"]]  # blue - white - red

DIGITS = [str(d) for d in range(NUM_CLASSES)]  # the ten answers as categories on an axis
ROW_NUMBERS = list(range(1, ROWS + 1))  # rows as people count them: after row 1 ... after row 28
ROW_TICKS = {"tickvals": [0, 7, 14, 21, 27], "ticktext": ["1", "8", "15", "22", "28"]}  # a digit's 0-based rows, labelled from 1
PERCENT = {"tickformat": ".0%"}
PLOTLY_CONFIG = {"displayModeBar": False}  # every st.plotly_chart: no toolbar over the figures


class ReadyFigure(go.Figure):
    """A figure spec built as plain dicts, handed to st.plotly_chart as it is.

    Streamlit sends a Figure's to_dict() without validating it again, so this
    skips plotly.py's objects altogether: they cost more than anything else
    between a stroke and its answer, and held up every other student's page
    meanwhile. The tests validate the same spec.
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


def packed(array: np.ndarray, dtype: str = "f4") -> dict:
    """An array as plotly.js's typed-array spec: base64 float32, a third the size of JSON numbers ("f8" where it must be exact)."""
    array = np.ascontiguousarray(array, dtype=f"<{dtype}")
    spec = {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec


def base_layout(height: int, font_size: int, **extra) -> dict:
    """The settings the figures share: a transparent paper on the page, a white plot, narrow margins."""
    return {
        "height": height,
        "font": {"size": font_size},
        "paper_bgcolor": PAPER,
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        **extra,
    }


def app_template() -> dict:
    """The layout.template that plotly.py's go.Figure fills in: Streamlit's theme once streamlit is imported.

    st.plotly_chart recolours that template to the page's theme (fonts, grid colours); a figure without
    one is drawn with plotly.js's own defaults. The figures once built with go.Figure state it themselves,
    and those on a make_subplots grid inherit it from the grid, so each keeps the look it had.
    """
    return pio.templates[pio.templates.default].to_plotly_json()


def subplot_layout(**make_subplots_args) -> dict:
    """The layout make_subplots works out (axis domains, panel titles, the default template), as a plain dict.

    Only this is wanted from plotly.py's objects: callers cache it (functools.cache) and deep-copy it before filling it in.
    """
    return make_subplots(**make_subplots_args).layout.to_plotly_json()


def digit_axes() -> tuple[dict, dict]:
    """x and y axis settings for a digit drawn as a heatmap: square pixels, row 1 on top, rows numbered from 1."""
    columns = {"showticklabels": False, "constrain": "domain", "showgrid": False}
    rows = {
        "range": [ROWS - 0.5, -0.5],
        "title": {"text": "row"},
        "scaleanchor": "x",
        "constrain": "domain",
        "showgrid": False,
        **ROW_TICKS,
    }
    return columns, rows


def animation_settings(frame_ms: int, *, redraw: bool, from_current: bool) -> tuple[dict, dict]:
    """plotly.animate's settings (play, still): to play the frames, and to jump to one frame and stay there.

    redraw: frames that change the layout (the reading's shapes and buttons) need it; frames of one trace do not.
    from_current: Play goes on from the frame shown, or starts again from the first.
    """
    still = {"frame": {"duration": 0, "redraw": redraw}, "transition": {"duration": 0}, "mode": "immediate"}
    play = {**still, "frame": {"duration": frame_ms, "redraw": redraw}, "fromcurrent": from_current}
    return play, still


def play_pause(play: dict, still: dict) -> list[dict]:
    """The Play and Pause buttons of an animation."""
    return [
        {"label": "▶ Play", "method": "animate", "args": [None, play]},
        {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
    ]


def button_row(buttons: list[dict], *, y: float, **extra) -> dict:
    """An updatemenu of buttons side by side under the plot, starting at its left edge."""
    return {
        "type": "buttons",
        "direction": "left",
        "x": 0,
        "y": y,
        "xanchor": "left",
        "yanchor": "top",
        "showactive": False,
        "buttons": buttons,
        **extra,
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
        "steps": [{"label": str(row), "method": "animate", "args": [[str(row)], still]} for row in ROW_NUMBERS],
        "font": {"size": font_size - 4},
    }


def pixelated(image: np.ndarray, scale: int = 7) -> np.ndarray:
    """A small ink image as dark-on-white pixels, blown up without blurring, for st.image."""
    ink = np.clip(np.asarray(image, np.float32), 0.0, 1.0)
    grey = np.round(255 * (1.0 - ink)).astype(np.uint8)
    return np.kron(grey, np.ones((scale, scale), np.uint8))
