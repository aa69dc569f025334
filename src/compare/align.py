"""Similarity and alignment of tasks and documents across districts.

Method
------
* **Task vectors**: TF-IDF of each task's tokens (:func:`compare.text.tokenize_many`:
  jieba with the domain dictionary, stop-list applied), sublinear term
  frequency, smoothed IDF over the tasks compared, rows L2-normalised, so a
  dot product is a cosine similarity. The matrix is sparse.
* **Document similarity**: a document's vector is the L2-normalised sum of
  its task vectors (IDF is estimated over tasks, which stays informative when
  only three documents are compared); the table is their cosine matrix
  (documents × documents, small).
* **Best counterparts**: for every task, the most similar task in each other
  group (district by default) and its cosine. Computed blockwise: a block of
  rows is multiplied by the whole sparse matrix, giving a dense block of
  ``rows × n`` scores, reduced at once to the per-group maximum and argmax
  (``numpy.maximum.reduceat`` over the columns sorted by group). The block
  height is chosen so a block stays under ``memory_mb``; memory is
  O(block × n), never O(n²), so 10,000 plans (≈200,000 tasks) run in a few
  hundred MB.
* **Threshold** (:data:`DEFAULT_THRESHOLD` = 0.17), chosen on the seeds in two
  steps. (1) A null: every token of the compared tasks is pooled, shuffled
  (fixed seed) and dealt back into tasks of the original lengths, and the
  best-counterpart scores of these unrelated texts are computed
  (:func:`null_threshold`); on the three seed work points their 95th
  percentile is 0.134 and their 99th 0.152, so a real pair should score
  above about 0.15. (2) A hand check of every best-counterpart pair of the
  seed work points between 0.10 and 0.45 (41 pairs): all 18 pairs at or
  above 0.25 and 17 of the 18 in [0.17, 0.25) are the same priority (the
  miss: 新闻宣传和精神文明 ↔ 爱国卫生和健康促进, 0.200), against 10 of 15 in
  [0.13, 0.17) (e.g. 提升医疗质量 ↔ 强化监测预警 0.169 is wrong). 0.17 is the
  lowest cut that stays above the null's 99th percentile and keeps the
  hand-checked precision near 97 %. Lexical TF-IDF misses synonyms
  (紧密型城市医疗集团 ↔ 区域医疗联合体 scores 0.075), so "unique to one
  district" over-counts; read that table as "no lexical counterpart".
  ``tests/test_align.py`` pins known pairs on both sides of the cut.
* **Shared priorities** (:func:`shared_priorities`): tasks are nodes, a
  best-counterpart pair at or above the threshold is an edge. Edges are
  taken strongest first, and two priorities merge only when they hold no
  district in common, so a priority holds **at most one task per district**
  and is never a chain of weak links (connected components merged almost
  everything once there were many districts). A priority is shared by all
  groups, by some, or unique to one (a task with no edge). A task whose
  matches all went to priorities that already hold a closer task of its
  district stands alone, marked ``near`` with the priority it resembles.

Examples
--------
>>> from compare import load_corpus
>>> from compare.selection import select_documents, select_tasks
>>> c = load_corpus()
>>> tasks = select_tasks(c.tasks, select_documents(c.documents))
>>> m = best_counterparts(tasks)
>>> sorted(m.columns)[:3]
['district', 'match_task_id', 'match_title']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from compare.exceptions import CompareError
from compare.text import tokens_of_tasks

__all__ = [
    "DEFAULT_THRESHOLD",
    "best_counterparts",
    "document_similarity",
    "null_threshold",
    "shared_priorities",
    "task_vectors",
]

#: Cosine at or above which two tasks are the same priority (see module docstring).
DEFAULT_THRESHOLD: float = 0.17


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def task_vectors(
    tasks: pd.DataFrame, *, tokens: Sequence[Sequence[str]] | None = None
) -> sparse.csr_matrix:
    """Sparse, L2-normalised TF-IDF rows of the tasks (sublinear tf).

    Examples
    --------
    >>> t = pd.DataFrame({"text": ["", ""]})
    >>> X = task_vectors(t, tokens=[["中医", "医联体"], ["中医"]])
    >>> round(float((X @ X.T).toarray()[0, 1]), 3)
    0.58
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    toks = tokens_of_tasks(tasks, tokens)
    if not any(toks):
        return sparse.csr_matrix((len(toks), 0))
    vec = TfidfVectorizer(
        tokenizer=_identity,
        preprocessor=None,
        lowercase=False,
        token_pattern=None,
        sublinear_tf=True,
        norm="l2",
    )
    return vec.fit_transform(toks).tocsr()


def document_similarity(
    tasks: pd.DataFrame,
    by: str = "label",
    *,
    tokens: Sequence[Sequence[str]] | None = None,
    X: sparse.spmatrix | None = None,
) -> pd.DataFrame:
    """Cosine similarity of documents (or any grouping) from their task vectors.

    Parameters
    ----------
    tasks : pandas.DataFrame
        With ``text`` and the ``by`` column.
    by : str
        Column naming a document (``"label"``, ``"doc_id"``) or a group.
    tokens, X : optional
        Precomputed tokens or task vectors (rows aligned with ``tasks``).

    Returns
    -------
    pandas.DataFrame
        Square, indexed and labelled by the ``by`` values (sorted), 1.0 on
        the diagonal.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["甲", "乙", "丙"], "text": ["", "", ""]})
    >>> float(document_similarity(t, tokens=[["中医"], ["中医"], ["养老"]]).loc["甲", "乙"])
    1.0
    """
    X = task_vectors(tasks, tokens=tokens) if X is None else sparse.csr_matrix(X)
    labels = sorted(tasks[by].astype(str).unique())
    codes = pd.Categorical(tasks[by].astype(str), categories=labels).codes
    G = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(labels), len(codes))
    )
    D = G @ X
    norms = np.sqrt(np.asarray(D.multiply(D).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    D = sparse.diags(1 / norms) @ D
    S = np.clip((D @ D.T).toarray(), 0.0, 1.0)
    out = pd.DataFrame(S, index=labels, columns=labels).round(6)
    out.index.name = by
    return out


#: Above this many tasks, :func:`_best_blocks` splits the rows over worker processes.
PARALLEL_MIN_TASKS: int = 6000


def _best_rows(
    Xs: sparse.csr_matrix, X_rows: sparse.csr_matrix, starts: np.ndarray, block: int
) -> tuple[np.ndarray, np.ndarray]:
    """Best score and (sorted) column per group for the rows ``X_rows``.

    One block of rows at a time: ``Xs @ block.T`` (sparse times a dense ``terms × block``
    slab; the scores come out transposed, ``n × block``, columns of the corpus sorted by
    group, so each group is a contiguous run of rows), then the maximum of each run and
    the first row reaching it. Sums run over the same terms in the same order as the
    sparse product ``block @ Xs.T``, so the scores are bit-identical to it.
    """
    m, n_groups = X_rows.shape[0], len(starts)
    ends = np.r_[starts[1:], Xs.shape[0]]
    best = np.empty((m, n_groups))
    arg = np.empty((m, n_groups), dtype=np.int64)
    for a in range(0, m, block):
        D = X_rows[a : a + block].T.toarray()  # terms × block, small
        S = np.asarray(Xs @ D)  # n × block, C order
        best[a : a + block] = np.maximum.reduceat(S, starts, axis=0).T
        for g, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
            arg[a : a + block, g] = lo + S[lo:hi].argmax(axis=0)  # first maximum, as before
    return best, arg


def _best_blocks(
    X: sparse.csr_matrix, groups: np.ndarray, memory_mb: float, n_jobs: int | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per row, the best score and column in each group (blockwise).

    Time is O(n · nnz(X)) (every pair of tasks sharing a term is scored once per
    direction); memory is one dense ``n × block`` slab per process plus the ``n × groups``
    results, with ``block`` chosen so the slab stays under ``memory_mb``. Above
    :data:`PARALLEL_MIN_TASKS` rows the rows are split over ``n_jobs`` loky processes
    (default: every CPU), each receiving the sparse matrix once.
    """
    n = X.shape[0]
    names = sorted(set(groups))
    order = np.argsort(pd.Categorical(groups, categories=names).codes, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    Xs = sparse.csr_matrix(X[order])
    Xs.sort_indices()
    X = sparse.csr_matrix(X)
    X.sort_indices()
    block = max(1, int(memory_mb * 2**20 // (8 * 2 * max(n, 1))))
    import os

    workers = n_jobs if n_jobs is not None else (os.cpu_count() or 1)
    if n >= PARALLEL_MIN_TASKS and workers > 1:
        from joblib import Parallel, delayed

        cuts = np.linspace(0, n, workers + 1).astype(int)
        parts = Parallel(n_jobs=workers, backend="loky")(
            delayed(_best_rows)(Xs, X[a:b], starts, block)
            for a, b in zip(cuts[:-1], cuts[1:], strict=True)
        )
        best = np.vstack([p[0] for p in parts])
        first = np.vstack([p[1] for p in parts])
    else:
        best, first = _best_rows(Xs, X, starts, block)
    return best, order[first], names


def best_counterparts(
    tasks: pd.DataFrame,
    by: str = "district",
    *,
    tokens: Sequence[Sequence[str]] | None = None,
    X: sparse.spmatrix | None = None,
    memory_mb: float = 64.0,
) -> pd.DataFrame:
    """For every task, its most similar task in each other group.

    Parameters
    ----------
    tasks : pandas.DataFrame
        With ``task_id``, ``title``, ``text`` and the ``by`` column.
    by : str
        Grouping column; a task is matched in every other group.
    tokens, X : optional
        Precomputed tokens or task vectors (rows aligned with ``tasks``).
    memory_mb : float
        Budget of one dense block of scores.

    Returns
    -------
    pandas.DataFrame
        ``task_id, <by>, title, other, match_task_id, match_title, score``:
        one row per task and other group (``other`` is the other group's
        name), in task order.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b", "c"], "district": ["甲", "乙", "乙"],
    ...                   "title": ["x", "y", "z"], "text": ["", "", ""]})
    >>> m = best_counterparts(t, tokens=[["中医"], ["中医"], ["养老"]])
    >>> m.loc[m.task_id == "a", ["match_task_id", "score"]].values.tolist()
    [['b', 1.0]]
    """
    X = task_vectors(tasks, tokens=tokens) if X is None else sparse.csr_matrix(X)
    groups = tasks[by].astype(str).to_numpy()
    if len(set(groups)) < 2:
        raise CompareError(f"need at least 2 groups in column {by!r}; got {sorted(set(groups))}")
    best, arg, names = _best_blocks(X, groups, memory_mb)
    ids = tasks["task_id"].to_numpy()
    titles = tasks["title"].fillna("").to_numpy() if "title" in tasks else np.full(len(ids), "")
    rows_i, cols_g = np.nonzero(np.asarray(names)[None, :] != groups[:, None])
    out = pd.DataFrame(
        {
            "task_id": ids[rows_i],
            by: groups[rows_i],
            "title": titles[rows_i],
            "other": np.asarray(names)[cols_g],
            "match_task_id": ids[arg[rows_i, cols_g]],
            "match_title": titles[arg[rows_i, cols_g]],
            "score": np.round(best[rows_i, cols_g], 6),
        }
    )
    return out


def null_threshold(
    tasks: pd.DataFrame,
    by: str = "district",
    *,
    tokens: Sequence[Sequence[str]] | None = None,
    n_perm: int = 20,
    quantile: float = 0.95,
    seed: int = 0,
) -> float:
    """Cosine that best counterparts of shuffled (unrelated) tasks reach.

    All tokens are pooled, shuffled and dealt back into tasks of the
    original lengths; the ``quantile`` of the best-counterpart scores over
    ``n_perm`` shuffles is returned.

    Examples
    --------
    >>> from compare import load_corpus
    >>> from compare.selection import select_documents, select_tasks
    >>> c = load_corpus()
    >>> 0.1 < null_threshold(select_tasks(c.tasks, select_documents(c.documents))) < 0.25
    True
    """
    toks = tokens_of_tasks(tasks, tokens)
    pool = np.array([w for ts in toks for w in ts], dtype=object)
    cuts = np.cumsum([len(ts) for ts in toks])[:-1]
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(n_perm):
        shuffled = [list(p) for p in np.split(rng.permutation(pool), cuts)]
        scores.append(best_counterparts(tasks, by, tokens=shuffled)["score"].to_numpy())
    return float(np.quantile(np.concatenate(scores), quantile))


def _priority_labels(
    r: np.ndarray, c: np.ndarray, score: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, dict[int, tuple[int, float]]]:
    """Priority label per task by greedy one-task-per-group merging, and the near misses.

    ``r``, ``c`` are task indices of match edges above the threshold, ``score``
    their cosine, ``groups`` the group of each task. Returns the labels and,
    for each task left alone although it has an edge, the label and score of
    its best edge's priority.
    """
    parent = np.arange(len(groups))
    members: dict[int, set[str]] = {i: {g} for i, g in enumerate(groups)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return int(i)

    order = np.argsort(-score, kind="stable")
    for e in order:
        a, b = find(int(r[e])), find(int(c[e]))
        if a != b and not (members[a] & members[b]):
            parent[b] = a
            members[a] |= members.pop(b)
    labels = np.array([find(i) for i in range(len(groups))], dtype=np.int64)
    size = np.bincount(labels, minlength=len(groups))
    near: dict[int, tuple[int, float]] = {}
    for e in order:  # strongest first: a lone task's best match
        for a, b in ((int(r[e]), int(c[e])), (int(c[e]), int(r[e]))):
            if size[labels[a]] == 1 and a not in near:
                near[a] = (int(labels[b]), float(score[e]))
    return labels, near


def shared_priorities(
    matches: pd.DataFrame,
    tasks: pd.DataFrame,
    by: str = "district",
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Priorities shared by all groups, by some, or unique to one.

    A priority is built from the strongest matches first and holds **at most
    one task per group**, so that unrelated tasks are not chained together
    through intermediates (with many districts, plain connected components of
    the match graph merged almost everything into one "priority"). A task
    left alone although it has a match above the threshold (every match went
    to a priority already holding a closer task of its group) is a row of
    its own, ``shared_by = "near"``, with ``close_to`` naming the priority of
    its best match; only a task with no match above the threshold in any
    other group is "unique".

    Parameters
    ----------
    matches : pandas.DataFrame
        From :func:`best_counterparts`.
    tasks : pandas.DataFrame
        The tasks matched (``task_id``, ``title``, the ``by`` column).
    by : str
        The grouping column used for ``matches``.
    threshold : float
        Minimum cosine of an edge.

    Returns
    -------
    pandas.DataFrame
        One row per priority: ``priority`` (int), ``shared_by`` ("all", "2 of
        3", "near", "unique"), ``n_groups``, ``groups`` (comma-joined),
        ``n_tasks`` (= ``n_groups``: one task per group), ``mean_score`` (of
        its edges; for "near" the score of its best match; NaN if unique),
        ``close_to`` (for "near": the priority it resembles, else <NA>),
        then one column per group holding its task title; sorted by
        ``n_groups`` descending then ``mean_score`` descending.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b", "c"], "district": ["甲", "乙", "乙"],
    ...                   "title": ["中医", "中医药", "养老"], "text": ["", "", ""]})
    >>> m = best_counterparts(t, tokens=[["中医"], ["中医"], ["养老"]])
    >>> shared_priorities(m, t)[["shared_by", "groups"]].values.tolist()
    [['all', '乙, 甲'], ['unique', '乙']]
    """
    ids = tasks["task_id"].to_numpy()
    index = {t: i for i, t in enumerate(ids)}
    edges = matches[matches["score"] >= threshold]
    edges = edges[edges["task_id"].isin(index) & edges["match_task_id"].isin(index)]
    r = edges["task_id"].map(index).to_numpy()
    c = edges["match_task_id"].map(index).to_numpy()
    labels, near = _priority_labels(
        r, c, edges["score"].to_numpy(), tasks[by].astype(str).to_numpy()
    )
    groups = tasks[by].astype(str).to_numpy()
    all_groups = sorted(set(groups))
    same = labels[r] == labels[c]
    score_of = edges[same].assign(comp=labels[r][same]).groupby("comp")["score"].mean()
    rows = []
    for comp in np.unique(labels):
        members = np.flatnonzero(labels == comp)
        present = sorted(set(groups[members]))
        k = len(present)
        lone = near.get(int(members[0])) if len(members) == 1 else None
        if k == len(all_groups) and k > 1:
            kind = "all"
        elif k > 1:
            kind = f"{k} of {len(all_groups)}"
        else:
            kind = "near" if lone else "unique"
        row = {
            "shared_by": kind,
            "n_groups": k,
            "groups": ", ".join(present),
            "n_tasks": len(members),
            "mean_score": lone[1] if lone else float(score_of.get(comp, np.nan)),
            "_comp": int(comp),
            "_close": lone[0] if lone else -1,
        }
        for g in all_groups:
            row[g] = " / ".join(tasks["title"].iloc[members[groups[members] == g]].fillna(""))
        rows.append(row)
    out = (
        pd.DataFrame(rows)
        .sort_values(
            ["n_groups", "mean_score"], ascending=[False, False], kind="stable", na_position="last"
        )
        .reset_index(drop=True)
    )
    out.insert(0, "priority", np.arange(len(out)))
    number = dict(zip(out["_comp"], out["priority"], strict=True))
    close = pd.array([number.get(c, pd.NA) for c in out["_close"]], dtype="Int64")
    out = out.drop(columns=["_comp", "_close"])
    out.insert(out.columns.get_loc("mean_score") + 1, "close_to", close)
    return out
