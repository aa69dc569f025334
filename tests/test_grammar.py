"""The genre's patterns: place names, years, numberings and boxes of plans from anywhere."""

from __future__ import annotations

import pytest

from compare.grammar import (
    CONTEXT_PART,
    find_district,
    find_province,
    numbering_of,
    plan_year_of,
    year_of,
)


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("2024年合肥市卫生健康工作要点", "合肥"),
        ("二〇二四年汉阳区卫生健康工作要点", "汉阳"),
        ("天津市滨海新区卫生健康委员会", "滨海"),
        ("仁怀市卫生健康局", "仁怀"),
        ("伊金霍洛旗卫生健康委员会", "伊金霍洛"),
        ("镇宁布依族苗族自治县2025年卫生健康工作要点", "镇宁"),
        ("黔南布依族苗族自治州荔波县卫生健康局", "荔波"),
        ("鄂伦春自治旗卫生健康委员会", "鄂伦春"),
        ("合肥经济技术开发区卫生健康局", "合肥经济技术开发区"),
        ("苏州工业园区社会事业局", "苏州工业园区"),
        ("青岛市市南区卫生健康局", "市南"),
        ("济南市市中区卫生健康局", "市中"),
        ("阳泉市城区卫生健康局", "阳泉城区"),
        ("雄安新区公共服务局", "雄安"),
        ("2024年全省卫生健康工作要点", None),
        ("浙江省卫生健康委员会", None),
        ("市中医医院", None),
    ],
)
def test_districts_counties_banners_and_zones_of_any_province(text, district):
    assert find_district(text) == district


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("湖南省“十四五”卫生健康发展规划", "湖南"),
        ("浙江省卫生健康委员会办公室", "浙江"),
        ("广西壮族自治区卫生健康委员会", "广西"),
        ("内蒙古自治区卫生健康委员会", "内蒙古"),
        ("2024年全省卫生健康工作要点", None),
    ],
)
def test_a_provincial_plan_is_named_by_its_province(text, province):
    assert find_province(text) == province


def test_years_in_arabic_or_chinese_digits():
    assert [year_of(t) for t in ("二〇二四年工作要点", "二○二五年", "2026年度", "十四五")] == [
        2024,
        2025,
        2026,
        None,
    ]


def test_articles_are_a_numbering():
    num = numbering_of("第十二条 加强组织领导。")
    assert (num.style, num.value, num.label) == ("article", 12, "第十二条")


def test_a_combined_summary_and_plan_plans_for_the_later_year():
    assert plan_year_of("东营区卫生健康局2023年工作总结和2024年工作计划") == 2024
    assert plan_year_of("二〇二五年阿荣旗卫生健康工作要点") == 2025


@pytest.mark.parametrize(
    ("title", "context"),
    [
        ("2023年工作完成情况", True),
        ("工作总结", True),
        ("存在的问题", True),
        ("困难和不足", True),
        ("总体思路", True),
        ("指导思想和基本原则", True),
        ("主要预期目标", True),
        ("2035年远景目标", True),
        ("面临的形势", True),
        ("2024年工作计划", False),
        ("加强组织保障", False),
        ("解决群众急难愁盼问题", False),
    ],
)
def test_context_parts_review_problems_ideas_and_targets_never_tasks(title, context):
    assert bool(CONTEXT_PART.match(title)) is context


def test_a_year_in_running_text_is_never_part_of_a_place_name():
    assert find_district("关于印发2024年金牛区卫生健康工作要点的通知") == "金牛"
