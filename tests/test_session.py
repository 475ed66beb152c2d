"""Which browser and which device a session is (views/parts/session.py): what the wall's and the password's limits
count by."""

from types import SimpleNamespace

import pytest

pytest.importorskip("streamlit")
from views.parts import session  # noqa: E402


def _context(monkeypatch, **context) -> None:
    monkeypatch.setattr(session.st, "context", SimpleNamespace(**context))


@pytest.mark.parametrize(
    ("seen", "device"),
    [
        ("10.0.0.7", "10.0.0.7"),
        ("::ffff:10.0.0.7", "10.0.0.7"),  # a dual-stack server's view of an IPv4 device
        ("fe80::1", "fe80::1"),
        ("127.0.0.1", None),  # the server's own computer is no student's device
        ("::ffff:127.0.0.1", None),  # as Streamlit reports it on a dual-stack machine (seen in the wall's browser test)
        ("::1", None),
        ("127.0.0.2", "127.0.0.2"),  # chosen on purpose, as the benchmarks do to stand for another device
        (None, None),
        ("not an address", None),
    ],
)
def test_a_device_is_its_network_address_and_the_server_itself_is_none(monkeypatch, seen, device):
    _context(monkeypatch, ip_address=seen)
    assert session.device_address() == device


def test_every_tab_of_one_browser_is_one_browser_and_a_browser_without_the_cookie_is_its_session(monkeypatch):
    token, masks = bytes(range(32)), [bytes([1, 2, 3, 4]), bytes([9, 8, 7, 6])]
    cookies = ["2|" + mask.hex() + "|" + bytes(b ^ mask[i % 4] for i, b in enumerate(token)).hex() + "|1700000000" for mask in masks]
    names = []
    for cookie in [*cookies, cookies[0].replace("|", "%7C")]:  # masked afresh on each page load; URL-encoded or not
        monkeypatch.setattr(session.st, "session_state", {})
        _context(monkeypatch, cookies={session.XSRF_COOKIE: cookie})
        names.append(session.browser_id())
    assert len(set(names)) == 1 and token.hex() not in names[0]  # the same name, and not the token itself
    monkeypatch.setattr(session.st, "session_state", {})
    _context(monkeypatch, cookies={})
    assert session.browser_id() not in names
