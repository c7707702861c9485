"""Local accounts and sign-in for a closed network with no identity server.

- Passwords: scrypt from the standard library (n=2**14, r=8, p=1, a random 16-byte salt per
  user), stored as `scrypt$n$r$p$salt$hash` so that the cost can be raised later: a hash made
  with other parameters is replaced at the user's next successful sign-in. Compared in
  constant time.
- Brute force: every failed sign-in for a name (known or not) counts in `sign_in_failures`; the
  attempt is answered after a delay that doubles with each failure (KPI_LOGIN_DELAY_SECONDS,
  0.5 s, 1 s, 2 s, ...), and after KPI_LOGIN_MAX_FAILURES failures in a row the name is locked
  for KPI_LOGIN_LOCK_MINUTES. An unknown name costs the same scrypt work as a wrong password and
  locks the same way, so neither timing nor the lock tells which names exist.
- Sessions: pure values (`Session`) that the app keeps in its per-browser state; one ends after
  KPI_SESSION_MINUTES idle, KPI_SESSION_MAX_HOURS after sign-in, or when the account is disabled
  or its password changed (`check_session` reads the account on every page run, so a role change
  applies at once).
- Optional OIDC (Streamlit's st.login): the identity provider proves who someone is; the local
  account with the same username (the e-mail, lower case) says what they may do.

Every change and every sign-in is recorded in the audit trail (kpi.audit) in the same
transaction. Usernames are compared in lower case.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

import duckdb

from kpi import audit, settings, store
from kpi.access import Permission, Role, Viewer, require, role_label
from kpi.definitions import CITY_CODE
from kpi.errors import InvalidInput, UnknownScope
from kpi.messages import text
from kpi.reference import resolve_region

__all__ = ["Role", "Session", "User", "add_user", "check_session", "sign_in", "verify"]

# scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB and ~50 ms per hash on a current CPU
SCRYPT_N, SCRYPT_R, SCRYPT_P, SALT_BYTES, HASH_BYTES = 2**14, 8, 1, 16, 32
PASSWORD_MIN, PASSWORD_MAX = 10, 256
_USERNAME_RE = re.compile(r"^[\w.@-]{2,64}$")
_USER_COLUMNS = "username, display_name, role, region, active, created_at, updated_at, password_changed_at, last_sign_in_at"


@dataclass(frozen=True)
class User:
    username: str
    display_name: str | None
    role: Role
    region: str | None  # the unit of a county official, else None
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    password_changed_at: dt.datetime
    last_sign_in_at: dt.datetime | None = None

    @property
    def viewer(self) -> Viewer:
        """What the kpi queries need to scope their answers (pass it as `viewer=`)."""
        return Viewer(self.username, self.role, self.region)

    @property
    def label(self) -> str:
        return self.display_name or self.username


# ---------------------------------------------------------------- password hashes


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p, HASH_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash; False for any malformed hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(
            password, base64.b64decode(salt, validate=True), int(n), int(r), int(p), len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with other parameters than today's."""
    return not stored.startswith(f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and 16 <= length <= 64):
        raise ValueError("scrypt parameters out of range")  # a damaged row must not cost a GiB
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=132 * r * (n + p + 2)
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _dummy_hash() -> str:
    """Checked against when the name is unknown, so that costs as much as a wrong password
    (today's parameters, a random digest that no password produces)."""
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_DUMMY_SALT}${_b64(bytes(HASH_BYTES))}"


_DUMMY_SALT = _b64(secrets.token_bytes(SALT_BYTES))


# ---------------------------------------------------------------- accounts


def normalise_username(username: str) -> str:
    return str(username).strip().lower()


def _valid_username(username: str) -> str:
    name = normalise_username(username)
    if not _USERNAME_RE.fullmatch(name):
        raise InvalidInput("bad_username", value=str(username)[:80])
    return name


def _valid_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput("password_short", min=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise InvalidInput("password_long", max=PASSWORD_MAX)
    return password


def _valid_role(role: Role | str) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        raise InvalidInput("bad_role", value=str(role)) from None


def _valid_region(con: duckdb.DuckDBPyConnection, role: Role, region: str | None) -> str | None:
    """A county official's unit (one of the nine, by code or name); None for the other roles."""
    given = region is not None and str(region).strip() != ""
    if role is not Role.COUNTY:
        if given:
            raise InvalidInput("region_not_allowed", role=role_label(role))
        return None
    if not given:
        raise InvalidInput("region_required")
    try:
        code = resolve_region(con, region)
    except UnknownScope:
        code = None
    if code is None or code == CITY_CODE:
        raise InvalidInput("region_not_unit", value=str(region))
    return code


def get_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    rows = con.execute(
        f"SELECT {_USER_COLUMNS} FROM users WHERE username = $u",  # noqa: S608 - fixed identifiers
        {"u": normalise_username(username)},
    ).fetchall()
    return _user(rows[0]) if rows else None


def list_users(con: duckdb.DuckDBPyConnection) -> list[User]:
    rows = con.execute(
        f"SELECT {_USER_COLUMNS} FROM users ORDER BY username"  # noqa: S608 - fixed identifiers
    ).fetchall()
    return [_user(r) for r in rows]


def _user(row: tuple[object, ...]) -> User:
    name, display, role, region, active, created, updated, changed, last = row
    return User(
        str(name),
        None if display is None else str(display),
        Role(str(role)),
        None if region is None else str(region),
        bool(active),
        created,  # type: ignore[arg-type]
        updated,  # type: ignore[arg-type]
        changed,  # type: ignore[arg-type]
        last,  # type: ignore[arg-type]
    )


def _require_user(con: duckdb.DuckDBPyConnection, username: str) -> User:
    user = get_user(con, username)
    if user is None:
        raise InvalidInput("unknown_user", user=normalise_username(username))
    return user


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now()


def add_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    role: Role | str,
    *,
    region: str | None = None,
    display_name: str | None = None,
    by: str | None = None,
    viewer: Viewer | None = None,
    now: dt.datetime | None = None,
) -> User:
    """Create an account (InvalidInput for a bad name, role, region or password, or a name that
    exists). `by` is who creates it, for the audit trail (default: the viewer). A `viewer` must
    be an administrator (Forbidden otherwise)."""
    by = _actor(viewer, by)
    name, valid_role = _valid_username(username), _valid_role(role)
    code = _valid_region(con, valid_role, region)
    digest = hash_password(_valid_password(password))
    at = _now(now)
    display = (display_name or "").strip()[:64] or None
    with store.transaction(con):
        if get_user(con, name) is not None:
            raise InvalidInput("user_exists", user=name)
        con.execute(
            """INSERT INTO users (username, display_name, role, region, password_hash, active,
                   password_changed_at, created_at, created_by, updated_at, updated_by)
               VALUES ($u, $d, $role, $region, $hash, true, $at, $at, $by, $at, $by)""",
            {
                "u": name,
                "d": display,
                "role": valid_role.value,
                "region": code,
                "hash": digest,
                "at": at,
                "by": by,
            },
        )
        audit.record(
            con,
            by,
            audit.Action.USER_ADD,
            username=name,
            role=valid_role.value,
            region=code,
            display_name=display,
        )
    return _require_user(con, name)


def set_password(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    *,
    by: str | None = None,
    viewer: Viewer | None = None,
    now: dt.datetime | None = None,
) -> None:
    """A new password; the account's earlier sessions end, and a sign-in lock is cleared. A
    `viewer` may change its own password; another's only as an administrator."""
    own = viewer is not None and viewer.username == normalise_username(username)
    by = viewer.username if own and viewer is not None else _actor(viewer, by)
    user = _require_user(con, username)
    digest = hash_password(_valid_password(password))
    at = _now(now)
    with store.transaction(con):
        con.execute(
            """UPDATE users SET password_hash = $hash, password_changed_at = $at, updated_at = $at,
                   updated_by = $by WHERE username = $u""",
            {"hash": digest, "at": at, "by": by, "u": user.username},
        )
        con.execute("DELETE FROM sign_in_failures WHERE username = $u", {"u": user.username})
        audit.record(con, by, audit.Action.USER_PASSWORD, username=user.username)


def set_role(
    con: duckdb.DuckDBPyConnection,
    username: str,
    role: Role | str,
    *,
    region: str | None = None,
    by: str | None = None,
    viewer: Viewer | None = None,
    now: dt.datetime | None = None,
) -> User:
    """A new role (and unit, for a county official). The last active administrator keeps the role."""
    by = _actor(viewer, by)
    user = _require_user(con, username)
    valid_role = _valid_role(role)
    code = _valid_region(con, valid_role, region)
    with store.transaction(con):
        if user.role is Role.ADMIN and valid_role is not Role.ADMIN:
            _keep_one_admin(con, user.username)
        con.execute(
            """UPDATE users SET role = $role, region = $region, updated_at = $at, updated_by = $by
               WHERE username = $u""",
            {"role": valid_role.value, "region": code, "at": _now(now), "by": by, "u": user.username},
        )
        audit.record(
            con,
            by,
            audit.Action.USER_ROLE,
            username=user.username,
            before={"role": user.role.value, "region": user.region},
            after={"role": valid_role.value, "region": code},
        )
    return _require_user(con, user.username)


def disable_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    *,
    by: str | None = None,
    viewer: Viewer | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The account can no longer sign in, and its open sessions end at their next page run."""
    _set_active(con, username, False, _actor(viewer, by), now)


def enable_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    *,
    by: str | None = None,
    viewer: Viewer | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The account can sign in again; a sign-in lock on it is cleared."""
    _set_active(con, username, True, _actor(viewer, by), now)


def _actor(viewer: Viewer | None, by: str | None) -> str:
    """Who makes an account change: an administrator viewer (Forbidden for anyone else), else
    `by` (the command line's operator)."""
    require(viewer, Permission.MANAGE_USERS)
    actor = by or (viewer.username if viewer is not None else None)
    if not actor:
        raise ValueError("an account change needs `by` or a `viewer`")
    return actor


def _set_active(
    con: duckdb.DuckDBPyConnection, username: str, active: bool, by: str, now: dt.datetime | None
) -> None:
    user = _require_user(con, username)
    with store.transaction(con):
        if not active and user.role is Role.ADMIN and user.active:
            _keep_one_admin(con, user.username)
        con.execute(
            "UPDATE users SET active = $active, updated_at = $at, updated_by = $by WHERE username = $u",
            {"active": active, "at": _now(now), "by": by, "u": user.username},
        )
        if active:
            con.execute("DELETE FROM sign_in_failures WHERE username = $u", {"u": user.username})
        action = audit.Action.USER_ENABLE if active else audit.Action.USER_DISABLE
        audit.record(con, by, action, username=user.username)


def _keep_one_admin(con: duckdb.DuckDBPyConnection, leaving: str) -> None:
    others = con.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active AND username <> $u", {"u": leaving}
    ).fetchall()[0][0]
    if not others:
        raise InvalidInput("last_admin", user=leaving)


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
    at = _now(now)
    name = normalise_username(username)[: audit.ACTOR_LIMIT]
    locked = con.execute(
        "SELECT locked_until FROM sign_in_failures WHERE username = $u AND locked_until > $at",
        {"u": name, "at": at},
    ).fetchall()
    if locked:
        with store.transaction(con):
            audit.record(con, name, audit.Action.SIGN_IN_FAILED, reason="locked")
        return Attempt(Outcome.LOCKED, locked_until=locked[0][0])
    row = con.execute("SELECT password_hash, active FROM users WHERE username = $u", {"u": name}).fetchall()
    stored = row[0][0] if row else _dummy_hash()
    matches = check_password(password[: PASSWORD_MAX + 1], stored)
    if row and matches and row[0][1]:
        with store.transaction(con):
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
    with store.transaction(con):
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
    with store.connect(db) as con:
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
    with store.transaction(con):
        if user is None or not user.active:
            reason = "unknown_user" if user is None else "disabled"
            audit.record(con, name, audit.Action.SIGN_IN_FAILED, reason=reason, method="oidc")
            return None
        con.execute(
            "UPDATE users SET last_sign_in_at = $at WHERE username = $u", {"at": _now(now), "u": name}
        )
        audit.record(con, name, audit.Action.SIGN_IN, method="oidc")
    return get_user(con, name)


# ---------------------------------------------------------------- sessions (pure)


@dataclass(frozen=True)
class Session:
    """A signed-in browser session, kept in the app's per-session state (never in a cache)."""

    username: str
    signed_in_at: dt.datetime
    last_seen_at: dt.datetime
    method: str = "password"  # or "oidc"


class SessionState(StrEnum):
    ACTIVE = "active"
    IDLE = "idle"  # KPI_SESSION_MINUTES without a page run
    TOO_OLD = "too_old"  # KPI_SESSION_MAX_HOURS after sign-in


def start_session(user: User, *, now: dt.datetime | None = None, method: str = "password") -> Session:
    at = _now(now)
    return Session(user.username, at, at, method)


def session_state(session: Session, *, now: dt.datetime | None = None) -> SessionState:
    at = _now(now)
    if at - session.last_seen_at > dt.timedelta(minutes=settings.integer("KPI_SESSION_MINUTES")):
        return SessionState.IDLE
    if at - session.signed_in_at > dt.timedelta(hours=settings.integer("KPI_SESSION_MAX_HOURS")):
        return SessionState.TOO_OLD
    return SessionState.ACTIVE


def is_expired(session: Session, *, now: dt.datetime | None = None) -> bool:
    return session_state(session, now=now) is not SessionState.ACTIVE


def touch(session: Session, *, now: dt.datetime | None = None) -> Session:
    """The session seen again now (call on every page run that is allowed through)."""
    return replace(session, last_seen_at=_now(now))


def check_session(
    con: duckdb.DuckDBPyConnection, session: Session | None, *, now: dt.datetime | None = None
) -> User | None:
    """The page guard: the session's user when the session is live and the account still active
    with no password change since sign-in, else None (the page then shows the sign-in form)."""
    if session is None or is_expired(session, now=now):
        return None
    return session_user(session, get_user(con, session.username), now=now)


def session_user(
    session: Session | None, user: User | None, *, now: dt.datetime | None = None
) -> User | None:
    """`check_session` on an account already read (the app reads it through its cache, keyed on
    the database's write stamp, so a disable or a password change still applies at once)."""
    if session is None or is_expired(session, now=now) or user is None:
        return None
    if (
        user.username != session.username
        or not user.active
        or user.password_changed_at > session.signed_in_at
    ):
        return None
    return user


def sign_out(con: duckdb.DuckDBPyConnection, session: Session) -> None:
    """Record the sign-out (the app then drops the session from its state)."""
    with store.transaction(con):
        audit.record(con, session.username, audit.Action.SIGN_OUT, method=session.method)
