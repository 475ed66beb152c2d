"""The shared words in 简体中文 and 日本語: the glossary and the About page opened with ?lang=zh or ?lang=ja show their
words in that language; views/words.py's sentence builders, captions and glossary, the digit's name and the figures'
kit read in the language set; and every font stack ends in a generic family, so that Chinese and Japanese characters
are drawn in the device's own fonts and nothing is fetched from another host."""

import re
import string
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import i18n
from i18n import _
from model.config import ROWS
from model.samples import Sample
from views import digit, words
from views.figures import plotting
from views.parts import glossary
from views.parts.access import ENV_VARIABLE

REPO = Path(__file__).resolve().parent.parent
ABOUT_PAGE = "views/pages/about.py"
KEPT_AS_THEY_ARE = {"LSTM", "GRU", "MNIST"}  # names a Chinese or Japanese text writes in Latin letters too
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-sans-serif", "ui-serif",
                    "ui-monospace", "ui-rounded", "math", "emoji", "fangsong", "inherit", "initial", "unset"}  # fmt: skip


@pytest.fixture
def language():
    """i18n.use() for one test, English again after."""
    yield i18n.use
    i18n.use(i18n.DEFAULT)


def translated(language: str, message: str) -> str:
    """`message` as the catalogue has it in `language` (merge.py built the catalogues from the drafts)."""
    i18n.use(language)
    try:
        return _(message)
    finally:
        i18n.use(i18n.DEFAULT)


def placeholders(message: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in string.Formatter().parse(message) if name is not None}


def every_message() -> dict[str, str]:
    """Every message views/words.py keeps, by where it is kept."""
    found = {"TAGLINE": words.TAGLINE, "INVITE_DRAW": words.INVITE_DRAW, "READING_INTRO": words.READING_INTRO}
    found |= {"WHAT_AM_I_LOOKING_AT_LABEL": words.WHAT_AM_I_LOOKING_AT_LABEL, "TRAIN_TAGLINE": words.TRAIN_TAGLINE}
    found |= {f"CAPTIONS[{k}]": v for k, v in words.CAPTIONS.items()}
    for cell, states in words.CELL_STATES.items():
        found |= {f"CELL_STATES[{cell}][{k}][{i}]": v for k, pair in states.items() for i, v in enumerate(pair)}
    found |= {f"CELL_NOTES[{k}]": v for k, v in words.CELL_NOTES.items()}
    for cell, topics in words.CELL_LOOKING_AT.items():
        found |= {f"CELL_LOOKING_AT[{cell}][{k}]": v for k, v in topics.items()}
    found |= {f"WHAT_AM_I_LOOKING_AT term {k}": k for k in words.WHAT_AM_I_LOOKING_AT}
    found |= {f"WHAT_AM_I_LOOKING_AT[{k}]": v for k, v in words.WHAT_AM_I_LOOKING_AT.items()}
    found |= {f"GLOSSARY term {k}": k for k in words.GLOSSARY}
    found |= {f"GLOSSARY[{k}]": v for k, v in words.GLOSSARY.items()}
    found |= {f"PRESETS[{k}]": v for k, v in words.PRESETS.items()}
    found |= {f"INSIDE[{k}]": v for k, v in words.INSIDE.items()}
    return found


# --- the glossary and the About page, in the app ---------------------------------------------------------------------


def open_about(language: str, monkeypatch) -> AppTest:
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    app = AppTest.from_file("../app.py", default_timeout=180)
    app.query_params["lang"] = language
    app.run()
    app.switch_page(ABOUT_PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def the_glossary(app: AppTest, language: str):
    """The "Words" popover, found by its label in `language`."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if child.type == "popover" and child.proto.popover.label == translated(language, glossary.LABEL):
                found.append(child)
            walk(child)

    walk(app._tree)
    (popover,) = found
    return popover


@pytest.mark.parametrize("language_code", ["zh", "ja"])
def test_the_glossary_and_the_about_page_are_in_the_language_asked_for(language_code, monkeypatch):
    app = open_about(language_code, monkeypatch)
    said = " ".join(m.value for m in app.markdown)

    # The glossary: its button, title, and every term and meaning, translated.
    popover = the_glossary(app, language_code)
    assert popover.proto.popover.label != glossary.LABEL
    listed = [m.value for m in popover.markdown]
    assert listed[0] == f"**{translated(language_code, glossary.TITLE)}**"
    for term, meaning in words.GLOSSARY.items():
        entry = translated(language_code, "**{term}**: {meaning}").format(
            term=translated(language_code, term), meaning=translated(language_code, meaning)
        )
        assert entry in listed, (term, entry)
    assert {"zh": "**神经网络**：", "ja": "**ニューラルネットワーク**："}[language_code] in "\n".join(listed)

    # The About page: its title, headings, paragraphs and the sentence about this computer's cores.
    assert app.title[0].value == {"zh": "关于 Row Reader", "ja": "Row Reader について"}[language_code]
    headings = [h.value for h in app.header]
    for heading in ("Join the class", "Serving a class", "What it sends over the network", "The computer a class needs"):
        assert translated(language_code, heading) in headings and heading not in headings
    for english in ("Draw a digit and watch", "Nothing leaves the classroom", "Measured with 30 students", "On this computer"):
        assert english not in said, english
    assert {"zh": "在这台电脑上，训练用", "ja": "このコンピューターでは、学習は"}[language_code] in said
    assert {"zh": "**请自己想一个密码**", "ja": "**自分のパスワードを決めてください**"}[language_code] in said
    assert 'training_password = "choose-one"' in app.code[0].value  # the setting's name and example stay as typed


# --- the sentence builders and the kept words ------------------------------------------------------------------------


@pytest.mark.parametrize("language_code", ["zh", "ja"])
def test_the_sentences_about_the_cores_are_whole_and_translated(language, language_code):
    language(language_code)
    for cores in (1, 2, 4, 16):
        sentence = words.cores_sentence(cores)
        assert not LATIN_WORD.search(sentence), sentence
        assert sentence.endswith("。")
    leaves_one = words.cores_sentence(4)
    assert "3" in leaves_one and "4" in leaves_one
    assert words.cores_sentence(4) != words.cores_sentence(2) != words.cores_sentence(1)


def test_the_sentence_about_the_cores_in_english_is_whole_too(language):
    language("en")
    assert words.cores_sentence(4) == (
        "On this computer, training uses 3 of its 4 cores, at a lower priority, and leaves one to the class."
    )


def guess(blank_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """A digit whose ink starts below `blank_rows` blank rows (none: a blank picture), and the blank rows' answers."""
    image = np.zeros((ROWS, ROWS), np.float32)
    if blank_rows < ROWS:
        image[blank_rows:, 10:14] = 1.0
    probs = np.full((ROWS, 10), 0.05)
    probs[:, 1], probs[5:, 7] = 0.4, 0.6
    return probs, image


@pytest.mark.parametrize("language_code", ["zh", "ja"])
@pytest.mark.parametrize("blank_rows", [1, 9, ROWS])
def test_the_guess_before_any_ink_is_said_in_the_language_set(language, language_code, blank_rows):
    probs, image = guess(blank_rows)
    language(language_code)
    said = words.guess_before_ink(probs, image)
    assert not LATIN_WORD.search(said), said
    assert "**1" in said and ("7**" in said) == (blank_rows > 5)
    assert ("9" in said) == (blank_rows == 9)  # the count of blank rows, where there are some above the digit
    assert i18n.percent(probs[: min(blank_rows, ROWS)].max()) in said


@pytest.mark.parametrize("language_code", ["zh", "ja"])
def test_every_word_kept_in_views_words_is_translated_with_its_placeholders(language_code):
    for where, message in every_message().items():
        words_there = translated(language_code, message)
        if message in KEPT_AS_THEY_ARE:
            continue
        assert words_there != message, f"{where} has no {language_code} translation"
        assert placeholders(words_there) == placeholders(message), where
        assert words_there.count("**") == message.count("**"), where


@pytest.mark.parametrize("language_code", ["zh", "ja"])
def test_every_glossary_term_has_a_translation(language_code):
    for term, meaning in words.GLOSSARY.items():
        assert term in KEPT_AS_THEY_ARE or translated(language_code, term) != term, term
        assert translated(language_code, meaning) != meaning, term


def test_a_test_digits_name_and_the_sources_read_in_the_language_set(language):
    sample = Sample(index=42, label=7, predicted=7, image=np.zeros((ROWS, ROWS), np.float32))
    assert digit.sample_digit(sample).name == "test digit #42 (a 7)"
    language("zh")
    assert digit.sample_digit(sample).name == "测试数字 #42（一个 7）"
    assert [_(source) for source in digit.SOURCES] == ["画", "样例", "上传"]
    assert digit.SOURCES == ("Draw", "Samples", "Upload")  # the widget's values stay as they were
    language("ja")
    assert digit.sample_digit(sample).name == "テスト数字 #42（7）"


# --- the figures' kit and the fonts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language_code", "row", "play", "prefix"), [("zh", "行", "▶ 播放", "已读行数："), ("ja", "行", "▶ 再生", "読んだ行：")]
)
def test_the_figures_kit_writes_its_words_in_the_language_set(language, language_code, row, play, prefix):
    language(language_code)
    _columns, rows = plotting.digit_axes()
    assert rows["title"]["text"] == row
    play_settings, still = plotting.animation_settings(100, redraw=False, from_current=True)
    assert plotting.play_pause(play_settings, still)[0]["label"] == play
    current = plotting.rows_slider(0, still, 14, x=0.1, y=0.0)["currentvalue"]
    assert current["prefix"] == prefix and current["suffix"] == f" / {ROWS}"


def font_stacks() -> dict[str, str]:
    """Every font-family a page of ours states, in CSS (the players', and CSS kept in Python) and in plotly specs."""
    found = {}
    sources = [*(REPO / "static").rglob("*.css"), *(REPO / "static").rglob("*.js"), *(REPO / "views").rglob("*.py"), REPO / "app.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for number, match in enumerate(re.finditer(r"font-family\s*:\s*([^;}\n]+)", text)):
            found[f"{path.relative_to(REPO)} #{number}"] = match.group(1)
        for number, match in enumerate(re.finditer(r"""["']family["']\s*:\s*([A-Z_]+|"[^"\n]*"|'[^'\n]*')""", text)):
            found[f"{path.relative_to(REPO)} family #{number}"] = match.group(1)
    found["plotting.FONT_FAMILY"] = plotting.FONT_FAMILY
    found["legible_and_still"] = plotting.legible_and_still({}, 14)["font"]["family"]
    return found


def test_every_font_stack_ends_in_a_generic_family_of_the_devices_fonts():
    stacks = font_stacks()
    assert "legible_and_still" in stacks
    for where, stack in stacks.items():
        if re.fullmatch(r"[A-Z_]+", stack):  # a constant's name: checked where it is defined
            continue
        last = re.sub(r"!important", "", stack).strip().strip("'\"").split(",")[-1].strip().strip("'\"").lower()
        assert last in GENERIC_FAMILIES, f"{where}: {stack!r} ends in {last!r}"


def test_no_style_asks_another_host_for_anything():
    """A font or style fetched from another host would not load in a classroom without internet, nor be private."""
    for path in [*(REPO / "static").rglob("*.css"), *(REPO / "views").rglob("*.py"), REPO / "app.py"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"@import|@font-face|url\(\s*['\"]?(https?:)?//", text), path
