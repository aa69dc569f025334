"""Chinese word segmentation for policy text: jieba with a domain dictionary.

The domain dictionary (``resources/user_dict.txt``) and the policy stop-list
(``resources/stopwords.txt``) are plain files a researcher edits without
touching code. Segmentation uses a private ``jieba.Tokenizer`` (jieba's global
tokenizer is never touched), is deterministic, and is cached on disk under
``data/interim/tokens`` keyed by the hash of each text and of the dictionary.
Large corpora are segmented in parallel processes. Within a process, each
block jieba cuts on its own (a run of Chinese between punctuation) is cut
once and remembered, so repeated clauses cost a lookup; the tokens are
exactly jieba's.

Numbers are not tokens here: jieba splits ``23.4%`` or ``1.5万元``
inconsistently, so figures must be read from the raw text with regular
expressions instead.

Examples
--------
>>> from compare.text import tokenize
>>> tokenize("推进家庭医生签约服务高质量发展")
['家庭医生', '签约服务']
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import marshal
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare import config
from compare.atomic import write_atomic
from compare.exceptions import CompareError

#: Above this many bytes of not-yet-cached text, segmentation runs in parallel.
PARALLEL_THRESHOLD_BYTES: int = 2_000_000

#: Version of the token format; bump it to invalidate every cached segmentation.
_FORMAT = "2"
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9+#\-]*$")
_SEPARATORS = re.compile(r"\s+")
_SHARDS_PREFIX = 2  # hex digits of the text hash naming a cache shard (256 shards)


@dataclass(frozen=True)
class Dictionary:
    """A user dictionary and a stop-list, loaded from their files.

    Attributes
    ----------
    words : tuple of (word, frequency or None, tag or None)
        Entries added to jieba, in file order.
    stopwords : frozenset of str
        Tokens removed by :func:`tokenize`.
    digest : str
        Hash of the words, the jieba version and the token format: the part of
        the cache key that changes when segmentation can change. Stop words are
        not part of it (they are removed after the cache).
    """

    words: tuple[tuple[str, int | None, str | None], ...]
    stopwords: frozenset[str]
    digest: str


def text_hash(text: str) -> str:
    """Return the SHA-256 hex digest of a text (UTF-8).

    Examples
    --------
    >>> text_hash("医联体")[:12]
    '8adb81d59189'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_lines(path: Path, what: str) -> list[str]:
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CompareError(f"{path}: {what} file not found") from None
    except UnicodeDecodeError:
        raise CompareError(f"{path}: {what} file is not UTF-8") from None
    lines = []
    for line in raw.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def read_user_dict(path: str | os.PathLike[str]) -> list[tuple[str, int | None, str | None]]:
    """Read a jieba user dictionary: ``WORD [FREQUENCY] [TAG]`` per line.

    Blank lines and lines starting with ``#`` are ignored (jieba's own loader
    would read a comment as a word).

    Parameters
    ----------
    path : str or os.PathLike
        The dictionary file (UTF-8).

    Returns
    -------
    list of (str, int or None, str or None)

    Raises
    ------
    CompareError
        If the file is missing, not UTF-8, or a frequency is not an integer.

    Examples
    --------
    >>> from compare import config
    >>> ("医联体", 50000, "n") in read_user_dict(config.USER_DICT_FILE)
    True
    """
    entries = []
    for line in _read_lines(Path(path), "user dictionary"):
        parts = line.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        elif rest and re.fullmatch(r"-?\d+(\.\d*)?", rest[0]):
            raise CompareError(f"{path}: frequency of {word!r} must be a positive integer")
        if rest:
            tag = rest[0]
        entries.append((word, freq, tag))
    return entries


def read_stopwords(path: str | os.PathLike[str]) -> frozenset[str]:
    """Read a stop-list: words separated by spaces or new lines, ``#`` comments.

    Examples
    --------
    >>> from compare import config
    >>> {"推进", "加强", "进一步"} <= read_stopwords(config.STOPWORDS_FILE)
    True
    """
    words: set[str] = set()
    for line in _read_lines(Path(path), "stop-list"):
        words.update(w for w in _SEPARATORS.split(line) if w)
    return frozenset(words)


def load_dictionary(
    user_dict: str | os.PathLike[str] | None = None,
    stopwords: str | os.PathLike[str] | None = None,
) -> Dictionary:
    """Load the user dictionary and the stop-list (the shipped ones by default).

    Parameters
    ----------
    user_dict, stopwords : path, optional
        Files in the formats of ``resources/user_dict.txt`` and
        ``resources/stopwords.txt``; default :data:`compare.config.USER_DICT_FILE`
        and :data:`compare.config.STOPWORDS_FILE`.

    Returns
    -------
    Dictionary

    Examples
    --------
    >>> d = load_dictionary()
    >>> len(d.digest), "加强" in d.stopwords
    (64, True)
    """
    words = tuple(read_user_dict(user_dict or config.USER_DICT_FILE))
    stops = read_stopwords(stopwords or config.STOPWORDS_FILE)
    import importlib.metadata

    try:
        jieba_version = importlib.metadata.version("jieba")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        jieba_version = "unknown"
    payload = json.dumps([_FORMAT, jieba_version, words], ensure_ascii=False)
    return Dictionary(words=words, stopwords=stops, digest=text_hash(payload))


@functools.lru_cache(maxsize=1)
def default_dictionary() -> Dictionary:
    """Return the shipped dictionary (read once per process; files are read-only data).

    Examples
    --------
    >>> default_dictionary() is default_dictionary()
    True
    """
    return load_dictionary()


def import_jieba() -> Any:
    """The ``jieba`` module, imported without setuptools' ``pkg_resources``.

    jieba 0.42 imports ``pkg_resources`` (deprecated; 0.1–0.3 s and a warning
    per process) only to open its own data files, and opens the same files
    with ``open`` when that import fails: the import is made to fail for
    jieba alone (nothing else is imported meanwhile; a ``pkg_resources``
    already imported is used as before).

    Examples
    --------
    >>> import_jieba().__name__
    'jieba'
    """
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # ImportError for jieba
    try:
        import jieba
    finally:
        if sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


@functools.lru_cache(maxsize=4)
def _jieba_tokenizer(digest: str, words: tuple[tuple[str, int | None, str | None], ...]) -> Any:
    """A private jieba tokenizer with the user words added (cached by dictionary hash)."""
    jieba = import_jieba()  # lazy: about 0.5 s to load its dictionary

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in words:
        tokenizer.add_word(word, freq, tag)
    return tokenizer


#: Distinct jieba blocks whose tokens each process remembers (per dictionary).
BLOCK_MEMO_SIZE: int = 1 << 16


@functools.lru_cache(maxsize=4)
def _block_cutter(digest: str, words: tuple[tuple[str, int | None, str | None], ...]) -> Any:
    """``(split, cut)``: jieba's own block splitter, and its cut of one block, remembered.

    ``jieba.Tokenizer.cut`` splits a text on :data:`jieba.re_han_default` and
    segments each block on its own, so cutting the blocks one by one gives
    exactly its tokens; a block seen before (a clause repeated across tasks, a
    title repeated in its text) costs a dictionary lookup instead of a jieba
    pass. The memory is bounded (:data:`BLOCK_MEMO_SIZE` blocks, least
    recently used dropped).
    """
    jieba = import_jieba()
    tokenizer = _jieba_tokenizer(digest, words)

    @functools.lru_cache(maxsize=BLOCK_MEMO_SIZE)
    def cut(block: str) -> tuple[str, ...]:
        return tuple(tokenizer.lcut(block, HMM=True))

    return jieba.re_han_default.split, cut


def normalize(text: str) -> str:
    """Return the text in Unicode NFKC form (full-width letters and digits to ASCII).

    Examples
    --------
    >>> normalize("ＡＥＤ１５０台")
    'AED150台'
    """
    return unicodedata.normalize("NFKC", text)


def segment(text: str, dictionary: Dictionary | None = None) -> list[str]:
    """Segment a text with jieba (precise mode, HMM on): every token, nothing dropped.

    Parameters
    ----------
    text : str
        Any text; it is NFKC-normalized first.
    dictionary : Dictionary, optional
        Default: the shipped dictionary.

    Returns
    -------
    list of str
        All tokens except whitespace, in order.

    Examples
    --------
    >>> segment("实施医养结合促进行动")
    ['实施', '医养结合', '促进', '行动']
    """
    dictionary = dictionary or default_dictionary()
    split, cut = _block_cutter(dictionary.digest, dictionary.words)
    return [t for block in split(normalize(text)) if block for t in cut(block) if t.strip()]


def is_content_token(token: str) -> bool:
    """True for a token that can carry meaning: Chinese, or a Latin word of 2+ letters.

    Numbers and punctuation are not content tokens; one-character Chinese words
    are (stop words are removed separately).

    Examples
    --------
    >>> [is_content_token(t) for t in ["癌", "AED", "150", "、", "X"]]
    [True, True, False, False, False]
    """
    if _HAN.search(token):
        return True
    return len(token) >= 2 and bool(_LATIN_WORD.match(token))


def filter_tokens(tokens: Sequence[str], stopwords: frozenset[str]) -> list[str]:
    """Keep the content tokens that are not stop words.

    Examples
    --------
    >>> filter_tokens(["推进", "医联体", "、", "2025", "癌"], frozenset({"推进"}))
    ['医联体', '癌']
    """
    return [t for t in tokens if t not in stopwords and is_content_token(t)]


def tokenize(text: str, dictionary: Dictionary | None = None) -> list[str]:
    """Segment a text and keep its content tokens (no stop words, numbers or punctuation).

    Examples
    --------
    >>> tokenize("提升胸痛中心、卒中中心等急症服务能力")
    ['胸痛中心', '卒中中心', '急症', '服务']
    """
    dictionary = dictionary or default_dictionary()
    return filter_tokens(segment(text, dictionary), dictionary.stopwords)


# --------------------------------------------------------------------- cache


def _shard_path(root: Path, digest: str, key: str) -> Path:
    """The shard of a text hash (or of its first :data:`_SHARDS_PREFIX` hex digits)."""
    return root / digest[:16] / f"{key[:_SHARDS_PREFIX]}.marshal"


def _read_shard(path: Path) -> dict[str, list[str]]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_atomic(path: Path, data: dict[str, list[str]]) -> None:
    # marshal (format 4) writes a string used many times once and refers to it after:
    # a shard loads with one shared object per distinct token, so the token lists cost
    # pointers and every later lookup finds the token's hash already computed (JSON gave
    # each occurrence its own string, hashed again by every consumer: seconds per 1,000 plans)
    pool: dict[str, str] = {}
    same = pool.setdefault
    shared = {key: [same(t, t) for t in data[key]] for key in sorted(data)}
    write_atomic(path, marshal.dumps(shared, 4))


def _segment_chunk(texts: list[str], dictionary: Dictionary) -> list[list[str]]:
    """Tokens of each text, every occurrence of a token one shared string.

    Sharing is what keeps a worker's result small: pickle writes an object it has
    seen once and refers to it after, so the chunk travels (and is unpickled) as one
    string per distinct token plus pointers, not one string per occurrence (at
    10,000 plans, tens of millions of occurrences).

    Examples
    --------
    >>> a, b = _segment_chunk(["安宁疗护", "推进安宁疗护"], default_dictionary())
    >>> a[-1] is b[-1]
    True
    """
    pool: dict[str, str] = {}
    same = pool.setdefault
    return [[same(t, t) for t in segment(t, dictionary)] for t in texts]


def shutdown_workers() -> None:
    """Stop joblib's reusable loky worker processes (they are started again when needed).

    Called when a parallel step is done: an idle worker keeps what it loaded (the
    jieba dictionary, the block memo, the parser's imports) resident while the
    process that started it works on, e.g. a report kernel coding and plotting.

    Examples
    --------
    >>> shutdown_workers()  # no workers: nothing to do
    """
    from joblib.externals.loky import reusable_executor

    # the module's current executor, if any (get_reusable_executor() would start one)
    executor = getattr(reusable_executor, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True)


def _chunks(items: list[str], n: int) -> list[list[str]]:
    """Split into at most ``n`` contiguous chunks of similar total length."""
    total = sum(len(t) for t in items)
    target = max(1, total // max(1, n))
    chunks: list[list[str]] = [[]]
    size = 0
    for item in items:
        if size >= target and len(chunks) < n:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += len(item)
    return [c for c in chunks if c]


def segment_many(
    texts: Sequence[str],
    dictionary: Dictionary | None = None,
    *,
    cache: bool = True,
    cache_root: str | os.PathLike[str] | None = None,
    n_jobs: int | None = None,
    parallel_threshold: int = PARALLEL_THRESHOLD_BYTES,
    intern: bool = True,
) -> list[list[str]]:
    """Segment many texts, reusing cached results and running in parallel when large.

    Parameters
    ----------
    texts : sequence of str
    dictionary : Dictionary, optional
        Default: the shipped dictionary.
    cache : bool, default True
        Read and write the on-disk cache (``data/interim/tokens``), keyed by
        the dictionary digest and each text's SHA-256; files are written to a
        temporary name and renamed, so readers never see a partial file.
    cache_root : path, optional
        Cache folder; default ``compare.config.cache_dir("tokens")``.
    n_jobs : int, optional
        Worker processes when the uncached text exceeds ``parallel_threshold``
        bytes (default: every CPU). ``1`` never starts processes.
    parallel_threshold : int
        Bytes of UTF-8 text below which one process is faster.
    intern : bool
        Make every occurrence of a token one shared string (memory of large
        corpora); ``False`` when the caller builds new lists anyway.

    Returns
    -------
    list of list of str
        One token list per text, as :func:`segment` returns it.

    Examples
    --------
    >>> segment_many(["医养结合", "安宁疗护"], cache=False)
    [['医养结合'], ['安宁疗护']]
    """
    dictionary = dictionary or default_dictionary()
    texts = list(texts)
    keys = [text_hash(t) for t in texts]
    found: dict[str, list[str]] = {}
    root = Path(cache_root) if cache_root is not None else None
    shards: dict[Path, dict[str, list[str]]] = {}
    if cache:
        root = root or config.cache_dir("tokens")
        by_prefix: dict[str, list[str]] = {}
        for key in set(keys):
            by_prefix.setdefault(key[:_SHARDS_PREFIX], []).append(key)
        for prefix in sorted(by_prefix):
            path = _shard_path(root, dictionary.digest, prefix)
            shard = shards[path] = _read_shard(path)
            found.update((k, shard[k]) for k in by_prefix[prefix] if k in shard)

    todo_keys: list[str] = []
    todo_texts: list[str] = []
    seen: set[str] = set()
    for key, text in zip(keys, texts, strict=True):
        if key not in found and key not in seen:
            seen.add(key)
            todo_keys.append(key)
            todo_texts.append(text)

    if todo_texts:
        size = sum(len(t.encode("utf-8")) for t in todo_texts)
        workers = n_jobs if n_jobs is not None else config.worker_count()
        if size > parallel_threshold and workers > 1:
            from joblib import Parallel, delayed

            # two chunks per worker: each chunk pays a round of pickling, the jieba
            # dictionary is loaded once per worker process (lru_cache), not per chunk
            parts = _chunks(todo_texts, workers * 2)
            results = Parallel(n_jobs=workers, backend="loky")(
                delayed(_segment_chunk)(part, dictionary) for part in parts
            )
            shutdown_workers()
            segmented = [tokens for part in results for tokens in part]
            del results
        else:
            segmented = _segment_chunk(todo_texts, dictionary)
        found.update(zip(todo_keys, segmented, strict=True))

        if cache and root is not None:
            dirty: set[Path] = set()
            for key, tokens in zip(todo_keys, segmented, strict=True):
                path = _shard_path(root, dictionary.digest, key)
                shards.setdefault(path, {})[key] = tokens
                dirty.add(path)
            for path in sorted(dirty):
                merged = {**_read_shard(path), **shards[path]}  # keep other writers' entries
                _write_atomic(path, merged)

    if not intern:
        return [found[key] for key in keys]
    # one shared str object per distinct token (JSON and jieba give each occurrence its
    # own): the token lists of a large corpus then hold pointers, not copies
    pool: dict[str, str] = {}
    same = pool.setdefault
    return [[same(t, t) for t in found[key]] for key in keys]


def tokenize_many(
    texts: Sequence[str],
    dictionary: Dictionary | None = None,
    *,
    cache: bool = True,
    n_jobs: int | None = None,
) -> list[list[str]]:
    """:func:`tokenize` for many texts, through the cache of :func:`segment_many`.

    Examples
    --------
    >>> tokenize_many(["加强医联体建设", "推进安宁疗护"], cache=False)
    [['医联体'], ['安宁疗护']]
    """
    dictionary = dictionary or default_dictionary()
    segmented = segment_many(texts, dictionary, cache=cache, n_jobs=n_jobs, intern=False)
    # decided once per distinct token (a corpus has millions of tokens, tens of thousands
    # distinct); the kept ones are shared strings, so the lists hold pointers, not copies
    stop = dictionary.stopwords
    keep = {t: t for t in set().union(*segmented) if t not in stop and is_content_token(t)}
    get = keep.get
    return [[k for t in tokens if (k := get(t)) is not None] for tokens in segmented]


def tokens_of_tasks(tasks: Any, tokens: Sequence[Sequence[str]] | None = None) -> list[list[str]]:
    """Token lists for each task's text, or the given ones after a length check.

    Parameters
    ----------
    tasks : pandas.DataFrame
        With a ``text`` column (one row per task).
    tokens : sequence of token lists, optional
        Precomputed tokens, one list per task; checked against ``len(tasks)``.

    Examples
    --------
    >>> import pandas as pd
    >>> tokens_of_tasks(pd.DataFrame({"text": ["推进医养结合"]}), [["医养结合"]])
    [['医养结合']]
    """
    if tokens is not None:
        if len(tokens) != len(tasks):
            raise CompareError(f"tokens has {len(tokens)} lists for {len(tasks)} tasks")
        return [list(t) for t in tokens]
    return tokenize_many(list(tasks["text"].fillna("")))
