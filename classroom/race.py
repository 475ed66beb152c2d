"""Race the network: the rules and the score, as plain Python (no Streamlit), so they are tested without a page.

A round is ROUND_LENGTH real MNIST test digits, uncovered a row at a time in the
browser. The student guesses as early as they dare; each wrong guess adds
PENALTY_ROWS to the rows they needed. The network's row is the row after which
its answer no longer changed (model.insight.settled_row).

The server alone knows a digit's rows and its label (DigitRace): it sends a row
only when the player asks for the next one, and judges each guess at the row the
player had, so a browser can neither read ahead nor claim a row it never reached.
What a player sends is read by read_message, which refuses anything malformed.
"""

from dataclasses import dataclass, field

import numpy as np

from i18n import N_, _, ngettext, number
from model.config import NUM_CLASSES, ROWS

ROUND_LENGTH = 10  # digits in a round
ROW_SECONDS = 0.45  # one row uncovered every this many seconds: steady, and quick enough to keep a class racing
PENALTY_ROWS = 2  # rows added for each wrong guess
MISREAD_CHANCE = 0.3  # a round holds one digit the network misreads this often (when there is one to take)
MOST_OF_ONE_DIGIT = 2  # no digit comes up more than twice in a round: by the end, guessing by elimination does not pay

WON, DRAWN, LOST = "won", "drawn", "lost"
VERDICT_WORDS = {WON: N_("won"), DRAWN: N_("drawn"), LOST: N_("lost")}  # a verdict as a results table shows it, translated
RIGHT, WRONG, REFUSED, REPEATED = "right", "wrong", "refused", "repeated"  # what became of a guess
ROW, GUESS, NEXT, RESUME = "row", "guess", "next", "resume"  # what a player sends (read_message)
MAX_MESSAGE_NUMBER = 2**31  # a player numbers its messages from 1; the server says back the latest it heard
MAX_ROUND_ID = 2**32  # a round's seed

LESSON = N_(
    "What it teaches: a network reading rows commits to an answer only when the rows so far rule the other digits "
    "out, just as you did. A 1 and a 7 share their top; a 4 and a 9 part only near the bottom."
)  # shown through i18n._


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


def _knew(result: DigitResult) -> str:
    """Who knew when, the student first, in one sentence: "You knew at row 14 (row 12, +2 for a wrong guess), the
    network at row 17." (the penalty spelled out when there was one), or, where the network misread the digit, that it
    never did."""
    rows = {"row": result.student_row, "network_row": result.network_row, "label": result.label, "answer": result.network_answer}
    wrong = len(result.wrong_guesses)
    if result.network_misread and not wrong:
        sentence = _(
            "You knew at row {row}; the network never did: it read this {label} as a {answer} (its answer settled at row {network_row})."
        )
    elif result.network_misread:
        sentence = ngettext(
            "You knew at row {row} (row {guessed}, +{penalty} for a wrong guess); the network never did: it read this "
            "{label} as a {answer} (its answer settled at row {network_row}).",
            "You knew at row {row} (row {guessed}, +{penalty} for {count} wrong guesses); the network never did: it read "
            "this {label} as a {answer} (its answer settled at row {network_row}).",
            wrong,
        )
    elif not wrong:
        sentence = _("You knew at row {row}, the network at row {network_row}.")
    else:
        sentence = ngettext(
            "You knew at row {row} (row {guessed}, +{penalty} for a wrong guess), the network at row {network_row}.",
            "You knew at row {row} (row {guessed}, +{penalty} for {count} wrong guesses), the network at row {network_row}.",
            wrong,
        )
    return sentence.format(**rows, guessed=result.guessed_at, penalty=result.penalty, count=wrong)


FULL_WIDTH_ENDS = ("。", "！", "？", "）")  # a Chinese or Japanese sentence's end: the next follows with no space


def sentences(*parts: str) -> str:
    """Sentences one after another, as their language writes them: a space after an English one, none after a Chinese or
    Japanese one."""
    text = ""
    for part in parts:
        text += part if not text or text.endswith(FULL_WIDTH_ENDS) else f" {part}"
    return text


OUTCOMES = {WON: N_("You won this one."), DRAWN: N_("A draw."), LOST: N_("The network won this one.")}


def result_sentence(result: DigitResult) -> str:
    """Who knew when, and who won: "You knew at row 14 (row 12, +2 for a wrong guess), the network at row 17. ..." """
    return sentences(_knew(result), _(OUTCOMES[result.verdict]))


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
    counts = _("You won {won}, drew {drawn} and lost {lost}.").format(won=score.won, drawn=score.drawn, lost=score.lost)
    means = _("You needed {rows} rows on average, the network {network_rows}.").format(
        rows=number(score.student_mean, 1), network_rows=number(score.network_mean, 1)
    )
    if score.won > score.lost:
        overall = _("You beat the network!")
    elif score.won < score.lost:
        overall = _("The network took this round.")
    else:
        overall = _("A tie.")
    return sentences(overall, counts, means)


# --- a digit being raced, on the server ---------------------------------------------------------------------------


def _whole(value, low: int, high: int) -> int | None:
    """`value` if it is a whole number (not a bool) from low to high, else None."""
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return None


@dataclass
class DigitRace:
    """One digit as the server races it: the rows released so far, one at a time when the player asks, and the guesses.

    A guess counts at the row the player says it had, accepted only if that is the rows released or one fewer (the
    player may have asked for the next row just before the student guessed), and never before an earlier guess. Anything
    else is refused and nothing is recorded. The label is the server's until the right guess.
    """

    label: int
    released: int = 0  # rows sent to the player: it holds rows 1 to `released`, nothing below
    guesses: list[tuple[int, int]] = field(default_factory=list)  # (digit, row), in the order guessed
    heard: int = 0  # the number of the latest message from the player about this digit

    @property
    def over(self) -> bool:
        return any(digit == self.label for digit, _ in self.guesses)

    def release_row(self, row: int) -> bool:
        """Send row `row` if it is the next one and the race is on; False (nothing changes) otherwise."""
        if self.over or row != self.released + 1 or row > ROWS:
            return False
        self.released = row
        return True

    def guess(self, digit: int, claimed_row: int) -> str:
        """RIGHT or WRONG, recorded; REPEATED for a digit guessed already (a message sent again); REFUSED for a row the
        player cannot have had, a guess before any row, or after the right one."""
        if any(guessed == digit for guessed, _ in self.guesses):
            return REPEATED
        if self.over or self.released < 1 or not max(1, self.released - 1) <= claimed_row <= self.released:
            return REFUSED
        if self.guesses and claimed_row < self.guesses[-1][1]:
            return REFUSED
        self.guesses.append((digit, claimed_row))
        return RIGHT if digit == self.label else WRONG

    def result(self, network_row: int, network_answer: int) -> DigitResult | None:
        return score_digit(self.label, self.guesses, network_row, network_answer) if self.over else None


@dataclass(frozen=True)
class Message:
    """What a player sent, checked: which digit of which round it is about, its number, and a row or a guess."""

    name: str  # ROW, GUESS, NEXT or RESUME
    round: int
    position: int
    number: int = 0  # 0 for RESUME, which is not answered
    row: int = 0  # ROW: the row asked for; GUESS: the row the player had when the student guessed
    digit: int = -1  # GUESS only


def read_message(name: str, payload) -> Message | None:
    """A player's message as a Message, or None for anything else: an unknown name, a missing or out-of-range field."""
    if name not in (ROW, GUESS, NEXT, RESUME) or not isinstance(payload, dict):
        return None
    round_id, position = _whole(payload.get("round"), 0, MAX_ROUND_ID), _whole(payload.get("position"), 0, ROUND_LENGTH - 1)
    if round_id is None or position is None:
        return None
    if name == RESUME:
        return Message(name, round_id, position)
    number = _whole(payload.get("seq"), 1, MAX_MESSAGE_NUMBER)
    row = _whole(payload.get("row"), 1, ROWS) if name in (ROW, GUESS) else 0
    digit = _whole(payload.get("digit"), 0, NUM_CLASSES - 1) if name == GUESS else -1
    if number is None or row is None or digit is None:
        return None
    return Message(name, round_id, position, number, row, digit)
