"""Server-rendered charts: the geometry of simple SVG charts, drawn by templates.

Each bar or segment carries the URL of the list behind it, so every number on a
chart opens the records it counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERIES_CLASSES = 8  # static/css/app.css colours .series-0 … .series-7


@dataclass
class Bar:
    label: str
    value: int
    url: str
    css: str = ""
    y: float = 0.0
    length: float = 0.0  # in the chart's units
    value_x: float = 0.0


@dataclass
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    row: int

    @property
    def empty(self) -> bool:
        return all(b.value == 0 for b in self.bars)


def bars(items: list[Bar], *, width: int = 640, label_width: int = 230, row: int = 26) -> BarChart:
    """Horizontal bars scaled to the largest value, with room for the label before and the number after."""
    top = max((b.value for b in items), default=0) or 1
    room = width - label_width - 60
    for index, b in enumerate(items):
        b.y = index * row
        b.length = round(room * b.value / top, 1) if b.value else 0
        b.value_x = label_width + b.length + 6
        b.css = b.css or f"series-{index % SERIES_CLASSES}"
    return BarChart(bars=items, width=width, height=max(len(items), 1) * row, label_width=label_width, row=row)


@dataclass
class Segment:
    series: str
    value: int
    url: str
    x: float
    y: float
    width: float
    height: float
    css: str


@dataclass
class Column:
    label: str
    total: int
    url: str
    x: float
    segments: list[Segment] = field(default_factory=list)


@dataclass
class StackedChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    columns: list[Column]
    legend: list[tuple[str, str]]  # (name, css class)
    gridlines: list[tuple[float, int]]  # (y, value)

    @property
    def empty(self) -> bool:
        return all(c.total == 0 for c in self.columns)


def stacked_columns(
    *, labels: list[str], column_urls: list[str], series: list[tuple[str, list[int], list[str]]],
    width: int = 720, height: int = 240,
) -> StackedChart:
    """Columns (e.g. months) stacked by series (e.g. channels): series = [(name, values, urls)]."""
    left, right, top, bottom = 40, 10, 10, 30
    plot_height = height - top - bottom
    totals = [sum(values[i] for _, values, _ in series) for i in range(len(labels))]
    peak = max(totals, default=0) or 1
    step = _nice_step(peak)
    scale_top = step * -(-peak // step)
    slot = (width - left - right) / max(len(labels), 1)
    bar_width = slot * 0.7
    columns = []
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar_width) / 2
        column = Column(label=label, total=totals[i], url=column_urls[i], x=round(x + bar_width / 2, 1))
        y = top + plot_height
        for s_index, (name, values, urls) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_height * value / scale_top
            y -= h
            column.segments.append(Segment(
                series=name, value=value, url=urls[i], x=round(x, 1), y=round(y, 1), width=round(bar_width, 1),
                height=round(h, 1), css=f"series-{s_index % SERIES_CLASSES}",
            ))
        columns.append(column)
    gridlines = [
        (round(top + plot_height - plot_height * v / scale_top, 1), v) for v in range(0, scale_top + 1, step)
    ]
    return StackedChart(
        width=width, height=height, plot_top=top, plot_bottom=top + plot_height, columns=columns,
        legend=[(name, f"series-{i % SERIES_CLASSES}") for i, (name, _, _) in enumerate(series)],
        gridlines=gridlines,
    )


def _nice_step(peak: int) -> int:
    """A round step for about four gridlines."""
    raw = max(peak / 4, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude


def heat_class(value: int, peak: int) -> str:
    """One of six shades (heat-0 … heat-5) for a heat-map cell."""
    if not value or not peak:
        return "heat-0"
    return f"heat-{min(5, 1 + int(4 * value / peak))}"
