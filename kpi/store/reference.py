"""Reference tables read from the database: regions, clusters, targets, and name lookups.

Regions and clusters are matched by code or by name, with case, spaces and full-width brackets
ignored; a region also matches without its 区/县/市 suffix.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from kpi.model.definitions import ALL_CLUSTER, ALL_CLUSTER_WORDS, CITY_CODE
from kpi.model.errors import UnknownScope

_FOLD = str.maketrans({"（": "(", "）": ")", "　": "", " ": ""})


def fold(value: str) -> str:
    return str(value).strip().translate(_FOLD).lower()


def fold_series(values: pd.Series) -> pd.Series:
    """`fold` for a column; each distinct value is folded once (a file repeats a few names)."""
    codes, uniques = pd.factorize(values.astype("string"))
    folded = _fold_distinct(pd.Series(uniques, dtype="string")).to_numpy(dtype=object)
    lookup = np.append(folded, "")  # code -1 (a missing cell) folds to ""
    return pd.Series(lookup[codes], index=values.index, dtype="string")


def _fold_distinct(values: pd.Series) -> pd.Series:
    s = values.astype("string").fillna("").str.strip().str.lower()
    return s.str.replace("（", "(").str.replace("）", ")").str.replace(r"\s+", "", regex=True)


def regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT code, name, short_name, name_en, kind, sort, aliases FROM regions ORDER BY sort"
    ).df()


def units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The nine reporting units (the city excluded)."""
    frame = regions(con)
    return frame[frame["code"] != CITY_CODE].reset_index(drop=True)


def clusters(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        'SELECT code, name, name_en, tier, grp AS "group", confirmed FROM clusters ORDER BY sort, code'
    ).df()


def targets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM targets ORDER BY indicator").df()


def plan_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    """The plan's span over every target: the earliest plan start and the latest deadline (one
    row; the whole table as a frame took a fifth of the task board's read, issue 16)."""
    start, end = con.execute("SELECT min(plan_start), max(deadline) FROM targets").fetchone() or (None, None)
    return pd.Timestamp(start).date(), pd.Timestamp(end).date()


# region lookups by the regions table's content: folding 2,800 units' names and aliases takes
# longer than the rest of reading a file's regions, and the table seldom changes
_region_lookups: dict[str, dict[str, str]] = {}


def region_lookup(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every folded code, name, short name, English name, alias (and name without its 区/县/市
    suffix) → the region code. Built once per content of the regions table (a fingerprint of
    its rows is one small query) and handed out as a copy."""
    rows_sql = "SELECT code, name, short_name, name_en, aliases FROM regions ORDER BY sort, code"
    cells = ", ".join(f"coalesce({c}, '')" for c in ("code", "name", "short_name", "name_en", "aliases"))
    key = con.execute(
        f"SELECT md5(coalesce(string_agg(concat_ws(chr(31), {cells}), chr(30) ORDER BY sort, code), '')) FROM regions"  # noqa: S608 - our own text
    ).fetchall()[0][0]
    found = _region_lookups.get(key)
    if found is None:
        found = {}
        for code, name, short_name, name_en, aliases in con.execute(rows_sql).fetchall():
            names = [code, name, short_name, name_en, *str(aliases or "").split("|")]
            if name and name[-1:] in "区县市" and len(name) > 2:
                names.append(name[:-1])
            for n in names:
                if n:
                    found[fold(n)] = code
        if len(_region_lookups) >= 8:
            _region_lookups.clear()
        _region_lookups[key] = found
    return dict(found)


def cluster_lookup(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    out: dict[str, str] = {fold(w): ALL_CLUSTER for w in ALL_CLUSTER_WORDS}
    for code, name, name_en in con.execute(
        "SELECT code, name, name_en FROM clusters ORDER BY sort, code"
    ).fetchall():
        for n in (code, name, name_en):
            if n:
                out[fold(n)] = code
    return out


def resolve_region(con: duckdb.DuckDBPyConnection, value: str | None) -> str | None:
    """A code or name → the region code; None or the city → None (the city scope)."""
    if value is None or str(value).strip() == "":
        return None
    code = region_lookup(con).get(fold(value))
    if code is None:
        raise UnknownScope("region", str(value))
    return code


def resolve_cluster(con: duckdb.DuckDBPyConnection, value: str | None) -> str:
    """A code or name → the cluster code; None or an all-industry word → ALL."""
    if value is None:
        return ALL_CLUSTER
    code = cluster_lookup(con).get(fold(value))
    if code is None:
        raise UnknownScope("cluster", str(value))
    return code


def scope_label(
    con: duckdb.DuckDBPyConnection, region: str | None, cluster: str | None = None, lang: str = "zh"
) -> str:
    """A scope as a person names it, for human output (the JSON keeps the codes): 全市 (`city`)
    for no region or the city's own code 330400, else the unit's name; ` × ` and the cluster's
    name where a cluster is chosen. A code the tables do not hold is shown as it is."""
    en = lang == "en"
    if region is None or region == CITY_CODE:
        label = "city" if en else "全市"
    else:
        row = con.execute("SELECT name, name_en FROM regions WHERE code = $c", {"c": region}).fetchone()
        label = (row[1] or row[0]) if row and en else (row[0] if row else region)
    if cluster is not None and cluster != ALL_CLUSTER:
        row = con.execute("SELECT name, name_en FROM clusters WHERE code = $c", {"c": cluster}).fetchone()
        label += " × " + ((row[1] or row[0]) if row and en else (row[0] if row else cluster))
    return label
