#!/usr/bin/python3
# The uploader's pure parts: key kinds, Retry-After, batch bounds, keys of the rows, the spool's
# atomic entries.
import email.utils
import json
import os
import shutil
import tempfile
import time
import unittest

from common import load_sample, telemetry
from postgrest_standin import make_jwt


class UploaderUnitTest(unittest.TestCase):
    def test_only_jwt_keys_go_in_authorization(self):
        jwt = make_jwt("s", "service_role")
        self.assertEqual(telemetry.auth_headers(jwt),
                         {"apikey": jwt, "Authorization": "Bearer " + jwt})
        for key in ("sb_secret_abc.def.ghi", "sb_publishable_xyz", "not-a-key", "a.b.c"):
            with self.subTest(key=key):
                self.assertEqual(telemetry.auth_headers(key), {"apikey": key})

    def test_retry_after(self):
        self.assertEqual(telemetry.parse_retry_after("7"), 7.0)
        self.assertIsNone(telemetry.parse_retry_after(None))
        self.assertIsNone(telemetry.parse_retry_after("soon"))
        later = email.utils.formatdate(time.time() + 120, usegmt=True)
        self.assertTrue(115 <= telemetry.parse_retry_after(later) <= 120)
        earlier = email.utils.formatdate(time.time() - 60, usegmt=True)
        self.assertEqual(telemetry.parse_retry_after(earlier), 0.0)

    def test_urls(self):
        self.assertEqual(telemetry.check_url("https://abc.supabase.co/"),
                         "https://abc.supabase.co")
        self.assertEqual(telemetry.check_url("http://127.0.0.1:5400"), "http://127.0.0.1:5400")
        for url in ("http://abc.supabase.co", "ftp://x", "abc.supabase.co"):
            with self.subTest(url=url):
                with self.assertRaises(ValueError):
                    telemetry.check_url(url)

    def test_batches_keep_to_rows_and_bytes(self):
        rows = [{"i": i, "pad": "x" * (i % 7)} for i in range(1000)]
        for max_rows, max_bytes in ((1000, 10 ** 9), (64, 10 ** 9), (1000, 4096), (10, 300),
                                    (5, 1)):
            with self.subTest(max_rows=max_rows, max_bytes=max_bytes):
                out = list(telemetry.batches(rows, max_rows, max_bytes))
                self.assertEqual([r for b in out for r in b], rows)
                for b in out:
                    size = len(json.dumps(b, separators=(",", ":")).encode())
                    self.assertLessEqual(len(b), max_rows)
                    self.assertTrue(size <= max_bytes or len(b) == 1, (len(b), size))

    def test_plan_rows_have_uniform_keys_and_unique_conflict_keys(self):
        plan = telemetry.plan_upload(load_sample())
        self.assertEqual([t for t, _, _ in plan],
                         ["bench_runs", "bench_task_results", "bench_linux_baselines",
                          "bench_histogram_buckets", "bench_outliers", "bench_runs"])
        self.assertNotIn("complete", plan[0][2][0])
        self.assertIs(plan[-1][2][0]["complete"], True)
        for table, on_conflict, rows in plan:
            keys = set(rows[0])
            self.assertTrue(all(set(r) == keys for r in rows), table)
            self.assertTrue(set(on_conflict.split(",")) <= keys, table)

    def test_duplicate_task_keys_are_refused(self):
        doc = load_sample()
        doc["tasks"].append(dict(doc["tasks"][0]))
        with self.assertRaisesRegex(telemetry.InputError, "two bench_task_results rows"):
            telemetry.plan_upload(doc)

    def test_params_key_is_canonical(self):
        self.assertEqual(telemetry.params_key({"k": 8, "b": 1}), '{"b":1,"k":8}')
        self.assertEqual(telemetry.params_key({}), "{}")

    def test_spool_entries_are_whole_files(self):
        tmp = tempfile.mkdtemp(prefix="sel4bridge-spool-test-")
        try:
            plan = telemetry.plan_upload(load_sample())
            with telemetry.Spool(os.path.join(tmp, "s")) as spool:
                path = spool.write("6d0f8a52-3c1e-4b7a-9e55-0c9a1d2b3e4f", "/x.json", plan)
                spool.write("6d0f8a52-3c1e-4b7a-9e55-0c9a1d2b3e4f", "/x.json", plan)
                self.assertEqual(spool.entries(), [path])
                self.assertEqual(sorted(os.listdir(os.path.join(tmp, "s"))),
                                 [".lock", os.path.basename(path)])
                run_id, source, back = telemetry.Spool.read(path)
                self.assertEqual((run_id, source), ("6d0f8a52-3c1e-4b7a-9e55-0c9a1d2b3e4f",
                                                    "/x.json"))
                self.assertEqual(back, [(t, k, r) for t, k, r in plan])
                with open(path, "w") as f:
                    f.write('{"spool_format": 1, "run_id": ')
                with self.assertRaises(telemetry.SpoolError):
                    telemetry.Spool.read(path)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main(verbosity=2)
