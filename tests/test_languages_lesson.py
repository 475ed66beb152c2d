"""The guided lesson in 简体中文 and 日本語: the page opened with ?lang=zh or ?lang=ja shows each step's title, words,
question and teacher's notes, its step bar and its figure in that language, and in English with no ?lang; the lesson's
figures and the sentence built from one unit's numbers read in the language set."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import i18n
from model.samples import load_samples
from model.storage import load_model
from model.xray import read_digit
from views.figures import lesson as lesson_figures
from views.lesson_steps import STEPS
from views.parts.class_wall import shared_wall

LESSON_PAGE = "views/pages/lesson.py"
DOCS = Path(__file__).parents[1] / "docs"
WORDS = ("title", "says", "question", "look_at", "ask", "expect")


@pytest.fixture
def language():
    """i18n.use() for one test, English again after."""
    yield i18n.use
    i18n.use(i18n.DEFAULT)


@pytest.fixture
def empty_wall():
    shared_wall().clear()
    yield
    shared_wall().clear()


def in_language(language: str, number: int):
    """Step `number` (1-based) in `language`, as the catalogue has it; checked to be translated, every word of it."""
    i18n.use(language)
    try:
        step = STEPS[number - 1].in_words()
    finally:
        i18n.use(i18n.DEFAULT)
    english = STEPS[number - 1]
    for name in WORDS:
        assert getattr(step, name) != getattr(english, name), (language, number, name)  # merge.py built the catalogues
    return step


def open_lesson(language: str | None, step: str | None = None) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=180)
    if language is not None:
        app.query_params["lang"] = language
    if step is not None:
        app.query_params["step"] = step
    app.run()
    app.switch_page(LESSON_PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def title(app: AppTest) -> str:
    return [h.value for h in (*app.title, *app.header) if h.value[:1].isdigit()][0]


def markdown(app: AppTest) -> str:
    return " ".join(m.value for m in app.markdown)


def button(app: AppTest, key: str):
    return next(b for b in app.button if b.key == key)


def notes(app: AppTest, label: str) -> str:
    (expander,) = [e for e in app.expander if e.label == label]
    return " ".join(m.value for m in expander.markdown)


def test_the_lesson_in_chinese_shows_each_steps_words_and_its_step_bar(empty_wall):
    app = open_lesson("zh")
    first, second = in_language("zh", 1), in_language("zh", 2)
    assert title(app) == f"1. {first.title}" == "1. 一张图就是 28 行"
    assert first.says in markdown(app)
    assert f"**问问全班**：{first.question}" in markdown(app)
    assert f"**看这里**：{first.look_at}" in markdown(app)
    assert (button(app, "lesson-back").label, button(app, "lesson-next").label) == ("上一步", "下一步")
    assert app.selectbox(key="lesson-step-1").options[0] == "第 1/10 步"
    assert app.selectbox(key="lesson_digit").label == "我们跟着看的数字"
    assert first.expect in notes(app, "老师的备注")
    button(app, "lesson-next").click().run()
    assert title(app) == f"2. {second.title}"
    assert second.says in markdown(app) and second.question in markdown(app)
    assert second.ask in notes(app, "老师的备注")


def test_the_lesson_in_japanese_shows_the_gates_step_its_figure_and_its_sentence(empty_wall):
    app = open_lesson("ja", step="5")
    gates = in_language("ja", 5)
    assert title(app) == f"5. {gates.title}" == "5. 何を覚えて、何を忘れるか"
    assert gates.says in markdown(app)
    assert f"**クラスへの質問**：{gates.question}" in markdown(app)
    assert "ユニット" in markdown(app) and "忘却ゲートは" in markdown(app)  # the sentence built from the unit's numbers
    figure = app.get("plotly_chart")[0].proto.spec
    assert "忘却ゲート（1 = 残す）" in figure and "記憶セル c" in figure and "読んだ行" in figure
    assert (button(app, "lesson-back").label, button(app, "lesson-next").label) == ("戻る", "次へ")
    assert gates.expect in notes(app, "先生用メモ")
    button(app, "lesson-back").click().run()
    assert title(app) == f"4. {in_language('ja', 4).title}"


def test_with_no_language_asked_the_lesson_is_in_english(empty_wall):
    app = open_lesson(None, step="3")
    assert title(app) == f"3. {STEPS[2].title}"
    assert f"**Question for the class:** {STEPS[2].question}" in markdown(app)
    assert (button(app, "lesson-back").label, button(app, "lesson-next").label) == ("Back", "Next")
    assert app.selectbox(key="lesson-step-3").options[2] == "Step 3 of 10"
    assert STEPS[2].expect in notes(app, "Teacher's notes")


@pytest.mark.parametrize(
    ("chosen", "legend", "said"),
    [
        ("zh", "遗忘门（1 = 留住）", "的遗忘门是"),
        ("ja", "忘却ゲート（1 = 残す）", "忘却ゲートは"),
        ("en", "forget gate (1 = keep)", "its forget gate is at"),
    ],
)
def test_the_lessons_figures_and_the_units_sentence_read_in_the_language_set(language, chosen, legend, said):
    sample = next(s for s in load_samples().values() if s.label == 7 and not s.misread)
    reading = read_digit(load_model().weights, sample.image)
    unit = lesson_figures.busiest_unit(reading, sample.image)
    language(chosen)
    figure = lesson_figures.gate_figure(reading, unit).to_dict()
    assert legend in [line["name"] for line in figure["data"]]
    sentence = lesson_figures.gate_words(reading, sample.image, unit)
    assert said in sentence and "{" not in sentence
    rows = lesson_figures.rows_figure(sample.image, 10).to_dict()
    assert rows["data"][0]["hovertemplate"].endswith("<extra></extra>")


@pytest.mark.parametrize("chosen", ["zh", "ja"])
def test_the_lesson_plan_in_each_language_follows_the_steps_as_the_page_words_them(chosen):
    plan = (DOCS / f"lesson-plan.{chosen}.md").read_text(encoding="utf-8")
    others = {"en": "(lesson-plan.md)", "zh": "(lesson-plan.zh.md)", "ja": "(lesson-plan.ja.md)"}
    first_line = plan.splitlines()[0]
    assert all(link in first_line for language, link in others.items() if language != chosen)  # the other versions
    steps = [in_language(chosen, number) for number in range(1, len(STEPS) + 1)]
    places = [plan.find(f"## {number}. {step.title}") for number, step in enumerate(steps, start=1)]
    assert -1 not in places and places == sorted(places)
    for step in steps:
        assert step.says in plan and step.question in plan and step.expect in plan, step.view
