"""The generated corpus: deterministic, varied, and parsed back to its ground truth.

Plans generated from the seeds by ``benchmarks/synth.py`` remix their sections and
tasks into layouts, numberings and encodings no seed has in that combination;
the parser must recover each plan's structure from the text alone.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter

import pytest
from synth import damage_corpus, generate_corpus, generate_plan, read_truth

from compare.corpus import load_corpus
from compare.parse import parse_plan

N = 120  # plans checked one by one: every layout × numbering combination occurs


@pytest.fixture(scope="module")
def generated():
    return [generate_plan(i, seed=0) for i in range(N)]


def test_generation_is_deterministic_and_independent_of_n(tmp_path):
    a = generate_corpus(tmp_path / "a", 5, seed=3)
    b = generate_corpus(tmp_path / "b", 8, seed=3)
    assert a == b[:5]
    assert [p.read_bytes() for p in sorted((tmp_path / "a").glob("plan_*"))] == [
        p.read_bytes() for p in sorted((tmp_path / "b").glob("plan_*"))[:5]
    ]
    assert generate_plan(0, seed=4)[1] != generate_plan(0, seed=3)[1]
    assert read_truth(tmp_path / "b") == b


def test_it_covers_every_layout_numbering_and_encoding(generated):
    truths = [t for _, _, t in generated]
    assert {t.layout for t in truths} == {"plain", "markdown", "pdf"}
    assert {t.numbering for t in truths} == {"1.", "1、", "一是", "（一）"}
    assert {t.task_style for t in truths} == {"inline", "bold", "title_line"}
    assert {t.encoding for t in truths} == {"utf-8", "utf-8-sig", "gb18030"}
    assert {t.newline for t in truths} == {"lf", "crlf"}
    assert {t.kind for t in truths} == {"work_points", "medical_admin_points", "five_year_plan"}
    assert {t.levels for t in truths} == {2, 3}
    assert len({t.district for t in truths}) > 30
    raw = b"".join(data for _, data, t in generated if t.encoding != "gb18030").decode(
        "utf-8", "replace"
    )
    for marker in ("— ", "第", "**", "## ", "\r\n", "关于印发《"):
        assert marker in raw


def test_task_texts_are_remixed_not_copied(generated):
    texts = Counter(t for _, _, truth in generated for t in truth.task_texts)
    assert len(texts) >= 0.99 * texts.total()  # (almost) no task text repeats
    titles = {t for _, _, truth in generated for t in truth.task_titles}
    assert len(titles) > 60  # titles come from every seed


def test_the_parser_recovers_the_ground_truth_of_generated_plans(generated):
    wrong = []
    for name, data, truth in generated:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plan = parse_plan(data, source=name)
        d = plan.document
        got = {
            "kind": d.kind,
            "district": d.district,
            "year": d.year,
            "period": (d.period_start, d.period_end),
            "n_sections": len(plan.sections),
            "titles": tuple(t.title for t in plan.tasks),
            "texts": tuple(re.sub(r"\s+", "", t.text) for t in plan.tasks),
            "encoding": plan.encoding,
            "coverage": plan.coverage,
        }
        want = {
            "kind": truth.kind,
            "district": truth.district,
            "year": truth.year,
            "period": (truth.period_start, truth.period_end),
            "n_sections": truth.n_sections,
            "titles": truth.task_titles,
            "texts": truth.task_texts,
            "encoding": truth.encoding,
            "coverage": 1.0,
        }
        diff = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
        if diff:
            wrong.append((name, truth.layout, truth.numbering, sorted(diff)))
    assert wrong == []


def test_the_corpus_loader_recovers_a_generated_folder(tmp_path, isolated_home):
    truths = generate_corpus(tmp_path / "plans", 40, seed=1)
    corpus = load_corpus(tmp_path / "plans", catalog=None)
    assert corpus.failures == []
    docs = corpus.documents.set_index("source_file")
    for t in truths:
        assert docs.loc[t.file, "n_tasks"] == t.n_tasks
        assert docs.loc[t.file, "n_sections"] == t.n_sections
    assert len(corpus.tasks) == sum(t.n_tasks for t in truths)


def test_damage_corpus_damages_the_requested_share(tmp_path):
    generate_corpus(tmp_path, 40, seed=2)
    damaged = damage_corpus(tmp_path, fraction=0.1, seed=2)
    assert len(damaged) == 4
    assert sorted(damaged.values()) == ["binary", "empty", "truncated", "wrong_encoding"]
    assert (tmp_path / next(k for k, v in damaged.items() if v == "empty")).stat().st_size == 0
