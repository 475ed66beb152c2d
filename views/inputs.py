"""Where a digit comes from: the canvas, the shipped gallery, or an uploaded picture.

Each input shows its own widgets and messages and returns a `Digit` for the
network to read, or None when there is nothing to read yet.
"""

from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from model.preprocess import ImageError, Preprocessed, load_image, preprocess
from model.samples import Sample
from views import explain
from views.figures import pixelated

DRAW, SAMPLES, UPLOAD = "Draw", "Samples", "Upload"
SOURCES = (DRAW, SAMPLES, UPLOAD)
MISREAD = "Misread"


@dataclass(frozen=True)
class Digit:
    image: np.ndarray  # (28, 28) float32 ink in [0, 1]: what the network reads
    prepared: Preprocessed | None  # how a drawing or photo became `image`; None for MNIST samples
    label: int | None = None  # the true digit, when it is known


def _clear_canvas() -> None:
    st.session_state.canvas_generation = st.session_state.get("canvas_generation", 0) + 1


def _prepared_digit(image: np.ndarray, invite: str) -> Digit | None:
    prepared = preprocess(image)
    if prepared.is_empty:
        st.info(f"{prepared.empty_reason} {invite}")
        return None
    return Digit(prepared.image, prepared)


def draw(presenter: bool) -> Digit | None:
    """The canvas. Changing its key is what clears it (streamlit-drawable-canvas 0.13)."""
    size = 420 if presenter else 360
    brush = 28 if presenter else st.slider("Brush width", 8, 48, 26, step=2, help="Thicker strokes look more like MNIST's.")
    generation = st.session_state.get("canvas_generation", 0)
    result = st_canvas(
        stroke_width=brush,
        stroke_color="#000000",
        background_color="#ffffff",
        width=size,
        height=size,
        drawing_mode="freedraw",
        return_image_data=True,
        key=f"canvas-{generation}",
    )
    st.button("Clear the canvas", on_click=_clear_canvas, icon=":material/delete:", key="clear")
    image = result.image_data
    if image is None:
        st.info(explain.INVITE_DRAW)
        return None
    return _prepared_digit(image, explain.INVITE_DRAW)


def _choose_sample(index: int) -> None:
    st.session_state.sample = index


def sample_from_link(samples: dict[int, Sample]) -> None:
    """On a session's first run, take ?sample=N from the link a teacher shared."""
    if "sample" in st.session_state or "sample" not in st.query_params:
        return
    wanted = st.query_params["sample"]
    if wanted.isdigit() and int(wanted) in samples:
        st.session_state.sample = int(wanted)
        st.session_state.source = SAMPLES
    else:
        st.warning(f"The link asks for sample {wanted!r}, which is not in the gallery; showing the first sample instead.")


def pick_sample(samples: dict[int, Sample], presenter: bool) -> Digit:
    """The gallery: pick a class, then one of its digits; the chosen one goes into the URL for sharing."""
    if st.session_state.get("sample") not in samples:
        st.session_state.sample = next(iter(samples))
    if not presenter:
        shown = st.segmented_control(
            "Gallery", [str(d) for d in range(10)] + [MISREAD], default=str(samples[st.session_state.sample].label), key="gallery"
        )
        chosen = [s for s in samples.values() if (s.misread if shown == MISREAD else str(s.label) == shown)]
        columns = st.columns(5)
        for position, sample in enumerate(chosen):
            with columns[position % 5]:
                st.image(pixelated(sample.image, 3), caption=sample.title)
                st.button("Read it", key=f"read-{sample.index}", on_click=_choose_sample, args=(sample.index,))
    index = st.selectbox(
        "Sample digit (its number in the MNIST test set)", list(samples), format_func=lambda i: samples[i].title, key="sample"
    )
    st.query_params["sample"] = str(index)
    sample = samples[index]
    return Digit(sample.image, None, sample.label)


def upload() -> Digit | None:
    file = st.file_uploader("A PNG or JPEG of one digit", type=["png", "jpg", "jpeg"], key="upload")
    if file is None:
        st.info("Upload a photo or scan of one handwritten digit, dark on light or light on dark.")
        return None
    try:
        image = load_image(file.getvalue())
    except ImageError as error:
        st.error(f"{file.name} could not be read as an image: {error}. Try a PNG or JPEG picture.")
        return None
    return _prepared_digit(image, "Try a picture with one clear digit in it.")
