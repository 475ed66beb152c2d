"""The digits the Look inside page can examine (the last ones read on the Read page, then the shipped gallery), and
their names in the reader's language.

Digit.name is in the language of the moment the digit was made; the page names a drawing or a test digit from where it
came from instead, so that it follows the language chosen since.
A choice's value stays English in every language (tests and a kept choice read it); only what is shown changes.
"""

import streamlit as st

from i18n import _
from views.digit import DRAW, SAMPLES, Digit, sample_digit
from views.figures.plotting import pixelated
from views.parts import inputs, session

THIS_DIGIT = Digit.name  # a digit's name where it was given none
CHOOSER_WIDTH, PRESENTER_CHOOSER_WIDTH = 400, 520  # px: the longest choice ("Your last digit: test digit #9999") whole


def digit_name(digit: Digit) -> str:
    """A digit's name in the reader's language now, from where it came from."""
    source, *where = digit.origin or (None,)
    if source == SAMPLES and digit.label is not None:
        return _("test digit #{index} (a {label})").format(index=where[0], label=digit.label)
    if source == DRAW:
        return _("your drawing")
    return _(THIS_DIGIT) if digit.name == THIS_DIGIT else digit.name  # a picture's: named where it was uploaded


def _sample_choice(sample) -> str:
    if sample.misread:
        return _("Test digit #{index}: {label}, read as {answer}").format(index=sample.index, label=sample.label, answer=sample.predicted)
    return _("Test digit #{index}: {label}").format(index=sample.index, label=sample.label)


def digit_choices() -> dict[str, tuple[str, Digit]]:
    """The digits one can examine: the last ones read on the Read page, then the shipped gallery. Keyed by an English
    name that stays the choice's value in every language; each with the name shown."""
    choices = {}
    for position, digit in enumerate(session.recent_digits()):
        shown = (_("Your last digit: {name}") if position == 0 else _("The one before: {name}")).format(name=digit_name(digit))
        choices[f"{'Your last digit' if position == 0 else 'The one before'}: {digit.name}"] = (shown, digit)
    for sample in inputs.gallery().values():
        choices[f"Test digit {sample.title}"] = (_sample_choice(sample), sample_digit(sample))
    return choices


def choose_digit(column, label: str, key: str, choices: dict[str, tuple[str, Digit]], default: int = 0, **selectbox_args) -> Digit:
    names = list(choices)
    if st.session_state.get(key) not in names:
        st.session_state[key] = names[min(default, len(names) - 1)]
    # kept while a view in presenter mode hides it
    name = column.selectbox(label, names, key=key, persist_state="page", format_func=lambda n: choices[n][0], **selectbox_args)
    return choices[name][1]


def examined_digit(choices: dict[str, tuple[str, Digit]], presenter: bool) -> Digit:
    """The digit to examine, chosen from `choices`, beside its picture."""
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    width = PRESENTER_CHOOSER_WIDTH if presenter else CHOOSER_WIDTH
    digit = choose_digit(row, _("The digit to examine"), "inside_digit", choices, width=width)
    row.image(pixelated(digit.image, 3 if presenter else 2), alt=_("The digit examined: {name}").format(name=digit_name(digit)))
    return digit
