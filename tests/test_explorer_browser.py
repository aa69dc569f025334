"""The explorer and figure drill-down in headless Chromium (offline)."""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest

from compare import load_corpus
from compare.report.explorer import (
    drill_customdata,
    explorer_html,
    explorer_records,
    hover_titles,
    source_panel_html,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium not installed (make browser)"
    ),
]


def _page(tmp_path: Path, max_text_tasks: int = 3000, codebook=None) -> Path:  # noqa: ANN001
    c = load_corpus()
    rec = explorer_records(c.tasks, c.sections)
    by_district = rec.groupby("district")
    fig = go.Figure(
        go.Bar(
            x=list(by_district.groups),
            y=[len(g) for _, g in by_district],
            customdata=[drill_customdata(g["task_id"]) for _, g in by_district],
            hovertext=[hover_titles(g["title"]) for _, g in by_district],
            name="tasks",
        )
    )
    fig.update_layout(title="Tasks per district", width=700, height=400)
    plotly_js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8"
    )
    body = (
        fig.to_html(include_plotlyjs=False, include_mathjax=False, full_html=False, div_id="fig1")
        + source_panel_html(rec, max_text_tasks=max_text_tasks)
        + explorer_html(rec, codebook=codebook)
    )
    html = (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
        f"<script>{plotly_js}</script></head><body>{body}</body></html>"
    )
    out = tmp_path / "explorer.html"
    out.write_text(html, encoding="utf-8")
    return out


def _open_offline(p, page_file: Path, errors: list[str]):  # noqa: ANN001, ANN202 - playwright objects
    """Chromium with every non-file request blocked; console and page errors collected."""
    browser = p.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page.goto(page_file.as_uri())
    return browser, page


def test_explorer_search_and_figure_click_show_source_text(tmp_path):
    from playwright.sync_api import sync_playwright

    page_file = _page(tmp_path)
    shots = Path(__file__).resolve().parents[1] / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = _open_offline(p, page_file, errors)
        page.wait_for_selector(".compare-row")
        assert page.locator(".compare-row").count() == 110
        page.fill(".compare-search", "家庭医生")
        narrowed = page.locator(".compare-row").count()
        assert 0 < narrowed < 110
        assert page.locator(".compare-row mark").first.inner_text() == "家庭医生"
        page.locator(".compare-row").first.click()
        assert "家庭医生" in page.locator(".compare-detail").first.inner_text()
        page.screenshot(path=str(shots / "explorer_search.png"), full_page=False)
        page.click(".compare-reset")
        # click the first bar: the panel lists that district's tasks with their text and lines
        box = page.locator("#fig1 .bars path").first.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("#compare-panel:not([hidden])")
        panel = page.locator("#compare-panel").inner_text()
        assert "tasks" in panel and " · L" in panel
        assert page.locator("#compare-panel .compare-task").count() >= 14
        assert "from chart" in page.locator(".compare-count").inner_text()
        page.screenshot(path=str(shots / "explorer_drilldown.png"), full_page=False)
        browser.close()
    assert errors == []


def test_a_panel_without_full_texts_still_lists_the_tasks_and_their_lines(tmp_path):
    from playwright.sync_api import sync_playwright

    page_file = _page(tmp_path, max_text_tasks=10)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = _open_offline(p, page_file, errors)
        page.wait_for_selector(".compare-row")
        box = page.locator("#fig1 .bars path").first.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("#compare-panel:not([hidden])")
        panel = page.locator("#compare-panel").inner_text()
        assert " · L" in panel and "see the cited lines" in panel and "undefined" not in panel
        page.locator(".compare-row").first.click()
        assert "undefined" not in page.locator(".compare-detail").first.inner_text()
        browser.close()
    assert errors == []


def test_a_researcher_corrects_themes_offline_and_downloads_them_as_labels(tmp_path):
    from playwright.sync_api import sync_playwright

    from compare.codebook import load_codebook
    from compare.training import read_labels

    codebook = load_codebook()
    page_file = _page(tmp_path, codebook=codebook)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, page = _open_offline(p, page_file, errors)
        page.wait_for_selector(".compare-row")
        assert page.locator(".compare-download").is_disabled()
        for i, code in ((0, "K"), (3, "C")):
            row = page.locator(".compare-row").nth(i)
            row.click()
            page.locator(".compare-detail select").first.select_option(code)
            assert row.locator(".col-theme_name").inner_text().startswith("✎")
            row.click()  # close the detail again
        assert "2" in page.locator(".compare-corrections-count").inner_text()
        ids = [page.locator(".compare-row").nth(i).get_attribute("data-task-id") for i in (0, 3)]
        with page.expect_download() as dl:
            page.click(".compare-download")
        path = tmp_path / "corrections.csv"
        dl.value.save_as(path)
        browser.close()
    assert errors == []
    labels = read_labels(path, list(codebook["code"]))
    assert dict(zip(labels["task_id"], labels["code"], strict=True)) == {ids[0]: "K", ids[1]: "C"}
