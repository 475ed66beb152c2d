"""Timing a call in-process, for the benchmarks that time parts of the code rather than whole commands."""

import time
from collections.abc import Callable


def timed(call: Callable[[], object], repeats: int, warm_up: bool = False) -> list[float]:
    """Seconds each of `repeats` calls took; with warm_up, one untimed call first (allocations, caches)."""
    if warm_up:
        call()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds
