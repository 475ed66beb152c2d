"""Presenter mode on a 1280x720 projector, page by page as a teacher moves through a lesson with the keyboard: the page
bar takes them everywhere and presenter mode goes with them; every page has text of 16 px or more and chart text of
14 px or more, nothing overlaps or runs off the side, and axe-core finds nothing serious; Join shows the address and
its QR code. Screenshots go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
import re
from pathlib import Path

import pytest

from harness import layout
from harness.accessibility import axe_violations
from harness.browser import CANVAS, CHROMIUM, METRIC_VALUE, PAGE_TIMEOUT_MS, chromium, draw_digit, wait_until_settled
from harness.server import streamlit_server
from tests.training_runs import a_finished_run

pytest.importorskip("playwright")
pytest.importorskip("axe_playwright_python")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
# The page bar's links, in its order, and each page's heading.
PAGES = {"Read": "Row Reader", "Look inside": "Look inside", "Race": "Race the network", "Class wall": "Class wall",
         "Train": "Train", "About": "About Row Reader"}  # fmt: skip
TEXT_PX, CHART_PX = 16, 14  # the least a projector's back row reads
MAIN = "[data-testid=stMain]"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    a_finished_run(runs)  # Train shows its curves and its model
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(env={"ROW_READER_RUNS": str(runs)}) as (url, _, _), chromium() as browser:
        yield browser, url


def heading(page, name: str):
    return page.get_by_role("heading", name=name, exact=True)


def what_is_wrong(page, scope: str = MAIN) -> list[str]:
    wrong = layout.horizontal_overflow(page)
    wrong += layout.small_text(page, scope, TEXT_PX, CHART_PX)
    wrong += layout.overlapping_text(page, scope)
    wrong += axe_violations(page)
    return wrong


def test_the_page_bar_takes_the_teacher_everywhere_by_keyboard_in_presenter_mode(app):
    from playwright.sync_api import expect

    browser, url = app
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url + "/?present=true")
    page.locator(CANVAS).wait_for()
    wait_until_settled(page)
    draw_digit(page, "7")
    expect(page.locator(METRIC_VALUE)).to_have_text("7")
    wrong = {}
    for name, title in PAGES.items():
        link = page.locator(".st-key-presenter-bar").get_by_role("link", name=name, exact=True)
        link.focus()
        page.keyboard.press("Enter")
        expect(heading(page, title)).to_be_visible()
        if name == "Train":
            page.locator(".js-plotly-plot").first.wait_for()  # the finished run's curves
        wait_until_settled(page)
        assert "present=true" in page.url, f"{name}: presenter mode left the address"
        expect(page.get_by_role("switch", name="Presenter mode")).to_be_checked()
        page.screenshot(path=SHOTS / f"presenter-{name.lower().replace(' ', '-')}.png")
        wrong[name] = what_is_wrong(page)
    assert not any(wrong.values()), "\n".join(f"{name}: {line}" for name, lines in wrong.items() for line in lines)

    # Back on Read, the drawing is still there, read as before.
    page.locator(".st-key-presenter-bar").get_by_role("link", name="Read", exact=True).click()
    expect(page.locator(METRIC_VALUE)).to_have_text("7")


def test_join_shows_the_address_students_open_and_its_qr_code(app):
    from playwright.sync_api import expect

    browser, url = app
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url + "/race?present=true")
    expect(heading(page, "Race the network")).to_be_visible()
    wait_until_settled(page)
    page.get_by_role("button", name="Join", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Join the class")).to_be_visible()
    expect(dialog.locator(".rr-join-address, [data-testid=stAlert]").first).to_be_visible()  # the card, or why not
    address = dialog.locator(".rr-join-address")
    if address.count():  # this machine is on a network: the address and its code
        assert re.fullmatch(r"http://[\d.]+:\d+/", address.inner_text())
        expect(dialog.get_by_role("img", name=re.compile("^QR code of the address http:"))).to_be_visible()
        assert layout.outside_viewport(page, "[role=dialog]") == []
    else:  # no network here: the card says what to do
        expect(dialog.get_by_text("not on a network")).to_be_visible()
    page.screenshot(path=SHOTS / "presenter-join.png")
    assert what_is_wrong(page, "[role=dialog]") == []
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
