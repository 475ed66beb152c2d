"""The guided lesson's own figures (views/figures/lesson.py): one row as numbers, one unit's gates and memory."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from model.insight import first_ink_rows
from model.samples import load_samples
from model.storage import load_model
from model.xray import GATE_NAMES, read_digit
from views.figures import lesson


@pytest.fixture(scope="module")
def seven():
    sample = next(s for s in load_samples().values() if s.label == 7 and not s.misread)
    return sample.image, read_digit(load_model().weights, sample.image)


def valid(figure) -> dict:
    go.Figure(figure.to_dict())  # plotly.py's validation accepts the spec
    return json.loads(figure.to_json())


def test_the_busiest_row_is_the_one_with_most_ink_and_reads_as_28_numbers():
    image = np.zeros((28, 28), np.float32)
    image[5, 3:10] = 1.0
    image[12, 2:20] = 0.5
    assert lesson.busiest_row(image) == 13  # counted from 1, as people count rows
    numbers = lesson.row_numbers(image, 13).split(", ")
    assert len(numbers) == 28 and numbers[:3] == ["0", "0", "0.5"] and numbers[-1] == "0"


def test_the_rows_figure_frames_the_row_it_names(seven):
    image, _ = seven
    spec = valid(lesson.rows_figure(image, 10))
    box = [shape for shape in spec["layout"]["shapes"] if shape["type"] == "rect"]
    assert len(box) == 1 and box[0]["y0"] < 9 < box[0]["y1"]  # row 10 is the picture's row index 9
    assert spec["data"][0]["z"] == np.asarray(image).round(2).tolist()


def test_the_gate_figure_follows_the_unit_whose_forget_gate_lets_go_of_most_memory_on_the_ink(seven):
    image, reading = seven
    unit = lesson.busiest_unit(reading, image)
    ink = int(first_ink_rows(image))
    cell, forget = reading.cell[-1], reading.gates[-1][:, GATE_NAMES.index("forget")]
    let_go = np.abs(cell[ink:-1]) * (1 - forget[ink + 1 :])  # row t lets go of c after row t-1, from the ink on
    assert let_go.max(axis=0).argmax() == unit
    spec = valid(lesson.gate_figure(reading, unit))
    memory, forget_line, write = spec["data"]
    assert np.allclose(memory["y"], cell[:, unit], atol=1e-3)
    assert np.allclose(forget_line["y"], forget[:, unit], atol=1e-3)
    assert np.allclose(write["y"], reading.gates[-1][:, GATE_NAMES.index("input"), unit], atol=1e-3)
    row = ink + 1 + int(let_go[:, unit].argmax())  # 0-based
    said = lesson.gate_words(reading, image, unit)
    assert f"forgets most after row {row + 1}:" in said
    assert abs(cell[row - 1, unit]) > abs(cell[row, unit])  # it did let go: the memory shrank there


def test_nothing_counts_as_forgotten_on_the_blank_rows_above_the_ink(seven):
    image, reading = seven
    assert not lesson.forgetting(reading, image)[: int(first_ink_rows(image))].any()
