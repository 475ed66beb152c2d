"""The app in a real browser: startup time, stroke-to-prediction time, bytes sent per prediction.

    python bench/bench_app.py [--starts 3] [--strokes 20]
    python bench/bench_app.py --against ../before --rounds 3   # this checkout and another, alternated in one run

- startup: from launching `streamlit run app.py` to a canvas one can draw on
  (goal: under 10 s);
- stroke to prediction: from the mouse-up that ends a stroke to the updated
  Prediction on screen, measured inside the page (goal: median under 300 ms);
- payload: the websocket bytes the server sends for one prediction, as the
  browser receives them (before any compression on the wire; goal: under 300 KB).

With --against, each round times this checkout and the other one in turn (the order swapped every round), so a
machine that drifts weighs on both alike; it prints each one's figures over all rounds and their ratios, this / other.
Timings only; no test depends on them.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from harness.browser import (  # noqa: E402
    CANVAS,
    MARK_MOUSE_UP,
    METRIC_VALUE,
    chromium,
    clear_canvas,
    draw_digit,
    wait_until_settled,
)
from harness.server import REPO_ROOT, streamlit_server  # noqa: E402

SEND_DELAY = "() => window.__sent - window.__strokeEnd"
# The reading on screen: the player's panels (before the player: the Read page's plotly chart with a slider).
READING_SHOWN = "document.querySelector('.rr-grid, .js-plotly-plot .slider-container')"
WAIT_FOR_READING = f"() => {READING_SHOWN} ? performance.now() - window.__strokeEnd : false"
WAIT_FOR_PREDICTION = """(digit) => {
  const value = document.querySelector('[data-testid=stMetricValue]');
  return value && value.textContent.trim() === digit ? performance.now() - window.__strokeEnd : false;
}"""


def measure_startup(browser, root: Path = REPO_ROOT) -> float:
    """Seconds from launching the server to a visible canvas in a freshly opened page."""
    started = time.perf_counter()
    with streamlit_server(root=root) as (url, _, _):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(url)
        page.locator(CANVAS).wait_for(timeout=90_000)
        elapsed = time.perf_counter() - started
        page.close()
    return elapsed


def warm_up(page) -> None:
    """A 7, cleared, then a 1: loads the network and the first figure, and mounts a cleared canvas once. The first
    canvas mounted after a clear sometimes loses a stroke drawn at once (in either checkout, and only that first one),
    so a warm-up stroke is drawn again until it is read; the measured strokes never are."""
    draw_digit(page, "7")
    page.wait_for_function(WAIT_FOR_PREDICTION, arg="7", timeout=90_000)
    for _ in range(3):
        clear_canvas(page)
        draw_digit(page, "1")
        try:
            page.wait_for_function(WAIT_FOR_PREDICTION, arg="1", timeout=30_000)
            return
        except PlaywrightTimeout:
            continue
    raise RuntimeError("three strokes of the warm-up were lost")


def measure_strokes(browser, strokes: int, root: Path = REPO_ROOT) -> dict:
    """Per stroke: ms to the Prediction and to the reading on screen, and the websocket bytes of its rerun."""
    with streamlit_server(root=root) as (url, _, _):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        received: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(len(payload))))
        page.add_init_script(f"({MARK_MOUSE_UP})()")
        page.goto(url)
        page.locator(CANVAS).wait_for(timeout=90_000)
        wait_until_settled(page)
        warm_up(page)
        latencies, send_delays, readings, payloads = [], [], [], []
        for trial in range(strokes):
            clear_canvas(page)  # and the page settled, before counting bytes
            digit = "17"[trial % 2]
            received.clear()
            draw_digit(page, digit, shift=(0.01 * (trial % 7) - 0.03, 0.01 * (trial % 5) - 0.02))  # new figure each time
            try:
                latencies.append(page.wait_for_function(WAIT_FOR_PREDICTION, arg=digit, timeout=30_000).json_value())
            except Exception:
                shown = page.locator(METRIC_VALUE).all_text_contents()
                raise RuntimeError(f"{root.name}, trial {trial}: no prediction {digit}; the page shows {shown}") from None
            send_delays.append(page.evaluate(SEND_DELAY))
            readings.append(page.wait_for_function(WAIT_FOR_READING, timeout=30_000).json_value())
            wait_until_settled(page)  # the rest of the rerun's messages
            payloads.append(sum(received))
        page.close()
    return {"latencies": latencies, "send_delays": send_delays, "readings": readings, "payloads": payloads}


def summary(starts: list[float], trials: dict) -> dict:
    latencies, payloads = sorted(trials["latencies"]), trials["payloads"]
    return {
        "startup_s": [round(s, 2) for s in starts],
        "startup_s_median": round(statistics.median(starts), 2),
        "strokes": len(latencies),
        "stroke_to_prediction_ms_median": round(statistics.median(latencies), 1),
        "stroke_to_prediction_ms_p90": round(latencies[int(0.9 * (len(latencies) - 1))], 1),
        "stroke_to_prediction_ms_max": round(latencies[-1], 1),
        "of_which_canvas_send_delay_ms_median": round(statistics.median(trials["send_delays"]), 1),
        "stroke_to_reading_figure_ms_median": round(statistics.median(trials["readings"]), 1),
        "payload_kb_median": round(statistics.median(payloads) / 1000, 1),
        "payload_kb_max": round(max(payloads) / 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--starts", type=int, default=3, help="cold starts of the server to time")
    parser.add_argument("--strokes", type=int, default=20, help="digits drawn after warm-up (per round with --against)")
    parser.add_argument("--against", type=Path, help="another checkout (say, a git worktree of main) to time in turn with this one")
    parser.add_argument("--rounds", type=int, default=3, help="with --against: rounds of one start and --strokes strokes each")
    args = parser.parse_args()
    with chromium() as browser:
        if args.against is None:
            starts = [measure_startup(browser) for _ in range(args.starts)]
            print(json.dumps(summary(starts, measure_strokes(browser, args.strokes)), indent=2))
            return
        print(json.dumps(side_by_side(browser, [REPO_ROOT, args.against.resolve()], args.rounds, args.strokes), indent=2))


def side_by_side(browser, roots: list[Path], rounds: int, strokes: int) -> dict:
    """Each round starts and strokes every checkout in turn, the order swapped every round; then this / other."""
    starts = {root: [] for root in roots}
    trials = {root: {"latencies": [], "send_delays": [], "readings": [], "payloads": []} for root in roots}
    for round_number in range(rounds):
        for root in roots if round_number % 2 == 0 else roots[::-1]:
            starts[root].append(measure_startup(browser, root))
            for name, values in measure_strokes(browser, strokes, root).items():
                trials[root][name].extend(values)
    this, other = (summary(starts[root], trials[root]) for root in roots)
    ratios = {name: round(this[name] / other[name], 3) for name in this if name.endswith(("median", "p90")) and other[name]}
    return {"this": this, "other": other, "this / other": ratios}


if __name__ == "__main__":
    main()
