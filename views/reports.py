"""The active model's report for the Look inside page: read once per server, built on request when it is missing.

Reports are kept with their model (X.keras -> X.report.npz). A finished training run
writes its own; the shipped model's ships. For an older run the page offers to build
one in a separate process, which needs the MNIST test set on the server.
"""

import subprocess
import sys
import threading

import streamlit as st

from model.report import ModelReport, load_report, report_path
from model.storage import LoadedModel
from training.runs import REPO_ROOT, ModelEntry
from views.models import file_stamp

_building = threading.Lock()  # one build at a time per server, whoever asks


@st.cache_resource(max_entries=4, show_spinner=False)
def _load(model_path: str, stamps: tuple, _weights) -> ModelReport | None:
    """Keyed by the model's and the report's file stamps: a rebuilt report or retrained model is read again."""
    return load_report(model_path, _weights)


def model_report(entry: ModelEntry, loaded: LoadedModel) -> ModelReport | None:
    """The report of the model in use, or None if it has none that matches its weights."""
    return _load(str(entry.path), (file_stamp(entry.path), file_stamp(report_path(entry.path))), loaded.weights)


def compute_report(entry: ModelEntry, data_dir: str | None) -> str | None:
    """Run `python -m model.report` for the model; None when it worked, else what went wrong, for a person to read."""
    if not _building.acquire(blocking=False):
        return "A report is being built for someone else right now; try again in a minute."
    try:
        command = [sys.executable, "-m", "model.report", "--model", str(entry.path)]
        if data_dir:
            command += ["--data-dir", data_dir]
        result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        return f"the report could not be built: {error}"
    finally:
        _building.release()
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return lines[-1].removeprefix("error: ") if lines else f"python -m model.report exited with {result.returncode}"
    return None
