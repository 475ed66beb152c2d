"""The model report of the model in use, for the Look inside page: read once per server.

Reports are kept with their model (X.keras -> X.report.npz). A finished training
run writes its own; the shipped model's ships. For an older run the page offers
to build one, which the run manager does in a separate process.
"""

import streamlit as st

from model.files import file_stamp
from model.report import ModelReport, load_report, report_path
from model.storage import LoadedModel
from training.registry import ModelEntry

REPORTS_KEPT = 4


@st.cache_resource(max_entries=REPORTS_KEPT, show_spinner=False)
def _load(model_path: str, model_stamp: tuple | None, report_stamp: tuple | None, _weights) -> ModelReport | None:
    """Keyed by the model's and the report's stamps: a rebuilt report or a retrained model is read again."""
    return load_report(model_path, _weights)


def model_report(entry: ModelEntry, loaded: LoadedModel) -> ModelReport | None:
    """The report of the model in use, or None if it has none that matches its weights."""
    return _load(str(entry.path), loaded.stamp, file_stamp(report_path(entry.path)), loaded.weights)
