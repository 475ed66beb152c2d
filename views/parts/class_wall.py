"""The one class wall of this server (classroom/wall.py), in its memory, shared by every session."""

import streamlit as st

from classroom.wall import ClassWall


@st.cache_resource
def shared_wall() -> ClassWall:
    return ClassWall()
