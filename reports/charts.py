"""Charts for the what-if report: matplotlib figures serialised as inline SVG.

Greyscale-safe by construction: each series has its own marker and line style as well as its own colour
(Okabe-Ito, readable by colour-blind readers), bars have hatches, and every chart is accompanied by a
table of the numbers it draws. The SVG keeps its text as text (selectable, prints sharply) and carries no
timestamp, so the same numbers give the same bytes.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display here, ever
import matplotlib.axis  # noqa: E402  (after the backend choice)
import matplotlib.ticker  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Okabe-Ito colours; markers and dashes differ too, so a greyscale print still tells the series apart.
COLOURS = ("#000000", "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
DODGE = 0.12  # the x offset between series drawn side by side in one category
DASHES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)))
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "++", "ooo")
# The rule sets always look the same, whatever order a sweep lists them in.
RULESET_STYLE = {"mp105": 0, "mp105-option1": 2, "legacy": 1}


@dataclass(frozen=True)
class Series:
    """One line: a label, x values, means and 95% CI bounds (None where unknown)."""

    label: str
    x: Sequence[float]
    mean: Sequence[float | None]
    lo: Sequence[float | None]
    hi: Sequence[float | None]


@dataclass(frozen=True)
class Bar:
    label: str
    mean: float | None
    lo: float | None
    hi: float | None
    samples: Sequence[float] = ()  # per-replication values, drawn as dots over the bar


def style_index(label: str, position: int) -> int:
    """The style slot of a series: fixed for a known rule set, by position otherwise."""
    for ruleset, slot in sorted(RULESET_STYLE.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"(^|[^\w-]){re.escape(ruleset)}($|[^\w-])", label):
            return slot
    return position % len(COLOURS)


def line_panels(
    panels: Sequence[tuple[str, Sequence[Series]]],
    xlabel: str,
    *,
    ylabel: str = "",
    percent: bool = False,
    categories: Sequence[str] | None = None,
    chart_id: str,
    title: str,
) -> str:
    """One or more side-by-side panels of lines with 95% confidence bands, as an SVG string."""
    fig = Figure(figsize=(4.6 * len(panels) + 1.4, 3.9), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (panel_title, series) in zip(axes, panels):
        for position, s in enumerate(series):
            k = style_index(s.label, position)
            scale = 100.0 if percent else 1.0
            pts = [(x, m * scale, (lo if lo is not None else m) * scale, (hi if hi is not None else m) * scale)
                   for x, m, lo, hi in zip(s.x, s.mean, s.lo, s.hi) if m is not None]
            if not pts:
                continue
            xs, ms, los, his = zip(*pts)
            solo = categories is not None
            if solo and len(series) > 1:  # side by side within a category, so equal values stay visible
                xs = tuple(x + DODGE * (position - (len(series) - 1) / 2) for x in xs)
            ax.plot(xs, ms, color=COLOURS[k], marker=MARKERS[k], markersize=6, linewidth=1.8,
                    linestyle="none" if solo else DASHES[k], label=_text(s.label), zorder=3,
                    clip_on=False)  # a marker on the axis (a zero) drawn whole
            if solo or len(xs) == 1:
                ax.errorbar(xs, ms, yerr=[[m - lo for m, lo in zip(ms, los)], [hi - m for m, hi in zip(ms, his)]],
                            fmt="none", ecolor=COLOURS[k], capsize=4, linewidth=1.2, zorder=2)
            else:
                ax.fill_between(xs, los, his, color=COLOURS[k], alpha=0.13, linewidth=0, zorder=1)
                for bound in (los, his):
                    ax.plot(xs, bound, color=COLOURS[k], linestyle=DASHES[k], linewidth=0.6, alpha=0.7, zorder=2)
        ax.set_title(panel_title, fontsize=10)
        ax.set_xlabel(xlabel)
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_ylim(bottom=0)
        if categories is not None:
            ax.set_xticks(range(len(categories)), [_text(c) for c in categories], rotation=20, ha="right", fontsize=8)
        if percent:
            _percent_axis(ax.yaxis)
    if ylabel:
        axes[0].set_ylabel(ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    if labels:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), frameon=False, fontsize=9)
    return to_svg(fig, chart_id, title)


def bar_panel(bars: Sequence[Bar], *, xlabel: str, percent: bool = False, chart_id: str, title: str) -> str:
    """Horizontal bars (mean) with 95% CI whiskers and per-replication dots, as an SVG string."""
    fig = Figure(figsize=(6.4, 0.6 * len(bars) + 1.2), layout="constrained")
    ax = fig.subplots()
    scale = 100.0 if percent else 1.0
    for i, bar in enumerate(bars):
        y = len(bars) - 1 - i
        k = i % len(COLOURS)
        if bar.mean is None:
            continue
        mean = bar.mean * scale
        ax.barh(y, mean, height=0.55, color="white", edgecolor=COLOURS[k], hatch=HATCHES[(i % (len(HATCHES) - 1)) + 1],
                linewidth=1.4, zorder=2)
        if bar.lo is not None and bar.hi is not None:
            ax.errorbar(mean, y, xerr=[[mean - bar.lo * scale], [bar.hi * scale - mean]], fmt="none",
                        ecolor="#000000", capsize=5, linewidth=1.4, zorder=4)
        if bar.samples:
            ax.plot([v * scale for v in bar.samples], [y] * len(bar.samples), linestyle="none", marker=MARKERS[k],
                    markersize=5, markerfacecolor=COLOURS[k], markeredgecolor="white", alpha=0.9, zorder=5)
    ax.set_yticks(range(len(bars)), [_text(b.label) for b in reversed(bars)])
    ax.set_xlabel(xlabel)
    reach = max([0.0] + [v * scale for b in bars for v in (b.mean, b.hi, *b.samples) if v is not None])
    ax.set_xlim(0, reach * 1.25 if reach > 0 else 1.0)
    for i, bar in enumerate(bars):  # the mean written at the end of its bar: readable without the axis
        if bar.mean is not None:
            end = max(v * scale for v in (bar.mean, bar.hi, *bar.samples) if v is not None)
            value = bar.mean * scale
            text = f"{value:.2f} %" if percent else f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
            ax.annotate(text, (end, len(bars) - 1 - i), xytext=(6, 0), textcoords="offset points",
                        va="center", fontsize=9, fontweight="bold")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(6))
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if percent:
        _percent_axis(ax.xaxis)
    return to_svg(fig, chart_id, title)


def _percent_axis(axis: matplotlib.axis.Axis) -> None:
    """Percent ticks with as many decimals as the axis's range needs (0.1 %, 0.2 % ... on a narrow one,
    not 0 %, 0 %, 0 %); an axis whose data are all zero spans 0 - 1 %, so its ticks stay distinct."""
    if not axis.get_data_interval()[1] > 0:
        axis.set_view_interval(0.0, 1.0, ignore=True)
    axis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=None))


def histogram(edges: Sequence[float], counts: Sequence[float], *, xlabel: str, chart_id: str, title: str) -> str:
    """Counts per bin, one equal-width bar per bin labelled with its range: the bins widen (half an hour to
    days), and on a linear axis the short bins, where most restores fall, would be slivers."""
    fig = Figure(figsize=(6.4, 3.4), layout="constrained")
    ax = fig.subplots()
    positions = range(len(counts))
    ax.bar(positions, counts, width=0.85, color="#dddddd", edgecolor="#000000", hatch="///", linewidth=0.8)
    ax.set_xticks(list(positions), [f"{a:g}–{b:g}" for a, b in zip(edges[:-1], edges[1:])], rotation=45, ha="right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("devices")
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return to_svg(fig, chart_id, title)


# Each SRV looks the same in every panel and every report; hatches tell the layers apart in greyscale.
SRV_STYLE = {"11.1": 2, "11.3": 1, "11.2": 3, "8.2": 5, "2.2": 6}
AREA_HATCHES = ("", "///", "...", "\\\\\\", "xxx", "++", "ooo")


def stacked_hours(
    panels: Sequence[tuple[str, dict[str, Sequence[float]]]], *, ylabel: str, chart_id: str, title: str
) -> str:
    """Requests per hour stacked by SRV, one panel per point (a shared y axis, so panels compare), as
    an SVG string. Each value is an hour's bin [h, h + 1), drawn as a step."""
    fig = Figure(figsize=(min(4.6 * len(panels) + 1.4, 15.0), 3.6), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False, sharey=True)[0]
    for ax, (panel_title, layers) in zip(axes, panels):
        hours = max((len(v) for v in layers.values()), default=0)
        edges = list(range(hours + 1))
        base = [0.0] * hours
        for position, (srv, values) in enumerate(layers.items()):
            k = SRV_STYLE.get(srv, position % len(COLOURS))
            top = [b + v for b, v in zip(base, values)]
            ax.fill_between(edges, base + base[-1:], top + top[-1:], step="post", facecolor=COLOURS[k], alpha=0.55,
                            edgecolor=COLOURS[k], hatch=AREA_HATCHES[k % len(AREA_HATCHES)], linewidth=0.6,
                            label=f"SR {_text(srv)}")
            base = top
        if hours:
            peak = max(range(hours), key=lambda h: (base[h], -h))
            ax.annotate(f"peak: hour {peak}, {base[peak]:,.0f}", (peak + 0.5, base[peak]), xytext=(8, -2),
                        textcoords="offset points", fontsize=8, va="top")
            ax.set_xlim(0, hours)
        ax.set_title(_text(panel_title), fontsize=10)
        ax.set_xlabel("hours from the start")
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_ylim(bottom=0)
    axes[0].set_ylabel(ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    seen = dict(zip(labels, handles))
    for ax in axes[1:]:  # a layer missing from the first panel still gets its legend entry
        for handle, text in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(text, handle)
    if seen:
        fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=min(len(seen), 6), frameon=False,
                   fontsize=9)
    return to_svg(fig, chart_id, title)


def _text(label: str) -> str:
    """A label from a scenario file drawn as it is written: '$' would start matplotlib's mathtext."""
    return label.replace("$", r"\$")


def to_svg(fig: Figure, chart_id: str, title: str) -> str:
    """The figure as an <svg> element for inlining: no XML prolog, no date, ids unique to this chart."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart_id, "font.size": 9,
                                "font.family": ["DejaVu Sans", "sans-serif"]}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    # ids must be unique across the charts of one page: prefix them with the chart id
    svg = re.sub(r'id="([^"]+)"', rf'id="{chart_id}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{chart_id}-\1"', svg)
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{safe_title}" ', 1)
