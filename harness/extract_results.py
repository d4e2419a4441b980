#!/usr/bin/python3
"""Lift the results document out of a root task's console log (e.g. QEMU's serial output) and
write it as results/<run_id>.json and results/latest.json, adding what only the host knows: when
the run happened, the CPU, and the emulation (QEMU, its accelerator and -icount setting).

usage: extract_results.py LOG [--out DIR] [--cpu TEXT] [--started-at RFC3339]
                          [--qemu-accel kvm|tcg] [--qemu-icount SETTING] [--qemu-machine NAME]
"""
import argparse
import datetime
import json
import os
import sys

BEGIN = "==== sel4bridge results begin ===="
END = "==== sel4bridge results end ===="


def extract(text):
    """The JSON between the last pair of markers; console noise outside them is ignored."""
    start = text.rfind(BEGIN)
    if start < 0:
        raise ValueError("no results in the log (the begin marker is missing)")
    end = text.find(END, start)
    if end < 0:
        raise ValueError("the results end marker is missing: the run did not finish")
    body = text[start + len(BEGIN):end].replace("\r", "")
    return json.loads(body)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--out", default="results")
    ap.add_argument("--cpu")
    ap.add_argument("--started-at")
    ap.add_argument("--qemu-accel")
    ap.add_argument("--qemu-icount")
    ap.add_argument("--qemu-machine")
    a = ap.parse_args()
    try:
        with open(a.log, encoding="utf-8", errors="replace") as f:
            doc = extract(f.read())
    except (OSError, ValueError) as e:
        print(f"extract_results.py: {a.log}: {e}", file=sys.stderr)
        return 1
    if a.started_at or doc.get("started_at", "").startswith("1970-"):
        doc["started_at"] = a.started_at or datetime.datetime.fromtimestamp(
            os.path.getmtime(a.log), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if a.cpu:
        doc["cpu"] = a.cpu
    if a.qemu_accel or a.qemu_icount or a.qemu_machine:
        doc["emulation"] = {"kind": "qemu", "accel": a.qemu_accel, "icount": a.qemu_icount,
                            "machine": a.qemu_machine}
    os.makedirs(a.out, exist_ok=True)
    text = json.dumps(doc, indent=2) + "\n"
    for name in (f'{doc["run_id"]}.json', "latest.json"):
        path = os.path.join(a.out, name)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
    print(f'extract_results.py: wrote {os.path.join(a.out, doc["run_id"] + ".json")}')
    # The image's exit status says the run failed; the log's reader is told what and why here.
    for u in doc.get("unmeasured") or []:
        params = " ".join(f"{k}={v}" for k, v in (u.get("params") or {}).items())
        what = "/".join(x for x in (u["task"], u.get("variant")) if x)
        print(f'extract_results.py: not measured: {what}{" " + params if params else ""}, '
              f'{u["side"]} side ({u["implementation"]}): {u["status"]}: {u["reason"]}',
              file=sys.stderr)
    return 0 if doc.get("correctness_ok") else 1


if __name__ == "__main__":
    sys.exit(main())
