"""The three inputs of the Read page: the canvas, the shipped gallery of test digits, and an uploaded picture.

Each input shows its own widgets and messages and returns a `Digit` for the
network to read, or None when there is nothing to read yet.
"""

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from i18n import N_, _
from model.files import finite_number
from model.preprocess import ImageError, LargerThanAsked, Preprocessed, prepare_picture
from model.samples import Sample, load_samples
from model.storage import LoadedModel
from model.xray import step_probabilities
from training.registry import SHIPPED
from views import words
from views.digit import DRAW, SAMPLES, UPLOAD, Digit, sample_digit
from views.figures.plotting import pixelated
from views.parts import style
from views.parts.reading import sentences
from views.parts.session import SAMPLE_KEY, SOURCE_KEY

MISREAD = N_("Misread")  # the gallery's option for the misread digits: kept in English, shown with _()
BRUSH, PRESENTER_BRUSH = 26, 28  # pixels on a canvas of its full size (views/parts/style.py)
BRUSH_RANGE = (8, 48)  # the Brush slider's ends
THUMBNAIL_WIDTH = 96  # pixels: a gallery digit with its caption and "Read it" under it
# The canvas sends a PNG of its own size (toDataURL at multiplier 1), at most PRESENTER_CANVAS pixels square: a value
# far larger is forged, and is nothing drawn, told from the PNG's header before it is decoded (a 124 KB grey PNG can
# claim 8000x8000 and cost the server 180 MB to read).
CANVAS_VALUE_SIDE = 4 * max(style.CANVAS, style.PRESENTER_CANVAS)
KEPT_KEY = "kept_drawing"  # the drawing on the canvas, kept while the student is on another page (the canvas is not)


@dataclass(frozen=True)
class KeptDrawing:
    """A canvas's drawing: its strokes to put back on a new canvas, and its picture to read until that canvas sends one."""

    generation: int  # the canvas it was drawn on: Clear starts another
    size: int  # the canvas's side in pixels when it was drawn
    strokes: dict  # the canvas's own description of its strokes (Fabric.js JSON)
    png: bytes
    restored: dict | None = None  # the strokes as put back on the canvas now mounted, at its size; None until then


@st.cache_resource
def gallery() -> dict[int, Sample]:
    """The shipped test digits, read from disk once per server."""
    return load_samples()


@st.cache_resource(max_entries=4, show_spinner=False)
def _gallery_answers(model_path: str, stamp: tuple | None, _loaded: LoadedModel) -> dict[int, Sample]:
    """Keyed by the model file's stamp, as everything kept from a model file is (views/parts/models_in_use.py)."""
    samples = gallery()
    answers = step_probabilities(_loaded.weights, np.stack([s.image for s in samples.values()]))[:, -1].argmax(axis=1)
    return {index: replace(sample, predicted=int(answer)) for (index, sample), answer in zip(samples.items(), answers, strict=True)}


def gallery_read_by(entry, loaded: LoadedModel) -> dict[int, Sample]:
    """The gallery with each digit's answer from the model in use, so that "read as" and "Misread" are about it."""
    return gallery() if entry.id == SHIPPED else _gallery_answers(str(entry.path), loaded.stamp, loaded)  # the LSTM's answers


def _clear_canvas() -> None:
    st.session_state.canvas_generation = st.session_state.get("canvas_generation", 0) + 1
    st.session_state.pop(KEPT_KEY, None)


def _prepared_digit(prepared: Preprocessed, invite: str, name: str, origin: tuple) -> Digit | None:
    if prepared.is_empty:
        st.info(sentences(prepared.empty_reason, invite))  # the reason is in the reader's language (model/preprocess.py)
        return None
    return Digit(prepared.image, prepared, name=name, origin=origin)


def brush_width(value) -> int:
    """The Brush slider's value as a width it offers: a forged one (not a number, NaN, infinite) is the default,
    one out of range is clamped."""
    if not finite_number(value):
        return BRUSH
    return int(min(max(value, BRUSH_RANGE[0]), BRUSH_RANGE[1]))


def _settled_brush() -> int:
    """The brush in this session, put right in session state before the slider reads it, which a forged value breaks."""
    if "brush" not in st.session_state:
        return BRUSH
    value = st.session_state["brush"]
    width = brush_width(value)
    if width != value or type(value) is not int:
        st.session_state["brush"] = width
    return width


def read_canvas(result) -> Preprocessed | None:
    """The drawing the canvas sent, prepared for the network; None when nothing is drawn, ImageError when what it
    sent is not a picture.

    Reads the canvas's PNG bytes, never its decoded `image_data`, so that load_image's size limits apply: the
    component would decode any data URL at any size. A value that is no base64 data URL is not a picture either.
    """
    try:
        png = result.image_bytes
    except (AttributeError, TypeError, ValueError):  # no canvas result, a number, "data:image/png,xyz", bad base64
        raise ImageError(_("it is not a picture")) from None
    return canvas_picture(png)


def canvas_picture(png: bytes | None) -> Preprocessed | None:
    """A PNG the canvas sent (now, or kept from before) prepared for the network; None when it is empty, or larger
    than any canvas the page draws (CANVAS_VALUE_SIDE), which only a forged value can be."""
    if not png:
        return None
    try:
        return prepare_picture(png, largest_side=CANVAS_VALUE_SIDE)
    except LargerThanAsked:
        return None


def _canvas(size: int, brush: int, key: str, strokes: dict | None = None):
    """The canvas's result, or None when its value is forged beyond the component's own reading (`drawing` not a mapping)."""
    try:
        return st_canvas(
            stroke_width=brush,
            stroke_color="#000000",
            background_color="#ffffff",
            width=size,
            height=size,
            drawing_mode="freedraw",
            return_image_data=True,
            initial_drawing=strokes,  # the same for the canvas's whole life: a change would redraw it
            key=key,  # a new size (the page measured, a tablet turned) resizes it in place, strokes kept
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def scaled_strokes(strokes: dict, factor: float) -> dict:
    """Fabric.js strokes drawn on one canvas, for a canvas `factor` times as big (the component does not rescale)."""
    objects = []
    for shape in strokes.get("objects", []):
        if isinstance(shape, dict):
            shape = dict(shape)
            for name, unset in (("left", 0), ("top", 0), ("scaleX", 1), ("scaleY", 1)):  # a path's place and size
                if finite_number(value := shape.get(name, unset)):
                    shape[name] = value * factor
            objects.append(shape)
    return {**strokes, "objects": objects}


def _kept_for(generation: int, key: str, size: int) -> KeptDrawing | None:
    """The drawing kept for this canvas; when the canvas is new on the page (the student left the page and came back),
    its strokes are put back, once, at this canvas's size."""
    kept = st.session_state.get(KEPT_KEY)
    if not isinstance(kept, KeptDrawing) or kept.generation != generation:
        return None
    if key not in st.session_state:  # the canvas went with the page it was on
        kept = replace(kept, restored=scaled_strokes(kept.strokes, size / kept.size))
        st.session_state[KEPT_KEY] = kept
    return kept


def _keep(result, generation: int, size: int, kept: KeptDrawing | None) -> None:
    strokes = getattr(result, "json_data", None)
    if isinstance(strokes, dict) and strokes.get("objects"):
        restored = kept.restored if kept is not None else None
        st.session_state[KEPT_KEY] = KeptDrawing(generation, size, strokes, result.image_bytes, restored)


def draw(presenter: bool, size: int) -> Digit | None:
    """The canvas, `size` pixels square. Changing its key is what clears it (streamlit-drawable-canvas 0.13).

    Its own toolbar (send, undo, redo, edit, reset) appears above it on hover, so nothing else sits there; the
    component has no setting to leave out the reset that repeats Clear. What is drawn outlives the page: a student
    who looks inside and comes back finds the drawing, its answer and its reading as they left them.
    """
    generation = st.session_state.get("canvas_generation", 0)
    key = f"canvas-{generation}"
    kept = _kept_for(generation, key, size)
    brush, full_size = (PRESENTER_BRUSH, style.PRESENTER_CANVAS) if presenter else (_settled_brush(), style.CANVAS)
    restored = kept.restored if kept is not None else None
    result = _canvas(size, brush * size // full_size, key, restored)  # the same stroke on a smaller canvas
    under_canvas = st.container(horizontal=True)  # one row, so that on a phone the answer comes soon after the canvas
    under_canvas.button(_("Clear the canvas"), on_click=_clear_canvas, icon=":material/delete:", key="clear")
    if not presenter:
        with under_canvas.popover(_("Brush"), icon=":material/brush:", key="brush-popover"):
            st.slider(_("Brush width"), *BRUSH_RANGE, BRUSH, step=2, key="brush", help=_("Thicker strokes look more like MNIST's."))
    try:
        prepared = read_canvas(result)
        if prepared is None and restored is not None:  # put back, and not yet sent again by the new canvas
            prepared = canvas_picture(kept.png)
        else:
            _keep(result, generation, size, kept)
    except ImageError as error:
        st.warning(_("The drawing could not be read: {reason}. Clear the canvas and draw again.").format(reason=error))
        prepared = None
    if prepared is None:
        st.info(_(words.INVITE_DRAW))
        return None
    return _prepared_digit(prepared, _(words.INVITE_DRAW), _("your drawing"), (DRAW, generation))


def _choose_sample(index: int) -> None:
    st.session_state[SAMPLE_KEY] = index


LINK_MISSED_KEY = "sample_link_missed"  # the sample shown instead of one a link asked for that is not in the gallery
LINK_MISSED = N_("The link asks for a sample that is not in the gallery, so the first sample is shown instead.")


def sample_from_link(samples: dict[int, Sample]) -> None:
    """On a session's first run, take ?sample=N from the link a teacher shared. A sample that is not in the gallery
    opens the gallery on its first sample, saying so until another is chosen."""
    missed = st.session_state.get(LINK_MISSED_KEY)
    if missed is not None and st.session_state.get(SAMPLE_KEY) == missed and st.session_state.get(SOURCE_KEY) == SAMPLES:
        st.warning(_(LINK_MISSED))  # what the link holds is not shown: it would be rendered as Markdown
        return
    st.session_state.pop(LINK_MISSED_KEY, None)
    if SAMPLE_KEY in st.session_state or "sample" not in st.query_params:
        return
    wanted = st.query_params["sample"]
    index = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) <= 6 else None  # "²" is a digit too
    if index not in samples:
        index = st.session_state[LINK_MISSED_KEY] = next(iter(samples))
        st.warning(_(LINK_MISSED))
    st.session_state[SAMPLE_KEY] = index
    st.session_state[SOURCE_KEY] = SAMPLES


def sample_title(sample: Sample) -> str:
    """A gallery digit's name: its number in the MNIST test set, its digit, and the model's answer where it misreads."""
    if sample.misread:
        return _("#{index}: {digit}, read as {answer}").format(index=sample.index, digit=sample.label, answer=sample.predicted)
    return f"#{sample.index}: {sample.label}"


def pick_sample(samples: dict[int, Sample], presenter: bool) -> Digit:
    """The gallery: pick a class, then one of its digits; the chosen one goes into the URL for sharing."""
    if st.session_state.get(SAMPLE_KEY) not in samples:
        st.session_state[SAMPLE_KEY] = next(iter(samples))
    if not presenter:
        shown = st.pills(  # pills wrap onto a second line in a narrow column, where a segmented control is cut off
            _("Gallery"),
            [str(d) for d in range(10)] + [MISREAD],
            default=str(samples[st.session_state[SAMPLE_KEY]].label),
            key="gallery",
            format_func=lambda option: _(option) if option == MISREAD else option,
        )
        chosen = [s for s in samples.values() if (s.misread if shown == MISREAD else str(s.label) == shown)]
        thumbnails = st.container(horizontal=True, gap="small")  # as many side by side as fit, wrapping, at any width
        for sample in chosen:
            with thumbnails.container(width=THUMBNAIL_WIDTH, gap="small"):
                title = sample_title(sample)
                st.image(pixelated(sample.image, 3), caption=title, alt=_("Test digit {title}").format(title=title))
                st.button(_("Read it"), key=f"read-{sample.index}", on_click=_choose_sample, args=(sample.index,))
    index = st.selectbox(
        _("Sample digit (its number in the MNIST test set)"),
        list(samples),
        format_func=lambda i: sample_title(samples[i]),
        key=SAMPLE_KEY,
        persist_state="session",
    )
    st.query_params["sample"] = str(index)
    return sample_digit(samples[index])


def upload() -> Digit | None:
    file = st.file_uploader(_("A PNG or JPEG of one digit"), type=["png", "jpg", "jpeg"], key="upload")
    if file is None:
        st.info(_("Upload a photo or scan of one handwritten digit, dark on light or light on dark."))
        return None
    try:
        prepared = prepare_picture(file.getvalue())
    except ImageError as error:
        st.error(_("That file could not be read as an image: {reason}.").format(reason=error))
        return None
    name = _("your picture {file_name}").format(file_name=file.name)
    return _prepared_digit(prepared, _("Try a picture with one clear digit in it."), name, (UPLOAD, file.file_id))
