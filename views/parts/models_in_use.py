"""Which model reads digits for this browser: its own choice, else the server's default, else the shipped LSTM.

The list of models and the default are the registry's (training/registry.py).
What is read or computed from a model file here, the loaded weights and the
readings of digits, is kept once per server with st.cache_resource, keyed by
the file's stamp (so a replaced file is read again) and shared by every
session; a model that fails to load is reported and skipped, never fatal.
"""

import numpy as np
import streamlit as st

from i18n import _
from model.files import file_stamp
from model.storage import LoadedModel, ModelLoadError, load_model
from model.xray import Reading, read_digit
from training.registry import SHIPPED, ModelEntry, ModelRegistry
from training.runs import RunManager
from views.digit import image_key
from views.parts import session
from views.words import plain

MODELS_KEPT = 8  # loaded models kept per server: the three shipped ones and the few a class reads with
READINGS_KEPT = 40  # a class of thirty with a drawing each on screen; about 170 KB each with the shipped model


def registry() -> ModelRegistry:
    """Cheap to make: every answer comes from the files in the runs folder."""
    return ModelRegistry()


def run_manager() -> RunManager:
    """Cheap to make, and it keeps nothing: every answer is read from the runs folder."""
    return RunManager()


_asked: set[tuple] = set()  # the model files this server has read once: the first reading shows a spinner


@st.cache_resource(max_entries=MODELS_KEPT, show_spinner=False)  # its spinner is load_entry's, in the reader's language
def _load(path: str, stamp: tuple) -> LoadedModel | str:
    """The model, or why it cannot be used (a string, so that the failure is kept too)."""
    try:
        return load_model(path)
    except ModelLoadError as error:
        return str(error)


def load_entry(entry: ModelEntry) -> LoadedModel | str:
    if entry.problem:
        return entry.problem
    stamp = file_stamp(entry.path)
    if stamp is None:  # deleted between listing and loading
        return _("The model file is missing: it was deleted or moved.")
    key = (str(entry.path), stamp)
    if key in _asked:  # read before, so kept: no spinner, which would put one more element on the page
        return _load(*key)
    with st.spinner(_("Loading the network...")):
        loaded = _load(*key)
    _asked.add(key)
    return loaded


def active_model() -> tuple[ModelEntry, LoadedModel]:
    """The model this session reads with; falls back to the shipped LSTM, with a warning, if its choice cannot load."""
    models = registry()
    wanted = session.chosen_model_id() or models.default_model_id()
    entry = models.model(wanted) if wanted != SHIPPED else None
    if entry is not None:
        loaded = load_entry(entry)
        if isinstance(loaded, LoadedModel):
            return entry, loaded
        st.warning(_("The chosen model cannot be used, so the shipped LSTM reads instead: {reason}").format(reason=plain(loaded)))
    elif wanted != SHIPPED:
        st.warning(_("The chosen model is no longer there, so the shipped LSTM reads instead."))
    if wanted != SHIPPED:  # a choice of the shipped LSTM is kept: the server's default may change meanwhile
        session.forget_model_choice()
    shipped = models.model(SHIPPED)
    loaded = load_entry(shipped)
    if isinstance(loaded, str):
        raise ModelLoadError(loaded)
    return shipped, loaded


@st.cache_resource(max_entries=READINGS_KEPT, show_spinner=False)
def _reading(model_path: str, stamp: tuple | None, key: str, _weights, _image: np.ndarray) -> Reading:
    return read_digit(_weights, _image)


def reading_of(loaded: LoadedModel, image: np.ndarray) -> Reading:
    """read_digit(loaded.weights, image), replayed once per drawing and model, for every session.

    Changing what the reading shows (the state, the layer, the speed) reruns the
    page, and should not replay the network.
    """
    return _reading(str(loaded.path), loaded.stamp, image_key(image), loaded.weights, np.asarray(image, np.float32))
