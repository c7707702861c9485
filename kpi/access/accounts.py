"""Local accounts for a closed network with no identity server: create, change, disable."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from kpi.access.passwords import hash_password
from kpi.model.definitions import CITY_CODE
from kpi.model.errors import InvalidInput, UnknownScope
from kpi.model.roles import Permission, Role, Viewer, require, role_label
from kpi.store import audit, connection
from kpi.store import tasks as task_store
from kpi.store.reference import resolve_region

PASSWORD_MIN, PASSWORD_MAX = 10, 256
_USERNAME_RE = re.compile(r"^[\w.@-]{2,64}$")
_USER_COLUMNS = (
    "username, display_name, role, region, active, created_at, updated_at, password_changed_at, "
    "last_sign_in_at, unit"
)


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
    unit: str | None = None  # the accountable unit (责任单位) of a department reporter, else None

    @property
    def viewer(self) -> Viewer:
        """What the kpi queries need to scope their answers (pass it as `viewer=`)."""
        return Viewer(self.username, self.role, self.region, self.unit)

    @property
    def label(self) -> str:
        return self.display_name or self.username


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


def _valid_unit(con: duckdb.DuckDBPyConnection, role: Role, unit: str | None) -> str | None:
    """A department reporter's accountable unit (one of the plan's 责任单位, by its name); None
    for the other roles."""
    given = unit is not None and str(unit).strip() != ""
    if role is not Role.DEPARTMENT:
        if given:
            raise InvalidInput("unit_not_allowed", role=role_label(role))
        return None
    if not given:
        raise InvalidInput("unit_required")
    assert unit is not None
    name = str(unit).strip()
    known = [str(n) for n in task_store.departments(con)["name"]]
    if name not in known:
        raise InvalidInput("unit_unknown", value=name[:80], known="、".join(known))
    return name


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
    name, display, role, region, active, created, updated, changed, last, unit = row
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
        None if unit is None else str(unit),
    )


def _require_user(con: duckdb.DuckDBPyConnection, username: str) -> User:
    user = get_user(con, username)
    if user is None:
        raise InvalidInput("unknown_user", user=normalise_username(username))
    return user


def now_or_given(now: dt.datetime | None) -> dt.datetime:
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
    unit: str | None = None,
) -> User:
    """Create an account (InvalidInput for a bad name, role, region, unit or password, or a name
    that exists). A county official needs its `region`, a department reporter its `unit` (the
    name of one of the plan's accountable units). `by` is who creates it, for the audit trail
    (default: the viewer). A `viewer` must be an administrator (Forbidden otherwise)."""
    by = _actor(viewer, by)
    name, valid_role = _valid_username(username), _valid_role(role)
    code = _valid_region(con, valid_role, region)
    department = _valid_unit(con, valid_role, unit)
    digest = hash_password(_valid_password(password))
    at = now_or_given(now)
    display = (display_name or "").strip()[:64] or None
    with connection.transaction(con):
        if get_user(con, name) is not None:
            raise InvalidInput("user_exists", user=name)
        con.execute(
            """INSERT INTO users (username, display_name, role, region, password_hash, active,
                   password_changed_at, created_at, created_by, updated_at, updated_by, unit)
               VALUES ($u, $d, $role, $region, $hash, true, $at, $at, $by, $at, $by, $unit)""",
            {
                "u": name,
                "d": display,
                "role": valid_role.value,
                "region": code,
                "unit": department,
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
            unit=department,
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
    at = now_or_given(now)
    with connection.transaction(con):
        con.execute(
            """UPDATE users SET password_hash = $hash, password_changed_at = $at, updated_at = $at,
                   updated_by = $by WHERE username = $u""",
            {"hash": digest, "at": at, "by": by, "u": user.username},
        )
        con.execute("DELETE FROM sign_in_failures WHERE username = $u", {"u": user.username})
        end_sessions(con, user.username, "password_changed", at)
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
    unit: str | None = None,
) -> User:
    """A new role (and region, for a county official; unit, for a department reporter). The last
    active administrator keeps the role."""
    by = _actor(viewer, by)
    user = _require_user(con, username)
    valid_role = _valid_role(role)
    code = _valid_region(con, valid_role, region)
    department = _valid_unit(con, valid_role, unit)
    with connection.transaction(con):
        if user.role is Role.ADMIN and valid_role is not Role.ADMIN:
            _keep_one_admin(con, user.username)
        con.execute(
            """UPDATE users SET role = $role, region = $region, unit = $unit, updated_at = $at,
                   updated_by = $by WHERE username = $u""",
            {
                "role": valid_role.value,
                "region": code,
                "unit": department,
                "at": now_or_given(now),
                "by": by,
                "u": user.username,
            },
        )
        audit.record(
            con,
            by,
            audit.Action.USER_ROLE,
            username=user.username,
            before={"role": user.role.value, "region": user.region, "unit": user.unit},
            after={"role": valid_role.value, "region": code, "unit": department},
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
    """The account can no longer sign in, and its open sessions end now (every browser shows the
    sign-in form at its next page run)."""
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
    with connection.transaction(con):
        if not active and user.role is Role.ADMIN and user.active:
            _keep_one_admin(con, user.username)
        con.execute(
            "UPDATE users SET active = $active, updated_at = $at, updated_by = $by WHERE username = $u",
            {"active": active, "at": now_or_given(now), "by": by, "u": user.username},
        )
        if active:
            con.execute("DELETE FROM sign_in_failures WHERE username = $u", {"u": user.username})
        else:
            end_sessions(con, user.username, "disabled", now_or_given(now))
        action = audit.Action.USER_ENABLE if active else audit.Action.USER_DISABLE
        audit.record(con, by, action, username=user.username)


def _keep_one_admin(con: duckdb.DuckDBPyConnection, leaving: str) -> None:
    others = con.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active AND username <> $u", {"u": leaving}
    ).fetchall()[0][0]
    if not others:
        raise InvalidInput("last_admin", user=leaving)


def end_sessions(con: duckdb.DuckDBPyConnection, username: str, reason: str, at: dt.datetime) -> int:
    """End every open browser session of an account (kpi.access.sessions); inside the caller's
    transaction. Returns how many ended."""
    rows = con.execute(
        """UPDATE sessions SET ended_at = $at, ended_reason = $why
           WHERE username = $u AND ended_at IS NULL RETURNING token_hash""",
        {"at": at, "why": reason, "u": username},
    ).fetchall()
    return len(rows)
