"""Mutations every kind draws on, all from the case's own generator so that a seed makes the same cases again."""

from pathlib import Path

import numpy as np

from harness.fuzz.case import FOREIGN_HOST

HOSTILE_TEXTS = [
    "", " ", "\t\n", "0", "-1", "+4", "1e3", "2.5", "1,000", "0x10", "nan", "NaN", "inf", "-inf", "1e309", "Infinity",
    "99999999999999999999", "²", "٣", "１２", "٧", "7\x00", "\u202e7", "😀", "Ω" * 80, "%s%n", "{0}", "${HOME}", "null",
    "true", "[]", "{}", " 7 ", "7\n8", "../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "~/x",
    f"[click me](http://{FOREIGN_HOST}/phish)", f"![t](http://{FOREIGN_HOST}/track.png)",
    f"<img src=http://{FOREIGN_HOST}/x.png>", "<script>alert(1)</script>", "**bold** _it_ `code`", ":red[alarm]", "$x^2$",
]  # fmt: skip
HOSTILE_JSON_VALUES = [
    None, True, False, 0, -1, 1.5, 1e308, float("nan"), float("inf"), float("-inf"), 10**400, "", "high", "GPU", "long",
    [], {}, {"a": 1}, [1, 2], {"model": {"a": 1}}, f"[x](http://{FOREIGN_HOST}/p)", f"<img src=http://{FOREIGN_HOST}/i>",
    "../../etc/passwd", "/etc/passwd", "x" * 20_000, "😀\u202e", -(2**63), 2**64,
]  # fmt: skip


def pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def generated_text(rng: np.random.Generator) -> str:
    """A text of a random sort: long digits, unicode digits, random printable or random code points."""
    sort = int(rng.integers(4))
    length = int(rng.integers(1, 6000 if sort == 0 else 60))
    if sort == 0:
        return "".join(str(d) for d in rng.integers(0, 10, length))
    if sort == 1:
        return "".join(chr(pick(rng, [0x0660, 0x06F0, 0x0966, 0xFF10, 0x1D7CE]) + int(rng.integers(10))) for _ in range(length))
    if sort == 2:
        return "".join(chr(c) for c in rng.integers(32, 127, length))
    return "".join(chr(c) for c in rng.integers(1, 0xD7FF, length))


def hostile_text(rng: np.random.Generator) -> str:
    return pick(rng, HOSTILE_TEXTS) if rng.random() < 0.7 else generated_text(rng)


def truncated(data: bytes, rng: np.random.Generator) -> bytes:
    return data[: int(rng.integers(0, max(len(data), 1)))]


def flipped(data: bytes, rng: np.random.Generator, low: int = 0, high: int | None = None) -> bytes:
    high = len(data) if high is None else min(high, len(data))
    data, places = bytearray(data), sorted(int(p) for p in rng.integers(low, max(high, low + 1), int(rng.integers(1, 6))))
    for place in places:
        if place < len(data):
            data[place] ^= 1 << int(rng.integers(8))
    return bytes(data)


def deep_json(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def link(path: Path, target) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path
