"""The Look inside page in a real browser, with the shipped model and no MNIST on the server: draw a 7 on the Read
page, then open every view, click a cell of the confusion matrix, and read one of its digits on the Read page; every
view in presenter mode on a 1280x720 projector, and the report on a phone, a tablet and a laptop, measured as people
would see them.

One server and one tab for the module, the 7 drawn once and Look inside open; every test opens the view it needs
and leaves the tab on Look inside. The test that goes to the Read page has a tab of its own, and so has each screen.
Screenshots, for people to look at, go to BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
import re
from pathlib import Path

import pytest

from harness import layout
from harness.accessibility import axe_violations
from harness.browser import (
    CELL_ON_SCREEN,
    CHROMIUM,
    METRIC_VALUE,
    PAGE_TIMEOUT_MS,
    chromium,
    draw_digit,
    open_app,
    open_view,
    wait_for_animation,
    wait_until_settled,
)
from harness.server import streamlit_server
from model.report import read_report, report_path
from model.storage import DEFAULT_MODEL_PATH

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
REPORT = read_report(report_path(DEFAULT_MODEL_PATH))
VIEWPORT = {"width": 1440, "height": 1400}
VIEWS = ("Model report", "How early", "Hidden-state map", "Units", "Row importance", "Compare")
SCREENS = {**layout.SCREENS, "laptop": {"viewport": {"width": 1366, "height": 768}}}
# What a room reads from the back in presenter mode (its base type is 24 px): the page's words, and the charts' text.
PRESENTER_TEXT_PX, PRESENTER_CHART_TEXT_PX = 16, 14
STANDARD_TEXT_PX = 12
# Every element of the page but the charts (Streamlit puts each element in a container of its own), and the charts.
PAGE_WORDS = "[data-testid=stMain] [data-testid=stElementContainer]:not(:has(.js-plotly-plot))"
# The charts' visible text (plotly writes it as SVG text; what shows on hover does not count), as "words: N px".
SMALL_CHART_TEXT = """(minimum) => [...document.querySelectorAll('.main-svg text')].filter(text => {
  const box = text.getBoundingClientRect(), style = getComputedStyle(text);
  return text.textContent.trim() && box.width > 0.5 && box.height > 0.5 && !text.closest('.hoverlayer')
    && style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) !== 0;
}).map(text => [text.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(text).fontSize)])
  .filter(([, size]) => size < minimum - 0.01).map(([words, size]) => `${words}: ${size} px`)"""


RNN_RUN = "20260101-120000-morvan"  # a plain RNN's run in the server's runs folder, for Compare


def plain_rnn_run(runs: Path) -> None:
    """A finished run whose model is a small plain RNN (random weights: what it answers does not matter here)."""
    import json

    from model.config import ModelConfig
    from model.network import build_model
    from model.storage import save_model
    from tests.random_models import randomised
    from tests.training_runs import finished_run

    config = ModelConfig(projection_units=None, layers=1, units=16, cell="rnn")
    made = runs / "rnn.keras"
    save_model(randomised(build_model(config), seed=3), made)
    folder = finished_run(runs, RNN_RUN, made.read_bytes())
    made.unlink()
    metadata = json.loads((folder / "model.json").read_text())
    (folder / "model.json").write_text(json.dumps({**metadata, "config": {"model": config.to_dict()}}))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    SHOTS.mkdir(parents=True, exist_ok=True)
    no_mnist = tmp_path_factory.mktemp("no-mnist")  # an empty folder: the data is not there, and nothing downloads
    runs = tmp_path_factory.mktemp("server-runs")
    plain_rnn_run(runs)
    with streamlit_server(env={"MNIST_DIR": str(no_mnist), "ROW_READER_RUNS": str(runs)}) as (url, _, _), chromium() as browser:
        yield browser, url


def look_inside(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name="Look inside").click()
    expect(page.get_by_role("heading", name="Look inside")).to_be_visible(timeout=PAGE_TIMEOUT_MS)


@pytest.fixture(scope="module")
def page(app):
    """A tab that drew a 7 and then opened Look inside."""
    from playwright.sync_api import expect

    browser, url = app
    tab = open_app(browser, url, viewport=VIEWPORT)
    draw_digit(tab, "7")
    expect(tab.locator(METRIC_VALUE)).to_have_text("7", timeout=PAGE_TIMEOUT_MS)
    look_inside(tab)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def projector(app):
    """A 1280x720 tab on Look inside in presenter mode, opened by its link, as a teacher's bookmark opens it."""
    from playwright.sync_api import expect

    browser, url = app
    context = browser.new_context(**SCREENS["projector"])
    tab = context.new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    tab.goto(url + "/inside?present=true")
    expect(tab.get_by_role("heading", name="Look inside")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    yield tab
    context.close()


@pytest.fixture
def own_page(app):
    """A tab of its own, on Look inside, for a test that leaves the page."""
    browser, url = app
    tab = open_app(browser, url, viewport=VIEWPORT)
    look_inside(tab)
    yield tab
    tab.close()


def test_the_drawing_is_the_digit_examined(page):
    from playwright.sync_api import expect

    chooser = page.get_by_role("combobox", name="The digit to examine")
    expect(chooser).to_match_aria_snapshot('- combobox "The digit to examine": "Your last digit: your drawing"', timeout=PAGE_TIMEOUT_MS)


def test_the_model_report_and_a_click_on_a_confusion_cell(page):
    from playwright.sync_api import expect

    open_view(page, "Model report")
    expect(page.get_by_text(f"{REPORT.test_accuracy:.2%}", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    true_digit, answer = 5, 3
    count = int(((REPORT.labels == true_digit) & (REPORT.predicted == answer)).sum())
    x, y = page.evaluate(CELL_ON_SCREEN, [0, answer, true_digit])
    page.mouse.click(x, y)
    expect(page.get_by_role("heading", name=f"{true_digit}s read as {answer}: {count} test digits")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)
    page.screenshot(path=SHOTS / "inside-report.png", full_page=True)


@pytest.mark.parametrize(
    ("view", "shows"),
    [
        ("How early", re.compile(r"settled on that answer after row \d+")),
        ("Hidden-state map", re.compile(r"Each faint line is one of 500 test digits")),
        ("Units", re.compile(r"The test digits that drive unit \d+ highest")),
        ("Row importance", re.compile(r"The rows it leans on most")),
        ("Compare", re.compile(r"A reads")),
    ],
)
def test_each_view_opens_without_mnist(page, view, shows):
    from playwright.sync_api import expect

    open_view(page, view)
    expect(page.get_by_text(shows).first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stAlertContentError]").count() == 0
    page.screenshot(path=SHOTS / f"inside-{view.lower().replace(' ', '-')}.png", full_page=True)


def test_the_map_plays_the_drawings_path(page):
    open_view(page, "Hidden-state map")
    before = wait_for_animation(page, "!seen.moving")["row"]
    page.get_by_text("▶ Play").click()
    wait_for_animation(page, "seen.row !== arg", before)  # the slider moves
    page.get_by_text("❚❚ Pause").click()
    wait_for_animation(page, "!seen.moving")  # and stops, for the next test in this tab


def test_a_unit_suggestion_opens_that_unit(page):
    from playwright.sync_api import expect

    open_view(page, "Units")
    suggestion = page.get_by_role("button", name=re.compile(r"^unit \d+$")).first
    unit = suggestion.text_content().split()[-1]
    suggestion.click()
    expect(page.get_by_text(f"The test digits that drive unit {unit} highest")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)


def test_a_misread_digit_can_be_read_on_the_read_page(own_page):
    from playwright.sync_api import expect

    open_view(own_page, "Model report")
    own_page.get_by_role("button", name="Read it").first.click()
    expect(own_page.get_by_role("heading", name="Row Reader")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(own_page.locator(METRIC_VALUE)).to_have_text(re.compile(r"^\d$"), timeout=PAGE_TIMEOUT_MS)
    expect(own_page.get_by_text(re.compile(r"true digit \d"))).to_be_visible(timeout=PAGE_TIMEOUT_MS)


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_reads_from_the_back_of_the_room_in_presenter_mode(projector, view):
    """Words of 16 px or more, chart text of 14 px or more, nothing over anything else, nothing wider than the screen,
    and nothing axe-core calls serious."""
    open_view(projector, view)
    name = view.lower().replace(" ", "-")
    projector.screenshot(path=SHOTS / f"inside-presenter-{name}.png")  # what the room sees first
    projector.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    projector.screenshot(path=SHOTS / f"inside-presenter-{name}-chart.png")  # and the view's chart
    assert layout.small_text(projector, PAGE_WORDS, PRESENTER_TEXT_PX) == []
    assert projector.evaluate(SMALL_CHART_TEXT, PRESENTER_CHART_TEXT_PX) == []
    assert layout.overlapping_text(projector, "[data-testid=stMain]") == []
    assert layout.horizontal_overflow(projector) == []
    assert axe_violations(projector) == []


@pytest.mark.parametrize("screen", ["phone", "tablet", "laptop"])
def test_the_model_report_fits_a_phone_a_tablet_and_a_laptop(app, screen):
    """Off the projector the report keeps the page's own type, and its charts fit the screen with no text over text."""
    from playwright.sync_api import expect

    browser, url = app
    context = browser.new_context(**SCREENS[screen])
    tab = context.new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    tab.goto(url + "/inside")
    expect(tab.get_by_role("heading", name="Look inside")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    open_view(tab, "Model report")
    tab.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    tab.screenshot(path=SHOTS / f"inside-report-{screen}.png")
    try:
        assert layout.horizontal_overflow(tab) == []
        assert layout.overlapping_text(tab, ".js-plotly-plot") == []
        assert layout.small_text(tab, "[data-testid=stMain]", STANDARD_TEXT_PX) == []
    finally:
        context.close()


def choose_option(tab, box: str, option) -> None:
    """Open a select box and choose an option; open it again if a rerun closed its list before the option showed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    choice = tab.get_by_role("option", name=option)
    for _ in range(3):
        tab.get_by_role("combobox", name=box).click()
        try:
            choice.wait_for(timeout=PAGE_TIMEOUT_MS / 3)
            break
        except PlaywrightTimeout:
            continue
    choice.click()


@pytest.mark.parametrize(("screen", "present"), [("projector", True), ("phone", False)])
def test_compare_reads_one_digit_with_a_plain_rnn_and_the_lstm_and_shows_why_an_lstm(app, screen, present):
    """Compare with the shipped LSTM as A and a plain RNN as B, then the "Why an LSTM?" chart: on a projector in presenter
    mode and on a phone, nothing over anything else, nothing wider than the screen, and nothing axe-core calls serious."""
    from playwright.sync_api import expect

    browser, url = app
    context = browser.new_context(**SCREENS[screen])
    tab = context.new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        tab.goto(url + "/inside" + ("?present=true" if present else ""))
        expect(tab.get_by_role("heading", name="Look inside")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        open_view(tab, "Compare")
        tab.get_by_role("radio", name="Two models, one digit", exact=True).click()
        expect(tab.get_by_role("combobox", name="Model B")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        wait_until_settled(tab)  # a list opened during the rerun would close under the click
        choose_option(tab, "Model B", re.compile(r"^morvan"))  # the run's: a shipped plain RNN may be listed too
        expect(tab.get_by_role("combobox", name="Model B")).to_have_value(re.compile(r"^morvan"), timeout=PAGE_TIMEOUT_MS)
        expect(tab.get_by_text(re.compile(r"^B reads"))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        wait_until_settled(tab)
        name = f"inside-compare-rnn-lstm-{screen}"
        tab.screenshot(path=SHOTS / f"{name}.png")
        why = tab.get_by_role("heading", name="Why an LSTM?")
        why.scroll_into_view_if_needed()
        expect(tab.locator(".js-plotly-plot")).to_have_count(2, timeout=PAGE_TIMEOUT_MS)
        tab.locator(".js-plotly-plot").last.scroll_into_view_if_needed()
        wait_until_settled(tab)
        tab.screenshot(path=SHOTS / f"{name}-why.png")
        assert tab.locator("[data-testid=stException]").count() == 0
        assert layout.horizontal_overflow(tab) == []
        assert layout.overlapping_text(tab, "[data-testid=stMain]") == []
        if present:
            assert layout.small_text(tab, PAGE_WORDS, PRESENTER_TEXT_PX) == []
            assert tab.evaluate(SMALL_CHART_TEXT, PRESENTER_CHART_TEXT_PX) == []
        else:
            assert layout.small_text(tab, "[data-testid=stMain]", STANDARD_TEXT_PX) == []
        assert axe_violations(tab) == []
    finally:
        context.close()
