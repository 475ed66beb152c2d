"""Digits drawn as people draw them: a synthetic 7 at any size, place and stroke width, and real MNIST test
digits redrawn the way people draw on a canvas (off-centre, small or large, thick or thin strokes, dark on light or
light on dark, on a transparent background)."""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CANVAS = 400
STYLES = ("plain", "inverted", "transparent", "thick", "thin", "small", "large")


def draw_seven(size=280, offset=(0, 0), scale=1.0, width=20, ink=0, paper=255, mode="L"):
    """A '7' drawn with line strokes, as a person would on a canvas."""
    image = Image.new(mode, (size, size), paper)
    pen = ImageDraw.Draw(image)
    s = size * scale
    x0, y0 = size / 2 - s * 0.3 + offset[0], size / 2 - s * 0.35 + offset[1]
    pen.line([(x0, y0), (x0 + s * 0.6, y0), (x0 + s * 0.25, y0 + s * 0.7)], fill=ink, width=width, joint="curve")
    return np.asarray(image)


def redraw(digit: np.ndarray, style: str, rng: np.random.Generator) -> Image.Image:
    """digit: (28, 28) uint8 MNIST image (white on black) -> a canvas-sized PIL image."""
    size = {"small": rng.integers(70, 110), "large": rng.integers(330, 400)}.get(style, rng.integers(140, 300))
    ink = Image.fromarray(digit).resize((int(size), int(size)), Image.Resampling.BICUBIC)
    if style in ("thick", "thin"):
        filter_size = max(3, int(size) // 28 * 2 + 1)
        ink = ink.filter(ImageFilter.MaxFilter(filter_size) if style == "thick" else ImageFilter.MinFilter(filter_size))
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    spare = CANVAS - int(size)
    canvas.paste(ink, (int(rng.integers(0, spare + 1)), int(rng.integers(0, spare + 1))))
    ink_array = np.asarray(canvas)
    ink_array = np.where(ink_array > 40, 255, ink_array).astype(np.uint8)  # a canvas pen is solid, not grey
    if style == "inverted":
        return Image.fromarray(255 - ink_array)
    if style == "transparent":
        rgba = np.zeros((CANVAS, CANVAS, 4), np.uint8)
        rgba[..., 3] = ink_array  # black ink, transparent paper, as streamlit-drawable-canvas returns
        return Image.fromarray(rgba, "RGBA")
    return Image.fromarray(ink_array)


def write_drawn_digits(images: np.ndarray, labels: np.ndarray, folder, seed: int = 0) -> list[tuple[str, int]]:
    """Save each digit in one of the styles, in turn; returns (path, label) pairs."""
    rng = np.random.default_rng(seed)
    written = []
    for index, (digit, label) in enumerate(zip(images, labels, strict=True)):
        style = STYLES[index % len(STYLES)]
        path = folder / f"{index:05d}-{style}-{label}.png"
        redraw(digit, style, rng).save(path)
        written.append((str(path), int(label)))
    return written
