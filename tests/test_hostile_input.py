"""Hostile and broken files: each rejected with a clear Chinese message before it is parsed in
full, exit code 2 from `kpi ingest`, and the database unchanged. Small files are checked in
(fixtures/hostile/); the big ones (a zip bomb, a million columns, a million rows, a very long
line) are made here at run time to keep the repository small. Valid text that only looks
dangerous (a platform named like a formula or like HTML) is stored verbatim and neutralised
where it leaves the system (the CSV export)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from support import FIXTURES, HEADER, fingerprint, ingest_bytes, ingest_text, problems, run_kpi, stats_csv

from kpi.cli import main
from kpi.ingest.platforms import ingest_platforms
from kpi.platforms.register import current_platforms
from kpi.reports.export import export_csv
from kpi.store import connection

HOSTILE = FIXTURES / "hostile"
SEED = stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100")

# checked-in file → (code, line) of the one error expected
REJECTED = {
    "png_renamed.csv": ("NOT_CSV", None),
    "stats_in_a_zip.csv": ("NOT_CSV", None),
    "stats.csv.gz": ("NOT_CSV", None),
    "old_excel.xls": ("NOT_CSV", None),
    "pdf_renamed.csv": ("NOT_CSV", None),
    "random_bytes.csv": ("UNREADABLE", None),
    "nul_bytes.csv": ("NUL_BYTE", 110),
    "mixed_encoding.csv": ("MIXED_ENCODING", 3),
}
ACCEPTED = {"formula_register.csv", "html_register.csv"}  # platform registers, valid text
REJECTED_BY_VALIDATION = {"html_region.csv"}  # a region named like HTML: unknown, echoed as text


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, _db_template: Path):
    path = tmp_path_factory.mktemp("hostile") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    assert ingest_text(path, SEED).stored
    return path, fingerprint(path)


@pytest.fixture
def seeded_db(seeded, tmp_path: Path) -> Path:
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(seeded[0], path)
    return path


def test_every_hostile_fixture_has_a_case():
    assert {p.name for p in HOSTILE.iterdir()} == set(REJECTED) | ACCEPTED | REJECTED_BY_VALIDATION


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_each_hostile_file_is_rejected_and_changes_nothing(seeded, seeded_db, name):
    result = ingest_bytes(seeded_db, (HOSTILE / name).read_bytes(), name)
    assert not result.stored
    assert [(c, line) for c, line, _ in problems(result.report)] == [REJECTED[name]]
    assert fingerprint(seeded_db) == seeded[1]


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_the_command_line_rejects_them_with_exit_2(seeded, seeded_db, name, capsys):
    assert main.main(["ingest", "stats", str(HOSTILE / name), "--db", str(seeded_db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"文件 {name} 未入库：发现 1 个问题\n")
    assert f"[{REJECTED[name][0]}]" in err
    assert fingerprint(seeded_db) == seeded[1]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "stats_in_a_zip.csv",
            "这不是 CSV 文本文件，而是ZIP 压缩包或 Excel 工作簿（.xlsx）：请在 Excel 中“另存为”CSV（UTF-8 或 GBK）后上传",
        ),
        (
            "png_renamed.csv",
            "这不是 CSV 文本文件，而是PNG 图片：请在 Excel 中“另存为”CSV（UTF-8 或 GBK）后上传",
        ),
        ("nul_bytes.csv", "文件含有空字符（NUL，二进制内容）：不是文本 CSV 文件"),
        (
            "mixed_encoding.csv",
            "文件混用了不同的编码：第 1 行是 UTF-8，此行不是；请将整个文件用同一种编码另存后上传",
        ),
    ],
)
def test_exact_messages(seeded_db, name, message):
    issue = ingest_bytes(seeded_db, (HOSTILE / name).read_bytes(), name).report.errors[0]
    assert issue.message("zh") == message


def test_the_register_upload_has_the_same_guards(seeded, seeded_db):
    with connection.connect(seeded_db) as con:
        result = ingest_platforms(con, (HOSTILE / "stats_in_a_zip.csv").read_bytes(), "名录.zip")
    assert [i.code for i in result.report.errors] == ["NOT_CSV"]
    assert fingerprint(seeded_db) == seeded[1]


# ---------------------------------------------------------------- big files, made here


def _zip_bomb(size: int) -> bytes:
    """A small zip whose one member expands to `size` bytes of zeros (written in chunks)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z, z.open("stats.csv", "w") as member:
        chunk = bytes(1024 * 1024)
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buf.getvalue()


def test_a_zip_bomb_is_recognised_never_unpacked(seeded, seeded_db, tmp_path):
    bomb = _zip_bomb(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # 200 MB inside, a few hundred KB outside
    result = ingest_bytes(seeded_db, bomb, "bomb.csv")
    assert [(i.code, i.params["kind_en"]) for i in result.report.errors] == [
        ("NOT_CSV", "a ZIP archive or an Excel workbook (.xlsx)")
    ]
    assert fingerprint(seeded_db) == seeded[1]


def test_a_million_columns_are_refused_from_the_header(seeded, seeded_db):
    data = (HEADER + ",x" * 1_000_000 + "\n2025Q1,南湖区\n").encode()
    result = ingest_bytes(seeded_db, data, "wide.csv")
    assert problems(result.report) == [("TOO_MANY_COLUMNS", 1, None)]
    assert result.report.errors[0].message("zh") == "此行有 1000009 列，最多允许 200 列：这不像统计表"
    assert fingerprint(seeded_db) == seeded[1]


def test_a_wide_data_line_is_refused_too(seeded_db):
    data = stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100", "2025Q1" + "," * 5000).encode()
    assert problems(ingest_bytes(seeded_db, data).report) == [("TOO_MANY_COLUMNS", 3, None)]


def test_a_very_long_line_is_refused(seeded, seeded_db):
    data = stats_csv("2025Q1,南湖区,," + "9" * 300_000 + ",1000,500,1000,70,100").encode()
    result = ingest_bytes(seeded_db, data, "long.csv")
    assert problems(result.report) == [("CELL_TOO_LONG", 2, None)]
    assert result.report.errors[0].message("zh") == (
        "有单元格超过 131072 个字符：这不像统计表（可能是引号未配对或二进制内容）"
    )
    assert fingerprint(seeded_db) == seeded[1]


MILLION_ROWS = 1_000_000


def _million_rows(path: Path) -> Path:
    row = "2025Q1,南湖区,,1,2,1,2,1,2\n"  # 30 bytes: 30 MB (28.7 MiB) in all
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for _ in range(MILLION_ROWS // 10_000):
            f.write(row * 10_000)
    return path


@pytest.mark.slow
def test_a_million_rows_are_refused_by_size_then_by_the_row_limit(seeded, seeded_db, tmp_path, monkeypatch):
    big = _million_rows(tmp_path / "million.csv")
    # the command line looks at the size before reading anything (a real subprocess)
    done = run_kpi("ingest", "stats", str(big), db=seeded_db)
    assert done.returncode == 2
    assert "文件过大：28.7 MB，上限 20 MB（设置 KPI_MAX_UPLOAD_MB）" in done.stderr
    assert fingerprint(seeded_db) == seeded[1]
    # with a higher size limit, the row limit (KPI_MAX_ROWS, 500,000) stops it before parsing
    monkeypatch.setenv("KPI_MAX_UPLOAD_MB", "100")
    result = ingest_bytes(seeded_db, big.read_bytes(), "million.csv")
    assert problems(result.report) == [("TOO_MANY_ROWS", None, None)]
    assert result.report.errors[0].message("zh") == (
        "文件有 1000000 行数据，超过上限 500000 行（设置 KPI_MAX_ROWS）：请按季度或地区拆分后分别上传"
    )
    assert fingerprint(seeded_db) == seeded[1]


def test_the_row_limit_is_a_setting_and_exact(seeded_db, monkeypatch):
    monkeypatch.setenv("KPI_MAX_ROWS", "2")
    rows = ["2025Q2,南湖区,,30,1000,500,1000,70,100", "2025Q2,秀洲区,,30,1000,500,1000,70,100"]
    assert ingest_text(seeded_db, stats_csv(*rows, "", "")).stored  # blank lines do not count
    third = "2025Q2,嘉善县,,30,1000,500,1000,70,100"
    assert problems(ingest_text(seeded_db, stats_csv(*rows, third)).report) == [("TOO_MANY_ROWS", None, None)]


def test_the_size_limit_is_a_setting(seeded_db, monkeypatch):
    monkeypatch.setenv("KPI_MAX_UPLOAD_MB", "1")
    data = stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100", *[""] * 1_100_000).encode()
    result = ingest_bytes(seeded_db, data)
    assert result.report.errors[0].message("zh") == (
        "文件过大：1.1 MB，上限 1 MB（设置 KPI_MAX_UPLOAD_MB）：请按季度或地区拆分后分别上传"
    )
    monkeypatch.setenv("KPI_MAX_UPLOAD_MB", "lots")
    assert main.main(["ingest", "stats", str(HOSTILE / "png_renamed.csv"), "--db", str(seeded_db)]) == 1


# ---------------------------------------------------------------- text that only looks dangerous


def _register(db: Path, name: str):
    with connection.connect(db) as con:
        result = ingest_platforms(con, (HOSTILE / name).read_bytes(), name)
        return result, current_platforms(con)


def test_formula_like_names_are_stored_verbatim_and_neutralised_in_the_export(seeded_db):
    result, plats = _register(seeded_db, "formula_register.csv")
    assert result.stored
    names = {"=cmd|' /C calc'!A0", "+1+1", '-2+3,=HYPERLINK("http://x")'}
    assert set(plats["name"]) == names
    assert "@SUM(A1:A9)" in set(plats["host"])
    exported = export_csv(plats[["name", "host"]]).decode("utf-8-sig")
    cells = set(exported.replace('"', "").replace("\r", "").replace("\n", ",").split(","))
    for dangerous in ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)"):
        assert "'" + dangerous in cells, dangerous
        assert dangerous not in cells  # never at the start of a cell


def test_html_in_names_is_kept_as_text(seeded_db):
    result, plats = _register(seeded_db, "html_register.csv")
    assert result.stored
    assert set(plats["name"]) == {"<script>alert('x')</script>", '<img src=x onerror="alert(1)">'}
    assert set(plats["host"]) == {"<b>某公司</b>", "单位&amp;"}  # not unescaped either
    rejected = ingest_bytes(seeded_db, (HOSTILE / "html_region.csv").read_bytes(), "html_region.csv")
    assert rejected.report.errors[0].message("zh").startswith("未知的地区“<script>alert(1)</script>”")
