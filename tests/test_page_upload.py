"""The upload page through the real Streamlit runtime (AppTest) against a real DuckDB file.

A file is validated and previewed on upload but stored only after its confirm button; a rejected
file stores nothing; a rollback restores the previous values. Every run must end without an
exception element.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import support
from streamlit.testing.v1 import AppTest

from kpi.engine import status as engine_status
from kpi.ingest import demo
from kpi.ingest.platforms import check_platforms
from kpi.ingest.stats import check_stats
from kpi.store import connection, queries
from kpi.text.dashboard import UI_TEXT

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 10, 15)  # the demo data end at 2025Q3 whatever the real date
HEADER = (
    "统计期,县(市、区),产业集群,研发费用,营业收入,新产品产值,工业总产值,高新技术产业增加值,规上工业增加值"
)

# line 3: unknown region; line 4: a revenue that is not a number
BAD_GBK = (
    HEADER + "\n"
    "2025Q3,南湖区,合计,1000,100000,50000,100000,15000,20000\n"
    "2025Q3,北京市,合计,1000,100000,50000,100000,15000,20000\n"
    "2025Q3,秀洲区,合计,1000,十万,50000,100000,15000,20000\n"
).encode("gbk")

# A revision of 南湖区's 2025Q3 all-industry row: R&D expense 400,000 万元 on revenue 8,000,000 万元.
NEW_RD, NEW_REV = 400_000.0, 8_000_000.0
GOOD_GBK = (
    HEADER + "\n" + f"2025年1-9月,南湖区,合计,{NEW_RD:.0f},{NEW_REV:.0f},50000,100000,15000,20000\n"
).encode("gbk")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp database with the demo data; KPI_DB points at it before any AppTest exists."""
    path = tmp_path / "kpi.duckdb"
    monkeypatch.setenv("KPI_DB", str(path))
    monkeypatch.chdir(ROOT)
    with connection.connect(path) as con:
        demo.load(con, today=TODAY)
    support.account(path, "statistician")  # before any count is taken: the page signs in as it
    return path


def upload_page() -> AppTest:
    at = support.app("statistician").run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at


def counts(db: Path) -> dict[str, int]:
    with connection.connect(db) as con:
        return queries.row_counts(con)


def status(db: Path) -> dict:
    with connection.connect(db) as con:
        return engine_status.kpi_status(con, "2025Q3", today=TODAY)


def stored_row(db: Path) -> tuple[float, float]:
    with connection.connect(db) as con:
        return con.execute(
            """SELECT rd_expense, operating_revenue FROM stat_values
               WHERE is_current AND period = '2025Q3' AND region = '330402' AND cluster = 'ALL'"""
        ).fetchall()[0]


def table(at: AppTest, column: str, which: int = 0):
    """A table or dataframe showing `column`, the first by default, in page order (display tables
    carry no key in AppTest)."""
    frames = [e.value for e in at.main if e.type in ("table", "dataframe")]
    found = [f for f in frames if column in f.columns]
    assert found, f"no table with column {column!r} among {[list(f.columns) for f in frames]}"
    return found[which]


def texts(at: AppTest, kind: str) -> list[str]:
    """Values of one element type; "alert" means every success, info, warning and error box."""
    kinds = ("success", "info", "warning", "error") if kind == "alert" else (kind,)
    return [e.value for k in kinds for e in at.get(k)]


def test_page_states_the_limit_and_offers_both_templates(db):
    at = upload_page()
    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert any(f"单个文件不超过 {limit} MB" in t for t in texts(at, "alert"))
    assert at.download_button(key="upload_template_stats")
    assert at.download_button(key="upload_template_platforms")
    assert at.file_uploader(key="upload_stats_files").accept_multiple_files


@pytest.mark.parametrize(("kind", "check"), [("stats", check_stats), ("platforms", check_platforms)])
def test_templates_pass_validation_and_open_in_excel(db, kind, check):
    from kpi.ui.upload import validate

    data = validate.template(kind)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel on Chinese Windows reads UTF-8
    with connection.connect(db) as con:
        checked = check(con, data, f"{kind}.csv")
    assert checked.report.errors == []
    assert len(checked.rows) == 1


def test_bad_gbk_file_is_rejected_with_its_line_numbers_and_stores_nothing(db):
    before_counts, before_status = counts(db), status(db)
    at = upload_page()
    at.file_uploader(key="upload_stats_files").set_value(("坏文件.csv", BAD_GBK, "text/csv")).run()

    assert not at.exception
    errors = table(at, "说明")
    # the reading view: line, column and the reason in words; the codes are in the download only
    assert list(errors.columns) == ["行", "列", "说明"]
    assert errors["行"].tolist() == [3, 4]
    shown = " ".join(
        [" ".join(map(str, e.value.to_numpy().ravel())) for e in at.main if e.type in ("table", "dataframe")]
        + [e.value for e in at.caption]
    )
    assert "UNKNOWN_REGION" not in shown and "NOT_A_NUMBER" not in shown and "SHA-256" not in shown
    assert "“北京市”" in errors["说明"].iloc[0] and errors["说明"].iloc[1] == "“十万”不是数字"
    assert any("共 2 个错误" in e for e in texts(at, "error"))
    assert any("识别编码：GBK / GB18030" in c for c in texts(at, "caption"))
    assert at.download_button(key="upload_stats_0_report")
    assert "upload_stats_0_confirm" not in [b.key for b in at.button]  # nothing to confirm

    at.run()  # any rerun stores nothing either
    assert not at.exception
    assert counts(db) == before_counts
    assert status(db) == before_status


def test_good_file_is_stored_only_after_confirm_and_changes_the_status(db):
    before_counts, before = counts(db), status(db)
    old_rd, old_rev = stored_row(db)
    rd = before["indicators"]["rd_intensity"]
    expected = (rd["numerator"] - old_rd + NEW_RD) / (rd["denominator"] - old_rev + NEW_REV)

    with connection.connect(db) as con:  # the new values fall far below 2025Q2's: warnings, not errors
        warnings = [i.message("zh") for i in check_stats(con, GOOD_GBK, "x.csv").report.warnings]
    assert warnings

    at = upload_page()
    at.file_uploader(key="upload_stats_files").set_value(("2025年三季度.csv", GOOD_GBK, "text/csv")).run()
    assert not at.exception
    assert any("校验通过：1 行数据" in s for s in texts(at, "alert"))
    assert f"{len(warnings)} 条提示（不阻止入库，将随上传记录保存）" in [e.label for e in at.expander]
    revisions = table(at, "旧值")
    rd_row = revisions[revisions["指标"] == "研发费用（万元）"].iloc[0]
    assert (rd_row["县(市、区)"], rd_row["产业集群"], rd_row["统计期"]) == ("南湖", "全行业", "2025年1—9月")
    assert (rd_row["旧值"], rd_row["新值"]) == (old_rd, NEW_RD)
    assert counts(db) == before_counts and status(db) == before  # validated, previewed, not stored

    at.button(key="upload_stats_0_confirm").click().run()
    assert not at.exception
    after = status(db)
    assert after["indicators"]["rd_intensity"]["value"] == pytest.approx(expected, rel=1e-12)
    assert after["indicators"]["rd_intensity"]["value"] != pytest.approx(rd["value"])
    assert stored_row(db) == (NEW_RD, NEW_REV)
    with connection.connect(db) as con:
        last = queries.uploads(con).iloc[0]
    assert (last["uploaded_by"], last["file_name"], last["revised_rows"]) == (
        "t_statistician",
        "2025年三季度.csv",
        1,
    )
    assert any(f"上传编号 {last['id']}" in s for s in texts(at, "alert"))
    history = table(at, "上传人")
    assert history.iloc[0]["上传人"] == "t_statistician" and "SHA-256" not in history.columns

    at.run()  # the same file still in the uploader: recognised, not offered again
    assert "upload_stats_0_confirm" not in [b.key for b in at.button]
    assert any(f"上传编号 {last['id']}" in i for i in texts(at, "alert"))


def test_rollback_restores_the_previous_values(db):
    before = status(db)
    old = stored_row(db)
    at = upload_page()
    at.file_uploader(key="upload_stats_files").set_value(("修订.csv", GOOD_GBK, "text/csv")).run()
    at.button(key="upload_stats_0_confirm").click().run()
    assert stored_row(db) == (NEW_RD, NEW_REV)
    with connection.connect(db) as con:
        uid = int(queries.uploads(con).iloc[0]["id"])
        stat_rows = queries.row_counts(con)["stat_values"]

    at.file_uploader(key="upload_stats_files").set_value(None).run()
    at.selectbox(key="upload_rollback_id").set_value(uid).run()
    # nothing happens before the confirmation, which says what will change
    assert at.button(key="upload_rollback_confirm").disabled
    assert f"撤回“#{uid} · 修订.csv" in " ".join(texts(at, "warning"))
    assert "1 行统计数据恢复为之前一次上传的值" in " ".join(texts(at, "warning"))
    at.checkbox(key=f"upload_rollback_sure_{uid}").check().run()
    at.button(key="upload_rollback_confirm").click().run()
    assert not at.exception
    assert stored_row(db) == old
    assert status(db) == before
    with connection.connect(db) as con:
        row = queries.uploads(con).set_index("id").loc[uid]
        assert queries.row_counts(con)["stat_values"] == stat_rows  # history kept
    assert (row["status"], row["rolled_back_by"]) == ("rolled_back", "t_statistician")
    assert any(f"已撤回上传 {uid}" in s for s in texts(at, "alert"))
    history = table(at, "上传人").set_index("编号")
    assert history.loc[uid, "状态"].startswith("已撤回（t_statistician，")
    assert not any(o.startswith(f"#{uid} ") for o in at.selectbox(key="upload_rollback_id").options)


def test_uploads_are_recorded_as_the_signed_in_statistician_and_other_roles_cannot_upload(db):
    at = upload_page()
    assert "上传人：t_statistician（当前登录账号，随每次入库和撤回记录）" in texts(at, "caption")
    assert not at.text_input  # nobody types a name in
    for role in ("leader", "admin", "county"):
        other = support.app(role, "330402" if role == "county" else None)
        # by its URL: not in this role's navigation; the page's own guard refuses, in Chinese
        other.switch_page("pages/upload.py").run()
        assert not other.exception
        assert not other.get("file_uploader"), role
        assert not [b for b in other.get("download_button") if b.key.startswith("upload_")], role
        assert not [t for t in other.title if t.value == "数据上传"], role
        assert "无权" in " ".join(str(e.value) for e in other.error), role


def test_platform_register_preview_shows_a_level_change(db):
    register = (
        "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态\n"
        "化工新材料中试基地（示例）,示例化工园区管委会,嘉兴港区,化工新材料,省级,政府牵头,2025-09-10,运行\n"
    ).encode("utf-8-sig")
    at = upload_page()
    at.file_uploader(key="upload_platform_file").set_value(("名录.csv", register, "text/csv")).run()
    assert not at.exception
    changes = table(at, "旧值")
    assert changes[["项目", "旧值", "新值"]].values.tolist() == [["级别", "市级培育库", "省级"]]
    before = status(db)["indicators"]["provincial_platforms"]["value"]
    at.button(key="upload_platforms_confirm").click().run()
    assert not at.exception
    assert status(db)["indicators"]["provincial_platforms"]["value"] == before + 1


def test_english_switch_changes_the_page_texts(db):
    at = upload_page()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Data upload"
    assert any("At most 20 MB per file" in t for t in texts(at, "alert"))
    assert any("Uploaded by t_statistician" in c for c in texts(at, "caption"))
    assert [s.value for s in at.subheader][:2] == ["Reporting calendar", "Upload history"]  # calendar first
    assert "Uploaded at" in table(at, "By").columns
    at.file_uploader(key="upload_stats_files").set_value(("bad.csv", BAD_GBK, "text/csv")).run()
    errors = table(at, "message")
    assert list(errors.columns) == ["line", "column", "message"]
    assert errors["message"].iloc[1] == "“十万” is not a number"


def test_every_text_key_of_the_upload_page_exists_in_both_languages():
    from kpi.text.upload import UPLOAD_TEXT

    for key, (zh, en) in UPLOAD_TEXT.items():
        assert zh.strip() and en.strip() and key in UI_TEXT, key
    files = (
        "pages/upload.py",
        *(str(p.relative_to(ROOT)) for p in (ROOT / "kpi" / "ui" / "upload").glob("*.py")),
    )
    used = {k for f in files for k in re.findall(r'\bt\(\s*"([^"{]+)"', (ROOT / f).read_text())}
    # keys built at run time
    used |= {f"upload.kind.{k}" for k in ("stats", "platforms", "clusters")}
    used |= {f"upload.status.{s}" for s in ("committed", "rolled_back")}
    used |= {f"upload.template_{k}{x}" for k in ("stats", "platforms") for x in ("", "_file")}
    used |= {f"upload.enc.{e}" for e in ("utf-8", "utf-8-sig", "gb18030", "utf-16")}
    assert len(used) > 40
    assert sorted(used - set(UI_TEXT)) == []


def test_the_register_template_has_every_register_column():
    from kpi.model.definitions import PLATFORM_FIELDS
    from kpi.ui.upload import validate

    header = validate.template("platforms").decode("utf-8-sig").splitlines()[0].split(",")
    assert header == [f.label_zh for f in PLATFORM_FIELDS]  # the optional 撤销时间 included


def test_a_file_revising_thousands_of_values_lists_the_first_ones_and_offers_them_all(db):
    # 400 stored rows, every amount 1 % up: 2,400 revised values, more than the page draws
    with connection.connect(db) as con:
        stored = con.execute(
            """SELECT period, region, cluster, rd_expense, operating_revenue, new_product_output,
                      gross_output, hightech_value_added, industrial_value_added
               FROM stat_values WHERE is_current ORDER BY period, region, cluster LIMIT 400"""
        ).fetchall()
    lines = [
        ",".join([p, r, "" if c == "ALL" else c, *(f"{v * 1.01:.4f}" for v in values)])
        for p, r, c, *values in stored
    ]
    data = (HEADER + "\n" + "\n".join(lines) + "\n").encode("gbk")
    at = upload_page()
    at.file_uploader(key="upload_stats_files").set_value(("修订大量.csv", data, "text/csv")).run()
    assert not at.exception
    assert "共 2,400 处数值将被修订，下表按文件行序列出前 2,000 处；完整清单请下载。" in [
        c.value for c in at.caption
    ]
    shown = table(at, "旧值")
    assert len(shown) == 2_000
    assert "upload_stats_0_revisions_csv" in [b.key for b in at.download_button]


def test_report_csv_cells_cannot_run_as_formulas():
    from kpi.ui.upload.validate import csv_bytes

    frame = pd.DataFrame({"行": [2], "列": ['=HYPERLINK("http://x")'], "说明": ["+1"]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text


def test_a_row_equal_to_the_stored_one_is_unchanged_on_the_page(db):
    """Issue 12 item 3: one revised row and one identical to the stored data: the preview, the
    message after the commit and the history all say 1 revised, 1 unchanged."""
    with connection.connect(db) as con:
        same = con.execute(
            """SELECT rd_expense, operating_revenue, new_product_output, gross_output,
                      hightech_value_added, industrial_value_added FROM stat_values
               WHERE is_current AND period = '2025Q3' AND region = '330411' AND cluster = 'ALL'"""
        ).fetchall()[0]
    data = (GOOD_GBK.decode("gbk") + "2025Q3,秀洲区,合计," + ",".join(repr(v) for v in same) + "\n").encode(
        "gbk"
    )
    at = upload_page()
    at.file_uploader(key="upload_stats_files").set_value(("两行.csv", data, "text/csv")).run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["修订行"], metrics["未变行"]) == ("1", "1")
    at.button(key="upload_stats_0_confirm").click().run()
    assert not at.exception
    assert any("2 行（新增 0，修订 1，未变 1）" in s for s in texts(at, "alert"))
    history = table(at, "上传人")
    assert history.iloc[0]["行数（新增/修订/未变）"] == "2（0 / 1 / 1）"
