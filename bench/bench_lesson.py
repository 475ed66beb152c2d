"""Moments of a lesson, timed in real browsers: a phone's stroke to its answer in view, a tap on a wall tile to its
reading playing, and how many tiles a 1280x720 projector shows at once.

    python bench/bench_lesson.py [--digits 44]

A student on a phone (390x844, touch) draws --digits digits, each a little different, and shares each to the wall;
for each, the time from the finger lifting to the Prediction on screen inside the viewport, measured in the page.
The teacher's projector (1280x720, presenter mode) then counts the wall's tiles wholly on its first screen and opens
a few tiles, each timed from the click to the reading playing. Timings only; no test depends on them.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.browser import CANVAS, chromium, clear_canvas, draw_digit, wait_until_settled  # noqa: E402
from harness.layout import SCREENS  # noqa: E402
from harness.server import streamlit_server  # noqa: E402

MARK_FINGER_UP = "() => document.addEventListener('touchend', () => { window.__strokeEnd = performance.now(); }, true)"
ANSWER_IN_VIEW = """() => {
  const value = document.querySelector('[data-testid=stMetricValue]');
  if (!value || value.closest('[data-stale=true]')) return false;
  const box = value.getBoundingClientRect();
  return box.bottom <= innerHeight && box.top >= 0 ? performance.now() - window.__strokeEnd : false;
}"""
MARK_CLICK = "() => document.addEventListener('click', () => { window.__clicked = performance.now(); }, true)"
PLAYING = "() => document.querySelector('[role=dialog] .rr[data-playing=true]') ? performance.now() - window.__clicked : false"
TILES_IN_VIEW = """() => [...document.querySelectorAll('[class*="st-key-tile-"]')].filter(tile => {
  const box = tile.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth;
}).length"""


def share_digits(phone, count: int) -> list[float]:
    """Draw and share `count` digits; ms from the finger lifting to the answer in view, for each."""
    in_view = []
    for n in range(count):
        if n:
            clear_canvas(phone)
        phone.evaluate("() => { window.__strokeEnd = null; scrollTo(0, 0); }")  # back up to the canvas from Share
        draw_digit(phone, "17"[n % 2], shift=(0.012 * (n % 9) - 0.05, 0.01 * (n % 7) - 0.03), touch=True)
        in_view.append(phone.wait_for_function(ANSWER_IN_VIEW, timeout=60_000).json_value())
        wait_until_settled(phone)
        phone.get_by_role("button", name="Share with the class").click()
        phone.get_by_text("on the class wall").first.wait_for(timeout=60_000)
    return in_view


def open_tiles(teacher, numbers: list[int]) -> list[float]:
    """ms from the click on Open to the reading playing in the dialog, for each tile."""
    from playwright.sync_api import expect

    teacher.evaluate(MARK_CLICK)
    playing = []
    for number in numbers:
        teacher.get_by_role("button", name=f"Open #{number}", exact=True).click()
        playing.append(teacher.wait_for_function(PLAYING, timeout=60_000).json_value())
        teacher.get_by_role("dialog").get_by_role("button", name="Back to the wall").click()
        expect(teacher.get_by_role("dialog")).to_have_count(0)
        wait_until_settled(teacher)
    return playing


def figures(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered), 1), "max_ms": round(ordered[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--digits", type=int, default=44, help="digits the phone draws and shares")
    parser.add_argument("--opens", type=int, default=6, help="tiles the teacher opens")
    args = parser.parse_args()
    with streamlit_server() as (url, _, _), chromium() as browser:
        phone = browser.new_context(**SCREENS["phone"]).new_page()
        phone.add_init_script(f"({MARK_FINGER_UP})()")
        phone.goto(url)
        phone.locator(CANVAS).wait_for(timeout=90_000)
        wait_until_settled(phone)
        in_view = share_digits(phone, args.digits)
        teacher = browser.new_context(**SCREENS["projector"]).new_page()
        teacher.goto(url + "/wall?present=true")
        teacher.get_by_text(f"{args.digits} digits", exact=False).first.wait_for(timeout=90_000)
        wait_until_settled(teacher)
        tiles = teacher.evaluate(TILES_IN_VIEW)
        playing = open_tiles(teacher, list(range(args.digits, max(args.digits - args.opens, 0), -1)))
    print(json.dumps({
        "phone_stroke_to_answer_in_view": figures(in_view),
        "projector_tiles_in_view": {"digits_shared": args.digits, "tiles_wholly_on_first_screen": tiles},
        "wall_click_to_reading_playing": figures(playing),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
