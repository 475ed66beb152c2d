"""The Race page: race the network to a digit uncovered one row at a time, ten digits a round.

The player (views/players/race.py) paces the race and takes the guesses in the browser;
this page chooses the round, sends each row when the player asks for it and judges each
guess (classroom.race.DigitRace: the browser never holds a row ahead, nor the true digit
before the right guess), shows the result beside the network's curve, records it
anonymously for the class wall (a limited number per browser), and scores the round.
While a digit is raced the player lives in a fragment, so a row costs the server a
rerun of the player alone.
"""

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import streamlit as st

from classroom import race
from i18n import N_, _, number
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
from views.parts.session import browser_id
from views.players import race as race_player

ROUND_KEY = "race_round"
INBOX_KEY = "race_inbox"  # what the player just sent: [(name, payload), ...], acted on at the top of the run it starts
ROUNDS_KEY = "race_rounds"  # the seeds of the rounds this session has dealt: a message for another round was lost
LOST_KEY = "race_lost"  # set when the player spoke of a round this session never dealt: said once, at the top
INBOX_LIMIT = 8  # messages kept between two runs: a player sends one at a time, a forger gains nothing by more
ROUNDS_REMEMBERED = 100
LOST = N_(
    "That round was lost when the server restarted, so a new round has started with ten other digits. Press Start when you are ready."
)
TABLE_FULL = N_(
    "The class table already holds all the results it takes from one browser, so this one was not added to it. "
    "Your own results are all here."
)
TAGLINE = N_("A digit is uncovered one row at a time. Name it before the network is sure of it.")
# The verdict is a heading (h2, under the page's title) but no bigger than a phone's screen has room for.
CSS = "<style>.st-key-race-verdict h2 { font-size: clamp(1.3rem, 5vw, 1.8rem); line-height: 1.3; }</style>"
ANONYMOUS = N_("Each digit's rows, yours and the network's, go to the class wall anonymously: no name, nothing else about you.")


@dataclass
class Round:
    """One student's round, kept in their session: ten digits, and what the network read after each row of each."""

    seed: int
    model: str | None  # the run it was chosen for, by its label; None for the shipped model (named in the reader's language)
    labels: list[int]
    images: np.ndarray  # (10, 28, 28) float32 ink
    step_probs: np.ndarray  # (10, 28, 10)
    position: int = 0  # the digit being raced, or shown with its result; ROUND_LENGTH when the round is over
    results: list[race.DigitResult] = field(default_factory=list)
    digit: race.DigitRace | None = None  # the digit at `position`, as the server races it
    unrecorded: set[int] = field(default_factory=set)  # positions whose result the class table did not take

    def __post_init__(self):
        if self.digit is None:
            self.digit = race.DigitRace(self.labels[self.position])

    @property
    def racing(self) -> bool:
        return self.position < race.ROUND_LENGTH and not self.digit.over

    def next_digit(self) -> None:
        self.position += 1
        if not self.over:
            self.digit = race.DigitRace(self.labels[self.position])

    @property
    def over(self) -> bool:
        return self.position >= race.ROUND_LENGTH

    def network_row(self, position: int) -> int:
        return settled_row(self.step_probs[position], self.images[position])  # from its first ink: blank rows tell nothing

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
        st.error(_("The network could not be loaded, so there is nothing to race: {error}").format(error=words.plain(error)))
        return None
    seed = int(np.random.SeedSequence().entropy % 2**32) if seed is None else seed
    pool, images = candidates(entry, loaded)
    chosen = race.choose_round(pool, seed)
    pictures = np.stack([images[c.index] for c in chosen])
    named = None if entry.shipped else entry.label
    dealt = st.session_state.setdefault(ROUNDS_KEY, [])
    dealt[:] = [*dealt[-(ROUNDS_REMEMBERED - 1) :], seed]
    return Round(seed, named, [c.label for c in chosen], pictures, step_probabilities(loaded.weights, pictures))


def start_new_round() -> None:
    st.session_state[ROUND_KEY] = None  # chosen at the top of the run that follows


def player_key(game: Round) -> str:
    return f"race-{game.seed}-{game.position}"


def heard(key: str, name: str) -> None:
    """A player's callback: keep what it sent for the run it starts."""
    inbox = st.session_state.setdefault(INBOX_KEY, [])
    inbox[:] = [*inbox[-(INBOX_LIMIT - 1) :], (name, race_player.trigger(key, name))]


def take_messages(game: Round) -> bool:
    """Act on what the player sent; True when the whole page must be drawn again (a digit ended or changed, a lost
    round to say)."""
    redraw = False
    for name, payload in st.session_state.pop(INBOX_KEY, None) or []:
        message = race.read_message(name, payload)
        if message is not None:
            redraw = act(game, message) or redraw
    return redraw


def lost_round(game: Round, message: race.Message) -> bool:
    """Whether `message` speaks of a round this session never dealt, from a player that raced it before a restart, while
    this session's round has not begun: then it is said, once, at the top of the page."""
    begun = game.position > 0 or game.digit.released > 0
    if message.round in st.session_state.get(ROUNDS_KEY, []) or begun:
        return False
    st.session_state[LOST_KEY] = True
    return True


def act(game: Round, message: race.Message) -> bool:
    if message.round != game.seed:
        return lost_round(game, message)
    if message.name == race.RESUME or message.position != game.position or game.over:
        return False  # the round goes on here, or the message is about a digit acted on already
    digit = game.digit
    digit.heard = max(digit.heard, message.number)
    if message.name == race.ROW:
        digit.release_row(message.row)
    elif message.name == race.GUESS and digit.guess(message.digit, message.row) == race.RIGHT:
        score(game)
        return True
    elif message.name == race.NEXT and digit.over:
        game.next_digit()
        return True
    return False


def score(game: Round) -> None:
    """The digit just guessed right: its result, kept in the round and recorded for the class table (if it takes more
    from this browser)."""
    position = game.position
    result = game.digit.result(game.network_row(position), game.network_answer(position))
    game.results.append(result)
    # Limited per browser, all its tabs together (session.browser_id): an anonymous id, never shown.
    if not shared_wall().record_race(result.label, result.student_row, result.network_row_for_wall, racer=browser_id()):
        game.unrecorded.add(position)


def show_player(game: Round, presenter: bool) -> None:
    key = player_key(game)
    spec = race_player.race_spec(
        game.images[game.position],
        game.digit,
        round_id=game.seed,
        position=game.position,
        count=race.ROUND_LENGTH,
        row_ms=round(race.ROW_SECONDS * 1000),
        penalty=race.PENALTY_ROWS,
        presenter=presenter,
        done=not game.racing,
    )
    race_player.show(spec, key, partial(heard, key))


@st.fragment
def racing_player(presenter: bool) -> None:
    """The player while a digit is raced: a row asked for, or a wrong guess, reruns this alone; what ends the digit, or
    speaks of a lost round, draws the whole page again."""
    game = st.session_state.get(ROUND_KEY)
    if game is None or take_messages(game) or not game.racing:
        st.rerun()
    show_player(game, presenter)


def show_result(game: Round, presenter: bool) -> None:
    """The digit just raced: who knew first, the network's curve, and the button on to the next digit."""
    position, result = game.position, game.results[-1]
    with st.container(key="race-verdict"):
        st.header(race.result_sentence(result), anchor=False)
    st.markdown(race_figures.network_row_sentence(game.step_probs[position], result.network_row, result.network_answer))
    if position in game.unrecorded:
        st.info(_(TABLE_FULL))
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
        st.caption(_("So far: you won {won}, drew {drawn} and lost {lost}.").format(won=score.won, drawn=score.drawn, lost=score.lost))


def show_score(game: Round) -> None:
    score = race.round_score(game.results)
    st.header(_("Your score"), anchor=False)
    st.markdown(f"**{race.score_sentence(score)}**")
    st.markdown(_(race.LESSON))
    never = _("never (read as {answer})")
    st.table(
        [
            {
                _("Digit"): str(r.label),
                _("You: rows"): str(r.student_row),
                _("Network: rows"): never.format(answer=r.network_answer) if r.network_misread else str(r.network_row),
                _("Result"): _(race.VERDICT_WORDS[r.verdict]),
            }
            for r in game.results
        ]
    )
    st.button(_("New round"), key="race-new-round", type="primary", on_click=start_new_round)


def page() -> None:
    presenter = style.title_with_presenter_switch(_("Race the network"), _(TAGLINE))
    st.html(CSS)
    game = st.session_state.get(ROUND_KEY)
    if game is None:
        game = new_round()
        if game is None:
            return
        st.session_state[ROUND_KEY] = game
    take_messages(game)
    if st.session_state.pop(LOST_KEY, False):
        st.warning(_(LOST))
    if game.over:
        show_score(game)
    elif game.racing:
        racing_player(presenter)
        tally(game)
    else:
        show_result(game, presenter)
    if not game.over:
        st.button(_("New round"), key="race-new-round", on_click=start_new_round, help=_("Ten other digits, from the start."))
    st.caption(_(ANONYMOUS))
    if not presenter:
        st.caption(source_words(game))


def source_words(game: Round) -> str:
    """Where the digits come from, which model reads them and how fast the rows come."""
    pace = {"seconds": number(race.ROW_SECONDS, 2), "rows": ROWS}
    if game.model is None:
        return _("Digits from the MNIST test set, read by the shipped model. A row every {seconds} s, out of {rows}.").format(**pace)
    return _("Digits from the MNIST test set, read by {model}. A row every {seconds} s, out of {rows}.").format(
        model=words.plain(game.model), **pace
    )


page()
