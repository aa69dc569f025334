"""Float rows kept per content hash."""

from __future__ import annotations

import numpy as np

from compare.rowcache import RowCache


def test_rows_come_back_bit_for_bit_and_writers_merge(tmp_path):
    store = RowCache(tmp_path, width=3)
    rows = {f"{i:02x}" + "ab" * 31: np.random.default_rng(i).random(3) for i in range(40)}
    first, second = dict(list(rows.items())[:20]), dict(list(rows.items())[20:])
    store.put(first)
    RowCache(tmp_path, width=3).put(second)  # another writer: the first rows stay
    got = store.get(rows)
    assert set(got) == set(rows)
    assert all(np.array_equal(got[k], rows[k]) for k in rows)


def test_a_damaged_or_foreign_shard_is_ignored(tmp_path):
    store = RowCache(tmp_path, width=2)
    store.put({"00aa": np.array([1.0, 2.0])})
    (shard,) = tmp_path.glob("*.npz")
    assert RowCache(tmp_path, width=5).get(["00aa"]) == {}  # rows of another width
    shard.write_bytes(b"not an npz")
    assert store.get(["00aa"]) == {}
    store.put({"00bb": np.array([3.0, 4.0])})  # rewritten whole
    assert sorted(store.get(["00aa", "00bb"])) == ["00bb"]
