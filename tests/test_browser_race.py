"""Race the network in a real browser: a whole round of ten by keyboard on a desktop, and one by touch on a phone,
each to its score; the page at phone size passes axe-core; screenshots of a race on a phone and on a projector in
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
from harness.server import streamlit_server

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
