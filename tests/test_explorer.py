"""Citations, explorer records and the embedded task data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from compare import load_corpus
from compare.report.explorer import (
    citation,
    drill_customdata,
    explorer_html,
    explorer_records,
    hover_titles,
    source_panel_html,
)


@pytest.fixture(scope="module")
def records():
    c = load_corpus()
    return explorer_records(c.tasks, c.sections)


def test_every_seed_task_gets_a_citation_with_its_numbering_path_and_lines(records):
    assert len(records) == 110
    assert records["citation"].str.match(r"^\S+ \S+ \S+ · \S+ · L\d+(–L\d+)?$").all()
    fyp = records[records["document"].str.contains("五年规划")].iloc[0]
    assert fyp["citation"] == "松江 2021–2025 规划 · 四、（一）1. · L70"


def test_records_join_themes_and_targets_without_touching_the_inputs(records):
    c = load_corpus()
    tasks = c.tasks.head(3)
    before = tasks.copy()
    coded = pd.DataFrame(
        {
            "task_id": tasks["task_id"],
            "theme": ["A", "B", "C"],
            "theme_name": ["甲", "乙", "丙"],
            "confidence": [0.9, 0.5, 0.25],
            "theme_2": ["B", "C", "A"],
            "cluster_label": ["x", "y", "z"],
        }
    )
    targets = pd.DataFrame(
        {"task_id": [tasks["task_id"].iloc[0]] * 2, "text": ["新增4家", "提升2-4个百分点"]}
    )
    rec = explorer_records(tasks, c.sections, coded=coded, targets=targets)
    assert rec.loc[0, "theme_name"] == "甲"
    assert rec.loc[0, "targets"] == "新增4家 · 提升2-4个百分点"
    assert rec.loc[1, "targets"] == ""
    pd.testing.assert_frame_equal(tasks, before)


def test_plan_text_cannot_break_out_of_the_embedded_json():
    rec = pd.DataFrame(
        [
            {
                "task_id": "x-t001",
                "district": "甲",
                "document": "d",
                "title": "<img src=x onerror=alert(1)>",
                "text": "正文</script><script>alert(1)</script>",
                "citation": "c",
                "theme_name": "",
                "targets": "",
            }
        ]
    )
    html = source_panel_html(rec)
    blob = re.search(
        r'<script type="application/json" id="compare-tasks">(.*?)</script>', html, re.S
    ).group(1)
    assert "<" not in blob and ">" not in blob
    assert json.loads(blob)["x-t001"]["text"] == "正文</script><script>alert(1)</script>"


def test_explorer_and_panel_for_the_seeds_stay_under_one_megabyte(records):
    size = len((source_panel_html(records) + explorer_html(records)).encode("utf-8"))
    assert size < 1_000_000


def test_citation_of_a_single_line_task():
    assert (
        citation(
            {
                "label": "青浦 2025 工作要点",
                "section_numbers": "一、",
                "number": "一是",
                "line_start": 29,
                "line_end": 29,
            }
        )
        == "青浦 2025 要点 · 一、一是 · L29"
    )


def test_drill_customdata_and_hover_titles():
    assert drill_customdata(["a", "b"]) == ["a b", ""]
    assert hover_titles(["<x>"]) == "1 task: ‹x›"


def test_a_large_corpus_panel_leaves_out_full_texts_but_keeps_citations(records):
    small = source_panel_html(records)
    large = source_panel_html(records, max_text_tasks=50)
    assert len(large.encode()) < 0.5 * len(small.encode())
    blob = re.search(r'id="compare-tasks">(.*?)</script>', large, re.S).group(1)
    task = next(iter(json.loads(blob).values()))
    assert "text" not in task and task["citation"] and task["title"]
