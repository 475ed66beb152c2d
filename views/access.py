"""The training password: if one is configured, changing anything on the Train page needs it; watching never does.

Set it in `.streamlit/secrets.toml` as `training_password = "..."` or in the
environment as ROW_READER_TRAINING_PASSWORD. Without one, everything is open,
as on a personal laptop.
"""

import hmac
import os

import streamlit as st

ENV_VARIABLE = "ROW_READER_TRAINING_PASSWORD"
SECRET_NAME = "training_password"


def configured_password() -> str | None:
    try:
        secret = st.secrets.get(SECRET_NAME)
    except Exception:  # no secrets file, or one that does not parse: fall back to the environment
        secret = None
    return str(secret or os.environ.get(ENV_VARIABLE) or "") or None


def unlocked() -> bool:
    """May this browser session start, cancel, delete and change the default?"""
    password = configured_password()
    return password is None or st.session_state.get("training_unlocked") == password


def password_box() -> bool:
    """Ask for the password where one is configured; returns whether this session may change things."""
    password = configured_password()
    if password is None or unlocked():
        return True
    with st.form("unlock", border=False):
        typed = st.text_input("Training password", type="password", key="typed_password",
                              help="Set by the teacher. Without it you can watch runs, but not start or change them.")  # fmt: skip
        if st.form_submit_button("Unlock"):
            if hmac.compare_digest(typed.encode(), password.encode()):
                st.session_state.training_unlocked = password
                st.rerun()
            st.error("That is not the training password.")
    return False
