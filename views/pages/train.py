"""The Train page: start a run in the background, watch it learn, and choose which model reads digits.

The form for a new run is views/parts/run_form.py; a run started here comes into view (views/parts/scroll.py).
"""

import streamlit as st

import i18n
from i18n import N_, _
from model.config import CELLS
from model.files import finite_number
from training import progress, run_folder
from training.devices import device_label
from training.presets import PRESETS
from training.registry import ModelEntry, RegistryError
from training.run_folder import CANCELLED, DONE, FAILED, RUNNING
from training.run_log import disk_fault_words, readable_log
from training.runs import Run, RunError, RunInProgress
from views import words
from views.figures.plotting import PLOTLY_CONFIG
from views.figures.training import training_figure
from views.parts import access, screen, scroll, session, style
from views.parts.models_in_use import load_entry, registry, run_manager
from views.parts.run_form import NAME_KEY, chosen_run, duration, new_run_form
from views.words import cell_name, plain

# How often watchers re-read the run: often enough to feel live, rarely enough that a browser
# watching on the training machine itself takes little from the run (bench/bench_train_page.py).
POLL_S = 2.0  # the status and progress bar
CURVES_POLL_S = 4.0  # the curves, which cost a browser more to redraw
STATE_WORDS = {  # translated where shown (state_words)
    RUNNING: N_("Running"),
    DONE: N_("Finished"),
    CANCELLED: N_("Cancelled"),
    FAILED: N_("Failed"),
}
FLASH_KEY = "train_flash"  # {place on the page: (kind, message)}: a refusal, shown once after the rerun it needs
RUNS_PLACE = "runs"  # under the running run (or above the form): where Start, Cancel and Resume are answered
FORM_PLACE = "form"  # under Start: what is wrong with the settings
RUN_BOX, LATEST_BOX = "running-run", "latest-run"  # the containers of the running run (under the title) and the latest one
WATCHING_KEY = "train_watching"  # the run this browser was shown running: when it ends, its result is brought into view
BRING_KEY = "train_bring_run"  # set by Start and Resume: the page that shows their run brings it into view, once
# The curves' text and height: on a projector no text under 18 px, for the back of the room, and the curves taller, with
# the run's progress above them still on a 1280x720 screen.
CURVES = {False: {"font_size": 15, "height": 340}, True: {"font_size": 20, "height": 400}}  # by presenter mode


def percent(value) -> str:
    return i18n.percent(value, 2) if finite_number(value) else "?"


def count(value) -> str:
    return i18n.number(int(value)) if finite_number(value) else "?"


def state_words(state: str) -> str:
    """A run's state in the reader's language; a state this version does not know, as its files say it."""
    return _(STATE_WORDS[state]) if state in STATE_WORDS else state


def run_message(message: str) -> str:
    """What status.json says of how a run ended, in the reader's language: the process that wrote it knows no session's
    language, so its fixed sentences (marked N_ where written) are translated here; any other is shown as written."""
    return _(message) if message else message


def cell_to_name(preset_name, model_settings) -> str | None:
    """The cell a run trained with, where its recipe's name does not tell it (a lesson run with a GRU), else None."""
    cell = model_settings.get("cell") if isinstance(model_settings, dict) else None
    recipe = PRESETS.get(preset_name) if isinstance(preset_name, str) else None
    return cell if recipe is not None and cell in CELLS and cell != recipe.model.cell else None


def run_label(run: Run) -> str:
    """The run's name, with its cell where its recipe does not tell it: "GRU · lesson · 7 Dec, 06:44"."""
    cell = cell_to_name(run.preset, (run.config or {}).get("model"))
    if cell is None:
        return run.label
    return run_folder.run_label(run.id, run.name, f"{cell_name(cell)} · {run.preset}", run.started_at)


def model_label(entry: ModelEntry) -> str:
    """The model's name as its run's, with the cell it was trained with (its model.json's settings) where its recipe
    does not tell it."""
    run, settings = entry.metadata.get("run"), entry.metadata.get("config")
    model = settings.get("model") if isinstance(settings, dict) else None
    cell = cell_to_name(run.get("preset"), model) if isinstance(run, dict) and not entry.shipped else None
    if cell is None:
        return entry.label
    return run_folder.run_label(entry.id, run.get("name"), f"{cell_name(cell)} · {run['preset']}", run.get("started_at"))


# --- Start ------------------------------------------------------------------------------------------------------------


def start_pressed() -> None:
    """Start's callback. It runs before the page is drawn again, so a refusal is told even where the form is gone:
    someone else's run, started meanwhile, is what the page shows next."""
    if not access.unlocked():  # a press forged past the disabled button
        return
    try:
        preset_name, overrides, _config = chosen_run(st.session_state)
        run_manager().start(preset_name, overrides, name=st.session_state.get(NAME_KEY))
        st.session_state[BRING_KEY] = True
        st.session_state[NAME_KEY] = ""  # a name is one run's
    except ValueError as error:  # every value is checked before anything starts
        keep(FORM_PLACE, _("Please check the settings: {problem}.").format(problem=error), "error")
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
        st.info(_("That run has been deleted."))
        return None


def _draws(run: Run) -> bool:
    drawn = (run.config or {}).get("drawn")
    return isinstance(drawn, int | float) and not isinstance(drawn, bool) and drawn > 0


def run_status(run: Run, may_change: bool) -> None:
    """What the run is doing: a progress bar with speed and time left, or how it ended, with what can be done next."""
    summary = progress.summarise(run.progress())
    device = run.status.get("device") or {}
    state, label = state_words(run.state), plain(run_label(run))
    if device:
        heading = _("**{state}**: {run} on {device}").format(state=state, run=label, device=plain(device_label(device)))
    else:
        heading = _("**{state}**: {run}").format(state=state, run=label)
    st.markdown(heading)
    if run.state == RUNNING:
        if summary.total_steps is None:
            st.progress(0.0, text=_("Starting: loading Keras and the MNIST digits..."))
        elif summary.samples_per_s is None and _draws(run):  # canvas_style draws the digits before the first batch
            st.progress(0.0, text=_("Starting: drawing the training digits as on a canvas, then the first batch..."))
        else:
            st.progress(summary.fraction, text=progress_words(summary))
        stop_help = _("Stops after the current batch and keeps the last checkpoint.")
        if st.button(_("Cancel run"), disabled=not may_change, key=f"cancel-{run.id}", help=stop_help) and may_change:
            try:
                run_manager().cancel(run.id)
            except RunError as error:  # it ended meanwhile
                flash(RUNS_PLACE, str(error))
            st.toast(_("Cancelling after the current batch..."))
    elif run.state == DONE:
        st.success(_("Test accuracy {accuracy}. The model is in the list below.").format(accuracy=percent(run.status.get("test_accuracy"))))
    elif run.state == CANCELLED:
        st.info(_("Cancelled at step {step} of {steps}; its checkpoint is kept.").format(
            step=count(run.status.get("step")), steps=count(run.status.get("total_steps"))))  # fmt: skip
    else:
        st.error(plain(readable_log(run_message(str(run.status.get("message") or ""))).strip() or _("The run failed.")))
        tail = run.log_tail()  # the run's own lines, in words: the libraries' stay in train.log on the server
        if tail:
            with st.expander(_("The end of the run's log"), expanded=True):
                st.code(tail, language=None, wrap_lines=True)  # its own lines, in words: read whole on a phone too
    resume = run.resumable and st.button(_("Resume from the last checkpoint"), disabled=not may_change, key=f"resume-{run.id}")
    if resume and may_change:
        try:
            run_manager().resume(run.id)
        except RunError as error:
            flash(RUNS_PLACE, str(error))
        st.session_state[BRING_KEY] = True
        st.rerun(scope="app")


def progress_words(summary: progress.RunProgress) -> str:
    """The bar's text: "42% · step 1,000 of 2,400 · epoch 2 of 3 · 3,100 digits/s · about 1 min 10 s left"."""
    parts = [i18n.percent(summary.fraction),
             _("step {step} of {steps}").format(step=i18n.number(summary.step), steps=i18n.number(summary.total_steps))]  # fmt: skip
    if summary.epochs:
        parts.append(_("epoch {epoch} of {epochs}").format(epoch=max(summary.epoch, 1), epochs=summary.epochs))
    if summary.samples_per_s:
        parts.append(_("{count} digits/s").format(count=i18n.number(summary.samples_per_s)))
    if summary.eta_s is not None:
        parts.append(_("about {time} left").format(time=duration(summary.eta_s)))
    return " · ".join(parts)


def run_curves(run: Run, narrow: bool, presenter: bool) -> None:
    """The loss and accuracy curves; on a phone (narrow) one above the other; on a projector in bigger type, unexplained."""
    records = run.progress()
    if any(record.get("kind") == "batch" for record in records):
        curves = progress.training_curves(records)
        st.plotly_chart(
            training_figure(curves, **CURVES[presenter], stacked=narrow), config=PLOTLY_CONFIG, key=f"curves-{run.id}",
            alt=_("Two charts of the run {run} by epoch, its loss and its accuracy: on the batches it learns from, on "
                  "digits held out, and on the test set at the end").format(run=run_label(run)),
        )  # fmt: skip
        if not presenter:
            st.caption(_("The plain line: loss and accuracy on the batches it is learning from. The line with dots: digits "
                         "it never trains on, checked each epoch. The star: the test set, once, at the end."))  # fmt: skip


def show_run(run_id: str, may_change: bool, narrow: bool, presenter: bool) -> None:
    """A run that has ended, as it ended."""
    run = _read_run(run_id)
    if run is not None:
        run_status(run, may_change)
        run_curves(run, narrow, presenter)


@st.fragment(run_every=POLL_S)
def live_status(run_id: str, may_change: bool) -> None:
    """Re-read the run every second without rerunning the page; when it has ended, rerun the page for the model list."""
    run = _read_run(run_id)
    if run is not None and run.state == RUNNING:
        run_status(run, may_change)
    else:
        st.rerun(scope="app")


@st.fragment(run_every=CURVES_POLL_S)
def live_curves(run_id: str, narrow: bool, presenter: bool) -> None:
    """The curves, redrawn less often than the bar: redrawing them is what costs a watching browser most."""
    run = _read_run(run_id)
    if run is not None:
        run_curves(run, narrow, presenter)


# --- models ----------------------------------------------------------------------------------------------------------


def model_row(entry: ModelEntry, chosen: str, default: str, may_change: bool) -> None:
    show_flash(f"model-{entry.id}")
    loaded = load_entry(entry)
    name, accuracy, actions = st.columns([3, 3, 6], vertical_alignment="center")
    tags = [_(tag) for tag, on in ((N_("reading in this browser"), entry.id == chosen), (N_("server default"), entry.id == default)) if on]
    name.markdown(f"**{plain(model_label(entry))}**" + (f"  \n:blue[{' · '.join(tags)}]" if tags else ""))
    if isinstance(loaded, str):
        accuracy.markdown(":red[" + _("cannot be used") + "]")
        actions.caption(plain(loaded))
        return
    metadata = entry.metadata
    details = [duration(metadata.get("wall_time_s")), plain(_device_words(metadata.get("device")))]
    accuracy.markdown(_("{accuracy} test accuracy").format(accuracy=percent(metadata.get("test_accuracy"))) + f"  \n{' · '.join(details)}")
    buttons = actions.container(horizontal=True, gap="small")  # side by side while they fit, never cut short
    if buttons.button(_("Read with it"), key=f"use-{entry.id}", disabled=entry.id == chosen):
        session.choose_model(entry.id)
        st.rerun()
    if buttons.button(_("Make default"), key=f"default-{entry.id}", disabled=not may_change or entry.id == default,
                      help=_("The model every new visitor reads with.")) and may_change:  # fmt: skip
        try:
            registry().set_default(entry.id)
        except RegistryError as error:  # it was deleted or damaged meanwhile
            flash(f"model-{entry.id}", str(error))
        except OSError as error:  # a full or read-only disk
            flash(f"model-{entry.id}", disk_fault_words(error, "the model could not be made the default", "press Make default again"))
        st.rerun()
    buttons.download_button(_("Download"), data=entry.path.read_bytes, file_name=f"row-reader-{entry.id}.keras",
                            mime="application/zip", key=f"download-{entry.id}", on_click="ignore")  # fmt: skip
    if not entry.shipped and buttons.button(_("Delete"), key=f"delete-{entry.id}", disabled=not may_change) and may_change:
        try:
            run_manager().delete(entry.id)
        except RunError as error:
            flash(f"model-{entry.id}", str(error))
        if session.chosen_model_id() == entry.id:
            session.forget_model_choice()
        st.rerun()


def _device_words(device: dict | None) -> str:
    return device_label(device) if isinstance(device, dict) and device else _("device unknown")


def models_section(may_change: bool, presenter: bool) -> None:
    st.header(_("Models"))
    if not presenter:
        st.caption(_("The shipped model and every finished run. Choose which one reads digits for you, or for everyone."))
    models = registry()
    default = models.default_model_id()
    chosen = session.chosen_model_id() or default
    for entry in models.models():
        with st.container(border=True):
            model_row(entry, chosen, default, may_change)


def past_runs(runs: list[Run], shown: str | None, may_change: bool, narrow: bool, presenter: bool) -> None:
    """Runs that stopped short, so that they can be resumed or their logs read."""
    stopped = [run for run in runs if run.state in (CANCELLED, FAILED) and run.id != shown]
    if not stopped:
        return
    with st.expander(_("Stopped runs ({count})").format(count=len(stopped))):
        for run in stopped:
            show_run(run.id, may_change, narrow, presenter)
            st.divider()


def running_run(run: Run, may_change: bool, narrow: bool, presenter: bool) -> None:
    """The run in progress, right under the title; brought into view after Start or Resume sent the page elsewhere."""
    with st.container(key=RUN_BOX):
        live_status(run.id, may_change)
        show_flash(RUNS_PLACE)  # under the run's Cancel, where the eyes are after pressing Start, Resume or Cancel
        live_curves(run.id, narrow, presenter)
    st.session_state[WATCHING_KEY] = run.id
    if st.session_state.pop(BRING_KEY, False):
        scroll.into_view(RUN_BOX)


def latest_run(run: Run, may_change: bool, narrow: bool, presenter: bool) -> None:
    """The newest run, as it ended: brought into view for a browser that watched it run, or that just started it."""
    with st.container(key=LATEST_BOX):
        st.header(_("Latest run"))
        show_run(run.id, may_change, narrow, presenter)
    watched, started = st.session_state.pop(WATCHING_KEY, None), st.session_state.pop(BRING_KEY, False)
    if watched == run.id or started:
        scroll.into_view(LATEST_BOX)


def page() -> None:
    presenter = style.title_with_presenter_switch(_("Train"), _(words.TRAIN_TAGLINE))
    width = screen.page_width()
    narrow = width is not None and width < style.PHONE_WIDTH
    under_title = st.container()  # a running run goes here, above the password box
    may_change = access.password_box()
    manager = run_manager()
    runs = manager.runs()
    shown = manager.active() or (runs[0] if runs else None)  # a running run wherever its folder sorts, else the newest
    if shown is not None and shown.state == RUNNING:
        with under_title:
            running_run(shown, may_change, narrow, presenter)
    else:
        show_flash(RUNS_PLACE)
        new_run_form(may_change, presenter, on_start=start_pressed)
        show_flash(FORM_PLACE)  # under Start
        if shown is not None:
            latest_run(shown, may_change, narrow, presenter)
        else:
            st.session_state.pop(BRING_KEY, None)
    past_runs(runs, shown.id if shown else None, may_change, narrow, presenter)
    models_section(may_change, presenter)


page()
