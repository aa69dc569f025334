"""Test fixtures in the formats researchers download: text PDF, scanned PDF, DOCX, portal HTML, MHTML, OFD.

The seed plans in ``data/raw`` are plain text (some of it markdown, some of it text pulled out
of a PDF). This module turns one into the documents a district actually publishes, so the
extraction stage can be tested on every format against the same content:

>>> from pathlib import Path
>>> text = Path("data/raw/songjiang_2026_work_points.txt").read_text("utf-8")
>>> make_pdf(text, tmp / "plan.pdf", layout="gov")          # doctest: +SKIP
>>> make_scan(text, tmp / "scan.pdf", pages=2)              # doctest: +SKIP

Every ``make_*`` function writes one file and returns its path; ``LAYOUTS`` lists the layouts
of each format. Output is deterministic: byte-identical from run to run.

The text is first cleaned the way the publisher's document had it (:func:`blocks`): markdown
marks stripped, page markers dropped, hard-wrapped lines rejoined into paragraphs; each
paragraph is then classified (letterhead, document number, title, heading, task, signature,
imprint) so that each layout can give it its typical look. :func:`publisher_text` gives the
cleaned text, one paragraph a line.
"""

from __future__ import annotations

import html
import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "LAYOUTS",
    "Block",
    "blocks",
    "publisher_text",
    "make_pdf",
    "make_docx",
    "make_html",
    "make_mhtml",
    "make_ofd",
    "make_scan",
    "make_traditional_html",
    "make_encrypted_pdf",
    "make_corrupt_docx",
    "make_html_without_plan",
    "make_image_only_pdf",
]

LAYOUTS: dict[str, tuple[str, ...]] = {
    "pdf": ("gov", "report"),
    "docx": ("styles", "bold_runs"),
    "html": ("portal_gbk", "portal_utf8"),
    "scan": ("grey150", "bw200"),
    "mhtml": ("chrome", "ie"),
    "ofd": ("gov", "gazette"),
}

#: Fonts from Debian packages (fonts-wqy-zenhei, fonts-arphic-uming): a Ming (Song) face
#: stands in for the FangSong/KaiTi/SimSun of government documents, Zen Hei for SimHei.
MING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
HEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

#: The date stamped into every file's metadata, so output is byte-identical.
FIXED_TIME = (2025, 6, 1, 9, 0, 0)

#: A short plan, for the bad inputs that need some text but not a seed.
SAMPLE_TEXT = """松江区卫生健康委员会文件

沪松卫〔2025〕8号

2025年松江区卫生健康工作要点

一、推进公立医院高质量发展

1. 优化医疗资源配置。推进区域性医疗中心建设，提升社区卫生服务能力。

2. 加强公共卫生体系建设。完善疾病预防控制体系，提高应急处置能力。

二、深化医药卫生体制改革

3. 推进紧密型医联体建设。完善医联体考核制度，促进优质资源下沉。
"""


def _check_layout(fmt: str, layout: str) -> None:
    if layout not in LAYOUTS[fmt]:
        options = ", ".join(repr(x) for x in LAYOUTS[fmt])
        raise ValueError(f"unknown {fmt} layout {layout!r}; choose one of {options}")


# =========================================================================== cleaning

_PAGE_MARKER = re.compile(
    r"^(?:[-—–－─]{1,2}\s*\d{1,4}\s*[-—–－─]{1,2}|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,3})$"
)
_RULE = re.compile(r"^(?:[-*_=]\s*){3,}$")
_TERMINAL = set("。！？；：!?;:")
_CN = "一二三四五六七八九十"
_NUMBERED = re.compile(
    rf"^(?:第[{_CN}百]+[章节条]|[{_CN}]+、|[（(][{_CN}]+[）)]|\d{{1,2}}\s*[、.．](?!\d)"
    rf"|[（(]\d{{1,2}}[）)]|[{_CN}]+是|[①-⑳]|——)"
)
_LETTERHEAD = re.compile(r"^[\u4e00-\u9fff]{4,40}文件$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,10}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号$")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISSUER = re.compile(r"^(?:上海市)?[\u4e00-\u9fff]{2,6}区卫生健康委员会(?:办公室)?$")
_IMPRINT = re.compile(r"^(.*?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发)$")
_ATTACH = re.compile(r"^附\s*件\s*\d*\s*(?:[:：].{0,80})?$")
_PUBLICITY = re.compile(r"^[（(]?\s*(?:信息)?公开属性")
_TITLE_WORDS = re.compile(r"(规划|要点|计划|方案|纲要)")
_HEAD = {
    "h1": re.compile(rf"^(?:第[{_CN}百]+章|[{_CN}]+、)"),
    "h2": re.compile(rf"^[（(][{_CN}]+[）)]"),
    "h3": re.compile(r"^\d{1,2}\s*[、.．](?!\d)"),
}
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_OPEN_CLOSE = ("《》", "（）", "“”", "()")


def _width(s: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 and c not in "—…“”‘’" else 1.0 for c in s)


def _unbalanced(s: str) -> bool:
    return any(s.count(a) > s.count(b) for a, b in _OPEN_CLOSE)


@dataclass
class Block:
    """One paragraph of the publisher's document.

    ``kind`` is one of ``letterhead``, ``docnum``, ``notice`` (the notice's title), ``title``
    (the plan's title), ``h1``, ``h2``, ``h3`` (headings without body text), ``para``,
    ``salutation``, ``attach`` (the 附件 mark), ``issuer``, ``date``, ``publicity`` and
    ``imprint`` (the closing 印发 lines); ``runs`` holds ``(text, bold)`` pieces.
    """

    kind: str
    runs: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)

    def lead(self) -> tuple[str, str]:
        """The paragraph's leading title (bold in the seed, or numbered up to its first 。)."""
        if len(self.runs) > 1 and self.runs[0][1]:
            return self.runs[0][0], "".join(t for t, _ in self.runs[1:])
        text = self.text
        if self.kind == "para" and _NUMBERED.match(text):
            end = text.find("。")
            if 0 < end <= 45 and end < len(text) - 1:
                return text[: end + 1], text[end + 1 :]
        return "", text


def _lines(text: str) -> list[str]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        s = raw.replace("\u3000", " ").strip()
        if not s or _RULE.match(s) or _PAGE_MARKER.match(re.sub(r"\s+", " ", s)):
            continue
        s = re.sub(r"^#{1,6}\s*", "", s)
        s = re.sub(r"^>\s*", "", s).strip()
        if s and s != "****":
            out.append(s)
    return out


def _page_width(lines: list[str]) -> float:
    """The line width of text pulled out of a PDF (0 when lines are paragraphs)."""
    widths = sorted(_width(s) for s in lines)
    if len(widths) < 20:
        return 0.0
    w = widths[int(len(widths) * 0.75)]
    near = [s for s in lines if w - 2 <= _width(s) <= w + 2]
    mid = sum(1 for s in near if s[-1] not in _TERMINAL)
    if w <= 50 and len(near) >= 0.35 * len(lines) and mid >= 0.5 * len(near):
        return w
    return 0.0


def _standalone(s: str) -> bool:
    """Lines that are paragraphs of their own however they end."""
    plain = _BOLD.sub(r"\1", s)
    return bool(
        _LETTERHEAD.match(plain)
        or _DOC_NUMBER.match(plain)
        or _ISSUER.match(plain)
        or _DATE.fullmatch(plain)
        or _IMPRINT.match(plain)
        or _ATTACH.match(plain)
        or _PUBLICITY.match(plain)
        or (plain.startswith("关于") and plain.endswith("通知"))
        or (s.startswith("**") and s.endswith("**"))
    )


def _joins(a: str, s: str, width: float) -> bool:
    """Whether line ``s`` continues the paragraph ending in line ``a`` (a hard wrap)."""
    pa, ps = _BOLD.sub(r"\1", a).replace("*", ""), _BOLD.sub(r"\1", s).replace("*", "")
    if pa.startswith("关于") and ps.endswith("通知") and _width(ps) <= 20:
        return True  # a notice title set over two lines
    if pa[-1] in _TERMINAL or _standalone(a) or _standalone(s) or _NUMBERED.match(ps):
        return False
    if _unbalanced(pa):
        return True
    if width:  # text from a PDF: a wrapped line fills the width
        return _width(pa) >= width - 2.5
    # a wrapped paragraph line is long and stops mid-sentence; a heading is short
    heading = _NUMBERED.match(pa) and "。" not in pa and _width(pa) <= 60
    return _width(pa) >= 20 and not heading


def _paragraphs(text: str) -> list[str]:
    lines = _lines(text)
    width = _page_width(lines)
    out: list[list[str]] = []
    for s in lines:
        if out and _joins(out[-1][-1], s, width):
            out[-1].append(s)
        else:
            out.append([s])
    return ["".join(p) for p in out]


def _runs(p: str) -> list[tuple[str, bool]]:
    runs: list[tuple[str, bool]] = []
    pos = 0
    for m in _BOLD.finditer(p):
        if m.start() > pos:
            runs.append((p[pos : m.start()], False))
        runs.append((m.group(1), True))
        pos = m.end()
    if pos < len(p):
        runs.append((p[pos:], False))
    return [(t.replace("*", ""), b) for t, b in runs if t.replace("*", "")]


def blocks(text: str) -> list[Block]:
    """Clean a seed text into the paragraphs of the publisher's document, classified.

    >>> seed = "## 一、总则\\n\\n**1. 加强应急。**提升急救能力，到年末每10万人配置\\n75台AED。"
    >>> [(b.kind, b.text) for b in blocks(seed)]
    [('h1', '一、总则'), ('para', '1. 加强应急。提升急救能力，到年末每10万人配置75台AED。')]
    """
    paras = _paragraphs(text)
    out: list[Block] = []
    first_h1 = next((i for i, p in enumerate(paras) if _HEAD["h1"].match(_BOLD.sub(r"\1", p))), 0)
    title_at = None
    for i in range(first_h1 - 1, -1, -1):
        p = _BOLD.sub(r"\1", paras[i])
        if (
            _width(p) <= 40
            and _TITLE_WORDS.search(p)
            and p[-1] not in _TERMINAL
            and not p.startswith(("关于", "附件"))
            and "《" not in p
        ):
            title_at = i
            break
    for i, p in enumerate(paras):
        runs = _runs(p)
        plain = "".join(t for t, _ in runs)
        if i == title_at:
            kind = "title"
        elif _LETTERHEAD.match(plain):
            kind = "letterhead"
        elif _DOC_NUMBER.match(plain):
            kind = "docnum"
        elif plain.startswith("关于") and plain.endswith("通知"):
            kind = "notice"
        elif _IMPRINT.match(plain):
            kind = "imprint"
        elif _ISSUER.match(plain):
            # the issuer of the closing imprint, or the signature of the notice
            nxt = _BOLD.sub(r"\1", paras[i + 1]) if i + 1 < len(paras) else ""
            kind = "imprint" if _IMPRINT.match(nxt) else "issuer"
        elif _DATE.fullmatch(plain):
            kind = "date"
        elif _ATTACH.match(plain):
            kind = "attach"
        elif _PUBLICITY.match(plain):
            kind = "publicity"
        elif plain[-1] in "：:" and _width(plain) <= 40 and title_at is not None and i < title_at:
            kind = "salutation"
        else:
            kind = "para"
            for level, rx in _HEAD.items():
                if rx.match(plain) and "。" not in plain[:-1] and _width(plain) <= 60:
                    kind = level
                    break
        out.append(Block(kind, runs))
    return out


def publisher_text(text: str) -> str:
    """The cleaned text of a seed: one paragraph a line, no markdown marks or page markers."""
    return "\n".join(b.text for b in blocks(text)) + "\n"


@dataclass
class _Meta:
    title: str
    notice: str
    issuer: str
    district: str
    doc_number: str
    written: str  # 成文日期, ISO
    published: str  # 发布日期, ISO


def _iso(s: str) -> str:
    m = _DATE.search(s)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def _meta(bs: list[Block]) -> _Meta:
    def first(kind: str) -> str:
        return next((b.text for b in bs if b.kind == kind), "")

    title = first("title") or next((b.text for b in bs if b.text), "")
    issuer = first("issuer") or next(
        (b.text for b in bs if b.kind == "imprint" and _ISSUER.match(b.text)), ""
    )
    if not issuer:
        m = _IMPRINT.match(first("imprint"))
        issuer = m.group(1) if m else ""
    m = re.search(r"([\u4e00-\u9fff]{2})区", first("letterhead") + issuer + title)
    district = m.group(1) if m else "松江"
    if not issuer:
        issuer = f"上海市{district}区卫生健康委员会"
    issuer = re.sub(r"办公室$", "", issuer)
    imprint_date = _iso(" ".join(b.text for b in bs if b.kind == "imprint"))
    written = _iso(first("date")) or imprint_date
    return _Meta(
        title=title,
        notice=first("notice"),
        issuer=issuer,
        district=district,
        doc_number=re.sub(r"\s+", "", first("docnum")),
        written=written,
        published=imprint_date or written,
    )


# =========================================================================== PDF (reportlab)


@cache
def _register_fonts() -> None:
    """Register the CJK fonts under the names government PDFs carry."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in (MING, HEI):
        if not path.exists():
            raise FileNotFoundError(
                f"{path} is missing: apt-get install fonts-arphic-uming fonts-wqy-zenhei "
                "(or `make browser`)"
            )
    for name, path in [
        ("FangSong_GB2312", MING),
        ("KaiTi_GB2312", MING),
        ("FZXiaoBiaoSong-B05S", MING),
        ("SimSun", MING),
        ("SimHei", HEI),
    ]:
        font = TTFont(name, str(path), subfontIndex=0)
        # the PDF's /BaseFont comes from the face's PostScript name: make it the registered one
        font.face.name = name.encode("ascii")
        font.face.subfontNameX = b""
        pdfmetrics.registerFont(font)


@dataclass
class _Style:
    font: str
    size: float
    leading: float
    bold_font: str | None = None  # None: fake bold (fill and stroke), as Word exports it
    align: str = "justify"  # justify, left, center, right
    indent: float = 2.0  # first-line indent, in characters
    before: float = 0.0
    after: float = 0.0
    color: tuple[float, float, float] = (0, 0, 0)
    bold: bool = False  # the whole paragraph


@dataclass
class _Layout:
    name: str
    page: tuple[float, float]
    left: float
    right: float
    top: float
    bottom: float
    styles: dict[str, _Style]
    break_before_attach: bool


def _mm(x: float) -> float:
    return x * 72 / 25.4


def _pdf_layout(name: str) -> _Layout:
    if name == "gov":  # GB/T 9704: 156 x 225 mm type area, 22 lines of 28 characters
        size, lead = 15.75, _mm(225) / 22
        body = _Style("FangSong_GB2312", size, lead)
        return _Layout(
            name,
            (_mm(210), _mm(297)),
            left=_mm(28),
            right=_mm(26),
            top=_mm(37),
            bottom=_mm(35),
            break_before_attach=True,
            styles={
                "para": body,
                "title": _Style(
                    "FZXiaoBiaoSong-B05S", 22, 34, align="center", indent=0, after=lead
                ),
                "notice": _Style(
                    "FZXiaoBiaoSong-B05S", 22, 34, align="center", indent=0, after=lead
                ),
                "h1": _Style("SimHei", size, lead),
                "h2": _Style("KaiTi_GB2312", size, lead),
                "h3": _Style("FangSong_GB2312", size, lead, bold=True),
                "salutation": _Style("FangSong_GB2312", size, lead, indent=0),
                "attach": _Style("SimHei", size, lead, indent=0),
                "issuer": _Style("FangSong_GB2312", size, lead, align="right", before=lead),
                "date": _Style("FangSong_GB2312", size, lead, align="right"),
                "publicity": _Style("FangSong_GB2312", size, lead),
                "imprint": _Style("FangSong_GB2312", 14, lead, align="left", indent=1),
                "docnum": _Style("FangSong_GB2312", size, lead, align="center", indent=0),
                "letterhead": _Style("FangSong_GB2312", size, lead, align="center", indent=0),
            },
        )
    size, lead = 12.9, 12.9 * 1.5  # about 35 characters a line, 1.5 line spacing
    body = _Style("SimSun", size, lead, bold_font="SimHei", align="left", after=4)
    return _Layout(
        name,
        (_mm(210), _mm(297)),
        left=_mm(25.4),
        right=_mm(25.4),
        top=_mm(30),
        bottom=_mm(28),
        break_before_attach=False,
        styles={
            "para": body,
            "title": _Style("SimHei", 18, 28, align="center", indent=0, before=8, after=14),
            "notice": _Style("SimHei", 16, 26, align="center", indent=0, after=10),
            "h1": _Style("SimHei", 14, 22, align="left", indent=0, before=8, after=4),
            "h2": _Style("SimHei", 13, lead, align="left", indent=0, before=4, after=2),
            "h3": _Style("SimHei", size, lead, align="left", indent=0, after=2),
            "salutation": _Style("SimSun", size, lead, align="left", indent=0),
            "attach": _Style("SimHei", size, lead, align="left", indent=0, before=12),
            "issuer": _Style("SimSun", size, lead, align="right", before=lead),
            "date": _Style("SimSun", size, lead, align="right", after=6),
            "publicity": _Style("SimSun", 10.5, 16, align="left", indent=0, after=8),
            "imprint": _Style("SimSun", 10.5, 16, align="right", indent=0),
            "docnum": _Style("SimSun", size, lead, align="center", indent=0, after=6),
            "letterhead": _Style("SimSun", size, lead, align="center", indent=0),
        },
    )


_NO_LINE_START = set("，。、；：？！”’）》」』】％%…·,.;:?!)]")
_NO_LINE_END = set("“‘（《「『【([")
_TOKEN = re.compile(r"[A-Za-z0-9.%‰+\-/]+|\s+|.", re.S)


@dataclass
class _Piece:
    text: str
    font: str
    fake_bold: bool
    width: float


def _wrap(runs: list[tuple[str, bool]], style: _Style, width: float) -> list[list[_Piece]]:
    """Break runs into lines no wider than ``width`` (punctuation may hang over it)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    tokens: list[_Piece] = []
    for text, bold in runs:
        bold = bold or style.bold
        font = style.bold_font if bold and style.bold_font else style.font
        fake = bold and not style.bold_font
        for t in _TOKEN.findall(text):
            tokens.append(_Piece(t, font, fake, stringWidth(t, font, style.size)))
    lines: list[list[_Piece]] = [[]]
    used = style.indent * style.size
    for tok in tokens:
        line = lines[-1]
        if not line and tok.text.isspace():
            continue
        if used + tok.width > width + 0.01 and line and tok.text not in _NO_LINE_START:
            carry = []
            while line and line[-1].text in _NO_LINE_END:
                carry.insert(0, line.pop())
            lines.append(carry)
            used = sum(p.width for p in carry)
            if tok.text.isspace():
                continue
        lines[-1].append(tok)
        used += tok.width
    return [ln for ln in lines if ln]


@dataclass
class _Placed:
    y: float
    x: float
    pieces: list[_Piece]
    size: float
    char_space: float
    color: tuple[float, float, float]
    scale: float = 100.0  # horizontal scaling, per cent


@dataclass
class _Page:
    lines: list[_Placed] = field(default_factory=list)
    rules: list[tuple[float, float, float, tuple[float, float, float], float]] = field(
        default_factory=list
    )  # (x0, x1, y, colour, width)
    images: list[tuple[object, float, float, float, float]] = field(default_factory=list)


def _lay_out(bs: list[Block], lay: _Layout, meta: _Meta) -> list[_Page]:
    pw, ph = lay.page
    width = pw - lay.left - lay.right
    pages = [_Page()]
    y = ph - lay.top
    red = (0.85, 0.05, 0.05)

    def new_page() -> None:
        nonlocal y
        pages.append(_Page())
        y = ph - lay.top

    letterhead = next((b.text for b in bs if b.kind == "letterhead"), "")
    docnum = next((b.text for b in bs if b.kind == "docnum"), "")
    if letterhead or lay.name == "report":
        if lay.name == "gov":
            # 发文机关标志: red, large, horizontally squeezed to the type area
            from reportlab.pdfbase.pdfmetrics import stringWidth

            size = 40.0
            w = stringWidth(letterhead, "FZXiaoBiaoSong-B05S", size)
            scale = min(1.0, width / w)
            y -= size * 0.2
            piece = _Piece(letterhead, "FZXiaoBiaoSong-B05S", False, w)
            x = lay.left + (width - w * scale) / 2
            pages[-1].lines.append(_Placed(y - size, x, [piece], size, 0.0, red, scale * 100))
            y -= size + 30
        else:
            img = _letterhead_png(letterhead or f"上海市{meta.district}区卫生健康委员会文件")
            h = 40.0
            w = h * img.width / img.height
            if w > width:
                w, h = width, width * img.height / img.width
            pages[-1].images.append((img, lay.left + (width - w) / 2, y - h, w, h))
            y -= h + 10
        if docnum:
            st = lay.styles["docnum"]
            for ln in _wrap([(docnum, False)], st, width):
                lw = sum(p.width for p in ln)
                y -= st.leading
                pages[-1].lines.append(
                    _Placed(y, lay.left + (width - lw) / 2, ln, st.size, 0, st.color)
                )
        y -= 12
        pages[-1].rules.append(
            (lay.left, lay.left + width, y, red, 2.0 if lay.name == "gov" else 1)
        )
        y -= 20

    imprint_started = False
    for b in bs:
        if b.kind in ("letterhead", "docnum") and (
            (b.text == letterhead and letterhead) or b.text == docnum
        ):
            continue
        st = lay.styles[b.kind]
        bare_attach = b.kind == "attach" and not re.search("[:：]", b.text)
        if bare_attach and lay.break_before_attach and pages[-1].lines:
            new_page()
        lines = _wrap(b.runs, st, width - (2 * st.size if st.align == "right" else 0))
        if b.kind == "imprint" and not imprint_started:
            imprint_started = True
            if y - st.before - st.leading * 2 < lay.bottom:
                new_page()
            y -= st.leading * 0.5
            pages[-1].rules.append((lay.left, lay.left + width, y, (0, 0, 0), 0.8))
        y -= st.before
        for k, ln in enumerate(lines):
            if y - st.leading < lay.bottom:
                new_page()
            y -= st.leading
            lw = sum(p.width for p in ln)
            indent = st.indent * st.size if k == 0 else 0.0
            x, cs = lay.left + indent, 0.0
            if st.align == "center":
                x = lay.left + (width - lw) / 2
            elif st.align == "right":
                x = lay.left + width - 2 * st.size - lw
            elif st.align == "justify" and k < len(lines) - 1:
                n = sum(len(p.text) for p in ln)
                if n > 1:
                    cs = (width - indent - lw) / (n - 1)
            pages[-1].lines.append(_Placed(y, x, ln, st.size, cs, st.color))
        y -= st.after
    if imprint_started:
        pages[-1].rules.append((lay.left, lay.left + width, y - 6, (0, 0, 0), 0.8))
    return pages


def _letterhead_png(text: str):
    """The letterhead as a picture (red characters), as report-style PDFs embed it."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(MING), 96, index=0)
    box = font.getbbox(text)
    img = Image.new("RGB", (box[2] - box[0] + 40, box[3] - box[1] + 40), "white")
    ImageDraw.Draw(img).text((20 - box[0], 20 - box[1]), text, font=font, fill=(215, 20, 20))
    return img


def _draw(pages: list[_Page], lay: _Layout, meta: _Meta, dest, encrypt=None) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _register_fonts()
    c = canvas.Canvas(
        dest,
        pagesize=lay.page,
        invariant=1,
        pageCompression=1,
        encrypt=encrypt,
        initialFontName=lay.styles["para"].font,  # no stray Helvetica in the font list
    )
    c.setTitle(meta.notice or meta.title)
    c.setAuthor(meta.issuer)
    c.setCreator("Microsoft® Word 2016" if lay.name == "gov" else "WPS 文字")
    pw, ph = lay.page
    total = len(pages)
    for no, page in enumerate(pages, start=1):
        if lay.name == "report":  # running header and "第 n 页 共 N 页" footer
            c.setFont("SimSun", 9)
            c.setFillColorRGB(0.35, 0.35, 0.35)
            c.drawCentredString(pw / 2, ph - _mm(15), meta.title)
            c.setStrokeColorRGB(0.5, 0.5, 0.5)
            c.setLineWidth(0.5)
            c.line(lay.left, ph - _mm(17), pw - lay.right, ph - _mm(17))
            c.drawCentredString(pw / 2, _mm(14), f"第 {no} 页 共 {total} 页")
        else:  # "— n —": odd pages on the right, even pages on the left
            c.setFont("FangSong_GB2312", 14)
            c.setFillColorRGB(0, 0, 0)
            label = f"— {no} —"
            if no % 2:
                c.drawRightString(pw - lay.right - 14, lay.bottom - _mm(11), label)
            else:
                c.drawString(lay.left + 14, lay.bottom - _mm(11), label)
        for img, x, y, w, h in page.images:
            c.drawImage(ImageReader(img), x, y, w, h)
        for x0, x1, y, colour, lw in page.rules:
            c.setStrokeColorRGB(*colour)
            c.setLineWidth(lw)
            c.line(x0, y, x1, y)
        for pl in page.lines:
            t = c.beginText(pl.x, pl.y)
            t.setFillColorRGB(*pl.color)
            t.setStrokeColorRGB(*pl.color)
            t.setHorizScale(pl.scale)
            t.setCharSpace(pl.char_space)
            for p in pl.pieces:
                t.setFont(p.font, pl.size)
                t.setTextRenderMode(2 if p.fake_bold else 0)
                t.textOut(p.text)
            c.saveState()  # text state (Tr, Tc, Tz) outlives BT/ET; q/Q resets it
            c.setLineWidth(0.35)
            c.drawText(t)
            c.restoreState()
        c.showPage()
    c.save()


def _pdf_bytes(text: str, layout: str, encrypt=None) -> bytes:
    _check_layout("pdf", layout)
    _register_fonts()
    bs = blocks(text)
    meta = _meta(bs)
    lay = _pdf_layout(layout)
    buf = io.BytesIO()
    _draw(_lay_out(bs, lay, meta), lay, meta, buf, encrypt=encrypt)
    return buf.getvalue()


def make_pdf(text: str, path: Path, layout: str = "gov") -> Path:
    """Write a PDF with a text layer, as a district office exports it.

    Layouts
    -------
    ``gov``
        A red-headed government document (GB/T 9704): A4, red letterhead and rule, lines of 28
        characters justified and broken mid-sentence, 仿宋 body (font ``FangSong_GB2312``),
        黑体 (``SimHei``) and 楷体 (``KaiTi_GB2312``) headings, "— 3 —" page numbers on the
        right of odd and the left of even pages, the attachment on a new page.
    ``report``
        An exported report: letterhead as an image, the plan title as a running header on every
        page, "第 3 页 共 9 页" footer, ragged lines of about 35 characters in ``SimSun`` at 1.5
        line spacing.
    """
    path = Path(path)
    path.write_bytes(_pdf_bytes(text, layout))
    return path


def make_encrypted_pdf(text: str, path: Path) -> Path:
    """Write a ``gov`` PDF that opens only with a password (user password ``compare``)."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("compare", ownerPassword="owner", canPrint=0, canCopy=0)
    path = Path(path)
    path.write_bytes(_pdf_bytes(text, "gov", encrypt=enc))
    return path


# =========================================================================== scans


def make_scan(text: str, path: Path, layout: str = "grey150", pages: int | None = None) -> Path:
    """Write an image-only PDF, as from a scanner: no text layer at all.

    Layouts
    -------
    ``grey150``
        The ``gov`` PDF printed and scanned at 150 dpi in greys, skewed 0.5°, with sensor noise.
    ``bw200``
        The ``report`` PDF scanned at 200 dpi black and white, skewed -0.8°, with specks.

    ``pages`` keeps only the first pages (OCR takes seconds a page); all pages by default.
    """
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    _check_layout("scan", layout)
    dpi, source, angle, seed = {
        "grey150": (150, "gov", 0.5, 150),
        "bw200": (200, "report", -0.8, 200),
    }[layout]
    pdf = pdfium.PdfDocument(_pdf_bytes(text, source))
    rng = np.random.default_rng(seed)
    images = []
    n = len(pdf) if pages is None else min(pages, len(pdf))
    for i in range(n):
        im = pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        im = im.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        a = np.asarray(im, dtype=np.float32)
        if layout == "grey150":
            a = a * 0.92 + 8 + rng.normal(0, 4, a.shape)  # paper is never white
            im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
        else:
            a = a + rng.normal(0, 25, a.shape)
            specks = rng.random(a.shape) < 0.0004
            a[specks] = 0
            im = Image.fromarray(np.where(a < 150, 0, 255).astype(np.uint8), "L").convert("1")
        images.append(im)
    pdf.close()
    stamp = time.struct_time((*FIXED_TIME, 0, 152, 0))
    path = Path(path)
    images[0].save(
        path,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=float(dpi),
        **({"quality": 70} if layout == "grey150" else {}),
        title="Scan",
        producer="Scanner",
        creationDate=stamp,
        modDate=stamp,
    )
    return path


def make_image_only_pdf(path: Path) -> Path:
    """Write a one-page scanned PDF (a short plan, no text layer)."""
    return make_scan(SAMPLE_TEXT, path, layout="grey150", pages=1)


# =========================================================================== DOCX


def _set_fonts(style, ascii_font: str, east_asia: str, size: float, bold=None, color=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style.font.name = ascii_font
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(*(color or (0, 0, 0)))
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:eastAsia", "w:eastAsiaTheme", "w:asciiTheme", "w:hAnsiTheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member dates, so the file is byte-identical run to run."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def _docx_bytes(text: str, layout: str) -> bytes:
    import datetime as dt

    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    _check_layout("docx", layout)
    bs = blocks(text)
    meta = _meta(bs)
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    props = doc.core_properties
    props.author = props.last_modified_by = meta.issuer
    props.title = meta.notice or meta.title
    props.created = props.modified = dt.datetime(*FIXED_TIME)
    props.revision = 1
    _set_fonts(doc.styles["Normal"], "Times New Roman", "仿宋_GB2312", 16)
    doc.styles["Normal"].paragraph_format.line_spacing = Pt(28.9)
    if layout == "styles":
        _set_fonts(doc.styles["Title"], "Times New Roman", "方正小标宋简体", 22, bold=False)
        _set_fonts(doc.styles["Heading 1"], "Times New Roman", "黑体", 16, bold=False)
        _set_fonts(doc.styles["Heading 2"], "Times New Roman", "楷体_GB2312", 16, bold=False)
        _set_fonts(doc.styles["Heading 3"], "Times New Roman", "仿宋_GB2312", 16, bold=True)
        doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style_of = {"title": "Title", "h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3"}

    def para(runs, align=None, indent=True, size=None, color=None, style=None):
        p = doc.add_paragraph(style=style)
        if align is not None:
            p.alignment = align
        if indent and align is None:
            p.paragraph_format.first_line_indent = Pt(32)
        for t, bold in runs:
            r = p.add_run(t)
            r.bold = bold or None
            if size:
                r.font.size = Pt(size)
            if color:
                r.font.color.rgb = RGBColor(*color)
        return p

    def table(cells: list[str], rows: int, cols: int) -> None:
        tb = doc.add_table(rows=rows, cols=cols)
        tb.alignment = WD_TABLE_ALIGNMENT.RIGHT if cols == 1 else WD_TABLE_ALIGNMENT.CENTER
        for cell, value in zip(tb._cells, cells, strict=True):
            cell.text = value
            cell.paragraphs[0].alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if cols == 1 else WD_ALIGN_PARAGRAPH.LEFT
            )
        if cols == 2:
            tb._cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    i = 0
    center = WD_ALIGN_PARAGRAPH.CENTER
    while i < len(bs):
        b = bs[i]
        nxt = bs[i + 1] if i + 1 < len(bs) else None
        if layout == "styles" and b.kind == "issuer" and nxt is not None and nxt.kind == "date":
            table([b.text, nxt.text], 2, 1)  # signature: issuer over date
            i += 2
            continue
        if layout == "styles" and b.kind == "imprint":
            parts = [x.text for x in bs[i:] if x.kind == "imprint"]
            m = _IMPRINT.match(parts[0]) if len(parts) == 1 else None
            cells = [m.group(1), m.group(2)] if m and m.group(1) else (parts + [""])[:2]
            table(cells, 1, 2)  # 版记: issuer on the left, date on the right
            i += len(parts)
            continue
        if b.kind == "letterhead":
            if layout == "styles":
                para(b.runs, center, size=36, color=(0xD7, 0x14, 0x14))
            else:
                para(b.runs, indent=False)
        elif b.kind == "docnum":
            para(b.runs, center if layout == "styles" else None, indent=False)
        elif b.kind in style_of and layout == "styles":
            para(b.runs, style=style_of[b.kind], indent=b.kind != "title")
        elif b.kind in ("title", "notice"):
            para([(b.text, layout == "bold_runs")], center, size=22)
        elif b.kind in ("h1", "h2", "h3"):
            para([(b.text, True)])
        elif b.kind in ("issuer", "date"):
            para(b.runs, WD_ALIGN_PARAGRAPH.RIGHT)
        elif b.kind in ("salutation", "attach", "imprint", "publicity"):
            para(b.runs, indent=False)
        else:
            lead, rest = b.lead()
            if layout == "bold_runs" and lead:
                para([(lead, True), (rest, False)])
            else:
                para(b.runs)
        i += 1
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def make_docx(text: str, path: Path, layout: str = "styles") -> Path:
    """Write a Word document.

    Layouts
    -------
    ``styles``
        A document typed with Word's styles: the plan title in ``Title``, 一、 headings in
        ``Heading 1``, （一） in ``Heading 2``, 1、 headings in ``Heading 3``, body ``Normal``;
        red letterhead; the notice's signature (issuer over date) in a 2x1 table and the closing
        imprint (issuer | 印发 date) in a 1x2 table.
    ``bold_runs``
        A document typed without styles: every paragraph ``Normal``; headings and task titles
        are bold runs at the start of a paragraph, the body follows in the same paragraph;
        letterhead and document number plain paragraphs.
    """
    path = Path(path)
    path.write_bytes(_docx_bytes(text, layout))
    return path


def make_corrupt_docx(path: Path) -> Path:
    """Write a DOCX cut off in the middle, as an interrupted download leaves it."""
    data = _docx_bytes(SAMPLE_TEXT, "styles")
    path = Path(path)
    path.write_bytes(data[: len(data) * 3 // 5])
    return path


# =========================================================================== HTML

_CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333}
a{color:#333;text-decoration:none}.wrap{width:1000px;margin:0 auto}
.top{background:#b5121b;color:#fff}.nav li{display:inline-block;padding:0 18px}
.footer{background:#eee;text-align:center;font-size:12px;padding:16px 0}"""


def _p_html(b: Block, layout: str) -> str:
    inner = "".join(
        f"<strong>{html.escape(t)}</strong>" if bold else html.escape(t) for t, bold in b.runs
    )
    if layout == "portal_gbk":
        align = {
            "title": "center",
            "notice": "center",
            "letterhead": "center",
            "docnum": "center",
            "issuer": "right",
            "date": "right",
        }.get(b.kind)
        if b.kind in ("title", "notice"):
            inner = f"<strong>{inner}</strong>"
        if b.kind in ("h1", "h2", "h3") and "<strong>" not in inner:
            inner = f"<strong>{inner}</strong>"
        return f'<p style="text-align:{align}">{inner}</p>' if align else f"<p>{inner}</p>"
    if b.kind in ("title", "notice", "letterhead", "docnum"):
        return f'<p style="text-align:center"><b>{inner}</b></p>'
    return f'<p style="text-indent:2em">{inner}</p>'


def _content_html(bs: list[Block], layout: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(bs):
        b = bs[i]
        if layout == "portal_utf8":
            # TRS editor pages: short lines that belong together share a <p>, split by <br>
            group = [b]
            pairs = {("letterhead", "docnum"), ("issuer", "date"), ("imprint", "imprint")}
            while i + len(group) < len(bs) and (group[-1].kind, bs[i + len(group)].kind) in pairs:
                group.append(bs[i + len(group)])
            if len(group) > 1:
                align = "right" if group[0].kind in ("issuer", "imprint") else "center"
                lines = "<br>\n".join(html.escape(g.text) for g in group)
                out.append(f'<p style="text-align:{align}">{lines}</p>')
                i += len(group)
                continue
        out.append(_p_html(b, layout))
        i += 1
    return "\n".join(out)


def _related(meta: _Meta) -> list[tuple[str, str]]:
    d = meta.district
    year = (meta.published or "2025")[:4]
    return [
        (f"{int(year) - 1}年{d}区卫生健康工作总结", f"{int(year) - 1}-12-30"),
        (f"关于开展{year}年{d}区爱国卫生月活动的通知", f"{year}-03-28"),
        (f"{d}区{year}年政府信息公开工作要点", f"{year}-03-12"),
        (f"{d}区卫生健康委员会{year}年部门预算", f"{year}-02-10"),
        (f"关于{d}区{year}年医疗机构校验工作的通知", f"{year}-01-22"),
    ]


def _portal_gbk(bs: list[Block], meta: _Meta) -> str:
    d = meta.district
    heading = meta.notice or meta.title
    index_no = (
        f"31011700{sum(map(ord, meta.title)) % 10000:04d}/{(meta.written or '2025')[:4]}-00019"
    )
    info = [
        ("索引号", index_no),
        ("发布机构", meta.issuer),
        ("文号", meta.doc_number),
        ("主题分类", "卫生、体育\\医药管理"),
        ("成文日期", meta.written),
        ("发布日期", meta.published),
    ]
    rows = "\n".join(
        f"<tr><th>{k}：</th><td>{html.escape(v)}</td><th>{k2}：</th><td>{html.escape(v2)}</td></tr>"
        for (k, v), (k2, v2) in zip(info[::2], info[1::2], strict=True)
    )
    related = "\n".join(
        f'<li><a href="/zwgk/{n:03d}.html" target="_blank">{html.escape(t)}</a>'
        f"<span>{date}</span></li>"
        for n, (t, date) in enumerate(_related(meta), start=101)
    )
    nav = "".join(
        f'<li><a href="/{k}/">{v}</a></li>'
        for k, v in [
            ("", "首页"),
            ("zwgk", "政务公开"),
            ("zwfw", "政务服务"),
            ("hdjl", "互动交流"),
            ("zjsj", f"走进{d}"),
        ]
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="gbk">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{html.escape(heading)}_上海市{d}区人民政府</title>
<meta name="SiteName" content="上海市{d}区人民政府">
<meta name="ArticleTitle" content="{html.escape(heading)}">
<style>{_CSS}</style>
<script type="text/javascript">var _hmt = _hmt || []; /* 访问统计 */</script>
</head>
<body>
<div class="top"><div class="wrap"><div class="logo">上海{d}</div>
<div class="search"><input type="text" value="请输入关键字"><a href="/search/">搜索</a></div>
<ul class="nav">{nav}</ul></div></div>
<div class="wrap">
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/jhzj/">计划总结</a></div>
<div class="article">
<h1 class="article-title">{html.escape(heading)}</h1>
<table class="xxgk-info" cellspacing="0" cellpadding="0">
{rows}
</table>
<div class="article-content" id="zoom">
{_content_html(bs, "portal_gbk")}
</div>
<div class="article-tools">字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>
分享到：<a href="#">微信</a> <a href="#">微博</a>
【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div>
<div class="related"><h3>相关链接</h3><ul>
{related}
</ul></div>
<div class="hot"><h3>热点阅读</h3><ul>
<li><a href="/rd/1.html">{d}区推进紧密型医联体建设工作纪实</a></li>
<li><a href="/rd/2.html">{d}区举办家庭医生签约服务宣传周活动</a></li>
</ul></div>
</div>
<div class="footer"><div class="wrap">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/sm/">使用帮助</a></p>
<p>版权所有：上海市{d}区人民政府办公室　主办：上海市{d}区人民政府</p>
<p>网站标识码：3101170001　<a href="https://beian.miit.gov.cn/">沪ICP备05048326号-1</a>　沪公网安备 31011702000123号</p>
</div></div>
</body>
</html>
"""


def _portal_utf8(bs: list[Block], meta: _Meta) -> str:
    d = meta.district
    heading = meta.notice or meta.title
    left = "\n".join(
        f'<li><a href="/wjw/{k}/">{v}</a></li>'
        for k, v in [
            ("jgzn", "机构职能"),
            ("zcwj", "政策文件"),
            ("ghjh", "规划计划"),
            ("tjxx", "统计信息"),
            ("rsxx", "人事信息"),
            ("yjgl", "应急管理"),
        ]
    )
    related = _related(meta)
    prev, nxt = related[1][0], related[3][0]
    reads = 1000 + sum(map(ord, heading)) % 9000
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="Keywords" content="{html.escape(meta.title)}">
<meta name="Description" content="{html.escape(heading)}">
<title>{html.escape(heading)}-{d}区卫生健康委员会</title>
<link rel="stylesheet" href="/wjw/css/style.css">
</head>
<body>
<header class="site-head"><div class="w">{d}区卫生健康委员会 | <a href="/">返回首页</a></div></header>
<div class="w main">
<aside class="left-col"><h3>信息公开</h3><ul>
{left}
</ul></aside>
<section class="right-col">
<div class="pos">您所在的位置：<a href="/">首页</a> &gt;&gt; <a href="/wjw/ghjh/">规划计划</a></div>
<h2 class="arti-title">{html.escape(heading)}</h2>
<div class="arti-info">发布时间：{meta.published} 来源：{html.escape(meta.issuer)} 阅读次数：<span id="readcount">{reads}</span></div>
<div class="TRS_Editor">
{_content_html(bs, "portal_utf8")}
</div>
<div class="pager"><p>上一篇：<a href="/wjw/ghjh/101.html">{html.escape(prev)}</a></p>
<p>下一篇：<a href="/wjw/ghjh/103.html">{html.escape(nxt)}</a></p></div>
</section>
</div>
<footer class="site-foot"><div class="w">
<p>主办单位：上海市{d}区卫生健康委员会　地址：上海市{d}区某某路1号　联系电话：021-12345678</p>
<p>沪ICP备05048326号　网站标识码：3101170001</p>
</div></footer>
<script src="/wjw/js/count.js"></script>
</body>
</html>
"""


def _html_page(text: str, layout: str) -> str:
    _check_layout("html", layout)
    bs = blocks(text)
    meta = _meta(bs)
    return (_portal_gbk if layout == "portal_gbk" else _portal_utf8)(bs, meta)


def _write_html(page: str, path: Path, layout: str) -> Path:
    path = Path(path)
    encoding = "gbk" if layout == "portal_gbk" else "utf-8"
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path


def make_html(text: str, path: Path, layout: str = "portal_gbk") -> Path:
    """Write a page saved from a government portal.

    Layouts
    -------
    ``portal_gbk``
        A district government site's 政务公开 page, encoded GBK (``<meta charset="gbk">``): site
        header and menu, breadcrumb, an information table (索引号, 发布机构, 文号, 成文日期,
        发布日期), the text as ``<p>`` paragraphs, print/close links, related headlines and a
        footer with 版权所有, 网站标识码 and an ICP number.
    ``portal_utf8``
        A commission's own site, UTF-8: a left column of links, the title in
        ``<meta name="Keywords">``, the text in ``<div class="TRS_Editor">`` with indented
        ``<p>`` and ``<br>`` inside some of them, a 上一篇/下一篇 pager, a 阅读次数 counter.
    """
    return _write_html(_html_page(text, layout), path, layout)


def make_traditional_html(text: str, path: Path, layout: str = "portal_utf8") -> Path:
    """Write a portal page whose text (and chrome) is in traditional characters (OpenCC s2t).

    UTF-8 by default, as traditional-character sites are; ``portal_gbk`` writes characters
    outside GBK as numeric character references, as browsers save them.
    """
    import opencc

    # markup is ASCII, which s2t leaves alone: the whole page converts, attributes included
    page = opencc.OpenCC("s2t").convert(_html_page(text, layout))
    return _write_html(page, path, layout)


def make_html_without_plan(path: Path) -> Path:
    """Write a portal page with no plan on it: the 计划总结 list page, headlines only."""
    meta = _meta(blocks(SAMPLE_TEXT))
    items = "\n".join(
        f'<li><a href="/zwgk/{n}.html">{html.escape(t)}</a><span>{date}</span></li>'
        for n, (t, date) in enumerate(_related(meta) + [(meta.title, "2025-03-20")], start=1)
    )
    page = f"""<!DOCTYPE html>
<html><head><meta charset="gbk"><title>计划总结_上海市{meta.district}区人民政府</title></head>
<body>
<div class="top">上海{meta.district} | 首页 政务公开 政务服务 互动交流</div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 计划总结</div>
<ul class="list">
{items}
</ul>
<div class="page">共 6 条 首页 上一页 <b>1</b> 下一页 尾页</div>
<div class="footer">版权所有：上海市{meta.district}区人民政府办公室 网站标识码：3101170001 沪ICP备05048326号</div>
</body></html>
"""
    return _write_html(page, path, "portal_gbk")


# =========================================================================== MHTML and OFD


def make_mhtml(text: str, path: Path, layout: str = "chrome") -> Path:
    """Write a portal page saved as one file (MIME, ``multipart/related``).

    Layouts
    -------
    ``chrome``
        Chrome/Edge "save as single file" (.mhtml): Blink's headers, the ``portal_utf8`` page
        quoted-printable with no charset on the part (the page's meta says UTF-8), its CSS as
        a second part.
    ``ie``
        IE / 360 browser (.mht): MimeOLE headers, the ``portal_gbk`` page in GBK as base64,
        the part labelled ``charset="gb2312"`` as those browsers label GBK pages.
    """
    import base64
    import quopri

    _check_layout("mhtml", layout)
    if layout == "chrome":
        raw = _html_page(text, "portal_utf8").encode("utf-8")
        body = quopri.encodestring(raw)
        head = [b"Content-Type: text/html", b"Content-Transfer-Encoding: quoted-printable"]
        top = [b"From: <Saved by Blink>", b"Subject: =?utf-8?Q?page?="]
    else:
        raw = _html_page(text, "portal_gbk").encode("gbk", errors="xmlcharrefreplace")
        body = base64.encodebytes(raw)
        head = [
            b'Content-Type: text/html;\r\n\tcharset="gb2312"',
            b"Content-Transfer-Encoding: base64",
        ]
        top = [b"From: <Saved by Windows Internet Explorer 11>", b"X-MimeOLE: Produced By MimeOLE"]
    boundary = b"----=_NextPart_000_0000_01DB0A1B.2C3D4E50"
    out = [
        *top,
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="'
        + boundary
        + b'"',
        b"",
        b"",
        b"--" + boundary,
        *head,
        b"Content-Location: https://wsjkw.example.gov.cn/art/2025/3/20/art_1.html",
        b"",
        body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
        b"--" + boundary,
        b"Content-Type: text/css",
        b"Content-Location: https://wsjkw.example.gov.cn/css/main.css",
        b"",
        b"body{font-size:16px}",
        b"--" + boundary + b"--",
        b"",
    ]
    path = Path(path)
    path.write_bytes(b"\r\n".join(out))
    return path


def make_ofd(text: str, path: Path, layout: str = "gov") -> Path:
    """Write an OFD (GB/T 33190) with the ``gov`` PDF layout's lines at the same places.

    Each laid-out line is a ``TextObject`` per font run with a ``TextCode`` at its baseline
    and the characters' advances as ``DeltaX`` (millimetres, top-left origin).

    Layouts
    -------
    ``gov``
        The red-headed page of ``make_pdf(layout="gov")``: "— 3 —" page numbers on the page.
    ``gazette``
        As a gazette system publishes it: the same pages with a running header naming the
        gazette in a template every page uses (``Tpls/Tpl_0``).
    """
    _check_layout("ofd", layout)
    _register_fonts()
    bs = blocks(text)
    meta = _meta(bs)
    lay = _pdf_layout("gov")
    pages = _lay_out(bs, lay, meta)
    ph = lay.page[1]
    mm = 25.4 / 72
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    obj = 0

    def text_object(x: float, y: float, size: float, chunk: str, advance: float) -> str:
        nonlocal obj
        obj += 1
        deltas = f"g {len(chunk) - 1} {advance * mm:.3f}" if len(chunk) > 1 else ""
        return (
            f'<ofd:TextObject ID="{obj}" Boundary="{x * mm:.3f} {(ph - y - size) * mm:.3f} '
            f'{(advance * len(chunk) + size) * mm:.3f} {size * 1.4 * mm:.3f}" Font="1" '
            f'Size="{size * mm:.3f}"><ofd:TextCode X="0" Y="{size * mm:.3f}" DeltaX="{deltas}">'
            f"{html.escape(chunk)}</ofd:TextCode></ofd:TextObject>"
        )

    files: dict[str, str] = {}
    refs = []
    for n, page in enumerate(pages):
        objects = []
        for pl in page.lines:
            x = pl.x
            for piece in pl.pieces:
                if not piece.text:
                    continue
                advance = piece.width * pl.scale / 100 / len(piece.text) + pl.char_space
                objects.append(text_object(x, pl.y, pl.size, piece.text, advance))
                x += advance * len(piece.text)
        number = f"— {n + 1} —"
        x = lay.page[0] - lay.right - 14 - 14 * 4 if (n + 1) % 2 else lay.left + 14
        page_number = text_object(x, lay.bottom - _mm(11), 14, number, 14 * 0.6)
        objects.append(page_number)
        template = '<ofd:Template TemplateID="100"/>' if layout == "gazette" else ""
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f'<ofd:Page {ns}>{template}<ofd:Content><ofd:Layer ID="{8000 + n}">'
            + "".join(objects)
            + "</ofd:Layer></ofd:Content></ofd:Page>"
        )
        refs.append(f'<ofd:Page ID="{10 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
    templates = ""
    if layout == "gazette":
        templates = '<ofd:TemplatePage ID="100" BaseLoc="Tpls/Tpl_0/Content.xml"/>'
        files["Doc_0/Tpls/Tpl_0/Content.xml"] = (
            f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="9000">'
            + text_object(lay.left, ph - _mm(15), 9, "某某市人民政府公报（电子版）", 9)
            + "</ofd:Layer></ofd:Content></ofd:Page>"
        )
    files["Doc_0/Document.xml"] = (
        f"<ofd:Document {ns}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
        f"</ofd:PhysicalBox></ofd:PageArea>{templates}</ofd:CommonData>"
        f"<ofd:Pages>{''.join(refs)}</ofd:Pages></ofd:Document>"
    )
    files["OFD.xml"] = (
        f'<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>'
        f"{html.escape(meta.title)}</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml"
        "</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("OFD.xml", *sorted(k for k in files if k != "OFD.xml")):
            info = zipfile.ZipInfo(name, date_time=(2025, 3, 20, 9, 0, 0))
            z.writestr(info, files[name], zipfile.ZIP_DEFLATED)
    return path
