"""``compare render``: run the notebooks and export them as offline HTML reports.

:func:`render` resolves the notebooks (:mod:`.notebooks`), holds the reports
folder's lock and skips unchanged reports (:mod:`.manifest`), executes the
others in one kernel (:mod:`.engine`) and exports each, while the next one
runs, as an offline page (:mod:`.export`). The command line (``compare
render``, ``python -m compare.report``) is :mod:`.command`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from compare import config
from compare.atomic import write_atomic
from compare.exceptions import CompareError
from compare.report.engine import (
    LOGGER_NAME,
    Kernels,
    cell_timings,
    clean_executed,
    describe_failure,
    execute,
    kernel_name,
)
from compare.report.export import PLOTLYJS_MODES, Exporter, has_figures
from compare.report.manifest import (
    ASSETS_DIR_NAME,
    INDEX_NAME,
    LOCK_TIMEOUT,
    LOG_NAME,
    MANIFEST_NAME,
    PLOTLY_ASSET,
    content_key,
    copy_plotly_asset,
    display_value,
    git_commit,
    html_key,
    input_files,
    now,
    read_manifest,
    reports_lock,
    sha256_file,
    source_digest,
    tool_versions,
    unwritable,
    write_index,
)
from compare.report.notebooks import (
    NOTEBOOK_GLOB,
    NotebookParameter,
    cell_source,
    declared_parameters,
    find_notebooks,
    known_parameters,
    read_notebook_json,
    title_and_summary,
    validate_params,
)

__all__ = ["PLOTLYJS_MODES", "ReportResult", "render"]

#: Reports above this size get a warning on their progress line.
MAX_REPORT_BYTES = 5 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class ReportResult:
    """What :func:`render` did with one notebook.

    Attributes
    ----------
    notebook : str
        The notebook file name, e.g. ``"01_corpus_overview.ipynb"``.
    status : str
        ``"rendered"``, ``"skipped"`` (unchanged since the last good report) or
        ``"failed"`` (the previous report, if any, is kept).
    html : pathlib.Path or None
        The report file (the previous one for a failure), or None if there is none.
    title : str
        The report title.
    summary : str
        The one-line summary shown in the index.
    seconds : float
        Wall time spent on this notebook in this run.
    size_bytes : int
        Size of the report file (0 if there is none).
    key : str
        The content key of this run's inputs.
    error : str or None
        One line naming the failing cell and the error, for a failure.
    """

    notebook: str
    status: str
    html: Path | None
    title: str
    summary: str
    seconds: float
    size_bytes: int
    key: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True unless the notebook failed."""
        return self.status != "failed"


@dataclasses.dataclass
class _Run:
    """Per-call settings of :func:`render` (no module state)."""

    out_dir: Path
    data_label: str
    inputs: list[dict[str, Any]]
    source_sha256: str
    versions: dict[str, str]
    git_commit: str
    log: logging.Logger
    notebooks_dir: Path
    known: dict[str, list[dict[str, str]]]
    exporter: Exporter


@dataclasses.dataclass
class _Job:
    """One notebook of a render, from its skip check to its report."""

    path: Path
    previous: Mapping[str, Any] | None
    nb_json: dict[str, Any]
    notebook_sha: str
    declared: list[NotebookParameter]
    effective: dict[str, Any]
    key: str
    start: float
    skip: bool = False

    @property
    def html_path(self) -> Path:
        return self.path.with_suffix(".html")


def _job(
    path: Path,
    params: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    force: bool,
    run: _Run,
) -> _Job:
    """Read a notebook, compute its content key and decide whether it can be skipped."""
    start = time.perf_counter()
    nb_json = read_notebook_json(path)
    notebook_sha = sha256_file(path)
    declared = declared_parameters(path, notebook_sha, run.known)
    names = {p.name for p in declared}
    effective = {k: v for k, v in params.items() if k in names}
    key = content_key(notebook_sha, run.inputs, run.source_sha256, effective, run.versions)
    job = _Job(path, previous, nb_json, notebook_sha, declared, effective, key, start)
    job.skip = (
        not force
        and previous is not None
        and previous.get("key") == key
        and not previous.get("last_error")
        and html_key(run.out_dir / job.html_path.name)
        == key  # the report itself, not only the manifest
    )
    return job


def _result(
    job: _Job, entry: Mapping[str, Any], status: str, html: Path | None, **more: Any
) -> ReportResult:
    return ReportResult(
        notebook=job.path.name,
        status=status,
        html=html,
        title=entry.get("title", job.path.stem),
        summary=entry.get("summary", ""),
        seconds=time.perf_counter() - job.start,
        size_bytes=html.stat().st_size if html is not None else 0,
        key=job.key,
        **more,
    )


def _failed(
    job: _Job, exc: BaseException, attempt: str, run: _Run
) -> tuple[ReportResult, dict[str, Any]]:
    """The result of a notebook that failed: its previous report, if any, is kept."""
    name, previous = job.path.name, job.previous
    html_path = run.out_dir / job.html_path.name
    reason = describe_failure(exc, job.nb_json)
    run.log.error("%s failed: %s", name, reason, exc_info=exc)
    kept = html_path.is_file() and previous is not None and previous.get("html")
    entry = dict(previous) if previous else {"notebook": name, "html": None}
    entry.setdefault("title", title_and_summary(job.nb_json, job.path.stem)[0])
    entry.setdefault("summary", "")
    entry.update(last_error=reason, last_attempt=attempt, failed_key=job.key)
    if not kept:
        entry["html"] = None
    return _result(job, entry, "failed", html_path if kept else None, error=reason), entry


def _execute(job: _Job, run: _Run, kernels: Kernels) -> tuple[Any, str]:
    """Run the notebook in one of the render's kernels; the executed notebook and the attempt time."""
    attempt = now()
    executed = execute(job.path, job.nb_json, job.effective, kernels)
    seconds, timings = time.perf_counter() - job.start, cell_timings(executed)
    clean_executed(executed, run.log, job.path.name)
    run.log.info("%s executed in %.1f s (%s)", job.path.name, seconds, timings)
    return executed, attempt


def _export(
    job: _Job, executed: Any, attempt: str, run: _Run
) -> tuple[ReportResult, dict[str, Any]]:
    """Write the report of an executed notebook atomically; its result and manifest entry."""
    exporting = time.perf_counter()
    name, html_path = job.path.name, run.out_dir / job.html_path.name
    try:
        title, summary = title_and_summary(executed, job.path.stem)
        entry = {
            "notebook": name,
            "html": html_path.name,
            "title": title,
            "summary": summary,
            "key": job.key,
            "notebook_sha256": job.notebook_sha,
            "declared": [dataclasses.asdict(p) for p in job.declared],
            "generated_at": attempt,
            "git_commit": run.git_commit,
            "parameters": {k: display_value(v) for k, v in job.effective.items()},
            "data": run.data_label,
            "inputs": run.inputs,
            "plotlyjs": run.exporter.plotlyjs_mode if has_figures(executed) else "none",
        }
        provenance = {
            "git_commit": run.git_commit,
            "inputs": run.inputs,
            "data_label": run.data_label,
        }
        page = run.exporter.page(executed, job.path, entry, job.declared, job.effective, provenance)
        write_atomic(html_path, page)
    except Exception as exc:  # one notebook's failure never stops the others
        return _failed(job, exc, attempt, run)
    run.log.info("%s exported in %.1f s", name, time.perf_counter() - exporting)
    result = _result(job, entry, "rendered", html_path)
    entry.update(size_bytes=result.size_bytes, seconds=round(result.seconds, 2))
    return result, entry


#: Plans above this many bytes in all are rendered in one kernel by default (memory).
PARALLEL_MAX_BYTES = 64 * 1024 * 1024


def _lanes(wanted: int | None, to_run: Sequence[Any], inputs: Sequence[Mapping[str, Any]]) -> int:
    """How many kernels run the notebooks of a render (see :func:`render`'s ``jobs``).

    Examples
    --------
    >>> _lanes(3, [1, 2], [])
    3
    >>> _lanes(None, [1], [])
    1
    >>> _lanes(None, [1, 2], [{"bytes": PARALLEL_MAX_BYTES + 1}])
    1
    """
    if wanted is not None:
        return max(1, int(wanted))
    if len(to_run) < 2 or (os.cpu_count() or 1) < 2:
        return 1
    return 2 if sum(int(f.get("bytes", 0)) for f in inputs) <= PARALLEL_MAX_BYTES else 1


def _lane_env(lanes: int) -> dict[str, str]:
    """Environment of each kernel when ``lanes`` kernels share the cores.

    Each kernel may use its share of the cores for parallel stages
    (:func:`compare.config.worker_count`), so two kernels do not each start a
    pool of workers that compete for the same two cores. A ``COMPARE_JOBS``
    the user set is kept.

    Examples
    --------
    >>> import os
    >>> env = _lane_env(os.cpu_count() or 1)
    >>> env.get("COMPARE_JOBS", "1")
    '1'
    """
    from compare import config

    env = dict(os.environ)
    if lanes > 1 and not os.environ.get(config.JOBS_ENV):
        env[config.JOBS_ENV] = str(max(1, (os.cpu_count() or 1) // lanes))
    return env


def _run_lanes(
    lane: Callable[[Kernels], None], kernels: Sequence[Kernels], stopping: threading.Event
) -> None:
    """Run ``lane`` once per kernel in threads of its own; raise the first lane's error.

    An interruption of this thread (Ctrl-C) sets ``stopping`` and kills the
    lanes' kernels, so that the notebooks running in them end now (and are
    not recorded) instead of when they are done; then it goes on up.
    """
    errors: list[BaseException] = []

    def guarded(kernels: Kernels) -> None:
        try:
            lane(kernels)
        except BaseException as exc:  # noqa: BLE001 - raised in the calling thread below
            errors.append(exc)

    threads = [
        threading.Thread(target=guarded, args=(k,), name=f"compare-kernel-{i}", daemon=True)
        for i, k in enumerate(kernels)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException:
        stopping.set()
        for k in kernels:
            k.kill()
        for thread in threads:
            thread.join(30)
        raise
    if errors:
        raise errors[0]


def _warm_imports(jobs: Sequence[_Job]) -> str:
    """The import statements of the notebooks about to run, each allowed to fail.

    Sent to a new kernel before the first notebook, so that the kernel imports
    them while this process imports papermill and nbconvert.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "source": "import os\\nx = 1"}]}
    >>> print(_warm_imports([_Job(Path("a.ipynb"), None, nb, "", [], {}, "", 0.0)]))
    try:
        import os
    except Exception:
        pass
    """
    import ast

    statements: dict[str, None] = {}
    for job in jobs:
        for cell in job.nb_json.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse(cell_source(cell))
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
                    statements[ast.unparse(node)] = None
    return "\n".join(f"try:\n    {s}\nexcept Exception:\n    pass" for s in statements)


@contextlib.contextmanager
def _file_log(out_dir: Path) -> Iterator[logging.Logger]:
    """The render logger, writing to ``<out_dir>/render.log`` for the call's duration."""
    log = logging.getLogger(LOGGER_NAME)
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(out_dir / LOG_NAME, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # papermill's and nbconvert's warnings go to the log file, not to the console
    others = [logging.getLogger(name) for name in ("papermill", "traitlets", "nbconvert")]
    saved = [(other, other.propagate) for other in others]
    for other in others:
        other.addHandler(handler)
        other.propagate = False
    log.addHandler(handler)
    try:
        yield log
    finally:
        log.removeHandler(handler)
        for other, propagate in saved:
            other.removeHandler(handler)
            other.propagate = propagate
        handler.close()


def _progress_line(index: int, total: int, result: ReportResult) -> str:
    head = f"[{index}/{total}] {result.notebook}:"
    if result.status == "failed":
        kept = "previous report kept" if result.html else "no previous report"
        return f"{head} FAILED {result.error} ({kept})"
    size = f"{result.size_bytes / 1e6:.2f} MB"
    warn = " WARNING: over 5 MB" if result.size_bytes > MAX_REPORT_BYTES else ""
    verb = "unchanged, skipped" if result.status == "skipped" else "rendered"
    return f"{head} {verb} in {result.seconds:.1f} s ({size}){warn}"


def _prepare_out_dir(out_dir: Path, paths: Sequence[Path], mode: str) -> None:
    """Create the reports folder and refuse, in one line, anything that would stop the run.

    Checked before any notebook runs: the folder is a file (or below one), a
    file the render writes (index, manifest, log, a report, the plotly asset)
    is a folder.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise CompareError(
            f"{out_dir}: is a file, not a reports folder; move it away or choose another "
            "folder with --out"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in out_dir.parents if p.exists()), out_dir)
        if not blocker.is_dir():
            raise CompareError(
                f"{blocker}: is a file, so the reports folder {out_dir} cannot be created; "
                "move the file away or choose another folder with --out"
            ) from exc
        raise CompareError(unwritable(blocker, out_dir, exc)) from exc
    targets = [INDEX_NAME, MANIFEST_NAME, LOG_NAME, *(p.with_suffix(".html").name for p in paths)]
    if mode == "shared":
        targets.append(PLOTLY_ASSET)
    for name in targets:
        target = out_dir / name
        if target.exists() and not target.is_file():
            kind = "a folder" if target.is_dir() else "not a regular file"
            raise CompareError(
                f"{target}: is {kind} where the render writes a file; move it away and run again"
            )
    assets = out_dir / ASSETS_DIR_NAME
    if mode == "shared" and assets.exists() and not assets.is_dir():
        raise CompareError(f"{assets}: is a file where plotly.js goes; move it away and run again")


def _check_cache_folder() -> None:
    """Refuse a file where ``data/interim`` belongs before any notebook runs into it."""
    interim = config.INTERIM_DIR
    blocker = next((p for p in [interim, *interim.parents] if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise CompareError(
            f"{blocker}: is a file where the cache folder {interim} belongs; move the file away "
            "(or set COMPARE_HOME to another folder)"
        )


def render(
    notebooks: Sequence[str] | None = None,
    params: Mapping[str, Any] | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    *,
    notebooks_dir: Path | None = None,
    data_dir: Path | None = None,
    progress: Callable[[str], None] | None = print,
    standalone: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    jobs: int | None = None,
) -> list[ReportResult]:
    """Execute notebooks and export them as offline HTML reports, incrementally.

    Parameters
    ----------
    notebooks : sequence of str, optional
        Names of notebooks to render (see :func:`find_notebooks`); all by default.
    params : mapping, optional
        Parameters; each notebook receives those its ``parameters`` cell declares.
    out_dir : pathlib.Path, optional
        Where reports, ``index.html``, ``manifest.json`` and ``render.log`` go
        (default ``config.REPORTS_DIR``).
    force : bool, default False
        Re-execute even when the content key is unchanged.
    notebooks_dir : pathlib.Path, optional
        Default ``config.NOTEBOOKS_DIR``.
    data_dir : pathlib.Path, optional
        The plans folder whose files are hashed as inputs; passed to notebooks
        declaring ``data_dir`` unless ``params`` sets it. Default: ``params``'s
        ``data_dir`` or ``config.RAW_DIR``.
    progress : callable, optional
        Receives one line per notebook (default ``print``; None for silence).
    standalone : bool, default False
        Inline plotly.js in every report with figures (single files to
        e-mail) instead of one shared ``assets/plotly.min.js`` beside them.
    lock_timeout : float
        Seconds to wait for another render of ``out_dir`` (see below).
    jobs : int, optional
        Kernels running notebooks at once (each takes the next notebook in
        phase order when it is free). Default: 2 on a machine with two or
        more cores and plans of at most :data:`PARALLEL_MAX_BYTES` in all, else
        1 (a second kernel holds a second copy of the corpus). Notebooks
        computing the same cache entry wait for each other
        (:mod:`compare.cachelock`), so the reports are the same for any value.

    Each report's content key is written into its HTML (``<meta
    name="compare-key">``); a notebook is skipped only when both the
    manifest and the report itself carry the key of this run. The run holds
    an exclusive lock on ``out_dir`` (``fcntl.flock`` on ``.render.lock``)
    and rewrites ``manifest.json`` and ``index.html`` atomically after every
    notebook, so an interrupted or concurrent run never leaves an index or a
    skip decision that disagrees with a report.

    Returns
    -------
    list of ReportResult
        One per notebook, in phase order. A failure does not raise: check
        ``result.ok`` (:func:`render_command` turns failures into exit code 1).

    Raises
    ------
    CompareError
        Before any notebook runs, in one line: a parameter that is not plain
        data or not of its declared type (:func:`validate_params`), a missing
        data folder or one without plans, no notebook to render, a reports
        folder that is a file or cannot be written, a
        folder where a report file goes, a file where ``data/interim`` goes,
        or another render holding the folder longer than ``lock_timeout``.

    Examples
    --------
    >>> results = render(force=True)  # doctest: +SKIP
    [1/1] 01_corpus_overview.ipynb: rendered in 4.1 s (4.93 MB)
    """
    if jobs is not None and jobs < 1:
        raise CompareError(f"jobs must be at least 1, got {jobs}")
    params = dict(params or {})
    out_dir = Path(out_dir or config.REPORTS_DIR).resolve()
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR).resolve()
    if isinstance(params.get("data_dir"), Path):
        params["data_dir"] = str(params["data_dir"])
    paths = find_notebooks(notebooks, notebooks_dir)
    if not paths:
        raise CompareError(
            f"{notebooks_dir}: no notebooks to render (none named {NOTEBOOK_GLOB}); "
            "run in the project or set COMPARE_HOME to a folder with notebooks/"
        )
    # parameters read by an earlier render of the same notebook files are not read again
    known = known_parameters(read_manifest(Path(out_dir)).values())
    if params:
        declared = {p: declared_parameters(p, sha256_file(p), known) for p in paths}
        validate_params(params, paths, declared)
    if data_dir is not None:
        params.setdefault("data_dir", str(Path(data_dir).resolve()))
    data_path = Path(params.get("data_dir") or config.RAW_DIR).resolve()
    if not data_path.is_dir():
        raise CompareError(
            f"{data_path}: the data folder does not exist; pass a folder of plans "
            "with -p data_dir DIR"
        )
    from compare.io import PLAN_SUFFIXES, plan_files  # not compare.corpus: no pandas to import

    if not plan_files(data_path):
        raise CompareError(
            f"{data_path}: the data folder holds no plans "
            f"({', '.join('*' + x for x in PLAN_SUFFIXES)}); add some with compare add FILE "
            "or pass another folder with -p data_dir DIR"
        )
    try:
        data_label = data_path.relative_to(config.PROJECT_DIR).as_posix()
    except ValueError:
        data_label = "…/" + data_path.name
    say = progress or (lambda line: None)
    mode = "standalone" if standalone else "shared"
    _prepare_out_dir(out_dir, paths, mode)
    _check_cache_folder()
    with reports_lock(out_dir, lock_timeout, say):
        return _render_locked(
            paths,
            params,
            out_dir,
            notebooks_dir,
            data_path,
            data_label,
            force,
            notebooks is None,
            say,
            mode,
            known,
            jobs,
        )


def _render_locked(
    paths: Sequence[Path],
    params: Mapping[str, Any],
    out_dir: Path,
    notebooks_dir: Path,
    data_path: Path,
    data_label: str,
    force: bool,
    full: bool,
    say: Callable[[str], None],
    mode: str,
    known: dict[str, list[dict[str, str]]],
    jobs_wanted: int | None = None,
) -> list[ReportResult]:
    """The body of :func:`render`, run while this process holds the folder's lock.

    Notebooks run in one or more kernels (:func:`_lanes`), each kernel taking
    the next notebook in phase order when it is free; each executed notebook
    is exported by one worker thread while the next notebooks run, and the
    manifest and index are rewritten after each one, in notebook order.
    """
    if mode == "shared":
        copy_plotly_asset(out_dir)
    manifest = read_manifest(out_dir)  # read under the lock: no other run's entry is lost
    known = {**known, **known_parameters(manifest.values())}
    results: list[ReportResult] = []
    with _file_log(out_dir) as log:
        if params:
            declared = {
                p.name
                for path in paths
                for p in declared_parameters(path, sha256_file(path), known)
            }
            for unknown in sorted(set(params) - declared - {"data_dir"}):
                say(f"warning: parameter {unknown!r} is declared by none of the notebooks")
        run = _Run(
            out_dir=out_dir,
            data_label=data_label,
            inputs=input_files(data_path),
            source_sha256=source_digest(config.PACKAGE_DIR),
            versions={**tool_versions(), "plotlyjs_mode": mode},
            git_commit=git_commit(),
            log=log,
            notebooks_dir=notebooks_dir,
            known=known,
            exporter=Exporter(mode, [out_dir, notebooks_dir, data_path]),
        )
        log.info("render %d notebook(s) into %s, force=%s", len(paths), out_dir.name, force)
        jobs = [_job(path, params, manifest.get(path.name), force, run) for path in paths]

        done: dict[int, tuple[ReportResult, dict[str, Any]]] = {}
        recorded = [0]  # notebooks recorded so far, in phase order

        def record(index: int, result: ReportResult, entry: dict[str, Any]) -> None:
            """Record notebook ``index`` once every earlier one is (results in phase order)."""
            done[index] = (result, entry)
            while recorded[0] + 1 in done:
                recorded[0] += 1
                result, entry = done.pop(recorded[0])
                if (
                    manifest.get(result.notebook) != entry
                ):  # after every notebook: a kill loses nothing
                    manifest[result.notebook] = entry
                    write_index(
                        out_dir, [manifest[k] for k in sorted(manifest)], run.git_commit, mode
                    )
                results.append(result)
                line = _progress_line(recorded[0], len(paths), result)
                log.info(line)
                say(line)

        def export_and_record(index: int, job: _Job, executed: Any, attempt: str) -> None:
            record(index, *_export(job, executed, attempt, run))

        to_run = [(index, job) for index, job in enumerate(jobs, start=1) if not job.skip]
        lanes = min(len(to_run), _lanes(jobs_wanted, to_run, run.inputs))
        queue = iter(to_run)
        taking = threading.Lock()
        with ThreadPoolExecutor(1, thread_name_prefix="compare-export") as worker:
            for index, job in enumerate(jobs, start=1):
                if job.skip:
                    entry = dict(job.previous or {})
                    result = _result(job, entry, "skipped", out_dir / job.html_path.name)
                    worker.submit(record, index, result, entry)

            stopping = threading.Event()  # set when the render is interrupted

            def lane(kernels: Kernels) -> None:
                """Run notebooks from the shared queue in this lane's own kernel."""
                try:
                    kernels.warm(
                        kernel_name(to_run[0][1].nb_json), _warm_imports([j for _, j in to_run])
                    )
                    while not stopping.is_set():
                        with taking:
                            index, job = next(queue, (0, None))
                        if job is None:
                            break
                        job.start = time.perf_counter()
                        try:
                            executed, attempt = _execute(job, run, kernels)
                        except Exception as exc:  # one notebook's failure never stops the others
                            if stopping.is_set():  # its kernel was stopped: record nothing
                                return
                            worker.submit(record, index, *_failed(job, exc, now(), run))
                            continue
                        if stopping.is_set():
                            return
                        worker.submit(export_and_record, index, job, executed, attempt)
                finally:
                    kernels.shutdown()  # while the last report is exported

            if lanes:
                log.info("%d notebook(s) to run in %d kernel(s)", len(to_run), lanes)
            if lanes == 1:
                lane(Kernels(notebooks_dir, out_dir / LOG_NAME))
            elif lanes > 1:
                _run_lanes(
                    lane,
                    [
                        Kernels(notebooks_dir, out_dir / LOG_NAME, env=_lane_env(lanes))
                        for _ in range(lanes)
                    ],
                    stopping,
                )
        if full:  # a full run forgets notebooks that no longer exist
            manifest = {name: e for name, e in manifest.items() if name in {p.name for p in paths}}
        write_index(out_dir, [manifest[k] for k in sorted(manifest)], run.git_commit, mode)
    return results
