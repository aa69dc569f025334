"""The plan parser on the seed plans and on small plans imitating other styles."""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.parse import NoTasksWarning, coverage, parse_plan, parse_text

# --------------------------------------------------------------------------- seeds


@pytest.mark.parametrize(
    ("key", "n_sections", "n_tasks"),
    [
        ("songjiang_2026", 5, 22),
        ("songjiang_2025_medadmin", 5, 14),
        ("qingpu_2025", 6, 20),
        ("changning_2025", 4, 20),
    ],
)
def test_it_splits_the_seed_work_points_into_sections_and_tasks(
    seed_path, key, n_sections, n_tasks
):
    plan = parse_plan(seed_path(key))
    assert len(plan.sections) == n_sections
    assert len(plan.tasks) == n_tasks
    assert all(s.level == 1 for s in plan.sections)


def test_songjiang_2026_first_task_and_metadata(seed_path):
    plan = parse_plan(seed_path("songjiang_2026"))
    first = plan.tasks[0]
    assert first.title == "服务松江新城建设规划"
    assert first.number == "1."
    assert first.text.startswith("服务松江新城建设规划。积极承接优质医疗资源扩容下沉")
    assert first.section_path == "一、坚持服务经济社会发展大局"
    d = plan.document
    assert (d.district, d.year, d.kind) == ("松江", 2026, "work_points")
    assert d.doc_number == "沪松卫〔2026〕26号"
    assert d.issue_date == "2026-05-10"
    assert d.issuer == "上海市松江区卫生健康委员会"
    assert d.title == "2026年上海市松江区卫生健康工作要点"


def test_it_joins_hard_wraps_inside_a_task(seed_path):
    tasks = parse_plan(seed_path("songjiang_2026")).tasks
    assert "找准产学研协同发展切口，助力松江大学城科创源建设。" in tasks[1].text
    assert "开展落实医疗质量安全核心制度专项行动，推动" in tasks[5].text
    assert (tasks[1].line_start, tasks[1].line_end) == (26, 28)


def test_five_year_plan_tasks_are_only_those_of_its_main_tasks_part(seed_path):
    plan = parse_plan(seed_path("songjiang_fyp"))
    parts = {s.title: s for s in plan.sections if s.level == 1}
    main = parts["主要任务"]
    subsections = [s for s in plan.sections if s.parent == main.id]
    assert len(subsections) == 10
    assert len(plan.tasks) == 34
    assert all(t.section_path.startswith("四、主要任务 › ") for t in plan.tasks)
    principles = [b for b in plan.unassigned if b.kind == "list_item"]
    assert [b.text[:2] for b in principles] == ["1.", "2.", "3.", "4."]
    assert all("坚持" in b.text for b in principles)
    assert not any(t.title.startswith("坚持人民至上") for t in plan.tasks)
    d = plan.document
    assert (d.kind, d.period_start, d.period_end, d.year) == ("five_year_plan", 2021, 2025, None)
    assert d.doc_number is None


def test_qingpu_one_is_style_takes_the_bold_span_as_title(seed_path):
    plan = parse_plan(seed_path("qingpu_2025"))
    assert [t.number for t in plan.tasks[:4]] == ["一是", "二是", "三是", "四是"]
    assert plan.tasks[0].title == "优化医疗资源配置"
    assert "**" not in "".join(t.text for t in plan.tasks)
    assert plan.document.doc_number == "青卫健发〔2025〕2号"
    assert plan.document.issue_date == "2025-03-18"


def test_changning_pdf_text_wrapped_headings_and_page_markers(seed_path):
    plan = parse_plan(seed_path("changning_2025"))
    assert plan.sections[0].title == "推动公立医院高质量发展，促进优质资源提质扩容和区域均衡布局"
    assert (plan.sections[0].line_start, plan.sections[0].line_end) == (41, 43)
    t4 = plan.tasks[3]
    assert t4.title == "深入推进中医药传承创新发展"
    assert "— 4 —" not in t4.text
    assert "加快中医药服务社区主阵地建设" in t4.text
    assert plan.document.doc_number == "长卫健发〔2025〕27号"
    assert plan.document.issue_date == "2025-03-20"
    assert plan.document.district == "长宁"


@pytest.mark.parametrize(
    "key",
    ["songjiang_2026", "songjiang_2025_medadmin", "songjiang_fyp", "qingpu_2025", "changning_2025"],
)
def test_every_content_character_of_a_seed_is_accounted_for(seed_path, key):
    plan = parse_plan(seed_path(key))
    cov = coverage(plan)
    assert cov == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


@pytest.mark.parametrize(
    "key",
    ["songjiang_2026", "songjiang_2025_medadmin", "songjiang_fyp", "qingpu_2025", "changning_2025"],
)
def test_task_text_is_found_in_the_raw_lines_it_cites(seed_path, key):
    path = seed_path(key)
    lines = path.read_text(encoding="utf-8").split("\n")
    plan = parse_plan(path)
    for t in plan.tasks:
        cited = "".join(lines[t.line_start - 1 : t.line_end])
        cited = re.sub(r"[\s\u3000*#]|[—-]\s*\d+\s*[—-]", "", cited)
        assert re.sub(r"\s", "", t.text) in cited, t.id


# --------------------------------------------------------------------------- other styles

PDF_STYLE = """\
 某卫发〔2024〕 8 号

关于印发《2024 年某某区卫生健康工作要点》
的通知

各医疗卫生单位：

附件：2024 年某某区卫生健康工作要点

某某区卫生健康委员会

2024 年 2 月 1 日

某某区卫生健康委员会文件
 附件

2024 年某某区卫生健康工作要点

（一）推进基层卫生服务网底建设，加强社区卫生服务中心标准化

建设

1．做实家庭医生签约服务

进一步扩大家庭医生签约覆盖面，力争全区常住人口签约率提升

到百分之四十，重点人群签约率稳步提高，签约居民续约率保持

- 5 -

在较高水平，确保签约服务质量不断提升，群众满意度持续提高。

2．加强社区康复服务能力建设

推进社区康复中心建设，完成三家社区康复中心标准化建设任务，

第 6 页

提升社区康复服务能力和水平，方便居民就近获得康复服务。

(二)强化公共卫生体系

3．完善传染病监测预警体系

建立健全多点触发的传染病监测预警体系，提升早期发现能力，做

好重点传染病防控工作，确保不发生重大疫情事件。

 某某区卫生健康委员会办公室 2024 年 2 月 3 日印发
"""


def test_pdf_style_plan_with_half_width_parens_and_full_width_dots():
    plan = parse_text(PDF_STYLE)
    d = plan.document
    assert d.doc_number == "某卫发〔2024〕8号"
    assert d.issue_date == "2024-02-01"
    assert d.title == "2024年某某区卫生健康工作要点"
    assert d.district == "某某"
    assert [s.number for s in plan.sections] == ["（一）", "(二)"]
    assert plan.sections[0].title == "推进基层卫生服务网底建设，加强社区卫生服务中心标准化建设"
    assert [t.title for t in plan.tasks] == [
        "做实家庭医生签约服务",
        "加强社区康复服务能力建设",
        "完善传染病监测预警体系",
    ]
    assert "签约率提升到百分之四十" in plan.tasks[0].text
    assert "第 6 页" not in plan.tasks[1].text and "5" not in plan.tasks[0].text
    assert [b.kind for b in plan.unassigned if b.kind == "closing"] == ["closing"]
    assert coverage(plan)["coverage"] == 1.0


MARKDOWN_STYLE = """\
# 某某县卫生健康局文件

某卫〔2025〕3号

## 关于印发《2025年某某县卫生健康工作要点》的通知

各乡镇卫生院：

现将要点印发给你们。

某某县卫生健康局
2025年1月6日

# 2025年某某县卫生健康工作要点

## **一、筑牢公共卫生防线**

**（一）强化疾病预防控制。**完善疾控体系，①做好传染病监测；②做好慢病管理。

**（二）提升应急处置能力。**加强应急队伍建设，配置 AED 100 台。

## **二、优化医疗服务**

**（三）推进紧密型医共体建设。**推动县域医共体一体化管理。其中：

（1）统一药品目录；

（2）统一信息平台。

附件：1. 重点任务分工表

| 任务 | 牵头单位 |
"""


def test_markdown_plan_with_sub_points_folded_into_tasks():
    plan = parse_text(MARKDOWN_STYLE)
    assert plan.document.district == "某某"
    assert plan.document.issuer == "某某县卫生健康局"
    assert [s.title for s in plan.sections] == ["筑牢公共卫生防线", "优化医疗服务"]
    assert [t.title for t in plan.tasks] == [
        "强化疾病预防控制",
        "提升应急处置能力",
        "推进紧密型医共体建设",
    ]
    assert "（2）统一信息平台。" in plan.tasks[2].text
    attachments = [b for b in plan.unassigned if b.kind == "attachment"]
    assert attachments and "重点任务分工表" in attachments[-1].text
    assert not any("分工表" in t.text for t in plan.tasks)
    assert coverage(plan)["coverage"] == 1.0


def test_a_text_without_numbered_tasks_warns_and_keeps_its_text():
    with pytest.warns(NoTasksWarning):
        plan = parse_text("关于做好春节期间卫生应急工作的说明\n请各单位做好值班安排。\n")
    assert plan.tasks == []
    assert coverage(plan)["coverage"] == 1.0


def test_figures_that_start_a_line_are_not_tasks():
    text = "一、资源\n1. 建设新院区。建筑面积\n3.5万平方米，\n50.8%用于门诊。\n2. 完善布局。推进建设。\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = parse_text(text)
    assert [t.number for t in plan.tasks] == ["1.", "2."]
    assert "建筑面积3.5万平方米，50.8%用于门诊。" in plan.tasks[0].text


# --------------------------------------------------------------------------- properties

CJK = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=2, max_size=30
)
BODY = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=6, max_size=80
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(CJK, st.lists(st.tuples(CJK, BODY), min_size=1, max_size=4)),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["{n}. ", "{n}、", "（{n}）"]),
    st.booleans(),
)
def test_nothing_is_lost_or_invented_for_any_plan_shape(parts, style, bold):
    cn = "一二三四五六七八九十"
    lines = ["2025年某区卫生健康工作要点", "前言文字。"]
    n = 0
    for i, (head, tasks) in enumerate(parts):
        lines.append(f"{cn[i]}、{head}")
        for title, body in tasks:
            n += 1
            num = style.format(n=n)
            lines.append(f"**{num}{title}。**{body}。" if bold else f"{num}{title}。{body}。")
    plan = parse_text("\n".join(lines) + "\n")
    assert len(plan.tasks) == n
    assert len(plan.sections) == len(parts)
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


CHAPTER_STYLE = """\
上海市某某新区卫生健康
“十五五”发展规划

第一章 “十四五”发展回顾

1.医疗资源持续扩容。新增床位1200张，建成三家区域性医疗中心。

2.公共卫生能力提升。完成疾控中心新建工程。

第二章 重点任务和举措

第一节 强化基层服务

1.做实家庭医生签约。推进签约服务提质增效，重点人群签约率达到85%以上。

12

2.发展社区康复。每个街镇建成一家社区康复中心。

第二节 提升医疗能级

3.建设区域医疗中心。推动三家医院创建三级医院。

第三章 保障措施

一、加强组织领导。建立规划实施推进机制。

二〇二六年一月十五日
"""


def test_chapter_style_five_year_plan_with_review_and_safeguard_parts():
    plan = parse_text(CHAPTER_STYLE)
    d = plan.document
    assert d.title == "上海市某某新区卫生健康“十五五”发展规划"
    assert (d.kind, d.period_start, d.period_end, d.district) == (
        "five_year_plan",
        2026,
        2030,
        "某某",
    )
    assert d.issue_date == "2026-01-15"
    assert [t.title for t in plan.tasks] == ["做实家庭医生签约", "发展社区康复", "建设区域医疗中心"]
    assert plan.tasks[0].section_path == "第二章重点任务和举措 › 第一节强化基层服务"
    reviewed = [b.text for b in plan.unassigned if b.kind == "list_item"]
    assert any("新增床位1200张" in t for t in reviewed)
    assert "12" not in plan.tasks[0].text  # a bare page number is an artefact
    assert coverage(plan)["coverage"] == 1.0


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    st.lists(st.lists(st.tuples(CJK, BODY), min_size=2, max_size=5), min_size=2, max_size=4),
    st.integers(min_value=22, max_value=30),
)
def test_pdf_wrapped_plans_keep_their_tasks_and_every_character(parts, width):
    """Imitates PDF text: hard wraps at a page width, a blank line between lines, page markers."""
    cn = "一二三四五六七八九十"
    body_lines: list[str] = []
    n = 0
    filler = "按照区委区政府部署要求，结合年度重点工作安排，全面推进各项任务落实，确保取得实效。"
    for i, tasks in enumerate(parts):
        body_lines.append(f"{cn[i]}、第{cn[i]}部分重点工作")
        for title, body in tasks:
            n += 1
            body_lines.append(f"{n}、{title}")
            para = "　　" + (body + "。" + filler) * 2
            body_lines += [para[k : k + width] for k in range(0, len(para), width)]
    lines = ["2025年某某区卫生健康工作要点", ""]
    for k, line in enumerate(body_lines, start=1):
        lines += [line, ""]
        if k % 23 == 0:
            lines += [f"— {k // 23 + 1} —", ""]
    plan = parse_text("\n".join(lines))
    assert len(plan.tasks) == n
    assert [t.ordinal for t in plan.tasks] == list(range(1, n + 1))
    assert all(filler in t.text for t in plan.tasks)
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


def test_an_annual_plan_without_a_year_in_its_title_takes_the_year_it_was_issued():
    text = (
        "某卫〔2024〕3号\n关于印发《某某区卫生健康工作要点》的通知\n各单位：\n现印发。\n"
        "某某区卫生健康委员会\n2024年2月1日\n某某区卫生健康工作要点\n一、基层\n1. 做实签约。扩大覆盖。\n"
    )
    assert parse_text(text).document.year == 2024


# --------------------------------------------------------------------------- other places

PORTAL_PAGE = """\
湖州市吴兴区人民政府门户网站
当前位置：首页 > 政务公开 > 本局文件 > 计划总结
政务频道>政务公开>本局文件>计划总结
索引号：113305020025941221/2024-00077
发布机构：湖州市吴兴区卫生健康局
文号：吴卫健〔2024〕9号
成文日期：2024-03-04
发布日期：2024-03-06
【字体：大 中 小】 【打印】【关闭】
2024年吴兴区卫生健康工作计划
一、健全医疗服务体系
1.推进县域医共体建设。完善医共体运行机制，推动人员统筹使用。
2.加强基层能力建设。完成3家乡镇卫生院提升改造。
【打印】【关闭】
分享到：微信 微博
上一篇：吴兴区卫生健康局2023年工作总结
主办单位：湖州市吴兴区人民政府办公室
浙ICP备05012345号
"""


def test_portal_chrome_is_never_title_district_or_task_and_the_info_table_feeds_metadata():
    plan = parse_text(PORTAL_PAGE)
    d = plan.document
    assert d.title == "2024年吴兴区卫生健康工作计划"
    assert (d.district, d.year, d.kind) == ("吴兴", 2024, "work_points")
    assert d.doc_number == "吴卫健〔2024〕9号"
    assert d.issuer == "湖州市吴兴区卫生健康局"
    assert d.issue_date == "2024-03-04"
    assert [t.title for t in plan.tasks] == ["推进县域医共体建设", "加强基层能力建设"]
    assert not any("打印" in t.text or "分享" in t.text for t in plan.tasks)
    roles = Counter(b.role for b in plan.unassigned if b.kind == "metadata")
    assert roles["info"] == 5 and roles["chrome"] == 9
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


def test_a_page_title_before_the_chrome_gives_way_to_the_plans_own_title():
    text = (
        "首页 > 信息公开 > 规划计划\n2024年卫生健康工作计划\n"
        "发布时间：2024-03-12 09:30 来源：深圳市南山区卫生健康局 浏览次数：1563\n"
        "【字号：大 中 小】 打印本页 关闭窗口\n2024年卫生健康工作计划\n"
        "一、推进优质医疗资源扩容\n（一）加快重大卫生项目建设。新增床位800张。\n"
        "（二）推动公立医院高质量发展。新增重点学科3个。\n扫一扫在手机打开当前页\n"
    )
    plan = parse_text(text)
    d = plan.document
    assert (d.title, d.district, d.year, d.kind) == (
        "2024年卫生健康工作计划",
        "南山",
        2024,
        "work_points",
    )
    titles = [b for b in plan.unassigned if b.role == "title"]
    assert [b.line_start for b in titles] == [5]
    assert len(plan.tasks) == 2
    assert coverage(plan)["coverage"] == 1.0


def test_an_information_table_with_values_on_their_own_lines():
    text = "发布机构：\n成都市武侯区卫生健康局\n成文日期：\n2025年3月5日\n2025年武侯区卫生健康工作要点\n一、基层\n1. 做实签约。扩面提质。\n2. 强化应急。配置AED。\n"
    plan = parse_text(text)
    assert plan.document.issuer == "成都市武侯区卫生健康局"
    assert plan.document.issue_date == "2025-03-05"
    assert [b.role for b in plan.unassigned[:2]] == ["info", "info"]
    assert coverage(plan)["coverage"] == 1.0


def test_without_a_header_district_year_and_kind_come_from_the_body_or_stay_unknown():
    body = "一、深化改革\n1. 推进集团建设。完善运行机制。\n2. 深化公立医院改革。推进绩效考核。\n"
    plan = parse_text(
        "2025年是“十四五”规划收官之年，区卫生健康工作坚持以人民为中心。\n"
        + body
        + "成都市武侯区卫生健康局\n2025年3月5日\n"
    )
    d = plan.document
    assert (d.title, d.district, d.year, d.kind) == (None, "武侯", 2025, "other")
    assert d.issue_date == "2025-03-05"
    plan = parse_text("2025年，武侯区卫生健康工作要突出重点。现将工作要点如下：\n" + body)
    d = plan.document
    assert (d.title, d.district, d.year, d.kind) == (None, "武侯", 2025, "work_points")
    plan = parse_text("全区卫生健康工作要突出重点。\n" + body)
    d = plan.document
    assert (d.title, d.district, d.year, d.kind) == (None, None, None, "other")


def test_a_parse_never_reads_the_file_name():
    text = "全区卫生健康工作要突出重点。\n一、改革\n1. 推进集团建设。完善运行机制。\n"
    plan = parse_text(text, source="nanshan_2024_work_points.txt")
    assert (plan.document.district, plan.document.year) == (None, None)


def test_place_names_of_other_provinces_counties_and_banners():
    cases = {
        "2025年浙江省湖州市吴兴区卫生健康工作要点": "吴兴",
        "深圳市南山区2024年卫生健康工作计划": "南山",
        "伊金霍洛旗卫生健康委员会2024年工作计划": "伊金霍洛",
        "2025年安吉县卫生健康工作要点": "安吉",
        "佛山市顺德区卫生健康事业发展“十四五”规划": "顺德",
    }
    for title, district in cases.items():
        plan = parse_text(f"{title}\n一、基层\n1. 做实签约。扩面提质。\n")
        assert plan.document.district == district, title
        assert plan.document.title == title


def test_control_characters_never_stay_in_titles_or_task_text():
    text = "2025年某某区卫生\x00健康工作要点\n一、基层\n1. 做实\x07家庭医生签约。扩面\x1b提质。\n"
    plan = parse_text(text)
    assert plan.document.title == "2025年某某区卫生健康工作要点"
    assert plan.tasks[0].title == "做实家庭医生签约"
    assert plan.tasks[0].text == "做实家庭医生签约。扩面提质。"
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


def test_numbering_of_any_width_continues_past_99():
    lines = ["2025年某某区卫生健康工作要点", "一、全部任务"]
    lines += [f"{n}{'.' if n % 2 else '、'}任务{n}。做好第{n}项工作。" for n in range(1, 103)]
    plan = parse_text("\n".join(lines) + "\n")
    assert [t.ordinal for t in plan.tasks] == list(range(1, 103))
    assert plan.tasks[-1].title == "任务102"
    assert coverage(plan)["coverage"] == 1.0


INLINE_ITEMS = """\
2025年武侯区卫生健康工作要点
一、深化医药卫生体制改革
以城市医疗集团为抓手，推动优质资源下沉。一是完善集团管理运行机制，推动人财物统一管理；二是推进检查检验结果互认；三是建立双向转诊绿色通道。
二、提升基层服务能力
一是推进社区卫生服务中心标准化建设，完成5家提升改造；二是做实家庭医生签约服务，重点人群
签约率达到80%以上；三是加强村卫生室建设。
同时，统筹推进基层人才队伍建设。
三、加强公共卫生
（一）完善疾控体系。一是健全监测预警机制；二是加强实验室能力建设。
（二）做好慢病管理。推进慢性病综合防控示范区建设。
"""


def test_inline_one_is_two_is_items_in_a_sections_paragraph_become_tasks():
    plan = parse_text(INLINE_ITEMS)
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("一是", "完善集团管理运行机制"),
        ("二是", "推进检查检验结果互认"),
        ("三是", "建立双向转诊绿色通道"),
        ("一是", "推进社区卫生服务中心标准化建设"),
        ("二是", "做实家庭医生签约服务"),
        ("三是", "加强村卫生室建设"),
        ("一是", "健全监测预警机制"),
        ("二是", "加强实验室能力建设"),
        ("（二）", "做好慢病管理"),
    ]
    t5 = plan.tasks[4]
    assert t5.text == "做实家庭医生签约服务，重点人群签约率达到80%以上；"
    assert (t5.line_start, t5.line_end) == (5, 6)
    assert plan.tasks[0].section_path == "一、深化医药卫生体制改革"
    assert plan.tasks[6].section_path == "三、加强公共卫生 › （一）完善疾控体系"
    texts = [b.text for b in plan.unassigned if b.kind == "section_text"]
    assert "以城市医疗集团为抓手，推动优质资源下沉。" in texts  # the lead-in
    assert "同时，统筹推进基层人才队伍建设。" in texts  # text after the items
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


def test_inline_points_under_an_arabic_numbered_task_stay_inside_it():
    text = (
        "2025年某某区卫生健康工作要点\n一、基层\n"
        "1. 做实家庭医生签约。一是扩大覆盖面；二是提升服务质量。\n"
        "2. 加强社区康复。建成康复中心3家。\n"
    )
    plan = parse_text(text)
    assert [t.title for t in plan.tasks] == ["做实家庭医生签约", "加强社区康复"]
    assert "二是提升服务质量" in plan.tasks[0].text


def test_inline_items_in_a_goals_part_are_never_tasks():
    text = (
        "2025年某某县卫生健康工作要点\n一、工作目标\n一是签约率达到80%；二是床位数达到6张。\n"
        "二、重点任务\n一是推进医共体建设，完善运行机制；二是加强基层能力。\n"
    )
    plan = parse_text(text)
    assert [t.title for t in plan.tasks] == ["推进医共体建设", "加强基层能力"]
    assert coverage(plan)["coverage"] == 1.0


@pytest.mark.parametrize(
    "goals",
    ["工作目标", "主要目标指标", "发展目标", "主要成效", "项目对象", "实施范围", "预期目标"],
)
def test_goals_targets_achievements_and_scope_items_are_never_tasks(goals):
    text = (
        f"2025年某某旗卫生健康工作要点\n一、{goals}\n1. 主引擎。全面提升。\n2. 示范旗。建成示范。\n"
        "二、加强基层\n3. 做实签约。扩面提质。\n4. 强化应急。配置AED。\n"
    )
    plan = parse_text(text)
    assert [t.title for t in plan.tasks] == ["做实签约", "强化应急"]
    assert [b.text[:2] for b in plan.unassigned if b.kind == "list_item"] == ["1.", "2."]


def test_a_heading_with_no_body_of_its_own_is_never_a_task():
    text = (
        "2025年某某区卫生健康工作要点\n一、到2025年打造区域发展的主要方向\n1. 主引擎\n2. 示范区\n"
        "二、加强基层\n1. 做实签约。扩面提质。\n2. 强化应急。配置AED。\n"
    )
    plan = parse_text(text)
    assert [t.title for t in plan.tasks] == ["做实签约", "强化应急"]
    assert {b.text for b in plan.unassigned if b.kind == "list_item"} == {"1.主引擎", "2.示范区"}
    assert coverage(plan)["coverage"] == 1.0


def _pdf(paragraphs: list[str], width: int = 34) -> str:
    lines = []
    for para in paragraphs:
        lines += [para[k : k + width] for k in range(0, len(para), width)]
    return "\n\n".join(lines) + "\n"


def test_a_pdf_heading_that_fills_the_line_and_wraps_is_one_heading():
    filler = "推进优质医疗资源扩容下沉和区域均衡布局，完善分级诊疗制度，提升基层服务能力，方便群众就近就医。"
    text = _pdf(
        [
            "2025年南海区医政医管工作要点",
            "（一）持续完善区域医疗服务体系，推动优质医疗资源扩容和区域均衡布局发展",
            "1.加快推进区域医疗中心和重点专科建设，提升危急重症救治能力和疑难病诊治水平",
            "　　" + filler * 3,
            "2.推进分级诊疗",
            "　　" + filler * 3,
            "（二）加强医疗质量安全管理",
            "3.落实医疗质量安全核心制度",
            "　　" + filler * 3,
        ]
    )
    plan = parse_text(text)
    assert [s.title for s in plan.sections] == [
        "持续完善区域医疗服务体系，推动优质医疗资源扩容和区域均衡布局发展",
        "加强医疗质量安全管理",
    ]
    assert (
        plan.tasks[0].title
        == "加快推进区域医疗中心和重点专科建设，提升危急重症救治能力和疑难病诊治水平"
    )
    assert [t.number for t in plan.tasks] == ["1.", "2.", "3."]
    assert not any(b.kind == "section_text" for b in plan.unassigned)
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


# --------------------------------------------------------------------------- held-out openings

OPENINGS = Path(__file__).parent / "fixtures" / "openings"


def _openings() -> list[tuple[str, dict]]:
    expected = json.loads((OPENINGS / "expected.json").read_text(encoding="utf-8"))
    return sorted(expected.items())


@pytest.mark.parametrize(("name", "expected"), _openings(), ids=[n for n, _ in _openings()])
def test_openings_of_plans_from_other_places_parse_to_their_expected_structure(name, expected):
    """Hand-written openings in layouts the seeds lack (portals, no header, 一是 inline, PDF)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoTasksWarning)
        plan = parse_plan(OPENINGS / name)
    fields = {k: v for k, v in expected.items() if k != "tasks"}
    assert {k: getattr(plan.document, k) for k in fields} == fields
    assert [t.title for t in plan.tasks] == expected["tasks"]
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


def test_an_ocr_misread_title_is_named_by_its_notice():
    text = (
        "关于印发《2025年某某区医政管理工作要点》的通知\n"
        "各医疗卫生单位：\n现将《2025年某某区医政管理工作要点》印发给你们。\n"
        "某某区卫生健康委员会\n2025年5月6日\n"
        "2025年某某区医政管理工作要操 2025年是\n"  # OCR: 点 read as 操, next line run in
        "一、医疗服务\n1. 优化资源配置。推进合作。\n2. 提升医疗质量。落实制度。\n"
    )
    doc = parse_text(text).document
    assert doc.title == "2025年某某区医政管理工作要点"
    assert (doc.kind, doc.year, doc.issue_date) == ("medical_admin_points", 2025, "2025-05-06")
    assert coverage(parse_text(text))["coverage"] == 1.0


def test_a_box_of_projects_is_set_aside_and_its_items_are_never_tasks():
    text = (
        "某某区卫生健康事业发展“十四五”规划\n"
        "第三章 主要任务\n"
        "一、构建公共卫生体系\n"
        "1. 完善疾病预防控制体系。加强区疾控中心建设。\n"
        "2. 健全应急医疗救治体系。完善发热门诊布局。\n"
        "专栏1 公共卫生重点项目\n"
        "1. 区疾控中心迁建工程\n"
        "2. 区传染病医院建设项目\n"
        "3. 提升基层服务能力。推进社区卫生服务中心标准化建设。\n"
        "二、强化医疗服务\n"
        "4. 推进区域医疗中心建设。加快新院区建设。\n"
    )
    plan = parse_text(text)
    assert [t.title for t in plan.tasks] == [
        "完善疾病预防控制体系",
        "健全应急医疗救治体系",
        "提升基层服务能力",
        "推进区域医疗中心建设",
    ]
    assert "迁建" not in plan.tasks[1].text
    boxes = [b for b in plan.unassigned if b.kind == "box"]
    assert len(boxes) == 1 and boxes[0].text.splitlines()[1:] == [
        "1.区疾控中心迁建工程",
        "2.区传染病医院建设项目",
    ]
    assert coverage(plan)["coverage"] == 1.0
