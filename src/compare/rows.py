"""One parsed plan as table rows, and rows as the corpus's DataFrames.

:func:`plan_rows` turns a :class:`compare.parse.Plan` (with what extraction
knew: pages, OCR confidence, original lines) into the rows it contributes to
each table of :class:`compare.corpus.Corpus`; these rows are what the per-file
cache keeps. :func:`frame` builds a table from rows with its documented
columns and types; :func:`apply_catalog` fills facts a text lacks.

Examples
--------
>>> from compare.parse import parse_text
>>> rows = plan_rows(parse_text("一、总体\\n1. 做好工作。推进。\\n"), "x.txt")
>>> frame(rows["tasks"], "tasks")["title"].tolist()
['做好工作']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.exceptions import CompareError
from compare.extract import Extracted
from compare.parse import Plan, coverage

__all__ = ["COLUMNS", "INT_COLUMNS", "apply_catalog", "frame", "plan_rows"]

#: Columns of each table, in order (documented in ``docs/CONTRACT.md``).
COLUMNS: dict[str, list[str]] = {
    "documents": [
        "doc_id",
        "source_file",
        "sha256",
        "encoding",
        "district",
        "issuer",
        "title",
        "kind",
        "year",
        "period_start",
        "period_end",
        "doc_number",
        "issue_date",
        "label",
        "n_sections",
        "n_tasks",
        "coverage",
        "exact",
        "format",
        "n_pages",
        "publish_date",
        "low_confidence_pages",
        "furniture_lines",
        "converted",
    ],
    "sections": [
        "section_id",
        "doc_id",
        "number",
        "title",
        "level",
        "parent",
        "path",
        "line_start",
        "line_end",
    ],
    "tasks": [
        "task_id",
        "doc_id",
        "source_file",
        "district",
        "year",
        "kind",
        "label",
        "section_id",
        "section_path",
        "number",
        "ordinal",
        "title",
        "text",
        "line_start",
        "line_end",
        "n_chars",
        "page_start",
        "page_end",
        "page_line_start",
        "page_line_end",
        "raw",
    ],
    "unassigned": [
        "block_id",
        "doc_id",
        "kind",
        "role",
        "section_id",
        "text",
        "line_start",
        "line_end",
    ],
}

#: Integer columns (nullable ``Int64``) wherever they occur.
INT_COLUMNS = (
    "year",
    "period_start",
    "period_end",
    "n_sections",
    "n_tasks",
    "level",
    "ordinal",
    "line_start",
    "line_end",
    "n_chars",
    "n_pages",
    "page_start",
    "page_end",
    "page_line_start",
    "page_line_end",
)


def plan_rows(
    plan: Plan, source_file: str, extracted: Extracted | None = None
) -> dict[str, list[dict]]:
    """The rows one plan contributes to each table.

    Parameters
    ----------
    plan : Plan
        The parsed plan.
    source_file : str
        Its file name relative to the corpus folder.
    extracted : Extracted, optional
        What the extraction stage knew (pages, OCR confidence, original
        lines); without it the plan's text is taken as plain text.

    Examples
    --------
    >>> from compare.parse import parse_text
    >>> rows = plan_rows(parse_text("一、总体\\n1. 做好工作。推进。\\n"), "x.txt")
    >>> rows["tasks"][0]["title"], rows["tasks"][0]["page_start"]
    ('做好工作', None)
    """
    d = plan.document
    cov = coverage(plan)
    ex = extracted
    lines = ex.lines if ex is not None else []
    pages = ex.pages if ex is not None else ()
    first_line: dict[int, int] = {}
    for no, page in enumerate(pages, start=1):
        first_line.setdefault(page, no)

    def where(no: int) -> tuple[int | None, int | None]:
        if not pages or not 1 <= no <= len(pages):
            return None, None
        page = pages[no - 1]
        return page, no - first_line[page] + 1

    doc = {
        "doc_id": plan.doc_id,
        "source_file": source_file,
        "sha256": plan.sha256,
        "encoding": plan.encoding,
        "district": d.district,
        "issuer": d.issuer,
        "title": d.title,
        "kind": d.kind,
        "year": d.year,
        "period_start": d.period_start,
        "period_end": d.period_end,
        "doc_number": d.doc_number,
        "issue_date": d.issue_date,
        "label": d.label,
        "n_sections": len(plan.sections),
        "n_tasks": len(plan.tasks),
        "coverage": cov["coverage"],
        "exact": bool(cov["exact"]),
        "format": ex.format if ex is not None else "text",
        "n_pages": ex.n_pages if ex is not None and ex.n_pages else None,
        "publish_date": (ex.meta.get("publish_date") if ex is not None else None) or None,
        "low_confidence_pages": ",".join(map(str, ex.low_confidence_pages)) if ex else "",
        "furniture_lines": len(ex.furniture) if ex is not None else 0,
        "converted": bool(ex.original) if ex is not None else False,
    }
    paths = {}
    sections = []
    for s in plan.sections:
        path = (paths[s.parent] + " › " if s.parent in paths else "") + s.number + s.title
        paths[s.id] = path
        sections.append(
            {
                "section_id": s.id,
                "doc_id": plan.doc_id,
                "number": s.number,
                "title": s.title,
                "level": s.level,
                "parent": s.parent,
                "path": path,
                "line_start": s.line_start,
                "line_end": s.line_end,
            }
        )
    tasks = [
        {
            "task_id": t.id,
            "doc_id": plan.doc_id,
            "source_file": source_file,
            "district": d.district,
            "year": d.year,
            "kind": d.kind,
            "label": d.label,
            "section_id": t.section,
            "section_path": paths.get(t.section, ""),
            "number": t.number,
            "ordinal": t.ordinal,
            "title": t.title,
            "text": t.text,
            "line_start": t.line_start,
            "line_end": t.line_end,
            "n_chars": len(t.text),
            "page_start": where(t.line_start)[0],
            "page_end": where(t.line_end)[0],
            "page_line_start": where(t.line_start)[1],
            "page_line_end": where(t.line_end)[1],
            "raw": "\n".join(lines[t.line_start - 1 : t.line_end]) if lines else None,
        }
        for t in plan.tasks
    ]
    blocks = [
        {
            "block_id": f"{plan.doc_id}-b{i:03d}",
            "doc_id": plan.doc_id,
            "kind": b.kind,
            "role": b.role,
            "section_id": b.section,
            "text": b.text,
            "line_start": b.line_start,
            "line_end": b.line_end,
        }
        for i, b in enumerate(plan.unassigned, start=1)
    ]
    return {"documents": [doc], "sections": sections, "tasks": tasks, "unassigned": blocks}


def frame(rows: list[dict], table: str) -> pd.DataFrame:
    """The table ``table`` of :data:`COLUMNS` from rows, with its column types.

    Examples
    --------
    >>> frame([], "sections").columns[:3].tolist()
    ['section_id', 'doc_id', 'number']
    """
    df = pd.DataFrame(rows, columns=COLUMNS[table])
    for col in INT_COLUMNS:
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    for col in ("district", "kind"):
        if col in df.columns:
            df[col] = df[col].astype("category")
    if "coverage" in df.columns:
        df["coverage"] = df["coverage"].astype(float)
    return df


def apply_catalog(docs: list[dict], catalog: Path | None) -> None:
    """Fill metadata the texts lack from a catalog CSV keyed by ``sha256``."""
    if catalog is None or not catalog.exists():
        return
    try:
        cat = pd.read_csv(catalog, dtype=str, comment="#").fillna("")
    except (OSError, ValueError) as err:
        raise CompareError(f"{catalog}: cannot read catalog ({err})") from None
    if "sha256" not in cat.columns:
        raise CompareError(f"{catalog}: catalog needs a 'sha256' column (has {list(cat.columns)})")
    by_hash = {r["sha256"]: r for r in cat.to_dict("records")}
    for doc in docs:
        row = by_hash.get(doc["sha256"])
        if not row:
            continue
        for key, value in row.items():
            if key in doc and value != "" and doc[key] in (None, ""):
                doc[key] = int(value) if key in INT_COLUMNS else value
