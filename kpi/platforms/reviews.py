"""Annual performance reviews (年度绩效考核) of the platforms: the score of each platform and
year, and which pool platforms are due.

The score is **computed** from the platform's figures for the year (kpi.platforms.figures,
scored by kpi.platforms.scoring). A score typed by hand (a small CSV or the page's form)
**overrides** the computed one, and only with a reason; the override is shown beside the computed
score, and each one is written to the audit trail with both scores and the reason. The score in
force decides the cultivation-pool reward (kpi.platforms.rewards).

Every record is kept: a new score for the same platform and year is a revision (the old one
stays with the upload or form entry that brought it, with who entered it). A rollback of the
override makes the computed score count again.

Override file (CSV, same encodings as the other files):

| field | headers | content |
|---|---|---|
| name | 平台名称, 名称 | as in the register |
| host | 依托单位, 建设单位 | as in the register |
| year | 考核年度, 年度 | the year reviewed (2025) |
| score | 考核得分, 得分, 绩效得分 | 0 to 100 |
| comment | 评语, 理由, 调整理由, 考核意见, 备注 | the reason for overriding the computed score: required, at most 200 characters |
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import duckdb
import pandas as pd

from kpi.ingest.csvfile import LINE, parse_numbers, read_table, resolve_columns
from kpi.ingest.guard import guarded
from kpi.ingest.report import Report
from kpi.ingest.result import Checked, IngestResult, flag, issues_frame
from kpi.model.characters import FULL_WIDTH
from kpi.model.definitions import PLATFORM_DATES_FROM, Field
from kpi.platforms.figures import FIGURES
from kpi.platforms.rewards import pool_window
from kpi.platforms.scoring import computed_scores
from kpi.store import audit, connection, writes

COMMENT_LIMIT = 200
REVIEW_FIELDS: tuple[Field, ...] = (
    Field("name", ("平台名称", "名称", "name"), label_zh="平台名称", label_en="name"),
    Field("host", ("依托单位", "建设单位", "host"), label_zh="依托单位", label_en="host"),
    Field("year", ("考核年度", "年度", "year"), label_zh="考核年度", label_en="year"),
    Field("score", ("考核得分", "得分", "绩效得分", "score"), label_zh="考核得分", label_en="score"),
    Field(
        "comment",
        ("评语", "理由", "调整理由", "考核意见", "备注", "comment", "reason"),
        required=False,  # a missing column is REASON_REQUIRED on every row, with its line
        label_zh="评语",
        label_en="comment",
    ),
)


def platform_keys(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    rows = con.execute(
        """SELECT DISTINCT p.name, p.host FROM platform_versions p JOIN uploads u ON u.id = p.upload_id
           WHERE p.is_current AND u.status = 'committed'"""
    ).fetchall()
    return {(r[0], r[1]) for r in rows}


def review_years(today: dt.date | None = None) -> tuple[int, int]:
    """The years a review can be for: from the first year of the platform programmes
    (PLATFORM_DATES_FROM) to this year."""
    return PLATFORM_DATES_FROM.year, (today or dt.date.today()).year


@guarded(Checked)
def check_reviews(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, today: dt.date | None = None
) -> Checked:
    """Validate a review file: every problem with its line; never writes."""
    report = Report(file_name)
    sha = hashlib.sha256(data).hexdigest()
    frame = read_table(data, report)
    if frame is None:
        return Checked(report, None, sha)
    cols = resolve_columns([c for c in frame.columns if c != LINE], REVIEW_FIELDS, report)
    if not report.ok:
        return Checked(report, None, sha, cols)
    lines = frame[LINE]
    report.rows = len(frame)

    def raw(name: str) -> pd.Series:
        values = frame[cols[name].header] if name in cols else pd.Series("", index=frame.index)
        if name in ("name", "host"):  # a sheet from due_template: undo export's formula guard
            values = values.str.replace(r"^'(?=[=+\-@])", "", regex=True)
        return values

    for name in ("name", "host"):
        flag(report, raw(name) == "", lines, "MISSING_VALUE", cols[name].header, field=cols[name].header)
    keyed = (raw("name") != "") & (raw("host") != "")
    key = raw("name") + " / " + raw("host")
    known = platform_keys(con)
    unknown = pd.Series(
        [(n, h) not in known for n, h in zip(raw("name"), raw("host"), strict=True)], index=frame.index
    )
    flag(report, keyed & unknown, lines, "UNKNOWN_PLATFORM", cols["name"].header, key=key)

    year_text = raw("year").str.translate(FULL_WIDTH).str.replace("年", "", regex=False).str.strip()
    years = pd.to_numeric(year_text.where(year_text.str.fullmatch(r"[0-9]{4}")), errors="coerce")
    first, this = review_years(today)
    outside = years.notna() & ~years.between(first, this)
    bad_year = years.isna() | outside
    flag(report, years.isna(), lines, "BAD_YEAR", cols["year"].header, value=raw("year"))
    flag(
        report,
        outside,
        lines,
        "YEAR_OUT_OF_RANGE",
        cols["year"].header,
        value=raw("year"),
        first=first,
        this=this,
    )
    scores, not_number = parse_numbers(raw("score"))
    bad_score = not_number | scores.isna() | (scores < 0) | (scores > 100)
    flag(report, bad_score.fillna(True), lines, "BAD_SCORE", cols["score"].header, value=raw("score"))
    reason_column = cols["comment"].header if "comment" in cols else "评语"
    flag(report, raw("comment") == "", lines, "REASON_REQUIRED", reason_column)
    if "comment" in cols:
        length = raw("comment").str.len()
        header = cols["comment"].header
        flag(
            report,
            length > COMMENT_LIMIT,
            lines,
            "TEXT_TOO_LONG",
            header,
            field=header,
            length=length,
            limit=COMMENT_LIMIT,
        )

    rows = pd.DataFrame(
        {
            "line": lines.astype("int64"),
            "name": raw("name"),
            "host": raw("host"),
            "year": years.astype("Int64"),
            "score": scores,
            "comment": raw("comment").where(raw("comment") != "", None),
        }
    )
    dup = rows.duplicated(["name", "host", "year"], keep="first") & keyed & ~bad_year
    first = rows.groupby(["name", "host", "year"], dropna=False)["line"].transform("min")
    flag(report, dup, lines, "DUPLICATE_REVIEW", None, first=first, key=key + " / " + raw("year"))
    if not report.ok:
        return Checked(report, None, sha, cols)
    return Checked(report, rows.reset_index(drop=True), sha, cols)


def write_reviews(con: duckdb.DuckDBPyConnection, upload_id: int, rows: pd.DataFrame) -> tuple[int, int]:
    """New scores become current; earlier ones for the same platform and year stay as history.
    Runs inside the caller's transaction. Returns (new, revised)."""
    _audit_overrides(con, upload_id, rows)
    con.register("incoming_reviews", rows)
    try:
        revised = writes.count_current(con, "platform_reviews", "incoming_reviews", writes.REVIEW_KEY)
        writes.supersede(con, "platform_reviews", "incoming_reviews", writes.REVIEW_KEY)
        con.execute(
            """INSERT INTO platform_reviews (upload_id, line, name, host, year, score, comment, is_current)
               SELECT $id, line, name, host, year, score, comment, true FROM incoming_reviews""",
            {"id": upload_id},
        )
    finally:
        con.unregister("incoming_reviews")
    return len(rows) - revised, revised


def _audit_overrides(con: duckdb.DuckDBPyConnection, upload_id: int, rows: pd.DataFrame) -> None:
    """One REVIEW_OVERRIDE event per score typed: the score, the computed one it replaces (None
    where no figures are on record) and the reason, in the transaction that stores it."""
    by = con.execute("SELECT uploaded_by FROM uploads WHERE id = $id", {"id": upload_id}).fetchall()[0][0]
    scored = computed_scores(con)
    computed = {
        (r["name"], r["host"], int(r["year"])): float(r["computed"]) for r in scored.to_dict("records")
    }
    for r in rows.to_dict("records"):
        audit.record(
            con,
            by,
            audit.Action.REVIEW_OVERRIDE,
            upload_id=upload_id,
            name=r["name"],
            host=r["host"],
            year=int(r["year"]),
            score=float(r["score"]),
            computed=computed.get((r["name"], r["host"], int(r["year"]))),
            reason=r["comment"],
        )


@guarded(IngestResult)
def ingest_reviews(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str | None = None,
    is_demo: bool = False,
) -> IngestResult:
    """Validate and store a review file in one transaction, or store nothing."""
    checked = check_reviews(con, data, file_name)
    if checked.rows is None:
        return IngestResult(checked.report)
    with connection.transaction(con):
        uid = writes.new_upload(
            con,
            kind="reviews",
            file_name=file_name,
            sha256=checked.sha256,
            encoding=checked.report.encoding,
            uploaded_by=uploaded_by,
            is_demo=is_demo,
        )
        new, revised = write_reviews(con, uid, checked.rows)
        writes.store_issues(con, uid, issues_frame(checked.report.warnings))
        writes.finish_upload(con, uid, len(checked.rows), new, revised)
    return IngestResult(checked.report, uid, len(checked.rows), new, revised)


REVIEW_PROBLEMS = (
    "by_missing",
    "unknown_platform",
    "bad_year",
    "bad_score",
    "reason_missing",
    "comment_too_long",
)


def record_review(
    con: duckdb.DuckDBPyConnection,
    name: str,
    host: str,
    year: int,
    score: float,
    comment: str,
    *,
    by: str,
) -> tuple[int | None, list[str]]:
    """One score entered on the form (upload kind `review_form`). Returns (upload id, problems)."""
    problems = []
    if not by.strip():
        problems.append("by_missing")
    if (name, host) not in platform_keys(con):
        problems.append("unknown_platform")
    first, this = review_years()
    if not first <= int(year) <= this:
        problems.append("bad_year")
    if score is None or not 0 <= float(score) <= 100:
        problems.append("bad_score")
    if not comment.strip():
        problems.append("reason_missing")
    if len(comment.strip()) > COMMENT_LIMIT:
        problems.append("comment_too_long")
    if problems:
        return None, problems
    row = pd.DataFrame(
        {
            "line": pd.array([None], dtype="Int64"),
            "name": [name],
            "host": [host],
            "year": pd.array([int(year)], dtype="Int64"),
            "score": [float(score)],
            "comment": [comment.strip() or None],
        }
    )
    with connection.transaction(con):
        uid = writes.new_upload(
            con, kind="review_form", file_name=None, sha256=None, encoding=None, uploaded_by=by.strip()
        )
        new, revised = write_reviews(con, uid, row)
        writes.finish_upload(con, uid, 1, new, revised)
    return uid, []


def current_reviews(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The typed scores (overrides) that count: name, host, year, score, comment (the reason),
    recorded_at, recorded_by, kind."""
    return con.execute(
        """SELECT r.name, r.host, r.year::INTEGER AS year, r.score, r.comment,
                  u.uploaded_at AS recorded_at, u.uploaded_by AS recorded_by, u.kind, r.upload_id
           FROM platform_reviews r JOIN uploads u ON u.id = r.upload_id
           WHERE r.is_current AND u.status = 'committed'
           ORDER BY r.year DESC, r.name, r.host"""
    ).df()


REVIEW_COLUMNS = [
    "name",
    "host",
    "year",
    "score",
    "source",
    "computed",
    "components",
    "reason",
    "override_by",
    "override_at",
]


def effective_reviews(scored: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """The score in force per platform and year (columns REVIEW_COLUMNS): the override where one
    was typed (`source` "override", its reason and who typed it), else the computed score
    (`source` "computed"). `computed` and `components` are the figures' wherever figures exist
    (so an override is shown beside the computed score); None where there are none.

    `scored` is kpi.platforms.scoring.score_figures(...); `overrides` current_reviews(...)."""
    out: dict[tuple[str, str, int], dict[str, Any]] = {}
    for r in scored.to_dict("records"):
        out[(r["name"], r["host"], int(r["year"]))] = {
            "score": float(r["computed"]),
            "source": "computed",
            "computed": float(r["computed"]),
            "components": dict(r["components"]),
            "reason": None,
            "override_by": None,
            "override_at": None,
        }
    for r in overrides.to_dict("records"):
        key = (r["name"], r["host"], int(r["year"]))
        base = out.get(key, {"computed": None, "components": None})
        out[key] = {
            **base,
            "score": float(r["score"]),
            "source": "override",
            "reason": r["comment"] if isinstance(r["comment"], str) else None,
            "override_by": r["recorded_by"],
            "override_at": r["recorded_at"],
        }
    rows = [{"name": k[0], "host": k[1], "year": k[2], **v} for k, v in out.items()]
    frame = pd.DataFrame(rows, columns=REVIEW_COLUMNS)
    frame["year"] = frame["year"].astype("int64")
    frame["score"] = frame["score"].astype("float64")
    frame["computed"] = frame["computed"].astype("Float64")
    for column in ("components", "reason", "override_by", "override_at"):  # None, never NaN
        frame[column] = pd.Series(
            [v if _given(v) else None for v in frame[column]], index=frame.index, dtype=object
        )
    return frame.sort_values(["year", "name", "host"], ascending=[False, True, True]).reset_index(drop=True)


def _given(v: Any) -> bool:
    return isinstance(v, (dict, str)) or (v is not None and not pd.isna(v))


def annual_reviews(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """effective_reviews of what is stored: the figures scored with the scheme in force, and the
    overrides."""
    return effective_reviews(computed_scores(con), current_reviews(con))


def due_reviews(plats: pd.DataFrame, reviews: pd.DataFrame, year: int, pool_years: int) -> pd.DataFrame:
    """Pool platforms without a score (neither figures nor an override; `reviews` is
    annual_reviews(...)) for a year up to `year` (years in their pool window,
    kpi.platforms.rewards.pool_window): name, host, region, review_year, state ('due' for `year`,
    'overdue' for an earlier one)."""
    done = {(r["name"], r["host"], int(r["year"])) for r in reviews.to_dict("records")}
    rows = []
    for p in plats.to_dict("records"):
        for y in pool_window(p["recognitions"], p["status"], p["revoked_on"], pool_years):
            if y <= year and (p["name"], p["host"], y) not in done:
                rows.append(
                    {
                        "name": p["name"],
                        "host": p["host"],
                        "region": p["region"],
                        "review_year": y,
                        "state": "due" if y == year else "overdue",
                    }
                )
    return pd.DataFrame(rows, columns=["name", "host", "region", "review_year", "state"])


def due_template(due: pd.DataFrame) -> pd.DataFrame:
    """The platforms due, as a figures file to fill in (kpi.platforms.figures; figures empty)."""
    head = {"平台名称": due["name"], "依托单位": due["host"], "考核年度": due["review_year"]}
    return pd.DataFrame({**head, **{f.label_zh: "" for f in FIGURES}})


def default_review_year(today: dt.date) -> int:
    """Reviews of a year are made early the next year: until the end of March, the past year."""
    return today.year - 1 if today.month <= 3 else today.year
