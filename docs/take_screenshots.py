"""Take the README's screenshots: the main view, presenter mode, and a sample mid-reading.

python docs/take_screenshots.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.samples import load_samples  # noqa: E402
from tests.browser import CANVAS, METRIC_VALUE, chromium, draw_digit, streamlit_server  # noqa: E402

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
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
