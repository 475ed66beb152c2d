"""The Class wall's digits: the words on a tile, which digits are shown in which order, and the tiles themselves.

A tile shows the picture beside the network's answer in large type, then how sure it
was and since which row, in words that never say the network knew a digit it was
unsure of or misread; Open plays the digit's reading over the wall (views/pages/wall.py).
"""

import io

import numpy as np
import streamlit as st
from PIL import Image

from classroom.wall import MAX_SHARED, SharedDigit
from model.config import ROW_WIDTH, ROWS
from views import words
from views.figures.plotting import pixelated

OPEN_KEY = "wall_open"  # the number of the digit whose reading is open over the wall
NEWEST, LEAST_SURE = "Newest", "Least sure"
EVERY, DOUBTFUL = "All", "Misread or unsure"
SHOWN = {EVERY: "All digits", DOUBTFUL: "Misread or unsure", **{str(d): f"Read as {d}" for d in range(10)}}  # choice -> its words
SHOW_WIDTH = 240  # pixels: "Misread or unsure" in presenter mode's type
SHOWN_AT_ONCE = 60  # tiles drawn before "Show all": five screenfuls on a projector
PICTURE, PRESENTER_PICTURE = 72, 84  # pixels: a digit's 28 x 28 picture on its tile, drawn 2.6 and 3 times as large


def tile_words(digit: SharedDigit) -> list[str]:
    """A tile's lines: what was read, then how sure and since when. Only a sure answer that is not known to be wrong
    is "said ... from row N"; an unsure one is a guess, and a misread one says what was meant."""
    read_as, sure = f"Read as {digit.answer}", f"{digit.confidence:.0%} sure"
    if digit.misread:
        return [read_as, f"Misread: meant {digit.drawn_as}", f"only {sure}" if digit.unsure else f"{sure}, but wrong"]
    if digit.unsure:
        return [read_as, f"Unsure: only {sure}", f"a guess from row {digit.settled_row}"]
    return [read_as, sure, f"said {digit.answer} from row {digit.settled_row}"]


def doubtful_count(digits: list[SharedDigit]) -> int:
    return sum(digit.misread or digit.unsure for digit in digits)


def counted(count: int) -> str:
    return f"{count} digit{'s' if count != 1 else ''}"


def wall_headline(digits: list[SharedDigit]) -> str:
    return f"{counted(len(digits))}, {doubtful_count(digits)} misread or unsure"


def chosen(digits: list[SharedDigit], order: str, show: str) -> list[SharedDigit]:
    """The digits the wall shows, in its order: `show` is every digit, the doubtful ones, or one answer ("0"-"9")."""
    if show == DOUBTFUL:
        digits = [d for d in digits if d.misread or d.unsure]
    elif show != EVERY:
        digits = [d for d in digits if str(d.answer) == show]
    if order == LEAST_SURE:
        digits = sorted(digits, key=lambda d: (d.confidence, -d.number))
    return digits


def choices() -> tuple[str, str]:
    """The order and which digits to show (their words say what they are, so their labels are for screen readers)."""
    order = st.segmented_control(
        "Order", [NEWEST, LEAST_SURE], default=NEWEST, key="wall_order", required=True, label_visibility="collapsed"
    )
    show = st.selectbox("Show", SHOWN, format_func=SHOWN.get, key="wall_show", label_visibility="collapsed", width=SHOW_WIDTH)
    return order, show


def _open(number: int) -> None:
    st.session_state[OPEN_KEY] = number


@st.cache_data(max_entries=2 * MAX_SHARED, show_spinner=False)
def tile_picture(image: bytes) -> bytes:
    """A digit's 28x28 picture (its bytes) as a PNG, made once: the wall is drawn again for every phone that shows it."""
    out = io.BytesIO()
    ink = np.frombuffer(image, np.uint8).reshape(ROWS, ROW_WIDTH) / 255
    Image.fromarray(pixelated(ink, 4)).save(out, format="PNG")
    return out.getvalue()


def _tile(digit: SharedDigit, presenter: bool, names: bool) -> None:
    read_as, *details = tile_words(digit)
    nickname = digit.nickname if names else ""
    by = f" by {nickname}" if nickname else ""
    alt = f"Shared digit number {digit.number}{by}. {'. '.join([read_as, *details])}."
    with st.container(border=True, key=f"tile-{digit.number}", gap="small"):
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            st.image(tile_picture(digit.image.tobytes()), width=PRESENTER_PICTURE if presenter else PICTURE, alt=alt)
            st.markdown(f"{read_as.removesuffix(str(digit.answer))}**{digit.answer}**", width="content")  # the digit large
        st.markdown("  \n".join([*details, *([f"by {words.plain(nickname)}"] if nickname else [])]))
        st.button(f"Open #{digit.number}", key=f"open-{digit.number}", on_click=_open, args=(digit.number,))


def tiles(shown: list[SharedDigit], presenter: bool, names: bool = True) -> None:
    """The digits chosen, as many a row as the screen holds (views/parts/wall_style.py), the first SHOWN_AT_ONCE
    until "Show all"; with their nicknames unless the teacher hid them."""
    everything = st.session_state.get("wall_show_all", False)
    with st.container(horizontal=True, gap="small", key="wall-tiles"):
        for digit in shown if everything else shown[:SHOWN_AT_ONCE]:
            _tile(digit, presenter, names)
    if len(shown) > SHOWN_AT_ONCE and not everything:
        st.button(f"Show all {len(shown)}", key="wall_show_all_button", on_click=lambda: st.session_state.update(wall_show_all=True))
