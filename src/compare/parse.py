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
import unicodedata
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from compare.io import read_plan_bytes

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
PARSER_VERSION = "1.3.1"

CN_DIGITS = "零一二三四五六七八九十百"
_CN = f"[{CN_DIGITS}]+"
_LEFT = r"[（(]"
_RIGHT = r"[）)]"


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
    ``list_item``, ``closing``, ``attachment``; ``role`` refines metadata
    (``doc_number``, ``notice_title``, ``title``, ``issuer``, ``date``,
    ``letterhead``, ``info`` for a portal's information table, ``chrome`` for
    portal navigation and controls).
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


# --------------------------------------------------------------------------- lines

_PAGE_MARKER = re.compile(
    r"^(?:[-—–－─]{1,2}\s*\d{1,4}\s*[-—–－─]{1,2}"
    r"|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|\d{1,3})$"  # a bare page number on its own line
)
_RULE = re.compile(r"^(?:[-*_=]\s*){3,}$")
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_MD_QUOTE = re.compile(r"^>\s*")
_BOLD = re.compile(r"\*\*|__")
_WS = re.compile(r"[\s\u3000\u00a0\ufeff\u200b]+")
#: Control and invisible format characters (NUL, BEL, ESC, DEL, C1 controls,
#: soft hyphen, zero-width marks): never content, removed from every line.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200c-\u200f\u2060\ufffe]")

#: Characters that end a sentence or a clause block: a line ending in one of
#: these is not a hard wrap.
_TERMINAL = set("。！？；：!?;:…")
_CLOSE_QUOTES = set("”’」』）)】》")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _squash(text: str) -> str:
    """Collapse white space; drop it between CJK characters (PDF artefacts).

    >>> _squash("2025 年长宁区　卫生健康 工作要点")
    '2025年长宁区卫生健康工作要点'
    """
    parts = _WS.split(text.strip())
    out = parts[0] if parts else ""
    for part in parts[1:]:
        if not part:
            continue
        a, b = out[-1:] or " ", part[0]
        both_alnum = a.isascii() and a.isalnum() and b.isascii() and b.isalnum()
        a_letter = a.isascii() and a.isalpha()
        b_letter = b.isascii() and b.isalpha()
        out += (" " + part) if both_alnum or a_letter or b_letter else part
    return out


def _indent(raw: str) -> int:
    """Width of a raw line's leading white space (a full-width space counts 2)."""
    return _width(raw[: len(raw) - len(raw.lstrip())].replace("\t", "    "))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


@dataclass
class _Line:
    no: int  # 1-based line number in the raw file
    raw: str
    text: str  # cleaned: markup and outer white space removed, inner spaces squashed
    bold: str  # the leading bold span (cleaned), if the line starts with one
    artefact: bool  # page marker, rule or blank


def clean_line(no: int, raw: str) -> _Line:
    """Clean one raw line: markup and white space removed; artefact lines flagged.

    Examples
    --------
    >>> clean_line(3, "**1. 加强 应急。**配置AED").text, clean_line(9, "— 4 —").artefact
    ('1.加强应急。配置AED', True)
    >>> clean_line(5, "做好\\x00监测\\x07。").text
    '做好监测。'
    """
    s = _CONTROL.sub("", raw).replace("\u3000", " ").strip()
    if not s or _RULE.match(s) or _PAGE_MARKER.match(_WS.sub(" ", s)):
        return _Line(no, raw, "", "", True)
    s = _MD_QUOTE.sub("", _MD_HEADING.sub("", s))
    bold = ""
    m = re.match(r"^\s*(\*\*|__)(.+?)(\*\*|__)", s)
    if m:
        bold = _squash(_BOLD.sub("", m.group(2)))
    s = _squash(_BOLD.sub("", s))
    if not s:
        return _Line(no, raw, "", "", True)
    return _Line(no, raw, s, bold, False)


def content_chars(text: str) -> str:
    """Every content character of a raw text, in order, without white space.

    Artefacts (markdown marks, rules, page markers) are not content.

    Examples
    --------
    >>> content_chars("## **一、总则**\\n\\n— 4 —\\n正文")
    '一、总则正文'
    """
    lines = [clean_line(i, r) for i, r in enumerate(text.split("\n"), start=1)]
    return "".join(_WS.sub("", ln.text) for ln in lines if not ln.artefact)


# --------------------------------------------------------------------------- numbering

_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")}


def cn_to_int(s: str) -> int:
    """Chinese numeral (up to 999) to int.

    >>> [cn_to_int(x) for x in ("一", "十", "十二", "二十三", "一百", "一百零一", "一百一十")]
    [1, 10, 12, 23, 100, 101, 110]
    """
    if "百" in s:
        hundreds, _, rest = s.partition("百")
        rest = rest.lstrip("零")
        return (_CN_VALUE.get(hundreds, 1) if hundreds else 1) * 100 + (
            cn_to_int(rest) if rest else 0
        )
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_VALUE.get(tens, 1) if tens else 1) * 10 + (
            _CN_VALUE.get(ones, 0) if ones else 0
        )
    return _CN_VALUE.get(s, 0)


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (style, rank, pattern). The pattern captures the number; the match's end is
# where the heading text starts.
_STYLES: list[tuple[str, int, re.Pattern[str]]] = [
    ("chapter", 0, re.compile(rf"^第({_CN})(?:章|部分|篇)\s*")),
    ("jie", 1, re.compile(rf"^第({_CN})节\s*")),
    ("cn_dun", 2, re.compile(rf"^({_CN})\s*[、，．.]\s*")),
    ("cn_paren", 3, re.compile(rf"^{_LEFT}\s*({_CN})\s*{_RIGHT}\s*[、，．.]?\s*")),
    ("ar_dot", 4, re.compile(r"^(\d{1,3})\s*[.．](?![\d.．])\s*")),
    ("ar_dun", 4, re.compile(r"^(\d{1,3})\s*[、，]\s*")),
    ("ar_paren", 5, re.compile(rf"^{_LEFT}\s*(\d{{1,3}})\s*{_RIGHT}\s*[、，．.]?\s*")),
    ("cn_shi", 6, re.compile(rf"^({_CN})是\s*")),
    ("circled", 7, re.compile(rf"^([{_CIRCLED}])\s*")),
]


@dataclass
class _Num:
    style: str
    rank: int
    value: int
    label: str  # the number token as printed, white space removed: "一、", "（一）", "1."
    rest: str  # the text after the number token


def _numbering(text: str) -> _Num | None:
    for style, rank, pat in _STYLES:
        m = pat.match(text)
        if not m:
            continue
        token = m.group(1)
        if style in ("ar_dot", "ar_dun", "ar_paren"):
            value = int(token)
        elif style == "circled":
            value = _CIRCLED.index(token) + 1
        else:
            value = cn_to_int(token)
        rest = text[m.end() :]
        if value <= 0 or not rest.strip():
            continue
        if style == "cn_dun" and rest[:1] in "是":
            continue
        return _Num(style, rank, value, _WS.sub("", m.group(0)), rest)
    return None


# --------------------------------------------------------------------------- metadata

_DOC_NUMBER = re.compile(
    r"^([\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*第?\s*(\d{1,4})\s*号$"
)
_CN_YEAR = "[〇○零一二三四五六七八九]"
_DATE = re.compile(
    rf"(\d{{4}}|{_CN_YEAR}{{4}})\s*年\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,2}})\s*月"
    r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_DATE_LINE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,30}?(?:委员会|局|办公室|政府|中心)(?:办公室)?)?\s*"
    + _DATE.pattern
    + r"\s*(?:印发|发布|制发)?$"
)
_ORG_LINE = re.compile(
    r"^[\u4e00-\u9fff]{2,40}?(?:委员会|卫生健康局|卫生局|卫健委|政府|办公室|管理局|中心)(?:办公室)?$"
)
_LETTERHEAD = re.compile(r"^[\u4e00-\u9fff]{4,40}文件$")
_NOTICE = re.compile(
    r"关于(?:印发|转发|下发)?.{0,6}《(.+?)》.{0,12}?的?通知"
    r"|关于(?:印发|转发|下发)(?!.{0,6}《)(.+?)的通知"
)
#: A notice's own title line: "关于印发…的通知", possibly after the issuer's name.
_NOTICE_LINE = re.compile(r"^[\u4e00-\u9fff]{0,30}?关于")
#: A title ends with the name of its genre (and perhaps a period or draft note).
_TITLE_END = re.compile(
    r"(?:规划|要点|计划|方案|意见|纲要|安排)(?:[（(][^（()）]{0,20}[）)])?[》”\"]?$"
)
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*(?:[:：].{0,80})?$")
_CLOSING = re.compile(r"^(?:抄送|抄报|主送|印发|联系人|联系电话)[:：]?")
_PUBLICITY = re.compile(r"^[（(]?\s*(?:(?:信息)?公开属性|此件(?:主动|不予|依申请)?公开)")
#: Web-portal chrome around a plan published as a page: breadcrumbs, site
#: names, print/close/font/share controls, previous/next links, footers.
_BREADCRUMB_SEP = re.compile(r"\s*(?:>>|[>＞»›→]|&gt;)\s*")
_CHROME_START = re.compile(
    r"^[【\[]?(?:当前位置|当前的位置|您的位置|您当前的位置|您现在的位置|所在位置|现在位置)[:：]"
    r"|^[【\[]?(?:字体|字号)[:：]?\s*[【\[]?(?:大|特大)"
    r"|^(?:分享到|分享至|分享)[:：]?|^扫一扫|^(?:上一篇|下一篇|上一条|下一条)[:：]"
    r"|^(?:相关链接|相关文章|相关阅读|相关新闻|相关文件|推荐阅读|热点推荐)[:：]?$"
    r"|^(?:主办单位|承办单位|技术支持|维护单位|网站标识码|版权所有|Copyright|©)"
    r"|ICP备|公网安备|网站标识码|版权所有"
    r"|^[\u4e00-\u9fff]{2,30}(?:门户网站|政府网|政务网|政务服务网)$"
    r"|^(?:政府信息公开|政务公开|信息公开)(?:专栏|目录|平台)?$",
    re.I,
)
_CHROME_WORDS = re.compile(
    r"打印(?:本页|此页|文章|正文)?|关闭(?:窗口|本页|页面)?|加入收藏|收藏(?:本页)?|返回(?:顶部|首页|列表)?"
    r"|保存(?:本页)?|我要纠错|纠错|分享到?|微信|微博|QQ空间|字体|字号|[大中小]|默认|扫一扫"
    r"|[【】\[\]\s|｜/:：·]"
)
#: Keys of the information table a portal prints above a published document.
_INFO_KEY = re.compile(
    r"(索\s*引\s*号|发布机构|发文机关|发文机构|发文单位|发布单位|信息来源|文章来源|来\s*源"
    r"|发文字号|文\s*号|成文日期|发文日期|印发日期|发布日期|发布时间|生效日期|实施日期|有\s*效\s*性"
    r"|主题分类|主\s*题\s*词|体裁分类|组配分类|服务对象|公开方式|公开范围|公开时限|所属机构"
    r"|信息名称|名\s*称|标\s*题|浏览次数|访问次数|点击数|阅读次数|作\s*者)\s*[:：]"
)
_ISO_DATE = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")


def _is_chrome(text: str) -> bool:
    """A line of web-portal chrome (never title, district or task).

    >>> [_is_chrome(t) for t in ("首页>政务公开>计划总结", "【打印】【关闭】", "一、加强基层")]
    [True, True, False]
    """
    flat = _WS.sub("", text)
    if not flat:
        return False
    if _CHROME_START.search(flat):
        return True
    parts = [x for x in _BREADCRUMB_SEP.split(flat) if x]
    short = len(parts) >= 2 and len(flat) <= 100 and all(len(x) <= 16 for x in parts)
    if short and (parts[0] in ("首页", "网站首页", "主页") or len(parts) >= 3):
        return True
    return len(flat) <= 40 and not _CHROME_WORDS.sub("", flat) and len(flat) >= 2


def _info_fields(text: str) -> list[tuple[str, str]] | None:
    """Fields of a portal information-table line, or None if it is not one.

    >>> _info_fields("索引号：113305/2025-00031 发布机构：某某区卫生健康局")
    [('索引号', '113305/2025-00031'), ('发布机构', '某某区卫生健康局')]
    """
    flat = _squash(text)
    if not _INFO_KEY.match(flat):
        return None
    keys = list(_INFO_KEY.finditer(flat))
    if not keys or keys[0].start() != 0:
        return None
    out = []
    for k, key in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(flat)
        out.append((_WS.sub("", key.group(1)), flat[key.end() : end].strip()))
    return out


def _info_date(value: str) -> str | None:
    m = _ISO_DATE.search(value)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    return _find_date(value)


_DISTRICT = re.compile(
    # at the start, after a year or after a non-Chinese character; then an
    # optional province and city: 浙江省湖州市吴兴区, 鄂尔多斯市伊金霍洛旗, 南山区
    r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=年))"
    r"(?:[\u4e00-\u9fff]{2,5}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,5}?(?:市|州|盟|地区))?"
    r"(?![市州盟区县旗])([\u4e00-\u9fff]{2,5}?)(新区|区|县|市|旗)"
    r"(?=卫生|卫健|医|人民政府|疾病|中医|健康|\d|“|\")"
)
#: Words that open a phrase such as 全区, 本县, 各区: no place name.
_NOT_A_NAME = tuple("全本我各该辖此")
_TITLE_WORDS = re.compile(r"(规划|要点|计划|方案|意见|纲要|安排)")
_FYP = re.compile(
    r"[“\"]?(十[一二三四五六七八九]|[一二三四五六七八九])五[”\"]?\s*(?:时期|期间)?.{0,12}规划"
)
_YEAR_RANGE = re.compile(r"[（(]\s*(\d{4})\s*[-—–～~至]\s*(\d{4})\s*年?\s*[）)]")

#: Part titles that hold context, not tasks: review, situation, principles,
#: targets, safeguards (matched whole, on short titles only).
_CONTEXT_PART = re.compile(
    r"^(?:\d{4}年|[“\"]?十[一二三四五六七八九]五[”\"]?(?:时期|期间)?)?"
    r"(?:发展|主要|总体|基本|工作|指导|规划|重要|保障|组织|实施|预期|项目|具体|年度|考核)?"
    r"(?:基础|形势|要求|思想|原则|目标|指标|措施|回顾|成效|成绩|进展|背景|愿景|环境|机遇|挑战|实施|保障|定位"
    r"|对象|范围)"
    r"(?:和|与|及)?(?:主要)?(?:目标|指标|原则|措施|挑战|机遇|保障|要求|范围|对象)?$"
)
#: Part titles that hold the tasks (主要任务, 重点任务和举措, 重点工作…).
_TASK_PART = re.compile(r"(?:主要|重点|核心)(?:任务|工作|举措)|任务举措|工作任务|主要措施")


def _cn_or_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 4:  # 二〇二五: digit by digit
        return int(
            "".join(
                str("〇一二三四五六七八九".index(c.replace("○", "〇").replace("零", "〇")))
                for c in s
            )
        )
    return cn_to_int(s)


def _find_date(text: str) -> str | None:
    """ISO date of the first date in ``text`` (Arabic or Chinese numerals).

    >>> _find_date("二〇二五年三月二十日"), _find_date("2026 年 5 月 10 日印发")
    ('2025-03-20', '2026-05-10')
    """
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = (_cn_or_int(x) for x in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _fyp_period(n_text: str) -> tuple[int, int] | None:
    """Period of the n-th five-year plan from its Chinese ordinal.

    The 3rd plan ran 1966–1970 and every later one follows on; earlier ones
    are before any health-commission plan of interest.

    >>> _fyp_period("十四"), _fyp_period("十五")
    ((2021, 2025), (2026, 2030))
    """
    n = cn_to_int(n_text)
    if n < 3:
        return None
    start = 1966 + 5 * (n - 3)
    return start, start + 4


def _norm_doc_number(text: str) -> str | None:
    m = _DOC_NUMBER.match(_WS.sub("", text))
    if not m:
        return None
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"


def normalise_doc_number(text: str) -> str | None:
    """A document number in its normal form, ``None`` when ``text`` is not one.

    >>> normalise_doc_number("长卫健发 〔2025〕 27 号")
    '长卫健发〔2025〕27号'
    """
    return _norm_doc_number(text)


def district_of(text: str | None) -> str | None:
    """The district named in an issuer or title, without its suffix.

    >>> district_of("上海市长宁区卫生健康委员会")
    '长宁'
    """
    return _district(text)


def _kind(title: str) -> str:
    if _FYP.search(title) or "五年规划" in title:
        return "five_year_plan"
    if "医政" in title and ("要点" in title or "计划" in title):
        return "medical_admin_points"
    if "要点" in title or "工作计划" in title:
        return "work_points"
    return "other"


def _district(*texts: str | None) -> str | None:
    """The first district name in the texts, without its suffix.

    >>> _district(None, "浙江省湖州市吴兴区卫生健康局"), _district("伊金霍洛旗卫生健康委员会")
    ('吴兴', '伊金霍洛')
    """
    for text in texts:
        if not text:
            continue
        for m in _DISTRICT.finditer(re.sub(r"^\d{4}年", "", _WS.sub("", text))):
            if not m.group(1).startswith(_NOT_A_NAME):
                return m.group(1)
    return None


# --------------------------------------------------------------------------- parsing


@dataclass
class _Heading:
    idx: int  # index into the content-line list
    num: _Num
    level: int = 0
    parent: int | None = None  # index into headings
    excluded: bool = False  # inside a context part
    in_task_part: bool = True
    children: list[int] = field(default_factory=list)


def _opens_list_under(prev: _Line, num: _Num, last: int) -> bool:
    """The next item of a list right after a higher-ranked heading that fills the line
    (a full-width PDF heading, not a wrapped body line ending at the page edge)."""
    above = _numbering(prev.text)
    return above is not None and above.rank < num.rank and num.value in (1, last + 1)


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = [clean_line(i, r) for i, r in enumerate(text.split("\n"), start=1)]
        self.content = [ln for ln in self.lines if not ln.artefact]
        measured = [(_width(ln.text), ln.text[-1:]) for ln in self.content]
        widths = sorted(w for w, _ in measured)
        self.page_width = 0
        if len(widths) >= 20:
            w = widths[int(len(widths) * 0.9)]
            near = [last for x, last in measured if w * 0.8 <= x <= w * 1.1]
            mid_sentence = sum(1 for last in near if last not in _TERMINAL)
            # PDF text: most lines end at the page edge, and mostly mid-sentence
            if len(near) >= 0.4 * len(widths) and mid_sentence >= 0.5 * len(near):
                self.page_width = w

    # -- wraps ------------------------------------------------------------

    def _full(self, ln: _Line) -> bool:
        return bool(self.page_width) and _width(ln.text) >= self.page_width * 0.9

    def _ends_paragraph(self, ln: _Line) -> bool:
        last = ln.text.rstrip()[-1:]
        if self.page_width:
            if self._full(ln):
                return False
            return (
                last in _TERMINAL
                or last in _CLOSE_QUOTES
                or _width(ln.text) < self.page_width * 0.75
            )
        if last in _TERMINAL:
            return True
        if last in _CLOSE_QUOTES:
            return len(ln.text) < 30
        return False

    @staticmethod
    def _join(a: str, b: str) -> str:
        if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
            return a + " " + b
        return a + b

    def paragraphs(self, lines: list[_Line]) -> str:
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
            num = _numbering(ln.text)
            if num is None:
                continue
            prev_line = self.content[i - 1] if i > start else None
            if (
                self.page_width
                and prev_line is not None
                and self._full(prev_line)
                and prev_line.text[-1:] not in _TERMINAL
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
            if text and _numbering(ln.text):
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
                and nxt_line.text[-1:] not in _TERMINAL
                and _numbering(nxt_line.text) is None
                and last not in _TERMINAL
            )  # a short remnant such as "建设" on its own line
            cont = self._full(cur) or last in "，、—-（(《“" or tail
            if not cont or _indent(nxt_line.raw) >= _indent(cur.raw) + 4:
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


def _split_title(rest: str, bold: str, num: _Num) -> tuple[str, str]:
    """Split the text after a number into (title, body) on the same line."""
    if bold:
        b = bold
        nb = _numbering(b)
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
    fields = _info_fields(key_line)
    return (
        bool(fields)
        and not fields[-1][1]
        and len(value_line) <= 60
        and _preamble_role(value_line) not in ("info", "chrome")
    )


def _preamble_role(t: str) -> str:
    """Role of a preamble line, '' for ordinary notice text."""
    flat = _WS.sub("", t)
    if _info_fields(t):
        return "info"
    if _is_chrome(t):
        return "chrome"
    if _norm_doc_number(t):
        return "doc_number"
    if _LETTERHEAD.match(flat):
        return "letterhead"
    if _DATE_LINE.match(flat):
        return "date"
    if _ORG_LINE.match(flat):
        return "issuer"
    if _ATTACHMENT.match(flat):
        return "attachment"
    return ""


class _Assembler:
    """Assigns every content line of a plan to exactly one unit."""

    def __init__(self, text: str, doc_id: str) -> None:
        self.p = _Parser(text)
        self.C = self.p.content
        self.doc_id = doc_id
        self.blocks: list[Block] = []
        self.meta: dict[str, str] = {}
        self.sections: list[Section] = []
        self.tasks: list[Task] = []
        self.title_span: tuple[int, int] | None = None

    def add_block(
        self,
        kind: str,
        lines: list[_Line],
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
        notice = _NOTICE.search("".join(ln.text for ln in C[start : min(len(C), start + 40)]))
        span = None
        if notice:
            key = _WS.sub("", notice.group(1) or notice.group(2))
            for i in range(start, n):
                one = _WS.sub("", C[i].text)
                two = one + (_WS.sub("", C[i + 1].text) if i + 1 < n else "")
                if one == key or (one.startswith(key) and len(one) <= len(key) + 2):
                    span = (i, i)
                elif two == key:
                    span = (i, i + 1)
            if span:
                return span
            # OCR: a title line one or two characters off the notice's 《X》 (要操 for 要点)
            # (and OCR may run the title into the first words of the next line)
            for i in range(start, n):
                one = _WS.sub("", C[i].text)
                head = one[: len(key)]
                if (
                    len(key) >= 8
                    and len(key) - 2 <= len(one) <= len(key) + 8
                    and not _NOTICE_LINE.match(C[i].text)
                    and "《" not in one
                    and difflib.SequenceMatcher(None, head, key).ratio() >= 0.85
                ):
                    # the better spelling: the one that ends in a genre word
                    self.meta["title_from_notice"] = head if _TITLE_END.search(head) else key
                    span = (i, i)
            if span:
                return span
        seen = 0
        for i in range(start, n):
            t = C[i].text
            if _info_fields(t) or _is_chrome(t):
                continue  # portal chrome does not count towards the opening lines
            seen += 1
            if seen > 15:
                break
            if (
                _TITLE_END.search(t)
                and len(t) <= 60
                and not _NOTICE_LINE.match(t)
                and not self.p._full(C[i])
                and "。" not in t
            ):
                prev = C[i - 1].text if i > start else ""
                if (
                    prev
                    and len(prev) <= 20
                    and not _preamble_role(prev)
                    and prev[-1:] not in _TERMINAL
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
        fields = _info_fields(self.C[i].text)
        if not fields or fields[-1][1] or i + 1 >= len(self.C):
            return 0
        nxt = self.C[i + 1].text
        return int(
            len(nxt) <= 60
            and _preamble_role(nxt) not in ("info", "chrome")
            and _numbering(nxt) is None
        )

    def read_info(self, fields: list[tuple[str, str]]) -> None:
        """Feed the fields of a portal information table to the metadata."""
        for key, value in fields:
            if not value:
                continue
            if key in ("文号", "发文字号"):
                number = _norm_doc_number(value)
                if number:
                    self.meta.setdefault("doc_number", number)
            elif key in ("发布机构", "发文机关", "发文机构", "发文单位", "发布单位", "所属机构"):
                self.meta.setdefault("info_issuer", _WS.sub("", value))
            elif key in ("信息来源", "文章来源", "来源"):
                self.meta.setdefault("info_source", _WS.sub("", value))
            elif key in ("成文日期", "发文日期", "印发日期"):
                iso = _info_date(value)
                if iso:
                    self.meta.setdefault("info_date", iso)
            elif key in ("名称", "标题", "信息名称"):
                self.meta.setdefault("info_title", _WS.sub("", value))

    def read_preamble(self, end: int, start: int = 0) -> None:
        """Classify the lines before the title: metadata, notice text, attachments."""
        C, i, run = self.C, start, []

        def flush() -> None:
            self.add_block("preamble", run[:])
            run.clear()

        while i < end:
            ln, t = C[i], C[i].text
            if (
                _NOTICE_LINE.match(t)
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
                fields = _info_fields(t) or []
                if extra:
                    fields[-1] = (fields[-1][0], C[i + 1].text)
                self.read_info(fields)
                self.add_block("metadata", C[i : i + 1 + extra], role="info")
                i += 1 + extra
                continue
            if role == "doc_number":
                self.meta.setdefault("doc_number", _norm_doc_number(t) or "")
            elif role == "letterhead":
                self.meta.setdefault("letterhead", _WS.sub("", t)[:-2])
            elif role == "date":
                iso = _find_date(t)
                if iso:
                    self.meta.setdefault("issue_date", iso)
            elif role == "issuer":
                self.meta.setdefault("issuer", _WS.sub("", t))
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
            t = _WS.sub("", C[j].text)
            role = _preamble_role(C[j].text)
            if role in ("info", "chrome"):
                closing.append((j, role))
            elif j > body_start and _info_value_line_of(C[j - 1].text, C[j].text):
                closing += [(j, "info"), (j - 1, "info")]
                j -= 1
            elif _DATE_LINE.match(t):
                closing.append((j, "date"))
            elif _ORG_LINE.match(t) and len(t) <= 30:
                closing.append((j, "issuer"))
            elif _CLOSING.match(t) or _PUBLICITY.match(t) or t in ("特此通知", "特此通知。"):
                closing.append((j, ""))
            else:
                break
            j -= 1
        body_end = j + 1 if closing else len(C)
        for k in range(max(body_start, first_num + 1), body_end):
            if _ATTACHMENT.match(_WS.sub("", C[k].text)):
                self.add_block("attachment", C[k:body_end])
                body_end = k
                break
        for k, role in sorted(closing):
            t = C[k].text
            if role in ("info", "chrome"):
                if role == "info":
                    self.read_info(_info_fields(t) or [])
                self.add_block("metadata", [C[k]], role=role)
                continue
            if role == "date":
                iso = _find_date(t)
                if iso:
                    self.meta.setdefault("closing_date", iso)
                org = _ORG_LINE.match(_WS.sub("", _DATE.split(t)[0]))
                if org:
                    self.meta.setdefault("closing_issuer", org.group(0))
            elif role == "issuer":
                self.meta.setdefault("closing_issuer", _WS.sub("", t))
            self.add_block("closing", [C[k]], role=role)
        return body_end

    def read_intro(self, lines: list[_Line]) -> None:
        """Hints from the opening paragraph when the header is missing or silent.

        ``2025年是…`` / ``2025年，…`` gives the year; ``XX区卫生健康…`` the
        district; ``制定本要点`` / ``工作计划如下`` / ``制定本规划`` the kind.
        """
        if not lines:
            return
        first = _WS.sub("", self.p.paragraphs(lines).split("\n")[0])
        m = re.match(r"(\d{4})年(?![底末初前后\d])", first)
        if m:
            self.meta["intro_year"] = m.group(1)
        for d in _DISTRICT.finditer(first):
            if d.group(1).startswith(_NOT_A_NAME) or not first[d.end() :].startswith(
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
                if _FYP.search(first):
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
            first = _Line(ln.no, ln.raw, h.num.rest, ln.bold, False)
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
        """Whether heading k's own paragraph holds ``一是……；二是……`` items that are the tasks.

        Only a heading of section rank (一、, （一）, 第X章) or a top-level one in
        the task part, with no deeper numbering of its own, has its inline
        items taken as tasks; under ``1.`` or ``（1）`` they stay inside the task.
        """
        h = heads[k]
        if h.excluded or not h.in_task_part or h.children:
            return False
        if h.num.rank > 3 and h.level != 1:
            return False
        text, _ = self._joined(self._body_pieces(heads, k, end))
        return len(_inline_spans(text)) >= 2

    def _body_pieces(self, heads: list[_Heading], k: int, end: int) -> list[tuple[int, str]]:
        """(line number, text) of a section heading's body: same-line text, then its lines."""
        h, C = heads[k], self.C
        hend = self.p.heading_end(heads, k, end)
        heading = h.num.rest + "".join(x.text for x in C[h.idx + 1 : hend])
        _, same_line_body = _split_title(heading, C[h.idx].bold, h.num)
        pieces = [(C[h.idx].no, same_line_body)] if same_line_body.strip() else []
        return pieces + [(x.no, x.text) for x in C[hend:end]]

    def _joined(self, pieces: list[tuple[int, str]]) -> tuple[str, list[int]]:
        """Pieces joined as paragraphs, with the line number of every character."""
        text, line_of = "", []
        for k, (no, piece) in enumerate(pieces):
            sep = ""
            if k and self.p._ends_paragraph(_Line(0, "", pieces[k - 1][1], "", False)):
                sep = "\n"
            elif text and len(self.p._join(text, piece)) > len(text) + len(piece):
                sep = " "
            text += sep
            line_of += [no] * len(sep)
            text += piece
            line_of += [no] * len(piece)
        return text, line_of

    def emit_inline(self, pieces: list[tuple[int, str]], sid: str, path: str) -> None:
        """Tasks from the inline items of a section's text; other text stays section text."""
        text, line_of = self._joined(pieces)

        def block(a: int, b: int) -> None:
            chunk = text[a:b]
            if chunk.strip():
                lo = a + (len(chunk) - len(chunk.lstrip()))
                hi = b - (len(chunk) - len(chunk.rstrip())) - 1
                self.blocks.append(
                    Block("section_text", chunk.strip(), line_of[lo], line_of[hi], section=sid)
                )

        pos = 0
        for start, stop, label, value in _inline_spans(text):
            block(pos, start)
            body = text[start + len(label) : stop]
            title = re.split(r"[，,。；;：:！？!?]", body.strip(), maxsplit=1)[0]
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


#: An item written inline: 一是…；二是…, after the start of a paragraph or a
#: clause boundary (not 统一是, 这一是).
_INLINE_ITEM = re.compile(rf"(?:^|(?<=[。；;：:，,！？!?\n]))({_CN})是(?![否非])")


def _inline_spans(text: str) -> list[tuple[int, int, str, int]]:
    """(start, stop, label, value) of the 一是/二是… items in one text.

    Items must run 一, 二, 三… within a paragraph; an item ends where the next
    begins or at the end of its paragraph.

    >>> [(t[:2], n) for a, b, t, n in _inline_spans("为此，一是扩面；二是提质。\\n同时")]
    [('一是', 1), ('二是', 2)]
    """
    spans: list[tuple[int, int, str, int]] = []
    offset = 0
    for para in text.split("\n"):
        found: list[tuple[int, str, int]] = []
        for m in _INLINE_ITEM.finditer(para):
            value = cn_to_int(m.group(1))
            if value == len(found) + 1:
                found.append((m.start(), m.group(0), value))
        if len(found) >= 2:
            bounds = [f[0] for f in found[1:]] + [len(para)]
            for (start, label, value), stop in zip(found, bounds, strict=True):
                spans.append((offset + start, offset + stop, label, value))
        offset += len(para) + 1
    return spans


def _is_context_part(title: str) -> bool:
    return len(title) <= 16 and bool(_CONTEXT_PART.match(title))


def _is_task_part(title: str) -> bool:
    return len(title) <= 12 and bool(_TASK_PART.search(title))


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
    first_num = next((i for i, ln in enumerate(C) if _numbering(ln.text)), len(C))
    # a page from a web portal: the plan's own title follows the chrome
    top = a.portal_end(first_num)
    span = a.locate_title(first_num, top) or (a.locate_title(first_num) if top else None)
    body_start = max(span[1] + 1 if span else 0, top)
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
    title = _squash(title) if title else None
    if title:
        title = _WS.sub("", title) if not re.search(r"[A-Za-z]\s+[A-Za-z]", title) else title
    # a portal's information table names the issuer better than a site name above it
    source = meta.get("info_source", "")
    issuer = (
        meta.get("info_issuer")
        or (source if _ORG_LINE.match(source) else None)
        or meta.get("issuer")
        or meta.get("closing_issuer")
        or meta.get("letterhead")
    )
    if issuer and issuer.endswith("委员会办公室"):
        issuer = issuer.removesuffix("办公室")
    kind = _kind(title or "")
    if kind == "other" and not title:
        kind = meta.get("intro_kind", "other")
    year = period_start = period_end = None
    if kind == "five_year_plan":
        m = _FYP.search(title or "")
        period = _fyp_period(m.group(1)) if m else None
        if period is None:
            r = _YEAR_RANGE.search(title or "")
            period = (int(r.group(1)), int(r.group(2))) if r else None
        if period:
            period_start, period_end = period
    else:
        r = _YEAR_RANGE.search(title or "")
        if r:
            period_start, period_end = int(r.group(1)), int(r.group(2))
        else:
            m = re.search(r"(\d{4})\s*年", title or "")
            if m:
                year = int(m.group(1))
            elif meta.get("intro_year"):
                year = int(meta["intro_year"])  # "2025年是…" opens the plan
    issue_date = meta.get("info_date") or meta.get("issue_date") or meta.get("closing_date")
    if year is None and period_start is None and kind in ("work_points", "medical_admin_points"):
        # an annual plan whose title omits the year: the year it was issued in
        # (document number first, then the issue date)
        m = re.search(r"〔(\d{4})〕", meta.get("doc_number") or "")
        year = int(m.group(1)) if m else (int(issue_date[:4]) if issue_date else None)
    return Document(
        district=_district(title, issuer, meta.get("letterhead")) or meta.get("intro_district"),
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
    >>> coverage(parse_text("一、总则\\n1. 做好工作。\\n"))["coverage"]
    1.0
    """
    units = sorted(_unit_chars(plan), key=lambda u: (u[0], u[1]))
    produced = "".join(_WS.sub("", u[2]) for u in units)
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
