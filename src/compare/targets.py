"""Quantitative targets: the numeric commitments a plan's tasks make.

A target is a number (or a range such as ``2-4``) with a unit, read with
regular expressions from the **raw file lines** of a task (never from jieba
tokens, which split ``23.4%`` or ``1.5万元`` inconsistently). Each target
carries its qualifier, the object measured, the task and the raw line.

Method
------
1. **Text.** For each task, the raw lines ``line_start..line_end`` are cleaned
   the way the parser cleans them (markdown marks, page markers, spaces
   between CJK characters and digits dropped; full-width digits, letters and
   ``％`` made ASCII, Chinese punctuation kept) and joined (hard wraps glued, paragraph ends kept as a
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
6. **Alignment across districts** (:func:`align_targets`): each target gets an
   ``object_key`` (a Latin acronym inside the object, e.g. ``AED``, else the
   object without generic modifiers such as ``社区``, ``标准化``); targets in
   the same unit family (count, rate, duration, money) whose keys have a
   character-bigram Dice similarity ≥ ``min_similarity`` (default 0.5) are
   grouped (single linkage). Each group is one comparable commitment.

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

from compare.exceptions import CompareError
from compare.grammar import clean_line  # the parser's own notion of an artefact line

__all__ = [
    "TARGET_COLUMNS",
    "UNITS",
    "UNIT_FAMILY",
    "align_targets",
    "extract_targets",
    "object_key",
    "score_targets",
    "task_raw_text",
    "half_width",
    "targets_in_text",
]

#: Columns of the ``compare targets`` output, in order.
TARGET_COLUMNS: tuple[str, ...] = (
    "source_file",
    "task_id",
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
_PREFIX_QUALIFIERS = (
    "不低于",
    "不少于",
    "不高于",
    "不超过",
    "不到",
    "超过",
    "高于",
    "低于",
    "控制在",
    "达到",
    "提升",
    "提高",
    "降低",
    "下降",
    "减少",
    "增加",
    "增长",
    "新增",
    "新建",
    "增配",
    "累计",
    "至少",
    "达",
    "超",
    "约",
)
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
_ACRONYM = re.compile(r"[A-Z]{2,}[A-Z0-9]*")
_KEY_NOISE = re.compile(r"社区卫生服务中心(?=.)|标准化|社区|区属|首批|开展|新建|新增|设备|的|一批")


def _plain(value: str) -> float:
    return float(value)


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


def _family(unit: str) -> str:
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
        re.sub(r"\s+", "", rest[:end]) if not _ACRONYM.search(rest[:end]) else rest[:end].strip()
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
    return pd.DataFrame(_target_rows(text, lines), columns=_TEXT_COLUMNS)


#: Columns of :func:`targets_in_text`.
_TEXT_COLUMNS = [
    "value",
    "value_max",
    "unit",
    "qualifier",
    "object",
    "text",
    "line",
    "start",
    "end",
]


def _target_rows(text: str, lines: Iterable[int] | None = None) -> list[dict]:
    """The rows of :func:`targets_in_text` as dicts (no DataFrame per task)."""
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
        if _family(unit) != "rate":
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
                "value": _plain(m.group("value")),
                "value_max": _plain(m.group("value_max")) if m.group("value_max") else np.nan,
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


def extract_targets(tasks: pd.DataFrame) -> pd.DataFrame:
    """Extract the quantitative targets of every task, with its raw source line.

    Parameters
    ----------
    tasks : pandas.DataFrame
        The corpus ``tasks`` table (``task_id, source_file, number,
        line_start, line_end, raw`` are used: numbers are read from the
        task's extracted lines, never from ``data/raw`` again; ``doc_id, district, year, kind,
        label`` are carried along when present). Not modified.

    Returns
    -------
    pandas.DataFrame
        :data:`TARGET_COLUMNS` then ``doc_id, district, year, kind, label,
        unit_family, object_key``; one row per target, in task order.

    Examples
    --------
    >>> from compare import load_corpus
    >>> t = extract_targets(load_corpus().tasks)
    >>> sorted(t.loc[t.object_key == "AED", "value"].astype(int))
    [75, 150, 222]
    """
    extra = [c for c in ("doc_id", "district", "year", "kind", "label") if c in tasks.columns]
    columns = [*TARGET_COLUMNS, *extra, "unit_family", "object_key"]
    # One pass per source file: its raw lines are read and split once, used by every task
    # of that file, then dropped (memory stays one file, not the corpus). Rows are plain
    # dicts gathered into one DataFrame at the end (a DataFrame per task cost 0.5 ms each).
    rows: list[dict] = []
    order: list[int] = []
    src_col = tasks["source_file"].astype(str).to_numpy()
    by_file: dict[str, list[int]] = {}
    for i, src in enumerate(src_col):
        by_file.setdefault(src, []).append(i)
    records = list(tasks.itertuples(index=False))
    if "raw" not in tasks.columns:
        raise CompareError("extract_targets needs the tasks table of a corpus (its 'raw' column)")
    for src, idx in by_file.items():
        for i in idx:
            task = records[i]
            number = str(getattr(task, "number", "") or "")
            raw = task.raw if isinstance(task.raw, str) else ""
            text, lines = task_raw_text(raw.split("\n"), 1, raw.count("\n") + 1, number)
            lines = [no + int(task.line_start) - 1 for no in lines]
            found = _target_rows(text, lines)
            if not found:
                continue
            fixed = {"source_file": src, "task_id": task.task_id}
            fixed.update((col, getattr(task, col)) for col in extra)
            for row in found:
                rows.append({**fixed, **row})
                order.append(i)
    if not rows:
        return pd.DataFrame(columns=columns)
    # back to task order (a file's tasks may not be contiguous in ``tasks``)
    rank = np.argsort(np.asarray(order), kind="stable")
    out = pd.DataFrame([rows[j] for j in rank])
    out["unit_family"] = out["unit"].map(_family)
    out["object_key"] = out["object"].map(object_key)
    return out[columns]


def object_key(obj: str) -> str:
    """A short key for aligning objects across plans.

    A Latin acronym in the object wins (``自动式体外除颤器（AED）`` → ``AED``);
    otherwise generic modifiers (社区, 标准化, 区属, 首批, 开展, 的 …) are removed.

    Examples
    --------
    >>> object_key("自动式体外除颤器（AED）"), object_key("社区标准化口腔诊室")
    ('AED', '口腔诊室')
    """
    m = _ACRONYM.search(obj or "")
    if m:
        return m.group(0)
    key = _KEY_NOISE.sub("", obj or "")
    return re.sub(r"[（(][^）)]*[）)]", "", key) or (obj or "")


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _head(key: str) -> str:
    return key if _ACRONYM.fullmatch(key or "") else (key or "")[-2:]


def _links(t: pd.DataFrame, min_similarity: float) -> list[tuple[int, int]]:
    """Mutual-best links between the targets of every pair of districts."""
    links: list[tuple[int, int]] = []
    by = {
        (d, f): g.index.to_numpy()
        for (d, f), g in t.groupby([t["district"].astype(str), "unit_family"], sort=True)
    }
    districts = sorted({d for d, _ in by})
    families = sorted({f for _, f in by})
    keys = t["object_key"].to_numpy()
    for fam in families:
        for i, a in enumerate(districts):
            for b in districts[i + 1 :]:
                ia, ib = by.get((a, fam)), by.get((b, fam))
                if ia is None or ib is None:
                    continue
                S = np.array(
                    [
                        [
                            _dice(keys[x], keys[y]) if _head(keys[x]) == _head(keys[y]) else 0.0
                            for y in ib
                        ]
                        for x in ia
                    ]
                )
                best_b, best_a = S.argmax(axis=1), S.argmax(axis=0)
                for r, c in enumerate(best_b):
                    if best_a[c] == r and S[r, c] >= min_similarity:
                        links.append((int(ia[r]), int(ib[c])))
    return links


def align_targets(
    targets: pd.DataFrame, *, min_similarity: float = 0.4, min_districts: int = 2
) -> pd.DataFrame:
    """Group comparable targets across districts.

    Two targets of different districts are linked when they are in the same
    unit family, their ``object_key`` values end in the same head (the last
    two characters, or the same acronym), their character-bigram Dice
    similarity is at least ``min_similarity``, and each is the other's best
    match between the two districts (mutual best). Groups are the connected
    components of these links, so a group holds at most one target per
    district pair link; the work is per district pair, O(n_a·n_b).

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`extract_targets`.
    min_similarity : float
        Dice threshold (0.4 links ``签约居民覆盖率`` with
        ``常住人口签约覆盖率``; the head and mutual-best conditions keep
        ``护理中心`` apart from ``健康管理中心``).
    min_districts : int
        Keep groups with targets from at least this many districts.

    Returns
    -------
    pandas.DataFrame
        One row per target in a kept group: ``group`` (int), ``group_key``
        (the shortest key of the group), ``district, value, value_max, unit,
        qualifier, object, source_file, task_id, line``; sorted by group and
        district.

    Examples
    --------
    >>> from compare import load_corpus
    >>> a = align_targets(extract_targets(load_corpus().tasks))
    >>> a.loc[a.group_key == "AED", ["district", "value"]].astype(str).values.tolist()
    [['松江', '75.0'], ['长宁', '222.0'], ['青浦', '150.0']]
    """
    cols = [
        "group",
        "group_key",
        "district",
        "value",
        "value_max",
        "unit",
        "qualifier",
        "object",
        "source_file",
        "task_id",
        "line",
    ]
    if targets.empty:
        return pd.DataFrame(columns=cols)
    t = targets.reset_index(drop=True)
    parent = list(range(len(t)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _links(t, min_similarity):
        parent[find(i)] = find(j)
    t = t.assign(_root=[find(i) for i in range(len(t))])
    groups = []
    for _, g in t.groupby("_root", sort=True):
        if g["district"].astype(str).nunique() < min_districts:
            continue
        key = min(g["object_key"], key=lambda k: (len(k), k))
        groups.append(g.assign(group_key=key, _first=g.index.min()))
    if not groups:
        return pd.DataFrame(columns=cols)
    out = pd.concat(groups, ignore_index=True)
    firsts = sorted(out["_first"].unique())
    out["group"] = out["_first"].map({f: i for i, f in enumerate(firsts)})
    out["district"] = out["district"].astype(str)
    return out.sort_values(["group", "district", "value"], kind="stable")[cols].reset_index(
        drop=True
    )


def _match_keys(df: pd.DataFrame) -> list[tuple]:
    vmax = pd.to_numeric(df["value_max"], errors="coerce")
    return [
        (str(s), int(ln), round(float(v), 6), None if pd.isna(m) else round(float(m), 6), str(u))
        for s, ln, v, m, u in zip(
            df["source_file"], df["line"], pd.to_numeric(df["value"]), vmax, df["unit"], strict=True
        )
    ]


def score_targets(found: pd.DataFrame, expected: pd.DataFrame) -> dict[str, float]:
    """Precision and recall of extracted targets against a hand-checked list.

    A found target matches an expected one with the same ``source_file``,
    ``line``, ``value``, ``value_max`` and ``unit`` (each expected row is
    matched at most once).

    Examples
    --------
    >>> row = {"source_file": "a.txt", "line": 3, "value": 2.0, "value_max": None, "unit": "家"}
    >>> score_targets(pd.DataFrame([row]), pd.DataFrame([row]))["recall"]
    1.0
    """
    from collections import Counter

    f, e = Counter(_match_keys(found)), Counter(_match_keys(expected))
    tp = sum((f & e).values())
    n_found, n_expected = sum(f.values()), sum(e.values())
    return {
        "found": n_found,
        "expected": n_expected,
        "true_positives": tp,
        "precision": tp / n_found if n_found else 1.0,
        "recall": tp / n_expected if n_expected else 1.0,
    }
