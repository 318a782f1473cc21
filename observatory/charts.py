"""Bar charts drawn on the server as SVG: each bar's label above it, its value at its end.

A chart never stands alone: the page puts its data table beside it, which is what screen readers read (the
SVG is an image with a title). A value hidden by the small-count rule gets no bar, only its "< 5".
"""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 400
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
GAP = 10
VALUE_ROOM = 70  # room kept right of the longest bar for its value


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden, no bar drawn
    text: str  # what is written at the end of the bar
    label_y: int = 0
    bar_y: int = 0
    length: float = 0.0

    @property
    def text_x(self) -> float:
        return round(self.length + 6, 1)


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    width: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float | None, str]]) -> BarChart:
    """rows: (label, value or None when hidden, text shown)."""
    top = max((value for _, value, _ in rows if value is not None), default=0.0)
    room = WIDTH - VALUE_ROOM
    bars = []
    y = 0
    for label, value, text in rows:
        length = 0.0 if value is None or top <= 0 else round(room * value / top, 1)
        if value and length < 1:
            length = 1.0  # a value is never invisible
        bars.append(Bar(label, value, text, y + LABEL_HEIGHT - 5, y + LABEL_HEIGHT, length))
        y += LABEL_HEIGHT + BAR_HEIGHT + GAP
    return BarChart(chart_id, title, bars, WIDTH, max(y, 1))
