"""The glossary, one tap away on every page and in presenter mode: a small button that opens the words' meanings.

Its words are data in views/words.py (GLOSSARY); app.py puts the button in the page-links row, and presenter mode's
page bar (views/parts/presenter.py) in its own row.
"""

import streamlit as st

from i18n import N_, _
from views import words

LABEL = N_("Words")  # short: it fits a phone's row of page links and the presenter's page bar
HELP = N_("What the words on these pages mean, in plain words")
TITLE = N_("What the words mean")


def glossary_button() -> None:
    """The "Words" button; it opens a list of every term with its meaning (its contents are in the page, for search
    and screen readers, whether it is open or not)."""
    with st.popover(_(LABEL), icon=":material/menu_book:", help=_(HELP), key="glossary"):
        st.markdown(f"**{_(TITLE)}**")
        for term, meaning in words.GLOSSARY.items():
            st.markdown(_("**{term}**: {meaning}").format(term=_(term), meaning=_(meaning)))
