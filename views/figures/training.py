"""The figure of a training run: pure functions of its curves (training/progress.py), data in and figure spec out."""

import copy
import functools

import numpy as np

import i18n
from i18n import _
from training.progress import Curve, TrainingCurves
from views.figures.plotting import LABEL_PX, PAPER, PERCENT, ReadyFigure, label_heights, legible_and_still, line_label, subplot_layout

TRAIN_COLOUR = "#1f77b4"  # blue: the batches it learns from
VALIDATION_COLOUR = "#d95f02"  # orange: digits held out, checked after every epoch
TEST_COLOUR = "#111111"  # black: the test set, once, at the end
MAX_POINTS = 400  # per curve: a long run's figure stays small for every watcher, every second
METRICS = ("loss", "accuracy")  # the two panels, left and right
LABEL_GAP = 0.14  # between the names at the curves' ends, as a share of the panel's height (about 26 px)
HALO = "0 0 2px white, 0 0 3px white, 0 0 4px white"  # around those names: a jagged training curve runs through them


@functools.cache
def _panels(stacked: bool, font_size: int, language: str) -> dict:
    """Loss beside accuracy, or above it, worked out by make_subplots once per size of text and language: between the
    panels stacked go the upper one's ticks and axis title and the lower one's title, which grow with the text."""
    titles = (_("Loss (lower is better)"), _("Accuracy (higher is better)"))
    if stacked:
        return subplot_layout(rows=2, cols=1, subplot_titles=titles, vertical_spacing=min(0.22 * font_size / 15, 0.35))
    return subplot_layout(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.1)


def _thinned(curve: Curve) -> Curve:
    """At most MAX_POINTS points, thinned from the end, so the latest point is always drawn."""
    stride = -(-len(curve.epochs) // MAX_POINTS) or 1
    return Curve(*(values[::-1][::stride][::-1] for values in (curve.epochs, curve.loss, curve.accuracy)))


def _line_labels(shown: list[tuple], metric: str, axes: dict) -> list[dict]:
    """Each curve's name at its end, spread apart where the ends are close: above the ends of the falling
    losses, below the ends of the rising accuracies, where the curves leave room."""
    ends = [float(getattr(curve, metric)[-1]) for curve, *_ in shown]
    top = 1.02 if metric == "accuracy" else max((float(np.nanmax(getattr(curve, metric))) for curve, *_ in shown), default=np.nan)
    if not np.isfinite([*ends, top]).all():
        return []
    heights = label_heights(ends, LABEL_GAP * top, low=0.0, high=top)
    position = "bottom left" if metric == "accuracy" else "top left"
    return [
        line_label(label, curve.epochs[-1], height, colour, legendgroup=style["legendgroup"], textposition=position,
                   textfont={"color": colour, "size": LABEL_PX, "shadow": HALO}, **axes)  # fmt: skip
        for (curve, label, colour, style), height in zip(shown, heights, strict=True)
    ]  # fmt: skip


def _traces(curves: TrainingCurves) -> list[dict]:
    """Training every few batches, validation every epoch, test at the end; each in both panels, in the legend once, named at its end."""
    kinds = [  # (curve, its name at its end, its colour, its style)
        (_thinned(curves.batches), _("training"), TRAIN_COLOUR,
         {"mode": "lines", "name": _("training batches"), "line": {"color": TRAIN_COLOUR, "width": 2}, "legendgroup": "train"}),
        (curves.validation, _("held-out"), VALIDATION_COLOUR,
         {"mode": "lines+markers", "name": _("held-out digits (each epoch)"), "legendgroup": "validation",
          "line": {"color": VALIDATION_COLOUR, "width": 3}, "marker": {"size": 9}}),
        (curves.test, _("test"), TEST_COLOUR,
         {"mode": "markers", "name": _("test set (at the end)"), "legendgroup": "test",
          "marker": {"color": TEST_COLOUR, "size": 14, "symbol": "star"}}),
    ]  # fmt: skip
    shown = [kind for kind in kinds if kind[0].epochs]  # no test point before the end
    traces = []
    for panel, metric in enumerate(METRICS, start=1):
        axes = {"xaxis": f"x{panel if panel > 1 else ''}", "yaxis": f"y{panel if panel > 1 else ''}"}
        for curve, _label, _colour, style in shown:
            traces.append({"type": "scatter", "x": curve.epochs, "y": getattr(curve, metric), "showlegend": panel == 1, **style, **axes})
        traces.extend(_line_labels(shown, metric, axes))
    return traces


def training_figure(curves: TrainingCurves, font_size: int = 15, height: int = 340, *, stacked: bool = False) -> ReadyFigure:
    """Loss and accuracy side by side, or one above the other (`stacked`, twice as tall) where the page is narrow (a phone)."""
    layout = copy.deepcopy(_panels(stacked, font_size, i18n.current()))
    for axis in ("xaxis", "xaxis2"):
        layout[axis].update(title={"text": _("epochs (passes over the training digits)")}, rangemode="tozero")
    layout["yaxis"].update(rangemode="tozero")
    layout["yaxis2"].update(range=[0, 1.02], **PERCENT)
    for annotation in layout["annotations"]:
        annotation["font"] = {"size": font_size + 1}
    # The legend at the foot of the figure (not at a share of the plot's height below it): plotly makes room for it under
    # the axis titles, whatever the size of their text.
    legend = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0.5, "xanchor": "center"}
    layout.update(
        height=2 * height if stacked else height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, font={"size": font_size},
        legend=legend, paper_bgcolor=PAPER,
        uirevision="training",  # keep what a user hid in the legend while the curves grow
    )  # fmt: skip
    return ReadyFigure({"data": _traces(curves), "layout": legible_and_still(layout, font_size)})
