#!/usr/bin/env python3
"""Generates a synthetic nines content repository of N services, and the same prose as a Hugo site.

Usage:
  bench/gen_repo.py OUT_DIR SERVICES [--hugo HUGO_DIR]

Each service has the mix the speed benchmark is defined on: the service, 2 SLOs (5 burn-rate
alerts between them) with 90 days of daily CSV data, 5 runbooks (one per alert) and 2 postmortems
with about 2 KB of Markdown body each, a toil item and a capacity model. That is 12 documents per
service, plus one SLI, one error budget policy and one on-call rotation per team (one team per 40
services). Everything is deterministic: the same arguments give byte-identical files.

With --hugo, the runbook and postmortem bodies (the prose both tools render) are written again as
a plain Hugo site with a minimal theme, so Hugo and nines render the same text.
"""
import argparse
import datetime
import os
import random

SERVICES_PER_TEAM = 40
DATA_DAYS = 90
DATA_END = datetime.date(2026, 10, 31)

WORDS = (
    "latency budget replica queue shard leader cache request region deploy rollback config "
    "consumer producer partition timeout retry circuit breaker dashboard alert page ticket "
    "acquirer database failover cluster node pod container memory disk network packet token "
    "certificate upstream downstream traffic load balancer threshold window burn error "
    "availability saturation throughput backlog lag index vacuum migration schema feature flag"
).split()

ALERTS = [  # (slo index, alert name, burn rate, short window, long window, severity)
    (0, "fast_burn", 14.4, "5m", "1h", "page"),
    (0, "medium_burn", 6.0, "30m", "6h", "page"),
    (0, "slow_burn", 1.0, "6h", "3d", "ticket"),
    (1, "latency_fast_burn", 14.4, "5m", "1h", "page"),
    (1, "latency_slow_burn", 1.0, "6h", "3d", "ticket"),
]


def sentence(rng, lo=8, hi=18):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng, sentences=4):
    return " ".join(sentence(rng) for _ in range(sentences))


def markdown_body(rng, service, target=2048):
    """About `target` bytes of Markdown: headings, paragraphs, a list, a table, a code block."""
    parts = []
    size = 0
    section = 0
    while size < target:
        section += 1
        block = [f"## {sentence(rng, 2, 5)[:-1]}", "", paragraph(rng), ""]
        kind = section % 3
        if kind == 0:
            block += [f"- {sentence(rng, 4, 9)}" for _ in range(4)] + [""]
        elif kind == 1:
            block += ["| Step | Check | Expected |", "|------|-------|----------|"]
            block += [f"| {i} | `{rng.choice(WORDS)}` | {sentence(rng, 3, 6)} |" for i in range(1, 4)]
            block += [""]
        else:
            block += ["```sh", f"kubectl -n {service} get pods -l app={service}",
                      f"larkctl {rng.choice(WORDS)} {service} --since 1h", "```", ""]
        text = "\n".join(block) + "\n"
        parts.append(text)
        size += len(text)
    return "".join(parts)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(out, services, hugo=None):
    rng = random.Random(20261101)
    teams = max(1, (services + SERVICES_PER_TEAM - 1) // SERVICES_PER_TEAM)
    names = [f"svc-{i:05d}" for i in range(services)]
    docs = 0

    lines = ["title: Synthetic benchmark organisation", "base_url: https://bench.example/",
             "timezone: UTC", "defaults:", "  slo_window: 28d", "  error_budget_policy: default-policy",
             "teams:"]
    for t in range(teams):
        lines += [f"  team-{t:03d}:", f"    name: Team {t}", "    members:"]
        lines += [f"      - Person {t}-{m}" for m in range(6)]
        lines += ["    sre_hours_per_month: 320"]
    write(os.path.join(out, "nines.yaml"), "\n".join(lines) + "\n")
    write(os.path.join(out, "policies", "default-policy.yaml"),
          "error_budget_policy:\n  budget_states:\n"
          "    healthy:\n      condition: \"remaining_budget > 50%\"\n      actions:\n        - \"Normal velocity\"\n"
          "    warning:\n      condition: \"remaining_budget 25-50%\"\n      actions:\n        - \"Review changes\"\n"
          "    critical:\n      condition: \"remaining_budget 0-25%\"\n      actions:\n        - \"Feature freeze\"\n"
          "    exhausted:\n      condition: \"remaining_budget <= 0\"\n      actions:\n        - \"Deploy freeze\"\n"
          "  reset: \"Rolling 28-day window\"\n")
    for kind, sli_type in (("request-success-rate", "availability"), ("request-latency-300ms", "latency")):
        write(os.path.join(out, "slis", kind + ".yaml"),
              f"sli:\n  name: {kind}\n  description: Share of good requests.\n  type: {sli_type}\n"
              "  measurement:\n    good_events: Requests answered well\n"
              "    total_events: All requests\n    source: load balancer logs\n")
        docs += 1
    docs += 1
    for t in range(teams):
        members = "".join(f"    - Person {t}-{m}\n" for m in range(6))
        write(os.path.join(out, "oncall", f"team-{t:03d}-oncall.yaml"),
              f"oncall_rotation:\n  name: team-{t:03d}-oncall\n  team: team-{t:03d}\n  members:\n{members}"
              f"  schedule: \"Weekly, 24x7, handoff Mondays 10:00 UTC\"\n"
              f"  primary: Person {t}-0\n  secondary: Person {t}-1\n")
        docs += 1

    for i, s in enumerate(names):
        team = f"team-{i // SERVICES_PER_TEAM:03d}"
        up = names[(i + 1) % services] if services > 1 else None
        deps = f"  dependencies:\n    upstream:\n      - {up}\n" if up and up != s else ""
        write(os.path.join(out, "services", s + ".yaml"),
              f"service:\n  name: {s}\n  description: >-\n    {paragraph(rng, 2)}\n"
              f"  tier: {('critical', 'important', 'standard')[i % 3]}\n  type: api\n"
              f"  owner_team: {team}\n  oncall_rotation: {team}-oncall\n{deps}"
              "  deployment_frequency: daily\n  language: Go\n  infra: k8s\n"
              f"  peak_rps: {100 + i % 900}\n  monthly_cost_usd: {1000 + 7 * i}\n"
              "  health_checks:\n    - name: liveness\n      type: liveness\n      endpoint: /healthz\n"
              "      interval: 10s\n      timeout: 2s\n      failure_threshold: 3\n")
        slo_ids = [f"{s}-availability", f"{s}-latency"]
        slo_docs = []
        for k, (slo_id, sli, target) in enumerate(zip(slo_ids, ("request-success-rate", "request-latency-300ms"),
                                                      (99.9, 99.5))):
            budget = round(100 - target, 3)
            alerts = "".join(
                f"    - name: {a}\n      burn_rate: {br}\n      short_window: {sw}\n"
                f"      long_window: {lw}\n      severity: {sev}\n"
                for (idx, a, br, sw, lw, sev) in ALERTS if idx == k)
            slo_docs.append(
                f"slo:\n  id: {slo_id}\n  name: {s} {'availability' if k == 0 else 'latency'}\n"
                f"  description: {sentence(rng)}\n  service: {s}\n  sli: {sli}\n  target: {target}\n"
                f"  window: 28d\n  error_budget: {budget}\n"
                f"  error_budget_minutes: {round(budget / 100 * 28 * 24 * 60, 3)}\n"
                f"  burn_rate_alerts:\n{alerts}  review_cadence: monthly\n  last_reviewed: 2026-10-12\n"
                f"  owner: {team}\n")
        write(os.path.join(out, "slos", s + ".yaml"), "---\n".join(slo_docs))
        csv = ["slo,date,good,total"]
        days_of = {}  # slo id -> {day: (good, total)}, for the postmortems' budget claims below
        for slo_id in slo_ids:
            for d in range(DATA_DAYS):
                day = DATA_END - datetime.timedelta(days=DATA_DAYS - 1 - d)
                total = 100000 + rng.randint(0, 50000)
                good = total - rng.randint(0, 60)
                days_of.setdefault(slo_id, {})[day] = (good, total)
                csv.append(f"{slo_id},{day.isoformat()},{good},{total}")
        write(os.path.join(out, "metrics", s + ".csv"), "\n".join(csv) + "\n")

        for (idx, alert, br, sw, lw, sev) in ALERTS:
            title = f"{s}: {alert.replace('_', ' ')}"
            body = markdown_body(rng, s)
            write(os.path.join(out, "runbooks", s, f"{s}-{alert.replace('_', '-')}.md"),
                  f"---\nrunbook:\n  title: \"{title}\"\n  alert_name: {alert}\n  service: {s}\n"
                  f"  last_updated: 2026-10-22\n  owner: {team}\n  overview: |\n    {paragraph(rng, 2)}\n"
                  "  diagnosis:\n    - step: \"Find the failing slice\"\n"
                  f"      command: \"larkctl errors {s} --by region --since {lw}\"\n"
                  "      expected: \"Errors spread thinly across slices\"\n"
                  "      if_unexpected: \"Roll back the latest deploy\"\n"
                  "  mitigation:\n    - option: \"Rollback\"\n      when: \"A recent change correlates\"\n"
                  f"      steps:\n        - \"argocd app rollback {s}-prod\"\n"
                  f"  escalation:\n    after_minutes: 30\n    contact: \"{team}-oncall secondary\"\n"
                  f"---\n\n{body}")
            if hugo:
                write(os.path.join(hugo, "content", "runbooks", s, f"{s}-{alert.replace('_', '-')}.md"),
                      f"---\ntitle: \"{title}\"\n---\n\n{body}")
        for p in range(2):
            date = DATA_END - datetime.timedelta(days=3 + 37 * p + i % 30)
            title = f"{s} incident {p + 1}: {sentence(rng, 3, 6)[:-1]}"
            body = markdown_body(rng, s)
            slug = f"{date.isoformat()}-{s}-{p + 1}"
            # The claim a careful author writes: the incident day's bad events over what the
            # window ending that day allows, for the SLO that consumed the most (as nines checks).
            claim = 0.0
            for slo_id, target in zip(slo_ids, (99.9, 99.5)):
                rows = days_of[slo_id]
                window = [rows[d] for d in (date - datetime.timedelta(days=n) for n in range(28))
                          if d in rows]
                allowed = (100 - target) / 100 * sum(t for _, t in window)
                good, total = rows[date]
                claim = max(claim, 100 * (total - good) / allowed)
            write(os.path.join(out, "postmortems", slug + ".md"),
                  f"---\npostmortem:\n  title: \"{title}\"\n  incident_id: INC-{i:05d}-{p}\n"
                  f"  date: {date.isoformat()}\n  severity: SEV{2 + (i + p) % 3}\n  duration: \"45m\"\n"
                  f"  authors:\n    - Person {i // SERVICES_PER_TEAM}-2\n  status: final\n"
                  f"  services:\n    - {s}\n  summary: |\n    {paragraph(rng, 3)}\n"
                  "  impact:\n    users_affected: 1200\n    duration_minutes: 45\n"
                  f"    slo_budget_consumed_pct: {claim:.1f}\n    data_loss: false\n"
                  "  timeline:\n"
                  f"    - time: \"{date.isoformat()}T09:12:00Z\"\n      event: \"Alert fires\"\n"
                  f"    - time: \"{date.isoformat()}T09:57:00Z\"\n      event: \"Mitigated\"\n"
                  f"---\n\n{body}")
            if hugo:
                write(os.path.join(hugo, "content", "postmortems", slug + ".md"),
                      f"---\ntitle: \"{title}\"\ndate: {date.isoformat()}\n---\n\n{body}")
        write(os.path.join(out, "toil", s + ".yaml"),
              f"toil_item:\n  name: {s}-manual-restart\n  service: {s}\n  category: recovery\n"
              "  frequency: weekly\n  time_per_occurrence_min: 20\n  occurrences_per_month: 4\n"
              f"  total_hours_per_month: 1.33\n  teams_affected:\n    - {team}\n"
              "  automation_difficulty: low\n  automation_value: 2\n  priority_score: 2.0\n"
              "  status: active\n")
        write(os.path.join(out, "capacity", s + ".yaml"),
              f"capacity_model:\n  service: {s}\n  bottleneck_resource: CPU\n  last_reviewed: 2026-10-20\n"
              "  current_state:\n    peak_utilization_pct: 44\n    headroom_pct: 56\n"
              f"    cost_per_month_usd: {1000 + 7 * i}\n  growth_forecast:\n    metric: requests/sec\n"
              f"    current: {100 + i % 900}\n    monthly_growth_pct: 3.0\n"
              "  scaling_strategy:\n    type: horizontal\n    auto_scaling: true\n"
              "    min_instances: 3\n    max_instances: 30\n")
        docs += 12

    if hugo:
        write(os.path.join(hugo, "hugo.toml"),
              'baseURL = "https://bench.example/"\ntitle = "Synthetic benchmark organisation"\n'
              'theme = "minimal"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
        layouts = os.path.join(hugo, "themes", "minimal", "layouts")
        write(os.path.join(layouts, "_default", "baseof.html"),
              '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
              "<title>{{ .Title }} | {{ .Site.Title }}</title></head>\n"
              '<body><nav><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></nav>\n'
              "<main>{{ block \"main\" . }}{{ end }}</main></body></html>\n")
        write(os.path.join(layouts, "_default", "single.html"),
              '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}\n')
        write(os.path.join(layouts, "_default", "list.html"),
              '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
              '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n')
        write(os.path.join(layouts, "index.html"),
              '{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>{{ range .Site.Sections }}'
              '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n')
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("services", type=int)
    ap.add_argument("--hugo", help="also write the prose as a Hugo site here")
    a = ap.parse_args()
    docs = generate(a.out, a.services, a.hugo)
    print(docs)


if __name__ == "__main__":
    main()
