"""Server-rendered bar charts: geometry for templates/reports/_bar_chart.html (an SVG with
classes for colours, no inline style or script: the content security policy forbids them).
Every chart is drawn next to a table of the same numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 4, 12, 28
MAX_LABELS = 6


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str


@dataclass
class Chart:
    key: str
    title: str
    description: str
    series: list[str]
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, int]] = field(default_factory=list)  # (y, value)
    labels: list[tuple[float, str]] = field(default_factory=list)  # (x centre, text)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM

    @property
    def legend(self) -> list[tuple[int, str]]:
        return list(enumerate(self.series))


def nice_top(value: int) -> int:
    """A round axis maximum at or above `value` (at least 4)."""
    if value <= 4:
        return 4
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return int(math.ceil(top))
    return value


def bar_chart(
    key: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[str],
    values: list[list[int | None]],
) -> Chart:
    """Grouped vertical bars: values[category][series]; None draws nothing (suppressed)."""
    chart = Chart(key, title, description, series)
    top = nice_top(max((v or 0 for row in values for v in row), default=0))
    plot_h = chart.baseline - TOP
    plot_w = WIDTH - LEFT - RIGHT
    group = plot_w / max(len(categories), 1)
    bar_w = group * 0.8 / max(len(series), 1)
    for i in range(5):
        value = top * i // 4
        chart.ticks.append((chart.baseline - plot_h * value / top, value))
    every = max(1, math.ceil(len(categories) / MAX_LABELS))
    for c, (category, row) in enumerate(zip(categories, values, strict=True)):
        x0 = LEFT + c * group + group * 0.1
        if c % every == 0:
            chart.labels.append((LEFT + c * group + group / 2, category))
        for s, value in enumerate(row):
            if not value:
                continue
            height = plot_h * value / top
            chart.bars.append(
                Bar(
                    x=round(x0 + s * bar_w, 1),
                    y=round(chart.baseline - height, 1),
                    width=round(bar_w, 1),
                    height=round(height, 1),
                    series=s,
                    label=f"{category}, {series[s]}: {value}",
                )
            )
    return chart
