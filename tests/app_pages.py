"""What a page shows, read from Streamlit's AppTest."""

import re

from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from views.words import WORD_JOINER

MARKDOWN_KINDS = ("markdown", "caption", "error", "warning", "success", "info")  # the elements whose text is Markdown
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash-escaped punctuation character, as views/words.plain writes it


def prediction(app: AppTest) -> str | None:
    metrics = [m for m in app.metric if m.label == "Prediction"]
    return metrics[0].value if metrics else None


def texts(app: AppTest) -> str:
    """Every piece of text on the page a person reads: markdown, captions and messages, one a line, escapes undone (and
    the invisible joiners that keep an address from being linked taken out)."""
    return ESCAPED.sub(r"\1", "\n".join(markdown_sources(app))).replace(WORD_JOINER, "")


def markdown_sources(app: AppTest) -> list[str]:
    """The Markdown of every element that renders Markdown, as the page sends it."""
    return [str(element.value) for kind in MARKDOWN_KINDS for element in getattr(app, kind)]


def rendered(app: AppTest) -> list[str]:
    """Each Markdown element as HTML, rendered by CommonMark's rules (raw HTML allowed, as the most a renderer does),
    without the invisible joiners a person does not see."""
    renderer = MarkdownIt("commonmark")
    return [renderer.render(source).replace(WORD_JOINER, "") for source in markdown_sources(app)]


# Text a file or a user supplies, made of Markdown and HTML; and how it must render: literally, no link, image or bold.
TRICKY = "[x](http://h) ![t](http://h/t.png) <b>b</b> **bold**"
TRICKY_HTML = "[x](http://h) ![t](http://h/t.png) &lt;b&gt;b&lt;/b&gt; **bold**"


def tricky_labels(monkeypatch) -> None:
    """Every run's model is named TRICKY, as a run's files could once name it."""
    from training.registry import ModelEntry

    monkeypatch.setattr(ModelEntry, "label", property(lambda entry: "Shipped model" if entry.shipped else TRICKY))


def assert_shown_as_text(app: AppTest, least: int) -> None:
    """TRICKY is on the page at least `least` times, each time as text; nothing on the page is a link, image or <b>."""
    pages = rendered(app)
    assert not [page for page in pages if "<a " in page or "<img" in page or "<b>" in page], pages
    assert sum(page.count(TRICKY_HTML) for page in pages) >= least, pages
