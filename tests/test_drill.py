"""compare.report.drill: every point of a report figure carries the tasks behind it."""

from __future__ import annotations

import pandas as pd
import pytest

from compare import load_corpus
from compare.align import best_counterparts, document_similarity
from compare.keyness import distinctive_terms, pair_terms
from compare.report import drill
from compare.selection import comparison_set
from compare.shares import share_test, theme_shares
from compare.targets import align_targets, extract_targets


@pytest.fixture(scope="module")
def tasks() -> pd.DataFrame:
    """The default comparison set, coded with a cheap deterministic theme per task."""
    c = load_corpus()
    _, t = comparison_set(c.documents, c.tasks)
    themes = ["A", "B", "C"]
    return t.assign(
        theme=[themes[i % 3] for i in range(len(t))],
        theme_name=[f"主题{themes[i % 3]}" for i in range(len(t))],
    )


def _cells(trace) -> list:
    cd = trace.customdata
    return [c for row in cd for c in row] if trace.type == "heatmap" else list(cd)


def test_share_heatmap_cells_hold_exactly_the_tasks_they_count(tasks: pd.DataFrame) -> None:
    shares = theme_shares(tasks, level=None)
    fig = drill.share_heatmap(tasks, shares)
    trace = fig.data[0]
    by_id = tasks.set_index("task_id")
    for i, label in enumerate(trace.y):
        for j, district in enumerate(trace.x):
            ids = [x for x in trace.customdata[i][j][0].split() if x]
            code = label.split(" ")[0]
            expected = shares[(shares["group"] == district) & (shares["theme"] == code)]
            assert len(ids) == int(expected["n_tasks"].item())
            assert set(by_id.loc[ids, "district"]) <= {district}
    assert "%{customdata[2]}" in trace.hovertemplate


def test_share_dots_and_residuals_keep_their_own_hover_fields(tasks: pd.DataFrame) -> None:
    dots = drill.share_dots(tasks, theme_shares(tasks))
    assert all(len(c) == 6 for t in dots.data for c in t.customdata)  # ids, term, hover + 3 own
    assert "customdata[5]" in dots.data[0].hovertemplate
    heat = drill.residual_heatmap(tasks, share_test(tasks, n_perm=0).table)
    assert "%{customdata[3]} tasks" in heat.data[0].hovertemplate
    observed = [c[3] for c in _cells(heat.data[0])]
    assert observed == [len(c[0].split()) for c in _cells(heat.data[0])]


def test_keyness_points_carry_the_word_and_only_tasks_using_it(tasks: pd.DataFrame) -> None:
    text = tasks.set_index("task_id")["text"]
    bars = drill.keyness_bars(tasks, distinctive_terms(tasks), top=5)
    scatter = drill.keyness_scatter(tasks, pair_terms(tasks, "长宁", "青浦"))
    for trace in [*bars.data, scatter.data[0]]:
        for ids, term, hover, *_ in trace.customdata:
            assert term and ids, term
            assert all(term in text[x] for x in ids.split())
            assert hover.startswith(f"{len(ids.split())} task")


def test_similarity_and_target_cells_open_real_tasks(tasks: pd.DataFrame) -> None:
    sim = document_similarity(tasks)
    fig = drill.similarity_heatmap(tasks, sim, best_counterparts(tasks, by="label"))
    known = set(tasks["task_id"])
    cells = _cells(fig.data[0])
    assert all(set(c[0].split()) <= known for c in cells)
    assert any("aligned" in c[2] for c in cells)
    aligned = align_targets(extract_targets(tasks))
    bars = drill.target_bars(tasks, aligned)
    ids = [c[0] for t in bars.data for c in t.customdata]
    assert len(ids) == len(aligned) and set(ids) <= known


def test_attach_escapes_titles_in_hover_text() -> None:
    t = pd.DataFrame({"task_id": ["a"], "title": ["<script>x</script>"]})
    assert "<script>" not in drill.task_cell(t)[2]


def test_grouped_tasks_keeps_task_order_and_drops_attrs():
    t = pd.DataFrame(
        {
            "task_id": ["a", "b", "c", "d"],
            "district": ["甲", "乙", "甲", "甲"],
            "theme": ["A", "A", "B", "A"],
            "title": ["一", "二", "三", "四"],
            "text": ["x", "y", "z", "w"],
            "other": [1, 2, 3, 4],
        }
    )
    t.attrs["clusters"] = pd.DataFrame({"k": [1]})
    lookup = drill.grouped_tasks(t, "district", "theme")
    found = lookup("甲", "A")
    assert list(found["task_id"]) == ["a", "d"] and list(found.columns) == [
        "task_id",
        "title",
        "text",
    ]
    assert found.attrs == {} and lookup("乙", "B").empty
    # the same tasks as a boolean mask picks, for a key given as a series too
    mask = t["other"] > 1
    assert list(drill.grouped_tasks(t, mask)(True)["task_id"]) == list(t[mask]["task_id"])
