"""What a page looks like at each screen a classroom has, measured in the browser: overflow, overlapping text,
text too small.

Each check returns what is wrong as readable lines (empty when all is well), so a
failing test says what a person would have seen.
"""

from harness.browser import wait_until_settled

# The screens a classroom has: Playwright's new_context() settings for each.
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    "tablet": {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "is_mobile": True},  # portrait
    "projector": {"viewport": {"width": 1280, "height": 720}},
    "desktop": {"viewport": {"width": 1600, "height": 1000}},
    "wide": {"viewport": {"width": 1920, "height": 1080}},
}

# Every visible piece of text under the elements matching a selector: its words, its boxes on the screen (one per
# line it wraps to, HTML and SVG text alike) and its computed font size in CSS pixels.
VISIBLE_TEXT = """(selector) => {
  const pieces = [];
  for (const scope of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = node.textContent.trim();
      const parent = node.parentElement;
      if (!words || !parent || parent.closest('.rr-visually-hidden, style, script, [inert]')) continue;  // inert: a closed expander's
      const style = getComputedStyle(parent);
      if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const boxes = [...range.getClientRects()].filter(b => b.width > 0.5 && b.height > 0.5)
        .map(b => ({left: b.left, top: b.top, right: b.right, bottom: b.bottom}));
      if (boxes.length) pieces.push({words, boxes, size: parseFloat(style.fontSize), chart: Boolean(parent.closest('.js-plotly-plot'))});
    }
  }
  return pieces;
}"""


# The page's scrolling boxes that run wider than the window, as "what: N px wide in a W px window". Streamlit scrolls
# its main section itself (stMain), so a page too wide for the screen shows there as well as, or instead of, on the
# document.
OVERFLOW = """() => {
  const boxes = [['document', document.scrollingElement], ['main section', document.querySelector('[data-testid=stMain]')]];
  return boxes.filter(([, box]) => box && box.scrollWidth > innerWidth)
    .map(([name, box]) => `${name}: ${box.scrollWidth} px wide in a ${innerWidth} px window`);
}"""

# Every chart drawn at its box's width: Streamlit redraws plotly charts after the window changes size, a moment later.
CHARTS_FIT = """() => [...document.querySelectorAll('.js-plotly-plot')].every(
  plot => !plot._fullLayout || Math.abs(plot._fullLayout.width - plot.parentElement.getBoundingClientRect().width) <= 1)"""
# The drawing canvas resized for its column: the Read page measures the new width and reruns with a canvas to fit
# (views/parts/screen.py). The canvas sits in its component's open shadow root, in a box that would scroll sideways.
CANVAS_FITS = """() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')].every(host => {
  const box = host.shadowRoot && host.shadowRoot.querySelector('.dc-scroll');
  return !box || box.scrollWidth <= box.clientWidth;
})"""


def horizontal_overflow(page) -> list[str]:
    """What makes the page scroll sideways, [] if nothing does."""
    return page.evaluate(OVERFLOW)


def fit_to_screen(page, screen: str, timeout_ms: float = 30_000) -> list[str]:
    """Resize the tab to one of SCREENS, wait until its charts and canvas are redrawn for it, and return its
    horizontal overflow.

    Touch and mobile are settings of the tab's context, chosen when it was opened: only the size changes here.
    """
    page.set_viewport_size(SCREENS[screen]["viewport"])
    page.wait_for_function(CHARTS_FIT, timeout=timeout_ms)
    page.wait_for_function(CANVAS_FITS, timeout=timeout_ms)
    wait_until_settled(page)
    return horizontal_overflow(page)


def outside_viewport(page, selector: str) -> list[str]:
    """The element is not wholly on the screen's width, or is taller than the screen."""
    box = page.locator(selector).first.bounding_box()
    width, height = page.evaluate("() => [innerWidth, innerHeight]")
    wrong = []
    if box["x"] < 0 or box["x"] + box["width"] > width:
        wrong.append(f"{selector} spans x {box['x']:.0f} to {box['x'] + box['width']:.0f} on a {width} px screen")
    if box["height"] > height:
        wrong.append(f"{selector} is {box['height']:.0f} px tall on a {height} px screen")
    return wrong


def overlapping_text(page, selector: str, tolerance: float = 1.0) -> list[str]:
    """Two visible pieces of text under `selector` whose boxes overlap by more than `tolerance` px each way."""
    pieces = page.evaluate(VISIBLE_TEXT, selector)
    boxes = [(n, piece["words"], box) for n, piece in enumerate(pieces) for box in piece["boxes"]]
    wrong = []
    for i, (piece_a, words_a, a) in enumerate(boxes):
        for piece_b, words_b, b in boxes[i + 1 :]:
            if piece_a == piece_b:  # the lines of one wrapped piece of text
                continue
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if across > tolerance and down > tolerance:
                wrong.append(f"{words_a!r} overlaps {words_b!r}")
    return wrong


def small_text(page, selector: str, minimum_px: float, chart_minimum_px: float | None = None) -> list[str]:
    """Visible text under `selector` set smaller than `minimum_px`; a chart's own text (plotly's), smaller than
    `chart_minimum_px` where that is given."""
    wrong = []
    for piece in page.evaluate(VISIBLE_TEXT, selector):
        least = chart_minimum_px if piece["chart"] and chart_minimum_px is not None else minimum_px
        if piece["size"] < least - 0.01:
            wrong.append(f"{'chart text ' if piece['chart'] else ''}{piece['words'][:40]!r} is {piece['size']:.1f} px")
    return wrong
