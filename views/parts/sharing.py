"""Share with the class: the Read page's form that puts the digit just read on the class wall."""

import streamlit as st

from classroom.nicknames import NICKNAME_LIMIT, NicknameError
from classroom.wall import ShareRefused
from model.xray import Reading
from views.digit import Digit
from views.parts.class_wall import shared_wall
from views.parts.session import browser_id, device_address

MEANT = [str(d) for d in range(10)]
SHARE_BUTTON, NICKNAME_LABEL, MEANT_LABEL = "Share with the class", "Nickname (optional)", "The digit you meant (optional)"
ON_THE_WALL = "on the class wall"  # in both answers to a share, new or already there
NICKNAME_HELP = f"Shown under your digit on the class wall, at most {NICKNAME_LIMIT} characters. Leave it empty to share without a name."
MEANT_HELP = "The wall counts a digit read as another one as misread."


def share_form(digit: Digit, reading: Reading) -> None:
    """Only the 28x28 picture, the network's answer and an optional nickname go to the wall; nothing is written to disk."""
    with st.form("share", enter_to_submit=False):
        st.subheader(SHARE_BUTTON)
        # No max_chars: the browser would cut a longer name without a word; the wall says what is wrong, and keeps it.
        nickname = st.text_input(NICKNAME_LABEL, key="share_nickname", help=NICKNAME_HELP)
        meant = None
        if digit.label is None:
            meant = st.pills(MEANT_LABEL, MEANT, key="share_meant", help=MEANT_HELP)
        shared = st.form_submit_button(SHARE_BUTTON, icon=":material/groups:")
    if not shared:
        return
    drawn_as = digit.label if digit.label is not None else (int(meant) if meant is not None else None)
    try:
        on_wall, new = shared_wall().share(
            digit.image, reading, nickname=nickname, drawn_as=drawn_as, sharer=browser_id(), address=device_address()
        )
    except (NicknameError, ShareRefused) as error:
        st.error(str(error))
        return
    if new:
        st.success(f"Shared: your digit is number {on_wall.number} {ON_THE_WALL}.")
    else:
        st.info(f"This digit is already {ON_THE_WALL}, as number {on_wall.number}.")
