"""Hold a classroom: N students draw on one Row Reader server at once; how quick is it, and does memory come back?

    python bench/bench_class_load.py                                  # N = 1, 10, 30; 2 of them Chromium tabs
    python bench/bench_class_load.py --students 30 --training         # 30 students while a training run goes
    python bench/bench_class_load.py --students 1 10 30 45 --browsers 0
    python bench/bench_class_load.py --students 30 --share --wall     # 30 share every digit, the wall open in Chromium
    python bench/bench_class_load.py --students 30 --digits 8 --share --wall   # 240 shares: past the wall's 200

Starts `streamlit run app.py` on a free port, served as README "Serving a
class" says (SERVING in harness/server.py; --streamlit-defaults for
Streamlit's defaults), warms it up (two students, one in Chromium if any will
be, draw twice, so the network is loaded, the modules imported and the
browser's files served once; sharing and with the wall open, as the lessons
will), lets those sessions expire, and then for each class size runs a lesson
(harness/load/classroom.py): students arrive over 10 s, each draws 3 digits
(--digits) with real strokes, waits for the Prediction, shares it (--share),
plays the reading for 10 s, clears, and leaves. Per class size it reports:

- stroke to prediction: median and 95th percentile, per kind of client. The
  protocol client (harness/load/protocol.py) times from sending the drawing to
  the Prediction arriving; a Chromium tab (harness/load/browser.py) times from
  the mouse-up to the Prediction on screen, so it adds the browser's own work;
- errors: exceptions or errors on the page, a missing Prediction, a dropped
  connection or a run that did not finish in 60 s;
- the server's resident memory (RSS of the streamlit process, from /proc)
  before the lesson, at its peak, when the last student has gone, and after
  Streamlit has dropped the disconnected sessions. Streamlit keeps a closed
  tab's session for `server.disconnectedSessionTTL` seconds (120 by default)
  in case it reconnects, and drops expired ones only when another session is
  stored; the harness sets the TTL to --ttl, waits until every session has been
  stored and has expired, and has the server store one more before reading
  "after";
- what Streamlit still holds then: connected sessions and the bytes of
  st.image files it keeps for sessions (/_stcore/metrics);
- with --share (every student shares every digit with the class, nickname
  "student N", the digit meant chosen, once its Prediction is there): the
  digits shared, any the page said were on the wall already, and the time
  from pressing Share to the page's answer; a share the page does not confirm
  is an error;
- with --wall (the class wall open in one more Chromium tab, /wall in
  presenter mode at 1280x720, from before the first student arrives): its
  headline before and after the lesson, the count it must reach (what it
  showed before plus the new shares, the latest 200 at most), and how long
  after the last student left it showed it (it redraws itself every 2 s). A
  wall that never shows that count, or shows an error, is an error;
- whether any Chromium tab asked an address other than the app's own;
- the server's CPU seconds over the lesson, and the lesson's wall time.

With --training a run of --preset is started through the run manager, as the
Train page starts it, before the lesson, and cancelled after; its training
speed during the lesson, and the most memory it has held, are reported. The
server's log and the run are left in a temporary folder, named in the output.

Timings and memory figures only; no test depends on them
(tests/test_load_harness.py runs a small lesson and checks errors, answers and
what the server still holds). Needs Debian's chromium for --browsers,
MNIST_DIR for --training.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.load.classroom import Lesson, hold, run_lesson, settle  # noqa: E402
from harness.load.memory import rss_mb, streamlit_holds  # noqa: E402
from harness.server import SERVING, TTL_ENV, streamlit_server  # noqa: E402
from harness.waiting import wait_until  # noqa: E402
from training import progress  # noqa: E402
from training.run_folder import RUNNING  # noqa: E402
from training.runs import RunManager  # noqa: E402

STREAMLIT_DEFAULTS = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "auto", "STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}  # over config.toml


@contextmanager
def training_run(runs_dir: Path, preset_name: str, epochs: int):
    """A run started the way the Train page starts it; yields it and a function giving its figures since a time."""
    data_dir = os.environ.get("MNIST_DIR")
    if not data_dir:
        raise SystemExit("--training needs MNIST_DIR (the folder of the four MNIST IDX files)")
    manager = RunManager(runs_dir, data_dir=data_dir)
    run = manager.start(preset_name, {"epochs": epochs})

    def trained_a_batch() -> bool:
        if any(r.get("kind") == progress.BATCH for r in run.progress()):
            return True
        if manager.run(run.id).state != RUNNING:
            raise RuntimeError(f"the training run did not start: {manager.run(run.id).log_tail()}")
        return False

    try:
        wait_until(trained_a_batch, 300, "the training run's first batch")

        def figures_since(since: float) -> dict:
            """Its median training speed since `since`, and the most memory it has held so far."""
            speeds = [r["samples_per_s"] for r in run.progress() if r.get("kind") == progress.BATCH and r["time"] >= since]
            pid = manager.run(run.id).status.get("pid")
            return {
                "samples_per_s": round(statistics.median(speeds)) if speeds else None,
                "peak_rss_mb": round(rss_mb(pid, "VmHWM")) if isinstance(pid, int) and Path(f"/proc/{pid}").is_dir() else None,
            }

        yield run, figures_since
    finally:
        if manager.run(run.id).state == RUNNING:
            manager.cancel(run.id)
        wait_until(lambda: manager.run(run.id).state != RUNNING, 120, "the training run to end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30], help="class sizes, one lesson each (default: 1 10 30)")
    parser.add_argument("--browsers", type=int, nargs="+", default=[2], help="Chromium tabs among the students, per size (default: 2)")
    parser.add_argument("--digits", type=int, default=3, help="digits each student draws (default: 3)")
    parser.add_argument("--play-s", type=float, default=10.0, help="seconds each reading is played (default: 10)")
    parser.add_argument("--arrival-s", type=float, default=10.0, help="students arrive over this many seconds (default: 10)")
    parser.add_argument("--ttl", type=float, default=15, help="server.disconnectedSessionTTL for the server, seconds (default: 15)")
    parser.add_argument("--share", action="store_true", help="every student shares every digit with the class wall")
    parser.add_argument("--wall", action="store_true", help="the class wall is open in a Chromium tab during every lesson")
    parser.add_argument("--training", action="store_true", help="a training run goes during every lesson")
    parser.add_argument("--preset", default="morvan", help="recipe of that run (default: morvan)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs of that run; it is cancelled after the lessons (default: 5)")
    parser.add_argument("--streamlit-defaults", action="store_true", help="serve with Streamlit's defaults instead of SERVING")
    parser.add_argument("--out", help="also write the results as JSON here")
    args = parser.parse_args()
    browsers = (args.browsers * len(args.students))[: len(args.students)] if len(args.browsers) == 1 else args.browsers

    runs_dir = Path(tempfile.mkdtemp(prefix="load-runs-"))
    log = runs_dir / "server.log"
    env = {TTL_ENV: str(int(args.ttl)), "ROW_READER_RUNS": str(runs_dir), **(STREAMLIT_DEFAULTS if args.streamlit_defaults else SERVING)}
    results = {
        "machine_cores": len(os.sched_getaffinity(0)),
        "disconnected_session_ttl_s": int(args.ttl),
        "serving": "streamlit defaults" if args.streamlit_defaults else SERVING,
        "server_log": str(log),
        "lessons": [],
    }
    with streamlit_server(env=env, log_path=log) as (url, process, _):
        warm_up = Lesson(
            students=2, browsers=min(1, max(browsers)), digits=2, play_s=0.5, arrival_s=0.0, seed=99, share=args.share, wall_open=args.wall
        )
        asyncio.run(hold(url, warm_up))  # the network loaded, the modules imported, a browser's files served once
        settle(url, args.ttl)
        results["rss_mb_after_warm_up"] = round(rss_mb(process.pid))
        results["held_after_warm_up"] = streamlit_holds(url)
        with training_run(runs_dir, args.preset, args.epochs) if args.training else _nothing() as training:
            for students, tabs in zip(args.students, browsers, strict=True):
                tabs = min(tabs, students)
                lesson = Lesson(
                    students=students,
                    browsers=tabs,
                    digits=args.digits,
                    play_s=args.play_s,
                    arrival_s=args.arrival_s,
                    share=args.share,
                    wall_open=args.wall,
                )
                since = time.time()
                result = run_lesson(url, process.pid, lesson, args.ttl)
                if training:
                    run, figures_since = training
                    result["training"] = {"run": run.id, "preset": args.preset, **figures_since(since)}
                results["lessons"].append(result)
                print(json.dumps(result), flush=True)
    print(json.dumps(results, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


@contextmanager
def _nothing():
    yield None


if __name__ == "__main__":
    main()
