"""The Class wall: every digit the class shared, as the network read it, for the teacher to project.

Every REFRESH_S seconds a small fragment looks whether the wall has changed (ClassWall.version) and only then
draws the page again, so an unchanged wall costs the thirty phones that show it nothing but that look; while a
reading is open over the wall it waits, so the reading plays on. A switch at its top shows the digits (their
tiles: views/parts/wall_tiles.py) or the race results. The teacher's controls (views/parts/wall_controls.py) take
one digit off, hide the nicknames or clear the wall, with the training password where one is set.
"""

import streamlit as st

from classroom.wall import MAX_SHARED, ClassWall, SharedDigit, race_table
from i18n import N_, _
from model.storage import ModelLoadError
from views import words
from views.digit import Digit
from views.figures.plotting import PLOTLY_CONFIG
from views.figures.wall import race_spec, race_summary
from views.parts import style, wall_controls, wall_tiles
from views.parts.class_wall import shared_wall
from views.parts.models_in_use import active_model, reading_of
from views.parts.reading import show_reading
from views.parts.wall_style import wall_css
from views.parts.wall_tiles import EVERY, NEWEST, OPEN_KEY, chosen, wall_headline

REFRESH_S = 2  # a shared digit is on every open wall within this
DRAWN_KEY = "wall_version_drawn"  # the wall's version this page last drew
VIEW_KEY = "wall_view"  # the switch between the digits and the race results: a widget's key, kept from run to run
DIGITS, RACES = N_("Digits"), N_("Race results")  # the switch's options, kept as they are and shown translated
TAGLINE = N_("The digits the class shared, as the network read them. Open one to play its reading to the room.")
NOTHING_SHARED = N_("Nothing is shared yet. On the Read page, press Share with the class under a reading, and it appears here.")
NO_RACES = N_("No races yet. Each digit raced on the Race page comes here: the class's rows against the network's.")


def _switches(digits: list[SharedDigit]) -> tuple[str, str, str]:
    """The wall's headline and, on its line, what the wall shows: the digits (in an order, all or some) or the races."""
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="wall-top"):
        with st.container(key="wall-headline", width="content"):
            st.header(wall_headline(digits), anchor=False)
        view = st.segmented_control(
            _("The wall shows"), [DIGITS, RACES], default=DIGITS, key=VIEW_KEY, required=True, label_visibility="collapsed",
            format_func=lambda option: _(option),
        )  # fmt: skip
        if view != DIGITS or not digits:
            return view, NEWEST, EVERY
        st.space("stretch")
        with st.container(horizontal=True, gap="small", vertical_alignment="center", width="content", key="wall-choices"):
            order, show = wall_tiles.choices()  # together, on the line or the next
    return view, order, show


def _race_results(wall: ClassWall, presenter: bool) -> None:
    table = race_table(wall.race_results())
    if not table:
        st.info(_(NO_RACES))
        return
    summary = race_summary(table)
    st.subheader(_("Races: the class against the network"), anchor=False)
    st.caption(summary)
    st.plotly_chart(race_spec(table, presenter), config=PLOTLY_CONFIG, key="race-results", alt=summary)


@st.fragment(run_every=REFRESH_S)
def wall_watch() -> None:
    """Every REFRESH_S seconds: the page is drawn again only if the wall changed since it was drawn, and no reading
    is open over it."""
    if shared_wall().version != st.session_state.get(DRAWN_KEY) and OPEN_KEY not in st.session_state:
        st.rerun(scope="app")


def the_wall(presenter: bool) -> None:
    """Everything shared: a line of switches, then the digits or the race results."""
    wall = shared_wall()
    digits = wall.digits()
    with st.container(gap="small", key="wall"):
        view, order, show = _switches(digits)
        if view == RACES:
            _race_results(wall, presenter)
        elif not digits:
            st.info(_(NOTHING_SHARED))
        elif shown := chosen(digits, order, show):
            wall_tiles.tiles(shown, presenter, names=not wall.names_hidden)
        else:
            st.info(_("No shared digit fits this choice."))


def _close() -> None:
    st.session_state.pop(OPEN_KEY, None)


def _play(digit: SharedDigit, presenter: bool) -> None:
    """Back to the wall, then the shared digit's reading, large and playing, by the model this browser reads with."""
    top = st.container(horizontal=True, gap="medium", vertical_alignment="center")
    if top.button(_("Back to the wall"), key="wall_close", icon=":material/arrow_back:"):
        _close()
        st.rerun(scope="app")  # a button in a dialog reruns only the dialog: the whole page, drawn without it, closes it
    named = digit.nickname and not shared_wall().names_hidden
    about = [_("Shared by {nickname}").format(nickname=words.plain(digit.nickname))] if named else []
    if digit.drawn_as is not None:
        about.append(_("Meant: {digit}").format(digit=digit.drawn_as))
    if about:
        top.markdown(" · ".join(about))
    try:
        _entry, loaded = active_model()
    except ModelLoadError as error:
        st.error(_("The network could not be loaded, so the reading cannot play: {error}").format(error=words.plain(error)))
        return
    reading = reading_of(loaded, digit.ink)
    shown = Digit(digit.ink, None, digit.drawn_as, _("shared digit number {number}").format(number=digit.number), ("wall", digit.number))
    show_reading(shown, reading, presenter, autoplay=True)
    wall_controls.take_off_button(digit.number, on_done=_close)


def opened_reading(presenter: bool) -> None:
    """The opened tile's reading, over the wall, where the teacher clicked."""
    number = st.session_state.get(OPEN_KEY)
    if number is None:
        return
    digit = shared_wall().digit(number)
    if digit is None:
        st.info(_("That digit is no longer on the wall."))
        _close()
        return
    st.dialog(_("Digit number {number}").format(number=digit.number), width="large", on_dismiss=_close)(_play)(digit, presenter)


def page() -> None:
    presenter = style.title_with_presenter_switch(_("Class wall"), _(TAGLINE))
    st.html(wall_css(presenter))
    st.session_state[DRAWN_KEY] = shared_wall().version  # before the digits: a share made meanwhile is the next look's
    wall_watch()  # its timer first, so that nothing below that ends this run early leaves the wall without it
    opened_reading(presenter)
    the_wall(presenter)
    if not presenter:
        st.caption(
            _("The wall keeps the latest {count} shared digits until the teacher clears it or the app stops, and no longer.").format(
                count=MAX_SHARED
            )
        )
    wall_controls.teacher_controls()  # last: a closed expander's contents, laid out under it unseen, would lie under words after it


page()
