"""The clusters page's widgets (产业集群): the uncovered clusters, the taxonomy table and the
region × cluster matrix, laid out from kpi.reports.clusters (where the rows are built and tested)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.model.definitions import RATIOS
from kpi.reports import charts
from kpi.reports.clusters import ClusterTable
from kpi.ui import fmt, layout
from kpi.ui import scope as ui_scope
from kpi.ui.lang import lang, t


def uncovered_section(table: ClusterTable) -> None:
    """The clusters of the scope without a platform of the scope (for a county: its own)."""
    own = table.region is not None
    st.subheader(t("clusters.uncovered_own" if own else "clusters.uncovered"))
    frame = table.frame[table.frame["covered"].eq(False)]
    for row in frame.itertuples():
        where = fmt.join([fmt.region_name(r) for r in row.hosts])
        st.markdown(
            f"- ✖ **{fmt.cluster_name(row.cluster)}**（{t('tier.' + row.tier)} · "
            f"{t('group.' + row.group)}）{t('col.hosts')}{fmt.colon()}{where or '—'}"
        )
    if frame.empty:
        st.success(t("clusters.all_covered_own" if own else "clusters.all_covered"))
    st.caption(t("card.covered", covered=table.covered, total=table.total))


def _mark(covered: object) -> str:
    if covered is None or pd.isna(covered):  # type: ignore[arg-type]
        return t("covered.na")
    return t("covered.yes" if covered else "covered.no")


def taxonomy_table(table: ClusterTable) -> None:
    """Tier, group, name, the scope's ratios, then platforms and coverage, each pair of one scope
    (the caption says which)."""
    zh = lang() == "zh"
    f = table.frame
    # the key columns first (issue 14: at phone width the table showed 4 of 10 columns, tier and
    # group among them): the cluster, its coverage and platforms, the ratios; tier and group last
    out: dict[str, list] = {t("col.cluster"): list(f["name" if zh else "name_en"])}
    if table.region is None:
        out[t("col.covered")] = [_mark(v) for v in f["covered"]]
        out[t("col.platforms")] = list(f["platforms"])
        note = t("clusters.scope_city", date=table.as_of, covered=table.covered, total=table.total)
    else:
        out[t("col.covered_own")] = [_mark(v) for v in f["covered"]]
        out[t("col.platforms_own")] = list(f["platforms"])
        out[t("col.covered_city")] = [_mark(v) for v in f["city_covered"]]
        out[t("col.platforms_city")] = list(f["city_platforms"])
        unit = fmt.region_name(table.region, short=False)
        note = t("clusters.scope_own", unit=unit, date=table.as_of, covered=table.covered, total=table.total)
    for r in RATIOS:
        out[r.short_zh if zh else r.short_en] = [fmt.pct(v) for v in f[r.code]]
    out[t("col.tier")] = [t(f"tier.{v}") for v in f["tier"]]
    out[t("col.group")] = [t(f"group.{v}") for v in f["group"]]
    out[t("col.hosts")] = [fmt.join([fmt.region_name(r) for r in hs]) for hs in f["hosts"]]
    st.caption(note)
    pinned = {t("col.cluster"): st.column_config.TextColumn(pinned=True)}  # in view while scrolling right
    st.dataframe(
        out, hide_index=True, width="stretch", height=layout.table_height(len(f)), column_config=pinned
    )


def matrix_section(period: str, table: ClusterTable) -> None:
    """The region × cluster heat map, on the colour scale of every unit's values."""
    zh = lang() == "zh"
    labels = {r.code: (r.short_zh if zh else r.short_en) for r in RATIOS} | {
        "platforms": t("clusters.platform_count")
    }
    metric = st.radio(
        t("clusters.matrix_metric"),
        list(labels),
        format_func=labels.get,
        horizontal=True,
        key="clusters_metric",
    )
    figure, note = matrix_figure(period, str(metric), table)
    st.caption(note)
    st.plotly_chart(figure, key="matrix", config={"displayModeBar": False})


def _two_lines(name: str, width: int = 5) -> str:
    """A long cluster name over two lines (at its middle, or its middle space): the names took
    half of a phone's width and left the nine units' columns 12 px each."""
    if len(name) <= width:
        return name
    if " " in name:
        words = name.split(" ")
        cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(name) / 2))
        return " ".join(words[:cut]) + "<br>" + " ".join(words[cut:])
    half = -(-len(name) // 2)
    return name[:half] + "<br>" + name[half:]


def matrix_figure(period: str, metric: str, table: ClusterTable) -> tuple[go.Figure, str]:
    units = ui_scope.read("units")
    codes = ui_scope.visible_units(list(units["code"]))
    clusters = list(table.frame["cluster"])
    rows = [_two_lines(fmt.cluster_name(c)) for c in clusters]
    cols = [fmt.region_name(u) for u in codes]
    if metric == "platforms":
        counts = ui_scope.read("platform_matrix", table.as_of)
        z = [[int(counts.loc[c, u]) for u in codes] for c in clusters]
        text = [[str(v) if v else "" for v in row] for row in z]
        low, high = 0.0, float(max(int(counts.to_numpy().max()), 1))
        scale, suffix = "Blues", ""
        note = t("clusters.matrix_scale_count", high=f"{high:g}", date=table.as_of)
    else:
        m = ui_scope.read("matrix", period)
        m = m[m["indicator"] == metric].set_index(["cluster", "region"])["value"]
        z = [[m.get((c, u)) * 100 if (c, u) in m.index else None for u in codes] for c in clusters]
        text = [["" if v is None else f"{v:.1f}" for v in row] for row in z]
        low, high = (v * 100 for v in ui_scope.read("matrix_scale", period).get(metric, (0.0, 0.0)))
        scale, suffix = "Cividis", "%"
        note = t("clusters.matrix_scale", low=f"{low:.1f}%", high=f"{high:.1f}%")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=rows,
            text=text,
            texttemplate="%{text}",
            colorscale=scale,
            zmin=low,
            zmax=high,
            hoverongaps=False,
            colorbar={
                "ticksuffix": suffix,
                "orientation": "h",
                "y": -0.02,
                "yanchor": "top",
                "thickness": 12,
            },
        ),
        layout={
            "height": 110 + 38 * len(rows),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "font": {"family": charts.FONT, "size": 13},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": {"side": "top", "automargin": True},
            "template": charts.NO_TEMPLATE,
        },
    )
    return fig, note
