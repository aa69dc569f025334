"""The rendered reports open offline in headless Chromium, figures drawn, Chinese shown.

Renders every notebook of ``notebooks/`` plus the fixture notebook into a
temporary folder, opens each report and the index with Playwright driving
Debian's chromium (``make browser`` installs it; nothing is downloaded), with
every non-``file:`` request blocked, and saves a screenshot of each page under
``reports/screenshots/`` (or ``$COMPARE_SCREENSHOTS``) for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from compare import config, report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIXTURES = Path(__file__).parent / "fixtures"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every notebook of notebooks/ and the fixture notebook, rendered into a temp folder."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (run `make browser`)")
    pytest.importorskip("playwright.sync_api")
    work = tmp_path_factory.mktemp("browser")
    notebooks = work / "notebooks"
    notebooks.mkdir()
    for path in [
        *config.NOTEBOOKS_DIR.glob(report.NOTEBOOK_GLOB),
        FIXTURES / "notebooks" / "01_fixture.ipynb",
    ]:
        target = notebooks / (
            path.name if path.parent == config.NOTEBOOKS_DIR else "99_fixture.ipynb"
        )
        shutil.copy(path, target)
    out = work / "reports"
    results = report.render(out_dir=out, notebooks_dir=notebooks, progress=None)
    failed = [f"{r.notebook}: {r.error}" for r in results if not r.ok]
    assert not failed, failed
    return out


def _pages(out: Path) -> list[Path]:
    return sorted(out.glob("*.html"))


def test_every_report_opens_offline_with_figures_drawn_and_chinese_text(rendered: Path) -> None:
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("COMPARE_SCREENSHOTS", config.REPORTS_DIR / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            blocked: list[str] = []

            def route(r):  # type: ignore[no-untyped-def]
                if r.request.url.startswith(LOCAL_SCHEMES):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            for page_file in _pages(rendered):
                page = context.new_page()
                errors: list[str] = []
                page.on(
                    "console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None
                )
                page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
                page.goto(page_file.as_uri(), wait_until="load")
                n_figures = page.locator(".plotly-graph-div").count()
                if n_figures:
                    page.wait_for_function(
                        "n => document.querySelectorAll('.plotly-graph-div svg.main-svg').length"
                        " >= n",
                        arg=n_figures,
                        timeout=15_000,
                    )
                drawn = page.evaluate(
                    "() => [...document.querySelectorAll('.plotly-graph-div')]"
                    ".filter(d => d.querySelector('svg.main-svg')).length"
                )
                text = page.inner_text("body")
                page.screenshot(path=str(shots / f"{page_file.stem}.png"), full_page=True)
                name = page_file.name
                if errors:
                    problems.append(f"{name}: console errors {errors}")
                if drawn != n_figures:
                    problems.append(f"{name}: {drawn} of {n_figures} figures drew")
                if len(CJK.findall(text)) < 10:
                    problems.append(f"{name}: no Chinese text visible")
                page.close()
            if blocked:
                problems.append(f"network requests attempted: {blocked}")
        finally:
            browser.close()
    assert not problems, problems


def test_escaped_plan_text_shows_as_text_and_runs_nothing(rendered: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto((rendered / "99_fixture.html").as_uri(), wait_until="load")
            cell = page.locator("table.compare-table td", has_text="加强公共卫生").inner_text()
        finally:
            browser.close()
    assert cell.startswith("<script>alert('x')</script>")
    assert dialogs == []
