"""The codebook: named themes, their codes and seed terms, and the researcher's overrides.

A codebook is a TSV or CSV with ``code`` and ``theme`` columns (the shared
codebook's format, with ``scope``) and, optionally, ``seed_terms``
(:func:`load_codebook`); themes without seed terms get terms derived from their
names (:func:`terms_from_name`). Coding against it is :func:`compare.themes.code_tasks`.

Examples
--------
>>> cb = load_codebook()
>>> cb.loc[cb.code == "E", "theme"].item()
'中医药'
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import pandas as pd

from compare import config
from compare.exceptions import CodebookError
from compare.text import normalize, tokenize

__all__ = [
    "CODEBOOK_COLUMNS",
    "SEED_COLUMN",
    "CodebookWarning",
    "load_codebook",
    "read_overrides",
    "split_terms",
    "terms_from_name",
]

#: Columns a codebook must have (``scope`` is optional and kept when present).
CODEBOOK_COLUMNS: tuple[str, ...] = ("code", "theme")
#: Optional; without it, seed terms are derived from the Chinese theme names.
SEED_COLUMN = "seed_terms"


class CodebookWarning(UserWarning):
    """A codebook was accepted with a weaker fallback (e.g. no seed terms)."""


def terms_from_name(theme: str) -> tuple[str, ...]:
    """Seed terms derived from a Chinese theme name, for codebooks without ``seed_terms``.

    The name is split at 与/和/及/、/，; each part and its words (segmented with
    the project dictionary, stop words removed) become seed terms.

    Examples
    --------
    >>> terms_from_name("医联体与分级诊疗")
    ('医联体', '分级诊疗')
    """
    parts = [p for p in re.split(r"[与和及、，,/]", normalize(theme or "")) if p]
    words: list[str] = []
    for part in parts:
        words += [w for w in tokenize(part) if len(w) > 1]
    seen: dict[str, None] = {}
    for term in parts + words:
        seen.setdefault(term, None)
    return tuple(seen)


_TERM_SPLIT = re.compile(r"[、,，;；|/\s]+")


def _read_table(path: Path) -> pd.DataFrame:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook file not found") from None
    except UnicodeDecodeError:
        raise CodebookError(f"{path}: codebook is not UTF-8 text") from None
    first = raw.splitlines()[0] if raw.strip() else ""
    sep = "\t" if "\t" in first else ","
    rows = list(csv.reader(raw.splitlines(), delimiter=sep))
    if not rows:
        raise CodebookError(f"{path}: codebook is empty")
    header = [h.strip() for h in rows[0]]
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:] if any(c.strip() for c in r)]
    return pd.DataFrame([r[: len(header)] for r in body], columns=header, dtype=str)


def split_terms(cell: str) -> tuple[str, ...]:
    """Split a ``seed_terms`` cell on 、 , ; | / or white space; drop duplicates.

    Examples
    --------
    >>> split_terms("中医、中医药; 治未病 | 中医")
    ('中医', '中医药', '治未病')
    """
    seen: dict[str, None] = {}
    for term in _TERM_SPLIT.split(normalize(cell or "")):
        if term:
            seen.setdefault(term, None)
    return tuple(seen)


def load_codebook(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a codebook (tab- or comma-separated, UTF-8).

    Parameters
    ----------
    path : str or Path, optional
        Default: the shipped :data:`compare.config.CODEBOOK_FILE`. Required
        columns: ``code`` and ``theme`` (the shared codebook's format, with
        ``scope``); ``seed_terms`` (terms separated by 、 or ``;``) is
        optional: without it, seed terms come from the theme names
        (:func:`terms_from_name`), which codes less accurately (a
        :class:`CodebookWarning` says so). Further columns are kept.

    Returns
    -------
    pandas.DataFrame
        One row per theme, in file order; ``seed_terms`` holds tuples of str.

    Raises
    ------
    CodebookError
        Naming the file and the problem: a missing column, an empty or
        duplicate code, a theme without seed terms.

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.loc[cb.code == "E", "theme"].item()
    '中医药'
    >>> "治未病" in cb.set_index("code").loc["E", "seed_terms"]
    True
    """
    path = Path(path) if path is not None else config.CODEBOOK_FILE
    frame = _read_table(path)
    missing = [c for c in CODEBOOK_COLUMNS if c not in frame.columns]
    if missing:
        raise CodebookError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (a codebook needs {', '.join(CODEBOOK_COLUMNS)}; "
            f"found {', '.join(frame.columns) or 'none'})"
        )
    if frame.empty:
        raise CodebookError(f"{path}: codebook has no themes")
    frame = frame.copy()
    for col in frame.columns:
        frame[col] = frame[col].fillna("").str.strip()
    if (frame["code"] == "").any():
        raise CodebookError(f"{path}: a row has an empty code")
    if (frame["code"] == "?").any():
        raise CodebookError(f"{path}: the code ? is reserved for tasks coded 未定 (unclear)")
    dup = frame["code"][frame["code"].duplicated()].unique().tolist()
    if dup:
        raise CodebookError(f"{path}: duplicate code(s) {', '.join(dup)}")
    if SEED_COLUMN in frame.columns:
        frame[SEED_COLUMN] = frame[SEED_COLUMN].map(split_terms)
    else:
        # Themes that match the shipped codebook (same code and name) take its
        # seed terms; any other theme gets terms derived from its name.
        shipped: dict[tuple[str, str], tuple[str, ...]] = {}
        if path.resolve() != config.CODEBOOK_FILE.resolve() and config.CODEBOOK_FILE.exists():
            ref = load_codebook(config.CODEBOOK_FILE)
            shipped = {
                (c, t): s
                for c, t, s in zip(ref["code"], ref["theme"], ref[SEED_COLUMN], strict=True)
            }
        keys = list(zip(frame["code"], frame["theme"], strict=True))
        derived = [k for k in keys if k not in shipped]
        if derived:
            warnings.warn(
                f"{path}: no seed_terms column; seed terms for {len(derived)} theme(s) are derived "
                "from their names, which codes less accurately (add a seed_terms column)",
                CodebookWarning,
                stacklevel=2,
            )
        frame[SEED_COLUMN] = [shipped.get(k) or terms_from_name(k[1]) for k in keys]
    empty = frame.loc[frame["seed_terms"].map(len) == 0, "code"].tolist()
    if empty:
        raise CodebookError(f"{path}: no seed terms for code(s) {', '.join(empty)}")
    if "scope" not in frame.columns:
        frame["scope"] = ""
    return frame.reset_index(drop=True)


def read_overrides(path: str | Path, codebook: pd.DataFrame) -> pd.DataFrame:
    """Read a researcher's labels file as overrides: CSV with columns ``task_id,code``.

    The same file is also a set of training examples
    (:func:`compare.training.read_labels`, ``code_tasks(labels=...)``).

    Parameters
    ----------
    path : str or Path
        One row per corrected task; other columns (e.g. a note) are ignored.
    codebook : pandas.DataFrame
        From :func:`load_codebook`; every code must be one of its codes.

    Returns
    -------
    pandas.DataFrame
        Columns ``task_id``, ``code``; the last row wins for a repeated task.

    Raises
    ------
    CompareError
        Naming the file: missing columns, or an unknown code (valid codes listed).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "o.csv")
    >>> _ = open(f, "w", encoding="utf-8").write("task_id,code\\nabc-t001,E\\n")
    >>> read_overrides(f, load_codebook()).to_dict("records")
    [{'task_id': 'abc-t001', 'code': 'E'}]
    """
    from compare.training import read_labels

    return read_labels(path, list(codebook["code"]))[["task_id", "code"]]
