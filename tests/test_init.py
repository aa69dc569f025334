"""The package's public names: each one resolves, and importing stays light."""

from __future__ import annotations

import subprocess
import sys

import compare


def test_every_public_name_resolves():
    for name in compare.__all__:
        assert getattr(compare, name) is not None, name


def test_import_does_not_load_the_heavy_stages():
    code = "import sys, compare; print(sorted(m for m in ('sklearn', 'jieba', 'plotly', 'pandas') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
