#!/usr/bin/env python3
"""End-to-end tests of git history (staleness from commits) and `nines check --since REV`, on real
git repositories built in a temporary folder with dated commits.

Usage: test_history.py NINES SOURCE_DIR
"""
import os
import shutil
import signal
import subprocess
import sys
import json
import tempfile
import time

from support import SOURCE_DIR, Checks, git, write

check = Checks()
NOW = "2026-11-01"


def nines(*args, cwd, env_extra=None):
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    env.update(env_extra or {})
    p = subprocess.run([NINES, *args], capture_output=True, text=True, env=env, cwd=cwd,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr




def make_repo(root):
    write(os.path.join(root, "nines.yaml"),
          "title: History test\nteams:\n  web:\n    name: Web\n    members: [a, b, c, d, e]\n")
    write(os.path.join(root, "slis", "success.yaml"), "sli:\n  name: success\n")
    for svc, target in (("alpha", "99.9"), ("beta", "99.9")):
        write(os.path.join(root, "services", svc + ".yaml"),
              f"service:\n  name: {svc}\n  tier: important\n  type: api\n  owner_team: web\n")
        write(os.path.join(root, "slos", svc + ".yaml"),
              f"slo:\n  id: {svc}-availability\n  service: {svc}\n  sli: success\n"
              f"  target: {target}\n  window: 28d\n")
    write(os.path.join(root, "runbooks", "alpha.yaml"),
          "runbook:\n  title: Alpha errors\n  alert_name: fast_burn\n  service: alpha\n"
          "  last_updated: 2026-01-05\n  overview: Look at the logs.\n")
    # beta fails 80 of 100000 requests a day: 80% of its budget spent, critical.
    rows = ["slo,date,good,total"]
    for day in range(4, 32):
        rows.append(f"alpha-availability,2026-10-{day:02d},99990,100000")
        rows.append(f"beta-availability,2026-10-{day:02d},99920,100000")
    write(os.path.join(root, "metrics", "sli.csv"), "\n".join(rows) + "\n")


def last_changed(site, page):
    """The text of a page's "last changed" line (tags kept), or None."""
    import re
    with open(os.path.join(site, page)) as f:
        m = re.search(r'<p class="last-changed">(.*?)</p>', f.read(), re.S)
    return m.group(1) if m else None


def test_pages(tmp):
    """Each document page says when its file last changed: from the last commit (date, short
    hash linked to repo_url, author), "uncommitted changes" for an edited file, and the
    document's own field with the reason when git cannot tell."""
    root = os.path.join(tmp, "pages")
    make_repo(root)
    with open(os.path.join(root, "nines.yaml"), "a") as f:
        f.write("repo_url: https://git.example.org/sre/reliability/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-01-10T00:00:00Z")
    git(root, "commit", "-q", "--allow-empty", "-m", "later", date="2026-02-01T00:00:00Z")
    full = subprocess.run(["git", "log", "-1", "--format=%H", "--", "runbooks/alpha.yaml"],
                          cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    # A runbook written after the last commit: no history of its own yet.
    write(os.path.join(root, "runbooks", "beta.yaml"),
          "runbook:\n  title: Beta errors\n  alert_name: fast_burn\n  service: beta\n"
          "  last_updated: 2026-10-20\n  overview: Look at the graphs.\n")
    site = os.path.join(tmp, "pages-site")
    code, out, err = nines("build", ".", "-o", site, "--offline", "--now", NOW, cwd=root)
    check(code == 0, f"pages: build ({code}) {err[-300:]}")
    line = last_changed(site, "runbooks/alpha/index.html") or ""
    check(f'Last changed <time>2026-01-10</time> · <a href="https://git.example.org/sre/'
          f'reliability/commit/{full}" rel="noopener noreferrer"><code>{full[:7]}</code></a>'
          in line and "by Tess" in line, f"pages: the last commit of the file: {line}")
    line = last_changed(site, "runbooks/beta/index.html") or ""
    check("Last changed <time>2026-10-20</time>" in line and "not committed yet" in line and
          "last_updated field" in line, f"pages: an uncommitted file falls back: {line}")

    # An edit of a committed file counts as changed now.
    rb = os.path.join(root, "runbooks", "alpha.yaml")
    open(rb, "a").write("  impact: Users see errors.\n")
    code, _, err = nines("build", ".", "-o", site, "--offline", "--now", NOW, cwd=root)
    line = last_changed(site, "runbooks/alpha/index.html") or ""
    check(code == 0 and "uncommitted changes" in line, f"pages: an edited file: {line} {err}")

    # Without git (a tarball), the fields decide and the page says why.
    plain = os.path.join(tmp, "tarball")
    shutil.copytree(root, plain, ignore=shutil.ignore_patterns(".git", ".nines"))
    site = os.path.join(tmp, "tarball-site")
    code, _, err = nines("build", ".", "-o", site, "--offline", "--now", NOW, cwd=plain)
    line = last_changed(site, "runbooks/alpha/index.html") or ""
    check(code == 0 and "Last changed <time>2026-01-05</time>" in line and
          "No git history (" in line and "last_updated field" in line,
          f"pages: no git, the field decides: {line} {err}")
    # A page of a document without a date field still says where its date would come from.
    line = last_changed(site, "services/alpha/index.html") or ""
    check("no date field" in line, f"pages: a service without git or a date field: {line}")


def test_since_maturity(tmp):
    """A service's maturity level, total and band, is in the --since summary beside its
    dimensions, and equals what `nines score` says on each side."""
    root = os.path.join(tmp, "maturity")
    code, _, err = nines("init", root, "--now", NOW, cwd=tmp)
    check(code == 0, f"init: {code} {err}")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")

    def total():
        code, out, err = nines("score", "example-api", "--json", "--now", NOW, cwd=root)
        check(code == 0, f"score: {code} {err}")
        j = json.loads(out)
        return j["total"], j["band"]
    def groups():
        code, out, err = nines("score", "--json", "--now", NOW, cwd=root)
        check(code == 0, f"score: {code} {err}")
        j = json.loads(out)
        g = {t["id"]: (t["total"], t["band"]) for t in j["teams"] if t["total"] is not None}
        g["org"] = (j["org"]["total"], j["org"]["band"])
        return g
    before, groups_before = total(), groups()
    git(root, "rm", "-rq", "chaos", "postmortems", "toil", "assessments")
    git(root, "commit", "-q", "-m", "second", date="2026-10-02T00:00:00Z")
    after, groups_after = total(), groups()
    check(before != after, f"the change moves the total: {before} {after}")
    code, out, err = nines("check", ".", "--since", "HEAD~1", "--format", "json", "--now", NOW,
                           cwd=root)
    totals = [m for m in json.loads(out)["maturity"] if m["dimension"] == "total"]
    check([m for m in totals if "service" in m] ==
          [{"service": "example-api", "dimension": "total", "from": before[0],
            "to": after[0], "from_band": before[1], "to_band": after[1]}],
          f"the total moved in the summary: {totals}")
    # Each team's and the organisation's level too, as `nines score` has them on each side.
    want = [{"team": g, "dimension": "total", "from": groups_before[g][0],
             "to": groups_after[g][0], "from_band": groups_before[g][1],
             "to_band": groups_after[g][1]}
            for g in sorted(groups_after) if g != "org" and g in groups_before
            and groups_before[g] != groups_after[g]]
    want.append({"team": "org", "dimension": "total", "from": groups_before["org"][0],
                 "to": groups_after["org"][0], "from_band": groups_before["org"][1],
                 "to_band": groups_after["org"][1]})
    check(len(want) >= 2 and [m for m in totals if "team" in m] == want,
          f"team and organisation totals in the summary: {totals} {want}")
    code, out, err = nines("check", ".", "--since", "HEAD~1", "--now", NOW, cwd=root)
    check(f"- `example-api` total: {before[0]}/40 {before[1]} → {after[0]}/40 {after[1]}\n" in out,
          f"the Markdown says it: {out}")
    org_before, org_after = groups_before["org"], groups_after["org"]
    check(f"- organisation total: {org_before[0]:.1f}/40 {org_before[1]} → "
          f"{org_after[0]:.1f}/40 {org_after[1]}\n" in out, f"the Markdown says the organisation's: {out}")


def files_under(folder):
    """Every file under `folder` (relative paths), or [] when it does not exist."""
    out = []
    for dirpath, _, names in os.walk(folder):
        out += [os.path.relpath(os.path.join(dirpath, n), folder) for n in names]
    return sorted(out)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def test_since_without_nines_at_rev(tmp):
    """A REV from before nines was adopted is an empty repository: everything is added, whatever
    lies above the temporary folder, and the figures are compared."""
    root = os.path.join(tmp, "adopt")
    write(os.path.join(root, "README.md"), "hi\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "readme", date="2026-09-01T00:00:00Z")
    make_repo(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "adopt nines", date="2026-10-01T00:00:00Z")
    code, plain, _ = nines("check", ".", "--now", NOW, cwd=root)
    # A foreign repository above the temporary folder, and a temporary folder inside this one:
    # neither is REV.
    foreign = os.path.join(tmp, "foreign-tmp")
    write(os.path.join(foreign, "nines.yaml"),
          "title: Other\nteams:\n  web:\n    name: Web\n    members: 5\n")
    write(os.path.join(foreign, "services", "ghost.yaml"),
          "service:\n  name: ghost\n  tier: standard\n  owner_team: nobody\n")
    inside = os.path.join(root, "tmp-inside")
    os.makedirs(inside)
    for label, tmpdir in (("default", None), ("foreign", foreign), ("inside", inside)):
        env = {"TMPDIR": tmpdir} if tmpdir else None
        code, out, err = nines("check", ".", "--since", "HEAD~1", "--format", "json", "--now", NOW,
                               cwd=root, env_extra=env)
        j = json.loads(out) if out else {}
        added = sorted(x["id"] for x in j.get("slos", {}).get("added", []))
        check(code == 0 and j.get("figures_compared") is True and
              added == ["alpha-availability", "beta-availability"] and
              j["diagnostics"]["fixed"] == [] and
              len(j["diagnostics"]["new"]) == j["warnings"] + j["errors"],
              f"REV without nines.yaml ({label} TMPDIR) is empty: {code} {err} {out[:600]}")
        code, out, err = nines("check", ".", "--since", "HEAD~1", "--now", NOW, cwd=root,
                               env_extra=env)
        check(code == 0 and "revision has errors" not in out and "not compared" not in out,
              f"no note about errors at REV ({label}): {out}")
    check(files_under(inside) == [] and sorted(os.listdir(foreign)) == ["nines.yaml", "services"],
          "the temporary folders are left as they were")

    # The content folder did not exist at REV (a subfolder of the git repository).
    outer = os.path.join(tmp, "outer")
    write(os.path.join(outer, "README.md"), "hi\n")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "readme", date="2026-09-01T00:00:00Z")
    make_repo(os.path.join(outer, "content"))
    code, out, err = nines("check", "content", "--since", "HEAD", "--format", "json", "--now", NOW,
                           cwd=outer)
    j = json.loads(out) if out else {}
    check(code == 0 and len(j.get("slos", {}).get("added", [])) == 2 and j["figures_compared"],
          f"a content folder new since REV: {code} {err} {out[:400]}")


def test_since_store(tmp):
    """check --since, like check, never creates, opens or writes the configured store, wherever
    it is; the figures come from private copies of it."""
    root = os.path.join(tmp, "store")
    make_repo(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    private_tmp = os.path.join(tmp, "store-tmp")
    os.makedirs(private_tmp)
    env = {"TMPDIR": private_tmp}

    # The default store, inside the repository: not created, even on a failed run.
    code, out, err = nines("check", ".", "--since", "HEAD", "--now", NOW, cwd=root, env_extra=env)
    check(code == 0 and "## nines: changes since" in out, f"--since runs: {code} {err}")
    check(not os.path.exists(os.path.join(root, ".nines")), "no .nines in the repository")
    code, _, err = nines("check", ".", "--since", "no-such-rev", "--now", NOW, cwd=root,
                         env_extra=env)
    check(code == 2 and not os.path.exists(os.path.join(root, ".nines")),
          f"an unknown revision: exit 2 and nothing written ({code} {err})")
    plain = os.path.join(tmp, "store-nogit")
    shutil.copytree(root, plain, ignore=shutil.ignore_patterns(".git"))
    code, _, err = nines("check", ".", "--since", "HEAD", "--now", NOW, cwd=plain, env_extra=env)
    check(code == 2 and "not a git repository" in err and
          not os.path.exists(os.path.join(plain, ".nines")),
          f"not a git repository: exit 2 and nothing written ({code} {err})")
    check(files_under(private_tmp) == [], f"nothing left in TMPDIR: {files_under(private_tmp)}")

    # The repository may not put its store outside itself: metrics.cache with `..` or an
    # absolute path is an error at the value, and nothing is made there.
    config = os.path.join(root, "nines.yaml")
    base_config = open(config).read()
    outside = os.path.join(tmp, "store-outside.db")
    absolute = os.path.join(tmp, "abs", "store-abs.db")
    for cache in ("../store-outside.db", absolute):
        write(config, base_config + f"metrics:\n  cache: {cache}\n")
        code, out, err = nines("check", ".", "--now", NOW, cwd=root, env_extra=env)
        check(code == 1 and "nines.yaml:" in out and "metrics.cache" in out,
              f"metrics.cache {cache}: refused at the value ({code}): {out[-600:]} {err[-300:]}")
        code, _, err = nines("budget", "--now", NOW, cwd=root)
        check(not os.path.exists(outside) and not os.path.exists(os.path.dirname(absolute)),
              f"metrics.cache {cache}: nothing made outside ({code} {err[-300:]})")
    write(config, base_config)

    # A store outside the repository chosen by whoever runs nines (NINES_CACHE), relative to the
    # working folder or absolute: untouched by --since, whether it exists or not, and nothing of
    # it appears next to the temporary folder.
    for label, cache, path in (("relative", "../store-outside.db", outside),
                               ("absolute", absolute, absolute)):
        store_env = dict(env, NINES_CACHE=cache)
        code, out, err = nines("check", ".", "--since", "HEAD", "--now", NOW, cwd=root,
                               env_extra=store_env)
        check(code == 0 and not os.path.exists(path) and
              not os.path.exists(os.path.dirname(absolute)),
              f"{label} store: not created ({code} {err})")
        check(files_under(private_tmp) == [], f"{label}: nothing left in TMPDIR")
        code, _, err = nines("budget", "--now", NOW, cwd=root, env_extra={"NINES_CACHE": cache})
        check(code == 0 and os.path.exists(path), f"{label}: budget makes the store ({err})")
        before = {f: read_bytes(f) for f in (path, path + "-wal") if os.path.exists(f)}
        # The working tree's CSV changes: REV's rows must not land in the store either.
        csv = os.path.join(root, "metrics", "sli.csv")
        csv_text = open(csv).read()
        write(csv, csv_text.replace("beta-availability,2026-10-31,99920,100000",
                                    "beta-availability,2026-10-31,90000,100000"))
        code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                               cwd=root, env_extra=store_env)
        after = {f: read_bytes(f) for f in (path, path + "-wal") if os.path.exists(f)}
        check(code == 0 and json.loads(out)["figures_compared"] and before == after,
              f"{label} store: byte-identical after --since ({code} {err})")
        write(csv, csv_text)
        check(files_under(private_tmp) == [], f"{label}: nothing left in TMPDIR")
    check(not os.path.exists(os.path.join(root, ".nines")), "still no .nines in the repository")

    # Rows that only the store holds (an import) are on both sides: the store is copied.
    csv = os.path.join(root, "metrics", "sli.csv")
    csv_text = open(csv).read()
    beta_rows = [l for l in csv_text.splitlines() if l.startswith("beta-")]
    write(csv, "\n".join(l for l in csv_text.splitlines() if not l.startswith("beta-")) + "\n")
    imported = os.path.join(tmp, "beta-rows.csv")
    write(imported, "slo,date,good,total\n" + "\n".join(beta_rows) + "\n")
    write(os.path.join(root, ".gitignore"), ".nines/\n")
    code, _, err = nines("metrics", "import", imported, "--now", NOW, cwd=root)
    check(code == 0, f"metrics import: {code} {err}")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "beta's rows are imported", date="2026-10-02T00:00:00Z")
    store = os.path.join(root, ".nines", "cache.db")
    before = read_bytes(store)
    slo = os.path.join(root, "slos", "beta.yaml")
    write(slo, open(slo).read().replace("target: 99.9", "target: 99.95"))
    code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                           cwd=root, env_extra=env)
    j = json.loads(out) if out else {}
    check(code == 0 and j.get("budget_states") == [{"slo": "beta-availability",
                                                     "from": "critical", "to": "exhausted"}],
          f"imported rows count on both sides: {code} {err} {j.get('budget_states')}")
    check(read_bytes(store) == before, "the store is byte-identical after --since")

    # A corrupt store: check never opens it, and --since exits as check does.
    write(store, "garbage\n")
    for strict in ([], ["--strict"]):
        want, _, _ = nines("check", ".", *strict, "--now", NOW, cwd=root)
        code, out, err = nines("check", ".", "--since", "HEAD", *strict, "--format", "json",
                               "--now", NOW, cwd=root, env_extra=env)
        j = json.loads(out) if out else {}
        check(code == want and j.get("exit") == want and j.get("figures_compared") is False and
              "is corrupt" in err and ".nines/cache.db" in err,
              f"a corrupt store{strict}: exit {code}, check's {want}: {err}")
        code, out, err = nines("check", ".", "--since", "HEAD", *strict, "--now", NOW, cwd=root,
                               env_extra=env)
        check(code == want and "_figures not compared: the metrics store cannot be read_" in out,
              f"the summary says why{strict}: {out}")
    check(open(store).read() == "garbage\n", "the corrupt store is left as it was")
    check(files_under(private_tmp) == [], "nothing left in TMPDIR at the end")


def test_since_submodule(tmp):
    """Documents in a git submodule are read on the revision's side too, at the commit the
    revision's gitlink records: an unchanged tree has nothing new or fixed and its figures are
    compared; a finding the submodule's new commit brings is new."""
    sub = os.path.join(tmp, "sub-origin")
    write(os.path.join(sub, "svc.yaml"),
          "service:\n  name: svc-a\n  tier: standard\n  owner_team: t\n")
    git(sub, "init", "-q", "-b", "main")
    git(sub, "add", "-A")
    git(sub, "commit", "-q", "-m", "svc")
    root = os.path.join(tmp, "super")
    write(os.path.join(root, "nines.yaml"),
          "title: T\nteams:\n  t:\n    name: T\n    members: [a, b, c, d, e]\n"
          "    sre_hours_per_month: 100\n")
    write(os.path.join(root, "toil.yaml"),
          "toil_item:\n  name: maintoil\n  service: svc-a\n  time_per_occurrence_min: 10\n"
          "  occurrences_per_month: 3\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "shared")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    code, out, err = nines("check", ".", "--since", "HEAD", "--now", NOW, cwd=root)
    check(code == 0 and "0 new, 0 fixed" in out + err and "not compared" not in out,
          f"a submodule's documents are read at the revision too: {code} {out}{err}")
    # The submodule moves on to a commit with an unknown field: new since the revision.
    shared = os.path.join(root, "shared")
    write(os.path.join(shared, "svc.yaml"),
          "service:\n  name: svc-a\n  tier: standard\n  owner_team: t\n  colour: red\n")
    git(shared, "commit", "-q", "-am", "colour")
    git(root, "commit", "-q", "-am", "bump", date="2026-10-02T00:00:00Z")
    code, out, err = nines("check", ".", "--since", "HEAD~1", "--now", NOW, cwd=root)
    check("1 new, 0 fixed" in out + err and "shared/svc.yaml" in out and "colour" in out,
          f"the submodule's new finding is new: {code} {out}{err}")


def test_since_interrupted(tmp):
    """check --since stopped by Ctrl-C or a cancelled job's SIGTERM (sent to the process once its
    temporary folder exists) removes that folder, with the revision's documents and the copy of
    the store in it, and ends as the signal would (128 + its number)."""
    root = os.path.join(tmp, "interrupted")
    shutil.copytree(os.path.join(SOURCE_DIR, "content"), root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    private_tmp = os.path.join(tmp, "interrupted-tmp")
    os.makedirs(private_tmp)
    env = dict(os.environ, TMPDIR=private_tmp)
    env.pop("SOURCE_DATE_EPOCH", None)
    stopped = {}
    for attempt in range(40):
        sig = signal.SIGINT if attempt % 2 == 0 else signal.SIGTERM
        p = subprocess.Popen([NINES, "check", ".", "--since", "HEAD", "--now", NOW], cwd=root,
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while p.poll() is None and not os.listdir(private_tmp):
            time.sleep(0.0005)
        if p.poll() is None:
            time.sleep(0.002 * (attempt % 5))
            p.send_signal(sig)
        code = p.wait(timeout=60)
        check(os.listdir(private_tmp) == [],
              f"{sig.name}: nothing left in TMPDIR: {os.listdir(private_tmp)}")
        for left in os.listdir(private_tmp):
            shutil.rmtree(os.path.join(private_tmp, left), ignore_errors=True)
        if code != 0:
            stopped[sig.name] = code
        if len(stopped) == 2:
            break
    check(stopped == {"SIGINT": 130, "SIGTERM": 143},
          f"a stopped run ends as the signal would: {stopped}")


def test_since_markdown(tmp):
    """A backtick in a path keeps the diagnostic one code span, and a finding that only moved
    lines, with its position in its message, is neither new nor fixed."""
    root = os.path.join(tmp, "markdown")
    make_repo(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    write(os.path.join(root, "runbooks", "we`ird.yaml"),
          "runbook:\n  title: \"x\"\n  alert_name: a\n  ownr: me\n")
    code, out, err = nines("check", ".", "--since", "HEAD", "--now", NOW, cwd=root)
    lines = [l for l in out.splitlines() if "ownr" in l]
    check(len(lines) == 1 and lines[0].startswith("- ``runbooks/we`ird.yaml:4:3: error: ") and
          lines[0].endswith("[schema]``"), f"a backtick in a path: {lines}")
    os.remove(os.path.join(root, "runbooks", "we`ird.yaml"))

    # A duplicate key that moves a line down, and a duplicate id whose other file moved.
    rb = os.path.join(root, "runbooks", "alpha.yaml")
    write(rb, open(rb).read().replace("  service: alpha\n", "  service: alpha\n  service: alpha\n"))
    shutil.copy(os.path.join(root, "slos", "alpha.yaml"), os.path.join(root, "slos", "zz.yaml"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "duplicates", date="2026-10-02T00:00:00Z")
    for path in (rb, os.path.join(root, "slos", "alpha.yaml")):
        write(path, "# moved\n" + open(path).read())
    code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                           cwd=root)
    j = json.loads(out) if out else {}
    check(code == 1 and j["diagnostics"] == {"new": [], "fixed": []},
          f"moved findings are neither new nor fixed: {code} {err} {j.get('diagnostics')}")

    # A file that repeats a warning: the one added is the new one, not the one that was there.
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "moved", date="2026-10-03T00:00:00Z")
    rb2 = os.path.join(root, "runbooks", "beta.yaml")
    write(rb2, "runbook:\n  title: Beta\n  alert_name: b\n  service: beta\n"
               "  last_updated: 2026-10-01\n  diagnosis:\n    - step: one\n"
               "      expected: x\n    - step: two\n      expected: yes\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one yes", date="2026-10-04T00:00:00Z")
    write(rb2, open(rb2).read().replace("      expected: x\n", "      expected: no\n"))
    code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                           cwd=root)
    j = json.loads(out) if out else {}
    new = [(d["file"], d["line"]) for d in j.get("diagnostics", {}).get("new", [])
           if d["rule"] == "yaml-bool-string"]
    check(new == [("runbooks/beta.yaml", 8)],
          f"the repeated warning added is the new one, at its line: {new} {err}")

    # A file moved with `git mv` and one moved and edited a little, as a pull request commits
    # them: their findings are under the new names, neither new nor fixed; a finding the edit
    # added is new. Staged and not yet committed, the same.
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one no", date="2026-10-05T00:00:00Z")
    os.makedirs(os.path.join(root, "ops"))
    git(root, "mv", "runbooks/beta.yaml", "ops/beta.yaml")
    os.rename(os.path.join(root, "runbooks", "alpha.yaml"),
              os.path.join(root, "ops", "alpha-errors.yaml"))
    moved = os.path.join(root, "ops", "alpha-errors.yaml")
    write(moved, open(moved).read().replace("  overview: Look at the logs.\n",
                                            "  overview: Look at the logs first.\n"
                                            "  impact: yes\n"))
    git(root, "add", "-A")
    for rev in ("HEAD", "HEAD~1"):
        if rev == "HEAD~1":
            git(root, "commit", "-q", "-m", "moved", date="2026-10-06T00:00:00Z")
        code, out, err = nines("check", ".", "--since", rev, "--format", "json", "--now", NOW,
                               cwd=root)
        j = json.loads(out) if out else {}
        diags = j.get("diagnostics", {})
        check(code == 1 and diags.get("fixed") == [] and
              [(d["file"], d["rule"]) for d in diags.get("new", [])] ==
              [("ops/alpha-errors.yaml", "yaml-bool-string")],
              f"moved files since {rev}: findings neither new nor fixed: {code} {err} {diags}")

    # One file of a duplicate-id pair moved to a name that sorts after the other: the error is now
    # reported at the other file, naming the moved one. The same pair: neither new nor fixed.
    git(root, "mv", "slos/alpha.yaml", "slos/zzz.yaml")
    git(root, "commit", "-q", "-m", "pair moved", date="2026-10-07T00:00:00Z")
    code, out, err = nines("check", ".", "--since", "HEAD~1", "--format", "json", "--now", NOW,
                           cwd=root)
    j = json.loads(out) if out else {}
    diags = j.get("diagnostics", {})
    pair = [d for side in ("new", "fixed") for d in diags.get(side, [])
            if d["rule"] == "duplicate-id"]
    check(code == 1 and diags and not pair,
          f"a moved file of a duplicate-id pair: neither new nor fixed: {code} {err} {pair}")


def test_since_many_findings(tmp):
    """Each side's findings are compared whole, not the first 1,000 `check` prints: moving a
    folder of 1,100 files that each have a warning adds nothing and fixes nothing, and the
    Markdown lists the first 1,000 new findings and says how many more there are."""
    root = os.path.join(tmp, "many")
    make_repo(root)
    for i in range(1100):
        write(os.path.join(root, "gen", f"rb-{i:04d}.yaml"),
              f"runbook:\n  title: R{i}\n  alert_name: fast_burn\n  service: alpha\n"
              f"  last_updated: 2026-10-01\n  impact: yes\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    git(root, "mv", "gen", "zgen")
    code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                           cwd=root)
    j = json.loads(out) if out else {}
    diags = j.get("diagnostics", {})
    check(j.get("warnings", 0) > 1100 and diags.get("new") == [] and diags.get("fixed") == [],
          f"many: a moved folder adds and fixes nothing ({code} {err[-300:]}): "
          f"{len(diags.get('new', []))} new, {len(diags.get('fixed', []))} fixed")
    git(root, "commit", "-q", "-m", "moved", date="2026-10-02T00:00:00Z")
    for i in range(1100):
        path = os.path.join(root, "zgen", f"rb-{i:04d}.yaml")
        write(path, open(path).read() + "  escalation: on\n")
    code, out, err = nines("check", ".", "--since", "HEAD", "--now", NOW, cwd=root)
    new = [l for l in out.splitlines() if l.startswith("- `zgen/")]
    check(len(new) == 1000 and "- … and 100 more not shown" in out,
          f"many: 1,000 new findings listed and the rest counted: {len(new)} {out[-300:]}")


def test_since_symlinks(tmp):
    """REV's side makes a tree's symbolic links links again, as a checkout does: a document
    reached through one is read at REV too, so an unchanged one is neither added nor its rows
    unknown."""
    root = os.path.join(tmp, "symlinks")
    make_repo(root)
    os.makedirs(os.path.join(root, "shared"))
    os.rename(os.path.join(root, "slos", "beta.yaml"), os.path.join(root, "shared", "beta.slo"))
    os.symlink("../shared/beta.slo", os.path.join(root, "slos", "beta.yaml"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    code, out, err = nines("check", ".", "--now", NOW, cwd=root)
    check(code == 0, f"the linked SLO checks clean ({code}): {out} {err}")
    # The pull request touches something else.
    path = os.path.join(root, "runbooks", "alpha.yaml")
    write(path, open(path).read().replace("Look at the logs.", "Look at the logs first."))
    code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                           cwd=root)
    j = json.loads(out) if out else {}
    check(code == 0 and j.get("diagnostics") == {"new": [], "fixed": []} and
          j.get("figures_compared") is True and
          j.get("slos", {}).get("added") == [],
          f"a linked document is read at REV too: {code} {err} {out[:600]}")


def test_since_signoffs(tmp):
    """A sign-off current at REV and stale now is listed even when the pull request also edits its
    record; one whose reviewer signed again in it is not."""
    root = os.path.join(tmp, "signoffs")
    make_repo(root)
    write(os.path.join(root, "readiness", "alpha.yaml"),
          "readiness_review:\n  service: alpha\n  date: 2026-10-01\n  items:\n"
          "    - check: slos.slis-defined\n      status: pass\n      evidence: success\n")
    code, _, err = nines("signoff", "alpha", "--name", "Ana", "--role", "sre lead", "--decision",
                         "approved", "--now", NOW, cwd=root)
    check(code == 0, f"signoff ({code}) {err}")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    slo = os.path.join(root, "slos", "alpha.yaml")
    review = os.path.join(root, "readiness", "alpha.yaml")
    slo_text, review_text = open(slo).read(), open(review).read()

    def stale():
        code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                               cwd=root)
        return [s["name"] for s in json.loads(out)["stale_signoffs"]] if out else f"{code} {err}"

    # The reviewed SLO changes, and the same pull request fixes the sign-off's role's wording.
    write(slo, slo_text.replace("target: 99.9", "target: 99.5"))
    write(review, review_text.replace("role: sre lead", "role: SRE lead"))
    check(stale() == ["Ana"], f"an edited record still shows as made stale: {stale()}")
    # Signing again in the pull request: the approval stands.
    write(review, review_text)
    code, _, err = nines("signoff", "alpha", "--name", "Ana", "--role", "sre lead", "--decision",
                         "approved", "--now", NOW, cwd=root)
    check(code == 0 and stale() == [], f"a reviewer who signed again is not listed: {stale()}")
    # Signing again with the name written in another case is the same reviewer, as for the gate.
    write(review, review_text)
    code, _, err = nines("signoff", "alpha", "--name", " ana ", "--role", "sre lead", "--decision",
                         "approved", "--now", NOW, cwd=root)
    check(code == 0 and stale() == [], f"' ana ' is Ana, who signed again: {stale()}")


def test_commit_encodings(tmp):
    """An author's name is published as UTF-8 whatever the commit holds: converted from the
    encoding the commit names (i18n.commitEncoding), and a byte no encoding explains shown as
    U+FFFD. build and handoff exit 0, and every page and API file is valid UTF-8."""
    root = os.path.join(tmp, "encodings")
    code, _, err = nines("init", root, "--now", NOW, cwd=tmp)
    check(code == 0, f"encodings: init ({code}) {err}")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    name = b"Ren\xe9"  # Latin-1
    env = dict(os.environ, GIT_AUTHOR_DATE="2026-10-30T00:00:00Z",
               GIT_COMMITTER_DATE="2026-10-30T00:00:00Z")
    with open(os.path.join(root, "services", "example-api.yaml"), "a") as f:
        f.write("# note\n")
    subprocess.run([b"git", b"-c", b"i18n.commitEncoding=ISO-8859-1", b"-c", b"user.name=" + name,
                    b"-c", b"user.email=r@example.org", b"commit", b"-qam", b"Latin-1"],
                   cwd=root, env=env, check=True, capture_output=True)
    # git itself stores a name that is not UTF-8, with no encoding named, converted as Latin-1;
    # another tool (or an older git) stores the bytes as they are: such a commit is made by hand.
    rb = os.path.join("runbooks", "example-api", "example-api-fast-burn.yaml")
    with open(os.path.join(root, rb), "a") as f:
        f.write("# note\n")
    git(root, "add", "-A")
    out = lambda *a: subprocess.run(["git", *a], cwd=root, check=True, capture_output=True,
                                    input=None).stdout.strip()
    tree, parent = out("write-tree"), out("rev-parse", "HEAD")
    raw = (b"tree " + tree + b"\nparent " + parent + b"\nauthor " + name +
           b" <r@example.org> 1793404800 +0000\ncommitter " + name +
           b" <r@example.org> 1793404800 +0000\n\nraw bytes\n")  # 2026-10-31
    commit = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=root,
                            input=raw, check=True, capture_output=True).stdout.strip()
    out("update-ref", "HEAD", commit.decode())

    site = os.path.join(tmp, "encodings-site")
    code, _, err = nines("build", ".", "-o", site, "--offline", "--now", NOW, cwd=root)
    check(code == 0, f"encodings: build exits 0 ({code}) {err[-300:]}")
    bad = []
    for rel in files_under(site):
        if rel.endswith((".html", ".json", ".js", ".css", ".svg", ".xml", ".txt", ".csv")):
            try:
                read_bytes(os.path.join(site, rel)).decode("utf-8")
            except UnicodeDecodeError as e:
                bad.append(f"{rel}: {e}")
    check(files_under(site) and not bad, f"encodings: every page and API file is UTF-8: {bad}")
    line = last_changed(site, "services/example-api/index.html") or ""
    check("by René" in line, f"encodings: the Latin-1 name is converted: {line}")
    line = last_changed(site, "runbooks/example-api-fast-burn/index.html") or ""
    check("by Ren\ufffd" in line, f"encodings: an invalid byte is shown as U+FFFD: {line}")
    code, js, err = nines("handoff", "example-oncall", "--format", "json", "--now", NOW, cwd=root)
    authors = sorted({c["author"] for c in json.loads(js)["handoff"]["recent_changes"]["changes"]}
                     ) if code == 0 else []
    check(authors == ["René", "Ren\ufffd"], f"encodings: handoff ({code}) {authors} {err}")
    code, text, err = nines("handoff", "example-oncall", "--now", NOW, cwd=root)
    check(code == 0 and "René" in text, f"encodings: handoff as text ({code}) {err}")


def test_since_signoffs_stale_at_rev(tmp):
    """Only sign-offs current at REV and stale now are listed: one already stale at REV (an older
    sign-off of a reviewer who signed again, or of one who never did) was not made stale by the
    change, though its reviewer's current one was. An edit of the record's date in the same pull
    request still shows it made stale."""
    root = os.path.join(tmp, "signoffs-stale")
    make_repo(root)
    review = os.path.join(root, "readiness", "alpha.yaml")
    write(review, "readiness_review:\n  service: alpha\n  date: 2026-10-01\n  items:\n"
          "    - check: slos.slis-defined\n      status: pass\n      evidence: success\n")

    def signoff(name, day):
        code, _, err = nines("signoff", "alpha", "--name", name, "--role", "sre lead",
                             "--decision", "approved", "--now", day, cwd=root)
        check(code == 0, f"signoff {name} {day} ({code}) {err}")

    signoff("Ana", "2026-10-02")
    signoff("Ben", "2026-10-02")
    slo = os.path.join(root, "slos", "alpha.yaml")
    slo_text = open(slo).read()
    write(slo, slo_text.replace("target: 99.9", "target: 99.5"))
    signoff("Ana", "2026-10-20")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-20T00:00:00Z")
    review_text = open(review).read()

    def stale():
        code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                               cwd=root)
        return ([(s["name"], s["date"]) for s in json.loads(out)["stale_signoffs"]] if out
                else f"{code} {err}")

    check(stale() == [], f"nothing changed, nothing made stale: {stale()}")
    write(slo, slo_text.replace("target: 99.9", "target: 99.0"))
    check(stale() == [("Ana", "2026-10-20")],
          f"only the sign-off current at REV is listed: {stale()}")
    code, out, err = nines("check", ".", "--since", "HEAD", "--now", NOW, cwd=root)
    section = out.split("### Readiness sign-offs made stale\n\n")[-1].split("\n\n")[0]
    check(section == "- `alpha`: Ana (sre lead, 2026-10-20, approved)",
          f"and in Markdown the same one: {section!r} {err}")
    # The same pull request also moves the current sign-off's date: still the one made stale.
    write(review, review_text.replace("date: 2026-10-20", "date: 2026-10-21"))
    check(stale() == [("Ana", "2026-10-21")], f"an edited date still shows: {stale()}")
    write(review, review_text)


def test_since_claims(tmp):
    """Each side's diagnostics are what `check` reports on that tree: a side with an error still
    judges the postmortems' budget claims, so an unrelated error neither fixes nor adds the
    claim's warning, and the header's counts are check's."""
    root = os.path.join(tmp, "claims")
    write(os.path.join(root, "nines.yaml"), "title: Mini\nteams:\n  t1:\n    name: T1\n")
    write(os.path.join(root, "services", "svc.yaml"),
          "service:\n  name: svc\n  tier: critical\n  owner_team: t1\n")
    write(os.path.join(root, "slis", "avail.yaml"), "sli:\n  name: avail\n  type: availability\n")
    write(os.path.join(root, "slos", "svc-avail.yaml"),
          "slo:\n  id: svc-avail\n  service: svc\n  sli: avail\n  target: 99.0\n  window: 28d\n")
    write(os.path.join(root, "metrics", "svc.csv"),
          "slo,date,good,total\nsvc-avail,2026-10-30,1000,1000\nsvc-avail,2026-10-31,940,1000\n")
    write(os.path.join(root, "postmortems", "pm.yaml"),
          "postmortem:\n  title: \"x\"\n  date: 2026-10-31\n  severity: SEV3\n  status: final\n"
          "  services: [svc]\n  impact:\n    slo_budget_consumed_pct: 5\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first", date="2026-10-01T00:00:00Z")
    svc = os.path.join(root, "services", "svc.yaml")
    clean = open(svc).read()

    def summary():
        code, out, err = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                               cwd=root)
        return code, (json.loads(out) if out else {}), err

    def counts():
        _, out, _ = nines("check", ".", "--format", "json", "--now", NOW, cwd=root)
        found = [d["severity"] for d in json.loads(out)]
        return found.count("error"), found.count("warning")

    # The change adds one unrelated error: it is the only new finding, and nothing is fixed.
    write(svc, clean + "  tierr: x\n")
    code, j, err = summary()
    check(code == 1 and (j.get("errors"), j.get("warnings")) == counts() == (1, 1) and
          [d["rule"] for d in j["diagnostics"]["new"]] == ["schema"] and
          j["diagnostics"]["fixed"] == [],
          f"an error added: the claim's warning stays ({code} {err}): {j.get('diagnostics')}")
    # Each finding has the shape `check --format json` gives it, its hint included.
    _, plain, _ = nines("check", ".", "--format", "json", "--now", NOW, cwd=root)
    schema_finding = [d for d in json.loads(plain) if d["rule"] == "schema"]
    check(j["diagnostics"]["new"] == schema_finding and "hint" in schema_finding[0],
          f"a new finding as check's JSON has it: {j['diagnostics']['new']} {schema_finding}")
    # The reverse: REV has the error, the change removes it.
    git(root, "commit", "-q", "-am", "the error", date="2026-10-02T00:00:00Z")
    write(svc, clean)
    code, j, err = summary()
    check(code == 0 and (j.get("errors"), j.get("warnings")) == counts() == (0, 1) and
          j["diagnostics"]["new"] == [] and
          [d["rule"] for d in j["diagnostics"]["fixed"]] == ["schema"],
          f"an error fixed: the claim's warning is not new ({code} {err}): {j.get('diagnostics')}")
    # --timings: each side's stage times, labelled, on stderr.
    code, out, err = nines("check", ".", "--since", "HEAD", "--timings", "--now", NOW, cwd=root)
    tree_at, rev_at = err.find("the working tree:"), err.find("revision HEAD (")
    check(code == 0 and "## nines: changes since" in out and -1 < tree_at < rev_at and
          err.count("\nload ") == 2 and err.count("\ntotal ") == 2,
          f"--timings prints both sides' stages: {err}")


def test_monorepo_links(tmp):
    """With the content in a folder of a larger git work tree, every link to a file in the
    repository's web view names its path from the work tree's top: the edit link of a page and a
    relative link of a runbook's body, on a full build and on a rebuild after a body edit; and
    the same files in another folder of the work tree make the site again."""
    mono = os.path.join(tmp, "mono")
    root = os.path.join(mono, "sub", "dir")
    make_repo(root)
    with open(os.path.join(root, "nines.yaml"), "a") as f:
        f.write("repo_url: https://git.example.org/sre/mono\n")
    write(os.path.join(root, "scripts", "restart.sh"), "#!/bin/sh\n")
    write(os.path.join(root, "runbooks", "beta.md"),
          "---\nrunbook:\n  title: Beta errors\n  alert_name: fast_burn\n  service: beta\n"
          "  last_updated: 2026-10-20\n---\n\n## Steps\n\nRun [the restart script]"
          "(../scripts/restart.sh#L1).\n")
    write(os.path.join(mono, "README.md"), "Other projects live here too.\n")
    git(mono, "init", "-q", "-b", "main")
    git(mono, "add", "-A")
    git(mono, "commit", "-q", "-m", "first", date="2026-01-10T00:00:00Z")
    site = os.path.join(tmp, "mono-site")
    page = os.path.join(site, "runbooks", "beta", "index.html")
    edit = '"https://git.example.org/sre/mono/blob/main/sub/dir/runbooks/beta.md"'
    body = '"https://git.example.org/sre/mono/blob/main/sub/dir/scripts/restart.sh#L1"'

    def build(what):
        code, _, err = nines("-C", root, "build", "-o", site, "--offline", "--now", NOW,
                             "--timings", cwd=tmp)
        check(code == 0, f"monorepo: {what}: build ({code}) {err[-300:]}")
        return err

    build("full")
    html = open(page).read()
    check(f"href={edit}" in html, f"monorepo: the edit link names sub/dir/: {html[-2000:]}")
    check(f"href={body}" in html, f"monorepo: a body's link names sub/dir/: {html[-2000:]}")
    alpha = open(os.path.join(site, "runbooks", "alpha", "index.html")).read()
    check('"https://git.example.org/sre/mono/blob/main/sub/dir/runbooks/alpha.yaml"' in alpha,
          "monorepo: a YAML document's edit link names sub/dir/")

    # A body edit: the runbook's page is made again from its saved view, with the same links.
    # (The first edit makes the file changed now, which the long way puts on the page.)
    rb = os.path.join(root, "runbooks", "beta.md")
    open(rb, "a").write("\nThen watch the graphs.\n")
    build("first body edit")
    open(rb, "a").write("\nThen watch the graphs again.\n")
    err = build("body edit")
    check("only prose changed" in err, f"monorepo: a body edit takes the short way: {err}")
    html = open(page).read()
    check("watch the graphs" in html and f"href={edit}" in html and f"href={body}" in html,
          f"monorepo: the rebuilt page keeps the links' folder: {html[-2000:]}")

    # The same files and commit, the work tree's top one folder lower: the content's place in it
    # changed, so the site is made again and its links follow.
    git(mono, "commit", "-q", "-am", "steps", date="2026-01-11T00:00:00Z")
    build("committed")
    shutil.move(os.path.join(mono, ".git"), os.path.join(mono, "sub", ".git"))
    err = build("moved work tree")
    check("nothing changed" not in err and "only prose changed" not in err,
          f"monorepo: another place in the work tree is a full build: {err}")
    html = open(page).read()
    check('"https://git.example.org/sre/mono/blob/main/dir/runbooks/beta.md"' in html and
          '"https://git.example.org/sre/mono/blob/main/dir/scripts/restart.sh#L1"' in html,
          f"monorepo: the links follow the content's new place: {html[-2000:]}")


def test_shallow_and_foreign_owner(tmp):
    """A shallow clone (actions/checkout's default) and a checkout owned by another user (a CI
    container's): the history says where it stops or why there is none, on stderr and on the
    pages, and deepening the clone is a change the next build sees."""
    src = os.path.join(tmp, "shallow-src")
    make_repo(src)
    git(src, "init", "-q", "-b", "main")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "first", date="2026-01-10T00:00:00Z")
    rb = os.path.join(src, "runbooks", "alpha.yaml")
    open(rb, "a").write("# walked through\n")
    git(src, "commit", "-q", "-am", "second", date="2026-10-20T00:00:00Z")
    slo = os.path.join(src, "slos", "beta.yaml")
    open(slo, "a").write("# reviewed\n")
    git(src, "commit", "-q", "-am", "third", date="2026-10-25T00:00:00Z")
    clone = os.path.join(tmp, "shallow")
    subprocess.run(["git", "clone", "-q", "--depth", "1", "file://" + src, clone], check=True)
    code, out, err = nines("check", ".", "--now", NOW, cwd=clone)
    check(code == 0 and "the clone is shallow" in err and "fetch-depth: 0" in err,
          f"a shallow clone says so on stderr: {err}")
    # --since a commit the cut history lacks: unknown, and the message says why.
    code, out, err = nines("check", ".", "--since", "HEAD~1", "--now", NOW, cwd=clone)
    check(code == 2 and "unknown revision 'HEAD~1'" in err and "the clone is shallow" in err and
          "fetch-depth: 0" in err, f"--since in a shallow clone says the clone is shallow: {err}")
    site = os.path.join(tmp, "shallow-site")
    code, out, err = nines("build", ".", "--offline", "--now", NOW, "-o", site, cwd=clone)
    check(code == 0, f"a shallow clone builds: {err}")
    line = last_changed(site, "runbooks/alpha/index.html") or ""
    check("the clone is shallow" in line, f"the page says why there is no date: {line}")
    # Deepened: HEAD is the same, the history is not; the build reads it again.
    subprocess.run(["git", "-C", clone, "fetch", "-q", "--unshallow"], check=True)
    code, out, err = nines("build", ".", "--offline", "--now", NOW, "-o", site, cwd=clone)
    line = last_changed(site, "runbooks/alpha/index.html") or ""
    check(code == 0 and "2026-10-20" in line and "shallow" not in err,
          f"after --unshallow the commit dates the runbook: {line} {err}")

    if os.geteuid() != 0:
        return  # changing a folder's owner needs root
    owned = os.path.join(tmp, "owned")
    shutil.copytree(src, owned, symlinks=True)
    subprocess.run(["chown", "-R", "nobody", owned], check=True)
    home = os.path.join(tmp, "owner-home")
    os.makedirs(home, exist_ok=True)
    env = {"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
           "GIT_CONFIG_NOSYSTEM": "1"}
    code, out, err = nines("check", ".", "--now", NOW, cwd=owned, env_extra=env)
    check(code == 0 and "belongs to another user" in err and "safe.directory" in err,
          f"a repository of another user: git's refusal is named: {err}")
    code, out, err = nines("check", ".", "--since", "HEAD~1", "--now", NOW, cwd=owned,
                           env_extra=env)
    check(code == 2 and "belongs to another user" in err, f"--since names it too: {code} {err}")
    subprocess.run(["git", "config", "--global", "--add", "safe.directory", "*"], check=True,
                   env={**os.environ, **env})
    code, out, err = nines("check", ".", "--now", NOW, cwd=owned, env_extra=env)
    check(code == 0 and "another user" not in err and "runbook-stale" not in out,
          f"safe.directory '*' is honoured as git honours it: {out} {err}")


def main():
    global NINES
    NINES = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="nines-history-")
    try:
        root = os.path.join(tmp, "repo")
        make_repo(root)

        # No git yet: the fields decide (last_updated 2026-01-05 is 300 days before now).
        code, out, _ = nines("check", ".", "--now", NOW, cwd=root)
        check(code == 0 and "runbook last updated 2026-01-05, 300 days ago" in out,
              f"without git, last_updated decides: {out}")

        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "first", date="2026-01-10T00:00:00Z")
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()[:7]
        code, out, _ = nines("check", ".", "--now", NOW, cwd=root)
        want = (f"runbooks/alpha.yaml:5:17: warning: last_updated 2026-01-05 is older than the "
                f"file's last change (commit {head} on 2026-01-10) [field-out-of-date]\n"
                f"  hint: update last_updated when you change the document, or drop it: the last "
                f"commit is used instead\n"
                f"runbooks/alpha.yaml:5:17: warning: runbook last changed 295 days ago (commit "
                f"{head} on 2026-01-10; stale after 90 days) [runbook-stale]\n"
                f"  hint: walk through the runbook, then commit the update\n"
                f"0 errors, 2 warnings\n")
        check(code == 0 and out == want, f"the commit decides staleness:\n{out}")

        # A now before the commit: the commit has not happened yet, the field decides again.
        code, out, _ = nines("check", ".", "--now", "2026-01-08", cwd=root)
        check("field-out-of-date" not in out, f"commits after now are not seen: {out}")

        # The change of a pull request: beta's target, and an uncommitted runbook edit.
        slo = os.path.join(root, "slos", "beta.yaml")
        text = open(slo).read()
        open(slo, "w").write(text.replace("target: 99.9", "target: 99.95"))
        rb = os.path.join(root, "runbooks", "alpha.yaml")
        text = open(rb).read()
        open(rb, "w").write(text.replace("Look at the logs.", "Read the logs."))
        code, out, err = nines("check", ".", "--since", "HEAD", "--now", NOW, cwd=root)
        want = f"""## nines: changes since `HEAD` ({head})

0 errors, 1 warning; 0 new, 1 fixed

### New diagnostics

none

### Fixed diagnostics

- `runbooks/alpha.yaml:5:17: warning: runbook last changed 295 days ago (commit {head} on 2026-01-10; stale after 90 days) [runbook-stale]`

### SLOs

- changed `beta-availability`: target 99.9% → 99.95%

### Error budget states

- `beta-availability`: critical → exhausted

### Maturity

none

### Readiness sign-offs made stale

none

### Alerts that lost their runbook

none
"""
        check(code == 0 and out == want, f"the summary, exactly ({code}, {err}):\n{out}")

        code, out, _ = nines("check", ".", "--since", "HEAD", "--format", "json", "--now", NOW,
                             cwd=root)
        j = json.loads(out)
        check(j["slos"]["changed"] == [{"id": "beta-availability",
                                        "target": {"from": 99.9, "to": 99.95}}], f"json: {j}")
        check(j["budget_states"] == [{"slo": "beta-availability", "from": "critical",
                                      "to": "exhausted"}], "json budget states")
        # The field is still older than the file's last change: the same finding, though the
        # change is now an uncommitted one.
        check(j["diagnostics"]["new"] == [] and len(j["diagnostics"]["fixed"]) == 1 and
              j["diagnostics"]["fixed"][0]["rule"] == "runbook-stale", f"json diagnostics: {j}")

        code, out, err = nines("check", ".", "--since", "no-such-rev", "--now", NOW, cwd=root)
        check(code == 2 and "unknown revision 'no-such-rev'" in err and out == "",
              f"a bad revision is exit 2: {code} {err}")
        # An empty REV (an unset CI variable) is a usage error, not a plain check.
        code, out, err = nines("check", ".", "--since", "", "--now", NOW, cwd=root)
        check(code == 2 and "empty" in err and out == "", f"an empty revision is exit 2: {code} {err}")
        # A REV that is not UTF-8 could not be printed back in the summary: a usage error in
        # every format, though such a branch exists.
        git(root, "branch", "br\udcffx")
        for fmt in ("text", "json"):
            code, out, err = nines("check", ".", "--since", "br\udcffx", "--format", fmt,
                                   "--now", NOW, cwd=root)
            check(code == 2 and out == "" and "--since must be UTF-8 text" in err,
                  f"a revision that is not UTF-8 is exit 2 ({fmt}): {code} {out} {err}")
        code, out, err = nines("check", ".", "--since", "HEAD", "--format", "sarif", cwd=root)
        check(code == 2, f"sarif is not a summary format: {code}")

        test_pages(tmp)
        test_since_maturity(tmp)
        test_since_without_nines_at_rev(tmp)
        test_since_store(tmp)
        test_since_interrupted(tmp)
        test_since_submodule(tmp)
        test_since_markdown(tmp)
        test_since_many_findings(tmp)
        test_since_symlinks(tmp)
        test_since_signoffs(tmp)
        test_since_signoffs_stale_at_rev(tmp)
        test_since_claims(tmp)
        test_commit_encodings(tmp)
        test_monorepo_links(tmp)
        test_shallow_and_foreign_owner(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
