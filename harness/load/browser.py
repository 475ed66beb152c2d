"""A student in a real Chromium tab: draws with the mouse, waits for the Prediction, shares, presses Play, clears.
And the class wall, open in a tab on the projector.

Each student gets its own browser context (its own cookies and websocket, as
its own device would) in one shared Chromium; so does the wall. The
stroke-to-prediction time is measured inside the page, from the mouse-up to
the Prediction on screen, with MARK_MOUSE_UP (as bench/bench_app.py measures
it), so it includes what the browser does on both ends.
"""

import re
import time

from playwright.async_api import TimeoutError as PlaywrightTimeout

from harness.browser import (
    CANVAS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DIGIT_STROKES,
    MARK_MOUSE_UP,
    METRIC_VALUE,
    PAGE_TIMEOUT_MS,
    SETTLED,
    on_screen,
    pen_path,
)
from harness.layout import SCREENS
from harness.load.drawing import leaning
from harness.load.protocol import Shared, StudentError, shared_as_said
from views.parts.sharing import NICKNAME_LABEL, ON_THE_WALL, SHARE_BUTTON
from views.words import INVITE_DRAW

# Whatever the Prediction shows after the mouse-up (a misread is not a failure of the server).
WAIT_FOR_ANY_PREDICTION = """() => {
  const value = document.querySelector('[data-testid=stMetricValue]');
  return value ? [performance.now() - window.__strokeEnd, value.textContent.trim()] : false;
}"""
EXCEPTION = "[data-testid=stException], [data-testid=stAlertContentError]"
SHOW_WHOLE = "element => element.scrollIntoView({block: 'center', behavior: 'instant'})"
FORM = "[data-testid=stForm]"  # the Read page's one form is Share with the class
SHARED_NOTICE = "[data-testid=stAlertContentSuccess], [data-testid=stAlertContentInfo]"
WALL_HEADLINE = ".st-key-wall-headline h2"  # "12 digits, 3 misread or unsure"
HEADLINE_WORDS = re.compile(r"^(\d+) digits?, (\d+) misread or unsure$")
# The wall's headline once it counts `digits` (the wall redraws itself every 2 s): its text, or false.
WALL_COUNTS = """([selector, digits]) => {
  const headline = document.querySelector(selector);
  const text = headline ? headline.textContent.trim() : '';
  return text.startsWith(digits + (digits === 1 ? ' digit,' : ' digits,')) ? text : false;
}"""


async def launch(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class Tab:
    """One browser context and its page, noting every address it asks for beyond the app's own server."""

    def __init__(self, browser, url: str):
        self.browser, self.url = browser, url.rstrip("/")
        self.context = self.page = None
        self.elsewhere: set[str] = set()  # every address the page asked for that is not its own server

    async def _new_page(self, **context_options):
        self.context = await self.browser.new_context(**context_options)
        self.context.on("request", self._note)
        self.page = await self.context.new_page()
        return self.page

    def _note(self, request) -> None:
        if not request.url.startswith((self.url + "/", "data:", "blob:")) and request.url != self.url:
            self.elsewhere.add(request.url)

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()
            self.context = self.page = None


class BrowserStudent(Tab):
    async def open(self) -> float:
        """Seconds from opening the link to a canvas one can draw on."""
        started = time.perf_counter()
        await self._new_page(viewport={"width": 1280, "height": 900})
        await self.page.add_init_script(f"({MARK_MOUSE_UP})()")
        await self.page.goto(self.url)
        await self.page.locator(CANVAS).wait_for(timeout=90_000)
        return time.perf_counter() - started

    async def draw(self, digit: str, shift: tuple[float, float], lean: float = 0.0) -> tuple[float, str]:
        """Draw `digit` (slanted by `lean`); (seconds from the last mouse-up to the Prediction on screen, the digit it shows)."""
        canvas = self.page.locator(CANVAS)
        await canvas.evaluate(SHOW_WHOLE)  # Play and Share scrolled the page down; a stroke off the screen is lost
        box = await canvas.bounding_box()
        for points in DIGIT_STROKES[digit]:  # as harness.browser.draw_digit, with Playwright's async API
            first, *rest = on_screen(box, pen_path(leaning(points, lean), shift))
            await self.page.mouse.move(*first)
            await self.page.mouse.down()
            for point in rest:
                await self.page.mouse.move(*point)
            await self.page.mouse.up()
        try:
            handle = await self.page.wait_for_function(WAIT_FOR_ANY_PREDICTION, timeout=60_000)
        except PlaywrightTimeout:
            raise StudentError(f"no Prediction on the page within 60 s of lifting the pen ({await self._page_state()})") from None
        elapsed_ms, shown = await handle.json_value()
        if await self.page.locator(EXCEPTION).count():
            raise RuntimeError(f"error on the page: {await self.page.locator(EXCEPTION).first.inner_text()}")
        return elapsed_ms / 1000, shown

    async def _page_state(self) -> str:
        """What the page shows in place of an answer, for the error: an error, the invitation to draw, a run going."""
        if await self.page.locator(EXCEPTION).count():
            return "it shows: " + await self.page.locator(EXCEPTION).first.inner_text()
        running = await self.page.evaluate("() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState")
        invited = await self.page.get_by_text(INVITE_DRAW).count()
        return f"script {running}; {'still inviting a drawing: the strokes were lost' if invited else 'no invitation to draw'}"

    async def share(self, nickname: str = "", meant: str | None = None) -> Shared:
        """Type the nickname, choose the digit meant, press Share with the class, and wait for the page to say so."""
        started = time.perf_counter()
        form = self.page.locator(FORM).filter(has_text=SHARE_BUTTON)
        await form.get_by_label(NICKNAME_LABEL, exact=True).fill(nickname, timeout=PAGE_TIMEOUT_MS)
        if meant is not None:
            await form.get_by_role("radio", name=meant, exact=True).click(timeout=PAGE_TIMEOUT_MS)  # a pill
        await form.get_by_role("button", name=SHARE_BUTTON).click(timeout=PAGE_TIMEOUT_MS)
        notice = self.page.locator(SHARED_NOTICE).filter(has_text=ON_THE_WALL)
        await notice.first.wait_for(timeout=PAGE_TIMEOUT_MS)
        return shared_as_said((await notice.first.inner_text()).strip(), time.perf_counter() - started)

    async def play(self) -> None:
        await self.page.get_by_role("button", name="Play").first.click(timeout=30_000)

    async def clear(self) -> None:
        """Clear, and wait for the new empty canvas and a settled page, as a student would before drawing again
        (harness.browser.clear_canvas)."""
        old_canvas = await self.page.locator(CANVAS).element_handle()
        await self.page.get_by_role("button", name="Clear the canvas").click(timeout=30_000)
        await self.page.locator(METRIC_VALUE).wait_for(state="detached", timeout=PAGE_TIMEOUT_MS)
        await self.page.get_by_text(INVITE_DRAW).wait_for(timeout=PAGE_TIMEOUT_MS)
        await old_canvas.wait_for_element_state("hidden", timeout=PAGE_TIMEOUT_MS)
        await self.page.locator(CANVAS).wait_for(timeout=PAGE_TIMEOUT_MS)  # strokes before the new canvas is there are lost
        await self.page.wait_for_function(SETTLED, timeout=PAGE_TIMEOUT_MS)  # and strokes on a canvas being redrawn


class WallTab(Tab):
    """The class wall on the projector (/wall in presenter mode, 1280x720), left open: it redraws itself."""

    def __init__(self, browser, url: str):
        super().__init__(browser, url)
        self.page_errors: list[str] = []  # uncaught script errors in the tab

    async def open(self) -> str:
        """Open the wall; its headline once shown."""
        await self._new_page(**SCREENS["projector"])
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        await self.page.goto(f"{self.url}/wall?present=true")
        return await self.headline()

    async def headline(self) -> str:
        headline = self.page.locator(WALL_HEADLINE)
        await headline.wait_for(timeout=PAGE_TIMEOUT_MS)
        text = (await headline.inner_text()).strip()
        if not HEADLINE_WORDS.match(text):
            raise StudentError(f"the wall's headline reads {text!r}")
        return text

    async def wait_for(self, digits: int, timeout_ms: float = PAGE_TIMEOUT_MS) -> str:
        """The headline once it counts `digits` digits; StudentError, saying what it showed, if it never does."""
        try:
            handle = await self.page.wait_for_function(WALL_COUNTS, arg=[WALL_HEADLINE, digits], timeout=timeout_ms)
        except PlaywrightTimeout:
            raise StudentError(f"the wall shows {await self.headline()!r}, not {digits} digits") from None
        return await handle.json_value()

    async def errors(self) -> list[str]:
        """What went wrong on the wall: an error or exception element on the page, an uncaught script error."""
        shown = [f"error on the wall: {text}" for text in await self.page.locator(EXCEPTION).all_inner_texts()]
        return shown + [f"script error on the wall: {error}" for error in self.page_errors]


def wall_digits(headline: str) -> int:
    """How many digits a wall headline counts ("12 digits, 3 misread or unsure" -> 12)."""
    return int(HEADLINE_WORDS.match(headline).group(1))
