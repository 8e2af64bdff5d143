#!/usr/bin/env python3
"""End-to-end tests of live metrics (SPEC 4): `nines build` and `nines metrics pull` against a real
Prometheus holding known counter values, and against a local fault-injecting server
(fault_server.py) for every failure of SPEC 4.4.

The real part: an OpenMetrics file with counters for two services over 35 days (a 5-minute step
model, sampled at day boundaries and every 5 minutes in the last 6 hours) is backfilled with
`promtool tsdb create-blocks-from openmetrics` and served by `prometheus` on 127.0.0.1. The daily counts stored and the SLO figures in api/slos.json must equal
what the generator's numbers imply. Prometheus and promtool are required (Debian's `prometheus`
package): without them this test FAILS, it does not skip.

All traffic goes to 127.0.0.1; every wait is bounded in count and time.

Usage: test_prometheus.py NINES SOURCE_DIR
"""
import calendar
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from support import Checks, backfill, free_port, serve_prometheus, stop, write

HERE = os.path.dirname(os.path.abspath(__file__))
FAULT_SERVER = os.path.join(HERE, "fault_server.py")

DAY = 86400
STEP = 300                                   # seconds between samples
DAYS = 35                                    # of generated data, ending at END
END = calendar.timegm((2026, 11, 1, 0, 0, 0))  # 2026-11-01T00:00:00Z, also the builds' now
START = END - DAYS * DAY                     # 2026-09-27T00:00:00Z
NOW = "2026-11-01T00:00:00Z"
TOKEN = "nines-e2e-SECRET-7f3a9c2e51d4"      # set as PROM_TOKEN; must never appear anywhere
SERVICES = ["pay-api", "cart-api"]

check = Checks()


def close(a, b, rel=1e-9):
    """Equal up to float rounding of Prometheus' arithmetic (exact on integers in practice)."""
    return a is not None and b is not None and abs(a - b) <= rel * max(1.0, abs(b))


def date_of(day):
    return time.strftime("%Y-%m-%d", time.gmtime(day * DAY))


# ------------------------------------------------------------------------------------------------
# The generator. Every 5-minute step starting at t adds ok(s, d) "200"s and err(s, d, t) "500"s to
# service s's counters, d = the step's day index (0 = 2026-09-27). The last 6 hours add one more
# error per step and the last hour two more, so the 1h, 6h and 24h burn rates all differ.

def ok_inc(s, d):
    return 50 + 3 * ((d + s) % 7)


def err_inc(s, d, t):
    base = 2 * (d % 5 == s) + (d % 3 == 0)
    return base + (t >= END - 6 * 3600) + 2 * (t >= END - 3600)


def step_increments(s):
    """[(t_end, ok, err)] for every step of service s."""
    out = []
    for k in range(1, DAYS * DAY // STEP + 1):
        t0 = START + (k - 1) * STEP
        d = (t0 - START) // DAY
        out.append((t0 + STEP, ok_inc(s, d), err_inc(s, d, t0)))
    return out


def increase(s, t_end, seconds):
    """(good, total) that increase(...[seconds]) at t_end sees: the steps ending in
    (t_end - seconds, t_end]. The samples sit exactly on both range ends, so Prometheus does not
    extrapolate: increase = v(t_end) - v(t_end - seconds)."""
    good = bad = 0
    for t, ok, err in step_increments(s):
        if t_end - seconds < t <= t_end:
            good += ok
            bad += err
    return good, good + bad


def sample_times(until=END):
    """When the file has samples: every day boundary, and every 5 minutes over the last 6 hours.
    Each window the tests query starts and ends on one of these, so increase() sees exactly the
    counts of the step model. (promtool writes one 2-hour block per range holding samples: 35 days
    of 5-minute samples are 420 blocks and minutes of backfill; this is ~40 blocks.) With `until`,
    none after it: a server that has not ingested the rest yet."""
    days = [START + k * DAY for k in range(DAYS + 1)]
    tail = [END - 6 * 3600 + j * STEP for j in range(6 * 3600 // STEP + 1)]
    return sorted(t for t in set(days + tail) if t <= until)


def write_openmetrics(path, services=None, until=END):
    """Counters http_requests_total{code, service} at sample_times(), cumulative over the steps."""
    times = sample_times(until)
    with open(path, "w") as f:
        f.write("# HELP http_requests Requests served.\n# TYPE http_requests counter\n")
        for s, svc in enumerate(services or SERVICES):
            steps = step_increments(s)
            for code, idx in (("200", 1), ("500", 2)):
                v, k = 0, 0
                for t in times:
                    while k < len(steps) and steps[k][0] <= t:
                        v += steps[k][idx]
                        k += 1
                    f.write(f'http_requests_total{{code="{code}",service="{svc}"}} {v} {t}\n')
        f.write("# EOF\n")


# ------------------------------------------------------------------------------------------------
# Processes


def start_prometheus(tmp, data, services=None, until=END):
    """Backfills the generated counters (of `services`, default SERVICES; none after `until`) into
    `data` and serves them; returns (proc, url)."""
    om = os.path.join(tmp, "counters.om")
    write_openmetrics(om, services, until)
    backfill(om, data)
    return serve_prometheus(tmp, data)


def start_fault(tmp, mode, *extra, expect_token=TOKEN):
    n = len([x for x in os.listdir(tmp) if x.startswith("fault-")])
    port_file = os.path.join(tmp, f"fault-{n}.port")
    log = os.path.join(tmp, f"fault-{n}.log")
    env = dict(os.environ, FAULT_EXPECT_TOKEN=expect_token)
    proc = subprocess.Popen([sys.executable, FAULT_SERVER, "--mode", mode, "--port-file", port_file,
                             "--log", log, "--max-seconds", "180", *extra], env=env)
    deadline = time.time() + 15
    while time.time() < deadline and not os.path.exists(port_file) and proc.poll() is None:
        time.sleep(0.05)
    if not os.path.exists(port_file):
        stop(proc)
        raise RuntimeError("fault server did not start")
    with open(port_file) as f:
        return proc, f"http://127.0.0.1:{int(f.read())}", log


def read_log(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def nines(*args, token=TOKEN, timeout=180):
    env = dict(os.environ, PROM_TOKEN=token)
    env.pop("SOURCE_DATE_EPOCH", None)
    t0 = time.time()
    p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace", env=env,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.time() - t0


# ------------------------------------------------------------------------------------------------
# Content repositories


def make_repo(root, url, slis, timeout="10s", retries=2, concurrency=4, golden=True,
              settle=None):
    """A repo with services pay-api and cart-api, SLIs `slis` (name → (good, total)), SLOs
    pay-availability (99.9, alerts 5m/1h and 30m/6h) and cart-availability (99.5)."""
    traffic = 'sum(increase(http_requests_total{service="{{service}}"}[1d]))'
    golden_yaml = f"  golden_signals:\n    traffic: '{traffic}'\n" if golden else ""
    settle_yaml = f"      settle: {settle}\n" if settle else ""
    write(os.path.join(root, "nines.yaml"), f"""title: Live metrics test
teams:
  payments:
    name: Payments
    members: [a, b, c, d, e]
metrics:
  sources:
    - name: prom
      type: prometheus
      url: {url}
      bearer_token_env: PROM_TOKEN
      timeout: {timeout}
      retries: {retries}
      concurrency: {concurrency}
{settle_yaml}{golden_yaml}""")
    for svc in SERVICES:
        write(os.path.join(root, "services", svc + ".yaml"),
              f"service:\n  name: {svc}\n  tier: critical\n  type: api\n  owner_team: payments\n")
    for name, (good, total) in slis.items():
        write_sli(root, name, good, total)
    names = list(slis)
    write(os.path.join(root, "slos", "pay.yaml"), f"""slo:
  id: pay-availability
  service: pay-api
  sli: {names[0]}
  target: 99.9
  window: 28d
  burn_rate_alerts:
    - name: PayFastBurn
      burn_rate: 14.4
      short_window: 5m
      long_window: 1h
      severity: page
    - name: PaySlowBurn
      burn_rate: 6
      short_window: 30m
      long_window: 6h
      severity: page
""")
    write(os.path.join(root, "slos", "cart.yaml"), f"""slo:
  id: cart-availability
  service: cart-api
  sli: {names[-1]}
  target: 99.5
  window: 28d
""")
    # cart-availability has no burn_rate_alerts: it pages with the Workbook's defaults, which
    # need runbooks as its own alerts would.
    for alert, service in (("PayFastBurn", "pay-api"), ("PaySlowBurn", "pay-api"),
                           ("fast_burn", "cart-api"), ("medium_burn", "cart-api"),
                           ("slow_burn", "cart-api")):
        write(os.path.join(root, "runbooks", alert + ".yaml"),
              f"runbook:\n  title: {alert}\n  alert_name: {alert}\n  service: {service}\n"
              f"  last_updated: 2026-10-20\n  owner: payments\n")


def set_url(root, url):
    path = os.path.join(root, "nines.yaml")
    lines = open(path).read().splitlines(True)
    with open(path, "w") as f:
        for line in lines:
            f.write(f"      url: {url}\n" if line.startswith("      url: ") else line)


def store_rows(root, table="daily"):
    db = os.path.join(root, ".nines", "cache.db")
    if not os.path.exists(db):
        return []
    con = sqlite3.connect(db)
    try:
        if table == "daily":
            return con.execute("SELECT slo, day, source, good, total FROM daily "
                               "ORDER BY slo, day, source").fetchall()
        return con.execute("SELECT service, signal, day, source, value FROM golden "
                           "ORDER BY service, signal, day").fetchall()
    finally:
        con.close()


def slos_json(out):
    with open(os.path.join(out, "api", "slos.json")) as f:
        return {s["id"]: s for s in json.load(f)}


def no_token_anywhere(what, texts, dirs, token=TOKEN):
    """The token must not be in any output, store file (with its WAL) or site file."""
    needle = token.encode()
    for t in texts:
        check(token not in t, f"{what}: the token is not in the output")
    for d in dirs:
        for base, _, files in os.walk(d):
            for name in files:
                with open(os.path.join(base, name), "rb") as f:
                    check(needle not in f.read(), f"{what}: the token is not in {name}")


# ------------------------------------------------------------------------------------------------
# Against a real Prometheus

COUNTER_SLI = ('http_requests_total{service="{{service}}",code="200"}',
               'http_requests_total{service="{{service}}"}')
WINDOW_SLI = ('sum(increase(http_requests_total{service="{{service}}",code!~"5.."}[{{window}}]))',
              'sum(increase(http_requests_total{service="{{service}}"}[{{window}}]))')


def test_real_prometheus(tmp, url):
    repo = os.path.join(tmp, "real")
    make_repo(repo, url, {"pay-success": COUNTER_SLI, "cart-success": WINDOW_SLI})
    out = os.path.join(tmp, "real-site")
    code, stdout, stderr, _ = nines("build", repo, "-o", out, "--now", NOW)
    check(code == 0, f"real: build exits 0 ({code}): {stderr[-1500:]}")
    check("metrics-fetch" not in stderr, f"real: no fetch warnings: {stderr[-1500:]}")

    # Every closed day of the 28-day window, 2026-10-04 … 2026-10-31, stored from the source.
    end_day = END // DAY
    window = range(end_day - 28, end_day)
    rows = store_rows(repo)
    for slo, s in (("pay-availability", 0), ("cart-availability", 1)):
        mine = {r[1]: r for r in rows if r[0] == slo}
        check(sorted(mine) == list(window), f"real: {slo} has the 28 closed days")
        for day in window:
            good, total = increase(s, (day + 1) * DAY, DAY)  # pinned at the day's end, window 1d
            r = mine.get(day)
            check(r is not None and r[2] == "prometheus:prom" and close(r[3], good) and
                  close(r[4], total), f"real: {slo} {date_of(day)} stored {r} = ({good}, {total})")

    # Golden signal `traffic` = the day's total requests of each service, 28 closed days.
    golden = store_rows(repo, "golden")
    for s, svc in enumerate(SERVICES):
        mine = {r[2]: r[4] for r in golden if r[0] == svc and r[1] == "traffic"}
        check(sorted(mine) == list(window), f"real: golden traffic of {svc} has 28 days")
        check(all(close(mine.get(d), increase(s, (d + 1) * DAY, DAY)[1]) for d in window),
              f"real: golden traffic of {svc} equals the daily totals")
        # The service page charts it: the last stored day's value, its date and a line chart.
        with open(os.path.join(out, "services", svc, "index.html")) as f:
            page = f.read()
        last = window[-1]
        want = f"{increase(s, (last + 1) * DAY, DAY)[1]:.0f}"
        section = page[page.find('id="signals"'):]
        check(f'<p class="card-figure">{want}</p>' in section and
              f"on {date_of(last)}" in section and "<svg" in section[:section.find("</section>")],
              f"real: {svc}'s page charts its traffic, {want} on {date_of(last)}")

    figures = slos_json(out)
    for slo, s, target in (("pay-availability", 0, 99.9), ("cart-availability", 1, 99.5)):
        f = figures[slo]
        b = (100 - target) / 100
        # A = Σgood/Σtotal over the 28 days; C = (1 − A)/b; R = 1 − C (SPEC 3.1). For pay-api,
        # each day contributes good_D = 288·ok(0, d) and total_D = good_D + Σ err over its steps.
        goods = [increase(s, (d + 1) * DAY, DAY)[0] for d in window]
        totals = [increase(s, (d + 1) * DAY, DAY)[1] for d in window]
        a = sum(goods) / sum(totals)
        check(close(f["attainment_pct"], 100 * a), f"real: {slo} attainment {f['attainment_pct']} "
                                                   f"= 100·{sum(goods)}/{sum(totals)}")
        check(close(f["budget_consumed_pct"], 100 * (1 - a) / b, 1e-7), f"real: {slo} consumed")
        check(close(f["budget_remaining_pct"], 100 - 100 * (1 - a) / b, 1e-7),
              f"real: {slo} remaining")
        check(f["data"]["status"] == "fresh" and f["data"]["as_of"] == "2026-10-31",
              f"real: {slo} data fresh as of 2026-10-31: {f['data']}")
        # Burn over w = (1 − good_w/total_w)/b. 24h and 3d come from the stored days; 1h and 6h
        # from the live instant queries at now. For pay-api the last hour has 12 steps of
        # ok(0, 34) = 50 + 3·(34 mod 7) = 68 goods and err = base + 1 + 2 errors each.
        for label, seconds in (("1h", 3600), ("6h", 6 * 3600), ("24h", DAY), ("3d", 3 * DAY)):
            g, t = increase(s, END, seconds)
            want = (1 - g / t) / b
            check(close(f["burn_rates"][label], want, 1e-7),
                  f"real: {slo} burn {label} {f['burn_rates'][label]} = (1 − {g}/{t})/{b}")
    check(figures["pay-availability"]["burn_rates"]["1h"] !=
          figures["pay-availability"]["burn_rates"]["6h"], "real: 1h and 6h differ (generator)")
    # The pulled days are October's metrics (the repository has no CSV and no postmortem): the
    # month has its report, with the days the pull stored, 2026-10-04 … 2026-10-31.
    path = os.path.join(out, "api", "reports", "2026-10.json")
    check(os.path.exists(path), "real: api/reports/2026-10.json for the pulled month")
    if os.path.exists(path):
        with open(path) as f:
            rep = json.load(f)["monthly_report"]
        check(rep["coverage"] == {"days_with_data": 28, "days_in_month": 31},
              f"real: the report covers the 28 pulled days: {rep['coverage']}")
        for s, row in enumerate(sorted(rep["slos"], key=lambda r: r["slo"] != "pay-availability")):
            goods = [increase(s, (d + 1) * DAY, DAY)[0] for d in window]
            totals = [increase(s, (d + 1) * DAY, DAY)[1] for d in window]
            check(close(row["attainment_pct"], 100 * sum(goods) / sum(totals)),
                  f"real: {row['slo']}'s October attainment from the pulled days")
    no_token_anywhere("real", [stdout, stderr], [out, os.path.join(repo, ".nines")])

    # A second build at the same now fetches no day again and writes the same figures.
    out2 = os.path.join(tmp, "real-site-2")
    code, stdout, stderr, _ = nines("build", repo, "-o", out2, "--now", NOW)
    check(code == 0, f"real: second build exits 0 ({code})")
    check(open(os.path.join(out, "api", "slos.json")).read() ==
          open(os.path.join(out2, "api", "slos.json")).read(), "real: same figures again")
    con = sqlite3.connect(os.path.join(repo, ".nines", "cache.db"))
    log = con.execute("SELECT source, ok, error FROM fetch_log WHERE query_key = 'pull'").fetchall()
    con.close()
    check(log == [("prometheus:prom", 1, None)] * 2,
          f"real: one clean pull logged per build: {log}")
    # No settle margin by default: 2026-10-31 ended at now and was fetched once, final (SPEC 4.2).
    code, stdout, stderr, _ = nines("metrics", "pull", repo, "--now", "2026-11-01T06:00:00Z")
    check(code == 0 and "pulled 0 queries (0 failed)" in stdout,
          f"real: nothing left to fetch later that day: {stdout!r}")

    # `metrics pull` refetches exactly the days the store lacks.
    con = sqlite3.connect(os.path.join(repo, ".nines", "cache.db"))
    con.execute("DELETE FROM daily WHERE slo = 'pay-availability' AND day BETWEEN ? AND ?",
                (end_day - 20, end_day - 18))
    con.commit()
    con.close()
    code, stdout, stderr, _ = nines("metrics", "pull", repo, "--now", NOW)
    check(code == 0, f"real: metrics pull exits 0 ({code}): {stderr[-800:]}")
    check("pulled 2 queries (0 failed)" in stdout and "3 days" in stdout,
          f"real: pull summary: {stdout!r}")
    check(len(stdout.strip().splitlines()) == 1, "real: one summary line")
    check("pulling:" not in stderr, "real: no progress line when stdout is not a terminal")
    again = {r[1]: r for r in store_rows(repo) if r[0] == "pay-availability"}
    check(sorted(again) == list(window) and
          all(close(again[d][3], increase(0, (d + 1) * DAY, DAY)[0]) for d in window),
          "real: the refetched days are right")
    no_token_anywhere("real pull", [stdout, stderr], [os.path.join(repo, ".nines")])


def test_recorded_and_fetched(tmp, url):
    """A day both recorded (metrics/*.csv) and fetched takes the recorded row, whatever the
    builds before stamped: an offline build, then an online one a day later into the same site,
    gives the site a clean online build of the same input gives (SPEC 2: byte-identical)."""
    repo = os.path.join(tmp, "recorded")
    make_repo(repo, url, {"pay-success": COUNTER_SLI, "cart-success": WINDOW_SLI})
    end_day = END // DAY
    rows = ["slo,date,good,total"]
    for day in range(end_day - 10, end_day):
        rows.append(f"pay-availability,{date_of(day)},990,1000")  # 1% bad: not the source's
    write(os.path.join(repo, "metrics", "pay.csv"), "\n".join(rows) + "\n")
    clean = os.path.join(tmp, "recorded-clean")
    shutil.copytree(repo, clean)
    out = os.path.join(tmp, "recorded-site")
    code, _, stderr, _ = nines("build", repo, "-o", out, "--offline", "--now", NOW)
    check(code == 0, f"recorded: offline build ({code}): {stderr[-800:]}")
    later = "2026-11-02T00:00:00Z"
    code, _, stderr, _ = nines("build", repo, "-o", out, "--now", later)
    check(code == 0, f"recorded: online rebuild ({code}): {stderr[-800:]}")
    clean_out = os.path.join(tmp, "recorded-clean-site")
    code, _, stderr, _ = nines("build", clean, "-o", clean_out, "--now", later)
    check(code == 0, f"recorded: clean online build ({code}): {stderr[-800:]}")
    a, b = snapshot(out), snapshot(clean_out)
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    check(not differ, f"recorded: the rebuilt site is the clean one: {differ[:8]}")
    pay = slos_json(out).get("pay-availability", {})
    # The window's last 10 days are the recorded 99%, whatever the source says of them.
    check(pay.get("attainment_pct") is not None and pay["attainment_pct"] < 99.9,
          f"recorded: the recorded days count: {pay.get('attainment_pct')}")


def test_url_with_query(tmp, url):
    """A source url with a query string (a proxy's key): the API path goes before it."""
    repo = os.path.join(tmp, "url-query")
    make_repo(repo, url.rstrip("/") + "/?proxy_key=abc#frag",
              {"pay-success": COUNTER_SLI, "cart-success": WINDOW_SLI}, golden=False)
    out = os.path.join(tmp, "url-query-site")
    code, stdout, stderr, _ = nines("build", repo, "-o", out, "--now", NOW)
    check(code == 0, f"url query: build exits 0 ({code}): {stderr[-1500:]}")
    check("metrics-fetch" not in stderr, f"url query: no fetch warnings: {stderr[-1500:]}")
    slos = slos_json(out)
    check(len(slos) == 2, f"url query: two SLOs ({list(slos)})")
    for s in slos.values():
        check(s["data"]["status"] == "fresh", f"url query: {s['id']} is fresh: {s['data']}")


def write_sli(root, name, good, total):
    write(os.path.join(root, "slis", name + ".yaml"),
          f"sli:\n  name: {name}\n  query:\n    good: '{good}'\n    total: '{total}'\n")


def test_query_changed(tmp, url):
    """An SLI whose query changes after its days were stored: the days the old query measured are
    dropped and fetched again, never mixed with the new query's; the figures are those of a fresh
    build with the new query. Offline, the dropped days are missing, never the old figures."""
    repo = os.path.join(tmp, "requery")
    make_repo(repo, url, {"pay-success": COUNTER_SLI, "cart-success": WINDOW_SLI}, golden=False)
    code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, "requery-1"), "--now", NOW)
    check(code == 0, f"requery: first build ({code}): {stderr[-800:]}")
    before = slos_json(os.path.join(tmp, "requery-1"))["pay-availability"]
    check(before["attainment_pct"] < 100, f"requery: pay has errors at first: {before}")

    # Every request counts as good now: the same days, another definition.
    every = ('http_requests_total{service="{{service}}"}', COUNTER_SLI[1])
    write_sli(repo, "pay-success", *every)
    code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, "requery-2"), "--now", NOW)
    check(code == 0, f"requery: build after the edit ({code}): {stderr[-800:]}")
    after = slos_json(os.path.join(tmp, "requery-2"))
    pay = after["pay-availability"]
    check(pay["attainment_pct"] == 100 and pay["data"]["status"] == "fresh",
          f"requery: pay is measured by the new query alone: {pay}")
    rows = [r for r in store_rows(repo) if r[0] == "pay-availability"]
    check(len(rows) == 28 and all(r[3] == r[4] for r in rows),
          f"requery: every stored day of pay is the new query's: {rows[:3]}")

    fresh = os.path.join(tmp, "requery-fresh")
    make_repo(fresh, url, {"pay-success": every, "cart-success": WINDOW_SLI}, golden=False)
    code, _, stderr, _ = nines("build", fresh, "-o", os.path.join(tmp, "requery-3"), "--now", NOW)
    want = slos_json(os.path.join(tmp, "requery-3"))
    for slo in ("pay-availability", "cart-availability"):
        for field in ("attainment_pct", "budget_consumed_pct", "state", "data"):
            check(after[slo][field] == want[slo][field],
                  f"requery: {slo} {field} as a fresh build's: {after[slo][field]} / "
                  f"{want[slo][field]}")

    # Back to the first query, offline: its days were dropped and nothing is fetched, so pay has
    # no data; never the figures the store held before the first edit.
    write_sli(repo, "pay-success", *COUNTER_SLI)
    code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, "requery-4"), "--offline",
                               "--now", NOW)
    pay = slos_json(os.path.join(tmp, "requery-4"))["pay-availability"]
    check(code == 0 and pay["attainment_pct"] is None and pay["data"]["status"] == "missing",
          f"requery: offline after another edit, pay is missing ({code}): {pay}")
    cart = slos_json(os.path.join(tmp, "requery-4"))["cart-availability"]
    check(cart["attainment_pct"] == want["cart-availability"]["attainment_pct"],
          f"requery: cart's query did not change and keeps its days: {cart}")


def daily_rows_with_mark(root):
    """(slo, day) → (good, total, provisional) of the store's daily table."""
    con = sqlite3.connect(os.path.join(root, ".nines", "cache.db"))
    try:
        return {(r[0], r[1]): r[2:] for r in
                con.execute("SELECT slo, day, good, total, provisional FROM daily")}
    finally:
        con.close()


def test_provisional(tmp, full_url):
    """A day closed less than the source's settle margin ago is used, marked provisional, and
    fetched again until a pull finds it settled (docs/metrics.md, "Provisional days")."""
    sub = os.path.join(tmp, "partial")
    os.makedirs(sub, exist_ok=True)
    # The server ten minutes after 2026-10-31 ended has the day only up to 20:00.
    proc, partial_url = start_prometheus(sub, os.path.join(sub, "tsdb"), until=END - 4 * 3600)
    try:
        repo = os.path.join(tmp, "provisional")
        make_repo(repo, partial_url, {"pay-success": COUNTER_SLI, "cart-success": WINDOW_SLI},
                  retries=0, golden=False, settle="1h")
        last = END // DAY - 1  # 2026-10-31
        out = os.path.join(tmp, "provisional-site")
        code, _, stderr, _ = nines("build", repo, "-o", out, "--now", "2026-11-01T00:10:00Z")
        check(code == 0, f"provisional: build exits 0 ({code}): {stderr[-1500:]}")
        rows = daily_rows_with_mark(repo)
        for slo, s in (("pay-availability", 0), ("cart-availability", 1)):
            good, total = increase(s, END, DAY)
            r = rows.get((slo, last))
            check(r is not None and r[2] == 1 and 0 < r[1] < total and r[0] <= r[1],
                  f"provisional: {slo} 2026-10-31 stored short and marked: {r} of {total}")
            earlier = rows.get((slo, last - 1))
            check(earlier is not None and earlier[2] == 0 and
                  close(earlier[1], increase(s, END - DAY, DAY)[1]),
                  f"provisional: {slo} 2026-10-30 is whole and settled: {earlier}")
            f = slos_json(out)[slo]["data"]
            check(f["as_of"] == "2026-10-31" and f["provisional"] is True and
                  f["status"] == "fresh", f"provisional: {slo} uses the day, fetched now: {f}")

        # Two hours later the refetch fails: nothing written, the day stays provisional and used,
        # and the figure, resting on a day nobody could check, is not fresh.
        set_url(repo, f"http://127.0.0.1:{free_port()}")
        out_down = os.path.join(tmp, "provisional-down")
        code, _, stderr, _ = nines("build", repo, "-o", out_down, "--now", "2026-11-01T02:10:00Z")
        check(code == 0 and "metrics-fetch" in stderr,
              f"provisional: a build with the source down exits 0 and warns ({code})")
        check(daily_rows_with_mark(repo) == rows, "provisional: a failed refetch writes nothing")
        for slo, f in slos_json(out_down).items():
            check(f["data"]["as_of"] == "2026-10-31" and f["data"]["provisional"] is True and
                  f["data"]["status"] == "stale",
                  f"provisional: {slo} is stale on an unconfirmed provisional day: {f['data']}")
        code, _, stderr, _ = nines("build", repo, "-o", out_down + "-strict", "--now",
                                   "2026-11-01T02:10:00Z", "--strict")
        check(code == 3 and "pay-availability (stale)" in stderr,
              f"provisional: --strict names the unconfirmed day ({code}): {stderr[-800:]}")

        # The rest is in (the server with the whole day): the next pull asks for that day alone,
        # finds it settled, stores the full counts and clears the mark.
        set_url(repo, full_url)
        code, stdout, stderr, _ = nines("metrics", "pull", repo, "--now", "2026-11-01T02:10:00Z")
        check(code == 0 and "pulled 4 queries (0 failed)" in stdout,
              f"provisional: the settled pull asks for the one day of each SLO: {stdout!r} "
              f"{stderr[-800:]}")
        after = daily_rows_with_mark(repo)
        for slo, s in (("pay-availability", 0), ("cart-availability", 1)):
            good, total = increase(s, END, DAY)
            r = after.get((slo, last))
            check(r is not None and r[2] == 0 and close(r[0], good) and close(r[1], total),
                  f"provisional: {slo} 2026-10-31 now has the full counts: {r} = ({good}, {total})")
        check({k: v for k, v in after.items() if k[1] != last} ==
              {k: v for k, v in rows.items() if k[1] != last},
              "provisional: the settled days were not fetched again")
        code, stdout, _, _ = nines("metrics", "pull", repo, "--now", "2026-11-01T03:00:00Z")
        check(code == 0 and "pulled 0 queries (0 failed)" in stdout,
              f"provisional: nothing left to fetch once settled: {stdout!r}")
        out2 = os.path.join(tmp, "provisional-site-2")
        code, _, stderr, _ = nines("build", repo, "-o", out2, "--now", "2026-11-01T03:00:00Z")
        for slo, f in slos_json(out2).items():
            check(f["data"]["provisional"] is False and f["data"]["status"] == "fresh",
                  f"provisional: {slo} is settled and fresh: {f['data']}")
    finally:
        stop(proc)


def golden_rows_with_mark(repo):
    con = sqlite3.connect(os.path.join(repo, ".nines", "cache.db"))
    try:
        return {(r[0], r[1]): r[2:] for r in
                con.execute("SELECT service, day, value, provisional FROM golden "
                            "WHERE signal = 'traffic'")}
    finally:
        con.close()


def test_golden_provisional(tmp, full_url):
    """A golden-signal day read less than the source's settle margin after its end is shown,
    marked provisional, and fetched again until a pull finds it settled (docs/metrics.md)."""
    sub = os.path.join(tmp, "golden-partial")
    os.makedirs(sub, exist_ok=True)
    # The server ten minutes after 2026-10-31 ended has the day only up to 20:00.
    proc, partial_url = start_prometheus(sub, os.path.join(sub, "tsdb"), until=END - 4 * 3600)
    repo = os.path.join(tmp, "golden-provisional")
    last = END // DAY - 1  # 2026-10-31
    try:
        make_repo(repo, partial_url, {"pay-success": COUNTER_SLI, "cart-success": WINDOW_SLI},
                  retries=0, golden=True, settle="1h")
        code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, "golden-prov-site"),
                                   "--now", "2026-11-01T00:10:00Z")
        check(code == 0, f"golden provisional: build exits 0 ({code}): {stderr[-1500:]}")
        rows = golden_rows_with_mark(repo)
        for s, svc in enumerate(SERVICES):
            full = increase(s, END, DAY)[1]
            r = rows.get((svc, last))
            check(r is not None and r[1] == 1 and 0 < r[0] < full,
                  f"golden provisional: {svc} 2026-10-31 stored short and marked: {r} of {full}")
            earlier = rows.get((svc, last - 1))
            check(earlier is not None and earlier[1] == 0 and
                  close(earlier[0], increase(s, END - DAY, DAY)[1]),
                  f"golden provisional: {svc} 2026-10-30 is whole and settled: {earlier}")
    finally:
        stop(proc)
    # The rest is in (the server with the whole day): the next pull asks for that day again,
    # finds it settled, stores the whole day's value and clears the mark.
    set_url(repo, full_url)
    code, stdout, stderr, _ = nines("metrics", "pull", repo, "--now", "2026-11-01T02:10:00Z")
    check(code == 0 and "and 2 golden-signal values stored" in stdout,
          f"golden provisional: the settled pull stores the one day of each service: {stdout!r} "
          f"{stderr[-800:]}")
    after = golden_rows_with_mark(repo)
    for s, svc in enumerate(SERVICES):
        r = after.get((svc, last))
        check(r is not None and r[1] == 0 and close(r[0], increase(s, END, DAY)[1]),
              f"golden provisional: {svc} 2026-10-31 now has the whole day: {r}")
    check({k: v for k, v in after.items() if k[1] != last} ==
          {k: v for k, v in rows.items() if k[1] != last},
          "golden provisional: the settled days were not fetched again")


# ------------------------------------------------------------------------------------------------
# Failures (SPEC 4.4), against fault_server.py

FAULT_SLIS = {"pay-events": ('good_events{service="{{service}}"}',
                            'all_events{service="{{service}}"}'),
              "cart-events": ('sum(increase(good_events{service="{{service}}"}[{{window}}]))',
                              'sum(increase(all_events{service="{{service}}"}[{{window}}]))')}
SEED_NOW = "2026-10-29T00:00:00Z"  # a good pull then stores the days up to 2026-10-28
SEEDED_LAST = "2026-10-28"


def fault_repo(tmp, name, seed, **kw):
    """A repo for one fault; with `seed`, a good pull has stored the days up to 2026-10-28."""
    repo = os.path.join(tmp, name)
    make_repo(repo, "http://127.0.0.1:1", FAULT_SLIS, golden=False, **kw)
    if seed:
        proc, url, _ = start_fault(tmp, "ok")
        set_url(repo, url)
        code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, name + "-seed"),
                                   "--now", SEED_NOW)
        stop(proc)
        check(code == 0, f"{name}: the seeding build exits 0 ({code}): {stderr[-800:]}")
    return repo


def store_is_clean(name, repo, last_day):
    """Only good values (990 of 1000 a day, from the seeding pull or a successful one); none after
    `last_day`."""
    rows = store_rows(repo)
    for slo, day, source, good, total in rows:
        ok = (isinstance(good, float) and isinstance(total, float) and math.isfinite(good) and
              math.isfinite(total) and 0 <= good <= total and (good, total) == (990.0, 1000.0))
        check(ok, f"{name}: stored {slo} {date_of(day)} ({good}, {total}) is a good value")
    if last_day is not None:
        check(all(date_of(r[1]) <= last_day for r in rows),
              f"{name}: nothing stored after {last_day}")
    return rows


def expect_figures(name, out, status, as_of):
    for slo, f in slos_json(out).items():
        check(f["data"]["status"] == status and f["data"]["as_of"] == as_of,
              f"{name}: {slo} data {f['data']} is {status} as of {as_of}")
        if status == "missing":
            check(f["attainment_pct"] is None and f["state"] == "missing",
                  f"{name}: {slo} has no attainment without data")


def snapshot(folder):
    """Every file under `folder` with its bytes."""
    files = {}
    for root, _, names in os.walk(folder):
        for n in names:
            with open(os.path.join(root, n), "rb") as f:
                files[os.path.relpath(os.path.join(root, n), folder)] = f.read()
    return files


def run_fault(tmp, name, repo, url, status, as_of, last_day, expect_warning=None, strict=3,
              strict_says=None):
    """One faulty build, then the same with --strict; checks exit codes, figures, store, token."""
    set_url(repo, url)
    out = os.path.join(tmp, name + "-site")
    code, stdout, stderr, elapsed = nines("build", repo, "-o", out, "--now", NOW)
    check(code == 0, f"{name}: build exits 0 ({code}): {stderr[-1500:]}")
    check(elapsed < 60, f"{name}: build is bounded in time ({elapsed:.1f}s)")
    expect_figures(name, out, status, as_of)
    if expect_warning:
        check("[metrics-fetch]" in stderr and "pay-availability" in stderr and url in stderr,
              f"{name}: a metrics-fetch warning names the SLO and the URL: {stderr[-1500:]}")
        check(expect_warning in stderr, f"{name}: the warning says {expect_warning!r}: "
                                        f"{stderr[-1500:]}")
    store_is_clean(name, repo, last_day)
    out_strict = os.path.join(tmp, name + "-strict")
    scode, sout, serr, _ = nines("build", repo, "-o", out_strict, "--now", NOW, "--strict")
    check(scode == strict, f"{name}: --strict exits {strict} ({scode}): {serr[-800:]}")
    if strict_says:
        check(strict_says in serr, f"{name}: --strict says {strict_says!r}: {serr[-800:]}")
    check((scode == 0) == os.path.isdir(out_strict),
          f"{name}: a --strict build writes a site exactly when it succeeds ({scode})")
    if scode != 0:
        # A failed build never replaces the previous site: --strict over the site just built.
        before = snapshot(out)
        code, _, serr2, _ = nines("build", repo, "-o", out, "--now", NOW, "--strict")
        check(code == scode and snapshot(out) == before,
              f"{name}: a failed --strict build leaves the previous site ({code}): {serr2[-400:]}")
    store_is_clean(name + " strict", repo, last_day)
    no_token_anywhere(name, [stdout, stderr, sout, serr],
                      [out, out_strict, os.path.join(repo, ".nines")])
    return stdout, stderr


def test_server_down(tmp):
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    repo = fault_repo(tmp, "down-fresh", seed=False)
    run_fault(tmp, "down-fresh", repo, down, "missing", None, None,
              "Couldn't connect to server")
    check(store_rows(repo) == [], "down-fresh: nothing stored")
    code, stdout, stderr, elapsed = nines("metrics", "pull", repo, "--now", NOW)
    check(code == 3, f"down: metrics pull exits 3 when nothing could be fetched ({code})")
    check("could be reached" in stderr or "could not be reached" in stderr,
          f"down: pull says the source is unreachable: {stderr[-500:]}")
    check(elapsed < 30, f"down: pull gives up quickly ({elapsed:.1f}s)")

    repo = fault_repo(tmp, "down-seeded", seed=True)
    run_fault(tmp, "down-seeded", repo, down, "stale", SEEDED_LAST, SEEDED_LAST,
              "Couldn't connect to server")


def test_down_is_deterministic(tmp):
    """SPEC 2: with a fixed now and the same input, builds are byte-identical, also when the
    backend is down: which requests give up first (retry jitter, completion order) must not show."""
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    # det-live is seeded an hour after the last day closed, so that day is settled, not
    # provisional (docs/metrics.md), and not asked for again.
    for name, seed_now in (("det-days", SEED_NOW), ("det-live", "2026-11-01T01:00:00Z")):
        # det-days: days and live windows are asked for; det-live: the store has every closed
        # day, so only the live windows are.
        repo = os.path.join(tmp, name)
        make_repo(repo, "http://127.0.0.1:1", FAULT_SLIS, golden=False, retries=3, concurrency=2)
        proc, url, _ = start_fault(tmp, "ok")
        set_url(repo, url)
        code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, name + "-seed"),
                                   "--now", seed_now)
        stop(proc)
        check(code == 0, f"{name}: the seeding build exits 0 ({code}): {stderr[-800:]}")
        set_url(repo, down)
        runs = []
        for i in range(3):
            out = os.path.join(tmp, f"{name}-{i}")
            code, stdout, stderr, _ = nines("build", repo, "-o", out, "--now", NOW)
            check(code == 0, f"{name} run {i}: build exits 0 ({code}): {stderr[-800:]}")
            runs.append((stdout, stderr, snapshot(out)))
        for i in (1, 2):
            check(runs[i][1] == runs[0][1],
                  f"{name}: run {i} warns as run 0:\n{runs[0][1]}\n---\n{runs[i][1]}")
            differ = sorted(p for p in set(runs[0][2]) | set(runs[i][2])
                            if runs[0][2].get(p) != runs[i][2].get(p))
            check(not differ, f"{name}: run {i} wrote the site of run 0 byte for byte: {differ}")
        check("not retried" not in runs[0][1] and "attempts)" not in runs[0][1],
              f"{name}: an unreachable source is one reason, no attempt counts: {runs[0][1]}")
        if name == "det-live":
            # Every closed day is stored and fresh, but the windows of now are missing: marked so
            # on the page and in the API, and --strict fails as for stale days (SPEC 4.4).
            out = os.path.join(tmp, f"{name}-0")
            pay = slos_json(out)["pay-availability"]
            check(pay["data"]["status"] == "fresh" and
                  set(pay["data"]["live_missing"]) == {"1h", "6h", "5m", "30m"} and
                  pay["burn_rates"]["1h"] is None and pay["burn_rates"]["24h"] is not None,
                  f"{name}: the live windows are missing, the daily ones are not: {pay}")
            with open(os.path.join(out, "slos", "pay-availability", "index.html")) as f:
                page = f.read()
            check("missing: the live source did not answer" in page and
                  "freshness-fresh" not in page,
                  f"{name}: the SLO page marks the live burn rates missing, not fresh")
            code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, name + "-strict"),
                                       "--now", NOW, "--strict")
            check(code == 3 and "live 1h, 30m, 5m, 6h not fetched" in stderr,
                  f"{name}: --strict exits 3 when the live windows fail ({code}): {stderr[-800:]}")


def test_golden_fetch_fails(tmp):
    """A golden signal that cannot be fetched while the SLO queries succeed: its card reads stale
    with its age, the page does not say fresh, and --strict exits 3."""
    name = "golden-fail"
    repo = os.path.join(tmp, name)
    make_repo(repo, "http://127.0.0.1:1", FAULT_SLIS, golden=True)
    proc, url, _ = start_fault(tmp, "ok")
    set_url(repo, url)
    code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, name + "-seed"),
                               "--now", "2026-10-25T00:00:00Z")
    stop(proc)
    check(code == 0, f"{name}: the seeding build exits 0 ({code}): {stderr[-800:]}")
    proc, url, _ = start_fault(tmp, "goldenfail")
    try:
        set_url(repo, url)
        out = os.path.join(tmp, name + "-site")
        code, _, stderr, _ = nines("build", repo, "-o", out, "--now", NOW)
        check(code == 0 and "golden signal traffic of services cart-api, pay-api" in stderr,
              f"{name}: build exits 0 and warns ({code}): {stderr[-800:]}")
        check(all(s["data"]["status"] == "fresh" for s in slos_json(out).values()),
              f"{name}: the SLO data are fresh")
        with open(os.path.join(out, "services", "pay-api", "index.html")) as f:
            page = f.read()
        check("stale · 7 days old" in page and "freshness-fresh" not in page,
              f"{name}: the golden card reads stale with its age, the page not fresh")
        code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, name + "-strict"),
                                   "--now", NOW, "--strict")
        check(code == 3 and "golden signals of pay-api (traffic not fetched)" in stderr,
              f"{name}: --strict exits 3 ({code}): {stderr[-800:]}")
    finally:
        stop(proc)


def test_killed_mid_pull(tmp):
    repo = fault_repo(tmp, "killed", seed=True)
    # The server answers one request, then kills itself on the next while others are in flight:
    # no day can have both its good and total answered.
    proc, url, log = start_fault(tmp, "die", "--die-after", "1")
    try:
        run_fault(tmp, "killed", repo, url, "stale", SEEDED_LAST, SEEDED_LAST, "not fetched")
    finally:
        stop(proc)
    check(any(e.get("killed") for e in read_log(log)), "killed: the server died mid-pull")


def test_slow_server(tmp):
    repo = fault_repo(tmp, "slow", seed=True, timeout="1s")
    proc, url, log = start_fault(tmp, "slow", "--delay", "4")
    try:
        run_fault(tmp, "slow", repo, url, "stale", SEEDED_LAST, SEEDED_LAST, "Timeout was reached")
    finally:
        stop(proc)


def test_5xx_then_success(tmp):
    repo = fault_repo(tmp, "flaky", seed=True, retries=2)
    proc, url, log = start_fault(tmp, "flaky", "--fail-first", "2")
    try:
        run_fault(tmp, "flaky", repo, url, "fresh", "2026-10-31", "2026-10-31", strict=0)
    finally:
        stop(proc)
    days = {r[1] for r in store_rows(repo) if r[0] == "pay-availability"}
    window = set(range(END // DAY - 28, END // DAY))
    check(window <= days, f"flaky: the 28 days of the window are stored after retries")
    entries = read_log(log)
    ranges = [e for e in entries if e["path"] == "/api/v1/query_range"]
    check(ranges and max(e["attempt"] for e in ranges) == 3 and
          all(e["status"] == 503 for e in ranges if e["attempt"] <= 2),
          "flaky: each daily query was answered 503 twice, then retried to success")


def test_429_retry_after(tmp):
    repo = fault_repo(tmp, "ratelimit", seed=True)
    proc, url, log = start_fault(tmp, "ratelimit", "--fail-first", "1", "--retry-after", "2")
    try:
        run_fault(tmp, "ratelimit", repo, url, "fresh", "2026-10-31", "2026-10-31", strict=0)
    finally:
        stop(proc)
    entries = read_log(log)
    first = {e["req"]: e["t"] for e in entries if e.get("attempt") == 1 and e["status"] == 429}
    gaps = [e["t"] - first[e["req"]] for e in entries
            if e.get("attempt") == 2 and e["req"] in first]
    check(gaps and min(gaps) >= 1.9, f"ratelimit: retries waited Retry-After (2 s): {gaps[:5]}")


def test_429_retry_after_date(tmp):
    """Retry-After as an HTTP-date (RFC 9110) is honoured as delay-seconds are."""
    repo = fault_repo(tmp, "ratelimit-date", seed=True)
    proc, url, log = start_fault(tmp, "ratelimit", "--fail-first", "1", "--retry-after", "3",
                                 "--retry-after-date")
    try:
        run_fault(tmp, "ratelimit-date", repo, url, "fresh", "2026-10-31", "2026-10-31", strict=0)
    finally:
        stop(proc)
    entries = read_log(log)
    first = {e["req"]: e["t"] for e in entries if e.get("attempt") == 1 and e["status"] == 429}
    gaps = [e["t"] - first[e["req"]] for e in entries
            if e.get("attempt") == 2 and e["req"] in first]
    check(gaps and min(gaps) >= 2.5,
          f"ratelimit-date: retries waited the HTTP-date's 3 s: {gaps[:5]}")


def test_widened_window_range_fails(tmp):
    """A window widened by 7 days while the daily fetch fails: the last day is current, but the
    window has holes this run could not fill, so it is stale, and --strict exits 3."""
    name = "widened"
    repo = fault_repo(tmp, name, seed=False)
    proc, url, _ = start_fault(tmp, "ok")
    set_url(repo, url)
    code, _, stderr, _ = nines("build", repo, "-o", os.path.join(tmp, name + "-seed"),
                               "--now", NOW)
    stop(proc)
    check(code == 0, f"{name}: the seeding build exits 0 ({code}): {stderr[-800:]}")
    for slo in ("pay", "cart"):
        path = os.path.join(repo, "slos", slo + ".yaml")
        write(path, open(path).read().replace("window: 28d", "window: 35d"))
    proc, url, _ = start_fault(tmp, "rangeerror")
    try:
        run_fault(tmp, name, repo, url, "stale", "2026-10-31", "2026-10-31",
                  "2026-09-27 … 2026-10-03 (7 days) not fetched",
                  strict_says="pay-availability (stale)")
    finally:
        stop(proc)
    out = os.path.join(tmp, name + "-site")
    for slo, f in slos_json(out).items():
        check(f["data"]["age_days"] == 0 and f["window_days"] == 35,
              f"{name}: {slo} is stale with the age of its data (0 days): {f['data']}")
    code, _, _, _ = nines("metrics", "pull", repo, "--now", NOW)
    check(code == 3, f"{name}: metrics pull exits 3 when every daily fetch failed ({code})")


def test_partial_response_warnings(tmp):
    """An answer with `warnings` (a Thanos or Mimir partial response) is not stored."""
    repo = fault_repo(tmp, "warnings", seed=True)
    proc, url, _ = start_fault(tmp, "warnings")
    try:
        run_fault(tmp, "warnings", repo, url, "stale", SEEDED_LAST, SEEDED_LAST,
                  "partial response: store 10.0.0.7:10901 unavailable",
                  strict_says="pay-availability (stale)")
    finally:
        stop(proc)


def test_subsecond_steps(tmp):
    """Range samples 0.4 s off the day steps are refused, as the warning says: not stored."""
    repo = fault_repo(tmp, "subsecond", seed=True)
    proc, url, _ = start_fault(tmp, "subsecond")
    try:
        run_fault(tmp, "subsecond", repo, url, "stale", SEEDED_LAST, SEEDED_LAST,
                  "not at the requested day steps", strict_says="pay-availability (stale)")
    finally:
        stop(proc)


def test_oversize_answers(tmp):
    """Answers larger than the per-answer cap (16 MiB at the default concurrency) fail their
    query, are not stored, and the pull's memory stays bounded."""
    repo = fault_repo(tmp, "oversize", seed=True)
    proc, url, _ = start_fault(tmp, "oversize")
    try:
        run_fault(tmp, "oversize", repo, url, "stale", SEEDED_LAST, SEEDED_LAST,
                  "the response is larger than 16 MiB", strict_says="pay-availability (stale)")
    finally:
        stop(proc)


def test_url_credentials_echoed_in_a_path(tmp):
    """A server quoting the request's relative path with the source URL's api_key: redacted in
    every message, the store and the site."""
    key = "K3Y-0123456789abcdef"
    repo = fault_repo(tmp, "echopath", seed=True)
    proc, url, _ = start_fault(tmp, "echopath")
    try:
        set_url(repo, url + "/?api_key=" + key)
        out = os.path.join(tmp, "echopath-site")
        code, stdout, stderr, _ = nines("build", repo, "-o", out, "--now", NOW)
    finally:
        stop(proc)
    check(code == 0, f"echopath: build exits 0 ({code}): {stderr[-800:]}")
    check("query_range?api_key=[redacted]" in stderr,
          f"echopath: the echoed path is quoted, its key redacted: {stderr[-800:]}")
    no_token_anywhere("echopath", [stdout, stderr], [out, os.path.join(repo, ".nines")],
                      token=key)


def test_token_control_characters(tmp):
    """One trailing line break of the token is dropped; any other control character sends
    nothing, says which variable, never the token, and exits 3 like an unreachable source."""
    repo = fault_repo(tmp, "token-newline", seed=False)
    proc, url, log = start_fault(tmp, "ok")
    try:
        set_url(repo, url)
        out = os.path.join(tmp, "token-newline-site")
        code, _, stderr, _ = nines("build", repo, "-o", out, "--now", NOW, token=TOKEN + "\n")
        check(code == 0 and "[metrics-fetch]" not in stderr,
              f"token-newline: a token with a trailing newline works ({code}): {stderr[-800:]}")
        expect_figures("token-newline", out, "fresh", "2026-10-31")
        sent = len(read_log(log))
        bad = "nines-e2e-INJECT-4b1d\r\nX-Injected: yes"
        repo = fault_repo(tmp, "token-crlf", seed=False)
        set_url(repo, url)
        code, stdout, stderr, _ = nines("metrics", "pull", repo, "--now", NOW, token=bad)
        check(code == 3, f"token-crlf: metrics pull exits 3 ({code}): {stderr[-800:]}")
        check("PROM_TOKEN" in stderr and "control character" in stderr,
              f"token-crlf: the error names the variable: {stderr[-800:]}")
        check("INJECT" not in stdout + stderr, "token-crlf: the token is never printed")
        check(len(read_log(log)) == sent, "token-crlf: no request reached the server")
        out = os.path.join(tmp, "token-crlf-site")
        code, _, stderr, _ = nines("build", repo, "-o", out, "--now", NOW, "--strict", token=bad)
        check(code == 3, f"token-crlf: build --strict exits 3 ({code}): {stderr[-800:]}")
    finally:
        stop(proc)


def test_malformed_json(tmp):
    repo = fault_repo(tmp, "malformed", seed=True)
    proc, url, _ = start_fault(tmp, "malformed")
    try:
        run_fault(tmp, "malformed", repo, url, "stale", SEEDED_LAST, SEEDED_LAST, "truncated")
    finally:
        stop(proc)


def test_nan_results(tmp):
    repo = fault_repo(tmp, "nan", seed=True)
    proc, url, _ = start_fault(tmp, "nan")
    try:
        run_fault(tmp, "nan", repo, url, "stale", SEEDED_LAST, SEEDED_LAST, "is NaN")
    finally:
        stop(proc)


def test_some_days_nan(tmp):
    """NaN on every other day of an answer: the whole answer is a failed fetch. Storing the good
    days would leave the last day current and the SLO `fresh` over a window with holes."""
    for name, seed, status, as_of in (("halfnan-stale", True, "stale", SEEDED_LAST),
                                      ("halfnan-missing", False, "missing", None)):
        repo = fault_repo(tmp, name, seed=seed)
        proc, url, _ = start_fault(tmp, "halfnan")
        try:
            run_fault(tmp, name, repo, url, status, as_of, as_of, "rejected: ",
                      strict_says=f"pay-availability ({status})")
        finally:
            stop(proc)
        if not seed:
            check(store_rows(repo) == [], f"{name}: nothing of the answer is stored")


def test_4xx_not_retried(tmp):
    repo = fault_repo(tmp, "unauthorized", seed=True)
    wrong = "wrong-token-0123456789"
    proc, url, log = start_fault(tmp, "ok")  # expects TOKEN; nines sends `wrong`
    try:
        set_url(repo, url)
        out = os.path.join(tmp, "unauthorized-site")
        code, stdout, stderr, _ = nines("build", repo, "-o", out, "--now", NOW, token=wrong)
    finally:
        stop(proc)
    check(code == 0, f"401: build exits 0 ({code})")
    check("HTTP 401" in stderr, f"401: the warning says HTTP 401: {stderr[-800:]}")
    expect_figures("401", out, "stale", SEEDED_LAST)
    entries = read_log(log)
    check(entries and all(e["attempt"] == 1 and e["status"] == 401 for e in entries),
          "401: no request was retried")
    no_token_anywhere("401", [stdout, stderr], [out, os.path.join(repo, ".nines")], token=wrong)


def test_metrics_import(tmp):
    repo = fault_repo(tmp, "import", seed=False)
    good = os.path.join(tmp, "recorded.csv")
    write(good, "slo,date,good,total\npay-availability,2026-10-30,90,100\n"
                "pay-availability,2026-10-31,95,100\n")
    code, stdout, _, _ = nines("metrics", "import", good, "-C", repo, "--now", NOW)
    check(code == 0 and "csv:import/recorded.csv" in stdout, f"import: ok ({code}) {stdout!r}")
    rows = store_rows(repo)
    check([(r[0], date_of(r[1]), r[2], r[3], r[4]) for r in rows] ==
          [("pay-availability", "2026-10-30", "csv:import/recorded.csv", 90.0, 100.0),
           ("pay-availability", "2026-10-31", "csv:import/recorded.csv", 95.0, 100.0)],
          f"import: rows stored under their source: {rows}")
    bad = os.path.join(tmp, "bad.csv")
    write(bad, "slo,date,good,total\npay-availability,2026-10-29,101,100\n")
    code, _, stderr, _ = nines("metrics", "import", bad, "-C", repo)
    check(code == 1, f"import: a bad row exits 1 ({code})")
    check("good count 101 is greater than total 100 [csv-row]" in stderr and
          f"{bad}:2:" in stderr, f"import: check's message at the row: {stderr!r}")
    check(len(store_rows(repo)) == 2, "import: nothing of a bad file is stored")
    # An SLO the repository does not define: check's unknown-reference error, at the row.
    unknown = os.path.join(tmp, "unknown.csv")
    write(unknown, "slo,date,good,total\npay-availability,2026-10-28,99,100\n"
                   "pay-availabilty,2026-10-29,99,100\n")
    code, _, stderr, _ = nines("metrics", "import", unknown, "-C", repo)
    check(code == 1 and f"{unknown}:3:1: error: unknown slo 'pay-availabilty', did you mean "
          "'pay-availability'? [unknown-reference]" in stderr,
          f"import: an unknown SLO is check's error ({code}) {stderr!r}")
    check(len(store_rows(repo)) == 2, "import: nothing of a file with an unknown SLO is stored")

    # The imported days are the month's metrics, though no CSV in the repository and no
    # postmortem has a day of it: 2026-10 gets its report, on the site too, and can be frozen.
    code, md, stderr, _ = nines("report", repo, "--month", "2026-10", "--now", NOW)
    check(code == 0 and "Partial month: metrics cover 2 of 31 days." in md,
          f"import: the month has a report ({code}) {stderr!r}")
    code, out, _, _ = nines("report", repo, "--month", "2026-10", "--now", NOW, "--format", "json")
    rep = json.loads(out)["monthly_report"] if code == 0 else {}
    pay = [s for s in rep.get("slos", []) if s["slo"] == "pay-availability"]
    check(pay and close(pay[0]["attainment_pct"], 92.5) and pay[0]["days_with_data"] == 2,
          f"import: the report's figures are the imported ones: {pay}")
    site = os.path.join(tmp, "import-site")
    code, _, stderr, _ = nines("build", repo, "-o", site, "--offline", "--now", NOW)
    check(code == 0, f"import: build ({code}) {stderr[-800:]}")
    with open(os.path.join(site, "api", "reports", "index.json")) as f:
        check("2026-10" in json.dumps(json.load(f)), "import: api/reports lists 2026-10")
    check(os.path.exists(os.path.join(site, "api", "reports", "2026-10.json")) and
          os.path.exists(os.path.join(site, "reports", "2026-10", "index.html")),
          "import: api/reports/2026-10.json and its page are built")
    code, out, stderr, _ = nines("report", repo, "--month", "2026-10", "--now", NOW, "--freeze")
    check(code == 0 and "froze 2026-10 into reports/2026-10.yaml" in out,
          f"import: the month can be frozen ({code}) {stderr!r}")
    shutil.rmtree(os.path.join(repo, ".nines"))
    code, out, _, _ = nines("report", repo, "--month", "2026-10", "--now", NOW, "--format", "json")
    frozen = json.loads(out)["monthly_report"] if code == 0 else {}
    check(frozen.get("frozen") is True and frozen.get("coverage") == rep.get("coverage") and
          [s["attainment_pct"] for s in frozen["slos"]] == [s["attainment_pct"] for s in rep["slos"]],
          f"import: the frozen month keeps its figures once the store is gone: {frozen}")


def main():
    global NINES
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    NINES = os.path.abspath(sys.argv[1])
    missing = [t for t in ("prometheus", "promtool") if shutil.which(t) is None]
    with tempfile.TemporaryDirectory(prefix="nines-prom-") as tmp:
        # The fault tests need no Prometheus; they run whatever happens to it.
        for test in (test_server_down, test_down_is_deterministic, test_golden_fetch_fails,
                     test_killed_mid_pull, test_slow_server,
                     test_5xx_then_success, test_429_retry_after, test_malformed_json,
                     test_nan_results, test_some_days_nan, test_4xx_not_retried,
                     test_metrics_import, test_429_retry_after_date,
                     test_widened_window_range_fails, test_partial_response_warnings,
                     test_subsecond_steps, test_oversize_answers, test_url_credentials_echoed_in_a_path,
                     test_token_control_characters):
            try:
                test(tmp)
            except Exception as e:  # one broken scenario must not hide the others
                check(False, f"{test.__name__} raised {type(e).__name__}: {e}")
        if missing:
            check(False, f"{' and '.join(missing)} not installed: the real-Prometheus tests need "
                         "Debian's `prometheus` package (apt-get install prometheus)")
        else:
            proc = None
            try:
                proc, url = start_prometheus(tmp, os.path.join(tmp, "tsdb"))
                test_real_prometheus(tmp, url)
                test_url_with_query(tmp, url)
                test_recorded_and_fetched(tmp, url)
                test_query_changed(tmp, url)
                test_provisional(tmp, url)
                test_golden_provisional(tmp, url)
            except Exception as e:
                check(False, f"real Prometheus: {type(e).__name__}: {e}")
            finally:
                if proc is not None:
                    stop(proc)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
