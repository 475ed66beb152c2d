"""The words on the page: captions and "what am I looking at" notes, in one place to edit.

Each is kept in English, marked with N_() for the catalogues (i18n/), and translated with _() where a page shows it:
`_(words.CAPTIONS["digit"])`, `_(words.INSIDE["map"]).format(count=..., units=...)`. The dicts' keys are ids, never
shown, but for GLOSSARY's and WHAT_AM_I_LOOKING_AT's (a term, translated with _() too). The sentence builders below
return their sentences already in the reader's language.

And plain(), for the words that are not ours: what a user or a file supplies is shown as text, never as Markdown.
"""

import html
import re

from i18n import N_, _, percent
from model.config import ROWS
from model.insight import blank_guesses, first_ink_rows
from training.devices import training_cores

# Every ASCII punctuation character: CommonMark lets a backslash escape each, which turns off links, images, emphasis,
# code, HTML, and Streamlit's own :colour[...] and :icon: and $math$ all at once.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Where Streamlit's Markdown (GFM) would make a link of bare text, escaped or not: "www.", "://" and an address's "@".
# It looks for them in the text after the escapes are undone, so an invisible WORD JOINER goes in between instead.
_AUTOLINK_SEAMS = re.compile(r"(?i)(?<=www)(?=\.)|(?=://)|(?<=@)")
WORD_JOINER = "\u2060"


def plain(text) -> str:
    """Text from a user or a file (a name, a file name, an error), made safe to put into Markdown: shown as typed,
    never as a link."""
    unlinked = _AUTOLINK_SEAMS.sub(WORD_JOINER, " ".join(str(text).split()))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", unlinked)


def chart_text(text) -> str:
    """Text from a user or a file made safe for a plotly label, which reads <b>, <a href> and entities as markup."""
    return html.escape(" ".join(str(text).split()), quote=False)


TAGLINE = N_("An LSTM, a network with memory, reads a digit one pixel row at a time. Watch it change its mind.")  # 2 lines on a phone

INVITE_DRAW = N_("Draw one digit, 0 to 9, on the white square. The network reads it as soon as you lift the pen.")

CAPTIONS = {
    "seen": N_(
        "What the model sees: your drawing is cut to its ink and shrunk to 20 by 20 pixels. "
        "Then it goes in the middle of 28 by 28, like the digits it learned from."
    ),
    "digit": N_("Amber box: the row being read. Faded rows are not read yet."),
    "state": N_("Each column shows one number per unit after one row. Red is above zero, blue below."),
    "gates": N_("Each column shows one gate of every unit after one row. Yellow is open (1), dark purple is shut (0)."),
    "bars": N_("Bars: how sure the network is of each digit after the amber row."),
    "lines": N_("Lines: how sure it is of each digit, row by row, so you can see when it knew."),
}

# Said under the reading's heading, where the hidden state and units first appear on the Read page.
READING_INTRO = N_(
    "The network reads the picture one row at a time. After each row it updates its memory: {units} numbers, "
    "one for each of its units. We call this list the hidden state h. The middle picture shows it, one column per row."
)

# Each state an LSTM's reading can show: (its panel's title, the hint under it). The gates come in the order of their buttons.
STATES = {
    "hidden": (N_("Hidden state h"), N_("h: what the network passes on to the next row (-1 to 1)")),
    "cell": (N_("Cell state c"), N_("c: the network's long-term memory")),
    "gate:input": (N_("Input gate"), N_("input gate: 0 = shut, 1 = open")),
    "gate:forget": (N_("Forget gate"), N_("forget gate: 0 = shut, 1 = open")),
    "gate:output": (N_("Output gate"), N_("output gate: 0 = shut, 1 = open")),
    "gate:candidate": (N_("Candidate g"), N_("g: the new content offered to the memory (-1 to 1)")),
}
# A GRU's: h is its memory, z = 1 keeps the old h and z = 0 takes the candidate (Keras: h = z * h_old + (1 - z) * candidate).
GRU_STATES = {
    "hidden": STATES["hidden"],
    "gate:update": (N_("Update gate z"), N_("update gate: how much of the old h it keeps, 0 = replace, 1 = keep")),
    "gate:reset": (N_("Reset gate r"), N_("reset gate: how much of the old h goes into the candidate, 0 = none, 1 = all")),
    "gate:candidate": (N_("Candidate: a new h"), N_("candidate: the new h offered at this row (-1 to 1)")),
}
CELL_STATES = {"lstm": STATES, "gru": GRU_STATES, "rnn": {"hidden": STATES["hidden"]}}  # each cell's states, by model/xray's kinds
CELL_NAMES = {"lstm": N_("LSTM"), "gru": N_("GRU"), "rnn": N_("plain RNN")}  # each cell's name within a sentence or a label
SYMBOLS = {"hidden": "h", "cell": "c", "gate:input": "i", "gate:forget": "f", "gate:output": "o", "gate:update": "z", "gate:reset": "r"}
CANDIDATE_SYMBOLS = {"lstm": "g", "gru": "\u0125"}  # an LSTM's g; a GRU's new h, h with a hat
# Said under the state map of a reader that has less than an LSTM: what it keeps instead.
CELL_NOTES = {
    "gru": N_("A GRU has no memory cell c: h is its memory. Its update gate decides how much of h to keep at each row."),
    "rnn": N_("A plain RNN has no gates and no separate memory: h is all it keeps from one row to the next."),
}

WHAT_AM_I_LOOKING_AT_LABEL = N_("What am I looking at?")
WHAT_AM_I_LOOKING_AT = {
    N_("Rows as time"): N_(
        "The network never sees the whole picture at once. It reads the 28 rows of pixels one after another, "
        "the way you read the words of a sentence. Row 1 is step 1 and row 28 is step 28. Each row is 28 numbers, "
        "one for each pixel's shade."
    ),
    N_("Hidden state h"): N_(
        "After each row the network keeps a list of numbers between -1 and 1, one for each unit. This list is its "
        "hidden state h. It is all it passes on to the next row, so all it has worked out so far must fit in it. "
        "Its final answer comes from h after the last row."
    ),
    N_("Cell state c"): N_(
        "Each unit also has a memory cell c. It can hold on to something for many rows, such as 'there was a "
        "loop at the top'. That is how the network can tell a 9 from a 4."
    ),
    N_("Gates"): N_(
        "Each unit has three gates. A gate is like a tap, from 0 (shut) to 1 (open). At every row the forget gate "
        "picks what to drop from memory, the input gate what new content g to write, and the output gate how much "
        "of the memory to show as h."
    ),
    N_("Probabilities"): N_(
        "After every row we ask the network: if you had to answer now, what would you say? It answers with ten "
        "probabilities, how sure it is of each digit, and they add up to 100%. Early on it is unsure and often "
        "wrong. Watch the lines to see the row where one digit takes over."
    ),
}

# What a GRU's and a plain RNN's reading has instead of the LSTM's memory cell and gates, under the same question.
CELL_LOOKING_AT = {
    "gru": {
        N_("Cell state c"): N_("A GRU has no memory cell c. Its h is its memory, and it carries it from row to row."),
        N_("Gates"): N_(
            "Each unit has two gates. A gate is like a tap, from 0 (shut) to 1 (open). At every row the update gate picks "
            "how much of the old h to keep, and the reset gate how much of it to use for the new h."
        ),
    },
    "rnn": {
        N_("Cell state c"): N_("A plain RNN has no memory cell c. Its h is all it carries from row to row."),
        N_("Gates"): N_("A plain RNN has no gates. At every row it mixes the new row with its h and keeps only the result."),
    },
}


def cell_name(cell: str) -> str:
    """A cell's name in the reader's language, as labels and sentences say it: "LSTM", "GRU", "plain RNN"."""
    return _(CELL_NAMES[cell]) if cell in CELL_NAMES else cell


def what_am_i_looking_at(kind: str = "lstm") -> dict[str, str]:
    """The topics of "What am I looking at?" for a reader of this cell (model/xray's kinds), in English: the LSTM's,
    with a GRU's or a plain RNN's own words for the memory cell and the gates. Translated with _() where shown."""
    return {**WHAT_AM_I_LOOKING_AT, **CELL_LOOKING_AT.get(kind, {})}


# The glossary, one tap away on every page (views/parts/glossary.py): each word in one or two plain sentences.
GLOSSARY = {
    N_("Neural network"): N_(
        "A program made of many small parts that learns from examples instead of being given rules. "
        "Here it learned to read handwritten digits."
    ),
    N_("LSTM"): N_(
        "A kind of neural network that reads things in order, one piece at a time, and keeps a memory as it goes. "
        "The letters stand for Long Short-Term Memory."
    ),
    N_("Model"): N_("A trained network: all the numbers it learned, saved in a file. Each training run makes a new model."),
    N_("Row"): N_("One line of pixels across the picture. A picture is 28 rows of 28 pixels, and the network reads the top row first."),
    N_("Hidden state h"): N_(
        "A list of numbers, one per unit, that the network passes from one row to the next. "
        "It is the network's short note to itself about what it has seen so far."
    ),
    N_("Cell state c"): N_("The network's longer memory. It can keep something, like 'there was a loop at the top', for many rows."),
    N_("Gate"): N_(
        "A tap from 0 (shut) to 1 (open) that decides how much gets through. "
        "Each unit has three: a forget gate, an input gate and an output gate."
    ),
    N_("Forget gate"): N_("Decides how much of the old memory c to keep. At 0 the unit forgets, at 1 it keeps it all."),
    N_("Input gate"): N_("Decides how much of the new content g, made from this row, to write into the memory c."),
    N_("Output gate"): N_("Decides how much of the memory c to show as h, the part passed on to the next row."),
    N_("Candidate g"): N_("The new content a unit could write into its memory at this row, from -1 to 1."),
    N_("GRU"): N_(
        "A simpler cousin of the LSTM. It has two gates and no memory cell c: its h is its memory. "
        "The letters stand for Gated Recurrent Unit."
    ),
    N_("Update gate"): N_("A GRU's gate that decides how much of the old h to keep. At 1 it keeps it all, at 0 it takes the new h."),
    N_("Reset gate"): N_("A GRU's gate that decides how much of the old h goes into the new h it makes at this row."),
    N_("Plain RNN"): N_("The simplest network that reads in order. It has no gates and no memory cell: h is all it keeps."),
    N_("Unit"): N_(
        "One small memory cell of the network, with its own h, c and gates. "
        "The shipped network has 128 units in each layer, numbered from 0."
    ),
    N_("Layer"): N_(
        "A group of units side by side. In a network with two layers, the second layer reads what the first one passes on, not the picture."
    ),
    N_("Probability"): N_(
        "How sure the network is, from 0% (sure it is not) to 100% (sure it is). The ten digits' probabilities add up to 100%."
    ),
    N_("Training"): N_(
        "How the network learns. It reads thousands of digits whose answers are known, "
        "and after each small batch it nudges its numbers to make fewer mistakes."
    ),
    N_("Epoch"): N_("One pass of training through all 60,000 training digits. More epochs often mean fewer mistakes, up to a point."),
    N_("MNIST"): N_("A well-known set of 70,000 handwritten digits, each 28 by 28 pixels: 60,000 to train on and 10,000 to test with."),
    N_("Test digits"): N_(
        "The 10,000 MNIST digits kept apart while the network trains. "
        "It never learned from them, so they show how well it reads digits it has not seen."
    ),
    N_("Accuracy"): N_("The share of digits read correctly. 99% means it gets 99 in every 100 right."),
    N_("Confusion matrix"): N_(
        "A grid with a row for each true digit and a column for each answer. It shows which digits the network mixes up."
    ),
}

TRAIN_TAGLINE = N_(
    "Train a new reader on the 60,000 MNIST digits. The run goes on in the background, so everyone can keep "
    "drawing, and anyone who opens this page sees it learn."
)

PRESETS = {
    "lesson": N_("for a lesson: 1 x 128 units, 3 epochs, 98.5% or more in under 2 min on 2 CPU cores"),
    "longer": N_("the lesson's model for 8 epochs: 99% or more in about 4 min on 2 CPU cores"),
    "default": N_("the classroom model that ships (2 x 128 units, 30 epochs, about 31 min on 2 CPU cores)"),
    "morvan": N_("Morvan Zhou's tutorial (1 x 128 units, about 2 min on 2 CPU cores)"),
    "notebook": N_("the classic notebook (1 x 128 units, one epoch, about 4 min on 2 CPU cores)"),
    "qiita": N_("raw rows into 1 x 128 units (about 1 min on 2 CPU cores)"),
    "sesame": N_("3 x 256 units with dropout (about 30 min on 2 CPU cores)"),
}

# Said where layers first appear, on a page read by a network of more than one layer.
LAYERS = N_("The units sit in {layers} layers. Layer 1 reads the picture; each layer above it reads what the one below passes on.")

INSIDE = {
    "tagline": N_(
        "How well {model} reads, tried on 10,000 test digits it never saw while it learned, and what goes on "
        "inside it. Pick a digit to look at, or draw your own on the Read page."
    ),
    "confusion": N_(
        "Each row of the grid is the digit that was written, and each column is what the network said. The pale "
        "squares on the diagonal count the digits it got right; the red squares are its mistakes. The bars start "
        "near the worst digit, so small differences show."
    ),
    "early": N_(
        "A digit counts as known from the row where the network's answer becomes right and stays right to the end, "
        "but never before the network has seen some of the digit's ink. Black: all test digits. Coloured (7s, say): "
        "one digit; click the legend to add others. Amber, dashed: how sure the network is of its answer for your "
        "digit, row by row."
    ),
    "map": N_(
        "Each faint line is one of {count} test digits, and each thick line is the typical path of one digit. A line "
        "shows how the network's memory (its hidden state) changes row by row. All start together on the blank top "
        "rows and move apart as the strokes come; the big numbers mark where the typical paths end. Amber: your "
        "digit; press Play to watch it travel. The memory holds {units} numbers, and this flat map squeezes them into "
        "2. Digits far apart here are far apart for the network too, but digits that overlap here may still be apart "
        "in its own numbers."
    ),
    "map_how": N_(
        "The two directions come from a PCA (principal component analysis) of the top layer's h, fitted on 2,000 test "
        "digits after every row. Direction 1 is the one along which the states vary most ({first:.0%} of the "
        "variation), direction 2 the next ({second:.0%}); the rest is not shown. A digit's typical path is the "
        "median of its paths after each row. The share under the map counts the paths that end nearer the median "
        "end of their own digit than of any other digit, on this 2-D map."
    ),
    "units_intro": N_(
        "The network's memory is made of small parts called units. Each unit holds one number of the hidden state h, "
        "and that number changes after every row. Some units light up for one kind of digit. Pick a unit, or find "
        "the units that light up most for a digit."
    ),
    "layers": LAYERS,
    "hunt": N_("These units light up most for that digit, and little for the others. Click one to look at it:"),
    "unit": N_(
        "One small chart for each digit, 0 to 9. The line is this unit's h after each row, on average over the test "
        "digits of that kind; the shaded band shows where most of them are. Amber, dashed: the digit you look at. "
        "A unit that goes up for only one or two digits often watches for a loop or a stroke in one place."
    ),
    "unit_how": N_(
        "The line is the mean of the unit's h over the test digits of one kind, after each row. The band is one "
        "standard deviation either side of it, which covers about two thirds of them. The units found for a digit "
        "are those whose mean h over the last 7 rows is furthest above the highest mean of any other digit."
    ),
    "rows": N_(
        "We hid each row in turn and let the network read the digit again. A long blue bar to the right means the "
        "network is much less sure of its answer without that row: the row helped. A red striped bar to the left "
        "means the row pointed to another digit."
    ),
    "rows_how": N_(
        "Each row in turn was made blank (no ink at all) and the digit read again. A bar is the change in the log-odds of the answer, "
        "log(p / (1 - p)) for its probability p. On that scale a fall from 99.9% to 99% counts as much as one from "
        "50% to 9%, so the rows that a very sure answer rests on still show."
    ),
    "compare": N_(
        "Solid lines: reading A. Dotted lines: reading B. Each line shows how sure the network is of one digit after "
        "each row, and is named where it is highest (A: 7). Only digits that reach 25% at some row are drawn. "
        "Click a reading in the legend to hide its lines."
    ),
}


def cores_sentence(cores: int) -> str:
    """What training leaves the class on a machine with `cores` cores (training/devices.py), as a whole sentence
    about "this computer" in the reader's language."""
    kept = training_cores(cores)
    if kept < cores:
        return _("On this computer, training uses {kept} of its {cores} cores, at a lower priority, and leaves one to the class.").format(
            kept=kept, cores=cores
        )
    if cores == 2:
        return _("On this computer, training uses both its cores, at a lower priority, so drawings come first.")
    return _("On this computer, training uses its one core, at a lower priority, so drawings come first.")


def guess_before_ink(blank_probs, image) -> str:
    """What the network answers before it has read any ink, said as a guess that does not count: on the blank rows
    above `image` (28 x 28), or on a blank picture where the digit has none. blank_probs is the report's (28, 10)."""
    blank = int(first_ink_rows(image))
    rows = blank if 0 < blank < ROWS else ROWS
    guesses = [str(guess) for guess in blank_guesses(blank_probs, rows)]
    said = guesses[0]
    for later in guesses[1:]:  # "1, then 7, then 4": each guess in the order the network gave them
        said = _("{earlier}, then {later}").format(earlier=said, later=later)
    values = {"guesses": said, "sure": percent(float(blank_probs[:rows].max()))}
    if rows == ROWS:
        sentence = _(
            "Before it has read any ink it can only guess: on a blank picture it answers **{guesses}**, at most {sure} "
            "sure. A guess like that is not counted as knowing."
        )
    elif rows == 1:
        sentence = _(
            "Before it has read any ink it can only guess: on the blank row above your digit it answers **{guesses}**, "
            "at most {sure} sure. A guess like that is not counted as knowing."
        )
    else:
        sentence = _(
            "Before it has read any ink it can only guess: on the {rows} blank rows above your digit it answers "
            "**{guesses}**, at most {sure} sure. A guess like that is not counted as knowing."
        )
    return sentence.format(rows=rows, **values)
