"""The class wall's memory: the digits students share, and their race results, for everyone on this server.

Kept in the server's memory only, bounded (the latest MAX_SHARED digits and
MAX_RACE_RESULTS results) and gone after a clear or a restart: nothing is
written to disk. A shared digit is its 28x28 image, the network's answer and
an optional nickname; nothing else about the student is kept. Plain Python,
so it is tested without a page; the one instance every session shares is
views/parts/class_wall.py's shared_wall().
"""

import hashlib
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.config import NUM_CLASSES, ROW_WIDTH, ROWS
from model.insight import settled_row
from model.xray import Reading

MAX_SHARED = 200  # digits on the wall: a class of thirty sharing six each
MAX_RACE_RESULTS = 3_000  # race digits remembered: thirty students, ten rounds of ten
NICKNAME_LIMIT = 20  # characters
UNSURE_BELOW = 0.8  # an answer less sure than this counts as unsure on the wall


class NicknameError(ValueError):
    """A nickname that cannot go on the wall; the message says why, in words for a student."""


def clean_nickname(text: str | None) -> str:
    """The nickname as it will be shown: spaces collapsed, invisible characters dropped; "" for none."""
    visible = "".join(ch for ch in str(text or "") if unicodedata.category(ch)[0] != "C")
    nickname = " ".join(visible.split())
    if len(nickname) > NICKNAME_LIMIT:
        raise NicknameError(f"A nickname is at most {NICKNAME_LIMIT} characters; this one has {len(nickname)}.")
    return nickname


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


class ClassWall:
    """Thread-safe: thirty sessions share and one wall reads at the same time. The clock is a parameter for tests."""

    def __init__(self, limit: int = MAX_SHARED, race_limit: int = MAX_RACE_RESULTS, clock: Callable[[], float] = time.time):
        self._lock = threading.Lock()
        self._clock = clock
        self._digits: deque[SharedDigit] = deque(maxlen=limit)
        self._races: deque[RaceResult] = deque(maxlen=race_limit)
        self._sharers: dict[int, tuple[str, bytes]] = {}  # number -> (who, picture): one picture is shared once by one browser
        self._next_number = 1
        self._version = 0

    @property
    def version(self) -> int:
        """Changes whenever the wall does: a page redraws the wall only when it has."""
        return self._version

    def share(
        self, image: np.ndarray, reading: Reading, *, nickname: str = "", drawn_as: int | None = None, sharer: str = ""
    ) -> tuple[SharedDigit, bool]:
        """Put a digit on the wall; (the digit, True), or (the one already there, False) if this browser shared it before.

        NicknameError for a nickname that is too long; ValueError for a picture that is not 28x28.
        """
        nickname = clean_nickname(nickname)
        pixels = _as_uint8(image)
        if drawn_as is not None and drawn_as not in range(NUM_CLASSES):
            raise ValueError("the digit meant is 0 to 9")
        fingerprint = hashlib.blake2b(pixels.tobytes(), digest_size=16).digest()
        with self._lock:
            for digit in self._digits:
                if self._sharers.get(digit.number) == (sharer, fingerprint):
                    return digit, False
            digit = SharedDigit(
                number=self._next_number,
                image=pixels,
                answer=reading.digit,
                confidence=reading.confidence,
                settled_row=settled_row(reading.step_probs),
                nickname=nickname,
                drawn_as=drawn_as,
                shared_at=self._clock(),
            )
            if len(self._digits) == self._digits.maxlen:
                self._sharers.pop(self._digits[0].number, None)
            self._digits.append(digit)
            self._sharers[digit.number] = (sharer, fingerprint)
            self._next_number += 1
            self._version += 1
            return digit, True

    def digits(self) -> list[SharedDigit]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._digits))

    def digit(self, number: int) -> SharedDigit | None:
        with self._lock:
            return next((digit for digit in self._digits if digit.number == number), None)

    def clear(self) -> int:
        """Take every digit and race result off the wall; returns how many digits there were."""
        with self._lock:
            cleared = len(self._digits)
            self._digits.clear()
            self._races.clear()
            self._sharers.clear()
            self._version += 1
            return cleared

    def record_race(self, label: int, student_row: int, network_row: int) -> None:
        """One raced digit, anonymously: the class's rows against the network's, per digit, on the wall."""
        if label not in range(NUM_CLASSES) or not all(isinstance(row, int) and row >= 1 for row in (student_row, network_row)):
            raise ValueError("a race result is a digit 0-9 and two row counts from 1")
        with self._lock:
            self._races.append(RaceResult(label, student_row, network_row))
            self._version += 1

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
