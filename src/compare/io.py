"""Read plan files: bytes → decoded, newline-normalised text.

Plans arrive as UTF-8 (with or without BOM), GB18030/GBK, with CRLF or LF line
ends. Decoding is strict: a file is decoded as UTF-8 if it is valid UTF-8,
else as GB18030 if that is valid and looks like Chinese text, else as what
``charset-normalizer`` (a maintained detector, preferred to a hand-written one)
proposes. Anything else is a :class:`~compare.exceptions.PlanInputError` naming
the file and the problem.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from compare.exceptions import PlanInputError

__all__ = [
    "MAX_BYTES",
    "PLAN_SUFFIXES",
    "RawText",
    "decode_bytes",
    "plan_files",
    "read_plan_bytes",
    "read_plan_file",
    "sha256_bytes",
    "to_simplified_converter",
]

#: Files a folder is searched for; the content, not the suffix, decides how
#: each is read (see :mod:`compare.extract`).
PLAN_SUFFIXES = (
    ".txt", ".md", ".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".mhtml", ".mht", ".ofd",
    ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp",
)  # fmt: skip

#: Share of CJK ideographs among non-space characters below which a decoded
#: text is not taken for a Chinese plan (mojibake and binary score low).
_MIN_CJK_SHARE = 0.2
#: Share of common characters (GB2312 level 1) among Chinese ones below which
#: a decoding is taken for the wrong one.
_MIN_COMMON_SHARE = 0.8
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPACE = re.compile(r"\s")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RawText:
    """A decoded plan file.

    Attributes
    ----------
    text : str
        The decoded text, BOM dropped, CRLF/CR turned into LF (line numbers
        are unchanged by that).
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"`` or what the detector found.
    sha256 : str
        Hex digest of the file's bytes (the cache key of everything derived).
    """

    text: str
    encoding: str
    sha256: str


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``.

    Examples
    --------
    >>> sha256_bytes(b"")[:8]
    'e3b0c442'
    """
    return hashlib.sha256(data).hexdigest()


def _cjk_share(text: str) -> float:
    n = len(text) - len(_SPACE.findall(text))
    return len(_CJK.findall(text)) / n if n else 0.0


@functools.cache
def _common_hanzi() -> re.Pattern[str]:
    """A character class of the 3,755 most common Chinese characters (GB2312 level 1)."""
    chars = (
        bytes([hi, lo]).decode("gb2312", errors="ignore")
        for hi in range(0xB0, 0xD8)
        for lo in range(0xA1, 0xFF)
    )
    return re.compile("[" + "".join(sorted(c for c in chars if c)) + "]")


def _not_chinese(text: str) -> str:
    """Why a decoded text is not plausible Chinese ('' when it is).

    Real plans are ~99.9% GB2312 level-1 characters; Big5 or Shift-JIS bytes
    read as GB18030 score under 50%, and UTF-8 read as Latin-1 has almost no
    Chinese characters at all.
    """
    sample = text[:8000]
    if _cjk_share(sample) < _MIN_CJK_SHARE:
        return "cannot be decoded as Chinese text: few Chinese characters (mojibake or another language?)"
    hanzi = _CJK.findall(sample)
    if len(hanzi) >= 20:
        common = len(_common_hanzi().findall(sample)) / len(hanzi)
        if common < _MIN_COMMON_SHARE:  # traditional characters are common once simplified
            common = max(common, _common_share_simplified(sample, len(hanzi)))
        if common < _MIN_COMMON_SHARE:
            return (
                f"cannot be decoded as Chinese text: only {common:.0%} common characters "
                "(Big5, Shift-JIS or mojibake?)"
            )
    return ""


@functools.cache
def to_simplified_converter():  # noqa: ANN201 - an opencc.OpenCC
    """The one OpenCC traditional → simplified converter (built once: loading it costs).

    Examples
    --------
    >>> to_simplified_converter().convert("衛生健康")
    '卫生健康'
    """
    import opencc

    return opencc.OpenCC("t2s")


def _common_share_simplified(sample: str, n_hanzi: int) -> float:
    """Share of common characters once OpenCC has turned traditional into simplified."""
    converted = to_simplified_converter().convert(sample)
    return len(_common_hanzi().findall(converted)) / n_hanzi


def _utf16_chinese(data: bytes, codec: str) -> bool:
    try:
        text = data[: len(data) // 2 * 2].decode(codec)
    except UnicodeDecodeError:
        return False
    return len(_CJK.findall(text[:8000])) >= 20 and not _not_chinese(text)


def _undecodable(data: bytes) -> str:
    """Why nothing decodes: where UTF-8 breaks, when the file is mostly UTF-8.

    >>> _undecodable("一、总则".encode()[:-1])
    'UTF-8 text cut inside a character at byte 9 of 11 (line 1, end of file): truncated? download or save it again'
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        valid = len(data[: err.start].decode("utf-8", errors="ignore"))
        if err.reason == "unexpected end of data":
            return (
                f"UTF-8 text cut inside a character at byte {err.start} of {len(data)} "
                f"(line {line}, end of file): truncated? download or save it again"
            )
        if valid >= 20:
            return (
                f"invalid UTF-8 at byte {err.start} (line {line}) after {valid} valid characters, "
                "and not GB18030 either: damaged file? save it again as UTF-8"
            )
    return "cannot be decoded as Chinese text (tried UTF-8, GB18030 and detection)"


def decode_bytes(data: bytes, name: str = "<text>") -> RawText:
    """Decode the bytes of a plan file.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        Used in error messages.

    Returns
    -------
    RawText

    Raises
    ------
    PlanInputError
        Empty, binary, or not decodable as Chinese text.

    Examples
    --------
    >>> decode_bytes("一、总则\\r\\n".encode("gb18030")).text
    '一、总则\\n'
    >>> decode_bytes("一、总则".encode("utf-8-sig")).encoding
    'utf-8-sig'
    """
    digest = sha256_bytes(data)
    if not data.strip():
        raise PlanInputError(name, "empty file (no text to parse)")
    text: str | None = None
    encoding = ""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a byte-order mark (Windows "Unicode")
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise PlanInputError(
                name, f"has a UTF-16 byte-order mark but invalid UTF-16 at byte {err.start}"
            ) from None
    elif b"\x00" in data[:8192]:
        if any(_utf16_chinese(data, codec) for codec in ("utf-16-le", "utf-16-be")):
            raise PlanInputError(
                name,
                "looks like UTF-16 without a byte-order mark: save it as UTF-8 (or UTF-16 with BOM)",
            )
        raise PlanInputError(name, "binary file (contains NUL bytes), not a plain-text plan")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise PlanInputError(
                name, f"has a UTF-8 BOM but invalid UTF-8 at byte {err.start + 3}"
            ) from None
    if text is None:
        with contextlib.suppress(UnicodeDecodeError):
            text, encoding = data.decode("utf-8"), "utf-8"
    if text is None:
        try:
            candidate = data.decode("gb18030")
            if not _not_chinese(candidate):
                text, encoding = candidate, "gb18030"
        except UnicodeDecodeError:
            pass
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and not _not_chinese(str(best)):
            text, encoding = str(best), best.encoding
    if text is None:
        raise PlanInputError(name, _undecodable(data))
    problem = _not_chinese(text) if encoding.startswith("utf-") else ""  # others checked above
    if problem:
        raise PlanInputError(name, problem)
    if len(_CONTROL.findall(text[:8192])) > 8:
        raise PlanInputError(name, "binary file (control characters), not a plain-text plan")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PlanInputError(name, "empty file (only white space)")
    return RawText(text=text, encoding=encoding, sha256=digest)


#: Largest plan file read (20 MB): a plan is rarely over 2 MB, even as a scan.
#: The environment variable ``COMPARE_MAX_MB`` changes it.
MAX_BYTES: int = int(float(os.environ.get("COMPARE_MAX_MB", "20")) * 1024 * 1024)


def _size(n: int) -> str:
    """A byte count for people: ``_size(20 * 2**20) == '20 MB'``, ``_size(20_000) == '20 KB'``."""
    return f"{n / 1048576:.3g} MB" if n >= 1048576 else f"{n / 1024:.3g} KB"


def read_plan_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of one plan file, with one-line errors for what is not a plan file.

    Only regular files are opened: a pipe, device or socket (or a link to
    one) is refused without reading it, and so is a file over ``max_bytes``.

    Raises
    ------
    PlanInputError
        Missing path, broken link, a folder, not a regular file, too large,
        unreadable.

    Examples
    --------
    >>> from compare import config
    >>> len(read_plan_bytes(next(config.RAW_DIR.glob("*.txt")))) > 1000
    True
    """
    p = Path(path)
    limit = MAX_BYTES if max_bytes is None else max_bytes
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise PlanInputError(p, "broken symbolic link (its target is missing)") from None
        raise PlanInputError(p, "no such file") from None
    except OSError as err:
        raise PlanInputError(p, f"cannot be read ({err.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise PlanInputError(p, "is a folder, not a plan file")
    if not stat.S_ISREG(st.st_mode):
        raise PlanInputError(p, "is not a regular file (a pipe, device or socket): not read")
    if st.st_size > limit:
        raise PlanInputError(
            p,
            f"{_size(st.st_size)}, over the limit of {_size(limit)} (set COMPARE_MAX_MB to raise it)",
        )
    try:
        with p.open("rb") as fh:
            return fh.read(limit + 1)[: limit + 1]
    except OSError as err:
        raise PlanInputError(p, f"cannot be read ({err.strerror})") from None


def read_plan_file(path: str | Path) -> RawText:
    """Read and decode one plan file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file. Nothing is ever written next to it.

    Returns
    -------
    RawText

    Raises
    ------
    PlanInputError
        Missing path, a folder, unreadable, empty, binary or undecodable.

    Examples
    --------
    >>> from compare import config
    >>> raw = read_plan_file(next(config.RAW_DIR.glob("*.txt")))
    >>> raw.encoding
    'utf-8'
    """
    return decode_bytes(read_plan_bytes(path), name=str(path))


def plan_files(folder: Path) -> list[Path]:
    """Candidate plan files below ``folder`` by suffix (folders, pipes and broken links
    included, to be refused by name in :attr:`compare.corpus.Corpus.failures`, never silently
    skipped).

    Examples
    --------
    >>> from compare import config
    >>> len(plan_files(config.RAW_DIR))
    5
    """
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in PLAN_SUFFIXES
        and not p.name.startswith(".")
        and p.name.lower() != "readme.md"
        and not any(part.startswith(".") for part in p.relative_to(folder).parts[:-1])
    )
