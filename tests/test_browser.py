"""The app in a real browser: draw a 1 and a 7 with the mouse, watch the reading, clear.

Screenshots go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
from pathlib import Path

import pytest

from tests.browser import CANVAS, CHROMIUM, METRIC_VALUE, chromium, draw_digit, rows_read, streamlit_server

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))


@pytest.fixture(scope="module")
def page():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as (url, _, _), chromium() as browser:
        tab = browser.new_page(viewport={"width": 1440, "height": 1800})
        tab.goto(url)
        tab.locator(CANVAS).wait_for(timeout=90_000)
        yield tab


def expect_prediction(page, digit: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(METRIC_VALUE)).to_have_text(digit, timeout=60_000)


def clear(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Clear the canvas").click()
    expect(page.locator(METRIC_VALUE)).to_have_count(0, timeout=30_000)
    expect(page.get_by_text("Draw one digit")).to_be_visible()


def test_drawing_a_one_predicts_one(page):
    assert page.locator(METRIC_VALUE).count() == 0  # nothing drawn, nothing guessed
    draw_digit(page, "1")
    expect_prediction(page, "1")
    page.screenshot(path=SHOTS / "drawn-one.png")


def test_drawing_a_seven_predicts_seven_and_the_reading_plays(page):
    clear(page)
    draw_digit(page, "7")
    expect_prediction(page, "7")
    page.wait_for_selector(".slider-container")
    assert rows_read(page) == 28  # the whole reading is shown first
    page.get_by_text("▶ Play").click()  # from the end, Play starts again at row 1
    page.wait_for_function("() => /Rows read: ([1-9]|1[0-9]) of/.test(document.querySelector('.slider-container').textContent)")
    first = rows_read(page)
    page.wait_for_timeout(1500)
    later = rows_read(page)
    assert later > first
    page.get_by_text("❚❚ Pause").click()
    page.wait_for_timeout(500)
    paused = rows_read(page)
    page.wait_for_timeout(1000)
    assert rows_read(page) == paused
    page.screenshot(path=SHOTS / "drawn-seven-mid-reading.png")
    page.get_by_text("Row ▶").click()
    page.wait_for_timeout(300)
    assert rows_read(page) == paused + 1
    page.get_by_text("◀ Row").click()
    page.get_by_text("◀ Row").click()
    page.wait_for_timeout(300)
    assert rows_read(page) == paused - 1


def test_clearing_removes_the_prediction(page):
    clear(page)
    page.screenshot(path=SHOTS / "cleared.png")


def test_screenshots_are_kept_for_people_to_look_at():
    for name in ("drawn-one.png", "drawn-seven-mid-reading.png", "cleared.png"):
        assert (SHOTS / name).stat().st_size > 10_000
