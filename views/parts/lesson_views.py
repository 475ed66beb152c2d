"""The live view beside each step of the guided lesson (views/lesson_steps.py), on the digit the class chose.

Each view is drawn from what the other pages already have: the reading player, the model report's charts, the
class wall's race table, a training run's curves. The part each step talks about is framed in amber, as the
reading player frames the row being read.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from classroom.wall import race_table
from i18n import N_, _
from model.config import ROWS
from model.insight import row_importance
from model.report import ModelReport
from model.storage import LoadedModel
from model.xray import Reading
from training import progress
from training.registry import SHIPPED
from training.run_folder import RUNNING
from views import words
from views.digit import Digit
from views.figures import lesson as lesson_figures
from views.figures import report as report_figures
from views.figures.plotting import PLOTLY_CONFIG, pixelated
from views.figures.training import training_figure
from views.figures.wall import race_spec, race_summary
from views.parts.class_wall import shared_wall
from views.parts.models_in_use import load_entry, reading_of, registry, run_manager
from views.players import reading as reading_player
from views.players.reading_spec import reading_spec
from views.words import chart_text

EXAMPLE_RUN = Path(__file__).resolve().parents[2] / "model" / "weights" / "example-run"  # a `lesson` run's curves, shipped
LIVE_S = 4  # seconds between two looks at a run that is learning, as often as the Train page redraws its curves
WRONG_SHOWN = 8  # the most confident mistakes: two rows on a projector, four on a phone
FONT_SIZE, PRESENTER_FONT_SIZE = 15, 20
NEEDS_REPORT = N_("This step needs the model's report. Open Look inside once to build it, then come back.")
# Under the reading step's player, where the words say "LSTM" and the reader in use is another cell.
READER_IS = {
    "gru": N_("The reader in use is a GRU, a cousin of the LSTM with fewer gates. It reads the same way, one row at a time."),
    "rnn": N_("The reader in use is a plain RNN, the simplest network that reads in order. It reads the same way, one row at a time."),
}
# Above the gates step's chart, where the reader in use has no memory cell c: the step shows the shipped LSTM instead.
LSTM_INSTEAD = {
    "gru": N_(
        "The reader in use is a GRU. It has no memory cell c: its h is its memory, and its update gate decides how much "
        "of it to keep. So this step shows the shipped LSTM reading your digit."
    ),
    "rnn": N_(
        "The reader in use is a plain RNN. It has no gates and no memory cell c, only h. So this step shows the shipped "
        "LSTM reading your digit."
    ),
}
# The frame round a chart the step points at: amber, the colour of every "look here", thick enough for the back of a room.
LOOK_CSS = """<style>
.st-key-lesson-look [data-testid="stPlotlyChart"], .st-key-lesson-look [data-testid="stImage"] {
  outline: 4px solid #d97706; outline-offset: 4px; border-radius: 6px; }
.st-key-lesson-fool-box, .st-key-lesson-early-box { flex: 0 0 auto !important; height: 460px; }
.st-key-lesson-early-box { height: 520px; }
@media (max-width: 640px) {
  .st-key-lesson-fool-box { height: 260px; }
  .st-key-lesson-early-box { height: 640px; }  /* its legend takes several lines under the chart */
}
</style>"""


@dataclass(frozen=True)
class Shown:
    """What every view is drawn from: the class's digit, its reading, the model and its report, and the screen."""

    digit: Digit
    reading: Reading
    loaded: LoadedModel
    report: ModelReport | None
    presenter: bool

    @property
    def font(self) -> int:
        return PRESENTER_FONT_SIZE if self.presenter else FONT_SIZE


def chart(figure, key: str, alt: str, *, sized: bool = False, as_wide_as_drawn: bool = False) -> None:
    """A chart the step points at, framed in amber; a `sized` one takes the height LOOK_CSS gives its box on this
    screen (a figure keeps the height it is given, and the digit beside the bars is small on a phone); one shown
    `as_wide_as_drawn` keeps its figure's width rather than the column's."""
    with st.container(key="lesson-look"):
        st.html(LOOK_CSS)
        place = st.container(key=f"{key}-box") if sized else st
        place.plotly_chart(
            figure, config=PLOTLY_CONFIG, key=key, alt=alt, height="stretch" if sized else "content",
            width="content" if as_wide_as_drawn else "stretch",
        )  # fmt: skip


def rows_view(shown: Shown) -> None:
    image = shown.digit.image
    row = lesson_figures.busiest_row(image)
    figure = lesson_figures.rows_figure(image, row, font_size=shown.font, height=420 if shown.presenter else 300)
    alt = _("{name} as 28 rows of 28 grey squares, with row {row} framed").format(name=shown.digit.name, row=row)
    chart(figure, "lesson-rows", alt, as_wide_as_drawn=True)
    numbers = lesson_figures.row_numbers(image, row)
    st.markdown(_("**Row {row}, as the network gets it:** {numbers}").format(row=row, numbers=numbers))


def _player(shown: Shown, *, highlight: str, start_row: int, key: str) -> None:
    """The reading player with only the digit and the panel the step talks about, that one framed; a key of its own
    for each step, so that each opens on its own row."""
    only = ("digit", "bars" if highlight == "digit" else highlight)
    spec = reading_spec(
        shown.digit.image, shown.reading, state="hidden", presenter=shown.presenter, start_row=start_row, highlight=highlight, only=only
    )
    reading_player.show(spec, key=key)


def reading_view(shown: Shown) -> None:
    _player(shown, highlight="digit", start_row=1, key="lesson-reading")
    if shown.reading.kind in READER_IS:
        st.caption(_(READER_IS[shown.reading.kind]))


def memory_view(shown: Shown) -> None:
    _player(shown, highlight="state", start_row=ROWS, key="lesson-memory")


def mind_view(shown: Shown) -> None:
    _player(shown, highlight="lines", start_row=ROWS, key="lesson-mind")


def lstm_reading(shown: Shown) -> Reading | None:
    """The reading the gates step shows: the reader's own where it is an LSTM, else the shipped LSTM's of the same digit,
    said so above it (a GRU or a plain RNN has no memory cell c and no forget gate); None, said why, where that cannot load."""
    if shown.reading.kind == "lstm":
        return shown.reading
    loaded = load_entry(registry().model(SHIPPED))
    if isinstance(loaded, str):
        st.info(_("This step shows the shipped LSTM, which could not be loaded: {reason}").format(reason=words.plain(loaded)))
        return None
    st.caption(_(LSTM_INSTEAD[shown.reading.kind]))
    return reading_of(loaded, shown.digit.image)


def gates_view(shown: Shown) -> None:
    reading = lstm_reading(shown)
    if reading is None:
        return
    unit = lesson_figures.busiest_unit(reading, shown.digit.image)
    said = lesson_figures.gate_words(reading, shown.digit.image, unit)
    figure = lesson_figures.gate_figure(reading, unit, font_size=shown.font, height=460 if shown.presenter else 420)
    chart(figure, "lesson-gates", said)
    st.markdown(said)


def early_view(shown: Shown) -> None:
    report, reading = shown.report, shown.reading
    if report is None:
        st.info(_(NEEDS_REPORT))
        return
    answer = reading.digit
    chart(
        report_figures.early_figure(
            report.known_by_rows, report.class_known_by_rows,
            digit=answer, digit_probs=reading.step_probs[:, answer], digit_name=chart_text(shown.digit.name), font_size=shown.font,
        ),
        "lesson-early",
        _("Lines: the share of test digits known after each number of rows, all digits and the {digit}s").format(digit=answer),
        sized=True,
    )  # fmt: skip
    st.markdown(words.guess_before_ink(report.blank_probs, shown.digit.image))


def race_view(shown: Shown) -> None:
    st.page_link("views/pages/race.py", label=_("Open the Race page"), icon=":material/timer:")
    table = race_table(shared_wall().race_results())
    if not table:
        st.info(_("No races yet. When the class races on the Race page, the results come here."))
        return
    summary = race_summary(table)
    chart(race_spec(table, shown.presenter), "lesson-race", summary)
    st.caption(summary)


def _curves_run() -> tuple[list[dict], str]:
    """The newest run with curves on this server, else the example run that ships; and whose they are, in words."""
    for run in run_manager().runs():
        records = run.progress()
        if any(record.get("kind") == progress.BATCH for record in records):
            learning = run.state == RUNNING
            return records, _("The class's newest training run, learning now.") if learning else _("The class's newest training run.")
    return progress.read_progress(EXAMPLE_RUN), _("A short run made earlier: 3 epochs on a laptop, about a minute.")


def _curves(presenter: bool) -> None:
    records, whose = _curves_run()
    figure = training_figure(
        progress.training_curves(records), font_size=PRESENTER_FONT_SIZE if presenter else FONT_SIZE,
        height=420 if presenter else 360, stacked=not presenter,
    )  # fmt: skip
    chart(
        figure, "lesson-learn",
        _(
            "Two charts of a training run by epoch, its loss and its accuracy: on the batches it learns from, on held-out "
            "digits, and on the test set at the end"
        ),
    )  # fmt: skip
    st.caption(whose)


@st.fragment(run_every=LIVE_S)
def _live_curves(presenter: bool) -> None:
    """While a run learns, its curves are read again every few seconds, and only they are drawn again."""
    _curves(presenter)


def learn_view(shown: Shown) -> None:
    (_live_curves if run_manager().active() is not None else _curves)(shown.presenter)


def wrong_view(shown: Shown) -> None:
    report = shown.report
    if report is None:
        st.info(_(NEEDS_REPORT))
        return
    wrong = report.misread[np.argsort(-report.confidence[report.misread], kind="stable")]
    kept = [int(i) for i in wrong if report.image(int(i)) is not None][:WRONG_SHOWN]
    with st.container(key="lesson-look"):
        st.html(LOOK_CSS)
        grid = st.grid(min_column_width=150 if shown.presenter else 100, gap="small")
        for index in kept:
            label, answer = int(report.labels[index]), int(report.predicted[index])
            grid.image(
                pixelated(report.image(index), 4 if shown.presenter else 3),
                caption=_("a {label}, read as {answer}").format(label=label, answer=answer),
                alt=_("Test digit {index}, a handwritten {label}, read as {answer}").format(index=index, label=label, answer=answer),
            )


def fool_view(shown: Shown) -> None:
    st.page_link("views/pages/read.py", label=_("Draw on the Read page"), icon=":material/draw:")
    importance = row_importance(shown.loaded.weights, shown.digit.image)
    chart(
        report_figures.row_importance_figure(shown.digit.image, importance, font_size=shown.font),
        "lesson-fool",
        _("{name} beside one bar per row: how much the answer {digit} rests on that row").format(
            name=shown.digit.name, digit=importance.digit
        ),
        sized=True,
    )


WITHOUT_THE_DIGIT = ("race", "learn", "wrong")  # views of the class's races, a run, the test set: no digit to choose

VIEWS = {
    "rows": rows_view, "reading": reading_view, "memory": memory_view, "mind": mind_view, "gates": gates_view,
    "early": early_view, "race": race_view, "learn": learn_view, "wrong": wrong_view, "fool": fool_view,
}  # fmt: skip
