"""A theme coder that learns from labelled tasks, and says when it cannot tell.

:func:`compare.themes.code_tasks` calls this module. The model is a
linear SVM (one-vs-rest, balanced class weights) on two TF-IDF blocks of a
task (title counted three times, sublinear tf, unit rows each):

* **words**: jieba tokens with the project dictionary (:mod:`compare.text`);
* **characters**: 1- to 3-character n-grams of the NFKC text, which carry
  words the dictionary splits or does not know.

It is trained on labelled examples (:func:`training_examples`):

1. the project's labels for the seed plans (``resources/labels_seed.csv``,
   task text included, so training does not depend on the folder coded);
2. the codebook notes (``resources/themes_notes.tsv``): each theme's example
   task phrases and its inclusion note, one example each;
3. the seed terms of each theme as one more example (a prior that matters
   most for themes with few labelled tasks, and the only knowledge of a
   user's own theme that has no notes or labels);
4. the researcher's labels (``task_id,code``), which also override the coding
   of those tasks.

Shipped labels and notes are used for a theme only when its code *and* name
match the shipped codebook, so a user's own codebook is never trained on
examples of another theme that happens to share a code.

Probabilities are a softmax of the SVM margins, calibrated by one
temperature fitted on grouped (per document) out-of-fold predictions of the
labelled tasks. A task whose best
theme is below ``threshold`` is coded :data:`UNCLEAR` (未定) rather than
given a default theme.

Examples
--------
>>> import pandas as pd
>>> from compare.codebook import load_codebook
>>> cb = load_codebook()
>>> model = ThemeCoder(list(cb["code"])).fit(training_examples(cb))
>>> P = model.predict_proba(["开展世界无烟日宣传活动"], ["开展世界无烟日宣传活动。"])
>>> cb["code"][P.argmax()]
'K'
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare import config, training
from compare.exceptions import CompareError
from compare.text import normalize, tokenize_many
from compare.training import (  # re-exported: the training data were part of this module
    EXAMPLE_COLUMNS,
    labelled_pool,
    training_examples,
)

#: Title tokens and text tokens of a list of tasks.
TaskTokens = tuple[Sequence[Sequence[str]], Sequence[Sequence[str]]]

__all__ = [
    "DEFAULT_THRESHOLD",
    "UNCLEAR",
    "UNCLEAR_NAME",
    "MODEL_VERSION",
    "ThemeCoder",
    "fitted_coder",
    "model_digest",
    "predict_cached",
    "cross_validate",
    "accuracy",
]

#: Code of a task the model cannot place with enough confidence.
UNCLEAR: str = training.UNCLEAR
#: Name of :data:`UNCLEAR` in tables and figures.
UNCLEAR_NAME: str = "未定 unclear"
#: Calibrated probability below which a task is coded :data:`UNCLEAR`
#: (the calibration table in ``benchmarks/THEMES.md`` shows how often codes
#: in each confidence band were right in cross-validation).
DEFAULT_THRESHOLD: float = 0.35


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def _csr_counts(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int):
    """Counts of (row, column) pairs as the int64 CSR matrix ``CountVectorizer`` returns."""
    import scipy.sparse as sp

    counts = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(n_rows, n_cols), dtype=np.int64
    )
    counts.sum_duplicates()  # sorted indices, as CountVectorizer leaves them
    return counts


_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's white-space rule for char n-grams


def _char_counts(vectorizer, docs: Sequence[str], chunk: int = 4000):
    """``vectorizer`` (fitted, ``analyzer="char"``) counts of texts, by array operations.

    The n-grams of each lower-cased text with runs of white space made one
    space, exactly as scikit-learn's char analyzer makes them, are coded as
    integers from their code points (21 bits each) and looked up in the
    vocabulary coded the same way: the matrix ``CountVectorizer.transform``
    builds, about twenty times faster.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> v = TfidfVectorizer(analyzer="char", ngram_range=(1, 3)).fit(["中医药 发展", "中医"])
    >>> (_char_counts(v, ["发展中医药", "A  b"]) != v._count_vocab(["发展中医药", "A  b"], True)[1]).nnz
    0
    """
    import scipy.sparse as sp

    lo, hi = vectorizer.ngram_range
    vocab = vectorizer.vocabulary_
    by_n: dict[int, tuple[pd.Index, np.ndarray]] = {}
    for n in range(lo, hi + 1):
        grams = [(g, j) for g, j in vocab.items() if len(g) == n]
        keys = pd.Index(np.array([_gram_key(g) for g, _ in grams], dtype=np.uint64))
        by_n[n] = (keys, np.array([j for _, j in grams], dtype=np.int64))
    parts = []
    for start in range(0, len(docs), chunk):
        texts = [_WHITE_SPACES.sub(" ", (d or "").lower()) for d in docs[start : start + chunk]]
        lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        cps = np.frombuffer(
            "".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32
        ).astype(np.uint64)
        ends = np.repeat(np.cumsum(lens), lens)
        doc_of = np.repeat(np.arange(len(texts)), lens)
        pos = np.arange(len(cps))
        rows, cols = [], []
        for n, (keys, ids) in by_n.items():
            if not len(keys):
                continue
            valid = pos + n <= ends
            key = np.zeros(int(valid.sum()), dtype=np.uint64)
            at = pos[valid]
            for i in range(n):
                key = (key << np.uint64(21)) | cps[at + i]
            hit = keys.get_indexer(key)  # a hash table lookup per n-gram
            found = hit >= 0
            rows.append(doc_of[valid][found])
            cols.append(ids[hit[found]])
        parts.append(
            _csr_counts(
                np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
                np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
                len(texts),
                len(vocab),
            )
        )
    if not parts:
        return sp.csr_matrix((0, len(vocab)), dtype=np.int64)
    return sp.vstack(parts, format="csr")


def _gram_key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << 21) | ord(ch)
    return key


class ThemeCoder:
    """Linear SVM (or logistic regression) on word and character TF-IDF, with a fitted temperature.

    Parameters
    ----------
    codes : sequence of str
        The codebook's codes; :meth:`predict_proba` returns them in this order.
    C : float
        Inverse regularisation strength (1.0; 0.3–10 measured within a point
        or two in cross-validation).
    char_ngrams : (int, int)
        Character n-gram range.
    title_weight : int
        Times the title is counted (the text already contains it once).
    classifier : {"svm", "logistic"}
        ``LinearSVC`` (default: as accurate in cross-validation and several
        times faster) or ``LogisticRegression``; both give logits to calibrate.
    calibrate : bool
        Fit a temperature on grouped out-of-fold predictions of the labelled
        tasks (at least 3 groups needed; otherwise the temperature stays 1).
    seed : int
        Seed of the folds.

    Examples
    --------
    >>> ex = pd.DataFrame({"title": ["中医馆", "疫苗接种"], "text": ["建设中医馆", "疫苗接种"],
    ...                    "code": ["E", "F"], "source": "note", "group": ""})
    >>> m = ThemeCoder(["E", "F"], calibrate=False).fit(ex)
    >>> int(m.predict_proba(["中医"], ["推广中医"]).argmax())
    0
    """

    def __init__(
        self,
        codes: Sequence[str],
        *,
        C: float = 1.0,
        char_ngrams: tuple[int, int] = (1, 3),
        title_weight: int = 2,
        calibrate: bool = True,
        classifier: str = "svm",
        seed: int = 0,
    ) -> None:
        self.classifier = classifier
        self.codes = list(codes)
        self.C = C
        self.char_ngrams = char_ngrams
        self.title_weight = title_weight
        self.calibrate = calibrate
        self.seed = seed
        self.temperature = 1.0

    # ---------------------------------------------------------------- features
    def _docs(
        self, titles: Sequence[str], texts: Sequence[str], tokens: TaskTokens | None = None
    ) -> tuple[list, list]:
        titles = [t or "" for t in titles]
        texts = [x or "" for x in texts]
        if tokens is None:  # through the token cache: the corpus's tasks are segmented once
            tok = tokenize_many(titles + texts)
            tokens = (tok[: len(titles)], tok[len(titles) :])
        words = [list(a) * self.title_weight + list(b) for a, b in zip(*tokens, strict=True)]
        chars = [
            normalize("。".join([t] * self.title_weight + [x]))
            for t, x in zip(titles, texts, strict=True)
        ]
        return words, chars

    def _fit_on(self, words: list, chars: list, y: np.ndarray) -> tuple:
        """Vectorizers and classifier fitted on already segmented examples."""
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vw = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, lowercase=False)
        vc = TfidfVectorizer(
            analyzer="char", ngram_range=self.char_ngrams, sublinear_tf=True, min_df=2
        )
        X = (sp.hstack([vw.fit_transform(words), vc.fit_transform(chars)]) / math.sqrt(2)).tocsr()
        if self.classifier == "svm":
            from sklearn.svm import LinearSVC

            clf = LinearSVC(C=self.C, class_weight="balanced", random_state=self.seed).fit(X, y)
        else:
            clf = LogisticRegression(C=self.C, max_iter=5000, class_weight="balanced").fit(X, y)
        return vw, vc, clf

    def _logits(self, fitted: tuple, words: list, chars: list) -> np.ndarray:
        import scipy.sparse as sp

        vw, vc, clf = fitted
        Xc = vc._tfidf.transform(_char_counts(vc, chars), copy=False)  # = vc.transform(chars)
        X = (sp.hstack([vw.transform(words), Xc]) / math.sqrt(2)).tocsr()
        raw = clf.decision_function(X)
        if raw.ndim == 1:  # two classes
            raw = np.column_stack([-raw / 2, raw / 2])
        Z = np.full((X.shape[0], len(self.codes)), -1e3)
        for j, c in enumerate(clf.classes_):
            Z[:, self.codes.index(c)] = raw[:, j]
        return Z

    # ---------------------------------------------------------------- fit
    def fit(self, examples: pd.DataFrame) -> ThemeCoder:
        """Fit on :func:`training_examples` (sorted first, so row order does not matter)."""
        ex = examples[examples["code"].isin(self.codes)]
        ex = ex.sort_values(["code", "title", "text"], kind="stable").reset_index(drop=True)
        if ex.empty:
            raise CompareError("no labelled examples for any theme of the codebook")
        self.n_examples = ex["code"].value_counts().reindex(self.codes, fill_value=0)
        y = ex["code"].to_numpy()
        self._single = y[0] if len(set(y)) == 1 else None
        if self._single is not None:
            return self
        words, chars = self._docs(list(ex["title"]), list(ex["text"]))
        self._fitted = self._fit_on(words, chars, y)
        if self.calibrate:
            self.temperature = self._fit_temperature(ex, words, chars, y)
        return self

    def _fit_temperature(self, ex: pd.DataFrame, words: list, chars: list, y: np.ndarray) -> float:
        """One temperature minimising the log loss of grouped out-of-fold predictions.

        The labelled tasks are split by document into (at most) 5 folds (by
        task when there are fewer than 5 documents); the notes and seed-term
        examples stay in every training fold.
        """
        groups = ex["group"].astype(str).to_numpy()
        held = sorted(g for g in set(groups) if g)
        if len(held) < 5:  # too few documents: folds over the labelled tasks instead
            labelled = np.flatnonzero(groups != "")
            if len(labelled) < 5:
                return 1.0
            groups = groups.copy()
            groups[labelled] = [f"fold{i % 5}" for i in range(len(labelled))]
            held = sorted(g for g in set(groups) if g)
        Z_all, y_all = [], []
        for k in range(min(5, len(held))):
            test = np.isin(groups, held[k::5])
            train = ~test
            if len(set(y[train])) < 2:
                continue
            fitted = self._fit_on(
                [w for w, t in zip(words, train, strict=True) if t],
                [c for c, t in zip(chars, train, strict=True) if t],
                y[train],
            )
            idx = np.flatnonzero(test)
            Z_all.append(self._logits(fitted, [words[i] for i in idx], [chars[i] for i in idx]))
            y_all += [self.codes.index(c) for c in y[test]]
        if not Z_all:
            return 1.0
        Z, target = np.vstack(Z_all), np.array(y_all)
        grid = np.exp(np.linspace(math.log(0.02), math.log(3.0), 60))
        rows = np.arange(len(target))
        losses = [-np.log(_softmax(Z / t)[rows, target] + 1e-12).mean() for t in grid]
        return float(grid[int(np.argmin(losses))])

    # ---------------------------------------------------------------- predict
    def predict_proba(
        self, titles: Sequence[str], texts: Sequence[str], tokens: TaskTokens | None = None
    ) -> np.ndarray:
        """Calibrated probabilities, tasks × :attr:`codes`.

        Each row depends on its task and the model alone (never on the other
        rows), which is what lets :func:`compare.coder_cache.predict_cached`
        keep them per task. ``tokens`` are the tasks' title and text tokens
        (:func:`compare.features.task_tokens`), if already at hand.
        """
        n = len(titles)
        if self._single is not None:
            P = np.zeros((n, len(self.codes)))
            P[:, self.codes.index(self._single)] = 1.0
            return P
        if n == 0:
            return np.zeros((0, len(self.codes)))
        words, chars = self._docs(list(titles), list(texts), tokens)
        return _softmax(self._logits(self._fitted, words, chars) / self.temperature)


#: Bump when the model or its features change: it keys the fitted models and their predictions.
MODEL_VERSION = "1"


def model_digest(codes: Sequence[str], examples: pd.DataFrame, **params) -> str:
    """Hash of everything a fitted :class:`ThemeCoder` depends on.

    The codes, the training examples, the model's parameters, the tokens'
    dictionary and stop-list, the source of this module and of
    :mod:`compare.text`, and the scikit-learn version.

    Examples
    --------
    >>> from compare.codebook import load_codebook
    >>> cb = load_codebook()
    >>> ex = training_examples(cb)
    >>> model_digest(cb["code"], ex) == model_digest(cb["code"], ex.iloc[::-1])
    True
    """
    import hashlib
    import json

    import sklearn

    from compare.text import default_dictionary

    ex = examples.reindex(columns=list(EXAMPLE_COLUMNS)).fillna("").astype(str)
    ex = ex.sort_values(list(EXAMPLE_COLUMNS), kind="stable")
    dictionary = default_dictionary()
    digest = hashlib.sha256()
    digest.update(
        json.dumps(
            [
                MODEL_VERSION,
                list(map(str, codes)),
                ex.to_numpy().tolist(),
                sorted((k, repr(v)) for k, v in params.items()),
                dictionary.digest,
                sorted(dictionary.stopwords),
                sklearn.__version__,
            ],
            ensure_ascii=False,
        ).encode("utf-8")
    )
    for name in ("coder.py", "text.py"):
        digest.update((config.PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()


def fitted_coder(
    codes: Sequence[str], examples: pd.DataFrame, *, use_cache: bool = True, **params
) -> ThemeCoder:
    """A :class:`ThemeCoder` fitted on ``examples``, trained once per set of training inputs.

    The fitted model is kept under ``data/interim/coder`` by
    :func:`model_digest`; a damaged entry is refitted. Processes fitting the
    same model at once fit it once (:func:`compare.cachelock.pickled`). The model's ``digest``
    attribute names it (it keys the per-task predictions of :func:`predict_cached`).

    Examples
    --------
    >>> from compare.codebook import load_codebook
    >>> cb = load_codebook()
    >>> m = fitted_coder(list(cb["code"]), training_examples(cb))
    >>> m.digest == fitted_coder(list(cb["code"]), training_examples(cb)).digest
    True
    """
    from compare.cachelock import pickled

    digest = model_digest(codes, examples, **params)

    def fit() -> ThemeCoder:
        model = ThemeCoder(list(codes), **params).fit(examples)
        model.digest = digest
        return model

    if not use_cache:
        return fit()
    # a damaged or stale entry is refitted; two render kernels fit it once
    return pickled(
        "coder",
        digest[:32],
        fit,
        valid=lambda m: isinstance(m, ThemeCoder) and getattr(m, "digest", None) == digest,
    )


#: Tasks predicted at once: a task's row does not depend on the others in its batch, so
#: chunks bound the memory of the feature matrices (221,740 tasks at 10,000 plans) and give
#: the same rows. Measured on 22,474 generated tasks: all at once +403 MB peak, 3.5 s;
#: chunks of 5,000 +217 MB, 2.8 s.
PREDICT_CHUNK: int = 5_000


def _predict_in_chunks(
    model: ThemeCoder,
    titles: Sequence[str],
    texts: Sequence[str],
    tokens: TaskTokens | None,
    rows: list[int],
) -> np.ndarray:
    """``model.predict_proba`` of the tasks at ``rows``, :data:`PREDICT_CHUNK` at a time."""
    parts = []
    for a in range(0, len(rows), PREDICT_CHUNK):
        idx = rows[a : a + PREDICT_CHUNK]
        sub = None if tokens is None else tuple([part[i] for i in idx] for part in tokens)
        parts.append(model.predict_proba([titles[i] for i in idx], [texts[i] for i in idx], sub))
    return np.vstack(parts) if parts else np.zeros((0, len(model.codes)))


def predict_cached(
    model: ThemeCoder,
    titles: Sequence[str],
    texts: Sequence[str],
    tokens: TaskTokens | None = None,
    *,
    use_cache: bool = True,
) -> np.ndarray:
    """:meth:`ThemeCoder.predict_proba`, with each task's row kept by its content.

    A row depends only on the task's title and text and on the model, so it is
    stored under ``data/interim/predictions/<model digest>`` keyed by the hash of
    the title and text (:class:`compare.rowcache.RowCache`): coding a corpus
    with one changed plan predicts that plan's tasks alone, and gives exactly
    the rows a cold run gives.

    Examples
    --------
    >>> from compare.codebook import load_codebook
    >>> cb = load_codebook()
    >>> m = fitted_coder(list(cb["code"]), training_examples(cb))
    >>> P = predict_cached(m, ["开展世界无烟日宣传活动"], ["开展世界无烟日宣传活动。"])
    >>> cb["code"][P.argmax()]
    'K'
    """
    from compare.rowcache import RowCache
    from compare.text import text_hash

    titles = ["" if t is None else str(t) for t in titles]
    texts = ["" if x is None else str(x) for x in texts]
    digest = getattr(model, "digest", None)
    if not use_cache or digest is None:
        return _predict_in_chunks(model, titles, texts, tokens, list(range(len(titles))))
    keys = [text_hash(f"{t}\x00{x}") for t, x in zip(titles, texts, strict=True)]
    store = RowCache(config.INTERIM_DIR / "predictions" / digest[:32], width=len(model.codes))
    P, found = store.lookup(keys)
    first: dict[str, int] = {}  # each missing text predicted once, in content order
    for i in sorted(np.flatnonzero(~found).tolist(), key=lambda i: keys[i]):
        first.setdefault(keys[i], i)
    if first:
        todo = list(first.values())
        P_new = _predict_in_chunks(model, titles, texts, tokens, todo)
        store.put({keys[i]: P_new[j] for j, i in enumerate(todo)})
        row_of = {keys[i]: j for j, i in enumerate(todo)}
        missing = np.flatnonzero(~found)
        P[missing] = P_new[[row_of[keys[i]] for i in missing]]
    return P


def cross_validate(
    codebook: pd.DataFrame,
    *,
    by: str = "district",
    labels: pd.DataFrame | None = None,
    tasks: pd.DataFrame | None = None,
    **model_kwargs,
) -> pd.DataFrame:
    """Leave-one-group-out predictions for every labelled task.

    Each group (a ``district`` or a ``doc_id``) is held out in turn; the model
    is trained on the other groups' labelled tasks plus the codebook notes and
    seed terms (which belong to no group), then codes the held-out tasks.

    Parameters
    ----------
    codebook : pandas.DataFrame
    by : {"district", "doc_id"}
    labels, tasks :
        See :func:`labelled_pool`.
    **model_kwargs :
        Passed to :class:`ThemeCoder`.

    Returns
    -------
    pandas.DataFrame
        ``task_id, group, code, guess, guess_2, confidence`` (guess = top-1,
        guess_2 = runner-up, confidence = calibrated probability of the guess);
        ``attrs["probabilities"]`` holds tasks × codes. Empty with fewer than
        two groups.

    Examples
    --------
    >>> from compare.codebook import load_codebook
    >>> cv = cross_validate(load_codebook(), by="district")  # doctest: +SKIP
    >>> (cv["guess"] == cv["code"]).mean()                  # doctest: +SKIP
    """
    if by not in ("district", "doc_id"):
        raise CompareError(f"unknown cross-validation group {by!r}; valid: district, doc_id")
    codes = list(codebook["code"])
    pool = labelled_pool(codebook, labels=labels, tasks=tasks)
    pool = pool[pool[by] != ""]
    groups = sorted(pool[by].unique())
    cols = ["task_id", "group", "code", "guess", "guess_2", "confidence"]
    if len(groups) < 2:
        return pd.DataFrame(columns=cols)
    P = np.zeros((len(pool), len(codes)))
    for g in groups:
        test = (pool[by] == g).to_numpy()
        train = pool[~test].assign(group=pool.loc[~test, "doc_id"])
        ex = training_examples(codebook, labels=train, use_seed_labels=False)
        model = fitted_coder(codes, ex, **model_kwargs)  # trained once per fold and training set
        P[test] = model.predict_proba(list(pool.loc[test, "title"]), list(pool.loc[test, "text"]))
    order = np.argsort(-P, axis=1, kind="stable")
    out = pd.DataFrame(
        {
            "task_id": pool["task_id"].to_numpy(),
            "group": pool[by].to_numpy(),
            "code": pool["code"].to_numpy(),
            "guess": np.array(codes)[order[:, 0]],
            "guess_2": np.array(codes)[order[:, 1]]
            if len(codes) > 1
            else np.array(codes)[order[:, 0]],
            "confidence": P[np.arange(len(P)), order[:, 0]],
        }
    )
    out.attrs["probabilities"] = P
    return out


def accuracy(cv: pd.DataFrame, threshold: float = 0.0) -> dict[str, float]:
    """Top-1, top-2 and the unclear share of :func:`cross_validate` predictions.

    ``top1`` counts every task by its best guess; ``unclear`` is the share
    below ``threshold`` and ``top1_clear`` the accuracy of the others.

    Examples
    --------
    >>> cv = pd.DataFrame({"code": ["A", "B"], "guess": ["A", "C"], "guess_2": ["B", "B"],
    ...                    "confidence": [0.9, 0.2]})
    >>> accuracy(cv, threshold=0.35)
    {'n': 2, 'top1': 0.5, 'top2': 1.0, 'unclear': 0.5, 'top1_clear': 1.0}
    """
    n = len(cv)
    if not n:
        return {
            "n": 0,
            "top1": float("nan"),
            "top2": float("nan"),
            "unclear": float("nan"),
            "top1_clear": float("nan"),
        }
    hit1 = (cv["guess"] == cv["code"]).to_numpy()
    hit2 = hit1 | (cv["guess_2"] == cv["code"]).to_numpy()
    clear = (cv["confidence"] >= threshold).to_numpy()
    return {
        "n": n,
        "top1": float(hit1.mean()),
        "top2": float(hit2.mean()),
        "unclear": float(1 - clear.mean()),
        "top1_clear": float(hit1[clear].mean()) if clear.any() else float("nan"),
    }
