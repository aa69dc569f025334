"""Every format a researcher downloads gives the plan the .txt gives.

The seeds are turned into PDF, Word, portal pages and scans in two layouts
each by ``tests/docgen.py`` (layouts the seeds themselves do not have), then
read back through ``compare.extract`` and the parser.
"""

from __future__ import annotations

import difflib
import re
import shutil

import pytest

import docgen
from compare import config
from compare.corpus import load_corpus
from compare.extract import extract_bytes
from compare.parse import clean_line, parse_text

SEEDS = sorted(config.RAW_DIR.glob("*.txt"))
_EXT = {"pdf": ".pdf", "scan": ".pdf", "docx": ".docx", "html": ".html"}


def _make(fmt: str, layout: str, seed, tmp_path):  # noqa: ANN001, ANN202
    path = tmp_path / f"{seed.stem}.{layout}{_EXT[fmt]}"
    getattr(docgen, f"make_{fmt}")(seed.read_text(encoding="utf-8"), path, layout=layout)
    return path


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    ("fmt", "layout"),
    [(f, lay) for f in ("pdf", "docx", "html") for lay in docgen.LAYOUTS[f]],
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
    if fmt == "pdf":
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
