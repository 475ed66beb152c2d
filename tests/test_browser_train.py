"""The Train page in a real browser: start a tiny run, watch the bar and the curves move, find the new model in the list.

Needs MNIST_DIR (the run trains on it) and Debian's chromium. Screenshots go to
BROWSER_SCREENSHOTS (default: tests/screenshots/, git-ignored).
"""

import os
import re
import time
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, WATCH_TRAINING, chromium, start_training, streamlit_server

pytest.importorskip("playwright")
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", Path(__file__).parent / "screenshots"))
# A run of about fifteen seconds on two cores: 5,400 digits in batches of 32, five times, through 32 units.
SETTINGS = {"Epochs": "5", "Use only the first N digits": "6000", "Units per layer": "32", "Batch size": "32"}


def watched(page) -> dict:
    return page.evaluate(WATCH_TRAINING)


def test_a_run_started_from_the_page_is_watched_to_the_end(tmp_path, mnist_dir):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {"ROW_READER_RUNS": str(tmp_path / "runs"), "MNIST_DIR": str(mnist_dir)}
    with streamlit_server(env=env) as (url, _, _), chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1500})
        page.goto(url + "/train")
        expect(page.get_by_text("Training runs on:")).to_be_visible(timeout=90_000)
        expect(page.get_by_text("Shipped model", exact=True)).to_be_visible(timeout=30_000)
        page.screenshot(path=SHOTS / "train-form.png")
        start_training(page, url, "qiita", SETTINGS)
        deadline = time.monotonic() + 120
        while not ((first := watched(page))["step"] and first["points"]):  # running, with a curve drawn
            assert time.monotonic() < deadline, "no progress shown within 120 s"
            page.wait_for_timeout(100)
        page.screenshot(path=SHOTS / "train-running.png")
        while (now := watched(page))["step"] is not None and now["step"] <= first["step"]:
            assert time.monotonic() < deadline, "the progress bar did not move"
            page.wait_for_timeout(100)
        assert now["step"] is None or now["points"] >= first["points"]  # moved on, or the run ended and the bar gave way
        expect(page.get_by_text("Finished", exact=True)).to_be_visible(timeout=120_000)
        page.wait_for_function(
            "n => { const plot = document.querySelector('.js-plotly-plot'); return plot && plot.data && plot.data[0].x.length > n; }",
            arg=first["points"], timeout=30_000,
        )  # fmt: skip
        page.screenshot(path=SHOTS / "train-finished.png", full_page=True)
        expect(page.get_by_text(re.compile(r"Test accuracy \d+\.\d\d%"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"^qiita, \d{8} \d\d:\d\d$"))).to_be_visible()  # the new model in the list
        page.screenshot(path=SHOTS / "train-finished.png", full_page=True)
