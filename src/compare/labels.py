"""How documents are named in reports, including what their text does not state.

The parser leaves a field it cannot read from the text empty: no district
without a letterhead, title or issuer naming one; no year without a year in
the title, a document number or an issue date; kind ``"other"`` for a title
that is not a work-points, medical-administration or five-year plan. This
module is the one place that says how such a document is shown:

* **district** — :func:`fill_unknown` (called by
  :func:`compare.corpus.load_corpus`) writes ``"未识别（<source file>）"``:
  every column stays a string, so sorting and grouping never meet a missing
  value, and each such document is a group of its own, never merged with
  another unknown one into a fake district. :func:`is_unknown_district`
  recognises the value wherever a district name travels (tasks, tables, figures).
* **year** stays ``<NA>`` in the ``year`` column (a number); it is shown as
  ``"年份未识别"`` (:func:`period_text`).
* **kind** stays ``"other"``; it is shown as ``"类型未识别"`` (:data:`KIND_NAMES`).

:func:`unknown_facts` counts them, with a sentence for the reports;
:func:`unknown_note` is the short flag ``compare corpus`` and ``compare add``
print. The names of the kinds the parser recognises are spelled once, in
:data:`compare.plan.KIND_NAMES`; everything here derives from that map.

Examples
--------
>>> document_label(None, None, None, None, "other", source_file="a.txt")
'未识别（a.txt） 年份未识别 类型未识别'
>>> document_label("松江", 2026, None, None, "work_points")
'松江 2026 工作要点'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from compare.plan import KIND_NAMES as PARSER_KIND_NAMES  # the one spelling of the kinds

__all__ = [
    "KIND_NAMES",
    "UNKNOWN",
    "document_label",
    "fill_unknown",
    "is_unknown_district",
    "kind_names",
    "known_districts",
    "period_text",
    "unknown_district",
    "unknown_facts",
    "unknown_note",
]

#: The word every display uses for a fact the text does not state.
UNKNOWN: str = "未识别"
#: Display names of the document kinds; ``"other"`` is a kind the parser did not recognise.
KIND_NAMES: dict[str, str] = {**PARSER_KIND_NAMES, "other": f"类型{UNKNOWN}"}
_PREFIX = f"{UNKNOWN}（"
#: Names a sentence lists before it says "等 N 个" or "等 N 份" (files, districts, documents).
MAX_NAMES: int = 12


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def unknown_district(source_file: str) -> str:
    """The district shown for a document whose text names none: one group per file.

    Examples
    --------
    >>> unknown_district("plans/a.txt")
    '未识别（plans/a.txt）'
    """
    return f"{_PREFIX}{source_file}）"


def is_unknown_district(values: Any) -> Any:
    """Whether district names are :func:`unknown_district` placeholders.

    Takes one value (returns a bool) or a Series (returns a boolean Series).

    Examples
    --------
    >>> is_unknown_district("未识别（a.txt）"), is_unknown_district("松江")
    (True, False)
    >>> is_unknown_district(pd.Series(["松江", "未识别（a.txt）"])).tolist()
    [False, True]
    """
    if isinstance(values, pd.Series):
        return values.astype("string").str.startswith(_PREFIX).fillna(True).astype(bool)
    return _missing(values) or str(values).startswith(_PREFIX)


def known_districts(values: Iterable[Any]) -> list[str]:
    """The distinct district names that are not placeholders, sorted.

    Examples
    --------
    >>> known_districts(["青浦", "未识别（a.txt）", "松江", "青浦", None])
    ['松江', '青浦']
    """
    return sorted({str(v) for v in values if not is_unknown_district(v)})


def kind_names(kinds: Iterable[str]) -> str:
    """The Chinese names of document kinds, for sentences (``"、"``-joined).

    The unrecognised kind reads as the documents it stands for; a value that
    is not a kind at all is shown as it is.

    Examples
    --------
    >>> kind_names(["work_points", "other"])
    '工作要点、类型未识别的文件'
    """
    names = [
        f"{KIND_NAMES[k]}的文件" if k == "other" else KIND_NAMES.get(k, k) for k in map(str, kinds)
    ]
    return "、".join(names)


def period_text(year: Any, period_start: Any = None, period_end: Any = None) -> str:
    """The year a document speaks for, as shown: ``"2025"``, ``"2021–2025"`` or ``"年份未识别"``.

    Examples
    --------
    >>> period_text(2025), period_text(None, 2021, 2025), period_text(pd.NA)
    ('2025', '2021–2025', '年份未识别')
    """
    if not _missing(year):
        return str(int(year))
    if not _missing(period_start):
        end = "" if _missing(period_end) else str(int(period_end))
        return f"{int(period_start)}–{end}"
    return f"年份{UNKNOWN}"


def document_label(
    district: Any,
    year: Any,
    period_start: Any,
    period_end: Any,
    kind: Any,
    *,
    source_file: str = "",
) -> str:
    """Short display name of a document: district, year or period, kind.

    Unknown parts are shown as such (``未识别``), never left out, so two
    documents differ in their labels whenever they differ in what is known;
    an unknown district names the file (:func:`unknown_district`).

    Examples
    --------
    >>> document_label("长宁", None, None, None, "work_points")
    '长宁 年份未识别 工作要点'
    >>> document_label("松江", None, 2021, 2025, "five_year_plan")
    '松江 2021–2025 五年规划'
    """
    name = unknown_district(source_file) if _missing(district) else str(district)
    kind_name = KIND_NAMES.get(str(kind), KIND_NAMES["other"])
    return f"{name} {period_text(year, period_start, period_end)} {kind_name}"


def fill_unknown(documents: pd.DataFrame, tasks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Corpus tables whose ``district`` and ``label`` are never missing (new frames).

    A document without a district gets :func:`unknown_district` of its
    ``source_file``; every ``label`` is :func:`document_label`. The tasks
    take both from their document. Applying it twice changes nothing.

    Parameters
    ----------
    documents, tasks : pandas.DataFrame
        ``Corpus.documents`` and ``Corpus.tasks`` (not modified).

    Returns
    -------
    (documents, tasks)

    Examples
    --------
    >>> d = pd.DataFrame({"doc_id": ["a", "b"], "source_file": ["a.txt", "b.txt"],
    ...                   "district": [None, "青浦"], "year": pd.array([None, 2025], dtype="Int64"),
    ...                   "period_start": None, "period_end": None, "kind": ["other", "work_points"],
    ...                   "label": ["? 文件", "青浦 2025 工作要点"]})
    >>> t = pd.DataFrame({"doc_id": ["a", "b"], "district": [None, "青浦"], "label": ["", ""]})
    >>> d2, t2 = fill_unknown(d, t)
    >>> t2["district"].tolist()
    ['未识别（a.txt）', '青浦']
    >>> d2["label"].tolist()
    ['未识别（a.txt） 年份未识别 类型未识别', '青浦 2025 工作要点']
    """
    d = documents.copy()
    t = tasks.copy()
    district = [
        unknown_district(str(f)) if _missing(x) else str(x)
        for x, f in zip(d["district"].astype(object), d["source_file"], strict=True)
    ]
    d["district"] = pd.Categorical(district)
    d["label"] = [
        document_label(r.district, r.year, r.period_start, r.period_end, r.kind)
        for r in d[["district", "year", "period_start", "period_end", "kind"]].itertuples()
    ]
    for col in ("district", "label"):
        if col in t.columns:
            values = t["doc_id"].map(dict(zip(d["doc_id"], d[col].astype(str), strict=True)))
            t[col] = values.astype("category") if col == "district" else values
    return d, t


def unknown_facts(documents: pd.DataFrame) -> dict[str, Any]:
    """How many documents lack a district, a year or a kind, with one sentence.

    Parameters
    ----------
    documents : pandas.DataFrame
        Documents after :func:`fill_unknown` (needs ``district``, ``label``;
        ``year``, ``period_start`` and ``kind`` where present).

    Returns
    -------
    dict
        ``n_district, n_year, n_kind`` (counts), ``districts`` (the
        placeholders, sorted) and ``note``: ``""`` when everything is known,
        else a sentence (starting with "其中") naming the documents.

    Examples
    --------
    >>> d = pd.DataFrame({"district": ["未识别（a.txt）", "青浦"],
    ...                   "label": ["未识别（a.txt） 年份未识别 类型未识别", "青浦 年份未识别 工作要点"],
    ...                   "year": pd.array([None, None], dtype="Int64"),
    ...                   "kind": ["other", "work_points"]})
    >>> f = unknown_facts(d)
    >>> f["n_district"], f["n_year"], f["n_kind"]
    (1, 2, 1)
    >>> f["note"]
    '其中 1 份文件区名未识别（a.txt）、2 份年份未识别、1 份类型未识别；区名未识别的文件各自单列，不合并为一个区。'
    """
    if documents.empty:
        return {"n_district": 0, "n_year": 0, "n_kind": 0, "districts": [], "note": ""}
    no_district = is_unknown_district(documents["district"])
    no_year = pd.Series(True, index=documents.index)
    for col in ("year", "period_start"):
        if col in documents.columns:
            no_year &= documents[col].isna()
    if not {"year", "period_start"} & set(documents.columns):
        no_year[:] = False
    no_kind = (
        documents["kind"].astype(str).eq("other")
        if "kind" in documents.columns
        else pd.Series(False, index=documents.index)
    )
    names = sorted(documents.loc[no_district, "district"].astype(str).unique())
    files = [n[len(_PREFIX) : -1] if n.startswith(_PREFIX) else n for n in names]
    if len(files) > MAX_NAMES:
        files = files[:MAX_NAMES] + [f"等 {len(names)} 份"]
    parts = []
    if no_district.any():
        parts.append(f"{int(no_district.sum())} 份文件区名{UNKNOWN}（{'、'.join(files)}）")
    if no_year.any():
        parts.append(f"{int(no_year.sum())} 份年份{UNKNOWN}")
    if no_kind.any():
        parts.append(f"{int(no_kind.sum())} 份类型{UNKNOWN}")
    note = ""
    if parts:
        note = "其中 " + "、".join(parts)
        note += "；区名未识别的文件各自单列，不合并为一个区。" if no_district.any() else "。"
    return {
        "n_district": int(no_district.sum()),
        "n_year": int(no_year.sum()),
        "n_kind": int(no_kind.sum()),
        "districts": names,
        "note": note,
    }


def unknown_note(district: Any, year: Any, kind: Any, period_start: Any = None) -> str:
    """The short flag for the facts a plan's text does not state, ``""`` when it states them all.

    What ``compare corpus`` (its ``flags`` column) and ``compare add`` (its
    warnings) print, in the order of :func:`document_label`: district, year,
    kind. A district is unknown when missing or an :func:`unknown_district`
    placeholder; a year when neither ``year`` nor ``period_start`` is known;
    a kind when missing or ``"other"``.

    Examples
    --------
    >>> unknown_note("未识别（a.txt）", None, "other")
    'unknown district/year/kind'
    >>> unknown_note("松江", None, "five_year_plan", period_start=2021)
    ''
    """
    missing = [
        name
        for name, unknown in (
            ("district", is_unknown_district(district)),
            ("year", _missing(year) and _missing(period_start)),
            ("kind", _missing(kind) or str(kind) == "other"),
        )
        if unknown
    ]
    return "unknown " + "/".join(missing) if missing else ""
