"""The Read page's inputs against forged and broken values: the canvas's value, the brush, an upload.

A browser sends the canvas's value and the brush as widget states, and a student with the developer tools can send
anything there. AppTest sets them through session state, as the protocol would: every one ends in "nothing drawn",
a short plain message, or a clamped brush; never an exception on the page.
"""

import base64
import io
import json
import re

import pytest
from PIL import Image

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from harness.drawn_digits import draw_seven  # noqa: E402
from harness.load.drawing import canvas_value  # noqa: E402
from tests.app_pages import prediction, texts  # noqa: E402
from views.words import INVITE_DRAW  # noqa: E402

CANVAS_KEY = "canvas-0"  # the first canvas of a session (views/inputs.draw)
INTERNALS = re.compile(r"\b0x[0-9a-f]{4,}|BytesIO|Errno|Traceback|Error\b|object has no attribute|unpack")


def png_bytes(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def read_page(**session) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=90)
    for key, value in session.items():
        app.session_state[key] = value
    return app.run()


def assert_nothing_read(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert prediction(app) is None
    assert any(INVITE_DRAW in info.value for info in app.info)
    assert not INTERNALS.search(texts(app)), texts(app)


@pytest.mark.parametrize(
    "value",
    [
        {"drawing": {"raw": {}, "data": "data:image/png,xyz"}},
        {"drawing": {"raw": {}, "data": ""}},
        {"drawing": {"raw": {}, "data": 5}},
        {"drawing": {"raw": {}, "data": ["data:image/png;base64,"]}},
        {"drawing": {"raw": {}, "data": data_url(b"these are lecture notes")}},
        {"drawing": {"raw": {}, "data": "data:image/png;base64,%%%not base64%%%"}},
        {"drawing": {"raw": {}, "data": data_url(png_bytes(draw_seven())[:300])}},
        {"drawing": 5},
        {"drawing": "a drawing"},
        {"drawing": {"raw": {}, "data": None}, "backgroundFit": 7},
    ],
    ids=[
        "no-base64",
        "empty-text",
        "number",
        "list",
        "base64-of-text",
        "bad-base64",
        "truncated-png",
        "drawing-number",
        "drawing-text",
        "fit",
    ],
)
def test_a_forged_canvas_value_is_nothing_drawn_with_a_plain_word(value):
    app = read_page(**{CANVAS_KEY: value})
    assert_nothing_read(app)
    assert any("The drawing could not be read" in warning.value for warning in app.warning)


@pytest.mark.parametrize("data", [None, "data:image/png;base64,"], ids=["none", "empty-png"])
def test_an_empty_canvas_value_is_nothing_drawn_without_a_warning(data):
    app = read_page(**{CANVAS_KEY: {"drawing": {"raw": {}, "data": data}}})
    assert_nothing_read(app)
    assert not app.warning


def test_a_canvas_picture_over_the_limit_is_refused_with_its_size(monkeypatch):
    """The canvas's PNG goes through load_image's limits, as an upload does (one set low, so the test stays small)."""
    monkeypatch.setattr("model.preprocess.MAX_PIXELS", 100 * 100)
    app = read_page(**{CANVAS_KEY: json.loads(canvas_value("7"))})
    assert_nothing_read(app)
    assert any("360x360 pixels" in warning.value for warning in app.warning)


def test_a_canvas_value_far_larger_than_the_canvas_is_nothing_drawn_and_never_decoded(monkeypatch):
    """Issue 28, item 9: a whole 8000x8000 grey PNG (75 KB) was read, the server's memory up 179 MB. Told from its header,
    it is nothing drawn, as a forged value should be; Pillow's decoder is watched, not the memory."""
    from PIL import ImageFile

    from harness.fuzz.canvas import huge_grey_png

    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image.size))
    app = read_page(**{CANVAS_KEY: {"drawing": {"raw": {}, "data": data_url(huge_grey_png(8000, 8000))}}})
    assert_nothing_read(app)
    assert not app.warning and decoded == []


def test_a_drawing_sent_by_the_canvas_is_read():
    app = read_page(**{CANVAS_KEY: json.loads(canvas_value("7"))})
    assert not app.exception
    assert prediction(app) == "7"
    assert not app.warning


@pytest.mark.parametrize(
    ("forged", "width"),
    [(float("nan"), "default"), (float("inf"), "default"), (-float("inf"), "default"), ("thick", "default"), (None, "default"),
     (True, "default"), (10**30, "max"), (-5, "min"), (9.5, 9)],
    ids=["nan", "inf", "-inf", "text", "none", "bool", "huge", "negative", "fraction"],
)  # fmt: skip
def test_a_forged_brush_width_is_clamped_or_the_default(forged, width):
    """views.parts.inputs cannot be imported outside a running page (the canvas component registers itself), so the
    slider's own ends and default say what is expected."""
    slider = read_page().slider(key="brush")
    expected = {"default": slider.value, "max": slider.max, "min": slider.min}.get(width, width)
    app = read_page(brush=forged, **{CANVAS_KEY: json.loads(canvas_value("7"))})
    assert not app.exception, [e.value for e in app.exception]
    assert app.slider(key="brush").value == expected
    assert prediction(app) == "7"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"these are lecture notes, not a picture", "it is not a picture we can read (PNG or JPEG)"),
        (png_bytes(draw_seven())[:300], "it is damaged or cut short"),
    ],
    ids=["text", "truncated"],
)
def test_an_upload_that_cannot_be_read_says_why_in_plain_words(data, said):
    app = AppTest.from_file("../app.py", default_timeout=90).run()
    app.segmented_control(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload("notes.png", data, "image/png").run()
    assert not app.exception
    errors = [error.value for error in app.error]
    assert errors == [f"That file could not be read as an image: {said}."]
    assert not INTERNALS.search(texts(app)), texts(app)
    assert prediction(app) is None


def test_strokes_put_back_on_a_canvas_of_another_size_are_scaled_to_it():
    from views.parts.inputs import scaled_strokes

    strokes = {"version": "6", "objects": [{"type": "path", "left": 100, "top": 40, "scaleX": 1, "path": [["M", 1, 2]]},
                                           {"type": "path", "left": "forged", "top": float("nan")}, "not a shape"]}  # fmt: skip
    scaled = scaled_strokes(strokes, 0.5)
    assert scaled["version"] == "6" and len(scaled["objects"]) == 2
    first, forged = scaled["objects"]
    assert (first["left"], first["top"], first["scaleX"], first["scaleY"]) == (50, 20, 0.5, 0.5)
    assert first["path"] == [["M", 1, 2]]  # the path itself stays: the scale draws it smaller
    assert forged["left"] == "forged" and forged["scaleX"] == 0.5  # what is not a number is left as it came
    assert strokes["objects"][0]["left"] == 100  # the kept strokes are not changed
