"""Judging a page in AppTest as a person reads it: Markdown escapes undone, and links rendered as a browser would."""

import contextlib
import functools
import html
import re

from harness.fuzz.case import FAILURE, FOREIGN_HOST, MESSAGE, SAFE, Case, Outcome, short
from harness.fuzz.messages import problems_in
from views.words import WORD_JOINER

MARKDOWN_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "success", "info", "toast")
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash-escaped punctuation character, as views/words.plain writes it
# In the HTML CommonMark makes of a page's Markdown: a link to, or an image from, the foreign host, or a script.
INJECTED = re.compile(rf"<\w+[^>]*\s(?:href|src)=[\"']?(?:https?:)?//{re.escape(FOREIGN_HOST)}|<script", re.IGNORECASE)
# GFM's literal autolinks, as Streamlit's Markdown finds them in the text once it is parsed (its escapes undone): a web
# address from "http(s)://" or "www.", and an e-mail address. CommonMark alone makes no link of either.
AUTOLINK_LITERALS = (
    re.compile(r"(?:https?://|www(?=\.))[-.\w]+[^ \t\r\n]*", re.IGNORECASE),
    re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),
)
LINKS_AND_TAGS = re.compile(r"<a\b.*?</a>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def page_texts(app, kinds=MARKDOWN_ELEMENTS) -> list[str]:
    texts = []
    for kind in kinds:
        with contextlib.suppress(Exception):
            texts += [str(element.value) for element in getattr(app, kind)]
    return texts


def unescaped(markdown: str) -> str:
    """The text a person reads in a piece of Markdown: its backslash escapes undone ("\\/work" is "/work" on screen),
    and the invisible joiners that keep an address from becoming a link taken out."""
    return ESCAPED.sub(r"\1", markdown).replace(WORD_JOINER, "")


@functools.cache
def _commonmark():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")  # raw HTML passed through: the most any renderer does


def injected_in(markdown: str) -> bool:
    """Whether Markdown, rendered, links to or loads from the foreign host: escaped or not, as a renderer reads it,
    a bare address in its text included, which a browser's Markdown makes a link of."""
    rendered = _commonmark().render(markdown)
    text = html.unescape(LINKS_AND_TAGS.sub(" ", rendered))
    bare = [match.group() for pattern in AUTOLINK_LITERALS for match in pattern.finditer(text)]
    return bool(INJECTED.search(rendered)) or any(FOREIGN_HOST in address for address in bare)


def shown_problem(markdown: list[str], verbatim: list[str], allowed: tuple) -> Outcome | None:
    """The failure in what a page shows, or None: internals in the text a person reads, or a link made of the input."""
    for text in [unescaped(text) for text in markdown] + verbatim:
        problems = problems_in(text, allowed)
        if problems:
            return Outcome(FAILURE, f"the page shows {problems[0]}", short(text))
    injected = [text for text in markdown if injected_in(text)]
    return Outcome(FAILURE, "a link or image rendered from the input", short(injected[0])) if injected else None


def page_outcome(app, case: Case, allowed: tuple, title: str | None = "Row Reader") -> Outcome:
    """Run the page: no exception element, no internals in what it shows, no injected Markdown, and the page there.

    Text shown verbatim (st.text, st.code) is held to the same, except a run's log, which is its process's own output.
    """
    try:
        app.run()
    except Exception as error:  # AppTest's own timeout is the watchdog here
        hang = "timed out" in str(error)
        return Outcome(FAILURE, "a hang" if hang else f"raised {type(error).__name__}", short(str(error)))
    if app.exception:
        return Outcome(FAILURE, "an exception on the page", short(str(app.exception[0].value)))
    shown = page_texts(app)
    problem = shown_problem(shown, page_texts(app, ("text", "code")) if case.kind != "run_pages" else [], allowed)
    if problem is not None:
        return problem
    if title and not any(title in text for text in page_texts(app, ("title",))):
        return Outcome(FAILURE, "the page is not there", short(" | ".join(shown)))
    warned = [unescaped(text) for text in page_texts(app, ("warning", "error")) if text]
    return Outcome(MESSAGE, detail=short(warned[0])) if warned else Outcome(SAFE)
