"""The ``compare`` command line.

Each subcommand is a small function ``cmd_<name>(args) -> int`` registered in
:func:`build_parser`; stage modules are imported inside the function so that
``compare --help`` stays fast. Errors the user can cause
(:class:`~compare.exceptions.CompareError`) print one line naming the file and
the problem and exit 1; wrong arguments exit 2 (argparse).

Examples
--------
>>> build_parser().parse_args(["parse", "plan.txt"]).format
'table'
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from compare.exceptions import CompareError

__all__ = ["main", "build_parser"]


def _print_table(df, out=None) -> None:  # noqa: ANN001 - a DataFrame
    import pandas as pd

    with pd.option_context(
        "display.unicode.east_asian_width", True,
        "display.max_rows", None,
        "display.max_columns", None,
        "display.width", 200,
        "display.max_colwidth", 60,
    ):
        print(df.to_string(index=False), file=out or sys.stdout)


def _write_frame(df, fmt: str) -> None:  # noqa: ANN001 - a DataFrame
    """Print a DataFrame as csv, json (records) or an aligned table."""
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        _print_table(df)


def cmd_parse(args: argparse.Namespace) -> int:
    """``compare parse FILE``: one plan as JSON or as a readable table."""
    from compare.parse import NoTasksWarning, parse_plan

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoTasksWarning)
        plan = parse_plan(Path(args.file))
    for w in caught:
        print(f"compare: warning: {w.message}", file=sys.stderr)
    data = plan.to_dict()
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    d = data["document"]
    when = d["year"] or (f"{d['period_start']}–{d['period_end']}" if d["period_start"] else "?")
    print(f"{d['title'] or '(no title)'}")
    print(
        f"  district {d['district'] or '?'} · {when} · {d['kind']} · "
        f"{d['doc_number'] or 'no document number'} · issued {d['issue_date'] or '?'}"
    )
    print(
        f"  {len(data['sections'])} sections · {len(data['tasks'])} tasks · "
        f"{len(data['unassigned'])} unassigned blocks · coverage {d['coverage']:.1%}"
    )
    sections = {s["id"]: s for s in data["sections"]}
    current = None
    for t in data["tasks"]:
        if t["section"] != current:
            current = t["section"]
            s = sections.get(current)
            if s:
                print(f"\n{s['number']}{s['title']}")
        print(f"  {t['number']:<5} {t['title']}  [L{t['line_start']}–L{t['line_end']}]")
    return 0


def cmd_corpus(args: argparse.Namespace) -> int:
    """``compare corpus DIR``: a table per document, failures listed."""
    from compare.corpus import load_corpus
    from compare.parse import NoTasksWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoTasksWarning)
        corpus = load_corpus(args.dir, use_cache=not args.no_cache)
    for w in caught:
        print(f"compare: warning: {w.message}", file=sys.stderr)
    summary = corpus.summary()
    if args.format == "table":
        _print_table(summary)
        print(f"\n{len(corpus.documents)} documents, {len(corpus.tasks)} tasks", end="")
        print(f", {len(corpus.failures)} failed" if corpus.failures else "")
    else:
        _write_frame(summary, args.format)
    for name, reason in corpus.failures:
        print(f"compare: error: {name}: {reason}", file=sys.stderr)
    return 1 if corpus.failures else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="compare",
        description="Compare the health-policy plans of Chinese districts.",
        epilog="Run 'compare COMMAND --help' for the options of one command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("parse", help="parse one plan file and show its structure")
    p.add_argument("file", metavar="FILE", help="a plan (.txt or .md; UTF-8 or GB18030)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: table)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("corpus", help="parse a folder of plans; one row per document")
    p.add_argument("dir", metavar="DIR", help="folder of plan files (searched recursively)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--no-cache", action="store_true", help="parse everything again, write no cache")
    p.set_defaults(func=cmd_corpus)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``compare`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CompareError as err:
        print(f"compare: error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `compare themes data/raw | head`
        return 0
    except KeyboardInterrupt:
        print("compare: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
