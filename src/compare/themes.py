"""Themes of the tasks: data-driven clusters and coding against a named codebook.

Two views of what a plan spends its attention on:

* **Codebook coding** (:func:`code_tasks`): every task gets a primary theme code
  from the codebook (``resources/themes.tsv`` by default), a calibrated
  confidence and a runner-up, from the supervised coder of :mod:`compare.coder`
  (trained on labelled tasks, the codebook notes and the seed terms). A task
  below the confidence threshold is coded ``?`` (未定, unclear). The earlier
  seed-term coder (:func:`seed_scores` blended with centroid similarity,
  ``method="seed"``) stays for comparison and as the prior of themes without
  examples. Nothing is keyed to a particular task or file; a researcher's
  labels file (``task_id,code``) corrects single tasks, wins, and trains the model.
* **Clusters** (:func:`compare.clusters.cluster_tasks`): KMeans on the task vectors: the TF-IDF
  of the tokens (title tokens counted ``title_weight`` times, sublinear tf,
  reduced by truncated SVD). By default they are purely textual (``guide=0``);
  ``guide > 0`` adds the codebook profile of each task (the *guided* variant).
  The
  number of clusters is chosen automatically by stability: for each candidate
  k, KMeans is fitted on resamples of 80 % of the tasks with different seeds,
  and the mean pairwise ARI of their labelings is compared with the same
  figure on a copy of the data whose columns were permuted (no structure);
  the k with the largest excess stability wins. Silhouette is not used: on
  these texts it keeps rising with k. Memory is O(n·(d+k)): no n×n matrix.
  :func:`cluster_agreement` sets clusters against the codes (ARI, NMI, and
  clusters spread over several themes).

Each cluster is labelled by its top class-based TF-IDF (c-TF-IDF) terms and by
the titles of its most central tasks.

Both run on the tasks sorted by :func:`content_order` (their content-derived
``task_id``), and return rows in the caller's order: the same plans under any
file names, in any order, give the same codes, clusters and labels.

Examples
--------
>>> from compare.corpus import load_corpus
>>> tasks = load_corpus("data/raw").tasks                      # doctest: +SKIP
>>> table = theme_table(tasks)                                 # doctest: +SKIP
>>> table[["title", "cluster_label", "theme"]].head(3)         # doctest: +SKIP
"""

from __future__ import annotations

import csv
import math
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from compare import config
from compare.exceptions import CodebookError, CompareError
from compare.text import Dictionary, normalize, tokenize, tokenize_many

#: Columns a codebook must have (``scope`` is optional and kept when present).
CODEBOOK_COLUMNS: tuple[str, ...] = ("code", "theme")
#: Columns :func:`code_tasks` adds per task (after ``task_id``).
CODED_COLUMNS: tuple[str, ...] = (
    "theme",
    "theme_name",
    "confidence",
    "theme_2",
    "theme_2_name",
    "confidence_2",
    "overridden",
)
#: Optional; without it, seed terms are derived from the Chinese theme names.
SEED_COLUMN = "seed_terms"


class CodebookWarning(UserWarning):
    """A codebook was accepted with a weaker fallback (e.g. no seed terms)."""


def terms_from_name(theme: str) -> tuple[str, ...]:
    """Seed terms derived from a Chinese theme name, for codebooks without ``seed_terms``.

    The name is split at 与/和/及/、/，; each part and its words (segmented with
    the project dictionary, stop words removed) become seed terms.

    Examples
    --------
    >>> terms_from_name("医联体与分级诊疗")
    ('医联体', '分级诊疗')
    """
    parts = [p for p in re.split(r"[与和及、，,/]", normalize(theme or "")) if p]
    words: list[str] = []
    for part in parts:
        words += [w for w in tokenize(part) if len(w) > 1]
    seen: dict[str, None] = {}
    for term in parts + words:
        seen.setdefault(term, None)
    return tuple(seen)


#: Columns of :func:`theme_table`, in order (the ``compare themes`` output).
OUTPUT_COLUMNS: tuple[str, ...] = (
    "source_file",
    "doc_id",
    "task_id",
    "section",
    "number",
    "title",
    "cluster",
    "cluster_label",
    "theme",
    "theme_name",
    "confidence",
    "theme_2",
)

_TERM_SPLIT = re.compile(r"[、,，;；|/\s]+")
_ASCII = re.compile(r"^[A-Za-z0-9]+$")


# ------------------------------------------------------------------ codebook


def _read_table(path: Path) -> pd.DataFrame:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook file not found") from None
    except UnicodeDecodeError:
        raise CodebookError(f"{path}: codebook is not UTF-8 text") from None
    first = raw.splitlines()[0] if raw.strip() else ""
    sep = "\t" if "\t" in first else ","
    rows = list(csv.reader(raw.splitlines(), delimiter=sep))
    if not rows:
        raise CodebookError(f"{path}: codebook is empty")
    header = [h.strip() for h in rows[0]]
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:] if any(c.strip() for c in r)]
    return pd.DataFrame([r[: len(header)] for r in body], columns=header, dtype=str)


def split_terms(cell: str) -> tuple[str, ...]:
    """Split a ``seed_terms`` cell on 、 , ; | / or white space; drop duplicates.

    Examples
    --------
    >>> split_terms("中医、中医药; 治未病 | 中医")
    ('中医', '中医药', '治未病')
    """
    seen: dict[str, None] = {}
    for term in _TERM_SPLIT.split(normalize(cell or "")):
        if term:
            seen.setdefault(term, None)
    return tuple(seen)


def load_codebook(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a codebook (tab- or comma-separated, UTF-8).

    Parameters
    ----------
    path : str or Path, optional
        Default: the shipped :data:`compare.config.CODEBOOK_FILE`. Required
        columns: ``code`` and ``theme`` (the shared codebook's format, with
        ``scope``); ``seed_terms`` (terms separated by 、 or ``;``) is
        optional: without it, seed terms come from the theme names
        (:func:`terms_from_name`), which codes less accurately (a
        :class:`CodebookWarning` says so). Further columns are kept.

    Returns
    -------
    pandas.DataFrame
        One row per theme, in file order; ``seed_terms`` holds tuples of str.

    Raises
    ------
    CodebookError
        Naming the file and the problem: a missing column, an empty or
        duplicate code, a theme without seed terms.

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.loc[cb.code == "E", "theme"].item()
    '中医药'
    >>> "治未病" in cb.set_index("code").loc["E", "seed_terms"]
    True
    """
    path = Path(path) if path is not None else config.CODEBOOK_FILE
    frame = _read_table(path)
    missing = [c for c in CODEBOOK_COLUMNS if c not in frame.columns]
    if missing:
        raise CodebookError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (a codebook needs {', '.join(CODEBOOK_COLUMNS)}; "
            f"found {', '.join(frame.columns) or 'none'})"
        )
    if frame.empty:
        raise CodebookError(f"{path}: codebook has no themes")
    frame = frame.copy()
    for col in frame.columns:
        frame[col] = frame[col].fillna("").str.strip()
    if (frame["code"] == "").any():
        raise CodebookError(f"{path}: a row has an empty code")
    if (frame["code"] == "?").any():
        raise CodebookError(f"{path}: the code ? is reserved for tasks coded 未定 (unclear)")
    dup = frame["code"][frame["code"].duplicated()].unique().tolist()
    if dup:
        raise CodebookError(f"{path}: duplicate code(s) {', '.join(dup)}")
    if SEED_COLUMN in frame.columns:
        frame[SEED_COLUMN] = frame[SEED_COLUMN].map(split_terms)
    else:
        # Themes that match the shipped codebook (same code and name) take its
        # seed terms; any other theme gets terms derived from its name.
        shipped: dict[tuple[str, str], tuple[str, ...]] = {}
        if path.resolve() != config.CODEBOOK_FILE.resolve() and config.CODEBOOK_FILE.exists():
            ref = load_codebook(config.CODEBOOK_FILE)
            shipped = {
                (c, t): s
                for c, t, s in zip(ref["code"], ref["theme"], ref[SEED_COLUMN], strict=True)
            }
        keys = list(zip(frame["code"], frame["theme"], strict=True))
        derived = [k for k in keys if k not in shipped]
        if derived:
            warnings.warn(
                f"{path}: no seed_terms column; seed terms for {len(derived)} theme(s) are derived "
                "from their names, which codes less accurately (add a seed_terms column)",
                CodebookWarning,
                stacklevel=2,
            )
        frame[SEED_COLUMN] = [shipped.get(k) or terms_from_name(k[1]) for k in keys]
    empty = frame.loc[frame["seed_terms"].map(len) == 0, "code"].tolist()
    if empty:
        raise CodebookError(f"{path}: no seed terms for code(s) {', '.join(empty)}")
    if "scope" not in frame.columns:
        frame["scope"] = ""
    return frame.reset_index(drop=True)


def read_overrides(path: str | Path, codebook: pd.DataFrame) -> pd.DataFrame:
    """Read a researcher's labels file as overrides: CSV with columns ``task_id,code``.

    The same file is also a set of training examples
    (:func:`compare.coder.read_labels`, ``code_tasks(labels=...)``).

    Parameters
    ----------
    path : str or Path
        One row per corrected task; other columns (e.g. a note) are ignored.
    codebook : pandas.DataFrame
        From :func:`load_codebook`; every code must be one of its codes.

    Returns
    -------
    pandas.DataFrame
        Columns ``task_id``, ``code``; the last row wins for a repeated task.

    Raises
    ------
    CompareError
        Naming the file: missing columns, or an unknown code (valid codes listed).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "o.csv")
    >>> _ = open(f, "w", encoding="utf-8").write("task_id,code\\nabc-t001,E\\n")
    >>> read_overrides(f, load_codebook()).to_dict("records")
    [{'task_id': 'abc-t001', 'code': 'E'}]
    """
    from compare.coder import read_labels

    return read_labels(path, list(codebook["code"]))[["task_id", "code"]]


# ------------------------------------------------------------------ features


def _body(title: str, text: str) -> str:
    return text[len(title) :] if title and text.startswith(title) else text


def task_tokens(
    tasks: pd.DataFrame, dictionary: Dictionary | None = None, *, cache: bool = True
) -> tuple[list[list[str]], list[list[str]]]:
    """Content tokens of each task's title and of its full text.

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["推进医养结合"], "text": ["推进医养结合。发展安宁疗护。"]})
    >>> task_tokens(t, cache=False)
    ([['医养结合']], [['医养结合', '安宁疗护']])
    """
    n = len(tasks)
    both = tokenize_many(
        list(tasks["title"].fillna("")) + list(tasks["text"].fillna("")), dictionary, cache=cache
    )
    return both[:n], both[n:]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


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
    if groups is not None:
        keys = pd.Series(["" if pd.isna(g) else str(g) for g in groups], dtype=object)
        if keys.nunique() >= min_groups:
            # groups in which each term occurs: distinct (term, group) pairs, counted per term
            group_of = pd.factorize(keys, sort=True)[0]
            coo = counts.tocoo()
            pairs = np.unique(coo.col.astype(np.int64) * (group_of.max() + 1) + group_of[coo.row])
            n_groups = np.bincount(pairs // (group_of.max() + 1), minlength=len(vocab))
            keep = np.flatnonzero(n_groups >= min_groups)
            counts, vocab = counts[:, keep], vocab[keep]
    if counts.shape[1] == 0:
        counts, vocab = _empty_counts(counts.shape[0])
    counts.sort_indices()
    X = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return X.tocsr(), vocab


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
        return _empty_counts(n)
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


def content_order(tasks: pd.DataFrame) -> np.ndarray:
    """Row positions that sort the tasks by their content-derived id.

    ``task_id`` is the plan's content hash plus the task's number, so this
    order is the same whatever the files are called and however the rows
    came in; title and text break ties (and stand in without ``task_id``).
    Coding, clustering and resampling run in this order, so renaming or
    reordering the plan files never changes a result.

    Examples
    --------
    >>> content_order(pd.DataFrame({"task_id": ["b-t001", "a-t002", "a-t001"]})).tolist()
    [2, 1, 0]
    """
    keys = {
        col: tasks[col].fillna("").astype(str).to_numpy()
        for col in ("task_id", "title", "text")
        if col in tasks.columns
    }
    if not keys:
        return np.arange(len(tasks))
    frame = pd.DataFrame(keys)
    return frame.sort_values(list(keys), kind="stable").index.to_numpy()


def _is_identity(order: np.ndarray) -> bool:
    return bool(np.array_equal(order, np.arange(len(order))))


def code_tasks(
    tasks: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    *,
    labels: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
    method: str = "model",
    threshold: float | None = None,
    X=None,
    blend: float = 0.3,
    dictionary: Dictionary | None = None,
    tokens: tuple[list[list[str]], list[list[str]]] | None = None,
) -> pd.DataFrame:
    """Code every task with a primary theme, a confidence and a runner-up.

    Parameters
    ----------
    tasks : pandas.DataFrame
        At least ``task_id``, ``title``, ``text`` (the corpus ``tasks`` table).
    codebook : pandas.DataFrame, optional
        From :func:`load_codebook`; default the shipped codebook.
    labels, overrides : pandas.DataFrame, optional
        The researcher's labels (:func:`compare.coder.read_labels`, or the
        ``task_id, code`` of :func:`read_overrides`; both names mean the same
        and are merged). A label sets its task's theme (confidence 1.0,
        ``overridden`` True; the model's best other code becomes ``theme_2``)
        and, with ``method="model"``, is a training example. Labels for task
        ids not in ``tasks`` still train the model when they carry text.
    method : {"model", "seed"}
        ``"model"`` (default): the supervised coder of :mod:`compare.coder`.
        Themes with neither labelled tasks nor notes (a user's own theme)
        have only their seed terms; the seed-term coding is then blended in
        with a weight equal to their share of the codebook (``attrs["seed_prior"]``).
        ``"seed"``: the earlier seed-term coder (seed terms blended with
        centroid similarity), kept for comparison in the benchmark.
    threshold : float, optional
        Below this confidence a task is coded :data:`compare.coder.UNCLEAR`
        (``?``, 未定) instead of its best guess, which becomes ``theme_2``.
        Default :data:`compare.coder.DEFAULT_THRESHOLD` for the model, 0 for
        ``"seed"``.
    X : sparse matrix, optional
        TF-IDF rows of the tasks (:func:`tfidf_matrix`), for the seed-term coding.
    blend : float
        ``method="seed"`` only: weight of the corpus-vector smoothing
        (see :func:`theme_probabilities`).
    tokens : (title_tokens, text_tokens), optional
        Precomputed :func:`task_tokens` of ``tasks``.

    Returns
    -------
    pandas.DataFrame
        ``task_id, theme, theme_name, confidence, theme_2, theme_2_name,
        confidence_2, overridden``; the input is not modified. ``attrs``:
        ``probabilities`` (tasks × codes), ``codes``, ``threshold``,
        ``n_unclear``, ``n_labels`` (researcher labels used) and, for the
        model, ``temperature`` and ``n_examples`` (training examples per code).

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a-t001", "a-t002"],
    ...                   "title": ["推进中医药传承创新发展", "做好信访稳定和安全生产工作"],
    ...                   "text": ["推进中医药传承创新发展。建设中医馆。", "做好信访稳定和安全生产工作。"]})
    >>> code_tasks(t)["theme"].tolist()
    ['E', 'P']
    """
    from compare import coder

    if method not in ("model", "seed"):
        raise CompareError(f"unknown coding method {method!r}; valid: model, seed")
    order = content_order(tasks)
    if not _is_identity(order):  # code in content order, return in the caller's order
        inverse = np.argsort(order)
        ordered = code_tasks(
            tasks.iloc[order].reset_index(drop=True),
            codebook,
            labels=labels,
            overrides=overrides,
            method=method,
            threshold=threshold,
            X=None if X is None else X[order],
            blend=blend,
            dictionary=dictionary,
            tokens=None
            if tokens is None
            else ([tokens[0][i] for i in order], [tokens[1][i] for i in order]),
        )
        attrs = dict(ordered.attrs, probabilities=ordered.attrs["probabilities"][inverse])
        out = ordered.iloc[inverse].reset_index(drop=True)
        out.attrs = attrs
        return out
    codebook = codebook if codebook is not None else load_codebook()
    codes = np.array(codebook["code"])
    names = dict(zip(codebook["code"], codebook["theme"], strict=True))
    names[coder.UNCLEAR] = coder.UNCLEAR_NAME
    given = [f for f in (overrides, labels) if f is not None and len(f)]
    own = (
        pd.concat(given, ignore_index=True).drop_duplicates("task_id", keep="last")
        if given
        else pd.DataFrame(columns=["task_id", "code"])
    )
    titles, texts = list(tasks["title"].fillna("")), list(tasks["text"].fillna(""))
    attrs: dict = {}
    if method == "model":
        examples = coder.training_examples(codebook, labels=own, tasks=tasks)
        model = coder.fitted_coder(list(codes), examples)  # trained once per training set
        P = coder.predict_cached(model, titles, texts, tokens)  # each task predicted once
        # Seed terms as a prior: themes with no labelled task and no note have
        # only their seed-term example; their share of the codebook is the
        # weight of the seed-term coding blended in (0 for the shipped codebook).
        real = examples.loc[examples["source"] != "terms", "code"].value_counts()
        prior = float(np.mean([real.get(c, 0) == 0 for c in codes]))
        if prior > 0:
            if X is None:
                titles_tok, texts_tok = tokens or task_tokens(tasks, dictionary)
                groups = tasks["district"] if "district" in tasks.columns else None
                X, _ = tfidf_matrix(titles_tok, texts_tok, groups=groups)
            P_seed = theme_probabilities(seed_scores(titles, texts, codebook), X, blend=blend)
            P = (1 - prior) * P + prior * P_seed
        seen = set(examples.loc[examples["source"] == "seed", "group"]) and set(
            coder.seed_labels()["task_id"]
        )
        attrs["n_seen"] = int(tasks["task_id"].isin(seen).sum()) if seen else 0
        attrs.update(
            temperature=model.temperature,
            n_examples=model.n_examples.to_dict(),
            seed_prior=prior,
        )
        threshold = coder.DEFAULT_THRESHOLD if threshold is None else threshold
    else:
        if X is None:
            titles_tok, texts_tok = tokens or task_tokens(tasks, dictionary)
            groups = tasks["district"] if "district" in tasks.columns else None
            X, _ = tfidf_matrix(titles_tok, texts_tok, groups=groups)
        P = theme_probabilities(seed_scores(titles, texts, codebook), X, blend=blend)
        threshold = 0.0 if threshold is None else threshold
    order = np.argsort(-P, axis=1, kind="stable")
    forced = dict(zip(own["task_id"], own["code"], strict=True))
    rows = []
    for i, task_id in enumerate(tasks["task_id"]):
        first = order[i, 0]
        theme, conf = str(codes[first]), float(P[i, first])
        overridden = task_id in forced
        if overridden:
            theme, conf = forced[task_id], 1.0
        elif conf < threshold:
            theme = coder.UNCLEAR
        alt = next((j for j in order[i] if codes[j] != theme), order[i, 0])
        theme_2, conf_2 = str(codes[alt]), float(P[i, alt])
        rows.append(
            {
                "task_id": task_id,
                "theme": theme,
                "theme_name": names[theme],
                "confidence": round(conf, 3),
                "theme_2": theme_2,
                "theme_2_name": names[theme_2],
                "confidence_2": round(conf_2, 3),
                "overridden": overridden,
            }
        )
    out = pd.DataFrame(rows, columns=["task_id", *CODED_COLUMNS])
    out.attrs.update(
        probabilities=P,
        codes=list(codes),
        threshold=float(threshold),
        n_unclear=int((out["theme"] == coder.UNCLEAR).sum()),
        n_labels=len(own),
        method=method,
        **attrs,
    )
    return out


# ------------------------------------------------------------------- output


def theme_table(
    tasks: pd.DataFrame,
    *,
    k: int | None = None,
    codebook: pd.DataFrame | str | Path | None = None,
    overrides: pd.DataFrame | str | Path | None = None,
    labels: pd.DataFrame | str | Path | None = None,
    seed: int = 0,
    guide: float = 0.0,
    threshold: float | None = None,
    dictionary: Dictionary | None = None,
    precomputed: dict | None = None,
) -> pd.DataFrame:
    """One row per task with its cluster and its codebook theme (the CLI output).

    Parameters
    ----------
    tasks : pandas.DataFrame
        The corpus ``tasks`` table (``compare.corpus.load_corpus(dir).tasks``).
    k : int, optional
        Number of clusters (default: automatic).
    codebook : DataFrame or path, optional
        Default: the shipped codebook.
    labels, overrides : DataFrame or path, optional
        The researcher's labels file (``task_id,code``; :func:`compare.coder.read_labels`).
        It is used twice: its codes win (``overridden`` marks them), and its
        tasks train the model. ``overrides`` is the older name of the same thing.
    seed, guide :
        See :func:`compare.clusters.cluster_tasks`. The default clusters are text only
        (``guide=0``); ``guide > 0`` gives the *guided* variant.
    threshold : float, optional
        See :func:`code_tasks`.
    precomputed : dict, optional
        Results already computed for exactly these tasks and defaults
        (``tokens`` from :func:`task_tokens`, ``X`` from :func:`tfidf_matrix`,
        ``coded`` from :func:`code_tasks`, ``clustering`` from
        :func:`compare.clusters.cluster_tasks`), reused instead of recomputed; the benchmark
        passes its stages' outputs so the coded-tasks cache costs no second run.

    Returns
    -------
    pandas.DataFrame
        :data:`OUTPUT_COLUMNS` plus ``theme_2_name``, ``confidence_2`` and
        ``overridden``. ``attrs["clusters"]`` holds the cluster summary,
        ``attrs["k_table"]`` the automatic-k table, ``attrs["guide"]`` the
        clusters' guide, and ``n_overridden``, ``n_unclear``, ``n_labels``,
        ``threshold`` the coding's counts.

    Examples
    --------
    >>> from compare.corpus import load_corpus       # doctest: +SKIP
    >>> theme_table(load_corpus("data/raw").tasks)   # doctest: +SKIP
    """
    if codebook is None or isinstance(codebook, str | Path):
        codebook = load_codebook(codebook)
    from compare.coder import read_labels

    own = []
    for given in (overrides, labels):
        if given is not None and not isinstance(given, pd.DataFrame):
            given = read_labels(given, list(codebook["code"]))
        if given is not None:
            own.append(given)
    labels = (
        pd.concat(own, ignore_index=True).drop_duplicates("task_id", keep="last") if own else None
    )
    tasks = tasks.reset_index(drop=True)
    pre = precomputed or {}
    title_tok, text_tok = pre.get("tokens") or task_tokens(tasks, dictionary)
    groups = tasks["district"] if "district" in tasks.columns else None
    X = pre.get("X")
    if X is None:
        X, _ = tfidf_matrix(title_tok, text_tok, groups=groups)
    coded = pre.get("coded")
    if coded is None:
        coded = code_tasks(
            tasks, codebook, labels=labels, threshold=threshold, X=X, tokens=(title_tok, text_tok)
        )
    probs = coded.attrs["probabilities"]
    from compare.clusters import cluster_tasks  # clusters builds on this module's features

    clustering = pre.get("clustering") or cluster_tasks(
        tasks,
        k=k,
        seed=seed,
        guide=guide,
        probabilities=probs,
        tokens=(title_tok, text_tok),
        X=X,
    )
    labels = dict(zip(clustering.summary["cluster"], clustering.summary["label"], strict=True))
    out = pd.DataFrame(
        {
            "source_file": tasks.get("source_file", pd.Series([""] * len(tasks))).astype(str),
            "doc_id": tasks.get("doc_id", pd.Series([""] * len(tasks))).astype(str),
            "task_id": tasks["task_id"].astype(str),
            "section": tasks.get("section_path", pd.Series([""] * len(tasks)))
            .fillna("")
            .astype(str),
            "number": tasks.get("number", pd.Series([""] * len(tasks))).fillna("").astype(str),
            "title": tasks["title"].fillna("").astype(str),
            "cluster": clustering.labels,
            "cluster_label": [labels[c] for c in clustering.labels],
        }
    )
    for col in CODED_COLUMNS:
        out[col] = coded[col].to_numpy()
    out.attrs["clusters"] = clustering.summary
    out.attrs["k_table"] = clustering.k_table
    out.attrs["n_overridden"] = int(out["overridden"].sum())
    out.attrs["guide"] = float(guide)
    for key in ("n_unclear", "n_labels", "n_seen", "threshold", "temperature"):
        if key in coded.attrs:
            out.attrs[key] = coded.attrs[key]
    return out
