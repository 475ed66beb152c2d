"""The Race page: race the network to a digit uncovered one row at a time, ten digits a round.

The uncovering and the guesses happen in the browser (views/players/race.py); this page
chooses the round, scores each digit when the player says it is done, shows it beside the
network's curve, records it anonymously for the class wall, and scores the round.
"""

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import streamlit as st

from classroom import race
from model.config import ROWS
from model.insight import settled_row
from model.storage import ModelLoadError
from model.xray import step_probabilities
from views import words
from views.figures import race as race_figures
from views.figures.plotting import PLOTLY_CONFIG
from views.parts import inputs, style
from views.parts.class_wall import shared_wall
from views.parts.models_in_use import active_model
from views.parts.reports import model_report
from views.players import race as race_player

ROUND_KEY = "race_round"
INBOX_KEY = "race_inbox"  # what a player just sent: ("finished" | "next", its payload), read at the top of the next run
TAGLINE = "A digit is uncovered one row at a time. Name it before the network is sure of it."
# The verdict is a heading (h2, under the page's title) but no bigger than a phone's screen has room for.
CSS = "<style>.st-key-race-verdict h2 { font-size: clamp(1.3rem, 5vw, 1.8rem); line-height: 1.3; }</style>"
ANONYMOUS = "Each digit's rows, yours and the network's, go to the class wall anonymously: no name, nothing else about you."


@dataclass
class Round:
    """One student's round, kept in their session: ten digits, and what the network read after each row of each."""

    seed: int
    model: str  # the model it was chosen for, named for a sentence ("the shipped model", a run's label)
    labels: list[int]
    images: np.ndarray  # (10, 28, 28) float32 ink
    step_probs: np.ndarray  # (10, 28, 10)
    position: int = 0  # the digit being raced, or shown with its result; ROUND_LENGTH when the round is over
    results: list[race.DigitResult] = field(default_factory=list)
    attempt: int = 0  # raised when a player sent what could not be scored: a fresh player races the digit again

    @property
    def racing(self) -> bool:
        return self.position < race.ROUND_LENGTH and len(self.results) == self.position

    @property
    def over(self) -> bool:
        return self.position >= race.ROUND_LENGTH

    def network_row(self, position: int) -> int:
        return settled_row(self.step_probs[position])

    def network_answer(self, position: int) -> int:
        return int(self.step_probs[position][-1].argmax())


def candidates(entry, loaded) -> tuple[list[race.Candidate], dict[int, np.ndarray]]:
    """The test digits a round may take, with their images: the model report's kept digits when there is a report,
    else the shipped gallery; each with the answer of the model in use."""
    report = model_report(entry, loaded)
    if report is not None:
        kept = [race.Candidate(int(index), int(report.labels[index]), int(report.predicted[index])) for index in report.image_index]
        return kept, {c.index: report.image(c.index) for c in kept}
    samples = inputs.gallery_read_by(entry, loaded)
    return [race.Candidate(s.index, s.label, s.predicted) for s in samples.values()], {s.index: s.image for s in samples.values()}


def new_round(seed: int | None = None) -> Round | None:
    """A round for the model in use (None, with the reason shown, if it cannot be loaded)."""
    try:
        entry, loaded = active_model()
    except ModelLoadError as error:
        st.error(f"The network could not be loaded, so there is nothing to race: {words.plain(error)}")
        return None
    seed = int(np.random.SeedSequence().entropy % 2**32) if seed is None else seed
    pool, images = candidates(entry, loaded)
    chosen = race.choose_round(pool, seed)
    pictures = np.stack([images[c.index] for c in chosen])
    named = "the shipped model" if entry.shipped else entry.label
    return Round(seed, named, [c.label for c in chosen], pictures, step_probabilities(loaded.weights, pictures))


def start_new_round() -> None:
    st.session_state[ROUND_KEY] = None  # chosen at the top of the run that follows


def player_key(game: Round) -> str:
    return f"race-{game.seed}-{game.position}-{game.attempt}"


def heard(name: str, key: str) -> None:
    """A player's callback: keep what it sent for the run it starts."""
    st.session_state[INBOX_KEY] = (name, race_player.trigger(key, name))


def take_message(game: Round) -> None:
    """Act on what the player sent: score a finished digit (once) and record it, or move on to the next digit."""
    message = st.session_state.pop(INBOX_KEY, None)
    if not message:
        return
    name, payload = message
    if not isinstance(payload, dict) or payload.get("round") != game.seed or payload.get("position") != game.position:
        return  # from an earlier digit or round: already acted on
    if name == "next" and not game.racing and not game.over:
        game.position += 1
    elif name == "finished" and game.racing:
        score(game, payload.get("guesses"))


def score(game: Round, sent) -> None:
    position = game.position
    guesses = race.parse_guesses(sent)
    result = guesses and race.score_digit(game.labels[position], guesses, game.network_row(position), game.network_answer(position))
    if not result:
        game.attempt += 1
        st.warning("That race could not be counted, so this digit starts again. Press Start when you are ready.")
        return
    game.results.append(result)
    shared_wall().record_race(result.label, result.student_row, result.network_row_for_wall)


def show_player(game: Round, presenter: bool) -> None:
    key = player_key(game)
    spec = race_player.race_spec(
        game.images[game.position],
        game.labels[game.position],
        round_id=game.seed,
        position=game.position,
        count=race.ROUND_LENGTH,
        row_ms=round(race.ROW_SECONDS * 1000),
        penalty=race.PENALTY_ROWS,
        presenter=presenter,
        done=not game.racing,
    )
    race_player.show(spec, key, on_finished=partial(heard, "finished", key), on_next=partial(heard, "next", key))


def show_result(game: Round, presenter: bool) -> None:
    """The digit just raced: who knew first, the network's curve, and the button on to the next digit."""
    position, result = game.position, game.results[-1]
    with st.container(key="race-verdict"):
        st.header(race.result_sentence(result), anchor=False)
    curve, player = st.columns([3, 2], gap="medium")
    with curve:
        figure = race_figures.race_figure(
            game.step_probs[position], result.label, result.student_row, result.network_row, presenter=presenter
        )
        alt = race_figures.race_figure_alt(game.step_probs[position], result.label, result.student_row, result.network_row)
        st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"race-curve-{game.seed}-{position}", alt=alt)
    with player:
        show_player(game, presenter)


def tally(game: Round) -> None:
    if game.results:
        score = race.round_score(game.results)
        st.caption(f"So far: you won {score.won}, drew {score.drawn} and lost {score.lost}.")


def show_score(game: Round) -> None:
    score = race.round_score(game.results)
    st.header("Your score", anchor=False)
    st.markdown(f"**{race.score_sentence(score)}**")
    st.markdown(race.LESSON)
    st.table(
        [
            {
                "Digit": str(r.label),
                "You: rows": str(r.student_row),
                "Network: rows": f"never (read as {r.network_answer})" if r.network_misread else str(r.network_row),
                "Result": r.verdict,
            }
            for r in game.results
        ]
    )
    st.button("New round", key="race-new-round", type="primary", on_click=start_new_round)


def page() -> None:
    presenter = style.title_with_presenter_switch("Race the network", TAGLINE)
    st.html(CSS)
    game = st.session_state.get(ROUND_KEY)
    if game is None:
        game = new_round()
        if game is None:
            return
        st.session_state[ROUND_KEY] = game
    take_message(game)
    if game.over:
        show_score(game)
    elif game.racing:
        show_player(game, presenter)
        tally(game)
    else:
        show_result(game, presenter)
    if not game.over:
        st.button("New round", key="race-new-round", on_click=start_new_round, help="Ten other digits, from the start.")
    st.caption(ANONYMOUS)
    if not presenter:
        st.caption(f"Digits from the MNIST test set, read by {words.plain(game.model)}. A row every {race.ROW_SECONDS} s, out of {ROWS}.")


page()
