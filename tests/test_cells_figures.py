"""Why an LSTM?: the cells' figures are pure functions (their specs checked without a browser), each cell reads apart
without colour, the measurements file is read safely, and the words are in Chinese and Japanese too."""

import itertools
import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

import i18n
from tests.test_palette import ciede2000, contrast_on_white, seen_as_lab
from views.figures import cells as cells_figures
from views.figures.cells import CELL_STYLES, CHANCE

HELD = {"blank_rows": [0, 28, 100], "cells": {"lstm": [0.95, 0.93, 0.9], "gru": [0.96, 0.94, 0.91], "rnn": [0.9, 0.5, 0.12]}}
AFTER = {"lstm": [0.15, 0.2, 0.9, 0.99], "gru": [0.1, 0.3, 0.85, 0.98], "rnn": [0.1, 0.2, 0.7, 0.95]}
DEPENDENCE = {cell: list(np.linspace(0.0, 0.02 * (n + 1), 28)) for n, cell in enumerate(("lstm", "gru", "rnn"))}


def valid(figure: go.Figure) -> dict:
    go.Figure(figure.to_dict())  # plotly.py's own validation accepts the spec
    return json.loads(figure.to_json())


def lines(spec: dict) -> list[dict]:
    return [trace for trace in spec["data"] if "lines" in trace.get("mode", "")]


def names_at_ends(spec: dict) -> list[dict]:
    return [trace for trace in spec["data"] if trace.get("mode") == "text"]


FIGURES = {
    "held": lambda size: cells_figures.held_figure(HELD["blank_rows"], HELD["cells"], font_size=size),
    "after rows": lambda size: cells_figures.after_rows_figure([7, 14, 21, 28], AFTER, font_size=size),
    "dependence": lambda size: cells_figures.dependence_figure(DEPENDENCE, font_size=size),
    "learning": lambda size: cells_figures.learning_figure(
        {c: [0.1, 0.3 + n / 10, 0.8 - n / 10] for n, c in enumerate(AFTER)}, font_size=size
    ),
}


@pytest.mark.parametrize("name", FIGURES)
def test_each_cell_has_its_own_colour_dash_and_name_at_its_end(name):
    spec = valid(FIGURES[name](16))
    drawn = lines(spec)
    assert [trace["legendgroup"] for trace in drawn] == ["lstm", "gru", "rnn"]
    assert len({trace["line"]["color"] for trace in drawn}) == 3 and len({trace["line"]["dash"] for trace in drawn}) == 3
    named = names_at_ends(spec)
    assert [trace["text"][0] for trace in named] == ["<b>LSTM</b>", "<b>GRU</b>", "<b>plain RNN</b>"]
    assert [trace["textfont"]["color"] for trace in named] == [trace["line"]["color"] for trace in drawn]
    heights = sorted(trace["y"][0] for trace in named)
    assert all(b - a > 0 for a, b in itertools.pairwise(heights)), "no two names on top of each other"
    assert spec["layout"]["dragmode"] is False


def test_the_held_figure_plots_each_measured_figure_and_a_line_at_guessing():
    spec = valid(FIGURES["held"](16))
    for trace in lines(spec):
        assert trace["x"] == [0, 1, 2] and trace["y"] == HELD["cells"][trace["legendgroup"]] and trace["customdata"] == [0, 28, 100]
    assert spec["layout"]["xaxis"]["ticktext"] == ["0", "28", "100"]
    assert all(trace["x"][0] > 2 for trace in names_at_ends(spec))  # beyond the last figure, in the margin
    assert spec["layout"]["shapes"][0]["y0"] == CHANCE
    assert spec["layout"]["annotations"][0]["text"] == "guessing"


def test_markers_tell_the_cells_apart_without_colour_or_dash():
    assert len({symbol for _, _, symbol in CELL_STYLES.values()}) == 3


def test_the_cells_colours_read_on_white_and_apart_for_every_vision():
    colours = [colour for colour, _, _ in CELL_STYLES.values()]
    assert all(contrast_on_white(colour) >= 4.5 for colour in colours)
    for vision in ("normal", "protanomaly", "deuteranomaly", "tritanomaly"):
        apart = min(ciede2000(seen_as_lab(a, vision), seen_as_lab(b, vision)) for a, b in itertools.combinations(colours, 2))
        assert apart >= 20, f"{vision}: two cells' colours only {apart:.1f} apart"


def test_a_reader_missing_from_the_figures_leaves_the_others_drawn():
    spec = valid(cells_figures.held_figure([0, 28], {"lstm": [0.9, 0.8], "rnn": [0.9, 0.2]}))
    assert [trace["legendgroup"] for trace in lines(spec)] == ["lstm", "rnn"]


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_the_figures_words_are_in_chinese_and_japanese(language):
    i18n.use(language)  # tests/conftest.py puts English back after
    for name, figure in FIGURES.items():
        spec = valid(figure(16))
        words = [spec["layout"]["xaxis"]["title"]["text"], spec["layout"]["yaxis"]["title"]["text"]]
        words += [trace["text"][0] for trace in names_at_ends(spec) if "RNN" in trace["text"][0]]
        words += [trace["hovertemplate"].split("%{")[0] for trace in lines(spec)]
        english = [word for word in words if re.search(r"\b(?!RNN|LSTM|GRU|b\b|extra\b)[A-Za-z]{2,}", word)]
        assert not english, (name, english)


def measurements_file(tmp_path, value) -> Path:
    path = tmp_path / "cells.json"
    path.write_text(value if isinstance(value, str) else json.dumps(value))
    return path


GOOD = {
    "format": 1,
    "measured_on": "2026-12-07",
    "held": {**HELD, "conditions": {"units": 64, "train_digits": 10000, "test_digits": 2000, "epochs": 4}},
    "readers": {
        "conditions": {"after_rows": [7, 14, 21, 28], "test_digits": 10000},
        "cells": {c: {"after_rows": AFTER[c], "row_dependence": DEPENDENCE[c], "test_accuracy": AFTER[c][-1]} for c in AFTER},
    },
}


def test_the_measurements_are_read_back_as_written(tmp_path):
    from views.parts.contrast import held_sentence, read_measurements

    measured, problem = read_measurements(measurements_file(tmp_path, GOOD))
    assert problem is None and measured["held"]["cells"]["rnn"] == [0.9, 0.5, 0.12]
    assert held_sentence(measured["held"]) == (
        "With 28 blank rows after the digit: the LSTM 93%, the GRU 94%, the plain RNN 50%. "
        "With 100 blank rows after the digit: the LSTM 90%, the GRU 91%, the plain RNN 12%. Guessing gets 10%."
    )


def test_the_committed_measurements_can_be_read():
    from views.parts.contrast import CELLS_FILE, read_measurements

    measured, problem = read_measurements(CELLS_FILE)
    assert problem is None and measured is not None, problem
    assert set(measured["held"]["cells"]) == {"lstm", "gru", "rnn"}


BAD = {
    "not JSON": ("{'held': ", "not readable JSON"),
    "a list": ("[1, 2]", "must be a JSON object"),
    "a share past 1": (
        {**GOOD, "held": {**GOOD["held"], "cells": {"lstm": [0.9, 1.5, 0.2]}}},
        "held.cells.lstm[1] must be a number from 0 to 1",
    ),
    "a figure missing": ({**GOOD, "held": {**GOOD["held"], "cells": {"lstm": [0.9, 0.8]}}}, "one figure for each number of blank rows"),
    "NaN": (json.dumps(GOOD).replace("0.93", "NaN"), "must be a number from 0 to 1"),
    "rows short": (
        {**GOOD, "readers": {**GOOD["readers"], "cells": {"gru": {**GOOD["readers"]["cells"]["gru"], "row_dependence": [0.0]}}}},
        "one figure for each number of rows",
    ),
    "another format": ({**GOOD, "format": 2}, "format must be a whole number from 1 to 1"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_damaged_measurements_file_is_refused_in_words(tmp_path, name):
    from views.parts.contrast import read_measurements

    value, said = BAD[name]
    measured, problem = read_measurements(measurements_file(tmp_path, value))
    assert measured is None and said in problem and "cells.json" in problem and str(tmp_path) not in problem


def test_no_measurements_file_is_no_problem(tmp_path):
    from views.parts.contrast import read_measurements

    assert read_measurements(tmp_path / "cells.json") == (None, None)
