"""The answer and the animated reading of one digit."""

import streamlit as st

from model.xray import Reading
from views import words
from views.figures.plotting import pixelated
from views.parts.inputs import Digit
from views.players import reading as reading_player
from views.players.reading_spec import answer_spec, reading_spec

STATE_CHOICES = {"h (hidden)": "hidden", "c (cell)": "cell", "gates": None}
STEP_WIDTH = 112  # pixels: each picture of "How your picture became 28 x 28", with its caption under it
STROKE_CHANGES = {"thickened": "thin strokes thickened to MNIST's pen width", "thinned": "thick strokes thinned to MNIST's pen width"}
GATE_CHOICES = {title: key for key, (title, _) in words.STATES.items() if key.startswith("gate:")}


def show_model_view(digit: Digit, presenter: bool) -> None:
    """What the model sees, and for drawings how they became 28x28."""
    st.image(
        pixelated(digit.image, 8 if presenter else 6),
        caption="What the model sees: 28 x 28 pixels",
        alt=f"{digit.name.capitalize()} as the network sees it: 28 by 28 grey pixels",
    )
    prepared = digit.prepared
    if prepared is None or presenter:
        return
    steps = (
        (pixelated(prepared.crop, 1), "cropped to the ink"),
        *([(pixelated(prepared.restroked, 1), STROKE_CHANGES[prepared.stroke_change])] if prepared.restroked is not None else []),
        (pixelated(prepared.boxed, 5), "shrunk to fit 20 x 20"),
        (pixelated(prepared.image, 4), "centred in 28 x 28"),
    )
    with st.expander("How your picture became 28 x 28"), st.container(horizontal=True, gap="medium"):
        for step, (image, caption) in enumerate(steps, start=1):  # side by side where they fit, else wrapped: never on top of each other
            with st.container(width=STEP_WIDTH):
                st.image(
                    image, caption=f"{step}. {caption}", width=STEP_WIDTH, alt=f"Step {step} of how your picture became 28 by 28: {caption}"
                )


def show_answer(digit: Digit, reading: Reading, presenter: bool) -> None:
    """The answer, how sure, and the true digit where it is known: on a line of its own, as a metric's note is cut
    short where it does not fit one line (at presenter mode's type in a projector's column)."""
    st.metric("Prediction", reading.digit, f"{reading.confidence:.0%} sure", delta_arrow="off", delta_color="off")
    if digit.label is not None:
        st.markdown(f"true digit {digit.label}")
    reading_player.show(answer_spec(reading.step_probs[-1], presenter=presenter), key="answer")


def _reading_controls(layers: int) -> tuple[str, int]:
    """Which state of which layer the map shows: each change reruns the script, and the player keeps its row."""
    state_column, layer_column = st.columns([3, 2])
    with state_column:
        shown = st.segmented_control("State shown", list(STATE_CHOICES), default="h (hidden)", key="state", required=True)
        state = STATE_CHOICES[shown]
        if state is None:
            gate = st.segmented_control("Gate", list(GATE_CHOICES), default="Forget gate", key="gate", required=True)
            state = GATE_CHOICES[gate]
    layer = layers - 1
    if layers > 1:
        names = [f"{n + 1}{' (top)' if n == layers - 1 else ''}" for n in range(layers)]
        layer = names.index(layer_column.segmented_control("Layer", names, default=names[-1], key="layer", required=True))
    return state, layer


def show_reading(digit: Digit, reading: Reading, presenter: bool, *, autoplay: bool = False) -> None:
    """Controls that change the state shown rerun the script; playing, stepping and the speed do not.

    With `autoplay` a new digit's reading plays once by itself (not where the browser asks for reduced motion)."""
    state, layer = ("hidden", -1) if presenter else _reading_controls(reading.hidden.shape[0])
    spec = reading_spec(digit.image, reading, state=state, layer=layer, presenter=presenter, autoplay=autoplay)
    reading_player.show(spec, key="reading")
    if presenter:
        return
    state_caption = words.CAPTIONS["gates" if state.startswith("gate:") and state != "gate:candidate" else "state"]
    captions = st.columns(3)
    captions[0].caption(words.CAPTIONS["digit"])
    captions[1].caption(f"{state_caption} {words.STATES[state][1]}.")
    captions[2].caption(f"{words.CAPTIONS['bars']} {words.CAPTIONS['lines']}")
