# A STAND-IN for Supabase's REST API (PostgREST behind Supabase's API gateway), for the telemetry
# tests only: real PostgREST cannot be installed here. It runs PostgREST's own SQL on a real server.
"""PostgREST-compatible stand-in, served on loopback.

This is not PostgREST. It implements the small part of Supabase's REST API that
scripts/telemetry.py and the tests use, and does it the way PostgREST does it, so that the
database side is exercised for real:

  * the gateway part: the `apikey` header must be a known key; an `sb_secret_…` key acts as
    service_role and an `sb_publishable_…` key as anon (the gateway turns them into a JWT), a
    legacy JWT key is checked (HS256) and PostgREST takes the role from `Authorization: Bearer`,
    falling back to anon without it. A non-JWT in Authorization is refused, as PostgREST does.
  * PostgREST's transaction: connect as `authenticator`, BEGIN, one
    `select set_config('search_path', …, true), set_config('role', <role>, true),
    set_config('request.jwt.claims', …, true), set_config('request.method', …), …` (what
    PostgREST's txVarQuery sends, role settings first), then the statement, then COMMIT.
  * the statements PostgREST builds (QueryBuilder.mutatePlanToQuery + Statements.prepareWrite for
    POST with on_conflict and Prefer: resolution=merge-duplicates; prepareRead for GET with eq
    filters, order and limit), see insert_sql() and select_sql().
  * PostgREST's errors: JSON {code, message, details, hint}; SQLSTATE mapped to HTTP status as
    PostgREST maps it; PGRST102 for bodies whose objects do not all have the same keys; PGRST204 /
    PGRST205 for unknown columns / tables.

For the tests it can also fail on purpose: inject() queues responses (429 with Retry-After, 503,
400 with a PostgREST error body, …) and max_body_bytes makes it answer 413; stop() / start()
take it down and bring it back on the same port. Every request is recorded in `log`.
"""
import base64
import hashlib
import hmac
import http.server
import json
import re
import threading
import time
import urllib.parse

import psycopg2
import psycopg2.extensions

SCHEMA = "public"
EXTRA_SEARCH_PATH = ("extensions",)  # Supabase's db-extra-search-path


# Identifiers and SQL ----------------------------------------------------------------------------

def ident(name):
    """PostgREST's pgFmtIdent: always double-quoted, quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def qi(table):
    return ident(SCHEMA) + "." + ident(table)


def insert_sql(table, columns, types, on_conflict, is_object):
    """The statement PostgREST runs for POST /table?on_conflict=… with
    Prefer: resolution=merge-duplicates, return=minimal (no ?columns, no missing=default).
    The body is its one parameter, typed json."""
    cols = ", ".join(ident(c) for c in columns)
    named = ", ".join("%s.%s" % (ident("pgrst_body"), ident(c)) for c in columns)
    typed = ", ".join("%s %s" % (ident(c), types[c]) for c in columns)
    parsed = ", ".join(ident(c) for c in columns)
    to_rec = "json_to_record" if is_object else "json_to_recordset"
    mutate = ("INSERT INTO %s(%s) SELECT %s FROM (SELECT %%s::json AS json_data) pgrst_payload, "
              "LATERAL (SELECT %s FROM %s(pgrst_payload.json_data) AS _(%s) ) pgrst_body "
              % (qi(table), cols, named, parsed, to_rec, typed))
    if on_conflict:
        mutate += (" ON CONFLICT(%s) DO UPDATE SET %s"
                   % (", ".join(ident(c) for c in on_conflict),
                      ", ".join("%s = EXCLUDED.%s" % (ident(c), ident(c)) for c in columns)))
    mutate += " RETURNING 1"
    return ("WITH pgrst_source AS (%s) SELECT '' AS total_result_set, "
            "pg_catalog.count(_postgrest_t) AS page_total, array[]::text[] AS header, "
            "''::text AS body, nullif(current_setting('response.headers', true), '') AS "
            "response_headers, nullif(current_setting('response.status', true), '') AS "
            "response_status FROM (SELECT * FROM pgrst_source) _postgrest_t" % mutate)


def select_sql(table, select, filters, order, limit):
    """The statement PostgREST runs for GET /table?select=…&col=eq.v&order=col.desc&limit=n.
    Filter values are parameters (untyped literals, as PostgREST sends them)."""
    sel = ", ".join("%s.%s" % (qi(table), "*" if c == "*" else ident(c)) for c in select)
    where = " AND ".join(" %s.%s = %%s" % (qi(table), ident(c)) for c, _ in filters)
    q = "SELECT %s FROM %s " % (sel, qi(table))
    if where:
        q += " WHERE " + where
    if order:
        q += " ORDER BY " + ", ".join("%s.%s %s" % (qi(table), ident(c), d.upper())
                                      for c, d in order)
    if limit is not None:
        q += " LIMIT %d OFFSET 0" % limit
    return ("WITH pgrst_source AS ( %s ) SELECT null::bigint AS total_result_set, "
            "pg_catalog.count(_postgrest_t) AS page_total, "
            "coalesce(json_agg(_postgrest_t), '[]') AS body, "
            "nullif(current_setting('response.headers', true), '') AS response_headers, "
            "nullif(current_setting('response.status', true), '') AS response_status "
            "FROM ( SELECT * FROM pgrst_source ) _postgrest_t" % q)


def tx_var_sql(role, role_settings, claims, method, path, headers):
    """PostgREST's txVarQuery: (sql, params)."""
    parts, params = ["set_config('search_path', %s, true)"], [
        ", ".join(ident(s) for s in (SCHEMA,) + EXTRA_SEARCH_PATH)]
    for k, v in role_settings:
        parts.append("set_config(%s, %s, true)")
        params += [k, v]
    parts += ["set_config('role', %s, true)", "set_config('request.jwt.claims', %s, true)",
              "set_config('request.method', %s, true)", "set_config('request.path', %s, true)",
              "set_config('request.headers', %s, true)", "set_config('request.cookies', %s, true)"]
    params += [role, json.dumps(dict(claims, role=role)), method, path,
               json.dumps({k.lower(): v for k, v in headers.items()}), "{}"]
    return "select " + ", ".join(parts), params


# PostgREST's SQLSTATE -> HTTP status (Error.hs, pgErrorStatus) --------------------------------

def pg_status(code, message, authed):
    if code is None:
        return 500
    exact = {"23503": 409, "23505": 409, "25006": 405, "42883": 404, "42P01": 404,
             "42P17": 500, "53400": 500, "57P01": 503, "P0001": 400}
    if code == "42501":
        return 403 if authed else 401
    if code == "21000":
        return 400 if message.endswith("requires a WHERE clause") else 500
    if code == "22023" and message.startswith("role") and message.endswith("does not exist"):
        return 401
    if code in exact:
        return exact[code]
    by_class = {"08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500,
                "38": 500, "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500,
                "57": 500, "58": 500, "F0": 500, "HV": 500, "P0": 500, "XX": 500}
    return by_class.get(code[:2], 400)


class ApiError(Exception):
    def __init__(self, status, code, message, details=None, hint=None, headers=None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}
        self.body = {"code": code, "details": details, "hint": hint, "message": message}


# Keys -------------------------------------------------------------------------------------------

def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(secret, role, ttl=3600):
    """A Supabase-style legacy API key: an HS256 JWT whose `role` claim names the role."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = _b64url(json.dumps({"iss": "supabase", "role": role,
                                 "exp": int(time.time()) + ttl}).encode())
    sig = hmac.new(secret.encode(), ("%s.%s" % (header, claims)).encode(), hashlib.sha256)
    return "%s.%s.%s" % (header, claims, _b64url(sig.digest()))


def verify_jwt(secret, token):
    parts = token.split(".")
    if len(parts) != 3:
        raise ApiError(401, "PGRST301", "Expected 3 parts in JWT; got %d" % len(parts))
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        sig = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except ValueError:
        raise ApiError(401, "PGRST301", "JWT couldn't be decoded")
    if header.get("alg") != "HS256":
        raise ApiError(401, "PGRST301", "Wrong or unsupported encoding algorithm")
    want = hmac.new(secret.encode(), ("%s.%s" % (parts[0], parts[1])).encode(),
                    hashlib.sha256).digest()
    if not hmac.compare_digest(want, sig):
        raise ApiError(401, "PGRST301", "JWT cryptographic operation failed")
    if isinstance(claims.get("exp"), (int, float)) and claims["exp"] < time.time():
        raise ApiError(401, "PGRST303", "JWT expired")
    return claims


# The server -------------------------------------------------------------------------------------

class StandIn:
    """Supabase REST stand-in bound to 127.0.0.1. `db` holds psycopg2.connect() arguments for
    the authenticator role; `keys` maps sb_secret_/sb_publishable_ keys to roles."""

    def __init__(self, db, jwt_secret, keys, port=0, anon_role="anon"):
        self.db, self.jwt_secret, self.keys = db, jwt_secret, dict(keys)
        self.anon_role = anon_role
        self.port = port
        self.max_body_bytes = None
        self.log = []
        self._faults = []
        self._lock = threading.Lock()
        self._httpd = None
        self._thread = None

    # Control for the tests.

    def inject(self, status, times=1, table=None, headers=None, body=None):
        """Answer the next `times` requests (to `table`, or any) with this response instead."""
        with self._lock:
            self._faults.append({"status": status, "times": times, "table": table,
                                 "headers": headers or {}, "body": body})

    def _take_fault(self, table):
        with self._lock:
            for f in self._faults:
                if f["table"] in (None, table):
                    f["times"] -= 1
                    if f["times"] == 0:
                        self._faults.remove(f)
                    return f
        return None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        handler = type("Handler", (_Handler,), {"standin": self})
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Down: the port stops accepting connections (connection refused)."""
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Request handling.

    def authenticate(self, headers):
        """(role, claims, authed) as Supabase's gateway and PostgREST decide them."""
        apikey = headers.get("apikey")
        if not apikey:
            raise ApiError(401, None, "No API key found in request",
                           hint="No `apikey` request header or url param was found.")
        if apikey in self.keys:
            role, claims = self.keys[apikey], {}
        elif apikey.count(".") == 2:
            verify_jwt(self.jwt_secret, apikey)
            role, claims = None, {}
        else:
            raise ApiError(401, None, "Invalid API key",
                           hint="Double check your Supabase `anon` or `service_role` API key.")
        auth = headers.get("Authorization")
        if auth is not None:
            if not auth.startswith("Bearer "):
                raise ApiError(401, "PGRST301", "Expected 3 parts in JWT; got 1")
            claims = verify_jwt(self.jwt_secret, auth[len("Bearer "):])
            role = claims.get("role") or self.anon_role
        elif role is None:
            role = self.anon_role  # a JWT apikey alone: PostgREST sees no token
        return role, claims, role != self.anon_role

    def _relation(self, cur, table):
        cur.execute("select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
                    "join pg_class c on c.oid = a.attrelid join pg_namespace n on "
                    "n.oid = c.relnamespace where n.nspname = %s and c.relname = %s and "
                    "c.relkind in ('r', 'v', 'p') and a.attnum > 0 and not a.attisdropped",
                    (SCHEMA, table))
        cols = dict(cur.fetchall())
        if not cols:
            raise ApiError(404, "PGRST205", "Could not find the table '%s.%s' in the schema cache"
                           % (SCHEMA, table))
        return cols

    def _role_settings(self, cur, role):
        cur.execute("select unnest(s.setconfig) from pg_db_role_setting s join pg_roles r on "
                    "r.oid = s.setrole where r.rolname = %s and s.setdatabase in "
                    "(0, (select oid from pg_database where datname = current_database()))",
                    (role,))
        return [tuple(row[0].split("=", 1)) for row in cur.fetchall()]

    def run(self, method, table, headers, query, body):
        """Returns (status, headers, body-bytes)."""
        role, claims, authed = self.authenticate(headers)
        conn = psycopg2.connect(**self.db)
        try:
            conn.set_session(readonly=(method == "GET"))
            with conn.cursor() as cur:
                cols = self._relation(cur, table)
                if method == "POST":
                    stmt, params = self._plan_post(table, cols, query, headers, body)
                else:
                    stmt, params = self._plan_get(table, cols, query)
                settings = self._role_settings(cur, role)
                sql, p = tx_var_sql(role, settings, claims, method, "/" + table, headers)
                try:
                    cur.execute(sql, p)
                    cur.execute(stmt, params)
                    row = cur.fetchone()
                    conn.commit()
                except psycopg2.Error as e:
                    conn.rollback()
                    d = e.diag
                    msg = d.message_primary or str(e)
                    raise ApiError(pg_status(e.pgcode, msg, authed), e.pgcode, msg,
                                   d.message_detail, d.message_hint)
        finally:
            conn.close()
        if method == "POST":
            return 201, {"Content-Range": "*/%d" % row[1]}, b""
        return 200, {"Content-Range": "0-%d/*" % (row[1] - 1) if row[1] else "*/*"}, \
            json.dumps(row[2]).encode()

    def _plan_post(self, table, cols, query, headers, body):
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "PGRST102", "Empty or invalid json")
        rows = payload if isinstance(payload, list) else [payload]
        if not rows or not all(isinstance(r, dict) for r in rows):
            raise ApiError(400, "PGRST102", "Empty or invalid json")
        keys = list(rows[0])
        if any(set(r) != set(keys) for r in rows):
            raise ApiError(400, "PGRST102", "All object keys must match")
        for k in keys:
            if k not in cols:
                raise ApiError(400, "PGRST204", "Could not find the '%s' column of '%s' in the "
                               "schema cache" % (k, table))
        prefer = [p.strip() for p in headers.get("Prefer", "").split(",")]
        on_conflict = None
        if "resolution=merge-duplicates" in prefer:
            on_conflict = [c for c in query.get("on_conflict", [""])[0].split(",") if c]
            if not on_conflict:
                raise ApiError(400, None, "on_conflict is required by this stand-in for "
                               "resolution=merge-duplicates")
        return insert_sql(table, keys, cols, on_conflict, isinstance(payload, dict)), \
            [body.decode("utf-8")]

    def _plan_get(self, table, cols, query):
        select = query.get("select", ["*"])[0].split(",")
        filters, order, limit = [], [], None
        for k, vs in query.items():
            if k == "order":
                for term in vs[0].split(","):
                    c, _, d = term.partition(".")
                    order.append((c, d or "asc"))
            elif k == "limit":
                limit = int(vs[0])
            elif k != "select":
                op, _, v = vs[0].partition(".")
                if op != "eq":
                    raise ApiError(400, "PGRST100", "this stand-in supports eq filters only")
                filters.append((k, v))
        for c in [c for c in select if c != "*"] + [c for c, _ in filters + order]:
            if c not in cols:
                raise ApiError(400, "42703", "column %s.%s does not exist" % (table, c))
        return select_sql(table, select, filters, order, limit), [v for _, v in filters]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    standin = None

    def log_message(self, *args):
        pass

    def _reply(self, status, headers=None, body=b""):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method):
        s = self.standin
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        m = re.match(r"^/rest/v1/([A-Za-z0-9_]+)$", url.path)
        table = m.group(1) if m else None
        entry = {"time": time.monotonic(), "method": method, "path": url.path, "query": query,
                 "headers": dict(self.headers.items()), "bytes": len(body),
                 "rows": None, "status": None}
        try:
            if method == "POST":
                try:
                    payload = json.loads(body)
                    entry["rows"] = len(payload) if isinstance(payload, list) else 1
                except ValueError:
                    pass
            fault = s._take_fault(table)
            if fault:
                raise ApiError(fault["status"], None, "", headers=fault["headers"]) \
                    if fault["body"] is None else _FaultBody(fault)
            if s.max_body_bytes is not None and len(body) > s.max_body_bytes:
                raise ApiError(413, None, "Request Entity Too Large")
            if table is None:
                raise ApiError(404, None, "no route for %s" % url.path)
            status, headers, out = s.run(method, table, self.headers, query, body)
        except _FaultBody as f:
            status, headers, out = f.status, f.headers, f.body
        except ApiError as e:
            status, headers = e.status, dict(e.headers)
            if e.status == 401:
                headers.setdefault("WWW-Authenticate", "Bearer")
            out = json.dumps(e.body).encode() if e.body.get("message") or e.body.get("code") \
                else b""
        entry["status"] = status
        with s._lock:
            s.log.append(entry)
        self._reply(status, headers, out)

    def do_POST(self):
        self._handle("POST")

    def do_GET(self):
        self._handle("GET")


class _FaultBody(Exception):
    def __init__(self, fault):
        super().__init__("injected")
        self.status, self.headers = fault["status"], fault["headers"]
        self.body = fault["body"] if isinstance(fault["body"], bytes) else \
            json.dumps(fault["body"]).encode()


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="Supabase REST stand-in (not PostgREST) on loopback")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--db-host", default="127.0.0.1")
    ap.add_argument("--db-port", type=int, required=True)
    ap.add_argument("--db-name", default="postgres")
    ap.add_argument("--db-password", required=True, help="password of the authenticator role")
    ap.add_argument("--jwt-secret", required=True)
    ap.add_argument("--secret-key", action="append", default=[], help="an sb_secret_ key")
    ap.add_argument("--publishable-key", action="append", default=[],
                    help="an sb_publishable_ key")
    a = ap.parse_args()
    keys = {k: "service_role" for k in a.secret_key}
    keys.update({k: "anon" for k in a.publishable_key})
    srv = StandIn({"host": a.db_host, "port": a.db_port, "dbname": a.db_name,
                   "user": "authenticator", "password": a.db_password}, a.jwt_secret, keys,
                  port=a.port).start()
    print("stand-in serving %s/rest/v1/ (Ctrl-C stops it)" % srv.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        srv.stop()
