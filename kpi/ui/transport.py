"""The server's TCP connections send at once (TCP_NODELAY), as asyncio means them to.

asyncio turns Nagle's algorithm off on every TCP connection it accepts, but only when the
listening socket was made with proto IPPROTO_TCP (`asyncio.base_events._set_nodelay`). Streamlit
1.5x+ binds its own listening socket with `socket.socket(family=...)`, whose proto is 0, so every
connection it serves keeps Nagle on. A rerun sends the browser a first message and then the rest;
the rest waits for the browser's ACK of the first, which Linux delays by 40 ms. Measured here
with a websocket client on a page that is only a title: 44 ms per rerun, 4 ms once the ACK comes
at once (benchmarks/README in the closing note of issue 16).

`install()` makes asyncio's check accept proto 0 too (for SOCK_STREAM on AF_INET/AF_INET6, 0
means TCP). It must run before the server accepts its first connection: `streamlit run` imports
dashboard.py (to find `app`) before it starts serving, and dashboard.py calls it there. It changes
nothing for a socket asyncio already handles, nor for a Unix socket.
"""

from __future__ import annotations

import asyncio.base_events as base_events
import socket
from typing import Any

_original = base_events._set_nodelay


def _set_nodelay(sock: Any) -> None:
    if (
        sock.family in {socket.AF_INET, socket.AF_INET6}
        and sock.type == socket.SOCK_STREAM
        and sock.proto in {0, socket.IPPROTO_TCP}
    ):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    else:
        _original(sock)


def install() -> None:
    """Make every TCP connection this process's event loops accept send without delay."""
    base_events._set_nodelay = _set_nodelay


def installed() -> bool:
    return base_events._set_nodelay is _set_nodelay
