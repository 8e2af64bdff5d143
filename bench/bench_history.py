#!/usr/bin/env python3
"""Benchmark: reading git history on a repository with thousands of files and commits.

Generates a content repository (bench/gen_repo.py), commits it, then adds COMMITS commits that
each change one document (written with `git fast-import`, so making them takes seconds). The
documents of the first half of the services are never touched again, so the walk has to go all
the way back to the first commit to date them: the worst case for a reader that stops once every
file is dated. Prints the history walk's own time (from `nines check --timings`), the load stage
with and without the repository's .git, and their medians over RUNS runs. Usage:

  bench/bench_history.py BUILD/nines [--services 400] [--commits 5000] [--runs 3] [--keep DIR]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_repo  # noqa: E402

NOW = "2026-11-01T00:00:00Z"
START = 1_735_689_600  # 2025-01-01T00:00:00Z, the first commit's date


def git(repo, *args, stdin=None):
    return subprocess.run(["git", *args], cwd=repo, input=stdin, check=True,
                          capture_output=True)


def documents(repo):
    out = []
    for base, _, files in os.walk(repo):
        if "/.git" in base or base.endswith(".git"):
            continue
        for name in files:
            if name.endswith((".yaml", ".md")) and name != "nines.yaml":
                out.append(os.path.relpath(os.path.join(base, name), repo))
    return sorted(out)


def add_commits(repo, commits):
    """Adds `commits` commits on top of HEAD, each appending a comment line to one document of
    the second half of the list (the first half keeps its first commit's date)."""
    docs = documents(repo)
    touched = docs[len(docs) // 2:]
    contents = {}
    stream = []
    for i in range(commits):
        rel = touched[i % len(touched)]
        if rel not in contents:
            with open(os.path.join(repo, rel), "rb") as f:
                contents[rel] = f.read()
        # A YAML comment at the end is valid in both .yaml files and Markdown front matter's body.
        contents[rel] += f"\n<!-- revision {i} -->\n".encode() if rel.endswith(".md") else \
            f"\n# revision {i}\n".encode()
        data = contents[rel]
        when = START + 3600 * (i + 1)
        msg = f"Revise {rel} ({i})".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"committer Bench <bench@example.org> {when} +0000\n".encode())
        stream.append(b"data %d\n%s\n" % (len(msg), msg))
        if i == 0:
            stream.append(b"from refs/heads/main^0\n")
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (rel.encode(), len(data), data))
    git(repo, "fast-import", "--quiet", stdin=b"".join(stream))
    git(repo, "reset", "--hard", "-q", "main")
    return len(docs), len(touched)


def timings(nines, repo):
    p = subprocess.run([nines, "check", repo, "--now", NOW, "--timings"], capture_output=True,
                       text=True, timeout=600)
    if p.returncode not in (0, 1):
        sys.exit(f"bench_history: nines check failed ({p.returncode}):\n{p.stderr[-2000:]}")
    load = re.search(r"^load\s+([\d.]+) ms", p.stderr, re.M)
    hist = re.search(r"git history of (\d+) files? in ([\d.]+) ms", p.stderr)
    return (float(load.group(1)) if load else None,
            (int(hist.group(1)), float(hist.group(2))) if hist else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("nines")
    ap.add_argument("--services", type=int, default=400)
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="generate into this folder and keep it")
    a = ap.parse_args()
    nines = os.path.abspath(a.nines)
    work = a.keep or tempfile.mkdtemp(prefix="nines-bench-history-")
    repo = os.path.join(work, "repo")
    try:
        shutil.rmtree(repo, ignore_errors=True)
        gen_repo.generate(repo, a.services)
        git(repo, "init", "-q", "-b", "main")
        env = dict(os.environ, GIT_AUTHOR_DATE=f"{START} +0000",
                   GIT_COMMITTER_DATE=f"{START} +0000")
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org",
                        "commit", "-q", "-m", "Initial content"], cwd=repo, env=env, check=True)
        ndocs, ntouched = add_commits(repo, a.commits)
        with_git, walk, files = [], [], 0
        for _ in range(a.runs):
            load, hist = timings(nines, repo)
            if hist is None:
                sys.exit("bench_history: --timings printed no git history line")
            with_git.append(load)
            files, ms = hist
            walk.append(ms)
        shutil.move(os.path.join(repo, ".git"), os.path.join(work, "git-aside"))
        without = [timings(nines, repo)[0] for _ in range(a.runs)]
        shutil.move(os.path.join(work, "git-aside"), os.path.join(repo, ".git"))
        print(f"history benchmark: {ndocs} documents, {a.commits + 1} commits "
              f"({ntouched} documents changed again, {ndocs - ntouched} dated by the first "
              f"commit), medians of {a.runs} runs")
        print("| measure | ms |")
        print("|---|---:|")
        print(f"| history walk ({files} files dated) | {statistics.median(walk):.1f} |")
        print(f"| load stage with .git | {statistics.median(with_git):.1f} |")
        print(f"| load stage without .git | {statistics.median(without):.1f} |")
        print(f"| walk per commit | {statistics.median(walk) / (a.commits + 1) * 1000:.1f} µs |")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
