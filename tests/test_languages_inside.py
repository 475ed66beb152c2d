"""Look inside in 简体中文 and 日本語: every figure's titles, axis titles, legend names, notes and hover words in the
reader's language, and the page itself through AppTest opened with ?lang=, its views' values still English.

The translations are the catalogues' (i18n/locales), built from the drafts by the lead (or `python /tmp/work/merge.py`).
"""

import json
import re

import plotly.graph_objects as go
import pytest

import i18n
from model.config import NUM_CLASSES
from model.insight import row_importance
from model.report import load_report
from model.samples import load_samples
from model.storage import load_model
from model.xray import read_digit
from views.figures import hidden_state as hidden_state_figures
from views.figures import report as report_figures

LANGUAGES = ("zh", "ja")
# What may stay in Latin letters in another language: names kept as they are, the hidden state's letter, the readings'
# names (A, B), and plotly's own markup.
KEPT = {"LSTM", "MNIST", "h", "A", "B"}
PLOTLY_MARKUP = re.compile(r"%\{[^}]*\}|<[^>]*>")


@pytest.fixture(scope="module")
def shipped():
    loaded = load_model()
    report = load_report(loaded.path, loaded.weights)
    assert report is not None, "the shipped model's report is missing or stale: python -m model.report"
    seven = next(s for s in load_samples().values() if s.label == 7 and not s.misread)
    return loaded, report, seven.image, read_digit(loaded.weights, seven.image)


def figures(shipped) -> dict[str, dict]:
    """Every figure of the page, built in the language in use, as JSON would send it."""
    loaded, report, image, reading = shipped
    labels = report.labels[report.map_index]
    built = {
        "confusion": report_figures.confusion_figure(report.confusion, (4, 9)),
        "accuracy": report_figures.class_accuracy_figure(report.class_accuracy, report.confusion.sum(axis=1)),
        "early": report_figures.early_figure(
            report.known_by_rows, report.class_known_by_rows, digit=7, digit_probs=reading.step_probs[:, 7]
        ),
        "rows": report_figures.row_importance_figure(image, row_importance(loaded.weights, image)),
        "compare": report_figures.compare_figure([("A", reading.step_probs), ("B", reading.step_probs[::-1])]),
        "map": hidden_state_figures.map_figure(report.map_paths, labels, current=report.projection.project(reading.hidden[-1])),
        "unit": hidden_state_figures.unit_figure(
            report.unit_mean[0, :, :, 3], report.unit_std[0, :, :, 3], title="3", current=reading.hidden[0][:, 3]
        ),
    }
    return {name: json.loads(go.Figure(figure.to_dict()).to_json()) for name, figure in built.items()}


def words_of(spec: dict) -> list[str]:
    """Every word a reader sees on a figure: title, axis and legend titles, notes, panel titles, line names, hover words."""
    layout = spec["layout"]
    found = [layout.get("title", {}).get("text", ""), layout.get("legend", {}).get("title", {}).get("text", "")]
    found += [axis.get("title", {}).get("text", "") for name, axis in layout.items() if name.startswith(("xaxis", "yaxis"))]
    found += [note.get("text", "") for note in layout.get("annotations", [])]
    for trace in spec["data"]:
        found += [trace.get("name", ""), trace.get("hovertemplate", "").replace("<extra></extra>", "")]
        texts = trace.get("text", [])
        found += texts if isinstance(texts, list) else [texts]
    return [str(text) for text in found if text]


def english_in(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", PLOTLY_MARKUP.sub(" ", text))) - KEPT


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_figure_speaks_the_readers_language(shipped, language):
    i18n.use(language)
    for name, spec in figures(shipped).items():
        words = words_of(spec)
        assert words, name
        left = {text: english_in(text) for text in words if english_in(text)}
        assert not left, f"{name} ({language}) still has English: {left}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_axis_titles_and_notes_are_the_catalogues(shipped, language):
    i18n.use(language)
    specs = figures(shipped)
    confusion = specs["confusion"]["layout"]
    assert confusion["xaxis"]["title"]["text"] == i18n._("read as") != "read as"
    assert confusion["yaxis"]["title"]["text"] == i18n._("true digit") != "true digit"
    assert specs["map"]["layout"]["xaxis"]["title"]["text"] == i18n._("direction 1") != "direction 1"
    panels = [note["text"] for note in specs["unit"]["layout"]["annotations"]][:NUM_CLASSES]
    assert panels == [i18n._("{digit}s").format(digit=d) for d in range(NUM_CLASSES)] and panels[0] != "0s"
    # The cached grid keeps no words: the same figure in English afterwards names its panels in English.
    i18n.use("en")
    english = figures(shipped)["unit"]["layout"]["annotations"][:NUM_CLASSES]
    assert [note["text"] for note in english] == [f"{d}s" for d in range(NUM_CLASSES)]


def test_hover_templates_keep_plotlys_placeholders_in_every_language(shipped):
    for language in ("en", *LANGUAGES):
        i18n.use(language)
        hovers = [trace.get("hovertemplate", "") for spec in figures(shipped).values() for trace in spec["data"]]
        placeholders = {p for hover in hovers for p in re.findall(r"%\{[^}]*\}", hover)}
        assert {"%{x}", "%{y:.0%}", "%{customdata[0]}"} <= placeholders, language
        assert not any(re.search(r"(?<!%)\{\w+\}", hover) for hover in hovers), f"a placeholder of ours left unfilled ({language})"


def test_a_map_note_in_chinese_is_measured_wider_than_its_letters(shipped):
    """Names on the map are kept apart by their measured size: a Chinese character is nearly twice a Latin letter."""
    assert hidden_state_figures._text_half("这个数字", 20)[0] > hidden_state_figures._text_half("abcd", 20)[0] * 1.5


# The page, through AppTest.

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

INSIDE_PAGE = "views/pages/inside.py"


@pytest.fixture
def quiet(monkeypatch, tmp_path):
    """No runs of earlier tests, and no MNIST: the page reads its stored report."""
    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path / "runs"))
    (tmp_path / "no-mnist").mkdir()
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "no-mnist"))


def open_inside(language: str, view: str | None = None) -> AppTest:
    """The page opened by a ?lang= link. The test's own thread reads in the same language, as a browser would: AppTest
    formats a chosen option there (format_func) to send it, as the browser sends the words it shows."""
    i18n.use(language)
    app = AppTest.from_file("../app.py", default_timeout=180)
    app.query_params["lang"] = language
    app.run()
    app.switch_page(INSIDE_PAGE).run()
    if view:
        app.segmented_control(key="view").set_value(view).run()
    assert not app.exception, app.exception
    return app


def in_language(language: str, message: str) -> str:
    i18n.use(language)
    return i18n._(message)


def test_the_page_in_japanese(quiet):
    app = open_inside("ja")
    assert app.title[0].value == "中をのぞく"
    labels = [metric.label for metric in app.metric]
    assert in_language("ja", "Test accuracy") in labels and "Test accuracy" not in labels
    assert "テスト正解率" in labels
    assert any("読み間違えた数字" in header.value for header in app.header)
    view = app.segmented_control(key="view")
    assert view.value == "Model report"  # the value (and ?view=) stays English
    chooser = app.selectbox(key="inside_digit")
    assert chooser.value.startswith("Test digit #") and all(option.startswith("テスト数字 #") for option in chooser.options)
    app.segmented_control(key="view").set_value("Hidden-state map").run()
    assert not app.exception, app.exception
    assert app.toggle(key="map_every_path").label == "一つ一つの数字の道すじを表示"
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["title"]["text"] == "方向 1"
    assert in_language("ja", "How is this made?") in [expander.label for expander in app.expander]


def test_the_page_in_chinese_row_importance_and_compare(quiet):
    app = open_inside("zh", "Row importance")
    assert next(metric for metric in app.metric if metric.label == "回答").value.isdigit()
    assert any("它最依靠的行" in markdown.value for markdown in app.markdown)
    app.segmented_control(key="view").set_value("Compare").run()
    assert not app.exception, app.exception
    assert app.segmented_control(key="compare_mode").value == "Two digits, one model"
    assert app.selectbox(key="compare_A").label == "数字 A"
    alts = [chart.proto.alt for chart in app.get("plotly_chart")]
    assert any("实线是读法 A" in alt for alt in alts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_how_earlys_names_fit_its_margin_in_two_short_lines(shipped, language):
    """Chinese and Japanese write no spaces: a name of four characters is broken halfway, as "all digits" is at its space."""
    i18n.use(language)
    labels = [trace["text"][0] for trace in figures(shipped)["early"]["data"] if trace.get("mode") == "text"]
    assert labels
    for label in labels:
        assert all(len(line) <= 3 for line in re.sub(r"</?b>", "", label).split("<br>")), label
