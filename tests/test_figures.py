"""Figure builders: expected traces, titles and one colour per district."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from compare.report import figures
from compare.shares import share_test, theme_shares

TASKS = pd.DataFrame(
    {
        "district": ["松江"] * 4 + ["青浦"] * 4 + ["长宁"] * 4,
        "theme": list("AABC") + list("ABCC") + list("ACCC"),
        "theme_name": ["a"] * 12,
        "n_chars": np.arange(12) + 100,
    }
)


def test_district_colours_are_distinct_and_stable():
    c3 = figures.district_colors(["松江", "青浦", "长宁"])
    assert len(set(c3.values())) == 3
    assert figures.district_colors(["长宁"])["长宁"] == c3["长宁"]


def test_share_figures_have_a_trace_per_district_and_the_year_note():
    s = theme_shares(TASKS)
    dots = figures.share_dots(s, note="Years differ: 松江 2026; 青浦 2025")
    assert isinstance(dots, go.Figure)
    assert sorted(t.name for t in dots.data) == ["松江", "长宁", "青浦"]
    assert "Years differ" in dots.layout.title.text
    colors = figures.district_colors(["松江", "青浦", "长宁"])
    assert all(t.marker.color == colors[t.name] for t in dots.data)
    heat = figures.share_heatmap(s)
    assert heat.data[0].type == "heatmap" and heat.layout.title.text.startswith(
        "Attention by theme"
    )


def test_residual_and_other_figures_build():
    r = share_test(TASKS, n_perm=20)
    assert figures.residual_heatmap(r.table).data[0].type == "heatmap"
    terms = pd.DataFrame(
        {"group": ["松江", "青浦"], "term": ["中医", "养老"], "z": [2.0, 1.0], "count": [3, 2]}
    )
    assert len(figures.keyness_bars(terms).data) == 2
    sim = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["a", "b"], columns=["a", "b"])
    assert "similarity" in figures.similarity_heatmap(sim).layout.title.text
