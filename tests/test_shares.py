"""Attention shares with Wilson intervals and the chi-square residuals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from compare import load_corpus
from compare.exceptions import CompareError
from compare.selection import select_documents, select_tasks
from compare.shares import (
    effective_n,
    proportion_interval,
    share_table,
    share_test,
    theme_shares,
)


@pytest.fixture(scope="module")
def tasks(raw_dir):
    """The default comparison set with seeded random themes: the share functions
    take any theme column, so the test does not depend on compare.themes."""
    c = load_corpus(raw_dir)
    t = select_tasks(c.tasks, select_documents(c.documents))
    rng = np.random.default_rng(1)
    return t.assign(theme=rng.choice(list("ABCD"), size=len(t)), theme_name="x")


@pytest.mark.parametrize("weight", ["tasks", "chars"])
def test_shares_sum_to_one_per_district(tasks, weight):
    s = theme_shares(tasks, weight=weight)
    assert np.allclose(s.groupby("group")["share"].sum(), 1.0)
    assert (s["ci_low"] <= s["share"] + 1e-12).all() and (s["share"] <= s["ci_high"] + 1e-12).all()


def test_a_theme_with_no_task_gets_a_non_zero_upper_bound(tasks):
    s = theme_shares(tasks, themes=["ZZ"])
    zero = s[s["theme"] == "ZZ"]
    assert (zero["share"] == 0).all() and (zero["ci_low"] == 0).all()
    n = tasks.groupby("district").size()
    # 0 of n tasks: the Wilson bound z² / (n + z²), about 16 % at n = 20
    expected = 1.959964**2 / (n + 1.959964**2)
    assert np.allclose(zero.set_index("group")["ci_high"], expected.loc[zero["group"]], atol=1e-4)
    assert "0% [0, " in share_table(s).set_index("theme").loc["ZZ"].iloc[1]
    assert "[0, 0]" not in " ".join(share_table(s).iloc[:, 2:].to_numpy().ravel())


def _simulated_coverage(n: int, p: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    x = rng.binomial(n, p[:, None], size=(len(p), reps))
    lo, hi = proportion_interval(x, n)
    return ((lo <= p[:, None]) & (p[:, None] <= hi)).mean(axis=1)


@pytest.mark.parametrize("n", [20, 100])
def test_intervals_cover_the_true_share_at_small_counts(n):
    # seeded simulation over a grid of true shares, near zero where most themes lie
    rng = np.random.default_rng(12)
    p = np.r_[0.002, 0.005, 0.01, 0.02, 0.03, np.arange(0.05, 0.96, 0.05), 0.98, 0.99]
    cover = _simulated_coverage(n, p, 4000, rng)
    assert cover.mean() >= 0.93, cover.round(3)
    # discreteness makes coverage oscillate; no true share falls far below nominal
    assert cover.min() >= 0.90, dict(zip(p.round(3), cover.round(3), strict=True))


def test_text_share_intervals_count_tasks_not_characters():
    # one long task and many short ones: characters are clustered within tasks
    rng = np.random.default_rng(5)
    n, reps, p = 30, 2000, 0.2
    w = rng.lognormal(5, 1, size=(reps, n))
    theme = rng.random((reps, n)) < p
    share = (w * theme).sum(1) / w.sum(1)
    n_eff = np.array([effective_n(row) for row in w])
    assert (n_eff < n).all()
    lo, hi = proportion_interval(share * n_eff, n_eff)
    assert ((lo <= p) & (p <= hi)).mean() >= 0.93
    lo_chars, hi_chars = proportion_interval(share * w.sum(1), w.sum(1))  # characters as draws
    assert ((lo_chars <= p) & (p <= hi_chars)).mean() < 0.5


def test_text_share_weights_long_tasks_more():
    t = pd.DataFrame({"district": ["甲", "甲"], "theme": ["A", "B"], "n_chars": [300, 100]})
    s = theme_shares(t, weight="chars", level=None).set_index("theme")["share"]
    assert s.to_dict() == {"A": 0.75, "B": 0.25}


def test_residuals_flag_the_over_weighted_theme():
    t = pd.DataFrame(
        {"district": ["甲"] * 10 + ["乙"] * 10, "theme": list("AAAAAAAAAB") + list("BBBBBBBBBA")}
    )
    r = share_test(t, n_perm=200)
    over = r.table[r.table["direction"] == "over"][["group", "theme"]].values.tolist()
    assert sorted(over) == [["乙", "B"], ["甲", "A"]]
    assert r.p_permutation < 0.05


def test_share_table_prints_intervals(tasks):
    table = share_table(theme_shares(tasks))
    assert "[" in table.iloc[0, 2]


def test_missing_theme_column_says_what_to_do():
    with pytest.raises(CompareError, match="tasks_with_themes"):
        theme_shares(pd.DataFrame({"district": ["甲"]}))


def test_cli_shares_prints_the_table_with_intervals_and_the_year_note(raw_dir, capsys):
    from compare.cli import main

    assert main(["shares", str(raw_dir), "--n-perm", "100"]) == 0
    out = capsys.readouterr().out
    assert "Years differ" in out and "Chi-square" in out
    assert "松江" in out and "[" in out and "Wilson" in out


def test_share_test_with_many_groups_does_not_overflow_category_codes():
    # 10 groups x 18 themes: group * themes + theme exceeds the int8 range of Categorical codes
    themes = list("ABCDEFGHIJKLMNOPQT")
    rows = [
        {"district": f"区{g}", "theme": themes[(g * 7 + i) % 18]}
        for g in range(10)
        for i in range(12)
    ]
    result = share_test(pd.DataFrame(rows), n_perm=50)
    assert 0 < result.p_permutation <= 1


def test_tasks_coded_unclear_are_left_out_of_the_test():
    t = pd.DataFrame(
        {
            "district": ["甲"] * 6 + ["乙"] * 6 + ["乙"] * 4,
            "theme": list("AAAAAB") + list("BBBBBA") + ["?"] * 4,
        }
    )
    r = share_test(t, n_perm=50)
    assert r.n == 12 and "?" not in set(r.table["theme"])
