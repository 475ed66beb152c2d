"""The Train page in a real browser: start a tiny run, watch the bar and the curves move, find the new model in the list.

Needs MNIST_DIR (the run trains on it) and Debian's chromium. Screenshots go to
BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
import re
from pathlib import Path

import pytest

from harness.browser import CHROMIUM, PAGE_TIMEOUT_MS, chromium, start_training, wait_for_training
from harness.server import streamlit_server

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
# A run of about fifteen seconds on two cores: 5,400 digits in batches of 32, five times, through 32 units.
SETTINGS = {"Epochs": "5", "Use only the first N digits": "6000", "Units per layer": "32", "Batch size": "32"}
RUN_TIMEOUT_MS = 600_000  # for the run to show progress, or to finish: a busy 2-core machine is slow, never wrong


def test_a_run_started_from_the_page_is_watched_to_the_end(tmp_path, mnist_dir):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {"ROW_READER_RUNS": str(tmp_path / "runs"), "MNIST_DIR": str(mnist_dir)}
    with streamlit_server(env=env) as (url, _, _), chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1500})
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(url + "/train")
        expect(page.get_by_text("Training runs on:")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        expect(page.get_by_text("Shipped model", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
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
        new_model = page.get_by_text(re.compile(r"^qiita, \d{8} \d\d:\d\d$"))  # the new model in the list
        expect(new_model).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        page.screenshot(path=SHOTS / "train-finished.png", full_page=True)
        expect(page.get_by_role("combobox", name="Recipe")).to_have_value(re.compile("^qiita:"))  # the recipe chosen stays


def the_form_follows_the_recipe(page) -> None:
    """The page opens on the lesson recipe with how long it takes here; Augment follows the recipe chosen; a run too
    small to learn anything is refused before it starts."""
    from playwright.sync_api import expect

    recipe_box = page.get_by_role("combobox", name="Recipe")
    expect(recipe_box).to_have_value(re.compile("^lesson:"))
    expect(page.get_by_text(re.compile(r"^About \d+ (s|min)"))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    augment = page.get_by_role("checkbox", name=re.compile("^Augment"))
    expect(augment).to_be_checked()
    for recipe, ticked in (("qiita", False), ("default", True), ("qiita", False)):
        page.get_by_label("Recipe").click()
        page.get_by_role("option", name=re.compile(f"^{recipe}:")).click()
        expect(recipe_box).to_have_value(re.compile(f"^{recipe}:"))
        if ticked:
            expect(augment).to_be_checked()
        else:
            expect(augment).not_to_be_checked()
    box = page.get_by_role("textbox", name="Use only the first N digits", exact=True)
    box.fill("200")
    box.press("Enter")
    expect(page.get_by_text("200 digits are too few to learn from", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text(re.compile("^Please check the settings: 200 digits are too few")).last).to_be_visible()
    assert page.get_by_role("button", name="Cancel").count() == 0  # nothing started
    box.fill("")
    box.press("Enter")
