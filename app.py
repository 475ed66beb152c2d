"""Row Reader: watch an LSTM read a digit one pixel row at a time.

streamlit run app.py
"""

import streamlit as st

from i18n import _
from training.devices import prepare_environment
from views.parts import glossary, language, presenter

# The page-links row: on a wide screen only its glossary button, in the top bar beside its menu (the page names are
# in that bar there); on a phone the page names and the button, as a row of links at the top of the page.
PAGE_LINKS_CSS = """<style>
@media (min-width: 768px) {
  .st-key-page-links { position: fixed; top: 0.6rem; right: 3.5rem; width: auto; z-index: 999991; }
  .st-key-page-links [data-testid="stElementContainer"]:has([data-testid="stPageLink"]) { display: none; }
}
@media (max-width: 767.98px) {  /* seven pages by name, Words and the language in two lines of a phone: the answer stays in view */
  .st-key-page-links { column-gap: 0.15rem !important; row-gap: 0.3rem !important; }
  .st-key-page-links a[data-testid="stPageLink-NavLink"] { padding-left: 0.2rem; padding-right: 0.2rem; }
  .st-key-page-links a[data-testid="stPageLink-NavLink"] > span:has([data-testid="stIconMaterial"]) { display: none; }
  .st-key-page-links [data-testid="stPopover"] button { padding: 0.2rem 0.3rem; min-height: 0; }
}
</style>"""

prepare_environment()  # before any page imports Keras
st.set_page_config(page_title="Row Reader", page_icon="✍️", layout="wide")
language.choose()  # before any word is drawn
pages = [
    st.Page("views/pages/read.py", title=_("Read"), icon=":material/draw:", default=True),
    st.Page("views/pages/lesson.py", title=_("Lesson"), icon=":material/school:", url_path="lesson"),
    st.Page("views/pages/inside.py", title=_("Look inside"), icon=":material/biotech:", url_path="inside"),
    st.Page("views/pages/race.py", title=_("Race"), icon=":material/timer:", url_path="race"),
    st.Page("views/pages/wall.py", title=_("Class wall"), icon=":material/groups:", url_path="wall"),
    st.Page("views/pages/train.py", title=_("Train"), icon=":material/monitoring:", url_path="train"),
    st.Page("views/pages/about.py", title=_("About"), icon=":material/info:", url_path="about"),
]
presenting = presenter.is_on()
page = st.navigation(pages, position="hidden" if presenting else "top")
presenter.keep_in_address(presenting)
if presenting:  # its own page bar, big, for a projector
    presenter.page_bar(pages)
else:  # below 768 px Streamlit folds the page names into a menu button; a phone shows them as a row of links instead
    st.html(PAGE_LINKS_CSS)
    with st.container(key="page-links", horizontal=True, gap="small", vertical_alignment="center"):
        for each in pages:
            st.page_link(each)
        glossary.glossary_button()  # on every screen: the row's links show on a phone only
        language.picker()
page.run()
