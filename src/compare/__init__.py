"""compare: parse, code and compare the health-policy plans of Chinese districts.

The names below are what notebooks call; everything else lives in the stage
modules (``compare.parse``, ``compare.corpus``, ...).
"""

from compare.corpus import Corpus, load_corpus
from compare.exceptions import CompareError, PlanInputError
from compare.parse import Plan, parse_plan

__all__ = ["Corpus", "CompareError", "Plan", "PlanInputError", "load_corpus", "parse_plan"]
__version__ = "0.1.0"
