"""Training started from the app against the training CLI alone, and how soon the page shows progress.

    python bench/bench_train_page.py [--rounds 2] [--limit 30000] [--epochs 2]

Runs the same small recipe alternately from the command line and from the Train
page of a running app, and reports, side by side in one run:

- throughput: the median training samples per second over a run's progress
  records, for each way of starting it: the CLI alone, from the app with the
  Train page open in Chromium on the same machine (its drawing competes for
  the cores), and from the app with the page closed (goal: the app within 5%
  of the CLI);
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

from harness.browser import chromium, start_training  # noqa: E402
from harness.server import streamlit_server  # noqa: E402
from harness.waiting import wait_until  # noqa: E402
from training import progress, run_folder  # noqa: E402

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
    rates = [record["samples_per_s"] for record in progress.read_progress(run_dir) if record["kind"] == progress.BATCH]
    if not rates:
        log = (run_dir / run_folder.LOG_FILE).read_text()[-2000:] if (run_dir / run_folder.LOG_FILE).exists() else ""
        raise RuntimeError(f"{run_dir} has no progress: status {run_folder.read_status(run_dir)}\n{log}")
    return statistics.median(rates)


def run_cli(run_dir: Path, settings: dict[str, str]) -> float:
    command = [sys.executable, "-m", "training", "--preset", RECIPE, "--out", str(run_dir)]
    for flag, value in settings.items():
        command += [flag, value]
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    return throughput(run_dir)


def run_from_app(page, url: str, runs_root: Path, form: dict[str, str], watch: bool) -> tuple[float, list[float]]:
    """Start a run on the Train page and wait for it to end, the page left open (watch) or moved to the Read page.

    Returns the run's throughput and, when watched, the delays between writing a record and showing it.
    """
    runs_root.mkdir(parents=True, exist_ok=True)
    before = set(runs_root.iterdir())
    start_training(page, url, RECIPE, form)
    page.evaluate(f"({OBSERVE_PROGRESS})()")

    def new_run_folders() -> list[Path]:
        return [path for path in set(runs_root.iterdir()) - before if path.is_dir()]

    (run_dir,) = wait_until(new_run_folders, 900, "the run's folder")
    if not watch:
        page.goto(url)  # the Read page: nobody polls the run

    def ended() -> bool:
        return (run_folder.read_status(run_dir) or {}).get("state", run_folder.RUNNING) != run_folder.RUNNING

    wait_until(ended, 900, "the run to end")
    if not watch:
        return throughput(run_dir), []
    page.get_by_text("Finished", exact=True).wait_for(timeout=60_000)
    written = {record["step"]: record["time"] for record in progress.read_progress(run_dir) if record["kind"] == progress.BATCH}
    shown = page.evaluate("() => window.__shown")
    return throughput(run_dir), [entry["at"] - written[entry["step"]] for entry in shown if entry["step"] in written]


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
    rates = {"CLI alone": [], "app, page watching": [], "app, page closed": []}
    delays = []
    with tempfile.TemporaryDirectory(prefix="bench-train-") as scratch:
        scratch = Path(scratch)
        runs_root = scratch / "app-runs"
        with streamlit_server(env={"ROW_READER_RUNS": str(runs_root)}) as (url, _, _), chromium() as browser:
            page = browser.new_page(viewport={"width": 1440, "height": 1200})
            for round_number in range(args.rounds):
                for mode, values in rates.items():
                    started = time.perf_counter()
                    if mode == "CLI alone":
                        values.append(run_cli(scratch / f"cli-{round_number}", cli_settings))
                    else:
                        rate, shown = run_from_app(page, url, runs_root, form, watch=mode == "app, page watching")
                        values.append(rate)
                        delays += shown
                    took = time.perf_counter() - started
                    print(f"round {round_number + 1}, {mode}: {values[-1]:,.0f} samples/s ({took:.0f} s)", flush=True)

    print(f"\nRecipe {RECIPE}, {args.limit:,} digits, {args.epochs} epochs, {args.rounds} rounds, modes alternating")
    cli = statistics.median(rates["CLI alone"])
    for mode, values in rates.items():
        runs, median = ", ".join(f"{rate:,.0f}" for rate in values), statistics.median(values)
        print(f"{mode:20s} median {median:6,.0f} samples/s, {median / cli:.3f} of the CLI  (runs: {runs})")
    if delays:
        delays.sort()
        p90 = delays[int(0.9 * (len(delays) - 1))]
        print(f"record written -> shown on the page: median {statistics.median(delays):.2f} s, p90 {p90:.2f} s, "
              f"max {delays[-1]:.2f} s over {len(delays)} updates")  # fmt: skip


if __name__ == "__main__":
    main()
