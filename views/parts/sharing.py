"""Share with the class: the Read page's form that puts the digit just read on the class wall."""

import streamlit as st

from classroom.nicknames import NICKNAME_LIMIT, NicknameError
from classroom.wall import ShareRefused
from i18n import N_, _
from model.xray import Reading
from views.digit import Digit
from views.parts.class_wall import shared_wall
from views.parts.session import browser_id, device_address

MEANT = [str(d) for d in range(10)]
# The form's words in English, marked and shown translated; the load harness finds the form by them in English.
SHARE_BUTTON, NICKNAME_LABEL = N_("Share with the class"), N_("Nickname (optional)")
MEANT_LABEL = N_("The digit you meant (optional)")
ON_THE_WALL = "on the class wall"  # in both English answers to a share, new or already there
NICKNAME_HELP = N_("Shown under your digit on the class wall, at most {limit} characters. Leave it empty to share without a name.")
MEANT_HELP = N_("The wall counts a digit read as another one as misread.")


def share_form(digit: Digit, reading: Reading) -> None:
    """Only the 28x28 picture, the network's answer and an optional nickname go to the wall; nothing is written to disk."""
    with st.form("share", enter_to_submit=False):
        st.subheader(_(SHARE_BUTTON))
        # No max_chars: the browser would cut a longer name without a word; the wall says what is wrong, and keeps it.
        nickname = st.text_input(_(NICKNAME_LABEL), key="share_nickname", help=_(NICKNAME_HELP).format(limit=NICKNAME_LIMIT))
        meant = None
        if digit.label is None:
            meant = st.pills(_(MEANT_LABEL), MEANT, key="share_meant", help=_(MEANT_HELP))
        # No key: a submit button keeps nothing a language change could lose, and tests find it by its English id.
        shared = st.form_submit_button(_(SHARE_BUTTON), icon=":material/groups:")
    if not shared:
        return
    drawn_as = digit.label if digit.label is not None else (int(meant) if meant is not None else None)
    try:
        on_wall, new = shared_wall().share(
            digit.image, reading, nickname=nickname, drawn_as=drawn_as, sharer=browser_id(), address=device_address()
        )
    except (NicknameError, ShareRefused) as error:
        st.error(str(error))  # in the sharer's language: classroom words it with i18n
        return
    if new:
        st.success(_("Shared: your digit is number {number} on the class wall.").format(number=on_wall.number))
    else:
        st.info(_("This digit is already on the class wall, as number {number}.").format(number=on_wall.number))
