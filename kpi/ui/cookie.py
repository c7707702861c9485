"""The browser's binding to its server-side session: an HttpOnly cookie, set by an HTTP route.

A Streamlit script talks to the browser over a websocket, which cannot set a cookie, and
`st.context.cookies` only reads them; the cookie components on PyPI (extra-streamlit-components'
CookieManager, streamlit-cookies-controller, streamlit-cookies-manager) write `document.cookie`
from JavaScript, so their cookies can never be HttpOnly: any script on the page could read the
session. Streamlit's own st.login keeps its identity in an HttpOnly cookie that an HTTP route sets,
after a redirect the script sends; this module does the same for the local accounts:

1. `streamlit run dashboard.py` finds `app = st.App(...)` in dashboard.py (Streamlit's ASGI app,
   1.5x+) and serves it, with `routes()` added: one GET route, /_kpi/session.
2. After a correct password the script opens the session row (kpi.access.sessions), keeps the
   signed cookie value here under a one-time code (60 s, this process's memory, never the
   database), and sends the browser to /_kpi/session?code=... with the redirect message st.login
   uses (`redirect`).
3. The route answers 303 to the page asked for, with `Set-Cookie: kpi_session=<token>.<HMAC>;
   HttpOnly; SameSite=Strict; Path=/; Max-Age=<KPI_SESSION_MAX_HOURS>` (Secure behind HTTPS).
4. Every later page load, reload or tab sends the cookie with its websocket handshake, where
   `st.context.cookies` reads it (kpi.ui.signin.current_user).

The code only works in the browser that signed in: it is bound to that browser's Streamlit XSRF
cookie, so a link with someone else's code (a sign-in forced on a victim) sets nothing. Where the
route is not mounted (AppTest, a server started some other way), `mounted()` is False and the
session lives in the tab's session state only, as before.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

COOKIE = "kpi_session"
PATH = "/_kpi/session"
HANDOFF_SECONDS = 60.0
XSRF_COOKIE = "_streamlit_xsrf"

_mounted = False
_lock = threading.Lock()


@dataclass(frozen=True)
class _Handoff:
    value: str  # the signed cookie value
    max_age: int  # seconds
    next_url: str
    binding: str | None
    expires: float  # time.monotonic()


_pending: dict[str, _Handoff] = {}  # sha256(code) -> handoff


def _base() -> str:
    from streamlit import config

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def routes() -> list[Any]:
    """The route for st.App (dashboard.py); from then on the sign-in sets the cookie."""
    from starlette.routing import Route

    global _mounted
    _mounted = True
    return [Route(_base() + PATH, _bind, methods=["GET"])]


def mounted() -> bool:
    return _mounted


def safe_next(url: str) -> str:
    """Only a path on this server (no scheme, no host, no `//` or `\\` trick): else the start page."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url or any(c < " " for c in url):
        return _base() + "/"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme or parts.netloc:
        return _base() + "/"
    return url


def hand_off(value: str, *, max_age: int, next_url: str, binding: str | None) -> str:
    """Keep a signed cookie value for the route; returns the one-time code that fetches it."""
    code = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        for k in [k for k, h in _pending.items() if h.expires < now]:
            del _pending[k]
        _pending[_digest(code)] = _Handoff(
            value, max_age, safe_next(next_url), binding, now + HANDOFF_SECONDS
        )
    return code


def bind_url(code: str) -> str:
    return f"{_base()}{PATH}?{urllib.parse.urlencode({'code': code})}"


def redirect(url: str) -> None:
    """Send the browser to `url` (a full page load), with the message Streamlit's st.login and
    st.logout send to reach their own routes."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    msg = ForwardMsg()
    msg.auth_redirect.url = url
    ctx.enqueue(msg)


def binding(cookies: Mapping[str, str]) -> str | None:
    """A fingerprint of this browser: the hash of its Streamlit XSRF token (the cookie's value is
    masked afresh on each page load; the token inside stays). None when there is none."""
    value = cookies.get(XSRF_COOKIE)
    if not value:
        return None
    try:
        from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

        token, _ = decode_xsrf_token_string(value)
    except Exception:  # another Streamlit: no binding rather than no sign-in
        return None
    return hashlib.sha256(token).hexdigest() if token else None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def _take(code: str) -> _Handoff | None:
    with _lock:
        handoff = _pending.pop(_digest(code), None)
    if handoff is None or handoff.expires < time.monotonic():
        return None
    return handoff


def _bind(request: Any) -> Any:
    """GET /_kpi/session?code=...: the cookie, then back to the page asked for. A code unknown,
    used, expired or from another browser sets nothing and leads to the start page."""
    from starlette.responses import RedirectResponse

    handoff = _take(str(request.query_params.get("code", ""))[:100])
    if handoff is None or (handoff.binding is not None and handoff.binding != binding(request.cookies)):
        return RedirectResponse(_base() + "/", status_code=303)
    response = RedirectResponse(handoff.next_url, status_code=303)
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(
        COOKIE,
        handoff.value,
        max_age=handoff.max_age,
        path=_base() or "/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
