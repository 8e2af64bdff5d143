#!/usr/bin/env python3
"""End-to-end tests of `nines build`: the JSON API's figures, determinism, atomic output, and the
store's failure modes. Runs the real binary on copies of content/ and small generated repos.

Usage: test_build.py NINES SOURCE_DIR
"""
import filecmp
import json
import re
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from support import SOURCE_DIR, Checks, copy_content, tree, write

NINES, SRC = sys.argv[1], sys.argv[2]
THEME = os.path.join(SOURCE_DIR, "themes", "default")  # the theme compiled into nines
NOW = "2026-11-23T00:00:00Z"
check = Checks()


def close(a, b, tol=1e-9):
    return a is not None and b is not None and abs(a - b) <= tol * max(1.0, abs(b))


def run(*args, cwd=None):
    p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace", timeout=300,
                       cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def load(out, rel):
    with open(os.path.join(out, rel)) as f:
        return json.load(f)


def test_content_figures(tmp):
    repo = copy_content(tmp)
    out = os.path.join(tmp, "out")
    code, stdout, stderr = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"build exits 0 ({code}): {stderr[-500:]}")
    slos = {s["id"]: s for s in load(out, "api/slos.json")}

    # SPEC 5 fixes these fields for scripts.
    spec_fields = {"id", "service", "sli", "target", "window_days", "attainment_pct",
                   "budget_consumed_pct", "budget_remaining_pct", "state", "burn_rates",
                   "projected_exhaustion", "data"}
    for s in slos.values():
        check(spec_fields <= set(s), f"{s['id']} has every SPEC field")
        check(set(s["burn_rates"]) == {"1h", "6h", "24h", "3d"}, "burn rate windows")
        check(set(s["data"]) >= {"status", "as_of"}, "data status and as_of")

    # driver-app-bff-availability, target 99.9, window 28d. With now 2026-11-23T00:00Z the window
    # is the 28 whole days 2026-10-26 … 2026-11-22. Summing content/metrics/delivery.csv by hand:
    #   Σgood = 56,916,446   Σtotal = 56,993,041
    #   A = 56916446/56993041 = 0.9986560639920934  → attainment 99.86560639920934 %
    #   b = 1 − 99.9/100 = 0.001;  C = (1 − A)/b = 1.343936  → consumed 134.39 %
    #   R = 1 − C = −0.343936 → remaining −34.39 %, state exhausted, no projected exhaustion.
    #   Last whole day 2026-11-22: 1,430,947 good of 1,431,370 → B24h = (1 − 0.999704…)/0.001 = 0.29552
    d = slos["driver-app-bff-availability"]
    check(close(d["attainment_pct"], 100 * 56916446 / 56993041), f"driver attainment {d['attainment_pct']}")
    check(close(d["budget_consumed_pct"], 100 * (1 - 56916446 / 56993041) / 0.001, 1e-6), "driver consumed")
    check(close(d["budget_remaining_pct"], 100 - 100 * (1 - 56916446 / 56993041) / 0.001, 1e-6), "driver remaining")
    check(d["state"] == "exhausted", "driver exhausted")
    check(d["projected_exhaustion"] is None, "no projection when already exhausted")
    check(close(d["burn_rates"]["24h"], (1 - 1430947 / 1431370) / 0.001, 1e-6), "driver 24h burn")
    check(d["burn_rates"]["1h"] is None and d["burn_rates"]["6h"] is None,
          "sub-day windows are null without a live source")
    check(d["data"] == {"status": "fresh", "as_of": "2026-11-22", "age_days": 0,
                        "provisional": False, "live_missing": []}, f"driver data {d['data']}")

    # checkout-api-availability, target 99.95: Σgood 108,239,663 of 108,274,633.
    #   C = (1 − A)/0.0005 = 0.64595 → remaining 35.40 %: warning (25 < R ≤ 50).
    #   B24h on 2026-11-22 = (1 − 2681506/2682015)/0.0005 = 0.379565
    #   projected exhaustion = now + R·W/B24h = 2026-11-23 + 0.35405·28/0.379565 days
    #                        = 2026-11-23 + 26.12 days → 2026-12-19
    c = slos["checkout-api-availability"]
    check(c["state"] == "warning", "checkout warning")
    check(close(c["budget_remaining_pct"], 100 * (1 - (1 - 108239663 / 108274633) / 0.0005), 1e-6), "checkout remaining")
    check(c["projected_exhaustion"] == "2026-12-19", f"checkout projection {c['projected_exhaustion']}")

    # dispatch-service-availability: remaining 9.34 % → critical (0 < R ≤ 25).
    check(slos["dispatch-service-availability"]["state"] == "critical", "dispatch critical")

    # eta-predictor-accuracy has no recorded data at all: missing, never 100 %.
    e = slos["eta-predictor-accuracy"]
    check(e["state"] == "missing" and e["attainment_pct"] is None and e["budget_remaining_pct"] is None,
          "no data is missing, not 100%")
    check(e["data"]["status"] == "missing", "missing data status")

    # Every other file of SPEC 5 exists and parses.
    for rel in ["api/services.json", "api/maturity.json", "api/readiness.json", "api/diagnostics.json"]:
        check(os.path.exists(os.path.join(out, rel)), f"{rel} written")
        load(out, rel)
    readiness = load(out, "api/readiness.json")
    check(all(len(r["rows"]) == 28 for r in readiness), "28 readiness rows per service")
    check(all("stale" in s for r in readiness for s in r["signoffs"]), "sign-offs carry stale")

    # Reports: one per month with data, the seed's field names.
    index = load(out, "api/reports/index.json")
    check(index == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"], f"report months {index}")
    oct_report = load(out, "api/reports/2026-10.json")["monthly_report"]
    seed_keys = {"period", "slo_summary", "incidents", "error_budget", "toil", "on_call",
                 "action_items", "highlights", "concerns", "next_month_priorities"}
    check(seed_keys <= set(oct_report), "report has the seed's fields")
    # Page counts are counts: 150, never 150.0 (the schemas take whole numbers only).
    on_call = oct_report["on_call"]
    check(all(isinstance(on_call[k], int) for k in ("total_pages", "off_hours_pages")),
          f"report on-call counts are integers: {on_call}")
    for r in load(out, "api/oncall.json"):
        for p in r.get("periods", []):
            check(all(p[k] is None or isinstance(p[k], int)
                      for k in ("pages", "shifts", "off_hours_pages")),
                  f"oncall.json counts are integers: {p}")
    check(set(oct_report["incidents"]["by_severity"]) == {"SEV1", "SEV2", "SEV3", "SEV4"}, "by_severity")
    # Postmortems dated in October 2026: 2026-10-08 (SEV1), 2026-10-14 (SEV2) and 2026-10-29 (SEV3).
    check(oct_report["incidents"]["total"] == 3, f"October incidents {oct_report['incidents']['total']}")
    check(oct_report["incidents"]["by_severity"]["SEV1"] == 1, "one SEV1 in October")
    # July has recorded data but no postmortem: zero incidents and a null MTTR, never 0 minutes.
    jul = load(out, "api/reports/2026-07.json")["monthly_report"]
    check(jul["incidents"]["total"] == 0 and jul["incidents"]["mttr_minutes"] is None,
          "a month without incidents has null MTTR")
    check("delta" in oct_report, "report has deltas")

    # Golden signals offline, from the recorded metrics/golden-signals.csv: checkout-api's
    # latency on the last closed day (2026-11-22) is that file's value, with its chart; the
    # eta-predictor saturation recording stops on 2026-11-18, so its card is 4 days stale.
    with open(os.path.join(repo, "metrics", "golden-signals.csv")) as f:
        recorded = {tuple(l.split(",")[:3]): l.strip().split(",")[3] for l in f if l[0] != "s"}
    page = open(os.path.join(out, "services", "checkout-api", "index.html")).read()
    latency = recorded[("checkout-api", "latency_p99", "2026-11-22")]
    check("no stored data" not in page and f">{latency}<" in page and
          "Latency (p99) of checkout-api, 28 days to 2026-11-22" in page,
          f"checkout-api's golden signals are the recorded ones (latency {latency})")
    eta = open(os.path.join(out, "services", "eta-predictor", "index.html")).read()
    check("Saturation 4 days old" in eta, "a recorded signal that stopped is marked stale")
    return repo, out


def test_report_without_budgets(tmp):
    """A month with a people's report and no SLO data: its page keeps the error budget section and
    says why nothing is counted, as its other sections say "no data"."""
    repo = copy_content(tmp + "/no-budgets")
    write(os.path.join(repo, "reports", "2026-05.yaml"),
          'monthly_report:\n  period: "2026-05"\n  highlights: ["Quiet month"]\n')
    out = os.path.join(tmp, "no-budgets-out")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"build ({code}) {err[-300:]}")
    may = load(out, "api/reports/2026-05.json")["monthly_report"]["error_budget"]
    page = open(os.path.join(out, "reports", "2026-05", "index.html")).read()
    check(may["services_in_healthy"] is None and "Error budgets at the end of the month" in page
          and "No service had SLO data" in page,
          f"a month without budgets shows the section, saying why: {may}")


def test_deterministic(tmp, repo):
    a, b = os.path.join(tmp, "det-a"), os.path.join(tmp, "det-b")
    run("build", repo, "-o", a, "--offline", "--now", NOW)
    run("build", repo, "-o", b, "--offline", "--now", NOW)
    cmp = filecmp.dircmp(a, b)

    def same(c):
        if c.left_only or c.right_only or c.diff_files or c.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return not mismatch and not errors and all(same(s) for s in c.subdirs.values())

    check(same(cmp), "two builds with the same input and now are byte-identical")


def test_atomic(tmp, repo, out):
    before = {f: open(os.path.join(out, "api", f), "rb").read() for f in os.listdir(os.path.join(out, "api"))
              if f.endswith(".json")}
    with open(os.path.join(repo, "services", "broken.yaml"), "w") as f:
        f.write("service:\n  name: broken\n  tier: [\n")
    code, _, stderr = run("build", repo, "-o", out, "--offline", "--now", NOW)
    os.remove(os.path.join(repo, "services", "broken.yaml"))
    check(code == 1, f"a content error fails the build ({code})")
    after = {f: open(os.path.join(out, "api", f), "rb").read() for f in before}
    check(before == after, "a failed build leaves the previous site as it was")
    leftovers = [n for n in os.listdir(tmp) if n.startswith("out.tmp") or n.startswith("out.old")]
    check(not leftovers, f"no temp folders left beside OUT: {leftovers}")


def test_killed_build(tmp):
    """A build killed at any moment leaves the previous site as it was."""
    import signal
    import time
    repo = os.path.join(tmp, "big")
    write(os.path.join(repo, "nines.yaml"), "teams:\n  t:\n    name: T\n    members: [a, b, c, d, e]\n")
    write(os.path.join(repo, "sli.yaml"), "sli:\n  name: ok\n")
    for i in range(1500):
        write(os.path.join(repo, "services", f"s{i}.yaml"),
              f"service:\n  name: s{i}\n  tier: standard\n  owner_team: t\n  description: Service {i}\n")
    out = os.path.join(tmp, "big-out")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"big build ok ({code}) {err[-300:]}")
    snapshot = {}
    for d, _, names in os.walk(out):
        for n in names:
            p = os.path.join(d, n)
            snapshot[os.path.relpath(p, out)] = open(p, "rb").read()
    write(os.path.join(repo, "services", "s0.yaml"),
          "service:\n  name: s0\n  tier: standard\n  owner_team: t\n  description: Changed\n")
    for delay in (0.05, 0.2, 0.5, 1.0):
        p = subprocess.Popen([NINES, "build", repo, "-o", out, "--offline", "--now", NOW],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        now_files = {}
        for d, _, names in os.walk(out):
            for n in names:
                q = os.path.join(d, n)
                now_files[os.path.relpath(q, out)] = open(q, "rb").read()
        # Either the old site, untouched, or (if the build finished first) a complete new one.
        finished = now_files.keys() == snapshot.keys() and now_files != snapshot
        check(now_files == snapshot or finished, f"killed after {delay}s: site intact")
    # The next run cleans whatever temp folder a killed run left beside OUT.
    run("build", repo, "-o", out, "--offline", "--now", NOW)
    leftovers = [n for n in os.listdir(tmp) if n.startswith("big-out.")]
    check(not leftovers, f"no temp folders left after the next build: {leftovers}")


def test_swap_in_one_step(tmp):
    """A build killed at each system call around the swap leaves OUT the whole previous site or
    the whole new one, never neither (strace stops the process at the call named)."""
    if shutil.which("strace") is None or subprocess.run(
            ["strace", "-qq", "-o", os.devnull, "true"], capture_output=True).returncode != 0:
        print("SKIP: strace cannot trace here")
        return
    repo = copy_content(tmp, "swap")
    out, ref = os.path.join(tmp, "swap-out"), os.path.join(tmp, "swap-ref")
    svc = os.path.join(repo, "services", "dispatch-service.yaml")
    original = open(svc).read()
    changed = re.sub(r"(?m)^  language: .*$", "  language: Rust", original)
    check(changed != original, "the service names a language to change")
    write(svc, changed)
    code, _, err = run("build", repo, "-o", ref, "--offline", "--now", NOW)
    check(code == 0, f"reference build ok ({code}) {err[-300:]}")
    new_site = tree(ref)
    points = [("renameat2", 1)] + [("rename", k) for k in range(1, 7)] + [("unlinkat", 1)]
    for call, when in points:
        write(svc, original)
        code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
        check(code == 0, f"previous site built ({code}) {err[-300:]}")
        old_site = tree(out)
        write(svc, changed)
        subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={call}", "-e",
                        f"inject={call}:signal=KILL:when={when}", NINES, "build", repo, "-o", out,
                        "--offline", "--now", NOW], capture_output=True, timeout=300)
        now = tree(out) if os.path.isdir(out) else None
        check(now == old_site or now == new_site,
              f"killed at {call} #{when}: OUT is the previous site or the new one, whole")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0 and tree(out) == new_site, f"the next build completes the site ({code})")
    leftovers = [n for n in os.listdir(tmp) if n.startswith("swap-out.")]
    check(not leftovers, f"and clears what the killed builds left beside it: {leftovers}")


def test_config_replaced_during_build(tmp):
    """nines.yaml replaced between the build's read of it and its fingerprint's (an editor's
    save, `git checkout`): the build goes on with what it read, and the next build sees the new
    file, never taking the site of the old settings for the new file's (strace holds the
    build's read of nines.yaml open 2 s while the file is replaced, as `sed -i` does)."""
    if shutil.which("strace") is None or subprocess.run(
            ["strace", "-qq", "-o", os.devnull, "true"], capture_output=True).returncode != 0:
        print("SKIP: strace cannot trace here")
        return
    repo = os.path.abspath(copy_content(tmp, "replaced"))
    out = os.path.join(tmp, "replaced-out")
    config = os.path.join(repo, "nines.yaml")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"first build ({code}) {err[-300:]}")
    text = open(config, encoding="utf-8").read()
    check(re.search(r"(?m)^title: ", text), "the example names its title")
    new_text = re.sub(r"(?m)^title: .*$", "title: Replaced Title", text)

    def replace_later():
        time.sleep(1.0)
        write(config + ".new", new_text)
        os.replace(config + ".new", config)

    opens = []
    for when in (1, 2, 3):
        t = threading.Thread(target=replace_later)
        write(config, text)
        code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
        t.start()
        subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "-P", config, "-e",
                        "trace=openat", "-e", f"inject=openat:delay_exit=2000000:when={when}",
                        NINES, "build", repo, "-o", out, "--offline", "--now", NOW],
                       capture_output=True, timeout=300)
        t.join()
        code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
        page = open(os.path.join(out, "index.html"), encoding="utf-8").read()
        opens.append(code == 0 and "Replaced Title" in page)
    check(all(opens), f"the build after a nines.yaml replaced mid-build shows the new file, "
                      f"whichever read was held: {opens}")


def test_corrupt_store(tmp):
    repo = copy_content(tmp + "/corrupt")
    os.makedirs(os.path.join(repo, ".nines"), exist_ok=True)
    db = os.path.join(repo, ".nines", "cache.db")
    garbage = b"\xab" * 4096
    with open(db, "wb") as f:
        f.write(garbage)
    code, _, stderr = run("build", repo, "-o", os.path.join(tmp, "corrupt-out"), "--offline", "--now", NOW)
    check(code == 3, f"a corrupt store exits 3 ({code})")
    check("corrupt" in stderr and "cache.db" in stderr, f"the error names the store: {stderr[-300:]}")
    check(open(db, "rb").read() == garbage, "a corrupt store is never wiped")


def test_edge_cases(tmp):
    repo = os.path.join(tmp, "edge")
    write(os.path.join(repo, "nines.yaml"), "teams:\n  t:\n    name: T\n    members: [a, b, c, d, e]\n")
    write(os.path.join(repo, "sli.yaml"), "sli:\n  name: ok\n")
    write(os.path.join(repo, "svc.yaml"), "service:\n  name: svc\n  tier: standard\n  owner_team: t\n")
    slos = ""
    for sid in ["young", "quiet"]:
        slos += f"---\nslo:\n  id: {sid}\n  service: svc\n  sli: ok\n  target: 99\n  window: 28d\n"
    write(os.path.join(repo, "slos.yaml"), slos)
    # young: data only for the last 2 days of the window, 1 bad in 1000 each day.
    #   A = 1998/2000 = 0.999 → C = 0.001/0.01 = 0.1 → remaining 90 %, coverage 2 of 28 days.
    # quiet: traffic only on 2026-11-20; zero-traffic days after it are no data for the figures,
    #   so the 24h burn (the last whole day, 2026-11-22) is null; but they were recorded, so the
    #   data is current (fresh, as of 2026-11-22): an idle day is not a pull that stopped.
    write(os.path.join(repo, "metrics", "data.csv"),
          "slo,date,good,total\nyoung,2026-11-21,999,1000\nyoung,2026-11-22,999,1000\n"
          "quiet,2026-11-20,50,50\nquiet,2026-11-21,0,0\nquiet,2026-11-22,0,0\n")
    out = os.path.join(tmp, "edge-out")
    code, _, stderr = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"edge build ok ({code}) {stderr[-300:]}")
    s = {x["id"]: x for x in load(out, "api/slos.json")}
    y = s["young"]
    check(close(y["budget_remaining_pct"], 90.0, 1e-6), f"young remaining {y['budget_remaining_pct']}")
    check(y["coverage"]["days_with_data"] == 2 and y["coverage"]["window_start_before_first_data"],
          "window reaching before the first data is flagged")
    q = s["quiet"]
    check(q["burn_rates"]["24h"] is None, "zero traffic on the last day: no 24h burn rate")
    check(close(q["attainment_pct"], 100.0), "quiet attainment over the days with traffic")
    check(q["data"]["as_of"] == "2026-11-22" and q["data"]["status"] == "fresh",
          f"quiet as_of {q['data']}")
    check(q["projected_exhaustion"] is None, f"quiet: no 24h burn to project with {q}")


def test_band_edges_read_alike(tmp):
    """A figure a hair past a line reads past it on every page, as in the terminal: 50.04% of the
    budget left (healthy: > 50%) is 50.1% everywhere, never 50.0%; a team's toil at 25.04% of its
    SRE hours (target < 25%) is 25.1%."""
    repo = os.path.join(tmp, "band")
    write(os.path.join(repo, "nines.yaml"),
          "teams:\n  tx:\n    name: X\n    members: 5\n    sre_hours_per_month: 40\n")
    write(os.path.join(repo, "s.yaml"),
          "service: {name: svc, tier: standard, owner_team: tx}\n---\nsli: {name: sx}\n---\n"
          "slo: {id: edge, service: svc, sli: sx, target: 99.9, window: 1d, burn_rate_alerts: []}\n"
          "---\ntoil_item: {name: chore, service: svc, teams_affected: [tx], frequency: monthly, "
          "time_per_occurrence_min: 601, occurrences_per_month: 1}\n")
    write(os.path.join(repo, "metrics", "d.csv"), "slo,date,good,total\nedge,2026-10-31,99950040,100000000\n")
    out = os.path.join(tmp, "band-out")
    code, _, stderr = run("build", repo, "-o", out, "--offline", "--now", "2026-11-01")
    check(code == 0, f"band build ok ({code}) {stderr[-300:]}")
    check(close(load(out, "api/slos.json")[0]["budget_remaining_pct"], 50.04),
          "50.04% of the budget left")
    pages = ["index.html", "slos/index.html", "services/svc/index.html", "slos/edge/index.html"]
    for rel in pages:
        with open(os.path.join(out, rel)) as f:
            html = f.read()
        check("50.1%" in html, f"{rel} reads the budget left as 50.1%")
        shown = re.findall(r"(?:remaining|left)[^%]{0,120}?50\.0%", html)
        check(not shown, f"{rel} never reads it as 50.0%: {shown[:2]}")
    code, stdout, _ = run("budget", "edge", "-C", repo, "--now", "2026-11-01")
    check("50.1%" in stdout, f"budget reads 50.1%: {stdout}")
    code, stdout, _ = run("toil", "-C", repo, "--now", "2026-11-01")
    check("25.1%" in stdout and "25.0%" not in stdout, f"toil reads 25.1%: {stdout}")
    for rel in ["toil/index.html", "teams/index.html"]:
        path = os.path.join(out, rel)
        if os.path.exists(path):
            with open(path) as f:
                html = f.read()
            # (The chart's reference line is the target itself, "at 25.0%".)
            wrong = re.findall(r">25\.0%<|X: 25\.0%", html)
            check("25.1%" in html and not wrong, f"{rel} reads toil as 25.1%: {wrong[:2]}")


def test_signoff(tmp):
    repo = copy_content(tmp + "/signoff")
    code, out, err = run("signoff", "checkout-api", "-C", repo, "--now", NOW, "--name", "Ana Lima",
                         "--role", "SRE lead", "--decision", "approved")
    check(code == 0, f"signoff exits 0 ({code}) {err}")
    text = open(os.path.join(repo, "readiness", "checkout-api.yaml")).read()
    check("- name: Ana Lima" in text and "date: 2026-11-23" in text, "sign-off written to the review")

    def signoffs():
        o = os.path.join(tmp, "signoff-out")
        run("build", repo, "-o", o, "--offline", "--now", NOW)
        for r in load(o, "api/readiness.json"):
            if r["service"] == "checkout-api":
                return {s["name"]: s["stale"] for s in r["signoffs"]}, r["approved"]
    names, approved = signoffs()
    check(names.get("Ana Lima") is False and approved, f"a fresh sign-off is current: {names}")
    # Changing what was reviewed makes the sign-off stale.
    svc = os.path.join(repo, "services", "checkout-api.yaml")
    text = open(svc).read()
    with open(svc, "w") as f:
        f.write(text.replace("  tier: critical", "  tier: critical\n  language: rust", 1)
                if "  language:" not in text else text.replace("  language:", "  language: rust\n  x-was:", 1))
    names, approved = signoffs()
    check(names.get("Ana Lima") is True and not approved, f"a changed service makes it stale: {names}")
    # Started in a folder below the repository's root (as `-C` to it or as the current folder),
    # it signs the same file: the review's path is relative to the root the walk found.
    for how in ("-C", "cwd"):
        sub = os.path.join(repo, "slos")
        where = ["-C", sub] if how == "-C" else []
        code, _, err = run("signoff", "checkout-api", *where, "--now", NOW, "--name", "Sub " + how,
                           "--role", "SRE", "--decision", "conditional",
                           cwd=sub if how == "cwd" else None)
        check(code == 0, f"signoff from a subfolder ({how}) exits 0 ({code}) {err}")
        text = open(os.path.join(repo, "readiness", "checkout-api.yaml")).read()
        check("- name: Sub " + how in text, f"the subfolder sign-off ({how}) is in the review")
    code, _, err = run("signoff", "checkout-ap", "-C", repo, "--now", NOW, "--name", "X", "--role",
                       "Y", "--decision", "approved")
    check(code == 2 and "did you mean 'checkout-api'" in err, "unknown service suggests the right one")
    code, _, err = run("signoff", "checkout-api", "-C", repo, "--name", "X", "--role", "Y",
                       "--decision", "maybe")
    check(code == 2, "a bad decision is a usage error")

    # A review file that cannot be written is a file nines cannot reach: exit 3, not the content
    # error's 1, and the file as it was. Root writes into read-only folders, so as root the file
    # is made immutable instead (where the file system allows it).
    review = os.path.join(repo, "readiness", "checkout-api.yaml")
    with open(review, encoding="utf-8") as f:
        held = f.read()
    folder = os.path.dirname(review)
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        lock, unlock = True, lambda: os.chmod(folder, 0o755)
    else:
        lock = subprocess.run(["chattr", "+i", review], capture_output=True).returncode == 0 \
            if shutil.which("chattr") else False
        unlock = lambda: subprocess.run(["chattr", "-i", review], capture_output=True)
    if lock:
        try:
            code, _, err = run("signoff", "checkout-api", "-C", repo, "--now", NOW, "--name", "Io",
                               "--role", "SRE", "--decision", "approved")
        finally:
            unlock()
        check(code == 3 and "cannot record the sign-off" in err and "internal error" not in err,
              f"an unwritable review: exit 3 ({code}) {err}")
        with open(review, encoding="utf-8") as f:
            check(f.read() == held, "the unwritable review is untouched")
    else:
        print("  (skipped: the review file cannot be made unwritable here)")

def small_edit_repo(root, review):
    """A one-service repository with 28 days of data and the readiness review `review`."""
    os.makedirs(os.path.join(root, "metrics"))
    write(os.path.join(root, "nines.yaml"),
          "title: M\nteams:\n  t1: {name: T1, members: 5, sre_hours_per_month: 100}\n")
    write(os.path.join(root, "svc.yaml"),
          "service: {name: api, tier: standard, owner_team: t1}\n---\n"
          "sli: {name: ok, description: ok, type: availability}\n---\n"
          "slo: {id: api-avail, service: api, sli: ok, target: 99, window: 28d}\n")
    rows = "".join(f"api-avail,2026-10-{d:02d},990,1000\n" for d in range(4, 32))
    write(os.path.join(root, "metrics", "m.csv"), "slo,date,good,total\n" + rows)
    write(os.path.join(root, "rr.yaml"), review)


def test_edit_refusals(tmp):
    now = "2026-11-01T00:00:00Z"
    # A review in flow style: its fields share the kind key's line, which the edit would have
    # replaced (the review was lost and the sign-off recorded against nothing). Refused, located
    # at the `{` of the file as it is, and the file is untouched.
    flow = tmp + "/edit-flow"
    review = ("# header\nreadiness_review: {service: api, date: 2026-10-01, items: [{check: "
              "slos.targets-agreed, status: pass, evidence: x}], signoffs: []}\n# trailer\n")
    small_edit_repo(flow, review)
    code, _, err = run("check", flow, "--now", now)
    check(code == 0, f"the flow review checks clean ({code}) {err}")
    for held in [review, review.replace(", signoffs: []", "")]:
        write(os.path.join(flow, "rr.yaml"), held)
        code, out, err = run("signoff", "api", "-C", flow, "--now", now, "--name", "a", "--role",
                             "r", "--decision", "approved")
        check(code == 1 and "recorded" not in out and "rr.yaml:2:19: cannot record the sign-off" in err
              and "flow style" in err and "nothing was changed" in err,
              f"a flow review is refused at its place ({code}) {out} {err}")
        with open(os.path.join(flow, "rr.yaml"), encoding="utf-8") as f:
            check(f.read() == held, "the flow review is untouched")

    # Usage errors before anything is read or written: an empty or blank name or role, one with
    # a line break or a control character, an empty decision.
    block = tmp + "/edit-block"
    # (Its x-notes make it the largest file by nodes, for the node limit below.)
    review = ("readiness_review:\n  service: api\n  date: 2026-10-01\n  items:\n"
              "    - {check: slos.targets-agreed, status: pass, evidence: x}\n"
              "  x-notes: [%s]\n  signoffs: []\n" % ", ".join(["n"] * 40))
    small_edit_repo(block, review)
    for args in [["--name", "", "--role", "r", "--decision", "approved"],
                 ["--name", "a", "--role", " ", "--decision", "approved"],
                 ["--name", "a\nb", "--role", "r", "--decision", "approved"],
                 ["--name", "a", "--role", "r\x1b[31m", "--decision", "approved"],
                 ["--name", "a\udcff", "--role", "r", "--decision", "approved"],  # byte 0xFF
                 ["--name", "a", "--role", "r", "--decision", ""]]:
        code, out, err = run("signoff", "api", "-C", block, "--now", now, *args)
        check(code == 2 and "recorded" not in out and "nothing was changed" not in err,
              f"signoff {args!r} is a usage error ({code}) {err}")
        with open(os.path.join(block, "rr.yaml"), encoding="utf-8") as f:
            check(f.read() == review, f"signoff {args!r} wrote nothing")

    # An edit the repository rejects is put back, and its findings in the edited file name no
    # line: the lines were those of the text thrown away. (A node limit the review meets, which
    # the sign-off's fields go past.)
    limit = None
    for n in range(10, 200):
        write(os.path.join(block, "nines.yaml"),
              "title: M\nlimits: {max_yaml_nodes: %d}\nteams:\n"
              "  t1: {name: T1, members: 5, sre_hours_per_month: 100}\n" % n)
        if run("check", block, "--now", now)[0] == 0:
            limit = n
            break
    check(limit is not None, "a node limit the repository meets")
    code, out, err = run("signoff", "api", "-C", block, "--now", now, "--name", "a", "--role", "r",
                         "--decision", "approved")
    check(code == 1 and "rr.yaml:1:1: error:" in err and "yaml-too-large" in err and
          not re.search(r"rr\.yaml:(?!1:1:)\d", err) and "nothing was changed" in err,
          f"a rejected sign-off names no line of the discarded text, only the file's start ({code}) {err}")
    with open(os.path.join(block, "rr.yaml"), encoding="utf-8") as f:
        check(f.read() == review, "the rejected sign-off is put back")

    # report --freeze on a monthly_report in flow style: refused (exit 1, located), never the
    # internal error's 4, and the file untouched.
    fz = copy_content(tmp + "/edit-freeze")
    for name in os.listdir(os.path.join(fz, "reports")):
        if name.startswith("2026-10"):
            os.remove(os.path.join(fz, "reports", name))
    held = ('monthly_report: {period: "2026-10", highlights: [Big win], concerns: [], '
            'next_month_priorities: []}\n')
    write(os.path.join(fz, "reports", "2026-10.yaml"), held)
    code, out, err = run("report", "-C", fz, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 1 and "froze" not in out and "internal error" not in err and
          "reports/2026-10.yaml:1:17: cannot freeze 2026-10" in err and "flow style" in err,
          f"a flow monthly_report is refused ({code}) {err}")
    with open(os.path.join(fz, "reports", "2026-10.yaml"), encoding="utf-8") as f:
        check(f.read() == held, "the flow monthly_report is untouched")


def test_freeze(tmp):
    repo = copy_content(tmp + "/freeze")
    code, before, err = run("report", "-C", repo, "--month", "2026-10", "--now", NOW, "--format", "json")
    check(code == 0, f"report json ({code}) {err}")
    code, out, err = run("report", "-C", repo, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 0 and "froze 2026-10" in out, f"freeze ({code}) {err}")
    code, _, err = run("report", "-C", repo, "--month", "2026-11", "--now", NOW, "--freeze")
    check(code == 2 and "not over yet" in err, "an open month cannot be frozen (a usage error)")
    code, _, err = run("report", "-C", repo, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 1 and "already frozen" in err, "a frozen month is never rewritten")
    # The backend forgets: no recorded data and a new store. The frozen report stays the same.
    shutil.rmtree(os.path.join(repo, "metrics"))
    shutil.rmtree(os.path.join(repo, ".nines"), ignore_errors=True)
    code, after, err = run("report", "-C", repo, "--month", "2026-10", "--now", NOW, "--format", "json")
    check(code == 0, f"frozen report without data ({code}) {err}")
    b, a = json.loads(before)["monthly_report"], json.loads(after)["monthly_report"]

    # Frozen figures are the computed ones, to the last digit: rounding could move a figure across
    # a line the page draws (an attainment just under its target would read as meeting it).
    for key in ["slo_summary", "incidents", "error_budget", "toil", "on_call", "action_items", "delta"]:
        check(a[key] == b[key], f"frozen {key} unchanged: {a[key]} vs {b[key]}")
    frozen_text = ""
    for name in os.listdir(os.path.join(repo, "reports")):
        with open(os.path.join(repo, "reports", name), encoding="utf-8") as f:
            text = f.read()
        if "frozen:" in text:
            frozen_text += text
    check("frozen:" in frozen_text, "the frozen figures are in the repository")
    check(a["frozen"] is True, "the report says it is frozen")

    # From a folder below the root, the report goes where the root's reports are, and the
    # message names that file.
    for how in ("-C", "cwd"):
        sub_repo = copy_content(tmp + "/freeze-sub-" + how.strip("-"))
        sub = os.path.join(sub_repo, "slos")
        where = ["-C", sub] if how == "-C" else []
        code, out, err = run("report", *where, "--month", "2026-08", "--now", NOW, "--freeze",
                             cwd=sub if how == "cwd" else None)
        check(code == 0, f"freeze from a subfolder ({how}) exits 0 ({code}) {err}")
        if how == "cwd":
            # Again with --format json on a fresh copy: the frozen report on stdout.
            js_repo = copy_content(tmp + "/freeze-json")
            jcode, jout, jerr = run("report", "-C", js_repo, "--month", "2026-08", "--now", NOW,
                                    "--freeze", "--format", "json")
            check(jcode == 0 and json.loads(jout)["monthly_report"]["frozen"] is True and
                  "froze 2026-08 into reports/2026-08.yaml" in jerr,
                  f"freeze --format json prints the frozen report ({jcode}) {jerr}")
            # And with html or md: the frozen report in that format, the same as a report of the
            # month printed after the freeze.
            for fmt, marker in (("html", "<!DOCTYPE html>"), ("md", "# ")):
                f_repo = copy_content(tmp + "/freeze-" + fmt)
                fcode, fout, ferr = run("report", "-C", f_repo, "--month", "2026-08", "--now",
                                        NOW, "--freeze", "--format", fmt)
                _, again, _ = run("report", "-C", f_repo, "--month", "2026-08", "--now", NOW,
                                  "--format", fmt)
                check(fcode == 0 and fout.startswith(marker) and fout == again and
                      "froze 2026-08 into reports/2026-08.yaml" in ferr,
                      f"freeze --format {fmt} prints the frozen report ({fcode}) {ferr}")
        written = [os.path.relpath(os.path.join(d, f), sub_repo)
                   for d, _, fs in os.walk(sub_repo) for f in fs
                   if f.endswith(".yaml") and "frozen:" in open(os.path.join(d, f)).read()]
        check(len(written) == 1 and not written[0].startswith("slos") and
              f"froze 2026-08 into {written[0]}" in out,
              f"the frozen report is at the root's reports ({how}): {written} {out}")

    # A repository as `nines init` writes it has no reports/ folder: freezing makes it.
    fresh = tmp + "/freeze-init"
    code, _, err = run("init", fresh, "--now", NOW)
    check(code == 0, f"init ({code}) {err}")
    code, out, err = run("report", "-C", fresh, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 0 and "froze 2026-10 into reports/2026-10.yaml" in out,
          f"freeze without reports/ ({code}) {out} {err}")
    code, _, err = run("check", "-C", fresh, "--now", NOW)
    check(code == 0, f"the frozen report checks clean ({code}) {err}")
    # A new file nines.yaml's include or exclude leaves out of the walk would freeze nothing:
    # refused before anything is written, naming the setting and what to add.
    scoped = tmp + "/freeze-include"
    run("init", scoped, "--now", NOW)
    with open(os.path.join(scoped, "nines.yaml"), "a", encoding="utf-8") as f:
        f.write('\ninclude: ["services/**", "slos/**", "slis/**", "runbooks/**", "postmortems/**", '
                '"oncall/**", "policies/**", "toil/**", "readiness/**", "chaos/**", '
                '"assessments/**", "capacity/**", "**/*.md", "metrics/*.csv"]\n')
    code, out, err = run("report", "-C", scoped, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 1 and "froze" not in out and "reports/2026-10.yaml would not be read" in err and
          'add "reports/**" to include' in err, f"freeze into a file include skips ({code}) {err}")
    check(not os.path.exists(os.path.join(scoped, "reports")), "nothing was written")
    with open(os.path.join(scoped, "nines.yaml"), encoding="utf-8") as f:
        text = f.read()
    write(os.path.join(scoped, "nines.yaml"), text.replace('"**/*.md"', '"**/*.md", "reports/**"'))
    code, out, err = run("report", "-C", scoped, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 0 and "froze 2026-10 into reports/2026-10.yaml" in out, f"then it freezes ({code}) {err}")
    code, out, _ = run("report", "-C", scoped, "--month", "2026-10", "--now", NOW, "--format", "json")
    check(code == 0 and json.loads(out)["monthly_report"]["frozen"] is True, "and reads as frozen")
    # An excluded file that holds the month's report (frozen while it was read) is named as
    # excluded, not as a file without the month's report.
    excluded = tmp + "/freeze-exclude"
    shutil.copytree(scoped, excluded)
    write(os.path.join(excluded, "nines.yaml"), text + 'exclude: ["reports/**"]\n')
    with open(os.path.join(excluded, "reports", "2026-10.yaml"), encoding="utf-8") as f:
        held = f.read()
    code, out, err = run("report", "-C", excluded, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 1 and 'nines.yaml exclude "reports/**" leaves it out' in err and
          "holds no monthly_report" not in err, f"freeze into an excluded file ({code}) {err}")
    with open(os.path.join(excluded, "reports", "2026-10.yaml"), encoding="utf-8") as f:
        check(f.read() == held, "the excluded file is untouched")

    # A folder it cannot write into is a file it cannot reach (exit 3), not an internal error.
    # (A file in the way, not a read-only folder: root writes into those.)
    blocked = tmp + "/freeze-blocked"
    run("init", blocked, "--now", NOW)
    write(os.path.join(blocked, "reports"), "not a folder\n")
    code, _, err = run("report", "-C", blocked, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 3 and "internal error" not in err, f"unwritable reports/: exit 3 ({code}) {err}")
    with open(os.path.join(blocked, "reports"), encoding="utf-8") as f:
        check(f.read() == "not a folder\n", "the file in the way is untouched")


def test_user_files(tmp):
    """Files put into the site by hand (a CNAME for GitHub Pages, a folder of one's own) are not
    nines's to delete: a rebuild keeps them; one where the new site puts a page fails the build
    and leaves the previous site."""
    repo = copy_content(tmp + "/user-files")
    out = tmp + "/user-files-site"
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"first build ({code}) {err[-300:]}")
    write(os.path.join(out, "CNAME"), "status.example.com\n")
    write(os.path.join(out, "mine", "notes.txt"), "my notes\n")
    os.makedirs(os.path.join(out, "empty-dir"))
    os.symlink("CNAME", os.path.join(out, "cname-link"))
    # A content change, so the build writes a new tree.
    svc = os.path.join(repo, "services", "auth-service.yaml")
    with open(svc, encoding="utf-8") as f:
        text = f.read()
    write(svc, text.replace("Identity for customers", "Identity (changed) for customers", 1))
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"rebuild with files of the user's ({code}) {err[-300:]}")
    site = tree(out)
    check(site.get("CNAME") == b"status.example.com\n", "a CNAME put into the site is kept")
    check(site.get("mine/notes.txt") == b"my notes\n", "a folder of the user's is kept")
    check(os.path.isdir(os.path.join(out, "empty-dir")), "an empty folder of the user's is kept")
    check(os.readlink(os.path.join(out, "cname-link")) == "CNAME", "a link of the user's is kept")
    check(b"Identity (changed)" in site.get("services/auth-service/index.html", b""),
          "the rebuild did write the new site")
    # The files stay outside the manifest: the next build keeps them again, and a full build into
    # a new folder has none of them.
    fresh = tmp + "/user-files-fresh"
    run("build", repo, "-o", fresh, "--offline", "--now", NOW)
    extra = set(tree(out)) - set(tree(fresh))
    check(extra == {"CNAME", "mine/notes.txt", "cname-link"}, f"only the user's files differ: {extra}")
    # A file where the new site puts a page: the build fails, the previous site stays.
    new_svc = os.path.join(repo, "services", "zz-new-service.yaml")
    write(new_svc, "service:\n  name: zz-new-service\n  tier: standard\n  owner_team: platform-team\n")
    taken = "services/zz-new-service/index.html"
    write(os.path.join(out, taken), "mine\n")
    before = tree(out)
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 3 and f"'{taken}' was not written by nines" in err,
          f"a file of the user's where a page goes fails the build ({code}) {err[-400:]}")
    check(tree(out) == before, "the failed build leaves the previous site as it was")


def test_content_links(tmp):
    """A link that content hands to the site and the site's link check would refuse is found by
    `check` and by `build` alike, at the YAML node or Markdown line that holds it, never at a
    generated page; a build that would render only an edited body takes the long way for it."""
    repo = os.path.join(tmp, "links")
    write(os.path.join(repo, "nines.yaml"), "title: Demo\nteams:\n  core:\n    name: Core\n")
    write(os.path.join(repo, "services", "api.yaml"),
          "service:\n  name: api\n  tier: critical\n  owner_team: core\n  links:\n"
          "    - title: Grafana\n      url: /grafana/d/api\n")
    write(os.path.join(repo, "runbooks", "api-down.md"),
          "---\nrunbook:\n  title: API down\n  service: api\n  alert_name: ApiDown\n"
          "  last_updated: 2026-10-01\n---\n"
          "See the [dashboard](/grafana/d/api) and [the other runbook](../other/).\n")
    want = ["services/api.yaml:7:12: error: link '/grafana/d/api' in `links` breaks on the site",
            "runbooks/api-down.md:8:9: error: link '/grafana/d/api' breaks on the site",
            "runbooks/api-down.md:8:41: error: link '../other/' breaks on the site"]
    code, out, err = run("check", repo)
    check(code == 1 and all(w in out + err for w in want), f"check finds the links ({code}): {out}{err}")
    site = os.path.join(tmp, "links-site")
    code, out, err = run("build", repo, "-o", site, "--offline", "--now", NOW)
    check(code == 1 and all(w in out + err for w in want), f"build finds them there ({code}): {out}{err}")
    check("index.html" not in out + err, f"and names no generated page: {out}{err}")
    check(not os.path.exists(site), "and writes no site")
    # With the rule lowered to a warning the site is written, and each link is still one finding,
    # at its line, not also at the generated page that holds it.
    write(os.path.join(repo, "nines.yaml"),
          "title: Demo\nteams:\n  core:\n    name: Core\nrules:\n  broken-link: warning\n")
    write(os.path.join(repo, "runbooks", "anchor.md"),
          "---\nrunbook:\n  title: Anchor\n  service: api\n  alert_name: ApiSlow\n"
          "  last_updated: 2026-10-01\n---\n## Confirm health of example.com\n\n"
          "Go to [confirm](#confirm-health-of-example-com).\n")
    code, out, err = run("build", repo, "-o", site, "--offline", "--now", NOW)
    found = [line for line in (out + err).splitlines() if "[broken-link]" in line]
    check(code == 0 and len(found) == 4 and not any("index.html" in f for f in found),
          f"a lowered rule: one warning per link, none at a page ({code}): {found}")

    # An edited body alone would rebuild only its page: a new bad link sends it the long way.
    repo = copy_content(tmp, "links-content")
    site = os.path.join(tmp, "links-content-site")
    build = ("build", repo, "-o", site, "--offline", "--now", NOW)
    code, _, err = run(*build)
    check(code == 0, f"the example builds ({code}): {err[-300:]}")
    body = os.path.join(repo, "runbooks", "checkout-api", "checkout-api-medium-burn.md")
    with open(body) as f:
        lines = f.read().count("\n")
    with open(body, "a") as f:
        f.write("\nThe [old wiki](/wiki/checkout).\n")
    code, out, err = run(*build)
    where = f"runbooks/checkout-api/checkout-api-medium-burn.md:{lines + 2}:5: error: link '/wiki/checkout'"
    check(code == 1 and where in out + err and "index.html" not in out + err,
          f"an edited body's bad link is reported at its line ({code}): {(out + err)[-500:]}")


def render_counts(stderr):
    """(pages rendered, pages reused) from the render line of --timings, or None."""
    m = re.search(r"^render .*: (\d+) pages rendered, (\d+) reused", stderr, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else None


def test_incremental(tmp):
    """A rebuild keeps what did not change and gives the bytes a full build gives."""
    repo = copy_content(tmp + "/incr")
    out = os.path.join(tmp, "incr-out")
    build = ["build", repo, "-o", out, "--offline", "--now", NOW, "--timings"]
    code, stdout, stderr = run(*build)
    check(code == 0, f"first build ({code}): {stderr[-500:]}")
    first_pages = render_counts(stderr)
    check(first_pages is not None and first_pages[0] > 50 and first_pages[1] == 0,
          f"a first build renders every page: {first_pages}")
    first = tree(out)
    style = os.path.join(out, "static", "style.css")
    inode = os.stat(style).st_ino

    code, stdout2, stderr = run(*build)
    check(code == 0 and "nothing changed since the last build" in stderr,
          f"a no-change rebuild keeps the site ({code}): {stderr[-800:]}")
    check(stdout2 == stdout, f"it reports the same site: {stdout2!r} vs {stdout!r}")
    check(tree(out) == first, "a no-change rebuild leaves every byte as it was")
    # The same folder named with a trailing slash, or relative: still nothing changed.
    for named in (out + "/", os.path.relpath(out, tmp)):
        code, _, stderr = run("build", repo, "-o", named, "--offline", "--now", NOW, "--timings",
                              cwd=tmp)
        check(code == 0 and "nothing changed since the last build" in stderr,
              f"-o {named!r} is the same folder: a no-change rebuild ({code}): {stderr[-400:]}")

    runbooks = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(repo, "runbooks"))
                      for f in fs if f.endswith(".md"))
    # A body edit alone takes the prose path (tests/e2e/test_prose.py); a comment added to the
    # front matter as well makes this the general incremental build.
    text = open(runbooks[0]).read()
    write(runbooks[0], text.replace("---\n", "---\n# edited after the first build\n", 1) +
          "\nA step added after the first build.\n")
    code, _, stderr = run(*build)
    check(code == 0 and "nothing changed" not in stderr,
          f"a rebuild after editing a runbook runs ({code}): {stderr[-800:]}")
    check("unchanged, linked from the previous site" in stderr, "the write stage says what it kept")
    check(os.stat(style).st_ino == inode, "an unchanged file is linked from the previous site")
    touched = render_counts(stderr)
    check(touched is not None and sum(touched) == sum(first_pages),
          f"every page is rendered or reused: {touched} vs {first_pages}")
    # The runbook's own page and the pages that show its body or steps change; the rest of the
    # site (the dashboard, SLOs, services, reports) is linked from the previous build unrendered.
    check(touched is not None and 1 <= touched[0] <= 5 and touched[1] >= sum(first_pages) - 5,
          f"only the pages whose inputs changed are rendered again: {touched}")
    after = tree(out)
    check(after != first, "the edit reaches the site")

    fresh = os.path.join(tmp, "incr-fresh")
    code, _, stderr = run("build", repo, "-o", fresh, "--offline", "--now", NOW)
    check(code == 0, f"fresh build ({code}): {stderr[-500:]}")
    full = tree(fresh)
    check(after == full, "the rebuilt site is byte-identical to a full build into a new folder: " +
          str(sorted(k for k in set(after) | set(full) if after.get(k) != full.get(k))[:5]))

    # A theme override changes every page's input: nothing is reused, and the result is still
    # what a full build gives.
    nav = open(os.path.join(THEME, "partials", "nav.mustache")).read()
    write(os.path.join(repo, "layouts", "partials", "nav.mustache"), nav + "<!-- local nav -->\n")
    code, _, stderr = run(*build)
    themed = render_counts(stderr)
    check(code == 0 and themed == (sum(first_pages), 0),
          f"a changed theme override renders every page again ({code}): {themed} {stderr[-300:]}")
    shutil.rmtree(fresh)
    code, _, stderr = run("build", repo, "-o", fresh, "--offline", "--now", NOW)
    check(code == 0 and tree(out) == tree(fresh), "and gives the bytes of a full build")
    code, _, stderr = run(*build)
    check(code == 0 and "nothing changed" in stderr, "the next build keeps it")

    # A nines.yaml that is a symbolic link (to a settings file elsewhere in the repository) is
    # compared by its bytes like a plain one: the next build after a build with it changes nothing.
    shared = os.path.join(repo, "config", "nines.yaml")
    os.makedirs(os.path.dirname(shared))
    shutil.move(os.path.join(repo, "nines.yaml"), shared)
    os.symlink("config/nines.yaml", os.path.join(repo, "nines.yaml"))
    code, _, stderr = run(*build)
    check(code == 0, f"a build with a linked nines.yaml ({code}): {stderr[-300:]}")
    code, _, stderr = run(*build)
    check(code == 0 and "nothing changed" in stderr,
          f"a linked nines.yaml does not make every build full ({code}): {stderr[-300:]}")
    write(shared, open(shared).read() + "# a comment in the shared settings\n")
    code, _, stderr = run(*build)
    check(code == 0 and "nothing changed" not in stderr,
          f"an edit of the linked file is seen ({code}): {stderr[-300:]}")

    # A failure after pages were streamed into the temporary tree (a broken link, found at the end
    # of render; a write that fails half-way) leaves the previous site and no temporary folder.
    kept = tree(out)
    with open(runbooks[0], "a") as f:
        f.write("\nAnother step.\n")
    runbook_layout = open(os.path.join(THEME, "layouts", "runbook.mustache")).read()
    write(os.path.join(repo, "layouts", "runbook.mustache"),
          runbook_layout + '<a href="{{root}}no-such-page.html">gone</a>\n')
    code, _, stderr = run(*build)
    check(code == 1 and "broken-link" in stderr and "no-such-page.html" in stderr,
          f"a broken link fails the build ({code}): {stderr[-400:]}")
    check(tree(out) == kept, "the previous site is left as it was after a broken link")
    leftovers = [n for n in os.listdir(tmp) if n.startswith("incr-out.")]
    check(not leftovers, f"no temporary folder is left after a broken link: {leftovers}")
    os.remove(os.path.join(repo, "layouts", "runbook.mustache"))

    # A page that cannot be written (a file-size limit stands in for a full disk): a runbook with
    # a long body makes a page larger than the limit, which the store stays well below, so the
    # build fails part-way through the pages, after others were written.
    store = os.path.join(repo, ".nines")
    store_size = max(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(store) for f in fs
                     if not f.startswith("nines-build-"))
    limit = 4 * store_size
    with open(runbooks[0], "a") as f:
        while f.tell() < 2 * limit:
            f.write("\nA long paragraph of the runbook, repeated until the page is large. " * 10)

    def small_files():
        import resource
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    p = subprocess.run([NINES, *build], capture_output=True, text=True, errors="replace",
                       timeout=300, preexec_fn=small_files)
    check(p.returncode == 3 and "cannot write the site" in p.stderr,
          f"a write failure fails the build ({p.returncode}): {p.stderr[-400:]}")
    check(tree(out) == kept, "the previous site is left as it was after a write failure")
    leftovers = [n for n in os.listdir(tmp) if n.startswith("incr-out.")]
    check(not leftovers, f"no temporary folder is left after a write failure: {leftovers}")
    write(runbooks[0], open(runbooks[0]).read().split("\nA long paragraph")[0])
    os.remove(os.path.join(repo, "layouts", "partials", "nav.mustache"))

    # The store changed since (a metrics import, a pull): no shortcut.
    store = os.path.join(repo, ".nines")
    for d, _, fs in os.walk(store):
        for f in fs:
            if not f.startswith("nines-build-"):
                os.utime(os.path.join(d, f), (1, 1))
    code, _, stderr = run(*build)
    check(code == 0 and "nothing changed" not in stderr, "a changed store means a full build")
    code, _, stderr = run(*build)
    check(code == 0 and "nothing changed" in stderr, "and the next one is skipped again")

    # Another "now", or an edited page in the site: a full build.
    code, _, stderr = run("build", repo, "-o", out, "--offline", "--now", "2026-11-24T00:00:00Z",
                          "--timings")
    check(code == 0 and "nothing changed" not in stderr, "another now means a full build")
    with open(os.path.join(out, "index.html"), "a") as f:
        f.write("edited")
    code, _, stderr = run("build", repo, "-o", out, "--offline", "--now", "2026-11-24T00:00:00Z",
                          "--timings")
    check(code == 0 and "nothing changed" not in stderr, "an edited site is rebuilt")
    # Another nines binary (here: this one with another build id, as a rebuild with another
    # theme or renderer has) never finds "nothing changed": its site may differ.
    other = os.path.join(tmp, "nines-other")
    with open(NINES, "rb") as f:
        data = bytearray(f.read())
    ids = re.findall(r"Build ID: ([0-9a-f]+)",
                     subprocess.run(["readelf", "-n", NINES], capture_output=True,
                                    text=True).stdout)
    at = data.find(bytes.fromhex(ids[0])) if ids else -1
    check(at > 0, "the binary carries a GNU build id")
    data[at] ^= 0xFF
    with open(other, "wb") as f:
        f.write(data)
    os.chmod(other, 0o755)
    p = subprocess.run([other, "build", repo, "-o", out, "--offline", "--now",
                        "2026-11-24T00:00:00Z", "--timings"], capture_output=True, text=True)
    check(p.returncode == 0 and "nothing changed" not in p.stderr,
          f"another binary rebuilds the site ({p.returncode}): {p.stderr[-300:]}")
    code, _, stderr = run("build", repo, "-o", out, "--offline", "--now", "2026-11-24T00:00:00Z",
                          "--timings")
    check(code == 0 and "nothing changed" not in stderr, "and so does this one after it")
    code, _, stderr = run("build", repo, "-o", fresh, "--offline", "--now", "2026-11-24T00:00:00Z")
    check(tree(out) == tree(fresh), "and comes out as a full build")

    # Warnings are reported again when nothing changed.
    with open(runbooks[0]) as f:
        text = f.read()
    write(runbooks[0], re.sub(r"last_updated: \S+", "last_updated: 2025-01-01", text, count=1))
    code1, _, err1 = run(*build)
    code2, _, err2 = run(*build)
    diag1 = [l for l in err1.splitlines() if not l.startswith(("load", "validate", "link", "metrics",
                                                                "compute", "render", "write", "total"))]
    diag2 = [l for l in err2.splitlines() if not l.startswith(("load", "validate", "link", "metrics",
                                                                "compute", "render", "write", "total"))]
    check(any("runbook-stale" in l for l in diag1), f"the stale runbook warns: {diag1[:3]}")
    check(code1 == code2 and diag1 == diag2,
          f"the same diagnostics and exit code either way ({code1}, {code2}): {diag1[:3]} {diag2[:3]}")


def test_hand_edits_repaired(tmp):
    """A file of the site edited by hand at the same size (a word's case, a digit) is repaired by
    the next build that writes the site, the bytes then a fresh build's: by the no-change check,
    by a full rebuild that would otherwise link the old file, and by a prose rebuild's check of
    the site (docs/hardening.md). And a build killed while renaming its record into place leaves
    a temporary file beside it that the next build removes (one of a live process stays)."""
    repo = copy_content(tmp + "/hand")
    out = os.path.join(tmp, "hand-out")
    build = ["build", repo, "-o", out, "--offline", "--now", NOW, "--timings"]
    code, _, stderr = run(*build)
    check(code == 0, f"first build ({code}): {stderr[-500:]}")
    slos = os.path.join(out, "api", "slos.json")
    page = os.path.join(out, "services", "auth-service", "index.html")

    def edit_by_hand():
        # As `sed -i` does it: a new file renamed over the old one.
        text = open(slos).read()
        check('"exhausted"' in text, "api/slos.json has an exhausted budget to edit")
        write(slos + ".sed", text.replace('"exhausted"', '"EXHAUSTED"', 1))
        os.rename(slos + ".sed", slos)
        # As an editor writing in place: the same file, the same size, a new modification time.
        with open(page, "r+b") as f:
            data = f.read()
            check(b"<h1>" in data, "the service page has an <h1> to edit")
            f.seek(data.index(b"<h1>"))
            f.write(b"<H1>")

    def fresh_tree():
        fresh = os.path.join(tmp, "hand-fresh")
        shutil.rmtree(fresh, ignore_errors=True)
        code, _, stderr = run("build", repo, "-o", fresh, "--offline", "--now", NOW)
        check(code == 0, f"fresh build ({code}): {stderr[-500:]}")
        return tree(fresh)

    edit_by_hand()
    code, _, stderr = run(*build)
    check(code == 0 and "nothing changed" not in stderr,
          f"an edited site is not kept as it stands ({code}): {stderr[-500:]}")
    check(tree(out) == fresh_tree(), "the rebuild after same-size edits gives a fresh build's bytes")

    edit_by_hand()
    nines_yaml = os.path.join(repo, "nines.yaml")
    write(nines_yaml, open(nines_yaml).read() + "# edited\n")
    code, _, stderr = run(*build)
    check(code == 0 and "linked from the previous site" in stderr,
          f"a full rebuild that links unchanged files ({code}): {stderr[-500:]}")
    check(tree(out) == fresh_tree(), "repairs the same-size edits: a fresh build's bytes")

    edit_by_hand()
    pm = os.path.join(repo, "postmortems", "2026-10-08-auth-service-cert-expiry.md")
    write(pm, open(pm).read() + "\nA note added later.\n")
    code, _, stderr = run(*build)
    check(code == 0 and "only prose changed" not in stderr,
          f"a body edit into an edited site takes the long way ({code}): {stderr[-500:]}")
    check(tree(out) == fresh_tree(), "and repairs it: a fresh build's bytes")

    # Temporary files of the record (and of the files beside it) that a killed build left.
    store = os.path.join(repo, ".nines")
    record = next(n for n in os.listdir(store) if n.startswith("nines-build-") and
                  n.endswith(".json"))
    dead = subprocess.Popen(["true"])
    dead.wait()
    gone = [f".{record}.tmp-{dead.pid}-2", f".{record[:-5]}.files.tmp-{dead.pid}-0"]
    kept = [f".{record}.tmp-{os.getpid()}-1", f"{record}.tmp-{dead.pid}-x", "notes.tmp-1-1"]
    for name in gone + kept:
        write(os.path.join(store, name), "{}")
    later = ["build", repo, "-o", out, "--offline", "--now", "2026-11-24T00:00:00Z"]
    for args in (build, later):  # nothing changed; then a full build
        code, _, stderr = run(*args)
        check(code == 0, f"a build beside leftovers ({code}): {stderr[-500:]}")
        left = set(os.listdir(store))
        check(not left & set(gone), f"a dead build's temporary files go: {sorted(left & set(gone))}")
        check(set(kept) <= left, f"others stay: {sorted(set(kept) - left)}")
        for name in gone:
            write(os.path.join(store, name), "{}")


# Where each kind's Markdown body is shown (docs/site.md, "Document bodies"): the folder of its page.
BODY_HOMES = {"service": "services/", "slo": "slos/", "runbook": "runbooks/",
              "postmortem": "postmortems/", "sli": "slos/", "error_budget_policy": "slos/",
              "toil_item": "services/", "capacity_model": "services/", "experiment": "services/",
              "auto_remediation": "services/", "readiness_review": "services/",
              "assessment": "services/", "oncall_rotation": "handoffs/",
              "monthly_report": "reports/"}


def test_every_body_shown(tmp):
    """SPEC 1.1: the body of every `.md` document is rendered, whatever its kind, on the page
    that shows the document; none is only in the search index."""
    repo = copy_content(tmp, "bodies")
    kinds = {}
    for d, _, files in os.walk(repo):
        for name in files:
            path = os.path.join(d, name)
            if not name.endswith(".md"):
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if not text.startswith("---"):
                continue
            front = text.split("\n---", 1)[0]
            m = re.search(r"^([a-z_]+):", front, re.M)
            if not m or m.group(1) not in BODY_HOMES:
                continue
            rel = os.path.relpath(path, repo).replace(os.sep, "/")
            marker = "BODYMARK" + re.sub(r"[^A-Za-z0-9]", "", rel)
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"\n\nThe marker {marker} ends the body.\n")
            kinds[rel] = (m.group(1), marker)
    check(set(k for k, _ in kinds.values()) == set(BODY_HOMES),
          f"content/ has a Markdown document of every kind: "
          f"{sorted(set(BODY_HOMES) - set(k for k, _ in kinds.values()))} missing")
    out = os.path.join(tmp, "bodies-site")
    code, _, err = run("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"the example builds with the markers ({code}): {err[-400:]}")
    pages = {p: b for p, b in tree(out).items() if p.endswith(".html")}
    for rel, (kind, marker) in sorted(kinds.items()):
        found = sorted(p for p, b in pages.items() if marker.encode() in b)
        check(any(p.startswith(BODY_HOMES[kind]) for p in found),
              f"{rel} ({kind}): its body is on a page under {BODY_HOMES[kind]}: {found}")


tmp = tempfile.mkdtemp(prefix="nines-build-")
try:
    repo, out = test_content_figures(tmp)
    test_deterministic(tmp, repo)
    test_atomic(tmp, repo, out)
    test_killed_build(tmp)
    test_swap_in_one_step(tmp)
    test_config_replaced_during_build(tmp)
    test_corrupt_store(tmp)
    test_edge_cases(tmp)
    test_band_edges_read_alike(tmp)
    test_report_without_budgets(tmp)
    test_signoff(tmp)
    test_freeze(tmp)
    test_edit_refusals(tmp)
    test_user_files(tmp)
    test_incremental(tmp)
    test_hand_edits_repaired(tmp)
    test_content_links(tmp)
    test_every_body_shown(tmp)
finally:
    shutil.rmtree(tmp)
sys.exit(check.finish())
