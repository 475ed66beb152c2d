"""Training started from the app against the training CLI alone, and how soon the page shows progress.

    python bench/bench_train_page.py [--rounds 2] [--limit 30000] [--epochs 2]

Runs the same small recipe alternately from the command line and from the Train
page of a running app (in Chromium, with the page open and polling the whole
time), and reports, side by side in one run:

- throughput: the median training samples per second over a run's progress
  records, for each way of starting it (goal: the app within 5% of the CLI);
- update delay: from the moment the training process writes a progress record
  to the moment the page shows that step, timed in the page against the
  record's own timestamp (both on this machine's clock).

Timings only; no test depends on them. Needs MNIST_DIR and Debian's chromium.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import chromium, start_training, streamlit_server  # noqa: E402
from training import progress  # noqa: E402

RECIPE = "qiita"  # raw rows into one LSTM of 128 units, as the tutorials
# Every change of the progress bar's text, with the wall-clock time the page drew it.
OBSERVE_PROGRESS = """() => {
  window.__shown = [];
  new MutationObserver(() => {
    const bar = document.querySelector('[data-testid=stProgress]');
    const match = bar && /step ([\\d,]+) of/.exec(bar.innerText);
    if (!match) return;
    const step = Number(match[1].replace(/,/g, ''));
    const last = window.__shown[window.__shown.length - 1];
    if (!last || last.step !== step) window.__shown.push({step, at: Date.now() / 1000});
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def throughput(run_dir: Path) -> float:
    rates = [record["samples_per_s"] for record in progress.read_progress(run_dir) if record["kind"] == "batch"]
    return statistics.median(rates)


def run_cli(run_dir: Path, settings: dict[str, str]) -> float:
    command = [sys.executable, "-m", "training", "--preset", RECIPE, "--out", str(run_dir)]
    for flag, value in settings.items():
        command += [flag, value]
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    return throughput(run_dir)


def run_from_app(page, url: str, runs_root: Path, form: dict[str, str]) -> tuple[float, list[float]]:
    """Start a run on the Train page, watch it to the end; returns its throughput and the page's update delays."""
    before = set(runs_root.iterdir()) if runs_root.exists() else set()
    start_training(page, url, RECIPE, form)
    page.evaluate(f"({OBSERVE_PROGRESS})()")
    page.locator("[data-testid=stProgress]").wait_for(timeout=90_000)
    page.get_by_text("Finished", exact=True).wait_for(timeout=600_000)
    run_dir = next(iter(set(runs_root.iterdir()) - before))
    written = {record["step"]: record["time"] for record in progress.read_progress(run_dir) if record["kind"] == "batch"}
    shown = page.evaluate("() => window.__shown")
    delays = [entry["at"] - written[entry["step"]] for entry in shown if entry["step"] in written]
    return throughput(run_dir), delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2, help="CLI and app runs each, alternating (default 2)")
    parser.add_argument("--limit", type=int, default=30_000, help="training digits per run (default 30,000)")
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("MNIST_DIR"):
        sys.exit("Set MNIST_DIR to the folder of the four MNIST IDX files.")

    cli_settings = {"--limit": str(args.limit), "--epochs": str(args.epochs)}
    form = {"Use only the first N digits": str(args.limit), "Epochs": str(args.epochs)}
    cli_rates, app_rates, delays = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-train-") as scratch:
        scratch = Path(scratch)
        runs_root = scratch / "app-runs"
        with streamlit_server(env={"ROW_READER_RUNS": str(runs_root)}) as (url, _, _), chromium() as browser:
            page = browser.new_page(viewport={"width": 1440, "height": 1200})
            for round_number in range(args.rounds):
                started = time.perf_counter()
                cli_rates.append(run_cli(scratch / f"cli-{round_number}", cli_settings))
                print(f"round {round_number + 1}: CLI {cli_rates[-1]:,.0f} samples/s ({time.perf_counter() - started:.0f} s)", flush=True)
                started = time.perf_counter()
                rate, shown = run_from_app(page, url, runs_root, form)
                app_rates.append(rate)
                delays += shown
                print(f"round {round_number + 1}: app {rate:,.0f} samples/s ({time.perf_counter() - started:.0f} s), "
                      f"{len(shown)} updates seen", flush=True)  # fmt: skip

    cli, app = statistics.median(cli_rates), statistics.median(app_rates)
    delays.sort()
    print(f"\nRecipe {RECIPE}, {args.limit:,} digits, {args.epochs} epochs, {args.rounds} rounds, alternating")
    print(f"throughput, CLI alone:         {cli:,.0f} samples/s  (runs: {', '.join(f'{r:,.0f}' for r in cli_rates)})")
    print(f"throughput, started from app:  {app:,.0f} samples/s  (runs: {', '.join(f'{r:,.0f}' for r in app_rates)})")
    print(f"app / CLI:                     {app / cli:.3f}  (goal: within 5%)")
    if delays:
        p90 = delays[int(0.9 * (len(delays) - 1))]
        print(f"record written -> shown on the page: median {statistics.median(delays):.2f} s, p90 {p90:.2f} s, "
              f"max {delays[-1]:.2f} s over {len(delays)} updates")  # fmt: skip


if __name__ == "__main__":
    main()
