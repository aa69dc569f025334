"""compare.findings: the facts and tables the reports state, computed from the data."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from compare import findings, load_corpus, themes
from compare.align import best_counterparts, shared_priorities
from compare.exceptions import CompareError
from compare.targets import extract_targets

CITATION = re.compile(r" · L\d+(?:–L\d+)?")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_coded_tasks_is_cached_by_content(isolated_home, corpus, monkeypatch) -> None:
    first = findings.coded_tasks(corpus.tasks, k=4)
    assert first["theme"].notna().all() and first["cluster"].nunique() == 4
    assert first.attrs["k_auto"] is False and len(first.attrs["clusters"]) == 4

    def boom(*args, **kwargs):
        raise AssertionError("recomputed although nothing changed")

    monkeypatch.setattr(themes, "theme_table", boom)
    again = findings.coded_tasks(corpus.tasks, k=4)
    pd.testing.assert_frame_equal(first, again)
    with pytest.raises(AssertionError, match="recomputed"):
        findings.coded_tasks(corpus.tasks, k=5)  # another parameter is another key


def test_comparison_set_lists_the_options_when_nothing_matches(corpus) -> None:
    with pytest.raises(CompareError, match="available: districts"):
        findings.comparison_set(corpus.documents, corpus.tasks, districts=["浦东"])


def test_defaults_are_computed_from_the_data(corpus) -> None:
    counts = corpus.documents["district"].astype(str).value_counts()
    assert findings.default_district(corpus.documents) == counts.index[0]
    with pytest.raises(CompareError, match="available"):
        findings.default_district(corpus.documents, "浦东")
    _, t = findings.comparison_set(corpus.documents, corpus.tasks)
    pair = findings.default_pair(t)
    assert len(pair) == 2 and set(pair) <= set(t["district"].astype(str))


def test_every_table_row_derived_from_a_task_carries_a_citation(corpus) -> None:
    _, t = findings.comparison_set(corpus.documents, corpus.tasks)
    shared = shared_priorities(best_counterparts(t), t)
    table = findings.priorities_table(shared, t, corpus.sections)
    assert len(table) == len(t)  # every task belongs to exactly one priority
    assert table["出处 Source"].str.contains(CITATION).all()
    found = extract_targets(t)
    targets = findings.targets_table(found, t, corpus.sections)
    assert len(targets) == len(found) and targets["出处 Source"].str.contains(CITATION).all()


def test_facts_follow_the_data_when_a_district_is_added() -> None:
    shares = pd.DataFrame(
        {"theme": ["A", "B"], "theme_name": ["x", "y"], "share": [0.4, 0.6], "n_tasks": [2, 3]}
    )
    coded = pd.DataFrame(
        {
            "cluster": [0, 0, 1],
            "cluster_label": ["a", "a", "b"],
            "confidence": [0.2, 0.9, 0.8],
            "overridden": [False, False, True],
        }  # fmt: skip
    )
    facts = findings.theme_facts(coded, shares)
    assert (facts["top_theme"], facts["n_low"], facts["n_overridden"]) == ("y", 1, 1)
