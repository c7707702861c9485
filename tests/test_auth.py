"""Local accounts: salted scrypt hashes with their parameters, validation of every field, sign-in
slowed and then locked after repeated failures (unknown names alike), sessions that expire, and
the `kpi user` commands with the password never on the command line."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import kpi_command, run_kpi

from kpi.access import accounts, passwords, sessions
from kpi.cli import main
from kpi.model.errors import BadSetting, InvalidInput
from kpi.model.roles import Forbidden, Role, Viewer
from kpi.store import audit, connection, queries

PW = "correct horse battery"
T0 = dt.datetime(2026, 1, 15, 9, 0)


@pytest.fixture
def con(db: Path):
    with connection.connect(db) as c:
        yield c


@pytest.fixture
def users(con):
    accounts.add_user(con, "admin", PW, "admin", by="root", now=T0)
    accounts.add_user(con, "Nanhu", PW, Role.COUNTY, region="南湖区", display_name="张三", by="admin", now=T0)
    return con


class Sleeps(list[float]):
    """Records the delays instead of waiting them (timing belongs in benchmarks)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# ---------------------------------------------------------------- hashes


def test_a_hash_is_salted_and_carries_its_parameters():
    one, two = passwords.hash_password(PW), passwords.hash_password(PW)
    assert one != two  # a random salt per hash
    scheme, n, r, p, salt, digest = one.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(salt) == 24 and len(digest) == 44  # 16 and 32 bytes, base64
    assert passwords.check_password(PW, one) and passwords.check_password(PW, two)
    assert not passwords.check_password(PW + " ", one)
    assert not passwords.needs_rehash(one)


@pytest.mark.parametrize(
    "stored", ["", "plain", "scrypt$1$8$1$AAAA$AAAA", "bcrypt$x", "scrypt$16384$8$1$!!$??"]
)
def test_a_malformed_hash_never_matches(stored):
    assert not passwords.check_password(PW, stored)


def test_the_unknown_name_check_costs_a_full_scrypt_at_todays_parameters():
    assert passwords.dummy_hash().startswith(
        f"scrypt${passwords.SCRYPT_N}${passwords.SCRYPT_R}${passwords.SCRYPT_P}$"
    )
    assert not passwords.check_password("", passwords.dummy_hash())


def test_a_hash_with_old_parameters_is_upgraded_at_the_next_sign_in(users):
    weaker = passwords.hash_password(PW, n=2**12)
    assert passwords.needs_rehash(weaker)
    with connection.transaction(users):  # writes take the lock inside a transaction only
        users.execute("UPDATE users SET password_hash = $h WHERE username = 'admin'", {"h": weaker})
    assert sessions.verify(users, "admin", PW, now=T0) is not None
    stored = users.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchall()[0][0]
    assert stored.startswith("scrypt$16384$8$1$") and passwords.check_password(PW, stored)


# ---------------------------------------------------------------- accounts


def test_add_user_stores_a_county_officials_unit_as_its_code(users):
    user = accounts.get_user(users, "NANHU ")  # names are compared in lower case
    assert user is not None
    assert (user.username, user.display_name, user.role, user.region, user.active) == (
        "nanhu",
        "张三",
        Role.COUNTY,
        "330402",
        True,
    )
    assert user.viewer == Viewer("nanhu", Role.COUNTY, "330402")
    assert [u.username for u in accounts.list_users(users)] == ["admin", "nanhu"]


@pytest.mark.parametrize(
    ("username", "password", "role", "region", "key"),
    [
        ("a", PW, "leader", None, "bad_username"),
        ("has space", PW, "leader", None, "bad_username"),
        ("x" * 65, PW, "leader", None, "bad_username"),
        ("semi;colon", PW, "leader", None, "bad_username"),
        ("newuser", "short", "leader", None, "password_short"),
        ("newuser", "x" * 257, "leader", None, "password_long"),
        ("newuser", PW, "boss", None, "bad_role"),
        ("newuser", PW, "county", None, "region_required"),
        ("newuser", PW, "county", "嘉兴市", "region_not_unit"),
        ("newuser", PW, "county", "火星", "region_not_unit"),
        ("newuser", PW, "leader", "南湖区", "region_not_allowed"),
        ("admin", PW, "leader", None, "user_exists"),
        ("ADMIN", PW, "leader", None, "user_exists"),
    ],
)
def test_a_bad_account_is_refused_and_nothing_is_written(users, username, password, role, region, key):
    before = queries.row_counts(users)
    with pytest.raises(InvalidInput) as refused:
        accounts.add_user(users, username, password, role, region=region, by="admin")
    assert refused.value.key == key
    assert queries.row_counts(users) == before


def test_the_last_active_admin_cannot_be_disabled_or_demoted(users):
    for change in (
        lambda: accounts.disable_user(users, "admin", by="root"),
        lambda: accounts.set_role(users, "admin", "leader", by="root"),
    ):
        with pytest.raises(InvalidInput) as refused:
            change()
        assert refused.value.message("zh") == "不能停用或降级最后一个启用的管理员 admin：请先添加另一个管理员"
    accounts.add_user(users, "admin2", PW, "admin", by="admin")
    accounts.disable_user(users, "admin", by="admin2")
    assert not accounts.get_user(users, "admin").active


def test_set_role_moves_a_user_between_scopes(users):
    user = accounts.set_role(users, "nanhu", "county", region="秀洲", by="admin")
    assert user.viewer == Viewer("nanhu", Role.COUNTY, "330411")
    user = accounts.set_role(users, "nanhu", "statistician", by="admin")
    assert user.viewer == Viewer("nanhu", Role.STATISTICIAN, None)


# ---------------------------------------------------------------- sign-in


def test_verify_accepts_only_the_right_password_of_an_active_account(users):
    assert sessions.verify(users, "nanhu", PW, now=T0).viewer.region == "330402"
    assert sessions.verify(users, " Nanhu", PW, now=T0) is not None
    assert sessions.verify(users, "nanhu", "wrong password", now=T0, sleep=Sleeps()) is None
    assert sessions.verify(users, "nobody", PW, now=T0, sleep=Sleeps()) is None
    accounts.disable_user(users, "nanhu", by="admin")
    assert sessions.verify(users, "nanhu", PW, now=T0, sleep=Sleeps()) is None


@pytest.mark.parametrize("name", ["nanhu", "nobody"])  # a known name and an unknown one alike
def test_failures_slow_down_then_lock_the_name(users, name):
    sleeps = Sleeps()
    outcomes = []
    for minute in range(5):
        attempt = sessions.check_sign_in(users, name, "wrong password", now=T0 + dt.timedelta(minutes=minute))
        sleeps(attempt.delay)
        outcomes.append(attempt.outcome)
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]  # KPI_LOGIN_DELAY_SECONDS, doubling
    assert outcomes == ["failed"] * 4 + ["locked"]  # KPI_LOGIN_MAX_FAILURES = 5
    until = T0 + dt.timedelta(minutes=4 + 15)  # KPI_LOGIN_LOCK_MINUTES = 15
    # while locked, even the right password is refused, at once and without a hash computed
    locked = sessions.check_sign_in(users, name, PW, now=until - dt.timedelta(seconds=1))
    assert (locked.outcome, locked.delay, locked.locked_until) == ("locked", 0.0, until)
    assert locked.message("zh") == "登录失败次数过多，该账号已暂时锁定，请在 09:19 后重试"
    after = sessions.check_sign_in(users, name, PW, now=until + dt.timedelta(seconds=1))
    assert after.outcome == ("ok" if name == "nanhu" else "failed")
    if name == "nobody":
        assert after.delay == 0.5  # a lock that ran out starts a new count


def test_a_success_resets_the_count(users):
    for _ in range(4):
        sessions.check_sign_in(users, "nanhu", "wrong password", now=T0)
    assert sessions.check_sign_in(users, "nanhu", PW, now=T0).outcome == "ok"
    assert sessions.check_sign_in(users, "nanhu", "wrong password", now=T0).delay == 0.5


def test_the_answer_is_the_same_whether_the_name_exists_or_not(users):
    known = sessions.check_sign_in(users, "nanhu", "wrong password", now=T0)
    unknown = sessions.check_sign_in(users, "nobody", "wrong password", now=T0)
    disabled_pw = accounts.add_user(users, "gone", PW, "leader", by="admin")
    accounts.disable_user(users, disabled_pw.username, by="admin")
    disabled = sessions.check_sign_in(users, "gone", PW, now=T0)
    assert known == unknown == disabled
    assert known.message("zh") == "用户名或密码不正确，或账号已停用"


def test_settings_change_the_delay_and_the_lock(users, monkeypatch):
    monkeypatch.setenv("KPI_LOGIN_MAX_FAILURES", "2")
    monkeypatch.setenv("KPI_LOGIN_DELAY_SECONDS", "0")
    assert sessions.check_sign_in(users, "nanhu", "x" * 10, now=T0).delay == 0
    assert sessions.check_sign_in(users, "nanhu", "x" * 10, now=T0).outcome == "locked"
    monkeypatch.setenv("KPI_LOGIN_LOCK_MINUTES", "soon")
    with pytest.raises(BadSetting) as bad:
        sessions.check_sign_in(users, "other", "x" * 10, now=T0)
    assert bad.value.message("zh") == "设置 KPI_LOGIN_LOCK_MINUTES 的值“soon”无效：应为 an integer ≥ 1"


def test_sign_in_waits_with_the_database_closed(db: Path):
    """The failure delay runs after the connection is closed: a shell command gets in meanwhile."""
    with connection.connect(db) as con:
        accounts.add_user(con, "admin", PW, "admin", by="root")
    results = []

    def sleep_and_try_the_shell(seconds: float) -> None:
        results.append(run_kpi("user", "list", db=db, env={"KPI_LOCK_TIMEOUT": "0"}))

    attempt = sessions.sign_in(db, "admin", "wrong password", sleep=sleep_and_try_the_shell)
    assert attempt.outcome == "failed" and attempt.user is None
    assert results[0].returncode == 0, results[0].stderr
    assert "admin" in results[0].stdout
    assert sessions.sign_in(db, "admin", PW).user.username == "admin"


def test_oidc_maps_the_providers_email_to_a_local_account(users):
    accounts.add_user(users, "wang@jx.gov.cn", PW, "leader", by="admin")
    assert sessions.oidc_sign_in(users, "Wang@JX.gov.cn").viewer == Viewer("wang@jx.gov.cn", Role.LEADER)
    assert sessions.oidc_sign_in(users, "stranger@example.com") is None
    events = audit.list_events(users, limit=2)
    assert list(events["action"]) == ["sign_in_failed", "sign_in"]


# ---------------------------------------------------------------- sessions


def _session(users) -> sessions.Session:
    return sessions.start_session(accounts.get_user(users, "nanhu"), now=T0)


def test_a_session_ends_after_30_idle_minutes_or_12_hours(users):
    s = _session(users)
    assert sessions.session_state(s, now=T0 + dt.timedelta(minutes=30)) == "active"
    assert sessions.session_state(s, now=T0 + dt.timedelta(minutes=31)) == "idle"
    for hour in range(1, 13):  # a page run every half hour keeps it alive ...
        s = sessions.touch(s, now=T0 + dt.timedelta(hours=hour))
    assert not sessions.is_expired(s, now=T0 + dt.timedelta(hours=12))
    s = sessions.touch(s, now=T0 + dt.timedelta(hours=12, minutes=20))
    assert (
        sessions.session_state(s, now=T0 + dt.timedelta(hours=12, minutes=21)) == "too_old"
    )  # ... 12 h at most


def test_session_settings_come_from_the_environment(users, monkeypatch):
    monkeypatch.setenv("KPI_SESSION_MINUTES", "5")
    s = _session(users)
    assert not sessions.is_expired(s, now=T0 + dt.timedelta(minutes=5))
    assert sessions.is_expired(s, now=T0 + dt.timedelta(minutes=6))
    monkeypatch.setenv("KPI_SESSION_MINUTES", "0")
    with pytest.raises(BadSetting):
        sessions.is_expired(s, now=T0)


def test_check_session_follows_the_account(users):
    s = _session(users)
    assert sessions.check_session(users, s, now=T0 + dt.timedelta(minutes=1)).role is Role.COUNTY
    assert sessions.check_session(users, None) is None
    assert sessions.check_session(users, s, now=T0 + dt.timedelta(hours=1)) is None  # idle
    accounts.set_role(users, "nanhu", "leader", by="admin", now=T0)
    assert sessions.check_session(users, s, now=T0 + dt.timedelta(minutes=1)).viewer == Viewer(
        "nanhu", "leader"
    )
    accounts.set_password(users, "nanhu", PW + "!", by="admin", now=T0 + dt.timedelta(minutes=2))
    assert sessions.check_session(users, s, now=T0 + dt.timedelta(minutes=3)) is None  # signed in before
    s = sessions.start_session(accounts.get_user(users, "nanhu"), now=T0 + dt.timedelta(minutes=3))
    assert sessions.check_session(users, s, now=T0 + dt.timedelta(minutes=4)) is not None
    accounts.disable_user(users, "nanhu", by="admin")
    assert sessions.check_session(users, s, now=T0 + dt.timedelta(minutes=5)) is None


# ---------------------------------------------------------------- the command line


def test_the_password_is_never_a_command_line_argument():
    parser = main.build_parser()
    for argv in (["user", "add", "x", "--role", "admin"], ["user", "passwd", "x"]):
        args = parser.parse_args(argv)
        assert not any("pass" in name and name != "passwd" for name in vars(args)), vars(args)
    with pytest.raises(SystemExit):
        parser.parse_args(["user", "add", "x", "--role", "admin", "--password", PW])


def _kpi(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real `kpi` command in a subprocess, the password on its standard input."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    return subprocess.run(
        [kpi_command(), *args, "--db", str(db)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def _main(capsys, monkeypatch, db: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """The same command line in-process (fast), stdin a pipe as in a script."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main.main([*args, "--db", str(db)])
    out = capsys.readouterr()
    return code, out.out.strip(), out.err.strip()


@pytest.mark.slow
def test_first_admin_from_a_shell(tmp_path: Path):
    db = tmp_path / "new.duckdb"
    # an account is not data loaded: it needs a database made by `kpi init` (a mistyped --db
    # would otherwise get a new database holding one administrator)
    assert _kpi(db, "user", "add", "admin", "--role", "admin", stdin=PW + "\n").returncode == 2
    assert not db.exists()
    assert _kpi(db, "init").returncode == 0
    done = _kpi(db, "user", "add", "admin", "--role", "admin", "--by", "installer", stdin=PW + "\n")
    assert (done.returncode, done.stdout.strip()) == (0, "已创建用户 admin（管理员）"), done.stderr
    listed = _kpi(db, "user", "list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[1].split() == ["admin", "—", "管理员", "—", "启用", "—"]
    with connection.connect(db) as con:
        assert sessions.verify(con, "admin", PW).role is Role.ADMIN
        assert audit.list_events(con, action="user_add")["actor"].tolist() == ["installer"]


def test_adding_and_changing_users_from_the_command_line(db: Path, capsys, monkeypatch):
    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return _main(capsys, monkeypatch, db, *args, stdin=stdin)

    assert run("user", "add", "admin", "--role", "admin", stdin=PW + "\n")[0] == 0
    added = run("user", "add", "nanhu", "--role", "county", "--region", "南湖", "--name", "张三", stdin=PW)
    assert added == (0, "已创建用户 nanhu（区县，南湖区）", "")
    assert run("user", "add", "xz", "--role", "county", stdin=PW + "\n") == (
        2,
        "",
        "区县账号必须指定所属单位（--region，九个统计单位之一，如 南湖区 或 330402）",
    )
    assert run("user", "add", "xz", "--role", "leader", "--lang", "en", stdin="short\n") == (
        2,
        "",
        "the password is too short: at least 10 characters",
    )
    code, listed, _ = run("user", "list")
    assert code == 0 and listed.splitlines()[2].split() == ["nanhu", "张三", "区县", "南湖区", "启用", "—"]
    assert "scrypt" not in listed
    assert run("user", "passwd", "nanhu", stdin="another long one\n")[0] == 0
    assert run("user", "disable", "nanhu")[0] == 0
    code, _, err = run("user", "disable", "admin")
    assert code == 2 and "最后一个启用的管理员" in err
    assert run("user", "role", "nanhu", "--role", "county", "--region", "秀洲区") == (
        0,
        "已将 nanhu 的角色改为 区县，秀洲区",
        "",
    )
    with connection.connect(db) as con:
        assert sessions.verify(con, "nanhu", "another long one", sleep=Sleeps()) is None  # disabled
        accounts.enable_user(con, "nanhu", by="test")
        assert sessions.verify(con, "nanhu", "another long one").viewer.region == "330411"
        actions = list(audit.list_events(con)["action"])[::-1]
    assert actions == [
        "user_add",
        "user_add",
        "user_password",
        "user_disable",
        "user_role",
        "sign_in_failed",
        "user_enable",
        "sign_in",
    ]


def test_a_terminal_password_is_asked_twice_and_must_match(db: Path, monkeypatch):
    answers = iter([PW, PW + "x"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main.main(["user", "add", "admin", "--role", "admin", "--db", str(db)]) == 2
    with connection.connect(db) as con:
        assert accounts.list_users(con) == []


def test_only_an_administrator_manages_accounts_through_the_viewer(users):
    admin = accounts.get_user(users, "admin").viewer
    county = accounts.get_user(users, "nanhu").viewer
    leader = accounts.add_user(users, "lingdao", PW, "leader", viewer=admin).viewer
    before = queries.row_counts(users)
    for change in (
        lambda: accounts.add_user(users, "x1", PW, "leader", viewer=leader),
        lambda: accounts.set_role(users, "nanhu", "leader", viewer=county),
        lambda: accounts.disable_user(users, "nanhu", viewer=leader),
        lambda: accounts.enable_user(users, "nanhu", viewer=county),
        lambda: accounts.set_password(users, "lingdao", "someone else's", viewer=county),
        lambda: audit.list_events(users, viewer=leader),
    ):
        with pytest.raises(Forbidden):
            change()
    assert queries.row_counts(users) == before
    accounts.set_password(users, "nanhu", "my own new password", viewer=county)  # one's own: allowed
    accounts.disable_user(users, "lingdao", viewer=admin)
    events = audit.list_events(users, limit=3, viewer=admin)
    assert list(zip(events["actor"], events["action"], strict=True)) == [
        ("admin", "user_disable"),
        ("nanhu", "user_password"),
        ("admin", "user_add"),
    ]
