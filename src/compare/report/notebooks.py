"""The notebooks a render runs: discovery, declared parameters, titles and summaries.

A notebook's parameters are those of its cell tagged ``parameters``, read by
``papermill.inspect_notebook``; values given on the command line are YAML,
must be plain data and must fit the type the notebook declares.

Examples
--------
>>> parse_param_pairs([("seed", "7")])
{'seed': 7}
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from compare import config
from compare.exceptions import CompareError, RenderError

__all__ = [
    "NotebookParameter",
    "declared_parameters",
    "find_notebooks",
    "load_params_file",
    "notebook_parameters",
    "parse_param_pairs",
    "validate_params",
]

#: A notebook file name: two digits, an underscore, a name.
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
SUMMARY_TAG = "summary"
#: The kernel papermill assumes for a notebook given as JSON without one.
_DEFAULT_KERNELSPEC = {"name": "python3", "language": "python", "display_name": "Python 3"}
_SUMMARY_MAX_CHARS = 240


@dataclasses.dataclass(frozen=True)
class NotebookParameter:
    """One assignment of a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
        The variable name.
    default : str
        The default value as written in the cell (source text).
    type : str
        The annotation as written (``""`` when there is none).
    help : str
        The trailing ``#`` comment (``""`` when there is none).
    """

    name: str
    default: str
    type: str = ""
    help: str = ""


def find_notebooks(
    names: Sequence[str] | None = None, notebooks_dir: Path | None = None
) -> list[Path]:
    """Resolve notebook names to files of ``notebooks/`` (all of them by default).

    Parameters
    ----------
    names : sequence of str, optional
        Stems (``"01_corpus_overview"``), file names or paths; a two-digit
        prefix (``"01"``) also works when it is unique.
    notebooks_dir : pathlib.Path, optional
        Default ``config.NOTEBOOKS_DIR``.

    Returns
    -------
    list of pathlib.Path
        In phase order.

    Raises
    ------
    CompareError
        If a name matches no notebook (the message lists the notebooks).

    Examples
    --------
    >>> [p.name for p in find_notebooks(["01"])]  # doctest: +SKIP
    ['01_corpus_overview.ipynb']
    """
    folder = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    available = sorted(p.resolve() for p in folder.glob(NOTEBOOK_GLOB))
    if names is None:
        return available
    chosen: list[Path] = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            matches = [path.resolve()]
        else:
            stem = path.name.removesuffix(".ipynb")
            matches = [p for p in available if p.stem == stem] or [
                p for p in available if p.stem.startswith(stem + "_")
            ]
        if len(matches) != 1:
            listing = ", ".join(p.stem for p in available) or "none"
            raise CompareError(f"{name}: no such notebook in {folder.name}/ (available: {listing})")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


def read_notebook_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(f"{path.name}: not a readable notebook ({exc})") from exc


def cell_source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def import_papermill() -> Any:
    """papermill, imported without jsonschema's IRI format checker, whose import takes ~2 s.

    papermill imports nbformat, which imports jsonschema, which imports
    ``rfc3987_syntax`` when it is installed (jupyter-events asks for it); that
    package compiles an Earley parser at import (python-jsonschema #1392).
    nbformat validates with fastjsonschema and its schema checks no ``iri``
    format, so the checker is never used by a render: when jsonschema is not
    imported yet, it is told the package is absent (in this process only).

    Examples
    --------
    >>> import_papermill().__name__
    'papermill'
    """
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    import papermill

    return papermill


def notebook_parameters(notebook: Path | Mapping[str, Any]) -> list[NotebookParameter]:
    """The assignments of a notebook's cell tagged ``parameters``.

    Read by ``papermill.inspect_notebook``, the parser ``papermill --help-notebook`` uses.

    Parameters
    ----------
    notebook : pathlib.Path or mapping
        A notebook file, or its parsed JSON.

    Returns
    -------
    list of NotebookParameter
        In the order of the cell; empty when there is no such cell.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...                  "source": "seed: int = 42  # random seed"}]}
    >>> notebook_parameters(nb)
    [NotebookParameter(name='seed', default='42', type='int', help='random seed')]
    """
    papermill = import_papermill()
    if isinstance(notebook, Path):
        read_notebook_json(notebook)  # one line naming the file when it is not a notebook
        declared = papermill.inspect_notebook(str(notebook))
    else:  # papermill reads files: hand it this notebook as one
        nb = {"nbformat": 4, "nbformat_minor": 5, **notebook}
        nb["metadata"] = {"kernelspec": _DEFAULT_KERNELSPEC, **nb.get("metadata", {})}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "notebook.ipynb"
            path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
            declared = papermill.inspect_notebook(str(path))
    return [
        NotebookParameter(
            name=spec["name"],
            default=spec["default"],
            type="" if spec["inferred_type_name"] == "None" else spec["inferred_type_name"],
            help=spec["help"],
        )
        for spec in declared.values()
    ]


def declared_parameters(
    path: Path, sha256: str, known: Mapping[str, Sequence[Mapping[str, str]]] | None = None
) -> list[NotebookParameter]:
    """:func:`notebook_parameters` of a notebook file, reused when its content was read before.

    Parameters
    ----------
    path : pathlib.Path
        The notebook.
    sha256 : str
        The hash of its file.
    known : mapping, optional
        Parameters read before, by notebook hash, as ``dataclasses.asdict``
        rows (the manifest keeps them: see :func:`known_parameters`). An
        unchanged notebook is not read again, which spares a render with
        nothing to do the import of papermill (about 2 s).

    Examples
    --------
    >>> row = {"name": "seed", "default": "0", "type": "int", "help": ""}
    >>> declared_parameters(Path("01_x.ipynb"), "ab12", {"ab12": [row]})
    [NotebookParameter(name='seed', default='0', type='int', help='')]
    """
    rows = (known or {}).get(sha256)
    if rows is not None:
        return [NotebookParameter(**row) for row in rows]
    return notebook_parameters(path)


def known_parameters(
    entries: Iterable[Mapping[str, Any]],
) -> dict[str, list[dict[str, str]]]:
    """Declared parameters recorded in manifest entries, by notebook hash.

    Examples
    --------
    >>> row = {"name": "k", "default": "0", "type": "int", "help": ""}
    >>> known_parameters([{"notebook_sha256": "ab12", "declared": [row]}, {"notebook": "x"}])
    {'ab12': [{'name': 'k', 'default': '0', 'type': 'int', 'help': ''}]}
    """
    return {
        str(e["notebook_sha256"]): list(e["declared"])
        for e in entries
        if isinstance(e.get("declared"), list) and e.get("notebook_sha256")
    }


def parse_param_pairs(pairs: Iterable[Sequence[str]]) -> dict[str, Any]:
    """Turn ``-p KEY VALUE`` pairs into parameters; values are read as YAML.

    So ``8`` is an int, ``0.5`` a float, ``true`` a bool, ``null`` None,
    ``"[长宁, 青浦]"`` a list, and anything else a string.

    Examples
    --------
    >>> parse_param_pairs([("k", "8"), ("districts", "[长宁, 青浦]"), ("name", "松江")])
    {'k': 8, 'districts': ['长宁', '青浦'], 'name': '松江'}
    """
    import yaml

    params: dict[str, Any] = {}
    for key, value in pairs:
        try:
            params[key] = yaml.safe_load(value)
        except yaml.constructor.ConstructorError as exc:  # e.g. !!python/object/apply
            raise CompareError(
                f"-p {key}: {_one_line(exc)}; a parameter is plain data "
                "(quote the value to pass it as text)"
            ) from exc
        except yaml.YAMLError:
            params[key] = value
    return params


def load_params_file(path: Path | str) -> dict[str, Any]:
    """Read parameters from a YAML file holding one mapping of name to value.

    Raises
    ------
    CompareError
        If the file cannot be read or is not a mapping.

    Examples
    --------
    >>> load_params_file("params.yaml")  # doctest: +SKIP
    {'seed': 7, 'k': 8}
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CompareError(f"{path}: cannot read parameters ({_one_line(exc)})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CompareError(f"{path.name}: parameters must be a mapping of name: value")
    return {str(k): v for k, v in data.items()}


def _one_line(exc: BaseException | str, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: The Python types a parameter value may have (papermill writes these as literals).
_PLAIN_TYPES = (type(None), bool, int, float, str)


def _not_data(value: Any) -> str | None:
    """Why ``value`` is not plain data (None, bool, int, float, str, lists and dicts of them)."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        if kind is float and not (value == value and abs(value) != float("inf")):
            return f"{value!r} is not a finite number"
        return None
    if kind is list:
        return next((p for p in map(_not_data, value) if p), None)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"a mapping key must be text, not {type(key).__name__} {key!r:.40}"
            problem = _not_data(item)
            if problem:
                return problem
        return None
    return f"a {kind.__name__} value ({value!r:.60}) is not plain data"


def _matches(value: Any, annotation: str) -> bool:
    """Whether ``value`` fits a parameter annotation such as ``int``, ``list[str]``, ``str | None``."""
    annotation = annotation.replace(" ", "")
    optional = re.fullmatch(r"(?:typing\.)?Optional\[(.+)\]", annotation)
    options = [optional.group(1), "None"] if optional else _split_top(annotation, "|")
    if len(options) > 1:
        return any(_matches(value, option) for option in options)
    head, _, inner = annotation.partition("[")
    inner = inner[:-1] if inner.endswith("]") else inner
    head = head.removeprefix("typing.").lower()
    if head in {"", "any", "object"}:
        return True
    if head in {"none", "nonetype"}:
        return value is None
    if head == "bool":
        return type(value) is bool
    if head == "int":
        return type(value) is int
    if head == "float":
        return type(value) in (int, float)
    if head == "str":
        return type(value) is str
    if head in {"list", "sequence", "tuple"}:
        item = _split_top(inner, ",")[0] if inner else ""
        return type(value) is list and all(_matches(v, item) for v in value)
    if head in {"dict", "mapping"}:
        parts = _split_top(inner, ",") if inner else []
        item = parts[1] if len(parts) == 2 else ""
        return type(value) is dict and all(_matches(v, item) for v in value.values())
    return True  # an annotation we do not know: any plain data


def _split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "["
        depth -= char == "]"
        if char == sep and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def validate_params(
    params: Mapping[str, Any],
    notebooks: Sequence[Path],
    declared: Mapping[Path, Sequence[NotebookParameter]] | None = None,
) -> None:
    """Refuse parameter values that are not plain data or not of the declared type.

    papermill writes values into the notebook as Python literals; only
    None, bool, int, float, str and lists or dicts of these have a literal
    it escapes (a YAML ``!!set`` or ``!!binary`` value would be written as
    code). Each value must also fit the type its notebooks declare, as
    ``papermill.inspect_notebook`` reads it (``int``, ``list[str]`` …);
    ``declared`` gives those declarations where they are known already.

    Raises
    ------
    CompareError
        One line naming the parameter, the notebook and what it accepts.

    Examples
    --------
    >>> validate_params({"k": {1, 2}}, [])
    Traceback (most recent call last):
    ...
    compare.exceptions.CompareError: parameter k: a set value ({1, 2}) is not plain data; use null, true/false, a number, text, or a list or mapping of these
    """
    for name, value in params.items():
        problem = _not_data(value)
        if problem:
            raise CompareError(
                f"parameter {name}: {problem}; use null, true/false, a number, text, "
                "or a list or mapping of these"
            )
    if not params or not notebooks:
        return
    for path in notebooks:
        given = (declared or {}).get(path)
        specs = {p.name: p for p in (notebook_parameters(path) if given is None else given)}
        for name, value in params.items():
            spec = specs.get(name)
            if spec is None or not spec.type:  # not declared here, or its type unknown
                continue
            if not _matches(value, spec.type):
                raise CompareError(
                    f"parameter {name} of {path.stem} must be {spec.type}, "
                    f"got {type(value).__name__} {value!r:.60} (its default: {spec.default})"
                )


def _plain_text(markdown: str) -> str:
    text = re.sub(r"\\([\\`*_\[\]{}()#+\-.!|~<>])", r"\1", markdown)
    text = re.sub(r"[*_`#>]+", "", text.replace("\\", ""))
    text = html.unescape(" ".join(text.split()))
    return text[:_SUMMARY_MAX_CHARS]


def title_and_summary(nb: Mapping[str, Any], fallback: str) -> tuple[str, str]:
    cells = nb.get("cells", [])
    title = nb.get("metadata", {}).get("title") or ""
    first_markdown = ""
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        lines = cell_source(cell).splitlines()
        if not title:
            title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
        if not first_markdown:
            paragraphs = [p for p in cell_source(cell).split("\n\n") if not p.startswith("#")]
            first_markdown = paragraphs[0] if paragraphs else ""
    summary = ""
    for cell in cells:
        if SUMMARY_TAG in _tags(cell):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                text = data.get("text/markdown") or data.get("text/plain") or output.get("text")
                if text:
                    summary = cell_source({"source": text})
                    break
            break
    summary = summary or nb.get("metadata", {}).get("compare", {}).get("summary") or first_markdown
    return _plain_text(title) or fallback, _plain_text(summary)
