"""How long do the figures take to build? Milliseconds per figure, as plain specs and through plotly.py's objects.

    python bench/bench_figures.py [--repeats 30] [--figures map unit]

Builds every figure the app shows from the shipped model, its report and a gallery seven, the way
the app does: a plain spec wrapped in views.figures.plotting.ReadyFigure, which st.plotly_chart sends without
validating it. Beside it, in the same run, the same spec goes through plotly.py's objects with
validation, go.Figure(spec), as a figure built with go.Figure, make_subplots or add_vline would.
Prints min / median / max per figure for both, and the size of the JSON the browser receives.
streamlit is imported first, so plotly's default template is the app's. Then each make_subplots
grid is worked out afresh, as the figures would without their cache.

Seen on a 2-core development container shared with other work (Python 3.11, plotly 7.1, 30 builds),
median ms, spec / go.Figure(spec): the reading 1.3-1.8 / 77-97 (93 KB, 28 frames), the map 1.5 / 22-29
(215 KB), the units 0.8 / 20-24, the confusion matrix, accuracy bars, how early, row importance and
compare 0.6-1.3 / 7-14, the answer's bars 0.3 / 1.5. make_subplots afresh: 18-20 ms for the reading's
grid, 53 ms for the ten unit panels, 13-15 ms for row importance. Maxima run to 45 ms (spec) and
180 ms (objects) when the machine is busy. (The reading and the answer's bars were plotly figures then; the
reading player draws them from a spec now.) Every figure's own numpy work is in both columns; the
difference is plotly.py's objects. (Notes once in the code, from the objects-built figures: 120 ms
for the map's 28 frames, 175 ms for make_subplots and 30 validated traces.) Timings only; no test
depends on them.
"""

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import plotly.graph_objects as go
import streamlit  # noqa: F401  (registers Streamlit's plotly template as the default, as in the app)

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.timing import timed  # noqa: E402
from model.insight import row_importance  # noqa: E402
from model.report import load_report  # noqa: E402
from model.samples import load_samples  # noqa: E402
from model.storage import load_model  # noqa: E402
from model.xray import read_digit  # noqa: E402
from views.figures import hidden_state as hidden_state_figures  # noqa: E402
from views.figures import report as report_figures  # noqa: E402

GRIDS = {  # the functools.cache'd layouts that make_subplots works out
    "unit": hidden_state_figures.small_multiples_grid,
    "row importance": report_figures.side_by_side_grid,
}


def figure_builders() -> dict[str, Callable[[], go.Figure]]:
    """Each plotly figure as the app calls it: the Look inside page's seven (the Read page's reading is drawn by its
    own player from a spec: views/players/reading_spec.py)."""
    loaded = load_model()
    report = load_report(loaded.path, loaded.weights)
    if report is None:
        raise SystemExit("the shipped model's report is missing or stale: python -m model.report")
    samples = list(load_samples().values())
    seven = next(s for s in samples if s.label == 7 and not s.misread)
    other = next(s for s in samples if s.label != 7)
    reading = read_digit(loaded.weights, seven.image)
    importance = row_importance(loaded.weights, seven.image)
    path = report.projection.project(reading.hidden[-1])
    map_labels = report.labels[report.map_index]
    both = [("A", reading.step_probs), ("B", read_digit(loaded.weights, other.image).step_probs)]
    return {
        "confusion": lambda: report_figures.confusion_figure(report.confusion, (4, 9)),
        "accuracy": lambda: report_figures.class_accuracy_figure(report.class_accuracy, report.confusion.sum(axis=1)),
        "early": lambda: report_figures.early_figure(
            report.known_by_rows, report.class_known_by_rows, digit=7, digit_probs=reading.step_probs[:, 7]
        ),
        "map": lambda: hidden_state_figures.map_figure(report.map_paths, map_labels, current=path),
        "unit": lambda: hidden_state_figures.unit_figure(
            report.unit_mean[-1, :, :, 5], report.unit_std[-1, :, :, 5], title="unit 5", current=reading.hidden[-1][:, 5]
        ),
        "row importance": lambda: report_figures.row_importance_figure(seven.image, importance),
        "compare": lambda: report_figures.compare_figure(both),
    }


def timed_ms(make: Callable[[], object], repeats: int) -> list[float]:
    """Milliseconds per build, after one warm-up that fills caches (make_subplots' grids, plotly's validators)."""
    return [1000 * seconds for seconds in timed(make, repeats, warm_up=True)]


def summary(times: list[float]) -> str:
    return f"{min(times):7.1f} {statistics.median(times):7.1f} {max(times):7.1f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed builds of each figure, each way (default: 30)")
    parser.add_argument("--figures", nargs="*", help="only these figures (default: all)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be positive")

    builders = figure_builders()
    unknown = set(args.figures or ()) - set(builders)
    if unknown:
        parser.error(f"unknown figures {sorted(unknown)}; choose from {list(builders)}")
    names = args.figures or list(builders)
    print(f"{args.repeats} builds each, after one warm-up; ms as min / median / max")
    print(f"{'figure':<15} {'spec, as the app':>23}   {'go.Figure(spec)':>23}   {'JSON':>7}")
    for name in names:
        build = builders[name]
        spec_ms = timed_ms(build, args.repeats)
        objects_ms = timed_ms(lambda build=build: go.Figure(build().to_dict()), args.repeats)
        size_kb = len(build().to_json()) / 1000
        print(f"{name:<15} {summary(spec_ms)}   {summary(objects_ms)}   {size_kb:5.0f} KB")

    print("make_subplots, worked out afresh (the figures cache each grid once per process):")
    for name, grid in GRIDS.items():
        print(f"{name:<15} {summary(timed_ms(grid.__wrapped__, args.repeats))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
