"""One platform's history and its corrections through the page's form.

The history is read from the stored versions (kpi.platforms.register.versions): when the platform entered
the register (a pool entry is entering the cultivation pool), moved up or down a level, was
revoked or reinstated, or had a field corrected, each with who recorded it, when and how (the
upload file, or `platform_edit`: the form, with its note). A correction is a new version like
an upload's, so it keeps the history and can be rolled back like one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from kpi.model.definitions import BUILD_MODELS, LEVEL, PLATFORM_DATES_FROM, PLATFORM_STATUSES
from kpi.platforms.register import as_date, as_number, versions
from kpi.store import connection, writes

# ---------------------------------------------------------------- history of one platform

_HISTORY_FIELDS = (
    "region",
    "clusters",
    "level",
    "build_model",
    "recognised_on",
    "status",
    "revoked_on",
    "national_support",
)


def _same(field: str, a: Any, b: Any) -> bool:
    if field == "clusters":
        return sorted(a) == sorted(b)
    if field in ("recognised_on", "revoked_on"):
        return as_date(a) == as_date(b)
    if field == "national_support":
        return as_number(a) == as_number(b)
    return (None if pd.isna(a) else a) == (None if pd.isna(b) else b)


def history(one: pd.DataFrame) -> pd.DataFrame:
    """What happened to one platform, oldest first, from its versions (see `versions`).

    event: entered (level_to set; `pool` = entered the cultivation pool), promoted, demoted,
    revoked, reinstated, corrected (`fields` lists what changed). A re-upload that changes
    nothing adds no event. `on` is the date the event took effect (recognition or revocation
    date, else the day it was recorded); `recorded_at`/`by`/`source` say who recorded it.
    """
    rows: list[dict[str, Any]] = []
    before: dict[str, Any] | None = None
    for v in one.sort_values("upload_id").to_dict("records"):
        base = {
            "recorded_at": v["uploaded_at"],
            "by": v["uploaded_by"],
            "kind": v["kind"],
            "file_name": v["file_name"],
            "note": v["note"],
            "upload_id": int(v["upload_id"]),
            "level_from": None,
            "level_to": None,
            "fields": [],
        }
        recorded = as_date(v["uploaded_at"])
        if before is None:
            rows.append(
                {**base, "event": "entered", "level_to": v["level"], "on": as_date(v["recognised_on"])}
            )
            before = v
            continue
        changed = [f for f in _HISTORY_FIELDS if not _same(f, before[f], v[f])]
        rest = [f for f in changed if f != "level"]
        if "level" in changed:
            up = LEVEL[v["level"]].rank > LEVEL[before["level"]].rank
            rows.append(
                {
                    **base,
                    "event": "promoted" if up else "demoted",
                    "level_from": before["level"],
                    "level_to": v["level"],
                    "on": as_date(v["recognised_on"]) or recorded,
                }
            )
            rest = [f for f in rest if f != "recognised_on"]  # the new level's date, not a correction
        if "revoked" in (v["status"], before["status"]) and "status" in changed:
            revoked = v["status"] == "revoked"
            on = as_date(v["revoked_on"]) if revoked else None
            rows.append({**base, "event": "revoked" if revoked else "reinstated", "on": on or recorded})
            rest = [f for f in rest if f not in ("status", "revoked_on")]
        if rest:
            rows.append({**base, "event": "corrected", "on": recorded, "fields": rest})
        before = v
    columns = [
        "on",
        "event",
        "level_from",
        "level_to",
        "fields",
        "recorded_at",
        "by",
        "kind",
        "file_name",
        "note",
        "upload_id",
    ]
    return pd.DataFrame(rows, columns=columns, dtype=object)  # None stays None, not NaN


# ---------------------------------------------------------------- correcting one platform


@dataclass(frozen=True)
class PlatformEdit:
    """The full new state of one platform, as entered on the form (name and host are its key)."""

    region: str
    clusters: tuple[str, ...]
    level: str
    build_model: str | None
    recognised_on: dt.date | None
    status: str
    revoked_on: dt.date | None
    national_support: float | None  # 万元; only meaningful for a national platform


@dataclass(frozen=True)
class EditResult:
    upload_id: int | None
    problems: tuple[str, ...] = ()  # codes, see EDIT_PROBLEMS
    changed: tuple[str, ...] = ()


EDIT_PROBLEMS = (
    "by_missing",  # who made the change is required
    "unknown_platform",
    "bad_region",
    "no_clusters",
    "bad_cluster",
    "bad_level",
    "bad_build_model",
    "bad_status",
    "revoked_on_not_revoked",
    "revoked_before_recognised",
    "negative_support",
    "date_out_of_range",  # before PLATFORM_DATES_FROM or after today, as in the register file
    "nothing_changed",
)
NOTE_LIMIT = 200


def check_edit(
    edit: PlatformEdit, by: str, regions: set[str], clusters: set[str], today: dt.date | None = None
) -> list[str]:
    """Problems of a form edit, as codes (empty: it can be stored)."""
    out = []
    if not by.strip():
        out.append("by_missing")
    if edit.region not in regions:
        out.append("bad_region")
    if not edit.clusters:
        out.append("no_clusters")
    if any(c not in clusters for c in edit.clusters):
        out.append("bad_cluster")
    if edit.level not in LEVEL:
        out.append("bad_level")
    if edit.build_model is not None and edit.build_model not in BUILD_MODELS.values():
        out.append("bad_build_model")
    if edit.status not in PLATFORM_STATUSES.values():
        out.append("bad_status")
    if edit.revoked_on is not None and edit.status != "revoked":
        out.append("revoked_on_not_revoked")
    if edit.revoked_on and edit.recognised_on and edit.revoked_on < edit.recognised_on:
        out.append("revoked_before_recognised")
    if edit.national_support is not None and edit.national_support < 0:
        out.append("negative_support")
    last = today or dt.date.today()
    if any(
        d is not None and not PLATFORM_DATES_FROM <= d <= last for d in (edit.recognised_on, edit.revoked_on)
    ):
        out.append("date_out_of_range")
    return out


def edit_platform(
    con: duckdb.DuckDBPyConnection,
    name: str,
    host: str,
    edit: PlatformEdit,
    *,
    by: str,
    note: str = "",
    today: dt.date | None = None,
) -> EditResult:
    """Store a corrected version of one platform, recorded as an upload of kind `platform_edit`
    with who made it and why. A revoked platform without a date gets `today`'s."""
    today = today or dt.date.today()
    if edit.status == "revoked" and edit.revoked_on is None:
        edit = PlatformEdit(**{**edit.__dict__, "revoked_on": today})
    regions = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}
    clusters = {r[0] for r in con.execute("SELECT code FROM clusters").fetchall()}
    problems = check_edit(edit, by, regions, clusters, today)
    old = versions(con, name, host)
    old = old[old["is_current"]]
    if old.empty:
        problems.append("unknown_platform")
    if problems:
        return EditResult(None, tuple(problems))
    before = old.iloc[-1].to_dict()
    after = {
        "region": edit.region,
        "clusters": sorted(set(edit.clusters)),
        "level": edit.level,
        "build_model": edit.build_model,
        "recognised_on": edit.recognised_on,
        "status": edit.status,
        "revoked_on": edit.revoked_on,
        "national_support": edit.national_support,
    }
    changed = tuple(f for f in _HISTORY_FIELDS if not _same(f, before[f], after[f]))
    if not changed:
        return EditResult(None, ("nothing_changed",))
    row = pd.DataFrame([{"line": None, "name": name, "host": host, **after}])
    row["line"] = row["line"].astype("Int64")
    with connection.transaction(con):
        uid = writes.new_upload(
            con, kind="platform_edit", file_name=None, sha256=None, encoding=None, uploaded_by=by.strip()
        )
        con.execute(
            "UPDATE uploads SET note = $note, is_demo = $demo WHERE id = $id",
            {"note": note.strip()[:NOTE_LIMIT] or None, "demo": bool(before["is_demo"]), "id": uid},
        )
        writes.write_platforms(con, uid, row, explicit=True, today=today)
        writes.finish_upload(con, uid, 1, 0, 1)
    return EditResult(uid, (), changed)
