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

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compare.codebook import (  # re-exported: the codebook was part of this module
    load_codebook,
)
from compare.exceptions import CompareError
from compare.features import task_tokens, tfidf_matrix
from compare.seedterms import seed_scores, theme_probabilities
from compare.text import Dictionary

__all__ = [
    "CODED_COLUMNS",
    "OUTPUT_COLUMNS",
    "code_tasks",
    "content_order",
    "model_coder",
    "read_own_labels",
    "seed_prior",
    "theme_table",
]

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
    if "task_id" in keys and pd.Index(keys["task_id"]).is_unique:  # the usual case: no ties
        return pd.Series(keys["task_id"]).sort_values(kind="stable").index.to_numpy()
    frame = pd.DataFrame(keys)
    return frame.sort_values(list(keys), kind="stable").index.to_numpy()


def _is_identity(order: np.ndarray) -> bool:
    return bool(np.array_equal(order, np.arange(len(order))))


def _merged_labels(*given: pd.DataFrame | None) -> pd.DataFrame:
    """Label tables merged (a later one wins for a task); an empty ``task_id, code`` table for none."""
    tables = [f for f in given if f is not None and len(f)]
    if not tables:
        return pd.DataFrame(columns=["task_id", "code"])
    return pd.concat(tables, ignore_index=True).drop_duplicates("task_id", keep="last")


def read_own_labels(
    codebook: pd.DataFrame,
    overrides: pd.DataFrame | str | Path | None,
    labels: pd.DataFrame | str | Path | None,
) -> pd.DataFrame | None:
    """The researcher's labels (files read, ``labels`` winning over ``overrides``), or None.

    Examples
    --------
    >>> read_own_labels(load_codebook(), None, None) is None
    True
    """
    from compare.training import read_labels

    own = []
    for given in (overrides, labels):
        if given is not None and not isinstance(given, pd.DataFrame):
            given = read_labels(given, list(codebook["code"]))
        if given is not None:
            own.append(given)
    return (
        pd.concat(own, ignore_index=True).drop_duplicates("task_id", keep="last") if own else None
    )


def model_coder(
    codebook: pd.DataFrame, labels: pd.DataFrame | None, tasks: pd.DataFrame | None
) -> tuple[pd.DataFrame, Any]:
    """The training examples and the fitted :class:`compare.coder.ThemeCoder` of :func:`code_tasks`.

    ``labels`` are the researcher's (:func:`read_own_labels`); ``tasks`` give
    their text and are not read without labels. The model is fitted once per
    training set (:func:`compare.coder.fitted_coder`).
    """
    from compare import coder, training

    own = _merged_labels(labels)
    examples = training.training_examples(codebook, labels=own, tasks=tasks)
    return examples, coder.fitted_coder(list(codebook["code"]), examples)


def seed_prior(examples: pd.DataFrame, codes) -> float:
    """Weight of the seed-term coding in :func:`code_tasks`: the share of themes known by seed terms only.

    0 for the shipped codebook (every theme has labelled tasks or notes).

    Examples
    --------
    >>> ex = pd.DataFrame({"code": ["A", "B"], "source": ["seed", "terms"]})
    >>> seed_prior(ex, ["A", "B"])
    0.5
    """
    real = examples.loc[examples["source"] != "terms", "code"].value_counts()
    return float(np.mean([real.get(c, 0) == 0 for c in codes]))


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
        The researcher's labels (:func:`compare.training.read_labels`, or the
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
    from compare import coder, training

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
    own = _merged_labels(overrides, labels)
    titles, texts = list(tasks["title"].fillna("")), list(tasks["text"].fillna(""))
    attrs: dict = {}
    if method == "model":
        examples, model = model_coder(codebook, own, tasks)  # trained once per training set
        P = coder.predict_cached(model, titles, texts, tokens)  # each task predicted once
        # Seed terms as a prior: themes with no labelled task and no note have
        # only their seed-term example; their share of the codebook is the
        # weight of the seed-term coding blended in (0 for the shipped codebook).
        prior = seed_prior(examples, codes)
        if prior > 0:
            if X is None:
                titles_tok, texts_tok = tokens or task_tokens(tasks, dictionary)
                groups = tasks["district"] if "district" in tasks.columns else None
                X, _ = tfidf_matrix(titles_tok, texts_tok, groups=groups)
            P_seed = theme_probabilities(seed_scores(titles, texts, codebook), X, blend=blend)
            P = (1 - prior) * P + prior * P_seed
        seen = set(examples.loc[examples["source"] == "seed", "group"]) and set(
            training.seed_labels()["task_id"]
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
        The researcher's labels file (``task_id,code``; :func:`compare.training.read_labels`).
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
    labels = read_own_labels(codebook, overrides, labels)
    tasks = tasks.reset_index(drop=True)
    pre = precomputed or {}
    if pre.get("tokens") is not None:
        title_tok, text_tok = pre["tokens"]
    else:  # the coder's training texts in the same call: one jieba start-up, in the workers
        from compare import training

        ex = training.training_examples(codebook, labels=labels, tasks=tasks)
        extra = [] if dictionary is not None else list(ex["title"]) + list(ex["text"])
        title_tok, text_tok = task_tokens(tasks, dictionary, extra=extra)
    groups = tasks["district"] if "district" in tasks.columns else None
    X = pre.get("X")
    if X is None and (pre.get("coded") is None or pre.get("clustering") is None):
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
