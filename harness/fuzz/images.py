"""Bad uploaded images and image paths: damaged, forged, huge-claiming or odd ones, as load_image is given them."""

import functools
import io
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from harness.fuzz.case import ACCEPT, EITHER, FOREIGN_HOST, REFUSE
from harness.fuzz.keras_files import sound_model_bytes
from harness.fuzz.mutations import flipped, link, pick, truncated

FORMATS = ["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"]


def digit_pixels(size: int = 64) -> np.ndarray:
    """A dark 7 on white, as a canvas or a photo gives it."""
    pixels = np.full((size, size), 255, np.uint8)
    stroke = max(size // 12, 1)
    pixels[size // 5 : size // 5 + stroke, size // 4 : 3 * size // 4] = 0
    for row in range(size // 5, 4 * size // 5):
        column = 3 * size // 4 - (row - size // 5) * size // (2 * size)
        pixels[row, max(column - stroke, 0) : column] = 0
    return pixels


def encoded(pixels: np.ndarray, image_format: str, mode: str | None = None, **options) -> bytes:
    from PIL import Image

    image = Image.fromarray(pixels)
    if mode:
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, colour_type: int = 0) -> bytes:
    """A PNG whose header claims width x height pixels, with a body of 64 bytes: cheap to make, costly to believe."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(bytes(64))) + _png_chunk(b"IEND", b"")


def claiming(image_format: str, width: int, height: int) -> bytes:
    """A small image of the format whose header is rewritten to claim width x height."""
    if image_format == "PNG":
        return png_claiming(width, height)
    data = bytearray(encoded(digit_pixels(32), image_format))
    if image_format == "JPEG":
        place = data.find(b"\xff\xc0")
        data[place + 5 : place + 9] = struct.pack(">HH", min(height, 65535), min(width, 65535))
    elif image_format == "GIF":
        data[6:10] = struct.pack("<HH", min(width, 65535), min(height, 65535))
        place = data.find(b"\x2c", 13)
        data[place + 5 : place + 9] = struct.pack("<HH", min(width, 65535), min(height, 65535))
    elif image_format == "BMP":
        data[18:26] = struct.pack("<ii", min(width, 2**31 - 1), min(height, 2**31 - 1))
    return bytes(data)


def _image_case(what: str, build: Callable[[np.random.Generator], bytes], rng, expect: str = REFUSE):
    seed = int(rng.integers(2**31))
    return what, lambda folder: build(np.random.default_rng(seed)), expect


# --- one function per family: build(rng) -> the image's bytes -----------------------------------------------------------


def _truncate(rng):
    return truncated(encoded(digit_pixels(), pick(rng, FORMATS)), rng)


def _flip(rng):
    return flipped(encoded(digit_pixels(), pick(rng, FORMATS)), rng)


def _huge(rng):
    sides = pick(rng, [(100_000, 100_000), (30_000, 30_000), (1, 30_000_000), (65_535, 65_535), (2**31 - 1, 1), (5001, 5001)])
    return claiming(pick(rng, ["PNG", "PNG", "JPEG", "GIF", "BMP"]), *sides)


def _under_cap(rng):
    return png_claiming(int(pick(rng, [4999, 5000])), 5000)


def _not_an_image(rng):
    return pick(rng, [b"", b"\x00", os.urandom(int(rng.integers(1, 4000))), b"hello", b'{"a": 1}', b"%PDF-1.4\n",
                      f'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://{FOREIGN_HOST}/x.png"/></svg>'.encode(),
                      b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n", sound_model_bytes()[:5000],
                      b"GIF89a", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"BM" + bytes(60)])  # fmt: skip


def _float_nan(rng):
    from PIL import Image

    pixels = digit_pixels(28).astype(np.float32)
    pixels.flat[rng.integers(0, pixels.size, 20)] = pick(rng, [np.nan, np.inf, -np.inf, 1e30])
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="TIFF")
    return buffer.getvalue()


def _odd_ink(rng):
    size = pick(rng, [(1, 1), (2, 2000), (2000, 2), (28, 28), (3, 3)])
    fill = pick(rng, ["black", "white", "grey", "noise", "one dot"])
    pixels = np.full(size, {"black": 0, "white": 255, "grey": 128}.get(fill, 255), np.uint8)
    if fill == "noise":
        pixels = rng.integers(0, 256, size, dtype=np.uint8)
    elif fill == "one dot":
        pixels[size[0] // 2, size[1] // 2] = 0
    return encoded(pixels, "PNG")


def _transparent(rng):
    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[..., 3] = pick(rng, [0, 1, 254])
    return encoded(rgba, "PNG")


def _large(rng):
    side = int(rng.integers(1000, 2500))
    return encoded(digit_pixels(side), "PNG", optimize=False)


def _animated(rng):
    from PIL import Image

    frames = [Image.fromarray(digit_pixels(40)), Image.fromarray(255 - digit_pixels(40))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format=pick(rng, ["GIF", "PNG"]), save_all=True, append_images=frames[1:])
    return buffer.getvalue()


BUILDERS = [
    ("truncated", _truncate, EITHER),
    ("bits flipped", _flip, EITHER),
    ("a header claiming huge dimensions", _huge, REFUSE),
    ("a 25-megapixel header with a 64-byte body", _under_cap, REFUSE),
    ("not an image", _not_an_image, REFUSE),
    ("float pixels with NaN or infinity", _float_nan, EITHER),
    ("odd ink or size", _odd_ink, ACCEPT),
    ("a transparent image", _transparent, ACCEPT),
    ("large, 1000 to 2500 px a side", _large, ACCEPT),
    ("animated", _animated, ACCEPT),
    ("unchanged", lambda rng: encoded(digit_pixels(), pick(rng, ["PNG", "JPEG"])), ACCEPT),
]


def _image_mode_case(rng):
    """A sound digit in another colour mode or format: a PNG or JPEG must be read, any other may be refused."""
    mode, image_format = pick(rng, [("1", "PNG"), ("P", "PNG"), ("LA", "PNG"), ("I;16", "PNG"), ("I", "TIFF"), ("RGBA", "PNG"),
                                    ("CMYK", "JPEG"), ("YCbCr", "JPEG"), ("RGB", "JPEG"), ("L", "GIF"), ("L", "BMP"),
                                    ("F", "TIFF"), ("RGB", "WEBP"), ("L", "ICO"), ("L", "PPM")])  # fmt: skip
    size = int(rng.integers(8, 80))
    expect = ACCEPT if image_format in ("PNG", "JPEG") else EITHER
    return f"a {image_format} in mode {mode}", lambda folder: encoded(digit_pixels(size), image_format, mode), expect


def _image_path_case(rng):
    """Paths, as `python -m model.predict` is given them."""
    sort = pick(rng, ["missing", "a folder", "/etc/passwd", "/dev/null", "/dev/zero", "a dangling link", "a link to a sound PNG"])

    def make(folder: Path) -> str:
        path = folder / "digit.png"
        if sort == "a folder":
            path.mkdir()
        elif sort == "a dangling link":
            link(path, folder / "nowhere.png")
        elif sort == "a link to a sound PNG":
            (folder / "real.png").write_bytes(encoded(digit_pixels(), "PNG"))
            link(path, folder / "real.png")
        elif sort in ("/etc/passwd", "/dev/null", "/dev/zero"):
            return sort
        return str(path)

    return f"the image path is {sort}", make, ACCEPT if sort == "a link to a sound PNG" else REFUSE


def families() -> list[Callable]:
    """The makers of image cases, rng -> (what, make, expect), in the order cases() takes them round."""
    makers = [functools.partial(_image_case, what, build, expect=expect) for what, build, expect in BUILDERS]
    return makers + [_image_mode_case, _image_mode_case, _image_path_case]
