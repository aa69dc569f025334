"""Shared fixtures: the seed plans and tiny plans that imitate their styles."""

from __future__ import annotations

from pathlib import Path

import pytest

from compare import config

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
