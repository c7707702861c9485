from kpi.engine import status
from kpi.ingest import demo
from kpi.store import connection


def test_demo_loads_and_status_has_every_indicator(db):
    with connection.connect(db) as con:
        rows, platforms = demo.load(con)
        out = status.kpi_status(con)
    assert rows > 500 and platforms == 10
    assert out["demo"] is True
    assert set(out["indicators"]) == {
        "rd_intensity",
        "new_product_rate",
        "hightech_share",
        "cluster_coverage",
        "provincial_platforms",
        "national_platforms",
    }
