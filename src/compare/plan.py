"""The parsed plan: metadata, sections, tasks and the blocks between them.

:func:`compare.parse.parse_text` returns a :class:`Plan`; :func:`coverage`
checks that every content character of the text is in exactly one of its units
(metadata and other blocks, headings with their numbers, tasks with their
numbers).

Examples
--------
>>> Document(district="长宁", year=2025, kind="work_points").label
'长宁 2025 工作要点'
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field

from compare.grammar import WS

__all__ = [
    "KIND_NAMES",
    "Block",
    "Document",
    "NoTasksWarning",
    "Plan",
    "Section",
    "Task",
    "coverage",
]


#: Chinese names of the document kinds the parser recognises ("other" has none:
#: each display chooses its own word for it).
KIND_NAMES: dict[str, str] = {
    "work_points": "工作要点",
    "medical_admin_points": "医政要点",
    "five_year_plan": "五年规划",
}


class NoTasksWarning(UserWarning):
    """A plan was parsed but no numbered tasks were recognised."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Document:
    """Document-level metadata read from the text itself.

    Attributes
    ----------
    district : str or None
        Name without the administrative suffix, e.g. ``"松江"``.
    issuer : str or None
        The issuing body, e.g. ``"上海市松江区卫生健康委员会"``.
    title : str or None
        The plan's title, white space between Chinese characters removed.
    year : int or None
        The plan year (work points); ``None`` for a multi-year plan.
    period_start, period_end : int or None
        The period of a five-year (or multi-year) plan.
    kind : str
        ``work_points``, ``medical_admin_points``, ``five_year_plan`` or ``other``.
    doc_number : str or None
        Normalised, e.g. ``"沪松卫〔2026〕26号"``.
    issue_date : str or None
        ISO date, e.g. ``"2026-05-10"``.
    """

    district: str | None = None
    issuer: str | None = None
    title: str | None = None
    year: int | None = None
    period_start: int | None = None
    period_end: int | None = None
    kind: str = "other"
    doc_number: str | None = None
    issue_date: str | None = None

    @property
    def label(self) -> str:
        """Short display name, e.g. ``"松江 2026 工作要点"``."""
        kind = KIND_NAMES.get(self.kind, "文件")
        when = (
            str(self.year)
            if self.year
            else (f"{self.period_start}–{self.period_end}" if self.period_start else "")
        )
        return " ".join(x for x in (self.district or "?", when, kind) if x)


@dataclass(frozen=True)
class Section:
    """A heading above the task level (一、… / （一）…)."""

    id: str
    number: str
    title: str
    level: int
    parent: str | None
    line_start: int
    line_end: int
    heading: str  # the heading text as cleaned (number excluded), for coverage


@dataclass(frozen=True)
class Task:
    """A numbered task with its full cleaned text and source lines."""

    id: str
    section: str | None
    number: str
    ordinal: int
    title: str
    text: str
    line_start: int
    line_end: int
    section_path: str = ""


@dataclass(frozen=True)
class Block:
    """Text that is neither a heading nor a task, kept so nothing is lost.

    ``kind`` is one of ``metadata``, ``preamble``, ``intro``, ``section_text``,
    ``list_item``, ``box`` (a 专栏 of projects or indicators), ``closing``, ``attachment``; ``role`` refines metadata
    (``doc_number``, ``notice_title``, ``title``, ``issuer``, ``date``,
    ``letterhead``, ``info`` for a portal's information table, ``chrome`` for
    portal navigation and controls, ``subtitle`` for a qualifier under the
    title, ``toc`` for a table of contents, ``header`` for a running header).
    """

    kind: str
    text: str
    line_start: int
    line_end: int
    role: str = ""
    section: str | None = None


@dataclass
class Plan:
    """A parsed plan: metadata, section tree, tasks and unassigned blocks."""

    doc_id: str
    source: str
    sha256: str
    encoding: str
    document: Document
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    unassigned: list[Block] = field(default_factory=list)
    content: str = ""  # every content character of the file, in order (for coverage)
    n_lines: int = 0

    @property
    def coverage(self) -> float:
        """Share of content characters accounted for (see :func:`coverage`)."""
        return coverage(self)["coverage"]

    def to_dict(self) -> dict:
        """JSON-ready dict: ``{"document", "sections", "tasks", "unassigned"}``."""
        doc = asdict(self.document)
        doc.update(
            doc_id=self.doc_id,
            source_file=self.source,
            sha256=self.sha256,
            encoding=self.encoding,
            label=self.document.label,
            coverage=round(self.coverage, 6),
        )
        return {
            "document": doc,
            "sections": [
                {
                    "id": s.id,
                    "number": s.number,
                    "title": s.title,
                    "level": s.level,
                    "parent": s.parent,
                    "line_start": s.line_start,
                    "line_end": s.line_end,
                }
                for s in self.sections
            ],
            "tasks": [
                {
                    "id": t.id,
                    "section": t.section,
                    "number": t.number,
                    "title": t.title,
                    "text": t.text,
                    "line_start": t.line_start,
                    "line_end": t.line_end,
                    "section_path": t.section_path,
                }
                for t in self.tasks
            ],
            "unassigned": [asdict(b) for b in self.unassigned],
        }


def _unit_chars(plan: Plan) -> list[tuple[int, int, str]]:
    units: list[tuple[int, int, str]] = []
    # on one line: a heading, then text before any task (an inline lead-in), then tasks
    for s in plan.sections:
        units.append((s.line_start, 0, s.number + s.heading))
    for t in plan.tasks:
        units.append((t.line_start, 2, t.number + t.text))
    for b in plan.unassigned:
        units.append((b.line_start, 1, b.text))
    return units


def coverage(plan: Plan) -> dict[str, float]:
    """Account for every content character of the plan.

    Compares the characters of the file (white space and artefacts excluded)
    with those of the plan's units (metadata and other blocks, headings with
    their numbers, tasks with their numbers), as multisets and in order.

    Returns
    -------
    dict
        ``coverage`` (share of content characters found in the units),
        ``invented`` (characters in units that are not in the file, as a share),
        ``exact`` (1.0 when the units, in line order, spell the file exactly).

    Examples
    --------
    >>> from compare.parse import parse_text
    >>> coverage(parse_text("一、总则\\n1. 做好工作。\\n"))["coverage"]
    1.0
    """
    units = sorted(_unit_chars(plan), key=lambda u: (u[0], u[1]))
    produced = "".join(WS.sub("", u[2]) for u in units)
    if produced == plan.content:  # the usual case: exact, no need to normalise and count
        return {"coverage": 1.0 if produced else 0.0, "invented": 0.0, "exact": 1.0}

    # numbers are normalised in labels (１．→1.), so compare modulo NFKC and dots
    def norm(s: str) -> str:
        return unicodedata.normalize("NFKC", s)

    a, b = norm(plan.content), norm(produced)
    ca, cb = Counter(a), Counter(b)
    total = sum(ca.values()) or 1
    found = sum(min(v, cb[c]) for c, v in ca.items())
    extra = sum(max(0, v - ca[c]) for c, v in cb.items())
    return {
        "coverage": found / total,
        "invented": extra / total,
        "exact": 1.0 if a == b else 0.0,
    }
