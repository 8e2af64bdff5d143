#!/usr/bin/env python3
"""The speed benchmark suite: nines against Hugo and the yaml-cpp parse floor.

Builds nines and the parse floor in Release, generates a content repository (and the same prose as
a Hugo site) for each size, and prints a Markdown table of medians over several runs:

  check       `nines check`: wall, CPU (user + system) and peak RSS
  build       full `nines build --offline` from a clean store and output folder
  no-change   the same build again with nothing changed (wall / CPU, and as shares of the build's)
  touched     the build again after one runbook's body changed (the same)
  hugo        `hugo` on the same prose, from a clean output folder
  floor       the parse floor: yaml-cpp parsing the same YAML and front matter, nothing else
  ratios      build/Hugo (wall and CPU), from the same run, and check/floor (CPU): the median of
              the ratios of --pairs alternating check and floor runs (check's and the floor's
              columns are the medians of the same runs)

CPU time and peak RSS come from wait4()'s rusage of each child. Usage:
  bench/run_suite.py [--sizes 1000,10000,50000] [--runs 3] [--pairs 9] [--build-dir build-release]
                     [--no-build] [--work DIR] [--keep]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_repo  # noqa: E402

NOW = "2026-11-01T00:00:00Z"
DOCS_PER_SERVICE = 12


class Sample:
    def __init__(self, wall, cpu, rss_mb, rc, err):
        self.wall, self.cpu, self.rss_mb, self.rc, self.err = wall, cpu, rss_mb, rc, err


def measure(cmd, env=None, cwd=None):
    """Runs cmd; returns its wall time, CPU time (user + system of it and its children), peak RSS."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stderr.close()
    return Sample(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode,
                  err.decode("utf-8", "replace"))


def require_ok(what, s):
    if s.rc != 0:
        sys.exit(f"run_suite: {what} failed (exit {s.rc}):\n{s.err[-3000:]}")


def median(samples, attr):
    return statistics.median(getattr(s, attr) for s in samples)


def build_tools(build_dir):
    subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j", str(os.cpu_count() or 2), "--target",
                    "nines", "nines_parse_floor"], check=True, stdout=subprocess.DEVNULL)


def touch_runbook(repo, run):
    """Changes one runbook's Markdown body, differently on each run so the content really differs."""
    rb = os.path.join(repo, "runbooks", "svc-00000", "svc-00000-fast-burn.md")
    with open(rb, "a", encoding="utf-8") as f:
        f.write(f"\nEdited in benchmark run {run}.\n")


def bench_size(nines, floor, hugo, work, docs, runs, pairs):
    services = max(1, round(docs / DOCS_PER_SERVICE))
    repo = os.path.join(work, f"repo-{docs}")
    hugo_src = os.path.join(work, f"hugo-{docs}")
    for d in (repo, hugo_src):
        shutil.rmtree(d, ignore_errors=True)
    generated = gen_repo.generate(repo, services, hugo_src)
    site = os.path.join(work, f"site-{docs}")
    hugo_out = os.path.join(work, f"hugo-out-{docs}")
    env = dict(os.environ, HUGO_CACHEDIR=os.path.join(work, "hugo-cache"))

    r = {k: [] for k in ("check", "floor", "build", "nochange", "touched", "hugo")}
    # check and the floor alternate, pair after pair, and their ratio is the median of the pairs'
    # ratios: a second each, they are where the machine's drift from minute to minute shows most.
    check_floor = []
    for _ in range(max(runs, pairs)):
        c = measure([nines, "check", "--now", NOW, repo])
        require_ok("nines check", c)
        f = measure([floor, repo])
        require_ok("parse floor", f)
        r["check"].append(c)
        r["floor"].append(f)
        check_floor.append(c.cpu / f.cpu)

    for run in range(runs):
        shutil.rmtree(os.path.join(repo, ".nines"), ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        build = [nines, "build", "--offline", "--now", NOW, "-o", site, repo]
        s = measure(build)
        require_ok("nines build", s)
        r["build"].append(s)
        s = measure(build)
        require_ok("no-change rebuild", s)
        r["nochange"].append(s)
        touch_runbook(repo, run)
        s = measure(build)
        require_ok("rebuild after touching a runbook", s)
        r["touched"].append(s)
        if run == 0:
            pages = []
            for dirpath, _, names in os.walk(site):
                pages += [os.path.join(dirpath, n) for n in names if n.endswith(".html")]
            largest = max(pages, key=os.path.getsize)
            site_sizes = {"index": os.path.getsize(os.path.join(site, "search-index.js")),
                          "largest": os.path.getsize(largest),
                          "largest_page": os.path.relpath(largest, site)}

        shutil.rmtree(hugo_out, ignore_errors=True)
        s = measure([hugo, "--quiet", "-s", hugo_src, "-d", hugo_out], env=env)
        require_ok("hugo", s)
        r["hugo"].append(s)

    m = {k: {a: median(v, a) for a in ("wall", "cpu", "rss_mb")} for k, v in r.items()}
    m["check_floor"] = statistics.median(check_floor)
    m["docs"] = generated
    m["services"] = services
    m["site"] = site_sizes
    return m


def main():
    ap = argparse.ArgumentParser(description="nines speed benchmark suite")
    ap.add_argument("--sizes", default="1000,10000,50000",
                    help="comma-separated document counts (default 1000,10000,50000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per size; the table shows medians")
    ap.add_argument("--pairs", type=int, default=9,
                    help="alternating check/floor pairs per size for check/floor (default 9)")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-release"))
    ap.add_argument("--no-build", action="store_true", help="use the binaries already in --build-dir")
    ap.add_argument("--hugo", default=shutil.which("hugo") or "hugo")
    ap.add_argument("--work", help="folder for the generated repositories (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated repositories")
    a = ap.parse_args()

    if not a.no_build:
        build_tools(a.build_dir)
    nines = os.path.join(a.build_dir, "nines")
    floor = os.path.join(a.build_dir, "bench", "nines_parse_floor")
    work = a.work or tempfile.mkdtemp(prefix="nines-suite-")
    os.makedirs(work, exist_ok=True)
    rows = []
    try:
        for size in [int(x) for x in a.sizes.split(",") if x]:
            print(f"run_suite: {size} documents, {a.runs} runs ...", file=sys.stderr, flush=True)
            rows.append(bench_size(nines, floor, a.hugo, work, size, a.runs, a.pairs))
    finally:
        if not a.keep and not a.work:
            shutil.rmtree(work, ignore_errors=True)

    print(f"Medians of {a.runs} runs on {os.cpu_count()} cores. Times in seconds (wall / CPU), "
          "memory is peak RSS in MB.\n")
    print("| documents | check wall / CPU | check RSS | parse floor CPU | check/floor CPU "
          "| build wall / CPU | build RSS | no-change rebuild | touched rebuild "
          "| Hugo wall / CPU | Hugo RSS | build/Hugo wall | build/Hugo CPU |")
    print("|" + "---|" * 13)
    for m in rows:
        c, f, b, n, t, h = (m[k] for k in ("check", "floor", "build", "nochange", "touched", "hugo"))
        print(f"| {m['docs']} | {c['wall']:.2f} / {c['cpu']:.2f} | {c['rss_mb']:.0f} "
              f"| {f['cpu']:.2f} | {m['check_floor']:.2f}x "
              f"| {b['wall']:.2f} / {b['cpu']:.2f} | {b['rss_mb']:.0f} "
              f"| {n['wall']:.2f} / {n['cpu']:.2f} ({n['wall'] / b['wall']:.0%} / {n['cpu'] / b['cpu']:.0%}) "
              f"| {t['wall']:.2f} / {t['cpu']:.2f} ({t['wall'] / b['wall']:.0%} / {t['cpu'] / b['cpu']:.0%}) "
              f"| {h['wall']:.2f} / {h['cpu']:.2f} | {h['rss_mb']:.0f} "
              f"| {b['wall'] / h['wall']:.2f}x | {b['cpu'] / h['cpu']:.2f}x |")
    # The site's size limits: search index at most 3 MB, no page over 500 KB (at any size).
    print("\n| documents | search index | largest page | within limits (3 MB / 500 KB) |")
    print("|---|---|---|---|")
    for m in rows:
        z = m["site"]
        ok = z["index"] <= 3_000_000 and z["largest"] <= 500_000
        print(f"| {m['docs']} | {z['index'] / 1e6:.2f} MB | {z['largest'] / 1e3:.0f} KB "
              f"({z['largest_page']}) | {'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    main()
