"""A compressed lesson, as a teacher and three students live it at once, each in their own browser: the teacher on a
1280x720 projector in presenter mode, students on a phone (touch), a portrait tablet (touch) and a 1366x768 laptop.

The class joins by the address on the teacher's join card; students draw, watch the reading come to them, share to
the wall and race; the teacher opens a shared digit on the wall, shows the race results, trains a short lesson run,
reads with the new model and looks inside; students move between pages and lose nothing. Each step checks what the
people would see, and waits for that, never for a time. Needs MNIST_DIR (the run trains on it) and Debian's
chromium. Screenshots go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored), lesson-<step>-<who>.png.
"""

import os
import re
from pathlib import Path

import pytest

from classroom.race import ROW_SECONDS
from harness.browser import (
    CANVAS,
    CHROMIUM,
    METRIC_VALUE,
    PAGE_TIMEOUT_MS,
    chromium,
    draw_digit,
    ink_on_canvas,
    wait_for_reading,
    wait_until_settled,
)
from harness.layout import SCREENS, outside_viewport
from harness.race import race_one_digit, wait_for_race
from harness.server import streamlit_server

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
PASSWORD = "owl-and-pussycat"
# A lesson run cut short: a few thousand digits twice through 32 units, tens of seconds on two busy cores.
RUN_SETTINGS = {"Epochs": "2", "Use only the first N digits": "3000", "Units per layer": "32", "Batch size": "64"}
RUN_TIMEOUT_MS = 600_000  # a busy 2-core machine is slow, never wrong
DEVICES = {  # who, and the screen they use
    "phone": SCREENS["phone"],
    "tablet": SCREENS["tablet"],
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}
# The run's progress bar and its curves, both drawn and both wholly on the screen, seen in one moment of the page (a
# short run may end a moment later); on an idle machine the run may end before its curves are first drawn: then its
# curves, on screen beside the word Finished.
BAR_AND_CURVES_IN_VIEW = """() => {
  const words = document.querySelectorAll('[data-testid=stMain] :is(p, span, strong)');  // the run's state is in bold
  const finished = [...words].some(word => word.textContent.trim() === 'Finished');
  const bar = document.querySelector('[data-testid=stProgress]');
  const parts = [finished && !bar ? document.body : bar, document.querySelector('.js-plotly-plot .main-svg')];
  return parts.every(part => {
    if (part === document.body) return true;
    if (!part) return false;
    const box = part.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= innerHeight;
  });
}"""
# Whether a reading has been seen playing on the page since the watch was set: the player marks data-playing.
WATCH_PLAYING = """() => {
  window.__played = false;
  const look = () => { if (document.querySelector('.rr[data-playing=true]')) window.__played = true; };
  new MutationObserver(look).observe(document.body, {attributes: true, subtree: true, childList: true, attributeFilter: ['data-playing']});
}"""


def person(browser, screen: dict, address: str):
    page = browser.new_context(**screen).new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(address)
    return page


def shot(page, step: str, who: str) -> None:
    page.screenshot(path=SHOTS / f"lesson-{step}-{who}.png")


def go(page, name: str, heading: str) -> None:
    """Move to another page by its link (the presenter's page bar, or the page links), and wait until it is drawn."""
    from playwright.sync_api import expect

    for where in (".st-key-presenter-bar", ".st-key-page-links", "[data-testid=stHeader]"):  # presenter, phone, others
        link = page.locator(where).get_by_role("link", name=name, exact=True)
        if link.count() and link.first.is_visible():
            break
    link.first.click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_until_settled(page)


def join_address(teacher, url: str) -> str:
    """The address on the teacher's join card; where this machine is on no network, the card says so, and the class
    joins at the server's own address."""
    from playwright.sync_api import expect

    teacher.get_by_role("button", name="Join", exact=True).click()
    dialog = teacher.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Join the class")).to_be_visible()
    shot(teacher, "1-join", "projector")
    card = dialog.locator(".rr-join-address")
    # The card, or why not: waited for by their own words (under load the dialog may first show the page's last run).
    expect(card.or_(dialog.get_by_text("not on a network"))).to_be_visible()
    if card.count():
        expect(dialog.get_by_role("img", name=re.compile("^QR code of the address"))).to_be_visible()
        address = card.inner_text()
    else:
        expect(dialog.get_by_text("not on a network")).to_be_visible()
        address = url
    teacher.keyboard.press("Escape")
    expect(teacher.get_by_role("dialog")).to_have_count(0)
    return address


def draw_and_watch(page, who: str, digit: str, shift: tuple[float, float]) -> str:
    """Draw, and see the answer and the reading come by themselves: on a phone the answer in view without scrolling,
    and the reading played once it is on screen. Returns the answer."""
    from playwright.sync_api import expect

    page.locator(CANVAS).wait_for()
    wait_until_settled(page)
    page.evaluate(WATCH_PLAYING)
    draw_digit(page, digit, shift, touch=who != "laptop")
    expect(page.locator(METRIC_VALUE)).to_be_visible(timeout=PAGE_TIMEOUT_MS)  # a busy server may take a while
    wait_until_settled(page)
    answer = page.locator(METRIC_VALUE).inner_text()
    if who == "phone":
        bottom = page.locator(METRIC_VALUE).bounding_box()
        height = page.viewport_size["height"]
        assert page.evaluate("scrollY") == 0 and bottom["y"] + bottom["height"] <= height, f"the answer is not in view: {bottom}"
    shot(page, "2-drawn", who)
    page.locator(".rr-grid").scroll_into_view_if_needed()
    page.wait_for_function("() => window.__played")  # it plays by itself once the student sees it
    wait_for_reading(page, "!seen.moving && seen.row === 28")  # once, to the end
    return answer


def share(page, who: str, nickname: str) -> int:
    from playwright.sync_api import expect

    if nickname:
        page.get_by_label("Nickname (optional)", exact=True).fill(nickname)
    page.get_by_role("button", name="Share with the class").click()
    said = page.get_by_text(re.compile(r"^Shared: your digit is number \d+ on the class wall\.$"))
    expect(said).to_be_visible()
    return int(re.search(r"number (\d+)", said.inner_text()).group(1))


def open_on_the_wall(teacher, number: int) -> None:
    """The teacher opens a shared digit: its reading comes first, playing; Back to the wall closes it."""
    from playwright.sync_api import expect

    teacher.evaluate(WATCH_PLAYING)
    teacher.get_by_role("button", name=f"Open #{number}", exact=True).click()
    dialog = teacher.get_by_role("dialog")
    expect(dialog.locator(".rr[data-row]")).to_be_visible()
    teacher.wait_for_function("() => window.__played")
    assert outside_viewport(teacher, "[role=dialog] .rr-grid") == []
    shot(teacher, "4-wall-opened", "projector")
    dialog.get_by_role("button", name="Back to the wall").click()
    expect(teacher.get_by_role("dialog")).to_have_count(0)


def race_pauses_away(page, who: str, teacher) -> None:
    """A student starts a race, looks at the wall meanwhile, and comes back to the row they left."""
    page.get_by_role("button", name="Start", exact=True).tap()
    left = wait_for_race(page, "seen.phase === 'racing' && seen.row >= 3")
    left_at = page.evaluate("performance.now()")
    go(page, "Class wall", "Class wall")
    page.get_by_text(re.compile(r"^\d+ digits?, \d+ misread or unsure$")).wait_for()
    go(page, "Race", "Race the network")
    back = wait_for_race(page, "seen.key === arg", left["key"])
    away_rows = (page.evaluate("performance.now()") - left_at) / (ROW_SECONDS * 1000)
    assert back["phase"] == "racing" and back["row"] <= left["row"] + 1, f"left at {left}, back at {back}, away {away_rows:.1f} rows"
    shot(page, "5-race-back", who)


def train_on_the_projector(teacher) -> None:
    """Unlock, start a short lesson run, and watch it: the bar and the curves stay in view until it finishes."""
    from playwright.sync_api import expect

    go(teacher, "Train", "Train")
    teacher.get_by_label("Training password", exact=True).fill(PASSWORD)
    teacher.get_by_role("button", name="Unlock").click()
    expect(teacher.get_by_role("button", name="Start training")).to_be_enabled()
    teacher.get_by_label("Recipe").click()
    teacher.get_by_role("option", name=re.compile("^lesson:")).click()
    for label, value in RUN_SETTINGS.items():
        box = teacher.get_by_role("textbox", name=label, exact=True)
        box.fill(value)
        box.press("Enter")
    wait_until_settled(teacher)
    teacher.get_by_role("button", name="Start training").click()
    teacher.wait_for_function(BAR_AND_CURVES_IN_VIEW, timeout=RUN_TIMEOUT_MS)  # once both are drawn, both on screen
    shot(teacher, "6-training", "projector")
    expect(teacher.get_by_text("Finished", exact=True)).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_until_settled(teacher)
    read_with = teacher.get_by_role("button", name="Read with it", disabled=False)
    expect(read_with).to_have_count(3)  # the shipped GRU's and plain RNN's, then the new model's; the LSTM reads already
    read_with.last.click()  # the runs are listed after the shipped readers
    expect(teacher.get_by_text("server default", exact=True)).to_be_visible()  # the shipped model's tags, without "reading"
    wait_until_settled(teacher)
    shot(teacher, "6-trained", "projector")


def test_a_compressed_lesson_from_the_projector(tmp_path, mnist_dir):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {"ROW_READER_RUNS": str(tmp_path / "runs"), "MNIST_DIR": str(mnist_dir), "ROW_READER_TRAINING_PASSWORD": PASSWORD}
    with streamlit_server(env=env) as (url, _, _), chromium() as browser:
        teacher = person(browser, SCREENS["projector"], url + "/?present=true")
        teacher.locator(CANVAS).wait_for()
        wait_until_settled(teacher)

        # The class joins at the address on the card, and each student draws and watches the reading come.
        address = join_address(teacher, url)
        students = {who: person(browser, screen, address) for who, screen in DEVICES.items()}
        answers = {}
        for (who, page), (digit, shift) in zip(students.items(), [("7", (0, 0)), ("1", (0.05, 0)), ("7", (-0.05, 0.03))], strict=True):
            answers[who] = draw_and_watch(page, who, digit, shift)

        # Each shares to the wall; the laptop's student looks inside and comes back to the drawing as it was.
        shared = {who: share(page, who, nickname) for (who, page), nickname in zip(students.items(), ["Ana", "Ben", ""], strict=True)}
        laptop = students["laptop"]
        ink = ink_on_canvas(laptop)
        assert ink, "the laptop's drawing shows no ink"
        go(laptop, "Look inside", "Look inside")
        expect(laptop.get_by_role("combobox", name="The digit to examine")).to_have_value(re.compile("^Your last digit"))
        go(laptop, "Read", "Row Reader")
        expect(laptop.locator(METRIC_VALUE)).to_have_text(answers["laptop"])
        assert ink_on_canvas(laptop) == ink, "the drawing came back changed"
        shot(laptop, "3-back-on-read", "laptop")

        # The teacher shows the wall and opens a shared digit.
        go(teacher, "Class wall", "Class wall")
        expect(teacher.get_by_text(f"{len(shared)} digits", exact=False).first).to_be_visible()
        shot(teacher, "4-wall", "projector")
        open_on_the_wall(teacher, shared["phone"])

        # A race: the phone's student races a digit, the tablet's leaves a race half run and finds it waiting.
        go(students["phone"], "Race", "Race the network")
        race_one_digit(students["phone"], touch=True, shot=SHOTS / "lesson-5-race-phone")
        go(students["tablet"], "Race", "Race the network")
        race_pauses_away(students["tablet"], "tablet", teacher)
        teacher.get_by_role("radio", name="Race results").click()
        expect(teacher.get_by_role("heading", name="Races: the class against the network")).to_be_visible()
        wait_until_settled(teacher)
        shot(teacher, "5-race-results", "projector")

        # A short run, watched on the projector, then read with; Look inside in presenter mode.
        train_on_the_projector(teacher)
        go(teacher, "Read", "Row Reader")
        expect(teacher.get_by_text(re.compile(r"^Reading with .*lesson"))).to_be_visible()
        draw_and_watch(teacher, "laptop", "7", (0, 0))
        go(teacher, "Look inside", "Look inside")
        expect(teacher.get_by_role("switch", name="Presenter mode")).to_be_checked()
        assert "present=true" in teacher.url
        shot(teacher, "7-inside", "projector")
        go(teacher, "Read", "Row Reader")
        expect(teacher.get_by_text(re.compile(r"^Reading with .*lesson"))).to_be_visible()  # the choice held
