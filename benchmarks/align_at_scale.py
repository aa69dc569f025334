"""Alignment at scale: whole-corpus best counterparts and shared priorities by district.

Measures :func:`compare.align.best_counterparts` (top ``k`` other districts per task) and
:func:`compare.align.shared_priorities` over every task of a generated corpus, against the
project's floor (bare ``jieba.lcut`` over the decoded text of every file, one process), each
step in a fresh process::

    .venv/bin/python -c "import sys; sys.path.insert(0, 'benchmarks'); from synth import generate_corpus; generate_corpus('data/bench/corpus/n1000', 1000, seed=0)"
    .venv/bin/python benchmarks/align_at_scale.py data/bench/corpus/n1000 --k 20 --also-all

``make bench`` generates the same corpora in the same place. Steps, one JSON line each:

* ``prepare`` (not timed against anything): ``load_corpus`` and the task tokens, filling the
  parse and token caches of ``COMPARE_HOME`` (default ``data/bench/home/nN``), so that the
  measured step starts from what a report has: the tasks and their tokens;
* ``floor``: :func:`compare.bench._worker_floor`, the same floor as ``RESULTS.md``;
* ``align``: in a process that has loaded the tasks and tokens from the caches, TF-IDF task
  vectors + ``best_counterparts(tasks, by="district", k=K)`` + ``shared_priorities``;
  wall-clock time of each, and peak RSS of the process *and its worker processes* (sampled
  every 20 ms), before and during alignment. ``--also-all`` measures ``k=None`` too (every
  other district: the table the code produced before ``k``).

``--search exact|approx`` forces one search (default: the library's choice, exact below
``align.APPROX_MIN_TASKS`` tasks), ``--plans 1250,2500,5000`` also aligns the tasks of the
first 1,250, 2,500, … plans by ``doc_id`` (content-derived, so a fixed pseudo-random subset),
each in a fresh process, and prints the fitted exponent of counterpart time against tasks;
``--interleave`` times only the counterpart search, each ``--search`` in turn on the same
rows of one process (wall and CPU seconds; the caches must be filled), for a loaded machine;
``--recall-sample N`` compares an approximate table with the exact answer for ``N`` sampled
tasks (those rows × the whole matrix, the exact scan): row recall (same districts, same
counterparts and scores) and score recall (share of the exact (task, district) cells whose
district is kept with the same score, within 1e-12).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _exact_sample(tasks, X, rows, k: int | None):
    """The exact table's rows for the tasks at positions ``rows`` (those rows × every row)."""
    import numpy as np
    import pandas as pd
    from scipy import sparse

    from compare import align

    groups = tasks["district"].astype(str).to_numpy()
    ids = tasks["task_id"].to_numpy()
    names = sorted(set(groups))
    codes = np.asarray(pd.Categorical(groups, categories=names).codes, dtype=np.int64)
    kk = len(names) - 1 if k is None else min(k, len(names) - 1)
    order = align._canonical_order(ids, codes)
    sc = codes[order]
    starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
    Xs = sparse.csr_matrix(X[order])
    Xs.sort_indices()
    Xr = sparse.csr_matrix(X[rows])
    Xr.sort_indices()
    score, group, col = align._scan_rows(Xs, Xr, codes[rows], starts, kk, 64.0, None)
    return pd.DataFrame(
        {
            "task_id": np.repeat(ids[rows], kk),
            "other": np.asarray(names)[group.ravel()],
            "match_task_id": ids[order[col.ravel()]],
            "score": np.round(score.ravel(), 6),
        }
    )


def _recall(tasks, X, matches, n_sample: int, k: int | None) -> dict:
    """Row and score recall of ``matches`` on ``n_sample`` tasks drawn with a fixed seed."""
    import numpy as np

    rows = np.sort(np.random.default_rng(0).choice(len(tasks), n_sample, replace=False))
    t = time.perf_counter()
    exact = _exact_sample(tasks, X, rows, k)
    exact_s = time.perf_counter() - t
    got = matches[matches["task_id"].isin(set(exact["task_id"]))]
    key = ["task_id", "other"]
    both = exact.merge(got, on=key, how="left", suffixes=("", "_got"))
    same_score = (both["score"] - both["score_got"]).abs().le(1e-12)
    same_cell = same_score & both["match_task_id"].eq(both["match_task_id_got"])
    return {
        "recall_sample": n_sample,
        "row_recall": round(float(same_cell.groupby(both["task_id"]).all().mean()), 4),
        "score_recall": round(float(same_score.mean()), 4),
        "exact_sample_s": round(exact_s, 2),
    }


def _align(folder: str, k: int | None, search: str, plans: int, n_sample: int) -> dict:
    import math

    from bench import _RssSampler

    sampler = _RssSampler()
    t0 = time.perf_counter()
    from compare.align import best_counterparts, shared_priorities, task_vectors
    from compare.corpus import load_corpus
    from compare.text import tokens_of_tasks

    tasks = load_corpus(folder, catalog=None).tasks.reset_index(drop=True)
    tokens = tokens_of_tasks(tasks)
    if plans:  # the tasks of the first `plans` documents by doc_id (content-derived)
        kept = set(sorted(tasks["doc_id"].unique())[:plans])
        inside = tasks["doc_id"].isin(kept).to_numpy()
        tokens = [tk for tk, keep in zip(tokens, inside, strict=True) if keep]
        tasks = tasks[inside].reset_index(drop=True)
    loaded_s = time.perf_counter() - t0
    before = sampler.peak_mb()
    sampler.reset()
    t = time.perf_counter()
    X = task_vectors(tasks, tokens=tokens)
    del tokens  # as in a report: only the vectors are kept
    gc.collect()
    vectors_s = time.perf_counter() - t
    t = time.perf_counter()
    approx_min = {"exact": math.inf, "approx": 0}.get(search)  # auto: the library's default
    matches = best_counterparts(tasks, by="district", k=k, X=X, approx_min_tasks=approx_min)
    counterparts_s = time.perf_counter() - t
    t = time.perf_counter()
    table = shared_priorities(matches, tasks, by="district")
    priorities_s = time.perf_counter() - t
    peak = sampler.peak_mb()
    sampler.close()
    kinds = table["shared_by"].where(table["n_groups"] < 2, "shared by 2+").value_counts()
    recall = _recall(tasks, X, matches, n_sample, k) if n_sample else {}
    return {
        "step": "align",
        "k": k,
        "search": matches.attrs.get("search"),
        "plans": int(tasks["doc_id"].nunique()),
        "tasks": len(tasks),
        "districts": int(tasks["district"].nunique()),
        "terms": int(X.shape[1]),
        "nnz": int(X.nnz),
        "rows": len(matches),
        "edges_at_threshold": int((matches["score"] >= 0.17).sum()),
        "priorities": len(table),
        "kinds": {str(key): int(v) for key, v in kinds.items()},
        "largest_priority": int(table["n_groups"].max()),
        "load_tasks_and_tokens_s": round(loaded_s, 2),
        "vectors_s": round(vectors_s, 2),
        "counterparts_s": round(counterparts_s, 2),
        "priorities_s": round(priorities_s, 2),
        "align_s": round(vectors_s + counterparts_s + priorities_s, 2),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(peak),
        "main_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        **recall,
    }


def _interleave(folder: str, k: int | None, searches: list[str], plans: list[int]) -> None:
    """Counterparts only, each search in turn on the same rows of one process: wall and CPU s."""
    import math

    from compare.align import best_counterparts, task_vectors
    from compare.corpus import load_corpus
    from compare.text import tokens_of_tasks

    tasks = load_corpus(folder, catalog=None).tasks.reset_index(drop=True)
    X = task_vectors(tasks, tokens=tokens_of_tasks(tasks))
    docs = sorted(tasks["doc_id"].unique())
    for p in [50, *plans]:  # 50 plans first: the compiled code is loaded, not timed
        inside = tasks["doc_id"].isin(set(docs[: p or len(docs)])).to_numpy()
        t, Xp = tasks[inside].reset_index(drop=True), X[inside]
        for search in searches:
            w, c = time.perf_counter(), time.process_time()
            m = best_counterparts(
                t, k=k, X=Xp, approx_min_tasks=0 if search == "approx" else math.inf
            )
            out = {"step": "interleave", "plans": p or len(docs), "tasks": len(t),
                   "search": m.attrs["search"], "wall_s": round(time.perf_counter() - w, 1),
                   "cpu_s": round(time.process_time() - c, 1),
                   "load": round(os.getloadavg()[0], 1)}  # fmt: skip
            if p != 50:
                print(json.dumps(out), flush=True)


def _prepare(folder: str) -> dict:
    t = time.perf_counter()
    from compare.corpus import load_corpus
    from compare.text import tokens_of_tasks

    tasks = load_corpus(folder, catalog=None).tasks
    tokens_of_tasks(tasks)
    return {"step": "prepare", "tasks": len(tasks), "seconds": round(time.perf_counter() - t, 2)}


def _child(
    step: str, folder: str, k: int | None, env: dict[str, str], extra: tuple[str, ...] = ()
) -> dict:
    argv = [sys.executable, __file__, folder, "--step", step, *extra]
    if k is not None:
        argv += ["--k", str(k)]
    else:
        argv += ["--k", "all"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        return {"step": step, "k": k, "error": done.stderr.strip().splitlines()[-1:]}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="a generated corpus, e.g. data/bench/corpus/n1000")
    ap.add_argument("--k", default="20", help="other districts kept per task, or 'all'")
    ap.add_argument("--also-all", action="store_true", help="measure k=all (every district) too")
    ap.add_argument("--home", help="COMPARE_HOME for the caches (default data/bench/home/nN)")
    ap.add_argument("--search", default="auto",
                    help="auto (the library's choice), exact, approx, or several: exact,approx")  # fmt: skip
    ap.add_argument("--plans", default="", help="also align subsets: the first N plans by doc_id")
    ap.add_argument("--recall-sample", type=int, default=0, help="tasks checked against exact")
    ap.add_argument("--no-floor", action="store_true", help="skip the floor (a rerun)")
    ap.add_argument("--interleave", action="store_true",
                    help="time the searches in turn on the same rows of one process (no table)")  # fmt: skip
    ap.add_argument("--subset", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--step", choices=("prepare", "floor", "align"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    k = None if args.k == "all" else int(args.k)
    folder = str(Path(args.folder).resolve())
    if args.interleave:
        subsets = [int(p) for p in args.plans.split(",") if p.strip()] + [0]
        _interleave(folder, k, args.search.split(","), subsets)
        return
    if args.step:
        if args.step == "floor":
            from bench import _worker_floor

            out = {"step": "floor", **_worker_floor(Path(folder))}
        elif args.step == "prepare":
            out = _prepare(folder)
        else:
            out = _align(folder, k, args.search, args.subset, args.recall_sample)
        print(json.dumps(out, ensure_ascii=False))
        return
    home = args.home or str(Path("data/bench/home") / Path(folder).name)
    Path(home).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COMPARE_HOME": str(Path(home).resolve())}
    _child("prepare", folder, k, env)
    floor = {} if args.no_floor else _child("floor", folder, k, env)
    subsets = [int(p) for p in args.plans.split(",") if p.strip()] + [0]  # 0: every plan
    runs = []
    for search in args.search.split(","):
        extra = ("--search", search, "--recall-sample", str(args.recall_sample))
        runs += [_child("align", folder, k, env, (*extra, "--subset", str(p))) for p in subsets]
        if args.also_all and k is not None:
            runs.append(_child("align", folder, None, env, extra))
    f = floor.get("seconds")
    print(
        "\n| k | search | plans | tasks | districts | rows | align s (×floor) | counterparts s |"
        " peak RSS MB (before align) | row / score recall |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in runs:
        if "error" in r:
            print(f"| {r['k']} | failed: {r['error']} |")
            continue
        ratio = f" ({r['align_s'] / f:.2f}×)" if f else ""
        recall = f"{r['row_recall']} / {r['score_recall']}" if "row_recall" in r else "–"
        print(
            f"| {r['k'] or 'all'} | {r['search']} | {r['plans']:,} | {r['tasks']:,} | "
            f"{r['districts']} | {r['rows']:,} | {r['align_s']:.1f}{ratio} | "
            f"{r['counterparts_s']:.1f} | {r['peak_rss_mb']:,} ({r['rss_before_mb']:,}) | {recall} |"
        )
    print(f"\nfloor: {f} s (jieba dictionary {floor.get('dict_load_s')} s)")
    for search in sorted({r.get("search") for r in runs if "error" not in r}):
        done = [r for r in runs if "error" not in r and r["k"] == k and r["search"] == search]
        if len(done) > 1:
            import numpy as np

            slope = np.polyfit(np.log([r["tasks"] for r in done]),
                               np.log([r["counterparts_s"] for r in done]), 1)[0]  # fmt: skip
            print(f"{search}: counterparts time ~ tasks^{slope:.2f} ({len(done)} sizes)")


if __name__ == "__main__":
    main()
