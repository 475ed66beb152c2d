"""The guided lesson's words, one step at a time: what the class reads, what the teacher asks, what to expect.

Plain data, so that a test reads every step for its reading level and for words a student would not know
(tests/test_lesson_words.py), and docs/lesson-plan.md follows the same order. The page that shows them is
views/pages/lesson.py; each step's `view` names the live view views/parts/lesson_views.py draws beside it.
"""

from dataclasses import dataclass, replace

from i18n import N_, _


@dataclass(frozen=True)
class Step:
    view: str  # which live view goes with it, and its name in the address (?step=...)
    title: str
    says: str  # a few plain sentences for the class
    question: str  # one question to ask the class
    look_at: str  # the part of the view that is highlighted, in words
    ask: str  # teacher's notes: how to run the step
    expect: str  # teacher's notes: the answers to expect

    def in_words(self) -> "Step":
        """The step in the reader's language; its view keeps its name, which is the address's."""
        words = {name: _(getattr(self, name)) for name in ("title", "says", "question", "look_at", "ask", "expect")}
        return replace(self, **words)


STEPS = (
    Step(
        view="rows",
        title=N_("A picture is 28 rows"),
        says=N_(
            "Each digit here is a tiny picture: 28 rows of 28 dots. Each dot is a number, from 0 for white paper to 1 for "
            "black ink. The network never sees the whole picture at once. It gets one row, then the next, from the top "
            "down, the way you read the lines of a page."
        ),
        question=N_("How many numbers does the network get in one step? How many steps does one digit take?"),
        look_at=N_("The amber box: one row, and the 28 numbers the network gets for it."),
        ask=N_(
            "Before this step, ask a student to draw a digit on the Read page, or share one to the class wall, and pick it "
            "in the digit box: the class then follows its own digit through the lesson. Point at one row."
        ),
        expect=N_(
            "28 numbers in a step, one for each dot of the row, and 28 steps for a digit. Someone may say 784 numbers: "
            "that is how the picture is stored, not how this network reads it."
        ),
    ),
    Step(
        view="reading",
        title=N_("It reads one row at a time"),
        says=N_(
            "Press Play and watch the amber box move down. At each row the network does the same small sum. It mixes "
            "the 28 new numbers with what it remembers so far. This kind of network is called an LSTM, short for "
            "long short-term memory. It is made to read things in order, like words in a sentence."
        ),
        question=N_("After the first 10 rows, which digits could it still be?"),
        look_at=N_("The digit on the left: the amber box is the row being read, and pale rows are not read yet."),
        ask=N_("Pause the player at row 10 (press Space, or the Pause button) and let the class guess before you go on."),
        expect=N_(
            "It depends on the digit. After 10 rows a 7 and a 9 can still look alike; a 1 is often clear early. "
            "The point: the network has to guess from a part, as they did."
        ),
    ),
    Step(
        view="memory",
        title=N_("It carries a memory"),
        says=N_(
            "After each row the network keeps a list of 128 numbers. This list is its hidden state, called h. "
            "It is the network's note to itself about what it has seen so far. The next row and this note go in "
            "together. Each of the 128 numbers comes from one unit, a tiny part of the network."
        ),
        question=N_("Why does the network need a memory? What would go wrong without one?"),
        look_at=N_("The coloured map: one column for each row read, one line for each unit. Red is high, blue is low."),
        ask=N_("Play it again and point at the map filling in, column by column, as the rows are read."),
        expect=N_(
            "Without a memory it would only know the row in front of it. The middle row of a 3 and of an 8 can look "
            "the same: only what came before tells them apart."
        ),
    ),
    Step(
        view="mind",
        title=N_("Watch it change its mind"),
        says=N_(
            "After every row we ask the network: if you had to answer now, what would you say? Each line shows how sure "
            "it is of one digit, row by row. Early on it is unsure, and often wrong. Then one line climbs and the others "
            "drop."
        ),
        question=N_("At which row did it make up its mind? What did it think before that?"),
        look_at=N_("The lines on the right: one line for each digit, in that digit's colour."),
        ask=N_("Step with the arrow keys (click the player first) or drag the slider, and stop where the lines cross."),
        expect=N_(
            "Answers differ by digit. Many digits are settled well before the last row; the bottom rows of a digit "
            "often just confirm it. Blank rows at the top tell it nothing, so its first guesses mean little."
        ),
    ),
    Step(
        view="gates",
        title=N_("What it keeps and what it forgets"),
        says=N_(
            "Inside each unit is a memory cell, called c. Gates decide what happens to it. A gate is like a tap that "
            "opens from 0 to 1. When the forget gate is near 1, the cell keeps what it holds. Near 0, it lets it go. "
            "The input gate decides how much of the new row to write in. Here is one unit reading your digit."
        ),
        question=N_("Find a row where the forget gate drops. What happens to the memory just after it?"),
        look_at=N_("The forget gate's line in the lower chart, and the memory cell in the upper one."),
        ask=N_(
            "The unit shown is the one whose memory moves most on this digit. Follow the forget gate with a finger, "
            "row by row, then look up at the memory."
        ),
        expect=N_(
            "Where the forget gate dips, the memory drops toward 0 or jumps to a new value; where both gates stay "
            "steady, the memory holds. One unit alone means little: the answer comes from all of them together."
        ),
    ),
    Step(
        view="early",
        title=N_("How early can it tell?"),
        says=N_(
            "We timed the network on 10,000 test digits. It never saw them while it learned. A digit counts as known "
            "from the row where the answer turns right and stays right to the end. Blank rows at the top do not count: "
            "there is nothing to read there yet."
        ),
        question=N_("Which digits does it know earliest? Which take the longest, and why?"),
        look_at=N_("The black line (all digits) and the line for your digit's answer."),
        ask=N_("Click a digit in the chart's legend to add its line. Compare a 1 with a 9 or a 4."),
        expect=N_(
            "Digits whose tops are unlike any other are known early. Digits that share a top with another (4 and 9, "
            "3 and 5 and 8) need more rows: the difference comes lower down."
        ),
    ),
    Step(
        view="race",
        title=N_("Race it"),
        says=N_(
            "Now it is your turn to read row by row. Open the Race page on your phone. A digit is uncovered one row at "
            "a time. Name it before the network is sure of it. Every race goes to the class chart below."
        ),
        question=N_("On which digits did the class beat the network? On which was it faster?"),
        look_at=N_("The class chart: for each digit, the rows the class needed beside the rows the network needed."),
        ask=N_("Give the class three minutes on the Race page, then come back to this step; the chart fills as they race."),
        expect=N_(
            "People often beat it on digits they can guess from one stroke. It wins where it has learned a small "
            "clue people do not notice. Ask how the race is fair, and how it is not."
        ),
    ),
    Step(
        view="learn",
        title=N_("How it learned"),
        says=N_(
            "Nobody wrote rules into the network. It started with random numbers. Then it looked at 60,000 digits, each "
            "with its right answer. After each small batch it nudged its numbers to be a little less wrong. One pass "
            "over all the digits is called an epoch."
        ),
        question=N_("Why do we check it on digits it never learned from?"),
        look_at=N_("The line with dots: digits it never learned from, checked after each epoch. That is the honest score."),
        ask=N_(
            "If you started a run on the Train page, this shows it live; otherwise it shows a short run made earlier. "
            "Point at the first few batches, where the score climbs fastest."
        ),
        expect=N_(
            "A network could learn its practice digits by heart and still fail on new ones. Only new digits show "
            "whether it really learned to read."
        ),
    ),
    Step(
        view="wrong",
        title=N_("Where it goes wrong"),
        says=N_(
            "Even a good network gets some digits wrong. Here are the test digits it misreads most surely. Under each "
            "is the true digit and what the network said."
        ),
        question=N_("Would you have read these right? What makes them hard?"),
        look_at=N_("Each picture's caption: the true digit, then the network's answer."),
        ask=N_("Pick two or three and ask the class to vote on each before you read the caption out."),
        expect=N_(
            "Some are hard for people too: strokes that run off the edge, a 4 with a closed top, a 7 with a bar. "
            "Others look easy to us, which shows the network reads in a way unlike ours."
        ),
    ),
    Step(
        view="fool",
        title=N_("Try to fool it"),
        says=N_(
            "Your turn. Draw a digit that a person reads easily but the network gets wrong. Then share it to the class "
            "wall. The bars show which rows of your digit the answer leans on most. Change those rows to fool it."
        ),
        question=N_("Which rows would you change to fool it, and how?"),
        look_at=N_("The long bars: the rows its answer needs most."),
        ask=N_("Send the class to the Read page for five minutes, then open the class wall and look at the digits it misread."),
        expect=N_(
            "A gap in a loop, an extra stroke at the top, or a digit drawn small in one corner often works. A 1 written "
            "with a base, or a 7 with a bar, can turn into another digit."
        ),
    ),
)

VIEWS = tuple(step.view for step in STEPS)

INTRO = N_("A guided tour of how the network reads, one step at a time. Use Next and Back, or the arrow keys.")


def intro() -> str:
    """The page's line under its title, in the reader's language."""
    return _(INTRO)
