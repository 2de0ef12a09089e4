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
    legend_y: int
    legend_text_y: int
    bars: list[Bar]
    legend: list[LegendItem]

    @property
    def view_height(self) -> int:
        return self.height + 20


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
    legend, legend_x = [], pad_left
    for colour, (name, _values) in zip(PALETTE, chart.series, strict=False):
        legend.append(LegendItem(name, colour, legend_x, legend_x + 14))
        # About 7 units per character of the 11-unit font, and a gap.
        legend_x += 14 + 7 * len(str(name)) + 16
    return StackedBars(
        title=chart.title,
        width=width,
        height=height,
        top=top,
        top_y=pad_top + 4,
        baseline=baseline,
        axis_x=pad_left,
        label_y=baseline + 14,
        legend_y=height + 2,
        legend_text_y=height + 11,
        bars=bars,
        legend=legend,
    )


def _d(value: float) -> float:
    """One decimal is finer than a pixel of the chart as shown."""
    return round(value, 1)
