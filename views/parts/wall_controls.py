"""The teacher's controls over the class wall: take one digit off, hide every nickname, or clear it all.

Each needs the training password where one is set (views/parts/access.py), and each change is for every open
wall. Taking a digit off and clearing ask a second time, password or not: a slip of the finger on a projector
must not wipe out the class's work.
"""

from collections.abc import Callable

import streamlit as st

from views.parts import access
from views.parts.class_wall import shared_wall
from views.parts.wall_tiles import OPEN_KEY, counted

CONFIRM_KEY, CLEARED_KEY = "wall_confirm_clear", "wall_cleared"
TAKE_OFF_KEY = "wall_confirm_take_off"  # the number of the digit whose taking off waits for "Yes"
WHY = "Set by the teacher. Without it you can look at the wall, but not change it."


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
            st.button("Take this digit off the wall", key="wall_take_off", icon=":material/visibility_off:",
                      on_click=st.session_state.update, kwargs={TAKE_OFF_KEY: (number, False)})  # fmt: skip
            if same > 1:
                st.button(f"Take off all {same} digits from the same browser", key="wall_take_off_all",
                          on_click=st.session_state.update, kwargs={TAKE_OFF_KEY: (number, True)})  # fmt: skip
        return
    everything = asked[1]
    what = f"digit number {number}"
    if everything:
        what = f"all {wall.shared_by_the_same(number)} digits shared from the browser that shared number {number}"
    st.warning(f"Take {what} off the wall, for everyone? They cannot be shared again.")
    yes, no = st.columns(2)
    if yes.button("Yes, take it off", key="wall_take_off_yes", type="primary"):
        st.session_state.pop(TAKE_OFF_KEY, None)
        wall.take_off(number, everything_from_its_sharer=everything)
        on_done()
        st.rerun(scope="app")  # the wall, without it; the dialog closed
    no.button("Keep it", key="wall_take_off_no", on_click=st.session_state.pop, args=(TAKE_OFF_KEY, None))


def _names_switch() -> None:
    wall = shared_wall()
    if wall.names_hidden:
        st.button("Show the nicknames again", key="wall_names_show", on_click=wall.hide_names, args=(False,))
    else:
        st.button("Hide every nickname", key="wall_names_hide", on_click=wall.hide_names, args=(True,),
                  help="The digits stay; no name is shown on any wall until you show them again.")  # fmt: skip


def _clear() -> None:
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


def teacher_controls() -> None:
    """At the foot of the wall: the password, then the nicknames' switch and Clear. A digit is taken off from its reading."""
    with st.expander("Teacher: nicknames and clearing", expanded=CLEARED_KEY in st.session_state):
        if not access.password_box(WHY):
            return
        st.caption("To take one digit off the wall, open it: the button is under its reading.")
        _names_switch()
        _clear()
