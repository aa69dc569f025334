"""One computation per cache entry: the lock, and the caches that take it.

``compare render`` runs notebooks in two kernels at once; both start with
the same corpus-level work. These tests check that the second computer of an
entry waits and then reads what the first one wrote, across threads and
processes, and that the lock is let go when its holder dies.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from compare import cachelock, config, corpus
from compare.report import coding_facts

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fcntl.flock")


def _hold(interim: str, held, release, times) -> None:
    """In a child process: take the lock, say so, hold it until told, note the release time."""
    config.INTERIM_DIR = Path(interim)
    with cachelock.computing("themes", "k1"):
        held.set()
        release.wait(20)
        times.append(time.monotonic())


def _hold_and_die(interim: str, held) -> None:
    config.INTERIM_DIR = Path(interim)
    with cachelock.computing("themes", "k1"):
        held.set()
        time.sleep(0.2)
        os._exit(3)  # killed while holding the lock: no finally runs


def test_a_second_process_waits_for_the_holder(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager:
        held, release, times = manager.Event(), manager.Event(), manager.list()
        holder = ctx.Process(target=_hold, args=(str(config.INTERIM_DIR), held, release, times))
        holder.start()
        assert held.wait(20)
        threading.Timer(0.4, release.set).start()
        with cachelock.computing("themes", "k1"):
            got = time.monotonic()
        holder.join(20)
        assert holder.exitcode == 0
        assert got >= times[0]  # entered only after the holder left
    with cachelock.computing("themes", "other"):  # another key is never blocked
        pass


def test_a_holder_that_dies_lets_the_lock_go(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager:
        held = manager.Event()
        holder = ctx.Process(target=_hold_and_die, args=(str(config.INTERIM_DIR), held))
        holder.start()
        assert held.wait(20)
        done = threading.Event()

        def take() -> None:
            with cachelock.computing("themes", "k1"):
                done.set()

        taker = threading.Thread(target=take, daemon=True)
        taker.start()
        assert done.wait(20)  # not stuck behind the dead holder
        holder.join(20)
        assert holder.exitcode == 3


def test_lock_files_are_named_by_kind_and_key(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    path = Path(cachelock.lock_path("corpus", "../x y"))
    assert path.parent == tmp_path / "interim" / "locks"
    assert path.name == "corpus-.._x_y.lock"


def test_two_threads_loading_one_corpus_parse_it_once(tmp_path, monkeypatch, raw_dir) -> None:
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    corpus._MEMO.clear()
    parse_all = corpus._parse_all
    calls = []

    def slow_parse_all(*args, **kwargs):
        calls.append(1)
        time.sleep(0.3)  # both threads arrive while the first one parses
        return parse_all(*args, **kwargs)

    monkeypatch.setattr(corpus, "_parse_all", slow_parse_all)
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: corpus.load_corpus(raw_dir), range(2))
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first.tasks, second.tasks)
    pd.testing.assert_frame_equal(first.documents, second.documents)
    corpus._MEMO.clear()
    alone = corpus.load_corpus(raw_dir, use_cache=False)  # and it is the corpus itself
    pd.testing.assert_frame_equal(alone.tasks, first.tasks)


def test_two_threads_asking_the_accuracy_cross_validate_once(tmp_path, monkeypatch) -> None:
    from compare import coder
    from compare.codebook import load_codebook

    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    calls = []
    table = pd.DataFrame({"group": ["a", "b"], "code": ["E", "F"], "guess": ["E", "E"]})

    def cross_validate(*_: object, **__: object) -> pd.DataFrame:
        calls.append(1)
        time.sleep(0.3)
        return table

    monkeypatch.setattr(coder, "cross_validate", cross_validate)
    cb = load_codebook()
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: coding_facts._cross_validated(cb, None, None), range(3)))
    assert len(calls) == 1
    for result in results:
        pd.testing.assert_frame_equal(result, table)


def test_two_threads_fitting_one_coder_fit_it_once(tmp_path, monkeypatch) -> None:
    from compare import coder, training
    from compare.codebook import load_codebook

    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    fit, calls = coder.ThemeCoder.fit, []

    def slow_fit(self, examples):
        calls.append(1)
        time.sleep(0.3)  # the other threads arrive while the first one fits
        return fit(self, examples)

    monkeypatch.setattr(coder.ThemeCoder, "fit", slow_fit)
    cb = load_codebook()
    ex = training.training_examples(cb)
    with ThreadPoolExecutor(3) as pool:
        models = list(pool.map(lambda _: coder.fitted_coder(list(cb["code"]), ex), range(3)))
    assert len(calls) == 1
    assert len({m.digest for m in models}) == 1
    assert all(m.temperature == models[0].temperature for m in models)


def test_a_process_computes_the_entry_nobody_else_is_computing_first(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    first_started, second_done, calls = threading.Event(), threading.Event(), []

    def first() -> str:
        calls.append("first")
        first_started.set()
        assert second_done.wait(20)  # the other thread computes the second meanwhile
        return "one"

    def second() -> str:
        calls.append("second")
        return "two"

    entries = [("a", "k", first), ("b", "k", second)]
    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(cachelock.pickled, *entries[0])
        assert first_started.wait(20)
        sharer = pool.submit(cachelock.pickled_shared, entries)
        deadline = time.monotonic() + 20
        while "second" not in calls:  # computed while the first is still being computed
            assert time.monotonic() < deadline, "the second entry waited for the first"
            time.sleep(0.01)
        time.sleep(0.05)
        second_done.set()
        assert holder.result(20) == "one"
        assert sharer.result(20) == ["one", "two"]  # it waited for the first, computed the second
    assert calls == ["first", "second"]  # each once
    assert cachelock.pickled_shared(entries) == ["one", "two"]  # then from the cache
    with cachelock.computing("a", "k", wait=False) as mine:
        assert mine
        with cachelock.computing("a", "k", wait=False) as other:
            assert not other  # held: not taken, no waiting
