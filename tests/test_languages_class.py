"""The class's pages in 简体中文 and 日本語: the race player's words (all of them from the server, none in race.js), the
race's and the wall's charts and sentences, a refused nickname, the wall and race pages, and the join address that
opens the class in the teacher's language. The catalogues are i18n/locales' (README "Languages")."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import i18n
from classroom import race
from classroom.nicknames import NicknameError, clean_nickname
from classroom.wall import ClassWall, ShareRefused
from model.config import ROWS
from model.samples import load_samples
from tests.class_digits import picture, reading
from views.figures import race as race_figures
from views.figures import wall as wall_figures
from views.players import race as race_player

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.app_pages import texts  # noqa: E402
from views.parts import join  # noqa: E402
from views.parts.class_wall import shared_wall  # noqa: E402

RACE_JS = Path(__file__).parents[1] / "static" / "players" / "race.js"
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # kana and Han: words in Chinese or Japanese
TRANSLATED = ["zh", "ja"]
NO_RACES = "No races yet. Each digit raced on the Race page comes here: the class's rows against the network's."


@pytest.fixture
def wall():
    shared_wall.clear()
    yield shared_wall()
    shared_wall.clear()


def in_words(text: str) -> bool:
    return bool(CJK.search(text))


def curves() -> np.ndarray:
    probs = np.full((ROWS, 10), 0.02, np.float32)
    probs[:, 7] = np.linspace(0.1, 0.95, ROWS)
    probs[:12, 1] = 0.6
    return probs


# --- the race player: every word from the server --------------------------------------------------------------------


def words_race_js_uses() -> set[str]:
    """The names race.js asks the server's words for: words(data, "name"), either name of a choice, and penaltyWords."""
    code = RACE_JS.read_text(encoding="utf-8")
    names = set()
    for call in re.findall(r"words\(data, ([^{)]*?)(?:,\s*\{|\))", code):
        names.update(re.findall(r'"(\w+)"', call))
    names.update(re.findall(r'penaltyWords = .*?"(\w+)" : "(\w+)"', code)[0])
    return names


def test_race_js_writes_no_word_of_its_own():
    """Every text, aria label and announcement in race.js comes from data.words: a string of two English words or more
    outside a comment is a word written in the player (they all were before, in English only)."""
    code = re.sub(r"^\s*//.*$|\s//.*$", "", RACE_JS.read_text(encoding="utf-8"), flags=re.MULTILINE)
    literals = re.findall(r'"([^"\n]*)"|`([^`]*)`', code)
    not_words = {"Enter Space", "button, a, [role=button], [role=switch], [role=checkbox], [role=tab], summary"}
    wordy = [text for pair in literals for text in pair if re.search(r"[A-Za-z]+[ ,:;!?]+[A-Za-z]+", text) and text not in not_words]
    assert wordy == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_race_players_spec_carries_every_word_race_js_uses_translated(language):
    i18n.use("en")
    english = race_player.player_words()
    i18n.use(language)
    digit = race.DigitRace(7)
    spec = race_player.race_spec(
        np.zeros((ROWS, ROWS), np.float32), digit, round_id=1, position=0, count=10, row_ms=450, penalty=2, presenter=False, done=False
    )
    used = words_race_js_uses()
    assert used == set(spec["words"]), "race.js and player_words name the same words"
    assert spec["language"] == language
    for name, text in spec["words"].items():
        assert in_words(text) and text != english[name], (name, text)
        english_placeholders = set(re.findall(r"\{(\w+)\}", english[name]))
        assert set(re.findall(r"\{(\w+)\}", text)) <= english_placeholders | {"count"}, (name, text)


# --- the race's chart and sentences ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_race_chart_and_its_words_are_translated(language):
    i18n.use(language)
    spec = race_figures.race_figure(curves(), 7, student_row=14, network_row=17).to_dict()
    layout = spec["layout"]
    lines = [trace for trace in spec["data"] if trace.get("mode") == "lines"]
    shown = [
        layout["xaxis"]["title"]["text"],
        layout["yaxis"]["title"]["text"],
        *(note["text"] for note in layout["annotations"]),
        *(trace["name"] for trace in lines),
        *(trace["hovertemplate"] for trace in lines),
    ]
    assert all(in_words(text) for text in shown), shown
    assert "14" in layout["annotations"][0]["text"] and "%{x}" in lines[0]["hovertemplate"] and "%{y:.0%}" in lines[0]["hovertemplate"]
    assert in_words(race_figures.race_figure_alt(curves(), 7, 14, 17))
    for said in (race_figures.race_figure_alt(curves(), 7, 14, 17), race_figures.network_row_sentence(curves(), 17, 7)):
        assert in_words(said) and "。 " not in said, said


@pytest.mark.parametrize("language", TRANSLATED)
def test_race_results_are_said_in_the_language(language):
    i18n.use(language)
    won = race.score_digit(7, [(1, 12), (7, 12)], network_row=17, network_answer=7)
    misread = race.score_digit(4, [(4, 20)], network_row=9, network_answer=9)
    score = race.round_score([won, misread])
    for sentence in (race.result_sentence(won), race.result_sentence(misread), race.score_sentence(score), i18n._(race.LESSON)):
        assert in_words(sentence) and "You" not in sentence, sentence
        assert "。 " not in sentence, "one sentence after another, with no space between, as Chinese and Japanese write them"
    assert "14" in race.result_sentence(won) and "12" in race.result_sentence(won)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_walls_race_chart_is_translated(language):
    i18n.use(language)
    table = {3: (2, 12.0, 15.0), 7: (1, 9.0, 11.0)}
    spec = wall_figures.race_spec(table).to_dict()
    shown = [spec["layout"]["xaxis"]["title"]["text"], spec["layout"]["yaxis"]["title"]["text"]]
    shown += [trace["name"] for trace in spec["data"]] + [trace["hovertemplate"] for trace in spec["data"]]
    assert all(in_words(text) for text in shown), shown
    summary = wall_figures.race_summary(table)
    assert in_words(summary) and "11.0" in summary


# --- sharing: a refusal says why, in the sharer's language ----------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("nickname", ["Teacher", "\u3164", "Теасher", "x" * 21])
def test_a_refused_nickname_says_why_in_the_language(language, nickname):
    i18n.use(language)
    with pytest.raises(NicknameError) as refused:
        clean_nickname(nickname)
    assert in_words(str(refused.value)), str(refused.value)


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_refused_share_says_why_in_the_language(language):
    i18n.use(language)
    wall = ClassWall(clock=lambda: 100.0)
    wall.share(picture(0), reading(1, 0.9), sharer="a")
    with pytest.raises(ShareRefused) as refused:
        wall.share(picture(1), reading(2, 0.9), sharer="a")
    assert in_words(str(refused.value)) and "5" in str(refused.value)


def test_the_share_form_refuses_a_nickname_in_the_sessions_language(wall):
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params["lang"] = "zh"
    app.query_params["sample"] = str(next(iter(load_samples().values())).index)
    app.run()
    app.text_input(key="share_nickname").input("Teacher")
    next(b for b in app.button if b.key.startswith("FormSubmitter:share-")).click().run()
    assert [e.value for e in app.error] == ["这个昵称是留给老师的。请换一个。"]
    assert wall.digits() == []
    i18n.use("zh")
    assert app.text_input(key="share_nickname").label == i18n._("Nickname (optional)") != "Nickname (optional)"


# --- the pages ------------------------------------------------------------------------------------------------------


def open_page(page: str, language: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params["lang"] = language
    app.run()
    return app.switch_page(page).run()


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_wall_page_is_in_the_language(wall, language):
    wall.share(picture(0), reading(4, 0.95), drawn_as=9, nickname="Ana")
    app = open_page("views/pages/wall.py", language)
    assert not app.exception
    i18n.use(language)
    assert app.title[0].value == i18n._("Class wall") and in_words(app.title[0].value)
    assert app.header[0].value == i18n.ngettext(
        "{count} digit, {doubtful} misread or unsure", "{count} digits, {doubtful} misread or unsure", 1
    ).format(count=1, doubtful=1)
    shown = texts(app)
    assert i18n._("Misread: meant {digit}").format(digit=9) in shown and "Misread" not in shown
    assert app.button(key="open-1").label == i18n._("Open #{number}").format(number=1)
    view = app.segmented_control(key="wall_view")
    assert view.value == "Digits" and [view.format_func(o) for o in view.options] == [i18n._("Digits"), i18n._("Race results")]
    view.set_value("Race results").run()
    assert app.session_state["wall_view"] == "Race results" and [i.value for i in app.info] == [i18n._(NO_RACES)]


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_race_page_is_in_the_language(wall, language):
    app = open_page("views/pages/race.py", language)
    assert not app.exception
    i18n.use(language)
    assert app.title[0].value == i18n._("Race the network") and in_words(app.title[0].value)
    assert app.button(key="race-new-round").label == i18n._("New round")
    players = [e for e in app.get("bidi_component") if e.proto.component_name.endswith("race_player")]
    words = json.loads(players[0].proto.json)["words"]
    assert words["start"] == i18n._("Start") != "Start" and words == race_player.player_words()
    pace = i18n._("Digits from the MNIST test set, read by the shipped model. A row every {seconds} s, out of {rows}.")
    assert pace.format(seconds="0.45", rows=ROWS) in [c.value for c in app.caption]


# --- the join card: the class opens in the teacher's language -------------------------------------------------------


def test_the_join_address_carries_the_language_where_it_is_not_english():
    assert join.in_language("http://192.0.2.7:8501/", "zh") == "http://192.0.2.7:8501/?lang=zh"
    assert join.in_language("http://192.0.2.7:8501/rr/", "ja") == "http://192.0.2.7:8501/rr/?lang=ja"
    assert join.in_language("http://192.0.2.7:8501/", "en") == "http://192.0.2.7:8501/"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_join_card_shows_the_address_in_the_teachers_language(monkeypatch, language):
    monkeypatch.setattr(join, "lan_address", lambda: "192.0.2.7")
    join.this_servers_address.clear()
    try:
        app = open_page("views/pages/about.py", language)
    finally:
        join.this_servers_address.clear()
    cards = [e.proto.body for e in app.get("html") if "rr-join-address" in e.proto.body and "<p" in e.proto.body]
    wanted = "http://192.0.2.7:8501/" + ("?lang=ja" if language == "ja" else "")
    assert [re.sub(r"<[^>]+>", "", card).replace("&amp;", "&") for card in cards] == [wanted]
    if language == "ja":
        assert any("スマートフォン" in m.value for m in app.markdown)
