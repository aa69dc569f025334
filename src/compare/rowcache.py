"""Rows of numbers kept per content hash: what one task contributes, computed once.

A :class:`RowCache` stores one float row (e.g. a task's theme probabilities)
under a key that is the hash of everything the row depends on, in a few shard
files under ``data/interim``. Adding or changing one plan then computes the
rows of its tasks alone; every other row is read back bit for bit, so a corpus
reached by edits gives exactly the numbers a cold run gives. Shards are written
atomically (:mod:`compare.atomic`) and merged with what is on disk, so two
writers lose nothing but work; a damaged shard is treated as empty.

Examples
--------
>>> import tempfile
>>> import numpy as np
>>> store = RowCache(tempfile.mkdtemp(), width=2)
>>> store.put({"ab12": np.array([0.25, 0.75])})
>>> store.get(["ab12", "cd34"])["ab12"].tolist()
[0.25, 0.75]
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from compare.atomic import write_atomic

__all__ = ["RowCache"]


class RowCache:
    """Float rows keyed by hex content hashes, in ``shards`` files below ``root``.

    Parameters
    ----------
    root : path
        The folder of one kind of row (its name should carry whatever the rows
        depend on besides the key, e.g. a model digest).
    width : int
        Length of every row; a shard of another width is ignored.
    shards : int
        Number of shard files (a key's shard is its first hex digits).
    """

    def __init__(self, root: str | os.PathLike[str], width: int, shards: int = 16) -> None:
        self.root = Path(root)
        self.width = int(width)
        self.shards = int(shards)
        self._digits = max(1, len(f"{self.shards - 1:x}"))

    def _shard_name(self, key: str) -> str:
        return f"{int(key[: self._digits], 16) % self.shards:02x}.npz"

    def _shard(self, key: str) -> Path:
        return self.root / self._shard_name(key)

    def _load(self, path: Path) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, rows = data["keys"], data["rows"]
        except (OSError, ValueError, KeyError, EOFError):
            return None
        if rows.ndim != 2 or rows.shape[1] != self.width or len(keys) != len(rows):
            return None
        return keys, rows

    def _read(self, path: Path) -> dict[str, np.ndarray]:
        loaded = self._load(path)
        return {} if loaded is None else dict(zip(loaded[0].tolist(), loaded[1], strict=True))

    def lookup(self, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """A matrix with the stored row of each key (zeros where none) and which were found.

        Examples
        --------
        >>> import tempfile
        >>> store = RowCache(tempfile.mkdtemp(), width=1)
        >>> store.put({"0a": np.array([1.5])})
        >>> rows, found = store.lookup(["0b", "0a"])
        >>> rows.ravel().tolist(), found.tolist()
        ([0.0, 1.5], [False, True])
        """
        import pandas as pd

        keys = list(keys)
        rows = np.zeros((len(keys), self.width))
        found = np.zeros(len(keys), dtype=bool)
        shard_of = np.array([self._shard_name(k) for k in keys], dtype=object)
        for name in sorted(set(shard_of.tolist())):
            loaded = self._load(self.root / name)
            if loaded is None:
                continue
            at = np.flatnonzero(shard_of == name)
            idx = pd.Index(loaded[0]).get_indexer([keys[i] for i in at])
            hit = idx >= 0
            rows[at[hit]] = loaded[1][idx[hit]]
            found[at[hit]] = True
        return rows, found

    def get(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored rows of those ``keys`` that have one.

        Examples
        --------
        >>> import tempfile
        >>> RowCache(tempfile.mkdtemp(), width=3).get(["00ff"])
        {}
        """
        wanted: dict[Path, set[str]] = {}
        for key in keys:
            wanted.setdefault(self._shard(key), set()).add(key)
        found: dict[str, np.ndarray] = {}
        for path in sorted(wanted):
            if path.is_file():
                rows = self._read(path)
                found.update((k, rows[k]) for k in wanted[path] if k in rows)
        return found

    def put(self, rows: Mapping[str, np.ndarray]) -> None:
        """Store rows (merged into their shards, written atomically).

        Examples
        --------
        >>> import tempfile
        >>> store = RowCache(tempfile.mkdtemp(), width=1)
        >>> store.put({"0a": np.array([1.0])}); store.put({"0b": np.array([2.0])})
        >>> sorted(store.get(["0a", "0b"]))
        ['0a', '0b']
        """
        by_shard: dict[Path, dict[str, np.ndarray]] = {}
        for key, row in rows.items():
            by_shard.setdefault(self._shard(key), {})[key] = np.asarray(row, dtype=float)
        for path, new in sorted(by_shard.items()):
            merged = {**self._read(path), **new} if path.is_file() else new
            keys = sorted(merged)
            buf = io.BytesIO()
            np.savez(
                buf,
                keys=np.array(keys, dtype=str),
                rows=np.vstack([merged[k] for k in keys]).reshape(len(keys), self.width),
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, buf.getvalue())
