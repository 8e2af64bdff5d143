#!/usr/bin/env python3
"""Benchmark: `nines check` over a generated repository of N documents.

Prints wall time, documents per second and peak memory. Usage:
  bench/bench_check.py BUILD/nines [N=10000]
The repository is generated in a temp folder: services, SLIs, SLOs (with burn-rate alerts),
runbooks for every alert, and 28 days of CSV data per SLO.
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

nines = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
services = max(1, n // 4)
tmp = tempfile.mkdtemp(prefix="nines-bench-")
try:
    with open(os.path.join(tmp, "nines.yaml"), "w") as f:
        f.write("teams:\n  t:\n    name: T\n    members: [a, b, c, d, e]\n")
    for d in ("services", "slis", "slos", "runbooks", "metrics", "oncall"):
        os.makedirs(os.path.join(tmp, d))
    with open(os.path.join(tmp, "oncall", "r.yaml"), "w") as f:
        f.write("oncall_rotation:\n  name: r\n  team: t\n  members: [a, b, c, d, e]\n")
    with open(os.path.join(tmp, "slis", "ok.yaml"), "w") as f:
        f.write("sli:\n  name: ok\n  type: availability\n")
    csv = open(os.path.join(tmp, "metrics", "data.csv"), "w")
    csv.write("slo,date,good,total\n")
    for i in range(services):
        s = f"svc-{i:05d}"
        with open(os.path.join(tmp, "services", s + ".yaml"), "w") as f:
            f.write(f"service:\n  name: {s}\n  tier: standard\n  owner_team: t\n"
                    f"  oncall_rotation: r\n  description: Service {i}\n"
                    f"  dependencies:\n    upstream: [svc-{(i + 1) % services:05d}]\n")
        with open(os.path.join(tmp, "slos", s + ".yaml"), "w") as f:
            f.write(f"slo:\n  id: {s}-avail\n  service: {s}\n  sli: ok\n  target: 99.5\n"
                    f"  window: 28d\n  error_budget: 0.5\n  error_budget_minutes: 201.6\n"
                    f"  burn_rate_alerts:\n    - name: slow_burn\n      burn_rate: 1\n"
                    f"      short_window: 6h\n      long_window: 3d\n      severity: ticket\n")
        with open(os.path.join(tmp, "runbooks", s + ".md"), "w") as f:
            f.write(f"---\nrunbook:\n  title: {s} slow burn\n  alert_name: slow_burn\n"
                    f"  service: {s}\n---\n# Steps\n\n1. Look at the dashboard.\n")
        for day in range(1, 29):
            csv.write(f"{s}-avail,2026-10-{day:02d},{99900 + day},{100000 + day}\n")
    csv.close()
    docs = services * 4
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795392000")
    start = time.monotonic()
    p = subprocess.run([nines, "check", tmp], capture_output=True, text=True, env=env)
    wall = time.monotonic() - start
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"check: {docs} documents + {services * 28} CSV rows in {wall:.2f} s "
          f"({docs / wall:.0f} docs/s), peak RSS {rss_mb:.0f} MB, exit {p.returncode}")
    if p.returncode != 0:
        print(p.stdout[-2000:])
finally:
    shutil.rmtree(tmp)
