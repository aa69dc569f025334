"""Attention shares with bootstrap intervals and the chi-square residuals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from compare import load_corpus
from compare.exceptions import CompareError
from compare.selection import select_documents, select_tasks
from compare.shares import share_table, share_test, theme_shares


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
    s = theme_shares(tasks, weight=weight, n_boot=200)
    assert np.allclose(s.groupby("group")["share"].sum(), 1.0)
    assert (s["ci_low"] <= s["share"] + 1e-12).all() and (s["share"] <= s["ci_high"] + 1e-12).all()


def test_bootstrap_is_seeded(tasks):
    a = theme_shares(tasks, n_boot=100, seed=3)
    b = theme_shares(tasks, n_boot=100, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_text_share_weights_long_tasks_more():
    t = pd.DataFrame({"district": ["甲", "甲"], "theme": ["A", "B"], "n_chars": [300, 100]})
    s = theme_shares(t, weight="chars", n_boot=0).set_index("theme")["share"]
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
    table = share_table(theme_shares(tasks, n_boot=50))
    assert "[" in table.iloc[0, 2]


def test_missing_theme_column_says_what_to_do():
    with pytest.raises(CompareError, match="tasks_with_themes"):
        theme_shares(pd.DataFrame({"district": ["甲"]}))


def test_cli_shares_prints_the_table_with_intervals_and_the_year_note(raw_dir, capsys):
    from compare.cli import main

    assert main(["shares", str(raw_dir), "--n-boot", "100"]) == 0
    out = capsys.readouterr().out
    assert "Years differ" in out and "Chi-square" in out
    assert "松江" in out and "[" in out


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
