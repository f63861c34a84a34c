"""Scans for the OCR tests: a page of Polish text drawn with Pillow (as a 300 dpi scan would be)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = ("Wniosek o wydanie zaświadczenia", "Proszę o wydanie zaświadczenia", "o niezaleganiu w podatkach.")


def page_png(lines: tuple[str, ...] = LINES) -> bytes:
    image = Image.new("L", (1700, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 56)
    for i, line in enumerate(lines):
        draw.text((120, 120 + i * 110), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def page_pdf(lines: tuple[str, ...] = LINES) -> bytes:
    image = Image.open(io.BytesIO(page_png(lines)))
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=300.0)
    return out.getvalue()
