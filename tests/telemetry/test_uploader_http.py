#!/usr/bin/python3
# scripts/telemetry.py end to end over HTTP, against the PostgREST STAND-IN (postgrest_standin.py;
# real PostgREST cannot be installed here) on a real PostgreSQL: upload, upload again, outage and
# flush, 429 with Retry-After, 503 then success, 400 with PostgREST's error body, 413, keys.
import copy
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from common import (PYTHON, SAMPLE, TABLES, MigratedDatabaseTest, expected_counts, load_sample,
                    run_uploader, telemetry)
from postgrest_standin import StandIn, make_jwt

# Made up for these tests; assembled here so that no tracked line looks like a real key.
SECRET_KEY = "sb_" + "secret_" + "T3stOnlyKeyThatMustNeverBePrinted_1234"
PUBLISHABLE_KEY = "sb_publishable_T3stOnlyPublishableKey_5678"
JWT_SECRET = "jwt-secret-for-the-stand-in-only-0123456789"
FAST = ["--retries", "3", "--backoff-base", "0.01", "--backoff-max", "0.05", "--timeout", "10"]


class UploaderHttpTest(MigratedDatabaseTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.doc = load_sample()
        cls.want = expected_counts(cls.doc)

    def setUp(self):
        super().setUp()
        # Inside the cluster's directory, so that it goes with the cluster even if this process
        # is killed.
        self.tmp = tempfile.mkdtemp(prefix="uploader-", dir=self.cluster.tmp)
        self.spool = os.path.join(self.tmp, "spool")
        db = {"host": "127.0.0.1", "port": self.cluster.port, "dbname": "postgres",
              "user": "authenticator", "password": self.cluster.authenticator_password}
        self.server = StandIn(db, JWT_SECRET, {SECRET_KEY: "service_role",
                                               PUBLISHABLE_KEY: "anon"}).start()

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # Helpers.

    def env(self, key=SECRET_KEY):
        return {"SUPABASE_URL": self.server.url, "SUPABASE_KEY": key}

    def upload(self, *args, key=SECRET_KEY, env=None, files=(SAMPLE,)):
        return run_uploader(["upload", "--spool", self.spool] + FAST + list(args) + list(files),
                            env_extra=self.env(key) if env is None else env, secret=key)

    def flush(self, key=SECRET_KEY):
        return run_uploader(["flush", "--spool", self.spool] + FAST, env_extra=self.env(key),
                            secret=key)

    def spooled(self):
        if not os.path.isdir(self.spool):
            return []
        return sorted(n for n in os.listdir(self.spool) if not n.startswith("."))

    def posts(self, table=None):
        return [e for e in self.server.log
                if e["method"] == "POST" and (table is None or e["path"] == "/rest/v1/" + table)]

    def assertDelivered(self, r):
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.counts(), self.want)
        self.assertEqual(self.spooled(), [])

    # Tests.

    def test_upload_then_upload_again_adds_nothing(self):
        r = self.upload()
        self.assertDelivered(r)
        self.assertIn("delivered run %s" % self.doc["run_id"], r.stdout)
        first = len(self.posts())
        r = self.upload()
        self.assertDelivered(r)
        self.assertEqual(len(self.posts()), 2 * first)
        posts = self.posts()
        # The run row goes first (without complete) and last (complete); children in between.
        self.assertEqual(posts[0]["path"], "/rest/v1/bench_runs")
        self.assertEqual(posts[first - 1]["path"], "/rest/v1/bench_runs")
        for e in posts:
            self.assertEqual(e["status"], 201)
            self.assertEqual(e["headers"]["Prefer"], "resolution=merge-duplicates,return=minimal")
            self.assertEqual(e["headers"]["apikey"], SECRET_KEY)
            self.assertNotIn("Authorization", e["headers"])  # sb_secret_ keys are not JWTs
            table = e["path"].rsplit("/", 1)[1]
            self.assertEqual(e["query"]["on_conflict"],
                             [dict((t, k) for t, k, _ in telemetry.plan_upload(self.doc))[table]])

    def test_batches_are_bounded_in_rows(self):
        r = self.upload("--batch-rows", "100")
        self.assertDelivered(r)
        buckets = self.posts("bench_histogram_buckets")
        n = self.want["bench_histogram_buckets"]
        self.assertEqual([e["rows"] for e in buckets], [100] * (n // 100) + [n % 100])

    def test_jwt_key_goes_in_authorization_too(self):
        key = make_jwt(JWT_SECRET, "service_role")
        self.assertDelivered(self.upload(key=key))
        for e in self.posts():
            self.assertEqual(e["headers"]["Authorization"], "Bearer " + key)

    def test_no_credentials_spools_and_says_so(self):
        r = self.upload(env={})
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("SUPABASE_URL and SUPABASE_KEY are not both set", r.stderr)
        self.assertEqual(self.spooled(), [self.doc["run_id"] + ".json"])
        self.assertEqual(self.server.log, [])
        self.assertDelivered(self.flush())

    def test_outage_spools_then_flush_delivers(self):
        self.server.stop()
        r = self.upload()
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("not delivered: POST /rest/v1/bench_runs (1 rows): cannot reach", r.stderr)
        self.assertIn("retrying", r.stderr)
        self.assertEqual(self.spooled(), [self.doc["run_id"] + ".json"])
        with open(os.path.join(self.spool, self.spooled()[0])) as f:
            entry = json.load(f)
        self.assertEqual([(q["table"], q["on_conflict"], q["rows"]) for q in entry["requests"]],
                         [(t, k, rows) for t, k, rows in telemetry.plan_upload(self.doc)])
        self.assertEqual(self.counts(), {t: 0 for t in TABLES})
        # Still down: flush keeps it.
        r = self.flush()
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(self.spooled(), [self.doc["run_id"] + ".json"])
        self.server.start()  # same port
        r = self.flush()
        self.assertDelivered(r)
        self.assertIn("delivered run %s" % self.doc["run_id"], r.stdout)
        r = self.flush()
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "spool %s is empty" % self.spool))

    def test_outage_in_the_middle_keeps_the_run_hidden_until_flushed(self):
        # The children fail for good (every retry 503): the run row is there, not complete.
        self.server.inject(503, times=100, table="bench_histogram_buckets")
        r = self.upload()
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(len(self.posts("bench_histogram_buckets")), 4)  # 1 + --retries 3
        conn = self.cluster.connect()
        with conn.cursor() as cur:
            cur.execute("select complete from bench_runs")
            self.assertEqual(cur.fetchall(), [(False,)])
        conn.close()
        self.server._faults.clear()
        self.assertDelivered(self.flush())

    def test_429_with_retry_after_is_honoured(self):
        self.server.inject(429, table="bench_task_results", headers={"Retry-After": "1"})
        r = self.upload()
        self.assertDelivered(r)
        tries = self.posts("bench_task_results")
        self.assertEqual([e["status"] for e in tries], [429, 201])
        self.assertIn("HTTP 429", r.stderr)
        self.assertIn("(Retry-After 1 s, attempt 2 of 4)", r.stderr)
        self.assertGreaterEqual(tries[1]["time"] - tries[0]["time"], 1.0)

    def test_503_then_success(self):
        self.server.inject(503, table="bench_linux_baselines")
        r = self.upload()
        self.assertDelivered(r)
        self.assertEqual([e["status"] for e in self.posts("bench_linux_baselines")], [503, 201])
        self.assertIn("bench_linux_baselines: HTTP 503", r.stderr)

    def test_400_is_reported_and_not_retried(self):
        body = {"code": "PGRST204", "details": None,
                "hint": "Apply scripts/supabase_migration.sql again",
                "message": "Could not find the 'baseline_p999' column of 'bench_task_results' "
                           "in the schema cache"}
        self.server.inject(400, table="bench_task_results", body=body)
        r = self.upload()
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(len(self.posts("bench_task_results")), 1)
        self.assertIn("rejected by Supabase: POST /rest/v1/bench_task_results (14 rows): HTTP 400, "
                      "PGRST204: Could not find the 'baseline_p999' column of "
                      "'bench_task_results' in the schema cache; "
                      "hint: Apply scripts/supabase_migration.sql again", r.stderr)
        self.assertEqual(self.spooled(), [self.doc["run_id"] + ".json"])
        self.assertDelivered(self.flush())

    def test_database_check_violation_comes_back_as_postgrest_error(self):
        doc = copy.deepcopy(self.doc)
        doc["git_commit"] = "not a commit"  # valid for the schema, refused by the table's check
        path = os.path.join(self.tmp, "bad-commit.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        r = self.upload(files=[path])
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual([e["status"] for e in self.posts()], [400])
        self.assertIn('HTTP 400, 23514: new row for relation "bench_runs" violates check '
                      'constraint "bench_runs_git_commit_check"; details: Failing row contains',
                      r.stderr)
        self.assertEqual(self.counts(), {t: 0 for t in TABLES})

    def test_413_splits_the_batch(self):
        self.server.max_body_bytes = 16 * 1024
        r = self.upload()
        self.assertDelivered(r)
        statuses = [e["status"] for e in self.posts("bench_histogram_buckets")]
        self.assertEqual(statuses[0], 413)
        self.assertIn(201, statuses)
        self.assertEqual(sum(e["rows"] for e in self.posts("bench_histogram_buckets")
                             if e["status"] == 201), self.want["bench_histogram_buckets"])
        self.assertTrue(all(e["bytes"] <= 16 * 1024 for e in self.posts()
                            if e["status"] == 201))
        self.assertIn("too large", r.stderr)

    def test_publishable_key_cannot_write(self):
        r = self.upload(key=PUBLISHABLE_KEY)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("HTTP 401, 42501: permission denied for table bench_runs", r.stderr)
        self.assertEqual(self.counts(), {t: 0 for t in TABLES})
        # An anon JWT is refused the same way; and reading back shows nothing incomplete.
        r = self.upload(key=make_jwt(JWT_SECRET, "anon"))
        self.assertEqual(r.returncode, 4, r.stderr)

    def test_dry_run_sends_and_spools_nothing(self):
        r = self.upload("--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.server.log, [])
        self.assertEqual(self.spooled(), [])
        lines = r.stdout.splitlines()
        self.assertIn("POST %s/rest/v1/bench_runs?on_conflict=run_id  (1 rows," % self.server.url,
                      lines[1])
        self.assertIn("  apikey: <SUPABASE_KEY>", lines)
        batches = [len(b) for _, _, rows in telemetry.plan_upload(self.doc)
                   for b in telemetry.batches(rows, 500, 512 * 1024)]
        self.assertEqual(batches, [1, 14, 8, 500, self.want["bench_histogram_buckets"] - 500,
                                   self.want["bench_outliers"], 1])
        self.assertEqual([int(ln.split("(")[1].split()[0]) for ln in lines
                          if ln.startswith("POST ")], batches)

    def test_bad_input_is_refused_before_spooling(self):
        notjson = os.path.join(self.tmp, "notjson.json")
        with open(notjson, "w") as f:
            f.write("{ truncated")
        invalid = os.path.join(self.tmp, "invalid.json")
        doc = copy.deepcopy(self.doc)
        doc["kernel"] = "linux"
        with open(invalid, "w") as f:
            json.dump(doc, f)
        r = self.upload(files=[notjson, invalid])
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("notjson.json: not JSON", r.stderr)
        self.assertIn("invalid.json: not valid against schemas/results.schema.json at kernel: "
                      "'linux' is not one of ['sim', 'sel4']", r.stderr)
        self.assertEqual(self.spooled(), [])
        self.assertEqual(self.server.log, [])

    def test_live_test_skips_without_credentials_and_passes_on_the_stand_in(self):
        live = os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_live.py")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUPABASE_")}
        r = subprocess.run([PYTHON, live], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        self.assertEqual((r.returncode, r.stdout.strip()),
                         (77, "skipped: SUPABASE_URL and SUPABASE_KEY are not set"))
        r = subprocess.run([PYTHON, live], env=dict(env, **self.env()), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("read back complete with 14 task rows", r.stdout)
        self.assertNotIn(SECRET_KEY, r.stdout + r.stderr)
        self.assertEqual(self.counts(), self.want)

    def test_plain_http_to_a_remote_host_is_refused(self):
        r = self.upload(env={"SUPABASE_URL": "http://example.invalid", "SUPABASE_KEY": SECRET_KEY})
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("plain http", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
