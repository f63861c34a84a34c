"""Tiny server-rendered SVG bar charts (no JavaScript), with a text equivalent for screen readers."""

from __future__ import annotations

from html import escape


def bar_chart(title: str, bars: list[tuple[str, int]], *, width: int = 460, bar_h: int = 22) -> str:
    """Horizontal bars, labelled with their values; ``title`` becomes the accessible name."""
    if not bars:
        return f'<p class="muted">{escape(title)}: —</p>'
    label_w = min(140, max(len(label) for label, _ in bars) * 8 + 10)
    top = max(value for _, value in bars) or 1
    scale = (width - label_w - 50) / top
    height = len(bars) * (bar_h + 6) + 6
    rows = []
    for k, (label, value) in enumerate(bars):
        y = 6 + k * (bar_h + 6)
        rows.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" font-size="13" fill="#1a1a1a">{escape(label)}</text>'  # noqa: E501 - SVG markup reads best on one line
            f'<rect x="{label_w}" y="{y}" width="{max(value * scale, 1):.1f}" height="{bar_h}" fill="#0b3d91"/>'  # noqa: E501 - SVG markup reads best on one line
            f'<text x="{label_w + value * scale + 6:.1f}" y="{y + bar_h * 0.7:.0f}" font-size="13" fill="#1a1a1a">{value}</text>'  # noqa: E501 - SVG markup reads best on one line
        )
    desc = "; ".join(f"{label}: {value}" for label, value in bars)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}"><title>{escape(title)}: {escape(desc)}</title>'  # noqa: E501 - SVG markup reads best on one line
        + "".join(rows)
        + "</svg>"
    )
