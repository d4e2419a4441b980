#!/usr/bin/python3
# Uploads sel4bridge benchmark results (the harness's results JSON) to Supabase through its REST
# API (PostgREST), as idempotent upserts, through an on-disk spool so that nothing is lost.
"""sel4bridge telemetry uploader.

  telemetry.py upload RESULTS.json...   spool each run, then send it; the spool entry is removed
                                        only once every batch of it was accepted
  telemetry.py upload --dry-run FILE    print the requests that would be sent; send nothing
  telemetry.py flush                    re-send every run left in the spool

Environment: SUPABASE_URL (https://<project>.supabase.co) and SUPABASE_KEY (the service_role
key: `sb_secret_…`, or the legacy JWT). The key is never printed. With either unset, `upload`
spools and says so. The spool directory is --spool, else $SEL4BRIDGE_TELEMETRY_SPOOL, else
$XDG_STATE_HOME/sel4bridge/telemetry-spool (~/.local/state/… by default).

Exit status (with several files, the highest applies):
  0  everything delivered (or printed, with --dry-run; or nothing to flush)
  2  usage error (bad option, bad SUPABASE_URL)
  3  not delivered, kept in the spool: SUPABASE_URL/SUPABASE_KEY unset, or Supabase unreachable
     or still failing after the retries (connection errors, 408, 429, 5xx); run `flush` later
  4  rejected by Supabase (another 4xx, e.g. the migration was not applied or a value failed a
     check); kept in the spool, PostgREST's error printed; fix the cause, then `flush`
  5  a results file could not be read or is not a valid results document; nothing spooled for it
  6  the spool could not be written or read
"""
import argparse
import base64
import datetime
import email.utils
import fcntl
import json
import os
import random
import re
import sys
import tempfile
import time
import urllib.parse
import uuid

EXIT_OK, EXIT_USAGE, EXIT_SPOOLED, EXIT_REJECTED, EXIT_BAD_INPUT, EXIT_SPOOL = 0, 2, 3, 4, 5, 6

SPOOL_FORMAT = 1
SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "schemas",
                           "results.schema.json")

# Tables in upload order, each with the key PostgREST's on_conflict targets (the table's primary
# key in scripts/supabase_migration.sql). bench_runs comes first (its children reference it) and
# again last, with complete = true, which makes the run visible to dashboard readers.
RUNS = ("bench_runs", "run_id")
TASK_RESULTS = ("bench_task_results", "run_id,task,variant,params_key")
LINUX_BASELINES = ("bench_linux_baselines", "run_id,related_task,name,params_key")
HISTOGRAM_BUCKETS = ("bench_histogram_buckets", "run_id,series,lo")
OUTLIERS = ("bench_outliers", "run_id,series,sample_index")

STAT_KEYS = ("n", "min", "p50", "p90", "p95", "p99", "p999", "max", "mean", "stddev")
RUN_COLUMNS = ("run_id", "schema_version", "started_at", "finished_at", "kernel", "arch",
               "platform", "cpu", "cpu_count", "timer_hz", "git_commit", "git_dirty",
               "kernel_config", "address_spaces", "mode", "quick", "emulation", "pinning",
               "measurement", "correctness_ok", "harness")
TASK_KNOWN = {"name", "variant", "params", "description", "status", "status_reason", "unit",
              "stats", "histogram", "outliers", "outlier_count", "baseline", "overhead_ratio",
              "target", "met", "correctness"}
LINUX_KNOWN = {"name", "params", "related_task", "description", "status", "status_reason", "unit",
               "stats", "histogram", "outliers", "outlier_count"}


class InputError(Exception):
    """A results file that cannot be uploaded as it is."""


# Results document -> rows -----------------------------------------------------------------------

def params_key(params):
    """The canonical text of a params object: compact JSON, keys sorted. Part of the keys."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def task_series(task, side):
    return "%s/%s/%s/%s" % (task["name"], task["variant"], params_key(task.get("params") or {}),
                            side)


def linux_series(m):
    return "linux/%s/%s/%s" % (m.get("related_task") or "none", m["name"],
                               params_key(m.get("params") or {}))


def _stats(prefix, stats):
    stats = stats or {}
    return {prefix + k: stats.get(k) for k in STAT_KEYS}


def _children(run_id, series, m):
    buckets = [{"run_id": run_id, "series": series, "lo": b["lo"], "hi": b["hi"],
                "count": b["count"]} for b in (m.get("histogram") or [])]
    outliers = [{"run_id": run_id, "series": series, "sample_index": o["index"],
                 "value": o["value"]} for o in (m.get("outliers") or [])]
    return buckets, outliers


def plan_upload(doc):
    """The requests that store one results document, in order: a list of
    (table, on_conflict, rows). Every row of one table has the same keys."""
    run_id = doc["run_id"]
    run = {c: doc.get(c) for c in RUN_COLUMNS}
    run["extra"] = {k: v for k, v in doc.items()
                    if k not in RUN_COLUMNS and k not in ("tasks", "linux_baselines")}
    run["task_count"] = len(doc["tasks"])
    run["linux_baseline_count"] = len(doc["linux_baselines"])

    tasks, linux, buckets, outliers = [], [], [], []
    for t in doc["tasks"]:
        b = t["baseline"]
        corr = t.get("correctness") or {}
        target = t.get("target") or {}
        params = t.get("params") or {}
        row = {"run_id": run_id, "task": t["name"], "variant": t["variant"], "params": params,
               "params_key": params_key(params), "description": t.get("description"),
               "status": t["status"], "status_reason": t.get("status_reason"),
               "unit": t["unit"]}
        row.update(_stats("", t.get("stats")))
        row.update({"outlier_count": t.get("outlier_count"),
                    "checks": corr.get("checks", 0), "violations": corr.get("violations", 0),
                    "lost": corr.get("lost", 0), "duplicated": corr.get("duplicated", 0),
                    "errors": corr.get("errors"),
                    "baseline_name": b["name"], "baseline_description": b.get("description"),
                    "baseline_params": b.get("params") or {}, "baseline_status": b["status"],
                    "baseline_status_reason": b.get("status_reason"), "baseline_unit": b["unit"]})
        row.update(_stats("baseline_", b.get("stats")))
        row.update({"baseline_outlier_count": b.get("outlier_count"),
                    "baseline_correctness": b.get("correctness"),
                    "overhead_ratio": t.get("overhead_ratio"),
                    "target_kind": target.get("kind"), "target_ratio_max": target.get("ratio_max"),
                    "target_bound_max": target.get("bound_max"),
                    "target_bound_stat": target.get("bound_stat"),
                    "target_bound_unit": target.get("bound_unit"),
                    "target_description": target.get("description"), "met": t.get("met"),
                    "extra": {k: v for k, v in t.items() if k not in TASK_KNOWN}})
        tasks.append(row)
        for side, m in (("bridge", t), ("baseline", b)):
            hb, ol = _children(run_id, task_series(t, side), m)
            buckets += hb
            outliers += ol
    for m in doc["linux_baselines"]:
        params = m.get("params") or {}
        row = {"run_id": run_id, "name": m["name"], "params": params,
               "params_key": params_key(params), "related_task": m.get("related_task") or "none",
               "description": m.get("description"), "status": m["status"],
               "status_reason": m.get("status_reason"), "unit": m["unit"]}
        row.update(_stats("", m.get("stats")))
        row.update({"outlier_count": m.get("outlier_count"),
                    "extra": {k: v for k, v in m.items() if k not in LINUX_KNOWN}})
        linux.append(row)
        hb, ol = _children(run_id, linux_series(m), m)
        buckets += hb
        outliers += ol

    plan = [(RUNS[0], RUNS[1], [run]),
            (TASK_RESULTS[0], TASK_RESULTS[1], tasks),
            (LINUX_BASELINES[0], LINUX_BASELINES[1], linux),
            (HISTOGRAM_BUCKETS[0], HISTOGRAM_BUCKETS[1], buckets),
            (OUTLIERS[0], OUTLIERS[1], outliers),
            (RUNS[0], RUNS[1], [dict(run, complete=True)])]
    for table, on_conflict, rows in plan:
        # One upsert cannot touch a key twice (PostgreSQL refuses it): reject such a document.
        seen = set()
        for row in rows:
            key = tuple(json.dumps(row[c], sort_keys=True) for c in on_conflict.split(","))
            if key in seen:
                raise InputError("two %s rows have the same key (%s) = (%s)"
                                 % (table, on_conflict, ", ".join(key)))
            seen.add(key)
    return [(t, k, rows) for t, k, rows in plan if rows]


def _check_document(doc):
    """The checks the upload itself depends on, made whether or not jsonschema is present."""
    if not isinstance(doc, dict):
        raise InputError("the document is not a JSON object")
    if doc.get("schema_version") != 1:
        raise InputError("schema_version is %r; this uploader reads version 1"
                         % (doc.get("schema_version"),))
    try:
        if str(uuid.UUID(str(doc.get("run_id")))) != doc.get("run_id"):
            raise ValueError
    except ValueError:
        raise InputError("run_id %r is not a lower-case UUID" % (doc.get("run_id"),))
    for key in ("tasks", "linux_baselines"):
        if not isinstance(doc.get(key), list):
            raise InputError("%s is not a list" % key)
    for t in doc["tasks"]:
        if not isinstance(t, dict) or not isinstance(t.get("baseline"), dict):
            raise InputError("a task has no baseline object")


def _schema_validate(doc):
    if not os.path.exists(SCHEMA_PATH):
        return
    try:
        import jsonschema
    except ImportError:
        return
    with open(SCHEMA_PATH) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(document)"
        raise InputError("not valid against schemas/results.schema.json at %s: %s%s"
                         % (where, e.message[:300],
                            " (and %d more errors)" % (len(errors) - 1) if len(errors) > 1 else ""))


def load_results(path):
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except OSError as e:
        raise InputError("cannot read: %s" % e.strerror)
    except (UnicodeDecodeError, ValueError) as e:
        raise InputError("not JSON: %s" % e)
    _check_document(doc)
    _schema_validate(doc)
    return doc


# Spool ------------------------------------------------------------------------------------------

class SpoolError(Exception):
    pass


class Spool:
    """One file per run: <run_id>.json, written atomically (temporary file in the same
    directory, fsync, rename, fsync of the directory). Holding the lock serialises uploaders
    that share a spool, so that one never removes an entry another has just rewritten."""

    def __init__(self, path):
        self.path = path
        self._lock = None

    def __enter__(self):
        try:
            os.makedirs(self.path, mode=0o700, exist_ok=True)
            self._lock = open(os.path.join(self.path, ".lock"), "a")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        except OSError as e:
            raise SpoolError("cannot use the spool %s: %s" % (self.path, e.strerror))
        return self

    def __exit__(self, *exc):
        if self._lock:
            self._lock.close()
            self._lock = None

    def entry_path(self, run_id):
        return os.path.join(self.path, run_id + ".json")

    def write(self, run_id, source, plan):
        entry = {"spool_format": SPOOL_FORMAT, "run_id": run_id, "source": source,
                 "spooled_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                 "requests": [{"table": t, "on_conflict": k, "rows": rows}
                              for t, k, rows in plan]}
        data = json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=".%s." % run_id, suffix=".tmp", dir=self.path)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.entry_path(run_id))
            tmp = None
            dfd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as e:
            raise SpoolError("cannot write the spool entry for %s in %s: %s"
                             % (run_id, self.path, e.strerror))
        finally:
            if tmp:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        return self.entry_path(run_id)

    def entries(self):
        try:
            names = sorted(n for n in os.listdir(self.path)
                           if n.endswith(".json") and not n.startswith("."))
        except FileNotFoundError:
            return []
        return [os.path.join(self.path, n) for n in names]

    @staticmethod
    def read(path):
        try:
            with open(path, "rb") as f:
                entry = json.loads(f.read().decode("utf-8"))
            if entry.get("spool_format") != SPOOL_FORMAT:
                raise ValueError("unknown spool_format %r" % entry.get("spool_format"))
            plan = [(r["table"], r["on_conflict"], r["rows"]) for r in entry["requests"]]
            return entry["run_id"], entry.get("source"), plan
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise SpoolError("cannot read the spool entry %s: %s" % (path, e))

    @staticmethod
    def remove(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def default_spool_dir():
    if os.environ.get("SEL4BRIDGE_TELEMETRY_SPOOL"):
        return os.environ["SEL4BRIDGE_TELEMETRY_SPOOL"]
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                              "state")
    return os.path.join(state, "sel4bridge", "telemetry-spool")


# Output that can never carry the key ------------------------------------------------------------

class Console:
    def __init__(self, secret=None):
        self.secret = secret

    def _clean(self, text):
        if self.secret:
            text = text.replace(self.secret, "<SUPABASE_KEY>")
        return text

    def out(self, text):
        print(self._clean(text), flush=True)

    def err(self, text):
        print("telemetry: " + self._clean(text), file=sys.stderr, flush=True)


# HTTP -------------------------------------------------------------------------------------------

JWT_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


def is_jwt(key):
    """Legacy Supabase keys (anon, service_role) are JWTs and go in Authorization as well;
    the new sb_publishable_/sb_secret_ keys are not JWTs and go in apikey only."""
    if key.startswith("sb_") or not JWT_RE.match(key):
        return False
    head = key.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except ValueError:
        return False
    return isinstance(header, dict) and "alg" in header


def auth_headers(key):
    headers = {"apikey": key}
    if is_jwt(key):
        headers["Authorization"] = "Bearer " + key
    return headers


def check_url(url):
    """SUPABASE_URL must be https, except on loopback (a local stack or a test server)."""
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise ValueError("SUPABASE_URL %r is not an http(s) URL" % url)
    if u.scheme == "http" and u.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise ValueError("SUPABASE_URL %r is plain http; the key must not travel unencrypted "
                         "(use https)" % url)
    return url.rstrip("/")


def parse_retry_after(value):
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


def describe_error(response):
    """PostgREST's error body ({code, message, details, hint}) in one readable line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("message" in body or "code" in body):
        parts = ["%s: %s" % (body.get("code") or "error", body.get("message") or "")]
        if body.get("details"):
            parts.append("details: %s" % body["details"])
        if body.get("hint"):
            parts.append("hint: %s" % body["hint"])
        return "; ".join(parts)
    text = (response.text or "").strip().replace("\n", " ")
    return text[:300] or "(empty body)"


def batches(rows, max_rows, max_bytes):
    """Consecutive slices of at most max_rows rows and (unless one row alone is larger)
    max_bytes bytes, counted as the JSON array PostgREST receives."""
    batch, size = [], 2
    for row in rows:
        n = len(json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) + 1
        if batch and (len(batch) >= max_rows or size + n > max_bytes):
            yield batch
            batch, size = [], 2
        batch.append(row)
        size += n
    if batch:
        yield batch


class Outcome:
    OK, TRANSIENT, REJECTED, TOO_LARGE = "ok", "transient", "rejected", "too_large"


class Uploader:
    def __init__(self, url, key, console, opts):
        import requests  # Debian's python3-requests; only needed when something is sent
        self.requests = requests
        self.session = requests.Session()
        self.url = url
        self.headers = dict(auth_headers(key))
        self.headers.update({"Content-Type": "application/json",
                             "Prefer": "resolution=merge-duplicates,return=minimal"})
        self.console = console
        self.o = opts
        self.max_bytes = opts.batch_bytes
        self.requests_sent = 0

    def _post_once(self, table, on_conflict, body):
        """One attempt: (outcome, detail, retry_after)."""
        self.requests_sent += 1
        try:
            r = self.session.post("%s/rest/v1/%s" % (self.url, table),
                                  params={"on_conflict": on_conflict}, data=body,
                                  headers=self.headers, timeout=self.o.timeout)
        except (self.requests.ConnectionError, self.requests.Timeout) as e:
            return Outcome.TRANSIENT, "cannot reach %s (%s)" % (self.url, type(e).__name__), None
        if 200 <= r.status_code < 300:
            return Outcome.OK, None, None
        detail = "HTTP %d, %s" % (r.status_code, describe_error(r))
        if r.status_code == 413:
            return Outcome.TOO_LARGE, detail, None
        if r.status_code in (408, 429) or r.status_code >= 500:
            return Outcome.TRANSIENT, detail, parse_retry_after(r.headers.get("Retry-After"))
        return Outcome.REJECTED, detail, None

    def post(self, table, on_conflict, rows):
        """POST one batch with retries (exponential backoff with full jitter; Retry-After
        honoured). 413 splits the batch. Returns (outcome, detail)."""
        body = json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        for attempt in range(self.o.retries + 1):
            outcome, detail, retry_after = self._post_once(table, on_conflict, body)
            if outcome == Outcome.TOO_LARGE:
                if len(rows) == 1:
                    return Outcome.REJECTED, detail + " (one row alone is too large)"
                self.max_bytes = min(self.max_bytes, max(1, len(body) // 2))
                self.console.err("%s: %d rows, %d bytes too large (%s); splitting"
                                 % (table, len(rows), len(body), detail))
                half = len(rows) // 2
                for part in (rows[:half], rows[half:]):
                    outcome, detail = self.post(table, on_conflict, part)
                    if outcome != Outcome.OK:
                        return outcome, detail
                return Outcome.OK, None
            if outcome != Outcome.TRANSIENT or attempt == self.o.retries:
                return outcome, detail
            delay = random.uniform(0, min(self.o.backoff_max, self.o.backoff_base * 2 ** attempt))
            why = "backoff"
            if retry_after is not None:
                if retry_after > self.o.max_retry_after:
                    return outcome, detail + " (Retry-After %.0f s is beyond --max-retry-after)" \
                        % retry_after
                delay = retry_after + random.uniform(0, self.o.backoff_base)
                why = "Retry-After %g s" % retry_after
            self.console.err("%s: %s; retrying in %.2f s (%s, attempt %d of %d)"
                             % (table, detail, delay, why, attempt + 2, self.o.retries + 1))
            time.sleep(delay)
        return outcome, detail

    def send_plan(self, plan):
        """Send every request of one run in order; stop at the first batch that fails."""
        for table, on_conflict, rows in plan:
            keys = set(rows[0])
            if any(set(r) != keys for r in rows):
                raise AssertionError("rows of %s do not all have the same keys" % table)
            for batch in batches(rows, self.o.batch_rows, self.max_bytes):
                outcome, detail = self.post(table, on_conflict, batch)
                if outcome != Outcome.OK:
                    return outcome, "POST /rest/v1/%s (%d rows): %s" % (table, len(batch), detail)
        return Outcome.OK, None


# Commands ---------------------------------------------------------------------------------------

def _plan_summary(plan):
    counts = {}
    for table, _, rows in plan:
        if table == RUNS[0]:
            counts[table] = 1
        else:
            counts[table] = counts.get(table, 0) + len(rows)
    return ", ".join("%s %d" % kv for kv in counts.items())


def _deliver(uploader, console, path, run_id, plan):
    outcome, detail = uploader.send_plan(plan)
    if outcome == Outcome.OK:
        Spool.remove(path)
        console.out("delivered run %s (%s)" % (run_id, _plan_summary(plan)))
        return EXIT_OK
    if outcome == Outcome.REJECTED:
        console.err("run %s rejected by Supabase: %s" % (run_id, detail))
        console.err("kept in the spool (%s); fix the cause, then run `telemetry.py flush`"
                    % path)
        return EXIT_REJECTED
    console.err("run %s not delivered: %s" % (run_id, detail))
    console.err("kept in the spool (%s); run `telemetry.py flush` later" % path)
    return EXIT_SPOOLED


class UsageError(Exception):
    pass


def _connect(args, console):
    """An Uploader, or None when SUPABASE_URL / SUPABASE_KEY are not both set."""
    url, key = os.environ.get("SUPABASE_URL", ""), os.environ.get("SUPABASE_KEY", "")
    if not url or not key:
        return None
    try:
        return Uploader(check_url(url), key, console, args)
    except ValueError as e:
        raise UsageError(str(e))


def _load_all(paths, console):
    """(status, [(path, doc, plan)]) for the files that are valid results documents."""
    status, docs = EXIT_OK, []
    for path in paths:
        try:
            doc = load_results(path)
            docs.append((path, doc, plan_upload(doc)))
        except InputError as e:
            console.err("%s: %s" % (path, e))
            status = EXIT_BAD_INPUT
    return status, docs


def cmd_dry_run(args, console):
    url = os.environ.get("SUPABASE_URL") or "$SUPABASE_URL"
    key = os.environ.get("SUPABASE_KEY") or "$SUPABASE_KEY"
    shown = {k: "<SUPABASE_KEY>" for k in auth_headers(key)}
    if "Authorization" in shown:
        shown["Authorization"] = "Bearer <SUPABASE_KEY>"
    shown.update({"Content-Type": "application/json",
                  "Prefer": "resolution=merge-duplicates,return=minimal"})
    status, docs = _load_all(args.files, console)
    for path, doc, plan in docs:
        console.out("# run %s from %s: %s" % (doc["run_id"], path, _plan_summary(plan)))
        for table, on_conflict, rows in plan:
            for batch in batches(rows, args.batch_rows, args.batch_bytes):
                body = json.dumps(batch, separators=(",", ":"), ensure_ascii=False)
                console.out("POST %s/rest/v1/%s?on_conflict=%s  (%d rows, %d bytes)"
                            % (url.rstrip("/"), table, on_conflict, len(batch),
                               len(body.encode("utf-8"))))
                for h, v in shown.items():
                    console.out("  %s: %s" % (h, v))
                console.out("  " + body)
    return status


def cmd_upload(args, console):
    uploader = _connect(args, console)
    status, docs = _load_all(args.files, console)
    with Spool(args.spool) as spool:
        for path, doc, plan in docs:
            entry = spool.write(doc["run_id"], os.path.abspath(path), plan)
            if uploader is None:
                console.err("SUPABASE_URL and SUPABASE_KEY are not both set: run %s spooled in "
                            "%s; set them and run `telemetry.py flush`" % (doc["run_id"], entry))
                status = max(status, EXIT_SPOOLED)
                continue
            status = max(status, _deliver(uploader, console, entry, doc["run_id"], plan))
    return status


def cmd_flush(args, console):
    status = EXIT_OK
    uploader = _connect(args, console)
    with Spool(args.spool) as spool:
        entries = spool.entries()
        if not entries:
            console.out("spool %s is empty" % args.spool)
            return EXIT_OK
        if uploader is None:
            console.err("SUPABASE_URL and SUPABASE_KEY are not both set: %d run(s) stay in %s"
                        % (len(entries), args.spool))
            return EXIT_SPOOLED
        for path in entries:
            try:
                run_id, _, plan = Spool.read(path)
            except SpoolError as e:
                console.err(str(e))
                status = max(status, EXIT_SPOOL)
                continue
            status = max(status, _deliver(uploader, console, path, run_id, plan))
    return status


def main(argv=None):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--spool", default=default_spool_dir(),
                        help="spool directory (default: %(default)s)")
    common.add_argument("--batch-rows", type=int, default=500, metavar="N",
                        help="at most N rows per request (default: %(default)s)")
    common.add_argument("--batch-bytes", type=int, default=512 * 1024, metavar="B",
                        help="at most B bytes of JSON per request (default: %(default)s)")
    common.add_argument("--retries", type=int, default=6, metavar="N",
                        help="retries of a failing request (default: %(default)s)")
    common.add_argument("--backoff-base", type=float, default=0.5, metavar="S",
                        help="first backoff ceiling in seconds, doubled per retry "
                             "(default: %(default)s)")
    common.add_argument("--backoff-max", type=float, default=30.0, metavar="S",
                        help="largest backoff ceiling in seconds (default: %(default)s)")
    common.add_argument("--max-retry-after", type=float, default=300.0, metavar="S",
                        help="longest Retry-After honoured before giving up for now "
                             "(default: %(default)s)")
    common.add_argument("--timeout", type=float, default=30.0, metavar="S",
                        help="per-request timeout in seconds (default: %(default)s)")

    p = argparse.ArgumentParser(prog="telemetry.py", description=__doc__.split("\n")[0],
                                epilog=__doc__.split("\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("upload", parents=[common], help="spool and send results files")
    up.add_argument("--dry-run", action="store_true",
                    help="print the requests that would be sent; send and spool nothing")
    up.add_argument("files", nargs="+", metavar="RESULTS.json")
    sub.add_parser("flush", parents=[common], help="re-send every run left in the spool")
    args = p.parse_args(argv)
    for name in ("batch_rows", "batch_bytes"):
        if getattr(args, name) < 1:
            p.error("--%s must be at least 1" % name.replace("_", "-"))
    if args.retries < 0 or args.backoff_base < 0 or args.backoff_max < 0 or args.timeout <= 0:
        p.error("--retries, --backoff-base and --backoff-max must be >= 0, --timeout > 0")

    console = Console(os.environ.get("SUPABASE_KEY") or None)
    try:
        if args.command == "flush":
            return cmd_flush(args, console)
        if args.dry_run:
            return cmd_dry_run(args, console)
        return cmd_upload(args, console)
    except UsageError as e:
        console.err(str(e))
        return EXIT_USAGE
    except SpoolError as e:
        console.err(str(e))
        return EXIT_SPOOL


if __name__ == "__main__":
    sys.exit(main())
