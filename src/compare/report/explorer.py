"""Trace every number in a report to the plan's own words, offline.

Three pieces, each an HTML fragment a notebook displays once:

* :func:`source_panel_html` embeds the tasks of the compared plans (cleaned
  text, citation, source lines) as JSON and a side panel. Any plotly figure in
  the page whose points carry task ids in ``customdata`` (see
  :func:`drill_customdata`) becomes clickable: a click lists the tasks behind
  the point with their full text, document and line range; a keyness term
  shows the sentences it occurs in, highlighted.
* :func:`explorer_html` is a searchable, sortable, filterable table of all
  tasks (district, document, section, number, title, theme, cluster, targets,
  full text). Search is a plain substring match, so Chinese works without
  segmentation.
* :func:`citation` formats the short reference used in every table row, e.g.
  ``长宁 2025 要点 · 三、10、 · L189–L208``.

The table and panel are hand-written (about 150 lines of JavaScript in
``templates/explorer.js``) rather than itables: the DataTables bundle alone is
0.6 MB, over the 1 MB budget with the data, and we need to filter the table
from figure clicks. All plan text reaches the page as JSON and is inserted
with ``textContent``, never as HTML, so a plan containing ``<script>`` shows
it as text.

Examples
--------
>>> import pandas as pd
>>> row = pd.Series({"label": "长宁 2025 工作要点", "section_numbers": "三、",
...                  "number": "10、", "line_start": 189, "line_end": 208})
>>> citation(row)
'长宁 2025 要点 · 三、10、 · L189–L208'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib import resources

import pandas as pd

from compare.labels import KIND_NAMES

__all__ = [
    "citation",
    "drill_customdata",
    "explorer_html",
    "explorer_records",
    "hover_titles",
    "source_panel_html",
    "task_citations",
]

#: How a citation shortens a kind's name (the names are :data:`compare.labels.KIND_NAMES`).
_KIND_SHORT = {KIND_NAMES["work_points"]: "要点", KIND_NAMES["five_year_plan"]: "规划"}


def citation(row: pd.Series | dict) -> str:
    """Short citation of a task: document, numbering path and raw line range.

    Parameters
    ----------
    row : pandas.Series or dict
        Needs ``label`` (e.g. ``"长宁 2025 工作要点"``), ``section_numbers``
        (e.g. ``"四、（一）"``; may be empty), ``number``, ``line_start`` and
        ``line_end``.

    Returns
    -------
    str

    Examples
    --------
    >>> citation({"label": "松江 2021–2025 五年规划", "section_numbers": "四、（一）",
    ...           "number": "1.", "line_start": 70, "line_end": 70})
    '松江 2021–2025 规划 · 四、（一）1. · L70'
    """
    label = str(row["label"])
    for long, short in _KIND_SHORT.items():
        if label.endswith(long):
            label = label[: -len(long)] + short
    return f"{label} · {row.get('section_numbers') or ''}{row['number']} · {source_span(row)}"


def _int_or_none(value: object) -> int | None:
    try:
        return None if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return None


def source_span(row: pd.Series | dict) -> str:
    """Where a task is in its source: ``L12–L18``, or ``p.3 L12–L18`` for a paginated one.

    Line numbers count within the page when the source has pages
    (``page_start``, ``page_line_start`` …), else within the extracted text.

    Examples
    --------
    >>> source_span({"line_start": 70, "line_end": 72})
    'L70–L72'
    >>> source_span({"line_start": 90, "line_end": 95, "page_start": 3, "page_end": 3,
    ...              "page_line_start": 12, "page_line_end": 17})
    'p.3 L12–L17'
    >>> source_span({"line_start": 90, "line_end": 95, "page_start": 3, "page_end": 4,
    ...              "page_line_start": 30, "page_line_end": 2})
    'p.3 L30–p.4 L2'
    """
    p0, p1 = _int_or_none(row.get("page_start")), _int_or_none(row.get("page_end"))
    if p0 is not None and p1 is not None:
        a, b = int(row["page_line_start"]), int(row["page_line_end"])
        if p0 != p1:
            return f"p.{p0} L{a}–p.{p1} L{b}"
        return f"p.{p0} L{a}" if a == b else f"p.{p0} L{a}–L{b}"
    start, end = int(row["line_start"]), int(row["line_end"])
    return f"L{start}" if start == end else f"L{start}–L{end}"


def _section_numbers(tasks: pd.DataFrame, sections: pd.DataFrame | None) -> pd.Series:
    """The chain of section numbers above each task, e.g. ``"四、（一）"``."""
    if sections is None or sections.empty:
        return pd.Series("", index=tasks.index)
    number = dict(zip(sections["section_id"], sections["number"], strict=True))
    parent = dict(zip(sections["section_id"], sections["parent"], strict=True))

    def chain(sid: object) -> str:
        out: list[str] = []
        while isinstance(sid, str) and sid in number:
            out.append(number[sid])
            sid = parent.get(sid)
        return "".join(reversed(out))

    return tasks["section_id"].map(chain)


def explorer_records(
    tasks: pd.DataFrame,
    sections: pd.DataFrame | None = None,
    coded: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per task with everything the explorer and the panel show.

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``Corpus.tasks`` (or a subset: the compared plans).
    sections : pandas.DataFrame, optional
        ``Corpus.sections``, for the numbering path in citations.
    coded : pandas.DataFrame, optional
        Per task ``task_id`` with any of ``theme``, ``theme_name``,
        ``confidence``, ``theme_2``, ``cluster``, ``cluster_label``.
    targets : pandas.DataFrame, optional
        Quantitative targets with ``task_id`` and ``text`` (the matched
        words); joined per task with " · ".

    Returns
    -------
    pandas.DataFrame
        ``task_id, district, document, year, section, number, title, theme,
        theme_name, confidence, theme_2, cluster_label, targets, text,
        line_start, line_end, citation, source`` (``source``: the extracted
        lines the citation names, numbered as it numbers them). Input frames
        are not modified.

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> explorer_records(c.tasks, c.sections).loc[0, "citation"]
    '长宁 2025 要点 · 一、1、 · L45–L64'
    """
    df = tasks.copy(deep=False)
    df["citation"] = task_citations(df, sections)
    keep = ["task_id", "theme", "theme_name", "confidence", "theme_2", "cluster_label"]
    if coded is not None:
        cols = [c for c in keep if c in coded.columns]
        df = df.merge(coded[cols], on="task_id", how="left")
    if targets is not None and not targets.empty:
        joined = targets.groupby("task_id")["text"].agg(lambda s: " · ".join(map(str, s)))
        df["targets"] = df["task_id"].map(joined).fillna("")
    for col in keep[1:] + ["targets"]:
        if col not in df.columns:
            df[col] = ""
    year = df["year"].astype("string") if "year" in df.columns else pd.Series("", index=df.index)
    out = pd.DataFrame(
        {
            "task_id": df["task_id"],
            "district": df["district"].astype(str),
            "document": df["label"].astype(str),
            "year": year.fillna(""),
            "section": df["section_path"].fillna(""),
            "number": df["number"],
            "title": df["title"],
            "theme": df["theme"].fillna(""),
            "theme_name": df["theme_name"].fillna(""),
            "confidence": pd.to_numeric(df["confidence"], errors="coerce").round(2),
            "theme_2": df["theme_2"].fillna(""),
            "cluster_label": df["cluster_label"].fillna(""),
            "targets": df["targets"].fillna(""),
            "text": df["text"],
            "line_start": df["line_start"].astype(int),
            "line_end": df["line_end"].astype(int),
            "citation": df["citation"],
            "source": _source_lines(df),
        }
    )
    return out.reset_index(drop=True)


#: The columns a citation reads (those present).
_CITED = (
    "label",
    "section_numbers",
    "number",
    "line_start",
    "line_end",
    "page_start",
    "page_end",
    "page_line_start",
    "page_line_end",
)


def _rows(df: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    """``df.to_dict("records")`` of only the ``columns`` present (a wide frame converts slowly)."""
    return df[[c for c in columns if c in df.columns]].to_dict("records")


def task_citations(tasks: pd.DataFrame, sections: pd.DataFrame | None) -> list[str]:
    """:func:`citation` of every task, with the numbering path from ``sections``.

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> task_citations(c.tasks, c.sections)[0]
    '长宁 2025 要点 · 一、1、 · L45–L64'
    """
    df = tasks.copy(deep=False)
    df["section_numbers"] = _section_numbers(df, sections)
    return [citation(r) for r in _rows(df, _CITED)]


def _source_lines(df: pd.DataFrame) -> list[str]:
    """Each task's extracted lines as published, numbered as its citation counts them."""
    if "raw" not in df.columns:
        return [""] * len(df)
    out = []
    for r in _rows(df, ("raw", "page_start", "page_end", "page_line_start", "line_start")):
        raw = r.get("raw")
        if not isinstance(raw, str):
            out.append("")
            continue
        p0, p1 = _int_or_none(r.get("page_start")), _int_or_none(r.get("page_end"))
        one_page = p0 is not None and p0 == p1
        first = int(r["page_line_start"]) if one_page else int(r["line_start"])
        prefix = f"p.{p0} " if one_page else ""
        out.append(
            "\n".join(f"{prefix}L{first + i}\t{line}" for i, line in enumerate(raw.split("\n")))
        )
    return out


def _json_script(element_id: str, payload: object) -> str:
    """Embed data as a JSON script element, safe against ``</script>`` in the text."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{element_id}">{data}</script>'


def _asset(name: str) -> str:
    return resources.files("compare").joinpath("templates", name).read_text(encoding="utf-8")


#: Above this many tasks the panel carries titles and citations but not the full
#: texts, so that a report on a national corpus stays a few MB, not tens.
MAX_TEXT_TASKS = 3000


def source_panel_html(records: pd.DataFrame, max_text_tasks: int = MAX_TEXT_TASKS) -> str:
    """The task data, the side panel and the drill-down script (once per report).

    Parameters
    ----------
    records : pandas.DataFrame
        From :func:`explorer_records`.
    max_text_tasks : int
        With more tasks than this, full texts are left out of the page (the
        panel then shows each task's title and citation and says where the
        text is); :data:`MAX_TEXT_TASKS` by default.

    Returns
    -------
    str
        An HTML fragment. Figures opt in through ``customdata``
        (:func:`drill_customdata`).

    Examples
    --------
    >>> import pandas as pd
    >>> rec = pd.DataFrame([{"task_id": "t1", "title": "<b>", "text": "</script>", "citation": "c",
    ...                      "district": "甲", "document": "d", "theme_name": "", "targets": ""}])
    >>> "</script><" not in source_panel_html(rec).split("application/json")[1][:80]
    True
    """
    # what the panel shows: title, citation (which names the document), text, source
    # lines and theme; empty fields are left out (at 1,000 plans this halves the page)
    cols = ["task_id", "title", "text", "citation", "theme_name"]
    if "source" in records.columns:
        cols.append("source")
    if len(records) > max_text_tasks:
        cols = [c for c in cols if c not in ("text", "source")]
    cols = [c for c in cols if c in records.columns]
    payload = {
        r["task_id"]: {
            k: v for k in cols[1:] if (v := r.get(k, "")) is not None and pd.notna(v) and v != ""
        }
        for r in records[cols].to_dict("records")
    }
    return (
        f"<style>{_asset('explorer.css')}</style>"
        + _json_script("compare-tasks", payload)
        + '<aside id="compare-panel" class="compare-panel" hidden aria-live="polite">'
        '<button type="button" class="compare-panel-close" aria-label="close">×</button>'
        '<h3 class="compare-panel-title"></h3><div class="compare-panel-body"></div></aside>'
        + f"<script>{_asset('explorer.js')}</script>"
    )


def explorer_html(
    records: pd.DataFrame,
    element_id: str = "compare-explorer",
    codebook: pd.DataFrame | None = None,
) -> str:
    """A searchable, sortable, filterable table of tasks (needs the panel script).

    Parameters
    ----------
    records : pandas.DataFrame
        From :func:`explorer_records`.
    element_id : str
        HTML id of the explorer; one per page.
    codebook : pandas.DataFrame, optional
        ``code, theme`` of the codebook: with it, a researcher can set a
        task's theme in the row detail (offline) and download the corrections
        as ``corrections.csv`` (``task_id,code,title``), the file
        ``compare themes --labels`` and the notebooks' ``labels`` parameter read.

    Returns
    -------
    str
        An HTML fragment: search box, district and theme filters, the table.

    Examples
    --------
    >>> import pandas as pd
    >>> html = explorer_html(pd.DataFrame(columns=["task_id"]))
    >>> 'data-compare-explorer' in html
    True
    """
    cols = [
        c
        for c in (
            "district",
            "document",
            "section",
            "number",
            "title",
            "theme_name",
            "confidence",
            "theme_2",
            "cluster_label",
            "targets",
            "citation",
        )
        if c in records.columns
    ]
    rows = records[["task_id", *cols]].astype(object).where(records[["task_id", *cols]].notna(), "")
    payload = {"columns": cols, "rows": rows.values.tolist()}
    if codebook is not None and len(codebook):
        payload["themes"] = [
            [str(c), str(t)] for c, t in zip(codebook["code"], codebook["theme"], strict=True)
        ]
    return (
        f'<div class="compare-explorer" id="{element_id}" data-compare-explorer>'
        '<div class="compare-explorer-controls">'
        '<input type="search" class="compare-search" placeholder="搜索任务（标题、正文、主题）… Search" aria-label="search">'
        '<select class="compare-filter" data-column="district" aria-label="district"><option value="">全部区 All districts</option></select>'
        '<select class="compare-filter" data-column="theme_name" aria-label="theme"><option value="">全部主题 All themes</option></select>'
        '<button type="button" class="compare-reset">显示全部 Show all</button>'
        '<span class="compare-count"></span></div>'
        '<div class="compare-corrections" hidden>'
        "点开一行可更正其主题；更正存于本页，下载为 CSV 后用于下次运行（compare themes --labels，或参数 labels）。"
        "<em>Open a row to correct its theme; download the corrections as CSV for the next run.</em> "
        '<span class="compare-corrections-count"></span> '
        '<button type="button" class="compare-download" disabled>下载更正 Download CSV</button> '
        '<button type="button" class="compare-clear">清除 Clear</button></div>'
        '<div class="compare-table-wrap"><table class="compare-table"><thead></thead><tbody></tbody></table></div>'
        + _json_script(f"{element_id}-data", payload)
        + "</div>"
    )


def drill_customdata(task_ids: Iterable[str], term: str = "") -> list[str]:
    """``customdata`` for one figure point: its task ids, and a term to highlight.

    Figure builders put this list in ``customdata`` of each point; the panel
    script then shows those tasks on click.

    Examples
    --------
    >>> drill_customdata(["a-t001", "a-t002"], term="家庭医生")
    ['a-t001 a-t002', '家庭医生']
    """
    return [" ".join(task_ids), term]


def hover_titles(titles: Iterable[str], k: int = 3) -> str:
    """Hover text for a point: the count and the first ``k`` task titles.

    Examples
    --------
    >>> hover_titles(["甲", "乙", "丙", "丁"], k=2)
    '4 tasks: 甲<br>乙<br>…'
    """
    titles = [str(t) for t in titles]
    shown = "<br>".join(t.replace("<", "‹").replace(">", "›") for t in titles[:k])
    more = "<br>…" if len(titles) > k else ""
    return f"{len(titles)} task{'s' if len(titles) != 1 else ''}: {shown}{more}"
