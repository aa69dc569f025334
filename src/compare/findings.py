"""What the reports 02–06 compute: coded tasks, comparison sets, tables with citations, facts.

The notebooks stay thin: each calls these functions and the analytics
modules (:mod:`compare.shares`, :mod:`compare.keyness`, :mod:`compare.align`,
:mod:`compare.targets`, :mod:`compare.change`) and shows the results with
:mod:`compare.drill` figures. Every sentence a report states is filled from a
``*_facts`` dict computed here, so it stays true when a plan is added.

:func:`coded_tasks` (the codebook coding and clusters of every task, about
3 s for the seeds) is cached on disk under ``data/interim/themes``, keyed by
the content of the tasks, codebook, overrides, parameters and the source of
the theme code, so the five reports of one render compute it once.

Examples
--------
>>> from compare import load_corpus
>>> corpus = load_corpus()
>>> coded = coded_tasks(corpus.tasks)                      # doctest: +SKIP
>>> docs, tasks = comparison_set(corpus.documents, coded)  # doctest: +SKIP
>>> sorted(docs["district"])                               # doctest: +SKIP
['松江', '长宁', '青浦']
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from compare import config
from compare.atomic import write_atomic
from compare.exceptions import CompareError
from compare.labels import KIND_NAMES as LABEL_KIND_NAMES
from compare.labels import is_unknown_district, known_districts, unknown_facts
from compare.themes import CODED_COLUMNS

__all__ = [
    "aligned_table",
    "applicability",
    "change_facts",
    "change_over_time",
    "change_table",
    "explorer_facts",
    "priority_facts",
    "records",
    "uncertain_table",
    "citations",
    "cluster_table",
    "coded_tasks",
    "comparison_set",
    "default_district",
    "default_pair",
    "echo_table",
    "keyness_facts",
    "listing",
    "method_text",
    "priorities_table",
    "set_facts",
    "share_facts",
    "share_test",
    "similarity_facts",
    "target_facts",
    "targets_table",
    "theme_facts",
    "widest_targets",
]

_THEME_COLUMNS = ("cluster", "cluster_label", *CODED_COLUMNS)
#: Package files whose change invalidates the cached coding.
_THEME_SOURCES = ("themes.py", "text.py", "findings.py")
_CACHE_FORMAT = 1


def _theme_code_digest() -> str:
    digest = hashlib.sha256()
    for name in _THEME_SOURCES:
        digest.update((config.PACKAGE_DIR / name).read_bytes())
    for path in sorted(config.RESOURCES_DIR.glob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _file_bytes(path: str | Path | None) -> bytes:
    return Path(path).read_bytes() if path else b""


def coded_tasks(
    tasks: pd.DataFrame,
    *,
    k: int = 0,
    codebook: str | Path = "",
    overrides: str | Path = "",
    seed: int = 0,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Every task with its codebook theme and its cluster (:func:`compare.themes.theme_table`).

    Code the whole corpus, then select: the coding's TF-IDF smoothing and
    the clusters depend on all the tasks passed.

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``Corpus.tasks``; not modified.
    k : int
        Number of clusters; 0 chooses it automatically (stability).
    codebook, overrides : str or pathlib.Path
        A codebook TSV and a ``task_id,code`` overrides file; ``""`` means
        the shipped codebook and no overrides.
    seed : int
        Seed of the clustering.
    use_cache : bool
        Reuse the result cached under ``data/interim/themes`` for the same
        content (tasks, files, parameters, theme code).

    Returns
    -------
    pandas.DataFrame
        The task columns plus ``cluster, cluster_label, theme, theme_name,
        confidence, theme_2, theme_2_name, confidence_2, overridden``.
        ``attrs`` holds ``clusters`` (cluster summary), ``k_table``,
        ``n_overridden`` and ``k_auto`` (whether k was chosen automatically).

    Examples
    --------
    >>> from compare import load_corpus
    >>> coded = coded_tasks(load_corpus().tasks)  # doctest: +SKIP
    >>> coded["theme"].notna().all()               # doctest: +SKIP
    True
    """
    from compare.themes import theme_table

    payload = {
        "format": _CACHE_FORMAT,
        "tasks": hashlib.sha256(
            pd.util.hash_pandas_object(
                tasks[["task_id", "title", "text", "district"]].astype(str), index=False
            ).to_numpy()
        ).hexdigest(),
        "codebook": hashlib.sha256(_file_bytes(codebook)).hexdigest(),
        "overrides": hashlib.sha256(_file_bytes(overrides)).hexdigest(),
        "k": int(k),
        "seed": int(seed),
        "code": _theme_code_digest(),
    }
    key = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]
    cache = config.INTERIM_DIR / "themes" / f"{key}.pkl"
    table = None
    if use_cache and cache.is_file():
        try:
            table = pickle.loads(cache.read_bytes())
        except Exception:  # a stale or truncated cache is recomputed
            table = None
    if table is None:
        table = theme_table(
            tasks,
            k=int(k) or None,
            codebook=codebook or None,
            overrides=overrides or None,
            seed=int(seed),
        )
        if use_cache:
            write_atomic(config.cache_dir("themes") / cache.name, pickle.dumps(table))
    base = tasks.drop(columns=[c for c in _THEME_COLUMNS if c in tasks.columns])
    out = base.merge(
        table[["task_id", *_THEME_COLUMNS]], on="task_id", how="left", validate="one_to_one"
    )
    out.attrs.update(
        clusters=table.attrs.get("clusters"),
        k_table=table.attrs.get("k_table"),
        n_overridden=int(table.attrs.get("n_overridden", 0)),
        k_auto=not int(k),
    )
    return out


#: Chinese names of the document kinds, for sentences.
KIND_NAMES: dict[str, str] = {**LABEL_KIND_NAMES, "other": "类型未识别的文件"}
#: Districts a default comparison set holds at most (see :func:`comparison_set`).
MAX_DISTRICTS: int = 12
#: Names a sentence lists before it says "等 N 个" (see :func:`listing`).
MAX_NAMES: int = 12
#: Panels of aligned targets drawn at most (see :func:`widest_targets`).
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


def _kind_names(kinds: Sequence[str]) -> str:
    return "、".join(KIND_NAMES.get(str(k), str(k)) for k in kinds)


def _fallback_kind(documents: pd.DataFrame) -> str:
    """The kind most districts have (then most documents, then the usual order).

    A recognised kind comes before ``"other"``, and only districts the texts
    name are counted: documents of unknown district or kind never decide.
    """
    order = list(KIND_NAMES)
    named = documents["district"].astype(str).where(~is_unknown_district(documents["district"]))
    stats = (
        documents.assign(_k=documents["kind"].astype(str), _d=named)
        .groupby("_k")
        .agg(n_d=("_d", "nunique"), n=("_k", "size"))
    )
    ranked = sorted(
        stats.itertuples(),
        key=lambda r: (
            r.Index == "other",
            -r.n_d,
            -r.n,
            order.index(r.Index) if r.Index in order else 99,
            r.Index,
        ),
    )
    return str(ranked[0].Index)


def comparison_set(
    documents: pd.DataFrame,
    tasks: pd.DataFrame,
    *,
    districts: Sequence[str] = (),
    kinds: Sequence[str] = ("work_points",),
    latest: bool = True,
    max_districts: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents of a comparison set and their tasks.

    Works on any corpus: when no document has the ``kinds`` asked for (say a
    corpus of five-year plans only), the kind most districts have is
    compared instead; when ``districts`` is empty and more than
    ``max_districts`` districts qualify, the ``max_districts`` whose chosen
    documents are most recent (then hold most tasks, then by name) are kept,
    so figures stay readable with a hundred districts. Labels shared by two
    documents are made unique (:func:`compare.selection.unique_labels`), in
    the documents and the tasks. :func:`set_facts` states all of this.

    Parameters
    ----------
    documents, tasks : pandas.DataFrame
        ``Corpus.documents`` and (coded) tasks.
    districts, kinds : sequence of str
        Empty means all (see :func:`compare.selection.select_documents`).
    latest : bool
        Keep only the latest document per district and kind.
    max_districts : int
        At most this many districts when ``districts`` is empty; 0 means no
        cap. The notebooks pass :data:`MAX_DISTRICTS` (12).

    Returns
    -------
    (documents, tasks)
        ``documents.attrs`` records ``kinds_asked``, ``kinds_used``,
        ``latest``, ``n_districts_available`` and ``capped``.

    Raises
    ------
    CompareError
        When no document of the ``districts`` asked for exists (the message
        lists what is available).

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> docs, t = comparison_set(c.documents, c.tasks)
    >>> len(docs), len(t)
    (3, 62)
    """
    from compare.selection import select_documents, select_tasks, unique_labels

    asked = [str(k) for k in kinds]
    pool = select_documents(documents, districts=list(districts) or None, kinds=None, latest=False)
    used = asked
    if asked and not pool["kind"].astype(str).isin(asked).any():
        used = [_fallback_kind(pool)]
    docs = select_documents(pool, districts=None, kinds=used or None, latest=latest)
    available = int(docs["district"].nunique())
    capped = False
    if not districts and max_districts and available > max_districts:
        per = docs.groupby("district").agg(
            year=("doc_year", lambda y: y.max() if y.notna().any() else -1),
            n=("n_tasks", "sum") if "n_tasks" in docs else ("doc_id", "size"),
        )
        ranked = sorted(  # named districts first: an unknown one is a single file
            per.itertuples(),
            key=lambda r: (
                is_unknown_district(str(r.Index)),
                -int(r.year),
                -int(r.n),
                str(r.Index),
            ),
        )
        keep = {str(r.Index) for r in ranked[:max_districts]}
        docs = docs[docs["district"].astype(str).isin(keep)].reset_index(drop=True)
        capped = True
    docs["label"] = unique_labels(docs)
    chosen = select_tasks(tasks, docs)
    if "label" in chosen.columns:
        chosen["label"] = chosen["doc_id"].map(
            dict(zip(docs["doc_id"], docs["label"], strict=True))
        )
    chosen.attrs.update(tasks.attrs)
    docs.attrs.update(
        kinds_asked=asked,
        kinds_used=used,
        latest=bool(latest),
        n_districts_available=available,
        capped=capped,
        max_districts=int(max_districts),
    )
    return docs, chosen


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
        most :data:`MAX_NAMES` listed), ``districts`` (the groups compared,
        a document of unknown district being a group of its own) and
        ``set_note`` (one or more sentences; they count the documents whose
        district, year or kind is unknown).

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> set_facts(comparison_set(c.documents, c.tasks)[0])["set_note"]
    '比较 3 个区各自最新的一份工作要点，共 3 份文件。'
    """
    a = docs.attrs
    groups = sorted(docs["district"].astype(str).unique())
    n_d = len(known_districts(groups))
    used = a.get("kinds_used", sorted(docs["kind"].astype(str).unique()))
    kinds = _kind_names(used) if used else "各类文件"
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
            f"语料中没有{_kind_names(asked)}（No {', '.join(asked)} in the corpus），"
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
    from compare.explorer import explorer_records

    rec = explorer_records(_plain(tasks), sections)
    return dict(zip(rec["task_id"], rec["citation"], strict=True))


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
        :func:`compare.explorer.explorer_records` of the tasks; the runner-up
        theme is given by name, and each target compactly (object, qualifier,
        value and unit, e.g. ``"签约居民覆盖率 达到 48%"``).

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> len(records(c.tasks, c.sections)) == len(c.tasks)
    True
    """
    from compare.explorer import explorer_records

    tasks = _plain(tasks)
    present = [c for c in _THEME_COLUMNS if c in tasks.columns]
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


# --------------------------------------------------------------------------- 02 themes


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


def theme_facts(coded: pd.DataFrame, shares: pd.DataFrame, low: float = 0.5) -> dict[str, Any]:
    """Numbers the themes report states: clusters, top theme, confidence, overrides.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`coded_tasks`.
    shares : pandas.DataFrame
        :func:`compare.shares.theme_shares` over all tasks (one group).
    low : float
        Confidence below which a coding counts as uncertain (default 0.5:
        the primary theme is then less likely than all the others together).

    Examples
    --------
    >>> c = pd.DataFrame({"cluster": [0, 1], "cluster_label": ["a", "b"], "confidence": [0.3, 0.9],
    ...                   "overridden": [False, True]})
    >>> s = pd.DataFrame({"theme": ["A"], "theme_name": ["x"], "share": [1.0], "n_tasks": [2]})
    >>> theme_facts(c, s)["n_low"]
    1
    """
    sizes = coded["cluster"].value_counts()
    biggest = int(sizes.idxmax())
    top = shares.sort_values(["share", "theme"], ascending=[False, True]).iloc[0]
    return {
        "n_tasks": len(coded),
        "n_clusters": int(coded["cluster"].nunique()),
        "k_how": "自动选定 chosen by stability"
        if coded.attrs.get("k_auto", True)
        else "参数指定 set",
        "big_label": str(coded.loc[coded["cluster"] == biggest, "cluster_label"].iloc[0]),
        "big_size": int(sizes.max()),
        "n_themes_used": int((shares["share"] > 0).sum()),
        "n_themes": len(shares),
        "top_theme": str(top["theme_name"]),
        "top_share": float(top["share"]),
        "median_confidence": float(coded["confidence"].median()),
        "low": low,
        "n_low": int((coded["confidence"] < low).sum()),
        "share_low": float((coded["confidence"] < low).mean()),
        "n_overridden": int(coded["overridden"].fillna(False).astype(bool).sum()),
    }


# --------------------------------------------------------------------------- 03 priorities


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


def default_pair(tasks: pd.DataFrame, pair: Sequence[str] = (), by: str = "district") -> list[str]:
    """The two groups of a two-group plot: ``pair`` if given, else the two with most tasks.

    Raises
    ------
    CompareError
        When ``pair`` names a group that is not there, or fewer than two exist.

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲", "甲", "乙", "丙", "丙"]})
    >>> default_pair(t)
    ['丙', '甲']
    """
    counts = tasks[by].astype(str).value_counts()
    if pair:
        missing = [p for p in pair if p not in counts.index]
        if len(pair) != 2 or missing:
            raise CompareError(f"pair must name two of {sorted(counts.index)}; got {list(pair)}")
        return [str(p) for p in pair]
    if len(counts) < 2:
        raise CompareError(f"a two-group plot needs two groups; got {sorted(counts.index)}")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return sorted([ranked[0][0], ranked[1][0]])


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


# --------------------------------------------------------------------------- 04 targets


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


# --------------------------------------------------------------------------- 05 change


def default_district(documents: pd.DataFrame, district: str = "", kinds: Sequence[str] = ()) -> str:
    """``district`` if given, else the district with the most documents (then most tasks, name).

    Parameters
    ----------
    documents : pandas.DataFrame
        ``Corpus.documents``.
    district : str
        The district asked for; ``""`` chooses one.
    kinds : sequence of str
        Count only documents of these kinds (empty: all).

    Raises
    ------
    CompareError
        If ``district`` is not in the corpus (the message lists those that are).

    Examples
    --------
    >>> d = pd.DataFrame({"district": ["甲", "乙", "乙"], "n_tasks": [9, 1, 1],
    ...                   "kind": ["work_points"] * 3})
    >>> default_district(d)
    '乙'
    >>> default_district(d, kinds=["five_year_plan"])  # no such kind: count every document
    '乙'
    """
    names = documents["district"].astype(str)
    if district:
        if district not in set(names):
            raise CompareError(
                f"district {district!r} is not in the corpus (available: {sorted(set(names))})"
            )
        return district
    d = documents.assign(_d=names)
    if kinds and "kind" in d and d["kind"].astype(str).isin(list(kinds)).any():
        d = d[d["kind"].astype(str).isin(list(kinds))]
    stats = d.groupby("_d").agg(n=("_d", "size"), t=("n_tasks", "sum"))
    ranked = sorted(stats.itertuples(), key=lambda r: (-r.n, -r.t, r.Index))
    return str(ranked[0].Index)


def change_over_time(
    tasks: pd.DataFrame, docs: pd.DataFrame
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Theme shares moved and tasks echoed along a sequence, or ``(None, None)``.

    Change needs two documents with tasks; with fewer, :func:`change_facts`
    says so in a sentence.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Coded tasks of the sequence's documents.
    docs : pandas.DataFrame
        From :func:`compare.change.sequence`.

    Returns
    -------
    (moves, echoes)
        :func:`compare.change.share_change` over the documents with tasks,
        and :func:`compare.change.echoes` between the first and the last.

    Examples
    --------
    >>> d = pd.DataFrame({"doc_id": ["a"], "label": ["甲 2025 工作要点"], "order": [0]})
    >>> change_over_time(pd.DataFrame({"doc_id": ["a"], "theme": ["A"]}), d)
    (None, None)
    """
    from compare.change import echoes, share_change

    have = docs[docs["doc_id"].isin(set(tasks["doc_id"]))]
    if len(have) < 2:
        return None, None
    moves = share_change(tasks, have)
    echo = echoes(tasks, have["doc_id"].iloc[0], have["doc_id"].iloc[-1])
    return moves, echo


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


# --------------------------------------------------------------------------- method paragraphs


def method_text(section: str) -> str:
    """The method paragraph a report shows above a section, filled from the code's constants.

    Every fact a paragraph states about a method (interval, level, cut-offs,
    thresholds, word filters) is read from the constant the code uses, so
    the text cannot drift from the code; ``tests/test_findings.py`` checks
    the code paths use those constants.

    Parameters
    ----------
    section : str
        One of :data:`METHOD_SECTIONS`.

    Returns
    -------
    str
        Markdown: a Chinese paragraph, then its English translation in italics.

    Examples
    --------
    >>> "Wilson" in method_text("shares")
    True
    """
    from compare import align, keyness, shares

    level = f"{shares.LEVEL:.0%}"
    cut = f"{shares.RESIDUAL_CUT:.2f}"
    t = f"{align.DEFAULT_THRESHOLD:.2f}"
    k = align.DEFAULT_K
    iv = shares.INTERVAL
    texts = {
        "shares": (
            f"每个点是某区任务中编码为该主题的比例，横线是 {level} {iv} 区间（以任务为单位；"
            "某主题没有任务时，区间上限仍大于 0，说明“0”并不确定）。两个区的区间明显错开，"
            "才说明差异不只是任务条数少造成的偶然。",
            f"Each dot is the share of a district's tasks coded to the theme; the line is its "
            f"{level} {iv} score interval over tasks (a theme with no task still has an upper "
            "bound above 0: a zero is not certain). Only intervals that clearly separate suggest "
            "a difference beyond the chance of small numbers.",
        ),
        "overall_shares": (
            f"条形为各主题的任务占比，误差线是 {level} {iv} 区间（以任务为单位）："
            "区间越宽，数字越不确定；没有任务的主题也有大于 0 的上限。",
            f"Bar length is the share of all tasks coded to the theme; the whisker is the {level} "
            f"{iv} score interval over tasks (a theme with no task still has an upper bound "
            "above 0).",
        ),
        "residuals": (
            f"对“区 × 主题”任务数做卡方检验；每格是调整标准化残差：大于 +{cut}（红）表示该区"
            f"明显偏重该主题，小于 −{cut}（蓝）表示明显较少。任务数少时期望频数低，"
            "因此 p 值用置换检验计算。",
            f"Chi-square test of district × theme task counts. Each cell is the adjusted "
            f"standardized residual: above +{cut} (red) the district over-weights the theme, "
            f"below −{cut} (blue) it under-weights it. With few tasks the p-value comes from a "
            "permutation test.",
        ),
        "keyness": (
            "每个区与其余各区合并比较，按带 Dirichlet 先验的对数优势比 z 值排序（Monroe 等 2008）："
            "z 越大，越能确定该词是这个区的特色用词。数字、单字、停用词表和通用政策词表"
            f"（`stopwords.txt`、`keyness_stopwords.txt`，研究者可编辑）中的词不参与排序，"
            f"词还须出现在至少 {keyness.MIN_DF} 项任务中。点击条形可在右侧看到该区使用这个词的"
            "句子（词语高亮）。",
            "Each district against all others pooled, ranked by the z-score of the log-odds "
            "ratio with an informative Dirichlet prior. Numerals, single characters and the words "
            "of the stop-list and of the generic policy list (`stopwords.txt`, "
            "`keyness_stopwords.txt`, researcher-editable) are left out, and a word must appear "
            f"in at least {keyness.MIN_DF} tasks. Click a bar to see the district's sentences "
            "using the word, highlighted.",
        ),
        "priorities": (
            f"把各区任务两两匹配（最相近任务的 TF-IDF 余弦 ≥ 阈值 {t}；区多于 {k + 1} 个时，每项任务只在"
            f"最相近的 {k} 个区中匹配），从最强的匹配开始合并，"
            "每项重点每个区至多一项任务（不经中间任务串联）。“all”表示各区都有，“unique”表示"
            "只在一个区出现——更准确地说，是在其他区找不到用词相近的任务（同义表述可能被漏配）；"
            "“near”表示该任务与所标编号的重点相近，但该区已有一项更相近的任务列入其中。",
            f"Tasks are matched across districts (best counterpart, TF-IDF cosine at or above "
            f"{t}; with more than {k + 1} districts, in the {k} closest districts of each task) and "
            "merged strongest match first, with at most one task per district in a "
            'priority (no chaining through intermediates). "unique" means no lexically similar '
            'task elsewhere, so synonyms can make it over-count; "near" marks a task that '
            "resembles the numbered priority, which already holds a closer task of its district.",
        ),
        "change": (
            "每条线是一个主题在各文件中的任务占比，只画变化最大的几个主题；实线表示首尾两份文件的 "
            f"{level} {iv} 区间不重叠（变化可信），虚线表示区间重叠（可能只是偶然）。"
            "点击点查看该文件中该主题的任务。",
            "Each line is a theme's share of tasks in each document (largest changes only). "
            f"Solid: the first and last {level} {iv} intervals do not overlap; dotted: they do, "
            "so the change may be chance. Click a point for the tasks.",
        ),
        "echoes": (
            "较早文件的每项任务在较晚文件中找最相近的任务：TF-IDF 余弦达到阈值 "
            f"{t} 为“echoed”（被延续），否则“not echoed”；较晚文件中找不到相近前任务的，"
            "标为“new”。",
            "Each earlier task is matched to its most similar later task: at or above a cosine "
            f"of {t} it is echoed. A later task without an earlier counterpart is new.",
        ),
    }
    if section not in texts:
        raise CompareError(f"no method paragraph {section!r}; choose one of {sorted(texts)}")
    zh, en = texts[section]
    return f"{zh}\n\n*{en}*"


#: Sections :func:`method_text` writes.
METHOD_SECTIONS: tuple[str, ...] = (
    "shares",
    "overall_shares",
    "residuals",
    "keyness",
    "priorities",
    "change",
    "echoes",
)
