"""Raw plans to coded tasks, cold and incremental, as ratios to the jieba floor (issue 15.2).

Usage::

    .venv/bin/python benchmarks/incremental.py --plans 250 1000
    .venv/bin/python benchmarks/incremental.py --plans 250 --no-verify --json out.json

For each N, over N generated plans (:mod:`synth`), each step in a fresh process
with its imports done before the clock starts, timing what every report does
first: ``load_corpus`` then ``coding.coded_tasks`` (parse, tokens, coder,
clusters with automatic k):

* **floor**: bare single-process ``jieba.lcut`` over the decoded ``.txt``/``.md``
  texts, dictionary load included (the same process start as the others),
  measured before the first step and after every step: a step's ratio is to
  the mean of the floors either side of it (the machine is shared);
* **cold**: empty caches;
* **unchanged**: the same files again;
* **changed**: one plan edited (a sentence added to one of its tasks);
* **added**: one more plan.

``verify`` (default on) also codes the edited and the extended folder cold in
an empty cache and checks that the tables equal the incremental ones, cell for
cell: a result must never depend on cache history.

:func:`measure` returns the figures as a dict (``benchmarks/bench.py`` can call it).
A measurement, not a test: the machine is shared and noisy; read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

STEPS = ("cold", "unchanged", "changed", "added")


# --------------------------------------------------------------------------- workers


def _worker_floor(folder: Path) -> dict[str, Any]:
    from compare.io import decode_bytes

    texts = [
        decode_bytes(p.read_bytes()).text
        for p in sorted(folder.iterdir())
        if p.suffix in (".txt", ".md")
    ]
    t0 = time.perf_counter()
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    for t in texts:
        jieba.lcut(t)
    return {"seconds": time.perf_counter() - t0, "mb": sum(len(t.encode()) for t in texts) / 1e6}


def _worker_code(folder: Path, out: Path | None) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")
    import sklearn.cluster  # noqa: F401
    import sklearn.svm  # noqa: F401

    from compare import coding  # imports before the clock: a report's kernel has them
    from compare.corpus import load_corpus

    t0 = time.perf_counter()
    corpus = load_corpus(folder, catalog=None)
    t1 = time.perf_counter()
    coded = coding.coded_tasks(corpus.tasks)
    t2 = time.perf_counter()
    if out is not None:
        coded.to_pickle(out)
    return {
        "seconds": t2 - t0,
        "load_s": t1 - t0,
        "coded_s": t2 - t1,
        "tasks": len(coded),
        "k": int(coded["cluster"].nunique()),
    }


def _run(mode: str, folder: Path, home: Path, out: Path | None = None) -> dict[str, Any]:
    result = home / f"{mode}-{time.monotonic_ns()}.json"
    env = {**os.environ, "COMPARE_HOME": str(home), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--folder", str(folder)]
    cmd += ["--result", str(result)] + (["--out", str(out)] if out else [])
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {mode} exited {proc.returncode}: {proc.stderr[-800:]}")
    return json.loads(result.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- edits


def _edit_one(folder: Path) -> str:
    """Add a sentence to the middle task of the middle plan (written back as UTF-8)."""
    from compare.io import decode_bytes

    files = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md"))
    path = files[len(files) // 2]
    text = decode_bytes(path.read_bytes()).text
    at = text.index("。", len(text) // 2) + 1
    path.write_bytes((text[:at] + "同步开展督导检查，及时通报进展。" + text[at:]).encode("utf-8"))
    return path.name


def _add_one(folder: Path, n: int, seed: int, raw_dir: Path) -> str:
    from synth import generate_plan

    name, data, _ = generate_plan(n, seed=seed, raw_dir=raw_dir)
    (folder / name).write_bytes(data)
    return name


def _same(a: Path, b: Path) -> bool:
    import pandas as pd

    x, y = pd.read_pickle(a), pd.read_pickle(b)
    try:
        pd.testing.assert_frame_equal(x, y, check_exact=True)
    except AssertionError:
        return False
    return True


# --------------------------------------------------------------------------- measure


def measure(n: int, *, seed: int = 0, verify: bool = True, workdir: Path | None = None) -> dict:
    """Floor, cold, unchanged, one changed and one added plan over ``n`` generated plans.

    Returns
    -------
    dict
        ``n, tasks, k, floor_s`` (median floor), ``floors_s``, ``mb`` and per step
        (``cold``, ``unchanged``, ``changed``, ``added``) its ``seconds``, ``load_s``,
        ``coded_s``, ``floor_s`` (the floors either side) and ``ratio`` (seconds / that floor); with ``verify``, ``changed_identical`` and
        ``added_identical`` (the incremental tables equal cold runs).
    """
    from synth import generate_corpus

    from compare import config

    raw_dir = config.PROJECT_DIR / "data" / "raw"
    tmp = Path(tempfile.mkdtemp(prefix=f"compare-incr-{n}-", dir=workdir))
    try:
        base = tmp / "base"
        generate_corpus(base, n, seed=seed, raw_dir=raw_dir)
        plans = tmp / "plans"  # the folder edited below: a copy, never a data/raw
        shutil.copytree(base, plans)
        home = tmp / "home"
        home.mkdir()
        out: dict[str, Any] = {"n": n}
        floor = _run("floor", plans, home)
        out["mb"], floors = floor["mb"], [floor["seconds"]]
        tables = {}
        for step in STEPS:
            if step == "changed":
                out["changed_file"] = _edit_one(plans)
            elif step == "added":
                out["added_file"] = _add_one(plans, n, seed, raw_dir)
            tables[step] = tmp / f"{step}.pkl"
            r = _run("code", plans, home, tables[step])
            # the floor again right after: each step's ratio is to the floors either side of
            # it, so that a burst of load on the shared machine weighs on both
            floors.append(_run("floor", plans, home)["seconds"])
            local = (floors[-2] + floors[-1]) / 2
            out[step] = {**r, "floor_s": local, "ratio": r["seconds"] / local}
            if verify and step in ("changed", "added"):
                cold_home = tmp / f"cold-{step}"
                cold_home.mkdir()
                _run("code", plans, cold_home, tmp / f"cold-{step}.pkl")
                out[f"{step}_identical"] = _same(tables[step], tmp / f"cold-{step}.pkl")
                shutil.rmtree(cold_home)
        out["tasks"], out["k"] = out["cold"]["tasks"], out["cold"]["k"]
        out["floor_s"], out["floors_s"] = sorted(floors)[len(floors) // 2], floors
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def render(results: list[dict]) -> str:
    """A markdown table of :func:`measure` results."""
    lines = [
        "| plans | tasks | floor s | cold | unchanged | one changed | one added | identical to cold |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cells = [f"{r[s]['seconds']:.1f} s ({r[s]['ratio']:.2f}×)" for s in STEPS]
        same = [r.get(f"{s}_identical") for s in ("changed", "added")]
        lines.append(
            f"| {r['n']:,} | {r['tasks']:,} | {r['floor_s']:.1f} | "
            + " | ".join(cells)
            + f" | {'—' if None in same else ('yes' if all(same) else 'NO')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, nargs="+", default=[250, 1000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--worker", choices=["floor", "code"], help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        res = (
            _worker_floor(args.folder)
            if args.worker == "floor"
            else _worker_code(args.folder, args.out)
        )
        args.result.write_text(json.dumps(res), encoding="utf-8")
        return 0
    results = []
    for n in args.plans:
        results.append(measure(n, seed=args.seed, verify=not args.no_verify))
        print(render(results[-1:]), flush=True)
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
