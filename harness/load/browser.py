"""A student in a real Chromium tab: draws with the mouse, waits for the Prediction, presses Play, clears.

Each student gets its own browser context (its own cookies and websocket, as
its own device would) in one shared Chromium. The stroke-to-prediction time is
measured inside the page, from the mouse-up to the Prediction on screen, with
MARK_MOUSE_UP (as bench/bench_app.py measures it), so it includes what the
browser does on both ends.
"""

import time

from harness.browser import (
    CANVAS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DIGIT_STROKES,
    MARK_MOUSE_UP,
    METRIC_VALUE,
    PAGE_TIMEOUT_MS,
    on_screen,
    pen_path,
)
from views.explain import INVITE_DRAW

# Whatever the Prediction shows after the mouse-up (a misread is not a failure of the server).
WAIT_FOR_ANY_PREDICTION = """() => {
  const value = document.querySelector('[data-testid=stMetricValue]');
  return value ? [performance.now() - window.__strokeEnd, value.textContent.trim()] : false;
}"""
EXCEPTION = "[data-testid=stException], [data-testid=stAlertContentError]"


async def launch(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class BrowserStudent:
    def __init__(self, browser, url: str):
        self.browser, self.url = browser, url.rstrip("/")
        self.context = self.page = None
        self.elsewhere: set[str] = set()  # every address the page asked for that is not its own server

    def _note(self, request) -> None:
        if not request.url.startswith((self.url + "/", "data:", "blob:")) and request.url != self.url:
            self.elsewhere.add(request.url)

    async def open(self) -> float:
        """Seconds from opening the link to a canvas one can draw on."""
        started = time.perf_counter()
        self.context = await self.browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.on("request", self._note)
        self.page = await self.context.new_page()
        await self.page.add_init_script(f"({MARK_MOUSE_UP})()")
        await self.page.goto(self.url)
        await self.page.locator(CANVAS).wait_for(timeout=90_000)
        return time.perf_counter() - started

    async def draw(self, digit: str, shift: tuple[float, float]) -> tuple[float, str]:
        """Draw `digit`; (seconds from the last mouse-up to the Prediction on screen, the digit it shows)."""
        box = await self.page.locator(CANVAS).bounding_box()
        for points in DIGIT_STROKES[digit]:  # as harness.browser.draw_digit, with Playwright's async API
            first, *rest = on_screen(box, pen_path(points, shift))
            await self.page.mouse.move(*first)
            await self.page.mouse.down()
            for point in rest:
                await self.page.mouse.move(*point)
            await self.page.mouse.up()
        handle = await self.page.wait_for_function(WAIT_FOR_ANY_PREDICTION, timeout=60_000)
        elapsed_ms, shown = await handle.json_value()
        if await self.page.locator(EXCEPTION).count():
            raise RuntimeError(f"error on the page: {await self.page.locator(EXCEPTION).first.inner_text()}")
        return elapsed_ms / 1000, shown

    async def play(self) -> None:
        await self.page.get_by_role("button", name="Play").first.click(timeout=30_000)

    async def clear(self) -> None:
        """Clear, and wait for the new empty canvas, as a student would before drawing again (harness.browser.clear_canvas)."""
        old_canvas = await self.page.locator(CANVAS).element_handle()
        await self.page.get_by_role("button", name="Clear the canvas").click(timeout=30_000)
        await self.page.locator(METRIC_VALUE).wait_for(state="detached", timeout=PAGE_TIMEOUT_MS)
        await self.page.get_by_text(INVITE_DRAW).wait_for(timeout=PAGE_TIMEOUT_MS)
        await old_canvas.wait_for_element_state("hidden", timeout=PAGE_TIMEOUT_MS)
        await self.page.locator(CANVAS).wait_for(timeout=PAGE_TIMEOUT_MS)  # strokes before the new canvas is there are lost

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()
            self.context = self.page = None
