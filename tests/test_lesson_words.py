"""The guided lesson's words (views/lesson_steps.py) read at a school-year-8 level, use no word a student would not
know unless it is said in plain words where it first appears, and docs/lesson-plan.md follows the same steps."""

import re
from pathlib import Path

import pytest

from views.lesson_steps import INTRO, STEPS

textstat = pytest.importorskip("textstat")

MOST_GRADE = 9  # Flesch-Kincaid: a school-year-8 reader, with a year to spare
JARGON = ("PCA", "log-odds", "logit", "softmax", "variance", "tensor", "activation", "gradient")
# Terms worth learning: each is said in plain words in the step where a student first meets it.
TERMS = {"LSTM": "long short-term memory", "hidden state": "list of 128 numbers", "unit": "tiny part of the network",
         "gate": "like a tap", "epoch": "one pass over all the digits"}  # fmt: skip
PLAN = Path(__file__).parents[1] / "docs" / "lesson-plan.md"


def seen(step) -> str:
    """What a student reads of a step: its words, its question and what to look at (not the teacher's notes)."""
    return " ".join((step.says, step.question, step.look_at))


def test_there_are_eight_to_twelve_steps_each_with_its_own_view():
    assert 8 <= len(STEPS) <= 12
    assert len({step.view for step in STEPS}) == len(STEPS)
    assert len({step.title for step in STEPS}) == len(STEPS)


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.view)
def test_each_step_reads_at_a_school_year_8_level(step):
    assert textstat.flesch_kincaid_grade(seen(step)) <= MOST_GRADE, seen(step)
    assert textstat.flesch_kincaid_grade(step.ask + " " + step.expect) <= MOST_GRADE + 2  # for the teacher: a little more


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.view)
def test_no_step_uses_jargon(step):
    for word in JARGON:
        assert not re.search(rf"\b{re.escape(word)}\b", seen(step) + " " + INTRO, re.IGNORECASE), (word, step.view)


def test_each_term_is_explained_where_a_student_first_meets_it():
    for term, explanation in TERMS.items():
        first = next(step for step in STEPS if re.search(rf"\b{term}s?\b", seen(step), re.IGNORECASE))
        assert explanation.lower() in first.says.lower(), (term, first.view)


def test_every_step_asks_one_question():
    for step in STEPS:
        assert step.question.rstrip().endswith("?"), step.view
        assert step.ask and step.expect, step.view


def test_the_lesson_plan_follows_the_steps_in_order():
    plan = PLAN.read_text()
    places = [plan.find(f"{number}. {step.title}") for number, step in enumerate(STEPS, start=1)]
    assert -1 not in places, [step.title for step, place in zip(STEPS, places, strict=True) if place == -1]
    assert places == sorted(places)
