"""Small bar charts as server-rendered SVG: no chart framework, no JavaScript. Each chart
comes with its figures as a table for screen readers (templates/backoffice/chart.html)."""

import dataclasses

from django.utils.html import escape

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


def stacked_bars_svg(chart: Chart, *, width: int = 640, height: int = 220) -> str:
    """Stacked vertical bars, one per label, with a legend."""
    pad_left, pad_bottom, pad_top = 30, 40, 10
    totals = [sum(values[i] for _, values in chart.series) for i in range(len(chart.labels))]
    top = max(totals + [1])
    slot = (width - pad_left) / max(len(chart.labels), 1)
    bar = slot * 0.6
    scale = (height - pad_bottom - pad_top) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 20}" '
        f'role="img" aria-label="{escape(chart.title)}" class="chart">'
    ]
    parts.append(f'<text x="0" y="{pad_top + 4}" font-size="11">{top}</text>')
    parts.append(
        f'<line x1="{pad_left}" y1="{height - pad_bottom}" x2="{width}" y2="{height - pad_bottom}" stroke="#888"/>'
    )
    for i, label in enumerate(chart.labels):
        x = pad_left + i * slot + (slot - bar) / 2
        y = height - pad_bottom
        for colour, (_name, values) in zip(PALETTE, chart.series, strict=False):
            h = values[i] * scale
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>'
                )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - pad_bottom + 14}" font-size="10" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    legend_x = pad_left
    for colour, (name, _values) in zip(PALETTE, chart.series, strict=False):
        parts.append(
            f'<rect x="{legend_x}" y="{height + 2}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="{height + 11}" font-size="11">{escape(name)}</text>'
        )
        legend_x += 14 + 7 * len(str(name)) + 16
    parts.append("</svg>")
    return "".join(parts)
