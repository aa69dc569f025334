"""What ``benchmarks/bench.py`` measures inside one fresh process, and how memory is sampled.

Each function here runs in a process of its own (``python benchmarks/bench.py --worker
MODE``), so that imports, caches and peak memory are those of a cold start:

* :func:`floor`: bare ``jieba.lcut`` over the decoded text of every plan file, one
  process, dictionary load included: the cost any pipeline that segments the corpus
  must beat;
* :func:`staged`: every stage of the pipeline in order, empty caches, each one timed
  with the peak memory of the process and its workers;
* :func:`warm`: raw files → coded tasks again on the caches :func:`staged` filled,
  by the reports' own path (``load_corpus`` then ``coding.coded_tasks``);
* :func:`to_coded`: the same path in a home whose caches are there but whose plans
  changed (the incremental measurement);
* :func:`profile`: cProfile of a cold, single-process ``load_corpus``.

Memory is the resident set of a process **and all its descendants** (kernels, loky
workers), summed, sampled every 50 ms by :class:`TreeSampler` (psutil if installed,
else ``/proc``). Summed RSS counts pages shared between processes once per process,
so it is an upper bound of what the tree holds.

Examples
--------
>>> with TreeSampler() as s:
...     _ = bytearray(10_000_000)
>>> s.peak_mb() > 5
True
"""

from __future__ import annotations

import contextlib
import cProfile
import importlib.util
import os
import pstats
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "STAGES",
    "StageResult",
    "TreeSampler",
    "floor",
    "profile",
    "staged",
    "to_coded",
    "tree_rss_bytes",
    "warm",
]

#: Stages of the staged cold run, in order: (name, module it needs, what it measures).
STAGES: tuple[tuple[str, str, str], ...] = (
    ("read+decode", "compare.io", "read every file and decode it (io.decode_bytes)"),
    ("parse", "compare.corpus", "corpus.load_corpus, empty caches: read, decode, parse, cache"),
    ("segment", "compare.themes", "features.task_tokens: jieba over titles and texts, token cache"),
    ("vectorise", "compare.themes", "features.tfidf_matrix (sparse TF-IDF)"),
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
    ("render", "compare.report", "report.render of every notebook, on the caches above"),
)
#: Stages from raw files to coded tasks (the staged run's "raw → coded").
TO_CODED: tuple[str, ...] = ("parse", "segment", "vectorise", "code")
#: Cap on the tasks of the whole-corpus ``align`` stage (``$BENCH_MAX_ALIGN_TASKS``; none by
#: default: issue 15 wants every stage measured at 10,000 plans).
MAX_ALIGN_TASKS = int(os.environ.get("BENCH_MAX_ALIGN_TASKS", "0")) or None


# --------------------------------------------------------------------------- memory


def _children_proc(pid: int) -> list[int]:
    """Descendants of ``pid`` from ``/proc`` (no psutil)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(entry.path, "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def _rss_proc(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return 0


def tree_rss_bytes(pid: int | None = None) -> tuple[int, int]:
    """Summed RSS of ``pid`` (default: this process) and all its descendants.

    Returns
    -------
    tuple of int
        ``(bytes, number of processes)``; ``(0, 0)`` when ``pid`` is gone.

    Examples
    --------
    >>> rss, procs = tree_rss_bytes()
    >>> rss > 0 and procs >= 1
    True
    """
    pid = os.getpid() if pid is None else pid
    try:
        import psutil
    except ImportError:
        pids = [pid, *_children_proc(pid)]
        rss = [_rss_proc(p) for p in pids]
        return sum(rss), sum(1 for r in rss if r)
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    total = n = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
            n += 1
    return total, n


class TreeSampler:
    """Peak summed RSS of a process tree, sampled in a background thread.

    Parameters
    ----------
    pid : int, optional
        Root of the tree (default: this process).
    interval : float
        Seconds between samples.

    Examples
    --------
    >>> s = TreeSampler(interval=0.01)
    >>> s.reset(); s.close() > 0
    True
    """

    def __init__(self, pid: int | None = None, interval: float = 0.05) -> None:
        self.pid = os.getpid() if pid is None else pid
        self._interval = interval
        self._peak = 0
        self.max_processes = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sample()  # at once: a process may be short
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        rss, n = tree_rss_bytes(self.pid)
        with self._lock:
            self._peak = max(self._peak, rss)
            self.max_processes = max(self.max_processes, n)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self._interval)

    def reset(self) -> None:
        """Start a new peak from the current size (between stages)."""
        with self._lock:
            self._peak = 0
        self._sample()

    def peak_mb(self) -> float:
        """Peak so far, in MiB."""
        self._sample()
        return self._peak / 2**20

    def close(self) -> float:
        """Stop sampling; return the peak in MiB."""
        self._stop.set()
        self._thread.join()
        return self._peak / 2**20

    def __enter__(self) -> TreeSampler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- stages


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
        Peak summed RSS of the process and its workers during the stage.
    note : str
        Why it was skipped or how it failed; extra facts otherwise.
    """

    stage: str
    seconds: float | None
    peak_rss_mb: float | None
    note: str = ""


@dataclass
class _Recorder:
    sampler: TreeSampler
    results: list[StageResult] = field(default_factory=list)

    def run(self, stage: str, module: str, fn: Callable[[], Any]) -> None:
        if importlib.util.find_spec(module) is None:
            self.results.append(StageResult(stage, None, None, f"skipped: no module {module}"))
            return
        self.sampler.reset()
        t0 = time.perf_counter()
        try:
            note = fn()
        except Exception as err:  # noqa: BLE001 - a failing stage is reported, the rest still run
            msg = f"failed: {type(err).__name__}: {err}"[:300]
            self.results.append(StageResult(stage, None, self.sampler.peak_mb(), msg))
            return
        seconds = time.perf_counter() - t0
        self.results.append(StageResult(stage, seconds, self.sampler.peak_mb(), note or ""))


def text_files(folder: Path) -> list[Path]:
    """The plan files of ``folder`` that are text (``.txt``, ``.md``), sorted.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "a.md").write_text("x"); _ = (d / "t.json").write_text("{}")
    >>> [p.name for p in text_files(d)]
    ['a.md']
    """
    from compare.corpus import plan_files

    return [p for p in plan_files(Path(folder)) if p.suffix.lower() in (".txt", ".md")]


def floor(folder: Path) -> dict[str, Any]:
    """Bare single-process ``jieba.lcut`` over every decoded text file, dictionary load included.

    Decoding is done before the clock starts: the floor is segmentation alone.
    """
    from compare.io import decode_bytes

    texts = [decode_bytes(p.read_bytes()).text for p in text_files(folder)]
    if not texts:
        raise ValueError(f"{folder}: no plan text files (.txt, .md) to segment")
    t0 = time.perf_counter()
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    t1 = time.perf_counter()
    n_tokens = sum(len(jieba.lcut(t)) for t in texts)
    t2 = time.perf_counter()
    return {
        "dict_load_s": t1 - t0,
        "lcut_s": t2 - t1,
        "seconds": t2 - t0,
        "files": len(texts),
        "chars": sum(len(t) for t in texts),
        "utf8_mb": sum(len(t.encode("utf-8")) for t in texts) / 1e6,
        "tokens": n_tokens,
    }


def to_coded() -> dict[str, Any]:
    """Raw files of ``$COMPARE_HOME/data/raw`` → coded tasks, as every report starts.

    ``load_corpus(config.RAW_DIR)`` then ``coding.coded_tasks(corpus.tasks)`` with the
    notebooks' default parameters, imports included in the time (as the floor includes
    importing jieba).
    """
    t0 = time.perf_counter()
    from compare import coding, config
    from compare.corpus import load_corpus

    t1 = time.perf_counter()
    corpus = load_corpus(config.RAW_DIR)
    t2 = time.perf_counter()
    coded = coding.coded_tasks(corpus.tasks)
    t3 = time.perf_counter()
    return {
        "seconds": t3 - t0,
        "import_s": t1 - t0,
        "load_s": t2 - t1,
        "coded_s": t3 - t2,
        "documents": len(corpus.documents),
        "tasks": len(coded),
    }


def staged(folder: Path, out_dir: Path) -> dict[str, Any]:
    """Every stage of :data:`STAGES` in order, empty caches, in this process."""
    import warnings

    warnings.simplefilter("ignore")
    sampler = TreeSampler()
    rec = _Recorder(sampler)
    state: dict[str, Any] = {}
    folder = Path(folder)

    def read_decode() -> str:
        from compare.io import decode_bytes

        files = text_files(folder)
        for p in files:
            with contextlib.suppress(Exception):
                decode_bytes(p.read_bytes(), name=p.name)
        return f"{len(files)} files"

    def parse() -> str:
        from compare.corpus import load_corpus

        state["corpus"] = load_corpus(folder, catalog=None)
        c = state["corpus"]
        return f"{len(c.documents)} plans, {len(c.tasks)} tasks, {len(c.failures)} failures"

    def segment() -> None:
        from compare import features

        state["tokens"] = features.task_tokens(state["corpus"].tasks)

    def vectorise() -> None:
        from compare import features

        tasks = state["corpus"].tasks
        state["X"], _ = features.tfidf_matrix(*state["tokens"], groups=tasks["district"])

    def code() -> None:
        from compare import themes

        state["coded"] = themes.code_tasks(state["corpus"].tasks, X=state["X"])

    def cluster() -> str:
        from compare import clusters

        cl = clusters.cluster_tasks(
            state["corpus"].tasks,
            probabilities=state["coded"].attrs["probabilities"],
            tokens=state["tokens"],
        )
        state["clustering"] = cl
        return f"k = {len(cl.summary)}"

    def cache_coded() -> None:
        # The reports' own path (coding.coded_tasks, content-keyed cache under
        # data/interim/themes), fed with the stages above instead of recomputing them.
        import functools

        from compare import coding, themes

        original = themes.theme_table
        themes.theme_table = functools.partial(
            original,
            precomputed={k: state[k] for k in ("tokens", "X", "coded", "clustering")},
        )
        try:
            coding.coded_tasks(state["corpus"].tasks)
        finally:
            themes.theme_table = original

    def shares_() -> None:
        from compare import shares

        t = state["corpus"].tasks.assign(
            theme=state["coded"]["theme"].to_numpy(),
            theme_name=state["coded"]["theme_name"].to_numpy(),
        )
        shares.theme_shares(t, by="district")
        shares.share_test(t, by="district")

    def keyness_() -> None:
        from compare import keyness

        keyness.distinctive_terms(state["corpus"].tasks, by="district", tokens=state["tokens"][1])

    def align_() -> str:
        from compare import align

        tasks = state["corpus"].tasks
        matches = align.best_counterparts(tasks, by="district", tokens=state["tokens"][1])
        table = align.shared_priorities(matches, tasks, by="district")
        return f"{len(matches):,} best-counterpart rows, {len(table):,} priorities"

    def targets_() -> str:
        from compare import targets

        return f"{len(targets.extract_targets(state['corpus'].tasks)):,} targets"

    def render_() -> str:
        import gc

        from compare import report

        state.clear()  # the reports read the caches: what the stages above hold is dropped
        gc.collect()
        release_freed_memory()  # and the freed heap goes back to the system before the kernel

        results = report.render(
            params={"data_dir": str(folder)},
            out_dir=out_dir,
            force=True,
            progress=None,
            notebooks_dir=notebooks_dir(),
        )
        failed = [r.notebook for r in results if not r.ok]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(results)} notebooks failed: {failed}")
        return f"{len(results)} of {len(results)} notebooks"

    steps: dict[str, Callable[[], Any]] = {
        "read+decode": read_decode,
        "parse": parse,
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
        "segment": "corpus",
        "vectorise": "tokens",
        "code": "X",
        "cluster": "coded",
        "cache coded": "clustering",
        "shares": "coded",
        "keyness": "tokens",
        "align": "tokens",
        "targets": "corpus",
    }
    facts: dict[str, int] = {}
    for stage, module, _ in STAGES:
        if "corpus" in state and not facts:
            c = state["corpus"]
            facts = {
                "documents": len(c.documents),
                "tasks": len(c.tasks),
                "failures": len(c.failures),
            }
        need = needs.get(stage)
        if need and need not in state:
            note = f"skipped: needs the output of an earlier stage ({need})"
            rec.results.append(StageResult(stage, None, None, note))
            continue
        n_tasks = len(state["corpus"].tasks) if "corpus" in state else 0
        if stage == "align" and MAX_ALIGN_TASKS and n_tasks > MAX_ALIGN_TASKS:
            note = f"skipped: {n_tasks:,} tasks > BENCH_MAX_ALIGN_TASKS={MAX_ALIGN_TASKS:,}"
            rec.results.append(StageResult(stage, None, None, note))
            continue
        rec.run(stage, module, steps[stage])
    peak = sampler.close()
    return {"stages": [asdict(r) for r in rec.results], "peak_rss_mb": peak, **facts}


def release_freed_memory() -> bool:
    """Return the freed parts of this process's heap to the system (glibc ``malloc_trim``).

    Python frees its objects into the C heap, which keeps the pages: a process that held
    the stages' tables keeps their resident size while the report kernel it starts works.
    False where there is no glibc (nothing is done).

    Examples
    --------
    >>> release_freed_memory() in (True, False)
    True
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
    return True


def notebooks_dir() -> Path:
    """The project's notebooks (workers run with ``COMPARE_HOME`` elsewhere).

    Examples
    --------
    >>> (notebooks_dir() / "01_corpus_overview.ipynb").exists()
    True
    """
    from compare import config

    return config.PACKAGE_DIR.parents[1] / "notebooks"


def warm(folder: Path) -> dict[str, Any]:
    """Raw → coded tasks on the caches of :func:`staged`: what a report does first."""
    import warnings

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    from compare import coding
    from compare.corpus import load_corpus

    t1 = time.perf_counter()
    tasks = load_corpus(folder, catalog=None).tasks
    t2 = time.perf_counter()
    coded = coding.coded_tasks(tasks)
    t3 = time.perf_counter()
    return {
        "seconds": t3 - t0,
        "import_s": t1 - t0,
        "load_s": t2 - t1,
        "coded_s": t3 - t2,
        "tasks": len(coded),
    }


def profile(folder: Path, top: int = 18) -> dict[str, Any]:
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
    stats = pstats.Stats(prof)
    rows = [
        {
            "function": f"{Path(file).name}:{line}({func})",
            "ncalls": ncalls,
            "tottime": tottime,
            "cumtime": cumtime,
        }
        for (file, line, func), (_, ncalls, tottime, cumtime, _) in stats.stats.items()  # type: ignore[attr-defined]
    ]
    rows.sort(key=lambda r: r["tottime"], reverse=True)
    return {"seconds": total, "top": rows[:top]}
