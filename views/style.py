"""Presenter mode: bigger type for the back of a classroom, and less on screen."""

import streamlit as st

PRESENTER_CSS = """
<style>
html { font-size: 24px; }
[data-testid="stMetricValue"] { font-size: 5rem; line-height: 1.1; }
[data-testid="stMetricDelta"] { font-size: 1.4rem; }
[data-testid="stCaptionContainer"] { font-size: 1rem; }
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none; }
</style>
"""

STANDARD_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 4rem; line-height: 1.1; }
</style>
"""


def apply(presenter: bool) -> None:
    st.html(PRESENTER_CSS if presenter else STANDARD_CSS)
