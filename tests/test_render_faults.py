"""Fault injection for the reports and their caches (issue 13).

Each test reproduces one way a user or a scheduler can hurt a run: renders
interrupted or run side by side, crafted parameters, concurrent cache writers,
renamed plan files, a reports or cache folder that is not a folder. The slow
ones (marked ``slow`` and ``notebooks``) render one or two notebooks only.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import html
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from compare import clusters, coding, config, report, themes
from compare.atomic import write_atomic
from compare.cli import main
from compare.corpus import load_corpus
from compare.exceptions import CompareError
from compare.report import manifest, rendering
from compare.shares import share_test, theme_shares

# --------------------------------------------------------------------------- 3. atomic caches


def _hammer(target: str, marker: int, start, rounds: int) -> None:
    start.wait(10)
    for i in range(rounds):
        write_atomic(target, f"{marker}:{i}:".encode() + bytes([marker]) * 50_000)


def test_six_processes_writing_one_file_at_once_all_succeed(tmp_path):
    target = tmp_path / "cache" / "same.bin"
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(6)
    procs = [ctx.Process(target=_hammer, args=(str(target), m, start, 40)) for m in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 6
    data = target.read_bytes()
    marker = int(data.split(b":")[0])
    assert data.endswith(bytes([marker]) * 50_000)  # one writer's whole file, never a mix
    assert [p.name for p in target.parent.iterdir()] == ["same.bin"]  # no temporary left


def test_six_threads_caching_the_same_coded_tasks_all_succeed_and_code_once(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    tasks = pd.DataFrame(
        {
            "task_id": [f"a-t{i:03d}" for i in range(2000)],
            "title": ["推进中医药传承创新发展"] * 2000,
            "text": ["建设中医馆。" * 20] * 2000,
            "district": ["长宁"] * 2000,
        }
    )
    calls = []

    def theme_table(tasks: pd.DataFrame, **_: object) -> pd.DataFrame:
        calls.append(threading.get_ident())
        time.sleep(0.3)  # long enough for every thread to arrive while the first one codes
        out = tasks[["task_id"]].copy()
        for col in coding.THEME_COLUMNS:
            out[col] = "E" if col != "cluster" else 0
        return out

    monkeypatch.setattr(themes, "theme_table", theme_table)
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: coding.coded_tasks(tasks), range(6)))
    assert all(r["theme"].eq("E").all() for r in results)
    assert len(calls) == 1  # the others waited on the entry's lock, then read the cache
    written = list((tmp_path / "interim" / "themes").iterdir())
    assert len(written) == 1 and written[0].suffix == ".pkl"


# --------------------------------------------------------------------------- 4. order


@pytest.fixture(scope="module")
def renamed_raw(tmp_path_factory, raw_dir) -> Path:
    """The seed plans under other names, so that the folder lists them in reverse order."""
    folder = tmp_path_factory.mktemp("renamed") / "raw"
    folder.mkdir()
    files = sorted(raw_dir.glob("*.txt"))
    for i, path in enumerate(reversed(files)):
        shutil.copyfile(path, folder / f"{i:02d}_plan_{chr(ord('z') - i)}.txt")
    return folder


def _analysis(folder: Path) -> dict[str, object]:
    tasks = load_corpus(folder, catalog=None).tasks
    table = themes.theme_table(tasks).drop(columns=["source_file"])
    coded = tasks.merge(table[["task_id", "theme", "theme_name"]], on="task_id")
    test = share_test(coded, n_perm=300)
    return {
        "tasks": tasks["task_id"].tolist(),
        "table": table.sort_values("task_id").reset_index(drop=True),
        "clusters": table.attrs["clusters"],
        "k_table": table.attrs["k_table"],
        "shares": theme_shares(coded, weight="chars"),
        "test": test,
    }


@pytest.mark.slow
def test_renamed_and_reordered_plans_give_the_same_themes_clusters_and_shares(
    raw_dir, renamed_raw, isolated_home
):
    a, b = _analysis(raw_dir), _analysis(renamed_raw)
    assert a["tasks"] != b["tasks"]  # the rows really came in another order
    pd.testing.assert_frame_equal(a["table"], b["table"])
    pd.testing.assert_frame_equal(a["clusters"], b["clusters"])
    pd.testing.assert_frame_equal(a["k_table"], b["k_table"])
    pd.testing.assert_frame_equal(a["shares"], b["shares"])
    pd.testing.assert_frame_equal(a["test"].table, b["test"].table)
    assert (a["test"].chi2, a["test"].p_permutation) == (b["test"].chi2, b["test"].p_permutation)


def test_resampling_follows_task_ids_not_row_order():
    rng = np.random.default_rng(0)
    t = pd.DataFrame(
        {
            "task_id": [f"{d}-t{i:03d}" for d in "ab" for i in range(30)],
            "district": ["甲"] * 30 + ["乙"] * 30,
            "theme": rng.choice(list("ABC"), 60),
            "n_chars": rng.integers(50, 500, 60),
        }
    )
    shuffled = t.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(
        theme_shares(t, weight="chars"),
        theme_shares(shuffled, weight="chars"),
    )
    assert share_test(t, n_perm=200).p_permutation == share_test(shuffled, n_perm=200).p_permutation


def test_clusters_follow_task_ids_not_row_order(isolated_home):
    rng = np.random.default_rng(1)
    titles = [
        "推进中医药传承创新发展",
        "加强医德医风建设",
        "提升传染病监测预警能力",
        "做实家庭医生签约",
    ]
    rows = [
        (f"{'abc'[i % 3]}-t{i:03d}", "长宁青浦松江"[2 * (i % 3) : 2 * (i % 3) + 2], titles[i % 4])
        for i in range(24)
    ]
    t = pd.DataFrame(rows, columns=["task_id", "district", "title"])
    t["text"] = [f"{title}。第{rng.integers(100)}项。" for title in t["title"]]
    shuffled = t.iloc[::-1].reset_index(drop=True)
    a = clusters.cluster_tasks(t, k=3, seed=0)
    b = clusters.cluster_tasks(shuffled, k=3, seed=0)
    assert dict(zip(t["task_id"], a.labels, strict=True)) == dict(
        zip(shuffled["task_id"], b.labels, strict=True)
    )
    pd.testing.assert_frame_equal(a.summary, b.summary)


# --------------------------------------------------------------------------- 8. messages


@pytest.mark.parametrize("value", ["-5", "0"])
def test_n_perm_below_one_is_refused_in_one_line(raw_dir, capsys, value):
    with pytest.raises(SystemExit) as exc:
        main(["shares", str(raw_dir), "--n-perm", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--n-perm: must be 1 or more" in err and "Traceback" not in err


def test_share_test_refuses_a_negative_permutation_count():
    t = pd.DataFrame({"district": ["甲", "乙"], "theme": ["A", "B"]})
    with pytest.raises(Exception, match="n_perm must be a whole number, 0 or more; got -5"):
        share_test(t, n_perm=-5)


def test_a_file_where_the_cache_folder_belongs_is_one_line_even_without_cache(
    tmp_path, raw_dir, monkeypatch, capsys
):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "interim").write_text("not a folder")
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "data" / "interim")
    assert main(["corpus", str(raw_dir), "--no-cache"]) == 0  # no cache: nothing to refuse
    capsys.readouterr()
    assert main(["corpus", str(raw_dir)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert f"{tmp_path / 'data' / 'interim'}: is a file" in err and "move the file away" in err


# --------------------------------------------------------------------------- 6. non-regular files


def test_parse_on_a_pipe_returns_at_once_with_one_line(tmp_path):
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    run = subprocess.run(
        [sys.executable, "-m", "compare.cli", "parse", str(fifo)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert (
        run.stderr.strip()
        == f"compare: error: {fifo}: is not a regular file (a pipe, device or socket): not read"
    )


def test_parse_on_a_link_to_dev_zero_is_refused_without_reading(tmp_path, capsys):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert main(["parse", str(link)]) == 1
    assert "not a regular file" in capsys.readouterr().err


def test_a_folder_lists_pipes_broken_links_and_folders_named_like_plans(tmp_path, capsys):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(config.RAW_DIR / "qingpu_2025_work_points.txt", folder / "good.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (folder / "dir.txt").mkdir()
    assert main(["corpus", str(folder), "--no-cache"]) == 1
    err = capsys.readouterr().err.strip().split("\n")
    assert len(err) == 3 and all(x.startswith("compare: error: ") for x in err)
    assert {x.split(": ")[2] for x in err} == {"pipe.txt", "gone.md", "dir.txt"}


def test_a_file_over_the_size_cap_is_refused_in_one_line(tmp_path, capsys, monkeypatch):
    from compare import io as cio

    big = tmp_path / "big.txt"
    big.write_bytes((config.RAW_DIR / "qingpu_2025_work_points.txt").read_bytes() * 3)
    monkeypatch.setattr(cio, "MAX_BYTES", 20_000)
    assert main(["parse", str(big)]) == 1
    assert "over the limit of 19.5 KB (set COMPARE_MAX_MB to raise it)" in capsys.readouterr().err


# --------------------------------------------------------------------------- 7. lost structure


def test_items_past_99_are_items_and_control_characters_never_reach_a_title():
    from compare.parse import parse_text

    filler = "说明文字。" * 2000  # control characters after the first 8 KB
    body = "".join(f"{n}、推进第{n}项\x07工作。落实。\n" for n in range(1, 121))
    plan = parse_text(f"一、任务\n{filler}\n{body}99、收尾\x00工作。完成。\n")
    numbers = [t.number for t in plan.tasks]
    assert "100、" in numbers and "120、" in numbers
    assert max(len(t.text) for t in plan.tasks) < 100  # item 99 does not swallow the rest
    assert not any(ch in t.title + t.text for t in plan.tasks for ch in "\x00\x07")


# --------------------------------------------------------------------------- 8. decoding


def test_utf8_cut_inside_a_character_gives_byte_and_line(tmp_path, capsys):
    data = (config.RAW_DIR / "qingpu_2025_work_points.txt").read_bytes()
    cut = tmp_path / "cut.txt"
    cut.write_bytes(data[: len(data) - 1])
    assert main(["parse", str(cut)]) == 1
    err = capsys.readouterr().err
    assert "cut inside a character at byte" in err and "(line " in err


# --------------------------------------------------------------------------- helpers for renders

FIXTURE_NB = Path(__file__).parent / "fixtures" / "notebooks" / "01_fixture.ipynb"


def _home(tmp_path: Path, n_notebooks: int = 1) -> dict[str, Path]:
    """A project tree: notebooks/ (copies of the fixture notebook), data/raw, reports/."""
    home = {
        "home": tmp_path,
        "notebooks": tmp_path / "notebooks",
        "raw": tmp_path / "data" / "raw",
        "out": tmp_path / "reports",
    }
    home["notebooks"].mkdir(parents=True)
    home["raw"].mkdir(parents=True)
    for i in range(1, n_notebooks + 1):
        shutil.copy(FIXTURE_NB, home["notebooks"] / f"0{i}_fixture.ipynb")
    (home["raw"] / "a.txt").write_text("一、加强公共卫生\n1. 推进医联体建设。\n", "utf-8")
    return home


def _render_kwargs(home: dict[str, Path]) -> dict[str, object]:
    return {
        "out_dir": home["out"],
        "notebooks_dir": home["notebooks"],
        "data_dir": home["raw"],
        "progress": None,
    }


def _manifest(out: Path) -> dict[str, dict]:
    data = json.loads((out / "manifest.json").read_text("utf-8"))
    return {e["notebook"]: e for e in data["reports"]}


def _assert_reports_agree_with_manifest(out: Path) -> dict[str, dict]:
    """Every report in the manifest carries, in its own HTML, the key the manifest names."""
    entries = _manifest(out)
    index = (out / "index.html").read_text("utf-8")
    for name, entry in entries.items():
        assert manifest.html_key(out / entry["html"]) == entry["key"], name
        assert html.escape(entry["summary"], quote=False) in index
    return entries


@pytest.fixture()
def fake_execute(monkeypatch):
    """Run notebooks without a kernel: the 'executed' notebook is the notebook itself.

    ``fake_execute.interrupt`` names a notebook whose execution raises
    KeyboardInterrupt, as Ctrl-C does.
    """
    import nbformat

    state = SimpleNamespace(interrupt=None, executed=[])

    def execute(path, nb_json, params, run):
        if path.name == state.interrupt:
            raise KeyboardInterrupt
        state.executed.append((path.name, dict(params)))
        nb = nbformat.reads(json.dumps(nb_json), as_version=4)
        nb.metadata.setdefault("compare", {})["summary"] = f"n = {params.get('n', 3)}"
        return nb

    monkeypatch.setattr(rendering, "execute", execute)
    digest = manifest.source_digest(config.PACKAGE_DIR)  # other work on src/ must not matter
    monkeypatch.setattr(rendering, "source_digest", lambda _: digest)
    return state


# --------------------------------------------------------------------------- 1. trusted reports


def test_the_skip_check_reads_the_key_inside_the_report(tmp_path, fake_execute):
    home = _home(tmp_path)
    kwargs = _render_kwargs(home)
    (first,) = report.render(params={"n": 4}, **kwargs)
    page = home["out"] / "01_fixture.html"
    assert first.status == "rendered" and manifest.html_key(page) == first.key
    (again,) = report.render(params={"n": 4}, **kwargs)
    assert again.status == "skipped"
    # a report left by another run (other parameters), with the manifest still naming ours
    text = page.read_text("utf-8")
    page.write_text(text.replace(first.key, "0" * 64), "utf-8")
    (stale,) = report.render(params={"n": 4}, **kwargs)
    assert stale.status == "rendered" and manifest.html_key(page) == first.key
    page.write_text(text.replace(f'<meta name="compare-key" content="{first.key}">', ""), "utf-8")
    (keyless,) = report.render(params={"n": 4}, **kwargs)
    assert keyless.status == "rendered"
    _assert_reports_agree_with_manifest(home["out"])


def test_the_manifest_is_written_after_each_notebook_so_an_interruption_loses_nothing(
    tmp_path, fake_execute
):
    home = _home(tmp_path, 2)
    kwargs = _render_kwargs(home)
    report.render(params={"n": 4}, **kwargs)
    fake_execute.interrupt = "02_fixture.ipynb"
    with pytest.raises(KeyboardInterrupt):
        report.render(params={"n": 7}, force=True, **kwargs)
    entries = _assert_reports_agree_with_manifest(home["out"])
    assert entries["01_fixture.ipynb"]["parameters"]["n"] == "7"  # 01 finished with n = 7
    assert entries["02_fixture.ipynb"]["parameters"]["n"] == "4"  # 02 kept its old report
    assert "n = 7" in (home["out"] / "index.html").read_text("utf-8")
    fake_execute.interrupt = None
    results = report.render(params={"n": 4}, **kwargs)
    assert [r.status for r in results] == ["rendered", "skipped"]
    assert not list(home["out"].glob(".*.tmp"))
    _assert_reports_agree_with_manifest(home["out"])


def test_a_render_that_finds_the_folder_locked_waits_then_gives_up_in_one_line(
    tmp_path, fake_execute
):
    home = _home(tmp_path)
    home["out"].mkdir()
    lines: list[str] = []
    with open(home["out"] / report.LOCK_NAME, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        started = time.monotonic()
        with pytest.raises(CompareError) as exc:
            report.render(**{**_render_kwargs(home), "progress": lines.append}, lock_timeout=0.6)
    assert 0.5 < time.monotonic() - started < 5
    assert lines == ["waiting for another render of reports/ (pid 4242) to finish, up to 0.6 s"]
    message = str(exc.value)
    assert "\n" not in message and "another render (pid 4242) is still writing it" in message
    assert fake_execute.executed == [] and not (home["out"] / "manifest.json").exists()
    (result,) = report.render(**_render_kwargs(home), lock_timeout=0.6)  # released: it runs
    assert result.status == "rendered"


# --------------------------------------------------------------------------- 2. parameters


PAYLOAD = 'x"; import os; os.system("touch pwned"); "'


@pytest.fixture()
def in_tmp(tmp_path, monkeypatch):
    """Work in tmp_path, reports in tmp_path/reports: a payload would create tmp_path/pwned."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path / "reports")
    return tmp_path


def _refused(capsys, argv: list[str], *needles: str) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("!!set {" + json.dumps(PAYLOAD) + ": null}", "a set value"),
        ("!!binary " + base64.b64encode(PAYLOAD.encode()).decode(), "a bytes value"),
        ('!!python/object/apply:os.system ["touch pwned"]', "-p district: could not determine"),
        ("!!python/name:os.system", "-p district: could not determine"),
        ("2025-01-01", "a date value"),
        (".nan", "nan is not a finite number"),
        ("{1: x}", "a mapping key must be text"),
        ("[长宁, 青浦]", "parameter district of 05_change_over_time must be str, got list"),
    ],
)
def test_a_parameter_that_is_not_plain_data_is_refused_in_one_line(in_tmp, capsys, value, needle):
    _refused(capsys, ["render", "05", "-p", "district", value], needle)
    assert not (in_tmp / "pwned").exists() and not (in_tmp / "reports").exists()


@pytest.mark.parametrize(
    ("yaml_text", "needle"),
    [
        ("codebook: !!binary " + base64.b64encode(PAYLOAD.encode()).decode(), "a bytes value"),
        ("codebook: !!set {a: null}", "a set value"),
        ('codebook: !!python/object/apply:os.system ["touch pwned"]', "cannot read parameters"),
        ("k: eight", "parameter k of 02_themes must be int, got str 'eight'"),
        ("kinds: [work_points, 3]", "parameter kinds of 02_themes must be list[str]"),
    ],
)
def test_a_params_file_with_code_or_wrong_types_is_refused_in_one_line(
    in_tmp, capsys, yaml_text, needle
):
    (in_tmp / "p.yaml").write_text(yaml_text + "\n", "utf-8")
    _refused(capsys, ["render", "02", "--params", str(in_tmp / "p.yaml")], needle)
    assert not (in_tmp / "pwned").exists() and not (in_tmp / "reports").exists()


@pytest.mark.parametrize(
    "value",
    [
        PAYLOAD,
        "\\\"; import os; os.system('touch pwned') #",
        "'''; __import__('os').system('touch pwned'); '''",
        "x\n__import__('os').system('touch pwned')",
        ["长宁", PAYLOAD],
        {PAYLOAD: [PAYLOAD, None, 1.5, True]},
    ],
)
def test_accepted_values_reach_the_notebook_as_data(tmp_path, monkeypatch, value):
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    report.validate_params({"label": value}, [])  # plain data (the type is not the point here)
    nb = parameterize_notebook(load_notebook_node(str(FIXTURE_NB)), {"label": value})
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(injected.source, namespace)  # what the kernel runs
    assert namespace["label"] == value
    assert not (tmp_path / "pwned").exists()


# --------------------------------------------------------------------------- 5. one line per fault


def test_a_reports_folder_that_is_a_file_is_one_line(tmp_path, capsys, fake_execute):
    home = _home(tmp_path)
    home["out"].write_text("not a folder")
    with pytest.raises(CompareError, match=r"reports: is a file, not a reports folder; move it"):
        report.render(**_render_kwargs(home))
    _refused(capsys, ["render", "--out", str(home["out"])], f"{home['out']}: is a file")


def test_an_index_that_is_a_folder_is_refused_before_any_notebook_runs(tmp_path, fake_execute):
    home = _home(tmp_path)
    (home["out"] / "index.html").mkdir(parents=True)
    with pytest.raises(CompareError) as exc:
        report.render(**_render_kwargs(home))
    assert str(exc.value) == (
        f"{home['out'] / 'index.html'}: is a folder where the render writes a file; "
        "move it away and run again"
    )
    assert fake_execute.executed == []


def test_a_reports_folder_that_cannot_be_written_is_one_line(tmp_path, monkeypatch, fake_execute):
    home = _home(tmp_path)
    home["out"].mkdir()
    if os.geteuid() == 0:  # root writes anywhere: refuse the first write as the kernel would
        real_open = os.open

        def refusing_open(path, *args, **kwargs):
            if Path(path).parent == home["out"]:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)
    else:
        home["out"].chmod(0o555)
    try:
        with pytest.raises(CompareError) as exc:
            report.render(**_render_kwargs(home))
    finally:
        home["out"].chmod(0o755)
    assert str(exc.value) == (
        f"{home['out']}: cannot write the reports here (Permission denied); "
        "make the folder writable or choose another one with --out"
    )
    assert fake_execute.executed == []


def test_a_file_where_data_interim_belongs_stops_a_render_before_it_starts(
    tmp_path, monkeypatch, fake_execute
):
    home = _home(tmp_path)
    (home["home"] / "data" / "interim").write_text("x")
    monkeypatch.setattr(config, "INTERIM_DIR", home["home"] / "data" / "interim")
    with pytest.raises(CompareError, match=r"interim: is a file where the cache folder"):
        report.render(**_render_kwargs(home))
    assert fake_execute.executed == []


def test_a_missing_data_folder_is_named_by_its_full_path(in_tmp, capsys):
    missing = in_tmp / "plans" / "nowhere"
    _refused(
        capsys,
        ["render", "01", "-p", "data_dir", str(missing)],
        f"{missing}: the data folder does not exist",
    )


def test_a_home_without_notebooks_is_an_error_not_zero_of_zero_ok(tmp_path, capsys):
    home = tmp_path / "home"
    (home / "data" / "raw").mkdir(parents=True)
    (home / "data" / "raw" / "a.txt").write_text("一、加强公共卫生\n1. 推进医联体建设。\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "render"],
        env={**os.environ, "COMPARE_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "report(s) ok" not in done.stdout
    err = done.stderr.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    assert f"{home / 'notebooks'}: no notebooks to render" in err
    assert not (home / "reports" / "index.html").exists()


def test_an_empty_notebooks_folder_is_refused_before_anything_is_written(tmp_path, fake_execute):
    home = _home(tmp_path, n_notebooks=0)
    with pytest.raises(CompareError, match=r"notebooks: no notebooks to render \(none named"):
        report.render(**_render_kwargs(home))
    assert fake_execute.executed == [] and not home["out"].exists()


@pytest.mark.parametrize("leftover", [None, "README.md", "notes.csv", ".hidden.txt"])
def test_a_data_folder_without_plans_is_one_line_naming_it(
    tmp_path, capsys, fake_execute, leftover
):
    home = _home(tmp_path)
    (home["raw"] / "a.txt").unlink()
    if leftover:
        (home["raw"] / leftover).write_text("不是规划", "utf-8")
    with pytest.raises(CompareError) as exc:
        report.render(**_render_kwargs(home))
    assert str(exc.value).startswith(f"{home['raw']}: the data folder holds no plans (*.txt, *.md")
    assert fake_execute.executed == [] and not (home["out"] / "index.html").exists()
    _refused(
        capsys,
        ["render", "--out", str(home["out"]), "-p", "data_dir", str(home["raw"])],
        f"{home['raw']}: the data folder holds no plans",
        "compare add FILE",
    )


# --------------------------------------------------------------------------- 8. warnings


def test_a_flood_of_scikit_learn_warnings_becomes_one_line(isolated_home):
    t = pd.DataFrame(
        {
            "task_id": [f"a-t{i:03d}" for i in range(30)],
            "district": ["长宁", "青浦", "松江"] * 10,
            "title": ["推进中医药传承创新发展", "加强医德医风建设"] * 15,
        }
    )
    t["text"] = t["title"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clusters.cluster_tasks(t, seed=0)  # automatic k: hundreds of resample fits, no flood
    assert len(caught) <= 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clusters.cluster_tasks(t, seed=0, k=5)  # more clusters than distinct tasks
    assert [w.category for w in caught] == [clusters.ClusteringWarning]
    assert "scikit-learn warned" in str(caught[0].message)
    assert "ConvergenceWarning" in str(caught[0].message)


def test_the_command_line_prints_a_warning_in_one_line(monkeypatch, capsys):
    import compare.cli as cli

    def corpus(args) -> int:
        warnings.warn("first line\n  second line", clusters.ClusteringWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cli, "cmd_corpus", corpus)
    assert cli.main(["corpus", "x"]) == 0
    assert capsys.readouterr().err == "compare: warning: first line second line\n"


# --------------------------------------------------------------------------- 1. real signals


def _slow_home(tmp_path: Path) -> dict[str, Path]:
    """Two fixture notebooks; the second sleeps a minute when n is 7 (the run to interrupt)."""
    home = _home(tmp_path, 2)
    nb = json.loads(FIXTURE_NB.read_text("utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "sleep-when-interrupted",
            "metadata": {},
            "outputs": [],
            "source": "import time\ntime.sleep(60 if n == 7 else 0)",
        }
    )
    (home["notebooks"] / "02_fixture.ipynb").write_text(json.dumps(nb), "utf-8")
    return home


def _cli(home: dict[str, Path], *argv: str) -> subprocess.Popen:
    """``compare render ARGV`` in a process group of its own, in the project tree ``home``."""
    src = str(config.PACKAGE_DIR.parent)
    env = {
        **os.environ,
        "COMPARE_HOME": str(home["home"]),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "compare.cli", "render", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _finish(proc: subprocess.Popen, timeout: float = 240) -> str:
    out, _ = proc.communicate(timeout=timeout)
    return out


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_render_interrupted_between_notebooks_leaves_no_stale_report(tmp_path, jobs):
    # with two kernels the second notebook runs beside the first: Ctrl-C must stop it at once
    home = _slow_home(tmp_path)
    out = home["out"]
    baseline = _cli(home, "-p", "n", "4")
    assert baseline.wait(240) == 0, _finish(baseline)
    for sig in (signal.SIGINT, signal.SIGKILL):
        proc = _cli(home, "-p", "n", "7", "--force", "--jobs", jobs)
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if line.startswith("[1/2] 01_fixture.ipynb: rendered"):
                break
        kernels = _children(proc.pid)
        os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole foreground group; kill -9 too
        rest = _finish(proc, 60)
        for pid in kernels:  # a kernel outliving a killed render: stop it, it is ours
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert proc.returncode == (130 if sig == signal.SIGINT else -signal.SIGKILL), seen + [rest]
        assert "[2/2]" not in rest  # stopped inside the second notebook
        entries = _assert_reports_agree_with_manifest(out)
        assert entries["01_fixture.ipynb"]["parameters"]["n"] == "7"
        assert entries["02_fixture.ipynb"]["parameters"]["n"] == "4"

        again = _cli(home, "-p", "n", "4")
        text = _finish(again)
        assert again.returncode == 0, text
        assert "[1/2] 01_fixture.ipynb: rendered" in text  # not trusted: its key says n = 7
        assert "[2/2] 02_fixture.ipynb: unchanged, skipped" in text
        entries = _assert_reports_agree_with_manifest(out)
        assert {e["parameters"]["n"] for e in entries.values()} == {"4"}
        assert not list(out.glob(".*.tmp"))


@pytest.mark.slow
@pytest.mark.notebooks
def test_two_renders_started_together_take_turns_and_agree(tmp_path):
    home = _home(tmp_path, 2)
    first, second = _cli(home, "01", "-p", "n", "5"), _cli(home, "-p", "n", "6")
    texts = [_finish(first), _finish(second)]
    assert (first.returncode, second.returncode) == (0, 0), texts
    waited = [t for t in texts if "waiting for another render of reports/" in t]
    assert len(waited) == 1, texts
    entries = _assert_reports_agree_with_manifest(home["out"])
    assert set(entries) == {"01_fixture.ipynb", "02_fixture.ipynb"}
    assert entries["02_fixture.ipynb"]["parameters"]["n"] == "6"
    last_n = entries["01_fixture.ipynb"]["parameters"]["n"]  # whichever render ran second
    check = _cli(home, "01", "-p", "n", last_n)
    assert "unchanged, skipped" in _finish(check) and check.returncode == 0
