"""Plain words in every view a student sees: Read, Look inside (each view), Race and the Class wall, run with AppTest.

What a student sees without opening "How is this made?" (every element's words, widget labels and options, image
captions and alt text, charts' titles, names and hover text, the players' words) has none of the jargon the class
was never taught; the technical detail may wait behind that closed box. A glossary is one tap away on every page,
in presenter mode too. And the explanations read at a school-year-8 level: a Flesch-Kincaid grade of 9 or less.
"""

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
textstat = pytest.importorskip("textstat")
from google.protobuf.message import Message  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.testing.v1.element_tree import Block  # noqa: E402

from model.samples import load_samples  # noqa: E402
from model.storage import DEFAULT_MODEL_PATH, load_model  # noqa: E402
from model.xray import read_digit  # noqa: E402
from views import words  # noqa: E402
from views.parts import glossary  # noqa: E402
from views.players.reading_spec import answer_spec, reading_spec  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
JARGON = re.compile(r"\b(pca|log-odds|logits?|softmax|variances?|tensors?|activations?|gradients?)\b", re.IGNORECASE)
HOW_IS_THIS_MADE = "How is this made?"
INSIDE_VIEWS = ("Model report", "How early", "Hidden-state map", "Units", "Row importance", "Compare")
MAX_GRADE = 9  # Flesch-Kincaid: a school-year-8 reader

# What a person never reads: styles, blanks, the players (their words are taken from their data, below).
SKIPPED_ELEMENTS = {"html", "empty", "space", "bidi_component"}
SKIPPED_FIELDS = {"id", "form_id", "url", "component_name", "js_content", "css_content", "json", "spec", "format", "icon", "data", "key"}
CHART_WORDS = {"text", "name", "hovertemplate", "title", "ticktext"}  # a plotly spec's keys whose strings are shown
PLAYER_WORDS = {"text", "title", "explain", "words"}  # a player's data's keys whose strings are shown


def proto_words(message: Message):
    """Every string of an element's message, but for its ids, code and data."""
    for field, value in message.ListFields():
        if field.name in SKIPPED_FIELDS:
            continue
        for item in value if field.is_repeated else [value]:
            if isinstance(item, Message):
                yield from proto_words(item)
            elif isinstance(item, str) and item.strip():
                yield item


def data_words(tree, keys: set[str], shown: bool = False):
    """The strings of a JSON tree found under one of `keys` (a chart's titles and names; a player's words)."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from data_words(value, keys, shown or key in keys)
    elif isinstance(tree, list):
        for item in tree:
            yield from data_words(item, keys, shown)
    elif isinstance(tree, str) and shown:
        yield tree


def element_words(node) -> list[str]:
    kind = node.type
    if kind == "plotly_chart":
        chart = node.proto
        return [*data_words(json.loads(chart.spec), CHART_WORDS), chart.alt] if hasattr(chart, "alt") else []
    if kind == "bidi_component":
        return list(data_words(json.loads(node.proto.json or "{}"), PLAYER_WORDS))
    if kind in SKIPPED_ELEMENTS:
        return []
    return list(proto_words(node.proto))


def seen_words(node, hidden: list[str] | None = None) -> list[str]:
    """Every piece of text under `node` a student sees without opening "How is this made?"; what those boxes hold
    goes to `hidden`."""
    seen = []
    for child in node.children.values():
        if not isinstance(child, Block):
            seen.extend(element_words(child))
        elif child.type == "expander" and child.label == HOW_IS_THIS_MADE:
            if hidden is not None:
                hidden.extend(seen_words(child))
        else:
            if child.proto is not None:  # an expander's, popover's, tab's or dialog's own words
                seen.extend(proto_words(child.proto))
            seen.extend(seen_words(child, hidden))
    return seen


def page_words(app: AppTest) -> tuple[str, str]:
    """(what a student sees, what waits behind "How is this made?"), each one piece a line."""
    hidden = []
    seen = seen_words(app._tree, hidden)
    return "\n".join(seen), "\n".join(hidden)


def jargon(text: str) -> list[str]:
    return [line for line in text.splitlines() if JARGON.search(line)]


def popovers(app: AppTest) -> list:
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if child.type == "popover":
                found.append(child)
            walk(child)

    walk(app._tree)
    return found


# --- the pages ------------------------------------------------------------------------------------------------------


@pytest.fixture
def quiet_classroom(tmp_path, monkeypatch):
    """No runs but the shipped model, no MNIST (the pages open on the shipped report and gallery), an empty wall."""
    from views.parts.class_wall import shared_wall

    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path / "runs"))
    (tmp_path / "no-mnist").mkdir()
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "no-mnist"))
    monkeypatch.setenv("ROW_READER_SHARE_GAP_S", "0")
    shared_wall.clear()
    yield
    shared_wall.clear()


def open_app(present: bool = False, sample: int | None = None) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=180)
    if present:
        app.query_params["present"] = "true"
    if sample is not None:
        app.query_params["sample"] = str(sample)
    return app.run()


def first_sample() -> int:
    return next(iter(load_samples()))


def assert_plain(app: AppTest, where: str) -> str:
    assert not app.exception, app.exception
    seen, _ = page_words(app)
    assert seen.strip(), f"{where}: the collector found no words at all"
    assert not jargon(seen), f"{where} shows jargon outside 'How is this made?': {jargon(seen)}"
    return seen


def test_the_read_page_is_in_plain_words_for_every_state_shown(quiet_classroom):
    app = open_app(sample=first_sample())
    seen = assert_plain(app, "Read")
    assert "What am I looking at?" in seen and "hidden state h" in seen  # said where it first appears
    for state in ("c (cell)", "gates"):
        app.segmented_control(key="state").set_value(state).run()
        assert_plain(app, f"Read, {state}")
    for gate in ("Input gate", "Output gate", "Candidate g"):
        app.segmented_control(key="gate").set_value(gate).run()
        assert_plain(app, f"Read, {gate}")


@pytest.mark.parametrize("present", [False, True], ids=["standard", "presenter"])
@pytest.mark.parametrize("view", INSIDE_VIEWS)
def test_every_look_inside_view_is_in_plain_words(quiet_classroom, view, present):
    app = open_app(present, sample=first_sample())
    app.switch_page("views/pages/inside.py").run()
    app.segmented_control(key="view").set_value(view).run()
    assert_plain(app, f"Look inside, {view}")
    how = [e for e in app.expander if e.label == HOW_IS_THIS_MADE]
    assert all(not e.proto.expanded for e in how), "the technical detail is closed by default"


def test_the_detail_behind_how_is_this_made_is_kept_for_the_curious(quiet_classroom):
    app = open_app(sample=first_sample())
    app.switch_page("views/pages/inside.py").run()
    app.segmented_control(key="view").set_value("Row importance").run()
    seen, hidden = page_words(app)
    assert "log-odds" in hidden and "log-odds" not in seen  # the collector tells the two apart
    app.segmented_control(key="view").set_value("Units").run()
    seen, hidden = page_words(app)
    assert "standard deviation" in hidden
    assert "small parts called units" in seen  # unit, said in plain words where it first appears


@pytest.mark.parametrize("present", [False, True], ids=["standard", "presenter"])
def test_every_lesson_step_is_in_plain_words(quiet_classroom, present):
    from views.lesson_steps import STEPS

    app = open_app(present).switch_page("views/pages/lesson.py").run()
    for number in range(1, len(STEPS) + 1):
        assert_plain(app, f"Lesson, step {number}")
        if number < len(STEPS):
            next(b for b in app.button if b.label == "Next").click().run()


def race_to_the_end(app: AppTest) -> AppTest:
    """The first digit of the round raced: every row uncovered, then its true digit guessed."""
    game = app.session_state["race_round"]
    for row in range(1, 29):
        app.session_state["race_inbox"] = [("row", {"round": game.seed, "position": 0, "seq": row, "row": row})]
        app.run()
    label = game.labels[0]
    app.session_state["race_inbox"] = [("guess", {"round": game.seed, "position": 0, "seq": 29, "digit": label, "row": 28})]
    return app.run()


def test_the_race_is_in_plain_words_before_and_after_a_digit(quiet_classroom):
    app = open_app().switch_page("views/pages/race.py").run()
    assert_plain(app, "Race")
    seen = assert_plain(race_to_the_end(app), "Race, a digit's result")
    assert "how sure the network is" in seen  # the result's chart was read too


def test_the_class_wall_is_in_plain_words_with_a_digit_open_and_the_races(quiet_classroom):
    app = open_app(sample=first_sample())
    app.text_input(key="share_nickname").input("Ana")
    app.button(key="FormSubmitter:share-Share with the class").click().run()
    app.switch_page("views/pages/race.py").run()
    race_to_the_end(app)
    app.switch_page("views/pages/wall.py").run()
    assert_plain(app, "Class wall")
    app.button(key="open-1").click().run()
    assert_plain(app, "Class wall, a digit open")
    app.segmented_control(key="wall_view").set_value("Race results").run()
    assert_plain(app, "Class wall, race results")


def test_the_players_words_are_plain():
    weights = load_model(DEFAULT_MODEL_PATH).weights
    image = next(iter(load_samples().values())).image
    reading = read_digit(weights, image)
    specs = [reading_spec(image, reading, state=state) for state in words.STATES]
    specs.append(answer_spec(reading.step_probs[-1]))
    shown = "\n".join(text for spec in specs for text in data_words(spec, PLAYER_WORDS))
    assert "Hidden state h" in shown and not jargon(shown)
    for script in sorted((REPO / "static" / "players").glob("*.js")):  # their own words: strings that begin a sentence
        sentences = re.findall(r"[\"`]([A-Z][^\"`]*)[\"`]", script.read_text())
        assert not jargon("\n".join(sentences)), script.name


# --- the glossary ---------------------------------------------------------------------------------------------------

PAGES = sorted(str(path.relative_to(REPO)) for path in (REPO / "views" / "pages").glob("*.py") if path.stem != "__init__")


@pytest.mark.parametrize("present", [False, True], ids=["standard", "presenter"])
def test_the_glossary_is_one_tap_away_on_every_page(quiet_classroom, present):
    app = open_app(present)
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception, (page, app.exception)
        (found,) = [p for p in popovers(app) if p.proto.popover.label == glossary.LABEL]
        listed = "\n".join(m.value for m in found.markdown)
        missing = [term for term in words.GLOSSARY if f"**{term}**" not in listed]
        assert not missing, f"{page}: the glossary lacks {missing}"


def test_the_glossary_has_every_word_the_views_use():
    wanted = ("LSTM", "Row", "Hidden state h", "Cell state c", "Gate", "Forget gate", "Input gate", "Output gate", "Unit",
              "Layer", "Probability", "Training", "Epoch", "Test digits", "Model")  # fmt: skip
    assert set(wanted) <= set(words.GLOSSARY)
    assert not jargon("\n".join(words.GLOSSARY.values()))


# --- reading level --------------------------------------------------------------------------------------------------


class Filled(dict):
    """A page's placeholders: a name given, any count (units, layers, test digits) a number of the shipped model's size."""

    def __missing__(self, key):
        return 128


def explanations() -> dict[str, str]:
    """Every caption and explanation of views/words.py that a student sees (the detail for the curious, whose keys end
    in "_how", and chart labels left out), with its placeholders filled as a page fills them."""
    found = {"TAGLINE": words.TAGLINE, "INVITE_DRAW": words.INVITE_DRAW}
    found["READING_INTRO"] = words.READING_INTRO.format(units=128)
    found |= {f"CAPTIONS[{k}]": v for k, v in words.CAPTIONS.items()}
    found |= {f"WHAT_AM_I_LOOKING_AT[{k}]": v for k, v in words.WHAT_AM_I_LOOKING_AT.items()}
    found |= {f"GLOSSARY[{k}]": v for k, v in words.GLOSSARY.items()}
    fill = Filled(model="the shipped model")
    found |= {f"INSIDE[{k}]": v.format_map(fill) for k, v in words.INSIDE.items() if not k.endswith("_how")}
    return found


@pytest.mark.parametrize("name", sorted(explanations()))
def test_each_explanation_reads_at_a_school_year_8_level(name):
    text = explanations()[name]
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"{name} reads at grade {grade:.1f}: {text}"
