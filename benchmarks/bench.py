"""Scaling benchmark: the report suite and every pipeline stage at N generated plans.

``make bench`` (``python benchmarks/bench.py``) generates the corpora with
``benchmarks/synth.py`` under ``data/bench/corpus/nN`` (git-ignored) and, for each N,
measures in fresh processes (each one timed from outside, its peak memory the summed
resident set of the process and all its children, kernels and loky workers included):

1. **floor**: bare single-process ``jieba.lcut`` over the decoded text of every file,
   dictionary load included, before and after the other measurements (the faster of the
   two is the denominator of every ratio of that N);
2. **suite, cold**: ``compare render`` in a fresh ``COMPARE_HOME`` whose ``data/raw`` is
   the corpus and ``notebooks/`` the project's, caches empty: all six reports from raw files;
3. **suite, unchanged**: the same command again;
4. **one plan changed, one added**: the home is copied; one plan's text is reworded (a
   clause added to one of its tasks) and then one new plan added, and the path to coded
   tasks (``load_corpus`` + ``coding.coded_tasks``, a fresh process each) is timed after
   each; in the copy, both edits then one ``compare render``;
5. **stages**: every stage in order in one process, empty caches, with its own time and
   peak memory (:data:`bench_workers.STAGES`), then raw → coded tasks again on its caches
   (warm), and a cProfile of ``load_corpus`` at ``--profile-n``.

A measurement that fails or times out is recorded with its error and the run goes on.
The results go to ``benchmarks/results.json``, ``benchmarks/RESULTS.md`` and the log-log
plot ``benchmarks/scaling.png`` (:mod:`bench_report`), each written atomically; a run in
which anything failed leaves them as they were and writes its report to
``data/bench/RESULTS.failed.md`` instead (``--publish-failures`` writes it in place).

Usage::

    make bench                                   # BENCH_SIZES or 100,250,1000 (~15 min, quiet)
    BENCH_SIZES=10,100,250,1000,10000 make bench  # with 10 and 10,000 plans: hours on 2 cores
    python benchmarks/bench.py --sizes 10,100    # a quick run
    BENCH_SCENARIOS=stages make bench            # only the per-stage run (also: suite, change)

Examples
--------
>>> parse_sizes("10,100,1_000")
[10, 100, 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # synth, bench_workers, bench_report

import bench_report  # noqa: E402
import bench_workers  # noqa: E402
from bench_workers import TreeSampler, text_files  # noqa: E402

from compare import config  # noqa: E402

__all__ = [
    "DEFAULT_SIZES",
    "SCENARIOS",
    "add_one_plan",
    "main",
    "make_home",
    "parse_sizes",
    "reword_one_plan",
    "run_benchmark",
    "run_process",
    "run_render",
]

#: The issue's targets are at 250 and 1,000; 100 gives the slope. About 15 min on a quiet
#: 2-core machine before issue 15's speed work (estimated from the 250-plan baseline and the
#: 1,000-plan stages of 2026-11-23). 10,000 is opt-in (``BENCH_SIZES=...,10000``):
#: on 2 cores it takes hours.
DEFAULT_SIZES: tuple[int, ...] = (100, 250, 1000)
#: What is measured at each N (``--scenarios``; all by default).
SCENARIOS: tuple[str, ...] = ("suite", "change", "stages")
BENCH_DIR: Path = config.DATA_DIR / "bench"
#: A clause added to one task of one plan: the "one plan changed" edit.
CLAUSE = "，并按季度评估工作进展"

# Kept for benchmarks/align_at_scale.py, which imports these names from here.
_RssSampler = TreeSampler
_worker_floor = bench_workers.floor


def parse_sizes(text: str) -> list[int]:
    """Parse ``"10,100,1000"`` into sizes.

    Examples
    --------
    >>> parse_sizes(" 10, 1e3 ")
    [10, 1000]
    """
    return [int(float(x.replace("_", ""))) for x in text.split(",") if x.strip()]


def timeout_for(n: int) -> float:
    """Seconds after which one measurement at N plans is killed (hung kernel, deadlock).

    Examples
    --------
    >>> timeout_for(1000)
    2900.0
    """
    return 900.0 + 2.0 * n


# --------------------------------------------------------------------------- processes


def _kill_tree(pid: int) -> None:
    """Kill ``pid`` and every descendant of it (by process id: only what this run started)."""
    try:
        import psutil

        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
        pids = [p.pid for p in procs]
    except Exception:  # noqa: BLE001 - psutil missing or the process gone
        pids = [*bench_workers._children_proc(pid), pid]
    for p in pids:
        with contextlib.suppress(OSError):
            os.kill(p, signal.SIGKILL)


def run_process(
    cmd: Sequence[str], env: dict[str, str], timeout: float, cwd: Path | None = None
) -> dict[str, Any]:
    """Run ``cmd``; wall-clock time and peak summed RSS of its whole process tree.

    Returns
    -------
    dict
        ``seconds``, ``peak_rss_mb``, ``max_processes``, ``returncode`` (None on a
        timeout), ``stdout``, ``stderr`` and ``load`` (1-minute load average before/after).

    Examples
    --------
    >>> r = run_process([sys.executable, "-c", "import time; time.sleep(0.5); print('hi')"],
    ...                 dict(os.environ), 60)
    >>> r["returncode"], r["stdout"].strip(), r["peak_rss_mb"] > 0
    (0, 'hi', True)
    """
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), env=env, stdout=out, stderr=err, cwd=cwd, start_new_session=True
        )
        sampler = TreeSampler(proc.pid)
        try:
            rc: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            proc.wait()
            rc = None
        seconds = time.perf_counter() - t0
        peak = sampler.close()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return {
        "seconds": seconds,
        "peak_rss_mb": peak,
        "max_processes": sampler.max_processes,
        "returncode": rc,
        "stdout": stdout,
        "stderr": stderr,
        "load": [round(load0, 2), round(os.getloadavg()[0], 2)],
    }


def _error(done: dict[str, Any], what: str, timeout: float) -> str | None:
    if done["returncode"] is None:
        return f"{what}: killed after {timeout:.0f} s (timeout)"
    if done["returncode"] != 0:
        tail = " | ".join(done["stderr"].strip().splitlines()[-3:])
        return f"{what}: exit {done['returncode']}: {tail}"[:600]
    return None


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "COMPARE_HOME": str(home), "PYTHONHASHSEED": "0"}


def run_worker(mode: str, home: Path, timeout: float, folder: Path | None = None) -> dict[str, Any]:
    """Run one of :mod:`bench_workers`' measurements in a fresh process with ``COMPARE_HOME=home``.

    Returns its JSON, plus ``wall_s``, ``process_peak_rss_mb`` (the whole tree, sampled from
    outside) and ``load``; ``error`` instead when it failed.
    """
    home.mkdir(parents=True, exist_ok=True)
    out = home / f".bench-{mode}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--json", str(out)]
    if folder is not None:
        cmd += ["--folder", str(folder)]
    cmd += ["--home", str(home)]
    done = run_process(cmd, _env(home), timeout)
    base = {"wall_s": done["seconds"], "process_peak_rss_mb": done["peak_rss_mb"]}
    base["load"] = done["load"]
    err = _error(done, f"worker {mode}", timeout)
    if err or not out.exists():
        return {**base, "error": err or f"worker {mode} wrote no result"}
    return {**json.loads(out.read_text(encoding="utf-8")), **base}


#: The command measured as "the whole suite".
RENDER: tuple[str, ...] = (sys.executable, "-m", "compare.cli", "render")
_LINE = re.compile(
    r"^\[\d+/\d+\] (?P<name>\S+): (?P<status>rendered|unchanged, skipped|FAILED)"
    r"(?: in (?P<seconds>[\d.]+) s \((?P<mb>[\d.]+) MB\))?"
)


def run_render(home: Path, timeout: float, cmd: Sequence[str] = RENDER) -> dict[str, Any]:
    """``compare render`` (``cmd``) in ``home``, a fresh process: time, peak memory, every report.

    Returns
    -------
    dict
        :func:`run_process`'s figures (without the output) plus ``reports`` (name,
        status, seconds, MB per notebook, from the progress lines and the files),
        ``summary`` (the command's last line) and ``error`` when it failed.
    """
    done = run_process(cmd, _env(home), timeout, cwd=home)
    reports = []
    for line in done["stdout"].splitlines():
        m = _LINE.match(line.strip())
        if m:
            reports.append(
                {
                    "name": m["name"],
                    "status": m["status"].split(",")[-1].strip().lower(),
                    "seconds": float(m["seconds"]) if m["seconds"] else None,
                    "mb": float(m["mb"]) if m["mb"] else None,
                }
            )
    for r in reports:  # sizes from the files themselves when the line has none
        html = home / "reports" / (Path(r["name"]).stem + ".html")
        if r["mb"] is None and html.exists():
            r["mb"] = html.stat().st_size / 1e6
    lines = done["stdout"].strip().splitlines()
    result = {k: v for k, v in done.items() if k not in ("stdout", "stderr")}
    result.update(reports=reports, summary=lines[-1] if lines else "")
    err = _error(done, "compare render", timeout)
    if err is None and (not reports or any(r["status"] == "failed" for r in reports)):
        err = f"compare render: {result['summary'] or 'no report'}"
    if err:
        result["error"] = err
    return result


# --------------------------------------------------------------------------- homes and edits


def make_home(home: Path, corpus: Path) -> Path:
    """A fresh ``COMPARE_HOME``: ``data/raw`` = the corpus's plan files, the project's notebooks.

    Examples
    --------
    >>> import tempfile
    >>> corpus = Path(tempfile.mkdtemp()); _ = (corpus / "a.txt").write_text("x")
    >>> _ = (corpus / "truth.jsonl").write_text("")
    >>> home = make_home(Path(tempfile.mkdtemp()) / "h", corpus)
    >>> sorted(p.name for p in (home / "data" / "raw").iterdir())
    ['a.txt']
    >>> (home / "notebooks" / "01_corpus_overview.ipynb").exists()
    True
    """
    from compare.corpus import plan_files

    shutil.rmtree(home, ignore_errors=True)
    raw = home / "data" / "raw"
    raw.mkdir(parents=True)
    for p in plan_files(corpus):
        shutil.copy2(p, raw / p.relative_to(corpus))
    shutil.copytree(bench_workers.notebooks_dir(), home / "notebooks")
    return home


def reword_one_plan(raw_dir: Path) -> dict[str, Any]:
    """Reword one task of one plan of ``raw_dir``: :data:`CLAUSE` added to its last sentence.

    The plan is the middle one in sorted order, the task its middle task (as the parser
    reads it). The file keeps its encoding, BOM and line ends; the edit is checked to
    change that task's text and nothing else's count.

    Returns
    -------
    dict
        ``file``, ``task`` (its id) and ``line``.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> text = "2025年某某区卫生健康工作要点\\n一、基层\\n1. 做实家庭医生。签约。\\n2. 推进医联体。\\n"
    >>> _ = (d / "p.txt").write_bytes(text.encode("gb18030"))
    >>> reword_one_plan(d)["line"]
    4
    >>> (d / "p.txt").read_bytes().decode("gb18030").splitlines()[3]
    '2. 推进医联体，并按季度评估工作进展。'
    """
    import warnings

    from compare.io import decode_bytes
    from compare.parse import parse_text

    def tasks_of(text: str, name: str) -> list:
        with warnings.catch_warnings():  # the parser's warnings about a plan are not the bench's
            warnings.simplefilter("ignore")
            return parse_text(text, source=name).tasks

    files = text_files(raw_dir)
    for path in files[len(files) // 2 :] + files[: len(files) // 2]:
        data = path.read_bytes()
        raw = decode_bytes(data, name=path.name)
        tasks = tasks_of(raw.text, path.name)
        if not tasks:
            continue
        task = tasks[len(tasks) // 2]
        lines = raw.text.split("\n")
        i = task.line_end - 1
        cut = lines[i].rfind("。")
        lines[i] = lines[i][:cut] + CLAUSE + lines[i][cut:] if cut >= 0 else lines[i] + CLAUSE
        text = "\n".join(lines)
        after = tasks_of(text, path.name)
        changed = [a.id for a, b in zip(tasks, after, strict=False) if a.text != b.text]
        if len(after) != len(tasks) or changed != [task.id]:
            continue
        if b"\r\n" in data:
            text = text.replace("\n", "\r\n")
        path.write_bytes(text.encode(raw.encoding))
        return {"file": path.name, "task": task.id, "line": i + 1}
    raise ValueError(f"{raw_dir}: no plan with a task whose text one clause changes")


def add_one_plan(raw_dir: Path, index: int, seed: int = 0) -> str:
    """Write generated plan number ``index`` (:func:`synth.generate_plan`) into ``raw_dir``.

    Examples
    --------
    >>> import tempfile
    >>> add_one_plan(Path(tempfile.mkdtemp()), 7)[:10]
    'plan_00007'
    """
    from synth import generate_plan

    name, data, _ = generate_plan(index, seed)
    (raw_dir / name).write_bytes(data)
    return name


# --------------------------------------------------------------------------- one size


def measure_size(
    n: int,
    seed: int = 0,
    scenarios: Sequence[str] = SCENARIOS,
    profile: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Every measurement at ``n`` plans (see the module's docstring), one fresh process each."""
    from synth import generate_corpus

    corpus = BENCH_DIR / "corpus" / f"n{n}"
    homes = BENCH_DIR / "home" / f"n{n}"
    shutil.rmtree(homes, ignore_errors=True)
    timeout = timeout_for(n)
    t0 = time.perf_counter()
    truths = generate_corpus(corpus, n, seed=seed)
    run: dict[str, Any] = {
        "n": n,
        "generate_s": time.perf_counter() - t0,
        "bytes": sum(t.n_bytes for t in truths),
        "truth_tasks": sum(t.n_tasks for t in truths),
    }
    log(f"N={n}: corpus of {run['bytes'] / 1e6:.1f} MB ready at {corpus}")

    def step(key: str, fn: Callable[[], dict[str, Any]], into: dict[str, Any] = run) -> None:
        try:
            into[key] = fn()
        except Exception as err:  # noqa: BLE001 - reported in the table, the run goes on
            into[key] = {"error": f"{type(err).__name__}: {err}"[:600]}
        r = into[key]
        took = r.get("seconds", r.get("wall_s"))
        log(
            f"N={n}: {key}"
            + (f" {took:.1f} s" if took is not None else "")
            + (f", peak {r['peak_rss_mb']:.0f} MB" if r.get("peak_rss_mb") else "")
            + (f" — {r['error']}" if "error" in r else "")
        )

    step("floor", lambda: run_worker("floor", homes / "floor", timeout, corpus))
    if "suite" in scenarios or "change" in scenarios:
        suite = homes / "suite"
        step("suite_cold", lambda: run_render(make_home(suite, corpus), timeout))
        step("suite_unchanged", lambda: run_render(suite, timeout))
    if "change" in scenarios and "error" not in run.get("suite_cold", {}):
        change: dict[str, Any] = {}
        run["change"] = change
        copy = homes / "suite-render"
        raws = (suite / "data" / "raw", copy / "data" / "raw")
        try:
            shutil.copytree(suite, copy, symlinks=True)
            edits = [reword_one_plan(r) for r in raws]
            change["edited"] = edits[0]
            step("pipeline_changed", lambda: run_worker("to_coded", suite, timeout), change)
            change["added"] = [add_one_plan(r, n, seed) for r in raws][0]
            step("pipeline_added", lambda: run_worker("to_coded", suite, timeout), change)
            step("render", lambda: run_render(copy, timeout), change)
        except Exception as err:  # noqa: BLE001 - an edit that cannot be made is reported
            change["error"] = f"{type(err).__name__}: {err}"[:600]
            log(f"N={n}: change — {change['error']}")
        shutil.rmtree(copy, ignore_errors=True)  # a whole home with caches: disk at 10,000
    if "stages" in scenarios:
        stages = homes / "stages"
        step("stages", lambda: run_worker("staged", stages, timeout, corpus))
        step("warm", lambda: run_worker("warm", stages, timeout, corpus))
    if profile:
        step("profile", lambda: run_worker("profile", homes / "profile", timeout, corpus))
    step("floor_after", lambda: run_worker("floor", homes / "floor", timeout, corpus))
    return run


def run_benchmark(
    sizes: Sequence[int],
    seed: int = 0,
    profile_n: int | None = 1000,
    scenarios: Sequence[str] = SCENARIOS,
    e2e_n: int = bench_report.E2E_N,
    log: Callable[[str], None] = print,
    partial: Path | None = None,
) -> dict[str, Any]:
    """Measure every size; after each one, the results so far go to ``partial`` (JSON).

    Returns
    -------
    dict
        ``{"machine", "seed", "sizes", "scenarios", "e2e_n", "runs": [one dict per N]}``.
    """
    results: dict[str, Any] = {
        "machine": machine_info(),
        "seed": seed,
        "sizes": list(sizes),
        "scenarios": list(scenarios),
        "e2e_n": e2e_n,
        "runs": [],
    }
    for n in sizes:
        try:
            run = measure_size(n, seed, scenarios, profile_n == n, log)
        except Exception as err:  # noqa: BLE001 - e.g. the corpus cannot be generated
            run = {"n": n, "error": f"{type(err).__name__}: {err}"[:600]}
            log(f"N={n}: {run['error']}")
        results["runs"].append(run)
        if partial is not None:
            from compare.atomic import write_atomic

            write_atomic(partial, json.dumps(results, ensure_ascii=False, indent=1))
    results["machine"]["finished"] = time.strftime("%Y-%m-%d %H:%M %Z")
    return results


def machine_info() -> dict[str, Any]:
    """CPU, memory, OS, the versions that matter and the commit.

    Examples
    --------
    >>> "cores" in machine_info()
    True
    """
    from importlib.metadata import version

    cpu = platform.processor()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for pkg in ("pandas", "pyarrow", "scikit-learn", "jieba", "joblib", "numpy", "scipy"):
        with contextlib.suppress(Exception):
            versions[pkg] = version(pkg)
    for pkg in ("plotly", "papermill", "nbconvert"):
        with contextlib.suppress(Exception):
            versions[pkg] = version(pkg)
    commit = dirty = ""
    with contextlib.suppress(Exception):
        git = ["git", "-C", str(config.PACKAGE_DIR)]
        commit = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "src", "notebooks"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    memory_gb = None
    with contextlib.suppress(Exception):
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "commit": commit,
        "dirty": bool(dirty),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


# --------------------------------------------------------------------------- CLI


def _worker_main(args: argparse.Namespace) -> int:
    fns: dict[str, Callable[[], dict[str, Any]]] = {
        "floor": lambda: bench_workers.floor(args.folder),
        "staged": lambda: bench_workers.staged(args.folder, args.home / "reports"),
        "warm": lambda: bench_workers.warm(args.folder),
        "to_coded": bench_workers.to_coded,
        "profile": lambda: bench_workers.profile(args.folder),
    }
    out = fns[args.worker]()
    args.json.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python benchmarks/bench.py``; 1 when any measurement failed."""
    ap = argparse.ArgumentParser(
        prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES") or ",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated numbers of plans (default: $BENCH_SIZES or 100,250,1000)",
    )
    ap.add_argument("--seed", type=int, default=0, help="corpus seed")
    ap.add_argument(
        "--scenarios",
        default=os.environ.get("BENCH_SCENARIOS") or ",".join(SCENARIOS),
        help=f"what to measure at each N, among {','.join(SCENARIOS)} (default: all)",
    )
    ap.add_argument("--out", type=Path, default=bench_report.RESULTS_FILE, help="RESULTS.md")
    ap.add_argument(
        "--profile-n", type=int, default=1000, help="profile load_corpus at this N (0: never)"
    )
    ap.add_argument(
        "--e2e-n",
        type=int,
        default=bench_report.E2E_N,
        help="the N of the 'end to end within 4 GB' target (default 10000)",
    )
    ap.add_argument(
        "--publish-failures",
        action="store_true",
        help="write RESULTS.md even when a measurement failed (default: data/bench/RESULTS.failed.md)",
    )
    ap.add_argument(
        "--from-json", type=Path, help="rewrite RESULTS.md from a results.json, measuring nothing"
    )
    ap.add_argument(
        "--worker",
        choices=("floor", "staged", "warm", "to_coded", "profile"),
        help=argparse.SUPPRESS,
    )
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    given = sys.argv[1:] if argv is None else list(argv)
    if args.worker:
        return _worker_main(args)
    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
        command = results.get("command", "?") + " (tables rewritten with --from-json)"
    else:
        scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
        unknown = sorted(set(scenarios) - set(SCENARIOS))
        if unknown:
            ap.error(f"unknown scenario(s) {unknown}; choose among {','.join(SCENARIOS)}")
        sizes = parse_sizes(args.sizes)
        results = run_benchmark(
            sizes,
            seed=args.seed,
            profile_n=args.profile_n or None,
            scenarios=scenarios,
            e2e_n=args.e2e_n,
            partial=BENCH_DIR / "results.partial.json",
        )
        command = shlex.join(["python", "benchmarks/bench.py", *given])
        results["command"] = command
    failures = bench_report.failures(results)
    out = args.out
    if failures and not args.publish_failures and not args.from_json:
        out = BENCH_DIR / "RESULTS.failed.md"
    written = bench_report.write_results(results, out, command=command)
    print(f"wrote {written}")
    if failures:
        print(f"{len(failures)} measurement(s) failed:", file=sys.stderr)
        for line in failures:
            print(f"  {line}", file=sys.stderr)
        if out != args.out:
            print(f"{args.out} left as it was (--publish-failures to replace it)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
