"""OCR of scanned letters: ``ocrmypdf`` with tesseract's Polish model, into a searchable PDF/A.

The scan itself stays the record, unchanged; what this produces is a rendition beside it (the
PDF/A with a text layer) and the recognised text, which the item page shows and search reads.
``ocrmypdf`` runs as a child process in a private temporary folder, with a time limit; a PDF
that already has text keeps it (``--skip-text``). What ``ocrmypdf`` refuses -- an encrypted PDF,
a file it cannot read, an image too large to decompress (``--max-image-mpixels``) -- becomes one
:class:`OcrRefused` line, and the item goes on without a text layer. A missing or broken tool is
an operator's problem and raises :class:`OcrUnavailable` (the step becomes an incident).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from ezd.records.errors import EzdError, InvalidInput

OCR_TYPES = {
    "application/pdf": ".pdf",
    "image/tiff": ".tiff",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
MAX_MPIXELS = 120  # a 600 dpi A3 page is ~70 Mpx; a decompression bomb is refused above this
TIMEOUT_S = 900.0

# ocrmypdf's documented exit codes (ocrmypdf.ExitCode)
_REFUSED = {
    2: "the scan cannot be read as a PDF or an image",
    8: "the PDF is encrypted; its text cannot be recognised",
}
_OUTPUT_NOT_PDFA = (4, 10)  # output written, but PDF/A validation or conversion failed


class OcrRefused(InvalidInput):
    """The scan cannot be OCR'd (encrypted, unreadable, too large): it stays without text."""


class OcrUnavailable(EzdError):
    """ocrmypdf or tesseract is missing or failed: the operator must fix the installation."""


@dataclass(frozen=True)
class OcrResult:
    pdf: bytes  # the searchable rendition (PDF/A-2b when ``pdfa`` is true)
    text: str
    pdfa: bool


def available() -> bool:
    return shutil.which("ocrmypdf") is not None


def _check_image_size(data: bytes) -> None:
    """Refuse a decompression bomb from its header, before anything decodes the pixels."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():  # the size is judged below, not by Pillow's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # lazy: reads the header only
                width, height = image.size
    except Image.DecompressionBombError:
        raise OcrRefused("the image is too large to decompress safely") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise OcrRefused("the scan cannot be read as a PDF or an image") from None
    if width * height > MAX_MPIXELS * 1_000_000:
        raise OcrRefused("the image is too large to decompress safely")


def recognise(
    data: bytes, media_type: str, *, language: str = "pol", timeout: float = TIMEOUT_S
) -> OcrResult:
    suffix = OCR_TYPES.get(media_type)
    if suffix is None:
        raise OcrRefused(f"files of type {media_type} are not scans")
    if suffix != ".pdf":
        _check_image_size(data)
    binary = shutil.which("ocrmypdf")
    if binary is None:
        raise OcrUnavailable("ocrmypdf is not installed (Debian packages ocrmypdf and tesseract-ocr-pol)")
    with tempfile.TemporaryDirectory(prefix="ezd-ocr-") as tmp:
        folder = Path(tmp)
        source, target, sidecar = folder / f"skan{suffix}", folder / "ocr.pdf", folder / "ocr.txt"
        source.write_bytes(data)
        args = [
            binary,
            "--language",
            language,
            "--output-type",
            "pdfa",
            "--skip-text",
            "--sidecar",
            str(sidecar),
            "--max-image-mpixels",
            str(MAX_MPIXELS),
            "--jobs",
            "1",
            "--quiet",
        ]
        if suffix != ".pdf":
            args += ["--image-dpi", "300"]  # used only when the image carries no resolution
        env = {k: v for k, v in os.environ.items() if not k.startswith("EZD_")}  # no secrets to the child
        env["TMPDIR"] = tmp
        try:
            done = subprocess.run(
                [*args, str(source), str(target)],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=tmp,
                env=env,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise OcrUnavailable(f"ocrmypdf did not finish within {timeout:.0f} s") from None
        if "DecompressionBomb" in done.stderr or "max-image-mpixels" in done.stderr.lower():
            raise OcrRefused("the image is too large to decompress safely")
        if done.returncode in _REFUSED:
            raise OcrRefused(_REFUSED[done.returncode])
        if done.returncode not in (0, *_OUTPUT_NOT_PDFA) or not target.exists():
            tail = " ".join(done.stderr.split())[-300:]
            raise OcrUnavailable(f"ocrmypdf failed with exit code {done.returncode}: {tail}")
        text = sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.exists() else ""
        # ocrmypdf marks pages it skipped (already text) in the sidecar; that text is in the PDF
        text = text.replace("[OCR skipped on page(s) ", "[").strip()
        return OcrResult(target.read_bytes(), text, pdfa=done.returncode == 0)
