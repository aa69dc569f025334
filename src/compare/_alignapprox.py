"""The approximate search of :func:`compare.align.best_counterparts` for large corpora.

Used from :data:`compare.align.APPROX_MIN_TASKS` tasks on (never for a report's comparison
set, nor the seeds). An inverted-file index on the TF-IDF rows themselves (no projection):

* **Lists.** Spherical k-means (cosine) puts the rows into ``n / LIST_SIZE`` clusters: a
  seeded sample of ``TRAIN_PER_LIST`` rows per cluster (the rows in group, then task-id
  order, so neither the order of the rows nor their file names matter), initial centroids
  drawn from it, :data:`ITERATIONS` Lloyd steps, each a sparse product and a normalised sum
  (scipy, one thread: the same centroids on any machine load or thread count). Every row
  is then filed in the lists of its :data:`SPILL` closest centroids (a row near a border
  is found from both sides).
* **Candidates.** Each row searches the lists of its :data:`PROBES` closest centroids.
* **Exact rescoring.** Every candidate is scored with the sparse rows
  (:func:`compare._alignscan.probe`, numba, threads sharing the index): bit-identical to
  the exact search's scores, with the same per-group maximum, tie rules and ``k`` best
  groups. What can differ from the exact table is only a counterpart that is in no
  probed list: a group's maximum may then be lower (another task of the group, or 0), and
  the ``k`` groups kept may differ. The recall is measured against the exact table
  (``benchmarks/ANALYSIS.md``, "Alignment at scale") and stated in :data:`RECALL`.

Work per row is the routing (one score per centroid: ``n / LIST_SIZE``) plus
``PROBES × SPILL × LIST_SIZE`` candidates, so for the sizes measured time grows with
tasks × lists + tasks × candidates instead of the exact search's tasks² (every pair sharing
a term); memory is the sparse rows, the centroids (``lists × terms``) and the lists.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

#: Rows per list (clusters = tasks / LIST_SIZE).
LIST_SIZE: int = 256
#: Lists each row is filed in (its closest centroids).
SPILL: int = 2
#: Lists each row searches (its closest centroids).
PROBES: int = 12
#: Training rows per cluster, and Lloyd iterations, of the k-means.
TRAIN_PER_LIST: int = 40
ITERATIONS: int = 8
#: Rows routed at once (one ``block × lists`` array of scores).
ROUTE_BLOCK: int = 8192

#: The approximate table's recall, measured against the exact search on 2,000 sampled tasks of
#: 10,000 generated plans (``benchmarks/ANALYSIS.md``, "Alignment at scale"): the share of
#: tasks with the same districts, counterparts and scores (row), and of the exact (task,
#: district) cells kept with the same score (score). Shown in the table's attrs and the
#: reports' method paragraph.
ROW_RECALL: float = 0.976
SCORE_RECALL: float = 0.997
#: Row recall on the same plans with half their tokens replaced by 30,000 Zipf-drawn words
#: (a vocabulary more varied than the generated corpus's: close, low scores make the
#: k-th district a near-tie); the lower figure a varied national corpus may see.
ROW_RECALL_VARIED: float = 0.92
RECALL: str = (
    f"row recall {ROW_RECALL:.1%} (same districts, counterparts and scores), score recall "
    f"{SCORE_RECALL:.1%}, measured against the exact search on 2,000 sampled tasks of "
    f"10,000 generated plans; {ROW_RECALL_VARIED:.0%} by row with a more varied vocabulary "
    "(benchmarks/ANALYSIS.md)"
)


def _top_lists(S: np.ndarray, p: int) -> np.ndarray:
    """The ``p`` highest columns of each row of ``S``, highest first (equal: the lower column)."""
    p = min(p, S.shape[1])
    part = (
        np.argpartition(-S, p - 1, axis=1)[:, :p]
        if p < S.shape[1]
        else np.tile(np.arange(S.shape[1]), (S.shape[0], 1))
    )
    vals = np.take_along_axis(S, part, axis=1)
    o = np.lexsort((part, -vals), axis=1)
    return np.take_along_axis(part, o, axis=1)


def centroids(Xs: sparse.csr_matrix, n_lists: int, seed: int = 0) -> np.ndarray:
    """Unit centroids (``n_lists × terms``) of a spherical k-means on a seeded sample of rows."""
    n = Xs.shape[0]
    rng = np.random.default_rng(seed)
    train = np.sort(rng.choice(n, min(n, TRAIN_PER_LIST * n_lists), replace=False))
    Xt = Xs[train]
    cent = Xt[np.sort(rng.choice(len(train), n_lists, replace=False))].toarray()
    for _ in range(ITERATIONS):
        a = np.asarray(Xt @ cent.T).argmax(axis=1)  # first maximum: the lower list
        G = sparse.csr_matrix((np.ones(len(a)), (a, np.arange(len(a)))), shape=(n_lists, len(a)))
        new = (G @ Xt).toarray()
        norm = np.sqrt((new * new).sum(axis=1))
        filled = norm > 0
        cent[filled] = new[filled] / norm[filled, None]  # an empty list keeps its centroid
    return cent


def search(
    Xs: sparse.csr_matrix,
    codes: np.ndarray,
    starts: np.ndarray,
    k: int,
    n_jobs: int,
    *,
    list_size: int | None = None,
    spill: int | None = None,
    probes: int | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every row's ``k`` best other groups, their maxima and argmax, over its candidates.

    ``Xs``: the rows in group, then task-id order (indices sorted); ``codes``: their groups;
    ``starts``: first row of each group. Returns ``score``, ``group``, ``col`` like
    :func:`compare._alignscan.scan` (rows and columns in the order of ``Xs``).
    ``list_size``, ``spill``, ``probes``: default :data:`LIST_SIZE`, :data:`SPILL`,
    :data:`PROBES`.
    """
    from compare._alignscan import in_threads, probe

    list_size = LIST_SIZE if list_size is None else list_size
    spill = SPILL if spill is None else spill
    probes = PROBES if probes is None else probes
    n = Xs.shape[0]
    n_lists = max(1, round(n / list_size))
    cent = centroids(Xs, n_lists, seed)
    spill, probes = min(spill, n_lists), min(probes, n_lists)
    filed = np.empty((n, spill), dtype=np.int64)
    probed = np.empty((n, probes), dtype=np.int64)
    for a in range(0, n, ROUTE_BLOCK):
        top = _top_lists(np.asarray(Xs[a : a + ROUTE_BLOCK] @ cent.T), max(spill, probes))
        filed[a : a + len(top)] = top[:, :spill]
        probed[a : a + len(top)] = top[:, :probes]
    del cent
    lst = filed.ravel()
    rows = np.repeat(np.arange(n, dtype=np.int64), spill)
    o = np.lexsort((rows, lst))  # list, then row
    l_row = rows[o]
    l_code = codes.astype(np.int32)[l_row]
    # each entry's other lists (the row's lists but this one): a row is scored once
    others = np.array([[b for b in range(spill) if b != a] for a in range(spill)], dtype=np.int64)
    slot = np.tile(np.arange(spill), n)[o]  # which of its row's lists this entry is
    l_also = filed[l_row[:, None], others[slot]] if spill > 1 else np.full((len(o), 1), -1)
    l_also = np.ascontiguousarray(l_also, dtype=np.int64)
    l_ptr = np.zeros(n_lists + 1, dtype=np.int64)
    np.cumsum(np.bincount(lst, minlength=n_lists), out=l_ptr[1:])
    del filed, lst, rows, o, slot
    L = Xs[l_row]  # the lists' rows, list after list: each list is read from contiguous memory
    kk = int(k)
    score = np.empty((n, kk))
    group = np.empty((n, kk), dtype=np.int64)
    col = np.empty((n, kk), dtype=np.int64)
    queue = np.lexsort((np.arange(n), probed[:, 0]))  # rows probing the same list together
    args = (queue, Xs.indptr.astype(np.int64), Xs.indices.astype(np.int32),
            np.ascontiguousarray(Xs.data, dtype=np.float64), codes.astype(np.int64),
            np.asarray(starts, dtype=np.int64), probed, l_ptr, l_row, l_code, l_also, L.indptr.astype(np.int64),
            L.indices.astype(np.uint16 if Xs.shape[1] <= 2**16 else np.int32),
            L.data.astype(np.float32),
            int(Xs.shape[1]), kk, score, group, col)  # fmt: skip
    in_threads(probe, n, args, n_jobs)
    return score, group, col
