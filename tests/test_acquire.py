"""Tests of compare.acquire (``compare add``): files and URLs into data/raw, catalogued."""

from __future__ import annotations

import contextlib
import csv
import functools
import http.server
import threading
import time
from pathlib import Path

import pytest

from compare import config
from compare.acquire import add_source, stable_name
from compare.cli import main
from compare.exceptions import PlanInputError

SEED = config.RAW_DIR / "qingpu_2025_work_points.txt"


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/slow.txt":
            time.sleep(2)
        if self.path in ("/image.png", "/clip.mp4"):
            self.send_response(200)
            self.send_header(
                "Content-Type", "image/png" if self.path == "/image.png" else "video/mp4"
            )
            self.end_headers()
            data = b"\x89PNG\r\n\x1a\n" + b"\0" * 20 if self.path == "/image.png" else b"ftypmp42"
            self.wfile.write(data)
            return
        with contextlib.suppress(BrokenPipeError):  # the client gave up (the timeout test)
            super().do_GET()


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "plan.txt").write_bytes(SEED.read_bytes())
    (root / "slow.txt").write_bytes(SEED.read_bytes())
    handler = functools.partial(_Handler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _catalog(path):
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


def test_a_url_is_stored_under_a_stable_name_and_catalogued(server, tmp_path):
    raw, catalog = tmp_path / "raw", tmp_path / "catalog.csv"
    catalog.write_text("# facts\nsha256,district\n", encoding="utf-8")
    added = add_source(f"{server}/plan.txt", raw, catalog)
    assert added.new and added.district == "青浦" and added.year == "2025"
    assert added.path.name == stable_name("青浦", "2025", "work_points", added.sha256, "text")
    assert added.path.read_bytes() == SEED.read_bytes()
    assert not added.path.stat().st_mode & 0o222  # read-only
    rows = _catalog(catalog)
    assert rows[0]["source"] == f"{server}/plan.txt" and rows[0]["format"] == "text"
    assert rows[0]["sha256"] == added.sha256 and rows[0]["retrieved"].endswith("Z")
    assert catalog.read_text(encoding="utf-8").startswith("# facts\n")  # comments kept
    again = add_source(str(SEED), raw, catalog)  # the same bytes from elsewhere
    assert not again.new and again.path == added.path and len(_catalog(catalog)) == 1


def test_a_plan_whose_text_states_no_district_year_or_kind_is_added_with_a_warning(tmp_path):
    from conftest import plan_body

    excerpt = tmp_path / "excerpt.txt"
    excerpt.write_text(plan_body(SEED), encoding="utf-8")
    added = add_source(str(excerpt), tmp_path / "raw", tmp_path / "catalog.csv")
    assert (added.district, added.year, added.kind) == (None, "", "other")
    assert "unknown district/year/kind" in added.warnings
    assert added.path.name.startswith("unknown_undated_other_")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing.pdf", "404"),
        ("/clip.mp4", "video/mp4, not a document"),
        ("/image.png", "damaged PNG image"),  # a scan is a document: its bytes decide
    ],
)
def test_bad_downloads_write_nothing(server, tmp_path, path, reason):
    raw = tmp_path / "raw"
    with pytest.raises(PlanInputError, match=reason):
        add_source(server + path, raw, tmp_path / "catalog.csv")
    assert not raw.exists() and not (tmp_path / "catalog.csv").exists()


def test_download_limits(server, tmp_path):
    with pytest.raises(PlanInputError, match="over the limit"):
        add_source(f"{server}/plan.txt", tmp_path, tmp_path / "c.csv", max_bytes=1000)
    with pytest.raises(PlanInputError, match="no answer within|timed out"):
        add_source(f"{server}/slow.txt", tmp_path, tmp_path / "c.csv", timeout=0.5)


def test_cli_reports_each_source_and_exits_1_when_one_fails(server, tmp_path, capsys):
    raw = tmp_path / "raw"
    code = main(
        ["add", f"{server}/plan.txt", str(tmp_path / "nope.pdf"), "--raw-dir", str(raw),
         "--catalog", str(tmp_path / "catalog.csv")]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1
    assert "added" in out and "青浦 · 2025 · work_points" in out and "20 tasks" in out
    assert err.strip() == f"compare: error: {tmp_path / 'nope.pdf'}: no such file"
    assert len(list(raw.iterdir())) == 1


@pytest.mark.parametrize(
    ("option", "value"), [("--max-mb", "-1"), ("--timeout", "0"), ("--timeout", "nan")]
)
def test_limits_must_be_positive(option, value, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["add", "plan.pdf", option, value])
    assert exc.value.code == 2
    assert f"argument {option}: must be above 0" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "suffix", "fmt"),
    [
        ("keqiao_gazette_2025.ofd", ".ofd", "ofd"),
        ("pidu_portal_ie_gb2312_2024.mht", ".mhtml", "mhtml"),
        ("xixiangtang_scan_2024.tif", ".tif", "image"),
    ],
)
def test_ofd_mhtml_and_image_scans_keep_a_suffix_of_their_kind(tmp_path, name, suffix, fmt):
    source = Path(__file__).parent / "fixtures" / "genre_formats" / name
    added = add_source(str(source), tmp_path / "raw", tmp_path / "catalog.csv")
    assert added.path.suffix == suffix and added.format == fmt and added.n_tasks >= 4
    assert _catalog(tmp_path / "catalog.csv")[0]["format"] == fmt
