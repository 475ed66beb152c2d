"""The reading player with each cell reading, in Chromium: an LSTM (the shipped one), a GRU and a plain RNN (small
random readers, as finished runs the server's default names in turn), on a phone by touch and on a projector in
presenter mode. Each plays to row 28 and shows its reader's own states (a GRU's gates, a plain RNN's note that it has
none), with nothing wider than the screen, no text over other text, and nothing axe-core finds serious.

Screenshots go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored), cells-<cell>-<screen>.png.
"""

import os
from pathlib import Path

import pytest

from harness import layout
from harness.accessibility import axe_violations
from harness.browser import CHROMIUM, PAGE_TIMEOUT_MS, chromium, wait_for_reading, wait_until_settled
from harness.server import streamlit_server
from model.samples import load_samples
from tests.training_runs import finished_run

pytest.importorskip("playwright")
pytest.importorskip("axe_playwright_python")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
ROWS = 28
PLAYER = ".rr[data-row]"
SAMPLE = next(s for s in load_samples().values() if s.label == 7 and not s.misread)
READERS = {"lstm": "shipped", "gru": "20260101-120000-gru", "rnn": "20260101-120000-rnn"}
STATE_BUTTONS = {  # the picker's choices each reader offers, and those it must not
    "lstm": (["h (hidden)", "c (cell)", "gates"], []),
    "gru": (["h (hidden)", "gates"], ["c (cell)"]),
    "rnn": ([], ["h (hidden)", "c (cell)", "gates"]),
}
GATES = {
    "lstm": ["Input gate", "Forget gate", "Output gate", "Candidate g"],
    "gru": ["Update gate z", "Reset gate r", "Candidate: a new h"],
}
NOTES = {"gru": "A GRU has no memory cell c", "rnn": "A plain RNN has no gates and no separate memory"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One server whose runs folder holds a random GRU (two layers) and plain RNN (one); the default names the reader."""
    import keras

    from model.config import ModelConfig
    from model.network import build_model
    from model.storage import save_model
    from tests.random_models import randomised
    from training.registry import ModelRegistry

    runs = tmp_path_factory.mktemp("runs")
    for seed, (cell, layers) in enumerate((("gru", 2), ("rnn", 1))):
        keras.utils.set_random_seed(seed)
        path = runs / f"{cell}.keras"
        save_model(randomised(build_model(ModelConfig(projection_units=None, layers=layers, units=32, cell=cell)), seed), path)
        finished_run(runs, READERS[cell], path.read_bytes(), accuracy=0.1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(env={"ROW_READER_RUNS": str(runs)}) as (url, _, _), chromium() as browser:
        yield browser, url, ModelRegistry(runs)


def open_reading(browser, url: str, screen: str):
    """The Read page on `screen` with a test 7 read, once the player is there; on the projector in presenter mode."""
    tab = browser.new_context(**layout.SCREENS[screen]).new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    uncaught = []
    tab.on("pageerror", lambda error: uncaught.append(error))
    tab.goto(f"{url}/?sample={SAMPLE.index}" + ("&present=true" if screen == "projector" else ""))
    tab.locator(PLAYER).wait_for()
    wait_until_settled(tab)
    return tab, uncaught


def play_to_the_end(tab) -> None:
    """Fast, from row 1 (Play from the last row starts again at the first) to row 28, where it stops by itself."""
    tab.locator(PLAYER).get_by_role("radio", name="Fast").check()
    wait_for_reading(tab, "!seen.moving")  # a new digit may play once by itself first
    tab.locator(PLAYER).get_by_role("button", name="Play").click()
    wait_for_reading(tab, "seen.moving || seen.row < arg", ROWS)
    wait_for_reading(tab, "!seen.moving && seen.row === arg", ROWS)


def what_is_wrong(tab, screen: str) -> list[str]:
    wrong = layout.horizontal_overflow(tab)
    wrong += layout.overlapping_text(tab, PLAYER)
    wrong += axe_violations(tab)
    return [f"{screen}: {line}" for line in wrong]


@pytest.mark.parametrize("cell", list(READERS))
def test_the_player_shows_each_readers_own_states_on_a_phone(app, cell):
    from playwright.sync_api import expect

    browser, url, registry = app
    registry.set_default(READERS[cell])
    tab, uncaught = open_reading(browser, url, "phone")
    offered, absent = STATE_BUTTONS[cell]
    for name in offered:
        expect(tab.get_by_role("radio", name=name, exact=True)).to_have_count(1)
    for name in absent:
        expect(tab.get_by_role("radio", name=name, exact=True)).to_have_count(0)
    map_title = tab.locator(f"{PLAYER} .rr-state .rr-title")
    expect(map_title).to_contain_text("Hidden state h")
    if cell in GATES:
        tab.get_by_role("radio", name="gates", exact=True).click()
        for name in GATES[cell]:
            expect(tab.get_by_role("radio", name=name, exact=True)).to_have_count(1)
        expect(map_title).to_contain_text(GATES[cell][1] if cell == "lstm" else GATES[cell][0])  # the gate that keeps memory
        wait_until_settled(tab)
        tab.get_by_role("radio", name="gates", exact=True).scroll_into_view_if_needed()
        tab.screenshot(path=SHOTS / f"cells-{cell}-phone-picker.png")
    if cell in NOTES:
        expect(tab.locator(f"{PLAYER} .rr-note")).to_contain_text(NOTES[cell])
    else:
        expect(tab.locator(f"{PLAYER} .rr-note")).to_have_count(0)
    play_to_the_end(tab)
    tab.locator(f"{PLAYER} .rr-state").scroll_into_view_if_needed()
    tab.screenshot(path=SHOTS / f"cells-{cell}-phone.png")
    assert what_is_wrong(tab, "phone") == []
    assert uncaught == []
    tab.context.close()


@pytest.mark.parametrize("cell", list(READERS))
def test_the_player_shows_each_readers_own_states_on_a_projector(app, cell):
    from playwright.sync_api import expect

    browser, url, registry = app
    registry.set_default(READERS[cell])
    tab, uncaught = open_reading(browser, url, "projector")
    expect(tab.locator(f"{PLAYER} .rr-state .rr-title")).to_contain_text("Hidden state h")
    expect(tab.locator(f"{PLAYER} .rr-note")).to_have_count(1 if cell in NOTES else 0)
    play_to_the_end(tab)
    tab.screenshot(path=SHOTS / f"cells-{cell}-projector.png")
    assert layout.outside_viewport(tab, PLAYER) == []  # the whole reading with its controls on one screen
    assert what_is_wrong(tab, "projector") == []
    assert uncaught == []
    tab.context.close()
