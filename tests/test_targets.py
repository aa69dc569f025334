"""Targets: the numeric commitments of the seed plans, read from raw lines."""

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
    targets_in_text,
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("开通12356心理援助热线。", []),
        ("深化MMC 1+4+18体系建设，推进5G应用和3.0版建设。", []),
        ("为60岁以上老年人免费体检。", []),
        ("中医诊断超50例以上的病种数40种以上。", [(40.0, "种")]),
        ("实现签约覆盖率提升2-4个百分点。", [(2.0, "个百分点")]),
        ("到2026年末实现每10万人配置75台AED。", [(75.0, "台")]),
        ("已建成5家社区医院，新建3家护理中心。", [(3.0, "家")]),
        ("人均预期寿命达到84岁。", [(84.0, "岁")]),
    ],
)
def test_rules_on_single_sentences(text, expected):
    found = targets_in_text(text)
    assert list(zip(found["value"], found["unit"], strict=True)) == expected


def test_object_key_prefers_an_acronym_and_drops_generic_modifiers():
    assert object_key("自动式体外除颤器（AED）") == "AED"
    assert object_key("社区卫生服务中心护理中心") == "护理中心"


def test_cli_targets_prints_the_columns_as_csv(raw_dir, capsys):
    from compare.cli import main

    assert main(["targets", str(raw_dir), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ",".join(TARGET_COLUMNS)
    assert any(",222,,台," in line for line in out)
