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
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from i18n import N_, _
from views.parts.session import browser_id, device_address

ENV_VARIABLE = "ROW_READER_TRAINING_PASSWORD"
SECRET_NAME = "training_password"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Wrong passwords (see WrongGuesses): a browser session's first few are free, then each of its tries waits twice as long
# as the last; past a cap on the whole server's wrong passwords a minute, addresses that sent some wait for the minute.
FREE_TRIES = 3
FIRST_WAIT_S = 1.0
LONGEST_WAIT_S = 30.0
WINDOW_S = 60.0
WRONG_A_MINUTE = 20  # the server-wide cap: wrong passwords heard in WINDOW_S before addresses that sent them must wait
FORGET_S = 600.0  # a session's slow-down is forgotten this long after its last wrong password


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
    return _("the file is not valid TOML (line {line})").format(line=line.group(1)) if line else _("the file is not valid TOML")


def _secret_in(path: Path) -> tuple[bool, object, str | None]:
    """(whether the file exists, its training_password or None, why it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False, None, None
    except (OSError, UnicodeDecodeError):
        return True, None, _("the file cannot be read")
    try:
        return True, tomllib.loads(text).get(SECRET_NAME), None
    except tomllib.TOMLDecodeError as error:
        return True, None, _parse_error_words(error)


def _unreadable(path: Path, reason: str) -> str:
    """Why training is locked, and how to unlock it."""
    return _(
        'The training password in {file} cannot be read: {reason}; put it in quotes, like {setting} = "...". Until then training is locked.'
    ).format(file=_shown_name(path), reason=reason, setting=SECRET_NAME)


def password_setting(files: list[str] | None = None, environ: Mapping[str, str] | None = None) -> PasswordSetting:
    """The training password from the secrets files (as Streamlit reads them) or the environment, or why it is unreadable."""
    environ = os.environ if environ is None else environ
    secret, secret_file = None, None
    for name in secret_files() if files is None else files:
        path = Path(name)
        exists, value, problem = _secret_in(path)
        if problem:
            return PasswordSetting(None, _unreadable(path, problem))
        if exists and value is not None:
            secret, secret_file = value, path
    if secret_file is not None:
        if not isinstance(secret, str) or not secret:
            what = _("it is empty") if secret == "" else _("it is not text")
            return PasswordSetting(None, _unreadable(secret_file, what))
        return PasswordSetting(secret)
    return PasswordSetting(environ.get(ENV_VARIABLE) or None)


@dataclass
class _Slowed:
    """One browser session's wrong passwords: how many since its last right one, and when it may try again."""

    failures: int = 0
    next_try_at: float = -math.inf
    last_wrong_at: float = -math.inf


class WrongGuesses:
    """Slows down guessing the password without locking out the teacher, who knows it.

    Why this design. Issue 28 (item 2): the slow-down was one for the whole server and, while it waited, not even
    the right password was checked, so one student sending a wrong password every second kept the teacher out.
    Checking the right password always would not do either: whoever guesses learns from "accepted" at any pace,
    so the slow-down must hold back *checks*, not just the verdicts on wrong ones. Whose checks, then?

    - Per browser (session.browser_id: every tab of one browser, or one session where there is no cookie): after
      FREE_TRIES wrong passwords it waits 1, 2, 4 ... up to 30 s before any of its tries is checked, the right one
      too (else the waits would not slow it). A student flooding from one browser gets about 8 guesses in the first
      minute and 2 a minute after; every other browser is untouched.
    - Server-wide: a script that sends no cookie is a fresh browser on every connection, so browsers alone would
      let it multiply its guesses. So the whole server hears at most WRONG_A_MINUTE wrong passwords in WINDOW_S;
      past that, a try is checked only from an *address* (the connection's IP) that sent no wrong password in
      the window. Fresh sessions cannot tell the teacher from the guesser, and an address can: a student's device
      has one, and making fresh sessions does not change it. A teacher at another device, or at the server's own
      computer, is checked at once; a guesser's fresh sessions share their address and wait with it. With many
      devices guessing together, each new device gets one more guess a minute past the cap.

    What it gives up: a teacher who mistypes while the cap is full waits out the minute (their address then sent a
    wrong password); behind a proxy, where every connection has the proxy's address, a flood of fresh sessions can
    make the teacher wait up to a minute too. Nothing here grows without end: wrong passwords are kept for the
    window, and a session's slow-down for FORGET_S after its last one. The clock is a parameter so that tests
    move it instead of sleeping.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, _Slowed] = {}
        self._recent: deque[tuple[float, str | None]] = deque()  # (when, address) of each wrong password in the window

    def wait_s(self, session: str, address: str | None) -> float:
        """Seconds until this session's next try is checked; 0 when it may come now."""
        with self._lock:
            return self._wait(session, address, self._clock())

    def check(self, typed: str, password: str, *, session: str, address: str | None) -> bool | float:
        """True for the right password, False for a wrong one, or the seconds to wait (nothing was checked)."""
        with self._lock:
            now = self._clock()
            wait = self._wait(session, address, now)
            if wait > 0:
                return wait
            if hmac.compare_digest(typed.encode(), password.encode()):
                self._sessions.pop(session, None)
                return True
            self._recent.append((now, address))
            slowed = self._sessions.setdefault(session, _Slowed())
            slowed.failures += 1
            slowed.last_wrong_at = now
            if slowed.failures >= FREE_TRIES:
                doublings = min(slowed.failures - FREE_TRIES, 16)
                slowed.next_try_at = now + min(FIRST_WAIT_S * 2**doublings, LONGEST_WAIT_S)
            return False

    def _wait(self, session: str, address: str | None, now: float) -> float:
        self._forget(now)
        slowed = self._sessions.get(session)
        own = slowed.next_try_at - now if slowed is not None else 0.0
        return max(0.0, own, self._cap_wait(address, now))

    def _cap_wait(self, address: str | None, now: float) -> float:
        """While the window holds the cap, an address that sent a wrong password in it waits until the window holds
        fewer, or its own last one leaves the window, whichever comes first."""
        if len(self._recent) < WRONG_A_MINUTE:
            return 0.0
        from_here = [when for when, where in self._recent if where == address]
        if not from_here:
            return 0.0
        below_cap_at = self._recent[len(self._recent) - WRONG_A_MINUTE][0] + WINDOW_S
        return max(0.0, min(below_cap_at, from_here[-1] + WINDOW_S) - now)

    def _forget(self, now: float) -> None:
        while self._recent and self._recent[0][0] <= now - WINDOW_S:
            self._recent.popleft()
        for session in [key for key, slowed in self._sessions.items() if slowed.last_wrong_at <= now - FORGET_S]:
            del self._sessions[session]


GUESSES = WrongGuesses()


def too_many_guesses(wait_s: float) -> str:
    return _("Too many wrong passwords: try again in {seconds} s.").format(seconds=math.ceil(wait_s))


def unlocked() -> bool:
    """May this browser session start, cancel, delete and change the default?"""
    setting = password_setting()
    if setting.problem:
        return False
    return setting.password is None or st.session_state.get("training_unlocked") == setting.password


WATCH_RUNS = N_("Set by the teacher. Without it you can watch runs, but not start or change them.")


def password_box(why: str = WATCH_RUNS) -> bool:
    """Ask for the password where one is configured; returns whether this session may change things. `why` is the
    password's help, in English (marked N_ where kept), translated here."""
    setting = password_setting()
    if setting.problem:
        st.error(setting.problem)
        return False
    if setting.password is None or unlocked():
        return True
    session, address = browser_id(), device_address()  # None: the server's own computer
    with st.form("unlock", border=False):
        typed = st.text_input(_("Training password"), type="password", key="typed_password", help=_(why))
        if st.form_submit_button(_("Unlock"), key="unlock_button"):
            _try_password(typed, setting.password, session, address)
        elif wait := GUESSES.wait_s(session, address):
            st.warning(too_many_guesses(wait))
    return False


def _try_password(typed: str, password: str, session: str, address: str | None) -> None:
    answer = GUESSES.check(typed, password, session=session, address=address)
    if answer is True:
        st.session_state.training_unlocked = password
        st.rerun()
    elif answer is False:
        st.error(_("That is not the training password."))
        if wait := GUESSES.wait_s(session, address):
            st.warning(too_many_guesses(wait))
    else:
        st.warning(too_many_guesses(answer))
