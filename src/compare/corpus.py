"""A folder of plans as pandas DataFrames, cached as parquet.

:func:`load_corpus` parses every ``*.txt``/``*.md`` file below a folder and
returns a :class:`Corpus` with four DataFrames (columns documented in
``docs/CONTRACT.md`` and on :class:`Corpus`). Two caches, both under
``data/interim`` and both keyed by content, never by file name or time:

* per file: the parsed rows, keyed by the file's SHA-256 and the parser
  version, so a changed file is re-parsed alone;
* per corpus: the four tables as parquet, keyed by every file's name and hash
  and the parser version, so an unchanged corpus loads without parsing.

Writes go to a temporary name and are moved into place with ``os.replace``; a
run killed midway leaves at worst an orphaned temporary file, which the next
run ignores and overwrites.

Files that cannot be read are listed in :attr:`Corpus.failures` with the
reason; they never stop the others.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from compare import config
from compare.atomic import atomic_path, write_atomic
from compare.cachelock import computing
from compare.exceptions import PlanInputError
from compare.extract import EXTRACT_VERSION, LOW_CONFIDENCE, extract_cached
from compare.io import PLAN_SUFFIXES, plan_files, read_plan_bytes, sha256_bytes
from compare.labels import fill_unknown, period_text, unknown_note
from compare.parse import PARSER_VERSION, NoTasksWarning, parse_text
from compare.rows import apply_catalog, frame, plan_rows

__all__ = ["Corpus", "load_corpus", "plan_files", "plan_rows", "PLAN_SUFFIXES"]

_VERSION = f"{PARSER_VERSION}+x{EXTRACT_VERSION}+c2"  # c: corpus assembly (copies)
_TABLES = ("documents", "sections", "tasks", "unassigned")


@dataclass
class Corpus:
    """Parsed plans as DataFrames.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per plan: ``doc_id, source_file, sha256, encoding, district,
        issuer, title, kind, year, period_start, period_end, doc_number,
        issue_date, label, n_sections, n_tasks, coverage, exact, format,
        n_pages, publish_date, low_confidence_pages, furniture_lines,
        converted`` (``format`` as in :data:`compare.extract.FORMATS`;
        ``low_confidence_pages`` lists OCR pages below the confidence
        threshold, e.g. ``"3,5"``; ``converted`` is true for a plan read in
        traditional characters).
    sections : pandas.DataFrame
        ``section_id, doc_id, number, title, level, parent, path, line_start,
        line_end``.
    tasks : pandas.DataFrame
        ``task_id, doc_id, source_file, district, year, kind, label,
        section_id, section_path, number, ordinal, title, text, line_start,
        line_end, n_chars, page_start, page_end, page_line_start,
        page_line_end, raw``: pages (and lines within the page) are set for
        paginated sources and NA otherwise; ``raw`` is the task's extracted
        lines as published (traditional characters stay traditional).
    unassigned : pandas.DataFrame
        ``block_id, doc_id, kind, role, section_id, text, line_start,
        line_end``.
    failures : list of (str, str)
        ``(file, reason)`` for each file that could not be used.
    """

    documents: pd.DataFrame
    sections: pd.DataFrame
    tasks: pd.DataFrame
    unassigned: pd.DataFrame
    failures: list[tuple[str, str]] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"Corpus({len(self.documents)} documents, {len(self.sections)} sections, "
            f"{len(self.tasks)} tasks, {len(self.failures)} failures)"
        )

    def copy(self) -> Corpus:
        """A deep copy: callers may change their tables without touching a cached corpus."""
        return Corpus(**{t: getattr(self, t).copy() for t in _TABLES}, failures=list(self.failures))

    def summary(self) -> pd.DataFrame:
        """One row per document: what ``compare corpus`` prints.

        Examples
        --------
        >>> from compare import config
        >>> load_corpus(config.RAW_DIR).summary().columns.tolist()
        ['source_file', 'format', 'pages', 'district', 'year', 'kind', 'sections', 'tasks', 'coverage', 'flags']
        """
        d = self.documents
        year = [
            period_text(*r) for r in zip(d["year"], d["period_start"], d["period_end"], strict=True)
        ]
        return pd.DataFrame(
            {
                "source_file": d["source_file"],
                "format": d["format"],
                "pages": d["n_pages"].astype("string").fillna(""),
                "district": d["district"],
                "year": year,
                "kind": d["kind"],
                "sections": d["n_sections"],
                "tasks": d["n_tasks"],
                "coverage": d["coverage"].map(lambda x: f"{x:.1%}"),
                "flags": [_flags(r) for r in d.to_dict("records")],
            }
        )


def _flags(doc: dict) -> str:
    """What a reader of ``compare corpus`` should check about one document."""
    out = []
    if doc.get("low_confidence_pages"):
        out.append(f"OCR below {LOW_CONFIDENCE:.0f}% on p.{doc['low_confidence_pages']}")
    elif doc.get("format") in ("scan", "image"):
        out.append("OCR")
    if doc.get("converted"):
        out.append("traditional → simplified")
    if doc.get("furniture_lines"):
        out.append(f"{doc['furniture_lines']} header/footer/portal lines set aside")
    out.append(unknown_note(*(doc.get(k) for k in ("district", "year", "kind", "period_start"))))
    return "; ".join(x for x in out if x)


def _parse_file_rows(name: str, data: bytes, digest: str, cache_root: Path | None) -> dict:
    """Rows of one file, from the per-file cache or by parsing (picklable for workers).

    ``cache_root`` comes from the parent process: worker processes import
    :mod:`compare.config` afresh and must not fall back to its default paths.
    """
    use_cache = cache_root is not None
    cache = _rows_path(cache_root or Path(), digest)
    if use_cache:
        rows = _cached_rows(cache_root, digest)
        if rows is not None:
            return rows
    ex = extract_cached(data, name, cache_root.parent / "extract" if cache_root else None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoTasksWarning)
        plan = parse_text(
            ex.text, source=name, sha256=ex.sha256, encoding=ex.encoding, meta=ex.meta
        )
    rows = plan_rows(plan, name, ex)
    rows["warnings"] = [str(w.message) for w in caught if issubclass(w.category, NoTasksWarning)]
    if use_cache:
        write_atomic(cache, json.dumps(rows, ensure_ascii=False))
    return rows


def _rows_path(cache_root: Path, digest: str) -> Path:
    return cache_root / f"{digest[:2]}" / f"{digest}-{_VERSION}.json"


def _cached_rows(cache_root: Path, digest: str) -> dict | None:
    """The rows cached for a file's content, or None (missing or damaged: parse again)."""
    try:
        return json.loads(_rows_path(cache_root, digest).read_bytes())
    except (OSError, ValueError):
        return None


def load_corpus(
    folder: str | Path = config.RAW_DIR,
    *,
    use_cache: bool = True,
    n_jobs: int | None = None,
    catalog: str | Path | None = config.CATALOG_FILE,
    progress: bool = False,
) -> Corpus:
    """Parse every plan below ``folder`` into a :class:`Corpus`.

    Parameters
    ----------
    folder : str or pathlib.Path
        Folder searched recursively for ``*.txt`` and ``*.md`` (README.md
        excepted), or a single file.
    use_cache : bool
        Read and write the parse caches under ``data/interim``.
    n_jobs : int, optional
        Worker processes for parsing files not in the cache; default: 1 for
        fewer than 200 such files, else all cores.
    catalog : str or pathlib.Path, optional
        CSV keyed by ``sha256`` whose non-empty cells fill metadata a text
        lacks; the text always wins.
    progress : bool
        Show a progress bar on stderr while files are read (``compare corpus``
        does on a terminal).

    Returns
    -------
    Corpus

    Raises
    ------
    compare.exceptions.PlanInputError
        ``folder`` does not exist or holds no plan files.

    Examples
    --------
    >>> from compare import config
    >>> corpus = load_corpus(config.RAW_DIR)
    >>> corpus.tasks.groupby("label", observed=True).size().to_dict()["青浦 2025 工作要点"]
    20
    """
    folder = Path(folder)
    if not folder.exists():
        raise PlanInputError(folder, "no such file or folder")
    files = [folder] if not folder.is_dir() else plan_files(folder)
    if not files:
        raise PlanInputError(
            folder, f"holds no plan files ({', '.join('*' + s for s in PLAN_SUFFIXES)})"
        )
    base = folder if folder.is_dir() else folder.parent

    failures: list[tuple[str, str]] = []
    entries: list[tuple[str, bytes, str]] = []
    seen: dict[str, str] = {}
    for path in files:
        name = str(path.relative_to(base))
        try:
            data = read_plan_bytes(path)
        except PlanInputError as err:
            failures.append((name, err.problem))
            continue
        digest = sha256_bytes(data)
        if digest in seen and data.strip():  # empty files are reported as empty, not as copies
            failures.append((name, f"same content as {seen[digest]} (skipped)"))
            continue
        seen[digest] = name
        entries.append((name, data, digest))

    catalog_path = Path(catalog) if catalog else None
    catalog_hash = (
        sha256_bytes(catalog_path.read_bytes()) if catalog_path and catalog_path.exists() else ""
    )
    key_src = "\n".join(f"{n}\t{d}" for n, _, d in entries) + f"\n{_VERSION}\n{catalog_hash}"
    key = hashlib.sha256(key_src.encode("utf-8")).hexdigest()[:24]
    corpus_dir = (config.cache_dir("corpus") if use_cache else config.INTERIM_DIR / "corpus") / key
    memo_key = (str(corpus_dir), tuple(failures))
    if use_cache and memo_key in _MEMO and (corpus_dir / "COMPLETE").exists():
        return _MEMO[memo_key].copy()
    if not use_cache:
        return _parsed(entries, None, n_jobs, progress, catalog_path, corpus_dir, failures)
    cached = _read_corpus_cache(corpus_dir, memo_key, failures)
    if cached is not None:
        return cached
    # one process parses this corpus at a time (two render kernels start alike)
    with computing("corpus", key):
        cached = _read_corpus_cache(corpus_dir, memo_key, failures)
        if cached is not None:
            return cached
        return _parsed(
            entries, config.cache_dir("parse"), n_jobs, progress, catalog_path, corpus_dir, failures
        )


def _read_corpus_cache(
    corpus_dir: Path, memo_key: tuple, failures: list[tuple[str, str]]
) -> Corpus | None:
    """The corpus cached in ``corpus_dir`` (a copy), or None when it is missing or damaged."""
    if not (corpus_dir / "COMPLETE").exists():
        return None
    try:
        import pyarrow.parquet as pq  # faster than pd.read_parquet for small tables

        tables = {t: pq.read_table(corpus_dir / f"{t}.parquet").to_pandas() for t in _TABLES}
        meta = json.loads((corpus_dir / "failures.json").read_text(encoding="utf-8"))
        corpus = _complete(Corpus(**tables, failures=[tuple(f) for f in meta] + failures))
    except (OSError, ValueError):
        return None  # damaged cache: rebuild
    _remember(memo_key, corpus)
    return corpus.copy()


def _parsed(
    entries: list[tuple[str, bytes, str]],
    cache_root: Path | None,
    n_jobs: int | None,
    progress: bool,
    catalog_path: Path | None,
    corpus_dir: Path,
    failures: list[tuple[str, str]],
) -> Corpus:
    """Parse ``entries`` (per-file caches under ``cache_root``) and cache the tables when cached."""
    results = _parse_all(entries, cache_root, n_jobs, progress)
    rows: dict[str, list[dict]] = {t: [] for t in _TABLES}
    parse_failures: list[tuple[str, str]] = []
    copies = _same_plans(entries, results)
    for (name, _, _), res in zip(entries, results, strict=True):
        if isinstance(res, str):
            parse_failures.append((name, res))
            continue
        if name in copies:
            parse_failures.append((name, copies[name]))
            continue
        for w in res.get("warnings", []):
            warnings.warn(w, NoTasksWarning, stacklevel=2)
        for t in _TABLES:
            for r in res[t]:
                if "source_file" in r:
                    r["source_file"] = name
                rows[t].append(r)
    apply_catalog(rows["documents"], catalog_path)
    tables = {t: frame(rows[t], t) for t in _TABLES}
    if cache_root is not None:
        _write_corpus_cache(corpus_dir, tables, parse_failures)
    return _complete(Corpus(**tables, failures=failures + parse_failures))


def _complete(corpus: Corpus) -> Corpus:
    """Unknown districts and labels filled for display (:func:`compare.labels.fill_unknown`).

    Applied on load, not stored: the caches keep what the parser and the
    catalog found, so a catalog added later still fills the facts.
    """
    corpus.documents, corpus.tasks = fill_unknown(corpus.documents, corpus.tasks)
    return corpus


#: Preference among copies of one plan in several formats: a text layer first, OCR last.
_FORMAT_RANK = {
    "text": 0, "docx": 1, "doc": 1, "pdf": 2, "ofd": 2, "html": 3, "mhtml": 3, "scan": 4, "image": 4,
}  # fmt: skip


def _same_plans(entries: list[tuple[str, bytes, str]], results: list) -> dict[str, str]:
    """Files that hold a plan already in the corpus in another format → the reason.

    Two parsed files are one plan when they share a document number and district, or a
    title with a known district and year, *and* most of their task titles
    (Jaccard ≥ 0.6), so that two plans that merely share a generic title are
    never merged. Which copy is kept does not depend on file names or order:
    a text layer before OCR, then more tasks, then the content hash.
    """
    groups: dict[tuple, list[tuple[tuple, str, dict]]] = {}
    for (name, _, digest), res in zip(entries, results, strict=True):
        if isinstance(res, str) or not res["documents"]:
            continue
        doc = res["documents"][0]
        when = doc.get("year") or doc.get("period_start")
        if doc.get("doc_number"):
            key: tuple = ("no", doc["doc_number"], doc.get("district"))
        elif doc.get("title") and doc.get("district") and when:
            key = ("title", doc["title"], doc["district"], when)
        else:
            continue
        rank = (_FORMAT_RANK.get(doc.get("format", "text"), 5), -len(res["tasks"]), digest)
        groups.setdefault(key, []).append((rank, name, res))
    out: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: m[0])
        _, keep_name, keep = members[0]
        kept_titles = {t["title"] for t in keep["tasks"]}
        for _, name, res in members[1:]:
            titles = {t["title"] for t in res["tasks"]}
            union = kept_titles | titles
            if union and len(kept_titles & titles) / len(union) >= 0.6:
                fmt = keep["documents"][0].get("format", "text")
                out[name] = f"same plan as {keep_name} ({fmt}), skipped"
    return out


#: Corpora loaded in this process, keyed by their content key (at most a few):
#: a notebook suite sharing one kernel loads the same corpus once.
_MEMO: dict[tuple, Corpus] = {}
_MEMO_SIZE = 4


def _remember(key: tuple, corpus: Corpus) -> None:
    _MEMO.pop(key, None)
    _MEMO[key] = corpus
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))


def _parse_one(entry: tuple[str, bytes, str], cache_root: Path | None) -> dict | str:
    name, data, digest = entry
    try:
        return _parse_file_rows(name, data, digest, cache_root)
    except PlanInputError as err:
        return err.problem
    except Exception as err:  # noqa: BLE001 - one bad file never stops the rest
        return f"parser error: {type(err).__name__}: {err}"


def _parse_all(
    entries: list[tuple[str, bytes, str]],
    cache_root: Path | None,
    n_jobs: int | None,
    progress: bool = False,
) -> list:
    """Rows of every entry: cached files read here, the others parsed (in parallel when many).

    Only the files not in the per-file cache count towards starting worker
    processes, so one changed plan in a thousand is parsed in this process.
    """
    out: list = [None] * len(entries)
    todo = []
    for i, (_, _, digest) in enumerate(entries):
        rows = _cached_rows(cache_root, digest) if cache_root is not None else None
        if rows is None:
            todo.append(i)
        else:
            out[i] = rows
    if n_jobs is None:
        n_jobs = 1 if len(todo) < 200 else config.worker_count()
    bar = None
    if progress and len(todo) > 1:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="file", desc="reading plans", file=sys.stderr, leave=False)
    if n_jobs == 1:
        results = (_parse_one(entries[i], cache_root) for i in todo)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, batch_size=32, return_as="generator")(
            delayed(_parse_one)(entries[i], cache_root) for i in todo
        )
    for i, res in zip(todo, results, strict=True):
        out[i] = res
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    return out


def _write_corpus_cache(corpus_dir: Path, tables: dict[str, pd.DataFrame], failures: list) -> None:
    corpus_dir.mkdir(parents=True, exist_ok=True)
    (corpus_dir / "COMPLETE").unlink(missing_ok=True)
    for name, df in tables.items():
        with atomic_path(corpus_dir / f"{name}.parquet") as tmp:
            df.to_parquet(tmp, index=False)
    write_atomic(corpus_dir / "failures.json", json.dumps(failures, ensure_ascii=False))
    write_atomic(corpus_dir / "COMPLETE", b"ok\n")
