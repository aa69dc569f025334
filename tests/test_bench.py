"""The benchmark's bookkeeping: sizes, summaries, the report and the plot (no timing here)."""

from __future__ import annotations

import bench


def _run(n: int, floor: float, stages: dict[str, float | None]) -> dict:
    return {
        "n": n,
        "bytes": n * 18_000,
        "floor": {"seconds": floor, "dict_load_s": 0.6, "peak_rss_mb": 180.0},
        "cold": {
            "tasks": n * 22,
            "stages": [
                {
                    "stage": s,
                    "seconds": t,
                    "peak_rss_mb": 100.0 + i,
                    "note": "" if t else "skipped: x",
                }
                for i, (s, t) in enumerate(stages.items())
            ],
        },
        "warm": {
            "stages": [{"stage": "warm: raw → coded tasks", "seconds": 0.5, "peak_rss_mb": 90.0}],
            "load_s": 0.1,
            "tokens_s": 0.2,
            "code_s": 0.2,
        },
    }


RESULTS = {
    "machine": {
        "cpu": "test cpu",
        "cores": 2,
        "memory_gb": 24,
        "os": "Linux",
        "python": "3.11",
        "versions": {"jieba": "0.42.1"},
        "commit": "abc1234",
        "date": "2026-01-01",
    },
    "seed": 0,
    "sizes": [10, 100],
    "runs": [
        _run(
            10,
            1.0,
            {
                "read+decode": 0.01,
                "parse": 0.2,
                "segment": 0.5,
                "vectorise": 0.1,
                "code": 0.1,
                "align": None,
            },
        ),
        _run(
            100,
            4.0,
            {
                "read+decode": 0.1,
                "parse": 1.0,
                "segment": 2.0,
                "vectorise": 0.5,
                "code": 0.5,
                "align": None,
            },
        ),
    ],
}


def test_sizes_come_from_a_comma_separated_list():
    assert bench.parse_sizes("10,100,1000,10000") == [10, 100, 1000, 10000]
    assert bench.parse_sizes("1_000, 1e4") == [1000, 10000]


def test_summary_adds_the_stages_from_raw_to_coded_and_skips_missing_ones():
    s = bench.summarise(RESULTS["runs"][1])
    assert s["cold_coded_s"] == 1.0 + 2.0 + 0.5 + 0.5
    assert s["whole_s"] == 4.0  # read+decode (measured apart) and the skipped align left out
    assert s["peak_rss_mb"] == 105.0
    assert s["warm_coded_s"] == 0.5


def test_the_report_has_the_machine_every_stage_ratios_and_skip_notes(tmp_path):
    md = bench.render_markdown(RESULTS, "scaling.png", "make bench")
    assert "**2 cores**" in md and "test cpu" in md
    assert "| 100 | 1.8 | 2200 | 4.00 | 4.00 (1.00×)" in md
    assert "| parse |" in md and "0.25×" in md  # 1.0 s against a 4.0 s floor
    assert "N=10, align: skipped: x" in md
    assert "![time against N, log-log](scaling.png)" in md


def test_the_svg_fallback_draws_one_path_per_series():
    svg = bench._svg(
        {"parse": [(10, 0.2), (100, 1.0)], "jieba floor (1 process)": [(10, 1.0), (100, 4.0)]}
    )
    assert svg.startswith("<svg") and svg.count("<path") == 2 and "jieba floor" in svg
