"""The Look inside page's small shared pieces: its charts' type, a view's explanation, the closed "How is this made?"
box, a big number with a note, and a chart sized by the page's CSS. Here so that the page's views in views/parts/ use
them as the page does."""

import streamlit as st

import i18n
from i18n import N_, _
from views.figures.plotting import PLOTLY_CONFIG

HOW_IS_THIS_MADE = N_("How is this made?")  # the technical detail's closed box: what a student sees first has none
# The charts' type: the smallest text they derive from it (the map's row numbers) is 4 px less, so presenter mode's
# is 16 px, as the page's smallest words are there (its base type is 24 px).
FONT_SIZE, PRESENTER_FONT_SIZE = 16, 20


def chart_font(presenter: bool) -> int:
    """The charts' type size, on a screen close by or on a projector."""
    return PRESENTER_FONT_SIZE if presenter else FONT_SIZE


def explain(text: str, presenter: bool) -> None:
    """A view's explanation, under its chart: in presenter mode the teacher gives it instead."""
    if not presenter:
        st.caption(text)


def how_it_is_made(text: str, key: str) -> None:
    """The technical detail, for the curious only: closed by default, in presenter mode too (the teacher may open it)."""
    with st.expander(_(HOW_IS_THIS_MADE), icon=":material/science:", key=f"how-{key}"):
        st.caption(text)


def sized_chart(place, figure, key: str, alt: str, **chart_args):
    """A chart drawn at the height the page's CSS gives its box on this screen."""
    box = place.container(key=f"{key}-box")
    return box.plotly_chart(figure, height="stretch", config=PLOTLY_CONFIG, key=key, alt=alt, **chart_args)


def metric(place, label: str, value, note: str, **metric_args) -> None:
    """A big number with a grey note under it (a metric's delta, without its arrow and colour)."""
    place.metric(label, value, note, delta_arrow="off", delta_color="off", **metric_args)


def listed(items) -> str:
    """Numbers in a list, as the reader's language separates them: "1, 2, 3"; "1、2、3"."""
    return ("、" if i18n.current() in ("zh", "ja") else ", ").join(map(str, items))
