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

The package, one module per concern:

* :mod:`~compare.report.display`: ``show``, ``show_table``, ``show_markdown``,
  ``show_html`` (what notebook cells call);
* :mod:`~compare.report.notebooks`: finding notebooks, their parameters
  (``papermill.inspect_notebook``), titles and summaries;
* :mod:`~compare.report.manifest`: content keys, manifest and index, the folder lock;
* :mod:`~compare.report.engine`: executing notebooks with papermill in a shared kernel;
* :mod:`~compare.report.export`: an executed notebook as an offline HTML page;
* :mod:`~compare.report.rendering`: :func:`render` (skip, execute, export, record);
* :mod:`~compare.report.command`: the ``compare render`` command line.

Examples
--------
>>> from compare import report
>>> results = report.render(["01_corpus_overview"], params={"seed": 1})  # doctest: +SKIP
>>> [r.status for r in results]  # doctest: +SKIP
['rendered']
"""

from __future__ import annotations

from compare.report.command import add_render_arguments, render_command
from compare.report.display import (
    format_markdown,
    show,
    show_html,
    show_markdown,
    show_table,
    table_html,
)
from compare.report.manifest import (
    ASSETS_DIR_NAME,
    INDEX_NAME,
    LOCK_NAME,
    LOCK_TIMEOUT,
    LOG_NAME,
    MANIFEST_NAME,
    PLOTLY_ASSET,
    content_key,
)
from compare.report.notebooks import (
    NOTEBOOK_GLOB,
    NotebookParameter,
    find_notebooks,
    load_params_file,
    notebook_parameters,
    parse_param_pairs,
    validate_params,
)
from compare.report.rendering import PLOTLYJS_MODES, ReportResult, render

__all__ = [
    "ASSETS_DIR_NAME",
    "INDEX_NAME",
    "LOCK_NAME",
    "LOCK_TIMEOUT",
    "LOG_NAME",
    "MANIFEST_NAME",
    "NOTEBOOK_GLOB",
    "PLOTLYJS_MODES",
    "PLOTLY_ASSET",
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
    "table_html",
    "validate_params",
]
