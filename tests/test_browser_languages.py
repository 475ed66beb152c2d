"""Every page in Chinese and in Japanese, as a class in Shanghai or Osaka sees it: opened by a teacher's `?lang=`
link on a phone and a tablet (touch), a projector in presenter mode and a desktop, with nothing wider than the screen,
no text over other text, no text too small, nothing axe-core finds serious, and no English left on it (names such as
LSTM and MNIST aside, harness/languages.py); and a browser that asks for Chinese gets Chinese with no link.

Screenshots go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored), languages-<page>-<lang>-<screen>.png.
Needs Debian's chromium, and fonts-noto-cjk to draw the characters in the screenshots (.ci/run installs both).
"""

import os
from pathlib import Path

import pytest

import i18n
from harness import layout
from harness.accessibility import axe_violations
from harness.browser import CHROMIUM, PAGE_TIMEOUT_MS, chromium, wait_until_settled
from harness.languages import english_words, visible_text
from harness.server import streamlit_server
from tests.training_runs import a_finished_run

pytest.importorskip("playwright")
pytest.importorskip("axe_playwright_python")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
PAGES = {"read": "", "lesson": "lesson", "inside": "inside", "race": "race", "wall": "wall", "train": "train", "about": "about"}
LANGUAGES = ("zh", "ja")
SCREENS = ("phone", "tablet", "projector", "desktop")
PRESENTER_SCREEN = "projector"
TEXT_PX = {"presenter": (16, 14), "standard": (12, None)}  # the least text, and chart text, each screen's reader reads
MAIN = "[data-testid=stMain]"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    a_finished_run(runs)  # Train shows its curves and its model
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(env={"ROW_READER_RUNS": str(runs)}) as (url, _, _), chromium() as browser:
        yield browser, url


def translated(language: str, english: str) -> str:
    i18n.use(language)
    try:
        return i18n._(english)
    finally:
        i18n.use(i18n.DEFAULT)


def open_page(browser, url: str, page_name: str, language: str, screen: str):
    presenter = screen == PRESENTER_SCREEN
    tab = browser.new_context(**layout.SCREENS[screen]).new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    tab.goto(f"{url}/{PAGES[page_name]}?lang={language}" + ("&present=true" if presenter else ""))
    tab.locator(f"{MAIN} h1").first.wait_for()
    wait_until_settled(tab)
    return tab


def what_is_wrong(tab, screen: str) -> list[str]:
    least, chart_least = TEXT_PX["presenter" if screen == PRESENTER_SCREEN else "standard"]
    wrong = layout.fit_to_screen(tab, screen)
    wrong += layout.overlapping_text(tab, MAIN)
    wrong += layout.small_text(tab, MAIN, least, chart_least)
    wrong += axe_violations(tab)
    english = english_words(visible_text(tab))
    if english:
        wrong.append(f"English left: {sorted(set(english))}")
    return [f"{screen}: {line}" for line in wrong]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page_name", list(PAGES))
def test_every_page_in_the_language_at_every_screen(app, page_name, language):
    browser, url = app
    wrong = []
    for screen in SCREENS:
        tab = open_page(browser, url, page_name, language, screen)
        assert tab.evaluate("document.documentElement.lang").startswith(language)
        wrong += what_is_wrong(tab, screen)
        tab.screenshot(path=SHOTS / f"languages-{page_name}-{language}-{screen}.png")
        tab.context.close()
    assert wrong == []


def test_a_browser_that_asks_for_chinese_gets_chinese(app):
    from playwright.sync_api import expect

    browser, url = app
    tab = browser.new_context(locale="zh-CN", **layout.SCREENS["desktop"]).new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    tab.goto(url + "/about")
    expect(tab.get_by_role("link", name=translated("zh", "Read"), exact=True).first).to_be_attached()
    wait_until_settled(tab)
    assert "lang=" not in tab.url  # the browser's own language needs no link
    assert english_words(visible_text(tab)) == []
    tab.context.close()
