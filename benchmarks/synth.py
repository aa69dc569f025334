"""A large, realistic corpus of plans, generated deterministically from the seeds.

The benchmark (``benchmarks/bench.py``) and the generalisation and fault tests
need thousands of plans; only five are published. :func:`generate_plan` builds
one plan from a seed number and an index, so plan ``i`` is the same whatever
``n`` is (the corpus of 100 is the first 100 of the corpus of 1,000):

* **Content** is remixed from the seed plans: section titles and task titles
  are drawn from every seed; each task body keeps most sentences of one seed
  task, drops some, borrows one or two from other tasks, and has its figures
  varied, so that no two task texts are equal (token caches keyed by text
  cannot short-cut the work). District names and years are varied and written
  into the text.
* **Genre and layout** vary the way published plans do: work points, medical
  administration points and five-year plans (with context parts that hold no
  tasks); two- and three-level structures; task numbering ``1.`` / ``1、`` /
  ``一是`` / ``（一）``, restarting or running on; plain text, markdown
  (``#`` headings, ``**bold**`` task titles, rules) or PDF text (hard wraps,
  optionally a blank line between wrapped lines, page markers such as
  ``— 4 —``, ``- 4 -``, ``第4页``); a notice preamble (letterhead, document
  number, 关于印发《…》的通知, closing issuer and date) or none; UTF-8,
  UTF-8 with BOM or GB18030; LF or CRLF.
* **Ground truth** is returned with each plan (:class:`PlanTruth`): kind,
  district, year or period, the number of sections (headings above the task
  level) and the task titles, so a test can check the parser recovers them.

PDF wrapping follows the rules a reader of such text relies on, so that the
truth stays recoverable: every wrapped line but a paragraph's last runs to the
page edge, a paragraph's last line stops well short of it, and no wrapped line
starts with something that reads as a number, a page marker or a closing line.

Examples
--------
>>> name, data, truth = generate_plan(3, seed=0)
>>> truth.n_tasks == len(truth.task_titles) and truth.n_tasks > 0
True
>>> generate_plan(3, seed=0)[1] == data
True
"""

from __future__ import annotations

import functools
import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from compare import config
from compare.exceptions import PlanInputError
from compare.grammar import (
    ATTACHMENT,
    CLOSING,
    CONTEXT_PART,
    ORG_LINE,
    PAGE_MARKER,
    TASK_PART,
    display_width,
    numbering_of,
)
from compare.io import decode_bytes
from compare.parse import parse_plan

__all__ = [
    "GENERATOR_VERSION",
    "PlanTruth",
    "damage_corpus",
    "generate_corpus",
    "generate_plan",
    "read_truth",
]

#: Bump when the output of :func:`generate_plan` changes (it keys generated folders).
GENERATOR_VERSION = "1"
TRUTH_FILE = "truth.jsonl"
_MANIFEST = "manifest.json"

#: (city prefix as written in full titles, name, suffix). Real districts and counties.
DISTRICTS: tuple[tuple[str, str, str], ...] = tuple(
    [
        ("上海市", n, "区")
        for n in [
            "黄浦",
            "徐汇",
            "长宁",
            "静安",
            "普陀",
            "虹口",
            "杨浦",
            "闵行",
            "宝山",
            "嘉定",
            "金山",
            "松江",
            "青浦",
            "奉贤",
            "崇明",
        ]
    ]
    + [
        ("北京市", n, "区")
        for n in [
            "东城",
            "西城",
            "朝阳",
            "海淀",
            "丰台",
            "石景山",
            "门头沟",
            "房山",
            "通州",
            "顺义",
            "昌平",
            "大兴",
            "怀柔",
            "平谷",
            "密云",
            "延庆",
        ]
    ]
    + [("江苏省苏州市", n, "区") for n in ["姑苏", "吴中", "相城", "吴江", "虎丘"]]
    + [
        ("浙江省杭州市", n, "区")
        for n in ["上城", "拱墅", "西湖", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安"]
    ]
    + [
        ("广东省广州市", n, "区")
        for n in ["越秀", "海珠", "天河", "白云", "黄埔", "番禺", "花都", "南沙", "从化", "增城"]
    ]
    + [
        ("四川省成都市", n, "区")
        for n in ["锦江", "青羊", "金牛", "武侯", "成华", "龙泉驿", "温江", "双流", "郫都", "新都"]
    ]
    + [("浙江省嘉兴市", n, "县") for n in ["嘉善", "海盐"]]
    + [("湖南省长沙市", n, "县") for n in ["长沙", "宁乡"]]
    + [("福建省福州市", n, "县") for n in ["闽侯", "连江", "罗源", "闽清", "永泰"]]
)
_SEED_DISTRICTS = ("松江", "青浦", "长宁")
_FYP_ORDINALS = {"十三": (2016, 2020), "十四": (2021, 2025), "十五": (2026, 2030)}
_KINDS = (("work_points", 0.7), ("medical_admin_points", 0.15), ("five_year_plan", 0.15))
_PAGE_STYLES = ("— {p} —", "- {p} -", "第{p}页", "第 {p} 页 共 {q} 页", "{p}/{q}")
_NEWLINES = {"lf": "\n", "crlf": "\r\n"}


@dataclass(frozen=True)
class PlanTruth:
    """What a generated plan contains, for checking the parser.

    Attributes
    ----------
    file : str
        File name inside the generated folder.
    kind, district : str
        As the parser should report them.
    year, period_start, period_end : int or None
        Plan year (work points) or period (five-year plan).
    n_sections : int
        Headings above the task level (context parts included).
    task_titles : tuple of str
        Titles of the tasks, in order.
    task_texts : tuple of str
        Each task's text (title included) with white space removed.
    layout, task_style, numbering, encoding, newline : str
        How the plan was written (``plain``/``markdown``/``pdf``;
        ``inline``/``bold``/``title_line``; ``1.``/``1、``/``一是``/``（一）``;
        ``utf-8``/``utf-8-sig``/``gb18030``; ``lf``/``crlf``).
    preamble : bool
        Whether a notice preamble precedes the plan.
    levels : int
        Numbering levels down to the task level (2 or 3).
    n_bytes : int
        Size of the file.
    """

    file: str
    kind: str
    district: str
    year: int | None
    period_start: int | None
    period_end: int | None
    n_sections: int
    task_titles: tuple[str, ...]
    task_texts: tuple[str, ...]
    layout: str
    task_style: str
    numbering: str
    encoding: str
    newline: str
    preamble: bool
    levels: int
    n_bytes: int

    @property
    def n_tasks(self) -> int:
        """Number of tasks."""
        return len(self.task_titles)


# --------------------------------------------------------------------------- seed pools


@dataclass(frozen=True)
class _Pools:
    section_titles: tuple[str, ...]
    task_titles: tuple[str, ...]
    #: per seed task: its body sentences
    bodies: tuple[tuple[str, ...], ...]
    sentences: tuple[str, ...]
    intros: tuple[str, ...]
    context: tuple[str, ...]  # paragraphs of context parts (five-year plan)


_SENT = re.compile(r"[^。！？]*[。！？]")
_BAD_TITLE = re.compile(r"[。：:；;！？!?…\s]")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT.findall(text.replace("\n", "")) if len(s) >= 6]


def _ok_title(t: str) -> bool:
    return (
        4 <= len(t) <= 30
        and not _BAD_TITLE.search(t)
        and not CONTEXT_PART.match(t)
        and not TASK_PART.search(t)
        and numbering_of(t) is None
    )


@functools.cache
def _pools(raw_dir: str) -> _Pools:
    sec_titles: list[str] = []
    task_titles: list[str] = []
    bodies: list[tuple[str, ...]] = []
    intros: list[str] = []
    context: list[str] = []
    for path in sorted(Path(raw_dir).glob("*.txt")):
        plan = parse_plan(path)
        task_secs = {t.section for t in plan.tasks}
        for s in plan.sections:
            if s.id in task_secs and _ok_title(s.title):
                sec_titles.append(s.title)
        for t in plan.tasks:
            if _ok_title(t.title):
                task_titles.append(t.title)
            body = t.text[len(t.title) :] if t.text.startswith(t.title) else t.text
            sents = [s for s in _sentences(body) if numbering_of(s) is None]
            if sents:
                bodies.append(tuple(sents))
        for b in plan.unassigned:
            if b.kind == "intro":
                intros.extend(p for p in b.text.split("\n") if len(p) > 40 and p.endswith("。"))
            elif b.kind == "section_text":
                context.extend(
                    p
                    for p in b.text.split("\n")
                    if len(p) > 40 and p.endswith("。") and numbering_of(p) is None
                )
    sentences = tuple(s for b in bodies for s in b)
    return _Pools(
        tuple(dict.fromkeys(sec_titles)),
        tuple(dict.fromkeys(task_titles)),
        tuple(bodies),
        sentences,
        tuple(intros),
        tuple(context),
    )


# --------------------------------------------------------------------------- content

_CN_NUM = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return _CN_NUM[n - 1]
    if n < 20:
        return "十" + _CN_NUM[n - 11]
    tens, ones = divmod(n, 10)
    return _CN_NUM[tens - 1] + "十" + (_CN_NUM[ones - 1] if ones else "")


def _label(style: str, n: int) -> str:
    return {
        "1.": f"{n}.",
        "1、": f"{n}、",
        "一是": f"{_cn(n)}是",
        "（一）": f"（{_cn(n)}）",
        "一、": f"{_cn(n)}、",
    }[style]


def _localise(text: str, name: str, year: int, suffix: str = "区") -> str:
    for seed in _SEED_DISTRICTS:
        text = text.replace(seed + "区", name + suffix).replace(seed, name)
    return re.sub(r"(?<![-—～至\d])202[56](?=年)", str(year), text)


def _vary_numbers(text: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        if len(s) == 4 and s.startswith(("19", "20")):
            return s  # a year
        value = int(s)
        return str(max(1, value + rng.randint(-max(1, value // 4), max(1, value // 4))))

    return re.sub(r"\d+", repl, text)


def _task_body(pools: _Pools, rng: random.Random, name: str, year: int, suffix: str) -> str:
    base = list(rng.choice(pools.bodies))
    kept = [s for s in base if rng.random() > 0.25] or base[:1]
    for _ in range(rng.randint(0, 2)):
        kept.insert(rng.randint(0, len(kept)), rng.choice(pools.sentences))
    return _localise(_vary_numbers("".join(kept), rng), name, year, suffix)


# --------------------------------------------------------------------------- layout


def _safe_start(line: str) -> bool:
    """A wrapped continuation line must not read as a heading, marker or closing."""
    s = line.strip()
    return not (
        numbering_of(s) is not None
        or PAGE_MARKER.match(s)
        or ATTACHMENT.match(s)
        or CLOSING.match(s)
        or s[:1] in "#>*-_=—"
    )


def _wrap(text: str, width: int) -> list[str]:
    """Hard-wrap ``text`` at ``width`` display units, as PDF extraction does."""
    lines: list[str] = []
    cur, w = "", 0
    for ch in text:
        cw = display_width(ch)
        if w + cw > width and cur:
            lines.append(cur)
            cur, w = "", 0
        cur += ch
        w += cw
    if cur:
        lines.append(cur)
    # never break inside an ASCII word or before a line start that reads as structure
    for k in range(1, len(lines)):
        for _ in range(6):
            prev, nxt = lines[k - 1], lines[k]
            glued = (
                prev[-1:].isascii()
                and prev[-1:].isalnum()
                and nxt[:1].isascii()
                and nxt[:1].isalnum()
            )
            if not glued and _safe_start(nxt) and not ORG_LINE.match(nxt):
                break
            lines[k - 1], lines[k] = prev[:-1], prev[-1] + nxt
    return lines


def _fits_pdf(text: str, width: int, terminal: bool) -> bool:
    """Whether the last wrapped line of ``text`` stops clearly short of the edge."""
    lines = _wrap(text, width)
    if any(display_width(ln) < 0.9 * width for ln in lines[:-1]):
        return False
    limit = 0.85 if terminal else 0.7
    return display_width(lines[-1]) < limit * width


def _fit_paragraph(text: str, width: int) -> str:
    """Shorten a sentence-ending paragraph until its PDF wrap is unambiguous."""
    while not _fits_pdf(text, width, terminal=True):
        sents = _sentences(text)
        text = "".join(sents[:-1]) if len(sents) > 1 else text[:-2].rstrip("，、；") + "。"
    return text


@dataclass
class _Unit:
    kind: str  # heading | para | task_title | raw
    text: str
    bold_to: int = 0  # markdown: length of the bold prefix
    md_level: int = 0  # markdown heading level


# --------------------------------------------------------------------------- one plan


def _choose(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def generate_plan(
    index: int, seed: int = 0, raw_dir: str | Path | None = None
) -> tuple[str, bytes, PlanTruth]:
    """Generate plan number ``index`` of the corpus with ``seed``.

    Parameters
    ----------
    index : int
        Position in the corpus; each index is generated independently.
    seed : int
        Corpus seed.
    raw_dir : str or pathlib.Path, optional
        Folder of seed plans; default ``config.RAW_DIR``.

    Returns
    -------
    (str, bytes, PlanTruth)
        File name, file content (encoded) and the ground truth.

    Examples
    --------
    >>> name, data, truth = generate_plan(0)
    >>> name.startswith("plan_00000"), truth.n_sections > 0
    (True, True)
    """
    pools = _pools(str(Path(raw_dir or config.RAW_DIR).resolve()))
    rng = random.Random(f"compare-synth-{GENERATOR_VERSION}-{seed}-{index}")
    city, name, suffix = rng.choice(DISTRICTS)
    kind = _choose(rng, _KINDS)
    layout = _choose(rng, (("plain", 0.45), ("markdown", 0.3), ("pdf", 0.25)))
    encoding = _choose(rng, (("utf-8", 0.7), ("utf-8-sig", 0.1), ("gb18030", 0.2)))
    newline = _choose(rng, (("lf", 0.75), ("crlf", 0.25)))
    width = rng.randint(52, 64) if layout == "pdf" else 0
    full_name = (city if rng.random() < 0.5 else "") + name + suffix
    issuer = (
        f"{city}{name}{suffix}卫生健康委员会"
        if rng.random() < 0.6
        else f"{name}{suffix}卫生健康委员会"
    )

    year: int | None = None
    period: tuple[int, int] | None = None
    if kind == "five_year_plan":
        ordinal = rng.choice(list(_FYP_ORDINALS))
        period = _FYP_ORDINALS[ordinal]
        title = f"{name}{suffix}卫生健康发展“{ordinal}五”规划"
        text_year = period[0]
    else:
        year = rng.randint(2018, 2026)
        text_year = year
        what = "医政管理工作要点" if kind == "medical_admin_points" else "卫生健康工作要点"
        title = f"{year}年{full_name}{what}"

    def para(text: str) -> str:
        return _fit_paragraph(text, width) if width else text

    def heading_title(pool: tuple[str, ...]) -> str:
        for _ in range(20):
            t = _localise(rng.choice(pool), name, text_year, suffix)
            if not width or _fits_pdf(t + "一、", width, terminal=False):
                return t
        return "加强重点工作"

    units: list[_Unit] = []
    section_titles: list[str] = []
    task_titles: list[str] = []
    task_texts: list[str] = []
    levels = 2 if kind == "five_year_plan" or rng.random() < 0.7 else 3
    if kind == "five_year_plan":
        levels = 3
    numbering = rng.choice(
        ("1.", "1、", "一是", "（一）") if levels == 2 else ("1.", "1、", "一是")
    )
    if kind == "five_year_plan":
        numbering = rng.choice(("1.", "1、"))
    continuous = numbering in ("1.", "1、") and (kind == "five_year_plan" or rng.random() < 0.3)
    task_style = (
        "inline" if layout == "pdf" and rng.random() < 0.5 else rng.choice(("inline", "title_line"))
    )
    if layout == "markdown" and rng.random() < 0.6:
        task_style = "bold"
    counter = 0

    def add_section(number: str, stitle: str, md_level: int) -> None:
        section_titles.append(stitle)
        units.append(_Unit("heading", number + stitle, md_level=md_level))

    def add_tasks(k: int) -> None:
        nonlocal counter
        for j in range(1, k + 1):
            counter += 1
            num = _label(numbering, counter if continuous else j)
            for _ in range(20):
                ttitle = _localise(rng.choice(pools.task_titles), name, text_year, suffix)
                if not width or _fits_pdf(num + ttitle, width, terminal=False):
                    break
            body = para(_task_body(pools, rng, name, text_year, suffix))
            task_titles.append(ttitle)
            if task_style == "title_line":
                units.append(_Unit("task_title", num + ttitle))
                units.append(_Unit("para", body))
                task_texts.append(ttitle + body)
            else:
                head = f"{num}{ttitle}。"
                first = para(head + body) if width else head + body
                units.append(_Unit("para", first, bold_to=len(head) if task_style == "bold" else 0))
                task_texts.append(first[len(num) :])
            if rng.random() < 0.25:  # a second paragraph
                extra = para(_task_body(pools, rng, name, text_year, suffix))
                units.append(_Unit("para", extra))
                task_texts[-1] += extra

    n_top = rng.randint(3, 7)
    if kind == "five_year_plan":
        parts = ["发展基础", "面临形势", "总体要求", "主要任务", "保障措施"]
        if rng.random() < 0.5:
            parts.remove("面临形势")
        for p, part in enumerate(parts, start=1):
            add_section(_label("一、", p), part, 2)
            if part == "主要任务":
                for q in range(1, rng.randint(3, 6) + 1):
                    add_section(_label("（一）", q), heading_title(pools.section_titles), 3)
                    add_tasks(rng.randint(2, 5))
            elif part in ("发展基础", "保障措施") and rng.random() < 0.6:
                for q in range(1, rng.randint(2, 4) + 1):
                    add_section(_label("（一）", q), heading_title(pools.task_titles), 3)
                    units.append(
                        _Unit(
                            "para",
                            para(_localise(rng.choice(pools.context), name, text_year, suffix)),
                        )
                    )
            else:
                for _ in range(rng.randint(1, 2)):
                    units.append(
                        _Unit(
                            "para",
                            para(_localise(rng.choice(pools.context), name, text_year, suffix)),
                        )
                    )
    else:
        for p in range(1, n_top + 1):
            add_section(_label("一、", p), heading_title(pools.section_titles), 2)
            if rng.random() < 0.2:
                units.append(
                    _Unit(
                        "para", para(_localise(rng.choice(pools.intros), name, text_year, suffix))
                    )
                )
            if levels == 3:
                for q in range(1, rng.randint(2, 3) + 1):
                    add_section(_label("（一）", q), heading_title(pools.task_titles), 3)
                    add_tasks(rng.randint(1, 4))
            else:
                add_tasks(rng.randint(2, 6))

    # ---- front matter and closing ------------------------------------------
    preamble = rng.random() < 0.6
    doc_no = f"{name[0]}卫健发〔{text_year}〕{index % 9000 + 1}号"
    date = f"{text_year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    front: list[_Unit] = []
    if preamble:
        front += [
            _Unit("raw", f"{issuer}文件", md_level=1),
            _Unit("raw", doc_no),
            _Unit("rule", "---"),
            _Unit("raw", f"关于印发《{title}》的通知", md_level=2),
            _Unit(
                "raw",
                rng.choice(
                    (
                        "各医疗卫生单位、委机关各科室：",
                        "区属各医疗卫生健康单位：",
                        "各卫生健康单位：",
                    )
                ),
            ),
            _Unit("raw", f"现将《{title}》印发给你们，请结合实际，认真贯彻落实。"),
        ]
        if rng.random() < 0.5:
            front.append(_Unit("raw", "特此通知"))
        front += [_Unit("raw", issuer), _Unit("raw", date)]
        if rng.random() < 0.5:
            front.append(_Unit("raw", "（信息公开属性：主动公开）"))
    front.append(_Unit("raw", title, md_level=1))
    front.append(_Unit("para", para(_localise(rng.choice(pools.intros), name, text_year, suffix))))
    back: list[_Unit] = []
    if preamble and rng.random() < 0.6:
        back = [_Unit("raw", issuer + "办公室"), _Unit("raw", f"{date}印发")]

    lines = _render(front + units + back, layout, width, rng)
    nl = _NEWLINES[newline]
    text = nl.join(lines) + nl
    data = text.encode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    ext = ".md" if layout == "markdown" and rng.random() < 0.5 else ".txt"
    fname = f"plan_{index:05d}{ext}"
    truth = PlanTruth(
        file=fname,
        kind=kind,
        district=name,
        year=year,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        n_sections=len(section_titles),
        task_titles=tuple(task_titles),
        task_texts=tuple(re.sub(r"\s+", "", t) for t in task_texts),
        layout=layout,
        task_style=task_style,
        numbering=numbering,
        encoding=encoding,
        newline=newline,
        preamble=preamble,
        levels=levels,
        n_bytes=len(data),
    )
    return fname, data, truth


def _render(units: list[_Unit], layout: str, width: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    if layout == "markdown":
        for u in units:
            if u.kind == "rule":
                out += ["---", ""]
            elif u.kind == "heading" or (u.kind == "raw" and u.md_level):
                out += ["#" * u.md_level + " " + u.text, ""]
            elif u.bold_to:
                out += [f"**{u.text[: u.bold_to]}**{u.text[u.bold_to :]}", ""]
            elif u.kind == "task_title" and rng.random() < 0.5:
                out += [f"**{u.text}**", ""]
            else:
                out += [u.text, ""]
        return out
    if layout == "plain":
        blank = rng.random() < 0.6
        for u in units:
            if u.kind == "rule":
                continue
            out.append(u.text)
            if blank:
                out.append("")
        return out
    # pdf: hard wraps, maybe a blank line between lines, page markers
    gap = rng.random() < 0.5
    page_style = rng.choice(_PAGE_STYLES)
    per_page = rng.randint(22, 34)
    flat: list[str] = []
    for u in units:
        if u.kind == "rule":
            continue
        flat += _wrap(u.text, width) if u.kind in ("para", "heading") else [u.text]
    pages = (len(flat) + per_page - 1) // per_page
    for k, line in enumerate(flat, start=1):
        out.append(line)
        if gap:
            out.append("")
        if k % per_page == 0 and k < len(flat):
            out.append(page_style.format(p=k // per_page, q=pages))
            if gap:
                out.append("")
    return out


# --------------------------------------------------------------------------- corpora


def generate_corpus(
    folder: str | Path,
    n: int,
    seed: int = 0,
    *,
    raw_dir: str | Path | None = None,
    force: bool = False,
) -> list[PlanTruth]:
    """Write plans ``0 … n-1`` into ``folder`` with their truth in ``truth.jsonl``.

    A folder already holding the same corpus (same ``n``, seed and generator
    version, per its ``manifest.json``) is kept as it is.

    Parameters
    ----------
    folder : str or pathlib.Path
        Output folder, created if missing (use ``data/bench/…``: git-ignored).
    n : int
        Number of plans.
    seed : int
        Corpus seed.
    raw_dir : str or pathlib.Path, optional
        Folder of seed plans; default ``config.RAW_DIR``.
    force : bool
        Regenerate even if the folder is up to date.

    Returns
    -------
    list of PlanTruth

    Examples
    --------
    >>> import tempfile
    >>> truths = generate_corpus(tempfile.mkdtemp(), 3)
    >>> [t.file[:10] for t in truths]
    ['plan_00000', 'plan_00001', 'plan_00002']
    """
    folder = Path(folder)
    manifest = {"n": n, "seed": seed, "generator": GENERATOR_VERSION}
    mpath = folder / _MANIFEST
    if not force and mpath.exists() and (folder / TRUTH_FILE).exists():
        try:
            if json.loads(mpath.read_text(encoding="utf-8")) == manifest:
                return read_truth(folder)
        except ValueError:
            pass
    folder.mkdir(parents=True, exist_ok=True)
    mpath.unlink(missing_ok=True)
    for old in folder.glob("plan_*"):
        old.unlink()
    truths = []
    with open(folder / TRUTH_FILE, "w", encoding="utf-8") as fh:
        for i in range(n):
            fname, data, truth = generate_plan(i, seed, raw_dir)
            (folder / fname).write_bytes(data)
            fh.write(json.dumps(asdict(truth), ensure_ascii=False) + "\n")
            truths.append(truth)
    mpath.write_text(json.dumps(manifest), encoding="utf-8")
    return truths


def read_truth(folder: str | Path) -> list[PlanTruth]:
    """Read the ``truth.jsonl`` of a generated folder.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp(); _ = generate_corpus(d, 2)
    >>> len(read_truth(d))
    2
    """
    out = []
    for line in (Path(folder) / TRUTH_FILE).read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        d["task_titles"] = tuple(d["task_titles"])
        d["task_texts"] = tuple(d["task_texts"])
        out.append(PlanTruth(**d))
    return out


#: How :func:`damage_corpus` damages a file, and the words the loader's reason must contain.
DAMAGES: dict[str, str] = {
    "empty": "empty",
    "binary": "binary",
    "wrong_encoding": "decoded",
    "truncated": "",
}


def _decodes(data: bytes) -> bool:
    try:
        decode_bytes(data)
    except PlanInputError:
        return False
    return True


def damage_corpus(folder: str | Path, fraction: float = 0.01, seed: int = 0) -> dict[str, str]:
    """Damage a share of the plans in a generated folder, in place.

    Kinds cycle through ``empty`` (zero bytes), ``binary`` (random bytes with
    NULs), ``wrong_encoding`` (the text as UTF-16 without BOM, which is neither
    UTF-8 nor GB18030) and ``truncated`` (cut inside a multi-byte character at
    a random point, so that it no longer decodes).

    Parameters
    ----------
    folder : str or pathlib.Path
        A folder written by :func:`generate_corpus`.
    fraction : float
        Share of files to damage (at least one of each kind cycles in order).
    seed : int
        Which files, and how.

    Returns
    -------
    dict
        ``{file name: damage kind}``.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp(); _ = generate_corpus(d, 8)
    >>> sorted(damage_corpus(d, 0.5).values())
    ['binary', 'empty', 'truncated', 'wrong_encoding']
    """
    folder = Path(folder)
    rng = random.Random(f"damage-{seed}")
    files = sorted(p for p in folder.glob("plan_*") if p.suffix in (".txt", ".md"))
    k = max(1, round(len(files) * fraction))
    chosen = rng.sample(files, k)
    kinds = list(DAMAGES)
    out: dict[str, str] = {}
    for j, path in enumerate(sorted(chosen)):
        kind = kinds[j % len(kinds)]
        data = path.read_bytes()
        if kind == "empty":
            new = b""
        elif kind == "binary":
            new = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 16
        elif kind == "wrong_encoding":
            new = decode_bytes(data).text.encode("utf-16-le")
        else:
            cut = rng.randrange(len(data) // 3, 2 * len(data) // 3)
            while cut < len(data) and _decodes(data[:cut]):
                cut += 1  # end inside a multi-byte character, as a broken copy does
            new = data[:cut]
        path.write_bytes(new)
        out[path.name] = kind
    return out
