#!/usr/bin/env python3
"""End-to-end test of the benchmark suite's parts on a small generated repository.

The generator's repository checks clean and builds, it is deterministic, the parse floor parses
every document of it, and the Hugo site it writes builds with Debian's hugo (when installed) and
renders the same prose. Usage: test_bench.py NINES PARSE_FLOOR SOURCE_DIR
"""
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

NINES, FLOOR, SRC = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(SRC, "bench"))
import gen_repo  # noqa: E402

NOW = "2026-11-01T00:00:00Z"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


tmp = tempfile.mkdtemp(prefix="nines-bench-test-")
try:
    repo, hugo_src = os.path.join(tmp, "repo"), os.path.join(tmp, "hugo")
    docs = gen_repo.generate(repo, 7, hugo_src)
    check(docs == 7 * 12 + 3 + 1, f"7 services give {7 * 12 + 4} documents, got {docs}")
    again = os.path.join(tmp, "again")
    gen_repo.generate(again, 7, None)
    check(same_tree(repo, again), "the generator is deterministic")

    p = subprocess.run([NINES, "check", "--now", NOW, repo], capture_output=True, text=True)
    check(p.returncode == 0 and "0 errors, 0 warnings" in p.stdout,
          f"the generated repository checks clean: {p.stdout[-2000:]}")

    p = subprocess.run([FLOOR, repo], capture_output=True, text=True)
    # 11 files per service, plus nines.yaml, the policy, two SLIs and the rotation; nines.yaml is
    # the one document the generator's count leaves out.
    check(p.returncode == 0 and p.stdout.strip() == f"{7 * 11 + 5} files, {docs + 1} documents",
          f"the parse floor parses every document: {p.stdout} {p.stderr}")
    broken = os.path.join(tmp, "broken")
    os.makedirs(broken)
    with open(os.path.join(broken, "bad.yaml"), "w") as f:
        f.write("a: [1, 2\n")
    p = subprocess.run([FLOOR, broken], capture_output=True, text=True)
    check(p.returncode == 1 and "bad.yaml" in p.stderr, f"a parse error is located: {p.stderr}")

    site = os.path.join(tmp, "site")
    p = subprocess.run([NINES, "build", "--offline", "--now", NOW, "-o", site, repo],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"the generated repository builds: {p.stderr[-2000:]}")

    hugo = shutil.which("hugo")
    if hugo:
        out = os.path.join(tmp, "hugo-out")
        p = subprocess.run([hugo, "--quiet", "-s", hugo_src, "-d", out], capture_output=True,
                           text=True, env=dict(os.environ, HUGO_CACHEDIR=os.path.join(tmp, "c")))
        check(p.returncode == 0, f"hugo builds the generated site: {p.stderr[-2000:]}")
        page = os.path.join(out, "runbooks", "svc-00000", "svc-00000-fast-burn", "index.html")
        src = os.path.join(repo, "runbooks", "svc-00000", "svc-00000-fast-burn.md")
        if os.path.exists(page):
            heading = next(line for line in open(src) if line.startswith("## "))[3:].strip()
            check(heading in open(page).read(), "Hugo renders the runbook's prose")
        else:
            check(False, f"hugo wrote {page}")
    else:
        print("hugo is not installed: the Hugo half is not tested")
finally:
    shutil.rmtree(tmp)

if failures:
    sys.exit(f"{len(failures)} failures")
print("bench: all checks passed")
