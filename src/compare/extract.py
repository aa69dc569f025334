"""Any document format → line-numbered text with the page of every line.

Researchers download plans as PDF, Word, saved portal pages or scans. Each is
turned into the same ``"\\n"``-separated text the parser reads, plus what the
format knows and plain text does not: the page of each line, OCR confidence,
the portal's info table (索引号, 发布机构, 文号, 成文日期, 发布日期), and the
original characters of a plan written in traditional Chinese.

The format is recognised from the content (magic bytes, markup), never from
the file name. Libraries, chosen by measuring them (``benchmarks/FORMATS.md``):

* **PDF with a text layer**: pypdfium2 (PDFium), about 20× faster than
  pdfplumber on the same government-style PDFs with the same lines; lines
  repeated at the top or bottom of most pages (running headers, footers) are
  set aside as page furniture and counted, page numbers stay for the parser.
* **Scanned PDF** (no text layer): pages rendered by pypdfium2 at 300 dpi and
  read by Tesseract (``chi_sim``, ``--psm 6``) through pytesseract; the mean
  word confidence is kept per line, and pages below
  :data:`LOW_CONFIDENCE` are listed.
* **.docx**: python-docx, body paragraphs and tables in document order; a bold
  run that opens a paragraph is marked ``**…**`` so the parser sees a bold
  title; Word's rendered page breaks give pages when the file has them.
* **.doc / .wps**: converted to .docx by LibreOffice headless, when installed.
* **HTML**: lxml, with explicit rules for government portals (hand-written
  because the rules are about this genre: the info table feeds metadata, and
  navigation, breadcrumbs, share/print links, related-link lists and footers
  are dropped; see :func:`_html_lines`).
* **Plain text** (``.txt``, ``.md``): :func:`compare.io.decode_bytes`.

Traditional Chinese is converted to simplified with OpenCC line by line (line
numbers hold); :attr:`Extracted.original` keeps the lines as published, which
is what citations quote.

Examples
--------
>>> ex = extract_bytes("一、总则\\n1. 做好工作。\\n".encode())
>>> ex.format, ex.text.splitlines()[1], ex.pages
('text', '1. 做好工作。', ())
"""

from __future__ import annotations

import contextlib
import io as _io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from compare.exceptions import PlanInputError
from compare.io import decode_bytes, sha256_bytes

__all__ = [
    "EXTRACT_VERSION",
    "FORMATS",
    "LOW_CONFIDENCE",
    "MAX_PDF_PAGES",
    "Extracted",
    "detect_format",
    "extract_bytes",
    "extract_cached",
]

#: Bump whenever extraction output may change: it keys every cache.
EXTRACT_VERSION = "1.1.1"
#: Formats this module reads (what :func:`detect_format` returns).
FORMATS = ("text", "pdf", "scan", "docx", "doc", "html")
#: Mean Tesseract word confidence (0–100) below which an OCR page is flagged.
LOW_CONFIDENCE = 70.0
#: Pages above which a PDF is refused (a plan is rarely over 100 pages; a
#: 300-page compendium is not one plan).
MAX_PDF_PAGES = 200
#: Seconds LibreOffice may take to convert one .doc/.wps file.
SOFFICE_TIMEOUT = 120

_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"\d+")
_SPACE_BETWEEN_CJK = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Extracted:
    """A document as line-numbered text.

    Attributes
    ----------
    text : str
        Lines joined by ``"\\n"`` (simplified Chinese); line *n* is
        ``text.split("\\n")[n - 1]``.
    format : str
        One of :data:`FORMATS`.
    sha256 : str
        Hex digest of the original file's bytes.
    encoding : str
        The text encoding (plain text, HTML) or the format name.
    pages : tuple of int
        Page (1-based) of every line, for paginated sources; empty otherwise.
    confidence : tuple of float
        Mean OCR word confidence (0–100) of every line of a scan; empty
        otherwise (``-1`` for a line without words).
    original : tuple of str
        The lines as published when the text was converted from traditional
        Chinese; empty otherwise.
    meta : dict
        Facts the format carries outside the text: ``doc_number``,
        ``issuer``, ``issue_date``, ``publish_date``, ``index_no``,
        ``page_title`` (portal pages).
    furniture : tuple of str
        Lines set aside as page furniture (running headers and footers
        repeated on most pages, portal chrome), so every character of the
        source is accounted for.
    low_confidence_pages : tuple of int
        OCR pages whose mean confidence is below :data:`LOW_CONFIDENCE`.
    n_pages : int
        Pages of a paginated source (0 otherwise).
    """

    text: str
    format: str
    sha256: str
    encoding: str = ""
    pages: tuple[int, ...] = ()
    confidence: tuple[float, ...] = ()
    original: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)
    furniture: tuple[str, ...] = ()
    low_confidence_pages: tuple[int, ...] = ()
    n_pages: int = 0

    @property
    def lines(self) -> list[str]:
        """The lines as published (original characters when converted)."""
        return list(self.original) if self.original else self.text.split("\n")

    def page_of(self, line: int) -> int | None:
        """Page of a 1-based line number, ``None`` for an unpaginated source.

        Examples
        --------
        >>> Extracted("a\\nb", "pdf", "", pages=(1, 2)).page_of(2)
        2
        """
        if not self.pages or not 1 <= line <= len(self.pages):
            return None
        return self.pages[line - 1]

    def to_json(self) -> str:
        """Serialise for the cache (:meth:`from_json` reads it back)."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> Extracted:
        """Read what :meth:`to_json` wrote."""
        d = json.loads(data)
        for key in ("pages", "confidence", "original", "furniture", "low_confidence_pages"):
            d[key] = tuple(d.get(key) or ())
        return cls(**d)


# --------------------------------------------------------------------------- detection


def detect_format(data: bytes) -> str:
    """The format of a file's bytes (content decides, never the name).

    Returns ``"pdf"`` (text layer or scan; :func:`extract_bytes` decides
    which), ``"docx"``, ``"doc"`` (Word 97–2003 and WPS, both OLE files),
    ``"html"`` or ``"text"``.

    Examples
    --------
    >>> detect_format(b"%PDF-1.7 ..."), detect_format("一、总则".encode())
    ('pdf', 'text')
    >>> detect_format(b"<!DOCTYPE html><html><body>x</body></html>")
    'html'
    """
    head = data[:1024].lstrip()
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        with (
            contextlib.suppress(zipfile.BadZipFile, OSError),
            zipfile.ZipFile(_io.BytesIO(data)) as z,
        ):
            if "word/document.xml" in z.namelist():
                return "docx"
        return "docx_broken"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "doc"
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or (
        low.startswith(b"<")
        and re.search(rb"<(html|head|body|meta|div|p)[\s>]", data[:4096].lower())
    ):
        return "html"
    return "text"


# --------------------------------------------------------------------------- shared


def _clean(line: str) -> str:
    """Control characters out, spaces a PDF/OCR puts between CJK characters out."""
    line = _CONTROL.sub("", line).replace("\u00a0", " ").rstrip()
    return _SPACE_BETWEEN_CJK.sub("", line)


def _to_simplified(lines: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """Convert traditional-Chinese lines to simplified; the originals when converted.

    A text counts as traditional when OpenCC changes at least 3% of its
    Chinese characters (a simplified plan changes almost none).
    """
    sample = "".join(lines)
    n_cjk = len(_CJK.findall(sample))
    if n_cjk < 20:
        return lines, ()
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency
        return lines, ()
    conv = opencc.OpenCC("t2s")
    converted = conv.convert(sample[:20000])
    changed = sum(1 for a, b in zip(sample[:20000], converted, strict=False) if a != b)
    if changed < 0.03 * min(n_cjk, 20000):
        return lines, ()
    out = [conv.convert(ln) for ln in lines]
    return out, tuple(lines)


# --------------------------------------------------------------------------- PDF


def _page_furniture(pages: list[list[str]]) -> set[str]:
    """Lines repeated at the top or bottom of most pages (digits ignored).

    Page numbers are left alone: the parser knows them (``— 3 —``, ``第3页``).
    """
    if len(pages) < 3:
        return set()
    from collections import Counter

    seen: Counter[str] = Counter()
    for lines in pages:
        edge = [ln for ln in lines if ln.strip()]
        keys = {_DIGITS.sub("#", ln.strip()) for ln in edge[:2] + edge[-2:]}
        seen.update(keys)
    need = max(3, int(0.5 * len(pages) + 0.5))
    from compare.grammar import clean_line

    return {
        k
        for k, n in seen.items()
        if n >= need and not clean_line(0, k.replace("#", "1")).artefact and _CJK.search(k)
    }


def _edge_positions(lines: list[str]) -> set[int]:
    """Indexes of the first two and last two non-empty lines of a page."""
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return set(filled[:2] + filled[-2:])


def _is_furniture(lines: list[str], k: int, furniture: set[str], *, first_page: bool) -> bool:
    """Line ``k`` of a page is a running header or footer (at a page edge, repeated).

    On the first page the plan's own title often equals the running header of
    later pages: there a line is furniture only when it occurs twice.
    """
    key = _DIGITS.sub("#", lines[k].strip())
    if not key or key not in furniture or k not in _edge_positions(lines):
        return False
    same = [i for i, ln in enumerate(lines) if _DIGITS.sub("#", ln.strip()) == key]
    return not first_page or (len(same) >= 2 and k == same[0])


def _pdf(data: bytes, name: str, *, ocr: bool = True) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        msg = str(err)
        if "password" in msg.lower():
            raise PlanInputError(
                name, "encrypted PDF (password required): save an unlocked copy"
            ) from None
        raise PlanInputError(name, f"damaged PDF ({msg})") from None
    try:
        n = len(pdf)
        if n == 0:
            raise PlanInputError(name, "PDF with no pages")
        if n > MAX_PDF_PAGES:
            raise PlanInputError(
                name,
                f"PDF of {n} pages, over the limit of {MAX_PDF_PAGES} for one plan "
                "(split it, or raise compare.extract.MAX_PDF_PAGES)",
            )
        texts = []
        for i in range(n):
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range())
            tp.close()
            page.close()
        chars = sum(len(_CJK.findall(t)) for t in texts)
        if chars < 20 * n:  # no text layer worth the name: a scan
            if not ocr:
                raise PlanInputError(name, "scanned PDF (no text layer) and OCR is switched off")
            return _ocr_pdf(pdf, data, name)
    finally:
        pdf.close()
    page_lines = [
        [_clean(x) for x in t.replace("\r\n", "\n").replace("\r", "\n").split("\n")] for t in texts
    ]
    furniture = _page_furniture(page_lines)
    lines: list[str] = []
    pages: list[int] = []
    dropped: list[str] = []
    for no, plines in enumerate(page_lines, start=1):
        for k, ln in enumerate(plines):
            if _is_furniture(plines, k, furniture, first_page=no == 1):
                dropped.append(ln)
                continue
            lines.append(ln)
            pages.append(no)
    lines, original = _to_simplified(lines)
    return Extracted(
        text="\n".join(lines),
        format="pdf",
        sha256=sha256_bytes(data),
        encoding="pdf",
        pages=tuple(pages),
        original=original,
        furniture=tuple(dropped),
        n_pages=n,
    )


def _tesseract_ready() -> str:
    """Why OCR cannot run here ('' when it can)."""
    try:
        import pytesseract
    except ImportError:  # pragma: no cover - a declared dependency
        return "pytesseract is not installed (pip install pytesseract)"
    exe = shutil.which(pytesseract.pytesseract.tesseract_cmd) or shutil.which("tesseract")
    if not exe:
        return "no OCR engine: install Tesseract with Chinese (apt-get install tesseract-ocr tesseract-ocr-chi-sim; make setup does)"
    try:
        langs = pytesseract.get_languages(config="")
    except Exception as err:  # noqa: BLE001 - any failure means no OCR
        return f"Tesseract does not run ({err})"
    if "chi_sim" not in langs:
        return "Tesseract has no Chinese model: apt-get install tesseract-ocr-chi-sim"
    return ""


#: Specks read as characters at a line's ends: a bar at the end, or a closing quote
#: at the start (Chinese typesetting never begins a line with closing punctuation).
_OCR_NOISE = re.compile(r"^[”’」』)）|｜\s]+|[\s|｜]+$")
#: OCR misreads of an item number at the start of a line: "1，" / "1," / "1 " for "1.".
_OCR_ITEM = re.compile(r"^(\d{1,2})(?:\s*[，,、]|\s+)\s*(?=[\u4e00-\u9fff])")


def _ocr_fix(line: str) -> str:
    """Undo the commonest OCR misreading of GB/T 9704 item numbers (``1，`` → ``1.``).

    The parser still requires the number to continue its sequence, so a
    figure that merely starts a wrapped line is not turned into an item.

    >>> _ocr_fix("3 服务人工智能高地建设。"), _ocr_fix("”2025 年工作要点 |")
    ('3.服务人工智能高地建设。', '2025 年工作要点')
    """
    line = _OCR_NOISE.sub("", line)
    return _OCR_ITEM.sub(r"\1.", line)


def _ocr_page(image) -> list[tuple[str, float]]:  # noqa: ANN001 - a PIL image
    """(text, mean confidence) of every line Tesseract finds on one page image."""
    import pytesseract

    data = pytesseract.image_to_data(
        image, lang="chi_sim", config="--psm 6", output_type=pytesseract.Output.DICT
    )
    lines: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for i, word in enumerate(data["text"]):
        if not word.strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append((word, float(data["conf"][i])))
    out = []
    for key in sorted(lines):
        words = lines[key]
        text = _ocr_fix(_clean(" ".join(w for w, _ in words)))
        out.append((text, sum(c for _, c in words) / len(words)))
    return out


def _ocr_pdf(pdf, data: bytes, name: str) -> Extracted:  # noqa: ANN001 - a PdfDocument
    problem = _tesseract_ready()
    if problem:
        raise PlanInputError(name, f"scanned PDF (no text layer) and {problem}")
    from concurrent.futures import ThreadPoolExecutor

    images = []
    for i in range(len(pdf)):
        page = pdf[i]
        images.append(page.render(scale=300 / 72, grayscale=True).to_pil())
        page.close()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per page, pages in parallel
    workers = max(1, min(len(images), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_ocr_page, images))
    lines: list[str] = []
    pages: list[int] = []
    conf: list[float] = []
    low: list[int] = []
    for no, page_lines in enumerate(results, start=1):
        weights = [(len(t), c) for t, c in page_lines if t]
        mean = sum(w * c for w, c in weights) / sum(w for w, _ in weights) if weights else 0.0
        if mean < LOW_CONFIDENCE:
            low.append(no)
        for text, c in page_lines:
            lines.append(text)
            pages.append(no)
            conf.append(round(c, 1))
    if not any(_CJK.search(x) for x in lines):
        raise PlanInputError(name, "scanned PDF in which OCR found no Chinese text")
    lines, original = _to_simplified(lines)
    return Extracted(
        text="\n".join(lines),
        format="scan",
        sha256=sha256_bytes(data),
        encoding="ocr:chi_sim",
        pages=tuple(pages),
        confidence=tuple(conf),
        original=original,
        low_confidence_pages=tuple(low),
        n_pages=len(results),
    )


# --------------------------------------------------------------------------- Word

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_paragraph(p) -> tuple[str, int]:  # noqa: ANN001 - a python-docx Paragraph
    """Text of a paragraph, an opening bold run marked ``**…**``; page breaks inside it."""
    from docx.text.run import Run

    breaks = 0
    parts: list[tuple[str, bool]] = []
    for r in p._p.iter(f"{_W}r"):
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
                lv[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    int(start) if start.isdigit() else 1,
                    val("numFmt", "decimal"),
                    val("lvlText", ""),
                )
            abstract[a.get(f"{_W}abstractNumId")] = lv
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None and ref.get(f"{_W}val") in abstract:
                self.levels[num.get(f"{_W}numId")] = abstract[ref.get(f"{_W}val")]

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
        ilvl = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        count = self.counters.setdefault(num_id, {})
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


def _docx(data: bytes, name: str, fmt: str = "docx") -> Extracted:
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
            lines.append(_clean(ln))
            pages.append(page)
        if breaks:
            any_break = True
            page += breaks

    numbering = _WordNumbering(doc)
    for el in doc.element.body.iterchildren():
        if el.tag == f"{_W}p":
            para = Paragraph(el, doc)
            text, breaks = _docx_paragraph(para)
            add(_with_label(text, numbering.label(para)) if text.strip() else text, breaks)
        elif el.tag == f"{_W}tbl":
            seen: set[int] = set()
            for row in Table(el, doc).rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    for p in cell.paragraphs:
                        add(*_docx_paragraph(p))
    if not any(_CJK.search(x) for x in lines):
        raise PlanInputError(name, "Word file with no Chinese text")
    lines, original = _to_simplified(lines)
    return Extracted(
        text="\n".join(lines),
        format=fmt,
        sha256=sha256_bytes(data),
        encoding=fmt,
        pages=tuple(pages) if any_break else (),
        original=original,
        n_pages=page if any_break else 0,
    )


def _doc(data: bytes, name: str) -> Extracted:
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
        return _docx(out.read_bytes(), name, fmt="doc")


# --------------------------------------------------------------------------- HTML

#: Labels of a portal's info table and the metadata key each feeds.
_INFO_LABELS = {
    "索引号": "index_no",
    "发布机构": "issuer",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "成文日期": "issue_date",
    "发布日期": "publish_date",
    "公开日期": "publish_date",
    "主题分类": "topic",
    "公开方式": "",
    "有效性": "",
    "标题": "page_title",
    "名称": "page_title",
}
_INFO_RE = re.compile(
    r"("
    + "|".join(sorted(_INFO_LABELS, key=len, reverse=True))
    + r")\s*[:：]\s*(.*?)(?=\s*(?:"
    + "|".join(sorted(_INFO_LABELS, key=len, reverse=True))
    + r")\s*[:：]|$)"
)
#: class/id words of page chrome (navigation, breadcrumbs, share and print
#: bars, related lists, footers) on government portals.
_CHROME_ATTR = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumbs?|position|location|dqwz|share|bdshare|print|"
    r"footer|foot|bottom|copyright|related|relevant|xgxx|xglj|hot|rank|sidebar|side|left|right|"
    r"pager|page-?nav|prev|next|sxp|comment|toolbar|topbar|header|head|top|banner|search|login|"
    r"fontsize|zihao|fenxiang|dayin|guanbi)([\s_-]|\d|$)",
    re.I,
)
#: Lines of chrome that survive inside a content block.
_CHROME_LINE = re.compile(
    r"^(?:当前位置|您的位置|您现在的位置|首页\s*[>＞»]|【?\s*(?:打印|关闭|收藏|返回顶部|打印本页|关闭窗口)|"
    r"分享到|字号[:：]|字体[:：]|\[?\s*[大中小]\s*[大中小]\s*[大中小]|上一篇|下一篇|阅读次数|浏览次数|访问量|"
    r"版权所有|主办单位|承办单位|网站标识码|.*ICP备|.*公网安备|扫一扫|相关链接|相关文章|热点阅读|热门文章)"
)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "ul", "ol", "dl", "dd", "dt", "blockquote", "center", "pre", "td", "th",
}  # fmt: skip


def _html_decode(data: bytes, name: str) -> tuple[str, str]:
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", data[:4096], re.I)
    declared = m.group(1).decode("ascii", "ignore").lower() if m else ""
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk"):
        declared = "gb18030"
    for codec in [c for c in (declared, "utf-8", "gb18030") if c]:
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise PlanInputError(name, "web page in an encoding that cannot be recognised")
    return str(best), best.encoding


def _node_lines(node) -> list[str]:  # noqa: ANN001 - an lxml element
    """Text of an element, a line per block element and per <br>; <ol> items numbered.

    >>> import lxml.html
    >>> _node_lines(lxml.html.fromstring("<div><p>一、总则</p><ol><li>做好。</li><li>推进。</li></ol></div>"))
    ['一、总则', '1.做好。', '2.推进。']
    """
    from compare.grammar import numbering_of

    out: list[str] = []
    cur: list[str] = []

    def flush() -> None:
        line = "".join(cur)
        cur.clear()
        if line.strip():
            out.append(line.strip())

    def walk(el, label: str = "") -> None:  # noqa: ANN001
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            flush()
        if label and not numbering_of((el.text_content() or "").strip()):
            cur.append(label)  # an <ol> item's number is the browser's, not in the text
        if tag.lower() not in ("script", "style", "noscript") and el.text:
            cur.append(el.text)
        if tag.lower() == "ol":
            start = el.get("start", "1")
            n = int(start) if start.isdigit() else 1
            for child in el:
                if isinstance(child.tag, str) and child.tag.lower() == "li":
                    walk(child, f"{n}.")
                    n += 1
                else:
                    walk(child)
                if child.tail:
                    cur.append(child.tail)
            flush()
            return
        for child in el:
            walk(child)
            if child.tail:
                cur.append(child.tail)
        if block:
            flush()

    walk(node)
    flush()
    return [re.sub(r"[ \t\r\n\u3000\u00a0]+", " ", x).strip() for x in out]


def _cjk(node) -> int:  # noqa: ANN001
    return len(_CJK.findall(node.text_content()))


def _html_lines(html: str, name: str) -> tuple[list[str], dict[str, str], list[str]]:
    """(plan lines, info-table metadata, dropped chrome lines) of a portal page."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception as err:  # noqa: BLE001 - lxml raises several kinds
        raise PlanInputError(name, f"web page that cannot be parsed ({err})") from None
    meta: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("name") or "").lower()
        if key in ("articletitle", "title") and m.get("content"):
            meta.setdefault("page_title", m.get("content").strip())
    for el in root.xpath("//script|//style|//noscript|//iframe|//select|//form|//button"):
        el.drop_tree()
    total = _cjk(root)
    # the info table: any small table or list whose cells carry the portal's labels
    dropped: list[str] = []
    # innermost first: a layout table holding both the info table and the plan keeps the plan
    candidates = sorted(
        root.iter("table", "ul", "div", "dl"), key=lambda e: -sum(1 for _ in e.iterancestors())
    )
    for el in candidates:
        if el.getparent() is None:
            continue
        text = re.sub(r"\s", "", el.text_content())
        labels = {
            lab
            for lab in ("索引号", "发布机构", "文号", "成文日期", "发布日期", "发文机关")
            if lab in text
        }
        if len(labels) >= 2 and len(_CJK.findall(text)) < 400:
            for line in _node_lines(el):
                line = re.sub(r"(?<=[\u4e00-\u9fff])[\s\u3000]+(?=[\u4e00-\u9fff])", "", line)
                for lab, value in _INFO_RE.findall(line):
                    key = _INFO_LABELS.get(lab)
                    if key and value.strip():
                        meta.setdefault(key, value.strip())
            # cells: label in one cell, value in the next
            cells = [
                c.text_content().strip() for c in el.iter("td", "th", "dt", "dd", "span", "li")
            ]
            for a, b in zip(cells, cells[1:], strict=False):
                lab = re.sub(r"[\s\u3000]", "", a).rstrip(":：")
                if (
                    lab in _INFO_LABELS
                    and _INFO_LABELS[lab]
                    and b
                    and b.rstrip(":： ") not in _INFO_LABELS
                ):
                    meta.setdefault(_INFO_LABELS[lab], b)
            dropped.extend(_node_lines(el))
            el.drop_tree()
    # chrome by tag and by class/id
    for el in list(root.iter("nav", "header", "footer", "aside")):
        if el.getparent() is not None and _cjk(el) < 0.5 * max(total, 1):
            dropped.extend(_node_lines(el))
            el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if attrs.strip() and _CHROME_ATTR.search(attrs) and _cjk(el) < 0.3 * max(total, 1):
            dropped.extend(_node_lines(el))
            el.drop_tree()
    body = root.find("body")
    if body is None:
        body = root

    # the content block: the smallest element holding most of the page's paragraph text
    def para_cjk(el) -> int:  # noqa: ANN001
        return sum(len(_CJK.findall(p.text_content())) for p in el.iter("p")) or _cjk(el)

    best, best_score = body, para_cjk(body)
    node = body
    while True:
        kids = [k for k in node if isinstance(k.tag, str)]
        if not kids:
            break
        top = max(kids, key=para_cjk)
        if para_cjk(top) >= 0.85 * best_score and para_cjk(top) > 0:
            node = best = top
        else:
            break
    lines = _node_lines(best)
    # a title outside the content block (h1 above it, or ArticleTitle)
    title = meta.get("page_title")
    if not title:
        h = body.xpath(".//h1|.//h2")
        title = h[0].text_content().strip() if h else ""
    if not title:
        t = root.find(".//title")
        title = (
            re.split(r"[_|｜-]", t.text_content().strip())[0]
            if t is not None and t.text_content()
            else ""
        )
    title = re.sub(r"\s+", " ", title or "").strip()
    # the page's own heading is the plan's title only when it names a plan (a site name
    # such as "XX县人民政府" in <title> is not)
    from compare.grammar import TITLE_END

    if (
        title
        and TITLE_END.search(title.replace(" ", ""))
        and title.replace(" ", "") not in "".join(lines[:8]).replace(" ", "")
    ):
        lines.insert(0, title)
    kept: list[str] = []
    for ln in lines:
        if _CHROME_LINE.match(ln.replace(" ", "")):
            dropped.append(ln)
        else:
            kept.append(ln)
    return [_clean(x) for x in kept], meta, dropped


def _reads_like_prose(lines: list[str]) -> bool:
    """Plan text has sentences: at least 100 Chinese characters and three sentence ends.

    A portal's list page (headlines with dates) has neither.

    >>> _reads_like_prose(["2025年松江区卫生健康工作要点2025-03-20"] * 10)
    False
    """
    text = "".join(lines)
    return len(_CJK.findall(text)) >= 100 and len(re.findall(r"[。；！？]", text)) >= 3


def _html(data: bytes, name: str) -> Extracted:
    html, encoding = _html_decode(data, name)
    lines, meta, dropped = _html_lines(html, name)
    if not _reads_like_prose(lines):
        raise PlanInputError(name, "web page with no plan text (navigation or a list of links?)")
    lines, original = _to_simplified(lines)
    if original:
        import opencc

        conv = opencc.OpenCC("t2s")
        meta = {k: conv.convert(v) for k, v in meta.items()}
    return Extracted(
        text="\n".join(lines),
        format="html",
        sha256=sha256_bytes(data),
        encoding=encoding,
        original=original,
        meta=_normalise_meta(meta),
        furniture=tuple(dropped),
    )


_ISO_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _iso_date(text: str) -> str:
    m = _ISO_DATE.search(text)
    if not m:
        return ""
    y, mo, d = (int(x) for x in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else ""


def _normalise_meta(meta: dict[str, str]) -> dict[str, str]:
    from compare.grammar import normalise_doc_number

    out = {}
    for key, value in meta.items():
        value = re.sub(r"\s+", " ", value).strip()
        if key in ("issue_date", "publish_date"):
            value = _iso_date(value)
        elif key == "doc_number":
            value = normalise_doc_number(value) or ""
        if value:
            out[key] = value
    return out


# --------------------------------------------------------------------------- entry points


def extract_bytes(data: bytes, name: str = "<bytes>", *, ocr: bool = True) -> Extracted:
    """Turn one document's bytes into line-numbered text.

    Parameters
    ----------
    data : bytes
        The file's content (any of :data:`FORMATS`).
    name : str
        Used in error messages only.
    ocr : bool
        Read scanned PDFs with Tesseract (slow: seconds a page).

    Returns
    -------
    Extracted

    Raises
    ------
    compare.exceptions.PlanInputError
        Empty, damaged, encrypted, too long, image-only without OCR, or no
        Chinese text: one line naming the file and the reason.

    Examples
    --------
    >>> body = "".join(f"<p>{n}. 做好第{n}项工作，推进社区卫生服务中心标准化建设，提升基层服务能力。</p>"
    ...                for n in range(1, 5))
    >>> page = f"<html><body><div class='nav'>首页 政务公开</div><p>一、总则</p>{body}</body></html>"
    >>> extract_bytes(page.encode()).text.split("\\n")[:2]
    ['一、总则', '1. 做好第1项工作，推进社区卫生服务中心标准化建设，提升基层服务能力。']
    """
    fmt = detect_format(data)
    if fmt == "pdf":
        return _pdf(data, name, ocr=ocr)
    if fmt == "docx":
        return _docx(data, name)
    if fmt == "docx_broken":
        raise PlanInputError(name, "damaged Word file (.docx zip without a document)")
    if fmt == "doc":
        return _doc(data, name)
    if fmt == "html":
        return _html(data, name)
    raw = decode_bytes(data, name=name)
    lines = [_CONTROL.sub("", x) for x in raw.text.split("\n")]
    lines, original = _to_simplified(lines)
    return Extracted(
        text="\n".join(lines),
        format="text",
        sha256=raw.sha256,
        encoding=raw.encoding,
        original=original if original else (),
    )


def extract_cached(
    data: bytes, name: str = "<bytes>", cache_root: Path | None = None, *, ocr: bool = True
) -> Extracted:
    """:func:`extract_bytes`, served from ``cache_root`` when it was done before.

    The cache entry is keyed by the bytes' SHA-256 and :data:`EXTRACT_VERSION`
    (never by name), written atomically. Plain text is not cached: decoding
    it is faster than reading a cache entry.
    """
    digest = sha256_bytes(data)
    if cache_root is None or detect_format(data) == "text":
        return extract_bytes(data, name, ocr=ocr)
    path = cache_root / digest[:2] / f"{digest}-{EXTRACT_VERSION}.json"
    if path.exists():
        with contextlib.suppress(OSError, ValueError, TypeError):
            return Extracted.from_json(path.read_text(encoding="utf-8"))
    ex = extract_bytes(data, name, ocr=ocr)
    from compare.atomic import write_atomic

    write_atomic(path, ex.to_json().encode("utf-8"))
    return ex
