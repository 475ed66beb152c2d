"""The training password: if one is configured, changing anything on the Train page needs it; watching never does.

Set it in `.streamlit/secrets.toml` as `training_password = "..."` or in the
environment as ROW_READER_TRAINING_PASSWORD. Without one, everything is open,
as on a personal laptop. A password that is there but cannot be read (a secrets
file that does not parse, a value that is not text) locks everything, and the
Train page says why: a typo must never open the controls to a class.
"""

import hmac
import math
import os
import re
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ENV_VARIABLE = "ROW_READER_TRAINING_PASSWORD"
SECRET_NAME = "training_password"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIX = f'put it in quotes, like {SECRET_NAME} = "...". Until then training is locked.'

# Wrong passwords, counted for the whole server: the first few are free, then each try waits twice as long as the last.
FREE_TRIES = 3
FIRST_WAIT_S = 1.0
LONGEST_WAIT_S = 30.0


@dataclass(frozen=True)
class PasswordSetting:
    password: str | None  # None: no password is set, and everything is open
    problem: str | None = None  # why a configured password cannot be read: everything is locked


def secret_files() -> list[str]:
    """Where Streamlit looks for secrets.toml: ~/.streamlit/ and the project's .streamlit/, the later winning."""
    return [path for path in st.get_option("secrets.files") if str(path).endswith(".toml")]


def _shown_name(path: Path) -> str:
    """A secrets file as a teacher finds it, never as an absolute server path."""
    for base, prefix in ((PROJECT_ROOT, ""), (Path.home(), "~/"), (Path.cwd(), "")):
        try:
            return prefix + path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.name


def _parse_error_words(error: tomllib.TOMLDecodeError) -> str:
    line = re.search(r"at line (\d+)", str(error))
    return f"the file is not valid TOML (line {line.group(1)})" if line else "the file is not valid TOML"


def _secret_in(path: Path) -> tuple[bool, object, str | None]:
    """(whether the file exists, its training_password or None, why it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False, None, None
    except (OSError, UnicodeDecodeError):
        return True, None, "the file cannot be read"
    try:
        return True, tomllib.loads(text).get(SECRET_NAME), None
    except tomllib.TOMLDecodeError as error:
        return True, None, _parse_error_words(error)


def password_setting(files: list[str] | None = None, environ: Mapping[str, str] | None = None) -> PasswordSetting:
    """The training password from the secrets files (as Streamlit reads them) or the environment, or why it is unreadable."""
    environ = os.environ if environ is None else environ
    secret, secret_file = None, None
    for name in secret_files() if files is None else files:
        path = Path(name)
        exists, value, problem = _secret_in(path)
        if problem:
            return PasswordSetting(None, f"The training password in {_shown_name(path)} cannot be read: {problem}; {FIX}")
        if exists and value is not None:
            secret, secret_file = value, path
    if secret_file is not None:
        if not isinstance(secret, str) or not secret:
            what = "it is empty" if secret == "" else "it is not text"
            return PasswordSetting(None, f"The training password in {_shown_name(secret_file)} cannot be read: {what}; {FIX}")
        return PasswordSetting(secret)
    return PasswordSetting(environ.get(ENV_VARIABLE) or None)


class WrongGuesses:
    """Wrong passwords from every session of this server: after FREE_TRIES, each try waits 1, 2, 4 ... s, up to 30 s.

    The clock is a parameter so that tests move it instead of sleeping.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._next_try_at = -math.inf

    def wait_s(self) -> float:
        """Seconds until the next try is heard; 0 when it may come now."""
        with self._lock:
            return max(0.0, self._next_try_at - self._clock())

    def check(self, typed: str, password: str) -> bool | float:
        """True for the right password, False for a wrong one, or the seconds to wait (nothing was checked)."""
        with self._lock:  # one guess at a time for the whole server
            wait = self._next_try_at - self._clock()
            if wait > 0:
                return wait
            if hmac.compare_digest(typed.encode(), password.encode()):
                self._failures, self._next_try_at = 0, -math.inf
                return True
            self._failures += 1
            if self._failures >= FREE_TRIES:
                doublings = min(self._failures - FREE_TRIES, 16)
                self._next_try_at = self._clock() + min(FIRST_WAIT_S * 2**doublings, LONGEST_WAIT_S)
            return False


GUESSES = WrongGuesses()


def too_many_guesses(wait_s: float) -> str:
    return f"Too many wrong passwords: try again in {math.ceil(wait_s)} s."


def unlocked() -> bool:
    """May this browser session start, cancel, delete and change the default?"""
    setting = password_setting()
    if setting.problem:
        return False
    return setting.password is None or st.session_state.get("training_unlocked") == setting.password


WATCH_RUNS = "Set by the teacher. Without it you can watch runs, but not start or change them."


def password_box(why: str = WATCH_RUNS) -> bool:
    """Ask for the password where one is configured; returns whether this session may change things."""
    setting = password_setting()
    if setting.problem:
        st.error(setting.problem)
        return False
    if setting.password is None or unlocked():
        return True
    with st.form("unlock", border=False):
        typed = st.text_input("Training password", type="password", key="typed_password", help=why)
        if st.form_submit_button("Unlock"):
            _try_password(typed, setting.password)
        elif GUESSES.wait_s():
            st.warning(too_many_guesses(GUESSES.wait_s()))
    return False


def _try_password(typed: str, password: str) -> None:
    answer = GUESSES.check(typed, password)
    if answer is True:
        st.session_state.training_unlocked = password
        st.rerun()
    elif answer is False:
        st.error("That is not the training password.")
        if GUESSES.wait_s():
            st.warning(too_many_guesses(GUESSES.wait_s()))
    else:
        st.warning(too_many_guesses(answer))
