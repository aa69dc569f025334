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
* **Best counterparts**: for every task, the most similar task in each of
  the ``k`` closest other groups (district by default; :data:`DEFAULT_K` =
  20, ``k=None`` for every group) and its cosine: an exact sparse top-k
  nearest-neighbour search on the TF-IDF rows, the tasks sorted by group,
  then task id, so that each group is a contiguous run. Below
  :data:`SCAN_MIN_TASKS` (6,000) tasks a block of rows is multiplied by the
  whole sparse matrix into a dense ``rows × n`` slab, reduced at once to the
  per-group maximum and first argmax (``numpy.maximum.reduceat``). From
  there on a compiled scan (numba, :mod:`compare._alignscan`) does the same
  without the slab: each task adds its term weights into a tile of scores
  through an inverted index (postings laid out tile by tile so a batch of
  tasks reuses a tile while it is in cache), each group's run in the tile
  updates the task's maximum, and the tile is cleared as it is read; threads
  share the index (no worker copies). Both sum a pair's products over the
  shared terms in ascending term order, so the scores are bit-identical to
  the sparse products and the two paths give the same table (tested on the
  seeds and on generated corpora). Of the per-group maxima the ``k``
  highest are kept. Time is O(Σ df² + n²): every pair of tasks sharing a
  term is scored, and at 10,000 generated plans (≈220,000 tasks, 75
  districts) every pair does; the scan does that at about a third of the
  slab's cost (``benchmarks/ANALYSIS.md``, "Alignment at scale"). Memory
  is O(nnz(X) + n × k) plus one tile and one batch per thread. Equal scores
  go to the smallest task id and the group named first, a group sharing no
  term scores 0 with its first task, so nothing depends on the order of the
  rows.
* **Approximate search** from :data:`APPROX_MIN_TASKS` (100,000) tasks on,
  far above any report's comparison set (``approx_min_tasks`` to choose):
  :mod:`compare._alignapprox` files the rows in lists by spherical k-means
  (lists of 256 rows, each row in its 2 closest, searching its 12 closest)
  and scores every candidate exactly, so each score in the table is exact and
  only a counterpart outside the candidates can be missed. Work per task is
  about 6,000 candidates plus one score per list instead of every task; at
  10,000 generated plans 97.6 % of tasks get the exact table's districts,
  counterparts and scores (``benchmarks/ANALYSIS.md``). The table's
  ``attrs["search"]`` says which search ran, ``attrs["recall"]`` the measured
  recall.
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

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from compare import config
from compare.exceptions import CompareError
from compare.text import tokens_of_tasks

__all__ = [
    "DEFAULT_K",
    "DEFAULT_THRESHOLD",
    "best_counterparts",
    "document_similarity",
    "null_threshold",
    "shared_priorities",
    "task_vectors",
]

#: Cosine at or above which two tasks are the same priority (see module docstring).
DEFAULT_THRESHOLD: float = 0.17


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
    from compare.features import tfidf_matrix  # the one TF-IDF builder of task tokens

    toks = tokens_of_tasks(tasks, tokens)
    if not any(toks):
        return sparse.csr_matrix((len(toks), 0))
    X, _ = tfidf_matrix([[] for _ in toks], toks)
    return X


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


#: From this many tasks on, :func:`_top_groups` runs the compiled sparse scan
#: (:func:`_scan_rows`, threads) instead of the dense slab (:func:`_top_rows`, numpy only):
#: below it the scan's import and compiled-code load (about a second) would cost more than
#: it saves. Both give bit-identical scores, so the table does not depend on the path.
SCAN_MIN_TASKS: int = 6000

#: Other groups kept per task by :func:`best_counterparts` (its ``k``): the reports compare at
#: most 12 districts or documents (``max_districts``), so they always get every group.
DEFAULT_K: int = 20

#: From this many tasks on, :func:`best_counterparts` searches approximately
#: (:mod:`compare._alignapprox`): candidates from an inverted-file index, rescored exactly.
#: Below it (the seeds, every report's comparison set) the search is exact. Chosen where the
#: approximate search is clearly faster than the exact one (``benchmarks/ANALYSIS.md``,
#: "Alignment at scale").
APPROX_MIN_TASKS: int = 100_000

#: Columns (tasks, in group order) of one tile of the sparse scan: the tile's postings
#: (about nnz(X) / tiles × 12 bytes) stay in cache while a batch of rows is scored on them.
SCAN_TILE: int = 2048


def _canonical_order(ids: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Row positions sorted by group code, then by task id (never by row order)."""
    id_rank = np.argsort(np.argsort(ids.astype(str), kind="stable"), kind="stable")
    return np.lexsort((id_rank, codes))


def _top_rows(
    Xs: sparse.csr_matrix,
    X_rows: sparse.csr_matrix,
    own: np.ndarray,
    starts: np.ndarray,
    k: int,
    block: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` best other groups of each row of ``X_rows``: score, group and column (dense slab).

    One block of rows at a time: ``Xs @ block.T`` (sparse times a dense ``terms × block``
    slab; the scores come out transposed, ``n × block``, the corpus rows sorted by group so
    that each group is a contiguous run), then the maximum of each run and the first row
    reaching it. Sums run over the same terms in the same order as the sparse product
    ``block @ Xs.T``, so the scores are bit-identical to it. The row's own group is
    excluded; of the others the ``k`` highest maxima are kept (equal maxima: the group
    named first), returned in group order. Only ``block × n`` scores are ever held. Used
    below :data:`SCAN_MIN_TASKS` tasks; :func:`_scan_rows` gives the same arrays.
    """
    m, n_groups = X_rows.shape[0], len(starts)
    ends = np.r_[starts[1:], Xs.shape[0]]
    score = np.empty((m, k))
    group = np.empty((m, k), dtype=np.int64)
    col = np.empty((m, k), dtype=np.int64)
    for a in range(0, m, block):
        D = X_rows[a : a + block].T.toarray()  # terms × block, small
        S = np.asarray(Xs @ D)  # n × block, C order
        b = S.shape[1]
        best = np.ascontiguousarray(np.maximum.reduceat(S, starts, axis=0).T)  # block × groups
        arg = np.empty((b, n_groups), dtype=np.int64)
        for g, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
            arg[:, g] = lo + S[lo:hi].argmax(axis=0)  # first maximum: smallest task id
        best[np.arange(b), own[a : a + b]] = -np.inf
        top = np.sort(np.argsort(-best, axis=1, kind="stable")[:, :k], axis=1)
        score[a : a + b] = np.take_along_axis(best, top, axis=1)
        group[a : a + b] = top
        col[a : a + b] = np.take_along_axis(arg, top, axis=1)
    return score, group, col


def _scan_rows(
    Xs: sparse.csr_matrix,
    X_rows: sparse.csr_matrix,
    own: np.ndarray,
    starts: np.ndarray,
    k: int,
    memory_mb: float,
    n_jobs: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_top_rows` without a dense slab: the compiled sparse scan, on threads.

    The corpus rows (``Xs``, sorted by group, then task id) become an inverted index whose
    postings are laid out tile by tile (:data:`SCAN_TILE` columns), term by term inside a
    tile, columns ascending inside a term. Each row of ``X_rows`` adds ``x_t · y_t`` over
    its own terms in ascending order into a tile of scores (so every score is the sum over
    the shared terms in the order of the sparse products: bit-identical to them; a pair
    sharing no term stays 0), then each group's run in the tile updates the row's maximum
    (strictly greater only: the first maximum, the smallest task id, wins, as a group
    with no shared term gets its first task at 0). Rows are scored in batches that share
    a tile while it is in cache; the batch's per-group maxima are the only state
    (``batch × groups``, under ``memory_mb``). The ``k`` best other groups are then kept as
    in :func:`_top_rows` (equal maxima: the group named first). The kernel releases the
    GIL, so ``n_jobs`` threads (default: every CPU) share the index without copies.
    """
    from compare._alignscan import in_threads, scan

    n, m, n_groups = Xs.shape[0], X_rows.shape[0], len(starts)
    n_terms = Xs.shape[1]
    T = sparse.csr_matrix(Xs.T)  # terms × n, columns ascending inside each term
    T.sort_indices()
    n_tiles = max(1, -(-n // SCAN_TILE))
    term_of = np.repeat(np.arange(n_terms, dtype=np.int64), np.diff(T.indptr))
    key = (T.indices // SCAN_TILE).astype(np.int64) * n_terms + term_of
    by_tile = np.argsort(key, kind="stable")  # tile, then term, then column
    tp = np.zeros(n_tiles * n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(key, minlength=n_tiles * n_terms), out=tp[1:])
    t_col = T.indices[by_tile].astype(np.int32)
    t_val = np.ascontiguousarray(T.data[by_tile], dtype=np.float64)
    del T, term_of, key, by_tile
    q_ptr = X_rows.indptr.astype(np.int64)
    q_idx = X_rows.indices.astype(np.int32)
    q_val = np.ascontiguousarray(X_rows.data, dtype=np.float64)
    batch = int(max(1, min(512, memory_mb * 2**20 // (16 * max(n_groups, 1)))))
    score = np.empty((m, k))
    group = np.empty((m, k), dtype=np.int64)
    col = np.empty((m, k), dtype=np.int64)
    args = (q_ptr, q_idx, q_val, own.astype(np.int64), tp, t_col, t_val,
            np.asarray(starts, dtype=np.int64), n, k, SCAN_TILE, batch, score, group, col)  # fmt: skip
    in_threads(scan, m, args, n_jobs if n_jobs is not None else config.worker_count())
    return score, group, col


def _top_groups(
    X: sparse.csr_matrix,
    groups: np.ndarray,
    ids: np.ndarray,
    k: int | None,
    memory_mb: float,
    n_jobs: int | None = None,
    approx_min_tasks: float = math.inf,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], bool]:
    """Per row, its best counterpart in each of the ``k`` best other groups.

    Returns ``score``, ``group`` (index into the sorted group names) and ``match`` (row of
    ``X``), each ``n × k'`` with ``k' = min(k, groups − 1)``, and the sorted group names.
    A counterpart is the most similar row of the group, equal scores going to the smallest
    id, so nothing depends on the order of the rows. Time is O(Σ df² + n²) for the scan
    (every pair of rows sharing a term is scored once per direction); memory is the
    inverted index, the ``n × k'`` results and, per thread, a tile of scores and one batch
    of per-group maxima (the dense slab: one ``n × block`` slab), with ``block`` chosen so
    that stays under ``memory_mb``. From :data:`SCAN_MIN_TASKS` rows on, the compiled scan
    runs on ``n_jobs`` threads (default: every CPU), sharing the matrix. From
    ``approx_min_tasks`` rows on (default: never) the search is approximate
    (:mod:`compare._alignapprox`: candidates from an inverted-file index, rescored exactly);
    the last value returned says whether it was.
    """
    n = X.shape[0]
    names = sorted(set(groups))
    codes = np.asarray(pd.Categorical(groups, categories=names).codes, dtype=np.int64)
    kk = len(names) - 1 if k is None else max(0, min(int(k), len(names) - 1))
    order = _canonical_order(ids, codes)
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    Xs = sparse.csr_matrix(X[order])
    Xs.sort_indices()
    if n >= approx_min_tasks:
        from compare import _alignapprox

        workers = n_jobs if n_jobs is not None else config.worker_count()
        score, group, col = _alignapprox.search(Xs, sorted_codes, starts, kk, workers)
        back = np.empty(n, dtype=np.int64)
        back[order] = np.arange(n)  # results come in group order: back to the rows' order
        return score[back], group[back], order[col[back]], names, True
    X = sparse.csr_matrix(X)
    X.sort_indices()
    if n >= SCAN_MIN_TASKS:
        score, group, col = _scan_rows(Xs, X, codes, starts, kk, memory_mb, n_jobs)
    else:
        block = max(1, int(memory_mb * 2**20 // (8 * 2 * max(n, 1))))
        score, group, col = _top_rows(Xs, X, codes, starts, kk, block)
    return score, group, order[col], names, False


def best_counterparts(
    tasks: pd.DataFrame,
    by: str = "district",
    *,
    k: int | None = DEFAULT_K,
    tokens: Sequence[Sequence[str]] | None = None,
    X: sparse.spmatrix | None = None,
    memory_mb: float = 64.0,
    n_jobs: int | None = None,
    approx_min_tasks: float | None = None,
) -> pd.DataFrame:
    """For every task, its most similar task in each of the ``k`` closest other groups.

    Parameters
    ----------
    tasks : pandas.DataFrame
        With ``task_id``, ``title``, ``text`` and the ``by`` column.
    by : str
        Grouping column; a task is matched in the other groups.
    k : int or None
        Other groups kept per task: those whose best counterpart scores highest (equal
        scores: the group named first). ``None`` keeps every other group. With at most
        ``k + 1`` groups (the reports' comparison sets) every group is kept; with more,
        the table has ``n × k`` rows instead of ``n × (groups − 1)``, and a group left
        out scores no higher than the ``k`` kept.
    tokens, X : optional
        Precomputed tokens or task vectors (rows aligned with ``tasks``).
    memory_mb : float
        Budget of one block: the dense slab of scores below :data:`SCAN_MIN_TASKS`
        tasks, one batch of per-group maxima of the scan from there on.
    n_jobs : int, optional
        Threads of the scan from :data:`SCAN_MIN_TASKS` tasks on, and of the approximate
        search (default: every CPU).
    approx_min_tasks : float, optional
        From this many tasks on the search is approximate (default
        :data:`APPROX_MIN_TASKS`; ``math.inf``: always exact): candidates from an inverted-file
        index, each rescored exactly (:mod:`compare._alignapprox`), so every score in the
        table is exact but a counterpart outside the candidates can be missed.

    Returns
    -------
    pandas.DataFrame
        ``task_id, <by>, title, other, match_task_id, match_title, score``:
        one row per task and kept other group (``other`` is the other group's
        name), in task order, then group order. Equal best scores within a group
        go to the smallest ``task_id``, so the rows do not depend on the order of
        ``tasks``.

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
    if k is not None and k < 1:
        raise CompareError(f"k must be at least 1 (or None for every group); got {k}")
    ids = tasks["task_id"].to_numpy()
    if approx_min_tasks is None:
        approx_min_tasks = APPROX_MIN_TASKS
    score, group, match, names, approx = _top_groups(
        X, groups, ids, k, memory_mb, n_jobs, approx_min_tasks
    )
    titles = tasks["title"].fillna("").to_numpy() if "title" in tasks else np.full(len(ids), "")
    rows = np.repeat(np.arange(len(ids)), score.shape[1])
    match = match.ravel()
    out = pd.DataFrame(
        {
            "task_id": ids[rows],
            by: groups[rows],
            "title": titles[rows],
            "other": np.asarray(names)[group.ravel()],
            "match_task_id": ids[match],
            "match_title": titles[match],
            "score": np.round(score.ravel(), 6),
        }
    )
    out.attrs["search"] = "approximate" if approx else "exact"
    if approx:
        from compare._alignapprox import RECALL

        out.attrs["recall"] = RECALL
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
    r: np.ndarray, c: np.ndarray, score: np.ndarray, codes: np.ndarray, rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Priority label per task by greedy one-task-per-group merging, and the near misses.

    ``r``, ``c`` are task indices of match edges above the threshold, ``score``
    their cosine, ``codes`` the group code of each task and ``rank`` its place in
    task-id order (equal scores are taken in that order, so the result does not
    depend on the order of the rows). Returns the labels (a root task index per
    task) and, for each task left alone although it has an edge, the label and
    score of its best edge's priority (-1 and NaN for the others).
    """
    n = len(codes)
    parent = list(range(n))
    held = [1 << int(g) for g in codes]  # groups of each priority, as a bit set

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = np.lexsort((rank[c], rank[r], -score))
    for x, y in zip(r[order].tolist(), c[order].tolist(), strict=True):
        a, b = find(x), find(y)
        if a != b and not (held[a] & held[b]):
            parent[b] = a
            held[a] |= held[b]
    labels = np.array([find(i) for i in range(n)], dtype=np.int64)
    size = np.bincount(labels, minlength=n)
    # strongest edge first, each edge read in both directions: a lone task's best match
    a = np.column_stack([r[order], c[order]]).ravel()
    b = np.column_stack([c[order], r[order]]).ravel()
    s = np.repeat(score[order], 2)
    lone = size[labels[a]] == 1
    first_a, first = np.unique(a[lone], return_index=True)
    near_label = np.full(n, -1, dtype=np.int64)
    near_score = np.full(n, np.nan)
    near_label[first_a] = labels[b[lone][first]]
    near_score[first_a] = s[lone][first]
    return labels, near_label, near_score


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
        ``n_groups`` descending, ``mean_score`` descending, then by the group
        and task id of its first task (never by the order of the rows).

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b", "c"], "district": ["甲", "乙", "乙"],
    ...                   "title": ["中医", "中医药", "养老"], "text": ["", "", ""]})
    >>> m = best_counterparts(t, tokens=[["中医"], ["中医"], ["养老"]])
    >>> shared_priorities(m, t)[["shared_by", "groups"]].values.tolist()
    [['all', '乙, 甲'], ['unique', '乙']]
    """
    ids = tasks["task_id"].to_numpy()
    groups = tasks[by].astype(str).to_numpy()
    titles = tasks["title"].fillna("").astype(str).to_numpy()
    all_groups = sorted(set(groups))
    n, n_all = len(ids), len(all_groups)
    codes = np.asarray(pd.Categorical(groups, categories=all_groups).codes, dtype=np.int64)
    rank = np.argsort(np.argsort(ids.astype(str), kind="stable"), kind="stable")
    # the edges as task positions, column by column (never a copy of the whole table)
    score = matches["score"].to_numpy(dtype=float)
    keep = np.flatnonzero(score >= threshold)
    known = pd.Index(ids)
    r = known.get_indexer(matches["task_id"].iloc[keep])
    c = known.get_indexer(matches["match_task_id"].iloc[keep])
    inside = (r >= 0) & (c >= 0)
    r, c, score = r[inside], c[inside], score[keep][inside]
    labels, near_label, near_score = _priority_labels(r, c, score, codes, rank)

    comps, inv = np.unique(labels, return_inverse=True)  # one row per priority
    n_comps = len(comps)
    n_tasks = np.bincount(inv, minlength=n_comps)
    # priority × group cells, sorted by priority, group, then task id
    o = np.lexsort((rank, codes, inv))
    cell = inv[o] * max(n_all, 1) + codes[o]
    cut = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]]) if n else np.array([], dtype=int)
    cell_comp, cell_group = cell[cut] // max(n_all, 1), cell[cut] % max(n_all, 1)
    n_groups = np.bincount(cell_comp, minlength=n_comps)
    wide = np.full((n_comps, n_all), "", dtype=object)
    wide[cell_comp, cell_group] = [" / ".join(t) for t in np.split(titles[o], cut[1:])]
    names = np.asarray(all_groups, dtype=object)
    present = np.split(names[cell_group], np.flatnonzero(np.diff(cell_comp)) + 1)
    first = np.full(n_comps, n_all * n, dtype=np.int64)  # ties: group order, then task id
    np.minimum.at(first, inv, codes * n + rank)
    # mean score of the edges inside each priority (an exactly rounded sum: no order dependence)
    same = labels[r] == labels[c]
    e_comp, e_score = inv[r[same]], score[same]
    o = np.argsort(e_comp, kind="stable")
    e_comp, e_score = e_comp[o], e_score[o]
    mean = np.full(n_comps, np.nan)
    if len(e_comp):
        starts = np.flatnonzero(np.r_[True, e_comp[1:] != e_comp[:-1]])
        parts = np.split(e_score, starts[1:])
        mean[e_comp[starts]] = [math.fsum(x) / len(x) for x in parts]  # exactly rounded sums
    member = np.zeros(n_comps, dtype=np.int64)
    member[inv] = np.arange(n)  # a member of each priority (the only one of a single task)
    lone = (n_tasks == 1) & (near_label[member] >= 0)
    kind = np.where(
        (n_groups == n_all) & (n_groups > 1),
        "all",
        np.where(
            n_groups > 1,
            [f"{k} of {n_all}" for k in n_groups],
            np.where(lone, "near", "unique"),
        ),
    )
    table = pd.DataFrame(
        {
            "shared_by": kind.astype(object),
            "n_groups": n_groups.astype(np.int64),
            "groups": [", ".join(p) for p in present],
            "n_tasks": n_tasks.astype(np.int64),
            "mean_score": np.where(lone, near_score[member], mean),
            "_comp": comps,
            "_close": np.where(lone, near_label[member], -1),
            "_first": first,
        }
    )
    for j, g in enumerate(all_groups):
        table[g] = wide[:, j]
    out = (
        table.sort_values("_first", kind="stable")
        .sort_values(
            ["n_groups", "mean_score"], ascending=[False, False], kind="stable", na_position="last"
        )
        .drop(columns="_first")
        .reset_index(drop=True)
    )
    out.insert(0, "priority", np.arange(len(out)))
    number = dict(zip(out["_comp"], out["priority"], strict=True))
    close = pd.array([number.get(c, pd.NA) for c in out["_close"]], dtype="Int64")
    out = out.drop(columns=["_comp", "_close"])
    out.insert(out.columns.get_loc("mean_score") + 1, "close_to", close)
    return out
