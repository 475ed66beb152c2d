"""The reading player: a small Streamlit component (components v2) that draws and plays a reading in the browser.

It is mounted in the page itself, not in a frame, so it takes the page's fonts, its
layout follows its own width (stacked on a phone, two by two on a tablet, in a row on
a wide screen), and its buttons and slider are reached with Tab like the rest of the
page. Its specs come from views/players/reading_spec.py.

Its code (static/players/reading.js and .css, served by Streamlit's static file serving)
is fetched once by each browser, which keeps it: a component's inline code would travel
again with every reading, twice the size of the reading itself.
"""

import streamlit as st

from views.players.loader import static_loader

_player = st.components.v2.component(
    "row_reader.reading_player",
    js=static_loader("reading"),
    isolate_styles=False,  # in the page: its fonts, Tab order and the browser tests reach it
)


def show(spec: dict, key: str) -> None:
    """Mount the player (or hand it a new spec: under the same key it keeps its row, speed and playing)."""
    _player(data={**spec, "key": key}, key=key)
