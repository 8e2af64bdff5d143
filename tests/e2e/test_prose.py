#!/usr/bin/env python3
"""End-to-end tests of the prose-only rebuild of `nines build`.

When the only change since the previous build into the same output folder is the Markdown body of
existing `.md` documents (front matter bytes, store, "now", options, binary and git HEAD all the
same), the build re-renders just the pages that show those bodies and the search index, and
replaces them in the site in place. The contract checked here, after every build of every
sequence: the exit code, stdout and diagnostics are a full build's, and the output folder is byte
for byte (every file, `.nines-site` included) what a full build of the same repository into a new
folder gives; a build a full build would fail leaves the previous site as it was. Anything but a
body change must take the normal path.

Usage: test_prose.py NINES SOURCE_DIR
"""
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

from support import SOURCE_DIR, Checks, copy_content, git, tree, write

NINES = sys.argv[1]
THEME = os.path.join(SOURCE_DIR, "themes", "default")  # the theme compiled into nines
NOW = "2026-11-23T00:00:00Z"
LATER = "2026-11-24T00:00:00Z"
GEN_NOW = "2026-11-01T00:00:00Z"  # the generated repository's data ends on 2026-10-31
STAGES = ("load", "validate", "link", "metrics", "compute", "render", "write", "total")
ROW = re.compile(r"^(" + "|".join(STAGES) + r")\s+[0-9.]+ m?s(?:\s+(.*))?$")
check = Checks()
# What a killed prose rebuild may leave in the site for the next build to clear or undo (the names
# of src/write/site_writer.cpp): new bytes not yet renamed in (".NAME.tmp-PID"), the old files'
# second names (".NAME.prev-PID"), the journal listing them (".nines-site.pending"), and the
# journal or the manifest caught while written through its own temporary name
# (".NAME.tmp-PID-N", as write_file_atomic names it).
TEMP_NAME = re.compile(r"(^|/)(\.[^/]+\.(tmp|prev)-\d+(-\d+)?|\.nines-site\.pending)$")


def build_command(repo, out, *extra, now=NOW):
    """`nines build` with --timings; out None builds into the repository's own site/."""
    where = ["-o", out] if out else []
    return [NINES, "build", repo, *where, "--offline", "--now", now, "--timings", *extra]


def clean_env():
    """The environment without SOURCE_DATE_EPOCH: a build's clock is only --now."""
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def build(repo, out, *extra, now=NOW, preexec=None):
    """Runs the build; (exit code, stdout, stderr)."""
    p = subprocess.run(build_command(repo, out, *extra, now=now), capture_output=True, text=True,
                       errors="replace", env=clean_env(), timeout=300, preexec_fn=preexec)
    return p.returncode, p.stdout, p.stderr


def rows(stderr):
    """The --timings rows: stage -> the text after its time."""
    found = {}
    for line in stderr.splitlines():
        m = ROW.match(line)
        if m:
            found[m.group(1)] = m.group(2) or ""
    return found


def diagnostics(stderr):
    """Everything but the --timings rows: the diagnostics and their tally."""
    return [line for line in stderr.splitlines() if not ROW.match(line)]


def differing(a, b, n=8):
    """The first paths whose bytes differ between two trees, with their sizes."""
    paths = sorted(p for p in set(a) | set(b) if a.get(p) != b.get(p))
    shown = [f"{p} ({len(a[p]) if p in a else '-'} vs {len(b[p]) if p in b else '-'} bytes)"
             for p in paths[:n]]
    return f"{len(paths)} differ: {shown}"


class Site:
    """A copy of content/ and the output folder its builds go to, with the checks every build of
    a sequence must pass."""

    fresh_count = 0

    def __init__(self, tmp, name, prepare=None, repo=None, now=NOW, keep_reviews=False):
        self.tmp = tmp
        self.repo = repo or copy_content(tmp, name + "-repo")
        # Without readiness reviews no digest is published, and every body edit may take the
        # prose path; test_signed_bodies keeps them (a reviewed service's prose is in its digest).
        if not keep_reviews:
            shutil.rmtree(os.path.join(self.repo, "readiness"), ignore_errors=True)
        self.out = os.path.join(tmp, name + "-out")
        self.name = name
        self.now = now
        self.seconds = 0.0  # the wall time of the last rebuild
        if prepare:
            prepare(self.repo)
        code, _, stderr = build(self.repo, self.out, now=now)
        m = re.search(r"(\d+) pages rendered, (\d+) reused", rows(stderr).get("render", ""))
        check(code == 0 and m is not None, f"{name}: the first build ({code}): {stderr[-600:]}")
        # Every page of the site: a prose-only rebuild renders some and reuses the rest.
        self.pages = int(m.group(1)) + int(m.group(2)) if m else -1

    def path(self, rel):
        return os.path.join(self.repo, rel)

    def fresh(self, now=None, extra=(), preexec=None):
        """A full build of the repository into a folder no build wrote before: (exit code, stdout
        with that folder shown as OUT, stderr, tree or None). The record the build leaves beside
        the store is removed, so fresh builds leave no trace for the next ones."""
        now = now or self.now
        Site.fresh_count += 1
        dest = os.path.join(self.tmp, f"fresh-{Site.fresh_count}")
        store = self.path(".nines")
        records = set(os.listdir(store)) if os.path.isdir(store) else set()
        code, stdout, stderr = build(self.repo, dest, *extra, now=now, preexec=preexec)
        load_row = rows(stderr).get("load", "")
        check("changed" not in load_row, f"a build into a new folder is a full one: {load_row!r}")
        files = tree(dest) if os.path.isdir(dest) else None
        shutil.rmtree(dest, ignore_errors=True)
        for name in set(os.listdir(store)) - records if os.path.isdir(store) else ():
            if name.startswith("nines-build-"):
                os.remove(os.path.join(store, name))
        return code, stdout.replace(dest, "OUT"), stderr, files

    def rebuild(self, what, *extra, now=None, fast=None, edited=None, out=None, fails=False,
                same_diagnostics=True):
        """Builds into the output folder again and checks the contract against a fresh full
        build; `fast` True or False says which path the build must take (None: either),
        `edited` how many files' prose changed, `fails` whether the build is meant to fail (so a
        step meant to succeed cannot pass by failing as the full build does), `same_diagnostics`
        False only where docs/checks.md says a body edit's link finding is placed otherwise (at the
        page) than a full build places it (at the source). Returns (exit code, stderr)."""
        out = out or self.out
        now = now or self.now
        failed = check.failed
        before = tree(out)
        # A hard-linked copy of the site, as `cp -al` or `rsync --link-dest` backups make: files
        # are replaced, never rewritten through, so the copy keeps the previous bytes.
        snapshot = os.path.join(self.tmp, "snapshot")
        shutil.rmtree(snapshot, ignore_errors=True)
        shutil.copytree(out, snapshot, copy_function=os.link)
        start = time.monotonic()
        command = build_command(self.repo, out if out != self.site_dir() else None, *extra,
                                now=now)
        code, stdout, stderr = build(self.repo, out if out != self.site_dir() else None, *extra,
                                     now=now)
        self.seconds = time.monotonic() - start
        after = tree(out)
        fcode, fstdout, fstderr, ftree = self.fresh(now, extra)
        check(code == fcode, f"{what}: exit code {code} is a full build's {fcode}: {stderr[-800:]}")
        check((code != 0) == fails, f"{what}: the build {'fails' if fails else 'succeeds'} "
              f"({code}): {stderr[-400:]}")
        check(stdout.replace(out, "OUT") == fstdout,
              f"{what}: stdout is a full build's: {stdout!r} vs {fstdout!r}")
        check(not same_diagnostics or diagnostics(stderr) == diagnostics(fstderr),
              f"{what}: the diagnostics are a full build's: {diagnostics(stderr)[-6:]} vs "
              f"{diagnostics(fstderr)[-6:]}")
        # A full build that wrote a site is the reference; one that wrote nothing (it failed,
        # as with --strict and a warning) leaves the previous site.
        if ftree is not None:
            check(after == ftree, f"{what}: the site is byte-identical to a fresh full build's: "
                  + differing(after, ftree))
        else:
            check(after == before, f"{what}: a failed build leaves the previous site as it was: "
                  + differing(after, before))
        check(tree(snapshot) == before,
              f"{what}: a hard link to a file of the previous site keeps its bytes: "
              + differing(tree(snapshot), before))
        shutil.rmtree(snapshot)
        base = os.path.basename(out)
        leftovers = [n for n in os.listdir(os.path.dirname(out)) if n.startswith(base + ".")]
        check(not leftovers, f"{what}: no temporary folder is left beside the site: {leftovers}")
        r = rows(stderr)
        if fast is True:
            self.fast_path(what, code, r, before, after, edited)
        elif fast is None:
            print(f"{what}: exit {code}, load row {r.get('load')!r}", flush=True)
        elif fast is False:
            check("only prose changed" not in r.get("load", "") and
                  "nothing changed" not in r.get("load", ""),
                  f"{what}: the normal path is taken: {r.get('load')!r}")
        if check.failed != failed:
            print(f"  {what}: the build was {' '.join(command)}\n  it ended with {code}; its "
                  f"stderr:\n{stderr[-1500:]}\n  the full build into a new folder ended with "
                  f"{fcode}; its stderr:\n{fstderr[-1500:]}", flush=True)
        return code, stderr

    def site_dir(self):
        return os.path.join(self.repo, "site")

    def fast_path(self, what, code, r, before, after, edited):
        """The --timings rows of a prose-only rebuild."""
        load_row = r.get("load", "")
        if not check("only prose changed" in load_row,
                     f"{what}: the load row says only prose changed: {load_row!r}"):
            return  # the other rows would only repeat it
        m = re.search(r"only prose changed in (\d+) files?\b", load_row)
        if m and edited is not None:
            check(int(m.group(1)) == edited, f"{what}: {edited} files' prose changed: {load_row!r}")
        for stage in ("validate", "link", "metrics", "compute"):
            check("skipped" in r.get(stage, ""), f"{what}: {stage} is skipped: {r.get(stage)!r}")
        render = r.get("render", "")
        m = re.search(r"\d+ files?: (\d+) pages? rendered, (\d+) reused", render)
        check(m is not None, f"{what}: the render row has its usual shape: {render!r}")
        if m:
            rendered, reused = int(m.group(1)), int(m.group(2))
            check(rendered + reused == self.pages and rendered < self.pages,
                  f"{what}: some pages rendered, the rest reused, {self.pages} in all: {render!r}")
            changed = [p for p in set(before) | set(after)
                       if p.endswith(".html") and before.get(p) != after.get(p)]
            check(len(changed) <= rendered,
                  f"{what}: {len(changed)} pages changed, {rendered} said rendered: "
                  f"{sorted(changed)[:5]}")
        m = re.search(r"(\d+) (replaced in place|made again)\)", r.get("write", ""))
        check(m is not None and (m.group(2) == "replaced in place") == (int(m.group(1)) <= 16),
              f"{what}: the write row says the few files made again were replaced in place, and "
              f"more of them swapped in with a new tree: {r.get('write')!r}")
        check(code == 0, f"{what}: a prose-only rebuild succeeds ({code})")


def body_start(text):
    """Where the body begins: after the line that closes the front matter (as the loader splits)."""
    lines = text.splitlines(keepends=True)
    assert lines and lines[0].rstrip("\r\n ") == "---", "no front matter"
    pos = len(lines[0])
    for line in lines[1:]:
        pos += len(line)
        if line.rstrip("\r\n ") in ("---", "..."):
            return pos
    raise AssertionError("front matter not closed")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def set_body(path, body):
    text = read(path)
    write(path, text[:body_start(text)] + body)


def md_files(repo):
    """The repository's Markdown files, '/'-separated, without hidden folders and site/."""
    found = []
    for d, dirs, fs in os.walk(repo):
        dirs[:] = [x for x in dirs if not x.startswith(".") and not (d == repo and x == "site")]
        found += [os.path.relpath(os.path.join(d, f), repo).replace(os.sep, "/")
                  for f in fs if f.endswith(".md")]
    return sorted(found)


# The kinds whose body is its page's slot (render/site.hpp, ProseSlot): a body edit takes the prose
# path. The other kinds' bodies are shown on pages of other documents (an SLI's on its SLOs', a
# capacity model's on its service's), so a body edit takes the long way (bodies_outside_slots).
SLOT_KINDS = ("service", "runbook", "postmortem", "slo", "monthly_report", "oncall_rotation")


def kind_of(path):
    """The kind of a Markdown document: the first top-level key of its front matter."""
    text = read(path)
    m = re.search(r"^([a-z_]+):", text[:body_start(text)], re.M)
    return m.group(1) if m else None


def test_every_body(tmp):
    """1. Every .md document's body edited in turn, each rebuild on top of the previous one."""
    s = Site(tmp, "every")
    services = sorted(f for f in os.listdir(s.path("services")) if f.endswith((".yaml", ".md")))
    mds = md_files(s.repo)
    check(len(mds) >= 15, f"content/ has its Markdown documents: {len(mds)}")
    for n, rel in enumerate(mds, 1):
        target = services[n % len(services)]
        if os.path.join("services", target) == rel:
            target = services[(n + 1) % len(services)]
        # A link relative to the edited file, which the site rewrites to the service's page.
        link = os.path.relpath(s.path(os.path.join("services", target)),
                               os.path.dirname(s.path(rel))).replace(os.sep, "/")
        append(s.path(rel), f"\n## Added {n}\n\nA paragraph added after the build, about "
               f"[{target}]({link}) and *why* it matters: prose-{n}-marker.\n")
        kind = kind_of(s.path(rel))
        if kind in SLOT_KINDS:
            s.rebuild(f"body of {rel}", fast=True, edited=1)
        else:
            s.rebuild(f"body of {rel} ({kind}, shown outside a slot)", fast=False)
        # Every kind's body is on a page (SPEC 1.1), the link in it rewritten to the service's.
        if kind is not None:
            pages = [b for p, b in tree(s.out).items()
                     if p.endswith(".html") and f"prose-{n}-marker".encode() in b]
            check(pages, f"{rel}: the added paragraph reaches its page")
            stem = os.path.splitext(target)[0]
            check(any(f'services/{stem}/index.html">{target}</a>'.encode() in b for b in pages),
                  f"{rel}: its link to {link} is rewritten to the service's page")


def test_two_bodies(tmp):
    """2. Two bodies changed at once, then three of different kinds."""
    s = Site(tmp, "two")
    append(s.path("runbooks/checkout-api/checkout-api-medium-burn.md"),
           "\n## Also check\n\nThe [dispatch runbook](../dispatch-service/dispatch-service-fast-burn.md).\n")
    append(s.path("postmortems/2026-10-08-auth-service-cert-expiry.md"),
           "\n## Follow-up\n\nSee [auth](../services/auth-service.yaml).\n")
    s.rebuild("two bodies at once", fast=True, edited=2)
    append(s.path("services/returns-portal.md"), "\nA line for the service page.\n")
    append(s.path("slos/returns-portal.md"), "\nA line only the search index shows.\n")
    append(s.path("oncall/delivery-oncall.md"), "\nA line about the rotation.\n")
    s.rebuild("three bodies of three kinds", fast=True, edited=3)
    # Hostile prose: raw HTML is filtered and unsafe URLs never become links, on either path.
    append(s.path("runbooks/checkout-api/checkout-api-medium-burn.md"),
           "\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) "
           "<img src=x onerror=alert(1)> `</script>`\n")
    s.rebuild("a body with raw HTML and an unsafe link", fast=True, edited=1)
    # The threads do not change the output, so they do not stand in the way.
    append(s.path("postmortems/2026-10-08-auth-service-cert-expiry.md"), "\nOne thread.\n")
    s.rebuild("a body change built on one thread", "--jobs", "1", fast=True, edited=1)


def test_bodies_of_other_pages(tmp):
    """2b. The bodies shown beside another document's (docs/site.md, "Document bodies"): an SLO's,
    a report's and a rotation's are their pages' slots and take the prose path; an SLI's, a
    policy's and a capacity model's are shown on other documents' pages and take the long way.
    Either way the site is a full build's, byte for byte."""

    def prepare(repo):
        # A capacity model of the one service with a Markdown body, so both bodies are on one
        # page: the model's beside the service's own, the page's slot.
        text = read(os.path.join(repo, "capacity", "eta-predictor.md"))
        write(os.path.join(repo, "capacity", "returns-portal.md"),
              text.replace("service: eta-predictor", "service: returns-portal", 1))

    s = Site(tmp, "others", prepare=prepare)

    def on_pages(marker):
        return sorted(p for p, b in tree(s.out).items()
                      if p.endswith(".html") and marker.encode() in b)

    append(s.path("slos/returns-portal.md"),
           "\n## Pilot merchants\n\nThe slo-slot-marker pilot runs until GA.\n")
    s.rebuild("an SLO body (its page's slot)", fast=True, edited=1)
    check(on_pages("slo-slot-marker") == ["slos/returns-portal-availability/index.html"],
          f"the SLO body is on its page: {on_pages('slo-slot-marker')}")
    append(s.path("slos/returns-portal.md"), "\nA second slo-slot-marker line.\n")
    s.rebuild("the SLO body again", fast=True, edited=1)
    append(s.path("reports/2026-10.md"), "\nThe report-slot-marker line.\n")
    s.rebuild("a monthly report body (its page's slot)", fast=True, edited=1)
    check(on_pages("report-slot-marker") == ["reports/2026-10/index.html"],
          f"the report body is on its page: {on_pages('report-slot-marker')}")
    append(s.path("oncall/delivery-oncall.md"), "\nThe rotation-slot-marker line.\n")
    s.rebuild("a rotation body (its handoff's slot)", fast=True, edited=1)
    check(on_pages("rotation-slot-marker") == ["handoffs/delivery-oncall.html"],
          f"the rotation body is on its handoff: {on_pages('rotation-slot-marker')}")

    # A heading in the capacity model's body that the service's own body has too: whichever is
    # edited, the anchors are a full build's.
    model = "capacity/returns-portal.md"
    append(s.path(model), "\n## Runway notes\n\nThe capacity-notes-marker line.\n")
    s.rebuild("a capacity model body (on its service's page)", fast=False)
    check(on_pages("capacity-notes-marker") == ["services/returns-portal/index.html"],
          f"the capacity body is on its service's page: {on_pages('capacity-notes-marker')}")
    append(s.path(model), "\nOnly the capacity body changed again.\n")
    s.rebuild("the capacity model body again", fast=False)
    append(s.path("services/returns-portal.md"),
           "\n## Runway notes\n\nThe service's own runway notes.\n")
    s.rebuild("the service body beside the capacity notes", fast=True, edited=1)
    page = read(os.path.join(s.out, "services", "returns-portal", "index.html"))
    check('id="runway-notes"' in page and 'id="runway-notes-1"' in page,
          "the two bodies' headings have anchors of their own")
    append(s.path(model), "\nAnd the capacity body once more.\n")
    s.rebuild("the capacity body after the service body", fast=False)
    append(s.path("slis/page-load-lcp.md"), "\nThe sli-notes-marker line.\n")
    s.rebuild("an SLI body (on its SLOs' pages)", fast=False)
    check(on_pages("sli-notes-marker") and
          all(p.startswith("slos/") for p in on_pages("sli-notes-marker")),
          f"the SLI body is on its SLOs' pages: {on_pages('sli-notes-marker')}")
    append(s.path("policies/checkout-api-policy.md"), "\nThe policy-notes-marker line.\n")
    s.rebuild("a policy body (on its SLOs' pages)", fast=False)
    # Then a slot body again: the record the long way left still sends these files the long way.
    append(s.path("slos/returns-portal.md"), "\nA third slo-slot-marker line.\n")
    s.rebuild("an SLO body after the long way", fast=True, edited=1)
    append(s.path("slis/page-load-lcp.md"), "\nThe SLI body after a prose rebuild.\n")
    s.rebuild("an SLI body after a prose rebuild", fast=False)


def test_front_matter(tmp):
    """3. A front matter change is never the fast path, alone or beside a body change."""
    s = Site(tmp, "front")
    rb = s.path("runbooks/checkout-api/checkout-api-medium-burn.md")
    write(rb, read(rb).replace('title: "checkout-api: medium error budget burn"',
                               'title: "checkout-api: medium burn (edited)"', 1))
    s.rebuild("a runbook's title changed", fast=False)
    pm = s.path("postmortems/2026-10-29-driver-app-bff-connection-pool.md")
    text = read(pm)
    start = body_start(text)
    # The front matter's last line gains a comment; the body changes too.
    front = text[:start].rstrip("\n")
    closing = front.rfind("\n")
    write(pm, front[:closing] + "  # reviewed\n" + front[closing + 1:] + "\n" + text[start:] +
          "\nMore prose.\n")
    s.rebuild("front matter and body changed together", fast=False)
    append(pm, "\nAnd a body change after it.\n")
    s.rebuild("a body change after a front matter change", fast=True, edited=1)


def test_revert(tmp):
    """4. A body edited and then put back to its original bytes; an emptied body and a body with
    headings that collide with the page's own ids."""
    s = Site(tmp, "revert")
    rel = "runbooks/driver-app-bff/driver-app-bff-pool-exhausted.md"
    original = read(s.path(rel))
    append(s.path(rel), "\n## Temporary\n\nA note that will be taken back.\n")
    s.rebuild("a body edited", fast=True, edited=1)
    write(s.path(rel), original)
    s.rebuild("the body put back to its original bytes", fast=True, edited=1)
    code, stderr = s.rebuild("nothing changed after putting it back")
    check("nothing changed since the last build" in rows(stderr).get("load", ""),
          f"and then nothing changed: {rows(stderr).get('load')!r}")

    set_body(s.path("services/returns-portal.md"), "")
    s.rebuild("a service's body emptied", fast=True, edited=1)
    set_body(s.path("services/returns-portal.md"), "# Returns portal\n\nBack again.\n")
    s.rebuild("a service's body filled again", fast=True, edited=1)
    # Headings whose anchors the layout uses already (the page renames them), and a second
    # heading, which gives the page a table of contents.
    append(s.path(rel), "\n## Overview\n\n## Runbooks\n\n## Search\n\n### Overview\n")
    append(s.path("services/returns-portal.md"), "\n## SLOs\n\n## Runbooks\n\n## Postmortems\n")
    s.rebuild("headings that collide with the layout's ids", fast=True, edited=2)


def test_mixed_sequences(tmp):
    """Prose-only rebuilds between normal ones: a normal build after a prose-only one must not
    take a page from the site as unchanged when its body went back (the manifest must hold each
    replaced page's new inputs), and a prose-only rebuild after a normal one starts from its
    views."""
    s = Site(tmp, "mixed")
    rel = "runbooks/checkout-api/checkout-api-medium-burn.md"
    b0 = read(s.path(rel))
    append(s.path(rel), "\n## Edited\n\nFirst version.\n")
    b1 = read(s.path(rel))
    s.rebuild("a body edited", fast=True, edited=1)
    write(s.path(rel), b0)
    svc = s.path("services/checkout-api.yaml")
    svc0 = read(svc)
    write(svc, svc0.replace("\n  tier:", "\n  language: Kotlin\n  tier:", 1)
          if "\n  language:" not in svc0 else svc0.replace("\n  language:", "\n  x-note: a\n  language:", 1))
    s.rebuild("the body put back and a service changed", fast=False)
    write(s.path(rel), b1)
    s.rebuild("the first version of the body again", fast=True, edited=1)
    write(s.path(rel), b0.replace('title: "checkout-api: medium error budget burn"',
                                  'title: "checkout-api: medium burn"', 1))
    s.rebuild("the title changed and the body put back", fast=False)
    write(s.path(rel), b1.replace('title: "checkout-api: medium error budget burn"',
                                  'title: "checkout-api: medium burn"', 1))
    s.rebuild("the first version of the body under the new title", fast=True, edited=1)
    write(svc, svc0)
    write(s.path(rel), b0)
    s.rebuild("everything as it was at first", fast=False)
    code, stderr = s.rebuild("nothing changed")
    check("nothing changed since the last build" in rows(stderr).get("load", ""),
          f"and then nothing changed: {rows(stderr).get('load')!r}")


def test_broken_links(tmp):
    """5. A body with a broken internal link: the rebuild does what a full build does."""
    s = Site(tmp, "broken")
    rb = "runbooks/checkout-api/checkout-api-medium-burn.md"
    original = read(s.path(rb))
    append(s.path(rb), "\nSee [x](#no-such-anchor-anywhere).\n")
    code, stderr = s.rebuild("a runbook body with a broken anchor", fails=True)
    check(code != 0 and "broken-link" in stderr,
          f"a broken anchor in a runbook body fails the build ({code}): {stderr[-400:]}")
    write(s.path(rb), original)
    s.rebuild("the broken anchor taken out again")

    # An anchor on another page that does not exist.
    append(s.path(rb), "\nSee [the SLOs](../../services/checkout-api.yaml#no-such-section).\n")
    code, stderr = s.rebuild("a link to a missing anchor of another page", fails=True)
    check(code != 0 and "broken-link" in stderr,
          f"a missing anchor on another page fails the build ({code}): {stderr[-400:]}")
    write(s.path(rb), original)
    s.rebuild("that link taken out again")

    # An SLO's body is on its page: a broken anchor in it fails the build at its line, as in a
    # runbook's.
    slo = s.path("slos/returns-portal.md")
    slo_original = read(slo)
    line = slo_original.count("\n") + 2
    append(slo, "\nSee [x](#no-such-anchor-anywhere).\n")
    code, stderr = s.rebuild("a broken anchor in an SLO body", fails=True)
    check(code != 0 and f"slos/returns-portal.md:{line}:5: error: link '#no-such-anchor-anywhere'"
          in stderr, f"the broken anchor is reported at the SLO body's line ({code}): "
          f"{stderr[-400:]}")
    write(slo, slo_original)
    s.rebuild("put back")

    # One body's link to a heading of another body: taking the heading away breaks a page that
    # is not rendered again.
    pm = "postmortems/2026-10-08-auth-service-cert-expiry.md"
    pm_original = read(s.path(pm))
    append(s.path(pm), "\n## Target heading\n\nText under it.\n")
    append(s.path(rb), "\nSee [the target](../../postmortems/2026-10-08-auth-service-cert-expiry.md"
           "#target-heading).\n")
    s.rebuild("a link to a heading another body adds", fast=True, edited=2)
    write(s.path(pm), pm_original)
    # The page that lost the heading's id sends the build the long way, so the error is a full
    # build's: at the link's line in the other body, not at the page that holds the link.
    code, stderr = s.rebuild("the linked heading removed from the other body", fails=True,
                             fast=False)
    check(code != 0 and f"{rb}:" in stderr and "error: link '../../postmortems/"
          "2026-10-08-auth-service-cert-expiry.md#target-heading' breaks on the site" in stderr,
          f"removing a heading another page links to fails the build ({code}): {stderr[-400:]}")
    append(s.path(pm), "\n## Target heading\n\nText under it, again.\n")
    s.rebuild("the heading back, with other text")
    append(s.path(pm), "\nAnd one more line.\n")
    s.rebuild("then a plain body change", fast=True, edited=1)


def test_anchor_rule(tmp):
    """5b. A body's link to an anchor of another page is judged by the rule `check` and a full
    build use (docs/checks.md, "Links in content"): the anchor must be a heading of that page's
    Markdown. An id the page's layout gives (a section's, the navigation's) is not one, so the
    rebuild fails with a full build's diagnostic at the link's line and keeps the previous site;
    a real heading of an unedited page is fine, and the rebuild stays a prose one."""
    s = Site(tmp, "anchors")
    pm = "postmortems/2026-10-08-auth-service-cert-expiry.md"
    original = read(s.path(pm))
    for link, anchor in (("../services/auth-service.yaml#slos", "slos"),
                         ("../services/auth-service.yaml#site-nav", "site-nav"),
                         ("../runbooks/auth-service/auth-service-certificate-expiring.md"
                          "#diagnosis-h", "diagnosis-h")):
        append(s.path(pm), f"\nSee [the section]({link}).\n")
        code, stderr = s.rebuild(f"a body link to the layout's id #{anchor} of another page",
                                 fails=True)
        check(code == 1 and f"error: link '{link}' breaks on the site: no heading with the "
              f"anchor '{anchor}'" in stderr and f"{pm}:" in stderr,
              f"#{anchor}: the broken-link error at the body's line ({code}): {stderr[-400:]}")
        write(s.path(pm), original)
        s.rebuild(f"the link to #{anchor} taken out again")
    append(s.path(pm), "\nSee [the background](../runbooks/auth-service/"
           "auth-service-certificate-expiring.md#background).\n")
    s.rebuild("a body link to a heading of an unedited page", fast=True, edited=1)
    write(s.path(pm), original)
    s.rebuild("and taken out again", fast=True, edited=1)


def test_not_fast(tmp):
    """6. A new or removed file, a YAML or CSV change, the store gone, another --now, another
    option or a theme override beside a body change: the normal path."""
    s = Site(tmp, "notfast")
    rb = s.path("runbooks/checkout-api/checkout-api-medium-burn.md")
    n = [0]

    def body():
        n[0] += 1
        append(rb, f"\nA step added in round {n[0]}.\n")

    body()
    new = s.path("runbooks/checkout-api/checkout-api-manual-failover.md")
    write(new, read(s.path("runbooks/driver-app-bff/driver-app-bff-pool-exhausted.md"))
          .replace("driver-app-bff", "checkout-api"))
    s.rebuild("a new .md file beside a body change", fast=False)
    body()
    os.remove(new)
    s.rebuild("a .md file removed beside a body change", fast=False)
    body()
    svc = s.path("services/checkout-api.yaml")
    write(svc, read(svc).replace("\n  tier:", "\n  # a comment\n  tier:", 1))
    s.rebuild("a YAML change beside a body change", fast=False)
    body()
    csv = s.path("metrics/payments.csv")
    lines = read(csv).splitlines(keepends=True)
    write(csv, "".join(lines[:-1]))
    s.rebuild("a CSV change beside a body change", fast=False)
    body()
    os.remove(s.path(".nines/cache.db"))
    s.rebuild("the store's file deleted", fast=False)
    body()
    shutil.rmtree(s.path(".nines"))
    s.rebuild("the whole store folder deleted", fast=False)
    body()
    s.rebuild("another --now", fast=False, now=LATER)
    body()
    s.rebuild("and the first --now again", fast=False)
    body()
    # content/ has warnings: --strict fails the build before it writes anything.
    s.rebuild("--strict", "--strict", fast=False, fails=True)
    body()
    s.rebuild("--strict after --strict", "--strict", fails=True)
    body()
    # The failed builds left the last good build's record: only bodies changed since it.
    s.rebuild("without --strict again", fast=True)
    body()
    os.utime(s.path(".nines/cache.db"), (1, 1))
    s.rebuild("the store touched (a metrics import or pull in between)", fast=False)
    body()
    nav = read(os.path.join(THEME, "partials", "nav.mustache"))
    write(s.path("layouts/partials/nav.mustache"), nav + "<!-- local nav -->\n")
    s.rebuild("a theme override added", fast=False)
    body()
    s.rebuild("a body change under the theme override", fast=True, edited=1)
    os.remove(s.path("layouts/partials/nav.mustache"))
    body()
    s.rebuild("the theme override removed", fast=False)
    # A Markdown file that is no document (no front matter): not prose of the site.
    write(s.path("NOTES.md"), "# Notes\n\nNot a document.\n")
    s.rebuild("a Markdown file without front matter added", fast=False)
    append(s.path("NOTES.md"), "\nMore notes.\n")
    s.rebuild("that file edited")


def test_odd_files(tmp):
    """Markdown files the loader splits with care: CRLF line ends, a byte order mark, front
    matter closed by `...`, a body that holds `---` lines, a file ending at its closing line, a
    Markdown page that is no document, and an excluded folder."""
    s = Site(tmp, "odd")
    crlf = "runbooks/auth-service/auth-service-certificate-expiring.md"
    write(s.path(crlf), read(s.path(crlf)).replace("\n", "\r\n"))
    bom = "postmortems/2026-09-03-event-bus-broker-disk-full.md"
    with open(s.path(bom), "rb") as f:
        data = f.read()
    with open(s.path(bom), "wb") as f:
        f.write(b"\xef\xbb\xbf" + data)
    dots = "runbooks/notification-service/notification-service-slow-burn.md"
    text = read(s.path(dots))
    start = body_start(text)
    write(s.path(dots), text[:start].rstrip("\n")[:-3] + "...\n" + text[start:])
    bare = "services/returns-portal.md"
    text = read(s.path(bare))
    write(s.path(bare), text[:body_start(text)].rstrip("\n"))
    write(s.path("docs/notes.md"), "---\ntitle: Notes\n---\n# Notes\n\nNot a nines document.\n")
    nines_yaml = s.path("nines.yaml")
    write(nines_yaml, read(nines_yaml) + "\nexclude: [\"drafts/**\"]\n")
    write(s.path("drafts/runbook.md"), read(s.path(dots)))
    s.rebuild("the odd files written", fast=False)

    with open(s.path(crlf), "a", encoding="utf-8", newline="") as f:
        f.write("\r\n## Added with CRLF\r\n\r\nA line.\r\n")
    s.rebuild("a CRLF body", fast=True, edited=1)
    append(s.path(bom), "\n## Added after a BOM\n")
    s.rebuild("a body after a byte order mark", fast=True, edited=1)
    append(s.path(dots), "\n## Added after `...`\n")
    s.rebuild("a body after front matter closed by ...", fast=True, edited=1)
    append(s.path(dots), "\n---\nnot: front matter\n---\n\nText after rules.\n")
    s.rebuild("a body with --- lines in it", fast=True, edited=1)
    append(s.path(bare), "\n# Returns portal\n\nA body where there was none.\n")
    s.rebuild("a body after a closing line that ended the file")
    append(s.path("docs/notes.md"), "\nMore notes.\n")
    s.rebuild("the body of a Markdown page that is no document")
    append(s.path("drafts/runbook.md"), "\nA draft line.\n")
    s.rebuild("the body of an excluded file")
    append(s.path(crlf), "\nA plain LF line after the CRLF ones.\n")
    s.rebuild("then a body change again", fast=True, edited=1)

    # Bodies the loader refuses: invalid UTF-8, and a file grown past limits.max_file_bytes.
    rb = s.path("runbooks/dispatch-service/dispatch-service-fast-burn.md")
    kept = read(rb)
    with open(rb, "ab") as f:
        f.write(b"\nA byte that is no UTF-8: \xff.\n")
    code, stderr = s.rebuild("a body with invalid UTF-8", fast=False, fails=True)
    check("file-encoding" in stderr, f"the file is reported as a full build does: {stderr[-300:]}")
    write(rb, kept)
    s.rebuild("the body readable again")
    # Above every file of the repository, below the grown runbook.
    limit = 10000 + max(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(s.repo)
                        if "/." not in d for f in fs)
    write(nines_yaml, read(nines_yaml) + f"limits:\n  max_file_bytes: {limit}\n")
    s.rebuild("a file size limit set", fast=False)
    append(rb, "\nA body that grows the file past the limit. " * (limit // 40))
    code, stderr = s.rebuild("a body past the file size limit", fast=False, fails=True)
    check("file-too-large" in stderr, f"the file is reported as a full build does: {stderr[-300:]}")
    write(rb, kept)
    s.rebuild("the body back under the limit")


def test_saved_state(tmp):
    """What a build leaves beside the store for the next one (its record, the site's links, the
    saved views) cut short, changed or gone: a body change still gives a full build's bytes (a
    damaged saved file makes the build take the long way, docs/performance.md)."""
    s = Site(tmp, "saved")
    store = s.path(".nines")
    rb = s.path("runbooks/dispatch-service/dispatch-service-fast-burn.md")

    def saved(ext):
        # Only the output folder's own: fresh builds remove theirs.
        found = [os.path.join(store, f) for f in sorted(os.listdir(store))
                 if f.startswith("nines-build-") and f.endswith(ext)]
        check(len(found) == 1, f"one {ext} file beside the store: {found}")
        return found[0] if found else os.path.join(store, "missing" + ext)

    def damage(path, how):
        with open(path, "rb") as f:
            data = f.read()
        if how == "truncated":
            data = data[:len(data) // 2]
        else:  # bytes changed in the middle, the size kept
            mid = len(data) // 2
            data = data[:mid] + bytes(b ^ 0x20 for b in data[mid:mid + 64]) + data[mid + 64:]
        with open(path, "wb") as f:
            f.write(data)

    for ext in (".prose", ".links", ".json"):
        for how in ("truncated", "changed") if ext == ".json" else ("truncated",):
            append(rb, f"\nA step while the {ext} file is {how}.\n")
            damage(saved(ext), how)
            s.rebuild(f"a body change with the saved {ext} file {how}")
        append(rb, f"\nA step with the {ext} file gone.\n")
        os.remove(saved(ext))
        s.rebuild(f"a body change with the saved {ext} file gone", fast=False)
    append(rb, "\nA step with everything in place again.\n")
    s.rebuild("then a plain body change", fast=True, edited=1)

    # The saved view of the very page the next rebuild makes again, changed in place with its
    # size kept (a flipped bit, a stray write): the page must not be made from it.
    views = saved(".prose")
    with open(views, "rb") as f:
        data = f.read()
    title = b"dispatch-service: fast error budget burn"
    check(title in data, "the runbook's title is in its saved view")
    with open(views, "wb") as f:
        f.write(data.replace(title, title.upper()))
    append(rb, "\nA step after its saved view changed in place.\n")
    s.rebuild("a body change with its page's saved view changed in place")

    # The saved links changed in place with the size kept, then a body change that gives its
    # page a new heading (a new id), so every page's links are checked again.
    damage(saved(".links"), "changed")
    append(rb, "\n## A new heading\n\nAfter the saved links changed in place.\n")
    s.rebuild("a new heading with the saved links changed in place")


def test_git(tmp):
    """6. In a git repository an uncommitted edit makes its file "changed now" (the pages' last
    changed line, staleness): the first edit of a clean file, and an edit back to HEAD's bytes,
    change what git's history says of it and take the normal path; further edits of a file
    already edited take the prose-only one; a new commit (git HEAD moved) never does."""
    def init(repo):
        write(os.path.join(repo, ".gitignore"), ".nines/\nsite/\n")
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "content")
    s = Site(tmp, "git", prepare=init)
    rb = "runbooks/checkout-api/checkout-api-medium-burn.md"
    pm = "postmortems/2026-10-29-driver-app-bff-connection-pool.md"
    committed = read(s.path(rb))
    append(s.path(rb), "\nAn uncommitted step.\n")
    s.rebuild("the first uncommitted edit of a clean file", fast=False)
    append(s.path(rb), "\nAnother uncommitted step.\n")
    s.rebuild("a second uncommitted edit of the same file", fast=True, edited=1)
    append(s.path(pm), "\nAn uncommitted note.\n")
    s.rebuild("the first edit of another clean file", fast=False)
    append(s.path(rb), "\nA third step.\n")
    append(s.path(pm), "\nAnother note.\n")
    s.rebuild("both edited files edited again", fast=True, edited=2)
    write(s.path(rb), committed)
    s.rebuild("a file put back to HEAD's bytes", fast=False)
    append(s.path(pm), "\nA third note.\n")
    s.rebuild("the other file, still edited, edited again", fast=True, edited=1)
    git(s.repo, "commit", "-q", "-am", "notes", date="2026-11-20T00:00:00Z")
    s.rebuild("the edits committed: git HEAD moved", fast=False)
    append(s.path(pm), "\nA note after the commit.\n")
    s.rebuild("the first edit after the commit", fast=False)
    append(s.path(pm), "\nAnd one more.\n")
    s.rebuild("a second edit after the commit", fast=True, edited=1)


def test_nothing_after_fast(tmp):
    """7. After a prose-only rebuild, a build with nothing changed keeps the site."""
    s = Site(tmp, "again")
    append(s.path("postmortems/2026-09-03-event-bus-broker-disk-full.md"), "\nA late note.\n")
    s.rebuild("a postmortem body", fast=True, edited=1)
    kept = tree(s.out)
    code, stderr = s.rebuild("nothing changed after it")
    check("nothing changed since the last build" in rows(stderr).get("load", ""),
          f"the build after a prose-only rebuild has nothing to do: {rows(stderr).get('load')!r}")
    check(tree(s.out) == kept, "and leaves every byte as it was")
    # The default output folder, site/ inside the repository.
    code, _, stderr = build(s.repo, None)
    check(code == 0, f"a build into site/ ({code}): {stderr[-300:]}")
    append(s.path("postmortems/2026-09-03-event-bus-broker-disk-full.md"), "\nAnother note.\n")
    s.rebuild("a body change, built into site/", fast=True, edited=1, out=s.site_dir())


def test_edited_site(tmp):
    """8. A site edited by hand is not intact: the normal path, and a full build's bytes."""
    s = Site(tmp, "edited")
    rb = s.path("runbooks/checkout-api/checkout-api-medium-burn.md")
    append(rb, "\nA step.\n")
    append(os.path.join(s.out, "index.html"), "<!-- edited by hand -->")
    s.rebuild("a page of the site grew by hand", fast=False)
    append(rb, "\nAnother step.\n")
    page = next(p for p in sorted(tree(s.out)) if p.startswith("runbooks/") and p.endswith(".html"))
    with open(os.path.join(s.out, page), "r+b") as f:
        f.truncate(100)
    s.rebuild("a page the rebuild renders anyway cut short by hand", fast=False)
    append(rb, "\nA third step.\n")
    os.remove(os.path.join(s.out, "404.html"))
    s.rebuild("a page of the site deleted by hand", fast=False)
    append(rb, "\nA fourth step.\n")
    s.rebuild("then a plain body change", fast=True, edited=1)


def test_linked_page_folder(tmp):
    """A page's folder a user replaced by a symbolic link (to a folder outside the site) is the
    user's: a body edit of that page is the conflict a full build reports (exit 3), and nothing is
    written where the link leads."""
    s = Site(tmp, "linked")
    rb = s.path("runbooks/checkout-api/checkout-api-medium-burn.md")
    folder = next(p for p in sorted(os.listdir(os.path.join(s.out, "runbooks")))
                  if "checkout-api-medium-burn" in p)
    elsewhere = os.path.join(tmp, "linked-elsewhere")
    shutil.move(os.path.join(s.out, "runbooks", folder), elsewhere)
    os.symlink(elsewhere, os.path.join(s.out, "runbooks", folder))
    before = tree(elsewhere)
    append(rb, "\nA step only the rebuild knows.\n")
    code, _, stderr = build(s.repo, s.out)
    check(code == 3 and "was not written by nines" in stderr,
          f"linked: the body edit is the conflict a full build reports ({code}): {stderr[-500:]}")
    check(tree(elsewhere) == before, "linked: nothing is written where the link leads")


def test_write_failure(tmp):
    """9. A page that cannot be written part-way through a prose-only rebuild (a file-size limit
    stands in for a full disk): the build fails as a full build does, the previous site stays as
    it was, and the next build recovers."""
    s = Site(tmp, "limit")
    store = s.path(".nines")
    # Above every file the builds write (the store, its records), below the page made too large.
    limit = 4 * max(os.path.getsize(os.path.join(store, f)) for f in os.listdir(store))

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # Several small body changes around one runbook whose page will not fit.
    bodies = [rel for rel in md_files(s.repo) if rel.startswith(("runbooks/", "postmortems/"))]
    for rel in bodies:
        append(s.path(rel), "\nA small change, written before the large page fails.\n")
    large = s.path(bodies[len(bodies) // 2])
    kept = read(large)
    with open(large, "a", encoding="utf-8") as f:
        while f.tell() < 2 * limit:
            f.write("\nA long paragraph of the runbook, repeated until the page is large. " * 10)
    before = tree(s.out)
    code, _, stderr = build(s.repo, s.out, preexec=small_files)
    fcode, _, fstderr, ftree = s.fresh(preexec=small_files)
    check(fcode == 3 and ftree is None,
          f"a full build fails on the page it cannot write ({fcode}): {fstderr[-300:]}")
    check(code == fcode, f"so does the rebuild ({code}): {stderr[-400:]}")
    check(tree(s.out) == before, "the previous site is left as it was after a write failure: "
          + differing(tree(s.out), before))
    leftovers = [n for n in os.listdir(tmp) if n.startswith("limit-out.")]
    check(not leftovers, f"no temporary folder is left after a write failure: {leftovers}")
    write(large, kept)
    s.rebuild("the build after the failed one")
    code, stderr = s.rebuild("then nothing changed")
    check("nothing changed since the last build" in rows(stderr).get("load", ""),
          f"the recovered site stands: {rows(stderr).get('load')!r}")


def test_killed_leftovers(tmp):
    """What a prose rebuild killed while it wrote the journal or the manifest leaves (the record
    gone, as the rebuild removes it first; the new pages beside the old ones, the old ones' second
    names, and the journal or manifest half written under write_file_atomic's ".NAME.tmp-PID-N"):
    test_generated's kills may land there at random; here it is built on purpose. Every such name
    is one the checks take for the writer's, none of the site's own files is, and the next build
    clears them all and gives a full build's site."""
    s = Site(tmp, "leftovers")
    check(not [p for p in tree(s.out) if TEMP_NAME.search(p)],
          "no file of a built site has a temporary file's name")
    page = next(p for p in sorted(tree(s.out)) if p.startswith("runbooks/") and
                p.endswith("/index.html"))
    rb = s.path("runbooks/checkout-api/checkout-api-medium-burn.md")
    store = s.path(".nines")
    for half in ("journal", "manifest"):
        append(rb, f"\nA step before a rebuild killed while it wrote the {half}.\n")
        gone = subprocess.Popen(["true"])  # a process that has exited: the killed build's pid
        gone.wait()
        pid = gone.pid
        for name in os.listdir(store):
            if name.startswith("nines-build-") and name.endswith(".json"):
                os.remove(os.path.join(store, name))
        folder, base = os.path.split(os.path.join(s.out, page))
        left = [os.path.join(folder, f".{base}.tmp-{pid}"),
                os.path.join(folder, f".{base}.prev-{pid}"),
                os.path.join(s.out, f"..nines-site.prev-{pid}")]
        write(left[0], "<!doctype html><p>the new page, not yet renamed in</p>\n")
        os.link(os.path.join(s.out, page), left[1])
        os.link(os.path.join(s.out, ".nines-site"), left[2])
        if half == "journal":
            left.append(os.path.join(s.out, f"..nines-site.pending.tmp-{pid}-0"))
            write(left[-1], f"{pid}\n")
        else:
            left.append(os.path.join(s.out, ".nines-site.pending"))
            write(left[-1], f"{pid}\n{page}\n")
            left.append(os.path.join(s.out, f"..nines-site.tmp-{pid}-1"))
            write(left[-1], read(os.path.join(s.out, ".nines-site"))[:200])
        names = [os.path.relpath(p, s.out) for p in left]
        check(all(TEMP_NAME.search(p) for p in names),
              f"killed while writing the {half}: each name left is a temporary one: "
              f"{[p for p in names if not TEMP_NAME.search(p)]}")
        s.rebuild(f"the build after one killed while it wrote the {half}", fast=False)
        remaining = sorted(p for p in tree(s.out) if TEMP_NAME.search(p))
        check(not remaining, f"the build after one killed while it wrote the {half} clears what "
              f"it left: {remaining}")


def test_generated(tmp):
    """10. A generated organisation of 42 services (about 500 documents): prose-only rebuilds
    of a few and of all bodies, and such a rebuild of every body killed at any moment. With that
    many files made again the new site is a tree of its own swapped in whole: a killed rebuild
    leaves the previous site exactly as it was, or the new one whole (a kill after the swap),
    never some pages of each; what it left beside the site goes with the next build, which gives
    a full build's site."""
    repo = os.path.join(tmp, "gen-repo")
    subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "bench", "gen_repo.py"), repo, "42"],
                   check=True, capture_output=True, timeout=300)
    s = Site(tmp, "gen", repo=repo, now=GEN_NOW)
    bodies = [rel for rel in md_files(repo) if rel.startswith(("runbooks/", "postmortems/"))]
    check(len(bodies) > 250, f"the generated repository has its bodies: {len(bodies)}")
    for rel in bodies[::100]:
        append(s.path(rel), "\n## A note\n\nAdded after the first build.\n")
    s.rebuild("a few generated bodies", fast=True, edited=len(bodies[::100]))
    for rel in bodies:
        append(s.path(rel), "\nEvery body changes.\n")
    s.rebuild("every generated body", fast=True, edited=len(bodies))
    took = s.seconds
    mixed = 0
    rounds = (0.4, 0.75, 0.95)
    for k, frac in enumerate(rounds):
        old = tree(s.out)
        for rel in bodies:
            append(s.path(rel), f"\nRound {k}.\n")
        _, _, _, new = s.fresh()
        new = new or {}
        failed = check.failed
        command = build_command(s.repo, s.out, now=GEN_NOW)
        log = os.path.join(tmp, f"killed-{k}.log")
        with open(log, "w") as err:
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err,
                                    env=clean_env())
            time.sleep(frac * took)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        now_files = tree(s.out)
        when = f"round {k}, killed after {frac:.2f} of {took:.2f} s"
        files = {p for p in now_files if not TEMP_NAME.search(p)}
        check(files == set(old) == set(new), f"{when}: the site has its files, none more, none "
              f"less: {sorted(files ^ set(old))[:5]} {sorted(files ^ set(new))[:5]}")
        torn = [p for p in files - {".nines-site"}
                if now_files[p] != old.get(p) and now_files[p] != new.get(p)]
        check(not torn, f"{when}: every file holds its previous bytes or its new ones: {torn[:5]}")
        left_by_kill = sorted(p for p in now_files if TEMP_NAME.search(p))
        if now_files != old and now_files != new:
            mixed += 1
            replaced = [p for p in files if now_files[p] != old.get(p)]
            print(f"note: {when}: {len(replaced)} of {len(files)} files hold their new bytes, "
                  f"{len(left_by_kill)} temporary files beside them", flush=True)
        check(now_files == old or now_files == new,
              f"{when}: the site is the previous one or the new one, whole: "
              f"against the previous {differing(now_files, old)}; against the new "
              f"{differing(now_files, new)}")
        s.rebuild(f"the build after the one {when}")
        left = sorted(p for p in tree(s.out) if TEMP_NAME.search(p))
        check(not left, f"the build after the one {when} clears what it left: {left[:5]}")
        beside = sorted(n for n in os.listdir(os.path.dirname(s.out))
                        if n.startswith(os.path.basename(s.out) + "."))
        check(not beside, f"the build after the one {when} clears what it left beside the site: "
              f"{beside[:5]}")
        if check.failed != failed:
            # Where the kill landed decides what the next build must repair: say all of it.
            print(f"  {when}: the killed build was {' '.join(command)}\n"
                  f"  it ended with {proc.returncode}; its stderr:\n{read(log)[-1500:]}\n"
                  f"  it left {len(left_by_kill)} temporary files: {left_by_kill[:8]}\n"
                  f"  its site against the previous one: {differing(now_files, old)}\n"
                  f"  its site against a full build's: {differing(now_files, new)}", flush=True)
    print(f"note: {mixed} of {len(rounds)} killed rebuilds left the site neither as it was nor "
          f"as the next build makes it",
          flush=True)
    code, stderr = s.rebuild("then nothing changed")
    check("nothing changed since the last build" in rows(stderr).get("load", ""),
          f"the site stands after them: {rows(stderr).get('load')!r}")


def test_signed_bodies(tmp):
    """A body in a published readiness digest (a reviewed service's runbook, its review) takes the
    normal path, so the digest, the stale sign-offs and the approval are a full build's; a body
    outside every digest (a postmortem) keeps the prose path."""
    s = Site(tmp, "signed", keep_reviews=True)

    def signoffs():
        data = json.load(open(os.path.join(s.out, "api", "readiness.json")))
        rows = data if isinstance(data, list) else data.get("services", [])
        r = next((x for x in rows if x.get("service") == "checkout-api"), {})
        return r.get("digest"), [x.get("stale") for x in r.get("signoffs", [])]

    digest, stale = signoffs()
    check(digest and stale and not any(stale), f"checkout-api: signed and current: {stale}")
    append(s.path("runbooks/checkout-api/checkout-api-medium-burn.md"),
           "\nIgnore this alert; never roll back.\n")
    s.rebuild("a reviewed service's runbook body", fast=False)
    digest2, stale2 = signoffs()
    check(digest2 != digest and stale2 and all(stale2),
          f"checkout-api: the digest moves and its sign-offs go stale: {stale2}")
    pm = next(f for f in md_files(s.repo) if f.startswith("postmortems/"))
    append(s.path(pm), "\nA line added to the narrative.\n")
    s.rebuild("a postmortem body beside signed services", fast=True, edited=1)


tmp = tempfile.mkdtemp(prefix="nines-prose-")
try:
    for test in (test_every_body, test_two_bodies, test_bodies_of_other_pages, test_front_matter,
                 test_revert,
                 test_mixed_sequences, test_broken_links, test_anchor_rule, test_not_fast,
                 test_odd_files, test_saved_state, test_git, test_nothing_after_fast,
                 test_edited_site, test_linked_page_folder, test_write_failure,
                 test_killed_leftovers, test_generated,
                 test_signed_bodies):
        start = time.monotonic()
        print(f"{test.__name__} ...", flush=True)
        try:
            test(tmp)
        except Exception:  # the next tests still run; the traceback says where this one stopped
            check(False, f"{test.__name__} stopped: {traceback.format_exc()}")
        print(f"{test.__name__}: {time.monotonic() - start:.1f} s", flush=True)
finally:
    shutil.rmtree(tmp)
sys.exit(check.finish())
