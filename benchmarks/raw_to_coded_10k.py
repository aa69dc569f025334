"""raw -> coded tasks at N = 10,000 generated plans: time and peak RSS, against the jieba floor.

The full ``make bench`` at N = 10,000 takes well over half an hour (clustering, align and render
of the whole corpus); this measures only the part with a target (≤ 3 min, ≤ 4 GB), one fresh
process per step::

    .venv/bin/python -c "from synth import generate_corpus; generate_corpus('data/bench/corpus/n10000', 10000, seed=0)"
    .venv/bin/python benchmarks/raw_to_coded_10k.py data/bench/corpus/n10000

(``make bench BENCH_SIZES=...,10000`` generates the same corpus in the same place.)

Prints one JSON line per step: the floor (bare ``jieba.lcut`` over every decoded file), a cold
``load_corpus`` + ``themes.code_tasks`` in an empty ``COMPARE_HOME``, and the same again with
the caches filled. Peak RSS is the main process's ``ru_maxrss`` (worker processes not included).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)


def _floor(folder: str) -> dict:
    import jieba

    from compare.io import decode_bytes

    t = time.perf_counter()
    jieba.initialize()
    n = 0
    for p in sorted(Path(folder).iterdir()):
        try:
            text = decode_bytes(p.read_bytes()).text
        except Exception:  # noqa: BLE001 - damaged files do not count
            continue
        n += len(jieba.lcut(text))
    return {
        "step": "floor",
        "seconds": round(time.perf_counter() - t, 2),
        "tokens": n,
        "rss_mb": _rss_mb(),
    }


def _coded(folder: str) -> dict:
    t = time.perf_counter()
    from compare import themes
    from compare.corpus import load_corpus

    corpus = load_corpus(folder, catalog=None)
    loaded = time.perf_counter() - t
    themes.code_tasks(corpus.tasks)
    return {
        "step": "raw -> coded",
        "tasks": len(corpus.tasks),
        "load_corpus_s": round(loaded, 2),
        "seconds": round(time.perf_counter() - t, 2),
        "rss_mb": _rss_mb(),
    }


def main() -> None:
    if len(sys.argv) == 3:  # a child step
        step, folder = sys.argv[1], sys.argv[2]
        print(json.dumps(_floor(folder) if step == "floor" else _coded(folder), ensure_ascii=False))
        return
    folder = str(Path(sys.argv[1] if len(sys.argv) > 1 else "data/bench/corpus/n10000").resolve())
    home = tempfile.mkdtemp(prefix="compare-10k-")
    env = {**os.environ, "COMPARE_HOME": home}
    for step, label in (("floor", "floor"), ("coded", "cold"), ("coded", "warm")):
        out = subprocess.run(
            [sys.executable, __file__, step, folder],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(label, out.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
