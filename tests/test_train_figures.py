"""The Train page's figure is a pure function of a run's curves: its spec, checked without a browser."""

import json

import numpy as np
import plotly.graph_objects as go

from training.progress import Curve, TrainingCurves
from views.figures import training as train_figures


def spec_of(curves: TrainingCurves) -> dict:
    figure = train_figures.training_figure(curves)
    go.Figure(figure.to_dict())  # plotly.py's validation, which the app skips, accepts it
    return json.loads(figure.to_json())


def labels_of(spec: dict) -> dict[tuple[str, str], dict]:
    """(legendgroup, x axis) -> the text trace that names that curve in that panel."""
    return {(t["legendgroup"], t["xaxis"]): t for t in spec["data"] if t["mode"] == "text"}


def test_each_curve_is_named_at_its_end_in_both_panels_and_hides_with_its_legend_entry():
    batches = Curve([0.5, 1.0, 1.5, 2.0], [1.2, 0.6, 0.4, 0.31], [0.6, 0.85, 0.9, 0.93])
    validation = Curve([1.0, 2.0], [0.5, 0.3], [0.88, 0.94])  # ends where the batches end: the names move apart
    test = Curve([2.0], [0.29], [0.95])
    spec = spec_of(TrainingCurves(batches, validation, test))
    labels = labels_of(spec)
    assert set(labels) == {(group, axis) for group in ("train", "validation", "test") for axis in ("x", "x2")}
    assert labels["train", "x"]["text"] == ["<b>training</b>"] and labels["validation", "x2"]["text"] == ["<b>held-out</b>"]
    for (group, axis), label in labels.items():
        curve = next(t for t in spec["data"] if t["mode"] != "text" and t["legendgroup"] == group and t["xaxis"] == axis)
        assert label["x"] == [curve["x"][-1]]  # at the curve's last point
        assert label["textfont"]["color"] == (curve.get("line") or curve["marker"])["color"]
    for axis, top in (("x", 1.2), ("x2", 1.02)):  # loss, then accuracy
        heights = sorted(label["y"][0] for (_, on), label in labels.items() if on == axis)
        assert min(np.diff(heights)) >= train_figures.LABEL_GAP * top - 1e-9


def test_before_the_end_there_is_no_test_point_nor_its_name():
    batches = Curve([0.1, 0.2], [2.2, 1.9], [0.2, 0.3])
    spec = spec_of(TrainingCurves(batches, Curve(), Curve()))
    assert {group for group, _ in labels_of(spec)} == {"train"}
    assert [t["name"] for t in spec["data"] if t.get("showlegend", True) and t["mode"] != "text"] == ["training batches"]
