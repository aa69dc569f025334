"""Execute notebooks with papermill in kernels this process starts and owns.

All notebooks of one render run in one kernel per kernel name (its namespace
is reset between notebooks), which saves the kernel start and the imports per
notebook. Execution goes through papermill's public ``execute_notebook`` with
its default engine and our kernel manager (``km``); the kernel clients it
opens are closed after each notebook, the kernels at the end of the render.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.report.notebooks import cell_source, import_papermill

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = [
    "Kernels",
    "cell_timings",
    "clean_executed",
    "describe_failure",
    "execute",
    "kernel_name",
]

LOGGER_NAME = "compare.report"

_SETUP_TAG = "compare-setup"


def _tracking_manager_class() -> type:
    """An ``AsyncKernelManager`` that remembers the clients it hands out, to close them."""
    from jupyter_client.manager import AsyncKernelManager

    class TrackingKernelManager(AsyncKernelManager):
        def client(self, **kwargs: Any) -> Any:
            kc = super().client(**kwargs)
            self.__dict__.setdefault("_compare_clients", []).append(kc)
            return kc

        def close_clients(self) -> None:
            for kc in self.__dict__.pop("_compare_clients", []):
                with contextlib.suppress(Exception):
                    kc.stop_channels()

    return TrackingKernelManager


class Kernels:
    """Kernels shared by the notebooks of one render call, one per kernel name."""

    def __init__(self, cwd: Path, log_file: Path, env: Mapping[str, str] | None = None) -> None:
        self.cwd = cwd
        self.log_file = log_file
        self.env = dict(env) if env is not None else None  # the kernels' environment
        self._managers: dict[str, Any] = {}
        self._warming: list[Any] = []

    def get(self, name: str) -> Any:
        from jupyter_core.utils import run_sync

        km = self._managers.get(name)
        if km is not None and not run_sync(km.is_alive)():
            self._managers.pop(name)
            km.close_clients()
            run_sync(km.cleanup_resources)()
            km = None
        if km is None:
            km = _tracking_manager_class()(kernel_name=name)
            with open(self.log_file, "ab") as kernel_log:  # the kernel's own stderr
                extra = {} if self.env is None else {"env": self.env}
                run_sync(km.start_kernel)(cwd=str(self.cwd), stderr=kernel_log, **extra)
            self._managers[name] = km
        return km

    def warm(self, name: str, code: str) -> None:
        """Start the kernel ``name`` now and have it run ``code`` before any notebook.

        The code (the notebooks' imports) runs in the kernel while this
        process goes on; the first notebook's cells queue behind it.
        """
        km = self.get(name)
        if code:
            from jupyter_client.blocking import BlockingKernelClient

            # a blocking client: its request leaves now, with no event loop to run
            kc = BlockingKernelClient()
            kc.load_connection_info(km.get_connection_info())
            kc.start_channels()
            kc.execute(code, silent=True, store_history=False)
            self._warming.append(kc)  # closed by release(), after the first notebook

    def release(self) -> None:
        """Close the clients papermill opened; the kernels live on for the next notebook."""
        for km in self._managers.values():
            km.close_clients()
        while self._warming:
            with contextlib.suppress(Exception):
                self._warming.pop().stop_channels()

    def kill(self) -> None:
        """Kill the kernel processes now, from any thread (an interrupted render).

        The notebook running in one fails at once; :meth:`shutdown`, in the
        thread that uses the kernels, then cleans up as usual.
        """
        for km in list(self._managers.values()):
            process = getattr(getattr(km, "provisioner", None), "process", None)
            with contextlib.suppress(Exception):
                if process is not None and process.poll() is None:
                    process.kill()

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        self.release()
        for km in self._managers.values():
            with contextlib.suppress(Exception):
                run_sync(km.shutdown_kernel)(now=False)
        self._managers.clear()


def kernel_name(nb: Mapping[str, Any]) -> str:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    name = nb.get("metadata", {}).get("kernelspec", {}).get("name") or "python3"
    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        logging.getLogger(LOGGER_NAME).warning(
            "kernel %r is not installed (run `make setup`); using python3", name
        )
        return "python3"
    return name


def _setup_cell(cwd: Path) -> Any:
    from nbformat.v4 import new_code_cell

    code = (
        "get_ipython().run_line_magic('reset', '-f')\n"
        f"import os as _os\n_os.chdir({str(cwd)!r})\ndel _os\n"
    )
    return new_code_cell(code, metadata={"tags": [_SETUP_TAG]})


def describe_failure(exc: BaseException, original: Mapping[str, Any]) -> str:
    """One line naming the failing cell of the committed notebook and the error."""
    if not isinstance(exc, import_papermill().PapermillExecutionError):
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
    where = "a cell"
    for number, cell in enumerate(original.get("cells", []), start=1):
        if cell.get("cell_type") == "code" and cell_source(cell) == exc.source:
            first = next((ln.strip() for ln in exc.source.splitlines() if ln.strip()), "")
            where = f"cell {number} ({first[:60]!r})"
            break
    evalue = " ".join(str(exc.evalue).split())[:300]
    return f"{where} raised {exc.ename}: {evalue}"


def clean_executed(nb: NotebookNode, log: logging.Logger, name: str) -> None:
    """Drop the setup cell and stderr streams (logged instead) before export."""
    nb.cells = [c for c in nb.cells if _SETUP_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                log.info("%s stderr: %s", name, cell_source({"source": output.get("text", "")}))
            else:
                kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept


def cell_timings(nb: Mapping[str, Any], top: int = 5) -> str:
    """The slowest cells of an executed notebook, as papermill timed them, in one line.

    Cells are numbered as in the committed notebook; the setup cell this
    module inserts (namespace reset, working folder) is reported apart.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "source": "x = 1",
    ...                  "metadata": {"papermill": {"duration": 0.25}}},
    ...                 {"cell_type": "markdown", "source": "# t", "metadata": {}}]}
    >>> cell_timings(nb)
    'cells 0.2 s; slowest: cell 1 0.2 s'
    """

    def seconds(cell: Mapping[str, Any]) -> float:
        return float(cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0)

    cells = list(nb.get("cells", []))
    setup = [c for c in cells if _SETUP_TAG in c.get("metadata", {}).get("tags", [])]
    cells = [c for c in cells if c not in setup]
    times = [(n, seconds(c)) for n, c in enumerate(cells, start=1) if c.get("cell_type") == "code"]
    slowest = sorted(times, key=lambda t: -t[1])[:top]
    listed = ", ".join(f"cell {n} {s:.1f} s" for n, s in slowest)
    head = f"setup {sum(map(seconds, setup)):.1f} s, " if setup else ""
    return f"{head}cells {sum(s for _, s in times):.1f} s; slowest: {listed}"


def execute(
    path: Path, nb_json: Mapping[str, Any], params: Mapping[str, Any], kernels: Kernels
) -> Any:
    """Run one notebook with papermill in the shared kernel; return the executed notebook.

    A failing cell raises ``papermill.PapermillExecutionError`` (see :func:`describe_failure`).
    """
    papermill = import_papermill()
    import nbformat

    nb = nbformat.reads(json.dumps(nb_json), as_version=4)
    kernel = kernel_name(nb_json)
    nb.cells.insert(0, _setup_cell(path.parent))
    try:
        # papermill's default engine; a kernel manager passed as ``km`` is never shut down by it
        return papermill.execute_notebook(
            nb,
            None,
            parameters=dict(params),
            kernel_name=kernel,
            progress_bar=False,
            request_save_on_cell_execute=False,
            km=kernels.get(kernel),
        )
    finally:
        kernels.release()
