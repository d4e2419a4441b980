#!/usr/bin/python3
"""The report of a sel4bridge-bench run: one self-contained HTML file (inline SVG plots, inline
CSS, no script, no network) with the run metadata, the targets and ratios, and per task a CDF and
a histogram of the bridge beside its raw baseline, then the Linux baselines.

usage: report.py [RESULTS_JSON] [--out DIR]
Reads results/latest.json by default; writes DIR/<run_id>.html and DIR/latest.html, DIR being the
results file's own directory unless --out is given. Standard library only.
"""
import argparse
import html
import json
import math
import os
import sys

BRIDGE_COLOUR = "#c0392b"
BASELINE_COLOUR = "#2471a3"
LINUX_COLOURS = ["#7d3c98", "#1e8449", "#b9770e", "#566573", "#17a589", "#a04000", "#2e4053",
                 "#af601a"]
STATS = ["n", "min", "p50", "p90", "p95", "p99", "p999", "max", "mean", "stddev"]
STAT_LABEL = {"p999": "p99.9"}

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto;
       max-width: 1320px; color: #1c2833; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px;
     border-bottom: 1px solid #d5d8dc; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d5d8dc; padding: 3px 6px; text-align: right; }
th { background: #f4f6f7; } td.l, th.l { text-align: left; }
.meta td { text-align: left; } .meta th { text-align: left; width: 200px; }
.met { color: #1e8449; font-weight: 600; } .notmet { color: #c0392b; font-weight: 600; }
.na { color: #7f8c8d; } .bad { background: #fdedec; }
.inconclusive { color: #b9770e; font-weight: 600; } .loaded { color: #b9770e; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; }
.note { color: #566573; font-size: 13px; }
.task { border: 1px solid #e5e8e8; border-radius: 6px; padding: 4px 16px 12px; margin: 16px 0; }
#summary { font-size: 13px; } #summary td { white-space: nowrap; }
code { background: #f4f6f7; padding: 0 3px; }
"""


def esc(x):
    return html.escape(str(x), quote=True)


def fmt(v, unit=None):
    if v is None:
        return "–"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.1f}"
    return f"{int(v):,}"


def to_ns(v, hz):
    return None if v is None or not hz else v * 1e9 / hz


# ---------------------------------------------------------------- SVG plots (log x axis)

class LogAxis:
    def __init__(self, lo, hi, x0, x1):
        lo = max(lo, 1.0)
        hi = max(hi, lo * 1.5)
        self.lo, self.hi = math.log10(lo) - 0.02, math.log10(hi) + 0.02
        self.x0, self.x1 = x0, x1

    def __call__(self, v):
        v = math.log10(max(v, 1.0))
        return self.x0 + (v - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)

    def ticks(self):
        out = []
        for e in range(math.floor(self.lo), math.ceil(self.hi) + 1):
            for m in (1, 2, 5):
                v = m * 10 ** e
                if self.lo <= math.log10(v) <= self.hi:
                    out.append(v)
        return out


def tick_label(v):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def svg_frame(w, h, title, xlabel, ylabel, axis, yticks):
    left, top, bottom = 56, 26, h - 38
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{w / 2}" y="16" text-anchor="middle" font-size="12" '
             f'font-weight="bold">{esc(title)}</text>']
    for v in axis.ticks():
        x = axis(v)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#eaeded"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">'
                     f'{tick_label(v)}</text>')
    for frac, label in yticks:
        y = bottom - frac * (bottom - top)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{axis.x1}" y2="{y:.1f}" '
                     f'stroke="#eaeded"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    parts.append(f'<rect x="{left}" y="{top}" width="{axis.x1 - left}" height="{bottom - top}" '
                 f'fill="none" stroke="#99a3a4"/>')
    parts.append(f'<text x="{(left + axis.x1) / 2}" y="{h - 6}" text-anchor="middle">'
                 f'{esc(xlabel)}</text>')
    parts.append(f'<text x="12" y="{(top + bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {(top + bottom) / 2})">{esc(ylabel)}</text>')
    return parts, left, top, bottom


def legend(parts, series, x, y):
    for i, (name, colour, _) in enumerate(series):
        yy = y + 14 * i
        parts.append(f'<rect x="{x}" y="{yy - 8}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{yy + 1}">{esc(name)}</text>')


def value_range(series, xmax=None):
    """The x range: from the smallest bucket to the largest, or to @xmax when given (the plots
    end a little past p99.9 so that a few huge outliers do not squash the distribution)."""
    los = [b["lo"] for _, _, h in series for b in h]
    his = [b["hi"] for _, _, h in series for b in h]
    if not los:
        return 1, 10
    hi = max(his) if xmax is None else min(max(his), xmax)
    return min(los), max(hi, min(los) * 1.5)


def cdf_svg(title, xlabel, series, w=540, h=270, xmax=None):
    """series: [(name, colour, histogram)]. The CDF at each bucket's upper edge."""
    lo, hi = value_range(series, xmax)
    axis = LogAxis(lo, hi, 56, w - 12)
    yt = [(f, f"{f:.2g}") for f in (0, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0)]
    parts, left, top, bottom = svg_frame(w, h, title, xlabel, "fraction of samples ≤ x", axis,
                                         [(f, l) for f, l in yt if f not in (0.9, 0.99)])
    for f in (0.99,):
        y = bottom - f * (bottom - top)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{axis.x1}" y2="{y:.1f}" '
                     f'stroke="#d5d8dc" stroke-dasharray="3,3"/>')
        parts.append(f'<text x="{axis.x1 - 2}" y="{y - 3:.1f}" text-anchor="end" '
                     f'fill="#7f8c8d">p99</text>')
    for name, colour, hist in series:
        total = sum(b["count"] for b in hist)
        if not total:
            continue
        pts, cum = [], 0
        pts.append((axis(hist[0]["lo"]), bottom))
        for b in hist:
            if b["lo"] > hi:
                break
            y_before = bottom - cum / total * (bottom - top)
            cum += b["count"]
            y_after = bottom - cum / total * (bottom - top)
            pts.append((axis(b["lo"]), y_before))
            pts.append((axis(min(b["hi"], hi)), y_after))
        d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
    legend(parts, series, left + 8, top + 14)
    parts.append("</svg>")
    return "\n".join(parts)


def legend_x(axis, series):
    """Top right, clear of a distribution that rises on the left."""
    longest = max((len(name) for name, _, _ in series), default=8)
    return axis.x1 - 20 - 6.5 * longest


def hist_svg(title, xlabel, series, w=540, h=270, xmax=None):
    """Bars of each bucket's share of its series' samples (log-linear buckets)."""
    lo, hi = value_range(series, xmax)
    axis = LogAxis(lo, hi, 56, w - 12)
    # Each series' total once; an empty series (no samples) draws no bars.
    totals = [sum(b["count"] for b in hist) for _, _, hist in series]
    peak = max((b["count"] / total for (_, _, hist), total in zip(series, totals) if total
                for b in hist), default=1.0)
    peak = max(peak, 1e-9)
    ticks = [(f / peak, f"{f:.0%}") for f in (0, peak / 2, peak)]
    parts, left, top, bottom = svg_frame(w, h, title, xlabel, "share of samples", axis,
                                         [(min(t, 1.0), l) for t, l in ticks])
    for (name, colour, hist), total in zip(series, totals):
        if not total:
            continue
        for b in hist:
            if b["lo"] > hi:
                break
            x0, x1 = axis(b["lo"]), axis(min(b["hi"], hi))
            frac = b["count"] / total / peak
            y = bottom - frac * (bottom - top)
            parts.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 0.8):.1f}" '
                         f'height="{bottom - y:.1f}" fill="{colour}" fill-opacity="0.55"/>')
    legend(parts, series, legend_x(axis, series), top + 14)
    parts.append("</svg>")
    return "\n".join(parts)


# ---------------------------------------------------------------- HTML sections

def params_text(p):
    return ", ".join(f"{k}={v}" for k, v in (p or {}).items()) or "–"


def unit_text(u):
    return {"cycles": "cycles", "ns": "ns", "req_per_s": "requests/s"}.get(u, u)


def verdict_of(t):
    """yes / no / inconclusive / not_judged; documents from before verdicts had only met."""
    v = t.get("verdict")
    if v:
        return v
    if t["met"] is None:
        return "not_judged"
    return "yes" if t["met"] else "no"


def verdict_html(t, loaded=False):
    v = verdict_of(t)
    basis = t.get("verdict_basis")
    mark = ""
    if (loaded or t.get("loaded_machine")) and basis == "cycles" and v != "not_judged":
        mark = (' <span class="loaded" title="measured on a loaded machine: the cycle samples '
                'time waits for a CPU">(loaded machine; the interval alone: '
                f'{esc(t.get("cycles_verdict", "–"))})</span>')
    if v == "yes":
        text = '<span class="met">met</span>'
    elif v == "no":
        text = '<span class="notmet">NOT met</span>'
    elif v == "inconclusive":
        text = '<span class="inconclusive">inconclusive</span>'
    elif t["status"] == "failed":
        return '<span class="notmet">FAILED: not measured</span>'
    elif t["status"] != "measured":
        return '<span class="na">not measured</span>'
    else:
        return '<span class="na">not judged</span>'
    if basis == "instructions":
        text += ' <span class="note">by instructions</span>'
    return text + mark


def met_cell(t, loaded=False):
    return f'<td class="l">{verdict_html(t, loaded)}</td>'


def interval_text(t):
    iv = t.get("interval")
    if not iv:
        return "–"
    return f'[{iv["lo"]:.3f}, {iv["hi"]:.3f}]'


def icount_text(t):
    ic = t.get("instructions")
    if not ic:
        return "–"
    return f'{ic["ratio"]:.3f} <span class="note">({ic["bridge"]:,.0f} / {ic["baseline"]:,.0f})</span>'


def loaded_of(doc):
    m = doc.get("machine")
    return bool(m and m.get("loaded"))


def target_text(t):
    g = t["target"]
    if g["kind"] == "ratio":
        return f'ratio ≤ {g["ratio_max"]:g}'
    return f'{g["bound_stat"]} ≤ {fmt(g["bound_max"])} {unit_text(g.get("bound_unit"))}'


def correctness_text(c):
    if not c:
        return "–"
    bad = [f"{k} {c[k]}" for k in ("violations", "lost", "duplicated", "errors") if c.get(k)]
    return ("<b>" + ", ".join(bad) + "</b>") if bad else f'ok ({c.get("checks", 0):,} checks)'


def short_correctness(*counters):
    bad = [f"{k} {c[k]}" for c in counters if c
           for k in ("violations", "lost", "duplicated", "errors") if c.get(k)]
    return ("<b>" + ", ".join(bad) + "</b>") if bad else "ok"


def summary_table(doc):
    hz = doc["timer_hz"]
    rows = []
    for i, t in enumerate(doc["tasks"]):
        b = t["baseline"]
        s, bs = t["stats"], b["stats"]
        u = t["unit"]

        def cells(st, m):
            if not st:
                what = m["status"].replace("_", " ")
                return f'<td class="na" colspan="3">{esc(what)}</td>'
            return "".join(f"<td>{fmt(st[k])}</td>" for k in ("p50", "p95", "p99"))

        ns = ""
        if u == "cycles" and bs:
            ns = f' <span class="note">({to_ns(bs["p50"], hz):,.0f} ns)</span>'
        by = (t["params"] or {}).get("bytes")
        if u == "req_per_s" and by and s and bs:
            # Values of `bytes` bytes per request: the same p50s as megabytes per second.
            ns = (f' <span class="note">(p50 {s["p50"] * by / 1e6:,.0f} MB/s beside'
                  f' {bs["p50"] * by / 1e6:,.0f} MB/s)</span>')
        ratio = "–" if t["overhead_ratio"] is None else f'{t["overhead_ratio"]:.3f}'
        bad = short_correctness(t["correctness"], b.get("correctness")) != "ok"
        rows.append(
            f'<tr{" class=bad" if bad else ""}><td class="l"><a href="#task-{i}">{esc(t["name"])}'
            f' / {esc(t["variant"])}</a> <span class="note">{esc(params_text(t["params"]))} '
            f'{esc(unit_text(u))}</span></td>'
            f'{cells(s, t)}<td class="l">{esc(b["name"])}{ns}</td>{cells(bs, b)}<td>{ratio}</td>'
            f'<td>{interval_text(t)}</td><td>{icount_text(t)}</td>'
            f'<td class="l">{esc(target_text(t))}</td>{met_cell(t, loaded_of(doc))}'
            f'<td class="l">{short_correctness(t["correctness"], b.get("correctness"))}'
            f'{budget_note(t)}</td></tr>')
    head = ('<tr><th class="l" rowspan="2">task / variant</th>'
            '<th colspan="3">bridge</th><th class="l" rowspan="2">baseline</th>'
            '<th colspan="3">baseline</th><th rowspan="2">ratio</th>'
            '<th rowspan="2">95% interval</th><th rowspan="2">instructions ratio</th>'
            '<th class="l" rowspan="2">target</th><th class="l" rowspan="2">met</th>'
            '<th class="l" rowspan="2">checks</th></tr>'
            '<tr><th>p50</th><th>p95</th><th>p99</th><th>p50</th><th>p95</th><th>p99</th></tr>')
    return f'<table id="summary">{head}{"".join(rows)}</table>'


def budget_note(t):
    b = t["baseline"]
    if not (t.get("budget_limited") or b.get("budget_limited")):
        return ""
    st = t.get("stats") or b.get("stats") or {}
    planned = t.get("n_planned") or b.get("n_planned")
    return (f' <span class="loaded">time budget: n {fmt(st.get("n"))} of {fmt(planned)}'
            '</span>')


def ratio_svg(doc, w=900):
    """Every task's ratio as a point with its interval as a bar, on a log axis, beside a tick
    for its target; the instruction ratio, where counted, as a diamond."""
    rows = [t for t in doc["tasks"] if t.get("overhead_ratio") is not None]
    if not rows:
        return ""
    row_h, top, left, right = 22, 30, 210, w - 20
    h = top + row_h * len(rows) + 40
    vals = []
    for t in rows:
        iv = t.get("interval") or {}
        vals += [t["overhead_ratio"], iv.get("lo", t["overhead_ratio"]),
                 iv.get("hi", t["overhead_ratio"])]
        if t["target"]["kind"] == "ratio":
            vals.append(t["target"]["ratio_max"])
        if t.get("instructions"):
            vals.append(t["instructions"]["ratio"])
    # A log scale: only positive values place it; anything else is drawn at the left edge.
    vals = [v for v in vals if v and v > 0] or [1.0]
    lo, hi = math.log10(min(vals) / 1.3), math.log10(max(vals) * 1.3)

    def x(v):
        if not v or v <= 0:
            return left
        return left + (math.log10(v) - lo) / (hi - lo) * (right - left)

    parts = [f'<svg id="ratio-plot" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{w / 2}" y="16" text-anchor="middle" font-size="12" font-weight="bold">'
             'Ratio bridge / baseline: median of the pairs (dot), 95% interval (bar), target '
             '(red tick), instructions (diamond)</text>']
    bottom = top + row_h * len(rows)
    for e in range(math.floor(lo), math.ceil(hi) + 1):
        for mant in (1, 2, 5):
            v = mant * 10 ** e
            if lo <= math.log10(v) <= hi:
                parts.append(f'<line x1="{x(v):.1f}" y1="{top}" x2="{x(v):.1f}" y2="{bottom}" '
                             f'stroke="{"#99a3a4" if v == 1 else "#eaeded"}"/>')
                parts.append(f'<text x="{x(v):.1f}" y="{bottom + 14}" text-anchor="middle">'
                             f'{v:g}</text>')
    for i, t in enumerate(rows):
        y = top + row_h * i + row_h / 2
        colour = {"yes": "#1e8449", "no": "#c0392b"}.get(verdict_of(t), "#b9770e")
        label = f'{t["name"]}/{t["variant"]} {params_text(t["params"])}'
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{esc(label)}</text>')
        iv = t.get("interval")
        if iv:
            parts.append(f'<line x1="{x(iv["lo"]):.1f}" y1="{y:.1f}" x2="{x(iv["hi"]):.1f}" '
                         f'y2="{y:.1f}" stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<circle cx="{x(t["overhead_ratio"]):.1f}" cy="{y:.1f}" r="4" '
                     f'fill="{colour}"/>')
        if t["target"]["kind"] == "ratio":
            tx = x(t["target"]["ratio_max"])
            parts.append(f'<line x1="{tx:.1f}" y1="{y - 8:.1f}" x2="{tx:.1f}" y2="{y + 8:.1f}" '
                         'stroke="#c0392b" stroke-width="2"/>')
        ic = t.get("instructions")
        if ic:
            cx = x(ic["ratio"])
            parts.append(f'<path d="M{cx:.1f},{y - 6:.1f} L{cx + 5:.1f},{y:.1f} L{cx:.1f},'
                         f'{y + 6:.1f} L{cx - 5:.1f},{y:.1f} Z" fill="none" stroke="#1c2833"/>')
    parts.append(f'<text x="{(left + right) / 2}" y="{h - 6}" text-anchor="middle">ratio (log '
                 'scale; above 1 the bridge costs more)</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def stats_table(columns, unit, hz):
    """columns: [(label, measurement)]"""
    head = "<tr><th class='l'>statistic</th>" + "".join(
        f"<th>{esc(label)}</th>" for label, _ in columns) + "</tr>"
    rows = []
    for k in STATS:
        cells = []
        for _, m in columns:
            st = m.get("stats")
            v = st.get(k) if st else None
            extra = ""
            if v is not None and unit == "cycles" and k not in ("n",):
                extra = f' <span class="note">{to_ns(v, hz):,.0f} ns</span>'
            cells.append(f"<td>{fmt(v)}{extra}</td>")
        rows.append(f"<tr><th class='l'>{STAT_LABEL.get(k, k)}</th>{''.join(cells)}</tr>")
    cells = []
    for _, m in columns:
        cnt = m.get("outlier_count")
        cells.append(f"<td>{fmt(cnt)}</td>")
    rows.append(f"<tr><th class='l'>outliers</th>{''.join(cells)}</tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def outliers_text(m, limit=12):
    o = m.get("outliers") or []
    if not o:
        return ""
    shown = ", ".join(f"#{x['index']}: {fmt(x['value'])}" for x in o[:limit])
    more = m.get("outlier_count", len(o)) - min(len(o), limit)
    return (f'<p class="note">{esc(m.get("implementation", m["name"]))} outliers '
            f'(sample index: value): {shown}'
            f'{f" … and {more} more" if more > 0 else ""}</p>')


def plot_end(measurements):
    """Where the x axis ends: a little past the largest p99.9."""
    return max(m["stats"]["p999"] for m in measurements) * 1.2 if measurements else None


def clipped_note(xmax, measurements):
    beyond = [m for m in measurements if m["stats"]["max"] > xmax]
    if not beyond:
        return ""
    return ('<p class="note">The plots end just past p99.9; beyond it: ' + "; ".join(
        f'{esc(m["name"])} max {fmt(m["stats"]["max"])}' for m in beyond) + ".</p>")


def task_section(i, t, doc):
    hz = doc["timer_hz"]
    b = t["baseline"]
    unit = t["unit"]
    xlabel = unit_text(unit)
    head = (f'<div class="task" id="task-{i}"><h3>{esc(t["name"])} / {esc(t["variant"])}'
            f' {esc(params_text(t["params"]))}</h3>'
            f'<p class="note">{esc(t.get("description", ""))}. Baseline: '
            f'<code>{esc(b["name"])}</code> — {esc(b.get("description", ""))}.</p>')
    status = ""
    if t["status"] != "measured":
        status = (f'<p><b>Bridge variant {esc(t["status"]).replace("_", " ")}</b>: '
                  f'{esc(t.get("status_reason") or "")}. No figure is shown for it; the '
                  f'baseline below was measured in this run.</p>')
    if b["status"] != "measured":
        status += (f'<p><b>Baseline {esc(b["status"]).replace("_", " ")}</b>: '
                   f'{esc(b.get("status_reason") or "")}.</p>')
    series = []
    if t["status"] == "measured" and t["histogram"]:
        series.append((t.get("implementation", "bridge"), BRIDGE_COLOUR, t["histogram"]))
    if b["status"] == "measured" and b["histogram"]:
        series.append((b["name"], BASELINE_COLOUR, b["histogram"]))
    plots = ""
    if series:
        xmax = plot_end([m for m in (t, b) if m["status"] == "measured"])
        plots = ('<div class="plots">' + cdf_svg("CDF", xlabel, series, xmax=xmax) +
                 hist_svg("Histogram (log-linear buckets)", xlabel, series, xmax=xmax) +
                 "</div>" + clipped_note(xmax, [m for m in (t, b) if m["status"] == "measured"]))
    ratio = "–" if t["overhead_ratio"] is None else f'{t["overhead_ratio"]:.3f}'
    iv = t.get("interval")
    how = ""
    if iv:
        how = (f' (median of {iv["pairs"]} pairs of blocks; 95% interval {interval_text(t)}, '
               f'exact coverage {iv["level"]:.1%})')
    ic = t.get("instructions")
    counted = ""
    if ic:
        counted = (f' Instructions per sample: {ic["bridge"]:,.0f} against {ic["baseline"]:,.0f}, '
                   f'ratio <b>{ic["ratio"]:.3f}</b> ({esc(ic["verdict"])}); the cycles alone say '
                   f'{esc(t.get("cycles_verdict", "–"))}.')
    verdict = (f'<p>Target: {esc(t["target"]["description"])} ({esc(target_text(t))}). '
               f'Ratio: <b>{ratio}</b>{how}.{counted} Result: {verdict_html(t, loaded_of(doc))}'
               f'{budget_note(t)}. Correctness: {correctness_text(t["correctness"])}; baseline '
               f'{correctness_text(b.get("correctness"))}.</p>')
    columns = [(t.get("implementation", "bridge"), t), (b["name"], b)]
    return (head + status + verdict + plots + stats_table(columns, unit, hz) +
            outliers_text(t) + outliers_text(b) + "</div>")


def linux_section(doc):
    lx = doc.get("linux_baselines") or []
    if not lx:
        return ("<h2>Linux baselines</h2><p class='note'>None in this run (only the host model "
                "has them).</p>")
    hz = doc["timer_hz"]
    raw = {t["baseline"]["name"]: t["baseline"] for t in doc["tasks"]
           if t["baseline"]["status"] == "measured"}
    out = ['<h2 id="linux">Linux baselines</h2>'
           "<p class='note'>The mechanisms a user would "
           "otherwise pick, measured in the same run on the same clock, beside the raw seL4 "
           "mechanism of the task they compare with.</p>"]
    rows = []
    for m in lx:
        st = m.get("stats")
        cells = "".join(f"<td>{fmt(st[k]) if st else '–'}</td>" for k in ("p50", "p95", "p99",
                                                                          "p999"))
        ns = f"{to_ns(st['p50'], hz):,.0f}" if st else "–"
        rows.append(f'<tr><td class="l">{esc(m["name"])}</td><td class="l">'
                    f'{esc(m.get("related_task") or "")}</td><td>{fmt(st["n"]) if st else "–"}'
                    f'</td>{cells}<td>{ns}</td><td class="l">{esc(m.get("description", ""))}'
                    f'</td></tr>')
    out.append('<table><tr><th class="l">mechanism</th><th class="l">beside</th><th>n</th>'
               '<th>p50</th><th>p95</th><th>p99</th><th>p99.9</th><th>p50 ns</th>'
               '<th class="l">what</th></tr>' + "".join(rows) + "</table>")
    plots = []
    for task, raw_name in (("call", "raw_call"), ("notify", "raw_signal_wait")):
        series = []
        if raw_name in raw:
            series.append((raw_name, BASELINE_COLOUR, raw[raw_name]["histogram"]))
        for j, m in enumerate(x for x in lx if x.get("related_task") == task):
            if m["status"] == "measured":
                series.append((m["name"], LINUX_COLOURS[j % len(LINUX_COLOURS)], m["histogram"]))
        if series:
            ms = [m for m in lx if m.get("related_task") == task and m["status"] == "measured"]
            if raw_name in raw:
                ms.append(raw[raw_name])
            plots.append(cdf_svg(f"beside {task}: CDF (to p99.9)", "cycles", series,
                                 w=600, h=300, xmax=plot_end(ms)))
    out.append('<div class="plots">' + "".join(plots) + "</div>")
    return "".join(out)


def machine_text(doc):
    m = doc.get("machine")
    if not m:
        return "not recorded (a root task has no view of the machine)"
    parts = []
    if m.get("load_start"):
        parts.append(f'load average {m["load_start"][0]:.2f} at the start, '
                     f'{m["load_end"][0]:.2f} at the end')
    parts.append(f'{m["cpus_start"]} CPUs' + ("" if m["cpus_end"] == m["cpus_start"]
                                               else f' ({m["cpus_end"]} at the end)'))
    parts.append("pinned" if m["pinned"] else "not pinned")
    parts.append(f'governor {m["governor"]}' if m.get("governor") else "governor not readable")
    text = ", ".join(parts)
    if m["loaded"]:
        text += ". LOADED: " + (m.get("loaded_reason") or "")
    return text


def metadata_table(doc):
    m = doc["measurement"]
    emu = doc.get("emulation")
    rows = [
        ("run_id", doc["run_id"]), ("started / finished", f'{doc["started_at"]} / '
                                                          f'{doc.get("finished_at") or "–"}'),
        ("kernel", doc["kernel"]), ("arch / platform", f'{doc["arch"]} / {doc["platform"]}'),
        ("cpu", f'{doc["cpu"]} ({doc.get("cpu_count") or "?"} CPUs online)'),
        ("timer", f'{doc["timer_hz"]:,} Hz (1000 cycles = {1e12 / doc["timer_hz"]:.1f} ns)'),
        ("git commit", doc["git_commit"] + (" (with local changes)" if doc.get("git_dirty")
                                            else "")),
        ("kernel configuration", ", ".join(f"{k}={v}" for k, v in doc["kernel_config"].items())),
        ("address spaces", doc["address_spaces"]),
        ("emulation", "none" if emu is None else ", ".join(f"{k}={v}" for k, v in emu.items())),
        ("pinning", (doc.get("pinning") or {}).get("description", "–")),
        ("machine", machine_text(doc)),
        ("mode", f'{doc["mode"]} (n = {m.get("n_requested", "?"):,}, warm-up {m["warmup"]:,} '
                 f'discarded)'),
        ("timer overhead", f'{m["timer_overhead"]} cycles subtracted from every sample; '
                           f'{m["timer_overhead_method"]}'),
        ("percentiles", m["percentile_definition"]),
        ("outliers", m["outlier_rule"]),
        ("histogram", m["histogram_scheme"]),
        ("interleaving", m.get("order", "–")),
        ("ratio and interval", m.get("interval_method", "–")),
        ("time budget", "none" if m.get("time_budget_s") is None
         else f'{m["time_budget_s"]:g} s per case'),
        ("instructions", m.get("icount_method") or "not counted in this run"),
        ("command", (doc.get("harness") or {}).get("argv", "–")),
    ]
    return '<table class="meta">' + "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows) + "</table>"


def what_text(x):
    """task/variant and its params, for an unmeasured or skipped entry."""
    what = "/".join(v for v in (x.get("task"), x.get("variant")) if v)
    return what + (f' ({params_text(x["params"])})' if x.get("params") else "")


def unmeasured_html(doc):
    """What the run was asked to measure and did not, each with why (none in documents from
    before measured_ok)."""
    items = doc.get("unmeasured") or []
    if not items:
        return ""
    rows = "".join(f'<li>{esc(what_text(u))}, {esc(u["side"])} side '
                   f'(<code>{esc(u["implementation"])}</code>): {esc(u["status"])}: '
                   f'{esc(u["reason"] or "no reason given")}</li>' for u in items)
    return (f'<p id="unmeasured" class="notmet">Not measured, so the run failed '
            f'({len(items)}):</p><ul>{rows}</ul>')


def skipped_html(doc):
    """What the run left out by design on this target: not failures."""
    items = doc.get("skipped") or []
    if not items:
        return ""
    rows = "".join(
        f'<li>{esc("Linux mechanisms" if k["what"] == "linux_baselines" else what_text(k))}: '
        f'{esc(k["reason"])}</li>' for k in items)
    return f'<p id="skipped" class="note">Skipped by design on this target:</p><ul>{rows}</ul>'


def render(doc):
    ok = doc["correctness_ok"]
    measured = sum(t["status"] == "measured" for t in doc["tasks"])
    verdicts = [verdict_of(t) for t in doc["tasks"]]
    verdict = ('<span class="met">all correctness checks passed</span>' if ok
               else '<span class="notmet">A CORRECTNESS CHECK FAILED</span>')
    if doc.get("measured_ok") is False:
        verdict = ('<span class="notmet">RUN FAILED: a measurement asked for was not made'
                   f'</span> ({verdict})')
    machine = ""
    if doc.get("machine"):
        cls = "loaded" if loaded_of(doc) else "note"
        machine = (f'<p id="machine" class="{cls}">Machine: {esc(machine_text(doc))}'
                   + ('. Verdicts decided by cycles are therefore inconclusive: a sample\'s time '
                      'on a busy machine is mostly waits for a CPU, which fall more on the side '
                      'with more wake-ups or a longer window, so the ratio times the scheduler as '
                      'much as the bridge. The figures, intervals and what the interval alone '
                      'says are still shown; instruction counts are not affected.'
                      if loaded_of(doc) else ".") + "</p>")
    body = [
        f'<h1>sel4bridge benchmark — {esc(doc["kernel"])} on {esc(doc["cpu"])}</h1>',
        f'<p>Run <code>{esc(doc["run_id"])}</code>, {esc(doc["started_at"])}. {verdict}. '
        f'{measured} of {len(doc["tasks"])} task variants measured through the bridge: '
        f'{verdicts.count("yes")} met their target, {verdicts.count("no")} did not, '
        f'{verdicts.count("inconclusive")} inconclusive. Latencies are in cycles of the counter '
        f'unless marked; a ratio is the median over pairs of blocks (baseline and bridge run '
        f'alternately) of bridge p50 / baseline p50 (baseline / bridge for requests per second), '
        f'so above 1 means the bridge costs more. "met" when the whole 95% interval is at or '
        f'below the target, "NOT met" when all of it is above, "inconclusive" when it straddles '
        f'the target; where instructions were counted (host model, callgrind), their ratio '
        f'decides.</p>',
        unmeasured_html(doc), skipped_html(doc),
        machine,
        '<h2 id="targets">Targets and ratios</h2>', ratio_svg(doc), summary_table(doc),
        '<h2 id="tasks">Tasks</h2>',
    ]
    body += [task_section(i, t, doc) for i, t in enumerate(doc["tasks"])]
    body.append(linux_section(doc))
    body += ['<h2 id="run">Run</h2>', metadata_table(doc)]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>sel4bridge benchmark {esc(doc['run_id'])}</title>"
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="?", default="results/latest.json")
    ap.add_argument("--out", help="directory for the HTML files (default: the results file's)")
    a = ap.parse_args()
    try:
        with open(a.results, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"report.py: cannot read {a.results}: {e}", file=sys.stderr)
        return 1
    out = a.out or os.path.dirname(os.path.abspath(a.results))
    os.makedirs(out, exist_ok=True)
    page = render(doc)
    run_page = os.path.join(out, f'{doc["run_id"]}.html')
    write_atomic(run_page, page)
    write_atomic(os.path.join(out, "latest.html"), page)
    print(f"report.py: wrote {run_page} and {os.path.join(out, 'latest.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
