"""Phones with the class wall open while a class draws: what do the open walls cost the students drawing?

    python bench/bench_wall_load.py                          # 0, 10, 20, 30 walls open over 60 tiles; 30 students
    python bench/bench_wall_load.py --against 336a699        # the same, alternated with another commit in one run
    python bench/bench_wall_load.py --walls 0 30 --show-all 0 --students 30

Starts `streamlit run app.py` on a free port, served as README "Serving a
class" says (SERVING in harness/server.py), warms it up (two students draw,
one wall opens), and fills the class wall with --tiles digits as a class
would: each shared from its own fresh session (open the Read page, draw,
Share with the class), no two pictures alike (harness/load/wall.py
fill_wall). Then, per number of walls K: K phones open /wall
(harness/load/wall.py ProtocolWall: Streamlit's protocol as the browser
speaks it, which asks for the wall's fragment every 2 s as the server tells
it to, and reads everything it is sent), and once every one of them shows
the wall, --students students (harness/load/classroom.py) arrive over
--arrival-s seconds, each draws --digits digits, waits for the Prediction,
plays it for --play-s seconds, clears and leaves. Nobody shares while they
draw, so every wall is unchanged throughout. Per K it reports:

- the students' stroke to prediction (sending the drawing to the Prediction
  arriving): median and 95th percentile, and how many;
- the server's CPU seconds over the lesson, and per second of it (2.0 is both
  cores of a 2-core machine);
- what each open wall was sent per 10 s of the lesson (median over the
  walls): KB, elements drawn, runs of the wall's page or fragment finished,
  and runs cut short by the next refresh (a server too busy to finish one in
  2 s); an unchanged wall that costs nothing gets a few hundred bytes and no
  element;
- errors: a student's (no Prediction, an error on the page, a dropped
  connection), a wall's (an error on it, a run that failed, a wall that did
  not open or whose connection ended);
- this benchmark process's own CPU seconds (its clients share the machine).

Then a "Show all" case: the wall filled up to --show-all-tiles digits, and
--show-all walls open with Show all pressed on each.

With --against REV, a git worktree of REV in a temporary folder serves too:
both servers start, warm up and are filled, and every case runs on each in
turn (the order swapped from one case to the next), so that the ratios
this / other come from one run of a machine that drifts. The clients are this
checkout's. Sessions left by one case expire (--ttl) before the next.

Figures only; no test depends on them (tests/test_load_harness.py checks that
an unchanged wall is sent nothing). On a shared machine, run it alone.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.load.classroom import PROTOCOL, Lesson, hold, settle, summary  # noqa: E402
from harness.load.memory import cpu_seconds, rss_mb  # noqa: E402
from harness.load.wall import ProtocolWall, fill_wall, wall_count  # noqa: E402
from harness.server import REPO_ROOT, SERVING, TTL_ENV, streamlit_server  # noqa: E402


@dataclass
class Side:
    """One checkout's server, and how many digits its wall has been given."""

    name: str
    url: str
    pid: int
    shared: int = 0


def median(values: list[float]) -> float | None:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


async def _open_walls(url: str, count: int, show_all: bool, errors: list[str]) -> list[ProtocolWall]:
    """`count` walls open, each drawn (and shown whole with `show_all`); the ones that failed closed, their errors noted."""
    walls = [ProtocolWall(url) for _ in range(count)]

    async def opened(wall: ProtocolWall) -> ProtocolWall | None:
        try:
            await wall.open()
            if show_all:
                await wall.show_all()
            return wall
        except Exception as error:  # noqa: BLE001 - a wall that does not open is an error of the case
            errors.append(f"a wall did not open: {type(error).__name__}: {error}")
            await wall.close()
            return None

    return [wall for wall in await asyncio.gather(*map(opened, walls)) if wall is not None]


async def _case(side: Side, walls: int, show_all: bool, lesson: Lesson) -> dict:
    """K walls open and drawn, then the lesson; what it cost the students, the server and each wall."""
    errors: list[str] = []
    open_walls = await _open_walls(side.url, walls, show_all, errors)
    before = [wall.counts() for wall in open_walls]
    cpu, client_cpu, started = cpu_seconds(side.pid), time.process_time(), time.perf_counter()
    outcome = await hold(side.url, lesson)
    seconds = time.perf_counter() - started
    cpu, client_cpu = cpu_seconds(side.pid) - cpu, time.process_time() - client_cpu
    sent = [wall.traffic.since(count) for wall, count in zip(open_walls, before, strict=True)]
    headlines = sorted({wall.headline for wall in open_walls if wall.headline})
    for wall in open_walls:
        errors += wall.errors + ([f"a wall's connection ended: {wall.ended}"] if wall.ended else [])
        await wall.close()
    per_10s = 10 / seconds
    errors += outcome.errors
    return {
        "checkout": side.name,
        "walls": walls,
        "show_all": show_all,
        "tiles": wall_count(headlines[0]) if headlines else side.shared,
        "students": lesson.students,
        "stroke_to_prediction": summary(outcome.stroke_to_prediction_s[PROTOCOL]),
        "server_cpu_s": round(cpu, 1),
        "server_cores_busy": round(cpu / seconds, 2),
        "wall_kb_per_10s": _median_of([s.bytes / 1000 * per_10s for s in sent], 1),
        "wall_elements_per_10s": _median_of([s.elements * per_10s for s in sent], 1),
        "wall_runs_per_10s": _median_of([(s.full_runs + s.fragment_runs) * per_10s for s in sent], 2),
        "wall_runs_cut_short_per_10s": _median_of([s.interrupted * per_10s for s in sent], 2),
        "wall_reruns_asked": sum(s.reruns_asked for s in sent),
        "walls_asking_nothing": sum(not s.reruns_asked for s in sent),  # no refresh timer left: such a wall no longer updates
        "lesson_s": round(seconds, 1),
        "bench_cpu_s": round(client_cpu, 1),
        "server_rss_mb": round(rss_mb(side.pid)),
        "errors": len(errors),
        "error_messages": errors[:5],
    }


def _median_of(values: list[float], digits: int) -> float | None:
    middle = median(values)
    return None if middle is None else round(middle, digits)


def _fill(side: Side, tiles: int) -> None:
    """Share digits on `side` until its wall has been given `tiles`; SystemExit if the page refuses one."""
    if tiles <= side.shared:
        return
    errors = asyncio.run(fill_wall(side.url, tiles - side.shared, first=side.shared))
    if errors:
        raise SystemExit(f"{side.name}: the wall could not be filled: {errors[:3]}")
    side.shared = tiles


def _warm_up(side: Side, ttl: float) -> None:
    """The network loaded, the modules imported, the wall drawn once; then those sessions let go."""

    async def warm() -> None:
        await hold(side.url, Lesson(students=2, digits=2, play_s=0.5, arrival_s=0.0, seed=99))
        wall = ProtocolWall(side.url)
        await wall.open()
        await wall.close()

    asyncio.run(warm())
    settle(side.url, ttl)


@contextmanager
def worktree(rev: str):
    """A git worktree of `rev` in a temporary folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="wall-load-")) / "checkout"
    subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "add", "--detach", str(folder), rev], check=True, capture_output=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "remove", "--force", str(folder)], check=False, capture_output=True)


def _row(result: dict) -> str:
    s = result["stroke_to_prediction"]
    timing = f"{s['median_ms'] / 1000:.2f} / {s['p95_ms'] / 1000:.2f} s" if s["count"] else "none"
    case = f"{result['walls']} walls{' Show all' if result['show_all'] else ''}, {result['tiles']} tiles"
    return (
        f"{result['checkout']:>8}  {case:<28} students {timing:<16} ({s['count']} drawings)  server CPU {result['server_cpu_s']:>6} s"
        f" ({result['server_cores_busy']} cores)  each wall {result['wall_kb_per_10s']} KB, {result['wall_elements_per_10s']}"
        f" elements, {result['wall_runs_per_10s']} runs / 10 s  errors {result['errors']}"
    )


def _ratios(results: list[dict]) -> list[dict]:
    """Per case, this / other for the students' median and 95th percentile and the server's CPU."""
    ratios = []
    for this in (r for r in results if r["checkout"] == "this"):
        other = next(r for r in results if r["checkout"] != "this" and (r["walls"], r["show_all"]) == (this["walls"], this["show_all"]))
        pair = {"walls": this["walls"], "show_all": this["show_all"]}
        for name, a, b in (
            ("median", this["stroke_to_prediction"].get("median_ms"), other["stroke_to_prediction"].get("median_ms")),
            ("p95", this["stroke_to_prediction"].get("p95_ms"), other["stroke_to_prediction"].get("p95_ms")),
            ("server_cpu", this["server_cpu_s"], other["server_cpu_s"]),
        ):
            pair[name] = round(a / b, 2) if a and b else None
        ratios.append(pair)
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--walls", type=int, nargs="*", default=[0, 10, 20, 30], help="walls open, one case each (default: 0 10 20 30)")
    parser.add_argument("--tiles", type=int, default=60, help="digits on the wall (default: 60)")
    parser.add_argument("--students", type=int, default=30, help="students drawing in every case (default: 30)")
    parser.add_argument("--digits", type=int, default=3, help="digits each student draws (default: 3)")
    parser.add_argument("--play-s", type=float, default=8.0, help="seconds each reading is played (default: 8)")
    parser.add_argument("--arrival-s", type=float, default=8.0, help="students arrive over this many seconds (default: 8)")
    parser.add_argument("--show-all", type=int, default=10, help="walls open with Show all pressed, a last case; 0: none (default: 10)")
    parser.add_argument("--show-all-tiles", type=int, default=198, help="digits on the wall for that case (default: 198)")
    parser.add_argument("--ttl", type=float, default=5, help="server.disconnectedSessionTTL, seconds (default: 5)")
    parser.add_argument("--against", help="a git revision to run every case on too, in turn with this checkout")
    parser.add_argument("--out", help="also write the results as JSON here")
    args = parser.parse_args()
    lesson = Lesson(students=args.students, digits=args.digits, play_s=args.play_s, arrival_s=args.arrival_s)
    cases = [(walls, False) for walls in args.walls] + ([(args.show_all, True)] if args.show_all else [])
    env = {**SERVING, TTL_ENV: str(int(args.ttl))}
    results = []
    with ExitStack() as stack:
        roots = {"this": REPO_ROOT}
        if args.against:
            roots[args.against] = stack.enter_context(worktree(args.against))
        sides = []
        for name, root in roots.items():
            env_here = {**env, "ROW_READER_RUNS": stack.enter_context(tempfile.TemporaryDirectory(prefix="wall-load-runs-"))}
            url, process, _ = stack.enter_context(streamlit_server(env=env_here, root=root))
            sides.append(Side(name, url, process.pid))
        for side in sides:
            _warm_up(side, args.ttl)
            _fill(side, args.tiles)
        for number, (walls, show_all) in enumerate(cases):
            for side in sides if number % 2 == 0 else sides[::-1]:
                _fill(side, args.show_all_tiles if show_all else args.tiles)
                settle(side.url, args.ttl)  # the sessions of the last case and of the filling gone
                result = asyncio.run(_case(side, walls, show_all, lesson))
                results.append(result)
                print(json.dumps(result), flush=True)
    report = {
        "machine_cores": len(os.sched_getaffinity(0)),
        "students": args.students,
        "digits_each": args.digits,
        "cases": results,
        **({"this / other": _ratios(results)} if args.against else {}),
    }
    print(json.dumps(report, indent=2))
    print("\n".join(_row(result) for result in results))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
