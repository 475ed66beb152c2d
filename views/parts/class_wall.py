"""The one class wall of this server (classroom/wall.py), in its memory, shared by every session.

ROW_READER_SHARE_GAP_S sets the seconds between two shares from one browser (SHARE_GAP_S by default): a teacher
who trusts the class may lower it, and the tests that fill a wall from a few simulated students set it to 0.
"""

import os

import streamlit as st

from classroom.wall import SHARE_GAP_S, ClassWall

SHARE_GAP_ENV = "ROW_READER_SHARE_GAP_S"


def share_gap_s() -> float:
    """The gap set in the environment, if it is a number of seconds from 0 to an hour; else the default."""
    try:
        gap = float(os.environ.get(SHARE_GAP_ENV, SHARE_GAP_S))
    except ValueError:
        return SHARE_GAP_S
    return gap if 0 <= gap <= 3600 else SHARE_GAP_S


@st.cache_resource
def shared_wall() -> ClassWall:
    return ClassWall(share_gap_s=share_gap_s())
