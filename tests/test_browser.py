"""The rendered reports open offline in headless Chromium, figures drawn, Chinese shown.

Renders every notebook of ``notebooks/`` plus the fixture notebook once per
test session into a temporary folder (shared plotly.js, the default mode),
opens each report and the index with Playwright driving Debian's chromium
(``make browser`` installs it; nothing is downloaded), with every
non-``file:`` request blocked, and saves a screenshot of each page under
``reports/screenshots/`` (or ``$COMPARE_SCREENSHOTS``) for a person to look
at. The task explorer (issue 8) is driven too: its table loads, a Chinese
search narrows it, and a click on a heatmap cell or a bar shows the source
text in the side panel.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from compare import config, load_corpus, report

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
FIGURES_DRAWN = "n => document.querySelectorAll('.plotly-graph-div svg.main-svg').length >= n"
# the page position of the centre of a heatmap cell that has tasks behind it
HEATMAP_CELL = """gd => {
  const t = gd.data[0], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  for (let i = 0; i < t.customdata.length; i++)
    for (let j = 0; j < t.customdata[i].length; j++)
      if (t.customdata[i][j][0])
        return {x: box.left + xa._offset + xa.l2p(j), y: box.top + ya._offset + ya.l2p(i),
                ids: t.customdata[i][j][0].split(" ").length};
  return null;
}"""


def _screenshots() -> Path:
    shots = Path(os.environ.get("COMPARE_SCREENSHOTS", config.REPORTS_DIR / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every notebook of notebooks/ and the fixture notebook, rendered once per session."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (run `make browser`)")
    pytest.importorskip("playwright.sync_api")
    work = tmp_path_factory.mktemp("browser")
    notebooks = work / "notebooks"
    notebooks.mkdir()
    for path in config.NOTEBOOKS_DIR.glob(report.NOTEBOOK_GLOB):
        shutil.copy(path, notebooks / path.name)
    shutil.copy(FIXTURES / "notebooks" / "01_fixture.ipynb", notebooks / "99_fixture.ipynb")
    out = work / "reports"
    results = report.render(out_dir=out, notebooks_dir=notebooks, progress=None)
    failed = [f"{r.notebook}: {r.error}" for r in results if not r.ok]
    assert not failed, failed
    return out


@pytest.fixture(scope="module")
def browser(rendered: Path) -> Iterator[object]:
    """One headless Chromium for this module (Playwright's sync API allows one loop at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class _Page:
    """A page of a fresh offline context, recording console errors and blocked requests."""

    def __init__(self, browser: object, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.blocked.append(url)
            route.abort()  # type: ignore[attr-defined]

    def open(self, path: Path) -> object:
        self.page.goto(path.as_uri(), wait_until="load")
        n = self.page.locator(".plotly-graph-div").count()
        if n:
            self.page.wait_for_function(FIGURES_DRAWN, arg=n, timeout=15_000)
        return self.page

    def close(self) -> None:
        self.context.close()


def test_every_report_opens_offline_with_figures_drawn_and_chinese_text(
    rendered: Path, browser: object
) -> None:
    shots = _screenshots()
    pages = sorted(rendered.glob("*.html"))
    assert {p.stem for p in pages} >= {
        p.stem for p in config.NOTEBOOKS_DIR.glob(report.NOTEBOOK_GLOB)
    } | {"index"}
    problems: list[str] = []
    for page_file in pages:
        view = _Page(browser)
        page = view.open(page_file)
        n_figures = page.locator(".plotly-graph-div").count()
        # drawn: an SVG with at least one trace (bars, markers, lines) or heatmap image
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('.plotly-graph-div')]"
            ".filter(d => d.querySelector('svg.main-svg .trace, svg.main-svg image')).length"
        )
        text = page.inner_text("body")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(shots / f"{page_file.stem}.png"), full_page=True)
        name = page_file.name
        if view.errors:
            problems.append(f"{name}: console errors {view.errors}")
        if view.blocked:
            problems.append(f"{name}: network requests attempted {view.blocked}")
        if drawn != n_figures:
            problems.append(f"{name}: {drawn} of {n_figures} figures drew")
        if overflow > 0:
            problems.append(f"{name}: the page is {overflow}px wider than the window")
        if len(CJK.findall(text)) < 10:
            problems.append(f"{name}: no Chinese text visible")
        if page_file.stem[:2] in {"02", "03", "04", "05", "06"} and not n_figures:
            problems.append(f"{name}: no figure")
        view.close()
    assert not problems, problems


def test_the_explorer_loads_every_task_and_a_chinese_search_narrows_it(
    rendered: Path, browser: object
) -> None:
    n_tasks = len(load_corpus(config.RAW_DIR).tasks)
    view = _Page(browser)
    page = view.open(rendered / "06_task_explorer.html")
    page.wait_for_selector(".compare-row")
    assert page.locator(".compare-row").count() == n_tasks
    page.fill(".compare-search", "家庭医生")
    narrowed = page.locator(".compare-row").count()
    assert 0 < narrowed < n_tasks
    assert page.locator(".compare-row mark").first.inner_text() == "家庭医生"
    # a row may match on its theme or cluster; one matching on its title opens text with the word
    page.locator(".compare-row", has=page.locator(".col-title mark")).first.click()
    assert "家庭医生" in page.locator(".compare-detail").first.inner_text()
    page.locator(".compare-search").scroll_into_view_if_needed()
    page.screenshot(path=str(_screenshots() / "06_explorer_search.png"))
    page.click(".compare-reset")
    assert page.locator(".compare-row").count() == n_tasks
    assert view.errors == [] and view.blocked == []
    view.close()


def test_a_heatmap_cell_click_shows_its_tasks_and_filters_the_explorer(
    rendered: Path, browser: object
) -> None:
    view = _Page(browser)
    page = view.open(rendered / "06_task_explorer.html")
    page.wait_for_selector(".compare-row")
    gd = page.locator(".plotly-graph-div").first
    gd.scroll_into_view_if_needed()
    cell = gd.evaluate(HEATMAP_CELL)
    assert cell, "no heatmap cell has tasks"
    page.mouse.move(cell["x"], cell["y"])  # hover: the count and the first titles
    hover = page.locator(".hoverlayer .hovertext").first
    hover.wait_for(timeout=5_000)
    assert re.search(rf"\b{cell['ids']} tasks?:", hover.text_content() or "")
    page.mouse.click(cell["x"], cell["y"])
    page.wait_for_selector("#compare-panel:not([hidden])")
    panel = page.locator("#compare-panel")
    assert panel.locator(".compare-task").count() == cell["ids"]
    assert re.search(r" · L\d+", panel.inner_text()) and CJK.search(panel.inner_text())
    assert f"{cell['ids']} / " in page.locator(".compare-count").inner_text()
    assert "from chart" in page.locator(".compare-count").inner_text()
    page.screenshot(path=str(_screenshots() / "06_heatmap_click.png"))
    assert view.errors == []
    view.close()


def test_a_keyness_bar_click_shows_the_sentences_with_the_word_highlighted(
    rendered: Path, browser: object
) -> None:
    view = _Page(browser)
    page = view.open(rendered / "03_district_priorities.html")
    gd = page.locator(".plotly-graph-div", has=page.locator("text=Distinctive words"))
    bar = gd.locator(".bars .point path").last  # the top bar of the first panel
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#compare-panel:not([hidden])")
    panel = page.locator("#compare-panel")
    word = panel.locator("mark").first.inner_text()
    assert word and word in panel.locator(".compare-panel-title").inner_text()
    assert re.search(r" · L\d+", panel.inner_text())
    page.screenshot(path=str(_screenshots() / "03_keyness_click.png"))
    assert view.errors == []
    view.close()


def test_escaped_plan_text_shows_as_text_and_runs_nothing(rendered: Path, browser: object) -> None:
    view = _Page(browser)
    dialogs: list[str] = []
    view.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = view.open(rendered / "99_fixture.html")
    cell = page.locator("table.compare-table td", has_text="加强公共卫生").inner_text()
    view.close()
    assert cell.startswith("<script>alert('x')</script>")
    assert dialogs == []
