"""Drill-down figures: every bar, cell and point carries the tasks behind it.

The figure builders of :mod:`compare.report.figures` draw the analytics; the
functions here call them and then attach, to every point, the ids of the
tasks it counts (and, for a word, the word), in the ``customdata`` layout
that the source panel of :func:`compare.report.explorer.source_panel_html` reads:
``[task ids (space-joined), term, hover titles, *the builder's own
customdata]``. The builder's hover template is kept, with its
``customdata[i]`` references shifted by three, and gains a line with the
number of tasks and their first titles (:func:`compare.report.explorer.hover_titles`).
So hovering shows the count and titles, and a click opens the tasks' full
text with document and source lines in the side panel (keyness words are
highlighted in the sentences that use them).

The figures drawn straight from the coded tasks, whose points are tasks
too, are :mod:`compare.report.coding_figures`. Nothing is modified in
place: each function returns a new ``go.Figure``.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"task_id": ["a-t1", "b-t1"], "district": ["甲", "乙"],
...                   "theme": ["A", "A"], "theme_name": ["x", "x"], "title": ["一", "二"]})
>>> from compare.shares import theme_shares
>>> fig = share_heatmap(t, theme_shares(t, level=None))
>>> fig.data[0].customdata[0][0][:2]
['b-t1', '']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from compare.report import figures
from compare.report.explorer import drill_customdata, hover_titles

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "attach",
    "change_slopes",
    "grouped_tasks",
    "keyness_bars",
    "keyness_scatter",
    "residual_heatmap",
    "share_dots",
    "share_heatmap",
    "similarity_heatmap",
    "target_bars",
    "task_cell",
]

_SHIFT = 3  # ids, term, hover titles come first in every point's customdata
_CUSTOM = re.compile(r"customdata(?:\[(\d+)\])?")
_FONT = figures._FONT


def task_cell(tasks: pd.DataFrame, term: str = "") -> list[str]:
    """The three leading ``customdata`` fields of a point counting ``tasks``.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks behind the point (``task_id``, ``title``).
    term : str
        A word the panel highlights (keyness); ``""`` for none.

    Returns
    -------
    list of str
        ``[ids, term, hover text]``.

    Examples
    --------
    >>> task_cell(pd.DataFrame({"task_id": ["a-t1"], "title": ["推进中医药发展"]}))
    ['a-t1', '', '1 task: 推进中医药发展']
    """
    ids = drill_customdata([str(t) for t in tasks["task_id"].tolist()], term)
    if not len(tasks):
        return [*ids, "0 tasks"]
    return [*ids, hover_titles(["" if pd.isna(t) else str(t) for t in tasks["title"].tolist()])]


def _shift_template(template: str | None) -> str:
    def shifted(m: re.Match[str]) -> str:
        return f"customdata[{int(m.group(1) or 0) + _SHIFT}]"

    body = _CUSTOM.sub(shifted, template or "%{x}, %{y}")
    line = "<br>%{customdata[2]}"
    return body.replace("<extra>", line + "<extra>", 1) if "<extra>" in body else body + line


def attach(trace: go.BaseTraceType, cells: Sequence) -> go.BaseTraceType:
    """Give a trace's points their task cells, keeping its own customdata and hover.

    Parameters
    ----------
    trace : plotly trace
        A bar or scatter (``cells``: one :func:`task_cell` per point) or a
        heatmap (``cells``: rows of cells, like ``z``). Modified in place
        and returned.
    cells : sequence
        The cells, in point order.

    Returns
    -------
    plotly trace

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> tr = attach(go.Bar(x=["甲"], y=[1], customdata=[[5]], hovertemplate="%{customdata[0]}"),
    ...             [["a-t1", "", "1 task: 一"]])
    >>> tr.hovertemplate
    '%{customdata[3]}<br>%{customdata[2]}'
    """
    old = trace.customdata
    if trace.type == "heatmap":
        rows = []
        old = None if old is None else np.asarray(old)
        for i, row in enumerate(cells):
            out_row = []
            for j, cell in enumerate(row):
                extra = [] if old is None else [old[i][j]]
                out_row.append([*cell, *[_plain(x) for x in extra]])
            rows.append(out_row)
        trace.customdata = rows
    else:
        n = len(cells)
        extra = np.empty((n, 0), dtype=object) if old is None else np.asarray(old, dtype=object)
        if extra.ndim == 1:
            extra = extra.reshape(n, -1)
        trace.customdata = [[*cell, *[_plain(x) for x in extra[i]]] for i, cell in enumerate(cells)]
    trace.hovertemplate = _shift_template(trace.hovertemplate)
    return trace


def _plain(value: object) -> object:
    """A JSON-friendly scalar (numpy numbers become Python numbers)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def grouped_tasks(tasks: pd.DataFrame, *keys: str | pd.Series) -> Callable[..., pd.DataFrame]:
    """Look up the tasks of one value of each key (compared as text), in their order.

    One pass over the tasks instead of a boolean mask over every column per
    figure point; the frames returned hold only what a task cell reads
    (``task_id``, ``title``, ``text``), without the tasks' ``attrs``.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b", "c"], "district": ["甲", "乙", "甲"],
    ...                   "theme": ["A", "A", "A"], "title": ["一", "二", "三"]})
    >>> list(grouped_tasks(t, "district", "theme")("甲", "A")["task_id"])
    ['a', 'c']
    """
    columns = [c for c in ("task_id", "title", "text") if c in tasks.columns]
    light = pd.DataFrame({c: tasks[c].to_numpy() for c in columns})
    values = [(tasks[k] if isinstance(k, str) else k).astype(str).to_numpy() for k in keys]
    rows: dict[tuple[str, ...], list[int]] = {}
    for i, key in enumerate(zip(*values, strict=True)):
        rows.setdefault(key, []).append(i)
    empty = light.iloc[:0]

    def lookup(*key: object) -> pd.DataFrame:
        found = rows.get(tuple(str(k) for k in key))
        return light.iloc[found] if found else empty

    return lookup


def _codes_of(labels: Iterable[str], shares: pd.DataFrame) -> list[str]:
    """Theme codes in the order of figure labels like ``"A 资源布局"``."""
    known = set(shares["theme"].astype(str))
    out = []
    for label in labels:
        code = str(label).split(" ", 1)[0]
        out.append(code if code in known else str(label))
    return out


def _attach_theme_grid(
    trace: go.BaseTraceType, tasks: pd.DataFrame, by: str, frame: pd.DataFrame
) -> None:
    """Give each cell of a themes × groups heatmap (either way round) the tasks it counts."""
    tasks_of = grouped_tasks(tasks, by, "theme")
    if set(map(str, trace.y)) <= set(frame["group"].astype(str)):  # groups down the side
        codes = _codes_of(trace.x, frame)
        attach(trace, [[task_cell(tasks_of(g, c)) for c in codes] for g in trace.y])
    else:
        codes = _codes_of(trace.y, frame)
        attach(trace, [[task_cell(tasks_of(g, c)) for g in trace.x] for c in codes])


def share_heatmap(
    tasks: pd.DataFrame, shares: pd.DataFrame, *, by: str = "district", note: str | None = None
) -> go.Figure:
    """:func:`compare.report.figures.share_heatmap` whose cells open their tasks.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The coded tasks the shares were computed from (``task_id, title,
        theme`` and the ``by`` column).
    shares : pandas.DataFrame
        From :func:`compare.shares.theme_shares` (same ``by``).

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a"], "district": ["甲"], "theme": ["A"], "title": ["一"]})
    >>> from compare.shares import theme_shares
    >>> share_heatmap(t, theme_shares(t, level=None)).data[0].customdata[0][0][0]
    'a'
    """
    fig = figures.share_heatmap(shares, note=note)
    _attach_theme_grid(fig.data[0], tasks, by, shares)
    return fig


def share_dots(
    tasks: pd.DataFrame,
    shares: pd.DataFrame,
    *,
    by: str = "district",
    note: str | None = None,
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """:func:`compare.report.figures.share_dots` (shares with 95 % intervals) whose dots open their tasks.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a"], "district": ["甲"], "theme": ["A"], "title": ["一"]})
    >>> from compare.shares import theme_shares
    >>> share_dots(t, theme_shares(t)).data[0].customdata[0][0]
    'a'
    """
    fig = figures.share_dots(shares, note=note, colors=colors)
    tasks_of = grouped_tasks(tasks, by, "theme")
    for trace in fig.data:
        s = shares[shares["group"].astype(str) == str(trace.name)].sort_values("theme")
        attach(trace, [task_cell(tasks_of(trace.name, c)) for c in s["theme"]])
    return fig


def residual_heatmap(
    tasks: pd.DataFrame, table: pd.DataFrame, *, by: str = "district", note: str | None = None
) -> go.Figure:
    """:func:`compare.report.figures.residual_heatmap` whose cells open the tasks counted.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The coded tasks of the test.
    table : pandas.DataFrame
        ``ShareTest.table`` of :func:`compare.shares.share_test`.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b"], "district": ["甲", "乙"], "theme": ["A", "B"],
    ...                   "title": ["一", "二"]})
    >>> tab = pd.DataFrame({"group": ["甲", "乙"], "theme": ["A", "A"], "theme_name": ["x", "x"],
    ...                     "residual": [2.5, -2.5], "observed": [1, 0]})
    >>> residual_heatmap(t, tab).data[0].customdata[0][1][0]
    'a'
    """
    fig = figures.residual_heatmap(table, note=note)
    _attach_theme_grid(fig.data[0], tasks, by, table)
    return fig


def _using(tasks: pd.DataFrame, term: str) -> pd.DataFrame:
    texts = tasks["text"].tolist()
    return tasks.iloc[[i for i, t in enumerate(texts) if isinstance(t, str) and term in t]]


def keyness_bars(
    tasks: pd.DataFrame,
    terms: pd.DataFrame,
    *,
    by: str = "district",
    top: int = 12,
    colors: Mapping[str, str] | None = None,
    note: str | None = None,
) -> go.Figure:
    """:func:`compare.report.figures.keyness_bars`; a bar opens the group's tasks using the word.

    The panel shows the sentences with the word, highlighted.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b"], "district": ["甲", "乙"], "title": ["一", "二"],
    ...                   "text": ["发展中医", "养老服务"]})
    >>> d = pd.DataFrame({"group": ["甲", "乙"], "term": ["中医", "养老"], "z": [2.0, 1.5],
    ...                   "count": [1, 1]})
    >>> keyness_bars(t, d).data[1].customdata[0][:2]
    ['a', '中医']
    """
    fig = figures.keyness_bars(terms, top=top, colors=colors, note=note)
    fig.update_annotations(font={"family": _FONT, "size": 14})
    tasks_of = grouped_tasks(tasks, by)
    for trace in fig.data:
        mine = tasks_of(trace.name)
        attach(trace, [task_cell(_using(mine, str(w)), str(w)) for w in trace.y])
    return fig


def keyness_scatter(
    tasks: pd.DataFrame,
    pair: pd.DataFrame,
    *,
    by: str = "district",
    label: int = 12,
    colors: Mapping[str, str] | None = None,
    note: str | None = None,
) -> go.Figure:
    """:func:`compare.report.figures.keyness_scatter`; a word's dot opens the two groups' tasks using it.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b"], "district": ["甲", "乙"], "title": ["一", "二"],
    ...                   "text": ["发展中医", "中医养老"]})
    >>> p = pd.DataFrame({"term": ["中医"], "rank_a": [1.0], "rank_b": [1.0], "count_a": [1],
    ...                   "count_b": [1], "z": [0.0]})
    >>> p.attrs.update({"a": "甲", "b": "乙"})
    >>> keyness_scatter(t, p).data[0].customdata[0][:2]
    ['a b', '中医']
    """
    fig = figures.keyness_scatter(pair, label=label, note=note, colors=colors)
    groups = {str(pair.attrs.get("a", "a")), str(pair.attrs.get("b", "b"))}
    both = grouped_tasks(tasks, tasks[by].astype(str).isin(groups))(True)
    words = fig.data[0]
    attach(words, [task_cell(_using(both, str(w)), str(w)) for w in words.text])
    _spread_labels(fig.data[1])
    fig.update_traces(textfont={"family": _FONT, "size": 12}, selector={"mode": "text"})
    fig.update_layout(showlegend=False)  # the colour bar says it all; a legend overlapped it
    return fig


def _spread_labels(trace: go.BaseTraceType, dx: float = 0.09, dy: float = 0.045) -> None:
    """Keep only word labels that do not overlap a label already kept (most extreme z first).

    The builder lists the labels by z, most typical of either group first;
    in a corner where many words share a rank, only the first few show
    (every word still has its dot, hover and click).
    """
    kept: list[tuple[float, float]] = []
    xs, ys, texts = [], [], []
    for x, y, t in zip(trace.x, trace.y, trace.text, strict=True):
        width = dx * max(1, len(str(t))) / 3
        if all(abs(x - a) > width or abs(y - b) > dy for a, b in kept):
            kept.append((x, y))
            xs.append(x)
            ys.append(y)
            texts.append(t)
    trace.x, trace.y, trace.text = xs, ys, texts


def similarity_heatmap(
    tasks: pd.DataFrame,
    sim: pd.DataFrame,
    matches: pd.DataFrame,
    *,
    by: str = "label",
    threshold: float | None = None,
    note: str | None = None,
) -> go.Figure:
    """:func:`compare.report.figures.similarity_heatmap`; a cell opens the aligned task pairs.

    A cell (row document, column document) lists the tasks of the row
    document whose best counterpart in the column document reaches
    ``threshold``, and those counterparts; a diagonal cell lists the
    document's tasks.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The tasks compared (``task_id, title`` and the ``by`` column).
    sim : pandas.DataFrame
        From :func:`compare.align.document_similarity` (same ``by``).
    matches : pandas.DataFrame
        From :func:`compare.align.best_counterparts` (same ``by``).
    threshold : float, optional
        Default :data:`compare.align.DEFAULT_THRESHOLD`.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b"], "label": ["甲", "乙"], "title": ["一", "二"]})
    >>> m = pd.DataFrame({"task_id": ["a", "b"], "label": ["甲", "乙"], "other": ["乙", "甲"],
    ...                   "match_task_id": ["b", "a"], "score": [0.5, 0.5]})
    >>> s = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["乙", "甲"], columns=["乙", "甲"])
    >>> similarity_heatmap(t, s, m).data[0].customdata[0][1][0]
    'b a'
    """
    from compare.align import DEFAULT_THRESHOLD

    cut = DEFAULT_THRESHOLD if threshold is None else threshold
    fig = figures.similarity_heatmap(sim, note=note)
    trace = fig.data[0]
    light = grouped_tasks(tasks, by)
    every = grouped_tasks(tasks, pd.Series(True, index=tasks.index))(True)
    position = {t: i for i, t in enumerate(every["task_id"].astype(str))}
    good = matches[matches["score"] >= cut]
    cells = []
    for row in trace.y:
        out = []
        for col in trace.x:
            if row == col:
                out.append(task_cell(light(row)))
                continue
            hit = good[(good[by].astype(str) == str(row)) & (good["other"].astype(str) == str(col))]
            ids = list(
                dict.fromkeys([*hit["task_id"].astype(str), *hit["match_task_id"].astype(str)])
            )
            cell = task_cell(every.iloc[[position[i] for i in ids]])
            cell[2] = f"{len(hit)} aligned task(s) · " + cell[2]
            out.append(cell)
        cells.append(out)
    attach(trace, cells)
    return fig


def target_bars(
    tasks: pd.DataFrame,
    aligned: pd.DataFrame,
    *,
    colors: Mapping[str, str] | None = None,
    note: str | None = None,
) -> go.Figure:
    """:func:`compare.report.figures.target_bars`; a bar opens the task stating the target.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Tasks with ``task_id, title, text``.
    aligned : pandas.DataFrame
        From :func:`compare.targets.align_targets`.

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b"], "title": ["一", "二"],
    ...                   "text": ["配置75台AED", "增配150台AED"]})
    >>> a = pd.DataFrame({"group": [0, 0], "group_key": ["AED", "AED"], "district": ["甲", "乙"],
    ...                   "value": [75.0, 150.0], "value_max": [np.nan, np.nan], "unit": ["台", "台"],
    ...                   "qualifier": ["", "增配"], "task_id": ["a", "b"]})
    >>> target_bars(t, a).data[0].customdata[0][:2]
    ['b', '150台']
    """
    fig = figures.target_bars(aligned, colors=colors, note=note)
    keys = list(dict.fromkeys(aligned.sort_values("group")["group_key"]))
    # long object names wrap instead of running into the next panel's title
    fig.for_each_annotation(lambda a: a.update(text=_wrap(a.text, 6), font={"size": 13}))
    fig.update_layout(uniformtext={"minsize": 11, "mode": "show"}, margin={"t": 130})
    for trace in fig.data:  # the bar shows the value; hover adds the qualifier
        trace.texttemplate = [str(t).split(" ")[0] for t in trace.text]
    by_id = tasks.set_index(tasks["task_id"].astype(str))
    for trace in fig.data:
        axis = trace.xaxis or "x"
        col = int(axis[1:] or 1)
        key = keys[col - 1]
        s = aligned[(aligned["group_key"] == key) & (aligned["district"].astype(str) == trace.name)]
        cells = []
        for r in s.itertuples(index=False):
            task = by_id.loc[[str(r.task_id)]].reset_index(drop=True)
            term = f"{r.value:g}{r.unit}"
            cells.append(task_cell(task, term if term in str(task["text"].iloc[0]) else ""))
        attach(trace, cells)
    return fig


def _wrap(text: str, width: int) -> str:
    """Break a label into lines of ``width`` characters (plotly does not wrap)."""
    text = str(text)
    return "<br>".join(text[i : i + width] for i in range(0, len(text), width))


def change_slopes(
    tasks: pd.DataFrame,
    change: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    top: int = 8,
    note: str | None = None,
) -> go.Figure:
    """:func:`compare.report.figures.change_slopes`; a point opens that document's tasks of the theme.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Coded tasks (``task_id, title, doc_id, theme``).
    change : pandas.DataFrame
        From :func:`compare.change.share_change`.
    docs : pandas.DataFrame
        From :func:`compare.change.sequence` (``doc_id, label``).

    Examples
    --------
    >>> t = pd.DataFrame({"task_id": ["a", "b"], "doc_id": ["d1", "d2"], "theme": ["A", "A"],
    ...                   "title": ["一", "二"]})
    >>> c = pd.DataFrame({"theme": ["A"], "theme_name": ["x"], "share 2021": [1.0],
    ...                   "share 2026": [1.0], "change_pp": [0.0], "status": ["stable"]})
    >>> d = pd.DataFrame({"doc_id": ["d1", "d2"], "label": ["2021", "2026"]})
    >>> change_slopes(t, c, d).data[0].customdata[1][0]
    'b'
    """
    fig = figures.change_slopes(change, top=top, note=note)
    doc_of = dict(zip(docs["label"].astype(str), docs["doc_id"].astype(str), strict=True))
    for trace in fig.data:
        code = str(trace.name).split(" ", 1)[0]
        cells = [
            task_cell(tasks[(tasks["doc_id"] == doc_of.get(str(x))) & (tasks["theme"] == code)])
            for x in trace.x
        ]
        attach(trace, cells)
    return fig
