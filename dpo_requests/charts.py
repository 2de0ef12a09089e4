"""Small bar charts as server-rendered SVG: no chart framework, no JavaScript. Each chart
comes with its figures as a table for screen readers (templates/backoffice/chart.html).

Python computes where each bar goes; templates/backoffice/stacked_bars.svg draws them.
"""

import dataclasses

PALETTE = ["#1f5fa8", "#c0392b", "#2e8b57", "#b8860b", "#6a5acd", "#555"]


@dataclasses.dataclass(frozen=True)
class Chart:
    title: str
    labels: list[str]
    series: list[tuple[str, list[int]]]

    @property
    def rows(self):
        return [
            (label, [values[i] for _, values in self.series]) for i, label in enumerate(self.labels)
        ]


@dataclasses.dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclasses.dataclass(frozen=True)
class Bar:
    """One label's stack of segments, with its label centred below it."""

    segments: list[Rect]
    label: str
    label_x: float


@dataclasses.dataclass(frozen=True)
class LegendItem:
    name: str
    fill: str
    x: int
    text_x: int
    y: int
    text_y: int


@dataclasses.dataclass(frozen=True)
class StackedBars:
    """Where everything goes, in the SVG's units (coordinates rounded to 0.1)."""

    title: str
    width: int
    height: int
    top: int
    top_y: int
    baseline: int
    axis_x: int
    label_y: int
    bars: list[Bar]
    legend: list[LegendItem]

    @property
    def view_height(self) -> int:
        """Room for every row of the legend below the bars."""
        return max([self.height, *(item.y for item in self.legend)]) + 20


def stacked_bars(chart: Chart, *, width: int = 640, height: int = 220) -> StackedBars:
    """Stacked vertical bars, one per label, with a legend."""
    pad_left, pad_bottom, pad_top = 30, 40, 10
    totals = [sum(values[i] for _, values in chart.series) for i in range(len(chart.labels))]
    top = max(totals + [1])
    slot = (width - pad_left) / max(len(chart.labels), 1)
    bar = slot * 0.6
    scale = (height - pad_bottom - pad_top) / top
    baseline = height - pad_bottom
    bars = []
    for i, label in enumerate(chart.labels):
        x = pad_left + i * slot + (slot - bar) / 2
        y, segments = baseline, []
        for colour, (_name, values) in zip(PALETTE, chart.series, strict=False):
            h = values[i] * scale
            if h:
                y -= h
                segments.append(Rect(_d(x), _d(y), _d(bar), _d(h), colour))
        bars.append(Bar(segments, label, _d(x + bar / 2)))
    return StackedBars(
        title=chart.title,
        width=width,
        height=height,
        top=top,
        top_y=pad_top + 4,
        baseline=baseline,
        axis_x=pad_left,
        label_y=baseline + 14,
        bars=bars,
        legend=_legend(chart, left=pad_left, width=width, top=height + 2),
    )


def _legend(chart: Chart, *, left: int, width: int, top: int) -> list[LegendItem]:
    """One entry per series, in rows that wrap at the chart's width (French names are
    longer: six kinds of request take two rows)."""
    legend, x, y = [], left, top
    for colour, (name, _values) in zip(PALETTE, chart.series, strict=False):
        # About 7 units per character of the 11-unit font, and a gap.
        item_width = 14 + 7 * len(str(name)) + 16
        if x > left and x + item_width - 16 > width:
            x, y = left, y + 16
        legend.append(LegendItem(name, colour, x, x + 14, y, y + 9))
        x += item_width
    return legend


def _d(value: float) -> float:
    """One decimal is finer than a pixel of the chart as shown."""
    return round(value, 1)
