"""Caches warmed when the data change (issue 16), and scoped reads shared by a scope's viewers.

The serving process remembers the reads its pages made and, once the database's stamp has
changed, makes them again under the new stamp (kpi.ui.warm.refresh, what its thread runs): the
first person to open the Overview after an upload finds its reads in the cache. Checked by
moving the database away after the warming: a read that was warmed still answers with the new
data; one that was not would open an empty database in its place.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import support

from kpi.engine import status as engine_status
from kpi.ingest.stats import ingest_stats
from kpi.model.roles import Role, Viewer
from kpi.store import connection
from kpi.ui import data, scope, warm


def _revision(db: Path, factor: float) -> bytes:
    """The latest quarter's all-industry rows of every unit, scaled (a revision of each)."""
    with connection.connect(db) as con:
        rows = con.execute(
            """SELECT period, region, rd_expense, operating_revenue, new_product_output, gross_output,
                      hightech_value_added, industrial_value_added
               FROM stat_values WHERE is_current AND cluster = 'ALL'
                 AND period = (SELECT max(period) FROM stat_values WHERE is_current) ORDER BY region"""
        ).fetchall()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(support.HEADER.split(","))
    for period, region, rd, *rest in rows:
        writer.writerow([period, region, "", round(rd * factor, 1), *rest])
    return out.getvalue().encode()


def test_the_overviews_reads_are_made_again_for_the_new_data(app_db: Path, tmp_path: Path) -> None:
    at = support.app("leader")
    at.run()
    assert not at.exception
    path = str(app_db.resolve())
    before = warm.stamp(path)
    assert before == data.data_version()  # the key the pages read under
    with connection.connect(app_db) as con:
        period = engine_status.kpi_status(con)["period"]
    shared = scope.cache_scope(Viewer("t_leader", Role.LEADER))
    key = ("status", (period, None, None, "zh"), shared)

    # the demo set runs to the last ended quarter of the real calendar: revise it as of today
    with connection.connect(app_db) as con:
        assert ingest_stats(con, _revision(app_db, 1.05), "t.csv", today=dt.date.today()).stored
    after = warm.stamp(path)
    assert after != before
    made = warm.refresh(after, before)
    assert key in made and ("series", (None, None), shared) in made
    with connection.connect(app_db) as con:
        expected = engine_status.kpi_status(con, lang="zh")["indicators"]["rd_intensity"]["value"]

    app_db.rename(tmp_path / "moved.duckdb")  # from here a read that misses the cache finds no data
    warmed = data.cached_read(after, *key, None)
    assert warmed["period"] == period
    assert warmed["indicators"]["rd_intensity"]["value"] == expected


def test_the_page_after_a_change_is_served_by_what_the_warmer_made(app_db: Path, monkeypatch) -> None:
    """The warmer's reads must be the very cache entries the page asks for: a read the warmer made
    under another key (Streamlit keys a call on its arguments as passed) helps nobody. Here the
    page runs after the warming with every reader recording its calls: it makes none of the reads
    itself."""
    at = support.app("leader")
    at.run()
    assert not at.exception
    path = str(app_db.resolve())
    before = warm.stamp(path)
    with connection.connect(app_db) as con:
        assert ingest_stats(con, _revision(app_db, 1.07), "t.csv", today=dt.date.today()).stored
    after = warm.stamp(path)
    made = warm.refresh(after, before)
    assert {"status", "series", "ranking", "periods"} <= {name for name, _, _ in made}
    calls: list[str] = []
    for name, reader in list(data._READERS.items()):
        monkeypatch.setitem(
            data._READERS, name, lambda *a, _r=reader, _n=name, **k: (calls.append(_n), _r(*a, **k))[1]
        )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert data.data_version() == after
    assert not calls, f"the page made these reads itself: {calls}"


def test_every_role_that_sees_the_city_shares_one_cached_answer() -> None:
    city = {scope.cache_scope(Viewer(f"u{r}", r)) for r in (Role.LEADER, Role.STATISTICIAN, Role.ADMIN)}
    assert len(city) == 1  # ten leaders (or a statistician) opening the Overview: one answer
    nanhu = scope.cache_scope(Viewer("a", Role.COUNTY, "330402"))
    assert nanhu == scope.cache_scope(Viewer("b", Role.COUNTY, "330402"))
    assert nanhu != scope.cache_scope(Viewer("c", Role.COUNTY, "330411")) and nanhu not in city


def _recorded(monkeypatch) -> list:
    """warm.refresh's reads, recorded instead of made (the order and the timing are the point)."""
    calls: list = []
    monkeypatch.setattr(warm, "cached_read", lambda version, name, args, scope, as_of: calls.append(name))
    return calls


def test_the_reads_made_most_often_are_warmed_first_each_page_in_its_own_order(
    monkeypatch, tmp_path: Path
) -> None:
    calls = _recorded(monkeypatch)
    monkeypatch.setattr(warm, "_start", lambda: None)  # no thread: refresh is called here
    path = str(tmp_path / "x.duckdb")
    monkeypatch.setitem(warm._recent, path, {})
    version = (path, 1, 1)
    warm.note(version, "clusters_page", (), None)  # a page opened once, long ago
    for _ in range(3):  # the Overview, opened three times: its two reads in its order
        warm.note(version, "status", (), None)
        warm.note(version, "series", (), None)
    warm.note(version, "regions_page", (), None)  # another page, opened once, just now
    assert warm.refresh(version) == [
        (n, (), None) for n in ("status", "series", "clusters_page", "regions_page")
    ]
    assert calls == ["status", "series", "clusters_page", "regions_page"]


def test_the_warmer_waits_for_a_page_that_is_running(monkeypatch, tmp_path: Path) -> None:
    import threading
    import time

    calls = _recorded(monkeypatch)
    monkeypatch.setattr(warm, "_start", lambda: None)
    path = str(tmp_path / "x.duckdb")
    monkeypatch.setitem(warm._recent, path, {})
    warm.note((path, 1, 1), "status", (), None)
    with warm.page_run():
        worker = threading.Thread(target=warm.refresh, args=((path, 2, 2),))
        worker.start()
        time.sleep(0.3)
        assert calls == []  # a page runs: the warmer has not started its read
    worker.join(timeout=10)
    assert calls == ["status"]  # the page ended: it went on
    monkeypatch.setattr(warm, "YIELD_S", 0.2)
    with warm.page_run():  # a page that never ends does not stop the warmer for good
        start = time.monotonic()
        warm.refresh((path, 3, 3))
        assert calls == ["status", "status"] and time.monotonic() - start >= 0.2


def _main_texts(at) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def test_values_derived_from_cached_reads_are_kept_per_scope(app_db: Path) -> None:
    """kpi.ui.scope.derived (the Overview's off-track list and the cards' lines): a leader's and a
    county official's Overview made under one data version each show their own; the county's
    equals what it shows with nothing cached."""
    import streamlit as st

    leader, county = support.app("leader"), support.app("county", "南湖区")  # both sessions first:
    leader.run()  # a session is a write, and a write is a new data version
    county.run()
    assert not leader.exception and not county.exception
    shown = _main_texts(county)
    assert shown != _main_texts(leader)
    st.cache_data.clear()
    fresh = support.app("county", "南湖区").run()
    assert _main_texts(fresh) == shown
