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
    ch = share_change(t, seq, n_boot=100)
    assert abs(ch["change_pp"].sum()) < 0.2
    assert {"gained", "lost", "stable"} >= set(ch["status"])


def test_echoes_find_the_tcm_task_of_the_plan_in_the_2026_points(corpus):
    seq = sequence(corpus.documents, "松江", kinds=["five_year_plan", "work_points"])
    e = echoes(corpus.tasks, seq["doc_id"].iloc[0], seq["doc_id"].iloc[-1])
    later = e[e["side"] == "later"].set_index("title")
    assert later.loc["以强传承创新促进中医药服务能力提升", "status"] == "echo"
    assert set(e["status"]) <= {"echo", "new", "echoed", "not echoed"}
