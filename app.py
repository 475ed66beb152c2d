"""Row Reader: watch an LSTM read a digit one pixel row at a time.

streamlit run app.py
"""

import numpy as np
import streamlit as st

from model.preprocess import ImageError, load_image, preprocess
from model.storage import DEFAULT_MODEL_PATH, ModelLoadError, load_model
from model.xray import read_digit

st.set_page_config(page_title="Row Reader", page_icon="✍️", layout="wide")


@st.cache_resource
def shipped_model():
    return load_model(DEFAULT_MODEL_PATH)


def show_reading(image: np.ndarray, loaded) -> None:
    prepared = preprocess(image)
    if prepared.is_empty:
        st.info(prepared.empty_reason + " Upload a picture of one digit.")
        return
    reading = read_digit(loaded.weights, prepared.image)
    seen, answer = st.columns([1, 2])
    seen.image(prepared.image, caption="What the model sees (28x28)", width=196, clamp=True)
    answer.metric("Prediction", reading.digit, f"{reading.confidence:.0%} sure", delta_color="off")
    answer.bar_chart({"probability": reading.step_probs[-1]}, height=220)


def main() -> None:
    st.title("Row Reader")
    st.caption("An LSTM reads a handwritten digit one pixel row at a time, top to bottom.")
    try:
        loaded = shipped_model()
    except ModelLoadError as error:
        st.error(f"The model could not be loaded: {error}")
        st.stop()
    accuracy = loaded.metadata.get("test_accuracy")
    if accuracy:
        st.caption(f"Shipped model: {accuracy:.2%} on the 10,000 MNIST test digits.")
    upload = st.file_uploader("A picture of one digit", type=["png", "jpg", "jpeg"], key="upload")
    if upload is None:
        st.info("Upload a PNG or JPEG of one handwritten digit to see what the network reads.")
        return
    try:
        image = load_image(upload.getvalue())
    except ImageError as error:
        st.error(f"That file could not be read as an image: {error}")
        return
    show_reading(image, loaded)


main()
