"""The region × cluster matrix of the clusters page (产业集群)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.reports import charts
from kpi.ui import fmt
from kpi.ui import scope as ui_scope


def matrix_figure(period: str, metric: str, taxonomy: pd.DataFrame, plats: pd.DataFrame) -> go.Figure:
    units = ui_scope.read("units")
    units = units[units["code"].isin(ui_scope.visible_units(list(units["code"])))]
    rows = [fmt.cluster_name(c) for c in taxonomy["code"]]
    cols = [fmt.region_name(u) for u in units["code"]]
    if metric == "platforms":
        live = plats[plats["status"] != "revoked"].explode("clusters")
        counts = live.groupby(["clusters", "region"]).size()
        z = [[counts.get((c, u), 0) for u in units["code"]] for c in taxonomy["code"]]
        text = [[str(v) if v else "" for v in row] for row in z]
        scale, suffix = "Blues", ""
    else:
        m = ui_scope.read("matrix", period)
        m = m[m["indicator"] == metric].set_index(["cluster", "region"])["value"]
        z = [
            [m.get((c, u)) * 100 if (c, u) in m.index else None for u in units["code"]]
            for c in taxonomy["code"]
        ]
        text = [["" if v is None else f"{v:.1f}" for v in row] for row in z]
        scale, suffix = "Cividis", "%"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=rows,
            text=text,
            texttemplate="%{text}",
            colorscale=scale,
            hoverongaps=False,
            colorbar={"ticksuffix": suffix},
        )
    )
    fig.update_layout(
        height=60 + 34 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": charts.FONT, "size": 13},
    )
    fig.update_yaxes(autorange="reversed")
    return fig
