"""The Class wall's digits: the words on a tile, which digits are shown in which order, and the tiles themselves.

A tile shows the picture beside the network's answer in large type, then how sure it
was and since which row, in words that never say the network knew a digit it was
unsure of or misread; Open plays the digit's reading over the wall (views/pages/wall.py).
"""

import io

import numpy as np
import streamlit as st
from PIL import Image

from classroom.race import sentences
from classroom.wall import MAX_SHARED, SharedDigit
from i18n import N_, _, ngettext, percent
from model.config import ROW_WIDTH, ROWS
from views import words
from views.figures.plotting import pixelated

OPEN_KEY = "wall_open"  # the number of the digit whose reading is open over the wall
NEWEST, LEAST_SURE = N_("Newest"), N_("Least sure")  # the order's options, kept as they are and shown translated
EVERY, DOUBTFUL = "All", "Misread or unsure"
SHOWN = [EVERY, DOUBTFUL, *(str(d) for d in range(10))]  # which digits the wall shows (show_words: its words)
SHOWN_WORDS = {EVERY: N_("All digits"), DOUBTFUL: N_("Misread or unsure")}
SHOW_WIDTH = 240  # pixels: "Misread or unsure" in presenter mode's type
SHOWN_AT_ONCE = 60  # tiles drawn before "Show all": five screenfuls on a projector
PICTURE, PRESENTER_PICTURE = 72, 84  # pixels: a digit's 28 x 28 picture on its tile, drawn 2.6 and 3 times as large


def show_words(choice: str) -> str:
    """A choice of which digits to show, in the reader's words."""
    if choice in SHOWN_WORDS:
        return _(SHOWN_WORDS[choice])
    return read_as_words(choice)


def read_as_words(answer: int | str) -> str:
    return _("Read as {digit}").format(digit=answer)


def tile_words(digit: SharedDigit) -> list[str]:
    """A tile's lines: what was read, then how sure and since when. Only a sure answer that is not known to be wrong
    is "said ... from row N"; an unsure one is a guess, and a misread one says what was meant."""
    sure = percent(digit.confidence)
    read_as = read_as_words(digit.answer)
    if digit.misread:
        meant = _("Misread: meant {digit}").format(digit=digit.drawn_as)
        how_sure = _("only {probability} sure") if digit.unsure else _("{probability} sure, but wrong")
        return [read_as, meant, how_sure.format(probability=sure)]
    if digit.unsure:
        return [
            read_as,
            _("Unsure: only {probability} sure").format(probability=sure),
            _("a guess from row {row}").format(row=digit.settled_row),
        ]
    return [
        read_as,
        _("{probability} sure").format(probability=sure),
        _("said {digit} from row {row}").format(digit=digit.answer, row=digit.settled_row),
    ]


def doubtful_count(digits: list[SharedDigit]) -> int:
    return sum(digit.misread or digit.unsure for digit in digits)


def wall_headline(digits: list[SharedDigit]) -> str:
    headline = ngettext("{count} digit, {doubtful} misread or unsure", "{count} digits, {doubtful} misread or unsure", len(digits))
    return headline.format(count=len(digits), doubtful=doubtful_count(digits))


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
        _("Order"), [NEWEST, LEAST_SURE], default=NEWEST, key="wall_order", required=True, label_visibility="collapsed",
        format_func=lambda option: _(option),
    )  # fmt: skip
    show = st.selectbox(_("Show"), SHOWN, format_func=show_words, key="wall_show", label_visibility="collapsed", width=SHOW_WIDTH)
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
    if nickname:
        who = _("Shared digit number {number} by {nickname}.").format(number=digit.number, nickname=nickname)
    else:
        who = _("Shared digit number {number}.").format(number=digit.number)
    alt = sentences(who, *(_("{line}.").format(line=line) for line in [read_as, *details]))
    with st.container(border=True, key=f"tile-{digit.number}", gap="small"):
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            st.image(tile_picture(digit.image.tobytes()), width=PRESENTER_PICTURE if presenter else PICTURE, alt=alt)
            st.markdown(read_as_words(f"**{digit.answer}**"), width="content")  # the digit large
        by = [_("by {nickname}").format(nickname=words.plain(nickname))] if nickname else []
        st.markdown("  \n".join([*details, *by]))
        st.button(_("Open #{number}").format(number=digit.number), key=f"open-{digit.number}", on_click=_open, args=(digit.number,))


def tiles(shown: list[SharedDigit], presenter: bool, names: bool = True) -> None:
    """The digits chosen, as many a row as the screen holds (views/parts/wall_style.py), the first SHOWN_AT_ONCE
    until "Show all"; with their nicknames unless the teacher hid them."""
    everything = st.session_state.get("wall_show_all", False)
    with st.container(horizontal=True, gap="small", key="wall-tiles"):
        for digit in shown if everything else shown[:SHOWN_AT_ONCE]:
            _tile(digit, presenter, names)
    if len(shown) > SHOWN_AT_ONCE and not everything:
        st.button(
            _("Show all {count}").format(count=len(shown)),
            key="wall_show_all_button",
            on_click=lambda: st.session_state.update(wall_show_all=True),
        )
