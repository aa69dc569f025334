"""The themes report's figures drawn from the coded tasks: clusters, coding confidence, shares.

Each figure takes the coded-tasks table (:func:`compare.coding.coded_tasks`)
itself, not an analysis result, and every bar opens the tasks it counts
(the drill-down of :func:`compare.report.drill.attach`). With more districts
than :data:`compare.report.figures.PALETTE` has colours, the bars are not
split by district. Nothing is modified in place: each function returns a new
``go.Figure``.

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame({"task_id": ["a", "b"], "title": ["一", "二"], "district": ["甲", "乙"],
...                   "cluster": [0, 1], "cluster_label": ["中医", "养老"]})
>>> cluster_bars(c).data[0].customdata[0][0]
'b'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from compare.report import figures
from compare.report.drill import attach, grouped_tasks, task_cell

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["cluster_bars", "confidence_bars", "overall_share_bars"]

_FONT = figures._FONT


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        template="plotly_white",
        font={"family": _FONT},
        height=height,
        margin={"t": 60, "l": 10, "r": 10, "b": 40},
        barmode="stack",
        legend_title_text="区",
    )
    fig.update_yaxes(automargin=True)
    return fig


def _by_district(
    coded: pd.DataFrame, colors: Mapping[str, str] | None
) -> list[tuple[str, pd.DataFrame, str | None]]:
    """(name, tasks, colour) per district of a stacked bar; one "all" stack past the palette.

    With more districts than :data:`compare.report.figures.PALETTE` has colours, colours
    would repeat and the legend run off the page: the bars are then not split.
    """
    districts = sorted(coded["district"].astype(str).unique())
    if len(districts) > len(figures.PALETTE):
        return [(f"全部 {len(districts)} 个区 all districts", coded, figures.PALETTE[0])]
    colors = figures.group_colors(districts, colors)
    names = coded["district"].astype(str)
    return [(d, coded[names == d], colors.get(d)) for d in districts]


def cluster_bars(coded: pd.DataFrame, *, colors: Mapping[str, str] | None = None) -> go.Figure:
    """Cluster sizes, stacked by district; a bar segment opens its tasks.

    Parameters
    ----------
    coded : pandas.DataFrame
        Tasks with ``task_id, title, district, cluster, cluster_label``
        (e.g. :func:`compare.coding.coded_tasks`).
    colors : mapping, optional
        District colours (default :func:`compare.report.figures.district_colors`).

    Examples
    --------
    >>> c = pd.DataFrame({"task_id": ["a", "b"], "title": ["一", "二"], "district": ["甲", "乙"],
    ...                   "cluster": [0, 0], "cluster_label": ["中医", "中医"]})
    >>> [t.name for t in cluster_bars(c).data]
    ['乙', '甲']
    """
    import plotly.graph_objects as go

    names = coded.groupby("cluster")["cluster_label"].first().sort_index().astype(str).to_dict()
    sizes = coded["cluster"].value_counts()
    ylabels = {c: f"#{c} {names[c]} ({sizes[c]})" for c in names}
    order = [ylabels[c] for c in sorted(names, key=lambda c: (-sizes[c], c))]
    fig = go.Figure()
    for d, mine, color in _by_district(coded, colors):
        counts = mine["cluster"].value_counts()
        present = [c for c in names if counts.get(c, 0)]
        trace = go.Bar(
            y=[ylabels[c] for c in present],
            x=[int(counts[c]) for c in present],
            orientation="h",
            name=d,
            marker_color=color,
            hovertemplate=f"{d} · %{{y}}: %{{x}} tasks<extra></extra>",
        )
        tasks_of = grouped_tasks(mine, "cluster")
        fig.add_trace(attach(trace, [task_cell(tasks_of(c)) for c in present]))
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
    fig.update_xaxes(title_text="任务数 tasks")
    fig.update_layout(legend_traceorder="normal", showlegend=True)  # even a single "all" stack
    return _layout(fig, "主题聚类 · Clusters of tasks (label: top words)", 140 + 26 * len(order))


def confidence_bars(
    coded: pd.DataFrame, *, bins: int = 10, colors: Mapping[str, str] | None = None
) -> go.Figure:
    """How sure the codebook coding is: tasks per confidence bin, stacked by district.

    Examples
    --------
    >>> c = pd.DataFrame({"task_id": ["a", "b"], "title": ["一", "二"], "district": ["甲", "乙"],
    ...                   "confidence": [0.35, 0.92]})
    >>> sum(sum(t.y) for t in confidence_bars(c).data)
    2
    """
    import plotly.graph_objects as go

    edges = np.linspace(0, 1, bins + 1)
    labels = [f"{a:.1f}–{b:.1f}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    binned = pd.cut(coded["confidence"].astype(float), edges, labels=labels, include_lowest=True)
    fig = go.Figure()
    for d, mine, color in _by_district(coded, colors):
        mask = coded.index.isin(mine.index)
        present = [b for b in labels if ((binned == b).to_numpy() & mask).any()]
        trace = go.Bar(
            x=present,
            y=[int(((binned == b).to_numpy() & mask).sum()) for b in present],
            name=d,
            marker_color=color,
            hovertemplate=f"{d} · confidence %{{x}}: %{{y}} tasks<extra></extra>",
        )
        tasks_of = grouped_tasks(coded, pd.Series(mask), pd.Series(binned.to_numpy()))
        cells = [task_cell(tasks_of(True, b)) for b in present]
        fig.add_trace(attach(trace, cells))
    fig.update_xaxes(
        title_text="置信度 confidence of the primary theme",
        categoryorder="array",
        categoryarray=labels,
    )
    fig.update_yaxes(title_text="任务数 tasks")
    fig.update_layout(showlegend=True)
    return _layout(fig, "编码置信度 · How sure the coding is", 380)


def overall_share_bars(tasks: pd.DataFrame, shares: pd.DataFrame) -> go.Figure:
    """Codebook theme shares over all tasks, with 95 % intervals; a bar opens its tasks.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Coded tasks (``task_id, title, theme``).
    shares : pandas.DataFrame
        :func:`compare.shares.theme_shares` of ``tasks`` with one group.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a"], "title": ["一"], "theme": ["A"], "theme_name": ["x"],
    ...                   "all": ["全部"]})
    >>> from compare.shares import theme_shares
    >>> overall_share_bars(t, theme_shares(t, by="all")).data[0].customdata[0][0]
    'a'
    """
    import plotly.graph_objects as go

    s = shares.sort_values(["share", "theme"], ascending=[True, False])
    labels = [f"{c} {n}" if n != c else c for c, n in zip(s["theme"], s["theme_name"], strict=True)]
    trace = go.Bar(
        x=s["share"],
        y=labels,
        orientation="h",
        marker_color=figures.PALETTE[0],
        error_x={
            "type": "data",
            "symmetric": False,
            "array": (s["ci_high"] - s["share"]).to_numpy(),
            "arrayminus": (s["share"] - s["ci_low"]).to_numpy(),
            "color": "#555",
        },
        customdata=np.c_[s["n_tasks"], s["ci_low"], s["ci_high"]],
        hovertemplate="%{y}: %{x:.1%} [%{customdata[1]:.1%}, %{customdata[2]:.1%}], "
        "%{customdata[0]} tasks<extra></extra>",
        name="share",
    )
    tasks_of = grouped_tasks(tasks, "theme")
    cells = [task_cell(tasks_of(c)) for c in s["theme"]]
    fig = go.Figure(attach(trace, cells))
    fig.update_xaxes(tickformat=".0%", rangemode="tozero", title_text="任务占比 share of tasks")
    fig.update_layout(showlegend=False)
    return _layout(fig, "编码主题占比 · Codebook themes, share of all tasks", 140 + 26 * len(s))
