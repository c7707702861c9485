"""Sign-in (throttling, lock-out, OIDC) and the server-side session.

A session is a row of the `sessions` table, found by the SHA-256 of a random token (32 bytes,
URL-safe text). The browser holds the token in an HttpOnly, SameSite=Strict cookie signed with a
key from the database (kpi.ui.cookie sets it); the table never holds the token itself, so a copy
of the database cannot be turned into a signed-in browser. A session ends after
KPI_SESSION_MINUTES idle, KPI_SESSION_MAX_HOURS after sign-in, at sign-out, and at once when the
account is disabled or its password changed (kpi.access.accounts ends the rows).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

import duckdb

from kpi.access.accounts import PASSWORD_MAX, User, get_user, normalise_username, now_or_given
from kpi.access.passwords import check_password, dummy_hash, hash_password, needs_rehash
from kpi.model import settings
from kpi.store import audit, connection
from kpi.text.messages import text

# ---------------------------------------------------------------- sign-in


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"  # wrong password, unknown name or disabled account: one answer for all
    LOCKED = "locked"


@dataclass(frozen=True)
class Attempt:
    """The result of one sign-in attempt. `delay` is how long to wait before answering (seconds);
    `locked_until` is set when the name is locked."""

    outcome: Outcome
    user: User | None = None
    delay: float = 0.0
    locked_until: dt.datetime | None = None

    def message(self, lang: str = "zh") -> str:
        """What to tell the person (the same words whether the name exists or not)."""
        if self.outcome is Outcome.LOCKED:
            assert self.locked_until is not None
            return text("sign_in_locked", lang, until=self.locked_until.strftime("%H:%M"))
        return "" if self.outcome is Outcome.OK else text("sign_in_failed", lang)


def failure_delay(failures: int) -> float:
    """Seconds to wait after the `failures`-th failure in a row: doubling, at most 30 s."""
    base = settings.number("KPI_LOGIN_DELAY_SECONDS")
    return float(min(base * 2 ** max(failures - 1, 0), 30.0))


def check_sign_in(
    con: duckdb.DuckDBPyConnection, username: str, password: str, *, now: dt.datetime | None = None
) -> Attempt:
    """Check a password and record the attempt (audit trail, failure counter) without waiting;
    the caller waits `attempt.delay` seconds, after closing the connection (see `sign_in`)."""
    at = now_or_given(now)
    name = normalise_username(username)[: audit.ACTOR_LIMIT]
    locked = con.execute(
        "SELECT locked_until FROM sign_in_failures WHERE username = $u AND locked_until > $at",
        {"u": name, "at": at},
    ).fetchall()
    if locked:
        with connection.transaction(con):
            audit.record(con, name, audit.Action.SIGN_IN_FAILED, reason="locked")
        return Attempt(Outcome.LOCKED, locked_until=locked[0][0])
    row = con.execute("SELECT password_hash, active FROM users WHERE username = $u", {"u": name}).fetchall()
    stored = row[0][0] if row else dummy_hash()
    matches = check_password(password[: PASSWORD_MAX + 1], stored)
    if row and matches and row[0][1]:
        with connection.transaction(con):
            con.execute("DELETE FROM sign_in_failures WHERE username = $u", {"u": name})
            con.execute("UPDATE users SET last_sign_in_at = $at WHERE username = $u", {"at": at, "u": name})
            if needs_rehash(stored):
                con.execute(
                    "UPDATE users SET password_hash = $h WHERE username = $u",
                    {"h": hash_password(password), "u": name},
                )
            audit.record(con, name, audit.Action.SIGN_IN, method="password")
        user = get_user(con, name)
        return Attempt(Outcome.OK, user=user)
    reason = "unknown_user" if not row else ("disabled" if not row[0][1] else "wrong_password")
    return _failed(con, name, reason, at)


def _failed(con: duckdb.DuckDBPyConnection, name: str, reason: str, at: dt.datetime) -> Attempt:
    limit = settings.integer("KPI_LOGIN_MAX_FAILURES")
    lock = dt.timedelta(minutes=settings.integer("KPI_LOGIN_LOCK_MINUTES"))
    with connection.transaction(con):
        # forget names that failed long ago (a lock has ended, nothing new for a day)
        con.execute(
            "DELETE FROM sign_in_failures WHERE coalesce(locked_until, last_failed_at) < $old",
            {"old": at - max(lock, dt.timedelta(days=1))},
        )
        previous = con.execute(
            "SELECT failures, locked_until FROM sign_in_failures WHERE username = $u", {"u": name}
        ).fetchall()
        # a lock that has run out starts a new count
        failures = 1 if not previous or previous[0][1] is not None else int(previous[0][0]) + 1
        locked_until = at + lock if failures >= limit else None
        con.execute(
            """INSERT INTO sign_in_failures VALUES ($u, $n, $at, $until)
               ON CONFLICT (username) DO UPDATE SET failures = excluded.failures,
                   last_failed_at = excluded.last_failed_at, locked_until = excluded.locked_until""",
            {"u": name, "n": failures, "at": at, "until": locked_until},
        )
        audit.record(
            con,
            name,
            audit.Action.SIGN_IN_FAILED,
            reason=reason,
            failures=failures,
            locked=locked_until is not None,
        )
    outcome = Outcome.LOCKED if locked_until else Outcome.FAILED
    return Attempt(outcome, delay=failure_delay(failures), locked_until=locked_until)


def verify(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> User | None:
    """The user when the password is right and the account active and not locked, else None
    (after the failure delay). Holds `con` while it waits: the app uses `sign_in`, which does not."""
    attempt = check_sign_in(con, username, password, now=now)
    if attempt.delay:
        sleep(attempt.delay)
    return attempt.user


def sign_in(
    db: str | Path | None,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Attempt:
    """For the app: check and record the attempt on a short connection, close it, then wait the
    failure delay (so a slowed-down attempt never keeps the database from anyone else)."""
    with connection.connect(db) as con:
        attempt = check_sign_in(con, username, password, now=now)
    if attempt.delay:
        sleep(attempt.delay)
    return attempt


def oidc_sign_in(
    con: duckdb.DuckDBPyConnection, email: str, *, now: dt.datetime | None = None
) -> User | None:
    """After Streamlit's st.login: the active local account whose username is the e-mail the
    identity provider vouched for (recorded as a sign-in), else None (recorded as a failure)."""
    name = normalise_username(email)[: audit.ACTOR_LIMIT]
    user = get_user(con, name)
    with connection.transaction(con):
        if user is None or not user.active:
            reason = "unknown_user" if user is None else "disabled"
            audit.record(con, name, audit.Action.SIGN_IN_FAILED, reason=reason, method="oidc")
            return None
        con.execute(
            "UPDATE users SET last_sign_in_at = $at WHERE username = $u", {"at": now_or_given(now), "u": name}
        )
        audit.record(con, name, audit.Action.SIGN_IN, method="oidc")
    return get_user(con, name)


# ---------------------------------------------------------------- sessions


@dataclass(frozen=True)
class Session:
    """A signed-in browser session. `token_hash` names its row in the `sessions` table; a session
    without one lives only in the app's per-tab state (made by `start_session`, used by tests)."""

    username: str
    signed_in_at: dt.datetime
    last_seen_at: dt.datetime
    method: str = "password"  # or "oidc"
    token_hash: str | None = None
    ended_at: dt.datetime | None = None
    ended_reason: str | None = None  # signed_out, disabled, password_changed


class SessionState(StrEnum):
    ACTIVE = "active"
    IDLE = "idle"  # KPI_SESSION_MINUTES without a page run
    TOO_OLD = "too_old"  # KPI_SESSION_MAX_HOURS after sign-in
    ENDED = "ended"  # signed out, account disabled or password changed


def start_session(user: User, *, now: dt.datetime | None = None, method: str = "password") -> Session:
    """A session in memory only (no row, no cookie): see `open_session` for the app's."""
    at = now_or_given(now)
    return Session(user.username, at, at, method)


def session_state(session: Session, *, now: dt.datetime | None = None) -> SessionState:
    at = now_or_given(now)
    if session.ended_at is not None:
        return SessionState.ENDED
    if at - session.last_seen_at > dt.timedelta(minutes=settings.integer("KPI_SESSION_MINUTES")):
        return SessionState.IDLE
    if at - session.signed_in_at > max_age():
        return SessionState.TOO_OLD
    return SessionState.ACTIVE


def max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings.integer("KPI_SESSION_MAX_HOURS"))


def is_expired(session: Session, *, now: dt.datetime | None = None) -> bool:
    return session_state(session, now=now) is not SessionState.ACTIVE


def touch(session: Session, *, now: dt.datetime | None = None) -> Session:
    """The session seen again now (call on every page run that is allowed through)."""
    return replace(session, last_seen_at=now_or_given(now))


def check_session(
    con: duckdb.DuckDBPyConnection, session: Session | None, *, now: dt.datetime | None = None
) -> User | None:
    """The page guard: the session's user when the session is live (its row, where it has one,
    not ended) and the account still active with no password change since sign-in, else None."""
    if session is not None and session.token_hash is not None:
        stored = find_session(con, session.token_hash)
        session = None if stored is None else replace(stored, last_seen_at=session.last_seen_at)
    if session is None or is_expired(session, now=now):
        return None
    return session_user(session, get_user(con, session.username), now=now)


def session_user(
    session: Session | None, user: User | None, *, now: dt.datetime | None = None
) -> User | None:
    """`check_session` on a session row and an account already read (the app reads both through
    its cache, keyed on the database's write stamp, so a disable or a password change still
    applies at once)."""
    if session is None or is_expired(session, now=now) or user is None:
        return None
    if (
        user.username != session.username
        or not user.active
        or user.password_changed_at > session.signed_in_at
    ):
        return None
    return user


# ---------------------------------------------------------------- sessions in the database


def token_hash(token: str) -> str:
    """What the table stores of a token: SHA-256, hex (the token has 256 random bits, so a plain
    hash is enough: there is nothing to guess)."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def open_session(
    con: duckdb.DuckDBPyConnection, user: User, *, method: str = "password", now: dt.datetime | None = None
) -> tuple[str, Session]:
    """A new session row for a user who just signed in: (token for the browser's cookie, session).
    Rows that ended or expired more than a month ago are deleted on the way (the audit trail keeps
    the sign-ins and sign-outs)."""
    at = now_or_given(now)
    token = secrets.token_urlsafe(32)
    session = Session(user.username, at, at, method, token_hash(token))
    with connection.transaction(con):
        con.execute(
            "DELETE FROM sessions WHERE coalesce(ended_at, last_seen_at) < $old",
            {"old": at - max(max_age(), dt.timedelta(days=31))},
        )
        con.execute(
            "INSERT INTO sessions VALUES ($h, $u, $m, $at, $at, NULL, NULL)",
            {"h": session.token_hash, "u": user.username, "m": method, "at": at},
        )
    return token, session


def find_session(con: duckdb.DuckDBPyConnection, token_hash_: str) -> Session | None:
    """The session row of a token's hash, ended or not; None for a token never issued."""
    rows = con.execute(
        """SELECT username, created_at, last_seen_at, method, token_hash, ended_at, ended_reason
           FROM sessions WHERE token_hash = $h""",
        {"h": token_hash_},
    ).fetchall()
    return Session(*rows[0]) if rows else None


def record_seen(con: duckdb.DuckDBPyConnection, token_hash_: str, at: dt.datetime) -> None:
    """Store the last page run of a session (the app does this every few minutes, not on every
    click: each write changes the database's stamp, and every cache is keyed on it)."""
    with connection.transaction(con):
        con.execute(
            "UPDATE sessions SET last_seen_at = $at WHERE token_hash = $h AND last_seen_at < $at",
            {"at": at, "h": token_hash_},
        )


def cookie_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """The key that signs session cookies: 32 random bytes made at first use, kept in `meta`."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'session_cookie_key'").fetchall()
    if not rows:
        with connection.transaction(con):
            con.execute(
                "INSERT INTO meta VALUES ('session_cookie_key', $v) ON CONFLICT DO NOTHING",
                {"v": secrets.token_hex(32)},
            )
        rows = con.execute("SELECT value FROM meta WHERE key = 'session_cookie_key'").fetchall()
    return bytes.fromhex(rows[0][0])


def sign_token(key: bytes, token: str) -> str:
    """The cookie value: `token.signature` (HMAC-SHA256 of the token with `key`, hex)."""
    mac = hmac.new(key, token.encode("ascii"), hashlib.sha256).hexdigest()
    return f"{token}.{mac}"


def signed_token(key: bytes, value: str | None) -> str | None:
    """The token of a cookie value whose signature holds, else None (forged, cut, another key)."""
    if not value or "." not in value or len(value) > 200:
        return None
    token, _, mac = value.rpartition(".")
    try:
        good = hmac.new(key, token.encode("ascii"), hashlib.sha256).hexdigest()
    except UnicodeEncodeError:
        return None
    return token if hmac.compare_digest(good, mac) else None


def sign_out(con: duckdb.DuckDBPyConnection, session: Session, *, now: dt.datetime | None = None) -> None:
    """End the session (every tab and window of that browser) and record the sign-out."""
    with connection.transaction(con):
        if session.token_hash is not None:
            con.execute(
                """UPDATE sessions SET ended_at = $at, ended_reason = 'signed_out'
                   WHERE token_hash = $h AND ended_at IS NULL""",
                {"at": now_or_given(now), "h": session.token_hash},
            )
        audit.record(con, session.username, audit.Action.SIGN_OUT, method=session.method)
