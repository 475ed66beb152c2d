"""How much server memory does one large picture cost? A 5000x5000 PNG uploaded by one student, then by three at once.

    python bench/bench_upload_memory.py                                # this checkout
    python bench/bench_upload_memory.py --project /tmp/wt-old          # another checkout (git worktree add /tmp/wt-old <commit>)
    python bench/bench_upload_memory.py --pictures grey colour canvas --sessions 1 3

For each picture and number of students, starts `streamlit run app.py` afresh in the project folder, served as
README "Serving a class" says (SERVING in harness/server.py), warms it up (a student draws a 7, so the model and
the modules are loaded), opens the students' sessions and has them choose Upload, and then has them all upload the
picture at once through Streamlit's own protocol (harness/load/protocol.py: the file uploader's upload URL, PUT,
rerun). It reports the server's resident memory (RSS of the streamlit process) before, at its peak (the kernel's
VmHWM, reset just before, so no short spike is missed; sampled every 20 ms where it cannot be reset), and after,
and what each student was shown: the Prediction, or the page's error.

Pictures: `grey`, a 5000x5000 greyscale PNG of a drawn 7 (about 50 KB); `colour`, the same in RGB (about 100 KB, as
the 122 KB PNG of issue 14); `colour-4000`, a 4000x4000 one; `canvas`, an 8000x8000 RGBA PNG sent as a forged
canvas value instead of an upload.
The client runs from this checkout whatever the project, so an older commit can be measured as it was.
Figures only; it asserts nothing.
"""

import argparse
import asyncio
import base64
import io
import json
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw  # noqa: E402

from harness.load.memory import PeakSampler, reset_peak, rss_mb  # noqa: E402
from harness.load.protocol import ProtocolStudent, Rerun  # noqa: E402
from harness.server import REPO_ROOT, SERVING, streamlit_server  # noqa: E402

SIDE = {"grey": 5000, "colour": 5000, "colour-4000": 4000, "canvas": 8000}


def picture(kind: str) -> bytes:
    """A drawn 7 on white paper, SIDE[kind] pixels square, as PNG bytes."""
    side = SIDE[kind]
    image = Image.new({"grey": "L", "colour": "RGB", "colour-4000": "RGB", "canvas": "RGBA"}[kind], (side, side), "white")
    pen = ImageDraw.Draw(image)
    pen.line([(side * 0.25, side * 0.2), (side * 0.75, side * 0.2), (side * 0.45, side * 0.8)], fill="black", width=side // 14)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@contextmanager
def server_in(project: Path, runs: Path):
    """`streamlit run app.py` in `project` on a free port; yields (url, process)."""
    env = {**SERVING, "ROW_READER_RUNS": str(runs), "PYTHONPATH": str(project)}
    with streamlit_server(env=env, root=project) as (url, process, _):
        yield url, process


def shown(rerun: Rerun) -> str:
    if rerun.prediction is not None:
        return f"read as {rerun.prediction}"
    return "; ".join(rerun.errors + [f"warning: {warning}" for warning in rerun.warnings])[:170] or "nothing shown"


async def send(student: ProtocolStudent, kind: str, data: bytes) -> str:
    try:
        if kind == "canvas":
            value = json.dumps({"drawing": {"raw": {"objects": []}, "data": "data:image/png;base64," + base64.b64encode(data).decode()}})
            return shown(await student.send_canvas(value, raise_errors=False))
        return shown(await student.upload(f"{kind}.png", data, raise_errors=False))
    except Exception as error:  # noqa: BLE001  a figure to report, whatever went wrong
        return f"failed: {type(error).__name__}: {error}"[:160]


async def measure(url: str, pid: int, kind: str, data: bytes, sessions: int) -> dict:
    warm = ProtocolStudent(url)
    await warm.open()
    await warm.draw("7", (0.0, 0.0))
    students = [ProtocolStudent(url) for _ in range(sessions)]
    for student in students:
        await student.open()
        if kind != "canvas":
            await student.choose_upload()
    before = rss_mb(pid)
    exact = reset_peak(pid)
    started = time.perf_counter()
    with PeakSampler(pid, interval=0.02) as sampler:
        results = await asyncio.gather(*(send(student, kind, data) for student in students))
    elapsed = time.perf_counter() - started
    peak = max(sampler.peak_mb, rss_mb(pid, "VmHWM") if exact else 0.0)
    after = rss_mb(pid)
    for student in [warm, *students]:
        await student.close()
    return {"before_mb": before, "peak_mb": peak, "after_mb": after, "seconds": elapsed, "shown": results}


def commit_of(project: Path) -> str:
    result = subprocess.run(["git", "-C", str(project), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return result.stdout.strip()[:90] or "(not a git checkout)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO_ROOT, help="the checkout whose app is served (default: this one)")
    parser.add_argument("--pictures", nargs="+", choices=list(SIDE), default=list(SIDE))
    parser.add_argument("--sessions", nargs="+", type=int, default=[1, 3], help="students uploading at once (default: 1 3)")
    args = parser.parse_args()
    project = args.project.resolve()
    print(f"project: {project}\ncommit: {commit_of(project)}")
    print(f"{'picture':<11} {'size':>9} {'file':>8} {'students':>8} {'before':>8} {'peak':>8} {'growth':>8} {'after':>8} {'s':>6}  shown")
    for kind in args.pictures:
        data = picture(kind)
        for sessions in args.sessions:
            with tempfile.TemporaryDirectory() as runs, server_in(project, Path(runs)) as (url, process):
                figures = asyncio.run(measure(url, process.pid, kind, data, sessions))
            print(
                f"{kind:<11} {SIDE[kind]:>4}x{SIDE[kind]:<4} {len(data) / 1000:>5.0f} KB {sessions:>8} {figures['before_mb']:>5.0f} MB "
                f"{figures['peak_mb']:>5.0f} MB {figures['peak_mb'] - figures['before_mb']:>5.0f} MB {figures['after_mb']:>5.0f} MB "
                f"{figures['seconds']:>6.1f}  {' | '.join(sorted(set(figures['shown'])))}",
                flush=True,
            )


if __name__ == "__main__":
    main()
