"""Turn what people draw or upload into what MNIST looks like.

LeCun's MNIST digits were cropped to their ink, fitted into a 20x20 box
keeping their aspect ratio with anti-aliasing, and placed in a 28x28 field
with their centre of mass at the centre: white ink on black. We do the same
to any drawing or photo, light-on-dark or dark-on-light, and keep the
intermediate images so the app can show what the model sees.
"""

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, UnidentifiedImageError

FIELD = 28  # the MNIST image
BOX = 20  # the box the digit is fitted into
INK_THRESHOLD = 0.2  # ink fraction above which a pixel counts as drawn
MIN_INK_PIXELS = 3
MIN_EXTENT = 0.04  # a drawing whose longest side is under 4% of the image is a speck, not a digit
WORK_SIZE = 96  # the crop's longest side while strokes are measured and adjusted
MIN_STROKE = 0.11  # most MNIST strokes are at least 1/9 of the digit's longest side; thinner ones are thickened
MAX_PIXELS = 25_000_000  # larger uploads are refused rather than decoded


class ImageError(ValueError):
    """The input is not an image we can read; the message says why."""


@dataclass(frozen=True)
class Preprocessed:
    image: np.ndarray | None  # (28, 28) float32, ink 1 on 0 as MNIST; None when nothing was drawn
    ink: np.ndarray  # the input as ink in [0, 1] at full resolution
    crop: np.ndarray | None  # the ink's bounding box, full resolution
    boxed: np.ndarray | None  # the crop fitted into 20x20, aspect ratio kept
    inverted: bool  # the input was dark ink on a light background
    empty_reason: str | None = None  # why there is no image, in words for a person

    @property
    def is_empty(self) -> bool:
        return self.image is None


def load_image(source) -> np.ndarray:
    """Decode a path, bytes or file object into an array; anything else raises ImageError."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    try:
        with Image.open(source) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageError(f"the image is {image.width}x{image.height}, larger than we accept")
            image.load()
            if image.mode not in ("L", "RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
            return np.asarray(image)
    except (UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise ImageError(f"not a readable image ({error})") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageError(f"the image file is damaged or truncated ({error})") from None


def to_ink(image: np.ndarray) -> tuple[np.ndarray, bool]:
    """Ink in [0, 1] (1 = drawn) and whether the input was dark-on-light."""
    pixels = np.asarray(image)
    scale = 255.0 if pixels.dtype == np.uint8 else 1.0
    pixels = pixels.astype(np.float32) / scale
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        alpha = pixels[..., 3]
        if alpha.min() < 0.99:  # a transparent background: the ink is whatever is opaque
            return alpha, False
        pixels = pixels[..., :3]
    if pixels.ndim == 3:
        pixels = pixels[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32)
    if pixels.ndim != 2:
        raise ImageError(f"expected a grey, RGB or RGBA image, got an array of shape {pixels.shape}")
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    inverted = bool(np.median(border) > 0.5)  # a light border means dark ink on paper
    ink = 1.0 - pixels if inverted else pixels
    background = float(np.median(1.0 - border if inverted else border))
    ink = (ink - background) / max(1.0 - background, 1e-3)
    return np.clip(ink, 0.0, 1.0).astype(np.float32), inverted


def _resize(ink: np.ndarray, height: int, width: int) -> np.ndarray:
    resized = Image.fromarray(ink.astype(np.float32), mode="F").resize((width, height), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, np.float32), 0.0, 1.0)


def _fit(ink: np.ndarray, longest: int) -> np.ndarray:
    height, width = ink.shape
    factor = longest / max(height, width)
    return _resize(ink, max(1, round(height * factor)), max(1, round(width * factor)))


def stroke_width(ink: np.ndarray) -> float:
    """Mean stroke width in pixels: area over half the outline."""
    mask = ink > 0.5
    padded = np.pad(mask, 1)
    interior = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:] & mask
    outline = mask.sum() - interior.sum()
    return 2.0 * mask.sum() / max(outline, 1)


def _thicken_hairlines(crop: np.ndarray) -> np.ndarray:
    """Bring a hairline towards MNIST's pen width, at a working size.

    Thick strokes are left alone: eroding them breaks the shape, and the
    model is trained on thickened digits instead.
    """
    work = _fit(crop, WORK_SIZE) if max(crop.shape) > WORK_SIZE else crop.copy()
    work /= max(float(work.max()), 1e-6)
    longest = max(work.shape)
    width = stroke_width(work)
    size = int(round(MIN_STROKE * longest - width)) + 1 | 1  # a k-pixel max filter widens a stroke by k - 1; k is odd
    if size < 3:
        return work
    return np.asarray(Image.fromarray(work, mode="F").filter(ImageFilter.MaxFilter(size)), np.float32)


def centre_of_mass(ink: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(ink.shape)
    total = ink.sum()
    return float((rows * ink).sum() / total), float((cols * ink).sum() / total)


def preprocess(image: np.ndarray) -> Preprocessed:
    """Any drawing or photo of one digit -> a centred 28x28 MNIST-style image, with the steps between."""
    ink, inverted = to_ink(image)
    mask = ink > INK_THRESHOLD
    if mask.sum() < MIN_INK_PIXELS:
        return Preprocessed(None, ink, None, None, inverted, "Nothing drawn yet.")
    rows, cols = np.nonzero(mask)
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    if max(bottom - top, right - left) < MIN_EXTENT * max(ink.shape):
        return Preprocessed(None, ink, None, None, inverted, "The drawing is too small to be a digit.")
    crop = ink[top:bottom, left:right] / ink.max()  # faint pencil or grey ink becomes full strength
    boxed = _fit(_thicken_hairlines(crop), BOX)
    boxed /= max(float(boxed.max()), 1e-6)  # MNIST's darkest stroke is full ink
    field = np.zeros((FIELD, FIELD), np.float32)
    com_row, com_col = centre_of_mass(boxed)
    height, width = boxed.shape
    row = int(np.clip(round(FIELD / 2 - com_row), 0, FIELD - height))
    col = int(np.clip(round(FIELD / 2 - com_col), 0, FIELD - width))
    field[row : row + height, col : col + width] = boxed
    return Preprocessed(field, ink, crop, boxed, inverted)
