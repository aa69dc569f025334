"""Quantitative targets of a corpus: one table of every task's targets, aligned across districts.

A target is a number (or a range) with a unit that a task commits to
(``新增3家``, ``覆盖率达到48%``). How one task's text is read — units,
exclusions, qualifier, object — is :mod:`compare.target_rules`; this module
runs it over the corpus tasks table and decides which targets of different
districts are the same commitment.

1. **Extraction** (:func:`extract_targets`): every task's extracted raw lines
   (the corpus ``raw`` column; ``data/raw`` is never read again) through
   :func:`compare.target_rules.target_records`, with the task, its document
   and its source line; each target gets its ``unit_family`` and an
   ``object_key`` (:func:`object_key`: a Latin acronym inside the object,
   e.g. ``AED``, else the object without generic modifiers such as ``社区``,
   ``标准化``).
2. **Alignment across districts** (:func:`align_targets`): targets of two
   districts in the same unit family (count, rate, duration, money) are
   linked when their keys end in the same head, have a character-bigram Dice
   similarity ≥ ``min_similarity`` (default 0.4) and each is the other's
   best match; the connected components of these links are the groups, each
   one comparable commitment.
3. **Scoring** (:func:`score_targets`): precision and recall against a
   hand-checked list.

Examples
--------
>>> from compare import load_corpus
>>> t = extract_targets(load_corpus().tasks)
>>> sorted(align_targets(t).groupby("group_key")["district"].nunique().items())[0]
('AED', 3)
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from compare.exceptions import CompareError
from compare.target_rules import (
    ACRONYM,
    TARGET_FIELDS,
    target_records,
    task_raw_text,
    unit_family,
)

__all__ = [
    "TARGET_COLUMNS",
    "align_targets",
    "extract_targets",
    "object_key",
    "score_targets",
]

#: Columns of the ``compare targets`` output, in order.
TARGET_COLUMNS: tuple[str, ...] = ("source_file", "task_id", *TARGET_FIELDS)
#: Generic modifiers an object key leaves out (see :func:`object_key`).
_KEY_NOISE = re.compile(r"社区卫生服务中心(?=.)|标准化|社区|区属|首批|开展|新建|新增|设备|的|一批")


def extract_targets(tasks: pd.DataFrame) -> pd.DataFrame:
    """Extract the quantitative targets of every task, with its raw source line.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The corpus ``tasks`` table (``task_id, source_file, number,
        line_start, line_end, raw`` are used: numbers are read from the
        task's extracted lines, never from ``data/raw`` again; ``doc_id, district, year, kind,
        label`` are carried along when present). Not modified.

    Returns
    -------
    pandas.DataFrame
        :data:`TARGET_COLUMNS` then ``doc_id, district, year, kind, label,
        unit_family, object_key``; one row per target, in task order.

    Examples
    --------
    >>> from compare import load_corpus
    >>> t = extract_targets(load_corpus().tasks)
    >>> sorted(t.loc[t.object_key == "AED", "value"].astype(int))
    [75, 150, 222]
    """
    extra = [c for c in ("doc_id", "district", "year", "kind", "label") if c in tasks.columns]
    columns = [*TARGET_COLUMNS, *extra, "unit_family", "object_key"]
    # One pass per source file: its raw lines are read and split once, used by every task
    # of that file, then dropped (memory stays one file, not the corpus). Rows are plain
    # dicts gathered into one DataFrame at the end (a DataFrame per task cost 0.5 ms each).
    rows: list[dict] = []
    order: list[int] = []
    src_col = tasks["source_file"].astype(str).to_numpy()
    by_file: dict[str, list[int]] = {}
    for i, src in enumerate(src_col):
        by_file.setdefault(src, []).append(i)
    records = list(tasks.itertuples(index=False))
    if "raw" not in tasks.columns:
        raise CompareError("extract_targets needs the tasks table of a corpus (its 'raw' column)")
    for src, idx in by_file.items():
        for i in idx:
            task = records[i]
            number = str(getattr(task, "number", "") or "")
            raw = task.raw if isinstance(task.raw, str) else ""
            text, lines = task_raw_text(raw.split("\n"), 1, raw.count("\n") + 1, number)
            lines = [no + int(task.line_start) - 1 for no in lines]
            found = target_records(text, lines)
            if not found:
                continue
            fixed = {"source_file": src, "task_id": task.task_id}
            fixed.update((col, getattr(task, col)) for col in extra)
            for row in found:
                rows.append({**fixed, **row})
                order.append(i)
    if not rows:
        return pd.DataFrame(columns=columns)
    # back to task order (a file's tasks may not be contiguous in ``tasks``)
    rank = np.argsort(np.asarray(order), kind="stable")
    out = pd.DataFrame([rows[j] for j in rank])
    out["unit_family"] = out["unit"].map(unit_family)
    out["object_key"] = out["object"].map(object_key)
    return out[columns]


def object_key(obj: str) -> str:
    """A short key for aligning objects across plans.

    A Latin acronym in the object wins (``自动式体外除颤器（AED）`` → ``AED``);
    otherwise generic modifiers (社区, 标准化, 区属, 首批, 开展, 的 …) are removed.

    Examples
    --------
    >>> object_key("自动式体外除颤器（AED）"), object_key("社区标准化口腔诊室")
    ('AED', '口腔诊室')
    """
    m = ACRONYM.search(obj or "")
    if m:
        return m.group(0)
    key = _KEY_NOISE.sub("", obj or "")
    return re.sub(r"[（(][^）)]*[）)]", "", key) or (obj or "")


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _head(key: str) -> str:
    return key if ACRONYM.fullmatch(key or "") else (key or "")[-2:]


def _links(t: pd.DataFrame, min_similarity: float) -> list[tuple[int, int]]:
    """Mutual-best links between the targets of every pair of districts."""
    links: list[tuple[int, int]] = []
    by = {
        (d, f): g.index.to_numpy()
        for (d, f), g in t.groupby([t["district"].astype(str), "unit_family"], sort=True)
    }
    districts = sorted({d for d, _ in by})
    families = sorted({f for _, f in by})
    keys = t["object_key"].to_numpy()
    for fam in families:
        for i, a in enumerate(districts):
            for b in districts[i + 1 :]:
                ia, ib = by.get((a, fam)), by.get((b, fam))
                if ia is None or ib is None:
                    continue
                S = np.array(
                    [
                        [
                            _dice(keys[x], keys[y]) if _head(keys[x]) == _head(keys[y]) else 0.0
                            for y in ib
                        ]
                        for x in ia
                    ]
                )
                best_b, best_a = S.argmax(axis=1), S.argmax(axis=0)
                for r, c in enumerate(best_b):
                    if best_a[c] == r and S[r, c] >= min_similarity:
                        links.append((int(ia[r]), int(ib[c])))
    return links


def align_targets(
    targets: pd.DataFrame, *, min_similarity: float = 0.4, min_districts: int = 2
) -> pd.DataFrame:
    """Group comparable targets across districts.

    Two targets of different districts are linked when they are in the same
    unit family, their ``object_key`` values end in the same head (the last
    two characters, or the same acronym), their character-bigram Dice
    similarity is at least ``min_similarity``, and each is the other's best
    match between the two districts (mutual best). Groups are the connected
    components of these links, so a group holds at most one target per
    district pair link; the work is per district pair, O(n_a·n_b).

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`extract_targets`.
    min_similarity : float
        Dice threshold (0.4 links ``签约居民覆盖率`` with
        ``常住人口签约覆盖率``; the head and mutual-best conditions keep
        ``护理中心`` apart from ``健康管理中心``).
    min_districts : int
        Keep groups with targets from at least this many districts.

    Returns
    -------
    pandas.DataFrame
        One row per target in a kept group: ``group`` (int), ``group_key``
        (the shortest key of the group), ``district, value, value_max, unit,
        qualifier, object, source_file, task_id, line``; sorted by group and
        district.

    Examples
    --------
    >>> from compare import load_corpus
    >>> a = align_targets(extract_targets(load_corpus().tasks))
    >>> a.loc[a.group_key == "AED", ["district", "value"]].astype(str).values.tolist()
    [['松江', '75.0'], ['长宁', '222.0'], ['青浦', '150.0']]
    """
    cols = [
        "group",
        "group_key",
        "district",
        "value",
        "value_max",
        "unit",
        "qualifier",
        "object",
        "source_file",
        "task_id",
        "line",
    ]
    if targets.empty:
        return pd.DataFrame(columns=cols)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    t = targets.reset_index(drop=True)
    links = np.array(_links(t, min_similarity), dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(links)), (links[:, 0], links[:, 1])), shape=(len(t), len(t)))
    t = t.assign(_root=connected_components(graph, directed=False)[1])
    groups = []
    for _, g in t.groupby("_root", sort=True):
        if g["district"].astype(str).nunique() < min_districts:
            continue
        key = min(g["object_key"], key=lambda k: (len(k), k))
        groups.append(g.assign(group_key=key, _first=g.index.min()))
    if not groups:
        return pd.DataFrame(columns=cols)
    out = pd.concat(groups, ignore_index=True)
    firsts = sorted(out["_first"].unique())
    out["group"] = out["_first"].map({f: i for i, f in enumerate(firsts)})
    out["district"] = out["district"].astype(str)
    return out.sort_values(["group", "district", "value"], kind="stable")[cols].reset_index(
        drop=True
    )


def _match_keys(df: pd.DataFrame) -> list[tuple]:
    vmax = pd.to_numeric(df["value_max"], errors="coerce")
    return [
        (str(s), int(ln), round(float(v), 6), None if pd.isna(m) else round(float(m), 6), str(u))
        for s, ln, v, m, u in zip(
            df["source_file"], df["line"], pd.to_numeric(df["value"]), vmax, df["unit"], strict=True
        )
    ]


def score_targets(found: pd.DataFrame, expected: pd.DataFrame) -> dict[str, float]:
    """Precision and recall of extracted targets against a hand-checked list.

    A found target matches an expected one with the same ``source_file``,
    ``line``, ``value``, ``value_max`` and ``unit`` (each expected row is
    matched at most once).

    Examples
    --------
    >>> row = {"source_file": "a.txt", "line": 3, "value": 2.0, "value_max": None, "unit": "家"}
    >>> score_targets(pd.DataFrame([row]), pd.DataFrame([row]))["recall"]
    1.0
    """
    f, e = Counter(_match_keys(found)), Counter(_match_keys(expected))
    tp = sum((f & e).values())
    n_found, n_expected = sum(f.values()), sum(e.values())
    return {
        "found": n_found,
        "expected": n_expected,
        "true_positives": tp,
        "precision": tp / n_found if n_found else 1.0,
        "recall": tp / n_expected if n_expected else 1.0,
    }
