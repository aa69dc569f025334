"""Every format a researcher downloads gives the plan the .txt gives.

The seeds are turned into PDF, Word, portal pages and scans in two layouts
each by ``tests/docgen.py`` (layouts the seeds themselves do not have), then
read back through ``compare.extract`` and the parser.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import docgen
from compare import config
from compare.corpus import load_corpus
from compare.extract import extract_bytes
from compare.parse import clean_line, parse_text

SEEDS = sorted(config.RAW_DIR.glob("*.txt"))
_EXT = {
    "pdf": ".pdf",
    "scan": ".pdf",
    "docx": ".docx",
    "html": ".html",
    "mhtml": ".mht",
    "ofd": ".ofd",
}


def _make(fmt: str, layout: str, seed, tmp_path):  # noqa: ANN001, ANN202
    path = tmp_path / f"{seed.stem}.{layout}{_EXT[fmt]}"
    getattr(docgen, f"make_{fmt}")(seed.read_text(encoding="utf-8"), path, layout=layout)
    return path


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    ("fmt", "layout"),
    [(f, lay) for f in ("pdf", "docx", "html", "mhtml", "ofd") for lay in docgen.LAYOUTS[f]],
)
def test_every_format_gives_the_tasks_and_number_of_the_txt(seed, fmt, layout, tmp_path):
    ref = parse_text(seed.read_text(encoding="utf-8"))
    ex = extract_bytes(_make(fmt, layout, seed, tmp_path).read_bytes(), seed.name)
    plan = parse_text(ex.text, meta=ex.meta)
    assert [t.title for t in plan.tasks] == [t.title for t in ref.tasks]
    assert plan.document.doc_number == ref.document.doc_number
    assert plan.document.title == ref.document.title
    assert (plan.document.district, plan.document.year, plan.document.kind) == (
        ref.document.district,
        ref.document.year,
        ref.document.kind,
    )
    assert plan.coverage == pytest.approx(1.0)  # nothing of the extracted text is lost
    lines = ex.text.split("\n")
    for t in plan.tasks:  # each task's text is what the lines it cites say
        cited = "".join(
            c.text
            for no in range(t.line_start, t.line_end + 1)
            if not (c := clean_line(no, lines[no - 1])).artefact
        )
        assert re.sub(r"\s", "", t.text) in re.sub(r"\s", "", cited), t.id
    if fmt in ("pdf", "ofd"):
        assert len(ex.pages) == len(ex.text.split("\n")) and ex.n_pages >= 2


def test_traditional_portal_page_is_read_and_quoted_as_published(tmp_path):
    seed = config.RAW_DIR / "qingpu_2025_work_points.txt"
    path = docgen.make_traditional_html(seed.read_text(encoding="utf-8"), tmp_path / "t.html")
    ref = parse_text(seed.read_text(encoding="utf-8"))
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.move(path, folder / "t.html")
    corpus = load_corpus(folder, use_cache=False)
    assert corpus.documents.loc[0, "converted"]
    assert list(corpus.tasks["title"]) == [t.title for t in ref.tasks]
    first = corpus.tasks.iloc[0]
    assert "衛生" in first["raw"] or "醫" in first["raw"]  # quoted as published
    assert "卫生" in first["text"] or "医" in first["text"]  # analysed simplified


def test_paginated_sources_cite_pages_in_the_corpus(tmp_path):
    seed = config.RAW_DIR / "songjiang_2026_work_points.txt"
    folder = tmp_path / "plans"
    folder.mkdir()
    _make("pdf", "gov", seed, folder)
    corpus = load_corpus(folder, use_cache=False)
    tasks = corpus.tasks
    assert tasks["page_start"].notna().all() and (tasks["page_start"] <= tasks["page_end"]).all()
    assert tasks["page_start"].is_monotonic_increasing and tasks["page_end"].max() >= 3
    lines = corpus.documents.loc[0, "n_pages"]
    assert lines >= tasks["page_end"].max()
    # the raw lines of a task are the extracted lines it cites
    t = tasks.iloc[0]
    assert t["raw"].count("\n") == t["line_end"] - t["line_start"]


@pytest.mark.slow
@pytest.mark.parametrize("layout", docgen.LAYOUTS["scan"])
def test_scans_are_read_by_ocr_with_confidence(layout, tmp_path):
    seed = config.RAW_DIR / "songjiang_2025_medical_admin_points.txt"
    ref = [t.title for t in parse_text(seed.read_text(encoding="utf-8")).tasks]
    ex = extract_bytes(_make("scan", layout, seed, tmp_path).read_bytes(), seed.name)
    assert ex.format == "scan" and len(ex.confidence) == len(ex.text.split("\n"))
    titles = [t.title for t in parse_text(ex.text).tasks]
    # OCR may misread a character: a title counts when it is at least 80% the same
    found = [x for x in ref if difflib.get_close_matches(x, titles, n=1, cutoff=0.8)]
    assert len(found) >= 0.9 * len(ref), (ref, titles)


def _long_pdf(path, pages: int):  # noqa: ANN001, ANN202
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), invariant=1)
    for i in range(pages):
        c.setFont("STSong-Light", 12)
        c.drawString(60, 780, f"第{i + 1}部分 卫生健康统计资料汇编，各类医疗机构数据明细。")
        c.showPage()
    c.save()
    return path


def test_bad_documents_are_named_in_one_line_and_the_rest_load(tmp_path, monkeypatch, capsys):
    from compare import extract
    from compare.cli import main
    from compare.io import sha256_bytes

    raw = tmp_path / "raw"
    raw.mkdir()
    seed = config.RAW_DIR / "qingpu_2025_work_points.txt"
    docgen.make_pdf(seed.read_text(encoding="utf-8"), raw / "good.pdf")
    docgen.make_encrypted_pdf(seed.read_text(encoding="utf-8"), raw / "locked.pdf")
    docgen.make_corrupt_docx(raw / "cut.docx")
    docgen.make_html_without_plan(raw / "list.html")
    docgen.make_image_only_pdf(raw / "scan.pdf")
    _long_pdf(raw / "compendium.pdf", 300)
    before = {p.name: sha256_bytes(p.read_bytes()) for p in raw.iterdir()}
    monkeypatch.setattr(extract, "_tesseract_ready", lambda: "no OCR engine: install tesseract-ocr")
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    code = main(["corpus", str(raw), "--no-cache"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "good.pdf" in out and "1 documents, 20 tasks, 5 failed" in out
    lines = err.strip().split("\n")
    assert len(lines) == 5 and all(x.startswith("compare: error: ") for x in lines)
    why = {x.split(": ")[2]: x for x in lines}
    assert "encrypted PDF" in why["locked.pdf"]
    assert "damaged Word file" in why["cut.docx"]
    assert "no plan text" in why["list.html"]
    assert "scanned PDF" in why["scan.pdf"] and "install" in why["scan.pdf"]
    assert "300 pages, over the limit" in why["compendium.pdf"]
    assert {p.name: sha256_bytes(p.read_bytes()) for p in raw.iterdir()} == before


def test_word_97_documents_are_converted_by_libreoffice(tmp_path):
    import subprocess

    seed = config.RAW_DIR / "songjiang_2025_medical_admin_points.txt"
    docx = docgen.make_docx(seed.read_text(encoding="utf-8"), tmp_path / "plan.docx")
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path / "doc"), str(docx)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    ex = extract_bytes((tmp_path / "doc" / "plan.doc").read_bytes(), "plan.doc")
    assert ex.format == "doc"
    ref = parse_text(seed.read_text(encoding="utf-8"))
    assert [t.title for t in parse_text(ex.text).tasks] == [t.title for t in ref.tasks]


def test_without_libreoffice_a_word_97_file_says_what_to_install(monkeypatch):
    from compare import extract

    monkeypatch.setattr(extract.shutil, "which", lambda name: None)
    with pytest.raises(Exception, match="install LibreOffice"):
        extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc")


def test_targets_of_a_pdf_are_those_of_its_text(tmp_path):
    from compare.targets import extract_targets

    seed = config.RAW_DIR / "changning_2025_work_points.txt"
    a, b = tmp_path / "txt", tmp_path / "pdf"
    a.mkdir(), b.mkdir()
    shutil.copy(seed, a / seed.name)
    _make("pdf", "gov", seed, b)
    ta = extract_targets(load_corpus(a, use_cache=False).tasks)
    tb = extract_targets(load_corpus(b, use_cache=False).tasks)
    cols = ["value", "unit", "object"]
    assert len(ta) >= 5
    pd.testing.assert_frame_equal(ta[cols].reset_index(drop=True), tb[cols].reset_index(drop=True))


def test_new_formats_load_beside_each_other_and_bad_ones_are_named(tmp_path, monkeypatch, capsys):
    """MHTML, OFD and Word pages load by content under any suffix; a cut MHTML, a broken
    OFD and a cut image get one line each, and the run exits non-zero."""
    from compare.cli import main

    fixtures = Path(__file__).parent / "fixtures" / "genre_formats"
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in (
        "chancheng_portal_chrome_2025.mhtml",
        "pidu_portal_ie_gb2312_2024.mht",
        "keqiao_gazette_2025.ofd",
    ):
        shutil.copy(fixtures / name, raw / name)
    mhtml = (fixtures / "chancheng_portal_chrome_2025.mhtml").read_bytes()
    (raw / "cut.mhtml").write_bytes(mhtml[: mhtml.index(b"Content-Type: text/html")])
    ofd = (fixtures / "keqiao_gazette_2025.ofd").read_bytes()
    (raw / "cut.ofd").write_bytes(ofd[: len(ofd) // 2])
    tif = (fixtures / "xixiangtang_scan_2024.tif").read_bytes()
    (raw / "cut.tif").write_bytes(tif[:200])
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    code = main(["corpus", str(raw), "--no-cache"])
    out, err = capsys.readouterr()
    assert code == 1 and "3 documents" in out and "3 failed" in out
    for name in ("chancheng", "pidu", "keqiao"):
        assert name in out
    lines = err.strip().split("\n")
    assert len(lines) == 3 and all(x.startswith("compare: error: ") for x in lines)
    why = {x.split(": ")[2]: x for x in lines}
    assert "without an HTML part" in why["cut.mhtml"]
    assert "damaged" in why["cut.ofd"] and "damaged TIFF image" in why["cut.tif"]
