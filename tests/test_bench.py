"""The benchmark harness: processes, memory of process trees, homes, edits, a whole tiny run.

No timing is asserted (the machine is shared); what is checked is that the harness
measures what it says: children's memory counted, hung trees killed, the edits change
exactly one task or add one plan, failures reported and previous results kept.
"""

from __future__ import annotations

import json
import os
import sys
import time

import bench
import bench_workers
import pytest
from synth import generate_corpus, generate_plan

from compare.io import decode_bytes
from compare.parse import parse_text

PY = sys.executable


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, 4, seed=0)
    return folder


def test_sizes_come_from_a_comma_separated_list():
    assert bench.parse_sizes("10,100,1000,10000") == [10, 100, 1000, 10000]
    assert bench.parse_sizes("1_000, 1e4") == [1000, 10000]


def test_memory_of_children_is_counted(tmp_path):
    # the parent holds little; its child holds 300 MB for a moment
    # (pages written, not only reserved; held long enough for a 50 ms sampler on a loaded machine)
    child = "b = bytes([1]) * (300 * 2**20); import time; time.sleep(2.5)"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    done = bench.run_process([PY, "-c", code], dict(os.environ), timeout=60)
    assert done["returncode"] == 0
    assert done["peak_rss_mb"] > 300
    assert done["max_processes"] >= 2


def test_proc_fallback_finds_the_same_children():
    code = "import time; time.sleep(5)"
    import subprocess

    proc = subprocess.Popen([PY, "-c", code])
    try:
        assert proc.pid in bench_workers._children_proc(os.getpid())
        assert bench_workers._rss_proc(proc.pid) > 0
    finally:
        proc.kill()
        proc.wait()


def test_a_hung_process_tree_is_killed_and_reported(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    grandchild = "import time; time.sleep(120)"
    code = (
        "import subprocess, sys, time; "
        f"p = subprocess.Popen([sys.executable, '-c', {grandchild!r}]); "
        f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(120)"
    )
    # 12 s: on a loaded 2-core machine two interpreters may take seconds to start
    done = bench.run_process([PY, "-c", code], dict(os.environ), timeout=12)
    assert done["returncode"] is None
    assert "timeout" in bench._error(done, "x", 12)
    import psutil

    pid = int(pid_file.read_text())

    def gone() -> bool:
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    deadline = (
        time.monotonic() + 10
    )  # SIGKILL is delivered asynchronously; a loaded machine is slow
    while not gone() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert gone()


def test_a_failing_worker_is_reported_not_raised(tmp_path):
    out = bench.run_worker("floor", tmp_path / "home", 120, folder=tmp_path / "missing")
    assert "error" in out and "worker floor" in out["error"]


def test_the_floor_segments_every_text_file(corpus, tmp_path):
    out = bench.run_worker("floor", tmp_path / "home", 300, folder=corpus)
    assert "error" not in out, out.get("error")
    assert out["files"] == 4 and out["tokens"] > 1000
    assert out["seconds"] >= out["dict_load_s"] > 0
    assert out["process_peak_rss_mb"] > 0


def test_a_home_holds_the_plans_and_the_notebooks_and_nothing_else(corpus, tmp_path):
    home = bench.make_home(tmp_path / "home", corpus)
    raw = sorted(p.name for p in (home / "data" / "raw").iterdir())
    assert raw == sorted(p.name for p in corpus.glob("plan_*"))
    assert "truth.jsonl" not in raw
    assert {p.name for p in (home / "notebooks").glob("*.ipynb")} == {
        p.name for p in bench_workers.notebooks_dir().glob("*.ipynb")
    }
    (home / "data" / "interim").mkdir()
    bench.make_home(home, corpus)  # a second time: fresh, empty caches
    assert not (home / "data" / "interim").exists()


def test_rewording_changes_one_task_of_one_plan_and_keeps_its_encoding(corpus, tmp_path):
    homes = [bench.make_home(tmp_path / f"h{i}", corpus) for i in range(2)]
    raws = [h / "data" / "raw" for h in homes]
    before = {p.name: p.read_bytes() for p in raws[0].iterdir()}
    edits = [bench.reword_one_plan(r) for r in raws]
    assert edits[0] == edits[1]  # deterministic: both copies get the same edit
    after = {p.name: p.read_bytes() for p in raws[0].iterdir()}
    assert after == {p.name: p.read_bytes() for p in raws[1].iterdir()}
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [edits[0]["file"]]
    old, new = (decode_bytes(d[changed[0]]) for d in (before, after))
    assert old.encoding == new.encoding
    assert (b"\r\n" in before[changed[0]]) == (b"\r\n" in after[changed[0]])
    old_tasks, new_tasks = parse_text(old.text).tasks, parse_text(new.text).tasks
    assert len(old_tasks) == len(new_tasks)
    diff = [(a.id, b.text) for a, b in zip(old_tasks, new_tasks, strict=True) if a.text != b.text]
    assert [d[0] for d in diff] == [edits[0]["task"]] and bench.CLAUSE in diff[0][1]


def test_a_plan_without_tasks_cannot_be_reworded(tmp_path):
    (tmp_path / "note.txt").write_text("没有任务的一段话。\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no plan"):
        bench.reword_one_plan(tmp_path)


def test_the_added_plan_is_the_next_one_of_the_generated_sequence(corpus, tmp_path):
    name = bench.add_one_plan(tmp_path, 4)
    assert name not in {p.name for p in corpus.iterdir()}
    assert (tmp_path / name).read_bytes() == generate_plan(4, 0)[1]


def test_render_lines_are_read_per_report(tmp_path):
    lines = [
        "[1/2] 01_a.ipynb: rendered in 4.1 s (1.50 MB)",
        "[2/2] 02_b.ipynb: unchanged, skipped in 0.0 s (0.20 MB)",
        "2/2 report(s) ok in 4.2 s; index: reports/index.html",
    ]
    code = f"print({chr(10).join(lines)!r})"
    home = tmp_path / "home"
    home.mkdir()
    out = bench.run_render(home, 60, cmd=[PY, "-c", code])
    assert "error" not in out, out.get("error")
    assert [(r["name"], r["status"], r["seconds"], r["mb"]) for r in out["reports"]] == [
        ("01_a.ipynb", "rendered", 4.1, 1.5),
        ("02_b.ipynb", "skipped", 0.0, 0.2),
    ]
    assert out["summary"].startswith("2/2 report(s) ok")


def test_a_failed_run_keeps_the_previous_results(tmp_path, monkeypatch):
    results_md = tmp_path / "benchmarks" / "RESULTS.md"
    results_md.parent.mkdir()
    results_md.write_text("previous good results\n")
    machine = {
        "cpu": "x",
        "cores": 2,
        "memory_gb": 1,
        "os": "o",
        "python": "3",
        "versions": {},
        "commit": "c",
        "date": "d",
    }
    fake = {
        "machine": machine,
        "seed": 0,
        "sizes": [3],
        "e2e_n": 3,
        "runs": [{"n": 3, "floor": {"seconds": 1.0}, "suite_cold": {"error": "boom"}}],
    }
    monkeypatch.setattr(bench, "run_benchmark", lambda *a, **k: fake)
    monkeypatch.setattr(bench.bench_report, "_plot", lambda r: ("scaling.svg", b"<svg/>"))
    monkeypatch.setattr(bench, "BENCH_DIR", tmp_path / "bench")
    assert bench.main(["--sizes", "3", "--out", str(results_md)]) == 1
    assert results_md.read_text() == "previous good results\n"
    failed = (tmp_path / "bench" / "RESULTS.failed.md").read_text()
    assert "N=3 suite_cold: boom" in failed
    assert bench.main(["--sizes", "3", "--out", str(results_md), "--publish-failures"]) == 1
    assert "N=3 suite_cold: boom" in results_md.read_text()


@pytest.mark.slow
@pytest.mark.notebooks
def test_a_whole_run_at_three_plans_measures_every_scenario(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "BENCH_DIR", tmp_path / "bench")
    out = tmp_path / "RESULTS.md"
    code = bench.main(["--sizes", "3", "--e2e-n", "3", "--profile-n", "3", "--out", str(out)])
    results = json.loads(out.with_name("results.json").read_text())
    assert code == 0, results
    run = results["runs"][0]
    for key in ("floor", "suite_cold", "suite_unchanged", "stages", "warm", "profile"):
        assert "error" not in run[key], run[key]
    assert [r["status"] for r in run["suite_cold"]["reports"]] == ["rendered"] * 6
    assert [r["status"] for r in run["suite_unchanged"]["reports"]] == ["skipped"] * 6
    change = run["change"]
    assert change["pipeline_changed"]["tasks"] == run["stages"]["tasks"]
    assert change["pipeline_changed"]["documents"] == 3
    assert change["pipeline_added"]["documents"] == 4
    assert [r["status"] for r in change["render"]["reports"]] == ["rendered"] * 6
    stages = {s["stage"]: s for s in run["stages"]["stages"]}
    assert all(s["seconds"] is not None for s in stages.values()), stages
    assert run["suite_cold"]["max_processes"] >= 2  # the kernel was counted
    md = out.read_text()
    assert "| end to end, every stage incl. rendering, memory of all processes | 3 |" in md
    assert (tmp_path / "scaling.png").exists() or (tmp_path / "scaling.svg").exists()


def test_a_size_that_cannot_be_measured_is_reported_and_the_next_one_runs(monkeypatch):
    def measure(n, *args):
        if n == 3:
            raise OSError("disk full")
        return {"n": n, "floor": {"seconds": 1.0}}

    monkeypatch.setattr(bench, "measure_size", measure)
    results = bench.run_benchmark([3, 4], log=lambda line: None)
    assert [r["n"] for r in results["runs"]] == [3, 4]
    assert bench.bench_report.failures(results) == ["N=3: OSError: disk full"]
