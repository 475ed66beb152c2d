"""The words on the page: captions and "what am I looking at" notes, in one place to edit."""

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
    "default": "the classroom model that ships (2 x 128 units, 20 epochs, about 40 min on 2 CPU cores)",
    "morvan": "Morvan Zhou's tutorial (1 x 128 units, about 2 min on 2 CPU cores)",
    "notebook": "the classic notebook (1 x 128 units, one epoch, about 4 min on 2 CPU cores)",
    "qiita": "raw rows into 1 x 128 units (about 1 min on 2 CPU cores)",
    "sesame": "3 x 256 units with dropout (about 30 min on 2 CPU cores)",
}
