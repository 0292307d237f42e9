"""Results charts of the council dashboard as static, accessible SVG.

Each function returns UTF-8 SVG bytes drawn with matplotlib's object API (``Figure`` and the
SVG canvas, never ``pyplot``); the page embeds them with ``<img alt=...>`` beside a data table.
Labels arrive translated; numbers go through the caller's ``format_number``. Okabe–Ito colours,
always paired with a hatch, marker shape or line style; near-black text on white, >= 10 pt,
kept as text (``svg.fonttype: none``). Identical input gives identical bytes.

rc parameters are process-global, and ``rc_context`` alone is not thread-safe: a lock
serialises rendering.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from statistics import fmean

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

__all__ = ["distribution_chart", "ipa_chart", "trend_chart"]

NumberFormat = Callable[[float], str]

TEXT = "#1a1a1a"  # 17:1 against white
MUTED = "#595959"  # axes and crosshair, 7:1 against white
GRID = "#d9d9d9"
#: Okabe–Ito without its yellow (too light against white); bars get a dark outline anyway.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
HATCHES = ("", "//", "\\\\", "xx", "--", "||", "++")  # line hatches: dots bloat the SVG
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", ":", "-.")
#: Marker and colour per IPA quadrant: top-left, top-right, bottom-left, bottom-right.
QUADRANT_STYLES = (("^", "#D55E00"), ("o", "#009E73"), ("s", "#0072B2"), ("D", "#E69F00"))

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "ikzsurvey-charts",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": 11,
    "text.parse_math": False,  # a "$" in a label is a dollar sign, not mathtext
    "text.color": TEXT, "axes.labelcolor": TEXT, "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT, "axes.edgecolor": MUTED, "xtick.color": MUTED,
    "ytick.color": MUTED, "figure.facecolor": "white", "axes.facecolor": "white",
    "legend.frameon": False, "hatch.linewidth": 0.8,
}
_METADATA = {"Date": None, "Creator": None}  # no timestamp, no library version
_LOCK = threading.Lock()


def _default_format(value: float) -> str:
    return f"{value:.1f}"


def _present(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


@contextmanager
def _style() -> Iterator[None]:
    with _LOCK, rc_context(_RC):
        yield


def _svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasSVG(fig).print_svg(buffer, metadata=_METADATA)
    return buffer.getvalue()


def _figure(title: str, width: float, height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.suptitle(_wrap(title, 70), x=0.02, ha="left", fontsize=13, fontweight="bold")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)
    return fig, ax


def _legend_columns(labels: Sequence[str]) -> int:
    """Up to four columns of short labels; long labels get fewer, so none overflows."""
    longest = max((len(label) for label in labels), default=0)
    return max(1, min(len(labels), 4, 90 // max(longest + 6, 1)))


def _legend_rows(labels: Sequence[str]) -> int:
    return -(-len(labels) // _legend_columns(labels)) if labels else 0


def _legend(ax: Axes, handles: Sequence[Artist], count: int, **kwargs: float) -> None:
    """A legend in rows above the plot, below the title (inside the constrained layout)."""
    labels = [handle.get_label() for handle in handles]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.02), borderaxespad=0,
              ncols=_legend_columns(labels), **kwargs)


def _empty(title: str, empty_text: str) -> bytes:
    """A small chart that only says there is nothing to show."""
    fig = Figure(figsize=(6, 1.2))
    fig.text(0.5, 0.68, _wrap(title, 70), ha="center", va="center", fontsize=13,
             fontweight="bold", gid="title")
    fig.text(0.5, 0.3, empty_text, ha="center", va="center", gid="empty")
    return _svg(fig)


def distribution_chart(
    options: Sequence[str],
    shares: Sequence[Sequence[float | None]],
    series: Sequence[str],
    *,
    title: str,
    format_number: NumberFormat = _default_format,
    x_label: str = "%",
    empty_text: str = "—",
) -> bytes:
    """Horizontal grouped bars: per answer option one bar per series, share in percent.

    ``shares[i][j]`` is the share (0–100) of option ``options[i]`` in series ``series[j]``;
    ``None`` (a suppressed group) draws neither bar nor label. Options run top to bottom in
    the given order, each bar is labelled with ``format_number(share)``, series differ in
    colour *and* hatch, and a legend appears only for more than one series.
    """
    if len(shares) != len(options) or any(len(row) != len(series) for row in shares):
        raise ValueError("shares needs one row per option with one value per series")
    with _style():
        values = [v for row in shares for v in row if _present(v)]
        if not values:
            return _empty(title, empty_text)
        labels = [_wrap(option, 28) for option in options]
        lines = max(label.count("\n") + 1 for label in labels)
        slot = max(0.3 * len(series), 0.2 * lines) + 0.25  # inches per option
        legend = len(series) > 1
        rows = _legend_rows(list(series)) if legend else 0
        fig, ax = _figure(title, 7.5, 1.4 + len(options) * slot + 0.35 * rows)
        height = 0.8 / len(series)
        handles = []
        for j, name in enumerate(series):
            look = {"facecolor": PALETTE[j % len(PALETTE)], "hatch": HATCHES[j % len(HATCHES)],
                    "edgecolor": TEXT, "linewidth": 0.6}
            handles.append(Patch(label=name, **look))
            for i, row in enumerate(shares):
                if not _present(row[j]):
                    continue
                y = i - 0.4 + (j + 0.5) * height
                ax.barh(y, row[j], height=height, gid=f"bar-{i}-{j}", **look)
                ax.annotate(format_number(row[j]), (row[j], y), xytext=(4, 0),
                            textcoords="offset points", va="center", fontsize=10,
                            gid=f"value-{i}-{j}")
        ax.set_yticks(range(len(options)), labels)
        ax.set(ylim=(len(options) - 0.5, -0.5), xticks=range(0, 101, 20), xlabel=x_label,
               xlim=(0, max(112.0, max(values) * 1.12)))  # first option on top; room for labels
        ax.spines.bottom.set_bounds(0, 100)
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        ax.tick_params(axis="y", length=0)
        if legend:
            _legend(ax, handles, len(series))
        return _svg(fig)


def ipa_chart(
    points: Sequence[tuple[str, float, float]],
    *,
    x_label: str,
    y_label: str,
    quadrant_labels: tuple[str, str, str, str],
    scale: tuple[float, float] = (1, 5),
    cross: tuple[float, float] | None = None,
    title: str,
    empty_text: str = "—",
) -> bytes:
    """Importance–performance quadrant chart.

    Each point is ``(label, performance, importance)``: performance on the x axis,
    importance on the y axis, both limited to ``scale``. The crosshair sits at ``cross``
    (x, y), by default at the means of the points; a point on a crosshair line counts as
    high. ``quadrant_labels`` name the corners in the order top-left (focus here),
    top-right (keep up the good work), bottom-left (low priority), bottom-right (possible
    overkill); each quadrant's points have their own marker shape and colour.
    """
    with _style():
        if not points:
            return _empty(title, empty_text)
        low, high = scale
        margin = (high - low) * 0.08
        if cross is None:
            cross = (fmean(p[1] for p in points), fmean(p[2] for p in points))
        cx, cy = cross
        fig, ax = _figure(title, 7.5, 6.5)
        limits = (low - margin, high + margin)
        ax.set(xlim=limits, ylim=limits, xlabel=x_label, ylabel=y_label)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(color=GRID, linewidth=0.8)
        ax.axvline(cx, color=MUTED, linestyle="--", linewidth=1.2, zorder=1, gid="cross-x")
        ax.axhline(cy, color=MUTED, linestyle="--", linewidth=1.2, zorder=1, gid="cross-y")
        corners = ((0.02, 0.98, "left", "top"), (0.98, 0.98, "right", "top"),
                   (0.02, 0.02, "left", "bottom"), (0.98, 0.02, "right", "bottom"))
        for q, ((x, y, ha, va), label) in enumerate(zip(corners, quadrant_labels, strict=True)):
            ax.text(x, y, _wrap(label, 24), transform=ax.transAxes, ha=ha, va=va,
                    fontsize=10, fontstyle="italic", zorder=2, gid=f"quadrant-{q}",
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        for k, (label, performance, importance) in enumerate(points):
            q = (0 if importance >= cy else 2) + (1 if performance >= cx else 0)
            marker, colour = QUADRANT_STYLES[q]
            ax.plot([performance], [importance], linestyle="none", marker=marker,
                    markersize=9, color=colour, markeredgecolor=TEXT, markeredgewidth=0.8,
                    zorder=3, gid=f"point-{k}")
            leftwards = performance > low + 0.75 * (high - low)  # keep labels inside
            ax.annotate(label, (performance, importance), xytext=(-7 if leftwards else 7, 4),
                        textcoords="offset points", ha="right" if leftwards else "left",
                        va="bottom", fontsize=10, zorder=4, gid=f"label-{k}")
        return _svg(fig)


def trend_chart(
    waves: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    y_label: str,
    y_range: tuple[float, float] | None = None,
    title: str,
    format_number: NumberFormat = _default_format,
    empty_text: str = "—",
) -> bytes:
    """Line chart over survey waves: one line per ``(name, values)`` series.

    ``values[i]`` belongs to ``waves[i]``; ``None`` leaves a gap (no interpolation across
    it). Lines differ in colour, marker shape and line style; every point is labelled with
    ``format_number(value)``, which also formats the y ticks. A legend appears only for more
    than one series.
    """
    if any(len(values) != len(waves) for _, values in series):
        raise ValueError("every series needs one value per wave")
    with _style():
        present = [v for _, values in series for v in values if _present(v)]
        if not present:
            return _empty(title, empty_text)
        legend = len(series) > 1
        rows = _legend_rows([name for name, _ in series]) if legend else 0
        fig, ax = _figure(title, max(7.5, 2.5 + 1.3 * len(waves)), 4.5 + 0.35 * rows)
        xs = range(len(waves))
        for j, (name, values) in enumerate(series):
            ys = [v if _present(v) else math.nan for v in values]  # NaN breaks the line
            ax.plot(xs, ys, label=name, color=PALETTE[j % len(PALETTE)], linewidth=2,
                    linestyle=LINESTYLES[j % len(LINESTYLES)], marker=MARKERS[j % len(MARKERS)],
                    markersize=8, markeredgecolor=TEXT, markeredgewidth=0.8, gid=f"line-{j}")
        for i in xs:  # highest value labelled above, lowest below, any others to the right
            column = sorted(((values[i], j) for j, (_, values) in enumerate(series)
                             if _present(values[i])), reverse=True)
            for rank, (value, j) in enumerate(column):
                if rank == 0:
                    offset, ha, va = (0, 8), "center", "bottom"
                elif rank == len(column) - 1:
                    offset, ha, va = (0, -9), "center", "top"
                else:
                    offset, ha, va = (9, 0), "left", "center"
                ax.annotate(format_number(value), (i, value), xytext=offset,
                            textcoords="offset points", ha=ha, va=va, fontsize=10,
                            gid=f"value-{i}-{j}")
        low, high = y_range or (min(present), max(present))
        if y_range is None and high - low < 1:  # keep one-decimal tick labels distinct
            low, high = (low + high - 1) / 2, (low + high + 1) / 2
        pad = (high - low) * 0.1
        ax.set(ylim=(low - pad, high + pad), xlim=(-0.5, len(waves) - 0.5), ylabel=y_label)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
        ax.set_xticks(xs, [_wrap(wave, 14) for wave in waves])
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        if legend:
            _legend(ax, ax.get_lines(), len(series), handlelength=3)
        return _svg(fig)
