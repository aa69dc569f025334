"""The project's exception types.

Every error a user can cause names the file and what is wrong with it, in one
line, so the CLI can print it without a traceback.
"""

from __future__ import annotations


class CompareError(Exception):
    """Base class for errors the ``compare`` package raises on purpose."""


class PlanInputError(CompareError):
    """A plan file cannot be read: missing, empty, binary or undecodable.

    Examples
    --------
    >>> str(PlanInputError("plans/a.txt", "empty file"))
    'plans/a.txt: empty file'
    """

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class CodebookError(CompareError):
    """A codebook file is malformed (missing columns, duplicate codes)."""


class RenderError(CompareError):
    """A notebook failed to execute or export; the previous report is kept."""
