"""Which model reads digits: this browser's choice, else the server's default, else the one that ships.

Models are loaded once per server (keyed by file and modification time, so a
retrained file is reloaded) and shared by every session; a model that fails
to load is reported and skipped, never fatal. Which model that is gets asked
on every stroke of every student, so the answer is kept too, for as long as
the few files it was read from are unchanged: a stroke costs a handful of
stat calls, not reading and checking model files.
"""

import functools
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
import streamlit as st

from model.storage import LoadedModel, ModelLoadError, load_model
from model.xray import Reading, read_digit
from training.runs import DEFAULT_FILE, SHIPPED, ModelEntry, RunManager

SESSION_KEY = "model_id"
ANSWERS_KEPT = 32  # model entries and default choices; a class uses a handful
READINGS_KEPT = 40  # a class of thirty with a drawing each on screen; about 170 KB each with the shipped model


def run_manager() -> RunManager:
    """Cheap to make, and it keeps nothing: every answer is read from the runs folder."""
    return RunManager()


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Inode, modification time and size of a file, None if it is missing: a replaced or rewritten file changes it.

    What every per-server cache of something read from a file is keyed by.
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=ANSWERS_KEPT)
def _model_entry(root: str, model_id: str, stamps: tuple) -> ModelEntry | None:
    return RunManager(root).model(model_id)


@functools.lru_cache(maxsize=ANSWERS_KEPT)
def _default_choice(root: str, stamps: tuple) -> str:
    return RunManager(root).default_choice()


def model_entry(manager: RunManager, model_id: str) -> ModelEntry | None:
    """manager.model(model_id), read again only when one of its files has changed."""
    return _model_entry(str(manager.root), model_id, tuple(map(file_stamp, manager.model_files(model_id))))


def default_model_id(manager: RunManager) -> str:
    """manager.default_model_id(), from the same kept answers."""
    chosen = _default_choice(str(manager.root), file_stamp(manager.root / DEFAULT_FILE))
    entry = model_entry(manager, chosen) if chosen != SHIPPED else None
    return chosen if entry is not None and entry.problem is None else SHIPPED


@st.cache_resource(max_entries=6, show_spinner="Loading the network...")
def _load(path: str, stamp: tuple[int, int, int]) -> LoadedModel | str:
    """The model, or why it cannot be used (a string, so that the failure is cached too)."""
    try:
        return load_model(path)
    except ModelLoadError as error:
        return str(error)


def load_entry(entry: ModelEntry) -> LoadedModel | str:
    if entry.problem:
        return entry.problem
    stamp = file_stamp(entry.path)
    if stamp is None:  # deleted between listing and loading
        return f"{entry.path}: the model file is missing"
    return _load(str(entry.path), stamp)


def active_model() -> tuple[ModelEntry, LoadedModel]:
    """The model this session reads with; falls back to the shipped one, with a warning, if its choice cannot load."""
    manager = run_manager()
    wanted = st.session_state.get(SESSION_KEY) or default_model_id(manager)
    entry = model_entry(manager, wanted) if wanted != SHIPPED else None
    if entry is not None:
        loaded = load_entry(entry)
        if isinstance(loaded, LoadedModel):
            return entry, loaded
        st.warning(f"The chosen model cannot be used, so the shipped one reads instead: {loaded}")
    elif wanted != SHIPPED:
        st.warning("The chosen model is no longer there, so the shipped one reads instead.")
    st.session_state.pop(SESSION_KEY, None)
    shipped = model_entry(manager, SHIPPED)
    loaded = load_entry(shipped)
    if isinstance(loaded, str):
        raise ModelLoadError(loaded)
    return shipped, loaded


_readings: OrderedDict[tuple, tuple[object, Reading]] = OrderedDict()  # newest last
_readings_lock = threading.Lock()


def reading_of(loaded: LoadedModel, image: np.ndarray) -> Reading:
    """read_digit(loaded.weights, image), replayed once per drawing and model, for every session.

    Changing what the reading shows (the state, the layer, the speed) reruns
    the page, and should not replay the network. The readings are kept server
    wide and only the latest few, so memory does not grow with the class.
    """
    key = (id(loaded.weights), image.shape, hashlib.blake2b(np.ascontiguousarray(image).tobytes(), digest_size=16).digest())
    with _readings_lock:
        kept = _readings.get(key)
        if kept is not None and kept[0] is loaded.weights:  # the same model object, not one that reused its id
            _readings.move_to_end(key)
            return kept[1]
    reading = read_digit(loaded.weights, image)
    with _readings_lock:
        _readings[key] = (loaded.weights, reading)  # holding the weights keeps their id from being reused meanwhile
        _readings.move_to_end(key)
        while len(_readings) > READINGS_KEPT:
            _readings.popitem(last=False)
    return reading
