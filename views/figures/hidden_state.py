"""Figures of what the hidden state h holds, for the Look inside page: report arrays in, plotly specs out.

The map of the top layer's h (each test digit a path through two PCA directions, each digit's typical path on top) and
one unit's h, row by row, per digit. They keep the reading's conventions
(views/figures/plotting.py): one colour per digit, amber for the digit examined now, dark text, nothing to drag.
"""

import copy
import functools
from dataclasses import dataclass

import numpy as np

from i18n import N_, _
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
from views.figures.report import filled

# The map's plot area in px, narrowest and widest across (a phone, a wide screen) and lowest and highest (its legend
# takes one line or four): names written on it are kept apart on every one of them.
MAP_PLOT_WIDTHS, MAP_PLOT_HEIGHTS = (250, 1900), (300, 420)
START_NOTE, CURRENT_NOTE = N_("start (blank rows)"), N_("this digit")  # each shown in the reader's language
START_NOTE_SHIFT = (60, 40)  # px right and up from where the paths start: the note's place at its arrow's end


@dataclass(frozen=True)
class Label:
    """A name written on the map: where it points (fractions of the axes' ranges, from the bottom left), how far from
    there it is written (px, right and up), and half its size (px)."""

    at: tuple[float, float]
    shift: tuple[float, float]
    half: tuple[float, float]

    def clear_of(self, other: "Label") -> bool:
        """Whether the two never overlap, however wide or high the plot: they are apart across on every width or
        apart up and down on every height. (A gap changes linearly with the plot's size, so its two ends tell.)"""
        for k, sizes in enumerate((MAP_PLOT_WIDTHS, MAP_PLOT_HEIGHTS)):
            gaps = [(self.at[k] - other.at[k]) * size + self.shift[k] - other.shift[k] for size in sizes]
            room = self.half[k] + other.half[k]
            if all(gap >= room for gap in gaps) or all(gap <= -room for gap in gaps):
                return True
        return False


def _placed(label: Label, placed: list[Label]) -> Label:
    """The label where it points if it is clear of those placed, else moved as little as that takes (up or down by
    half its height at a time, up to four heights, and aside by its width, up to three), else where it covers fewest."""
    (width, height), (right, up) = [2 * h for h in label.half], label.shift
    steps = [(across * width, down * height / 2) for across in range(-3, 4) for down in range(-8, 9)]
    tried = [Label(label.at, (right + x, up + y), label.half) for x, y in sorted(steps, key=lambda step: step[0] ** 2 + step[1] ** 2)]
    clear = next((moved for moved in tried if all(moved.clear_of(other) for other in placed)), None)
    return clear or min(tried, key=lambda moved: sum(not moved.clear_of(other) for other in placed))


def _text_half(text: str, size: float) -> tuple[float, float]:
    """Half the width and height (px) of a line of text in the page's sans-serif at `size` px, measured generously: a
    Chinese or Japanese character is about a whole em wide, nearly twice a Latin letter."""
    widths = sum(1.7 if ord(character) >= 0x2E80 else 1.0 for character in text)
    return 0.3 * size * widths + 2, 0.65 * size


def _paths_with_gaps(paths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m, 28, 2) -> x, y with a NaN after each path, so one trace draws m separate lines."""
    gapped = np.concatenate([paths, np.full((len(paths), 1, 2), np.nan, np.float32)], axis=1).reshape(-1, 2)
    return gapped[:, 0], gapped[:, 1]


def _digit_paths(
    paths: np.ndarray, labels: np.ndarray, font_size: int, ranges, placed: list[Label], every_path: bool
) -> tuple[list[dict], list[dict]]:
    """Each digit's paths (m, 28, 2) faint (plainer if `every_path`), then on top of them all each digit's typical path
    (the median of its paths after every row), thick, with a big label where it ends (ranges: the axes'), clear of the
    names `placed` already and of each other: one that would cover another is written above or below, with a line to
    where its path ends. A weak model's paths tangle; its typical paths still read."""
    faint, typical, labels_at_ends = [], [], []
    size = font_size + 13
    for d in range(NUM_CLASSES):
        mine = paths[labels == d]
        if not len(mine):
            continue
        x, y = _paths_with_gaps(mine)
        group = {"legendgroup": str(d), "name": str(d)}  # a click on the digit in the legend hides all its lines
        faint.append(
            {
                "type": "scatter",
                "x": typed_array(x),
                "y": typed_array(y),
                "mode": "lines",
                "line": {"color": CLASS_COLOURS[d], "width": 1},
                "opacity": 0.35 if every_path else 0.12,
                "hoverinfo": "skip",
                "showlegend": False,
                **group,
            }
        )
        middle = np.median(mine, axis=0)  # (28, 2)
        typical.append(
            {
                "type": "scatter",
                "x": typed_array(middle[:, 0]),
                "y": typed_array(middle[:, 1]),
                "mode": "lines",
                "line": {"color": CLASS_COLOURS[d], "width": 5},
                "customdata": ROW_NUMBERS,
                "hovertemplate": filled(_("a typical {digit} after row %{customdata}"), digit=d) + "<extra></extra>",
                **group,
            }
        )
        end = middle[-1]
        label = _placed(Label(_on_axes(end, ranges), (0.0, 0.0), _text_half("0", size)), placed)
        placed.append(label)
        right, up = label.shift
        moved = {"showarrow": True, "ax": right, "ay": -up, "arrowhead": 0, "arrowwidth": 2, "arrowcolor": CLASS_COLOURS[d]}
        labels_at_ends.append(
            {
                "x": float(end[0]),
                "y": float(end[1]),
                "text": f"<b>{d}</b>",
                **(moved if any(label.shift) else {"showarrow": False}),
                "font": {"size": size, "color": CLASS_COLOURS[d]},
                "bgcolor": "rgba(255,255,255,0.75)",
            }
        )
    return faint + typical, labels_at_ends


def _on_axes(point, ranges) -> tuple[float, float]:
    """A point (x, y) as fractions of the axes' ranges ((x low, x high), (y low, y high))."""
    return tuple(float((value - low) / (high - low)) for value, (low, high) in zip(point, ranges, strict=True))


def _map_ranges(paths: np.ndarray, current=None) -> list[list[float]]:
    """The axes' ranges, 5% beyond every path (current (28, 2) included), stated rather than left to plotly.js: on a
    phone it would widen them to make room for the examined digit's name, and squeeze the paths into a corner."""
    points = np.concatenate([paths.reshape(-1, 2), np.zeros((0, 2)) if current is None else np.asarray(current).reshape(-1, 2)])
    low, high = np.nanmin(points, axis=0), np.nanmax(points, axis=0)
    return [[float(lo - 0.05 * (hi - lo)), float(hi + 0.05 * (hi - lo))] for lo, hi in zip(low, high, strict=True)]


def _first_names(paths: np.ndarray, ranges, font_size: int, current=None) -> list[Label]:
    """The names written on the map before the digits': the examined digit's at its path's end (top right of its dot),
    and the note where the paths start, moved up or down if the examined digit ends there. The note's is the last."""
    names = []
    if current is not None:
        half = _text_half(_(CURRENT_NOTE), LABEL_PX)
        names.append(Label(_on_axes(np.asarray(current)[-1], ranges), (8 + half[0], 8 + half[1]), half))
    start = np.median(paths[:, 0], axis=0)
    return [*names, _placed(Label(_on_axes(start, ranges), START_NOTE_SHIFT, _text_half(_(START_NOTE), font_size)), names)]


def _map_layout(paths: np.ndarray, labels_at_ends: list[dict], font_size: int, ranges, start_shift) -> dict:
    """Two plain axes (the page says what they are, and how much they leave out, under "How is this made?") and an
    arrow to where every path starts, its note `start_shift` px (right, up) from there."""
    x_range, y_range = ranges
    start = np.median(paths[:, 0], axis=0)
    right, up = start_shift
    start_note = {"x": float(start[0]), "y": float(start[1]), "text": _(START_NOTE), "arrowhead": 2, "ax": right, "ay": -up}
    return base_layout(
        680,
        font_size,
        showlegend=True,
        # The legend above the map, not beside it: on a phone the map needs the whole width.
        legend={"title": {"text": _("digit")}, "itemsizing": "constant", "orientation": "h", "y": 1.02, "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        annotations=[*labels_at_ends, start_note],
        # No numbers along the axes: they mean nothing on their own, and on a phone they ran into the axes' names.
        xaxis={"title": {"text": _("direction 1")}, "range": x_range, "zeroline": False, "showgrid": False, "showticklabels": False},
        yaxis={"title": {"text": _("direction 2")}, "range": y_range, "zeroline": False, "showgrid": False, "showticklabels": False},
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
        "text": [""] * (rows - 1) + [f"<b>{_(CURRENT_NOTE)}</b>"],
        "textposition": "top right",
        "textfont": {"color": TEXT, "size": LABEL_PX},
        "customdata": ROW_NUMBERS[:rows],
        "hovertemplate": _("after row %{customdata}") + "<extra></extra>",
    }


def map_figure(
    paths: np.ndarray,
    labels: np.ndarray,
    *,
    current: np.ndarray | None = None,
    current_name: str | None = None,
    every_path: bool = False,
    frame_ms: int = 350,
    font_size: int = 15,
) -> ReadyFigure:
    """Test digits' paths through the 2-D map of the top layer's h, one colour per digit: each digit's typical path
    thick, with a big label where it ends, over its own paths, faint unless `every_path`.

    paths (m, 28, 2) and labels (m,); `current` (28, 2) is drawn on top in amber and, with Play,
    grows one row at a time (its trace is the last, and the frames carry only it).
    """
    current_name = _(CURRENT_NOTE) if current_name is None else current_name
    ranges = _map_ranges(paths, current)
    placed = _first_names(paths, ranges, font_size, current)
    start_shift = placed[-1].shift
    data, labels_at_ends = _digit_paths(paths, np.asarray(labels), font_size, ranges, placed, every_path)
    layout = legible_and_still(_map_layout(paths, labels_at_ends, font_size, ranges, start_shift), font_size)
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
        subplot_titles=[f"{d}s" for d in range(NUM_CLASSES)],  # in English: _unit_layout names them in the reader's language
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
            "hovertemplate": filled(_("{digit}s after row %{x}: mean %{y:.2f}"), digit=d) + "<extra></extra>",
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
                "hovertemplate": _("this digit after row %{x}: %{y:.2f}") + "<extra></extra>",
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
        "name": _("average of the test digits (band: most of them)"),
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
    for digit, annotation in enumerate(layout["annotations"]):  # the panels' titles, in order
        annotation["text"] = _("{digit}s").format(digit=digit)
        annotation["font"] = {"size": font_size + 1}
    layout.update(
        base_layout(
            420,
            font_size,
            title={"text": title, "font": {"size": font_size + 2}},
            legend={"orientation": "h", "y": -0.1 * max(font_size, 16) / 16},  # clear of the ticks, which grow with the type
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
    current_name: str | None = None,
    font_size: int = 15,
) -> ReadyFigure:
    """One unit across the rows, one small panel per digit: the class mean with a band of one standard deviation.

    mean, std (10, 28); `current` (28,) is the examined digit's own h, drawn in every panel in amber.
    """
    current_name = _(CURRENT_NOTE) if current_name is None else current_name
    mean, std = np.asarray(mean, np.float32), np.asarray(std, np.float32)
    data = [trace for d in range(NUM_CLASSES) for trace in _unit_panel(d, mean[d], std[d], current, current_name)]
    data.append(_mean_in_legend())
    return ReadyFigure({"data": data, "layout": legible_and_still(_unit_layout(title, font_size), font_size)})
