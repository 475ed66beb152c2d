"""The Look inside page: what the reading network learned across the MNIST test set, and how it treats one digit.

Six views of the model in use. The report's four (report, how early, map, units) come
from the stored model report, so they open at once and without the MNIST files; row
importance and the comparison are computed here, for the digit being examined.
"""

import numpy as np
import streamlit as st

from model.insight import first_row_reaching, row_importance, selective_units, settled_row
from model.report import ModelReport
from model.samples import Sample
from model.storage import ModelLoadError
from model.xray import Reading, read_digit
from views import explain, hidden_state_figures, inputs, report_figures, reports, session
from views.digit import Digit, sample_digit
from views.models import active_model, load_entry, reading_of, registry, run_manager
from views.plotting import PLOTLY_CONFIG, pixelated

REPORT, EARLY, MAP, UNITS, ROWS_VIEW, COMPARE = "Model report", "How early", "Hidden-state map", "Units", "Row importance", "Compare"
VIEWS = (REPORT, EARLY, MAP, UNITS, ROWS_VIEW, COMPARE)
NEEDS_REPORT = (REPORT, EARLY, MAP, UNITS)
THUMBNAIL_SCALE = 3
CELL_KEY = "inside_cell"  # (true digit, answer) of the confusion cell whose digits are shown


def metric(place, label: str, value, note: str) -> None:
    """A big number with a grey note under it (a metric's delta, without its arrow and colour)."""
    place.metric(label, value, note, delta_arrow="off", delta_color="off")


def digit_choices() -> dict[str, Digit]:
    """The digits one can examine: the last ones read on the Read page, then the shipped gallery."""
    choices = {}
    for position, digit in enumerate(session.recent_digits()):
        choices[f"{'Your last digit' if position == 0 else 'The one before'}: {digit.name}"] = digit
    for sample in inputs.gallery().values():
        choices[f"Test digit {sample.title}"] = sample_digit(sample)
    return choices


def choose_digit(column, label: str, key: str, choices: dict[str, Digit], default: int = 0) -> Digit:
    names = list(choices)
    if st.session_state.get(key) not in names:
        st.session_state[key] = names[min(default, len(names) - 1)]
    name = column.selectbox(label, names, key=key)
    return choices[name]


def thumbnails(report: ModelReport, indices, per_row: int = 8, key: str = "") -> None:
    """Test digits from the report, each with its answer and a button that reads it on the Read page."""
    columns = st.columns(per_row)
    for position, index in enumerate(indices):
        index = int(index)
        image = report.image(index)
        if image is None:
            continue
        label, answer = int(report.labels[index]), int(report.predicted[index])
        with columns[position % per_row]:
            note = f"read as {answer}" if answer != label else "read correctly"
            st.image(pixelated(image, THUMBNAIL_SCALE), caption=f"#{index}: a {label}, {note} ({report.confidence[index]:.0%})")
            if st.button("Read it", key=f"read-test-{key}{index}"):
                session.read_on_read_page(Sample(index, label, answer, image))


def _pick_cell() -> None:
    points = st.session_state.confusion.selection.points
    if points:
        st.session_state[CELL_KEY] = tuple(int(v) for v in points[0]["customdata"])


def worst_cell(confusion: np.ndarray) -> tuple[int, int]:
    misread = np.where(np.eye(len(confusion), dtype=bool), -1, confusion)
    return tuple(int(v) for v in np.unravel_index(misread.argmax(), misread.shape))


def report_view(report: ModelReport) -> None:
    hardest = int(np.nanargmin(report.class_accuracy))
    accuracy, misread, hard = st.columns(3)
    metric(accuracy, "Test accuracy", f"{report.test_accuracy:.2%}", f"of {len(report.labels):,} digits it never trained on")
    metric(misread, "Misread", f"{len(report.misread)}", "test digits")
    metric(hard, "Hardest digit", f"{hardest}", f"{report.class_accuracy[hardest]:.1%} read correctly")

    cell = st.session_state.get(CELL_KEY) or worst_cell(report.confusion)
    matrix, bars = st.columns([5, 4], gap="large")
    with matrix:
        st.markdown("**Confusion matrix.** Click a cell to see its digits.")
        st.plotly_chart(
            report_figures.confusion_figure(report.confusion, cell),
            config=PLOTLY_CONFIG, key="confusion", on_select=_pick_cell, selection_mode="points",
        )  # fmt: skip
    with bars:
        st.markdown("**Each digit, read correctly.**")
        st.plotly_chart(report_figures.class_accuracy_figure(report.class_accuracy, report.confusion.sum(axis=1)), config=PLOTLY_CONFIG)
        st.caption(explain.INSIDE["confusion"])

    true_digit, answer = cell
    in_cell = np.flatnonzero((report.labels == true_digit) & (report.predicted == answer))
    kept = [i for i in in_cell if report.image(i) is not None]
    heading = f"{true_digit}s read as {answer}" if true_digit != answer else f"{true_digit}s read correctly"
    st.subheader(f"{heading}: {len(in_cell)} test digits")
    if not len(in_cell):
        st.info("No test digit is in this cell. Click another one.")
    else:
        if len(kept) < len(in_cell):
            st.caption(f"The report keeps {len(kept)} of them to show.")
        thumbnails(report, kept[:16], key="cell-")

    wrong = report.misread[np.argsort(-report.confidence[report.misread], kind="stable")]
    st.subheader(f"All {len(wrong)} misread digits, the most confident mistakes first")
    show_all = st.toggle("Show them all", key="all_misread") if len(wrong) > 16 else True
    thumbnails(report, wrong if show_all else wrong[:16], key="wrong-")


def early_view(report: ModelReport, digit: Digit, reading: Reading) -> None:
    answer = reading.digit
    st.plotly_chart(
        report_figures.early_figure(
            report.accuracy_by_rows, report.class_accuracy_by_rows,
            digit=answer, digit_probs=reading.step_probs[:, answer], digit_name=digit.name,
        ),
        config=PLOTLY_CONFIG, key="early",
    )  # fmt: skip
    half, most = first_row_reaching(report.accuracy_by_rows, 0.5), first_row_reaching(report.accuracy_by_rows, 0.9)
    told = [f"Half of all test digits are read correctly after **{half} rows**" if half else "It never gets half the digits right early"]
    if most:
        told.append(f"nine in ten after **{most} rows**")
    settled = settled_row(reading.step_probs)
    st.markdown(
        f"{', and '.join(told)}. Your examined digit ({digit.name}) is read as **{answer}**, "
        f"and the network settled on that answer after **row {settled}**."
    )
    st.caption(explain.INSIDE["early"])


def map_view(report: ModelReport, digit: Digit, reading: Reading) -> None:
    path = report.projection.project(reading.hidden[-1])
    st.plotly_chart(
        hidden_state_figures.map_figure(
            report.map_paths, report.labels[report.map_index], report.projection.explained,
            current=path, current_name=f"{digit.name}, read as {reading.digit}",
        ),
        config=PLOTLY_CONFIG, key="map",
    )  # fmt: skip
    st.caption(explain.INSIDE["map"].format(count=len(report.map_index)))


def _set_unit(unit: int) -> None:
    st.session_state.inside_unit = unit


def units_view(report: ModelReport, digit: Digit, reading: Reading) -> None:
    layers, units = report.unit_mean.shape[0], report.unit_mean.shape[-1]
    pick, hunt = st.columns([2, 3], gap="large")
    with pick:
        layer = 0
        if layers > 1:
            names = [f"{n + 1}{' (top)' if n == layers - 1 else ''}" for n in range(layers)]
            layer = names.index(st.segmented_control("Layer", names, default=names[-1], key="inside_layer", required=True))
        unit = st.number_input(f"Unit (0 to {units - 1})", 0, units - 1, key="inside_unit", step=1)
    with hunt:
        digits = [str(d) for d in range(10)]
        target = st.segmented_control("Find units that fire for", digits, default=str(reading.digit), key="inside_hunt", required=True)
        st.caption("The units of this layer most selective for that digit. Click one to look at it:")
        buttons = st.columns(5)
        for position, found in enumerate(selective_units(report.unit_mean[layer], int(target))):
            buttons[position].button(f"unit {found}", key=f"unit-{found}", on_click=_set_unit, args=(int(found),))
    st.plotly_chart(
        hidden_state_figures.unit_figure(
            report.unit_mean[layer, :, :, unit], report.unit_std[layer, :, :, unit],
            title=f"Layer {layer + 1}, unit {unit}: its h after each row, for the test digits of each class",
            current=reading.hidden[layer][:, unit], current_name=digit.name,
        ),
        config=PLOTLY_CONFIG, key="unit",
    )  # fmt: skip
    st.caption(explain.INSIDE["unit"])
    st.markdown(f"**The test digits that drive unit {unit} highest**")
    thumbnails(report, report.driving_index[layer, unit], per_row=6, key="drive-")


def rows_view(loaded, digit: Digit, reading: Reading) -> None:
    importance = row_importance(loaded.weights, digit.image)
    figure_column, text_column = st.columns([2, 1], gap="large")
    figure_column.plotly_chart(report_figures.row_importance_figure(digit.image, importance), config=PLOTLY_CONFIG, key="importance")
    support = -importance.log_odds_change
    top = [int(r) + 1 for r in np.argsort(-support, kind="stable")[:3] if support[r] > 0]
    with text_column:
        metric(st, "Answer", importance.digit, f"{importance.probability:.1%} sure")
        if top:
            st.markdown(f"The rows it leans on most: **{', '.join(map(str, top))}**.")
        against = [int(r) + 1 for r in np.flatnonzero(support < 0)]
        if against:
            st.markdown(f"Rows that argue against {importance.digit} (grey bars): {', '.join(map(str, against[:8]))}.")
        st.caption(explain.INSIDE["rows"])


def _two_digits(columns, loaded, choices: dict[str, Digit]) -> list[tuple[str, Digit, object]]:
    sides = []
    for column, name, default in zip(columns, "AB", (0, 1), strict=True):
        digit = choose_digit(column, f"Digit {name}", f"compare_{name}", choices, default)
        sides.append((f"{name}: {digit.name}", digit, loaded.weights))
    return sides


def _two_models(columns, entry, digit: Digit) -> list[tuple[str, Digit, object]]:
    usable = {e.id: e for e in registry().models() if not e.problem}
    ids = list(usable)
    if len(ids) < 2:
        st.info("Only the shipped model is here. Train another on the Train page to compare the two.")
    defaults = (ids.index(entry.id) if entry.id in ids else 0, next((n for n, i in enumerate(ids) if i != entry.id), 0))
    sides = []
    for column, name, default in zip(columns, "AB", defaults, strict=True):
        label = f"Model {name}"
        chosen = usable[column.selectbox(label, ids, index=default, format_func=lambda i: usable[i].label, key=f"compare_model_{name}")]
        model = load_entry(chosen)
        if isinstance(model, str):
            column.error(f"That model cannot be used: {model}")
            return []
        sides.append((f"{name}: {chosen.label}", digit, model.weights))
    return sides


def compare_view(entry, loaded, digit: Digit, choices: dict[str, Digit]) -> None:
    modes = ["Two digits, one model", "Two models, one digit"]
    mode = st.segmented_control("Compare", modes, default=modes[0], key="compare_mode", required=True)
    columns = st.columns(2, gap="large")
    sides = _two_digits(columns, loaded, choices) if mode == modes[0] else _two_models(columns, entry, digit)
    readings = []
    for (name, side_digit, weights), column in zip(sides, columns, strict=False):
        reading = read_digit(weights, side_digit.image)
        readings.append((name, reading.step_probs))
        image, answer = column.columns([1, 2], vertical_alignment="center")
        image.image(pixelated(side_digit.image, 4))
        settled = settled_row(reading.step_probs)
        metric(answer, f"{name[0]} reads", reading.digit, f"{reading.confidence:.0%} sure, settled after row {settled}")
    if readings:
        st.plotly_chart(report_figures.compare_figure(readings), config=PLOTLY_CONFIG, key="compare")
        st.caption(explain.INSIDE["compare"])


def missing_report(entry) -> None:
    st.warning(f"There is no report yet for {entry.label}. It needs one pass over the 10,000 MNIST test digits (about 10 s).")
    if st.button("Build the report now", icon=":material/analytics:", key="build_report"):
        with st.spinner("Reading the 10,000 test digits..."):
            problem = run_manager().build_report(entry.path)
        if problem:
            st.error(f"The report could not be built: {problem}")
        else:
            st.rerun()


def page() -> None:
    st.title("Look inside")
    try:
        entry, loaded = active_model()
    except ModelLoadError as error:
        st.error(f"The network could not be loaded: {error}")
        return
    report = reports.model_report(entry, loaded)
    intro, chooser, thumbnail = st.columns([6, 4, 1], gap="medium", vertical_alignment="bottom")
    intro.caption(explain.INSIDE["tagline"].format(model="the shipped model" if entry.shipped else entry.label))
    choices = digit_choices()
    digit = choose_digit(chooser, "The digit to examine", "inside_digit", choices)
    thumbnail.image(pixelated(digit.image, 2))
    reading = reading_of(loaded, digit.image)  # usually kept from the Read page already
    view = st.segmented_control("View", VIEWS, default=REPORT, key="view", required=True, bind="query-params", label_visibility="collapsed")

    if view in NEEDS_REPORT and report is None:
        missing_report(entry)
    elif view == REPORT:
        report_view(report)
    elif view == EARLY:
        early_view(report, digit, reading)
    elif view == MAP:
        map_view(report, digit, reading)
    elif view == UNITS:
        units_view(report, digit, reading)
    elif view == ROWS_VIEW:
        rows_view(loaded, digit, reading)
    else:
        compare_view(entry, loaded, digit, choices)


page()
