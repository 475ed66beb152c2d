"""The Train page's form for a new run: a recipe, a name, the numbers that change the recipe, and how long it will take.

Every value is checked as the command line checks it (training/presets.py) before anything starts, and the time is
told from this machine's own pace (training/pace.py). The page starts the run, from Start's callback, and tells what
refused it.
"""

from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from model.config import ModelConfig
from model.files import finite_number
from training.devices import device_label
from training.pace import estimate_s, measured_pace, probed_pace
from training.presets import MEANINGFUL_DIGITS, PRESETS, TrainConfig, learning_rate_setting, preset, too_small, whole_setting
from training.run_folder import NAME_CHARS
from training.runs import probe_device, probe_pace
from views import words
from views.parts.models_in_use import run_manager
from views.words import plain

BOXES = {"epochs": "train_epochs", "limit": "train_limit", "lstm_layers": "train_layers", "units": "train_units",
         "batch_size": "train_batch"}  # fmt: skip  # the whole-number settings and their boxes' keys
LEARNING_RATE_KEY, AUGMENT_KEY = "train_lr", "train_augment"
RECIPE_KEY, CHOSEN_RECIPE_KEY = "train_preset", "train_recipe"  # the list's widget, and the choice kept beside it
NAME_KEY = "train_name"  # the run's own name, typed or not
FIRST_RECIPE = "lesson"  # a run that fits in a lesson
MEASURING_POLL_S = 2.0  # how often the page looks whether the probe of this machine's pace has finished


@st.cache_resource(show_spinner="Looking for a GPU...")
def training_device() -> str:
    device = probe_device()
    backend = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}.get(device.get("backend"), device.get("backend"))
    return f"{device_label(device)}, Keras on {backend}"


def duration(seconds: float | None) -> str:
    """A time as people say it: "45 s", "1 min 05 s", "2 h 03 min" (also the page's, for time left and a model's training)."""
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


@st.fragment(run_every=MEASURING_POLL_S)
def _measuring(probe: Future) -> None:
    """Said while the probe runs; the page is drawn again with the estimate once it has finished."""
    if probe.done():
        st.rerun(scope="app")
    st.caption("Measuring how fast this machine trains this model...")


def new_run_form(may_change: bool, presenter: bool, on_start) -> None:
    """The form; Start calls `on_start`, before the page is drawn again."""
    st.header("Start a run")
    st.markdown(f"**Training runs on:** {plain(training_device())}")
    names = list(PRESETS)
    recipe_column, name_column = st.columns([3, 2])
    preset_name = recipe_column.selectbox(
        "Recipe", names, index=names.index(st.session_state.get(CHOSEN_RECIPE_KEY, FIRST_RECIPE)), key=RECIPE_KEY,
        format_func=lambda name: f"{name}: {words.PRESETS[name]}", on_change=_remember_recipe,
    )  # fmt: skip
    name_column.text_input("Name (optional)", key=NAME_KEY, max_chars=NAME_CHARS, placeholder="e.g. Class 9B's model",
                           help="Shown beside the recipe and the time wherever the run and its model are listed.")  # fmt: skip
    recipe_numbers(preset_name, presenter)
    time_estimate(st.session_state)
    st.button("Start training", type="primary", disabled=not may_change, key="start", on_click=on_start)


def recipe_numbers(preset_name: str, presenter: bool) -> None:
    """The boxes that change the recipe's numbers, each showing the recipe's own; and Augment. Explained, but not on a
    projector."""
    config = PRESETS[preset_name]
    length = f"{config.samples:,} training digits" if config.samples else f"{config.epochs} epochs"
    if not presenter:
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
