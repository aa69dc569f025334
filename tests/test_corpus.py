"""The corpus loader: tables, dtypes, stable ids, caches and bad files."""

from __future__ import annotations

import shutil
import time

import pytest

from compare import config
from compare.corpus import load_corpus
from compare.exceptions import PlanInputError


@pytest.fixture()
def plans(tmp_path, raw_dir):
    """A writable copy of the seed plans."""
    folder = tmp_path / "plans"
    shutil.copytree(raw_dir, folder)
    for p in folder.iterdir():
        p.chmod(0o644)
    return folder


def test_it_loads_the_seeds_into_documented_tables(isolated_home, raw_dir):
    corpus = load_corpus(raw_dir)
    assert len(corpus.documents) == 5
    assert len(corpus.tasks) == 110
    assert str(corpus.documents["district"].dtype) == "category"
    assert str(corpus.tasks["kind"].dtype) == "category"
    assert str(corpus.tasks["line_start"].dtype) == "Int64"
    assert set(corpus.documents["district"]) == {"松江", "青浦", "长宁"}
    assert corpus.documents["coverage"].eq(1.0).all()
    assert corpus.tasks["task_id"].is_unique
    assert all(
        t.startswith(d + "-t")
        for t, d in zip(corpus.tasks["task_id"], corpus.tasks["doc_id"], strict=True)
    )
    assert set(corpus.unassigned["kind"]) >= {
        "metadata",
        "preamble",
        "intro",
        "closing",
        "list_item",
    }


def test_ids_come_from_content_not_file_names(isolated_home, plans):
    before = load_corpus(plans).documents.set_index("sha256")["doc_id"]
    (plans / "qingpu_2025_work_points.txt").rename(plans / "renamed.txt")
    after = load_corpus(plans).documents.set_index("sha256")["doc_id"]
    assert before.sort_index().equals(after.sort_index())


def test_second_load_comes_from_the_cache_and_a_changed_file_is_reparsed(isolated_home, plans):
    first = load_corpus(plans)
    assert list((config.INTERIM_DIR / "corpus").glob("*/COMPLETE"))
    second = load_corpus(plans)
    assert second.tasks.equals(first.tasks)
    target = plans / "changning_2025_work_points.txt"
    target.write_text(
        target.read_text(encoding="utf-8").replace(
            "持续加强公立医院能级提升", "持续加强公立医院能级建设"
        ),
        encoding="utf-8",
    )
    third = load_corpus(plans)
    titles = third.tasks.loc[third.tasks["source_file"] == target.name, "title"]
    assert "持续加强公立医院能级建设" in set(titles)


def test_one_bad_file_is_listed_and_the_rest_load(isolated_home, plans):
    (plans / "empty.txt").write_bytes(b"")
    (plans / "empty_too.txt").write_bytes(b"")
    (plans / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (plans / "gbk.txt").write_bytes(
        (plans / "qingpu_2025_work_points.txt")
        .read_text(encoding="utf-8")
        .replace("青浦", "某某")
        .encode("gb18030")
    )
    corpus = load_corpus(plans)
    reasons = dict(corpus.failures)
    assert "empty file" in reasons["empty.txt"]
    assert "empty file" in reasons["empty_too.txt"]  # not "same content as empty.txt"
    assert "binary" in reasons["binary.txt"]
    assert len(corpus.documents) == 6
    gbk = corpus.documents.set_index("source_file").loc["gbk.txt"]
    assert (gbk["encoding"], gbk["district"], gbk["n_tasks"]) == ("gb18030", "某某", 20)
    # the failures survive a cached load too
    assert dict(load_corpus(plans).failures) == reasons


def test_a_killed_run_leaves_a_cache_the_next_run_recovers_from(isolated_home, plans):
    load_corpus(plans)
    for done in (config.INTERIM_DIR / "corpus").glob("*/COMPLETE"):
        done.unlink()  # as if killed before the marker was written
        (done.parent / "tasks.parquet").write_bytes(b"truncated")
    for entry in list((config.INTERIM_DIR / "parse").rglob("*.json"))[:2]:
        entry.write_text("{truncated", encoding="utf-8")
    corpus = load_corpus(plans)
    assert len(corpus.tasks) == 110


def test_catalog_fills_only_what_the_text_lacks(isolated_home, plans, tmp_path):
    docs = load_corpus(plans, catalog=None).documents.set_index("source_file")
    fyp = docs.loc["songjiang_14th_five_year_plan.txt"]
    assert fyp["issuer"] is None or fyp["issuer"] != fyp["issuer"]  # missing in the text
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(
        "sha256,issuer,doc_number\n"
        f"{fyp['sha256']},上海市松江区人民政府,\n"
        f"{docs.loc['qingpu_2025_work_points.txt', 'sha256']},不应覆盖,XX〔2025〕1号\n",
        encoding="utf-8",
    )
    docs2 = load_corpus(plans, catalog=catalog).documents.set_index("source_file")
    assert docs2.loc["songjiang_14th_five_year_plan.txt", "issuer"] == "上海市松江区人民政府"
    assert docs2.loc["qingpu_2025_work_points.txt", "issuer"] == "青浦区卫生健康委员会"
    assert docs2.loc["qingpu_2025_work_points.txt", "doc_number"] == "青卫健发〔2025〕2号"


def test_missing_or_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(PlanInputError, match="no such file or folder"):
        load_corpus(tmp_path / "nowhere")
    with pytest.raises(PlanInputError, match="holds no plan files"):
        load_corpus(tmp_path)


def test_raw_data_is_never_written(isolated_home, raw_dir):
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in raw_dir.iterdir()}
    load_corpus(raw_dir)
    time.sleep(0.01)
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in raw_dir.iterdir()}
    assert before == after


def test_a_caller_changing_its_tables_does_not_change_the_next_load(isolated_home, raw_dir):
    first = load_corpus(raw_dir)
    first.tasks.loc[0, "title"] = "被改动"
    first.documents.loc[:, "title"] = "某某"
    second = load_corpus(raw_dir)
    assert "被改动" not in set(second.tasks["title"])
    assert "某某" not in set(second.documents["title"])


def test_non_regular_and_oversized_files_are_listed_never_read(tmp_path, monkeypatch):
    import os

    from compare import io as cio

    folder = tmp_path / "plans"
    folder.mkdir()
    seed = sorted(config.RAW_DIR.glob("*.txt"))[0]
    (folder / "good.txt").write_bytes(seed.read_bytes())
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (folder / "dir.txt").mkdir()
    (folder / "big.txt").write_bytes(seed.read_bytes() * 4)
    monkeypatch.setattr(cio, "MAX_BYTES", len(seed.read_bytes()) * 2)
    corpus = load_corpus(folder, use_cache=False)
    reasons = dict(corpus.failures)
    assert list(corpus.documents["source_file"]) == ["good.txt"]
    assert "not a regular file" in reasons["pipe.txt"]
    assert "not a regular file" in reasons["zero.txt"]
    assert "broken symbolic link" in reasons["gone.txt"]
    assert "is a folder" in reasons["dir.txt"]
    assert "over the limit" in reasons["big.txt"]


def test_one_plan_in_two_formats_is_counted_once_whatever_the_names(tmp_path):
    import io

    import docx

    seed = config.RAW_DIR / "qingpu_2025_work_points.txt"
    text = seed.read_text(encoding="utf-8")
    doc = docx.Document()
    for line in text.split("\n"):
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    for a, b in (("a.txt", "z.docx"), ("z.txt", "a.docx")):
        folder = tmp_path / a
        folder.mkdir()
        (folder / a).write_text(text, encoding="utf-8")
        (folder / b).write_bytes(buf.getvalue())
        # a different plan that shares nothing but a generic title is never merged
        (folder / "other.txt").write_text(
            "2025年卫生健康工作要点\n一、基层\n1. 建设社区医院。完成两家。\n", encoding="utf-8"
        )
        corpus = load_corpus(folder, use_cache=False)
        assert sorted(corpus.documents["source_file"]) == sorted([a, "other.txt"])
        assert dict(corpus.failures)[b] == f"same plan as {a} (text), skipped"


def test_plans_without_district_year_or_kind_load_with_each_unknown_shown(
    isolated_home, partial_dir
):
    from conftest import PARTIAL_PLANS

    corpus = load_corpus(partial_dir, catalog=None)
    docs = corpus.documents.set_index("source_file")
    assert len(docs) == 5 + len(PARTIAL_PLANS)
    assert docs.loc["excerpt_a.txt", "district"] == "未识别（excerpt_a.txt）"
    assert docs.loc["excerpt_b.txt", "district"] == "未识别（excerpt_b.txt）"  # not merged
    assert docs.loc["excerpt_a.txt", "label"] == "未识别（excerpt_a.txt） 年份未识别 类型未识别"
    assert docs.loc["no_year.txt", "label"] == "长宁 年份未识别 工作要点"
    assert docs.loc["other_kind.txt", "label"] == "青浦 年份未识别 类型未识别"
    assert docs.loc["no_district.txt", "label"] == "未识别（no_district.txt） 2024 工作要点"
    assert corpus.documents["label"].is_unique
    assert corpus.tasks["district"].notna().all() and corpus.tasks["label"].notna().all()
    assert sorted(corpus.tasks["district"].astype(str).unique())  # sorts: no NaN beside str
    summary = corpus.summary().set_index("source_file")
    assert summary.loc["excerpt_a.txt", "year"] == "年份未识别"


def test_the_caches_keep_the_facts_so_a_catalog_can_fill_an_unknown_district(
    isolated_home, partial_dir, tmp_path
):
    first = load_corpus(partial_dir, catalog=None).documents.set_index("source_file")
    again = load_corpus(partial_dir, catalog=None).documents.set_index("source_file")  # cached
    assert again.loc["excerpt_a.txt", "district"] == first.loc["excerpt_a.txt", "district"]
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(
        f"sha256,district\n{first.loc['excerpt_a.txt', 'sha256']},松江\n", encoding="utf-8"
    )
    docs = load_corpus(partial_dir, catalog=catalog).documents.set_index("source_file")
    assert docs.loc["excerpt_a.txt", "district"] == "松江"
    assert docs.loc["excerpt_a.txt", "label"] == "松江 年份未识别 类型未识别"
