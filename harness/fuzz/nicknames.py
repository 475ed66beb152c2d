"""Nicknames a mischievous class types into Share: addresses a browser would link, names that look empty, look-alike
letters and the teacher's name, stacked accents, joined emoji, and names far too long (issue 28).

Each case is the text typed; its entry point shares a digit under it on a fresh wall and opens the wall with the
digit's reading over it (entry_points.py), where it must be refused in words or shown as typed, never as a link.
"""

import functools
from collections.abc import Callable

from harness.fuzz.case import ACCEPT, EITHER, FOREIGN_HOST, REFUSE, short
from harness.fuzz.mutations import hostile_text, pick

LINKABLE = [
    f"www.{FOREIGN_HOST}", f"WWW.{FOREIGN_HOST}", f"a@{FOREIGN_HOST}", f"x.y+z@{FOREIGN_HOST}", f"go http://{FOREIGN_HOST[:5]}",
    f"[hi](//{FOREIGN_HOST})", f"<{FOREIGN_HOST}>", f"mailto:a@{FOREIGN_HOST}", f"x www.{FOREIGN_HOST[:7]}",
]  # fmt: skip
BLANK = ["\u3164", "\u2800", "\u3164\u3164 \u2800", "\u115f\u1160", "\uffa0", "\u200b\u200d\u2060", "\u2800\u0301\u0301"]
LOOK_ALIKE = ["Теасher", "Τeacher", "tеacher", "Раypal", "Gооgle", "Теасһег", "TEACHER: wall closed", "老师", "Admin"]
SOUND = ["Ana", "Zoë", "Nguyễn Văn", "张伟", "さくら", "Ivan Иван", "Tom the 4th", "🇯🇵 Aiko", "\U0001f468\u200d\U0001f469\u200d\U0001f467"]


def _zalgo(rng) -> str:
    marks = "".join(chr(int(c)) for c in rng.integers(0x0300, 0x036F, int(rng.integers(5, 40))))
    return "Z" + marks + pick(rng, ["", "algo", "a" + marks])


def _long(rng) -> str:
    return pick(rng, ["x", "é", "😀", "字"]) * int(pick(rng, [21, 25, 60, 1000, 100_000]))


def _with_link(rng) -> str:
    return pick(rng, ["", "by ", "hi "]) + pick(rng, LINKABLE)


KINDS: list[tuple[Callable, str]] = [
    (_with_link, EITHER), (lambda rng: pick(rng, BLANK), REFUSE), (lambda rng: pick(rng, LOOK_ALIKE), REFUSE),
    (_zalgo, EITHER), (_long, REFUSE), (lambda rng: pick(rng, SOUND), ACCEPT), (lambda rng: hostile_text(rng)[:40], EITHER),
]  # fmt: skip


def _nickname_case(rng, make_text: Callable, expect: str):
    text = make_text(rng)
    return f"nickname {short(repr(text), 80)}", lambda folder: text, expect


def families() -> list[Callable]:
    """The makers of nickname cases, rng -> (what, make, expect), in the order cases() takes them round."""
    return [functools.partial(_nickname_case, make_text=make, expect=expect) for make, expect in KINDS]
