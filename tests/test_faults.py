"""Faults at scale: damaged files in a generated corpus, and runs killed midway.

A corpus of a few hundred generated plans (see ``benchmarks/synth.py``) stands in
for a province's worth of files. Damaged files must be listed with a reason
without costing any good file; a run killed with SIGKILL must leave caches the
next run uses or repairs by itself, giving the same tables as a clean run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from synth import damage_corpus, generate_corpus

from compare import config
from compare.corpus import load_corpus
from compare.io import decode_bytes

TABLES = ("documents", "sections", "tasks", "unassigned")


def _load(folder: Path, interim: Path, monkeypatch) -> object:
    monkeypatch.setattr(config, "INTERIM_DIR", interim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(folder, catalog=None, n_jobs=1)


def _sorted(df: pd.DataFrame, key: str) -> pd.DataFrame:
    return df.sort_values(key).reset_index(drop=True)


def _assert_same_tables(a, b) -> None:
    keys = {
        "documents": "doc_id",
        "sections": "section_id",
        "tasks": "task_id",
        "unassigned": "block_id",
    }
    for t in TABLES:
        pd.testing.assert_frame_equal(
            _sorted(getattr(a, t), keys[t]), _sorted(getattr(b, t), keys[t])
        )


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated") / "plans"
    generate_corpus(folder, 300, seed=11)
    return folder


@pytest.fixture(scope="module")
def clean(plans, tmp_path_factory):
    """The corpus loaded in one uninterrupted run, with caches of its own."""
    with pytest.MonkeyPatch.context() as mp:
        return _load(plans, tmp_path_factory.mktemp("clean") / "interim", mp)


def test_damaged_files_are_listed_and_no_good_file_is_lost(tmp_path, plans, clean, monkeypatch):
    damaged_dir = tmp_path / "damaged"
    generate_corpus(damaged_dir, 300, seed=11)
    damaged = damage_corpus(
        damaged_dir, fraction=0.01 * 4 / 3, seed=11
    )  # 4 files: one of each kind
    assert sorted(damaged.values()) == ["binary", "empty", "truncated", "wrong_encoding"]

    corpus = _load(damaged_dir, tmp_path / "interim", monkeypatch)

    reasons = dict(corpus.failures)
    assert set(reasons) == set(damaged)
    expect = {"empty": "empty", "binary": "binary", "wrong_encoding": "", "truncated": "truncated"}
    for name, kind in damaged.items():
        assert expect[kind] in reasons[name], (name, kind, reasons[name])
    good = clean.documents["source_file"].isin(set(clean.documents["source_file"]) - set(damaged))
    assert len(corpus.documents) == 300 - len(damaged) == good.sum()
    keep = set(clean.documents.loc[good, "doc_id"])
    subset = type(clean)(
        **{t: getattr(clean, t)[getattr(clean, t)["doc_id"].isin(keep)] for t in TABLES}
    )
    _assert_same_tables(corpus, subset)


@pytest.mark.parametrize("codec", ["big5", "shift_jis", "mojibake"])
def test_a_plan_in_a_foreign_encoding_is_reported_not_parsed(plans, codec):
    text = decode_bytes((plans / "plan_00001.txt").read_bytes()).text
    if codec == "mojibake":
        data = text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    else:
        data = text.encode(codec, errors="replace")
    with pytest.raises(Exception, match="decod"):
        decode_bytes(data, name=f"{codec}.txt")


_CHILD = textwrap.dedent(
    """
    import os, signal, sys, warnings
    import pandas as pd
    mode, folder = sys.argv[1], sys.argv[2]
    if mode == "corpus-write":  # die between two parquet tables of the corpus cache
        original, calls = pd.DataFrame.to_parquet, []
        def to_parquet(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, *args, **kwargs)
        pd.DataFrame.to_parquet = to_parquet
    from compare.corpus import load_corpus
    warnings.simplefilter("ignore")
    load_corpus(folder, catalog=None, n_jobs=2 if mode == "parsing" else 1)
    """
)


@pytest.mark.parametrize("when", ["parsing", "corpus-write"])
def test_a_run_killed_midway_leaves_caches_the_next_run_recovers_from(
    tmp_path, plans, clean, monkeypatch, when
):
    home = tmp_path / "home"
    env = {**os.environ, "COMPARE_HOME": str(home)}
    interim = home / "data" / "interim"
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, when, str(plans)],
        env=env,
        start_new_session=True,  # its own process group: the loky workers die with it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        if when == "parsing":  # kill once part of the per-file cache is written
            deadline = time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                if len(list((interim / "parse").rglob("*.json"))) >= 60:
                    break
                time.sleep(0.02)
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    cached = list((interim / "parse").rglob("*.json"))
    assert 0 < len(cached) < 300 if when == "parsing" else len(cached) == 300
    assert not list((interim / "corpus").glob("*/COMPLETE"))

    recovered = _load(plans, interim, monkeypatch)  # no cleanup in between
    assert recovered.failures == clean.failures == []
    _assert_same_tables(recovered, clean)
    assert len(list((interim / "corpus").glob("*/COMPLETE"))) == 1
    _assert_same_tables(_load(plans, interim, monkeypatch), clean)  # and the cache now serves it
