"""The guided lesson (/lesson) in a real browser: the teacher steps through all ten steps on a 1280x720 projector in
presenter mode with the arrow keys, and a student follows on a phone with Next; each step is checked for what it
shows (its title, its words, its question, its framed view), for axe-core's serious problems, and for a page that
fits the screen. Screenshots of every step, for people to look at, go to BROWSER_SCREENSHOTS (default:
tests/screenshots/, git-ignored).
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness import layout
from harness.accessibility import axe_violations
from harness.browser import CHROMIUM, PAGE_TIMEOUT_MS, chromium, reading_shown, wait_until_settled
from harness.server import streamlit_server
from views.lesson_steps import STEPS

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
LOOK = ".st-key-lesson-look"  # the framed chart or pictures of a step that is not the reading player
# What each step's view must show, beyond its words: a CSS selector on the page, and words on the page.
SHOWS = {
    "rows": (LOOK + " .js-plotly-plot", "as the network gets it:"),
    "reading": (".rr-look.rr-digit", "The digit, read top to bottom"),
    "memory": (".rr-look.rr-state", "Hidden state h"),
    "mind": (".rr-look.rr-history", "Probabilities, row by row"),
    "gates": (LOOK + " .js-plotly-plot", "forgets most after row"),
    "early": (LOOK + " .js-plotly-plot", "Before it has read any ink it can only guess"),
    "race": ("a[href*='race']", "No races yet"),
    "learn": (LOOK + " .js-plotly-plot", "A short run made earlier"),
    "wrong": (LOOK + " img", "read as"),
    "fool": (LOOK + " .js-plotly-plot", "Draw on the Read page"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    SHOTS.mkdir(parents=True, exist_ok=True)
    runs = tmp_path_factory.mktemp("no-runs")  # no class run yet: How it learned shows the run that ships
    with streamlit_server(env={"ROW_READER_RUNS": str(runs)}) as (url, _, _), chromium() as browser:
        yield browser, url


@contextmanager
def lesson_tab(app, screen: str, address: str):
    """A tab of its own at one of the screens, opened at `address`, as a bookmark or a typed link opens it."""
    browser, url = app
    context = browser.new_context(**layout.SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url + address)
    try:
        yield page
    finally:
        context.close()


def check_step(page, number: int, title_role: str) -> None:
    """The page is on step `number` and shows all of it; the teacher's notes are closed."""
    from playwright.sync_api import expect

    step = STEPS[number - 1]
    expect(page.get_by_role("heading", name=f"{number}. {step.title}", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)
    main = page.locator("[data-testid=stMain]")
    for words in (step.says, step.question, step.look_at):
        expect(main).to_contain_text(words)
    selector, words = SHOWS[step.view]
    expect(page.locator(selector).first).to_be_visible(timeout=PAGE_TIMEOUT_MS)  # a player draws once its code is in
    expect(main).to_contain_text(words)
    expect(page.get_by_text("Answers to expect.")).not_to_be_visible()  # the teacher's notes, closed
    assert page.locator(f"[data-testid=stMain] {title_role}").first.inner_text().startswith(f"{number}."), title_role


def test_teacher_steps_through_every_step_on_the_projector_with_the_arrow_keys(app):
    with lesson_tab(app, "projector", "/lesson?present=true") as page:
        for number in range(1, len(STEPS) + 1):
            check_step(page, number, "h1")  # on a projector the step's title is the page's
            page.screenshot(path=SHOTS / f"lesson-step-{number}-projector.png")
            assert layout.horizontal_overflow(page) == [], number
            assert axe_violations(page) == [], number
            page.evaluate("document.activeElement.blur()")  # the page has the keys, not a box or the player
            page.keyboard.press("ArrowRight")
        check_step(page, len(STEPS), "h1")  # Next is off on the last step
        page.keyboard.press("ArrowLeft")
        check_step(page, len(STEPS) - 1, "h1")
        assert "step=9" in page.url  # a reload or a copied link opens the same step


def test_student_follows_on_a_phone_with_next(app):
    from playwright.sync_api import expect

    with lesson_tab(app, "phone", "/lesson") as page:
        for number in range(1, len(STEPS) + 1):
            check_step(page, number, "h2")
            bar = page.locator(".st-key-lesson-steps")
            back, next_ = bar.get_by_role("button", name="Back"), bar.get_by_role("button", name="Next")
            assert abs(back.bounding_box()["y"] - next_.bounding_box()["y"]) < 4, "Back and Next on one line"
            assert layout.horizontal_overflow(page) == [], number
            page.screenshot(path=SHOTS / f"lesson-step-{number}-phone.png", full_page=True)
            if number < len(STEPS):
                next_.tap()
        expect(page.locator(".st-key-lesson-steps").get_by_role("button", name="Next")).to_be_disabled()


@pytest.mark.parametrize("screen", ["tablet", "desktop"])
def test_every_step_fits_a_portrait_tablet_and_a_desktop(app, screen):
    with lesson_tab(app, screen, "/lesson") as page:
        for number in range(1, len(STEPS) + 1):
            check_step(page, number, "h2")
            assert layout.horizontal_overflow(page) == [], number
            if screen == "tablet":
                assert axe_violations(page) == [], number
            page.screenshot(path=SHOTS / f"lesson-step-{number}-{screen}.png")
            if number < len(STEPS):
                page.locator(".st-key-lesson-steps").get_by_role("button", name="Next").click()


def test_arrow_keys_inside_the_player_move_its_row_not_the_step(app):
    with lesson_tab(app, "projector", "/lesson?step=4&present=true") as page:
        check_step(page, 4, "h1")
        assert reading_shown(page)["row"] == 28
        page.get_by_role("button", name="Row back").click()  # the player's own button: the player has the keys now
        row = 27
        page.wait_for_function("(row) => Number(document.querySelector('.rr').dataset.row) === row", arg=row)
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("(row) => Number(document.querySelector('.rr').dataset.row) === row - 1", arg=row)
        check_step(page, 4, "h1")


def test_an_address_opens_its_step_and_a_wrong_one_the_first(app):
    for address, number in (("/lesson?step=7", 7), ("/lesson?step=99", 1), ("/lesson?step=%3Cb%3E", 1)):
        with lesson_tab(app, "desktop", address) as page:
            check_step(page, number, "h2")


def test_teacher_notes_open_on_the_projector_only_when_asked(app):
    from playwright.sync_api import expect

    with lesson_tab(app, "projector", "/lesson?step=6&present=true") as page:
        check_step(page, 6, "h1")
        page.get_by_text("Teacher's notes").click()
        expect(page.get_by_text("Answers to expect.")).to_be_visible()
        expect(page.locator("[data-testid=stMain]")).to_contain_text(STEPS[5].expect)
