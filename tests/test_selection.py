"""Comparison sets are chosen from the documents table, never from file names."""

from __future__ import annotations

import pytest

from compare import load_corpus
from compare.exceptions import CompareError
from compare.selection import select_documents, select_tasks, year_note


@pytest.fixture(scope="module")
def docs(raw_dir):
    return load_corpus(raw_dir).documents


def test_the_default_set_is_the_latest_work_points_of_each_district(docs):
    d = select_documents(docs)
    assert dict(zip(d["district"], d["doc_year"], strict=True)) == {
        "松江": 2026,
        "长宁": 2025,
        "青浦": 2025,
    }
    assert set(d["kind"]) == {"work_points"}


def test_the_year_note_states_the_difference(docs):
    note = year_note(select_documents(docs))
    assert "松江 2026" in note and "1 year apart" in note


def test_selection_by_district_year_and_kind(docs):
    d = select_documents(docs, districts="松江", years=2023, kinds=None)
    assert d["kind"].tolist() == ["five_year_plan"]  # 2023 lies in the 2021–2025 period


def test_an_empty_selection_lists_what_is_available(docs):
    with pytest.raises(CompareError, match="available: districts"):
        select_documents(docs, districts="浦东")


def test_select_tasks_keeps_only_the_chosen_documents(raw_dir):
    c = load_corpus(raw_dir)
    tasks = select_tasks(c.tasks, select_documents(c.documents, districts="青浦"))
    assert set(tasks["district"]) == {"青浦"} and len(tasks) == 20


def test_the_year_note_names_documents_of_unknown_year():
    import pandas as pd

    d = pd.DataFrame(
        {
            "district": ["甲", "乙", "未识别（x.txt）"],
            "year": pd.array([2025, 2024, None], dtype="Int64"),
        }
    )
    note = year_note(d)
    assert note.startswith("Years differ: 甲 2025; 乙 2024 (1 year apart).")
    assert note.endswith("Year unknown (年份未识别): 未识别（x.txt）.")
    assert year_note(d.iloc[[2]]) == "Years unknown (年份未识别)."


def test_selection_sorts_and_groups_documents_of_unknown_district(isolated_home, partial_dir):
    docs = load_corpus(partial_dir, catalog=None).documents
    every = select_documents(docs, kinds=None)
    assert {"未识别（excerpt_a.txt）", "未识别（excerpt_b.txt）"} <= set(every["district"])
    d = select_documents(docs)  # latest work points: a document of unknown year is not latest
    assert dict(zip(d["district"], d["doc_year"], strict=True)) == {
        "松江": 2026,
        "长宁": 2025,
        "青浦": 2025,
        "未识别（no_district.txt）": 2024,
    }
