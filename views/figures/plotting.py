"""The plotting kit every figure and page shares: colours, axes, animation settings and the spec wrapper.

Figures are assembled as plain plotly.js specs (dicts) and wrapped in ReadyFigure,
so plotly.py never builds or validates its objects on the way to the browser; the
tests validate the same specs. bench/bench_figures.py measures what that saves.
"""

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from i18n import _
from model.config import NUM_CLASSES, ROWS

# One colour per digit, the same in the bars, the lines and their legend, chosen by measurement to stay apart for
# every student: each at least 3:1 on white, and any two at least this far apart in CIEDE2000 with vision simulated
# at full severity (colorspacious; tests/test_palette.py checks it): normal 19.6, protanopia 13.0, deuteranopia 13.0,
# tritanopia 13.0 (category10 had 1.9 for 0 and 3 under protanopia). Digits often mistaken for each other, or whose
# paths end near each other in the hidden-state map (4 and 9, 3 and 5, 2 and 7, 7 and 9, ...), are 21 or more apart.
# No amber among them: amber is kept for "the row being read now", in every panel, 12.9 or more from every digit.
CLASS_COLOURS = ("#006648", "#c07fad", "#346cc0", "#c3315b", "#27a686", "#9781fd", "#653869", "#773215", "#8b6100", "#4b02d3")
NOW_COLOUR = "#d97706"  # amber, 3.2:1 on white
TEXT = "#31333f"  # every word on a chart: Streamlit's body text, 12.5:1 on white (its chart theme's grey is 3.7:1)
# Streamlit's own (the page's body font, served by this server), then the device's: Chinese and Japanese characters,
# which Source Sans has not, are drawn in the device's own sans-serif font. Nothing is fetched from another host.
FONT_FAMILY = '"Source Sans", sans-serif'
MIN_TEXT_PX = 12  # no chart text that carries meaning is smaller
LABEL_PX = 19  # a line's name at its end, bold: large text by WCAG's measure, so its line's colour (3:1) may write it
PAPER = "rgba(0,0,0,0)"
# Spelled out: plotly.js does not know plotly.py's names such as "RdBu_r", and its "Greys" runs the other way.
INK = [[0.0, "#ffffff"], [1.0, "#000000"]]
DIVERGING = [[0.0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"], [1.0, "#b2182b"]]  # blue - white - red

DIGITS = [str(d) for d in range(NUM_CLASSES)]  # the ten answers as categories on an axis
ROW_NUMBERS = list(range(1, ROWS + 1))  # rows as people count them: after row 1 ... after row 28
ROW_TICKS = {"tickvals": [0, 7, 14, 21, 27], "ticktext": ["1", "8", "15", "22", "28"]}  # a digit's 0-based rows, labelled from 1
PERCENT = {"tickformat": ".0%"}
PLOTLY_CONFIG = {"displayModeBar": False, "scrollZoom": False}  # every st.plotly_chart: no toolbar over the figures, no wheel zoom


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


def base_layout(height: int, font_size: int, **extra) -> dict:
    """The settings the figures share: a transparent paper on the page, a white plot, narrow margins."""
    return {
        "height": height,
        "font": {"size": font_size, "color": TEXT},
        "paper_bgcolor": PAPER,
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        **extra,
    }


def app_template() -> dict:
    """The layout.template that plotly.py's go.Figure fills in: Streamlit's theme once streamlit is imported.

    st.plotly_chart recolours that template to the page's theme (fonts, grid colours; it gives a figure
    without one an empty template and themes that). The figures once built with go.Figure state it themselves,
    and those on a make_subplots grid inherit it from the grid, so each keeps the look it had; the theme's grey
    text is overruled by legible_and_still.
    """
    return pio.templates[pio.templates.default].to_plotly_json()


def legible_and_still(layout: dict, font_size: int) -> dict:
    """The layout with dark text wherever the page's theme would grey it, in a font that falls back to the device's
    own sans-serif for Chinese and Japanese, and nothing to drag or zoom; returns it.

    st.plotly_chart merges Streamlit's theme into layout.template (it adds one to a figure without): grey
    #808495, 3.7:1 on white, for tick labels, axis titles, the legend's title and the base font, in 12 px.
    What the layout itself states wins over the template, so each is stated here, on every axis. Without
    a drag mode and with fixed ranges, plotly.js leaves a finger's swipe over a chart to the page, which
    scrolls; clicks, hover and the legend still work. (A chart with on_select, the confusion matrix, gets
    the drag mode "pan" back from Streamlit, which fills in a false one: a swipe there neither scrolls nor pans.)
    """
    small = max(MIN_TEXT_PX, font_size - 2)
    dark = {"color": TEXT}
    layout["font"] = {"family": FONT_FAMILY, **layout.get("font", {}), **dark}
    layout["dragmode"] = False
    layout["hoverlabel"] = {**layout.get("hoverlabel", {}), "font": {**layout.get("hoverlabel", {}).get("font", {}), **dark}}
    legend = layout.setdefault("legend", {})
    legend["font"] = {"size": small, **legend.get("font", {}), **dark}
    legend["title"] = {**legend.get("title", {}), "font": {"size": small, **legend.get("title", {}).get("font", {}), **dark}}
    axes = {"xaxis", "yaxis"} | {name for name in layout if name.rstrip("0123456789") in ("xaxis", "yaxis")}
    for name in sorted(axes):
        axis = layout.setdefault(name, {})
        title = axis.get("title") or {}
        title = {"text": title} if isinstance(title, str) else title
        axis["fixedrange"] = True
        axis["tickfont"] = {"size": small, **axis.get("tickfont", {}), **dark}
        axis["title"] = {**title, "font": {"size": font_size - 1, **title.get("font", {}), **dark}}
    return layout


def label_heights(ends, gap: float, low: float = -np.inf, high: float = np.inf, *, at=None, width: float = np.inf) -> list[float]:
    """Where to write the names of lines at heights `ends`: each as near its own as it can be, `gap` clear of the others.

    Placed in the order given, so put first the labels that matter most (the lines shown at first): they stay
    at their lines and the later ones move aside. Heights stay within low and high where there is room. With
    `at` (each label's x), only labels less than `width` apart across can collide.
    """
    at = [0.0] * len(ends) if at is None else at
    placed: list[tuple[float, float]] = []  # (x, height)
    for end, x in zip(ends, at, strict=True):
        end = float(np.clip(end, low, high))
        near = [height for across, height in placed if abs(across - x) < width]
        candidates = [end, *(p + side * gap for p in near for side in (-1, 1))]
        free = [c for c in candidates if low - 1e-9 <= c <= high + 1e-9 and all(abs(c - p) >= gap - 1e-9 for p in near)]
        placed.append((x, min(free, key=lambda c: abs(c - end)) if free else end))
    return [height for _, height in placed]


def line_label(text: str, x: float, y: float, colour: str, **extra) -> dict:
    """A line's name written beside it (just right of x, y unless textposition says otherwise), in its colour.

    A text trace, so it comes and goes with its line's legendgroup; bold at LABEL_PX, so the line's colour may write it.
    """
    return {
        "type": "scatter",
        "mode": "text",
        "x": [x],
        "y": [y],
        "text": [f"<b>{text}</b>"],
        "textposition": "middle right",
        "textfont": {"color": colour, "size": LABEL_PX},
        "cliponaxis": False,  # may be written in the margin beside the plot
        "showlegend": False,
        "hoverinfo": "skip",
        **extra,
    }


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
        "title": {"text": _("row")},
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
        {"label": _("▶ Play"), "method": "animate", "args": [None, play]},
        {"label": _("❚❚ Pause"), "method": "animate", "args": [[None], still]},
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
        # plotly.js writes prefix, the row, suffix: "Rows read: 7 of 28" (the only words it lets a slider say)
        "currentvalue": {"prefix": _("Rows read: "), "suffix": _(" of {rows}").format(rows=ROWS), "font": {"size": font_size + 1}},
        "steps": [{"label": str(row), "method": "animate", "args": [[str(row)], still]} for row in ROW_NUMBERS],
        "font": {"size": max(MIN_TEXT_PX, font_size - 4)},
    }


def pixelated(image: np.ndarray, scale: int = 7) -> np.ndarray:
    """A small ink image as dark-on-white pixels, blown up without blurring, for st.image."""
    ink = np.clip(np.asarray(image, np.float32), 0.0, 1.0)
    grey = np.round(255 * (1.0 - ink)).astype(np.uint8)
    return np.kron(grey, np.ones((scale, scale), np.uint8))
