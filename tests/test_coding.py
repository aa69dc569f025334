"""The coded-tasks table: the same files give the same table, whatever the caches hold."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from synth import generate_corpus, generate_plan

from compare import codebook, coder, coding, config, themes, training
from compare.corpus import load_corpus
from compare.exceptions import CompareError
from compare.io import decode_bytes


def _code(folder, interim, monkeypatch):
    """Load and code ``folder`` with the caches in ``interim``."""
    monkeypatch.setattr(config, "INTERIM_DIR", interim)
    corpus = load_corpus(folder, catalog=None)
    return corpus, coding.coded_tasks(corpus.tasks)


def _edit(folder):
    path = sorted(folder.glob("plan_*"))[1]
    text = decode_bytes(path.read_bytes()).text
    at = text.index("。", len(text) // 2) + 1
    path.write_bytes((text[:at] + "同步开展督导检查，及时通报进展。" + text[at:]).encode("utf-8"))


def _same(a: tuple, b: tuple) -> None:
    (corpus_a, coded_a), (corpus_b, coded_b) = a, b
    for table in ("documents", "sections", "tasks", "unassigned"):
        pd.testing.assert_frame_equal(getattr(corpus_a, table), getattr(corpus_b, table))
    pd.testing.assert_frame_equal(coded_a, coded_b, check_exact=True)
    pd.testing.assert_frame_equal(coded_a.attrs["clusters"], coded_b.attrs["clusters"])
    pd.testing.assert_frame_equal(coded_a.attrs["k_table"], coded_b.attrs["k_table"])


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    generate_corpus(folder, 8, seed=0)
    (folder / "truth.jsonl").unlink()
    (folder / "manifest.json").unlink()
    return folder


def test_a_corpus_reached_by_edits_codes_exactly_as_a_cold_run(plans, tmp_path, monkeypatch):
    folder = tmp_path / "plans"
    shutil.copytree(plans, folder)
    history = tmp_path / "history"
    _code(folder, history, monkeypatch)  # caches of the corpus before the edits
    _edit(folder)
    name, data, _ = generate_plan(8, seed=0)
    (folder / name).write_bytes(data)
    incremental = _code(folder, history, monkeypatch)
    cold = _code(folder, tmp_path / "cold", monkeypatch)
    _same(incremental, cold)
    assert len(incremental[1]) > 100 and incremental[1]["cluster"].nunique() > 1
    # and back: removing the added plan gives the first corpus's table again, cell for cell
    (folder / name).unlink()
    back = _code(folder, history, monkeypatch)
    _same(back, _code(folder, tmp_path / "cold-2", monkeypatch))


def test_the_coded_table_does_not_depend_on_file_names(plans, tmp_path, monkeypatch):
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for i, path in enumerate(sorted(plans.glob("plan_*"), reverse=True)):
        shutil.copy(path, renamed / f"z{i:02d}{path.suffix}")
    a = _code(plans, tmp_path / "a", monkeypatch)[1]
    b = _code(renamed, tmp_path / "b", monkeypatch)[1]
    cols = ["task_id", *coding.THEME_COLUMNS]
    pd.testing.assert_frame_equal(
        a[cols].sort_values("task_id").reset_index(drop=True),
        b[cols].sort_values("task_id").reset_index(drop=True),
    )


def test_a_task_is_coded_the_same_alone_or_among_others(isolated_home):
    cb = codebook.load_codebook()
    model = coder.fitted_coder(list(cb["code"]), training.training_examples(cb))
    titles = ["开展世界无烟日宣传活动", "推进中医药传承创新发展", "做好信访稳定工作"]
    texts = [t + "。加强督导。" for t in titles]
    together = model.predict_proba(titles, texts)
    for i in range(3):
        assert np.array_equal(
            model.predict_proba(titles[i : i + 1], texts[i : i + 1]), together[i : i + 1]
        )
    cached = coder.predict_cached(model, titles[:1], texts[:1])  # stores one row
    assert np.array_equal(coder.predict_cached(model, titles, texts), together)
    assert np.array_equal(cached, together[:1])


def test_the_coder_is_trained_once_per_training_set(isolated_home, monkeypatch):
    cb = codebook.load_codebook()
    ex = training.training_examples(cb)
    first = coder.fitted_coder(list(cb["code"]), ex)
    monkeypatch.setattr(coder.ThemeCoder, "fit", lambda *a, **k: pytest.fail("refitted"))
    again = coder.fitted_coder(list(cb["code"]), ex.iloc[::-1])
    assert again.digest == first.digest
    with pytest.raises(pytest.fail.Exception):
        coder.fitted_coder(list(cb["code"]), ex.iloc[1:])  # other training inputs: a new model


def test_the_coder_fitted_ahead_is_the_one_the_coding_uses(plans, tmp_path, monkeypatch):
    fit, fits = coder.ThemeCoder.fit, []
    monkeypatch.setattr(
        coder.ThemeCoder, "fit", lambda self, examples: fits.append(1) or fit(self, examples)
    )
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "ahead")
    model = coding.theme_coder()  # as report 02 does before it reads the plans
    assert len(fits) == 1
    ahead = _code(plans, tmp_path / "ahead", monkeypatch)
    assert len(fits) == 1  # the coding found that model: no second fit
    cold = _code(plans, tmp_path / "cold", monkeypatch)
    assert len(fits) == 2
    _same(ahead, cold)
    assert (
        model.digest
        == coder.fitted_coder(
            list(codebook.load_codebook()["code"]),
            training.training_examples(codebook.load_codebook()),
        ).digest
    )


def test_the_coder_fitted_ahead_of_own_labels_needs_their_tasks(isolated_home, tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("task_id,code\nx-t001,E\n", encoding="utf-8")
    with pytest.raises(CompareError, match="pass the tasks"):
        coding.theme_coder(labels=labels)


@pytest.mark.parametrize("guide, own_theme", [(0.0, False), (0.3, False), (0.0, True)])
def test_the_coded_table_in_parts_is_the_table_in_one_go(
    plans, tmp_path, monkeypatch, guide, own_theme
):
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    book = ""
    if own_theme:  # a theme known by its seed terms alone: the coding then reads the TF-IDF
        book = tmp_path / "codebook.tsv"
        shipped = (config.RESOURCES_DIR / "themes.tsv").read_text(encoding="utf-8")
        book.write_text(
            shipped.rstrip("\n") + "\nZ\t智慧医疗\tdigital care\t互联网医院、智慧医疗\n"
        )
    tasks = load_corpus(plans, catalog=None).tasks
    one_go = coding.coded_tasks(tasks, guide=guide, codebook=book, use_cache=False)
    parts = coding.coded_tasks(tasks, guide=guide, codebook=book)  # coding, clusters apart
    again = coding.coded_tasks(tasks, guide=guide, codebook=book)  # the table, from its cache
    if own_theme:
        cb = codebook.load_codebook(book)
        assert themes.seed_prior(training.training_examples(cb), list(cb["code"])) > 0
    for table in (parts, again):
        pd.testing.assert_frame_equal(table, one_go, check_exact=True)
        for name in ("clusters", "k_table"):
            pd.testing.assert_frame_equal(table.attrs[name], one_go.attrs[name])
        assert {k: v for k, v in table.attrs.items() if k not in ("clusters", "k_table")} == {
            k: v for k, v in one_go.attrs.items() if k not in ("clusters", "k_table")
        }
    assert len(list((tmp_path / "interim" / "themes-coding").glob("*.pkl"))) == 1
    assert len(list((tmp_path / "interim" / "themes-clusters").glob("*.pkl"))) == 1
