"""The parser on the genre at large: layouts, places and numberings the seeds lack.

Each fixture in ``tests/fixtures/genre`` is a short plan written for this test
in a layout none of the five seeds has (a city plan whose tasks open with a
lead sentence and carry 1. sub-points, a provincial five-year plan with
chapters, sections, 专栏 boxes and an indicator table, 【…】-led and bold-led
unnumbered tasks, 第一条 articles, PDF text with half-width numbering and
"- 3 -" page numbers, a notice with its plan attached, a plan named only by its
signature, four levels 一、›（一）›1.›（1）, （一） with bodies and sub-points in some
of them, 专栏 between tasks, ① measures inline, a past year's review before the year
ahead, 一是 part headings). ``expected.json`` holds what a reader finds in each
(and, where given, the lines of each task).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from compare.parse import NoTasksWarning, coverage, parse_plan, parse_text

GENRE = Path(__file__).parent / "fixtures" / "genre"
#: Plans as Word files, PDFs and portal pages in layouts plain text cannot show: task
#: tables, Word's automatic numbering, <strong>-led tasks (made by make_fixtures.py there),
#: and markdown task tables; pages saved as MHTML (Chrome, IE), a scan as a multi-page
#: TIFF, a red-head Word file with a text box, tracked changes and a footnote, and an OFD.
FORMATS_DIR = Path(__file__).parent / "fixtures" / "genre_formats"


def _expected(folder: Path = GENRE) -> list[tuple[str, dict]]:
    return sorted(json.loads((folder / "expected.json").read_text(encoding="utf-8")).items())


@pytest.mark.parametrize(("name", "expected"), _expected(), ids=[n for n, _ in _expected()])
def test_plans_in_layouts_the_seeds_lack_parse_to_what_a_reader_finds(name, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoTasksWarning)
        plan = parse_plan(GENRE / name)
    fields = {k: v for k, v in expected.items() if k not in ("sections", "tasks", "task_lines")}
    assert {k: getattr(plan.document, k) for k in fields} == fields
    assert [s.number + s.title for s in plan.sections] == expected["sections"]
    assert [t.number + t.title for t in plan.tasks] == expected["tasks"]
    lines = {t.number + t.title: [t.line_start, t.line_end] for t in plan.tasks}
    assert {k: lines[k] for k in expected.get("task_lines", {})} == expected.get("task_lines", {})
    # a running header sits inside a task's text: every character is accounted
    # for, but the units cannot spell the file in order
    in_order = not any(b.role == "header" for b in plan.unassigned)
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": float(in_order)}


def test_sub_points_of_tasks_that_open_with_a_lead_sentence_stay_inside_them():
    text = (
        "2024年某某市卫生健康工作要点\n"
        "一、深化改革\n"
        "（一）推进医联体建设。组建城市医疗集团。\n"
        "1.完善管理机制。\n2.推进结果互认。\n"
        "（二）深化公立医院改革。开展绩效考核。\n"
        "（三）改善就医体验。开展主题活动。\n"
        "1.推广预约诊疗。\n2.推进一站式服务。\n"
    )
    plan = parse_text(text)
    assert [t.number for t in plan.tasks] == ["（一）", "（二）", "（三）"]
    assert plan.tasks[0].text.endswith("1.完善管理机制。\n2.推进结果互认。")


def test_numbered_sub_points_that_are_themselves_led_tasks_stay_the_tasks():
    """Lead sentences at both levels: the deeper level is the task level, as before."""
    text = (
        "一、深化改革\n"
        "（一）推进医联体建设。组建城市医疗集团。\n"
        "1.完善管理机制。推行统一管理。\n2.推进结果互认。互认100项。\n"
        "（二）深化公立医院改革。开展绩效考核。\n"
        "3.推进薪酬改革。开展试点。\n4.加强绩效考核。强化运用。\n"
    )
    assert [t.number for t in parse_text(text).tasks] == ["1.", "2.", "3.", "4."]


def test_paragraphs_led_by_a_bracketed_or_bold_title_are_the_tasks_of_their_part():
    bracket = (
        "一、深化医改\n"
        "全区要持续用力。\n"
        "【推进医联体建设】组建城市医疗集团。\n"
        "【深化公立医院改革】开展绩效考核。\n完善考核机制。\n"
    )
    plan = parse_text(bracket)
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("", "推进医联体建设"),
        ("", "深化公立医院改革"),
    ]
    assert plan.tasks[1].text == "【深化公立医院改革】开展绩效考核。\n完善考核机制。"
    assert [b.text for b in plan.unassigned if b.kind == "section_text"] == ["全区要持续用力。"]
    bold = "## 一、深化医改\n\n**推进医联体建设。**组建集团。\n\n**深化公立医院改革。**一是考核；二是薪酬。\n"
    plan = parse_text(bold)
    assert [t.title for t in plan.tasks] == ["推进医联体建设", "深化公立医院改革"]
    assert "一是考核；二是薪酬" in plan.tasks[1].text  # inline points stay inside their task
    for p in (parse_text(bracket), plan):
        assert coverage(p)["coverage"] == 1.0


def test_a_single_bracketed_paragraph_is_no_list_of_tasks():
    plan = parse_text("一、深化医改\n【总体要求】全面推进改革。\n二、强化基层\n做实签约。\n")
    assert [t.number for t in plan.tasks] == ["一、", "二、"]


def test_boxes_with_sentence_items_and_indicator_tables_are_never_tasks():
    plan = parse_plan(GENRE / "hunan_province_fyp_2021.txt")
    boxes = [b.text.splitlines() for b in plan.unassigned if b.kind == "box"]
    assert [b[0] for b in boxes] == [
        "表1“十四五”时期卫生健康发展主要指标",
        "专栏1疾病预防控制能力提升工程",
        "专栏2医疗服务能力提升项目",
    ]
    assert all(len(b) == 3 for b in boxes[1:]) and len(boxes[0]) == 7
    assert not any("：" in t.text for t in plan.tasks)


def test_articles_under_a_safeguards_part_are_list_items_not_tasks():
    plan = parse_plan(GENRE / "zhenning_article_2025.txt")
    items = [b.text for b in plan.unassigned if b.kind == "list_item"]
    assert [i[:3] for i in items] == ["第五条", "第六条"]


def test_a_notice_names_district_and_date_only_in_its_signature():
    plan = parse_plan(GENRE / "kaifaqu_signed_2025.txt")
    closing = [b for b in plan.unassigned if b.kind == "closing"]
    assert [b.role for b in closing] == ["date"]
    assert (plan.document.district, plan.document.issue_date) == (
        "合肥经济技术开发区",
        "2025-01-22",
    )


def test_a_markdown_table_is_one_box_and_never_section_prose():
    plan = parse_plan(GENRE / "wuchang_table_2025.md")
    boxes = [b for b in plan.unassigned if b.kind == "box"]
    # header and two rows; the rule under the header and the pipes are markup
    assert (
        len(boxes) == 1 and boxes[0].text.splitlines()[1] == "1 人均预期寿命（岁） 81.5 81.8 预期性"
    )
    assert (boxes[0].line_start, boxes[0].line_end) == (7, 10)
    assert not any("|" in b.text for b in plan.unassigned)


def test_a_markdown_task_table_gives_a_task_per_row_citing_its_line():
    path = FORMATS_DIR / "jiangbei_md_task_table_2024.md"
    plan = parse_plan(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    for t in plan.tasks:
        assert t.line_start == t.line_end and lines[t.line_start - 1].startswith(f"| {t.number} |")
    assert plan.tasks[2].text == "推进社区医院建设\n基层卫生健康科 2024年10月底"
    assert plan.tasks[0].text.startswith(
        "推进紧密型城市医疗集团建设。以区人民医院"
    )  # bold marks out
    assert [b.kind for b in plan.unassigned if b.kind == "box"] == ["box"]  # the indicator table


def test_a_qualifier_under_the_title_is_metadata_and_dates_the_plan():
    text = "2024年某某县卫生健康工作要点\n（征求意见稿）\n一、医疗\n1.建设医院。完成主体。\n"
    plan = parse_text(text)
    assert [(b.role, b.text) for b in plan.unassigned if b.kind == "metadata"][1] == (
        "subtitle",
        "（征求意见稿）",
    )
    assert plan.document.issue_date is None
    plan = parse_plan(GENRE / "qingjiangpu_subtitle_2024.txt")
    assert not [b for b in plan.unassigned if b.kind == "intro"]


def test_a_table_of_contents_is_set_aside_and_gives_no_sections():
    plan = parse_plan(GENRE / "beihu_toc_fyp_2021.txt")
    toc = [b for b in plan.unassigned if b.role == "toc"]
    assert len(toc) == 1 and toc[0].text.splitlines()[0] == "目录"
    assert not any("…" in s.title for s in plan.sections)
    assert [s.number for s in plan.sections].count("第一章") == 1


def test_a_running_header_is_metadata_and_never_in_a_tasks_text():
    plan = parse_plan(GENRE / "yinzhou_running_header_2024.txt")
    assert [b.role for b in plan.unassigned if b.kind == "metadata"] == ["title", "header"]
    assert "工作要点" not in plan.tasks[1].text
    assert plan.tasks[1].text.endswith("调动医务人员积极性和主动性，持续提升公立医院运行效率。")


@pytest.mark.parametrize(
    ("title", "district", "year", "period", "kind"),
    [
        ("龙岗区2024年卫生健康重点工作任务", "龙岗", 2024, None, "work_points"),
        ("2024年卫生健康工作思路", None, 2024, None, "work_points"),
        ("2024年度大兴区卫生健康工作要点", "大兴", 2024, None, "work_points"),
        ("2024年鼓楼区卫生健康工作重点", "鼓楼", 2024, None, "work_points"),
        ("江宁区卫生健康事业发展规划（2021—2025年）", "江宁", None, (2021, 2025), "five_year_plan"),
        ("新都区卫生健康事业发展第十四个五年规划", "新都", None, (2021, 2025), "five_year_plan"),
        ("西湖区卫生健康事业发展“十五五”规划", "西湖", None, (2026, 2030), "five_year_plan"),
        ("二〇二四年汉阳区卫生健康工作要点", "汉阳", 2024, None, "work_points"),
        ("2024年某某区卫生健康事业发展实施方案", "某某", 2024, None, "other"),
    ],
)
def test_titles_of_the_genre_name_place_year_and_kind(title, district, year, period, kind):
    doc = parse_text(title + "\n一、深化改革\n1.推进医联体建设。组建集团。\n").document
    assert doc.title == title
    got = (doc.period_start, doc.period_end) if doc.period_start else None
    assert (doc.district, doc.year, got, doc.kind) == (district, year, period, kind)


def test_a_section_without_items_written_as_a_task_is_a_task_of_its_own():
    text = (
        "一、深化医改\n"
        "（一）推进医联体建设\n1.完善管理机制。推行统一管理。\n2.推进结果互认。互认100项。\n"
        "（二）深化公立医院改革。开展绩效考核，推动薪酬制度改革。\n"
        "（三）加强基层建设\n3.推进社区医院建设。新增2家。\n4.做实家庭医生签约。签约率80%。\n"
        "二、保障措施\n（四）加强组织领导。压实责任。\n"
    )
    plan = parse_text(text)
    assert [t.number for t in plan.tasks] == ["1.", "2.", "（二）", "3.", "4."]
    assert plan.tasks[2].section_path == "一、深化医改"
    assert [s.number for s in plan.sections] == ["一、", "（一）", "（三）", "二、", "（四）"]
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}


FORMATS = [("pdf", "gov"), ("pdf", "report"), ("docx", "styles"), ("docx", "bold_runs")]
FORMATS += [("html", "portal_gbk"), ("html", "portal_utf8")]


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "layout"), FORMATS)
def test_every_genre_plan_keeps_its_tasks_as_pdf_word_or_portal_page(fmt, layout, tmp_path):
    """Each fixture made into PDF, Word and portal pages by ``tests/docgen.py`` keeps its tasks.

    (Metadata is not compared: docgen reads some of these layouts its own way,
    e.g. it runs a title and the line under it into one paragraph, and gives a
    portal page without an issuer a Songjiang 发布机构.)
    """
    import docgen
    from compare.extract import extract_bytes

    assert {f for f, _ in FORMATS} == {"pdf", "docx", "html"}
    assert set(FORMATS) <= {(f, lay) for f in ("pdf", "docx", "html") for lay in docgen.LAYOUTS[f]}
    for name, _ in _expected():
        text = (GENRE / name).read_text(encoding="utf-8")
        path = tmp_path / f"{Path(name).stem}.{fmt}"
        getattr(docgen, f"make_{fmt}")(text, path, layout=layout)
        ex = extract_bytes(path.read_bytes(), name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NoTasksWarning)
            plan = parse_text(ex.text, meta=ex.meta)
            ref = parse_text(text)
        assert [t.number + t.title for t in plan.tasks] == [
            t.number + t.title for t in ref.tasks
        ], name
        assert plan.coverage == pytest.approx(1.0), name


def test_paragraphs_led_by_a_short_sentence_are_tasks_only_under_a_bare_heading():
    """A PDF loses the bold of bold-led paragraphs; their short first sentence remains."""
    lost_bold = (
        "一、优化医疗资源布局\n"
        "加快重大项目建设。推进市第一人民医院新院区建设，年内完成主体结构封顶。\n"
        "提升县域医疗服务能力。支持市第一人民医院创建三级综合医院。\n"
    )
    assert [t.title for t in parse_text(lost_bold).tasks] == [
        "加快重大项目建设",
        "提升县域医疗服务能力",
    ]
    task = (
        "一、医疗\n（一）推进医联体建设。组建集团，推进统一管理。\n"
        "完善运行机制。推动人财物统一管理和资源共享。\n"
        "强化考核评价。建立以健康结果为导向的考核机制。\n"
        "（二）深化公立医院改革。开展绩效考核。\n"
    )
    assert [t.number for t in parse_text(task).tasks] == ["（一）", "（二）"]


def test_a_title_wrapped_before_its_last_characters_is_one_title():
    for text in (
        "郴州市北湖区“十四五”卫生健康事业发展规\n划\n一、任务\n1.建设医院。完成主体。\n",
        "东营区卫生健康局2023年工作总结和2024年工\n作计划\n一、任务\n1.建设医院。完成主体。\n",
    ):
        doc = parse_text(text).document
        assert doc.title == "".join(text.split("\n")[:2])


def test_unnumbered_markdown_headings_are_sections_and_never_task_text():
    plan = parse_plan(GENRE / "yuhang_md_headings_2025.md")
    assert [(s.number, s.title) for s in plan.sections] == [
        ("", "深化医药卫生体制改革"),
        ("", "提升公共卫生服务能力"),
    ]
    assert not any("提升公共卫生服务能力" in t.text for t in plan.tasks)


def test_a_section_without_items_but_with_text_of_its_own_keeps_it_as_a_task():
    text = (
        "一、深化改革\n（一）推进医联体建设\n以区医院为龙头组建集团，推动统一管理。\n"
        "1.完善管理机制。\n2.推进结果互认。\n"
        "（二）深化公立医院改革\n开展绩效考核，推进薪酬制度改革。\n"
        "（三）加强基层建设\n1.新增社区医院2家。\n2.做实签约服务。\n"
    )
    plan = parse_text(text)
    assert [t.number for t in plan.tasks] == ["1.", "2.", "（二）", "1.", "2."]
    assert plan.tasks[2].title == "深化公立医院改革"
    assert plan.tasks[2].text.endswith("开展绩效考核，推进薪酬制度改革。")


@pytest.mark.parametrize(
    ("name", "expected"), _expected(FORMATS_DIR), ids=[n for n, _ in _expected(FORMATS_DIR)]
)
def test_word_pdf_and_portal_layouts_parse_to_what_a_reader_finds(name, expected):
    plan = parse_plan(FORMATS_DIR / name)
    fields = {k: v for k, v in expected.items() if k not in ("sections", "tasks", "task_lines")}
    assert {k: getattr(plan.document, k) for k in fields} == fields
    assert [s.number + s.title for s in plan.sections] == expected["sections"]
    assert [t.number + t.title for t in plan.tasks] == expected["tasks"]
    lines = {t.number + t.title: [t.line_start, t.line_end] for t in plan.tasks}
    assert {k: lines[k] for k in expected.get("task_lines", {})} == expected.get("task_lines", {})
    assert plan.coverage == 1.0


def test_a_task_tables_other_columns_stay_with_their_task():
    word = parse_plan(FORMATS_DIR / "jinwan_task_table_2024.docx")
    assert word.tasks[0].text.endswith(
        "（责任单位：医政医管科、区人民医院；完成时限：2024年12月底）"
    )
    assert [t.section_path for t in word.tasks[:3]] == [
        "深化医药卫生体制改革",
        "深化医药卫生体制改革",
        "提升基层服务能力",
    ]  # the area column, merged down over its rows, heads them
    pdf = parse_plan(FORMATS_DIR / "doumen_task_table_pdf_2024.pdf")
    assert pdf.tasks[0].text.startswith("推进紧密型城市医疗集团建设。以区人民医院为牵头单位")
    # the units and the deadline, recognised as such, are paragraphs of their own
    assert pdf.tasks[0].text.endswith("全覆盖。\n医政医管科、区人民医院\n2024年12月底")
    assert pdf.tasks[1].text.endswith("负责制。\n体制改革科2024年12月底")  # one line
    assert "珠海市斗门区卫生健康局" not in pdf.tasks[-1].text
    narrow = parse_plan(FORMATS_DIR / "xiangzhou_task_table_narrow_pdf_2024.pdf")
    assert narrow.tasks[4].text == (  # a name without a full stop ends with its cell
        "加强疾病预防控制体系建设\n推进区疾控中心标准化建设，提升实验室检测能力。"
        "\n疾病预防控制科2024年11月底"
    )


def test_a_task_table_header_in_text_without_rows_is_no_table():
    text = (
        "2024年某某区卫生健康重点工作任务\n序号 工作任务 责任单位 完成时限\n"
        "一、深化医改\n1.推进医联体建设。组建集团。\n2.深化公立医院改革。开展考核。\n"
    )
    plan = parse_text(text)
    assert [t.number for t in plan.tasks] == ["1.", "2."]
    assert coverage(plan)["coverage"] == 1.0


def test_a_task_tables_header_broken_over_lines_and_its_cells_in_pdf_text():
    text = (
        "序\n号\n重点任务工作措施牵头单位完成时限\n"
        "1 推进社区医院\n建设\n新增社区医院2家，完成3家卫生\n院提档升级。\n基层卫生健康\n科\n2024 年\n10 月底\n"
        "2 做实家庭医生\n签约服务\n重点人群签约率达到80%以\n上。\n基层卫生健康科 全年\n"
    )
    plan = parse_text(text)
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("1", "推进社区医院建设"),
        ("2", "做实家庭医生签约服务"),
    ]
    assert plan.tasks[0].text == (
        "推进社区医院建设\n新增社区医院2家，完成3家卫生院提档升级。\n基层卫生健康科\n2024年10月底"
    )
    assert plan.tasks[1].text.endswith("上。\n基层卫生健康科全年")
    # without the 号 a 序 line opens no table
    with pytest.warns(NoTasksWarning):
        assert parse_text(text.replace("号\n", "", 1)).tasks == []


def test_a_plan_without_headings_takes_its_inline_items_only_when_it_lists_three():
    plan = parse_plan(GENRE / "bishan_inline_only_2024.txt")
    assert [b.text[-10:] for b in plan.unassigned if b.kind == "intro"] == ["。重点抓好以下工作："]
    assert plan.tasks[-1].text.endswith("培训全科医生50名。")
    two = "2024年某某区卫生健康工作要点\n今年要做好两项工作：一是扩面，推进签约；二是提质，做实服务。\n"
    with pytest.warns(NoTasksWarning):
        assert parse_text(two).tasks == []


def test_an_article_saved_from_a_wechat_account_ends_before_its_credits():
    from compare.extract import extract_bytes

    path = FORMATS_DIR / "qijiang_wechat_article_2024.html"
    ex = extract_bytes(path.read_bytes(), path.name)
    assert ex.meta["publish_date"] == "2024-03-05"
    credits = {"来源：区卫生健康委", "编辑：张三", "审核：李四", "长按识别二维码关注我们"}
    assert credits <= set(ex.furniture)
    plan = parse_plan(path)
    assert plan.tasks[-1].text.endswith("提高签约服务质量。")


def test_a_bare_title_on_its_own_line_is_the_first_paragraph_of_its_task():
    plan = parse_plan(GENRE / "yuzhong_fyp_jie_prose_2021.txt")
    first = [t.text.split("\n")[0] for t in plan.tasks]
    assert first == ["构建强大公共卫生体系", "提升医疗服务水平", "夯实基层服务网底"]
    boxes = [b.text.splitlines()[0] for b in plan.unassigned if b.kind == "box"]
    assert boxes == ["专栏1公共卫生能力提升工程", "专栏2医疗服务能力提升项目"]
    # a title that runs on into its sentence on the next line is not cut
    wrapped = parse_text(
        "一、医疗\n1.推进医联体建设，以区医院为龙头，\n组建医疗集团。\n2.做实签约。签约。\n"
    )
    assert wrapped.tasks[0].text == "推进医联体建设，以区医院为龙头，组建医疗集团。"


def test_a_table_row_does_not_start_at_a_figure_that_opens_a_wrapped_line():
    text = (
        "序号 工作任务 责任单位 完成时限\n"
        "1 推进社区医院建设。新增社区医院\n2 家，完成提档升级。\n基层科 2024年\n"
        "2 做实家庭医生签约。签约率达到\n80%。\n基层科 2024年\n"
    )
    plan = parse_text(text)
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("1", "推进社区医院建设"),
        ("2", "做实家庭医生签约"),
    ]


def test_a_reports_signer_and_contact_line_stay_out_of_its_number_and_tasks():
    plan = parse_plan(GENRE / "jiading_report_signer_2024.txt")
    assert plan.document.doc_number == "嘉卫〔2024〕15号"
    assert plan.tasks[-1].text.endswith("重点人群签约率达到80%以上。")
    closing = [b.text for b in plan.unassigned if b.kind == "closing"]
    assert closing[0] == "（联系人：李华，电话：69989999）"


def test_items_that_carry_their_own_body_keep_their_restarted_sub_points_inside():
    """（一）推进X。以……。 then 1. 2. restarting under each: the （一） are the tasks, also
    where the sub-points are led themselves and some （一） have none (one level per plan)."""
    text = (
        "一、深化改革\n"
        "（一）推进医共体建设。以县强乡活为目标，推动资源整合。\n"
        "1.完善管理体制。推行人财物统一管理。\n2.健全运行机制。推动打包支付。\n"
        "（二）深化公立医院改革。开展绩效考核，推进薪酬改革。\n"
        "二、强化基层\n"
        "（三）加强卫生院建设。新创建社区医院2家。\n"
        "1.补齐设备短板。配置设备20台。\n2.强化人才支撑。招聘30名。\n"
    )
    plan = parse_text(text)
    assert [t.number for t in plan.tasks] == ["（一）", "（二）", "（三）"]
    assert plan.tasks[0].text.endswith(
        "1.完善管理体制。推行人财物统一管理。\n2.健全运行机制。推动打包支付。"
    )
    assert coverage(plan) == {"coverage": 1.0, "invented": 0.0, "exact": 1.0}
    # the plan numbering the sub-points on across its items (1. 2. | 3. 4.) counts them as tasks
    counted = text.replace("1.补齐", "3.补齐").replace("2.强化人才", "4.强化人才")
    assert [t.number for t in parse_text(counted).tasks] == ["1.", "2.", "（二）", "3.", "4."]
    # where every （一） has led sub-points, these run across the task part: they are the tasks
    every = text.replace(
        "开展绩效考核，推进薪酬改革。\n", "开展绩效考核。\n1.推进薪酬改革。开展试点。\n"
    )
    assert [t.number for t in parse_text(every).tasks] == ["1.", "2.", "1.", "1.", "2."]
    # a part's opening paragraph is no body of a task: its （一） stay the tasks
    part = (
        "一、2025年工作思路\n2025年，我们将重点做好以下工作。\n"
        "（一）推进医共体建设。推动资源整合。\n（二）深化公立医院改革。开展绩效考核。\n"
    )
    assert [t.number for t in parse_text(part).tasks] == ["（一）", "（二）"]


def test_one_is_two_is_heading_parts_rank_above_their_numbered_tasks():
    plan = parse_plan(GENRE / "pengjiang_yishi_sections_2024.txt")
    assert {s.level for s in plan.sections} == {1}
    assert plan.tasks[2].section_path == "二是着力提升基层服务能力"
    # as points on lines of their own inside a task, or as an opening list, they stay below
    inside = "一、深化改革\n1.推进医联体建设。\n一是组建集团\n二是统一管理\n2.深化公立医院改革。开展考核。\n"
    assert [t.number for t in parse_text(inside).tasks] == ["1.", "2."]
    opening = (
        "全年重点：\n一是深化改革；\n二是强化基层。\n一、深化改革\n1.推进医联体建设。组建集团。\n"
    )
    assert [t.number for t in parse_text(opening).tasks] == ["1."]


@pytest.mark.parametrize(
    ("title", "context", "tasks"),
    [
        ("2024年主要工作及成效", True, False),
        ("过去一年工作回顾", True, False),
        ("2024年工作亮点", True, False),
        ("今年以来工作开展情况", True, False),
        ("2025年工作思路", False, True),
        ("下一步工作打算", False, True),
        ("2025年工作安排", False, True),
        ("2024年重点工作", False, True),
        ("工作思路", True, False),  # a plan's approach, no year: context as before
        ("2025年工作目标", True, False),
    ],
)
def test_a_summary_and_plan_reviews_one_year_and_plans_the_next(title, context, tasks):
    from compare.parse import _is_context_part, _is_task_part

    assert (_is_context_part(title), _is_task_part(title)) == (context, tasks)
