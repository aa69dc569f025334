"""compare.report.coding_figures: the themes report's figures, each bar opening the tasks it counts."""

from __future__ import annotations

import pandas as pd
import pytest

from compare.report import coding_figures, figures
from compare.shares import theme_shares


@pytest.fixture()
def coded() -> pd.DataFrame:
    """Six coded tasks of three districts: two clusters, three themes, spread confidence."""
    return pd.DataFrame(
        {
            "task_id": [f"d{i}-t1" for i in range(6)],
            "title": ["推进中医药", "发展中医", "养老服务", "医养结合", "家庭医生", "签约服务"],
            "district": ["松江", "长宁", "青浦", "松江", "长宁", "长宁"],
            "cluster": [0, 0, 1, 1, 1, 0],
            "cluster_label": ["中医", "中医", "养老", "养老", "养老", "中医"],
            "confidence": [0.95, 0.42, 0.88, 0.61, 0.05, 0.99],
            "theme": ["A", "A", "B", "B", "C", "A"],
            "theme_name": ["中医药", "中医药", "养老", "养老", "基层", "中医药"],
        }
    )


def _ids(trace) -> list[set[str]]:
    return [set(cell[0].split()) for cell in trace.customdata]


def test_a_cluster_bar_segment_opens_exactly_its_districts_tasks(coded) -> None:
    fig = coding_figures.cluster_bars(coded)
    assert sorted(t.name for t in fig.data) == ["松江", "长宁", "青浦"]
    for trace in fig.data:
        mine = coded[coded["district"] == trace.name]
        for label, n, ids in zip(trace.y, trace.x, _ids(trace), strict=True):
            cluster = int(label.split(" ")[0].lstrip("#"))
            expected = set(mine.loc[mine["cluster"] == cluster, "task_id"])
            assert ids == expected and n == len(expected)


def test_confidence_bins_count_every_task_once(coded) -> None:
    fig = coding_figures.confidence_bars(coded, bins=5)
    opened = [ids for trace in fig.data for ids in _ids(trace)]
    assert sorted(i for ids in opened for i in ids) == sorted(coded["task_id"])
    assert sum(sum(t.y) for t in fig.data) == len(coded)
    low = next(t for t in fig.data if t.name == "长宁")
    assert low.x[0] == "0.0–0.2" and _ids(low)[0] == {"d4-t1"}


def test_past_the_palette_the_bars_are_one_stack_of_all_districts(coded) -> None:
    many = coded.loc[coded.index.repeat(3)].reset_index(drop=True)
    many["district"] = [f"区{i}" for i in range(len(many))]
    assert many["district"].nunique() > len(figures.PALETTE)
    fig = coding_figures.cluster_bars(many)
    assert [t.name for t in fig.data] == [f"全部 {len(many)} 个区 all districts"]
    assert sum(fig.data[0].x) == len(many)


def test_overall_shares_are_sorted_with_intervals_and_open_their_theme(coded) -> None:
    shares = theme_shares(coded.assign(all="全部"), by="all")
    trace = coding_figures.overall_share_bars(coded, shares).data[0]
    assert list(trace.y) == ["C 基层", "B 养老", "A 中医药"]  # smallest share at the bottom
    assert _ids(trace)[-1] == set(coded.loc[coded["theme"] == "A", "task_id"])
    assert all(hi >= 0 for hi in trace.error_x.array)
