"""Row Reader: watch an LSTM read a digit one pixel row at a time.

streamlit run app.py
"""

import streamlit as st

from model.samples import load_samples
from model.storage import DEFAULT_MODEL_PATH, ModelLoadError, load_model
from model.xray import read_digit
from views import explain, inputs, style
from views.reading import show_answer, show_model_view, show_reading

st.set_page_config(page_title="Row Reader", page_icon="✍️", layout="wide")


@st.cache_resource(show_spinner="Loading the network...")
def shipped_model():
    return load_model(DEFAULT_MODEL_PATH)


@st.cache_resource
def gallery():
    return load_samples()


def explanations() -> None:
    with st.expander("What am I looking at?"):
        for topic, text in explain.WHAT_AM_I_LOOKING_AT.items():
            st.markdown(f"**{topic}.** {text}")


def main() -> None:
    title, switch = st.columns([4, 1], vertical_alignment="center")
    presenter = switch.toggle("Presenter mode", key="present", bind="query-params", help="Bigger type, fewer controls.")
    style.apply(presenter)
    title.title("Row Reader")
    if not presenter:
        title.caption(explain.TAGLINE)

    samples = gallery()
    inputs.sample_from_link(samples)
    source = st.segmented_control("Digit", inputs.SOURCES, default=inputs.DRAW, key="source", required=True, label_visibility="collapsed")
    if source != inputs.SAMPLES:
        st.query_params.pop("sample", None)

    digit_column, seen_column, answer_column = st.columns([5, 3, 4] if source == inputs.DRAW else [6, 3, 4], gap="large")
    with digit_column:
        if source == inputs.DRAW:
            digit = inputs.draw(presenter)
        elif source == inputs.SAMPLES:
            digit = inputs.pick_sample(samples, presenter)
        else:
            digit = inputs.upload()
    try:
        loaded = shipped_model()  # after the canvas, so one can start drawing while the network loads
    except ModelLoadError as error:
        st.error(f"The network could not be loaded: {error}")
        return
    if digit is None:
        return
    reading = read_digit(loaded.weights, digit.image)
    with answer_column:  # the answer first: it is what everyone waits for
        show_answer(digit, reading, presenter)
    with seen_column:
        show_model_view(digit, presenter)

    st.subheader("The reading, row by row")
    show_reading(digit, reading, presenter)
    if not presenter:
        explanations()


main()
