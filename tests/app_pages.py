"""What a page shows, read from Streamlit's AppTest."""

from streamlit.testing.v1 import AppTest


def texts(app: AppTest) -> str:
    """Every piece of text on the page a person reads: markdown, captions and messages, one a line."""
    return "\n".join(
        str(element.value) for kind in ("markdown", "caption", "error", "warning", "success", "info") for element in getattr(app, kind)
    )
