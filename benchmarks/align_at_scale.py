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


def _align(folder: str, k: int | None) -> dict:
    from bench import _RssSampler

    sampler = _RssSampler()
    t0 = time.perf_counter()
    from compare.align import best_counterparts, shared_priorities, task_vectors
    from compare.corpus import load_corpus
    from compare.text import tokens_of_tasks

    tasks = load_corpus(folder, catalog=None).tasks.reset_index(drop=True)
    tokens = tokens_of_tasks(tasks)
    loaded_s = time.perf_counter() - t0
    before = sampler.peak_mb()
    sampler.reset()
    t = time.perf_counter()
    X = task_vectors(tasks, tokens=tokens)
    del tokens  # as in a report: only the vectors are kept
    gc.collect()
    vectors_s = time.perf_counter() - t
    t = time.perf_counter()
    matches = best_counterparts(tasks, by="district", k=k, X=X)
    counterparts_s = time.perf_counter() - t
    t = time.perf_counter()
    table = shared_priorities(matches, tasks, by="district")
    priorities_s = time.perf_counter() - t
    peak = sampler.peak_mb()
    sampler.close()
    kinds = table["shared_by"].where(table["n_groups"] < 2, "shared by 2+").value_counts()
    return {
        "step": "align",
        "k": k,
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
    }


def _prepare(folder: str) -> dict:
    t = time.perf_counter()
    from compare.corpus import load_corpus
    from compare.text import tokens_of_tasks

    tasks = load_corpus(folder, catalog=None).tasks
    tokens_of_tasks(tasks)
    return {"step": "prepare", "tasks": len(tasks), "seconds": round(time.perf_counter() - t, 2)}


def _child(step: str, folder: str, k: int | None, env: dict[str, str]) -> dict:
    argv = [sys.executable, __file__, folder, "--step", step]
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
    ap.add_argument("--step", choices=("prepare", "floor", "align"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    k = None if args.k == "all" else int(args.k)
    folder = str(Path(args.folder).resolve())
    if args.step:
        if args.step == "floor":
            from bench import _worker_floor

            out = {"step": "floor", **_worker_floor(Path(folder))}
        elif args.step == "prepare":
            out = _prepare(folder)
        else:
            out = _align(folder, k)
        print(json.dumps(out, ensure_ascii=False))
        return
    home = args.home or str(Path("data/bench/home") / Path(folder).name)
    Path(home).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COMPARE_HOME": str(Path(home).resolve())}
    _child("prepare", folder, k, env)
    floor = _child("floor", folder, k, env)
    runs = [_child("align", folder, k, env)]
    if args.also_all and k is not None:
        runs.append(_child("align", folder, None, env))
    f = floor.get("seconds")
    print("\n| k | tasks | districts | rows | align s (×floor) | peak RSS MB (before align) |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in runs:
        if "error" in r:
            print(f"| {r['k']} | failed: {r['error']} |")
            continue
        ratio = f" ({r['align_s'] / f:.2f}×)" if f else ""
        print(
            f"| {r['k'] or 'all'} | {r['tasks']:,} | {r['districts']} | {r['rows']:,} | "
            f"{r['align_s']:.1f}{ratio} | {r['peak_rss_mb']:,} ({r['rss_before_mb']:,}) |"
        )
    print(f"\nfloor: {f} s (jieba dictionary {floor.get('dict_load_s')} s)")


if __name__ == "__main__":
    main()
