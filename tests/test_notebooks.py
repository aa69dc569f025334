"""The whole notebook suite renders on corpora other than the seeds.

The reports must hold on any reasonable corpus: here ten generated plans of
ten districts (every district with a single document, so change over time
cannot apply), and one district with two plans of the same year and kind (so
no comparison between districts applies, and two documents share a label).
Each corpus is rendered once, in one shared kernel, with the caches in a
temporary home (``COMPARE_HOME``), through :func:`compare.report.render`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from synth import generate_corpus, generate_plan

from compare import config, report

pytestmark = pytest.mark.notebooks

#: Two generated plans of one district (锦江), both work points of 2024.
ONE_DISTRICT = (1, 13)


def _render(home: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, Path]:
    notebooks = home / "notebooks"
    notebooks.mkdir()
    for path in config.NOTEBOOKS_DIR.glob(report.NOTEBOOK_GLOB):
        shutil.copy(path, notebooks / path.name)
    monkeypatch.setenv("COMPARE_HOME", str(home))  # the kernel's caches go to the temporary home
    out = home / "reports"
    results = report.render(
        out_dir=out, notebooks_dir=notebooks, data_dir=home / "data" / "raw", progress=None
    )
    return results, out


def _check(results: list, out: Path) -> str:
    failed = [f"{r.notebook}: {r.error}" for r in results if not r.ok]
    assert not failed, failed
    expected = sorted(p.stem for p in config.NOTEBOOKS_DIR.glob(report.NOTEBOOK_GLOB))
    assert sorted(Path(r.notebook).stem for r in results) == expected
    text = ""
    for stem in expected:
        page = out / f"{stem}.html"
        assert page.is_file() and page.stat().st_size > 0, page
        text += page.read_text(encoding="utf-8")
    assert (out / "index.html").is_file()
    return text


def test_the_suite_renders_on_ten_generated_districts(tmp_path, monkeypatch) -> None:
    raw = tmp_path / "data" / "raw"
    generate_corpus(raw, 10, seed=0)
    text = _check(*_render(tmp_path, monkeypatch))
    assert "无法比较年度变化" in text  # every district has one plan: said, not crashed
    assert "卡方检验" in text


def test_the_suite_renders_on_a_single_district(tmp_path, monkeypatch) -> None:
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for i in ONE_DISTRICT:
        name, data, truth = generate_plan(i, 0)
        assert truth.district == "锦江"
        (raw / name).write_bytes(data)
    text = _check(*_render(tmp_path, monkeypatch))
    assert "只有一个区（锦江）参与比较" in text  # the comparisons between districts say why not
    assert "锦江 2024 工作要点 (2)" in text  # two plans of one year and kind stay apart


@pytest.mark.slow
def test_the_suite_renders_over_plans_of_unknown_district_year_and_kind(
    tmp_path, monkeypatch, partial_dir
) -> None:
    raw = tmp_path / "data" / "raw"
    shutil.copytree(partial_dir, raw)
    text = _check(*_render(tmp_path, monkeypatch))
    # each document without a district is shown as its own 未识别 group, counted, never merged
    for name in ("excerpt_a.txt", "excerpt_b.txt", "no_district.txt"):
        assert f"未识别（{name}）" in text
    assert "3 份文件区名未识别" in text and "4 份年份未识别" in text and "3 份类型未识别" in text
    assert "长宁 年份未识别 工作要点" in text
    overview = (tmp_path / "reports" / "01_corpus_overview.html").read_text(encoding="utf-8")
    assert "来自 3 个区（松江、长宁、青浦）" in overview


def test_two_kernels_render_the_same_reports_as_one(tmp_path, monkeypatch) -> None:
    import re

    from compare.report import rendering

    def masked(folder: Path) -> dict[str, str]:
        pages = {}
        for page in sorted(folder.glob("*.html")):
            text = page.read_text(encoding="utf-8")
            text = re.sub(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "ID", text)  # plotly divs
            text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", "TIME", text)
            text = re.sub(r"\b[0-9a-f]{64}\b", "KEY", text)  # the key holds the home's path
            pages[page.name] = text
        return pages

    runs = {}
    for jobs in (1, 2):
        home = tmp_path / f"jobs{jobs}"
        generate_corpus(home / "data" / "raw", 6, seed=0)
        notebooks = home / "notebooks"
        notebooks.mkdir()
        for path in config.NOTEBOOKS_DIR.glob(report.NOTEBOOK_GLOB):
            shutil.copy(path, notebooks / path.name)
        monkeypatch.setenv("COMPARE_HOME", str(home))
        lines: list[str] = []
        results = rendering.render(
            out_dir=home / "reports",
            notebooks_dir=notebooks,
            data_dir=home / "data" / "raw",
            progress=lines.append,
            jobs=jobs,
        )
        _check(results, home / "reports")
        assert [r.notebook for r in results] == sorted(r.notebook for r in results)  # phase order
        assert [line.split("]")[0] for line in lines] == [f"[{i}/6" for i in range(1, 7)]
        log = (home / "reports" / "render.log").read_text(encoding="utf-8")
        assert f"6 notebook(s) to run in {jobs} kernel(s)" in log
        runs[jobs] = masked(home / "reports")
    assert runs[1].keys() == runs[2].keys()
    for name in runs[1]:
        assert runs[1][name].replace(str(tmp_path / "jobs1"), "H") == runs[2][name].replace(
            str(tmp_path / "jobs2"), "H"
        ), name
