"""The Class wall: every digit the class shared, as the network read it, for the teacher to project.

The wall redraws itself every REFRESH_S seconds (a fragment, so a reading
opened over it keeps playing). Clearing it needs the training password where
one is set.
"""

import streamlit as st

from classroom.wall import MAX_SHARED, ClassWall, SharedDigit, race_table
from model.storage import ModelLoadError
from views import words
from views.digit import Digit
from views.figures.plotting import PLOTLY_CONFIG, pixelated
from views.figures.wall import race_spec, race_summary
from views.parts import access, style
from views.parts.class_wall import shared_wall
from views.parts.models_in_use import active_model, reading_of
from views.parts.reading import show_answer, show_reading

REFRESH_S = 2  # a shared digit is on every open wall within this
OPEN_KEY, CONFIRM_KEY, CLEARED_KEY = "wall_open", "wall_confirm_clear", "wall_cleared"
NEWEST, LEAST_SURE = "Newest", "Least sure"
EVERY, DOUBTFUL = "All", "Misread or unsure"
SHOWN_AT_ONCE = 60  # tiles drawn before "Show all": a screenful or two on a projector
TILE_WIDTH, PRESENTER_TILE_WIDTH = 150, 180  # pixels: two tiles a row on a phone, five on a 1280x720 projector
TAGLINE = "The digits the class shared, as the network read them. Open one to play its reading to the room."
TILE_CSS = """<style>
[class*="st-key-tile-"] [data-testid="stImage"] img { image-rendering: pixelated; }
[class*="st-key-tile-"] [data-testid="stImage"] { align-self: center; }
[class*="st-key-tile-"] { gap: 0.4rem; padding: 0.6rem; }
[class*="st-key-tile-"] [data-testid="stCaptionContainer"] { font-size: 0.8rem; }
.st-key-wall-headline h2 { font-size: 1.6rem; padding: 0.5rem 0 0; }
</style>"""


def tile_words(digit: SharedDigit) -> list[str]:
    """A tile's lines: what was read, how sure and when it settled, and any doubt."""
    lines = [f"Read as {digit.answer}", f"{digit.confidence:.0%} sure", f"knew at row {digit.settled_row}"]
    if digit.misread:
        lines.append(f"Meant {digit.drawn_as}: misread")
    elif digit.unsure:
        lines.append("Unsure")
    return lines


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


def _tile(digit: SharedDigit, presenter: bool) -> None:
    width = PRESENTER_TILE_WIDTH if presenter else TILE_WIDTH
    answer, *details = tile_words(digit)
    name = f" by {digit.nickname}" if digit.nickname else ""
    alt = f"Shared digit number {digit.number}{name}. {'. '.join(tile_words(digit))}."
    with st.container(border=True, width=width, key=f"tile-{digit.number}"):
        st.image(pixelated(digit.ink, 4), width=width - 70, alt=alt)
        st.markdown(f"**{answer}**")
        st.caption("  \n".join([*details, *([words.plain(digit.nickname)] if digit.nickname else [])]))
        if st.button(f"Open #{digit.number}", key=f"open-{digit.number}", help="Play its reading, large, over the wall."):
            st.session_state[OPEN_KEY] = digit.number
            st.rerun()  # the whole page: the reading opens over the wall


def _race_results(wall: ClassWall, presenter: bool) -> None:
    table = race_table(wall.race_results())
    if not table:
        return
    st.header("Races: the class against the network", anchor=False)
    summary = race_summary(table)
    st.plotly_chart(race_spec(table, presenter), config=PLOTLY_CONFIG, key="race-results", alt=summary)
    st.caption(summary)


@st.fragment(run_every=REFRESH_S)
def live_wall(presenter: bool) -> None:
    """Everything shared, redrawn every REFRESH_S seconds for whoever has the wall open."""
    wall = shared_wall()
    digits = wall.digits()
    with st.container(key="wall-headline"):
        st.header(wall_headline(digits), anchor=False)
    if not digits:
        st.info("Nothing is shared yet. On the Read page, press Share with the class under a reading, and it appears here.")
    else:
        order_column, show_column = st.columns([1, 2])
        labels = "collapsed" if presenter else "visible"  # the projector's height is for the digits
        order = order_column.segmented_control(
            "Order", [NEWEST, LEAST_SURE], default=NEWEST, key="wall_order", required=True, label_visibility=labels
        )
        show = show_column.pills(
            "Show", [EVERY, DOUBTFUL, *map(str, range(10))], default=EVERY, key="wall_show", required=True, label_visibility=labels
        )
        shown = chosen(digits, order, show)
        if not shown:
            st.info("No shared digit fits this choice.")
        everything = st.session_state.get("wall_show_all", False)
        with st.container(horizontal=True, gap="small"):
            for digit in shown if everything else shown[:SHOWN_AT_ONCE]:
                _tile(digit, presenter)
        if len(shown) > SHOWN_AT_ONCE and not everything:
            st.button(f"Show all {len(shown)}", key="wall_show_all_button", on_click=lambda: st.session_state.update(wall_show_all=True))
    _race_results(wall, presenter)


def _close() -> None:
    st.session_state.pop(OPEN_KEY, None)


def _play(digit: SharedDigit, presenter: bool) -> None:
    """The reading of a shared digit, large, by the model this browser reads with."""
    if digit.nickname:
        st.caption(f"Shared by {words.plain(digit.nickname)}")
    try:
        _, loaded = active_model()
    except ModelLoadError as error:
        st.error(f"The network could not be loaded, so the reading cannot play: {words.plain(error)}")
        return
    reading = reading_of(loaded, digit.ink)
    shown = Digit(digit.ink, None, digit.drawn_as, f"shared digit number {digit.number}", ("wall", digit.number))
    show_answer(shown, reading, presenter)
    show_reading(shown, reading, presenter)
    st.button("Back to the wall", key="wall_close", on_click=_close)


def opened_reading(presenter: bool) -> None:
    """The opened tile's reading, over the wall, where the teacher clicked."""
    number = st.session_state.get(OPEN_KEY)
    if number is None:
        return
    digit = shared_wall().digit(number)
    if digit is None:
        st.info("That digit is no longer on the wall.")
        _close()
        return
    st.dialog(f"Digit number {digit.number}", width="large", on_dismiss=_close)(_play)(digit, presenter)


def clear_controls() -> None:
    """Clearing takes everything off every open wall: the training password where one is set, then a second click."""
    with st.expander("Clear the wall", expanded=CLEARED_KEY in st.session_state):
        if not access.password_box("Set by the teacher. Without it you can look at the wall, but not clear it."):
            return
        if CLEARED_KEY in st.session_state:
            st.success(f"The wall is clear: {counted(st.session_state.pop(CLEARED_KEY))} taken off.")
        wall = shared_wall()
        if not st.session_state.get(CONFIRM_KEY):
            if st.button("Clear the wall", key="wall_clear"):
                st.session_state[CONFIRM_KEY] = True
                st.rerun()
            return
        shared = counted(len(wall.digits()))
        st.warning(f"Take the {shared} shared and the race results off the wall, for everyone? They cannot be brought back.")
        yes, no = st.columns(2)
        if yes.button("Yes, clear it", key="wall_clear_yes", type="primary"):
            st.session_state[CLEARED_KEY] = wall.clear()
            st.session_state[CONFIRM_KEY] = False
            st.session_state.pop(OPEN_KEY, None)
            st.rerun()  # the wall above, empty
        if no.button("Keep them", key="wall_clear_no"):
            st.session_state[CONFIRM_KEY] = False
            st.rerun()


def page() -> None:
    presenter = style.title_with_presenter_switch("Class wall", TAGLINE)
    st.html(TILE_CSS)
    opened_reading(presenter)
    live_wall(presenter)
    clear_controls()
    if not presenter:
        st.caption(f"Shared digits live in the server's memory only, the latest {MAX_SHARED}, until the wall is cleared or the app stops.")


page()
