"""model/strokes.py: skeletons that keep a digit's loops and branches, stroke widths, and a round pen along a skeleton."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.strokes import draw_along, erode, skeleton, stroke_width


def drawn(shape: str, width: int, size: int = 120) -> np.ndarray:
    """A mask of a ring ("0"), two rings ("8") or a bar, drawn `width` pixels wide."""
    image = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(image)
    if shape == "0":
        pen.ellipse((25, 10, 95, 110), outline=255, width=width)
    elif shape == "8":
        pen.ellipse((30, 8, 90, 58), outline=255, width=width)
        pen.ellipse((25, 55, 95, 112), outline=255, width=width)
    else:
        pen.line((60, 10, 60, 110), fill=255, width=width)
    return np.asarray(image) > 127


def holes(mask: np.ndarray) -> int:
    """Areas of background that do not reach the border: a digit's loops."""
    background = Image.fromarray(np.pad(~mask, 1, constant_values=True).astype(np.uint8) * 255).copy()  # its own pixels
    ImageDraw.floodfill(background, (0, 0), 0)
    regions = 0
    while (inside := np.argwhere(np.asarray(background))).size:
        ImageDraw.floodfill(background, (int(inside[0][1]), int(inside[0][0])), 0)
        regions += 1
    return regions


@pytest.mark.parametrize("shape, loops", [("0", 1), ("8", 2), ("1", 0)])
@pytest.mark.parametrize("width", [3, 9, 17])
def test_a_skeleton_is_one_pixel_wide_and_keeps_every_loop(shape, loops, width):
    mask = drawn(shape, width)
    lines = skeleton(mask[None])[0]
    assert holes(mask) == holes(lines) == loops
    assert not (lines[:-1, :-1] & lines[1:, :-1] & lines[:-1, 1:] & lines[1:, 1:]).any()  # no 2x2 block: one pixel wide
    assert (lines <= mask).all()  # inside the stroke


@pytest.mark.parametrize("width", [2, 6, 12, 20])
def test_the_stroke_width_of_a_bar_is_its_width(width):
    assert stroke_width(drawn("1", width)[None])[0] == pytest.approx(width, abs=1.0)


def test_a_round_pen_along_a_skeleton_draws_a_stroke_of_its_width_with_soft_edges():
    lines = skeleton(drawn("0", 15)[None])
    ink = draw_along(lines, 6.0)[0]
    assert ink.min() == 0.0 and ink.max() == 1.0 and 0 < ink[(ink > 0) & (ink < 1)].size  # an anti-aliased rim
    assert holes(ink > 0.5) == 1
    assert stroke_width((ink > 0.5)[None])[0] == pytest.approx(6.0, abs=1.0)


def test_a_batch_is_thinned_each_on_its_own():
    masks = np.stack([drawn("0", 9), drawn("1", 15), np.zeros((120, 120), bool)])
    batch = skeleton(masks)
    for mask, lines in zip(masks, batch, strict=True):
        np.testing.assert_array_equal(lines, skeleton(mask[None])[0])
    assert not batch[2].any()


@pytest.mark.parametrize("shape, loops", [("0", 1), ("8", 2)])
def test_eroding_a_thick_stroke_thins_it_and_opens_its_loops_wider(shape, loops):
    thick = drawn(shape, 16)
    thinned = erode(thick, 5)
    assert holes(thinned) == loops
    assert stroke_width(thinned[None])[0] == pytest.approx(stroke_width(thick[None])[0] - 10, abs=1.5)
    assert (thinned <= thick).all()  # nothing is added
