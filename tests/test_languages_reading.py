"""The Read page and the reading player in 简体中文 and 日本語: every word the player's code shows comes from its spec,
in the reader's language, and the page's own words are translated (the catalogues: python -m i18n.catalogues)."""

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

import i18n  # noqa: E402
from i18n import _  # noqa: E402
from model.samples import load_samples  # noqa: E402
from model.storage import DEFAULT_MODEL_PATH, load_model  # noqa: E402
from model.xray import read_digit  # noqa: E402
from views import words  # noqa: E402
from views.players.reading_spec import answer_spec, reading_spec  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PLAYER = REPO / "static" / "players" / "reading.js"
SCRIPTS = [PLAYER, REPO / "static" / "players" / "shared.js"]
SAMPLE = next(s for s in load_samples().values() if not s.misread)
SAME_IN_EVERY_LANGUAGE = {"percent", "percent_ticks"}  # "{value}%" and "0%", "50%", "100%" in all three
PLACE = re.compile(r"\{(\w+)\}")


@pytest.fixture(scope="module")
def reading():
    return read_digit(load_model(DEFAULT_MODEL_PATH).weights, SAMPLE.image)


def used_words(source: str) -> set[str]:
    """The keys of `words` (the spec's) that the player's code reads."""
    return set(re.findall(r"\bwords\.(\w+)", source))


def specs_in(language: str, reading) -> tuple[dict, dict]:
    i18n.use(language)
    return reading_spec(SAMPLE.image, reading), answer_spec(reading.step_probs[-1])


def test_every_word_the_player_reads_is_in_the_spec(reading):
    used = used_words(PLAYER.read_text())
    assert {"play", "pause", "announce", "rows_read", "keys"} <= used  # the controls and the live announcement
    full, answer = specs_in("en", reading)
    assert used <= set(full["words"]) | {"answer_title"}
    bars = PLAYER.read_text().split("function barsPanel")[1].split("function linesPanel")[0]  # what the answer draws
    assert used_words(bars) | {"answer_title", "list_item", "list_separator", "percent"} <= set(answer["words"])


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_the_players_words_are_in_the_readers_language(reading, language):
    english, english_answer = specs_in("en", reading)
    translated, translated_answer = specs_in(language, reading)
    for key in used_words(PLAYER.read_text()) - SAME_IN_EVERY_LANGUAGE:
        spec_en, spec_tr = (english_answer, translated_answer) if key == "answer_title" else (english, translated)
        theirs, ours = spec_tr["words"][key], spec_en["words"][key]
        assert theirs != ours, (key, theirs)
        if isinstance(ours, str):  # the player fills the same places in every language
            assert set(PLACE.findall(theirs)) == set(PLACE.findall(ours)), (key, theirs)
    assert translated["words"]["speeds"].keys() == english["words"]["speeds"].keys()  # the speeds' ids stay
    assert translated["map"]["title"] != english["map"]["title"] and str(reading.hidden.shape[-1]) in translated["map"]["title"]


def test_the_players_code_holds_no_words_of_its_own():
    """The words a person reads or hears are the spec's: no text, aria label or sentence written in the scripts."""
    for script in SCRIPTS:
        source = re.sub(r"//[^\n]*", "", script.read_text())
        literals = [a or b or c for a, b, c in re.findall(r'"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`|\'((?:[^\'\\\n]|\\.)*)\'', source)]
        sentences = [
            text
            for text in literals
            if not re.match(r"^[a-z-]+: ", text)  # a CSS declaration
            and re.search(r"(?<![\w$.-])[A-Za-z]{2,}\s+[A-Za-z]{2,}(?![\w-])", re.sub(r"\$\{[^}]*\}", "", text))
        ]
        assert not sentences, (script.name, sentences)
        labels = re.findall(r'(?:\btext|"aria-label"|"aria-valuetext"):\s*["`]([^"`]*[A-Za-z][^"`]*)["`]', source)
        assert not labels, (script.name, labels)


def page_in(language: str, **query) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params["lang"] = language
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def in_language(language: str, message: str) -> str:
    i18n.use(language)
    try:
        return _(message)
    finally:
        i18n.use("en")


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_the_read_page_speaks_the_readers_language(language):
    app = page_in(language, sample=str(SAMPLE.index))
    assert not app.exception, app.exception
    said = lambda message: in_language(language, message)  # noqa: E731
    for message in ("Prediction", "The reading, row by row", "Clear the canvas", "Samples", "Read it", "h (hidden)"):
        assert said(message) != message, message  # translated in the catalogue
    (metric,) = app.metric
    assert metric.label == said("Prediction") and metric.value == str(SAMPLE.label)
    before, after = said("{percent} sure").split("{percent}")
    assert metric.delta.startswith(before) and metric.delta.endswith(after) and "%" in metric.delta
    source = app.segmented_control(key="source")
    assert source.value == "Samples" and said("Samples") in source.options  # the value stays, its name is translated
    state = app.segmented_control(key="state")
    assert state.value == "h (hidden)" and said("h (hidden)") in state.options
    assert [h.value for h in app.header] == [said("The reading, row by row")]
    assert said(words.WHAT_AM_I_LOOKING_AT_LABEL) in [e.label for e in app.expander]
    assert said(words.TAGLINE) in [c.value for c in app.caption]
    assert any(said("true digit {digit}").format(digit=SAMPLE.label) == m.value for m in app.markdown)
    specs = [json.loads(e.proto.json) for e in app.get("bidi_component") if e.proto.json]
    players = {spec["key"]: spec for spec in specs if "key" in spec}
    assert players["reading"]["words"]["play"] == said("Play") and players["answer"]["words"]["answer_title"] != (
        "The ten digits' probabilities after the last row"
    )


def test_a_bad_upload_is_told_in_the_readers_language():
    app = page_in("zh")
    i18n.use("zh")  # AppTest names a chosen option in the test's thread, with the widget's format_func: in Chinese here
    app.segmented_control(key="source").set_value("Upload").run()
    assert app.file_uploader(key="upload").proto.label == in_language("zh", "A PNG or JPEG of one digit")
    app.file_uploader(key="upload").upload("notes.png", b"lecture notes, not a picture", "image/png").run()
    reason = in_language("zh", "it is not a picture we can read (PNG or JPEG)")
    told = in_language("zh", "That file could not be read as an image: {reason}.").format(reason=reason)
    assert [e.value for e in app.error] == [told] and reason != "it is not a picture we can read (PNG or JPEG)"
    assert not app.metric  # no answer
