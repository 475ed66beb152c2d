"""Presenter mode (bigger type for the back of a classroom, and less on screen), and the Read page's layout by width."""

from dataclasses import dataclass

import streamlit as st

from views.parts import presenter

# Both modes. Choices in a row (segmented controls, pills) wrap onto a second line in a narrow column instead of
# hiding the last ones in a sideways-scrolling box; the canvas gets room above it for its own toolbar, which
# appears there on hover.
READ_PAGE_CSS = """
[data-testid="stButtonGroup"] > div { flex-wrap: wrap; overflow-x: visible; }
[class*="st-key-canvas-"] { margin-top: 2.8rem; }
"""

PRESENTER_CSS = """
html { font-size: 24px; }
[data-testid="stMetricValue"] { font-size: 4.5rem; line-height: 1.3; }
[data-testid="stMetricDelta"] { font-size: 1.4rem; }
[data-testid="stCaptionContainer"] { font-size: 1rem; }
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 0.75rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem !important; padding: 0.3rem 0 0.1rem; }  /* the page bar says where one is */
[data-testid="stMainBlockContainer"] h2 { font-size: 1.3rem; }  /* under the title, not over it */
[data-testid="stMainBlockContainer"] h3 { font-size: 1.1rem; }
.rr.rr-answer .rr-bars { height: 5em; }
"""

STANDARD_CSS = """
[data-testid="stMetricValue"] { font-size: 4rem; line-height: 1.3; }
[data-testid="stMainBlockContainer"] { padding-top: 4.5rem; }
@media (max-width: 640px) {  /* a phone: the answer in view under the canvas after the pen lifts */
  [data-testid="stHeader"] { display: none; }  /* its menu is for developers; the page links under it are the way on */
  [data-testid="stMainBlockContainer"] { padding-top: 0.75rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.75rem; padding-top: 0; }
  [class*="st-key-canvas-"] { margin-top: 2.65rem; }  /* just the room its toolbar takes */
  [data-testid="stMetricValue"] { font-size: 3.2rem; }
  .st-key-present { display: none; }  /* nobody projects from a phone */
}
"""


def apply(presenter: bool) -> None:
    st.html(f"<style>{READ_PAGE_CSS}{PRESENTER_CSS if presenter else STANDARD_CSS}</style>")


def title_with_presenter_switch(title: str, tagline: str) -> bool:
    """A page's title, with the "Presenter mode" switch beside it (in presenter mode the switch is in the page bar);
    returns whether presenter mode is on, its style applied."""
    if presenter.is_on():
        apply(True)
        st.title(title)
        return True
    apply(False)
    title_column, switch = st.columns([3, 2], vertical_alignment="center")  # room for "Presenter mode" in its big type
    presenter.switch(switch)
    title_column.title(title)
    title_column.caption(tagline)
    return False


PHONE_WIDTH = 640  # below it Streamlit stacks columns by itself
TABLET_WIDTH = 1000  # below it three columns leave the canvas too little room
CANVAS = 360  # pixels
PRESENTER_CANVAS = 380  # with the title and Clear under it, within a 720-pixel projector screen
THUMB_ROOM = 60  # pixels beside the canvas on a phone, to scroll the page with a finger


@dataclass(frozen=True)
class ReadLayout:
    columns: int  # 3: canvas, what the model sees, answer; 2: canvas beside answer (stacked on a phone)
    canvas: int  # the canvas's side in pixels, inside its column


def read_layout(width: int | None, presenter: bool) -> ReadLayout:
    """The Read page's columns and canvas size for a main column `width` pixels wide (None: not known yet)."""
    preferred = PRESENTER_CANVAS if presenter else CANVAS
    rem = 24 if presenter else 18  # the page's font size: Streamlit's gaps are in rem
    if width is None or width < PHONE_WIDTH:
        return ReadLayout(2, min(preferred, (width or 340) - THUMB_ROOM))
    if width < TABLET_WIDTH:
        return ReadLayout(2, min(preferred, (width - 2 * rem) // 2 - 8))
    return ReadLayout(3, min(preferred, (width - 8 * rem) * 5 // 12 - 8))
