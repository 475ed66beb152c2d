"""Drive the real app in Debian's Chromium: start a server, draw strokes, read what a person sees.

Shared by the browser tests and the benchmarks in bench/.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CANVAS = "canvas.upper-canvas"  # inside the component's shadow root; Playwright's CSS locators pierce it
METRIC_VALUE = "[data-testid=stMetricValue]"

# Strokes as fractions of the canvas, the way a student draws these digits.
DIGIT_STROKES = {
    "1": [[(0.42, 0.25), (0.52, 0.15), (0.52, 0.85)]],
    "7": [[(0.28, 0.2), (0.72, 0.2), (0.42, 0.85)]],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_server(port: int | None = None, env: dict | None = None, log_path: Path | None = None):
    """`streamlit run app.py` on a free port; yields (url, process, seconds the server took to answer)."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port)]
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO_ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start (exit code {process.poll()})") from None
                time.sleep(0.1)
        yield url, process, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log_path:
            log.close()


@contextmanager
def chromium(headless: bool = True):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=headless)
        try:
            yield browser
        finally:
            browser.close()


def stroke(page, points, steps_per_segment: int = 12) -> None:
    """One pen stroke through `points` (fractions of the canvas), with the mouse button held down."""
    box = page.locator(CANVAS).bounding_box()

    def at(fx, fy):
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    page.mouse.move(*at(*points[0]))
    page.mouse.down()
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:], strict=True):
        for i in range(1, steps_per_segment + 1):
            t = i / steps_per_segment
            page.mouse.move(*at(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
    page.mouse.up()


def draw_digit(page, digit: str, shift: tuple[float, float] = (0.0, 0.0)) -> None:
    """Draw one of DIGIT_STROKES, moved by `shift` (fractions of the canvas) so that no two drawings are alike."""
    for points in DIGIT_STROKES[digit]:
        stroke(page, [(x + shift[0], y + shift[1]) for x, y in points])


def rows_read(page) -> int:
    """The step the reading animation shows, from its slider's "Rows read: N of 28"."""
    text = page.locator(".slider-container .slider-currentvalue, .slider-container text").first.text_content()
    return int(text.split(":")[1].split("of")[0])


# --- the Train page ---------------------------------------------------------------------------------------------------

# What the progress bar and the loss panel show now: {"step": N or null when there is no bar, "points": curve length}.
WATCH_TRAINING = """() => {
    const bar = document.querySelector('[data-testid=stProgress]');
    const match = bar && /step ([\\d,]+) of/.exec(bar.innerText);
    const plot = document.querySelector('.js-plotly-plot');
    return {step: match ? Number(match[1].replace(/,/g, '')) : null, points: plot && plot.data ? plot.data[0].x.length : 0};
}"""


def start_training(page, url: str, recipe: str, settings: dict[str, str]) -> None:
    """Open the Train page, choose a recipe, fill the number boxes by label, and press Start."""
    import re

    from playwright.sync_api import expect

    page.goto(url + "/train")
    expect(page.get_by_role("button", name="Start training")).to_be_visible(timeout=90_000)
    page.get_by_label("Recipe").click()
    page.get_by_role("option", name=re.compile(f"^{recipe}:")).click()
    for label, value in settings.items():
        box = page.get_by_role("spinbutton", name=label, exact=True)
        box.fill(value)
        box.press("Enter")
    page.get_by_role("button", name="Start training").click()


# --- the Look inside page ---------------------------------------------------------------------------------------------

# Where a cell of a category-axis plotly chart is on the screen: (chart index, x category index, y category index) -> [x, y].
CELL_ON_SCREEN = """([chart, column, row]) => {
    const plot = document.querySelectorAll('.js-plotly-plot')[chart];
    const x = plot._fullLayout.xaxis, y = plot._fullLayout.yaxis, box = plot.getBoundingClientRect();
    return [box.left + x._offset + x.l2p(column), box.top + y._offset + y.l2p(row)];
}"""


def open_view(page, view: str) -> None:
    """Click one of the Look inside page's view buttons and wait until its chart has been drawn."""
    page.get_by_role("radio", name=view, exact=True).click()
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('view') === {view!r} || {view!r} === 'Model report'")
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1200)  # Streamlit fades out stale elements; let the rerun finish
