"""What a render records and checks: content keys, the manifest and index, the folder lock.

A report is re-executed only when its content key (notebook, input files,
package source, effective parameters, tool versions) changed; the key is
written into the report itself and into ``manifest.json``. Absolute paths of
this machine are redacted from every report. One render at a time writes a
reports folder (``fcntl.flock`` on ``.render.lock``).

Examples
--------
>>> len(content_key("a", [], "b", {}))
64
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from compare import config
from compare.atomic import write_atomic
from compare.exceptions import CompareError

__all__ = ["content_key"]

#: Bump when the report layout changes, so every report is re-rendered.
RENDER_FORMAT = 1
#: The nbconvert template, report CSS and index template.
TEMPLATES_DIR: Path = config.PACKAGE_DIR / "templates"
MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
LOG_NAME = "render.log"
#: The lock file a render holds (``fcntl.flock``) while it writes the reports folder.
LOCK_NAME = ".render.lock"
#: Seconds a render waits for another render of the same folder before giving up.
LOCK_TIMEOUT = 600.0
#: Each report carries its content key in this meta tag; the skip check reads it back.
KEY_META = "compare-key"
_KEY_PATTERN = re.compile(rb'<meta name="compare-key" content="([0-9a-f]{64})"')
ASSETS_DIR_NAME = "assets"
PLOTLY_ASSET = f"{ASSETS_DIR_NAME}/plotly.min.js"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_files(data_dir: Path) -> list[dict[str, Any]]:
    files = [
        p
        for p in sorted(Path(data_dir).rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(data_dir).parts)
    ]
    return [
        {
            "file": p.relative_to(data_dir).as_posix(),
            "bytes": p.stat().st_size,
            "sha256": sha256_file(p),
        }
        for p in files
    ]


def source_digest(package_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package_dir).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tool_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("plotly", "nbconvert", "papermill", "pandas"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "-"
    return versions


def content_key(
    notebook_sha256: str,
    inputs: Sequence[Mapping[str, Any]],
    source_sha256: str,
    parameters: Mapping[str, Any],
    versions: Mapping[str, str] | None = None,
) -> str:
    """The hash deciding whether a report must be re-executed.

    Parameters
    ----------
    notebook_sha256 : str
        Hash of the notebook file.
    inputs : sequence of mapping
        ``{"file", "sha256"}`` of every input file.
    source_sha256 : str
        Hash of the package source (code, templates, resources).
    parameters : mapping
        The parameters passed to the notebook.
    versions : mapping, optional
        Versions of the rendering tools.

    Examples
    --------
    >>> len(content_key("a", [{"file": "x.txt", "sha256": "b"}], "c", {"seed": 1}))
    64
    """
    payload = {
        "format": RENDER_FORMAT,
        "notebook": notebook_sha256,
        "inputs": sorted((str(f["file"]), str(f["sha256"])) for f in inputs),
        "source": source_sha256,
        "parameters": dict(parameters),
        "versions": dict(versions or {}),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def redaction_roots(extra: Iterable[Path]) -> list[str]:
    """Absolute paths of this machine that must not appear in a report."""
    candidates = [
        config.PROJECT_DIR,
        config.PACKAGE_DIR,
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sys.exec_prefix),
        Path.home(),
        Path(tempfile.gettempdir()),
        *extra,
    ]
    roots: set[str] = set()
    for path in candidates:
        for form in {str(path), str(Path(path).resolve())}:
            if len(form) >= 5:  # never "/" or "/usr"-like stubs of every path
                roots.update({form, form.replace("/", "\\/")})
    return sorted(roots, key=len, reverse=True)


def redact(text: str, roots: Sequence[str]) -> str:
    for root in roots:
        text = text.replace(root, "…")
    return text


def display_value(value: Any) -> str:
    """repr of a parameter value with absolute paths shortened to their last parts."""
    if isinstance(value, str | Path) and os.path.isabs(str(value)):
        path = Path(value)
        with contextlib.suppress(ValueError):
            return repr(path.resolve().relative_to(config.PROJECT_DIR).as_posix())
        return repr("…/" + "/".join(path.parts[-2:]))
    return repr(value)


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=config.PACKAGE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return "unknown (no commit)"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "."],
            cwd=config.PACKAGE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def read_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    path = out_dir / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {entry["notebook"]: entry for entry in data.get("reports", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def html_key(path: Path) -> str | None:
    """The content key written into a report's head, or None (no report, or none in it)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16_384)
    except OSError:
        return None
    match = _KEY_PATTERN.search(head)
    return match.group(1).decode("ascii") if match else None


def template_env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def plotly_source() -> Path:
    from importlib.resources import files

    return Path(str(files("plotly").joinpath("package_data", "plotly.min.js")))


def copy_plotly_asset(out_dir: Path) -> Path:
    """Copy the installed plotly.min.js to ``<out_dir>/assets/`` unless an identical copy is there."""
    import filecmp

    source, target = plotly_source(), out_dir / PLOTLY_ASSET
    if not (target.is_file() and filecmp.cmp(source, target, shallow=False)):
        write_atomic(target, source.read_bytes())
    return target


def write_index(
    out_dir: Path,
    entries: Sequence[Mapping[str, Any]],
    git_commit: str,
    plotlyjs_mode: str = "shared",
) -> None:
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    generated_at = now()
    page = (
        template_env()
        .get_template("reports_index.html.j2")
        .render(
            title="区卫生健康规划比较 · 报告 Reports",
            css=css,
            reports=entries,
            generated_at=generated_at,
            git_commit=git_commit,
            plotlyjs_mode=plotlyjs_mode,
            plotly_asset=PLOTLY_ASSET,
        )
    )
    manifest = {
        "format": RENDER_FORMAT,
        "generated_at": generated_at,
        "git_commit": git_commit,
        "plotlyjs_mode": plotlyjs_mode,
        "reports": list(entries),
    }
    write_atomic(out_dir / INDEX_NAME, page)
    write_atomic(out_dir / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


@contextlib.contextmanager
def reports_lock(out_dir: Path, timeout: float, say: Callable[[str], None]) -> Iterator[None]:
    """Hold an exclusive ``fcntl.flock`` on ``<out_dir>/.render.lock`` for the block.

    A second render of the same folder waits (saying so once) until the first
    one ends, at most ``timeout`` seconds, then raises a one-line
    :class:`CompareError`. The operating system releases the lock when its
    holder exits, even by ``kill -9``, so a lock is never stale.
    """
    import fcntl

    path = out_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise CompareError(unwritable(out_dir, path, exc)) from exc
    try:
        deadline = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                if deadline is None:
                    deadline = time.monotonic() + timeout
                    say(
                        f"waiting for another render of {out_dir.name}/ (pid {holder}) to finish, "
                        f"up to {timeout:g} s"
                    )
                if time.monotonic() >= deadline:
                    raise CompareError(
                        f"{out_dir}: another render (pid {holder}) is still writing it after "
                        f"{timeout:g} s; wait for it to finish or stop it, then run again"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def unwritable(folder: Path, path: Path, exc: OSError) -> str:
    if path.is_dir():
        return f"{path}: is a folder where compare keeps a file; move it away"
    return (
        f"{folder}: cannot write the reports here ({exc.strerror or exc}); "
        "make the folder writable or choose another one with --out"
    )
