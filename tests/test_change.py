"""Change over time in one district, chosen from the documents table."""

from __future__ import annotations

import numpy as np
import pytest

from compare import load_corpus
from compare.change import echoes, sequence, share_change


@pytest.fixture(scope="module")
def corpus(raw_dir):
    return load_corpus(raw_dir)


def test_the_sequence_runs_from_the_five_year_plan_to_the_latest_points(corpus):
    seq = sequence(corpus.documents, "松江")
    assert seq["kind"].tolist()[0] == "five_year_plan"
    assert seq["doc_year"].tolist()[-1] == 2026


def test_share_changes_sum_to_zero(corpus):
    seq = sequence(corpus.documents, "松江")
    t = corpus.tasks.assign(
        theme=np.where(corpus.tasks["text"].str.contains("中医"), "E", "X"), theme_name="x"
    )
    ch = share_change(t, seq)
    assert abs(ch["change_pp"].sum()) < 0.2
    assert {"gained", "lost", "stable"} >= set(ch["status"])


def test_echoes_find_the_tcm_task_of_the_plan_in_the_2026_points(corpus):
    seq = sequence(corpus.documents, "松江", kinds=["five_year_plan", "work_points"])
    e = echoes(corpus.tasks, seq["doc_id"].iloc[0], seq["doc_id"].iloc[-1])
    later = e[e["side"] == "later"].set_index("title")
    assert later.loc["以强传承创新促进中医药服务能力提升", "status"] == "echo"
    assert set(e["status"]) <= {"echo", "new", "echoed", "not echoed"}


def test_gained_and_lost_follow_the_wilson_intervals_of_the_shares():
    # a theme that fills the earlier document and is absent from the later one
    import pandas as pd

    from compare.shares import theme_shares

    docs = pd.DataFrame({"doc_id": ["a", "b"], "label": ["2021", "2026"], "order": [0, 1]})
    t = pd.DataFrame(
        {"doc_id": ["a"] * 20 + ["b"] * 20, "theme": list("A" * 12 + "B" * 8) + list("B" * 20)}
    )
    ch = share_change(t, docs).set_index("theme")
    assert ch.loc["A", "status"] == "lost" and ch.loc["B", "status"] == "gained"
    s = theme_shares(t, by="doc_id").set_index(["group", "theme"])
    assert s.loc[("b", "A"), "ci_high"] > 0  # absent, not certainly zero
    # 3 of 20 against 0 of 20: the intervals overlap, so no change is called
    t2 = pd.DataFrame(
        {"doc_id": ["a"] * 20 + ["b"] * 20, "theme": list("A" * 3 + "B" * 17) + ["B"] * 20}
    )
    assert share_change(t2, docs).set_index("theme").loc["A", "status"] == "stable"
