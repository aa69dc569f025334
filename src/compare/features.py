"""Task features: the tokens of each task and their TF-IDF matrix.

:func:`task_tokens` segments every task's title and text through the token
cache of :mod:`compare.text`; :func:`tfidf_matrix` weighs them (title tokens
counted extra, sublinear tf, terms of one district only dropped). Clusters,
alignment and the seed-term coder all read these.

Examples
--------
>>> X, vocab = tfidf_matrix([["癌"], ["药"]], [["癌", "筛查"], ["药", "筛查"]])
>>> X.shape
(2, 3)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.text import Dictionary, tokenize_many

__all__ = ["shared_terms", "task_tokens", "term_counts", "tfidf_matrix"]


def task_tokens(
    tasks: pd.DataFrame,
    dictionary: Dictionary | None = None,
    *,
    cache: bool = True,
    extra: Sequence[str] = (),
) -> tuple[list[list[str]], list[list[str]]]:
    """Content tokens of each task's title and of its full text.

    ``extra`` texts are segmented in the same call, into the token cache, and
    not returned (the coder's training texts: one batch, one jieba start-up).

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["推进医养结合"], "text": ["推进医养结合。发展安宁疗护。"]})
    >>> task_tokens(t, cache=False)
    ([['医养结合']], [['医养结合', '安宁疗护']])
    """
    n = len(tasks)
    both = tokenize_many(
        list(tasks["title"].fillna("")) + list(tasks["text"].fillna("")) + list(extra),
        dictionary,
        cache=cache,
    )
    return both[:n], both[n : 2 * n]


def tfidf_matrix(
    title_tokens: Sequence[list[str]],
    text_tokens: Sequence[list[str]],
    *,
    title_weight: int = 2,
    groups: Sequence[object] | None = None,
    min_groups: int = 2,
):
    """TF-IDF of the tasks (sublinear tf, l2 rows), title tokens counted extra times.

    Parameters
    ----------
    title_tokens, text_tokens : sequences of token lists
        From :func:`task_tokens` (the text already contains the title once).
    title_weight : int
        Extra times the title tokens are counted.
    groups : sequence, optional
        A group per task (e.g. its district). When there are at least
        ``min_groups`` groups, only terms used in that many groups are kept:
        place and institution names, which tie tasks to one plan rather than
        to a theme, drop out.
    min_groups : int

    Returns
    -------
    (scipy.sparse.csr_matrix, numpy.ndarray)
        The matrix and its vocabulary. The analyzer is the identity on token
        lists, so one-character words are kept (a ``token_pattern`` would drop
        them).

    Examples
    --------
    >>> X, vocab = tfidf_matrix([["癌"], ["药"]], [["癌", "筛查"], ["药", "筛查"]])
    >>> sorted(vocab)
    ['癌', '筛查', '药']
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    counts, vocab = _term_counts(title_tokens, text_tokens, title_weight)
    counts, vocab = shared_terms(counts, vocab, groups, min_groups)
    if counts.shape[1] == 0:
        counts, vocab = _empty_counts(counts.shape[0])
    counts.sort_indices()
    X = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return X.tocsr(), vocab


def shared_terms(counts, vocab: np.ndarray, groups: Sequence[object] | None, min_groups: int = 2):
    """Keep the columns of terms used in at least ``min_groups`` groups (if there are that many).

    Examples
    --------
    >>> C, v = term_counts([["癌"], ["药"]], [["筛查"], ["筛查"]])
    >>> shared_terms(C, v, ["A", "B"])[1].tolist()
    ['筛查']
    """
    if groups is None:
        return counts, vocab
    keys = pd.Series(["" if pd.isna(g) else str(g) for g in groups], dtype=object)
    if keys.nunique() < min_groups:
        return counts, vocab
    # groups in which each term occurs: distinct (term, group) pairs, counted per term
    group_of = pd.factorize(keys, sort=True)[0]
    width = int(group_of.max()) + 1
    coo = counts.tocoo()
    pairs = pd.unique(coo.col.astype(np.int64) * width + group_of[coo.row])
    n_groups = np.bincount(pairs // width, minlength=len(vocab))
    keep = np.flatnonzero(n_groups >= min_groups)
    return counts[:, keep], vocab[keep]


def term_counts(
    title_tokens: Sequence[Sequence[str]],
    text_tokens: Sequence[Sequence[str]],
    title_weight: int = 1,
):
    """Term counts of each task (title tokens ``title_weight`` times, plus the text's).

    Returns
    -------
    (scipy.sparse.csr_matrix, numpy.ndarray)
        int64 counts with sorted indices, and the vocabulary in sorted order:
        the matrix scikit-learn's ``CountVectorizer`` builds for these token lists.

    Examples
    --------
    >>> C, vocab = term_counts([["癌"]], [["癌", "筛查"]], title_weight=2)
    >>> C.toarray().tolist(), vocab.tolist()
    ([[3, 1]], ['癌', '筛查'])
    """
    return _term_counts(title_tokens, text_tokens, title_weight)


def _term_counts(
    title_tokens: Sequence[Sequence[str]], text_tokens: Sequence[Sequence[str]], title_weight: int
):
    """Term counts (title tokens ``title_weight`` times, plus the text's), vocabulary sorted.

    The count matrix scikit-learn's ``CountVectorizer`` builds for these token
    lists (same columns, same int64 counts, sorted indices), made with array
    operations instead of a Python loop over every token.
    """
    import itertools

    import scipy.sparse as sp

    n = len(text_tokens)
    lens_t = np.fromiter((len(t) for t in title_tokens), dtype=np.int64, count=n)
    lens_b = np.fromiter((len(b) for b in text_tokens), dtype=np.int64, count=n)
    flat = np.fromiter(
        itertools.chain(itertools.chain.from_iterable(title_tokens), *text_tokens),
        dtype=object,
        count=int(lens_t.sum() + lens_b.sum()),
    )
    if not len(flat):
        return sp.csr_matrix((n, 0), dtype=np.int64), np.array([], dtype=object)
    codes, uniques = pd.factorize(flat)
    order = np.argsort(uniques.astype(str), kind="stable")  # vocabulary in sorted order
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    cols = rank[codes]
    rows = np.concatenate([np.repeat(np.arange(n), lens_t), np.repeat(np.arange(n), lens_b)])
    weight = np.concatenate(
        [
            np.full(int(lens_t.sum()), title_weight, dtype=np.int64),
            np.ones(int(lens_b.sum()), dtype=np.int64),
        ]
    )
    counts = sp.csr_matrix((weight, (rows, cols)), shape=(n, len(uniques)), dtype=np.int64)
    counts.sum_duplicates()
    counts.eliminate_zeros()  # a title weight of 0
    return counts, np.asarray(uniques.astype(str))[order].astype(object)


def _empty_counts(n: int):
    import scipy.sparse as sp

    return sp.csr_matrix(np.ones((n, 1), dtype=np.int64)), np.array(["<empty>"], dtype=object)
