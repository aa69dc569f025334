"""compare.target_rules: how one task's text is read for targets (units, exclusions, objects)."""

from __future__ import annotations

import pytest

from compare.target_rules import (
    half_width,
    target_records,
    targets_in_text,
    task_raw_text,
    unit_family,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("开通12356心理援助热线。", []),
        ("深化MMC 1+4+18体系建设，推进5G应用和3.0版建设。", []),
        ("为60岁以上老年人免费体检。", []),
        ("中医诊断超50例以上的病种数40种以上。", [(40.0, "种")]),
        ("实现签约覆盖率提升2-4个百分点。", [(2.0, "个百分点")]),
        ("到2026年末实现每10万人配置75台AED。", [(75.0, "台")]),
        ("已建成5家社区医院，新建3家护理中心。", [(3.0, "家")]),
        ("人均预期寿命达到84岁。", [(84.0, "岁")]),
    ],
)
def test_rules_on_single_sentences(text, expected):
    found = targets_in_text(text)
    assert list(zip(found["value"], found["unit"], strict=True)) == expected


def test_a_qualifier_and_object_come_from_the_words_around_the_number():
    found = targets_in_text("力争全区家庭医生签约覆盖率不低于45%，新建2家社区护理站。")
    rows = found[["value", "qualifier", "object"]].values.tolist()
    assert rows == [[45.0, "不低于", "家庭医生签约覆盖率"], [2.0, "新建", "社区护理站"]]


def test_each_target_keeps_the_raw_line_it_was_read_from():
    text, lines = task_raw_text(
        ["3、推进签约", "", "新增５家护理站。", "— 2 —", "覆盖率达到48%。"], 1, 5, "3、"
    )
    assert text.startswith("推进签约新增5家")  # number cut, full-width digit made ASCII
    assert "— 2 —" not in text  # a page marker is not text
    assert [(r["value"], r["line"]) for r in target_records(text, lines)] == [(5.0, 3), (48.0, 5)]


def test_half_width_keeps_chinese_punctuation_and_the_length():
    text = "ＡＥＤ１５０台，覆盖率（２０２５年）达到４８％"
    assert half_width(text) == "AED150台，覆盖率（2025年）达到48%"
    assert len(half_width(text)) == len(text)


def test_unit_families_fold_multipliers_and_per_population_bases():
    assert [unit_family(u) for u in ("%", "万元", "万人次", "/10万", "小时", "岁")] == [
        "rate",
        "money",
        "count",
        "rate",
        "duration",
        "age",
    ]
