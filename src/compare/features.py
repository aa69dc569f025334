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


#: Tasks whose counts are built at once by :func:`term_counts`: the flat arrays of one
#: chunk's tokens (object, codes, rows, columns, weights: 40 bytes a token) stay small at
#: 10,000 plans (tens of millions of tokens) and the matrix is the same as in one batch.
COUNT_CHUNK: int = 20_000


def _term_counts(
    title_tokens: Sequence[Sequence[str]],
    text_tokens: Sequence[Sequence[str]],
    title_weight: int,
    chunk: int = COUNT_CHUNK,
):
    """Term counts (title tokens ``title_weight`` times, plus the text's), vocabulary sorted.

    The count matrix scikit-learn's ``CountVectorizer`` builds for these token
    lists (same columns, same int64 counts, sorted indices), made with array
    operations instead of a Python loop over every token: the sorted vocabulary
    first (one set of distinct tokens), then the rows ``chunk`` tasks at a time,
    each chunk's tokens coded by the vocabulary's position of its distinct tokens.

    Examples
    --------
    >>> C, v = _term_counts([["癌"], ["药"], []], [["筛查", "癌"], ["筛查"], ["药"]], 2, chunk=2)
    >>> C.toarray().tolist(), v.tolist()
    ([[3, 1, 0], [0, 1, 2], [0, 0, 1]], ['癌', '筛查', '药'])
    """
    import itertools

    import scipy.sparse as sp

    n = len(text_tokens)
    title_tokens = list(itertools.islice(title_tokens, n))
    if len(title_tokens) < n:
        raise ValueError(f"{len(title_tokens)} title token lists for {n} texts")
    distinct: set[str] = set()
    for tokens in itertools.chain(title_tokens, text_tokens):
        distinct.update(tokens)
    if not distinct:
        return sp.csr_matrix((n, 0), dtype=np.int64), np.array([], dtype=object)
    vocab = np.array(sorted(distinct), dtype=object)  # code-point order, as numpy sorts str
    column = {t: j for j, t in enumerate(vocab)}
    del distinct
    parts = []
    for a in range(0, n, max(1, chunk)):
        titles, texts = title_tokens[a : a + chunk], text_tokens[a : a + chunk]
        m = len(texts)
        lens_t = np.fromiter((len(t) for t in titles), dtype=np.int64, count=m)
        lens_b = np.fromiter((len(b) for b in texts), dtype=np.int64, count=m)
        n_t, n_b = int(lens_t.sum()), int(lens_b.sum())
        flat = np.fromiter(
            itertools.chain(itertools.chain.from_iterable(titles), *texts),
            dtype=object,
            count=n_t + n_b,
        )
        codes, uniques = pd.factorize(flat)
        del flat
        cols = np.fromiter((column[t] for t in uniques), dtype=np.int64, count=len(uniques))[codes]
        del codes
        rows = np.concatenate([np.repeat(np.arange(m), lens_t), np.repeat(np.arange(m), lens_b)])
        weight = np.ones(n_t + n_b, dtype=np.int64)
        weight[:n_t] = title_weight
        part = sp.csr_matrix((weight, (rows, cols)), shape=(m, len(vocab)), dtype=np.int64)
        del rows, cols, weight
        part.sum_duplicates()
        part.eliminate_zeros()  # a title weight of 0
        parts.append(part)
    counts = parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")
    return counts, vocab


def _empty_counts(n: int):
    import scipy.sparse as sp

    return sp.csr_matrix(np.ones((n, 1), dtype=np.int64)), np.array(["<empty>"], dtype=object)
