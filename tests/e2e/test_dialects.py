#!/usr/bin/env python3
"""End-to-end tests of the dialects (SPEC 1.1, 1.2; docs/dialects.md): the fixture repositories
under tests/fixtures/dialects/ are checked and built offline, and their figures compared with
values worked out by hand below.

Usage: test_dialects.py NINES
"""
import json
import os
import shutil
import sys
import tempfile

from support import SOURCE_DIR, Checks, run

NINES = os.path.abspath(sys.argv[1])
NOW = "2026-11-23T00:00:00Z"  # the 28 days before: 2026-10-26 .. 2026-11-22
FIXTURES = os.path.join(SOURCE_DIR, "tests", "fixtures", "dialects")
check = Checks()


def close(a, b, tol=1e-9):
    return a is not None and b is not None and abs(a - b) <= tol * max(1.0, abs(b))


def build(name, tmp):
    repo = os.path.join(tmp, name)
    shutil.copytree(os.path.join(FIXTURES, name), repo)
    out = os.path.join(tmp, name + "-site")
    code, stdout, stderr = run(NINES, "build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"{name}: build exits 0 ({code}): {stdout[-800:]}{stderr[-800:]}")
    return repo, out


def load(out, rel):
    with open(os.path.join(out, rel)) as f:
        return json.load(f)


def test_openslo(tmp):
    repo, out = build("openslo", tmp)
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW, "--verbose")
    check(code == 0, f"openslo: check exits 0: {stdout}")
    check("1 file skipped" in stdout and "  skipped mkdocs.yml" in stdout,
          f"openslo: mkdocs.yml is skipped and listed: {stdout}")
    slos = {s["id"]: s for s in load(out, "api/slos.json")}
    check(set(slos) == {"checkout-api", "web-availability.internal", "web-availability.sla",
                        "search-latency", "orders-monthly", "batch-timeslices", "batch-ratio",
                        "batch-minute"}, f"openslo: one SLO per objective, slug ids: {sorted(slos)}")
    # checkout-api (list form, name Checkout_API, 4w rolling = 28 days, target 0.999):
    #   A = (9990 + 10000) / (10000 + 10000) = 0.9995; b = 0.001; C = 0.0005 / 0.001 = 0.5
    #   → remaining 50 %.
    c = slos.get("checkout-api", {})
    # The pages show the metadata as written: the service's name and label, the SLO's name.
    with open(os.path.join(out, "services", "checkout-api", "index.html")) as f:
        page = f.read()
    check("<dt>Name as written</dt><dd><code>Checkout_API</code></dd>" in page and
          "<dt>Label <code>team</code></dt><dd>web</dd>" in page,
          "openslo: the service page shows the name as written and its labels")
    with open(os.path.join(out, "slos", "checkout-api", "index.html")) as f:
        page = f.read()
    check("Checkout API availability" in page and "<code>Checkout_API</code>" in page,
          "openslo: the SLO page shows its display name and the name as written")
    check(close(c.get("target"), 99.9), f"checkout target {c.get('target')}")
    check(close(c.get("window_days"), 28), f"checkout window {c.get('window_days')}")
    check(close(c.get("attainment_pct"), 99.95), f"checkout attainment {c.get('attainment_pct')}")
    check(close(c.get("budget_remaining_pct"), 50.0, 1e-6),
          f"checkout remaining {c.get('budget_remaining_pct')}")
    # web-availability, inline indicator with bad/total, two objectives over one day's data
    # (990 good of 1000, A = 0.99):
    #   Internal, target 0.995: b = 0.005, C = 0.01 / 0.005 = 2 → remaining −100 %, exhausted.
    #   SLA, targetPercent 99: b = 0.01, C = 1 → remaining 0 %, exhausted.
    i = slos.get("web-availability.internal", {})
    check(close(i.get("target"), 99.5), f"internal target {i.get('target')}")
    check(close(i.get("budget_remaining_pct"), -100.0, 1e-6),
          f"internal remaining {i.get('budget_remaining_pct')}")
    check(i.get("state") == "exhausted", f"internal state {i.get('state')}")
    s = slos.get("web-availability.sla", {})
    check(close(s.get("target"), 99.0), f"sla target {s.get('target')}")
    check(close(s.get("budget_remaining_pct"), 0.0, 1e-6),
          f"sla remaining {s.get('budget_remaining_pct')}")
    # search-latency reads from Datadog and has no recorded data: missing, never 100 %.
    d = slos.get("search-latency", {})
    check(d.get("state") == "missing" and d.get("attainment_pct") is None,
          f"datadog SLO missing: {d.get('state')} {d.get('attainment_pct')}")
    check(close(d.get("window_days"), 7), f"1w window is 7 days: {d.get('window_days')}")
    services = {x["id"] for x in load(out, "api/services.json")}
    check({"checkout-api", "web"} <= services, f"services: {sorted(services)}")
    # orders-monthly: a calendar month (1M from 2026-01-01). The last closed day is 2026-11-22,
    # so the period is November: 30 days, budget 30 × 1440 × 0.01 = 432 minutes; the days read
    # are 2026-11-01 … 2026-11-22 (the 2026-10-31 row, 0 of 1000, is outside):
    #   A = (990 + 1000) / 2000 = 0.995; C = 0.005 / 0.01 = 0.5 → remaining 50 %.
    m = slos.get("orders-monthly", {})
    check(m.get("window_kind") == "calendar", f"calendar window kind {m.get('window_kind')}")
    with open(os.path.join(out, "slos", "orders-monthly", "index.html")) as f:
        page = f.read()
    check("30 days calendar window" in page and "rolling window" not in page,
          "the SLO page names a calendar window as one")
    check(close(m.get("window_days"), 30), f"November has 30 days: {m.get('window_days')}")
    check(m.get("window_start") == "2026-11-01" and m.get("window_end") == "2026-11-22",
          f"calendar window {m.get('window_start')} .. {m.get('window_end')}")
    check(close(m.get("allowed_bad_minutes"), 432.0), f"month budget {m.get('allowed_bad_minutes')}")
    check(close(m.get("attainment_pct"), 99.5), f"month attainment {m.get('attainment_pct')}")
    check(close(m.get("budget_remaining_pct"), 50.0, 1e-6),
          f"month remaining {m.get('budget_remaining_pct')}")
    # batch-timeslices: 7 daily slices (2026-11-16 … 22), four with data: 0.995, 0.98, 1.0, 0.999
    # against timeSliceTarget 0.99 → 3 good of 4, A = 0.75 (occurrences would be 0.9935);
    # target 0.5: b = 0.5, C = 0.25 / 0.5 = 0.5 → remaining 50 %. Burn rates are null.
    t = slos.get("batch-timeslices", {})
    check(t.get("budgeting_method") == "Timeslices", f"method {t.get('budgeting_method')}")
    check(t.get("slices") == {"with_data": 4, "good": 3}, f"slices {t.get('slices')}")
    check(close(t.get("attainment_pct"), 75.0), f"timeslices attainment {t.get('attainment_pct')}")
    check(close(t.get("budget_remaining_pct"), 50.0, 1e-6),
          f"timeslices remaining {t.get('budget_remaining_pct')}")
    check(all(v is None for v in t.get("burn_rates", {"x": 1}).values()),
          f"no occurrences burn rates for timeslices: {t.get('burn_rates')}")
    # batch-ratio: RatioTimeslices, slices 90/100 = 0.9 and 1000/1000 = 1.0 → A = 0.95
    # (occurrences would be 1090/1100 = 0.9909); target 0.9: b = 0.1, C = 0.5 → remaining 50 %.
    r = slos.get("batch-ratio", {})
    check(close(r.get("attainment_pct"), 95.0), f"ratio timeslices attainment {r.get('attainment_pct')}")
    check(close(r.get("budget_remaining_pct"), 50.0, 1e-6),
          f"ratio timeslices remaining {r.get('budget_remaining_pct')}")
    # batch-minute: 1-minute slices cannot be judged from daily data: null, with the reason.
    n = slos.get("batch-minute", {})
    check(n.get("attainment_pct") is None and n.get("state") == "missing",
          f"1m slices give no figure: {n.get('attainment_pct')} {n.get('state')}")
    check("finer than the daily values" in (n.get("missing_reason") or ""),
          f"the reason is given: {n.get('missing_reason')}")


def test_openslo_upstream(tmp):
    """OpenSLO's own examples, unmodified (tests/fixtures/dialects/openslo-upstream/openslo/, from
    OpenSLO/OpenSLO examples/): ratioMetric objectives with `op: gt` and no `value`, which OpenSLO
    needs only for a thresholdMetric, are read as they are."""
    repo, out = build("openslo-upstream", tmp)
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check(code == 0 and "0 errors" in stdout and "[schema]" not in stdout,
          f"upstream: op without value on a ratio SLI is no error ({code}): {stdout}")
    slos = {s["id"]: s for s in load(out, "api/slos.json")}
    check(set(slos) == {"main-page", "service-availability"},
          f"upstream: both objectives kept: {sorted(slos)}")
    # main-page: RatioTimeslices, 2w rolling = 14 days (2026-11-09 .. 2026-11-22), target 0.99:
    #   budget 14 × 1440 × 0.01 = 201.6 minutes. 1-minute slices cannot be judged from daily
    #   values (metrics/upstream.csv has one day, 990 of 1000): null, with the reason.
    m = slos.get("main-page", {})
    check(m.get("budgeting_method") == "RatioTimeslices" and close(m.get("target"), 99.0) and
          close(m.get("window_days"), 14) and m.get("window_start") == "2026-11-09" and
          close(m.get("allowed_bad_minutes"), 201.6), f"main-page figures: {m}")
    check(all(type(s.get("window_days")) is int for s in slos.values()),
          f"window_days is an integer (14, not 14.0): {[s.get('window_days') for s in slos.values()]}")
    check(m.get("attainment_pct") is None and m.get("state") == "missing" and
          m.get("missing_reason") == "RatioTimeslices with a time slice of 1 minute needs data "
          "finer than the daily values nines keeps", f"main-page: no figure, and why: {m}")
    # service-availability: Timeslices over a calendar week aligned on 2022-01-01 (a Saturday):
    #   the week of 2026-11-23T00:00Z (Sunday 19:00 in New York) starts Saturday 2026-11-21;
    #   target 0.9995: budget 7 × 1440 × 0.0005 = 5.04 minutes; 1-minute slices: null.
    a = slos.get("service-availability", {})
    check(a.get("budgeting_method") == "Timeslices" and close(a.get("target"), 99.95) and
          a.get("window_kind") == "calendar" and close(a.get("window_days"), 7) and
          a.get("window_start") == "2026-11-21" and a.get("window_end") == "2026-11-22" and
          close(a.get("allowed_bad_minutes"), 5.04, 1e-9), f"service-availability figures: {a}")
    check(a.get("attainment_pct") is None and a.get("state") == "missing" and
          "time slice of 1 minute needs" in (a.get("missing_reason") or ""),
          f"service-availability: no figure, and why: {a}")


def test_openslo_calendar_figures(tmp):
    """OpenSLO calendar windows: the projection and the alert figures use the period's own length
    (window_days), the period words are their shorthand's periods, a rolling Week is 7 days, and a
    ratio target is the decimal written (docs/dialects.md)."""
    repo = os.path.join(tmp, "openslo-calendar")
    os.makedirs(os.path.join(repo, "metrics"))
    with open(os.path.join(repo, "nines.yaml"), "w") as f:
        f.write("title: calendar\nteams:\n  t:\n    name: T\n    members: 5\n")
    docs = ["""apiVersion: openslo/v1
kind: SLI
metadata:
  name: orders-ok
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
        type: Prometheus
        spec:
          query: sum(increase(orders_total{outcome="ok"}[{{window}}]))
    total:
      metricSource:
        type: Prometheus
        spec:
          query: sum(increase(orders_total[{{window}}]))
"""]
    slos = {  # id: (timeWindow item, target)
        "cal-week": ("duration: Week\n      isRolling: false\n      calendar:\n"
                     "        startTime: 2026-01-05 00:00:00\n        timeZone: UTC", "0.99"),
        "cal-month": ("duration: 1M\n      isRolling: false\n      calendar:\n"
                      "        startTime: 2026-01-01 00:00:00\n        timeZone: UTC", "0.99"),
        "cal-month-word": ("duration: Month\n      isRolling: false\n      calendar:\n"
                           "        startTime: 2026-01-01 00:00:00\n        timeZone: UTC", "0.99"),
        "cal-quarter": ("duration: 1Q\n      isRolling: false\n      calendar:\n"
                        "        startTime: 2026-01-01 00:00:00\n        timeZone: UTC", "0.99"),
        "roll-week": ("duration: Week\n      isRolling: true", "0.99"),
        "t5": ("duration: 28d\n      isRolling: true", "0.99999"),
        "t975": ("duration: 28d\n      isRolling: true", "0.99975"),
    }
    for name, (window, target) in slos.items():
        docs.append(f"""apiVersion: openslo/v1
kind: SLO
metadata:
  name: {name}
spec:
  service: web
  indicatorRef: orders-ok
  timeWindow:
    - {window}
  budgetingMethod: Occurrences
  objectives:
    - target: {target}
""")
    with open(os.path.join(repo, "openslo.yaml"), "w") as f:
        f.write("---\n".join(docs))
    # 10,000 events a day from 2026-09-01 (day i = 0), (37 i) mod 120 of them bad.
    import datetime
    first = datetime.date(2026, 9, 1)
    days = [(first + datetime.timedelta(i), (37 * i) % 120) for i in range(61)]  # .. 2026-10-31
    with open(os.path.join(repo, "metrics", "d.csv"), "w") as f:
        f.write("slo,date,good,total\n")
        for name in slos:
            for d, bad in days:
                f.write(f"{name},{d.isoformat()},{10000 - bad},10000\n")
    now = "2026-11-01T00:00:00Z"
    out = os.path.join(tmp, "openslo-calendar-site")
    code, stdout, stderr = run(NINES, "build", repo, "-o", out, "--offline", "--now", now)
    check(code == 0, f"calendar: build exits 0 ({code}): {stdout[-800:]}{stderr[-800:]}")
    got = {s["id"]: s for s in load(out, "api/slos.json")}

    def hand(since, until, w):
        """R and the projected date, worked out from the rows: now + R·W/B24h, b = 0.01."""
        rows = [bad for d, bad in days if since <= d.isoformat() <= until]
        r = 1 - sum(rows) / (10000 * len(rows)) / 0.01
        b24 = days[-1][1] / 10000 / 0.01  # the last closed day, 2026-10-31: 60 bad → 0.6
        return r, (datetime.date(2026, 11, 1) + datetime.timedelta(r * w / b24)).isoformat()

    # cal-week: the week of Monday 2026-10-26, W = 7: R = 32.5 %, now + 0.325 × 7 / 0.6 = now +
    # 3.79 days → 2026-11-04 (the nominal 28 days used to give 2026-11-16).
    # cal-month and cal-month-word: October, W = 31: R = 41.4516 %, now + 21.42 days →
    # 2026-11-22, one date for 1M and Month. cal-quarter: Q4, W = 92: now + 63.56 days →
    # 2027-01-03.
    for name, since, w, r_pct, date in (
            ("cal-week", "2026-10-26", 7, 32.5, "2026-11-04"),
            ("cal-month", "2026-10-01", 31, 41.4516, "2026-11-22"),
            ("cal-month-word", "2026-10-01", 31, 41.4516, "2026-11-22"),
            ("cal-quarter", "2026-10-01", 92, 41.4516, "2027-01-03")):
        s = got.get(name, {})
        r, projected = hand(since, "2026-10-31", w)
        check(projected == date and close(r * 100, r_pct, 1e-5), f"{name}: hand values {r} {projected}")
        check(close(s.get("window_days"), w) and s.get("window_start") == since and
              close(s.get("budget_remaining_pct"), r * 100, 1e-9) and
              close(s.get("burn_rates", {}).get("24h"), 0.6, 1e-9) and
              s.get("projected_exhaustion") == date,
              f"{name}: W {s.get('window_days')}, from {s.get('window_start')}, R "
              f"{s.get('budget_remaining_pct')}, projected {s.get('projected_exhaustion')}")
    # A rolling Week is the 7 days before now.
    s = got.get("roll-week", {})
    check(s.get("window_kind") != "calendar" and close(s.get("window_days"), 7) and
          s.get("window_start") == "2026-10-25" and s.get("window_end") == "2026-10-31",
          f"roll-week: {s.get('window_days')} {s.get('window_start')} .. {s.get('window_end')}")
    # Ratio targets are the decimals written: b = 0.00001 and 0.00025 exactly as for
    # targetPercent 99.999 and 99.975, so 28 × 1440 × b and the 24h burn (60 / 10,000) / b carry
    # no float noise (they used to read 0.4031999999961954 and 600.0000000056616); published
    # minutes are rounded to 12 significant digits, as Python's own product is not (0.40320000000000006).
    for name, target, b in (("t5", 99.999, 0.00001), ("t975", 99.975, 0.00025)):
        s = got.get(name, {})
        check(s.get("target") == target and
              s.get("allowed_bad_minutes") == float(f"{28 * 1440 * b:.12g}") and
              s.get("burn_rates", {}).get("24h") == 60 / 10000 / b,
              f"{name}: target {s.get('target')}, allowed {s.get('allowed_bad_minutes')}, "
              f"24h {s.get('burn_rates', {}).get('24h')}")
    # `nines rules` has no "now": it describes a calendar SLO's budget over the period's nominal
    # length, the same for a word and its shorthand (Month = 1M = 30 days, Week = 7 days).
    rules = os.path.join(tmp, "openslo-calendar.rules.yml")
    code, stdout, stderr = run(NINES, "rules", repo, "-o", rules, "--now", now)
    check(code == 0, f"calendar: rules exit 0 ({code}): {stdout[-400:]}{stderr[-400:]}")
    with open(rules) as f:
        text = f.read()
    descriptions = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("description:"):
            for name in slos:
                if f"SLO {name} " in line or f"SLO '{name}'" in line or f" {name} (" in line:
                    descriptions.setdefault(name, []).append(line)
    month = [d.replace("cal-month", "X") for d in descriptions.get("cal-month", [])]
    word = [d.replace("cal-month-word", "X") for d in descriptions.get("cal-month-word", [])]
    check(month and month == word and all("over 30d" in d for d in month),
          f"calendar: 1M and Month described alike, over 30 days: {month} {word}")
    check(descriptions.get("cal-week") and
          all("over 7d" in d for d in descriptions.get("cal-week", [])),
          f"calendar: Week described over 7 days: {descriptions.get('cal-week')}")


def test_backstage(tmp):
    repo, out = build("backstage", tmp)
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check(code == 0, f"backstage: check exits 0: {stdout}")
    # fraud-check's owner group:partners is neither a Group nor a nines.yaml team: a warning.
    check("owner 'partners' of component 'fraud-check'" in stdout and "shown as external" in stdout,
          f"backstage: unknown owner is a warning: {stdout}")
    services = {x["id"]: x for x in load(out, "api/services.json")}
    # money-lib is a library: a catalog entry, not a service.
    check(set(services) == {"checkout-api", "ledger", "fraud-check"},
          f"backstage: services {sorted(services)}")
    c = services.get("checkout-api", {})
    check(c.get("owner_team") == "payments_team" or c.get("owner_team") == "payments-team",
          f"checkout owner is the Group's slug: {c.get('owner_team')}")
    check(c.get("tier") == "critical", f"checkout tier from the annotation: {c.get('tier')}")
    check(c.get("dependencies", {}).get("upstream") == ["ledger"],
          f"dependsOn components only: {c.get('dependencies')}")
    ledger = services.get("ledger", {})
    check(ledger.get("owner_team") == "platform", f"a nines.yaml team owns ledger: {ledger}")
    check(ledger.get("dependencies", {}).get("downstream") == ["fraud-check"],
          f"dependencyOf fills downstream: {ledger.get('dependencies')}")
    check(services.get("fraud-check", {}).get("owner_team") in ("", None),
          "an external owner is no owner team")


def test_sloth_pyrra(tmp):
    repo, out = build("sloth-pyrra", tmp)
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check(code == 0, f"sloth-pyrra: check exits 0: {stdout}")
    slos = {s["id"]: s for s in load(out, "api/slos.json")}
    check(set(slos) == {"myservice-requests-availability", "myservice-requests-latency",
                        "prometheus-api-query", "myservice-probe"},
          f"sloth-pyrra: SLO ids {sorted(slos)}")
    # Sloth: 30-day window, objective 99.9; one day 9995 of 10000: A = 0.9995, b = 0.001,
    # C = 0.5 → remaining 50 %.
    a = slos.get("myservice-requests-availability", {})
    check(close(a.get("window_days"), 30) and close(a.get("target"), 99.9), f"sloth SLO {a}")
    check(close(a.get("budget_remaining_pct"), 50.0, 1e-6),
          f"sloth remaining {a.get('budget_remaining_pct')}")
    check(a.get("service") == "myservice", f"sloth service {a.get('service')}")
    # A dialect SLI's events are its queries: the page shows each once, as code.
    with open(os.path.join(out, "slos/myservice-requests-availability/index.html")) as f:
        html = f.read()
    check("<dt>Good events</dt>" not in html and html.count("Good events query") == 1,
          "sloth SLO page shows its good query once")
    # Pyrra: target '99.0' (a string), window 7d; 1990 of 2000: A = 0.995, b = 0.01, C = 0.5.
    p = slos.get("prometheus-api-query", {})
    check(close(p.get("window_days"), 7) and close(p.get("target"), 99.0), f"pyrra SLO {p}")
    check(close(p.get("budget_remaining_pct"), 50.0, 1e-6),
          f"pyrra remaining {p.get('budget_remaining_pct')}")
    check(close(slos.get("myservice-probe", {}).get("window_days"), 14), "pyrra 2w is 14 days")
    slis = {s["id"]: s for s in load(out, "api/slis.json")} if os.path.exists(
        os.path.join(out, "api/slis.json")) else {}
    if slis:
        q = slis.get("myservice-requests-availability", {})
        check("{{.window}}" not in json.dumps(q), f"sloth window placeholder translated: {q}")


def page(out, rel):
    with open(os.path.join(out, rel)) as f:
        return f.read()


def test_backstage_catalog(tmp):
    """Locations followed past `exclude`, User owners, external owners, systems, lifecycle, tags,
    known annotations and subcomponentOf (tests/fixtures/dialects/backstage-catalog)."""
    repo, out = build("backstage-catalog", tmp)
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check(code == 0, f"backstage-catalog: check exits 0 (warnings only): {stdout}")
    # The Location's third and fourth targets (catalog-info.yaml lines 11 and 12, after the
    # four-space indent and "- ", column 7) are remote and outside the repository: warnings.
    check("catalog-info.yaml:11:7: warning: Location target "
          "'https://github.com/acme/billing/blob/main/catalog-info.yaml' is remote" in stdout,
          f"backstage-catalog: a remote target is a warning at its line: {stdout}")
    check("catalog-info.yaml:12:7: warning: Location target '../shared/catalog-info.yaml' lies "
          "outside the repository" in stdout,
          f"backstage-catalog: a target outside the repository is a warning: {stdout}")
    # fraud-screen's owner group:default/risk-team is defined nowhere: checkout.yaml line 56,
    # the value after "  owner: " at column 10.
    check("catalog/systems/checkout.yaml:56:10: warning: owner 'risk-team' of component "
          "'fraud-screen' (group:default/risk-team)" in stdout and "[unknown-reference]" in stdout,
          f"backstage-catalog: an undefined owner is a located warning: {stdout}")
    check(stdout.count("[location-target]") == 2 and stdout.count("[unknown-reference]") == 1,
          f"backstage-catalog: no other findings of these rules: {stdout}")

    # nines.yaml excludes catalog/**: every entity below is there and is read only because the
    # Location names it (org.yaml directly, the two files of catalog/systems/ through the glob).
    services = {x["id"]: x for x in load(out, "api/services.json")}
    check(set(services) == {"checkout-service", "checkout-worker", "receipts", "fraud-screen"},
          f"backstage-catalog: the Location's components are services; money-utils, a library, "
          f"is not: {sorted(services)}")

    c = services.get("checkout-service", {})
    check(c.get("name") == "Checkout Service", f"metadata.title is the name: {c.get('name')}")
    # owner user:default/jdoe is the User jdoe: a person, so no team.
    check(c.get("owner_team") is None, f"a User owner is no team: {c.get('owner_team')!r}")
    check(c.get("owner") == {"ref": "user:default/jdoe", "kind": "user", "team": None,
                             "user": "jdoe", "person": "Jane Doe",
                             "email": "jane.doe@acme.example"},
          f"checkout owner person: {c.get('owner')}")
    check(c.get("system") == {"id": "payments", "ref": "payments", "name": "Payments Platform",
                              "description": "Moves the money from cart to ledger"},
          f"checkout system from the System entity: {c.get('system')}")
    check(c.get("lifecycle") == "production" and c.get("tags") == ["java", "payments"],
          f"checkout lifecycle and tags: {c.get('lifecycle')} {c.get('tags')}")
    check(c.get("known_annotations") == {
        "pagerduty_service_id": "PX7Q2AB", "pagerduty_integration_key": False,
        "techdocs_ref": "dir:.",
        "source_location": "url:https://github.com/acme/checkout/tree/main/",
        "github_project_slug": "acme/checkout"},
        f"checkout known annotations: {c.get('known_annotations')}")
    check(c.get("links") == [{"title": "Dashboard", "url": "https://grafana.acme.example/d/checkout"}],
          f"checkout links: {c.get('links')}")
    check(c.get("part_of") is None, f"checkout is part of nothing: {c.get('part_of')}")

    w = services.get("checkout-worker", {})
    # group:default/payments_team is the Group Payments_Team (both slug to payments-team).
    check(w.get("owner_team") == "payments-team" and (w.get("owner") or {}).get("kind") == "team",
          f"checkout-worker owned by the Group: {w.get('owner_team')} {w.get('owner')}")
    check(w.get("part_of") == "checkout-service", f"subcomponentOf kept: {w.get('part_of')}")
    check((w.get("system") or {}).get("id") == "payments", f"system:default/payments: {w.get('system')}")
    check((w.get("known_annotations") or {}).get("pagerduty_integration_key") is True,
          f"integration key given: {w.get('known_annotations')}")

    r = services.get("receipts", {})
    # A bare `owner: asmith` that no team has names the User asmith.
    check((r.get("owner") or {}).get("person") == "Alex Smith" and r.get("owner_team") is None,
          f"a bare name resolves to a User: {r.get('owner')}")
    check(r.get("type") == "frontend", f"website → frontend: {r.get('type')}")

    f = services.get("fraud-screen", {})
    check(f.get("owner") == {"ref": "group:default/risk-team", "kind": "external", "team": None,
                             "user": None, "person": None, "email": None},
          f"an undefined owner is external: {f.get('owner')}")
    check(f.get("system") == {"id": "risk", "ref": "risk", "name": None, "description": None},
          f"an undefined system is kept as written: {f.get('system')}")

    # The pages. checkout-service: the owner person, PagerDuty service, system, lifecycle, tags,
    # the GitHub project, and its parts (a service and a library, which is listed, not scored).
    html = page(out, "services/checkout-service/index.html")
    for want in ["<dt>Owner</dt><dd>Jane Doe &lt;<a href=\"mailto:jane.doe@acme.example\">",
                 "<dt>PagerDuty service</dt><dd><code>PX7Q2AB</code></dd>",
                 "<dt>System</dt><dd>Payments Platform — Moves the money from cart to ledger</dd>",
                 "<dt>Lifecycle</dt><dd>production</dd>",
                 '<span class="badge">java</span> <span class="badge">payments</span>',
                 '<a href="https://github.com/acme/checkout" rel="noopener noreferrer">acme/checkout</a>',
                 '<a href="https://github.com/acme/checkout/tree/main/" rel="noopener noreferrer">',
                 "<dt>TechDocs</dt><dd><code>dir:.</code></dd>",
                 '<li><a href="../../services/checkout-worker/index.html">checkout-worker</a></li>',
                 '<li>Money utilities <span class="muted">(library)</span></li>',
                 '<a href="../../services/receipts/index.html">receipts</a>']:
        check(want in html, f"checkout-service page shows {want!r}")
    html = page(out, "services/checkout-worker/index.html")
    check('part of <a href="../../services/checkout-service/index.html">Checkout Service</a>' in html,
          "checkout-worker page: part of Checkout Service, linked")
    check("integration key given" in html and "0123456789abcdef" not in html,
          "checkout-worker page: the integration key is said to be given, never shown")
    html = page(out, "services/fraud-screen/index.html")
    check("<dt>Owner</dt><dd>external owner: group:default/risk-team</dd>" in html,
          "fraud-screen page: external owner with the reference as written")
    check('risk <span class="muted">(not in the repository)</span>' in html,
          "fraud-screen page: an undefined system is shown as written")

    # Payments_Team's members: jdoe and user:default/asmith by their display names, and
    # bwayne through memberOf (group:default/payments_team): three people, each once.
    html = page(out, "teams/index.html")
    start = html.find('id="team-payments-team"')
    section = html[start:html.find("</section>", start)]
    people = [p for p in ["Jane Doe", "Alex Smith", "Bruce Wayne"] if f"<li>{p}</li>" in section]
    check(start >= 0 and people == ["Jane Doe", "Alex Smith", "Bruce Wayne"] and
          section.count("<li>Jane Doe</li>") == 1,
          f"team payments-team has the three Users as members: {people}")
    # A person-owned service is on no team's page: only checkout-worker is the team's.
    check("checkout-worker" in section and "services/checkout-service/" not in section,
          "the team lists the service it owns, not the person-owned one")


def test_backstage_location_missing(tmp):
    """A Location target that does not exist is an error at its line and column, with a
    did-you-mean (tests/fixtures/dialects/backstage-location-missing)."""
    repo = os.path.join(tmp, "backstage-location-missing")
    shutil.copytree(os.path.join(FIXTURES, "backstage-location-missing"), repo)
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check(code == 1, f"location-missing: check exits 1: {code} {stdout}")
    # Line 8, column 7: "    - ./teams/payment.yaml"; the file is teams/payments.yaml.
    check("catalog-info.yaml:8:7: error: Location target './teams/payment.yaml' does not exist "
          "(teams/payment.yaml), did you mean './teams/payments.yaml'? [location-target]" in stdout,
          f"location-missing: the missing target is located, with a did-you-mean: {stdout}")
    # Line 9: the glob ./teams/*.yml matches nothing (the file ends in .yaml).
    check("catalog-info.yaml:9:7: error: Location target 'file:./teams/*.yml' matches no file"
          in stdout, f"location-missing: an empty glob is an error: {stdout}")


RULES_CASES = """rule_files:
  - generated.rules.yaml

evaluation_interval: 1m

tests:
  # checkout fails 5 requests in 1000: an error ratio of 0.005 over every window, 5x the 0.1 %
  # budget. cpu-usage-breach (burn rate >= 2 over 1h, for 5m) fires; checkout-fast-burn
  # (> 14.4 over 1h) does not.
  - interval: 1m
    input_series:
      - series: 'http_requests_total{service="checkout",code="200"}'
        values: '0+995x120'
      - series: 'http_requests_total{service="checkout",code="500"}'
        values: '0+5x120'
    promql_expr_test:
      - expr: round(slo:sli_error:ratio_rate1h{slo="checkout-availability"} * 10000)
        eval_time: 70m
        exp_samples:
          - labels: '{slo="checkout-availability",service="checkout"}'
            value: 50
    alert_rule_test:
      - eval_time: 3m
        alertname: cpu-usage-breach
        exp_alerts: []
      - eval_time: 70m
        alertname: cpu-usage-breach
        exp_alerts:
          - exp_labels:
              slo: checkout-availability
              service: checkout
              severity: page
              openslo_alert_policy: alertpolicy
            exp_annotations:
              summary: 'Checkout availability — Good: error budget burning 2x too fast over 1h (OpenSLO alert policy Alert Policy)'
              description: 'SLO checkout-availability of checkout (target 99.9% over 28d): the error ratio over 1h is at or above 2 x 0.001. Firing for 1h spends 0.3% of the budget.'
              runbook_url: https://sre.example.org/slos/checkout-availability/
              notification_targets: OnCallDevopsMailNotification (email)
      - eval_time: 70m
        alertname: checkout-fast-burn
        exp_alerts: []
"""


def test_openslo_alerting(tmp):
    """OpenSLO AlertPolicy, AlertCondition and AlertNotificationTarget, inline and by reference:
    kept on the SLO page and in api/slos.json, and made alert rules that promtool runs."""
    import subprocess
    from support import require_prometheus
    repo, out = build("openslo-alerting", tmp)
    slos = {s["id"]: s for s in load(out, "api/slos.json")}
    s = slos.get("checkout-availability", {})
    pols = s.get("alert_policies", [])
    check(len(pols) == 2, f"alerting: two policies {pols}")
    if len(pols) == 2:
        inline, named = pols
        check(inline["name"] == "checkout-fast-burn-policy" and inline["ref"] is None and
              inline["display_name"] == "Fast burn" and inline["alert_when_breaching"] and
              inline["alert_when_resolved"] and not inline["alert_when_no_data"],
              f"alerting: the inline policy as written {inline}")
        c = inline["conditions"][0] if inline["conditions"] else {}
        check(c == {"name": "checkout-fast-burn", "ref": None,
                    "display_name": "Checkout burning fast",
                    "description": "Burn rate above 14.4 over an hour", "severity": "page",
                    "kind": "burnrate", "op": "gt", "threshold": 14.4, "lookback_window": "1h",
                    "alert_after": "5m"}, f"alerting: the inline condition {c}")
        t = inline["notification_targets"]
        check(t == [{"name": "oncalldevopsmailnotification",
                     "ref": "OnCallDevopsMailNotification",
                     "display_name": "OnCallDevopsMailNotification",
                     "description": "Notifies by a mail message to the on-call devops mailing group",
                     "target": "email"}], f"alerting: the target by targetRef {t}")
        check(named["ref"] == "AlertPolicy" and named["name"] == "alertpolicy" and
              named["display_name"] == "Alert Policy" and named["alert_when_breaching"] and
              not named["alert_when_resolved"], f"alerting: the policy by alertPolicyRef {named}")
        c = named["conditions"][0] if named["conditions"] else {}
        check(c.get("ref") == "cpu-usage-breach" and c.get("op") == "gte" and
              c.get("threshold") == 2 and c.get("lookback_window") == "1h" and
              c.get("alert_after") == "5m" and c.get("severity") == "page",
              f"alerting: the condition by conditionRef {c}")
    # 9995 of 10000 on the one day of data: A = 0.9995, b = 0.001 → remaining 50 %.
    check(close(s.get("budget_remaining_pct"), 50.0, 1e-6), f"alerting: figures {s}")
    with open(os.path.join(out, "slos", "checkout-availability", "index.html")) as f:
        page = f.read()
    check('id="alert-policies-h"' in page and "Checkout burning fast" in page and
          "CPU Usage breaching" in page and "≥ 2×" in page and "&gt; 14.4×" in page and
          "OnCallDevopsMailNotification (email)" in page and
          "Alerts when: breaching, resolved." in page,
          "alerting: the SLO page shows the policies, conditions and targets")

    # nines rules: the defaults (3 alerts) plus one alert per condition.
    rules = os.path.join(tmp, "generated.rules.yaml")
    code, _, err = run(NINES, "rules", repo, "-o", rules, "--now", NOW)
    check(code == 0, f"alerting: rules exits 0: {err}")
    text = open(rules).read() if os.path.exists(rules) else ""
    check("- alert: cpu-usage-breach\n" in text and "- alert: checkout-fast-burn\n" in text,
          f"alerting: one alert per condition: {text}")
    check("expr: slo:sli_error:ratio_rate1h{slo=\"checkout-availability\", "
          "service=\"checkout\"} >= 0.002\n" in text, "alerting: gte threshold x budget")
    check(" > 0.0144\n        for: 5m\n" in text, "alerting: gt, held for alertAfter")
    check(text.count("- alert: ") == 5, f"alerting: 5 alerts, got {text.count('- alert: ')}")
    check("[rules-runbook]" in err and "alert 'cpu-usage-breach'" in err,
          f"alerting: a runbook warning for the condition's alert: {err}")
    # `check` reports the same missing runbook, at the condition, so a pull request hears of it
    # (SPEC 3.6: each missing one is a diagnostic at the alert's line).
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW, "--format", "json")
    found = [d for d in (json.loads(stdout) if code in (0, 1) and stdout.strip() else [])
             if d["rule"] == "rules-runbook" and "'cpu-usage-breach'" in d["message"]]
    check(code == 0 and len(found) == 1 and found[0]["severity"] == "warning" and
          found[0]["line"] > 0 and found[0]["hint"],
          f"alerting: check warns at the condition without a runbook: {code} {stdout[-600:]}")
    if require_prometheus():
        p = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True,
                           timeout=60)
        check(p.returncode == 0 and "SUCCESS: 10 rules found" in p.stdout,
              f"alerting: promtool check rules (5 recordings + 5 alerts): {p.stdout}{p.stderr}")
        cases = os.path.join(tmp, "cases.yaml")
        with open(cases, "w") as f:
            f.write(RULES_CASES)
        p = subprocess.run(["promtool", "test", "rules", cases], capture_output=True, text=True,
                           timeout=60)
        check(p.returncode == 0, f"alerting: promtool test rules: {p.stdout}{p.stderr}")

    # A misspelt conditionRef: an error at its line, with a did-you-mean.
    bad = os.path.join(tmp, "alerting-bad")
    shutil.copytree(repo, bad)
    path = os.path.join(bad, "openslo", "alerting.yaml")
    with open(path) as f:
        body = f.read()
    with open(path, "w") as f:
        f.write(body.replace("- conditionRef: cpu-usage-breach", "- conditionRef: cpu-usage-breech"))
    code, stdout, stderr = run(NINES, "check", bad, "--now", NOW)
    both = stdout + stderr
    check(code != 0 and "openslo/alerting.yaml:13:" in both and "[unknown-reference]" in both and
          "did you mean 'cpu-usage-breach'" in both,
          f"alerting: an unknown conditionRef is a located error with a did-you-mean: {both}")


def test_openslo_threshold(tmp):
    """A thresholdMetric SLO queried from a real Prometheus backfilled with a gauge sampled every
    minute; the figures are counted by hand below."""
    from support import backfill, require_prometheus, serve_prometheus, stop
    if not require_prometheus():
        check(False, "threshold: prometheus and promtool are required")
        return
    day0 = 1795392000 - 2 * 86400  # 2026-11-21T00:00Z; NOW is 2026-11-23T00:00Z
    # Day 1 (2026-11-21): 0.5 s (bad) at minutes 600..659, exactly 0.3 (good: op lte) at minutes
    # 700..709, 0.1 otherwise: good 1440 - 60 = 1380. Day 2 (2026-11-22): 0.5 at minutes 0..143
    # (its first sample is bad, so a sample shared by two days would show), 0.1 otherwise:
    # good 1440 - 144 = 1296. Total 1440 a day: one subquery sample a minute.
    om = os.path.join(tmp, "gauge.om")
    with open(om, "w") as f:
        f.write("# HELP search_latency_p99_seconds p99.\n# TYPE search_latency_p99_seconds gauge\n")
        for d in range(2):
            for m in range(1440):
                if (d == 0 and 600 <= m < 660) or (d == 1 and m < 144):
                    v = 0.5
                elif d == 0 and 700 <= m < 710:
                    v = 0.3
                else:
                    v = 0.1
                f.write(f'search_latency_p99_seconds{{service="search"}} {v} '
                        f'{day0 + d * 86400 + m * 60}\n')
        f.write("# EOF\n")
    data = os.path.join(tmp, "threshold-tsdb")
    backfill(om, data)
    proc, url = serve_prometheus(tmp, data)
    try:
        repo = os.path.join(tmp, "openslo-threshold")
        shutil.copytree(os.path.join(FIXTURES, "openslo-threshold"), repo)
        cfg = os.path.join(repo, "nines.yaml")
        with open(cfg) as f:
            text = f.read()
        with open(cfg, "w") as f:
            f.write(text.replace("http://127.0.0.1:9", url))
        out = os.path.join(tmp, "threshold-site")
        code, stdout, stderr = run(NINES, "build", repo, "-o", out, "--now", NOW)
        check(code == 0, f"threshold: build exits 0: {stdout[-800:]}{stderr[-1500:]}")
        check("metrics-fetch" not in stderr, f"threshold: no fetch warnings: {stderr[-1500:]}")
        slos = {s["id"]: s for s in load(out, "api/slos.json")} if code == 0 else {}
        s = slos.get("search-latency", {})
        # good 1380 + 1296 = 2676 of 2880 minutes: A = 0.9291666…; target 90 → b = 0.1,
        # C = 0.0708333… / 0.1 = 0.708333… → remaining 29.1666… %.
        check(close(s.get("good"), 2676) and close(s.get("total"), 2880),
              f"threshold: good and total minutes {s.get('good')} / {s.get('total')}")
        check(close(s.get("attainment_pct"), 2676 / 2880 * 100, 1e-9),
              f"threshold: attainment {s.get('attainment_pct')}")
        check(close(s.get("budget_remaining_pct"), (1 - (1 - 2676 / 2880) / 0.1) * 100, 1e-9),
              f"threshold: remaining {s.get('budget_remaining_pct')}")
        # The page names the metric and when it is good, not a "good events" query.
        html = page(out, "slos/search-latency/index.html") if code == 0 else ""
        check("<dt>Metric</dt>" in html and "<dt>Good events</dt>" not in html
              and "<dt>Good when</dt><dd>the metric is ≤ 0.3</dd>" in html,
              "threshold: the SLO page shows the metric and its objective's op and value")
    finally:
        stop(proc)


def test_backstage_catalog_entries(tmp):
    """Catalog entries (Backstage libraries, documentation, tools) on the catalog list page, in
    api/catalog-entries.json and in search; person and external owners in the services table
    (tests/fixtures/dialects/backstage-catalog: money-utils, a library of the payments system
    owned by the User asmith, and Invoice_PDF in catalog/systems/shared-libs.yaml, a library in no
    system owned by the Group Payments_Team)."""
    repo, out = build("backstage-catalog", tmp + "/entries")

    entries = load(out, "api/catalog-entries.json")
    check([e.get("id") for e in entries] == ["invoice-pdf", "money-utils"],
          f"catalog entries sorted by id, no service among them: {[e.get('id') for e in entries]}")
    want = {
        "id": "invoice-pdf",
        "name": "Invoice PDF kit",
        "kind": "component",
        "type": "library",
        # group:default/payments_team slugs to the Group Payments_Team's id.
        "owner": {"ref": "group:default/payments_team", "kind": "team", "team": "payments-team",
                  "user": None, "person": None, "email": None},
        "title": "Invoice PDF kit",
        "system": None,
        "lifecycle": "deprecated",
        "tags": ["pdf", "go"],
        "part_of": None,
        "description": "Renders invoices and receipts as PDF",
        "links": [{"title": "Docs", "url": "https://docs.acme.example/invoice-pdf"}],
        "source": {"file": "catalog/systems/shared-libs.yaml", "dialect": "backstage"},
    }
    got = entries[0] if entries else {}
    check(got == want and list(got) == list(want),
          f"api/catalog-entries.json: invoice-pdf exactly, fields in order: {got}")
    m = entries[1] if len(entries) > 1 else {}
    check(m.get("owner") == {"ref": "asmith", "kind": "user", "team": None, "user": "asmith",
                             "person": "Alex Smith", "email": "alex.smith@acme.example"}
          and (m.get("system") or {}).get("name") == "Payments Platform"
          and m.get("part_of") == "checkout-service",
          f"money-utils: owned by the User asmith, in the payments system, part of checkout: {m}")

    html = page(out, "catalog/index.html")
    check('<caption id="entries-caption">Other catalog entries' in html,
          "catalog page: the other catalog entries table")
    row = html[html.find('<tr id="entry-invoice-pdf"'):]
    row = row[:row.find("</tr>")]
    for want_cell in ['data-team="Payments" data-type="library"',
                      '<th scope="row">Invoice PDF kit<span class="cell-note">Renders invoices '
                      'and receipts as PDF</span></th>',
                      "<td>library</td>",
                      '<td><a href="../teams/index.html#team-payments-team">Payments</a></td>',
                      "<td>—</td>",  # no system
                      "<td>deprecated</td>",
                      '<td><span class="badge">pdf</span> <span class="badge">go</span> </td>']:
        check(want_cell in row, f"catalog page: invoice-pdf row has {want_cell!r}: {row}")
    row = html[html.find('<tr id="entry-money-utils"'):]
    row = row[:row.find("</tr>")]
    check('<td>Alex Smith <span class="muted">(person)</span></td>' in row
          and "<td>Payments Platform</td>" in row and "<td>production</td>" in row,
          f"catalog page: money-utils owned by a person, in its system: {row}")
    # The services table: a person owner and an external owner where there is no team.
    row = html[html.find("checkout-service/index.html"):]
    row = row[:row.find("</tr>")]
    check('<td>Jane Doe <span class="muted">(person)</span></td>' in row,
          f"catalog page: checkout-service's owner person: {row}")
    row = html[html.find("fraud-screen/index.html"):]
    row = row[:row.find("</tr>")]
    check("<td>external: group:default/risk-team</td>" in row,
          f"catalog page: fraud-screen's external owner: {row}")
    check(html.count('id="entry-') == 2, "catalog page: one row per entry")

    with open(os.path.join(out, "search-index.js")) as f:
        js = f.read()
    index = json.loads(js[js.index("["):js.rindex("]") + 1])
    hits = [e for e in index if e[0] == "component"]
    check(sorted(e[1] for e in hits) == ["Invoice PDF kit", "Money utilities"],
          f"search: both entries are indexed: {hits}")
    pdf = next((e for e in hits if e[1] == "Invoice PDF kit"), None)
    check(pdf is not None and pdf[2] == "catalog/index.html#entry-invoice-pdf"
          and pdf[3] == "library · Payments · Renders invoices and receipts as PDF"
          and "Renders invoices and receipts as PDF" in pdf[4],
          f"search: invoice-pdf by name and description, to its row: {pdf}")
    # The anchor the search points to exists on the page it names.
    check(pdf is not None and f'id="{pdf[2].split("#")[1]}"' in html,
          "search: the entry's anchor is on the catalog page")
    person = next((e for e in index if e[0] == "person" and e[1] == "Alex Smith"), None)
    check(person is not None and "owner of Money utilities" in person[3],
          f"search: the owner person lists the entry they own: {person}")


def test_backstage_open_kinds(tmp):
    """Backstage's kinds are open (Environment, plugins' kinds): one nines does not read is skipped
    and counted like a foreign file; a near miss of one it reads is an error with a did-you-mean.
    Sloth's `overridePrevious` is accepted in both plugin lists."""
    repo = os.path.join(tmp, "open-kinds")
    os.makedirs(repo)
    with open(os.path.join(repo, "nines.yaml"), "w") as f:
        f.write("title: Open kinds\n")
    with open(os.path.join(repo, "catalog-info.yaml"), "w") as f:
        f.write("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n"
                "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n")
    with open(os.path.join(repo, "dev.yaml"), "w") as f:
        f.write("apiVersion: backstage.io/v1alpha1\nkind: Environment\nmetadata:\n  name: dev\n"
                "spec:\n  lifecycle: dev\n")
    with open(os.path.join(repo, "slos.yaml"), "w") as f:
        f.write("version: prometheus/v1\nservice: web\nslo_plugins:\n  overridePrevious: true\n"
                "  chain:\n    - id: sloth.dev/core/sli_rules/v1\nslos:\n  - name: avail\n"
                "    objective: 99.9\n    plugins:\n      overridePrevious: false\n      chain: []\n"
                "    sli:\n      events:\n        error_query: sum(rate(e[{{.window}}]))\n"
                "        total_query: sum(rate(t[{{.window}}]))\n    alerting:\n"
                "      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n")
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW, "--verbose")
    check(code == 0, f"open kinds: check exits 0 ({code}): {stdout}")
    check("skipped dev.yaml" in stdout, f"open kinds: the Environment is skipped and listed: {stdout}")
    with open(os.path.join(repo, "typo.yaml"), "w") as f:
        f.write("apiVersion: backstage.io/v1alpha1\nkind: Componet\nmetadata:\n  name: api\n"
                "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n")
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check(code == 1 and "typo.yaml:2:7: error: unsupported Backstage kind 'Componet', did you mean "
          "'Component'? [unknown-kind]" in stdout, f"open kinds: a near miss is an error ({code}): {stdout}")


def test_upstream_foreign(tmp):
    """Upstream files of the foreign dialects, unmodified where named so
    (tests/fixtures/dialects/upstream-foreign): Backstage's spotify-api.yaml (a `$text`
    substitution) and AiResource example (a plugin's kind), Sloth's plugin-k8s-getting-started
    (`page_alert` in the CRD form, which Sloth ignores), the OpenSLO Go SDK's slis.yaml (a raw
    ratio written with Sloth's `{{.window}}`), Backstage's mcp-server and ai-model-server APIs
    (no `definition`: SOURCES.txt), a cookiecutter skeleton from Backstage's software-templates;
    beside them a Sloth spec with `{{ .window }}`, an OpenSLO raw
    gauge selector and a PrometheusRule with `partial_response_strategy`."""
    repo, out = build("upstream-foreign", tmp)
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW, "--verbose")
    check(code == 0, f"upstream-foreign: check exits 0 ({code}): {stdout}")
    check("spec.definition" not in stdout and "mcp-server-api.yaml" not in stdout,
          f"upstream-foreign: MCP and AI model server APIs need no definition: {stdout}")
    check("skipped backstage/frontend-design-skill.yaml" in stdout,
          f"upstream-foreign: the AiResource is skipped like a foreign file: {stdout}")
    # A fetch:cookiecutter skeleton's unquoted `{{cookiecutter.name | jsonify}}` reads as a
    # mapping keyed by a mapping: a skeleton, skipped, with no schema or syntax error.
    check("skipped backstage/cookiecutter-skeleton-catalog-info.yaml" in stdout
          and "cookiecutter-skeleton-catalog-info.yaml:" not in stdout,
          f"upstream-foreign: the cookiecutter skeleton is skipped like a foreign file: {stdout}")
    check("sloth/plugin-k8s-getting-started.yml:39:9: warning: unknown field 'page_alert' in "
          "spec.slos[0].alerting, did you mean 'pageAlert'? [schema]" in stdout,
          f"upstream-foreign: Sloth's unknown field is a warning: {stdout}")
    check("sli-query-range" not in stdout and "{{window}}" not in stdout,
          f"upstream-foreign: every window variable read, no counter wrapping: {stdout}")
    slos = {s["id"]: s for s in load(out, "api/slos.json")}
    check({"wifi-satisfaction", "raw-slo", "myservice-requests-availability",
           "spaced-requests-availability"} <= set(slos),
          f"upstream-foreign: SLO ids {sorted(slos)}")
    slis = {s["id"]: s for s in load(out, "api/slis.json")} if os.path.exists(
        os.path.join(out, "api/slis.json")) else {}
    text = json.dumps(slis)
    check(".window" not in text and "increase(service_error_ratio" not in text,
          f"upstream-foreign: queries as the metrics stage runs them: {text[:600]}")


def write_files(repo, files):
    for rel, text in files.items():
        path = os.path.join(repo, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def inline_slo(name, query_total):
    return ("apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: " + name + "\nspec:\n"
            "  service: web\n  budgetingMethod: Occurrences\n  indicator:\n    metadata:\n"
            "      name: my-sli\n    spec:\n      ratioMetric:\n        counter: true\n"
            "        good:\n          metricSource:\n            type: Prometheus\n"
            "            spec:\n              query: sum(increase(ok[{{window}}]))\n        total:\n"
            "          metricSource:\n            type: Prometheus\n            spec:\n"
            "              query: " + query_total + "\n"
            "  timeWindow:\n    - duration: 28d\n      isRolling: true\n"
            "  objectives:\n    - target: 0.99\n")


def test_real_catalog_shapes(tmp):
    """Shapes of real public catalogs and SLO specs: a service that depends on a library of the
    repository (left out of the dependency graph, no error), on a component kept in another
    catalog (a warning, not an error), a create-app Scaffolder skeleton (skipped like a foreign
    file), two SLOs with the same inline indicator (the OpenSLO SDK's inlined output: one SLI),
    and Pyrra windows written as any Prometheus duration."""
    repo = os.path.join(tmp, "real-shapes")
    component = ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n"
                 "spec:\n  type: {type}\n  lifecycle: production\n  owner: team-a\n{extra}")
    pyrra = ("apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata:\n"
             "  name: {name}\n  labels:\n    service: web\nspec:\n  target: '99'\n"
             "  window: {window}\n  indicator:\n    ratio:\n      errors:\n"
             "        metric: e_total{{code=\"5xx\"}}\n      total:\n        metric: e_total\n")
    write_files(repo, {
        "nines.yaml": "title: Real shapes\nteams:\n  team-a:\n    name: Team A\n",
        "catalog-info.yaml": component.format(
            name="web", type="service",
            extra="  dependsOn:\n    - component:shared-lib\n    - component:default/api\n"
                  "    - component:payments\n") + "---\n" +
            component.format(name="shared-lib", type="library", extra="") + "---\n" +
            component.format(name="api", type="service", extra=""),
        "examples/template/content/catalog-info.yaml": component.format(
            name="${{ values.name | dump }}", type="service", extra=""),
        "openslo/a.yaml": inline_slo("web-a", "sum(increase(all[{{window}}]))"),
        "openslo/b.yaml": inline_slo("web-b", "sum(increase(all[{{window}}]))"),
        "pyrra/nine.yaml": pyrra.format(name="web-nine", window="1w2d"),
        "pyrra/thirty.yaml": pyrra.format(name="web-thirty", window="720h0m0s"),
        "pyrra/year.yaml": pyrra.format(name="web-year", window="1y"),
    })
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW, "--verbose")
    check(code == 0, f"real shapes: check exits 0 ({code}): {stdout}")
    check("catalog-info.yaml:12:7: warning: 'web' depends on component 'payments', which the "
          "repository does not define [unknown-reference]" in stdout,
          f"real shapes: a component of another catalog is a warning: {stdout}")
    check("shared-lib" not in stdout, f"real shapes: a library dependency is no finding: {stdout}")
    check("skipped examples/template/content/catalog-info.yaml" in stdout,
          f"real shapes: the Scaffolder skeleton is skipped and listed: {stdout}")
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW, "--strict")
    check(code == 1, f"real shapes: --strict fails on the warning ({code})")
    out = os.path.join(tmp, "real-shapes-site")
    code, stdout, stderr = run(NINES, "build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"real shapes: build exits 0 ({code}): {stdout}{stderr}")
    if code != 0:
        return
    web = {s["id"]: s for s in load(out, "api/services.json")}.get("web", {})
    check(web.get("dependencies", {}).get("upstream") == ["api"],
          f"real shapes: only the service dependency is upstream: {web.get('dependencies')}")
    slos = {s["id"]: s for s in load(out, "api/slos.json")}
    check(slos.get("web-a", {}).get("sli") == "my-sli" and slos.get("web-b", {}).get("sli") ==
          "my-sli", f"real shapes: both inline SLOs use the one SLI: {sorted(slos)}")
    for slo, days in (("web-nine", 9), ("web-thirty", 30), ("web-year", 365)):
        check(slos.get(slo, {}).get("window_days") == days,
              f"real shapes: {slo} window {slos.get(slo, {}).get('window_days')}, wanted {days}")
    # A different definition under the same inline name is still two SLIs of one id.
    write_files(repo, {"openslo/b.yaml": inline_slo("web-b", "sum(increase(other[{{window}}]))")})
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check(code == 1 and "duplicate sli id 'my-sli'" in stdout,
          f"real shapes: different inline indicators of one name are a duplicate ({code}): {stdout}")
    # A window too long for any number is a located error, never a crash.
    write_files(repo, {"openslo/b.yaml": inline_slo("web-b", "sum(increase(all[{{window}}]))"),
                       "pyrra/year.yaml": pyrra.format(name="web-year", window="9" * 400 + "d")})
    code, stdout, stderr = run(NINES, "check", repo, "--now", NOW)
    check(code == 1 and "pyrra/year.yaml:9:11: error: window '" in stdout and "[slo-window]" in
          stdout, f"real shapes: a huge window is an slo-window error ({code}): {stdout}{stderr}")
    # An SLO of a Component that nines reads as a catalog entry says so, and how to fix it; a
    # Backstage name twice is told to change its metadata.name (Backstage has no `id`).
    write_files(repo, {
        "pyrra/year.yaml": pyrra.format(name="web-year", window="1y"),
        "worker.yaml": component.format(name="worker", type="backend", extra="") + "---\n" +
        component.format(name="api", type="service", extra="").replace(
            "metadata:\n", "metadata:\n  namespace: default\n"),
        "sloth.yaml": "version: prometheus/v1\nservice: worker\nslos:\n  - name: jobs\n"
                      "    objective: 99.9\n    sli:\n      events:\n"
                      "        error_query: sum(rate(e[{{.window}}]))\n"
                      "        total_query: sum(rate(t[{{.window}}]))\n"
                      "    alerting:\n      page_alert:\n        disable: true\n"
                      "      ticket_alert:\n        disable: true\n"})
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check("sloth.yaml:2:10: warning: SLO 'worker-jobs' names service 'worker', a Backstage "
          "Component of type 'backend', which nines reads as a catalog entry, not a service"
          in stdout and "hint: give the Component spec.type service (or website, or unknown) at "
          "worker.yaml:1" in stdout, f"real shapes: an SLO of a catalog entry: {stdout}")
    check(code == 1 and "duplicate service id 'api'" in stdout and
          "hint: give one of them a different `metadata.name`" in stdout,
          f"real shapes: a Backstage name twice ({code}): {stdout}")


OPENSLO_SLI = ("apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: my-sli\nspec:\n"
               "  ratioMetric:\n    counter: true\n"
               "    good: {metricSource: {type: Prometheus, spec: {query: good_total}}}\n"
               "    total: {metricSource: {type: Prometheus, spec: {query: all_total}}}\n")


def openslo_slo(name, body):
    return ("apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: " + name + "\nspec:\n"
            "  service: web\n  budgetingMethod: Occurrences\n" + body)


def test_openslo_public_shapes(tmp):
    """Shapes of public OpenSLO v1 files: a composite SLO (its indicator in objectives[], with
    compositeWeight), a Service's displayName, objectives whose displayName is an index, and
    alert conditions missing what OpenSLO v1 requires (docs/dialects.md)."""
    repo = os.path.join(tmp, "openslo-shapes")
    write_files(repo, {
        "nines.yaml": "title: OpenSLO shapes\n",
        "openslo/service.yaml": "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: web\n"
                                "  displayName: Web Storefront\nspec:\n  description: The shop\n",
        "openslo/sli.yaml": OPENSLO_SLI,
        # A composite SLO: one objective by reference, one inline.
        "openslo/composite.yaml": openslo_slo("journey", "  timeWindow:\n    - duration: 28d\n"
            "      isRolling: true\n  objectives:\n    - displayName: Browse\n      target: 0.99\n"
            "      compositeWeight: 1\n      indicatorRef: my-sli\n    - displayName: Pay\n"
            "      target: 0.999\n      compositeWeight: 2\n      indicator:\n"
            "        metadata: {name: pay-ok, displayName: Payments OK}\n        spec:\n"
            "          ratioMetric:\n            counter: true\n"
            "            good: {metricSource: {type: Prometheus, spec: {query: pay_good_total}}}\n"
            "            total: {metricSource: {type: Prometheus, spec: {query: pay_total}}}\n"),
        # The index of the second objective is the first's displayName.
        "openslo/objid.yaml": openslo_slo("tiers", "  indicatorRef: my-sli\n  objectives:\n"
                                          "    - displayName: \"1\"\n      target: 0.999\n"
                                          "    - target: 0.99\n"),
    })
    code, stdout, _ = run(NINES, "check", repo, "--now", NOW)
    check(code == 0 and "0 errors" in stdout,
          f"shapes: a composite SLO checks clean ({code}): {stdout}")
    out = os.path.join(tmp, "openslo-shapes-site")
    code, stdout, stderr = run(NINES, "build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"shapes: build exits 0 ({code}): {stdout}{stderr}")
    if code != 0:
        return
    slos = {s["id"]: s for s in load(out, "api/slos.json")}
    check({k: v.get("sli") for k, v in slos.items()} ==
          {"journey.browse": "my-sli", "journey.pay": "pay-ok", "tiers.1": "my-sli",
           "tiers.1-2": "my-sli"},
          f"shapes: one SLO per objective, each its own SLI: {list(slos)}")
    check(close(slos.get("journey.pay", {}).get("target"), 99.9),
          f"shapes: the inline objective's target {slos.get('journey.pay')}")
    services = {s["id"]: s for s in load(out, "api/services.json")}
    check(services.get("web", {}).get("name") == "Web Storefront",
          f"shapes: the Service's displayName is its name: {services.get('web')}")

    # A burnrate condition without threshold and severity, as OpenSLO v1 forbids: errors at the
    # condition, and `nines rules` writes nothing.
    bad = os.path.join(tmp, "openslo-shapes-cond")
    write_files(bad, {
        "nines.yaml": "title: OpenSLO conditions\n",
        "openslo/sli.yaml": OPENSLO_SLI,
        "openslo/slo.yaml": openslo_slo("my-slo", "  indicatorRef: my-sli\n  objectives:\n"
                                        "    - target: 0.99\n  alertPolicies:\n"
                                        "    - kind: AlertPolicy\n      metadata:\n"
                                        "        name: p1\n"
                                        "      spec:\n        conditions:\n"
                                        "          - kind: AlertCondition\n            metadata:\n"
                                        "              name: fast-burn\n            spec:\n"
                                        "              condition:\n                kind: burnrate\n"
                                        "                op: gt\n"
                                        "                lookbackWindow: 1h\n"
                                        "        notificationTargets:\n"
                                        "          - targetRef: pager\n"),
    })
    code, stdout, _ = run(NINES, "check", bad, "--now", NOW)
    check(code == 1 and "openslo/slo.yaml:21:15: error: missing required field "
          "'spec.alertPolicies[0].spec.conditions[0].spec.severity' [schema]" in stdout and
          "openslo/slo.yaml:22:17: error: missing required field "
          "'spec.alertPolicies[0].spec.conditions[0].spec.condition.threshold' [schema]" in stdout,
          f"shapes: missing severity and threshold are located errors ({code}): {stdout}")
    rules = os.path.join(tmp, "shapes.rules.yaml")
    code, _, err = run(NINES, "rules", bad, "-o", rules, "--now", NOW)
    check(code == 1 and not os.path.exists(rules), f"shapes: rules writes nothing ({code}): {err}")

    # A condition the check stage cannot fault (a lookbackWindow too long to count, a name with
    # no letter or digit) gets no rule, and `nines rules` says so at it.
    slo = open(os.path.join(bad, "openslo", "slo.yaml")).read()
    slo = slo.replace("            spec:\n              condition:\n",
                      "            spec:\n              severity: page\n              condition:\n")
    slo = slo.replace("                op: gt\n",
                      "                op: gt\n                threshold: 2\n")
    long_window = slo.replace("lookbackWindow: 1h", "lookbackWindow: " + "9" * 400 + "h")
    write_files(bad, {"openslo/slo.yaml": long_window, "openslo/pager.yaml":
                      "apiVersion: openslo/v1\nkind: AlertNotificationTarget\nmetadata:\n"
                      "  name: pager\nspec:\n  target: pagerduty\n"})
    code, stdout, _ = run(NINES, "check", bad, "--now", NOW)
    check(code == 0, f"shapes: the fixed condition checks ({code}): {stdout}")
    code, _, err = run(NINES, "rules", bad, "-o", rules, "--now", NOW)
    text = open(rules).read() if os.path.exists(rules) else ""
    check(code == 0 and "- alert: fast-burn" not in text and
          "openslo/slo.yaml:17:13: warning: AlertCondition 'fast-burn' of SLO 'my-slo' gets no "
          "rule: its lookbackWindow '99999999999999999999…h' is no length nines can count "
          "[rules-openslo-condition]" in err,
          f"shapes: an uncountable window is said ({code}): {err}")
    write_files(bad, {"openslo/slo.yaml": slo.replace("name: fast-burn", "name: '!!!'")})
    code, _, err = run(NINES, "rules", bad, "-o", rules, "--now", NOW)
    check(code == 0 and "AlertCondition '!!!' of SLO 'my-slo' gets no rule: its metadata.name "
          "gives no id to name the alert [rules-openslo-condition]" in err,
          f"shapes: a name that is no id is said ({code}): {err}")
    write_files(bad, {"openslo/slo.yaml": slo})
    code, _, err = run(NINES, "rules", bad, "-o", rules, "--now", NOW)
    text = open(rules).read() if os.path.exists(rules) else ""
    check(code == 0 and "- alert: fast-burn\n" in text and "rules-openslo-condition" not in err,
          f"shapes: a complete condition is a rule ({code}): {err}")


def main():
    tmp = tempfile.mkdtemp(prefix="nines-dialects-")
    try:
        test_openslo(tmp)
        test_openslo_upstream(tmp)
        test_openslo_calendar_figures(tmp)
        test_backstage(tmp)
        test_sloth_pyrra(tmp)
        test_backstage_catalog(tmp)
        test_backstage_location_missing(tmp)
        test_openslo_alerting(tmp)
        test_openslo_threshold(tmp)
        test_backstage_catalog_entries(tmp)
        test_backstage_open_kinds(tmp)
        test_upstream_foreign(tmp)
        test_real_catalog_shapes(tmp)
        test_openslo_public_shapes(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
