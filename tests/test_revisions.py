"""Revisions and rollback (CONTRACT.md §1): a row uploaded again is a new vintage that counts
from then on; the old one stays in the history with its upload; a rollback restores it."""

from __future__ import annotations

from support import GOOD_ROW, ingest_text, run_kpi, stats_csv, value

from kpi.cli import main
from kpi.ingest.stats import check_stats, preview_changes
from kpi.store import connection, queries, writes

V1 = stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100", "2025Q1,秀洲区,,10,1000,500,1000,70,100")
V2 = stats_csv("2025Q1,南湖区,,45,1000,500,1000,70,100")  # revises 南湖区 only
V3 = stats_csv("2025Q1,南湖区,,60,1000,500,1000,70,100")


def _vintages(db, region="330402"):
    with connection.connect(db) as con:
        return con.execute(
            """SELECT upload_id, rd_expense, is_current FROM stat_values
               WHERE period = '2025Q1' AND region = $r ORDER BY upload_id""",
            {"r": region},
        ).fetchall()


def test_a_revision_counts_and_the_old_vintage_stays_with_its_upload(db):
    first = ingest_text(db, V1)
    assert (first.new_rows, first.revised_rows) == (2, 0)
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") == 0.03
    second = ingest_text(db, V2)
    assert second.stored and (second.rows, second.new_rows, second.revised_rows) == (1, 0, 1)
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") == 0.045
    assert _vintages(db) == [(first.upload_id, 30.0, False), (second.upload_id, 45.0, True)]
    # the key the second file did not touch keeps its first vintage
    assert _vintages(db, "330411") == [(first.upload_id, 10.0, True)]
    # the city takes the current vintage of each unit: (45 + 10) / 2000
    assert value(db, "rd_intensity", period="2025Q1") == 55 / 2000
    with connection.connect(db) as con:
        ups = queries.uploads(con)
    assert ups.set_index("id").loc[second.upload_id, "revised_rows"] == 1


def test_preview_shows_old_and_new_before_anything_is_written(db):
    ingest_text(db, V1)
    with connection.connect(db) as con:
        checked = check_stats(con, V2.encode(), "v2.csv")
        changes = preview_changes(con, checked.rows)
        assert queries.row_counts(con)["stat_values"] == 2
    assert changes[["region", "field", "old", "new", "change"]].values.tolist() == [
        ["330402", "rd_expense", 30.0, 45.0, "revised"]
    ]


def test_rollback_restores_the_previous_value_and_keeps_history(db):
    first = ingest_text(db, V1)
    second = ingest_text(db, V2)
    with connection.connect(db) as con:
        assert writes.rollback_upload(con, second.upload_id, by="tester") == 1
        ups = queries.uploads(con).set_index("id")
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") == 0.03
    assert _vintages(db) == [(first.upload_id, 30.0, True), (second.upload_id, 45.0, False)]
    assert ups.loc[second.upload_id, "status"] == "rolled_back"
    assert ups.loc[second.upload_id, "rolled_back_by"] == "tester"
    assert ups.loc[first.upload_id, "status"] == "committed"


def test_rollback_of_the_latest_of_three_vintages_goes_back_one_step(db):
    ids = [ingest_text(db, v).upload_id for v in (V1, V2, V3)]
    with connection.connect(db) as con:
        writes.rollback_upload(con, ids[2])
    assert _vintages(db) == [(ids[0], 30.0, False), (ids[1], 45.0, True), (ids[2], 60.0, False)]
    with connection.connect(db) as con:
        writes.rollback_upload(con, ids[1])
    assert _vintages(db) == [(ids[0], 30.0, True), (ids[1], 45.0, False), (ids[2], 60.0, False)]


def test_rollback_of_an_older_upload_leaves_the_newer_vintage_current(db):
    ids = [ingest_text(db, v).upload_id for v in (V1, V2)]
    with connection.connect(db) as con:
        assert writes.rollback_upload(con, ids[0]) == 2
    assert _vintages(db) == [(ids[0], 30.0, False), (ids[1], 45.0, True)]
    assert _vintages(db, "330411") == [(ids[0], 10.0, False)]  # nothing else had it: no longer counts
    assert value(db, "rd_intensity", period="2025Q1") == 0.045


def test_rollback_of_the_only_vintage_removes_the_value(db):
    only = ingest_text(db, stats_csv(GOOD_ROW))
    with connection.connect(db) as con:
        assert writes.rollback_upload(con, only.upload_id) == 1
        assert queries.row_counts(con)["stat_values"] == 1  # kept in the history
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") is None


def test_rollback_twice_or_of_an_unknown_upload_does_nothing(db):
    first = ingest_text(db, V1)
    with connection.connect(db) as con:
        assert writes.rollback_upload(con, first.upload_id) == 2
        before = queries.row_counts(con)
        assert writes.rollback_upload(con, first.upload_id) is None
        assert writes.rollback_upload(con, 999) is None
        assert queries.row_counts(con) == before


def test_kpi_rollback_command(db, capsys):
    first = ingest_text(db, V1)
    second = ingest_text(db, V2)
    done = run_kpi("rollback", str(second.upload_id), db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"已撤回上传 {second.upload_id}：1 行恢复为之前的值"
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") == 0.03
    assert _vintages(db) == [(first.upload_id, 30.0, True), (second.upload_id, 45.0, False)]
    assert main.main(["rollback", str(second.upload_id), "--lang", "en", "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == f"no committed upload {second.upload_id} to roll back"


# one value changed (南湖区's R&D 30 → 45), one row exactly as stored (秀洲区)
MIXED = stats_csv("2025Q1,南湖区,,45,1000,500,1000,70,100", "2025Q1,秀洲区,,10,1000,500,1000,70,100")


def test_a_row_equal_to_the_stored_one_is_unchanged_everywhere(db, tmp_path):
    """Issue 12 item 3: the preview said 1 revised, 1 unchanged while the commit, the history, the
    CLI and the audit trail said 2 revised, and the identical row became a new vintage."""
    from support import TODAY

    from kpi.store import audit
    from kpi.ui.upload import preview

    first = ingest_text(db, V1)
    with connection.connect(db) as con:
        changes = preview_changes(con, check_stats(con, MIXED.encode(), "mixed.csv", today=TODAY).rows)
    _, _, n_new, n_revised = preview.counts("stats", changes)
    assert (n_new, n_revised) == (0, 1)  # the preview: 1 revised, so 1 of the 2 rows unchanged

    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    done = run_kpi("ingest", "stats", str(path), db=db)
    assert done.returncode == 0, done.stderr
    assert "2 行（新增 0 行，修订 1 行，未变 1 行）" in done.stdout
    with connection.connect(db) as con:
        ups = queries.uploads(con).set_index("id")
        second = int(ups.index.max())
        event = audit.detail_of(audit.list_events(con).iloc[0]["detail"])
    assert (ups.loc[second, "rows"], ups.loc[second, "new_rows"], ups.loc[second, "revised_rows"]) == (
        2,
        0,
        1,
    )
    assert ups.loc[second, "unchanged_rows"] == 1
    history = run_kpi("uploads", db=db)
    assert history.returncode == 0 and "unchanged_rows" in history.stdout
    assert (event["revised"], event["unchanged"], event["new"]) == (1, 1, 0)
    # the identical row started no new vintage: the stored one still counts, under its upload
    assert _vintages(db, "330411") == [(first.upload_id, 10.0, True)]
    assert _vintages(db) == [(first.upload_id, 30.0, False), (second, 45.0, True)]
    # rolling the upload back touches only the row it changed
    with connection.connect(db) as con:
        assert writes.rollback_upload(con, second) == 1
    assert _vintages(db, "330411") == [(first.upload_id, 10.0, True)]
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") == 0.03


def test_a_file_identical_to_the_stored_data_writes_no_vintage(db):
    first = ingest_text(db, V1)
    again = ingest_text(db, V1, "again.csv")
    assert _vintages(db) == [(first.upload_id, 30.0, True)]
    assert again.stored and (again.rows, again.new_rows, again.revised_rows, again.unchanged_rows) == (
        2,
        0,
        0,
        2,
    )
    # an empty cell over an empty stored one is no change either (enterprises are empty here)
    with connection.connect(db) as con:
        assert con.execute("SELECT count(*) FROM stat_values").fetchall()[0][0] == 2
