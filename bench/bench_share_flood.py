"""A student floods the class wall: how many tiles does the flood get, does an honest student's digit stay, and does
the server's memory come back down?

    python bench/bench_share_flood.py                      # 20 s of each flood, against this checkout
    python bench/bench_share_flood.py --seconds 16 --against 336a699   # the same on another checkout, after this one

Starts `streamlit run app.py` (SERVING settings, a short session TTL), has an honest student share one digit, and
then runs two floods over Streamlit's own protocol (harness/load/protocol.py), each as fast as the server answers:

- one session that draws a new digit and shares it again and again (issue 28: "296 different drawings in 16 s");
- a script that opens a fresh session for every share, each sharing the same picture, then a new one.

Per flood it reports the shares tried, those the wall took, the refusals (and the first refusal's words), whether the
honest digit is still on the wall, and the server's resident memory before, at its peak and after the flooding
sessions have left and expired. Figures only; nothing is asserted. The floods come from this machine's network
address, not 127.0.0.1, as a student's device would: the wall does not count the laptop itself as a device.
"""

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classroom.join import lan_address  # noqa: E402
from harness.load.classroom import settle  # noqa: E402
from harness.load.memory import PeakSampler, rss_mb  # noqa: E402
from harness.load.protocol import ProtocolStudent, StudentError  # noqa: E402
from harness.load.wall import ProtocolWall  # noqa: E402
from harness.server import REPO_ROOT, SERVING, TTL_ENV, streamlit_server  # noqa: E402

TTL_S = 5


async def _share_one(student: ProtocolStudent, number: int, nickname: str) -> tuple[bool, str]:
    """Draw a digit of its own (moved and slanted by `number`) and share it: (taken, the page's words if refused)."""
    await student.draw("71"[number % 2], ((number % 7 - 3) * 0.02, (number % 5 - 2) * 0.02), lean=(number % 11 - 5) * 0.04)
    try:
        shared = await student.share(nickname)
    except StudentError as error:
        return False, str(error)
    return shared.new, ""


async def honest_share(url: str) -> int:
    student = ProtocolStudent(url)
    await student.open()
    try:
        await student.draw("7", (0.1, 0.1), lean=-0.3)  # a 7 unlike any the floods draw
        return (await student.share("honest")).number
    finally:
        await student.close()


async def one_session_flood(url: str, seconds: float) -> dict:
    student, tried, taken, refusal = ProtocolStudent(url), 0, 0, ""
    await student.open()
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            ok, said = await _share_one(student, tried + 1, "flood")
            tried, taken, refusal = tried + 1, taken + ok, refusal or said
    finally:
        await student.close()
    return {"tried": tried, "taken": taken, "first refusal": refusal[:160]}


async def fresh_session_flood(url: str, seconds: float) -> dict:
    tried, taken, refusal = 0, 0, ""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        student = ProtocolStudent(url)
        await student.open()
        try:
            ok, said = await _share_one(student, tried // 2 + 1, "fresh")  # each picture twice, from two sessions
        finally:
            await student.close()
        tried, taken, refusal = tried + 1, taken + ok, refusal or said
    return {"tried": tried, "taken": taken, "first refusal": refusal[:160]}


def on_wall(url: str, number: int) -> bool:
    """Whether digit `number` is on the wall: a fresh session asks the page, as the wall would show it."""

    async def ask() -> bool:
        wall = ProtocolWall(url)
        await wall.open()
        await wall.close()
        return wall.has_button(f"Open #{number}")

    return asyncio.run(ask())


def run(root: Path, seconds: float) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as runs, streamlit_server(env={**SERVING, TTL_ENV: str(TTL_S), "ROW_READER_RUNS": runs},
                                                                root=root) as (url, process, _):  # fmt: skip
        honest = asyncio.run(honest_share(url))
        url = url.replace("127.0.0.1", lan_address() or "127.0.0.1")  # a device on the network, as a student's is
        for name, flood in (("one session", one_session_flood), ("fresh sessions", fresh_session_flood)):
            settle(url, TTL_S)
            before = rss_mb(process.pid)
            with PeakSampler(process.pid) as peak:
                outcome = asyncio.run(flood(url, seconds))
            settle(url, TTL_S)
            after = rss_mb(process.pid)
            results.append({"flood": name, **outcome, "honest digit on the wall": on_wall(url, honest),
                            "RSS MB before/peak/after": f"{before:.0f} / {peak.peak_mb:.0f} / {after:.0f}"})  # fmt: skip
    return results


def checkout(rev: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="flood-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), rev], cwd=REPO_ROOT, check=True, capture_output=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each flood lasts")
    parser.add_argument("--against", help="a git revision to flood the same way, after this checkout")
    args = parser.parse_args()
    roots = {"this checkout": REPO_ROOT}
    if args.against:
        roots[args.against] = checkout(args.against)
    for label, root in roots.items():
        print(f"== {label}")
        for result in run(root, args.seconds):
            print("  " + " | ".join(f"{key}: {value}" for key, value in result.items()))
    for root in list(roots.values())[1:]:
        subprocess.run(["git", "worktree", "remove", "--force", str(root)], cwd=REPO_ROOT, check=False)


if __name__ == "__main__":
    main()
