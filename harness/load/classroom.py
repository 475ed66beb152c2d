"""A class of students against one running server: arrive, draw, wait for the Prediction, play, leave.

Students arrive spread over `arrival_s`, so some open the app while others
are mid-drawing. Each draws `digits` digits (1s and 7s, each moved a little so
that no two drawings are alike; when sharing, each of a student's 1s, or 7s,
also slanted its own way, as the wall takes one picture from one student once):
the pen takes a moment to move, the Prediction is awaited, the reading is
played for `play_s`, the canvas is cleared, and after the last digit the
student leaves. With `share`, each drawing is shared
with the class (nickname "student N", the digit meant chosen) once its
Prediction is there. With `wall_open`, the class wall is open in a Chromium tab
on the projector from before the first student arrives; after the last one has
left, the wall must count every new share (the latest MAX_SHARED at most) and
show no error. Any exception, error on the page, missing answer or share that
the page does not confirm is an error of that student, and it leaves at once.

run_lesson holds one lesson and reads the server's memory and CPU around it,
up to the moment Streamlit has dropped the sessions of the students who left
(settle).
"""

import asyncio
import math
import random
import statistics
import time
from dataclasses import dataclass, field

from classroom.wall import MAX_SHARED
from harness.load.memory import PeakSampler, cpu_seconds, rss_mb, streamlit_holds
from harness.load.protocol import ProtocolStudent
from harness.waiting import wait_until

SERVER_TIMEOUT_S = 60  # for the server to take or let go of one connection, on a busy machine

PROTOCOL, CHROMIUM = "protocol", "chromium"
LEAN_STEP = 0.04  # the slant between a student's drawings of one digit, as a fraction of the canvas's width


@dataclass(frozen=True)
class Lesson:
    students: int
    browsers: int = 0  # how many of the students are real Chromium tabs; the rest speak the protocol
    digits: int = 3
    play_s: float = 10.0  # 28 rows at the Normal speed of 350 ms a row
    arrival_s: float = 10.0
    seed: int = 0
    share: bool = False  # every student shares every digit with the class
    wall_open: bool = False  # the class wall is open in a Chromium tab throughout


@dataclass
class Outcome:
    stroke_to_prediction_s: dict[str, list[float]] = field(default_factory=lambda: {PROTOCOL: [], CHROMIUM: []})
    rerun_s: list[float] = field(default_factory=list)  # protocol only: sending the drawing to the end of the run
    received_kb: list[float] = field(default_factory=list)  # protocol only: what one drawing's rerun sends back
    misread: int = 0
    errors: list[str] = field(default_factory=list)
    elsewhere: set[str] = field(default_factory=set)  # Chromium only: requests to anything but the app's server
    share_s: dict[str, list[float]] = field(default_factory=lambda: {PROTOCOL: [], CHROMIUM: []})  # Share pressed to answered
    shared: int = 0  # new digits on the wall
    already_shared: int = 0  # shares the page answered were on the wall already
    wall: dict = field(default_factory=dict)  # its headline before and after, the count expected, seconds to catch up


async def _student(number: int, client: str, lesson: Lesson, url: str, browser, outcome: Outcome) -> None:
    rng = random.Random(lesson.seed * 1000 + number)
    await asyncio.sleep(rng.uniform(0, lesson.arrival_s))
    if client == CHROMIUM:
        from harness.load.browser import BrowserStudent

        student = BrowserStudent(browser, url)
    else:
        student = ProtocolStudent(url)
    try:
        await student.open()
        for turn in range(lesson.digits):
            digit = "71"[(number + turn) % 2]
            shift = (rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03))
            # Shared digits slant apart (0, -0.04, 0.08 ... and a little per student): one picture is one tile, whoever
            # shares it, and a drawing moved on the canvas is the same picture once it is centred.
            lean = LEAN_STEP * (turn // 2) * (-1) ** (turn // 2) + 0.011 * number if lesson.share else 0.0
            if client == PROTOCOL:
                await asyncio.sleep(rng.uniform(0.5, 1.2))  # the pen moving; Chromium's mouse takes its own time
                rerun = await student.draw(digit, shift, lean)
                if rerun.prediction is None:
                    raise RuntimeError("the page showed no Prediction for a drawing")
                seconds, shown = rerun.prediction_s, rerun.prediction
                outcome.rerun_s.append(rerun.finished_s)
                outcome.received_kb.append(rerun.received_bytes / 1000)
            else:
                seconds, shown = await student.draw(digit, shift, lean)
                await student.play()
            outcome.stroke_to_prediction_s[client].append(seconds)
            outcome.misread += shown != digit
            if lesson.share:
                shared = await student.share(f"student {number}", meant=digit)
                outcome.share_s[client].append(shared.seconds)
                outcome.shared += shared.new
                outcome.already_shared += not shared.new
            await asyncio.sleep(lesson.play_s)
            if turn < lesson.digits - 1:
                await student.clear()
    except Exception as error:  # noqa: BLE001 - every failure is a student's error, counted and reported
        outcome.errors.append(f"student {number} ({client}): {type(error).__name__}: {error}")
    finally:
        outcome.elsewhere |= getattr(student, "elsewhere", set())
        try:
            await student.close()
        except Exception as error:  # noqa: BLE001
            outcome.errors.append(f"student {number} ({client}) could not leave: {error}")


async def _class(url: str, lesson: Lesson, browser, outcome: Outcome) -> None:
    """Every student, from arrival to leaving."""
    clients = [CHROMIUM] * lesson.browsers + [PROTOCOL] * (lesson.students - lesson.browsers)
    random.Random(lesson.seed).shuffle(clients)
    await asyncio.gather(*(_student(n, c, lesson, url, browser, outcome) for n, c in enumerate(clients)))


async def _with_the_wall_open(url: str, lesson: Lesson, browser, outcome: Outcome) -> None:
    """The lesson with the wall open before the first student arrives; then the wall must count every new share."""
    from harness.load.browser import WallTab, wall_digits

    wall = WallTab(browser, url)
    try:
        outcome.wall["before"] = await wall.open()
        await _class(url, lesson, browser, outcome)
        expected = min(wall_digits(outcome.wall["before"]) + outcome.shared, MAX_SHARED)
        outcome.wall["expected_digits"] = expected
        all_left = time.perf_counter()
        outcome.wall["after"] = await wall.wait_for(expected)
        outcome.wall["caught_up_s"] = round(time.perf_counter() - all_left, 1)  # the wall redraws itself every 2 s
        outcome.errors += await wall.errors()
    except Exception as error:  # noqa: BLE001 - a wall that fails is an error of the lesson, counted and reported
        outcome.errors.append(f"the wall: {type(error).__name__}: {error}")
    finally:
        outcome.elsewhere |= wall.elsewhere
        await wall.close()


async def hold(url: str, lesson: Lesson) -> Outcome:
    """Run the lesson to its end; every student has left, and the wall is closed, when this returns."""
    outcome = Outcome()
    if not lesson.browsers and not lesson.wall_open:
        await _class(url, lesson, None, outcome)
        return outcome
    from playwright.async_api import async_playwright

    from harness.load.browser import launch

    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            await (_with_the_wall_open if lesson.wall_open else _class)(url, lesson, browser, outcome)
        finally:
            await browser.close()
    return outcome


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(fraction * len(ordered))) - 1)]


def summary(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "median_ms": round(1000 * statistics.median(values)),
        "p95_ms": round(1000 * percentile(values, 0.95)),
        "max_ms": round(1000 * max(values)),
    }


def _connected(url: str) -> int:
    return streamlit_holds(url)["active_sessions"]


async def leave_no_trace(url: str) -> None:
    """Open and close one connection, and wait until the server has stored the closed session.

    Streamlit drops expired disconnected sessions only when another one is stored. /_stcore/metrics counts
    connected sessions only ("active_sessions"): it is 1 once the server has taken this connection, and back to
    0 once it has stored it.
    """
    passer_by = ProtocolStudent(url)
    await passer_by.connect()
    try:
        await asyncio.to_thread(wait_until, lambda: _connected(url), SERVER_TIMEOUT_S, "the server to take a connection")
    finally:
        await passer_by.close()
    await asyncio.to_thread(wait_until, lambda: _connected(url) == 0, SERVER_TIMEOUT_S, "the server to store a closed session")


def settle(url: str, ttl: float) -> None:
    """Wait until Streamlit has dropped every session that has left (the server's TTL is `ttl` seconds).

    A closed tab's session is kept `ttl` seconds from the moment the server stores it, and dropped once expired
    when another session is stored. So: wait until the server has stored every session (none is connected), wait
    for the last of them to expire, `ttl` seconds from then, and have the server store one more.
    """
    wait_until(lambda: _connected(url) == 0, SERVER_TIMEOUT_S, "every student's session to be closed")
    all_stored = time.monotonic()  # the server's clock too: one monotonic clock for every process on the machine
    wait_until(lambda: time.monotonic() >= all_stored + ttl, ttl + SERVER_TIMEOUT_S, "the sessions that left to expire")
    asyncio.run(leave_no_trace(url))


def _sharing(outcome: Outcome) -> dict:
    """What the class shared, and what the wall showed of it."""
    return {
        "shared": outcome.shared,
        "already_on_wall": outcome.already_shared,
        "share_to_answer": {client: summary(outcome.share_s[client]) for client in (PROTOCOL, CHROMIUM)},
        "wall": outcome.wall or None,
    }


def run_lesson(url: str, pid: int, lesson: Lesson, ttl: float) -> dict:
    """One lesson from arrival to the last session dropped, with the server's memory and CPU around it."""
    before = rss_mb(pid)
    cpu_before, started = cpu_seconds(pid), time.perf_counter()
    with PeakSampler(pid) as peak:
        outcome = asyncio.run(hold(url, lesson))
    wall = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    all_left = rss_mb(pid)
    settle(url, ttl)
    after = rss_mb(pid)
    return {
        "students": lesson.students,
        "chromium_students": lesson.browsers,
        "stroke_to_prediction": {client: summary(outcome.stroke_to_prediction_s[client]) for client in (PROTOCOL, CHROMIUM)},
        "protocol_whole_rerun": summary(outcome.rerun_s),
        "kb_per_drawing_median": round(statistics.median(outcome.received_kb), 1) if outcome.received_kb else None,
        "misread": outcome.misread,
        **(_sharing(outcome) if lesson.share or lesson.wall_open else {}),
        "chromium_requests_elsewhere": sorted(outcome.elsewhere),
        "errors": len(outcome.errors),
        "error_messages": outcome.errors[:5],
        "rss_mb": {"before": round(before), "peak": round(peak.peak_mb), "all_left": round(all_left), "after_ttl": round(after)},
        "held_after_ttl": streamlit_holds(url),
        "server_cpu_s": round(cpu, 1),
        "wall_s": round(wall, 1),
    }
