"""One computation per cache entry across processes: an exclusive lock per cache key.

The caches under ``data/interim`` are written atomically, so two processes
computing the same entry at once never damage it, but they do the work twice.
``compare render`` runs notebooks in two kernels at once, and several
notebooks start with the same corpus-level work (parsing, coding,
clustering); :func:`computing` makes the second kernel wait for the first
and then read what it wrote; :func:`pickled` is that pattern for one
pickled object under ``data/interim/<kind>/<key>.pkl``::

    table = read(cache)
    if table is None:
        with computing("themes", key):
            table = read(cache)          # written while this process waited?
            if table is None:
                table = compute()
                write_atomic(cache, table)

The lock is ``fcntl.flock`` on ``data/interim/locks/<kind>-<key>.lock``: the
kernel releases it when its holder exits or is killed, so a crashed holder
never blocks the others. Where ``fcntl`` does not exist (Windows) the block
runs unlocked, as before.

Examples
--------
>>> with computing("example", "0123abcd"):
...     pass
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from compare import config
from compare.atomic import write_atomic

__all__ = ["computing", "lock_path", "pickled", "pickled_shared", "read_pickle"]

T = TypeVar("T")

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def lock_path(kind: str, key: str) -> os.PathLike[str]:
    """The lock file of one cache entry (its folder is created).

    Examples
    --------
    >>> lock_path("themes", "ab/12").name
    'themes-ab_12.lock'
    """
    return config.cache_dir("locks") / _SAFE.sub("_", f"{kind}-{key}.lock")


@contextlib.contextmanager
def computing(kind: str, key: str, *, wait: bool = True) -> Iterator[bool]:
    """Hold the exclusive lock of the cache entry ``kind``/``key`` for the block.

    Blocks while another process holds it. Re-read the cache inside the
    block: the other process may have written the entry meanwhile. With
    ``wait=False`` it does not block: the block gets False (and no lock)
    when another process holds it, True when this one took it.
    """
    try:
        import fcntl
    except ImportError:  # no flock here: compute unlocked (the writes are atomic anyway)
        yield True
        return
    fd = os.open(lock_path(kind, key), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def read_pickle(path: Path) -> Any | None:
    """The object pickled at ``path``, or None when it is missing, stale or truncated.

    Examples
    --------
    >>> read_pickle(Path("/nonexistent/entry.pkl")) is None
    True
    """
    if not path.is_file():
        return None
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # a stale or truncated cache is recomputed
        return None


#: What :func:`_fill` returns when another process is computing the entry and it did not wait.
_BUSY = object()


def _fill(
    kind: str,
    key: str,
    compute: Callable[[], T],
    *,
    wait: bool = True,
    valid: Callable[[Any], bool] | None = None,
) -> T | object:
    """Read ``data/interim/<kind>/<key>.pkl``; if missing (or not ``valid``), compute it once.

    The one read-lock-reread-compute-write of :func:`pickled`, :func:`pickled_shared`
    and :func:`compare.coder.fitted_coder`. With ``wait=False`` it returns
    :data:`_BUSY` instead of waiting for another process computing the entry.
    """
    path = config.INTERIM_DIR / kind / f"{key}.pkl"

    def read() -> Any | None:
        value = read_pickle(path)
        return value if value is not None and (valid is None or valid(value)) else None

    value = read()
    if value is None:
        with computing(kind, key, wait=wait) as mine:
            if not mine:
                return _BUSY
            value = read()
            if value is None:
                value = compute()
                write_atomic(config.cache_dir(kind) / path.name, pickle.dumps(value))
    return value


def pickled(
    kind: str, key: str, compute: Callable[[], T], *, valid: Callable[[Any], bool] | None = None
) -> T:
    """The object cached as ``data/interim/<kind>/<key>.pkl``, computed once across processes.

    A process that finds no entry takes the entry's lock (:func:`computing`),
    reads again (another process may have written it meanwhile), and only
    then calls ``compute`` and writes the result atomically. An entry that
    fails ``valid`` (a stale object) is computed again.
    """
    return _fill(kind, key, compute, valid=valid)  # type: ignore[return-value]


def pickled_shared(entries: Sequence[tuple[str, str, Callable[[], Any]]]) -> list[Any]:
    """Several independent :func:`pickled` entries, computed by the processes that need them.

    Each ``(kind, key, compute)`` entry is computed once across processes, as
    by :func:`pickled`. This process first computes the entries no other
    process is computing, then reads the others (waiting for those still
    being computed): two render kernels that need the same independent
    entries at the same time compute one each instead of one waiting for the
    other to compute both. The values are those of :func:`pickled`, whoever
    computed them.
    """
    values = [_fill(kind, key, compute, wait=False) for kind, key, compute in entries]
    return [
        pickled(*entry) if value is _BUSY else value
        for entry, value in zip(entries, values, strict=True)
    ]
