"""Measure the quality of compare.themes against benchmarks/validation_labels.csv.

Run from the project root::

    .venv/bin/python benchmarks/eval_themes.py            # markdown to stdout
    .venv/bin/python benchmarks/eval_themes.py --quick    # skip the slower comparisons

It prints the figures quoted in benchmarks/THEMES.md: codebook top-1/top-2
accuracy on the hand labels, robustness of the coding when seed terms are
removed at random, ARI/NMI of the clusters (automatic k, several seeds)
against the hand labels and against the codebook codes, a comparison of
clustering methods, and silhouette against k. Every random step is seeded.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.decomposition import NMF
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score

from compare import config, themes
from compare.corpus import load_corpus

LABELS = Path(__file__).resolve().parent / "validation_labels.csv"


def _accuracy(coded: pd.DataFrame, gold: np.ndarray) -> tuple[float, float]:
    top1 = coded["theme"].to_numpy() == gold
    top2 = top1 | (coded["theme_2"].to_numpy() == gold)
    return float(top1.mean()), float(top2.mean())


def _table(rows: list[dict], floatfmt: str = "{:.3f}") -> str:
    columns = list(rows[0]) if rows else []
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for r in rows:
        cells = []
        for c in columns:
            v = r[c]
            if isinstance(v, np.integer):
                v = int(v)
            cells.append(floatfmt.format(v) if isinstance(v, float | np.floating) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir", default=str(config.RAW_DIR), help="plans folder (default data/raw)"
    )
    parser.add_argument("--labels", default=str(LABELS))
    parser.add_argument("--quick", action="store_true", help="skip ablation and method comparison")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    tasks = load_corpus(args.dir).tasks.reset_index(drop=True)
    labels = pd.read_csv(args.labels, dtype=str).set_index("task_id")["code"]
    missing = sorted(set(tasks["task_id"]) - set(labels.index))
    if missing:
        print(f"no hand label for {len(missing)} tasks, e.g. {missing[:3]}", file=sys.stderr)
        return 1
    gold = labels.loc[tasks["task_id"]].to_numpy()
    codebook = themes.load_codebook()
    out = print

    t0 = time.perf_counter()
    tokens = themes.task_tokens(tasks)
    X, vocab = themes.tfidf_matrix(*tokens, groups=tasks["district"])
    coded = themes.code_tasks(tasks, codebook, X=X)
    t_code = time.perf_counter() - t0
    top1, top2 = _accuracy(coded, gold)
    out(
        f"## Corpus\n\n{len(tasks)} tasks in {tasks['doc_id'].nunique()} plans; "
        f"{len(set(gold))} distinct hand-labelled codes; TF-IDF vocabulary {len(vocab)} terms.\n"
    )
    out("## Codebook coding (default settings)\n")
    out(
        _table(
            [
                {
                    "tasks": len(tasks),
                    "top-1": top1,
                    "top-2": top2,
                    "mean confidence": float(coded["confidence"].mean()),
                    "mean confidence (wrong top-1)": float(
                        coded.loc[coded["theme"] != gold, "confidence"].mean()
                    )
                    if (coded["theme"] != gold).any()
                    else float("nan"),
                    "seconds": t_code,
                }
            ]
        )
    )
    wrong = coded.assign(gold=gold, title=tasks["title"])[coded["theme"] != gold]
    if len(wrong):
        out("\nMisses (hand label vs. coded):\n")
        out(
            _table(
                [
                    {
                        "task_id": r.task_id,
                        "title": r.title,
                        "hand": r.gold,
                        "coded": r.theme,
                        "runner-up": r.theme_2,
                        "confidence": float(r.confidence),
                    }
                    for r in wrong.itertuples()
                ]
            )
        )

    if not args.quick:
        out("\n## Robustness: seed terms removed at random (10 draws each)\n")
        rows = []
        for drop in (0.3, 0.5):
            for blend in (0.0, 0.3):
                accs = []
                for r in range(10):
                    rng = np.random.default_rng(r)
                    cb = codebook.copy()
                    cb["seed_terms"] = [
                        tuple(t for t in ts if rng.random() > drop) or ts[:1]
                        for ts in codebook["seed_terms"]
                    ]
                    accs.append(_accuracy(themes.code_tasks(tasks, cb, X=X, blend=blend), gold))
                a = np.array(accs)
                rows.append(
                    {
                        "terms removed": f"{drop:.0%}",
                        "blend": blend,
                        "top-1 mean": float(a[:, 0].mean()),
                        "top-1 sd": float(a[:, 0].std()),
                        "top-2 mean": float(a[:, 1].mean()),
                    }
                )
        out(_table(rows))

    out("\n## Clusters with automatic k (default: KMeans, guide 0.5)\n")
    rows = []
    probs = coded.attrs["probabilities"]
    for seed in range(5):
        t0 = time.perf_counter()
        cl = themes.cluster_tasks(tasks, seed=seed, probabilities=probs, tokens=tokens)
        rows.append(
            {
                "seed": seed,
                "k": cl.k,
                "ARI vs hand labels": adjusted_rand_score(gold, cl.labels),
                "NMI vs hand labels": normalized_mutual_info_score(gold, cl.labels),
                "ARI vs codebook codes": adjusted_rand_score(coded["theme"], cl.labels),
                "NMI vs codebook codes": normalized_mutual_info_score(coded["theme"], cl.labels),
                "seconds": time.perf_counter() - t0,
            }
        )
    out(_table(rows))
    aris = [r["ARI vs hand labels"] for r in rows]
    out(f"\nMean ARI vs hand labels over seeds: {np.mean(aris):.3f} (min {np.min(aris):.3f}).")
    cl0 = themes.cluster_tasks(tasks, seed=0, probabilities=probs, tokens=tokens)
    out("\nAutomatic-k table, seed 0 (score = stability − null stability):\n")
    out(_table(cl0.k_table.to_dict("records")))
    out("\nClusters, seed 0:\n")
    out(
        _table(
            [
                {
                    "cluster": r.cluster,
                    "size": r.size,
                    "label": r.label,
                    "examples": " / ".join(r.examples),
                }
                for r in cl0.summary.itertuples()
            ]
        )
    )

    if not args.quick:
        true_k = len(set(gold))
        out(f"\n## Method comparison (ARI vs hand labels; true k = {true_k})\n")
        rows = []
        for guide in (0.0, 0.5):
            F = themes.cluster_features(X, probs, guide=guide, seed=0)
            auto_k, _ = themes.choose_k(F, seed=0)
            for k_name, k in (("true k", true_k), (f"auto k={auto_k}", auto_k)):
                km = np.mean(
                    [
                        adjusted_rand_score(
                            gold, KMeans(k, n_init=10, random_state=s).fit_predict(F)
                        )
                        for s in range(5)
                    ]
                )
                ward = adjusted_rand_score(
                    gold, AgglomerativeClustering(k, linkage="ward").fit_predict(F)
                )
                cos = adjusted_rand_score(
                    gold,
                    AgglomerativeClustering(k, metric="cosine", linkage="average").fit_predict(F),
                )
                nonneg = (
                    np.hstack([np.sqrt(guide) * probs, np.sqrt(1 - guide) * X.toarray()])
                    if guide
                    else X
                )
                W = NMF(k, init="nndsvda", random_state=0, max_iter=2000).fit_transform(nonneg)
                nmf = adjusted_rand_score(gold, W.argmax(axis=1))
                rows.append(
                    {
                        "guide": guide,
                        "k": k_name,
                        "KMeans (5 seeds)": float(km),
                        "Ward": float(ward),
                        "cosine average": float(cos),
                        "NMF": float(nmf),
                    }
                )
        out(_table(rows))

        out("\n## Silhouette keeps rising with k (text only, guide 0; KMeans seed 0)\n")
        F0 = themes.cluster_features(X, None, guide=0.0, seed=0)
        rows = []
        for k in (5, 10, 15, 18, 20, 25, 30, 35):
            lab = KMeans(k, n_init=10, random_state=0).fit_predict(F0)
            rows.append(
                {
                    "k": k,
                    "silhouette": float(silhouette_score(F0, lab)),
                    "ARI vs hand labels": adjusted_rand_score(gold, lab),
                }
            )
        out(_table(rows))
        auto0 = themes.cluster_tasks(tasks, seed=0, guide=0.0, tokens=tokens)
        out(
            f"\nText-only clusters (guide 0) with automatic k: k={auto0.k}, ARI vs hand labels "
            f"{adjusted_rand_score(gold, auto0.labels):.3f}, NMI "
            f"{normalized_mutual_info_score(gold, auto0.labels):.3f}."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
