"""Bad canvas values: what a browser could send as the drawing component's image, which the page must not trust."""

import base64
import functools
import struct
import zlib
from collections.abc import Callable

from harness.fuzz.case import ACCEPT, EITHER, FOREIGN_HOST, REFUSE, short
from harness.fuzz.images import _png_chunk, digit_pixels, encoded, png_claiming
from harness.fuzz.mutations import flipped, hostile_text, pick, truncated


def _data_url(rng) -> str:
    sort = int(rng.integers(8))
    if sort == 0:
        return "data:image/png," + hostile_text(rng)
    if sort == 1:
        return "data:image/png;base64," + pick(rng, ["", "====", "!!!", "aGVsbG8=", "ZGF0YQ", hostile_text(rng)])
    if sort == 2:
        claimed = png_claiming(*pick(rng, [(100_000, 100_000), (8000, 8000), (5000, 5000)]))
        return "data:image/png;base64," + base64.b64encode(claimed).decode()
    if sort == 3:
        return "data:image/png;base64,////" + "A" * int(rng.integers(0, 50))
    if sort == 4:
        return pick(rng, [f"http://{FOREIGN_HOST}/x.png", "file:///etc/passwd", "javascript:alert(1)", "data:text/html,<b>x</b>"])
    if sort == 5:
        return "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="
    if sort == 6:
        return "data:;base64," + "A" * int(rng.integers(1, 100_000))
    return hostile_text(rng)


def _value(rng):
    return pick(rng, [None, 0, 7, -1, 1e308, float("nan"), True, [], {}, {"data": None}, [[0] * 4] * 4, b"\x89PNG", _data_url(rng)])


def _damaged(rng):
    return "data:image/png;base64," + base64.b64encode(pick(rng, [truncated, flipped])(encoded(digit_pixels(), "PNG"), rng)).decode()


def _drawn(rng):
    return "data:image/png;base64," + base64.b64encode(encoded(digit_pixels(int(rng.integers(16, 400))), "PNG")).decode()


def huge_grey_png(width: int, height: int, grey: int = 128) -> bytes:
    """A whole, sound grey PNG of width x height, made a row at a time: 8000x8000 is about 120 KB and never held whole.

    Not a header that claims a size (png_claiming, refused as cut short) but every row there, which a decoder reads.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    squeezer, row = zlib.compressobj(9), b"\x00" + bytes([grey]) * width
    body = b"".join(squeezer.compress(row) for _ in range(height)) + squeezer.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def _huge(rng):
    """A canvas value far larger than any canvas the page draws (issue 28, item 9): nothing drawn, read or not."""
    side = pick(rng, [(8000, 8000), (5000, 5000), (2000, 2000), (8000, 360), (360, 8000)])
    return "data:image/png;base64," + base64.b64encode(huge_grey_png(*side, grey=int(rng.integers(0, 256)))).decode()


BUILDERS = [
    ("a forged data URL", _data_url, REFUSE),
    ("a value of another type", _value, REFUSE),
    ("a forged data URL", _data_url, REFUSE),
    ("a truncated or bit-flipped PNG", _damaged, EITHER),
    ("a drawn digit", _drawn, ACCEPT),
    ("a whole PNG far larger than the canvas", _huge, REFUSE),
]


def _canvas_case(rng, what: str, build: Callable, expect: str):
    """The value is made now, not in the scratch folder, so that the case's name can show it."""
    made = build(rng)
    return f"{what}: {short(repr(made), 80)}", lambda folder: made, expect


def families() -> list[Callable]:
    """The makers of canvas cases, rng -> (what, make, expect), in the order cases() takes them round."""
    return [functools.partial(_canvas_case, what=what, build=build, expect=expect) for what, build, expect in BUILDERS]
