"""How students reach this server: the address to give them, worked out from where the server listens, and its QR code.

Pure apart from `lan_address`, which asks the operating system which interface leads out.
"""

import io
import ipaddress
import socket
from dataclasses import dataclass

import segno

from i18n import N_

WILDCARDS = {"", "0.0.0.0", "::"}  # noqa: S104  # Streamlit listens on every interface when server.address is unset or one of these
LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


@dataclass(frozen=True)
class JoinAddress:
    url: str | None  # what students type or scan; None when no student device can reach this server
    problem: str | None = None  # why not, and what the teacher can do: in English, marked; shown through i18n._


def lan_address() -> str | None:
    """This machine's address on the local network (None if it has none).

    Connecting a UDP socket only picks the outgoing interface; no packet is sent.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if _is_loopback(address) else address


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host  # an IPv6 address in a URL


def join_address(listen: str | None, port: int, base_path: str | None, lan: str | None, https: bool = False) -> JoinAddress:
    """The address students open, for a server listening on `listen` (server.address: None for every interface) at
    `port` under `base_path`, on a machine whose local-network address is `lan`."""
    listen = (listen or "").strip()
    if listen.startswith("unix://"):
        return JoinAddress(None, N_("This server listens on a Unix socket, so students' devices cannot reach it directly."))
    if _is_loopback(listen):
        return JoinAddress(
            None,
            N_(
                "This server listens only on this computer (localhost), so students' devices cannot reach it. "
                "Stop it and start it again with --server.address 0.0.0.0, as the About page shows."
            ),
        )
    host = lan if listen in WILDCARDS else listen
    if not host:
        return JoinAddress(
            None, N_("This computer is not on a network. Connect it to the classroom Wi-Fi, the same one as the students' devices.")
        )
    path = (base_path or "").strip("/")
    return JoinAddress(f"{'https' if https else 'http'}://{_host(host)}:{port}/{path + '/' if path else ''}")


def qr_png(url: str, scale: int = 10) -> bytes:
    """The address as a QR code, black on white with the standard quiet zone, as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return buffer.getvalue()
