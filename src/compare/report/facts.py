"""The sentences of the reports: each ``*_facts`` dict fills a notebook's prose.

Every sentence a report states is filled from a dict computed here from the
data, so it stays true when a plan is added; where an analysis cannot apply
(:func:`applicability`), the sentence says why. What the themes report says
about the coding itself (clusters, confidence, expected accuracy) is
:mod:`compare.report.coding_facts`.

Examples
--------
>>> listing(["长宁", "青浦"])
'长宁、青浦'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from compare.exceptions import CompareError
from compare.labels import MAX_NAMES, kind_names, known_districts, unknown_facts

__all__ = [
    "applicability",
    "change_facts",
    "explorer_facts",
    "keyness_facts",
    "listing",
    "priority_facts",
    "set_facts",
    "share_facts",
    "share_test",
    "similarity_facts",
    "target_facts",
]

#: Panels of aligned targets drawn at most (see :func:`compare.report.tables.widest_targets`).
MAX_PANELS: int = 12


def listing(names: Sequence[str], n: int = MAX_NAMES, unit: str = "个") -> str:
    """``"、"``-joined names, at most ``n`` of them, then how many more.

    Examples
    --------
    >>> listing(["甲", "乙", "丙"], n=2)
    '甲、乙 等 3 个'
    >>> listing(["甲"])
    '甲'
    """
    names = [str(x) for x in names]
    if len(names) <= n:
        return "、".join(names)
    return "、".join(names[:n]) + f" 等 {len(names)} {unit}"


def set_facts(docs: pd.DataFrame) -> dict[str, Any]:
    """What a comparison set holds, with a sentence saying how it was chosen.

    Parameters
    ----------
    docs : pandas.DataFrame
        The documents of :func:`comparison_set` (its ``attrs`` say whether a
        kind was substituted or the districts capped).

    Returns
    -------
    dict
        ``n_docs, n_districts`` (districts the texts name), ``labels`` (at
        most :data:`compare.labels.MAX_NAMES` listed), ``districts`` (the groups compared,
        a document of unknown district being a group of its own) and
        ``set_note`` (one or more sentences; they count the documents whose
        district, year or kind is unknown).

    Examples
    --------
    >>> from compare import load_corpus
    >>> from compare.selection import comparison_set
    >>> c = load_corpus()
    >>> set_facts(comparison_set(c.documents, c.tasks)[0])["set_note"]
    '比较 3 个区各自最新的一份工作要点，共 3 份文件。'
    """
    a = docs.attrs
    groups = sorted(docs["district"].astype(str).unique())
    n_d = len(known_districts(groups))
    used = a.get("kinds_used", sorted(docs["kind"].astype(str).unique()))
    kinds = kind_names(used) if used else "各类文件"
    if len(groups) == 1:
        only = groups[0]
        which = "最新的一份" if a.get("latest", True) else ""
        note = f"只比较一个区（{only}）{which}{kinds}，共 {len(docs)} 份文件。"
    elif a.get("latest", True):
        note = f"比较 {n_d} 个区各自最新的一份{kinds}，共 {len(docs)} 份文件。"
    else:
        note = f"比较 {n_d} 个区的{kinds}，共 {len(docs)} 份文件。"
    asked = a.get("kinds_asked", [])
    if asked and used != asked:
        note = (
            f"语料中没有{kind_names(asked)}（No {', '.join(asked)} in the corpus），"
            f"改为比较最多区都有的{kinds}。" + note
        )
    if a.get("capped"):
        note += (
            f"语料中共有 {a['n_districts_available']} 个区符合条件；为使图表可读，只比较其中文件年份最近、"
            f"任务最多的 {n_d} 个区（参数 max_districts；用 districts 指定要比较的区）。"
        )
    note += unknown_facts(docs)["note"]
    return {
        "n_docs": len(docs),
        "n_districts": n_d,
        "labels": listing(docs["label"].astype(str).tolist(), unit="份"),
        "districts": listing(groups),
        "set_note": note,
    }


def applicability(docs: pd.DataFrame, tasks: pd.DataFrame) -> dict[str, str]:
    """Why each comparison of report 03 cannot apply to this set; ``""`` where it can.

    Parameters
    ----------
    docs, tasks : pandas.DataFrame
        From :func:`comparison_set`.

    Returns
    -------
    dict
        Keys ``test`` (chi-square), ``keyness``, ``pair``, ``similarity``,
        ``priorities``; each value is a sentence computed from the data, or
        ``""`` when the analysis applies.

    Examples
    --------
    >>> d = pd.DataFrame({"district": ["甲"], "label": ["甲 2025 工作要点"]})
    >>> t = pd.DataFrame({"district": ["甲", "甲"], "theme": ["A", "B"]})
    >>> why = applicability(d, t)
    >>> why["similarity"]
    '只有一份文件（甲 2025 工作要点），文件相似度需要至少两份文件，此项从略（one document only）。'
    """
    names = sorted(tasks["district"].astype(str).unique()) if len(tasks) else []
    one = ""
    if len(names) < 2:
        who = f"（{names[0]}）" if names else ""
        one = f"只有一个区{who}参与比较" if names else "没有任务可比较"
    themes = sorted(tasks["theme"].dropna().astype(str).unique()) if "theme" in tasks else []
    test = ""
    if one:
        test = one + "，卡方检验需要至少两个区，此项从略（the test needs two districts）。"
    elif len(themes) < 2:
        test = (
            "所比较的任务只编码为一个主题，卡方检验需要至少两个主题，此项从略（one theme only）。"
        )
    labels = docs["label"].astype(str).tolist()
    similarity = ""
    if len(labels) < 2:
        similarity = f"只有一份文件（{listing(labels)}），文件相似度需要至少两份文件，此项从略（one document only）。"
    return {
        "test": test,
        "keyness": one + "，特色用词需要与其他区比较，此项从略（needs two districts）。"
        if one
        else "",
        "pair": one + "，两区对照需要两个区，此项从略（needs two districts）。" if one else "",
        "similarity": similarity,
        "priorities": one + "，共有与独有的重点需要至少两个区，此项从略（needs two districts）。"
        if one
        else "",
    }


def explorer_facts(rec: pd.DataFrame) -> dict[str, Any]:
    """Counts the explorer page states.

    ``n_districts`` and ``districts`` count the districts the texts name;
    ``unknown_note`` says how many documents name none (``""`` if all do).

    Examples
    --------
    >>> r = pd.DataFrame({"task_id": ["a", "b"], "district": ["甲", "乙"], "document": ["x", "y"],
    ...                   "targets": ["5家", ""]})
    >>> explorer_facts(r)["n_with_targets"]
    1
    """
    named = known_districts(rec["district"])
    docs = rec.drop_duplicates("document")[["district"]]
    return {
        "n_tasks": len(rec),
        "n_docs": int(rec["document"].nunique()),
        "n_districts": len(named),
        "districts": listing(named) or "—",
        "n_with_targets": int((rec["targets"].fillna("") != "").sum()),
        "unknown_note": unknown_facts(docs)["note"],
    }


def share_test(tasks: pd.DataFrame, *, n_perm: int = 2000, seed: int = 0) -> Any:
    """:func:`compare.shares.share_test` by district, or None where it cannot apply.

    The test needs two districts and two themes; :func:`applicability` says
    why not, and :func:`share_facts` words the result either way.

    Examples
    --------
    >>> share_test(pd.DataFrame({"district": ["甲", "甲"], "theme": ["A", "B"]})) is None
    True
    """
    from compare.shares import share_test as test

    t = tasks.dropna(subset=["theme"])
    if t["district"].nunique() < 2 or t["theme"].nunique() < 2:
        return None
    return test(t, n_perm=n_perm, seed=seed)


def share_facts(shares: pd.DataFrame, test: Any, why_not: str = "") -> dict[str, Any]:
    """The largest share, the test result and the strongest over-weighting.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`compare.shares.theme_shares`.
    test : compare.shares.ShareTest or None
        From :func:`share_test`; None when the test does not apply.
    why_not : str
        Why it does not (``applicability(...)["test"]``).

    Returns
    -------
    dict
        ``top_group, top_theme, top_share``, ``tested`` and ``test_summary``
        (a sentence either way); when tested also ``chi2, dof, p, verdict,
        n_cells, over_group, over_theme, over_residual, n_tests_tasks``.

    Examples
    --------
    >>> from compare.shares import theme_shares
    >>> t = pd.DataFrame({"district": ["甲"] * 6 + ["乙"] * 6,
    ...                   "theme": list("AAAAAB") + list("BBBBBA")})
    >>> share_facts(theme_shares(t, level=None), share_test(t, n_perm=50))["over_theme"]
    'B'
    """
    top = shares.sort_values(["share", "group"], ascending=[False, True]).iloc[0]
    out: dict[str, Any] = {
        "top_group": str(top["group"]),
        "top_theme": str(top["theme_name"]),
        "top_share": float(top["share"]),
        "tested": test is not None,
    }
    if test is None:
        out["test_summary"] = why_not or "未做卡方检验（the test does not apply）。"
        return out
    table = test.table
    best = table.sort_values(["residual", "group"], ascending=[False, True]).iloc[0]
    p = test.p_permutation if pd.notna(test.p_permutation) else test.p_value
    how = "置换 p" if pd.notna(test.p_permutation) else "p"
    verdict = (
        "有统计学差异 differ significantly"
        if p < 0.05
        else "差异不显著 do not differ significantly"
    )
    out.update(
        chi2=float(test.chi2),
        dof=int(test.dof),
        p=float(p),
        verdict=verdict,
        n_cells=int((table["direction"] != "").sum()),
        over_group=str(best["group"]),
        over_theme=str(best["theme_name"]),
        over_residual=float(best["residual"]),
        n_tests_tasks=int(test.n),
        test_summary=f"卡方检验：各区主题分布{verdict}（{how} = {p:.3f}）。",
    )
    return out


def keyness_facts(terms: pd.DataFrame) -> dict[str, Any]:
    """Each group's most distinctive word, as one sentence fragment.

    Examples
    --------
    >>> d = pd.DataFrame({"group": ["甲", "乙"], "term": ["中医", "养老"], "z": [2.0, 1.5]})
    >>> keyness_facts(d)["per_group"]
    '乙：养老（z = 1.5）；甲：中医（z = 2.0）'
    """
    top = terms.sort_values(["group", "z"], ascending=[True, False]).groupby("group").head(1)
    return {
        "per_group": "；".join(
            f"{g}：{t}（z = {z:.1f}）" for g, t, z in top[["group", "term", "z"]].values
        ),
        "n_significant": int((terms["z"] > 1.96).sum()),
    }


def similarity_facts(sim: pd.DataFrame) -> dict[str, Any]:
    """The most and least similar pair of documents.

    Examples
    --------
    >>> s = pd.DataFrame([[1, .3, .5], [.3, 1, .2], [.5, .2, 1]], index=list("abc"),
    ...                  columns=list("abc"))
    >>> f = similarity_facts(s); (f["most_a"], f["most_b"], f["least_a"], f["least_b"])
    ('a', 'c', 'b', 'c')
    """
    pairs = [
        (float(sim.iloc[i, j]), str(sim.index[i]), str(sim.columns[j]))
        for i in range(len(sim))
        for j in range(i + 1, len(sim))
    ]
    if not pairs:
        raise CompareError("similarity needs at least two documents")
    most = max(pairs, key=lambda p: (p[0], p[1], p[2]))
    least = min(pairs, key=lambda p: (p[0], p[1], p[2]))
    return {
        "most_a": most[1],
        "most_b": most[2],
        "most": most[0],
        "least_a": least[1],
        "least_b": least[2],
        "least": least[0],
    }


def priority_facts(shared: pd.DataFrame) -> dict[str, Any]:
    """How many priorities all, some or one district(s) set, and the near misses.

    Examples
    --------
    >>> s = pd.DataFrame({"shared_by": ["all", "2 of 3", "near", "unique", "unique"]})
    >>> {k: v for k, v in priority_facts(s).items() if k != "near_note"}
    {'n_priorities': 5, 'n_all': 1, 'n_some': 1, 'n_near': 1, 'n_unique': 2}
    """
    kind = shared["shared_by"].astype(str)
    n_near = int((kind == "near").sum())
    return {
        "n_priorities": len(shared),
        "n_all": int((kind == "all").sum()),
        "n_some": int((~kind.isin(["all", "near", "unique"])).sum()),
        "n_near": n_near,
        "n_unique": int((kind == "unique").sum()),
        "near_note": (
            f"；另有 {n_near} 项任务与某项重点相近，但所在区已有一项更相近的任务列入该重点，"
            "故单列，标为 near 及该重点编号"
            if n_near
            else ""
        ),
    }


def target_facts(targets: pd.DataFrame, aligned: pd.DataFrame) -> dict[str, Any]:
    """Counts the targets report states.

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲", "乙", "乙"], "task_id": ["a", "b", "c"]})
    >>> a = pd.DataFrame({"group": [0, 0], "group_key": ["AED", "AED"], "district": ["甲", "乙"]})
    >>> target_facts(t, a)["per_district"]
    '乙 2 项、甲 1 项'
    """
    counts = (
        targets["district"].astype(str).value_counts() if len(targets) else pd.Series(dtype=int)
    )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    widest = ""
    n_groups = int(aligned["group"].nunique()) if len(aligned) else 0
    if len(aligned):
        n = aligned.groupby("group_key")["district"].nunique()
        widest = str(sorted(n.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
    return {
        "n_targets": len(targets),
        "n_tasks": int(targets["task_id"].nunique()) if len(targets) else 0,
        "per_district": listing([f"{d} {n} 项" for d, n in ranked], unit="个区") or "—",
        "n_groups": n_groups,
        "widest": widest or "—",
        "none_aligned": _none_aligned(targets),
        "drawn": ""
        if n_groups <= MAX_PANELS
        else f"图中只画出覆盖区数最多的 {MAX_PANELS} 组（共 {n_groups} 组），下表列出全部。",
    }


def _none_aligned(targets: pd.DataFrame) -> str:
    """Why no target could be aligned across districts, in a sentence."""
    if targets.empty:
        return "所比较的文件中没有提取到量化指标（no targets found）。"
    names = sorted(targets["district"].astype(str).unique())
    if len(names) < 2:
        return f"只有一个区（{names[0]}）有量化指标，无法跨区对齐（needs two districts）。"
    return f"所比较的文件中没有可跨区对齐的指标：{len(targets)} 项指标的对象各不相同。"


def change_facts(
    change: pd.DataFrame | None,
    echoes: pd.DataFrame | None,
    docs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The largest gain and loss, and how much of the first document the last one echoes.

    Parameters
    ----------
    change, echoes : pandas.DataFrame or None
        From :func:`change_over_time` (None when change cannot be measured).
    docs : pandas.DataFrame
        The sequence (:func:`compare.change.sequence`).
    documents : pandas.DataFrame, optional
        The whole ``Corpus.documents``, to say whether any district has two
        documents when this one has not.

    Returns
    -------
    dict
        ``first, last, n_docs, sequence, span`` (for a subtitle), ``changed`` and ``finding`` (the
        summary sentence either way; ``why_not`` when nothing changed can be
        measured); with a change also ``shift`` (gain and loss in words),
        ``gain_theme, gain_pp, loss_theme, loss_pp, n_flagged, n_earlier,
        n_echoed, n_later, n_new``.

    Examples
    --------
    >>> c = pd.DataFrame({"theme": ["A", "B"], "theme_name": ["x", "y"], "change_pp": [20.0, -20.0],
    ...                   "status": ["gained", "stable"]})
    >>> e = pd.DataFrame({"side": ["earlier", "later"], "status": ["echoed", "new"]})
    >>> d = pd.DataFrame({"label": ["2021", "2026"]})
    >>> change_facts(c, e, d)["gain_theme"]
    'x'
    >>> change_facts(None, None, d.head(1))["why_not"]
    '只有一份文件（2021），无法比较年度变化（change needs two documents）。'
    """
    labels = docs["label"].astype(str).tolist()
    out: dict[str, Any] = {
        "first": labels[0] if labels else "—",
        "last": labels[-1] if labels else "—",
        "n_docs": len(docs),
        "sequence": " → ".join(labels)
        if len(labels) <= MAX_NAMES
        else f"{labels[0]} → …（{len(labels) - 2} 份）… → {labels[-1]}",
        "changed": change is not None,
        # short enough for a figure subtitle: the axis shows every document
        "span": f"{len(labels)} 份文件 documents: {labels[0]} → {labels[-1]}"
        if len(labels) > 3
        else " → ".join(labels),
    }
    if change is None or echoes is None:
        why = f"只有一份有任务的文件（{listing(labels)}），无法比较年度变化（change needs two documents）。"
        if len(labels) == 1:
            why = f"只有一份文件（{labels[0]}），无法比较年度变化（change needs two documents）。"
        if documents is not None and len(documents):
            per = documents["district"].astype(str).value_counts()
            if per.max() < 2 and len(per) > 1:
                why += f"语料中 {len(per)} 个区都只有一份文件。"
        out.update(why_not=why, finding=why)
        return out
    ordered = change.sort_values(["change_pp", "theme"], ascending=[False, True])
    gain, loss = ordered.iloc[0], ordered.iloc[-1]
    early = echoes[echoes["side"] == "earlier"]
    late = echoes[echoes["side"] == "later"]
    parts = []
    if gain["change_pp"] > 0:
        parts.append(f"占比升幅最大的是“{gain['theme_name']}”（{gain['change_pp']:+.1f} 个百分点）")
    if loss["change_pp"] < 0:
        parts.append(f"降幅最大的是“{loss['theme_name']}”（{loss['change_pp']:+.1f}）")
    shift = "，".join(parts) or "各主题的任务占比没有变化"
    out.update(
        gain_theme=str(gain["theme_name"]),
        gain_pp=float(gain["change_pp"]),
        loss_theme=str(loss["theme_name"]),
        loss_pp=float(loss["change_pp"]),
        n_flagged=int((change["status"] != "stable").sum()),
        n_earlier=len(early),
        n_echoed=int((early["status"] == "echoed").sum()),
        n_later=len(late),
        n_new=int((late["status"] == "new").sum()),
        shift=shift,
    )
    out["finding"] = (
        f"{shift}；{out['last']}延续了{out['first']} {out['n_earlier']} 项任务中的 "
        f"{out['n_echoed']} 项。"
    )
    return out
