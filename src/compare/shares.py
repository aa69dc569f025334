"""Attention shares: how much of each plan goes to each codebook theme.

Two measures of attention per theme and group (a district or a document):

* **task share**: the fraction of the group's tasks coded to the theme;
* **text share**: the fraction of the group's body text (characters,
  ``n_chars``) in tasks coded to the theme, so a long task weighs more.

Uncertainty is a **Wilson score interval** per group and theme
(:func:`proportion_interval`, 95 % by default), with Brown, Cai & DasGupta's
(2001, §4.1.1) Poisson correction of the bound next to a count of 1–3 (1–2
when n ≤ 50). Why Wilson: it is closed-form and vectorised, and its coverage
holds at the small counts these plans have (20–40 tasks, most themes 0–3 of
them). Exact coverage of the nominal 95 % interval, averaged over true shares
0.001–0.999 (lowest point in brackets): 95.6 % (91.7 %) at n = 20 and
95.2 % (92.7 %) at n = 100; ``tests/test_shares.py`` checks it by simulation.
No interval that is not conservative stays above 93 % at every true share of
a binomial (its coverage oscillates with the discreteness of the counts);
Clopper–Pearson does, at the price of much wider intervals. The percentile
bootstrap used before gave ``[0, 0]`` for a theme with no task, as if a zero
were certain; the Wilson interval of 0 of 20 tasks is [0, 16 %]. A Jeffreys
interval covers less near zero (88 % at n = 100, p = 0.025), where most theme
shares lie; a Dirichlet posterior of the whole profile would make every
theme's interval depend on how many themes the codebook has.

**What the interval is over.** The sampling unit is the *task*: a group's
tasks are read as a sample of the tasks its plan could have listed, and the
interval says how far the share could move with other tasks of the same kind.
For a task share, ``x`` tasks of ``n``. For a text share the characters of one
task all go to one theme, so characters are clustered within tasks and are
not ``n_chars`` independent draws: the interval takes the share of
characters with Kish's effective number of tasks,
``n_eff = (Σ w)² / Σ w²`` (``w`` = characters per task), as its ``n``
(``n_eff = n`` when tasks are equally long). When a group holds several
documents, its tasks are clustered within documents too; the interval does
not widen for that (it is over tasks, not documents), so compare one
document per group (the reports' default) or read such intervals as too
narrow.

Whether groups weight themes differently is tested on the group × theme table
of **task counts** (characters are not independent counts, so they are not
tested): Pearson's chi-square (``scipy.stats.chi2_contingency``), and,
because with a few dozen tasks per plan most expected counts are below 5, a
**permutation p-value** (group labels shuffled across tasks, ``n_perm``
times, fixed seed) that does not rely on the asymptotic distribution. Both
resample the tasks in the order of their content-derived ``task_id``, so the
same plans under other file names give the same intervals and p-values. Each
cell gets Haberman's **adjusted standardized residual**
``(O − E) / sqrt(E (1 − row/N) (1 − col/N))``, approximately standard normal
under independence: above +1.96 the group over-weights the theme, below
−1.96 it under-weights it.

The functions take any DataFrame of tasks with a ``theme`` column (and
``theme_name`` when available), so they do not depend on how themes were
coded; :func:`tasks_with_themes` joins the codebook coding of
:mod:`compare.themes` for a one-call use.

Examples
--------
>>> t = pd.DataFrame({"district": ["甲", "甲", "乙", "乙"], "theme": ["A", "B", "A", "A"],
...                   "n_chars": [100, 300, 50, 50]})
>>> theme_shares(t, weight="chars")[["group", "theme", "share"]].values.tolist()
[['乙', 'A', 1.0], ['乙', 'B', 0.0], ['甲', 'A', 0.25], ['甲', 'B', 0.75]]
>>> theme_shares(t).query("group == '乙' and theme == 'B'")[["ci_low", "ci_high"]].round(2).values
array([[0.  , 0.82]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare.exceptions import CompareError

__all__ = [
    "INTERVAL",
    "LEVEL",
    "RESIDUAL_CUT",
    "SHARE_COLUMNS",
    "ShareTest",
    "effective_n",
    "proportion_interval",
    "share_table",
    "share_test",
    "tasks_with_themes",
    "theme_shares",
]

#: Columns of :func:`theme_shares`.
SHARE_COLUMNS: tuple[str, ...] = (
    "group",
    "theme",
    "theme_name",
    "n_tasks",
    "n_chars",
    "share",
    "ci_low",
    "ci_high",
    "weight",
)
_WEIGHTS = ("tasks", "chars")

#: Interval of a share (:func:`proportion_interval`); report sentences name it from here.
INTERVAL: str = "Wilson"
#: Default confidence level of the share intervals.
LEVEL: float = 0.95
#: |adjusted residual| beyond which a group over- or under-weights a theme.
RESIDUAL_CUT: float = 1.96


def _check(tasks: pd.DataFrame, by: str, weight: str = "tasks") -> None:
    missing = [c for c in ("theme", by) if c not in tasks.columns]
    if missing:
        raise CompareError(
            f"tasks lack column(s) {missing}; code themes first (compare.shares.tasks_with_themes)"
        )
    if weight not in _WEIGHTS:
        raise CompareError(f"unknown weight {weight!r}; choose one of {list(_WEIGHTS)}")


def _chars(tasks: pd.DataFrame) -> np.ndarray:
    if "n_chars" in tasks.columns:
        return tasks["n_chars"].astype(float).to_numpy()
    if "text" in tasks.columns:
        return tasks["text"].fillna("").str.len().astype(float).to_numpy()
    return np.zeros(len(tasks))


def _in_content_order(tasks: pd.DataFrame) -> pd.DataFrame:
    """The tasks sorted by their content-derived ``task_id`` (then title and text).

    Resampling draws row positions, so the rows must come in an order that
    does not depend on file names: the same plans under other names give the
    same intervals and p-values.
    """
    keys = [c for c in ("task_id", "title", "text") if c in tasks.columns]
    if not keys:
        return tasks
    order = (
        pd.DataFrame({c: tasks[c].fillna("").astype(str).to_numpy() for c in keys})
        .sort_values(keys, kind="stable")
        .index.to_numpy()
    )
    return tasks.iloc[order]


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise CompareError(f"{name} must be a whole number, 0 or more; got {value!r}")


def _theme_names(tasks: pd.DataFrame) -> dict[str, str]:
    if "theme_name" not in tasks.columns:
        return {}
    return dict(zip(tasks["theme"].astype(str), tasks["theme_name"].astype(str), strict=True))


def proportion_interval(
    x: np.ndarray | float, n: np.ndarray | float, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``x / n``, vectorised.

    With Brown, Cai & DasGupta's (2001) correction near the ends: for
    ``0 < x ≤ x*`` (``x* = 2`` when ``n ≤ 50``, else 3) the lower bound is the
    Poisson one, ``χ²_{2x}(1 − level) / (2n)``, and symmetrically for the upper
    bound near ``n``; this removes the dip of Wilson's coverage just above
    ``p = 0`` (85 % at n = 20 without it). ``x`` and ``n`` may be fractional
    (a text share times an effective number of tasks).

    Parameters
    ----------
    x, n : array-like
        Successes and trials (broadcast together); ``n = 0`` gives NaN.
    level : float
        Confidence level, e.g. 0.95.

    Returns
    -------
    (low, high) : arrays of float in [0, 1]

    Examples
    --------
    >>> lo, hi = proportion_interval([0, 5, 20], 20)
    >>> lo.round(3).tolist(), hi.round(3).tolist()
    ([0.0, 0.112, 0.839], [0.161, 0.469, 1.0])
    """
    from scipy.stats import chi2, norm

    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    x, n = np.broadcast_arrays(x, n)
    z = norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        den = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / den
        half = z * np.sqrt(np.clip(p * (1 - p), 0, None) / n + z * z / (4 * n * n)) / den
        lo = np.clip(centre - half, 0.0, 1.0)
        hi = np.clip(centre + half, 0.0, 1.0)
        x_star = np.where(n <= 50, 2, 3)
        low_end = (x > 0) & (x <= x_star)
        lo = np.where(low_end, chi2.ppf(1 - level, 2 * np.where(low_end, x, 1)) / (2 * n), lo)
        m = n - x
        high_end = (m > 0) & (m <= x_star)
        hi = np.where(high_end, 1 - chi2.ppf(1 - level, 2 * np.where(high_end, m, 1)) / (2 * n), hi)
    bad = ~(n > 0)
    lo = np.where(bad, np.nan, np.where(x <= 0, 0.0, lo))
    hi = np.where(bad, np.nan, np.where(x >= n, 1.0, hi))
    return lo, hi


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective number of tasks, ``(Σ w)² / Σ w²``: the ``n`` of a text share.

    Characters of one task all go to its theme, so a text share varies like a
    share of ``n_eff`` tasks, fewer than ``n`` when task lengths differ.

    Examples
    --------
    >>> effective_n(np.array([100, 100, 100, 100])), effective_n(np.array([400, 1, 1, 1]))
    (4.0, 1.02)
    """
    w = np.asarray(weights, dtype=float)
    sq = float((w * w).sum())
    return round(float(w.sum()) ** 2 / sq, 2) if sq > 0 else 0.0


def theme_shares(
    tasks: pd.DataFrame,
    by: str = "district",
    *,
    weight: str = "tasks",
    level: float | None = LEVEL,
    themes: list[str] | None = None,
) -> pd.DataFrame:
    """Share of tasks (or of text) per theme and group, with Wilson 95 % intervals.

    Parameters
    ----------
    tasks : pandas.DataFrame
        One row per task with ``theme``, the ``by`` column, and ``n_chars``
        (or ``text``) for ``weight="chars"``; ``theme_name`` is carried when
        present. Not modified.
    by : str
        Grouping column: ``"district"``, ``"doc_id"``, ``"label"`` …
    weight : {"tasks", "chars"}
        Count tasks, or characters of task text.
    level : float or None
        Confidence level of the intervals (:func:`proportion_interval`, over
        tasks; for ``weight="chars"`` with Kish's effective number of tasks,
        see the module docstring); ``None``: no intervals, ``ci_*`` NaN.
    themes : list of str, optional
        Theme codes to report (default: those present), so that absent
        themes get a zero row.

    Returns
    -------
    pandas.DataFrame
        :data:`SHARE_COLUMNS`, one row per group × theme, sorted by group and
        theme; ``share`` sums to 1 within each group.

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲", "甲", "甲", "乙"], "theme": ["A", "A", "B", "B"]})
    >>> s = theme_shares(t)
    >>> s.groupby("group")["share"].sum().tolist()
    [1.0, 1.0]
    >>> s.query("group == '乙' and theme == 'A'")["ci_high"].round(2).item()  # 0 of 1: not [0, 0]
    0.95
    """
    _check(tasks, by, weight)
    t = _in_content_order(tasks.dropna(subset=["theme"]))
    codes_all = sorted(set(t["theme"].astype(str)) | set(themes or []))
    index = {c: i for i, c in enumerate(codes_all)}
    names = _theme_names(t)
    k = len(codes_all)
    chars = _chars(t)
    codes = t["theme"].astype(str).map(index).to_numpy()
    groups = t[by].astype(str).to_numpy()
    rows = []
    for g in sorted(set(groups)):
        mask = groups == g
        c, ch = codes[mask], chars[mask]
        w = np.ones_like(ch) if weight == "tasks" else ch
        sums = np.bincount(c, weights=w, minlength=k)
        share = sums / sums.sum() if sums.sum() > 0 else np.zeros(k)
        counts = np.bincount(c, minlength=k)
        csum = np.bincount(c, weights=ch, minlength=k)
        if level is not None:
            if weight == "tasks":
                lo, hi = proportion_interval(np.bincount(c, minlength=k), len(c), level)
            else:
                n_eff = effective_n(w)
                lo, hi = proportion_interval(share * n_eff, n_eff, level)
            lo, hi = np.minimum(lo, share), np.maximum(hi, share)
        else:
            lo = hi = np.full(k, np.nan)
        for code, i in index.items():
            rows.append(
                (
                    g,
                    code,
                    names.get(code, code),
                    int(counts[i]),
                    int(csum[i]),
                    float(share[i]),
                    float(lo[i]),
                    float(hi[i]),
                    weight,
                )
            )
    return pd.DataFrame(rows, columns=list(SHARE_COLUMNS))


def share_table(shares: pd.DataFrame, *, digits: int = 0) -> pd.DataFrame:
    """A readable theme × group table: ``share [low, high]`` in percent.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`theme_shares`.
    digits : int
        Decimals of the percentages.

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲", "甲"], "theme": ["A", "B"]})
    >>> share_table(theme_shares(t, level=None)).columns.tolist()
    ['theme', 'theme_name', '甲']
    """

    def fmt(r: pd.Series) -> str:
        s = f"{100 * r['share']:.{digits}f}%"
        if pd.notna(r["ci_low"]):
            s += f" [{100 * r['ci_low']:.{digits}f}, {100 * r['ci_high']:.{digits}f}]"
        return s

    cells = shares.assign(cell=shares.apply(fmt, axis=1))
    wide = cells.pivot(index=["theme", "theme_name"], columns="group", values="cell")
    wide.columns.name = None
    return wide.reset_index()


@dataclass(frozen=True)
class ShareTest:
    """Result of :func:`share_test`.

    Attributes
    ----------
    table : pandas.DataFrame
        ``group, theme, theme_name, observed, expected, residual`` (adjusted
        standardized residual) and ``direction`` (``"over"`` when residual >
        1.96, ``"under"`` when < −1.96, else ``""``).
    chi2, dof, p_value : float, int, float
        Pearson's chi-square with its asymptotic p-value.
    p_permutation : float
        Share of label permutations with a chi-square at least as large
        (add-one corrected).
    min_expected : float
        Smallest expected count (below 5: trust the permutation p-value).
    n : int
        Tasks in the test (tasks coded unclear, ``?``, are left out: an
        undetermined code is not a theme to compare).
    """

    table: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    p_permutation: float
    min_expected: float
    n: int


def _chi2_stat(obs: np.ndarray) -> float:
    n = obs.sum()
    exp = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nansum(np.where(exp > 0, (obs - exp) ** 2 / exp, 0.0)))


def share_test(
    tasks: pd.DataFrame, by: str = "district", *, n_perm: int = 2000, seed: int = 0
) -> ShareTest:
    """Chi-square test of theme × group task counts with adjusted residuals.

    Parameters
    ----------
    tasks : pandas.DataFrame
        With ``theme`` and the ``by`` column (``theme_name`` optional).
    by : str
        Grouping column.
    n_perm : int
        Permutations for the permutation p-value (0: skip, NaN).
    seed : int
        Seed of the permutations.

    Returns
    -------
    ShareTest

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["甲"] * 6 + ["乙"] * 6,
    ...                   "theme": list("AAAAAB") + list("BBBBBA")})
    >>> r = share_test(t, n_perm=200)
    >>> r.table.query("group == '甲' and theme == 'A'")["direction"].item()
    'over'
    """
    from scipy.stats import chi2_contingency

    _check(tasks, by)
    _check_count("n_perm", n_perm)
    # a task without a group cannot be compared, and an unclear code (?) is no theme:
    # neither enters the test; content order: see _in_content_order
    from compare.coder import UNCLEAR

    t = _in_content_order(tasks.dropna(subset=["theme", by]))
    t = t[t["theme"].astype(str) != UNCLEAR]
    O_df = pd.crosstab(t[by].astype(str), t["theme"].astype(str))
    if O_df.shape[0] < 2 or O_df.shape[1] < 2:
        raise CompareError(
            f"a chi-square test needs at least 2 groups and 2 themes; got {O_df.shape[0]} "
            f"group(s) and {O_df.shape[1]} theme(s)"
        )
    obs = O_df.to_numpy(dtype=float)
    chi2, p, dof, E = chi2_contingency(obs, correction=False)
    n = obs.sum()
    r = obs.sum(1, keepdims=True) / n
    c = obs.sum(0, keepdims=True) / n
    resid = (obs - E) / np.sqrt(E * (1 - r) * (1 - c))
    p_perm = float("nan")
    if n_perm > 0:
        rng = np.random.default_rng(seed)
        # int64: Categorical codes are int8 for few categories, and g * K + k overflows them
        g_codes = pd.Categorical(t[by].astype(str), categories=O_df.index).codes.astype(np.int64)
        th_codes = pd.Categorical(t["theme"].astype(str), categories=O_df.columns).codes.astype(
            np.int64
        )
        G, K = obs.shape
        hits = 0
        for _ in range(n_perm):
            perm = rng.permutation(g_codes)
            Op = np.bincount(perm * K + th_codes, minlength=G * K).reshape(G, K).astype(float)
            hits += _chi2_stat(Op) >= chi2 - 1e-9
        p_perm = (hits + 1) / (n_perm + 1)
    names = _theme_names(t)
    table = pd.DataFrame(
        {
            "group": np.repeat(O_df.index.to_numpy(), obs.shape[1]),
            "theme": np.tile(O_df.columns.to_numpy(), obs.shape[0]),
            "observed": obs.ravel().astype(int),
            "expected": E.ravel(),
            "residual": resid.ravel(),
        }
    )
    table.insert(2, "theme_name", table["theme"].map(lambda x: names.get(x, x)))
    table["direction"] = np.select(
        [table["residual"] > RESIDUAL_CUT, table["residual"] < -RESIDUAL_CUT],
        ["over", "under"],
        "",
    )
    return ShareTest(table, float(chi2), int(dof), float(p), p_perm, float(E.min()), int(n))


def tasks_with_themes(tasks: pd.DataFrame, **code_kwargs: object) -> pd.DataFrame:
    """The tasks with the codebook coding of :func:`compare.themes.code_tasks` joined.

    Coding uses every task passed (the corpus TF-IDF smoothing depends on
    them), so pass the whole corpus and select afterwards.

    Examples
    --------
    >>> from compare import load_corpus
    >>> t = tasks_with_themes(load_corpus().tasks)           # doctest: +SKIP
    >>> {"theme", "theme_name", "confidence"} <= set(t.columns)  # doctest: +SKIP
    True
    """
    from compare.themes import code_tasks

    coded = code_tasks(tasks, **code_kwargs)  # type: ignore[arg-type]
    keep = [c for c in ("task_id", "theme", "theme_name", "confidence", "theme_2") if c in coded]
    base = tasks.drop(columns=[c for c in keep if c != "task_id" and c in tasks.columns])
    return base.merge(coded[keep], on="task_id", how="left", validate="one_to_one")
