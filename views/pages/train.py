"""The Train page: start a run in the background, watch it learn, and choose which model reads digits."""

from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from model.config import ModelConfig
from model.files import finite_number
from training import progress
from training.devices import device_label
from training.pace import estimate_s, measured_pace, probed_pace
from training.presets import MEANINGFUL_DIGITS, PRESETS, TrainConfig, learning_rate_setting, preset, too_small, whole_setting
from training.registry import ModelEntry, RegistryError
from training.run_folder import CANCELLED, DONE, FAILED, RUNNING, readable_log
from training.runs import Run, RunError, RunInProgress, probe_device, probe_pace
from views import words
from views.figures.plotting import PLOTLY_CONFIG
from views.figures.training import training_figure
from views.parts import access, screen, session, style
from views.parts.models_in_use import load_entry, registry, run_manager
from views.words import plain

# How often watchers re-read the run: often enough to feel live, rarely enough that a browser
# watching on the training machine itself takes little from the run (bench/bench_train_page.py).
POLL_S = 2.0  # the status and progress bar
CURVES_POLL_S = 4.0  # the curves, which cost a browser more to redraw
STATE_WORDS = {
    RUNNING: "Running",
    DONE: "Finished",
    CANCELLED: "Cancelled",
    FAILED: "Failed",
}
FLASH_KEY = "train_flash"  # {place on the page: (kind, message)}: a refusal, shown once after the rerun it needs
RUNS_PLACE = "runs"  # under the running run (or above the form): where Start, Cancel and Resume are answered
FORM_PLACE = "form"  # under Start: what is wrong with the settings
BOXES = {"epochs": "train_epochs", "limit": "train_limit", "lstm_layers": "train_layers", "units": "train_units",
         "batch_size": "train_batch"}  # fmt: skip  # the whole-number settings and their boxes' keys
LEARNING_RATE_KEY, AUGMENT_KEY = "train_lr", "train_augment"
RECIPE_KEY, CHOSEN_RECIPE_KEY = "train_preset", "train_recipe"  # the list's widget, and the choice kept beside it
FIRST_RECIPE = "lesson"  # a run that fits in a lesson


@st.cache_resource(show_spinner="Looking for a GPU...")
def training_device() -> str:
    device = probe_device()
    backend = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}.get(device.get("backend"), device.get("backend"))
    return f"{device_label(device)}, Keras on {backend}"


def percent(value) -> str:
    return f"{value:.2%}" if finite_number(value) else "?"


def count(value) -> str:
    return f"{int(value):,}" if finite_number(value) else "?"


def duration(seconds: float | None) -> str:
    if not finite_number(seconds):
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min" + (f" {seconds % 60:02d} s" if seconds % 60 else "")
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def rough_duration(seconds: float) -> str:
    """An estimate to the nearest ten seconds under two minutes, else to the minute: no more precise than it is."""
    return duration(round(seconds, -1) if seconds < 120 else 60 * round(seconds / 60))


# --- the form --------------------------------------------------------------------------------------------------------


def _recipe_box(label: str, setting: str, recipe_value, help: str) -> None:
    """A whole-number box, typed as text: the browser's number box rounds 2.5 and 1e3 before the page sees them.

    An empty box means "the recipe's value", shown as its placeholder.
    """
    shown = recipe_value if isinstance(recipe_value, str) else f"{recipe_value:,}" if recipe_value is not None else "all"
    st.text_input(label, key=BOXES[setting], placeholder=f"recipe: {shown}", help=help)


def typed_settings(boxes: dict[str, str], learning_rate: str) -> dict:
    """The boxes that are filled, each parsed as the command line parses it; ValueError says which is wrong."""
    settings = {name: whole_setting(name, text) for name, text in boxes.items() if str(text).strip()}
    if str(learning_rate).strip():
        settings["learning_rate"] = learning_rate_setting(learning_rate)
    return settings


def _remember_recipe() -> None:
    """The recipe chosen, kept outside the widget: while a run is shown the form is gone, and its widgets' state with it."""
    st.session_state[CHOSEN_RECIPE_KEY] = st.session_state[RECIPE_KEY]


def augment_key(preset_name: str) -> str:
    """One Augment box per recipe, so that each starts at its own recipe's value."""
    return f"{AUGMENT_KEY}-{preset_name}"


def chosen_run(state) -> tuple[str, dict, TrainConfig]:
    """The recipe, the boxes' values that change it, and the settings Start would launch; ValueError says what is wrong."""
    preset_name = state.get(RECIPE_KEY)
    recipe = PRESETS.get(preset_name)
    if recipe is None:
        raise ValueError("choose a recipe from the list")
    overrides = typed_settings({name: state.get(key, "") for name, key in BOXES.items()}, state.get(LEARNING_RATE_KEY, ""))
    augment = bool(state.get(augment_key(preset_name), recipe.augment))
    if augment != recipe.augment:
        overrides["augment"] = augment
    config = preset(preset_name, **overrides)
    problem = too_small(config)
    if problem:
        raise ValueError(problem)
    return preset_name, overrides, config


def time_estimate(state) -> None:
    """How long the run would take here, from this machine's measured pace; nothing if the settings are wrong."""
    try:
        _, _, config = chosen_run(state)
    except ValueError as error:
        st.warning(f"Please check the settings: {plain(str(error))}.")
        return
    pace = measured_pace(run_manager().runs(), config)
    if pace is None:
        probe = _probe(config.model, config.batch_size)
        if not probe.done():  # a few seconds of Keras in another process: the page does not wait for it
            _measuring(probe)
            return
        pace = probed_pace(probe.result())
    if pace is not None:
        st.markdown(f"**About {rough_duration(estimate_s(config, pace))} on this machine**, "
                    f"from {plain(pace.basis)}.")  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=32)
def _probe(model: ModelConfig, batch_size: int) -> Future:
    """The probe of one model's pace, started once per server and model, in the background."""
    return _PROBES.submit(probe_pace, TrainConfig(model=model, batch_size=batch_size).to_dict())


_PROBES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pace-probe")  # one Keras process at a time


@st.fragment(run_every=POLL_S)
def _measuring(probe: Future) -> None:
    """Said while the probe runs; the page is drawn again with the estimate once it has finished."""
    if probe.done():
        st.rerun(scope="app")
    st.caption("Measuring how fast this machine trains this model...")


def new_run_form(may_change: bool) -> None:
    st.header("Start a run")
    names = list(PRESETS)
    preset_name = st.selectbox(
        "Recipe", names, index=names.index(st.session_state.get(CHOSEN_RECIPE_KEY, FIRST_RECIPE)), key=RECIPE_KEY,
        format_func=lambda name: f"{name}: {words.PRESETS[name]}", on_change=_remember_recipe,
    )  # fmt: skip
    config = PRESETS[preset_name]
    length = f"{config.samples:,} training digits" if config.samples else f"{config.epochs} epochs"
    st.caption(f"Leave a box empty to keep the recipe's value. This recipe trains for {length}.")
    left, middle, right = st.columns(3)
    with left:
        _recipe_box("Epochs", "epochs", f"{config.samples:,} digits" if config.samples else config.epochs,
                    "Passes over the training digits (1 to 1000). Replaces the recipe's length.")  # fmt: skip
        _recipe_box("Use only the first N digits", "limit", None,
                    f"For a quick demonstration: train and test on fewer digits (at least {MEANINGFUL_DIGITS:,}).")  # fmt: skip
    with middle:
        _recipe_box("LSTM layers", "lstm_layers", config.model.lstm_layers, "Stacked layers, 1 to 3.")
        _recipe_box("Units per layer", "units", config.model.units, "Size of h and c in each layer, 1 to 1024.")
    with right:
        _recipe_box("Batch size", "batch_size", config.batch_size, "Digits per learning step, 1 to 8192.")
        st.text_input("Learning rate", key=LEARNING_RATE_KEY, placeholder=f"recipe: {config.learning_rate:g}",
                      help="Adam's step size, a number between 0 and 1, such as 0.001.")  # fmt: skip
    st.checkbox("Augment: warp and thicken digits a little, as people draw", value=config.augment, key=augment_key(preset_name))
    time_estimate(st.session_state)
    st.button("Start training", type="primary", disabled=not may_change, key="start", on_click=start_pressed)
    show_flash(FORM_PLACE)


def start_pressed() -> None:
    """Start's callback. It runs before the page is drawn again, so a refusal is told even where the form is gone:
    someone else's run, started meanwhile, is what the page shows next."""
    if not access.unlocked():  # a press forged past the disabled button
        return
    try:
        preset_name, overrides, _ = chosen_run(st.session_state)
        run_manager().start(preset_name, overrides)
    except ValueError as error:  # every value is checked before anything starts
        keep(FORM_PLACE, f"Please check the settings: {error}.", "error")
    except RunInProgress as busy:
        keep(RUNS_PLACE, str(busy))
    except RunError as error:
        keep(FORM_PLACE, str(error), "error")


# --- refusals, kept for the run of the page that shows what refused them ---------------------------------------------


def keep(place: str, message: str, kind: str = "warning") -> None:
    """A message for `place`, shown the next time the page draws that place."""
    st.session_state.setdefault(FLASH_KEY, {})[place] = (kind, message)


def flash(place: str, message: str, kind: str = "warning") -> None:
    """Keep a message for `place` and rerun the page: a message written just before st.rerun() is never seen."""
    keep(place, message, kind)
    st.rerun(scope="app")


def show_flash(place: str) -> None:
    """The message kept for this place, once."""
    kind, message = st.session_state.get(FLASH_KEY, {}).pop(place, (None, None))
    if message:
        getattr(st, kind)(plain(message))


# --- one run ---------------------------------------------------------------------------------------------------------


def _read_run(run_id: str) -> Run | None:
    try:
        return run_manager().run(run_id)
    except RunError:
        st.info("That run has been deleted.")
        return None


def _draws(run: Run) -> bool:
    drawn = (run.config or {}).get("drawn")
    return isinstance(drawn, int | float) and not isinstance(drawn, bool) and drawn > 0


def run_status(run: Run, may_change: bool) -> None:
    """What the run is doing: a progress bar with speed and time left, or how it ended, with what can be done next."""
    summary = progress.summarise(run.progress())
    device = run.status.get("device") or {}
    heading = f"**{STATE_WORDS.get(run.state, run.state)}**: {plain(run.preset or 'run')} {plain(run.id)}"
    st.markdown(heading + (f" on {plain(device_label(device))}" if device else ""))
    if run.state == RUNNING:
        if summary.total_steps is None:
            st.progress(0.0, text="Starting: loading Keras and the MNIST digits...")
        elif summary.samples_per_s is None and _draws(run):  # canvas_style draws the digits before the first batch
            st.progress(0.0, text="Starting: drawing the training digits as on a canvas, then the first batch...")
        else:
            parts = [f"{summary.fraction:.0%}", f"step {summary.step:,} of {summary.total_steps:,}"]
            if summary.epochs:
                parts.append(f"epoch {max(summary.epoch, 1)} of {summary.epochs}")
            if summary.samples_per_s:
                parts.append(f"{summary.samples_per_s:,.0f} digits/s")
            if summary.eta_s is not None:
                parts.append(f"about {duration(summary.eta_s)} left")
            st.progress(summary.fraction, text=" · ".join(parts))
        stop_help = "Stops after the current batch and keeps the last checkpoint."
        if st.button("Cancel run", disabled=not may_change, key=f"cancel-{run.id}", help=stop_help) and may_change:
            try:
                run_manager().cancel(run.id)
            except RunError as error:  # it ended meanwhile
                flash(RUNS_PLACE, str(error))
            st.toast("Cancelling after the current batch...")
    elif run.state == DONE:
        st.success(f"Test accuracy {percent(run.status.get('test_accuracy'))}. The model is in the list below.")
    elif run.state == CANCELLED:
        st.info(f"Cancelled at step {count(run.status.get('step'))} of {count(run.status.get('total_steps'))}; its checkpoint is kept.")
    else:
        st.error(plain(readable_log(str(run.status.get("message") or "")).strip() or "The run failed."))
        tail = run.log_tail()
        if tail:
            with st.expander("The end of the run's log", expanded=True):
                st.code(tail, language=None)
    resume = run.resumable and st.button("Resume from the last checkpoint", disabled=not may_change, key=f"resume-{run.id}")
    if resume and may_change:
        try:
            run_manager().resume(run.id)
        except RunError as error:
            flash(RUNS_PLACE, str(error))
        st.rerun(scope="app")


def run_curves(run: Run, narrow: bool) -> None:
    """The loss and accuracy curves; on a phone (narrow) one above the other."""
    records = run.progress()
    if any(record.get("kind") == "batch" for record in records):
        st.plotly_chart(
            training_figure(progress.training_curves(records), stacked=narrow), config=PLOTLY_CONFIG, key=f"curves-{run.id}",
            alt=f"Two charts of run {run.id} by epoch, its loss and its accuracy: on the batches it learns from, "
            "on digits held out, and on the test set at the end",
        )  # fmt: skip
        st.caption("The plain line: loss and accuracy on the batches it is learning from. The line with dots: digits it never "
                   "trains on, checked each epoch. The star: the test set, once, at the end.")  # fmt: skip


def show_run(run_id: str, may_change: bool, narrow: bool) -> None:
    """A run that has ended, as it ended."""
    run = _read_run(run_id)
    if run is not None:
        run_status(run, may_change)
        run_curves(run, narrow)


@st.fragment(run_every=POLL_S)
def live_status(run_id: str, may_change: bool) -> None:
    """Re-read the run every second without rerunning the page; when it has ended, rerun the page for the model list."""
    run = _read_run(run_id)
    if run is not None and run.state == RUNNING:
        run_status(run, may_change)
    else:
        st.rerun(scope="app")


@st.fragment(run_every=CURVES_POLL_S)
def live_curves(run_id: str, narrow: bool) -> None:
    """The curves, redrawn less often than the bar: redrawing them is what costs a watching browser most."""
    run = _read_run(run_id)
    if run is not None:
        run_curves(run, narrow)


# --- models ----------------------------------------------------------------------------------------------------------


def model_row(entry: ModelEntry, chosen: str, default: str, may_change: bool) -> None:
    show_flash(f"model-{entry.id}")
    loaded = load_entry(entry)
    name, accuracy, actions = st.columns([3, 3, 6], vertical_alignment="center")
    tags = [tag for tag, on in (("reading in this browser", entry.id == chosen), ("server default", entry.id == default)) if on]
    name.markdown(f"**{plain(entry.label)}**" + (f"  \n:blue[{' · '.join(tags)}]" if tags else ""))
    if isinstance(loaded, str):
        accuracy.markdown(":red[cannot be used]")
        actions.caption(plain(loaded))
        return
    metadata = entry.metadata
    details = [duration(metadata.get("wall_time_s")), plain(_device_words(metadata.get("device")))]
    accuracy.markdown(f"{percent(metadata.get('test_accuracy'))} test accuracy  \n{' · '.join(details)}")
    buttons = actions.container(horizontal=True, gap="small")  # side by side while they fit, never cut short
    if buttons.button("Read with it", key=f"use-{entry.id}", disabled=entry.id == chosen):
        session.choose_model(entry.id)
        st.rerun()
    if buttons.button("Make default", key=f"default-{entry.id}", disabled=not may_change or entry.id == default,
                      help="The model every new visitor reads with.") and may_change:  # fmt: skip
        try:
            registry().set_default(entry.id)
        except RegistryError as error:  # it was deleted or damaged meanwhile
            flash(f"model-{entry.id}", str(error))
        st.rerun()
    buttons.download_button("Download", data=entry.path.read_bytes, file_name=f"row-reader-{entry.id}.keras",
                            mime="application/zip", key=f"download-{entry.id}", on_click="ignore")  # fmt: skip
    if not entry.shipped and buttons.button("Delete", key=f"delete-{entry.id}", disabled=not may_change) and may_change:
        try:
            run_manager().delete(entry.id)
        except RunError as error:
            flash(f"model-{entry.id}", str(error))
        if session.chosen_model_id() == entry.id:
            session.forget_model_choice()
        st.rerun()


def _device_words(device: dict | None) -> str:
    return device_label(device) if isinstance(device, dict) and device else "device unknown"


def models_section(may_change: bool) -> None:
    st.header("Models")
    st.caption("The shipped model and every finished run. Choose which one reads digits for you, or for everyone.")
    models = registry()
    default = models.default_model_id()
    chosen = session.chosen_model_id() or default
    for entry in models.models():
        with st.container(border=True):
            model_row(entry, chosen, default, may_change)


def past_runs(runs: list[Run], shown: str | None, may_change: bool, narrow: bool) -> None:
    """Runs that stopped short, so that they can be resumed or their logs read."""
    stopped = [run for run in runs if run.state in (CANCELLED, FAILED) and run.id != shown]
    if not stopped:
        return
    with st.expander(f"Stopped runs ({len(stopped)})"):
        for run in stopped:
            show_run(run.id, may_change, narrow)
            st.divider()


def page() -> None:
    st.title("Train")
    st.caption(words.TRAIN_TAGLINE)
    st.markdown(f"**Training runs on:** {plain(training_device())}")
    width = screen.page_width()
    narrow = width is not None and width < style.PHONE_WIDTH
    may_change = access.password_box()
    manager = run_manager()
    runs = manager.runs()
    shown = manager.active() or (runs[0] if runs else None)  # a running run wherever its folder sorts, else the newest
    if shown is not None and shown.state == RUNNING:
        live_status(shown.id, may_change)
        show_flash(RUNS_PLACE)  # under the run's Cancel, where the eyes are after pressing Start, Resume or Cancel
        live_curves(shown.id, narrow)
    else:
        show_flash(RUNS_PLACE)
        new_run_form(may_change)
        if shown is not None:
            st.header("Latest run")
            show_run(shown.id, may_change, narrow)
    past_runs(runs, shown.id if shown else None, may_change, narrow)
    models_section(may_change)


page()
