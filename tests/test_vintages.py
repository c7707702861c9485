"""As known at a moment (issue 19, `kpi status --as-of`): only the uploads committed by then
count, and a rollback made later is not made yet; every vintage of a figure and "已修订".

The uploads' times are set by hand after each real ingest (a test cannot wait for clocks), so the
moments between them are exact."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from support import TODAY, ingest_text, run_kpi, stats_csv

from kpi.engine import revisions
from kpi.engine.status import kpi_status
from kpi.ingest.platforms import ingest_platforms
from kpi.model.moments import BadMoment, parse_moment
from kpi.store import connection, vintages, writes

V1 = stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100", "2025Q1,秀洲区,,10,1000,500,1000,70,100")
V2 = stats_csv("2025Q1,南湖区,,45,1000,500,1000,70,100")  # revises 南湖区
V3 = stats_csv("2025Q2,南湖区,,80,2000,1000,2000,140,200")  # a later quarter

T1, T2, T3 = dt.datetime(2026, 1, 5, 10), dt.datetime(2026, 2, 5, 10), dt.datetime(2026, 3, 5, 10)


def _at(db: Path, upload_id: int, when: dt.datetime, column: str = "uploaded_at") -> None:
    with connection.connect(db, write=True) as con:
        con.execute(f"UPDATE uploads SET {column} = $t WHERE id = $id", {"t": when, "id": upload_id})


def _upload(db: Path, text: str, when: dt.datetime) -> int:
    result = ingest_text(db, text)
    assert result.stored
    _at(db, result.upload_id, when)
    return int(result.upload_id)


def _rollback(db: Path, upload_id: int, when: dt.datetime) -> None:
    with connection.connect(db) as con:
        assert writes.rollback_upload(con, upload_id, by="tester")
    _at(db, upload_id, when, "rolled_back_at")


def _rd(db: Path, as_of: dt.datetime | None, region: str | None = "南湖区", period: str = "2025Q1"):
    with connection.connect(db) as con:
        return kpi_status(con, period, region, today=TODAY, as_of=as_of)["indicators"]["rd_intensity"][
            "value"
        ]


@pytest.fixture
def two(db: Path) -> tuple[Path, int, int]:
    """V1 on 5 January, its revision V2 on 5 February."""
    return db, _upload(db, V1, T1), _upload(db, V2, T2)


def test_as_of_between_two_uploads_gives_the_earlier_value(two) -> None:
    db, _, _ = two
    assert _rd(db, None) == 0.045  # now: the revision counts
    assert _rd(db, dt.datetime(2026, 1, 20)) == 0.03  # between the two: the first upload's value
    assert _rd(db, dt.datetime(2026, 1, 20), region=None) == 40 / 2000  # the city as the sum then
    assert _rd(db, dt.datetime(2026, 2, 20)) == 0.045  # after both
    assert _rd(db, dt.datetime(2026, 1, 1)) is None  # before any upload: nothing was known


def test_after_a_rollback_the_value_before_the_rolled_back_upload_counts(two) -> None:
    db, _, second = two
    _rollback(db, second, T3)
    assert _rd(db, None) == 0.03
    assert _rd(db, dt.datetime(2026, 3, 20)) == 0.03  # after the rollback: as if V2 never came


def test_an_as_of_before_the_rollback_still_shows_the_rolled_back_uploads_value(two) -> None:
    db, _, second = two
    _rollback(db, second, T3)
    assert _rd(db, dt.datetime(2026, 2, 20)) == 0.045  # the rollback had not been made yet
    assert _rd(db, dt.datetime(2026, 2, 20), region=None) == 55 / 2000


def test_as_of_never_mixes_with_the_current_answer_on_one_connection(two) -> None:
    """The engine keeps a state per database file between calls: an as-of answer is never kept
    under the file's stamp, so the current answer before and after it is the current one."""
    db, _, _ = two
    _upload(db, V3, T3)
    with connection.connect(db) as con:
        now = kpi_status(con, today=TODAY)
        then = kpi_status(con, today=TODAY, as_of=dt.datetime(2026, 1, 20))
        again = kpi_status(con, today=TODAY)
        with vintages.known_at(con, dt.datetime(2026, 1, 20)) as known:
            through = kpi_status(known, today=TODAY)
    assert (now["period"], now["latest_period"]) == ("2025Q2", "2025Q2")
    assert (then["period"], then["latest_period"], then["as_of"]) == (
        "2025Q1",
        "2025Q1",
        "2026-01-20 00:00:00",
    )
    assert then["indicators"]["rd_intensity"]["value"] == 40 / 2000
    assert json.dumps(again, sort_keys=True, default=str) == json.dumps(now, sort_keys=True, default=str)
    assert "as_of" not in now
    assert through == then


def test_the_register_as_known_at_a_moment(db: Path) -> None:
    head = "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态\n"
    one = head + "光伏中试平台,甲公司,海宁市,智能光伏,省级,龙头企业开放,2025-08-15,运行\n"
    two = one + "氢能中试平台,丁中心,嘉兴港区,氢能,省级,专业机构,2025-10-01,运行\n"
    ids = []
    for text, when in ((one, T1), (two, T2)):
        with connection.connect(db) as con:
            done = ingest_platforms(con, text.encode(), "名录.csv")
        ids.append(done.upload_id)
        _at(db, done.upload_id, when)
    with connection.connect(db) as con:
        now = kpi_status(con, "2025Q4", today=TODAY)["indicators"]["provincial_platforms"]["value"]
        then = kpi_status(con, "2025Q4", today=TODAY, as_of=dt.datetime(2026, 1, 20))
    assert (now, then["indicators"]["provincial_platforms"]["value"]) == (2, 1)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-01-05", dt.datetime(2026, 1, 5, 23, 59, 59, 999999)),  # a day: to its end
        ("2026-1-5 14:30", dt.datetime(2026, 1, 5, 14, 30, 59, 999999)),  # a minute: to its end
        ("2026-01-05 14:30:15", dt.datetime(2026, 1, 5, 14, 30, 15, 999999)),
        (" 2026-01-05T08:00 ", dt.datetime(2026, 1, 5, 8, 0, 59, 999999)),
    ],
)
def test_moments_as_written(text: str, moment: dt.datetime) -> None:
    assert parse_moment(text) == moment


@pytest.mark.parametrize("text", ["2026-02-30", "2026-01-05 25:00", "yesterday", "2026/01/05", "20260105"])
def test_a_moment_that_is_none_is_refused(text: str) -> None:
    with pytest.raises(BadMoment) as info:
        parse_moment(text)
    assert info.value.message("zh").startswith(f"时间点“{text}”无法识别")


def test_kpi_status_as_of_on_the_command_line(two) -> None:
    db, _, _ = two
    done = run_kpi(
        "status", "--json", "--period", "2025Q1", "--region", "南湖区", "--as-of", "2026-01-20", db=db
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["as_of"] == "2026-01-20 23:59:59"
    assert out["indicators"]["rd_intensity"]["value"] == 0.03
    bad = run_kpi("status", "--as-of", "2026-13-01", "--lang", "en", db=db)
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("moment “2026-13-01” not understood")


def test_kpi_report_as_of_says_so_in_the_workbook(two, tmp_path: Path) -> None:
    import openpyxl

    db, _, _ = two
    out = tmp_path / "t.xlsx"
    done = run_kpi("report", "--out", str(out), "--period", "2025Q1", "--as-of", "2026-01-20", db=db)
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet["A1"].value.endswith("；按 2026-01-20 23:59:59 时已知数据")
    values = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=4) if r[0].value}
    assert values["规上工业研发费用支出占营业收入比重"] == pytest.approx(40 / 2000)


# ---------------------------------------------------------------- every vintage, and 已修订


def test_every_vintage_of_a_figure_with_its_upload_time_and_who(two) -> None:
    db, first, second = two
    _rollback(db, second, T3)
    with connection.connect(db) as con:
        h = revisions.history(con, "rd_intensity", "南湖区")
    got = [
        (v.moment.upload_id, v.moment.event, v.moment.at, v.value, v.revision) for v in h.vintages("2025Q1")
    ]
    assert got == [
        (first, "upload", T1, 0.03, False),
        (second, "upload", T2, 0.045, True),
        (second, "rollback", T3, 0.03, True),
    ]
    assert h.vintages("2025Q1")[2].moment.who == "tester"
    triangle = h.triangle()
    assert list(triangle.columns) == [T1, T2, T3]
    assert triangle.loc["2025Q1"].tolist() == [0.03, 0.045, 0.03]


def test_revised_since_a_day_and_since_the_quarter_befores_publication(db: Path) -> None:
    q4 = stats_csv("2024Q4,南湖区,,30,1000,500,1000,70,100")
    _upload(db, q4, dt.datetime(2025, 1, 20))  # the quarter before 2025Q1, first published
    first = _upload(db, V1, T1)
    with connection.connect(db) as con:
        h = revisions.history(con, "rd_intensity", "南湖区")
    assert not h.revised_since("2025Q1")  # published once, never changed
    second = _upload(db, V2, T2)
    with connection.connect(db) as con:
        h = revisions.history(con, "rd_intensity", "南湖区")
        city = revisions.history(con, "rd_intensity")
        other = revisions.history(con, "rd_intensity", "秀洲区")
    assert h.default_since("2025Q1") == dt.datetime(2025, 1, 20)
    assert h.revised_since("2025Q1")  # changed on 5 February
    assert h.revised_since("2025Q1", dt.datetime(2026, 1, 31))
    assert not h.revised_since("2025Q1", dt.datetime(2026, 2, 10))  # not since a day after it
    assert city.revised_since("2025Q1") and not other.revised_since("2025Q1")  # 秀洲区 unchanged
    assert [v.moment.upload_id for v in city.vintages("2025Q1")] == [first, second]


def test_a_county_official_gets_only_its_own_units_vintages(two) -> None:
    from kpi.access import accounts
    from kpi.model import roles

    db, _, _ = two
    with connection.connect(db) as con:
        user = accounts.add_user(con, "nanhu", "correct-horse-battery", "county", region="南湖区", by="t")
        viewer = roles.Viewer(user.username, roles.Role(user.role), user.region)
        assert revisions.history(con, "rd_intensity", "330402", viewer=viewer).vintages("2025Q1")
        for scope in (None, "330411"):
            with pytest.raises(roles.Forbidden):
                revisions.history(con, "rd_intensity", scope, viewer=viewer)
