"""The schema and its migrations, and the reference tables seeded from kpi/reference/."""

from __future__ import annotations

import csv
from importlib import resources

import duckdb
import pandas as pd

from kpi.model.definitions import MONEY_FIELDS
from kpi.model.tasks import code_order

SCHEMA_VERSION = 9

_MIGRATIONS: dict[int, str] = {
    1: f"""
    CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
    CREATE TABLE regions (
        code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR, name_en VARCHAR,
        kind VARCHAR NOT NULL, sort INTEGER, aliases VARCHAR
    );
    CREATE TABLE clusters (
        code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, name_en VARCHAR,
        tier VARCHAR NOT NULL, grp VARCHAR NOT NULL, confirmed BOOLEAN NOT NULL, sort INTEGER
    );
    CREATE TABLE targets (
        indicator VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, value DOUBLE NOT NULL,
        comparator VARCHAR, band_pp DOUBLE, green_pp DOUBLE, amber_pp DOUBLE,
        deadline DATE NOT NULL, plan_start DATE NOT NULL, source VARCHAR, note VARCHAR,
        updated_at TIMESTAMP, updated_by VARCHAR
    );
    CREATE SEQUENCE upload_id_seq START 1;
    CREATE TABLE uploads (
        id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, file_name VARCHAR, sha256 VARCHAR,
        encoding VARCHAR, uploaded_at TIMESTAMP NOT NULL, uploaded_by VARCHAR,
        rows INTEGER, new_rows INTEGER, revised_rows INTEGER,
        status VARCHAR NOT NULL, is_demo BOOLEAN NOT NULL DEFAULT false,
        rolled_back_at TIMESTAMP, rolled_back_by VARCHAR
    );
    CREATE TABLE upload_issues (
        upload_id INTEGER NOT NULL, severity VARCHAR NOT NULL, line INTEGER, column_name VARCHAR,
        code VARCHAR NOT NULL, message_zh VARCHAR, message_en VARCHAR
    );
    -- every vintage of every statistic; is_current marks the one that counts
    CREATE TABLE stat_values (
        upload_id INTEGER NOT NULL, line INTEGER,
        period VARCHAR NOT NULL, year SMALLINT NOT NULL, quarter TINYINT NOT NULL,
        region VARCHAR NOT NULL, cluster VARCHAR NOT NULL,
        {", ".join(f"{c} DOUBLE" for c in MONEY_FIELDS)}, enterprises BIGINT,
        is_current BOOLEAN NOT NULL
    );
    CREATE TABLE platform_versions (
        upload_id INTEGER NOT NULL, line INTEGER,
        name VARCHAR NOT NULL, host VARCHAR NOT NULL, region VARCHAR NOT NULL,
        clusters VARCHAR[] NOT NULL, level VARCHAR NOT NULL, build_model VARCHAR,
        recognised_on DATE, status VARCHAR NOT NULL, is_current BOOLEAN NOT NULL
    );
    """,
    # progress analytics (kpi.progress): glide-path thresholds in pp and the baseline year, per
    # target; filled from kpi/reference/targets.csv for databases made at version 1
    2: """
    ALTER TABLE targets ADD COLUMN glide_green_pp DOUBLE;
    ALTER TABLE targets ADD COLUMN glide_amber_pp DOUBLE;
    ALTER TABLE targets ADD COLUMN baseline_year INTEGER;
    """,
    # pilot-platform register (kpi.platforms.register, kpi.platforms.rewards, kpi.platforms.reviews): the revocation date (a
    # revoked platform stops counting from it), the national support to be matched 1:1 (万元),
    # a note on each upload or form edit, annual review scores with their history, and the reward
    # rules as data (append-only: the latest value of a key counts). IF NOT EXISTS everywhere:
    # safe on any version-2 database, whatever was added by hand.
    3: """
    ALTER TABLE platform_versions ADD COLUMN IF NOT EXISTS revoked_on DATE;
    ALTER TABLE platform_versions ADD COLUMN IF NOT EXISTS national_support DOUBLE;
    ALTER TABLE uploads ADD COLUMN IF NOT EXISTS note VARCHAR;
    CREATE TABLE IF NOT EXISTS platform_reviews (
        upload_id INTEGER NOT NULL, line INTEGER,
        name VARCHAR NOT NULL, host VARCHAR NOT NULL, year SMALLINT NOT NULL,
        score DOUBLE NOT NULL, comment VARCHAR, is_current BOOLEAN NOT NULL
    );
    CREATE TABLE IF NOT EXISTS reward_settings (
        key VARCHAR NOT NULL, value VARCHAR NOT NULL, set_at TIMESTAMP NOT NULL, set_by VARCHAR
    );
    """,
    # access (kpi.access.accounts, kpi.access, kpi.store.audit): local accounts with scrypt hashes (parameters
    # stored in the hash text), failed sign-ins per name typed (unknown names too, so that a
    # lock does not reveal which names exist), and the append-only audit trail
    4: """
    CREATE TABLE IF NOT EXISTS users (
        username VARCHAR PRIMARY KEY, display_name VARCHAR, role VARCHAR NOT NULL, region VARCHAR,
        password_hash VARCHAR NOT NULL, active BOOLEAN NOT NULL DEFAULT true,
        password_changed_at TIMESTAMP NOT NULL, last_sign_in_at TIMESTAMP,
        created_at TIMESTAMP NOT NULL, created_by VARCHAR, updated_at TIMESTAMP NOT NULL, updated_by VARCHAR
    );
    CREATE TABLE IF NOT EXISTS sign_in_failures (
        username VARCHAR PRIMARY KEY, failures INTEGER NOT NULL, last_failed_at TIMESTAMP NOT NULL,
        locked_until TIMESTAMP
    );
    CREATE SEQUENCE IF NOT EXISTS audit_id_seq START 1;
    CREATE TABLE IF NOT EXISTS audit_log (
        id BIGINT PRIMARY KEY, "at" TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
        detail JSON
    );
    """,
    # annual reviews on evidence (kpi.platforms.figures, kpi.platforms.scoring): each platform's
    # service figures per year, every vintage kept like the review scores (is_current marks the
    # one that counts); and the scoring scheme as data, one row per figure and version, each
    # version with its source and who set it (append-only: the latest version counts; none stored
    # means the reference default, kpi/reference/review_scheme.csv)
    5: """
    CREATE TABLE IF NOT EXISTS platform_figures (
        upload_id INTEGER NOT NULL, line INTEGER,
        name VARCHAR NOT NULL, host VARCHAR NOT NULL, year SMALLINT NOT NULL,
        served_firms BIGINT NOT NULL, pilot_projects BIGINT NOT NULL, service_revenue DOUBLE NOT NULL,
        incubated_firms BIGINT NOT NULL, transfers BIGINT NOT NULL, accreditation VARCHAR NOT NULL,
        standards BIGINT NOT NULL, patents BIGINT NOT NULL, is_current BOOLEAN NOT NULL
    );
    CREATE TABLE IF NOT EXISTS review_scheme_versions (
        version INTEGER PRIMARY KEY, source VARCHAR NOT NULL, placeholder BOOLEAN NOT NULL,
        set_at TIMESTAMP NOT NULL, set_by VARCHAR NOT NULL
    );
    CREATE TABLE IF NOT EXISTS review_scheme (
        version INTEGER NOT NULL, figure VARCHAR NOT NULL, weight DOUBLE NOT NULL,
        full_marks DOUBLE NOT NULL, sort INTEGER NOT NULL, PRIMARY KEY (version, figure)
    );
    """,
    # the plan's tasks (kpi.tasks, issue 17): the accountable units (责任单位) in order of first
    # appearance, the current task list with each task's units in the plan's order, every version
    # of a task (a plan revision changes the list: nothing is lost), the quarterly progress
    # reports with the upload or form entry that brought them (revisions keep history through
    # is_current), the status rules as data (append-only: the latest value of a key counts), and
    # a department account's unit. Seeded from kpi/reference/tasks.csv, task_units.csv,
    # task_note.txt and task_rules.csv.
    6: """
    ALTER TABLE users ADD COLUMN IF NOT EXISTS unit VARCHAR;
    CREATE TABLE IF NOT EXISTS task_departments (
        name VARCHAR PRIMARY KEY, name_en VARCHAR, sort INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS tasks (
        code VARCHAR PRIMARY KEY, section VARCHAR NOT NULL, title VARCHAR NOT NULL, deliverable VARCHAR,
        sort INTEGER NOT NULL, active BOOLEAN NOT NULL
    );
    CREATE TABLE IF NOT EXISTS task_units (
        code VARCHAR NOT NULL, unit VARCHAR NOT NULL, sort INTEGER NOT NULL, PRIMARY KEY (code, unit)
    );
    CREATE SEQUENCE IF NOT EXISTS task_version_seq START 1;
    CREATE TABLE IF NOT EXISTS task_versions (
        id BIGINT PRIMARY KEY, code VARCHAR NOT NULL, section VARCHAR NOT NULL, title VARCHAR NOT NULL,
        deliverable VARCHAR, units VARCHAR[] NOT NULL, active BOOLEAN NOT NULL,
        changed_at TIMESTAMP NOT NULL, changed_by VARCHAR, note VARCHAR
    );
    CREATE TABLE IF NOT EXISTS task_reports (
        upload_id INTEGER NOT NULL, line INTEGER, code VARCHAR NOT NULL, unit VARCHAR NOT NULL,
        period VARCHAR NOT NULL, progress DOUBLE NOT NULL, achievements VARCHAR, problems VARCHAR,
        next_steps VARCHAR, evidence VARCHAR, is_current BOOLEAN NOT NULL
    );
    CREATE TABLE IF NOT EXISTS task_settings (
        key VARCHAR NOT NULL, value VARCHAR NOT NULL, set_at TIMESTAMP NOT NULL, set_by VARCHAR
    );
    """,
    # browser sessions (kpi.access.sessions): one row per sign-in, found by the SHA-256 of the
    # random token the browser's HttpOnly cookie holds (the token itself is never stored); ended
    # at sign-out, or when the account is disabled or its password changed. The cookie's signing
    # key is kept in meta (`session_cookie_key`), made at first use.
    7: """
    CREATE TABLE IF NOT EXISTS sessions (
        token_hash VARCHAR PRIMARY KEY, username VARCHAR NOT NULL, method VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL, last_seen_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP, ended_reason VARCHAR
    );
    """,
    # the reporting calendar and the alerts (kpi.engine.calendar, kpi.alerts, issue 19): settings
    # as data (append-only: the latest value of a key counts; the due day, the webhook), the alert
    # rules (one row per rule: on or off and its parameters), and the outbox, one row per event
    # (its stable key unique: an event is queued once, however often the rules run), with the
    # delivery's attempts and last error. Seeded from kpi/reference/settings.csv and alert_rules.csv.
    8: """
    CREATE TABLE IF NOT EXISTS app_settings (
        key VARCHAR NOT NULL, value VARCHAR NOT NULL, set_at TIMESTAMP NOT NULL, set_by VARCHAR
    );
    CREATE TABLE IF NOT EXISTS alert_rules (
        rule VARCHAR PRIMARY KEY, enabled BOOLEAN NOT NULL, params VARCHAR NOT NULL,
        updated_at TIMESTAMP NOT NULL, updated_by VARCHAR
    );
    CREATE SEQUENCE IF NOT EXISTS alert_id_seq START 1;
    CREATE TABLE IF NOT EXISTS alert_outbox (
        id BIGINT PRIMARY KEY, event_key VARCHAR NOT NULL UNIQUE, rule VARCHAR NOT NULL,
        who VARCHAR, what VARCHAR NOT NULL, why VARCHAR NOT NULL, detail JSON,
        created_at TIMESTAMP NOT NULL, sent_at TIMESTAMP, attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TIMESTAMP, next_attempt_at TIMESTAMP, last_error VARCHAR
    );
    """,
    # the two task alert rules (issue 19) work now that kpi.tasks is in: on by default, as in
    # kpi/reference/alert_rules.csv, where version 8 seeded them off and nobody has set them since
    9: """
    UPDATE alert_rules SET enabled = true, params = CASE rule WHEN 'task_report_late' THEN 'grace_days=0'
        ELSE params END, updated_at = now()
    WHERE rule IN ('task_report_late', 'task_seriously_lagging') AND updated_by = 'reference' AND NOT enabled;
    """,
}


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(row[0][0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema to SCHEMA_VERSION, each step in its own transaction; seed references."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"database schema {version} is newer than this program ({SCHEMA_VERSION})")
    while version < SCHEMA_VERSION:
        version += 1
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_MIGRATIONS[version])
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)", {"v": str(version)})
            if version == 1:
                _seed_reference(con)
            if version == 2:
                _seed_progress_settings(con)
            if version == 3:
                _seed_reward_settings(con)
            if version == 6:
                _seed_tasks(con)
            if version == 8:
                _seed_alerting(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return version


def reference_rows(name: str) -> list[dict[str, str]]:
    """Rows of a bundled reference CSV (kpi/reference/NAME.csv)."""
    text = resources.files("kpi").joinpath("reference", f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _seed_reference(con: duckdb.DuckDBPyConnection) -> None:
    for r in reference_rows("regions"):
        con.execute(
            "INSERT INTO regions VALUES ($code, $name, $short, $en, $kind, $sort, $aliases)",
            {
                "code": r["code"],
                "name": r["name"],
                "short": r["short_name"],
                "en": r["name_en"],
                "kind": r["kind"],
                "sort": int(r["sort"]),
                "aliases": r["aliases"],
            },
        )
    clusters = pd.DataFrame(reference_rows("clusters"))
    replace_clusters(con, clusters)
    for r in reference_rows("targets"):
        con.execute(
            """INSERT INTO targets VALUES ($indicator, $kind, $value, $comparator, $band, $green,
                   $amber, $deadline, $start, $source, $note, now(), 'reference')""",
            {
                "indicator": r["indicator"],
                "kind": r["kind"],
                "value": float(r["value"]),
                "comparator": r["comparator"],
                "band": _float_or_none(r["band_pp"]),
                "green": _float_or_none(r["green_pp"]),
                "amber": _float_or_none(r["amber_pp"]),
                "deadline": r["deadline"],
                "start": r["plan_start"],
                "source": r["source"],
                "note": r["note"],
            },
        )


def _seed_progress_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the glide-path thresholds and baseline year from the reference file, where empty."""
    for r in reference_rows("targets"):
        con.execute(
            """UPDATE targets SET glide_green_pp = coalesce(glide_green_pp, $green),
                   glide_amber_pp = coalesce(glide_amber_pp, $amber),
                   baseline_year = coalesce(baseline_year, $year)
               WHERE indicator = $indicator""",
            {
                "indicator": r["indicator"],
                "green": _float_or_none(r["glide_green_pp"]),
                "amber": _float_or_none(r["glide_amber_pp"]),
                "year": int(r["baseline_year"]) if r["baseline_year"] else None,
            },
        )


def _seed_reward_settings(con: duckdb.DuckDBPyConnection) -> None:
    """The reward rules' defaults from kpi/reference/rewards.csv, for keys not set yet."""
    for r in reference_rows("rewards"):
        con.execute(
            """INSERT INTO reward_settings SELECT $key, $value, now(), 'reference'
               WHERE NOT EXISTS (SELECT 1 FROM reward_settings WHERE key = $key)""",
            {"key": r["key"], "value": r["value"]},
        )


def reference_text(name: str) -> str:
    """A bundled reference text file (kpi/reference/NAME), exactly as written."""
    return resources.files("kpi").joinpath("reference", name).read_text(encoding="utf-8")


def _seed_tasks(con: duckdb.DuckDBPyConnection) -> None:
    """The plan's sixteen tasks, their units, the 责任主体 note and the status rules, where empty."""
    if con.execute("SELECT count(*) FROM tasks").fetchall()[0][0]:
        return
    for sort, r in enumerate(reference_rows("task_units")):
        con.execute(
            "INSERT OR IGNORE INTO task_departments VALUES ($name, $en, $sort)",
            {"name": r["name"], "en": r["name_en"], "sort": sort},
        )
    for r in reference_rows("tasks"):
        units = r["units"].split(";")
        con.execute(
            "INSERT INTO tasks VALUES ($code, $section, $title, $deliverable, $sort, true)",
            {**{k: r[k] for k in ("code", "section", "title", "deliverable")}, "sort": code_order(r["code"])},
        )
        for i, unit in enumerate(units):
            con.execute(
                "INSERT INTO task_units VALUES ($code, $unit, $i)", {"code": r["code"], "unit": unit, "i": i}
            )
        con.execute(
            """INSERT INTO task_versions VALUES (nextval('task_version_seq'), $code, $section, $title,
                   $deliverable, $units, true, now(), 'reference', $note)""",
            {
                **{k: r[k] for k in ("code", "section", "title", "deliverable")},
                "units": units,
                "note": "《嘉兴市加快推进中试平台体系建设实施方案》二、重点任务",
            },
        )
    rules = [(r["key"], r["value"]) for r in reference_rows("task_rules")]
    for key, value in [*rules, ("note", reference_text("task_note.txt"))]:
        con.execute(
            """INSERT INTO task_settings SELECT $key, $value, now(), 'reference'
               WHERE NOT EXISTS (SELECT 1 FROM task_settings WHERE key = $key)""",
            {"key": key, "value": value},
        )


def _seed_alerting(con: duckdb.DuckDBPyConnection) -> None:
    """The settings' defaults (kpi/reference/settings.csv) and the alert rules
    (kpi/reference/alert_rules.csv), for keys and rules not there yet."""
    for r in reference_rows("settings"):
        con.execute(
            """INSERT INTO app_settings SELECT $key, $value, now(), 'reference'
               WHERE NOT EXISTS (SELECT 1 FROM app_settings WHERE key = $key)""",
            {"key": r["key"], "value": r["value"]},
        )
    for r in reference_rows("alert_rules"):
        con.execute(
            """INSERT INTO alert_rules SELECT $rule, $enabled, $params, now(), 'reference'
               WHERE NOT EXISTS (SELECT 1 FROM alert_rules WHERE rule = $rule)""",
            {"rule": r["rule"], "enabled": r["enabled"].strip().lower() == "true", "params": r["params"]},
        )


def _float_or_none(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def replace_clusters(con: duckdb.DuckDBPyConnection, clusters: pd.DataFrame, replace: bool = True) -> None:
    """Upsert the taxonomy (code, name, name_en, tier, group, confirmed); `replace` drops others."""
    frame = clusters.assign(sort=range(len(clusters)))[
        ["code", "name", "name_en", "tier", "group", "confirmed", "sort"]
    ].copy()
    frame["confirmed"] = frame["confirmed"].map(
        lambda v: str(v).strip().lower() in ("true", "1", "yes", "是", "y")
    )
    con.register("incoming_clusters", frame)
    try:
        if replace:
            con.execute("DELETE FROM clusters")
        con.execute(
            """INSERT OR REPLACE INTO clusters
               SELECT code, name, name_en, tier, "group", confirmed, sort FROM incoming_clusters"""
        )
    finally:
        con.unregister("incoming_clusters")
