"""The join card: the address students open, large, and its QR code, for the teacher to project or read out."""

import html

import streamlit as st

import i18n
from classroom.join import JoinAddress, join_address, lan_address, qr_png
from i18n import _
from views.parts.language import ADDRESS_KEY

CARD_CSS = """<style>
.rr-join-address { font-family: "Source Code Pro", ui-monospace, monospace; font-size: 2rem; font-weight: 700;
  overflow-wrap: anywhere; margin: 0; line-height: 1.3; }
@media (max-width: 640px) { .rr-join-address { font-size: 1.35rem; } }  /* a phone: the address on one line */
[class*="st-key-join-"] [data-testid="stImage"] img { image-rendering: pixelated; }
</style>"""
QR_WIDTH = 300  # pixels: a phone's camera reads it from the back of a classroom off a projector


@st.cache_data(ttl=60, show_spinner=False)
def this_servers_address() -> JoinAddress:
    """Where students reach this server: from where Streamlit listens, looked up again a minute later at most
    (a laptop may change networks during a day)."""
    return join_address(
        st.get_option("server.address"),
        st.get_option("server.port"),
        st.get_option("server.baseUrlPath"),
        lan_address(),
        https=bool(st.get_option("server.sslCertFile")),
    )


def in_language(url: str, language: str) -> str:
    """The address that opens the app in `language`: with ?lang= where it is not English, so that a class joins in
    the teacher's language (views/parts/language.py reads it)."""
    return url if language == i18n.DEFAULT else f"{url}?{ADDRESS_KEY}={language}"


def card(key: str = "join-card") -> None:
    """The address in big type beside its QR code; or why students cannot join yet, and what to do."""
    address = this_servers_address()
    with st.container(key=key):
        if address.url is None:
            st.warning(_(address.problem))
            return
        url = in_language(address.url, i18n.current())
        st.html(CARD_CSS)
        code, words = st.columns([2, 3], gap="medium", vertical_alignment="center")  # one above the other on a phone
        code.image(qr_png(url), width=QR_WIDTH, alt=_("QR code of the address {address}").format(address=url))
        words.markdown(_("On your phone or tablet, open this address, or scan the code with the camera:"))
        words.html(f'<p class="rr-join-address">{html.escape(url)}</p>')
        words.caption(_("On the same Wi-Fi as this computer. If the page does not open, its firewall may block the port."))


OPEN_KEY = "join_open"  # the card stays open over whatever reruns the page meanwhile, until it is closed


def _close() -> None:
    st.session_state.pop(OPEN_KEY, None)


def join_button() -> None:
    """Join: the card, over the page, one click from anywhere in presenter mode."""
    st.button(
        _("Join"), icon=":material/qr_code_2:", key="join", help=_("The address and QR code students open"),
        on_click=lambda: st.session_state.update({OPEN_KEY: True}),
    )  # fmt: skip
    if st.session_state.get(OPEN_KEY):
        st.dialog(_("Join the class"), width="large", on_dismiss=_close)(card)("join-dialog")
