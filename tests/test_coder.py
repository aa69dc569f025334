"""Tests of compare.coder: notes, labels, training examples, the model, cross-validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from compare import coder, training
from compare.codebook import CodebookWarning, load_codebook
from compare.exceptions import CompareError


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def model(codebook):
    return coder.ThemeCoder(list(codebook["code"])).fit(training.training_examples(codebook))


def test_every_shipped_theme_has_chinese_notes_and_examples(codebook):
    notes = training.load_notes().set_index("code")
    assert list(notes.index) == list(codebook["code"])
    for code, row in notes.iterrows():
        assert row["include"] and row["exclude"], code
        assert len(row["examples"]) >= 3, code
    assert "→ K" in notes.loc["P", "exclude"]  # health weeks and awareness days go to K


def test_the_seed_labels_ship_with_their_text():
    seeds = training.seed_labels()
    assert len(seeds) == 110 and seeds["task_id"].is_unique
    assert (seeds["text"].str.len() > seeds["title"].str.len()).all()


@pytest.mark.parametrize(
    ("title", "body", "code"),
    [
        ("开展世界无烟日主题宣传", "组织进社区宣传活动，普及控烟知识。", "K"),
        ("组织全民营养周活动", "开展合理膳食宣传，发放限盐勺。", "K"),
        ("推进医养结合机构建设", "支持卫生院开展医养结合服务。", "I"),
        ("深化公立医院薪酬制度改革", "完善绩效考核和薪酬分配。", "N"),
        # near-misses the notes settle by scope (wording in neither notes nor held-out sets)
        ("加快定向医学生培养", "与医学院校签订定向培养协议，毕业后回乡镇卫生院服务。", "T"),
        ("落实健康中国行动年度重点任务", "开展专项行动监测评估。", "K"),
        ("开展大型医院巡查", "对辖区三级医院开展巡查。", "O"),
        ("推进妇幼保健院标准化建设", "对标等级评审要求规范科室设置和业务管理。", "H"),
        ("市妇幼保健院整体搬迁", "新院区主体完工，年内完成搬迁。", "A"),
    ],
)
def test_awareness_days_and_other_wordings_find_their_theme(model, codebook, title, body, code):
    P = model.predict_proba([title], [f"{title}。{body}"])
    assert codebook["code"][int(P.argmax())] == code


def test_probabilities_are_calibrated_rows(model):
    P = model.predict_proba(["加强卫生应急"], ["加强卫生应急。完善应急预案。"])
    assert P.shape == (1, 18) and np.isclose(P.sum(), 1.0)
    assert 0 < model.temperature < 3


def test_training_does_not_depend_on_row_order(codebook):
    ex = training.training_examples(codebook)
    a = coder.ThemeCoder(list(codebook["code"]), calibrate=False).fit(ex)
    b = coder.ThemeCoder(list(codebook["code"]), calibrate=False).fit(ex.iloc[::-1])
    x = (["推进家庭医生签约"], ["推进家庭医生签约。做实签约服务。"])
    np.testing.assert_allclose(a.predict_proba(*x), b.predict_proba(*x))


def test_researcher_labels_become_training_examples(codebook):
    tasks = pd.DataFrame(
        {
            "task_id": ["x-t001"],
            "doc_id": ["x"],
            "title": ["办好健康讲堂"],
            "text": ["办好健康讲堂。"],
        }
    )
    labels = pd.DataFrame({"task_id": ["x-t001"], "code": ["K"]})
    ex = training.training_examples(codebook, labels=labels, tasks=tasks)
    mine = ex[ex["source"] == "label"]
    assert mine[["title", "code", "group"]].values.tolist() == [["办好健康讲堂", "K", "x"]]


def test_a_users_own_theme_uses_no_shipped_examples(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("code\ttheme\tscope\nE\t健康城市\thealthy cities\n", encoding="utf-8")
    with pytest.warns(CodebookWarning):
        mine = load_codebook(path)
    ex = training.training_examples(mine)
    assert ex["source"].tolist() == ["terms"]  # E here is not the shipped 中医药


def test_the_shared_codebook_format_uses_the_shipped_notes_and_labels(tmp_path, codebook):
    path = tmp_path / "shared.tsv"
    codebook[["code", "theme", "scope"]].to_csv(path, sep="\t", index=False)
    shared = load_codebook(path)
    assert set(training.training_examples(shared)["source"]) == {"seed", "note", "terms"}


def test_labels_with_an_unknown_code_list_the_valid_codes(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("task_id,code\na-t001,ZZ\n", encoding="utf-8")
    with pytest.raises(CompareError, match="valid codes: A, B"):
        training.read_labels(path, ["A", "B"])


def test_leave_one_district_out_holds_out_every_district(codebook):
    cv = coder.cross_validate(codebook, by="district")
    assert len(cv) == 110 and cv["group"].nunique() == 3
    acc = coder.accuracy(cv, coder.DEFAULT_THRESHOLD)
    assert acc["top2"] >= acc["top1"] > 1 / 18  # far above chance
    assert 0 <= acc["unclear"] < 1


def test_char_ngram_counts_equal_scikit_learns(model):
    vw, vc, clf = model._fitted
    texts = [
        "推进中医药  传承\n\n创新",
        "ＡＥＤ１５０台 AED",
        "",
        "世界无烟日。世界无烟日。",
        "a\tb  c",
    ]
    ref = vc.transform(texts)
    ours = vc._tfidf.transform(coder._char_counts(vc, texts, chunk=2))
    assert np.array_equal(ref.indptr, ours.indptr) and np.array_equal(ref.indices, ours.indices)
    assert np.array_equal(ref.data, ours.data)


def test_prediction_in_chunks_gives_the_rows_of_one_batch(model, monkeypatch):
    titles = [
        "开展世界无烟日宣传活动",
        "推进紧密型医联体建设",
        "加强老年健康服务",
        "建设区域中医医疗中心",
        "完善院前急救网络",
    ]
    texts = [t + "。" for t in titles]
    whole = model.predict_proba(titles, texts)
    monkeypatch.setattr(coder, "PREDICT_CHUNK", 2)
    chunked = coder.predict_cached(model, titles, texts, use_cache=False)
    np.testing.assert_array_equal(chunked, whole)
