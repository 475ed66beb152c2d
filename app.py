"""Row Reader: watch an LSTM read a digit one pixel row at a time.

streamlit run app.py
"""

import streamlit as st

from training.devices import prepare_environment
from views.parts import glossary, presenter

# The page-links row: on a wide screen only its glossary button, at the right (the page names are in the top bar).
PAGE_LINKS_CSS = """<style>
.st-key-page-links { justify-content: flex-end; }
.st-key-page-links [data-testid="stElementContainer"]:has([data-testid="stPageLink"]) { display: none; }
@media (max-width: 767.98px) {
  .st-key-page-links { justify-content: flex-start; }
  .st-key-page-links [data-testid="stElementContainer"]:has([data-testid="stPageLink"]) { display: flex; }
}
</style>"""

prepare_environment()  # before any page imports Keras
st.set_page_config(page_title="Row Reader", page_icon="✍️", layout="wide")
pages = [
    st.Page("views/pages/read.py", title="Read", icon=":material/draw:", default=True),
    st.Page("views/pages/lesson.py", title="Lesson", icon=":material/school:", url_path="lesson"),
    st.Page("views/pages/inside.py", title="Look inside", icon=":material/biotech:", url_path="inside"),
    st.Page("views/pages/race.py", title="Race", icon=":material/timer:", url_path="race"),
    st.Page("views/pages/wall.py", title="Class wall", icon=":material/groups:", url_path="wall"),
    st.Page("views/pages/train.py", title="Train", icon=":material/monitoring:", url_path="train"),
    st.Page("views/pages/about.py", title="About", icon=":material/info:", url_path="about"),
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
page.run()
