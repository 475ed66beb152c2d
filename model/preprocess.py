"""Turn what people draw or upload into what MNIST looks like.

LeCun's MNIST digits were cropped to their ink, fitted into a 20x20 box
keeping their aspect ratio with anti-aliasing, and placed in a 28x28 field
with their centre of mass at the centre: white ink on black. We do the same
to any drawing or photo, light-on-dark or dark-on-light, and keep the
intermediate images so the app can show what the model sees.
"""

import io
import math
import os
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile

from i18n import _
from model.strokes import erode

FIELD = 28  # the MNIST image
BOX = 20  # the box the digit is fitted into
INK_THRESHOLD = 0.2  # ink fraction above which a pixel counts as drawn
FAINT_INK = 0.02  # fainter ink counts only where it joins drawn ink: a pencil's light end, a hairline gone grey
FAINT_REACH = 1.0  # how far faint ink may run on from the drawn ink, as a share of the drawing's longest side
JOIN_SIDE = 160  # faint ink is followed on a copy reduced to at most this side, so that a large picture stays fast
MIN_INK_PIXELS = 3
MIN_EXTENT = 0.04  # a drawing whose longest side is under 4% of the image is a speck, not a digit
WORK_SIZE = 96  # the crop's longest side while strokes are measured and adjusted
# Stroke widths as shares of the drawing's longest side. MNIST's digits drawn with a solid pen measure 0.14 to 0.23
# (10th to 90th percentile, median 0.175); the three bounds were chosen with bench/bench_drawn_digits.py.
MIN_STROKE = 0.15  # a thinner stroke is thickened to this
MAX_STROKE = 0.2  # a wider one is thinned to THINNED_STROKE
THINNED_STROKE = 0.18
MAX_PIXELS = 64_000_000  # 8000x8000: a picture whose header claims more is refused before anything is decoded
MAX_DECODED_BYTES = 64_000_000  # what decoding one picture may hold at once: a 5000x5000 grey PNG, a 4000x4000 colour one
WORK_SIDE = 1000  # a larger picture is reduced to this longest side as it is decoded: its digit ends up 20x20 anyway
STRIP_ROWS = 64  # reduced rows made at a time, so that converting a large picture's mode never copies all of it
MAX_DEFLATE_RATIO = 1032  # the most deflate (PNG's compression) can shrink data: a floor on a PNG's size for its pixels
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")  # the decoders we open; Pillow's others are not for uploads


class ImageError(ValueError):
    """The input is not an image we can read; the message says why."""


class LargerThanAsked(ImageError):
    """The picture's header is larger than the caller's `largest_side`: refused before anything is decoded."""


@dataclass(frozen=True)
class Preprocessed:
    image: np.ndarray | None  # (28, 28) float32, ink 1 on 0 as MNIST; None when nothing was drawn
    ink: np.ndarray  # the input as ink in [0, 1] at full resolution
    crop: np.ndarray | None  # the ink's bounding box, full resolution
    boxed: np.ndarray | None  # the crop fitted into 20x20, aspect ratio kept
    inverted: bool  # the input was dark ink on a light background
    empty_reason: str | None = None  # why there is no image, in words for a person
    restroked: np.ndarray | None = None  # the crop with its strokes brought to MNIST's pen width; None if they were already
    stroke_change: str | None = None  # "thickened" or "thinned" when restroked is set

    @property
    def is_empty(self) -> bool:
        return self.image is None


def load_image(source, largest_side: int | None = None) -> np.ndarray:
    """Decode a path, bytes or file object into an array, a large picture reduced; anything else raises ImageError.

    The size comes from the header before anything is decoded: a picture too large to decode cheaply is
    refused, a JPEG is decoded at 1/2 to 1/8 scale, and any other picture over WORK_SIDE is reduced strip by
    strip, so that one request holds at most MAX_DECODED_BYTES of pixels. Smaller pictures are read as they are.
    A PNG or JPEG too short for the pixels its header claims is refused as damaged, never read as blank rows.
    A side over `largest_side`, where one is given, is LargerThanAsked, told from the same header.
    """
    if isinstance(source, str | os.PathLike):
        with _open_file(source) as file:
            return _decode(file, largest_side)
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    return _decode(source, largest_side)


def prepare_picture(source, largest_side: int | None = None) -> Preprocessed:
    """A picture's file, bytes or path made into the digit the network reads, in one call: ImageError when it is no
    picture (LargerThanAsked over `largest_side`), an empty Preprocessed when it holds no digit."""
    return preprocess(load_image(source, largest_side))


def _open_file(path) -> io.BufferedReader:
    """The file at `path`, or ImageError saying in words why it cannot be opened (no paths, no error numbers)."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise ImageError(_("no such file")) from None
    except IsADirectoryError:
        raise ImageError(_("it is a folder, not an image")) from None
    except PermissionError:
        raise ImageError(_("it may not be read (no permission)")) from None
    except OSError:
        raise ImageError(_("it cannot be opened")) from None


def _decode(file, largest_side: int | None = None) -> np.ndarray:
    file_bytes = _byte_count(file)
    try:
        with Image.open(file, formats=FORMATS) as image:
            _check_size(image, largest_side)
            fewest_bytes = _fewest_bytes(image)  # from the header's size, before a JPEG's draft reduces it
            factor = _draft(image)
            _check_decoding_cost(image)
            _check_body(file_bytes, fewest_bytes)
            image.load()
            if factor > 1 or image.mode not in ("L", "RGB", "RGBA"):
                image = _reduced(image, factor) if factor > 1 else image.convert(_array_mode(image))
            return np.asarray(image)
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(_("it is not a picture we can read (PNG or JPEG)")) from None
    except Image.DecompressionBombError:
        raise ImageError(
            _("it claims to be far larger than the {millions} million pixels we read").format(millions=MAX_PIXELS // 1_000_000)
        ) from None
    except MemoryError:
        raise ImageError(_("it is too large to read")) from None
    except Exception:  # noqa: BLE001  Pillow's decoders raise many kinds of error on damaged files; each means the same here
        raise ImageError(_("it is damaged or cut short")) from None


def _check_size(image: Image.Image, largest_side: int | None = None) -> None:
    width, height = image.size
    if largest_side is not None and max(width, height) > largest_side:
        raise LargerThanAsked(f"it is {width}x{height} pixels, more than {largest_side} on a side")
    if width * height > MAX_PIXELS:
        raise ImageError(
            _("it is {width}x{height} pixels, more than the {millions} million we read; make it smaller").format(
                width=width, height=height, millions=MAX_PIXELS // 1_000_000
            )
        )
    if width < 1 or height < 1:
        raise ImageError(_("it is damaged or cut short"))


def _byte_count(file) -> int | None:
    """The length of a file object, for _check_body; None where it cannot be told (then the check is skipped)."""
    try:
        count = file.seek(0, io.SEEK_END)
        file.seek(0)
    except (AttributeError, OSError, ValueError):
        return None
    return count


def _fewest_bytes(image: Image.Image) -> int:
    """The fewest bytes any file of the picture's format and size can be: a floor set by how its format compresses.

    A PNG holds at least a bit a pixel and a filter byte a row, deflated at most MAX_DEFLATE_RATIO to 1; a JPEG
    at least a one-bit Huffman code for each 8x8 block. 0 for the other formats: no floor is claimed for them.
    """
    width, height = image.size
    if image.format == "PNG":
        return height * (1 + math.ceil(width / 8)) // MAX_DEFLATE_RATIO
    if isinstance(image, JpegImageFile):
        return math.ceil(width / 8) * math.ceil(height / 8) // 8
    return 0


def _check_body(file_bytes: int | None, fewest_bytes: int) -> None:
    """Refuse a file too short to hold the pixels its header claims: cut short, or forged, it would read as blank rows."""
    if file_bytes is not None and file_bytes < fewest_bytes:
        raise ImageError(_("it is damaged or cut short"))


def _reduction(width: int, height: int) -> int:
    """The whole factor that brings the longest side to WORK_SIDE or under; 1 for a picture that fits."""
    return math.ceil(max(width, height) / WORK_SIDE)


def _draft(image: Image.Image) -> int:
    """Have a large JPEG decoded at 1/2, 1/4 or 1/8 scale; the reduction still to do after decoding."""
    factor = _reduction(*image.size)
    if factor > 1 and isinstance(image, JpegImageFile):  # an MPO from a phone camera too
        image.draft(None, (max(1, image.width // factor), max(1, image.height // factor)))
        factor = _reduction(*image.size)
    return factor


def _bytes_per_pixel(mode: str) -> int:
    return 1 if mode in ("1", "L", "P") else 4  # as Pillow holds them; "I;16" takes 2, counted as 4


def _check_decoding_cost(image: Image.Image) -> None:
    """Refuse what decoding at this size would hold too much memory for; the limit named in pixels."""
    width, height = image.size
    per_pixel = _bytes_per_pixel(image.mode)
    if width * height * per_pixel > MAX_DECODED_BYTES:
        limit = MAX_DECODED_BYTES // per_pixel / 1_000_000
        if per_pixel > 1:
            message = _(
                "it is {width}x{height} pixels, more than the {millions} million we read in a colour {kind} picture; "
                "make it smaller, or save it as JPEG"
            )
        else:
            message = _(
                "it is {width}x{height} pixels, more than the {millions} million we read in a grey {kind} picture; "
                "make it smaller, or save it as JPEG"
            )
        raise ImageError(message.format(width=width, height=height, millions=f"{limit:.0f}", kind=image.format))


def _array_mode(image: Image.Image) -> str:
    """The mode the array is made in: grey, RGB, or RGBA when the picture has any transparency."""
    if image.mode in ("L", "RGB", "RGBA"):
        return image.mode
    return "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"


def _reduced(image: Image.Image, factor: int) -> Image.Image:
    """`image` box-averaged by `factor` and in its array mode, made a strip at a time so no full-size copy is held."""
    mode, (width, height) = _array_mode(image), image.size
    reduced = Image.new(mode, (math.ceil(width / factor), math.ceil(height / factor)))
    step = STRIP_ROWS * factor
    for top in range(0, height, step):
        strip = image.crop((0, top, width, min(top + step, height)))
        reduced.paste(strip.convert(mode).reduce(factor), (0, top // factor))
    return reduced


def _border(image: np.ndarray) -> np.ndarray:
    """The outermost pixels, where there is only paper unless the digit runs off the picture."""
    return np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])


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
    border = _border(pixels)
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


def _outline_width(ink: np.ndarray) -> float:
    """Mean stroke width in pixels: area over half the outline, quick on one crop (model/strokes.py measures along a
    skeleton, for batches of training digits)."""
    mask = ink > 0.5
    padded = np.pad(mask, 1)
    interior = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:] & mask
    outline = mask.sum() - interior.sum()
    return 2.0 * mask.sum() / max(outline, 1)


def _to_mnist_pen(crop: np.ndarray) -> tuple[np.ndarray, str | None]:
    """The crop at a working size with its strokes brought into MNIST's range of pen widths, and what was done.

    A hairline is widened with a max filter. A marker's stroke is thinned by eroding it with a disc, which
    keeps every hole open (a thick 8's loops grow rather than fill); its thinnest parts, often the joins,
    would be worn away by a full erosion, so it stops at about MNIST's median width.
    """
    work = _fit(crop, WORK_SIZE) if max(crop.shape) > WORK_SIZE else crop.copy()
    work /= max(float(work.max()), 1e-6)
    longest = max(work.shape)
    width = _outline_width(work)
    if width > MAX_STROKE * longest:
        thinned = erode(work > 0.5, (width - THINNED_STROKE * longest) / 2)
        if thinned.sum() >= MIN_INK_PIXELS:  # a blob with no stroke in it is left as it is
            return thinned.astype(np.float32), "thinned"
        return work, None
    size = int(round(MIN_STROKE * longest - width)) + 1 | 1  # a k-pixel max filter widens a stroke by k - 1; k is odd
    if size < 3:
        return work, None
    return np.asarray(Image.fromarray(work, mode="F").filter(ImageFilter.MaxFilter(size)), np.float32), "thickened"


def _grow(seeds: np.ndarray, allowed: np.ndarray, steps: int) -> np.ndarray:
    """seeds grown into the allowed pixels that touch them (eight neighbours), at most `steps` pixels far."""
    grown = seeds & allowed
    for _step in range(steps):
        padded = np.pad(grown, 1)
        wider = grown.copy()
        for row in range(3):
            for col in range(3):
                wider |= padded[row : row + grown.shape[0], col : col + grown.shape[1]]
        wider &= allowed
        if wider.sum() == grown.sum():
            break
        grown = wider
    return grown


def _with_faint_joins(ink: np.ndarray, mask: np.ndarray, extent: int) -> np.ndarray:
    """The drawn pixels (mask, `extent` pixels at its longest) and the faint ink that joins them, followed on a
    copy max-pooled to at most JOIN_SIDE.

    A fine pen or a light pencil leaves parts of a stroke fainter than INK_THRESHOLD: boxed without them,
    the top of a 0 is cut off and it reads as a 6. Faint ink on its own, a smudge, stays out; so does all
    faint ink on a photo whose paper is itself that uneven (its border says how uneven), lest shadows and
    grain widen the box.
    """
    faint = max(FAINT_INK, 2 * float(np.percentile(_border(ink), 99)))
    if faint >= INK_THRESHOLD:
        return mask
    block = -(-max(ink.shape) // JOIN_SIDE)  # ceiling division
    height, width = -(-ink.shape[0] // block), -(-ink.shape[1] // block)
    padded = np.zeros((height * block, width * block), np.float32)
    padded[: ink.shape[0], : ink.shape[1]] = ink
    pooled = np.maximum.reduce([padded[row::block, col::block] for row in range(block) for col in range(block)])
    joined = _grow(pooled > INK_THRESHOLD, pooled > faint, int(np.ceil(FAINT_REACH * extent / block)))
    reached = np.repeat(np.repeat(joined, block, 0), block, 1)[: ink.shape[0], : ink.shape[1]]
    return mask | (reached & (ink > faint))


def centre_of_mass(ink: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(ink.shape)
    total = ink.sum()
    return float((rows * ink).sum() / total), float((cols * ink).sum() / total)


def preprocess(image: np.ndarray) -> Preprocessed:
    """Any drawing or photo of one digit -> a centred 28x28 MNIST-style image, with the steps between."""
    ink, inverted = to_ink(image)
    mask = ink > INK_THRESHOLD
    if mask.sum() < MIN_INK_PIXELS:
        return Preprocessed(None, ink, None, None, inverted, _("Nothing drawn yet."))
    rows, cols = np.nonzero(mask)
    extent = max(np.ptp(rows), np.ptp(cols)) + 1
    if extent < MIN_EXTENT * max(ink.shape):
        return Preprocessed(None, ink, None, None, inverted, _("The drawing is too small to be a digit."))
    rows, cols = np.nonzero(_with_faint_joins(ink, mask, int(extent)))
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    crop = ink[top:bottom, left:right] / ink.max()  # faint pencil or grey ink becomes full strength
    strokes, stroke_change = _to_mnist_pen(crop)
    boxed = _fit(strokes, BOX)
    boxed /= max(float(boxed.max()), 1e-6)  # MNIST's darkest stroke is full ink
    field = np.zeros((FIELD, FIELD), np.float32)
    com_row, com_col = centre_of_mass(boxed)
    height, width = boxed.shape
    row = int(np.clip(round(FIELD / 2 - com_row), 0, FIELD - height))
    col = int(np.clip(round(FIELD / 2 - com_col), 0, FIELD - width))
    field[row : row + height, col : col + width] = boxed
    restroked = strokes if stroke_change else None
    return Preprocessed(field, ink, crop, boxed, inverted, restroked=restroked, stroke_change=stroke_change)
