"""compare.report: offline, escaped, incremental reports; failures keep the old report."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import papermill
import pytest

from compare import config, report
from compare.exceptions import CompareError
from compare.report import manifest, rendering

FIXTURES = Path(__file__).parent / "fixtures"
PLOTLY_JS = re.compile(r"<script[^>]*>\s*/\*\*\s*\* plotly\.js v.*?</script>", re.S)
GOOD = FIXTURES / "notebooks" / "01_fixture.ipynb"
BROKEN = FIXTURES / "broken" / "01_fixture.ipynb"


# --------------------------------------------------------------------------- helpers


class _References(HTMLParser):
    """Every src/href/xlink:href attribute and every CSS url()/@import of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "action", "poster", "data"} and value:
                self.refs.append(value)
            if name == "style" and value:
                self.refs.extend(re.findall(r"url\(\s*['\"]?([^'\")]+)", value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.refs.extend(re.findall(r"url\(\s*['\"]?([^'\")]+)", data))
            self.refs.extend(re.findall(r"@import\s+['\"]([^'\"]+)", data))


def external_references(page: str) -> list[str]:
    parser = _References()
    parser.feed(page)
    return [r for r in parser.refs if re.match(r"^(https?:)?//", r.strip(), re.I)]


def machine_paths(*extra: Path) -> list[str]:
    roots = {
        str(config.PROJECT_DIR),
        sys.prefix,
        sys.base_prefix,
        str(Path.home()),
        *map(str, extra),
    }
    return [r for r in roots if len(r) > 4]


def make_home(tmp_path: Path, notebooks: dict[str, Path]) -> dict[str, Path]:
    """A project tree in tmp_path: notebooks/, data/raw (two tiny plans), reports/."""
    home = {
        "notebooks": tmp_path / "notebooks",
        "raw": tmp_path / "raw",
        "out": tmp_path / "reports",
    }
    for folder in home.values():
        folder.mkdir()
    for name, source in notebooks.items():
        shutil.copy(source, home["notebooks"] / name)
    (home["raw"] / "a.txt").write_text(
        "一、加强公共卫生\n1. <script>alert('x')</script>推进医联体建设。\n", "utf-8"
    )
    (home["raw"] / "b.txt").write_text("二、深化改革\n1. 完善分级诊疗。\n", "utf-8")
    return home


def home_name(rendered: dict) -> str:
    return rendered["tmp"].name


def args(*argv: str) -> argparse.Namespace:
    return report.add_render_arguments(argparse.ArgumentParser()).parse_args(list(argv))


# --------------------------------------------------------------------------- pure functions


def test_format_markdown_escapes_values_not_the_template() -> None:
    text = report.format_markdown("**{d}** has {n:,} tasks", d="<script>*x*</script>", n=1234)
    assert text == r"**&lt;script&gt;\*x\*&lt;/script&gt;** has 1,234 tasks"


def test_table_html_escapes_cells_columns_and_caption() -> None:
    df = pd.DataFrame({"<th>": ["<script>alert(1)</script>", "A & B"]})
    page = report.table_html(df, caption="<b>任务</b>", max_rows=1)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;th&gt;" in page
    assert "1 more rows not shown" in page


def test_notebook_parameters_reads_names_types_defaults_and_comments() -> None:
    params = report.notebook_parameters(GOOD)
    assert [(p.name, p.type, p.default) for p in params] == [
        ("data_dir", "str", '""'),
        ("label", "str", '"长宁"'),
        ("n", "int", "3"),
    ]
    assert params[2].help == "number of bars"


def test_param_pairs_are_read_as_yaml_and_files_as_mappings(tmp_path: Path) -> None:
    assert report.parse_param_pairs(
        [("k", "8"), ("on", "true"), ("d", "[长宁, 青浦]"), ("s", "a: b: c")]
    ) == {
        "k": 8,
        "on": True,
        "d": ["长宁", "青浦"],
        "s": "a: b: c",
    }
    good, bad = tmp_path / "p.yaml", tmp_path / "bad.yaml"
    good.write_text("seed: 7\nlabel: 青浦\n", "utf-8")
    bad.write_text("- 1\n- 2\n", "utf-8")
    assert report.load_params_file(good) == {"seed": 7, "label": "青浦"}
    with pytest.raises(CompareError, match="bad.yaml: parameters must be a mapping"):
        report.load_params_file(bad)


def test_find_notebooks_resolves_stems_prefixes_and_lists_options(tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "01_fixture.ipynb")
    shutil.copy(GOOD, tmp_path / "02_other.ipynb")
    assert [p.name for p in report.find_notebooks(None, tmp_path)] == [
        "01_fixture.ipynb",
        "02_other.ipynb",
    ]
    assert [p.name for p in report.find_notebooks(["02", "01_fixture.ipynb"], tmp_path)] == [
        "02_other.ipynb",
        "01_fixture.ipynb",
    ]
    with pytest.raises(CompareError, match=r"available: 01_fixture, 02_other"):
        report.find_notebooks(["03"], tmp_path)


def test_content_key_changes_with_each_input() -> None:
    base = report.content_key("nb", [{"file": "a.txt", "sha256": "1"}], "src", {"k": 1})
    assert base == report.content_key("nb", [{"file": "a.txt", "sha256": "1"}], "src", {"k": 1})
    assert base != report.content_key("nb2", [{"file": "a.txt", "sha256": "1"}], "src", {"k": 1})
    assert base != report.content_key("nb", [{"file": "a.txt", "sha256": "2"}], "src", {"k": 1})
    assert base != report.content_key("nb", [{"file": "a.txt", "sha256": "1"}], "src2", {"k": 1})
    assert base != report.content_key("nb", [{"file": "a.txt", "sha256": "1"}], "src", {"k": 2})


# --------------------------------------------------------------------------- committed notebooks


COMMITTED = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(FIXTURES.rglob("*.ipynb"))


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs_a_parameters_cell_and_the_compare_kernel(
    path: Path,
) -> None:
    nb = json.loads(path.read_text("utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), (
        f"{path.name} has outputs: clear them before committing"
    )
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in code) == 1
    names = [p.name for p in report.notebook_parameters(nb)]
    assert names, f"{path.name}: the parameters cell assigns nothing"
    # papermill --help-notebook documents every parameter (its parser wants one "=" per line)
    assert list(papermill.inspect_notebook(str(path))) == names
    assert nb["metadata"]["kernelspec"]["name"] == "compare"


def test_there_is_at_least_one_committed_notebook() -> None:
    assert list(config.NOTEBOOKS_DIR.glob(report.NOTEBOOK_GLOB))


# --------------------------------------------------------------------------- rendering


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The fixture notebook rendered once into a temporary project tree."""
    tmp = tmp_path_factory.mktemp("render")
    home = make_home(tmp, {"01_fixture.ipynb": GOOD})
    lines: list[str] = []
    # freeze the package-source hash: other work on src/ must not make a re-run look changed
    digest = manifest.source_digest(config.PACKAGE_DIR)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rendering, "source_digest", lambda _: digest)
        results = report.render(
            out_dir=home["out"],
            notebooks_dir=home["notebooks"],
            data_dir=home["raw"],
            params={"n": 4},
            progress=lines.append,
        )
    return {"home": home, "results": results, "lines": lines, "tmp": tmp, "digest": digest}


@pytest.mark.notebooks
def test_render_writes_the_report_the_index_and_the_manifest(rendered: dict) -> None:
    (result,) = rendered["results"]
    out = rendered["home"]["out"]
    assert result.status == "rendered", result.error
    assert result.title == "夹具报告 Fixture report"
    assert result.summary == "The data folder holds 2 plan files; the label is 长宁."
    assert rendered["lines"] == [
        f"[1/1] 01_fixture.ipynb: rendered in {result.seconds:.1f} s "
        f"({result.size_bytes / 1e6:.2f} MB)"
    ]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    (entry,) = manifest["reports"]
    assert entry["html"] == "01_fixture.html" and entry["summary"] == result.summary
    assert entry["parameters"]["n"] == "4"
    assert entry["parameters"]["data_dir"] == f"'…/{home_name(rendered)}/raw'"
    assert [f["file"] for f in entry["inputs"]] == ["a.txt", "b.txt"]
    index = (out / "index.html").read_text("utf-8")
    assert 'href="01_fixture.html"' in index and "夹具报告 Fixture report" in index
    assert (out / "render.log").read_text("utf-8").count("stderr line") == 1


@pytest.mark.notebooks
def test_an_unchanged_render_skips_without_importing_papermill_or_pandas(rendered: dict) -> None:
    home = rendered["home"]
    log = (home["out"] / "render.log").read_text("utf-8")
    assert "01_fixture.ipynb executed in" in log and "slowest: cell" in log  # the cell timings
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from compare.report import rendering\n"
        f"rendering.source_digest = lambda _: {rendered['digest']!r}\n"
        f"(r,) = rendering.render(out_dir=Path({str(home['out'])!r}), "
        f"notebooks_dir=Path({str(home['notebooks'])!r}), data_dir=Path({str(home['raw'])!r}), "
        "params={'n': 4}, progress=None)\n"
        "print(r.status, 'papermill' in sys.modules, 'pandas' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(config.PACKAGE_DIR.parent)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["skipped", "False", "False"], out.stderr


@pytest.mark.notebooks
def test_the_report_is_titled_and_shows_data_commit_hashes_and_parameters(rendered: dict) -> None:
    page = (rendered["home"]["out"] / "01_fixture.html").read_text("utf-8")
    entry = json.loads((rendered["home"]["out"] / "manifest.json").read_text("utf-8"))["reports"][0]
    assert "<title>夹具报告 Fixture report</title>" in page
    for f in entry["inputs"]:
        assert f["sha256"] in page and f["file"] in page
    assert entry["git_commit"] in page and entry["generated_at"] in page
    assert "<code>n = 4</code> (set)" in page
    assert '<code>label = "长宁"</code> (default)' in page
    assert "x = n * 2" not in page and "report.show" not in page  # no code cells
    assert "stderr line" not in page and "stdout line" in page


@pytest.mark.notebooks
def test_plan_text_is_escaped_and_plotly_js_is_one_shared_local_file(rendered: dict) -> None:
    out = rendered["home"]["out"]
    page = (out / "01_fixture.html").read_text("utf-8")
    assert "<script>alert(" not in page
    assert (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
        or "&lt;script&gt;alert('x')" in page
    )
    assert page.count('src="assets/plotly.min.js"') == 1 and "plotly.js v" not in page
    assert (out / report.PLOTLY_ASSET).read_bytes() == manifest.plotly_source().read_bytes()
    assert page.count('class="plotly-graph-div"') == 1
    assert "application/vnd.plotly.v1+json" not in page
    assert len(page.encode("utf-8")) <= 5_000_000
    assert "assets/plotly.min.js" in (out / "index.html").read_text("utf-8")
    assert json.loads((out / "manifest.json").read_text("utf-8"))["plotlyjs_mode"] == "shared"


@pytest.mark.notebooks
def test_standalone_inlines_plotly_js_once_and_needs_no_asset(rendered: dict) -> None:
    home, out = rendered["home"], rendered["tmp"] / "standalone"
    (result,) = report.render(
        out_dir=out,
        notebooks_dir=home["notebooks"],
        data_dir=home["raw"],
        params={"n": 4},
        progress=None,
        standalone=True,
    )
    assert result.status == "rendered", result.error
    page = (out / "01_fixture.html").read_text("utf-8")
    assert page.count("plotly.js v") == 1 and "assets/plotly.min.js" not in page
    assert not (out / report.ASSETS_DIR_NAME).exists()
    assert external_references(page) == []
    assert "--standalone" not in (out / "index.html").read_text("utf-8")
    assert json.loads((out / "manifest.json").read_text("utf-8"))["reports"][0]["plotlyjs"] == (
        "standalone"
    )


@pytest.mark.notebooks
def test_no_report_references_the_network_or_a_path_of_the_machine(rendered: dict) -> None:
    out = rendered["home"]["out"]
    pages = [*out.glob("*.html"), out / "manifest.json"]
    assert len(pages) == 3
    for page in pages:
        text = page.read_text("utf-8")
        assert external_references(text) == [], page.name
        ours = PLOTLY_JS.sub("", text)  # plotly.js itself names tile servers it never calls here
        assert not re.search(r"cdn\.|googleapis|require\.js|mathjax|<link", ours, re.I), page.name
        for root in machine_paths(rendered["tmp"]):
            assert root not in text, f"{page.name} contains {root}"


@pytest.mark.notebooks
def test_an_unchanged_notebook_is_skipped_and_a_changed_parameter_reruns_it(
    rendered: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rendering, "source_digest", lambda _: rendered["digest"])
    home = rendered["home"]
    html = home["out"] / "01_fixture.html"
    before = html.stat().st_mtime_ns
    kwargs = {"out_dir": home["out"], "notebooks_dir": home["notebooks"], "data_dir": home["raw"]}
    (again,) = report.render(params={"n": 4}, progress=None, **kwargs)
    assert again.status == "skipped" and again.seconds < 1
    assert html.stat().st_mtime_ns == before
    (changed,) = report.render(params={"n": 5}, progress=None, **kwargs)
    assert changed.status == "rendered" and changed.key != again.key


@pytest.mark.notebooks
def test_a_failing_notebook_keeps_the_old_report_names_the_cell_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = make_home(tmp_path, {"01_fixture.ipynb": GOOD, "02_other.ipynb": GOOD})
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", home["notebooks"])
    monkeypatch.setattr(config, "RAW_DIR", home["raw"])
    out = str(home["out"])
    assert report.render_command(args("--out", out)) == 0
    good_report = (home["out"] / "01_fixture.html").read_bytes()

    shutil.copy(BROKEN, home["notebooks"] / "01_fixture.ipynb")
    (home["notebooks"] / "02_other.ipynb").write_text(
        GOOD.read_text("utf-8").replace("number of bars", "bars"), "utf-8"
    )  # changed, so it must re-run after 01 fails
    capsys.readouterr()
    assert report.render_command(args("--out", out)) == 1
    printed = capsys.readouterr()
    assert (home["out"] / "01_fixture.html").read_bytes() == good_report
    line = next(ln for ln in printed.out.splitlines() if ln.startswith("[1/2]"))
    assert "FAILED cell 4 ('raise ValueError(f\"broken on purpose: {x}\")')" in line
    assert "ValueError: broken on purpose: 6" in line and "previous report kept" in line
    assert "[2/2] 02_other.ipynb: rendered" in printed.out
    assert "01_fixture.ipynb" in printed.err
    manifest = json.loads((home["out"] / "manifest.json").read_text("utf-8"))
    first = manifest["reports"][0]
    assert first["html"] == "01_fixture.html" and "broken on purpose" in first["last_error"]
    index = (home["out"] / "index.html").read_text("utf-8")
    assert "Last run failed" in index and 'href="01_fixture.html"' in index
    assert not list(home["out"].glob(".*.tmp"))


def test_two_kernels_share_the_cores_and_keep_the_users_setting(monkeypatch):
    from compare.report import rendering

    monkeypatch.delenv("COMPARE_JOBS", raising=False)
    monkeypatch.setattr(rendering.os, "cpu_count", lambda: 4)
    assert rendering._lane_env(2)["COMPARE_JOBS"] == "2"
    assert "COMPARE_JOBS" not in rendering._lane_env(1)
    monkeypatch.setenv("COMPARE_JOBS", "3")
    assert rendering._lane_env(2)["COMPARE_JOBS"] == "3"


def test_show_publishes_the_figure_as_plotly_builds_it(monkeypatch) -> None:
    """One dict for both representations: the JSON of ``fig.to_json`` and the div of ``fig.to_html``."""
    import json
    import re

    import IPython.display
    import numpy as np
    import plotly.graph_objects as go

    from compare.report import display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda bundle, raw: shown.append(bundle))
    fig = go.Figure(
        go.Bar(x=["长宁", "青浦"], y=np.array([3, 4]), customdata=[["t1"], ["t2"]], uid="u1")
    )
    fig.add_scatter(x=[1.5, 2.5], y=[np.nan, 1e-9], text=["<b>&", "'</script>"])
    fig.update_layout(title="图 · figure", height=380, template="simple_white")
    before = fig.to_dict()
    display.show(fig, config={"scrollZoom": False})
    assert fig.to_dict() == before  # the figure is not modified
    config = {"responsive": True, "displaylogo": False, "scrollZoom": False}
    spec = json.loads(fig.to_json())
    spec["config"] = config
    div = fig.to_html(
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        config=config,
        default_width="100%",
        default_height="380px",
    )
    [bundle] = shown
    assert bundle["application/vnd.plotly.v1+json"] == spec
    ids = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    assert ids.sub("ID", bundle["text/html"]) == ids.sub("ID", div)
    assert bundle["text/plain"] == "<图 · figure>"
