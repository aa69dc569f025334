"""Change over time within one district: five-year plan → annual points.

Method
------
* **Sequence**: the district's documents are read from the ``documents``
  table (any kinds; by default all) and ordered by the first year they speak
  for (``period_start`` of a five-year plan, else ``year``), then by kind.
  For the seeds and Songjiang: 2021–2025 five-year plan → 2025 medical
  administration points → 2026 work points.
* **Theme shares gained and lost** (:func:`share_change`): task shares per
  document (:func:`compare.shares.theme_shares` with ``by="label"``: the same
  Wilson 95 % intervals over tasks as the district comparison) and, per
  theme, the change in percentage points between the first and the last
  document and between consecutive ones. A change is flagged
  ``"gained"``/``"lost"`` only when the two intervals do not overlap (a
  conservative reading: two 95 % intervals that just fail to overlap mean a
  difference at about the 0.6 % level); otherwise it is ``"stable"``. A theme
  absent from one document still has a non-zero upper bound there, so "lost"
  needs the earlier share to be clearly above it.
* **Echoes and what is new** (:func:`echoes`): each task of the earlier
  document gets its most similar task in the later one and vice versa
  (:func:`compare.align.best_counterparts` on the two documents, TF-IDF fitted
  on both); an earlier task is ``"echoed"`` when that cosine reaches the
  threshold (default :data:`compare.align.DEFAULT_THRESHOLD`, chosen on the
  seed work points), else ``"not echoed"``; a later task below the threshold
  is ``"new"``.

Examples
--------
>>> from compare import load_corpus
>>> c = load_corpus()
>>> sequence(c.documents, "松江")["kind"].tolist()
['five_year_plan', 'medical_admin_points', 'work_points']
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from compare.align import DEFAULT_THRESHOLD, best_counterparts
from compare.exceptions import CompareError
from compare.selection import select_documents, unique_labels
from compare.shares import LEVEL, theme_shares

__all__ = ["change_over_time", "echoes", "sequence", "share_change"]


def sequence(
    documents: pd.DataFrame, district: str, *, kinds: str | Iterable[str] | None = None
) -> pd.DataFrame:
    """A district's documents in time order.

    Parameters
    ----------
    documents : pandas.DataFrame
        The corpus ``documents`` table.
    district : str
        The district.
    kinds : optional
        Keep only these kinds (default: all).

    Returns
    -------
    pandas.DataFrame
        The rows, with ``start_year`` and ``order`` (0, 1, …) added; a
        label shared by two documents is made unique
        (:func:`compare.selection.unique_labels`).

    Examples
    --------
    >>> from compare import load_corpus
    >>> sequence(load_corpus().documents, "松江", kinds=["five_year_plan", "work_points"])[
    ...     "label"].tolist()
    ['松江 2021–2025 五年规划', '松江 2026 工作要点']
    """
    d = select_documents(documents, districts=district, kinds=kinds, latest=False)
    start = d["year"].astype("Int64")
    if "period_start" in d.columns:
        start = start.fillna(d["period_start"].astype("Int64"))
    d = d.assign(start_year=start).sort_values(["start_year", "doc_year", "kind"], kind="stable")
    d = d.reset_index(drop=True)
    d["label"] = unique_labels(d)  # two plans of one year and kind stay apart
    return d.assign(order=lambda x: np.arange(len(x)))


def _overlap(lo1: float, hi1: float, lo2: float, hi2: float) -> bool:
    return not (hi1 < lo2 or hi2 < lo1)


def share_change(
    tasks: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Theme shares per document in order, and how they moved.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Tasks with ``theme`` (and ``theme_name``), ``doc_id``.
    docs : pandas.DataFrame
        From :func:`sequence` (``doc_id``, ``label``, ``order``).
    level : float
        Confidence level of the intervals of :func:`compare.shares.theme_shares`.

    Returns
    -------
    pandas.DataFrame
        One row per theme: ``theme, theme_name``, then per document ``share
        <label>`` (fraction), then ``change_pp`` (last − first, percentage
        points), ``status`` (``gained``/``lost``/``stable``, first vs last,
        non-overlapping intervals) and ``step_pp <label>`` for each later
        document (change from the previous one); sorted by ``change_pp``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "label": ["2021", "2026"], "order": [0, 1]})
    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "theme": ["A", "B", "A", "A"]})
    >>> share_change(t, docs)[["theme", "change_pp"]].values.tolist()
    [['A', 50.0], ['B', -50.0]]
    """
    docs = docs.sort_values("order")
    if len(docs) < 2:
        raise CompareError(f"change over time needs at least 2 documents; got {len(docs)}")
    labels = dict(zip(docs["doc_id"], docs["label"].astype(str), strict=True))
    t = tasks[tasks["doc_id"].isin(labels)].assign(_doc=lambda x: x["doc_id"].map(labels))
    s = theme_shares(t, by="_doc", level=level)
    order = list(labels.values())
    share = s.pivot(index=["theme", "theme_name"], columns="group", values="share")[order]
    lo = s.pivot(index=["theme", "theme_name"], columns="group", values="ci_low")[order]
    hi = s.pivot(index=["theme", "theme_name"], columns="group", values="ci_high")[order]
    out = share.copy()
    out.columns = [f"share {c}" for c in order]
    first, last = order[0], order[-1]
    out["change_pp"] = (100 * (share[last] - share[first])).round(1)
    status = []
    for key in share.index:
        if not _overlap(
            lo.loc[key, first], hi.loc[key, first], lo.loc[key, last], hi.loc[key, last]
        ):
            status.append("gained" if share.loc[key, last] > share.loc[key, first] else "lost")
        else:
            status.append("stable")
    out["status"] = status
    for prev, cur in zip(order[:-1], order[1:], strict=True):
        out[f"step_pp {cur}"] = (100 * (share[cur] - share[prev])).round(1)
    out = out.reset_index()
    out.columns.name = None
    return out.sort_values(
        ["change_pp", "theme"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def echoes(
    tasks: pd.DataFrame,
    earlier: str,
    later: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    tokens: list[list[str]] | None = None,
) -> pd.DataFrame:
    """Which earlier tasks the later document echoes, and which later tasks are new.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Tasks with ``task_id, doc_id, title, text``.
    earlier, later : str
        ``doc_id`` of the two documents.
    threshold : float
        Cosine at or above which a task counts as echoed.
    tokens : list of token lists, optional
        Aligned with the rows of ``tasks`` restricted to the two documents.

    Returns
    -------
    pandas.DataFrame
        ``side`` (``"earlier"``/``"later"``), ``task_id, title,
        match_task_id, match_title, score, status`` (earlier: ``echoed`` /
        ``not echoed``; later: ``echo`` / ``new``); sorted by side then score
        descending.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a1", "a2", "b1"], "doc_id": ["a", "a", "b"],
    ...                   "title": ["中医", "养老", "中医药"], "text": ["", "", ""]})
    >>> e = echoes(t, "a", "b", tokens=[["中医"], ["养老"], ["中医"]])
    >>> e[["task_id", "status"]].values.tolist()
    [['a1', 'echoed'], ['a2', 'not echoed'], ['b1', 'echo']]
    """
    two = tasks[tasks["doc_id"].isin([earlier, later])].reset_index(drop=True)
    missing = {earlier, later} - set(two["doc_id"])
    if missing:
        raise CompareError(f"no tasks for document(s) {sorted(missing)}")
    m = best_counterparts(two, by="doc_id", tokens=tokens)
    m["side"] = np.where(m["doc_id"] == earlier, "earlier", "later")
    hit = m["score"] >= threshold
    m["status"] = np.where(
        m["side"] == "earlier",
        np.where(hit, "echoed", "not echoed"),
        np.where(hit, "echo", "new"),
    )
    cols = ["side", "task_id", "title", "match_task_id", "match_title", "score", "status"]
    return (
        m[cols]
        .sort_values(["side", "score"], ascending=[True, False], kind="stable")
        .reset_index(drop=True)
    )


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
