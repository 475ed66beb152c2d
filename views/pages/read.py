"""The Read page: draw, pick or upload a digit and watch the network read it row by row."""

import streamlit as st

from i18n import N_, _, percent
from model.storage import ModelLoadError
from views import words
from views.digit import DRAW, SAMPLES, SOURCES, UPLOAD
from views.parts import inputs, readers, screen, session, sharing, style
from views.parts.models_in_use import active_model, reading_of
from views.parts.reading import sentences, show_answer, show_model_view, show_reading

SOURCE_NAMES = {DRAW: N_("Draw"), SAMPLES: N_("Samples"), UPLOAD: N_("Upload")}  # the inputs' ids, as the page names them


def explanations(kind: str) -> None:
    """What the reading shows, in plain words, closed by default: in presenter mode too, for the teacher to open.
    `kind` is the reader's cell: a GRU's or a plain RNN's reading has its own words for the memory cell and the gates."""
    with st.expander(_(words.WHAT_AM_I_LOOKING_AT_LABEL), icon=":material/help:"):
        for topic, text in words.what_am_i_looking_at(kind).items():
            # TRANSLATORS: a topic in bold, then what it means.
            st.markdown(_("**{topic}.** {text}").format(topic=_(topic), text=_(text)))


def reading_with(entry) -> str:
    """Which run's model reads, named as text: its name comes from the run's files."""
    accuracy = entry.metadata.get("test_accuracy")
    known = isinstance(accuracy, float) and 0 <= accuracy <= 1
    if known:
        return _("Reading with {model} ({accuracy} test accuracy).").format(model=words.plain(entry.label), accuracy=percent(accuracy, 2))
    return _("Reading with {model}.").format(model=words.plain(entry.label))


def digit_source(entry, loaded, presenter: bool, on_top: bool) -> str:
    """Draw, Samples or Upload; with the Reader switch beside it when it is `on_top`."""
    top_row = st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center") if on_top else st
    source = top_row.segmented_control(
        _("Digit"),
        SOURCES,
        default=DRAW,
        key=session.SOURCE_KEY,
        required=True,
        label_visibility="collapsed",
        persist_state="session",
        format_func=lambda source: _(SOURCE_NAMES[source]),
    )  # kept while one looks inside or trains, so coming back shows the same kind of digit
    if source != SAMPLES:
        st.query_params.pop("sample", None)
    if on_top:
        with top_row:
            readers.reader_switch(entry, loaded, presenter, inline=True)
    return source


def page() -> None:
    width = screen.page_width()
    presenter = style.title_with_presenter_switch("Row Reader", _(words.TAGLINE))

    try:
        entry, loaded = active_model()  # read from disk once per server, then shared
    except ModelLoadError as error:
        st.error(_("The network could not be loaded: {reason}").format(reason=words.plain(error)))
        return
    samples = {**inputs.gallery_read_by(entry, loaded), **session.picked_samples()}
    inputs.sample_from_link(samples)
    layout = style.read_layout(width, presenter)
    on_top = presenter and layout.columns == 3  # a projector: the Reader switch beside the digit's source, not under the fold
    source = digit_source(entry, loaded, presenter, on_top)

    if layout.columns == 3:
        digit_column, seen_column, answer_column = st.columns([5, 3, 4] if source == DRAW else [6, 3, 4], gap="large")
    else:  # a tablet: the digit beside the answer, what the model sees under it; a phone stacks them all
        digit_column, answer_column = st.columns(2, gap="medium")
        seen_column = answer_column
    with digit_column:
        if source == DRAW:
            digit = inputs.draw(presenter, layout.canvas)
        elif source == SAMPLES:
            digit = inputs.pick_sample(samples, presenter)
        else:
            digit = inputs.upload()
    if not entry.shipped:
        answer_column.caption(reading_with(entry))
    answer_place = answer_column.container()  # the answer first: it is what everyone waits for
    if not on_top:
        with answer_column:  # under it, the switch: the same digit read again by another reader
            readers.reader_switch(entry, loaded, presenter)
    if digit is None:
        return
    reading = reading_of(loaded, digit.image)
    session.remember(digit)
    with answer_place:
        show_answer(digit, reading, presenter)
    with seen_column:
        show_model_view(digit, presenter)

    st.header(_("The reading, row by row"))
    if not presenter:  # where h and units first appear on the page; on a projector the teacher says it
        layers = reading.hidden.shape[0]
        intro = _(words.READING_INTRO).format(units=reading.hidden.shape[-1])
        st.caption(sentences(intro, _(words.LAYERS).format(layers=layers)) if layers > 1 else intro)
    explanations(reading.kind)  # above the reading it explains, not at the foot of the page
    show_reading(digit, reading, presenter, autoplay=True)  # it comes to the student: a new digit plays once
    sharing.share_form(digit, reading)


page()
