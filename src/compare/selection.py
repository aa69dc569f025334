"""Comparison sets: which documents are compared side by side.

A comparison set is a subset of the corpus ``documents`` table chosen by
district, year and kind, read from the table's columns (never from file
names). The default set is the latest annual work-points document
(``kind == "work_points"``) of every district: for the seed corpus Songjiang
2026, Qingpu 2025 and Changning 2025. Documents of different years are not
silently compared: :func:`year_note` states the difference, computed from the
data, and every side-by-side figure carries it as a subtitle.

"Latest" orders by ``year``, then ``period_end`` (five-year plans have no
``year``), then ``issue_date``.

Examples
--------
>>> from compare import load_corpus
>>> docs = select_documents(load_corpus().documents)
>>> sorted(docs["label"])
['松江 2026 工作要点', '长宁 2025 工作要点', '青浦 2025 工作要点']
>>> year_note(docs)
'Years differ: 松江 2026; 长宁 2025, 青浦 2025 (1 year apart).'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from compare.exceptions import CompareError
from compare.labels import KIND_NAMES, is_unknown_district

__all__ = [
    "DEFAULT_KIND",
    "MAX_DISTRICTS",
    "comparison_set",
    "default_district",
    "default_pair",
    "doc_year",
    "select_documents",
    "select_tasks",
    "unique_labels",
    "year_note",
]

#: Kind of the documents compared by default.
DEFAULT_KIND: str = "work_points"
#: Above this many districts, :func:`year_note` counts districts per year instead of naming them.
NOTE_NAMES: int = 8


def _as_list(x: object) -> list | None:
    if x is None:
        return None
    if isinstance(x, str | int):
        return [x]
    return list(x)  # type: ignore[arg-type]


def doc_year(documents: pd.DataFrame) -> pd.Series:
    """The year a document speaks for: ``year``, else the end of its period.

    Examples
    --------
    >>> d = pd.DataFrame({"year": pd.array([2025, None], dtype="Int64"),
    ...                   "period_end": pd.array([None, 2025], dtype="Int64")})
    >>> doc_year(d).tolist()
    [2025, 2025]
    """
    year = documents["year"].astype("Int64")
    if "period_end" in documents.columns:
        year = year.fillna(documents["period_end"].astype("Int64"))
    return year


def select_documents(
    documents: pd.DataFrame,
    *,
    districts: str | Iterable[str] | None = None,
    years: int | Iterable[int] | None = None,
    kinds: str | Iterable[str] | None = DEFAULT_KIND,
    latest: bool = True,
) -> pd.DataFrame:
    """Choose the documents of a comparison set.

    Parameters
    ----------
    documents : pandas.DataFrame
        The corpus ``documents`` table (not modified).
    districts, years, kinds : optional
        Keep only these values (``None``: all). ``years`` matches ``year`` or,
        for a five-year plan, any year of its period.
    latest : bool
        Keep only the latest document per district and kind.

    Returns
    -------
    pandas.DataFrame
        The chosen rows, ordered by district then year, with a ``doc_year``
        column added.

    Raises
    ------
    CompareError
        Nothing matches; the message lists the values available.

    Examples
    --------
    >>> from compare import load_corpus
    >>> d = load_corpus().documents
    >>> select_documents(d, districts="松江", kinds=None, latest=False)["kind"].astype(str).tolist()
    ['five_year_plan', 'medical_admin_points', 'work_points']
    """
    d = documents.copy()
    d["doc_year"] = doc_year(d)
    keep = pd.Series(True, index=d.index)
    ds, ys, ks = _as_list(districts), _as_list(years), _as_list(kinds)
    if ds is not None:
        keep &= d["district"].astype(str).isin([str(x) for x in ds])
    if ks is not None:
        keep &= d["kind"].astype(str).isin([str(x) for x in ks])
    if ys is not None:
        ys = [int(y) for y in ys]
        in_year = d["year"].astype("Int64").isin(ys).fillna(False)
        if {"period_start", "period_end"} <= set(d.columns):
            a, b = d["period_start"].astype("Int64"), d["period_end"].astype("Int64")
            in_period = pd.Series(False, index=d.index)
            for y in ys:
                in_period |= ((a <= y) & (b >= y)).fillna(False)
            in_year |= in_period & d["year"].isna()
        keep &= in_year
    out = d[keep.astype(bool)]
    if out.empty:
        raise CompareError(
            "no document matches the comparison set; available: "
            f"districts {sorted(d['district'].dropna().astype(str).unique())}, "
            f"kinds {sorted(d['kind'].dropna().astype(str).unique())}, "
            f"years {sorted(int(y) for y in d['doc_year'].dropna().unique())}"
        )
    sort = ["district", "kind", "doc_year"] + (
        ["issue_date"] if "issue_date" in out.columns else []
    )
    out = out.assign(district=out["district"].astype(str), kind=out["kind"].astype(str))
    out = out.sort_values(sort, na_position="first", kind="stable")
    if latest:
        out = out.groupby(["district", "kind"], sort=False).tail(1)
    return out.sort_values(["district", "doc_year"], kind="stable").reset_index(drop=True)


def select_tasks(tasks: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The tasks of the chosen documents (a copy, task order kept).

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> len(select_tasks(c.tasks, select_documents(c.documents)))
    62
    """
    return tasks[tasks["doc_id"].isin(set(documents["doc_id"]))].reset_index(drop=True)


def year_note(documents: pd.DataFrame) -> str:
    """One sentence on the years of a comparison set, computed from the data.

    Examples
    --------
    >>> d = pd.DataFrame({"district": ["甲", "乙"], "year": pd.array([2025, 2025], dtype="Int64")})
    >>> year_note(d)
    'All documents are from 2025.'
    >>> d.loc[1, "year"] = None
    >>> year_note(d)
    'All other documents are from 2025. Year unknown (年份未识别): 乙.'
    """
    years = doc_year(documents) if "doc_year" not in documents.columns else documents["doc_year"]
    pairs = sorted(
        {
            (int(y), str(dist))
            for dist, y in zip(documents["district"], years, strict=True)
            if pd.notna(y)
        },
        key=lambda p: (-p[0], p[1]),
    )
    distinct = sorted({y for y, _ in pairs}, reverse=True)
    if not distinct:
        return "Years unknown (年份未识别)."
    unknown = sorted(
        {str(d) for d, y in zip(documents["district"], years, strict=True) if pd.isna(y)}
    )
    if len(unknown) > NOTE_NAMES:
        rest = f" Year unknown (年份未识别) for {len(unknown)} districts."
    else:
        rest = f" Year unknown (年份未识别): {', '.join(unknown)}." if unknown else ""
    if len(distinct) == 1:
        return f"All {'other ' if unknown else ''}documents are from {distinct[0]}.{rest}"
    if len({d for _, d in pairs}) > NOTE_NAMES:  # many districts: count them per year
        groups = "; ".join(f"{y}: {sum(yy == y for yy, _ in pairs)} district(s)" for y in distinct)
    else:
        groups = "; ".join(", ".join(f"{d} {y}" for yy, d in pairs if yy == y) for y in distinct)
    span = distinct[0] - distinct[-1]
    return f"Years differ: {groups} ({span} year{'s' if span != 1 else ''} apart).{rest}"


def unique_labels(documents: pd.DataFrame) -> pd.Series:
    """Document labels made unique: a repeated label gets ``(2)``, ``(3)`` … in row order.

    Two plans of one district, kind and year (or two five-year plans of one
    period) share a label; figures and tables keyed by label need them apart.

    Examples
    --------
    >>> d = pd.DataFrame({"label": ["青浦 2022 工作要点", "青浦 2022 工作要点", "松江 2026 工作要点"]})
    >>> unique_labels(d).tolist()
    ['青浦 2022 工作要点', '青浦 2022 工作要点 (2)', '松江 2026 工作要点']
    """
    labels = documents["label"].astype(str)
    nth = labels.groupby(labels).cumcount()
    out = [lab if k == 0 else f"{lab} ({k + 1})" for lab, k in zip(labels, nth, strict=True)]
    return pd.Series(out, index=documents.index, name="label")


# --------------------------------------------------------------------------- comparison sets


#: Districts a default comparison set holds at most (see :func:`comparison_set`).
MAX_DISTRICTS: int = 12


def _fallback_kind(documents: pd.DataFrame) -> str:
    """The kind most districts have (then most documents, then the usual order).

    A recognised kind comes before ``"other"``, and only districts the texts
    name are counted: documents of unknown district or kind never decide.
    """
    order = list(KIND_NAMES)
    named = documents["district"].astype(str).where(~is_unknown_district(documents["district"]))
    stats = (
        documents.assign(_k=documents["kind"].astype(str), _d=named)
        .groupby("_k")
        .agg(n_d=("_d", "nunique"), n=("_k", "size"))
    )
    ranked = sorted(
        stats.itertuples(),
        key=lambda r: (
            r.Index == "other",
            -r.n_d,
            -r.n,
            order.index(r.Index) if r.Index in order else 99,
            r.Index,
        ),
    )
    return str(ranked[0].Index)


def comparison_set(
    documents: pd.DataFrame,
    tasks: pd.DataFrame,
    *,
    districts: Sequence[str] = (),
    kinds: Sequence[str] = ("work_points",),
    years: Sequence[int] = (),
    latest: bool = True,
    max_districts: int = MAX_DISTRICTS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents of a comparison set and their tasks.

    Works on any corpus: when no document has the ``kinds`` asked for (say a
    corpus of five-year plans only), the kind most districts have is
    compared instead; when ``districts`` is empty and more than
    ``max_districts`` districts qualify, the ``max_districts`` whose chosen
    documents are most recent (then hold most tasks, then by name) are kept,
    so figures stay readable with a hundred districts. Labels shared by two
    documents are made unique (:func:`compare.selection.unique_labels`), in
    the documents and the tasks. :func:`set_facts` states all of this.

    Parameters
    ----------
    documents, tasks : pandas.DataFrame
        ``Corpus.documents`` and (coded) tasks.
    districts, kinds : sequence of str
        Empty means all (see :func:`compare.selection.select_documents`).
    latest : bool
        Keep only the latest document per district and kind.
    years : sequence of int
        Keep only documents of these years; empty means all.
    max_districts : int
        At most this many districts when ``districts`` is empty; 0 means no
        cap. Default :data:`MAX_DISTRICTS` (12), for the reports and the CLI alike.

    Returns
    -------
    (documents, tasks)
        ``documents.attrs`` records ``kinds_asked``, ``kinds_used``,
        ``latest``, ``n_districts_available`` and ``capped``.

    Raises
    ------
    CompareError
        When no document of the ``districts`` asked for exists (the message
        lists what is available).

    Examples
    --------
    >>> from compare import load_corpus
    >>> c = load_corpus()
    >>> docs, t = comparison_set(c.documents, c.tasks)
    >>> len(docs), len(t)
    (3, 62)
    """
    asked = [str(k) for k in kinds]
    pool = select_documents(
        documents,
        districts=list(districts) or None,
        years=list(years) or None,
        kinds=None,
        latest=False,
    )
    used = asked
    if asked and not pool["kind"].astype(str).isin(asked).any():
        used = [_fallback_kind(pool)]
    docs = select_documents(pool, districts=None, kinds=used or None, latest=latest)
    available = int(docs["district"].nunique())
    capped = False
    if not districts and max_districts and available > max_districts:
        per = docs.groupby("district").agg(
            year=("doc_year", lambda y: y.max() if y.notna().any() else -1),
            n=("n_tasks", "sum") if "n_tasks" in docs else ("doc_id", "size"),
        )
        ranked = sorted(  # named districts first: an unknown one is a single file
            per.itertuples(),
            key=lambda r: (
                is_unknown_district(str(r.Index)),
                -int(r.year),
                -int(r.n),
                str(r.Index),
            ),
        )
        keep = {str(r.Index) for r in ranked[:max_districts]}
        docs = docs[docs["district"].astype(str).isin(keep)].reset_index(drop=True)
        capped = True
    docs["label"] = unique_labels(docs)
    chosen = select_tasks(tasks, docs)
    if "label" in chosen.columns:
        chosen["label"] = chosen["doc_id"].map(
            dict(zip(docs["doc_id"], docs["label"], strict=True))
        )
    chosen.attrs.update(tasks.attrs)
    docs.attrs.update(
        kinds_asked=asked,
        kinds_used=used,
        latest=bool(latest),
        n_districts_available=available,
        capped=capped,
        max_districts=int(max_districts),
    )
    return docs, chosen


def default_pair(tasks: pd.DataFrame, pair: Sequence[str] = (), by: str = "district") -> list[str]:
    """The two groups of a two-group plot: ``pair`` if given, else the two with most tasks.

    Raises
    ------
    CompareError
        When ``pair`` names a group that is not there, or fewer than two exist.

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲", "甲", "乙", "丙", "丙"]})
    >>> default_pair(t)
    ['丙', '甲']
    """
    counts = tasks[by].astype(str).value_counts()
    if pair:
        missing = [p for p in pair if p not in counts.index]
        if len(pair) != 2 or missing:
            raise CompareError(f"pair must name two of {sorted(counts.index)}; got {list(pair)}")
        return [str(p) for p in pair]
    if len(counts) < 2:
        raise CompareError(f"a two-group plot needs two groups; got {sorted(counts.index)}")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return sorted([ranked[0][0], ranked[1][0]])


def default_district(documents: pd.DataFrame, district: str = "", kinds: Sequence[str] = ()) -> str:
    """``district`` if given, else the district with the most documents (then most tasks, name).

    Parameters
    ----------
    documents : pandas.DataFrame
        ``Corpus.documents``.
    district : str
        The district asked for; ``""`` chooses one.
    kinds : sequence of str
        Count only documents of these kinds (empty: all).

    Raises
    ------
    CompareError
        If ``district`` is not in the corpus (the message lists those that are).

    Examples
    --------
    >>> d = pd.DataFrame({"district": ["甲", "乙", "乙"], "n_tasks": [9, 1, 1],
    ...                   "kind": ["work_points"] * 3})
    >>> default_district(d)
    '乙'
    >>> default_district(d, kinds=["five_year_plan"])  # no such kind: count every document
    '乙'
    """
    names = documents["district"].astype(str)
    if district:
        if district not in set(names):
            raise CompareError(
                f"district {district!r} is not in the corpus (available: {sorted(set(names))})"
            )
        return district
    d = documents.assign(_d=names)
    if kinds and "kind" in d and d["kind"].astype(str).isin(list(kinds)).any():
        d = d[d["kind"].astype(str).isin(list(kinds))]
    stats = d.groupby("_d").agg(n=("_d", "size"), t=("n_tasks", "sum"))
    ranked = sorted(stats.itertuples(), key=lambda r: (-r.n, -r.t, r.Index))
    return str(ranked[0].Index)
