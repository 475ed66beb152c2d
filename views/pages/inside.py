"""The Look inside page: what the reading network learned across the MNIST test set, and how it treats one digit.

Six views of the model in use. The report's four (report, how early, map, units) come
from the stored model report, so they open at once and without the MNIST files; row
importance and the comparison are computed here, for the digit being examined.

It reads on every screen a classroom has: test digits flow into as many columns as fit,
the report's two charts sit side by side only where both stay legible, and the charts
whose best height depends on the screen's width get it from CSS (CHART_BOXES_CSS).
In presenter mode (?present=true) it is for the back of a room: the charts' type is bigger, the explanations
are left to the teacher, the views come first, and the digit to examine is asked for only where a view uses it.
Units are numbered from 0, as Keras numbers them, here as on the Read page.
"""

import math

import numpy as np
import streamlit as st

from i18n import N_, _, ngettext, number, percent
from model.files import finite_number
from model.insight import (
    first_row_reaching,
    nearest_own_centre,
    row_importance,
    selective_units,
    settled_row,
)
from model.report import ModelReport
from model.samples import Sample
from model.storage import ModelLoadError
from model.xray import Reading
from views import words
from views.digit import Digit
from views.figures import hidden_state as hidden_state_figures
from views.figures import report as report_figures
from views.figures.plotting import PLOTLY_CONFIG, pixelated
from views.parts import access, reports, session, style
from views.parts.compare import compare_view, second_model
from views.parts.examined import digit_choices, digit_name, examined_digit
from views.parts.inside_kit import chart_font, explain, how_it_is_made, listed, metric, sized_chart
from views.parts.models_in_use import active_model, reading_of, run_manager
from views.words import chart_text, plain

# The views' names, kept in English as the view's value (and the address's ?view=); each shown in the reader's language.
REPORT, EARLY, MAP, UNITS = N_("Model report"), N_("How early"), N_("Hidden-state map"), N_("Units")
ROWS_VIEW, COMPARE = N_("Row importance"), N_("Compare")
VIEWS = (REPORT, EARLY, MAP, UNITS, ROWS_VIEW, COMPARE)
NEEDS_REPORT = (REPORT, EARLY, MAP, UNITS)
THUMBNAIL_SCALE, PRESENTER_THUMBNAIL_SCALE = 3, 4
THUMBNAIL_WIDTH = 104  # px: the narrowest a test digit's cell gets, so that a phone fits three in a row
PRESENTER_THUMBNAIL_WIDTH = 170  # px: room for its caption in presenter mode's type, on two or three lines
CELL_KEY = "inside_cell"  # (true digit, answer) of the confusion cell whose digits are shown
UNIT_KEY = "inside_unit"  # the unit the Units view looks at
UNIT_CHOSEN_KEY = "inside_unit_chosen"  # set once a unit is typed or picked: until then the box follows the suggestions

# The boxes of the charts whose best height depends on the screen's width (sized_chart), sized by CSS so that nothing
# reruns when a tablet turns: a plotly figure keeps the height it is given. Streamlit stacks columns up to 640 px.
CHART_BOXES_CSS = """<style>
.st-key-confusion-box, .st-key-early-box, .st-key-importance-box { flex: 0 0 auto !important; }
.st-key-confusion-box { aspect-ratio: 1 / 1; max-height: 600px; }  /* square cells, as big as the width allows */
.st-key-early-box { height: 480px; }
.st-key-importance-box { height: 460px; }
@media (max-width: 1199px) {
  .st-key-early-box { height: 520px; }
  .st-key-importance-box { height: 340px; }  /* the digit's square sets the rows' height, and it is smaller */
}
@media (max-width: 640px) {
  .st-key-early-box { height: 640px; }  /* its legend takes several lines under the chart */
  .st-key-importance-box { height: 220px; }
}
</style>"""
REPORT_CHART_WIDTH = 480  # px: the confusion matrix and the bars side by side only if each gets this much


def thumbnails(report: ModelReport, indices, key: str = "", presenter: bool = False) -> None:
    """Test digits from the report, each with its answer and a button that reads it on the Read page.

    As many to a row as the screen holds: three on a phone, a dozen on a wide screen, six on a projector.
    """
    scale = PRESENTER_THUMBNAIL_SCALE if presenter else THUMBNAIL_SCALE
    grid = st.grid(min_column_width=PRESENTER_THUMBNAIL_WIDTH if presenter else THUMBNAIL_WIDTH, gap="small")
    for index in indices:
        index = int(index)
        image = report.image(index)
        if image is None:
            continue
        label, answer = int(report.labels[index]), int(report.predicted[index])
        said = {"index": index, "label": label, "answer": answer, "confidence": percent(report.confidence[index])}
        if answer != label:
            caption = _("#{index}: a {label}, read as {answer} ({confidence})")
            alt = _("Test digit {index}, a handwritten {label}, read as {answer}")
        else:
            caption = _("#{index}: a {label}, read correctly ({confidence})")
            alt = _("Test digit {index}, a handwritten {label}, read correctly")
        with grid.cell():
            st.image(pixelated(image, scale), caption=caption.format(**said), alt=alt.format(**said))
            reads = _("Open test digit {index} on the Read page").format(index=index)
            if st.button(_("Read it"), key=f"read-test-{key}{index}", help=reads):
                session.read_on_read_page(Sample(index, label, answer, image))


def _pick_cell() -> None:
    points = st.session_state.confusion.selection.points
    if points:
        st.session_state[CELL_KEY] = tuple(int(v) for v in points[0]["customdata"])


def worst_cell(confusion: np.ndarray) -> tuple[int, int]:
    misread = np.where(np.eye(len(confusion), dtype=bool), -1, confusion)
    return tuple(int(v) for v in np.unravel_index(misread.argmax(), misread.shape))


def report_numbers(report: ModelReport, presenter: bool) -> None:
    """Test accuracy, how many were misread and the hardest digit: three big numbers, or on a projector one sentence,
    which leaves the charts in view."""
    hardest = int(np.nanargmin(report.class_accuracy))
    accuracy, count = percent(report.test_accuracy, 2), number(len(report.labels))
    hardest_accuracy = percent(report.class_accuracy[hardest], 1)
    if presenter:
        told = _("It reads **{accuracy}** of the {count} test digits correctly and misreads **{misread}**; the hardest "
                 "digit is **{hardest}** ({hardest_accuracy} right).")  # fmt: skip
        misread = len(report.misread)
        st.markdown(told.format(accuracy=accuracy, count=count, misread=misread, hardest=hardest, hardest_accuracy=hardest_accuracy))
        return
    numbers = st.grid(3, min_column_width=200)  # one above the other on a phone, where a note would be cut short
    metric(numbers, _("Test accuracy"), accuracy, _("of {count} digits it never trained on").format(count=count))
    metric(numbers, _("Misread"), f"{len(report.misread)}", _("test digits"))
    metric(numbers, _("Hardest digit"), f"{hardest}", _("{accuracy} read correctly").format(accuracy=hardest_accuracy))


def report_view(report: ModelReport, presenter: bool) -> None:
    report_numbers(report, presenter)
    hardest = int(np.nanargmin(report.class_accuracy))
    cell = st.session_state.get(CELL_KEY) or worst_cell(report.confusion)
    charts = st.grid(2, min_column_width=REPORT_CHART_WIDTH, gap="medium")  # one above the other on a tablet or phone
    with charts.cell():
        st.markdown(_("**Confusion matrix**: what it said for each digit. Click a square to see those digits."))
        sized_chart(
            st, report_figures.confusion_figure(report.confusion, cell, font_size=chart_font(presenter)), "confusion",
            _("Confusion matrix of the {count} test digits: the true digit down, the network's answer across, "
              "the count in every cell").format(count=number(len(report.labels))),
            on_select=_pick_cell, selection_mode="points",
        )  # fmt: skip
    with charts.cell():
        st.markdown(_("**Each digit, read correctly.**"))
        counts = report.confusion.sum(axis=1)
        st.plotly_chart(
            report_figures.class_accuracy_figure(report.class_accuracy, counts, font_size=chart_font(presenter)), config=PLOTLY_CONFIG,
            alt=_("Bars: the share of each digit's test digits read correctly, lowest for {digit} ({accuracy})")
            .format(digit=hardest, accuracy=percent(report.class_accuracy[hardest], 1)),
        )  # fmt: skip
        explain(_(words.INSIDE["confusion"]), presenter)

    true_digit, answer = cell
    in_cell = np.flatnonzero((report.labels == true_digit) & (report.predicted == answer))
    kept = [i for i in in_cell if report.image(i) is not None]
    if true_digit != answer:
        heading = ngettext("{digit}s read as {answer}: {count} test digit", "{digit}s read as {answer}: {count} test digits", len(in_cell))
    else:
        heading = ngettext("{digit}s read correctly: {count} test digit", "{digit}s read correctly: {count} test digits", len(in_cell))
    st.header(heading.format(digit=true_digit, answer=answer, count=len(in_cell)))
    if not len(in_cell):
        st.info(_("No test digit is in this cell. Click another one."))
    else:
        if len(kept) < len(in_cell):
            st.caption(_("The report keeps {kept} of them to show.").format(kept=len(kept)))
        thumbnails(report, kept[:16], key="cell-", presenter=presenter)

    wrong = report.misread[np.argsort(-report.confidence[report.misread], kind="stable")]
    st.header(_("All {count} misread digits").format(count=len(wrong)))
    explain(_("The most confident mistakes first."), presenter)
    show_all = st.toggle(_("Show them all"), key="all_misread") if len(wrong) > 16 else True
    thumbnails(report, wrong if show_all else wrong[:16], key="wrong-", presenter=presenter)


def _second_reading(entry, digit: Digit, answer: int, presenter: bool):
    """How early's second model, if one is chosen: (its name for the chart, its known_by_rows or None, its probability
    of `answer` for the digit), with a sentence of what it reads; None if none is chosen."""
    picked = second_model(entry)
    if picked is None:
        return None
    other_entry, other = picked
    other_report, reading = reports.model_report(other_entry, other), reading_of(other, digit.image)
    said = {"model": plain(other_entry.label), "answer": reading.digit, "row": settled_row(reading.step_probs, digit.image)}
    told = _("Dotted: **B**, {model}. It reads your digit as **{answer}** and settled after **row {row}**.").format(**said)
    if other_report is None:
        told += " " + _("It has no report yet, so only its reading of your digit is drawn.")
    st.markdown(told)
    return _("B"), None if other_report is None else other_report.known_by_rows, reading.step_probs[:, answer]


def early_view(entry, report: ModelReport, digit: Digit, reading: Reading, presenter: bool) -> None:
    answer, name = reading.digit, digit_name(digit)
    second = _second_reading(entry, digit, answer, presenter)
    sized_chart(
        st,
        report_figures.early_figure(
            report.known_by_rows, report.class_known_by_rows,
            digit=answer, digit_probs=reading.step_probs[:, answer], digit_name=chart_text(name),
            second=second, font_size=chart_font(presenter),
        ),
        "early",
        _("Lines: the share of test digits the network knows after each number of rows, all digits and the {answer}s, "
          "and how sure the network is of {answer} for {name}, row by row").format(answer=answer, name=name)
        + (" " + _("Dotted: the same for model B.") if second else ""),
    )  # fmt: skip
    half, most = first_row_reaching(report.known_by_rows, 0.5), first_row_reaching(report.known_by_rows, 0.9)
    if half and most:
        known = _("It knows half of all test digits after **{half} rows**, and nine in ten after **{most} rows**.")
    else:
        known = _("It knows half of all test digits after **{half} rows**.") if half else _("It never knows half the test digits.")
    settled = settled_row(reading.step_probs, digit.image)
    examined = _("Your examined digit ({name}) is read as **{answer}**, and the network settled on that answer after **row {settled}**.")
    examined = examined.format(name=plain(name), answer=answer, settled=settled)
    st.markdown(f"{known.format(half=half, most=most)} {examined}")
    st.markdown(words.guess_before_ink(report.blank_probs, digit.image))
    explain(_(words.INSIDE["early"]), presenter)


def map_view(report: ModelReport, digit: Digit, reading: Reading, presenter: bool) -> None:
    labels, units = report.labels[report.map_index], report.projection.mean.shape[-1]
    every = st.toggle(_("Show every digit's own path"), key="map_every_path", help=_("Otherwise each digit's typical path stands out"))
    st.plotly_chart(
        hidden_state_figures.map_figure(
            report.map_paths, labels, current=report.projection.project(reading.hidden[-1]),
            current_name=_("examined, read as {digit}").format(digit=reading.digit), every_path=every, font_size=chart_font(presenter),
        ),
        config=PLOTLY_CONFIG, key="map",
        alt=_("Map: the hidden state of {count} test digits after each row, as paths in two dimensions, one colour per "
              "digit, each digit's typical path thick, with the path of {name} on top")
        .format(count=len(report.map_index), name=digit_name(digit)),
    )  # fmt: skip
    share, per_digit = nearest_own_centre(report.map_paths[:, -1], labels)
    mixed = [str(d) for d in np.argsort(np.nan_to_num(per_digit, nan=1.0), kind="stable")[:5] if per_digit[d] < 0.8]
    told = (
        _("The digits end in groups of their own on this map: {share} of these paths end closest to the middle of their own digit's group.")
        if share >= 0.95 else
        _("The digits mostly end in groups of their own on this map: {share} of these paths end closest to the middle of "
          "their own digit's group.") if share >= 0.8 else
        _("The digits overlap a lot on this map: {share} of these paths end closest to the middle of their own digit's group.")
    )  # fmt: skip
    mix = _("{digits} and {last} mix the most.") if len(mixed) > 1 else _("{last} mixes the most.") if mixed else ""
    mix = mix.format(digits=listed(mixed[:-1]), last=mixed[-1]) if mixed else ""
    st.markdown(f"{told.format(share=percent(share))} {mix}".strip())
    explain(_(words.INSIDE["map"]).format(count=len(report.map_index), units=units), presenter)
    explained = report.projection.explained
    how_it_is_made(_(words.INSIDE["map_how"]).format(first=explained[0], second=explained[1]), "map")


def unit_name(unit: int) -> str:
    """A unit as the page names it everywhere (box, buttons, chart, alt text): numbered from 0, as Keras indexes it,
    and as the Read page's state map numbers it."""
    return _("unit {unit}").format(unit=int(unit))


def _set_unit(unit: int) -> None:
    st.session_state[UNIT_KEY] = float(unit)
    _unit_chosen()


def _unit_chosen() -> None:
    st.session_state[UNIT_CHOSEN_KEY] = True


def unit_box(units: int, suggested: int) -> int:
    """The unit to look at, typed. Until one is typed or picked it is `suggested` (one that lights up for the digit
    hunted), not unit 0, which means nothing for most models. A float box: an integer one raises on NaN sent over the
    websocket before the page runs; this one turns NaN, infinity or a unit out of range into the nearest unit, or the first."""
    kept = st.session_state.get(UNIT_KEY)
    if kept is None or not st.session_state.get(UNIT_CHOSEN_KEY):
        st.session_state[UNIT_KEY] = float(suggested)
    else:
        finite = finite_number(kept)
        st.session_state[UNIT_KEY] = float(min(max(int(kept), 0), units - 1)) if finite else 0.0
    label = _("Unit (0 to {last})").format(last=units - 1)
    numbering = _("Units are numbered from 0 to {last}, as Keras and the Read page number them.").format(last=units - 1)
    unit = st.number_input(label, 0.0, float(units - 1), key=UNIT_KEY, step=1.0, format="%d", help=numbering, on_change=_unit_chosen)
    return min(max(int(unit), 0), units - 1) if math.isfinite(unit) else 0


def unit_picker(report: ModelReport, reading: Reading, presenter: bool) -> tuple[int, int]:
    """The layer and unit to look at: chosen, typed, or one of the units most selective for a digit (the first of them
    until one is typed or picked). Returns (layer, unit)."""
    layers, units = report.unit_mean.shape[0], report.unit_mean.shape[-1]
    explain(_(words.INSIDE["units_intro"]), presenter)  # where unit and layer first appear on the page
    if layers > 1:
        explain(_(words.INSIDE["layers"]).format(layers=layers), presenter)
    pick, hunt = st.columns([2, 3], gap="large")
    with pick:
        layer = 0
        if layers > 1:
            names = [f"{n + 1}{' (top)' if n == layers - 1 else ''}" for n in range(layers)]  # the values: English, as before
            shown = {name: _("{layer} (top)").format(layer=n + 1) if n == layers - 1 else name for n, name in enumerate(names)}
            chosen = st.segmented_control(_("Layer"), names, default=names[-1], key="inside_layer", required=True, format_func=shown.get)
            layer = names.index(chosen)
    with hunt:
        digits = [str(d) for d in range(10)]
        target = st.segmented_control(
            _("Find the units that light up for"), digits, default=str(reading.digit), key="inside_hunt", required=True, wrap=True
        )
        explain(_(words.INSIDE["hunt"]), presenter)
        buttons = st.container(horizontal=True, gap="small")  # they wrap onto a second line on a phone
        found_units = [int(found) for found in selective_units(report.unit_mean[layer], int(target))]
        for found in found_units:
            buttons.button(unit_name(found), key=f"unit-{found}", on_click=_set_unit, args=(found,))
    with pick:  # under the layer, beside the suggestions it starts from
        unit = unit_box(units, found_units[0])
    return layer, unit


def units_view(report: ModelReport, digit: Digit, reading: Reading, presenter: bool) -> None:
    layer, unit = unit_picker(report, reading, presenter)
    st.plotly_chart(
        hidden_state_figures.unit_figure(
            report.unit_mean[layer, :, :, unit], report.unit_std[layer, :, :, unit],
            title=_("Layer {layer}, unit {unit}: its h after each row").format(layer=layer + 1, unit=unit),  # short enough for a phone
            current=reading.hidden[layer][:, unit], current_name=chart_text(digit_name(digit)), font_size=chart_font(presenter),
        ),
        config=PLOTLY_CONFIG, key="unit",
        alt=_("Ten small charts, one per digit: the mean h of unit {unit} in layer {layer} after each row for that digit's "
              "test digits, with the line of {name}").format(unit=unit, layer=layer + 1, name=digit_name(digit)),
    )  # fmt: skip
    explain(_(words.INSIDE["unit"]), presenter)
    how_it_is_made(_(words.INSIDE["unit_how"]), "unit")
    st.markdown(_("**The test digits that drive unit {unit} highest**").format(unit=unit))
    thumbnails(report, report.driving_index[layer, unit], key="drive-", presenter=presenter)


def rows_view(loaded, digit: Digit, presenter: bool) -> None:
    importance = row_importance(loaded.weights, digit.image)
    figure_column, text_column = st.columns([2, 1], gap="medium")
    sized_chart(
        figure_column, report_figures.row_importance_figure(digit.image, importance, font_size=chart_font(presenter)), "importance",
        _("{name} beside one bar per row: how much the answer {answer} rests on that row")
        .format(name=digit_name(digit), answer=importance.digit),
    )  # fmt: skip
    support = -importance.log_odds_change
    top = [int(r) + 1 for r in np.argsort(-support, kind="stable")[:3] if support[r] > 0]
    with text_column:
        metric(st, _("Answer"), importance.digit, _("{probability} sure").format(probability=percent(importance.probability, 1)))
        if top:
            st.markdown(_("The rows it leans on most: **{rows}**.").format(rows=listed(top)))
        against = [int(r) + 1 for r in np.flatnonzero(support < 0)]
        if against:
            told = _("Rows that argue against {digit} (bars left of zero): {rows}.")
            st.markdown(told.format(digit=importance.digit, rows=listed(against[:8])))
        explain(_(words.INSIDE["rows"]), presenter)
        how_it_is_made(_(words.INSIDE["rows_how"]), "rows")


def missing_report(entry) -> None:
    missing = _("There is no report yet for {model}. It needs one pass over the {count} MNIST test digits (about 10 s).")
    st.warning(missing.format(model=plain(entry.label), count=number(10_000)))
    may_build = access.unlocked()  # it starts a process that writes beside the model: a teacher's control, as training is
    locked_note = None if may_build else _("Locked by the training password: unlock it on the Train page.")
    build = _("Build the report now")
    pressed = st.button(build, icon=":material/analytics:", key="build_report", disabled=not may_build, help=locked_note)
    if pressed and access.unlocked():  # a press forged past the disabled button is dropped here
        with st.spinner(_("Reading the {count} test digits...").format(count=number(10_000))):
            problem = run_manager().build_report(entry.path)
        if problem:
            st.error(_("The report could not be built: {problem}").format(problem=plain(problem)))
        else:
            st.rerun()


def show_view(view: str, entry, loaded, report: ModelReport | None, digit: Digit | None, choices, presenter: bool) -> None:
    if view in NEEDS_REPORT and report is None:
        missing_report(entry)
    elif view == REPORT:
        report_view(report, presenter)
    elif view == ROWS_VIEW:
        rows_view(loaded, digit, presenter)
    elif view == COMPARE:
        compare_view(entry, loaded, digit, choices, presenter)
    else:
        reading = reading_of(loaded, digit.image)  # usually kept from the Read page already
        if view == EARLY:
            early_view(entry, report, digit, reading, presenter)
        else:
            {MAP: map_view, UNITS: units_view}[view](report, digit, reading, presenter)


def page() -> None:
    try:
        entry, loaded = active_model()
    except ModelLoadError as error:
        style.title_with_presenter_switch(_("Look inside"), _(words.INSIDE["tagline"]).format(model=_("the network")))
        st.error(_("The network could not be loaded: {problem}").format(problem=plain(error)))
        return
    model = _("the shipped model") if entry.shipped else plain(entry.label)
    presenter = style.title_with_presenter_switch(_("Look inside"), _(words.INSIDE["tagline"]).format(model=model))
    st.html(CHART_BOXES_CSS)
    report = reports.model_report(entry, loaded)
    choices = digit_choices()
    digit = None if presenter else examined_digit(choices, presenter)  # on a projector: after the views, where one is used
    view = st.segmented_control(
        _("View"), VIEWS, default=REPORT, key="view", required=True, bind="query-params", label_visibility="collapsed", format_func=_
    )
    if digit is None and view not in (REPORT, COMPARE):
        digit = examined_digit(choices, presenter)
    show_view(view, entry, loaded, report, digit, choices, presenter)


page()
