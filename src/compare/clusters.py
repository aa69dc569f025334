"""Clusters of tasks: data-driven themes that assume no categories.

KMeans on the task vectors: the TF-IDF of the tokens (title tokens counted
``title_weight`` times, sublinear tf) reduced by a deterministic truncated SVD.
By default purely textual (``guide=0``); ``guide > 0`` adds each task's codebook
profile (the *guided* variant, labelled as such wherever shown). The number of
clusters is chosen by stability: for each candidate k, KMeans is fitted on
resamples of 80 % of the tasks with different seeds, and the mean pairwise ARI
of their labelings is compared with the same figure on a copy of the data whose
columns were permuted (no structure); the k with the largest excess stability
wins, cached per corpus. Silhouette is not used: on these texts it keeps rising
with k. Memory is O(n·(d+k)): no n×n matrix. Each cluster is labelled by its top
class-based TF-IDF (c-TF-IDF) terms and the titles of its most central tasks;
:func:`cluster_agreement` sets clusters against the codebook coding (ARI, NMI,
clusters spread over several themes).

Clustering runs on the tasks sorted by :func:`compare.themes.content_order`
and returns rows in the caller's order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare.codebook import load_codebook
from compare.features import shared_terms, task_tokens, term_counts, tfidf_matrix
from compare.seedterms import seed_scores, theme_probabilities
from compare.stability import choose_k, choose_k_cached, stability
from compare.text import Dictionary
from compare.themes import content_order

__all__ = [
    "Agreement",
    "Clustering",
    "ClusteringWarning",
    "choose_k",
    "choose_k_cached",
    "cluster_agreement",
    "cluster_features",
    "cluster_tasks",
    "ctfidf_terms",
    "stability",
]


class ClusteringWarning(UserWarning):
    """Library warnings of one clustering, summarised (e.g. 864 ConvergenceWarnings as one)."""


@contextlib.contextmanager
def _summarised_warnings(what: str) -> Iterator[None]:
    """Record scikit-learn's warnings in the block and re-issue them as one line.

    Many tiny KMeans fits (automatic k on thousands of short plans) each warn
    that fewer distinct points than clusters were found; one line saying how
    many, and the first message, replaces the flood.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    library = [w for w in caught if type(w.message).__module__.startswith("sklearn")]
    for w in caught:
        if w not in library:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if library:
        kinds = sorted({w.category.__name__ for w in library})
        first = " ".join(str(library[0].message).split())[:160]
        warnings.warn(
            f"{what}: scikit-learn warned {len(library)} time(s) ({', '.join(kinds)}), "
            f"e.g. {first!r} (usually many near-identical short tasks)",
            ClusteringWarning,
            stacklevel=3,
        )


#: Up to this many matrix cells (tasks × terms) the LSA is an exact dense SVD;
#: above, a seeded randomized SVD (seconds instead of minutes at 5,000 tasks).
DENSE_SVD_CELLS = 2_000_000


def _lsa(X, n_components: int, seed: int) -> np.ndarray:
    """Unit rows of the truncated SVD of ``X``, the same for the same ``X`` every time.

    ARPACK (scikit-learn's ``TruncatedSVD``) is not: where singular values tie
    (plans repeat wordings) or the rank is below the components asked for, its
    vectors rotated from one call to the next, and the same tasks fell into other
    clusters. A dense LAPACK SVD (small corpora) or a seeded randomized SVD
    (large ones), on one BLAS thread, with signs fixed and null directions
    dropped, is deterministic.
    """
    from sklearn.preprocessing import normalize as l2
    from sklearn.utils.extmath import randomized_svd, svd_flip
    from threadpoolctl import threadpool_limits

    n, d = X.shape
    dims = min(n_components, n - 1, d - 1)
    if dims < 1:
        return l2(X.toarray() if hasattr(X, "toarray") else np.asarray(X))
    with threadpool_limits(limits=1):
        if n * d <= DENSE_SVD_CELLS:
            A = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
            U, S, Vt = np.linalg.svd(A, full_matrices=False)
        else:
            U, S, Vt = randomized_svd(X, dims, n_iter=7, random_state=seed)
        U, Vt = svd_flip(U, Vt)
    U, S = U[:, :dims], S[:dims]
    floor = (S[0] if len(S) else 0.0) * 1e-9
    keep = floor < S
    return l2(U[:, keep] * S[keep])


def cluster_features(
    X,
    probabilities: np.ndarray | None = None,
    *,
    guide: float = 0.5,
    n_components: int = 40,
    seed: int = 0,
) -> np.ndarray:
    """Task vectors for clustering: LSA of the TF-IDF, plus the codebook profile.

    Both blocks have unit rows; they are scaled by ``sqrt(1 - guide)`` and
    ``sqrt(guide)`` so that ``guide`` is the codebook's share of the squared
    distance. ``guide=0`` (or no probabilities) gives purely textual vectors.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> cluster_features(sp.eye(3, format="csr"), guide=0).shape[0]
    3
    """
    from sklearn.preprocessing import normalize as l2

    text = _lsa(X, n_components, seed)
    if probabilities is None or guide <= 0:
        return text
    prof = l2(np.asarray(probabilities, dtype=float))
    return np.hstack([math.sqrt(guide) * prof, math.sqrt(1 - guide) * text])


#: Above this many tasks the final KMeans keeps the best of 3 starts instead of 10.
FEW_STARTS_ABOVE = 3000


def _kmeans(F: np.ndarray, k: int, seed: int, n_init: int | None = None) -> np.ndarray:
    """Final KMeans labels (scikit-learn, one thread: the same labels on any machine)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    if n_init is None:
        n_init = 10 if len(F) <= FEW_STARTS_ABOVE else 3
    with threadpool_limits(limits=1):
        return KMeans(k, n_init=n_init, random_state=seed).fit_predict(F)


def ctfidf_terms(
    tokens: Sequence[list[str]], labels: Sequence[int], *, top: int = 5
) -> dict[int, list[str]]:
    """Top class-based TF-IDF terms of each cluster.

    A cluster's tokens form one document; a term's weight is its frequency in
    the cluster (normalized by the cluster's length) times
    ``log(1 + mean cluster length / its total frequency)``.

    Examples
    --------
    >>> ctfidf_terms([["中医", "中药"], ["中医"], ["疫苗"]], [0, 0, 1], top=1)
    {0: ['中医'], 1: ['疫苗']}
    """
    clusters = sorted(set(int(c) for c in labels))
    counts: dict[int, dict[str, int]] = {c: {} for c in clusters}
    for toks, c in zip(tokens, labels, strict=True):
        bucket = counts[int(c)]
        for tok in toks:
            bucket[tok] = bucket.get(tok, 0) + 1
    total: dict[str, int] = {}
    for bucket in counts.values():
        for tok, v in bucket.items():
            total[tok] = total.get(tok, 0) + v
    mean_len = sum(total.values()) / max(1, len(clusters))
    out = {}
    for c in clusters:
        size = sum(counts[c].values()) or 1
        ranked = sorted(
            counts[c].items(),
            key=lambda kv: (-(kv[1] / size) * math.log(1 + mean_len / total[kv[0]]), kv[0]),
        )
        out[c] = [tok for tok, _ in ranked[:top]]
    return out


def _ctfidf_top(counts, vocab: np.ndarray, labels: np.ndarray, top: int) -> dict[int, list[str]]:
    """:func:`ctfidf_terms` from a task × term count matrix (vocabulary sorted)."""
    import scipy.sparse as sp

    clusters = np.unique(labels)
    member = sp.csr_matrix(
        (np.ones(len(labels)), (np.searchsorted(clusters, labels), np.arange(len(labels)))),
        shape=(len(clusters), len(labels)),
    )
    M = np.asarray((member @ counts).todense())
    total = M.sum(axis=0)
    mean_len = total.sum() / max(1, len(clusters))
    out = {}
    for i, c in enumerate(clusters):
        present = np.flatnonzero(M[i])
        size = M[i].sum() or 1
        weight = (M[i, present] / size) * np.log(1 + mean_len / total[present])
        best = present[np.lexsort((present, -weight))[:top]]  # ties: the term first in order
        out[int(c)] = [str(t) for t in vocab[best]]
    return out


@dataclass
class Clustering:
    """Result of :func:`cluster_tasks`.

    Attributes
    ----------
    labels : numpy.ndarray
        Cluster number per task (0 = the largest cluster).
    k : int
        Number of clusters.
    k_table : pandas.DataFrame
        The automatic-k table (empty when k was given).
    summary : pandas.DataFrame
        One row per cluster: ``cluster, size, label, top_terms, examples``.
    features : numpy.ndarray
        The vectors that were clustered.
    """

    labels: np.ndarray
    k: int
    k_table: pd.DataFrame
    summary: pd.DataFrame
    features: np.ndarray = field(repr=False)


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    ids, first = np.unique(labels, return_index=True)
    sizes = {i: int((labels == i).sum()) for i in ids}
    order = sorted(ids, key=lambda i: (-sizes[i], first[list(ids).index(i)]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping[x] for x in labels], dtype=int)


def cluster_tasks(
    tasks: pd.DataFrame,
    *,
    k: int | None = None,
    seed: int = 0,
    guide: float = 0.0,
    codebook: pd.DataFrame | None = None,
    probabilities: np.ndarray | None = None,
    title_weight: int = 2,
    k_range: Sequence[int] | None = None,
    n_resamples: int = 8,
    dictionary: Dictionary | None = None,
    tokens: tuple[list[list[str]], list[list[str]]] | None = None,
    X=None,
) -> Clustering:
    """Cluster the tasks by theme (KMeans; automatic k unless ``k`` is given).

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``title``, ``text`` and, optionally, ``district`` (see :func:`tfidf_matrix`).
    k : int, optional
        Number of clusters; default chosen by :func:`choose_k`.
    seed : int
        Every random step derives from it: the same seed gives the same clusters.
    guide : float
        Weight of the codebook profile in the vectors. Default 0: purely
        textual clusters that assume no categories. ``guide > 0`` gives the
        *guided* variant (built partly from the codebook coding).
    codebook, probabilities :
        The codebook profile: ``probabilities`` (tasks × themes, e.g. from
        :func:`code_tasks`) or computed from ``codebook`` (default: shipped).
    title_weight, k_range, n_resamples :
        See :func:`tfidf_matrix` and :func:`choose_k`.
    tokens : (title_tokens, text_tokens), optional
        Precomputed :func:`task_tokens`.
    X : sparse matrix, optional
        Precomputed :func:`tfidf_matrix` of these tokens (with ``title_weight``
        and the tasks' districts as groups).

    Returns
    -------
    Clustering

    Examples
    --------
    >>> from compare.corpus import load_corpus          # doctest: +SKIP
    >>> cl = cluster_tasks(load_corpus("data/raw").tasks)  # doctest: +SKIP
    >>> cl.summary[["size", "label"]].head(2)          # doctest: +SKIP
    """
    n = len(tasks)
    order = content_order(tasks)
    if n and not np.array_equal(
        order, np.arange(len(order))
    ):  # cluster in content order, return in the caller's
        inverse = np.argsort(order)
        ordered = cluster_tasks(
            tasks.iloc[order].reset_index(drop=True),
            k=k,
            seed=seed,
            guide=guide,
            codebook=codebook,
            probabilities=None if probabilities is None else np.asarray(probabilities)[order],
            title_weight=title_weight,
            k_range=k_range,
            n_resamples=n_resamples,
            dictionary=dictionary,
            tokens=None
            if tokens is None
            else ([tokens[0][i] for i in order], [tokens[1][i] for i in order]),
            X=None if X is None else X[order],
        )
        return dataclasses.replace(
            ordered, labels=ordered.labels[inverse], features=ordered.features[inverse]
        )
    if n == 0:
        empty = pd.DataFrame(columns=["cluster", "size", "label", "top_terms", "examples"])
        return Clustering(np.zeros(0, dtype=int), 0, pd.DataFrame(), empty, np.zeros((0, 0)))
    title_tok, text_tok = tokens if tokens is not None else task_tokens(tasks, dictionary)
    groups = tasks["district"] if "district" in tasks.columns else None
    if X is None:
        X, _ = tfidf_matrix(title_tok, text_tok, title_weight=title_weight, groups=groups)
    if probabilities is None and guide > 0:
        cb = codebook if codebook is not None else load_codebook()
        scores = seed_scores(list(tasks["title"].fillna("")), list(tasks["text"].fillna("")), cb)
        probabilities = theme_probabilities(scores, X)
    F = cluster_features(X, probabilities, guide=guide, seed=seed)
    k_table = pd.DataFrame()
    with _summarised_warnings(f"clustering {n} tasks"):
        if k is None:
            keys = list(tasks["task_id"].astype(str)) if "task_id" in tasks.columns else None
            k, k_table = choose_k_cached(
                F, k_range=k_range, n_resamples=n_resamples, seed=seed, keys=keys
            )
        k = max(1, min(int(k), n))
        labels = np.zeros(n, dtype=int) if k == 1 else _kmeans(F, k, seed)
    labels = _relabel_by_size(labels)
    summary = _summarize(labels, F, list(tasks["title"].fillna("")), title_tok, text_tok, groups)
    return Clustering(labels, int(labels.max()) + 1, k_table, summary, F)


def _summarize(labels, F, titles, title_tok, text_tok, groups) -> pd.DataFrame:
    # label terms use the same cross-group filter as the vectors (no place names)
    counts, vocab = shared_terms(*term_counts(title_tok, text_tok), groups)
    terms = _ctfidf_top(counts, vocab, labels, top=5)
    rows = []
    for c in range(int(labels.max()) + 1):
        idx = np.flatnonzero(labels == c)
        centre = F[idx].mean(axis=0)
        dist = ((F[idx] - centre) ** 2).sum(axis=1)
        # rounded: ties (equal vectors) go to content order, not to floating-point noise
        central = idx[np.argsort(dist.round(9), kind="stable")[:3]]
        rows.append(
            {
                "cluster": c,
                "size": len(idx),
                "label": " · ".join(terms[c][:3]),
                "top_terms": terms[c],
                "examples": [titles[i] for i in central],
            }
        )
    return pd.DataFrame(rows)


@dataclass
class Agreement:
    """How clusters and codebook themes agree (:func:`cluster_agreement`).

    Attributes
    ----------
    table : pandas.DataFrame
        Cluster × theme task counts (rows: clusters, columns: theme codes).
    ari, nmi : float
        Adjusted Rand index and normalized mutual information of the two partitions.
    spread : pandas.DataFrame
        One row per cluster: ``cluster, size, main_theme, main_share, n_themes,
        flagged``; ``flagged`` marks a cluster that spreads over several themes,
        a candidate for a new code or for splitting one.
    """

    table: pd.DataFrame
    ari: float
    nmi: float
    spread: pd.DataFrame


def cluster_agreement(
    clusters: Sequence[int],
    themes: Sequence[str],
    *,
    min_size: int = 4,
    max_share: float = 0.5,
) -> Agreement:
    """Cross-tabulate clusters and themes; flag clusters that spread over several themes.

    A cluster of at least ``min_size`` tasks is flagged when its most frequent
    theme holds less than ``max_share`` of its tasks and at least two themes
    hold two tasks or more: the text groups these tasks together although
    the codebook splits them.

    Examples
    --------
    >>> a = cluster_agreement([0, 0, 0, 0, 1, 1], ["A", "A", "B", "B", "C", "C"], max_share=0.6)
    >>> a.spread["flagged"].tolist()
    [True, False]
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    c = np.asarray(clusters)
    t = np.asarray(themes, dtype=object).astype(str)
    table = pd.crosstab(pd.Series(c, name="cluster"), pd.Series(t, name="theme"))
    rows = []
    for cluster, counts in table.iterrows():
        size = int(counts.sum())
        ranked = counts.sort_values(ascending=False, kind="stable")
        share = float(ranked.iloc[0] / size) if size else 0.0
        rows.append(
            {
                "cluster": int(cluster),
                "size": size,
                "main_theme": str(ranked.index[0]),
                "main_share": share,
                "n_themes": int((counts > 0).sum()),
                "flagged": bool(
                    size >= min_size and share < max_share and (counts >= 2).sum() >= 2
                ),
            }
        )
    spread = pd.DataFrame(
        rows, columns=["cluster", "size", "main_theme", "main_share", "n_themes", "flagged"]
    )
    n = len(c)
    ari = float(adjusted_rand_score(t, c)) if n else float("nan")
    nmi = float(normalized_mutual_info_score(t, c)) if n else float("nan")
    return Agreement(table, ari, nmi, spread)
