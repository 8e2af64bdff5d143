#!/usr/bin/env python3
"""End-to-end tests of the hardening cases: `-o` never replaces what is not a nines site, a hostile
backend answer fails one query only, the token never leaks, `metrics pull` exit codes and
deadline, the store following the CSV files, unreadable folders, and theme overrides and the store
that link out of the repository. Uses fault_server.py (via test_prometheus.py's helpers) on 127.0.0.1 only.

Usage: test_hardening.py NINES SOURCE_DIR
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

import test_prometheus as tp

from support import Checks, copy_content

NINES, SRC = sys.argv[1], sys.argv[2]
tp.NINES = NINES
NOW = "2026-11-23T00:00:00Z"
check = Checks()


def run(*args, env=None):
    p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace",
                       timeout=300, env=env)
    return p.returncode, p.stdout, p.stderr


def tree(root):
    """Every file under root with its bytes (links as their target), for "nothing touched"."""
    out = {}
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(base, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = "-> " + os.readlink(p)
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    out[rel] = f.read()
            else:
                out[rel] = "<dir>"
    return out


def test_output_folder(tmp):
    repo = copy_content(tmp)
    os.makedirs(os.path.join(repo, ".git"))
    with open(os.path.join(repo, ".git", "HEAD"), "w") as f:
        f.write("ref: refs/heads/main\n")
    other = os.path.join(tmp, "some-folder")
    os.makedirs(other)
    with open(os.path.join(other, "notes.txt"), "w") as f:
        f.write("mine\n")
    with open(os.path.join(tmp, "file.txt"), "w") as f:
        f.write("a file\n")
    # Folders inside the repository other than its output folder: one with documents, and a new
    # (missing) one, which the driver refuses before the walk would skip it.
    inside = [os.path.join(repo, "slos"), os.path.join(repo, "new-out")]
    for out in (repo, tmp, other, os.path.join(tmp, "file.txt"), *inside):
        before = tree(tmp)
        code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
        check(code == 2, f"-o {os.path.relpath(out, tmp)}: exit 2 ({code}): {err[-300:]}")
        check("refusing output folder" in err, f"-o {out}: says why: {err[-300:]}")
        after = tree(tmp)
        # The build may create the store (.nines/) in the repository; every file that was there
        # is still there, byte for byte.
        lost = [k for k, v in before.items() if after.get(k) != v]
        check(not lost, f"-o {os.path.relpath(out, tmp)}: nothing lost or changed ({lost[:5]})")
    # A previous nines site is replaced without --force, and keeps its marker.
    site = os.path.join(tmp, "site-out")
    for _ in range(2):
        code, _, err = run("build", repo, "-o", site, "--offline", "--now", NOW)
        check(code == 0, f"a nines site is replaced ({code}): {err[-300:]}")
    check(os.path.isfile(os.path.join(site, ".nines-site")), "the site has its marker")


def small_repo(root):
    """A small valid repository: a team, a service, an SLI, an SLO and a month of CSV data."""
    files = {
        "nines.yaml": "title: Base\ntimezone: UTC\nteams:\n  team-a:\n    name: Team A\n"
                      "    members: 5\n",
        "services/svc.yaml": "service:\n  name: svc\n  tier: critical\n  owner_team: team-a\n",
        "slis/avail.yaml": "sli:\n  name: avail\n",
        "slos/svc.yaml": "slo:\n  id: svc-avail\n  service: svc\n  sli: avail\n  target: 99.9\n"
                         "  window: 28d\n",
        "metrics/m.csv": "slo,date,good,total\n" + "".join(
            f"svc-avail,2026-10-{d:02d},99950,100000\n" for d in range(1, 29)),
    }
    for rel, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)
    return root


def test_output_setting(tmp):
    """nines.yaml `output:` is the site's folder when -o is not given, inside the repository only,
    and refused like -o when it holds something else."""
    repo = small_repo(os.path.join(tmp, "output-setting"))
    config = os.path.join(repo, "nines.yaml")
    with open(config, "a") as f:
        f.write("output: public\n")
    code, out, err = run("build", repo, "--offline", "--now", NOW)
    check(code == 0, f"output: public builds ({code}): {err[-300:]}")
    check(os.path.isfile(os.path.join(repo, "public", "index.html")), "the site is in public/")
    check(not os.path.exists(os.path.join(repo, "site")), "and not in site/")
    check("public" in out, f"the build says where: {out!r}")
    # -o naming the folder `output` names is the same as leaving -o out: the same folder (the
    # previous build's record is found, so nothing is built again), named in any way.
    public = os.path.join(repo, "public")
    for named in (public, public + "/", os.path.join(repo, "services", "..", "public")):
        code, out, err = run("build", repo, "-o", named, "--offline", "--now", NOW, "--timings")
        check(code == 0 and "nothing changed" in err,
              f"-o {named} is output: public ({code}): {out!r} {err[-300:]}")
    # A symbolic link in the repository does not carry the site out of it: a located error in
    # check and build, and nothing is written where the link leads.
    linked = small_repo(os.path.join(tmp, "output-link"))
    elsewhere = os.path.join(tmp, "output-link-elsewhere")
    os.makedirs(elsewhere)
    os.symlink(elsewhere, os.path.join(linked, "lnk"))
    with open(os.path.join(linked, "nines.yaml"), "a") as f:
        f.write("output: lnk/out\n")
    for command in ("check", "build"):
        code, out, err = run(command, linked, "--offline", "--now", NOW) if command == "build" \
            else run(command, linked, "--now", NOW)
        err = out + err  # check prints its findings on stdout
        check(code == 1 and "nines.yaml:" in err and "through a symbolic link" in err,
              f"{command}: output through a link out of the repository is an error ({code}): "
              f"{err[-300:]}")
    check(os.listdir(elsewhere) == [], f"nothing is written through the link: {os.listdir(elsewhere)}")
    # The site in public/ is not content: check does not read it.
    code, _, err = run("check", repo, "--now", NOW)
    check(code == 0, f"check skips public/ ({code}): {err[-300:]}")
    # -o wins over the setting.
    elsewhere = os.path.join(tmp, "output-setting-o")
    code, _, err = run("build", repo, "-o", elsewhere, "--offline", "--now", NOW)
    check(code == 0 and os.path.isfile(os.path.join(elsewhere, "index.html")),
          f"-o wins over output: ({code}): {err[-300:]}")
    retitle(repo, "Base again")
    code, out, err = run("build", repo, "-o", public, "--offline", "--now", NOW)
    check(code == 0 and "Base again" in (text_of(os.path.join(public, "index.html")) or ""),
          f"-o public rebuilds the site there ({code}): {err[-300:]}")
    check(not os.path.exists(os.path.join(repo, "site")), "-o public writes no site/")
    # Another folder inside the repository is still refused, and so is public/ when it is no
    # previous nines site, as without -o.
    code, _, err = run("build", repo, "-o", os.path.join(repo, "other"), "--offline", "--now", NOW)
    check(code == 2 and "where only site/ and the folder nines.yaml output names" in err and
          not os.path.exists(os.path.join(repo, "other")),
          f"-o inside the repository but not output: is refused ({code}): {err[-300:]}")
    moved = os.path.join(tmp, "output-setting-public")
    shutil.move(public, moved)
    put(os.path.join(public, "notes.txt"), "mine\n")
    code, _, err = run("build", repo, "-o", public, "--offline", "--now", NOW)
    check(code == 2 and "nines did not write" in err and
          text_of(os.path.join(public, "notes.txt")) == "mine\n",
          f"-o public that is no nines site is refused ({code}): {err[-300:]}")
    shutil.rmtree(public)
    shutil.move(moved, public)
    # A folder of documents is refused as -o would be, and left as it was.
    with open(config) as f:
        text = f.read()
    # A folder the writer refuses is exit 2 (SPEC 5), as with -o, and so is one holding the
    # repository, the repository however it is spelt, and a foreign non-empty folder outside it;
    # another name outside the repository is an error in the content (exit 1), since no folder
    # was refused.
    foreign = os.path.join(tmp, "output-setting-not-ours")
    put(os.path.join(foreign, "keep.txt"), "theirs\n")
    for bad, why, want in (("services", "refusing output folder", 2),
                           ("'.'", "is the content repository itself", 2),
                           ("../" + os.path.basename(repo), "is the content repository itself", 2),
                           ("..", "not a folder inside", 2), (foreign, "not a folder inside", 2),
                           ("../out", "not a folder inside", 1),
                           (os.path.join(tmp, "absent"), "not a folder inside", 1)):
        with open(config, "w") as f:
            f.write(text.replace("output: public", "output: " + bad))
        before = tree(repo)
        code, _, err = run("build", repo, "--offline", "--now", NOW)
        check(code == want and why in err, f"output: {bad} is refused ({code}): {err[-300:]}")
        check(tree(repo) == before or all(k.startswith(".nines") for k in
                                          set(tree(repo)) ^ set(before)),
              f"output: {bad} leaves the repository as it was")
    check(not os.path.exists(os.path.join(tmp, "out")) and
          not os.path.exists(os.path.join(tmp, "absent")) and
          text_of(os.path.join(foreign, "keep.txt")) == "theirs\n" and os.listdir(foreign) == ["keep.txt"],
          "nothing is written outside")


def put(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def text_of(path):
    """The text of the file at path, or None when there is none."""
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return f.read()


def retitle(repo, title):
    """Any change to the repository, so the next build writes the site again."""
    path = os.path.join(repo, "nines.yaml")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(re.sub(r"^title:.*$", "title: " + title, text, flags=re.M))


def test_output_siblings(tmp):
    """Folders beside OUT with the names of a killed build's leftovers are removed or moved into
    OUT only when nines provably wrote them: a user's `site.old-2024` backup, or documents of the
    repository in `site.old-2023/`, are never touched."""
    base = os.path.join(tmp, "siblings")
    # A backup beside a site outside the repository.
    repo = small_repo(os.path.join(base, "repo-a"))
    out = os.path.join(base, "v1", "site")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"first build ({code}): {err[-300:]}")
    put(os.path.join(base, "v1", "site.old-2024", "keep.txt"), "backup\n")
    put(os.path.join(base, "v1", "site.tmp-77777", "keep.txt"), "mine too\n")
    # The writer's own names, but not what nines writes there.
    put(os.path.join(base, "v1", "site.tmp-nines-99999999", "mine.txt"), "not a leftover\n")
    retitle(repo, "Changed")
    before = tree(os.path.join(base, "v1"))
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"rebuild beside user folders ({code}): {err[-300:]}")
    after = tree(os.path.join(base, "v1"))
    lost = [k for k, v in before.items() if not k.startswith("site/") and after.get(k) != v]
    check(not lost, f"the folders beside the site are untouched ({lost[:5]})")
    check("site.tmp-nines-99999999" in err and "left alone" in err,
          f"a folder with the writer's name that nines did not write is named: {err[-400:]}")
    check("site.old-2024" not in err, f"a plain backup is no leftover to warn about: {err[-400:]}")

    # Documents of the repository in a folder beside its site/: still read, never deleted.
    repo = small_repo(os.path.join(base, "repo-b"))
    code, _, err = run("build", repo, "--offline", "--now", NOW)
    check(code == 0, f"build into DIR/site ({code}): {err[-300:]}")
    doc = os.path.join(repo, "site.old-2023", "old-svc.yaml")
    put(doc, "service:\n  name: oldsvc\n  tier: critical\n  owner_team: team-a\n")
    retitle(repo, "v2")
    code, _, err = run("build", repo, "--offline", "--now", NOW)
    check(code == 0, f"rebuild with site.old-2023/ in the repository ({code}): {err[-300:]}")
    check(os.path.isfile(doc), "a document in site.old-2023/ is not deleted")

    # No site yet: the folder is not renamed into site/, and its document is still read.
    repo = small_repo(os.path.join(base, "repo-c"))
    put(os.path.join(repo, "site.old-2023", "old-svc.yaml"),
        "service:\n  name: oldsvc\n  tier: critical\n  owner_team: team-a\n  description: y\n")
    code, _, err = run("build", repo, "--offline", "--now", NOW)
    check(code == 0, f"first build beside site.old-2023/ ({code}): {err[-300:]}")
    check(os.path.isfile(os.path.join(repo, "site.old-2023", "old-svc.yaml")),
          "site.old-2023/ stays where it is")
    check(not os.path.exists(os.path.join(repo, "site", "old-svc.yaml")),
          "nothing of it is moved into site/")
    code, out_text, err = run("check", repo, "--now", NOW)
    check("old-svc.yaml" in out_text + err, f"its document is still checked: {(out_text + err)[-300:]}")

    # A build of this version killed between its renames is still recovered.
    repo = small_repo(os.path.join(base, "repo-d"))
    out = os.path.join(base, "v4", "site")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    put(os.path.join(out, "CNAME"), "status.example.com\n")
    os.rename(out, out + ".old-nines-99999999")
    retitle(repo, "After a kill")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"rebuild after a kill between the renames ({code}): {err[-300:]}")
    check(os.listdir(os.path.join(base, "v4")) == ["site"], "the previous site was moved back")
    check(text_of(os.path.join(out, "CNAME")) == "status.example.com\n",
          "and the user's file in it carried on")


def test_output_markers(tmp):
    """A marker without a readable manifest proves nothing: the folder is refused and every
    file in it kept. A file the manifest lists whose bytes are not what nines recorded is the
    user's and is carried into the new site."""
    base = os.path.join(tmp, "markers")
    repo = small_repo(os.path.join(base, "repo"))
    good = os.path.join(base, "good")
    code, _, err = run("build", repo, "-o", good, "--offline", "--now", NOW)
    check(code == 0, f"a site to take a marker from ({code}): {err[-300:]}")
    with open(os.path.join(good, ".nines-site"), "rb") as f:
        marker = f.read()
    first_line = marker[:marker.index(b"\n") + 1]
    for label, bad in (("empty", b""), ("first line only", first_line),
                       ("cut short", marker[:len(marker) // 2]), ("garbage", b"garbage\0\xff"),
                       ("not a manifest", first_line + b'{"files": 1, "nines_manifest": 1}\n')):
        out = os.path.join(base, "v2-" + label.replace(" ", "-"))
        put(os.path.join(out, "CNAME"), "example.com\n")
        put(os.path.join(out, "notes.txt"), "mine\n")
        put(os.path.join(out, "mine", "deep.txt"), "mine\n")
        with open(os.path.join(out, ".nines-site"), "wb") as f:
            f.write(bad)
        before = tree(out)
        code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
        check(code == 2, f"{label} marker: refused with exit 2 ({code}): {err[-300:]}")
        check(".nines-site" in err and "manifest" in err, f"{label} marker: says why: {err[-300:]}")
        check(tree(out) == before, f"{label} marker: the folder is untouched")
        check(not [n for n in os.listdir(base) if n.startswith(os.path.basename(out) + ".")],
              f"{label} marker: nothing left beside it")
    # The marker alone: a site with nothing of the user's in it.
    out = os.path.join(base, "v2-alone")
    put(os.path.join(out, ".nines-site"), "")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"a folder holding the marker alone is built into ({code}): {err[-300:]}")

    # A manifest that claims a user's file with a made-up hash and size does not delete it.
    out = os.path.join(base, "v2-claimed")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    with open(os.path.join(out, ".nines-site"), "rb") as f:
        text = f.read()
    text = text.replace(b'{"files":{', b'{"files":{"important.txt":["0000000000000000",9],', 1)
    with open(os.path.join(out, ".nines-site"), "wb") as f:
        f.write(text)
    put(os.path.join(out, "important.txt"), "the user's, not 9 bytes\n")
    retitle(repo, "Claimed")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"rebuild over a made-up manifest entry ({code}): {err[-300:]}")
    check(text_of(os.path.join(out, "important.txt")) == "the user's, not 9 bytes\n",
          "the claimed file is kept")
    # A page of nines's edited in place, which the new site writes again, is repaired.
    with open(os.path.join(out, "search.html"), "a") as f:
        f.write("<!-- edited -->")
    retitle(repo, "Claimed twice")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0 and "<!-- edited -->" not in (text_of(os.path.join(out, "search.html")) or ""),
          f"an edited page the new site writes again is replaced ({code}): {err[-300:]}")
    check(text_of(os.path.join(out, "important.txt")) == "the user's, not 9 bytes\n",
          "and the claimed file is kept again")


def test_hostile_answers(tmp):
    # 1e999 in an answer: the build goes on from the store, the pull reports a failure.
    repo = tp.fault_repo(tmp, "huge", False)
    proc, url, _ = tp.start_fault(tmp, "huge")
    tp.set_url(repo, url)
    code, out, err, _ = tp.nines("build", repo, "-o", os.path.join(tmp, "huge-out"), "--now",
                                 tp.NOW)
    check(code == 0, f"1e999: the build exits 0 ({code}): {err[-500:]}")
    check("internal error" not in err, "1e999: no internal error")
    check("out of range" in err, f"1e999: the failed query is told: {err[-500:]}")
    check(os.path.isfile(os.path.join(tmp, "huge-out", "api", "slos.json")), "1e999: site written")
    code, out, err, _ = tp.nines("metrics", "pull", repo, "--now", tp.NOW)
    check(code in (1, 3) and "internal error" not in err, f"1e999: pull exits 1 or 3 ({code})")
    tp.stop(proc)

    # Every query fails: exit 3. Some fail: exit 1.
    repo = tp.fault_repo(tmp, "down503", False, retries=0)
    proc, url, _ = tp.start_fault(tmp, "error")
    tp.set_url(repo, url)
    code, out, err, _ = tp.nines("metrics", "pull", repo, "--now", tp.NOW)
    check(code == 3, f"all 503: metrics pull exits 3 ({code}): {err[-300:]}")
    tp.stop(proc)
    repo = tp.fault_repo(tmp, "half", False, retries=0)
    proc, url, _ = tp.start_fault(tmp, "ok")
    tp.set_url(repo, url)
    # cart-events reads a second source whose path answers 404: half of the queries fail.
    path = os.path.join(repo, "nines.yaml")
    text = open(path).read()
    text += ("    - name: broken\n      type: prometheus\n      url: " + url + "/missing\n"
             "      bearer_token_env: PROM_TOKEN\n      retries: 0\n")
    open(path, "w").write(text)
    sli = os.path.join(repo, "slis", "cart-events.yaml")
    open(sli, "w").write(open(sli).read().replace("  query:\n", "  query:\n    source: broken\n"))
    code, out, err, _ = tp.nines("metrics", "pull", repo, "--now", tp.NOW)
    check(code == 1, f"some queries fail: metrics pull exits 1 ({code}): {err[-300:]}")
    tp.stop(proc)

    # A server echoing the Authorization header: the token appears nowhere.
    repo = tp.fault_repo(tmp, "echo", False, retries=0)
    proc, url, _ = tp.start_fault(tmp, "echo", expect_token="")
    tp.set_url(repo, url)
    out_dir = os.path.join(tmp, "echo-out")
    code, out, err, _ = tp.nines("build", repo, "-o", out_dir, "--now", tp.NOW)
    check(code == 0, f"echo: build exits 0 ({code})")
    check("Bearer [reda" in err, f"echo: the echoed header is redacted: {err[-400:]}")
    tp.stop(proc)
    tp.no_token_anywhere("echo", [out, err], [out_dir, os.path.join(repo, ".nines")])
    check(tp.check.failed == 0, "echo: the token is in no output, store or site file")

    # A pull past metrics.deadline skips what is left, with a warning.
    repo = tp.fault_repo(tmp, "deadline", False, retries=0, concurrency=1, timeout="20s")
    path = os.path.join(repo, "nines.yaml")
    text = open(path).read()
    open(path, "w").write(text.replace("\nmetrics:\n", "\nmetrics:\n  deadline: 2s\n", 1))
    proc, url, _ = tp.start_fault(tmp, "slow", "--delay", "1.5")
    tp.set_url(repo, url)
    t0 = time.time()
    code, out, err, _ = tp.nines("metrics", "pull", repo, "--now", tp.NOW)
    elapsed = time.time() - t0
    tp.stop(proc)
    check(elapsed < 8, f"deadline: the pull stops near 2 s ({elapsed:.1f} s)")
    check("metrics.deadline" in err, f"deadline: the skipped queries are told: {err[-300:]}")
    check(code in (1, 3), f"deadline: exit 1 or 3 ({code})")


def test_store_follows_files(tmp):
    repo = copy_content(tmp, "follow")
    out = os.path.join(tmp, "follow-out")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"follow: first build ({code}): {err[-300:]}")
    csvs = sorted(os.listdir(os.path.join(repo, "metrics")))
    victim = os.path.join(repo, "metrics", csvs[0])
    slo_ids = {line.split(",")[0] for line in open(victim).read().splitlines()[1:] if line}
    os.remove(victim)
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    db = sqlite3.connect(os.path.join(repo, ".nines", "cache.db"))
    left = db.execute("SELECT count(*) FROM daily WHERE source = ?",
                      ("csv:metrics/" + csvs[0],)).fetchone()[0]
    check(left == 0, f"follow: the deleted file's rows are gone from the store ({left})")
    slos = {s["id"]: s for s in json.load(open(os.path.join(out, "api", "slos.json")))}
    for sid in slo_ids:
        if sid in slos:
            check(slos[sid]["data"]["status"] != "fresh",
                  f"follow: {sid} no longer reads fresh data ({slos[sid]['data']})")


def test_rejected_answers(tmp):
    """Answers a pull cannot use are told, never stored, and a query none of whose values could be
    stored counts as failed: exit 3 when nothing usable came, 1 when some did."""
    cases = [  # mode, `metrics pull` exit, what the warning says
        ("nan", 3, "is NaN"),
        ("negative", 3, "is negative"),  # golden signals too
        ("goodgt", 1, "> total"),  # SLO days refused, golden signals stored
        ("dupconflict", 3, "two different values at time"),
        ("millis", 3, "not at the requested day steps (e.g. at unix time "),
    ]
    for mode, want, text in cases:
        repo = os.path.join(tmp, "rejected-" + mode)
        proc, url, _ = tp.start_fault(tmp, mode)
        try:
            tp.make_repo(repo, url, tp.FAULT_SLIS, retries=0)
            code, out, err, _ = tp.nines("metrics", "pull", repo, "--now", tp.NOW)
            site = os.path.join(tmp, "rejected-" + mode + "-site")
            bcode, _, berr, _ = tp.nines("build", repo, "-o", site, "--now", tp.NOW)
        finally:
            tp.stop(proc)
        check(code == want, f"{mode}: metrics pull exits {want} ({code}): {out} {err[-600:]}")
        check("(0 failed)" not in out, f"{mode}: the summary counts the failed queries: {out}")
        check(text in err and "[metrics-fetch]" in err, f"{mode}: the warning says {text!r}: "
                                                        f"{err[-600:]}")
        check(tp.store_rows(repo) == [], f"{mode}: no daily count stored")
        golden = tp.store_rows(repo, "golden")
        if mode == "goodgt":
            check(golden and all(r[4] == 1000.0 for r in golden),
                  f"goodgt: the golden signals are stored ({len(golden)})")
        else:
            check(golden == [], f"{mode}: no golden-signal value stored ({golden[:3]})")
        check(bcode == 0, f"{mode}: the build exits 0 ({bcode}): {berr[-400:]}")
        for sid, f in tp.slos_json(site).items():
            check(f["attainment_pct"] is None and f["state"] == "missing",
                  f"{mode}: {sid} shows no figure ({f['attainment_pct']}, {f['state']})")


def test_foreign_and_tampered_store(tmp):
    """Another program's database as metrics.cache is refused before anything is written to it;
    a count that is not a number in the store is never read as 0."""
    repo = copy_content(tmp, "foreign")
    path = os.path.join(repo, "nines.yaml")
    config = open(path).read()
    os.makedirs(os.path.join(repo, "foreign"))
    for version in (1, 2, 3):
        # Inside the repository: metrics.cache may name no place outside it.
        db = os.path.join(repo, "foreign", f"app{version}.db")
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE users (id INTEGER, name TEXT)")
        con.execute("INSERT INTO users VALUES (1, 'alice')")
        con.execute(f"PRAGMA user_version = {version}")
        con.commit()
        con.close()
        with open(db, "rb") as f:
            before = f.read()
        open(path, "w").write(config.replace("  cache: .nines/cache.db",
                                             f"  cache: foreign/app{version}.db"))
        code, _, err = run("build", repo, "-o", os.path.join(tmp, "foreign-out"), "--offline",
                           "--now", NOW)
        check(code == 3, f"foreign v{version}: exit 3 ({code}): {err[-300:]}")
        check(db in err and "not a nines cache" in err, f"foreign v{version}: names the file: "
                                                         f"{err[-300:]}")
        with open(db, "rb") as f:
            check(f.read() == before, f"foreign v{version}: the file is byte-identical")
        check(not os.path.exists(db + "-wal"), f"foreign v{version}: no write-ahead log made")
    open(path, "w").write(config)

    out = os.path.join(tmp, "tampered-out")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"tampered: first build ({code}): {err[-300:]}")
    slos = tp.slos_json(out)
    con = sqlite3.connect(os.path.join(repo, ".nines", "cache.db"))
    victim = con.execute("SELECT slo FROM daily ORDER BY slo LIMIT 1").fetchone()[0]
    con.execute("UPDATE daily SET good = 'abc' WHERE slo = ?", (victim,))
    con.commit()
    con.close()
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"tampered: second build ({code}): {err[-300:]}")
    after = tp.slos_json(out)
    check(slos[victim]["attainment_pct"] is not None, f"tampered: {victim} had a figure")
    check(after[victim]["attainment_pct"] is None and after[victim]["state"] == "missing",
          f"tampered: {victim} shows no figure, not 0 % ({after[victim]['attainment_pct']}, "
          f"{after[victim]['state']})")


def test_unreadable_folder_and_overrides(tmp):
    repo = copy_content(tmp, "perm")
    if os.geteuid() != 0:
        os.chmod(os.path.join(repo, "postmortems"), 0)
        code, out, err = run("check", repo, "--now", NOW)
        os.chmod(os.path.join(repo, "postmortems"), 0o755)
        check(code == 1 and "postmortems" in out + err and "cannot read folder" in out + err,
              f"unreadable folder: reported ({code}): {(out + err)[-300:]}")
    secret = os.path.join(tmp, "passwd-like.txt")
    with open(secret, "w") as f:
        f.write("root:x:0:0:TOP-SECRET-LINE\n")
    os.makedirs(os.path.join(repo, "layouts"), exist_ok=True)
    os.symlink(secret, os.path.join(repo, "layouts", "base.mustache"))
    # Overrides are read in the load stage: check reports the link with the other findings.
    code, stdout, err = run("check", repo, "--now", NOW)
    check(code == 1 and "layouts/base.mustache" in stdout + err and
          "symlink-outside" in stdout + err, f"override link: check reports it ({code}): "
          f"{(stdout + err)[-300:]}")
    out = os.path.join(tmp, "perm-out")
    code, stdout, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code != 0, f"override link out of the repo: the build fails ({code})")
    check("outside the content repository" in stdout + err,
          f"override link: says why: {(stdout + err)[-300:]}")
    leaked = [k for k, v in (tree(out) if os.path.isdir(out) else {}).items()
              if isinstance(v, bytes) and b"TOP-SECRET-LINE" in v]
    check(not leaked, f"override link: nothing published ({leaked[:3]})")


def test_linked_layouts_folder(tmp):
    """A layouts/ folder (or layouts/partials/) that is a symbolic link out of the repository is
    refused at the link, as a linked override file is: nothing of it is read or published."""
    theirs = os.path.join(tmp, "layouts-elsewhere")
    os.makedirs(os.path.join(theirs, "partials"))
    with open(os.path.join(theirs, "base.mustache"), "w") as f:
        f.write("<html>TOP-SECRET-LAYOUT {{{content}}}</html>\n")
    with open(os.path.join(theirs, "partials", "nav.mustache"), "w") as f:
        f.write("<nav>TOP-SECRET-PARTIAL</nav>\n")
    for linked, at in (("layouts", theirs),
                       (os.path.join("layouts", "partials"), os.path.join(theirs, "partials"))):
        name = linked.replace(os.sep, "-")
        repo = small_repo(os.path.join(tmp, "linked-" + name))
        os.makedirs(os.path.dirname(os.path.join(repo, linked)), exist_ok=True)
        os.symlink(at, os.path.join(repo, linked))
        code, stdout, err = run("check", repo, "--now", NOW)
        check(code == 1 and f"{linked}:1:1: error: symbolic link leads outside the content "
              "repository" in stdout and "[symlink-outside]" in stdout,
              f"{linked} linked out: check reports it at the link ({code}): {stdout[-300:]}")
        out = os.path.join(tmp, "linked-out-" + name)
        code, stdout, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
        check(code == 1 and "symlink-outside" in stdout + err,
              f"{linked} linked out: the build fails ({code}): {(stdout + err)[-300:]}")
        leaked = [k for k, v in (tree(out) if os.path.isdir(out) else {}).items()
                  if isinstance(v, bytes) and b"TOP-SECRET" in v]
        check(not leaked, f"{linked} linked out: nothing published ({leaked[:3]})")


def test_override_linked_into_git(tmp):
    """A theme override that is a symbolic link to `.git/config` (a remote URL may hold a token)
    is refused at the file, and the token is on no page and in no message."""
    repo = small_repo(os.path.join(tmp, "linked-git"))
    os.makedirs(os.path.join(repo, ".git"))
    with open(os.path.join(repo, ".git", "config"), "w") as f:
        f.write('[remote "origin"]\n  url = https://GIT-TOKEN-123@example.com/r.git\n')
    os.makedirs(os.path.join(repo, "layouts", "partials"))
    os.symlink("../../.git/config", os.path.join(repo, "layouts", "partials", "nav.mustache"))
    code, stdout, err = run("check", repo, "--now", NOW)
    check(code == 1 and "layouts/partials/nav.mustache:1:1: error: symbolic link leads to "
          "'.git/config'" in stdout and "GIT-TOKEN" not in stdout + err,
          f"override linked into .git: check refuses it at the file ({code}): {stdout[-300:]}")
    out = os.path.join(tmp, "linked-git-out")
    code, stdout, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    leaked = [k for k, v in (tree(out) if os.path.isdir(out) else {}).items()
              if isinstance(v, bytes) and b"GIT-TOKEN" in v]
    check(code == 1 and not leaked and "GIT-TOKEN" not in stdout + err,
          f"override linked into .git: the build fails and publishes nothing ({code}, {leaked[:3]})")


def test_store_through_link(tmp):
    """A `.nines` (or metrics.cache's folder) committed as a symbolic link out of the repository
    sends neither the store, nor the build state beside it, nor the build lock there: exit 3
    naming the link, and nothing is made where it leads. NINES_CACHE stays the runner's choice."""
    target = os.path.join(tmp, "store-link-target")
    os.makedirs(target)
    repo = small_repo(os.path.join(tmp, "store-link"))
    os.symlink(target, os.path.join(repo, ".nines"))
    out = os.path.join(tmp, "store-link-out")
    for args in (["build", repo, "-o", out, "--offline", "--now", NOW],
                 ["budget", "--dir", repo, "--now", NOW],
                 ["metrics", "pull", repo, "--now", NOW]):
        code, stdout, err = run(*args)
        check(code == 3 and "through the symbolic link '.nines'" in err and
              "nothing is written there" in err,
              f"{args[0]} with .nines linked out: exit 3 naming the link ({code}): {err[-300:]}")
        check(os.listdir(target) == [], f"{args[0]}: nothing made in the link's target "
                                        f"({os.listdir(target)})")
    check(not os.path.exists(out), "the build wrote no site either")
    # `metrics import` opens the store too.
    csv = os.path.join(tmp, "store-link-import.csv")
    with open(csv, "w") as f:
        f.write("slo,date,good,total\nsvc-avail,2026-11-01,10,10\n")
    code, _, err = run("metrics", "import", csv, "--dir", repo, "--now", NOW)
    check(code == 3 and ".nines" in err, f"metrics import: exit 3 ({code}): {err[-300:]}")
    check(os.listdir(target) == [], "metrics import: nothing made in the link's target")
    # check never opens the store: it runs as before.
    code, _, err = run("check", repo, "--now", NOW)
    check(code == 0, f"check with .nines linked out: runs ({code}): {err[-300:]}")
    # A link to nothing is refused too: where it leads could be made later, anywhere.
    os.remove(os.path.join(repo, ".nines"))
    gone = os.path.join(tmp, "store-link-gone")
    os.symlink(gone, os.path.join(repo, ".nines"))
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 3 and "cannot be followed" in err, f"dangling .nines: exit 3 ({code}): {err}")
    check(not os.path.exists(gone), "dangling .nines: its target was not made")
    # The folder of metrics.cache linked out: the schema error at the value, and the default
    # store (a folder of the repository) is what the build would use; nothing goes to the target.
    os.remove(os.path.join(repo, ".nines"))
    os.symlink(target, os.path.join(repo, "store"))
    with open(os.path.join(repo, "nines.yaml"), "a") as f:
        f.write("metrics:\n  cache: store/cache.db\n")
    code, stdout, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 1 and "metrics.cache 'store/cache.db' leads out of the content repository"
          in stdout + err, f"metrics.cache through a link: schema error ({code}): "
                           f"{(stdout + err)[-300:]}")
    check(os.listdir(target) == [], "metrics.cache through a link: nothing made in the target")
    # A file SQLite makes beside the store (its write-ahead log) a link out, in a folder of the
    # repository: opening it would write through the link, so the same exit 3.
    os.remove(os.path.join(repo, "store"))
    os.makedirs(os.path.join(repo, "store"))
    os.symlink(os.path.join(target, "cache.db-wal"), os.path.join(repo, "store", "cache.db-wal"))
    code, _, err = run("budget", "--dir", repo, "--now", NOW)
    check(code == 3 and "the metrics store 'store/cache.db-wal'" in err,
          f"the store's log linked out: exit 3 ({code}): {err[-300:]}")
    check(os.listdir(target) == [], "the store's log linked out: nothing made in the target")
    # Whoever runs nines may still put the store anywhere.
    os.remove(os.path.join(repo, "store", "cache.db-wal"))
    env = dict(os.environ, NINES_CACHE=os.path.join(target, "runner.db"))
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW, env=env)
    check(code == 0, f"NINES_CACHE outside the repository builds ({code}): {err[-300:]}")
    check(os.path.isfile(os.path.join(target, "runner.db")), "the store is where NINES_CACHE says")


def test_check_lists_skipped_links(tmp):
    """check names the links the walk skipped (to a file in .git/, a hidden file) apart from the
    files that are neither a nines document nor a dialect."""
    repo = small_repo(os.path.join(tmp, "skipped-links"))
    os.makedirs(os.path.join(repo, ".git"))
    os.makedirs(os.path.join(repo, "docs"))
    with open(os.path.join(repo, ".git", "x.yaml"), "w") as f:
        f.write("service:\n  name: hidden\n")
    os.symlink(os.path.join("..", ".git", "x.yaml"), os.path.join(repo, "docs", "x.yaml"))
    code, stdout, err = run("check", repo, "--now", NOW)
    check(code == 0 and "1 file skipped: a symbolic link to a file nines does not read "
          "(--verbose lists them)" in stdout, f"a skipped link is named as one ({code}): {stdout}")
    with open(os.path.join(repo, "mkdocs.yml"), "w") as f:
        f.write("site_name: Docs\n")
    code, stdout, err = run("check", repo, "--now", NOW, "--verbose")
    check(code == 0 and "2 files skipped: neither a nines document nor a known dialect, 1 of "
          "them a symbolic link to a file nines does not read\n" in stdout,
          f"counted apart from the foreign files ({code}): {stdout}")
    check("  skipped docs/x.yaml (a symbolic link to .git/x.yaml, which nines does not read)\n"
          in stdout and "  skipped mkdocs.yml\n" in stdout, f"and listed with where it leads: "
                                                             f"{stdout}")


def test_terminal_text(tmp):
    """Text from the repository cannot act on the terminal: an escape sequence (clear screen,
    colour) and a right-to-left override in a readiness item's evidence, an SLO's name and a
    report highlight are written as U+FFFD by readiness, budget and report (docs/hardening.md)."""
    repo = copy_content(tmp, "terminal")
    path = os.path.join(repo, "readiness", "checkout-api.yaml")
    text = open(path, encoding="utf-8").read()
    marker = 'evidence: "JSON logs with trace_id'
    check(marker in text, "terminal: the readiness item to edit is there")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(marker, 'evidence: "\\e[2J\\e[31mRED \\u202Eabc JSON logs with trace_id'))
    outs = []
    for args in (["readiness", "checkout-api"], ["readiness", "checkout-api", "--color", "always"]):
        code, stdout, err = run(*args, "-C", repo, "--now", NOW)
        outs.append(stdout)
        check(code in (0, 1) and "RED" in stdout, f"terminal: {args} prints the row: {code} {err}")
    check("\x1b" not in outs[0] and "\u202e" not in outs[0] and
          "\ufffd[2J\ufffd[31mRED \ufffdabc" in outs[0],
          f"terminal: the evidence's controls are replaced: {outs[0][-400:]!r}")
    # While nines paints, only its own colours pass: never a clear screen or an override.
    check("\x1b[2J" not in outs[1] and "\u202e" not in outs[1] and "\ufffd[2J" in outs[1],
          f"terminal: with colours, the clear screen is replaced: {outs[1][-400:]!r}")
    # nines' own colours still pass when it paints.
    check("\x1b[32m" in outs[1] or "\x1b[31m" in outs[1], "terminal: --color always paints")


def test_absurd_toil(tmp):
    """Toil at the schema's maxima: no page shows an "inf%" or "nan%" figure, and the API holds
    only finite numbers (Python's json would accept Infinity, so the check looks for the
    tokens)."""
    repo = copy_content(tmp, "toil")
    path = os.path.join(repo, "toil", "huge.yaml")
    with open(path, "w") as f:
        f.write("toil_item:\n  name: absurd-toil\n  service: notification-service\n"
                "  category: monitoring\n  frequency: daily\n  time_per_occurrence_min: 525600\n"
                "  occurrences_per_month: 1000000\n  total_hours_per_month: 1000000\n"
                "  teams_affected: [customer-team]\n  automation_difficulty: low\n"
                "  automation_value: 1000000000\n  status: active\n")
    out = os.path.join(tmp, "toil-out")
    code, stdout, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"absurd toil: the site is built ({code}): {(stdout + err)[-300:]}")
    bad = []
    for rel, data in (tree(out) if os.path.isdir(out) else {}).items():
        if not isinstance(data, bytes) or not rel.endswith((".html", ".json")):
            continue
        text = data.decode("utf-8", "replace")
        if rel.endswith(".json"):
            if re.search(r"\b(Infinity|NaN)\b", text):
                bad.append(rel)
        elif re.search(r">[^<]*\b(inf|nan)%", text, re.IGNORECASE):
            bad.append(rel)
    check(os.path.isdir(out) and not bad, f"absurd toil: no inf/nan figure anywhere: {bad[:5]}")


def test_network_module(tmp):
    """The binary without its network module beside it: everything that does not talk to a
    server works; a pull and `serve` stop with a message that says what is missing (exit 3); a
    foreign file in the module's place is refused, not called."""
    alone = os.path.join(tmp, "alone")
    os.makedirs(alone)
    binary = os.path.join(alone, "nines")
    shutil.copy2(NINES, binary)
    repo = tp.fault_repo(tmp, "no-module", False)
    code, out, err = run_with(binary, "check", repo, "--now", tp.NOW)
    check(code == 0, f"no module: check works without it ({code}): {err[-300:]}")
    site = os.path.join(tmp, "no-module-site")
    code, out, err = run_with(binary, "build", repo, "--offline", "-o", site, "--now", tp.NOW)
    check(code == 0 and os.path.isfile(os.path.join(site, "index.html")),
          f"no module: an offline build works without it ({code}): {err[-300:]}")
    code, out, err = run_with(binary, "metrics", "pull", repo, "--now", tp.NOW)
    check(code == 3 and "nines-net.so was not found" in err and "internal error" not in err,
          f"no module: a pull exits 3 and names the module ({code}): {err[-400:]}")
    code, out, err = run_with(binary, "serve", repo, "--port", "1")
    check(code == 3 and "nines-net.so was not found" in err,
          f"no module: serve exits 3 and names the module ({code}): {err[-400:]}")
    # Any shared object without the module's entry point, or of another interface, is refused.
    foreign = next(p for p in ("/lib/x86_64-linux-gnu/libz.so.1",
                               "/usr/lib/x86_64-linux-gnu/libz.so.1") if os.path.exists(p))
    shutil.copy(foreign, os.path.join(alone, "nines-net.so"))
    code, out, err = run_with(binary, "metrics", "pull", repo, "--now", tp.NOW)
    check(code == 3 and "built from another version" in err,
          f"foreign module: refused with exit 3 ({code}): {err[-400:]}")
    # With the real module beside the copy, the pull runs (and fails on the unreachable URL).
    shutil.copy2(os.path.join(os.path.dirname(NINES), "nines-net.so"),
                 os.path.join(alone, "nines-net.so"))
    code, out, err = run_with(binary, "metrics", "pull", repo, "--now", tp.NOW)
    check("nines-net.so" not in err and "internal error" not in err and code in (1, 3),
          f"module beside the copy: the pull reaches the network ({code}): {err[-400:]}")


def run_with(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True, errors="replace",
                       timeout=300, env=dict(os.environ, PROM_TOKEN=tp.TOKEN))
    return p.returncode, p.stdout, p.stderr


def test_leftovers_of_a_kept_site(tmp):
    """A build that keeps the previous site (nothing changed, or only prose rewritten in place)
    still removes what a build killed part-way left beside OUT, as every other build does."""
    base = os.path.join(tmp, "kept")
    repo = small_repo(os.path.join(base, "repo"))
    put(os.path.join(repo, "runbooks", "rb.md"),
        "---\nrunbook:\n  title: Svc down\n  service: svc\n  alert_name: SvcDown\n---\n"
        "# Steps\n\nLook.\n")
    out = os.path.join(base, "out")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"first build ({code}): {err[-300:]}")

    def leave_leftover(pid):
        """What a build killed just after it began leaves: its marker and part of the API."""
        left = os.path.join(base, f"out.tmp-nines-{pid}")
        shutil.copytree(os.path.join(out, "api"), os.path.join(left, "api"))
        shutil.copy(os.path.join(out, ".nines-site"), left)
        return left

    # 3999999 is above the kernel's largest pid: no process can have it.
    left = leave_leftover(3999999)
    code, stdout, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"rebuild with nothing changed ({code}): {err[-300:]}")
    check(stdout.startswith("wrote "), f"a kept site reads as the full build: {stdout!r}")
    check(not os.path.exists(left), "a killed build's tree is removed by a no-change rebuild")

    left = leave_leftover(3999998)
    put(os.path.join(repo, "runbooks", "rb.md"),
        "---\nrunbook:\n  title: Svc down\n  service: svc\n  alert_name: SvcDown\n---\n"
        "# Steps\n\nLook twice.\n")
    code, stdout, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"rebuild after a prose edit ({code}): {err[-300:]}")
    check(stdout.startswith("wrote "), f"a prose rebuild says what it wrote: {stdout!r}")
    check(not os.path.exists(left), "a killed build's tree is removed by a prose rebuild")
    check("twice" in (text_of(os.path.join(out, "runbooks", "rb", "index.html")) or ""),
          "the prose rebuild rewrote the runbook's page")


def test_concurrent_builds(tmp):
    """Two builds of one repository at once into one folder, with different "now"s (so their
    sites differ): one waits for the other, so the site left is one of them whole, every file of
    it in its manifest, and a later build into the folder succeeds. (Without the lock each took
    the other's new pages for files of the user's and carried them into its own site, and every
    later build then refused the folder.)"""
    repo = copy_content(tmp, "concurrent")
    out = os.path.join(tmp, "concurrent-out")
    for round_ in range(3):
        procs = [subprocess.Popen([NINES, "build", repo, "--offline", "--now", now, "-o", out],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for now in ("2026-11-23T00:00:00Z", "2026-10-15T00:00:00Z")]
        codes = [p.wait(timeout=300) for p in procs]
        errs = [p.stderr.read() for p in procs]
        check(codes == [0, 0], f"round {round_}: both builds succeed ({codes}): {errs}")
        with open(os.path.join(out, ".nines-site"), encoding="utf-8") as f:
            listed = set(json.loads(f.read().split("\n", 1)[1])["files"])
        present = {os.path.relpath(os.path.join(b, n), out)
                   for b, _, names in os.walk(out) for n in names} - {".nines-site"}
        check(present == listed, f"round {round_}: every file of the site is in its manifest: "
              f"{sorted(present ^ listed)[:5]}")
    code, _, err = run("build", repo, "--offline", "--now", "2026-11-20T00:00:00Z", "-o", out)
    check(code == 0, f"a later build into the folder succeeds ({code}): {err[-300:]}")


def test_address_space_limit(tmp):
    """Under a limit on the address space (ulimit -v) nines keeps the ordinary heap rather than
    reserving 256 MB at a time for huge pages: the example organisation still checks and builds,
    where the large heap could not grow at all and every allocation failed."""
    import resource
    repo = copy_content(tmp, "limited")
    out = os.path.join(tmp, "limited-site")

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (300 << 20, 300 << 20))

    for args in (["check", repo], ["build", repo, "--offline", "--now", NOW, "-o", out]):
        p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace",
                           timeout=300, preexec_fn=limited)
        check(p.returncode == 0, f"{args[0]} under a 300 MB address-space limit: exit "
                                 f"{p.returncode}: {p.stderr[-300:]}")
    check(os.path.isfile(os.path.join(out, "index.html")), "the limited build wrote the site")
    # Tighter limits: enough to start, too little for a build. Out of memory is exit 3, said as
    # such, and the site built above stays as it was; never an internal error or a crash.
    before = tree(out)
    for mb in (30, 40, 60):
        def tighter(mb=mb):
            resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))

        for args in (["check", repo], ["build", repo, "--offline", "--now", NOW, "-o", out]):
            p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace",
                               timeout=300, preexec_fn=tighter)
            if p.returncode == 127:  # the dynamic loader itself could not map the libraries
                continue
            check(p.returncode in (0, 1, 3) and "internal error" not in p.stderr,
                  f"{args[0]} under {mb} MB: exit {p.returncode}: {p.stderr[-300:]}")
            if p.returncode == 3:
                check("out of memory" in p.stderr, f"{args[0]} under {mb} MB says why: "
                                                   f"{p.stderr[-300:]}")
    check(tree(out) == before, "builds that ran out of memory left the site as it was")


def main():
    tmp = tempfile.mkdtemp(prefix="nines-hardening-")
    try:
        for t in (test_output_folder, test_output_siblings, test_output_markers, test_output_setting,
                  test_hostile_answers, test_store_follows_files,
                  test_rejected_answers, test_foreign_and_tampered_store,
                  test_unreadable_folder_and_overrides, test_linked_layouts_folder,
                  test_override_linked_into_git,
                  test_store_through_link, test_check_lists_skipped_links,
                  test_absurd_toil, test_terminal_text,
                  test_network_module,
                  test_leftovers_of_a_kept_site, test_concurrent_builds,
                  test_address_space_limit):
            t(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # The helpers borrowed from test_prometheus count their checks there: report both.
    check.passed += tp.check.passed
    check.failed += tp.check.failed
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
