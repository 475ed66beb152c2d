"""A lesson's moves in Chinese and in Japanese, in Chromium: a student on a phone draws by touch and watches the
reading play, shares the digit and races one; the teacher unlocks the Train page's form on a projector. Each checks
the words the person sees and hears (the players' controls and their labels for screen readers included) are in the
class's language, with no English left, and finds every control by its translated name, as a student would.
"""

import os
import re
from pathlib import Path

import pytest

import i18n
from harness.browser import CANVAS, CHROMIUM, METRIC_VALUE, PAGE_TIMEOUT_MS, chromium, draw_digit, wait_for_reading, wait_until_settled
from harness.languages import english_words, visible_text
from harness.layout import SCREENS
from harness.race import wait_for_race
from harness.server import streamlit_server

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
PASSWORD = "owl-and-pussycat"
SHIFTS = {"zh": (0.0, 0.0), "ja": (0.06, 0.02)}
LABELS = "() => [...document.querySelectorAll('[data-testid=stMain] [aria-label]')].map(element => element.getAttribute('aria-label'))"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {"ROW_READER_RUNS": str(tmp_path_factory.mktemp("runs")), "ROW_READER_TRAINING_PASSWORD": PASSWORD}
    with streamlit_server(env=env) as (url, _, _), chromium() as browser:
        yield browser, url


@pytest.fixture
def words():
    """The app's words in a language, as the test's `_`; English again after."""

    def translated(language: str):
        i18n.use(language)
        return i18n._

    yield translated
    i18n.use(i18n.DEFAULT)


def no_english(page, scope: str) -> list[str]:
    said = visible_text(page, scope) + [label for label in page.evaluate(LABELS) if label]
    return english_words(said)


def pattern(template: str) -> re.Pattern:
    """A translated sentence with its {places} standing for numbers."""
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", r"\\d+", re.escape(template)) + "$")


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_a_student_draws_shares_and_races_in_the_language(app, words, language):
    from playwright.sync_api import expect

    browser, url = app
    _ = words(language)
    phone = browser.new_context(**SCREENS["phone"]).new_page()
    phone.set_default_timeout(PAGE_TIMEOUT_MS)
    phone.goto(f"{url}/?lang={language}")
    phone.locator(CANVAS).wait_for()
    wait_until_settled(phone)

    draw_digit(phone, "7", SHIFTS[language], touch=True)  # each language's own 7: the wall keeps one of each
    expect(phone.locator(METRIC_VALUE)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(phone)
    phone.locator(".rr-grid").scroll_into_view_if_needed()
    wait_for_reading(phone, "!seen.moving && seen.row === 28")  # it played to the end by itself
    assert no_english(phone, "[data-testid=stMain]") == []
    phone.screenshot(path=SHOTS / f"languages-flow-read-{language}.png")

    phone.get_by_label(_("Nickname (optional)"), exact=True).fill("小明")
    phone.get_by_role("button", name=_("Share with the class")).tap()
    shared = pattern(_("Shared: your digit is number {number} on the class wall."))
    expect(phone.get_by_text(shared)).to_be_visible(timeout=PAGE_TIMEOUT_MS)

    phone.goto(f"{url}/race?lang={language}")
    phone.get_by_role("button", name=_("Start"), exact=True).tap()
    wait_for_race(phone, "seen.phase === 'racing' && seen.row >= 3")
    assert no_english(phone, "[data-testid=stMain]") == []
    phone.screenshot(path=SHOTS / f"languages-flow-race-{language}.png")
    phone.context.close()


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_the_teacher_unlocks_the_train_form_in_the_language(app, words, language):
    from playwright.sync_api import expect

    browser, url = app
    _ = words(language)
    projector = browser.new_context(**SCREENS["projector"]).new_page()
    projector.set_default_timeout(PAGE_TIMEOUT_MS)
    projector.goto(f"{url}/train?lang={language}&present=true")
    projector.get_by_label(_("Training password"), exact=True).fill(PASSWORD)
    projector.get_by_role("button", name=_("Unlock")).click()
    expect(projector.get_by_role("button", name=_("Start training"))).to_be_enabled(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(projector)
    assert no_english(projector, "[data-testid=stMain]") == []
    projector.screenshot(path=SHOTS / f"languages-flow-train-{language}.png", full_page=True)
    projector.context.close()
