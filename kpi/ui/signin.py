"""Sign-in, the guard every page runs first, and sign-out (kpi.access does the work; this draws it).

A sign-in opens a session row in the database (kpi.access.sessions) and binds the browser to it
with an HttpOnly cookie (kpi.ui.cookie), so a reload or a second tab stays signed in until
sign-out, expiry or a change to the account. Every script run checks the session: this tab's
(session state) or, on a fresh page load, the cookie's; the row and the account are read through
a cache keyed on the database's write stamp, so the check costs no connection while nothing
changes, and a sign-out in another tab or a `kpi user disable` from a shell applies at the next
click or reload. The last page run is kept in memory and written to the row every few minutes
(each write changes the stamp that every cache is keyed on).

A page that needs a permission (upload, admin) checks it after the sign-in: a signed-in user
without it sees a plain "not allowed" notice and nothing of the page.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import urllib.parse
from collections.abc import Sequence
from dataclasses import replace

import duckdb
import streamlit as st

from kpi.access import accounts, sessions
from kpi.model import roles, settings
from kpi.model.errors import KpiError
from kpi.model.roles import Permission, Viewer
from kpi.store import connection
from kpi.ui import cookie, signin

log = logging.getLogger("kpi.ui.signin")

SESSION = "kpi_session"  # sessions.Session of this tab
USER = "kpi_user"  # the auth.User checked in this script run
NOTICE = "kpi_auth_notice"  # why the last session ended (shown on the sign-in form)
DEAD_COOKIE = "kpi_dead_cookie"  # the hash of this browser's cookie once found ended, not read again
NEXT = "kpi_next"  # the page (URL path, query) asked for before the sign-in, opened after it


class NotSignedIn(KpiError):
    """A cached read asked for without a signed-in user (never reached past the guard)."""

    key = "not_signed_in"

    def message(self, lang: str = "zh") -> str:
        return "请先登录" if lang == "zh" else "please sign in first"


def _t(key: str, **params: object) -> str:
    from kpi.ui import lang as ui_lang

    return ui_lang.t(key, **params)


def _lang() -> str:
    from kpi.ui import lang as ui_lang

    return ui_lang.lang()


# ---------------------------------------------------------------- the check on every run


def _account(username: str) -> accounts.User | None:
    from kpi.ui import data, warm

    return warm.cached(data.data_version(), "account", (username,))


def current_user() -> accounts.User | None:
    """The signed-in user of this tab, checked now; None when there is none (an expired or
    revoked session is dropped, with a notice for the sign-in form)."""
    session: sessions.Session | None = st.session_state.get(SESSION)
    fresh_load = session is None
    if session is None:
        session = _cookie_session()
        if session is None or session.token_hash == st.session_state.get(DEAD_COOKIE):
            st.session_state.pop(USER, None)
            return None
    now = dt.datetime.now()
    if session.token_hash is not None:
        stored = _stored_session(session.token_hash)
        if stored is None or stored.token_hash in _ended_here:  # deleted (a restored backup), or
            # signed out while the database was busy
            stored = replace(session, ended_at=now, ended_reason="unknown")
        seen = _seen.get(stored.token_hash or "")
        session = (
            stored if seen is None or seen <= stored.last_seen_at else replace(stored, last_seen_at=seen)
        )
    state = sessions.session_state(session, now=now)
    user = sessions.session_user(session, _account(session.username), now=now)
    if user is None:
        notice = _ended_notice(state, session.ended_reason, fresh_load)
        if notice:
            st.session_state.setdefault(NOTICE, notice)
        if fresh_load:  # nothing of this tab to drop (and the sign-in form's fields must stay)
            st.session_state[DEAD_COOKIE] = session.token_hash
        else:
            _forget()
        return None
    if session.token_hash is None:
        session = sessions.touch(session, now=now)
    else:
        _seen_now(session, now)
    st.session_state[SESSION] = session
    st.session_state[USER] = user
    return user


def _ended_notice(state: sessions.SessionState, reason: str | None, fresh_load: bool) -> str | None:
    """Why the session ended, for the sign-in form. A page opened afresh on a cookie whose
    session was signed out says nothing (the person knows); an open tab is told."""
    if state is sessions.SessionState.IDLE:
        return _t("auth.expired", minutes=settings.integer("KPI_SESSION_MINUTES"))
    if state is sessions.SessionState.TOO_OLD:
        return _t("auth.too_old", hours=settings.integer("KPI_SESSION_MAX_HOURS"))
    if reason in ("signed_out", "unknown"):
        return None if fresh_load else _t("auth.signed_out")
    return _t("auth.revoked")


# ---------------------------------------------------------------- the session row and the cookie

_seen: dict[str, dt.datetime] = {}  # token hash -> last page run in this process (every tab)
_seen_lock = threading.Lock()
_ended_here: set[str] = set()  # signed out while the database was busy: refused in this process


def _touch_every() -> dt.timedelta:
    """How often the last page run is written to the row: every 5 minutes, or a third of the
    idle limit when that is shorter (a restart then loses at most that much)."""
    return min(dt.timedelta(minutes=5), dt.timedelta(minutes=settings.integer("KPI_SESSION_MINUTES")) / 3)


def _seen_now(session: sessions.Session, now: dt.datetime) -> None:
    assert session.token_hash is not None
    with _seen_lock:
        _seen[session.token_hash] = now
    stored = _stored_session(session.token_hash)
    if stored is not None and now - stored.last_seen_at >= _touch_every():
        try:
            with connection.connect(timeout=2) as con:
                sessions.record_seen(con, session.token_hash, now)
        except (KpiError, duckdb.Error):  # busy: memory has it, the next run tries again
            log.info("last page run of a session not stored: database busy")


def _stored_session(token_hash: str) -> sessions.Session | None:
    from kpi.ui import data

    return _session_row(data.data_version(), token_hash)


@st.cache_data(show_spinner=False, max_entries=512)
def _session_row(version: tuple[str, int, int], token_hash: str) -> sessions.Session | None:
    # `version` (the database file's stamp) is in the key: a sign-out, a disable or a password
    # change anywhere gives a new key, so the check sees it at the next run
    with connection.connect(version[0]) as con:
        return sessions.find_session(con, token_hash)


@functools.lru_cache(maxsize=8)
def _cookie_key(db: str) -> bytes:
    with connection.connect(db) as con:
        return sessions.cookie_key(con)


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # no browser (AppTest, bare mode)
        return {}


def _cookie_session() -> sessions.Session | None:
    """The session named by this browser's cookie, when its signature holds and the token was
    ever issued (ended or not: the caller checks); None for no cookie, a forged or a stale one."""
    value = _cookies().get(cookie.COOKIE)
    if not value:
        return None
    try:
        token = sessions.signed_token(_cookie_key(str(connection.db_path().resolve())), value)
        if token is None:
            return None
        return _stored_session(sessions.token_hash(token))
    except (KpiError, duckdb.Error):
        log.warning("session cookie not checked: database busy")
        return None


def viewer() -> Viewer:
    """The signed-in user as the kpi queries see them; NotSignedIn past a missing guard."""
    user: accounts.User | None = st.session_state.get(USER)
    if user is None:
        raise NotSignedIn()
    return user.viewer


def signed_in_viewer() -> Viewer | None:
    user: accounts.User | None = st.session_state.get(USER)
    return None if user is None else user.viewer


def can(permission: Permission) -> bool:
    """Whether the signed-in user holds `permission` (False when nobody is signed in)."""
    v = signed_in_viewer()
    return v is not None and roles.can(v, permission)


def require(permission: Permission | None = None, *, paths: Sequence[str] = ()) -> accounts.User:
    """The guard: the signed-in user, or the sign-in form (or a refusal) and a stop of the run.

    From dashboard.py, `paths` are the app's page URL paths: signed out, each of them is the
    sign-in form, in a hidden navigation. Without a navigation call Streamlit would list the
    pages/ folder's files in the sidebar; without a page at the URL asked for it would cover the
    form with a "page not found" dialog. The URL stays, so the sign-in lands on that page."""
    user = current_user()
    if user is None:
        _remember_destination()
        if paths:
            title = _t("auth.title")
            # the main page at "/" plus one at each page's own path: a default page answers "/"
            # only, so /overview needs a page of its own too
            forms = [st.Page(functools.partial(sign_in_form), title=title, default=True)]
            forms += [st.Page(functools.partial(sign_in_form), title=title, url_path=path) for path in paths]
            st.navigation(forms, position="hidden").run()
        else:
            sign_in_form()
        st.stop()
    if permission is not None and not roles.can(user.viewer, permission):
        st.error(
            roles.Forbidden(user.viewer, permission=permission).message(_lang()), icon=":material/block:"
        )
        st.stop()
    return user


def _remember_destination() -> None:
    """The URL a signed-out visitor asked for (/regions?region=南湖区): the sign-in run draws no
    navigation, so the browser falls back to the main page; `destination` takes them on after."""
    if NEXT in st.session_state:
        return
    try:
        url = st.context.url or ""
    except Exception:  # no browser (AppTest, bare mode)
        url = ""
    path = url.split("://", 1)[-1].partition("/")[2].strip("/").rsplit("/", 1)[-1]
    st.session_state[NEXT] = (path, {k: st.query_params[k] for k in st.query_params})


def destination() -> tuple[str, dict[str, str]] | None:
    """(URL path, query) asked for before the sign-in, once; None when there was none."""
    return st.session_state.pop(NEXT, None)


def _forget() -> None:
    """Drop the session and everything chosen in it (filters, checks), keep the language."""
    keep = {k: st.session_state[k] for k in ("lang", NOTICE, NEXT) if k in st.session_state}
    for key in list(st.session_state.keys()):
        if key not in keep:
            del st.session_state[key]


# ---------------------------------------------------------------- sign-in form


def sign_in_form() -> None:
    st.title(_t("app_title"))
    st.subheader(_t("auth.title"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(notice, icon=":material/schedule:")
    column = st.columns([2, 3])[0]
    with column.form("sign_in", clear_on_submit=False, enter_to_submit=True):
        name = st.text_input(_t("auth.username"), key="sign_in_user", max_chars=64, autocomplete="username")
        password = st.text_input(
            _t("auth.password"),
            type="password",
            key="sign_in_password",
            max_chars=accounts.PASSWORD_MAX,
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(_t("auth.submit"), type="primary", icon=":material/login:")
    if submitted:
        _attempt(name, password)
    if _oidc_configured():
        column.button(_t("auth.sso"), on_click=st.login, icon=":material/badge:", key="sign_in_sso")
        _oidc_arrival()
    column.caption(_t("auth.help"))


def _attempt(name: str, password: str) -> None:
    if not name.strip() or not password:
        st.error(_t("auth.missing"))
        return
    try:
        attempt = sessions.sign_in(connection.db_path(), name, password)
    except KpiError as exc:  # the database is busy, for example
        st.error(exc.message(_lang()))
        return
    if attempt.outcome is not sessions.Outcome.OK or attempt.user is None:
        st.error(attempt.message(_lang()), icon=":material/lock:")
        return
    _start(attempt.user, "password")


def _start(user: accounts.User, method: str) -> None:
    """A session row for the user who just signed in; then the cookie (where the route is
    mounted: a redirect, and the page asked for loads signed in), else this tab only."""
    next_url = _next_url()
    _forget()
    st.session_state.pop(NOTICE, None)
    try:
        with connection.connect() as con:
            token, session = sessions.open_session(con, user, method=method)
        key = _cookie_key(str(connection.db_path().resolve()))
    except KpiError as exc:  # the database is busy, for example
        st.error(exc.message(_lang()))
        return
    st.session_state[SESSION] = session
    if cookie.mounted():
        st.session_state.pop(NEXT, None)  # the redirect goes to it
        code = cookie.hand_off(
            sessions.sign_token(key, token),
            max_age=int(sessions.max_age().total_seconds()),
            next_url=next_url,
            binding=cookie.binding(_cookies()),
        )
        cookie.redirect(cookie.bind_url(code))
        st.caption(_t("auth.signing_in"))
        st.stop()
    st.rerun()  # the same URL again, now signed in: the page asked for opens


def _next_url() -> str:
    """The page asked for before the sign-in as a URL path (with its query), for the redirect."""
    path, query = st.session_state.get(NEXT) or ("", {})
    from streamlit import config

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    url = "/" + "/".join(p for p in (base, path) if p)
    return url + ("?" + urllib.parse.urlencode(query) if query else "")


def _oidc_configured() -> bool:
    """True where .streamlit/secrets.toml has an [auth] section (st.login needs it)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_arrival() -> None:
    """Back from the identity provider: the local account with that e-mail decides the role."""
    try:
        logged_in = bool(st.user.is_logged_in)
        email = str(st.user.get("email") or "")
    except Exception:
        return
    if not logged_in or not email:
        return
    with connection.connect() as con:
        user = sessions.oidc_sign_in(con, email)
    if user is None:
        st.error(_t("auth.sso_unknown", email=email))
        return
    _start(user, "oidc")


# ---------------------------------------------------------------- who is signed in, sign-out


def account_box(user: accounts.User) -> None:
    """In the sidebar: who is signed in, in which role and unit, and the sign-out button."""
    role = roles.role_label(user.role, _lang())
    unit = f" · {roles.region_name(user.region, _lang())}" if user.region else ""
    unit = f" · {user.unit}" if user.unit else unit
    from kpi.ui.fmt import plain

    box = st.sidebar.container(border=True)
    # the display name is whatever an administrator typed: shown as text, never as markdown
    box.markdown(f"**{plain(user.label)}**  \n{role}{unit}")
    box.button(_t("auth.sign_out"), on_click=sign_out, key="sign_out", icon=":material/logout:")


def sign_out() -> None:
    session: sessions.Session | None = st.session_state.get(SESSION)
    if session is not None:
        with _seen_lock:
            _seen.pop(session.token_hash or "", None)
        try:
            with connection.connect() as con:
                sessions.sign_out(con, session)
        except KpiError:  # the row could not be ended: this process refuses it from now on
            log.warning("sign-out of %s not recorded: database busy", session.username)
            if session.token_hash is not None:
                _ended_here.add(session.token_hash)
        if session.method == "oidc":
            try:
                st.logout()
            except Exception:
                log.debug("st.logout unavailable")
    st.session_state[NOTICE] = _t("auth.signed_out")
    _forget()


# ---------------------------------------------------------------- entry guard


def entry_guard(
    *, entry: bool = False, permission: Permission | None = None, paths: Sequence[str] = ()
) -> accounts.User:
    """First call of dashboard.py and of every page: run through dashboard.py, signed in.

    1. With a `pages/` folder, Streamlit starts each process in its old multipage mode, in which
       a URL such as /regions runs pages/regions.py directly, past dashboard.py's navigation,
       language switch and sign-in (TRAPS.md 1). Calling st.navigation leaves that mode, but only
       once the entry script has run. So a page that finds itself in the old mode switches it
       off and reruns at once: the rerun goes through dashboard.py and lands on the same page
       (page identity is the URL path in both modes), with nothing of the page drawn before.
    2. Nobody signed in (or the session expired, or the account was disabled): the sign-in form
       and nothing else, whatever the URL (dashboard.py passes every page's URL `paths`, so that
       the form answers each of them). Signed in without `permission`: a refusal and nothing
       else. Both stop the script run before the page draws anything.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not entry:  # dashboard.py itself goes on to st.navigation: no rerun, no lost click
            st.rerun()
    return signin.require(permission, paths=paths)
