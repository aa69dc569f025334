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
* **Clusters** (:func:`cluster_tasks`): KMeans on the task vectors: the TF-IDF
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

import contextlib
import csv
import dataclasses
import itertools
import math
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
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
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [
        list(t) * title_weight + list(b) for t, b in zip(title_tokens, text_tokens, strict=True)
    ]
    if groups is not None:
        keys = ["" if pd.isna(g) else str(g) for g in groups]
        if len(set(keys)) >= min_groups:
            seen: dict[str, set[str]] = {}
            for g, toks in zip(keys, docs, strict=True):
                for tok in toks:
                    seen.setdefault(tok, set()).add(g)
            keep = {tok for tok, gs in seen.items() if len(gs) >= min_groups}
            docs = [[tok for tok in d if tok in keep] for d in docs]
    if not any(docs):
        docs = [["<empty>"] for _ in docs]
    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, lowercase=False)
    X = vec.fit_transform(docs)
    return X.tocsr(), vec.get_feature_names_out()


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
        model = coder.ThemeCoder(list(codes)).fit(examples)
        P = model.predict_proba(titles, texts)
        # Seed terms as a prior: themes with no labelled task and no note have
        # only their seed-term example; their share of the codebook is the
        # weight of the seed-term coding blended in (0 for the shipped codebook).
        real = examples.loc[examples["source"] != "terms", "code"].value_counts()
        prior = float(np.mean([real.get(c, 0) == 0 for c in codes]))
        if prior > 0:
            if X is None:
                titles_tok, texts_tok = task_tokens(tasks, dictionary)
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
            titles_tok, texts_tok = task_tokens(tasks, dictionary)
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


# ---------------------------------------------------------------- clustering


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
        if n * d <= 20_000_000:
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


def _kmeans(F: np.ndarray, k: int, seed: int, n_init: int = 10) -> np.ndarray:
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=n_init, random_state=seed).fit_predict(F)


def stability(
    F: np.ndarray, k: int, *, n_resamples: int = 8, fraction: float = 0.8, seed: int = 0
) -> float:
    """Mean pairwise ARI of KMeans labelings fitted on random resamples.

    Each resample keeps ``fraction`` of the rows and its own seed; its model
    labels every row, and the labelings are compared pairwise.

    Examples
    --------
    >>> F = np.repeat(np.eye(3), 5, axis=0)
    >>> stability(F, 3, n_resamples=3)
    1.0
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    n = len(F)
    m = max(k, int(round(fraction * n)))
    labelings = []
    for b in range(n_resamples):
        rng = np.random.default_rng(seed * 1000 + b)
        idx = np.sort(rng.choice(n, m, replace=False))
        model = KMeans(k, n_init=1, random_state=seed * 1000 + b).fit(F[idx])
        labelings.append(model.predict(F))
    pairs = [adjusted_rand_score(a, b) for a, b in itertools.combinations(labelings, 2)]
    return float(np.mean(pairs)) if pairs else 1.0


def choose_k(
    F: np.ndarray,
    *,
    k_range: Sequence[int] | None = None,
    n_resamples: int = 8,
    seed: int = 0,
    max_rows: int = 3000,
) -> tuple[int, pd.DataFrame]:
    """Choose the number of clusters by excess stability over a structureless copy.

    For every candidate k: ``stability`` on the features, minus ``stability``
    on a copy whose columns were shuffled independently (same marginals, no
    clusters). The k with the largest difference wins; ties go to the smaller k.

    Parameters
    ----------
    F : numpy.ndarray
        Task vectors (:func:`cluster_features`).
    k_range : sequence of int, optional
        Default ``2 … min(30, n // 3)``.
    n_resamples : int
    seed : int
    max_rows : int
        Larger inputs are subsampled (with ``seed``) to this many rows.

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
        F = F[np.sort(rng.choice(n, max_rows, replace=False))]
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
    # many tiny fits: one thread each is ~3x faster than OpenMP's start-up per fit
    with threadpool_limits(limits=1):
        for k in ks:
            s = stability(F, k, n_resamples=n_resamples, seed=seed)
            s0 = stability(null, k, n_resamples=n_resamples, seed=seed)
            rows.append({"k": k, "stability": s, "null": s0, "score": s - s0})
    table = pd.DataFrame(rows)
    best = table.loc[table["score"].round(9).idxmax(), "k"]
    return int(best), table


#: Bump when choose_k's method changes: it keys the cache of chosen k.
_K_VERSION = "1"


def choose_k_cached(
    F: np.ndarray,
    *,
    k_range: Sequence[int] | None = None,
    n_resamples: int = 8,
    seed: int = 0,
) -> tuple[int, pd.DataFrame]:
    """:func:`choose_k`, computed once per corpus: cached by the features and parameters.

    Automatic k costs seconds to minutes (many KMeans fits); the features are a
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
    path = config.cache_dir("k") / f"{h.hexdigest()[:32]}.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return int(saved["k"]), pd.DataFrame(
            saved["table"], columns=["k", "stability", "null", "score"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    k, table = choose_k(F, k_range=ks, n_resamples=n_resamples, seed=seed)
    write_atomic(path, json.dumps({"k": k, "table": table.to_dict("records")}))
    return k, table


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
    if n and not _is_identity(order):  # cluster in content order, return in the caller's
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
        )
        return dataclasses.replace(
            ordered, labels=ordered.labels[inverse], features=ordered.features[inverse]
        )
    if n == 0:
        empty = pd.DataFrame(columns=["cluster", "size", "label", "top_terms", "examples"])
        return Clustering(np.zeros(0, dtype=int), 0, pd.DataFrame(), empty, np.zeros((0, 0)))
    title_tok, text_tok = tokens if tokens is not None else task_tokens(tasks, dictionary)
    groups = tasks["district"] if "district" in tasks.columns else None
    X, _ = tfidf_matrix(title_tok, text_tok, title_weight=title_weight, groups=groups)
    if probabilities is None and guide > 0:
        cb = codebook if codebook is not None else load_codebook()
        scores = seed_scores(list(tasks["title"].fillna("")), list(tasks["text"].fillna("")), cb)
        probabilities = theme_probabilities(scores, X)
    F = cluster_features(X, probabilities, guide=guide, seed=seed)
    k_table = pd.DataFrame()
    with _summarised_warnings(f"clustering {n} tasks"):
        if k is None:
            k, k_table = choose_k_cached(F, k_range=k_range, n_resamples=n_resamples, seed=seed)
        k = max(1, min(int(k), n))
        labels = np.zeros(n, dtype=int) if k == 1 else _kmeans(F, k, seed)
    labels = _relabel_by_size(labels)
    summary = _summarize(labels, F, list(tasks["title"].fillna("")), title_tok, text_tok, groups)
    return Clustering(labels, int(labels.max()) + 1, k_table, summary, F)


def _summarize(labels, F, titles, title_tok, text_tok, groups) -> pd.DataFrame:
    # label terms use the same cross-group filter as the vectors (no place names)
    docs = [list(t) + list(b) for t, b in zip(title_tok, text_tok, strict=True)]
    if groups is not None:
        keys = ["" if pd.isna(g) else str(g) for g in groups]
        if len(set(keys)) >= 2:
            seen: dict[str, set[str]] = {}
            for g, toks in zip(keys, docs, strict=True):
                for tok in toks:
                    seen.setdefault(tok, set()).add(g)
            docs = [[tok for tok in d if len(seen[tok]) >= 2] for d in docs]
    terms = ctfidf_terms(docs, labels, top=5)
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
        See :func:`cluster_tasks`. The default clusters are text only
        (``guide=0``); ``guide > 0`` gives the *guided* variant.
    threshold : float, optional
        See :func:`code_tasks`.
    precomputed : dict, optional
        Results already computed for exactly these tasks and defaults
        (``tokens`` from :func:`task_tokens`, ``X`` from :func:`tfidf_matrix`,
        ``coded`` from :func:`code_tasks`, ``clustering`` from
        :func:`cluster_tasks`), reused instead of recomputed; the benchmark
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
        coded = code_tasks(tasks, codebook, labels=labels, threshold=threshold)
    probs = coded.attrs["probabilities"]
    clustering = pre.get("clustering") or cluster_tasks(
        tasks, k=k, seed=seed, guide=guide, probabilities=probs, tokens=(title_tok, text_tok)
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
