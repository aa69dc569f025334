"""compare.labels: how a document whose district, year or kind is unknown is shown."""

from __future__ import annotations

import pandas as pd

from compare.labels import (
    UNKNOWN,
    document_label,
    fill_unknown,
    is_unknown_district,
    kind_names,
    known_districts,
    period_text,
    unknown_district,
    unknown_facts,
    unknown_note,
)
from compare.plan import KIND_NAMES as PARSER_KIND_NAMES


def _docs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "source_file": ["a.txt", "b.txt", "c.txt"],
            "district": pd.Categorical([None, None, "青浦"]),
            "year": pd.array([None, 2024, 2025], dtype="Int64"),
            "period_start": pd.array([None, None, None], dtype="Int64"),
            "period_end": pd.array([None, None, None], dtype="Int64"),
            "kind": pd.Categorical(["other", "work_points", "work_points"]),
            "label": ["? 文件", "? 2024 工作要点", "青浦 2025 工作要点"],
        }
    )


def _tasks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "task_id": ["a-t001", "b-t001", "c-t001", "c-t002"],
            "doc_id": ["a", "b", "c", "c"],
            "district": pd.Categorical([None, None, "青浦", "青浦"]),
            "label": ["? 文件", "? 2024 工作要点", "青浦 2025 工作要点", "青浦 2025 工作要点"],
        }
    )


def test_each_document_without_a_district_is_a_group_of_its_own() -> None:
    docs, tasks = fill_unknown(_docs(), _tasks())
    assert docs["district"].tolist() == ["未识别（a.txt）", "未识别（b.txt）", "青浦"]
    assert docs["district"].nunique() == 3  # two unknowns are never merged into one district
    assert tasks["district"].tolist() == ["未识别（a.txt）", "未识别（b.txt）", "青浦", "青浦"]
    assert str(docs["district"].dtype) == str(tasks["district"].dtype) == "category"


def test_district_columns_sort_and_group_after_the_fill() -> None:
    docs, tasks = fill_unknown(_docs(), _tasks())
    assert sorted(docs["district"].astype(str).unique())  # no float beside str
    assert tasks.groupby("district", observed=True).size().sum() == len(tasks)  # no row dropped


def test_labels_show_what_is_unknown() -> None:
    docs, tasks = fill_unknown(_docs(), _tasks())
    assert docs["label"].tolist() == [
        "未识别（a.txt） 年份未识别 类型未识别",
        "未识别（b.txt） 2024 工作要点",
        "青浦 2025 工作要点",
    ]
    assert tasks["label"].tolist()[:2] == docs["label"].tolist()[:2]


def test_the_fill_is_idempotent_and_leaves_its_inputs_alone() -> None:
    docs, tasks = _docs(), _tasks()
    once = fill_unknown(docs, tasks)
    twice = fill_unknown(*once)
    pd.testing.assert_frame_equal(once[0], twice[0])
    pd.testing.assert_frame_equal(once[1], twice[1])
    assert docs["district"].isna().sum() == 2  # not modified


def test_year_and_period_text() -> None:
    assert period_text(2025) == "2025"
    assert period_text(pd.NA, 2021, 2025) == "2021–2025"
    assert period_text(None) == period_text(float("nan")) == f"年份{UNKNOWN}"
    assert document_label("松江", None, 2021, 2025, "five_year_plan") == "松江 2021–2025 五年规划"
    assert document_label("长宁", pd.NA, None, None, "work_points") == "长宁 年份未识别 工作要点"


def test_unknown_districts_are_recognised_wherever_they_travel() -> None:
    name = unknown_district("sub/x.txt")
    assert name == "未识别（sub/x.txt）"
    assert is_unknown_district(name) and is_unknown_district(None)
    assert not is_unknown_district("松江")
    series = pd.Series(["松江", name, None])
    assert is_unknown_district(series).tolist() == [False, True, True]
    assert known_districts(series) == ["松江"]


def test_unknown_facts_count_each_field_and_name_the_files() -> None:
    docs, _ = fill_unknown(_docs(), _tasks())
    facts = unknown_facts(docs)
    assert (facts["n_district"], facts["n_year"], facts["n_kind"]) == (2, 1, 1)
    assert "2 份文件区名未识别（a.txt、b.txt）" in facts["note"]
    assert "1 份年份未识别" in facts["note"] and "1 份类型未识别" in facts["note"]
    assert "不合并" in facts["note"]


def test_unknown_facts_say_nothing_when_everything_is_known() -> None:
    docs, _ = fill_unknown(_docs().iloc[[2]], _tasks())
    assert unknown_facts(docs)["note"] == ""
    assert unknown_facts(docs.iloc[:0])["n_district"] == 0


def test_kind_names_derive_from_the_parsers_one_map() -> None:
    kinds = [*PARSER_KIND_NAMES, "other"]
    assert kind_names(kinds).split("、") == [*PARSER_KIND_NAMES.values(), f"类型{UNKNOWN}的文件"]
    assert kind_names(["not_a_kind"]) == "not_a_kind"


def test_the_unknown_flag_names_what_the_text_does_not_state_after_the_fill() -> None:
    docs, _ = fill_unknown(_docs(), _tasks())
    notes = [
        unknown_note(r.district, r.year, r.kind, r.period_start)
        for r in docs.astype(object).itertuples()
    ]
    assert notes == ["unknown district/year/kind", "unknown district", ""]
    assert unknown_note("青浦", "", "work_points", period_start=None) == "unknown year"
