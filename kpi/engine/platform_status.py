from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

from kpi.model.definitions import ALL_CLUSTER, LEVEL, Status, indicator_label
from kpi.platforms import register
from kpi.progress import compute
from kpi.progress.compute import Target
from kpi.store import queries
from kpi.store.reference import clusters as cluster_table
from kpi.text.labels import LABELS
from kpi.text.lookup import pick


def platform_entries(
    con: duckdb.DuckDBPyConnection,
    targets: dict[str, Target],
    region: str | None,
    cluster: str,
    as_of: dt.date,
    lang: str,
) -> dict[str, dict[str, Any]]:
    """Coverage and the provincial and national counts for a scope on `as_of` (read from `con`)."""
    taxonomy = cluster_table(con)
    universe = queries.region_clusters(con, region) if region is not None and cluster == ALL_CLUSTER else None
    return entries_from_register(
        register.current_register(con, region).to_dict("records"),
        list(taxonomy["code"]),
        dict(zip(taxonomy["code"], taxonomy["name" if lang == "zh" else "name_en"], strict=True)),
        universe,
        targets,
        region,
        cluster,
        as_of,
        lang,
    )


def entries_from_register(
    register_rows: Sequence[Mapping[str, Any]],
    taxonomy: Sequence[str],
    names: Mapping[str, Any],
    region_universe: list[str] | None,
    targets: Mapping[str, Target],
    region: str | None,
    cluster: str,
    as_of: dt.date,
    lang: str,
) -> dict[str, dict[str, Any]]:
    """platform_entries on plain rows: `register_rows` are the register's records (kpi.platforms.register,
    already restricted to `region`), `region_universe` the clusters the region hosts (a region
    with all industry only). Each platform counts at the level it held on `as_of`."""
    # (levels, clusters) of the platforms that count on as_of (register.standing_on's rule)
    plats = [(lv, row["clusters"]) for row in register_rows if (lv := register.counts_on(row, as_of))]
    city_scope = region is None and cluster == ALL_CLUSTER
    if cluster != ALL_CLUSTER:
        universe = [cluster]
    elif region is None:
        universe = list(taxonomy)
    else:
        universe = list(region_universe or [])
    served = {c for _, cs in plats for c in cs}
    covered = [c for c in universe if c in served]
    uncovered = [c for c in universe if c not in served]
    cov_target = targets["cluster_coverage"]
    elapsed = compute.elapsed_fraction(as_of, cov_target.plan_start, cov_target.deadline)
    cov_value = len(covered) / len(universe) if universe else None
    if cluster != ALL_CLUSTER:
        plats = [(lv, cs) for lv, cs in plats if cluster in cs]
    ranks = [LEVEL[lv].rank for lv, _ in plats]
    out: dict[str, dict[str, Any]] = {
        "cluster_coverage": {
            "label": indicator_label("cluster_coverage", lang),
            "value": cov_value,
            "covered": len(covered),
            "total": len(universe),
            "uncovered": uncovered,
            "uncovered_names": [names.get(c, c) for c in uncovered],
            "target": cov_target.value,
            "target_kind": cov_target.kind.value,
            "deadline": cov_target.deadline.isoformat(),
            "source": cov_target.source,
            "elapsed": elapsed,
            "completion": None if cov_value is None or not cov_target.value else cov_value / cov_target.value,
            "status": compute.count_status(cov_value, cov_target.value, elapsed).value,
            "status_rule": compute.count_rule(lang),
        }
    }
    for code, min_level in (("provincial_platforms", "provincial"), ("national_platforms", "national")):
        t = targets[code]
        rank = LEVEL[min_level].rank
        n = sum(r >= rank for r in ranks)
        elapsed = compute.elapsed_fraction(as_of, t.plan_start, t.deadline)
        out[code] = {
            "label": indicator_label(code, lang),
            "value": n,
            "target": t.value if city_scope else None,
            "city_target": t.value,
            "target_kind": t.kind.value,
            "deadline": t.deadline.isoformat(),
            "source": t.source,
            # below the city the plan sets no target: no time elapsed or progress pretends one
            "elapsed": elapsed if city_scope else None,
            "completion": n / t.value if city_scope and t.value else None,
            "status": (
                compute.count_status(n, t.value, elapsed).value if city_scope else Status.NO_TARGET.value
            ),
            "status_rule": compute.count_rule(lang) if city_scope else pick(LABELS, "rule.no_target", lang),
        }
    return out


def counting_platforms(plats: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Platforms that count on a date, each at the level it held then (kpi.platforms.register's rules:
    from its first recognition, or always when undated; a revoked one until its revocation date,
    never when that date is unknown)."""
    return register.standing_on(plats, as_of)
