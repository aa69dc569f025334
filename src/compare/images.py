"""Scans and photos saved as images (PNG, JPEG, TIFF, BMP, WebP) → line-numbered text.

Part of the extraction stage (:mod:`compare.extract` dispatches here). A plan
scanned to a multi-page TIFF (scanner output) or photographed page by page is
read by the same Tesseract path as a scanned PDF (``chi_sim``, confidence per
line, low pages flagged): each frame of the image is a page. Pillow opens the
image; a phone photo is turned upright by its EXIF orientation, and a small
image (a screenshot, a 100 dpi scan) is enlarged so its characters reach the
size Tesseract reads best.
"""

from __future__ import annotations

import io as _io
import warnings

from compare import extract
from compare.exceptions import PlanInputError
from compare.extract import image_kind, ocr_images

__all__ = ["read_image"]

#: A page image narrower than this (pixels) is enlarged 2x before OCR: an A4 page
#: at 300 dpi is about 2,480 pixels wide; characters under ~20 pixels read badly.
MIN_WIDTH = 1200


def _frames(data: bytes, name: str, kind: str) -> list:
    """Every frame (page) of the image, greyscale and upright."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():  # a damaged file is one error line, not warnings too
            warnings.simplefilter("ignore")
            return _decode(data, name, kind)
    except PlanInputError:
        raise
    except Image.DecompressionBombError as err:
        raise PlanInputError(name, f"{kind} image too large to read ({err})") from None
    except UnidentifiedImageError:
        raise PlanInputError(name, f"damaged {kind} image (cannot be decoded)") from None
    except (OSError, ValueError, SyntaxError, EOFError) as err:
        raise PlanInputError(name, f"damaged {kind} image ({err})") from None


def _decode(data: bytes, name: str, kind: str) -> list:
    from PIL import Image, ImageOps

    img = Image.open(_io.BytesIO(data))
    n = getattr(img, "n_frames", 1)
    if n > extract.MAX_PDF_PAGES:
        raise PlanInputError(
            name,
            f"{kind} image of {n} pages, over the limit of {extract.MAX_PDF_PAGES} for one plan "
            "(split it, or raise compare.extract.MAX_PDF_PAGES)",
        )
    pages = []
    for i in range(n):
        img.seek(i)
        frame = ImageOps.exif_transpose(img.copy()) if i == 0 else img.copy()
        if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
            # a screenshot with transparency: on white, as it is seen (not on black)
            frame = Image.alpha_composite(
                Image.new("RGBA", frame.size, "white"), frame.convert("RGBA")
            )
        frame = frame.convert("L")
        if frame.width < MIN_WIDTH:
            frame = frame.resize((frame.width * 2, frame.height * 2), Image.Resampling.LANCZOS)
        pages.append(frame)
    return pages


def read_image(data: bytes, name: str, *, ocr: bool = True):  # noqa: ANN201 - an Extracted
    """An image scan's pages read by OCR (format ``"image"``, pages = frames).

    Raises
    ------
    compare.exceptions.PlanInputError
        Damaged image, OCR switched off or not installed, no Chinese text found.
    """
    kind = image_kind(data) or "image"
    if not ocr:
        raise PlanInputError(name, f"{kind} image (a scan) and OCR is switched off")
    pages = _frames(data, name, kind)
    problem = extract._tesseract_ready()
    if problem:
        raise PlanInputError(name, f"{kind} image (a scan) and {problem}")
    return ocr_images(pages, data, name, fmt="image", what=f"{kind} image")
