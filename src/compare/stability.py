"""Automatic k: the number of clusters whose k-means labelings are most stable.

For each candidate k, k-means is fitted on resamples of 80 % of the task
vectors with different seeds, and the mean pairwise ARI of their labelings
(:func:`stability`) is compared with the same figure on a copy of the vectors
whose columns were permuted (no structure); the k with the largest excess
stability wins (:func:`choose_k`). Silhouette is not used: on these texts it
keeps rising with k. The cost is bounded: above ``max_rows`` vectors the choice
runs on a sample chosen by content hash, and the resample fits use a small
numpy k-means. :func:`choose_k_cached` keeps the answer per corpus.

Examples
--------
>>> F = np.repeat(np.eye(5), 8, axis=0) + 0.05 * np.random.default_rng(0).random((40, 5))
>>> choose_k(F, k_range=range(2, 9), n_resamples=5)[0]
5
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare import config

__all__ = ["choose_k", "choose_k_cached", "stability"]


def _kmeans_batch(X: np.ndarray, k: int, rngs: Sequence[np.random.Generator], max_iter: int = 100):
    """Centres of k-means fits of each ``X[b]`` (k-means++ then Lloyd), all resamples at once.

    Automatic k fits hundreds of small models; scikit-learn's ``KMeans`` spends
    ten times the arithmetic on checks and thread set-up for each of them, so
    the resamples use this: the same algorithm (greedy k-means++ with
    ``2 + log k`` trials drawn from ``rngs[b]``, then Lloyd until no label
    changes; an emptied cluster keeps its centre) with every step done for all
    resamples in one array operation. A fit that has converged stays put while
    the others finish, so each result is that of its own run.
    """
    B, m, _ = X.shape
    at = np.arange(B)
    sq = np.einsum("bij,bij->bi", X, X)
    first = np.array([int(r.integers(m)) for r in rngs])
    chosen = np.empty((B, k), dtype=np.int64)
    chosen[:, 0] = first
    d2 = np.maximum(sq + sq[at, first][:, None] - 2 * np.einsum("bij,bj->bi", X, X[at, first]), 0)
    trials = 2 + int(np.log(k))
    for j in range(1, k):
        u = np.stack([r.random(trials) for r in rngs]) * d2.sum(axis=1)[:, None]
        cum = np.cumsum(d2, axis=1)
        cand = np.minimum((cum[:, None, :] < u[:, :, None]).sum(axis=2), m - 1)  # searchsorted
        Xc = X[at[:, None], cand]
        dc = sq[at[:, None], cand][:, :, None] + sq[:, None, :] - 2 * (Xc @ X.transpose(0, 2, 1))
        dc = np.minimum(np.maximum(dc, 0), d2[:, None, :])
        best = dc.sum(axis=2).argmin(axis=1)
        chosen[:, j] = cand[at, best]
        d2 = dc[at, best]
    C = X[at[:, None], chosen]
    labels = None
    for _ in range(max_iter):
        new = _nearest(X, C)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        onehot = (new[:, :, None] == np.arange(k)).astype(X.dtype)
        counts = onehot.sum(axis=1)
        sums = onehot.transpose(0, 2, 1) @ X
        C = np.where(counts[:, :, None] > 0, sums / np.maximum(counts, 1)[:, :, None], C)
    return C


def _nearest(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Index of each row's nearest centre, per batch (squared distance without the row's norm).

    ``X`` is ``(n, d)`` or ``(B, n, d)``; ``C`` is ``(B, k, d)``; the result ``(B, n)``.
    """
    cc = np.einsum("bkd,bkd->bk", C, C)[:, None, :]
    return np.argmin(cc - 2 * (X @ C.transpose(0, 2, 1)), axis=2)


def _ari(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index, as :func:`sklearn.metrics.adjusted_rand_score` (same integer
    pair counts, same formula) without its per-call checks.

    Examples
    --------
    >>> from sklearn.metrics import adjusted_rand_score
    >>> a, b = np.array([0, 0, 1, 1, 2, 2]), np.array([1, 1, 0, 2, 2, 2])
    >>> _ari(a, b) == adjusted_rand_score(a, b)
    True
    """
    n = len(a)
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    kb = int(ib.max()) + 1 if n else 1
    cont = np.bincount(ia * kb + ib).astype(np.int64)
    n_c = np.bincount(ia).astype(np.int64)
    n_k = np.bincount(ib).astype(np.int64)
    sum_squares = int((cont**2).sum())
    tp = sum_squares - n
    fp = int((n_k**2).sum()) - sum_squares  # C[0, 1] of sklearn's pair confusion matrix
    fn = int((n_c**2).sum()) - sum_squares
    tn = n * n - fp - fn - sum_squares
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def stability(
    F: np.ndarray, k: int, *, n_resamples: int = 8, fraction: float = 0.8, seed: int = 0
) -> float:
    """Mean pairwise ARI of k-means labelings fitted on random resamples.

    Each resample keeps ``fraction`` of the rows and its own seed; its model
    labels every row, and the labelings are compared pairwise.

    Examples
    --------
    >>> F = np.repeat(np.eye(3), 5, axis=0)
    >>> stability(F, 3, n_resamples=3)
    1.0
    """
    n = len(F)
    m = max(k, int(round(fraction * n)))
    F = np.asarray(F, dtype=np.float32)  # half the arithmetic of float64; labels are all we keep
    rngs = [np.random.default_rng(seed * 1000 + b) for b in range(n_resamples)]
    idx = np.stack([np.sort(r.choice(n, m, replace=False)) for r in rngs])
    labelings = _nearest(F, _kmeans_batch(F[idx], k, rngs))
    pairs = [_ari(a, b) for a, b in itertools.combinations(labelings, 2)]
    return float(np.mean(pairs)) if pairs else 1.0


def _subsample(n: int, m: int, seed: int, keys: Sequence[str] | None) -> np.ndarray:
    """``m`` of ``n`` rows, sorted: those whose keys hash lowest with the seed (random without keys).

    Chosen by content, a task stays in the sample whatever else the corpus holds,
    so adding a plan changes the sample by a few rows only.
    """
    if keys is None:
        return np.sort(np.random.default_rng(seed).choice(n, m, replace=False))
    import hashlib

    ranks = [hashlib.blake2b(f"{seed}\x00{k}".encode(), digest_size=8).digest() for k in keys]
    return np.sort(np.argsort(np.array(ranks, dtype="S8"), kind="stable")[:m])


def choose_k(
    F: np.ndarray,
    *,
    k_range: Sequence[int] | None = None,
    n_resamples: int = 8,
    seed: int = 0,
    max_rows: int = 400,
    keys: Sequence[str] | None = None,
) -> tuple[int, pd.DataFrame]:
    """Choose the number of clusters by excess stability over a structureless copy.

    For every candidate k: ``stability`` on the features, minus ``stability``
    on a copy whose columns were shuffled independently (same marginals, no
    clusters). The k with the largest difference wins; ties go to the smaller k.
    The cost is bounded: above ``max_rows`` rows it runs on a sample of that many.

    Parameters
    ----------
    F : numpy.ndarray
        Task vectors (:func:`cluster_features`).
    k_range : sequence of int, optional
        Default ``2 … min(30, n // 3)`` (``n`` after sampling).
    n_resamples : int
    seed : int
    max_rows : int
        Larger inputs are sampled to this many rows.
    keys : sequence of str, optional
        A content key per row (e.g. the task id): the sample is then the rows
        whose keys hash lowest (:func:`_subsample`), else a seeded random one.

    Returns
    -------
    (int, pandas.DataFrame)
        The chosen k and a table ``k, stability, null, score``.

    Examples
    --------
    >>> F = np.repeat(np.eye(5), 8, axis=0) + 0.05 * np.random.default_rng(0).random((40, 5))
    >>> choose_k(F, k_range=range(2, 9), n_resamples=5)[0]
    5
    """
    n = len(F)
    rng = np.random.default_rng(seed)
    if n > max_rows:
        F = F[_subsample(n, max_rows, seed, keys)]
        n = max_rows
    if k_range is None:
        k_range = range(2, max(2, min(30, n // 3)) + 1)
    ks = sorted({int(k) for k in k_range if 2 <= int(k) < n})
    if not ks:
        return (1 if n < 2 else min(n, 2)), pd.DataFrame(
            columns=["k", "stability", "null", "score"]
        )
    null = F.copy()
    for j in range(null.shape[1]):
        null[:, j] = rng.permutation(null[:, j])
    from threadpoolctl import threadpool_limits

    rows = []
    # many small products: one BLAS thread each is faster, and the same on any machine
    with threadpool_limits(limits=1):
        for k in ks:
            s = stability(F, k, n_resamples=n_resamples, seed=seed)
            s0 = stability(null, k, n_resamples=n_resamples, seed=seed)
            rows.append({"k": k, "stability": s, "null": s0, "score": s - s0})
    table = pd.DataFrame(rows)
    best = table.loc[table["score"].round(9).idxmax(), "k"]
    return int(best), table


#: Bump when choose_k's method changes: it keys the cache of chosen k.
_K_VERSION = "3"


def choose_k_cached(
    F: np.ndarray,
    *,
    k_range: Sequence[int] | None = None,
    n_resamples: int = 8,
    seed: int = 0,
    keys: Sequence[str] | None = None,
) -> tuple[int, pd.DataFrame]:
    """:func:`choose_k`, computed once per corpus: cached by the features and parameters.

    Automatic k costs seconds (many k-means fits); the features are a
    deterministic function of the corpus, so the same corpus and parameters
    get the stored answer from ``data/interim/k`` (written atomically). A
    damaged entry is recomputed.

    Examples
    --------
    >>> F = np.repeat(np.eye(5), 8, axis=0) + 0.05 * np.random.default_rng(0).random((40, 5))
    >>> choose_k_cached(F, k_range=range(2, 9), n_resamples=5)[0]
    5
    """
    import hashlib
    import json

    from compare.atomic import write_atomic

    ks = None if k_range is None else [int(k) for k in k_range]
    h = hashlib.sha256(np.ascontiguousarray(np.round(F, 9)).tobytes())
    h.update(repr((F.shape, ks, int(n_resamples), int(seed), _K_VERSION)).encode())
    if keys is not None:
        h.update("\x00".join(map(str, keys)).encode("utf-8"))
    path = config.cache_dir("k") / f"{h.hexdigest()[:32]}.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return int(saved["k"]), pd.DataFrame(
            saved["table"], columns=["k", "stability", "null", "score"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    k, table = choose_k(F, k_range=ks, n_resamples=n_resamples, seed=seed, keys=keys)
    write_atomic(path, json.dumps({"k": k, "table": table.to_dict("records")}))
    return k, table
