"""A small class against a real server: every student gets every answer, and what they leave behind is let go.

The load harness (bench/bench_class_load.py) in miniature: four students speaking
Streamlit's protocol (no browser, so it is cheap enough for CI) arrive within
a second of each other, draw three digits each and leave, twice over. It never
looks at timings or memory figures, which the harness reports; it fails on
errors, on a missing Prediction, on a misread (crossed sessions), and on
sessions or images the server still holds once the students' sessions have
expired. A class that shares every digit with the wall open in Chromium must
see every share on the wall. An open wall that nothing changes is sent nothing
again, and a new share at once. And a training run started from the app must
leave the server a core.
"""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.browser import CHROMIUM
from harness.load.classroom import CHROMIUM as CHROMIUM_TAB
from harness.load.classroom import PROTOCOL, Lesson, hold, run_lesson, settle
from harness.load.memory import streamlit_holds
from harness.load.wall import ProtocolWall, fill_wall, wall_count
from harness.server import REPO_ROOT, SERVING, TTL_ENV, streamlit_server
from training.devices import CORES_KEPT_WHOLE, NICENESS, THREAD_VARIABLES, beside_server_environment
from views.parts.class_wall import SHARE_GAP_ENV

TTL_S = 2  # server.disconnectedSessionTTL: how long a closed tab's session is kept; short, for a short test
STUDENTS, DIGITS = 4, 3
MEDIA_SLACK_KB = 25  # eight students' sessions leave nothing; each drawing's images are about 8 KB


def test_a_small_class_gets_every_answer_and_leaves_nothing_behind(tmp_path):
    env = {**SERVING, TTL_ENV: str(TTL_S), "ROW_READER_RUNS": str(tmp_path)}
    with streamlit_server(env=env) as (url, process, _):
        asyncio.run(hold(url, Lesson(students=2, digits=2, play_s=0.2, arrival_s=0.0, seed=99)))  # warm-up
        settle(url, TTL_S)
        start_held = streamlit_holds(url)
        lessons = [
            run_lesson(url, process.pid, Lesson(STUDENTS, digits=DIGITS, play_s=0.3, arrival_s=1.0, seed=seed), TTL_S) for seed in range(2)
        ]
    for lesson in lessons:
        assert lesson["errors"] == 0, lesson["error_messages"]
        assert lesson["stroke_to_prediction"][PROTOCOL]["count"] == STUDENTS * DIGITS  # every drawing got its Prediction
        assert lesson["misread"] == 0  # clear 1s and 7s, read right alone: a wrong answer means crossed sessions
        held = lesson["held_after_ttl"]
        assert held["active_sessions"] == 0  # no student still connected (Streamlit counts connected sessions only)
        # The images st.image keeps for a session (a few KB a drawing) go when the expired session is dropped: what is
        # still held shows the sessions still held. A few KB may linger.
        assert held["media_kb"] <= start_held["media_kb"] + MEDIA_SLACK_KB, "images of students who left are still kept"


def test_a_class_that_shares_with_the_wall_open_sees_every_share_on_it_and_no_session_stays(tmp_path):
    """Two students over the protocol and one in Chromium share every digit; the wall, open in Chromium throughout,
    counts them all, with no error on it."""
    pytest.importorskip("playwright")
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from harness.load.browser import wall_digits

    students, digits = 3, 2
    env = {**SERVING, TTL_ENV: str(TTL_S), "ROW_READER_RUNS": str(tmp_path), SHARE_GAP_ENV: "0"}  # shares 0.3 s apart
    with streamlit_server(env=env) as (url, process, _):
        asyncio.run(hold(url, Lesson(students=2, digits=2, play_s=0.2, arrival_s=0.0, seed=99)))  # warm-up, sharing nothing
        settle(url, TTL_S)
        lesson = Lesson(students, browsers=1, digits=digits, play_s=0.3, arrival_s=1.0, share=True, wall_open=True)
        result = run_lesson(url, process.pid, lesson, TTL_S)
    assert result["errors"] == 0, result["error_messages"]  # the wall's errors are counted here too
    assert result["misread"] == 0
    assert result["shared"] == students * digits and result["already_on_wall"] == 0  # every share confirmed, each new
    assert result["share_to_answer"][CHROMIUM_TAB]["count"] == digits  # the Chromium student shared by the form too
    assert result["wall"]["before"] == "0 digits, 0 misread or unsure"
    assert wall_digits(result["wall"]["after"]) == students * digits  # as the wall showed it ("6 digits, 0 misread or unsure")
    assert result["held_after_ttl"]["active_sessions"] == 0  # the wall's tab is gone with the students'


QUIET_REFRESHES = 2  # the wall's own refreshes watched for anything sent again
WALL_WAIT_S = 120  # bounds a failure: a refresh every 2 s, slower on a busy machine, never waited out when it passes


def test_an_open_wall_is_sent_nothing_again_while_nothing_changes_and_a_new_share_at_once(tmp_path):
    """A phone keeps /wall open as the browser does (asking for the wall's fragment as often as the server says). Once
    the wall is drawn, its next refreshes send no element at all; a digit shared then reaches it. The yardstick is
    the server's own refreshes, counted as they finish, not a time: a busy machine makes them later, never fewer."""
    env = {**SERVING, TTL_ENV: str(TTL_S), "ROW_READER_RUNS": str(tmp_path)}
    with streamlit_server(env=env) as (url, _, _):
        drawn, quiet, after_share = asyncio.run(_an_open_wall_while_a_digit_is_shared(url))
    assert drawn == 2  # the wall as it opened: "2 digits, ..."
    assert quiet.fragment_runs >= QUIET_REFRESHES and quiet.full_runs == 0
    assert quiet.elements == 0, f"an unchanged wall was sent {quiet.elements} elements again in {quiet.fragment_runs} refreshes"
    assert after_share == 3


async def _an_open_wall_while_a_digit_is_shared(url: str):
    assert await fill_wall(url, 2) == []
    wall = ProtocolWall(url)
    try:
        await wall.open()
        drawn, before = wall_count(wall.headline), wall.counts()

        def refreshed() -> bool:
            return wall.traffic.since(before).fragment_runs >= QUIET_REFRESHES

        await wall.wait_for(refreshed, WALL_WAIT_S, "the wall's refreshes")
        quiet = wall.traffic.since(before)
        assert await fill_wall(url, 1, first=2) == []
        await wall.wait_for(lambda: wall_count(wall.headline) == 3, WALL_WAIT_S, "the new digit on the open wall")
        assert wall.errors == []
        return drawn, quiet, wall_count(wall.headline)
    finally:
        await wall.close()


def test_a_training_run_started_from_the_app_runs_at_a_lower_priority_and_leaves_a_core_beyond_two():
    """The environment the run manager gives a run: a lower priority, and on more than two cores every core but one,
    with thread counts to match; on two, both (leaving one doubled a lesson run)."""
    probe = (
        "import os; from training.devices import prepare_environment; prepare_environment(); "
        "print(len(os.sched_getaffinity(0)), os.nice(0), os.environ.get('TF_NUM_INTRAOP_THREADS'))"
    )
    env = {name: value for name, value in os.environ.items() if name not in THREAD_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, env={**env, **beside_server_environment()}, capture_output=True, text=True, check=True
    )
    cores, niceness, threads = result.stdout.split()
    available = len(os.sched_getaffinity(0))
    leaves_a_core = available > CORES_KEPT_WHOLE
    assert int(cores) == (available - 1 if leaves_a_core else available)
    assert int(niceness) == min(os.nice(0) + NICENESS, 19)
    assert threads == (str(available - 1) if leaves_a_core else "None")
