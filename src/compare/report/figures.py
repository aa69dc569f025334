"""Plotly figure builders for the comparison analytics; each returns a ``go.Figure``.

Every builder takes the DataFrame an analysis function returns and draws it;
nothing is computed here beyond layout. One colour per district everywhere:
:func:`district_colors` gives each district name a colour from
:data:`PALETTE` (a colour-blind-safe qualitative palette) by a stable hash of
the name, probing to the next free colour on a collision (names taken in
sorted order), so a district keeps its colour from figure to figure whatever
else is shown, as long as the palette is not exhausted. Side-by-side figures
take a ``note`` (e.g. :func:`compare.selection.year_note`) shown as a
subtitle, so a year difference is stated wherever documents are compared.

Examples
--------
>>> colors = district_colors(["青浦", "松江", "长宁"])
>>> len(set(colors.values()))
3
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = [
    "PALETTE",
    "change_slopes",
    "district_colors",
    "group_colors",
    "keyness_bars",
    "keyness_scatter",
    "residual_heatmap",
    "share_dots",
    "share_heatmap",
    "similarity_heatmap",
    "target_bars",
]

#: Okabe–Ito colour-blind-safe palette (black left out), then Plotly's safe extras.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#88CCEE",
    "#882255",
    "#117733",
    "#332288",
    "#AA4499",
    "#44AA99",
    "#999933",
)
_FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def district_colors(names: Iterable[str]) -> dict[str, str]:
    """A colour per district name, stable across figures.

    Examples
    --------
    >>> district_colors(["松江"])["松江"] == district_colors(["长宁", "松江"])["松江"]
    True
    """
    out: dict[str, str] = {}
    used: set[int] = set()
    for name in sorted({str(n) for n in names}):
        slot = int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16) % len(PALETTE)
        for step in range(len(PALETTE)):
            cand = (slot + step) % len(PALETTE)
            if cand not in used or len(used) >= len(PALETTE):
                slot = cand
                break
        used.add(slot)
        out[name] = PALETTE[slot]
    return out


#: Panels per row of the small-multiple figures (more districts or targets wrap to new rows).
KEYNESS_COLUMNS: int = 4
TARGET_COLUMNS: int = 6
#: Above this many groups a share heatmap puts the groups down the side (one row each).
HEATMAP_COLUMNS: int = 16


def group_colors(groups: Iterable[str], colors: Mapping[str, str] | None = None) -> dict[str, str]:
    """``colors`` for the groups drawn, unless two of them share a colour there.

    The corpus-wide colours (:func:`district_colors`) repeat once a corpus has
    more districts than :data:`PALETTE` has colours; a figure drawing up to
    that many districts then gets colours of its own, all distinct.

    Examples
    --------
    >>> group_colors(["甲", "乙"], {"甲": "#000", "乙": "#000"}) == district_colors(["甲", "乙"])
    True
    """
    groups = sorted({str(g) for g in groups})
    given = dict(colors or {})
    mine = [given.get(g) for g in groups]
    if given and None not in mine and len(set(mine)) == len(mine):
        return given
    return district_colors(groups)


def _grid(n: int, max_cols: int) -> tuple[int, int]:
    """(columns, rows) of a grid of ``n`` panels at most ``max_cols`` wide."""
    cols = max(1, min(n, max_cols))
    return cols, max(1, -(-n // cols))


def _title(text: str, note: str | None) -> dict:
    full = text if not note else f"{text}<br><sup>{note}</sup>"
    return {"text": full, "x": 0.01, "xanchor": "left"}


def _layout(fig: go.Figure, title: str, note: str | None, height: int | None = None) -> go.Figure:
    fig.update_layout(
        title=_title(title, note),
        template="plotly_white",
        font={"family": _FONT},
        margin={"t": 90 if note else 60, "l": 10, "r": 10, "b": 40},
        **({"height": height} if height else {}),
    )
    return fig


def _theme_labels(shares: pd.DataFrame) -> list[str]:
    pairs = shares[["theme", "theme_name"]].drop_duplicates().sort_values("theme")
    return [
        f"{c} {n}" if n != c else c
        for c, n in zip(pairs["theme"], pairs["theme_name"], strict=True)
    ]


def share_heatmap(shares: pd.DataFrame, *, note: str | None = None) -> go.Figure:
    """Heatmap of theme shares: themes down, groups across.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`compare.shares.theme_shares`.
    note : str, optional
        Subtitle (the year note of the comparison set).

    Examples
    --------
    >>> s = pd.DataFrame({"group": ["甲", "甲"], "theme": ["A", "B"], "theme_name": ["x", "y"],
    ...                   "share": [0.25, 0.75], "weight": ["tasks", "tasks"]})
    >>> share_heatmap(s).data[0].type
    'heatmap'
    """
    groups = sorted(shares["group"].unique())
    labels = _theme_labels(shares)
    z = shares.pivot(index="theme", columns="group", values="share").sort_index()[groups]
    weight = shares["weight"].iloc[0] if "weight" in shares else "tasks"
    text = (100 * z).round(0).astype(int).astype(str)
    what = "tasks" if weight == "tasks" else "text (characters)"
    if len(groups) > HEATMAP_COLUMNS:  # many groups: one row each, themes across
        fig = go.Figure(
            go.Heatmap(
                z=z.T.to_numpy(),
                x=[lab.split(" ", 1)[0] for lab in labels],
                y=groups,
                colorscale="Blues",
                zmin=0,
                text=text.T.to_numpy(),
                texttemplate="%{text}%",
                customdata=[labels] * len(groups),
                hovertemplate="%{customdata}<br>%{y}: %{z:.1%}<extra></extra>",
                colorbar={"tickformat": ".0%"},
            )
        )
        fig.update_yaxes(autorange="reversed", automargin=True)
        fig.update_xaxes(side="top", title="theme (code; hover for the name)")
        return _layout(
            fig, f"Attention by theme: share of {what}", note, height=160 + 24 * len(groups)
        )
    fig = go.Figure(
        go.Heatmap(
            z=z.to_numpy(),
            x=groups,
            y=labels,
            colorscale="Blues",
            zmin=0,
            text=text.to_numpy(),
            texttemplate="%{text}%",
            hovertemplate="%{y}<br>%{x}: %{z:.1%}<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, f"Attention by theme: share of {what}", note, height=120 + 28 * len(labels))


def share_dots(
    shares: pd.DataFrame, *, note: str | None = None, colors: Mapping[str, str] | None = None
) -> go.Figure:
    """Dot plot of theme shares with their 95 % intervals, one trace per group.

    Examples
    --------
    >>> s = pd.DataFrame({"group": ["甲", "乙"], "theme": ["A", "A"], "theme_name": ["x", "x"],
    ...                   "share": [1.0, 1.0], "ci_low": [1.0, 1.0], "ci_high": [1.0, 1.0],
    ...                   "weight": ["tasks", "tasks"]})
    >>> [t.name for t in share_dots(s).data]
    ['乙', '甲']
    """
    groups = sorted(shares["group"].unique())
    colors = group_colors(groups, colors)
    labels = dict(zip(shares["theme"], _label_series(shares), strict=True))
    fig = go.Figure()
    spread = 0.25 if len(groups) <= 4 else 0.4  # many groups: use more of each theme's row
    offsets = np.linspace(-spread, spread, len(groups)) if len(groups) > 1 else [0.0]
    order = sorted(labels)
    ypos = {code: i for i, code in enumerate(order)}
    for g, off in zip(groups, offsets, strict=True):
        s = shares[shares["group"] == g].sort_values("theme")
        fig.add_trace(
            go.Scatter(
                x=s["share"],
                y=[ypos[c] + off for c in s["theme"]],
                mode="markers",
                name=g,
                marker={"color": colors.get(g), "size": 9},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (s["ci_high"] - s["share"]).to_numpy(),
                    "arrayminus": (s["share"] - s["ci_low"]).to_numpy(),
                    "color": colors.get(g),
                    "thickness": 1.5,
                },
                customdata=np.c_[s["ci_low"], s["ci_high"], [labels[c] for c in s["theme"]]],
                hovertemplate=f"{g}<br>%{{customdata[2]}}: %{{x:.1%}} "
                "[%{customdata[0]:.1%}, %{customdata[1]:.1%}]<extra></extra>",
            )
        )
    fig.update_yaxes(
        tickvals=list(range(len(order))), ticktext=[labels[c] for c in order], autorange="reversed"
    )
    fig.update_xaxes(tickformat=".0%", rangemode="tozero", title="share (95% interval)")
    row = max(30, 7 * len(groups))  # room for every group's dot in a theme's row
    return _layout(
        fig, "Attention by theme with 95% intervals", note, height=140 + row * len(order)
    )


def _label_series(shares: pd.DataFrame) -> list[str]:
    return [
        f"{c} {n}" if n != c else c
        for c, n in zip(shares["theme"], shares.get("theme_name", shares["theme"]), strict=True)
    ]


def residual_heatmap(table: pd.DataFrame, *, note: str | None = None) -> go.Figure:
    """Adjusted standardized residuals of the chi-square test (red: over-weights).

    Parameters
    ----------
    table : pandas.DataFrame
        ``ShareTest.table`` from :func:`compare.shares.share_test`.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["甲", "乙"], "theme": ["A", "A"], "theme_name": ["x", "x"],
    ...                   "residual": [2.5, -2.5], "observed": [5, 0]})
    >>> residual_heatmap(t).layout.title.text.startswith("Which district")
    True
    """
    groups = sorted(table["group"].unique())
    z = table.pivot(index="theme", columns="group", values="residual").sort_index()[groups]
    obs = table.pivot(index="theme", columns="group", values="observed").sort_index()[groups]
    labels = _theme_labels(table)
    lim = max(3.0, float(np.nanmax(np.abs(z.to_numpy()))) if z.size else 3.0)
    fig = go.Figure(
        go.Heatmap(
            z=z.to_numpy(),
            x=groups,
            y=labels,
            colorscale="RdBu",
            reversescale=True,
            zmin=-lim,
            zmax=lim,
            zmid=0,
            text=np.round(z.to_numpy(), 1),
            texttemplate="%{text}",
            customdata=obs.to_numpy(),
            hovertemplate="%{y}<br>%{x}: residual %{z:.2f}, %{customdata} tasks<extra></extra>",
            colorbar={"title": "adj. residual"},
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        "Which district over- or under-weights which theme (|residual| > 1.96)",
        note,
        height=120 + 28 * len(labels),
    )


def keyness_bars(
    terms: pd.DataFrame,
    *,
    top: int = 12,
    colors: Mapping[str, str] | None = None,
    note: str | None = None,
) -> go.Figure:
    """Most distinctive words per group (z of the log-odds ratio), one panel each.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`compare.keyness.distinctive_terms`.
    top : int
        Words per panel.

    Examples
    --------
    >>> d = pd.DataFrame({"group": ["甲", "乙"], "term": ["中医", "养老"], "z": [2.0, 1.5],
    ...                   "count": [3, 2]})
    >>> [t.name for t in keyness_bars(d).data]
    ['乙', '甲']
    """
    groups = sorted(terms["group"].unique())
    colors = group_colors(groups, colors)
    cols, rows = _grid(len(groups), KEYNESS_COLUMNS)
    panel = 70 + 24 * top
    height = 100 + rows * panel
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=groups,
        horizontal_spacing=0.08,
        vertical_spacing=min(0.3, 70 / height) if rows > 1 else 0.0,
    )
    for i, g in enumerate(groups):
        s = terms[terms["group"] == g].nlargest(top, "z").iloc[::-1]
        fig.add_trace(
            go.Bar(
                x=s["z"],
                y=s["term"],
                orientation="h",
                name=g,
                marker_color=colors.get(g),
                customdata=s[["count"]].to_numpy(),
                hovertemplate="%{y}: z = %{x:.2f}, %{customdata[0]} uses<extra></extra>",
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    fig.update_xaxes(title="z (log-odds, Dirichlet prior)", row=rows)  # bottom row only
    fig.update_layout(showlegend=False)
    return _layout(fig, "Distinctive words per district (vs the others)", note, height=height)


def keyness_scatter(
    pair: pd.DataFrame,
    *,
    label: int = 12,
    note: str | None = None,
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Scattertext-style plot of two groups: word frequency rank in each, coloured by z.

    Parameters
    ----------
    pair : pandas.DataFrame
        From :func:`compare.keyness.pair_terms` (``attrs`` name the groups).
    label : int
        Words labelled at each end of the z ranking.

    Examples
    --------
    >>> p = pd.DataFrame({"term": ["中医", "养老"], "rank_a": [1.0, 0.0], "rank_b": [0.0, 1.0],
    ...                   "count_a": [3, 0], "count_b": [0, 2], "z": [1.5, -1.2]})
    >>> p.attrs.update({"a": "甲", "b": "乙"})
    >>> len(keyness_scatter(p).data)
    2
    """
    a, b = pair.attrs.get("a", "a"), pair.attrs.get("b", "b")
    colors = group_colors([a, b], colors)
    lim = max(2.0, float(pair["z"].abs().max()) if len(pair) else 2.0)
    rng = np.random.default_rng(0)
    jitter = rng.uniform(-0.008, 0.008, size=(len(pair), 2))
    fig = go.Figure(
        go.Scatter(
            x=pair["rank_b"] + jitter[:, 0],
            y=pair["rank_a"] + jitter[:, 1],
            mode="markers",
            name="words",
            text=pair["term"],
            marker={
                "color": pair["z"],
                "cmin": -lim,
                "cmax": lim,
                "size": 7,
                "colorscale": [[0, colors[b]], [0.5, "#DDDDDD"], [1, colors[a]]],
                "colorbar": {"title": f"z ({a} +)"},
            },
            customdata=pair[["count_a", "count_b", "z"]].to_numpy(),
            hovertemplate=f"%{{text}}<br>{a}: %{{customdata[0]}} · {b}: %{{customdata[1]}}"
            "<br>z = %{customdata[2]:.2f}<extra></extra>",
        )
    )
    ends = pd.concat([pair.nlargest(label, "z"), pair.nsmallest(label, "z")]).drop_duplicates(
        "term"
    )
    fig.add_trace(
        go.Scatter(
            x=ends["rank_b"],
            y=ends["rank_a"],
            mode="text",
            text=ends["term"],
            textposition="top center",
            name="labels",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_xaxes(title=f"frequency rank in {b}", range=[-0.05, 1.05])
    fig.update_yaxes(title=f"frequency rank in {a}", range=[-0.05, 1.05])
    return _layout(
        fig, f"{a} vs {b}: words by frequency rank, coloured by log-odds z", note, height=620
    )


def similarity_heatmap(sim: pd.DataFrame, *, note: str | None = None) -> go.Figure:
    """Document × document cosine similarity.

    Examples
    --------
    >>> s = pd.DataFrame([[1.0, 0.4], [0.4, 1.0]], index=["甲", "乙"], columns=["甲", "乙"])
    >>> similarity_heatmap(s).data[0].type
    'heatmap'
    """
    fig = go.Figure(
        go.Heatmap(
            z=sim.to_numpy(),
            x=list(sim.columns),
            y=list(sim.index),
            colorscale="Viridis",
            zmin=0,
            zmax=1,
            text=np.round(sim.to_numpy(), 2),
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig, "Document similarity (cosine of TF-IDF task vectors)", note, height=160 + 40 * len(sim)
    )


def target_bars(
    aligned: pd.DataFrame, *, colors: Mapping[str, str] | None = None, note: str | None = None
) -> go.Figure:
    """Comparable targets across districts: one small panel per aligned object.

    Parameters
    ----------
    aligned : pandas.DataFrame
        From :func:`compare.targets.align_targets`.

    Examples
    --------
    >>> a = pd.DataFrame({"group": [0, 0], "group_key": ["AED", "AED"], "district": ["甲", "乙"],
    ...                   "value": [75.0, 150.0], "value_max": [np.nan, np.nan], "unit": ["台", "台"],
    ...                   "qualifier": ["每10万人", "增配"]})
    >>> [t.name for t in target_bars(a).data]
    ['乙', '甲']
    """
    keys = list(dict.fromkeys(aligned.sort_values("group")["group_key"]))
    districts = sorted(aligned["district"].astype(str).unique())
    colors = group_colors(districts, colors)
    cols, rows = _grid(len(keys), TARGET_COLUMNS)
    height = 120 + rows * 330
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=keys,
        horizontal_spacing=0.04,
        vertical_spacing=min(0.3, 130 / height) if rows > 1 else 0.0,
    )
    shown: set[str] = set()
    for d in districts:
        for i, k in enumerate(keys):
            s = aligned[(aligned["group_key"] == k) & (aligned["district"].astype(str) == d)]
            if s.empty:
                continue
            vmax = s["value_max"].fillna(s["value"])
            fig.add_trace(
                go.Bar(
                    x=[d if len(s) == 1 else f"{d}·{j}" for j in range(1, len(s) + 1)],
                    y=s["value"],
                    name=d,
                    marker_color=colors.get(d),
                    legendgroup=d,
                    showlegend=d not in shown,
                    error_y={
                        "type": "data",
                        "array": (vmax - s["value"]).to_numpy(),
                        "arrayminus": np.zeros(len(s)),
                        "visible": bool((vmax > s["value"]).any()),
                    },
                    text=[
                        f"{v:g}{'–' + format(m, 'g') if m > v else ''}{u} {q}".strip()
                        for v, m, u, q in zip(
                            s["value"], vmax, s["unit"], s["qualifier"].fillna(""), strict=True
                        )
                    ],
                    textposition="outside",
                    hovertemplate="%{x}: %{text}<extra></extra>",
                ),
                row=i // cols + 1,
                col=i % cols + 1,
            )
            shown.add(d)
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(barmode="overlay")  # a bar per target, not a slot per district in every panel
    return _layout(fig, "Comparable quantitative targets across districts", note, height=height)


def change_slopes(change: pd.DataFrame, *, top: int = 8, note: str | None = None) -> go.Figure:
    """Theme shares across a district's documents in time order (largest movers drawn).

    Parameters
    ----------
    change : pandas.DataFrame
        From :func:`compare.change.share_change`.
    top : int
        Themes drawn: the ``top`` largest absolute changes first → last.

    Examples
    --------
    >>> c = pd.DataFrame({"theme": ["A"], "theme_name": ["x"], "share 2021": [0.1],
    ...                   "share 2026": [0.3], "change_pp": [20.0], "status": ["stable"]})
    >>> change_slopes(c).data[0].name
    'A x'
    """
    cols = [c for c in change.columns if c.startswith("share ")]
    docs = [c[len("share ") :] for c in cols]
    pick = change.reindex(change["change_pp"].abs().sort_values(ascending=False).index).head(top)
    fig = go.Figure()
    for i, (_, r) in enumerate(pick.iterrows()):
        name = f"{r['theme']} {r['theme_name']}" if r["theme_name"] != r["theme"] else r["theme"]
        fig.add_trace(
            go.Scatter(
                x=docs,
                y=[r[c] for c in cols],
                mode="lines+markers",
                name=name,
                line={
                    "color": PALETTE[i % len(PALETTE)],
                    "dash": "solid" if r["status"] != "stable" else "dot",
                },
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.1%}}<extra></extra>",
            )
        )
    fig.update_yaxes(tickformat=".0%", title="share of tasks", rangemode="tozero")
    return _layout(fig, "Theme shares over time (largest changes)", note, height=460)
