"""The grammar of Chinese plans: the patterns the parser reads them by.

Public so that every stage (extraction, targets, the test corpus generator)
shares one notion of a line's artefacts, a numbering, a page marker, a
document number, a date, a district or a part title, instead of copying
regular expressions. Grouped as:

* **lines**: :func:`clean_line` (markdown marks, rules, page markers such as
  ``— 4 —`` / ``第4页``, control characters), :func:`content_chars`,
  :func:`display_width`;
* **numbering**: GB/T 9704 and its informal relatives (:func:`numbering_of`,
  :class:`Num`, :func:`cn_to_int`);
* **metadata**: document numbers, dates, issuers, letterheads, notices,
  closings, portal chrome and info tables, plan kinds and periods; places
  (:func:`find_district` for districts, counties, banners, autonomous counties
  and development zones of any province, :func:`find_province`) and years
  (:func:`year_of`, :func:`plan_year_of`, Arabic or Chinese digits);
* **boxes**: the patterns of 专栏 boxes, table captions, indicator-table and
  markdown-table rows (:mod:`compare.parse_lines` finds their extent);
* **parts**: titles of context parts (:data:`CONTEXT_PART`) and task parts
  (:data:`TASK_PART`).

Examples
--------
>>> numbering_of("（三）加强基层").label, cn_to_int("二十一")
('（三）', 21)
>>> normalise_doc_number("沪松卫 〔2026〕 26 号"), find_date("二〇二五年三月二十日")
('沪松卫〔2026〕26号', '2025-03-20')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CN_DIGITS = "零一二三四五六七八九十百"
CN = f"[{CN_DIGITS}]+"
LEFT = r"[（(]"
RIGHT = r"[）)]"


# --------------------------------------------------------------------------- lines

PAGE_MARKER = re.compile(
    r"^(?:[-—–－─]{1,2}\s*\d{1,4}\s*[-—–－─]{1,2}"
    r"|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|\d{1,3})$"  # a bare page number on its own line
)
RULE = re.compile(r"^(?:[-*_=]\s*){3,}$")
MD_HEADING = re.compile(r"^#{1,6}\s*")
MD_QUOTE = re.compile(r"^>\s*")
BOLD = re.compile(r"\*\*|__")
WS = re.compile(r"[\s\u3000\u00a0\ufeff\u200b]+")
#: Control and invisible format characters (NUL, BEL, ESC, DEL, C1 controls,
#: soft hyphen, zero-width marks): never content, removed from every line.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200c-\u200f\u2060\ufffe]")

#: Characters that end a sentence or a clause block: a line ending in one of
#: these is not a hard wrap.
TERMINAL = set("。！？；：!?;:…")
CLOSE_QUOTES = set("”’」』）)】》")


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def squash_spaces(text: str) -> str:
    """Collapse white space; drop it between CJK characters (PDF artefacts).

    >>> squash_spaces("2025 年长宁区　卫生健康 工作要点")
    '2025年长宁区卫生健康工作要点'
    """
    parts = WS.split(text.strip())
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


def indent_of(raw: str) -> int:
    """Width of a raw line's leading white space (a full-width space counts 2)."""
    return display_width(raw[: len(raw) - len(raw.lstrip())].replace("\t", "    "))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


@dataclass
class Line:
    no: int  # 1-based line number in the raw file
    raw: str
    text: str  # cleaned: markup and outer white space removed, inner spaces squashed
    bold: str  # the leading bold span (cleaned), if the line starts with one
    artefact: bool  # page marker, rule or blank
    #: the cells of a markdown table row (``| 1 | 推进… | 医政科 |``), cleaned, empty ones
    #: kept; the text is then the filled cells joined by spaces (the pipes are markup)
    cells: tuple[str, ...] = ()


def clean_line(no: int, raw: str) -> Line:
    """Clean one raw line: markup and white space removed; artefact lines flagged.

    Examples
    --------
    >>> clean_line(3, "**1. 加强 应急。**配置AED").text, clean_line(9, "— 4 —").artefact
    ('1.加强应急。配置AED', True)
    >>> clean_line(5, "做好\\x00监测\\x07。").text
    '做好监测。'

    A markdown table row's pipes are markup like ``**``: its text is its filled
    cells joined by spaces, and a row of dashes under the header is a rule.

    >>> ln = clean_line(7, "| 1 | **推进 医联体建设。** | 医政科 |  |")
    >>> ln.text, ln.cells, clean_line(6, "| --- | :---: |").artefact
    ('1 推进医联体建设。 医政科', ('1', '推进医联体建设。', '医政科', ''), True)
    """
    s = CONTROL.sub("", raw).replace("\u3000", " ").strip()
    if not s or RULE.match(s) or PAGE_MARKER.match(WS.sub(" ", s)) or MD_TABLE_RULE.match(s):
        return Line(no, raw, "", "", True)
    if PIPE_ROW.match(s) and len(s) > 2:
        cells = tuple(squash_spaces(BOLD.sub("", c)) for c in s[1:-1].split("|"))
        text = " ".join(c for c in cells if c)
        if not text:
            return Line(no, raw, "", "", True)
        return Line(no, raw, text, "", False, cells)
    s = MD_QUOTE.sub("", MD_HEADING.sub("", s))
    bold = ""
    m = re.match(r"^\s*(\*\*|__)(.+?)(\*\*|__)", s)
    if m:
        bold = squash_spaces(BOLD.sub("", m.group(2)))
    s = squash_spaces(BOLD.sub("", s))
    if not s:
        return Line(no, raw, "", "", True)
    return Line(no, raw, s, bold, False)


def content_chars(text: str) -> str:
    """Every content character of a raw text, in order, without white space.

    Artefacts (markdown marks, rules, page markers) are not content.

    Examples
    --------
    >>> content_chars("## **一、总则**\\n\\n— 4 —\\n正文")
    '一、总则正文'
    """
    lines = [clean_line(i, r) for i, r in enumerate(text.split("\n"), start=1)]
    return "".join(WS.sub("", ln.text) for ln in lines if not ln.artefact)


# --------------------------------------------------------------------------- numbering

CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")}


def cn_to_int(s: str) -> int:
    """Chinese numeral (up to 999) to int.

    >>> [cn_to_int(x) for x in ("一", "十", "十二", "二十三", "一百", "一百零一", "一百一十")]
    [1, 10, 12, 23, 100, 101, 110]
    """
    if "百" in s:
        hundreds, _, rest = s.partition("百")
        rest = rest.lstrip("零")
        return (CN_VALUE.get(hundreds, 1) if hundreds else 1) * 100 + (
            cn_to_int(rest) if rest else 0
        )
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (CN_VALUE.get(tens, 1) if tens else 1) * 10 + (CN_VALUE.get(ones, 0) if ones else 0)
    return CN_VALUE.get(s, 0)


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (style, rank, pattern). The pattern captures the number; the match's end is
# where the heading text starts.
STYLES: list[tuple[str, int, re.Pattern[str]]] = [
    ("chapter", 0, re.compile(rf"^第({CN})(?:章|部分|篇)\s*")),
    ("jie", 1, re.compile(rf"^第({CN})节\s*")),
    ("article", 4, re.compile(rf"^第({CN})条\s*")),
    ("cn_dun", 2, re.compile(rf"^({CN})\s*[、，．.]\s*")),
    ("cn_paren", 3, re.compile(rf"^{LEFT}\s*({CN})\s*{RIGHT}\s*[、，．.]?\s*")),
    ("cn_lent", 3, re.compile(rf"^【\s*({CN})\s*】\s*")),  # 【一】, ranked as （一）
    ("ar_dot", 4, re.compile(r"^(\d{1,3})\s*[.．](?![\d.．])\s*")),
    ("ar_dun", 4, re.compile(r"^(\d{1,3})\s*[、，]\s*")),
    ("ar_paren", 5, re.compile(rf"^{LEFT}\s*(\d{{1,3}})\s*{RIGHT}\s*[、，．.]?\s*")),
    ("ar_rparen", 5, re.compile(rf"^(\d{{1,3}})\s*{RIGHT}(?![\d)）])\s*")),
    ("cn_shi", 6, re.compile(rf"^({CN})是\s*")),
    ("circled", 7, re.compile(rf"^([{CIRCLED}])\s*")),
]


@dataclass
class Num:
    style: str
    rank: float  # GB/T 9704 order; an informal style heading sections takes a place between
    value: int
    label: str  # the number token as printed, white space removed: "一、", "（一）", "1."
    rest: str  # the text after the number token


def numbering_of(text: str) -> Num | None:
    for style, rank, pat in STYLES:
        m = pat.match(text)
        if not m:
            continue
        token = m.group(1)
        if style in ("ar_dot", "ar_dun", "ar_paren", "ar_rparen"):
            value = int(token)
        elif style == "circled":
            value = CIRCLED.index(token) + 1
        else:
            value = cn_to_int(token)
        rest = text[m.end() :]
        if value <= 0 or not rest.strip():
            continue
        if style == "cn_dun" and rest[:1] in "是":
            continue
        return Num(style, rank, value, WS.sub("", m.group(0)), rest)
    return None


# --------------------------------------------------------------------------- metadata

DOC_NUMBER = re.compile(
    r"^([\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*第?\s*(\d{1,4})\s*号$"
)
CN_YEAR = "[〇○零一二三四五六七八九]"
DATE = re.compile(
    rf"(\d{{4}}|{CN_YEAR}{{4}})\s*年\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,2}})\s*月"
    r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
DATE_LINE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,30}?(?:委员会|局|办公室|政府|中心)(?:办公室)?)?\s*"
    + DATE.pattern
    + r"\s*(?:印发|发布|制发)?$"
)
ORG_LINE = re.compile(
    r"^[\u4e00-\u9fff]{2,40}?(?:委员会|卫生健康局|卫生局|卫健委|政府|办公室|管理局|中心)(?:办公室)?$"
)
LETTERHEAD = re.compile(r"^[\u4e00-\u9fff]{4,40}文件$")
NOTICE = re.compile(
    r"关于(?:印发|转发|下发)?.{0,6}《(.+?)》.{0,12}?的?通知"
    r"|关于(?:印发|转发|下发)(?!.{0,6}《)(.+?)的通知"
)
#: A notice's own title line: "关于印发…的通知", possibly after the issuer's name.
#: A line that is itself a plan's title (关于2024年卫生健康工作的安排意见: no 印发/转发/通知,
#: ending in a genre word) is not a notice line.
NOTICE_LINE = re.compile(
    r"^[\u4e00-\u9fff]{0,30}?关于"
    r"(?!(?:(?!印发|转发|下发|通知).)*(?:意见|安排|方案|要点|规划|计划)(?:[（(][^（()）]{0,20}[）)])?$)"
)
#: A title ends with the name of its genre (and perhaps a period or draft note).
TITLE_END = re.compile(
    r"(?:规划|要点|计划|方案|意见|纲要|安排|工作任务|工作思路|工作重点|重点工作|任务清单|分解表)"
    r"(?:[（(][^（()）]{0,20}[）)])?[》”\"]?$"
)
ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*(?:[:：].{0,80})?$")
CLOSING = re.compile(r"^[（(]?(?:抄送|抄报|主送|印发|联系人|联系电话)[:：]?")
#: The signer a report (请示, 报告) prints beside its document number: 签发人：王明.
SIGNER = re.compile(r"签\s*发\s*人\s*[:：]\s*[\u4e00-\u9fff·]{2,12}$")
PUBLICITY = re.compile(r"^[（(]?\s*(?:(?:信息)?公开属性|此件(?:主动|不予|依申请)?公开)")
#: Web-portal chrome around a plan published as a page: breadcrumbs, site
#: names, print/close/font/share controls, previous/next links, footers.
BREADCRUMB_SEP = re.compile(r"\s*(?:>>|[>＞»›→]|&gt;)\s*")
CHROME_START = re.compile(
    r"^[【\[]?(?:当前位置|当前的位置|您的位置|您当前的位置|您现在的位置|所在位置|现在位置)[:：]"
    r"|^[【\[]?(?:字体|字号)[:：]?\s*[【\[]?(?:大|特大)"
    r"|^(?:分享到|分享至|分享)[:：]?|^扫一扫|^(?:上一篇|下一篇|上一条|下一条)"
    r"|^(?:相关链接|相关文章|相关阅读|相关新闻|相关文件|推荐阅读|热点推荐|热点阅读|热门文章|阅读排行)[:：]?$"
    r"|^(?:主办单位|承办单位|技术支持|维护单位|网站标识码|版权所有|Copyright|©)"
    r"|ICP备|公网安备|网站标识码|版权所有"
    r"|^[\u4e00-\u9fff]{2,30}(?:门户网站|政府网|政务网|政务服务网)$"
    r"|^(?:政府信息公开|政务公开|信息公开)(?:专栏|目录|平台)?$",
    re.I,
)
CHROME_WORDS = re.compile(
    r"打印(?:本页|此页|文章|正文)?|关闭(?:窗口|本页|页面)?|加入收藏|收藏(?:本页)?|返回(?:顶部|首页|列表)?"
    r"|保存(?:本页)?|我要纠错|纠错|分享到?|微信|微博|QQ空间|字体|字号|[大中小]|默认|扫一扫"
    r"|[【】\[\]\s|｜/:：·]"
)
#: Keys of the information table a portal prints above a published document.
INFO_KEY = re.compile(
    r"(索\s*引\s*号|发布机构|发文机关|发文机构|发文单位|发布单位|信息来源|文章来源|来\s*源"
    r"|发文字号|文\s*号|成文日期|发文日期|印发日期|发布日期|发布时间|生效日期|实施日期|有\s*效\s*性"
    r"|主题分类|主\s*题\s*词|体裁分类|组配分类|服务对象|公开方式|公开范围|公开时限|所属机构"
    r"|信息名称|名\s*称|标\s*题|浏览次数|访问次数|点击数|阅读次数|作\s*者)\s*[:：]"
)
#: The credits and prompts closing an article saved from a WeChat official account
#: (公众号) or a news page: 来源：…, 编辑：…, 审核：…, 长按识别二维码关注我们.
CREDIT_LINE = re.compile(
    r"^(?:(?:文章|信息|图片|图文|稿件)?来源|(?:责任|执行|文字|图片)?编辑|责编|审核|审校|校对|[初复终]审"
    r"|监制|排版|美编|撰稿|供稿|文字|图片|摄影|作者|通讯员|记者|出品|策划|设计)"
    r"\s*[:：|｜丨]\s*\S.{0,40}$"
    r"|二维码|关注我们|(?:点击|戳)(?:上方)?蓝字|(?:点个|点亮)?在看|阅读原文|往期(?:推荐|回顾|精彩)"
    r"|^(?:分享|点赞|在看|收藏)(?:[、，,\s]*(?:分享|点赞|在看|收藏))+$"
)
ISO_DATE = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")


def is_chrome(text: str) -> bool:
    """A line of web-portal chrome (never title, district or task).

    >>> [is_chrome(t) for t in ("首页>政务公开>计划总结", "【打印】【关闭】", "一、加强基层")]
    [True, True, False]
    """
    flat = WS.sub("", text)
    if not flat:
        return False
    if CHROME_START.search(flat):
        return True
    parts = [x for x in BREADCRUMB_SEP.split(flat) if x]
    short = len(parts) >= 2 and len(flat) <= 100 and all(len(x) <= 16 for x in parts)
    if short and (parts[0] in ("首页", "网站首页", "主页") or len(parts) >= 3):
        return True
    return len(flat) <= 40 and not CHROME_WORDS.sub("", flat) and len(flat) >= 2


def info_fields(text: str) -> list[tuple[str, str]] | None:
    """Fields of a portal information-table line, or None if it is not one.

    >>> info_fields("索引号：113305/2025-00031 发布机构：某某区卫生健康局")
    [('索引号', '113305/2025-00031'), ('发布机构', '某某区卫生健康局')]
    """
    flat = squash_spaces(text)
    if not INFO_KEY.match(flat):
        return None
    keys = list(INFO_KEY.finditer(flat))
    if not keys or keys[0].start() != 0:
        return None
    out = []
    for k, key in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(flat)
        out.append((WS.sub("", key.group(1)), flat[key.end() : end].strip()))
    return out


def info_date(value: str) -> str | None:
    m = ISO_DATE.search(value)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    return find_date(value)


HAN = "\u4e00-\u9fff"
#: Where a place name may start: the start, after a year (2025年, 二〇二五年) or
#: after a character that is not Chinese (〇 is a year digit, not a name).
_PLACE_START = rf"(?:^|(?<=[^{HAN}〇○0-9])|(?<=年)|(?<=年度))"
#: A province (浙江省, 广西壮族自治区) and a city or prefecture (湖州市, 黔南布依族苗族自治州).
_PROVINCE = rf"(?:[{HAN}]{{2,5}}?(?:省|自治区))"
_CITY = rf"(?:[{HAN}]{{1,5}}?(?:市|州|盟|地区)|[{HAN}]{{2,4}}?(?:[{HAN}]{{1,4}}?族)+自治州)"
#: What may follow the unit's name: the body it names or the plan's own words.
_AFTER_PLACE = r"(?=卫生|卫健|医|人民政府|疾病|中医|健康|公共服务|社会事业|\d|“|\")"
DISTRICT = re.compile(
    # at the start, after a year or after a non-Chinese character; then an
    # optional province and city: 浙江省湖州市吴兴区, 鄂尔多斯市伊金霍洛旗, 南山区
    rf"{_PLACE_START}{_PROVINCE}?{_CITY}?"
    # (a name does not start with a unit, but 市南区, 市北区, 市中区 are names)
    rf"(?![州盟区县旗]|市(?![南北中]区))([{HAN}]{{2,5}}?)(新区|区|县|市|旗)" + _AFTER_PLACE
)
#: A city's 城区, 郊区 or 矿区, named with its city: 阳泉市城区 → 阳泉城区.
CITY_DISTRICT = re.compile(
    rf"{_PLACE_START}{_PROVINCE}?([{HAN}]{{2,5}}?)市((?:城|郊|矿)区)" + _AFTER_PLACE
)
#: An autonomous county or banner, named without its peoples: 镇宁布依族苗族自治县 → 镇宁.
AUTONOMOUS = re.compile(
    rf"{_PLACE_START}{_PROVINCE}?{_CITY}?([{HAN}]{{2,4}}?)(?:[{HAN}]{{1,4}}?族)*自治(县|旗)"
    + _AFTER_PLACE
)
#: A development zone, named in full (its suffix is what tells it from the city):
#: 合肥经济技术开发区, 苏州工业园区.
ZONE = re.compile(
    rf"{_PLACE_START}{_PROVINCE}?"
    rf"([{HAN}]{{2,10}}?(?:经济技术开发区|经济开发区|高新技术产业开发区|高新技术开发区|高新区"
    r"|开发区|工业园区|保税区))"
    r"(?=卫生|卫健|医|管委会|管理委员会|社会事业|疾病|中医|健康|人民政府|\d|“|\")"
)
#: A province or autonomous region: the jurisdiction of a provincial plan.
PROVINCE = re.compile(
    rf"{_PLACE_START}([{HAN}]{{2,3}}?)(?:省|(?:壮族|回族|维吾尔)?自治区)" + _AFTER_PLACE
)
#: A year written in Chinese digits: 二〇二五.
CN_YEAR_DIGITS = "[〇○零一二三四五六七八九]{4}"
#: Words that open a phrase such as 全区, 本县, 各区: no place name.
NOT_A_NAME = tuple("全本我各该辖此")
TITLE_WORDS = re.compile(r"(规划|要点|计划|方案|意见|纲要|安排|任务|思路|工作重点)")
#: The words of an annual plan's title (work points and their relatives).
ANNUAL_WORDS = re.compile(r"要点|工作计划|工作安排|工作任务|工作思路|工作重点|重点工作")
#: A year's arrangement of the whole work (2024年卫生健康工作的安排意见, 2024年工作意见): annual
#: work points by another name; a policy opinion (关于加强X的意见) is not.
ANNUAL_OPINION = re.compile(rf"(?:\d{{4}}|{CN_YEAR_DIGITS})年度?.{{0,16}}工作的?(?:安排)?意见$")
FYP = re.compile(
    r"[“\"]?第?(十[一二三四五六七八九]|[一二三四五六七八九])个?五[”\"]?\s*(?:时期|期间)?.{0,12}规划"
)
YEAR_RANGE = re.compile(r"[（(]\s*(\d{4})\s*[-—–～~至]\s*(\d{4})\s*年?\s*[）)]")

#: Part titles that hold context, not tasks: review, situation, principles,
#: targets, safeguards (matched whole, on short titles only).
CONTEXT_PART = re.compile(
    r"^(?:\d{4}年|[“\"]?十[一二三四五六七八九]五[”\"]?(?:时期|期间)?)?"
    r"(?:发展|主要|总体|基本|工作|指导|规划|重要|保障|组织|实施|预期|项目|具体|年度|考核|有关|远景"
    r"|面临的?){0,2}"
    r"(?:基础|形势|要求|思想|思路|原则|目标|指标|措施|回顾|成效|成绩|进展|背景|愿景|环境|机遇|挑战|实施|保障"
    r"|定位|对象|范围)"
    r"(?:和|与|及)?(?:主要|基本)?(?:目标|指标|原则|措施|挑战|机遇|保障|要求|范围|对象)?$"
    # the review of the past year in a combined summary and plan, and its problems
    r"|^(?:\d{4}年|[〇○零一二三四五六七八九]{4}年|上年|去年)?(?:度)?(?:工作)?"
    r"(?:完成情况|总结|开展情况|进展情况|基本情况|主要做法|取得的成效|工作成效)$"
    r"|^(?:存在的?|面临的?)?(?:主要)?(?:问题|困难|不足)(?:[和与及](?:不足|困难|问题|短板))?$"
)
#: Part titles that hold the tasks (主要任务, 重点任务和举措, 重点工作…).
TASK_PART = re.compile(r"(?:主要|重点|核心)(?:任务|工作|举措)|任务举措|工作任务|主要措施")
_WHEN = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年度?"
#: In a combined summary and plan, the part reviewing a past year: a year (or 过去一年,
#: 一年来, 今年以来) and what was done (2024年主要工作及成效, 过去一年工作回顾,
#: 2024年工作亮点): context, even when it names 主要工作.
REVIEW_PART = re.compile(
    rf"^(?:{_WHEN}|过去(?:的)?一年|一年来|今年以来|上年度?|去年)的?(?:主要)?(?:工作)?"
    r"(?:(?:开展|完成|进展|推进|落实|基本)?(?:情况|回顾|总结|成效|成绩|亮点|进展|做法)"
    r"(?:[和与及、](?:主要)?(?:成效|成绩|亮点|经验|做法|进展|特色))?"
    r"|[和与及、](?:主要)?(?:成效|成绩|亮点|经验|做法|进展|特色))$"
)
#: The part planning the year ahead: a year (or 下一步, 明年, 新的一年) and its
#: arrangement (2025年工作思路, 下一步工作打算, 2025年工作安排): the task part.
PLAN_PART = re.compile(
    rf"^(?:{_WHEN}|下一步|明年|新的一年|下一年度?)的?(?:主要|重点)?(?:工作)?"
    r"(?:计划|安排|打算|思路|重点|要点|任务|举措|措施)(?:[和与及](?:措施|举措|安排|打算))?$"
)


def cn_or_int(s: str) -> int:
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


def find_date(text: str) -> str | None:
    """ISO date of the first date in ``text`` (Arabic or Chinese numerals).

    >>> find_date("二〇二五年三月二十日"), find_date("2026 年 5 月 10 日印发")
    ('2025-03-20', '2026-05-10')
    """
    m = DATE.search(text)
    if not m:
        return None
    y, mo, d = (cn_or_int(x) for x in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def fyp_period(n_text: str) -> tuple[int, int] | None:
    """Period of the n-th five-year plan from its Chinese ordinal.

    The 3rd plan ran 1966–1970 and every later one follows on; earlier ones
    are before any health-commission plan of interest.

    >>> fyp_period("十四"), fyp_period("十五")
    ((2021, 2025), (2026, 2030))
    """
    n = cn_to_int(n_text)
    if n < 3:
        return None
    start = 1966 + 5 * (n - 3)
    return start, start + 4


def normalise_doc_number(text: str) -> str | None:
    """A document number in its normal form, ``None`` when ``text`` is not one.

    >>> normalise_doc_number("长卫健发 〔2025〕 27 号")
    '长卫健发〔2025〕27号'
    >>> normalise_doc_number("嘉卫〔2024〕15号          签发人：王明")  # a report's number line
    '嘉卫〔2024〕15号'
    """
    m = DOC_NUMBER.match(SIGNER.sub("", WS.sub("", text)))
    if not m:
        return None
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"


def district_of(text: str | None) -> str | None:
    """The district named in an issuer or title, without its suffix.

    >>> district_of("上海市长宁区卫生健康委员会")
    '长宁'
    """
    return find_district(text)


def kind_of_title(title: str) -> str:
    """The kind of plan a title names.

    >>> [kind_of_title(t) for t in ("某区发展规划（2021—2025年）", "2024年重点工作任务", "实施方案")]
    ['five_year_plan', 'work_points', 'other']
    >>> [kind_of_title(t) for t in ("关于2024年全县卫生健康工作的安排意见", "关于加强老年健康工作的意见")]
    ['work_points', 'other']
    """
    if FYP.search(title) or "五年规划" in title:
        return "five_year_plan"
    r = YEAR_RANGE.search(title)
    if r and "规划" in title and int(r.group(2)) - int(r.group(1)) == 4:
        return "five_year_plan"  # 发展规划（2021—2025年）
    if "医政" in title and ("要点" in title or "计划" in title):
        return "medical_admin_points"
    if ANNUAL_WORDS.search(title) and not re.search(r"方案|意见$", title):
        return "work_points"
    if ANNUAL_OPINION.search(title):
        return "work_points"
    return "other"


def _without_year(text: str) -> str:
    return re.sub(rf"^(?:\d{{4}}|{CN_YEAR_DIGITS})年度?", "", WS.sub("", text))


def find_district(*texts: str | None) -> str | None:
    """The first district, county or zone named in the texts, without its suffix.

    Development zones keep their full name; autonomous counties lose their
    peoples (镇宁布依族苗族自治县 → 镇宁).

    >>> find_district(None, "浙江省湖州市吴兴区卫生健康局"), find_district("伊金霍洛旗卫生健康委员会")
    ('吴兴', '伊金霍洛')
    >>> find_district("二〇二四年汉阳区卫生健康工作要点"), find_district("镇宁布依族苗族自治县2025年")
    ('汉阳', '镇宁')
    >>> find_district("合肥经济技术开发区卫生健康局"), find_district("浙江省卫生健康委员会")
    ('合肥经济技术开发区', None)
    """
    for text in texts:
        if not text:
            continue
        flat = _without_year(text)
        for m in CITY_DISTRICT.finditer(flat):
            return m.group(1) + m.group(2)
        for pattern in (ZONE, AUTONOMOUS, DISTRICT):
            for m in pattern.finditer(flat):
                if not m.group(1).startswith(NOT_A_NAME):
                    return m.group(1)
    return None


def find_province(*texts: str | None) -> str | None:
    """The province or autonomous region named in the texts: a provincial plan's jurisdiction.

    >>> find_province("湖南省“十四五”卫生健康发展规划"), find_province("广西壮族自治区卫生健康委员会")
    ('湖南', '广西')
    """
    for text in texts:
        for m in PROVINCE.finditer(_without_year(text or "")):
            if not m.group(1).startswith(NOT_A_NAME):
                return m.group(1)
    return None


def plan_year_of(title: str) -> int | None:
    """The year a title plans for: in "2023年工作总结和2024年工作计划", the one
    before the genre word (计划, 要点…), else the first year.

    >>> plan_year_of("某某区2023年工作总结和2024年工作计划"), plan_year_of("2025年工作要点")
    (2024, 2025)
    """
    years = list(re.finditer(rf"(\d{{4}}|{CN_YEAR_DIGITS})\s*年", title))
    for k, m in enumerate(years):
        stop = years[k + 1].start() if k + 1 < len(years) else len(title)
        if len(years) > 1 and TITLE_WORDS.search(title[m.end() : stop]):
            return cn_or_int(m.group(1))
    return cn_or_int(years[0].group(1)) if years else None


def year_of(text: str) -> int | None:
    """The first year written ``2025年`` or ``二〇二五年`` in a text.

    >>> year_of("二〇二四年汉阳区卫生健康工作要点"), year_of("岳麓区2024年工作计划"), year_of("工作要点")
    (2024, 2024, None)
    """
    m = re.search(rf"(\d{{4}}|{CN_YEAR_DIGITS})\s*年", text)
    return cn_or_int(m.group(1)) if m else None


#: The title line of a box (专栏) in a five-year plan: a list of projects or an
#: indicator table set beside the text, never a task's own words; a table's
#: caption (表1 …) opens one too.
BOX_START = re.compile(r"^专栏\s*[0-9一二三四五六七八九十]+")
TABLE_START = re.compile(r"^(?:附)?表\s*[0-9一二三四五六七八九十]+(?![0-9.．、])\s*\S")
#: A row of an indicator table: it ends in the indicator's nature.
INDICATOR_ROW = re.compile(r"(?:预期性|约束性)$")
#: A line of a table of contents: a title, a leader and a page number.
TOC_LINE = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|．{4,}|-{4,}|—{3,})\s*\d{1,4}$")
#: A row of a markdown table: | 序号 | 指标 | … |.
PIPE_ROW = re.compile(r"^\|.*\|$")
#: The rule under a markdown table's header: | --- | :---: |.
MD_TABLE_RULE = re.compile(r"^\|(?:\s*:?-{2,}:?\s*\|)+$")
#: Header cells of a task table's columns (序号 | 工作任务 | 责任单位 | 完成时限):
#: the task itself, its number, more of its own words, its area.
TASK_HEAD_CELL = re.compile(
    r"^(?:(?:重点|主要|具体|工作|目标)?任务(?:内容|名称|事项|措施)?|重点工作(?:任务|内容)?"
    r"|工作(?:内容|事项|措施|要点|重点)|具体(?:措施|内容)|主要(?:内容|措施))$"
)
NUMBER_HEAD_CELL = re.compile(r"^(?:序号|编号|序)$")
TEXT_HEAD_CELL = re.compile(r"^(?:具体|工作|主要|重点)?(?:措施|内容|目标|要求)(?:及要求)?$")
AREA_HEAD_CELL = re.compile(r"(?:类别|分类|领域|板块|方面|类型|专项)$")
#: A line under a plan's title that qualifies it: its adoption, a draft note.
SUBTITLE = re.compile(
    r"^[（(][^（()）]{0,40}(?:通过|印发|发布|征求意见稿|讨论稿|送审稿|草案|试行|修订)[^（()）]{0,6}[）)]$"
)
#: A box item led by a short label: "重点项目：…".
LABELLED_ITEM = re.compile(r"^[^，,。；;：:、\s]{2,14}[：:]")
