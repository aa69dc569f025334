"""Any document format → line-numbered text with the page of every line.

Researchers download plans as PDF, Word, OFD, saved portal pages or scans. Each is
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
* **Image scans and photos** (PNG, JPEG, TIFF, BMP, WebP, told by their magic
  bytes): Pillow opens them (a multi-page TIFF's frames are its pages, a
  photo is turned upright by its EXIF orientation, transparency goes on
  white, small images are enlarged) and the same Tesseract path reads them
  (:mod:`compare.images`). A phone's HEIC photo gets one line asking for JPEG.
* **.docx**: python-docx, body paragraphs and tables in document order (content
  controls included); a bold run that opens a paragraph is marked ``**…**`` so
  the parser sees a bold title; Word's rendered page breaks give pages when the
  file has them. Text boxes (a red head's 文号, a title) are read once, as lines
  before their anchor paragraph; tracked changes read as accepted (inserted and
  moved-to text in, deleted and moved-away text out); footnotes and endnotes
  follow the paragraph that cites them (``注1：…``); see :mod:`compare.word`.
  A task table (序号 | 工作任务 | 责任单位 | 完成时限), in Word or on a portal
  page, is written a row per numbered task with its other cells as
  ``（责任单位：…；完成时限：…）`` (:func:`task_table_lines`).
* **.doc / .wps**: converted to .docx by LibreOffice headless, when installed.
* **HTML**: lxml, with explicit rules for government portals (hand-written
  because the rules are about this genre: the info table feeds metadata, and
  navigation, breadcrumbs, share/print links, related-link lists and footers
  are dropped; see :mod:`compare.portal`); Word is read by :mod:`compare.word`.
* **MHTML** (a page saved as one file: ``.mhtml`` by Chrome/Edge, ``.mht`` by
  IE and the 360 browser): the standard library's :mod:`email` reads the MIME
  parts (quoted-printable or base64, the part's charset, else the page's own);
  the HTML part with the most Chinese text goes through the portal rules.
* **OFD** (GB/T 33190, the fixed layout of gazettes and e-document systems):
  hand-written with zipfile and lxml (:mod:`compare.ofd`; the PyPI OFD
  packages render to images or PDF, or are young 0.x releases): text runs
  are put into lines by baseline then X, with pages; running headers and a
  template's text shared by pages are set aside as for PDF.
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
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from compare import config, grammar
from compare.exceptions import PlanInputError
from compare.io import decode_bytes, sha256_bytes, to_simplified_converter

__all__ = [
    "EXTRACT_VERSION",
    "FORMATS",
    "LOW_CONFIDENCE",
    "MAX_PDF_PAGES",
    "Extracted",
    "detect_format",
    "extract_bytes",
    "extract_cached",
    "paged_text",
]

#: Bump whenever extraction output may change: it keys every cache.
EXTRACT_VERSION = "1.4.0"
#: Formats this module reads (what :func:`detect_format` returns).
FORMATS = ("text", "pdf", "scan", "image", "docx", "doc", "html", "mhtml", "ofd")
#: Mean Tesseract word confidence (0–100) below which an OCR page is flagged.
LOW_CONFIDENCE = 70.0
#: Pages above which a PDF is refused (a plan is rarely over 100 pages; a
#: 300-page compendium is not one plan).
MAX_PDF_PAGES = 200
#: Seconds LibreOffice may take to convert one .doc/.wps file.
SOFFICE_TIMEOUT = 120

CJK = re.compile(r"[\u4e00-\u9fff]")
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


#: Magic bytes of the image formats a scan or a photographed page comes in.
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
#: The header block of a MIME message saved by a browser (.mhtml/.mht): MIME-Version
#: and a multipart (or HTML) Content-Type before the first blank line.
_MIME_HEAD = re.compile(rb"\A(?:[\x21-\x39\x3b-\x7e]+:[^\n]*\n(?:[ \t][^\n]*\n)*)+?\r?\n", re.S)
_MIME_TYPE = re.compile(
    rb"^content-type:\s*(multipart/(related|mixed|alternative)|text/html)", re.I | re.M
)


def image_kind(data: bytes) -> str:
    """``"PNG"``, ``"JPEG"``, ``"TIFF"``, ``"BMP"``, ``"WEBP"`` or ``""`` (magic bytes).

    >>> image_kind(b"\\x89PNG\\r\\n\\x1a\\n..."), image_kind(b"II*\\x00..."), image_kind("一、".encode())
    ('PNG', 'TIFF', '')
    """
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if (
        data[:2] == b"BM"
        and len(data) > 18
        and data[14] in (12, 40, 52, 56, 108, 124)
        and not any(data[15:18])
    ):
        return "BMP"
    return ""


def _is_mime(data: bytes) -> bool:
    """A MIME message (a page saved as .mhtml/.mht): its header block names MIME and HTML."""
    head = data[:8192].removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    m = _MIME_HEAD.match(head)
    if m is None:
        return False
    block = m.group(0)
    return bool(re.search(rb"^mime-version:", block, re.I | re.M)) and bool(
        _MIME_TYPE.search(block)
    )


def detect_format(data: bytes) -> str:
    """The format of a file's bytes (content decides, never the name).

    Returns ``"pdf"`` (text layer or scan; :func:`extract_bytes` decides
    which), ``"image"`` (PNG, JPEG, TIFF, BMP, WebP: a scan or photo, read by
    OCR), ``"docx"``, ``"ofd"`` (GB/T 33190, a zip holding ``OFD.xml``),
    ``"doc"`` (Word 97–2003 and WPS, both OLE files), ``"mhtml"`` (a web page
    saved as one MIME file, .mhtml/.mht), ``"html"`` or ``"text"``.

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
            names = z.namelist()
            if "word/document.xml" in names:
                return "docx"
            if "OFD.xml" in names:
                return "ofd"
            if any(n.startswith(("xl/", "ppt/")) for n in names):
                return "office_other"
            if "[Content_Types].xml" not in names:
                return "zip_other"
            return "docx_broken"
        # the zip's directory is unreadable (a download cut short): its local headers
        # still name the parts, and an OFD package's main part is OFD.xml
        return "ofd_broken" if b"OFD.xml" in data and b"word/" not in data else "docx_broken"
    if image_kind(data):
        return "image"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):  # a phone's HEIC photo
        return "heic"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "doc"
    if _is_mime(data):
        return "mhtml"
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or (
        low.startswith(b"<")
        and re.search(rb"<(html|head|body|meta|div|p)[\s>]", data[:4096].lower())
    ):
        return "html"
    return "text"


# --------------------------------------------------------------------------- shared


def clean(line: str) -> str:
    """Control characters out, spaces a PDF/OCR puts between CJK characters out."""
    line = _CONTROL.sub("", line).replace("\u00a0", " ").rstrip()
    return _SPACE_BETWEEN_CJK.sub("", line)


#: Header cells of a task table's columns: the task itself, its number, its area.
_TASK_HEAD, _NUMBER_HEAD = grammar.TASK_HEAD_CELL, grammar.NUMBER_HEAD_CELL
_TEXT_HEAD, _AREA_HEAD = grammar.TEXT_HEAD_CELL, grammar.AREA_HEAD_CELL
_NUMBER_CELL = re.compile(r"^[0-9０-９]{1,3}[.．、]?$")


def task_table_lines(rows: list[list[str]]) -> list[str] | None:
    """A task table (序号 | 工作任务 | 责任单位 | 完成时限) as the lines a plan would print.

    Annual plans often give their tasks as a table (重点任务分解表, 任务清单):
    a row per task, a column naming it, others naming who does it by when.
    Each row becomes a numbered task line (the 序号 cell's number, else the
    row's place), the task's own paragraphs, then the other cells as the
    plan's usual note ``（责任单位：…；完成时限：…）``. A row with one cell
    filled, or an area column's new value, is a heading (unnumbered ones as
    ``## …``). Returns None when ``rows`` (cell texts, paragraphs split by
    ``"\\n"``) is not a task table, so other tables read as before.

    >>> task_table_lines([["序号", "工作任务", "责任单位"], ["1", "推进医联体建设。组建集团。", "医政科"]])
    ['序号 工作任务 责任单位', '1.推进医联体建设。组建集团。', '（责任单位：医政科）']
    """

    def flat(cell: str) -> str:
        return re.sub(r"\s+", "", cell)

    head_at = next(
        (
            k
            for k, row in enumerate(rows[:3])
            if any(_TASK_HEAD.match(flat(c)) for c in row) and sum(1 for c in row if flat(c)) >= 2
        ),
        None,
    )
    if head_at is None or len(rows) <= head_at + 1:
        return None
    head = [flat(c) for c in rows[head_at]]
    task_col = next(k for k, c in enumerate(head) if _TASK_HEAD.match(c))
    num_col = next((k for k, c in enumerate(head) if _NUMBER_HEAD.match(c)), None)
    area_cols = [k for k, c in enumerate(head) if _AREA_HEAD.search(c) and k != task_col]
    # a second column of the task's own words (重点任务 | 具体措施): more of its text
    text_cols = [
        k
        for k, c in enumerate(head)
        if k > task_col and k not in area_cols and (_TASK_HEAD.match(c) or _TEXT_HEAD.search(c))
    ]
    out = [flat(c) for row in rows[:head_at] for c in row if flat(c)]
    out.append(" ".join(c for c in head if c))
    n = 0
    for row in rows[head_at + 1 :]:
        cells = [c.strip() for c in row] + [""] * (len(head) - len(row))
        filled = [c for c in cells if flat(c)]
        if not filled:
            continue
        if len(set(filled)) == 1 and not flat(cells[task_col] if task_col < len(cells) else ""):
            one = filled[0].replace("\n", "")
            out.append(one if _numbered(one) else "## " + one)
            continue
        if len(set(filled)) == 1 and len(filled) > 1:  # a row merged across: a heading
            one = filled[0].replace("\n", "")
            out.append(one if _numbered(one) else "## " + one)
            continue
        for k in area_cols:
            if k < len(cells) and flat(cells[k]):
                area = cells[k].replace("\n", "")
                out.append(area if _numbered(area) else "## " + area)
        task = [x.strip() for x in cells[task_col].split("\n") if x.strip()]
        if not task and not n:
            out.extend(c.replace("\n", "") for c in filled)
            continue
        if task:
            n += 1
        label = flat(cells[num_col]) if num_col is not None and num_col < len(cells) else ""
        if not task:
            pass  # the task's cell merged down: another measure of the task above
        elif _numbered(task[0]):
            out.append(task[0])
        elif _NUMBER_CELL.match(label):
            number = label.rstrip(".．、")
            out.append(f"{number}{'、' if label.endswith('、') else '.'}{task[0]}")
        else:
            out.append(f"{n}.{task[0]}")
        out.extend(task[1:])
        for k in text_cols:
            out.extend(x.strip() for x in cells[k].split("\n") if x.strip())
        notes = [
            f"{head[k]}：{flat(c)}" if head[k] else flat(c)
            for k, c in enumerate(cells)
            if k not in (task_col, num_col, *area_cols, *text_cols) and flat(c) and k < len(head)
        ]
        if notes:
            out.append("（" + "；".join(notes) + "）")
    return out


def _numbered(text: str) -> bool:
    from compare.grammar import numbering_of

    return numbering_of(text) is not None


def to_simplified(lines: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """Convert traditional-Chinese lines to simplified; the originals when converted.

    A text counts as traditional when OpenCC changes at least 3% of its
    Chinese characters (a simplified plan changes almost none).
    """
    sample = "".join(lines)
    n_cjk = len(CJK.findall(sample))
    if n_cjk < 20:
        return lines, ()
    conv = to_simplified_converter()
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
        if n >= need and not clean_line(0, k.replace("#", "1")).artefact and CJK.search(k)
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
        chars = sum(len(CJK.findall(t)) for t in texts)
        if chars < 20 * n:  # no text layer worth the name: a scan
            if not ocr:
                raise PlanInputError(name, "scanned PDF (no text layer) and OCR is switched off")
            return _ocr_pdf(pdf, data, name)
    finally:
        pdf.close()
    page_lines = [
        [clean(x) for x in t.replace("\r\n", "\n").replace("\r", "\n").split("\n")] for t in texts
    ]
    return paged_text(page_lines, data, fmt="pdf")


def paged_text(
    page_lines: list[list[str]],
    data: bytes,
    *,
    fmt: str,
    set_aside: list[list[bool]] | None = None,
) -> Extracted:
    """Lines page by page → :class:`Extracted`, running headers and footers set aside.

    Shared by the fixed-layout formats (PDF, OFD): a line repeated at the top
    or bottom of most pages is page furniture (:func:`_page_furniture`), as is
    a line flagged in ``set_aside`` (an OFD template's text); both are kept in
    :attr:`Extracted.furniture`, every other line keeps its page.

    Examples
    --------
    >>> ex = paged_text([["一、总则", "1. 做好工作。"], ["2. 抓好落实。"]], b"", fmt="pdf")
    >>> ex.text.splitlines()[2], ex.pages
    ('2. 抓好落实。', (1, 1, 2))
    """
    furniture = _page_furniture(page_lines)
    lines: list[str] = []
    pages: list[int] = []
    dropped: list[str] = []
    for no, plines in enumerate(page_lines, start=1):
        flags = set_aside[no - 1] if set_aside else [False] * len(plines)
        for k, (ln, flagged) in enumerate(zip(plines, flags, strict=True)):
            if flagged or _is_furniture(plines, k, furniture, first_page=no == 1):
                dropped.append(ln)
                continue
            lines.append(ln)
            pages.append(no)
    lines, original = to_simplified(lines)
    return Extracted(
        text="\n".join(lines),
        format=fmt,
        sha256=sha256_bytes(data),
        encoding=fmt,
        pages=tuple(pages),
        original=original,
        furniture=tuple(dropped),
        n_pages=len(page_lines),
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
        text = _ocr_fix(clean(" ".join(w for w, _ in words)))
        out.append((text, sum(c for _, c in words) / len(words)))
    return out


def _ocr_pdf(pdf, data: bytes, name: str) -> Extracted:  # noqa: ANN001 - a PdfDocument
    problem = _tesseract_ready()
    if problem:
        raise PlanInputError(name, f"scanned PDF (no text layer) and {problem}")
    images = []
    for i in range(len(pdf)):
        page = pdf[i]
        images.append(page.render(scale=300 / 72, grayscale=True).to_pil())
        page.close()
    return ocr_images(images, data, name, fmt="scan", what="scanned PDF")


def ocr_images(images: list, data: bytes, name: str, *, fmt: str, what: str) -> Extracted:
    """Page images read by Tesseract: a line per OCR line, its page and mean confidence.

    Pages are read in parallel (one core each); a page whose mean word
    confidence is below :data:`LOW_CONFIDENCE` is listed. ``what`` names the
    source in the error raised when OCR finds no Chinese text.
    """
    from concurrent.futures import ThreadPoolExecutor

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per page, pages in parallel
    workers = max(1, min(len(images), config.worker_count()))
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
    if not any(CJK.search(x) for x in lines):
        raise PlanInputError(name, f"{what} in which OCR found no Chinese text")
    lines, original = to_simplified(lines)
    return Extracted(
        text="\n".join(lines),
        format=fmt,
        sha256=sha256_bytes(data),
        encoding="ocr:chi_sim",
        pages=tuple(pages),
        confidence=tuple(conf),
        original=original,
        low_confidence_pages=tuple(low),
        n_pages=len(results),
    )


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
    return _extract(data, name, detect_format(data), ocr=ocr)


def _extract(data: bytes, name: str, fmt: str, *, ocr: bool) -> Extracted:
    """:func:`extract_bytes` of bytes whose format :func:`detect_format` has read."""
    if fmt == "pdf":
        return _pdf(data, name, ocr=ocr)
    if fmt == "docx":
        from compare.word import read_docx

        return read_docx(data, name)
    if fmt == "docx_broken":
        raise PlanInputError(name, "damaged Word file (.docx zip without a document)")
    if fmt == "ofd_broken":
        raise PlanInputError(name, "damaged OFD file (the zip package is cut short or corrupt)")
    if fmt == "office_other":
        raise PlanInputError(
            name, "Excel or PowerPoint file: not read (save it as PDF, or the plan as Word)"
        )
    if fmt == "zip_other":
        raise PlanInputError(
            name, "zip archive holding neither a Word document nor an OFD file (OFD.xml)"
        )
    if fmt == "ofd":
        from compare.ofd import read_ofd

        return read_ofd(data, name)
    if fmt == "image":
        from compare.images import read_image

        return read_image(data, name, ocr=ocr)
    if fmt == "heic":
        raise PlanInputError(name, "HEIC photo: save it as JPEG or PNG to have it read by OCR")
    if fmt == "mhtml":
        from compare.portal import read_mhtml

        return read_mhtml(data, name)
    if fmt == "doc":
        from compare.word import read_doc

        return read_doc(data, name)
    if fmt == "html":
        from compare.portal import read_html

        return read_html(data, name)
    raw = decode_bytes(data, name=name)
    lines = [_CONTROL.sub("", x) for x in raw.text.split("\n")]
    lines, original = to_simplified(lines)
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
    fmt = detect_format(data)
    if cache_root is None or fmt == "text":
        return _extract(data, name, fmt, ocr=ocr)
    digest = sha256_bytes(data)
    path = cache_root / digest[:2] / f"{digest}-{EXTRACT_VERSION}.json"
    if path.exists():
        with contextlib.suppress(OSError, ValueError, TypeError):
            return Extracted.from_json(path.read_text(encoding="utf-8"))
    ex = _extract(data, name, fmt, ocr=ocr)
    from compare.atomic import write_atomic

    write_atomic(path, ex.to_json().encode("utf-8"))
    return ex
