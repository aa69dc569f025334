"""Parse a Chinese health-commission plan into metadata, sections and tasks.

The parser reads the genre, not particular files:

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
  informal relatives, ranked ``第X章`` < ``一、`` < ``（一）`` < ``1.``/``1、`` <
  ``（1）`` < ``一是`` < ``①``; the levels a document uses are compressed to
  1, 2, 3…. A numbered line must continue its sequence (next number, or a
  restart at 1) to count, so figures that happen to start a line do not.
* **Tasks.** If a part is titled as the task part (主要任务, 重点任务…), only it
  yields tasks; parts titled as context (发展基础, 面临形势, 基本原则, 发展目标,
  保障措施…) never do. Within the task-bearing parts, the task level is the
  deepest level whose items carry their own text and that occurs under most of
  its parents; shallower levels are sections, deeper numbering stays inside
  the task text. Items written inline (``一是……；二是……``) in the paragraph of
  a section-rank heading without deeper numbering are the tasks; a numbered
  item with no text of its own, or one in a context part, is not a task.
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

import difflib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from compare.grammar import (
    ATTACHMENT,
    CLOSE_QUOTES,
    CLOSING,
    CN,
    CONTEXT_PART,
    DATE,
    DATE_LINE,
    DISTRICT,
    FYP,
    LETTERHEAD,
    NOT_A_NAME,
    NOTICE,
    NOTICE_LINE,
    ORG_LINE,
    PUBLICITY,
    SUBTITLE,
    TASK_PART,
    TERMINAL,
    TITLE_END,
    WS,
    YEAR_RANGE,
    Line,
    Num,
    box_spans,
    clean_line,
    cn_to_int,
    content_chars,
    display_width,
    district_of,
    find_date,
    find_district,
    find_province,
    fyp_period,
    indent_of,
    info_date,
    info_fields,
    is_chrome,
    kind_of_title,
    normalise_doc_number,
    numbering_of,
    plan_year_of,
    squash_spaces,
    year_of,
)
from compare.io import read_plan_bytes
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
PARSER_VERSION = "1.5.2"


# --------------------------------------------------------------------------- parsing


@dataclass
class _Heading:
    idx: int  # index into the content-line list
    num: Num
    level: int = 0
    parent: int | None = None  # index into headings
    excluded: bool = False  # inside a context part
    in_task_part: bool = True
    children: list[int] = field(default_factory=list)


def _opens_list_under(prev: Line, num: Num, last: int) -> bool:
    """The next item of a list right after a higher-ranked heading that fills the line
    (a full-width PDF heading, not a wrapped body line ending at the page edge)."""
    above = numbering_of(prev.text)
    return above is not None and above.rank < num.rank and num.value in (1, last + 1)


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = [clean_line(i, r) for i, r in enumerate(text.split("\n"), start=1)]
        self.content = [ln for ln in self.lines if not ln.artefact]
        measured = [(display_width(ln.text), ln.text[-1:]) for ln in self.content]
        widths = sorted(w for w, _ in measured)
        self.page_width = 0
        if len(widths) >= 20:
            w = widths[int(len(widths) * 0.9)]
            near = [last for x, last in measured if w * 0.8 <= x <= w * 1.1]
            mid_sentence = sum(1 for last in near if last not in TERMINAL)
            # PDF text: most lines end at the page edge, and mostly mid-sentence
            if len(near) >= 0.4 * len(widths) and mid_sentence >= 0.5 * len(near):
                self.page_width = w

    # -- wraps ------------------------------------------------------------

    def _full(self, ln: Line) -> bool:
        return bool(self.page_width) and display_width(ln.text) >= self.page_width * 0.9

    def _ends_paragraph(self, ln: Line) -> bool:
        last = ln.text.rstrip()[-1:]
        if self.page_width:
            if self._full(ln):
                return False
            return (
                last in TERMINAL
                or last in CLOSE_QUOTES
                or display_width(ln.text) < self.page_width * 0.75
            )
        if last in TERMINAL:
            return True
        if last in CLOSE_QUOTES:
            return len(ln.text) < 30
        return False

    @staticmethod
    def _join(a: str, b: str) -> str:
        if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
            return a + " " + b
        return a + b

    def paragraphs(self, lines: list[Line]) -> str:
        """Join content lines into text: hard wraps joined, paragraphs by "\\n"."""
        out: list[str] = []
        cur = ""
        for i, ln in enumerate(lines):
            cur = self._join(cur, ln.text) if cur else ln.text
            if i == len(lines) - 1 or self._ends_paragraph(ln):
                out.append(cur)
                cur = ""
        return "\n".join(out)

    # -- structure --------------------------------------------------------

    def find_headings(self, start: int, stop: int) -> list[_Heading]:
        """Numbered lines in content[start:stop] that continue their sequence."""
        heads: list[_Heading] = []
        last_by_style: dict[str, int] = {}
        for i in range(start, stop):
            ln = self.content[i]
            num = numbering_of(ln.text)
            if num is None:
                continue
            prev_line = self.content[i - 1] if i > start else None
            if (
                self.page_width
                and prev_line is not None
                and self._full(prev_line)
                and prev_line.text[-1:] not in TERMINAL
                and not ln.bold
                and num.rank >= 3
                and not _opens_list_under(prev_line, num, last_by_style.get(num.style, 0))
            ):
                continue  # a wrapped line that happens to start with a figure
            if num.style == "cn_shi" and self._inline_follows(i, stop, num.value):
                continue  # 一是……；二是…… in one paragraph: inline items, not a heading
            last = last_by_style.get(num.style, 0)
            if num.value != 1 and not last < num.value <= last + 3:
                continue  # out of sequence (a small gap is tolerated: a missed item)
            last_by_style[num.style] = num.value
            heads.append(_Heading(i, num))
        # ranks in use → levels 1, 2, 3…
        ranks = sorted({h.num.rank for h in heads})
        level_of = {r: i + 1 for i, r in enumerate(ranks)}
        stack: list[int] = []
        for k, h in enumerate(heads):
            h.level = level_of[h.num.rank]
            while stack and heads[stack[-1]].level >= h.level:
                stack.pop()
            if stack:
                h.parent = stack[-1]
                heads[stack[-1]].children.append(k)
            stack.append(k)
        return heads

    def _inline_follows(self, i: int, stop: int, value: int) -> bool:
        """Whether the paragraph opening at line i goes on to the next inline item."""
        text = ""
        for ln in self.content[i:stop]:
            if text and numbering_of(ln.text):
                break
            text += ln.text
            if self._ends_paragraph(ln) and ln.text[-1:] not in "；;，,：:":
                break
        return any(n == value + 1 for *_, n in _inline_spans(text))

    def heading_end(self, heads: list[_Heading], k: int, stop: int) -> int:
        """Index after the heading's own line(s) (wrapped headings included)."""
        h = heads[k]
        nxt = heads[k + 1].idx if k + 1 < len(heads) else stop
        j = h.idx + 1
        ln = self.content[h.idx]
        if ln.bold and ln.text != ln.bold:
            return j  # bold title with body on the same line
        if re.search(r"[。：:；;！？!?]", h.num.rest[:-1]):
            return j  # the title ends within the line; the rest is body
        # a heading continues while its line runs to the page edge (PDF) or
        # ends in a clause separator, onto short lines without sentence ends
        while j < nxt:
            cur = self.content[j - 1]
            last = cur.text[-1:]
            nxt_line = self.content[j]
            tail = (
                len(nxt_line.text) <= 10
                and nxt_line.text[-1:] not in TERMINAL
                and numbering_of(nxt_line.text) is None
                and last not in TERMINAL
            )  # a short remnant such as "建设" on its own line
            cont = self._full(cur) or last in "，、—-（(《“" or tail
            if not cont or indent_of(nxt_line.raw) >= indent_of(cur.raw) + 4:
                break  # (an indented line opens the body's first paragraph)
            if len(cur.text) > 60 and not self.page_width:
                break
            j += 1
        return j

    def direct_text(self, heads: list[_Heading], k: int, stop: int) -> str:
        """Text of heading k beyond its title: same-line body plus own lines."""
        h = heads[k]
        end = heads[k + 1].idx if k + 1 < len(heads) else stop
        first = h.num.rest
        title, body = _split_title(first, self.content[h.idx].bold, h.num)
        same_line = body
        lines = self.content[self.heading_end(heads, k, stop) : end]
        return same_line + "".join(ln.text for ln in lines)


def _split_title(rest: str, bold: str, num: Num) -> tuple[str, str]:
    """Split the text after a number into (title, body) on the same line."""
    if bold:
        b = bold
        nb = numbering_of(b)
        if nb is not None:
            b = nb.rest
        if rest.startswith(b):
            return b, rest[len(b) :]
    m = re.search(r"[。：:；;！？!?]", rest)
    if m:
        return rest[: m.end()], rest[m.end() :]
    return rest, ""


def _clean_title(title: str) -> str:
    t = title.strip().rstrip("。：:；;，,！？!? ")
    if len(t) > 40:
        comma = t.find("，")
        t = t[:comma] if 0 < comma <= 40 else t[:40] + "…"
    return t


def _info_value_line_of(key_line: str, value_line: str) -> bool:
    """A key-only information-table line followed by its value line."""
    fields = info_fields(key_line)
    return (
        bool(fields)
        and not fields[-1][1]
        and len(value_line) <= 60
        and _preamble_role(value_line) not in ("info", "chrome")
    )


def _preamble_role(t: str) -> str:
    """Role of a preamble line, '' for ordinary notice text."""
    flat = WS.sub("", t)
    if info_fields(t):
        return "info"
    if is_chrome(t):
        return "chrome"
    if normalise_doc_number(t):
        return "doc_number"
    if LETTERHEAD.match(flat):
        return "letterhead"
    if DATE_LINE.match(flat):
        return "date"
    if ORG_LINE.match(flat):
        return "issuer"
    if ATTACHMENT.match(flat):
        return "attachment"
    return ""


class _Assembler:
    """Assigns every content line of a plan to exactly one unit."""

    def __init__(self, text: str, doc_id: str) -> None:
        self.p = _Parser(text)
        self.doc_id = doc_id
        self.blocks: list[Block] = []
        # boxes (专栏) are set aside first: their numbered project lists are not tasks,
        # and a task's text ends where a box begins
        content = self.p.content
        boxed: set[int] = set()
        for a, b in box_spans([ln.text for ln in content]):
            box = content[a:b]
            self.add_block("box", box, text="\n".join(ln.text for ln in box))
            boxed.update(range(a, b))
        if boxed:
            self.p.content = [ln for i, ln in enumerate(content) if i not in boxed]
        self.C = self.p.content
        self.meta: dict[str, str] = {}
        self.sections: list[Section] = []
        self.tasks: list[Task] = []
        self.title_span: tuple[int, int] | None = None

    def add_block(
        self,
        kind: str,
        lines: list[Line],
        role: str = "",
        section: str | None = None,
        text: str | None = None,
    ) -> None:
        if lines:
            body = text if text is not None else self.p.paragraphs(lines)
            self.blocks.append(
                Block(kind, body, lines[0].no, lines[-1].no, role=role, section=section)
            )

    # -- the document's title -------------------------------------------------

    def locate_title(self, first_num: int, start: int = 0) -> tuple[int, int] | None:
        """Span (first, last) of the plan's title lines before the first heading.

        With a ``关于印发《X》的通知`` preamble the title is the last line(s)
        spelling X; otherwise the first short line ending in the name of a
        plan genre (规划, 要点, 计划…), joined with a short line before it
        when the title is wrapped. Lines before ``start`` and portal chrome
        are not searched.
        """
        C, n = self.C, min(first_num, len(self.C))
        notice = NOTICE.search("".join(ln.text for ln in C[start : min(len(C), start + 40)]))
        span = None
        if notice:
            key = WS.sub("", notice.group(1) or notice.group(2))
            for i in range(start, n):
                one = WS.sub("", C[i].text)
                two = one + (WS.sub("", C[i + 1].text) if i + 1 < n else "")
                if one == key or (one.startswith(key) and len(one) <= len(key) + 2):
                    span = (i, i)
                elif two == key:
                    span = (i, i + 1)
            if span:
                return span
            # OCR: a title line one or two characters off the notice's 《X》 (要操 for 要点)
            # (and OCR may run the title into the first words of the next line)
            for i in range(start, n):
                one = WS.sub("", C[i].text)
                head = one[: len(key)]
                if (
                    len(key) >= 8
                    and len(key) - 2 <= len(one) <= len(key) + 8
                    and not NOTICE_LINE.match(C[i].text)
                    and "《" not in one
                    and difflib.SequenceMatcher(None, head, key).ratio() >= 0.85
                ):
                    # the better spelling: the one that ends in a genre word
                    self.meta["title_from_notice"] = head if TITLE_END.search(head) else key
                    span = (i, i)
            if span:
                return span
        seen = 0
        for i in range(start, n):
            t = C[i].text
            if info_fields(t) or is_chrome(t):
                continue  # portal chrome does not count towards the opening lines
            seen += 1
            if seen > 15:
                break
            if (
                TITLE_END.search(t)
                and len(t) <= 60
                and not NOTICE_LINE.match(t)
                and not self.p._full(C[i])
                and "。" not in t
            ):
                prev = C[i - 1].text if i > start else ""
                if (
                    prev
                    and len(prev) <= 20
                    and not _preamble_role(prev)
                    and prev[-1:] not in TERMINAL
                    and "，" not in prev
                ):
                    return (i - 1, i)
                return (i, i)
        return None

    def portal_end(self, first_num: int) -> int:
        """Index after the last line of portal chrome or information table at the top."""
        end = 0
        for i in range(min(first_num, len(self.C), 60)):
            if _preamble_role(self.C[i].text) in ("info", "chrome"):
                end = i + 1 + self._info_value_line(i)
        return end

    def _info_value_line(self, i: int) -> int:
        """1 when info line i is a key without its value and the next line is the value."""
        fields = info_fields(self.C[i].text)
        if not fields or fields[-1][1] or i + 1 >= len(self.C):
            return 0
        nxt = self.C[i + 1].text
        return int(
            len(nxt) <= 60
            and _preamble_role(nxt) not in ("info", "chrome")
            and numbering_of(nxt) is None
        )

    def read_info(self, fields: list[tuple[str, str]]) -> None:
        """Feed the fields of a portal information table to the metadata."""
        for key, value in fields:
            if not value:
                continue
            if key in ("文号", "发文字号"):
                number = normalise_doc_number(value)
                if number:
                    self.meta.setdefault("doc_number", number)
            elif key in ("发布机构", "发文机关", "发文机构", "发文单位", "发布单位", "所属机构"):
                self.meta.setdefault("info_issuer", WS.sub("", value))
            elif key in ("信息来源", "文章来源", "来源"):
                self.meta.setdefault("info_source", WS.sub("", value))
            elif key in ("成文日期", "发文日期", "印发日期"):
                iso = info_date(value)
                if iso:
                    self.meta.setdefault("info_date", iso)
            elif key in ("名称", "标题", "信息名称"):
                self.meta.setdefault("info_title", WS.sub("", value))

    def read_preamble(self, end: int, start: int = 0) -> None:
        """Classify the lines before the title: metadata, notice text, attachments."""
        C, i, run = self.C, start, []

        def flush() -> None:
            self.add_block("preamble", run[:])
            run.clear()

        while i < end:
            ln, t = C[i], C[i].text
            if (
                NOTICE_LINE.match(t)
                and not _preamble_role(t)
                and ("通知" in t or (i + 1 < end and "通知" in C[i + 1].text))
            ):
                lines = [ln] if "通知" in t else [ln, C[i + 1]]
                flush()
                self.add_block("metadata", lines, role="notice_title")
                i += len(lines)
                continue
            role = _preamble_role(t)
            if role == "info":
                flush()
                extra = self._info_value_line(i) if i + 1 < end else 0
                fields = info_fields(t) or []
                if extra:
                    fields[-1] = (fields[-1][0], C[i + 1].text)
                self.read_info(fields)
                self.add_block("metadata", C[i : i + 1 + extra], role="info")
                i += 1 + extra
                continue
            if role == "doc_number":
                self.meta.setdefault("doc_number", normalise_doc_number(t) or "")
            elif role == "letterhead":
                self.meta.setdefault("letterhead", WS.sub("", t)[:-2])
            elif role == "date":
                iso = find_date(t)
                if iso:
                    self.meta.setdefault("issue_date", iso)
            elif role == "issuer":
                self.meta.setdefault("issuer", WS.sub("", t))
            if role:
                flush()
                self.add_block(
                    "attachment" if role == "attachment" else "metadata",
                    [ln],
                    role="" if role == "attachment" else role,
                )
            else:
                run.append(ln)
            i += 1
        flush()

    def read_closing(self, body_start: int, first_num: int) -> int:
        """Closing lines (signature, date, 抄送) and trailing attachments; returns body end."""
        C = self.C
        j = len(C) - 1
        closing: list[tuple[int, str]] = []
        while j >= body_start:
            t = WS.sub("", C[j].text)
            role = _preamble_role(C[j].text)
            if role in ("info", "chrome"):
                closing.append((j, role))
            elif j > body_start and _info_value_line_of(C[j - 1].text, C[j].text):
                closing += [(j, "info"), (j - 1, "info")]
                j -= 1
            elif DATE_LINE.match(t):
                closing.append((j, "date"))
            elif ORG_LINE.match(t) and len(t) <= 30:
                closing.append((j, "issuer"))
            elif CLOSING.match(t) or PUBLICITY.match(t) or t in ("特此通知", "特此通知。"):
                closing.append((j, ""))
            else:
                break
            j -= 1
        body_end = j + 1 if closing else len(C)
        for k in range(max(body_start, first_num + 1), body_end):
            if ATTACHMENT.match(WS.sub("", C[k].text)):
                self.add_block("attachment", C[k:body_end])
                body_end = k
                break
        for k, role in sorted(closing):
            t = C[k].text
            if role in ("info", "chrome"):
                if role == "info":
                    self.read_info(info_fields(t) or [])
                self.add_block("metadata", [C[k]], role=role)
                continue
            if role == "date":
                iso = find_date(t)
                if iso:
                    self.meta.setdefault("closing_date", iso)
                org = ORG_LINE.match(WS.sub("", DATE.split(t)[0]))
                if org:
                    self.meta.setdefault("closing_issuer", org.group(0))
            elif role == "issuer":
                self.meta.setdefault("closing_issuer", WS.sub("", t))
            self.add_block("closing", [C[k]], role=role)
        return body_end

    def read_intro(self, lines: list[Line]) -> None:
        """Hints from the opening paragraph when the header is missing or silent.

        ``2025年是…`` / ``2025年，…`` gives the year; ``XX区卫生健康…`` the
        district; ``制定本要点`` / ``工作计划如下`` / ``制定本规划`` the kind.
        """
        if not lines:
            return
        first = WS.sub("", self.p.paragraphs(lines).split("\n")[0])
        m = re.match(r"(\d{4}|[〇○零一二三四五六七八九]{4})年(?![底末初前后\d])", first)
        if m:
            self.meta["intro_year"] = str(year_of(m.group(0)))
        for d in DISTRICT.finditer(first):
            if d.group(1).startswith(NOT_A_NAME) or not first[d.end() :].startswith(
                ("卫生", "卫健")
            ):
                continue
            self.meta["intro_district"] = d.group(1)
            break
        genre = re.search(
            r"(?:制定|印发|形成|编制)本(?:工作)?(要点|计划|规划)|(?:工作)?(要点|计划)如下", first
        )
        if genre:
            word = genre.group(1) or genre.group(2)
            if word == "规划":
                if FYP.search(first):
                    self.meta["intro_kind"] = "five_year_plan"
            else:
                self.meta["intro_kind"] = (
                    "medical_admin_points" if "医政" in first else "work_points"
                )

    # -- structure --------------------------------------------------------------

    def mark_parts(self, heads: list[_Heading]) -> None:
        """Flag headings inside context parts, and those inside the task part."""
        titles = [
            _clean_title(_split_title(h.num.rest, self.C[h.idx].bold, h.num)[0]) for h in heads
        ]
        task_part_exists = any(
            _is_task_part(t) for t, h in zip(titles, heads, strict=True) if h.level <= 2
        )
        for h, title in zip(heads, titles, strict=True):
            parent = heads[h.parent] if h.parent is not None else None
            h.excluded = (parent.excluded if parent else False) or _is_context_part(title)
            h.in_task_part = (
                parent.in_task_part if parent else not task_part_exists
            ) or _is_task_part(title)

    def task_level(self, heads: list[_Heading], body_end: int) -> int | None:
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
                led = self._leads(heads, above, body_end, bare=True)
                if led >= 0.6 and self._leads(heads, items, body_end) < 0.3:
                    continue  # sub-points of tasks that open with a sentence of their own
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

    def _leads(
        self, heads: list[_Heading], items: list[int], body_end: int, bare: bool = False
    ) -> float:
        """Share of the items that open with a lead sentence followed by text of their
        own (or, with ``bare``, that at least open with a sentence: ``推进X。``)."""
        if not items:
            return 0.0
        n = 0
        for k in items:
            h = heads[k]
            title, _ = _split_title(h.num.rest, self.C[h.idx].bold, h.num)
            if title.rstrip()[-1:] in "。！？!?" and (
                bare or len(self.p.direct_text(heads, k, body_end)) >= 2
            ):
                n += 1
        return n / len(items)

    def _holds_inline(self, heads: list[_Heading], k: int, body_end: int) -> bool:
        end = heads[k + 1].idx if k + 1 < len(heads) else body_end
        return self.inline_items(heads, k, end)

    def _carries_text(self, heads: list[_Heading], k: int, body_end: int) -> bool:
        """A heading item with text of its own, or one that is itself a sentence."""
        if len(self.p.direct_text(heads, k, body_end)) >= 2:
            return True
        return heads[k].num.rest.rstrip()[-1:] in "。；;"

    def emit(self, heads: list[_Heading], task_level: int | None, body_end: int) -> None:
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
            if task_level is not None and h.level == task_level and not inline:
                bare = (
                    not h.children
                    and p.heading_end(heads, k, end) == h.idx + 1
                    and not self._carries_text(heads, k, body_end)
                )
                if h.excluded or not h.in_task_part or bare:
                    # a numbered item in a context part (principles, targets),
                    # or a bare heading without text of its own
                    # a numbered item in a context part (principles, targets)
                    text = h.num.label + p.paragraphs([first] + own[1:])
                    self.add_block("list_item", own, section=parent_id, text=text)
                    continue
                title, _ = _split_title(h.num.rest, ln.bold, h.num)
                if title == h.num.rest and p._full(
                    ln
                ):  # a PDF heading wrapped onto the next line(s)
                    hend = p.heading_end(heads, k, end)
                    title += "".join(x.text for x in own[1 : hend - h.idx])
                self.tasks.append(
                    Task(
                        id=f"{self.doc_id}-t{len(self.tasks) + 1:03d}",
                        section=parent_id,
                        number=h.num.label,
                        ordinal=h.num.value,
                        title=_clean_title(title),
                        text=p.paragraphs([first] + own[1:]),
                        line_start=own[0].no,
                        line_end=own[-1].no,
                        section_path=paths.get(parent, "") if parent is not None else "",
                    )
                )
                continue
            hend = p.heading_end(heads, k, end)
            head_lines = C[h.idx : hend]
            heading = h.num.rest + "".join(x.text for x in head_lines[1:])
            title, same_line_body = _split_title(heading, ln.bold, h.num)
            sid = f"{self.doc_id}-s{len(self.sections) + 1:02d}"
            sec_ids[k] = sid
            clean = _clean_title(title)
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
                self.emit_inline(self._body_pieces(heads, k, end), sid, paths[k])
                continue
            if same_line_body.strip():
                self.blocks.append(Block("section_text", same_line_body, ln.no, ln.no, section=sid))
            self.add_block("section_text", C[hend:end], section=sid)

    def inline_items(self, heads: list[_Heading], k: int, end: int) -> bool:
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
        return len(self._items(self._body_pieces(heads, k, end))[2]) >= 2

    def _body_pieces(self, heads: list[_Heading], k: int, end: int) -> list[tuple[int, str, str]]:
        """(line number, text, bold lead) of a section heading's body: same-line text, then its lines."""
        h, C = heads[k], self.C
        hend = self.p.heading_end(heads, k, end)
        heading = h.num.rest + "".join(x.text for x in C[h.idx + 1 : hend])
        _, same_line_body = _split_title(heading, C[h.idx].bold, h.num)
        pieces = [(C[h.idx].no, same_line_body, "")] if same_line_body.strip() else []
        return pieces + [(x.no, x.text, _bold_lead(x)) for x in C[hend:end]]

    def _joined(self, pieces: list[tuple[int, str, str]]) -> tuple[str, list[int], dict[int, str]]:
        """Pieces joined as paragraphs, with the line number of every character and
        the bold leads that open a paragraph (by offset)."""
        text, line_of, bold = "", [], {}
        for k, (no, piece, lead) in enumerate(pieces):
            sep = ""
            if k and self.p._ends_paragraph(Line(0, "", pieces[k - 1][1], "", False)):
                sep = "\n"
            elif text and len(self.p._join(text, piece)) > len(text) + len(piece):
                sep = " "
            text += sep
            line_of += [no] * len(sep)
            if lead and (not text or text.endswith("\n")):
                bold[len(text)] = lead
            text += piece
            line_of += [no] * len(piece)
        return text, line_of, bold

    def _items(
        self, pieces: list[tuple[int, str, str]]
    ) -> tuple[str, list[int], list[tuple[int, int, str, int, str]]]:
        """The joined text, its line numbers and its unnumbered items: lead paragraphs
        when there are two or more, else inline 一是/二是 items."""
        text, line_of, bold = self._joined(pieces)
        spans = _lead_spans(text, bold)
        if len(spans) < 2:
            spans = [(a, b, label, n, "") for a, b, label, n in _inline_spans(text)]
        return text, line_of, spans

    def emit_inline(self, pieces: list[tuple[int, str, str]], sid: str, path: str) -> None:
        """Tasks from the unnumbered items of a section's text; other text stays section text."""
        text, line_of, spans = self._items(pieces)

        def block(a: int, b: int) -> None:
            chunk = text[a:b]
            if chunk.strip():
                lo = a + (len(chunk) - len(chunk.lstrip()))
                hi = b - (len(chunk) - len(chunk.rstrip())) - 1
                self.blocks.append(
                    Block("section_text", chunk.strip(), line_of[lo], line_of[hi], section=sid)
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
                    title=_clean_title(title),
                    text=body.strip(),
                    line_start=line_of[start],
                    line_end=line_of[stripped],
                    section_path=path,
                )
            )
            pos = stop
        block(pos, len(text))


def _bold_lead(ln: Line) -> str:
    """The bold lead of an unnumbered line (``**推进医联体建设。**……``), else ''."""
    lead = ln.bold and ln.text.startswith(ln.bold) and len(ln.bold) <= 40 and ln.bold != ln.text
    return ln.bold if lead and numbering_of(ln.bold) is None else ""


#: A paragraph that opens with its title in lenticular brackets: 【推进医联体建设】…
_BRACKET_LEAD = re.compile(r"^【([^【】。\n]{2,40})】(?=\S)")


def _lead_spans(text: str, bold: dict[int, str]) -> list[tuple[int, int, str, int, str]]:
    """(start, stop, label, ordinal, title) of the paragraphs that open with a lead.

    A lead is a title in 【】 or a bold span at the paragraph's start; an item
    runs to the next lead paragraph (its further paragraphs included). Items
    are unnumbered: the label is empty and the ordinal counts them.

    >>> [(t, n) for *_, n, t in _lead_spans("总述。\\n【扩面】签约。\\n【提质】做实。", {})]
    [('扩面', 1), ('提质', 2)]
    """
    starts: list[tuple[int, str]] = []
    offset = 0
    for para in text.split("\n"):
        m = _BRACKET_LEAD.match(para)
        if m:
            starts.append((offset, m.group(1)))
        elif offset in bold:
            starts.append((offset, bold[offset]))
        offset += len(para) + 1
    if len(starts) < 2:
        return []
    bounds = [a for a, _ in starts[1:]] + [len(text)]
    return [
        (a, b, "", n, title)
        for n, ((a, title), b) in enumerate(zip(starts, bounds, strict=True), start=1)
    ]


#: An item written inline: 一是…；二是…, after the start of a paragraph or a
#: clause boundary (not 统一是, 这一是).
_INLINE_ITEM = re.compile(
    rf"(?:^|(?<=[。；;：:，,！？!?\n]))(?:({CN})是(?![否非])|第({CN})[，,、：:](?!\d))"
)


def _inline_spans(text: str) -> list[tuple[int, int, str, int]]:
    """(start, stop, label, value) of the 一是/二是… (or 第一，/第二，…) items in one text.

    Items must run 一, 二, 三… within a paragraph, in one of the two forms; an
    item ends where the next begins or at the end of its paragraph.

    >>> [(t[:2], n) for a, b, t, n in _inline_spans("为此，一是扩面；二是提质。\\n同时")]
    [('一是', 1), ('二是', 2)]
    >>> [t for a, b, t, n in _inline_spans("第一，扩面；第二，提质。")]
    ['第一，', '第二，']
    """
    spans: list[tuple[int, int, str, int]] = []
    offset = 0
    for para in text.split("\n"):
        by_form: dict[int, list[tuple[int, str, int]]] = {1: [], 2: []}
        for m in _INLINE_ITEM.finditer(para):
            form = 1 if m.group(1) else 2
            value = cn_to_int(m.group(form))
            if value == len(by_form[form]) + 1:
                by_form[form].append((m.start(), m.group(0), value))
        found = by_form[1] if len(by_form[1]) >= 2 else by_form[2]
        if len(found) >= 2:
            bounds = [f[0] for f in found[1:]] + [len(para)]
            for (start, label, value), stop in zip(found, bounds, strict=True):
                spans.append((offset + start, offset + stop, label, value))
        offset += len(para) + 1
    return spans


def _is_context_part(title: str) -> bool:
    return len(title) <= 16 and bool(CONTEXT_PART.match(title))


def _is_task_part(title: str) -> bool:
    return len(title) <= 12 and bool(TASK_PART.search(title))


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
    while span and body_start < len(C) and SUBTITLE.match(C[body_start].text):
        # (2024年2月5日经党组会议审议通过), (征求意见稿): the title's own qualifier
        a.add_block("metadata", [C[body_start]], role="subtitle")
        a.meta.setdefault("subtitle_date", find_date(C[body_start].text) or "")
        body_start += 1
    a.read_preamble(span[0] if span else top)
    title = None
    if span:
        title_lines = C[span[0] : span[1] + 1]
        a.add_block("metadata", title_lines, role="title")
        # an OCR-misread title line: the notice spells the plan's name
        title = a.meta.get("title_from_notice") or "".join(ln.text for ln in title_lines)
        a.read_preamble(top, span[1] + 1)  # chrome after a page title
    body_end = a.read_closing(body_start, first_num)
    heads = a.p.find_headings(body_start, body_end)
    intro = C[body_start : heads[0].idx if heads else body_end]
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
        document=_document(a.meta, title),
        sections=a.sections,
        tasks=a.tasks,
        unassigned=sorted(a.blocks, key=lambda b: b.line_start),
        content=content_chars(text),
        n_lines=len(a.p.lines),
    )
    if not plan.tasks:
        warnings.warn(f"{source}: no numbered tasks recognised", NoTasksWarning, stacklevel=2)
    return plan


def _document(meta: dict[str, str], title: str | None) -> Document:
    title = squash_spaces(title) if title else None
    if title:
        title = WS.sub("", title) if not re.search(r"[A-Za-z]\s+[A-Za-z]", title) else title
    # a portal's information table names the issuer better than a site name above it
    source = meta.get("info_source", "")
    issuer = (
        meta.get("info_issuer")
        or (source if ORG_LINE.match(source) else None)
        or meta.get("issuer")
        or meta.get("closing_issuer")
        or meta.get("letterhead")
    )
    if not issuer and title:
        # 某某区卫生健康委员会2024年工作要点: the title opens with its issuer
        m = re.match(
            r"[\u4e00-\u9fff]{2,30}?(?:卫生健康委员会|卫生健康局|卫生和计划生育委员会)", title
        )
        issuer = m.group(0) if m else None
    if issuer and issuer.endswith("委员会办公室"):
        issuer = issuer.removesuffix("办公室")
    kind = kind_of_title(title or "")
    if kind == "other" and not title:
        kind = meta.get("intro_kind", "other")
    year = period_start = period_end = None
    if kind == "five_year_plan":
        m = FYP.search(title or "")
        period = fyp_period(m.group(1)) if m else None
        if period is None:
            r = YEAR_RANGE.search(title or "")
            period = (int(r.group(1)), int(r.group(2))) if r else None
        if period:
            period_start, period_end = period
    else:
        r = YEAR_RANGE.search(title or "")
        if r:
            period_start, period_end = int(r.group(1)), int(r.group(2))
        else:
            year = plan_year_of(title or "")
            if year is None and meta.get("intro_year"):
                year = int(meta["intro_year"])  # "2025年是…" opens the plan
    issue_date = (
        meta.get("info_date")
        or meta.get("issue_date")
        or meta.get("closing_date")
        or meta.get("subtitle_date")
        or None
    )
    if year is None and period_start is None and kind in ("work_points", "medical_admin_points"):
        # an annual plan whose title omits the year: the year it was issued in
        # (document number first, then the issue date)
        m = re.search(r"〔(\d{4})〕", meta.get("doc_number") or "")
        year = int(m.group(1)) if m else (int(issue_date[:4]) if issue_date else None)
    return Document(
        district=find_district(title, issuer, meta.get("letterhead"))
        or meta.get("intro_district")
        or find_province(title, issuer, meta.get("letterhead")),
        issuer=issuer,
        title=title,
        year=year,
        period_start=period_start,
        period_end=period_end,
        kind=kind,
        doc_number=meta.get("doc_number") or None,
        issue_date=issue_date,
    )


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
