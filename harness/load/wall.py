"""A phone with the class wall open, over Streamlit's protocol: it keeps /wall as a browser keeps it, and counts what
it is sent. And a wall filled as a class fills it.

The browser opens /wall (a rerun_script naming the page), then does what the
server asks of it: each `auto_rerun` ForwardMsg (a fragment's run_every) starts
a timer that asks for that fragment's rerun every `interval` seconds, as the
browser's setInterval does, never waiting for the last one to finish; a whole
page's run (a new_session naming no fragment) stops every timer, and that run's
own auto_rerun messages start them again; stop_auto_rerun stops one. Each rerun
carries the hashes of the large elements already received (the browser's
message cache), so the server may send a reference in their place. Widget
values are not sent back, only a button pressed (Show all): the wall's keyed
widgets keep their values on the server. A phone differs from a projector only
in the browser's CSS (the wall sends no width), so it costs the server the same.

Every message is read in the background and counted (Traffic): bytes, elements
drawn (pictures among them), runs finished, whole page or fragment. Waits are
for things (a headline, a number of runs), never for a time.

fill_wall shares digits as students do, each from its own fresh session on a
phone of its own (open the Read page, draw, Share with the class), a few at
once, each picture different (drawing.varied_drawing).
"""

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from harness.load.drawing import varied_drawing
from harness.load.protocol import RERUN_TIMEOUT_S, ProtocolStudent, StudentError
from views.parts.wall_tiles import SHOWN_AT_ONCE

WALL_PATH = "wall"  # the page's url_path in app.py
HEADLINE = re.compile(r"^(\d+) digits?,")  # "60 digits, 2 misread or unsure"
SHOW_ALL = "Show all"  # the button under the first tiles: "Show all 198"
STATUS = ForwardMsg.ScriptFinishedStatus
NICKNAMES = ("Ana", "Ben", "Chloe", "Dev", "Emil", "Fatou", "Gus", "Hana", "Ivo", "Jade", "Kofi")  # a class's, cycled


@dataclass
class Traffic:
    """What a wall was sent, counted from its opening."""

    bytes: int = 0
    messages: int = 0
    elements: int = 0  # elements drawn (new_element deltas, or references to ones cached)
    pictures: int = 0  # st.image elements among them: a tile's digit
    full_runs: int = 0  # whole-page runs finished
    fragment_runs: int = 0  # fragment runs finished (the wall's refresh)
    interrupted: int = 0  # runs ended early for a newer one
    reruns_asked: int = 0  # by the page opening, the timers and the buttons

    def since(self, before: "Traffic") -> "Traffic":
        return Traffic(**{f.name: getattr(self, f.name) - getattr(before, f.name) for f in fields(self)})


class ProtocolWall:
    """One open /wall: opens, keeps its fragments' timers, presses Show all, closes."""

    def __init__(self, url: str, path: str = WALL_PATH):
        self.stream_url = f"ws://{urlparse(url).netloc}/_stcore/stream"
        self.page_url, self.page_name = url.rstrip("/") + "/" + path, path
        self.traffic = Traffic()
        self.errors: list[str] = []
        self.headline: str | None = None  # as last drawn
        self._page_hash = ""  # the page, as the server names it after the first run; later reruns name it so
        self._cached: set[str] = set()
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> (interval, its timer)
        self._buttons: dict[str, tuple[str, str]] = {}  # label -> (element id, fragment id)
        self._changed = asyncio.Condition()
        self._sending = asyncio.Lock()
        self._socket = self._reader = None
        self._ended: str | None = None

    async def open(self, timeout: float = RERUN_TIMEOUT_S) -> None:
        """Open the wall and wait until its first run has drawn it."""
        self._socket = await websockets.connect(self.stream_url, subprotocols=["streamlit"], max_size=None, open_timeout=30)
        self._reader = asyncio.create_task(self._read())
        await self._ask()
        await self.wait_for(lambda: self.traffic.full_runs >= 1, timeout, "the wall's first run")

    async def show_all(self, timeout: float = RERUN_TIMEOUT_S) -> None:
        """Press Show all, and wait until the wall has been sent more pictures since than it shows before Show all.
        Counted as they come, not by runs finished: on a busy server each refresh may be cut short by the next one."""

        def button() -> str | None:  # drawn by the first run that gets to it: on a busy server, a later one
            return next((label for label in self._buttons if label.startswith(SHOW_ALL)), None)

        await self.wait_for(button, timeout, f"the wall's {SHOW_ALL} button")
        label = button()
        pictures = self.traffic.pictures
        element_id, fragment_id = self._buttons[label]
        await self._ask({element_id: True}, fragment_id)
        await self.wait_for(lambda: self.traffic.pictures - pictures > SHOWN_AT_ONCE, timeout, f"the wall after {SHOW_ALL}")

    async def wait_for(self, condition: Callable[[], object], timeout: float, what: str) -> None:
        """Until `condition()` holds, checked after every message; StudentError after `timeout` s or if the wall closed."""

        async def until() -> None:
            async with self._changed:
                while not condition():
                    if self._reader.done():
                        raise StudentError(f"the wall's connection ended ({self._ended}) before {what}")
                    await self._changed.wait()

        try:
            await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            raise StudentError(f"waited {timeout:g} s for {what}") from None

    @property
    def ended(self) -> str | None:
        """Why the wall's connection ended, once it has; None while it is open."""
        return self._ended

    def has_button(self, label: str) -> bool:
        """Whether the wall as last drawn has a button of this label ("Open #12")."""
        return label in self._buttons

    def counts(self) -> Traffic:
        return replace(self.traffic)

    async def close(self) -> None:
        self._stop_timers()
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await self._reader

    async def _ask(self, pressed: dict[str, bool] | None = None, fragment_id: str = "", auto: bool = False) -> None:
        """A rerun_script as the browser sends it: the page, the fragment, the cached hashes and any button pressed."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = ""
        state.page_script_hash = self._page_hash
        if not self._page_hash:
            state.page_name = self.page_name
        state.fragment_id, state.is_auto_rerun = fragment_id, auto
        state.cached_message_hashes.extend(sorted(self._cached))
        state.context_info.timezone, state.context_info.locale, state.context_info.url = "UTC", "en-US", self.page_url
        for widget_id, value in (pressed or {}).items():
            state.widget_states.widgets.add(id=widget_id, trigger_value=value)
        async with self._sending:
            await self._socket.send(message.SerializeToString())
        self.traffic.reruns_asked += 1

    async def _every(self, fragment_id: str, interval: float) -> None:
        """The browser's setInterval for a fragment's run_every: a rerun asked every `interval` s, finished or not."""
        try:
            while True:
                await asyncio.sleep(interval)
                await self._ask(fragment_id=fragment_id, auto=True)
        except websockets.ConnectionClosed:
            return

    def _stop_timers(self, fragment_ids: list[str] | None = None) -> None:
        for fragment_id in list(self._timers) if fragment_ids is None else fragment_ids:
            _, timer = self._timers.pop(fragment_id, (None, None))
            if timer is not None:
                timer.cancel()

    async def _read(self) -> None:
        try:
            async for data in self._socket:
                self._take(data)
                async with self._changed:
                    self._changed.notify_all()
        except websockets.ConnectionClosed as closed:
            self._ended = str(closed)
        finally:
            self._ended = self._ended or "closed"
            self._stop_timers()
            async with self._changed:
                self._changed.notify_all()

    def _take(self, data: bytes) -> None:
        self.traffic.bytes += len(data)
        self.traffic.messages += 1
        message = ForwardMsg()
        message.ParseFromString(data)
        if message.metadata.cacheable:
            self._cached.add(message.hash)
        kind = message.WhichOneof("type")
        if kind == "navigation":  # st.navigation's page, as the browser keeps it
            self._page_hash = message.navigation.page_script_hash
        elif kind == "new_session":
            self._page_hash = self._page_hash or message.new_session.page_script_hash
            if not message.metadata.run.fragment_ids:  # a whole page's run: the browser stops every timer
                self._stop_timers()
        elif kind == "auto_rerun":
            self._start_timer(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_timers(list(message.stop_auto_rerun.fragment_ids))
        elif kind == "ref_hash":
            self.traffic.elements += 1  # an element the browser has cached, drawn again
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._drawn(message.delta)
        elif kind == "script_finished":
            self._finished(message.script_finished)

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or self._timers.get(fragment_id, (None,))[0] == interval:
            return  # as the browser: none without a fragment, and a timer already going at this interval is kept
        self._stop_timers([fragment_id])
        self._timers[fragment_id] = (interval, asyncio.get_running_loop().create_task(self._every(fragment_id, interval)))

    def _drawn(self, delta) -> None:
        self.traffic.elements += 1
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "imgs":
            self.traffic.pictures += 1
        elif kind == "heading" and HEADLINE.match(element.heading.body):
            self.headline = element.heading.body
        elif kind == "button":
            self._buttons[element.button.label] = (element.button.id, delta.fragment_id)
        elif kind == "exception":
            self.errors.append(f"exception on the wall: {element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            self.errors.append(f"error on the wall: {element.alert.body}")

    def _finished(self, status: int) -> None:
        if status == STATUS.FINISHED_SUCCESSFULLY:
            self.traffic.full_runs += 1
        elif status == STATUS.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            self.traffic.fragment_runs += 1
        elif status == STATUS.FINISHED_EARLY_FOR_RERUN:
            self.traffic.interrupted += 1
        else:
            self.errors.append(f"a run of the wall ended with {STATUS.Name(status)}")


def wall_count(headline: str | None) -> int | None:
    """How many digits a wall headline counts ("60 digits, 2 misread or unsure" -> 60); None before one is drawn."""
    found = HEADLINE.match(headline or "")
    return int(found.group(1)) if found else None


def _device(url: str, number: int) -> str | None:
    """The `number`-th phone's own address on the loopback network (127.0.1.2, ...) for a server on 127.0.0.1, as
    each student's phone has its own; None elsewhere."""
    if urlparse(url).hostname != "127.0.0.1":
        return None
    return f"127.0.{1 + number // 250}.{2 + number % 250}"


async def fill_wall(url: str, count: int, first: int = 0, at_once: int = 4) -> list[str]:
    """Share `count` different drawings (varied_drawing from `first` on), each from a fresh session on a phone of
    its own (its own address), `at_once` sessions at a time; the errors, one line each (a share the page did not
    confirm as new is one)."""
    numbers, errors = iter(range(first, first + count)), []

    async def sharer() -> None:
        for number in numbers:
            student = ProtocolStudent(url, device=_device(url, number))
            try:
                await student.open()
                digit, drawing = varied_drawing(number)
                await student.send_canvas(drawing)
                if not (await student.share(NICKNAMES[number % len(NICKNAMES)], meant=digit)).new:
                    errors.append(f"share {number}: the wall had this digit already")
            except Exception as error:  # noqa: BLE001 - every failure is counted and reported
                errors.append(f"share {number}: {type(error).__name__}: {error}")
            finally:
                await student.close()

    await asyncio.gather(*(sharer() for _ in range(at_once)))
    return errors
