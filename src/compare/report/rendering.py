"""``compare render``: run the notebooks and export them as offline HTML reports.

:func:`render` resolves the notebooks (:mod:`.notebooks`), holds the reports
folder's lock and skips unchanged reports (:mod:`.manifest`), executes the
others (:mod:`.engine`) and exports them through the ``compare_report``
nbconvert template. :func:`add_render_arguments` and :func:`render_command`
are the command line (``compare render``, ``python -m compare.report``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
)
from compare.report.manifest import (
    ASSETS_DIR_NAME,
    INDEX_NAME,
    KEY_META,
    LOCK_TIMEOUT,
    LOG_NAME,
    MANIFEST_NAME,
    PLOTLY_ASSET,
    TEMPLATES_DIR,
    content_key,
    copy_plotly_asset,
    display_value,
    git_commit,
    html_key,
    input_files,
    now,
    plotly_source,
    read_manifest,
    redact,
    redaction_roots,
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
    load_params_file,
    parse_param_pairs,
    read_notebook_json,
    title_and_summary,
    validate_params,
)

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["ReportResult", "add_render_arguments", "render", "render_command"]

TEMPLATE_NAME = "compare_report"
#: Reports above this size get a warning on their progress line.
MAX_REPORT_BYTES = 5 * 1024 * 1024
_PLOTLYJS_SLOT = "/*compare:plotly.js*/"
#: The two ways plotly.js reaches a report (see the module docstring).
PLOTLYJS_MODES = ("shared", "standalone")


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


def _has_figures(nb: NotebookNode) -> bool:
    return any(
        "plotly-graph-div" in cell_source({"source": o.get("data", {}).get("text/html", "")})
        for c in nb.cells
        for o in c.get("outputs", [])
    )


@dataclasses.dataclass
class _Run:
    """Per-call settings of :func:`render` (no module state)."""

    out_dir: Path
    notebooks_dir: Path
    data_dir: Path
    data_label: str
    inputs: list[dict[str, Any]]
    source_sha256: str
    versions: dict[str, str]
    git_commit: str
    log: logging.Logger
    progress: Callable[[str], None]
    kernels: Kernels
    known: dict[str, list[dict[str, str]]]
    plotlyjs_mode: str = "shared"
    exporter: Any = None
    plotlyjs: str | None = None

    def html_exporter(self) -> Any:
        if self.exporter is None:
            from nbconvert import HTMLExporter

            self.exporter = HTMLExporter(
                template_name=TEMPLATE_NAME,
                extra_template_basedirs=[str(TEMPLATES_DIR)],
                exclude_input=True,
                exclude_input_prompt=True,
                exclude_output_prompt=True,
                language_code="zh",
            )
        return self.exporter

    def plotly_js(self) -> str:
        if self.plotlyjs is None:
            self.plotlyjs = plotly_source().read_text("utf-8")
        return self.plotlyjs


def _export(
    nb: NotebookNode,
    path: Path,
    entry: Mapping[str, Any],
    declared: Sequence[NotebookParameter],
    params: Mapping[str, Any],
    run: _Run,
) -> str:
    parameters = [
        {
            "name": p.name,
            "value": display_value(params[p.name]) if p.name in params else p.default,
            "set": p.name in params,
            "help": p.help,
        }
        for p in declared
    ]
    nb.metadata["title"] = entry["title"]
    resources = {
        "metadata": {"name": entry["title"]},
        "compare": {
            "css": (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8"),
            "plotlyjs": _PLOTLYJS_SLOT
            if _has_figures(nb) and run.plotlyjs_mode == "standalone"
            else "",
            "plotlyjs_src": PLOTLY_ASSET
            if _has_figures(nb) and run.plotlyjs_mode == "shared"
            else "",
            "notebook": path.name,
            "notebook_sha256": entry["notebook_sha256"],
            "generated_at": entry["generated_at"],
            "git_commit": run.git_commit,
            "inputs": run.inputs,
            "data_label": run.data_label,
            "parameters": parameters,
            "key": entry["key"],
        },
    }
    body, _ = run.html_exporter().from_notebook_node(nb, resources=resources)
    # the report's own content key, read back by the skip check (see html_key)
    body = body.replace("<head>", f'<head>\n<meta name="{KEY_META}" content="{entry["key"]}">', 1)
    roots = redaction_roots([run.out_dir, run.notebooks_dir, run.data_dir, path.parent])
    body = redact(body, roots)
    if _PLOTLYJS_SLOT in body:
        body = body.replace(_PLOTLYJS_SLOT, run.plotly_js().replace("</script", "<\\/script"), 1)
    return body


def _render_one(
    path: Path,
    params: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    force: bool,
    run: _Run,
) -> tuple[ReportResult, dict[str, Any]]:
    start = time.perf_counter()
    nb_json = read_notebook_json(path)
    notebook_sha = sha256_file(path)
    declared = declared_parameters(path, notebook_sha, run.known)
    names = {p.name for p in declared}
    effective = {k: v for k, v in params.items() if k in names}
    key = content_key(notebook_sha, run.inputs, run.source_sha256, effective, run.versions)
    html_name = path.with_suffix(".html").name
    html_path = run.out_dir / html_name

    if (
        not force
        and previous is not None
        and previous.get("key") == key
        and not previous.get("last_error")
        and html_key(html_path) == key  # the report itself, not only the manifest
    ):
        entry = dict(previous)
        return (
            ReportResult(
                notebook=path.name,
                status="skipped",
                html=html_path,
                title=entry.get("title", path.stem),
                summary=entry.get("summary", ""),
                seconds=time.perf_counter() - start,
                size_bytes=html_path.stat().st_size,
                key=key,
            ),
            entry,
        )

    attempt = now()
    try:
        executed = execute(path, nb_json, effective, run.kernels)
        executed_at = time.perf_counter()
        clean_executed(executed, run.log, path.name)
        run.log.info(
            "%s executed in %.1f s (%s)",
            path.name,
            executed_at - start,
            cell_timings(executed),
        )
        title, summary = title_and_summary(executed, path.stem)
        entry = {
            "notebook": path.name,
            "html": html_name,
            "title": title,
            "summary": summary,
            "key": key,
            "notebook_sha256": notebook_sha,
            "declared": [dataclasses.asdict(p) for p in declared],
            "generated_at": attempt,
            "git_commit": run.git_commit,
            "parameters": {k: display_value(v) for k, v in effective.items()},
            "data": run.data_label,
            "inputs": run.inputs,
        }
        entry["plotlyjs"] = run.plotlyjs_mode if _has_figures(executed) else "none"
        exporting = time.perf_counter()
        page = _export(executed, path, entry, declared, effective, run)
        write_atomic(html_path, page)
        run.log.info("%s exported in %.1f s", path.name, time.perf_counter() - exporting)
    except Exception as exc:  # one notebook's failure never stops the others
        reason = describe_failure(exc, nb_json)
        run.log.error("%s failed: %s", path.name, reason, exc_info=True)
        kept = html_path.is_file() and previous is not None and previous.get("html")
        entry = dict(previous) if previous else {"notebook": path.name, "html": None}
        entry.setdefault("title", title_and_summary(nb_json, path.stem)[0])
        entry.setdefault("summary", "")
        entry.update(last_error=reason, last_attempt=attempt, failed_key=key)
        if not kept:
            entry["html"] = None
        return (
            ReportResult(
                notebook=path.name,
                status="failed",
                html=html_path if kept else None,
                title=entry["title"],
                summary=entry["summary"],
                seconds=time.perf_counter() - start,
                size_bytes=html_path.stat().st_size if kept else 0,
                key=key,
                error=reason,
            ),
            entry,
        )
    size = html_path.stat().st_size
    entry.update(size_bytes=size, seconds=round(time.perf_counter() - start, 2))
    return (
        ReportResult(
            notebook=path.name,
            status="rendered",
            html=html_path,
            title=entry["title"],
            summary=entry["summary"],
            seconds=time.perf_counter() - start,
            size_bytes=size,
            key=key,
        ),
        entry,
    )


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
) -> list[ReportResult]:
    """The body of :func:`render`, run while this process holds the folder's lock."""
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
            notebooks_dir=notebooks_dir,
            data_dir=data_path,
            data_label=data_label,
            inputs=input_files(data_path),
            source_sha256=source_digest(config.PACKAGE_DIR),
            versions={**tool_versions(), "plotlyjs_mode": mode},
            git_commit=git_commit(),
            log=log,
            progress=say,
            kernels=Kernels(notebooks_dir, out_dir / LOG_NAME),
            known=known,
            plotlyjs_mode=mode,
        )
        log.info("render %d notebook(s) into %s, force=%s", len(paths), out_dir.name, force)
        try:
            for index, path in enumerate(paths, start=1):
                result, entry = _render_one(path, params, manifest.get(path.name), force, run)
                if manifest.get(path.name) != entry:  # after every notebook: a kill loses nothing
                    manifest[path.name] = entry
                    write_index(
                        out_dir, [manifest[k] for k in sorted(manifest)], run.git_commit, mode
                    )
                results.append(result)
                line = _progress_line(index, len(paths), result)
                log.info(line)
                say(line)
        finally:
            run.kernels.shutdown()
        if full:  # a full run forgets notebooks that no longer exist
            manifest = {name: e for name, e in manifest.items() if name in {p.name for p in paths}}
        write_index(out_dir, [manifest[k] for k in sorted(manifest)], run.git_commit, mode)
    return results


def add_render_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the arguments of ``compare render`` to ``parser``.

    Examples
    --------
    >>> import argparse
    >>> args = add_render_arguments(argparse.ArgumentParser()).parse_args(["01", "-p", "k", "8"])
    >>> args.notebooks, args.param
    (['01'], [['k', '8']])
    """
    parser.add_argument(
        "notebooks", nargs="*", metavar="NOTEBOOK", help="notebooks to render (default: all)"
    )
    parser.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="a notebook parameter; VALUE is read as YAML (8, 0.5, true, [a, b])",
    )
    parser.add_argument(
        "--params", type=Path, metavar="FILE.yaml", help="parameters from a YAML mapping"
    )
    parser.add_argument("--force", action="store_true", help="re-execute unchanged notebooks")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: reports/)")
    parser.add_argument(
        "--wait",
        type=float,
        default=LOCK_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for another render of the same folder "
        f"(default: {LOCK_TIMEOUT:g}); then exit 1",
    )
    parser.add_argument(
        "--standalone",
        action="store_true",
        help="inline plotly.js in each report (single files to e-mail; about 5 MB each) "
        f"instead of one shared {PLOTLY_ASSET} beside them",
    )
    return parser


def render_command(args: argparse.Namespace) -> int:
    """Run ``compare render`` from parsed arguments; return the exit code.

    0 when every notebook rendered or was unchanged, 1 when any failed (its
    previous report is kept).

    Raises
    ------
    CompareError
        For a wrong notebook name, parameters file or data folder.

    Examples
    --------
    >>> import argparse
    >>> render_command(add_render_arguments(argparse.ArgumentParser()).parse_args([]))  # doctest: +SKIP
    0
    """
    params = load_params_file(args.params) if args.params else {}
    params.update(parse_param_pairs(args.param))
    started = time.perf_counter()
    results = render(
        args.notebooks or None,
        params,
        args.out,
        args.force,
        standalone=getattr(args, "standalone", False),
        lock_timeout=getattr(args, "wait", LOCK_TIMEOUT),
    )
    failed = [r for r in results if not r.ok]
    out = Path(args.out or config.REPORTS_DIR)
    print(
        f"{len(results) - len(failed)}/{len(results)} report(s) ok in "
        f"{time.perf_counter() - started:.1f} s; index: {out.name}/{INDEX_NAME}"
    )
    for result in failed:
        print(f"compare: error: {result.notebook}: {result.error}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m compare.report``: the same as ``compare render``."""
    parser = argparse.ArgumentParser(
        prog="compare render", description="Render the notebooks to offline HTML reports."
    )
    try:
        return render_command(add_render_arguments(parser).parse_args(argv))
    except CompareError as exc:
        print(f"compare: error: {exc}", file=sys.stderr)
        return 1
