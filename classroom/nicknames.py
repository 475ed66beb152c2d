"""The rules a nickname on the class wall keeps: what is shown of it, and which ones are refused, in words a student reads.

A nickname is shown on a projected wall, so it must look like what it is. Invisible
characters are dropped (but the joiner inside an emoji family is kept), runs of
combining marks are cut to a few (no "Zalgo" text spilling over the next tile), and a
nickname is refused when nothing of it can be seen (U+3164, U+2800 ...), when one of its
words mixes alphabets to look like another word ("Теасher" with Cyrillic letters), or when
it claims to be the teacher. Its length is counted in characters as people see them
(an emoji family is one). Plain Python, tested without a page.
"""

import unicodedata

import regex
from confusable_homoglyphs import confusables

from i18n import N_, _, number

NICKNAME_LIMIT = 20  # characters, as people count them
LONGEST_TYPED = 50 * NICKNAME_LIMIT  # code points: room for accents and emoji, and no more
MARKS_PER_CHARACTER = 2  # accents stacked on one letter: enough for every language, too few to spill over a tile
# Letters and signs that draw nothing, though Unicode does not call them spaces: a name made of them looks empty.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5\u2061\u2062\u2063\u2064\U0001d159\U0001d173")
CANNOT_BE_SEEN = N_("A nickname needs letters or numbers that can be seen. Type one, or leave the box empty to share without a name.")
ZWJ, VARIATION_SELECTORS = "\u200d", frozenset("\ufe0e\ufe0f")
# Words only the teacher may go by, in the languages the class speaks; compared after look-alike letters are undone.
RESERVED = ("teacher", "admin", "老师", "老師", "教师", "先生", "row reader")


class NicknameError(ValueError):
    """A nickname that cannot go on the wall; the message says why, in words for a student, in their language."""


def _is_pictograph(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or "\U0001f000" <= ch <= "\U0001faff"


def _visible(text: str) -> str:
    """Invisible characters dropped (format, control, unassigned, private use), but a ZWJ between two emoji kept: it
    joins them into one, and without it a family becomes four people."""
    kept = []
    for index, ch in enumerate(text):
        if ch == ZWJ:
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if (_is_pictograph(before) or before in VARIATION_SELECTORS) and _is_pictograph(after):
                kept.append(ch)
        elif ch in BLANK_LOOKING or unicodedata.category(ch)[0] == "Z":
            kept.append(" ")
        elif unicodedata.category(ch)[0] != "C":
            kept.append(ch)
    return "".join(kept)


def _few_marks(text: str) -> str:
    """At most MARKS_PER_CHARACTER combining marks on each character (an emoji's variation selector is not counted)."""
    kept, marks = [], 0
    for ch in text:
        is_mark = unicodedata.combining(ch) or (unicodedata.category(ch) in ("Mn", "Me") and ch not in VARIATION_SELECTORS)
        marks = marks + 1 if is_mark else 0
        if marks <= MARKS_PER_CHARACTER:
            kept.append(ch)
    return "".join(kept)


def characters(text: str) -> int:
    """How many characters a person sees: an accented letter, a flag or an emoji family is one."""
    return len(regex.findall(r"\X", text))


def _without_marks(word: str) -> str:
    """The word's letters without their accents: an accent belongs to no alphabet, and must not make a word look mixed."""
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


def _looks_like(word: str) -> str:
    """The word with look-alike letters of other alphabets read as the Latin ones they imitate ("Теасher" -> "teacher")."""
    found = confusables.is_confusable(word, greedy=True, preferred_aliases=["latin"]) or []
    for each in found:
        latin = [h["c"] for h in each["homoglyphs"] if all(unicodedata.name(c, "").startswith("LATIN") for c in h["c"])]
        if latin:
            word = word.replace(each["character"], latin[0])
    return word.casefold()


def _refusal(nickname: str) -> str | None:
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in nickname):  # blank-looking ones are spaces by now
        return _(CANNOT_BE_SEEN)
    if (count := characters(nickname)) > NICKNAME_LIMIT:
        return _too_long(count)
    words = [_without_marks(word) for word in nickname.split()]
    if any(confusables.is_dangerous(word) for word in words):
        return _("A nickname cannot mix letters from different alphabets in one word. Please type it in one alphabet.")
    seen = " ".join(_looks_like(word) for word in words)
    if any(reserved in seen for reserved in RESERVED):
        return _("That nickname is kept for the teacher. Please choose another one.")
    return None


def _too_long(count: int) -> str:
    return _("A nickname is at most {limit} characters; this one has {count}.").format(limit=NICKNAME_LIMIT, count=number(count))


def clean_nickname(text: str | None) -> str:
    """The nickname as it will be shown: spaces collapsed, invisible characters dropped; "" for none.

    NicknameError, in words, for one that is too long, looks empty, or pretends to be someone else."""
    typed = str(text or "")
    if len(typed) > LONGEST_TYPED:  # a paste of a book: refused before any work on it
        raise NicknameError(_too_long(len(typed)))
    nickname = unicodedata.normalize("NFC", " ".join(_few_marks(_visible(typed)).split()))
    if not nickname:
        if typed.strip():  # only invisible characters were typed
            raise NicknameError(_(CANNOT_BE_SEEN))
        return ""
    if problem := _refusal(nickname):
        raise NicknameError(problem)
    return nickname
