"""``benchmarks/RESULTS.md`` from the measurements of ``benchmarks/bench.py``: tables and plot.

Nothing here measures: :func:`summarise` turns one size's raw results into headline
figures (each a ratio to the jieba floor of the same size and run), :func:`targets`
checks issue 15's targets against them, :func:`render_markdown` writes the report and
:func:`write_results` writes it, ``results.json`` and the log-log plot, each atomically
(a reader sees the old file or the new one, never a part).

Examples
--------
>>> summarise({"n": 5, "floor": {"seconds": 2.0}, "suite_cold": {"seconds": 5.0}})["suite_cold_x"]
2.5
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench_workers import STAGES, TO_CODED

from compare.atomic import write_atomic

__all__ = [
    "E2E_N",
    "MEMORY_LIMIT_MB",
    "failures",
    "render_markdown",
    "summarise",
    "targets",
    "write_results",
]

RESULTS_FILE: Path = Path(__file__).resolve().parent / "RESULTS.md"
#: Hand-written analysis appended to RESULTS.md; a rerun refreshes the figures, keeps the prose.
ANALYSIS_FILE: Path = RESULTS_FILE.with_name("ANALYSIS.md")
PLOT_NAME = "scaling.png"
#: The size of the "end to end" target (issue 15.6); ``--e2e-n`` changes it.
E2E_N = 10_000
#: 4 GB (4 × 10⁹ bytes), in the MiB every memory figure here is given in.
MEMORY_LIMIT_MB = 4e9 / 2**20
#: Issue 15's ratios to the floor, and the sizes they are checked at.
SUITE_X, UNCHANGED_X, CHANGE_X = 3.0, 0.15, 0.5
SUITE_NS: tuple[int, ...] = (250, 1000)
CHANGE_N = 1000


def _get(d: dict[str, Any] | None, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _ok(d: dict[str, Any] | None) -> dict[str, Any] | None:
    """``d`` when it is a measurement that did not fail."""
    return d if isinstance(d, dict) and "error" not in d else None


def _stages(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["stage"]: s for s in _get(run, "stages", "stages") or []}


def _x(value: float | None, floor: float | None) -> float | None:
    return value / floor if value is not None and floor else None


def summarise(run: dict[str, Any]) -> dict[str, Any]:
    """Headline figures of one size (seconds, ratios to its floor, peak MiB).

    The floor is the faster of the two floor runs (before and after the rest): the
    larger, more demanding ratio.

    Examples
    --------
    >>> s = summarise({"n": 1, "floor": {"seconds": 4.0}, "floor_after": {"seconds": 2.0},
    ...                "suite_unchanged": {"seconds": 0.2, "peak_rss_mb": 90.0}})
    >>> s["floor_s"], s["suite_unchanged_x"], s["peak_rss_mb"]
    (2.0, 0.1, 90.0)
    """
    floors = [f["seconds"] for f in (_ok(run.get("floor")), _ok(run.get("floor_after"))) if f]
    floor = min(floors) if floors else None
    stages = _stages(run) if _ok(run.get("stages")) else {}
    timed = [s for s in stages.values() if s.get("seconds") is not None]
    coded = [stages.get(s, {}).get("seconds") for s in TO_CODED]
    change = run.get("change") or {}
    out: dict[str, Any] = {
        "n": run["n"],
        "mb": run.get("bytes", 0) / 1e6,
        "tasks": _get(run, "stages", "tasks") or run.get("truth_tasks"),
        "floor_s": floor,
        "cold_coded_s": sum(coded) if all(c is not None for c in coded) else None,
        "staged_s": sum(s["seconds"] for s in timed if s["stage"] != "read+decode") or None,
        "warm_coded_s": _get(_ok(run.get("warm")), "seconds"),
    }
    for key, m in (
        ("suite_cold", run.get("suite_cold")),
        ("suite_unchanged", run.get("suite_unchanged")),
        ("pipeline_changed", change.get("pipeline_changed")),
        ("pipeline_added", change.get("pipeline_added")),
        ("change_render", change.get("render")),
    ):
        seconds = _get(_ok(m), "seconds")
        out[f"{key}_s"] = seconds
        out[f"{key}_x"] = _x(seconds, floor)
    out["cold_coded_x"] = _x(out["cold_coded_s"], floor)
    out["staged_x"] = _x(out["staged_s"], floor)
    peaks = [
        m.get("peak_rss_mb") or m.get("process_peak_rss_mb")
        for m in (
            run.get("suite_cold"),
            run.get("suite_unchanged"),
            change.get("pipeline_changed"),
            change.get("pipeline_added"),
            change.get("render"),
            run.get("stages"),
            run.get("warm"),
        )
        if isinstance(m, dict)
    ]
    peaks += [s.get("peak_rss_mb") for s in stages.values()]
    peaks = [p for p in peaks if p]
    out["peak_rss_mb"] = max(peaks) if peaks else None
    out["suite_peak_rss_mb"] = _get(run, "suite_cold", "peak_rss_mb")
    out["stages_peak_rss_mb"] = _get(run, "stages", "process_peak_rss_mb")
    out["stages_measured"] = bool(stages) and all(
        stages.get(name, {}).get("seconds") is not None for name, _, _ in STAGES
    )
    return out


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "**yes**" if value <= limit else "no"


def targets(results: dict[str, Any]) -> list[dict[str, str]]:
    """Issue 15's "done when", each row checked against this run's figures.

    Examples
    --------
    >>> rows = targets({"runs": [], "e2e_n": 10000})
    >>> rows[0]["holds"], len(rows)
    ('not measured', 8)
    """
    by_n = {r["n"]: summarise(r) for r in results["runs"]}
    rows = []

    def ratio_row(what: str, n: int, key: str, limit: float) -> None:
        s = by_n.get(n)
        x = s.get(f"{key}_x") if s else None
        measured = f"{s[f'{key}_s']:.2f} s / floor {s['floor_s']:.2f} s = **{x:.2f}×**" if x else ""
        rows.append(
            {
                "target": what,
                "n": f"{n:,}",
                "measured": measured or "—",
                "aim": f"≤ {limit:g}×",
                "holds": _verdict(x, limit),
            }
        )

    for n in SUITE_NS:
        ratio_row("whole suite from raw files, empty caches", n, "suite_cold", SUITE_X)
    for n in SUITE_NS:
        ratio_row("whole suite, unchanged inputs", n, "suite_unchanged", UNCHANGED_X)
    ratio_row("one plan changed: raw → coded tasks", CHANGE_N, "pipeline_changed", CHANGE_X)
    ratio_row("one plan added: raw → coded tasks", CHANGE_N, "pipeline_added", CHANGE_X)
    ratio_row("one changed + one added: whole suite again", CHANGE_N, "change_render", SUITE_X)
    rows[-1].update(aim="none (reported)", holds="—")
    e2e = results.get("e2e_n", E2E_N)
    s = by_n.get(e2e)
    run = next((r for r in results["runs"] if r["n"] == e2e), None)
    measured, holds = "—", "not measured"
    if s and s["peak_rss_mb"] is not None:
        fails = failures({"runs": [run]})
        measured = (
            f"peak {s['peak_rss_mb']:,.0f} MiB of all processes (cold suite "
            f"{_fmt(s['suite_peak_rss_mb'], 0)}, stages run {_fmt(s['stages_peak_rss_mb'], 0)}); "
            f"cold suite {_fmt(s['suite_cold_s'])} s ({_fmt(s['suite_cold_x'])}× floor); "
            + ("every stage measured" if s["stages_measured"] else "stages **not** all measured")
        )
        ok = s["peak_rss_mb"] <= MEMORY_LIMIT_MB and s["stages_measured"] and not fails
        holds = "**yes**" if ok else "no"
    rows.append(
        {
            "target": "end to end, every stage incl. rendering, memory of all processes",
            "n": f"{e2e:,}",
            "measured": measured,
            "aim": "≤ 4 GB",
            "holds": holds,
        }
    )
    return rows


def failures(results: dict[str, Any]) -> list[str]:
    """One line per failed measurement or stage of ``results``.

    Examples
    --------
    >>> failures({"runs": [{"n": 3, "floor": {"error": "boom"}}]})
    ['N=3 floor: boom']
    """
    out = []
    for run in results["runs"]:
        n = run["n"]
        if "error" in run:
            out.append(f"N={n}: {run['error']}")
        for key in ("floor", "suite_cold", "suite_unchanged", "stages", "warm", "profile"):
            if "error" in (run.get(key) or {}):
                out.append(f"N={n} {key}: {run[key]['error']}")
        change = run.get("change") or {}
        if "error" in change:
            out.append(f"N={n} change: {change['error']}")
        for key in ("pipeline_changed", "pipeline_added", "render"):
            if "error" in (change.get(key) or {}):
                out.append(f"N={n} change {key}: {change[key]['error']}")
        for s in _stages(run).values():
            if s.get("note", "").startswith("failed"):
                out.append(f"N={n} stage {s['stage']}: {s['note']}")
    return out


def _fmt(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    return f"{x:.{digits}f}" if abs(x) < 100 else f"{x:,.0f}"


def _cell(s: float | None, x: float | None) -> str:
    return "—" if s is None else f"{_fmt(s)} ({_fmt(x)}×)" if x is not None else _fmt(s)


def _series(results: dict[str, Any]) -> dict[str, list[tuple[int, float]]]:
    """Seconds against N for the plot: the floor, the suite scenarios, every stage."""
    series: dict[str, list[tuple[int, float]]] = {}
    named = (
        ("floor_s", "jieba floor (1 process)"),
        ("suite_cold_s", "whole suite, cold"),
        ("suite_unchanged_s", "whole suite, unchanged"),
        ("pipeline_changed_s", "1 plan changed → coded"),
        ("change_render_s", "1 changed + 1 added → suite"),
    )
    for run in results["runs"]:
        s = summarise(run)
        for key, name in named:
            if s.get(key):
                series.setdefault(name, []).append((run["n"], s[key]))
    floors = [(n, f) for n, f in series.get("jieba floor (1 process)", [])]
    for x, name in (
        (SUITE_X, "suite target"),
        (CHANGE_X, "change target"),
        (UNCHANGED_X, "unchanged target"),
    ):
        if floors:
            series[f"{x:g}× floor ({name})"] = [(n, f * x) for n, f in floors]
    for run in results["runs"]:
        for name, st in _stages(run).items():
            if st.get("seconds"):
                series.setdefault(f"stage: {name}", []).append((run["n"], st["seconds"]))
    return series


_REF_DASH = {"suite": "dot", "change": "dashdot", "unchanged": "longdashdot"}


def _figure(series: dict[str, list[tuple[int, float]]], title: str):  # noqa: ANN202 - go.Figure
    import plotly.graph_objects as go

    fig = go.Figure()
    for name, pts in series.items():
        bold = not name.startswith("stage:")
        ref = "× floor (" in name
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in pts],
                y=[p[1] for p in pts],
                name=name,
                opacity=1.0 if bold else 0.55,
                line={
                    "width": 1.5 if ref else 3.5 if bold else 1.2,
                    "dash": _REF_DASH.get(name.split("(")[-1].split(" ")[0], "dot")
                    if ref
                    else "dash"
                    if "floor" in name
                    else None,
                    **({"color": "#888"} if ref else {}),
                },
                mode="lines" if ref else "lines+markers",
            )
        )
    fig.update_xaxes(type="log", title="plans (N)")
    fig.update_yaxes(type="log", title="seconds (wall clock)")
    fig.update_layout(title=title, template="plotly_white", width=1000, height=620)
    return fig


def _plot(results: dict[str, Any]) -> tuple[str, bytes]:
    """The log-log plot as (file name, bytes): PNG via kaleido, else a hand-made SVG."""
    series = _series(results)
    title = f"Time against corpus size ({results['machine']['cores']} cores, log-log)"
    try:
        return PLOT_NAME, _figure(series, title).to_image(format="png", scale=1)
    except Exception:  # noqa: BLE001 - kaleido or its browser missing
        return Path(PLOT_NAME).with_suffix(".svg").name, svg(series).encode("utf-8")


def svg(series: dict[str, list[tuple[int, float]]], w: int = 900, h: int = 520) -> str:
    """A log-log line chart as SVG text (the fallback when no PNG can be written).

    Examples
    --------
    >>> out = svg({"a": [(10, 0.2), (100, 1.0)], "b": [(10, 1.0), (100, 4.0)]})
    >>> out.startswith("<svg") and out.count("<path") == 2
    True
    """
    pts = [p for s in series.values() for p in s]
    if not pts:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"></svg>'
    lx = [math.log10(p[0]) for p in pts]
    ly = [math.log10(max(p[1], 1e-3)) for p in pts]
    x0, x1 = math.floor(min(lx)), max(math.ceil(max(lx)), math.floor(min(lx)) + 1)
    y0, y1 = math.floor(min(ly)), max(math.ceil(max(ly)), math.floor(min(ly)) + 1)

    def sx(v: float) -> float:
        return 70 + (math.log10(v) - x0) / (x1 - x0) * (w - 330)

    def sy(v: float) -> float:
        return h - 50 - (math.log10(max(v, 1e-3)) - y0) / (y1 - y0) * (h - 90)

    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for e in range(x0, x1 + 1):
        out.append(
            f'<line x1="{sx(10**e):.1f}" y1="40" x2="{sx(10**e):.1f}" y2="{h - 50}" stroke="#ddd"/>'
            f'<text x="{sx(10**e):.1f}" y="{h - 32}" text-anchor="middle">{10**e:,}</text>'
        )
    for e in range(y0, y1 + 1):
        out.append(
            f'<line x1="70" y1="{sy(10**e):.1f}" x2="{w - 260}" y2="{sy(10**e):.1f}" stroke="#ddd"/>'
            f'<text x="64" y="{sy(10**e) + 4:.1f}" text-anchor="end">{10.0**e:g}</text>'
        )
    out.append(f'<text x="{(w - 260) / 2}" y="{h - 10}" text-anchor="middle">plans (N)</text>')
    out.append('<text x="14" y="30">seconds</text>')
    for i, (name, s) in enumerate(series.items()):
        c = colors[i % len(colors)]
        d = " ".join(f"{'L' if j else 'M'}{sx(x):.1f},{sy(y):.1f}" for j, (x, y) in enumerate(s))
        width = 1.2 if name.startswith("stage:") else 3
        out.append(f'<path d="{d}" fill="none" stroke="{c}" stroke-width="{width}"/>')
        out.extend(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{c}"/>' for x, y in s)
        out.append(f'<text x="{w - 245}" y="{50 + 16 * i}" fill="{c}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out)


def write_results(
    results: dict[str, Any], path: Path = RESULTS_FILE, command: str = "make bench"
) -> Path:
    """Write ``path`` (RESULTS.md), ``results.json`` and the plot beside it.

    Everything is computed first, then each file is written atomically: a failure
    while building the report leaves the previous files as they were.

    Examples
    --------
    >>> write_results(json.loads(Path("benchmarks/results.json").read_text()))  # doctest: +SKIP
    """
    path = Path(path)
    plot_name, plot = _plot(results)
    text = render_markdown(results, plot_name, command)
    data = json.dumps(results, ensure_ascii=False, indent=1)
    write_atomic(path.with_name(plot_name), plot)
    write_atomic(path.with_name("results.json"), data)
    write_atomic(path, text)
    return path


def _table(head: Iterable[str], rows: Iterable[Iterable[str]], align: str = "") -> list[str]:
    head = list(head)
    align = align or "|" + "---|" * len(head)
    return ["| " + " | ".join(head) + " |", align, *("| " + " | ".join(r) + " |" for r in rows)]


def render_markdown(results: dict[str, Any], plot_name: str, command: str) -> str:
    """The text of ``RESULTS.md``.

    Examples
    --------
    >>> r = {"machine": {"cores": 2, "date": "d", "commit": "c", "cpu": "x", "memory_gb": 1,
    ...      "os": "o", "python": "3", "versions": {}}, "runs": [], "seed": 0}
    >>> render_markdown(r, "scaling.png", "make bench").startswith("# Benchmarks")
    True
    """
    m, runs = results["machine"], results["runs"]
    sums = [summarise(r) for r in runs]
    dirty = " plus uncommitted changes in src/ or notebooks/" if m.get("dirty") else ""
    lines = [
        "# Benchmarks: the report suite and every stage at N plans",
        "",
        f"Written by `{command}` (`make bench` runs `benchmarks/bench.py`; tables by "
        "`benchmarks/bench_report.py`) "
        f"on {m['date']} at commit `{m.get('commit') or '?'}`{dirty}. Do not edit by hand: rerun. "
        "A quick run: `make bench BENCH_SIZES=10,100`; 10,000 plans: add `10000` to BENCH_SIZES.",
        "",
        f"Machine: {m['cpu']}, **{m['cores']} cores**, {m['memory_gb']} GB, {m['os']}, "
        f"Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "The machine may be shared: every time is also given as a ratio to the floor measured "
        "in the same run, and the 1-minute load average around each measurement is in "
        "`results.json`.",
        "",
        "**Floor** = bare `jieba.lcut` over the decoded text of every plan file, one process, "
        "dictionary load included; measured before and after the rest of each N, the faster "
        "of the two is used. **Whole suite** = `compare render` (all six reports) in a fresh "
        "process and a fresh `COMPARE_HOME` whose `data/raw` is the corpus: cold = empty "
        "caches, unchanged = the same command again. **1 plan changed / added** = one clause "
        "added to one task of one plan, then one new plan added: a fresh process doing what "
        "every report does first, `corpus.load_corpus` + `coding.coded_tasks` (imports "
        "included), on the caches of the cold suite; then `compare render` after both edits "
        "in a copy of that home. **Peak** = resident memory of the process and all its "
        "children (kernels, loky workers) summed, sampled every 50 ms (shared pages counted "
        "once per process: an upper bound); MiB.",
        "",
        "## Issue 15: targets",
        "",
    ]
    lines += _table(
        ("target", "N", "measured", "aim", "holds?"),
        ((t["target"], t["n"], t["measured"], t["aim"], t["holds"]) for t in targets(results)),
    )
    lines += [
        "",
        "## Summary (seconds, and × the floor of the same N)",
        "",
    ]
    lines += _table(
        (
            "N",
            "MB",
            "tasks",
            "floor s",
            "suite cold",
            "suite unchanged",
            "1 changed → coded",
            "1 added → coded",
            "changed + added → suite",
            "peak MiB",
        ),
        (
            (
                f"{s['n']:,}",
                f"{s['mb']:.1f}",
                f"{s['tasks']:,}" if s["tasks"] else "—",
                _fmt(s["floor_s"]),
                _cell(s["suite_cold_s"], s["suite_cold_x"]),
                _cell(s["suite_unchanged_s"], s["suite_unchanged_x"]),
                _cell(s["pipeline_changed_s"], s["pipeline_changed_x"]),
                _cell(s["pipeline_added_s"], s["pipeline_added_x"]),
                _cell(s["change_render_s"], s["change_render_x"]),
                _fmt(s["peak_rss_mb"], 0),
            )
            for s in sums
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    )
    lines += ["", f"![time against N, log-log]({plot_name})", ""]
    lines += _reports_section(runs)
    lines += _stages_section(runs, sums)
    lines += _details_section(runs)
    lines += _profile_section(runs)
    if ANALYSIS_FILE.exists():
        lines += ["", ANALYSIS_FILE.read_text(encoding="utf-8")]
    return "\n".join(lines).rstrip() + "\n"


def _reports_section(runs: list[dict[str, Any]]) -> list[str]:
    names = sorted({r["name"] for run in runs for r in _get(run, "suite_cold", "reports") or []})
    if not names:
        return []
    lines = [
        "## Each report in the cold suite (render seconds / size MB)",
        "",
        "Seconds as `compare render` prints them per notebook (execution and export). The "
        "notebooks share one kernel and the caches: the first to need the parsed corpus or "
        "the coded tasks pays for them, and later ones read them.",
        "",
    ]
    rows = []
    for name in names:
        cells = []
        for run in runs:
            rep = {r["name"]: r for r in _get(run, "suite_cold", "reports") or []}.get(name)
            cells.append(f"{_fmt(rep['seconds'])} s / {_fmt(rep['mb'])} MB" if rep else "—")
        rows.append((f"`{name}`", *cells))
    return [*lines, *_table(("report", *(f"N={r['n']:,}" for r in runs)), rows), ""]


def _stages_section(runs: list[dict[str, Any]], sums: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Every stage, one process, empty caches",
        "",
        "`benchmarks/bench_workers.py:staged`: each stage timed in turn in one process "
        "(`COMPARE_HOME` empty), seconds (× floor) / peak MiB of the process and its workers. "
        "*raw → coded* = parse + segment + vectorise + code; *warm* = a second, fresh process "
        "on the same caches (`load_corpus` + `coding.coded_tasks`, imports included). "
        "*align* is the whole corpus by district (every task), which no report does (they "
        "compare a selection); *render* runs on the caches the stages above filled.",
        "",
    ]
    rows = []
    for stage, _, what in STAGES:
        cells = []
        for run, s in zip(runs, sums, strict=True):
            st = _stages(run).get(stage)
            if st is None or st.get("seconds") is None:
                cells.append("—")
            else:
                x = _x(st["seconds"], s["floor_s"])
                cells.append(f"{_cell(st['seconds'], x)} / {_fmt(st['peak_rss_mb'], 0)}")
        rows.append((stage, what, *cells))
    rows.append(
        (
            "**raw → coded**",
            "parse + segment + vectorise + code",
            *(_cell(s["cold_coded_s"], s["cold_coded_x"]) for s in sums),
        )
    )
    rows.append(
        (
            "**all stages**",
            "every timed stage but read+decode",
            *(_cell(s["staged_s"], s["staged_x"]) for s in sums),
        )
    )
    rows.append(
        (
            "warm raw → coded",
            "fresh process, caches of the stages",
            *(_cell(s["warm_coded_s"], _x(s["warm_coded_s"], s["floor_s"])) for s in sums),
        )
    )
    head = ("stage", "what", *(f"N={r['n']:,}" for r in runs))
    lines += _table(head, rows, "|---|---|" + "---:|" * len(runs))
    notes = [
        f"- N={run['n']:,}, {st['stage']}: {st['note']}"
        for run in runs
        for st in _stages(run).values()
        if st.get("note")
    ]
    return [*lines, "", *(["Notes:", "", *notes, ""] if notes else [])]


def _details_section(runs: list[dict[str, Any]]) -> list[str]:
    lines = ["## Details of each N", ""]
    for run in runs:
        n = run["n"]
        f0, f1 = _ok(run.get("floor")), _ok(run.get("floor_after"))
        parts = [
            f"- **N={n:,}**: {run.get('truth_tasks', 0):,} tasks generated, "
            f"{run.get('bytes', 0) / 1e6:.1f} MB."
        ]
        if f0:
            parts.append(
                f"Floor {_fmt(f0['seconds'])} s before (dictionary "
                f"{_fmt(f0.get('dict_load_s'))} s, {f0.get('tokens', 0):,} tokens), "
                f"{_fmt(_get(f1, 'seconds'))} s after."
            )
        for key, label in (("suite_cold", "Suite cold"), ("suite_unchanged", "unchanged")):
            m = run.get(key) or {}
            if "seconds" in m:
                parts.append(
                    f"{label}: {_fmt(m['seconds'])} s, peak {_fmt(m['peak_rss_mb'], 0)} MiB "
                    f"(processes at most: {m.get('max_processes', '?')}), load {m.get('load')}; "
                    f"`{m.get('summary', '')}`."
                )
        change = run.get("change") or {}
        if change.get("edited"):
            e = change["edited"]
            parts.append(
                f"Changed: task {e['task']} of `{e['file']}` (line {e['line']}); added "
                f"`{change.get('added', '—')}`."
            )
            for key in ("pipeline_changed", "pipeline_added"):
                p = _ok(change.get(key))
                if p:
                    parts.append(
                        f"{key.replace('_', ' ')}: {_fmt(p['seconds'])} s (imports "
                        f"{_fmt(p['import_s'])}, load_corpus {_fmt(p['load_s'])}, coded_tasks "
                        f"{_fmt(p['coded_s'])}; process {_fmt(p['wall_s'])} s, peak "
                        f"{_fmt(p['process_peak_rss_mb'], 0)} MiB), {p['tasks']:,} tasks."
                    )
            r = _ok(change.get("render"))
            if r:
                done = ", ".join(f"{x['name'][:2]} {x['status']}" for x in r.get("reports", []))
                parts.append(f"Render after both: {_fmt(r['seconds'])} s ({done}).")
        lines.append(" ".join(parts))
    fails = failures({"runs": runs})
    if fails:
        lines += ["", "**Failed measurements:**", "", *(f"- {f}" for f in fails)]
    return [*lines, ""]


def _profile_section(runs: list[dict[str, Any]]) -> list[str]:
    prof = next((r for r in runs if _get(_ok(r.get("profile")), "top")), None)
    if not prof:
        return []
    p = prof["profile"]
    lines = [
        f"## Where `load_corpus` spends its time (N={prof['n']:,}, one process, no cache, cProfile)",
        "",
        f"Total {p['seconds']:.1f} s under the profiler (which roughly doubles pure-Python time).",
        "",
    ]
    rows = [
        (f"`{r['function']}`", f"{r['ncalls']:,}", f"{r['tottime']:.2f}", f"{r['cumtime']:.2f}")
        for r in p["top"]
    ]
    return [
        *lines,
        *_table(("function", "calls", "own s", "cumulative s"), rows, "|---|---:|---:|---:|"),
    ]
