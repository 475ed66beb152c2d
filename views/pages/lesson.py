"""The Lesson page: a guided tour of how the network reads, one step at a time, on a digit the class made.

The teacher steps through it on the projector with Next and Back (or the arrow keys); a student can follow it on a
phone. Each step (views/lesson_steps.py) is a few plain sentences, one question for the class, and the live view it
talks about (views/parts/lesson_views.py), its part to look at framed in amber. The step is kept in the address
(?step=3), so a link or a reload opens where the class is. The teacher's notes sit under each step, closed.
"""

import streamlit as st

from i18n import _
from model.insight import settled_row
from model.storage import ModelLoadError
from views import words
from views.digit import Digit, sample_digit
from views.lesson_steps import STEPS, Step, intro
from views.parts import inputs, reports, screen, session, style
from views.parts import presenter as presenter_mode
from views.parts.class_wall import shared_wall
from views.parts.lesson_views import VIEWS, WITHOUT_THE_DIGIT, Shown
from views.parts.models_in_use import active_model, reading_of

STEP_KEY = "step"  # the step shown (1-based), and the address's ?step=
DIGIT_KEY, KEPT_KEY = "lesson_digit", "lesson_digit_kept"  # the box, and its choice kept while the box is away
NUMBERS = [str(n) for n in range(1, len(STEPS) + 1)]
WALL_DIGITS = 8  # the newest shared digits offered
SIDE_BY_SIDE = 1100  # px of page: below it the view goes under the words, at the page's full width
CSS = """<style>
.st-key-lesson-question { border-left: 6px solid #1c5fb8; padding-left: 0.8rem; }
.st-key-lesson-look-at { border-left: 6px solid #d97706; padding-left: 0.8rem; }
.st-key-lesson-steps { flex-wrap: nowrap !important; }
@media (max-width: 640px) { .st-key-lesson-steps kbd { display: none; } }  /* a phone has no arrow keys: room for the three */
</style>"""


def _move(by: int) -> None:
    st.session_state[STEP_KEY] = min(max(st.session_state[STEP_KEY] + by, 1), len(STEPS))


def _chosen(key: str) -> None:
    st.session_state[STEP_KEY] = int(st.session_state[key])


def current_step() -> int:
    """The step (1-based) this browser is on; a link or a reload opens the step its address names."""
    if STEP_KEY not in st.session_state:
        named = str(st.query_params.get(STEP_KEY, "1")).strip()
        st.session_state[STEP_KEY] = int(named) if named in NUMBERS else 1
    return st.session_state[STEP_KEY]


def step_bar(presenter: bool) -> int:
    """Back, which step of how many, Next, on one line on every screen: the arrow keys press Back and Next.
    Returns the step's index (0-based)."""
    number = current_step()
    chooser = f"lesson-step-{number}"  # a new box for each step, so that it never shows a step the page has left
    named = {n: _("Step {number} of {count}").format(number=n, count=len(STEPS)) for n in NUMBERS}  # in this run's language
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="lesson-steps"):
        st.button(_("Back"), key="lesson-back", on_click=_move, args=(-1,), disabled=number == 1, shortcut="Left")
        st.selectbox(
            _("Step"), NUMBERS, index=number - 1, key=chooser, on_change=_chosen, args=(chooser,), label_visibility="collapsed",
            format_func=named.get, width=230 if presenter else 150,
        )  # fmt: skip
        st.button(_("Next"), key="lesson-next", type="primary", on_click=_move, args=(1,), disabled=number == len(STEPS), shortcut="Right")
    st.query_params[STEP_KEY] = str(number)  # so that a copied link, or a reload, opens this step
    return number - 1


def digit_choices(entry, loaded) -> dict[str, tuple[str, Digit]]:
    """The class's digits first (the last drawing here, then the wall's newest), then the shipped test digits it
    reads right, the one that makes up its mind latest first: the lesson is about changing one's mind. Each is kept
    under a name in English, which stays when the reader changes language, with the words the box shows for it."""
    choices = {}
    for position, digit in enumerate(session.recent_digits()):
        if position == 0:
            choices[f"Your last digit: {digit.name}"] = (_("Your last digit: {name}").format(name=digit.name), digit)
        else:
            choices[f"Your digit before: {digit.name}"] = (_("Your digit before: {name}").format(name=digit.name), digit)
    for shared in reversed(shared_wall().digits()[-WALL_DIGITS:]):
        name = _("class wall digit #{number}").format(number=shared.number)
        shown = _("Class wall: digit #{number}, read as {answer}").format(number=shared.number, answer=shared.answer)
        digit = Digit(shared.ink, None, shared.drawn_as, name, ("wall", shared.number))
        choices[f"Class wall: digit #{shared.number}, read as {shared.answer}"] = (shown, digit)
    samples = [sample_digit(sample) for sample in inputs.gallery_read_by(entry, loaded).values() if not sample.misread]
    samples.sort(key=lambda digit: -settled_row(reading_of(loaded, digit.image).step_probs, digit.image))
    for digit in samples:
        choices[f"Test digit: {digit.name}"] = (_("Test digit: {name}").format(name=digit.name), digit)
    return choices


def choose_digit(choices: dict[str, tuple[str, Digit]], presenter: bool, shown: bool = True) -> Digit:
    """The digit the lesson follows, kept from step to step (in a key of its own: a box left out of a step, as it is
    from the steps that do not use it, loses its own)."""
    names = list(choices)
    kept = st.session_state.get(KEPT_KEY)
    kept = kept if kept in names else names[0]
    if not shown:
        return choices[kept][1]
    if st.session_state.get(DIGIT_KEY) not in names:
        st.session_state[DIGIT_KEY] = kept
    name = st.selectbox(
        _("The digit we follow"), names, key=DIGIT_KEY, width=520 if presenter else 400, format_func=lambda name: choices[name][0],
        help=_("Draw one on the Read page or share one to the class wall, and it is offered here first."),
    )  # fmt: skip
    st.session_state[KEPT_KEY] = name
    return choices[name][1]


def step_words(step: Step, number: int, presenter: bool) -> None:
    """The step's title (on a projector the page's title: the page bar already says Lesson), its words and question."""
    (st.title if presenter else st.header)(f"{number}. {step.title}", anchor=False)  # under the page's h1: an h2
    st.markdown(step.says)
    with st.container(key="lesson-question"):
        st.markdown(_("**Question for the class:** {question}").format(question=step.question))
    with st.container(key="lesson-look-at"):
        st.markdown(_("**Look at:** {look_at}").format(look_at=step.look_at))


def teacher_notes(step: Step) -> None:
    """Closed on every screen, in presenter mode too: the class sees them only if the teacher opens them."""
    with st.expander(_("Teacher's notes"), icon=":material/school:"):
        st.markdown(_("**How to run it.** {ask}").format(ask=step.ask))
        st.markdown(_("**Answers to expect.** {expect}").format(expect=step.expect))


def page() -> None:
    width = screen.page_width()
    presenter = presenter_mode.is_on()
    if presenter:  # the page bar says Lesson: the step's title is the page's, to leave the projector's height to the step
        style.apply(True)
    else:
        style.title_with_presenter_switch(_("Lesson"), intro())
    st.html(CSS)
    try:
        entry, loaded = active_model()
    except ModelLoadError as error:
        st.error(_("The network could not be loaded: {error}").format(error=words.plain(error)))
        return
    index = step_bar(presenter)
    step = STEPS[index].in_words()
    side_by_side = presenter or (width is not None and width >= SIDE_BY_SIDE)
    words_place, view_place = st.columns([2, 3], gap="large") if side_by_side else (st.container(), st.container())
    with words_place:
        step_words(step, index + 1, presenter)
        digit = choose_digit(digit_choices(entry, loaded), presenter, shown=step.view not in WITHOUT_THE_DIGIT)
    shown = Shown(digit, reading_of(loaded, digit.image), loaded, reports.model_report(entry, loaded), presenter)
    with view_place:
        VIEWS[step.view](shown)
    teacher_notes(step)


page()
