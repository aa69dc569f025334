"""Who holds the memory: resident set of each process of a run, sampled from outside.

``benchmarks/bench.py`` reports the peak of the *summed* resident set of a process tree
(the render process, its papermill kernel and their loky workers). This tool runs the same
commands and keeps, besides that sum, each process's own curve, labelled by its role, so a
peak can be split into what the render process, the kernel and each worker hold at that
moment.

Usage::

    python benchmarks/mem_tree.py suite  /work/benchdata/n1000 /tmp/x-home --out /tmp/x.json
    python benchmarks/mem_tree.py staged /work/benchdata/n1000 /tmp/x-home --out /tmp/x.json

``suite`` is ``compare render`` in a fresh ``COMPARE_HOME`` (``data/raw`` a folder of
symbolic links to the corpus's plan files, the project's notebooks, caches empty);
``staged`` is :func:`bench_workers.staged` there (``bench.py --worker staged``). The
home is deleted first. The JSON holds the peak sum, the split at that moment, each role's
own peak, and a timeline (one sample a second) with the command's output lines.

Examples
--------
>>> role(["/x/python", "-m", "ipykernel_launcher", "-f", "k.json"], root=False)
'kernel'
>>> role(["/x/python", "-m", "joblib.externals.loky.backend.popen_loky_posix"], root=False)
'worker'
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_workers  # noqa: E402

__all__ = ["make_linked_home", "role", "run_sampled"]


def role(cmdline: list[str], root: bool) -> str:
    """The role of a process of the tree from its command line."""
    if root:
        return "main"
    line = " ".join(cmdline)
    if "loky" in line or "joblib" in line or "multiprocessing" in line:
        return "worker"
    if "ipykernel" in line:
        return "kernel"
    return "other"


def make_linked_home(home: Path, corpus: Path) -> Path:
    """A fresh ``COMPARE_HOME`` whose ``data/raw`` links to each plan file of ``corpus``."""
    from compare.io import plan_files

    shutil.rmtree(home, ignore_errors=True)
    raw = home / "data" / "raw"
    raw.mkdir(parents=True)
    for p in plan_files(corpus):
        (raw / p.name).symlink_to(p.resolve())
    shutil.copytree(bench_workers.notebooks_dir(), home / "notebooks")
    return home


def run_sampled(
    cmd: list[str], env: dict[str, str], cwd: Path, interval: float = 0.1
) -> dict[str, Any]:
    """Run ``cmd``; sample the RSS of every process of its tree every ``interval`` s."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((round(time.perf_counter() - t0, 1), line.rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    root = psutil.Process(proc.pid)
    peak_total, peak_split = 0, {}
    role_peak: dict[str, int] = {}
    timeline: list[dict[str, Any]] = []
    last_kept = -1.0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        per: dict[str, int] = {}
        for p in procs:
            try:
                # read each time: a worker forked from the kernel shows the kernel's command
                # line until it executes its own
                per[f"{role(p.cmdline(), p.pid == proc.pid)}:{p.pid}"] = p.memory_info().rss
            except psutil.Error:
                continue
        total = sum(per.values())
        by_role: dict[str, int] = {}
        for k, v in per.items():
            r = k.split(":")[0]
            by_role[r] = by_role.get(r, 0) + v
        for r, v in by_role.items():
            role_peak[r] = max(role_peak.get(r, 0), v)
        now = time.perf_counter() - t0
        if total > peak_total:
            peak_total, peak_split = total, {"t": round(now, 1), **per}
        if now - last_kept >= 1.0:
            timeline.append({"t": round(now, 1), "total": total, **by_role})
            last_kept = now
        time.sleep(interval)
    proc.wait()
    reader.join(timeout=5)
    mib = 2**20
    return {
        "cmd": cmd,
        "returncode": proc.returncode,
        "seconds": time.perf_counter() - t0,
        "peak_mib": peak_total / mib,
        "peak_split_mib": {k: (v if k == "t" else round(v / mib)) for k, v in peak_split.items()},
        "role_peak_mib": {k: round(v / mib) for k, v in role_peak.items()},
        "timeline_mib": [
            {k: (v if k == "t" else round(v / mib)) for k, v in row.items()} for row in timeline
        ],
        "output": lines[-60:],
        "load": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("suite", "staged"))
    ap.add_argument("corpus", type=Path)
    ap.add_argument("home", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    home = make_linked_home(args.home, args.corpus)
    env = {**os.environ, "COMPARE_HOME": str(home), "PYTHONHASHSEED": "0"}
    if args.what == "suite":
        cmd = [sys.executable, "-m", "compare.cli", "render"]
    else:
        bench = Path(__file__).resolve().parent / "bench.py"
        cmd = [
            sys.executable,
            str(bench),
            "--worker",
            "staged",
            "--folder",
            str(home / "data" / "raw"),
        ]
        cmd += ["--home", str(home), "--json", str(home / ".staged.json")]
    result = run_sampled(cmd, env, home)
    staged_json = home / ".staged.json"
    if staged_json.exists():
        result["staged"] = json.loads(staged_json.read_text(encoding="utf-8"))
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"{args.what}: rc {result['returncode']}, {result['seconds']:.1f} s, "
        f"peak {result['peak_mib']:.0f} MiB; split {result['peak_split_mib']}; "
        f"role peaks {result['role_peak_mib']}"
    )
    return 0 if result["returncode"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
