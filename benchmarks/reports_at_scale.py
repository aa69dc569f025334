"""Reports at scale: render all six reports over N generated plans; size and open time.

Usage::

    .venv/bin/python benchmarks/reports_at_scale.py --plans 1000

Generates N plans with ``benchmarks/synth.py`` into ``data/bench/corpus/nN``, makes a
fresh ``COMPARE_HOME`` from them (:func:`bench.make_home`), runs ``compare render`` there
as ``make bench`` does (:func:`bench.run_render`: wall-clock time, peak memory of the
process and its kernels and workers), and prints each report's size and the seconds
headless Chromium (Debian's, offline) takes from navigation to the first figure drawn.
Issue 15's aims: at 1,000 plans each report at most 5 MB and open in under 3 s. A
measurement, not a test: the machine is shared and noisy (``tests/test_browser.py``
holds the test).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import BENCH_DIR, make_home, run_render, timeout_for  # noqa: E402
from synth import generate_corpus  # noqa: E402


def open_times(reports: Path) -> list[tuple[str, float, float]]:
    """(name, MB, seconds to the first drawn figure) of each report, in offline Chromium."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for f in sorted(reports.glob("0*.html")):
            page = browser.new_page()
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            t = time.perf_counter()
            page.goto(f.as_uri(), wait_until="load")
            page.wait_for_function(
                "document.querySelectorAll('.plotly-graph-div .main-svg').length > 0"
                " || !document.querySelector('.plotly-graph-div')",
                timeout=60000,
            )
            out.append((f.name, f.stat().st_size / 1e6, time.perf_counter() - t))
            page.close()
        browser.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    corpus = BENCH_DIR / "corpus" / f"n{args.plans}"
    generate_corpus(corpus, args.plans, seed=args.seed)
    home = Path(tempfile.mkdtemp(prefix="compare-reports-"))
    try:
        r = run_render(make_home(home, corpus), timeout_for(args.plans))
        print(
            f"rendered {args.plans} plans in {r['seconds']:.1f} s, peak "
            f"{r['peak_rss_mb']:,.0f} MiB (process tree): {r['summary']}"
        )
        if "error" in r:
            print(r["error"], file=sys.stderr)
            return 1
        for name, mb, secs in open_times(home / "reports"):
            print(f"{name:32} {mb:5.2f} MB  opens in {secs:4.2f} s")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
