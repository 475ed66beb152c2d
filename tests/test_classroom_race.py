"""The race's rules (classroom/race.py), without a page: penalties, verdicts, a round's score, which digits a round takes."""

import pytest

from classroom import race
from model.config import ROWS


def candidates(per_digit: int = 20, misread: int = 5) -> list[race.Candidate]:
    pool = [race.Candidate(100 * d + n, d, d) for d in range(10) for n in range(per_digit)]
    return pool + [race.Candidate(5000 + n, n % 10, (n + 1) % 10) for n in range(misread)]


def test_a_wrong_guess_costs_its_rows_and_the_verdict_counts_them():
    clean = race.score_digit(7, [(7, 12)], network_row=15, network_answer=7)
    assert (clean.student_row, clean.penalty, clean.verdict) == (12, 0, race.WON)
    penalised = race.score_digit(7, [(1, 5), (9, 10), (7, 12)], network_row=15, network_answer=7)
    assert penalised.wrong_guesses == (1, 9)
    assert penalised.student_row == 12 + 2 * race.PENALTY_ROWS == 16
    assert penalised.verdict == race.LOST
    assert race.score_digit(7, [(4, 9), (7, 13)], network_row=15, network_answer=7).verdict == race.DRAWN


def test_the_sentences_say_who_knew_when():
    won = race.score_digit(4, [(9, 10), (4, 12)], network_row=17, network_answer=4)
    assert race.result_sentence(won) == "You knew at row 14 (row 12, +2 for a wrong guess), the network at row 17. You won this one."
    lost = race.score_digit(4, [(4, 20)], network_row=17, network_answer=4)
    assert race.result_sentence(lost) == "You knew at row 20, the network at row 17. The network won this one."


def test_a_digit_the_network_misreads_is_the_students_and_counts_all_rows_for_the_network():
    result = race.score_digit(4, [(4, 27)], network_row=20, network_answer=9)
    assert result.verdict == race.WON and result.network_row_for_wall == ROWS
    assert "read this 4 as a 9" in race.result_sentence(result)


def test_only_guesses_that_end_with_the_right_digit_score():
    assert race.score_digit(3, [(5, 4)], network_row=10, network_answer=3) is None  # not ended
    assert race.score_digit(3, [], network_row=10, network_answer=3) is None
    assert race.score_digit(3, [(3, 4), (3, 6)], network_row=10, network_answer=3) is None


def test_rows_are_released_one_at_a_time_when_asked_and_never_ahead():
    digit = race.DigitRace(label=5)
    assert not digit.release_row(2) and digit.released == 0  # row 1 first
    assert digit.release_row(1) and digit.release_row(2) and digit.released == 2
    assert not digit.release_row(2) and not digit.release_row(4) and digit.released == 2  # a repeat, a row ahead
    for row in range(3, ROWS + 1):
        assert digit.release_row(row)
    assert not digit.release_row(ROWS + 1) and digit.released == ROWS


def test_a_guess_counts_at_the_row_the_player_had_or_one_before():
    digit = race.DigitRace(label=5)
    assert digit.guess(5, 1) == race.REFUSED  # no row released yet
    for row in range(1, 6):
        digit.release_row(row)
    for claimed in (0, 1, 3, 6, 28):
        assert digit.guess(5, claimed) == race.REFUSED, claimed
    assert not digit.guesses and not digit.over
    assert digit.guess(2, 5) == race.WRONG
    assert digit.guess(2, 5) == race.REPEATED  # the same message again: counted once
    assert digit.guess(3, 4) == race.REFUSED  # never at a row before an earlier guess's
    assert digit.guesses == [(2, 5)]
    assert digit.guess(5, 5) == race.RIGHT and digit.over
    assert digit.guess(7, 5) == race.REFUSED and not digit.release_row(6), "the digit is over"
    result = digit.result(network_row=9, network_answer=5)
    assert (result.label, result.guessed_at, result.wrong_guesses, result.student_row) == (5, 5, (2,), 5 + race.PENALTY_ROWS)


def test_a_digit_not_yet_guessed_has_no_result():
    digit = race.DigitRace(label=5)
    digit.release_row(1)
    digit.guess(4, 1)
    assert digit.result(network_row=9, network_answer=5) is None


GOOD = {"round": 7, "position": 2, "seq": 3}


@pytest.mark.parametrize(
    ("name", "payload"),
    [("finished", {**GOOD, "guesses": [[5, 1]]}), ("row", None), ("row", "7,2"), ("row", [GOOD]), ("row", GOOD),
     ("row", {**GOOD, "row": 0}), ("row", {**GOOD, "row": ROWS + 1}), ("row", {**GOOD, "row": 2.0}),
     ("row", {**GOOD, "row": True}), ("row", {**GOOD, "row": "2"}), ("guess", {**GOOD, "row": 3}),
     ("guess", {**GOOD, "row": 3, "digit": 10}), ("guess", {**GOOD, "row": 3, "digit": -1}),
     ("guess", {**GOOD, "row": 3, "digit": [5]}), ("next", {**GOOD, "seq": 0}), ("next", {**GOOD, "seq": 2**40}),
     ("next", {**GOOD, "position": race.ROUND_LENGTH}), ("next", {**GOOD, "round": -1}), ("next", {**GOOD, "round": 2**64}),
     ("next", {"position": 2, "seq": 3}), ("resume", {"round": "7", "position": 2}), ("row", {**GOOD, "row": 10**400})],
)  # fmt: skip
def test_what_a_player_sends_is_checked(name, payload):
    assert race.read_message(name, payload) is None


def test_good_messages_read():
    assert race.read_message("row", {**GOOD, "row": 4}) == race.Message(race.ROW, 7, 2, 3, row=4)
    assert race.read_message("guess", {**GOOD, "row": 4, "digit": 0, "label": 3}) == race.Message(race.GUESS, 7, 2, 3, 4, 0)
    assert race.read_message("next", GOOD) == race.Message(race.NEXT, 7, 2, 3)
    assert race.read_message("resume", {"round": 7, "position": 2}) == race.Message(race.RESUME, 7, 2)


def test_a_rounds_score_and_sentence():
    results = [
        race.score_digit(1, [(1, 5)], network_row=9, network_answer=1),  # won
        race.score_digit(2, [(2, 9)], network_row=9, network_answer=2),  # drawn
        race.score_digit(3, [(8, 3), (3, 10)], network_row=11, network_answer=3),  # 12 rows: lost
        race.score_digit(4, [(4, 20)], network_row=15, network_answer=9),  # misread: won, 28 for the network
    ]
    score = race.round_score(results)
    assert (score.won, score.drawn, score.lost) == (2, 1, 1)
    assert score.student_mean == pytest.approx((5 + 9 + 12 + 20) / 4)
    assert score.network_mean == pytest.approx((9 + 9 + 11 + 28) / 4)
    assert race.score_sentence(score) == (
        "You beat the network! You won 2, drew 1 and lost 1. You needed 11.5 rows on average, the network 14.2."
    )


def test_a_round_is_reproducible_mixed_and_mostly_read_correctly():
    pool = candidates()
    rounds = [race.choose_round(pool, seed) for seed in range(200)]
    assert race.choose_round(pool, 7) == race.choose_round(pool, 7)
    assert len({tuple(c.index for c in chosen) for chosen in rounds}) > 190  # each seed its own round
    for chosen in rounds:
        labels = [c.label for c in chosen]
        assert len(chosen) == race.ROUND_LENGTH and len({c.index for c in chosen}) == race.ROUND_LENGTH
        assert len(set(labels)) >= 6 and len(set(labels)) < 10  # mixed, and the last digit is never given away
        assert sum(c.misread for c in chosen) <= 1
    with_misread = sum(any(c.misread for c in chosen) for chosen in rounds) / len(rounds)
    assert 0.15 < with_misread < 0.45  # about MISREAD_CHANCE of rounds


def test_a_round_from_a_small_gallery_still_mixes():
    pool = [race.Candidate(d * 10 + n, d, d) for d in (1, 4, 7) for n in range(5)]
    chosen = race.choose_round(pool, 3)
    assert {c.label for c in chosen} == {1, 4, 7} and len({c.index for c in chosen}) == race.ROUND_LENGTH
