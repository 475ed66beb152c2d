"""The class wall in real browsers, one context a person: a student on a phone draws and shares, the wall open on the
projector shows the new tile with its answer by itself, the student cannot clear it, the teacher clears it with the
training password. And a wall of FULL digits, shared by students over Streamlit's protocol, with a race run in a tab:
on a 1280x720 projector in presenter mode it shows a dozen tiles or more, the race results are one click away and stay
as the wall redraws itself, an opened digit plays its reading and Back to the wall closes it; on a phone, a tablet and
a laptop it fits too. Screenshots go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import asyncio
import os
import random
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness import layout
from harness.accessibility import axe_violations
from harness.browser import CHROMIUM, METRIC_VALUE, PAGE_TIMEOUT_MS, chromium, draw_digit, wait_for_reading, wait_until_settled
from harness.layout import SCREENS
from harness.server import streamlit_server
from views.parts.class_wall import SHARE_GAP_ENV

pytest.importorskip("playwright")
pytest.importorskip("axe_playwright_python")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
PASSWORD = "owl-and-pussycat"
NICKNAME = "Ana <b>x</b> **y**"  # 18 characters, shown as typed
FULL, STUDENTS = 44, 11  # the digits on a full wall, and the students who share them (at most 10 each on a wall)
ON_ONE_SCREEN = 12  # tiles wholly on a 1280x720 projector in presenter mode
TEXT_PX, CHART_PX = 16, 14  # the least a projector's back row reads
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
TILES = '[class*="st-key-tile-"]'
MAIN = "[data-testid=stMain]"
# The tiles wholly on the screen, and how many share the first one's row.
TILES_IN_VIEW = """(selector) => [...document.querySelectorAll(selector)].filter(tile => {
  const box = tile.getBoundingClientRect();
  return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
}).length"""
TILES_IN_FIRST_ROW = """(selector) => { const tops = [...document.querySelectorAll(selector)].map(t => t.getBoundingClientRect().top);
  return tops.filter(top => Math.abs(top - tops[0]) < 1).length; }"""
PICTURES_LOADED = """(selector) => [...document.querySelectorAll(selector + ' img')].every(img => img.complete && img.naturalWidth > 0)"""


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def app(browser):
    with streamlit_server(env={"ROW_READER_TRAINING_PASSWORD": PASSWORD}) as (url, _, _):
        yield browser, url


@pytest.fixture(scope="module")
def full_wall(browser):
    """A server of its own whose wall holds FULL digits, a few of them misread, and one raced digit."""
    from harness.race import race_one_digit

    with streamlit_server(env={SHARE_GAP_ENV: "0"}) as (url, _, _):  # each student shares at once, not every few seconds
        assert share_over_the_protocol(url, FULL, students=STUDENTS) == FULL
        page = browser.new_context(**SCREENS["desktop"]).new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(f"{url}/race")
        page.get_by_role("button", name="Start", exact=True).wait_for()
        wait_until_settled(page)
        race_one_digit(page, touch=False)
        page.context.close()
        yield browser, url


async def _share(url: str, count: int, students: int, seed: int) -> int:
    """`students` students each draw 1s and 7s, every one moved and slanted its own way, and share them; every fifth
    is said to be meant as a 4, so the wall has misread digits. Returns how many are new on the wall."""
    from harness.load.protocol import ProtocolStudent

    async def student(number: int, drawings: int) -> int:
        rng, new = random.Random(seed * 100 + number), 0
        sharer = ProtocolStudent(url)
        await sharer.open()
        try:
            for turn in range(drawings):
                digit = "71"[(number + turn) % 2]
                # Each student's digits slant their own way, and a later seed's apart from the first ones: one picture is
                # one tile on the wall, whoever shares it, and a drawing moved on the canvas is the same picture.
                lean = 0.05 * (turn - drawings / 2) + 0.011 * number + 0.3 * seed
                await sharer.draw(digit, (rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05)), lean)
                shared = await sharer.share(f"student {number}" if turn % 3 == 0 else "", meant="4" if turn % 5 == 4 else digit)
                new += shared.new
        finally:
            await sharer.close()
        return new

    each = [count // students + (number < count % students) for number in range(students)]
    return sum(await asyncio.gather(*(student(number, drawings) for number, drawings in enumerate(each) if drawings)))


def share_over_the_protocol(url: str, count: int, students: int = 1, seed: int = 0) -> int:
    """_share, on a thread of its own: Playwright's sync API holds this thread's event loop."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _share(url, count, students, seed)).result()


def open_wall(browser, url: str, screen: str, query: str = ""):
    context = browser.new_context(**(LAPTOP if screen == "laptop" else SCREENS[screen]))
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{url}/wall{query}")
    page.get_by_text(re.compile(r"^\d+ digits?, \d+ misread or unsure$")).wait_for()
    wait_until_settled(page)
    return page


def headline(page):
    return page.get_by_text(re.compile(r"^\d+ digits?, \d+ misread or unsure$"))


def unlock(page, password: str) -> None:
    page.get_by_text("Teacher: nicknames and clearing").click()
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
    unlock(student, "cat")
    expect(student.get_by_text("That is not the training password.")).to_be_visible()
    expect(student.get_by_role("button", name="Clear the wall")).to_have_count(0)
    expect(headline(wall)).to_have_text("1 digit, 0 misread or unsure")

    # The teacher unlocks, hides the nicknames, and takes one digit off from its reading: on every open wall.
    unlock(wall, PASSWORD)
    assert share_over_the_protocol(url, 1) == 1  # another student's digit
    expect(headline(wall)).to_have_text(re.compile("^2 digits"), timeout=PAGE_TIMEOUT_MS)
    wall.get_by_role("button", name="Hide every nickname").click()
    expect(tile).not_to_contain_text(NICKNAME)
    tile.get_by_role("button", name="Open #1").click()
    wall.get_by_role("button", name="Take this digit off the wall").click()
    wall.get_by_role("button", name="Yes, take it off").click()
    expect(wall.get_by_role("dialog")).to_have_count(0)
    expect(tile).to_have_count(0)
    expect(headline(wall)).to_have_text(re.compile("^1 digit,"))
    expect(headline(student)).to_have_text(re.compile("^1 digit,"), timeout=PAGE_TIMEOUT_MS)

    # Then clears, confirms: every open wall is empty.
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


# --- a full wall --------------------------------------------------------------------------------------------------


def what_is_wrong(page, scope: str = MAIN, minimum_px: float = TEXT_PX) -> list[str]:
    """What a person would find wrong: the page wider than the screen, text too small to read from the back, text over
    text, and axe-core's serious findings."""
    wrong = layout.horizontal_overflow(page)
    wrong += layout.small_text(page, scope, minimum_px, CHART_PX)
    wrong += layout.overlapping_text(page, scope)
    return wrong + axe_violations(page)


def tiles_shown(page) -> None:
    """Wait until the tiles are drawn with their pictures, which give them their height."""
    page.locator(TILES).first.wait_for()
    page.wait_for_function(PICTURES_LOADED, arg=TILES, timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)


def wholly_in_view(page, locator) -> bool:
    box = locator.bounding_box()
    width, height = page.evaluate("() => [innerWidth, innerHeight]")
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


def open_reading(page, number: int, touch: bool = False):
    """Open a tile: its reading, playing by itself, with Back to the wall on the screen; returns that button."""
    from playwright.sync_api import expect

    opener = page.get_by_role("button", name=f"Open #{number}", exact=True)
    opener.tap() if touch else opener.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator(".rr[data-row]")).to_be_visible()
    wait_for_reading(page, "seen.moving")  # it plays by itself
    back = dialog.get_by_role("button", name="Back to the wall")
    assert wholly_in_view(page, back)
    return back


def test_a_full_wall_on_the_projector_shows_a_dozen_tiles_the_races_one_click_away_and_a_reading_back_closes(full_wall):
    from playwright.sync_api import expect

    browser, url = full_wall
    page = open_wall(browser, url, "projector", "?present=true")
    expect(headline(page)).to_have_text(re.compile(rf"^{FULL} digits, [1-9]\d* misread or unsure$"))
    tiles_shown(page)
    page.screenshot(path=SHOTS / "wall-full-projector.png")
    assert page.evaluate(TILES_IN_VIEW, TILES) >= ON_ONE_SCREEN
    assert what_is_wrong(page) == []

    # The race results, one click from the top, in view; they stay through the wall's redraws (a digit shared meanwhile).
    page.get_by_role("radio", name="Race results").click()
    chart = page.locator(".st-key-wall .js-plotly-plot")
    expect(chart).to_be_visible()
    expect(page.get_by_text(re.compile(r"^1 digit raced: the class knew after"))).to_be_in_viewport()
    wait_until_settled(page)
    assert wholly_in_view(page, chart) and page.locator(TILES).count() == 0
    page.screenshot(path=SHOTS / "wall-full-projector-races.png")
    assert what_is_wrong(page) == []
    assert share_over_the_protocol(url, 1, seed=1) == 1
    expect(headline(page)).to_have_text(re.compile(rf"^{FULL + 1} digits"), timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("radio", name="Race results")).to_be_checked()
    expect(chart).to_be_visible()
    assert page.locator(TILES).count() == 0

    # Back to the digits; the newest opened plays its reading; Back to the wall closes it.
    page.get_by_role("radio", name="Digits").click()
    tiles_shown(page)
    back = open_reading(page, FULL + 1)
    page.screenshot(path=SHOTS / "wall-full-projector-open.png")
    assert layout.small_text(page, "[role=dialog]", TEXT_PX, CHART_PX) == []
    back.click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(TILES).first).to_be_visible()


@pytest.mark.parametrize("screen, per_row", [("phone", 2), ("tablet", 4), ("laptop", 6)])
def test_a_full_wall_fits_a_phone_a_tablet_and_a_laptop(full_wall, screen, per_row):
    from playwright.sync_api import expect

    browser, url = full_wall
    page = open_wall(browser, url, screen)
    tiles_shown(page)
    page.screenshot(path=SHOTS / f"wall-full-{screen}.png")
    assert page.evaluate(TILES_IN_FIRST_ROW, TILES) >= per_row
    assert layout.small_text(page, ".st-key-wall-tiles", TEXT_PX) == []
    wrong = layout.horizontal_overflow(page) + layout.overlapping_text(page, MAIN) + axe_violations(page)
    assert wrong == []
    touch = screen != "laptop"
    number = int(page.locator(TILES).first.get_attribute("class").split("st-key-tile-")[1].split()[0])
    back = open_reading(page, number, touch=touch)
    page.screenshot(path=SHOTS / f"wall-full-{screen}-open.png")
    back.tap() if touch else back.click()
    expect(page.get_by_role("dialog")).to_have_count(0)
