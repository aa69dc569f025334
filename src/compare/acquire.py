"""Bring a plan into ``data/raw``: copy a file or download a URL, and record where it came from.

:func:`add_source` is what ``compare add SOURCE...`` runs for each source. It
reads the bytes (a local regular file, or an http(s) URL with a timeout, a
size limit and a content-type check), extracts and parses them *before*
writing anything, stores the file under a stable readable name made from what
was understood and the content hash (``长宁_2025_work_points_872b105e.pdf``),
read-only, and appends a row to ``data/catalog.csv``: ``sha256, file, source,
retrieved, format``. The same bytes added twice are stored once.

Examples
--------
>>> stable_name("长宁", "2025", "work_points", "872b105e0b7d0000", "pdf")
'长宁_2025_work_points_872b105e.pdf'
"""

from __future__ import annotations

import csv
import re
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from compare import config
from compare.exceptions import PlanInputError

__all__ = ["Added", "add_source", "stable_name", "MAX_BYTES", "CATALOG_COLUMNS"]

#: Largest file accepted (20 MB): government plans are well below it.
MAX_BYTES = 20 * 1024 * 1024
#: Seconds a download may wait for the server.
TIMEOUT = 30.0
#: Content types a plan may come as (a server's ``application/octet-stream``
#: is accepted too, then the content decides).
_ALLOWED_TYPES = (
    "application/pdf",
    "application/x-pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-works",
    "application/kswps",
    "application/wps-office",
    "application/octet-stream",
    "application/x-download",
    "application/force-download",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "multipart/related",
    "message/rfc822",
    "application/x-mimearchive",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "image/bmp",
    "image/webp",
    "application/ofd",
    "application/zip",
)
_SUFFIX = {
    "text": ".txt",
    "pdf": ".pdf",
    "scan": ".pdf",
    "docx": ".docx",
    "doc": ".doc",
    "html": ".html",
    "mhtml": ".mhtml",
    # an image scan keeps its image's kind (add_source passes it for format "image")
    "png": ".png",
    "jpeg": ".jpg",
    "tiff": ".tif",
    "bmp": ".bmp",
    "webp": ".webp",
    "ofd": ".ofd",
}
#: Columns ``compare add`` keeps in the catalog besides the document facts.
CATALOG_COLUMNS = ("sha256", "file", "source", "retrieved", "format")
_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff-]+")


@dataclass(frozen=True)
class Added:
    """What :func:`add_source` stored and understood."""

    path: Path
    new: bool
    sha256: str
    format: str
    district: str | None
    year: str
    kind: str
    n_sections: int
    n_tasks: int
    n_pages: int
    warnings: tuple[str, ...]

    def summary(self) -> str:
        """One line for the terminal."""
        what = " · ".join(
            [
                self.district or "district unknown",
                self.year or "year unknown",
                self.kind,
                self.format + (f", {self.n_pages} pages" if self.n_pages else ""),
                f"{self.n_sections} sections",
                f"{self.n_tasks} tasks",
            ]
        )
        warn = f" · warnings: {'; '.join(self.warnings)}" if self.warnings else ""
        return f"{'added' if self.new else 'already there'} {self.path}: {what}{warn}"


def stable_name(district: str | None, year: str, kind: str, sha256: str, fmt: str) -> str:
    """A readable file name that only the content decides.

    Examples
    --------
    >>> stable_name(None, "", "other", "ab" * 32, "html")
    'unknown_undated_other_abababab.html'
    """
    parts = [district or "unknown", year or "undated", kind or "other"]
    stem = "_".join(_UNSAFE.sub("-", p).strip("-") or "x" for p in parts)
    return f"{stem}_{sha256[:8]}{_SUFFIX.get(fmt, '.bin')}"


def _download(url: str, timeout: float, max_bytes: int) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "compare/0.1 (policy research)"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            ctype = (resp.headers.get_content_type() or "").lower()
            if ctype and not ctype.startswith(_ALLOWED_TYPES):
                raise PlanInputError(
                    url,
                    f"the server sent {ctype}, not a document (PDF, Word, OFD, web page, image scan or text)",
                )
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise PlanInputError(url, f"{int(length):,} bytes, over the limit of {max_bytes:,}")
            data = resp.read(max_bytes + 1)
    except PlanInputError:
        raise
    except urllib.error.HTTPError as err:
        raise PlanInputError(url, f"the server answered {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise PlanInputError(url, f"cannot be downloaded ({err.reason})") from None
    except TimeoutError:
        raise PlanInputError(url, f"no answer within {timeout:g} s") from None
    except OSError as err:
        raise PlanInputError(url, f"cannot be downloaded ({err})") from None
    if len(data) > max_bytes:
        raise PlanInputError(url, f"over the limit of {max_bytes:,} bytes")
    return data


def _existing(raw_dir: Path, sha256: str) -> Path | None:
    """A file in ``raw_dir`` with the same content (matched by the name's hash, then bytes)."""
    from compare.io import sha256_bytes

    for p in sorted(raw_dir.glob(f"*_{sha256[:8]}.*")):
        if p.is_file() and sha256_bytes(p.read_bytes()) == sha256:
            return p
    return None


def _append_catalog(catalog: Path, row: dict[str, str]) -> None:
    """Add one row to the catalog, keeping its comment lines and columns; atomic."""
    from compare.atomic import write_atomic

    comments: list[str] = []
    rows: list[dict[str, str]] = []
    header: list[str] = []
    if catalog.exists():
        lines = catalog.read_text(encoding="utf-8").splitlines()
        comments = [ln for ln in lines if ln.startswith("#")]
        body = [ln for ln in lines if ln and not ln.startswith("#")]
        if body:
            reader = csv.DictReader(body)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    for col in CATALOG_COLUMNS:
        if col not in header:
            header.append(col)
    if any(r.get("sha256") == row["sha256"] for r in rows):
        return
    rows.append(row)
    out = "\n".join(comments) + ("\n" if comments else "")
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r.get(k, "") or "" for k in header})
    write_atomic(catalog, (out + buf.getvalue()).encode("utf-8"))


def add_source(
    source: str,
    raw_dir: str | Path = config.RAW_DIR,
    catalog: str | Path = config.CATALOG_FILE,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> Added:
    """Copy or download one plan into ``raw_dir`` and record it in ``catalog``.

    Parameters
    ----------
    source : str
        A path, or an ``http://`` / ``https://`` URL.
    raw_dir : str or pathlib.Path
        Where plans live (``data/raw``); files there are never changed.
    catalog : str or pathlib.Path
        ``data/catalog.csv``; a row per added file.
    timeout : float
        Seconds a download may wait.
    max_bytes : int
        Largest accepted file.

    Returns
    -------
    Added

    Raises
    ------
    compare.exceptions.PlanInputError
        The source cannot be fetched or is not a plan this project can read;
        nothing is written then.
    """
    from compare.extract import extract_bytes, image_kind
    from compare.io import read_plan_bytes, sha256_bytes
    from compare.labels import unknown_note
    from compare.parse import NoTasksWarning, parse_text

    is_url = bool(re.match(r"^https?://", source, re.I))
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I) and not is_url:
        raise PlanInputError(source, "only http:// and https:// addresses can be downloaded")
    data = _download(source, timeout, max_bytes) if is_url else read_plan_bytes(source, max_bytes)
    digest = sha256_bytes(data)
    ex = extract_bytes(data, name=source)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoTasksWarning)
        plan = parse_text(ex.text, source=source, sha256=digest, encoding=ex.encoding, meta=ex.meta)
    d = plan.document
    year = str(d.year) if d.year else (f"{d.period_start}-{d.period_end}" if d.period_start else "")
    notes = [str(w.message).split(": ", 1)[-1] for w in caught]
    if ex.low_confidence_pages:
        notes.append(f"OCR confidence low on pages {', '.join(map(str, ex.low_confidence_pages))}")
    if unknown := unknown_note(d.district, year, d.kind):
        notes.append(unknown)
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    existing = _existing(raw_dir, digest)
    fmt = image_kind(data).lower() if ex.format == "image" else ex.format
    path = existing or raw_dir / stable_name(d.district, year, d.kind, digest, fmt)
    if existing is None:
        from compare.atomic import write_atomic

        write_atomic(path, data, mode=0o444)  # data/raw is read-only
    _append_catalog(
        Path(catalog),
        {
            "sha256": digest,
            "file": path.name,
            "source": source if is_url else str(Path(source).resolve()),
            "retrieved": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "format": ex.format,
        },
    )
    return Added(
        path=path,
        new=existing is None,
        sha256=digest,
        format=ex.format,
        district=d.district,
        year=year,
        kind=d.kind,
        n_sections=len(plan.sections),
        n_tasks=len(plan.tasks),
        n_pages=ex.n_pages,
        warnings=tuple(notes),
    )
