"""Inline SVG charts for the monitoring report: no script, no external resources, so the
HTML file prints and archives as it is."""

from __future__ import annotations

from html import escape

PALETTE = ("#1f5fa8", "#d9822b", "#2e8b57", "#b23a48", "#7a5195", "#5c6f7f", "#c9a227", "#3a9fbf")
FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif"'


def bar_chart(title: str, rows: list[tuple[str, int]], width: int = 640, color: str = PALETTE[0]) -> str:
    """Horizontal bars, one per (label, value), largest first as given."""
    bar_h, gap, label_w, top = 20, 6, 190, 30
    height = top + len(rows) * (bar_h + gap) + 10
    peak = max((v for _, v in rows), default=0) or 1
    span = width - label_w - 60
    parts = [
        f'<svg class="chart bar" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(1, round(span * value / peak))
        short = label if len(label) <= 16 else label[:15] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
            f'<rect class="bar" x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{color}" rx="2"/>'
            f'<text x="{label_w + w + 5}" y="{y + 15}" font-size="12">{value}</text>'
        )
    if not rows:
        parts.append(f'<text x="{label_w}" y="{top + 14}" font-size="12" fill="#777">无数据</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, labels: list[str], series: dict[str, list[int]], width: int = 640, height: int = 260) -> str:
    """One polyline per series over the x labels (runs in time order)."""
    left, right, top, bottom = 48, 16, 44, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for values in series.values() for v in values), default=0) or 1
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [
        f'<svg class="chart line" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" {FONT}>',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
    ]
    for tick in sorted({0, peak // 2, peak}):
        parts.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end">{tick}</text>'
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#ddd"/>'
        )
    step = max(1, n // 8)
    for i, label in enumerate(labels):
        if i % step == 0 or i == n - 1:
            anchor = "middle" if n == 1 or 0 < i < n - 1 else ("start" if i == 0 else "end")
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" font-size="10" text-anchor="{anchor}">'
                f"{escape(label)}</text>"
            )
    for k, (name, values) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        if n > 1:
            parts.append(f'<polyline class="series" points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(values):
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}">'
                f"<title>{escape(name)} {v}</title></circle>"
            )
        lx = left + k * 150
        parts.append(
            f'<rect x="{lx}" y="{height - 18}" width="12" height="12" fill="{color}"/>'
            f'<text x="{lx + 16}" y="{height - 8}" font-size="12">{escape(name)}</text>'
        )
    if not labels:
        parts.append(f'<text x="{left + 10}" y="{top + 20}" font-size="12" fill="#777">无数据</text>')
    parts.append("</svg>")
    return "".join(parts)
