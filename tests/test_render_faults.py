"""Fault injection for the reports and their caches (issue 13).

Each test reproduces one way a user or a scheduler can hurt a run: renders
interrupted or run side by side, crafted parameters, concurrent cache writers,
renamed plan files, a reports or cache folder that is not a folder. The slow
ones (marked ``slow`` and ``notebooks``) render one or two notebooks only.
"""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compare import config, findings, themes
from compare.atomic import write_atomic
from compare.cli import main
from compare.corpus import load_corpus
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


def test_six_threads_caching_the_same_coded_tasks_all_succeed(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    tasks = pd.DataFrame(
        {
            "task_id": [f"a-t{i:03d}" for i in range(2000)],
            "title": ["推进中医药传承创新发展"] * 2000,
            "text": ["建设中医馆。" * 20] * 2000,
            "district": ["长宁"] * 2000,
        }
    )
    barrier = threading.Barrier(6)

    def theme_table(tasks: pd.DataFrame, **_: object) -> pd.DataFrame:
        barrier.wait(10)  # every writer computes, then all write at once
        out = tasks[["task_id"]].copy()
        for col in findings._THEME_COLUMNS:
            out[col] = "E" if col != "cluster" else 0
        return out

    monkeypatch.setattr(themes, "theme_table", theme_table)
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: findings.coded_tasks(tasks), range(6)))
    assert all(r["theme"].eq("E").all() for r in results)
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
        "shares": theme_shares(coded, weight="chars", n_boot=300),
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
        theme_shares(t, weight="chars", n_boot=200),
        theme_shares(shuffled, weight="chars", n_boot=200),
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
    a = themes.cluster_tasks(t, k=3, seed=0)
    b = themes.cluster_tasks(shuffled, k=3, seed=0)
    assert dict(zip(t["task_id"], a.labels, strict=True)) == dict(
        zip(shuffled["task_id"], b.labels, strict=True)
    )
    pd.testing.assert_frame_equal(a.summary, b.summary)


# --------------------------------------------------------------------------- 8. messages


@pytest.mark.parametrize("value", ["-5", "0"])
def test_n_boot_below_one_is_refused_in_one_line(raw_dir, capsys, value):
    with pytest.raises(SystemExit) as exc:
        main(["shares", str(raw_dir), "--n-boot", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--n-boot: must be 1 or more" in err and "Traceback" not in err


def test_theme_shares_refuses_a_negative_resample_count():
    t = pd.DataFrame({"district": ["甲"], "theme": ["A"]})
    with pytest.raises(Exception, match="n_boot must be a whole number, 0 or more; got -5"):
        theme_shares(t, n_boot=-5)


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
