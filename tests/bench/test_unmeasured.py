#!/usr/bin/python3
"""A run in which a case the harness was asked to measure is not measured must fail and say why.
The root task and the CLI, each built with unmeasured_cases.c's table (call measured on both
sides; cap_call's bridge side takes a cap fault; grant's has no implementation and is outside the
--quick set): each exits 3, names every side not measured with its status and reason, writes a
valid document with correctness_ok true (no check failed), measured_ok false and exactly those
sides in unmeasured, and lists what it left out by design (the Linux mechanisms, a case outside
--quick) under skipped, not among the failures; the report says the run failed and why.

usage: test_unmeasured.py ROOT_EXE CLI_EXE SCHEMA"""
import html
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "..", "..", "harness")
sys.path.insert(0, HERE)
from test_report import check, report  # noqa: E402 (the same failure list and summary)

FAULT = {"task": "cap_call", "variant": "bridge", "params": {}, "side": "bridge",
         "implementation": "faulting_bridge", "status": "failed",
         "reason": "the measuring thread faulted"}
ABSENT = {"task": "grant", "variant": "bridge", "params": {"k": 4}, "side": "bridge",
          "implementation": "absent_bridge", "status": "not_measured",
          "reason": "no implementation in this build"}
FAULT_LINE = ("sel4bridge-bench: NOT MEASURED: cap_call/bridge, bridge side (faulting_bridge): "
              "failed: the measuring thread faulted")


def check_document(who, doc, unmeasured, skipped, schema, out):
    check(doc["correctness_ok"] is True, f"{who}: correctness_ok {doc['correctness_ok']}")
    check(doc.get("measured_ok") is False, f"{who}: measured_ok {doc.get('measured_ok')}")
    check(doc.get("unmeasured") == unmeasured, f"{who}: unmeasured {doc.get('unmeasured')}")
    check(doc.get("skipped") == skipped, f"{who}: skipped {doc.get('skipped')}")
    tasks = {t["name"]: t for t in doc["tasks"]}
    call, cap = tasks.get("call"), tasks.get("cap_call")
    if check(call and cap, f"{who}: tasks {sorted(tasks)}"):
        check(call["status"] == "measured" and call["baseline"]["status"] == "measured",
              f"{who}: call {call['status']} beside {call['baseline']['status']}")
        check(cap["status"] == "failed" and cap["status_reason"] == FAULT["reason"] and
              cap["met"] is None and cap["verdict"] == "not_judged" and
              cap["overhead_ratio"] is None and cap["baseline"]["status"] == "measured",
              f"{who}: cap_call {cap['status']} ({cap['status_reason']}), met {cap['met']}, "
              f"verdict {cap['verdict']}, baseline {cap['baseline']['status']}")
    path = os.path.join(out, "latest.json")
    r = subprocess.run([sys.executable, os.path.join(HERE, "validate.py"), "--mutate", schema,
                        path], capture_output=True, text=True)
    check(r.returncode == 0, f"{who}: document invalid: {r.stdout}{r.stderr}")
    r = subprocess.run([sys.executable, os.path.join(HARNESS, "report.py"), path],
                       capture_output=True, text=True)
    if check(r.returncode == 0, f"{who}: report.py exited {r.returncode}: {r.stderr}"):
        page = open(os.path.join(out, "latest.html"), encoding="utf-8").read()
        check("RUN FAILED" in page and "all correctness checks passed" in page,
              f"{who}: the report's verdict does not say the run failed with checks passed")
        for u in unmeasured:
            check(html.escape(u["reason"]) in page,
                  f"{who}: the report does not say {u['reason']!r}")
        for k in skipped:
            check(html.escape(k["reason"]) in page,
                  f"{who}: the report does not list skip {k['reason']!r}")


def root(exe, schema):
    with tempfile.TemporaryDirectory() as out:
        log = os.path.join(out, "console.log")
        with open(log, "w") as f:
            rc = subprocess.run([exe], stdout=f, stderr=subprocess.STDOUT, timeout=240).returncode
        text = open(log, errors="replace").read()
        check(rc == 3, f"root: exit status {rc}, want 3")
        lines = text.splitlines()
        for want in (FAULT_LINE,
                     "sel4bridge-bench: NOT MEASURED: grant/bridge k=4, bridge side "
                     "(absent_bridge): not_measured: no implementation in this build",
                     "sel4bridge-bench: FAILED: 2 of the measurements asked for not made"):
            check(want in lines, f"root: no line {want!r}")
        r = subprocess.run([sys.executable, os.path.join(HARNESS, "extract_results.py"), log,
                            "--out", out, "--cpu", "host"], capture_output=True, text=True)
        if not check(r.returncode == 0, f"root: extract_results.py: {r.stderr}"):
            return
        check("not measured: cap_call/bridge" in r.stderr,
              f"root: extract_results.py does not name what was not measured: {r.stderr}")
        doc = json.load(open(os.path.join(out, "latest.json")))
        check_document("root", doc, [FAULT, ABSENT],
                       [{"what": "linux_baselines",
                         "reason": "a root task: the Linux mechanisms are measured by the host "
                                   "model's sel4bridge-bench"}], schema, out)


def cli(exe, schema):
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([exe, "--quick", "-n", "200", "--warmup", "20", "--no-linux",
                            "--no-icount", "--timeout", "120", "--out", out],
                           capture_output=True, text=True, timeout=240)
        check(r.returncode == 3, f"cli: exit status {r.returncode}, want 3: {r.stderr[-2000:]}")
        lines = r.stderr.splitlines()
        check(FAULT_LINE in lines, f"cli: no line {FAULT_LINE!r}")
        check(not any("NOT MEASURED: grant" in l for l in lines),
              "cli: grant, outside --quick, reported as not measured")
        check(any(l.startswith("sel4bridge-bench: FAILED: 1 of the measurements asked for not "
                               "made") for l in lines), "cli: no FAILED line")
        path = os.path.join(out, "latest.json")
        if not check(os.path.exists(path), "cli: no latest.json"):
            return
        doc = json.load(open(path))
        check_document("cli", doc, [FAULT],
                       [{"what": "linux_baselines", "reason": "--no-linux"},
                        {"what": "case", "task": "grant", "variant": "bridge",
                         "params": {"k": 4}, "reason": "not in the --quick set"}], schema, out)


def main():
    root_exe, cli_exe, schema = sys.argv[1:4]
    root(root_exe, schema)
    cli(cli_exe, schema)
    return report("test_unmeasured")


if __name__ == "__main__":
    sys.exit(main())
