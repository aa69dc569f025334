"""Word documents (.docx, and .doc/.wps through LibreOffice) → line-numbered text.

Part of the extraction stage (:mod:`compare.extract` dispatches here). Body
paragraphs and tables are read in document order; a bold run that opens a
paragraph is marked ``**…**`` so the parser sees a bold title; Word's automatic
numbering, which is not in the paragraph text, is put back; Word's rendered
page breaks give pages when the file has them.
"""

from __future__ import annotations

import contextlib
import io as _io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from compare.exceptions import PlanInputError
from compare.extract import (
    CJK,
    SOFFICE_TIMEOUT,
    Extracted,
    clean,
    task_table_lines,
    to_simplified,
)
from compare.io import sha256_bytes

__all__ = ["read_doc", "read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: Elements whose runs are not the paragraph's own text: a text box (read as lines of
#: its own), the VML copy Word keeps of every drawing for old readers, text a
#: tracked change deleted or moved away (its new place is a w:moveTo).
_NOT_OWN = {f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}del", f"{_W}moveFrom"}


def _own(el, p_el) -> bool:  # noqa: ANN001 - lxml elements
    """``el`` (inside paragraph ``p_el``) is the paragraph's own, current text."""
    for a in el.iterancestors():
        if a is p_el:
            return True
        if a.tag in _NOT_OWN:
            return False
    return True


def _text_boxes(p_el) -> list:  # noqa: ANN001, ANN202 - lxml elements
    """Paragraphs of the text boxes anchored in a paragraph (a red-head document's
    文号 or title often sits in one), each box once."""
    return [
        q
        for box in p_el.iter(f"{_W}txbxContent")
        if _own(box, p_el)
        for q in box.iter(f"{_W}p")
        if next((a for a in q.iterancestors(f"{_W}txbxContent")), None) is box
    ]


def _docx_paragraph(p) -> tuple[str, int]:  # noqa: ANN001 - a python-docx Paragraph
    """Text of a paragraph, an opening bold run marked ``**…**``; page breaks inside it.

    Tracked changes read as accepted (inserted text in, deleted or moved-away text
    out); text boxes are left to :func:`_text_boxes`.
    """
    from docx.text.run import Run

    breaks = 0
    parts: list[tuple[str, bool]] = []
    for r in p._p.iter(f"{_W}r"):
        if not _own(r, p._p):
            continue
        run = Run(r, p)
        for el in r:
            if el.tag == f"{_W}lastRenderedPageBreak" or (
                el.tag == f"{_W}br" and el.get(f"{_W}type") == "page"
            ):
                breaks += 1
        text = run.text
        if text:
            parts.append((text, bool(run.bold) or _style_bold(p)))
    text = "".join(t for t, _ in parts)
    bold = ""
    for t, b in parts:
        if not b:
            break
        bold += t
    if bold.strip() and len(bold.strip()) < len(text.strip()):
        rest = text[len(bold) :]
        text = f"**{bold.strip()}**{rest}"
    return text, breaks


def _style_bold(p) -> bool:  # noqa: ANN001 - a python-docx Paragraph
    with contextlib.suppress(AttributeError):
        return bool(p.style.font.bold)
    return False


_CN_UNITS = "零一二三四五六七八九"


def _int_to_cn(n: int) -> str:
    """Chinese numeral of 1–999, as Word's chineseCounting prints it.

    >>> [_int_to_cn(n) for n in (1, 10, 12, 20, 105)]
    ['一', '十', '十二', '二十', '一百零五']
    """
    if n < 10:
        return _CN_UNITS[n]
    if n < 20:
        return "十" + (_CN_UNITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_UNITS[n // 10] + "十" + (_CN_UNITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if not rest else ("零" + _int_to_cn(rest) if rest < 10 else _int_to_cn(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return _CN_UNITS[n // 100] + "百" + tail


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "japaneseCounting", "taiwanese")):
        return _int_to_cn(n)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x245F + n)
    if fmt in ("upperLetter", "lowerLetter"):
        c = chr(ord("A") + (n - 1) % 26)
        return c if fmt == "upperLetter" else c.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        vals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        out, k = "", n
        for v, r in vals:
            while k >= v:
                out, k = out + r, k - v
        return out if fmt == "upperRoman" else out.lower()
    return str(n)


class _WordNumbering:
    """Labels of Word's automatic numbering, which is not in the paragraph's text.

    Government plans typed in Word often number 一、/（一）/1. with list styles;
    without the labels the parser would see headings with no numbers. The
    labels are rebuilt from ``numbering.xml`` (level start, format and text such
    as ``%1、`` or ``（%1）``), counting per list as Word does.
    """

    def __init__(self, doc) -> None:  # noqa: ANN001 - a python-docx Document
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        # lists sharing an abstract definition are one list, as Word and LibreOffice
        # number them, unless a list restarts it (lvlOverride/startOverride)
        self.list_of: dict[str, str] = {}
        self.style_level: dict[tuple[str, str], int] = {}  # (abstract, style id) -> level
        try:
            root = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError, ValueError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for a in root.iter(f"{_W}abstractNum"):
            lv = {}
            for lvl in a.iter(f"{_W}lvl"):

                def val(tag: str, default: str, lvl=lvl) -> str:  # noqa: ANN001
                    e = lvl.find(f"{_W}{tag}")
                    return e.get(f"{_W}val", default) if e is not None else default

                start = val("start", "1")
                pstyle = val("pStyle", "")
                if pstyle:
                    self.style_level[(a.get(f"{_W}abstractNumId"), pstyle)] = int(
                        lvl.get(f"{_W}ilvl", "0")
                    )
                lv[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    int(start) if start.isdigit() else 1,
                    val("numFmt", "decimal"),
                    val("lvlText", ""),
                )
            abstract[a.get(f"{_W}abstractNumId")] = lv
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None and ref.get(f"{_W}val") in abstract:
                num_id, abstract_id = num.get(f"{_W}numId"), ref.get(f"{_W}val")
                levels = dict(abstract[abstract_id])
                restarts = False
                for over in num.iter(f"{_W}lvlOverride"):
                    k = int(over.get(f"{_W}ilvl", "0"))
                    so = over.find(f"{_W}startOverride")
                    if so is not None and so.get(f"{_W}val", "").isdigit() and k in levels:
                        levels[k] = (int(so.get(f"{_W}val")), *levels[k][1:])
                        restarts = True
                self.levels[num_id] = levels
                self.list_of[num_id] = num_id if restarts else "abstract " + abstract_id

    def _num_pr(self, p):  # noqa: ANN001, ANN202 - python-docx objects
        ppr = p._p.pPr
        if ppr is not None and ppr.numPr is not None:
            return ppr.numPr
        style = p.style
        while style is not None:
            spp = style.element.pPr
            if spp is not None and spp.numPr is not None:
                return spp.numPr
            style = style.base_style
        return None

    def label(self, p) -> str:  # noqa: ANN001 - a python-docx Paragraph
        """The number Word shows before paragraph ``p`` ('' when it has none)."""
        if not self.levels:
            return ""
        num_pr = self._num_pr(p)
        if num_pr is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else None
        if ilvl is None:  # a heading style linked to a level of a multilevel list
            abstract = self.list_of.get(num_id, "").removeprefix("abstract ")
            ilvl = self.style_level.get((abstract, p.style.style_id if p.style else ""), 0)
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        count = self.counters.setdefault(self.list_of.get(num_id, num_id), {})
        count[ilvl] = count.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [k for k in count if k > ilvl]:
            del count[deeper]
        start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""

        def fill(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            n = count.get(k, levels.get(k, (1, "", ""))[0])
            return _format_number(n, levels.get(k, (1, fmt, ""))[1])

        return re.sub(r"%(\d)", fill, text)


def _with_label(text: str, label: str) -> str:
    """Put a numbering label before a paragraph's text (inside an opening bold mark)."""
    if not label:
        return text
    if text.startswith("**"):
        return "**" + label + text[2:]
    return label + text


def _blocks(parent):  # noqa: ANN001, ANN202 - lxml elements
    """Paragraphs and tables of the body in order, those inside content controls
    (<w:sdt>, which templates wrap around parts of a document) included."""
    for el in parent.iterchildren():
        if el.tag == f"{_W}sdt":
            for content in el.iterchildren(f"{_W}sdtContent"):
                yield from _blocks(content)
        else:
            yield el


def _grid(table) -> list[list[str]]:  # noqa: ANN001 - a python-docx Table
    """Cell texts of a table row by row (paragraphs joined by "\\n"); a cell merged
    down from the row above is empty, one merged across is one cell then empty ones."""
    from docx.text.paragraph import Paragraph

    rows: list[list[str]] = []
    for tr in table._tbl.iterchildren(f"{_W}tr"):
        row: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            pr = tc.find(f"{_W}tcPr")
            vmerge = pr.find(f"{_W}vMerge") if pr is not None else None
            span = pr.find(f"{_W}gridSpan") if pr is not None else None
            text = "\n".join(
                _docx_paragraph(Paragraph(q, table))[0].replace("**", "")
                for p in tc.iterchildren(f"{_W}p")
                for q in (*_text_boxes(p), p)
            )
            if vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue":
                text = ""
            row.append(text)
            width = span.get(f"{_W}val", "1") if span is not None else "1"
            row.extend([""] * (int(width) - 1 if width.isdigit() else 0))
        rows.append(row)
    return rows


class _Notes:
    """The document's footnotes and endnotes, each read out once after the paragraph
    that first refers to it (Word prints it at the foot of that page), numbered as Word
    numbers them (``注1：…``, ``尾注1：…``, in order of reference); notes never referred
    to follow the text."""

    def __init__(self, doc) -> None:  # noqa: ANN001 - a python-docx Document
        self.notes = _footnotes(doc)
        self.done: set[tuple[str, str]] = set()
        self.count = {"footnote": 0, "endnote": 0}

    def after(self, p_el) -> list[str]:  # noqa: ANN001 - an lxml paragraph
        """Lines of the notes paragraph ``p_el`` refers to first."""
        out: list[str] = []
        for ref in p_el.iter(f"{_W}footnoteReference", f"{_W}endnoteReference"):
            kind = "footnote" if ref.tag.endswith("footnoteReference") else "endnote"
            key = (kind, ref.get(f"{_W}id", ""))
            if key in self.done or key not in self.notes or not _own(ref, p_el):
                continue
            self.done.add(key)
            out.extend(self._lines(kind, self.notes[key]))
        return out

    def rest(self) -> list[str]:
        out: list[str] = []
        for key, texts in self.notes.items():
            if key not in self.done:
                self.done.add(key)
                out.extend(self._lines(key[0], texts))
        return out

    def _lines(self, kind: str, texts: list[str]) -> list[str]:
        self.count[kind] += 1
        mark = "注" if kind == "footnote" else "尾注"
        return [f"{mark}{self.count[kind]}：{texts[0]}", *texts[1:]]


def _footnotes(doc) -> dict[tuple[str, str], list[str]]:  # noqa: ANN001 - a python-docx Document
    """(kind, id) → paragraphs of each footnote and endnote (separators left out)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.text.paragraph import Paragraph
    from lxml import etree

    out: dict[tuple[str, str], list[str]] = {}
    for rel_type, tag in ((RT.FOOTNOTES, "footnote"), (RT.ENDNOTES, "endnote")):
        parts = [r.target_part for r in doc.part.rels.values() if r.reltype == rel_type]
        if not parts:
            continue
        try:
            root = parse_xml(parts[0].blob)
        except (etree.XMLSyntaxError, ValueError):
            continue
        for note in root.iterchildren(f"{_W}{tag}"):
            if note.get(f"{_W}type") in (
                "separator",
                "continuationSeparator",
                "continuationNotice",
            ):
                continue
            texts = [_docx_paragraph(Paragraph(p, doc))[0] for p in note.iter(f"{_W}p")]
            texts = [t.strip() for t in texts if t.strip()]
            if texts:
                out[(tag, note.get(f"{_W}id", ""))] = texts
    return out


def read_docx(data: bytes, name: str, fmt: str = "docx") -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = docx.Document(_io.BytesIO(data))
    except Exception as err:  # noqa: BLE001 - python-docx raises many kinds for a bad file
        raise PlanInputError(name, f"damaged Word file ({type(err).__name__}: {err})") from None
    lines: list[str] = []
    pages: list[int] = []
    page = 1
    any_break = False

    def add(text: str, breaks: int) -> None:
        nonlocal page, any_break
        for ln in text.replace("\v", "\n").split("\n"):
            lines.append(clean(ln))
            pages.append(page)
        if breaks:
            any_break = True
            page += breaks

    numbering = _WordNumbering(doc)
    notes = _Notes(doc)
    for el in _blocks(doc.element.body):
        if el.tag == f"{_W}p":
            for box in _text_boxes(el):  # a text box's lines before its anchor's text
                add(*_docx_paragraph(Paragraph(box, doc)))
            para = Paragraph(el, doc)
            text, breaks = _docx_paragraph(para)
            add(_with_label(text, numbering.label(para)) if text.strip() else text, breaks)
            for line in notes.after(el):
                add(line, 0)
        elif el.tag == f"{_W}tbl":
            table = Table(el, doc)
            as_tasks = task_table_lines(_grid(table))
            if as_tasks is not None:  # a task table: a row per task, as a plan prints it
                for line in as_tasks:
                    add(line, 0)
                continue
            # merged cells repeat in python-docx's rows: each is read once (the
            # elements are kept, not their ids: a freed proxy's id is reused)
            seen: list = []
            for row in table.rows:
                for cell in row.cells:
                    if any(cell._tc is s for s in seen):
                        continue
                    seen.append(cell._tc)
                    for p in cell.paragraphs:
                        for box in _text_boxes(p._p):
                            add(*_docx_paragraph(Paragraph(box, doc)))
                        add(*_docx_paragraph(p))
                        for line in notes.after(p._p):
                            add(line, 0)
    for line in notes.rest():
        add(line, 0)
    if not any(CJK.search(x) for x in lines):
        raise PlanInputError(name, "Word file with no Chinese text")
    lines, original = to_simplified(lines)
    return Extracted(
        text="\n".join(lines),
        format=fmt,
        sha256=sha256_bytes(data),
        encoding=fmt,
        pages=tuple(pages) if any_break else (),
        original=original,
        n_pages=page if any_break else 0,
    )


def read_doc(data: bytes, name: str) -> Extracted:
    """Word 97–2003 / WPS: convert to .docx with LibreOffice headless."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise PlanInputError(
            name,
            "Word 97-2003 or WPS file: install LibreOffice to read it "
            "(apt-get install libreoffice-writer-nogui; make setup does), or save it as .docx",
        )
    with tempfile.TemporaryDirectory(prefix="compare-doc-") as tmp:
        src = Path(tmp) / "plan.doc"
        src.write_bytes(data)
        try:
            subprocess.run(
                [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                 "--convert-to", "docx", "--outdir", tmp, str(src)],
                check=True, capture_output=True, timeout=SOFFICE_TIMEOUT,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise PlanInputError(
                name, f"LibreOffice took over {SOFFICE_TIMEOUT} s to convert it"
            ) from None
        except subprocess.CalledProcessError as err:
            raise PlanInputError(
                name, f"LibreOffice could not convert it (exit {err.returncode})"
            ) from None
        out = Path(tmp) / "plan.docx"
        if not out.exists():
            raise PlanInputError(name, "LibreOffice could not convert it (no output)")
        return read_docx(out.read_bytes(), name, fmt="doc")
