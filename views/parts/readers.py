"""The Read page's Reader switch: which network reads this browser's digits.

It offers the shipped LSTM, GRU and plain RNN (those whose files are there) and
the run's model this browser chose on the Train page, or the server's default
run that reads for it. Choosing sets this browser's reader only, never the
server's default; the digit on the page stays, and the new reader reads it.
"""

import streamlit as st

from i18n import N_, _
from model.storage import LoadedModel
from training.registry import SHIPPED_CELLS, ModelEntry
from views.parts import session
from views.parts.models_in_use import registry

READER_KEY = "reader"  # the switch's own key; the choice itself is session.MODEL_KEY, which outlives the page
CELL_NAMES = {"lstm": N_("LSTM"), "gru": N_("GRU"), "rnn": N_("Plain RNN")}
TRAINED_NAMES = {"lstm": N_("Trained LSTM"), "gru": N_("Trained GRU"), "rnn": N_("Trained plain RNN")}
# What the reader in use has that the others have not, in a sentence.
CELL_NOTES = {
    "lstm": N_("An LSTM has four gates and a second memory, the cell state c."),
    "gru": N_("A GRU has two gates and no cell state c: fewer parts than an LSTM."),
    "rnn": N_("A plain RNN has no gates: each row rewrites its whole hidden state h."),
}


def choices(entry: ModelEntry) -> dict[str, str]:
    """The readers offered, by id: each shipped one that is there, then the run this browser chose and the one
    reading now, where they are usable; each by its short name in the reader's language."""
    models = registry()
    offered = {shipped.id: _(CELL_NAMES[SHIPPED_CELLS[shipped.id]]) for shipped in models.shipped_models()}
    trained = session.trained_model_id()
    runs = [entry] + ([] if trained in (None, entry.id) else [models.model(trained)])
    for run in runs:
        if run is not None and run.id not in offered and run.problem is None:
            offered[run.id] = _(TRAINED_NAMES[run.cell or "lstm"])
    return offered


def _chosen() -> None:
    session.choose_model(st.session_state[READER_KEY])


def reader_switch(entry: ModelEntry, loaded: LoadedModel, presenter: bool, *, inline: bool = False) -> None:
    """The switch, showing the reader in use, and (not on a projector, where the teacher says it) what sets it apart.

    An `inline` one has its name beside it rather than above, so that a row it shares is no taller."""
    offered = choices(entry)
    if len(offered) < 2:  # the shipped LSTM alone: nothing to switch to
        return
    st.session_state[READER_KEY] = entry.id  # whichever page, fallback or default chose it
    place = st.container(horizontal=True, gap="small", vertical_alignment="center", width="content") if inline else st
    if inline:
        place.markdown(_("Reader"))  # its name as the page shows it; a screen reader hears the switch's own label
    place.segmented_control(
        _("Reader"),
        list(offered),
        key=READER_KEY,
        required=True,
        on_change=_chosen,
        format_func=offered.get,
        help=None if inline else _("Which network reads your digit. It changes in this browser only."),
        label_visibility="collapsed" if inline else "visible",
    )
    if not presenter:
        st.caption(_(CELL_NOTES[loaded.weights.cell]))
