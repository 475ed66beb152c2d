"""The Train page in a real browser: start a tiny run, watch the bar and the curves move, find the new model in the list;
on a projector in presenter mode, the running run comes into view after Start and stays there, in type the room can read.

Needs MNIST_DIR (the run trains on it) and Debian's chromium. Screenshots go to
BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
import re
from pathlib import Path

import pytest

from harness import layout
from harness.accessibility import axe_violations
from harness.browser import CHROMIUM, PAGE_TIMEOUT_MS, chromium, start_training, wait_for_training, wait_until_settled
from harness.server import streamlit_server

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
# A run of about fifteen seconds on two cores: 5,400 digits in batches of 32, five times, through 32 units.
SETTINGS = {"Epochs": "5", "Use only the first N digits": "6000", "Units per layer": "32", "Batch size": "32"}
RUN_TIMEOUT_MS = 600_000  # for the run to show progress, or to finish: a busy 2-core machine is slow, never wrong
# The estimate before Start waits for a few seconds of Keras in a process of lower priority: on two cores kept busy by
# something else that process gets little of them (over 90 s once).
ESTIMATE_TIMEOUT_MS = RUN_TIMEOUT_MS
# Minutes of the same, on any machine: watched while it runs, then cancelled.
LONG_SETTINGS = {**SETTINGS, "Epochs": "500"}
TEXT_PX, CHART_PX = 16, 14  # the least the back of a classroom reads on a projector
MAIN = "[data-testid=stMain]"
MODEL_LABEL = r"\d{1,2} [A-Z][a-z]{2}( \d{4})?, \d\d:\d\d"  # "7 Dec, 06:44", with the year when it is not this year's


def test_a_run_started_from_the_page_is_watched_to_the_end(tmp_path, mnist_dir):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {"ROW_READER_RUNS": str(tmp_path / "runs"), "MNIST_DIR": str(mnist_dir)}
    with streamlit_server(env=env) as (url, _, _), chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1500})
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(url + "/train")
        expect(page.get_by_text("Training runs on:")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        expect(page.get_by_text("Shipped LSTM", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        page.screenshot(path=SHOTS / "train-form.png")
        the_form_follows_the_recipe(page)
        start_training(page, url, "qiita", SETTINGS)
        first = wait_for_training(page, "seen.step && seen.points", timeout=RUN_TIMEOUT_MS)  # running, with a curve drawn
        page.screenshot(path=SHOTS / "train-running.png")
        # The bar moves on, or the run ends and the bar gives way.
        now = wait_for_training(page, "seen.step === null || seen.step > arg.step", first, timeout=RUN_TIMEOUT_MS)
        assert now["step"] is None or now["points"] >= first["points"]
        expect(page.get_by_text("Finished", exact=True)).to_be_visible(timeout=RUN_TIMEOUT_MS)
        wait_for_training(page, "seen.points > arg.points", first)  # the whole run's curve
        expect(page.get_by_text(re.compile(r"Test accuracy \d+\.\d\d%"))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        new_model = page.get_by_text(re.compile(f"^qiita · {MODEL_LABEL}$"))  # the new model in the list
        expect(new_model).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        page.screenshot(path=SHOTS / "train-finished.png", full_page=True)
        expect(page.get_by_role("combobox", name="Recipe")).to_have_value(re.compile("^qiita:"))  # the recipe chosen stays


def the_form_follows_the_recipe(page) -> None:
    """The page opens on the lesson recipe with how long it takes here; Augment and the cell follow the recipe chosen,
    and the keys choose a cell; a run too small to learn anything is refused before it starts."""
    from playwright.sync_api import expect

    recipe_box = page.get_by_role("combobox", name="Recipe")
    expect(recipe_box).to_have_value(re.compile("^lesson:"))
    expect(page.get_by_text(re.compile(r"^About \d+ (s|min)"))).to_be_visible(timeout=ESTIMATE_TIMEOUT_MS)
    augment = page.get_by_role("checkbox", name=re.compile("^Augment"))
    expect(augment).to_be_checked()
    cells = page.get_by_role("radiogroup", name="Recurrent cell")
    for recipe, ticked, cell in (("qiita", False, "LSTM"), ("rnn", True, "Plain RNN"), ("default", True, "LSTM"), ("qiita", False, "LSTM")):
        page.get_by_label("Recipe").click()
        page.get_by_role("option", name=re.compile(f"^{recipe}:")).click()
        expect(recipe_box).to_have_value(re.compile(f"^{recipe}:"))
        if ticked:
            expect(augment).to_be_checked()
        else:
            expect(augment).not_to_be_checked()
        expect(cells.get_by_role("radio", name=re.compile(f"^{cell}:"))).to_be_checked()  # the recipe's own cell
    lstm, gru = (cells.get_by_role("radio", name=re.compile(f"^{cell}:")) for cell in ("LSTM", "GRU"))
    lstm.focus()
    page.keyboard.press("ArrowRight")  # the keys move through the cells
    expect(gru).to_be_checked()
    page.keyboard.press("ArrowLeft")
    expect(lstm).to_be_checked()
    box = page.get_by_role("textbox", name="Use only the first N digits", exact=True)
    box.fill("200")
    box.press("Enter")
    expect(page.get_by_text("200 digits are too few to learn from", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text(re.compile("^Please check the settings: 200 digits are too few")).last).to_be_visible()
    assert page.get_by_role("button", name="Cancel").count() == 0  # nothing started
    box.fill("")
    box.press("Enter")


def test_on_a_projector_the_running_run_comes_into_view_and_stays_there_in_type_the_room_reads(tmp_path, mnist_dir):
    """Issue 27: presenter mode at 1280x720; the teacher scrolls down to Start, and the progress bar and the curves are
    then on the screen, without scrolling, for as long as the run goes; its result is too, once it stops."""
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {"ROW_READER_RUNS": str(tmp_path / "runs"), "MNIST_DIR": str(mnist_dir)}
    with streamlit_server(env=env) as (url, _, _), chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(url + "/train?present=true")
        start = page.get_by_role("button", name="Start training")
        expect(page.get_by_text(re.compile(r"^About \d+ (s|min)"))).to_be_visible(timeout=ESTIMATE_TIMEOUT_MS)
        page.get_by_label("Recipe").click()
        page.get_by_role("option", name=re.compile("^qiita:")).click()
        for label, value in {**LONG_SETTINGS, "Name (optional)": "Class 9B's model"}.items():
            box = page.get_by_role("textbox", name=label, exact=True)
            box.fill(value)
            box.press("Enter")
        wait_until_settled(page)
        start.scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / "train-projector-form.png")
        assert not what_is_wrong(page)
        start.click()

        first = wait_for_training(page, "seen.step && seen.points", timeout=RUN_TIMEOUT_MS)
        heading = page.get_by_text(re.compile(f"^Running: Class 9B's model · qiita · {MODEL_LABEL} on "))
        expect(heading).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        bar_and_curves_in_view(page)
        wait_for_training(page, "seen.step > arg.step && seen.points > arg.points", first, timeout=RUN_TIMEOUT_MS)
        bar_and_curves_in_view(page)  # and still, as they move on
        wait_until_settled(page)
        page.screenshot(path=SHOTS / "train-projector-running.png")
        assert not what_is_wrong(page)

        page.get_by_role("button", name="Cancel run").click()
        expect(page.get_by_text("Cancelled", exact=True)).to_be_visible(timeout=RUN_TIMEOUT_MS)
        # What it reached, brought into view.
        expect(page.get_by_role("heading", name="Latest run")).to_be_in_viewport(timeout=PAGE_TIMEOUT_MS)
        expect(page.locator(".js-plotly-plot")).to_be_in_viewport(timeout=PAGE_TIMEOUT_MS)
        page.screenshot(path=SHOTS / "train-projector-stopped.png")


def bar_and_curves_in_view(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator("[data-testid=stProgress]")).to_be_in_viewport(ratio=1, timeout=PAGE_TIMEOUT_MS)
    expect(page.locator(".js-plotly-plot")).to_be_in_viewport(ratio=1, timeout=PAGE_TIMEOUT_MS)


def what_is_wrong(page) -> list[str]:
    """What the back of the room could not read: text too small, text over text, a page wider than the screen; and what
    axe-core finds serious."""
    wrong = layout.small_text(page, MAIN, TEXT_PX, CHART_PX) + layout.overlapping_text(page, MAIN)
    return wrong + layout.horizontal_overflow(page) + axe_violations(page)
