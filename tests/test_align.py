"""Similarity, best counterparts and shared priorities on the seed work points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from compare import load_corpus
from compare.align import (
    DEFAULT_THRESHOLD,
    _best_blocks,
    best_counterparts,
    document_similarity,
    shared_priorities,
)
from compare.selection import select_documents, select_tasks


@pytest.fixture(scope="module")
def tasks(raw_dir):
    c = load_corpus(raw_dir)
    return select_tasks(c.tasks, select_documents(c.documents))


@pytest.fixture(scope="module")
def matches(tasks):
    return best_counterparts(tasks)


def _score(matches, title_a, title_b):
    row = matches[(matches["title"] == title_a) & (matches["match_title"] == title_b)]
    return float(row["score"].iloc[0])


def test_every_task_has_a_counterpart_in_each_other_district(tasks, matches):
    assert len(matches) == 2 * len(tasks)
    assert (matches["district"] != matches["other"]).all()


def test_known_pairs_fall_on_the_right_side_of_the_threshold(matches):
    assert _score(matches, "推进民生实项目", "推进民心工程与为民办实事项目") >= DEFAULT_THRESHOLD
    assert _score(matches, "深入推进中医药传承创新发展", "推进中医药创新发展") >= DEFAULT_THRESHOLD
    assert _score(matches, "提升医疗质量", "强化监测预警、医疗救治能力建设") < DEFAULT_THRESHOLD


def test_shared_priorities_include_tcm_in_all_three(tasks, matches):
    table = shared_priorities(matches, tasks)
    shared = table[table["shared_by"] == "all"]
    assert shared["长宁"].str.contains("中医药").any()
    assert set(table["shared_by"]) >= {"all", "unique"}
    assert table["n_tasks"].sum() == len(tasks)


def test_blockwise_best_equals_the_full_matrix():
    rng = np.random.default_rng(0)
    X = sparse.random(50, 30, density=0.2, random_state=1, format="csr")
    groups = rng.choice(["a", "b", "c"], size=50)
    best, arg, names = _best_blocks(X, groups, memory_mb=0.001)  # blocks of one row
    S = (X @ X.T).toarray()
    for j, g in enumerate(names):
        cols = np.flatnonzero(groups == g)
        assert np.allclose(best[:, j], S[:, cols].max(axis=1))
        assert np.allclose(S[np.arange(50), arg[:, j]], best[:, j])


def test_document_similarity_is_symmetric_with_unit_diagonal(raw_dir):
    c = load_corpus(raw_dir)
    sim = document_similarity(c.tasks)
    assert isinstance(sim, pd.DataFrame) and sim.shape == (5, 5)
    assert np.allclose(np.diag(sim), 1.0) and np.allclose(sim, sim.T)


def test_priorities_are_not_chained_through_a_weaker_match():
    # a1-b1 and a2-b2 are strong pairs; a weak b1-a2 match must not fuse them into one priority
    tasks = pd.DataFrame(
        {
            "task_id": ["a1", "a2", "b1", "b2"],
            "district": ["甲", "甲", "乙", "乙"],
            "title": ["中医", "养老", "中医药", "医养结合"],
        }
    )
    matches = pd.DataFrame(
        {
            "task_id": ["a1", "b1", "a2", "b2", "b1"],
            "match_task_id": ["b1", "a1", "b2", "a2", "a2"],
            "score": [0.9, 0.9, 0.8, 0.8, 0.3],
        }
    )
    table = shared_priorities(matches, tasks)
    assert sorted(table["n_tasks"]) == [2, 2]
    assert set(table["甲"]) == {"中医", "养老"}


def test_a_priority_holds_at_most_one_task_per_district(tasks, matches):
    table = shared_priorities(matches, tasks)
    groups = sorted(tasks["district"].unique())
    assert (table["n_tasks"] == table["n_groups"]).all()
    for g in groups:
        assert not table[g].str.contains(" / ", regex=False).any()
    near = table[table["shared_by"] == "near"]
    assert near["close_to"].notna().all()
    assert set(near["close_to"]) <= set(table.loc[table["n_groups"] > 1, "priority"])
    assert table.loc[table["shared_by"] != "near", "close_to"].isna().all()


def test_a_second_task_of_a_district_stands_alone_near_the_priority():
    # a1 and a2 (one district) both match b1; the stronger pair forms the priority
    tasks = pd.DataFrame(
        {
            "task_id": ["a1", "a2", "b1"],
            "district": ["甲", "甲", "乙"],
            "title": ["中医", "中药", "中医药"],
        }
    )
    matches = pd.DataFrame(
        {
            "task_id": ["a1", "a2", "b1"],
            "match_task_id": ["b1", "b1", "a1"],
            "score": [0.9, 0.5, 0.9],
        }
    )
    table = shared_priorities(matches, tasks).set_index("甲")
    assert table.loc["中医", "shared_by"] == "all" and table.loc["中医", "乙"] == "中医药"
    assert table.loc["中药", "shared_by"] == "near"
    assert table.loc["中药", "close_to"] == table.loc["中医", "priority"]
