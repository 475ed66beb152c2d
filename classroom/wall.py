"""The class wall's memory: the digits students share, and their race results, for everyone on this server.

Kept in the server's memory only, bounded (the latest MAX_SHARED digits and
MAX_RACE_RESULTS results) and gone after a clear or a restart: nothing is
written to disk. A shared digit is its 28x28 image, the network's answer and
an optional nickname (classroom/nicknames.py); nothing else about the student
is kept. One browser shares at most once every SHARE_GAP_S and holds at most
TILES_PER_BROWSER tiles, and records at most RACES_PER_BROWSER race results,
so that one student cannot push the class off the wall or fill its race table;
the teacher takes a single tile off, or hides every nickname. Plain Python, so
it is tested without a page; the one instance every session shares is
views/parts/class_wall.py's shared_wall().
"""

import hashlib
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from classroom.nicknames import clean_nickname
from i18n import _
from model.config import NUM_CLASSES, ROW_WIDTH, ROWS
from model.insight import settled_row
from model.xray import Reading

TILES_PER_BROWSER = 10  # a student's digits on the wall at once
TILES_PER_ADDRESS = 30  # from one network address, however many fresh sessions a script opens there
MAX_SHARED = 300  # digits on the wall: a class of thirty with ten each, so no student's digit pushes out another's
SHARE_GAP_S = 5.0  # one share per browser this often: time to look at the wall between two
MAX_RACE_RESULTS = 3_000  # race digits remembered: thirty students, ten rounds of ten
RACES_PER_BROWSER = 100  # race digits one browser adds to the class's table: ten rounds
REMEMBERED_BROWSERS = 5_000  # browsers whose last share and race count are kept: a class many times over, bounded
UNSURE_BELOW = 0.8  # an answer less sure than this counts as unsure on the wall


class ShareRefused(ValueError):
    """A share the wall does not take from this browser now; the message says why and what to do, in words, in the
    sharer's language."""


@dataclass(frozen=True)
class SharedDigit:
    number: int  # 1, 2, 3 ... in the order shared; not reused until the server restarts
    image: np.ndarray  # (28, 28) uint8: all of the picture that is kept
    answer: int  # what the network read
    confidence: float  # how sure it was, 0-1
    settled_row: int  # the row (1-28) after which its answer no longer changed
    nickname: str  # "" when the student gave none
    drawn_as: int | None  # the digit the student meant (a test digit's true label), when known
    shared_at: float  # seconds since the epoch

    @property
    def misread(self) -> bool:
        return self.drawn_as is not None and self.drawn_as != self.answer

    @property
    def unsure(self) -> bool:
        return self.confidence < UNSURE_BELOW

    @property
    def ink(self) -> np.ndarray:
        """(28, 28) float32 in [0, 1], as the network reads it."""
        return self.image.astype(np.float32) / np.float32(255)


@dataclass(frozen=True)
class RaceResult:
    label: int  # the true digit raced
    student_row: int  # rows the student needed, penalties included
    network_row: int  # the row after which the network settled


def _as_uint8(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, np.float32)
    if image.shape != (ROWS, ROW_WIDTH) or not np.isfinite(image).all():
        raise ValueError(f"a shared digit is a {ROWS}x{ROW_WIDTH} picture")
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


class _Origin(NamedTuple):
    """Where a digit on the wall came from: kept beside it, never shown."""

    sharer: str  # the browser, "" for nobody's
    address: str | None  # the device's network address, where known
    picture: bytes  # a fingerprint of its 28x28 picture


class _Browsers:
    """Per browser: when it last shared and how many race results it added, for the REMEMBERED_BROWSERS latest."""

    def __init__(self):
        self.last_share: OrderedDict[str, float] = OrderedDict()
        self.races: OrderedDict[str, int] = OrderedDict()

    @staticmethod
    def note(table: OrderedDict, browser: str, value) -> None:
        table[browser] = value
        table.move_to_end(browser)
        while len(table) > REMEMBERED_BROWSERS:
            table.popitem(last=False)


class ClassWall:
    """Thread-safe: thirty sessions share and one wall reads at the same time. The clock is a parameter for tests.

    `sharer` and `racer` name a browser (views/parts/session.py browser_id); "" is nobody's, and is not limited.
    """

    def __init__(
        self,
        limit: int = MAX_SHARED,
        race_limit: int = MAX_RACE_RESULTS,
        clock: Callable[[], float] = time.time,
        share_gap_s: float = SHARE_GAP_S,
    ):
        self._lock = threading.Lock()
        self._clock = clock
        self._share_gap_s = share_gap_s
        self._digits: deque[SharedDigit] = deque(maxlen=limit)
        self._races: deque[RaceResult] = deque(maxlen=race_limit)
        self._origins: dict[int, _Origin] = {}  # number -> where each digit on the wall came from
        self._taken_off: set[bytes] = set()  # pictures the teacher took off: not shared again until the wall is cleared
        self._browsers = _Browsers()
        self._names_hidden = False
        self._next_number = 1
        self._version = 0

    @property
    def version(self) -> int:
        """Changes whenever the wall does: a page redraws the wall only when it has."""
        return self._version

    @property
    def names_hidden(self) -> bool:
        """Whether the teacher hid every nickname: the tiles show none while it is so."""
        return self._names_hidden

    def share(
        self,
        image: np.ndarray,
        reading: Reading,
        *,
        nickname: str = "",
        drawn_as: int | None = None,
        sharer: str = "",
        address: str | None = None,
    ) -> tuple[SharedDigit, bool]:
        """Put a digit on the wall; (the digit, True), or (the one already there, False) if that picture is on it.

        NicknameError for a nickname the wall does not show; ShareRefused when this browser shares too often, holds
        TILES_PER_BROWSER already (or its network address TILES_PER_ADDRESS), or shares a picture the teacher took off;
        ValueError for a picture that is not 28x28.
        """
        nickname = clean_nickname(nickname)
        pixels = _as_uint8(image)
        if drawn_as is not None and drawn_as not in range(NUM_CLASSES):
            raise ValueError("the digit meant is 0 to 9")
        fingerprint = hashlib.blake2b(pixels.tobytes(), digest_size=16).digest()
        with self._lock:
            already = next((d for d in self._digits if self._origins[d.number].picture == fingerprint), None)
            if already is not None:
                return already, False
            origin = _Origin(sharer, address, fingerprint)
            self._refuse_share(origin)
            digit = SharedDigit(
                number=self._next_number,
                image=pixels,
                answer=reading.digit,
                confidence=reading.confidence,
                settled_row=settled_row(reading.step_probs, pixels),  # counted from its first ink
                nickname=nickname,
                drawn_as=drawn_as,
                shared_at=self._clock(),
            )
            if len(self._digits) == self._digits.maxlen:
                self._forget(self._digits[0].number)
            self._digits.append(digit)
            self._origins[digit.number] = origin
            if sharer:
                self._browsers.note(self._browsers.last_share, sharer, digit.shared_at)
            self._next_number += 1
            self._version += 1
            return digit, True

    def _forget(self, number: int) -> bytes:
        """A digit leaves the wall: who shared it no longer counts it. Its picture's fingerprint (the lock held)."""
        return self._origins.pop(number).picture

    def _shared_by(self, sharer: str) -> int:
        """How many digits on the wall this browser shared (the lock held)."""
        return sum(origin.sharer == sharer for origin in self._origins.values())

    def _refuse_share(self, origin: _Origin) -> None:
        """ShareRefused, in words, if this share may not go on the wall now (the lock held)."""
        if origin.picture in self._taken_off:
            raise ShareRefused(_("The teacher took this digit off the wall, so it cannot be shared again. Draw another one!"))
        if origin.address and sum(o.address == origin.address for o in self._origins.values()) >= TILES_PER_ADDRESS:
            raise ShareRefused(
                _("This device has {count} digits on the class wall, the most one device may have.").format(count=TILES_PER_ADDRESS)
            )
        if not origin.sharer:
            return
        wait = self._browsers.last_share.get(origin.sharer, -math.inf) + self._share_gap_s - self._clock()
        if wait > 0:
            raise ShareRefused(
                _("You shared a digit just now. Please wait {seconds} s before sharing the next one.").format(seconds=math.ceil(wait))
            )
        if self._shared_by(origin.sharer) >= TILES_PER_BROWSER:
            raise ShareRefused(
                _(
                    "You have {count} digits on the class wall, the most one student may have. "
                    "Ask your teacher to take one off, or to clear the wall."
                ).format(count=TILES_PER_BROWSER)
            )

    def digits(self) -> list[SharedDigit]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._digits))

    def digit(self, number: int) -> SharedDigit | None:
        with self._lock:
            return next((digit for digit in self._digits if digit.number == number), None)

    def take_off(self, number: int, everything_from_its_sharer: bool = False) -> int:
        """The teacher takes a digit off the wall for good (its picture cannot be shared again), or every digit of the
        browser that shared it; how many went."""
        with self._lock:
            if number not in self._origins:
                return 0
            sharer = self._origins[number].sharer if everything_from_its_sharer else ""
            going = [d for d in self._digits if d.number == number or (sharer and self._origins[d.number].sharer == sharer)]
            for digit in going:
                self._digits.remove(digit)
                self._taken_off.add(self._forget(digit.number))
            self._version += bool(going)
            return len(going)

    def shared_by_the_same(self, number: int) -> int:
        """How many digits on the wall the browser that shared this one shared (1 if it is unknown)."""
        with self._lock:
            origin = self._origins.get(number)
            return self._shared_by(origin.sharer) if origin and origin.sharer else 1

    def hide_names(self, hidden: bool) -> None:
        """Hide every nickname on the wall, or show them again: the digits stay."""
        with self._lock:
            if self._names_hidden != hidden:
                self._names_hidden = hidden
                self._version += 1

    def clear(self) -> int:
        """Take every digit and race result off the wall; returns how many digits there were."""
        with self._lock:
            cleared = len(self._digits)
            self._digits.clear()
            self._races.clear()
            self._origins.clear()
            self._taken_off.clear()
            self._browsers = _Browsers()
            self._version += 1
            return cleared

    def record_race(self, label: int, student_row: int, network_row: int, racer: str = "") -> bool:
        """One raced digit, anonymously: the class's rows against the network's, per digit, on the wall.

        False, and nothing recorded, once this browser has added RACES_PER_BROWSER results since the wall was cleared."""
        if label not in range(NUM_CLASSES) or not all(isinstance(row, int) and row >= 1 for row in (student_row, network_row)):
            raise ValueError("a race result is a digit 0-9 and two row counts from 1")
        with self._lock:
            raced = self._browsers.races.get(racer, 0)
            if racer and raced >= RACES_PER_BROWSER:
                return False
            self._races.append(RaceResult(label, student_row, network_row))
            if racer:
                self._browsers.note(self._browsers.races, racer, raced + 1)
            self._version += 1
            return True

    def race_results(self) -> list[RaceResult]:
        with self._lock:
            return list(self._races)


def race_table(results: list[RaceResult]) -> dict[int, tuple[int, float, float]]:
    """Per digit raced: (how many races, the class's mean row, the network's mean row)."""
    table = {}
    for label in range(NUM_CLASSES):
        rows = [(r.student_row, r.network_row) for r in results if r.label == label]
        if rows:
            students, network = zip(*rows, strict=True)
            table[label] = (len(rows), float(np.mean(students)), float(np.mean(network)))
    return table
