"""Read (empty, drawn, a sample, presenter mode), Look inside (every view), Train and About for everyone in a
classroom: no critical or serious axe-core violation, headings in order, and no page wider than the screen, on a
phone, a portrait tablet, a projector and two desktop screens.

One server for the module (the shipped model, no MNIST, and a finished training run, so that Train shows its curves
and its model list), and two tabs kept open: one on a touch screen, resized between the phone and the tablet, and one
with a mouse, resized between the projector and the desktops. Each test shows the page it needs in its tab.
"""

import os
from pathlib import Path

import pytest

from harness.accessibility import axe_violations
from harness.browser import CANVAS, CHROMIUM, METRIC_VALUE, PAGE_TIMEOUT_MS, chromium, draw_digit, open_view, wait_until_settled
from harness.layout import SCREENS, fit_to_screen
from harness.server import streamlit_server
from tests.training_runs import a_finished_run

pytest.importorskip("playwright")
pytest.importorskip("axe_playwright_python")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

INSIDE_VIEWS = ("Model report", "How early", "Hidden-state map", "Units", "Row importance", "Compare")  # as the page names them
PAGE_HEADINGS = {"Train": "Train", "About": "About Row Reader"}
# Each tab's screens; axe-core checks the first of each, where the layouts differ most.
TABS = {"touch": ("phone", "tablet"), "mouse": ("projector", "desktop", "wide")}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    a_finished_run(runs)
    no_mnist = tmp_path_factory.mktemp("no-mnist")  # an empty folder: the data is not there, and nothing downloads
    with streamlit_server(env={"MNIST_DIR": str(no_mnist), "ROW_READER_RUNS": str(runs)}) as (url, _, _), chromium() as browser:
        yield browser, url


@pytest.fixture(scope="module")
def tabs(app):
    """{"touch": a tab on a phone (touch, mobile), "mouse": a tab on a projector}, and the app's address."""
    browser, url = app
    contexts = {kind: browser.new_context(**SCREENS[screens[0]]) for kind, screens in TABS.items()}
    opened = {}
    for kind, context in contexts.items():
        opened[kind] = context.new_page()
        opened[kind].set_default_timeout(PAGE_TIMEOUT_MS)
    yield url, opened
    for context in contexts.values():
        context.close()


def show(page, url: str, target: str) -> None:
    """Open a Look inside view, Train or About, and wait until it is all drawn."""
    from playwright.sync_api import expect

    if target in INSIDE_VIEWS:
        if not page.url.startswith(url + "/inside"):
            page.goto(url + "/inside")
            expect(page.get_by_role("heading", name="Look inside")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        open_view(page, target)
        return
    page.goto(f"{url}/{target.lower()}")
    expect(page.get_by_role("heading", name=PAGE_HEADINGS[target], exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    if target == "Train":  # the finished run's curves
        page.locator(".js-plotly-plot").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)


def what_is_wrong(page, tab: str) -> list[str]:
    """The page shown in a tab, at each of the tab's screens: what runs wider than the screen, and at its first
    screen what axe-core finds serious, each line naming the screen."""
    wrong = []
    for screen in TABS[tab]:
        wrong += [f"{screen}: {line}" for line in fit_to_screen(page, screen)]
        if screen == TABS[tab][0]:
            wrong += [f"{screen}: {line}" for line in axe_violations(page)]
    return wrong


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize("target", [*INSIDE_VIEWS, *PAGE_HEADINGS])
def test_each_page_fits_every_screen_and_axe_finds_nothing_serious(tabs, target, tab):
    url, opened = tabs
    page = opened[tab]
    show(page, url, target)
    wrong = what_is_wrong(page, tab)
    assert not wrong, "\n".join(wrong)


READ_PAGE = {  # the Read page's states: the address to open, and whether to draw a 7 on it
    "empty": ("/", False),
    "drawn": ("/", True),
    "Samples": ("/?sample=0", False),
    "presenter": ("/?present=true", True),
}


@pytest.mark.parametrize("tab", TABS)
@pytest.mark.parametrize("state", READ_PAGE)
def test_the_read_page_fits_every_screen_and_axe_finds_nothing_serious(tabs, state, tab):
    from playwright.sync_api import expect

    url, opened = tabs
    page = opened[tab]
    address, draw = READ_PAGE[state]
    page.goto(url + address)
    page.locator(".rr-grid" if state == "Samples" else CANVAS).wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)
    if draw:
        page.locator(CANVAS).scroll_into_view_if_needed()
        draw_digit(page, "7", touch=tab == "touch")
        expect(page.locator(METRIC_VALUE)).to_have_text("7", timeout=PAGE_TIMEOUT_MS)
        wait_until_settled(page)
    wrong = what_is_wrong(page, tab)
    assert not wrong, "\n".join(wrong)
