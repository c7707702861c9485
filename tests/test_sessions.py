"""Sessions in the database (kpi.access.sessions) and the cookie's route helpers (kpi.ui.cookie):
a row per sign-in found by the hash of a random token, ended by sign-out, a disable or a password
change; the cookie value signed; the one-time code that carries it to the route."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from kpi.access import accounts, sessions
from kpi.store import connection
from kpi.ui import cookie

PW = "a long enough password"
T0 = dt.datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def users(db: Path):
    with connection.connect(db) as con:
        accounts.add_user(con, "admin", PW, "admin", by="tests", now=T0 - dt.timedelta(days=1))
        accounts.add_user(
            con, "nanhu", PW, "county", region="南湖区", by="tests", now=T0 - dt.timedelta(days=1)
        )
        yield con


def _open(con, name="nanhu", at=T0):
    return sessions.open_session(con, accounts.get_user(con, name), now=at)


def test_the_row_holds_the_hash_of_a_random_token_never_the_token_or_the_name(users):
    token, session = _open(users)
    other, _ = _open(users)
    assert token != other and len(token) >= 40 and "nanhu" not in token
    rows = users.execute("SELECT * FROM sessions").fetchall()
    assert len(rows) == 2 and not any(token in str(cell) for row in rows for cell in row)
    found = sessions.find_session(users, sessions.token_hash(token))
    assert found == session and found.username == "nanhu" and found.ended_at is None
    assert sessions.find_session(users, sessions.token_hash(token + "x")) is None


def test_sign_out_ends_that_session_only_and_is_audited(users):
    token, session = _open(users)
    other, _ = _open(users)
    sessions.sign_out(users, session, now=T0 + dt.timedelta(minutes=1))
    ended = sessions.find_session(users, sessions.token_hash(token))
    assert (ended.ended_reason, ended.ended_at) == ("signed_out", T0 + dt.timedelta(minutes=1))
    assert sessions.check_session(users, session, now=T0 + dt.timedelta(minutes=2)) is None
    assert sessions.find_session(users, sessions.token_hash(other)).ended_at is None
    assert users.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_out'").fetchall()[0][0] == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda con: accounts.disable_user(con, "nanhu", by="admin"), "disabled"),
        (lambda con: accounts.set_password(con, "nanhu", PW + "!", by="admin"), "password_changed"),
    ],
)
def test_a_disable_or_a_password_change_ends_every_open_session_of_the_account(users, change, reason):
    mine = [_open(users)[1] for _ in range(2)]
    admins = _open(users, "admin")[1]
    change(users)
    for s in mine:
        stored = sessions.find_session(users, s.token_hash)
        assert stored.ended_reason == reason
        assert sessions.check_session(users, s, now=dt.datetime.now()) is None
    assert sessions.find_session(users, admins.token_hash).ended_at is None


def test_a_live_row_is_a_session_until_idle_or_too_old(users):
    _, s = _open(users, at=dt.datetime.now() - dt.timedelta(minutes=10))
    assert sessions.check_session(users, s).username == "nanhu"
    assert sessions.check_session(users, s, now=s.signed_in_at + dt.timedelta(minutes=31)) is None
    sessions.record_seen(users, s.token_hash, s.signed_in_at + dt.timedelta(minutes=25))
    seen = sessions.find_session(users, s.token_hash)
    assert sessions.session_state(seen, now=s.signed_in_at + dt.timedelta(minutes=31)) == "active"
    assert sessions.session_state(seen, now=s.signed_in_at + dt.timedelta(hours=13)) == "idle"


def test_rows_older_than_a_month_are_dropped_at_the_next_sign_in(users):
    _, old = _open(users, at=T0 - dt.timedelta(days=40))
    _open(users, at=T0)
    assert sessions.find_session(users, old.token_hash) is None


def test_the_cookie_value_is_signed_and_a_forged_one_is_refused(users):
    key = sessions.cookie_key(users)
    assert key == sessions.cookie_key(users) and len(key) == 32  # made once, kept
    token, _ = _open(users)
    value = sessions.sign_token(key, token)
    assert sessions.signed_token(key, value) == token
    for bad in (
        token,  # no signature
        value[:-1] + ("0" if value[-1] != "0" else "1"),  # signature changed
        "other" + value,  # token changed
        sessions.sign_token(b"another key" * 3, token),
        "nanhu",
        "",
        None,
        "伪造.令牌",
        "x" * 500 + "." + "0" * 64,
    ):
        assert sessions.signed_token(key, bad) is None, bad


@pytest.mark.parametrize(
    ("asked", "safe"),
    [
        ("/regions?region=330402", "/regions?region=330402"),
        ("/", "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/upload\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_the_route_only_ever_leads_back_into_this_app(asked, safe):
    assert cookie.safe_next(asked) == safe


def test_a_handoff_code_works_once_and_not_after_its_minute(monkeypatch):
    code = cookie.hand_off("v.sig", max_age=60, next_url="/upload", binding="b")
    got = cookie._take(code)
    assert (got.value, got.next_url, got.binding) == ("v.sig", "/upload", "b")
    assert cookie._take(code) is None  # used
    late = cookie.hand_off("v.sig", max_age=60, next_url="/", binding=None)
    start = time.monotonic()
    monkeypatch.setattr(cookie.time, "monotonic", lambda: start + cookie.HANDOFF_SECONDS + 1)
    assert cookie._take(late) is None
    assert cookie._take("never issued") is None
