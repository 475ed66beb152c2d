"""The Class wall: every digit the class shared, as the network read it, for the teacher to project.

The wall redraws itself every REFRESH_S seconds (a fragment, so a reading
opened over it keeps playing). A switch at its top shows the digits (their tiles:
views/parts/wall_tiles.py) or the race results. Clearing it needs the training
password where one is set.
"""

import streamlit as st

from classroom.wall import MAX_SHARED, ClassWall, SharedDigit, race_table
from model.storage import ModelLoadError
from views import words
from views.digit import Digit
from views.figures.plotting import PLOTLY_CONFIG
from views.figures.wall import race_spec, race_summary
from views.parts import access, style, wall_tiles
from views.parts.class_wall import shared_wall
from views.parts.models_in_use import active_model, reading_of
from views.parts.reading import show_reading
from views.parts.wall_style import wall_css
from views.parts.wall_tiles import EVERY, NEWEST, OPEN_KEY, chosen, counted, wall_headline

REFRESH_S = 2  # a shared digit is on every open wall within this
CONFIRM_KEY, CLEARED_KEY = "wall_confirm_clear", "wall_cleared"
VIEW_KEY = "wall_view"  # the switch between the digits and the race results: a widget's key, kept by the fragment's reruns
DIGITS, RACES = "Digits", "Race results"
TAGLINE = "The digits the class shared, as the network read them. Open one to play its reading to the room."
NOTHING_SHARED = "Nothing is shared yet. On the Read page, press Share with the class under a reading, and it appears here."
NO_RACES = "No races yet. Each digit raced on the Race page comes here: the class's rows against the network's."


def _switches(digits: list[SharedDigit]) -> tuple[str, str, str]:
    """The wall's headline and, on its line, what the wall shows: the digits (in an order, all or some) or the races."""
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="wall-top"):
        with st.container(key="wall-headline", width="content"):
            st.header(wall_headline(digits), anchor=False)
        view = st.segmented_control(
            "The wall shows", [DIGITS, RACES], default=DIGITS, key=VIEW_KEY, required=True, label_visibility="collapsed"
        )
        if view != DIGITS or not digits:
            return view, NEWEST, EVERY
        st.space("stretch")
        with st.container(horizontal=True, gap="small", vertical_alignment="center", width="content", key="wall-choices"):
            order, show = wall_tiles.choices()  # together, on the line or the next
    return view, order, show


def _race_results(wall: ClassWall, presenter: bool) -> None:
    table = race_table(wall.race_results())
    if not table:
        st.info(NO_RACES)
        return
    summary = race_summary(table)
    st.subheader("Races: the class against the network", anchor=False)
    st.caption(summary)
    st.plotly_chart(race_spec(table, presenter), config=PLOTLY_CONFIG, key="race-results", alt=summary)


@st.fragment(run_every=REFRESH_S)
def live_wall(presenter: bool) -> None:
    """Everything shared, redrawn every REFRESH_S seconds for whoever has the wall open: a line of switches, then
    the digits or the race results. The switches keep their choice from one redraw to the next."""
    wall = shared_wall()
    digits = wall.digits()
    with st.container(gap="small", key="wall"):
        view, order, show = _switches(digits)
        if view == RACES:
            _race_results(wall, presenter)
        elif not digits:
            st.info(NOTHING_SHARED)
        elif shown := chosen(digits, order, show):
            wall_tiles.tiles(shown, presenter)
        else:
            st.info("No shared digit fits this choice.")


def _close() -> None:
    st.session_state.pop(OPEN_KEY, None)


def _play(digit: SharedDigit, presenter: bool) -> None:
    """Back to the wall, then the shared digit's reading, large and playing, by the model this browser reads with."""
    top = st.container(horizontal=True, gap="medium", vertical_alignment="center")
    if top.button("Back to the wall", key="wall_close", icon=":material/arrow_back:"):
        _close()
        st.rerun(scope="app")  # a button in a dialog reruns only the dialog: the whole page, drawn without it, closes it
    about = [f"Shared by {words.plain(digit.nickname)}"] if digit.nickname else []
    if digit.drawn_as is not None:
        about.append(f"Meant: {digit.drawn_as}")
    if about:
        top.markdown(" · ".join(about))
    try:
        _, loaded = active_model()
    except ModelLoadError as error:
        st.error(f"The network could not be loaded, so the reading cannot play: {words.plain(error)}")
        return
    reading = reading_of(loaded, digit.ink)
    shown = Digit(digit.ink, None, digit.drawn_as, f"shared digit number {digit.number}", ("wall", digit.number))
    show_reading(shown, reading, presenter, autoplay=True)


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
    st.html(wall_css(presenter))
    opened_reading(presenter)
    live_wall(presenter)
    if not presenter:
        st.caption(f"Shared digits live in the server's memory only, the latest {MAX_SHARED}, until the wall is cleared or the app stops.")
    clear_controls()  # last: a closed expander's contents, laid out under it unseen, would lie under any words after it


page()
