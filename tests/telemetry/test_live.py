#!/usr/bin/python3
# Live check against a real Supabase project: runs only when SUPABASE_URL and SUPABASE_KEY (the
# service_role key) are set, otherwise exits 77, which ctest reports as skipped.
"""Uploads the sample run twice under a fresh run_id with platform `telemetry-live-test`, then
reads back (with the same key, through the columns service_role may select) that the run is
complete and every task row arrived once. The run stays in the project; remove such runs with
  delete from public.bench_runs where platform = 'telemetry-live-test';
"""
import copy
import datetime
import json
import os
import shutil
import sys
import tempfile
import uuid

from common import SAMPLE, expected_counts, load_sample, run_uploader, telemetry

SKIP = 77


def main():
    url, key = os.environ.get("SUPABASE_URL"), os.environ.get("SUPABASE_KEY")
    if not url or not key:
        print("skipped: SUPABASE_URL and SUPABASE_KEY are not set")
        return SKIP
    import requests

    doc = copy.deepcopy(load_sample())
    doc["run_id"] = str(uuid.uuid4())
    doc["platform"] = "telemetry-live-test"
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    doc["started_at"] = now.isoformat().replace("+00:00", "Z")
    doc["finished_at"] = None
    doc["harness"] = {"argv": "tests/telemetry/test_live.py", "example": True,
                      "note": "telemetry live test (sample data, not a measurement): " + SAMPLE}
    tmp = tempfile.mkdtemp(prefix="sel4bridge-telemetry-live-")
    failures = []
    try:
        path = os.path.join(tmp, "results.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        spool = os.path.join(tmp, "spool")
        env = {"SUPABASE_URL": url, "SUPABASE_KEY": key}
        for attempt in ("first", "second"):
            r = run_uploader(["upload", "--spool", spool, path], env_extra=env, secret=key,
                             timeout=600)
            sys.stdout.write(r.stdout)
            sys.stderr.write(r.stderr)
            if r.returncode != 0:
                failures.append("%s upload exited %d" % (attempt, r.returncode))
                break
        if os.path.isdir(spool) and [n for n in os.listdir(spool) if not n.startswith(".")]:
            failures.append("the spool is not empty after the uploads")

        if not failures:
            headers = telemetry.auth_headers(key)
            base = telemetry.check_url(url) + "/rest/v1/"
            got = requests.get(base + "bench_runs", headers=headers, timeout=30,
                               params={"select": "run_id,complete",
                                       "run_id": "eq." + doc["run_id"]})
            if got.status_code != 200 or got.json() != [{"run_id": doc["run_id"],
                                                         "complete": True}]:
                failures.append("bench_runs read back: HTTP %d %s"
                                % (got.status_code, telemetry.describe_error(got)))
            got = requests.get(base + "bench_task_results", headers=headers, timeout=30,
                               params={"select": "task,variant,params_key",
                                       "run_id": "eq." + doc["run_id"]})
            want = expected_counts(doc)["bench_task_results"]
            if got.status_code != 200 or len(got.json()) != want:
                failures.append("bench_task_results read back: HTTP %d, %s rows, want %d"
                                % (got.status_code, len(got.json()) if got.ok else "no", want))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("live upload of run %s: delivered twice, read back complete with %d task rows"
              % (doc["run_id"], expected_counts(doc)["bench_task_results"]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
