"""No exception text reaches a user from an ingest (issue 15): a failure no check foresaw is
"文件未入库" with a reference, exit code 2, the database unchanged, the trace in the log only
(kpi.ingest.guard, kpi.cli.logs); a failure of the system goes on to the caller, still without
its text on the terminal. A run of several files says which were stored and which not; the
status JSON is strict JSON whatever the stored numbers."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
import support
from support import GOOD_ROW, fingerprint, ingest_bytes, ingest_text, run_kpi, stats_csv

from kpi.cli import main, output
from kpi.ingest.platforms import ingest_platforms
from kpi.platforms import reviews
from kpi.store import connection

EXCEPTION_TEXT = re.compile(r"Traceback|\w+(Error|Exception)\b|ArrowInvalid|injected")
INTERNAL = re.compile(
    r"文件未入库：检查或写入此文件时发生意外错误（详情已记入日志，编号 (?P<ref>[0-9a-f]{8})）；"
    r"请核对文件后重试，如仍失败请将文件和编号交给系统管理员 \[INTERNAL_ERROR\]"
)


@pytest.fixture
def seeded(db: Path) -> tuple[Path, tuple]:
    assert ingest_text(db, stats_csv(GOOD_ROW)).stored
    return db, fingerprint(db)


def _file(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(stats_csv(*rows), encoding="utf-8")
    return path


def test_an_unexpected_failure_is_file_not_stored_with_a_reference_and_the_trace_only_in_the_log(
    seeded, tmp_path: Path
):
    db, before = seeded
    log = tmp_path / "logs" / "kpi.log"
    log.parent.mkdir()
    f = _file(tmp_path, "季报.csv", "2025Q2,南湖区,,30,1000,500,1000,70,100")
    out = run_kpi(
        "ingest", "stats", str(f), db=db, env={"KPI_FAILPOINT": "ingest_error", "KPI_LOG": str(log)}
    )
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert lines[0] == "文件 季报.csv 未入库：发现 1 个问题"
    found = INTERNAL.fullmatch(lines[1].strip())
    assert found and len(lines) == 2 and out.stdout == ""
    assert not EXCEPTION_TEXT.search(out.stderr)
    trace = log.read_text(encoding="utf-8")
    assert f"[ref {found['ref']}]" in trace and "Traceback" in trace and "injected failure" in trace
    assert fingerprint(db) == before


def test_debug_shows_the_trace_on_the_terminal(seeded, tmp_path: Path):
    db, _ = seeded
    f = _file(tmp_path, "q.csv", "2025Q2,南湖区,,30,1000,500,1000,70,100")
    env = {"KPI_FAILPOINT": "ingest_error", "KPI_LOG": str(tmp_path / "kpi.log")}
    out = run_kpi("ingest", "stats", str(f), "--debug", db=db, env=env)
    assert out.returncode == 2 and "Traceback" in out.stderr and "injected failure" in out.stderr


def test_the_log_file_defaults_to_beside_the_database(seeded, tmp_path: Path):
    db, _ = seeded
    f = _file(tmp_path, "q.csv", "2025Q2,南湖区,,30,1000,500,1000,70,100")
    out = run_kpi("ingest", "stats", str(f), db=db, env={"KPI_FAILPOINT": "ingest_error"})
    assert out.returncode == 2 and not EXCEPTION_TEXT.search(out.stderr)
    assert "injected failure" in db.with_name("kpi.log").read_text(encoding="utf-8")


def _boom(*args, **kwargs):
    raise pa.ArrowInvalid("Failed to parse string: '２０２５' as a scalar of type double")


def test_a_library_failing_inside_a_stats_ingest_rejects_the_file_plainly(seeded, monkeypatch):
    db, before = seeded
    monkeypatch.setattr(pacsv, "read_csv", _boom)  # the CSV reader the fast road hands the cells to
    result = ingest_bytes(db, stats_csv("2025Q2,南湖区,,30,1000,500,1000,70,100").encode(), "q.csv")
    assert not result.stored and [i.code for i in result.report.errors] == ["INTERNAL_ERROR"]
    for lang in ("zh", "en"):
        assert not EXCEPTION_TEXT.search(result.report.errors[0].describe(lang))
    assert fingerprint(db) == before


def test_a_library_failing_inside_the_register_or_reviews_rejects_the_file_plainly(seeded, monkeypatch):
    db, before = seeded
    import kpi.ingest.csvfile as csvfile

    def broken_reader(*args, **kwargs):
        raise ValueError("year 0 is out of range")

    monkeypatch.setattr(csvfile.csv, "reader", broken_reader)  # the standard library's csv module
    register = (
        "平台名称,依托单位,县(市、区),服务集群,级别\n光伏中试平台,某公司,海宁市,智能光伏,省级\n".encode()
    )
    with connection.connect(db) as con:
        for result in (
            ingest_platforms(con, register, "名录.csv"),
            reviews.ingest_reviews(con, "平台名称,依托单位,考核年度,考核得分\n".encode(), "考核.csv"),
        ):
            assert not result.stored and [i.code for i in result.report.errors] == ["INTERNAL_ERROR"]
            assert not EXCEPTION_TEXT.search(result.report.errors[0].describe("zh"))
    assert fingerprint(db) == before


def test_a_system_failure_is_not_taken_for_a_bad_file_and_shows_no_exception_text(
    seeded, tmp_path: Path, monkeypatch, capsys
):
    db, before = seeded

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pacsv, "read_csv", disk_full)
    with pytest.raises(OSError):  # the core lets it through to whoever can name it
        ingest_bytes(db, stats_csv(GOOD_ROW).encode(), "q.csv")
    monkeypatch.setenv("KPI_LOG", str(tmp_path / "kpi.log"))
    f = _file(tmp_path, "q.csv", GOOD_ROW)
    assert main.main(["ingest", "stats", str(f), "--db", str(db)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "文件 q.csv 未入库"
    assert re.fullmatch(r"失败：发生意外错误（详情已记入日志 .*kpi\.log，编号 [0-9a-f]{8}）", err[1])
    assert not EXCEPTION_TEXT.search("\n".join(err)) and "No space" not in "\n".join(err)
    assert fingerprint(db) == before


# ---------------------------------------------------------------- a run of several files


def test_a_mixed_run_says_per_file_what_was_stored_and_exits_2(seeded, tmp_path: Path):
    db, _ = seeded
    good = _file(tmp_path, "good.csv", "2025Q2,南湖区,,30,1000,500,1000,70,100")
    bad = _file(tmp_path, "bad.csv", '2025Q2,秀洲区,,"1,5",1000,500,1000,70,100')
    out = run_kpi("ingest", "stats", str(good), str(bad), db=db)
    assert out.returncode == 2
    assert out.stdout.splitlines() == [
        "文件 good.csv 已入库：1 行（新增 1 行，修订 0 行，未变 0 行），上传编号 2"
    ]
    assert out.stderr.splitlines()[0] == "文件 bad.csv 未入库：发现 1 个问题"
    assert out.stderr.splitlines()[-1] == (
        f"2 个文件中 1 个已入库、1 个未入库。已入库：{good}；未入库：{bad}（每个文件单独入库，已入库的文件不受影响）"
    )
    with connection.connect(db) as con:
        assert con.execute("SELECT region FROM stat_values WHERE period = '2025Q2'").fetchall() == [
            ("330402",)
        ]
    both = run_kpi("ingest", "stats", str(good), str(good), db=db, env={})
    assert both.returncode == 0 and both.stdout.splitlines()[-1].startswith(
        "2 个文件中 2 个已入库、0 个未入库。"
    )
    english = run_kpi("ingest", "stats", str(bad), str(good), "--lang", "en", db=db)
    assert english.returncode == 2 and english.stderr.splitlines()[-1].startswith(
        "1 of 2 files stored, 1 not."
    )


# ---------------------------------------------------------------- strict JSON


def test_status_json_never_holds_nan_or_infinity(tmp_path: Path, _db_template: Path):
    """A database written before the bounds (an inf stored) still answers in strict JSON."""
    db = tmp_path / "old.duckdb"
    shutil.copyfile(_db_template, db)
    assert ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100")).stored
    with connection.connect(db, write=True) as con:
        con.execute("UPDATE stat_values SET rd_expense = 'inf'::DOUBLE, operating_revenue = 'inf'::DOUBLE")
    out = run_kpi("status", "--json", "--period", "2025Q1", db=db)
    assert out.returncode == 0

    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    answer = json.loads(out.stdout, parse_constant=refuse)
    rd = answer["indicators"]["rd_intensity"]
    assert rd["value"] is None and rd["numerator"] is None and rd["denominator"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (math.nan, None),
        (math.inf, None),
        (-math.inf, None),
        ({"a": [1.5, math.nan, {"b": math.inf}]}, {"a": [1.5, None, {"b": None}]}),
        ((0.0, "x", None), [0.0, "x", None]),
    ],
)
def test_non_finite_numbers_are_null_in_json(value, expected):
    assert output.finite(value) == expected
    assert json.loads(output.to_json(value)) == expected


# ---------------------------------------------------------------- the upload page


def test_the_upload_page_shows_file_not_stored_and_no_exception_text(app_db: Path, monkeypatch):
    at = support.app("statistician").run()
    at.switch_page("pages/upload.py").run()
    before = fingerprint(app_db)  # signed in: the sign-in's own events are in
    monkeypatch.setenv("KPI_FAILPOINT", "ingest_error")
    data = stats_csv("2025Q3,南湖区,合计,1000,100000,50000,100000,15000,20000").encode()
    at.file_uploader(key="upload_stats_files").set_value(("季报.csv", data, "text/csv")).run()
    assert not at.exception
    # the page shows the reason in words; the stable code is in the downloadable report only
    frames = [
        e.value
        for e in at.main
        if e.type in ("table", "dataframe") and list(e.value.columns) == ["行", "列", "说明"]
    ]
    assert frames and len(frames[0]) == 1
    assert INTERNAL.fullmatch(f"{frames[0]['说明'].iloc[0]} [INTERNAL_ERROR]")
    shown = " ".join(str(e.value) for e in at.main if hasattr(e, "value"))
    assert not EXCEPTION_TEXT.search(shown)
    assert "upload_stats_0_confirm" not in [b.key for b in at.button]
    assert fingerprint(app_db) == before
