"""The whole report suite against the jieba floor: cold (empty caches) and unchanged.

Usage::

    .venv/bin/python benchmarks/render_suite.py --plans 250 --plans 1000
    .venv/bin/python benchmarks/render_suite.py --plans 250 --tree /path/to/other/checkout --tree .

For each size N, plans ``0 … N-1`` are generated once (``benchmarks/synth.py``,
seed 0). Then, for each source tree in turn (interleaved, so that a before and
an after run under the same load), in a fresh ``COMPARE_HOME`` holding only
``data/raw`` and the tree's ``notebooks/``:

* **floor**: bare single-process ``jieba.lcut`` over the decoded text of every
  plan, dictionary load included (as ``benchmarks/bench.py`` measures it);
* **cold**: ``compare render`` with empty caches, raw files to six HTML reports;
* **unchanged**: ``compare render`` again, nothing changed;
* **forced**: ``compare render --force``, every data table cached: the
  report side alone (kernel, notebooks' analyses and figures, export).

Each run prints wall seconds, their ratio to the floor of the same round and
CPU seconds (render process and kernel); then the seconds each notebook took in
the forced run (from ``manifest.json``) and, where the tree's ``render.log``
records them, its execution and export seconds and slowest cells. Issue 15's aims: cold ≤ 3× the floor, unchanged ≤ 0.15×. A
measurement, not a test: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

_FLOOR = """
import sys, time
from pathlib import Path
from compare.io import decode_bytes
files = sorted(p for p in Path(sys.argv[1]).iterdir() if p.suffix in (".txt", ".md"))
texts = [decode_bytes(p.read_bytes()).text for p in files]
t = time.perf_counter()
import jieba
jieba.setLogLevel(60)
jieba.initialize()
n = sum(len(jieba.lcut(x)) for x in texts)
print(time.perf_counter() - t)
"""
_LOG_LINE = re.compile(
    r" INFO compare\.report: (\S+\.ipynb) (executed|exported) in ([0-9.]+) s(.*)"
)


def _env(tree: Path, home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree / "src"), "COMPARE_HOME": str(home)}


def floor_seconds(tree: Path, raw: Path) -> float:
    """Seconds of bare ``jieba.lcut`` over the plans of ``raw``, in a process of its own."""
    out = subprocess.run(
        [sys.executable, "-c", _FLOOR, str(raw)],
        env=_env(tree, raw.parent),
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.split()[-1])


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def render_once(tree: Path, home: Path, *args: str) -> dict:
    """Run ``compare render`` in ``home`` with ``tree``'s code; wall and CPU seconds, per notebook.

    CPU seconds count the render process and the children it waited for (its
    kernel, its worker processes): less sensitive than wall time to the load
    of a shared machine.
    """
    t, cpu = time.perf_counter(), _cpu()
    proc = subprocess.run(
        [sys.executable, "-m", "compare.cli", "render", *args],
        env=_env(tree, home),
        capture_output=True,
        text=True,
    )
    wall, cpu = time.perf_counter() - t, _cpu() - cpu
    if proc.returncode:
        raise SystemExit(f"render failed in {home}:\n{proc.stdout}\n{proc.stderr}")
    entries = json.loads((home / "reports" / "manifest.json").read_text("utf-8"))
    entries = entries.get("reports", entries) if isinstance(entries, dict) else entries
    rows = entries.values() if isinstance(entries, dict) else entries
    notebooks = {e["notebook"]: {"seconds": e.get("seconds")} for e in rows}
    log = home / "reports" / "render.log"
    for line in log.read_text("utf-8").splitlines() if log.is_file() else []:
        m = _LOG_LINE.search(line)
        if m and m.group(1) in notebooks:
            notebooks[m.group(1)][m.group(2)] = float(m.group(3))
            if m.group(2) == "executed":
                notebooks[m.group(1)]["cells"] = m.group(4).strip(" ()")
    return {"wall": wall, "cpu": cpu, "notebooks": notebooks, "stdout": proc.stdout}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, action="append", help="corpus size (repeatable)")
    ap.add_argument(
        "--tree",
        type=Path,
        action="append",
        help="a checkout whose src/ and notebooks/ are measured (repeatable; default this one)",
    )
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="write every measurement to this file")
    args = ap.parse_args()
    trees = [t.resolve() for t in args.tree or [HERE.parent]]
    from synth import generate_corpus

    results = []
    with tempfile.TemporaryDirectory(prefix="compare-suite-") as tmp:
        for n in args.plans or [250]:
            raw = Path(tmp) / f"raw{n}"
            generate_corpus(raw, n, seed=args.seed, raw_dir=HERE.parent / "data" / "raw")
            for rnd in range(args.rounds):
                for tree in trees:
                    home = Path(tmp) / "home"
                    shutil.rmtree(home, ignore_errors=True)
                    shutil.copytree(raw, home / "data" / "raw")
                    shutil.copytree(tree / "notebooks", home / "notebooks")
                    floor = floor_seconds(tree, home / "data" / "raw")
                    cold = render_once(tree, home)
                    warm = render_once(tree, home)
                    forced = render_once(tree, home, "--force")
                    run = {"n": n, "round": rnd, "tree": str(tree), "floor": floor}
                    results.append({**run, "cold": cold, "unchanged": warm, "forced": forced})
                    print(
                        f"N={n} round {rnd} {tree}: floor {floor:.1f} s; "
                        f"cold {cold['wall']:.1f} s ({cold['wall'] / floor:.2f}× floor, "
                        f"CPU {cold['cpu']:.1f} s); "
                        f"unchanged {warm['wall']:.2f} s ({warm['wall'] / floor:.3f}× floor, "
                        f"CPU {warm['cpu']:.2f} s); "
                        f"forced, data cached {forced['wall']:.1f} s "
                        f"({forced['wall'] / floor:.2f}× floor, CPU {forced['cpu']:.1f} s)",
                        flush=True,
                    )
                    for name, nb in sorted(forced["notebooks"].items()):
                        detail = ""
                        if "executed" in nb:
                            detail = (
                                f"  execute {nb['executed']:.1f} s, export {nb.get('exported', 0):.1f} s"
                                f"  [{nb.get('cells', '')}]"
                            )
                        print(f"    {name:32} {nb['seconds'] or 0:6.1f} s{detail}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
