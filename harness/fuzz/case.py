"""A case, what came of it, and the words for both: shared by every kind, so that results group and count alike."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "app.py"
TRAIN_PAGE = "views/pages/train.py"
WALL_PAGE = REPO_ROOT / "views" / "pages" / "wall.py"
CASE_TIMEOUT_S = 120  # bounds a hang, far above any case's own time; never a measure of speed
FOREIGN_HOST = "example.invalid"  # where injected links point: they must never reach a page as links
MESSAGE, SAFE, FAILURE, SKIPPED = "message", "safe", "failure", "skipped"
REFUSE, EITHER, ACCEPT = "refuse", "either", "accept"  # what a case must get: a message, either, or a result


@dataclass(frozen=True)
class Case:
    kind: str
    name: str  # says what was done to the sound input, enough to make it again
    make: Callable[[Path], object]  # builds the input in an empty scratch folder; returns what the entry point takes
    expect: str = REFUSE  # REFUSE: bad for certain, so a result is a failure too; EITHER; ACCEPT: a sound input


@dataclass(frozen=True)
class Outcome:
    verdict: str  # MESSAGE, SAFE, FAILURE or SKIPPED
    cause: str = ""  # a failure's kind, to group by ("raised RecursionError", "message shows a server path")
    detail: str = ""  # what was seen: the message, the exception, the result


def short(text: str, limit: int = 240) -> str:
    """One line of at most `limit` characters: case names and details stay readable in a list of hundreds."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
