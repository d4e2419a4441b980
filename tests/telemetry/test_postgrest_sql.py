#!/usr/bin/python3
# The statements PostgREST runs for the uploader's upserts, run on a real PostgreSQL as PostgREST
# runs them (connected as authenticator, SET LOCAL ROLE + request.jwt.claims in one transaction):
# service_role can upsert and repeating it adds no row; anon and authenticated cannot write and
# read complete runs only, through the tables and through the views.
import copy
import json
import os
import unittest
import uuid

import psycopg2

from common import (REPO, TABLES, VIEWS, MigratedDatabaseTest, expected_counts, load_sample,
                    telemetry)
from postgrest_standin import insert_sql, select_sql, tx_var_sql


class PostgrestSqlTest(MigratedDatabaseTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        conn = cls.cluster.connect()
        with conn.cursor() as cur:
            cur.execute("select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
                        "from pg_attribute a join pg_class c on c.oid = a.attrelid where "
                        "c.relnamespace = 'public'::regnamespace and a.attnum > 0")
            cls.types = {}
            for rel, col, typ in cur.fetchall():
                cls.types.setdefault(rel, {})[col] = typ
        conn.close()

    # PostgREST's transaction, as the stand-in and PostgREST run it.

    def as_role(self, role, statement, params, method="POST", path="/x"):
        conn = self.cluster.connect_authenticator()
        try:
            with conn.cursor() as cur:
                sql, p = tx_var_sql(role, [], {"role": role}, method, path, {})
                cur.execute(sql, p)
                cur.execute(statement, params)
                rows = cur.fetchall() if cur.description else None
            conn.commit()
            return rows
        finally:
            conn.close()

    def upsert(self, role, table, on_conflict, rows):
        stmt = insert_sql(table, list(rows[0]), self.types[table], on_conflict.split(","), False)
        return self.as_role(role, stmt, [json.dumps(rows)], path="/" + table)

    def upload(self, doc, role="service_role", complete=True):
        plan = telemetry.plan_upload(doc)
        if not complete:
            plan = plan[:-1]
        for table, on_conflict, rows in plan:
            result = self.upsert(role, table, on_conflict, rows)
            # PostgREST's page_total: the number of rows the statement inserted or updated.
            self.assertEqual(result[0][1], len(rows), table)
        return plan

    def read(self, role, relation):
        return self.as_role(role, select_sql(relation, ["*"], [], [], None), [],
                            method="GET", path="/" + relation)[0][2]

    # Tests.

    def test_service_role_upsert_twice_changes_no_row_count(self):
        doc = load_sample()
        want = expected_counts(doc)
        self.upload(doc)
        self.assertEqual(self.counts(), want)
        changed = copy.deepcopy(doc)
        changed["cpu"] = "Example CPU, renamed"
        changed["tasks"][0]["stats"]["max"] += 1
        self.upload(changed)
        self.assertEqual(self.counts(), want)
        conn = self.cluster.connect()
        with conn.cursor() as cur:
            cur.execute("select r.cpu, r.complete, t.max from bench_runs r join bench_task_results "
                        "t using (run_id) where t.task = 'call' and t.variant = 'bridge'")
            self.assertEqual(cur.fetchall(),
                             [("Example CPU, renamed", True, changed["tasks"][0]["stats"]["max"])])
            # Every histogram bucket and outlier belongs to a series of a stored task or baseline.
            cur.execute("select count(*) from (select run_id, series from bench_histogram_buckets "
                        "union all select run_id, series from bench_outliers) c where not exists "
                        "(select 1 from bench_task_results t where t.run_id = c.run_id and "
                        "c.series in (t.series, t.baseline_series)) and not exists (select 1 from "
                        "bench_linux_baselines l where l.run_id = c.run_id and l.series = c.series)")
            self.assertEqual(cur.fetchone()[0], 0)
        conn.close()

    def test_the_harness_example_document_uploads(self):
        # The results schema's own example (tests/bench/), with its not-measured task.
        path = os.path.join(REPO, "tests", "bench", "example-results.json")
        if not os.path.exists(path):
            self.skipTest("tests/bench/example-results.json is not in this checkout")
        doc = telemetry.load_results(path)
        self.upload(doc)
        self.upload(doc)
        self.assertEqual(self.counts(), expected_counts(doc))
        self.assertEqual(len(self.read("anon", "bench_task_results")), len(doc["tasks"]))

    def test_readers_cannot_write(self):
        doc = load_sample()
        plan = self.upload(doc)
        for role in ("anon", "authenticated"):
            for table, on_conflict, rows in plan[:-1]:
                with self.subTest(role=role, table=table, op="upsert"):
                    with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
                        self.upsert(role, table, on_conflict, rows[:1])
                with self.subTest(role=role, table=table, op="update"):
                    with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
                        self.as_role(role, 'update public."%s" set run_id = run_id' % table, [])
                with self.subTest(role=role, table=table, op="delete"):
                    with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
                        self.as_role(role, 'delete from public."%s"' % table, [])
        for op in ("delete from public.bench_runs", "truncate public.bench_runs"):
            with self.subTest(role="service_role", op=op):
                with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
                    self.as_role("service_role", op, [])
        self.assertEqual(self.counts(), expected_counts(doc))

    def test_readers_see_complete_runs_only(self):
        done = load_sample()
        partial = copy.deepcopy(done)
        partial["run_id"] = str(uuid.UUID(int=1, version=4))
        partial["started_at"] = "2025-02-04T10:00:00Z"
        partial["finished_at"] = "2025-02-04T10:01:00Z"
        self.upload(done)
        self.upload(partial, complete=False)
        counts = expected_counts(done)
        self.assertEqual(self.counts(), {t: 2 * n for t, n in counts.items()})
        for role in ("anon", "authenticated"):
            with self.subTest(role=role):
                for table in TABLES:
                    rows = self.read(role, table)
                    self.assertEqual(len(rows), counts[table], table)
                    self.assertEqual({r["run_id"] for r in rows}, {done["run_id"]}, table)
                latest = self.read(role, "bench_latest_runs")
                self.assertEqual([(r["kernel"], r["platform"], r["run_id"]) for r in latest],
                                 [("sim", "linux", done["run_id"])])
                self.assertEqual(len(self.read(role, "bench_task_percentiles")),
                                 len(done["tasks"]))
        # For a reader that bypasses RLS (postgres, as in the SQL editor) the views also keep
        # to complete runs, while the tables show both.
        conn = self.cluster.connect(user="postgres")
        with conn.cursor() as cur:
            cur.execute("select run_id::text from bench_latest_runs")
            self.assertEqual(cur.fetchall(), [(done["run_id"],)])
            cur.execute("select count(*) from bench_task_percentiles")
            self.assertEqual(cur.fetchone()[0], len(done["tasks"]))
            cur.execute("select count(*) from bench_runs")
            self.assertEqual(cur.fetchone()[0], 2)
        conn.close()

    def test_service_role_reads_nothing_beyond_its_upsert_columns(self):
        self.upload(load_sample())
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
            self.read("service_role", "bench_runs")  # uploaded_at is not granted
        for view in VIEWS:
            with self.subTest(view=view):
                with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
                    self.read("service_role", view)

    def two_runs_and_a_regression(self):
        first = load_sample()
        second = copy.deepcopy(first)
        second["run_id"] = str(uuid.UUID(int=2, version=4))
        second["git_commit"] = "abcdef0"
        second["started_at"], second["finished_at"] = "2025-02-05T09:00:00Z", None
        # call: p50 and ratio 25 % worse; notify: 5 % worse (within the rule's 10 %).
        for t in second["tasks"]:
            if t["name"] in ("call", "notify") and t["stats"]:
                factor = 1.25 if t["name"] == "call" else 1.05
                for k in ("min", "p50", "p90", "p95", "p99", "p999", "max", "mean"):
                    t["stats"][k] = t["stats"][k] * factor
                t["overhead_ratio"] = t["overhead_ratio"] * factor
        other_platform = copy.deepcopy(first)
        other_platform["run_id"] = str(uuid.UUID(int=3, version=4))
        other_platform["kernel"], other_platform["platform"] = "sel4", "pc99"
        for doc in (first, second, other_platform):
            self.upload(doc)
        return first, second, other_platform

    def test_dashboard_views(self):
        first, second, other_platform = self.two_runs_and_a_regression()
        conn = self.cluster.connect(user="postgres")
        cur = conn.cursor()
        cur.execute("select kernel, platform, run_id::text from bench_latest_runs")
        self.assertEqual(sorted(cur.fetchall()), [("sel4", "pc99", other_platform["run_id"]),
                                                  ("sim", "linux", second["run_id"])])
        cur.execute("select run_id::text, task, variant, params_key, ratio_regressed, "
                    "p50_regressed from bench_regressions")
        self.assertEqual(cur.fetchall(), [(second["run_id"], "call", "bridge", "{}", True, True)])
        missed = [t for t in first["tasks"] if t["met"] is False]
        self.assertEqual([(t["name"], t["params"]) for t in missed], [("grant", {"k": 32})])
        cur.execute("select run_id::text, missed, missed_tasks from bench_missed_targets")
        self.assertEqual(sorted(cur.fetchall()),
                         sorted((d["run_id"], 1, ['grant/bridge{"k":32}'])
                                for d in (first, other_platform, second)))
        cur.execute("select git_commit, p50, p95, p99 from bench_task_percentiles where "
                    "kernel = 'sim' and task = 'call' order by started_at")
        self.assertEqual(cur.fetchall(),
                         [(d["git_commit"], d["tasks"][0]["stats"]["p50"],
                           d["tasks"][0]["stats"]["p95"], d["tasks"][0]["stats"]["p99"])
                          for d in (first, second)])
        conn.close()


    def test_readme_dashboard_queries_run_and_find_rows(self):
        with open(os.path.join(REPO, "README.md")) as f:
            readme = f.read()
        section = readme.split("\n## Telemetry\n", 1)[1].split("\n## ", 1)[0]
        sql = section.split("```sql\n", 1)[1].split("```", 1)[0]
        code = "\n".join(ln for ln in sql.splitlines() if not ln.startswith("--"))
        statements = [s.strip() for s in code.split(";") if s.strip()]
        self.assertEqual(len(statements), 6)
        self.two_runs_and_a_regression()
        conn = self.cluster.connect(user="postgres")
        with conn.cursor() as cur:
            for statement in statements:
                with self.subTest(statement=statement.splitlines()[0]):
                    cur.execute(statement)
                    self.assertGreater(len(cur.fetchall()), 0)
        conn.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
