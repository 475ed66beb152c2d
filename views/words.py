"""The words on the page: captions and "what am I looking at" notes, in one place to edit.

And plain(), for the words that are not ours: what a user or a file supplies is shown as text, never as Markdown.
"""

import html
import re

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


TAGLINE = "An LSTM reads a handwritten digit one pixel row at a time, top to bottom, and changes its mind as it goes."

INVITE_DRAW = "Draw one digit, 0 to 9, on the white square. The network reads it as soon as you lift the pen."

CAPTIONS = {
    "seen": "What the model sees: your drawing cropped, shrunk to 20x20 and centred in 28x28, as MNIST digits are.",
    "digit": "Amber box: the row being read. Faded rows are not read yet.",
    "state": "Each column is the network's state after one row; red is positive, blue negative.",
    "gates": "Each column is one gate after one row; yellow is open (1), dark purple closed (0).",
    "bars": "Bars: how sure the network is of each digit after the amber row.",
    "lines": "Lines: each digit's probability row by row, so you can see when it knew.",
}

# Each state the reading can show: (its panel's title, the hint under it). The gates come in the order of their buttons.
STATES = {
    "hidden": ("Hidden state h", "h: what the network passes on to the next row (-1 to 1)"),
    "cell": ("Cell state c", "c: the network's long-term memory"),
    "gate:input": ("Input gate", "input gate: 0 = closed, 1 = open"),
    "gate:forget": ("Forget gate", "forget gate: 0 = closed, 1 = open"),
    "gate:output": ("Output gate", "output gate: 0 = closed, 1 = open"),
    "gate:candidate": ("Candidate g", "g: the new content offered to the memory (-1 to 1)"),
}

WHAT_AM_I_LOOKING_AT = {
    "Rows as time": (
        "The network never sees the whole picture at once. It reads the 28 rows of pixels one after another, "
        "like words in a sentence: row 1 is step 1, row 28 is step 28. Each row is 28 numbers, one per pixel."
    ),
    "Hidden state h": (
        "After each row the network keeps a list of 128 numbers between -1 and 1, its hidden state h. It is all it "
        "passes on to the next row, so everything it has understood so far must fit in it. The final answer is "
        "computed from h after the last row."
    ),
    "Cell state c": (
        "Inside each LSTM unit is a memory cell c. It can hold on to something for many rows, for example "
        "'there was a loop at the top', which is what lets the network tell a 9 from a 4."
    ),
    "Gates": (
        "Three gates, each between 0 (closed) and 1 (open), decide at every row what to forget from memory "
        "(forget gate), what new content g to write (input gate) and how much of the memory to show as h "
        "(output gate)."
    ),
    "Probabilities": (
        "After every row we ask the network: if you had to answer now, what would you say? Early on it is unsure "
        "and often wrong; watch the lines to see the row at which one digit takes over."
    ),
}

TRAIN_TAGLINE = (
    "Train a new reader on the 60,000 MNIST digits. The run goes on in the background, so everyone can keep "
    "drawing, and anyone who opens this page sees it learn."
)

PRESETS = {
    "lesson": "for a lesson: 1 x 128 units, 3 epochs, 98.5% or more in under 2 min on 2 CPU cores",
    "longer": "the lesson's model for 8 epochs: 99% or more in about 4 min on 2 CPU cores",
    "default": "the classroom model that ships (2 x 128 units, 30 epochs, about 31 min on 2 CPU cores)",
    "morvan": "Morvan Zhou's tutorial (1 x 128 units, about 2 min on 2 CPU cores)",
    "notebook": "the classic notebook (1 x 128 units, one epoch, about 4 min on 2 CPU cores)",
    "qiita": "raw rows into 1 x 128 units (about 1 min on 2 CPU cores)",
    "sesame": "3 x 256 units with dropout (about 30 min on 2 CPU cores)",
}

INSIDE = {
    "tagline": (
        "What {model} learned, measured on the 10,000 MNIST test digits it never trained on, "
        "and how it treats the digit you examine. Draw on the Read page to examine your own."
    ),
    "confusion": (
        "Each row of the matrix is a true digit, each column the network's answer; the pale diagonal counts the "
        "digits read correctly, the red cells the mistakes. The bars' axis starts near the worst digit, so small "
        "differences show."
    ),
    "early": (
        "Black (all digits): the share of all test digits read correctly if the network had to answer after that "
        "many rows. Coloured (7s, say): the same for one digit (click the legend to add others). Amber, dashed "
        "(this digit): how sure the network is of its final answer for your examined digit, row by row."
    ),
    "map": (
        "Each thin line is one of {count} test digits: the network's hidden state h after each row, squeezed from "
        "many numbers to two (a PCA). All start together at the blank top rows and part as the strokes come; the "
        "big numbers mark where each digit's paths end. Amber: your examined digit; press Play to watch it travel."
    ),
    "unit": (
        "One panel per true digit: the line is the unit's average h after each row, the band covers two thirds "
        "of the test digits. Amber, dashed: your examined digit. Units that rise for only one or two digits "
        "often track a loop or a stroke in a particular place."
    ),
    "rows": (
        "Each row of the digit was blanked in turn and the whole digit read again. A long solid blue bar, to the "
        "right, means the answer grows much less sure without that row; a red hatched bar, to the left, means the "
        "row argued for another digit. Bars are in log-odds, so a change from 99.9% to 99% counts as much as one "
        "from 50% to 9%."
    ),
    "compare": (
        "Solid lines: reading A; dotted: reading B; each is named where it is highest (A: 7). Only digits that "
        "reach 25% somewhere are drawn, in their usual colours. Click a reading in the legend to hide its lines."
    ),
}


def cores_sentence(cores: int) -> str:
    """What training leaves the class on a machine with `cores` cores (training/devices.py)."""
    kept = training_cores(cores)
    if kept < cores:
        return f"training uses {kept} of its {cores} cores, at a lower priority, and leaves one to the class"
    return f"training uses {'both its cores' if cores == 2 else 'its one core'}, at a lower priority, so drawings come first"
