"""The class wall's store (classroom/wall.py), without a page: sharing, bounds, limits per browser, the teacher's
controls, clearing and race results (the nicknames' rules: tests/test_nicknames.py)."""

import numpy as np
import pytest

from classroom.nicknames import NICKNAME_LIMIT, NicknameError, clean_nickname
from classroom.wall import (
    MAX_SHARED,
    RACES_PER_BROWSER,
    SHARE_GAP_S,
    TILES_PER_ADDRESS,
    TILES_PER_BROWSER,
    ClassWall,
    ShareRefused,
    race_table,
)
from tests.class_digits import picture, reading


class Clock:
    """A clock the test moves: the limits per browser are in seconds, and no test waits them out."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


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


def test_one_picture_is_one_tile_whichever_browser_shares_it():
    """Five fresh sessions sharing the same picture made five tiles (issue 28)."""
    store = ClassWall()
    first, _ = store.share(picture(0), reading(1, 0.9), sharer="a")
    for sharer in ["a", "b", "c", "d", "e"]:
        again, new = store.share(picture(0), reading(1, 0.9), sharer=sharer)
        assert (again, new) == (first, False)
    assert len(store.digits()) == 1


def test_one_browser_shares_once_every_few_seconds_and_is_told_how_long_to_wait():
    clock = Clock()
    store = ClassWall(clock=clock)
    store.share(picture(0), reading(1, 0.9), sharer="a")
    clock.now += SHARE_GAP_S - 1.5
    with pytest.raises(ShareRefused, match="wait 2 s"):
        store.share(picture(1), reading(1, 0.9), sharer="a")
    store.share(picture(2), reading(1, 0.9), sharer="b")  # another student is not held up
    clock.now += 1.5
    _, new = store.share(picture(1), reading(1, 0.9), sharer="a")
    assert new and len(store.digits()) == 3


def test_one_browser_holds_at_most_ten_tiles_and_cannot_push_the_class_off_the_wall():
    """One client shared 296 drawings in 16 s and pushed every classmate's digit off the wall (issue 28)."""
    clock = Clock()
    store = ClassWall(clock=clock)
    honest, _ = store.share(picture(1000), reading(3, 0.9), sharer="honest")
    for seed in range(TILES_PER_BROWSER):
        clock.now += SHARE_GAP_S
        store.share(picture(seed), reading(seed % 10, 0.9), sharer="flood")
    for seed in range(TILES_PER_BROWSER, 300):
        clock.now += SHARE_GAP_S
        with pytest.raises(ShareRefused, match=f"You have {TILES_PER_BROWSER} digits on the class wall"):
            store.share(picture(seed), reading(seed % 10, 0.9), sharer="flood")
    assert store.digit(honest.number) == honest and len(store.digits()) == TILES_PER_BROWSER + 1
    assert MAX_SHARED >= 30 * TILES_PER_BROWSER  # a class of thirty, each with all their tiles, pushes no one off


def test_fresh_sessions_from_one_device_hold_at_most_thirty_tiles():
    """A script opening a fresh session for every share is one device still, where its address is known."""
    store = ClassWall()
    for seed in range(TILES_PER_ADDRESS):
        store.share(picture(seed), reading(1, 0.9), sharer=f"fresh {seed}", address="10.0.0.7")
    with pytest.raises(ShareRefused, match=f"This device has {TILES_PER_ADDRESS} digits"):
        store.share(picture(99), reading(1, 0.9), sharer="fresh 99", address="10.0.0.7")
    _, new = store.share(picture(100), reading(1, 0.9), sharer="another", address="10.0.0.8")
    assert new


def test_the_teacher_takes_every_digit_of_a_flooding_browser_off_at_once():
    clock = Clock()
    store = ClassWall(clock=clock)
    for seed in range(4):
        clock.now += SHARE_GAP_S
        store.share(picture(seed), reading(1, 0.9), sharer="flood")
    kept, _ = store.share(picture(10), reading(2, 0.9), sharer="honest")
    assert store.shared_by_the_same(1) == 4 and store.shared_by_the_same(kept.number) == 1
    assert store.take_off(2, everything_from_its_sharer=True) == 4 and store.digits() == [kept]


def test_the_teacher_takes_one_digit_off_for_good_and_can_hide_every_nickname():
    clock = Clock()
    store = ClassWall(clock=clock)
    rude, _ = store.share(picture(0), reading(1, 0.9), nickname="rude", sharer="a")
    kept, _ = store.share(picture(1), reading(2, 0.9), nickname="Ana", sharer="b")
    version = store.version
    assert store.take_off(rude.number) and store.digits() == [kept] and store.version != version
    assert not store.take_off(rude.number)  # gone already: nothing happens
    with pytest.raises(ShareRefused, match="took this digit off"):
        store.share(picture(0), reading(1, 0.9), sharer="c")
    clock.now += SHARE_GAP_S
    _, new = store.share(picture(2), reading(1, 0.9), sharer="a")
    assert new
    version = store.version
    store.hide_names(True)
    assert store.names_hidden and store.version != version and store.digit(kept.number).nickname == "Ana"
    store.hide_names(False)
    assert not store.names_hidden


def test_the_wall_keeps_the_latest_digits_only_and_numbers_are_not_reused():
    store = ClassWall(limit=MAX_SHARED)
    for seed in range(MAX_SHARED + 25):
        store.share(picture(seed), reading(seed % 10, 0.9), sharer=f"student {seed}")
    digits = store.digits()
    assert len(digits) == MAX_SHARED
    assert [d.number for d in digits] == list(range(MAX_SHARED + 25, 25, -1))  # newest first
    assert store.digit(1) is None and store.digit(MAX_SHARED + 25) is digits[0]
    _, new = store.share(picture(0), reading(0, 0.9), sharer="z")  # it fell off the wall: sharing it again is new
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


def test_a_nickname_the_wall_does_not_show_refuses_the_share():
    with pytest.raises(NicknameError):
        ClassWall().share(picture(0), reading(1, 0.9), nickname="\u3164\u3164")
    assert clean_nickname("x" * NICKNAME_LIMIT) == "x" * NICKNAME_LIMIT


def test_race_results_are_averaged_per_digit():
    store = ClassWall()
    for label, student, network in [(3, 10, 14), (3, 14, 16), (7, 20, 9)]:
        store.record_race(label, student, network)
    assert race_table(store.race_results()) == {3: (2, 12.0, 15.0), 7: (1, 20.0, 9.0)}
    with pytest.raises(ValueError):
        store.record_race(10, 5, 5)


def test_one_browser_adds_at_most_a_hundred_race_results_to_the_class_table():
    """Eight clients filled the 3,000-result table with forged results (issue 28)."""
    store = ClassWall()
    assert all(store.record_race(1, 1, 20, racer="a") for _ in range(RACES_PER_BROWSER))
    assert not store.record_race(1, 1, 20, racer="a")
    assert store.record_race(2, 12, 14, racer="b")
    assert len(store.race_results()) == RACES_PER_BROWSER + 1
    store.clear()
    assert store.record_race(1, 1, 20, racer="a")


def test_a_digit_is_settled_on_the_wall_from_its_first_ink_not_on_blank_rows_above_it():
    """A reader that answers 4 from the first blank row on did not read a 4 there: its row counts from the ink."""
    inked = picture(7)
    inked[:9] = 0.0  # rows 1-9 blank, ink from row 10
    shared, _ = ClassWall().share(inked, reading(4, 0.9, changes_at=1))
    assert shared.settled_row == 10
