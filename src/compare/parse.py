"""Parse a Chinese health-commission plan into metadata, sections and tasks.

The parser reads the genre, not particular files. It is three modules: this
one assembles the structure (sections, the task level, tasks, blocks);
:mod:`compare.parse_lines` reads the layout (lines, wraps, numbered headings,
boxes, unnumbered items); :mod:`compare.parse_meta` reads what the plan says
about itself (title, issuer, document number, dates, district, year, kind).

* **Lines → units.** Each raw line is cleaned of artefacts (markdown ``#`` and
  ``**`` marks, rules, page markers such as ``— 4 —`` / ``- 4 -`` / ``第4页``,
  full-width spaces). Hard wraps are joined: a line that does not end a
  sentence continues on the next content line (PDF text with a blank line
  between wrapped lines included); in PDF-wrapped text a line shorter than the
  page width ends its paragraph.
* **Portal pages.** Web-portal chrome (breadcrumbs, 【打印】【关闭】, 字体：大 中 小,
  分享到, footers) is kept as ``metadata`` blocks of role ``chrome`` and never
  becomes title, district or task; information-table lines (索引号, 发布机构,
  文号, 成文日期…) are ``info`` blocks that feed the metadata. The plan's
  title is looked for after them.
* **No header.** District, year and kind come from the title, the issuer
  (information table, notice, closing line) or the opening paragraph
  (``2025年是…``, ``XX区卫生健康…``, ``制定本要点``), else stay unknown; the
  file name is never read.
* **Numbering.** Headings are recognised by the numbering of GB/T 9704 and its
  informal relatives, ranked ``第X章`` < ``第X节`` < ``一、`` < ``（一）``/``【一】`` <
  ``1.``/``1、``/``第X条`` < ``（1）``/``1)`` < ``一是`` < ``①``; the levels a document uses are compressed to
  1, 2, 3…. A numbered line must continue its sequence (next number, or a
  restart at 1) to count, so figures that happen to start a line do not.
  ``一是`` or ``①`` lines that are bare titles with formal items (``1.``)
  between them head parts: they rank above those items.
* **Tasks.** If a part is titled as the task part (主要任务, 重点任务…; in a
  summary and plan, the year ahead: 2025年工作思路, 下一步工作打算), only it
  yields tasks; parts titled as context (发展基础, 面临形势, 基本原则, 发展目标,
  保障措施…, a past year's review: 2024年主要工作及成效) never do. Within the
  task-bearing parts the task is one level per plan, the level that carries
  the concrete measures across the task part: the deepest level whose items
  carry their own text and that occurs under most of its parents, unless its
  items are sub-points of the level above: that level opens with a sentence
  and they do not (``（一）推进X。……`` then ``1.完善……。``), or that level's
  items are written as tasks themselves (a lead sentence and a body of their
  own before their sub-points, ``（一）推进X。以……为目标，……。``) and some of
  them have no sub-points, so that only they run across the task part. Then
  the level above is the task and the sub-points (``1.``, ``（1）``, ``①``, on
  their own lines or inline) stay inside it. The plan's own count overrides
  this: sub-points numbered on across their parents (``1. 2.`` under （一）,
  ``3. 4.`` under （二）) are the tasks. An item above the task level without
  sub-points but with text of its own is a task too; a bare title over its
  sub-points (（一）推进X alone on its line) is a section. Shallower levels
  are sections, deeper numbering stays inside the task text. Unnumbered items in the text of
  a section-rank heading without deeper numbering are the tasks: written
  inline (``一是……；二是……``, ``第一，……``) or as paragraphs led by a title in
  ``【】``, in bold or, under a bare section title, in a short first sentence
  (their number is empty). Unnumbered markdown headings (``## 深化医改``) are
  sections with an empty number. A plan with no numbered heading at all whose
  text lists three or more such items (``重点抓好以下工作：一是……；二是……；三是……``)
  has them as its tasks. A numbered item with no text
  of its own, or one in a context part (including a past year's review and its
  problems), is not a task. Boxes (专栏) and tables are set aside first;
  a task table printed to PDF (a ``序号 工作任务 责任单位…`` header line, or
  its cells broken over short lines, then rows opening with a bare number and
  cells wrapped over narrow lines) gives a task per row, the task's name ending
  where its cell visibly ends and the units and deadline that close the row
  a paragraph of their own, and so does one written as a markdown table (a row per
  line; its pipes are markup, as ``**`` is).
* **Nothing lost.** Every line is assigned to exactly one unit: a metadata
  block, a section heading, a task or an unassigned block (preamble, intro,
  section text, non-task list items, closing lines, attachments).
  :func:`coverage` checks this character by character.

Examples
--------
>>> plan = parse_plan("一、总体安排\\n1. 做好社区服务。推进家庭医生签约。\\n2. 加强应急。配置AED。\\n")
>>> [(t.number, t.title) for t in plan.tasks]
[('1.', '做好社区服务'), ('2.', '加强应急')]
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from compare.grammar import (
    CONTEXT_PART,
    PLAN_PART,
    REVIEW_PART,
    SUBTITLE,
    TASK_PART,
    TERMINAL,
    WS,
    Line,
    clean_line,
    content_chars,
    district_of,
    find_date,
    normalise_doc_number,
    numbering_of,
)
from compare.io import read_plan_bytes
from compare.parse_lines import (
    Heading,
    LineReader,
    bold_lead,
    box_spans,
    clean_title,
    inline_spans,
    lead_spans,
    split_title,
    toc_spans,
)
from compare.parse_meta import MetaReader, document_of
from compare.plan import (
    KIND_NAMES,
    Block,
    Document,
    NoTasksWarning,
    Plan,
    Section,
    Task,
    coverage,
)

__all__ = [
    "KIND_NAMES",
    "PARSER_VERSION",
    "Block",
    "Document",
    "Plan",
    "Section",
    "Task",
    "NoTasksWarning",
    "clean_line",
    "coverage",
    "district_of",
    "normalise_doc_number",
    "parse_plan",
    "parse_text",
]

#: Bump whenever parsing output may change: it keys every cache.
PARSER_VERSION = "1.9.0"


# --------------------------------------------------------------------------- parsing

#: A piece of a heading's body: line number, text, bold lead, whether it ends a paragraph.
Piece = tuple[int, str, str, bool]


class _Assembler(MetaReader):
    """Assigns every content line of a plan to exactly one unit."""

    def __init__(self, text: str, doc_id: str) -> None:
        super().__init__(LineReader(text))
        self.doc_id = doc_id
        # boxes (专栏) are set aside first: their numbered project lists are not tasks,
        # and a task's text ends where a box begins; so is a table of contents
        content = self.p.content
        texts = [ln.text for ln in content]
        # a markdown table is found by its rows (its text drops the pipes), unless it is
        # a task table: then its rows are tasks
        shown = [
            "|" + "|".join(ln.cells) + "|" if ln.cells and ln.no not in self.p.task_table else t
            for ln, t in zip(content, texts, strict=True)
        ]
        aside: set[int] = set()
        for a, b in box_spans(shown):
            box = content[a:b]
            self.add_block("box", box, text="\n".join(ln.text for ln in box))
            aside.update(range(a, b))
        for a, b in toc_spans(texts):
            if not aside.intersection(range(a, b)):
                toc = content[a:b]
                self.add_block("metadata", toc, role="toc", text="\n".join(x.text for x in toc))
                aside.update(range(a, b))
        self.set_aside(aside)
        self.sections: list[Section] = []
        self.tasks: list[Task] = []

    # -- structure --------------------------------------------------------------

    def set_aside(self, lines: set[int], role: str = "") -> None:
        """Take content lines out of the flow (as metadata of ``role`` when one is given)."""
        for i in sorted(lines) if role else ():
            self.add_block("metadata", [self.C[i]], role=role)
        if lines:
            self.p.content = [ln for i, ln in enumerate(self.C) if i not in lines]
        self.C = self.p.content

    def mark_parts(self, heads: list[Heading]) -> None:
        """Flag headings inside context parts, and those inside the task part."""
        titles = [clean_title(split_title(h.num.rest, self.C[h.idx].bold, h.num)[0]) for h in heads]
        task_part_exists = any(
            _is_task_part(t) for t, h in zip(titles, heads, strict=True) if h.level <= 2
        )
        for h, title in zip(heads, titles, strict=True):
            parent = heads[h.parent] if h.parent is not None else None
            h.excluded = (parent.excluded if parent else False) or _is_context_part(title)
            h.in_task_part = (
                parent.in_task_part if parent else not task_part_exists
            ) or _is_task_part(title)

    def task_level(self, heads: list[Heading], body_end: int) -> int | None:
        """The deepest level whose items carry text and occur under most parents."""
        eligible = [k for k, h in enumerate(heads) if not h.excluded and h.in_task_part]
        levels = sorted({heads[k].level for k in eligible})
        for lvl in reversed(levels):
            items = [k for k in eligible if heads[k].level == lvl]
            with_body = sum(1 for k in items if self._carries_text(heads, k, body_end))
            if with_body < 0.5 * len(items):
                continue
            if lvl != levels[0]:
                above = [k for k in eligible if heads[k].level == lvl - 1]
                if not _counted_across(heads, items):
                    led = self._leads(heads, above, body_end, bare=True)
                    if led >= 0.6 and self._leads(heads, items, body_end) < 0.3:
                        continue  # sub-points of tasks that open with a sentence of their own
                    mixed = any(not heads[k].children for k in above)
                    if mixed and self._own_text_share(heads, above, body_end) >= 0.6:
                        # items written as tasks, some with sub-points and some without:
                        # the level above carries the measures across the task part
                        continue
                parents = {heads[k].parent for k in items}
                possible = [
                    k
                    for k in eligible
                    if heads[k].level == lvl - 1 and not self._holds_inline(heads, k, body_end)
                ] or [None]  # a parent holding 一是/二是 items has its tasks already
                if len(parents) < 0.5 * len(possible):
                    continue  # sporadic sub-points inside tasks
            return lvl
        return None

    def _own_text_share(self, heads: list[Heading], items: list[int], body_end: int) -> float:
        """Share of the items with sub-points that are written as tasks themselves: a lead
        sentence, then a body of their own before the sub-points (``（一）推进X。以……为目标，
        ……。``), not a lead-in to the list (``……重点抓好以下工作：``) nor a table's header."""
        parents = [k for k in items if heads[k].children]
        if not parents:
            return 0.0
        n = 0
        for k in parents:
            h = heads[k]
            title, _ = split_title(h.num.rest, self.C[h.idx].bold, h.num)
            own = self.p.direct_text(heads, k, body_end).strip()
            if (
                title.rstrip()[-1:] in "。！？!?"
                and len(own) >= 4
                and own[-1:] not in "：:"
                and re.search(r"[。！？!?；;]", own)
            ):
                n += 1
        return n / len(parents)

    def _leads(
        self, heads: list[Heading], items: list[int], body_end: int, bare: bool = False
    ) -> float:
        """Share of the items that open with a lead sentence followed by text of their
        own (or, with ``bare``, that at least open with a sentence: ``推进X。``)."""
        if not items:
            return 0.0
        n = 0
        for k in items:
            h = heads[k]
            title, _ = split_title(h.num.rest, self.C[h.idx].bold, h.num)
            if title.rstrip()[-1:] in "。！？!?" and (
                bare or len(self.p.direct_text(heads, k, body_end)) >= 2
            ):
                n += 1
        return n / len(items)

    def _holds_inline(self, heads: list[Heading], k: int, body_end: int) -> bool:
        end = heads[k + 1].idx if k + 1 < len(heads) else body_end
        return self.inline_items(heads, k, end)

    def _carries_text(self, heads: list[Heading], k: int, body_end: int) -> bool:
        """A heading item with text of its own, or one that is itself a sentence."""
        if len(self.p.direct_text(heads, k, body_end)) >= 2:
            return True
        return heads[k].num.rest.rstrip()[-1:] in "。；;"

    def emit(self, heads: list[Heading], task_level: int | None, body_end: int) -> None:
        """Turn headings into sections, tasks and list items; the text between into blocks."""
        C, p = self.C, self.p
        struct = [k for k, h in enumerate(heads) if task_level is None or h.level <= task_level]
        sec_ids: dict[int, str] = {}
        paths: dict[int, str] = {}
        for pos, k in enumerate(struct):
            h = heads[k]
            end = heads[struct[pos + 1]].idx if pos + 1 < len(struct) else body_end
            ln = C[h.idx]
            own = C[h.idx : end]
            parent = h.parent
            while parent is not None and parent not in sec_ids:
                parent = heads[parent].parent
            parent_id = sec_ids.get(parent) if parent is not None else None
            first = Line(ln.no, ln.raw, h.num.rest, ln.bold, False)
            inline = self.inline_items(heads, k, end)
            # a heading above the task level with no items under it, written as a task
            # (（二）做好X。……): a task of its own
            leaf = (
                task_level is not None
                and h.level < task_level
                and not h.children
                and h.in_task_part
                and not h.excluded
                and (
                    self._leads(heads, [k], body_end) == 1.0
                    or len(p.direct_text(heads, k, body_end)) >= 10
                )
            )
            if task_level is not None and (h.level == task_level or leaf) and not inline:
                bare = (
                    not h.children
                    and p.heading_end(heads, k, end) == h.idx + 1
                    and not self._carries_text(heads, k, body_end)
                )
                if h.excluded or not h.in_task_part or bare:
                    # a numbered item in a context part (principles, targets),
                    # or a bare heading without text of its own
                    text = h.num.label + p.paragraphs([first] + own[1:])
                    self.add_block("list_item", own, section=parent_id, text=text)
                    continue
                title, _ = split_title(h.num.rest, ln.bold, h.num)
                if title == h.num.rest and p.full(
                    ln
                ):  # a PDF heading wrapped onto the next line(s)
                    hend = p.heading_end(heads, k, end)
                    title += "".join(x.text for x in own[1 : hend - h.idx])
                    title = split_title(title, "", h.num)[0]  # up to its first sentence end
                self.tasks.append(
                    Task(
                        id=f"{self.doc_id}-t{len(self.tasks) + 1:03d}",
                        section=parent_id,
                        number=h.num.label,
                        ordinal=h.num.value,
                        title=clean_title(title),
                        text=self._task_text(heads, k, end, first, own),
                        line_start=own[0].no,
                        line_end=own[-1].no,
                        section_path=paths.get(parent, "") if parent is not None else "",
                    )
                )
                continue
            hend = p.heading_end(heads, k, end)
            head_lines = C[h.idx : hend]
            heading = h.num.rest + "".join(x.text for x in head_lines[1:])
            title, same_line_body = split_title(heading, ln.bold, h.num)
            sid = f"{self.doc_id}-s{len(self.sections) + 1:02d}"
            sec_ids[k] = sid
            clean = clean_title(title)
            paths[k] = (paths[parent] + " › " if parent is not None else "") + h.num.label + clean
            self.sections.append(
                Section(
                    sid,
                    h.num.label,
                    clean,
                    h.level,
                    parent_id,
                    head_lines[0].no,
                    head_lines[-1].no,
                    heading=title,
                )
            )
            if inline:
                pieces = self._body_pieces(heads, k, end)
                self.emit_inline(pieces, sid, paths[k], self._plain_heading(heads, k))
                continue
            if same_line_body.strip():
                self.blocks.append(Block("section_text", same_line_body, ln.no, ln.no, section=sid))
            self.add_block("section_text", C[hend:end], section=sid)

    def _task_text(
        self, heads: list[Heading], k: int, end: int, first: Line, own: list[Line]
    ) -> str:
        """A task's paragraphs; a bare title on lines of its own is a paragraph of its own
        (第一节 构建公共卫生体系 / 完善疾控体系…: not run into its first sentence)."""
        p, h = self.p, heads[k]
        hend = p.heading_end(heads, k, end) - h.idx
        title, body = split_title(h.num.rest, self.C[h.idx].bold, h.num)
        if body.strip() or hend >= len(own) or title.rstrip()[-1:] in TERMINAL:
            return p.paragraphs([first] + own[1:])
        head = p.paragraphs([first] + own[1:hend]).replace("\n", "")
        return head + "\n" + p.paragraphs(own[hend:])

    def inline_items(self, heads: list[Heading], k: int, end: int) -> bool:
        """Whether heading k's own text holds unnumbered items that are the tasks.

        The items are written inline (``一是……；二是……``) or as paragraphs that
        open with a lead (``【推进医联体建设】……`` or a bold ``**推进医联体建设。**``).
        Only a heading of section rank (一、, （一）, 第X章) or a top-level one in
        the task part, with no deeper numbering of its own, has them taken as
        tasks; under ``1.`` or ``（1）`` they stay inside the task.
        """
        h = heads[k]
        if h.excluded or not h.in_task_part or h.children:
            return False
        if h.num.rank > 3 and h.level != 1:
            return False
        pieces = self._body_pieces(heads, k, end)
        return len(self._items(pieces, self._plain_heading(heads, k))[2]) >= 2

    def _plain_heading(self, heads: list[Heading], k: int) -> bool:
        """A heading that is a bare title (一、优化资源布局), not itself a sentence with a body."""
        h = heads[k]
        title, body = split_title(h.num.rest, self.C[h.idx].bold, h.num)
        return not body.strip() and title.rstrip()[-1:] not in TERMINAL

    def _body_pieces(self, heads: list[Heading], k: int, end: int) -> list[Piece]:
        """(line number, text, bold lead, whether its line ends a paragraph) of a section
        heading's body: same-line text (judged by the heading's whole line), then its lines."""
        h, C, p = heads[k], self.C, self.p
        hend = p.heading_end(heads, k, end)
        heading = h.num.rest + "".join(x.text for x in C[h.idx + 1 : hend])
        _, body = split_title(heading, C[h.idx].bold, h.num)
        own = [(C[h.idx].no, body, "", p.ends_paragraph(C[hend - 1]))] if body.strip() else []
        return own + [(x.no, x.text, bold_lead(x), p.ends_paragraph(x)) for x in C[hend:end]]

    def _joined(self, pieces: list[Piece]) -> tuple[str, list[int], dict[int, str]]:
        """Pieces joined as paragraphs, with the line number of every character and
        the bold leads that open a paragraph (by offset)."""
        text, line_of, bold = "", [], {}
        for k, (no, piece, lead, _) in enumerate(pieces):
            sep = ""
            if k and pieces[k - 1][3]:
                sep = "\n"
            elif text and len(self.p.join(text, piece)) > len(text) + len(piece):
                sep = " "
            text += sep
            line_of += [no] * len(sep)
            if lead and (not text or text.endswith("\n")):
                bold[len(text)] = lead
            text += piece
            line_of += [no] * len(piece)
        return text, line_of, bold

    def _items(
        self, pieces: list[Piece], sentences: bool = False
    ) -> tuple[str, list[int], list[tuple[int, int, str, int, str]]]:
        """The joined text, its line numbers and its unnumbered items: lead paragraphs
        when there are two or more (led by a short sentence only under a bare
        ``sentences`` heading), else inline 一是/二是 items."""
        text, line_of, bold = self._joined(pieces)
        spans = lead_spans(text, bold, sentences)
        if len(spans) < 2:
            spans = [(a, b, label, n, "") for a, b, label, n in inline_spans(text)]
        return text, line_of, spans

    def emit_inline(
        self,
        pieces: list[Piece],
        sid: str | None,
        path: str,
        sentences: bool,
        kind: str = "section_text",
    ) -> None:
        """Tasks from the unnumbered items of a section's text; other text stays a block of
        ``kind`` (section text)."""
        text, line_of, spans = self._items(pieces, sentences)

        def block(a: int, b: int) -> None:
            chunk = text[a:b]
            if chunk.strip():
                lo = a + (len(chunk) - len(chunk.lstrip()))
                hi = b - (len(chunk) - len(chunk.rstrip())) - 1
                self.blocks.append(
                    Block(kind, chunk.strip(), line_of[lo], line_of[hi], section=sid)
                )

        pos = 0
        for start, stop, label, value, lead in spans:
            block(pos, start)
            body = text[start + len(label) : stop]
            title = lead or re.split(r"[，,。；;：:！？!?]", body.strip(), maxsplit=1)[0]
            stripped = stop - (len(text[start:stop]) - len(text[start:stop].rstrip())) - 1
            self.tasks.append(
                Task(
                    id=f"{self.doc_id}-t{len(self.tasks) + 1:03d}",
                    section=sid,
                    number=label,
                    ordinal=value,
                    title=clean_title(title),
                    text=body.strip(),
                    line_start=line_of[start],
                    line_end=line_of[stripped],
                    section_path=path,
                )
            )
            pos = stop
        block(pos, len(text))


def _counted_across(heads: list[Heading], items: list[int]) -> bool:
    """Whether the plan numbers these items on across their parents (1. 2. under （一）,
    3. 4. under （二）): its own count of tasks, never restarted sub-points."""
    first: dict[int | None, int] = {}
    for k in items:
        first.setdefault(heads[k].parent, heads[k].num.value)
    return len(first) >= 2 and any(v > 1 for v in list(first.values())[1:])


def _is_context_part(title: str) -> bool:
    if len(title) > 16 or PLAN_PART.match(title):
        return False  # 2025年工作思路: the year ahead, not a plan's 工作思路 (its approach)
    return bool(CONTEXT_PART.match(title) or _is_review(title))


def _is_review(title: str) -> bool:
    """A past year's review (2024年主要工作及成效, 过去一年工作回顾)."""
    return bool(REVIEW_PART.match(title))


def _is_task_part(title: str) -> bool:
    if len(title) > 12 or _is_review(title):
        return False
    return bool(TASK_PART.search(title) or PLAN_PART.match(title))


def parse_text(
    text: str,
    source: str = "<text>",
    sha256: str = "",
    encoding: str = "utf-8",
    meta: dict[str, str] | None = None,
) -> Plan:
    """Parse decoded plan text.

    Parameters
    ----------
    text : str
        Decoded text with ``\\n`` line ends (see :func:`compare.io.decode_bytes`).
    source : str
        File name recorded in the plan (not used to parse).
    sha256 : str
        Hash of the raw bytes; computed from ``text`` when empty.
    encoding : str
        Recorded only.
    meta : dict, optional
        Facts from outside the text (a portal's info table: ``doc_number``,
        ``issuer``, ``issue_date``); the text wins where it has its own.

    Returns
    -------
    Plan

    Examples
    --------
    >>> p = parse_text("2025年某某区卫生健康工作要点\\n一、基层\\n1. 做实家庭医生。签约。\\n")
    >>> p.document.district, p.document.year, len(p.tasks)
    ('某某', 2025, 1)
    """
    import hashlib

    if not sha256:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    a = _Assembler(text, sha256[:12])
    C = a.C
    first_num = next((i for i, ln in enumerate(C) if numbering_of(ln.text)), len(C))
    # a page from a web portal: the plan's own title follows the chrome
    top = a.portal_end(first_num)
    span = a.locate_title(first_num, top) or (a.locate_title(first_num) if top else None)
    body_start = max(span[1] + 1 if span else 0, top)
    if span is None:  # a notice naming the plan, and no title line of the plan's own
        body_start = a.notice_end(first_num, top)
    while span and body_start < len(C) and SUBTITLE.match(C[body_start].text):
        # (2024年2月5日经党组会议审议通过), (征求意见稿): the title's own qualifier
        a.add_block("metadata", [C[body_start]], role="subtitle")
        a.meta.setdefault("subtitle_date", find_date(C[body_start].text) or "")
        body_start += 1
    if span and span[0] == span[1]:
        # a PDF's running header: the title again at the top of every page
        key = WS.sub("", C[span[0]].text)
        a.set_aside(
            {i for i in range(body_start, len(C)) if WS.sub("", C[i].text) == key}, "header"
        )
        C = a.C
        first_num = next((i for i, ln in enumerate(C) if numbering_of(ln.text)), len(C))
    a.read_preamble(span[0] if span else body_start)
    title = a.meta.get("title_from_notice") if span is None else None
    if span:
        title_lines = C[span[0] : span[1] + 1]
        a.add_block("metadata", title_lines, role="title")
        # an OCR-misread title line: the notice spells the plan's name
        title = a.meta.get("title_from_notice") or "".join(ln.text for ln in title_lines)
        a.read_preamble(top, span[1] + 1)  # chrome after a page title
    body_end = a.read_closing(body_start, first_num)
    heads = a.p.find_headings(body_start, body_end)
    intro = C[body_start : heads[0].idx if heads else body_end]
    # a plan without numbered headings whose body lists its tasks inline (重点抓好以下
    # 工作：一是……；二是……；三是……) or as 【】-led paragraphs: those are its tasks
    pieces = [(ln.no, ln.text, bold_lead(ln), a.p.ends_paragraph(ln)) for ln in intro]
    if not heads and len(a._items(pieces)[2]) >= 3:
        a.emit_inline(pieces, None, "", False, kind="intro")
    else:
        a.add_block("intro", intro)
    a.read_intro(intro)
    a.mark_parts(heads)
    a.emit(heads, a.task_level(heads, body_end), body_end)
    for key in ("doc_number", "issuer", "issue_date"):
        if (meta or {}).get(key):
            a.meta.setdefault(key, meta[key])
    plan = Plan(
        doc_id=a.doc_id,
        source=source,
        sha256=sha256,
        encoding=encoding,
        document=document_of(a.meta, title),
        sections=a.sections,
        tasks=a.tasks,
        unassigned=sorted(a.blocks, key=lambda b: b.line_start),
        content=content_chars(text),
        n_lines=len(a.p.lines),
    )
    if not plan.tasks:
        warnings.warn(f"{source}: no numbered tasks recognised", NoTasksWarning, stacklevel=2)
    return plan


def parse_plan(path_or_text: str | Path | bytes, *, source: str | None = None) -> Plan:
    """Parse a plan from a file path, raw bytes or text.

    Parameters
    ----------
    path_or_text : str, pathlib.Path or bytes
        A path to a plan file (decoded with :func:`compare.io.read_plan_file`),
        the file's bytes, or its text. A ``str`` is taken for a path when it
        is one line naming an existing file, else for the text itself.
    source : str, optional
        Name to record; defaults to the file name.

    Returns
    -------
    Plan

    Raises
    ------
    compare.exceptions.PlanInputError
        Missing, empty, binary or undecodable input.

    Examples
    --------
    >>> from compare import config
    >>> plan = parse_plan(config.RAW_DIR / "songjiang_2026_work_points.txt")
    >>> plan.document.doc_number, len(plan.sections), len(plan.tasks)
    ('沪松卫〔2026〕26号', 5, 22)
    """
    from compare.extract import extract_bytes  # any format: PDF, Word, portal page, scan

    if isinstance(path_or_text, bytes):
        data, name = path_or_text, source or "<bytes>"
    elif isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str)
        and "\n" not in path_or_text
        and len(path_or_text) < 4096
        and Path(path_or_text).is_file()
    ):
        data, name = read_plan_bytes(path_or_text), source or Path(path_or_text).name
    elif (
        isinstance(path_or_text, str)
        and "\n" not in path_or_text
        and re.search(r"\.(txt|md|pdf|docx?|wps|html?)$", path_or_text, re.I)
    ):
        read_plan_bytes(path_or_text)  # raises "no such file"
        raise AssertionError("unreachable")  # pragma: no cover
    else:
        return parse_text(str(path_or_text), source=source or "<text>")
    ex = extract_bytes(
        data, name=str(path_or_text) if not isinstance(path_or_text, bytes) else name
    )
    return parse_text(ex.text, source=name, sha256=ex.sha256, encoding=ex.encoding, meta=ex.meta)
