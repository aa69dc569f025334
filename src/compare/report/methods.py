"""The method paragraphs of the reports, filled from the constants the code uses.

Examples
--------
>>> "Wilson" in method_text("shares")
True
"""

from __future__ import annotations

from compare.exceptions import CompareError

__all__ = ["METHOD_SECTIONS", "method_text"]

#: Sections :func:`method_text` writes.
METHOD_SECTIONS: tuple[str, ...] = (
    "shares",
    "overall_shares",
    "residuals",
    "keyness",
    "priorities",
    "change",
    "echoes",
)


def method_text(section: str) -> str:
    """The method paragraph a report shows above a section, filled from the code's constants.

    Every fact a paragraph states about a method (interval, level, cut-offs,
    thresholds, word filters) is read from the constant the code uses, so
    the text cannot drift from the code; ``tests/test_facts.py`` checks
    the code paths use those constants.

    Parameters
    ----------
    section : str
        One of :data:`METHOD_SECTIONS`.

    Returns
    -------
    str
        Markdown: a Chinese paragraph, then its English translation in italics.

    Examples
    --------
    >>> "Wilson" in method_text("shares")
    True
    """
    from compare import _alignapprox, align, keyness, shares

    level = f"{shares.LEVEL:.0%}"
    cut = f"{shares.RESIDUAL_CUT:.2f}"
    t = f"{align.DEFAULT_THRESHOLD:.2f}"
    k = align.DEFAULT_K
    big = f"{align.APPROX_MIN_TASKS:,}"
    row_recall = f"{_alignapprox.ROW_RECALL:.1%}"
    varied = f"{_alignapprox.ROW_RECALL_VARIED:.0%}"
    iv = shares.INTERVAL
    texts = {
        "shares": (
            f"每个点是某区任务中编码为该主题的比例，横线是 {level} {iv} 区间（以任务为单位；"
            "某主题没有任务时，区间上限仍大于 0，说明“0”并不确定）。两个区的区间明显错开，"
            "才说明差异不只是任务条数少造成的偶然。",
            f"Each dot is the share of a district's tasks coded to the theme; the line is its "
            f"{level} {iv} score interval over tasks (a theme with no task still has an upper "
            "bound above 0: a zero is not certain). Only intervals that clearly separate suggest "
            "a difference beyond the chance of small numbers.",
        ),
        "overall_shares": (
            f"条形为各主题的任务占比，误差线是 {level} {iv} 区间（以任务为单位）："
            "区间越宽，数字越不确定；没有任务的主题也有大于 0 的上限。",
            f"Bar length is the share of all tasks coded to the theme; the whisker is the {level} "
            f"{iv} score interval over tasks (a theme with no task still has an upper bound "
            "above 0).",
        ),
        "residuals": (
            f"对“区 × 主题”任务数做卡方检验；每格是调整标准化残差：大于 +{cut}（红）表示该区"
            f"明显偏重该主题，小于 −{cut}（蓝）表示明显较少。任务数少时期望频数低，"
            "因此 p 值用置换检验计算。",
            f"Chi-square test of district × theme task counts. Each cell is the adjusted "
            f"standardized residual: above +{cut} (red) the district over-weights the theme, "
            f"below −{cut} (blue) it under-weights it. With few tasks the p-value comes from a "
            "permutation test.",
        ),
        "keyness": (
            "每个区与其余各区合并比较，按带 Dirichlet 先验的对数优势比 z 值排序（Monroe 等 2008）："
            "z 越大，越能确定该词是这个区的特色用词。数字、单字、停用词表和通用政策词表"
            f"（`stopwords.txt`、`keyness_stopwords.txt`，研究者可编辑）中的词不参与排序，"
            f"词还须出现在至少 {keyness.MIN_DF} 项任务中。点击条形可在右侧看到该区使用这个词的"
            "句子（词语高亮）。",
            "Each district against all others pooled, ranked by the z-score of the log-odds "
            "ratio with an informative Dirichlet prior. Numerals, single characters and the words "
            "of the stop-list and of the generic policy list (`stopwords.txt`, "
            "`keyness_stopwords.txt`, researcher-editable) are left out, and a word must appear "
            f"in at least {keyness.MIN_DF} tasks. Click a bar to see the district's sentences "
            "using the word, highlighted.",
        ),
        "priorities": (
            f"把各区任务两两匹配（最相近任务的 TF-IDF 余弦 ≥ 阈值 {t}；区多于 {k + 1} 个时，每项任务只在"
            f"最相近的 {k} 个区中匹配），从最强的匹配开始合并，"
            "每项重点每个区至多一项任务（不经中间任务串联）。“all”表示各区都有，“unique”表示"
            "只在一个区出现——更准确地说，是在其他区找不到用词相近的任务（同义表述可能被漏配）；"
            "“near”表示该任务与所标编号的重点相近，但该区已有一项更相近的任务列入其中。"
            f"任务达到 {big} 项时（远大于报告的比较集）改为近似检索：候选任务来自按余弦聚类的"
            f"倒排索引，再逐一精确计分；与精确检索相比，{row_recall} 的任务所配的区、任务和分数"
            f"完全相同（在生成语料上测得；词汇更分散的语料上为 {varied}）。",
            f"Tasks are matched across districts (best counterpart, TF-IDF cosine at or above "
            f"{t}; with more than {k + 1} districts, in the {k} closest districts of each task) and "
            "merged strongest match first, with at most one task per district in a "
            'priority (no chaining through intermediates). "unique" means no lexically similar '
            'task elsewhere, so synonyms can make it over-count; "near" marks a task that '
            "resembles the numbered priority, which already holds a closer task of its district. "
            f"From {big} tasks on (far more than a report compares) the search is approximate: "
            "candidates come from an index of cosine clusters and are scored exactly; against "
            f"the exact search, {row_recall} of tasks get the same districts, counterparts and "
            f"scores (measured on generated corpora; {varied} with a more varied vocabulary).",
        ),
        "change": (
            "每条线是一个主题在各文件中的任务占比，只画变化最大的几个主题；实线表示首尾两份文件的 "
            f"{level} {iv} 区间不重叠（变化可信），虚线表示区间重叠（可能只是偶然）。"
            "点击点查看该文件中该主题的任务。",
            "Each line is a theme's share of tasks in each document (largest changes only). "
            f"Solid: the first and last {level} {iv} intervals do not overlap; dotted: they do, "
            "so the change may be chance. Click a point for the tasks.",
        ),
        "echoes": (
            "较早文件的每项任务在较晚文件中找最相近的任务：TF-IDF 余弦达到阈值 "
            f"{t} 为“echoed”（被延续），否则“not echoed”；较晚文件中找不到相近前任务的，"
            "标为“new”。",
            "Each earlier task is matched to its most similar later task: at or above a cosine "
            f"of {t} it is echoed. A later task without an earlier counterpart is new.",
        ),
    }
    if section not in texts:
        raise CompareError(f"no method paragraph {section!r}; choose one of {sorted(texts)}")
    zh, en = texts[section]
    return f"{zh}\n\n*{en}*"
