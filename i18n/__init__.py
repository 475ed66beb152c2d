"""The words in the reader's language: gettext catalogues kept with Babel, and numbers and dates written as the
language writes them.

Every layer may import this (it imports nothing of the project). Code marks what a person reads with `_()` (or
`ngettext()` where a count changes the words, `N_()` where a module keeps words to translate later, when shown);
`pybabel` extracts the marks into `i18n/messages.pot`, and `i18n/locales/<language>/LC_MESSAGES/messages.po` holds
each language's words (README "Languages"). Which language is the reader's is asked of a source the app installs
(`read_language_from`): in the app, the browser session's choice; elsewhere (tests, command-line tools), the
language set by `use()`, English unless set.
"""

import gettext
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from pathlib import Path

LANGUAGES = {"en": "English", "zh": "简体中文", "ja": "日本語"}  # each in its own words, as a picker shows it
DEFAULT = "en"  # the words in the code; what a browser that asks for none of these reads
LOCALES = {"en": "en", "zh": "zh_Hans_CN", "ja": "ja_JP"}  # Babel's locale for each: how it writes numbers and dates
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"

_chosen: ContextVar[str] = ContextVar("language", default=DEFAULT)
_source: Callable[[], str | None] | None = None


def read_language_from(source: Callable[[], str | None] | None) -> None:
    """Install where the reader's language comes from (the app: its browser session); None asks `use()` alone."""
    global _source
    _source = source


def use(language: str) -> None:
    """The language to read in, where no source is installed or it has no answer (tests, command-line tools)."""
    _chosen.set(language if language in LANGUAGES else DEFAULT)


def current() -> str:
    """The reader's language: a key of LANGUAGES."""
    if _source is not None:
        chosen = _source()
        if chosen in LANGUAGES:
            return chosen
    return _chosen.get()


@cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[language])


def _(message: str) -> str:
    """`message` in the reader's language."""
    return _translations(current()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The words for `count` things in the reader's language (Chinese and Japanese have one form; English two)."""
    return _translations(current()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks words kept in a module's constants for translation; they are translated with `_()` where shown."""
    return message


def match(asked: str | None) -> str:
    """The language of ours that a browser asks for: an Accept-Language header ("zh-CN,zh;q=0.9,en;q=0.8") or one
    locale ("ja-JP"); English where it asks for none of ours."""
    weighted = []
    for position, part in enumerate((asked or "").split(",")):
        tag, _semicolon, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        weighted.append((-weight, position, tag.strip().lower().replace("_", "-").split("-")[0]))
    for _weight, _position, language in sorted(weighted):
        if language in LANGUAGES:
            return language
    return DEFAULT


def babel_locale() -> str:
    return LOCALES[current()]


def number(value: float, digits: int = 0) -> str:
    """A number with `digits` decimals, grouped as the reader's language groups thousands."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def percent(share: float, digits: int = 0) -> str:
    """A share (0.5) as a percentage ("50%") in the reader's language, with `digits` decimals."""
    from babel.numbers import format_percent

    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(share, format=pattern, locale=babel_locale())


def day_and_time(moment: datetime) -> str:
    """A short day and time ("7 Dec, 20:02"; "12月7日 20:02"), for a run's start."""
    from babel.dates import format_datetime

    pattern = {"en": "d MMM, HH:mm", "zh": "M月d日 HH:mm", "ja": "M月d日 HH:mm"}[current()]
    return format_datetime(moment, pattern, locale=babel_locale())
