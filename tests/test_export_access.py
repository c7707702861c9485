"""Exports as the signed-in user may see them: a county official's workbook holds its own unit's
rows only (no city total, no other unit's amounts), and a brief or workbook of a scope it may not
see is refused in the kpi core, whatever the page asked for."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from kpi.engine import status
from kpi.model.definitions import CITY_CODE
from kpi.model.roles import Forbidden, Viewer
from kpi.reports import brief, export
from kpi.store import connection

NANHU, XIUZHOU = "330402", "330411"
COUNTY = Viewer("nanhu", "county", NANHU)
LEADER = Viewer("boss", "leader")


def sheet(data: bytes, title: str) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return list(wb[title].iter_rows(values_only=True))


def region_codes(rows: list[tuple]) -> set[str]:
    head = next(i for i, r in enumerate(rows) if "地区代码" in r)
    col = rows[head].index("地区代码")
    return {r[col] for r in rows[head + 1 :] if r[col]}


def test_a_county_workbook_has_its_own_unit_only(demo_db: Path) -> None:
    with connection.connect(demo_db) as con:
        data = export.overview_workbook(con, None, NANHU, viewer=COUNTY)
        own = status.kpi_status(con, None, NANHU)
    rows = sheet(data, "分地区分期指标")
    assert region_codes(rows) == {NANHU}
    ranking = sheet(data, "九个单位赛马排名")
    assert XIUZHOU in region_codes(ranking)  # the ranking shows every unit, ratios and ranks only
    assert not any("研发费用" in str(c) for c in ranking[0])
    targets = " ".join(str(c) for r in sheet(data, "目标完成情况") for c in r)
    assert "南湖" in targets
    cells = [c for r in sheet(data, "目标完成情况") for c in r if isinstance(c, float)]
    assert own["indicators"]["rd_intensity"]["value"] == pytest.approx(cells[0], rel=1e-12)  # its own unit


def test_a_leader_workbook_has_the_city_and_every_unit(demo_db: Path) -> None:
    with connection.connect(demo_db) as con:
        data = export.overview_workbook(con, viewer=LEADER)
    assert CITY_CODE in region_codes(sheet(data, "分地区分期指标"))
    assert len(region_codes(sheet(data, "分地区分期指标"))) == 10


@pytest.mark.parametrize("scope", [None, XIUZHOU])
def test_a_county_cannot_export_another_scope(demo_db: Path, scope: str | None) -> None:
    with connection.connect(demo_db) as con:
        with pytest.raises(Forbidden):
            export.overview_workbook(con, None, scope, viewer=COUNTY)
        with pytest.raises(Forbidden):
            brief.gather(con, None, scope, viewer=COUNTY)


def test_a_county_brief_is_its_own_unit_with_the_ranking_as_the_city_shows_it(demo_db: Path) -> None:
    with connection.connect(demo_db) as con:
        data = brief.gather(con, None, NANHU, viewer=COUNTY)
    assert data["region"] == NANHU
    others = data["ranking"][data["ranking"]["region"] != NANHU]
    assert others["numerator"].isna().all() and others["denominator"].isna().all()
    assert others["value"].notna().any()
