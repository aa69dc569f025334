"""compare: parse, code and compare the health-policy plans of Chinese districts.

The names below are what notebooks call. They are imported lazily (PEP 562),
so ``import compare`` and the ``compare`` command stay fast; each lives in the
stage module named in ``_WHERE``.

Examples
--------
>>> import compare
>>> compare.load_corpus().tasks.shape[0]
110
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_WHERE = {
    # parse and corpus
    "parse_plan": "parse",
    "Plan": "parse",
    "load_corpus": "corpus",
    "Corpus": "corpus",
    "CompareError": "exceptions",
    "PlanInputError": "exceptions",
    # tokens and themes
    "tokenize": "text",
    "load_codebook": "themes",
    "code_tasks": "themes",
    "cluster_tasks": "clusters",
    "theme_table": "themes",
    # comparisons
    "select_documents": "selection",
    "year_note": "selection",
    "theme_shares": "shares",
    "share_test": "shares",
    "tasks_with_themes": "shares",
    "distinctive_terms": "keyness",
    "pair_terms": "keyness",
    "document_similarity": "align",
    "best_counterparts": "align",
    "shared_priorities": "align",
    "extract_targets": "targets",
    "align_targets": "targets",
    "share_change": "change",
    "echoes": "change",
    # reports
    "explorer_records": "report.explorer",
    "render": "report",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"compare.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'compare' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
