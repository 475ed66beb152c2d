"""The answer and the animated reading of one digit."""

import streamlit as st

from model.xray import Reading
from views import explain
from views.inputs import Digit
from views.plotting import PLOTLY_CONFIG, pixelated
from views.reading_figures import probability_figure, reading_figure

SPEEDS = {"Slow": 700, "Normal": 350, "Fast": 120}  # milliseconds per row
STATE_CHOICES = {"h (hidden)": "hidden", "c (cell)": "cell", "gates": None}
GATE_CHOICES = {title: key for key, (title, _) in explain.STATES.items() if key.startswith("gate:")}


def show_model_view(digit: Digit, presenter: bool) -> None:
    """What the model sees, and for drawings how they became 28x28."""
    st.image(pixelated(digit.image, 8 if presenter else 6), caption="What the model sees: 28 x 28 pixels")
    prepared = digit.prepared
    if prepared is None or presenter:
        return
    with st.expander("How your picture became 28 x 28"):
        crop, boxed, centred = st.columns(3)
        crop.image(pixelated(prepared.crop, 1), caption="1. cropped to the ink", width=110)
        boxed.image(pixelated(prepared.boxed, 5), caption="2. shrunk to fit 20 x 20")
        centred.image(pixelated(prepared.image, 4), caption="3. centred in 28 x 28")


def show_answer(digit: Digit, reading: Reading, presenter: bool) -> None:
    verdict = f"{reading.confidence:.0%} sure"
    if digit.label is not None:
        verdict += f" · true digit {digit.label}"
    st.metric("Prediction", reading.digit, verdict, delta_arrow="off", delta_color="off")
    st.plotly_chart(
        probability_figure(reading.step_probs[-1], font_size=20 if presenter else 15),
        config=PLOTLY_CONFIG,
        key="answer-probabilities",
    )
    st.caption("The ten digits' probabilities after the last row.")


def _reading_controls(layers: int) -> tuple[str, int, int]:
    state_column, layer_column, speed_column = st.columns([2, 1, 1])
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
    speed = speed_column.segmented_control("Speed", list(SPEEDS), default="Normal", key="speed", required=True)
    return state, layer, SPEEDS[speed]


def show_reading(digit: Digit, reading: Reading, presenter: bool) -> None:
    """Controls that change the figure rerun the script; playing it does not."""
    if presenter:
        state, layer, frame_ms = "hidden", -1, SPEEDS["Normal"]
    else:
        state, layer, frame_ms = _reading_controls(reading.hidden.shape[0])
    figure = reading_figure(
        digit.image,
        reading,
        state=state,
        layer=layer,
        frame_ms=frame_ms,
        font_size=20 if presenter else 15,
        height=640 if presenter else 560,
    )
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key="reading")
    if presenter:
        return
    state_caption = explain.CAPTIONS["gates" if state.startswith("gate:") and state != "gate:candidate" else "state"]
    captions = st.columns(3)
    captions[0].caption(explain.CAPTIONS["digit"])
    captions[1].caption(f"{state_caption} {explain.STATES[state][1]}.")
    captions[2].caption(f"{explain.CAPTIONS['bars']} {explain.CAPTIONS['lines']}")
