"""Show figures, tables and computed prose in JupyterLab and in the exported reports.

The notebooks call these through ``from compare import report``:
:func:`show` (a plotly figure), :func:`show_table` (an escaped DataFrame),
:func:`show_markdown` (a trusted template filled with escaped values) and
:func:`show_html` (a fragment the package built). Plan text is always escaped.

Examples
--------
>>> format_markdown("**{d}**", d="<b>")
'**&lt;b&gt;**'
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import string
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = ["format_markdown", "show", "show_html", "show_markdown", "show_table", "table_html"]

#: Table columns whose longest cell has at most this many characters never wrap.
_NOWRAP_CHARS = 16


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
    import plotly.io as pio
    from IPython.display import display
    from plotly.io.json import to_json_plotly

    plot_config = {"responsive": True, "displaylogo": False, **(config or {})}
    # the figure's dict is built once for both representations (``fig.to_html`` and
    # ``fig.to_json`` each build it again); the same div and the same JSON
    fig_dict = fig.to_dict()
    div = pio.to_html(
        fig_dict,
        validate=False,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        config=plot_config,
        default_width="100%",
        default_height=f"{fig.layout.height or 450}px",
    )
    for trace in fig_dict.get("data", []):  # as fig.to_json() leaves them
        trace.pop("uid", None)
    spec = json.loads(to_json_plotly(fig_dict))
    spec["config"] = plot_config
    title = fig.layout.title.text or "plotly figure"
    bundle = {
        "application/vnd.plotly.v1+json": spec,
        "text/html": div,
        "text/plain": f"<{title}>",
    }
    display(bundle, raw=True)


def show_html(fragment: str) -> None:
    """Display an HTML fragment built by the package (trusted; never plan text itself).

    Use it for the explorer and source panel of :mod:`compare.report.explorer`,
    which embed plan text as escaped JSON and insert it with ``textContent``.

    Examples
    --------
    >>> from compare import load_corpus
    >>> from compare.report import explorer, tables
    >>> c = load_corpus()  # doctest: +SKIP
    >>> show_html(explorer.source_panel_html(tables.records(c.tasks, c.sections)))  # doctest: +SKIP
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
