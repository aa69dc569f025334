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
        "display.unicode.east_asian_width",
        True,
        "display.max_rows",
        None,
        "display.max_columns",
        None,
        "display.width",
        200,
        "display.max_colwidth",
        60,
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
    from compare.corpus import plan_rows
    from compare.extract import extract_bytes
    from compare.io import read_plan_bytes
    from compare.parse import NoTasksWarning, parse_text
    from compare.report.explorer import source_span

    path = Path(args.file)
    ex = extract_bytes(read_plan_bytes(path), name=str(path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoTasksWarning)
        plan = parse_text(
            ex.text, source=path.name, sha256=ex.sha256, encoding=ex.encoding, meta=ex.meta
        )
    for w in caught:
        print(f"compare: warning: {w.message}", file=sys.stderr)
    data = plan.to_dict()
    data["document"].update(format=ex.format, n_pages=ex.n_pages or None)
    spans = {r["task_id"]: r for r in plan_rows(plan, path.name, ex)["tasks"]}
    for t in data["tasks"]:
        row = spans[t["id"]]
        t.update(
            {k: row[k] for k in ("page_start", "page_end", "page_line_start", "page_line_end")}
        )
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    d = data["document"]
    when = d["year"] or (f"{d['period_start']}–{d['period_end']}" if d["period_start"] else "?")
    print(f"{d['title'] or '(no title)'}")
    print(
        f"  district {d['district'] or '?'} · {when} · {d['kind']} · "
        f"{d['doc_number'] or 'no document number'} · issued {d['issue_date'] or '?'} · "
        f"{d['format']}" + (f", {d['n_pages']} pages" if d["n_pages"] else "")
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
        print(f"  {t['number']:<5} {t['title']}  [{source_span(t)}]")
    return 0


def cmd_corpus(args: argparse.Namespace) -> int:
    """``compare corpus DIR``: a table per document, failures listed."""
    from compare.corpus import load_corpus
    from compare.parse import NoTasksWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoTasksWarning)
        corpus = load_corpus(args.dir, use_cache=not args.no_cache, progress=sys.stderr.isatty())
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


def cmd_add(args: argparse.Namespace) -> int:
    """``compare add SOURCE...``: copy files or download URLs into data/raw, catalogued."""
    from tqdm import tqdm

    from compare.acquire import add_source

    failed = 0
    bar = tqdm(args.sources, unit="file", disable=len(args.sources) < 2 or None, file=sys.stderr)
    for source in bar:
        bar.set_postfix_str(Path(source).name[-30:], refresh=False)
        try:
            added = add_source(
                source,
                args.raw_dir,
                args.catalog,
                timeout=args.timeout,
                max_bytes=int(args.max_mb * 1024 * 1024),
            )
        except CompareError as err:
            failed += 1
            tqdm.write(f"compare: error: {err}", file=sys.stderr)
            continue
        tqdm.write(added.summary(), file=sys.stdout)
    return 1 if failed else 0


def cmd_render(args: argparse.Namespace) -> int:
    """``compare render [NOTEBOOK ...]``: run the notebooks, export offline HTML reports."""
    from compare.report import render_command

    return render_command(args)


def cmd_themes(args: argparse.Namespace) -> int:
    """``compare themes DIR``: one row per task with its cluster and codebook theme."""
    from compare.coding import coded_tasks
    from compare.themes import OUTPUT_COLUMNS

    corpus = _load_for_analysis(args.dir)
    labels = args.labels or args.overrides
    table = coded_tasks(  # the reports' coding, served from the same cache
        corpus.tasks,
        k=args.k or 0,
        codebook=args.codebook or "",
        labels=labels or "",
        seed=args.seed,
        guide=args.guide,
        threshold=args.threshold,
    )
    columns = list(OUTPUT_COLUMNS) + (["overridden"] if labels else [])
    text = {"source_file": "source_file", "doc_id": "doc_id", "section": "section_path"}
    text.update(number="number", title="title")
    shown = table.assign(**{c: table[s].fillna("").astype(str) for c, s in text.items()})
    _write_frame(shown[columns], args.format)
    how = "given" if args.k else "automatic"
    kind = f"guided {args.guide:g}" if args.guide > 0 else "text only"
    note = (
        f", {table.attrs['n_labels']} labels ({table.attrs['n_overridden']} of these tasks here)"
        if labels
        else ""
    )
    print(
        f"compare: {len(table)} tasks, {table['cluster'].nunique()} clusters ({how} k, {kind}), "
        f"{table.attrs.get('n_unclear', 0)} unclear (code ?){note}",
        file=sys.stderr,
    )
    return 1 if corpus.failures else 0


def _load_for_analysis(folder: str):  # noqa: ANN202 - a Corpus
    from compare.corpus import load_corpus
    from compare.parse import NoTasksWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoTasksWarning)
        corpus = load_corpus(folder)
    for w in caught:
        print(f"compare: warning: {w.message}", file=sys.stderr)
    for name, reason in corpus.failures:
        print(f"compare: error: {name}: {reason}", file=sys.stderr)
    if corpus.tasks.empty:
        raise CompareError(f"{folder}: no tasks found in any plan")
    return corpus


def cmd_targets(args: argparse.Namespace) -> int:
    """``compare targets DIR``: the quantitative targets of every task, with source lines."""
    import pandas as pd

    from compare.targets import TARGET_COLUMNS, extract_targets

    corpus = _load_for_analysis(args.dir)
    found = extract_targets(corpus.tasks)
    out = found[list(TARGET_COLUMNS)].astype(object)
    for col in ("value", "value_max"):  # 48 not 48.0; empty for no range
        out[col] = pd.Series(
            [None if v != v else (int(v) if float(v).is_integer() else float(v)) for v in out[col]],
            index=out.index,
            dtype=object,
        )
    _write_frame(out, args.format)
    print(f"compare: {len(out)} targets in {out['task_id'].nunique()} tasks", file=sys.stderr)
    return 1 if corpus.failures else 0


def cmd_shares(args: argparse.Namespace) -> int:
    """``compare shares DIR``: theme shares per district with Wilson 95 % intervals."""
    from compare.coding import coded_tasks
    from compare.selection import comparison_set, year_note
    from compare.shares import INTERVAL, LEVEL, share_table, share_test, theme_shares

    corpus = _load_for_analysis(args.dir)
    docs, tasks = comparison_set(  # the reports' comparison set (report 03)
        corpus.documents,
        coded_tasks(corpus.tasks, seed=args.seed),
        districts=args.district or (),
        years=args.year or (),
        kinds=() if args.kind == "all" else [args.kind],
        latest=not args.all_years,
        **({} if args.max_districts is None else {"max_districts": args.max_districts}),
    )
    weights = ["tasks", "chars"] if args.weight == "both" else [args.weight]
    frames = [theme_shares(tasks, args.by, weight=w) for w in weights]
    if args.format != "table":
        import pandas as pd

        _write_frame(pd.concat(frames, ignore_index=True), args.format)
        return 1 if corpus.failures else 0
    print("Documents: " + ", ".join(docs["label"].astype(str)))
    print(year_note(docs))
    for w, shares in zip(weights, frames, strict=True):
        print(
            f"\nShare of {'tasks' if w == 'tasks' else 'body text (characters)'}, "
            f"% [{LEVEL:.0%} {INTERVAL} interval over tasks"
            + ("" if w == "tasks" else ", effective number of tasks (Kish)")
            + "]"
        )
        _print_table(share_table(shares))
    if tasks[args.by].nunique() > 1:
        test = share_test(tasks, args.by, n_perm=args.n_perm, seed=args.seed)
        print(
            f"\nChi-square (task counts): {test.chi2:.1f}, df {test.dof}, p {test.p_value:.3f}; "
            f"permutation p {test.p_permutation:.3f}; smallest expected count {test.min_expected:.2f}"
        )
        flagged = test.table[test.table["direction"] != ""]
        if flagged.empty:
            print("No theme is over- or under-weighted beyond |adjusted residual| 1.96.")
        else:
            _print_table(
                flagged[
                    [
                        "group",
                        "theme",
                        "theme_name",
                        "observed",
                        "expected",
                        "residual",
                        "direction",
                    ]
                ].round(2)
            )
    return 1 if corpus.failures else 0


def _positive(value: str) -> float:
    """An argparse type: a number above zero (seconds, megabytes)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be above 0, got {value}")
    return number


def _at_least(minimum: int):  # noqa: ANN202 - an argparse type
    """An argparse type: an integer no smaller than ``minimum``."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {number}")
        return number

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="compare",
        description="Compare the health-policy plans of Chinese districts.",
        epilog="Run 'compare COMMAND --help' for the options of one command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("parse", help="parse one plan file and show its structure")
    p.add_argument(
        "file", metavar="FILE", help="a plan: text, PDF (text or scan), Word or a saved web page"
    )
    p.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="output format (default: table)",
    )
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("corpus", help="parse a folder of plans; one row per document")
    p.add_argument("dir", metavar="DIR", help="folder of plan files (searched recursively)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--no-cache", action="store_true", help="parse everything again, write no cache")
    p.set_defaults(func=cmd_corpus)

    from compare import config

    p = sub.add_parser(
        "add", help="copy plan files or download URLs into data/raw, recorded in data/catalog.csv"
    )
    p.add_argument("sources", metavar="SOURCE", nargs="+", help="a file, or an http(s) URL")
    p.add_argument("--raw-dir", default=str(config.RAW_DIR), help="where plans are kept")
    p.add_argument("--catalog", default=str(config.CATALOG_FILE), help="the catalog CSV")
    p.add_argument("--timeout", type=_positive, default=30.0, help="seconds per download (30)")
    p.add_argument("--max-mb", type=_positive, default=20.0, help="largest file in MB (20)")
    p.set_defaults(func=cmd_add)

    from compare.report import add_render_arguments  # stdlib-only imports: --help stays fast

    p = sub.add_parser("render", help="run the notebooks and export offline HTML reports")
    add_render_arguments(p).set_defaults(func=cmd_render)

    p = sub.add_parser("themes", help="cluster the tasks and code them against the codebook")
    p.add_argument("dir", metavar="DIR", help="folder of plan files")
    p.add_argument(
        "--k",
        type=_at_least(2),
        default=None,
        metavar="N",
        help="number of clusters, 2 or more (default: automatic)",
    )
    p.add_argument(
        "--codebook", metavar="FILE", default=None, help="codebook TSV (default: the shipped one)"
    )
    p.add_argument(
        "--labels",
        metavar="FILE",
        default=None,
        help="CSV task_id,code of your labels: they override those tasks' codes "
        "and train the model",
    )
    p.add_argument(
        "--overrides", metavar="FILE", default=None, help="older name of --labels (same use)"
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="P",
        help="confidence below which a task is coded ? (unclear); default 0.35",
    )
    p.add_argument(
        "--guide",
        type=float,
        default=0.0,
        metavar="W",
        help="weight of the codebook in the clusters (default 0: text only; >0: guided)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_themes)

    p = sub.add_parser("targets", help="quantitative targets of every task, with source lines")
    p.add_argument("dir", metavar="DIR", help="folder of plan files (or one file)")
    p.add_argument("--format", choices=["csv", "json", "table"], default="csv")
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser("shares", help="theme shares per district with Wilson 95%% intervals")
    p.add_argument("dir", metavar="DIR", help="folder of plan files")
    p.add_argument(
        "--district", action="append", default=None, help="keep this district (repeatable)"
    )
    p.add_argument(
        "--year", type=int, action="append", default=None, help="keep this year (repeatable)"
    )
    p.add_argument(
        "--kind", default="work_points", help="document kind, or 'all' (default: work_points)"
    )
    p.add_argument(
        "--all-years", action="store_true", help="every matching document, not the latest"
    )
    p.add_argument(
        "--max-districts",
        type=_at_least(0),
        default=None,
        metavar="N",
        help="without --district, at most N districts, most recent first "
        "(default: the reports' 12; 0: all)",
    )
    p.add_argument("--by", choices=["district", "label", "doc_id"], default="district")
    p.add_argument("--weight", choices=["tasks", "chars", "both"], default="both")
    p.add_argument(
        "--n-perm",
        type=_at_least(1),
        default=2000,
        metavar="N",
        help="permutations of the chi-square, 1 or more (default: 2000)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the permutations (default: 0)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_shares)

    return parser


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """Print a warning as one line (library warnings included), not Python's two."""
    print(f"compare: warning: {' '.join(str(message).split())}", file=file or sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``compare`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _warning_line
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
