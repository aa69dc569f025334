"""Tests of compare.images: scans and photos saved as images, read by OCR."""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import pytest

from compare import extract
from compare.exceptions import PlanInputError
from compare.extract import detect_format, extract_bytes, image_kind

FORMATS = Path(__file__).parent / "fixtures" / "genre_formats"
FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"


def _page(lines: list[str], width: int = 1000, fmt: str = "PNG") -> bytes:
    """One short page as a phone or screenshot gives it: small, grey, anti-aliased."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 26)
    img = Image.new("RGB", (width, 60 + 44 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((40, 30 + 44 * i), line, font=font, fill=(20, 20, 20))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def test_image_formats_are_told_by_their_bytes():
    png, jpeg, tiff = (_page(["一、总则"], 200, f) for f in ("PNG", "JPEG", "TIFF"))
    assert [image_kind(x) for x in (png, jpeg, tiff)] == ["PNG", "JPEG", "TIFF"]
    assert {detect_format(x) for x in (png, jpeg, tiff)} == {"image"}
    assert image_kind("II型糖尿病患者规范管理".encode()) == ""  # text, whatever its letters


def test_a_small_photographed_page_is_read_by_ocr_with_confidence():
    lines = [
        "2025年某某县卫生健康工作要点",
        "一、提升基层服务能力",
        "1.推进社区医院建设。新增社区医院2家。",
    ]
    ex = extract_bytes(_page(lines, fmt="JPEG"), "photo.jpg")
    assert (ex.format, ex.n_pages, ex.encoding) == ("image", 1, "ocr:chi_sim")
    got = ex.text.split("\n")
    assert len(ex.confidence) == len(got) == len(ex.pages) and set(ex.pages) == {1}
    # OCR may misread a character: a line counts when it is at least 80% the same
    found = [
        x for x in lines if difflib.get_close_matches(x, [g.replace(" ", "") for g in got], 1, 0.8)
    ]
    assert found == lines, got


def test_each_frame_of_a_scanned_tiff_is_a_page():
    ex = extract_bytes((FORMATS / "xixiangtang_scan_2024.tif").read_bytes(), "scan.tif")
    assert ex.n_pages == 2 and ex.pages == (1,) * 5 + (2,) * 4
    assert ex.low_confidence_pages == () and min(ex.confidence) > 70
    assert ex.text.split("\n")[5].replace(" ", "") == "3.加快社区医院建设。新增社区医院2家。"


def test_an_image_without_an_ocr_engine_says_what_to_install(monkeypatch):
    monkeypatch.setattr(extract, "_tesseract_ready", lambda: "no OCR engine: install tesseract-ocr")
    with pytest.raises(PlanInputError, match=r"^scan.png: PNG image \(a scan\) and no OCR engine"):
        extract_bytes(_page(["一、总则"], 200), "scan.png")
    with pytest.raises(PlanInputError, match="OCR is switched off"):
        extract_bytes(_page(["一、总则"], 200), "scan.png", ocr=False)


def test_a_cut_image_is_named_in_one_line():
    data = _page(["一、总则"], 400)
    with pytest.raises(PlanInputError) as err:
        extract_bytes(data[: len(data) // 2], "data/raw/cut.png")
    assert str(err.value).startswith("data/raw/cut.png: damaged PNG image") and "\n" not in str(
        err.value
    )


def test_a_multi_page_image_over_the_page_limit_is_refused(monkeypatch):
    from PIL import Image

    buf = io.BytesIO()
    pages = [Image.new("1", (50, 50), 1) for _ in range(3)]
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    monkeypatch.setattr(extract, "MAX_PDF_PAGES", 2)
    with pytest.raises(PlanInputError, match="TIFF image of 3 pages, over the limit of 2"):
        extract_bytes(buf.getvalue(), "big.tif")


def test_a_screenshot_with_a_transparent_background_is_read_on_white():
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGBA", (900, 110), (0, 0, 0, 0))  # transparent black, as many tools save
    ImageDraw.Draw(img).text(
        (30, 35), "一、深化医药卫生体制改革", font=ImageFont.truetype(FONT, 30), fill="black"
    )
    buf = io.BytesIO()
    img.save(buf, "PNG")
    ex = extract_bytes(buf.getvalue(), "shot.png")
    assert ex.text.replace(" ", "") == "一、深化医药卫生体制改革"
