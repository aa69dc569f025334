"""Automatic k: stability of k-means labelings, bounded in cost, cached per corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from compare import stability


def test_choose_k_on_separated_blobs():
    rng = np.random.default_rng(0)
    F = np.repeat(np.eye(5), 8, axis=0) + 0.05 * rng.random((40, 5))
    k, table = stability.choose_k(F, k_range=range(2, 9), n_resamples=5)
    assert k == 5
    assert table.loc[table["k"] == 5, "stability"].item() > 0.95


def test_the_fast_ari_equals_scikit_learns():
    rng = np.random.default_rng(0)
    for n, k in ((50, 3), (400, 30), (7, 7)):
        a, b = rng.integers(0, k, n), rng.integers(0, k, n)
        assert stability._ari(a, b) == adjusted_rand_score(a, b)
    assert stability._ari(np.array([0, 0, 1]), np.array([5, 5, 2])) == 1.0


def test_large_inputs_are_sampled_by_content_so_a_new_row_changes_few_choices():
    keys = [f"doc{i:04d}-t001" for i in range(2000)]
    before = set(np.array(keys)[stability._subsample(2000, 300, 0, keys)])
    after = set(
        np.array(keys + ["new-t001"])[stability._subsample(2001, 300, 0, keys + ["new-t001"])]
    )
    assert len(before - after) <= 1
    assert stability._subsample(2000, 300, 1, keys).tolist() != sorted(
        stability._subsample(2000, 300, 0, keys).tolist()
    )


def test_choose_k_runs_on_at_most_max_rows():
    rng = np.random.default_rng(0)
    F = np.repeat(np.eye(4), 300, axis=0) + 0.05 * rng.random((1200, 4))
    k, table = stability.choose_k(
        F, max_rows=200, n_resamples=4, keys=[str(i) for i in range(1200)]
    )
    assert k == 4
    assert table["k"].max() == 30  # the default range follows the sample's size (200 // 3 > 30)


def test_automatic_k_is_chosen_once_per_corpus(isolated_home, monkeypatch):
    F = np.repeat(np.eye(5), 8, axis=0) + 0.05 * np.random.default_rng(0).random((40, 5))
    first = stability.choose_k_cached(F, k_range=range(2, 9), n_resamples=5)

    def fail(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("k was chosen again")

    monkeypatch.setattr(stability, "choose_k", fail)
    again = stability.choose_k_cached(F, k_range=range(2, 9), n_resamples=5)
    assert again[0] == first[0] == 5
    pd.testing.assert_frame_equal(again[1], first[1], check_dtype=False)
    with pytest.raises(AssertionError, match="chosen again"):  # other parameters: other key
        stability.choose_k_cached(F, k_range=range(2, 8), n_resamples=5)
