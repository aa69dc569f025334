"""Coded tasks, made in one place and cached: every task with its theme and cluster.

:func:`coded_tasks` runs :func:`compare.themes.theme_table` (the codebook
coding of :mod:`compare.coder` and the text-only clusters) over a corpus's
tasks, and caches the result under ``data/interim/themes``, keyed by the
content of the tasks, codebook, labels, parameters and the source of the theme
code. The reports and ``compare themes`` and ``compare shares`` all call it,
so a second call on the same plans is served from the cache.

Examples
--------
>>> from compare import load_corpus
>>> coded = coded_tasks(load_corpus().tasks)  # doctest: +SKIP
>>> coded["theme"].notna().all()               # doctest: +SKIP
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from compare import config
from compare.cachelock import computing, pickled, pickled_shared, read_pickle
from compare.themes import CODED_COLUMNS

__all__ = ["THEME_COLUMNS", "coded_tasks", "theme_coder"]

THEME_COLUMNS = ("cluster", "cluster_label", *CODED_COLUMNS)


#: Package files whose change invalidates the cached coding.
_THEME_SOURCES = (
    "codebook.py",
    "coder.py",
    "coding.py",
    "clusters.py",
    "features.py",
    "rowcache.py",
    "seedterms.py",
    "stability.py",
    "text.py",
    "themes.py",
    "training.py",
)


_CACHE_FORMAT = 3


def _theme_code_digest() -> str:
    digest = hashlib.sha256()
    for name in _THEME_SOURCES:
        digest.update((config.PACKAGE_DIR / name).read_bytes())
    for path in sorted(config.RESOURCES_DIR.glob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _file_bytes(path: str | Path | None) -> bytes:
    return Path(path).read_bytes() if path else b""


def _in_parts(
    key: str,
    tasks: pd.DataFrame,
    *,
    k: int,
    codebook: str | Path,
    overrides: str | Path,
    labels: str | Path,
    seed: int,
    guide: float,
    threshold: float | None,
) -> Callable[[], pd.DataFrame]:
    """:func:`compare.themes.theme_table` of the tasks, its two independent halves cached apart.

    The tokens are segmented by one process (the token cache serves the
    others); then the codebook coding and the text-only clusters, which do
    not depend on each other (``guide`` 0), are computed by whichever
    process needing them gets to each first (:func:`compare.cachelock.pickled_shared`):
    while one render kernel codes, the other clusters. Returns the assembly of
    the table from them, the table ``theme_table`` computes in one go.
    """
    import numpy as np

    from compare import training
    from compare.clusters import cluster_tasks
    from compare.codebook import load_codebook
    from compare.features import task_tokens, tfidf_matrix
    from compare.themes import code_tasks, read_own_labels, seed_prior, theme_table

    cb = load_codebook(codebook or None)
    own = read_own_labels(cb, overrides or None, labels or None)
    tasks = tasks.reset_index(drop=True)
    with computing("themes-tokens", key):  # the second process reads the token cache
        ex = training.training_examples(cb, labels=own, tasks=tasks)
        tokens = task_tokens(tasks, extra=list(ex["title"]) + list(ex["text"]))
    groups = tasks["district"] if "district" in tasks.columns else None
    matrix: list = []

    def X():  # noqa: N802 - the tasks' TF-IDF, made once per process and only where needed
        if not matrix:
            matrix.append(tfidf_matrix(*tokens, groups=groups)[0])
        return matrix[0]

    def coding() -> pd.DataFrame:
        # the TF-IDF matters to the coding only through the seed-term prior (0 when
        # every theme has labelled tasks or notes, as in the shipped codebook)
        vectors = X() if seed_prior(ex, list(cb["code"])) > 0 else None
        return code_tasks(tasks, cb, labels=own, threshold=threshold, X=vectors, tokens=tokens)

    def clusters(probabilities=None):
        clustering = cluster_tasks(
            tasks,
            k=int(k) or None,
            seed=int(seed),
            guide=float(guide),
            probabilities=probabilities,
            tokens=tokens,
            X=X(),
        )
        # the table reads the labels, k table and summary, not the vectors
        return dataclasses.replace(clustering, features=np.zeros((0, 0)))

    if float(guide) > 0:  # guided clusters are built on the coding: one after the other
        coded = pickled("themes-coding", key, coding)
        clustering = pickled("themes-clusters", key, lambda: clusters(coded.attrs["probabilities"]))
    else:
        coded, clustering = pickled_shared(
            [("themes-coding", key, coding), ("themes-clusters", key, clusters)]
        )
    return lambda: theme_table(
        tasks,
        k=int(k) or None,
        codebook=cb,
        labels=own,
        seed=int(seed),
        guide=float(guide),
        threshold=threshold,
        precomputed={"tokens": tokens, "coded": coded, "clustering": clustering},
    )


def coded_tasks(
    tasks: pd.DataFrame,
    *,
    k: int = 0,
    codebook: str | Path = "",
    overrides: str | Path = "",
    labels: str | Path = "",
    seed: int = 0,
    guide: float = 0.0,
    threshold: float | None = None,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Every task with its codebook theme and its cluster (:func:`compare.themes.theme_table`).

    Code the whole corpus, then select: the coding's TF-IDF smoothing and
    the clusters depend on all the tasks passed.

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``Corpus.tasks``; not modified.
    k : int
        Number of clusters; 0 chooses it automatically (stability).
    codebook : str or pathlib.Path
        A codebook TSV; ``""`` means the shipped codebook.
    labels, overrides : str or pathlib.Path
        The researcher's labels file (``task_id,code``), used as overrides and
        as training examples; ``overrides`` is its older name (if both are
        given, ``labels`` wins for a task in both). ``""`` means none.
    seed : int
        Seed of the clustering.
    guide, threshold : float
        As in :func:`compare.themes.theme_table` (guided clustering weight;
        confidence below which a task is coded ``?``; None: the calibrated default).
    use_cache : bool
        Reuse the result cached under ``data/interim/themes`` for the same
        content (tasks, files, parameters, theme code).

    Returns
    -------
    pandas.DataFrame
        The task columns plus ``cluster, cluster_label, theme, theme_name,
        confidence, theme_2, theme_2_name, confidence_2, overridden``.
        ``attrs`` holds ``clusters`` (cluster summary), ``k_table``,
        ``n_overridden``, ``n_unclear``, ``n_labels``, ``threshold``,
        ``guide`` and ``k_auto`` (whether k was chosen automatically).

    Examples
    --------
    >>> from compare import load_corpus
    >>> coded = coded_tasks(load_corpus().tasks)  # doctest: +SKIP
    >>> coded["theme"].notna().all()               # doctest: +SKIP
    True
    """
    from compare.themes import theme_table

    payload = {
        "format": _CACHE_FORMAT,
        "tasks": hashlib.sha256(
            pd.util.hash_pandas_object(
                tasks[["task_id", "title", "text", "district"]].astype(str), index=False
            ).to_numpy()
        ).hexdigest(),
        "codebook": hashlib.sha256(_file_bytes(codebook)).hexdigest(),
        "overrides": hashlib.sha256(_file_bytes(overrides)).hexdigest(),
        "labels": hashlib.sha256(_file_bytes(labels)).hexdigest(),
        "k": int(k),
        "seed": int(seed),
        "guide": float(guide),
        "threshold": None if threshold is None else float(threshold),
        "code": _theme_code_digest(),
    }
    key = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]

    def compute() -> pd.DataFrame:
        return theme_table(
            tasks,
            k=int(k) or None,
            codebook=codebook or None,
            overrides=overrides or None,
            labels=labels or None,
            seed=int(seed),
            guide=float(guide),
            threshold=threshold,
        )

    if not use_cache:
        table = compute()
    else:
        table = read_pickle(config.INTERIM_DIR / "themes" / f"{key}.pkl")
        if table is None:  # two render kernels start alike: they share the halves
            assemble = _in_parts(
                key,
                tasks,
                k=k,
                codebook=codebook,
                overrides=overrides,
                labels=labels,
                seed=seed,
                guide=guide,
                threshold=threshold,
            )
            table = pickled("themes", key, assemble)  # assembled and written once
    base = tasks.drop(columns=[c for c in THEME_COLUMNS if c in tasks.columns])
    out = base.merge(
        table[["task_id", *THEME_COLUMNS]], on="task_id", how="left", validate="one_to_one"
    )
    out.attrs.update(
        clusters=table.attrs.get("clusters"),
        k_table=table.attrs.get("k_table"),
        n_overridden=int(table.attrs.get("n_overridden", 0)),
        n_unclear=int(table.attrs.get("n_unclear", 0)),
        n_labels=int(table.attrs.get("n_labels", 0)),
        n_seen=int(table.attrs.get("n_seen", 0)),
        threshold=table.attrs.get("threshold"),
        guide=float(table.attrs.get("guide", 0.0)),
        k_auto=not int(k),
    )
    return out


def theme_coder(
    tasks: pd.DataFrame | None = None,
    *,
    codebook: str | Path = "",
    overrides: str | Path = "",
    labels: str | Path = "",
):
    """The fitted theme coder :func:`coded_tasks` codes with for these arguments.

    Fitted once and cached (:func:`compare.coder.fitted_coder`), so a later
    :func:`coded_tasks` with the same codebook and labels does not fit it
    again. Without labels the coder learns from the shipped examples alone
    and reads no plan (``tasks`` may be None): report 02 fits it before it
    reads the plans, while another kernel parses them.

    Examples
    --------
    >>> model = theme_coder()  # doctest: +SKIP
    >>> model.codes[:3]         # doctest: +SKIP
    ['A', 'B', 'C']
    """
    from compare.codebook import load_codebook
    from compare.exceptions import CompareError
    from compare.themes import model_coder, read_own_labels

    cb = load_codebook(codebook or None)
    own = read_own_labels(cb, overrides or None, labels or None)
    if own is not None and len(own) and tasks is None:
        raise CompareError("the coder learns from labelled tasks' text: pass the tasks")
    return model_coder(cb, own, tasks)[1]
