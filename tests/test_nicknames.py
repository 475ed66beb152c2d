"""A nickname's rules (classroom/nicknames.py): what is shown of it, and which are refused, in words for a student."""

import unicodedata

import pytest

from classroom.nicknames import MARKS_PER_CHARACTER, NICKNAME_LIMIT, NicknameError, characters, clean_nickname

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one emoji: four people joined by ZWJ


def test_spaces_are_collapsed_and_invisible_characters_dropped():
    assert clean_nickname(None) == clean_nickname("   ") == ""
    assert clean_nickname(" Ana\u200b \n  B\x00 ") == "Ana B"
    assert clean_nickname("\u202eAna\u202c") == "Ana"  # a bidi override turns nothing around


@pytest.mark.parametrize(
    "name", ["Ana", "Zoë", "Nguyễn Văn", "Łukasz", "张伟", "さくら", "Ivan Иван", "Tom the 4th", "🇯🇵 Aiko", "Ana " + FAMILY]
)
def test_names_of_every_class_are_shown_as_typed(name):
    assert clean_nickname(name) == name


def test_an_emoji_joined_with_zwj_stays_one_emoji_and_counts_as_one_character():
    """Dropping every invisible character broke emoji joined with ZWJ into their parts (issue 28)."""
    assert clean_nickname(FAMILY) == FAMILY and characters(FAMILY) == 1
    assert clean_nickname("a\u200db") == "ab"  # between letters a joiner does nothing but hide


@pytest.mark.parametrize("blank", ["\u3164", "\u2800\u2800", "\u3164 \u115f", "\u200b\u200b", "\u2800\u0301"])
def test_a_name_made_only_of_blank_looking_characters_is_refused_in_words(blank):
    with pytest.raises(NicknameError, match="letters or numbers that can be seen"):
        clean_nickname(blank)


def test_blank_looking_characters_inside_a_name_are_spaces():
    assert clean_nickname("Ana\u3164\u3164\u3164B") == "Ana B"


@pytest.mark.parametrize("name", ["Теасher", "Τeacher", "tеacher 1", "Раypal"])
def test_a_word_mixing_alphabets_to_look_like_another_is_refused(name):
    with pytest.raises(NicknameError, match="mix letters from different alphabets"):
        clean_nickname(name)


@pytest.mark.parametrize("name", ["TEACHER: wall closed", "teacher", "Теасһег", "Admin", "老师"])
def test_a_name_claiming_to_be_the_teacher_is_refused(name):
    with pytest.raises(NicknameError, match="kept for the teacher"):
        clean_nickname(name)


def test_stacked_accents_are_cut_to_a_few_so_nothing_spills_over_the_next_tile():
    """A 20-code-point Zalgo nickname spilled 48 px into the next tile (issue 28)."""
    zalgo = "Z" + "\u0301\u0316\u0327\u0334" * 5 + "algo"
    shown = clean_nickname(zalgo)
    assert characters(shown) == 5 and len(unicodedata.normalize("NFD", shown)) == 1 + MARKS_PER_CHARACTER + 4
    assert clean_nickname("e\u0301" * 3) == "\u00e9" * 3  # an ordinary accent, as one character


def test_a_nickname_over_twenty_characters_is_refused_with_the_count():
    """The box cut longer names without a word, so the 'at most 20' message could never appear (issue 28)."""
    assert clean_nickname("x" * NICKNAME_LIMIT) == "x" * NICKNAME_LIMIT
    assert clean_nickname("é" * NICKNAME_LIMIT) == "é" * NICKNAME_LIMIT  # characters as people count them
    with pytest.raises(NicknameError, match="at most 20 characters; this one has 21"):
        clean_nickname("x" * (NICKNAME_LIMIT + 1))
    with pytest.raises(NicknameError, match="at most 20 characters; this one has 1,000,000"):
        clean_nickname("x" * 1_000_000)


def test_every_character_is_shown_or_refused_in_words_never_an_error():
    """Sharing as "student 8" broke Share: the look-alikes of "8" include two-letter ones, which the check read as one."""
    assert clean_nickname("student 8") == "student 8"
    for code in range(0x20, 0x3400):
        try:
            clean_nickname(f"a{chr(code)}8")
        except NicknameError:
            pass
