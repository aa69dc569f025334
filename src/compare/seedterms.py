"""The seed-term coder: themes scored by the codebook's seed terms in each task.

The earlier coder, kept as the prior of themes without training examples and
for comparison in the benchmark (:func:`compare.themes.code_tasks` with
``method="seed"``): :func:`seed_scores` counts each theme's seed terms in a
task's title and body, :func:`theme_probabilities` turns the scores into
probabilities smoothed by the corpus's own TF-IDF vectors.

Examples
--------
>>> from compare.codebook import load_codebook
>>> cb = load_codebook()
>>> cb.code[seed_scores(["推进中医药传承创新发展"], ["推进中医药传承创新发展。"], cb).argmax()]
'E'
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.text import normalize

__all__ = ["seed_scores", "theme_probabilities"]

_ASCII = re.compile(r"^[A-Za-z0-9]+$")


def _body(title: str, text: str) -> str:
    return text[len(title) :] if title and text.startswith(title) else text


def _term_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """One regex finding the seed terms, longest term first at each position.

    Built as a trie (``中(?:医药?|药)``, deeper continuations tried first, a greedy
    optional group per node), which finds exactly what the flat alternation sorted
    longest-first finds (at a position only one child of a node can match the next
    character, so the first success is the longest term) but scans a text about 5×
    faster than trying hundreds of alternatives at every position. ASCII-only terms
    keep their boundaries: not preceded (a fixed-width look-behind at the terminal)
    nor followed by a Latin letter or a digit.
    """
    trie: dict = {}
    for term in set(terms):
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = term

    def build(node: dict) -> str:
        kids = sorted(k for k in node if k)
        alts = [re.escape(k) + build(node[k]) for k in kids]
        end = ""
        if "" in node:
            term = node[""]
            if _ASCII.match(term):
                end = f"(?<![A-Za-z0-9][\\s\\S]{{{len(term)}}})(?![A-Za-z0-9])"
            if not alts:
                return end
            body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
            # deeper first; else end here (with the boundary checks of an ASCII term)
            return f"(?:{body}|{end})" if end else f"(?:{body})?"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return re.compile(build(trie)) if trie else re.compile("(?!)")


def _term_pattern_flat(terms: Sequence[str]) -> re.Pattern[str]:
    """The flat alternation :func:`_term_pattern` replaces (kept to test they agree)."""
    parts = []
    for term in sorted(set(terms), key=lambda t: (-len(t), t)):
        esc = re.escape(term)
        parts.append(f"(?<![A-Za-z0-9]){esc}(?![A-Za-z0-9])" if _ASCII.match(term) else esc)
    return re.compile("|".join(parts))


def seed_scores(
    titles: Sequence[str],
    texts: Sequence[str],
    codebook: pd.DataFrame,
    *,
    title_weight: float = 3.0,
) -> np.ndarray:
    """Score every task against every theme by the seed terms it contains.

    A term found in the title adds ``title_weight``; found ``c`` times in the
    body it adds ``log(1 + c)``. Each term is weighted by ``1 / (themes listing
    it)`` and by its smoothed inverse document frequency across the tasks.
    Matching is on the NFKC text, longest term first, so ``中医药`` is not also
    counted as ``中医``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_tasks, n_themes)``, non-negative.

    Examples
    --------
    >>> from compare.codebook import load_codebook
    >>> cb = load_codebook()
    >>> s = seed_scores(["推进中医药传承创新发展"], ["推进中医药传承创新发展。"], cb)
    >>> cb.code[s.argmax()]
    'E'
    """
    themes = list(codebook["seed_terms"])
    owners: dict[str, list[int]] = {}
    for j, terms in enumerate(themes):
        for term in terms:
            owners.setdefault(term, []).append(j)
    if not owners:
        return np.zeros((len(titles), len(themes)))
    pattern = _term_pattern(list(owners))
    n = len(titles)
    title_hits: list[set[str]] = []
    body_hits: list[dict[str, int]] = []
    df: dict[str, int] = {}
    for title, text in zip(titles, texts, strict=True):
        t_norm, x_norm = normalize(title or ""), normalize(text or "")
        th = set(pattern.findall(t_norm))
        bh: dict[str, int] = {}
        for m in pattern.findall(_body(t_norm, x_norm)):
            bh[m] = bh.get(m, 0) + 1
        title_hits.append(th)
        body_hits.append(bh)
        for term in th | set(bh):
            df[term] = df.get(term, 0) + 1
    weight = {
        term: (math.log((n + 1) / (df.get(term, 0) + 1)) + 1.0) / len(js)
        for term, js in owners.items()
    }
    scores = np.zeros((n, len(themes)))
    for i in range(n):
        for term in title_hits[i] | set(body_hits[i]):
            value = weight[term] * (
                title_weight * (term in title_hits[i]) + math.log1p(body_hits[i].get(term, 0))
            )
            for j in owners[term]:
                scores[i, j] += value
    return scores


def _row_normalize(M: np.ndarray) -> np.ndarray:
    total = M.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    return M / total


def _softmax(M: np.ndarray, temperature: float) -> np.ndarray:
    Z = M / temperature
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def theme_probabilities(
    scores: np.ndarray,
    X,
    *,
    blend: float = 0.3,
    power: float = 2.0,
    temperature: float = 0.05,
) -> np.ndarray:
    """Turn seed scores into theme probabilities, smoothed by the corpus's own vectors.

    ``P_seed`` is the scores raised to ``power`` and normalized per task. Each
    theme's centroid is the ``P_seed``-weighted mean of the TF-IDF rows ``X``;
    ``P_vec`` is a softmax of each task's cosine similarity to the centroids.
    The result is ``(1 - blend) * P_seed + blend * P_vec``; a task without any
    seed term relies on ``P_vec`` alone.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> P = theme_probabilities(np.array([[2.0, 0.0], [0.0, 1.0]]), sp.eye(2, format="csr"))
    >>> P.argmax(axis=1).tolist()
    [0, 1]
    """
    from sklearn.preprocessing import normalize as l2

    seed = _row_normalize(np.power(scores, power))
    if X is None or X.shape[1] == 0 or blend <= 0 or not seed.any():
        out = seed
    else:
        centroids = l2(np.asarray(X.T @ seed).T)  # themes × terms
        sims = np.asarray(X @ centroids.T)
        vec = _softmax(sims, temperature)
        has_seed = seed.sum(axis=1, keepdims=True) > 0
        out = np.where(has_seed, (1 - blend) * seed + blend * vec, vec)
    zero = out.sum(axis=1) == 0
    if zero.any():
        out[zero] = 1.0 / out.shape[1]
    return out
