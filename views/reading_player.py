"""The reading player: a small Streamlit component (components v2) that draws and plays a reading in the browser.

It is mounted in the page itself, not in a frame, so it takes the page's fonts, its
layout follows its own width (stacked on a phone, two by two on a tablet, in a row on
a wide screen), and its buttons and slider are reached with Tab like the rest of the
page. Its specs come from views/reading_figures.py.
"""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent

_player = st.components.v2.component(
    "row_reader.reading_player",
    js=(HERE / "reading_player.js").read_text(encoding="utf-8"),
    css=(HERE / "reading_player.css").read_text(encoding="utf-8"),
    isolate_styles=False,  # in the page: its fonts, Tab order and the browser tests reach it
)


def show(spec: dict, key: str) -> None:
    """Mount the player (or hand it a new spec: under the same key it keeps its row, speed and playing)."""
    _player(data={**spec, "key": key}, key=key)
