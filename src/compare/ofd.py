"""OFD (GB/T 33190, China's fixed-layout format) → line-numbered text with pages.

Part of the extraction stage (:mod:`compare.extract` dispatches here).
Government gazettes and e-document systems publish plans as OFD: a zip whose
``OFD.xml`` names each document's ``Document.xml``, which lists the pages;
each page's ``Content.xml`` holds ``TextObject`` elements (a ``Boundary`` box
in millimetres, a font ``Size``, an optional ``CTM``) with ``TextCode`` runs
placed at ``X``/``Y`` (baseline) and spaced by ``DeltaX``. A page's template
(``Template``, e.g. a footer shared by pages) is read with it: a line of
template text on a template two or more pages share is page furniture, set
aside and counted like a running header.

The text is put back into lines as a reader sees them: runs whose baselines
lie within half a character of each other form a line, read left to right
(a gap of more than a character becomes a space, which
:func:`~compare.extract.clean` drops between Chinese characters, as for PDF);
lines run top to bottom, a page at a time. Lines repeated at the top or
bottom of most pages are set aside as running headers, as for PDF.

Hand-written with :mod:`zipfile` and lxml: the OFD packages on PyPI render
pages to images or PDF (pulling in a renderer) or are young 0.x releases,
while reading text with its position is these few element names of the
standard.
"""

from __future__ import annotations

import io as _io
import posixpath
import re
import zipfile

from compare import extract
from compare.exceptions import PlanInputError
from compare.extract import Extracted, clean

__all__ = ["read_ofd"]

_NUMBERS = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class _Damaged(Exception):
    """A part of the package is missing or not well-formed XML."""


def _xml(z: zipfile.ZipFile, path: str):  # noqa: ANN202 - an lxml element
    from lxml import etree

    try:
        data = z.read(path)
    except KeyError:
        raise _Damaged(f"{path} is missing") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        raise _Damaged(f"{path} cannot be read: {err}") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise _Damaged(f"{path} is not well-formed XML ({err})") from None


def _resolve(base_dir: str, loc: str, names: frozenset[str] = frozenset()) -> str:
    """A package path: ``/Doc_0/…`` from the root, else relative to ``base_dir`` (or,
    as some writers put it, from the root when only that one is in the package)."""
    loc = loc.strip().replace("\\", "/")
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    path = posixpath.normpath(posixpath.join(base_dir, loc))
    root = posixpath.normpath(loc)
    return root if path not in names and root in names else path


def _floats(text: str | None) -> list[float]:
    return [float(x) for x in _NUMBERS.findall(text or "")]


def _deltas(text: str | None) -> list[float]:
    """``DeltaX``/``DeltaY`` with the standard's ``g N d`` (d repeated N times) expanded.

    >>> _deltas("5.6 g 3 4 2.8")
    [5.6, 4.0, 4.0, 4.0, 2.8]
    """
    out: list[float] = []
    tokens = (text or "").split()
    k = 0
    while k < len(tokens):
        if tokens[k] == "g" and k + 2 < len(tokens):
            with_count = _floats(tokens[k + 1]), _floats(tokens[k + 2])
            if with_count[0] and with_count[1]:
                out.extend([with_count[1][0]] * int(with_count[0][0]))
            k += 3
            continue
        out.extend(_floats(tokens[k]))
        k += 1
    return out


Run = tuple[float, float, float, float, str, bool]


def _runs(root, shared: bool = False) -> list[Run]:  # noqa: ANN001
    """(baseline y, x, end x, size, text, shared) of every text run on a page or template,
    in mm (``shared``: from a template several pages use)."""
    out = []
    for obj in root.iter("{*}TextObject"):
        box = _floats(obj.get("Boundary")) + [0.0, 0.0]
        size = (_floats(obj.get("Size")) or [3.5])[0]
        ctm = _floats(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        scale = (a * a + b * b) ** 0.5 or 1.0
        x = y = 0.0
        for code in obj.iter("{*}TextCode"):
            text = code.text or ""
            if not text:
                continue
            x = (_floats(code.get("X")) or [x])[0]
            y = (_floats(code.get("Y")) or [y])[0]
            dx = _deltas(code.get("DeltaX"))[: len(text) - 1]
            width = sum(dx) + size * (len(text) - len(dx))
            px, py = a * x + c * y + e, b * x + d * y + f
            out.append(
                (box[1] + py, box[0] + px, box[0] + px + width * scale, size * scale, text, shared)
            )
            x += width  # a TextCode without X/Y goes on where this one ended
    return out


def _page_lines(runs: list[Run]) -> list[tuple[str, bool]]:
    """Runs put into lines: baselines within half a character, read left to right;
    each line with whether all of it is shared template text.

    >>> _page_lines([(20, 30, 40, 5, "二、", False), (10, 55, 60, 5, "点", False),
    ...              (10, 30, 55, 5, "工作要", False), (20.4, 40, 60, 5, "提升能力", False),
    ...              (20, 100, 110, 5, "全年", False), (280, 30, 60, 4, "某某局发布", True)])
    [('工作要点', False), ('二、提升能力全年', False), ('某某局发布', True)]
    """
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (r[0], r[1])):
        if lines and abs(run[0] - lines[-1][0][0]) <= 0.5 * min(run[3], lines[-1][0][3]):
            lines[-1].append(run)
        else:
            lines.append([run])
    out = []
    for line in lines:
        text, end = "", None
        for _, x, x_end, size, chunk, _shared in sorted(line, key=lambda r: r[1]):
            if end is not None and x - end > size:
                text += " "
            text += chunk
            end = x_end if end is None else max(end, x_end)
        out.append((clean(text), all(r[5] for r in line)))
    return out


def _documents(z: zipfile.ZipFile) -> list[str]:
    root = _xml(z, "OFD.xml")
    docs = [_resolve("", el.text) for el in root.iter("{*}DocRoot") if el.text and el.text.strip()]
    if not docs:
        raise _Damaged("OFD.xml names no document (DocRoot)")
    return docs


def _pages(z: zipfile.ZipFile, doc_path: str, name: str) -> list[list[tuple[str, bool]]]:
    """The lines of every page of one document, templates read with their pages (a line
    flagged when it is all text of a template two or more pages use)."""
    base = posixpath.dirname(doc_path)
    names = frozenset(z.namelist())
    doc = _xml(z, doc_path)
    templates = {
        t.get("ID"): _resolve(base, t.get("BaseLoc", ""), names)
        for t in doc.iter("{*}TemplatePage")
        if t.get("BaseLoc")
    }
    pages = [p for p in doc.iter("{*}Page") if p.get("BaseLoc")]
    if len(pages) > extract.MAX_PDF_PAGES:
        raise PlanInputError(
            name,
            f"OFD of {len(pages)} pages, over the limit of {extract.MAX_PDF_PAGES} for one plan "
            "(split it, or raise compare.extract.MAX_PDF_PAGES)",
        )
    roots = [_xml(z, _resolve(base, page.get("BaseLoc"), names)) for page in pages]
    used = [[t.get("TemplateID") for t in root.iter("{*}Template")] for root in roots]
    out = []
    for root, tids in zip(roots, used, strict=True):
        runs = _runs(root)
        for tid in tids:
            if tid in templates:
                shared = sum(tid in u for u in used) >= 2
                runs.extend(_runs(_xml(z, templates[tid]), shared))
        out.append(_page_lines(runs))
    return out


def read_ofd(data: bytes, name: str) -> Extracted:
    """An OFD file's text as lines with the page of each (format ``"ofd"``).

    Raises
    ------
    compare.exceptions.PlanInputError
        Damaged package (a part missing or not XML), too many pages, no
        Chinese text (pages that are only images).
    """
    try:
        with zipfile.ZipFile(_io.BytesIO(data)) as z:
            page_lines = [lines for doc in _documents(z) for lines in _pages(z, doc, name)]
    except _Damaged as err:
        raise PlanInputError(name, f"damaged OFD file ({err})") from None
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise PlanInputError(name, f"damaged OFD file ({err})") from None
    if not page_lines:
        raise PlanInputError(name, "OFD with no pages")
    if not any(extract.CJK.search(x) for lines in page_lines for x, _ in lines):
        raise PlanInputError(
            name, "OFD file with no Chinese text (pages that are images only are not read)"
        )
    return extract.paged_text(
        [[ln for ln, _ in p] for p in page_lines],
        data,
        fmt="ofd",
        set_aside=[[shared for _, shared in p] for p in page_lines],
    )
