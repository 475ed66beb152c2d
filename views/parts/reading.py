"""The answer and the animated reading of one digit."""

import streamlit as st

from i18n import N_, _, percent
from model.xray import Reading
from views import words
from views.digit import Digit
from views.figures.plotting import pixelated
from views.players import reading as reading_player
from views.players.reading_spec import answer_spec, reading_spec

STATE_CHOICES = {N_("h (hidden)"): "hidden", N_("c (cell)"): "cell", N_("gates"): None}  # shown with _(), kept in English
STEP_WIDTH = 112  # pixels: each picture of "How your picture became 28 x 28", with its caption under it
STROKE_CHANGES = {
    "thickened": N_("thin strokes thickened to MNIST's pen width"),
    "thinned": N_("thick strokes thinned to MNIST's pen width"),
}
# Each cell's gates (and candidate) by their English titles, shown with _(): an LSTM's four, a GRU's three, none for a plain RNN.
GATE_CHOICES = {
    kind: {title: key for key, (title, _hint) in states.items() if key.startswith("gate:")} for kind, states in words.CELL_STATES.items()
}
FIRST_GATE = {"lstm": "Forget gate", "gru": "Update gate z"}  # the gate each cell's picker opens on: the one that keeps memory
TOP = " (top)"  # the top layer's option ends so; its words are translated where shown


def _translated(option: str) -> str:
    return _(option)


def _layer_name(option: str) -> str:
    """A layer's option ("2 (top)") as the reader's language says it."""
    return _("{layer} (top)").format(layer=option.removesuffix(TOP)) if option.endswith(TOP) else option


def show_model_view(digit: Digit, presenter: bool) -> None:
    """What the model sees, and for drawings how they became 28x28."""
    st.image(
        pixelated(digit.image, 8 if presenter else 6),
        caption=_("What the model sees: 28 x 28 pixels"),
        alt=_("{digit} as the network sees it: 28 by 28 grey pixels").format(digit=digit.name[:1].upper() + digit.name[1:]),
    )
    prepared = digit.prepared
    if prepared is None or presenter:
        return
    steps = (
        (pixelated(prepared.crop, 1), _("cropped to the ink")),
        *([(pixelated(prepared.restroked, 1), _(STROKE_CHANGES[prepared.stroke_change]))] if prepared.restroked is not None else []),
        (pixelated(prepared.boxed, 5), _("shrunk to fit 20 x 20")),
        (pixelated(prepared.image, 4), _("centred in 28 x 28")),
    )
    with st.expander(_("How your picture became 28 x 28")), st.container(horizontal=True, gap="medium"):
        for step, (image, caption) in enumerate(steps, start=1):  # side by side where they fit, else wrapped: never on top of each other
            with st.container(width=STEP_WIDTH):
                st.image(
                    image,
                    caption=_("{step}. {caption}").format(step=step, caption=caption),
                    width=STEP_WIDTH,
                    alt=_("Step {step} of how your picture became 28 by 28: {caption}").format(step=step, caption=caption),
                )


def show_answer(digit: Digit, reading: Reading, presenter: bool) -> None:
    """The answer, how sure, and the true digit where it is known: on a line of its own, as a metric's note is cut
    short where it does not fit one line (at presenter mode's type in a projector's column)."""
    sure = _("{percent} sure").format(percent=percent(reading.confidence))
    st.metric(_("Prediction"), reading.digit, sure, delta_arrow="off", delta_color="off")
    if digit.label is not None:
        st.markdown(_("true digit {digit}").format(digit=digit.label))
    reading_player.show(answer_spec(reading.step_probs[-1], presenter=presenter), key="answer")


def _state_choices(kind: str) -> dict[str, str | None]:
    """The states this cell has, as the picker offers them: h, an LSTM's c, and its gates if it has any."""
    has = words.CELL_STATES[kind]
    return {option: state for option, state in STATE_CHOICES.items() if (state in has if state else GATE_CHOICES[kind])}


def _reading_controls(reading: Reading) -> tuple[str, int]:
    """Which state of which layer the map shows: each change reruns the script, and the player keeps its row. Only
    the states this reader has are offered; one chosen for another cell is left for its own default (a widget whose
    options change starts again from its default)."""
    layers, kind = reading.hidden.shape[0], reading.kind
    state_column, layer_column = st.columns([3, 2])
    state = "hidden"
    choices = _state_choices(kind)
    with state_column:
        if len(choices) > 1:  # a plain RNN has h alone: nothing to choose, and its player says why
            shown = st.segmented_control(
                _("State shown"), list(choices), default="h (hidden)", key="state", required=True, format_func=_translated
            )
            state = choices.get(shown, "hidden")
        if state is None:
            gates = GATE_CHOICES[kind]
            gate = st.segmented_control(
                _("Gate"), list(gates), default=FIRST_GATE[kind], key="gate", required=True, format_func=_translated
            )
            state = gates.get(gate, "hidden")
    layer = layers - 1
    if layers > 1:
        names = [f"{n + 1}{TOP if n == layers - 1 else ''}" for n in range(layers)]
        chosen = layer_column.segmented_control(_("Layer"), names, default=names[-1], key="layer", required=True, format_func=_layer_name)
        layer = names.index(chosen)
    return state, layer


def show_reading(digit: Digit, reading: Reading, presenter: bool, *, autoplay: bool = False) -> None:
    """Controls that change the state shown rerun the script; playing, stepping and the speed do not.

    With `autoplay` a new digit's reading plays once by itself (not where the browser asks for reduced motion)."""
    state, layer = ("hidden", -1) if presenter else _reading_controls(reading)
    spec = reading_spec(digit.image, reading, state=state, layer=layer, presenter=presenter, autoplay=autoplay)
    reading_player.show(spec, key="reading")
    if presenter:
        return
    state = spec["map"]["state"]  # h where this reader lacks the state asked for
    state_caption = _(words.CAPTIONS["gates" if state.startswith("gate:") and state != "gate:candidate" else "state"])
    captions = st.columns(3)
    captions[0].caption(_(words.CAPTIONS["digit"]))
    hint = words.CELL_STATES[reading.kind][state][1]
    # TRANSLATORS: a caption, then a state's hint ("h: what the network passes on ..."), ended as a sentence.
    captions[1].caption(_("{caption} {hint}.").format(caption=state_caption, hint=_(hint)))
    captions[2].caption(sentences(_(words.CAPTIONS["bars"]), _(words.CAPTIONS["lines"])))


def sentences(first: str, then: str) -> str:
    """Two whole sentences one after the other, as the reader's language writes them (no space between in Chinese)."""
    # TRANSLATORS: two whole sentences one after the other; Chinese and Japanese put no space between them.
    return _("{sentence} {next_sentence}").format(sentence=first, next_sentence=then)
