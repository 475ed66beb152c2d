"""Presenter mode, a state of the browser session: bigger type, fewer controls, and its own page bar for a projector.

It is kept in the session while the teacher moves from page to page (a widget's own
state would go with its page) and in the address (?present=true), so that a link to
any page opens in it. app.py reads it before the page runs; pages ask `is_on()`.
"""

import streamlit as st

from i18n import N_, _
from views.parts import glossary, join, language

PRESENT_KEY = "present"  # the switch's key, and the address's ?present=
ON_KEY = "presenter_on"  # the session's answer, which outlives the switch
SWITCH_HELP = N_("Bigger type and fewer controls, for a projector. A page bar at the top moves between pages.")

# The page bar: every page, Join, Words and the language in one row that fits a 1280 px projector, each a big target reached with Tab.
BAR_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-left: 1.5rem; padding-right: 1.5rem; }
.st-key-presenter-bar { flex-wrap: wrap; gap: 0.2rem 0.25rem !important; padding-bottom: 0.3rem; border-bottom: 2px solid #d0d3da; }
.st-key-presenter-bar a[data-testid="stPageLink-NavLink"] { padding: 0.15rem 0.4rem; border-radius: 0.5rem; }
.st-key-presenter-bar button { padding: 0.25rem 0.5rem !important; min-height: 0 !important; }
/* The pages by name alone: with their icons, seven names, Join, Words and the language ran past 1280 px in Japanese. */
.st-key-presenter-bar a[data-testid="stPageLink-NavLink"] > span:has([data-testid="stIconMaterial"]) { display: none; }
.st-key-presenter-bar a[data-testid="stPageLink-NavLink"] p,
.st-key-presenter-bar button p, .st-key-presenter-bar label p { font-size: 0.85rem !important; }
.st-key-presenter-bar a[data-testid="stPageLink-NavLink"]:focus-visible { outline: 3px solid #1c5fb8; outline-offset: 2px; }
</style>"""


def is_on() -> bool:
    """Whether this session is in presenter mode; a session opened by a link takes it from the link."""
    if ON_KEY not in st.session_state:
        st.session_state[ON_KEY] = str(st.query_params.get(PRESENT_KEY, "")).strip().lower() == "true"
    return bool(st.session_state[ON_KEY])


def keep_in_address(on: bool) -> None:
    """?present=true in the address while presenter mode is on, so that a copied link opens in it."""
    if on:
        st.query_params[PRESENT_KEY] = "true"
    else:
        st.query_params.pop(PRESENT_KEY, None)


def _switched() -> None:
    st.session_state[ON_KEY] = bool(st.session_state.get(PRESENT_KEY))


def switch(place=st, *, compact: bool = False) -> bool:
    """The "Presenter mode" switch, showing the session's state; returns it. A `compact` one is the switch alone (its
    name is still read out, and shown on hover), for the end of presenter mode's page bar, which it would push onto
    a second line of a 1280 px projector."""
    st.session_state[PRESENT_KEY] = is_on()  # the switch shows the session's state, whichever page set it
    place.toggle(
        _("Presenter mode"), key=PRESENT_KEY, on_change=_switched, help=None if compact else _(SWITCH_HELP),
        label_visibility="collapsed" if compact else "visible",
    )  # fmt: skip
    return is_on()


def page_bar(pages: list) -> None:
    """Presenter mode's own navigation: the pages, the join card, the glossary, and the way out, in one row at the top."""
    st.html(BAR_CSS)
    with st.container(key="presenter-bar", horizontal=True, gap="small", vertical_alignment="center"):
        for page in pages:
            st.page_link(page, query_params={PRESENT_KEY: "true"})
        join.join_button()
        glossary.glossary_button()
        language.picker()
        switch(compact=True)
