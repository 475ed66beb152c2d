"""The Train page: start a run in the background, watch it learn, and choose which model reads digits."""

import streamlit as st

from training import progress
from training.devices import device_label
from training.presets import PRESETS
from training.registry import ModelEntry
from training.run_folder import CANCELLED, DONE, FAILED, RUNNING
from training.runs import Run, RunError, RunInProgress, probe_device
from views import access, explain, screen, session, style
from views.models import load_entry, registry, run_manager
from views.plotting import PLOTLY_CONFIG
from views.train_figures import training_figure

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


@st.cache_resource(show_spinner="Looking for a GPU...")
def training_device() -> str:
    device = probe_device()
    backend = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}.get(device.get("backend"), device.get("backend"))
    return f"{device_label(device)}, Keras on {backend}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


# --- the form --------------------------------------------------------------------------------------------------------


def _optional_number(label: str, key: str, preset_value, help: str):
    """An empty box means "the recipe's value", shown as its placeholder."""
    shown = preset_value if isinstance(preset_value, str) else f"{preset_value:,}" if preset_value is not None else "all"
    return st.number_input(label, value=None, step=1, key=key, placeholder=f"recipe: {shown}", help=help)


def new_run_form(may_change: bool) -> None:
    st.header("Start a run")
    names = list(PRESETS)
    preset_name = st.selectbox(
        "Recipe", names, index=names.index("default"), key="train_preset",
        format_func=lambda name: f"{name}: {explain.PRESETS[name]}",
    )  # fmt: skip
    config = PRESETS[preset_name]
    length = f"{config.samples:,} training digits" if config.samples else f"{config.epochs} epochs"
    st.caption(f"Leave a box empty to keep the recipe's value. This recipe trains for {length}.")
    left, middle, right = st.columns(3)
    with left:
        epochs = _optional_number("Epochs", "train_epochs", f"{config.samples:,} digits" if config.samples else config.epochs,
                                  "Passes over the training digits (1 to 1000). Replaces the recipe's length.")  # fmt: skip
        limit = _optional_number("Use only the first N digits", "train_limit", None,
                                 "For a quick demonstration: train and test on fewer digits (at least 20).")  # fmt: skip
    with middle:
        layers = _optional_number("LSTM layers", "train_layers", config.model.lstm_layers, "Stacked layers, 1 to 3.")
        units = _optional_number("Units per layer", "train_units", config.model.units, "Size of h and c in each layer, 1 to 1024.")
    with right:
        batch_size = _optional_number("Batch size", "train_batch", config.batch_size, "Digits per learning step, 1 to 8192.")
        learning_rate = st.text_input("Learning rate", key="train_lr", placeholder=f"recipe: {config.learning_rate:g}",
                                      help="Adam's step size, a number between 0 and 1, such as 0.001.")  # fmt: skip
    augment = st.checkbox("Augment: warp and thicken digits a little, as people draw", value=config.augment, key="train_augment")

    if st.button("Start training", type="primary", disabled=not may_change, key="start"):
        overrides = {"epochs": epochs, "limit": limit, "lstm_layers": layers, "units": units, "batch_size": batch_size}
        overrides = {key: value for key, value in overrides.items() if value is not None}
        try:
            if learning_rate.strip():
                overrides["learning_rate"] = _number("learning rate", learning_rate)
            if augment != config.augment:
                overrides["augment"] = augment
            run_manager().start(preset_name, overrides)
        except ValueError as error:  # the manager checks the settings before anything starts
            st.error(f"Please check the settings: {error}.")
            return
        except RunInProgress as busy:
            st.warning(str(busy))
        except RunError as error:
            st.error(str(error))
        st.rerun()


def _number(name: str, text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError(f"the {name} must be a number, such as 0.001; got {text.strip()!r}") from None


# --- one run ---------------------------------------------------------------------------------------------------------


def _read_run(run_id: str) -> Run | None:
    try:
        return run_manager().run(run_id)
    except RunError:
        st.info("That run has been deleted.")
        return None


def run_status(run: Run, may_change: bool) -> None:
    """What the run is doing: a progress bar with speed and time left, or how it ended, with what can be done next."""
    summary = progress.summarise(run.progress())
    device = run.status.get("device") or {}
    heading = f"**{STATE_WORDS.get(run.state, run.state)}**: {run.preset or 'run'} `{run.id}`"
    st.markdown(heading + (f" on {device_label(device)}" if device else ""))
    if run.state == RUNNING:
        if summary.total_steps is None:
            st.progress(0.0, text="Starting: loading Keras and the MNIST digits...")
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
        if st.button("Cancel run", disabled=not may_change, key=f"cancel-{run.id}", help=stop_help):
            run_manager().cancel(run.id)
            st.toast("Cancelling after the current batch...")
    elif run.state == DONE:
        st.success(f"Test accuracy {run.status.get('test_accuracy', 0):.2%}. The model is in the list below.")
    elif run.state == CANCELLED:
        st.info(f"Cancelled at step {run.status.get('step', 0):,} of {run.status.get('total_steps') or '?'}; its checkpoint is kept.")
    else:
        st.error(run.status.get("message") or "The run failed.")
        tail = run.log_tail()
        if tail:
            with st.expander("The end of the run's log", expanded=True):
                st.code(tail, language=None)
    if run.resumable and st.button("Resume from the last checkpoint", disabled=not may_change, key=f"resume-{run.id}"):
        try:
            run_manager().resume(run.id)
        except RunError as error:
            st.warning(str(error))
        st.rerun()


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
    loaded = load_entry(entry)
    name, accuracy, actions = st.columns([3, 3, 6], vertical_alignment="center")
    tags = [tag for tag, on in (("reading in this browser", entry.id == chosen), ("server default", entry.id == default)) if on]
    name.markdown(f"**{entry.label}**" + (f"  \n:blue[{' · '.join(tags)}]" if tags else ""))
    if isinstance(loaded, str):
        accuracy.markdown(":red[cannot be used]")
        actions.caption(loaded)
        return
    metadata = entry.metadata
    details = [duration(metadata.get("wall_time_s")), _device_words(metadata.get("device"))]
    accuracy.markdown(f"{metadata.get('test_accuracy', float('nan')):.2%} test accuracy  \n{' · '.join(details)}")
    buttons = actions.container(horizontal=True, gap="small")  # side by side while they fit, never cut short
    if buttons.button("Read with it", key=f"use-{entry.id}", disabled=entry.id == chosen):
        session.choose_model(entry.id)
        st.rerun()
    if buttons.button("Make default", key=f"default-{entry.id}", disabled=not may_change or entry.id == default,
                          help="The model every new visitor reads with."):  # fmt: skip
        registry().set_default(entry.id)
        st.rerun()
    buttons.download_button("Download", data=entry.path.read_bytes, file_name=f"row-reader-{entry.id}.keras",
                            mime="application/zip", key=f"download-{entry.id}", on_click="ignore")  # fmt: skip
    if not entry.shipped and buttons.button("Delete", key=f"delete-{entry.id}", disabled=not may_change):
        try:
            run_manager().delete(entry.id)
        except RunError as error:
            st.warning(str(error))
            return
        if session.chosen_model_id() == entry.id:
            session.forget_model_choice()
        st.rerun()


def _device_words(device: dict | None) -> str:
    return device_label(device) if device else "device unknown"


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
    st.caption(explain.TRAIN_TAGLINE)
    st.markdown(f"**Training runs on:** {training_device()}")
    width = screen.page_width()
    narrow = width is not None and width < style.PHONE_WIDTH
    may_change = access.password_box()
    manager = run_manager()
    runs = manager.runs()
    latest = runs[0] if runs else None
    if latest is not None and latest.state == RUNNING:
        live_status(latest.id, may_change)
        live_curves(latest.id, narrow)
    else:
        new_run_form(may_change)
        if latest is not None:
            st.header("Latest run")
            show_run(latest.id, may_change, narrow)
    past_runs(runs, latest.id if latest else None, may_change, narrow)
    models_section(may_change)


page()
