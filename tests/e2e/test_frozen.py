#!/usr/bin/env python3
"""End-to-end test of frozen monthly reports (SPEC 1.3, 4.2; docs/api.md "Frozen reports"): a
month frozen with `nines report --freeze` keeps every figure once the metrics backend has dropped
the month, on the page, in the JSON, in Markdown, and as the base of the next month's changes.

Usage: test_frozen.py NINES
"""
import csv
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import Checks, copy_content, run as run_binary, write  # noqa: E402

NINES = os.path.abspath(sys.argv[1])
NOW = "2026-11-23T00:00:00Z"
MONTH, NEXT = "2026-10", "2026-11"
check = Checks()


def run(*args):
    return run_binary(NINES, *args)


def build(repo, out):
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"build {out} ({code}) {err[-400:]}")


def report(site, month):
    with open(os.path.join(site, "api", "reports", month + ".json"), encoding="utf-8") as f:
        return json.load(f)["monthly_report"]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def drop_month(repo, month):
    """The backend's retention: every metrics row dated in `month` is gone, and so is the store."""
    folder = os.path.join(repo, "metrics")
    dropped = 0
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        kept = [rows[0]] + [r for r in rows[1:] if not r[1].startswith(month)]
        dropped += len(rows) - len(kept)
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(kept)
    shutil.rmtree(os.path.join(repo, ".nines"), ignore_errors=True)
    return dropped


def main(tmp):
    repo = copy_content(tmp)
    live_site, with_data_site, gone_site = (os.path.join(tmp, n) for n in ("live", "with", "gone"))
    build(repo, live_site)
    code, out, err = run("report", "-C", repo, "--month", MONTH, "--now", NOW, "--freeze")
    check(code == 0 and "froze " + MONTH in out, f"freeze ({code}) {err}")
    build(repo, with_data_site)
    _, md_with_data, _ = run("report", "-C", repo, "--month", MONTH, "--now", NOW)
    check(drop_month(repo, MONTH) > 0, "the month's metrics rows were dropped")
    build(repo, gone_site)
    code, md_gone, err = run("report", "-C", repo, "--month", MONTH, "--now", NOW)
    check(code == 0, f"report of the frozen month without its data ({code}) {err}")

    live, gone = report(live_site, MONTH), report(gone_site, MONTH)
    # Without its data the frozen month reads exactly as it did with it: every figure is frozen.
    check(read(os.path.join(gone_site, "api", "reports", MONTH + ".json")) ==
          read(os.path.join(with_data_site, "api", "reports", MONTH + ".json")),
          "the frozen month's JSON does not depend on its data")
    check(md_gone == md_with_data, "the frozen month's Markdown does not depend on its data")
    page = os.path.join("reports", MONTH, "index.html")
    check(read(os.path.join(gone_site, page)) == read(os.path.join(with_data_site, page)),
          "the frozen month's page does not depend on its data")
    check(gone["frozen"] is True, "the report says it is frozen")

    # And exactly as the live build had it.
    check([s["slo"] for s in gone["slos"]] == [s["slo"] for s in live["slos"]],
          f"every SLO row is kept ({len(gone['slos'])} of {len(live['slos'])})")
    with_figures = 0
    for g, l in zip(gone["slos"], live["slos"]):
        with_figures += l["attainment_pct"] is not None
        check(g["attainment_pct"] == l["attainment_pct"] and
              g["budget_consumed_pct"] == l["budget_consumed_pct"] and
              g["days_with_data"] == l["days_with_data"] and g["meets"] == l["meets"],
              f"SLO {l['slo']} as live: {g} vs {l}")
    check(with_figures > 0, "the month had SLO figures to keep")
    # Every key of the changes, null ones included, as the live month had them (docs/api.md).
    check(sorted(gone["delta"]) == sorted(live["delta"]) and len(live["delta"]) == 24,
          f"the frozen delta keeps every key: {sorted(gone['delta'])}")
    for key, value in live["delta"].items():
        check((gone["delta"].get(key) is None) == (value is None), f"delta {key} as live")
    check(gone["service_budget_states"] == live["service_budget_states"] and
          gone["service_budget_states"], "the services' budget states are kept")
    for section in ("slo_summary", "error_budget", "incidents", "action_items"):
        for key, value in live[section].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                check(gone[section][key] == value, f"{section}.{key} as live")
            elif not isinstance(value, dict):
                check(gone[section][key] == value, f"{section}.{key} as live")
    check("| SLO | Service |" in md_gone, "the Markdown report keeps its SLO table")
    html = read(os.path.join(gone_site, page))
    for s in live["slos"]:
        check(s["slo"] in html or s["service"] in html, f"the page lists SLO {s['slo']}")

    # The next month's changes are against the frozen figures, with or without the data.
    nxt, frozen = report(gone_site, NEXT), gone
    numbers = {}
    for section in ("slo_summary", "error_budget", "incidents", "toil", "on_call", "action_items"):
        for key, value in frozen[section].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers[section + "." + key] = (value, nxt[section].get(key))
    for key, (before, now) in numbers.items():
        delta = nxt["delta"].get(key)
        if now is None:
            check(delta is None, f"delta {key} is null without a figure")
        else:
            check(delta is not None and abs(delta - (now - before)) < 1e-6,
                  f"delta {key} = {now} - {before}, got {delta}")
    for key in ("slo_summary.services_meeting_slo", "error_budget.services_in_healthy"):
        check(nxt["delta"].get(key) is not None, f"{NEXT} has a change for {key}")


def test_null_delta(tmp):
    """A month whose previous month has no report: every change is null, and freezing it keeps
    all of them, keys included, in the CLI's JSON and the API file (docs/api.md `delta`)."""
    repo = os.path.join(tmp, "nulls")
    write(os.path.join(repo, "nines.yaml"), "title: Mini\nteams:\n  t1:\n    name: T1\n")
    write(os.path.join(repo, "services", "svc.yaml"),
          "service:\n  name: svc\n  tier: critical\n  owner_team: t1\n")
    write(os.path.join(repo, "slis", "avail.yaml"), "sli:\n  name: avail\n")
    write(os.path.join(repo, "slos", "svc-avail.yaml"),
          "slo:\n  id: svc-avail\n  service: svc\n  sli: avail\n  target: 99.0\n  window: 28d\n")
    write(os.path.join(repo, "metrics", "svc.csv"),
          "slo,date,good,total\nsvc-avail,2026-10-30,1000,1000\nsvc-avail,2026-10-31,940,1000\n")

    def delta():
        code, out, err = run("report", "-C", repo, "--month", MONTH, "--format", "json",
                             "--now", NOW)
        check(code == 0, f"report json ({code}) {err}")
        return json.loads(out)["monthly_report"]["delta"] if code == 0 else {}

    live = delta()
    check(len(live) == 24 and all(v is None for v in live.values()), f"live delta: {live}")
    code, _, err = run("report", "-C", repo, "--month", MONTH, "--freeze", "--now", NOW)
    check(code == 0, f"freeze ({code}) {err}")
    check(delta() == live, f"the frozen delta keeps its null keys: {delta()}")
    site = os.path.join(tmp, "nulls-site")
    build(repo, site)
    check(report(site, MONTH)["delta"] == live, "api/reports keeps the null keys")


def test_at_the_line(tmp):
    """Figures just across a line the report draws keep their side of it once frozen: an
    attainment a hair under its target does not read as the target, and a budget a hair overspent
    does not read as exactly 100% (docs/commands.md, how figures are rounded)."""
    repo = os.path.join(tmp, "line")
    write(os.path.join(repo, "nines.yaml"), "title: Line\nteams:\n  t1:\n    name: T1\n")
    write(os.path.join(repo, "services", "svc.yaml"),
          "service:\n  name: svc\n  tier: critical\n  owner_team: t1\n")
    write(os.path.join(repo, "slis", "avail.yaml"), "sli:\n  name: avail\n")
    write(os.path.join(repo, "slos", "svc-avail.yaml"),
          "slo:\n  id: svc-avail\n  service: svc\n  sli: avail\n  target: 99.5\n  window: 28d\n")
    rows = ["slo,date,good,total"]
    rows += [f"svc-avail,2026-10-{d:02d},2985000,3000000" for d in range(1, 31)]
    rows += ["svc-avail,2026-10-31,9949999,10000000"]
    write(os.path.join(repo, "metrics", "svc.csv"), "\n".join(rows) + "\n")

    def texts():
        code, md, err = run("report", "-C", repo, "--month", MONTH, "--now", NOW)
        check(code == 0, f"report ({code}) {err}")
        code, js, err = run("report", "-C", repo, "--month", MONTH, "--now", NOW,
                            "--format", "json")
        check(code == 0, f"report json ({code}) {err}")
        row = [line for line in md.splitlines() if line.startswith("| svc-avail")]
        return row, json.loads(js)["monthly_report"] if code == 0 else {}

    row, live = texts()
    check(row and "99.49%" in row[0] and "100.1%" in row[0], f"live row: {row}")
    code, _, err = run("report", "-C", repo, "--month", MONTH, "--freeze", "--now", NOW)
    check(code == 0, f"freeze ({code}) {err}")
    frozen_row, frozen = texts()
    check(frozen_row == row, f"the frozen row reads as the live one: {frozen_row} vs {row}")
    check(frozen["slos"] == live["slos"], f"frozen SLO figures: {frozen['slos']} vs {live['slos']}")


tmp = tempfile.mkdtemp(prefix="nines-frozen-")
try:
    main(tmp)
    test_null_delta(tmp)
    test_at_the_line(tmp)
finally:
    shutil.rmtree(tmp)
sys.exit(check.finish())
