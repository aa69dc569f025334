"""The fixture generator: each format looks like what districts publish, and keeps the plan."""

from __future__ import annotations

import re
import zipfile

import docx
import pypdfium2 as pdfium
import pytest

import docgen
from compare import parse_plan
from conftest import SEEDS

SHORT = "songjiang_2025_medadmin"  # the shortest seed with letterhead, notice and imprint


@pytest.fixture(scope="module")
def seed_text(raw_dir):
    return lambda key: (raw_dir / SEEDS[key]).read_text("utf-8")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("docgen")


def _tasks(text: str) -> list[tuple[str, str]]:
    return [(t.title, re.sub(r"\s+", "", t.text)) for t in parse_plan(text).tasks]


def _pdf_text(path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_the_cleaned_text_keeps_every_task_of_the_seed(seed_text, key):
    raw = seed_text(key)
    clean = docgen.publisher_text(raw)
    assert "**" not in clean and "#" not in clean and "— 4 —" not in clean
    assert _tasks(clean) == _tasks(raw)


def test_hard_wrapped_lines_and_a_two_line_heading_are_rejoined(seed_text):
    kinds = {b.text: b.kind for b in docgen.blocks(seed_text("changning_2025"))}
    assert kinds["一、推动公立医院高质量发展，促进优质资源提质扩容和区域均衡布局"] == "h1"
    assert kinds["关于印发《2025 年长宁区卫生健康工作要点》的通知"] == "notice"
    assert kinds["1、持续加强公立医院能级提升"] == "h3"


def test_a_gov_pdf_uses_government_font_names_and_alternating_page_numbers(seed_text, out):
    path = docgen.make_pdf(seed_text(SHORT), out / "gov.pdf")
    data = path.read_bytes()
    assert re.search(rb"/BaseFont /[A-Z]{6}\+FangSong_GB2312", data)
    assert re.search(rb"/BaseFont /[A-Z]{6}\+SimHei", data)
    pdf = pdfium.PdfDocument(path)
    assert len(pdf) >= 3
    assert pdf[0].get_size() == pytest.approx((595.3, 841.9), abs=0.5)  # A4
    for no in (1, 2):
        tp = pdf[no - 1].get_textpage()
        text = tp.get_text_range()
        at = text.rindex(f"— {no} —")
        left = tp.get_charbox(at)[0]
        assert (left > 297) if no % 2 else (left < 297)  # odd pages right, even left
    first = _tasks(docgen.publisher_text(seed_text(SHORT)))[0][0]
    assert first in "".join(_pdf_text(path)).replace("\r\n", "")
    pdf.close()


def test_a_report_pdf_repeats_the_title_and_numbers_pages_of_total(seed_text, out):
    path = docgen.make_pdf(seed_text(SHORT), out / "report.pdf", layout="report")
    pages = _pdf_text(path)
    n = len(pages)
    for no, text in enumerate(pages, start=1):
        assert text.startswith("2025 年上海市松江区医政管理工作要点")
        assert f"第 {no} 页 共 {n} 页" in text
    assert "委员会文件" not in pages[0]  # the letterhead is a picture
    pdf = pdfium.PdfDocument(path)
    assert any(obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for obj in pdf[0].get_objects())
    pdf.close()


@pytest.mark.parametrize("layout", docgen.LAYOUTS["scan"])
def test_a_scan_has_no_text_layer(seed_text, out, layout):
    path = docgen.make_scan(seed_text(SHORT), out / f"{layout}.pdf", layout=layout, pages=1)
    pages = _pdf_text(path)
    assert len(pages) == 1 and pages[0].strip() == ""


def test_the_styles_docx_has_title_and_heading_styles_and_tables(seed_text, out):
    d = docx.Document(docgen.make_docx(seed_text(SHORT), out / "styles.docx"))
    styles = {p.style.name: p.text for p in d.paragraphs}
    assert styles["Title"] == "2025 年上海市松江区医政管理工作要点"
    assert styles["Heading 1"].startswith("五、")
    cells = [c.text for t in d.tables for c in t._cells]
    assert "2025年5月6日" in cells and "2025年5月6日印发" in cells


def test_the_bold_runs_docx_has_no_styles_and_bold_task_titles(seed_text, out):
    d = docx.Document(docgen.make_docx(seed_text(SHORT), out / "bold.docx", layout="bold_runs"))
    assert {p.style.name for p in d.paragraphs} == {"Normal"}
    task = next(p for p in d.paragraphs if p.text.startswith("1. "))
    assert task.runs[0].bold and task.runs[0].text == "1. 优化医疗资源配置。"
    assert not task.runs[1].bold


def test_the_gbk_portal_page_declares_gbk_and_fills_the_info_table(seed_text, out):
    data = docgen.make_html(seed_text(SHORT), out / "gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    page = data.decode("gbk")
    assert '<meta charset="gbk">' in page
    assert "当前位置：<a" in page and "计划总结" in page
    assert "<td>沪松卫〔2025〕19号</td>" in page and "<td>2025-05-06</td>" in page
    assert "【<a" in page and "沪ICP备" in page and "网站标识码" in page


def test_the_utf8_portal_page_keeps_the_title_in_keywords(seed_text, out):
    page = docgen.make_html(seed_text(SHORT), out / "u.html", layout="portal_utf8").read_text(
        "utf-8"
    )
    assert '<meta name="Keywords" content="2025 年上海市松江区医政管理工作要点">' in page
    assert '<div class="TRS_Editor">' in page and "<br>" in page
    assert "上一篇：" in page and "阅读次数" in page


def test_the_traditional_page_is_converted(seed_text, out):
    page = docgen.make_traditional_html(seed_text(SHORT), out / "t.html").read_text("utf-8")
    assert "醫政管理工作要點" in page and "医政管理" not in page
    assert 'charset="utf-8"' in page


def test_bad_inputs(seed_text, out):
    enc = docgen.make_encrypted_pdf(seed_text(SHORT), out / "enc.pdf")
    with pytest.raises(pdfium.PdfiumError, match="password"):
        pdfium.PdfDocument(enc)
    assert len(pdfium.PdfDocument(enc, password="compare")) > 1
    with pytest.raises(zipfile.BadZipFile):
        docx.Document(docgen.make_corrupt_docx(out / "bad.docx"))
    page = docgen.make_html_without_plan(out / "list.html").read_bytes().decode("gbk")
    assert "计划总结" in page and "<p>" not in page and "一、" not in page
    assert _pdf_text(docgen.make_image_only_pdf(out / "img.pdf")) == [""]


def test_output_is_byte_identical_run_to_run(seed_text, out):
    text = seed_text(SHORT)
    for make, name in [(docgen.make_pdf, "a.pdf"), (docgen.make_docx, "a.docx")]:
        first = make(text, out / name).read_bytes()
        assert make(text, out / ("b" + name)).read_bytes() == first
    one = docgen.make_scan(text, out / "s1.pdf", pages=1).read_bytes()
    assert docgen.make_scan(text, out / "s2.pdf", pages=1).read_bytes() == one


def test_an_unknown_layout_lists_the_options(out):
    with pytest.raises(ValueError, match="'styles', 'bold_runs'"):
        docgen.make_docx(docgen.SAMPLE_TEXT, out / "x.docx", layout="fancy")


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(SEEDS))
def test_every_seed_renders_in_every_layout(seed_text, out, key):
    text = seed_text(key)
    makers = {
        "pdf": docgen.make_pdf,
        "docx": docgen.make_docx,
        "html": docgen.make_html,
        "mhtml": docgen.make_mhtml,
        "ofd": docgen.make_ofd,
        "scan": lambda t, p, layout: docgen.make_scan(t, p, layout=layout, pages=2),
    }
    assert set(makers) == set(docgen.LAYOUTS), "a format docgen makes is not tried here"
    for fmt, layouts in docgen.LAYOUTS.items():
        for layout in layouts:
            path = makers[fmt](text, out / f"{key}.{layout}.{fmt}", layout=layout)
            assert path.stat().st_size > 1000
