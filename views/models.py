"""Which model reads digits: this browser's choice, else the server's default, else the one that ships.

Models are loaded once per server (keyed by file and modification time, so a
retrained file is reloaded) and shared by every session; a model that fails
to load is reported and skipped, never fatal.
"""

from pathlib import Path

import streamlit as st

from model.storage import LoadedModel, ModelLoadError, load_model
from training.runs import SHIPPED, ModelEntry, RunManager

SESSION_KEY = "model_id"


def run_manager() -> RunManager:
    """Cheap to make, and it keeps nothing: every answer is read from the runs folder."""
    return RunManager()


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@st.cache_resource(max_entries=6, show_spinner="Loading the network...")
def _load(path: str, stamp: tuple[int, int]) -> LoadedModel | str:
    """The model, or why it cannot be used (a string, so that the failure is cached too)."""
    try:
        return load_model(path)
    except ModelLoadError as error:
        return str(error)


def load_entry(entry: ModelEntry) -> LoadedModel | str:
    if entry.problem:
        return entry.problem
    try:
        return _load(str(entry.path), _stamp(entry.path))
    except OSError as error:  # deleted between listing and loading
        return f"{entry.path}: {error.strerror}"


def active_model() -> tuple[ModelEntry, LoadedModel]:
    """The model this session reads with; falls back to the shipped one, with a warning, if its choice cannot load."""
    manager = run_manager()
    wanted = st.session_state.get(SESSION_KEY) or manager.default_model_id()
    entry = manager.model(wanted) if wanted != SHIPPED else None
    if entry is not None:
        loaded = load_entry(entry)
        if isinstance(loaded, LoadedModel):
            return entry, loaded
        st.warning(f"The chosen model cannot be used, so the shipped one reads instead: {loaded}")
    elif wanted != SHIPPED:
        st.warning("The chosen model is no longer there, so the shipped one reads instead.")
    st.session_state.pop(SESSION_KEY, None)
    shipped = manager.model(SHIPPED)
    loaded = load_entry(shipped)
    if isinstance(loaded, str):
        raise ModelLoadError(loaded)
    return shipped, loaded
