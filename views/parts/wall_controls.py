"""The teacher's controls over the class wall: take one digit off, hide every nickname, or clear it all.

Each needs the training password where one is set (views/parts/access.py), and each change is for every open
wall. Taking a digit off and clearing ask a second time, password or not: a slip of the finger on a projector
must not wipe out the class's work.
"""

from collections.abc import Callable

import streamlit as st

from i18n import N_, _, ngettext
from views.parts import access
from views.parts.class_wall import shared_wall
from views.parts.wall_tiles import OPEN_KEY

CONFIRM_KEY, CLEARED_KEY = "wall_confirm_clear", "wall_cleared"
TAKE_OFF_KEY = "wall_confirm_take_off"  # the number of the digit whose taking off waits for "Yes"
WHY = N_("Set by the teacher. Without it you can look at the wall, but not change it.")


def take_off_button(number: int, on_done: Callable[[], None]) -> None:
    """Under an opened digit's reading, for the teacher: take this digit off the wall, or every digit of the browser
    that shared it (a flood), after a second click."""
    if not access.unlocked():
        return
    wall = shared_wall()
    asked = st.session_state.get(TAKE_OFF_KEY)  # (number, everything from its sharer), waiting for "Yes"
    if not asked or asked[0] != number:  # the buttons' callbacks, for the dialog's own rerun to show
        same = wall.shared_by_the_same(number)
        with st.container(horizontal=True, gap="small"):
            st.button(_("Take this digit off the wall"), key="wall_take_off", icon=":material/visibility_off:",
                      on_click=st.session_state.update, kwargs={TAKE_OFF_KEY: (number, False)})  # fmt: skip
            if same > 1:
                st.button(_("Take off all {count} digits from the same browser").format(count=same), key="wall_take_off_all",
                          on_click=st.session_state.update, kwargs={TAKE_OFF_KEY: (number, True)})  # fmt: skip
        return
    everything = asked[1]
    if everything:
        question = _(
            "Take all {count} digits shared from the browser that shared number {number} off the wall, for everyone? "
            "They cannot be shared again."
        ).format(count=wall.shared_by_the_same(number), number=number)
    else:
        question = _("Take digit number {number} off the wall, for everyone? They cannot be shared again.").format(number=number)
    st.warning(question)
    yes, no = st.columns(2)
    if yes.button(_("Yes, take it off"), key="wall_take_off_yes", type="primary"):
        st.session_state.pop(TAKE_OFF_KEY, None)
        wall.take_off(number, everything_from_its_sharer=everything)
        on_done()
        st.rerun(scope="app")  # the wall, without it; the dialog closed
    no.button(_("Keep it"), key="wall_take_off_no", on_click=st.session_state.pop, args=(TAKE_OFF_KEY, None))


def _names_switch() -> None:
    wall = shared_wall()
    if wall.names_hidden:
        st.button(_("Show the nicknames again"), key="wall_names_show", on_click=wall.hide_names, args=(False,))
    else:
        st.button(_("Hide every nickname"), key="wall_names_hide", on_click=wall.hide_names, args=(True,),
                  help=_("The digits stay; no name is shown on any wall until you show them again."))  # fmt: skip


def _clear() -> None:
    if CLEARED_KEY in st.session_state:
        cleared = st.session_state.pop(CLEARED_KEY)
        st.success(
            ngettext("The wall is clear: {count} digit taken off.", "The wall is clear: {count} digits taken off.", cleared).format(
                count=cleared
            )
        )
    wall = shared_wall()
    if not st.session_state.get(CONFIRM_KEY):
        if st.button(_("Clear the wall"), key="wall_clear"):
            st.session_state[CONFIRM_KEY] = True
            st.rerun()
        return
    shared = len(wall.digits())
    question = ngettext(
        "Take the {count} digit shared and the race results off the wall, for everyone? They cannot be brought back.",
        "Take the {count} digits shared and the race results off the wall, for everyone? They cannot be brought back.",
        shared,
    )
    st.warning(question.format(count=shared))
    yes, no = st.columns(2)
    if yes.button(_("Yes, clear it"), key="wall_clear_yes", type="primary"):
        st.session_state[CLEARED_KEY] = wall.clear()
        st.session_state[CONFIRM_KEY] = False
        st.session_state.pop(OPEN_KEY, None)
        st.rerun()  # the wall above, empty
    if no.button(_("Keep them"), key="wall_clear_no"):
        st.session_state[CONFIRM_KEY] = False
        st.rerun()


def teacher_controls() -> None:
    """At the foot of the wall: the password, then the nicknames' switch and Clear. A digit is taken off from its reading."""
    with st.expander(_("Teacher: nicknames and clearing"), expanded=CLEARED_KEY in st.session_state):
        if not access.password_box(_(WHY)):
            return
        st.caption(_("To take one digit off the wall, open it: the button is under its reading."))
        _names_switch()
        _clear()
