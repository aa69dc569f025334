"""Lines and numbering: how a plan's text is laid out, before what it means.

The first half of parsing (:mod:`compare.parse` assembles the units):

* :class:`LineReader` cleans the raw lines, measures the page width of PDF
  text, joins hard wraps into paragraphs and finds the numbered headings that
  continue their sequence (:meth:`LineReader.find_headings`), with where each
  heading's own lines end;
* :func:`split_title` / :func:`clean_title` cut a numbered item into its title
  and body;
* :func:`box_spans` finds the boxes (专栏) and tables set beside the text,
  which are never a task's own words;
* :func:`inline_spans` and :func:`lead_spans` find unnumbered items: written
  inline (``一是……；二是……``, ``第一，……``) or as paragraphs led by a title in
  ``【】`` or in bold.

Examples
--------
>>> reader = LineReader("一、总体安排\\n1. 做好社区服务。推进签约。\\n")
>>> [(h.num.label, h.level) for h in reader.find_headings(0, len(reader.content))]
[('一、', 1), ('1.', 2)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from compare.grammar import (
    BOX_START,
    CLOSE_QUOTES,
    CN,
    INDICATOR_ROW,
    LABELLED_ITEM,
    NUMBER_HEAD_CELL,
    PIPE_ROW,
    STYLES,
    TABLE_START,
    TASK_HEAD_CELL,
    TERMINAL,
    TOC_LINE,
    WS,
    Line,
    Num,
    clean_line,
    cn_to_int,
    display_width,
    indent_of,
    numbering_of,
)

__all__ = [
    "Heading",
    "LineReader",
    "bold_lead",
    "box_spans",
    "clean_title",
    "inline_spans",
    "lead_spans",
    "markdown_heading",
    "split_title",
    "toc_spans",
]


@dataclass
class Heading:
    """A numbered line that continues its sequence: a section or task heading."""

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


class LineReader:
    """The content lines of a plan, its page width, paragraphs and numbered headings."""

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
        # a task table as PDF text gives it: rows opening with a bare number, cells wrapped
        self.row_num, self.cell_wrap, self.cell_end = table_rows(self.content)
        # a task table written as a markdown table: a row per line
        md_rows, self.task_table = markdown_task_rows(self.content)
        self.row_num.update(md_rows)

    # -- wraps ------------------------------------------------------------

    def full(self, ln: Line) -> bool:
        if ln.no in self.cell_wrap:
            return True
        if ln.no in self.cell_end:
            return False
        return bool(self.page_width) and display_width(ln.text) >= self.page_width * 0.9

    def ends_paragraph(self, ln: Line) -> bool:
        if ln.no in self.cell_wrap:
            return False
        if ln.no in self.cell_end:
            return True
        last = ln.text.rstrip()[-1:]
        if self.page_width:
            if self.full(ln):
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
    def join(a: str, b: str) -> str:
        if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
            return a + " " + b
        return a + b

    def paragraphs(self, lines: list[Line]) -> str:
        """Join content lines into text: hard wraps joined, paragraphs by "\\n"."""
        out: list[str] = []
        cur = ""
        for i, ln in enumerate(lines):
            cur = self.join(cur, ln.text) if cur else ln.text
            if i == len(lines) - 1 or self.ends_paragraph(ln):
                out.append(cur)
                cur = ""
        return "\n".join(out)

    # -- structure --------------------------------------------------------

    def find_headings(self, start: int, stop: int) -> list[Heading]:
        """Numbered lines in content[start:stop] that continue their sequence."""
        heads: list[Heading] = []
        last_by_style: dict[str, int] = {}
        for i in range(start, stop):
            ln = self.content[i]
            num = self.row_num.get(ln.no) or numbering_of(ln.text)
            num = num or markdown_heading(ln, last_by_style)
            if num is None:
                continue
            prev_line = self.content[i - 1] if i > start else None
            if (
                self.page_width
                and prev_line is not None
                and self.full(prev_line)
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
            heads.append(Heading(i, num))
        _rank_informal(heads, self.content)
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
            if self.ends_paragraph(ln) and ln.text[-1:] not in "；;，,：:":
                break
        return any(n == value + 1 for *_, n in inline_spans(text))

    def heading_end(self, heads: list[Heading], k: int, stop: int) -> int:
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
            if cur.no in self.cell_end:
                break  # a table cell's last line: the task's name ends with its cell
            last = cur.text[-1:]
            nxt_line = self.content[j]
            tail = (
                len(nxt_line.text) <= 10
                and nxt_line.text[-1:] not in TERMINAL
                and numbering_of(nxt_line.text) is None
                and last not in TERMINAL
            )  # a short remnant such as "建设" on its own line
            cont = self.full(cur) or last in "，、—-（(《“" or tail
            if not cont or indent_of(nxt_line.raw) >= indent_of(cur.raw) + 4:
                break  # (an indented line opens the body's first paragraph)
            if len(cur.text) > 60 and not self.page_width:
                break
            j += 1
        return j

    def direct_text(self, heads: list[Heading], k: int, stop: int) -> str:
        """Text of heading k beyond its title: same-line body plus own lines."""
        h = heads[k]
        end = heads[k + 1].idx if k + 1 < len(heads) else stop
        first = h.num.rest
        title, body = split_title(first, self.content[h.idx].bold, h.num)
        same_line = body
        lines = self.content[self.heading_end(heads, k, stop) : end]
        return same_line + "".join(ln.text for ln in lines)


#: Numberings outside GB/T 9704 (一是, ①): their place in the hierarchy is the plan's own.
INFORMAL = ("cn_shi", "circled")


def _rank_informal(heads: list[Heading], content: list[Line]) -> None:
    """Rank informal numberings used as section headings above what they head.

    ``一是`` and ``①`` rank below ``（1）`` when they number points inside a task.
    A plan may instead head its parts with them (``一是着力深化医改`` on a line
    of its own, then ``1.`` tasks, ``二是…``, ``3.`` …): when every item of the
    style is a bare title (no sentence end) and items of a formal numbering
    that the plan has not used before sit between them, the style ranks just
    above the highest of those.

    >>> lines = [clean_line(i, t) for i, t in enumerate(
    ...     ["一是深化改革", "1.推进医联体建设。组建集团。", "二是强化基层", "2.推进社区医院建设。新增2家。"], 1)]
    >>> heads = [Heading(i, numbering_of(ln.text)) for i, ln in enumerate(lines)]
    >>> _rank_informal(heads, lines); [h.num.rank for h in heads]
    [3.5, 4, 3.5, 4]
    """
    for style in INFORMAL:
        own = [k for k, h in enumerate(heads) if h.num.style == style]
        if len(own) < 2 or any(
            re.search(r"[。！？!?；;：:]", content[heads[k].idx].text) for k in own
        ):
            continue
        before = {h.num.style for h in heads[: own[0]]}
        inner = {
            heads[k].num.rank
            for k in range(own[0] + 1, own[-1])
            if heads[k].num.style not in INFORMAL + tuple(before)
            and heads[k].num.rank < heads[own[0]].num.rank
        }
        if inner:
            for k in own:
                heads[k].num = replace(heads[k].num, rank=min(inner) - 0.5)


#: The header row of a task table (序号 工作任务 责任单位 完成时限) as one line of text.
_TABLE_HEAD = re.compile(
    r"^序号.{0,16}?(?:任务|工作内容|工作措施|重点工作|具体措施)"
    r".{0,20}?(?:责任|牵头|配合|完成|时限|时间|进度)"
)
#: A row of a task table in PDF text: its number cell, a space, the task's first characters.
_TABLE_ROW = re.compile(
    r"^\s*(\d{1,3})\s+(?=[\u4e00-\u9fff])(?![家个所项人万亿元年月日天次名张床台座条倍%])"
)
#: The last cells of a task table's row: who does it (units named by their kind: 科, 局,
#: 中心, 医院…, listed with 、), then by when (2024年12月底, 全年, 长期坚持…).
_UNIT = (
    r"[\u4e00-\u9fff（）()]{1,24}?(?:科|处|室|股|局|委|办|中心|院|站|所|队|部|组|会|街道|镇|乡"
    r"|单位|部门|政府|公司|集团|机构|医院)"
)
_DEADLINE = (
    r"(?:(?:\d{4}年)?(?:\d{1,2}(?:—|-|～|~|至)?)?\d{1,2}月(?:\d{1,2}日)?|\d{4}年(?:年底|年内|全年)?)"
    r"(?:底|末|中旬|上旬|下旬)?(?:前|以前|之前)?"
    r"|全年|年内|年底前?|长期(?:坚持)?|持续(?:推进|开展)?|常态化(?:推进|开展)?|每(?:月|季度|年|半年)"
)
_UNITS = re.compile(rf"^(?:{_UNIT})(?:[、，,；;](?:{_UNIT}))*$")
_ROW_TAIL = re.compile(rf"^(?:(?:{_UNIT})(?:[、，,；;](?:{_UNIT}))*(?:{_DEADLINE})?|{_DEADLINE})$")


def _table_head(content: list[Line], k: int) -> int:
    """Index after the header of a task table that opens at content line k, else k.

    The header may be one line, or broken over short lines when a narrow cell wraps
    (``序`` / ``号`` / ``工作任务责任单位完成时限``: the 号 may come after the others).
    """
    if _TABLE_HEAD.match(content[k].text):
        return k + 1
    if not content[k].text.startswith("序") or len(content[k].text) > 40:
        return k
    for m in (2, 3):
        parts = [ln.text for ln in content[k : k + m]]
        if len(parts) < m or any(len(t) > 40 for t in parts):
            break
        joined = "".join(parts)
        if "号" in parts:  # 序 … 号 on a line of its own
            joined = "序号" + "".join(t for t in parts if t != "号")[1:]
        if _TABLE_HEAD.match(joined):
            return k + m
    return k


def table_rows(content: list[Line]) -> tuple[dict[int, Num], set[int], set[int]]:
    """The rows of task tables in PDF text: ({line no: the row's number}, {wrapped lines},
    {lines that end a cell}).

    A PDF prints a task table (序号 | 工作任务 | 责任单位 | 完成时限) cell by cell:
    the row's number, a space, its task wrapped over narrow lines, then the
    other cells. After a header line naming the columns (or its cells broken
    over short lines), lines opening with the next number are rows (a number
    as a heading of ``1.`` rank); the lines inside a row that end no sentence
    are wraps of its cells, except where a cell visibly ends: the task's name
    on a line much shorter than the row's first (``推进社区医院`` / ``建设``),
    and the line before the row's last cells when these read as units and a
    deadline (``医政科、区人民医院`` / ``2024年12月底``), which become a paragraph
    of their own.

    >>> lines = [clean_line(i, t) for i, t in enumerate(
    ...     ["序号 工作任务 责任单位 完成时限", "1 推进医联体", "建设。", "医政科", "2 做实签约。", "基层科"], 1)]
    >>> nums, wraps, ends = table_rows(lines)
    >>> [(no, n.label, n.rest) for no, n in nums.items()], sorted(wraps), sorted(ends)
    ([(2, '1', '推进医联体'), (5, '2', '做实签约。')], [2], [3, 5])
    """
    nums: dict[int, Num] = {}
    wraps: set[int] = set()
    ends: set[int] = set()
    k = 0
    while k < len(content):
        head_end = _table_head(content, k)
        if head_end == k:
            k += 1
            continue
        expected, rows, j = 1, [], head_end
        while j < len(content):
            ln = content[j]
            own = numbering_of(ln.text)
            m = _TABLE_ROW.match(ln.raw)
            if own is not None and own.rank <= 3:
                rows.append(j)  # a heading row: it ends the row above
            elif own is None and m and int(m.group(1)) in (expected, 1):
                value = int(m.group(1))
                digits = re.match(r"\d+", ln.text)
                if value == expected and digits and digits.group(0) == m.group(1):
                    nums[ln.no] = Num("ar_row", 4, value, m.group(1), ln.text[digits.end() :])
                    rows.append(j)
                    expected += 1
            elif _table_head(content, j) > j:
                break
            j += 1
        starts = [a for a in rows if content[a].no in nums]
        longest = max((b - a for a, b in zip(starts, starts[1:], strict=False)), default=12)
        for a, b in zip(rows, [*rows[1:], j], strict=False):  # (none: no rows)
            if content[a].no not in nums:
                continue
            b = min(b, a + longest)  # the last row: no longer than the others
            row = content[a:b]
            cut = _cell_ends(row, display_width(nums[content[a].no].rest))
            ends.update(row[q].no for q in cut)
            for q, ln in enumerate(row[:-1]):
                if ln.text[-1:] not in TERMINAL and q not in cut:
                    wraps.add(ln.no)
        k = j
    return nums, wraps, ends


def _cell_ends(row: list[Line], width: int) -> set[int]:
    """Indexes of the lines of one PDF table row that visibly end a cell (see table_rows)."""
    cut: set[int] = set()

    def short(q: int) -> bool:
        return q > 0 and display_width(row[q].text) < 0.75 * width

    for q in range(1, len(row) - 1):  # the task's name ends on a short line, or
        if row[q - 1].text[-1:] in TERMINAL:  # before a line too wide for its column
            break
        if display_width(row[q].text) > 1.25 * width:
            cut.add(q - 1)
            break
        if short(q) and row[q].text[-1:] not in TERMINAL:
            cut.add(q)
            break
    for q in range(1, len(row)):  # the row's last cells: units and a deadline
        ended = row[q - 1].text[-1:] in TERMINAL or q - 1 in cut or short(q - 1)
        if ended and _ROW_TAIL.match("".join(x.text for x in row[q:])):
            cut.add(q - 1)
            deadline = [
                d
                for d in range(q + 1, len(row))
                if re.fullmatch(_DEADLINE, "".join(x.text for x in row[d:]))
                and _UNITS.match("".join(x.text for x in row[q:d]))
            ]
            if deadline:  # the deadline's cell opens a line of its own
                cut.add(deadline[0] - 1)
            break
    return cut


def markdown_task_rows(content: list[Line]) -> tuple[dict[int, Num], set[int]]:
    """The rows of task tables written as markdown tables: ({line no: the row's number},
    {line nos of the tables' header and rows}).

    After a header row naming a task column (序号 | 工作任务 | 责任单位 | 完成时限),
    each row whose task cell is filled is a task on its own line: numbered by its
    序号 cell (label as printed, e.g. ``1``), else counted with an empty label.
    Its text is the task cell, then the row's other cells as a paragraph of
    their own (who does it, by when), so a task title ends with its cell. A
    row with its task cell empty (a heading written across, such as
    ``| 一、深化医改 | | |``) is read as its text reads.

    >>> from compare.grammar import clean_line
    >>> rows = ["| 序号 | 工作任务 | 责任单位 |", "| --- | --- | --- |", "| 1 | 推进医联体建设 | 医政科 |"]
    >>> content = [ln for ln in (clean_line(i, r) for i, r in enumerate(rows, 1)) if not ln.artefact]
    >>> nums, lines = markdown_task_rows(content)
    >>> [(no, n.label, n.rest) for no, n in nums.items()], sorted(lines)
    ([(3, '1', '推进医联体建设\\n医政科')], [1, 3])
    """
    nums: dict[int, Num] = {}
    lines: set[int] = set()
    k = 0
    while k < len(content):
        head = content[k].cells
        if not any(TASK_HEAD_CELL.match(WS.sub("", c)) for c in head) or sum(map(bool, head)) < 2:
            k += 1
            continue
        task_col = next(i for i, c in enumerate(head) if TASK_HEAD_CELL.match(WS.sub("", c)))
        num_col = next((i for i, c in enumerate(head) if NUMBER_HEAD_CELL.match(c)), None)
        lines.add(content[k].no)
        j, n = k + 1, 0
        while j < len(content) and content[j].cells:
            ln = content[j]
            cells = list(ln.cells) + [""] * (len(head) - len(ln.cells))
            lines.add(ln.no)
            j += 1
            if not cells[task_col]:
                continue
            n += 1
            label = cells[num_col] if num_col is not None else ""
            number = re.match(r"^([0-9０-９]{1,3})[.．、]?$", label)
            value = int(number.group(1)) if number else n
            rest = cells[task_col]
            others = [c for i, c in enumerate(cells) if c and i not in (task_col, num_col)]
            if others:
                rest += "\n" + " ".join(others)
            nums[ln.no] = Num("md_row", 4, value, label if number else "", rest)
        k = j
    return nums, lines


_MD_MARK = re.compile(r"^\s*(#{1,6})\s*\S")


def markdown_heading(ln: Line, last_by_style: dict[str, int]) -> Num | None:
    """An unnumbered markdown heading (``## 深化医药卫生体制改革``) as a numbering.

    Its label is empty; ``#`` ranks above every printed numbering, ``##`` below
    ``#``, and so on.

    >>> from compare.grammar import clean_line
    >>> num = markdown_heading(clean_line(4, "## 深化医改"), {})
    >>> (num.style, num.label, num.rest), markdown_heading(clean_line(5, "深化医改"), {})
    (('md2', '', '深化医改'), None)
    """
    m = _MD_MARK.match(ln.raw)
    if not m or len(ln.text) > 40 or ln.text[-1:] in "。；;，,：:":
        return None
    style = f"md{len(m.group(1))}"
    return Num(style, len(m.group(1)) - 10, last_by_style.get(style, 0) + 1, "", ln.text)


def split_title(rest: str, bold: str, num: Num) -> tuple[str, str]:
    """Split the text after a number into (title, body) on the same line."""
    if bold:
        b = bold
        nb = numbering_of(b)
        if nb is not None:
            b = nb.rest
        if rest.startswith(b):
            return b, rest[len(b) :]
    m = re.search(r"[。：:；;！？!?\n]", rest)
    if m:  # (a table row's task ends at its cell: "\n", then the other cells)
        end = m.start() if m.group() == "\n" else m.end()
        return rest[:end], rest[end:]
    return rest, ""


def clean_title(title: str) -> str:
    t = title.strip().rstrip("。：:；;，,！？!? ")
    if len(t) > 40:
        comma = t.find("，")
        t = t[:comma] if 0 < comma <= 40 else t[:40] + "…"
    return t


def bold_lead(ln: Line) -> str:
    """The bold lead of an unnumbered line (``**推进医联体建设。**……``), else ''."""
    lead = ln.bold and ln.text.startswith(ln.bold) and len(ln.bold) <= 40 and ln.bold != ln.text
    return ln.bold if lead and numbering_of(ln.bold) is None else ""


#: A paragraph that opens with its title in lenticular brackets: 【推进医联体建设】…
_BRACKET_LEAD = re.compile(r"(?:^|(?<=[\n。！？!?]))【([^【】。\n]{2,40})】(?=\S)")
#: A paragraph that opens with a short title sentence and goes on: 加快项目建设。推进…
_SENTENCE_LEAD = re.compile(r"^([^，,。；;：:！？!?\n]{4,24})[。！!](?=[^\n]{8,})")


def lead_spans(
    text: str, bold: dict[int, str], sentences: bool = True
) -> list[tuple[int, int, str, int, str]]:
    """(start, stop, label, ordinal, title) of the paragraphs that open with a lead.

    A lead is a title in 【】 (at a paragraph's start or right after a
    sentence: PDF text may run paragraphs together), a bold span at the
    paragraph's start, or (with ``sentences``), where every paragraph but an
    opening one has one, a short first sentence without a comma (``加快重大项目建设。……``: a bold
    lead whose bold a PDF lost). An item runs to the next lead (its further
    paragraphs included). Items are unnumbered: the label is empty and the
    ordinal counts them.

    >>> [(t, n) for *_, n, t in lead_spans("总述。\\n【扩面】签约。\\n【提质】做实。", {})]
    [('扩面', 1), ('提质', 2)]
    >>> [t for *_, t in lead_spans("总述，如下。\\n加快项目建设。推进新院区建设。\\n做优签约服务。扩大签约覆盖面和服务包。", {})]
    ['加快项目建设', '做优签约服务']
    """
    starts: list[tuple[int, str]] = [
        (m.start(), m.group(1)) for m in _BRACKET_LEAD.finditer(text)
    ] + [(a, title) for a, title in bold.items()]
    if len(starts) < 2 and sentences:
        starts = _sentence_leads(text)
    starts = sorted(dict(starts).items())
    if len(starts) < 2:
        return []
    bounds = [a for a, _ in starts[1:]] + [len(text)]
    return [
        (a, b, "", n, title)
        for n, ((a, title), b) in enumerate(zip(starts, bounds, strict=True), start=1)
    ]


def _sentence_leads(text: str) -> list[tuple[int, str]]:
    """Paragraphs that all (but perhaps the first) open with a short title sentence."""
    found, offset, paras = [], 0, text.split("\n")
    for k, para in enumerate(paras):
        m = _SENTENCE_LEAD.match(para)
        if m:
            found.append((offset, m.group(1)))
        elif k or len(paras) < 3:
            return []
        offset += len(para) + 1
    return found


#: An item written inline: 一是…；二是…, after the start of a paragraph or a
#: clause boundary (not 统一是, 这一是).
_INLINE_ITEM = re.compile(
    rf"(?:^|(?<=[。；;：:，,！？!?\n]))(?:({CN})是(?![否非])|第({CN})[，,、：:](?!\d))"
)


def inline_spans(text: str) -> list[tuple[int, int, str, int]]:
    """(start, stop, label, value) of the 一是/二是… (or 第一，/第二，…) items in one text.

    Items must run 一, 二, 三… within a paragraph, in one of the two forms; an
    item ends where the next begins or at the end of its paragraph.

    >>> [(t[:2], n) for a, b, t, n in inline_spans("为此，一是扩面；二是提质。\\n同时")]
    [('一是', 1), ('二是', 2)]
    >>> [t for a, b, t, n in inline_spans("第一，扩面；第二，提质。")]
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


# --------------------------------------------------------------------------- boxes


def _opens_box(t: str) -> bool:
    return bool(BOX_START.match(t)) or (
        bool(TABLE_START.match(t)) and len(t) <= 50 and t[-1:] not in TERMINAL
    )


def _box_end(lines: list[str], i: int, outer: dict[str, int]) -> int:
    """Index after the last line of the box opening at line i.

    ``outer`` holds the last number of each numbering style before the box: an
    item that continues it is the text's next item, not the box's.
    """
    seq: dict[str, int] = {}
    form: dict[str, tuple[bool, bool]] = {}  # labelled, a sentence: the box's item form
    j = i + 1
    while j < len(lines):
        t, prev = lines[j], lines[j - 1]
        num = numbering_of(t)
        if _opens_box(t) or (num is not None and num.rank <= 3):
            break
        if num is not None:
            shape = (bool(LABELLED_ITEM.match(num.rest)), t[-1:] in "。；;")
            of_box = num.value == seq.get(num.style, 0) + 1
            of_text = num.value == outer.get(num.style, -1) + 1
            if t[-1:] in "。；;" or len(t) > 60:
                if not of_box or (of_text and form.get(num.style) != shape):
                    break  # the text's own next item after the box
            elif of_text and not of_box:
                break  # the same, its line wrapped (PDF text): it continues the text's count
            seq[num.style], form[num.style] = num.value, shape
            j += 1
            continue
        wrapped = prev[-1:] not in TERMINAL and j > i + 1 and not INDICATOR_ROW.search(prev)
        short = t[-1:] not in "。；;" and len(t) <= 60
        if (
            short
            or PIPE_ROW.match(t)
            or INDICATOR_ROW.search(t)
            or (LABELLED_ITEM.match(t) and j == i + 1)
            or (LABELLED_ITEM.match(t) and LABELLED_ITEM.match(prev))
            or (wrapped and (seq or LABELLED_ITEM.match(prev)))
        ):
            j += 1
            continue
        break
    return j


def box_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(first, stop) index ranges of the boxes (专栏) and tables among content lines.

    A box runs from its title over the lines after it that end no sentence
    (project names, table rows), its own numbered or labelled items (even when
    they are sentences) and their wrapped tails, up to a heading of section
    rank (第X章/节, 一、, （一）), the text's next numbered item, or an ordinary
    sentence. A run of indicator-table rows (…预期性 / …约束性) is a box too,
    with its header line.

    Examples
    --------
    >>> box_spans(["一、任务", "专栏1 重点项目", "1.疾控中心迁建", "2.传染病医院", "二、保障措施。"])
    [(1, 4)]
    >>> box_spans(["1.甲。", "专栏1 工程", "1.实验室：建设1个。", "2.储备库：建设1个。", "2.乙。"])
    [(1, 4)]
    >>> box_spans(["1.甲。", "专栏1 工程", "（1）实验室建设", "2.乙。推进建", "设。"])  # a wrapped item
    [(1, 3)]
    >>> box_spans(["目标：", "|指标|属性|", "|---|---|", "|寿命|预期性|", "一、任务"])
    [(1, 4)]
    >>> box_spans(["目标如下。", "指标 单位 属性", "人均预期寿命 岁 78 预期性", "婴儿死亡率 ‰ 5 约束性", "正文。"])
    [(1, 4)]
    """
    spans: list[tuple[int, int]] = []
    outer: dict[str, int] = {}
    i = 0
    while i < len(lines):
        t = lines[i]
        if _opens_box(t):
            j = _box_end(lines, i, outer)
            spans.append((i, j))
            i = j
            continue
        if PIPE_ROW.match(t) and i + 1 < len(lines) and PIPE_ROW.match(lines[i + 1]):
            j = i
            while j < len(lines) and PIPE_ROW.match(lines[j]):
                j += 1
            spans.append((i, j))
            i = j
            continue
        if INDICATOR_ROW.search(t) and i + 1 < len(lines) and INDICATOR_ROW.search(lines[i + 1]):
            j = i
            while j < len(lines) and INDICATOR_ROW.search(lines[j]):
                j += 1
            head = lines[i - 1] if i else ""
            a = (
                i - 1
                if head and head[-1:] not in TERMINAL and re.search(r"属性|性质|指标", head)
                else i
            )
            if spans and a < spans[-1][1]:
                a = spans[-1][1]
            spans.append((a, j))
            i = j
            continue
        num = numbering_of(t)
        if num is not None:
            if num.rank <= 3:
                outer = {k: v for k, v in outer.items() if k != num.style}
                outer = {k: v for k, v in outer.items() if _rank_of(k) <= num.rank}
            outer[num.style] = num.value
        i += 1
    return spans


def _rank_of(style: str) -> int:
    return next(rank for name, rank, _ in STYLES if name == style)


def toc_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(first, stop) index ranges of a table of contents among content lines.

    Two or more lines that end in a leader and a page number (``第一章 总则……1``),
    with the 目录 line above them.

    >>> toc_spans(["规划", "目 录", "第一章 基础……1", "第二章 任务……5", "第一章 基础"])
    [(1, 4)]
    """
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not (TOC_LINE.search(lines[i]) and i + 1 < len(lines) and TOC_LINE.search(lines[i + 1])):
            i += 1
            continue
        j = i
        while j < len(lines) and TOC_LINE.search(lines[j]):
            j += 1
        a = i - 1 if i and WS.sub("", lines[i - 1]) in ("目录", "目次") else i
        spans.append((a, j))
        i = j
    return spans
