"""Flood the Race page with forged player messages: what is recorded, what a row costs, and does memory come back?

    python bench/bench_race_flood.py                    # 8 forgers for 20 s
    python bench/bench_race_flood.py --clients 16 --seconds 30
    python bench/bench_race_flood.py --clients 2 --seconds 90 --floods 1    # long enough to meet the limit per browser

Starts `streamlit run app.py` on a free port, served as README "Serving a class" says (SERVING in
harness/server.py), with server.disconnectedSessionTTL set to --ttl, and:

1. times a row: one client races digits honestly over Streamlit's websocket protocol, asking for each of the 28 rows
   in turn as the browser's player does (a trigger of the player, which lives in a fragment, so the rerun is the
   fragment's), then the same without the fragment id (a whole-page rerun, what a forger may send instead). Reported:
   the median and 95th percentile from sending a row's message to the end of its run, and the server's CPU per row;
2. floods: --clients forgers, each its own session, send as fast as the server answers, for --seconds: rows asked for
   ahead of their turn, the true digit fished for at row 1 after five rows ("finished" as the player once sent it, and
   "guess"), messages for other rounds and digits, payloads of 200 kB, and, between them, digits played through as
   quickly as a script can (row 1, then every digit in turn until the right one) so that results are recorded, with
   "New round" pressed after each round. Reported: messages sent, results the page recorded, results it refused
   for the class table (this browser already has its share), and any error on the page;
3. the server's resident memory (RSS of the streamlit process, from /proc) before each flood (--floods of them, one
   after the other: a level that settles, not one that climbs), at its peak, and after the forgers have gone and their
   sessions expired (harness/load/classroom.py settle).

Figures only: nothing is asserted. The page's words are read from its deltas: "You knew at row" is a recorded digit,
views/pages/race.py TABLE_FULL a digit the class table did not take.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from harness.load.classroom import settle  # noqa: E402
from harness.load.memory import PeakSampler, cpu_seconds, rss_mb, streamlit_holds  # noqa: E402
from harness.server import SERVING, TTL_ENV, streamlit_server  # noqa: E402

PLAYER = "row_reader.race_player"
KNEW = "You knew at row"
TABLE_FULL = "class table already holds all the results"
FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FRAGMENT_FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
TIMEOUT_S = 60


class Racer:
    """One tab's session on the Race page, speaking Streamlit's protocol: what the page last gave its race player."""

    def __init__(self, url: str):
        self.stream_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.page_url = url.rstrip("/") + "/race"
        self.socket = None
        self.player_id = self.fragment_id = self.new_round_id = self.page_hash = None
        self.data: dict = {}
        self.seq = 0
        self.said: list[str] = []  # headings and messages of the latest run

    async def open(self) -> None:
        self.socket = await websockets.connect(self.stream_url, subprotocols=["streamlit"], max_size=None, open_timeout=30)
        await self.rerun({})

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def send(self, event: str, value, in_fragment: bool = True) -> float:
        """The player's trigger `event` with `value`, as its component sends it; seconds to the end of the run."""
        trigger = f"$$STREAMLIT_INTERNAL_KEY_{self.player_id}__events"
        widgets = {self.player_id: ("json_value", "{}"), trigger: ("json_trigger_value", json.dumps([{"event": event, "value": value}]))}
        return await self.rerun(widgets, in_fragment)  # the player's own (empty) state goes with it, as the browser sends it

    async def press_new_round(self) -> None:
        await self.rerun({self.new_round_id: ("trigger_value", True)})

    def about(self, **fields) -> dict:
        self.seq += 1
        return {"round": self.data.get("round"), "position": self.data.get("position"), "seq": self.seq, **fields}

    async def rerun(self, widgets: dict, in_fragment: bool = False) -> float:
        message = BackMsg()
        state = message.rerun_script
        state.page_name, state.context_info.url, state.context_info.timezone = "race", self.page_url, "UTC"
        if self.page_hash:
            state.page_script_hash = self.page_hash  # as the browser names the page it shows
        if in_fragment and self.fragment_id:
            state.fragment_id = self.fragment_id
        for widget_id, (kind, value) in widgets.items():
            setattr(state.widget_states.widgets.add(id=widget_id), kind, value)
        started = time.perf_counter()
        self.said = []
        await self.socket.send(message.SerializeToString())
        await asyncio.wait_for(self._receive(), TIMEOUT_S)
        return time.perf_counter() - started

    async def _receive(self) -> None:
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self.socket.recv())
            kind = message.WhichOneof("type")
            if kind == "delta":
                self._read(message.delta)
            elif kind == "navigation":
                self.page_hash = message.navigation.page_script_hash
            elif kind == "script_finished" and message.script_finished != EARLY:
                if message.script_finished not in (FINISHED, FRAGMENT_FINISHED):
                    self.said.append(f"error: the run ended with {ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)}")
                return

    def _read(self, delta) -> None:
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "bidi_component" and element.bidi_component.component_name == PLAYER:
            self.player_id, self.data = element.bidi_component.id, json.loads(element.bidi_component.json)
            self.fragment_id = delta.fragment_id or None  # the player is in a fragment only while its digit is raced
        elif kind == "heading":
            self.said.append(element.heading.body)
        elif kind == "alert":
            self.said.append(element.alert.body)
        elif kind == "exception":
            self.said.append(f"error: {element.exception.type}")
        elif kind == "button" and element.button.label == "New round":
            self.new_round_id = element.button.id


async def race_a_digit_quickly(racer: Racer, outcome: dict) -> None:
    """Row 1, then every digit in turn until the right one: a result, as fast as a script plays one."""
    await racer.send("row", racer.about(row=racer.data["released"] + 1))
    for digit in range(10):
        if racer.data.get("label") is not None:
            break
        await racer.send("guess", racer.about(digit=digit, row=racer.data["released"]))
        outcome["messages"] += 1
    said = " ".join(racer.said)
    outcome["recorded"] += KNEW in said and TABLE_FULL not in said
    outcome["table_full"] += TABLE_FULL in said
    outcome["errors"] += sum(text.startswith("error") for text in racer.said)
    if racer.data.get("done"):
        await racer.send("next", racer.about(), in_fragment=False)
        if "Your score" in racer.said:
            await racer.press_new_round()


async def forge(racer: Racer, rng: np.random.Generator, outcome: dict) -> None:
    """One forged message, of the kinds a cheat tries."""
    released = racer.data.get("released", 0)
    kind = int(rng.integers(6))
    if kind == 0:
        await racer.send("row", racer.about(row=released + 5))  # rows ahead
    elif kind == 1:
        for row in range(released + 1, 6):
            await racer.send("row", racer.about(row=row))
        await racer.send("finished", racer.about(guesses=[[int(rng.integers(10)), 1]]))  # the old claim of row 1
        await racer.send("guess", racer.about(digit=int(rng.integers(10)), row=1, label="?"))
    elif kind == 2:
        await racer.send("guess", {**racer.about(digit=3, row=1), "round": int(rng.integers(2**32))})  # another round
    elif kind == 3:
        await racer.send("guess", {**racer.about(digit=3, row=1), "row": "x" * 200_000})  # 200 kB of nothing
    elif kind == 4:
        await racer.send("next", racer.about(), in_fragment=False)  # next before the digit is over
    else:
        await racer.send("resume", {"round": int(rng.integers(2**32)), "position": 3})  # a round never dealt
    outcome["messages"] += 1
    outcome["errors"] += sum(text.startswith("error") for text in racer.said)


async def flood_one(url: str, seconds: float, seed: int) -> dict:
    outcome = {"messages": 0, "recorded": 0, "table_full": 0, "errors": 0}
    rng = np.random.default_rng(seed)
    racer = Racer(url)
    await racer.open()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if rng.random() < 0.5 and racer.data.get("label") is None:
                await race_a_digit_quickly(racer, outcome)
            else:
                await forge(racer, rng, outcome)
    finally:
        await racer.close()
    return outcome


async def flood(url: str, clients: int, seconds: float) -> dict:
    outcomes = await asyncio.gather(*(flood_one(url, seconds, seed) for seed in range(clients)))
    return {key: sum(o[key] for o in outcomes) for key in outcomes[0]}


async def row_costs(url: str, pid: int, digits: int, in_fragment: bool) -> dict:
    """Rows asked for in turn, 28 a digit, each guessed right at the end: the round trip and the server's CPU per row."""
    racer = Racer(url)
    await racer.open()
    times, cpu_before = [], cpu_seconds(pid)
    try:
        for _ in range(digits):
            for row in range(1, 29):
                times.append(await racer.send("row", racer.about(row=row), in_fragment))
            for digit in range(10):
                if racer.data.get("label") is not None:
                    break
                await racer.send("guess", racer.about(digit=digit, row=28))
            await racer.send("next", racer.about(), in_fragment=False)
    finally:
        await racer.close()
    cpu = cpu_seconds(pid) - cpu_before
    times_ms = sorted(t * 1000 for t in times)
    return {
        "rows": len(times),
        "median_ms": round(statistics.median(times_ms), 1),
        "p95_ms": round(times_ms[int(0.95 * (len(times_ms) - 1))], 1),
        "server_cpu_ms_per_row_and_guess": round(cpu * 1000 / (len(times) + 10 * digits), 1),
    }


def flood_and_settle(url: str, pid: int, args) -> dict:
    """One flood, with the server's memory before, at its peak, when the forgers left, and once their sessions expired."""
    figures = {"rss_mb_before": round(rss_mb(pid), 1)}
    with PeakSampler(pid) as peak:
        figures.update(asyncio.run(flood(url, args.clients, args.seconds)))
    figures["rss_mb_peak"] = round(peak.peak_mb, 1)
    figures["rss_mb_when_they_left"] = round(rss_mb(pid), 1)
    settle(url, args.ttl)
    figures["rss_mb_after_sessions_expired"] = round(rss_mb(pid), 1)
    figures["held_after"] = streamlit_holds(url)
    print(json.dumps(figures), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="forgers at once (default: 8)")
    parser.add_argument("--seconds", type=float, default=20, help="how long they flood (default: 20)")
    parser.add_argument("--digits", type=int, default=3, help="digits raced honestly to time a row (default: 3)")
    parser.add_argument("--floods", type=int, default=2, help="floods one after the other, each left to settle (default: 2)")
    parser.add_argument("--ttl", type=float, default=10, help="server.disconnectedSessionTTL, seconds (default: 10)")
    args = parser.parse_args()
    log = Path(tempfile.mkdtemp(prefix="race-flood-")) / "server.log"
    env = {TTL_ENV: str(int(args.ttl)), **SERVING}
    results = {"machine_cores": len(os.sched_getaffinity(0)), "clients": args.clients, "seconds": args.seconds, "server_log": str(log)}
    with streamlit_server(env=env, log_path=log) as (url, process, _):
        asyncio.run(row_costs(url, process.pid, 1, True))  # warm: the network loaded, the page's modules imported
        results["row_in_fragment"] = asyncio.run(row_costs(url, process.pid, args.digits, True))
        results["row_whole_page"] = asyncio.run(row_costs(url, process.pid, args.digits, False))
        settle(url, args.ttl)
        results["floods"] = [flood_and_settle(url, process.pid, args) for _ in range(args.floods)]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
