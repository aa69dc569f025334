"""An executed notebook as an offline HTML report: the ``compare_report`` nbconvert template.

:class:`Exporter` turns an executed notebook into the page :func:`compare.report.render`
writes: inputs hidden, the report's provenance (inputs, parameters, content key,
commit) in its footer, this machine's paths redacted, and plotly.js either
referenced as one shared ``assets/plotly.min.js`` beside the reports or inlined
once (``standalone``). The content key goes into a ``<meta>`` tag the skip
check reads back (:func:`compare.report.manifest.html_key`).

Examples
--------
>>> has_figures({"cells": [{"outputs": [{"data": {"text/html": "<p>no figure</p>"}}]}]})
False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from compare.report.manifest import (
    KEY_META,
    PLOTLY_ASSET,
    TEMPLATES_DIR,
    display_value,
    plotly_source,
    redact,
    redaction_roots,
)
from compare.report.notebooks import NotebookParameter, cell_source

__all__ = ["PLOTLYJS_MODES", "Exporter", "has_figures"]

TEMPLATE_NAME = "compare_report"
_PLOTLYJS_SLOT = "/*compare:plotly.js*/"
#: The two ways plotly.js reaches a report: one shared file beside the reports, or inlined.
PLOTLYJS_MODES = ("shared", "standalone")


def has_figures(nb: Mapping[str, Any]) -> bool:
    """Whether an executed notebook shows a plotly figure."""
    return any(
        "plotly-graph-div" in cell_source({"source": o.get("data", {}).get("text/html", "")})
        for c in nb.get("cells", [])
        for o in c.get("outputs", [])
    )


class Exporter:
    """Export executed notebooks of one render (the nbconvert exporter is built once).

    Parameters
    ----------
    plotlyjs_mode : {"shared", "standalone"}
        How plotly.js reaches a report with figures.
    roots : sequence of pathlib.Path
        Folders whose absolute paths are redacted from every page.
    """

    def __init__(self, plotlyjs_mode: str, roots: Sequence[Path]) -> None:
        if plotlyjs_mode not in PLOTLYJS_MODES:
            raise ValueError(f"plotlyjs_mode must be one of {PLOTLYJS_MODES}")
        self.plotlyjs_mode = plotlyjs_mode
        self.roots = list(roots)
        self._exporter: Any = None
        self._plotlyjs: str | None = None
        self._css: str | None = None

    def _html_exporter(self) -> Any:
        if self._exporter is None:
            from nbconvert import HTMLExporter

            self._exporter = HTMLExporter(
                template_name=TEMPLATE_NAME,
                extra_template_basedirs=[str(TEMPLATES_DIR)],
                exclude_input=True,
                exclude_input_prompt=True,
                exclude_output_prompt=True,
                language_code="zh",
            )
        return self._exporter

    def _plotly_js(self) -> str:
        if self._plotlyjs is None:
            self._plotlyjs = plotly_source().read_text("utf-8")
        return self._plotlyjs

    def page(
        self,
        nb: Any,
        path: Path,
        entry: Mapping[str, Any],
        declared: Sequence[NotebookParameter],
        params: Mapping[str, Any],
        provenance: Mapping[str, Any],
    ) -> str:
        """The report page of the executed notebook ``nb`` (from ``path``).

        ``entry`` is its manifest entry (title, key, notebook hash, time),
        ``declared`` and ``params`` its declared and given parameters, and
        ``provenance`` the render's ``git_commit``, ``inputs`` and ``data_label``.
        """
        figures = has_figures(nb)
        parameters = [
            {
                "name": p.name,
                "value": display_value(params[p.name]) if p.name in params else p.default,
                "set": p.name in params,
                "help": p.help,
            }
            for p in declared
        ]
        if self._css is None:
            self._css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
        nb.metadata["title"] = entry["title"]
        standalone = figures and self.plotlyjs_mode == "standalone"
        resources = {
            "metadata": {"name": entry["title"]},
            "compare": {
                "css": self._css,
                "plotlyjs": _PLOTLYJS_SLOT if standalone else "",
                "plotlyjs_src": PLOTLY_ASSET if figures and not standalone else "",
                "notebook": path.name,
                "notebook_sha256": entry["notebook_sha256"],
                "generated_at": entry["generated_at"],
                "git_commit": provenance["git_commit"],
                "inputs": provenance["inputs"],
                "data_label": provenance["data_label"],
                "parameters": parameters,
                "key": entry["key"],
            },
        }
        body, _ = self._html_exporter().from_notebook_node(nb, resources=resources)
        # the report's own content key, read back by the skip check (see html_key)
        meta = f'<head>\n<meta name="{KEY_META}" content="{entry["key"]}">'
        body = body.replace("<head>", meta, 1)
        body = redact(body, redaction_roots([*self.roots, path.parent]))
        if _PLOTLYJS_SLOT in body:
            body = body.replace(
                _PLOTLYJS_SLOT, self._plotly_js().replace("</script", "<\\/script"), 1
            )
        return body
