"""compare.report.overview: the corpus overview's tables, figures and facts, on the seed plans."""

from __future__ import annotations

import pytest

from compare import load_corpus
from compare.exceptions import CompareError
from compare.report import overview


@pytest.fixture(scope="module")
def corpus(raw_dir):
    return load_corpus(raw_dir)


def test_overview_figures_use_the_one_district_palette(corpus) -> None:
    from compare.report.figures import district_colors

    colors = district_colors(corpus.documents["district"].astype(str))
    fig = overview.tasks_figure(corpus)
    for trace in fig.data:
        assert trace.marker.color == colors[trace.name]


def test_document_table_has_one_row_per_plan_with_chinese_kinds(corpus) -> None:
    table = overview.document_table(corpus)
    assert len(table) == len(corpus.documents) == 5
    assert set(table["类型"]) == {"工作要点", "医政要点", "五年规划"}
    assert table.loc[table["类型"] == "五年规划", "年份"].tolist() == ["2021–2025"]
    assert table["任务数"].sum() == len(corpus.tasks)


def test_figures_have_one_trace_per_district_and_titles(corpus) -> None:
    for fig in (overview.tasks_figure(corpus), overview.task_length_figure(corpus)):
        assert sorted(trace.name for trace in fig.data) == ["松江", "长宁", "青浦"]
        assert fig.layout.title.text
    bars = overview.tasks_figure(corpus)
    assert sum(sum(trace.x) for trace in bars.data) == len(corpus.tasks)


def test_facts_are_computed_from_the_corpus(corpus) -> None:
    facts = overview.overview_facts(corpus)
    assert facts["n_documents"] == 5 and facts["n_districts"] == 3
    assert facts["n_tasks"] == len(corpus.tasks)
    assert facts["most_tasks"] == corpus.documents["n_tasks"].max()
    assert facts["median_chars"] == int(corpus.tasks["n_chars"].median())


def test_restrict_keeps_the_comparison_set_and_names_unknown_districts(corpus) -> None:
    two = overview.restrict(corpus, ["长宁", "青浦"])
    assert set(two.documents["district"]) == {"长宁", "青浦"}
    assert set(two.tasks["doc_id"]) <= set(two.documents["doc_id"])
    assert overview.restrict(corpus, None) is corpus
    with pytest.raises(CompareError, match="available: 松江, 长宁, 青浦"):
        overview.restrict(corpus, ["浦东"])


def test_overview_figure_points_carry_their_task_ids(corpus) -> None:
    bars = overview.tasks_figure(corpus)
    ids = {i for trace in bars.data for cd in trace.customdata for i in cd[0].split()}
    assert ids == set(corpus.tasks["task_id"])
    boxes = overview.task_length_figure(corpus)
    assert {cd[0] for trace in boxes.data for cd in trace.customdata} == set(
        corpus.tasks["task_id"]
    )


def test_documents_of_unknown_district_year_or_kind_are_counted_and_shown(
    isolated_home, partial_dir
) -> None:
    corpus = load_corpus(partial_dir, catalog=None)
    facts = overview.overview_facts(corpus)
    assert facts["n_districts"] == 3 and facts["districts"] == "松江、长宁、青浦"
    assert (facts["n_unknown_district"], facts["n_unknown_year"], facts["n_unknown_kind"]) == (
        3,
        4,
        3,
    )
    assert (
        "3 份文件区名未识别（excerpt_a.txt、excerpt_b.txt、no_district.txt）"
        in (facts["unknown_note"])
    )
    table = overview.document_table(corpus).set_index("源文件")
    assert table.loc["excerpt_a.txt", ["区", "年份", "类型"]].tolist() == [
        "未识别（excerpt_a.txt）",
        "年份未识别",
        "类型未识别",
    ]
    assert table.index[-3:].tolist() == ["excerpt_a.txt", "excerpt_b.txt", "no_district.txt"]
    bars = overview.tasks_figure(corpus)
    names = [trace.name for trace in bars.data]
    assert "未识别（excerpt_a.txt）" in names and "未识别（excerpt_b.txt）" in names
    assert sum(sum(trace.x) for trace in bars.data) == len(corpus.tasks)
    boxes = overview.task_length_figure(corpus)
    assert sum(len(trace.x) for trace in boxes.data) == len(corpus.tasks)


def test_the_overview_says_nothing_of_unknowns_when_there_are_none(corpus) -> None:
    assert overview.overview_facts(corpus)["unknown_note"] == ""


def test_a_large_corpus_gets_district_rows_and_boxes_without_points(monkeypatch):
    from types import SimpleNamespace

    import pandas as pd

    from compare.report import overview

    monkeypatch.setattr(overview, "MAX_LENGTH_ROWS", 2)
    monkeypatch.setattr(overview, "MAX_LENGTH_POINTS", 5)
    docs = pd.DataFrame({"label": ["甲 1", "甲 2", "乙 1"], "n_tasks": [3, 3, 3]})
    tasks = pd.DataFrame(
        {
            "district": ["甲"] * 6 + ["乙"] * 3,
            "label": ["甲 1"] * 3 + ["甲 2"] * 3 + ["乙 1"] * 3,
            "n_chars": range(10, 100, 10),
            "title": [f"任务{i}" for i in range(9)],
            "task_id": [f"t{i}" for i in range(9)],
        }
    )
    corpus = SimpleNamespace(documents=docs, tasks=tasks)
    fig = overview.task_length_figure(corpus)
    assert {y for trace in fig.data for y in trace.y} == {"甲", "乙"}  # a row per district
    assert all(trace.boxpoints is False for trace in fig.data)  # no point per task
    note = overview.length_view(corpus)["note"]
    assert "每行是一个区" in note and "只画箱体" in note
    bars = overview.tasks_figure(
        SimpleNamespace(
            documents=docs.assign(
                district=["甲", "甲", "乙"], doc_id=["a", "b", "c"], n_sections=1
            ),
            tasks=tasks,
        )
    )
    assert {y for trace in bars.data for y in trace.y} == {"甲", "乙"}  # a bar per district
    assert sorted(int(trace.x[0]) for trace in bars.data) == [3, 6]
    monkeypatch.setattr(overview, "MAX_LENGTH_ROWS", 40)
    monkeypatch.setattr(overview, "MAX_LENGTH_POINTS", 2000)
    assert overview.length_view(corpus)["note"] == ""
    assert all(trace.boxpoints == "all" for trace in overview.task_length_figure(corpus).data)
