"""The app in a real browser: draw a 1 and a 7 with the mouse, watch the reading, clear.

One server for the module, a fresh tab for every test, and each test draws what it needs.
Screenshots, for people to look at, go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
import re
from pathlib import Path

import pytest

from harness.browser import (
    CHROMIUM,
    METRIC_VALUE,
    PAGE_TIMEOUT_MS,
    chromium,
    clear_canvas,
    draw_digit,
    open_app,
    reading_shown,
    wait_for_reading,
)
from harness.server import streamlit_server

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
ROWS = 28
STILL_AT = "!seen.moving && seen.row === arg"  # the reading has stopped on row `arg`


@pytest.fixture(scope="module")
def app():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as (url, _, _), chromium() as browser:
        yield browser, url


@pytest.fixture
def page(app):
    browser, url = app
    # Reduced motion: a reading rests where it is put, for these tests to play and step it themselves (playing by
    # itself is the lesson's, tests/test_browser_lesson.py).
    tab = open_app(browser, url, viewport={"width": 1440, "height": 1800}, reduced_motion="reduce")
    yield tab
    tab.close()


def expect_prediction(page, digit: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(METRIC_VALUE)).to_have_text(digit, timeout=PAGE_TIMEOUT_MS)


def test_drawing_a_one_predicts_one(page):
    from playwright.sync_api import expect

    assert page.locator(METRIC_VALUE).count() == 0  # nothing drawn, nothing guessed
    draw_digit(page, "1")
    expect_prediction(page, "1")
    page.screenshot(path=SHOTS / "drawn-one.png")
    # Where the browser asks for reduced motion the reading does not play by itself: its answer is said instead.
    expect(page.locator(".rr [aria-live]")).to_have_text(re.compile(r"^After row 28 of 28: most likely 1, \d+%\.$"))
    assert reading_shown(page) == {"row": ROWS, "moving": False}


def test_drawing_a_seven_predicts_seven_and_the_reading_plays(page):
    draw_digit(page, "7")
    expect_prediction(page, "7")
    wait_for_reading(page, STILL_AT, ROWS)  # the whole reading is shown first
    page.get_by_role("button", name="Play").click()  # from the end, Play starts again at row 1
    first = wait_for_reading(page, "seen.row < 20")["row"]
    wait_for_reading(page, "seen.row > arg", first)  # it plays on
    page.get_by_role("button", name="Pause").click()
    paused = wait_for_reading(page, "!seen.moving")["row"]
    page.screenshot(path=SHOTS / "drawn-seven-mid-reading.png")
    # One row on, then two back. At the ends a step stays on the last or the first row (a slow machine may have
    # played to the end before Pause).
    one_on = min(paused + 1, ROWS)
    page.get_by_role("button", name="Row on").click()
    wait_for_reading(page, STILL_AT, one_on)
    page.get_by_role("button", name="Row back").click()
    wait_for_reading(page, STILL_AT, max(one_on - 1, 1))
    page.get_by_role("button", name="Row back").click()
    wait_for_reading(page, STILL_AT, max(one_on - 2, 1))


def test_clearing_removes_the_prediction(page):
    draw_digit(page, "1")
    expect_prediction(page, "1")
    clear_canvas(page)  # waits until the Prediction is gone, the invitation back and the canvas a new empty one
    page.screenshot(path=SHOTS / "cleared.png")
