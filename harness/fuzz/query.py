"""Bad query parameters for the Read page: anyone can type a link's ?sample= or ?present=, or send one."""

import functools
from collections.abc import Callable

from harness.fuzz.case import EITHER, short
from harness.fuzz.mutations import hostile_text, pick


def _sample(rng):
    wanted = hostile_text(rng) if rng.random() < 0.85 else str(int(rng.integers(0, 10_000)))
    return {"sample": wanted}


def _present(rng):
    return {"present": hostile_text(rng)}


def _both(rng):
    return {
        "sample": hostile_text(rng),
        "present": pick(rng, ["true", "1", "yes", hostile_text(rng)]),
        hostile_text(rng)[:40] or "x": "y",
    }


def _query_case(rng, build: Callable):
    query = build(rng)
    return f"?{short(repr(query), 100)}", lambda folder: query, EITHER


def families() -> list[Callable]:
    """The makers of query cases, rng -> (what, make, expect), in the order cases() takes them round."""
    return [functools.partial(_query_case, build=build) for build in (_sample, _sample, _sample, _present, _both)]
