"""Forged race messages: what a student's browser could send the Race page's player instead of its own messages.

A case is a short script of messages ("row", "guess", "next", "resume", and names the player never sends), each a
payload whose fields may name what the forger would need to know: "$round", "$position", "$label" (the true digit,
which it never gets), "$released" (the rows it was sent), "$seq" (its next message number). The Race page hears them in
AppTest (entry_points._run_race), and is judged by what it records and what it gives the browser: never the true digit
before the right guess, never a row past those asked for in turn, never a result at a row earlier than the browser had.
"""

import base64
import functools
import json
from collections.abc import Callable

from harness.fuzz.case import ACCEPT, APP, CASE_TIMEOUT_S, EITHER, FAILURE, Case, Outcome, short
from harness.fuzz.mutations import deep_json, hostile_text, pick
from harness.fuzz.pages import page_outcome

ROUND, POSITION, LABEL, WRONG, RELEASED, SEQ = "$round", "$position", "$label", "$wrong", "$released", "$seq"
ROWS = 28
RACE_PAGE = "views/pages/race.py"


def _about(**fields) -> dict:
    return {"round": ROUND, "position": POSITION, "seq": SEQ, **fields}


def _rows(count: int) -> list[tuple[str, dict]]:
    """The rows 1 to `count` asked for in turn, as an honest player does."""
    return [("row", _about(row=row)) for row in range(1, count + 1)]


def _label_fishing(rng):
    """Rows asked for, then the true digit guessed at a row the browser never had, or fished for outright."""
    released = int(rng.integers(3, 12))
    claimed = pick(rng, [1, 2, released - 2, released + 1, ROWS, 0])
    extra = pick(rng, [{}, {"label": LABEL}, {"want": "label"}, {"reveal": True, "rows": ROWS}])
    return f"{released} rows, the label at row {claimed}", [*_rows(released), ("guess", _about(digit=LABEL, row=claimed, **extra))]


def _finished(rng):
    """The old "finished" message, claiming row 1 with the true digit: a name the player no longer sends."""
    released = int(rng.integers(0, 6))
    return f"{released} rows, then 'finished' at row 1", [*_rows(released), ("finished", _about(guesses=[[LABEL, 1]]))]


def _out_of_order(rng):
    """Rows asked for ahead of their turn, twice, or for another digit or round; guesses and 'next' out of turn."""
    released = int(rng.integers(1, 8))
    forged = pick(rng, [
        ("row", _about(row=released + int(rng.integers(2, 20)))),
        ("row", _about(row=ROWS, position=int(rng.integers(1, 10)))),
        ("guess", _about(digit=LABEL, row=released, round=int(rng.integers(0, 2**32)))),
        ("guess", _about(digit=LABEL, row=released, position=int(rng.integers(1, 10)))),
        ("next", _about()),
        ("resume", {"round": ROUND, "position": int(rng.integers(0, 10))}),
    ])  # fmt: skip
    again = [("row", _about(row=row)) for row in rng.integers(1, released + 1, size=3)]
    return f"{released} rows, {forged[0]} {short(repr(forged[1]), 60)}", [*_rows(released), forged, *again, forged]


def _malformed(rng):
    """Payloads of the wrong shape: huge, nested, of other types, or names no player sends."""
    value = pick(rng, [None, True, 1e308, float("nan"), -1, 2**70, "3", hostile_text(rng), "x" * 200_000,
                       [LABEL] * 10_000, {"a": {"b": {"c": []}}}, deep_json(200)])  # fmt: skip
    field = pick(rng, ["round", "position", "seq", "row", "digit"])
    name = pick(rng, ["row", "guess", "next", "resume", "finished", hostile_text(rng)[:30]])
    payload = pick(rng, [{**_about(digit=LABEL, row=1), field: value}, value, [_about(row=1)] * 50])
    return f"{short(name, 30)} with {field}={short(repr(value), 40)}", [*_rows(2), (name, payload)]


def _honest(rng):
    """A race as the player runs it: rows in turn, a wrong guess perhaps, the right one at the row shown."""
    released = int(rng.integers(1, ROWS + 1))
    wrong = [("guess", _about(digit=WRONG, row=RELEASED))] if rng.random() < 0.5 else []
    return f"an honest race to row {released}", [*_rows(released), *wrong, ("guess", _about(digit=LABEL, row=RELEASED))]


BUILDERS = [
    ("label fishing", _label_fishing, EITHER),
    ("an old 'finished'", _finished, EITHER),
    ("out of order", _out_of_order, EITHER),
    ("malformed", _malformed, EITHER),
    ("label fishing", _label_fishing, EITHER),
    ("honest", _honest, ACCEPT),
]


def _race_case(rng, what: str, build: Callable, expect: str):
    said, messages = build(rng)
    return f"{what}: {said}", lambda folder: messages, expect


def families() -> list[Callable]:
    """The makers of race cases, rng -> (what, make, expect), in the order cases() takes them round."""
    return [functools.partial(_race_case, what=what, build=build, expect=expect) for what, build, expect in BUILDERS]


# --- playing a case on the Race page, and judging it ---------------------------------------------------------------


def _filled(value, known: dict):
    """The payload with the forger's placeholders replaced by what the page holds now."""
    if isinstance(value, str):
        return known.get(value, value)
    if isinstance(value, dict):
        return {key: _filled(item, known) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, known) for item in value]
    return value


def _player_data(app) -> dict | None:
    players = [e for e in app.get("bidi_component") if e.proto.component_name.endswith("race_player")]
    return json.loads(players[0].proto.json) if players else None


def _leak(data: dict | None, digit, released_before: int) -> str | None:
    """What the browser was given that it must not have: the true digit before the right guess, rows not asked for."""
    if data is None:
        return None
    if data["label"] is not None and not digit.over:
        return "the true digit sent before the right guess"
    rows = len(base64.b64decode(data["rows"])) // ROWS
    if data["released"] > released_before + 1 or rows != (ROWS if digit.over else data["released"]):
        return f"{rows} rows sent, {data['released']} released, {released_before} before this message"
    return None


def _step_problem(app, game, released: int, results_before: int) -> Outcome | None:
    """A result at a row the browser never had, or the browser given more than it reached, after one message."""
    for result in game.results[results_before:]:
        if not released - 1 <= result.guessed_at <= released:
            return Outcome(FAILURE, "a result at a row the browser never had", f"row {result.guessed_at} with {released} released")
    leak = _leak(_player_data(app), game.digit, released) if not game.over else None
    return Outcome(FAILURE, "the browser was given more than it had reached", leak) if leak else None


def play(case: Case, messages: list[tuple[str, object]]) -> Outcome:
    """Open the Race page in AppTest, hear each message as the player's callback keeps it, and judge what came of it."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=CASE_TIMEOUT_S)
    outcome = page_outcome(app, case, ())
    if outcome.verdict == FAILURE:
        return outcome
    outcome = page_outcome(app.switch_page(RACE_PAGE), case, (), title=None)
    for name, payload in messages:
        if outcome.verdict == FAILURE:
            return outcome
        game = app.session_state["race_round"]
        released, results_before, label = game.digit.released, len(game.results), game.labels[game.position]
        known = {ROUND: game.seed, POSITION: game.position, LABEL: label, WRONG: (label + 1) % 10, RELEASED: released,
                 SEQ: game.digit.heard + 1}  # fmt: skip
        app.session_state["race_inbox"] = [(name, _filled(payload, known))]
        outcome = page_outcome(app, case, (), title=None)
        outcome = _step_problem(app, app.session_state["race_round"], released, results_before) or outcome
    if outcome.verdict != FAILURE and case.expect == ACCEPT and not app.session_state["race_round"].results:
        return Outcome(FAILURE, "an honest race was not counted", short(" | ".join(name for name, _ in messages)))
    return outcome
