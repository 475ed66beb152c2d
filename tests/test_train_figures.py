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


def font_sizes(value) -> list[float]:
    """Every font size a spec states, wherever it states one (the layout's font, tick labels, titles, the legend, labels)."""
    if isinstance(value, list):
        return [size for item in value for size in font_sizes(item)]
    if not isinstance(value, dict):
        return []
    own = [font["size"] for key, font in value.items() if key.endswith("font") and isinstance(font, dict) and "size" in font]
    return own + [size for item in value.values() for size in font_sizes(item)]


def test_the_font_size_sets_every_text_of_the_figure():
    """A projector at the back of a classroom needs 14 px chart text at least: presenter mode asks for 20."""
    batches = Curve([0.5, 1.0], [1.2, 0.6], [0.6, 0.85])
    curves = TrainingCurves(batches, Curve([1.0], [0.5], [0.88]), Curve([1.0], [0.45], [0.9]))
    for stacked in (False, True):
        big = train_figures.training_figure(curves, font_size=20, stacked=stacked).to_dict()
        go.Figure(big)
        assert big["layout"]["font"]["size"] == 20 and min(font_sizes(big)) >= 18, sorted(font_sizes(big))
        assert {axis["tickfont"]["size"] for name, axis in big["layout"].items() if name[1:5] == "axis"} == {18}
        assert {note["font"]["size"] for note in big["layout"]["annotations"]} == {21}  # the panels' titles
        assert big["layout"]["legend"]["font"]["size"] == 18
    small = train_figures.training_figure(curves).to_dict()
    assert small["layout"]["font"]["size"] == 15 and min(font_sizes(small)) == 13  # the page's own size, as before
