"""Bring a part of the page into view, once: after Start, the Train page's running run, wherever the page was scrolled.

A tiny component (components v2) that scrolls a keyed container (`st.container(key=...)`, which Streamlit
marks `.st-key-<key>`) to the top of the screen, below the header bar where one is shown, when it is
mounted. A page mounts it only in the run that should scroll: later runs leave the reader where they are.
"""

import streamlit as st

SCROLL = """
export default function ({ data }) {
  const target = document.querySelector(`.st-key-${CSS.escape(data.key)}`);
  if (!target) return;
  const header = document.querySelector('[data-testid=stHeader]');
  const covered = header && getComputedStyle(header).position === 'fixed' ? header.getBoundingClientRect().bottom : 0;
  target.style.scrollMarginTop = `${Math.max(covered, 0) + 8}px`;
  target.scrollIntoView({ block: 'start' });
}
"""

_scroll = st.components.v2.component("row_reader.scroll_into_view", js=SCROLL, isolate_styles=False)


def into_view(key: str) -> None:
    """Scroll the container with this key to the top of the screen, once, in this browser."""
    st.html(f"<style>.st-key-{key}-scroll {{ display: none; }}</style>")  # it shows nothing, and takes no room either
    _scroll(key=f"{key}-scroll", data={"key": key})
