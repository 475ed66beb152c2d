"""The Train page in 简体中文 and 日本語: its form, password box, runs and models through AppTest, and its figure, its
times and a damaged model's words as pure functions, in the language chosen (i18n.use; reset to English after)."""

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

import i18n  # noqa: E402
from model.storage import ModelLoadError, read_weights  # noqa: E402
from tests.app_pages import texts  # noqa: E402
from tests.training_runs import finished_run, made_run  # noqa: E402
from training.progress import Curve, TrainingCurves  # noqa: E402
from training.run_folder import CANCELLED, FAILED, write_status  # noqa: E402
from views.figures.training import training_figure  # noqa: E402
from views.parts.access import ENV_VARIABLE  # noqa: E402

TRAIN_PAGE = "views/pages/train.py"
INTERRUPTED = "The training process stopped without finishing: it was killed, ran out of memory, or the machine restarted."


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    return tmp_path


@pytest.fixture
def language():
    """Set with i18n.use for the pure functions; English again after, whatever the test did."""
    yield i18n.use
    i18n.use("en")


def open_train_page(language: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params["lang"] = language
    return app.run().switch_page(TRAIN_PAGE).run()


def in_language(language: str, english: str) -> str:
    """What the catalogue says for `english` in `language`: the test reads the page's words as the reader would."""
    i18n.use(language)
    try:
        return i18n._(english)
    finally:
        i18n.use("en")


@pytest.mark.parametrize(
    ("language", "start", "recipe", "shipped", "accuracy"),
    [("zh", "开始训练", "配方", "自带的模型", "测试准确率 99.63%"), ("ja", "学習を開始", "レシピ", "付属のモデル", "テスト正解率 99.63%")],
)
def test_the_form_and_the_models_are_in_the_chosen_language(runs, language, start, recipe, shipped, accuracy):
    app = open_train_page(language)
    assert not app.exception
    assert app.title[0].value == in_language(language, "Train")
    assert app.button(key="start").label == start
    assert app.selectbox(key="train_preset").label == recipe
    assert app.text_input(key="train_lr").placeholder.startswith(in_language(language, "recipe: {value}").format(value=""))
    shown = texts(app)
    assert shipped in shown and accuracy in shown
    assert in_language(language, "Read with it") in [button.label for button in app.button]
    assert in_language(language, "server default") in shown and in_language(language, "reading in this browser") in shown
    assert "Start a run" not in [header.value for header in app.header] and "Models" not in [h.value for h in app.header]


def test_the_password_box_and_its_refusal_are_in_japanese(runs, monkeypatch, language):
    monkeypatch.setenv(ENV_VARIABLE, "owl")
    app = open_train_page("ja")
    language("ja")  # AppTest runs the recipe list's format_func here, outside the app's session, when a widget is set
    assert app.text_input(key="typed_password").label == "学習用パスワード"
    app.text_input(key="typed_password").set_value("cat")
    app.button(key="unlock_button").click().run()
    assert any(error.value == "学習用のパスワードが違います。" for error in app.error)
    assert app.button(key="start").disabled


def test_a_stopped_runs_state_and_the_words_its_process_wrote_are_translated_when_shown(runs):
    """The training process knows no session's language: it writes English, and the page translates it."""
    made_run(runs, "20260101-120000-morvan", CANCELLED)
    failed = made_run(runs, "20260102-120000-morvan", FAILED)
    write_status(failed, FAILED, pid=1, message=INTERRUPTED)
    app = open_train_page("zh")
    assert not app.exception
    shown = texts(app)
    assert "**失败**" in shown and "训练进程没有完成就停止了" in shown and INTERRUPTED not in shown
    assert "**已取消**" in shown or "已停止的训练（1）" in [expander.label for expander in app.expander]


def test_a_damaged_models_reason_is_in_the_chosen_language(runs, language):
    finished_run(runs, "20260101-120000-morvan", b"not a model at all")
    app = open_train_page("ja")
    assert "使えません" in texts(app) and "モデルファイルが壊れています" in texts(app)
    bad = runs / "bad.keras"
    bad.write_bytes(b"PK\x03\x04 cut short")
    language("zh")
    with pytest.raises(ModelLoadError, match="模型文件坏了") as refused:
        read_weights(bad)
    assert "damaged" not in str(refused.value)


def test_the_training_figure_has_its_titles_axes_and_legend_in_japanese(language):
    language("ja")
    training, held_out = Curve([1.0, 2.0], [0.6, 0.3], [0.8, 0.9]), Curve([1.0, 2.0], [0.5, 0.3], [0.85, 0.92])
    curves = TrainingCurves(training, held_out, Curve([2.0], [0.3], [0.93]))
    layout = training_figure(curves).to_dict()
    titles = [annotation["text"] for annotation in layout["layout"]["annotations"]]
    assert titles == ["損失（低いほど良い）", "正解率（高いほど良い）"]
    assert layout["layout"]["xaxis"]["title"]["text"] == "エポック（学習用の数字をひと通り読む回数）"
    names = {trace.get("name") for trace in layout["data"] if trace.get("showlegend")}
    assert names == {"学習中のバッチ", "検証データの数字（エポックごと）", "テストデータ（最後）"}
    labels = {text for trace in layout["data"] if trace.get("mode") == "text" for text in trace["text"]}
    assert labels == {"<b>学習</b>", "<b>検証データ</b>", "<b>テスト</b>"}
    language("en")
    english = training_figure(curves).to_dict()  # the figure's panels are kept per language, not the first one's
    assert [annotation["text"] for annotation in english["layout"]["annotations"]][0] == "Loss (lower is better)"


def test_durations_say_minutes_and_seconds_in_each_language(language):
    from views.parts.run_form import duration

    assert duration(2286) == "38 min 06 s"
    language("ja")
    assert duration(2286) == "38分06秒" and duration(45) == "45秒" and duration(7380) == "2時間03分"
    language("zh")
    assert duration(2286) == "38 分 06 秒"
