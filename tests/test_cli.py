"""The `kpi` command line (CONTRACT.md §3): exit codes 0 / 2 / 1, nothing written on rejection,
messages in --lang, and the JSON of `kpi status --json`. The real command runs in a subprocess
where the contract is at stake; the rest calls the same `main` in-process to stay fast."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import FIXTURES, fingerprint, ingest_text, run_kpi, stats_csv

from kpi.cli import main
from kpi.model.definitions import Status
from kpi.store import connection

GBK_SAMPLE = FIXTURES / "stats_gbk.csv"
BAD_REGION = FIXTURES / "bad" / "unknown_region.csv"
STATUSES = {s.value for s in Status}


def _strict_json(text: str):
    def no_nan(name: str):
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=no_nan)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, _db_template: Path) -> Path:
    """The contract's GBK sample, ingested through the real command."""
    path = tmp_path_factory.mktemp("cli") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    done = run_kpi("ingest", "stats", str(GBK_SAMPLE), db=path)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == "文件 stats_gbk.csv 已入库：3 行（新增 3 行，修订 0 行，未变 0 行），上传编号 1"
    )
    return path


def test_init_creates_and_is_safe_to_repeat(tmp_path, capsys):
    path = tmp_path / "sub" / "new.duckdb"
    first = run_kpi("init", db=path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"数据库已就绪：{path}")
    counts = fingerprint(path)
    assert main.main(["init", "--lang", "en", "--db", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"database ready: {path}")
    assert fingerprint(path) == counts
    assert counts[0]["clusters"] == 13 and counts[0]["targets"] == 6


def test_status_json_shape(loaded):
    done = run_kpi("status", "--json", "--period", "2025Q2", db=loaded)
    assert done.returncode == 0, done.stderr
    out = _strict_json(done.stdout)
    assert {"period", "region", "cluster", "indicators"} <= set(out)
    assert (out["period"], out["region"], out["cluster"]) == ("2025Q2", None, None)
    ind = out["indicators"]
    assert set(ind) == {
        "rd_intensity",
        "new_product_rate",
        "hightech_share",
        "cluster_coverage",
        "provincial_platforms",
        "national_platforms",
    }
    for code in ("rd_intensity", "new_product_rate", "hightech_share"):
        e = ind[code]
        assert isinstance(e["value"], float) and 0 < e["value"] < 1  # a fraction, not a percent
        assert isinstance(e["target"], float) and 0 < e["target"] < 1
        assert e["status"] in STATUSES
        # three of the nine units and no city row: an incomplete city figure has no gap (issue 12)
        assert e["status"] == "incomplete" and e["complete"] is False and e["gap_pp"] is None
    # the ratio of sums over the three units (the contract's own check)
    assert ind["rd_intensity"]["value"] == pytest.approx(10000 / 300000, rel=1e-12)
    assert ind["rd_intensity"]["target"] == 0.0315
    cov = ind["cluster_coverage"]
    assert isinstance(cov["covered"], int) and isinstance(cov["total"], int)
    assert cov["value"] == 0.0 and cov["total"] == 13 and len(cov["uncovered"]) == 13
    assert all(isinstance(c, str) for c in cov["uncovered"])
    assert cov["target"] == 1.0
    for code in ("provincial_platforms", "national_platforms"):
        assert isinstance(ind[code]["value"], int) and ind[code]["value"] == 0
        assert ind[code]["status"] in STATUSES
    assert ind["provincial_platforms"]["target"] == 3
    assert ind["national_platforms"]["target"] == 1


def test_region_given_by_name_echoes_the_code_and_python_m_kpi_agrees(loaded):
    by_name = run_kpi("status", "--json", "--period", "2025年1-6月", "--region", "嘉兴港区", db=loaded)
    assert by_name.returncode == 0, by_name.stderr
    out = _strict_json(by_name.stdout)
    assert out["region"] == "JX-PORT" and out["period"] == "2025Q2"
    assert out["indicators"]["rd_intensity"]["value"] == pytest.approx(0.04, rel=1e-12)
    by_module = run_kpi(
        "status", "--json", "--period", "2025Q2", "--region", "JX-PORT", db=loaded, module=True
    )
    assert by_module.returncode == 0, by_module.stderr
    assert by_module.stdout == by_name.stdout  # the same answer for the code and the name


def test_unknown_region_exits_2_without_a_traceback(loaded):
    zh = run_kpi("status", "--json", "--region", "火星", db=loaded)
    assert (zh.returncode, zh.stdout, zh.stderr.strip()) == (2, "", "未知的地区：火星")
    en = run_kpi("--lang", "en", "status", "--json", "--region", "火星", module=True, db=loaded)
    assert (en.returncode, en.stdout, en.stderr.strip()) == (2, "", "unknown region: 火星")
    assert "Traceback" not in zh.stderr + en.stderr


def test_rejected_file_exits_2_writes_nothing_and_speaks_the_language(loaded, tmp_path):
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(loaded, path)
    before = fingerprint(path)
    zh = run_kpi("ingest", "stats", str(BAD_REGION), db=path)
    assert zh.returncode == 2
    assert zh.stderr.splitlines() == [
        "文件 unknown_region.csv 未入库：发现 1 个问题",
        "  第 3 行，列“县(市、区)”：未知的地区“杭州市”（应为统计单位或全市的代码或名称，如 330402 或 南湖区） [UNKNOWN_REGION]",
    ]
    assert zh.stdout == ""
    assert fingerprint(path) == before
    en = main.main(["ingest", "stats", str(BAD_REGION), "--db", str(path), "--lang", "en"])
    assert en == 2
    assert fingerprint(path) == before


def test_english_rejection_text(db, capsys):
    assert main.main(["--lang", "en", "ingest", "stats", str(BAD_REGION), "--db", str(db)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "unknown_region.csv was rejected: 1 problem(s)",
        "  line 3, column “县(市、区)”: unknown region “杭州市” (use the code or name of a reporting unit"
        " or the city, e.g. 330402 or 南湖区) [UNKNOWN_REGION]",
    ]


def test_several_files_one_transaction_each(db, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"), encoding="utf-8")
    assert main.main(["ingest", "stats", str(BAD_REGION), str(good), "--db", str(db)]) == 2
    with connection.connect(db) as con:
        assert con.execute("SELECT file_name FROM uploads").fetchall() == [("good.csv",)]
    assert "good.csv 已入库" in capsys.readouterr().out


def test_a_missing_file_exits_2(db, capsys):
    before = fingerprint(db)
    assert main.main(["ingest", "stats", "/nonexistent/x.csv", "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == "找不到文件：/nonexistent/x.csv"
    assert fingerprint(db) == before


def test_unknown_period_and_cluster_exit_2(db, capsys):
    assert main.main(["status", "--period", "2025Q9", "--db", str(db)]) == 2
    assert main.main(["status", "--cluster", "量子", "--db", str(db), "--lang", "en"]) == 2
    assert capsys.readouterr().err.splitlines() == ["无法识别的统计期：2025Q9", "unknown cluster: 量子"]


def test_kpi_db_environment_variable(db, monkeypatch, capsys):
    ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"))
    monkeypatch.setenv("KPI_DB", str(db))
    assert main.main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indicators"]["rd_intensity"]["value"] == 0.03


def test_status_table_text(db, capsys):
    ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"))
    assert main.main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2025年1—3月  全市"
    assert out[1].startswith("  规上工业研发费用支出占营业收入比重: 3.00%  目标 3.15%")


def test_status_table_names_the_scope_as_the_person_wrote_it(db, capsys):
    # the JSON echoes codes (CONTRACT.md §3); the lines of text name the region and the cluster
    ingest_text(
        db,
        stats_csv(
            "2025Q1,南湖区,,30,1000,500,1000,70,100",
            "2025Q1,全市,,300,10000,5000,10000,700,1000",
            "2025Q1,南湖区,智能光伏,3,100,50,100,7,10",
        ),
    )

    def head(*args: str) -> str:
        assert main.main(["status", "--db", str(db), *args]) == 0
        return capsys.readouterr().out.splitlines()[0]

    for city in ("全市", "330400", "嘉兴市"):
        assert head("--region", city) == "2025年1—3月  全市"
    assert head("--region", "全市", "--lang", "en") == "Jan–Mar 2025  city"
    assert head("--region", "330402") == "2025年1—3月  南湖区"
    assert head("--region", "南湖", "--lang", "en") == "Jan–Mar 2025  Nanhu"
    assert head("--region", "330402", "--cluster", "C3-01") == "2025年1—3月  南湖区 × 智能光伏"
    assert head("--region", "南湖区", "--cluster", "合计") == "2025年1—3月  南湖区"
    assert main.main(["status", "--json", "--region", "全市", "--cluster", "智能光伏", "--db", str(db)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["region"], out["cluster"]) == ("330400", "C3-01")


def test_report_names_the_city_as_the_person_wrote_it(db, tmp_path, capsys):
    ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"))
    out = tmp_path / "t.xlsx"
    assert main.main(["report", "--region", "全市", "--out", str(out), "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == f"已生成：{out}（2025年1—3月，全市）"
    assert (
        main.main(["report", "--region", "330402", "--out", str(out), "--db", str(db), "--lang", "en"]) == 0
    )
    assert capsys.readouterr().out.strip() == f"written: {out} (Jan–Mar 2025, Nanhu)"


def test_demo_loads_into_an_empty_database_once(db, capsys):
    assert main.main(["demo", "--if-empty", "--db", str(db)]) == 0
    assert "已载入演示数据" in capsys.readouterr().out
    loaded = fingerprint(db)
    assert loaded[0]["stat_values"] > 500
    assert main.main(["demo", "--if-empty", "--db", str(db)]) == 0  # not empty: does nothing
    assert capsys.readouterr().out == ""
    assert fingerprint(db) == loaded


def test_demo_if_empty_leaves_real_data_alone_and_demo_refuses(db, capsys):
    ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"))
    before = fingerprint(db)
    assert main.main(["demo", "--if-empty", "--db", str(db)]) == 0
    assert fingerprint(db) == before
    assert main.main(["demo", "--db", str(db)]) == 1
    assert capsys.readouterr().err.strip() == (
        "数据库中已有真实上传数据，演示数据会覆盖它们：如确需载入请加 --force"
    )
    assert fingerprint(db) == before


def test_ingest_clusters_replace_refused_exits_2(db, tmp_path, capsys):
    ingest_text(db, stats_csv("2025Q2,嘉兴港区,化工新材料,20,800,300,800,60,90"))
    taxonomy = tmp_path / "135N.csv"
    taxonomy.write_text(
        "code,name,name_en,tier,group,confirmed\nC3-01,智能光伏,PV,3,emerging,true\n", encoding="utf-8"
    )
    before = fingerprint(db)
    assert main.main(["ingest", "clusters", str(taxonomy), "--replace", "--db", str(db)]) == 2
    assert "C5-01" in capsys.readouterr().err
    assert fingerprint(db) == before
    # without --replace the row is upserted: the other clusters stay
    assert main.main(["ingest", "clusters", str(taxonomy), "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == "已载入 1 个产业集群"
    with connection.connect(db) as con:
        assert con.execute("SELECT count(*), bool_or(confirmed) FROM clusters").fetchall() == [(13, True)]


def test_kpi_ingest_reviews_stores_a_good_file_and_rejects_a_bad_one(demo_db: Path, tmp_path: Path) -> None:
    import shutil

    from kpi.platforms import reviews

    db = tmp_path / "kpi.duckdb"
    shutil.copyfile(demo_db, db)
    good = tmp_path / "考核.csv"
    good.write_bytes(
        "平台名称,依托单位,考核年度,考核得分,评语\n氢能装备中试平台（示例）,示例氢能检测中心,2026,81,良好\n".encode(
            "gbk"
        )
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("平台名称,依托单位,考核年度,考核得分\n不存在的平台,某公司,2026,81\n", encoding="utf-8")
    done = run_kpi("ingest", "reviews", str(good), "--by", "考核组", db=db)
    assert done.returncode == 0, done.stderr
    assert "1 条考核结果" in done.stdout
    rejected = run_kpi("ingest", "reviews", str(bad), db=db)
    assert rejected.returncode == 2
    assert "UNKNOWN_PLATFORM" in rejected.stderr
    with connection.connect(db) as con:
        scores = reviews.current_reviews(con)
    mine = scores[scores["recorded_by"] == "考核组"]  # the demo has an override of its own
    assert mine[["name", "year", "score", "comment"]].values.tolist() == [
        ["氢能装备中试平台（示例）", 2026, 81.0, "良好"]
    ]


def test_a_reader_that_stops_early_is_no_failure(loaded, monkeypatch, capsys):
    """`kpi status | head -1` where the reader has gone before the command writes: no
    "失败：BrokenPipeError", exit 0 (what the reader took was right)."""
    import io
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone: every write now fails with EPIPE
    gone = io.TextIOWrapper(os.fdopen(write_end, "wb", buffering=0), encoding="utf-8", write_through=True)
    monkeypatch.setattr("sys.stdout", gone)
    try:
        code = main.main(["status", "--db", str(loaded)])
    finally:
        monkeypatch.undo()
        gone.close()
    assert code == 0
    assert capsys.readouterr().err == ""


def test_a_reader_gone_by_the_last_flush_is_no_failure_either(tmp_path):
    """The output fits the pipe's buffer and is flushed at the end: still no traceback, exit 0."""
    import subprocess

    from support import kpi_command

    # `true` has exited long before the command starts writing
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"'{kpi_command()}' init --db '{tmp_path / 'k.duckdb'}' | true"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_every_command_and_subcommand_has_a_help_that_prints():
    """`kpi ingest --help` died with argparse's ValueError: a help text held a bare '%'
    ('完成进度(%)'), which argparse reads as a format. Every parser in the tree formats its help."""
    import argparse

    from kpi.cli.main import build_parser

    seen, todo = 0, [build_parser()]
    while todo:
        parser = todo.pop()
        assert parser.format_help()  # raises on a bad help text, as --help would
        seen += 1
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())
    assert seen > 20  # the whole tree was walked, not the top parser alone
