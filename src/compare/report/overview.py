"""Tables, figures and computed facts of the corpus overview (notebook 01).

Every function takes a :class:`~compare.corpus.Corpus` and returns a new
DataFrame, figure or dict; nothing is modified.

Examples
--------
>>> from compare import config, load_corpus
>>> from compare.report import overview
>>> corpus = load_corpus(config.RAW_DIR)  # doctest: +SKIP
>>> overview.overview_facts(corpus)["n_documents"]  # doctest: +SKIP
5
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from compare.exceptions import CompareError
from compare.labels import (
    KIND_NAMES,
    is_unknown_district,
    known_districts,
    period_text,
    unknown_facts,
)
from compare.report.figures import district_colors  # one colour per district in every report
from compare.selection import unique_labels

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from compare.corpus import Corpus

__all__ = [
    "KIND_NAMES",
    "document_table",
    "overview_facts",
    "restrict",
    "task_length_figure",
    "tasks_figure",
]

_FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


def restrict(corpus: Corpus, districts: Sequence[str] | None) -> Corpus:
    """A corpus holding only the plans of ``districts`` (all when None).

    Raises
    ------
    CompareError
        If a district is not in the corpus (the message lists those that are).

    Examples
    --------
    >>> restrict(corpus, ["长宁", "青浦"]).documents["district"].nunique()  # doctest: +SKIP
    2
    """
    if not districts:
        return corpus
    present = set(corpus.documents["district"].astype(str))
    missing = [d for d in districts if d not in present]
    if missing:
        raise CompareError(
            f"districts {missing} are not in the corpus (available: {', '.join(sorted(present))})"
        )
    keep = set(corpus.documents.loc[corpus.documents["district"].isin(districts), "doc_id"])

    def only(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["doc_id"].isin(keep)].reset_index(drop=True)

    return dataclasses.replace(
        corpus,
        documents=only(corpus.documents),
        sections=only(corpus.sections),
        tasks=only(corpus.tasks),
        unassigned=only(corpus.unassigned),
    )


_FORMAT_NAMES = {
    "text": "文本",
    "pdf": "PDF",
    "scan": "扫描件 OCR",
    "docx": "Word",
    "doc": "Word 97/WPS",
    "html": "网页",
    "mhtml": "网页（MHTML）",
    "image": "图片扫描件 OCR",
    "ofd": "OFD",
}


def _source_format(doc: dict) -> str:
    """How a plan came in, e.g. ``"PDF · 10 页"`` or ``"扫描件 OCR · 7 页 · 低置信度 p.3,5"``.

    >>> _source_format({"format": "scan", "n_pages": 7, "low_confidence_pages": "3,5"})
    '扫描件 OCR · 7 页 · 低置信度 p.3,5'
    >>> _source_format({"format": "html", "converted": True})
    '网页 · 繁体转简体'
    """
    fmt = str(doc.get("format") or "text")
    bits = [_FORMAT_NAMES.get(fmt, fmt)]
    pages = doc.get("n_pages")
    if pages is not None and not pd.isna(pages):
        bits.append(f"{int(pages)} 页")
    if doc.get("low_confidence_pages"):
        bits.append(f"低置信度 p.{doc['low_confidence_pages']}")
    if doc.get("converted") is True:
        bits.append("繁体转简体")
    return " · ".join(bits)


def document_table(corpus: Corpus) -> pd.DataFrame:
    """One row per plan, with Chinese column names, for the report.

    Returns
    -------
    pandas.DataFrame
        ``规划, 区, 类型, 年份, 文号, 印发日期, 章节数, 任务数, 覆盖率, 来源格式,
        源文件``, sorted by district and year, documents of unknown district
        last. 来源格式 names the format and pages, and what to check: OCR
        (with pages of low confidence), converted from traditional characters.

    Examples
    --------
    >>> document_table(corpus).columns[:3].tolist()  # doctest: +SKIP
    ['规划', '区', '类型']
    """
    d = corpus.documents
    table = pd.DataFrame(
        {
            "规划": d["label"].astype(str),
            "区": d["district"].astype(str),
            "类型": d["kind"].astype(str).map(lambda k: KIND_NAMES.get(k, k)),
            "年份": [
                period_text(*r)
                for r in zip(d["year"], d["period_start"], d["period_end"], strict=True)
            ],
            "文号": d["doc_number"].fillna("—"),
            "印发日期": d["issue_date"].fillna("—"),
            "章节数": d["n_sections"].astype("Int64"),
            "任务数": d["n_tasks"].astype("Int64"),
            "覆盖率": d["coverage"].map(lambda x: f"{x:.0%}"),
            "来源格式": [_source_format(r) for r in d.to_dict("records")],
            "源文件": d["source_file"].astype(str),
        }
    )
    order = table.assign(_unknown=is_unknown_district(table["区"]))  # named districts first
    order = order.sort_values(["_unknown", "区", "年份"], kind="stable")
    return order.drop(columns="_unknown").reset_index(drop=True)


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        font={"family": _FONT, "size": 13},
        plot_bgcolor="white",
        legend_title_text="区",
    )
    fig.update_xaxes(gridcolor="#eee", zeroline=False)
    fig.update_yaxes(gridcolor="#eee", automargin=True)
    return fig


def _tasks_by_district_figure(corpus: Corpus) -> go.Figure:
    """Tasks per district (all its plans), for a corpus too large for a bar per plan."""
    import plotly.graph_objects as go

    d = corpus.documents.assign(district=corpus.documents["district"].astype(str))
    per = d.groupby("district").agg(n_tasks=("n_tasks", "sum"), n_plans=("doc_id", "size"))
    per = per.sort_values("n_tasks")
    ids = corpus.tasks.groupby(corpus.tasks["district"].astype(str))["task_id"].agg(" ".join)
    colors = district_colors(per.index.to_series())
    fig = go.Figure()
    for district, row in per.iterrows():
        fig.add_bar(
            y=[district],
            x=[int(row["n_tasks"])],
            orientation="h",
            name=district,
            marker_color=colors[district],
            customdata=[[ids.get(district, ""), "", int(row["n_plans"])]],
            hovertemplate="%{y}<br>%{x} 项任务 · %{customdata[2]} 份规划<extra></extra>",
            showlegend=False,
        )
    fig.update_yaxes(categoryorder="array", categoryarray=per.index.tolist())
    fig.update_xaxes(title_text="任务数")
    fig.update_layout(barmode="overlay")
    return _layout(fig, "每个区的任务数（全部规划合计）", height=120 + 24 * len(per))


def tasks_figure(corpus: Corpus) -> go.Figure:
    """Horizontal bars: tasks per plan, one colour per district.

    Examples
    --------
    >>> len(tasks_figure(corpus).data)  # one trace per district  # doctest: +SKIP
    3
    """
    import plotly.graph_objects as go

    if len(corpus.documents) > MAX_LENGTH_ROWS:
        return _tasks_by_district_figure(corpus)
    d = corpus.documents.sort_values("n_tasks")
    d = d.assign(label=unique_labels(d))  # two plans of one year and kind get a bar each
    colors = district_colors(d["district"].astype(str))
    fig = go.Figure()
    ids = corpus.tasks.groupby("doc_id")["task_id"].agg(" ".join)
    for district, rows in d.groupby(d["district"].astype(str), sort=True):
        fig.add_bar(
            y=rows["label"].astype(str),
            x=rows["n_tasks"],
            orientation="h",
            name=district,
            marker_color=colors[district],
            # [task ids, term, sections]: a click lists the plan's tasks (compare.report.explorer)
            customdata=[
                [ids.get(doc, ""), "", n]
                for doc, n in zip(rows["doc_id"], rows["n_sections"], strict=True)
            ],
            hovertemplate="%{y}<br>%{x} 项任务 · %{customdata[2]} 个章节<extra></extra>",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=d["label"].astype(str).tolist())
    fig.update_xaxes(title_text="任务数")
    fig.update_layout(barmode="overlay")  # one bar per row, not a slot per district
    return _layout(fig, "每份规划的任务数", height=120 + 40 * len(d))


#: Above this many plans the task-length figure has a row per district, not per plan.
MAX_LENGTH_ROWS = 40
#: Above this many tasks the task-length figure draws boxes only, not a point per task
#: (a point per task made report 01 weigh 9 MB at 1,000 plans).
MAX_LENGTH_POINTS = 2000


def length_view(corpus: Corpus) -> dict[str, Any]:
    """How the task-length figure shows a corpus of this size, and the sentence saying so.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> big = SimpleNamespace(documents=pd.DataFrame(index=range(50)), tasks=pd.DataFrame(index=range(9000)))
    >>> length_view(big)["by"], length_view(big)["points"]
    ('district', False)
    """
    by_district = len(corpus.documents) > MAX_LENGTH_ROWS
    points = len(corpus.tasks) <= MAX_LENGTH_POINTS
    notes = []
    if by_district:
        notes.append(f"规划多于 {MAX_LENGTH_ROWS} 份，每行是一个区（该区全部规划的任务）")
    if not points:
        notes.append(
            f"任务多于 {MAX_LENGTH_POINTS} 项，只画箱体，不画单项任务点（任务见任务浏览报告）"
        )
    return {
        "by": "district" if by_district else "label",
        "points": points,
        "note": ("图中" + "；".join(notes) + "。") if notes else "",
    }


def task_length_figure(corpus: Corpus) -> go.Figure:
    """Task length (characters) per plan as box plots, with every task as a point.

    On a large corpus (:func:`length_view`) a row is a district instead of a
    plan, and only the boxes are drawn: the report says so in a sentence.

    Examples
    --------
    >>> task_length_figure(corpus).layout.xaxis.title.text  # doctest: +SKIP
    '任务字数'
    """
    import plotly.graph_objects as go

    t = corpus.tasks
    view = length_view(corpus)
    colors = district_colors(t["district"].astype(str))
    if view["by"] == "label":
        order = corpus.documents.sort_values("n_tasks")["label"].astype(str).tolist()
    else:
        order = (
            t.groupby(t["district"].astype(str))["n_chars"].median().sort_values().index.tolist()
        )
    fig = go.Figure()
    for district, rows in t.groupby(t["district"].astype(str), sort=True):
        extra: dict[str, Any] = {"boxpoints": False, "hoverinfo": "x+y"}
        if view["points"]:
            extra = {
                "boxpoints": "all",
                "jitter": 0.4,
                "pointpos": 0,
                "text": rows["title"].astype(str),
                "customdata": [[tid, ""] for tid in rows["task_id"]],  # a click shows the text
                "hovertemplate": "%{y}<br>%{text}<br>%{x} 字<extra></extra>",
            }
        fig.add_box(
            y=rows[view["by"]].astype(str),
            x=rows["n_chars"],
            orientation="h",
            name=district,
            marker_color=colors[district],
            **extra,
        )
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    fig.update_xaxes(title_text="任务字数")
    fig.update_layout(boxmode="overlay")  # one box per row, not a slot per district
    return _layout(fig, "任务篇幅（字数）", height=140 + 50 * len(order))


def overview_facts(corpus: Corpus) -> dict[str, Any]:
    """Numbers the overview states in prose, computed from the corpus.

    Returns
    -------
    dict
        ``n_documents, n_districts, districts`` (``"、"``-joined; both count
        only districts the texts name), ``n_tasks, n_sections, most_label,
        most_tasks, fewest_label, fewest_tasks, median_chars, longest_label,
        longest_title, longest_chars, min_coverage, n_failures``, and
        ``n_unknown_district, n_unknown_year, n_unknown_kind, unknown_note``,
        ``length_note`` and ``tasks_note`` (how the task-length and tasks
        figures aggregate a large corpus; ``""`` when they show every plan)
        (:func:`compare.labels.unknown_facts`; the note is ``""`` when every
        district, year and kind is known).

    Examples
    --------
    >>> overview_facts(corpus)["n_tasks"]  # doctest: +SKIP
    110
    """
    d, t = corpus.documents, corpus.tasks
    if d.empty:
        raise CompareError("the corpus holds no plans: nothing to describe")
    most = d.loc[d["n_tasks"].idxmax()]
    fewest = d.loc[d["n_tasks"].idxmin()]
    longest = t.loc[t["n_chars"].idxmax()] if not t.empty else None
    named = known_districts(d["district"])
    unknown = unknown_facts(d)
    return {
        "n_documents": len(d),
        "n_districts": len(named),
        "districts": "、".join(named) or "—",
        "n_tasks": len(t),
        "n_sections": int(d["n_sections"].sum()),
        "most_label": str(most["label"]),
        "most_tasks": int(most["n_tasks"]),
        "fewest_label": str(fewest["label"]),
        "fewest_tasks": int(fewest["n_tasks"]),
        "median_chars": int(t["n_chars"].median()) if not t.empty else 0,
        "longest_label": str(longest["label"]) if longest is not None else "—",
        "longest_title": str(longest["title"]) if longest is not None else "—",
        "longest_chars": int(longest["n_chars"]) if longest is not None else 0,
        "min_coverage": float(d["coverage"].min()),
        "n_failures": len(corpus.failures),
        "n_unknown_district": unknown["n_district"],
        "n_unknown_year": unknown["n_year"],
        "n_unknown_kind": unknown["n_kind"],
        "unknown_note": unknown["note"],
        "length_note": length_view(corpus)["note"],
        "tasks_note": (
            f"规划多于 {MAX_LENGTH_ROWS} 份，上图每个条形是一个区（该区全部规划的任务数合计）。"
            if len(d) > MAX_LENGTH_ROWS
            else ""
        ),
    }
