"""What the themes report says about the coding: clusters, confidence, overrides, expected accuracy.

:func:`theme_facts` counts what the coded-tasks table
(:func:`compare.coding.coded_tasks`) holds; :func:`expected_accuracy`
estimates how well the coder would do on a plan from a district it has not
seen (leave-one-district-out cross-validation of :mod:`compare.coder`). Each
returns a dict that fills the notebook's sentences; the sentences of the
comparisons are :mod:`compare.report.facts`.

Examples
--------
>>> c = pd.DataFrame({"cluster": [0, 0, 1], "cluster_label": ["a", "a", "b"],
...                   "confidence": [0.9, 0.3, 0.8], "overridden": [False, False, False]})
>>> s = pd.DataFrame({"theme": ["A"], "theme_name": ["x"], "share": [1.0], "n_tasks": [3]})
>>> theme_facts(c, s)["big_size"]
2
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from compare.coder import UNCLEAR

__all__ = ["expected_accuracy", "theme_facts"]


def theme_facts(coded: pd.DataFrame, shares: pd.DataFrame, low: float = 0.5) -> dict[str, Any]:
    """Numbers the themes report states: clusters, top theme, confidence, overrides.

    Parameters
    ----------
    coded : pandas.DataFrame
        From :func:`coded_tasks`.
    shares : pandas.DataFrame
        :func:`compare.shares.theme_shares` over all tasks (one group).
    low : float
        Confidence below which a coding counts as uncertain (default 0.5:
        the primary theme is then less likely than all the others together).

    Examples
    --------
    >>> c = pd.DataFrame({"cluster": [0, 1], "cluster_label": ["a", "b"], "confidence": [0.3, 0.9],
    ...                   "overridden": [False, True]})
    >>> s = pd.DataFrame({"theme": ["A"], "theme_name": ["x"], "share": [1.0], "n_tasks": [2]})
    >>> theme_facts(c, s)["n_low"]
    1
    """
    sizes = coded["cluster"].value_counts()
    biggest = int(sizes.idxmax())
    top = shares.sort_values(["share", "theme"], ascending=[False, True]).iloc[0]
    return {
        "n_tasks": len(coded),
        "n_clusters": int(coded["cluster"].nunique()),
        "k_how": "自动选定 chosen by stability"
        if coded.attrs.get("k_auto", True)
        else "参数指定 set",
        "big_label": str(coded.loc[coded["cluster"] == biggest, "cluster_label"].iloc[0]),
        "big_size": int(sizes.max()),
        "n_themes_used": int((shares["share"] > 0).sum()),
        "n_themes": len(shares),
        "top_theme": str(top["theme_name"]),
        "top_share": float(top["share"]),
        "median_confidence": float(coded["confidence"].median()),
        "low": low,
        "n_low": int((coded["confidence"] < low).sum()),
        "share_low": float((coded["confidence"] < low).mean()),
        "n_overridden": int(coded["overridden"].fillna(False).astype(bool).sum()),
        "n_unclear": int((coded["theme"].astype(str) == UNCLEAR).sum()) if "theme" in coded else 0,
        "n_labels": int(coded.attrs.get("n_labels", 0)),
        "n_seen": int(coded["task_id"].isin(_seed_ids()).sum()) if coded.attrs.get("n_seen") else 0,
        "threshold": float(coded.attrs.get("threshold") or 0.0),
        "guided": float(coded.attrs.get("guide", 0.0)) > 0,
        "cluster_kind": (
            f"由编码本引导（guided, guide={float(coded.attrs.get('guide', 0.0)):g}）"
            if float(coded.attrs.get("guide", 0.0)) > 0
            else "纯文本（text only）"
        ),
    }


def _seed_ids() -> set[str]:
    from compare.training import seed_labels

    return set(seed_labels()["task_id"])


def _cross_validated(
    codebook: pd.DataFrame, labels: pd.DataFrame | None, tasks: pd.DataFrame | None
) -> pd.DataFrame:
    """:func:`compare.coder.cross_validate` by district, cached by the content it reads.

    The key is the codebook, the labelled pool (seed labels and the
    researcher's labels with their tasks' text), the package source with its
    resources, and the versions of jieba and scikit-learn; the result is kept
    under ``data/interim/accuracy``. Without researcher labels the pool does
    not depend on the plans, so a render after a plan changed reuses it.
    """
    import hashlib
    from importlib.metadata import version

    from compare import coder, config, training
    from compare.cachelock import pickled
    from compare.report.manifest import source_digest

    pool = training.labelled_pool(codebook, labels=labels, tasks=tasks)
    digest = hashlib.sha256()
    for part in (
        codebook.to_csv(index=False),
        pool.to_csv(index=False),
        source_digest(config.PACKAGE_DIR),
        version("jieba"),
        version("scikit-learn"),
    ):
        digest.update(part.encode("utf-8") + b"\0")
    return pickled(
        "accuracy",
        digest.hexdigest()[:24],
        lambda: coder.cross_validate(codebook, by="district", labels=labels, tasks=tasks),
    )


def expected_accuracy(
    tasks: pd.DataFrame | None = None,
    *,
    codebook: str | Path = "",
    labels: str | Path = "",
) -> dict[str, Any]:
    """Expected accuracy of the coding on a plan from a new district (leave-one-district-out).

    Every district of the labelled tasks (the shipped seed labels of the
    codebook's themes, plus the researcher's labels of tasks in ``tasks``) is
    held out in turn; the model trained on the others codes it.

    Returns
    -------
    dict
        ``n, n_districts, top1, top2, unclear, top1_clear, threshold``,
        ``bands`` (confidence band, tasks, share right), ``calibration`` (a
        sentence of the bands) and ``sentence`` (Chinese and English), which
        says when it cannot apply.

    Examples
    --------
    >>> expected_accuracy()["n_districts"]  # doctest: +SKIP
    3
    """
    from compare import coder, training
    from compare.codebook import load_codebook

    cb = load_codebook(codebook or None)
    own = training.read_labels(labels, list(cb["code"])) if labels else None
    cv = _cross_validated(cb, own, tasks)
    acc = coder.accuracy(cv, coder.DEFAULT_THRESHOLD)
    n_districts = int(cv["group"].nunique()) if len(cv) else 0
    out = {**acc, "n_districts": n_districts, "threshold": coder.DEFAULT_THRESHOLD}
    conf = cv["confidence"].astype(float) if len(cv) else pd.Series(dtype=float)
    hit = (cv["guess"] == cv["code"]) if len(cv) else pd.Series(dtype=bool)
    bands = [(0.9, 1.01), (coder.DEFAULT_THRESHOLD, 0.9), (0.0, coder.DEFAULT_THRESHOLD)]
    out["bands"] = [
        (
            lo,
            min(hi, 1.0),
            int(((conf >= lo) & (conf < hi)).sum()),
            float(hit[(conf >= lo) & (conf < hi)].mean())
            if ((conf >= lo) & (conf < hi)).any()
            else float("nan"),
        )
        for lo, hi in bands
    ]
    out["calibration"] = (
        "；".join(
            f"置信度 {lo:g}–{hi:g} 的 {n} 项中 {a:.0%} 正确" for lo, hi, n, a in out["bands"] if n
        )
        + "（confidence band: share right）。"
    )
    if n_districts < 2:
        out["sentence"] = (
            "标注任务不足两个区，无法估计编码在新区规划上的准确率（no estimate: labelled tasks "
            "come from fewer than two districts）。"
        )
        return out
    out["sentence"] = (
        f"**新区规划的预期准确率**：以 {acc['n']} 项已标注任务（{n_districts} 个区）做留一区交叉验证，"
        f"首选主题正确率 {acc['top1']:.0%}，首选或次选正确率 {acc['top2']:.0%}；"
        f"{acc['unclear']:.0%} 的任务置信度低于 {coder.DEFAULT_THRESHOLD} 而记为未定，其余任务正确率 "
        f"{acc['top1_clear']:.0%}。"
        f"*Expected accuracy on a plan from a new district (leave-one-district-out over "
        f"{acc['n']} labelled tasks in {n_districts} districts): top-1 {acc['top1']:.0%}, "
        f"top-2 {acc['top2']:.0%}; {acc['unclear']:.0%} fall below {coder.DEFAULT_THRESHOLD} "
        f"and are coded unclear, the rest are {acc['top1_clear']:.0%} right. Plans worded "
        f"unlike the labelled ones will score lower.*"
    )
    return out
