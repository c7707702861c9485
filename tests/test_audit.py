"""The audit trail: one event per committed change (who, when, what), none for a rejected or
interrupted one, never a password, and no way for the app to change or remove an event."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import FIXTURES, GOOD_ROW, TODAY, ingest_text, run_kpi, stats_csv

from kpi.access import accounts, sessions
from kpi.ingest.clusters import ingest_clusters
from kpi.ingest.platforms import ingest_platforms
from kpi.ingest.stats import ingest_stats
from kpi.model.roles import Role, Viewer
from kpi.platforms import rewards
from kpi.store import audit, connection, writes

ROOT = Path(__file__).resolve().parents[1]
PW = "correct horse battery"
STATISTICIAN = Viewer("tongji", Role.STATISTICIAN)
ADMIN = Viewer("guanli", Role.ADMIN)


def _events(db: Path, **filters) -> list[tuple[str, str, dict]]:
    """(actor, action, detail), oldest first."""
    with connection.connect(db) as con:
        frame = audit.list_events(con, **filters)
    return [(r.actor, r.action, audit.detail_of(r.detail)) for r in frame.itertuples()][::-1]


def test_an_upload_and_its_rollback_are_recorded_with_who_and_what(db: Path):
    with connection.connect(db) as con:
        done = ingest_stats(con, stats_csv(GOOD_ROW).encode(), "2025Q1.csv", today=TODAY, viewer=STATISTICIAN)
        writes.rollback_upload(con, done.upload_id, viewer=STATISTICIAN)
        at = audit.list_events(con)["at"]
    assert _events(db) == [
        (
            "tongji",
            "upload",
            {
                "upload_id": done.upload_id,
                "kind": "stats",
                "file": "2025Q1.csv",
                "rows": 1,
                "new": 1,
                "revised": 0,
                "unchanged": 0,
                "demo": False,
            },
        ),
        ("tongji", "rollback", {"upload_id": done.upload_id, "kind": "stats", "rows": 1}),
    ]
    assert at.notna().all()


def test_a_rejected_file_leaves_no_event(db: Path):
    assert not ingest_text(db, stats_csv("2025Q1,火星,,30,1000,500,1000,70,100")).stored
    assert _events(db) == []


def test_register_taxonomy_target_and_reward_rule_changes_are_recorded(db: Path):
    register = "平台名称,依托单位,县(市、区),服务集群,级别\n平台,单位,南湖区,智能光伏,省级\n"
    taxonomy = "code,name,name_en,tier,group,confirmed\nC9-99,测试集群,Test,N,future,false\n"
    with connection.connect(db) as con:
        ingest_platforms(con, register.encode(), "名录.csv", viewer=STATISTICIAN)
        ingest_clusters(con, taxonomy.encode(), "135N.csv", viewer=ADMIN)
        with connection.transaction(con):
            writes.set_target(con, "rd_intensity", value=0.033, viewer=ADMIN)
        assert rewards.save_settings(con, {"provincial_award_wan": "1200"}, by="guanli") == {}
    events = _events(db)
    assert [(a, act) for a, act, _ in events] == [
        ("tongji", "upload"),
        ("guanli", "taxonomy_change"),
        ("guanli", "target_change"),
        ("guanli", "reward_settings"),
    ]
    assert events[0][2]["kind"] == "platforms" and events[1][2]["file"] == "135N.csv"
    assert events[2][2] == {
        "indicator": "rd_intensity",
        "before": {"value": 0.0315},
        "after": {"value": 0.033},
    }
    assert events[3][2] == {
        "before": {"provincial_award_wan": "1000"},
        "after": {"provincial_award_wan": "1200"},
    }


def test_sign_ins_and_user_changes_are_recorded_without_passwords(db: Path):
    with connection.connect(db) as con:
        accounts.add_user(con, "admin", PW, "admin", by="root")
        accounts.add_user(con, "nanhu", PW, "county", region="南湖区", by="admin")
        accounts.set_password(con, "nanhu", "a brand new secret", by="admin")
        sessions.check_sign_in(con, "nanhu", PW)  # the old password
        user = sessions.check_sign_in(con, "nanhu", "a brand new secret").user
        sessions.sign_out(con, sessions.start_session(user))
        sessions.check_sign_in(con, "ghost", "whatever it is")
        accounts.disable_user(con, "nanhu", by="admin")
        stored = con.execute("SELECT password_hash FROM users").fetchall()
        raw = con.execute("SELECT CAST(detail AS VARCHAR) FROM audit_log").fetchall()
    assert [(a, act) for a, act, _ in _events(db)] == [
        ("root", "user_add"),
        ("admin", "user_add"),
        ("admin", "user_password"),
        ("nanhu", "sign_in_failed"),
        ("nanhu", "sign_in"),
        ("nanhu", "sign_out"),
        ("ghost", "sign_in_failed"),
        ("admin", "user_disable"),
    ]
    failed = _events(db, action="sign_in_failed")
    assert [e[2]["reason"] for e in failed] == ["wrong_password", "unknown_user"]
    text = " ".join(r[0] for r in raw)
    for secret in (PW, "a brand new secret", "scrypt", *(h[0] for h in stored)):
        assert secret not in text


def test_list_events_filters_by_actor_action_and_limit(db: Path):
    with connection.connect(db) as con:
        for n in range(5):
            with connection.transaction(con):
                audit.record(con, f"user{n % 2}", "sign_out", n=n)
        assert len(audit.list_events(con, limit=3)) == 3
        assert audit.list_events(con, actor="user1")["detail"].map(audit.detail_of).tolist() == [
            {"n": 3},
            {"n": 1},
        ]
        assert audit.list_events(con, action="sign_in").empty
        with pytest.raises(ValueError):
            audit.list_events(con, action="delete_everything")


def test_the_command_line_records_the_os_user_or_by(db: Path):
    stored = run_kpi("ingest", "stats", str(FIXTURES / "stats_gbk.csv"), "--by", "王五", db=db)
    assert stored.returncode == 0, stored.stderr
    rolled = run_kpi("rollback", "1", db=db, env={"USER": "ops"})
    assert rolled.returncode == 0, rolled.stderr
    done = run_kpi("audit", "--limit", "5", db=db)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert re.match(r"^2\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\S+\s+撤回上传\s+\{", lines[0])
    assert re.match(r"^1\s+\S+ \S+\s+王五\s+上传\s+\{.*\"file\": \"stats_gbk.csv\"", lines[1])
    actor = _events(db, action="rollback")[0][0]
    assert actor not in ("", "王五")  # the login name of whoever ran it


def test_an_interrupted_change_records_nothing(db: Path):
    ingest_text(db, stats_csv(GOOD_ROW))
    with connection.connect(db) as con:
        before = audit.list_events(con)
        with pytest.raises(RuntimeError), connection.transaction(con):
            writes.set_target(con, "rd_intensity", value=0.05, by="x")
            raise RuntimeError("power cut")
        assert audit.list_events(con).equals(before)


# ---------------------------------------------------------------- append-only, by construction

SOURCES = sorted(  # every module of the package, in every subpackage
    [*ROOT.joinpath("kpi").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py"), ROOT / "dashboard.py"]
)


def test_no_code_updates_or_deletes_an_event():
    for path in SOURCES:
        code = path.read_text(encoding="utf-8")
        for pattern in (
            r"UPDATE\s+audit_log",
            r"DELETE\s+FROM\s+audit_log",
            r"(DROP|TRUNCATE|ALTER)\s+\w*\s*audit_log",
        ):
            assert not re.search(pattern, code, re.IGNORECASE), (path.name, pattern)
        if path.name != "audit.py":
            assert not re.search(r"INSERT\s+INTO\s+audit_log", code, re.IGNORECASE), path.name


def test_the_audit_module_offers_only_record_and_read():
    public = {name for name in dir(audit) if not name.startswith("_") and callable(getattr(audit, name))}
    functions = {n for n in public if getattr(getattr(audit, n), "__module__", "") == "kpi.store.audit"}
    assert functions == {"Action", "action_label", "detail_of", "list_events", "record"}
