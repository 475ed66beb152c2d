"""Drawings and photos become MNIST-style 28x28 digits: cropped, fitted in 20x20, centred by mass."""

import io

import numpy as np
import pytest
from PIL import Image

from model.preprocess import BOX, ImageError, centre_of_mass, load_image, preprocess
from tests.drawn_digits import draw_seven


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


def test_thin_and_thick_strokes_come_out_alike():
    thin = preprocess(draw_seven(width=2)).image
    thick = preprocess(draw_seven(width=45)).image
    normal = preprocess(draw_seven(width=20)).image
    for image in (thin, thick):
        assert 0.5 < (image > 0.5).sum() / (normal > 0.5).sum() < 2.0


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


def test_load_image_reads_png_and_refuses_non_images(tmp_path):
    buffer = io.BytesIO()
    Image.fromarray(draw_seven()).save(buffer, format="PNG")
    assert load_image(buffer.getvalue()).shape == (280, 280)
    with pytest.raises(ImageError, match="not a readable image"):
        load_image(b"%PDF-1.4 this is not a picture")
    with pytest.raises(ImageError):
        load_image(buffer.getvalue()[:200])  # truncated PNG
