"""Reports at scale: render all six reports over N generated plans; size and open time.

Usage::

    .venv/bin/python benchmarks/reports_at_scale.py --plans 1000

Generates N plans with ``benchmarks/synth.py`` into a temporary COMPARE_HOME,
runs ``compare render`` there, and prints each report's size and the seconds
headless Chromium (Debian's, offline) takes from navigation to the first figure
drawn. Issue 15's aims: at 1,000 plans each report at most 5 MB and open in
under 3 s. A measurement, not a test: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import generate_corpus  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="compare-reports-") as tmp:
        home = Path(tmp)
        generate_corpus(home / "data" / "raw", args.plans, seed=args.seed)
        shutil.copytree(HERE.parent / "notebooks", home / "notebooks")
        exe = Path(sys.executable).with_name("compare")
        t = time.perf_counter()
        env = {**os.environ, "COMPARE_HOME": str(home)}
        subprocess.run([str(exe), "render"], check=True, env=env)
        print(f"rendered {args.plans} plans in {time.perf_counter() - t:.1f} s")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for f in sorted((home / "reports").glob("0*.html")):
                page = browser.new_page()
                page.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
                )
                t = time.perf_counter()
                page.goto(f.as_uri(), wait_until="load")
                page.wait_for_function(
                    "document.querySelectorAll('.plotly-graph-div .main-svg').length > 0"
                    " || !document.querySelector('.plotly-graph-div')",
                    timeout=60000,
                )
                secs = time.perf_counter() - t
                size = f.stat().st_size / 1e6
                print(f"{f.name:32} {size:5.2f} MB  opens in {secs:4.2f} s")
                page.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
