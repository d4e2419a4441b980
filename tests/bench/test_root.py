#!/usr/bin/python3
"""The harness's root task (harness/root/main.c) on the host model: it exits 0, its console
output carries one results document between the markers, extract_results.py lifts it out, and the
document is valid against the schema with all six tasks beside measured baselines."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXTRACT = os.path.join(HERE, "..", "..", "harness", "extract_results.py")
VALIDATE = os.path.join(HERE, "validate.py")


def main():
    exe, schema = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as out:
        log = os.path.join(out, "console.log")
        with open(log, "w") as f:
            rc = subprocess.run([exe], stdout=f, stderr=subprocess.STDOUT, timeout=600).returncode
        if rc != 0:
            print(f"test_root: root task exited {rc}", file=sys.stderr)
            print(open(log).read()[-3000:], file=sys.stderr)
            return 1
        r = subprocess.run([sys.executable, EXTRACT, log, "--out", out, "--cpu", "host",
                            "--qemu-accel", "none-(host model)"], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"test_root: extract failed: {r.stderr}", file=sys.stderr)
            return 1
        r = subprocess.run([sys.executable, VALIDATE, "--all-tasks", schema,
                            os.path.join(out, "latest.json")], capture_output=True, text=True)
        print(r.stdout + r.stderr)
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())
