"""``compare render`` on the command line (also ``python -m compare.report``).

:func:`add_render_arguments` declares the options, :func:`render_command`
runs :func:`compare.report.rendering.render` with them and turns failures
into exit status 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from compare import config
from compare.exceptions import CompareError
from compare.report.manifest import INDEX_NAME, LOCK_TIMEOUT, PLOTLY_ASSET
from compare.report.notebooks import load_params_file, parse_param_pairs
from compare.report.rendering import render

__all__ = ["add_render_arguments", "main", "render_command"]


def add_render_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the arguments of ``compare render`` to ``parser``.

    Examples
    --------
    >>> import argparse
    >>> args = add_render_arguments(argparse.ArgumentParser()).parse_args(["01", "-p", "k", "8"])
    >>> args.notebooks, args.param
    (['01'], [['k', '8']])
    """
    parser.add_argument(
        "notebooks", nargs="*", metavar="NOTEBOOK", help="notebooks to render (default: all)"
    )
    parser.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="a notebook parameter; VALUE is read as YAML (8, 0.5, true, [a, b])",
    )
    parser.add_argument(
        "--params", type=Path, metavar="FILE.yaml", help="parameters from a YAML mapping"
    )
    parser.add_argument("--force", action="store_true", help="re-execute unchanged notebooks")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: reports/)")
    parser.add_argument(
        "--wait",
        type=float,
        default=LOCK_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for another render of the same folder "
        f"(default: {LOCK_TIMEOUT:g}); then exit 1",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="kernels running notebooks at once (default: 2 with two or more cores and "
        "plans under 64 MB, else 1); the reports are the same for any N",
    )
    parser.add_argument(
        "--standalone",
        action="store_true",
        help="inline plotly.js in each report (single files to e-mail; about 5 MB each) "
        f"instead of one shared {PLOTLY_ASSET} beside them",
    )
    return parser


def render_command(args: argparse.Namespace) -> int:
    """Run ``compare render`` from parsed arguments; return the exit code.

    0 when every notebook rendered or was unchanged, 1 when any failed (its
    previous report is kept).

    Raises
    ------
    CompareError
        For a wrong notebook name, parameters file or data folder.

    Examples
    --------
    >>> import argparse
    >>> render_command(add_render_arguments(argparse.ArgumentParser()).parse_args([]))  # doctest: +SKIP
    0
    """
    params = load_params_file(args.params) if args.params else {}
    params.update(parse_param_pairs(args.param))
    started = time.perf_counter()
    results = render(
        args.notebooks or None,
        params,
        args.out,
        args.force,
        standalone=getattr(args, "standalone", False),
        lock_timeout=getattr(args, "wait", LOCK_TIMEOUT),
        jobs=getattr(args, "jobs", None),
    )
    failed = [r for r in results if not r.ok]
    out = Path(args.out or config.REPORTS_DIR)
    print(
        f"{len(results) - len(failed)}/{len(results)} report(s) ok in "
        f"{time.perf_counter() - started:.1f} s; index: {out.name}/{INDEX_NAME}"
    )
    for result in failed:
        print(f"compare: error: {result.notebook}: {result.error}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m compare.report``: the same as ``compare render``."""
    parser = argparse.ArgumentParser(
        prog="compare render", description="Render the notebooks to offline HTML reports."
    )
    try:
        return render_command(add_render_arguments(parser).parse_args(argv))
    except CompareError as exc:
        print(f"compare: error: {exc}", file=sys.stderr)
        return 1
