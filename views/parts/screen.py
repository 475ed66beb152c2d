"""How wide the page is in this browser, for what Streamlit cannot size by itself (the drawing canvas takes pixels).

A tiny component (components v2) measures the main column and reports it, rounded
to 10 px, when the page opens and when its width changes (a tablet turned, a window
resized); until it has, the width is unknown and callers take a size that fits a phone.
"""

import streamlit as st

MEASURE = """
export default function ({ parentElement, setStateValue }) {
  const main = parentElement.closest('[data-testid=stMainBlockContainer]') || document.documentElement;
  let reported = null;
  const report = () => {
    const style = getComputedStyle(main);
    const width = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const rounded = Math.floor(width / 10) * 10;
    if (rounded > 0 && rounded !== reported) {
      reported = rounded;
      setStateValue('width', rounded);
    }
  };
  const observer = new ResizeObserver(report);
  observer.observe(main);
  report();
  return () => observer.disconnect();
}
"""

_measure = st.components.v2.component("row_reader.page_width", js=MEASURE, isolate_styles=False)
HIDE = "<style>.st-key-page-width { display: none; }</style>"  # it shows nothing, and takes no room either


WIDTH_KEY = "page_width_seen"  # the last width measured, for the first run of a page opened again (its measure is new)


def page_width() -> int | None:
    """The main column's width in CSS pixels in this browser, or None before the browser has said.

    A page opened again starts from the width measured last, so that nothing sized by it (the canvas and the
    strokes put back on it) first takes a phone's size and then grows.
    """
    st.html(HIDE)
    result = _measure(key="page-width", default={"width": None}, on_width_change=lambda: None)
    if result.width is not None:
        st.session_state[WIDTH_KEY] = result.width
    return st.session_state.get(WIDTH_KEY)
