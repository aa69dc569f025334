"""compare.report.coding_facts: what the themes report states about the coding."""

from __future__ import annotations

import pandas as pd

from compare import config
from compare.report import coding_facts


def test_theme_facts_follow_the_data() -> None:
    shares = pd.DataFrame(
        {"theme": ["A", "B"], "theme_name": ["x", "y"], "share": [0.4, 0.6], "n_tasks": [2, 3]}
    )
    coded = pd.DataFrame(
        {
            "cluster": [0, 0, 1],
            "cluster_label": ["a", "a", "b"],
            "confidence": [0.2, 0.9, 0.8],
            "overridden": [False, False, True],
        }  # fmt: skip
    )
    stated = coding_facts.theme_facts(coded, shares)
    assert (stated["top_theme"], stated["n_low"], stated["n_overridden"]) == ("y", 1, 1)


def test_the_themes_report_says_which_clusters_it_shows():
    coded = pd.DataFrame(
        {"cluster": [0, 0, 1], "cluster_label": ["a", "a", "b"], "confidence": [0.9, 0.2, 0.8],
         "overridden": [False, False, False], "theme": ["A", "?", "B"]}
    )  # fmt: skip
    shares = pd.DataFrame({"theme": ["A"], "theme_name": ["x"], "share": [1.0], "n_tasks": [3]})
    coded.attrs["guide"] = 0.0
    plain = coding_facts.theme_facts(coded, shares)
    assert not plain["guided"] and "text only" in plain["cluster_kind"]
    assert plain["n_unclear"] == 1
    coded.attrs["guide"] = 0.5
    assert "guided" in coding_facts.theme_facts(coded, shares)["cluster_kind"]


def test_expected_accuracy_is_stated_for_a_new_district():
    acc = coding_facts.expected_accuracy()
    assert acc["n_districts"] == 3 and "留一区交叉验证" in acc["sentence"]
    assert f"{acc['top1']:.0%}" in acc["sentence"]


def test_expected_accuracy_is_cached_by_content(isolated_home, monkeypatch):
    from compare import coder

    first = coding_facts.expected_accuracy()
    (cached,) = (isolated_home / "interim" / "accuracy").glob("*.pkl")

    def refuse(*args, **kwargs):
        raise AssertionError("cross-validated again although nothing changed")

    def said(acc: dict) -> tuple:
        return acc["sentence"], acc["calibration"], acc["n"], acc["top1"], acc["top2"]

    monkeypatch.setattr(coder, "cross_validate", refuse)
    assert said(coding_facts.expected_accuracy()) == said(first)
    cached.write_bytes(b"truncated")  # a damaged cache is computed again, not trusted
    monkeypatch.undo()
    monkeypatch.setattr(config, "INTERIM_DIR", isolated_home / "interim")
    assert said(coding_facts.expected_accuracy()) == said(first)
