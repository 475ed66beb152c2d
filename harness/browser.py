"""Drive the real app in Debian's Chromium: draw strokes, read what a person sees, and wait for the page itself.

Every wait here is on something the page shows or holds (an element, Streamlit's
script state, plotly's animation state), never on a fixed time.
"""

import re
from contextlib import contextmanager

from views.words import INVITE_DRAW

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CANVAS = "canvas.upper-canvas"  # inside the component's shadow root; Playwright's CSS locators pierce it
METRIC_VALUE = "[data-testid=stMetricValue]"
PAGE_TIMEOUT_MS = 90_000  # a page waited for on a busy 2-core machine: generous, a passing run never waits it out

# Strokes as fractions of the canvas, the way a student draws these digits.
DIGIT_STROKES = {
    "1": [[(0.42, 0.25), (0.52, 0.15), (0.52, 0.85)]],
    "7": [[(0.28, 0.2), (0.72, 0.2), (0.42, 0.85)]],
}
STEPS_PER_SEGMENT = 12  # mouse positions along each straight piece of a stroke

# Mark the end of each stroke, and the first message the page sends after it (the canvas's drawing).
MARK_MOUSE_UP = """() => {
  document.addEventListener('mouseup', () => { window.__strokeEnd = performance.now(); window.__sent = null; }, true);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (window.__sent === null) window.__sent = performance.now();
    return send.call(this, data);
  };
}"""


@contextmanager
def chromium(headless: bool = True):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=headless)
        try:
            yield browser
        finally:
            browser.close()


def open_app(browser, url: str, viewport: dict, **options):
    """A new tab on the app's Read page, once its canvas can be drawn on; its clicks and waits allow PAGE_TIMEOUT_MS.
    `options` are Playwright's for the tab (reduced_motion="reduce": readings do not play by themselves)."""
    page = browser.new_page(viewport=viewport, **options)
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(url)
    page.locator(CANVAS).wait_for(timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)  # nothing left to load that would move the canvas under the pen
    return page


# --- drawing --------------------------------------------------------------------------------------------------------


def pen_path(points, shift: tuple[float, float] = (0.0, 0.0)) -> list[tuple[float, float]]:
    """The positions (fractions of the canvas) a mouse passes through drawing a stroke through `points`, moved by `shift`."""
    moved = [(x + shift[0], y + shift[1]) for x, y in points]
    path = [moved[0]]
    for (x0, y0), (x1, y1) in zip(moved[:-1], moved[1:], strict=True):
        path += [(x0 + (x1 - x0) * i / STEPS_PER_SEGMENT, y0 + (y1 - y0) * i / STEPS_PER_SEGMENT) for i in range(1, STEPS_PER_SEGMENT + 1)]
    return path


def on_screen(box: dict, path: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """`path` (fractions of the canvas) in page pixels, for a canvas whose bounding box is `box`."""
    return [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in path]


def draw_digit(page, digit: str, shift: tuple[float, float] = (0.0, 0.0), *, touch: bool = False) -> None:
    """Draw one of DIGIT_STROKES, moved by `shift` (fractions of the canvas) so that no two drawings are alike.

    touch: with a finger (touch events, as a phone or a tablet sends them; the page must be opened with has_touch).
    """
    box = page.locator(CANVAS).bounding_box()
    finger = page.context.new_cdp_session(page) if touch else None
    for points in DIGIT_STROKES[digit]:
        first, *rest = on_screen(box, pen_path(points, shift))
        if finger:
            _touch_stroke(finger, [first, *rest])
            continue
        page.mouse.move(*first)
        page.mouse.down()
        for point in rest:
            page.mouse.move(*point)
        page.mouse.up()
    if finger:
        finger.detach()


def swipe_up(page, x: float, y: float, distance: float) -> None:
    """A finger dragged `distance` pixels up from (x, y), as one scrolls a page on a phone (touch events, has_touch)."""
    finger = page.context.new_cdp_session(page)
    _touch_stroke(finger, [(x, y - distance * step / 10) for step in range(11)])
    finger.detach()


def _touch_stroke(finger, path: list[tuple[float, float]]) -> None:
    """One stroke with one finger, through Chromium's DevTools protocol (Input.dispatchTouchEvent)."""
    (x, y), *rest = path
    finger.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in rest:
        finger.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    finger.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def clear_canvas(page) -> None:
    """Press Clear, and wait for what a person waits for before drawing again: no Prediction, a new empty canvas."""
    from playwright.sync_api import expect

    old_canvas = page.locator(CANVAS).element_handle()
    page.get_by_role("button", name="Clear the canvas").click()
    expect(page.locator(METRIC_VALUE)).to_have_count(0, timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(INVITE_DRAW)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    old_canvas.wait_for_element_state("hidden", timeout=PAGE_TIMEOUT_MS)  # gone: the cleared canvas is a new one
    page.locator(CANVAS).wait_for(timeout=PAGE_TIMEOUT_MS)  # strokes before it is there are lost
    wait_until_settled(page)


# The dark pixels on the canvas's drawing layer (the component's own <canvas>, in its shadow root): 0 when it is blank.
# Every lower canvas of the component: the first is its background, white; the drawing's finished strokes are on
# the one after (canvas.dc-canvas), so counting the first alone always gave 0.
INK_ON_CANVAS = """() => {
  for (const host of document.querySelectorAll('[data-testid=stBidiComponentIsolated]')) {
    const canvases = host.shadowRoot ? [...host.shadowRoot.querySelectorAll('canvas.lower-canvas')] : [];
    if (!canvases.length) continue;
    let dark = 0;
    for (const canvas of canvases) {
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 128 && pixels[i] < 128) dark++;
    }
    return dark;
  }
  return null;
}"""


def ink_on_canvas(page) -> int | None:
    """How many dark pixels the drawing canvas shows (None when there is no canvas)."""
    return page.evaluate(INK_ON_CANVAS)


# --- Streamlit's reruns ---------------------------------------------------------------------------------------------

# Streamlit has no script run going, nothing stale and nothing still loading on the page. It marks the elements of
# the previous run data-stale="true" (and fades them) until the run that replaces them has finished, and shows a
# stSkeleton in place of an element whose code is still loading (a selectbox, a plotly chart), which moves everything
# below it when the element takes its place. Wait for this after what a rerun shows has appeared: the app root's
# data-test-script-state does not tell that a rerun has started, as a quick run can go from "notRunning" back to
# "notRunning" within one render of the page.
SETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return Boolean(app) && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-stale=true], [data-testid=stSkeleton]');
}"""


def wait_until_settled(page) -> None:
    """Wait until no script run is going and nothing on the page is stale or still loading."""
    page.wait_for_function(SETTLED, timeout=PAGE_TIMEOUT_MS)


# --- the reading's animation ----------------------------------------------------------------------------------------

# The reading as the page shows it: the row the player shows ("Rows read: N of 28") and whether it is playing.
READING = """() => {
  const player = document.querySelector('.rr[data-row]');
  return player ? {row: Number(player.dataset.row), moving: player.dataset.playing === 'true'} : null;
}"""
# A plotly animation with a "Rows read: N of 28" slider (the Look inside page's map): the row on its slider, and
# whether plotly is still moving through frames (plotly.js 3's Plots.animate: its animation loop is running while
# _animationRaf is set, and frames wait in _frameQueue; stopping the loop sets _animationRaf to null).
PLOTLY_ANIMATION = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.querySelector('.slider-container'));
  const label = plot && plot.querySelector('.slider-label');
  const match = label && /Rows read: (\\d+) of/.exec(label.textContent);
  if (!match) return null;
  const animation = plot._transitionData || {};
  return {row: Number(match[1]), moving: Boolean(animation._animationRaf) || (animation._frameQueue || []).length > 0};
}"""


def reading_shown(page) -> dict | None:
    """{"row": the row the reading shows, "moving": whether it is playing}, or None."""
    return page.evaluate(READING)


def rows_read(page) -> int:
    """The row the reading shows."""
    return reading_shown(page)["row"]


def wait_for_seen(page, watch: str, condition: str, arg=None, timeout: float = PAGE_TIMEOUT_MS) -> dict:
    """Wait until what the page script `watch` returns, `seen`, meets `condition` (a JavaScript expression of `seen`
    and `arg`), and return it."""
    test = f"(arg) => {{ const seen = ({watch})(); return seen && ({condition}) ? seen : false; }}"
    return page.wait_for_function(test, arg=arg, timeout=timeout).json_value()


def wait_for_reading(page, condition: str, arg=None, timeout: float = PAGE_TIMEOUT_MS) -> dict:
    """Wait until the reading shown ({row, moving}) meets `condition`: "seen.row > arg", "!seen.moving && seen.row === arg"."""
    return wait_for_seen(page, READING, condition, arg, timeout)


def wait_for_animation(page, condition: str, arg=None, timeout: float = PAGE_TIMEOUT_MS) -> dict:
    """As wait_for_reading, for a plotly animation with a "Rows read" slider (the Look inside page's map)."""
    return wait_for_seen(page, PLOTLY_ANIMATION, condition, arg, timeout)


# --- the Train page -------------------------------------------------------------------------------------------------

# What the progress bar and the loss panel show now: {"step": N or null when there is no bar, "points": curve length}.
WATCH_TRAINING = """() => {
    const bar = document.querySelector('[data-testid=stProgress]');
    const match = bar && /step ([\\d,]+) of/.exec(bar.innerText);
    const plot = document.querySelector('.js-plotly-plot');
    return {step: match ? Number(match[1].replace(/,/g, '')) : null, points: plot && plot.data ? plot.data[0].x.length : 0};
}"""


def wait_for_training(page, condition: str, arg=None, timeout: float = PAGE_TIMEOUT_MS) -> dict:
    """Wait until the Train page's progress ({step, points}) meets `condition`: "seen.step > arg"."""
    return wait_for_seen(page, WATCH_TRAINING, condition, arg, timeout)


def start_training(page, url: str, recipe: str, settings: dict[str, str]) -> None:
    """Open the Train page, choose a recipe, fill the number boxes by label, and press Start."""
    from playwright.sync_api import expect

    page.goto(url + "/train")
    expect(page.get_by_role("button", name="Start training")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("Recipe").click()
    page.get_by_role("option", name=re.compile(f"^{recipe}:")).click()
    for label, value in settings.items():
        box = page.get_by_role("textbox", name=label, exact=True)
        box.fill(value)
        box.press("Enter")
    page.get_by_role("button", name="Start training").click()


# --- the Look inside page -------------------------------------------------------------------------------------------

# Where a cell of a category-axis plotly chart is on the screen: (chart index, x category index, y category index) -> [x, y].
CELL_ON_SCREEN = """([chart, column, row]) => {
    const plot = document.querySelectorAll('.js-plotly-plot')[chart];
    const x = plot._fullLayout.xaxis, y = plot._fullLayout.yaxis, box = plot.getBoundingClientRect();
    return [box.left + x._offset + x.l2p(column), box.top + y._offset + y.l2p(row)];
}"""
# The first chart's figure, kept to tell when another has been drawn: plotly replaces gd.data with every new figure.
NOTE_CHART = "() => { const plot = document.querySelector('.js-plotly-plot'); window.__chartBefore = plot ? plot.data : null; }"
NEW_CHART_DRAWN = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  return Boolean(plot && plot._fullLayout && plot.data !== window.__chartBefore);
}"""


def open_view(page, view: str) -> None:
    """Choose one of the Look inside page's views, and wait until the rerun has drawn its chart and finished."""
    choice = page.get_by_role("radio", name=view, exact=True)
    choice.wait_for(timeout=PAGE_TIMEOUT_MS)
    if choice.get_attribute("aria-checked") == "true":  # the view shown: choosing it again starts no rerun
        page.evaluate("() => { window.__chartBefore = undefined; }")  # its chart, once drawn, will do
    else:
        page.evaluate(NOTE_CHART)
        choice.click()
    page.wait_for_function(NEW_CHART_DRAWN, timeout=PAGE_TIMEOUT_MS)
    wait_until_settled(page)  # the run has finished, and nothing is left to load that would move the chart
