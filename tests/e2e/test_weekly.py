#!/usr/bin/env python3
"""End-to-end tests of the weekly rhythm (docs/weekly.md): `nines review`, `nines handoff`, their
pages and API files, on a small repository whose week figures are worked out by hand below, kept
in a real git repository with dated commits.

The repository's timezone is Asia/Tokyo: days, weeks and "now" are Tokyo's.

Usage: test_weekly.py NINES SOURCE_DIR
"""
import html.parser
import json
import math
import os
import re
import shutil
import sys
import tempfile

from support import Checks, git, run, write

check = Checks()

# Monday 2026-11-30 05:00 in Tokyo, still Sunday 20:00 in UTC: Tokyo's last complete week is
# 2026-W48 (11-23 … 11-29), UTC's 2026-W47.
NOW = "2026-11-29T20:00:00Z"


def make_repo(root):
    write(os.path.join(root, "nines.yaml"),
          "title: Weekly test\ntimezone: Asia/Tokyo\n"
          "teams:\n  web:\n    name: Web\n    members: [a, b, c, d, e]\n")
    write(os.path.join(root, "slis", "success.yaml"), "sli:\n  name: success\n")
    for svc, rotation in (("alpha", "web-oncall"), ("beta", "ops-oncall")):
        write(os.path.join(root, "services", svc + ".yaml"),
              f"service:\n  name: {svc}\n  tier: important\n  type: api\n  owner_team: web\n"
              f"  oncall_rotation: {rotation}\n")
    # 99% (b = 0.01) over 28 days; one alert judged from daily data, one that needs a live source.
    write(os.path.join(root, "slos", "alpha.yaml"),
          "slo:\n  id: alpha-availability\n  service: alpha\n  sli: success\n  target: 99\n"
          "  window: 28d\n  burn_rate_alerts:\n"
          "    - name: daily_burn\n      burn_rate: 2\n      short_window: 1h\n"
          "      long_window: 1d\n      severity: ticket\n"
          "    - name: fast_burn\n      burn_rate: 14.4\n      short_window: 5m\n"
          "      long_window: 1h\n      severity: page\n")
    for alert in ("daily_burn", "fast_burn"):
        write(os.path.join(root, "runbooks", alert + ".yaml"),
              f"runbook:\n  title: Alpha {alert}\n  alert_name: {alert}\n  service: alpha\n"
              f"  overview: Look at the logs.\n")
    for rot in ("web-oncall", "ops-oncall"):
        write(os.path.join(root, "oncall", rot + ".yaml"),
              f"oncall_rotation:\n  name: {rot}\n  team: web\n  members: [a, b, c, d, e]\n"
              "  health:\n    - period: \"2026-11\"\n      pages: 12\n      shifts: 30\n"
              "      off_hours_pages: 3\n      false_positive_pct: 10\n"
              "    - period: \"2026-10\"\n      pages: 40\n      shifts: 31\n")
    # 1000 requests a day; in W48, 50 fail on 11-24, 30 on 11-26, 10 on 11-29.
    bad = {"2026-11-24": 50, "2026-11-26": 30, "2026-11-29": 10}
    rows = ["slo,date,good,total"]
    for month, first, last in (("10", 26, 31), ("11", 1, 29)):
        for day in range(first, last + 1):
            date = f"2026-{month}-{day:02d}"
            rows.append(f"alpha-availability,{date},{1000 - bad.get(date, 0)},1000")
    write(os.path.join(root, "metrics", "sli.csv"), "\n".join(rows) + "\n")
    write(os.path.join(root, "postmortems", "2026-11-24-alpha.yaml"),
          "postmortem:\n  title: Alpha errors\n  date: 2026-11-24\n  severity: SEV2\n"
          "  status: final\n  services: [alpha]\n  impact:\n    slo_budget_consumed_pct: 20\n"
          "  resolution:\n    time_to_resolve_minutes: 45\n")
    write(os.path.join(root, "postmortems", "2026-11-10-alpha.yaml"),
          "postmortem:\n  title: Alpha slow\n  date: 2026-11-10\n  severity: SEV3\n"
          "  status: in-review\n  services: [alpha]\n  action_items:\n"
          "    - id: AI-1\n      description: Add a retry budget\n      owner: a\n"
          "      priority: P1\n      deadline: 2026-11-25\n      status: open\n")
    write(os.path.join(root, "maintenance", "alpha-db.yaml"),
          "maintenance:\n  service: alpha\n  start: 2026-12-05T02:00:00Z\n"
          "  end: 2026-12-05T03:00:00Z\n  description: Database minor upgrade\n"
          "  rollback_plan: Switch back to the old primary\n")


def nines(*args, cwd):
    return run(NINES, *args, "--now", NOW, cwd=cwd)


class Figures(html.parser.HTMLParser):
    """Collects the text of every element with a data-key attribute."""

    def __init__(self):
        super().__init__()
        self.found = []  # (key, text)
        self.stack = []

    def handle_starttag(self, tag, attrs):
        key = dict(attrs).get("data-key")
        self.stack.append([tag, key, ""])

    def handle_endtag(self, tag):
        while self.stack:
            t, key, text = self.stack.pop()
            if key is not None:
                self.found.append((key, text.strip()))
            if self.stack:
                self.stack[-1][2] += text
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2] += data


def lookup(doc, key):
    for part in key.split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def shown_equals(text, value):
    """A page's text for an API value: "no data" for null, else the number to its decimals."""
    if value is None:
        return text == "no data"
    m = re.search(r"-?[\d,]+(\.\d+)?", text.replace("−", "-"))
    if not m:
        return False
    shown = float(m.group(0).replace(",", ""))
    decimals = len(m.group(1)) - 1 if m.group(1) else 0
    rounded = abs(shown - float(value)) <= 0.5 * 10 ** -decimals + 1e-9
    # A runway is truncated, never rounded up (2.45 months shows as 2.4).
    truncated = abs(math.floor(float(value) * 10 ** decimals) / 10 ** decimals - shown) < 1e-9
    return rounded or truncated


def near(a, b):
    return a is not None and abs(a - b) < 1e-6


def test_review(root):
    code, out, err = nines("review", ".", "--format", "json", cwd=root)
    check(code == 0, f"review json: {code} {err}")
    r = json.loads(out)["weekly_review"]
    # Tokyo's Monday 2026-11-30 has begun: the last complete week is W48.
    check(r["week"] == "2026-W48" and r["first_day"] == "2026-11-23", f"default week: {r['week']}")
    s = r["slo_status"]["slos"][0]
    # Window 11-02 … 11-29: 28 000 requests, 90 bad, b = 0.01: C = 90/280, R = 190/280.
    check(near(s["budget_remaining_pct"], 100 * 190 / 280), f"remaining: {s}")
    check(near(s["budget_remaining_7d_before_pct"], 100.0), "remaining 7 days earlier: 100%")
    check(s["trend"] == "down", "trend down")
    check(near(s["budget_consumed_pct"], 100 * 90 / 280), "consumed this week 32.14%")
    check(near(s["burn_rates"]["24h"], 1.0) and s["burn_rates"]["1h"] is None
          and s["burn_rates"]["6h"] is None, f"burn rates: {s['burn_rates']}")
    # 11-30 + R·W/B24h = 190/280·28/1 = 19 days.
    check(s["projected_exhaustion"] == "2026-12-19", f"exhaustion: {s['projected_exhaustion']}")
    top = s["top_error_contributor"]
    check(top["day"] == "2026-11-24" and top["bad_events"] == 50
          and near(top["share_pct"], 100 * 50 / 90), f"top contributor: {top}")
    inc = s["incidents"]
    # 50 bad over 0.01 · 28 000 (the window ending 11-24) = 17.857%.
    check(len(inc) == 1 and inc[0]["claimed_budget_pct"] == 20
          and near(inc[0]["computed_budget_pct"], 100 * 50 / 280), f"incidents: {inc}")
    alerts = {a["name"]: a for a in s["alerts"]}
    check(alerts["daily_burn"]["judged"]
          and alerts["daily_burn"]["fired"] == ["2026-11-24", "2026-11-26"],
          f"daily_burn fired on the 5× and 3× days: {alerts['daily_burn']}")
    check(not alerts["fast_burn"]["judged"] and alerts["fast_burn"]["fired"] == [],
          "fast_burn needs a live source")
    check(r["slo_status"]["alerts_fired"] == 2, "2 alert-days")
    i = r["incidents"]
    check(i["total"] == 1 and i["by_severity"]["SEV2"] == 1 and i["total_duration_minutes"] == 45,
          f"incidents: {i}")
    check(i["action_items"]["open"] == 1 and i["action_items"]["overdue"] == 1,
          "AI-1 open and overdue at the week's end")
    oc = r["on_call"]
    check(oc["periods"] == ["2026-11"] and oc["total_pages"] == 24 and oc["off_hours_pages"] == 6,
          f"on-call from November's entries: {oc}")

    # Markdown, in the seed's order.
    code, md, _ = nines("review", ".", cwd=root)
    order = [md.find(h) for h in ("## 1. SLO status", "## 2. Incidents", "## 3. On-call health",
                                  "## 4. Reliability work")]
    check(code == 0 and -1 not in order and order == sorted(order), f"markdown sections:\n{md}")
    check("↓ down" in md and "fired on 2026-11-24, 2026-11-26" in md, "markdown trend and alerts")
    # As the SLO page and the site's review write them: windows long / short, the burn rate with
    # two decimals at most.
    check("— daily_burn (2× over 1d / 1h, ticket): fired on 2026-11-24, 2026-11-26" in md,
          f"markdown alert line:\n{md}")
    check("| 1× |" in md, "markdown burn 24h as on the page")
    # The top error day's share and the incident's two budget figures, with the page's decimal.
    check("2026-11-24 (55.6% of bad events)" in md, f"markdown top error day:\n{md}")
    check("2026-11-24-alpha (17.9% of the budget from the data, 20.0% claimed)" in md,
          f"markdown incident with its claim:\n{md}")

    # A week with no incidents.
    code, out, _ = nines("review", ".", "--week", "2026-W47", "--format", "json", cwd=root)
    w47 = json.loads(out)["weekly_review"]
    check(code == 0 and w47["incidents"]["total"] == 0
          and w47["incidents"]["total_duration_minutes"] is None
          and w47["slo_status"]["slos"][0]["incidents"] == [], "W47 has no incident")
    code, md, _ = nines("review", ".", "--week", "2026-W47", cwd=root)
    check("Incidents this week: 0" in md and "No alert would have fired." in md,
          f"W47 markdown:\n{md}")

    # Not a week / a week without data.
    code, _, err = nines("review", ".", "--week", "2026-48", cwd=root)
    check(code == 2 and "YYYY-Www" in err, f"malformed week: {code} {err}")
    code, _, err = nines("review", ".", "--week", "2025-W10", cwd=root)
    check(code == 1 and "no review for 2025-W10" in err, f"week without data: {code} {err}")

    # The same instant in UTC is still Sunday: W48 is not over, the default is W47.
    utc = os.path.join(os.path.dirname(root), "utc")
    shutil.copytree(root, utc, ignore=shutil.ignore_patterns(".nines", ".git"))
    cfg = os.path.join(utc, "nines.yaml")
    text = open(cfg).read()
    open(cfg, "w").write(text.replace("Asia/Tokyo", "UTC"))
    code, out, err = nines("review", ".", "--format", "json", cwd=utc)
    check(code == 0 and json.loads(out)["weekly_review"]["week"] == "2026-W47",
          f"UTC's last complete week: {err}")


def test_handoff(root):
    code, out, err = nines("handoff", "web-oncall", ".", "--format", "json", cwd=root)
    check(code == 0, f"handoff: {code} {err}")
    h = json.loads(out)["handoff"]
    check(h["services"] == ["alpha"], f"services: {h['services']}")
    check([p["id"] for p in h["open_issues"]["postmortems"]] == ["2026-11-10-alpha"],
          f"in-review postmortem open: {h['open_issues']}")
    check(h["open_issues"]["overdue_action_items"] == 1, "AI-1 overdue")
    changes = h["recent_changes"]["changes"]
    # Commits: everything on 11-01; the SLO on 11-20 (outside 7 days); the runbook on 11-27.
    check(h["recent_changes"]["history"]
          and [(c["file"], c["author"], c["date"]) for c in changes]
          == [("runbooks/daily_burn.yaml", "Ana", "2026-11-27")], f"recent changes: {changes}")
    check(all(len(c["commit"]) == 40 and c["short_commit"] == c["commit"][:7] for c in changes),
          "commit hashes")
    m = h["scheduled_maintenance"]
    check(len(m) == 1 and m[0]["id"] == "alpha-db" and not m[0]["under_way"],
          f"maintenance within 14 days: {m}")
    check([u["id"] for u in h["runbook_updates"]] == ["daily_burn"]
          and h["runbook_updates"][0]["author"] == "Ana", f"runbook updates: {h['runbook_updates']}")

    # --since earlier than the run's 7 days reads the history again: the 11-01 commit counts too,
    # but each runbook's latest change is shown.
    code, out, _ = nines("handoff", "web-oncall", ".", "--since", "2026-10-30", "--format", "json",
                         cwd=root)
    ups = {u["id"]: u for u in json.loads(out)["handoff"]["runbook_updates"]}
    check(code == 0 and set(ups) == {"daily_burn", "fast_burn"}
          and ups["daily_burn"]["date"] == "2026-11-27" and ups["fast_burn"]["date"] == "2026-11-01",
          f"--since 2026-10-30: {ups}")
    code, out, _ = nines("handoff", "web-oncall", ".", "--since", "2026-11-28", "--format", "json",
                         cwd=root)
    check(code == 0 and json.loads(out)["handoff"]["runbook_updates"] == [], "--since 2026-11-28")

    code, md, _ = nines("handoff", "web-oncall", ".", cwd=root)
    heads = ["### Open issues", "### Recent changes (last 7 days)", "### Known risks",
             "### Scheduled maintenance", "### Runbook updates (since 2026-11-23)"]
    pos = [md.find(x) for x in heads]
    check(code == 0 and -1 not in pos and pos == sorted(pos), f"handoff markdown:\n{md}")
    check("by Ana" in md, "markdown names the author")

    # The other rotation has nothing of alpha's.
    code, out, _ = nines("handoff", "ops-oncall", ".", "--format", "json", cwd=root)
    o = json.loads(out)["handoff"]
    check(code == 0 and o["recent_changes"]["changes"] == [] and o["scheduled_maintenance"] == [],
          "ops-oncall has no alpha changes")

    code, _, err = nines("handoff", "web-oncal", ".", cwd=root)
    check(code == 2 and "did you mean 'web-oncall'" in err, f"unknown rotation: {code} {err}")


def check_shown(found, api, where):
    """Each (key, text) figure of a page equals the value at `key` in the API object `api`."""
    for key, text in found:
        try:
            value = lookup(api, key)
        except (KeyError, IndexError, ValueError):
            check(False, f"{where}: {key} is not in the API file")
            continue
        check(shown_equals(text, value), f"{where}: {key} shows '{text}', the API has {value}")


def test_site(root):
    out_dir = os.path.join(os.path.dirname(root), "site")
    code, _, err = nines("build", ".", "-o", out_dir, cwd=root)
    check(code == 0, f"build: {code} {err}")
    for path in ("reviews/index.html", "reviews/2026-W48.html", "api/reviews/2026-W48.json",
                 "api/reviews/index.json", "handoffs/web-oncall.html",
                 "api/handoffs/web-oncall.json"):
        check(os.path.exists(os.path.join(out_dir, path)), f"{path} is built")
    weeks = json.load(open(os.path.join(out_dir, "api", "reviews", "index.json")))
    # Data starts Monday 2026-10-26 (W44); W49 is not over on 2026-11-30.
    check(weeks == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"],
          f"weeks with pages: {weeks}")
    # Every figure of the page equals the API's.
    for week in weeks:
        api = json.load(open(os.path.join(out_dir, "api", "reviews", week + ".json")))
        p = Figures()
        p.feed(open(os.path.join(out_dir, "reviews", week + ".html")).read())
        check(len(p.found) >= 10, f"{week}: figures found on the page ({len(p.found)})")
        check_shown(p.found, api, week)
    # The archives link both ways, the SLO page has its week, the on-call page its handoffs.
    reports = open(os.path.join(out_dir, "reports", "index.html")).read()
    reviews = open(os.path.join(out_dir, "reviews", "index.html")).read()
    check('href="../reviews/index.html"' in reports, "reports link to the weekly reviews")
    check('href="../reports/index.html"' in reviews, "reviews link to the monthly reports")
    w48 = open(os.path.join(out_dir, "reviews", "2026-W48.html")).read()
    check("<code>daily_burn</code> (2× over 1d / 1h, ticket): fired on 2026-11-24, 2026-11-26"
          in w48, "the review page's alert line reads as the Markdown's, severity included")
    slo = open(os.path.join(out_dir, "slos", "alpha-availability", "index.html")).read()
    check("Error budget this week" in slo and "Budget consumed this week" in slo,
          "the SLO page has the error budget week")
    # Its figures are api/slos.json's budget_week: the last 7 whole days (Tokyo's: now is
    # Monday 05:00 there), Monday to Sunday here by chance.
    api_slo = next(s for s in json.load(open(os.path.join(out_dir, "api", "slos.json")))
                   if s["id"] == "alpha-availability")
    check(api_slo["budget_week"]["first_day"] == "2026-11-23" and
          api_slo["budget_week"]["last_day"] == "2026-11-29",
          f"the SLO's week is the last 7 whole days: {api_slo['budget_week']['first_day']}")
    p = Figures()
    p.feed(slo)
    week_keys = [(k, t) for k, t in p.found if k.startswith("budget_week.")]
    check(len(week_keys) >= 3, f"the SLO page's week figures are keyed ({len(week_keys)})")
    check_shown(week_keys, api_slo, "SLO page")
    oncall = open(os.path.join(out_dir, "oncall", "index.html")).read()
    check('href="../handoffs/web-oncall.html"' in oncall, "the on-call page links the handoff")


def main():
    global NINES
    NINES = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="nines-weekly-")
    try:
        root = os.path.join(tmp, "repo")
        make_repo(root)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "first", date="2026-11-01T00:00:00Z")
        slo = os.path.join(root, "slos", "alpha.yaml")
        open(slo, "a").write("  owner: a\n")
        git(root, "commit", "-q", "-am", "owner", date="2026-11-20T00:00:00Z", name="Cy")
        rb = os.path.join(root, "runbooks", "daily_burn.yaml")
        open(rb, "a").write("  impact: Users see errors.\n")
        git(root, "commit", "-q", "-am", "impact", date="2026-11-27T00:00:00Z", name="Ana")
        code, out, err = nines("check", ".", cwd=root)
        check(code == 0, f"the fixture checks clean: {out} {err}")
        test_review(root)
        test_handoff(root)
        test_site(root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
