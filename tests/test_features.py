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
