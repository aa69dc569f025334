"""Fightin' Words log-odds with an informative Dirichlet prior."""

from __future__ import annotations

import pandas as pd
import pytest

from compare import load_corpus
from compare.keyness import distinctive_terms, log_odds_dirichlet, pair_terms
from compare.selection import select_documents, select_tasks


@pytest.fixture(scope="module")
def tasks(raw_dir):
    c = load_corpus(raw_dir)
    return select_tasks(c.tasks, select_documents(c.documents))


def test_a_term_only_one_district_uses_is_positive_there_and_negative_elsewhere(tasks):
    d = distinctive_terms(tasks)
    counts = d.pivot(index="term", columns="group", values="count")
    only_qingpu = counts[(counts["青浦"] >= 3) & (counts.drop(columns="青浦").sum(axis=1) == 0)]
    assert len(only_qingpu) > 0
    term = only_qingpu.index[0]
    z = d[d["term"] == term].set_index("group")["z"]
    assert z["青浦"] > 0 and z["松江"] < 0 and z["长宁"] < 0


def test_the_prior_shrinks_rare_words():
    delta_rare, _ = log_odds_dirichlet([2, 0, 100], [0, 0, 100], [1.0, 1.0, 20.0])
    delta_often, _ = log_odds_dirichlet([40, 0, 100], [0, 0, 100], [1.0, 1.0, 20.0])
    assert 0 < delta_rare[0] < delta_often[0]


def test_pair_terms_sign_follows_the_first_group():
    t = pd.DataFrame({"district": ["甲", "乙"], "text": ["", ""]})
    p = pair_terms(
        t,
        "甲",
        "乙",
        tokens=[["医联体"] * 3 + ["中医"], ["中医", "养老", "养老"]],
        min_count=1,
        min_df=1,
    )
    z = p.set_index("term")["z"]
    assert z["医联体"] > 0 > z["养老"]
    assert p.attrs == {"a": "甲", "b": "乙"}


def test_place_and_hospital_names_are_not_distinctive_words():
    c = load_corpus()
    t = select_tasks(c.tasks, select_documents(c.documents))
    d = distinctive_terms(t)
    top = set(d.groupby("group").head(15)["term"])
    assert not top & {"松江", "长宁区", "青浦", "同仁医院", "天山", "中山"}
    # shared policy words survive even when jieba tags them as names (公立医院: nt)
    assert {"公立医院", "医联体"} <= set(d["term"])
    with_names = distinctive_terms(t, drop_names=False)
    assert "松江" in set(with_names.query("group == '松江'").head(15)["term"])


def _comparisons(raw_dir):
    """Every way the reports group the seeds: districts (default set), documents, all districts."""
    c = load_corpus(raw_dir)
    default = select_tasks(c.tasks, select_documents(c.documents))
    return [(default, "district"), (c.tasks, "label"), (c.tasks, "district")]


def test_top_terms_hold_no_numeral_single_character_or_stop_word(raw_dir):
    from compare.keyness import _NUMERAL, MIN_DF, stop_list

    stops = stop_list()
    assert {"基本", "区域", "推进", "加强", "工作"} <= stops
    for tasks, by in _comparisons(raw_dir):
        d = distinctive_terms(tasks, by=by)
        top = d.groupby("group").head(15)
        assert len(top) and top["group"].nunique() == tasks[by].nunique()
        for term in top["term"]:
            assert len(term) >= 2, (by, term)
            assert not _NUMERAL.match(term), (by, term)
            assert term not in stops, (by, term)
            assert not any(ch.isdigit() for ch in term), (by, term)
        assert (d["n_tasks"] >= MIN_DF).all()


def test_numerals_and_function_characters_are_not_readable():
    from compare.keyness import readable

    for term in ["三", "不", "十四五", "两级", "三个", "第一", "2025", "基本", "区域", "以全"]:
        assert not readable(term), term
    for term in ["医联体", "两癌", "家庭医生", "AED", "三级医院"]:
        assert readable(term), term


def test_a_word_in_one_task_only_is_not_distinctive():
    t = pd.DataFrame({"district": ["甲", "甲", "乙", "乙"], "text": [""] * 4})
    toks = [["医联体"] * 5, ["中医", "养老"], ["中医"], ["养老", "中医"]]
    d = distinctive_terms(t, tokens=toks)
    assert "医联体" not in set(d["term"])
    assert "医联体" in set(distinctive_terms(t, tokens=toks, min_df=1)["term"])


def test_stop_words_are_dropped_even_from_tokens_passed_in():
    t = pd.DataFrame({"district": ["甲", "甲", "乙", "乙"], "text": [""] * 4})
    toks = [["基本", "三", "医联体"], ["基本", "医联体"], ["中医"], ["中医"]]
    assert set(distinctive_terms(t, tokens=toks)["term"]) == {"医联体", "中医"}


def test_name_tags_are_jieba_posseg_tags_of_those_kinds():
    import jieba.posseg

    from compare.keyness import NAME_TAGS, name_tags

    wanted = NAME_TAGS | {"nt"}
    expected = {w: t for w, t in jieba.posseg.dt.word_tag_tab.items() if t in wanted}
    assert name_tags() == expected
    assert len(expected) > 10_000


def test_name_tags_take_the_last_line_of_a_word_listed_twice(tmp_path, monkeypatch):
    import jieba

    from compare import keyness

    dictionary = tmp_path / "dict.txt"
    lines = [
        "松江 5 ns",
        "同仁医院 3 nt",
        "养老 9 ns",
        "养老 9 n",
        "天山 2 n",
        "天山 2 nrt",
        "x 1 v",
    ]
    dictionary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(jieba.dt, "get_dict_file", lambda: dictionary.open("rb"))  # noqa: SIM115
    assert keyness.name_tags() == {"松江": "ns", "同仁医院": "nt", "天山": "nrt"}
