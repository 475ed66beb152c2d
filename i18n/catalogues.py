"""Keep the catalogues with Babel: extract the marked words from the code, merge them into each language's .po (its
translations kept, new words left to translate, words gone marked obsolete), and compile the .mo files the app reads.

    python -m i18n.catalogues          # after changing words in the code, then translate what is new in the .po files
    python -m i18n.catalogues --check  # what tests/test_translations.py asks: exit 1 if anything is untranslated

The same as `pybabel extract -F babel.cfg -k N_ ...`, `pybabel update` and `pybabel compile`, in one step.
"""

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from i18n import DEFAULT, DOMAIN, LANGUAGES, LOCALES_DIR

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("app.py", "i18n", "model", "training", "classroom", "views")  # what a page shows comes only from these
TEMPLATE = Path(__file__).parent / f"{DOMAIN}.pot"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
TRANSLATED = [language for language in LANGUAGES if language != DEFAULT]


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extract() -> Catalog:
    """Every marked message in the code, with where it is."""
    catalog = Catalog(project="Row Reader", charset="utf-8")
    for source in SOURCES:
        path = ROOT / source
        if path.is_file():
            found = _extract_file(path)
        else:
            found = extract_from_dir(path, method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True)
        for filename, line, message, comments, context in found:
            where = (str((path / filename).relative_to(ROOT)) if path.is_dir() else source, line)
            catalog.add(message, locations=[where], auto_comments=comments, context=context)
    for message in catalog:  # our placeholders are {named}; a "99%" is not a %-format, whatever Babel guesses
        message.flags.discard("python-format")
    return catalog


def _extract_file(path: Path):
    from babel.messages.extract import extract

    with open(path, "rb") as file:
        for line, message, comments, context in extract("python", file, keywords=KEYWORDS, strip_comment_tags=True):
            yield path.name, line, message, comments, context


def read(language: str) -> Catalog:
    with open(po_path(language), "rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def update() -> None:
    """Extract, merge into each language's .po, and compile."""
    template = extract()
    with open(TEMPLATE, "wb") as file:
        write_po(file, template, omit_header=False, sort_output=False, include_lineno=False)
    for language in TRANSLATED:
        path = po_path(language)
        if path.exists():
            catalog = read(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=DOMAIN, project="Row Reader", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        for message in catalog:
            message.flags.discard("python-format")
        with open(path, "wb") as file:
            write_po(file, catalog, include_lineno=False, ignore_obsolete=True, width=120)
        mo_path(language).write_bytes(compiled(catalog))


def problems(language: str) -> list[str]:
    """What is missing or wrong in one language's catalogue, against the words in the code."""
    catalog = read(language)
    found = []
    for message in extract():
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        strings = None if translated is None else ([translated.string] if isinstance(translated.string, str) else translated.string)
        if translated is None or not strings or not all(strings):
            found.append(f"{language}: untranslated: {message.id!r}")
        elif translated.fuzzy:
            found.append(f"{language}: fuzzy: {message.id!r}")
    for message in catalog:  # our placeholders are {named} (tests/test_translations.py checks them), never %-format
        message.flags.discard("python-format")
    for message, errors in catalog.check():
        found += [f"{language}: {message.id!r}: {error}" for error in errors]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report untranslated or broken messages")
    arguments = parser.parse_args(argv)
    if not arguments.check:
        update()
    found = [problem for language in TRANSLATED for problem in problems(language)]
    print("\n".join(found) or "Every message is translated in " + ", ".join(TRANSLATED))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
