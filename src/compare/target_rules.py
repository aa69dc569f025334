"""Reading a quantitative target in a task's text: the units, patterns and rules.

A target is a number (or a range such as ``2-4``) with a unit, read with
regular expressions from the **raw file lines** of a task (never from jieba
tokens, which split ``23.4%`` or ``1.5万元`` inconsistently). Each target
carries its qualifier, the object measured and the raw line. This module
reads one task's text; :mod:`compare.targets` runs it over a corpus and
aligns the targets across districts.

Method
------
1. **Text** (:func:`task_raw_text`). For each task, the raw lines
   ``line_start..line_end`` are cleaned the way the parser cleans them
   (markdown marks, page markers, spaces between CJK characters and digits
   dropped; full-width digits, letters and ``％`` made ASCII, Chinese
   punctuation kept) and joined (hard wraps glued, paragraph ends kept as a
   line break). Every character keeps the number of the raw line it came from.
   The task's own printed number (``1.``, ``10、``) is cut from its start.
2. **Candidates.** A number or range (``-``, ``—``, ``~``, ``至``, ``到``)
   directly followed by a unit from :data:`UNITS` (longest first: ``个百分点``
   before ``个``; ``万`` and ``亿`` fold into the unit, ``10万人``) or by a
   per-population base (``10/10万``). A number
   without a unit is never a target, which by itself rules out years
   (``2025年``), dates (``4月底``), document numbers (``〔2025〕27号``) and
   section numbers.
3. **Exclusions** (each a rule, none keyed to a file or a task):

   * numbers touching ``+`` (``1+4+18体系``, ``“1+X”``) or a Latin letter
     (``5G``, ``G60``), decimals followed by ``版`` (``3.0版``), ordinals
     (``第4轮``);
   * hotline and phone numbers: five or more digits, or a number next to
     ``热线``/``电话``/``号码`` (``12356``);
   * ages: ``岁`` qualifies a population (``60岁以上老年人``, ``80岁以上签约老年人``)
     and is not a target, unless a comparator makes it a level to reach
     (``人均预期寿命达到84岁``);
   * attributive thresholds: ``<number><unit>[以上|以下]的`` defines a category
     (``超50例以上的病种数``) rather than committing to a level;
   * per-population bases: ``每10万人`` is the qualifier of the target that
     follows it (``每10万人配置75台AED``), not a target of its own;
   * achieved figures: a number right after ``已``/``已经`` + verb
     (``已建成5家``). Review parts (a five-year plan's 发展基础) never reach
     this module: the parser yields tasks only from the task part.

4. **Qualifier**: the comparator or change word just before the number
   (``达到``, ``不低于``, ``超过``, ``新增``, ``新建``, ``增配``, ``提升``,
   ``累计``, ``每N人`` …) and the one just after the unit (``以上``,
   ``左右``, ``以内``, ``以下``), space-separated; a trailing ``增配``/``新增``
   in the object (``150台AED设备增配``) also counts.
5. **Object**: for counts and durations, the noun phrase after the unit up to
   the next clause boundary or the next number (a parenthetical list of names
   right after the unit is skipped; trailing ``建设``, ``建设任务``,
   ``增配`` … are trimmed); for rates (``%``, ``‰``, ``个百分点``) or when
   nothing follows, the clause before the number, without leading planning
   verbs (``力争``, ``实现``, ``促进`` …) and time phrases (``到2025年``).

Examples
--------
>>> targets_in_text("完成150台 AED 设备增配，建设3家社区门诊手术室，开通12356热线。")[
...     ["value", "unit", "qualifier", "object"]].values.tolist()
[[150.0, '台', '增配', 'AED设备'], [3.0, '家', '', '社区门诊手术室']]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from compare.grammar import clean_line  # the parser's own notion of an artefact line

__all__ = [
    "ACRONYM",
    "TARGET_FIELDS",
    "UNITS",
    "UNIT_FAMILY",
    "half_width",
    "target_records",
    "targets_in_text",
    "task_raw_text",
    "unit_family",
]

#: What every target states, in order (the ``compare targets`` columns after the task's).
TARGET_FIELDS: tuple[str, ...] = (
    "value",
    "value_max",
    "unit",
    "qualifier",
    "object",
    "text",
    "line",
)
#: Unit → family. Only numbers followed by one of these units are targets.
UNIT_FAMILY: dict[str, str] = {
    "个百分点": "rate",
    "百分点": "rate",
    "%": "rate",
    "‰": "rate",
    "万元": "money",
    "亿元": "money",
    "元": "money",
    "万人次": "count",
    "人次": "count",
    "万人": "count",
    "名": "count",
    "人": "count",
    "家": "count",
    "台": "count",
    "个": "count",
    "种": "count",
    "所": "count",
    "支": "count",
    "张": "count",
    "床": "count",
    "项": "count",
    "例": "count",
    "辆": "count",
    "座": "count",
    "处": "count",
    "间": "count",
    "套": "count",
    "批": "count",
    "条": "count",
    "份": "count",
    "分钟": "duration",
    "小时": "duration",
    "天": "duration",
    "平方米": "area",
    "公里": "distance",
}
#: Units tried longest first.
UNITS: tuple[str, ...] = tuple(sorted(UNIT_FAMILY, key=len, reverse=True))

_NUMBER = r"\d+(?:\.\d+)?"
_RANGE_SEP = r"[-－—–~～至到]"
_CANDIDATE = re.compile(
    rf"(?P<value>{_NUMBER})(?:\s*{_RANGE_SEP}\s*(?P<value_max>{_NUMBER}))?"
    rf"\s*(?P<unit>/\s*\d*\s*[万千百](?:人)?|(?:万|亿)?(?:{'|'.join(re.escape(u) for u in UNITS)})|岁)"
)
_PER_BASE = re.compile(rf"每\s*({_NUMBER})\s*(万|千|百)?\s*(人口|人|户)")
#: Comparators: the words before a number that make it a level to reach.
_COMPARATORS = frozenset(
    {
        "不低于",
        "不少于",
        "不高于",
        "不超过",
        "超过",
        "高于",
        "低于",
        "控制在",
        "达到",
        "提升",
        "提高",
        "达",
        "超",
    }
)
#: Change words before a number (an amount added, built, cut), and hedges.
_CHANGE_WORDS = frozenset(
    {"不到", "降低", "下降", "减少", "增加", "增长", "新增", "新建", "增配", "累计", "至少", "约"}
)
#: Every qualifier read before a number, longest first (``不超过`` before ``超过``).
_PREFIX_QUALIFIERS = tuple(sorted(_COMPARATORS | _CHANGE_WORDS, key=lambda w: (-len(w), w)))
_SUFFIX_QUALIFIER = re.compile(r"^\s*(及以上|以上|左右|以内|以下|之内)")
_OBJECT_QUALIFIERS = ("增配", "新增")
_BOUNDARY = "，。；：、！？,;:!?\n"
_OBJECT_TRIM_TAIL = (
    "设备增配",
    "增配",
    "建设任务",
    "标准化建设",
    "达标建设",
    "建设工作",
    "建设",
    "任务",
)
_OBJECT_TRIM_HEAD = (
    "力争",
    "实现",
    "促进",
    "推动",
    "确保",
    "努力",
    "原则上",
    "全区",
    "全面",
    "持续",
    "逐步",
    "稳步",
    "进一步",
    "使",
)
_TIME_PHRASE = re.compile(
    r"^(?:到|至|在)?(?:\d{4}年(?:底|末|前)?|“?十[一二三四五六七八九]五”?(?:期间|末)?|年内|期间)"
)
_HOTLINE_WORDS = ("热线", "电话", "号码", "拨打")
_ACHIEVED = re.compile(r"已(?:经)?(?:建成|完成|实现|达到|覆盖|开设|配置|累计)?\s*$")
#: A Latin acronym (``AED``, ``CT``): it names an object on its own, wherever it stands.
ACRONYM: re.Pattern[str] = re.compile(r"[A-Z]{2,}[A-Z0-9]*")


_HALF_WIDTH = {
    **{0xFF10 + i: chr(0x30 + i) for i in range(10)},
    **{0xFF21 + i: chr(0x41 + i) for i in range(26)},
    **{0xFF41 + i: chr(0x61 + i) for i in range(26)},
    ord("％"): "%",
    ord("．"): ".",
    ord("～"): "~",
    ord("－"): "-",
    ord("＋"): "+",
    0x3000: " ",
}


def half_width(text: str) -> str:
    """Full-width digits, Latin letters and ``％．～－＋`` to ASCII; nothing else changes.

    Unlike NFKC, Chinese punctuation (，；（）) is kept and the length never
    changes, so character offsets stay valid.

    Examples
    --------
    >>> half_width("ＡＥＤ１５０台，达到４８％")
    'AED150台，达到48%'
    """
    return text.translate(_HALF_WIDTH)


def unit_family(unit: str) -> str:
    """The family of a target's unit: ``rate``, ``money``, ``count``, ``duration``, ``age`` …

    ``万``/``亿`` before a unit and per-population bases (``/10万``) are read
    as the unit they qualify; a unit not in :data:`UNIT_FAMILY` counts.

    Examples
    --------
    >>> unit_family("个百分点"), unit_family("万人次"), unit_family("/10万"), unit_family("岁")
    ('rate', 'count', 'rate', 'age')
    """
    if unit.startswith("/"):
        return "rate"  # 10/10万
    if unit == "岁":
        return "age"
    return UNIT_FAMILY.get(unit, UNIT_FAMILY.get(unit.lstrip("万亿"), "count"))


def _clause_start(text: str, pos: int) -> int:
    i = pos
    while i > 0 and text[i - 1] not in _BOUNDARY:
        i -= 1
    return i


def _clause_end(text: str, pos: int) -> int:
    i = pos
    while i < len(text) and text[i] not in _BOUNDARY:
        i += 1
    return i


def _sentence(text: str, start: int, end: int) -> str:
    a = start
    while a > 0 and text[a - 1] not in "。；;！？!?\n":
        a -= 1
    b = end
    while b < len(text) and text[b] not in "。；;！？!?\n":
        b += 1
    return text[a : min(b + 1, len(text))].strip()


def _strip_head(phrase: str) -> str:
    changed = True
    while changed and phrase:
        changed = False
        m = _TIME_PHRASE.match(phrase)
        if m and m.end() > 0:
            phrase, changed = phrase[m.end() :], True
        for word in _OBJECT_TRIM_HEAD:
            if phrase.startswith(word):
                phrase, changed = phrase[len(word) :], True
    return phrase.strip(" “”\"'")


def _prefix_qualifier(before: str) -> tuple[str, str]:
    """The comparator just before a number and the clause text left of it."""
    tail = before.rstrip()
    for word in _PREFIX_QUALIFIERS:
        if tail.endswith(word):
            return word, tail[: -len(word)]
    return "", tail


def _is_excluded(text: str, m: re.Match[str]) -> bool:
    start, end = m.start(), m.end()
    value = m.group("value")
    before = text[max(0, start - 3) : start]
    after = text[m.end("value") : m.end("value") + 2]
    if m.group("unit") == "岁":
        # an age qualifies a population (60岁以上老年人) unless a comparator
        # makes it a level to reach (人均预期寿命达到84岁)
        qual, _ = _prefix_qualifier(text[_clause_start(text, start) : start])
        if qual not in _COMPARATORS:
            return True
    if "+" in before[-1:] or after[:1] == "+" or text[end : end + 1] == "+":
        return True
    if before[-1:].isascii() and before[-1:].isalpha():
        return True  # G60, V2
    if before.endswith("第"):
        return True  # ordinals
    if len(value.replace(".", "")) >= 5:
        return True  # hotline and phone numbers
    window = text[max(0, start - 4) : start] + text[m.end("value") : m.end("value") + 4]
    if any(w in window for w in _HOTLINE_WORDS) and not m.group("unit"):
        return True
    if re.match(r"\s*(?:及以上|以上|以下)?的", text[end:]):
        return True  # attributive threshold: 超50例以上的病种
    return bool(_ACHIEVED.search(text[max(0, start - 6) : start]))


def _object_after(text: str, pos: int) -> tuple[str, str]:
    """Noun phrase after the unit; returns (object, qualifier found in it)."""
    rest = text[pos:]
    rest = re.sub(r"^\s*[（(][^）)]{0,60}[）)]", "", rest)  # 2家（甲站、乙站）标准化…
    m = _SUFFIX_QUALIFIER.match(rest)
    if m:
        rest = rest[m.end() :]
    end = _clause_end(rest, 0)
    nxt = re.search(rf"(?:和|及|与|并)?\s*{_NUMBER}", rest[:end])
    if nxt:
        end = nxt.start()
    phrase = (
        re.sub(r"\s+", "", rest[:end]) if not ACRONYM.search(rest[:end]) else rest[:end].strip()
    )
    phrase = phrase.replace(" ", "")
    qualifier = ""
    changed = True
    while changed:
        changed = False
        for tail in _OBJECT_TRIM_TAIL:
            if phrase.endswith(tail) and len(phrase) > len(tail):
                if tail in _OBJECT_QUALIFIERS or tail == "设备增配":
                    qualifier = "增配" if "增配" in tail else tail
                    if tail == "设备增配":
                        phrase = phrase[: -len(tail)] + "设备"
                        changed = True
                        break
                phrase = phrase[: -len(tail)]
                changed = True
                break
    phrase = re.sub(r"[（(][^）)A-Z]*[）)]$", "", phrase)
    return phrase[:40], qualifier


def _object_before(clause: str) -> str:
    phrase = _strip_head(clause.replace(" ", ""))
    phrase = re.sub(r"(?:较|比)(?:\d{4}年|上年|去年)?$", "", phrase)
    phrase = re.sub(r"(?:达到|达|为|占|提升|提高|降低|实现)$", "", phrase)
    return phrase[-40:]


def targets_in_text(text: str, lines: Iterable[int] | None = None) -> pd.DataFrame:
    """Find the quantitative targets in one cleaned text.

    Parameters
    ----------
    text : str
        Task text (full-width digits and letters are made ASCII here).
    lines : iterable of int, optional
        The raw line number of every character of ``text`` (same length);
        default: every character on line 1 (``line`` then counts from 1 by
        line breaks).

    Returns
    -------
    pandas.DataFrame
        ``value, value_max, unit, qualifier, object, text, line, start, end``:
        ``value_max`` is NaN unless a range was given; ``text`` is the sentence
        holding the target; ``start``/``end`` are character offsets.

    Examples
    --------
    >>> targets_in_text("实现常住人口签约覆盖率提升2-4个百分点。")[
    ...     ["value", "value_max", "unit", "qualifier", "object"]].values.tolist()
    [[2.0, 4.0, '个百分点', '提升', '常住人口签约覆盖率']]
    """
    return pd.DataFrame(target_records(text, lines), columns=_TEXT_COLUMNS)


#: Columns of :func:`targets_in_text`: a target's fields, then its character offsets.
_TEXT_COLUMNS = [*TARGET_FIELDS, "start", "end"]


def target_records(text: str, lines: Iterable[int] | None = None) -> list[dict]:
    """The rows of :func:`targets_in_text` as dicts (no DataFrame per task).

    Examples
    --------
    >>> [(r["value"], r["unit"], r["line"]) for r in target_records("新增3家。\\n配置5台。")]
    [(3.0, '家', 1), (5.0, '台', 2)]
    """
    text = half_width(text)
    if lines is None:
        line_of = np.cumsum([0] + [c == "\n" for c in text[:-1]]) + 1 if text else np.array([])
    else:
        line_of = np.asarray(list(lines))
    per_spans = [
        (m.start(), m.end(), m.group(0).replace(" ", "")) for m in _PER_BASE.finditer(text)
    ]
    rows = []
    for m in _CANDIDATE.finditer(text):
        start, end = m.start(), m.end()
        if any(a <= start < b for a, b, _ in per_spans):
            continue  # the base of a per-capita target
        if _is_excluded(text, m):
            continue
        unit = m.group("unit")
        clause_start = _clause_start(text, start)
        qual, left = _prefix_qualifier(text[clause_start:start])
        quals = [qual] if qual else []
        for a, b, per in per_spans:
            if clause_start <= a and b <= start:
                quals.insert(0, per)
                left = left.replace(per, "") if per in left else left[: a - clause_start]
        suffix = _SUFFIX_QUALIFIER.match(text[end:])
        after_end = end + (suffix.end() if suffix else 0)
        obj, obj_qual = ("", "")
        if unit_family(unit) != "rate":
            obj, obj_qual = _object_after(text, end)
        if obj_qual and obj_qual not in quals:
            quals.append(obj_qual)
        if suffix:
            quals.append(suffix.group(1))
        if not obj:
            obj = _object_before(left)
            for word in ("新增", "新建", "累计"):
                if obj.startswith(word) and len(obj) > len(word):
                    obj = obj[len(word) :]
                    if word not in quals:
                        quals.insert(0, word)
        rows.append(
            {
                "value": float(m.group("value")),
                "value_max": float(m.group("value_max")) if m.group("value_max") else np.nan,
                "unit": unit,
                "qualifier": " ".join(quals),
                "object": obj,
                "text": _sentence(text, start, after_end),
                "line": int(line_of[start]) if len(line_of) else 1,
                "start": start,
                "end": after_end,
            }
        )
    return rows


def task_raw_text(
    raw_lines: list[str], line_start: int, line_end: int, number: str = ""
) -> tuple[str, list[int]]:
    """Join a task's raw lines into one cleaned text and the raw line of each character.

    Parameters
    ----------
    raw_lines : list of str
        The decoded file split on ``"\\n"``.
    line_start, line_end : int
        1-based, inclusive (the task's ``line_start``/``line_end``).
    number : str
        The task's printed number; cut from the start when it holds a digit.

    Examples
    --------
    >>> task_raw_text(["7、推进签约", "覆盖率达到 48%。", "— 4 —"], 1, 3, "7、")
    ('推进签约覆盖率达到48%。', [1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    """
    text, lines = "", []
    for no in range(int(line_start), int(line_end) + 1):
        if no - 1 >= len(raw_lines):
            break
        cl = clean_line(no, raw_lines[no - 1])
        if cl.artefact:
            continue
        s = half_width(cl.text)
        if not text and number and any(ch.isdigit() for ch in number):
            num = half_width(number).strip()
            if s.startswith(num):
                s = s[len(num) :].lstrip()
        if text and text[-1] in "。！？；!?;" and not text.endswith("\n"):
            text += "\n"
            lines.append(no - 1)
        text += s
        lines.extend([no] * len(s))
    return text, lines
