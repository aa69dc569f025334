"""compare.report.facts and tables, compare.coding and the comparison set: what the reports state."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from compare import change, coding, load_corpus, selection, themes
from compare.align import best_counterparts, shared_priorities
from compare.exceptions import CompareError
from compare.report import facts, methods, tables
from compare.targets import extract_targets

CITATION = re.compile(r" · L\d+(?:–L\d+)?")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_coded_tasks_is_cached_by_content(isolated_home, corpus, monkeypatch) -> None:
    first = coding.coded_tasks(corpus.tasks, k=4)
    assert first["theme"].notna().all() and first["cluster"].nunique() == 4
    assert first.attrs["k_auto"] is False and len(first.attrs["clusters"]) == 4

    def boom(*args, **kwargs):
        raise AssertionError("recomputed although nothing changed")

    monkeypatch.setattr(themes, "theme_table", boom)
    again = coding.coded_tasks(corpus.tasks, k=4)
    pd.testing.assert_frame_equal(first, again)
    with pytest.raises(AssertionError, match="recomputed"):
        coding.coded_tasks(corpus.tasks, k=5)  # another parameter is another key


def test_comparison_set_lists_the_options_when_nothing_matches(corpus) -> None:
    with pytest.raises(CompareError, match="available: districts"):
        selection.comparison_set(corpus.documents, corpus.tasks, districts=["浦东"])


def test_defaults_are_computed_from_the_data(corpus) -> None:
    counts = corpus.documents["district"].astype(str).value_counts()
    assert selection.default_district(corpus.documents) == counts.index[0]
    with pytest.raises(CompareError, match="available"):
        selection.default_district(corpus.documents, "浦东")
    _, t = selection.comparison_set(corpus.documents, corpus.tasks)
    pair = selection.default_pair(t)
    assert len(pair) == 2 and set(pair) <= set(t["district"].astype(str))


def test_every_table_row_derived_from_a_task_carries_a_citation(corpus) -> None:
    _, t = selection.comparison_set(corpus.documents, corpus.tasks)
    shared = shared_priorities(best_counterparts(t), t)
    table = tables.priorities_table(shared, t, corpus.sections)
    assert len(table) == len(t)  # every task belongs to exactly one priority
    assert table["出处 Source"].str.contains(CITATION).all()
    found = extract_targets(t)
    targets = tables.targets_table(found, t, corpus.sections)
    assert len(targets) == len(found) and targets["出处 Source"].str.contains(CITATION).all()


# --------------------------------------------------------------------------- other corpora


def test_a_corpus_without_the_kind_asked_for_compares_the_kind_most_districts_have(corpus) -> None:
    plans = corpus.documents[corpus.documents["kind"].astype(str) == "five_year_plan"]
    docs, tasks = selection.comparison_set(plans, corpus.tasks)  # default kind: work points
    assert docs["kind"].tolist() == ["five_year_plan"] and len(tasks) > 0
    note = facts.set_facts(docs)["set_note"]
    assert "没有工作要点" in note and "五年规划" in note


def test_the_default_set_keeps_at_most_max_districts_and_says_so(corpus) -> None:
    docs, tasks = selection.comparison_set(corpus.documents, corpus.tasks, max_districts=2)
    assert docs["district"].nunique() == 2 and set(tasks["doc_id"]) <= set(docs["doc_id"])
    assert "松江" in set(docs["district"])  # its work points are the most recent (2026)
    assert "共有 3 个区符合条件" in facts.set_facts(docs)["set_note"]
    named, _ = selection.comparison_set(
        corpus.documents, corpus.tasks, districts=["松江", "长宁", "青浦"], max_districts=2
    )
    assert named["district"].nunique() == 3  # districts named explicitly are never capped


def test_two_documents_with_one_label_stay_apart(corpus) -> None:
    twin = corpus.documents.iloc[[0]].assign(doc_id="twin", label=corpus.documents["label"].iloc[0])
    docs, _ = selection.comparison_set(
        pd.concat([corpus.documents, twin]), corpus.tasks, kinds=[], latest=False
    )
    assert docs["label"].is_unique and docs["label"].str.endswith(" (2)").sum() == 1


def test_comparisons_between_districts_say_why_they_cannot_apply_to_one(corpus) -> None:
    docs, tasks = selection.comparison_set(corpus.documents, corpus.tasks, districts=["长宁"])
    tasks = tasks.assign(theme=["A", "B"] * (len(tasks) // 2) + ["A"] * (len(tasks) % 2))
    why = facts.applicability(docs, tasks)
    assert all("只有一个区（长宁）" in why[k] for k in ("test", "keyness", "pair", "priorities"))
    assert "只有一份文件" in why["similarity"]
    assert facts.share_test(tasks) is None
    stated = facts.share_facts(
        pd.DataFrame({"group": ["长宁"], "theme_name": ["x"], "share": [1.0]}), None, why["test"]
    )
    assert stated["tested"] is False and stated["test_summary"] == why["test"]


def test_change_over_a_single_document_is_stated_not_computed(corpus) -> None:
    from compare.change import sequence

    docs = sequence(corpus.documents, "长宁")
    tasks = corpus.tasks[corpus.tasks["doc_id"].isin(docs["doc_id"])]
    assert change.change_over_time(tasks, docs) == (None, None)
    stated = facts.change_facts(None, None, docs, corpus.documents)
    assert stated["changed"] is False and "无法比较年度变化" in stated["finding"]
    assert "nan" not in stated["finding"]


def test_sentences_count_the_documents_whose_district_year_or_kind_is_unknown(
    isolated_home, partial_dir
) -> None:
    c = load_corpus(partial_dir, catalog=None)
    docs, tasks = selection.comparison_set(c.documents, c.tasks, kinds=[], latest=False)
    stated = facts.set_facts(docs)
    assert stated["n_districts"] == 3  # districts the texts name
    assert "未识别（excerpt_a.txt）" in stated["districts"]
    assert "3 份文件区名未识别" in stated["set_note"] and "不合并" in stated["set_note"]
    rec = tables.records(tasks, c.sections)
    ex = facts.explorer_facts(rec)
    assert (ex["n_docs"], ex["n_districts"], ex["districts"]) == (10, 3, "松江、长宁、青浦")
    assert "3 份文件区名未识别" in ex["unknown_note"]
    assert rec["citation"].str.contains("未识别（excerpt_b.txt）").any()


def test_the_fallback_kind_is_never_decided_by_unknown_districts_or_kinds() -> None:
    d = pd.DataFrame(
        {
            "district": [f"未识别（{i}.txt）" for i in range(4)] + ["甲", "乙"],
            "kind": ["other"] * 4 + ["five_year_plan"] * 2,
            "year": pd.array([None] * 6, dtype="Int64"),
            "period_start": pd.array([None] * 4 + [2021, 2021], dtype="Int64"),
            "period_end": pd.array([None] * 4 + [2025, 2025], dtype="Int64"),
            "doc_id": list("abcdef"),
            "label": list("abcdef"),
            "n_tasks": [1] * 6,
        }
    )
    docs, _ = selection.comparison_set(d, pd.DataFrame({"doc_id": [], "label": []}))
    assert set(docs["kind"]) == {"five_year_plan"}


def test_method_paragraphs_state_the_constants_the_code_uses():
    import inspect
    import json

    from compare import align, change, config, keyness, shares

    text = {s: methods.method_text(s) for s in methods.METHOD_SECTIONS}
    # shares and change: the interval method and level that theme_shares applies
    assert shares.INTERVAL == "Wilson"
    for s in ("shares", "overall_shares", "change"):
        assert f"{shares.LEVEL:.0%} {shares.INTERVAL}" in text[s]
        assert "bootstrap" not in text[s]
    assert inspect.signature(shares.theme_shares).parameters["level"].default == shares.LEVEL
    assert inspect.signature(change.share_change).parameters["level"].default == shares.LEVEL
    zero = shares.theme_shares(
        pd.DataFrame({"district": ["甲"] * 20, "theme": ["A"] * 20}), themes=["B"]
    )
    z = 1.959964
    assert zero.set_index("theme").loc["B", "ci_high"] == pytest.approx(
        z * z / (20 + z * z), abs=1e-4
    )
    # residual cut: the sentence's number is the one share_test flags by
    assert f"+{shares.RESIDUAL_CUT:.2f}" in text["residuals"]
    t = pd.DataFrame(
        {"district": ["甲"] * 10 + ["乙"] * 10, "theme": list("AAAAAAAAAB" + "BBBBBBBBBA")}
    )
    table = shares.share_test(t, n_perm=0).table
    assert ((table["direction"] != "") == (table["residual"].abs() > shares.RESIDUAL_CUT)).all()
    # keyness: minimum document frequency and the lists named
    assert f"至少 {keyness.MIN_DF} 项任务" in text["keyness"]
    assert (
        inspect.signature(keyness.distinctive_terms).parameters["min_df"].default == keyness.MIN_DF
    )
    assert "keyness_stopwords.txt" in text["keyness"] and config.KEYNESS_STOPWORDS_FILE.exists()
    # priorities and echoes: the threshold, one task per district, no connected components
    th = f"{align.DEFAULT_THRESHOLD:.2f}"
    assert th in text["priorities"] and th in text["echoes"]
    assert "至多一项任务" in text["priorities"] and "one task per district" in text["priorities"]
    for fn in (align.shared_priorities, change.echoes):
        assert inspect.signature(fn).parameters["threshold"].default == align.DEFAULT_THRESHOLD
    # the number of closest districts a task is matched in, as best_counterparts keeps them
    assert inspect.signature(align.best_counterparts).parameters["k"].default == align.DEFAULT_K
    assert f"最相近的 {align.DEFAULT_K} 个区" in text["priorities"]
    assert f"in the {align.DEFAULT_K} closest districts" in text["priorities"]
    # the approximate search above APPROX_MIN_TASKS, with its measured recall
    assert inspect.signature(align.best_counterparts).parameters["approx_min_tasks"].default is None
    big = f"{align.APPROX_MIN_TASKS:,}"
    assert (
        f"任务达到 {big} 项时" in text["priorities"]
        and f"From {big} tasks on" in text["priorities"]
    )
    from compare import _alignapprox

    assert f"{_alignapprox.ROW_RECALL:.1%}" in text["priorities"]
    assert f"{_alignapprox.ROW_RECALL_VARIED:.0%}" in text["priorities"]
    # every paragraph is shown by a report, and no report's own prose names a method the code
    # no longer uses (bootstrap intervals, connected components)
    shown = ""
    for path in sorted(config.NOTEBOOKS_DIR.glob("0*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"])
            shown += src
            if cell["cell_type"] == "markdown":
                for stale in ("bootstrap", "连通", "connected"):
                    assert stale not in src, (path.name, stale)
    for s in methods.METHOD_SECTIONS:
        assert f'methods.method_text("{s}")' in shown, s


def test_unknown_method_section_lists_the_options():
    with pytest.raises(CompareError, match="shares"):
        methods.method_text("nope")


def test_cluster_theme_table_flags_a_spread_cluster():
    coded = pd.DataFrame(
        {"cluster": [0] * 6 + [1] * 2, "cluster_label": ["甲"] * 6 + ["乙"] * 2,
         "theme": ["A", "A", "B", "B", "C", "C", "D", "D"], "theme_name": list("xxyyzzww")}
    )  # fmt: skip
    table, stated = tables.cluster_theme_table(coded)
    assert stated["n_flagged"] == 1 and stated["flagged"] == "甲"
    assert table.loc[table["聚类 Cluster"] == 0, "待议 Flag"].item() != ""
