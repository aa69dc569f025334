"""Shared fixtures: the seed plans and tiny plans that imitate their styles."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from compare import config

# the generated-corpus and benchmark code lives in benchmarks/, outside the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

SEEDS = {
    "songjiang_2026": "songjiang_2026_work_points.txt",
    "songjiang_2025_medadmin": "songjiang_2025_medical_admin_points.txt",
    "songjiang_fyp": "songjiang_14th_five_year_plan.txt",
    "qingpu_2025": "qingpu_2025_work_points.txt",
    "changning_2025": "changning_2025_work_points.txt",
}


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The read-only folder of seed plans."""
    return config.RAW_DIR


@pytest.fixture(scope="session")
def seed_path(raw_dir):
    """Path of a seed plan by short name."""
    return lambda key: raw_dir / SEEDS[key]


@pytest.fixture()
def isolated_home(tmp_path, monkeypatch):
    """Point the caches at a temporary folder so tests never touch data/interim."""
    monkeypatch.setattr(config, "INTERIM_DIR", tmp_path / "interim")
    return tmp_path


def plan_body(path: Path) -> str:
    """A seed plan without its header and closing: from its first ``一、`` to its last sentence.

    What a plan looks like when the letterhead, title, document number and
    issue date are lost (a copied excerpt): the parser finds sections and
    tasks but no district, year or kind.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.lstrip("# ").startswith("一、"))
    last = max(i for i, line in enumerate(lines) if line.rstrip().endswith("。"))
    return "\n".join(lines[first : last + 1]) + "\n"


#: Plans the parser understands only partly, built from the seeds by
#: :func:`write_partial_plans`: file name → (title line or "", seed key,
#: expected district, year, kind); None where the text does not say.
PARTIAL_PLANS = {
    "excerpt_a.txt": ("", "songjiang_2026", None, None, "other"),
    "excerpt_b.txt": ("", "qingpu_2025", None, None, "other"),
    "no_district.txt": (
        "2024年卫生健康工作要点",
        "songjiang_2025_medadmin",
        None,
        2024,
        "work_points",
    ),
    "no_year.txt": ("长宁区卫生健康工作要点", "changning_2025", "长宁", None, "work_points"),
    "other_kind.txt": (
        "青浦区卫生健康服务提升实施方案",
        "songjiang_2025_medadmin",
        "青浦",
        None,
        "other",
    ),
}


def write_partial_plans(folder: Path, raw_dir: Path = config.RAW_DIR) -> dict[str, tuple]:
    """Write :data:`PARTIAL_PLANS` into ``folder``; return file name → (district, year, kind)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (title, seed, district, year, kind) in PARTIAL_PLANS.items():
        head = f"{title}\n\n" if title else ""
        (folder / name).write_text(head + plan_body(raw_dir / SEEDS[seed]), encoding="utf-8")
        out[name] = (district, year, kind)
    return out


@pytest.fixture()
def partial_dir(tmp_path, raw_dir) -> Path:
    """The seed plans plus :data:`PARTIAL_PLANS`, in a writable folder."""
    folder = tmp_path / "partial"
    folder.mkdir()
    for path in raw_dir.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    write_partial_plans(folder, raw_dir)
    return folder
