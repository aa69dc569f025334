"""Render the notebooks under ``notebooks/`` to offline HTML reports.

Each notebook (phase-numbered, e.g. ``01_corpus_overview.ipynb``) is executed
with papermill and exported by nbconvert without code cells, through the
``compare_report`` template (``templates/compare_report``): the JupyterLab
look, a header naming the data used, and a footer with the generation time,
git commit, input file hashes and parameters. A report loads nothing from the
network: the template empties nbconvert's require.js, MathJax, mermaid and
widget CDN blocks, and plotly.js (read from the installed plotly package) is
supplied once, only to reports that have a figure, in one of two modes:

* **shared** (the default): plotly.min.js is copied once to
  ``reports/assets/plotly.min.js`` and each report loads it with a relative
  ``<script src="assets/plotly.min.js">``, a local file beside the reports.
* **standalone** (``compare render --standalone``): plotly.js is inlined in
  each report, which is then a single file that can be e-mailed.

Why shared is the default: plotly.min.js alone is 4.8 MB, so an inlined
report with figures and the source-panel data of the tasks passes the 5 MB
aim, and a folder of six reports would carry six copies (about 29 MB). With
the shared file each report is a few hundred KB, the folder holds one copy,
and the reports still open offline, as long as the ``assets/`` folder stays
beside them (copy or zip the whole ``reports/`` folder). ``index.html`` says
which mode the reports were built in. The mode is part of each report's
content key, so switching modes re-renders.

Notebooks show figures and tables through :func:`show`, :func:`show_table`
and :func:`show_markdown`, which work both in JupyterLab and in the exported
HTML, and escape plan text.

The one-line summary of a report, shown in ``reports/index.html`` and
``reports/manifest.json``, is the output of the notebook cell tagged
``summary`` (computed from the data, typically a :func:`show_markdown` call);
without such a cell, the notebook metadata field ``compare.summary``, else the
first paragraph of the first markdown cell. The title is the notebook
metadata field ``title`` or the first ``#`` heading.

Rendering is incremental: a report is re-executed only when the content key
(notebook, input files, package source, effective parameters, tool versions)
changed. A failing notebook keeps its previous report, is named with its
failing cell on one line, and makes :func:`render_command` return 1. All
notebooks run in one shared kernel (its namespace is reset between
notebooks), which saves the kernel start and imports per notebook.

Examples
--------
>>> from compare import report
>>> results = report.render(["01_corpus_overview"], params={"seed": 1})  # doctest: +SKIP
>>> [r.status for r in results]  # doctest: +SKIP
['rendered']
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import html
import json
import logging
import os
import re
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare import config
from compare.atomic import write_atomic
from compare.exceptions import CompareError, RenderError

if TYPE_CHECKING:  # heavy imports stay lazy: a warm run needs none of them
    import pandas as pd
    import plotly.graph_objects as go
    from nbformat import NotebookNode

__all__ = [
    "NotebookParameter",
    "ReportResult",
    "add_render_arguments",
    "content_key",
    "find_notebooks",
    "format_markdown",
    "load_params_file",
    "notebook_parameters",
    "parse_param_pairs",
    "render",
    "render_command",
    "show",
    "show_html",
    "show_markdown",
    "show_table",
    "validate_params",
]

#: Bump when the report layout changes, so every report is re-rendered.
RENDER_FORMAT = 1
TEMPLATES_DIR: Path = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "compare_report"
MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
LOG_NAME = "render.log"
#: The lock file a render holds (``fcntl.flock``) while it writes the reports folder.
LOCK_NAME = ".render.lock"
#: Seconds a render waits for another render of the same folder before giving up.
LOCK_TIMEOUT = 600.0
#: Each report carries its content key in this meta tag; the skip check reads it back.
KEY_META = "compare-key"
_KEY_PATTERN = re.compile(rb'<meta name="compare-key" content="([0-9a-f]{64})"')
#: Reports above this size get a warning on their progress line.
MAX_REPORT_BYTES = 5 * 1024 * 1024
#: A notebook file name: two digits, an underscore, a name.
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
SUMMARY_TAG = "summary"
PARAMETERS_TAG = "parameters"
_SETUP_TAG = "compare-setup"
_PLOTLYJS_SLOT = "/*compare:plotly.js*/"
ASSETS_DIR_NAME = "assets"
PLOTLY_ASSET = f"{ASSETS_DIR_NAME}/plotly.min.js"
#: The two ways plotly.js reaches a report (see the module docstring).
PLOTLYJS_MODES = ("shared", "standalone")
_ENGINE_NAME = "compare-shared-kernel"
_SUMMARY_MAX_CHARS = 240
#: Table columns whose longest cell has at most this many characters never wrap.
_NOWRAP_CHARS = 16
_LOGGER_NAME = "compare.report"


# --------------------------------------------------------------------------- data types


@dataclasses.dataclass(frozen=True)
class NotebookParameter:
    """One assignment of a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
        The variable name.
    default : str
        The default value as written in the cell (source text).
    type : str
        The annotation as written (``""`` when there is none).
    help : str
        The trailing ``#`` comment (``""`` when there is none).
    """

    name: str
    default: str
    type: str = ""
    help: str = ""


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


# --------------------------------------------------------------------------- display helpers


def show(fig: go.Figure, *, config: Mapping[str, Any] | None = None) -> None:
    """Display a plotly figure in JupyterLab and in the exported HTML report.

    Publishes one output with two representations: the plotly JSON
    (``application/vnd.plotly.v1+json``, drawn by JupyterLab's plotly
    extension) and an HTML ``div`` plus a short script calling
    ``Plotly.newPlot``, with neither plotly.js nor MathJax in it (nbconvert
    picks ``text/html``; :func:`render` inlines plotly.js once per report).
    Plotly's default notebook renderer is avoided: it writes a MathJax CDN
    script into every figure.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure; it is not modified.
    config : mapping, optional
        plotly.js config (default: responsive, no plotly logo).

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> show(go.Figure(go.Bar(x=["长宁", "青浦"], y=[3, 4])))  # doctest: +SKIP
    """
    from IPython.display import display

    plot_config = {"responsive": True, "displaylogo": False, **(config or {})}
    spec = json.loads(fig.to_json())
    spec["config"] = plot_config
    div = fig.to_html(
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        config=plot_config,
        default_width="100%",
        default_height=f"{fig.layout.height or 450}px",
    )
    title = fig.layout.title.text or "plotly figure"
    bundle = {
        "application/vnd.plotly.v1+json": spec,
        "text/html": div,
        "text/plain": f"<{title}>",
    }
    display(bundle, raw=True)


def show_html(fragment: str) -> None:
    """Display an HTML fragment built by the package (trusted; never plan text itself).

    Use it for the explorer and source panel of :mod:`compare.explorer`,
    which embed plan text as escaped JSON and insert it with ``textContent``.

    Examples
    --------
    >>> from compare import explorer, findings, load_corpus
    >>> c = load_corpus()  # doctest: +SKIP
    >>> show_html(explorer.source_panel_html(findings.records(c.tasks, c.sections)))  # doctest: +SKIP
    """
    from IPython.display import HTML, display

    display(HTML(fragment))


def show_table(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    index: bool = False,
    max_rows: int | None = None,
    float_format: str = "{:,.2f}",
) -> None:
    """Display a DataFrame as an escaped HTML table (plan text shows as text).

    Parameters
    ----------
    df : pandas.DataFrame
        The table; not modified. Cell text, column names and the caption are
        HTML-escaped, so a plan containing ``<script>`` shows it literally.
    caption : str, optional
        A caption above the table.
    index : bool, default False
        Whether to show the index.
    max_rows : int, optional
        Show at most this many rows (and say how many were left out).
    float_format : str, default ``"{:,.2f}"``
        Format of float cells.

    Examples
    --------
    >>> import pandas as pd
    >>> show_table(pd.DataFrame({"区": ["长宁"], "任务": ["<script>x</script>"]}))  # doctest: +SKIP
    """
    from IPython.display import display

    display(
        {
            "text/html": table_html(
                df, caption=caption, index=index, max_rows=max_rows, float_format=float_format
            ),
            "text/plain": df.to_string(max_rows=max_rows or 20, index=index),
        },
        raw=True,
    )


def table_html(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    index: bool = False,
    max_rows: int | None = None,
    float_format: str = "{:,.2f}",
) -> str:
    """Return the escaped HTML of a DataFrame, as :func:`show_table` shows it.

    Examples
    --------
    >>> import pandas as pd
    >>> "&lt;b&gt;" in table_html(pd.DataFrame({"a": ["<b>"]}))
    True
    """
    shown = df if max_rows is None else df.head(max_rows)
    table_id = "t" + hashlib.sha1(shown.to_csv().encode("utf-8")).hexdigest()[:10]
    body = shown.to_html(
        escape=True,
        index=index,
        border=0,
        classes="compare-table",
        na_rep="—",
        float_format=float_format.format,
        notebook=False,
        table_id=table_id,
    )
    # short columns (district, year, counts) never wrap; long text columns do
    short = [
        position
        for position, column in enumerate(shown.columns, start=1 + int(index))
        if shown[column].astype(str).str.len().max() <= _NOWRAP_CHARS
    ]
    if short:
        selectors = ", ".join(f"#{table_id} td:nth-child({k})" for k in short)
        body = f"<style>{selectors} {{ white-space: nowrap; }}</style>\n{body}"
    if caption:
        body = body.replace(
            f'class="dataframe compare-table" id="{table_id}">',
            f'class="dataframe compare-table" id="{table_id}">\n'
            f"<caption>{html.escape(caption)}</caption>",
            1,
        )
    if max_rows is not None and len(df) > max_rows:
        body += f'<p class="muted">… {len(df) - max_rows} more rows not shown</p>'
    return body


class _EscapingFormatter(string.Formatter):
    """str.format that escapes every substituted value for Markdown and HTML."""

    _MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~!])")

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        text = html.escape(" ".join(text.split()), quote=False)
        return self._MD_SPECIAL.sub(r"\\\1", text)


def format_markdown(template: str, /, **values: Any) -> str:
    """Fill a Markdown template with values escaped for Markdown and HTML.

    The template is trusted (written in the notebook); the values (plan
    titles, task text, district names) are not: ``<``, ``>``, ``&`` become
    entities and Markdown marks are backslash-escaped, so they show as text.

    Parameters
    ----------
    template : str
        A ``str.format`` template, e.g. ``"**{district}** has {n:,} tasks."``.
    **values
        The values to substitute.

    Returns
    -------
    str
        The Markdown text.

    Examples
    --------
    >>> format_markdown("**{d}**: {n} tasks", d="<script>", n=3)
    '**&lt;script&gt;**: 3 tasks'
    """
    return _EscapingFormatter().format(template, **values)


def show_markdown(template: str, /, **values: Any) -> None:
    """Display :func:`format_markdown` (template, values) as Markdown.

    Use it for prose computed from data, e.g. in the cell tagged ``summary``.

    Examples
    --------
    >>> show_markdown("The corpus holds **{n}** plans.", n=5)  # doctest: +SKIP
    """
    from IPython.display import Markdown, display

    display(Markdown(format_markdown(template, **values)))


# --------------------------------------------------------------------------- notebooks & params


def find_notebooks(
    names: Sequence[str] | None = None, notebooks_dir: Path | None = None
) -> list[Path]:
    """Resolve notebook names to files of ``notebooks/`` (all of them by default).

    Parameters
    ----------
    names : sequence of str, optional
        Stems (``"01_corpus_overview"``), file names or paths; a two-digit
        prefix (``"01"``) also works when it is unique.
    notebooks_dir : pathlib.Path, optional
        Default ``config.NOTEBOOKS_DIR``.

    Returns
    -------
    list of pathlib.Path
        In phase order.

    Raises
    ------
    CompareError
        If a name matches no notebook (the message lists the notebooks).

    Examples
    --------
    >>> [p.name for p in find_notebooks(["01"])]  # doctest: +SKIP
    ['01_corpus_overview.ipynb']
    """
    folder = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    available = sorted(p.resolve() for p in folder.glob(NOTEBOOK_GLOB))
    if names is None:
        return available
    chosen: list[Path] = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            matches = [path.resolve()]
        else:
            stem = path.name.removesuffix(".ipynb")
            matches = [p for p in available if p.stem == stem] or [
                p for p in available if p.stem.startswith(stem + "_")
            ]
        if len(matches) != 1:
            listing = ", ".join(p.stem for p in available) or "none"
            raise CompareError(f"{name}: no such notebook in {folder.name}/ (available: {listing})")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


def _read_notebook_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(f"{path.name}: not a readable notebook ({exc})") from exc


def _cell_source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def notebook_parameters(notebook: Path | Mapping[str, Any]) -> list[NotebookParameter]:
    """The assignments of a notebook's cell tagged ``parameters``.

    Parameters
    ----------
    notebook : pathlib.Path or mapping
        A notebook file, or its parsed JSON.

    Returns
    -------
    list of NotebookParameter
        In the order of the cell; empty when there is no such cell.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...                  "source": "seed: int = 42  # random seed"}]}
    >>> notebook_parameters(nb)
    [NotebookParameter(name='seed', default='42', type='int', help='random seed')]
    """
    import ast
    import io
    import tokenize

    nb = _read_notebook_json(notebook) if isinstance(notebook, Path) else notebook
    cells = [
        c
        for c in nb.get("cells", [])
        if c.get("cell_type") == "code" and PARAMETERS_TAG in _tags(c)
    ]
    if not cells:
        return []
    source = _cell_source(cells[0])
    comments = {
        tok.start[0]: tok.string.lstrip("#").strip()
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    }
    result = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation = node.target.id, ast.get_source_segment(source, node.annotation)
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name, annotation = node.targets[0].id, ""
        else:
            continue
        default = ast.get_source_segment(source, node.value) if node.value else ""
        result.append(
            NotebookParameter(
                name=name,
                default=default or "",
                type=annotation or "",
                help=comments.get(node.end_lineno or node.lineno, ""),
            )
        )
    return result


def parse_param_pairs(pairs: Iterable[Sequence[str]]) -> dict[str, Any]:
    """Turn ``-p KEY VALUE`` pairs into parameters; values are read as YAML.

    So ``8`` is an int, ``0.5`` a float, ``true`` a bool, ``null`` None,
    ``"[长宁, 青浦]"`` a list, and anything else a string.

    Examples
    --------
    >>> parse_param_pairs([("k", "8"), ("districts", "[长宁, 青浦]"), ("name", "松江")])
    {'k': 8, 'districts': ['长宁', '青浦'], 'name': '松江'}
    """
    import yaml

    params: dict[str, Any] = {}
    for key, value in pairs:
        try:
            params[key] = yaml.safe_load(value)
        except yaml.constructor.ConstructorError as exc:  # e.g. !!python/object/apply
            raise CompareError(
                f"-p {key}: {_one_line(exc)}; a parameter is plain data "
                "(quote the value to pass it as text)"
            ) from exc
        except yaml.YAMLError:
            params[key] = value
    return params


def load_params_file(path: Path | str) -> dict[str, Any]:
    """Read parameters from a YAML file holding one mapping of name to value.

    Raises
    ------
    CompareError
        If the file cannot be read or is not a mapping.

    Examples
    --------
    >>> load_params_file("params.yaml")  # doctest: +SKIP
    {'seed': 7, 'k': 8}
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CompareError(f"{path}: cannot read parameters ({_one_line(exc)})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CompareError(f"{path.name}: parameters must be a mapping of name: value")
    return {str(k): v for k, v in data.items()}


def _one_line(exc: BaseException | str, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: The Python types a parameter value may have (papermill writes these as literals).
_PLAIN_TYPES = (type(None), bool, int, float, str)


def _not_data(value: Any) -> str | None:
    """Why ``value`` is not plain data (None, bool, int, float, str, lists and dicts of them)."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        if kind is float and not (value == value and abs(value) != float("inf")):
            return f"{value!r} is not a finite number"
        return None
    if kind is list:
        return next((p for p in map(_not_data, value) if p), None)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"a mapping key must be text, not {type(key).__name__} {key!r:.40}"
            problem = _not_data(item)
            if problem:
                return problem
        return None
    return f"a {kind.__name__} value ({value!r:.60}) is not plain data"


def _matches(value: Any, annotation: str) -> bool:
    """Whether ``value`` fits a parameter annotation such as ``int``, ``list[str]``, ``str | None``."""
    annotation = annotation.replace(" ", "")
    optional = re.fullmatch(r"(?:typing\.)?Optional\[(.+)\]", annotation)
    options = [optional.group(1), "None"] if optional else _split_top(annotation, "|")
    if len(options) > 1:
        return any(_matches(value, option) for option in options)
    head, _, inner = annotation.partition("[")
    inner = inner[:-1] if inner.endswith("]") else inner
    head = head.removeprefix("typing.").lower()
    if head in {"", "any", "object"}:
        return True
    if head in {"none", "nonetype"}:
        return value is None
    if head == "bool":
        return type(value) is bool
    if head == "int":
        return type(value) is int
    if head == "float":
        return type(value) in (int, float)
    if head == "str":
        return type(value) is str
    if head in {"list", "sequence", "tuple"}:
        item = _split_top(inner, ",")[0] if inner else ""
        return type(value) is list and all(_matches(v, item) for v in value)
    if head in {"dict", "mapping"}:
        parts = _split_top(inner, ",") if inner else []
        item = parts[1] if len(parts) == 2 else ""
        return type(value) is dict and all(_matches(v, item) for v in value.values())
    return True  # an annotation we do not know: any plain data


def _split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "["
        depth -= char == "]"
        if char == sep and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def validate_params(params: Mapping[str, Any], notebooks: Sequence[Path]) -> None:
    """Refuse parameter values that are not plain data or not of the declared type.

    papermill writes values into the notebook as Python literals; only
    None, bool, int, float, str and lists or dicts of these have a literal
    it escapes (a YAML ``!!set`` or ``!!binary`` value would be written as
    code). Each value must also fit the type its notebooks declare, as
    ``papermill.inspect_notebook`` reads it (``int``, ``list[str]`` …).

    Raises
    ------
    CompareError
        One line naming the parameter, the notebook and what it accepts.

    Examples
    --------
    >>> validate_params({"k": {1, 2}}, [])
    Traceback (most recent call last):
    ...
    compare.exceptions.CompareError: parameter k: a set value ({1, 2}) is not plain data; use null, true/false, a number, text, or a list or mapping of these
    """
    for name, value in params.items():
        problem = _not_data(value)
        if problem:
            raise CompareError(
                f"parameter {name}: {problem}; use null, true/false, a number, text, "
                "or a list or mapping of these"
            )
    if not params or not notebooks:
        return
    import papermill

    for path in notebooks:
        declared = papermill.inspect_notebook(str(path))
        for name, value in params.items():
            spec = declared.get(name)
            if spec is None:
                continue
            annotation = str(spec.get("inferred_type_name") or "None")
            if annotation == "None":  # papermill: type unknown
                continue
            if not _matches(value, annotation):
                raise CompareError(
                    f"parameter {name} of {path.stem} must be {annotation}, "
                    f"got {type(value).__name__} {value!r:.60} (its default: {spec.get('default')})"
                )


# --------------------------------------------------------------------------- hashing


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _input_files(data_dir: Path) -> list[dict[str, Any]]:
    files = [
        p
        for p in sorted(Path(data_dir).rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(data_dir).parts)
    ]
    return [
        {
            "file": p.relative_to(data_dir).as_posix(),
            "bytes": p.stat().st_size,
            "sha256": _sha256_file(p),
        }
        for p in files
    ]


def _source_digest(package_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package_dir).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _tool_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("plotly", "nbconvert", "papermill", "pandas"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "-"
    return versions


def content_key(
    notebook_sha256: str,
    inputs: Sequence[Mapping[str, Any]],
    source_sha256: str,
    parameters: Mapping[str, Any],
    versions: Mapping[str, str] | None = None,
) -> str:
    """The hash deciding whether a report must be re-executed.

    Parameters
    ----------
    notebook_sha256 : str
        Hash of the notebook file.
    inputs : sequence of mapping
        ``{"file", "sha256"}`` of every input file.
    source_sha256 : str
        Hash of the package source (code, templates, resources).
    parameters : mapping
        The parameters passed to the notebook.
    versions : mapping, optional
        Versions of the rendering tools.

    Examples
    --------
    >>> len(content_key("a", [{"file": "x.txt", "sha256": "b"}], "c", {"seed": 1}))
    64
    """
    payload = {
        "format": RENDER_FORMAT,
        "notebook": notebook_sha256,
        "inputs": sorted((str(f["file"]), str(f["sha256"])) for f in inputs),
        "source": source_sha256,
        "parameters": dict(parameters),
        "versions": dict(versions or {}),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- paths in reports


def _redaction_roots(extra: Iterable[Path]) -> list[str]:
    """Absolute paths of this machine that must not appear in a report."""
    candidates = [
        config.PROJECT_DIR,
        config.PACKAGE_DIR,
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sys.exec_prefix),
        Path.home(),
        Path(tempfile.gettempdir()),
        *extra,
    ]
    roots: set[str] = set()
    for path in candidates:
        for form in {str(path), str(Path(path).resolve())}:
            if len(form) >= 5:  # never "/" or "/usr"-like stubs of every path
                roots.update({form, form.replace("/", "\\/")})
    return sorted(roots, key=len, reverse=True)


def _redact(text: str, roots: Sequence[str]) -> str:
    for root in roots:
        text = text.replace(root, "…")
    return text


def _display_value(value: Any) -> str:
    """repr of a parameter value with absolute paths shortened to their last parts."""
    if isinstance(value, str | Path) and os.path.isabs(str(value)):
        path = Path(value)
        with contextlib.suppress(ValueError):
            return repr(path.resolve().relative_to(config.PROJECT_DIR).as_posix())
        return repr("…/" + "/".join(path.parts[-2:]))
    return repr(value)


# --------------------------------------------------------------------------- manifest & index


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=config.PACKAGE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return "unknown (no commit)"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "."],
            cwd=config.PACKAGE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _read_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    path = out_dir / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {entry["notebook"]: entry for entry in data.get("reports", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _html_key(path: Path) -> str | None:
    """The content key written into a report's head, or None (no report, or none in it)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16_384)
    except OSError:
        return None
    match = _KEY_PATTERN.search(head)
    return match.group(1).decode("ascii") if match else None


def _write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` through :func:`compare.atomic.write_atomic` (unique temporary name)."""
    write_atomic(path, data)


def _template_env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _plotly_source() -> Path:
    from importlib.resources import files

    return Path(str(files("plotly").joinpath("package_data", "plotly.min.js")))


def _copy_plotly_asset(out_dir: Path) -> Path:
    """Copy the installed plotly.min.js to ``<out_dir>/assets/`` unless an identical copy is there."""
    import filecmp

    source, target = _plotly_source(), out_dir / PLOTLY_ASSET
    if not (target.is_file() and filecmp.cmp(source, target, shallow=False)):
        _write_atomic(target, source.read_bytes())
    return target


def _write_index(
    out_dir: Path,
    entries: Sequence[Mapping[str, Any]],
    git_commit: str,
    plotlyjs_mode: str = "shared",
) -> None:
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    generated_at = _now()
    page = (
        _template_env()
        .get_template("reports_index.html.j2")
        .render(
            title="区卫生健康规划比较 · 报告 Reports",
            css=css,
            reports=entries,
            generated_at=generated_at,
            git_commit=git_commit,
            plotlyjs_mode=plotlyjs_mode,
            plotly_asset=PLOTLY_ASSET,
        )
    )
    manifest = {
        "format": RENDER_FORMAT,
        "generated_at": generated_at,
        "git_commit": git_commit,
        "plotlyjs_mode": plotlyjs_mode,
        "reports": list(entries),
    }
    _write_atomic(out_dir / INDEX_NAME, page)
    _write_atomic(
        out_dir / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    )


# --------------------------------------------------------------------------- execution


def _engine_class() -> type:
    """A papermill engine running notebooks in a kernel the caller started (and owns)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.utils import remove_args

    class SharedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(
                nb_man,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logging.getLogger("papermill"),
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            try:
                return client.execute()
            finally:  # the kernel lives on; its client's channels do not
                if client.kc is not None:
                    client.kc.stop_channels()

    return SharedKernelEngine


class _Kernels:
    """Kernels shared by the notebooks of one render call, one per kernel name."""

    def __init__(self, cwd: Path, log_file: Path) -> None:
        self.cwd = cwd
        self.log_file = log_file
        self._managers: dict[str, Any] = {}

    def get(self, name: str) -> Any:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = self._managers.get(name)
        if km is not None and not run_sync(km.is_alive)():
            self._managers.pop(name)
            run_sync(km.cleanup_resources)()
            km = None
        if km is None:
            km = AsyncKernelManager(kernel_name=name)
            with open(self.log_file, "ab") as kernel_log:  # the kernel's own stderr
                run_sync(km.start_kernel)(cwd=str(self.cwd), stderr=kernel_log)
            self._managers[name] = km
        return km

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        for km in self._managers.values():
            with contextlib.suppress(Exception):
                run_sync(km.shutdown_kernel)(now=False)
        self._managers.clear()


def _kernel_name(nb: Mapping[str, Any]) -> str:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    name = nb.get("metadata", {}).get("kernelspec", {}).get("name") or "python3"
    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        logging.getLogger(_LOGGER_NAME).warning(
            "kernel %r is not installed (run `make setup`); using python3", name
        )
        return "python3"
    return name


def _setup_cell(cwd: Path) -> Any:
    from nbformat.v4 import new_code_cell

    code = (
        "get_ipython().run_line_magic('reset', '-f')\n"
        f"import os as _os\n_os.chdir({str(cwd)!r})\ndel _os\n"
    )
    return new_code_cell(code, metadata={"tags": [_SETUP_TAG]})


def _describe_failure(exc: BaseException, original: Mapping[str, Any]) -> str:
    """One line naming the failing cell of the committed notebook and the error."""
    from papermill.exceptions import PapermillExecutionError

    if not isinstance(exc, PapermillExecutionError):
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
    where = "a cell"
    for number, cell in enumerate(original.get("cells", []), start=1):
        if cell.get("cell_type") == "code" and _cell_source(cell) == exc.source:
            first = next((ln.strip() for ln in exc.source.splitlines() if ln.strip()), "")
            where = f"cell {number} ({first[:60]!r})"
            break
    evalue = " ".join(str(exc.evalue).split())[:300]
    return f"{where} raised {exc.ename}: {evalue}"


def _plain_text(markdown: str) -> str:
    text = re.sub(r"\\([\\`*_\[\]{}()#+\-.!|~<>])", r"\1", markdown)
    text = re.sub(r"[*_`#>]+", "", text.replace("\\", ""))
    text = html.unescape(" ".join(text.split()))
    return text[:_SUMMARY_MAX_CHARS]


def _title_and_summary(nb: Mapping[str, Any], fallback: str) -> tuple[str, str]:
    cells = nb.get("cells", [])
    title = nb.get("metadata", {}).get("title") or ""
    first_markdown = ""
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        lines = _cell_source(cell).splitlines()
        if not title:
            title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
        if not first_markdown:
            paragraphs = [p for p in _cell_source(cell).split("\n\n") if not p.startswith("#")]
            first_markdown = paragraphs[0] if paragraphs else ""
    summary = ""
    for cell in cells:
        if SUMMARY_TAG in _tags(cell):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                text = data.get("text/markdown") or data.get("text/plain") or output.get("text")
                if text:
                    summary = _cell_source({"source": text})
                    break
            break
    summary = summary or nb.get("metadata", {}).get("compare", {}).get("summary") or first_markdown
    return _plain_text(title) or fallback, _plain_text(summary)


def _clean_executed(nb: NotebookNode, log: logging.Logger, name: str) -> None:
    """Drop the setup cell and stderr streams (logged instead) before export."""
    nb.cells = [c for c in nb.cells if _SETUP_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                log.info("%s stderr: %s", name, _cell_source({"source": output.get("text", "")}))
            else:
                kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept


def _has_figures(nb: NotebookNode) -> bool:
    return any(
        "plotly-graph-div" in _cell_source({"source": o.get("data", {}).get("text/html", "")})
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
    kernels: _Kernels
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
            self.plotlyjs = _plotly_source().read_text("utf-8")
        return self.plotlyjs


def _execute(path: Path, nb_json: Mapping[str, Any], params: Mapping[str, Any], run: _Run) -> Any:
    import nbformat
    import papermill
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(_ENGINE_NAME)
    except PapermillException:  # papermill's documented extension point for engines
        papermill_engines.register(_ENGINE_NAME, _engine_class())
    nb = nbformat.reads(json.dumps(nb_json), as_version=4)
    kernel = _kernel_name(nb_json)
    nb.cells.insert(0, _setup_cell(path.parent))
    return papermill.execute_notebook(
        nb,
        None,
        parameters=dict(params),
        engine_name=_ENGINE_NAME,
        kernel_name=kernel,
        progress_bar=False,
        request_save_on_cell_execute=False,
        km=run.kernels.get(kernel),
    )


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
            "value": _display_value(params[p.name]) if p.name in params else p.default,
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
    # the report's own content key, read back by the skip check (see _html_key)
    body = body.replace("<head>", f'<head>\n<meta name="{KEY_META}" content="{entry["key"]}">', 1)
    roots = _redaction_roots([run.out_dir, run.notebooks_dir, run.data_dir, path.parent])
    body = _redact(body, roots)
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
    nb_json = _read_notebook_json(path)
    declared = notebook_parameters(nb_json)
    names = {p.name for p in declared}
    effective = {k: v for k, v in params.items() if k in names}
    notebook_sha = _sha256_file(path)
    key = content_key(notebook_sha, run.inputs, run.source_sha256, effective, run.versions)
    html_name = path.with_suffix(".html").name
    html_path = run.out_dir / html_name

    if (
        not force
        and previous is not None
        and previous.get("key") == key
        and not previous.get("last_error")
        and _html_key(html_path) == key  # the report itself, not only the manifest
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

    attempt = _now()
    try:
        executed = _execute(path, nb_json, effective, run)
        _clean_executed(executed, run.log, path.name)
        title, summary = _title_and_summary(executed, path.stem)
        entry = {
            "notebook": path.name,
            "html": html_name,
            "title": title,
            "summary": summary,
            "key": key,
            "notebook_sha256": notebook_sha,
            "generated_at": attempt,
            "git_commit": run.git_commit,
            "parameters": {k: _display_value(v) for k, v in effective.items()},
            "data": run.data_label,
            "inputs": run.inputs,
        }
        entry["plotlyjs"] = run.plotlyjs_mode if _has_figures(executed) else "none"
        page = _export(executed, path, entry, declared, effective, run)
        _write_atomic(html_path, page)
    except Exception as exc:  # one notebook's failure never stops the others
        reason = _describe_failure(exc, nb_json)
        run.log.error("%s failed: %s", path.name, reason, exc_info=True)
        kept = html_path.is_file() and previous is not None and previous.get("html")
        entry = dict(previous) if previous else {"notebook": path.name, "html": None}
        entry.setdefault("title", _title_and_summary(nb_json, path.stem)[0])
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
    log = logging.getLogger(_LOGGER_NAME)
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


@contextlib.contextmanager
def _reports_lock(out_dir: Path, timeout: float, say: Callable[[str], None]) -> Iterator[None]:
    """Hold an exclusive ``fcntl.flock`` on ``<out_dir>/.render.lock`` for the block.

    A second render of the same folder waits (saying so once) until the first
    one ends, at most ``timeout`` seconds, then raises a one-line
    :class:`CompareError`. The operating system releases the lock when its
    holder exits, even by ``kill -9``, so a lock is never stale.
    """
    import fcntl

    path = out_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise CompareError(_unwritable(out_dir, path, exc)) from exc
    try:
        deadline = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                if deadline is None:
                    deadline = time.monotonic() + timeout
                    say(
                        f"waiting for another render of {out_dir.name}/ (pid {holder}) to finish, "
                        f"up to {timeout:g} s"
                    )
                if time.monotonic() >= deadline:
                    raise CompareError(
                        f"{out_dir}: another render (pid {holder}) is still writing it after "
                        f"{timeout:g} s; wait for it to finish or stop it, then run again"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _unwritable(folder: Path, path: Path, exc: OSError) -> str:
    if path.is_dir():
        return f"{path}: is a folder where compare keeps a file; move it away"
    return (
        f"{folder}: cannot write the reports here ({exc.strerror or exc}); "
        "make the folder writable or choose another one with --out"
    )


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
        raise CompareError(_unwritable(blocker, out_dir, exc)) from exc
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
    validate_params(params, paths)
    if data_dir is not None:
        params.setdefault("data_dir", str(Path(data_dir).resolve()))
    data_path = Path(params.get("data_dir") or config.RAW_DIR).resolve()
    if not data_path.is_dir():
        raise CompareError(
            f"{data_path}: the data folder does not exist; pass a folder of plans "
            "with -p data_dir DIR"
        )
    from compare.corpus import PLAN_SUFFIXES, plan_files

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
    with _reports_lock(out_dir, lock_timeout, say):
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
) -> list[ReportResult]:
    """The body of :func:`render`, run while this process holds the folder's lock."""
    if mode == "shared":
        _copy_plotly_asset(out_dir)
    manifest = _read_manifest(out_dir)  # read under the lock: no other run's entry is lost
    results: list[ReportResult] = []
    with _file_log(out_dir) as log:
        declared = {p.name for path in paths for p in notebook_parameters(path)}
        for unknown in sorted(set(params) - declared - {"data_dir"}):
            say(f"warning: parameter {unknown!r} is declared by none of the notebooks")
        run = _Run(
            out_dir=out_dir,
            notebooks_dir=notebooks_dir,
            data_dir=data_path,
            data_label=data_label,
            inputs=_input_files(data_path),
            source_sha256=_source_digest(config.PACKAGE_DIR),
            versions={**_tool_versions(), "plotlyjs_mode": mode},
            git_commit=_git_commit(),
            log=log,
            progress=say,
            kernels=_Kernels(notebooks_dir, out_dir / LOG_NAME),
            plotlyjs_mode=mode,
        )
        log.info("render %d notebook(s) into %s, force=%s", len(paths), out_dir.name, force)
        try:
            for index, path in enumerate(paths, start=1):
                result, entry = _render_one(path, params, manifest.get(path.name), force, run)
                if manifest.get(path.name) != entry:  # after every notebook: a kill loses nothing
                    manifest[path.name] = entry
                    _write_index(
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
        _write_index(out_dir, [manifest[k] for k in sorted(manifest)], run.git_commit, mode)
    return results


# --------------------------------------------------------------------------- command line


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


if __name__ == "__main__":
    sys.exit(main())
