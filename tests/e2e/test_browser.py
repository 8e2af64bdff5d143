#!/usr/bin/env python3
"""Browser end-to-end tests of the site `nines build` writes: the pages run in a real Chromium.

Method (the project's chosen one): Debian's /usr/bin/chromium, headless, driven through the Chrome
DevTools Protocol over --remote-debugging-pipe (JSON messages separated by NUL bytes on the
child's fd 3 and fd 4; see cdp.py). Python 3 stdlib only, no websocket library, no WebDriver, no
downloads; the only network traffic is to the site served by `python3 -m http.server` on
127.0.0.1 (and file://), and any request elsewhere is reported as a failure.

  0. self-check: a generated page that logs console.error, one that throws and one with a missing
     image must each be DETECTED, and a clean page must not be, so the checks below can fail;
  1. every HTML page of the site loads over http://127.0.0.1:PORT/ and from file:// with no
     console error, uncaught exception, error log entry or failed load (favicon.ico excepted), and
     has exactly one <main> and a non-empty <title>;
  2. search.html (over HTTP and file://) finds a runbook from a word of its title (taken from the
     site's search-index.js): typing it into the search box shows a link to the runbook's page;
  3. screenshots of the dashboard and of one SLO page at 1280x900 are saved as PNG (> 5 KB) in
     ARTIFACT_DIR;
  4. with prefers-color-scheme: dark emulated, the dashboard's background differs from the light
     one (body's computed background-color, or the root element's when body's is transparent —
     the theme paints the page background on <html>);
  5. full-text search from file://: a command word of a runbook's body, a person's name and an
     incident id each find their page, with the match marked in a snippet; the kind filter keeps
     only that kind;
  6. phones and desktops (390 and 1400 px wide) for the dashboard, an SLO page and a report page:
     the body never scrolls sideways, every chart text is at least 10 CSS px (its font size times
     the chart's scale), at 1400 px chart labels share one size, and the navigation menu button
     opens the menu from the keyboard (focus, Enter);
     at 375 px no SLO page or weekly review scrolls sideways (the error budget week's table
     scrolls inside its region);
  7. landmarks are unique on every page (nav, aside and regions by role and name: axe's
     landmark-unique); the theme toggle's choice survives a reload from file://, and its
     accessible name starts with its visible text (WCAG 2.5.3);
  8. the lists sort by a date (postmortems, runbooks, SLOs' "Runs out"), a duration ("Resolved
     in") and a budget state (SLOs, the catalog's "Error budget": by severity) both ways, a
     missing value last either way;
  9. printed, a list shows no filter bar and no sort arrows;
  10. axe-core (npm, the WCAG 2.0/2.1/2.2 A and AA rules) finds nothing on any page at 1280 px
     in the light scheme, nor on one page of each layout at 320 px (light and dark) and 1280 px
     dark; at 320 px a focused sort button of a table shown as cards is on screen (WCAG 2.4.7).
  404.html is among them: its stylesheet, scripts and icon are inline (GitHub Pages serves it at
  any depth), so it loads nothing, from the published address or anywhere else.

Usage: test_browser.py NINES SOURCE_DIR [ARTIFACT_DIR]   (ARTIFACT_DIR: ./browser-artifacts)
Prints "N passed, M failed" last; exits 1 if anything failed.
"""
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402
from support import npm_global_file  # noqa: E402

NINES, SRC = sys.argv[1], sys.argv[2]
ARTIFACTS = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else
                            os.path.join(os.getcwd(), "browser-artifacts"))
NOW = "2026-11-23T00:00:00Z"
passed, failed = 0, 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
    return cond


# --- the local HTTP server --------------------------------------------------------------------------

class Server:
    """`python3 -m http.server` on 127.0.0.1 serving root, on a free port, until stop()."""

    def __init__(self, root, log_path):
        self.proc = None
        for _ in range(5):  # the free port can be taken between probing and binding: retry
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(self.port)],
                    cwd=root, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            if self._wait_ready(10.0):
                return
            self.stop()
        raise RuntimeError(f"http.server on 127.0.0.1 did not answer (log: {log_path})")

    def _wait_ready(self, timeout):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with opener.open(f"http://127.0.0.1:{self.port}/", timeout=2) as r:
                    r.read()
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def url(self, rel):
        return f"http://127.0.0.1:{self.port}/{quote(rel)}"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def file_url(root, rel):
    return "file://" + quote(os.path.join(os.path.abspath(root), rel))


def html_pages(root):
    pages = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            if n.endswith(".html"):
                pages.append(os.path.relpath(os.path.join(dirpath, n), root).replace(os.sep, "/"))
    return sorted(pages)


FRAME_JS = "[document.querySelectorAll('main').length, document.title.trim()]"


def load_clean(page, url, label):
    """Loads url; checks no problems, one <main>, a title. Returns True if the load happened."""
    try:
        page.navigate(url)
        mains, title = page.evaluate(FRAME_JS)
    except cdp.CDPError as e:
        check(False, f"{label}: {e}")
        return False
    check(not page.problems, f"{label}: " + "; ".join(page.problems))
    check(mains == 1, f"{label}: {mains} <main> elements, expected exactly 1")
    check(title != "", f"{label}: empty <title>")
    return True


# --- 0. the harness detects what it must ------------------------------------------------------------

SELF_PAGES = {
    "clean.html": "<p>fine</p><script>console.log('not an error'); console.warn('nor this')</script>",
    "console-error.html": "<script>console.error('deliberate console error')</script>",
    "exception.html": "<script>setTimeout(function () { throw new Error('deliberate') }, 5)</script>",
    "missing-image.html": "<img src='no-such-image.png' alt=''>",
    "missing-script.html": "<script src='no-such-script.js'></script>",
}
SELF_EXPECT = {"console-error.html": "console.error: deliberate console error",
               "exception.html": "exception: Error: deliberate",
               "missing-image.html": "no-such-image.png",
               "missing-script.html": "no-such-script.js"}


def test_self_check(browser, tmp):
    root = os.path.join(tmp, "selfcheck")
    os.makedirs(root)
    for name, body in SELF_PAGES.items():
        with open(os.path.join(root, name), "w") as f:
            f.write(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{name}"
                    f"</title></head><body><main>{body}</main></body></html>\n")
    with open(os.path.join(root, "two-mains.html"), "w") as f:
        f.write("<!DOCTYPE html><html><head><title></title></head>"
                "<body><main></main><main></main></body></html>\n")
    server = Server(root, os.path.join(tmp, "selfcheck-server.log"))
    page = browser.new_page()
    try:
        for scheme in ("http", "file"):
            for name in SELF_PAGES:
                url = server.url(name) if scheme == "http" else file_url(root, name)
                try:
                    page.navigate(url)
                except cdp.CDPError as e:
                    check(False, f"self-check {scheme} {name}: {e}")
                    continue
                got = list(page.problems)
                if name == "clean.html":
                    check(not got, f"self-check {scheme}: a clean page reported problems: {got}")
                else:
                    # The exception comes from a timer: on a loaded machine it may fire after
                    # the load's settling time, so wait for it (a few seconds at most).
                    deadline = time.monotonic() + 5
                    while (not any(SELF_EXPECT[name] in p for p in got)
                           and time.monotonic() < deadline):
                        time.sleep(0.05)
                        got = list(page.problems)
                    check(any(SELF_EXPECT[name] in p for p in got),
                          f"self-check {scheme} {name}: not DETECTED (got {got})")
            page.navigate(server.url("two-mains.html") if scheme == "http"
                          else file_url(root, "two-mains.html"))
            mains, title = page.evaluate(FRAME_JS)
            check(mains == 2 and title == "",
                  f"self-check {scheme}: <main>/<title> probe saw {mains}, {title!r}")
    finally:
        page.close()
        server.stop()


# --- the site ---------------------------------------------------------------------------------------

# Text a phone must fit (reflow at 320 px): a 48-character team name (every list's team filter
# offers it) and a 300-character word in a runbook's title (its page's breadcrumbs show it).
LONG_TEAM = "Platform Engineering and Developer Experience Op"  # 48 characters
LONG_WORD = "w" * 300
LONG_ID = "a" + "b" * 127  # the longest id SPEC allows


def lengthen(repo):
    """Gives the copied content a long team name and a runbook title with a long word."""
    def edit(rel, old, new):
        path = os.path.join(repo, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not check(old in text, f"{rel}: no {old!r} to replace"):
            return
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, 1))
    edit("nines.yaml", "    name: Platform & SRE\n", f"    name: {LONG_TEAM}\n")
    edit("runbooks/checkout-api/checkout-api-medium-burn.md",
         'title: "checkout-api: medium error budget burn"',
         f'title: "checkout-api: medium burn on {LONG_WORD}"')
    # A service with the longest id, meeting its SLO in every month: it is listed on the reports.
    with open(os.path.join(repo, "services", "long-id.yaml"), "w", encoding="utf-8") as f:
        f.write(f"service:\n  name: {LONG_ID}\n  tier: standard\n  owner_team: platform-team\n")
    with open(os.path.join(repo, "slos", "long-id.yaml"), "w", encoding="utf-8") as f:
        f.write(f"slo:\n  id: long-id-success\n  service: {LONG_ID}\n  sli: request-success-rate\n"
                "  target: 99.9\n  window: 28d\n  burn_rate_alerts: []\n")
    days = [datetime.date(2026, 8, 1) + datetime.timedelta(days=i) for i in range(114)]
    with open(os.path.join(repo, "metrics", "long-id.csv"), "w", encoding="utf-8") as f:
        f.write("slo,date,good,total\n" +
                "".join(f"long-id-success,{d.isoformat()},1000,1000\n" for d in days))


def build_site(tmp, name="site", edit=None):
    repo = os.path.join(tmp, "content" if name == "site" else f"content-{name}")
    shutil.copytree(os.path.join(SRC, "content"), repo,
                    ignore=shutil.ignore_patterns(".nines", "site"))
    if edit:
        edit(repo)
    site = os.path.join(tmp, name)
    p = subprocess.run([NINES, "build", repo, "-o", site, "--offline", "--now", NOW],
                       capture_output=True, text=True, errors="replace", timeout=600)
    if not check(p.returncode == 0, f"nines build exited {p.returncode}:\n{p.stdout}{p.stderr}"):
        return None
    return site


def search_entries(site):
    """The index's entries as dicts; href is the page's path ("x/" completed to "x/index.html")."""
    with open(os.path.join(site, "search-index.js"), encoding="utf-8") as f:
        js = f.read().strip()
    m = re.fullmatch(r"window\.NINES_SEARCH\s*=\s*(\[.*\])\s*;?", js, re.S)
    if not m:
        raise ValueError("search-index.js does not define window.NINES_SEARCH = [...]")
    out = []
    for e in json.loads(m.group(1)):
        kind, title, href, summary, text = (list(e) + [""] * 5)[:5]
        href = href + "index.html" if href.endswith("/") else href
        out.append({"kind": kind, "title": title, "href": href, "summary": summary, "text": text})
    return out


def pick_runbook(entries):
    """The first runbook entry and the word of its title (> 4 letters) fewest entries contain."""
    runbooks = [e for e in entries if str(e.get("kind", "")).lower() == "runbook"
                or (str(e.get("href", "")).startswith("runbooks/")
                    and e.get("href") != "runbooks/index.html")]
    if not runbooks:
        return None, None
    rb = runbooks[0]
    hay = [" ".join(str(e.get(k, "")) for k in ("title", "kind", "summary")).lower() for e in entries]
    words = [w for w in re.findall(r"[A-Za-z]+", rb["title"]) if len(w) > 4]
    if not words:
        return rb, None
    return rb, min(words, key=lambda w: sum(w.lower() in h for h in hay))


INPUT_JS = ("(document.querySelector('#search-input') || document.querySelector('main input[type=search]')"
            " || document.querySelector('main input') || document.querySelector('input[type=search]')"
            " || document.querySelector('input'))")
RESULTS_JS = "(document.querySelector('#search-results') || document.querySelector('main'))"


def test_search(page, url, label, rb, word):
    try:
        page.navigate(url)
        target = "/" + rb["href"]
        has_link = (f"Array.prototype.some.call({RESULTS_JS}.querySelectorAll('a'),"
                    f" function (a) {{ return a.href.endsWith({json.dumps(target)}); }})")
        check(not page.evaluate(has_link), f"{label}: the runbook link is shown before typing")
        typed = page.evaluate(f"(function () {{ var i = {INPUT_JS}; if (!i) return false;"
                              f" i.focus(); i.value = {json.dumps(word)};"
                              f" i.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()")
        if not check(typed, f"{label}: no search input"):
            return
        found = page.wait_for(has_link, timeout=5.0)
        shown = page.evaluate(f"Array.prototype.map.call({RESULTS_JS}.querySelectorAll('a'),"
                              " function (a) { return a.getAttribute('href'); }).slice(0, 10)")
        check(found, f"{label}: typing {word!r} shows no link to {rb['href']} (shown: {shown})")
        check(not page.problems, f"{label}: " + "; ".join(page.problems))
    except cdp.CDPError as e:
        check(False, f"{label}: {e}")


def first_slo(site):
    try:
        with open(os.path.join(site, "api", "slos.json"), encoding="utf-8") as f:
            slos = json.load(f)
        ids = [s["id"] for s in (slos if isinstance(slos, list) else slos.get("slos", []))]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        ids = []
    if not ids:
        d = os.path.join(site, "slos")
        ids = sorted(n for n in os.listdir(d) if os.path.isdir(os.path.join(d, n))) if os.path.isdir(d) else []
    return ids[0] if ids else None


def screenshot(page, url, name):
    page.navigate(url, settle=0.3)
    png = page.screenshot()
    path = os.path.join(ARTIFACTS, name)
    with open(path, "wb") as f:
        f.write(png)
    check(png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5 * 1024,
          f"screenshot {path}: {len(png)} bytes, expected a PNG over 5 KB")
    check(not page.problems, f"screenshot {name}: " + "; ".join(page.problems))


BG_JS = ("(function () { var t = function (e) { return getComputedStyle(e).backgroundColor; };"
         " var b = t(document.body), h = t(document.documentElement);"
         " return {body: b, html: h, dark: matchMedia('(prefers-color-scheme: dark)').matches,"
         " effective: (b === 'rgba(0, 0, 0, 0)' || b === 'transparent') ? h : b}; })()")


# Landmarks whose role and accessible name are both the same as another's (axe landmark-unique).
LANDMARKS_JS = """(function () {
  var seen = {}, dup = [];
  document.querySelectorAll('nav, aside, [role=region], section[aria-label], section[aria-labelledby], form[role=search]').forEach(function (el) {
    var role = el.getAttribute('role') || (el.tagName === 'SECTION' ? 'region' : el.tagName.toLowerCase());
    var name = el.getAttribute('aria-label') || '';
    var by = el.getAttribute('aria-labelledby');
    if (by) name = by.split(/\\s+/).map(function (id) { var t = document.getElementById(id); return t ? t.textContent.trim() : ''; }).join(' ');
    var key = role + ': ' + name;
    if (seen[key]) dup.push(key); else seen[key] = true;
  });
  return dup;
})()"""


def search_for(page, query):
    """Types query into the search box; returns the shown results as [{href, kind, marks}]."""
    page.evaluate(f"(function () {{ var i = {INPUT_JS}; i.focus(); i.value = {json.dumps(query)};"
                  " i.dispatchEvent(new Event('input', {bubbles: true})); })()")
    page.wait_for(f"document.getElementById('search-results').getAttribute('data-query') === {json.dumps(query)}"
                  " && document.querySelectorAll('#search-results li').length > 0", timeout=5.0)
    return page.evaluate("Array.prototype.map.call(document.querySelectorAll('#search-results li'),"
                         " function (li) { var a = li.querySelector('a'), k = li.querySelector('.kind');"
                         " return {href: a ? a.href : '', kind: k ? k.textContent : '',"
                         " marks: Array.prototype.map.call(li.querySelectorAll('mark'),"
                         " function (m) { return m.textContent; })}; })")


def test_full_text_search(browser, site):
    try:
        entries = search_entries(site)
    except (OSError, ValueError) as e:
        check(False, f"search-index.js: {e}")
        return
    size = os.path.getsize(os.path.join(site, "search-index.js"))
    print(f"search index: {len(entries)} entries, {size} bytes")
    # A command of a runbook's body, a person and an incident id, all taken from the index.
    word = rb = None
    for w in ("argocd", "kubectl"):
        rb = next((e for e in entries if e["kind"] == "runbook" and w in e["text"].lower()
                   and w not in (e["title"] + e["summary"]).lower()), None)
        if rb:
            word = w
            break
    person = next((e for e in entries if e["kind"] == "person"), None)
    incident = None
    for e in entries:
        m = re.search(r"\bINC-[0-9]+-[0-9]+\b", e["text"] + " " + e["summary"])
        if e["kind"] == "postmortem" and m:
            incident = (m.group(0), e)
            break
    if not check(rb and person and incident,
                 f"search index has a runbook body with a command ({word}), a person and an incident id"):
        return
    # A person's result leads to their team on the teams page, where their memberships are.
    check(all(e["href"].startswith(("teams/index.html#team-", "oncall/index.html#rotation-",
                                    "services/")) for e in entries if e["kind"] == "person"
              and ("team " in e["summary"] or "on-call " in e["summary"])),
          "a person in a team or rotation leads elsewhere: "
          f"{[(e['title'], e['href']) for e in entries if e['kind'] == 'person'][:5]}")
    kinds_shown = ("(function () { var k = document.getElementById('search-kinds');"
                   " return !!k && getComputedStyle(k).display !== 'none'; })()")
    # The kind filter shows only when there are results to filter, and never without scripts.
    page = browser.new_page()
    try:
        page.send("Emulation.setScriptExecutionDisabled", {"value": True})
        page.navigate(file_url(site, "search.html"))
        check(not page.evaluate(kinds_shown), "search without scripts: the kind filter shows")
    finally:
        page.close()
    page = browser.new_page()
    try:
        page.navigate(file_url(site, "search.html"))
        check(not page.evaluate(kinds_shown), "search with no query: the kind filter shows")
        page.evaluate(f"(function () {{ var i = {INPUT_JS}; i.value = 'zzznotfound';"
                      " i.dispatchEvent(new Event('input', {bubbles: true})); })()")
        page.wait_for("document.getElementById('search-results').getAttribute('data-query') === 'zzznotfound'",
                      timeout=5.0)
        check(not page.evaluate(kinds_shown), "search with no results: the kind filter shows")
        for query, target in ((word, rb), (person["title"], person), (incident[0], incident[1])):
            shown = search_for(page, query)
            hit = [r for r in shown if r["href"].endswith("/" + target["href"])]
            check(hit, f"search from file:// for {query!r} shows {target['href']} (shown: "
                       f"{[r['href'][-50:] for r in shown[:5]]})")
            check(hit and any(query.lower() in m.lower() or m.lower() in query.lower()
                              for m in hit[0]["marks"]),
                  f"search for {query!r}: the match is marked ({hit[0]['marks'] if hit else None})")
        # The kind filter: only runbooks are left.
        search_for(page, word)
        page.evaluate("document.querySelector('#search-kinds input[value=runbook]').click()")
        kinds = page.evaluate("Array.prototype.map.call(document.querySelectorAll('#search-results .kind'),"
                              " function (k) { return k.textContent; })")
        check(kinds and set(kinds) == {"runbook"}, f"kind filter runbook shows only runbooks: {kinds}")
        check(not page.problems, "search from file://: " + "; ".join(page.problems))
    except cdp.CDPError as e:
        check(False, f"full-text search: {e}")
    finally:
        page.close()


# The smallest chart text in CSS px (font size times the chart's scale) and the sizes of the
# labels (every text but the gauge's big figure), rounded to 0.5 px.
CHART_TEXT_JS = """(function () {
  var min = null, sizes = {};
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var vb = svg.viewBox && svg.viewBox.baseVal, r = svg.getBoundingClientRect();
    if (!vb || !vb.width || !r.width) return;
    var scale = r.width / vb.width;
    svg.querySelectorAll('text').forEach(function (t) {
      var px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (min === null || px < min) min = px;
      if (!t.classList.contains('gauge-value')) sizes[Math.round(px * 2) / 2] = true;
    });
  });
  return {min: min, sizes: Object.keys(sizes).map(Number).sort()};
})()"""
OVERFLOW_JS = "[document.scrollingElement.scrollWidth, window.innerWidth]"
MENU_OPEN_JS = ("(function () { var u = document.getElementById('site-nav-list');"
                " return !!u && getComputedStyle(u).display !== 'none' && u.getBoundingClientRect().height > 0; })()")


def test_widths(browser, site):
    slo = first_slo(site)
    reports = sorted(n for n in os.listdir(os.path.join(site, "reports"))
                     if os.path.isdir(os.path.join(site, "reports", n))) if os.path.isdir(os.path.join(site, "reports")) else []
    rels = ["index.html", f"slos/{slo}/index.html" if slo else None,
            f"reports/{reports[-1]}/index.html" if reports else None]
    if not check(all(rels), f"a dashboard, an SLO page and a report page: {rels}"):
        return
    for width in (390, 1400):
        page = browser.new_page(width, 900)
        try:
            label_sizes = set()
            for rel in rels:
                page.navigate(file_url(site, rel), settle=0.2)
                scroll, inner = page.evaluate(OVERFLOW_JS)
                check(scroll <= inner, f"{width}px {rel}: the body scrolls sideways ({scroll} > {inner})")
                text = page.evaluate(CHART_TEXT_JS)
                if text["min"] is not None:
                    check(text["min"] >= 9.95, f"{width}px {rel}: chart text {text['min']:.1f} CSS px, under 10")
                label_sizes.update(text["sizes"])
                check(not page.problems, f"{width}px {rel}: " + "; ".join(page.problems))
            if width == 1400:
                check(len(label_sizes) == 1, f"1400px: chart labels in one size, got {sorted(label_sizes)}")
                check(page.evaluate(MENU_OPEN_JS), "1400px: the navigation is shown without a menu button")
            else:
                check(not page.evaluate(MENU_OPEN_JS), "390px: the navigation starts collapsed")
                page.evaluate("document.getElementById('menu-button').focus()")
                page.press("Enter")
                check(page.wait_for(MENU_OPEN_JS, timeout=2.0), "390px: Enter on the menu button opens the menu")
                check(page.evaluate("document.getElementById('menu-button').getAttribute('aria-expanded')") == "true",
                      "390px: the open menu's button says aria-expanded=true")
                page.press("Escape")
                check(not page.evaluate(MENU_OPEN_JS), "390px: Escape closes the menu")
            os.makedirs(ARTIFACTS, exist_ok=True)
            page.navigate(file_url(site, "index.html"), settle=0.2)
            with open(os.path.join(ARTIFACTS, f"dashboard-{width}.png"), "wb") as f:
                f.write(page.screenshot())
        except cdp.CDPError as e:
            check(False, f"{width}px: {e}")
        finally:
            page.close()


def test_theme_toggle(browser, site):
    page = browser.new_page(1280, 900)
    try:
        page.set_color_scheme("light")
        url = file_url(site, "index.html")
        page.navigate(url)
        page.evaluate("localStorage.removeItem('nines-theme')")
        page.navigate(url)
        before = page.evaluate(BG_JS)["effective"]
        # WCAG 2.5.3 (label in name): the accessible name starts with the visible text.
        name, text = page.evaluate("(function (b) { return [b.getAttribute('aria-label') || b.textContent,"
                                   " b.textContent.trim()]; })(document.getElementById('theme-toggle'))")
        check(text and name.startswith(text),
              f"theme toggle: accessible name {name!r} starts with its text {text!r}")
        # auto -> light -> dark
        page.evaluate("document.getElementById('theme-toggle').click();"
                      " document.getElementById('theme-toggle').click()")
        check(page.evaluate("document.documentElement.getAttribute('data-theme')") == "dark",
              "theme toggle: two clicks from auto choose dark")
        page.navigate(url)
        after = page.evaluate(BG_JS)["effective"]
        check(page.evaluate("document.documentElement.getAttribute('data-theme')") == "dark",
              "theme toggle: the choice survives a reload from file://")
        check(after != before, f"theme toggle: dark paints another background ({after} vs {before})")
        page.evaluate("localStorage.removeItem('nines-theme')")
        check(not page.problems, "theme toggle: " + "; ".join(page.problems))
    except cdp.CDPError as e:
        check(False, f"theme toggle: {e}")
    finally:
        page.close()


# Clicks the header named `name` of the page's first sortable table `clicks` times; returns the
# header's aria-sort and the column's cell texts in the order shown.
SORT_JS = """(function (name, clicks) {
  var t = document.querySelector('table.sortable'), cells = Array.prototype.slice.call(t.tHead.rows[0].cells);
  var i = cells.findIndex(function (c) { return c.textContent.trim() === name; });
  if (i < 0) return null;
  for (var k = 0; k < clicks; k++) cells[i].querySelector('button').click();
  return [cells[i].getAttribute('aria-sort'), Array.prototype.map.call(t.tBodies[0].rows,
    function (r) { return r.cells[i].textContent.trim(); })];
})(%s, %d)"""
STATE_ORDER = ["No data", "Healthy", "Warning", "Critical", "Exhausted"]


def date_key(text):
    m = re.match(r"(\d{4}-\d\d-\d\d)", text)
    return m.group(1) if m else None


def minutes_key(text):
    m = re.fullmatch(r"([\d.]+) (min|h|days)", text)
    return float(m.group(1)) * {"min": 1, "h": 60, "days": 1440}[m.group(2)] if m else None


def state_key(text):
    return STATE_ORDER.index(text) if text in STATE_ORDER else None


TIER_ORDER = ["critical", "important", "standard", "experimental"]


def tier_key(text):
    return TIER_ORDER.index(text) if text in TIER_ORDER else None


FILTER_OPTIONS_JS = """(function (name) {
  var s = document.querySelector('select[data-filter=' + name + ']');
  return s ? Array.prototype.map.call(s.options, function (o) { return o.textContent; }) : null;
})(%s)"""


def test_sorting(browser, site):
    """8. The lists sort dates and durations by time and budget states by severity, both ways;
    a missing value ("—") sorts last either way."""
    columns = [("postmortems/index.html", "Date", date_key),
               ("postmortems/index.html", "Resolved in", minutes_key),
               ("runbooks/index.html", "Last updated", date_key),
               ("slos/index.html", "Runs out", date_key),
               ("slos/index.html", "State", state_key),
               ("catalog/index.html", "Error budget", state_key),
               ("catalog/index.html", "Tier", tier_key)]
    page = browser.new_page(1280, 900)
    try:
        for rel, name, key in columns:
            for clicks, direction in ((1, "ascending"), (2, "descending")):
                page.navigate(file_url(site, rel))
                got = page.evaluate(SORT_JS % (json.dumps(name), clicks))
                if not check(got, f"{rel}: no sortable column {name!r}"):
                    break
                aria, texts = got
                keys = [key(t) for t in texts]
                known = [k for k in keys if k is not None]
                label = f"{rel} {name!r} {direction}"
                check(aria == direction, f"{label}: aria-sort is {aria}")
                check(len(set(known)) > 1, f"{label}: fewer than two distinct values to sort: {texts}")
                check(all(t == "\u2014" for t in texts if key(t) is None),
                      f"{label}: a cell neither a value nor missing: {texts}")
                check(None not in keys[:len(known)], f"{label}: a missing value before a value: {texts}")
                want = sorted(known, reverse=direction == "descending")
                check(known == want, f"{label}: out of order: {texts}")
        # A filter names a state as its column does, in the column's order; tiers by importance.
        page.navigate(file_url(site, "catalog/index.html"))
        states = page.evaluate(FILTER_OPTIONS_JS % json.dumps("state"))
        tiers = page.evaluate(FILTER_OPTIONS_JS % json.dumps("tier"))
        check(states and states[0] == "All" and all(t in STATE_ORDER for t in states[1:])
              and [state_key(t) for t in states[1:]] == sorted(state_key(t) for t in states[1:]),
              f"catalog: the state filter reads as the column, by severity: {states}")
        check(tiers and [tier_key(t) for t in tiers[1:]] == sorted(tier_key(t) for t in tiers[1:]),
              f"catalog: the tier filter lists tiers by importance: {tiers}")
        check(not page.problems, "sorting: " + "; ".join(page.problems))
    except cdp.CDPError as e:
        check(False, f"sorting: {e}")
    finally:
        page.close()


def test_phone_budget_week(browser, site):
    """6. At 375 px no SLO page or weekly review scrolls sideways: the error budget week's table,
    whose spanning cells keep it from stacking, scrolls inside its region."""
    rels = sorted(f"slos/{n}/index.html" for n in os.listdir(os.path.join(site, "slos"))
                  if os.path.isfile(os.path.join(site, "slos", n, "index.html")))
    rels += sorted(f"reviews/{n}" for n in os.listdir(os.path.join(site, "reviews"))
                   if re.fullmatch(r"\d{4}-W\d\d\.html", n))
    if not check(any(r.startswith("reviews/") for r in rels) and any(r.startswith("slos/") for r in rels),
                 f"SLO pages and weekly reviews to check at 375 px: {rels}"):
        return
    page = browser.new_page(375, 812)
    try:
        for rel in rels:
            page.navigate(file_url(site, rel), settle=0.05)
            scroll, client, inner, wrapped = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth, innerWidth,"
                " Array.prototype.every.call(document.querySelectorAll('table.budget-week'),"
                " function (t) { return !!t.closest('.table-wrap'); })]")
            check(scroll <= client and scroll <= inner,
                  f"375px {rel}: the page scrolls sideways ({scroll} > {min(client, inner)})")
            check(wrapped, f"375px {rel}: an error budget week table is outside a .table-wrap")
        check(not page.problems, "375px: " + "; ".join(page.problems))
    except cdp.CDPError as e:
        check(False, f"375px: {e}")
    finally:
        page.close()


# The elements of a page that scroll sideways but are not a region a keyboard can reach and a
# screen reader can name (axe's scrollable-region-focusable): tables' frames and charts' figures
# must all be.
UNREACHABLE_SCROLLERS_JS = """Array.prototype.filter.call(document.querySelectorAll('main *'), function (e) {
  var s = getComputedStyle(e);
  if (!/auto|scroll/.test(s.overflowX) || e.scrollWidth <= e.clientWidth) return false;
  if (e.tagName === 'PRE') return false;
  var name = e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || '';
  return !(e.getAttribute('tabindex') === '0' && e.getAttribute('role') === 'region' && name.trim());
}).map(function (e) { return e.tagName + '.' + e.className; })"""


def test_reflow(browser, site):
    """WCAG 1.4.10: at 320 CSS px, with scripts on and off, no page scrolls sideways (tables and
    code scroll inside their own frames), on a site with a 48-character team name and a runbook
    title holding a 300-character word; and whatever scrolls inside a page is a named region a
    keyboard can reach."""
    rels = html_pages(site)
    for scripts in (True, False):
        page = browser.new_page(320, 800)
        try:
            if not scripts:
                page.send("Emulation.setScriptExecutionDisabled", {"value": True})
            wide, unreachable = [], []
            for rel in rels:
                page.navigate(file_url(site, rel), settle=0.02)
                scroll, client = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                if scroll > client:
                    wide.append(f"{rel} ({scroll} > {client})")
                if scripts:
                    bad = page.evaluate(UNREACHABLE_SCROLLERS_JS)
                    if bad:
                        unreachable.append(f"{rel}: {sorted(set(bad))}")
            check(not wide, f"320px, scripts {'on' if scripts else 'off'}: pages scroll sideways: {wide}")
            if scripts:
                check(not unreachable, f"320px: scrolling frames that are no named, focusable region: "
                                       f"{unreachable}")
                page.navigate(file_url(site, "runbooks/checkout-api-medium-burn/index.html"))
                check(LONG_WORD in page.evaluate("document.querySelector('.breadcrumbs').textContent"),
                      "the long runbook title is not in its page's breadcrumbs")
                page.navigate(file_url(site, "catalog/index.html"))
                check(page.evaluate("Array.prototype.some.call(document.querySelectorAll('.filters option'),"
                                    f" function (o) {{ return o.textContent === {json.dumps(LONG_TEAM)}; }})"),
                      "the catalog's team filter does not offer the long team name")
        except cdp.CDPError as e:
            check(False, f"320px: {e}")
        finally:
            page.close()


PRINT_JS = """(function () {
  var shown = function (sel) { return Array.prototype.filter.call(document.querySelectorAll(sel),
    function (e) { return getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0; }).length; };
  var arrows = Array.prototype.filter.call(document.querySelectorAll('.sort-button'),
    function (b) { var c = getComputedStyle(b, '::after').content; return c && c !== 'none' && c !== 'normal'; }).length;
  return {filters: document.querySelectorAll('.filters').length, shownFilters: shown('.filters'),
          sortButtons: document.querySelectorAll('.sort-button').length, arrows: arrows,
          shownControls: shown('.theme-toggle, .menu-button, .site-search')};
})()"""


def test_print(browser, site):
    """9. On paper a list keeps its table but not its controls: no filter bar, no sort arrows."""
    page = browser.new_page(1280, 900)
    try:
        page.navigate(file_url(site, "slos/index.html"))
        screen = page.evaluate(PRINT_JS)
        check(screen["shownFilters"] > 0 and screen["arrows"] > 0,
              f"slos/index.html on screen shows its filters and sort arrows: {screen}")
        page.send("Emulation.setEmulatedMedia", {"media": "print"})
        paper = page.evaluate(PRINT_JS)
        page.send("Emulation.setEmulatedMedia", {"media": ""})
        check(paper["filters"] > 0 and paper["shownFilters"] == 0,
              f"slos/index.html printed: the filter bar is hidden: {paper}")
        check(paper["sortButtons"] > 0 and paper["arrows"] == 0,
              f"slos/index.html printed: no sort arrows: {paper}")
        check(paper["shownControls"] == 0, f"slos/index.html printed: header controls hidden: {paper}")
        # The header's toggle set to dark does not reach paper: the text prints dark on white.
        page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
        page.send("Emulation.setEmulatedMedia", {"media": "print"})
        ink = page.evaluate("[getComputedStyle(document.querySelector('main')).color,"
                            " getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()]")
        page.send("Emulation.setEmulatedMedia", {"media": ""})
        page.evaluate("document.documentElement.removeAttribute('data-theme')")
        check(ink[0] == "rgb(0, 0, 0)" and ink[1] == "#ffffff",
              f"printed with the dark theme chosen: black text on a white page, got {ink}")
        # The sort arrows are decoration: their alternative text is empty.
        alt = page.evaluate("getComputedStyle(document.querySelector('.sort-button'), '::after').content")
        check(alt.rstrip().endswith('/ ""'), f"a sort arrow has empty alternative text: {alt!r}")
        # Folded checklists open for printing and fold again after.
        page.navigate(file_url(site, "readiness/index.html"))
        folded = page.evaluate("document.querySelectorAll('details:not([open])').length")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        while_printing = page.evaluate("document.querySelectorAll('details:not([open])').length")
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        after = page.evaluate("document.querySelectorAll('details:not([open])').length")
        check(folded > 0 and while_printing == 0 and after == folded,
              f"readiness: {folded} folded sections open for printing ({while_printing} left) and fold"
              f" again ({after})")
        # The page names its own icon, so the browser never asks the host's root for one.
        icon = page.evaluate("(document.querySelector('link[rel=icon]') || {}).href || ''")
        check(icon.startswith(file_url(site, "")) and icon.endswith("static/favicon.svg"),
              f"the page's icon is the site's own: {icon!r}")
    except cdp.CDPError as e:
        check(False, f"print: {e}")
    finally:
        page.close()


AXE_RUN_JS = """axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
  'wcag21aa', 'wcag22aa']}, resultTypes: ['violations']}).then(function (r) {
  return r.violations.map(function (v) { return v.id + ' (' + v.impact + '): ' +
    v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(' | '); }); })"""

# At a phone's width, the sort buttons of a table shown as cards sit in a header row hidden off
# screen: one that has the focus must be where the eye can see it (WCAG 2.4.7).
FOCUSED_SORT_BUTTON_JS = """(function () {
  var b = document.querySelector('table.data.stackable thead button');
  if (!b) return null;
  b.focus();
  var r = b.getBoundingClientRect();
  // Clipped away, it keeps its box but is no longer what is found at its own centre.
  var e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return document.activeElement === b && r.width >= 10 && r.height >= 10 &&
    (e === b || b.contains(e));
})()"""


def axe_layout_sample(pages):
    """One page of each layout: the first of each folder pattern (slos/X/index.html, reviews/X.html)."""
    seen, sample = set(), []
    for rel in pages:
        parts = rel.split("/")
        if len(parts) > 2:  # slos/X/index.html, reports/X/index.html
            parts[-2] = "*"
        elif len(parts) == 2 and parts[1] != "index.html":  # reviews/X.html, handoffs/X.html
            parts[1] = "*.html"
        key = "/".join(parts)
        if key not in seen:
            seen.add(key)
            sample.append(rel)
    return sample


def test_axe(browser, site, server):
    """axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) finds no violation on any page at a desktop's
    width, nor on one page of each layout at a phone's, in the light and the dark scheme; and a
    focused sort button of a table shown as cards is on screen."""
    axe = npm_global_file("axe-core/axe.min.js")
    if not check(axe is not None, "axe-core is installed (scripts/setup-deps.sh --with-tests)"):
        return
    with open(axe, encoding="utf-8") as f:
        axe_js = f.read()
    pages = [p for p in html_pages(site) if p != "404.html"]  # 404 inlines all; checked below too
    runs = [(1280, "light", pages + ["404.html"])]
    sample = axe_layout_sample(pages)
    runs += [(320, "light", sample), (320, "dark", sample), (1280, "dark", sample)]
    for width, scheme, rels in runs:
        page = browser.new_page(width, 900)
        try:
            page.send("Emulation.setEmulatedMedia",
                      {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            found = []
            for rel in rels:
                page.navigate(server.url(rel), settle=0.05)
                page.evaluate(axe_js + "; true")
                violations = page.evaluate(AXE_RUN_JS, timeout=60)
                if violations:
                    found.append(f"{rel}: {violations}")
            check(not found, f"axe, {width}px {scheme}: {len(found)} pages with violations: "
                             + "; ".join(found[:10]))
            print(f"axe, {width}px {scheme}: {len(rels)} pages")
            if width == 320 and scheme == "light":
                page.navigate(server.url("slos/index.html"), settle=0.05)
                check(page.evaluate(FOCUSED_SORT_BUTTON_JS) is True,
                      "320px slos/index.html: a focused sort button is not on screen")
        except cdp.CDPError as e:
            check(False, f"axe, {width}px {scheme}: {e}")
        finally:
            page.close()


def test_site(browser, site, server):
    pages = html_pages(site)
    if not check(pages, "nines build wrote no HTML pages (only: "
                 + ", ".join(sorted(os.listdir(site))) + ")"):
        return
    print(f"{len(pages)} HTML pages")

    # 1. every page, over HTTP and from file://; 7. unique landmarks
    check("404.html" in pages, "404.html is among the pages loaded")
    page = browser.new_page()
    try:
        for rel in pages:
            if load_clean(page, server.url(rel), f"http {rel}"):
                dup = page.evaluate(LANDMARKS_JS)
                check(not dup, f"http {rel}: landmarks share a role and name: {dup}")
        for rel in pages:
            load_clean(page, file_url(site, rel), f"file {rel}")
    finally:
        page.close()

    # 5. full-text search, 6. phones and desktops, 7. the theme toggle
    test_full_text_search(browser, site)
    test_widths(browser, site)
    test_phone_budget_week(browser, site)
    test_theme_toggle(browser, site)
    # 8. sorting, 9. print
    test_sorting(browser, site)
    test_print(browser, site)
    # 10. accessibility, by axe-core
    test_axe(browser, site, server)
    long_site = build_site(os.path.dirname(site), "site-long", lengthen)
    if long_site:
        test_reflow(browser, long_site)

    # 2. search
    page = browser.new_page()
    try:
        if check(os.path.exists(os.path.join(site, "search.html")), "no search.html"):
            try:
                rb, word = pick_runbook(search_entries(site))
            except (OSError, ValueError) as e:
                rb, word = None, None
                check(False, f"search-index.js: {e}")
            if check(rb is not None and word is not None,
                     "no runbook entry with a title word over 4 letters in search-index.js"):
                print(f"search: {word!r} for {rb['href']}")
                test_search(page, server.url("search.html"), "search over http", rb, word)
                test_search(page, file_url(site, "search.html"), "search from file://", rb, word)
    finally:
        page.close()

    # 3. screenshots at 1280x900, and 4. the dark scheme
    os.makedirs(ARTIFACTS, exist_ok=True)
    page = browser.new_page(1280, 900)
    try:
        page.set_color_scheme("light")
        screenshot(page, server.url("index.html"), "dashboard.png")
        slo = first_slo(site)
        rel = f"slos/{slo}/index.html" if slo else None
        if check(rel and os.path.exists(os.path.join(site, rel)), f"no SLO page ({rel})"):
            screenshot(page, server.url(rel), "slo.png")

        page.navigate(server.url("index.html"))
        light = page.evaluate(BG_JS)
        page.set_color_scheme("dark")
        dark = page.wait_for(BG_JS + ".dark && " + BG_JS, timeout=2.0) or page.evaluate(BG_JS)
        check(dark["dark"], "prefers-color-scheme: dark emulation did not take")
        check(dark["effective"] != light["effective"],
              f"dark scheme: background {dark} is the same as the light one {light}")
        print(f"background: light {light['effective']}, dark {dark['effective']}")
        png = page.screenshot()
        with open(os.path.join(ARTIFACTS, "dashboard-dark.png"), "wb") as f:
            f.write(png)
        check(not page.problems, "dark dashboard: " + "; ".join(page.problems))
    except cdp.CDPError as e:
        check(False, f"screenshots / dark scheme: {e}")
    finally:
        page.close()


def main():
    if not os.path.exists(cdp.CHROMIUM):
        check(False, f"{cdp.CHROMIUM} is missing: install Debian's chromium "
                     "(scripts/test.sh does) to run the browser tests")
        return
    tmp = tempfile.mkdtemp(prefix="nines-browser-")
    browser = server = None
    try:
        browser = cdp.Browser()
        test_self_check(browser, tmp)
        site = build_site(tmp)
        if site:
            server = Server(site, os.path.join(tmp, "site-server.log"))
            test_site(browser, site, server)
    except (cdp.CDPError, RuntimeError, OSError, subprocess.SubprocessError) as e:
        check(False, f"{type(e).__name__}: {e}")
        if browser:
            print(browser.log_tail())
    finally:
        if server:
            server.stop()
        if browser:
            browser.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
