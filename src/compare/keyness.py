"""Distinctive vocabulary: log-odds ratios with an informative Dirichlet prior.

Method (Monroe, Colaresi & Quinn 2008, "Fightin' Words", §3.5): for a word
``w``, group ``i`` and the comparison group ``j`` (one-vs-rest: all other
groups pooled; or a second group for two-group plots) with counts ``y`` and
totals ``n``, and a prior ``α_w = α0 · π_w`` where ``π_w`` is the word's share
of the whole corpus compared::

    δ_w = log((y_iw + α_w) / (n_i + α0 − y_iw − α_w))
        − log((y_jw + α_w) / (n_j + α0 − y_jw − α_w))
    Var(δ_w) ≈ 1 / (y_iw + α_w) + 1 / (y_jw + α_w)
    z_w = δ_w / sqrt(Var(δ_w))

The prior shrinks the log-odds of rare words towards zero, so a word used
twice by one district does not outrank a word used forty times; ``z`` ranks
words by how sure we are that a group over-uses them (|z| > 1.96 is the
usual reading). ``α0`` (``prior_scale``) defaults to the mean number of tokens
per group, i.e. the prior weighs as much as one more typical group; pass a
number to change it.

Tokens come from :func:`compare.text.tokenize_many` (jieba, the domain
dictionary and the policy stop-list; numbers and punctuation are dropped),
applied to each task's full text. A distinctive word has to be worth reading
(:func:`readable`): not a numeral (三, 十四五, 两级), not a single character
(不, 新: function words and fragments), not on the policy stop-list
``resources/stopwords.txt`` (推进, 加强, 工作 …) nor on the researcher-editable
list of generic policy vocabulary ``resources/keyness_stopwords.txt`` (基本,
区域, 措施, 行动 …: words that still help code and match tasks, so they are
kept out of distinctive-word lists only), and used in at least
:data:`MIN_DF` tasks of the set compared, so that one task repeating a word
cannot make it a district's word. Proper names are dropped by default
(:func:`proper_names`): a district's own name, its towns and hospitals are
trivially "distinctive" of it and say nothing about its priorities. Counts are kept as a sparse group × term
matrix, so memory grows with the vocabulary, not with the number of tasks
squared.

Examples
--------
>>> t = pd.DataFrame({"district": ["甲", "乙"], "text": ["", ""]})
>>> toks = [["医联体", "医联体", "中医"], ["中医", "养老"]]
>>> d = distinctive_terms(t, tokens=toks, min_count=1, min_df=1)
>>> d.query("term == '养老'").set_index("group")["z"].gt(0).to_dict()
{'乙': True, '甲': False}
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from compare.exceptions import CompareError
from compare.text import tokens_of_tasks

__all__ = [
    "MIN_CHARS",
    "MIN_DF",
    "distinctive_terms",
    "log_odds_dirichlet",
    "pair_terms",
    "proper_names",
    "readable",
    "stop_list",
    "term_counts",
]

#: A distinctive word is used in at least this many tasks of the set compared.
MIN_DF: int = 2
#: A distinctive word has at least this many characters (single characters are
#: function words or fragments of words jieba split: 不, 三, 新).
MIN_CHARS: int = 2
_NUMERAL = re.compile(
    r"^(?:第)?[0-9０-９〇零一二两三四五六七八九十百千万亿几数多]+"
    r"(?:[个项家类批次条名所种级年月日支张场轮期号大化]|以上|以下|左右)?$"
)


def stop_list() -> frozenset[str]:
    """Words never shown as distinctive: ``stopwords.txt`` and ``keyness_stopwords.txt``.

    Examples
    --------
    >>> {"加强", "基本", "区域"} <= stop_list()
    True
    """
    from compare import config
    from compare.text import default_dictionary, read_stopwords

    return default_dictionary().stopwords | read_stopwords(config.KEYNESS_STOPWORDS_FILE)


def readable(term: str, stopwords: frozenset[str] | None = None) -> bool:
    """True for a word worth showing as distinctive: no numeral, single character or stop word.

    Parameters
    ----------
    term : str
        A token.
    stopwords : frozenset of str, optional
        Default: :func:`stop_list`.

    Examples
    --------
    >>> [readable(w) for w in ["三", "不", "十四五", "两级", "基本", "医联体", "两癌"]]
    [False, False, False, False, False, True, True]
    """
    if stopwords is None:
        stopwords = stop_list()
    return len(term) >= MIN_CHARS and term not in stopwords and not _NUMERAL.match(term)


def _readable_tokens(toks: Sequence[Sequence[str]]) -> list[list[str]]:
    stops = stop_list()
    keep = {w: readable(w, stops) for ts in toks for w in ts}
    return [[w for w in ts if keep[w]] for ts in toks]


def _doc_freq(toks: Sequence[Sequence[str]], terms: Sequence[str]) -> np.ndarray:
    """Number of token lists (tasks) using each term."""
    index = {w: i for i, w in enumerate(terms)}
    df = np.zeros(len(terms), dtype=np.int64)
    for ts in toks:
        for w in set(ts):
            if w in index:
                df[index[w]] += 1
    return df


#: jieba part-of-speech tags taken for proper names: places and transliterated
#: or full personal names. jieba's other name tags are too noisy to use alone
#: (it tags 养老 and 智能化 nr, 满意率 nz); organisations (nt) count only with an
#: institution suffix (:data:`_INSTITUTION`).
NAME_TAGS = frozenset({"ns", "nrt", "nrfg"})
_INSTITUTION = ("医院", "大学", "学院", "集团", "公司")


def proper_names(
    tokens: Sequence[Sequence[str]],
    districts: Sequence[str],
) -> set[str]:
    """The local proper names among the tokens of tasks, not policy vocabulary.

    A term is a local name when it contains the name of a district in the
    data, or when jieba's dictionary tags it as a place or person
    (:data:`NAME_TAGS`), or as an organisation with an institution suffix
    (同仁医院, 复旦大学), *and* only one district uses it. The second condition
    matters because jieba's tags are noisy (公立医院 is tagged an
    organisation): a word several districts use is shared vocabulary whatever
    its tag. Words of the project's domain
    dictionary (``resources/user_dict.txt``) are never names: a researcher
    keeps a word by adding it there.

    Parameters
    ----------
    tokens : sequence of token lists
        One list per task.
    districts : sequence of str
        The district of each task (same length as ``tokens``).

    Examples
    --------
    >>> toks = [["松江", "养老", "天山"], ["同仁医院", "公立医院"], ["长宁区", "公立医院"]]
    >>> sorted(proper_names(toks, ["松江", "长宁", "青浦"]))
    ['同仁医院', '天山', '松江', '长宁区']
    """
    from compare.text import default_dictionary

    tags = name_tags()
    domain = {w for w, _, _ in default_dictionary().words}
    places = sorted({str(d) for d in districts if isinstance(d, str) and d})
    users: dict[str, set[str]] = {}
    for ts, d in zip(tokens, districts, strict=True):
        for w in ts:
            users.setdefault(w, set()).add(str(d))
    return {
        w
        for w, who in users.items()
        if w not in domain
        and (any(p in w for p in places) or (len(who) == 1 and _tagged_name(w, tags.get(w))))
    }


_NAME_TAG_LINE = re.compile(r"^(\S+) \S+ (ns|nrt|nrfg|nt)\r?$", re.MULTILINE)
_NAME_TAGS_MEMO: dict[str, dict[str, str]] = {}


def name_tags() -> dict[str, str]:
    """The words jieba's dictionary tags ``ns``, ``nrt``, ``nrfg`` or ``nt``, with their tag.

    Exactly those entries of ``jieba.posseg.dt.word_tag_tab`` (where a word is
    listed twice, its last line wins, as there), read from the same file
    without importing ``jieba.posseg``: that import reads every one of the
    dictionary's 349,000 lines in Python and loads its tagger's tables
    (about 1 s, in the kernel of every render), where one regular expression
    over the file takes a tenth of that. Remembered per dictionary file.

    Examples
    --------
    >>> name_tags()["上海"]
    'ns'
    >>> "养老" in name_tags()
    False
    """
    from compare.text import import_jieba

    source = import_jieba().dt.get_dict_file()
    name = str(getattr(source, "name", ""))
    try:
        if name in _NAME_TAGS_MEMO:
            return _NAME_TAGS_MEMO[name]
        text = source.read().decode("utf-8")
    finally:
        source.close()
    tags = {m[1]: m[2] for m in _NAME_TAG_LINE.finditer(text)}
    words = re.findall(r"^\s*(\S+) ", text, re.MULTILINE)
    if len(set(words)) != len(words):  # a word listed twice: its last line decides
        seen: set[str] = set()
        for word in {w for w in words if w in seen or seen.add(w)}:
            last = re.findall(rf"^\s*{re.escape(word)} \S+ (\S+)\s*$", text, re.MULTILINE)[-1]
            if last in NAME_TAGS or last == "nt":
                tags[word] = last
            else:
                tags.pop(word, None)
    _NAME_TAGS_MEMO[name] = tags
    return tags


def _tagged_name(word: str, tag: str | None) -> bool:
    return tag in NAME_TAGS or (tag == "nt" and word.endswith(_INSTITUTION))


def _without_names(tasks: pd.DataFrame, toks: list[list[str]]) -> list[list[str]]:
    if "district" not in tasks.columns:
        return toks
    names = proper_names(toks, list(tasks["district"].astype(object)))
    return [[w for w in ts if w not in names] for ts in toks]


def term_counts(
    tasks: pd.DataFrame, by: str = "district", *, tokens: Sequence[Sequence[str]] | None = None
) -> tuple[sparse.csr_matrix, list[str], list[str]]:
    """Sparse group × term count matrix.

    Parameters
    ----------
    tasks : pandas.DataFrame
        With ``text`` (unless ``tokens`` is given) and the ``by`` column.
    by : str
        Grouping column.
    tokens : sequence of token lists, optional
        One list per task (default: :func:`compare.text.tokenize_many`).

    Returns
    -------
    (csr_matrix, groups, terms)
        Counts (groups in sorted order, terms in sorted order).

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲", "乙", "甲"]})
    >>> M, g, v = term_counts(t, tokens=[["中医"], ["中医"], ["医联体"]])
    >>> g, v, M.toarray().tolist()
    (['乙', '甲'], ['中医', '医联体'], [[1, 0], [1, 1]])
    """
    toks = tokens_of_tasks(tasks, tokens)
    groups = sorted(tasks[by].astype(str).unique())
    g_index = {g: i for i, g in enumerate(groups)}
    terms = sorted({w for ts in toks for w in ts})
    t_index = {w: i for i, w in enumerate(terms)}
    rows, cols = [], []
    for g, ts in zip(tasks[by].astype(str), toks, strict=True):
        rows.extend([g_index[g]] * len(ts))
        cols.extend(t_index[w] for w in ts)
    data = np.ones(len(rows), dtype=np.int64)
    M = sparse.csr_matrix((data, (rows, cols)), shape=(len(groups), len(terms)))
    M.sum_duplicates()
    return M, groups, terms


def log_odds_dirichlet(
    y_i: np.ndarray, y_j: np.ndarray, alpha: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio (``i`` over ``j``) with a Dirichlet prior, and its z-score.

    Parameters
    ----------
    y_i, y_j : array of counts per word
    alpha : array of prior pseudo-counts per word (``α0 · π``)

    Returns
    -------
    (delta, z) : arrays

    Examples
    --------
    >>> d, z = log_odds_dirichlet(np.array([10, 0]), np.array([0, 10]), np.array([1.0, 1.0]))
    >>> bool(z[0] > 0 and z[1] < 0)
    True
    """
    y_i, y_j, alpha = (np.asarray(a, dtype=float) for a in (y_i, y_j, alpha))
    a0 = alpha.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    delta = np.log((y_i + alpha) / (n_i + a0 - y_i - alpha)) - np.log(
        (y_j + alpha) / (n_j + a0 - y_j - alpha)
    )
    var = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
    return delta, delta / np.sqrt(var)


def _alpha(M: sparse.csr_matrix, prior_scale: float | None) -> np.ndarray:
    total = np.asarray(M.sum(axis=0)).ravel().astype(float)
    a0 = float(prior_scale) if prior_scale is not None else total.sum() / max(M.shape[0], 1)
    return a0 * total / total.sum()


def distinctive_terms(
    tasks: pd.DataFrame,
    by: str = "district",
    *,
    tokens: Sequence[Sequence[str]] | None = None,
    prior_scale: float | None = None,
    min_count: int = 2,
    min_df: int = MIN_DF,
    drop_names: bool = True,
) -> pd.DataFrame:
    """Each group's words against all other groups pooled (one-vs-rest).

    Parameters
    ----------
    tasks : pandas.DataFrame
        With ``text`` and the ``by`` column.
    by : str
        Grouping column (``"district"``, ``"label"``, ``"doc_id"`` …).
    tokens : sequence of token lists, optional
        Precomputed tokens, one list per task.
    prior_scale : float, optional
        ``α0``; default: mean tokens per group.
    min_count : int
        Words used fewer times in the whole set are dropped (they stay in
        the prior's denominator).
    min_df : int
        Words used in fewer tasks of the whole set are dropped likewise.
    drop_names : bool
        Leave out proper names (:func:`proper_names`).

    Numerals, single characters and stop words are never counted
    (:func:`readable`), even in ``tokens`` passed in.

    Returns
    -------
    pandas.DataFrame
        ``group, term, count, count_rest, n_tasks`` (tasks of the whole set
        using the term), ``freq (per 1,000 tokens), delta, z``,
        sorted by group, then ``z`` descending.

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲", "甲", "乙"], "text": ["", "", ""]})
    >>> d = distinctive_terms(t, tokens=[["医联体"], ["医联体"], ["养老"]], min_count=1, min_df=1)
    >>> d.groupby("group").head(1)[["group", "term"]].values.tolist()
    [['乙', '养老'], ['甲', '医联体']]
    """
    toks = _readable_tokens(tokens_of_tasks(tasks, tokens))
    if drop_names:
        toks = _without_names(tasks, toks)
    M, groups, terms = term_counts(tasks, by, tokens=toks)
    if len(groups) < 2:
        raise CompareError(f"need at least 2 groups in column {by!r}; got {groups}")
    alpha = _alpha(M, prior_scale)
    Y = M.toarray().astype(float) if M.shape[0] * M.shape[1] <= 50_000_000 else None
    total = np.asarray(M.sum(axis=0)).ravel().astype(float)
    df = _doc_freq(toks, terms)
    keep = (total >= min_count) & (df >= min_df)
    frames = []
    for gi, g in enumerate(groups):
        y_i = Y[gi] if Y is not None else M[gi].toarray().ravel().astype(float)
        y_j = total - y_i
        delta, z = log_odds_dirichlet(y_i, y_j, alpha)
        n_i = y_i.sum()
        frames.append(
            pd.DataFrame(
                {
                    "group": g,
                    "term": np.asarray(terms)[keep],
                    "count": y_i[keep].astype(int),
                    "count_rest": y_j[keep].astype(int),
                    "n_tasks": df[keep],
                    "freq": (1000 * y_i / n_i)[keep] if n_i else 0.0,
                    "delta": delta[keep],
                    "z": z[keep],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(
        ["group", "z", "term"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)


def pair_terms(
    tasks: pd.DataFrame,
    a: str,
    b: str,
    by: str = "district",
    *,
    tokens: Sequence[Sequence[str]] | None = None,
    prior_scale: float | None = None,
    min_count: int = 2,
    min_df: int = MIN_DF,
    drop_names: bool = True,
) -> pd.DataFrame:
    """Two groups head to head, for a scattertext-style plot.

    The prior comes from the two groups together. Frequencies are placed by
    their dense rank percentile within each group, as scattertext does, so
    that the many rare words do not pile up in a corner. Words are filtered
    as in :func:`distinctive_terms` (:func:`readable`, ``min_count``,
    ``min_df`` over the two groups' tasks).

    Returns
    -------
    pandas.DataFrame
        ``term, count_a, count_b, freq_a, freq_b (per 1,000 tokens), rank_a,
        rank_b (0..1), delta, z`` (positive: more typical of ``a``); sorted
        by ``z`` descending. ``attrs`` holds ``a`` and ``b``.

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲", "乙"], "text": ["", ""]})
    >>> p = pair_terms(t, "甲", "乙", tokens=[["医联体", "中医"], ["中医", "养老"]], min_count=1,
    ...                min_df=1)
    >>> p["term"].tolist()[0], p["term"].tolist()[-1]
    ('医联体', '养老')
    """
    sub = tasks[by].astype(str).isin([a, b]).to_numpy()
    if not sub.any():
        raise CompareError(f"neither {a!r} nor {b!r} is in column {by!r}")
    toks = _readable_tokens(tokens_of_tasks(tasks, tokens))
    if drop_names:
        toks = _without_names(tasks, toks)
    t2 = tasks[sub]
    toks2 = [toks[i] for i in np.flatnonzero(sub)]
    M, groups, terms = term_counts(t2, by, tokens=toks2)
    missing = [g for g in (a, b) if g not in groups]
    if missing:
        raise CompareError(f"{missing} not in column {by!r}; available: {groups}")
    Y = M.toarray().astype(float)
    y_a, y_b = Y[groups.index(a)], Y[groups.index(b)]
    alpha = _alpha(M, prior_scale)
    delta, z = log_odds_dirichlet(y_a, y_b, alpha)
    keep = ((y_a + y_b) >= min_count) & (_doc_freq(toks2, terms) >= min_df)
    out = pd.DataFrame(
        {
            "term": np.asarray(terms)[keep],
            "count_a": y_a[keep].astype(int),
            "count_b": y_b[keep].astype(int),
            "freq_a": (1000 * y_a / max(y_a.sum(), 1))[keep],
            "freq_b": (1000 * y_b / max(y_b.sum(), 1))[keep],
            "delta": delta[keep],
            "z": z[keep],
        }
    )
    for col, src in (("rank_a", "count_a"), ("rank_b", "count_b")):
        r = out[src].rank(method="dense")
        out[col] = (r - 1) / max(r.max() - 1, 1)
    out = out.sort_values(["z", "term"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    out.attrs.update({"a": a, "b": b})
    return out
