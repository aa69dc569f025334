"""Task features: term counts and TF-IDF as scikit-learn builds them, by array operations."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from compare import features

TITLES = [["癌", "筛查"], [], ["医联体"], ["药", "癌"]]
TEXTS = [["癌", "筛查", "早诊", "癌"], ["家庭医生", "签约"], ["医联体", "家庭医生"], ["药"]]


def _docs(weight: int) -> list[list[str]]:
    return [list(t) * weight + list(b) for t, b in zip(TITLES, TEXTS, strict=True)]


def test_term_counts_equal_count_vectorizers():
    for weight in (0, 1, 2):
        counts, vocab = features.term_counts(TITLES, TEXTS, weight)
        vec = CountVectorizer(analyzer=lambda d: d, lowercase=False)
        ref = vec.fit_transform(_docs(weight))
        assert vocab.tolist() == vec.get_feature_names_out().tolist()
        assert (counts != ref).nnz == 0 and counts.has_sorted_indices


def test_term_counts_in_chunks_equal_one_batch():
    rng = np.random.default_rng(0)
    words = ["癌", "筛查", "医联体", "药", "家庭医生", "签约", "早诊", "安宁疗护"]
    titles = [list(rng.choice(words, rng.integers(0, 3))) for _ in range(57)]
    texts = [list(rng.choice(words, rng.integers(0, 9))) for _ in range(57)]
    for weight in (0, 2):
        one, vocab = features._term_counts(titles, texts, weight, chunk=10**6)
        for chunk in (1, 7, 20, 56):
            part, v = features._term_counts(titles, texts, weight, chunk=chunk)
            assert v.tolist() == vocab.tolist() and part.dtype == one.dtype == np.int64
            assert part.shape == one.shape and part.has_sorted_indices
            for a, b in ((part.indptr, one.indptr), (part.indices, one.indices)):
                assert np.array_equal(a, b)
            assert np.array_equal(part.data, one.data)
    empty, v = features._term_counts([[], []], [[], []], 2, chunk=1)
    assert empty.shape == (2, 0) and v.tolist() == []


def test_tfidf_equals_tfidf_vectorizers_and_drops_one_district_terms():
    X, vocab = features.tfidf_matrix(TITLES, TEXTS)
    vec = TfidfVectorizer(analyzer=lambda d: d, lowercase=False, sublinear_tf=True)
    ref = vec.fit_transform(_docs(2))
    assert vocab.tolist() == vec.get_feature_names_out().tolist()
    assert abs(X - ref).max() < 1e-15
    _, shared = features.tfidf_matrix(TITLES, TEXTS, groups=pd.Series(["甲", "乙", "甲", "乙"]))
    assert sorted(shared) == sorted(["家庭医生", "癌"])
    assert "筛查" not in shared and "药" not in shared  # used in one district only


def test_no_tokens_at_all_gives_one_placeholder_column():
    X, vocab = features.tfidf_matrix([[], []], [[], []])
    assert X.shape == (2, 1) and vocab.tolist() == ["<empty>"]
    assert np.allclose(X.toarray(), 1.0)
