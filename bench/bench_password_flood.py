"""Can a student lock the teacher out? Wrong training passwords flooding a real server while the teacher types the right one.

    python bench/bench_password_flood.py                  # two minutes, as issue 28 (item 2) measured it
    python bench/bench_password_flood.py --seconds 40     # shorter
    python bench/bench_password_flood.py --teacher-address 127.0.0.2   # the teacher at the flooding device itself
    python bench/bench_password_flood.py --project /tmp/wt-old  # another checkout (git worktree add /tmp/wt-old <commit>)

Starts `streamlit run app.py` with ROW_READER_TRAINING_PASSWORD set (served as README "Serving a class" says, runs in
a scratch folder), and speaks Streamlit's own protocol (harness/load/protocol.py) to its Train page:
- a student's tab, open all along, sends a wrong password every second;
- a script opens a fresh tab every second and sends one wrong password from it, from another device;
- the teacher, every ~7 s, opens a fresh Train page and types the right password.
The students come from 127.0.0.2 and 127.0.0.3, the teacher from 127.0.0.1 (the server's own computer), so that
the server sees three devices as on a classroom network. Prints each of the teacher's tries (let in at once or
not, the seconds from pressing Unlock to the page drawn again), how many wrong passwords were checked and how
many told to wait, and the words the students were shown. Figures only; it asserts nothing.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from harness.server import REPO_ROOT, SERVING, streamlit_server  # noqa: E402
from views.parts.access import ENV_VARIABLE  # noqa: E402

PASSWORD = "owl-and-pussycat"
PASSWORD_LABEL, UNLOCK = "Training password", "Unlock"  # views/parts/access.py password_box
WRONG, TOO_MANY = "That is not the training password.", "Too many wrong passwords"
TIMEOUT_S = 120.0


@dataclass
class Answer:
    """What one run of the Train page showed."""

    password_box: bool = False  # the page still asks for the password
    said: list[str] = field(default_factory=list)  # its warnings and errors
    seconds: float = 0.0


class TrainTab:
    """One browser tab on the Train page, from `address`, over Streamlit's websocket protocol."""

    def __init__(self, url: str, address: str):
        self.url, self.address = url.rstrip("/") + "/", address
        self.ids: dict[str, str] = {}
        self.socket = None

    async def open(self) -> Answer:
        stream = f"ws://{urlparse(self.url).netloc}/_stcore/stream"
        self.socket = await websockets.connect(
            stream, subprotocols=["streamlit"], max_size=None, open_timeout=30, local_addr=(self.address, 0)
        )
        return await self._run({})

    async def unlock(self, typed: str) -> Answer:
        return await self._run({self.ids[PASSWORD_LABEL]: ("string_value", typed), self.ids[UNLOCK]: ("trigger_value", True)})

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def _run(self, widgets: dict) -> Answer:
        message = BackMsg()
        message.rerun_script.page_name = "train"
        message.rerun_script.context_info.url = self.url + "train"
        message.rerun_script.context_info.timezone = "UTC"
        for widget_id, (kind, value) in widgets.items():
            setattr(message.rerun_script.widget_states.widgets.add(id=widget_id), kind, value)
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        answer = await asyncio.wait_for(self._receive(), TIMEOUT_S)
        answer.seconds = time.perf_counter() - started
        return answer

    async def _receive(self) -> Answer:
        answer = Answer()
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self.socket.recv())
            kind = message.WhichOneof("type")
            if kind == "new_session":  # a run starts: what counts is the last one (a right password reruns the page)
                answer = Answer()
            elif kind == "delta":
                self._read(message.delta.new_element, answer)
            elif kind == "script_finished" and message.script_finished == ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY:
                return answer

    def _read(self, element, answer: Answer) -> None:
        which = element.WhichOneof("type")
        if which == "text_input" and element.text_input.label == PASSWORD_LABEL:
            self.ids[PASSWORD_LABEL], answer.password_box = element.text_input.id, True
        elif which == "button" and element.button.label == UNLOCK:
            self.ids[UNLOCK] = element.button.id
        elif which == "alert" and element.alert.format in (element.alert.WARNING, element.alert.ERROR):
            answer.said.append(element.alert.body)


@dataclass
class Tally:
    checked: int = 0  # wrong passwords answered "not the training password"
    told_to_wait: int = 0
    said: set[str] = field(default_factory=set)

    def add(self, answer: Answer) -> None:
        self.checked += any(WRONG in text for text in answer.said)
        self.told_to_wait += any(TOO_MANY in text for text in answer.said) and not any(WRONG in text for text in answer.said)
        self.said.update(text.split(" try again in ")[0] for text in answer.said)


async def one_tab_flood(url: str, until: float, tally: Tally) -> None:
    tab = TrainTab(url, "127.0.0.2")
    await tab.open()
    try:
        for count in range(10**9):
            if time.monotonic() >= until:
                return
            tally.add(await tab.unlock(f"guess-{count}"))
            await asyncio.sleep(1.0)
    finally:
        await tab.close()


async def fresh_tab_flood(url: str, until: float, tally: Tally) -> None:
    async def one(count: int) -> None:
        tab = TrainTab(url, "127.0.0.3")
        try:
            await tab.open()
            tally.add(await tab.unlock(f"fresh-{count}"))
        finally:
            await tab.close()

    tasks, count = [], 0
    while time.monotonic() < until:
        tasks.append(asyncio.create_task(one(count)))
        count += 1
        await asyncio.sleep(1.0)
    await asyncio.gather(*tasks, return_exceptions=True)


async def teacher(url: str, address: str, until: float, every_s: float, started: float) -> list[tuple[float, Answer]]:
    tries = []
    await asyncio.sleep(3.0)  # the floods first
    while time.monotonic() < until:
        tab = TrainTab(url, address)
        try:
            await tab.open()
            tries.append((time.monotonic() - started, await tab.unlock(PASSWORD)))
        finally:
            await tab.close()
        await asyncio.sleep(every_s)
    return tries


async def flood(url: str, seconds: float, teacher_address: str, every_s: float, one_tab: bool, fresh: bool):
    started = time.monotonic()
    until = started + seconds
    one_tally, fresh_tally = Tally(), Tally()
    floods = [one_tab_flood(url, until, one_tally)] if one_tab else []
    floods += [fresh_tab_flood(url, until, fresh_tally)] if fresh else []
    tries, *_ = await asyncio.gather(teacher(url, teacher_address, until, every_s, started), *floods)
    return tries, one_tally, fresh_tally


def report(tries, one_tally: Tally, fresh_tally: Tally, seconds: float) -> None:
    let_in = [answer for _, answer in tries if not answer.password_box]
    print(f"\nThe teacher's tries with the right password ({len(tries)} over {seconds:.0f} s):")
    for at, answer in tries:
        verdict = "let in at once" if not answer.password_box else "NOT let in: " + " | ".join(answer.said or ["(no words)"])
        print(f"  at {at:5.1f} s: {verdict}, {answer.seconds:.2f} s from Unlock to the page")
    times = [answer.seconds for _, answer in tries]
    if times:
        print(f"  let in at once: {len(let_in)} of {len(tries)}; time median {statistics.median(times):.2f} s, max {max(times):.2f} s")
    for name, tally in (("One tab, a wrong password every second", one_tally), ("A fresh tab every second", fresh_tally)):
        print(f"{name}: {tally.checked} checked, {tally.told_to_wait} told to wait; words shown: {sorted(tally.said)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the floods run")
    parser.add_argument("--teacher-every", type=float, default=7.0, help="seconds between the teacher's tries")
    parser.add_argument("--teacher-address", default="127.0.0.1", help="the address the teacher's tabs come from")
    parser.add_argument("--no-one-tab", action="store_true", help="leave out the tab that floods from one session")
    parser.add_argument("--no-fresh", action="store_true", help="leave out the fresh tab every second")
    parser.add_argument("--project", type=Path, default=REPO_ROOT, help="the checkout whose server is measured")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-password-") as runs:
        env = {**SERVING, ENV_VARIABLE: PASSWORD, "ROW_READER_RUNS": runs}
        with streamlit_server(env=env, root=args.project) as (url, _, start_s):
            print(f"Server up in {start_s:.1f} s at {url}; floods for {args.seconds:.0f} s")
            warm = TrainTab(url, "127.0.0.1")  # the Train page's first run imports what later ones reuse
            asyncio.run(_warm(warm))
            result = asyncio.run(flood(url, args.seconds, args.teacher_address, args.teacher_every, not args.no_one_tab, not args.no_fresh))
    report(*result, args.seconds)


async def _warm(tab: TrainTab) -> None:
    await tab.open()
    await tab.close()


if __name__ == "__main__":
    main()
