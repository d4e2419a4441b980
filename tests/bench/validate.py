#!/usr/bin/python3
"""Validate sel4bridge results documents: the JSON Schema, then what a schema cannot say
(percentiles in order, histogram counts summing to n, the ratio matching the median of its pair
ratios (or the two p50s) and inside its interval, met saying the verdict, a cycle verdict matching
its interval and target, met only when measured, measured_ok and unmeasured saying exactly which
sides were not measured). --mutate also checks that known-bad edits of each document are rejected;
--all-tasks requires the six tasks, each beside a measured baseline."""
import argparse
import copy
import json
import sys

import jsonschema

TASKS = ["call", "cap_call", "grant", "notify", "kick", "revoke"]
ORDER = ["min", "p50", "p90", "p95", "p99", "p999", "max"]


def semantic_errors(doc):
    errs = []

    def check_measurement(where, m):
        if m["status"] != "measured":
            for k in ("stats", "histogram", "outliers"):
                if m[k] is not None:
                    errs.append(f"{where}: {m['status']} but {k} is not null")
            return
        s = m["stats"]
        if s is None or m["histogram"] is None or m["outliers"] is None:
            errs.append(f"{where}: measured but figures are null")
            return
        vals = [s[k] for k in ORDER]
        if vals != sorted(vals):
            errs.append(f"{where}: percentiles out of order {vals}")
        if not s["min"] <= s["mean"] <= s["max"]:
            errs.append(f"{where}: mean outside [min, max]")
        total = sum(b["count"] for b in m["histogram"])
        if total != s["n"]:
            errs.append(f"{where}: histogram counts {total} != n {s['n']}")
        prev_hi = None
        for b in m["histogram"]:
            if not b["lo"] < b["hi"] or (prev_hi is not None and b["lo"] < prev_hi):
                errs.append(f"{where}: histogram bucket {b} out of order")
            prev_hi = b["hi"]
        if m["histogram"] and (m["histogram"][0]["lo"] > s["min"] or m["histogram"][-1]["hi"] <= s["max"]):
            errs.append(f"{where}: histogram does not cover [min, max]")
        count = m.get("outlier_count")
        if count is not None and len(m["outliers"]) > count:
            errs.append(f"{where}: more outliers listed than counted")
        for o in m["outliers"]:
            if o["index"] >= s["n"]:
                errs.append(f"{where}: outlier index {o['index']} >= n")

    for i, t in enumerate(doc["tasks"]):
        where = f"tasks[{i}] {t['name']}/{t['variant']}"
        check_measurement(where, t)
        check_measurement(where + " baseline", t["baseline"])
        both = t["status"] == "measured" and t["baseline"]["status"] == "measured"
        if not both:
            if t["overhead_ratio"] is not None:
                errs.append(f"{where}: ratio without both measurements")
            if t["met"] is not None and t["status"] != "measured":
                errs.append(f"{where}: met is set but the task was not measured")
        elif t["overhead_ratio"] is not None:
            ratios = sorted(b["ratio"] for b in t.get("blocks") or [] if b["ratio"] is not None)
            if ratios:  # interleaved: the median of the pair ratios
                k = len(ratios)
                want = ratios[k // 2] if k % 2 else (ratios[k // 2 - 1] + ratios[k // 2]) / 2
            else:
                p, b = t["stats"]["p50"], t["baseline"]["stats"]["p50"]
                want = b / p if t["unit"] == "req_per_s" else p / b
            if abs(t["overhead_ratio"] - want) > 1e-3 * max(1.0, want):
                errs.append(f"{where}: overhead_ratio {t['overhead_ratio']} != {want}")
            iv = t.get("interval")
            if iv and not iv["lo"] - 1e-3 <= t["overhead_ratio"] <= iv["hi"] + 1e-3:
                errs.append(f"{where}: overhead_ratio outside its interval")
            if iv and ratios and iv["pairs"] != len(ratios):
                errs.append(f"{where}: interval over {iv['pairs']} pairs, {len(ratios)} given")
        verdict = t.get("verdict")
        if verdict is not None:
            want_met = {"yes": True, "no": False}.get(verdict)
            if t["met"] is not want_met:
                errs.append(f"{where}: met {t['met']} does not say verdict {verdict}")
            iv, g = t.get("interval"), t["target"]
            if (t.get("verdict_basis") == "cycles" and iv and g["kind"] == "ratio"
                    and iv["level"] >= 0.95):
                want_v = ("yes" if iv["hi"] <= g["ratio_max"] else
                          "no" if iv["lo"] > g["ratio_max"] else "inconclusive")
                if t.get("loaded_machine"):
                    want_v = "inconclusive"  # cycles on a loaded machine time waits for a CPU
                if verdict != want_v:
                    errs.append(f"{where}: verdict {verdict}, the interval says {want_v}")
    for i, m in enumerate(doc["linux_baselines"]):
        check_measurement(f"linux_baselines[{i}] {m['name']}", m)
    if "measured_ok" in doc:
        # Every side asked for and not measured, in report order, and nothing else.
        want = [(t["name"], t["variant"], side, m["status"])
                for t in doc["tasks"] for side, m in (("bridge", t), ("baseline", t["baseline"]))
                if m["status"] != "measured"]
        want += [(m["related_task"], None, "linux", m["status"])
                 for m in doc["linux_baselines"] if m["status"] != "measured"]
        got = [(u["task"], u.get("variant"), u["side"], u["status"])
               for u in doc.get("unmeasured", [])]
        if got != want:
            errs.append(f"unmeasured {got} does not list the sides not measured {want}")
        if doc["measured_ok"] != (not want):
            errs.append(f"measured_ok {doc['measured_ok']} with {len(want)} not measured")
    return errs


def all_tasks_errors(doc):
    errs = []
    names = {t["name"] for t in doc["tasks"]}
    for name in TASKS:
        if name not in names:
            errs.append(f"task {name} missing")
    for t in doc["tasks"]:
        if t["baseline"]["status"] != "measured":
            errs.append(f"{t['name']}/{t['variant']}: baseline {t['baseline']['status']}")
    return errs


def mutations(doc):
    """Known-bad edits; each must be rejected."""
    def m(fn):
        d = copy.deepcopy(doc)
        fn(d)
        return d
    yield "run_id not a UUID", m(lambda d: d.update(run_id="run-1"))
    yield "kernel unknown", m(lambda d: d.update(kernel="linux"))
    yield "address_spaces unknown", m(lambda d: d.update(address_spaces="both"))
    yield "tasks missing", m(lambda d: d.pop("tasks"))
    yield "task name unknown", m(lambda d: d["tasks"][0].update(name="ping"))
    yield "met not boolean", m(lambda d: d["tasks"][0].update(met="yes"))
    yield "verdict unknown", m(lambda d: d["tasks"][0].update(verdict="maybe"))
    judged = [t for t in doc["tasks"] if t.get("verdict") in ("yes", "no")]
    if judged:
        j = doc["tasks"].index(judged[0])
        yield "met contradicts verdict", m(lambda d: d["tasks"][j].update(
            met=not d["tasks"][j]["met"]))
    spread = [t for t in doc["tasks"] if t.get("interval")]
    if spread:
        k = doc["tasks"].index(spread[0])
        yield "interval excludes the ratio", m(lambda d: d["tasks"][k]["interval"].update(
            lo=d["tasks"][k]["overhead_ratio"] * 2, hi=d["tasks"][k]["overhead_ratio"] * 3))
    if doc.get("machine"):
        yield "load average not three numbers", m(lambda d: d["machine"].update(load_start=[1]))
    if "measured_ok" in doc:
        yield "measured_ok contradicts the statuses", m(lambda d: d.update(
            measured_ok=not d["measured_ok"]))
        if doc["unmeasured"]:
            yield "unmeasured emptied", m(lambda d: d.update(unmeasured=[]))
            yield "unmeasured status unknown", m(lambda d: d["unmeasured"][0].update(
                status="skipped"))
        else:
            yield "a measured side listed as unmeasured", m(lambda d: d.update(unmeasured=[
                {"task": "call", "variant": "bridge", "side": "bridge",
                 "implementation": "bridge_call", "status": "failed", "reason": "made up"}]))
    yield "baseline missing", m(lambda d: d["tasks"][0].pop("baseline"))
    yield "unit unknown", m(lambda d: d["tasks"][0].update(unit="ms"))
    yield "negative violations", m(lambda d: d["tasks"][0]["correctness"].update(violations=-1))
    meas = [t for t in doc["tasks"] if t["baseline"]["status"] == "measured"]
    if meas:
        i = doc["tasks"].index(meas[0])
        yield "histogram count lost", m(lambda d: d["tasks"][i]["baseline"]["histogram"][0].update(
            count=d["tasks"][i]["baseline"]["histogram"][0]["count"] + 1))
        yield "p99 above max", m(lambda d: d["tasks"][i]["baseline"]["stats"].update(
            p99=d["tasks"][i]["baseline"]["stats"]["max"] + 1))
        yield "stats missing p50", m(lambda d: d["tasks"][i]["baseline"]["stats"].pop("p50"))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("schema")
    ap.add_argument("documents", nargs="+")
    ap.add_argument("--mutate", action="store_true")
    ap.add_argument("--all-tasks", action="store_true")
    a = ap.parse_args()
    with open(a.schema) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)

    def errors(doc):
        errs = [f"schema: {e.json_path}: {e.message}" for e in validator.iter_errors(doc)]
        return errs or semantic_errors(doc)

    bad = 0
    for path in a.documents:
        with open(path) as f:
            doc = json.load(f)
        errs = errors(doc)
        if a.all_tasks and not errs:
            errs = all_tasks_errors(doc)
        for e in errs:
            print(f"{path}: {e}", file=sys.stderr)
        bad += bool(errs)
        if a.mutate and not errs:
            for what, d in mutations(doc):
                if not errors(d):
                    print(f"{path}: mutation accepted: {what}", file=sys.stderr)
                    bad += 1
        print(f"{path}: {'INVALID' if errs else 'valid'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
