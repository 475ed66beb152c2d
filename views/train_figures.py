"""The figure of a training run: pure functions of its curves (training/progress.py), data in and figure spec out."""

import copy
import functools

from training.progress import Curve, TrainingCurves
from views.plotting import PAPER, PERCENT, ReadyFigure, subplot_layout

TRAIN_COLOUR = "#1f77b4"  # blue: the batches it learns from
VALIDATION_COLOUR = "#d95f02"  # orange: digits held out, checked after every epoch
TEST_COLOUR = "#111111"  # black: the test set, once, at the end
MAX_POINTS = 400  # per curve: a long run's figure stays small for every watcher, every second
METRICS = ("loss", "accuracy")  # the two panels, left and right


@functools.cache
def _panels() -> dict:
    """Loss beside accuracy, worked out by make_subplots once."""
    return subplot_layout(rows=1, cols=2, subplot_titles=("Loss (lower is better)", "Accuracy (higher is better)"), horizontal_spacing=0.1)


def _thinned(curve: Curve) -> Curve:
    """At most MAX_POINTS points, thinned from the end, so the latest point is always drawn."""
    stride = -(-len(curve.epochs) // MAX_POINTS) or 1
    return Curve(*(values[::-1][::stride][::-1] for values in (curve.epochs, curve.loss, curve.accuracy)))


def _traces(curves: TrainingCurves) -> list[dict]:
    """Training every few batches, validation every epoch, test at the end; each in both panels, in the legend once."""
    batches = _thinned(curves.batches)
    kinds = [
        (batches, {"mode": "lines", "name": "training batches", "line": {"color": TRAIN_COLOUR, "width": 2}, "legendgroup": "train"}),
        (curves.validation, {"mode": "lines+markers", "name": "held-out digits (each epoch)", "legendgroup": "validation",
                             "line": {"color": VALIDATION_COLOUR, "width": 3}, "marker": {"size": 9}}),
        (curves.test, {"mode": "markers", "name": "test set (at the end)", "legendgroup": "test",
                       "marker": {"color": TEST_COLOUR, "size": 14, "symbol": "star"}}),
    ]  # fmt: skip
    traces = []
    for panel, metric in enumerate(METRICS, start=1):
        axes = {"xaxis": f"x{panel if panel > 1 else ''}", "yaxis": f"y{panel if panel > 1 else ''}"}
        for curve, style in kinds:
            if curve is curves.test and not curve.epochs:
                continue  # no test point before the end
            traces.append({"type": "scatter", "x": curve.epochs, "y": getattr(curve, metric), "showlegend": panel == 1, **style, **axes})
    return traces


def training_figure(curves: TrainingCurves, font_size: int = 15, height: int = 340) -> ReadyFigure:
    """Loss and accuracy side by side."""
    layout = copy.deepcopy(_panels())
    for axis in ("xaxis", "xaxis2"):
        layout[axis].update(title={"text": "epochs (passes over the training digits)"}, rangemode="tozero")
    layout["yaxis"].update(rangemode="tozero")
    layout["yaxis2"].update(range=[0, 1.02], **PERCENT)
    for annotation in layout["annotations"]:
        annotation["font"] = {"size": font_size + 1}
    layout.update(
        height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, font={"size": font_size},
        legend={"orientation": "h", "y": -0.28, "x": 0.5, "xanchor": "center"}, paper_bgcolor=PAPER,
        uirevision="training",  # keep a user's zoom while the curves grow
    )  # fmt: skip
    return ReadyFigure({"data": _traces(curves), "layout": layout})
