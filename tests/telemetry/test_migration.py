#!/usr/bin/python3
# scripts/supabase_migration.sql on a real PostgreSQL 15 with Supabase's roles: applies, applies
# again without changing anything, and leaves exactly the keys, checks, RLS and grants intended.
import json
import subprocess
import unittest

import psycopg2

from common import (MIGRATION, SAMPLE, SCHEMA, TABLES, VIEWS, MigratedDatabaseTest,
                    apply_migration, load_sample, pgcluster, telemetry)

# (database, whether it has the default privileges of a project made before 2026)
DATABASES = (("new_project", False), ("legacy_project", True))


def schema_dump(cluster, dbname):
    r = subprocess.run([pgcluster.pg_bin("pg_dump"), "-h", cluster.sock, "-p", str(cluster.port),
                        "-U", cluster.SUPERUSER, "--schema-only", "--no-comments", dbname],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise AssertionError(r.stderr)
    # pg_dump brackets its output with a random \\restrict token: not part of the schema.
    return "\n".join(line for line in r.stdout.splitlines()
                     if not line.startswith(("\\restrict", "\\unrestrict")))


class MigrationTest(MigratedDatabaseTest):
    @classmethod
    def prepare_cluster(cls):
        cls.dumps = {}
        for db, legacy in DATABASES:
            cls.cluster.create_database(db, legacy_default_privileges=legacy)
            apply_migration(cls.cluster, db)
            cls.dumps[db] = schema_dump(cls.cluster, db)

    def setUp(self):
        pass  # the tests share the two databases; none depends on rows another one left

    def query(self, db, sql, params=None):
        conn = self.cluster.connect(dbname=db)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    def test_sample_is_a_valid_results_document(self):
        import jsonschema
        with open(SCHEMA) as f:
            schema = json.load(f)
        doc = load_sample()
        jsonschema.validators.validator_for(schema)(schema).validate(doc)
        self.assertEqual(telemetry.load_results(SAMPLE)["run_id"], doc["run_id"])

    def test_applies_again_without_change_and_keeps_rows(self):
        for db, _ in DATABASES:
            conn = self.cluster.connect(user="postgres", dbname=db)
            with conn.cursor() as cur:
                cur.execute("insert into bench_runs (run_id, schema_version, started_at, kernel, "
                            "arch, platform, cpu, timer_hz, git_commit, kernel_config, "
                            "address_spaces, mode, quick, measurement, correctness_ok, "
                            "task_count, linux_baseline_count) values (gen_random_uuid(), 1, "
                            "now(), 'sim', 'x86_64', 'linux', 'cpu', 1, 'unknown', '{}', "
                            "'shared', 'quick', true, '{}', true, 0, 0)")
            conn.commit()
            conn.close()
            rows = self.query(db, "select * from bench_runs order by run_id")
            self.assertNotEqual(rows, [])
            before = schema_dump(self.cluster, db)
            self.assertEqual(before, self.dumps[db])
            rc, _, err = self.cluster.psql(MIGRATION, user="postgres", dbname=db)
            self.assertEqual(rc, 0, err)
            self.assertNotIn("ERROR", err)
            self.assertEqual(schema_dump(self.cluster, db), before, db)
            self.assertEqual(self.query(db, "select * from bench_runs order by run_id"), rows)

    def test_both_kinds_of_project_end_with_the_same_schema(self):
        # The legacy project differs only by its default privileges, which the migration
        # leaves alone (they are the project's, not ours).
        def ours(dump):
            return [block for block in dump.split("\n--\n")
                    if "DEFAULT PRIVILEGES" not in block and "DEFAULT ACL" not in block]
        self.assertEqual(ours(self.dumps["new_project"]), ours(self.dumps["legacy_project"]))

    def test_row_level_security_on_every_table(self):
        for db, _ in DATABASES:
            rows = self.query(db, "select c.relname, c.relrowsecurity from pg_class c join "
                                  "pg_namespace n on n.oid = c.relnamespace where n.nspname = "
                                  "'public' and c.relkind = 'r' order by 1")
            self.assertEqual(rows, sorted((t, True) for t in TABLES), db)

    def test_views_run_as_the_reader(self):
        for db, _ in DATABASES:
            rows = self.query(db, "select c.relname, c.reloptions from pg_class c join "
                                  "pg_namespace n on n.oid = c.relnamespace where n.nspname = "
                                  "'public' and c.relkind = 'v' order by 1")
            self.assertEqual(rows, sorted((v, ["security_invoker=true"]) for v in VIEWS), db)

    def test_keys_are_full_unique_constraints_matching_on_conflict(self):
        plan = telemetry.plan_upload(load_sample())
        wanted = {table: on_conflict.split(",") for table, on_conflict, _ in plan}
        rows = self.query("new_project",
                          "select c.conrelid::regclass::text, array_agg(a.attname order by "
                          "k.ord), pg_get_expr(i.indpred, i.indrelid) from pg_constraint c "
                          "join pg_index i on i.indexrelid = c.conindid "
                          "cross join unnest(c.conkey) with ordinality k(attnum, ord) "
                          "join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum "
                          "where c.contype = 'p' and c.connamespace = 'public'::regnamespace "
                          "group by 1, 3")
        self.assertEqual({t: cols for t, cols, _ in rows}, wanted)
        self.assertEqual([pred for _, _, pred in rows], [None] * len(rows))

    def test_grants_are_exactly_what_each_role_needs(self):
        plan = telemetry.plan_upload(load_sample())
        sent = {}
        for table, _, rows in plan:
            sent.setdefault(table, set()).update(rows[0])
        for db, _ in DATABASES:
            table_grants = self.query(
                db, "select grantee, table_name, string_agg(privilege_type, ',' order by "
                    "privilege_type) from information_schema.role_table_grants where "
                    "table_schema = 'public' and grantee in ('anon', 'authenticated', "
                    "'service_role', 'PUBLIC') group by 1, 2 order by 1, 2")
            self.assertEqual(table_grants,
                             sorted((r, rel, "SELECT") for r in ("anon", "authenticated")
                                    for rel in TABLES + VIEWS), db)
            col_grants = self.query(
                db, "select table_name, privilege_type, array_agg(column_name::text order by "
                    "column_name) from information_schema.column_privileges where "
                    "table_schema = 'public' and grantee = 'service_role' group by 1, 2")
            got = {(t, p): set(cols) for t, p, cols in col_grants}
            want = {(t, p): sent[t] for t in TABLES for p in ("INSERT", "SELECT", "UPDATE")}
            self.assertEqual(got, want, db)
            self.assertEqual(self.query(db, "select has_table_privilege('service_role', "
                                            "'bench_runs', 'DELETE'), has_table_privilege("
                                            "'service_role', 'bench_runs', 'TRUNCATE')"),
                             [(False, False)])

    def test_checks_refuse_bad_values(self):
        doc = load_sample()
        plan = telemetry.plan_upload(doc)
        run = dict(plan[0][2][0])
        task = dict(plan[1][2][0])
        bad_runs = {"kernel": "linux", "address_spaces": "both", "timer_hz": 0,
                    "git_commit": "main; drop table", "mode": "fast",
                    "finished_at": "2000-01-01T00:00:00Z", "kernel_config": [1]}
        bad_tasks = {"task": "ping", "unit": "ms", "p50": 1e12, "stddev": -1.0,
                     "params_key": '{"k":9}', "overhead_ratio": 0.0, "met": True,
                     "n": None, "target_kind": "bound", "violations": -1}
        conn = self.cluster.connect(user="postgres", dbname="new_project")
        conn.autocommit = True
        cur = conn.cursor()

        def insert(table, row):
            cols = list(row)
            cur.execute("insert into %s (%s) values (%s)"
                        % (table, ", ".join('"%s"' % c for c in cols),
                           ", ".join(["%s"] * len(cols))),
                        [json.dumps(v) if isinstance(v, (dict, list)) else v
                         for v in row.values()])

        for col, value in bad_runs.items():
            with self.subTest(table="bench_runs", column=col):
                with self.assertRaises(psycopg2.errors.CheckViolation):
                    insert("bench_runs", dict(run, **{col: value}))
        insert("bench_runs", run)
        for col, value in bad_tasks.items():
            with self.subTest(table="bench_task_results", column=col):
                row = dict(task, **{col: value})
                if col == "met":
                    row.update(status="not_measured", n=None, min=None, p50=None, p90=None,
                               p95=None, p99=None, p999=None, max=None, mean=None, stddev=None,
                               overhead_ratio=None)
                with self.assertRaises(psycopg2.errors.CheckViolation):
                    insert("bench_task_results", row)
        insert("bench_task_results", task)
        series = telemetry.task_series(doc["tasks"][0], "bridge")
        for table, row in (("bench_histogram_buckets", {"series": series, "lo": 5, "hi": 5,
                                                        "count": 1}),
                           ("bench_histogram_buckets", {"series": "call", "lo": 1, "hi": 2,
                                                        "count": 1}),
                           ("bench_histogram_buckets", {"series": series, "lo": 1, "hi": 2,
                                                        "count": 0}),
                           ("bench_outliers", {"series": series, "sample_index": -1,
                                               "value": 1})):
            with self.subTest(table=table, row=row):
                with self.assertRaises(psycopg2.errors.CheckViolation):
                    insert(table, dict(row, run_id=run["run_id"]))
        conn.close()

    def test_dashboard_indexes_exist(self):
        rows = self.query("new_project", "select indexname from pg_indexes where schemaname = "
                                         "'public' and indexname not like '%pkey' order by 1")
        self.assertEqual([r[0] for r in rows],
                         ["bench_linux_baselines_related_idx", "bench_runs_git_commit_idx",
                          "bench_runs_kernel_platform_started_idx",
                          "bench_task_results_missed_idx", "bench_task_results_task_idx"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
