"""Damaged runs roots: a sound one (a finished run, the server's default, a cancelled run) with one thing changed.

Anything on the server may have written a run folder, or half of one, so its files are inputs like any upload. The
files' names, the run states and the progress records' kinds are their owners' (training/run_folder.py,
training/progress.py, training/registry.py), so that the fuzz damages what the app really reads.
"""

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from harness.fuzz.case import EITHER, FOREIGN_HOST, REFUSE, short
from harness.fuzz.keras_files import sound_model_bytes
from harness.fuzz.mutations import HOSTILE_JSON_VALUES, deep_json, link, pick
from training.progress import BATCH, EPOCH, PROGRESS_FILE, TEST
from training.registry import DEFAULT_FILE, SHIPPED
from training.run_folder import (
    CANCELLED,
    CONFIG_FILE,
    DONE,
    FAILED,
    LAUNCH_FILE,
    LOG_FILE,
    METADATA_FILE,
    MODEL_FILE,
    RUNNING,
    STATUS_FILE,
)

DONE_RUN, CANCELLED_RUN = "20260101-120000-default", "20260101-110000-morvan"
RUN_FILES = (STATUS_FILE, CONFIG_FILE, METADATA_FILE, LAUNCH_FILE, DEFAULT_FILE, PROGRESS_FILE, LOG_FILE)
FIELDS = {
    STATUS_FILE: ("state", "pid", "updated_at", "device", "test_accuracy", "step", "total_steps", "message", "interrupted"),
    CONFIG_FILE: ("preset", "config", "config.epochs", "config.model", "config.model.units", "config.learning_rate"),
    METADATA_FILE: ("test_accuracy", "wall_time_s", "device", "run", "created_at", "config", "test_samples", "device.name"),
    LAUNCH_FILE: ("pid", "launched_at", "command"),
    DEFAULT_FILE: ("model", "set_at"),
}
MODEL_DEPENDS_ON = (STATUS_FILE, CONFIG_FILE, METADATA_FILE, MODEL_FILE)  # a link among these: the model cannot be used


def write_runs_root(root: Path) -> None:
    """A runs root with a finished run, the server's default, and a cancelled one: all sound."""
    from training.presets import PRESETS

    device = {"backend": "tensorflow", "kind": "CPU", "name": "CPU", "threads": 2}
    for run_id, state, preset_name in ((DONE_RUN, DONE, "default"), (CANCELLED_RUN, CANCELLED, "morvan")):
        folder = root / run_id
        folder.mkdir(parents=True)
        status = {"state": state, "pid": 999_999, "updated_at": 1.8e9, "device": device, "step": 10, "total_steps": 20}
        write_json(folder / STATUS_FILE, status | ({"test_accuracy": 0.91} if state == DONE else {}))
        write_json(folder / CONFIG_FILE, {"preset": preset_name, "config": PRESETS[preset_name].to_dict()})
        write_json(folder / LAUNCH_FILE, {"pid": 999_999, "launched_at": 1.7e9, "command": ["-m", "training"]})
        records = [{"kind": BATCH, "step": step, "total_steps": 20, "epoch": 1, "loss": 1.0 / step, "accuracy": 0.5, "time": 1.7e9 + step}
                   for step in (1, 2)]  # fmt: skip
        (folder / PROGRESS_FILE).write_text("".join(json.dumps(record) + "\n" for record in records))
        (folder / LOG_FILE).write_text("Epoch 1/1\n")
        if state == DONE:
            (folder / MODEL_FILE).write_bytes(sound_model_bytes())
            metadata = {"test_accuracy": 0.91, "wall_time_s": 12.5, "device": device, "created_at": "2026-01-01T12:00:00Z"}
            write_json(folder / METADATA_FILE, metadata | {"config": PRESETS[preset_name].to_dict(), "test_samples": 10_000})
    write_json(root / DEFAULT_FILE, {"model": DONE_RUN, "set_at": 1.8e9})


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value), encoding="utf-8")


def _file_path(root: Path, file_name: str, run_id: str) -> Path:
    return root / file_name if file_name == DEFAULT_FILE else root / run_id / file_name


def _set_field(value: dict, dotted: str, new) -> None:
    """value["a"]["b"] = new for "a.b", making "a" an object if it is not one."""
    *parents, last = dotted.split(".")
    for parent in parents:
        if not isinstance(value.get(parent), dict):
            value[parent] = {}
        value = value[parent]
    value[last] = new


def _runs_case(what: str, damage: Callable[[Path, np.random.Generator], None], rng, target: str = DONE_RUN, expect: str = EITHER):
    seed = int(rng.integers(2**31))

    def make(folder: Path) -> tuple[Path, str]:
        root = folder / "runs"
        write_runs_root(root)
        damage(root, np.random.default_rng(seed))
        return root, target

    return what, make, expect


# --- one function per family: rng -> (what, make, expect), its damage done to a sound root -------------------------------


def _field_value(rng):
    file_name = pick(rng, list(FIELDS))
    field_name, value = pick(rng, FIELDS[file_name]), pick(rng, HOSTILE_JSON_VALUES)
    run_id = pick(rng, [DONE_RUN, DONE_RUN, CANCELLED_RUN])

    def damage(root, case_rng):
        path = _file_path(root, file_name, run_id)
        content = json.loads(path.read_text()) if path.exists() else {}
        _set_field(content, field_name, value)
        path.write_text(json.dumps(content), encoding="utf-8")

    return _runs_case(f"{file_name} of {run_id}: {field_name} = {short(repr(value), 50)}", damage, rng, run_id)


def _field_gone(rng):
    file_name = pick(rng, list(FIELDS))
    field_name = pick(rng, FIELDS[file_name]).split(".")[0]

    def damage(root, case_rng):
        path = _file_path(root, file_name, DONE_RUN)
        content = json.loads(path.read_text())
        content.pop(field_name, None)
        write_json(path, content)

    return _runs_case(f"{file_name}: no {field_name}", damage, rng)


def _whole_file(rng):
    file_name = pick(rng, list(FIELDS) + [PROGRESS_FILE])
    text = pick(rng, ["", "{", "[]", '"x"', "3", "null", "NaN", '{"state": NaN}', "\ufeff{}", deep_json(), " " * 2**21 + "{}",
                      '{"state": "done", "state": "running"}', "\xff\xfe", "{}\n{}"])  # fmt: skip

    def damage(root, case_rng):
        _file_path(root, file_name, DONE_RUN).write_bytes(text.encode("utf-8", "surrogatepass") if text != "\xff\xfe" else b"\xff\xfe")

    return _runs_case(f"{file_name} is {short(repr(text), 40)}", damage, rng)


def _linked_file(rng):
    file_name = pick(rng, RUN_FILES + (MODEL_FILE,))
    target_sort = pick(rng, ["/etc/passwd", "outside", "dangling", "itself", "a folder"])

    def damage(root, case_rng):
        path = _file_path(root, file_name, DONE_RUN)
        outside = root.parent / f"outside-{file_name}"
        if target_sort == "outside":
            outside.write_bytes(path.read_bytes())
        path.unlink()
        target = {"/etc/passwd": Path("/etc/passwd"), "outside": outside, "dangling": root.parent / "nowhere",
                  "itself": path, "a folder": root.parent}[target_sort]  # fmt: skip
        link(path, target)

    expect = REFUSE if file_name in MODEL_DEPENDS_ON else EITHER
    return _runs_case(f"{file_name} is a link to {target_sort}", damage, rng, expect=expect)


def _linked_folder(rng):
    def damage(root, case_rng):
        outside = root.parent / "outside-run"
        (root / DONE_RUN).rename(outside)
        link(root / DONE_RUN, outside)

    return _runs_case("the default run's folder is a link to a folder outside runs/", damage, rng, expect=REFUSE)


def _odd_entries(rng):
    sort = pick(rng, ["a file named like a run", "a run id in other digits", "a run id with a newline", "an empty run folder",
                      "a folder with no status", "a run folder that is a link to /etc"])  # fmt: skip

    def damage(root, case_rng):
        if sort == "a file named like a run":
            (root / "20260102-120000-default").write_text("x")
        elif sort == "a run id in other digits":
            (root / "２０２６０１０２-１２００００-default").mkdir()
        elif sort == "a run id with a newline":
            (root / "20260102-120000-default\n").mkdir()
        elif sort == "an empty run folder":
            (root / "20260102-120000-default").mkdir()
        elif sort == "a folder with no status":
            (root / DONE_RUN / STATUS_FILE).unlink()
        else:
            link(root / "20260102-120000-default", "/etc")

    return _runs_case(f"runs/ holds {sort}", damage, rng)


def _progress_records(rng):
    lines = [json.dumps(pick(rng, HOSTILE_JSON_VALUES)) for _ in range(3)] + [
        json.dumps({"kind": BATCH, "step": pick(rng, HOSTILE_JSON_VALUES), "total_steps": pick(rng, HOSTILE_JSON_VALUES),
                    "loss": pick(rng, HOSTILE_JSON_VALUES), "accuracy": pick(rng, HOSTILE_JSON_VALUES), "epoch": 1, "time": 1.7e9}),
        json.dumps({"kind": pick(rng, [EPOCH, TEST, BATCH, "Ω"]), "val_loss": pick(rng, HOSTILE_JSON_VALUES), "step": 3}),
    ]  # fmt: skip

    def damage(root, case_rng):
        with open(root / DONE_RUN / PROGRESS_FILE, "a", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")

    return _runs_case(f"{PROGRESS_FILE} gains {short(' | '.join(lines), 60)}", damage, rng)


def _log_text(rng):
    text = pick(rng, [f"[x](http://{FOREIGN_HOST}/p)\n", "\x1b[31mred\x1b[0m\n", "Traceback (most recent call last):\n", "\x00" * 100,
                      "line\n" * 200_000])  # fmt: skip

    def damage(root, case_rng):
        (root / DONE_RUN / LOG_FILE).write_text(text)
        status = json.loads((root / DONE_RUN / STATUS_FILE).read_text())
        write_json(root / DONE_RUN / STATUS_FILE, status | {"state": FAILED, "message": text[:200]})

    return _runs_case(f"a failed run whose log and message are {short(repr(text), 40)}", damage, rng)


def _running(rng):
    pid = pick(rng, [1, os.getpid(), -5, 0, 2**31, "1", None])

    def damage(root, case_rng):
        status = json.loads((root / CANCELLED_RUN / STATUS_FILE).read_text())
        write_json(root / CANCELLED_RUN / STATUS_FILE, status | {"state": RUNNING, "pid": pid, "updated_at": 1.9e9})

    return _runs_case(f"a run said to be running under pid {pid!r}", damage, rng, CANCELLED_RUN)


def _hostile_id(rng):
    run_id = pick(rng, ["../x", "/etc", "..", ".", "", f"{DONE_RUN}/../..", f"{DONE_RUN}\n", "２０２６０１０１-１２００００-default",
                        f"{DONE_RUN}/{MODEL_FILE}", None, 7, ["x"], SHIPPED, f"{SHIPPED}/../..", "Ω" * 300])  # fmt: skip
    return _runs_case(f"a request for run id {short(repr(run_id), 40)}", lambda root, case_rng: None, rng, run_id)


def families() -> list[Callable]:
    """The makers of runs-root cases, rng -> (what, make, expect), in the order cases() takes them round."""
    return [_field_value, _field_value, _field_value, _field_gone, _whole_file, _linked_file, _linked_folder, _odd_entries,
            _progress_records, _log_text, _running, _hostile_id]  # fmt: skip
