"""The one atomic file writer: every cache and report file is written through it.

A file is written to a temporary name unique to the writer (``mkstemp`` in the
target's folder, so the final rename never crosses a file system), flushed,
then renamed over the target with ``os.replace``. A reader sees the old file
or the new one, never a part; a writer killed midway leaves at most a hidden
``.<name>.*.tmp`` file that no reader trusts; any number of writers of the same
target can run at once (the last rename wins, each one whole).

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "cache.json"
>>> write_atomic(target, '{"ok": true}')
>>> target.read_text()
'{"ok": true}'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "write_atomic"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, mode: int = 0o644) -> Iterator[Path]:
    """Yield a unique temporary path beside ``path``; on success rename it over ``path``.

    For writers that need a file name (``DataFrame.to_parquet``). On an
    exception the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : path-like
        The target; its folder is created if missing.
    mode : int
        Permissions of the new file (``mkstemp`` makes it 0600).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("x")
    >>> target.read_text()
    'x'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, *, mode: int = 0o644, fsync: bool = False
) -> None:
    """Write ``data`` (str as UTF-8) to ``path`` atomically, through a unique temporary name.

    Parameters
    ----------
    path : path-like
        The target; its folder is created if missing.
    data : str or bytes
        The whole content.
    mode : int
        Permissions of the new file.
    fsync : bool
        Flush the file to disk before the rename (for files that must survive
        a power cut, such as the reports manifest).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "b.bin"
    >>> write_atomic(target, b"\\x00\\x01")
    >>> target.read_bytes()
    b'\\x00\\x01'
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path, mode=mode) as tmp, open(tmp, "wb") as handle:
        handle.write(payload)
        if fsync:
            handle.flush()
            os.fsync(handle.fileno())
