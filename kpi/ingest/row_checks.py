"""The row checks of a statistics file, in SQL over the table kpi.ingest.csvload made.

Every check is one SQL expression per row; only the rows with a problem come back to Python,
where each becomes an issue with its line, column and the cell as written. The meaning of every
check is the pandas one it replaced (kept in kpi.ingest.csvfile, kpi.model.periods and kpi.store.reference):

- a period, region or cluster is read by the same Python functions, once per distinct cell;
- a number written plainly (digits, at most one point, thousands commas in groups of three, a
  sign; 15 characters at most) is cast by DuckDB, which then gives the same double as pandas did
  (a longer mantissa or an exponent is where pandas' parser rounds differently); any other cell
  goes through `csvfile.parse_numbers`, once per distinct cell, and a cell it refuses is told
  why by `csvfile.number_problem`;
- every amount, once its column's unit is applied, is finite and at most MAX_AMOUNT_WAN, every
  count of firms whole and at most MAX_ENTERPRISES (kpi.model.definitions); a row with no value
  at all is refused (it would empty the stored row it revises); so is a period that has not
  ended by `today`;
- issues come in the order the pandas checks made them: check by check, each in line order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from kpi.ingest.csvfile import Column, number_problem, parse_numbers
from kpi.ingest.csvload import Loaded, keep
from kpi.ingest.report import Report
from kpi.model.definitions import (
    ALL_CLUSTER,
    MAX_AMOUNT_WAN,
    MAX_ENTERPRISES,
    MONEY_FIELDS,
    RATIOS,
    STAT_FIELD,
)
from kpi.model.periods import from_code, parse_periods, refusal
from kpi.store.reference import cluster_lookup, fold_series, region_lookup

RAW = "_kpi_raw"  # the file's cells (kpi.ingest.csvload)
ROWS = "_kpi_stats"  # the checked rows: line, period, year, quarter, region, cluster, values in 万元
NUMBER_FIELDS = (*MONEY_FIELDS, "enterprises")
COUNT_FIELDS = ("enterprises",)  # counts, not amounts: whole and not negative
ROW_COLUMNS = ("line", "period", "year", "quarter", "region", "cluster", *NUMBER_FIELDS)

_PERIOD_CODE = re.compile("(?:199[0-9]|20[0-9][0-9]|2100)Q[1-4]")  # within parse_periods' years
# csvfile.NUMBER without the exponent
_PLAIN_NUMBER = r"[+-]?(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)"


@dataclass(frozen=True)
class _Plan:
    """Which temp-table column holds each field that the file has."""

    cell: dict[str, str]  # field → c1 … cN
    cols: dict[str, Column]

    def has(self, *names: str) -> bool:
        return all(n in self.cell for n in names)


def check_rows(
    con: duckdb.DuckDBPyConnection, loaded: Loaded, cols: dict[str, Column], report: Report, today: dt.date
) -> None:
    """Make ROWS (an Arrow table, csvload.keep) from RAW and report every row problem (the rows
    stay even then). A period that has not ended by `today` is refused."""
    plan = _Plan({name: loaded.column(c.header) for name, c in cols.items()}, cols)
    maps = _maps(con, plan, today)
    try:
        for name, frame in maps.items():
            con.register(name, frame)
        params: dict[str, float] = {f"f_{n}": plan.cols[n].factor for n in NUMBER_FIELDS if plan.has(n)}
        if any(plan.has(n) for n in MONEY_FIELDS):
            params["max_amount"] = MAX_AMOUNT_WAN
        if any(plan.has(n) for n in COUNT_FIELDS):
            params["max_count"] = MAX_ENTERPRISES
        keep(con, ROWS, con.sql(_rows_sql(plan, "_kpi_odd" in maps), params=params).to_arrow_table())
    finally:
        for name in maps:
            con.unregister(name)
    _report_problems(con, plan, report)


def _maps(con: duckdb.DuckDBPyConnection, plan: _Plan, today: dt.date) -> dict[str, pd.DataFrame]:
    """Small tables from each distinct cell to its meaning, by the name the SQL joins them under;
    `_kpi_odd` holds the numbers not written plainly, when there are any."""
    keys = [n for n in ("period", "region", "cluster") if plan.has(n)]
    distinct = "SELECT DISTINCT coalesce({c}, '') FROM {raw}"
    cells = {
        n: [r[0] for r in con.execute(distinct.format(c=plan.cell[n], raw=RAW)).fetchall()] for n in keys
    }
    maps: dict[str, pd.DataFrame] = {}
    if "period" in cells:
        raw = cells["period"]
        # a period written as its own code is its code (parse_periods would say so, slowly)
        other = [v for v in raw if not _PERIOD_CODE.fullmatch(v)]
        parsed = parse_periods(pd.Series([v.strip() for v in other], dtype="str")) if other else []
        codes = dict(zip(other, _objects(parsed), strict=True))
        mapped = [codes.get(v, v) for v in raw]
        frame = _frame(raw, mapped)
        # a quarter that has not ended (today, its last day, included) has no statistics yet
        frame["open"] = [c is not None and from_code(c).end_date >= today for c in mapped]
        maps["_kpi_map_period"] = frame
    for name, lookup in (("region", region_lookup), ("cluster", cluster_lookup)):
        if name in cells:
            raw = cells[name]
            codes = fold_series(pd.Series([v.strip() for v in raw], dtype="str")).map(lookup(con))
            maps[f"_kpi_map_{name}"] = _frame(raw, _objects(codes))
    numbers = [plan.cell[n] for n in NUMBER_FIELDS if plan.has(n)]
    sql = "SELECT {c} AS v FROM {raw} WHERE nullif({c}, '') IS NOT NULL AND NOT {plain}"
    union = " UNION ALL ".join(sql.format(c=c, raw=RAW, plain=_plain(c)) for c in numbers)
    odd = [r[0] for r in con.execute(f"SELECT DISTINCT v FROM ({union})").fetchall()] if numbers else []  # noqa: S608 - our own names
    if odd:
        values, bad = parse_numbers(pd.Series([v.strip() for v in odd], dtype="str"))
        maps["_kpi_odd"] = pd.DataFrame(
            {"raw": pd.Series(odd, dtype="string"), "number": values, "bad": bad.astype(bool)}
        )
    return maps


def _frame(raw: list[str], codes: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"raw": pd.Series(raw, dtype="string"), "code": pd.Series(codes, dtype="string")})


def _objects(values: pd.Series | list) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in values]


def _plain(cell: str) -> str:
    """SQL: the cell is a plainly written number (then DuckDB's cast is pandas' parse)."""
    return f"(length({cell}) <= 15 AND regexp_full_match({cell}, '{_PLAIN_NUMBER}'))"


def _rows_sql(plan: _Plan, odd: bool) -> str:
    """One row per file row: the stored columns, then one flag column per check.

    Three levels: the cells read (numbers as written), then converted to 万元 with the flags
    that read the numbers as written, then the flags that compare converted values."""
    joins, read = [], ["r.line"]
    if plan.has("period"):
        joins.append(f"LEFT JOIN _kpi_map_period mp ON mp.raw = coalesce(r.{plan.cell['period']}, '')")
        read += ["mp.code AS period", "coalesce(mp.open, false) AS p_open"]
    else:
        read.append("NULL::VARCHAR AS period")
    for name in ("region", "cluster"):
        if plan.has(name):
            joins.append(
                f"LEFT JOIN _kpi_map_{name} m_{name} ON m_{name}.raw = coalesce(r.{plan.cell[name]}, '')"
            )
            read.append(f"m_{name}.code AS {name}")
        else:
            read.append(f"{'NULL::VARCHAR' if name == 'region' else repr(ALL_CLUSTER)} AS {name}")
    stored = [
        "line",
        "period",
        "CAST(left(period, 4) AS SMALLINT) AS year",
        "CAST(substr(period, 6, 1) AS TINYINT) AS quarter",
        "region",
        "cluster",
    ]
    flags = [f"{n} IS NULL AS bad_{n}" for n in ("period", "region", "cluster") if plan.has(n)]
    if plan.has("period"):
        flags.append("p_open AS open_period")
    empty = []  # per number field: the cell is empty (not a bad cell)
    for name in NUMBER_FIELDS:
        if not plan.has(name):
            stored.append(f"NULL::DOUBLE AS {name}")
            continue
        c = f"r.{plan.cell[name]}"
        # thousands commas only in quoted cells: most cells are cast as they are
        cast = f"TRY_CAST(CASE WHEN contains({c}, ',') THEN replace({c}, ',', '') ELSE {c} END AS DOUBLE)"
        if odd:  # the odd table holds only cells that are not plain numbers
            joins.append(f"LEFT JOIN _kpi_odd o_{name} ON o_{name}.raw = {c}")
            read.append(f"CASE WHEN o_{name}.raw IS NULL THEN {cast} ELSE o_{name}.number END AS n_{name}")
            read.append(f"coalesce(o_{name}.bad, false) AS nan_{name}")
        else:
            read += [f"{cast} AS n_{name}", f"false AS nan_{name}"]
        stored.append(f"n_{name} * $f_{name} AS {name}")
        flags += [f"nan_{name}", f"coalesce(n_{name} < 0, false) AS neg_{name}"]
        # finite and within its bound once the unit is applied; NOT (x <= bound) is true for inf
        # and NaN alike (DuckDB orders NaN above every number)
        bound = f"n_{name} <= $max_count" if name in COUNT_FIELDS else f"n_{name} * $f_{name} <= $max_amount"
        flags.append(f"coalesce(n_{name} >= 0 AND NOT ({bound}), false) AS big_{name}")
        if name in COUNT_FIELDS:  # a count of firms is a whole number
            flags.append(f"coalesce(n_{name} <> floor(n_{name}), false) AS frac_{name}")
        empty.append(f"(n_{name} IS NULL AND NOT nan_{name})")
    if empty:
        flags.append(f"({' AND '.join(empty)}) AS no_values")
    above = [
        f"coalesce({r.numerator} > {r.denominator} * (1 + 1e-12) AND {r.numerator} >= 0"
        f" AND {r.denominator} >= 0, false) AS above_{r.code}"
        for r in RATIOS
        if plan.has(r.numerator, r.denominator)
    ]
    cells = f"SELECT {', '.join(read)} FROM {RAW} r {' '.join(joins)}"  # noqa: S608 - our own names
    converted = f"SELECT {', '.join(stored + flags)} FROM ({cells})"  # noqa: S608 - our own names
    return f"SELECT *{''.join(', ' + a for a in above)} FROM ({converted})"  # noqa: S608 - our own names


def _flag_columns(plan: _Plan) -> list[str]:
    out = [f"bad_{n}" for n in ("period", "region", "cluster") if plan.has(n)]
    out += ["open_period"] if plan.has("period") else []
    for name in NUMBER_FIELDS:
        if plan.has(name):
            out += [f"nan_{name}", f"neg_{name}", f"big_{name}"]
            out += [f"frac_{name}"] if name in COUNT_FIELDS else []
    out += ["no_values"] if any(plan.has(n) for n in NUMBER_FIELDS) else []
    out += [f"above_{r.code}" for r in RATIOS if plan.has(r.numerator, r.denominator)]
    return out


def _report_problems(con: duckdb.DuckDBPyConnection, plan: _Plan, report: Report) -> None:
    flags = _flag_columns(plan)
    if flags:
        cells = ", ".join(f"r.{c} AS {name}" for name, c in plan.cell.items())
        found = con.execute(
            f"""SELECT s.line, s.period AS period_code, {", ".join(f"s.{f}" for f in flags)}, {cells}
                FROM {ROWS} s JOIN {RAW} r USING (line) WHERE {" OR ".join(f"s.{f}" for f in flags)}
                ORDER BY s.line"""  # noqa: S608 - our own names
        ).df()
        if len(found):
            _report_found(found, plan, report)
    if plan.has("period", "region"):
        _report_duplicates(con, report)


def _report_found(found: pd.DataFrame, plan: _Plan, report: Report) -> None:
    def cell(row: pd.Series, name: str) -> str:
        value = row[name]
        return "" if value is None or pd.isna(value) else str(value).strip()

    def each(flag: str, code: str, name: str | None, **params: str) -> None:
        for _, row in found[found[flag]].iterrows():  # problems only
            values: dict[str, object] = {
                k: cell(row, v) if k.endswith("value") else v for k, v in params.items()
            }
            if code == "UNKNOWN_PERIOD":  # say why, where kpi.model.periods can tell
                values["refused"] = refusal(str(values["value"]))
            report.error(code, int(row["line"]), plan.cols[name].header if name else None, **values)

    for name, code in (
        ("period", "UNKNOWN_PERIOD"),
        ("region", "UNKNOWN_REGION"),
        ("cluster", "UNKNOWN_CLUSTER"),
    ):
        if plan.has(name):
            each(f"bad_{name}", code, name, value=name)
    if plan.has("period"):
        for _, row in found[found["open_period"]].iterrows():  # problems only
            end = from_code(str(row["period_code"])).end_date.isoformat()
            report.error(
                "PERIOD_NOT_ENDED",
                int(row["line"]),
                plan.cols["period"].header,
                value=cell(row, "period"),
                end=end,
            )
    for name in NUMBER_FIELDS:
        if plan.has(name):
            header = plan.cols[name].header
            for _, row in found[found[f"nan_{name}"]].iterrows():  # problems only
                code, why = number_problem(cell(row, name))
                report.error(code, int(row["line"]), header, value=cell(row, name), **why)
            each(f"neg_{name}", "NEGATIVE_COUNT" if name in COUNT_FIELDS else "NEGATIVE", name, value=name)
            if name in COUNT_FIELDS:
                each(f"big_{name}", "COUNT_OUT_OF_RANGE", name, value=name, limit=f"{MAX_ENTERPRISES:,}")
                each(f"frac_{name}", "NOT_A_WHOLE_NUMBER", name, value=name)
            else:
                each(f"big_{name}", "AMOUNT_OUT_OF_RANGE", name, value=name, limit=f"{MAX_AMOUNT_WAN:,.0f}")
    if "no_values" in found:
        for _, row in found[found["no_values"]].iterrows():  # problems only
            report.error("NO_VALUES", int(row["line"]), None)
    for ratio in RATIOS:
        if plan.has(ratio.numerator, ratio.denominator):
            each(
                f"above_{ratio.code}",
                "NUMERATOR_ABOVE_DENOMINATOR",
                ratio.numerator,
                numerator=STAT_FIELD[ratio.numerator].label_zh,
                denominator=STAT_FIELD[ratio.denominator].label_zh,
                num_value=ratio.numerator,
                den_value=ratio.denominator,
            )


def _report_duplicates(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """Every repetition of a period × region × cluster after its first line."""
    rows = con.execute(
        f"""WITH keyed AS (SELECT line, period, region, cluster FROM {ROWS}
                           WHERE period IS NOT NULL AND region IS NOT NULL AND cluster IS NOT NULL),
                 repeated AS (SELECT period, region, cluster, min(line) AS first FROM keyed
                              GROUP BY ALL HAVING count(*) > 1)
            SELECT k.line, r.first, k.period || ' × ' || k.region || ' × ' || k.cluster
            FROM keyed k JOIN repeated r USING (period, region, cluster)
            WHERE k.line > r.first ORDER BY k.line"""  # noqa: S608 - our own names
    ).fetchall()
    for line, first, key in rows:  # problems only
        report.error("DUPLICATE_ROW", int(line), None, first=int(first), key=key)
