# Shared pieces of the telemetry tests: paths, the sample results, a migrated database, the
# uploader run as a command, and row counts.
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
MIGRATION = os.path.join(REPO, "scripts", "supabase_migration.sql")
UPLOADER = os.path.join(REPO, "scripts", "telemetry.py")
SCHEMA = os.path.join(REPO, "schemas", "results.schema.json")
SAMPLE = os.path.join(HERE, "sample-results.json")
PYTHON = "/usr/bin/python3"

sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "scripts"))

import pgcluster  # noqa: E402
import telemetry  # noqa: E402,F401  (the uploader, for the tests' use of its row mapping)

TABLES = ("bench_runs", "bench_task_results", "bench_linux_baselines",
          "bench_histogram_buckets", "bench_outliers")
VIEWS = ("bench_latest_runs", "bench_task_percentiles", "bench_missed_targets",
         "bench_regressions")


def load_sample():
    with open(SAMPLE) as f:
        return json.load(f)


def expected_counts(doc):
    """Rows one document must leave in each table, counted from the document itself."""
    series = [t for t in doc["tasks"]] + [t["baseline"] for t in doc["tasks"]] \
        + doc["linux_baselines"]
    return {"bench_runs": 1, "bench_task_results": len(doc["tasks"]),
            "bench_linux_baselines": len(doc["linux_baselines"]),
            "bench_histogram_buckets": sum(len(m.get("histogram") or []) for m in series),
            "bench_outliers": sum(len(m.get("outliers") or []) for m in series)}


def apply_migration(cluster, dbname="postgres"):
    rc, out, err = cluster.psql(MIGRATION, user="postgres", dbname=dbname)
    if rc != 0:
        raise AssertionError("migration failed (%d): %s" % (rc, err))
    return out, err


def row_counts(conn):
    with conn.cursor() as cur:
        counts = {}
        for t in TABLES:
            cur.execute("select count(*) from public.%s" % t)
            counts[t] = cur.fetchone()[0]
    conn.rollback()
    return counts


class MigratedDatabaseTest(unittest.TestCase):
    """A test class with one PostgreSQL server of its own, migrated once; every test starts
    from empty tables."""

    @classmethod
    def setUpClass(cls):
        cls.cluster = pgcluster.Cluster().start()
        try:
            cls.prepare_cluster()
        except BaseException:
            cls.cluster.stop()
            raise

    @classmethod
    def prepare_cluster(cls):
        apply_migration(cls.cluster)

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def setUp(self):
        conn = self.cluster.connect()
        with conn.cursor() as cur:
            cur.execute("truncate %s" % ", ".join(TABLES))
        conn.commit()
        conn.close()

    def counts(self):
        conn = self.cluster.connect()
        try:
            return row_counts(conn)
        finally:
            conn.close()


def run_uploader(args, env_extra=None, secret=None, timeout=120):
    """Runs scripts/telemetry.py as a user would; returns CompletedProcess. Fails the caller if
    `secret` ever shows up in what it printed."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SUPABASE_URL", "SUPABASE_KEY", "SEL4BRIDGE_TELEMETRY_SPOOL")}
    env.update(env_extra or {})
    r = subprocess.run([PYTHON, UPLOADER] + list(args), env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=timeout)
    if secret and (secret in r.stdout or secret in r.stderr):
        raise AssertionError("the key was printed:\n%s\n%s" % (r.stdout, r.stderr))
    return r
