"""What the theme coder learns from: labelled tasks, codebook notes and seed terms.

:func:`training_examples` gathers the examples :class:`compare.coder.ThemeCoder`
is trained on, sorted so that row order never matters:

1. the project's labels for the seed plans (``resources/labels_seed.csv``,
   task text included, so training does not depend on the folder coded);
2. the codebook notes (``resources/themes_notes.tsv``): each theme's example
   task phrases and its inclusion note, one example each;
3. the seed terms of each theme as one more example;
4. the researcher's labels (``task_id,code``, :func:`read_labels`).

Shipped labels and notes count for a theme only when its code *and* name match
the shipped codebook. :func:`labelled_pool` lists the labelled tasks that
cross-validation holds out.

Examples
--------
>>> from compare.codebook import load_codebook
>>> sorted(training_examples(load_codebook())["source"].unique())
['note', 'seed', 'terms']
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from compare import config
from compare.exceptions import CompareError
from compare.text import normalize

__all__ = [
    "EXAMPLE_COLUMNS",
    "labelled_pool",
    "load_notes",
    "read_labels",
    "seed_labels",
    "training_examples",
]

#: Code of a task the model cannot place with enough confidence (:data:`compare.coder.UNCLEAR`).
UNCLEAR: str = "?"
#: The codebook notes: per theme, Chinese inclusion/exclusion notes and examples.
NOTES_FILE: Path = config.RESOURCES_DIR / "themes_notes.tsv"
#: The project's labels of the seed tasks, with their text.
SEED_LABELS_FILE: Path = config.RESOURCES_DIR / "labels_seed.csv"
#: Columns of :func:`training_examples`.
EXAMPLE_COLUMNS: tuple[str, ...] = ("title", "text", "code", "source", "group")

_LIST_SPLIT = "；;"


def _split_list(cell: str) -> list[str]:
    out = [normalize(cell or "")]
    for sep in _LIST_SPLIT:
        out = [part for piece in out for part in piece.split(sep)]
    return [p.strip() for p in out if p.strip()]


def load_notes(path: str | Path | None = None) -> pd.DataFrame:
    """Read the codebook notes (TSV: ``code, theme, include, exclude, examples``).

    ``include`` says in Chinese what belongs to the theme, ``exclude`` the
    near-misses and where they go (``→ K``), ``examples`` short task phrases
    separated by ``；``. Researchers edit the file; a missing file gives no notes.

    Returns
    -------
    pandas.DataFrame
        One row per theme; ``examples`` holds lists of str.

    Examples
    --------
    >>> notes = load_notes()
    >>> "世界无烟日" in notes.set_index("code").loc["K", "include"]
    True
    """
    path = Path(path) if path is not None else NOTES_FILE
    columns = ["code", "theme", "include", "exclude", "examples"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    frame = pd.DataFrame(rows, dtype=str).reindex(columns=columns).fillna("")
    for col in columns:
        frame[col] = frame[col].str.strip()
    frame["examples"] = frame["examples"].map(_split_list)
    return frame


def seed_labels(path: str | Path | None = None) -> pd.DataFrame:
    """The project's labelled seed tasks: ``task_id, doc_id, district, code, title, text``.

    Examples
    --------
    >>> s = seed_labels()
    >>> len(s), s["code"].nunique()
    (110, 18)
    """
    path = Path(path) if path is not None else SEED_LABELS_FILE
    if not path.is_file():
        return pd.DataFrame(columns=["task_id", "doc_id", "district", "code", "title", "text"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_labels(path: str | Path, codes: Sequence[str]) -> pd.DataFrame:
    """Read a researcher's labels file: CSV ``task_id,code`` (``title``, ``text`` optional).

    The file serves twice: its codes override the coding of those tasks, and
    the labelled tasks train the next run's model. Rows without a code, or
    coded :data:`UNCLEAR`, are skipped; the last row wins for a repeated task.

    Parameters
    ----------
    path : str or Path
    codes : sequence of str
        The codebook's codes; any other code is an error that lists them.

    Returns
    -------
    pandas.DataFrame
        ``task_id, code, title, text`` (title and text empty when the file
        has none; they are then looked up in the tasks coded).

    Raises
    ------
    CompareError
        Naming the file: unreadable, missing columns, unknown codes.

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "labels.csv")
    >>> _ = open(f, "w", encoding="utf-8").write("task_id,code\\nabc-t001,E\\nabc-t002,?\\n")
    >>> read_labels(f, ["E", "K"])[["task_id", "code"]].to_dict("records")
    [{'task_id': 'abc-t001', 'code': 'E'}]
    """
    path = Path(path)
    try:
        frame = pd.read_csv(
            path, dtype=str, encoding="utf-8-sig", sep=None, engine="python", keep_default_na=False
        )
    except FileNotFoundError:
        raise CompareError(f"{path}: labels file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise CompareError(f"{path}: cannot read labels ({err})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in ("task_id", "code") if c not in frame.columns]
    if missing:
        raise CompareError(f"{path}: missing column(s) {', '.join(missing)} (need task_id, code)")
    frame = frame.reindex(columns=["task_id", "code", "title", "text"]).astype(object)
    frame = frame.where(frame.notna(), "").apply(lambda s: s.astype(str).str.strip())
    frame = frame[(frame["task_id"] != "") & ~frame["code"].isin(["", UNCLEAR])]
    bad = sorted(set(frame["code"]) - set(codes))
    if bad:
        raise CompareError(
            f"{path}: unknown code(s) {', '.join(bad)}; valid codes: {', '.join(codes)}"
        )
    return frame.drop_duplicates("task_id", keep="last").reset_index(drop=True)


def _shipped_keys() -> set[tuple[str, str]]:
    from compare.codebook import load_codebook

    ref = load_codebook(config.CODEBOOK_FILE)
    return set(zip(ref["code"], ref["theme"], strict=True))


def training_examples(
    codebook: pd.DataFrame,
    *,
    labels: pd.DataFrame | None = None,
    tasks: pd.DataFrame | None = None,
    use_seed_labels: bool = True,
    use_notes: bool = True,
    use_seed_terms: bool = True,
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """The labelled examples the model learns from, sorted (so row order never matters).

    Parameters
    ----------
    codebook : pandas.DataFrame
        From :func:`compare.codebook.load_codebook`. Shipped labels and notes
        count for a theme only when its code and name match the shipped codebook;
        notes columns (``include``, ``examples``) in the codebook itself count too.
    labels : pandas.DataFrame, optional
        From :func:`read_labels`; a label without text takes it from ``tasks``.
    tasks : pandas.DataFrame, optional
        The tasks being coded (``task_id, title, text``).
    use_seed_labels, use_notes, use_seed_terms : bool
        Which sources to use (the benchmark switches them).
    exclude : sequence of str
        Task ids left out (cross-validation holds out a document or district).

    Returns
    -------
    pandas.DataFrame
        :data:`EXAMPLE_COLUMNS`; ``source`` is ``seed``, ``label``, ``note``
        or ``terms``; ``group`` is the document of a task (for calibration).

    Examples
    --------
    >>> from compare.codebook import load_codebook
    >>> ex = training_examples(load_codebook())
    >>> sorted(ex["source"].unique())
    ['note', 'seed', 'terms']
    """
    codes = list(codebook["code"])
    shipped = _shipped_keys()
    matched = {
        c for c, t in zip(codebook["code"], codebook["theme"], strict=True) if (c, t) in shipped
    }
    skip = set(exclude)
    rows: list[dict] = []
    own = labels if labels is not None else pd.DataFrame(columns=["task_id", "code"])
    skip_seed = skip | set(own["task_id"])
    if use_seed_labels:
        for r in seed_labels().itertuples():
            if r.code in matched and r.task_id not in skip_seed:
                rows.append(
                    {
                        "title": r.title,
                        "text": r.text,
                        "code": r.code,
                        "source": "seed",
                        "group": r.doc_id,
                    }
                )
    if len(own):
        known = (
            tasks.set_index("task_id")[["title", "text", "doc_id"]]
            if tasks is not None and "doc_id" in tasks
            else (
                tasks.set_index("task_id")[["title", "text"]].assign(doc_id="")
                if tasks is not None
                else None
            )
        )
        for r in own.itertuples():
            if r.task_id in skip:
                continue
            title, text = str(getattr(r, "title", "") or ""), str(getattr(r, "text", "") or "")
            group = str(getattr(r, "doc_id", "") or "")
            if known is not None and r.task_id in known.index:
                k = known.loc[r.task_id]
                title, text = title or k["title"], text or k["text"]
                group = group or str(k["doc_id"])
            if title or text:
                rows.append(
                    {
                        "title": title,
                        "text": text or title,
                        "code": r.code,
                        "source": "label",
                        "group": group or r.task_id,
                    }
                )
    if use_notes:
        notes = load_notes()
        notes = notes[
            [
                (c, t) in shipped and c in matched
                for c, t in zip(notes["code"], notes["theme"], strict=True)
            ]
        ]
        for col in ("include", "examples"):  # notes carried by the user's codebook itself
            if col in codebook.columns:
                extra = codebook[["code", "theme", col]].copy()
                if col == "examples":
                    extra[col] = extra[col].map(
                        lambda v: v if isinstance(v, list) else _split_list(v)
                    )
                notes = pd.concat([notes, extra], ignore_index=True)
        for r in notes.fillna("").itertuples():
            if r.code not in codes:
                continue
            for phrase in r.examples if isinstance(r.examples, list) else []:
                rows.append(
                    {"title": phrase, "text": phrase, "code": r.code, "source": "note", "group": ""}
                )
            if r.include:
                rows.append(
                    {
                        "title": r.theme,
                        "text": f"{r.theme}。{r.include}",
                        "code": r.code,
                        "source": "note",
                        "group": "",
                    }
                )
    if use_seed_terms:
        for code, theme, terms in zip(
            codebook["code"], codebook["theme"], codebook["seed_terms"], strict=True
        ):
            rows.append(
                {
                    "title": theme,
                    "text": "、".join(terms),
                    "code": code,
                    "source": "terms",
                    "group": "",
                }
            )
    out = pd.DataFrame(rows, columns=list(EXAMPLE_COLUMNS)).fillna("")
    out = out.drop_duplicates(["title", "text", "code"])
    return out.sort_values(["code", "source", "title", "text"], kind="stable").reset_index(
        drop=True
    )


def labelled_pool(
    codebook: pd.DataFrame,
    *,
    labels: pd.DataFrame | None = None,
    tasks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every labelled task with its text, document and district (what cross-validation holds out).

    The shipped seed labels of the codebook's matching themes, plus the
    researcher's labels of tasks in ``tasks`` (their text, document and
    district taken from there); a researcher's label replaces a seed label.

    Returns
    -------
    pandas.DataFrame
        ``task_id, code, title, text, doc_id, district, source`` sorted by ``task_id``.

    Examples
    --------
    >>> from compare.codebook import load_codebook
    >>> labelled_pool(load_codebook())["district"].nunique()
    3
    """
    cols = ["task_id", "code", "title", "text", "doc_id", "district", "source"]
    shipped = _shipped_keys()
    matched = {
        c for c, t in zip(codebook["code"], codebook["theme"], strict=True) if (c, t) in shipped
    }
    seeds = seed_labels()
    seeds = seeds[seeds["code"].isin(matched)].assign(source="seed")
    parts = [seeds.reindex(columns=cols)]
    if labels is not None and len(labels) and tasks is not None:
        known = tasks.drop_duplicates("task_id").set_index("task_id")
        own = labels[labels["task_id"].isin(known.index)][["task_id", "code"]]
        info = known.loc[own["task_id"]].reindex(columns=["title", "text", "doc_id", "district"])
        own = own.reset_index(drop=True).join(info.reset_index(drop=True)).assign(source="label")
        parts = [parts[0][~parts[0]["task_id"].isin(own["task_id"])], own.reindex(columns=cols)]
    pool = pd.concat(parts, ignore_index=True).fillna("")
    for col in ("doc_id", "district"):
        pool[col] = pool[col].astype(str)
    return pool.sort_values("task_id", kind="stable").reset_index(drop=True)
