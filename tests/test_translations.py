"""The catalogues: every word the code marks has its Chinese and Japanese, none fuzzy, each with the placeholders of
its English; the .mo files the app reads are the .po files compiled; and a session's language is chosen by a link,
the picker or the browser."""

import re

import pytest
from streamlit.testing.v1 import AppTest

import i18n
from harness.languages import english_words
from i18n import catalogues
from tests.app_pages import texts

PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


@pytest.fixture
def language():
    """i18n.use() for one test, English again after."""
    yield i18n.use
    i18n.use(i18n.DEFAULT)


@pytest.mark.parametrize("name", catalogues.TRANSLATED)
def test_every_message_has_a_translation(name):
    assert catalogues.problems(name) == []


@pytest.mark.parametrize("name", catalogues.TRANSLATED)
def test_the_app_reads_the_catalogue_as_compiled(name):
    assert catalogues.mo_path(name).read_bytes() == catalogues.compiled(catalogues.read(name)), "run python -m i18n.catalogues"


def test_the_template_holds_the_words_in_the_code():
    with open(catalogues.TEMPLATE, "rb") as file:
        template = {message.id for message in catalogues.read_po(file) if message.id}
    assert template == {message.id for message in catalogues.extract() if message.id}, "run python -m i18n.catalogues"


@pytest.mark.parametrize("name", catalogues.TRANSLATED)
def test_translations_keep_their_placeholders_and_markup(name):
    wrong = []
    for message in catalogues.read(name):
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        # Chinese and Japanese have one form for every count: it holds the placeholders of English's both.
        places = {place for form in ([message.id] if isinstance(message.id, str) else message.id) for place in PLACEHOLDER.findall(form)}
        for translated in [message.string] if isinstance(message.string, str) else message.string:
            if places != set(PLACEHOLDER.findall(translated)):
                wrong.append(f"placeholders differ: {english!r} -> {translated!r}")
            if english.count("**") != translated.count("**") or english.count("\n\n") != translated.count("\n\n"):
                wrong.append(f"markup differs: {english!r} -> {translated!r}")
    assert wrong == []


@pytest.mark.parametrize(
    ("asked", "language"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("fr-FR,ja;q=0.7,zh;q=0.5", "ja"),
        ("zh-TW", "zh"),
        ("ja", "ja"),
        ("de-DE,fr;q=0.5", "en"),
        ("", "en"),
        (None, "en"),
        ("zh;q=nonsense,ja", "ja"),
    ],
)
def test_a_browsers_language(asked, language):
    assert i18n.match(asked) == language


def test_numbers_and_dates_in_each_language(language):
    from datetime import datetime

    moment = datetime(2026, 12, 7, 20, 2)
    language("en")
    assert (i18n.percent(0.99634, 2), i18n.number(12345), i18n.day_and_time(moment)) == ("99.63%", "12,345", "7 Dec, 20:02")
    for name in ("zh", "ja"):
        language(name)
        assert (i18n.percent(0.5), i18n.day_and_time(moment)) == ("50%", "12月7日 20:02")


def test_words_follow_the_language(language):
    language("zh")
    assert i18n._("Read") != "Read"
    language("ja")
    assert i18n._("Read") != "Read"
    language("en")
    assert i18n._("Read") == "Read"


def page_names(app: AppTest) -> list[str]:
    return [link.label for link in app.get("page_link")]


def test_a_link_a_choice_and_nonsense():
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    english = page_names(app)
    assert english[:2] == ["Read", "Lesson"] and "lang" not in app.query_params

    app.query_params["lang"] = "zh"  # a teacher's link
    app.run()
    chinese = page_names(app)
    assert chinese[0] != "Read" and app.query_params["lang"] == "zh"

    app.radio(key="language-picker").set_value("ja").run()  # the picker
    assert page_names(app) not in (english, chinese) and app.query_params["lang"] == "ja"

    app.radio(key="language-picker").set_value("en").run()  # back to the browser's own: the address says nothing
    assert page_names(app) == english and "lang" not in app.query_params

    app.query_params["lang"] = "<b>xx</b>"
    app.run()
    assert not app.exception and page_names(app) == english


# Every page, every step of the lesson and every view of Look inside, as AppTest holds them: closed expanders, help
# texts, options and captions included, which a browser test sees only when opened.
PAGES = {
    "views/pages/read.py": [{}],
    "views/pages/lesson.py": [{"step": str(step)} for step in range(1, 11)],
    "views/pages/inside.py": [{"view": view} for view in ("report", "early", "map", "units", "importance", "compare")],
    "views/pages/race.py": [{}],
    "views/pages/wall.py": [{}],
    "views/pages/train.py": [{}],
    "views/pages/about.py": [{}],
}
WIDGETS = ("button", "toggle", "checkbox", "radio", "selectbox", "text_input", "number_input", "expander", "tabs", "metric")
# A command or a setting's name, typed the same in every language; Streamlit's colour markup (:blue[...]).
NOT_WORDS = re.compile(r"`[^`]*`|:[a-z]+\[")


def words_of(app: AppTest) -> list[str]:
    said = [NOT_WORDS.sub(" ", line) for line in texts(app).splitlines()]
    for kind in WIDGETS:
        for element in getattr(app, kind):
            shown = (getattr(element, name, None) for name in ("label", "help", "placeholder"))
            said += [value for value in shown if isinstance(value, str)]
            said += [str(option) for option in getattr(element, "options", [])]
    return said


@pytest.mark.parametrize("name", catalogues.TRANSLATED)
def test_no_english_left_on_any_page(name):
    left = {}
    for page, addresses in PAGES.items():
        for address in addresses:
            app = AppTest.from_file("../app.py", default_timeout=120)
            app.query_params.update({"lang": name, **address})
            app.run()
            app.switch_page(page)
            app.run()
            assert not app.exception, (page, address)
            found = english_words(words_of(app))
            if found:
                left[f"{page} {address}"] = sorted(set(found))
    assert left == {}
