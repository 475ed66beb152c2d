"""The class wall's store (classroom/wall.py), without a page: sharing, bounds, clearing, nicknames and race results."""

import numpy as np
import pytest

from classroom.wall import MAX_SHARED, NICKNAME_LIMIT, ClassWall, NicknameError, clean_nickname, race_table
from tests.class_digits import picture, reading


def test_a_shared_digit_keeps_its_picture_answer_and_the_row_it_settled_on():
    store = ClassWall(clock=lambda: 1000.0)
    digit, new = store.share(picture(0), reading(7, 0.93, changes_at=12), nickname="  Ana  ", drawn_as=7, sharer="a")
    assert new and digit.number == 1 and digit.nickname == "Ana"
    assert (digit.answer, round(digit.confidence, 2), digit.settled_row) == (7, 0.93, 12)
    assert digit.image.dtype == np.uint8 and np.allclose(digit.ink, picture(0), atol=1 / 255)
    assert not digit.misread and not digit.unsure and digit.shared_at == 1000.0
    assert store.digits() == [digit]


def test_misread_and_unsure_are_counted_apart_from_sure_right_answers():
    store = ClassWall()
    store.share(picture(0), reading(4, 0.99), drawn_as=9)
    store.share(picture(1), reading(4, 0.55))
    store.share(picture(2), reading(4, 0.99), drawn_as=4)
    misread, unsure, right = reversed(store.digits())
    assert misread.misread and unsure.unsure and not (right.misread or right.unsure)


def test_one_browser_shares_one_picture_once_but_another_browser_may_share_it_too():
    store = ClassWall()
    first, _ = store.share(picture(0), reading(1, 0.9), sharer="a")
    again, new = store.share(picture(0), reading(1, 0.9), sharer="a")
    assert (again, new) == (first, False)
    _, new = store.share(picture(0), reading(1, 0.9), sharer="b")
    assert new and len(store.digits()) == 2


def test_the_wall_keeps_the_latest_digits_only_and_numbers_are_not_reused():
    store = ClassWall(limit=MAX_SHARED)
    for seed in range(MAX_SHARED + 25):
        store.share(picture(seed), reading(seed % 10, 0.9), sharer="a")
    digits = store.digits()
    assert len(digits) == MAX_SHARED
    assert [d.number for d in digits] == list(range(MAX_SHARED + 25, 25, -1))  # newest first
    assert store.digit(1) is None and store.digit(MAX_SHARED + 25) is digits[0]
    _, new = store.share(picture(0), reading(0, 0.9), sharer="a")  # it fell off the wall: sharing it again is new
    assert new


def test_clearing_takes_everything_off_and_changes_the_version():
    store = ClassWall()
    store.share(picture(0), reading(1, 0.9))
    store.record_race(1, 9, 12)
    version = store.version
    assert store.clear() == 1
    assert store.digits() == [] and store.race_results() == [] and store.version != version


@pytest.mark.parametrize("bad", [np.zeros((28, 27)), np.full((28, 28), np.nan)], ids=["wrong-shape", "not-a-number"])
def test_a_picture_that_is_not_28_by_28_is_refused(bad):
    with pytest.raises(ValueError):
        ClassWall().share(bad, reading(1, 0.9))


def test_nicknames_are_at_most_twenty_characters_once_spaces_and_invisible_characters_are_dropped():
    assert clean_nickname(None) == ""
    assert clean_nickname(" Ana\u200b \n  B\x00 ") == "Ana B"
    assert clean_nickname("x" * NICKNAME_LIMIT) == "x" * NICKNAME_LIMIT
    with pytest.raises(NicknameError, match="at most 20 characters"):
        clean_nickname("x" * (NICKNAME_LIMIT + 1))


def test_race_results_are_averaged_per_digit():
    store = ClassWall()
    for label, student, network in [(3, 10, 14), (3, 14, 16), (7, 20, 9)]:
        store.record_race(label, student, network)
    assert race_table(store.race_results()) == {3: (2, 12.0, 15.0), 7: (1, 20.0, 9.0)}
    with pytest.raises(ValueError):
        store.record_race(10, 5, 5)
