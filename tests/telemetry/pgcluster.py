# A throwaway PostgreSQL server for the telemetry tests: initdb into a temporary directory,
# loopback only on a free port, its socket in that directory, stopped (and removed) at the end.
"""Start a private PostgreSQL 15 cluster with Supabase's API roles.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
`postgres` system user (created by Debian's postgresql package) via runuser; nothing is
created outside the temporary directory. A watchdog process stops the server if the test
process dies without cleaning up (for example when ctest kills it on timeout).
"""
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile

import psycopg2

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin")

# The roles and grants of Supabase's own init script (supabase/postgres,
# migrations/db/init-scripts/00000000000000-initial-schema.sql) and of its later migrations that
# change them (20230529180330_alter_api_roles_for_inherit.sql,
# 20221028101028_set_authenticator_timeout.sql, 10000000000000_demote-postgres.sql):
# the API roles are NOLOGIN, service_role has BYPASSRLS, authenticator logs in with NOINHERIT
# and may SET ROLE to each of them, and `postgres` is not a superuser.
SUPABASE_ROLES_SQL = """
create role postgres login createrole createdb replication bypassrls;
create role anon                nologin noinherit;
create role authenticated       nologin noinherit;
create role service_role        nologin noinherit bypassrls;
create user authenticator noinherit;
grant anon              to authenticator;
grant authenticated     to authenticator;
grant service_role      to authenticator;
grant usage on schema public to postgres, anon, authenticated, service_role;
alter role authenticated inherit;
alter role anon inherit;
alter role service_role inherit;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
"""

# Projects created before the 2026 change grant every new table in `public` to the API roles
# (the init script's default privileges, here for tables that `postgres` creates). The
# migration must leave the same grants whether or not these defaults exist.
LEGACY_DEFAULT_PRIVILEGES_SQL = """
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
"""


def pg_bin(name):
    for d in PG_BIN_DIRS:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    raise FileNotFoundError("PostgreSQL program %r not found in %s (install Debian's postgresql)"
                            % (name, ", ".join(PG_BIN_DIRS)))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server. Use as a context manager; `stop()` is idempotent."""

    SUPERUSER = "supabase_admin"

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="sel4bridge-pg-")
        self.data = os.path.join(self.tmp, "data")
        self.sock = self.tmp
        self.log = os.path.join(self.tmp, "server.log")
        self.port = None
        self.authenticator_password = secrets.token_hex(16)
        self.run_as = None
        if os.geteuid() == 0:
            self.run_as = "postgres"
            pw = pwd.getpwnam(self.run_as)
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
        self._watchdog = None
        self._running = False

    def _cmd(self, argv):
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--"] + argv
        return argv

    def _run(self, argv):
        r = subprocess.run(self._cmd(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, cwd=self.tmp)
        if r.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s" % (" ".join(argv), r.returncode, r.stdout))
        return r.stdout

    def start(self):
        # Local (socket) connections are trusted: the socket lives in a 0700 directory that
        # only the server's user (and root) can enter. TCP needs a password.
        self._run([pg_bin("initdb"), "-D", self.data, "-U", self.SUPERUSER, "-E", "UTF8",
                   "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "-N"])
        for attempt in range(5):
            self.port = free_port()
            opts = ("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s "
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                    "-c max_connections=40 -c shared_buffers=16MB"
                    % (self.port, self.sock))
            r = subprocess.run(self._cmd([pg_bin("pg_ctl"), "-D", self.data, "-l", self.log,
                                          "-o", opts, "-w", "-t", "60", "start"]),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode == 0:
                break
            with open(self.log) as f:
                log = f.read()
            if "could not bind" not in log and "in use" not in log:
                raise RuntimeError("pg_ctl start failed:\n%s\n%s" % (r.stdout, log))
        else:
            raise RuntimeError("could not find a free port for PostgreSQL")
        self._running = True
        self._start_watchdog()
        with self.connect() as conn:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(SUPABASE_ROLES_SQL)
                cur.execute("alter role authenticator with login password %s",
                            (self.authenticator_password,))
                cur.execute("alter database postgres owner to postgres")
                cur.execute("alter schema public owner to postgres")
        conn.close()
        return self

    def _start_watchdog(self):
        # Stops the server once this process is gone, however it ended.
        stop = " ".join(self._cmd([pg_bin("pg_ctl"), "-D", self.data, "-m", "immediate",
                                   "-w", "stop"]))
        script = ('while kill -0 %d 2>/dev/null; do sleep 1; done; %s >/dev/null 2>&1; rm -rf %s'
                  % (os.getpid(), stop, self.tmp))
        self._watchdog = subprocess.Popen(["sh", "-c", script], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True)

    def stop(self):
        if self._running:
            self._running = False
            subprocess.run(self._cmd([pg_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w",
                                      "stop"]), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if self._watchdog is not None:
            self._watchdog.kill()
            self._watchdog.wait()
            self._watchdog = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server_log(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()

    # Connections -------------------------------------------------------------------------

    def connect(self, user=None, dbname="postgres"):
        """A superuser-side connection over the private socket (as `supabase_admin` by
        default, or as `postgres`, the role Supabase's SQL editor and psql users have)."""
        return psycopg2.connect(host=self.sock, port=self.port, user=user or self.SUPERUSER,
                                dbname=dbname)

    def connect_authenticator(self, dbname="postgres"):
        """The connection PostgREST holds: `authenticator` over TCP with its password."""
        return psycopg2.connect(host="127.0.0.1", port=self.port, user="authenticator",
                                password=self.authenticator_password, dbname=dbname)

    def psql(self, sql_file, user="postgres", dbname="postgres"):
        """Apply a file the way the README says (psql -v ON_ERROR_STOP=1 -f FILE)."""
        env = dict(os.environ, PGHOST=self.sock, PGPORT=str(self.port), PGUSER=user,
                   PGDATABASE=dbname)
        r = subprocess.run([pg_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", sql_file],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return r.returncode, r.stdout, r.stderr

    def create_database(self, name, legacy_default_privileges=False):
        conn = self.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute('create database "%s" owner postgres' % name)
        conn.close()
        conn = self.connect(dbname=name)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("alter schema public owner to postgres")
            cur.execute("grant usage on schema public to anon, authenticated, service_role")
            if legacy_default_privileges:
                cur.execute(LEGACY_DEFAULT_PRIVILEGES_SQL)
        conn.close()


if __name__ == "__main__":
    # Manual use: start a cluster, print how to reach it, wait for Enter, stop it.
    with Cluster() as c:
        print("PGHOST=%s PGPORT=%d PGUSER=postgres PGDATABASE=postgres" % (c.sock, c.port))
        sys.stdin.readline()
