"""Small server-side SVG charts: an indicator's measured values against its baseline and target."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 320, 140, 44, 12, 12, 26


@dataclass(frozen=True)
class Point:
    on: date
    value: Decimal


def _fmt(value: Decimal) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def indicator_chart(
    *, title: str, points: list[Point], baseline: Decimal | None, target: Decimal | None, unit: str = ""
) -> str:
    """An SVG line of the values in time order, the target as a dashed line; the data table sits beside it."""
    values = [p.value for p in points] + [v for v in (baseline, target) if v is not None]
    if not values:
        return ""
    low, high = min(values + [Decimal(0)]), max(values)
    span = (high - low) or Decimal(1)
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM

    def y(value: Decimal) -> float:
        return PAD_TOP + float((high - value) / span) * plot_h

    def x(index: int) -> float:
        return PAD_LEFT + (plot_w * index / max(len(points) - 1, 1) if len(points) > 1 else plot_w / 2)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})} : voir le tableau des valeurs">',
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - PAD_RIGHT}" y2="{PAD_TOP + plot_h}" '
        'stroke="#4a4a4a" stroke-width="1"/>',
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 4}" text-anchor="end" font-size="10" fill="#1a1a1a">'
        f"{_fmt(high)}</text>",
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="10" fill="#1a1a1a">'
        f"{_fmt(low)}</text>",
    ]
    if target is not None:
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y(target):.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y(target):.1f}" '
            'stroke="#0b4f4a" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - PAD_RIGHT}" y="{y(target) - 3:.1f}" text-anchor="end" font-size="10" fill="#0b4f4a">'
            f"cible {_fmt(target)}{escape(' ' + unit if unit else '')}</text>"
        )
    if points:
        path = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
        parts.append(f'<polyline points="{path}" fill="none" stroke="#a4262c" stroke-width="2"/>')
        for i, p in enumerate(points):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="3" fill="#a4262c"/>')
        parts.append(f'<text x="{x(0):.1f}" y="{HEIGHT - 8}" font-size="10" fill="#1a1a1a">{points[0].on:%m/%Y}</text>')
        if len(points) > 1:
            parts.append(
                f'<text x="{x(len(points) - 1):.1f}" y="{HEIGHT - 8}" text-anchor="end" font-size="10" '
                f'fill="#1a1a1a">{points[-1].on:%m/%Y}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def progress(*, baseline: Decimal | None, target: Decimal | None, latest: Decimal | None) -> int | None:
    """How far from baseline to target the latest value is, in percent (can pass 100 or be negative)."""
    if baseline is None or target is None or latest is None or target == baseline:
        return None
    return int(round(100 * (latest - baseline) / (target - baseline)))
