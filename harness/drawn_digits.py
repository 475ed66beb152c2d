"""Digits drawn as people draw them: a synthetic 7 at any size, place and stroke width, and real MNIST test
digits redrawn the way people draw on a canvas (off-centre, small or large, thick or thin strokes, a round brush of
one width along the digit's skeleton, dark on light or light on dark, on a transparent background) or arrive from
other hands and scanners (blurred, scanned at low resolution).

Drawn here with PIL's own lines and filters, apart from training/canvas_style.py, so that a model trained on that
module's drawings is measured on drawings it has not seen made.
"""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from model.strokes import skeleton

CANVAS = 400
STYLES = ("plain", "inverted", "transparent", "thick", "thin", "small", "large", "brush", "blurred", "scanned")
BRUSH_WIDTHS = (12, 18, 26, 34, 42)  # pixels on the 400 px canvas: the app's Brush slider runs 8 to 48, 26 by default


def draw_seven(size=280, offset=(0, 0), scale=1.0, width=20, ink=0, paper=255, mode="L"):
    """A '7' drawn with line strokes, as a person would on a canvas."""
    image = Image.new(mode, (size, size), paper)
    pen = ImageDraw.Draw(image)
    s = size * scale
    x0, y0 = size / 2 - s * 0.3 + offset[0], size / 2 - s * 0.35 + offset[1]
    pen.line([(x0, y0), (x0 + s * 0.6, y0), (x0 + s * 0.25, y0 + s * 0.7)], fill=ink, width=width, joint="curve")
    return np.asarray(image)


def brush_along_skeleton(digit: np.ndarray, size: int, width: int) -> Image.Image:
    """The digit's skeleton (found at 4x) drawn as one round brush of `width` would draw it, on a size x size square."""
    side = digit.shape[0] * 4
    path = skeleton(np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR))[None] > 128)[0]
    ink = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(ink)
    scale = size / side
    rows, cols = np.nonzero(path)
    on_path = set(zip(rows.tolist(), cols.tolist(), strict=True))
    for row, col in on_path:
        for step_row, step_col in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each neighbour once
            if (row + step_row, col + step_col) in on_path:
                start, end = (col * scale, row * scale), ((col + step_col) * scale, (row + step_row) * scale)
                pen.line([start, end], fill=255, width=width)
        pen.ellipse([col * scale - width / 2, row * scale - width / 2, col * scale + width / 2, row * scale + width / 2], fill=255)
    return ink


def redraw(digit: np.ndarray, style: str, rng: np.random.Generator) -> Image.Image:
    """digit: (28, 28) uint8 MNIST image (white on black) -> a canvas-sized PIL image."""
    size = {"small": rng.integers(70, 110), "large": rng.integers(330, 400)}.get(style, rng.integers(140, 300))
    if style == "brush":
        ink = brush_along_skeleton(digit, int(size), int(rng.choice(BRUSH_WIDTHS)))
    else:
        ink = Image.fromarray(digit).resize((int(size), int(size)), Image.Resampling.BICUBIC)
    if style == "scanned":  # a small scan, enlarged: what another hand's digit looks like at low resolution
        low = int(rng.integers(12, 19))
        ink = ink.resize((low, low), Image.Resampling.BOX).resize((int(size), int(size)), Image.Resampling.BILINEAR)
    if style in ("thick", "thin"):
        filter_size = max(3, int(size) // 28 * 2 + 1)
        ink = ink.filter(ImageFilter.MaxFilter(filter_size) if style == "thick" else ImageFilter.MinFilter(filter_size))
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    spare = CANVAS - int(size)
    canvas.paste(ink, (int(rng.integers(0, spare + 1)), int(rng.integers(0, spare + 1))))
    ink_array = np.asarray(canvas)
    if style == "blurred":
        ink_array = np.asarray(canvas.filter(ImageFilter.GaussianBlur(float(rng.uniform(2, 6)))))
    elif style != "scanned":
        ink_array = np.where(ink_array > 40, 255, ink_array).astype(np.uint8)  # a canvas pen is solid, not grey
    if style in ("inverted", "scanned"):
        return Image.fromarray(255 - ink_array)
    if style == "transparent":
        rgba = np.zeros((CANVAS, CANVAS, 4), np.uint8)
        rgba[..., 3] = ink_array  # black ink, transparent paper, as streamlit-drawable-canvas returns
        return Image.fromarray(rgba, "RGBA")
    return Image.fromarray(ink_array)


def write_drawn_digits(images: np.ndarray, labels: np.ndarray, folder, seed: int = 0, every_style: bool = False) -> list[tuple[str, int]]:
    """Save each digit in one of the styles in turn, or in every style; returns (path, label) pairs.

    A file is named index-style-label.png, so a reader's answers can be split by style and by digit.
    """
    rng = np.random.default_rng(seed)
    written = []
    for index, (digit, label) in enumerate(zip(images, labels, strict=True)):
        for style in STYLES if every_style else [STYLES[index % len(STYLES)]]:
            path = folder / f"{index:05d}-{style}-{label}.png"
            redraw(digit, style, rng).save(path)
            written.append((str(path), int(label)))
    return written


def style_and_label(path: str) -> tuple[str, int]:
    """What write_drawn_digits put in a file's name."""
    _, style, label = path.rsplit("/", 1)[-1].removesuffix(".png").split("-")
    return style, int(label)
