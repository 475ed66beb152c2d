"""Race the network in a real browser: a whole round of ten by keyboard on a desktop, and one by touch on a phone,
each to its score; the page at phone size passes axe-core; the browser is sent no row ahead of the one shown and no true
digit before the right guess; a round lost to a server restart is said in words; screenshots of a race on a phone and on a projector in
presenter mode go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored) for people to look at.

The digit is uncovered at a steady pace; to keep the tests quick they do not wait for rows but guess the digits in
order, 0 to 9, until the right one ends the digit (each wrong one is marked and costs its rows, as a student's would).
"""

import os
import re
from pathlib import Path

import pytest

from harness.accessibility import axe_violations
from harness.browser import CHROMIUM, PAGE_TIMEOUT_MS, chromium, wait_until_settled
from harness.layout import SCREENS
from harness.race import RACE, race_one_digit, wait_for_race
from harness.server import free_port, streamlit_server

pytest.importorskip("playwright")
pytest.importorskip("axe_playwright_python")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
ROUND_LENGTH = 10


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    SHOTS.mkdir(parents=True, exist_ok=True)
    no_mnist = tmp_path_factory.mktemp("no-mnist")  # as on a classroom laptop: the shipped model's report is enough
    with streamlit_server(env={"MNIST_DIR": str(no_mnist)}) as (url, _, _), chromium() as browser:
        yield browser, url


def open_race(browser, url: str, screen: str, query: str = ""):
    context = browser.new_context(**SCREENS[screen]) if screen in SCREENS else browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{url}/race{query}")
    wait_for_race(page, "seen.phase === 'ready'")
    wait_until_settled(page)
    return page


def next_digit(page, *, touch: bool, last: bool) -> None:
    name = "See your score" if last else "Next digit"
    before = page.evaluate(RACE)["key"]
    button = page.get_by_role("button", name=name, exact=True)
    if touch:
        button.tap()
    else:
        button.focus()  # it has the focus once shown; made sure of here, as Tab would
        page.keyboard.press("Enter")
    if not last:
        wait_for_race(page, "seen.phase === 'ready' && seen.key !== arg", before)
        wait_until_settled(page)


def play_round(page, *, touch: bool) -> None:
    from playwright.sync_api import expect

    for position in range(ROUND_LENGTH):
        race_one_digit(page, touch=touch)
        next_digit(page, touch=touch, last=position == ROUND_LENGTH - 1)
    expect(page.get_by_role("heading", name="Your score")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"You won \d+, drew \d+ and lost \d+\."))).to_be_visible()
    wait_until_settled(page)


def test_a_round_by_keyboard_on_a_desktop(app):
    browser, url = app
    page = open_race(browser, url, "desktop-1440")
    play_round(page, touch=False)
    page.screenshot(path=SHOTS / "race-desktop-score.png", full_page=True)
    page.context.close()


def test_a_round_by_touch_on_a_phone_and_axe_finds_nothing_serious(app):
    browser, url = app
    page = open_race(browser, url, "phone")
    assert axe_violations(page) == [], "before the race"
    buttons = [page.locator(f".race-key[data-digit='{d}']").bounding_box() for d in range(10)]
    assert all(box["width"] >= 44 and box["height"] >= 44 for box in buttons), buttons  # fingertips
    assert max(box["x"] + box["width"] for box in buttons) <= 390, "the ten buttons fit the phone's width"
    race_one_digit(page, touch=True, shot=SHOTS / "race-phone")
    assert axe_violations(page) == [], "with a result and its curve"
    next_digit(page, touch=True, last=False)
    for position in range(1, ROUND_LENGTH):
        race_one_digit(page, touch=True)
        next_digit(page, touch=True, last=position == ROUND_LENGTH - 1)
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Your score")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)
    assert axe_violations(page) == [], "with the score"
    page.screenshot(path=SHOTS / "race-phone-score.png", full_page=True)
    page.context.close()


def test_a_race_on_a_projector_in_presenter_mode(app):
    browser, url = app
    page = open_race(browser, url, "projector", "?present=true")
    race_one_digit(page, touch=False, shot=SHOTS / "race-projector")
    page.context.close()


def test_a_race_on_a_portrait_tablet_by_touch(app):
    browser, url = app
    page = open_race(browser, url, "tablet")
    race_one_digit(page, touch=True, shot=SHOTS / "race-tablet")
    page.context.close()


# The rows of the digit's canvas that hold any ink: what a student would see with the cover taken away.
INKED_ROWS = """() => {
  const canvas = document.querySelector('.race-pixels');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const rows = [];
  for (let row = 0; row < canvas.height; row++) {
    for (let x = 0; x < canvas.width; x++) if (pixels[4 * (row * canvas.width + x)] < 255) { rows.push(row + 1); break; }
  }
  return rows;
}"""
LABEL_SENT = re.compile(rb'"label": ?[0-9]')  # the player's data, as JSON inside the server's messages


def test_the_browser_is_sent_no_row_ahead_and_no_digit_before_the_right_guess(app):
    browser, url = app
    frames = []
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda frame: frames.append(frame if isinstance(frame, bytes) else frame.encode())),
    )
    page.goto(f"{url}/race")
    wait_for_race(page, "seen.phase === 'ready'")
    page.keyboard.press("Enter")
    seen = wait_for_race(page, "seen.phase === 'racing' && seen.row >= 6")
    page.evaluate("document.querySelector('.race-cover').style.display = 'none'")  # the cheat the issue tried
    inked = page.evaluate(INKED_ROWS)
    shown = page.evaluate(RACE)["row"]
    assert max(inked, default=0) <= shown, f"ink on rows {inked} with {shown} uncovered (and {seen['row']} before)"
    assert not any(LABEL_SENT.search(frame) for frame in frames), "the true digit reached the browser before a guess"
    race_one_digit(page, touch=False)
    assert any(LABEL_SENT.search(frame) for frame in frames), "the digit is the browser's once guessed"
    context.close()


def test_a_round_lost_to_a_server_restart_is_said_in_words(app, tmp_path):
    from playwright.sync_api import expect

    browser, _ = app
    port, no_mnist = free_port(), tmp_path / "no-mnist"
    no_mnist.mkdir()
    page = None
    with streamlit_server(port=port, env={"MNIST_DIR": str(no_mnist)}) as (url, _, _):
        page = open_race(browser, url, "desktop-1440")
        page.keyboard.press("Enter")
        before = wait_for_race(page, "seen.phase === 'racing' && seen.row >= 2")
    with streamlit_server(port=port, env={"MNIST_DIR": str(no_mnist)}):  # the same address: the tab reconnects to it
        expect(page.get_by_text(re.compile("That round was lost when the server restarted"))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        now = wait_for_race(page, "seen.phase === 'ready' && seen.key !== arg", before["key"])
        assert now["row"] == 0, "a new round, from its first digit"
        page.context.close()
