"""`kpi user ...` and `kpi audit`: accounts and the audit trail from the command line.

Whoever runs the command holds the database file and acts as a trusted operator; the audit
trail records them as --by, else their operating-system login. A password is read from the
terminal without echo (asked twice), or as one line from standard input when that is not a
terminal (`printf '%s\\n' "$PW" | kpi user add ...`); never from the command line, where it
would stay in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

from kpi.access import accounts
from kpi.model.errors import InvalidInput
from kpi.model.roles import Role, region_name, role_label
from kpi.store import audit, connection, writes
from kpi.text.messages import text

EXIT_OK = 0
ROLES = [r.value for r in Role]


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    user = sub.add_parser("user", help="local accounts: add, list, passwd, role, disable, enable")
    common(user)
    usub = user.add_subparsers(dest="action", required=True)
    add = usub.add_parser("add", help="create an account (the password is asked for, or read from stdin)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--region", help="a county account's unit (code or name), e.g. 南湖区")
    add.add_argument("--unit", help="a department account's accountable unit (责任单位), e.g. 市经信局")
    add.add_argument("--name", help="display name, e.g. 张三")
    role = usub.add_parser("role", help="change an account's role (and unit)")
    role.add_argument("username")
    role.add_argument("--role", required=True, choices=ROLES)
    role.add_argument("--region")
    role.add_argument("--unit")
    for action, help_text in (
        ("passwd", "set a new password (asked for, or read from stdin)"),
        ("disable", "stop an account from signing in; its sessions end"),
        ("enable", "let a disabled or locked account sign in again"),
    ):
        one = usub.add_parser(action, help=help_text)
        one.add_argument("username")
    usub.add_parser("list", help="the accounts (never their passwords)")
    usub.add_parser(
        "demo",
        help="on a database with no accounts: one demo account per role, with a random password "
        "(printed, and kept in demo-accounts.txt beside the database, readable by you only)",
    )
    for p in usub.choices.values():
        p.add_argument("--by", help="who makes the change (default: your login name)")
        common(p)
    au = sub.add_parser("audit", help="the audit trail, newest first")
    au.add_argument("--limit", type=int, default=50)
    au.add_argument("--actor")
    au.add_argument("--action", choices=[a.value for a in audit.Action])
    common(au)


def read_password(username: str, lang: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(text("password_prompt", lang, user=username))
        if getpass.getpass(text("password_again", lang)) != first:
            raise InvalidInput("password_mismatch")
        return first
    return sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""


def _unit(region: str | None, lang: str, unit: str | None = None) -> str:
    """ "，南湖区" after a county account's role, "，市经信局" after a department's, else nothing."""
    if region is None and unit is None:
        return ""
    return ("，" if lang == "zh" else ", ") + (unit or region_name(region, lang))


def user_command(args: argparse.Namespace, db: Path, lang: str) -> int:
    by = args.by or writes._whoami()
    if args.action == "list":
        with connection.read(db) as con:
            users = accounts.list_users(con)
        print(_user_table(users, lang) if users else text("no_users", lang))
        return EXIT_OK
    if args.action == "demo":
        return demo_accounts(db, lang)
    # ask for the password before opening the database: typing must not keep it locked
    password = (
        read_password(accounts.normalise_username(args.username), lang)
        if args.action in ("add", "passwd")
        else ""
    )
    # the database must exist (`kpi init`): an account in a mistyped --db would be a new,
    # empty database; the message is printed after the database is closed again
    with connection.connect(db, create=False) as con:
        if args.action == "add":
            user = accounts.add_user(
                con,
                args.username,
                password,
                args.role,
                region=args.region,
                unit=args.unit,
                display_name=args.name,
                by=by,
            )
            done = text(
                "user_added",
                lang,
                user=user.username,
                role=role_label(user.role, lang),
                region=_unit(user.region, lang, user.unit),
            )
        elif args.action == "role":
            user = accounts.set_role(con, args.username, args.role, region=args.region, unit=args.unit, by=by)
            done = text(
                "user_role_set",
                lang,
                user=user.username,
                role=role_label(user.role, lang),
                region=_unit(user.region, lang, user.unit),
            )
        elif args.action == "passwd":
            accounts.set_password(con, args.username, password, by=by)
            done = text("user_password_set", lang, user=accounts.normalise_username(args.username))
        elif args.action == "disable":
            accounts.disable_user(con, args.username, by=by)
            done = text("user_disabled", lang, user=accounts.normalise_username(args.username))
        else:
            accounts.enable_user(con, args.username, by=by)
            done = text("user_enabled", lang, user=accounts.normalise_username(args.username))
    print(done)
    return EXIT_OK


def _user_table(users: list[accounts.User], lang: str) -> str:
    zh = lang == "zh"
    head = (
        ("用户名", "显示名", "角色", "单位", "状态", "最近登录")
        if zh
        else ("username", "name", "role", "unit", "state", "last sign-in")
    )
    rows = [head]
    for u in users:
        state = ("启用" if zh else "active") if u.active else ("停用" if zh else "disabled")
        last = u.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if u.last_sign_in_at else "—"
        unit = u.unit or (region_name(u.region, lang) if u.region else "—")
        rows.append((u.username, u.display_name or "—", role_label(u.role, lang), unit, state, last))
    return _columns(rows)


def _columns(rows: list[tuple[str, ...]]) -> str:
    """Left-aligned columns; a Chinese character is two cells wide in a terminal."""

    def width(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell + " " * (w - width(cell)) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in rows
    )


def audit_command(args: argparse.Namespace, db: Path, lang: str) -> int:
    with connection.read(db) as con:
        events = audit.list_events(con, limit=args.limit, actor=args.actor, action=args.action)
    if events.empty:
        print(text("no_events", lang))
        return EXIT_OK
    rows = [
        (str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, audit.action_label(e.action, lang), e.detail)
        for e in events.itertuples()
    ]
    print(_columns(rows))
    return EXIT_OK


# one account per role for trying the dashboard out; a county account for 南湖区, a department
# (责任单位) account for 市经信局
DEMO_ACCOUNTS = (
    ("demo_leader", Role.LEADER, None, "演示领导"),
    ("demo_stat", Role.STATISTICIAN, "", "演示统计员"),
    ("demo_county", Role.COUNTY, "330402", "演示区县（南湖区）"),
    ("demo_admin", Role.ADMIN, None, "演示管理员"),
    ("demo_dept", Role.DEPARTMENT, "市经信局", "演示责任单位（市经信局）"),
)


def _unit_name(role: Role, unit: str | None, lang: str) -> str:
    if not unit:
        return "—"
    return unit if role is Role.DEPARTMENT else region_name(unit, lang)


def demo_file(db: Path) -> Path:
    return connection.db_path(db).with_name("demo-accounts.txt")


def demo_accounts(db: Path, lang: str) -> int:
    """Create the demo accounts when the database has none; a database that has accounts is left
    alone (the file written the first time still lists the demo ones, if they were made)."""
    out = demo_file(db)
    with connection.connect(db, create=False) as con:
        exist = bool(accounts.list_users(con))
        if not exist:
            password = secrets.token_urlsafe(9)  # 12 characters, 72 bits
            for username, role, region, name in DEMO_ACCOUNTS:
                department = role is Role.DEPARTMENT
                accounts.add_user(
                    con,
                    username,
                    password,
                    role,
                    region=None if department else region or None,
                    unit=region if department else None,
                    display_name=name,
                    by="demo",
                )
    if exist:
        print(text("demo_accounts_exist", lang, file=out if out.exists() else "—"))
        return EXIT_OK
    rows = [(u, role_label(r, lang), _unit_name(r, g, lang)) for u, r, g, _ in DEMO_ACCOUNTS]
    body = _columns([("用户名", "角色", "单位") if lang == "zh" else ("username", "role", "unit"), *rows])
    note = text("demo_accounts_made", lang, password=password, file=out)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the owner only
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(body + "\n\n" + note + "\n")
    print(body)
    print(note)
    return EXIT_OK
