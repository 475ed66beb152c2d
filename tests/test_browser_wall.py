"""The class wall in real browsers, one context a person: a student on a phone draws and shares, the wall open on the
projector shows the new tile with its answer by itself, the student cannot clear it, the teacher clears it with the
training password. Screenshots go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
import re
from pathlib import Path

import pytest

from harness.accessibility import axe_violations
from harness.browser import CHROMIUM, METRIC_VALUE, PAGE_TIMEOUT_MS, chromium, draw_digit, wait_until_settled
from harness.layout import SCREENS
from harness.server import streamlit_server

pytest.importorskip("playwright")
pytest.importorskip("axe_playwright_python")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
PASSWORD = "owl-and-pussycat"
NICKNAME = "Ana <b>x</b> **y**"  # 18 characters, shown as typed


@pytest.fixture(scope="module")
def app():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(env={"ROW_READER_TRAINING_PASSWORD": PASSWORD}) as (url, _, _), chromium() as browser:
        yield browser, url


def open_wall(browser, url: str, screen: str, query: str = ""):
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{url}/wall{query}")
    page.get_by_text(re.compile(r"^\d+ digits?, \d+ misread or unsure$")).wait_for()
    wait_until_settled(page)
    return page


def headline(page):
    return page.get_by_text(re.compile(r"^\d+ digits?, \d+ misread or unsure$"))


def unlock_and_clear(page, password: str) -> None:
    page.get_by_text("Clear the wall").first.click()
    page.get_by_label("Training password", exact=True).fill(password)
    page.get_by_role("button", name="Unlock").click()


def test_a_student_shares_the_wall_shows_it_and_only_the_teacher_clears_it(app):
    from playwright.sync_api import expect

    browser, url = app
    wall = open_wall(browser, url, "projector", "?present=true")
    expect(headline(wall)).to_have_text("0 digits, 0 misread or unsure")

    phone = browser.new_context(**SCREENS["phone"]).new_page()
    phone.set_default_timeout(PAGE_TIMEOUT_MS)
    phone.goto(url)
    phone.locator("canvas.upper-canvas").wait_for()
    wait_until_settled(phone)
    draw_digit(phone, "7", touch=True)
    expect(phone.locator(METRIC_VALUE)).to_have_text("7", timeout=PAGE_TIMEOUT_MS)
    phone.get_by_label("Nickname (optional)", exact=True).fill(NICKNAME)
    phone.get_by_role("button", name="Share with the class").tap()
    expect(phone.get_by_text("Shared: your digit is number 1 on the class wall.")).to_be_visible()
    phone.screenshot(path=SHOTS / "wall-phone-shared.png")

    # The wall, left alone, shows the new digit with its answer and the nickname as typed.
    expect(headline(wall)).to_have_text("1 digit, 0 misread or unsure", timeout=PAGE_TIMEOUT_MS)
    tile = wall.locator(".st-key-tile-1")
    expect(tile).to_contain_text("Read as 7")
    expect(tile).to_contain_text(NICKNAME)
    assert tile.locator("b, strong:has-text('y')").count() == 0  # the nickname's tags and stars are text
    wall.screenshot(path=SHOTS / "wall-projector.png")
    wall.screenshot(path=SHOTS / "wall-projector-full.png", full_page=True)
    assert axe_violations(wall) == []

    # The student opens the wall too: without the password, no Clear button; a wrong one is refused.
    student = open_wall(browser, url, "phone")
    assert axe_violations(student) == []
    unlock_and_clear(student, "cat")
    expect(student.get_by_text("That is not the training password.")).to_be_visible()
    expect(student.get_by_role("button", name="Clear the wall")).to_have_count(0)
    expect(headline(wall)).to_have_text("1 digit, 0 misread or unsure")

    # The teacher unlocks, clears, confirms: every open wall is empty.
    unlock_and_clear(wall, PASSWORD)
    wall.get_by_role("button", name="Clear the wall").click()
    wall.get_by_role("button", name="Yes, clear it").click()
    expect(wall.get_by_text("The wall is clear: 1 digit taken off.")).to_be_visible()
    expect(headline(wall)).to_have_text("0 digits, 0 misread or unsure")
    expect(headline(student)).to_have_text("0 digits, 0 misread or unsure", timeout=PAGE_TIMEOUT_MS)


@pytest.mark.parametrize("screen", ["phone", "tablet", "projector", "desktop"])
def test_the_empty_wall_passes_axe_on_every_screen(app, screen):
    browser, url = app
    page = open_wall(browser, url, screen, "?present=true" if screen == "projector" else "")
    assert axe_violations(page) == []
