"""The race player: a small Streamlit component (components v2) that shows a digit as far as the server has
uncovered it and takes the student's guesses, by tap, click or the keys 0-9.

The server alone holds the digit (classroom.race.DigitRace): the player's data carries only the rows released so far,
and the true digit only once it has been guessed. The player paces the race by the browser's clock and asks for each
row when it is due ("row"); a slow server costs no student a row, as the race is counted in rows: a row appears when
it arrives. Each guess goes to the server ("guess"), which judges it; "next" asks for the next digit; "resume" tells
a fresh session which round this tab was racing, so that a round lost to a restart is said. The player numbers its
messages and the server says back the latest it heard, so a message lost on the way is sent again. Its code
(static/players/race.js and .css) is fetched once by each browser, as the reading player's is; every word it shows or
says comes in its data (`player_words`), in the session's language.
"""

from collections.abc import Callable

import numpy as np
import streamlit as st

import i18n
from classroom.race import GUESS, NEXT, RESUME, RIGHT, ROW, WRONG, DigitRace
from i18n import _, ngettext
from model.config import ROWS
from views.encoding import base64_shades
from views.figures.plotting import NOW_COLOUR
from views.players.loader import static_loader

MESSAGES = (ROW, GUESS, NEXT, RESUME)
_player = st.components.v2.component("row_reader.race_player", js=static_loader("race"), isolate_styles=False)


def player_words() -> dict[str, str]:
    """Every word the player shows or says, in the session's language; race.js fills in each {placeholder}. Where a count
    changes the words, both forms go ("_one" for 1, "_many" for more), as English needs two and the player counts."""
    return {
        "which": _("Which digit is it?"),
        "start": _("Start"),
        "next": _("Next digit"),
        "score": _("See your score"),
        "help": _("Tap the digit, or press its key, as soon as you know it. A wrong guess adds {penalty} rows; keep going."),
        "progress": _("Digit {position} of {count}"),
        "covered": _("Covered: {rows} rows to go"),
        "row": _("Row {row} of {rows}"),
        "whole": _("The whole digit, all {rows} rows uncovered."),
        "still_covered": _("The digit, still covered."),
        "partly": _("The digit, rows 1 to {row} of {rows} uncovered, the rest covered."),
        "key_wrong": _("{digit}: wrong"),
        "key_right": _("{digit}: right"),
        "penalty_one": ngettext("+{penalty} rows for a wrong guess", "+{penalty} rows for {count} wrong guesses", 1),
        "penalty_many": ngettext("+{penalty} rows for a wrong guess", "+{penalty} rows for {count} wrong guesses", 2),
        "right": _("Right: it is a {label}, at row {row}."),
        "right_penalty": _("Right: it is a {label}, at row {row}, plus {penalty} rows for wrong guesses."),
        "not": _("Not {digit}: {penalty} rows added. Keep going."),
        "all_uncovered": _("All {rows} rows are uncovered: which digit is it?"),
        "row_said": _("Row {row} of {rows}."),
        "begin": _("Digit {position} of {count}: uncovering, row 1 of {rows}. Press a digit key or tap a digit."),
        "late": _("Your guess {digit} did not reach the race in time: guess again."),
    }


def race_spec(
    image: np.ndarray, digit: DigitRace, *, round_id: int, position: int, count: int, row_ms: int, penalty: int, presenter: bool, done: bool
) -> dict:
    """What the player needs for one digit: the rows released so far (all 28 once it is guessed), the guesses judged,
    and the true digit only after the right one."""
    shown = ROWS if digit.over else digit.released
    return {
        "rows": base64_shades(image[:shown]),
        "released": int(digit.released),
        "guesses": [[int(d), int(row), RIGHT if d == digit.label else WRONG] for d, row in digit.guesses],
        "label": int(digit.label) if digit.over else None,
        "heard": int(digit.heard),
        "round": int(round_id),
        "position": int(position),
        "count": int(count),
        "row_ms": int(row_ms),
        "penalty": int(penalty),
        "presenter": bool(presenter),
        "done": bool(done),
        "now": NOW_COLOUR,
        "words": player_words(),
        "language": i18n.current(),
    }


def show(spec: dict, key: str, heard: Callable[[str], None]) -> None:
    """Mount the player (under the same key it keeps its digit's clock); `heard(name)` is called for each message."""
    callbacks = {f"on_{name}_change": (lambda name=name: heard(name)) for name in MESSAGES}
    _player(data={**spec, "key": key}, key=key, **callbacks)


def trigger(key: str, name: str):
    """The value the player under `key` just sent as `name` (in its callback), or None."""
    state = st.session_state.get(key)
    if state is None:
        return None
    try:
        return state[name]
    except (KeyError, TypeError):
        return getattr(state, name, None)
