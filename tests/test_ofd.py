"""Tests of compare.ofd: OFD (GB/T 33190) files → lines in reading order, with pages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from compare.exceptions import PlanInputError
from compare.extract import detect_format, extract_bytes
from compare.parse import parse_text

FORMATS = Path(__file__).parent / "fixtures" / "genre_formats"
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _ofd(pages: list[str], *, doc_root: str = "Doc_0/Document.xml", base: str = "Pages") -> bytes:
    """An OFD package whose pages hold the given Content.xml layers."""
    files = {
        "OFD.xml": f"<ofd:OFD {NS} Version='1.0' DocType='OFD'><ofd:DocBody><ofd:DocRoot>"
        f"{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f"<ofd:Document {NS}><ofd:Pages>"
        + "".join(
            f"<ofd:Page ID='{n + 1}' BaseLoc='{base}/Page_{n}/Content.xml'/>"
            for n in range(len(pages))
        )
        + "</ofd:Pages></ofd:Document>",
    }
    for n, layer in enumerate(pages):
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f"<ofd:Page {NS}><ofd:Content><ofd:Layer ID='1'>{layer}</ofd:Layer></ofd:Content></ofd:Page>"
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def _text(x: float, y: float, text: str, extra: str = "", codes: str = "") -> str:
    code = codes or f"<ofd:TextCode X='0' Y='5' DeltaX='g {len(text) - 1} 5'>{text}</ofd:TextCode>"
    return (
        f"<ofd:TextObject ID='9' Boundary='{x} {y} 150 8' Size='5' {extra}>{code}</ofd:TextObject>"
    )


def test_the_gazette_fixture_reads_in_order_with_pages_and_its_template_footer_set_aside():
    ex = extract_bytes((FORMATS / "keqiao_gazette_2025.ofd").read_bytes(), "plan.ofd")
    lines = ex.text.split("\n")
    assert (
        ex.format,
        ex.n_pages,
        detect_format((FORMATS / "keqiao_gazette_2025.ofd").read_bytes()),
    ) == (
        "ofd",
        3,
        "ofd",
    )
    assert lines[3] == "一、深化医药卫生体制改革"  # number and words: two runs, one line
    assert lines[-2:] == ["绍兴市柯桥区卫生健康局", "2025年2月21日"]  # one object, two codes
    assert ex.furniture == ("柯桥区卫生健康局发布",) * 3 and "发布" not in ex.text
    assert ex.page_of(lines.index("二、提升基层医疗卫生服务能力") + 1) == 2
    assert len(ex.pages) == len(lines)


def test_runs_are_ordered_by_baseline_then_x_whatever_their_order_in_the_file():
    page = "".join(
        [
            _text(30, 60, "2.深化公立医院改革。开展绩效考核。"),
            _text(30, 40, "一、深化医改"),
            _text(80, 50.3, "组建城市医疗集团。"),  # same line as the next, given first
            _text(30, 50, "1.推进医联体建设。"),
            _text(30, 20, "2025年某某区卫生健康工作要点"),
        ]
    )
    ex = extract_bytes(_ofd([page]), "p.ofd")
    assert ex.text.split("\n") == [
        "2025年某某区卫生健康工作要点",
        "一、深化医改",
        "1.推进医联体建设。组建城市医疗集团。",
        "2.深化公立医院改革。开展绩效考核。",
    ]
    assert len(parse_text(ex.text).tasks) == 2


def test_codes_without_a_position_continue_and_a_ctm_places_the_object():
    codes = (
        "<ofd:TextCode X='0' Y='5' DeltaX='5 5 5'>1.推进</ofd:TextCode>"
        "<ofd:TextCode>医联体建设。</ofd:TextCode>"  # goes on where the last code ended
    )
    page = _text(0, 0, "", "CTM='1 0 0 1 30 50'", codes) + _text(30, 40, "一、深化医改")
    # absolute paths in the package are read from its root
    ex = extract_bytes(_ofd([page], doc_root="/Doc_0/Document.xml", base="/Doc_0/Pages"), "p.ofd")
    assert ex.text.split("\n") == ["一、深化医改", "1.推进医联体建设。"]


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda files: files.pop("Doc_0/Document.xml"), "Doc_0/Document.xml is missing"),
        (
            lambda files: files.update({"Doc_0/Pages/Page_0/Content.xml": "<ofd:Page"}),
            "Doc_0/Pages/Page_0/Content.xml is not well-formed XML",
        ),
        (
            lambda files: files.update(
                {"Doc_0/Pages/Page_0/Content.xml": f"<ofd:Page {NS}><ofd:ImageObject/></ofd:Page>"}
            ),
            "OFD file with no Chinese text (pages that are images only",
        ),
    ],
    ids=["no-document", "bad-xml", "images-only"],
)
def test_a_damaged_ofd_is_named_in_one_line(mangle, reason):
    with zipfile.ZipFile(io.BytesIO(_ofd([_text(30, 40, "一、深化医改")]))) as z:
        files = {n: z.read(n).decode() for n in z.namelist()}
    mangle(files)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    with pytest.raises(PlanInputError) as err:
        extract_bytes(buf.getvalue(), "data/raw/gazette.ofd")
    msg = str(err.value)
    assert msg.startswith("data/raw/gazette.ofd: ") and reason in msg and "\n" not in msg


def test_page_locations_written_from_the_package_root_are_found():
    ex = extract_bytes(_ofd([_text(30, 40, "一、深化医改")], base="Doc_0/Pages"), "p.ofd")
    assert ex.text == "一、深化医改"
