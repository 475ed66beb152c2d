"""Race the network: the rules and the score, as plain Python (no Streamlit), so they are tested without a page.

A round is ROUND_LENGTH real MNIST test digits, uncovered a row at a time in the
browser. The student guesses as early as they dare; each wrong guess adds
PENALTY_ROWS to the rows they needed. The network's row is the row after which
its answer no longer changed (model.insight.settled_row).
"""

from dataclasses import dataclass

import numpy as np

from model.config import NUM_CLASSES, ROWS

ROUND_LENGTH = 10  # digits in a round
ROW_SECONDS = 0.45  # one row uncovered every this many seconds: steady, and quick enough to keep a class racing
PENALTY_ROWS = 2  # rows added for each wrong guess
MISREAD_CHANCE = 0.3  # a round holds one digit the network misreads this often (when there is one to take)
MOST_OF_ONE_DIGIT = 2  # no digit comes up more than twice in a round: by the end, guessing by elimination does not pay

WON, DRAWN, LOST = "won", "drawn", "lost"

LESSON = (
    "What it teaches: a network reading rows commits to an answer only when the rows so far rule the other digits "
    "out, just as you did. A 1 and a 7 share their top; a 4 and a 9 part only near the bottom."
)


@dataclass(frozen=True)
class Candidate:
    """A test digit that may come up in a race: its MNIST test index, true digit and the network's answer."""

    index: int
    label: int
    predicted: int

    @property
    def misread(self) -> bool:
        return self.label != self.predicted


def round_labels(rng: np.random.Generator, available: set[int], length: int = ROUND_LENGTH) -> list[int]:
    """The true digits of a round, in order: mixed, at most MOST_OF_ONE_DIGIT of each where the digits available allow,
    and never all ten once each (the last one would be given away)."""
    digits = [int(d) for d in rng.permutation(sorted(available))]
    distinct = digits[: min(len(digits), length - int(rng.integers(1, 3)))]  # one or two places left for repeats
    labels = list(distinct)
    while len(labels) < length:
        spare = [d for d in distinct if labels.count(d) < MOST_OF_ONE_DIGIT] or distinct
        labels.append(int(rng.choice(spare)))
    return [int(d) for d in rng.permutation(labels)]


def choose_round(candidates: list[Candidate], seed: int, length: int = ROUND_LENGTH) -> list[Candidate]:
    """The round `seed` names: `length` test digits, no one twice, their digits mixed (round_labels); all read correctly
    by the network but for at most one it misreads (in about MISREAD_CHANCE of rounds). Same candidates, same seed: same round."""
    rng = np.random.default_rng(seed)
    correct = [c for c in candidates if not c.misread]
    by_label = {d: [c for c in correct if c.label == d] for d in range(NUM_CLASSES)}
    available = {d for d, each in by_label.items() if each}
    if not available:
        raise ValueError("no test digit the network reads correctly to race")
    chosen = []
    for label in round_labels(rng, available, length):
        pool = [c for c in by_label[label] if c not in chosen] or by_label[label]
        chosen.append(pool[int(rng.integers(len(pool)))])
    labels = [c.label for c in chosen]
    misread = [c for c in candidates if c.misread and c.label in labels]
    if misread and rng.random() < MISREAD_CHANCE:  # it takes the place of a digit of its own: the mix stays as it was
        taken = misread[int(rng.integers(len(misread)))]
        chosen[labels.index(taken.label)] = taken
    return chosen


def parse_guesses(payload) -> list[tuple[int, int]] | None:
    """The guesses a browser sent, [[digit, row], ...], as (digit, row) pairs; None if they are not that.

    Rows are the rows uncovered when the guess was made, 1 to 28, in the order guessed.
    """
    if not isinstance(payload, list) or not 1 <= len(payload) <= NUM_CLASSES:
        return None
    guesses = []
    for guess in payload:
        if not (isinstance(guess, list | tuple) and len(guess) == 2):
            return None
        digit, row = guess
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (digit, row)):
            return None
        if digit not in range(NUM_CLASSES) or row not in range(1, ROWS + 1):
            return None
        guesses.append((digit, row))
    rows = [row for _, row in guesses]
    digits = [digit for digit, _ in guesses]
    if rows != sorted(rows) or len(set(digits)) != len(digits):
        return None
    return guesses


@dataclass(frozen=True)
class DigitResult:
    """One raced digit: when the student knew, when the network did, and who won."""

    label: int  # the true digit
    guessed_at: int  # the row uncovered when the student guessed right (1-28)
    wrong_guesses: tuple[int, ...]  # the digits guessed wrongly first, in order
    network_row: int  # the row after which the network's answer no longer changed (1-28)
    network_answer: int  # what the network read after all 28 rows

    @property
    def penalty(self) -> int:
        return PENALTY_ROWS * len(self.wrong_guesses)

    @property
    def student_row(self) -> int:
        """The rows the student needed, penalties included (may pass 28)."""
        return self.guessed_at + self.penalty

    @property
    def network_misread(self) -> bool:
        return self.network_answer != self.label

    @property
    def network_row_for_wall(self) -> int:
        """The network's row on the class wall: all 28 for a digit it misreads, as it never knew."""
        return ROWS if self.network_misread else self.network_row

    @property
    def verdict(self) -> str:
        if self.network_misread or self.student_row < self.network_row:
            return WON
        return DRAWN if self.student_row == self.network_row else LOST


def score_digit(label: int, guesses: list[tuple[int, int]], network_row: int, network_answer: int) -> DigitResult | None:
    """The result of a digit from the student's guesses, or None if they did not end with the right one."""
    if not guesses or guesses[-1][0] != label or any(digit == label for digit, _ in guesses[:-1]):
        return None
    return DigitResult(
        label=label,
        guessed_at=guesses[-1][1],
        wrong_guesses=tuple(digit for digit, _ in guesses[:-1]),
        network_row=network_row,
        network_answer=network_answer,
    )


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def student_words(result: DigitResult) -> str:
    """The student's part of the sentence ("You knew at row 14"), with the penalty spelled out when there was one."""
    if not result.wrong_guesses:
        return f"You knew at row {result.student_row}"
    wrong = len(result.wrong_guesses)
    guesses = "a wrong guess" if wrong == 1 else f"{wrong} wrong guesses"
    return f"You knew at row {result.student_row} (row {result.guessed_at}, +{result.penalty} for {guesses})"


def result_sentence(result: DigitResult) -> str:
    """Who knew when, and who won: "You knew at row 14 (row 12, +2 for a wrong guess), the network at row 17. ..." """
    if result.network_misread:
        return (
            f"{student_words(result)}; the network never did: it read this {result.label} as a "
            f"{result.network_answer} (its answer settled at row {result.network_row}). You won this one."
        )
    outcome = {WON: "You won this one.", DRAWN: "A draw.", LOST: "The network won this one."}[result.verdict]
    return f"{student_words(result)}, the network at row {result.network_row}. {outcome}"


@dataclass(frozen=True)
class RoundScore:
    won: int
    drawn: int
    lost: int
    student_mean: float  # mean rows the student needed, penalties included
    network_mean: float  # mean rows the network needed (28 for a digit it misread)


def round_score(results: list[DigitResult]) -> RoundScore:
    if not results:
        raise ValueError("a score needs at least one raced digit")
    verdicts = [r.verdict for r in results]
    return RoundScore(
        won=verdicts.count(WON),
        drawn=verdicts.count(DRAWN),
        lost=verdicts.count(LOST),
        student_mean=float(np.mean([r.student_row for r in results])),
        network_mean=float(np.mean([r.network_row_for_wall for r in results])),
    )


def score_sentence(score: RoundScore) -> str:
    """Who took the round, then the counts and the mean rows: "... You won 6, drew 1 and lost 3. You needed ..." """
    counts = f"You won {score.won}, drew {score.drawn} and lost {score.lost}."
    means = f"You needed {score.student_mean:.1f} rows on average, the network {score.network_mean:.1f}."
    if score.won > score.lost:
        overall = "You beat the network!"
    elif score.won < score.lost:
        overall = "The network took this round."
    else:
        overall = "A tie."
    return f"{overall} {counts} {means}"
