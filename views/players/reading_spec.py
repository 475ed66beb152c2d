"""The reading as data for the player in the browser (views/players/reading.py): pure functions, data in and spec out.

The player draws and plays the reading itself, so playing never reruns the script. A spec
carries each array once, small: the digit and the state map as bytes (0-255), the
probabilities after every row as float32, all base64; the player works out every row's
picture from them.

Every word the player shows comes in the spec's `words`, in the reader's language (i18n), as templates whose
{places} the player fills with its numbers: the player's code holds no words of its own.
"""

import numpy as np

from i18n import N_, _, number, percent
from model.config import NUM_CLASSES, ROWS
from model.xray import Reading
from views.digit import image_key
from views.encoding import base64_array, base64_shades
from views.figures.plotting import CLASS_COLOURS, DIVERGING, NOW_COLOUR
from views.words import CANDIDATE_SYMBOLS, CELL_NOTES, CELL_STATES, SYMBOLS

VIRIDIS = [[0.0, "#440154"], [0.25, "#3b528b"], [0.5, "#21918c"], [0.75, "#5ec962"], [1.0, "#fde725"]]
PANELS = ("digit", "state", "bars", "lines")  # the player's four panels, in the order it lays them out
KEYS = N_("Keys: Space plays or pauses; ← and → go a row back or on; Home and End go to the first or last row.")
SPEEDS = {"Slow": N_("Slow"), "Normal": N_("Normal"), "Fast": N_("Fast")}  # the player's speeds (reading.js), by their ids


KNOWN_STATES = frozenset(state for states in CELL_STATES.values() for state in states)  # every cell's, together


def states_of(reading: Reading) -> dict[str, tuple[str, str]]:
    """The states this reader has, each with its (title, hint) in English: an LSTM's h, c, gates and g; a GRU's h,
    update and reset gates and candidate; a plain RNN's h alone."""
    return CELL_STATES[reading.kind]


def shown_state(reading: Reading, state: str) -> str:
    """The state to show: `state` where this reader has it, else h (a state chosen for an LSTM, shown after the reader
    changed to a GRU, say); a name no cell has is refused."""
    if state not in KNOWN_STATES:
        raise ValueError(f"unknown state {state!r}; expected one of {sorted(KNOWN_STATES)}")
    return state if state in states_of(reading) else "hidden"


def state_matrix(reading: Reading, state: str, layer: int) -> np.ndarray:
    """The chosen state of one layer as (units, steps); h where this reader lacks it."""
    state = shown_state(reading, state)
    if state == "hidden":
        values = reading.hidden[layer]
    elif state == "cell":
        values = reading.cell[layer]
    else:
        values = reading.gate(layer, state.removeprefix("gate:"))
    return values.T


def _range(state: str, values: np.ndarray) -> tuple[float, float, list]:
    """The state's colour scale: h and the candidates run from -1 to 1, c as far as it goes either way, the gates from 0 to 1."""
    if state in ("hidden", "gate:candidate"):
        return -1.0, 1.0, DIVERGING
    if state == "cell":
        limit = max(float(np.abs(values).max()), 1e-3)
        return -limit, limit, DIVERGING
    return 0.0, 1.0, VIRIDIS


def _symbol(reading: Reading, state: str) -> str:
    """The state's letter beside its colour scale: h, c, i, f, o, g for an LSTM; h, z, r and h with a hat for a GRU."""
    return CANDIDATE_SYMBOLS[reading.kind] if state == "gate:candidate" else SYMBOLS[state]


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) >= 10 or value == round(value) else f"{value:.1f}"


def _state_title(reading: Reading, state: str, layer: int) -> str:
    """The state's name, which layer it is when there is more than one, and how many units."""
    name, units, layer_count = _(states_of(reading)[state][0]), reading.hidden.shape[-1], reading.hidden.shape[0]
    if layer_count > 1:
        return _("{state}, layer {layer} of {layers}: {units} units").format(
            state=name, layer=layer % layer_count + 1, layers=layer_count, units=units
        )
    return _("{state}: {units} units").format(state=name, units=units)


def _fill(template: str, **values) -> str:
    """Fill the places known here, and leave the player's own ({row}, {digit}...) for it to fill."""
    for place, value in values.items():
        template = template.replace("{" + place + "}", str(value))
    return template


def _percent_template() -> str:
    """How the reader's language writes a percentage, with {value} for the player's whole number ("{value}%")."""
    return percent(0.42).replace(number(42), "{value}")


def bars_words() -> dict:
    """The words of the ten bars, in the reading and on their own as the answer."""
    return {
        "bars_after": _("Probabilities after row {row}"),
        "bars_label": _fill(_("{title}: {list}; the others under {least}."), least=percent(0.01)),
        "list_item": _("{digit}: {percent}"),
        "list_separator": _(", "),
        "percent": _percent_template(),
    }


def player_words() -> dict:
    """Every word the reading player shows or says, in the reader's language."""
    return {
        **bars_words(),
        "digit_title": _("The digit, read top to bottom"),
        "digit_label": _("The digit as the network reads it: 28 rows of 28 pixels, row {row} being read, the rows below it not read yet."),
        "row_axis": _("row"),
        "unit_axis": _("unit"),
        "after_row_axis": _("after row"),
        "map_label": _("{title}: each column is the state after one row, {explain}; shown up to row {row}."),
        "lines_title": _("Probabilities, row by row"),
        "lines_label": _("Each digit's probability after every row up to row {row}; now {list}."),
        "percent_ticks": [percent(0), percent(0.5), percent(1)],
        "row_back": _("Row back"),
        "row_on": _("Row on"),
        "play": _("Play"),
        "pause": _("Pause"),
        "controls_label": _("Play the reading"),
        "slider_label": _("Rows read"),
        "slider_value": _("{row} of {rows}"),
        "rows_read": _("Rows read: {row} of {rows}"),
        "speed": _("Speed"),
        "speeds": {speed: _(name) for speed, name in SPEEDS.items()},
        "announce": _("After row {row} of {rows}: most likely {digit}, {percent}."),
        "keys": _(KEYS),
    }


def reading_spec(
    image: np.ndarray,
    reading: Reading,
    *,
    state: str = "hidden",
    layer: int = -1,
    start_row: int = ROWS,
    presenter: bool = False,
    autoplay: bool = False,
    highlight: str | None = None,
    only: tuple[str, ...] | None = None,
) -> dict:
    """What the player needs to draw and play one reading, for one state of one layer.

    `start_row` (1-28) is the row a new digit opens on; by default the whole reading, so the final answer is on
    screen at once. With `autoplay` a new digit plays once from the first row by itself, where the browser does not
    ask for reduced motion. `highlight` frames one panel in amber, where the guided lesson points, and
    `only` shows only some panels (the digit and the one a step talks about), bigger; both name PANELS.
    """
    if highlight not in (None, *PANELS) or not set(only or ()) <= set(PANELS):
        raise ValueError(f"highlight and only name the panels {PANELS}, got {highlight!r} and {only!r}")
    if not 1 <= start_row <= ROWS:
        raise ValueError(f"start_row must be 1-{ROWS}, got {start_row}")
    state = shown_state(reading, state)
    values = state_matrix(reading, state, layer)  # (units, steps)
    low, high, colours = _range(state, values)
    note = CELL_NOTES.get(reading.kind)
    return {
        "mode": "reading",
        "digest": image_key(image),
        "presenter": presenter,
        "start_row": start_row,
        "autoplay": autoplay,
        "highlight": highlight,
        "only": list(only) if only else None,
        "image": base64_shades(image, 0.0, 1.0),
        "probs": base64_array(reading.step_probs),  # (steps, digits)
        "colours": list(CLASS_COLOURS),
        "now": NOW_COLOUR,
        "map": {
            "state": state,
            "title": _state_title(reading, state, layer),
            "name": _symbol(reading, state),
            "units": int(values.shape[0]),
            "values": base64_shades(values, low, high),
            "colours": colours,
            "ticks": [_number(low), _number(high)],
            "explain": _(states_of(reading)[state][1]),
            "note": _(note) if note else None,  # what a GRU or a plain RNN keeps instead of an LSTM's c and gates
        },
        "states": {key: _(title) for key, (title, _hint) in states_of(reading).items()},  # this reader's, in its order
        "words": player_words(),
    }


def answer_spec(probs: np.ndarray, *, presenter: bool = False) -> dict:
    """The final answer's ten probabilities as bars, in the same colours as the reading."""
    probs = np.asarray(probs, np.float32).reshape(1, NUM_CLASSES)
    return {
        "mode": "answer",
        "presenter": presenter,
        "probs": base64_array(probs),
        "colours": list(CLASS_COLOURS),
        "words": {**bars_words(), "answer_title": _("The ten digits' probabilities after the last row")},
    }
