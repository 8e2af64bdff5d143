#!/usr/bin/env python3
"""End-to-end tests of the site `nines build` writes: determinism, the page frame, links that stay
inside the site, and hostile input rendered inert. Runs the real binary on copies of content/ and
on a small generated repository.

Usage: test_site.py NINES SOURCE_DIR
"""
import html.parser
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, unquote

from support import Checks, copy_content, tree, write

NINES, SRC = sys.argv[1], sys.argv[2]
NOW = "2026-11-23T00:00:00Z"
check = Checks()


def run(*args):
    p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace", timeout=300)
    return p.returncode, p.stdout, p.stderr


class Page(html.parser.HTMLParser):
    """The parts of a page the checks need: its language, title, landmarks, ids and URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.title = ""
        self.in_title = False
        self.has_main = False
        self.h1 = 0
        self.ids = set()
        self.urls = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "title":
            self.in_title = True
        if tag == "main" or a.get("role") == "main":
            self.has_main = True
        if tag == "h1":
            self.h1 += 1
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        for key in ("href", "src", "action", "xlink:href", "srcset", "poster", "data"):
            if a.get(key) is not None:
                self.urls.append((tag, key, a[key]))
        for key, value in attrs:
            if key.startswith("on"):
                self.urls.append((tag, key, "event-handler:" + (value or "")))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def parse(text):
    p = Page()
    p.feed(text)
    p.close()
    return p


def check_site(out, allowed_prefixes, label):
    """The frame, self-containment and internal links of every page of a built site."""
    files = tree(out)
    pages = {rel: parse(b.decode("utf-8", "replace")) for rel, b in files.items() if rel.endswith(".html")}
    check(len(pages) > 0, f"{label}: pages written")
    bad_frame, external, broken, handlers, h1 = [], [], [], [], []
    for rel, p in sorted(pages.items()):
        if not (p.lang and p.title.strip() and p.has_main):
            bad_frame.append(rel)
        if p.h1 != 1:
            h1.append(f"{rel}: {p.h1}")
        for tag, attr, url in p.urls:
            if attr.startswith("on"):
                handlers.append(f"{rel}: <{tag} {attr}>")
                continue
            u = url.strip()
            low = u.lower()
            parts = urlsplit(u)
            if parts.scheme or low.startswith("//"):
                if parts.scheme in ("http", "https") or low.startswith("//"):
                    # Only a link a reader follows may leave the site, and only to the site itself
                    # or its repository: nothing is ever loaded from elsewhere, 404.html included
                    # (GitHub Pages serves it at any depth: its links are absolute under base_url,
                    # its assets are inline).
                    if tag not in ("a", "form") or not any(u.startswith(p_) for p_ in allowed_prefixes if p_):
                        external.append(f"{rel}: <{tag} {attr}={u}>")
                elif parts.scheme != "mailto" and not low.startswith("data:image/png;base64,"):
                    external.append(f"{rel}: <{tag} {attr}={u}> (scheme {parts.scheme})")
                continue
            if u.startswith("/"):
                broken.append(f"{rel}: {u} (root-absolute)")
                continue
            if u == "" or u == "#":
                continue
            target = rel
            if parts.path:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
                if target.startswith(".."):
                    broken.append(f"{rel}: {u} (climbs above the site)")
                    continue
                if target == ".":
                    target = "index.html"
                elif target not in files and target + "/index.html" in files:
                    target += "/index.html"
                if target not in files:
                    broken.append(f"{rel}: {u}")
                    continue
            if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{rel}: {u} (no #{parts.fragment})")
    check(not bad_frame, f"{label}: every page has lang, title and main: {bad_frame[:5]}")
    check(not h1, f"{label}: every page has one <h1>: {h1[:5]}")
    check(not external, f"{label}: nothing loaded from or linked to other hosts: {external[:5]}")
    check(not broken, f"{label}: every internal link resolves: {broken[:5]}")
    check(not handlers, f"{label}: no event-handler attributes: {handlers[:5]}")
    for rel, b in files.items():
        if rel.endswith(".css"):
            text = b.decode("utf-8", "replace")
            check("@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text),
                  f"{label}: {rel} loads nothing from elsewhere")
    return files, pages


def blank_runs(html):
    """The line numbers that start a run of two or more empty (or blank) lines."""
    lines = html.split("\n")
    return [i + 1 for i in range(len(lines) - 1)
            if not lines[i].strip() and not lines[i + 1].strip() and (i == 0 or lines[i - 1].strip())]


def test_content(tmp):
    repo = copy_content(tmp)
    out1, out2 = os.path.join(tmp, "site1"), os.path.join(tmp, "site2")
    code, _, err = run("build", repo, "-o", out1, "--offline", "--now", NOW)
    check(code == 0, f"first build exits 0 ({code}): {err[-800:]}")
    check("broken internal link" not in err, f"no broken internal link: {err[-800:]}")
    code, _, err = run("build", repo, "-o", out2, "--offline", "--now", NOW, "--jobs", "1")
    check(code == 0, f"second build exits 0 ({code}): {err[-800:]}")
    a, b = tree(out1), tree(out2)
    check(sorted(a) == sorted(b), "both builds write the same files")
    diff = [k for k in a if a.get(k) != b.get(k)]
    check(not diff, f"both builds are byte-identical: {diff[:5]}")

    files, pages = check_site(out1, ["https://larkspur.github.io/reliability/",
                                     "https://github.com/larkspur/reliability"], "content")
    for rel in ["index.html", "catalog/index.html", "slos/index.html", "teams/index.html",
                "maturity/index.html", "readiness/index.html", "toil/index.html",
                "capacity/index.html", "oncall/index.html", "reports/index.html",
                "reports/2026-10/index.html", "services/checkout-api/index.html",
                "slos/checkout-api-availability/index.html", "runbooks/checkout-api-fast-burn/index.html",
                "search.html", "search-index.js", "404.html", "sitemap.xml", ".nojekyll",
                "static/style.css", "static/search.js", "static/copy.js", "api/slos.json"]:
        check(rel in files, f"{rel} written")
    # The readiness layout's sections leave no runs of empty lines, whichever are empty.
    runs = blank_runs(files.get("readiness/index.html", b"").decode())
    check(not runs, f"readiness/index.html has no runs of empty lines: at lines {runs[:5]}")
    nf = pages.get("404.html")
    if check(nf is not None, "404.html written"):
        own = [u for tag, attr, u in nf.urls
               if not attr.startswith("on") and not u.startswith("#") and not u.startswith("data:")]
        check(own and all(u.startswith(("https://larkspur.github.io/reliability/",
                                        "https://github.com/larkspur/reliability")) for u in own),
              f"404.html: every link is absolute under base_url: {own[:5]}")
        loads = [(tag, u) for tag, attr, u in nf.urls if tag not in ("a", "form") and not u.startswith("data:")]
        check(not loads, f"404.html loads nothing, not even from the site: {loads[:5]}")
        nf_text = files["404.html"].decode()
        check("<style>" in nf_text and ".site-header" in nf_text, "404.html has its stylesheet inline")
    sitemap = files.get("sitemap.xml", b"").decode()
    check("<loc>https://larkspur.github.io/reliability/</loc>" in sitemap, "sitemap has absolute URLs")
    check(files.get("search-index.js", b"").startswith(b"window.NINES_SEARCH = ["), "search index is a script")
    # Figures and their freshness reach the pages.
    slo = files.get("slos/checkout-api-availability/index.html", b"").decode()
    check("2026-12-19" in slo, "projected exhaustion shown")
    check("fresh" in slo, "data freshness shown")
    check("missing · no data" in files.get("slos/eta-predictor-accuracy/index.html", b"").decode(),
          "an SLO without data says so")
    # The running month's report dates its metrics as every other page does: the newest closed
    # day with data (the API's as_of), not today, which has no closed day yet.
    newest = max(s["data"]["as_of"] for s in json.loads(files["api/slos.json"]) if s["data"]["as_of"])
    running = files.get("reports/2026-11/index.html", b"").decode()
    as_of = re.search(r'class="freshness-as-of">as of <time>([0-9-]+)</time>', running)
    check(as_of and as_of.group(1) == newest,
          f"the running month's report: metrics as of {as_of and as_of.group(1)}, API {newest}")
    # Sign-offs dated after now are stale and say so in every summary, not only on the readiness
    # page: at 2026-11-12 both of returns-portal's are dated after now.
    early = os.path.join(tmp, "site-early")
    code, _, err = run("build", repo, "-o", early, "--offline", "--now", "2026-11-12T12:00:00Z")
    if check(code == 0, f"a build at 2026-11-12 ({code}): {err[-300:]}"):
        for rel in ("index.html", "services/returns-portal/index.html", "readiness/index.html"):
            with open(os.path.join(early, rel), encoding="utf-8") as f:
                check("2 stale sign-offs (2 dated after now)" in f.read(),
                      f"{rel}: the sign-offs dated after now are named so")
    # A report's changes read the same on its page as in Markdown (one formatting rule).
    for month in ("2026-10", "2026-11"):
        code, md, err = run("report", "-C", repo, "--month", month, "--now", NOW)
        change = re.search(r"Share of SRE time: .*\((\S+ pts) vs ", md)
        page = files.get(f"reports/{month}/index.html", b"").decode()
        if check(code == 0 and change, f"report {month}: a toil change in Markdown ({code}) {err}"):
            check(f"{change.group(1)} from " in page,
                  f"report {month}: the page's toil change reads {change.group(1)} as Markdown does")


# 24.96% toil against the 25% target, and an error budget overspent by 0.0393%: rounding must not
# make either read as its boundary (docs/commands.md).
FIGURES_CONFIG = """\
title: Figures
teams:
  t1:
    name: Team One
    members: [a, b, c, d, e]
    sre_hours_per_month: 100
"""


def test_figures_read_alike(tmp):
    repo = os.path.join(tmp, "figures")
    write(os.path.join(repo, "nines.yaml"), FIGURES_CONFIG)
    write(os.path.join(repo, "services", "svc-a.yaml"),
          "service:\n  name: svc-a\n  tier: standard\n  type: api\n  owner_team: t1\n")
    write(os.path.join(repo, "slis", "ok.yaml"), "sli:\n  name: ok\n  type: availability\n")
    write(os.path.join(repo, "slos", "a1.yaml"),
          "slo:\n  id: a1\n  service: svc-a\n  sli: ok\n  target: 99.9\n  window: 28d\n")
    # 28 days of 10^6 events, 28011 bad where 28000 are allowed: R = -0.0393%.
    rows = ["slo,date,good,total"]
    for day in range(4, 32):
        bad = 1011 if day == 31 else 1000
        rows.append(f"a1,2026-10-{day:02d},{1000000 - bad},1000000")
    write(os.path.join(repo, "metrics", "m.csv"), "\n".join(rows) + "\n")
    write(os.path.join(repo, "toil", "t.yaml"),
          "toil_item:\n  name: tt\n  service: svc-a\n  category: config\n  frequency: daily\n"
          "  time_per_occurrence_min: 24.96\n  occurrences_per_month: 60\n"
          "  teams_affected: [t1]\n  automation_difficulty: low\n  status: active\n")
    out = os.path.join(tmp, "figures-site")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", "2026-11-01T00:00:00Z")
    check(code in (0, 1) and os.path.exists(os.path.join(out, "index.html")),
          f"figures repo builds ({code}): {err[-800:]}")
    if not os.path.exists(os.path.join(out, "index.html")):
        return
    files = tree(out)
    with open(os.path.join(out, "api", "slos.json")) as f:
        slo = json.load(f)[0]
    check(slo["state"] == "exhausted" and -0.05 < slo["budget_remaining_pct"] < 0,
          f"the SLO is overspent by less than 0.05%: {slo['budget_remaining_pct']}")
    dashboard = files["index.html"].decode()
    check("error budget overspent by 0.1%" in dashboard and "overspent by 0.0%" not in dashboard,
          "the dashboard never says overspent by 0.0%")
    toil, teams = files["toil/index.html"].decode(), files["teams/index.html"].decode()
    check('<td class="num">24.9%</td>' in toil and '<td class="num">25%</td>' not in toil,
          "the toil page reads 24.96% as 24.9%")
    check("Team One: 24.9%" in toil and "Team One: 25.0%" not in toil,
          "the toil chart reads 24.96% as 24.9%")
    check("24.9% of SRE time" in teams and "25% of SRE time" not in teams,
          "the teams page reads 24.96% as 24.9%")


def test_stale_marked(tmp):
    """SPEC 4.4: an SLO whose pull stopped is marked stale, with its age, on every page that shows
    its figures: the dashboard's rows and "Needs attention", the catalog's error budget cell."""
    repo = copy_content(tmp, "stale")
    slo = "tracking-api-availability"
    for name in os.listdir(os.path.join(repo, "metrics")):
        path = os.path.join(repo, "metrics", name)
        with open(path) as f:
            lines = f.readlines()
        kept = [l for l in lines if not (l.startswith(slo + ",") and l.split(",")[1] >= "2026-11-18")]
        with open(path, "w") as f:
            f.writelines(kept)
    out = os.path.join(tmp, "stale-site")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"a build on stale data exits 0 ({code}): {err[-800:]}")
    if code != 0:
        return
    files = tree(out)
    with open(os.path.join(out, "api", "slos.json")) as f:
        stale = sorted(x["id"] for x in json.load(f) if x["data"]["status"] == "stale")
    check(stale == [slo], f"api/slos.json: only {slo} is stale: {stale}")
    mark = '<span class="badge fresh-stale">stale · 5 days old</span>'
    check(mark in files["slos/index.html"].decode(), "the SLO list marks it")
    dashboard = files["index.html"].decode().split("\n")
    rows = [l for l in dashboard if l.lstrip().startswith("<tr ") and "slos/" in l]
    marked = [l for l in rows if "fresh-stale" in l]
    check(len(marked) == 1 and f'href="slos/{slo}/index.html"' in marked[0] and mark in marked[0],
          f"the dashboard marks its row, and only its row, with its age: {marked}")
    attention = [l for l in dashboard if l.lstrip().startswith("<li>") and f"slos/{slo}/" in l]
    check(len(attention) == 1 and "figures rest on data up to 2026-11-17" in attention[0]
          and mark in attention[0], f"it needs attention, healthy as it reads: {attention}")
    catalog = files["catalog/index.html"].decode()
    check(catalog.count("fresh-stale") == 1
          and '<span class="badge fresh-stale">stale · 5 days old · 1 of 2 SLOs</span>' in catalog,
          "the catalog marks tracking-api's error budget, one of its two SLOs behind")
    # The unchanged content at the same time marks nothing: the marks show only what is behind.
    fresh_out = os.path.join(tmp, "stale-site-fresh")
    code, _, err = run("build", copy_content(tmp, "fresh"), "-o", fresh_out, "--offline", "--now", NOW)
    if check(code == 0, f"the unchanged content builds ({code}): {err[-800:]}"):
        fresh = tree(fresh_out)
        check(all(b"fresh-stale" not in fresh[p] for p in ("index.html", "catalog/index.html")),
              "current data carries no stale mark")


def test_no_base_url(tmp):
    repo = copy_content(tmp, "nobase")
    path = os.path.join(repo, "nines.yaml")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(re.sub(r"(?m)^base_url:.*\n", "", text))
    out = os.path.join(tmp, "nobase-site")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"build without base_url exits 0 ({code}): {err[-500:]}")
    sitemap_path = os.path.join(out, "sitemap.xml")
    check(os.path.exists(sitemap_path), "a sitemap without base_url too (SPEC 5 lists it)")
    with open(sitemap_path) as f:
        sitemap = f.read()
    check("<loc>catalog/</loc>" in sitemap and "<loc>/" not in sitemap and "http" not in
          sitemap.split("<urlset", 1)[1].split(">", 1)[1],
          "its locations are relative to the site's root")
    check(os.path.exists(os.path.join(out, "index.html")), "the rest of the site is written")


HOSTILE_CONFIG = """\
title: "</title><script>alert(1)</script>"
description: "\\"><script>alert(1)</script>"
base_url: https://example.github.io/sre/
repo_url: https://github.com/example/sre
teams:
  t:
    name: "<script>alert(1)</script>"
    members: [a, b, c, d, e]
    sre_hours_per_month: 100
"""

HOSTILE_SERVICE = """\
service:
  name: evil
  description: "<script>alert(1)</script> \\" ' &"
  tier: critical
  owner_team: t
  links:
    - title: "x\\"><script>alert(1)</script>"
      url: "javascript:alert(1)"
    - title: vb
      url: " JaVaScRiPt:alert(1)"
---
service:
  name: other
  tier: standard
  owner_team: t
"""

HOSTILE_RUNBOOK = """\
---
runbook:
  title: "\\"><script>alert(1)</script>"
  alert_name: fast_burn
  service: evil
  owner: t
  overview: "Raw <b>HTML</b> and a [link](x.md) in the overview"
---
# Steps

[click](javascript:alert(1)) and [again](JAVASCRIPT:alert(1)) and <javascript:alert(1)>

<img src=x onerror=alert(1)>

<script>alert(1)</script>

<a href="javascript:alert(1)">raw</a>

```sh
echo "<script>alert(1)</script>"
```
"""

HOSTILE_POSTMORTEM = """\
postmortem:
  title: "\\"><script>alert(1)</script>"
  date: 2026-11-02
  severity: SEV3
  summary: "<script>alert(1)</script>"
  services: [evil]
"""


def test_hostile(tmp):
    repo = os.path.join(tmp, "hostile")
    write(os.path.join(repo, "nines.yaml"), HOSTILE_CONFIG)
    write(os.path.join(repo, "services", "evil.yaml"), HOSTILE_SERVICE)
    write(os.path.join(repo, "runbooks", "evil.md"), HOSTILE_RUNBOOK)
    write(os.path.join(repo, "postmortems", "evil.yaml"), HOSTILE_POSTMORTEM)
    out = os.path.join(tmp, "hostile-site")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code in (0, 1) and os.path.exists(os.path.join(out, "index.html")),
          f"hostile repo builds ({code}): {err[-800:]}")
    if not os.path.exists(os.path.join(out, "index.html")):
        return
    files, _ = check_site(out, ["https://example.github.io/sre/", "https://github.com/example/sre"],
                          "hostile")
    for rel, b in files.items():
        if rel.startswith("api/"):
            continue  # JSON for scripts: strings are JSON-escaped, never parsed as HTML
        low = b.decode("utf-8", "replace").lower()
        check("<script>alert" not in low, f"{rel}: no live <script>alert")
        check("onerror=" not in low, f"{rel}: no onerror=")
        check(not re.search(r"""(href|src|action|xlink:href)\s*=\s*["']?\s*javascript:""", low),
              f"{rel}: no javascript: URL in an attribute")
    page = files.get("services/evil/index.html", b"").decode()
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the text is kept, escaped")


def test_split_by_team(tmp):
    """Past 300 rows a list gets one page per team: 70 generated services have 350 runbooks."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
    import gen_repo  # noqa: E402
    repo = os.path.join(tmp, "split-repo")
    gen_repo.generate(repo, 70)
    out = os.path.join(tmp, "split-site")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code in (0, 1) and os.path.exists(os.path.join(out, "index.html")),
          f"generated repo builds ({code}): {err[-800:]}")
    if not os.path.exists(os.path.join(out, "index.html")):
        return
    files, pages = check_site(out, ["https://bench.example/"], "split")
    index = files.get("runbooks/index.html", b"").decode()
    parts = sorted(re.findall(r'href="\.\./runbooks/(team-[^"/]+/index\.html)"', index))
    check(len(parts) == 2, f"runbooks/index.html links one page per team: {parts}")
    rows = sum(files.get("runbooks/" + p, b"").decode().count('<tr data-team="') for p in parts)
    check(rows == 350, f"the team pages hold every runbook: {rows} rows")
    check(index.count('<tr data-team="') == 0, "the list's own page holds no team's rows")
    check(all(len(b) < 500_000 for rel, b in files.items() if rel.endswith(".html")),
          "every page under 500 KB")
    # Readiness checklists and maturity rubrics are heavy rows: their lists split past 60
    # services, and a service page links to its checklist on its team's page.
    for folder in ("readiness", "maturity"):
        own = files.get(f"{folder}/index.html", b"").decode()
        heavy = sorted(re.findall(rf'href="\.\./{folder}/(team-[^"/]+/index\.html)"', own))
        check(len(heavy) == 2, f"{folder}/index.html links one page per team: {heavy}")
    for rel in ["readiness/index.html"] + [rel for rel in files if rel.startswith("readiness/team-")]:
        runs = blank_runs(files[rel].decode())
        check(not runs, f"split: {rel} has no runs of empty lines: at lines {runs[:5]}")
    svc = files.get("services/svc-00000/index.html", b"").decode()
    check('href="../../readiness/team-' in svc and 'href="../../maturity/team-' in svc,
          "a service page links to its team's readiness and maturity pages")

    # 140 SLOs: each report keeps the 100 that consumed the most (sorted), says how many more
    # the month's JSON file holds, and the JSON keeps all of them.
    months = sorted(rel.split("/")[1] for rel in files
                    if re.fullmatch(r"reports/\d{4}-\d{2}/index\.html", rel))
    check(months, f"split: the generated repo has monthly reports: {months}")
    for month in months:
        page = files[f"reports/{month}/index.html"].decode()
        table = page[page.find("report-slos-h"):]
        table = table[:table.find("</table>")]
        rows = re.findall(r'<td class="num">[^<]*</td><td class="num">([^<]*)</td><td>', table)
        with open(os.path.join(out, "api", "reports", month + ".json")) as f:
            api = json.load(f)["monthly_report"]["slos"]
        with_data = [s for s in api if s.get("budget_consumed_pct") is not None]
        check(len(api) == 140, f"split {month}: the JSON keeps every SLO ({len(api)})")
        check(len(rows) == 100 and f"{len(api) - 100} more SLOs are in api/reports/{month}.json"
              in page, f"split {month}: the page lists 100 SLOs and says where the rest are "
              f"({len(rows)} rows)")
        consumed = [float(c.rstrip("%")) for c in rows if c.endswith("%")]
        check(consumed == sorted(consumed, reverse=True) and
              (not with_data or not consumed or
               max(float(s["budget_consumed_pct"]) for s in with_data) >= consumed[0] - 0.05),
              f"split {month}: the kept rows are the most consumed, in order")

    # The weekly reviews keep the 100 SLOs with the least budget left, and say where the rest are.
    weeks = sorted(rel for rel in files if re.fullmatch(r"reviews/\d{4}-W\d{2}\.html", rel))
    check(weeks, "split: the generated repo has weekly reviews")
    for rel in weeks[-2:]:
        page = files[rel].decode()
        week = rel[len("reviews/"):-len(".html")]
        sections = page.count('<section class="budget-week-slo"')
        check(sections == 100 and f"40 more SLOs are in api/reviews/{week}.json" in page,
              f"split {week}: 100 SLOs on the page, the rest in the JSON ({sections})")
        with open(os.path.join(out, "api", "reviews", week + ".json")) as f:
            check(len(json.load(f)["weekly_review"]["slo_status"]["slos"]) == 140,
                  f"split {week}: the JSON keeps every SLO")


SEED_EXPERIMENT = """\
experiment:
  name: "db-latency"
  hypothesis: "When DB latency rises 5x, the system will shed load gracefully"
  method: {fault_type: "storage", target: "example-api", blast_radius: "single pod", duration: "15m"}
  safety: {abort_conditions: ["SLO burn rate exceeds 10x"], rollback_plan: "remove the tc rule"}
  results: {outcome: "confirmed", observations: ["p99 rose to 800ms"]}
"""

SEED_POSTMORTEM = """\
postmortem:
  title: "Checkout errors"
  date: "2026-10-10"
  severity: "SEV4"
  services: [example-api]
  impact:
    users_affected: 1
    revenue_impact_usd: 250000
    data_loss: false
"""


def test_seed_shapes(tmp):
    """Seed fields the seed's way: an experiment naming its service only by `method.target`, and
    revenue impact recorded only as `impact.revenue_impact_usd`."""
    repo = os.path.join(tmp, "seed-shapes")
    code, _, err = run("init", repo, "--now", NOW)
    check(code == 0, f"init for the seed shapes: {err}")
    for name in os.listdir(os.path.join(repo, "chaos")):
        os.remove(os.path.join(repo, "chaos", name))
    write(os.path.join(repo, "chaos", "db-latency.yaml"), SEED_EXPERIMENT)
    write(os.path.join(repo, "postmortems", "pm-rev.yaml"), SEED_POSTMORTEM)

    code, out, _ = run("check", repo, "--now", NOW)
    check("pm-rev.yaml:4:13: warning: declared SEV4 is below the severity matrix: revenue impact "
          "requires SEV2 or higher (counted as SEV2) [postmortem-severity]" in out,
          f"a revenue amount raises the severity and warns: {out}")
    out_dir = os.path.join(tmp, "seed-shapes-site")
    code, _, err = run("build", repo, "-o", out_dir, "--offline", "--now", NOW)
    check(code == 0, f"seed shapes build ({code}): {err[-500:]}")
    with open(os.path.join(out_dir, "api", "incidents.json")) as f:
        incident = next(i for i in json.load(f) if i["id"] == "pm-rev")
    check(incident["severity"] == "SEV2" and incident["declared_severity"] == "SEV4",
          f"api/incidents.json counts the revenue impact: {incident}")
    with open(os.path.join(out_dir, "postmortems", "pm-rev", "index.html")) as f:
        page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", f.read()))
    check("Revenue impact 250,000 USD" in page and "Revenue impacting yes" in page,
          f"the postmortem page agrees with itself: {page[page.find('Revenue'):][:200]}")

    # The experiment the maturity score counts is on the service page and in the API.
    code, out, _ = run("score", "example-api", "-C", repo, "--now", NOW)
    check("experiment db-latency" in out, f"the score counts the experiment: {out}")
    with open(os.path.join(out_dir, "services", "example-api", "index.html")) as f:
        page = f.read()
    check("Chaos experiments" in page and "shed load gracefully" in page,
          "the service page lists the experiment named by method.target")
    with open(os.path.join(out_dir, "api", "services.json")) as f:
        svc = next(x for x in json.load(f) if x["id"] == "example-api")
    check(svc.get("experiments") == ["db-latency"], f"api/services.json lists it: {svc}")


tmp = tempfile.mkdtemp(prefix="nines-site-")
try:
    test_seed_shapes(tmp)
    test_content(tmp)
    test_no_base_url(tmp)
    test_hostile(tmp)
    test_figures_read_alike(tmp)
    test_stale_marked(tmp)
    test_split_by_team(tmp)
finally:
    shutil.rmtree(tmp)
sys.exit(check.finish())
