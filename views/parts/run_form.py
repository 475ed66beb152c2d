"""The Train page's form for a new run: a recipe, a name, the numbers that change the recipe, and how long it will take.

Every value is checked as the command line checks it (training/presets.py) before anything starts, and the time is
told from this machine's own pace (training/pace.py). The page starts the run, from Start's callback, and tells what
refused it.
"""

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

import streamlit as st

import i18n
from i18n import N_, _, ngettext
from model.config import CELLS, ModelConfig
from model.files import finite_number
from training.devices import device_label
from training.pace import Pace, estimate_s, measured_pace, probed_pace
from training.presets import MEANINGFUL_DIGITS, PRESETS, TrainConfig, learning_rate_setting, preset, too_small, whole_setting
from training.run_folder import NAME_CHARS
from training.runs import probe_device, probe_pace
from views import words
from views.parts.models_in_use import run_manager
from views.words import cell_name, plain

BOXES = {"epochs": "train_epochs", "limit": "train_limit", "layers": "train_layers", "units": "train_units",
         "batch_size": "train_batch"}  # fmt: skip  # the whole-number settings and their boxes' keys
LEARNING_RATE_KEY, AUGMENT_KEY = "train_lr", "train_augment"
RECIPE_KEY, CHOSEN_RECIPE_KEY = "train_preset", "train_recipe"  # the list's widget, and the choice kept beside it
NAME_KEY = "train_name"  # the run's own name, typed or not
CELL_KEY = "train_cell"  # one cell choice per recipe (cell_key), so that each starts at its own recipe's cell
FIRST_RECIPE = "lesson"  # a run that fits in a lesson
MEASURING_POLL_S = 2.0  # how often the page looks whether the probe of this machine's pace has finished
# The recipes of the other two cells, said as views/words.PRESETS says the others (translated where shown).
RECIPE_WORDS = {
    "gru": N_("the shipped model's size with a GRU (2 x 128 units, 12 epochs, about 20 min on 2 CPU cores)"),
    "rnn": N_("the shipped model's size with a plain RNN, no gates (2 x 128 units, 12 epochs, about 10 min on 2 CPU cores)"),
}
CELL_CHOICES = {  # each cell in the form, in plain words
    "lstm": N_("LSTM: a memory c, kept by four gates"),
    "gru": N_("GRU: two gates, no separate memory"),
    "rnn": N_("Plain RNN: no gates at all"),
}


def training_device() -> str:
    """What trains here, in the reader's words: the probe is asked once per server, the words at each showing."""
    with st.spinner(_("Looking for a GPU...")):
        device = _probed_device()
    backend = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}.get(device.get("backend"), device.get("backend"))
    return _("{device}, Keras on {backend}").format(device=device_label(device), backend=backend)


@st.cache_resource(show_spinner=False)
def _probed_device() -> dict:
    return probe_device()


def duration(seconds: float | None) -> str:
    """A time as people say it: "45 s", "1 min 05 s", "2 h 03 min" (also the page's, for time left and a model's training)."""
    if not finite_number(seconds):
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return _("{seconds} s").format(seconds=seconds)
    if seconds < 3600:
        if seconds % 60:
            return _("{minutes} min {seconds} s").format(minutes=seconds // 60, seconds=f"{seconds % 60:02d}")
        return _("{minutes} min").format(minutes=seconds // 60)
    return _("{hours} h {minutes} min").format(hours=seconds // 3600, minutes=f"{seconds % 3600 // 60:02d}")


def rough_duration(seconds: float) -> str:
    """An estimate to the nearest ten seconds under two minutes, else to the minute: no more precise than it is."""
    return duration(round(seconds, -1) if seconds < 120 else 60 * round(seconds / 60))


def _recipe_box(label: str, setting: str, recipe_value, help: str) -> None:
    """A whole-number box, typed as text: the browser's number box rounds 2.5 and 1e3 before the page sees them.

    An empty box means "the recipe's value", shown as its placeholder.
    """
    shown = recipe_value if isinstance(recipe_value, str) else i18n.number(recipe_value) if recipe_value is not None else _("all")
    st.text_input(label, key=BOXES[setting], placeholder=_("recipe: {value}").format(value=shown), help=help)


def typed_settings(boxes: dict[str, str], learning_rate: str) -> dict:
    """The boxes that are filled, each parsed as the command line parses it; ValueError says which is wrong."""
    settings = {name: whole_setting(name, text) for name, text in boxes.items() if str(text).strip()}
    if str(learning_rate).strip():
        settings["learning_rate"] = learning_rate_setting(learning_rate)
    return settings


def _remember_recipe() -> None:
    """The recipe chosen, kept outside the widget: while a run is shown the form is gone, and its widgets' state with it."""
    st.session_state[CHOSEN_RECIPE_KEY] = st.session_state[RECIPE_KEY]


def recipe_words(preset_name: str) -> str:
    """What a recipe is, in the reader's language."""
    return _(words.PRESETS.get(preset_name) or RECIPE_WORDS[preset_name])


def cell_key(preset_name: str) -> str:
    """One cell choice per recipe, so that each starts at its own recipe's cell."""
    return f"{CELL_KEY}-{preset_name}"


def augment_key(preset_name: str) -> str:
    """One Augment box per recipe, so that each starts at its own recipe's value."""
    return f"{AUGMENT_KEY}-{preset_name}"


def chosen_run(state) -> tuple[str, dict, TrainConfig]:
    """The recipe, the boxes' values that change it, and the settings Start would launch; ValueError says what is wrong."""
    preset_name = state.get(RECIPE_KEY)
    recipe = PRESETS.get(preset_name)
    if recipe is None:
        raise ValueError(_("choose a recipe from the list"))
    overrides = typed_settings({name: state.get(key, "") for name, key in BOXES.items()}, state.get(LEARNING_RATE_KEY, ""))
    augment = bool(state.get(augment_key(preset_name), recipe.augment))
    if augment != recipe.augment:
        overrides["augment"] = augment
    cell = state.get(cell_key(preset_name), recipe.model.cell)
    if cell not in CELLS:  # only a forged message could send another
        raise ValueError(_("choose a cell from the list"))
    if cell != recipe.model.cell:
        overrides["cell"] = cell
    config = preset(preset_name, **overrides)
    problem = too_small(config)
    if problem:
        raise ValueError(problem)
    return preset_name, overrides, config


def time_estimate(state) -> None:
    """How long the run would take here, from this machine's measured pace; nothing if the settings are wrong."""
    try:
        _name, _settings, config = chosen_run(state)
    except ValueError as error:
        st.warning(_("Please check the settings: {problem}.").format(problem=plain(str(error))))
        return
    pace = measured_pace(run_manager().runs(), config)
    if pace is None:
        probe = _probe(config.model, config.batch_size)
        if not probe.done():  # a few seconds of Keras in another process: the page does not wait for it
            _measuring(probe)
            return
        pace = probed_pace(probe.result())
    if pace is not None:
        st.markdown(estimate_words(rough_duration(estimate_s(config, pace)), pace))


def estimate_words(time: str, pace: Pace) -> str:
    """How long, and where the figure comes from: a run of this model here, or a short test of it."""
    if pace.measured_at is None:
        return _("**About {time} on this machine**, from a short test of this model on this machine.").format(time=time)
    return _("**About {time} on this machine**, from the run of {when}, which trained this model here.").format(
        time=time, when=i18n.day_and_time(datetime.fromtimestamp(pace.measured_at)))  # fmt: skip


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
    st.caption(_("Measuring how fast this machine trains this model..."))


def new_run_form(may_change: bool, presenter: bool, on_start) -> None:
    """The form; Start calls `on_start`, before the page is drawn again."""
    st.header(_("Start a run"))
    st.markdown(_("**Training runs on:** {device}").format(device=plain(training_device())))
    names = list(PRESETS)
    recipe_column, name_column = st.columns([3, 2])
    preset_name = recipe_column.selectbox(
        _("Recipe"), names, index=names.index(st.session_state.get(CHOSEN_RECIPE_KEY, FIRST_RECIPE)), key=RECIPE_KEY,
        format_func=lambda name: f"{name}: {recipe_words(name)}", on_change=_remember_recipe,
    )  # fmt: skip
    name_column.text_input(_("Name (optional)"), key=NAME_KEY, max_chars=NAME_CHARS, placeholder=_("e.g. Class 9B's model"),
                           help=_("Shown beside the recipe and the time wherever the run and its model are listed."))  # fmt: skip
    cell_choice(preset_name, presenter)
    recipe_numbers(preset_name, presenter)
    time_estimate(st.session_state)
    st.button(_("Start training"), type="primary", disabled=not may_change, key="start", on_click=on_start)


def cell_choice(preset_name: str, presenter: bool) -> None:
    """The recurrent cell, the recipe's own at first: radio buttons, which the arrow keys move through."""
    recipe_cell = PRESETS[preset_name].model.cell
    st.radio(
        _("Recurrent cell"), CELLS, index=CELLS.index(recipe_cell), key=cell_key(preset_name), horizontal=True,
        format_func=lambda cell: _(CELL_CHOICES[cell]),
        help=_("What each unit does with a row. The LSTM keeps a memory c behind four gates. The GRU has two gates. "
               "The plain RNN has none. Every recipe works with each cell."),
    )  # fmt: skip
    if not presenter:
        st.caption(_("This recipe's own cell is the {cell}.").format(cell=cell_name(recipe_cell)))


def recipe_numbers(preset_name: str, presenter: bool) -> None:
    """The boxes that change the recipe's numbers, each showing the recipe's own; and Augment. Explained, but not on a
    projector."""
    config = PRESETS[preset_name]
    if not presenter:
        if config.samples:
            length = _("Leave a box empty to keep the recipe's value. This recipe trains for {count} training digits.")
        else:
            length = ngettext(
                "Leave a box empty to keep the recipe's value. This recipe trains for {count} epoch.",
                "Leave a box empty to keep the recipe's value. This recipe trains for {count} epochs.",
                config.epochs,
            )
        st.caption(length.format(count=i18n.number(config.samples or config.epochs)))
    recipe_length = _("{count} digits").format(count=i18n.number(config.samples)) if config.samples else config.epochs
    left, middle, right = st.columns(3)
    with left:
        _recipe_box(_("Epochs"), "epochs", recipe_length,
                    _("Passes over the training digits (1 to 1000). Replaces the recipe's length."))  # fmt: skip
        _recipe_box(_("Use only the first N digits"), "limit", None,
                    _("For a quick demonstration: train and test on fewer digits (at least {count}).").format(
                        count=i18n.number(MEANINGFUL_DIGITS)))  # fmt: skip
    with middle:
        _recipe_box(_("Recurrent layers"), "layers", config.model.layers, _("Stacked layers, 1 to 3."))
        _recipe_box(_("Units per layer"), "units", config.model.units, _("Size of h in each layer (and of c in an LSTM), 1 to 1024."))
    with right:
        _recipe_box(_("Batch size"), "batch_size", config.batch_size, _("Digits per learning step, 1 to 8192."))
        st.text_input(_("Learning rate"), key=LEARNING_RATE_KEY, placeholder=_("recipe: {value}").format(value=f"{config.learning_rate:g}"),
                      help=_("Adam's step size, a number between 0 and 1, such as 0.001."))  # fmt: skip
    st.checkbox(_("Augment: warp and thicken digits a little, as people draw"), value=config.augment, key=augment_key(preset_name))
