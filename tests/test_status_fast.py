"""kpi status keeps what it reads besides the statistics between calls (kpi.engine.snapshot.State and
Reference): every change made through the kpi functions shows at the next call, on the same
open connection and on another one, and a kept answer is the answer computed from scratch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import TODAY, ingest_text, stats_csv

from kpi.engine import snapshot, status
from kpi.ingest.clusters import ingest_clusters
from kpi.ingest.platforms import ingest_platforms
from kpi.ingest.stats import ingest_stats
from kpi.store import connection, writes

BASE = stats_csv(
    "2024Q2,南湖区,,20,1000,500,1000,70,100",
    "2024Q2,秀洲区,,10,1000,400,1000,60,100",
    "2025Q2,南湖区,,30,1000,600,1000,80,100",
    "2025Q2,秀洲区,,10,1000,400,1000,60,100",
    "2025Q2,南湖区,智能光伏,6,200,100,200,20,40",
)
# a later period, a new cluster in 秀洲区, a revision of 南湖区's 2025Q2 row
LATER = stats_csv(
    "2025Q3,南湖区,,50,1500,900,1500,120,150",
    "2025Q3,秀洲区,,15,1500,600,1500,90,150",
    "2025Q3,秀洲区,C3-02,3,100,50,100,7,10",
)
REVISION = stats_csv("2025Q2,南湖区,,60,1000,600,1000,80,100")
PLATFORMS = "平台名称,依托单位,县(市、区),服务集群,级别\n光伏中试平台,某公司,南湖区,智能光伏,省级\n"
TAXONOMY = "code,name,name_en,tier,group,confirmed\nC9-99,测试集群,Test cluster,N,future,false\n"


@pytest.fixture
def db(tmp_path: Path, _db_template: Path) -> Path:
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    assert ingest_text(path, BASE).stored
    return path


def _status(con, period=None, region=None, cluster=None, lang="zh"):
    return status.kpi_status(con, period, region, cluster, today=TODAY, lang=lang)


def _ind(out, code):
    return out["indicators"][code]


def _from_scratch(con, *args, **kwargs):
    """The same status with nothing kept from earlier calls."""
    snapshot._local.pop(con, None)
    with snapshot._lock:
        kept = dict(snapshot._references), dict(snapshot._shared)
        snapshot._references.clear()
        snapshot._shared.clear()
    try:
        return _status(con, *args, **kwargs)
    finally:
        with snapshot._lock:
            snapshot._references.update(kept[0])
            snapshot._shared.update(kept[1])


def test_every_change_through_kpi_shows_on_the_same_open_connection(db: Path) -> None:
    with connection.connect(db) as con:
        first = _status(con)
        assert first["period"] == "2025Q2"
        assert _ind(first, "rd_intensity")["value"] == pytest.approx(40 / 2000)
        assert _ind(first, "provincial_platforms")["value"] == 0
        assert _status(con, region="秀洲区")["indicators"]["cluster_coverage"]["total"] == 0

        # statistics: a later period becomes the default, and 秀洲区 now hosts a cluster
        later = ingest_stats(con, LATER.encode(), "later.csv", today=TODAY)
        assert later.stored
        now = _status(con)
        assert (now["period"], now["latest_period"]) == ("2025Q3", "2025Q3")
        assert _ind(now, "rd_intensity")["value"] == pytest.approx(65 / 3000)
        assert _status(con, region="秀洲区")["indicators"]["cluster_coverage"]["uncovered"] == ["C3-02"]

        # a revision of an earlier period counts at once; its rollback withdraws it again
        revised = ingest_stats(con, REVISION.encode(), "rev.csv", today=TODAY)
        assert _ind(_status(con, "2025Q2"), "rd_intensity")["value"] == pytest.approx(70 / 2000)
        assert _ind(_status(con, "2025Q2"), "rd_intensity")["uploads"] == [1, revised.upload_id]
        assert writes.rollback_upload(con, revised.upload_id) == 1
        assert _ind(_status(con, "2025Q2"), "rd_intensity")["value"] == pytest.approx(40 / 2000)
        assert writes.rollback_upload(con, later.upload_id) == 3
        assert _status(con)["period"] == "2025Q2"

        # the target, the register and the taxonomy
        with connection.transaction(con):
            assert writes.set_target(con, "rd_intensity", value=0.04, by="test")
        assert _ind(_status(con), "rd_intensity")["target"] == 0.04
        assert ingest_platforms(con, PLATFORMS.encode(), "p.csv").stored
        assert _ind(_status(con), "provincial_platforms")["value"] == 1
        assert _ind(_status(con, region="南湖区"), "cluster_coverage")["covered"] == 1
        total = _ind(_status(con), "cluster_coverage")["total"]
        assert ingest_clusters(con, TAXONOMY.encode(), "c.csv").stored
        coverage = _ind(_status(con), "cluster_coverage")
        assert coverage["total"] == total + 1 and "C9-99" in coverage["uncovered"]
        assert _ind(_status(con, cluster="测试集群"), "cluster_coverage")["total"] == 1


def test_a_change_made_on_another_connection_shows_on_an_open_one(db: Path) -> None:
    with connection.connect(db) as reader:
        assert _status(reader)["period"] == "2025Q2"
        assert _ind(_status(reader), "provincial_platforms")["value"] == 0
        with connection.connect(db) as writer:
            assert ingest_stats(writer, LATER.encode(), "later.csv", today=TODAY).stored
            assert ingest_platforms(writer, PLATFORMS.encode(), "p.csv").stored
            with connection.transaction(writer):
                writes.set_target(writer, "new_product_rate", value=0.6, by="test")
        out = _status(reader)
        assert out["period"] == "2025Q3"
        assert _ind(out, "provincial_platforms")["value"] == 1
        assert _ind(out, "new_product_rate")["target"] == 0.6
    with connection.connect(db) as fresh:  # a new connection on the same file
        assert _status(fresh) == out


def test_inside_a_transaction_the_status_sees_its_own_change_and_not_after_a_rollback(db: Path) -> None:
    with connection.connect(db) as con:
        before = _ind(_status(con), "rd_intensity")["target"]
        with pytest.raises(RuntimeError), connection.transaction(con):
            writes.set_target(con, "rd_intensity", value=0.05, by="test")
            assert _ind(_status(con), "rd_intensity")["target"] == 0.05
            raise RuntimeError("changed my mind")
        assert _ind(_status(con), "rd_intensity")["target"] == before


def test_two_databases_in_one_process_keep_their_own_answers(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    shutil.copyfile(db, other)
    with connection.connect(other) as con:
        with connection.transaction(con):
            writes.set_target(con, "rd_intensity", value=0.05, by="test")
        assert ingest_platforms(con, PLATFORMS.encode(), "p.csv").stored
    with connection.connect(db) as a, connection.connect(other) as b:
        for _ in range(2):
            assert _ind(_status(a), "rd_intensity")["target"] == 0.0315
            assert _ind(_status(b), "rd_intensity")["target"] == 0.05
            assert _ind(_status(a), "provincial_platforms")["value"] == 0
            assert _ind(_status(b), "provincial_platforms")["value"] == 1


@pytest.mark.parametrize(
    ("period", "region", "cluster", "lang"),
    [
        (None, None, None, "zh"),
        ("2024Q2", None, None, "en"),
        (None, "南湖区", None, "zh"),
        (None, "330411", None, "en"),
        ("2025年1-6月", "南湖", "智能光伏", "zh"),
        (None, None, "C3-01", "en"),
        ("2030Q1", "全市", None, "zh"),
    ],
)
def test_a_kept_answer_is_the_answer_from_scratch(db: Path, period, region, cluster, lang) -> None:
    with connection.connect(db) as con:
        assert ingest_stats(con, LATER.encode(), "later.csv", today=TODAY).stored
        assert ingest_platforms(con, PLATFORMS.encode(), "p.csv").stored
        _status(con)  # keeps the state of this connection
        kept = [_status(con, period, region, cluster, lang) for _ in range(2)]
        assert kept[0] == kept[1] == _from_scratch(con, period, region, cluster, lang=lang)


def test_unknown_names_are_still_refused(db: Path) -> None:
    from kpi.model.errors import UnknownScope

    with connection.connect(db) as con:
        _status(con, region="南湖区")
        with pytest.raises(UnknownScope):
            _status(con, region="不存在区")
        with pytest.raises(UnknownScope):
            _status(con, cluster="不存在集群")
        with pytest.raises(UnknownScope):
            _status(con, "2025Q5")


def test_a_committed_write_shows_even_without_an_audit_event_and_after_a_checkpoint(db: Path) -> None:
    """The kept state follows the database file itself, as the app's cache does: a change made
    with plain SQL (no audit event) shows too, on the same connection and on another one."""
    with connection.connect(db, write=True) as con:
        assert _ind(_status(con), "rd_intensity")["target"] == 0.0315
        con.execute("UPDATE targets SET value = 0.033 WHERE indicator = 'rd_intensity'")
        assert _ind(_status(con), "rd_intensity")["target"] == 0.033
        with connection.connect(db, write=True) as other:
            other.execute("UPDATE targets SET value = 0.034 WHERE indicator = 'rd_intensity'")
            other.execute("CHECKPOINT")
        assert _ind(_status(con), "rd_intensity")["target"] == 0.034
        con.execute("UPDATE targets SET value = 0.035 WHERE indicator = 'rd_intensity'")
        con.execute("CHECKPOINT")
        assert _ind(_status(con), "rd_intensity")["target"] == 0.035


def test_a_first_status_inside_a_transaction_leaves_nothing_that_a_rollback_breaks(db: Path) -> None:
    """kpi status parses its statements once per connection (temporary macros), made only outside
    the caller's transactions: a rollback never takes away something a later status needs."""
    with connection.connect(db) as con:
        con.execute("BEGIN TRANSACTION")
        inside = _status(con, region="南湖区")
        assert _ind(_status(con), "rd_intensity")["value"] == pytest.approx(40 / 2000)
        con.execute("ROLLBACK")
        for _ in range(2):
            assert _status(con, region="南湖区") == inside
            con.execute("BEGIN TRANSACTION")
            assert _status(con, region="南湖区") == inside
            con.execute("ROLLBACK")
        assert (
            con.execute(
                "SELECT count(*) FROM duckdb_functions() WHERE function_name LIKE 'kpi_%'"
            ).fetchall()[0][0]
            == 2
        )
