"""Metadata recognition: title, issuer, document number, dates, district, year, kind.

The part of parsing that reads what a plan says about itself rather than its
structure: a portal's chrome and information table, the notice wrapper
(letterhead, 文号, 关于印发…的通知, addressees, signature and date), the
plan's title (located by the notice's 《…》 or by its genre word), closing
lines (抄送, 印发, a signature with its date), attachments, and hints from the
opening paragraph when there is no header. :class:`MetaReader` is the base of
the parser's assembler; :func:`document_of` turns what it collected into a
:class:`~compare.plan.Document`. The file name is never read.

Examples
--------
>>> document_of({"closing_issuer": "合肥经济技术开发区卫生健康局", "closing_date": "2025-01-22"},
...             "2025年卫生健康工作要点").district
'合肥经济技术开发区'
"""

from __future__ import annotations

import difflib
import re

from compare.grammar import (
    ATTACHMENT,
    CLOSING,
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
    TERMINAL,
    TITLE_END,
    WS,
    YEAR_RANGE,
    Line,
    find_date,
    find_district,
    find_province,
    fyp_period,
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
from compare.parse_lines import LineReader
from compare.plan import Block, Document

__all__ = ["MetaReader", "document_of", "preamble_role"]


def _info_value_line_of(key_line: str, value_line: str) -> bool:
    """A key-only information-table line followed by its value line."""
    fields = info_fields(key_line)
    return (
        bool(fields)
        and not fields[-1][1]
        and len(value_line) <= 60
        and preamble_role(value_line) not in ("info", "chrome")
    )


def preamble_role(t: str) -> str:
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


class MetaReader:
    """Reads a plan's metadata lines into ``meta`` and ``blocks``.

    Parameters
    ----------
    reader : LineReader
        The plan's lines; ``C`` is its list of content lines (boxes set aside).
    """

    def __init__(self, reader: LineReader) -> None:
        self.p = reader
        self.C: list[Line] = reader.content
        self.blocks: list[Block] = []
        self.meta: dict[str, str] = {}

    def add_block(
        self,
        kind: str,
        lines: list[Line],
        role: str = "",
        section: str | None = None,
        text: str | None = None,
    ) -> None:
        """Keep ``lines`` as one block (their paragraphs, or ``text``)."""
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
            tail = C[i + 1].text if i + 1 < n else ""
            if (
                not TITLE_END.search(t)
                and len(tail) <= 4
                and t[-1:] not in TERMINAL
                and TITLE_END.search(t + tail)
                and len(t) <= 60
                and not NOTICE_LINE.match(t)
                and not preamble_role(t)
                and numbering_of(t) is None
            ):
                return (i, i + 1)  # a title wrapped before its last character(s): …规 / 划
            if (
                TITLE_END.search(t)
                and len(t) <= 60
                and not NOTICE_LINE.match(t)
                and not self.p.full(C[i])
                and "。" not in t
            ):
                prev = C[i - 1].text if i > start else ""
                if (
                    prev
                    and (len(prev) <= 20 or len(t) <= 10)  # or the title's short tail
                    and len(prev) + len(t) <= 60
                    and numbering_of(prev) is None
                    and not NOTICE_LINE.match(prev)
                    and not preamble_role(prev)
                    and prev[-1:] not in TERMINAL
                    and "，" not in prev
                ):
                    return (i - 1, i)
                return (i, i)
        return None

    def notice_end(self, first_num: int, start: int = 0) -> int:
        """Without a title line of its own, the end of a notice that names the plan.

        ``关于印发2024年某某区卫生健康工作要点的通知`` followed by its addressees, text,
        signature and date, then the plan's first heading: the notice names the
        plan (``title_from_notice``) and runs to its signature or date (else to
        its own title line). Returns ``start`` when there is no such notice.
        """
        C = self.C
        for i in range(start, min(first_num, start + 10)):
            line = C[i].text
            if "通知" not in line and i + 1 < first_num:
                line += C[i + 1].text  # a notice title wrapped onto two lines
            found = NOTICE.search(WS.sub("", line)) if NOTICE_LINE.match(line) else None
            key = (found.group(1) or found.group(2)) if found else ""
            if key and TITLE_END.search(key):
                self.meta["title_from_notice"] = key
                signed = [
                    j
                    for j in range(i + 1, first_num)
                    if preamble_role(C[j].text) in ("date", "issuer")
                ]
                return signed[-1] + 1 if signed else i + 1
        return start

    def portal_end(self, first_num: int) -> int:
        """Index after the last line of portal chrome or information table at the top."""
        end = 0
        for i in range(min(first_num, len(self.C), 60)):
            if preamble_role(self.C[i].text) in ("info", "chrome"):
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
            and preamble_role(nxt) not in ("info", "chrome")
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
                and not preamble_role(t)
                and ("通知" in t or (i + 1 < end and "通知" in C[i + 1].text))
            ):
                lines = [ln] if "通知" in t else [ln, C[i + 1]]
                flush()
                self.add_block("metadata", lines, role="notice_title")
                i += len(lines)
                continue
            role = preamble_role(t)
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
            role = preamble_role(C[j].text)
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


def document_of(meta: dict[str, str], title: str | None) -> Document:
    """The document-level metadata from what :class:`MetaReader` collected and the title.

    District, year and kind come from the title first, then the issuer (information
    table, notice, signature), the letterhead and the opening paragraph; a plan
    of a province is named by its province. A dated qualifier run into the title
    (``……工作要点（2024年2月5日经党组会议审议通过）``) is not part of it.

    >>> d = document_of({}, "某某区卫生健康委员会2024年工作要点（2024年2月5日审议通过）")
    >>> d.title, d.issuer, d.issue_date, d.district
    ('某某区卫生健康委员会2024年工作要点', '某某区卫生健康委员会', '2024-02-05', '某某')
    """
    title = squash_spaces(title) if title else None
    if title:
        title = WS.sub("", title) if not re.search(r"[A-Za-z]\s+[A-Za-z]", title) else title
        qualifier = re.search(r"[（(][^（()）]*[）)]$", title)
        if qualifier and SUBTITLE.match(qualifier.group(0)) and find_date(qualifier.group(0)):
            meta = {
                **meta,
                "subtitle_date": meta.get("subtitle_date") or find_date(qualifier.group(0)),
            }
            title = title[: qualifier.start()]
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
