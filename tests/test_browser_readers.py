"""The Read page's Reader switch in a browser, on a phone and on a projector in presenter mode (issue 31).

A 7 is drawn, then another reader is chosen from the keyboard alone: the same drawing is read again, and the switch
never pushes the answer down. Screenshots go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
from pathlib import Path

import pytest

from harness import layout
from harness.browser import CANVAS, CHROMIUM, METRIC_VALUE, PAGE_TIMEOUT_MS, chromium, draw_digit, wait_until_settled
from harness.server import streamlit_server
from harness.waiting import wait_until

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
MAP = ".rr-map"  # the reading's map of the hidden state: each reader's own
# The canvas's drawing itself, as its lower layer holds the finished strokes (a screenshot would hold its hover toolbar).
DRAWING = """() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
  .map(host => host.shadowRoot && host.shadowRoot.querySelector('canvas.dc-canvas.lower-canvas')).filter(Boolean)
  .map(canvas => canvas.toDataURL()).join()"""


def answer_below_canvas(page) -> float:
    """Where the answer is, from the canvas's top: the same whatever the page's scroll."""
    return page.locator(METRIC_VALUE).bounding_box()["y"] - page.locator(CANVAS).bounding_box()["y"]


def map_picture(page) -> bytes | None:
    """The map as it is drawn now; None while a rerun replaces it."""
    from playwright.sync_api import Error

    try:
        return page.locator(MAP).screenshot(timeout=5_000)
    except Error:
        return None


def read_again(page, reader: str, than: bytes | None = None, like: bytes | None = None) -> bytes:
    """Choose a reader from the keyboard (Enter on its focused button); wait until the reading's map is redrawn."""
    page.get_by_role("radiogroup", name="Reader").get_by_role("radio", name=reader).focus()
    page.keyboard.press("Enter")
    shown = wait_until(lambda: (m := map_picture(page)) and m != than and like in (None, m) and m, 90, f"{reader}'s reading")
    wait_until_settled(page)
    return shown


@pytest.mark.parametrize("name", ["phone", "projector"])
def test_another_reader_reads_the_same_drawing_and_the_answer_stays_in_place(name):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    settings, presenter = layout.SCREENS[name], name == "projector"
    with streamlit_server() as (url, _, _), chromium() as browser:
        page = browser.new_context(**settings, reduced_motion="reduce").new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(url + ("/?present=true" if presenter else "/"))
        page.locator(CANVAS).wait_for()
        wait_until_settled(page)
        page.locator(CANVAS).scroll_into_view_if_needed()
        blank = page.evaluate(DRAWING)
        draw_digit(page, "7", touch=settings.get("has_touch", False))
        expect(page.locator(METRIC_VALUE)).to_have_text("7")
        wait_until_settled(page)
        drawing, answer_place, lstm_map = page.evaluate(DRAWING), answer_below_canvas(page), map_picture(page)
        assert drawing and drawing != blank

        switch = page.get_by_role("radiogroup", name="Reader")
        assert switch.get_by_role("radio").all_inner_texts() == ["LSTM", "GRU", "Plain RNN"]
        assert presenter or switch.bounding_box()["y"] > page.locator(METRIC_VALUE).bounding_box()["y"]  # a phone: under the answer
        if presenter:  # a projector: on the first screen, beside Draw, Samples and Upload
            assert layout.outside_viewport(page, "[role=radiogroup][aria-label=Reader]") == []
        read_again(page, "Plain RNN", than=lstm_map)  # another reader's reading of it
        expect(switch.get_by_role("radio", name="Plain RNN")).to_have_attribute("aria-checked", "true")
        assert page.evaluate(DRAWING) == drawing  # the drawing is kept
        assert page.locator(METRIC_VALUE).inner_text() in list("0123456789") and answer_below_canvas(page) == answer_place
        if not presenter:
            expect(page.get_by_text("A plain RNN has no gates: each row")).to_be_visible()
        assert layout.horizontal_overflow(page) == []
        page.locator(METRIC_VALUE).scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / f"readers-{name}-plain-rnn.png")

        read_again(page, "LSTM", like=lstm_map)  # the LSTM's reading of the same drawing, as before the switch
        expect(page.locator(METRIC_VALUE)).to_have_text("7")
        assert page.evaluate(DRAWING) == drawing
