"""How the served app talks to browsers (issue 16): every connection sends at once.

Streamlit binds its listening socket itself with proto 0, and asyncio turns Nagle's algorithm off
only on connections from a proto-IPPROTO_TCP listener; with Nagle on, a rerun's later messages
waited 40 ms for the browser's delayed ACK of its first. kpi.ui.transport fixes the check, and
dashboard.py installs it when `streamlit run` imports it, before the server accepts anyone.
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import sys
from pathlib import Path

import pytest

from kpi.ui import transport

ROOT = Path(__file__).resolve().parents[1]


def _listener() -> socket.socket:
    """The listening socket as Streamlit's starlette server binds it (`_bind_socket`)."""
    try:
        from streamlit.web.server.starlette.starlette_server import _bind_socket
    except ImportError:  # another Streamlit: the same call it makes
        sock = socket.socket(family=socket.AF_INET)
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        return sock
    return _bind_socket("127.0.0.1", 0, 8)


def _accepted_nodelay() -> tuple[int, int]:
    """(the listener's proto, TCP_NODELAY of the connection an asyncio server accepted on it)."""
    listener = _listener()
    seen: asyncio.Future[int]

    class Protocol(asyncio.Protocol):
        def connection_made(self, tr: asyncio.BaseTransport) -> None:
            sock = tr.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            tr.close()

    async def main() -> int:
        nonlocal seen
        seen = asyncio.get_running_loop().create_future()
        server = await asyncio.get_running_loop().create_server(Protocol, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
            server.close()

    try:
        return listener.proto, asyncio.run(main())
    finally:
        listener.close()


@pytest.fixture
def restore_asyncio():
    import asyncio.base_events as base_events

    before = base_events._set_nodelay
    yield
    base_events._set_nodelay = before


@pytest.mark.usefixtures("restore_asyncio")
def test_importing_the_dashboard_as_streamlit_run_does_makes_accepted_connections_send_at_once() -> None:
    import asyncio.base_events as base_events

    base_events._set_nodelay = transport._original  # as in a fresh server process
    proto, nodelay = _accepted_nodelay()
    assert proto == 0  # Streamlit's listener: the case asyncio's own check leaves out
    assert nodelay == 0  # Nagle on: what the app served before (40 ms stalls)

    spec = importlib.util.spec_from_file_location("dashboard", ROOT / "dashboard.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["dashboard"] = module
    try:
        spec.loader.exec_module(module)  # `streamlit run` imports it to find `app`
    finally:
        sys.modules.pop("dashboard", None)
    assert transport.installed()
    assert _accepted_nodelay()[1] != 0


@pytest.mark.usefixtures("restore_asyncio")
def test_the_fix_leaves_other_sockets_to_asyncio() -> None:
    transport.install()
    unix_a, unix_b = socket.socketpair(socket.AF_UNIX)
    try:
        transport._set_nodelay(unix_a)  # no TCP option on a Unix socket: nothing set, no error
    finally:
        unix_a.close()
        unix_b.close()
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        transport._set_nodelay(tcp)
        assert tcp.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        tcp.close()
