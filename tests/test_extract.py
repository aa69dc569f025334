"""Tests of compare.extract: every format in, one line-numbered text out."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from compare import extract
from compare.exceptions import PlanInputError
from compare.extract import Extracted, detect_format, extract_bytes, extract_cached
from compare.parse import parse_text

FORMATS = Path(__file__).parent / "fixtures" / "genre_formats"

PLAN = """2025年某某区卫生健康工作要点
一、深化医药卫生体制改革
1. 推进紧密型医联体建设。完善区域医疗中心布局，推动优质资源下沉。
2. 深化公立医院改革。落实绩效考核，建立现代医院管理制度。
二、提升公共卫生服务能力
3. 加强疾病预防控制。完善传染病监测预警体系，提高应急处置能力。
4. 做实家庭医生签约服务。重点人群签约率达到75%以上。
"""


def _pdf(pages: list[list[str]], **kw) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, **kw)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(60, 780 - 18 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def _zip(files: dict[str, str]) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def _docx(build) -> bytes:  # noqa: ANN001 - a function of a Document
    import docx

    doc = docx.Document()
    build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_format_is_read_from_content_not_name():
    assert detect_format(_pdf([["一、总则"]])) == "pdf"
    assert detect_format(_docx(lambda d: d.add_paragraph("一、总则"))) == "docx"
    assert detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == "doc"
    assert detect_format(b"<html><body><p>x</p></body></html>") == "html"
    assert detect_format(PLAN.encode("gb18030")) == "text"


def test_plain_text_keeps_lines_and_drops_control_characters():
    filler = "说明。" * 3000  # past the first 8 KB, where binary files are told apart
    ex = extract_bytes(f"一、总则\n1. 做好\x07工作。\n{filler}\n2. 加强\x00管理。\n".encode())
    lines = ex.text.split("\n")
    assert ex.format == "text" and lines[1] == "1. 做好工作。" and lines[3] == "2. 加强管理。"
    assert ex.pages == ()


def test_pdf_lines_carry_their_page_and_running_headers_are_set_aside():
    body = [x for x in PLAN.splitlines() if x]
    pages = [
        ["某某区卫生健康工作要点（内部）", *body[i : i + 3], f"— {n} —"]
        for n, i in enumerate((0, 3, 6), 1)
    ]
    ex = extract_bytes(_pdf(pages), "plan.pdf")
    assert ex.format == "pdf" and ex.n_pages == 3
    lines = ex.text.split("\n")
    assert len(ex.pages) == len(lines)
    assert (
        ex.page_of(lines.index("2. 深化公立医院改革。落实绩效考核，建立现代医院管理制度。") + 1)
        == 2
    )
    # repeated at the top of every page: set aside (and counted) on pages 2 and 3; on
    # page 1 a line like it may be the plan's own title, so there it stays
    assert lines.count("某某区卫生健康工作要点（内部）") == 1
    assert ex.furniture.count("某某区卫生健康工作要点（内部）") == 2
    plan = parse_text(ex.text)
    assert [t.title for t in plan.tasks] == [
        "推进紧密型医联体建设",
        "深化公立医院改革",
        "加强疾病预防控制",
        "做实家庭医生签约服务",
    ]


def test_docx_bold_runs_become_titles_and_tables_are_read():
    def build(doc):  # noqa: ANN001
        doc.add_paragraph("2025年某某区卫生健康工作要点", style="Title")
        doc.add_paragraph("一、深化医药卫生体制改革", style="Heading 1")
        for n, (title, body) in enumerate(
            [
                ("推进紧密型医联体建设。", "完善区域医疗中心布局。"),
                ("深化公立医院改革。", "落实绩效考核。"),
            ],
            1,
        ):
            p = doc.add_paragraph()
            p.add_run(f"{n}. {title}").bold = True
            p.add_run(body)
        table = doc.add_table(rows=2, cols=1)
        table.cell(0, 0).text = "某某区卫生健康委员会"
        table.cell(1, 0).text = "2025年3月20日"

    ex = extract_bytes(_docx(build), "plan.docx")
    assert ex.format == "docx"
    assert "**1. 推进紧密型医联体建设。**完善区域医疗中心布局。" in ex.text.split("\n")
    plan = parse_text(ex.text)
    assert [t.title for t in plan.tasks] == ["推进紧密型医联体建设", "深化公立医院改革"]
    assert plan.document.issue_date == "2025-03-20"
    assert plan.document.title == "2025年某某区卫生健康工作要点"


PORTAL = """<!DOCTYPE html><html><head><meta charset="gbk">
<meta name="Keywords" content="卫生,健康,要点"><title>2025年某某区卫生健康工作要点_某某区人民政府</title></head>
<body><div class="header"><ul class="nav"><li>首页</li><li>政务公开</li><li>政务服务</li><li>互动交流</li></ul></div>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 计划总结</div>
<table class="xxgk-info"><tr><td>索引号：</td><td>11310117002459-2025-00123</td><td>发布机构：</td><td>某某区卫生健康委员会</td></tr>
<tr><td>文号：</td><td>某卫健发〔2025〕12号</td><td>成文日期：</td><td>2025-03-18</td></tr>
<tr><td>发布日期：</td><td>2025年03月20日</td></tr></table>
<h1>2025年某某区卫生健康工作要点</h1>
<div class="TRS_Editor">{body}</div>
<div class="share">分享到：微信 微博 【打印本页】【关闭窗口】</div>
<div class="related"><h3>相关链接</h3><ul><li>某某区召开卫生健康工作会议部署全年任务</li><li>区卫健委开展义诊活动服务群众健康</li></ul></div>
<div class="footer">版权所有：某某区人民政府 网站标识码3101170001 沪ICP备12345678号</div>
</body></html>"""


def test_portal_page_gives_plan_text_and_its_info_table_only():
    body = "".join(f"<p>{x}</p>" for x in PLAN.splitlines()[1:] if x)
    ex = extract_bytes(PORTAL.replace("{body}", body).encode("gbk"), "page.html")
    assert ex.format == "html" and ex.encoding == "gb18030"
    lines = ex.text.split("\n")
    assert lines[0] == "2025年某某区卫生健康工作要点"
    for chrome in ("当前位置", "打印", "相关链接", "ICP", "政务服务", "义诊", "索引号"):
        assert chrome not in ex.text, chrome
    assert ex.meta["doc_number"] == "某卫健发〔2025〕12号"
    assert ex.meta["issue_date"] == "2025-03-18"
    assert ex.meta["publish_date"] == "2025-03-20"
    assert ex.meta["issuer"] == "某某区卫生健康委员会"
    plan = parse_text(ex.text, meta=ex.meta)
    assert len(plan.tasks) == 4
    assert plan.document.doc_number == "某卫健发〔2025〕12号"
    assert plan.document.district == "某某"


def test_traditional_chinese_is_read_and_the_original_kept():
    import opencc

    trad = opencc.OpenCC("s2t").convert(PLAN)
    ex = extract_bytes(trad.encode("utf-8"), "trad.txt")
    assert ex.original and ex.original[1] == trad.split("\n")[1]
    assert "深化医药卫生体制改革" in ex.text
    assert len(parse_text(ex.text).tasks) == 4
    big5 = extract_bytes(trad.encode("big5", errors="replace"), "big5.txt")
    assert "深化医药卫生体制改革" in big5.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_pdf([["一、总则"]], encrypt="secret"), "encrypted PDF"),
        (b"PK\x03\x04" + b"\0" * 200, "damaged Word file"),
        (  # an OFD download cut short: no zip directory, its parts named in local headers
            (Path(__file__).parent / "fixtures/genre_formats/keqiao_gazette_2025.ofd").read_bytes()[
                :1500
            ],
            "damaged OFD file",
        ),
        (
            "<html><body><div class='nav'>首页 政务公开</div><p>Hello</p></body></html>".encode(),
            "no plan text",
        ),
        (b"%PDF-1.4\n garbage", "damaged PDF"),
        (
            b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\n"
            b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n",
            "saved web page (MHTML) without an HTML part",
        ),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "damaged PNG image"),
        (b"\0\0\0\x18ftypheic" + b"\0" * 40, "HEIC photo"),
        (_zip({"OFD.xml": "<ofd:OFD xmlns:ofd='x'/>"}), "damaged OFD file (OFD.xml names no"),
        (_zip({"notes.txt": "一、总则"}), "zip archive holding neither a Word document nor an OFD"),
        (_zip({"[Content_Types].xml": "", "xl/workbook.xml": ""}), "Excel or PowerPoint file"),
    ],
    ids=[
        "encrypted-pdf",
        "corrupt-docx",
        "cut-ofd",
        "html-without-plan",
        "broken-pdf",
        "mhtml-without-page",
        "broken-png",
        "heic",
        "ofd-without-document",
        "other-zip",
        "excel",
    ],  # fmt: skip
)
def test_bad_documents_get_one_line_naming_the_file(data, reason):
    with pytest.raises(PlanInputError) as err:
        extract_bytes(data, "data/raw/bad.bin")
    msg = str(err.value)
    assert msg.startswith("data/raw/bad.bin: ") and reason in msg and "\n" not in msg


def test_image_only_pdf_without_ocr_engine_says_what_to_install(monkeypatch):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.rect(100, 100, 300, 300, fill=1)
    c.showPage()
    c.save()
    monkeypatch.setattr(extract, "_tesseract_ready", lambda: "no OCR engine: install tesseract-ocr")
    with pytest.raises(PlanInputError, match="scanned PDF .*no OCR engine"):
        extract_bytes(buf.getvalue(), "scan.pdf")


def test_overlong_pdf_is_refused(monkeypatch):
    monkeypatch.setattr(extract, "MAX_PDF_PAGES", 2)
    with pytest.raises(PlanInputError, match="PDF of 3 pages, over the limit of 2"):
        extract_bytes(_pdf([["一"], ["二"], ["三"]]), "long.pdf")


def test_cache_round_trips_and_is_keyed_by_content(tmp_path):
    data = _pdf([[x for x in PLAN.splitlines() if x]])
    first = extract_cached(data, "a.pdf", tmp_path)
    files = list(tmp_path.rglob("*.json"))
    assert len(files) == 1 and extract.EXTRACT_VERSION in files[0].name
    again = extract_cached(data, "other-name.pdf", tmp_path)
    assert again == first
    assert Extracted.from_json(first.to_json()) == first


def test_the_cache_reads_each_files_format_once_and_never_caches_plain_text(tmp_path, monkeypatch):
    seen = []
    detect = extract.detect_format
    monkeypatch.setattr(extract, "detect_format", lambda data: seen.append(1) or detect(data))
    pdf = extract_cached(_pdf([[x for x in PLAN.splitlines() if x]]), "a.pdf", tmp_path)
    text = extract_cached(PLAN.encode("gb18030"), "a.txt", tmp_path)
    assert (pdf.format, text.format, len(seen)) == ("pdf", "text", 2)
    assert len(list(tmp_path.rglob("*.json"))) == 1


def test_an_old_table_layout_portal_with_br_paragraphs_and_spaced_labels():
    """Layout tables, <br>-separated paragraphs in one <p>, a th/td info table with
    spaced labels (索 引 号), a site name as <title>, charset in http-equiv."""
    body = "<br>".join(
        [
            "2024年某某县卫生健康工作计划",
            "　　2024年是实施“十四五”规划的关键之年。全县卫生健康工作要坚持以人民健康为中心。",
            "　　一、深化医药卫生体制改革",
            "　　1.推进县域医共体建设。完善医共体运行机制，提升县域就诊率。",
            "　　2.深化公立医院改革。落实党委领导下的院长负责制，推进薪酬制度改革。",
            "　　二、提升公共卫生服务水平",
            "　　3.加强重大传染病防控。完善监测预警体系，提高应急处置能力。",
            "　　4.做实基本公共卫生服务。规范健康档案管理，提升慢病管理率。",
            "　　　　　　　　　　　　　某某县卫生健康局",
            "　　　　　　　　　　　　　2024年2月5日",
        ]
    )
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>某某县人民政府</title></head>
    <body><table width=100%><tr><td><a href=/>网站首页</a> | <a>政务公开</a> | <a>办事服务</a> | <a>互动交流</a></td></tr></table>
    <table width=980><tr><td width=200 valign=top><ul><li><a>通知公告</a></li><li><a>部门动态</a></li><li><a>乡镇动态</a></li><li><a>县长信箱在线回复</a></li></ul></td>
    <td valign=top><table class=xxgk><tr><th>索 引 号：</th><td>001234-2024-00015</td><th>发布机构：</th><td>某某县卫生健康局</td></tr>
    <tr><th>文　　号：</th><td>某卫发〔2024〕3号</td><th>成文日期：</th><td>2024-02-05</td></tr></table>
    <div id=zoom><p>{body}</p></div>
    <div>【<a href=javascript:window.print()>打印</a>】【<a href=javascript:window.close()>关闭</a>】</div></td></tr></table>
    <div align=center>主办：某某县人民政府办公室 ICP备案号：苏ICP备12345678号-1</div></body></html>"""
    ex = extract_bytes(page.encode("gb18030"), "p.html")
    lines = ex.text.split("\n")
    assert lines[0] == "2024年某某县卫生健康工作计划"  # not the site name in <title>
    assert not any(x in ex.text for x in ("政务公开", "县长信箱", "打印", "ICP", "索引号"))
    assert ex.meta["doc_number"] == "某卫发〔2024〕3号" and ex.meta["issue_date"] == "2024-02-05"
    plan = parse_text(ex.text, meta=ex.meta)
    assert [t.title for t in plan.tasks] == [
        "推进县域医共体建设",
        "深化公立医院改革",
        "加强重大传染病防控",
        "做实基本公共卫生服务",
    ]
    assert (plan.document.district, plan.document.year, plan.document.issuer) == (
        "某某",
        2024,
        "某某县卫生健康局",
    )


def _numbered_docx() -> bytes:
    """A plan whose 一、 and 1. are Word's automatic numbering, not typed text."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def build(doc):  # noqa: ANN001
        numbering = doc.part.numbering_part.element
        numbering.insert(
            0,
            parse_xml(
                f'<w:abstractNum {w} w:abstractNumId="90">'
                '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                '<w:lvlText w:val="%1、"/></w:lvl>'
                '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
                '<w:lvlText w:val="%2."/></w:lvl></w:abstractNum>'
            ),
        )
        numbering.append(
            parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
        )

        def numbered(text: str, level: int) -> None:
            p = doc.add_paragraph(text)
            p._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
            )

        doc.add_paragraph("2025年某某区卫生健康工作要点", style="Title")
        numbered("深化医药卫生体制改革", 0)
        numbered("推进紧密型医联体建设。完善区域医疗中心布局。", 1)
        numbered("深化公立医院改革。落实绩效考核。", 1)
        numbered("提升公共卫生服务能力", 0)
        numbered("加强疾病预防控制。完善监测预警体系。", 1)

    return _docx(build)


def test_word_automatic_numbering_is_put_back_before_the_text():
    ex = extract_bytes(_numbered_docx(), "auto.docx")
    lines = [x for x in ex.text.split("\n") if x]
    assert lines[1:4] == [
        "一、深化医药卫生体制改革",
        "1.推进紧密型医联体建设。完善区域医疗中心布局。",
        "2.深化公立医院改革。落实绩效考核。",
    ]
    assert lines[4:6] == ["二、提升公共卫生服务能力", "1.加强疾病预防控制。完善监测预警体系。"]
    plan = parse_text(ex.text)
    assert [(s.number, s.title) for s in plan.sections] == [
        ("一、", "深化医药卫生体制改革"),
        ("二、", "提升公共卫生服务能力"),
    ]
    assert [t.title for t in plan.tasks] == [
        "推进紧密型医联体建设",
        "深化公立医院改革",
        "加强疾病预防控制",
    ]


def test_every_cell_of_a_word_table_is_read_once():
    """Merged cells repeat in python-docx's rows; the others must all be read (an id of a
    freed cell proxy is reused, so comparing ids dropped cells)."""

    def build(doc):  # noqa: ANN001
        doc.add_paragraph("2025年某某区卫生健康工作要点")
        t = doc.add_table(rows=4, cols=3)
        cells = [["指标", "2024年", "属性"], ["人均预期寿命", "81.5", "预期性"]]
        cells += [["婴儿死亡率", "3.1", "约束性"], ["孕产妇死亡率", "6.0", "约束性"]]
        for i, row in enumerate(cells):
            for j, c in enumerate(row):
                t.cell(i, j).text = c
        t.cell(2, 2).merge(t.cell(3, 2))

    lines = [x for x in extract_bytes(_docx(build), "t.docx").text.split("\n") if x]
    assert lines[1:] == [
        "指标",
        "2024年",
        "属性",
        "人均预期寿命",
        "81.5",
        "预期性",
        "婴儿死亡率",
        "3.1",
        "约束性",
        "约束性",
        "孕产妇死亡率",
        "6.0",
    ]  # fmt: skip (the merged cell holds both paragraphs, once)


def test_a_word_task_table_with_a_measures_column_and_merged_heading_rows():
    """序号 | 重点任务 | 具体措施 | 牵头单位 | 完成时限, headed by rows merged across."""

    def build(doc):  # noqa: ANN001
        doc.add_paragraph("2025年某某区卫生健康重点工作任务清单")
        rows = [
            ["序号", "重点任务", "具体措施", "牵头单位", "完成时限"],
            ["一、深化医药卫生体制改革", "", "", "", ""],
            ["1", "推进医联体建设", "组建城市医疗集团。推动统一管理。", "医政科", "2025年12月"],
            ["2", "深化公立医院改革", "开展绩效考核。", "人事科", "2025年10月"],
            ["", "", "推进薪酬制度改革。", "人事科", "2025年12月"],
            ["二、提升基层服务能力", "", "", "", ""],
            ["3", "做实家庭医生签约", "重点人群签约率达到80%。", "基层科", "2025年12月"],
        ]
        t = doc.add_table(rows=len(rows), cols=5)
        for i, row in enumerate(rows):
            for j, c in enumerate(row):
                if c:
                    t.cell(i, j).text = c
        for i in (1, 5):
            t.cell(i, 0).merge(t.cell(i, 4))
        for j in (0, 1):  # a task over two rows of measures
            t.cell(3, j).merge(t.cell(4, j))

    ex = extract_bytes(_docx(build), "t.docx")
    plan = parse_text(ex.text)
    assert [s.number + s.title for s in plan.sections] == [
        "一、深化医药卫生体制改革",
        "二、提升基层服务能力",
    ]
    assert [t.number + t.title for t in plan.tasks] == [
        "1.推进医联体建设",
        "2.深化公立医院改革",
        "3.做实家庭医生签约",
    ]
    assert plan.tasks[0].text == (  # a title without a full stop is a paragraph of its own
        "推进医联体建设\n组建城市医疗集团。推动统一管理。\n（牵头单位：医政科；完成时限：2025年12月）"
    )
    assert plan.tasks[1].text.endswith(
        "推进薪酬制度改革。\n（牵头单位：人事科；完成时限：2025年12月）"
    )
    assert plan.coverage == 1.0


def test_word_text_inside_content_controls_is_read():
    """Templates wrap parts of a document in content controls (<w:sdt>)."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def build(doc):  # noqa: ANN001
        doc.add_paragraph("2025年某某区卫生健康工作要点")
        sdt = parse_xml(f"<w:sdt {w}><w:sdtPr/><w:sdtContent/></w:sdt>")
        for t in ("一、深化医改", "1.推进医联体建设。组建集团。", "2.深化公立医院改革。开展考核。"):
            sdt[1].append(doc.add_paragraph(t)._p)
        doc.element.body.insert(1, sdt)
        doc.add_paragraph("某某区卫生健康局")

    ex = extract_bytes(_docx(build), "sdt.docx")
    assert [x for x in ex.text.split("\n") if x][1:] == [
        "一、深化医改",
        "1.推进医联体建设。组建集团。",
        "2.深化公立医院改革。开展考核。",
        "某某区卫生健康局",
    ]


# --------------------------------------------------------------------------- pages saved as MHTML


def _mime(parts: list[tuple[str, bytes]], *, start: str = "") -> bytes:
    """A page saved as one MIME file: (part headers, encoded body) after Blink's headers."""
    out = [
        b"From: <Saved by Blink>",
        b"Snapshot-Content-Location: https://wsjkw.example.gov.cn/art/2025/3/20/art_1.html",
        b"Subject: =?utf-8?Q?2025?=",
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/related; type="text/html"; boundary="--B--"' + start.encode(),
        b"",
        b"",
    ]
    for head, body in parts:
        out += [b"----B--", head.encode(), b"", body]
    return b"\r\n".join([*out, b"----B----", b""])


def _portal_page(charset: str) -> str:
    body = "".join(f"<p>{x}</p>" for x in PLAN.splitlines()[1:] if x)
    return PORTAL.replace('<meta charset="gbk">', f'<meta charset="{charset}">').replace(
        "{body}", body
    )


@pytest.mark.parametrize(
    ("charset", "transfer", "part_charset"),
    [
        ("gbk", "quoted-printable", "gbk"),
        ("gb2312", "base64", "gb2312"),
        ("utf-8", "quoted-printable", ""),  # Chrome: no charset on the part, the page's meta
        ("gbk", "base64", "utf-8"),  # a part charset that is wrong: the page's own is used
    ],
    ids=["gbk-qp", "gb2312-base64", "utf8-meta-only", "wrong-part-charset"],
)
def test_a_page_saved_as_mhtml_reads_as_the_page_itself(charset, transfer, part_charset):
    import base64
    import quopri

    html = _portal_page(charset)
    raw = html.encode("gb18030" if charset.startswith("gb") else charset)
    body = quopri.encodestring(raw) if transfer == "quoted-printable" else base64.encodebytes(raw)
    head = "Content-Type: text/html" + (f'; charset="{part_charset}"' if part_charset else "")
    css = ("Content-Type: text/css\r\nContent-Location: https://x/a.css", b"p{margin:0}")
    data = _mime([(head + f"\r\nContent-Transfer-Encoding: {transfer}", body), css])
    assert detect_format(data) == "mhtml"
    ex, page = extract_bytes(data, "saved.mht"), extract_bytes(raw, "saved.html")
    assert (ex.format, page.format) == ("mhtml", "html")
    assert (ex.text, ex.meta, ex.furniture) == (page.text, page.meta, page.furniture)
    assert ex.meta["doc_number"] == "某卫健发〔2025〕12号" and "当前位置" not in ex.text
    assert ex.sha256 != page.sha256  # the file's own bytes


def test_of_a_saved_pages_frames_the_one_holding_the_plan_is_read():
    shell = "<html><body><div class='nav'>首页 政务公开</div><iframe src='cid:f1'></iframe></body></html>"
    frame = _portal_page("utf-8").encode()
    data = _mime(
        [
            ("Content-Type: text/html; charset=utf-8", shell.encode()),
            ("Content-Type: text/html; charset=utf-8\r\nContent-ID: <f1>", frame),
        ]
    )
    ex = extract_bytes(data, "framed.mhtml")
    assert ex.text == extract_bytes(frame).text and ex.format == "mhtml"


def test_text_that_merely_opens_with_a_header_like_line_is_not_mhtml():
    assert detect_format(("Subject: 2025年工作要点\n" + PLAN).encode()) == "text"
    assert detect_format(
        b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n" + PLAN.encode()
    ) == ("text")


# --------------------------------------------------------------------------- Word text that was lost


_WNS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def test_word_text_boxes_tracked_changes_fields_and_links_are_read_once_as_accepted():
    from docx.oxml import parse_xml

    box = "<w:txbxContent><w:p><w:r><w:t>某卫发〔2025〕3号</w:t></w:r></w:p></w:txbxContent>"
    paras = [
        # a text box, as Word writes it: the drawing and its VML copy for old readers
        f'<w:r><w:t>某某区卫生健康局文件</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
        f"<w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>",
        '<w:r><w:t>一、</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>深化医改</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>旧标题</w:delText></w:r></w:del>',
        '<w:r><w:t>1.推进</w:t></w:r><w:moveFrom w:id="3" w:author="a"><w:r><w:t>集团化</w:t></w:r>'
        '</w:moveFrom><w:r><w:t>医联体建设。</w:t></w:r><w:moveTo w:id="4" w:author="a"><w:r>'
        "<w:t>集团化</w:t></w:r></w:moveTo>",
        '<w:r><w:t>2.详见</w:t></w:r><w:hyperlink r:id="rId99"><w:r><w:t>服务目录</w:t></w:r></w:hyperlink>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>（第3页）</w:t></w:r></w:fldSimple>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> REF x </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>签约率80%</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>。</w:t></w:r>',
    ]

    def build(doc):  # noqa: ANN001
        body = doc.element.body
        for xml in paras:
            body.insert(len(body) - 1, parse_xml(f"<w:p {_WNS}>{xml}</w:p>"))

    assert extract_bytes(_docx(build), "red-head.docx").text.split("\n") == [
        "某卫发〔2025〕3号",
        "某某区卫生健康局文件",
        "一、深化医改",
        "1.推进医联体建设。集团化",
        "2.详见服务目录（第3页）签约率80%。",
    ]


def test_a_word_footnote_follows_the_paragraph_that_cites_it():
    import zipfile

    path = FORMATS / "longhua_tracked_textbox_2024.docx"
    lines = extract_bytes(path.read_bytes(), path.name).text.split("\n")
    k = next(i for i, x in enumerate(lines) if x.startswith("2.深化与高水平医院合作"))
    assert lines[k] == (
        "2.深化与高水平医院合作。推动市级医院在我区设立分院区，建设国家区域医疗中心。"
        "引进高层次医学团队5个。"
    )
    assert lines[k + 1].startswith("注1：国家区域医疗中心：由国家卫生健康委")
    assert sum("注1" in x for x in lines) == 1 and "力争" not in "".join(lines)
    with zipfile.ZipFile(path) as z:  # the note is in its own part, not the body
        assert "国家区域医疗中心：由" not in z.read("word/document.xml").decode()


def test_word_html_list_numbers_inside_downlevel_conditionals_are_kept_as_numbers():
    """Word's HTML (.htm, or the .mht "single file web page") wraps each list number in
    <![if !supportLists]> … <![endif]>, which an HTML parser leaves as text."""
    import email

    data = (FORMATS / "chunan_word_single_file_2025.mht").read_bytes()
    page = email.message_from_bytes(data).get_payload()[0].get_payload(decode=True)
    assert b"<![if !supportLists]>" in page
    for ex in (extract_bytes(data, "plan.mht"), extract_bytes(page, "plan.htm")):
        lines = ex.text.split("\n")
        assert lines[3].startswith("1. 推进紧密型县域医共体建设") and "[if" not in ex.text
    assert detect_format(page) == "html"
