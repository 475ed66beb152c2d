"""Why an LSTM? What was measured when a plain RNN, a GRU and the LSTM read the same digits (bench/bench_cells.py
writes model/weights/cells.json; read here without Keras), as a chart and a sentence or two in plain words.

The file is checked before anything is drawn: a missing one is said in a sentence, a damaged one is refused with its
reason, never a traceback.
"""

from pathlib import Path

import streamlit as st

from i18n import N_, _, number, percent
from model.files import file_stamp, list_of, read_json_checked, record, text, whole
from model.files import number as number_shape
from views.figures import cells as cells_figures
from views.figures.cells import CELL_ORDER
from views.figures.plotting import PLOTLY_CONFIG
from views.parts.inside_kit import chart_font, explain, how_it_is_made, listed
from views.words import cell_name

CELLS_FILE = Path(__file__).resolve().parents[2] / "model" / "weights" / "cells.json"
SHARE = number_shape(0, 1)
DROP = number_shape(-1, 1)
SHARES = list_of(SHARE, 10)


def _by_cell(shape) -> object:
    return record(**{cell: shape for cell in CELL_ORDER})


HELD = record(
    ("blank_rows", "cells", "conditions"),
    blank_rows=list_of(whole(0, 10_000), 10),
    cells=_by_cell(SHARES),
    by_epoch=_by_cell(list_of(list_of(SHARE, 1000), 10)),
    conditions=record(
        units=whole(1, 4096), train_digits=whole(1, 10**6), test_digits=whole(1, 10**6), epochs=whole(1, 1000),
        learning_rate=number_shape(0, 1), clipnorm=number_shape(0, 1000), batch_size=whole(1, 10**5), seed=whole(0, 2**32),
    ),
)  # fmt: skip
READER = record(("after_rows", "row_dependence", "test_accuracy"), after_rows=SHARES, row_dependence=list_of(DROP, 28), test_accuracy=SHARE)
READERS = record(
    ("cells", "conditions"),
    cells=_by_cell(READER),
    conditions=record(("after_rows",), after_rows=list_of(whole(1, 28), 28), test_digits=whole(1, 10**6)),
)
SHAPE = record(("format",), format=whole(1, 1), measured_on=text(10), held=HELD, readers=READERS)
HOLDING, LEARNING = N_("Holding an answer"), N_("While they learned")
EARLY, TOP_ROWS = N_("Early answers"), N_("Each row's weight")


def read_measurements(path: Path = CELLS_FILE) -> tuple[dict | None, str | None]:
    """(the measurements, None); (None, None) if there are none; (None, why not) if the file cannot be used."""
    value, problem = read_json_checked(path, SHAPE)
    if problem or value is None:
        return None, problem
    held = value.get("held")
    if held and any(len(shares) != len(held["blank_rows"]) for shares in [*held["cells"].values(), *held.get("by_epoch", {}).values()]):
        return None, _("its {file} is damaged: each cell needs one figure for each number of blank rows").format(file=path.name)
    readers = value.get("readers")
    if readers:
        rows = readers["conditions"]["after_rows"]
        if any(len(r["after_rows"]) != len(rows) or len(r["row_dependence"]) != 28 for r in readers["cells"].values()):
            return None, _("its {file} is damaged: each reader needs one figure for each number of rows").format(file=path.name)
    if not (held and held["cells"]) and not (readers and readers["cells"]):
        return None, None
    return value, None


@st.cache_resource(max_entries=2, show_spinner=False)
def _measurements(path: str, stamp: tuple | None) -> tuple[dict | None, str | None]:
    return read_measurements(Path(path))


def held_sentence(held: dict) -> str:
    """What each cell got right after each number of blank rows but none, a sentence for each, and what guessing gets."""
    told = []
    for at, rows in enumerate(held["blank_rows"]):
        if rows == 0 and len(held["blank_rows"]) > 1:
            continue
        shares = {cell: percent(held["cells"][cell][at]) for cell in CELL_ORDER if cell in held["cells"]}
        shares_said = listed(_("the {cell} {share}").format(cell=cell_name(c), share=s) for c, s in shares.items())
        told.append(_("With {rows} blank rows after the digit: {shares}.").format(rows=rows, shares=shares_said))
    return " ".join([*told, _("Guessing gets 10%.")])


def _held(held: dict, presenter: bool) -> None:
    figure = cells_figures.held_figure(held["blank_rows"], held["cells"], font_size=chart_font(presenter))
    alt = _("Lines, one for each kind of reader: the share of test digits read right when blank rows follow the digit")
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key="why-held", alt=alt)
    st.markdown(held_sentence(held))
    explain(_("We trained a small reader of each kind the same way, from the same start. Then we put blank rows after "
              "each digit. The reader must keep its answer through them, with nothing new to read. The figures are the "
              "share of new test digits each reader got right."), presenter)  # fmt: skip
    c = held["conditions"]
    how_it_is_made(
        _("Each reader had one recurrent layer of {units} units reading the raw rows. Each learned from the same "
          "{train} training digits in the same order, for {epochs} epochs (Adam, learning rate {rate}, gradients "
          "clipped at {clip}, seed {seed}), and was tested on {test} other digits. One run each: small differences "
          "may be chance.").format(units=c.get("units"), train=number(c.get("train_digits", 0)), epochs=c.get("epochs"),
                                   rate=c.get("learning_rate"), clip=c.get("clipnorm"), seed=c.get("seed"),
                                   test=number(c.get("test_digits", 0))),
        "why-held",
    )  # fmt: skip


def _learning(held: dict, presenter: bool) -> None:
    """How each cell's reader did after every epoch, at the most blank rows measured."""
    at, rows = len(held["blank_rows"]) - 1, held["blank_rows"][-1]
    by_epoch = {cell: runs[at] for cell, runs in held["by_epoch"].items()}
    figure = cells_figures.learning_figure(by_epoch, font_size=chart_font(presenter))
    alt = _("Lines, one for each kind of reader: the share of test digits read right after each epoch of training, "
            "with {rows} blank rows after the digit").format(rows=rows)  # fmt: skip
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key="why-learning", alt=alt)
    ahead = [listed(cell_name(c) for c in CELL_ORDER if c in by_epoch and by_epoch[c][epoch] == max(v[epoch] for v in by_epoch.values()))
             for epoch in (0, -1)]  # fmt: skip
    st.markdown(_("With {rows} blank rows: after the first epoch the {first} was ahead; at the end, the {last}.").format(
        rows=rows, first=ahead[0], last=ahead[1]))  # fmt: skip
    explain(_("Each reader was tested after every pass over its training digits. A reader can be slow to start and "
              "still end ahead, so one number alone does not say which cell is better."), presenter)  # fmt: skip


def _readers(readers: dict, shown: str, presenter: bool) -> None:
    cells = {cell: readers["cells"][cell] for cell in CELL_ORDER if cell in readers["cells"]}
    count = number(readers["conditions"].get("test_digits", 10_000))
    if shown == EARLY:
        rows = readers["conditions"]["after_rows"]
        figure = cells_figures.after_rows_figure(rows, {c: r["after_rows"] for c, r in cells.items()}, font_size=chart_font(presenter))
        alt = _("Lines, one for each shipped reader: the share of test digits it reads right after 7, 14, 21 and 28 rows")
        told = _("The shipped readers, tested on {count} digits: how many each gets right after reading only part of the digit.")
    else:
        figure = cells_figures.dependence_figure({c: r["row_dependence"] for c, r in cells.items()}, font_size=chart_font(presenter))
        alt = _("Lines, one for each shipped reader: how much less sure of the right digit it ends when one row is blanked")
        told = _("We blanked one row at a time. A high line means the reader still needs that row at the end. A reader "
                 "that has forgotten the top rows hardly minds losing them.")  # fmt: skip
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key="why-readers", alt=alt)
    right = listed(_("the {cell} {share}").format(cell=cell_name(c), share=percent(r["test_accuracy"], 1)) for c, r in cells.items())
    st.markdown(_("Read to the end, they get this many right: {shares}.").format(shares=right))
    explain(told.format(count=count), presenter)


def why_an_lstm(presenter: bool, path: Path | None = None) -> None:
    """The "Why an LSTM?" section: the measured contrast between the cells, or a sentence saying why it is not here."""
    st.header(_("Why an LSTM?"))
    path = CELLS_FILE if path is None else path
    measured, problem = _measurements(str(path), file_stamp(path))
    if problem:
        st.warning(_("The measurements of the three kinds of reader cannot be shown: {problem}").format(problem=problem))
        return
    if measured is None:
        st.info(_("The three kinds of reader have not been measured side by side yet."))
        return
    held, readers = measured.get("held"), measured.get("readers")
    learned = held and held.get("by_epoch")
    found = (
        (HOLDING, held and held["cells"]),
        (LEARNING, learned),
        (EARLY, readers and readers["cells"]),
        (TOP_ROWS, readers and readers["cells"]),
    )
    choices = [name for name, there in found if there]
    shown = st.segmented_control(_("Measured"), choices, default=choices[0], key="why_lstm", required=True, format_func=_)
    if shown == HOLDING:
        _held(held, presenter)
    elif shown == LEARNING:
        _learning(held, presenter)
    else:
        _readers(readers, shown, presenter)
