"""Lines and numbering: wraps, headings, boxes and unnumbered items."""

from __future__ import annotations

from compare.parse_lines import LineReader, box_spans, inline_spans, lead_spans


def test_a_box_ends_where_the_text_takes_up_its_own_numbering_again():
    lines = [
        "1.完善体系。加强建设。",
        "专栏1 重点工程",
        "1.实验室建设：建设实验室1个。",
        "2.储备库建设：建设储备库1个。",
        "2.健全机制。完善预警。",
        "专栏2 重点项目",
        "1.区疾控中心迁建工程",
        "3.提升能力。推进建设。",
    ]
    assert box_spans(lines) == [(1, 4), (5, 7)]


def test_a_pdf_line_that_fills_the_page_continues_its_paragraph():
    body = "本段是一行排满页面宽度的正文用于测宽并继续到下一行的文字"
    text = "\n".join([body] * 24 + ["最后一行。"])
    reader = LineReader(text)
    assert reader.page_width > 0
    assert reader.paragraphs(reader.content).count("\n") == 0


def test_unnumbered_items_inline_or_led_by_a_title():
    assert [label for *_, label, _ in inline_spans("一是扩面；二是提质；三是增效。")] == [
        "一是",
        "二是",
        "三是",
    ]
    text = "【扩面】签约。\n补充一段。\n【提质】做实。"
    spans = lead_spans(text, {})
    assert [(text[a:b].strip(), title) for a, b, _, _, title in spans] == [
        ("【扩面】签约。\n补充一段。", "扩面"),
        ("【提质】做实。", "提质"),
    ]
    assert lead_spans("普通段落。\n【扩面】签约。", {}) == []  # one lead is no list
