"""Waiting for something to happen, not for a fixed time: a slow machine is slower, never wrong."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_S = 0.1  # how often the condition is asked again


class WaitTimeout(AssertionError):
    """The condition never held; an AssertionError, so that a test reports it as a failure, not an error."""


def wait_until(condition: Callable[[], T], timeout: float, what: str) -> T:
    """Ask `condition()` until it returns something true and return that; WaitTimeout after `timeout` seconds.

    `what` names the awaited thing for the message ("the first epoch", "the server to answer").
    Give generous timeouts: they bound a failure, and a passing run never waits them out.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise WaitTimeout(f"waited {timeout:g} s for {what}")
        time.sleep(POLL_S)
