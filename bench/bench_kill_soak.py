"""Kill soak: `kill -9` small training runs at random moments, resume each to the end, and check what is left.

    MNIST_DIR=../shared/mnist python bench/bench_kill_soak.py [--runs 30] [--seed 0] [--limit 600] [--epochs 3]

Each run is started as the Train page starts it (training/runs.RunManager, in a runs root of its own under a
temporary folder) and killed with SIGKILL at a moment drawn from a seeded generator, one of three kinds:
- imports: a delay while Python and Keras load, before the run has written its status;
- training: a delay after its first status, up to its end as a calibrating run measured it (mid-epoch,
  the test, the model and its report);
- save: the moment the temporary file of a checkpoint, the model or its report appears (it is being written).
After the kill, the manager is asked what the run is (failed and interrupted, never running; or done, when
the kill came after the run had finished), then it is resumed through the manager and waited for. Counted:
kills, resumes completed (done), JSON files whole (every *.json in the folder parses, after the kill and after
the resume), truthful statuses (both times), usable models (model/storage loads it and the registry lists it
with no problem), and temporary files (*.tmp*) left after the resume. Prints figures, asserts nothing.
"""

import argparse
import functools
import json
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.waiting import wait_until  # noqa: E402
from model.storage import ModelLoadError, load_model  # noqa: E402
from training import run_folder  # noqa: E402
from training.runs import RunManager  # noqa: E402

PRESET = "morvan"
KINDS = ("imports", "training", "save")
RUN_TIMEOUT_S = 600  # bounds a failure; a tiny run takes seconds
SAVED_SUFFIXES = (".keras", ".npz")  # the temporaries of checkpoint.keras, model.keras and model.report.npz
SAVE_POLL_S = 0.001  # a checkpoint of a tiny model is written in a few hundredths of a second
POLL_S = 0.01  # for the other moments: often enough, and leaves the run its core


@dataclass
class Tally:
    kills: int = 0
    missed: int = 0  # runs that ended before their kill came
    killed_after_done: int = 0
    resumes: int = 0
    resumes_done: int = 0
    json_checks: int = 0
    json_whole: int = 0
    status_checks: int = 0
    status_truthful: int = 0
    models_usable: int = 0
    temporaries_left: int = 0
    folders_with_temporaries: int = 0
    kinds: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    problems: list = field(default_factory=list)


@dataclass
class Timings:
    """How long a run here takes to import (launch to its first status) and then to train to its end.

    Measured by a calibrating run; a run that ends before its kill came shortens the training span, so that
    the machine's load (others' work, a warm disk cache) does not leave most kills missing their run.
    """

    imports_s: float
    training_s: float


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="kills to make (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the moments drawn (default 0)")
    parser.add_argument("--limit", type=int, default=600, help="digits each run uses (default 600)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of each run (default 3)")
    return parser.parse_args()


def temporaries(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*.tmp*") if path.is_file()]


def saving_a_model(folder: Path) -> bool:
    """Whether a checkpoint, the model or its report is being written: its temporary is there (a quick look)."""
    return any(".tmp" in entry.name and entry.name.endswith(SAVED_SUFFIXES) for entry in os.scandir(folder))


def unreadable_json(folder: Path) -> list[str]:
    """The *.json files in a run folder that do not parse."""
    broken = []
    for path in folder.glob("*.json"):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            broken.append(path.name)
    return broken


def model_problem(manager: RunManager, run_id: str, folder: Path) -> str | None:
    try:
        load_model(folder / run_folder.MODEL_FILE)
    except ModelLoadError as error:
        return str(error)
    entry = manager.registry.model(run_id)
    if entry is None:
        return "the registry does not list it"
    return entry.problem


def launched_pid(folder: Path) -> int:
    return wait_until(lambda: (run_folder.read_launch(folder) or {}).get("pid"), 30, "launch.json")


def wait_for_end(manager: RunManager, run_id: str) -> str:
    """The run's state once the manager no longer says it is running."""
    return wait_until(lambda: (state := manager.run(run_id).state) != run_folder.RUNNING and state, RUN_TIMEOUT_S, f"run {run_id} to end")


def calibrate(manager: RunManager, overrides: dict) -> Timings:
    """One run to the end, unkilled: how long its imports and its whole life take here."""
    started = time.monotonic()
    run = manager.start(PRESET, overrides)
    imports_s = wait_until(lambda: run_folder.read_status(run.folder) and time.monotonic() - started, RUN_TIMEOUT_S, "the first status")
    state = wait_for_end(manager, run.id)
    training_s = time.monotonic() - started - imports_s
    print(f"calibrating run {run.id}: {state}; status written after {imports_s:.1f} s, then {training_s:.1f} s to the end", flush=True)
    return Timings(imports_s, max(training_s, 1.0))


def kill_at(kind: str, folder: Path, pid: int, rng: random.Random, timings: Timings) -> bool:
    """Wait for the chosen moment and SIGKILL the process; False if it had ended before."""
    poll_s = POLL_S
    if kind == "save":
        moment, poll_s = functools.partial(saving_a_model, folder), SAVE_POLL_S
    elif kind == "imports":
        moment = after(rng.uniform(0, timings.imports_s))
    else:  # once its imports are done: from its first status to its end
        if not wait_while_alive(pid, functools.partial(run_folder.read_status, folder), poll_s):
            return False
        delay = rng.uniform(0, timings.training_s)
        moment = after(delay)
    if not wait_while_alive(pid, moment, poll_s):
        if kind == "training":
            timings.training_s = max(delay * 0.9, 0.5)  # this run was quicker than the calibrating one
        return False
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not run_folder.process_alive(pid), 30, "the killed process to go")
    return True


def after(delay: float):
    """A moment `delay` seconds from now."""
    due = time.monotonic() + delay
    return lambda: time.monotonic() >= due


def wait_while_alive(pid: int, moment, poll_s: float) -> bool:
    """Wait for the moment to come; False if the process ends first."""
    while not moment():
        if not run_folder.process_alive(pid):
            return False
        time.sleep(poll_s)
    return run_folder.process_alive(pid)


def check_files(tally: Tally, folder: Path, when: str) -> None:
    tally.json_checks += 1
    broken = unreadable_json(folder)
    if broken:
        tally.problems.append(f"{folder.name} {when}: unreadable {', '.join(broken)}")
    else:
        tally.json_whole += 1


def check_killed_status(tally: Tally, manager: RunManager, run_id: str) -> str:
    """After a kill: failed and interrupted, or done with a usable model; never running."""
    run = manager.run(run_id)
    tally.status_checks += 1
    truthful = (run.state == run_folder.FAILED and run.status.get("interrupted")) or (
        run.state == run_folder.DONE and model_problem(manager, run_id, run.folder) is None
    )
    if truthful:
        tally.status_truthful += 1
    else:
        tally.problems.append(f"{run_id} after its kill: {run.state} {run.status.get('message', '')!r}")
    return run.state


def resume_to_end(tally: Tally, manager: RunManager, run_id: str) -> None:
    run = manager.resume(run_id)
    tally.resumes += 1
    state = wait_for_end(manager, run_id)
    check_files(tally, run.folder, "after its resume")
    tally.status_checks += 1
    problem = model_problem(manager, run_id, run.folder) if state == run_folder.DONE else None
    if state == run_folder.DONE and problem is None:
        tally.resumes_done += 1
        tally.status_truthful += 1
        tally.models_usable += 1
    else:
        ended = manager.run(run_id)
        tally.problems.append(f"{run_id} after its resume: {state}, {problem or ended.status.get('message')!r}\n{ended.log_tail(12)}")


def soak_one(tally: Tally, manager: RunManager, overrides: dict, kind: str, rng: random.Random, timings: Timings) -> None:
    run = manager.start(PRESET, overrides)
    pid = launched_pid(run.folder)
    if not kill_at(kind, run.folder, pid, rng, timings):
        tally.missed += 1
        wait_for_end(manager, run.id)
        print(f"{run.id}: {kind} kill missed (the run had ended)", flush=True)
        return
    tally.kills += 1
    tally.kinds[kind] += 1
    check_files(tally, run.folder, "after its kill")
    left_by_kill = sorted(path.name for path in temporaries(run.folder))
    state = check_killed_status(tally, manager, run.id)
    if state == run_folder.DONE:
        tally.killed_after_done += 1
    else:
        resume_to_end(tally, manager, run.id)
    left = temporaries(run.folder)
    tally.temporaries_left += len(left)
    tally.folders_with_temporaries += bool(left)
    print(f"{run.id}: {kind:8} kill -> {state}; temporaries after the kill {left_by_kill}, at the end {len(left)}", flush=True)


def report(tally: Tally, seconds: float) -> None:
    print(f"\nkills: {tally.kills} ({', '.join(f'{kind} {count}' for kind, count in tally.kinds.items())}); "
          f"missed (run ended first): {tally.missed}; killed after done: {tally.killed_after_done}")  # fmt: skip
    print(f"resumes completed: {tally.resumes_done} of {tally.resumes}")
    print(f"run folders whose JSON files all parse: {tally.json_whole} of {tally.json_checks} checks")
    print(f"statuses truthful: {tally.status_truthful} of {tally.status_checks} checks")
    print(f"models usable at the end: {tally.models_usable} of {tally.resumes}")
    print(f"temporary files left at the end: {tally.temporaries_left}, in {tally.folders_with_temporaries} run folders")
    print(f"{seconds / 60:.1f} minutes")
    for problem in tally.problems:
        print(f"  problem: {problem}")


def main() -> None:
    args = parse_args()
    if not os.environ.get("MNIST_DIR"):
        sys.exit("Set MNIST_DIR to the folder of the four MNIST files: nothing is downloaded.")
    rng = random.Random(args.seed)
    overrides = {"limit": args.limit, "epochs": args.epochs}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kill-soak-") as root:
        manager = RunManager(root, data_dir=os.environ["MNIST_DIR"])
        timings = calibrate(manager, overrides)
        tally = Tally()
        for _ in range(args.runs * 2):  # a missed kill is tried again, within bounds
            if tally.kills >= args.runs:
                break
            soak_one(tally, manager, overrides, rng.choice(KINDS), rng, timings)
    report(tally, time.monotonic() - started)


if __name__ == "__main__":
    main()
