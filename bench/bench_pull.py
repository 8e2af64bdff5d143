#!/usr/bin/env python3
"""Benchmark: `nines metrics pull` of N SLOs × 28 days from a local Prometheus, concurrent
(concurrency 8) against serial (concurrency 1).

Prints both wall times, queries per second and the ratio. Usage:
  bench/bench_pull.py BUILD/nines [N=500] [REPEATS=3]
The counters are generated and backfilled as in tests/e2e/test_prometheus.py (needs `prometheus`
and `promtool`), for 20 services; SLO i measures service i mod 20. Each run starts from an empty
store, so each pulls every closed day of every SLO (two range queries per SLO). The best of
REPEATS runs is reported for each setting; runs alternate so background load hits both alike.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import test_prometheus as tp  # noqa: E402  (generator and process helpers)

SERVICES = [f"svc-{i:02d}" for i in range(20)]


def make_repo(root, url, n, concurrency):
    os.makedirs(os.path.join(root, "services"))
    os.makedirs(os.path.join(root, "slis"))
    os.makedirs(os.path.join(root, "slos"))
    with open(os.path.join(root, "nines.yaml"), "w") as f:
        f.write("teams:\n  t:\n    name: T\n    members: [a, b, c, d, e]\n"
                f"metrics:\n  sources:\n    - name: prom\n      type: prometheus\n"
                f"      url: {url}\n      timeout: 30s\n      concurrency: {concurrency}\n")
    for s in SERVICES:
        with open(os.path.join(root, "services", s + ".yaml"), "w") as f:
            f.write(f"service:\n  name: {s}\n  tier: standard\n  owner_team: t\n")
    with open(os.path.join(root, "slis", "ok.yaml"), "w") as f:
        f.write("sli:\n  name: ok\n  query:\n"
                "    good: 'http_requests_total{service=\"{{service}}\",code=\"200\"}'\n"
                "    total: 'http_requests_total{service=\"{{service}}\"}'\n")
    with open(os.path.join(root, "slos", "all.yaml"), "w") as f:
        for i in range(n):
            f.write(f"---\nslo:\n  id: slo-{i:04d}\n  service: {SERVICES[i % len(SERVICES)]}\n"
                    f"  sli: ok\n  target: 99.5\n  window: 28d\n")


def pull(nines, repo):
    shutil.rmtree(os.path.join(repo, ".nines"), ignore_errors=True)
    start = time.monotonic()
    p = subprocess.run([nines, "metrics", "pull", repo, "--now", tp.NOW], capture_output=True,
                       text=True, timeout=1800, env=dict(os.environ, CI="1"))
    wall = time.monotonic() - start
    if p.returncode != 0 or "(0 failed)" not in p.stdout:
        raise RuntimeError(f"pull failed ({p.returncode}): {p.stdout}{p.stderr[-2000:]}")
    return wall, p.stdout.strip()


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    nines = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    for tool in ("prometheus", "promtool"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (apt-get install prometheus)")
            return 1
    tmp = tempfile.mkdtemp(prefix="nines-bench-pull-")
    proc = None
    try:
        # The e2e test's counters, for 20 services.
        proc, url = tp.start_prometheus(tmp, os.path.join(tmp, "tsdb"), SERVICES)
        repos = {}
        for c in (8, 1):
            repos[c] = os.path.join(tmp, f"repo-c{c}")
            make_repo(repos[c], url, n, c)
        best = {8: None, 1: None}
        summary = {}
        for _ in range(repeats):
            for c in (8, 1):
                wall, line = pull(nines, repos[c])
                if best[c] is None or wall < best[c]:
                    best[c], summary[c] = wall, line
        queries = 2 * n
        for c in (8, 1):
            print(f"concurrency {c}: {n} SLOs × 28 days in {best[c]:.2f} s "
                  f"({queries / best[c]:.0f} queries/s) — {summary[c]}")
        print(f"concurrent/serial speed-up: {best[1] / best[8]:.2f}× "
              f"(best of {repeats}, {os.cpu_count()} CPUs shared with Prometheus)")
    finally:
        if proc is not None:
            tp.stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
