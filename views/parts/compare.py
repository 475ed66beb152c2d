"""Look inside's Compare view (two digits read by one model, or one digit by two models, whatever their cells) and the
model picker it shares with How early, which may overlay a second model's curves.

Any two usable models can be set side by side: the shipped readers and every finished run's, an LSTM, a GRU or a
plain RNN. Each is named with its cell, so a class sees which reader has gates. Under the comparison, "Why an LSTM?"
(views/parts/contrast.py) shows what was measured when the three cells were trained alike.
"""

import streamlit as st

from i18n import N_, _, percent
from model.insight import settled_row
from model.storage import LoadedModel
from model.xray import read_digit
from views import words
from views.digit import Digit
from views.figures import report as report_figures
from views.figures.plotting import PLOTLY_CONFIG, pixelated
from views.parts import contrast
from views.parts.examined import choose_digit, digit_name, examined_digit
from views.parts.inside_kit import chart_font, explain, metric
from views.parts.models_in_use import load_entry, registry
from views.words import cell_name, plain

TWO_DIGITS, TWO_MODELS = N_("Two digits, one model"), N_("Two models, one digit")  # the modes' values, shown translated
NO_SECOND = ""  # How early's "compare with": nobody


def model_label(entry) -> str:
    """A model's name in a picker, with its cell where its settings name one: "Shipped model · LSTM"."""
    cell, label = entry.cell, entry.label
    return f"{label} · {cell_name(cell)}" if cell and cell_name(cell) not in label else label


def usable_models() -> dict:
    """Every model that can read, by id: the shipped readers first, then the runs', newest first."""
    return {entry.id: entry for entry in registry().models() if not entry.problem}


def pick_model(column, label: str, key: str, usable: dict, ids: list[str], default: int) -> tuple[object, LoadedModel] | str:
    """A model chosen in a select box: (its entry, the loaded model), or why it cannot be used, in words."""
    names = {i: model_label(usable[i]) if i in usable else _("no other model") for i in ids}
    chosen = column.selectbox(label, ids, index=default, format_func=lambda i: names[i], key=key)
    if chosen not in usable:
        return NO_SECOND
    loaded = load_entry(usable[chosen])
    if isinstance(loaded, str):
        return _("That model cannot be used: {problem}").format(problem=plain(loaded))
    return usable[chosen], loaded


def second_model(entry) -> tuple[object, LoadedModel] | None:
    """How early's second model, if one is chosen: none at first, then any usable model but the one in use."""
    usable = usable_models()
    others = [i for i in usable if i != entry.id]
    if not others:
        return None
    picked = pick_model(st, _("Compare with another model"), "early_second", usable, [NO_SECOND, *others], 0)
    if isinstance(picked, str):
        if picked:
            st.error(picked)
        return None
    return picked


def _two_digits(columns, loaded, choices: dict[str, tuple[str, Digit]]) -> list[tuple[str, Digit, object]]:
    sides = []
    for column, name, default in zip(columns, "AB", (0, 1), strict=True):
        digit = choose_digit(column, _("Digit {name}").format(name=name), f"compare_{name}", choices, default)
        sides.append((name, digit, loaded.weights))
    return sides


def _two_models(columns, entry, digit: Digit) -> list[tuple[str, Digit, object]]:
    usable = usable_models()
    ids = list(usable)
    if len(ids) < 2:
        st.info(_("Only the shipped model is here. Train another on the Train page to compare the two."))
    defaults = (ids.index(entry.id) if entry.id in ids else 0, next((n for n, i in enumerate(ids) if i != entry.id), 0))
    sides = []
    for column, name, default in zip(columns, "AB", defaults, strict=True):
        picked = pick_model(column, _("Model {name}").format(name=name), f"compare_model_{name}", usable, ids, default)
        if isinstance(picked, str):
            column.error(picked)
            return []
        sides.append((name, digit, picked[1].weights))
    return sides


def _side(column, name: str, digit: Digit, weights, presenter: bool):
    """One side: the digit, and what its reader answers, how sure, and after which row it settled."""
    reading = read_digit(weights, digit.image)
    image_and_answer = column.container(horizontal=True, vertical_alignment="center", gap="medium")  # side by side on a phone too
    image_and_answer.image(pixelated(digit.image, 5 if presenter else 4), alt=f"{name}: {digit_name(digit)}")
    said = {"name": name, "row": settled_row(reading.step_probs, digit.image), "confidence": percent(reading.confidence)}
    if presenter:  # the note in its big type would push the answer under the digit: the row goes in the label
        label, note = _("{name} reads (settled after row {row})"), _("{confidence} sure")
    else:
        label, note = _("{name} reads"), _("{confidence} sure, settled after row {row}")
    metric(image_and_answer, label.format(**said), reading.digit, note.format(**said))
    return reading


def compare_view(entry, loaded, digit: Digit | None, choices: dict[str, tuple[str, Digit]], presenter: bool) -> None:
    modes = [TWO_DIGITS, TWO_MODELS]
    mode = st.segmented_control(_("Compare"), modes, default=modes[0], key="compare_mode", required=True, format_func=_)
    if digit is None and mode == modes[1]:  # presenter mode asks for the digit to examine only where it is used
        digit = examined_digit(choices, presenter)
    columns = st.columns(2, gap="large")
    sides = _two_digits(columns, loaded, choices) if mode == modes[0] else _two_models(columns, entry, digit)
    readings = []
    for (name, side_digit, weights), column in zip(sides, columns, strict=False):
        readings.append((name, _side(column, name, side_digit, weights, presenter).step_probs))
    if readings:
        st.plotly_chart(
            report_figures.compare_figure(readings, font_size=chart_font(presenter)), config=PLOTLY_CONFIG, key="compare",
            alt=_("Lines: each digit's probability after every row, solid for reading A, dotted for reading B"),
        )  # fmt: skip
        explain(_(words.INSIDE["compare"]), presenter)
    contrast.why_an_lstm(presenter)
