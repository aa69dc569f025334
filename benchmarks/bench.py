"""Scaling benchmark: every pipeline stage at N = 10 … 10,000 generated plans.

``make bench`` (``python benchmarks/bench.py``) generates the corpora with
``benchmarks/synth.py`` under ``data/bench/`` (git-ignored), then, for each N,
runs three fresh subprocesses so that start-up, caches and peak memory are
measured honestly:

* **floor**: bare ``jieba.lcut`` over the decoded text of every file, in one
  process (dictionary load timed apart) — the cost any pipeline that segments
  the corpus must beat;
* **cold**: empty caches (its own ``COMPARE_HOME``), every stage in order —
  read + decode, parse (``load_corpus``), segment, vectorise, code, cluster,
  analytics (shares, keyness, align, targets), render;
* **warm**: the same caches again, raw files → coded tasks by the reports' own path
  (``load_corpus`` then ``coding.coded_tasks``, both served from their caches).

Time is wall-clock (``time.perf_counter``); memory is the peak resident set of
the process *and its worker processes*, sampled every 20 ms with ``psutil``.
Stages whose module is not in the package yet are skipped with a note. The
results go to ``benchmarks/RESULTS.md`` (with a log-log plot of time against
N and the machine) and ``benchmarks/results.json``.

Usage::

    python benchmarks/bench.py                       # BENCH_SIZES or 10,100,1000
    BENCH_SIZES=10,100,1000,10000 make bench      # with 10,000 plans: about 30 min on 2 cores
    python benchmarks/bench.py --sizes 10,100        # a quick run
    BENCH_SIZES=10,100,1000 make bench

Examples
--------
>>> parse_sizes("10,100,1_000")
[10, 100, 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import io
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import sys as _sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_sys.path.insert(0, str(Path(__file__).resolve().parent))  # synth.py, beside this file

from compare import clusters, config  # noqa: E402

__all__ = ["DEFAULT_SIZES", "StageResult", "main", "parse_sizes", "run_benchmark", "write_results"]

#: 10,000 is opt-in (``BENCH_SIZES=10,100,1000,10000``): on 2 cores its floor alone takes 150 s
#: and its cold run more than 10 min, so the default run would not fit in about 15 minutes.
DEFAULT_SIZES: tuple[int, ...] = (10, 100, 1000)
BENCH_DIR: Path = config.DATA_DIR / "bench"
RESULTS_FILE: Path = config.BENCHMARKS_DIR / "RESULTS.md"
PLOT_FILE: Path = config.BENCHMARKS_DIR / "scaling.png"
WORKER_TIMEOUT_S = 3600
#: ``align.best_counterparts`` is O(tasks²) in time (blockwise, so not in memory): above this
#: many tasks it is skipped and extrapolated (override with $BENCH_MAX_ALIGN_TASKS).
MAX_ALIGN_TASKS = int(os.environ.get("BENCH_MAX_ALIGN_TASKS", "60000")) or 10**12
#: The project's notebooks (workers run with COMPARE_HOME elsewhere, so not config.NOTEBOOKS_DIR).
NOTEBOOKS_DIR: Path = config.PACKAGE_DIR.parents[1] / "notebooks"

#: Stages of the cold run, in order: (name, module it needs, what it measures).
STAGES: tuple[tuple[str, str, str], ...] = (
    ("read+decode", "compare.io", "read every file and decode it (io.decode_bytes)"),
    ("parse", "compare.corpus", "load_corpus, empty caches: read, decode, parse, write caches"),
    ("segment", "compare.themes", "themes.task_tokens: jieba over titles and texts, token cache"),
    ("vectorise", "compare.themes", "themes.tfidf_matrix (sparse TF-IDF)"),
    ("code", "compare.themes", "themes.code_tasks (codebook coding)"),
    ("cluster", "compare.clusters", "clusters.cluster_tasks (KMeans, automatic k)"),
    (
        "cache coded",
        "compare.coding",
        "coding.coded_tasks writes the coded-tasks cache the reports read (stages reused)",
    ),
    ("shares", "compare.shares", "shares.theme_shares + share_test by district"),
    ("keyness", "compare.keyness", "keyness.distinctive_terms by district"),
    ("align", "compare.align", "align.best_counterparts + shared_priorities by district"),
    ("targets", "compare.targets", "targets.extract_targets (regex on raw lines)"),
    ("render", "compare.report", "report.render of every notebook on this corpus"),
)
ANALYTICS = ("shares", "keyness", "align", "targets")
TO_CODED = ("parse", "segment", "vectorise", "code")


def parse_sizes(text: str) -> list[int]:
    """Parse ``"10,100,1000"`` into sizes.

    Examples
    --------
    >>> parse_sizes(" 10, 1e3 ")
    [10, 1000]
    """
    return [int(float(x.replace("_", ""))) for x in text.split(",") if x.strip()]


@dataclass
class StageResult:
    """Measured cost of one stage.

    Attributes
    ----------
    stage : str
        Stage name (see :data:`STAGES`).
    seconds : float or None
        Wall-clock time; ``None`` when skipped or failed.
    peak_rss_mb : float or None
        Peak resident memory of the process tree during the stage.
    note : str
        Why it was skipped or how it failed; extra facts otherwise.
    """

    stage: str
    seconds: float | None
    peak_rss_mb: float | None
    note: str = ""


# --------------------------------------------------------------------------- measuring


class _RssSampler:
    """Peak RSS of this process plus its children, sampled in a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> int:
        total = 0
        with contextlib.suppress(Exception):
            total = self._proc.memory_info().rss
            for child in self._proc.children(recursive=True):
                with contextlib.suppress(Exception):
                    total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, self._sample())
            time.sleep(self._interval)

    def reset(self) -> None:
        self._peak = self._sample()

    def peak_mb(self) -> float:
        self._peak = max(self._peak, self._sample())
        return self._peak / 2**20

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class _Recorder:
    sampler: _RssSampler
    results: list[StageResult] = field(default_factory=list)

    def run(self, stage: str, module: str, fn: Callable[[], Any]) -> Any:
        if importlib.util.find_spec(module) is None:
            self.results.append(
                StageResult(stage, None, None, f"skipped: {module} not in the package yet")
            )
            return None
        self.sampler.reset()
        t0 = time.perf_counter()
        try:
            out = fn()
        except Exception as err:  # noqa: BLE001 - a failing stage is reported, the rest still run
            self.results.append(
                StageResult(
                    stage,
                    None,
                    self.sampler.peak_mb(),
                    f"failed: {type(err).__name__}: {err}"[:300],
                )
            )
            return None
        self.results.append(StageResult(stage, time.perf_counter() - t0, self.sampler.peak_mb()))
        return out


def _plan_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md"))


def _worker_floor(folder: Path) -> dict[str, Any]:
    from compare.io import decode_bytes

    texts = [decode_bytes(p.read_bytes()).text for p in _plan_files(folder)]
    t0 = time.perf_counter()
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    t1 = time.perf_counter()
    n_tokens = sum(len(jieba.lcut(t)) for t in texts)
    t2 = time.perf_counter()
    import resource

    return {
        "dict_load_s": t1 - t0,
        "lcut_s": t2 - t1,
        "seconds": t2 - t0,
        "chars": sum(len(t) for t in texts),
        "utf8_mb": sum(len(t.encode("utf-8")) for t in texts) / 1e6,
        "tokens": n_tokens,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _worker_cold(folder: Path, out_dir: Path) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")
    sampler = _RssSampler()
    rec = _Recorder(sampler)
    state: dict[str, Any] = {}

    def read_decode() -> None:
        from compare.io import decode_bytes

        for p in _plan_files(folder):
            with contextlib.suppress(Exception):
                decode_bytes(p.read_bytes(), name=p.name)

    def parse() -> None:
        from compare.corpus import load_corpus

        state["corpus"] = load_corpus(folder, catalog=None)

    rec.run("read+decode", "compare.io", read_decode)
    rec.run("parse", "compare.corpus", parse)
    corpus = state.get("corpus")
    if corpus is None:
        return {"stages": [asdict(r) for r in rec.results]}
    tasks = corpus.tasks
    facts = {
        "documents": len(corpus.documents),
        "tasks": len(tasks),
        "failures": len(corpus.failures),
    }

    def segment() -> None:
        from compare import themes

        state["tokens"] = themes.task_tokens(tasks)

    def vectorise() -> None:
        from compare import themes

        state["X"], _ = themes.tfidf_matrix(*state["tokens"], groups=tasks["district"])

    def code() -> None:
        from compare import themes

        state["coded"] = themes.code_tasks(tasks, X=state["X"])

    def cluster() -> None:

        cl = clusters.cluster_tasks(
            tasks, probabilities=state["coded"].attrs["probabilities"], tokens=state["tokens"]
        )
        state["clustering"] = cl
        state["k"] = int(len(cl.summary))

    def cache_coded() -> None:
        # The reports' own path (coding.coded_tasks: content-keyed cache under
        # data/interim/themes), fed with the stages above instead of recomputing them.
        import functools

        from compare import coding, themes

        original = themes.theme_table
        themes.theme_table = functools.partial(
            original,
            precomputed={
                "tokens": state["tokens"],
                "X": state["X"],
                "coded": state["coded"],
                "clustering": state["clustering"],
            },
        )
        try:
            coding.coded_tasks(tasks)
        finally:
            themes.theme_table = original

    def shares_() -> None:
        from compare import shares

        t = tasks.assign(
            theme=state["coded"]["theme"].to_numpy(),
            theme_name=state["coded"]["theme_name"].to_numpy(),
        )
        shares.theme_shares(t, by="district")
        shares.share_test(t, by="district")

    def keyness_() -> None:
        from compare import keyness

        keyness.distinctive_terms(tasks, by="district", tokens=state["tokens"][1])

    def align_() -> None:
        from compare import align

        matches = align.best_counterparts(tasks, by="district", tokens=state["tokens"][1])
        state["matches"] = len(matches)
        align.shared_priorities(matches, tasks, by="district")

    def targets_() -> None:
        from compare import targets

        state["targets"] = len(targets.extract_targets(tasks))

    def render_() -> None:
        from compare import report

        results = report.render(
            params={"data_dir": str(folder)},
            out_dir=out_dir,
            force=True,
            progress=None,
            notebooks_dir=NOTEBOOKS_DIR,
        )
        failed = [r.notebook for r in results if r.status == "failed"]
        state["rendered"] = f"{len(results) - len(failed)} of {len(results)}" + (
            f" (failed: {', '.join(failed)})" if failed else ""
        )
        if not results:
            raise RuntimeError("no notebooks to render")

    steps: dict[str, Callable[[], None]] = {
        "segment": segment,
        "vectorise": vectorise,
        "code": code,
        "cluster": cluster,
        "cache coded": cache_coded,
        "shares": shares_,
        "keyness": keyness_,
        "align": align_,
        "targets": targets_,
        "render": render_,
    }
    needs = {
        "vectorise": "tokens",
        "code": "X",
        "cluster": "coded",
        "cache coded": "clustering",
        "shares": "coded",
        "keyness": "tokens",
        "align": "tokens",
    }
    for stage, module, _ in STAGES[2:]:
        need = needs.get(stage)
        if stage == "align" and len(tasks) > MAX_ALIGN_TASKS:
            rec.results.append(
                StageResult(
                    stage,
                    None,
                    None,
                    (
                        f"skipped: {len(tasks):,} tasks > {MAX_ALIGN_TASKS:,}; best_counterparts is O(tasks²) "
                        "in time, see the extrapolation below (BENCH_MAX_ALIGN_TASKS=0 lifts the cap)"
                    ),
                )
            )
            continue
        if need and need not in state:
            rec.results.append(
                StageResult(
                    stage, None, None, f"skipped: needs the output of an earlier stage ({need})"
                )
            )
            continue
        rec.run(stage, module, steps[stage])
    notes = {
        "cluster": f"k = {state.get('k')}",
        "align": f"{state.get('matches')} best-counterpart rows",
        "targets": f"{state.get('targets')} targets",
        "render": f"{state.get('rendered')} notebooks",
    }
    for r in rec.results:
        if r.seconds is not None and stage_note(r.stage, notes):
            r.note = stage_note(r.stage, notes)
    sampler.close()
    return {"stages": [asdict(r) for r in rec.results], **facts}


def stage_note(stage: str, notes: dict[str, str]) -> str:
    """The note recorded with a stage, if any (``None`` values dropped).

    Examples
    --------
    >>> stage_note("cluster", {"cluster": "k = 12"})
    'k = 12'
    """
    note = notes.get(stage, "")
    return "" if "None" in note else note


def _worker_warm(folder: Path) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")
    sampler = _RssSampler()
    rec = _Recorder(sampler)
    state: dict[str, Any] = {}

    def to_coded() -> None:
        # Exactly what a report does: load_corpus (parsed-tables cache) then
        # coding.coded_tasks (coded-tasks cache, keyed by the tasks' content, the
        # codebook, overrides, parameters and the theme code).
        from compare.corpus import load_corpus

        t0 = time.perf_counter()
        tasks = load_corpus(folder, catalog=None).tasks
        state["load_s"] = time.perf_counter() - t0
        if importlib.util.find_spec("compare.coding") is None:
            return
        from compare import coding

        t0 = time.perf_counter()
        coded = coding.coded_tasks(tasks)
        state["coded_s"] = time.perf_counter() - t0
        state["coded_rows"] = len(coded)

    rec.run("warm: raw → coded tasks", "compare.corpus", to_coded)
    sampler.close()
    return {"stages": [asdict(r) for r in rec.results], **state}


def _worker_profile(folder: Path) -> dict[str, Any]:
    """cProfile of a cold, single-process ``load_corpus`` (caches off)."""
    import warnings

    from compare.corpus import load_corpus

    warnings.simplefilter("ignore")
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    load_corpus(folder, use_cache=False, n_jobs=1, catalog=None)
    prof.disable()
    total = time.perf_counter() - t0
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    rows = []
    for (file, line, func), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({func})",
                "ncalls": ncalls,
                "tottime": tottime,
                "cumtime": cumtime,
            }
        )
    rows.sort(key=lambda r: r["tottime"], reverse=True)
    return {"seconds": total, "top": rows[:18]}


# --------------------------------------------------------------------------- orchestration


def _run_worker(mode: str, n: int, folder: Path, home: Path) -> dict[str, Any]:
    out = home / f"{mode}.json"
    out.unlink(missing_ok=True)
    env = {**os.environ, "COMPARE_HOME": str(home), "PYTHONHASHSEED": "0"}
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        mode,
        "--folder",
        str(folder),
        "--home",
        str(home),
        "--json",
        str(out),
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S, check=False
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not out.exists():
        return {
            "error": f"worker {mode} exited {proc.returncode}: {proc.stderr.strip()[-500:]}",
            "wall_s": wall,
        }
    data = json.loads(out.read_text(encoding="utf-8"))
    data["wall_s"] = wall
    return data


def run_benchmark(
    sizes: list[int],
    seed: int = 0,
    profile_n: int | None = 1000,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Generate the corpora and measure every stage for each size.

    Parameters
    ----------
    sizes : list of int
        Numbers of plans.
    seed : int
        Corpus seed (:func:`synth.generate_corpus`).
    profile_n : int, optional
        Also profile ``load_corpus`` at this size, if it is one of ``sizes``.
    log : callable
        Progress lines.

    Returns
    -------
    dict
        ``{"machine": …, "runs": [{"n", "generate_s", "floor", "cold", "warm"}, …]}``.

    Examples
    --------
    >>> run_benchmark([2], profile_n=None, log=lambda s: None)["runs"][0]["n"]  # doctest: +SKIP
    2
    """
    from synth import generate_corpus

    runs = []
    for n in sizes:
        folder = BENCH_DIR / "corpus" / f"n{n}"
        home = BENCH_DIR / "home" / f"n{n}"
        t0 = time.perf_counter()
        truths = generate_corpus(folder, n, seed=seed)
        gen = time.perf_counter() - t0
        log(
            f"N={n}: corpus ready in {gen:.1f} s ({sum(t.n_bytes for t in truths) / 1e6:.1f} MB) at {folder}"
        )
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        run: dict[str, Any] = {
            "n": n,
            "generate_s": gen,
            "bytes": sum(t.n_bytes for t in truths),
            "truth_tasks": sum(t.n_tasks for t in truths),
        }
        for mode in ("floor", "cold", "warm"):
            run[mode] = _run_worker(mode, n, folder, home)
            log(
                f"N={n}: {mode} done in {run[mode]['wall_s']:.1f} s"
                + (f" — {run[mode]['error']}" if "error" in run[mode] else "")
            )
        if profile_n == n:
            run["profile"] = _run_worker("profile", n, folder, home)
            log(f"N={n}: profile done")
        runs.append(run)
    return {"machine": machine_info(), "seed": seed, "sizes": sizes, "runs": runs}


def machine_info() -> dict[str, Any]:
    """CPU, memory, OS and the versions that matter.

    Examples
    --------
    >>> "cores" in machine_info()
    True
    """
    import psutil

    cpu = platform.processor()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for pkg in ("pandas", "pyarrow", "scikit-learn", "jieba", "joblib", "numpy", "scipy", "plotly"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[pkg] = version(pkg)
    commit = ""
    with contextlib.suppress(Exception):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=config.PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


# --------------------------------------------------------------------------- report


def _stages(run: dict[str, Any], mode: str) -> dict[str, dict[str, Any]]:
    return {s["stage"]: s for s in run.get(mode, {}).get("stages", [])}


def _fmt(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    return f"{x:.{digits}f}" if x < 100 else f"{x:.0f}"


def _sum(stages: dict[str, dict[str, Any]], names: tuple[str, ...]) -> float | None:
    vals = [stages.get(s, {}).get("seconds") for s in names]
    return sum(vals) if vals and all(v is not None for v in vals) else None


def summarise(run: dict[str, Any]) -> dict[str, Any]:
    """Headline figures of one size: floor, cold and warm raw → coded, whole pipeline.

    Examples
    --------
    >>> summarise({"n": 1, "floor": {"seconds": 2.0}, "cold": {"stages": []}})["floor_s"]
    2.0
    """
    cold = _stages(run, "cold")
    warm = _stages(run, "warm")
    floor = run.get("floor", {}).get("seconds")
    measured = [
        s for s in cold.values() if s.get("seconds") is not None and s["stage"] != "read+decode"
    ]
    whole = sum(s["seconds"] for s in measured) if measured else None
    peaks = [s["peak_rss_mb"] for s in cold.values() if s.get("peak_rss_mb") is not None]
    w = warm.get("warm: raw → coded tasks", {})
    return {
        "n": run["n"],
        "mb": run.get("bytes", 0) / 1e6,
        "tasks": run.get("cold", {}).get("tasks"),
        "floor_s": floor,
        "cold_coded_s": _sum(cold, TO_CODED),
        "warm_coded_s": w.get("seconds"),
        "whole_s": whole,
        "whole_stages": [s["stage"] for s in measured],
        "peak_rss_mb": max(peaks) if peaks else None,
        "warm_rss_mb": w.get("peak_rss_mb"),
    }


def _plot(results: dict[str, Any], path: Path) -> Path:
    """Log-log time against N per stage; PNG via kaleido, else an SVG written here."""
    series: dict[str, list[tuple[int, float]]] = {}
    for run in results["runs"]:
        for name, s in _stages(run, "cold").items():
            if s.get("seconds"):
                series.setdefault(name, []).append((run["n"], s["seconds"]))
        if run.get("floor", {}).get("seconds"):
            series.setdefault("jieba floor (1 process)", []).append(
                (run["n"], run["floor"]["seconds"])
            )
        summ = summarise(run)
        if summ["whole_s"]:
            series.setdefault("whole pipeline (cold)", []).append((run["n"], summ["whole_s"]))
    try:
        import plotly.graph_objects as go

        fig = go.Figure()
        for name, pts in series.items():
            bold = name.startswith(("jieba", "whole"))
            fig.add_trace(
                go.Scatter(
                    x=[p[0] for p in pts],
                    y=[p[1] for p in pts],
                    name=name,
                    mode="lines+markers",
                    line={
                        "width": 4 if bold else 1.5,
                        "dash": "dash" if name.startswith("jieba") else None,
                    },
                )
            )
        fig.update_xaxes(type="log", title="plans (N)")
        fig.update_yaxes(type="log", title="seconds (wall clock)")
        fig.update_layout(
            title=f"Time per stage against corpus size ({results['machine']['cores']} cores)",
            template="plotly_white",
            width=900,
            height=560,
        )
        fig.write_image(str(path), scale=1)
        return path
    except Exception:  # noqa: BLE001 - kaleido missing or no browser: fall back to a hand-made SVG
        svg = path.with_suffix(".svg")
        svg.write_text(_svg(series), encoding="utf-8")
        return svg


def _svg(series: dict[str, list[tuple[int, float]]], w: int = 900, h: int = 520) -> str:
    import math

    pts = [p for s in series.values() for p in s]
    if not pts:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"></svg>'
    lx = [math.log10(p[0]) for p in pts]
    ly = [math.log10(max(p[1], 1e-3)) for p in pts]
    x0, x1 = math.floor(min(lx)), math.ceil(max(lx)) or 1
    y0, y1 = math.floor(min(ly)), math.ceil(max(ly))
    y1 = y1 if y1 > y0 else y0 + 1
    x1 = x1 if x1 > x0 else x0 + 1

    def sx(v: float) -> float:
        return 70 + (math.log10(v) - x0) / (x1 - x0) * (w - 330)

    def sy(v: float) -> float:
        return h - 50 - (math.log10(max(v, 1e-3)) - y0) / (y1 - y0) * (h - 90)

    colors = [
        "#1f77b4",
        "#ff7f0e",
        "#2ca02c",
        "#d62728",
        "#9467bd",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
        "#17becf",
        "#000000",
        "#555555",
        "#aa0000",
    ]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for e in range(x0, x1 + 1):
        out.append(
            f'<line x1="{sx(10**e):.1f}" y1="40" x2="{sx(10**e):.1f}" y2="{h - 50}" stroke="#ddd"/>'
            f'<text x="{sx(10**e):.1f}" y="{h - 32}" text-anchor="middle">{10**e:,}</text>'
        )
    for e in range(y0, y1 + 1):
        out.append(
            f'<line x1="70" y1="{sy(10**e):.1f}" x2="{w - 260}" y2="{sy(10**e):.1f}" stroke="#ddd"/>'
            f'<text x="64" y="{sy(10**e) + 4:.1f}" text-anchor="end">{10.0**e:g}</text>'
        )
    out.append(f'<text x="{(w - 260) / 2}" y="{h - 10}" text-anchor="middle">plans (N)</text>')
    out.append('<text x="14" y="30">seconds</text>')
    for i, (name, s) in enumerate(series.items()):
        c = colors[i % len(colors)]
        d = " ".join(
            f"{'M' if j == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for j, (x, y) in enumerate(s)
        )
        width = 3 if name.startswith(("jieba", "whole")) else 1.5
        out.append(f'<path d="{d}" fill="none" stroke="{c}" stroke-width="{width}"/>')
        out.extend(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{c}"/>' for x, y in s)
        out.append(f'<text x="{w - 245}" y="{50 + 18 * i}" fill="{c}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out)


def write_results(
    results: dict[str, Any], path: Path = RESULTS_FILE, command: str = "make bench"
) -> Path:
    """Write ``RESULTS.md`` (and ``results.json`` and the plot) next to each other.

    Examples
    --------
    >>> write_results(json.loads(Path("benchmarks/results.json").read_text()))  # doctest: +SKIP
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    plot = _plot(results, path.parent / PLOT_FILE.name)
    path.write_text(render_markdown(results, plot.name, command), encoding="utf-8")
    return path


def render_markdown(results: dict[str, Any], plot_name: str, command: str) -> str:
    """The text of ``RESULTS.md``.

    Examples
    --------
    >>> r = {"machine": machine_info(), "sizes": [], "runs": [], "seed": 0}
    >>> render_markdown(r, "scaling.png", "make bench").startswith("# Benchmarks")
    True
    """
    m = results["machine"]
    runs = results["runs"]
    lines = [
        "# Benchmarks: scaling to thousands of plans",
        "",
        f"Written by `{command}` (`python benchmarks/bench.py`, `benchmarks/bench.py`) on {m['date']} at "
        f"commit `{m['commit'] or '?'}` (plus the work tree). Do not edit by hand: rerun. A quick run: "
        "`make bench BENCH_SIZES=10,100`.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, **{m['cores']} cores**; memory {m['memory_gb']} GB; {m['os']}; Python {m['python']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        "",
        "## Corpus",
        "",
        f"Generated by `synth.generate_corpus(folder, N, seed={results['seed']})` into "
        "`data/bench/corpus/nN/` (git-ignored): sections and tasks of the five seed plans remixed "
        "(every task text different), about 100 real district names, years 2018–2026, work points / "
        "medical-administration points / five-year plans, plain text / markdown / PDF hard wraps with "
        "page markers, every numbering the parser reads, notice preambles, UTF-8 / BOM / GB18030, LF / "
        "CRLF. Each N is the first N plans of the same sequence.",
        "",
        "## Summary",
        "",
        "Floor = bare `jieba.lcut` over the decoded text of every file, one process, dictionary load "
        "included. *raw → coded* = parse + segment + vectorise + code, empty caches (cold) or a second "
        "run on the same caches (warm, fresh process: `load_corpus` + `coding.coded_tasks`, the path the "
        "reports take, served from the parsed-tables and coded-tasks caches). *Whole pipeline* = every measured stage of the "
        "cold run except the separate read+decode measurement (parse includes reading). Peak RSS = "
        "process plus worker processes.",
        "",
        "| N | MB | tasks | floor s | raw → coded cold s (×floor) | warm s | whole pipeline s (×floor) | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        s = summarise(run)
        f = s["floor_s"]

        def ratio(x: float | None, f: float | None = f) -> str:
            return f" ({x / f:.2f}×)" if x is not None and f else ""

        lines.append(
            f"| {s['n']:,} | {s['mb']:.1f} | {s['tasks'] or '—'} | {_fmt(f)} | {_fmt(s['cold_coded_s'])}{ratio(s['cold_coded_s'])} "
            f"| {_fmt(s['warm_coded_s'])} | {_fmt(s['whole_s'])}{ratio(s['whole_s'])} | {_fmt(s['peak_rss_mb'], 0)} |"
        )
    lines += [
        "",
        f"![time against N, log-log]({plot_name})",
        "",
        "## Every stage (cold run)",
        "",
        "Seconds, ratio to the jieba floor of the same N, and peak RSS (MB).",
        "",
    ]
    head = "| stage | what | " + " | ".join(f"N={r['n']:,}" for r in runs) + " |"
    lines += [head, "|---|---|" + "---:|" * len(runs)]
    for stage, _, what in STAGES:
        cells = []
        for run in runs:
            s = _stages(run, "cold").get(stage)
            f = run.get("floor", {}).get("seconds")
            if s is None or s.get("seconds") is None:
                cells.append("—")
            else:
                cells.append(
                    f"{_fmt(s['seconds'])} s ({s['seconds'] / f:.2f}×) / {_fmt(s['peak_rss_mb'], 0)} MB"
                    if f
                    else _fmt(s["seconds"])
                )
        lines.append(f"| {stage} | {what} | " + " | ".join(cells) + " |")
    floor_cells = [
        f"{_fmt(r['floor'].get('seconds'))} s (dict {_fmt(r['floor'].get('dict_load_s'))} s) / {_fmt(r['floor'].get('peak_rss_mb'), 0)} MB"
        if "seconds" in r.get("floor", {})
        else "—"
        for r in runs
    ]
    lines.append(
        "| **jieba floor** | `jieba.lcut` over every file, 1 process | "
        + " | ".join(floor_cells)
        + " |"
    )
    notes = []
    for run in runs:
        for s in run.get("cold", {}).get("stages", []):
            if s.get("note"):
                notes.append(f"- N={run['n']:,}, {s['stage']}: {s['note']}")
        for mode in ("floor", "cold", "warm", "profile"):
            if "error" in run.get(mode, {}):
                notes.append(f"- N={run['n']:,}, {mode} run: {run[mode]['error']}")
    if notes:
        lines += ["", "Notes:", "", *notes]
    lines += ["", "Warm runs (fresh process, caches of the cold run):", ""]
    for run in runs:
        w = run.get("warm", {})
        if "coded_s" in w:
            lines.append(
                f"- N={run['n']:,}: load_corpus {w['load_s']:.2f} s, coding.coded_tasks "
                f"(cached) {w['coded_s']:.2f} s, {w.get('coded_rows', '?')} coded tasks"
            )
        elif "load_s" in w:
            lines.append(
                f"- N={run['n']:,}: load_corpus {w['load_s']:.2f} s, tokens from cache "
                f"{w.get('tokens_s', float('nan')):.2f} s, TF-IDF + coding {w.get('code_s', float('nan')):.2f} s"
            )
    prof = next((r for r in runs if "profile" in r and "top" in r["profile"]), None)
    if prof:
        p = prof["profile"]
        lines += [
            "",
            f"## Where `load_corpus` spends its time (N={prof['n']:,}, one process, caches off, cProfile)",
            "",
            f"Total {p['seconds']:.1f} s under the profiler (profiling roughly doubles pure-Python time).",
            "",
            "| function | calls | own s | cumulative s |",
            "|---|---:|---:|---:|",
        ]
        for row in p["top"]:
            lines.append(
                f"| `{row['function']}` | {row['ncalls']:,} | {row['tottime']:.2f} | {row['cumtime']:.2f} |"
            )
    lines += ["", ANALYSIS_FILE.read_text(encoding="utf-8") if ANALYSIS_FILE.exists() else ""]
    return "\n".join(lines).rstrip() + "\n"


#: Hand-written analysis appended to RESULTS.md (targets, limits, Dask mapping);
#: kept in a file of its own so a rerun refreshes the figures and keeps the prose.
ANALYSIS_FILE: Path = config.BENCHMARKS_DIR / "ANALYSIS.md"


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python benchmarks/bench.py``.

    Examples
    --------
    >>> main(["--help"])  # doctest: +SKIP
    """
    ap = argparse.ArgumentParser(
        prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES") or ",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated numbers of plans (default: $BENCH_SIZES or 10,100,1000)",
    )
    ap.add_argument("--seed", type=int, default=0, help="corpus seed")
    ap.add_argument("--out", type=Path, default=RESULTS_FILE, help="where to write RESULTS.md")
    ap.add_argument(
        "--profile-n", type=int, default=1000, help="profile load_corpus at this N (0: never)"
    )
    ap.add_argument(
        "--from-json", type=Path, help="rewrite RESULTS.md from a results.json, measuring nothing"
    )
    ap.add_argument(
        "--worker", choices=("floor", "cold", "warm", "profile"), help=argparse.SUPPRESS
    )
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        fn = {
            "floor": lambda: _worker_floor(args.folder),
            "cold": lambda: _worker_cold(args.folder, args.home / "reports"),
            "warm": lambda: _worker_warm(args.folder),
            "profile": lambda: _worker_profile(args.folder),
        }[args.worker]
        args.json.write_text(json.dumps(fn(), ensure_ascii=False), encoding="utf-8")
        return 0
    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        sizes = parse_sizes(args.sizes)
        results = run_benchmark(sizes, seed=args.seed, profile_n=args.profile_n or None)
    command = (
        "make bench"
        if not args.from_json
        else f"python benchmarks/bench.py --from-json {args.from_json}"
    )
    out = write_results(results, args.out, command=command)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
