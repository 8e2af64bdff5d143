#!/usr/bin/env python3
"""Generate the recorded SLI data of the demo organisation (content/metrics/*.csv).

Larkspur Logistics' demo repository has no Prometheus behind it, so `nines build
content` reads these CSVs instead (SPEC 4.3): one row per SLO per day, header
`slo,date,good,total`, for the 120 days 2026-07-26 ... 2026-11-22.

The data is deterministic (fixed seed, standard library only, reads nothing) and is
shaped so that at now = 2026-11-23, over the 28 days 2026-10-26 ... 2026-11-22, the
SLOs land in different error budget states (see STATE below), with a bump of bad
events on the date of every postmortem that touched the SLO.

Usage: python3 scripts/gen-demo-metrics.py [--check]
  --check   only print the budget figures, write nothing.
"""

import datetime as dt
import os
import random
import sys

START = dt.date(2026, 7, 26)
END = dt.date(2026, 11, 22)          # last whole day before "now" (2026-11-23)
SEED = 20261123

# Incident bumps are given as the share of the SLO's whole-window error budget that
# the incident burnt (0.30 = 30 % of the 28d budget), baseline likewise.
#
# slo id, csv file, target %, window days, mean daily events, baseline share,
# profile (weekly | flat), incidents {date: share}, intended state at 2026-11-23
SLOS = [
    # payments-team
    ("checkout-api-availability", "payments", 99.95, 28, 3_400_000, 0.28, "weekly",
     {"2026-08-19": 0.15, "2026-11-17": 0.30}, "warning"),
    ("checkout-api-latency", "payments", 99.0, 28, 3_400_000, 0.30, "weekly",
     {"2026-08-19": 0.12, "2026-11-17": 0.08}, "healthy"),
    ("payment-gateway-availability", "payments", 99.99, 28, 420_000, 0.20, "weekly",
     {"2026-08-19": 0.65}, "healthy"),
    ("payment-gateway-latency", "payments", 99.5, 28, 420_000, 0.25, "weekly",
     {"2026-08-19": 0.30}, "healthy"),
    # platform-team
    ("auth-service-availability", "platform", 99.995, 28, 9_000_000, 0.15, "weekly",
     {"2026-10-08": 2.80}, "healthy"),
    ("auth-service-latency", "platform", 99.9, 28, 9_000_000, 0.20, "weekly",
     {"2026-10-08": 0.20}, "healthy"),
    ("event-bus-processing-latency", "platform", 99.95, 28, 8_000_000, 0.20, "weekly",
     {"2026-09-03": 0.85}, "healthy"),
    ("pod-photo-store-availability", "platform", 99.9, 28, 1_500_000, 0.15, "weekly",
     {"2026-10-29": 0.06, "2026-11-12": 0.05}, "healthy"),
    # delivery-team
    ("dispatch-service-availability", "delivery", 99.95, 28, 2_200_000, 0.18, "weekly",
     {"2026-11-04": 0.70}, "critical"),
    ("dispatch-service-latency", "delivery", 99.0, 28, 2_200_000, 0.20, "weekly",
     {"2026-11-04": 0.18}, "healthy"),
    ("tracking-api-availability", "delivery", 99.9, 28, 6_500_000, 0.20, "weekly",
     {"2026-09-03": 0.10, "2026-10-14": 0.35}, "healthy"),
    ("tracking-api-latency", "delivery", 99.0, 28, 6_500_000, 0.25, "weekly",
     {"2026-09-03": 0.15, "2026-10-14": 0.55}, "healthy"),
    ("driver-app-bff-availability", "delivery", 99.9, 28, 1_800_000, 0.35, "weekly",
     {"2026-10-29": 0.45, "2026-11-12": 0.52}, "exhausted"),
    ("route-optimizer-run-success", "delivery", 99.0, 30, 24_000, 0.20, "weekly",
     {"2026-11-04": 0.10}, "healthy"),
    # customer-team
    ("customer-web-lcp", "customer", 90.0, 28, 350_000, 0.30, "weekly",
     {}, "healthy"),
    ("customer-web-availability", "customer", 99.9, 30, 4_000_000, 0.20, "weekly",
     {"2026-11-17": 0.12}, "healthy"),
    ("notification-service-delivery", "customer", 99.5, 28, 900_000, 0.30, "weekly",
     {"2026-11-10": 0.32}, "warning"),
    ("returns-portal-availability", "customer", 99.0, 28, 60_000, 0.15, "weekly",
     {}, "healthy"),
    # data-team
    ("warehouse-sync-freshness", "data", 99.0, 28, 17_280, 0.25, "flat",
     {"2026-09-03": 0.40}, "healthy"),
    ("eta-predictor-latency", "data", 95.0, 28, 2_600_000, 0.30, "weekly",
     {}, "healthy"),
    # eta-predictor-accuracy (target 90.0) is deliberately absent: the accuracy
    # evaluation job has not shipped yet, so the site shows that SLO as "missing".
]

# Parcel volumes: busy Monday and Friday, quiet weekend.
WEEKDAY = [1.08, 1.04, 1.03, 1.03, 1.07, 0.86, 0.62]   # Mon .. Sun


def days():
    d = START
    while d <= END:
        yield d
        d += dt.timedelta(days=1)


def volume(rng, mean, profile, day):
    if profile == "flat":          # a fixed number of probes per day
        return mean
    n = (day - START).days
    trend = 1.0 + 0.0012 * n       # slow organic growth
    if day >= dt.date(2026, 11, 1):
        trend *= 1.0 + 0.006 * (day - dt.date(2026, 11, 1)).days   # peak-season ramp
    return max(1, int(mean * WEEKDAY[day.weekday()] * trend * rng.uniform(0.96, 1.04)))


def generate():
    rng = random.Random(SEED)
    rows = {}
    for slo, team, target, window, mean, base, profile, incidents, _ in SLOS:
        b = 1.0 - target / 100.0
        out = []
        for day in days():
            total = volume(rng, mean, profile, day)
            # lognormal day-to-day noise with mean 1
            noise = rng.lognormvariate(0.0, 0.35) / 1.0632
            bad = total * b * base * noise
            share = incidents.get(day.isoformat())
            if share:
                bad += share * b * window * total
            bad = min(total, int(round(bad)))
            out.append((slo, day.isoformat(), total - bad, total))
        rows.setdefault(team, []).extend(out)
    return rows


def budget(rows, slo, target, first, last):
    good = total = 0
    for team_rows in rows.values():
        for s, d, g, t in team_rows:
            if s == slo and first <= d <= last:
                good += g
                total += t
    b = 1.0 - target / 100.0
    consumed = (1.0 - good / total) / b
    return 1.0 - consumed


def state(remaining):
    if remaining > 0.5:
        return "healthy"
    if remaining > 0.25:
        return "warning"
    if remaining > 0:
        return "critical"
    return "exhausted"


def main():
    rows = generate()
    check_only = "--check" in sys.argv[1:]
    ok = True
    for slo, _, target, window, _, _, _, _, want in SLOS:
        last = END
        first = last - dt.timedelta(days=window - 1)
        r = budget(rows, slo, target, first.isoformat(), last.isoformat())
        got = state(r)
        ok &= got == want
        print(f"{slo:32s} {target:7.3f}% {window}d remaining {100 * r:8.1f}%  {got}"
              + ("" if got == want else f"  (wanted {want})"))
    if not ok:
        print("error: a budget state differs from the intended one", file=sys.stderr)
        return 1
    if check_only:
        return 0
    outdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "content", "metrics")
    os.makedirs(outdir, exist_ok=True)
    for team, team_rows in sorted(rows.items()):
        path = os.path.join(outdir, f"{team}.csv")
        with open(path, "w", newline="\n", encoding="utf-8") as f:
            f.write("slo,date,good,total\n")
            for s, d, g, t in team_rows:
                f.write(f"{s},{d},{g},{t}\n")
        print(f"wrote {os.path.relpath(path)} ({len(team_rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
