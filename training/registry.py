"""The models that can read digits, the three that ship and every finished run's, and which is the server's default.

Everything is read from files (model/weights/ and the run folders, with
default.json in the runs root naming the default), so every browser and a
restarted server see the same. The Read page asks which model reads on every
stroke of every student, so answers are kept for as long as the few files they
were read from are unchanged: a stroke costs a handful of stat calls.

A model is listed as usable only once it has been read as the app reads it
(its weights checked, NaN refused, its metadata of the right shape), from a run
folder that neither is nor holds a link; any other is listed with the reason.
"""

import functools
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import i18n
from i18n import N_, _
from model.config import CELLS
from model.files import MOMENT, atomic_write_json, file_stamp, read_json_object, record, text
from model.storage import SHIPPED_MODELS, ModelLoadError, load_model, metadata_path
from training import run_folder

SHIPPED = "shipped"  # the shipped LSTM's id, the fallback reader: the id saved default.json files and sessions hold
SHIPPED_GRU, SHIPPED_RNN = "shipped-gru", "shipped-rnn"
SHIPPED_CELLS = {SHIPPED: "lstm", SHIPPED_GRU: "gru", SHIPPED_RNN: "rnn"}  # each shipped model's id: its cell in SHIPPED_MODELS
SHIPPED_LABELS = {SHIPPED: N_("Shipped LSTM"), SHIPPED_GRU: N_("Shipped GRU"), SHIPPED_RNN: N_("Shipped plain RNN")}
DEFAULT_FILE = "default.json"  # in the runs root: which model reads digits for everyone
SHIPPED_ID = re.compile("^(?:" + "|".join(map(re.escape, SHIPPED_CELLS)) + ")$")
DEFAULT = record(("model",), model=text(40, re.compile(f"{SHIPPED_ID.pattern}|{run_folder.RUN_ID.pattern}")), set_at=MOMENT)
ANSWERS_KEPT = 256  # model entries and default choices kept: every model a server lists, each a few hundred bytes


class RegistryError(RuntimeError):
    """A request about models that is refused; the message says why, for a person to read."""


@dataclass(frozen=True)
class ModelEntry:
    """A model that can read digits: a shipped one or a finished run's."""

    id: str
    path: Path
    metadata: dict
    problem: str | None = None  # why it cannot be used, found by a cheap check; None if it looks sound

    @property
    def shipped(self) -> bool:
        """One of the models in model/weights, which no one deletes from the pages."""
        return self.id in SHIPPED_CELLS

    @property
    def cell(self) -> str | None:
        """The cell its saved settings name ("lstm" where they are from before there were others), or None where it
        has no settings or they name no cell this version knows."""
        config = self.metadata.get("config")
        model = config.get("model") if isinstance(config, dict) else None
        if not isinstance(model, dict) or not model:
            return None
        cell = model.get("cell", "lstm")
        return cell if cell in CELLS else None

    @property
    def label(self) -> str:
        """A shipped model's name, or the run's as the Train page gives it: "Class 9B's model · lesson · 7 Dec, 06:44"."""
        if self.shipped:
            return _(SHIPPED_LABELS[self.id])
        run = self.metadata.get("run") or {}
        return run_folder.run_label(self.id, run.get("name"), run.get("preset"), run.get("started_at"))


class ModelRegistry:
    def __init__(self, root=None):
        self.root = run_folder.runs_root(root)

    def models(self) -> list[ModelEntry]:
        """The shipped models first (the LSTM always, the GRU and the plain RNN where their files are), then every
        finished run's model, newest first."""
        run_ids = (
            sorted((p.name for p in self.root.iterdir() if run_folder.RUN_ID.match(p.name)), reverse=True) if self.root.is_dir() else []
        )
        return [entry for entry in map(self.model, [*SHIPPED_CELLS, *run_ids]) if entry is not None]

    def shipped_models(self) -> list[ModelEntry]:
        """The shipped models that are there: the LSTM always (usable or not), then the GRU and the plain RNN."""
        return [entry for entry in map(self.model, SHIPPED_CELLS) if entry is not None]

    def model(self, model_id: str) -> ModelEntry | None:
        """One model by id (None if there is no such finished run, or a shipped GRU or RNN file is missing), read again
        only when one of its files has changed."""
        files = self.model_files(model_id)
        return _entry(str(self.root), model_id, tuple(map(file_stamp, files)), i18n.current()) if files else None

    def model_files(self, model_id: str) -> list[Path]:
        """The files an answer about a model is read from."""
        if not isinstance(model_id, str):
            return []
        if model_id in SHIPPED_CELLS:
            path = shipped_path(model_id)
            return [path, metadata_path(path)]
        if not run_folder.RUN_ID.match(model_id):
            return []
        folder = self.root / model_id
        names = (run_folder.STATUS_FILE, run_folder.CONFIG_FILE, run_folder.MODEL_FILE, run_folder.METADATA_FILE)
        return [folder] + [folder / name for name in names]  # the folder's own stamp changes when an entry is replaced

    def default_choice(self) -> str:
        """The model id in default.json, usable or not (see default_model_id)."""
        path = self.root / DEFAULT_FILE
        return _default_choice(str(path), file_stamp(path))

    def default_model_id(self) -> str:
        """The server's default if it is there and usable, else the shipped LSTM."""
        chosen = self.default_choice()
        entry = self.model(chosen) if chosen != SHIPPED else None
        return chosen if entry is not None and entry.problem is None else SHIPPED

    def set_default(self, model_id: str) -> None:
        entry = self.model(model_id)
        if entry is None:
            raise RegistryError(_("There is no model {model}.").format(model=repr(model_id)))
        if entry.problem:
            raise RegistryError(_("That model cannot be used: {problem}").format(problem=entry.problem))
        with run_folder.runs_locked(self.root):
            atomic_write_json(self.root / DEFAULT_FILE, {"model": model_id, "set_at": time.time()})


@functools.lru_cache(maxsize=ANSWERS_KEPT)
def _entry(root: str, model_id: str, stamps: tuple, language: str) -> ModelEntry | None:
    """The entry as its files are now; `stamps` (of ModelRegistry.model_files) and the reader's `language` (of the
    reasons a model cannot be used) only key the kept answers.

    A run folder that is a link is not listed; one that holds a link or a damaged
    file is, if it has a model file, as one that cannot be used.
    """
    if model_id in SHIPPED_CELLS:
        path = shipped_path(model_id)
        return _look_at(model_id, path) if model_id == SHIPPED or os.path.lexists(path) else None  # the GRU's and RNN's may go
    folder = Path(root) / model_id
    if folder.is_symlink() or not folder.is_dir():
        return None
    files = run_folder.read_run_files(folder)
    model_path = folder / run_folder.MODEL_FILE
    if files.problem:
        return ModelEntry(model_id, model_path, {}, files.problem) if os.path.lexists(model_path) else None
    status = files.status or {}
    if status.get("state") != run_folder.DONE:
        return None
    entry = _look_at(model_id, model_path)
    settings = files.settings or {}
    run = {"preset": settings.get("preset"), "name": settings.get("name"), "started_at": run_folder.started_at(folder, files)}
    metadata = {**entry.metadata, "run": {**run, "device": status.get("device")}}
    return ModelEntry(entry.id, entry.path, metadata, entry.problem)


@functools.lru_cache(maxsize=ANSWERS_KEPT)
def _default_choice(path: str, stamp: tuple | None) -> str:
    """The id in default.json; the shipped LSTM's when the file is missing or not as set_default writes it."""
    return (read_json_object(Path(path), DEFAULT) or {}).get("model", SHIPPED)


def shipped_path(model_id: str) -> Path:
    """A shipped model's file, looked up when asked (a test may point one elsewhere)."""
    return SHIPPED_MODELS[SHIPPED_CELLS[model_id]]


def _look_at(model_id: str, path: Path) -> ModelEntry:
    """The model read as the app reads it (about 15 ms, once per change of its files): usable, or why not."""
    try:
        return ModelEntry(model_id, path, load_model(path).metadata)
    except ModelLoadError as error:
        return ModelEntry(model_id, path, {}, error.reason)
