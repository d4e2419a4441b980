#!/usr/bin/python3
"""The report generator on a results document: it writes <run_id>.html and latest.html with
every section, a CDF and a histogram per measured task, says plainly which bridge variants were
not measured, shows no figure for them, and loads nothing from the network. With --render it also
has headless Chromium draw the page (skipped, exit 77, when Chromium is not installed)."""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "..", "harness", "report.py")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    render = "--render" in sys.argv
    src = args[0]
    with open(src) as f:
        doc = json.load(f)
    if render and not shutil.which("chromium"):
        print("test_report: chromium not installed, render check skipped")
        return 77
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([sys.executable, REPORT, src, "--out", out], capture_output=True,
                           text=True)
        check(r.returncode == 0, f"report.py exited {r.returncode}: {r.stderr}")
        run_page = os.path.join(out, doc["run_id"] + ".html")
        latest = os.path.join(out, "latest.html")
        check(os.path.exists(run_page), "no <run_id>.html")
        check(os.path.exists(latest), "no latest.html")
        if failures:
            return report()
        page = open(latest, encoding="utf-8").read()
        check(page == open(run_page, encoding="utf-8").read(), "latest.html differs")
        for section in ('id="targets"', 'id="summary"', 'id="tasks"', 'id="run"'):
            check(section in page, f"section {section} missing")
        check(doc["run_id"] in page, "run_id missing")
        check(doc["git_commit"] in page, "git commit missing")
        check(doc["measurement"]["outlier_rule"] in page.replace("&gt;", ">").replace(
            "&lt;", "<"), "outlier rule missing")
        if any(t.get("interval") for t in doc["tasks"]):
            check('id="ratio-plot"' in page, "no ratio plot")
            for t in doc["tasks"]:
                iv = t.get("interval")
                if iv:
                    check(f'[{iv["lo"]:.3f}, {iv["hi"]:.3f}]' in page,
                          f'{t["name"]}/{t["variant"]}: interval not shown')
        for t in doc["tasks"]:
            if t.get("verdict") == "inconclusive":
                check("inconclusive" in page, "an inconclusive verdict not said so")
        if doc.get("machine"):
            check('id="machine"' in page, "machine state missing from the header")
            if doc["machine"]["loaded"]:
                check("LOADED" in page, "a loaded machine not said so")
        # A run that did not make a measurement it was asked for says it failed, and why; what
        # it left out by design is listed apart.
        if doc.get("measured_ok") is False:
            check("RUN FAILED" in page and 'id="unmeasured"' in page, "a failed run not said so")
        for u in doc.get("unmeasured") or []:
            check(html.escape(u["reason"] or "") in page, f"not measured, reason missing: {u}")
        for k in doc.get("skipped") or []:
            check('id="skipped"' in page and html.escape(k["reason"]) in page,
                  f"skip missing: {k}")
        if doc["linux_baselines"]:
            check('id="linux"' in page, "Linux section missing")
            for m in doc["linux_baselines"]:
                check(m["name"] in page, f"Linux baseline {m['name']} missing")
        for i, t in enumerate(doc["tasks"]):
            block = page.split(f'id="task-{i}"', 1)
            check(len(block) == 2, f"task section {i} missing")
            if len(block) < 2:
                continue
            block = block[1].split('class="task"', 1)[0].split("<h2", 1)[0]
            measured = [m for m in (t, t["baseline"]) if m["status"] == "measured"]
            svgs = block.count("<svg")
            check(svgs == (2 if measured else 0), f"task {i}: {svgs} plots")
            if t["status"] == "not_measured":
                check("not measured" in block and html.escape(t["status_reason"] or "") in block,
                      f"task {i}: not-measured bridge variant not said so")
            if t["status"] == "measured":
                check(f'{t["stats"]["p50"]:,}' in block, f"task {i}: bridge p50 not shown")
            if t["baseline"]["status"] == "measured":
                check(f'{t["baseline"]["stats"]["p50"]:,}' in block,
                      f"task {i}: baseline p50 not shown")
        # Opens from disk: nothing fetched (the SVG namespace is an identifier, not a fetch).
        fetched = re.findall(r'(?:src|href)\s*=\s*"(https?:[^"]*)"', page)
        check(not fetched and "<script" not in page, f"network references: {fetched}")

        if render:
            png = os.path.join(out, "latest.png")
            r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                "--no-first-run", "--disable-background-networking",
                                "--window-size=1280,2000", f"--screenshot={png}",
                                "file://" + latest], capture_output=True, text=True, timeout=120)
            check(os.path.exists(png) and os.path.getsize(png) > 20000,
                  f"chromium drew no page: {r.stderr[-500:]}")
    check_histogram()
    return report()


def check_histogram():
    """A series with no samples draws no bars (and divides by nothing); the others draw one bar
    per bucket."""
    sys.path.insert(0, os.path.dirname(REPORT))
    import report as rp
    empty = [{"lo": 1, "hi": 2, "count": 0}]
    two = [{"lo": 1, "hi": 2, "count": 3}, {"lo": 2, "hi": 4, "count": 1}]
    try:
        svg = rp.hist_svg("t", "x", [("empty", "#000", empty), ("two", "#111", two)])
        bars = svg.count('fill-opacity="0.55"')
        check(bars == 2, f"histogram: {bars} bars, want 2")
        svg = rp.hist_svg("t", "x", [("empty", "#000", empty)])
        check(svg.count('fill-opacity="0.55"') == 0, "histogram of an empty series has bars")
    except ZeroDivisionError as e:
        check(False, f"histogram of an empty series: {e!r}")


def report(name="test_report"):
    for f in failures:
        print(f"{name}: {f}", file=sys.stderr)
    print(f"{name}: " + ("FAILED" if failures else "all checks passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
