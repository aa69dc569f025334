"""Every path the project uses, defined once.

Notebooks, the CLI and the tests import these names instead of building paths
of their own. ``COMPARE_HOME`` (an environment variable) moves the whole data
and report tree, which the tests use to work in a temporary folder.

Examples
--------
>>> from compare import config
>>> config.RAW_DIR.name
'raw'
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
RESOURCES_DIR: Path = PACKAGE_DIR / "resources"

#: Project root: the folder holding ``data/``, ``notebooks/`` and ``reports/``.
PROJECT_DIR: Path = Path(os.environ.get("COMPARE_HOME", PACKAGE_DIR.parents[1])).resolve()

DATA_DIR: Path = PROJECT_DIR / "data"
RAW_DIR: Path = DATA_DIR / "raw"  # read-only: the plans as published
INTERIM_DIR: Path = DATA_DIR / "interim"  # caches (parsed plans, tokens); safe to delete
PROCESSED_DIR: Path = DATA_DIR / "processed"
CATALOG_FILE: Path = DATA_DIR / "catalog.csv"  # optional facts a text itself lacks

NOTEBOOKS_DIR: Path = PROJECT_DIR / "notebooks"
REPORTS_DIR: Path = PROJECT_DIR / "reports"
BENCHMARKS_DIR: Path = PROJECT_DIR / "benchmarks"

#: Shipped, editable resources: the researcher's files, not code.
CODEBOOK_FILE: Path = RESOURCES_DIR / "themes.tsv"
USER_DICT_FILE: Path = RESOURCES_DIR / "user_dict.txt"
STOPWORDS_FILE: Path = RESOURCES_DIR / "stopwords.txt"
#: Generic policy words never shown as distinctive words (keyness only; see compare.keyness).
KEYNESS_STOPWORDS_FILE: Path = RESOURCES_DIR / "keyness_stopwords.txt"

#: Environment variable capping the worker processes (or threads) one stage may use.
JOBS_ENV: str = "COMPARE_JOBS"


def worker_count() -> int:
    """How many workers a parallel stage (parse, segmentation, alignment, OCR) may use.

    ``COMPARE_JOBS`` when it is set to a positive integer, else the number of
    cores. ``compare render`` sets it for its kernels when two of them share
    the cores, so each kernel works on its own instead of starting workers
    that compete with the other kernel.

    Examples
    --------
    >>> import os
    >>> os.environ["COMPARE_JOBS"] = "1"
    >>> worker_count()
    1
    >>> del os.environ["COMPARE_JOBS"]
    >>> worker_count() == (os.cpu_count() or 1)
    True
    """
    value = os.environ.get(JOBS_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return os.cpu_count() or 1


def cache_dir(kind: str) -> Path:
    """Return (and create) the cache folder for one kind of derived data.

    Parameters
    ----------
    kind : str
        A short name such as ``"parse"`` or ``"tokens"``.

    Returns
    -------
    pathlib.Path
        ``data/interim/<kind>``, created if missing.

    Examples
    --------
    >>> cache_dir("parse").name
    'parse'
    """
    path = INTERIM_DIR / kind
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # data/interim is a file, or cannot be written
        from compare.exceptions import CompareError

        raise CompareError(_folder_problem(path, "the cache folder", exc)) from exc
    return path


def _folder_problem(path: Path, what: str, exc: OSError) -> str:
    """One line naming the part of ``path`` that stops a folder from being made, and the fix."""
    blocker = next((p for p in [path, *path.parents] if p.exists() or p.is_symlink()), path)
    if blocker != path and not blocker.is_dir():
        return (
            f"{blocker}: is a file, so {what} {path} cannot be created; "
            "move the file away (or set COMPARE_HOME to another folder)"
        )
    if path.exists() and not path.is_dir():
        return f"{path}: {what} is a file; move the file away (or set COMPARE_HOME)"
    return (
        f"{path}: {what} cannot be created ({exc.strerror or exc}); "
        f"make {blocker} writable (or set COMPARE_HOME to a writable folder)"
    )
