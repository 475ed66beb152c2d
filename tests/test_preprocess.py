"""Drawings and photos become MNIST-style 28x28 digits: cropped, fitted in 20x20, centred by mass."""

import io
import re
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from harness.drawn_digits import draw_seven
from model.preprocess import BOX, WORK_SIDE, ImageError, LargerThanAsked, centre_of_mass, load_image, preprocess
from model.strokes import stroke_width
from tests.test_strokes import holes


def extent(image):
    rows, cols = np.nonzero(image > 0.2)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


def test_digit_is_fitted_into_the_box_and_centred_by_mass():
    prepared = preprocess(draw_seven(offset=(-70, 50), scale=0.5))
    assert prepared.image.shape == (28, 28)
    assert max(extent(prepared.image)) <= BOX and max(extent(prepared.image)) >= BOX - 1
    row, col = centre_of_mass(prepared.image)
    assert abs(row - 14) <= 0.75 and abs(col - 14) <= 0.75
    assert prepared.image.max() == pytest.approx(1.0)


def test_position_and_size_on_the_canvas_do_not_matter():
    reference = preprocess(draw_seven()).image
    for offset, scale, width in [((-80, -60), 0.4, 8), ((60, 40), 0.5, 10), ((0, 0), 1.3, 26)]:
        moved = preprocess(draw_seven(offset=offset, scale=scale, width=width)).image
        assert np.abs(moved - reference).mean() < 0.08, (offset, scale, width)


def test_dark_on_light_is_inverted_to_match_light_on_dark():
    dark_on_light = preprocess(draw_seven(ink=0, paper=255))
    light_on_dark = preprocess(draw_seven(ink=255, paper=0))
    assert dark_on_light.inverted and not light_on_dark.inverted
    np.testing.assert_allclose(dark_on_light.image, light_on_dark.image, atol=0.02)


def test_transparent_canvas_uses_the_alpha_channel():
    grey = preprocess(draw_seven(ink=255, paper=0)).image
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = draw_seven(ink=255, paper=0)  # black ink (RGB 0) where opaque, transparent elsewhere
    transparent = preprocess(rgba)
    assert not transparent.inverted
    np.testing.assert_allclose(transparent.image, grey, atol=0.02)


def test_rgb_photo_with_a_grey_background():
    rgb = np.stack([draw_seven(ink=30, paper=200)] * 3, axis=-1)
    prepared = preprocess(rgb)
    assert prepared.inverted
    np.testing.assert_allclose(prepared.image, preprocess(draw_seven()).image, atol=0.05)


def test_tiny_and_huge_digits():
    tiny = preprocess(draw_seven(size=600, scale=0.08, width=3))
    huge = preprocess(draw_seven(size=2000, scale=1.35, width=160))
    for prepared in (tiny, huge):
        assert not prepared.is_empty
        assert max(extent(prepared.image)) >= BOX - 1


MNIST_STROKES = (1.5, 4.1)  # pixels: the 5th and 95th percentiles of the widths of MNIST's 60,000 training digits (1.56, 4.07)


def loops_drawn(kind: str, canvas: int, height: int, width: int) -> np.ndarray:
    """A "0" (one loop) or an "8" (two), `height` pixels tall with strokes `width` wide, on a canvas of `canvas` pixels."""
    image = Image.new("L", (canvas, canvas), 0)
    pen = ImageDraw.Draw(image)
    centre, half = canvas / 2, height / 2
    if kind == "0":
        pen.ellipse((centre - 0.65 * half, centre - half, centre + 0.65 * half, centre + half), outline=255, width=width)
    else:
        pen.ellipse((centre - 0.5 * half, centre - half, centre + 0.5 * half, centre), outline=255, width=width)
        pen.ellipse((centre - 0.6 * half, centre - width / 2, centre + 0.6 * half, centre + half), outline=255, width=width)
    return np.asarray(image)


@pytest.mark.parametrize("kind, loops", [("0", 1), ("8", 2)])
@pytest.mark.parametrize(
    "canvas, height, width",
    [(400, 300, 1), (400, 300, 4), (400, 300, 30), (400, 300, 55), (400, 300, 65), (400, 40, 2), (400, 40, 8), (3000, 2800, 250)],
    ids=["hairline", "thin", "canvas-brush", "thick", "marker", "tiny", "tiny-and-thick", "huge"],
)
def test_every_stroke_comes_out_at_mnists_width_with_its_loops_kept(kind, loops, canvas, height, width):
    """Thin strokes are thickened to MNIST's pen and thick ones thinned to it, the loops kept open."""
    image = preprocess(loops_drawn(kind, canvas, height, width)).image
    assert holes(image > 0.5) == loops
    assert MNIST_STROKES[0] <= stroke_width((image > 0.5)[None])[0] <= MNIST_STROKES[1]


def test_thin_and_thick_strokes_come_out_alike():
    thin = preprocess(draw_seven(width=2)).image
    thick = preprocess(draw_seven(width=45)).image
    normal = preprocess(draw_seven(width=20)).image
    for image in (thin, thick):
        assert 0.5 < (image > 0.5).sum() / (normal > 0.5).sum() < 2.0


def zero_with_a_faint_top(faint: int, smudge: int = 0) -> np.ndarray:
    """A "0" 300 px tall whose top arc is drawn at ink level `faint` (of 255), as a fine pen or a light pencil leaves
    it, and, if `smudge`, a faint blot of that level well apart from it."""
    image = Image.new("L", (400, 400), 0)
    pen = ImageDraw.Draw(image)
    box = (110, 50, 290, 350)
    pen.ellipse(box, outline=faint, width=4)
    pen.arc(box, start=340, end=200, fill=255, width=4)  # clockwise from upper right, through the bottom, to upper left
    if smudge:
        pen.ellipse((10, 370, 30, 390), fill=smudge)
    return np.asarray(image)


def test_the_faint_part_of_a_stroke_is_boxed_with_it():
    """Boxed without its faint top, a 0 becomes a U."""
    assert preprocess(zero_with_a_faint_top(faint=30)).crop.shape[0] >= 300
    assert preprocess(zero_with_a_faint_top(faint=0)).crop.shape[0] < 280  # the U: what is boxed without the top


def test_faint_ink_apart_from_the_digit_stays_out():
    alone = preprocess(zero_with_a_faint_top(faint=255)).crop
    smudged = preprocess(zero_with_a_faint_top(faint=255, smudge=30)).crop
    assert smudged.shape == alone.shape


def test_a_grainy_unevenly_lit_photo_is_boxed_by_its_ink_alone():
    """On paper whose grain and shadow are as dark as a faint stroke, faint ink is not followed: the box stays on the digit."""
    rng = np.random.default_rng(0)
    clean = draw_seven(size=600, width=30).astype(np.float32)
    shadow = 1 - 0.2 * np.linspace(0, 1, 600)[None, :]
    photo = np.clip(clean * shadow * 0.85 + 20 + rng.normal(0, 5, clean.shape), 0, 255).astype(np.uint8)
    taken = np.asarray(Image.open(io.BytesIO(encoded(photo, "JPEG"))))
    np.testing.assert_allclose(preprocess(taken).crop.shape, preprocess(draw_seven(size=600, width=30)).crop.shape, atol=2)


@pytest.mark.parametrize(
    "image",
    [np.zeros((280, 280), np.uint8), np.full((280, 280), 255, np.uint8), np.zeros((280, 280, 4), np.uint8)],
    ids=["black", "white", "transparent"],
)
def test_empty_drawing_is_reported_not_classified(image):
    prepared = preprocess(image)
    assert prepared.is_empty and prepared.image is None
    assert prepared.empty_reason


def test_a_speck_is_near_empty():
    speck = np.zeros((400, 400), np.uint8)
    speck[200:204, 200:204] = 255
    prepared = preprocess(speck)
    assert prepared.is_empty and "small" in prepared.empty_reason


def encoded(array, format="PNG", mode=None) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).convert(mode or Image.fromarray(array).mode).save(buffer, format=format)
    return buffer.getvalue()


def png_claiming(width: int, height: int, colour_type: int = 6) -> bytes:
    """A PNG whose header claims width x height (colour type 0 grey, 2 RGB, 6 RGBA) over a few bytes of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def assert_plain(message: str) -> None:
    """A message for a person: no Python objects, addresses or error numbers."""
    assert not re.search(r"\b0x[0-9a-f]{4,}|BytesIO|Errno|<|Error", message), message


def test_load_image_reads_png_and_refuses_non_images(tmp_path):
    png = encoded(draw_seven())
    assert load_image(png).shape == (280, 280)
    with pytest.raises(ImageError, match="not a picture we can read"):
        load_image(b"%PDF-1.4 this is not a picture")
    with pytest.raises(ImageError, match="damaged or cut short"):
        load_image(png[:200])  # truncated PNG


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "1"])
def test_pictures_that_fit_are_read_as_they_always_were(mode):
    """At WORK_SIDE and under, nothing is reduced: drawings, uploads and the gallery read exactly as before."""
    image = Image.fromarray(draw_seven(size=WORK_SIDE, width=70)).convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    expected = np.asarray(image if mode in ("L", "RGB", "RGBA") else image.convert("RGB"))
    np.testing.assert_array_equal(load_image(buffer.getvalue()), expected)


@pytest.mark.parametrize("format", ["PNG", "JPEG"])
def test_a_5000x5000_picture_is_decoded_reduced_and_reads_the_same(format):
    big = draw_seven(size=5000, width=357)  # the 280-pixel seven, drawn 18 times as large
    pixels = load_image(encoded(big, format))
    assert max(pixels.shape) <= WORK_SIDE
    reference = preprocess(draw_seven()).boxed  # the fitted digit: its place in 28 x 28 may round a pixel either way
    assert np.abs(preprocess(pixels).boxed - reference).mean() < 0.02


def test_a_5000x5000_colour_png_is_refused_before_decoding_with_its_size():
    with pytest.raises(ImageError) as refused:
        load_image(png_claiming(5000, 5000, colour_type=2))  # had it been decoded, its few pixel bytes would be "damaged"
    assert "5000x5000 pixels" in str(refused.value) and "16 million" in str(refused.value)
    assert_plain(str(refused.value))


@pytest.mark.parametrize(("width", "height", "said"), [(9000, 9000, "9000x9000 pixels"), (60000, 60000, "far larger")])
def test_a_header_claiming_huge_dimensions_is_refused_before_decoding(width, height, said):
    with pytest.raises(ImageError) as refused:
        load_image(png_claiming(width, height, colour_type=0))
    assert said in str(refused.value) and "64 million" in str(refused.value)
    assert_plain(str(refused.value))


def jpeg_claiming(width: int, height: int) -> bytes:
    """A 32x32 JPEG whose frame header is rewritten to claim width x height."""
    data = bytearray(encoded(draw_seven(size=32, width=4), "JPEG"))
    place = data.find(b"\xff\xc0")
    data[place + 5 : place + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(
    "data",
    [png_claiming(1, 30_000_000, colour_type=0), jpeg_claiming(5001, 5001)],
    ids=["png-1x30000000", "jpeg-5001x5001"],
)
def test_a_file_too_short_for_the_pixels_its_header_claims_is_refused_not_read_blank(data):
    """Decoders pad what is missing with blank rows; a person would see "Nothing drawn" instead of "damaged"."""
    with pytest.raises(ImageError, match="^it is damaged or cut short$"):
        load_image(data)


def test_a_picture_over_the_callers_largest_side_is_refused_from_its_header(monkeypatch):
    """The canvas's own limit (views/parts/inputs.py): the same header reading as an upload's, nothing decoded."""
    from PIL import ImageFile

    from harness.fuzz.canvas import huge_grey_png

    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image.size))
    with pytest.raises(LargerThanAsked, match="^it is 8000x360 pixels, more than 1520 on a side$"):
        load_image(huge_grey_png(8000, 360), largest_side=1520)
    assert decoded == []
    monkeypatch.undo()
    assert load_image(encoded(draw_seven()), largest_side=draw_seven().shape[0]).shape == draw_seven().shape


@pytest.mark.parametrize(("mode", "size"), [("1", (8000, 8000)), ("L", (8000, 8000)), ("1", (1, 8000)), ("L", (30, 1))])
def test_the_most_compressible_pictures_are_still_read(mode, size):
    """The floor on a file's size is deflate's own limit: a blank PNG squeezed as hard as zlib can is above it."""
    buffer = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else 255).save(buffer, format="PNG", compress_level=9)
    assert load_image(buffer.getvalue()).shape[:2] == tuple(min(side, WORK_SIDE) for side in size[::-1])


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"%PDF-1.4 this is not a picture", "not a picture we can read (PNG or JPEG)"),
        (b"", "not a picture we can read"),
        (b"these are lecture notes", "not a picture we can read"),
        (encoded(draw_seven())[:200], "damaged or cut short"),
        (encoded(draw_seven(), "JPEG")[:300], "damaged or cut short"),
        (encoded(draw_seven(), "GIF")[:40], "damaged or cut short"),
        (png_claiming(280, 280), "damaged or cut short"),  # pixel data far shorter than the header says
    ],
    ids=["pdf", "empty", "text", "truncated-png", "truncated-jpeg", "truncated-gif", "short-pixels"],
)
def test_what_cannot_be_read_is_said_in_plain_words(data, said):
    with pytest.raises(ImageError) as refused:
        load_image(data)
    assert said in str(refused.value)
    assert_plain(str(refused.value))


def test_a_missing_file_and_a_folder_are_named_as_such(tmp_path):
    with pytest.raises(ImageError, match="^no such file$"):
        load_image(tmp_path / "digit.png")
    with pytest.raises(ImageError, match="is a folder, not an image"):
        load_image(str(tmp_path))
