"""The Read page on every screen a classroom has: a phone and a tablet by touch, a projector in presenter mode, desktops.

At each size a student draws a 7 and sees the Prediction; then the page is measured as a
person would see it (nothing wider than the screen, the canvas on the screen, no text over
other text, no text too small), the reading is played and stepped from the keyboard alone,
and the row shown is kept when another state, layer or speed is chosen. Screenshots go to
BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored), for people to look at.
"""

import os
from pathlib import Path

import pytest

from harness import layout
from harness.browser import (
    CANVAS,
    CHROMIUM,
    METRIC_VALUE,
    PAGE_TIMEOUT_MS,
    chromium,
    draw_digit,
    swipe_up,
    wait_for_reading,
    wait_until_settled,
)
from harness.server import streamlit_server

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
ROWS = 28
STILL_AT = "!seen.moving && seen.row === arg"
PRESENTER_SCREEN = "projector"  # opened in presenter mode, where meaningful text is 16 px or more; elsewhere 12 px
SMALLEST_TEXT = {"presenter": 16, "standard": 12}
ANSWER_AND_READING = "[data-testid=stMetric], .rr"


@pytest.fixture(scope="module")
def app():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as (url, _, _), chromium() as browser:
        yield browser, url


@pytest.fixture(params=list(layout.SCREENS))
def screen(request, app):
    """A fresh tab at one screen size, on the Read page (in presenter mode on the projector), with a 7 drawn."""
    browser, url = app
    settings, presenter = layout.SCREENS[request.param], request.param == PRESENTER_SCREEN
    smallest = SMALLEST_TEXT["presenter" if presenter else "standard"]
    context = browser.new_context(**settings, reduced_motion="reduce")  # a reading rests where it is put: these tests move it
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    uncaught = []
    page.on("pageerror", lambda error: uncaught.append(error))
    page.goto(url + ("/?present=true" if presenter else "/"))
    page.locator(CANVAS).wait_for()
    wait_until_settled(page)
    page.locator(CANVAS).scroll_into_view_if_needed()
    draw_digit(page, "7", touch=settings.get("has_touch", False))
    yield request.param, page, presenter, smallest
    assert uncaught == []  # no script error in the page, whatever was pressed
    context.close()


def test_a_drawing_is_read_and_shown_whole_at_every_size(screen):
    from playwright.sync_api import expect

    name, page, presenter, smallest = screen
    expect(page.locator(METRIC_VALUE)).to_have_text("7", timeout=PAGE_TIMEOUT_MS)
    wait_for_reading(page, STILL_AT, ROWS)  # a new digit opens on its whole reading
    wait_until_settled(page)
    page.screenshot(path=SHOTS / f"size-{name}-answer.png")
    page.locator(".rr-more").scroll_into_view_if_needed()  # the player's end: its controls in their own place
    page.screenshot(path=SHOTS / f"size-{name}-reading.png")

    assert layout.horizontal_overflow(page) == []
    assert layout.outside_viewport(page, CANVAS) == []
    if presenter:  # the whole reading with its controls on one screen
        assert layout.outside_viewport(page, ".rr[data-row]") == []
    assert layout.overlapping_text(page, ANSWER_AND_READING) == []
    assert layout.small_text(page, "[data-testid=stMain]", smallest) == []


def test_the_reading_plays_and_steps_from_the_keyboard(screen):
    name, page, presenter, _ = screen
    wait_for_reading(page, STILL_AT, ROWS)
    page.locator(".rr").first.wait_for()
    before_player = page.get_by_role("button", name="Row back")
    before_player.focus()  # where Tab lands after the controls above the player; pressing Tab from there:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip().endswith("Play")
    page.keyboard.press("Enter")  # from the last row, Play starts again at row 1
    first = wait_for_reading(page, "seen.moving && seen.row < arg", ROWS)["row"]
    wait_for_reading(page, "seen.row > arg", first)  # it plays on
    page.keyboard.press("Space")  # the focused button, now Pause
    paused = wait_for_reading(page, "!seen.moving")["row"]
    page.screenshot(path=SHOTS / f"size-{name}-paused.png")
    page.keyboard.press("Home")
    wait_for_reading(page, STILL_AT, 1)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_for_reading(page, STILL_AT, 3)
    page.locator(".rr-more").scroll_into_view_if_needed()  # early rows: ten bars of about 10% each, side by side
    assert layout.overlapping_text(page, ANSWER_AND_READING) == []
    page.keyboard.press("ArrowLeft")
    wait_for_reading(page, STILL_AT, 2)
    page.keyboard.press("Tab")  # Row on
    page.keyboard.press("Tab")  # the slider
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Rows read"
    page.keyboard.press("ArrowRight")
    wait_for_reading(page, STILL_AT, 3)
    page.keyboard.press("End")
    wait_for_reading(page, STILL_AT, ROWS)
    assert paused >= 1
    focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none"


def test_the_row_shown_is_kept_when_the_state_layer_or_speed_changes(screen):
    from playwright.sync_api import expect

    name, page, presenter, _ = screen
    wait_for_reading(page, STILL_AT, ROWS)
    page.get_by_role("slider", name="Rows read").fill("11")
    wait_for_reading(page, STILL_AT, 11)
    page.get_by_role("radio", name="Fast").check()
    wait_for_reading(page, STILL_AT, 11)
    if presenter:  # presenter mode shows h of the top layer only
        return
    page.get_by_role("radio", name="c (cell)").click()
    expect(page.locator(".rr-state .rr-title")).to_contain_text("Cell state c", timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)
    wait_for_reading(page, STILL_AT, 11)
    page.get_by_role("radiogroup", name="Layer").get_by_role("radio", name="1", exact=True).click()  # the first layer
    expect(page.locator(".rr-state .rr-title")).to_contain_text("layer 1 of 2", timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)
    wait_for_reading(page, STILL_AT, 11)
    page.get_by_role("radio", name="gates").click()
    expect(page.locator(".rr-state .rr-title")).to_contain_text("Forget gate", timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)
    assert page.evaluate("document.querySelector('.rr input[value=Fast]').checked")
    page.locator(".rr-grid").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / f"size-{name}-gates-row-11.png")
    wait_for_reading(page, STILL_AT, 11)


@pytest.mark.parametrize("name", ["phone", "tablet"])
def test_a_finger_on_a_chart_scrolls_the_page(app, name):
    """No chart takes a vertical swipe for itself: a finger on the state map scrolls the page, as anywhere else."""
    browser, url = app
    context = browser.new_context(**layout.SCREENS[name])
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url + "/?sample=0")
    page.locator(".rr-map").wait_for()
    wait_until_settled(page)
    page.locator(".rr-map").scroll_into_view_if_needed()
    box = page.locator(".rr-map").bounding_box()
    scrolled = "() => document.querySelector('[data-testid=stMain]').scrollTop"
    before = page.evaluate(scrolled)
    swipe_up(page, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8, box["height"] * 0.5)
    page.wait_for_function(f"() => ({scrolled})() > {before}")
    context.close()
