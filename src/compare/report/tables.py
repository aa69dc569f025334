"""The tables of the reports, each row citing its plan (document · numbering · lines).

Examples
--------
>>> from compare import load_corpus
>>> c = load_corpus()
>>> len(records(c.tasks, c.sections)) == len(c.tasks)
True
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from compare.coder import UNCLEAR
from compare.coding import THEME_COLUMNS
from compare.report.facts import MAX_PANELS, listing

__all__ = [
    "aligned_table",
    "change_table",
    "citations",
    "cluster_table",
    "cluster_theme_table",
    "echo_table",
    "priorities_table",
    "records",
    "targets_table",
    "uncertain_table",
    "unclear_table",
    "widest_targets",
]


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy without ``attrs`` (pandas cannot merge frames whose attrs hold frames)."""
    out = df.copy(deep=False)
    out.attrs = {}
    return out


def citations(tasks: pd.DataFrame, sections: pd.DataFrame | None) -> dict[str, str]:
    """task_id → short citation (document · numbering · raw lines).

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> citations(c.tasks, c.sections)[c.tasks.task_id[0]]
    '长宁 2025 要点 · 一、1、 · L45–L64'
    """
    from compare.report.explorer import task_citations

    tasks = _plain(tasks)
    return dict(zip(tasks["task_id"], task_citations(tasks, sections), strict=True))


def records(
    tasks: pd.DataFrame, sections: pd.DataFrame, targets: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The explorer and source-panel rows of (coded) tasks.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Tasks, coded (:func:`coded_tasks`) or not.
    sections : pandas.DataFrame
        ``Corpus.sections``.
    targets : pandas.DataFrame, optional
        From :func:`compare.targets.extract_targets`.

    Returns
    -------
    pandas.DataFrame
        :func:`compare.report.explorer.explorer_records` of the tasks; the runner-up
        theme is given by name, and each target compactly (object, qualifier,
        value and unit, e.g. ``"签约居民覆盖率 达到 48%"``).

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> len(records(c.tasks, c.sections)) == len(c.tasks)
    True
    """
    from compare.report.explorer import explorer_records

    tasks = _plain(tasks)
    present = [c for c in THEME_COLUMNS if c in tasks.columns]
    coded = tasks[["task_id", *present]].copy() if present else None
    if coded is not None and "theme_2_name" in coded:  # the runner-up by name, as the theme
        coded["theme_2"] = coded["theme_2_name"]
    if targets is not None and len(targets):  # a compact target, e.g. "签约居民覆盖率 48%"
        targets = targets.assign(text=[_target_label(r) for r in targets.to_dict("records")])
    return explorer_records(tasks.drop(columns=present), sections, coded=coded, targets=targets)


def _target_label(row: dict[str, Any]) -> str:
    value = f"{row['value']:g}"
    if pd.notna(row.get("value_max")):
        value += f"–{row['value_max']:g}"
    return " ".join(str(x) for x in (row.get("object") or "", row.get("qualifier") or "") if x) + (
        f" {value}{row['unit']}"
    )


def uncertain_table(coded: pd.DataFrame, sections: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` least confidently coded tasks, with runner-up theme and citation.

    These are the candidates for the researcher's overrides file.

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> t = c.tasks.assign(theme_name="x", confidence=0.5, theme_2_name="y", confidence_2=0.2)
    >>> len(uncertain_table(t, c.sections, n=3))
    3
    """
    cite = citations(coded, sections)
    low = coded.sort_values(["confidence", "task_id"]).head(n)
    return pd.DataFrame(
        {
            "任务 Task": low["title"],
            "主题 Theme": low["theme_name"],
            "置信度 Conf.": low["confidence"].astype(float).round(2),
            "次选 Runner-up": low["theme_2_name"],
            "次选置信度 Conf. 2": low["confidence_2"].astype(float).round(2),
            "任务编号 task_id": low["task_id"],
            "出处 Source": low["task_id"].map(cite),
        }
    ).reset_index(drop=True)


def cluster_table(coded: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster: size, label words, representative titles, main codebook theme.

    Examples
    --------
    >>> c = pd.DataFrame({"cluster": [0, 0, 1], "cluster_label": ["中医", "中医", "养老"],
    ...                   "theme_name": ["中医药", "中医药", "老年健康"], "title": ["甲", "乙", "丙"]})
    >>> cluster_table(c)["主要编码主题 Main theme"].tolist()
    ['中医药 (100%)', '老年健康 (100%)']
    """
    summary = coded.attrs.get("clusters")
    rows = []
    for cluster, g in coded.groupby("cluster", sort=True):
        top = g["theme_name"].value_counts()
        examples: list[str] = []
        if summary is not None and cluster in set(summary["cluster"]):
            examples = list(summary.set_index("cluster").loc[cluster, "examples"])
        rows.append(
            {
                "聚类 Cluster": int(cluster),
                "任务数 Tasks": len(g),
                "标签 Label (top words)": str(g["cluster_label"].iloc[0]),
                "代表性任务 Representative tasks": " / ".join(examples or list(g["title"][:3])),
                "主要编码主题 Main theme": f"{top.index[0]} ({top.iloc[0] / len(g):.0%})",
                "区 Districts": "、".join(sorted(g["district"].astype(str).unique()))
                if "district" in g
                else "",
            }
        )
    return pd.DataFrame(rows).sort_values(["任务数 Tasks", "聚类 Cluster"], ascending=[False, True])


def cluster_theme_table(coded: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Cluster × codebook theme task counts, with agreement figures and flagged clusters.

    Returns
    -------
    (pandas.DataFrame, dict)
        One row per cluster (label, size, a column per theme name with its
        task count, and ``待议 Flag``: the cluster spreads over several themes,
        a candidate for a new or split code); and ``ari``, ``nmi``,
        ``n_flagged``, ``flagged`` (the flagged clusters' labels, listed).

    Examples
    --------
    >>> c = pd.DataFrame({"cluster": [0, 0, 1], "cluster_label": ["a", "a", "b"],
    ...                   "theme": ["A", "B", "B"], "theme_name": ["x", "y", "y"]})
    >>> table, facts = cluster_theme_table(c)
    >>> table.columns.tolist()[:3], facts["n_flagged"]
    (['聚类 Cluster', '标签 Label', '任务数 Tasks'], 0)
    """
    from compare.clusters import cluster_agreement

    agree = cluster_agreement(coded["cluster"].to_numpy(), coded["theme"].astype(str).to_numpy())
    names = dict(zip(coded["theme"].astype(str), coded["theme_name"].astype(str), strict=False))
    labels = coded.groupby("cluster")["cluster_label"].first()
    counts = agree.table.rename(columns=lambda c: f"{c} {names.get(c, c)}")
    counts.columns.name = None
    spread = agree.spread.set_index("cluster")
    table = counts.copy()
    table.insert(0, "任务数 Tasks", spread["size"])
    table.insert(0, "标签 Label", [labels.get(c, "") for c in table.index])
    table.insert(0, "聚类 Cluster", table.index.astype(int))
    table["待议 Flag"] = ["分散于多个主题 spread" if f else "" for f in spread["flagged"]]
    table = table.sort_values(["任务数 Tasks", "聚类 Cluster"], ascending=[False, True])
    flagged = [str(labels.get(c, c)) for c in spread.index[spread["flagged"]]]
    facts = {
        "ari": agree.ari,
        "nmi": agree.nmi,
        "n_flagged": len(flagged),
        "flagged": listing(flagged),
    }
    return table.reset_index(drop=True), facts


def unclear_table(coded: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """The tasks coded 未定 (unclear), with the model's best guess and citation.

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> t = c.tasks.assign(theme="?", theme_2_name="x", confidence=0.2)
    >>> len(unclear_table(t.head(2), c.sections))
    2
    """
    cite = citations(coded, sections)
    low = coded[coded["theme"].astype(str) == UNCLEAR].sort_values(["confidence", "task_id"])
    return pd.DataFrame(
        {
            "任务 Task": low["title"],
            "最可能主题 Best guess": low["theme_2_name"],
            "置信度 Conf.": low["confidence"].astype(float).round(2),
            "任务编号 task_id": low["task_id"],
            "出处 Source": low["task_id"].map(cite),
        }
    ).reset_index(drop=True)


def priorities_table(
    shared: pd.DataFrame, tasks: pd.DataFrame, sections: pd.DataFrame
) -> pd.DataFrame:
    """Shared and unique priorities, one row per task, each with its citation.

    Parameters
    ----------
    shared : pandas.DataFrame
        From :func:`compare.align.shared_priorities` (groups = districts).
    tasks : pandas.DataFrame
        The tasks matched (``task_id, title, district``).
    sections : pandas.DataFrame
        ``Corpus.sections`` (for citations).

    Returns
    -------
    pandas.DataFrame
        ``优先事项, 共有, 区, 任务, 出处`` in the order of ``shared``.

    Examples
    --------
    >>> from compare import load_corpus
    >>> from compare.align import best_counterparts, shared_priorities
    >>> from compare.selection import comparison_set
    >>> c = load_corpus(); _, t = comparison_set(c.documents, c.tasks)
    >>> priorities_table(shared_priorities(best_counterparts(t), t), t, c.sections).columns[-1]
    '出处 Source'
    """
    groups = [c for c in shared.columns if c in set(tasks["district"].astype(str))]
    cite = citations(tasks, sections)
    by_title: dict[tuple[str, str], list[str]] = {}
    for r in tasks.itertuples(index=False):
        by_title.setdefault((str(r.district), str(r.title)), []).append(str(r.task_id))
    rows = []
    for p in shared.itertuples(index=False):
        record = p._asdict()
        for g in groups:
            for title in filter(None, str(record.get(g) or "").split(" / ")):
                for task_id in by_title.get((g, title), [])[:1]:
                    rows.append(
                        {
                            "优先事项 Priority": int(record["priority"]),
                            "共有 Shared by": _shared_by(record),
                            "区 District": g,
                            "任务 Task": title,
                            "出处 Source": cite.get(task_id, ""),
                        }
                    )
    return pd.DataFrame(rows)


def _shared_by(record: dict[str, Any]) -> str:
    """``shared_by``, with the priority a "near" task resembles (``near 7``)."""
    kind = str(record["shared_by"])
    close = record.get("close_to")
    return f"{kind} {int(close)}" if kind == "near" and pd.notna(close) else kind


def _with_line(citation: str, line: int) -> str:
    """A task's citation, plus the target's own raw line when the task spans several."""
    return citation if citation.endswith(f"L{line}") else f"{citation} · 行 line {line}"


def targets_table(
    targets: pd.DataFrame, tasks: pd.DataFrame, sections: pd.DataFrame
) -> pd.DataFrame:
    """Quantitative targets for reading: value, object, qualifier, sentence and citation.

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`compare.targets.extract_targets`.
    tasks, sections : pandas.DataFrame
        The tasks and ``Corpus.sections`` (for citations).

    Examples
    --------
    >>> from compare import load_corpus
    >>> from compare.targets import extract_targets
    >>> c = load_corpus()
    >>> targets_table(extract_targets(c.tasks), c.tasks, c.sections).columns.tolist()[:3]
    ['区 District', '文件 Document', '指标 Target']
    """
    cite = citations(tasks, sections)

    def value(r: pd.Series) -> str:
        v = f"{r['value']:g}"
        if pd.notna(r["value_max"]):
            v += f"–{r['value_max']:g}"
        return v + str(r["unit"])

    cols = ["区 District", "文件 Document", "指标 Target", "对象 Object", "限定 Qualifier",
            "原句 Sentence", "出处 Source"]  # fmt: skip
    if targets.empty:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(
        {
            cols[0]: targets["district"].astype(str),
            cols[1]: targets["label"].astype(str),
            cols[2]: targets.apply(value, axis=1),
            cols[3]: targets["object"].fillna(""),
            cols[4]: targets["qualifier"].fillna(""),
            cols[5]: targets["text"].fillna(""),
            cols[6]: [
                _with_line(cite.get(t, ""), ln)
                for t, ln in zip(targets["task_id"], targets["line"], strict=True)
            ],
        }
    )
    return out.reset_index(drop=True)


def aligned_table(
    aligned: pd.DataFrame, tasks: pd.DataFrame, sections: pd.DataFrame
) -> pd.DataFrame:
    """Comparable targets across districts, one row per target, with citations.

    Examples
    --------
    >>> from compare import load_corpus
    >>> from compare.targets import align_targets, extract_targets
    >>> c = load_corpus()
    >>> a = align_targets(extract_targets(c.tasks))
    >>> aligned_table(a, c.tasks, c.sections).iloc[0]["可比指标 Comparable target"] != ""
    True
    """
    cite = citations(tasks, sections)
    rows = []
    for r in aligned.itertuples(index=False):
        v = f"{r.value:g}" + (f"–{r.value_max:g}" if pd.notna(r.value_max) else "") + str(r.unit)
        rows.append(
            {
                "可比指标 Comparable target": str(r.group_key),
                "区 District": str(r.district),
                "指标 Target": v,
                "限定 Qualifier": str(r.qualifier or ""),
                "对象 Object": str(r.object),
                "出处 Source": _with_line(cite.get(str(r.task_id), ""), r.line),
            }
        )
    return pd.DataFrame(rows)


def widest_targets(aligned: pd.DataFrame, n: int = MAX_PANELS) -> pd.DataFrame:
    """The ``n`` aligned target groups set by most districts (then by group number), for a figure.

    Examples
    --------
    >>> a = pd.DataFrame({"group": [0, 1, 1], "group_key": ["AED", "床位", "床位"],
    ...                   "district": ["甲", "甲", "乙"]})
    >>> widest_targets(a, n=1)["group_key"].tolist()
    ['床位', '床位']
    """
    if aligned.empty:
        return aligned
    width = aligned.groupby("group")["district"].nunique()
    keep = sorted(width.index, key=lambda g: (-width[g], g))[:n]
    return aligned[aligned["group"].isin(keep)]


def echo_table(echoes: pd.DataFrame, tasks: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Echoes between two documents with citations for both sides.

    Parameters
    ----------
    echoes : pandas.DataFrame
        From :func:`compare.change.echoes`.

    Examples
    --------
    >>> from compare import load_corpus
    >>> from compare.change import echoes
    >>> c = load_corpus(); d = c.documents
    >>> e = echoes(c.tasks, d.doc_id[2], d.doc_id[4])
    >>> echo_table(e, c.tasks, c.sections).columns[0]
    '方向 Side'
    """
    cite = citations(tasks, sections)
    side = {"earlier": "较早 earlier", "later": "较晚 later"}
    return pd.DataFrame(
        {
            "方向 Side": echoes["side"].map(side),
            "任务 Task": echoes["title"],
            "状态 Status": echoes["status"],
            "最相近 Closest": echoes["match_title"],
            "相似度 Cosine": echoes["score"].round(2),
            "出处 Source": echoes["task_id"].map(cite),
            "相近任务出处 Closest source": echoes["match_task_id"].map(cite),
        }
    )


def change_table(change: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare.change.share_change` for reading: shares and changes in percent.

    Examples
    --------
    >>> c = pd.DataFrame({"theme": ["A"], "theme_name": ["x"], "share 2021": [0.1],
    ...                   "share 2026": [0.3], "change_pp": [20.0], "status": ["gained"],
    ...                   "step_pp 2026": [20.0]})
    >>> change_table(c).iloc[0].tolist()
    ['A x', '10%', '30%', '+20.0', 'gained']
    """
    shares = [c for c in change.columns if c.startswith("share ")]
    out = pd.DataFrame(
        {
            "主题 Theme": [
                f"{c} {n}" for c, n in zip(change["theme"], change["theme_name"], strict=True)
            ]
        }
    )
    for col in shares:
        out[col.removeprefix("share ")] = change[col].map(lambda x: f"{x:.0%}").to_numpy()
    out["变化 Change (pp)"] = change["change_pp"].map(lambda x: f"{x:+.1f}").to_numpy()
    out["判断 Status"] = change["status"].to_numpy()
    return out
