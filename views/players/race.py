"""The race player: a small Streamlit component (components v2) that uncovers a digit row by row in the browser
and takes the student's guesses, by tap, click or the keys 0-9.

The pace is the browser's own clock, so a busy server costs no student a row: Python hears
from it twice a digit, when the right guess is made ("finished": the guesses with the row
of each) and when the student asks for the next digit ("next"). Its code
(static/players/race.js and .css) is fetched once by each browser, as the reading player's is.
"""

from collections.abc import Callable

import numpy as np
import streamlit as st

from views.encoding import base64_shades
from views.figures.plotting import NOW_COLOUR
from views.players.loader import static_loader

_player = st.components.v2.component("row_reader.race_player", js=static_loader("race"), isolate_styles=False)


def race_spec(
    image: np.ndarray, label: int, *, round_id: int, position: int, count: int, row_ms: int, penalty: int, presenter: bool, done: bool
) -> dict:
    """What the player needs for one digit. The true digit travels too: the player ends the digit at the right guess
    without asking the server, and the server checks the guesses again."""
    return {
        "image": base64_shades(image),
        "label": int(label),
        "round": int(round_id),
        "position": int(position),
        "count": int(count),
        "row_ms": int(row_ms),
        "penalty": int(penalty),
        "presenter": bool(presenter),
        "done": bool(done),
        "now": NOW_COLOUR,
    }


def show(spec: dict, key: str, on_finished: Callable[[], None], on_next: Callable[[], None]) -> None:
    """Mount the player (under the same key it keeps its digit's race: the rows shown, the guesses made)."""
    _player(data={**spec, "key": key}, key=key, on_finished_change=on_finished, on_next_change=on_next)


def trigger(key: str, name: str):
    """The value the player under `key` just sent as `name` (in its callback), or None."""
    state = st.session_state.get(key)
    if state is None:
        return None
    try:
        return state[name]
    except (KeyError, TypeError):
        return getattr(state, name, None)
