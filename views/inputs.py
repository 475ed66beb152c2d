"""Where a digit comes from: the canvas, the shipped gallery, or an uploaded picture.

Each input shows its own widgets and messages and returns a `Digit` for the
network to read, or None when there is nothing to read yet.
"""

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from model.preprocess import ImageError, Preprocessed, load_image, preprocess
from model.samples import Sample, load_samples
from model.storage import LoadedModel
from model.xray import step_probabilities
from views import explain
from views.figures import pixelated
from views.models import file_stamp

DRAW, SAMPLES, UPLOAD = "Draw", "Samples", "Upload"
SOURCES = (DRAW, SAMPLES, UPLOAD)
MISREAD = "Misread"
RECENT_KEY = "recent_digits"  # the last digits read on the Read page, newest first, for the Look inside page
PICKED_KEY = "picked_test_digits"  # test digits chosen on the Look inside page, to read on the Read page
KEEP_RECENT, KEEP_PICKED = 2, 12  # a few 28x28 images per session, no more


@dataclass(frozen=True)
class Digit:
    image: np.ndarray  # (28, 28) float32 ink in [0, 1]: what the network reads
    prepared: Preprocessed | None  # how a drawing or photo became `image`; None for MNIST samples
    label: int | None = None  # the true digit, when it is known
    name: str = "this digit"  # how the Look inside page calls it
    origin: tuple = ()  # where it came from: strokes added to one canvas keep the same origin


@st.cache_resource
def gallery() -> dict[int, Sample]:
    """The shipped test digits, read from disk once per server."""
    return load_samples()


@st.cache_resource(max_entries=4, show_spinner=False)
def _gallery_answers(model_path: str, stamp: tuple | None, _loaded: LoadedModel) -> dict[int, Sample]:
    samples = gallery()
    answers = step_probabilities(_loaded.weights, np.stack([s.image for s in samples.values()]))[:, -1].argmax(axis=1)
    return {index: replace(sample, predicted=int(answer)) for (index, sample), answer in zip(samples.items(), answers, strict=True)}


def gallery_read_by(entry, loaded: LoadedModel) -> dict[int, Sample]:
    """The gallery with each digit's answer from the model in use, so that "read as" and "Misread" are about it."""
    return gallery() if entry.shipped else _gallery_answers(str(entry.path), file_stamp(entry.path), loaded)


def remember(digit: Digit) -> None:
    """Keep the digit just read for the Look inside page; a drawing that grew by a stroke replaces its earlier self."""
    recent = [d for d in st.session_state.get(RECENT_KEY, []) if d.origin != digit.origin]
    st.session_state[RECENT_KEY] = [Digit(digit.image, None, digit.label, digit.name, digit.origin), *recent][:KEEP_RECENT]


def recent_digits() -> list[Digit]:
    return st.session_state.get(RECENT_KEY, [])


def sample_digit(sample: Sample) -> Digit:
    return Digit(sample.image, None, sample.label, f"test digit #{sample.index} (a {sample.label})", (SAMPLES, sample.index))


def read_on_read_page(sample: Sample) -> None:
    """Open the Read page on a test digit from the model report (it joins this session's gallery)."""
    picked = {index: s for index, s in st.session_state.get(PICKED_KEY, {}).items() if index != sample.index}
    st.session_state[PICKED_KEY] = dict(list({sample.index: sample, **picked}.items())[:KEEP_PICKED])
    st.session_state.sample = sample.index
    st.session_state.source = SAMPLES
    st.switch_page("views/read_page.py")


def picked_samples() -> dict[int, Sample]:
    return st.session_state.get(PICKED_KEY, {})


def _clear_canvas() -> None:
    st.session_state.canvas_generation = st.session_state.get("canvas_generation", 0) + 1


def _prepared_digit(image: np.ndarray, invite: str, name: str, origin: tuple) -> Digit | None:
    prepared = preprocess(image)
    if prepared.is_empty:
        st.info(f"{prepared.empty_reason} {invite}")
        return None
    return Digit(prepared.image, prepared, name=name, origin=origin)


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
    return _prepared_digit(image, explain.INVITE_DRAW, "your drawing", (DRAW, generation))


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
        "Sample digit (its number in the MNIST test set)",
        list(samples),
        format_func=lambda i: samples[i].title,
        key="sample",
        persist_state="session",
    )
    st.query_params["sample"] = str(index)
    return sample_digit(samples[index])


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
    return _prepared_digit(image, "Try a picture with one clear digit in it.", f"your picture {file.name}", (UPLOAD, file.file_id))
