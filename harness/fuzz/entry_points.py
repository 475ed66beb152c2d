"""Each kind's entry point into the app, named here and nowhere else, and what its answer must be.

A case goes in where the app's own input goes in (load_mnist, load_model, load_image, the settings' parsers, the
canvas reader, the pages), so that what is judged is what a person would meet.
"""

import contextlib
import io
import os
from pathlib import Path

from harness.fuzz.case import APP, CASE_TIMEOUT_S, FAILURE, MESSAGE, REFUSE, SAFE, TRAIN_PAGE, WALL_PAGE, Case, Outcome, short
from harness.fuzz.messages import guarded, message_outcome
from harness.fuzz.pages import page_outcome
from model.files import finite_number
from training.run_folder import CANCELLED, DONE, FAILED, RUNNING, RUNS_ENV


def _run_idx(case: Case, data_dir: str, folder: Path) -> Outcome:
    from model.mnist import MnistDataError, load_mnist

    return guarded(case, lambda: load_mnist(data_dir), (MnistDataError,))


def _run_keras(case: Case, path: str, folder: Path) -> Outcome:
    from model.storage import ModelLoadError, load_model

    return guarded(case, lambda: load_model(path), (ModelLoadError,))


def _run_image(case: Case, source, folder: Path) -> Outcome:
    from model.preprocess import ImageError, prepare_picture

    allowed = (source,) if isinstance(source, str) else ()  # a path given on the command line may be named back
    return guarded(case, lambda: prepare_picture(source), (ImageError,), allowed)


def _run_form(case: Case, made: tuple, folder: Path) -> Outcome:
    from training.presets import learning_rate_setting, whole_setting

    if made[0] == "whole":
        return guarded(case, lambda: whole_setting(made[1], made[2]), (ValueError,), (made[2], made[2].strip()))
    if made[0] == "rate":
        return guarded(case, lambda: learning_rate_setting(made[1]), (ValueError,), (made[1], made[1].strip()))
    return _run_command_line(case, made[1])


def _run_command_line(case: Case, argv: list[str]) -> Outcome:
    """`python -m training` as far as its arguments and settings go, in-process: nothing trains."""
    from training.cli import new_run_config, parse_args

    stderr = io.StringIO()

    def parse():
        with contextlib.redirect_stderr(stderr):
            args = parse_args(argv)
        return args if args.resume else new_run_config(args)

    allowed = tuple(argv) + tuple(argument.strip() for argument in argv)
    outcome = guarded(case, parse, (ValueError,), allowed)
    if outcome.cause == "raised SystemExit":
        code = outcome.detail.removeprefix("SystemExit: ")
        return message_outcome(stderr.getvalue(), allowed) if code == "2" else Outcome(FAILURE, f"exit status {code}", stderr.getvalue())
    return outcome


def _run_canvas(case: Case, value, folder: Path) -> Outcome:
    """views/parts/inputs.py's reading of the canvas component's value (its `drawing.data`) into a digit, as draw() does."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_canvas_script, args=(value,), default_timeout=CASE_TIMEOUT_S)
    outcome = page_outcome(app, case, (), title=None)
    if outcome.verdict == FAILURE:
        return outcome
    verdict, text = app.session_state["fuzz"] if "fuzz" in app.session_state else (FAILURE, "the script stopped early")
    if verdict == MESSAGE:
        return message_outcome(text)
    if verdict == SAFE:
        return (
            Outcome(FAILURE, "accepted a bad input", text)
            if case.expect == REFUSE and text != "nothing drawn"
            else Outcome(SAFE, detail=text)
        )
    return Outcome(FAILURE, text.split(":")[0], short(text))


def _canvas_script(value):
    """Runs inside AppTest, from its source: views/parts/inputs.py imports the canvas component, which needs a Streamlit script."""
    import streamlit as st
    from streamlit_drawable_canvas import CanvasResult

    from model.preprocess import ImageError
    from views.parts import inputs

    try:
        prepared = inputs.read_canvas(CanvasResult(json_data=None, image_data_url=value, return_image_data=True))
        st.session_state["fuzz"] = ("safe", "nothing drawn" if prepared is None else f"pixels of shape {prepared.ink.shape}")
    except ImageError as error:
        st.session_state["fuzz"] = ("message", str(error))
    except Exception as error:  # what the fuzz is looking for
        st.session_state["fuzz"] = ("failure", f"raised {type(error).__name__}: {error}")


def _run_query(case: Case, query: dict, folder: Path) -> Outcome:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=CASE_TIMEOUT_S)
    for key, value in query.items():
        app.query_params[key] = value
    return page_outcome(app, case, ())


def _run_runs(case: Case, made: tuple[Path, object], folder: Path) -> Outcome:
    root, target = made
    return guarded(case, lambda: _look_at_runs(root, target, case), ())


def _run_run_pages(case: Case, made: tuple[Path, object], folder: Path) -> Outcome:
    """The Read page (reading with the server's default) and the Train page, on the damaged runs root."""
    from streamlit.testing.v1 import AppTest

    before = os.environ.get(RUNS_ENV)
    os.environ[RUNS_ENV] = str(made[0])
    try:
        app = AppTest.from_file(str(APP), default_timeout=CASE_TIMEOUT_S)
        app.query_params["sample"] = "0"
        outcome = page_outcome(app, case, ())
        if outcome.verdict == FAILURE:
            return Outcome(FAILURE, f"Read page: {outcome.cause}", outcome.detail)
        outcome = page_outcome(app.switch_page(TRAIN_PAGE), case, (), title="Train")
        return Outcome(FAILURE, f"Train page: {outcome.cause}", outcome.detail) if outcome.verdict == FAILURE else outcome
    finally:
        if before is None:
            os.environ.pop(RUNS_ENV, None)
        else:
            os.environ[RUNS_ENV] = before


def _run_password(case: Case, flood, folder: Path) -> Outcome:
    """The unlock form (views/parts/access.py), flooded with wrong passwords while the teacher types the right one."""
    from harness.fuzz.passwords import flood_outcome

    return flood_outcome(case, flood)


def _run_nickname(case: Case, nickname: str, folder: Path) -> Outcome:
    """Share a digit under the nickname on a fresh wall; refused in words, or the wall and the digit's reading open."""
    import numpy as np
    from streamlit.testing.v1 import AppTest

    from classroom.nicknames import NicknameError
    from model.xray import Reading
    from views.parts.class_wall import shared_wall

    shared_wall.clear()  # a fresh wall for this case
    probs = np.full((28, 10), 0.01, np.float32)
    probs[:, 3] = 0.91
    share = guarded(case, lambda: shared_wall().share(np.eye(28, dtype=np.float32), Reading(*[np.zeros((1, 28, 4))] * 2,
                    np.zeros((1, 28, 4, 4)), probs), nickname=nickname), (NicknameError,))  # fmt: skip
    if share.verdict != SAFE:
        return share
    app = AppTest.from_file(str(WALL_PAGE), default_timeout=CASE_TIMEOUT_S)
    app.session_state["wall_open"] = shared_wall().digits()[0].number  # the tile opened: the nickname over its reading
    outcome = page_outcome(app, case, (), title="Class wall")
    shared_wall.clear()
    return outcome


def _run_race(case: Case, messages: list, folder: Path) -> Outcome:
    """The Race page hearing forged player messages (harness/fuzz/race_messages.py), as its player's callback keeps them."""
    from harness.fuzz.race_messages import play

    return play(case, messages)


def _run_disk(case: Case, made: dict, folder: Path) -> Outcome:
    """A Train page button pressed as the disk fails (harness/fuzz/disk_faults.py), judged by the page and what is left."""
    from harness.fuzz.disk_faults import press_under_fault

    return press_under_fault(case, made, folder)


RUNNERS = {
    "idx": _run_idx, "keras": _run_keras, "runs": _run_runs, "run_pages": _run_run_pages, "image": _run_image, "canvas": _run_canvas,
    "query": _run_query, "form": _run_form, "password": _run_password, "nickname": _run_nickname, "race": _run_race, "disk": _run_disk,
}  # fmt: skip


# --- what the runs root must give --------------------------------------------------------------------------------------


def _status_problems(run) -> list[str]:
    """The status fields the Train page shows, as it formats them."""
    status, problems = run.status, []
    if run.state not in (RUNNING, DONE, CANCELLED, FAILED):
        problems.append(f"state {run.state!r}")
    checks = {
        "test_accuracy": finite_number, "step": finite_number, "message": lambda v: v is None or isinstance(v, str),
        "device": lambda v: v is None or isinstance(v, dict),
    }  # fmt: skip
    problems += [
        f"status {name} is {short(repr(status[name]), 40)}" for name, ok in checks.items() if name in status and not ok(status[name])
    ]
    return problems


def _metadata_problems(entry) -> list[str]:
    """A usable model's metadata, as the Train and Read pages format it."""
    if entry.problem is not None:
        return []
    metadata, problems = entry.metadata, []
    checks = {
        "test_accuracy": lambda v: finite_number(v) and 0 <= v <= 1, "wall_time_s": lambda v: v is None or (finite_number(v) and v >= 0),
        "device": lambda v: v is None or isinstance(v, dict),
    }  # fmt: skip
    problems += [f"model {entry.id} {name} is {short(repr(metadata[name]), 40)}" for name, ok in checks.items()
                 if name in metadata and not ok(metadata[name])]  # fmt: skip
    if not isinstance(entry.label, str):
        problems.append(f"model {entry.id} has no label")
    return problems


def _look_at_runs(root: Path, target, case: Case) -> Outcome:
    """Everything the pages ask of the runs root; none of it may raise, and what it gives must be well formed."""
    from training.registry import SHIPPED, ModelRegistry
    from training.runs import RunError, RunManager

    manager, registry = RunManager(root), ModelRegistry(root)
    problems = []
    for run in manager.runs():
        problems += _status_problems(run)
        run.progress()
        if "root:x:0:0" in run.log_tail():
            problems.append(f"run {run.id}'s log shows /etc/passwd")
    manager.active()
    message = None
    try:
        manager.run(target)
    except RunError as error:
        message = str(error)
    models = registry.models()
    for entry in models:
        problems += _metadata_problems(entry)
    default = registry.default_model_id()
    default_entry = registry.model(default) if default != SHIPPED else None
    if default != SHIPPED and (default_entry is None or default_entry.problem):
        problems.append(f"the default {default!r} cannot be used")
    if case.expect == REFUSE:
        usable = [entry for entry in models if entry.id == target and entry.problem is None]
        if usable or default == target:
            problems.append(f"run {target} is listed as usable" + (" and is the default" if default == target else ""))
    if problems:
        return Outcome(FAILURE, "a malformed answer" if not problems[0].startswith("run ") else "accepted a bad input", "; ".join(problems))
    return message_outcome(message, (str(target),)) if message is not None else Outcome(SAFE)
