"""What a browser session carries from page to page: the digits it read last, test digits it picked to read, and the
model it chose to read with.

All of it lives in st.session_state under the keys named here, and stays small:
a few 28x28 images and an id, so that a class of thirty costs the server little.
"""

import hashlib
import ipaddress
import urllib.parse
import uuid

import streamlit as st

from model.samples import Sample
from training.registry import SHIPPED_CELLS
from views.digit import SAMPLES, Digit

RECENT_KEY = "recent_digits"  # the last digits read on the Read page, newest first, for the Look inside page
PICKED_KEY = "picked_test_digits"  # test digits chosen on the Look inside page, to read on the Read page
MODEL_KEY = "model_id"  # the model this browser reads with, if it chose one (on the Train page, or a shipped one on Read)
TRAINED_KEY = "trained_model_id"  # the last run's model it chose, still offered by the Read page's switch after another
SOURCE_KEY, SAMPLE_KEY = "source", "sample"  # the Read page's widgets for where the digit comes from, set from Look inside too
KEEP_RECENT, KEEP_PICKED = 2, 12
BROWSER_KEY = "browser_id"
# A browser on the server's own computer comes from these. (Other loopback addresses, 127.0.0.2 ..., are only ever
# chosen on purpose: the benchmarks use them to stand for students' devices.)
THE_SERVER_ITSELF = ("127.0.0.1", "::1")
XSRF_COOKIE = "_streamlit_xsrf"  # Streamlit's own, set once per browser: every tab of it sends the same token


def remember(digit: Digit) -> None:
    """Keep the digit just read for the Look inside page; a drawing that grew by a stroke replaces its earlier self."""
    recent = [d for d in st.session_state.get(RECENT_KEY, []) if d.origin != digit.origin]
    st.session_state[RECENT_KEY] = [Digit(digit.image, None, digit.label, digit.name, digit.origin), *recent][:KEEP_RECENT]


def recent_digits() -> list[Digit]:
    return st.session_state.get(RECENT_KEY, [])


def read_on_read_page(sample: Sample) -> None:
    """Open the Read page on a test digit from the model report (it joins this session's gallery)."""
    picked = {index: s for index, s in st.session_state.get(PICKED_KEY, {}).items() if index != sample.index}
    st.session_state[PICKED_KEY] = dict(list({sample.index: sample, **picked}.items())[:KEEP_PICKED])
    st.session_state[SAMPLE_KEY] = sample.index
    st.session_state[SOURCE_KEY] = SAMPLES
    st.switch_page("views/pages/read.py")


def picked_samples() -> dict[int, Sample]:
    return st.session_state.get(PICKED_KEY, {})


def chosen_model_id() -> str | None:
    return st.session_state.get(MODEL_KEY)


def choose_model(model_id: str) -> None:
    """This browser's reader, never the server's default."""
    st.session_state[MODEL_KEY] = model_id
    if model_id not in SHIPPED_CELLS:
        st.session_state[TRAINED_KEY] = model_id


def trained_model_id() -> str | None:
    """The run's model this browser chose last, whichever model reads now."""
    return st.session_state.get(TRAINED_KEY)


def forget_model_choice() -> None:
    """Back to the server's default; a run's model gone from the choice is gone from the switch too."""
    chosen = st.session_state.pop(MODEL_KEY, None)
    if chosen is not None and st.session_state.get(TRAINED_KEY) == chosen:
        st.session_state.pop(TRAINED_KEY)


def browser_id() -> str:
    """A name for this browser, the same in each of its tabs while it keeps Streamlit's XSRF cookie, so that a fresh
    tab is not a fresh student to the class wall's limits; this session's own random name where there is no cookie.
    Only a hash of the token is kept."""
    if BROWSER_KEY not in st.session_state:
        token = _xsrf_token(st.context.cookies.get(XSRF_COOKIE))
        st.session_state[BROWSER_KEY] = hashlib.blake2b(token, digest_size=12).hexdigest() if token else uuid.uuid4().hex
    return st.session_state[BROWSER_KEY]


def _xsrf_token(cookie: str | None) -> bytes | None:
    """The token in the XSRF cookie, unmasked: the cookie is "2|mask|masked token|time", masked afresh on each page
    load, so only the token itself is the same from one tab to the next."""
    if not isinstance(cookie, str) or not cookie:  # no cookie (XSRF protection off), or no browser at all (AppTest)
        return None
    version, mask, masked, *_ = [*urllib.parse.unquote(cookie).split("|"), "", "", ""]
    try:
        mask_bytes, masked_bytes = bytes.fromhex(mask), bytes.fromhex(masked)
    except ValueError:
        return cookie.encode()
    if version != "2" or not mask_bytes or not masked_bytes:
        return cookie.encode()
    return bytes(byte ^ mask_bytes[i % len(mask_bytes)] for i, byte in enumerate(masked_bytes))


def device_address() -> str | None:
    """The network address of the device this browser is on, as the server's socket has it; None for the server's own
    computer (the teacher's laptop, and any class simulated on it), in AppTest, or where none is known."""
    try:
        address = ipaddress.ip_address(st.context.ip_address)
    except ValueError:  # None, or not an address
        return None
    address = getattr(address, "ipv4_mapped", None) or address  # a dual-stack server sees ::ffff:127.0.0.1
    return None if str(address) in THE_SERVER_ITSELF else str(address)
