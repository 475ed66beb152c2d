"""training/pace.py: how long a run will take here, from the pace of a run done here or from a probe."""

import json
from dataclasses import replace

import pytest

from model.config import ModelConfig
from tests.training_runs import made_run
from training import run_folder
from training.pace import (
    AUGMENT_S_PER_DIGIT,
    BESIDE_TRAINING_S,
    DRAW_CPU_S_PER_DIGIT,
    Pace,
    estimate_s,
    measured_pace,
    pace_of_run,
    probed_pace,
)
from training.presets import PRESETS, preset
from training.runs import RunManager

LESSON = PRESETS["lesson"]


def test_an_estimate_is_the_digits_over_the_pace_plus_what_a_run_spends_beside_training():
    pace = Pace(digits_per_s=2_750, beside_training_s=10.0, basis="a test")
    lesson = preset("lesson", augment=False)
    assert estimate_s(lesson, pace) == pytest.approx(10.0 + 3 * 55_000 / 2_750)
    assert estimate_s(preset("lesson", augment=False, limit=10_000), pace) == pytest.approx(10.0 + 3 * 9_000 / 2_750)
    assert estimate_s(preset("morvan"), pace) == pytest.approx(10.0 + 100_000 / 2_750)  # a sample budget
    assert estimate_s(LESSON, pace) == pytest.approx(10.0 + 3 * 55_000 * (1 / 2_750 + AUGMENT_S_PER_DIGIT))  # warping too
    assert estimate_s(LESSON, replace(pace, augmented=True)) == estimate_s(lesson, pace)  # already in the pace


def test_drawing_digits_as_on_a_canvas_is_counted_once_before_training(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    pace = Pace(digits_per_s=2_750, beside_training_s=10.0, basis="a test", augmented=True)
    drawing = preset("lesson", drawn=0.5)
    assert estimate_s(drawing, pace) == pytest.approx(estimate_s(LESSON, pace) + DRAW_CPU_S_PER_DIGIT * 55_000 / 2)
    assert estimate_s(drawing, replace(pace, drew=True)) == estimate_s(LESSON, pace)  # a run that drew measured it


def test_a_runs_pace_skips_its_first_fifth_and_keeps_the_rest_of_its_wall_time():
    records = [{"step": 10 * i, "samples_per_s": 100.0 if i <= 4 else 2_000.0} for i in range(1, 21)]  # tracing first
    pace = pace_of_run(LESSON, records, wall_s=100.0, when="24 Nov")
    assert pace.digits_per_s == 2_000.0
    assert pace.beside_training_s == pytest.approx(100.0 - 165_000 / 2_000) and pace.augmented
    assert pace_of_run(LESSON, records[:5], wall_s=100.0, when="24 Nov") is None  # too few records to trust
    assert pace_of_run(LESSON, records, wall_s=None, when="24 Nov").beside_training_s == BESIDE_TRAINING_S


def test_only_a_finished_run_of_the_same_model_and_batch_size_gives_the_pace(tmp_path):
    records = [{"kind": "batch", "step": 10 * i, "loss": 0.1, "accuracy": 0.9, "samples_per_s": 2_500.0} for i in range(1, 31)]
    folder = made_run(tmp_path, "20260101-120000-lesson", run_folder.RUNNING, records=records)
    (folder / run_folder.CONFIG_FILE).write_text(json.dumps({"preset": "lesson", "config": LESSON.to_dict()}))
    run_folder.write_status(folder, run_folder.DONE, pid=1)
    runs = RunManager(tmp_path).runs()
    assert measured_pace(runs, LESSON).digits_per_s == 2_500.0
    assert measured_pace(runs, preset("lesson", units=64)) is None
    assert measured_pace(runs, preset("lesson", batch_size=64)) is None
    assert measured_pace(runs, preset("lesson", augment=False)) is None
    assert measured_pace(runs, preset("lesson", drawn=0.5)) is None  # its wall time holds no drawing
    assert measured_pace(runs, preset("lesson", cell="gru")) is None  # another cell, another pace
    assert measured_pace(runs, preset("lesson", cell="rnn")) is None


def test_a_probe_that_measured_nothing_gives_no_pace():
    assert probed_pace({}) is None and probed_pace({"digits_per_s": float("nan")}) is None
    assert probed_pace({"digits_per_s": 1_000.0}).digits_per_s == 1_000.0


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_the_probe_measures_a_model_here_with_its_cell(cell, monkeypatch):
    from model import network
    from training.pace import probe

    built = []
    build_model = network.build_model
    monkeypatch.setattr(network, "build_model", lambda config: built.append(config.cell) or build_model(config))
    answer = probe(preset("lesson", batch_size=16, units=8, cell=cell))
    assert answer["digits_per_s"] > 0 and built == [cell]


def test_the_lesson_recipes_come_first():
    assert list(PRESETS)[:2] == ["lesson", "longer"]
    assert PRESETS["lesson"].model == ModelConfig(projection_units=128, layers=1, units=128)
    assert PRESETS["longer"].model == PRESETS["lesson"].model and PRESETS["longer"].epochs == 8
