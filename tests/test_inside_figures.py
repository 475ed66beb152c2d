"""The Look inside figures are pure functions: their specs, checked without a browser, on the shipped report."""

import base64
import itertools
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from model.config import NUM_CLASSES, ROWS
from model.insight import RowImportance, row_importance
from model.report import load_report
from model.samples import load_samples
from model.storage import load_model
from model.xray import read_digit
from views.figures import hidden_state as hidden_state_figures
from views.figures import report as report_figures


@pytest.fixture(scope="module")
def shipped():
    loaded = load_model()
    report = load_report(loaded.path, loaded.weights)
    assert report is not None, "the shipped model's report is missing or stale: python -m model.report"
    seven = next(s for s in load_samples().values() if s.label == 7 and not s.misread)
    return loaded, report, seven.image, read_digit(loaded.weights, seven.image)


def valid(figure: go.Figure) -> dict:
    """plotly.py's own validation accepts the spec; returns it as JSON would send it."""
    go.Figure(figure.to_dict())
    return json.loads(figure.to_json())


def unpacked(array: dict) -> np.ndarray:
    """A packed typed-array spec back as numpy."""
    return np.frombuffer(base64.b64decode(array["bdata"]), array["dtype"])


def test_confusion_cells_carry_their_true_digit_and_answer_for_clicks(shipped):
    _, report, _, _ = shipped
    spec = valid(report_figures.confusion_figure(report.confusion, selected=(4, 9)))
    clickable = spec["data"][-1]
    assert clickable["type"] == "scatter" and len(clickable["customdata"]) == NUM_CLASSES**2
    for (true_digit, answer), x, y in zip(clickable["customdata"], clickable["x"], clickable["y"], strict=True):
        assert (str(answer), str(true_digit)) == (x, y)  # the point sits on its own cell
    texts = [cell for heatmap in spec["data"][:2] for row in heatmap["text"] for cell in row if cell]
    assert sorted(map(int, texts)) == sorted(report.confusion[report.confusion > 0].tolist())  # every count, once
    assert spec["layout"]["shapes"][0]["x0"] == 8.5 and spec["layout"]["shapes"][0]["y0"] == 3.5  # the chosen cell


def test_class_accuracy_bars_say_how_many_were_missed():
    accuracy = np.array([1.0, 0.5, *[0.9] * 8])
    counts = np.array([10, 4, *[10] * 8])
    bars = valid(report_figures.class_accuracy_figure(accuracy, counts))["data"][0]
    assert bars["text"][0].endswith("0 wrong") and bars["text"][1].endswith("2 wrong")


def test_early_figure_shows_all_digits_the_examined_digits_class_and_its_own_curve(shipped):
    _, report, _, reading = shipped
    figure = report_figures.early_figure(
        report.known_by_rows, report.class_known_by_rows, digit=7, digit_probs=reading.step_probs[:, 7], digit_name="a seven"
    )
    spec = valid(figure)
    lines = [trace for trace in spec["data"] if trace["mode"] != "text"]
    shown = [trace["name"] for trace in lines if trace.get("visible", True) is True]
    assert shown == ["all 7s", "all test digits", "a seven: how sure it is of 7"]
    assert len(lines) == NUM_CLASSES + 2  # the other digits wait in the legend


def test_early_figure_names_each_line_at_its_end_clear_of_the_others(shipped):
    _, report, _, reading = shipped
    spec = valid(
        report_figures.early_figure(report.known_by_rows, report.class_known_by_rows, digit=7, digit_probs=reading.step_probs[:, 7])
    )
    lines = {trace["legendgroup"]: trace for trace in spec["data"] if trace["mode"] != "text"}
    labels = [trace for trace in spec["data"] if trace["mode"] == "text"]
    assert sorted(label["legendgroup"] for label in labels) == sorted(lines)  # one each, hidden and shown with its line
    for label in labels:
        line = lines[label["legendgroup"]]
        assert label.get("visible", True) == line.get("visible", True) and label["textfont"]["color"] == line["line"]["color"]
        assert label["x"] == [ROWS + 0.5]  # just right of the last row
    shown = {label["text"][0]: label["y"][0] for label in labels if label.get("visible", True) is True}
    assert set(shown) == {"<b>7s</b>", "<b>all<br>digits</b>", "<b>this<br>digit</b>"}  # two words in two lines
    heights = sorted(shown.values())
    assert min(np.diff(heights)) >= report_figures.LABEL_GAP - 1e-9  # the three lines all end near 100%; their names do not
    assert shown["<b>this<br>digit</b>"] == pytest.approx(reading.step_probs[-1, 7], abs=1e-6)  # the examined digit's sits at its end


def test_map_draws_every_path_and_animates_only_the_examined_digit(shipped):
    _, report, _, reading = shipped
    path = report.projection.project(reading.hidden[-1])
    figure = hidden_state_figures.map_figure(report.map_paths, report.labels[report.map_index], current=path)
    spec = valid(figure)
    assert len(spec["data"]) == 2 * NUM_CLASSES + 1  # each digit's paths, each digit's typical path, the examined digit's
    assert len(spec["frames"]) == ROWS and all(frame["traces"] == [2 * NUM_CLASSES] for frame in spec["frames"])
    assert [len(frame["data"][0]["customdata"]) for frame in spec["frames"]] == list(range(1, ROWS + 1))  # one more row each frame
    assert all(frame["data"][0]["text"][-1] == "<b>this digit</b>" for frame in spec["frames"])  # named where it has got to
    assert len(figure.to_json()) < 400_000  # 500 paths as packed float32, not JSON numbers
    assert "frames" not in valid(hidden_state_figures.map_figure(report.map_paths, report.labels[report.map_index]))


def map_lines(spec: dict) -> tuple[list[dict], list[dict]]:
    """A map's faint traces (all of a digit's paths) and its typical paths, one each per digit."""
    digits = [trace for trace in spec["data"] if trace.get("legendgroup", "").isdigit()]
    return [t for t in digits if t["line"]["width"] == 1], [t for t in digits if t["line"]["width"] > 1]


def test_map_draws_each_digits_typical_path_thick_over_its_faint_paths(shipped):
    _, report, _, _ = shipped
    labels = report.labels[report.map_index]
    faint, typical = map_lines(valid(hidden_state_figures.map_figure(report.map_paths, labels)))
    assert [t["name"] for t in typical] == [t["name"] for t in faint] == [str(d) for d in range(NUM_CLASSES)]
    assert all(t.get("showlegend", True) for t in typical) and not any(t["showlegend"] for t in faint)  # the legend: one per digit
    assert {t["opacity"] for t in faint} == {0.12}
    for d, line in enumerate(typical):
        np.testing.assert_allclose(unpacked(line["x"]), np.median(report.map_paths[labels == d, :, 0], axis=0), atol=1e-6)
    every, _ = map_lines(valid(hidden_state_figures.map_figure(report.map_paths, labels, every_path=True)))
    assert {t["opacity"] for t in every} == {0.35}


def test_the_map_of_a_model_that_answers_4_on_blank_rows_stays_readable(shipped):
    """Its typical paths are drawn and named at their ends, and its start note sits where all paths start."""
    from model.report import build_report
    from tests.random_models import blank_guesser, shipped_map_digits

    loaded, _, _, _ = shipped
    report = build_report(blank_guesser(loaded.weights, 4), *shipped_map_digits())
    labels = report.labels[report.map_index]
    spec = valid(hidden_state_figures.map_figure(report.map_paths, labels))
    _, typical = map_lines(spec)
    assert len(typical) == NUM_CLASSES
    ends = {note["text"]: (note["x"], note["y"]) for note in spec["layout"]["annotations"] if note["text"].startswith("<b>")}
    for d, line in enumerate(typical):
        assert ends[f"<b>{d}</b>"] == pytest.approx((unpacked(line["x"])[-1], unpacked(line["y"])[-1]), abs=1e-5)


def test_early_figure_of_a_model_that_answers_4_on_blank_rows_gives_its_4s_no_credit_before_ink(shipped):
    from model.insight import first_ink_rows
    from model.report import build_report
    from tests.random_models import blank_guesser, shipped_map_digits

    loaded, _, _, _ = shipped
    images, labels = shipped_map_digits()
    report = build_report(blank_guesser(loaded.weights, 4), images, labels)
    spec = valid(report_figures.early_figure(report.known_by_rows, report.class_known_by_rows, digit=4))
    fours = next(trace for trace in spec["data"] if trace["name"] == "all 4s")
    blank_rows = first_ink_rows(images[labels == 4]).min()  # rows 1 to this are blank in every 4
    assert blank_rows >= 2 and (unpacked(fours["y"])[:blank_rows] == 0).all()
    assert unpacked(fours["y"])[-1] > 0.9


def test_unit_figure_has_a_panel_per_digit_with_the_examined_digit_in_each(shipped):
    _, report, _, reading = shipped
    figure = hidden_state_figures.unit_figure(
        report.unit_mean[1, :, :, 5], report.unit_std[1, :, :, 5], title="unit 5", current=reading.hidden[1][:, 5]
    )
    spec = valid(figure)
    assert len(spec["data"]) == 3 * NUM_CLASSES + 1  # band, mean, this digit; and the mean's entry in the legend
    assert [trace["name"] for trace in spec["data"] if trace.get("showlegend", True)] == ["this digit", spec["data"][-1]["name"]]
    assert [a["text"] for a in spec["layout"]["annotations"]] == [f"{d}s" for d in range(NUM_CLASSES)]


def test_row_importance_bars_line_up_with_the_rows_of_the_image(shipped):
    loaded, _, image, _ = shipped
    importance = row_importance(loaded.weights, image)
    figure = report_figures.row_importance_figure(image, importance)
    bars = valid(figure)["data"][1]
    assert bars["orientation"] == "h" and list(bars["y"]) == list(range(ROWS))
    assert np.array_equal(unpacked(bars["x"]), -importance.log_odds_change)  # positive: the row held the answer up
    assert np.all(unpacked(bars["x"])[~image.any(axis=1)] == 0)  # blank rows change nothing


def test_row_importance_tells_for_from_against_by_colour_and_hatching_whatever_the_digit(shipped):
    _, _, image, _ = shipped
    lost = np.linspace(-1.0, 1.0, ROWS)  # rows that held the answer up (negative: log-odds fall without them) and rows against it
    for digit in (7, 9):  # 9 once wore grey, as "against" did
        importance = RowImportance(digit, 0.9, lost / 10, lost)
        bars = valid(report_figures.row_importance_figure(image, importance))["data"][1]
        against = unpacked(bars["x"]) < 0
        colours, hatches = np.array(bars["marker"]["color"]), np.array(bars["marker"]["pattern"]["shape"])
        assert set(colours[against]) == {report_figures.AGAINST_COLOUR} and set(hatches[against]) == {"/"}
        assert set(colours[~against]) == {report_figures.FOR_COLOUR} and set(hatches[~against]) == {""}


def test_compare_draws_only_the_contenders_solid_then_dotted(shipped):
    _, _, _, reading = shipped
    sure = np.zeros((ROWS, NUM_CLASSES))
    sure[:, 1] = 1.0
    spec = valid(report_figures.compare_figure([("A: a seven", reading.step_probs), ("B: a one", sure)]))
    contenders = {int(d) for d in np.flatnonzero(reading.step_probs.max(axis=0) >= 0.25)} | {1}
    lines = [t for t in spec["data"] if t["mode"] == "lines" and t.get("showlegend", True) is False]
    assert len(lines) == 2 * len(contenders)
    assert {t["line"]["dash"] for t in lines if t["legendgroup"] == "A: a seven"} == {"solid"}
    assert {t["line"]["dash"] for t in lines if t["legendgroup"] == "B: a one"} == {"dot"}
    assert [t["name"] for t in spec["data"] if t.get("showlegend", True)] == ["A: a seven", "B: a one"]  # the legend names the readings


def test_compare_names_each_line_where_it_peaks_apart_even_where_the_peaks_meet():
    rising = np.linspace(0.0, 1.0, ROWS)
    seven = np.zeros((ROWS, NUM_CLASSES))
    seven[:, 7], seven[:, 2] = rising, 1.0 - rising  # a 2 at first, then a 7 that peaks at the last row
    sure = np.zeros((ROWS, NUM_CLASSES))
    sure[:, 1] = 1.0  # a one from the first row to the last: it peaks at the end, where the seven's line does too
    spec = valid(report_figures.compare_figure([("A: a seven", seven), ("B: a one", sure)]))
    labels = {t["text"][0]: t for t in spec["data"] if t["mode"] == "text"}
    lines = {t["name"]: t for t in spec["data"] if t["mode"] == "lines" and t.get("showlegend") is False}
    contending = {name for name, line in lines.items() if unpacked(line["y"]).max() >= 0.25}
    assert set(labels) == {f"<b>{name}</b>" for name in contending}  # every line that contends named, "A: 7" and so on
    seven = labels["<b>A: 7</b>"]
    assert seven["x"] == [ROWS] and seven["legendgroup"] == "A: a seven"  # the answer peaks at the end; hidden with its reading
    placed = [(label["x"][0], label["y"][0]) for label in labels.values()]
    for (x1, y1), (x2, y2) in itertools.combinations(placed, 2):
        assert abs(x1 - x2) >= report_figures.LABEL_ROWS or abs(y1 - y2) >= report_figures.LABEL_GAP - 1e-9


def every_figure(shipped, font_size: int) -> dict:
    """Each Look inside figure as the page builds it, at one type size."""
    loaded, report, image, reading = shipped
    top = report.unit_mean.shape[0] - 1
    return {
        "confusion": report_figures.confusion_figure(report.confusion, (4, 9), font_size=font_size),
        "accuracy": report_figures.class_accuracy_figure(report.class_accuracy, report.confusion.sum(axis=1), font_size=font_size),
        "early": report_figures.early_figure(
            report.known_by_rows, report.class_known_by_rows, digit=7, digit_probs=reading.step_probs[:, 7], font_size=font_size
        ),
        "map": hidden_state_figures.map_figure(
            report.map_paths,
            report.labels[report.map_index],
            current=report.projection.project(reading.hidden[-1]),
            font_size=font_size,
        ),
        "unit": hidden_state_figures.unit_figure(
            report.unit_mean[top, :, :, 5],
            report.unit_std[top, :, :, 5],
            title="unit 5",
            current=reading.hidden[top][:, 5],
            font_size=font_size,
        ),
        "rows": report_figures.row_importance_figure(image, row_importance(loaded.weights, image), font_size=font_size),
        "compare": report_figures.compare_figure(
            [("A: a seven", reading.step_probs), ("B: again", reading.step_probs)], font_size=font_size
        ),
    }


def stated_sizes(spec) -> list[float]:
    """The size of every font a figure states (text that states none takes the layout's), the template's defaults aside."""
    if isinstance(spec, dict):
        own = [value["size"] for key, value in spec.items() if key.endswith("font") and isinstance(value, dict) and "size" in value]
        return own + [size for key, value in spec.items() if key != "template" for size in stated_sizes(value)]
    if isinstance(spec, list):
        return [size for item in spec for size in stated_sizes(item)]
    return []


@pytest.mark.parametrize("name", ["confusion", "accuracy", "early", "map", "unit", "rows", "compare"])
def test_every_figures_text_follows_its_font_size(shipped, name):
    """At the page's 16 px the smallest chart text is 12 px; at presenter mode's 20 px it is 16 px: nothing a figure
    writes is more than 4 px under its font size, and nothing stays small when the type grows."""
    smallest = {}
    for font_size in (16, 20):
        spec = every_figure(shipped, font_size)[name].to_dict()
        assert spec["layout"]["font"]["size"] == font_size
        sizes = stated_sizes([spec["data"], spec["layout"], spec.get("frames", [])])
        smallest[font_size] = min(sizes, default=font_size)
        assert smallest[font_size] >= font_size - 4, (name, font_size, sorted(sizes))
    assert smallest[20] > smallest[16] or smallest[16] >= 16  # it grew, or it was already large enough for a projector


def test_the_confusion_matrix_counts_grow_with_the_type(shipped):
    _, report, _, _ = shipped
    for font_size in (16, 20):
        diagonal, misread = report_figures.confusion_figure(report.confusion, font_size=font_size).to_dict()["data"][:2]
        assert misread["textfont"]["size"] == font_size - 3  # 13 px beside the page's 16, 17 on a projector
        assert diagonal["textfont"]["size"] == font_size - 4  # "1132" in 12 px, 16 on a projector: it fits a phone's cell


def test_the_confusion_matrix_writes_four_digit_counts_smaller_but_readable():
    """13 px "1132" spills out of a phone's 25 px cells; 12 px fits, and no count is smaller than MIN_TEXT_PX."""
    counts = np.diag([1132, 980, *[900] * 8]) + np.ones((NUM_CLASSES, NUM_CLASSES), int) - np.eye(NUM_CLASSES, dtype=int)
    diagonal, misread = report_figures.confusion_figure(counts, font_size=16).to_dict()["data"][:2]
    assert diagonal["textfont"]["size"] == report_figures.MIN_TEXT_PX < misread["textfont"]["size"]
    small = report_figures.confusion_figure(np.diag([900] * NUM_CLASSES), font_size=16).to_dict()["data"][0]
    assert small["textfont"]["size"] == 13  # three digits keep the larger type


def test_how_early_leaves_a_phone_a_wide_plot_and_keeps_its_note_inside(shipped):
    """On a 390 px phone the plot had ~150 px beside 110 px of names, six crowded x ticks and a note running past it."""
    _, report, _, reading = shipped
    for font_size in (16, 20):
        figure = report_figures.early_figure(
            report.known_by_rows, report.class_known_by_rows, digit=7, digit_probs=reading.step_probs[:, 7], font_size=font_size
        )
        layout = valid(figure)["layout"]
        assert layout["margin"]["r"] <= 60 and "dtick" not in layout["xaxis"]
        assert layout["xaxis"]["tickvals"] == [1, 7, 14, 21, 28]  # five row numbers, the first and the last among them
        names = [line for t in figure.to_dict()["data"] if t["mode"] == "text" for line in t["text"][0][3:-4].split("<br>")]
        assert max(map(len, names)) <= 6  # "this / digit", "all / digits": each line fits the margin
        (note,) = layout["annotations"]
        half = note["x"]
        assert (note["y"], note["yanchor"], note["yref"]) == (1, "top", "y domain")  # inside the plot, at its top
        assert note["xanchor"] == ("right" if half >= ROWS / 2 else "left")  # on the wider side of the dotted line
        assert max(len(line) for line in note["text"].split("<br>")) <= 12


def test_compare_names_no_flat_line_and_moves_names_up_off_the_tangle():
    """A digit that contends in one reading only is flat in the other: its name there was written at row 1, on the
    axis. Names that meet move up, above their peaks, not down into the lines near 0%."""
    rows = np.arange(1, ROWS + 1)
    bump = lambda row, height: 0.08 + (height - 0.08) * np.exp(-(((rows - row) / 1.5) ** 2))  # noqa: E731
    a, b = np.full((ROWS, NUM_CLASSES), 0.08), np.full((ROWS, NUM_CLASSES), 0.08)
    a[:, 5], a[:, 7], a[:, 0] = bump(6, 0.32), bump(7, 0.26), np.linspace(0.1, 1.0, ROWS)
    b[:, 5], b[:, 2], b[:, 1], b[:, 0] = bump(6, 0.37), bump(9, 0.32), bump(8, 0.26), np.linspace(0.1, 1.0, ROWS)
    spec = valid(report_figures.compare_figure([("A: one", a), ("B: two", b)]))
    labels = {t["text"][0][3:-4]: (t["x"][0], t["y"][0]) for t in spec["data"] if t["mode"] == "text"}
    assert set(labels) == {"A: 5", "A: 7", "A: 0", "B: 5", "B: 2", "B: 1", "B: 0"}  # no "A: 2", "A: 1": flat in A
    peaks = {"A: 5": 0.32, "A: 7": 0.26, "B: 5": 0.37, "B: 2": 0.32, "B: 1": 0.26}
    assert all(labels[name][1] >= peak - 0.01 for name, peak in peaks.items())  # over their lines, not under them
    for (x1, y1), (x2, y2) in itertools.combinations(labels.values(), 2):
        assert abs(x1 - x2) >= report_figures.LABEL_ROWS or abs(y1 - y2) >= report_figures.LABEL_GAP - 1e-9


@pytest.mark.parametrize("font_size", [16, 20])
def test_the_maps_names_stay_apart_on_a_phone_and_on_a_wide_screen(shipped, font_size):
    """The digits' names where their paths end, the note where all start and the examined digit's name: no two cover
    each other on the narrowest and widest plot the map is drawn on, for every gallery digit examined. A name moved
    off its place has a line to it."""
    loaded, report, _, _ = shipped
    for sample in load_samples().values():
        current = report.projection.project(read_digit(loaded.weights, sample.image).hidden[-1])
        figure = hidden_state_figures.map_figure(report.map_paths, report.labels[report.map_index], current=current, font_size=font_size)
        layout = figure.to_dict()["layout"]
        names = [name_box(note, layout, LABEL_SIZE(note, font_size)) for note in layout["annotations"]]
        end = current[-1]
        names.append((*on_axes(end, layout), 8 + 5 * 19 * 0.6, 8 + 12, 5 * 19 * 0.6, 12))  # "this digit", top right of its dot
        for width, height in itertools.product(hidden_state_figures.MAP_PLOT_WIDTHS, hidden_state_figures.MAP_PLOT_HEIGHTS):
            boxes = [(x * width + right, y * height + up, half_w, half_h) for x, y, right, up, half_w, half_h in names]
            for (x1, y1, w1, h1), (x2, y2, w2, h2) in itertools.combinations(boxes, 2):
                assert abs(x1 - x2) >= w1 + w2 - 1 or abs(y1 - y2) >= h1 + h2 - 1, (sample.index, width, height)
        moved = [note for note in layout["annotations"] if note["text"].startswith("<b>") and note["showarrow"]]
        assert all(note["ax"] or note["ay"] for note in moved)


def LABEL_SIZE(note: dict, font_size: int) -> float:  # noqa: N802
    return note.get("font", {}).get("size", font_size)


def on_axes(point, layout: dict) -> tuple[float, float]:
    (x0, x1), (y0, y1) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    return (point[0] - x0) / (x1 - x0), (point[1] - y0) / (y1 - y0)


def name_box(note: dict, layout: dict, size: float) -> tuple[float, ...]:
    """A name on the map as (x, y on the axes from 0 to 1, px right and up of there, half its width and height in px):
    a bold digit about 0.6 of its size wide, a line of the note about 0.55 of it per character, each 1.2 of it high."""
    text = re.sub(r"<[^>]+>", "", note["text"])
    right, up = (note.get("ax", 0), -note.get("ay", 0)) if note.get("showarrow", True) else (0, 0)
    return (*on_axes((note["x"], note["y"]), layout), right, up, 0.3 * size * len(text), 0.6 * size)
