"""RESULTS.md from measurements: summaries, issue 15's targets, stage names, atomic writes."""

from __future__ import annotations

import importlib
import re

import bench_report
import bench_workers
import pytest

MACHINE = {
    "cpu": "test cpu",
    "cores": 2,
    "memory_gb": 24,
    "os": "Linux",
    "python": "3.11",
    "versions": {"jieba": "0.42.1"},
    "commit": "abc1234",
    "date": "2026-01-01",
}


def _render(seconds: float, status: str = "rendered", peak: float = 500.0) -> dict:
    return {
        "seconds": seconds,
        "peak_rss_mb": peak,
        "max_processes": 3,
        "returncode": 0,
        "load": [1.0, 1.0],
        "reports": [{"name": "01_a.ipynb", "status": status, "seconds": seconds, "mb": 1.5}],
        "summary": "1/1 report(s) ok",
    }


def _pipeline(seconds: float) -> dict:
    return {
        "seconds": seconds,
        "import_s": 0.5,
        "load_s": 0.2,
        "coded_s": seconds - 0.7,
        "documents": 5,
        "tasks": 100,
        "wall_s": seconds + 0.1,
        "process_peak_rss_mb": 300.0,
    }


def _run(n: int, floor: float, *, suite: float, unchanged: float, changed: float, peak=500.0):
    stages = [
        {"stage": s, "seconds": 0.1 * (i + 1), "peak_rss_mb": 100.0 + i, "note": ""}
        for i, (s, _, _) in enumerate(bench_workers.STAGES)
    ]
    return {
        "n": n,
        "bytes": n * 18_000,
        "truth_tasks": n * 22,
        "floor": {"seconds": floor + 1.0, "dict_load_s": 0.6, "tokens": 1000},
        "floor_after": {"seconds": floor, "dict_load_s": 0.6, "tokens": 1000},
        "suite_cold": _render(suite, peak=peak),
        "suite_unchanged": _render(unchanged, "skipped", 150.0),
        "change": {
            "edited": {"file": "plan_00001.txt", "task": "x-t003", "line": 40},
            "added": f"plan_{n:05d}.txt",
            "pipeline_changed": _pipeline(changed),
            "pipeline_added": _pipeline(changed),
            "render": _render(suite / 2),
        },
        "stages": {"stages": stages, "tasks": n * 22, "peak_rss_mb": 400.0},
        "warm": {"seconds": 0.9, "import_s": 0.5, "load_s": 0.2, "coded_s": 0.2, "tasks": 1},
    }


def _results(*runs, e2e_n=10_000):
    return {"machine": MACHINE, "seed": 0, "sizes": [r["n"] for r in runs], "e2e_n": e2e_n,
            "runs": list(runs)}  # fmt: skip


def test_the_faster_floor_is_the_denominator_of_every_ratio():
    s = bench_report.summarise(_run(250, 5.0, suite=12.0, unchanged=0.5, changed=2.0))
    assert s["floor_s"] == 5.0  # 6.0 before, 5.0 after
    assert s["suite_cold_x"] == pytest.approx(2.4)
    assert s["suite_unchanged_x"] == pytest.approx(0.1)
    assert s["pipeline_changed_x"] == pytest.approx(0.4)
    assert s["change_render_x"] == pytest.approx(1.2)
    assert s["cold_coded_s"] == pytest.approx(0.2 + 0.3 + 0.4 + 0.5)  # parse … code
    assert s["peak_rss_mb"] == 500.0 and s["stages_measured"]


def test_a_failed_measurement_has_no_ratio_and_is_listed():
    run = _run(100, 2.0, suite=5.0, unchanged=0.2, changed=1.0)
    run["suite_cold"] = {"error": "compare render: exit 1: boom", "seconds": 3.0}
    run["stages"]["stages"][3].update(seconds=None, note="failed: ValueError: x")
    s = bench_report.summarise(run)
    assert s["suite_cold_s"] is None and s["suite_cold_x"] is None
    assert not s["stages_measured"]
    assert bench_report.failures(_results(run)) == [
        "N=100 suite_cold: compare render: exit 1: boom",
        "N=100 stage vectorise: failed: ValueError: x",
    ]


def test_targets_hold_or_not_per_size_and_say_what_was_not_measured():
    good = _run(250, 5.0, suite=12.0, unchanged=0.5, changed=2.0)
    slow = _run(1000, 10.0, suite=140.0, unchanged=2.0, changed=6.0)
    rows = {(r["target"], r["n"]): r for r in bench_report.targets(_results(good, slow))}
    assert rows[("whole suite from raw files, empty caches", "250")]["holds"] == "**yes**"
    assert rows[("whole suite from raw files, empty caches", "1,000")]["holds"] == "no"
    assert "14.00×" in rows[("whole suite from raw files, empty caches", "1,000")]["measured"]
    assert rows[("whole suite, unchanged inputs", "250")]["holds"] == "**yes**"
    assert rows[("whole suite, unchanged inputs", "1,000")]["holds"] == "no"  # 0.2×
    assert rows[("one plan changed: raw → coded tasks", "1,000")]["holds"] == "no"  # 0.6×
    e2e = rows[("end to end, every stage incl. rendering, memory of all processes", "10,000")]
    assert e2e["holds"] == "not measured"


def test_the_end_to_end_target_needs_every_stage_and_at_most_4_gb():
    def e2e(run):
        rows = bench_report.targets(_results(run, e2e_n=run["n"]))
        return rows[-1]["holds"]

    assert e2e(_run(20, 1.0, suite=30.0, unchanged=1.0, changed=5.0, peak=3000.0)) == "**yes**"
    assert e2e(_run(20, 1.0, suite=30.0, unchanged=1.0, changed=5.0, peak=3900.0)) == "no"
    missing = _run(20, 1.0, suite=30.0, unchanged=1.0, changed=5.0)
    missing["stages"]["stages"][-1].update(seconds=None, note="skipped: x")
    assert e2e(missing) == "no"


def test_stage_descriptions_name_functions_that_exist_today():
    for stage, module, what in bench_workers.STAGES:
        mod = importlib.import_module(module)
        assert mod is not None, stage
        for name, func in re.findall(r"\b([a-z]+)\.([a-z_]+)\b", what):
            if name in ("io", "corpus", "themes", "clusters", "coding", "shares", "keyness",
                        "align", "targets", "report"):  # fmt: skip
                owner = importlib.import_module(f"compare.{name}")
                assert hasattr(owner, func), f"{stage}: compare.{name}.{func} does not exist"


def test_the_report_has_the_targets_every_stage_reports_and_failures():
    good = _run(250, 5.0, suite=12.0, unchanged=0.5, changed=2.0)
    bad = _run(1000, 10.0, suite=140.0, unchanged=2.0, changed=6.0)
    bad["change"]["render"] = {"error": "compare render: killed after 2900 s (timeout)"}
    md = bench_report.render_markdown(_results(good, bad), "scaling.png", "make bench")
    assert md.startswith("# Benchmarks")
    assert "**2 cores**" in md and "test cpu" in md and "abc1234" in md
    assert "| whole suite from raw files, empty caches | 250 |" in md
    assert "| 250 | 4.5 | 5,500 | 5.00 | 12.00 (2.40×) | 0.50 (0.10×) |" in md
    assert "| cluster | clusters.cluster_tasks" in md
    assert "| `01_a.ipynb` | 12.00 s / 1.50 MB | 140 s / 1.50 MB |" in md
    assert "N=1000 change render: compare render: killed after 2900 s (timeout)" in md
    assert "![time against N, log-log](scaling.png)" in md
    assert "findings." not in md and "compare.bench" not in md


def test_the_plot_has_the_floor_the_suite_and_target_lines():
    series = bench_report._series(_results(_run(10, 1.0, suite=9.0, unchanged=0.1, changed=1.0)))
    assert series["jieba floor (1 process)"] == [(10, 1.0)]
    assert series["whole suite, cold"] == [(10, 9.0)]
    assert series["3× floor (suite target)"] == [(10, 3.0)]
    assert "stage: render" in series


def test_the_svg_fallback_draws_one_path_per_series():
    svg = bench_report.svg({"parse": [(10, 0.2), (100, 1.0)], "floor": [(10, 1.0), (100, 4.0)]})
    assert svg.startswith("<svg") and svg.count("<path") == 2 and "floor" in svg


def test_results_are_written_together_and_a_failure_keeps_the_previous_ones(tmp_path, monkeypatch):
    path = tmp_path / "RESULTS.md"
    results = _results(_run(10, 1.0, suite=9.0, unchanged=0.1, changed=1.0))
    monkeypatch.setattr(bench_report, "_plot", lambda r: ("scaling.svg", b"<svg/>"))
    bench_report.write_results(results, path, "make bench")
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(first) == {"RESULTS.md", "results.json", "scaling.svg"}

    def boom(*a, **k):
        raise RuntimeError("no report")

    monkeypatch.setattr(bench_report, "render_markdown", boom)
    with pytest.raises(RuntimeError):
        bench_report.write_results(results, path, "make bench")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first


@pytest.mark.parametrize("module", ["bench", "bench_report", "bench_workers"])
def test_the_examples_run(module):
    import doctest

    failed, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failed == 0
