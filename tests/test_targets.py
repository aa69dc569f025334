"""compare.targets: the seed plans' targets in one table, aligned across districts, scored."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from compare import load_corpus
from compare.targets import (
    TARGET_COLUMNS,
    align_targets,
    extract_targets,
    object_key,
    score_targets,
)

EXPECTED = Path(__file__).parent / "fixtures" / "targets_expected.csv"


@pytest.fixture(scope="module")
def corpus(raw_dir):
    return load_corpus(raw_dir)


@pytest.fixture(scope="module")
def targets(corpus, raw_dir):
    return extract_targets(corpus.tasks)


def test_it_matches_the_hand_checked_list_of_seed_targets(targets):
    score = score_targets(targets, pd.read_csv(EXPECTED))
    assert score["precision"] >= 0.9
    assert score["recall"] >= 0.9


def test_it_finds_the_aed_targets_of_the_three_districts_on_their_raw_lines(targets, raw_dir):
    aed = targets[targets["object_key"] == "AED"].set_index("district")
    assert aed["value"].to_dict() == {"长宁": 222.0, "青浦": 150.0, "松江": 75.0}
    assert aed.loc["松江", "qualifier"] == "每10万人"
    for row in aed.itertuples():
        line = (raw_dir / row.source_file).read_text(encoding="utf-8").split("\n")[row.line - 1]
        assert str(int(row.value)) in line


def test_it_aligns_the_aed_targets_across_districts(targets):
    aligned = align_targets(targets)
    aed = aligned[aligned["group_key"] == "AED"]
    assert sorted(aed["value"]) == [75.0, 150.0, 222.0]
    assert aed["district"].nunique() == 3
    nursing = aligned[aligned["group_key"] == "护理中心"]
    assert set(nursing["district"]) == {"松江", "长宁", "青浦"}


def test_no_hotline_year_age_or_name_number_is_a_target(targets):
    assert not targets["value"].isin([12356, 2024, 2025, 2026, 2027, 2030, 60, 18, 50]).any()
    assert not targets["unit"].eq("岁").any()  # 60岁以上, 80岁以上 are populations
    hotline_task = targets[targets["text"].str.contains("12356")]
    assert hotline_task["value"].tolist() == [24.0]  # its 24-hour service, not the number


def test_the_output_has_the_cli_columns_first(targets):
    assert list(targets.columns[: len(TARGET_COLUMNS)]) == list(TARGET_COLUMNS)


def test_object_key_prefers_an_acronym_and_drops_generic_modifiers():
    assert object_key("自动式体外除颤器（AED）") == "AED"
    assert object_key("社区卫生服务中心护理中心") == "护理中心"


def test_cli_targets_prints_the_columns_as_csv(raw_dir, capsys):
    from compare.cli import main

    assert main(["targets", str(raw_dir), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ",".join(TARGET_COLUMNS)
    assert any(",222,,台," in line for line in out)
