"""Take the README's screenshots: the main view, presenter mode, a sample mid-reading, Look inside, and the Train page mid-run.

MNIST_DIR=<MNIST folder> python docs/take_screenshots.py   (without MNIST_DIR, the Train page is skipped)
"""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.samples import load_samples  # noqa: E402
from tests.browser import (  # noqa: E402
    CANVAS,
    CELL_ON_SCREEN,
    METRIC_VALUE,
    WATCH_TRAINING,
    chromium,
    draw_digit,
    open_view,
    start_training,
    streamlit_server,
)

OUT = Path(__file__).resolve().parent / "screenshots"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    sample = next(s for s in load_samples().values() if s.label == 9 and not s.misread)
    with streamlit_server() as (url, _, _), chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1560})
        page.goto(url)
        page.locator(CANVAS).wait_for(timeout=90_000)
        page.wait_for_timeout(1000)
        draw_digit(page, "7")
        page.locator(METRIC_VALUE).wait_for()
        page.wait_for_selector(".slider-container")
        page.wait_for_timeout(1000)
        page.screenshot(path=OUT / "main-view.png")
        look_inside(page)

        page.goto(f"{url}/?sample={sample.index}")
        page.wait_for_selector(".slider-container", timeout=60_000)
        for _ in range(14):  # from the whole reading back to row 14
            page.get_by_text("◀ Row").click()
            page.wait_for_timeout(150)
        page.wait_for_timeout(800)
        page.screenshot(path=OUT / "sample-mid-reading.png")

        presenter = browser.new_page(viewport={"width": 1920, "height": 1750})
        presenter.goto(f"{url}/?sample={sample.index}&present=true")
        presenter.wait_for_selector(".slider-container", timeout=60_000)
        presenter.wait_for_timeout(1000)
        presenter.screenshot(path=OUT / "presenter-mode.png")
        if os.environ.get("MNIST_DIR"):
            train_page(browser)
    print(f"screenshots in {OUT}")


def look_inside(page) -> None:
    """After the drawn 7: the model report with the 4s read as 9 chosen, and the 7's path on the hidden-state map."""
    page.get_by_role("link", name="Look inside").click()
    page.get_by_role("heading", name="Look inside").wait_for(timeout=60_000)
    open_view(page, "Model report")
    page.mouse.click(*page.evaluate(CELL_ON_SCREEN, [0, 9, 4]))
    page.get_by_role("heading", name="4s read as 9").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=OUT / "inside-report.png")
    open_view(page, "Hidden-state map")
    page.screenshot(path=OUT / "inside-map.png")


def train_page(browser) -> None:
    """A short run of the qiita recipe, caught when about half done, in a runs folder of its own."""
    with tempfile.TemporaryDirectory() as runs, streamlit_server(env={"ROW_READER_RUNS": runs}) as (url, _, _):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        start_training(page, url, "qiita", {"Epochs": "4", "Use only the first N digits": "20000"})
        page.wait_for_function(
            f"() => {{ const seen = ({WATCH_TRAINING})(); return seen.step > 300 && seen.points > 0; }}", timeout=300_000
        )
        page.wait_for_timeout(4500)  # the curves catch up
        page.screenshot(path=OUT / "train-running.png")
        page.get_by_role("button", name="Cancel run").click()
        page.get_by_text("Cancelled", exact=True).wait_for(timeout=120_000)


if __name__ == "__main__":
    main()
