#!/usr/bin/env python3
"""End-to-end tests of `nines rules` (SPEC 2, 3.1, 3.6).

- The generated file passes `promtool check rules`, and `promtool test rules` with the cases in
  tests/rules/cases.yaml (written by hand from the Workbook's arithmetic).
- It is deterministic, prints thresholds as exact decimals (`0.0144`, 14.4 × 0.001), links every alert to its
  runbook's page (the SLO's page, with a warning, when there is none), and `--check` fails on
  drift.
- Raw-ratio SLIs (total vector(1)) and names holding `{{ }}` (tests/rules/raw): the file passes
  promtool, and tests/rules/raw-cases.yaml checks the recorded ratios and literal annotations.
- A 90% SLO without alerts: the default fast_burn, which could never fire there, is left out with
  a `rules-default-alert` warning; the rest passes promtool and a total outage still pages.
- The real thing: the generated rules loaded into a real `prometheus` on 127.0.0.1 holding a
  backfilled service that fails half its requests over the last two hours and a healthy one;
  /api/v1/alerts must show the half-failing service's page alert firing and nothing for the
  healthy one.

Prometheus and promtool are required (Debian's `prometheus` package): without them this test
FAILS, it does not skip. All traffic goes to 127.0.0.1; every wait is bounded.

Usage: test_rules.py NINES SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from support import Checks, backfill, get_json, require_prometheus, serve_prometheus, stop, write

check = Checks()


def nines(*args, cwd=None):
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = "1795392000"  # 2026-11-23
    p = subprocess.run([NINES, *args], capture_output=True, text=True, env=env, cwd=cwd,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_generated(tmp):
    out = os.path.join(tmp, "generated.rules.yaml")
    code, _, err = nines("rules", REPO, "-o", out)
    check(code == 0, f"rules exits 0, got {code}: {err}")
    text = open(out).read()
    code2, stdout, _ = nines("rules", REPO)
    check(code2 == 0 and stdout == text, "stdout and -o agree, byte for byte")
    code3, again, _ = nines("rules", "-C", REPO)
    check(again == text, "deterministic")

    check("0.0144" in text and "0.072" in text, "thresholds as written")
    check(re.search(r"\d\.\d{8,}", text) is None, "no float noise in the rules")
    check("runbook_url: https://sre.example.org/runbooks/pay-fast-burn/\n" in text,
          "fast_burn links to its runbook's page")
    check("runbook_url: https://sre.example.org/runbooks/cart-fast-burn/\n" in text,
          "CartFastBurn links to its runbook's page")
    check("runbook_url: https://sre.example.org/slos/pay-availability/\n" in text,
          "an alert without a runbook links to its SLO's page")
    check("- alert: CartFastBurn" in text and "- alert: medium_burn" in text,
          "the SLO's own alerts, and the Workbook defaults for an SLO without any")
    check(text.count("- alert: ") == 4, f"4 alerts (3 defaults + 1 own), got {text.count('- alert: ')}")
    warnings = [l for l in err.splitlines() if "[rules-runbook]" in l]
    check(len(warnings) == 2 and all(l.startswith("slos/pay.yaml:1:1: warning: alert '")
                                     for l in warnings),
          f"a warning per alert without a runbook, at its SLO: {err}")

    p = subprocess.run(["promtool", "check", "rules", out], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, f"promtool check rules: {p.stdout}{p.stderr}")
    check("SUCCESS: 11 rules found" in p.stdout, f"11 rules (7 recordings + 4 alerts): {p.stdout}")

    shutil.copy(os.path.join(SRC, "tests", "rules", "cases.yaml"), tmp)
    p = subprocess.run(["promtool", "test", "rules", os.path.join(tmp, "cases.yaml")],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"promtool test rules: {p.stdout}{p.stderr}")
    return out


def test_raw_and_names(tmp):
    """Raw-ratio SLIs (Sloth's own raw-home-wifi example, unmodified, and an OpenSLO
    ratioMetric.raw) and names that look like Go templates (tests/rules/raw): the file loads, the
    total vector(1) is never a range, and promtool renders the annotations literally
    (tests/rules/raw-cases.yaml)."""
    work = os.path.join(tmp, "raw")
    os.makedirs(work)
    repo = os.path.join(work, "repo")
    shutil.copytree(os.path.join(SRC, "tests", "rules", "raw"), repo)
    code, stdout, err = nines("check", repo)
    check(code == 0 and "0 errors" in stdout + err, f"raw: check exits 0: {stdout}{err}")
    out = os.path.join(work, "generated.rules.yaml")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0, f"raw: rules exits 0, got {code}: {err}")
    text = open(out).read()
    check("vector(1)[" not in text and "increase(vector" not in text,
          "raw: the constant total is never given a range")
    check("expr: '1 - ((avg_over_time(probe_success[5m])) / (1))'\n" in text,
          "raw: an OpenSLO raw ratio divided by the number 1")
    check('summary: \'Latency {{ "{{" }} p99 {{ "}}" }} of {{ "{{" }} $labels.x {{ "}}" }}: ' in text,
          "raw: template braces in a name are escaped")
    p = subprocess.run(["promtool", "check", "rules", out], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0 and "SUCCESS: 24 rules found" in p.stdout,
          f"raw: promtool check rules (15 recordings + 9 alerts): {p.stdout}{p.stderr}")
    shutil.copy(os.path.join(SRC, "tests", "rules", "raw-cases.yaml"),
                os.path.join(work, "cases.yaml"))
    p = subprocess.run(["promtool", "test", "rules", os.path.join(work, "cases.yaml")],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"raw: promtool test rules: {p.stdout}{p.stderr}")


def test_foreign_queries(tmp):
    """Upstream dialect files (tests/fixtures/dialects/upstream-foreign): Sloth's `{{ .window }}`,
    the OpenSLO Go SDK's raw ratio in Sloth's form and a raw gauge selector make rules promtool
    accepts. Adding the Go SDK's slos.yaml (tests/rules/bad-query), whose query `sum(...)` cannot be
    given a range, and Sloth's victoria-metrics.yml (MetricsQL: `vector(1)[{{.window}}]`) leaves
    those SLOs out with a warning at each query, exit 0; the rest is written and passes
    promtool, and `check` warns about the same queries."""
    work = os.path.join(tmp, "foreign")
    os.makedirs(work)
    repo = os.path.join(work, "repo")
    shutil.copytree(os.path.join(SRC, "tests", "fixtures", "dialects", "upstream-foreign"), repo)
    out = os.path.join(work, "generated.rules.yaml")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0, f"foreign: rules exits 0, got {code}: {err}")
    text = open(out).read()
    check(".window" not in text and "increase(sum(rate(" not in text,
          "foreign: Sloth's window variable with spaces is the window")
    check("avg_over_time(service_error_ratio{service=\"web\"}[5m])" in text,
          "foreign: a raw gauge selector is averaged over the window")
    check("sum(sum_over_time(poller_client_satisfaction_ratio[5m]))" in text
          and "increase(1 -" not in text, "foreign: the Go SDK's raw ratio used as written")
    p = subprocess.run(["promtool", "check", "rules", out], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, f"foreign: promtool check rules: {p.stdout}{p.stderr}")

    # An OpenSLO ratio of a bad and a total counter selector: each side is counted over the
    # window, so good is a difference of two increases, never a range on `(a) - (b)`.
    write(os.path.join(repo, "openslo", "bad-selectors.yaml"), """apiVersion: openslo/v1
kind: SLO
metadata: {name: oslo-bad}
spec:
  service: web
  indicator:
    metadata: {name: oslo-bad-ratio}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: 'req_total{code=~"5.."}'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'req_total'}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
""")
    code, _, err = nines("rules", repo, "-o", out)
    text = open(out).read()
    check(code == 0 and "rules-query" not in err and
          "(sum(increase(req_total[1h])) - (sum(increase(req_total{code=~\"5..\"}[1h])) or "
          "(sum(increase(req_total[1h])) * 0 unless on() "
          "sum(increase(req_total{code=~\"5..\"}[1h])))))" in text,
          f"foreign: a bad and a total selector make good as two increases: {err}")
    p = subprocess.run(["promtool", "check", "rules", out], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, f"foreign: with bad selectors, promtool check rules: {p.stdout}{p.stderr}")
    os.remove(os.path.join(repo, "openslo", "bad-selectors.yaml"))

    shutil.copy(os.path.join(SRC, "tests", "rules", "bad-query", "slos.yaml"),
                os.path.join(repo, "openslo", "go-sdk-slos.yaml"))
    shutil.copy(os.path.join(SRC, "tests", "rules", "bad-query", "victoria-metrics.yml"),
                os.path.join(repo, "sloth", "victoria-metrics.yml"))
    code, stdout, err = nines("rules", repo, "-o", out)
    check(code == 0, f"foreign: an unusable query leaves its SLO out, exit 0, got {code}: {err}")
    check("openslo/go-sdk-slos.yaml:25:24: warning: SLO 'web-availability': SLI query 'good' "
          "cannot make a valid rule" in err and "[rules-query]" in err and "left out" in err,
          f"foreign: the warning names the SLO at its query: {err}")
    check("sloth/victoria-metrics.yml:28:20: warning: SLO 'foo-bar-grpc-latency-percentile-90': "
          "SLI query 'total' cannot make a valid rule (a range on 'vector(1)[{{window}}]'" in err,
          f"foreign: MetricsQL's range on vector(1) is caught at its query: {err}")
    text = open(out).read()
    check("web-availability" not in text and "foo-bar-grpc" not in text and
          "wifi-satisfaction" in text, "foreign: only the unusable SLOs are left out")
    p = subprocess.run(["promtool", "check", "rules", out], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, f"foreign: the file written loads: {p.stdout}{p.stderr}")
    code, stdout, _ = nines("check", repo)
    check(code == 0 and "sloth/victoria-metrics.yml:28:20: warning: SLI query 'total'" in stdout
          and "openslo/go-sdk-slos.yaml:25:24: warning: SLI query 'good'" in stdout,
          f"foreign: check warns about the same queries, at the same places: {stdout}")


LOW_TARGET_TEST = """rule_files:
  - generated.rules.yaml
evaluation_interval: 1m
tests:
  # Every request fails for 2 hours: the error ratio is 1, a burn of 10x at a 90% target.
  - interval: 1m
    input_series:
      - series: 'http_requests_total{service="web",code="500"}'
        values: '0+1000x120'
      - series: 'http_requests_total{service="web",code="200"}'
        values: '0+0x120'
    alert_rule_test:
      - eval_time: 90m
        alertname: medium_burn
        exp_alerts:
          - exp_labels: {slo: web-avail, service: web, severity: page}
            exp_annotations:
              summary: 'web-avail: error budget burning 6x too fast (6h and 30m)'
              description: 'SLO web-avail of web (target 90% over 28d): the error ratio over both 6h and 30m is above 6 x 0.1. Firing for 6h spends 5.36% of the budget; at this rate the whole budget is gone in 4.7 days.'
              runbook_url: slos/web-avail/
"""


def test_low_target(tmp):
    """A 90% SLO without burn_rate_alerts: the default fast_burn (14.4x) would need an error ratio
    above 1.44, so it is left out with a warning at the target; medium_burn (6x) and slow_burn
    stay, the file passes promtool, and a total outage pages through medium_burn."""
    work = os.path.join(tmp, "low")
    repo = os.path.join(work, "repo")
    files = {
        "nines.yaml": "title: low\nteams: {t: {name: T, members: 5}}\n",
        "services/web.yaml": "service: {name: web, tier: critical, owner_team: t}\n",
        "slis/http.yaml": "sli:\n  name: http\n  type: availability\n  query:\n"
                          "    good: 'http_requests_total{service=\"{{service}}\",code!~\"5..\"}'\n"
                          "    total: 'http_requests_total{service=\"{{service}}\"}'\n",
        "slos/web-avail.yaml": "slo:\n  id: web-avail\n  service: web\n  sli: http\n"
                               "  target: 90\n  window: 28d\n",
    }
    for name, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(repo, name)), exist_ok=True)
        open(os.path.join(repo, name), "w").write(text)
    out = os.path.join(work, "generated.rules.yaml")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0, f"low: rules exits 0, got {code}: {err}")
    text = open(out).read()
    check("- alert: fast_burn" not in text and "1.44" not in text,
          f"low: no unreachable fast_burn: {text}")
    check("- alert: medium_burn" in text and "0.6" in text and "- alert: slow_burn" in text,
          "low: the reachable defaults stay")
    check("slos/web-avail.yaml:5:11: warning: default alert 'fast_burn' (14.4x over 1h / 5m, "
          "page) of SLO 'web-avail' is left out: at a 90% target the highest possible burn rate "
          "is 10x, so it could never fire [rules-default-alert]" in err,
          f"low: a warning at the target for the alert left out: {err}")
    check(err.count("[rules-default-alert]") == 1, f"low: one such warning: {err}")
    p = subprocess.run(["promtool", "check", "rules", out], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0 and "SUCCESS: 5 rules found" in p.stdout,
          f"low: promtool check rules (3 recordings + 2 alerts): {p.stdout}{p.stderr}")
    open(os.path.join(work, "cases.yaml"), "w").write(LOW_TARGET_TEST)
    p = subprocess.run(["promtool", "test", "rules", os.path.join(work, "cases.yaml")],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"low: a total outage pages (medium_burn): {p.stdout}{p.stderr}")


def test_check(tmp, generated):
    code, _, err = nines("rules", REPO, "--check", generated)
    check(code == 0, f"--check on the same rules exits 0, got {code}: {err}")
    drifted = os.path.join(tmp, "drifted.yaml")
    text = open(generated).read().replace("0.0144", "0.01", 1)
    open(drifted, "w").write(text)
    code, _, err = nines("rules", REPO, "--check", drifted)
    check(code == 1, f"--check on drifted rules exits 1, got {code}")
    check("rules drift" in err and "committed:" in err and "0.01" in err,
          f"drift message names the line: {err}")
    code, _, err = nines("rules", REPO, "--check", os.path.join(tmp, "missing.yaml"))
    check(code == 1 and "does not exist" in err, f"a missing committed file is drift: {err}")
    code, _, err = nines("rules", os.path.join(tmp, "no-such-dir"))
    check(code in (2, 3), f"a missing repository is not exit 0/1, got {code}")


def write_openmetrics(path, now):
    """Two hours of 15-second samples ending 10 s ago: pay-api fails every other request,
    cart-api none."""
    step, start = 15, now - 2 * 3600
    times = list(range(start, now - 10, step))
    with open(path, "w") as f:
        f.write("# HELP http_requests Requests served.\n# TYPE http_requests counter\n")
        for svc, ok, bad in (("pay-api", 50, 50), ("cart-api", 100, 0)):
            for code, per in (("200", ok), ("500", bad)):
                for k, t in enumerate(times):
                    f.write(f'http_requests_total{{code="{code}",service="{svc}"}} '
                            f"{k * per} {t}\n")
        f.write("# EOF\n")


def test_prometheus(tmp, generated):
    data = os.path.join(tmp, "data")
    om = os.path.join(tmp, "recent.om")
    write_openmetrics(om, int(time.time()))
    backfill(om, data)
    proc, url = serve_prometheus(tmp, data, f"global:\n  scrape_interval: 1h\n"
                                 f"  evaluation_interval: 2s\nrule_files:\n  - {generated}\n")
    try:
        firing, alerts = False, []
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            try:
                alerts = get_json(url + "/api/v1/alerts")["data"]["alerts"]
            except OSError:
                time.sleep(0.5)
                continue
            firing = any(a["labels"].get("alertname") == "fast_burn" and
                         a["labels"].get("service") == "pay-api" and a["state"] == "firing"
                         for a in alerts)
            if firing:
                # One more evaluation round, so every rule of the group has had its say.
                time.sleep(5)
                alerts = get_json(url + "/api/v1/alerts")["data"]["alerts"]
                break
            time.sleep(1)
        if not firing:
            print(open(os.path.join(tmp, "prometheus.log"), errors="replace").read()[-2000:])
        check(firing, f"fast_burn fires for the half-failing pay-api: {alerts}")
        pay = {a["labels"]["alertname"] for a in alerts if a["labels"].get("service") == "pay-api"
               and a["state"] == "firing"}
        check({"fast_burn", "medium_burn"} <= pay, f"both page alerts fire for pay-api: {pay}")
        page = [a for a in alerts if a["labels"].get("alertname") == "fast_burn"]
        check(page and page[0]["labels"].get("severity") == "page" and
              page[0]["annotations"].get("runbook_url") ==
              "https://sre.example.org/runbooks/pay-fast-burn/",
              f"the firing alert carries its severity and runbook_url: {page}")
        cart = [a for a in alerts if a["labels"].get("service") == "cart-api"]
        check(cart == [], f"no alert for the healthy cart-api: {cart}")
        rules = get_json(url + "/api/v1/rules")["data"]["groups"]
        health = [r.get("health") for g in rules for r in g["rules"]]
        check(health and all(h == "ok" for h in health), f"every rule evaluates: {health}")
    finally:
        stop(proc)


def test_healthy_without_error_series(tmp):
    """Good as total minus errors (a Sloth events SLI, a Pyrra ratio): a healthy service whose
    error series was never created (no 5xx seen yet) records an error ratio of 0 and pages for
    nothing. Without it the derived good was empty, read as no good events, and every alert fired."""
    repo = os.path.join(tmp, "healthy")
    write(os.path.join(repo, "nines.yaml"), "title: Healthy\n")
    write(os.path.join(repo, "sloth", "slo.yml"), """version: "prometheus/v1"
service: "myservice"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="myservice",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="myservice"}[{{.window}}]))
    alerting:
      page_alert: {disable: true}
      ticket_alert: {disable: true}
""")
    write(os.path.join(repo, "pyrra", "slo.yaml"), """apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: api-query
  labels:
    service: myservice
spec:
  target: '99.0'
  window: 7d
  indicator:
    ratio:
      errors:
        metric: http_requests_total{job="myservice",code=~"5.."}
      total:
        metric: http_requests_total{job="myservice"}
""")
    out = os.path.join(tmp, "healthy.rules.yml")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0, f"healthy: rules written ({code}): {err[-400:]}")
    cases = os.path.join(tmp, "healthy-cases.yml")
    write(cases, f"""rule_files: [{out}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'http_requests_total{{job="myservice",code="200"}}'
        values: '0+100x200'
    promql_expr_test:
      - expr: slo:sli_error:ratio_rate5m
        eval_time: 120m
        exp_samples:
          - labels: 'slo:sli_error:ratio_rate5m{{slo="api-query",service="myservice"}}'
            value: 0
          - labels: 'slo:sli_error:ratio_rate5m{{slo="myservice-requests-availability",service="myservice"}}'
            value: 0
    alert_rule_test:
      - alertname: fast_burn
        eval_time: 120m
        exp_alerts: []
      - alertname: slow_burn
        eval_time: 120m
        exp_alerts: []
""")
    p = subprocess.run(["promtool", "test", "rules", cases], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, f"healthy: no error series is an error ratio of 0, no alert: "
                             f"{p.stdout[-1500:]}{p.stderr[-500:]}")

    # Queries that keep a label (`sum by (job)`): the missing side is zero with the total's labels,
    # so a total outage (no good series) still records 1 and pages, and a healthy Sloth service
    # (no error series) records 0. A bare `vector(0)` has no labels and matched nothing.
    labelled = os.path.join(tmp, "labelled")
    write(os.path.join(labelled, "nines.yaml"),
          "title: Labelled\nteams: {t: {name: T, members: 5}}\n")
    write(os.path.join(labelled, "services", "lsvc.yaml"),
          "service: {name: lsvc, tier: critical, owner_team: t}\n")
    write(os.path.join(labelled, "slis", "by-job.yaml"), """sli:
  name: by-job
  query:
    good: 'sum by (job) (increase(lreq_total{job="{{service}}",code!~"5.."}[{{window}}]))'
    total: 'sum by (job) (increase(lreq_total{job="{{service}}"}[{{window}}]))'
""")
    write(os.path.join(labelled, "slos", "lsvc.yaml"),
          "slo:\n  id: lsvc-avail\n  service: lsvc\n  sli: by-job\n  target: 99.9\n"
          "  window: 28d\n")
    # Good grouped by a label the total does not keep: the two never match, no data (as Sloth's
    # own ratio), never an error ratio of 1 that pages for ever.
    write(os.path.join(labelled, "slis", "mixed.yaml"), """sli:
  name: mixed
  query:
    good: 'sum by (job) (increase(mreq_total{job="{{service}}",code!~"5.."}[{{window}}]))'
    total: 'sum(increase(mreq_total{job="{{service}}"}[{{window}}]))'
""")
    write(os.path.join(labelled, "slos", "mixed.yaml"),
          "slo:\n  id: lsvc-mixed\n  service: lsvc\n  sli: mixed\n  target: 99.9\n"
          "  window: 28d\n")
    write(os.path.join(labelled, "sloth", "slo.yml"), """version: "prometheus/v1"
service: "lsloth"
slos:
  - name: "avail"
    objective: 99.9
    sli:
      events:
        error_query: sum by (job) (rate(http_requests_total{job="lsloth",code=~"5.."}[{{.window}}]))
        total_query: sum by (job) (rate(http_requests_total{job="lsloth"}[{{.window}}]))
    alerting:
      page_alert: {disable: true}
      ticket_alert: {disable: true}
""")
    out = os.path.join(tmp, "labelled.rules.yml")
    code, _, err = nines("rules", labelled, "-o", out)
    check(code == 0, f"labelled: rules written ({code}): {err[-400:]}")
    cases = os.path.join(tmp, "labelled-cases.yml")
    write(cases, f"""rule_files: [{out}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'lreq_total{{job="lsvc",code="500"}}'
        values: '0+100x200'
      - series: 'http_requests_total{{job="lsloth",code="200"}}'
        values: '0+100x200'
      - series: 'mreq_total{{job="lsvc",code="200"}}'
        values: '0+100x200'
    promql_expr_test:
      - expr: slo:sli_error:ratio_rate5m{{slo!="lsvc-mixed"}}
        eval_time: 120m
        exp_samples:
          - labels: 'slo:sli_error:ratio_rate5m{{slo="lsvc-avail",service="lsvc",job="lsvc"}}'
            value: 1
          - labels: 'slo:sli_error:ratio_rate5m{{slo="lsloth-avail",service="lsloth",job="lsloth"}}'
            value: 0
      - expr: count(slo:sli_error:ratio_rate5m{{slo="lsvc-mixed"}}) or vector(0)
        eval_time: 120m
        exp_samples:
          - labels: '{{}}'
            value: 0
      - expr: count by (slo) (ALERTS{{alertname="fast_burn",alertstate="firing"}})
        eval_time: 120m
        exp_samples:
          - labels: '{{slo="lsvc-avail"}}'
            value: 1
""")
    p = subprocess.run(["promtool", "test", "rules", cases], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, f"labelled: an outage pages, a healthy service records 0: "
                             f"{p.stdout[-1500:]}{p.stderr[-500:]}")


def small_repo(root, sli, slos):
    """A repository of one service `plain`, one SLI (its YAML text) and SLOs {id: YAML text}."""
    write(os.path.join(root, "nines.yaml"), "title: R\nteams:\n  t1:\n    name: T1\n")
    write(os.path.join(root, "services", "plain.yaml"),
          "service:\n  name: plain\n  tier: critical\n  type: api\n  owner_team: t1\n")
    write(os.path.join(root, "slis", "sli.yaml"), sli)
    for slo_id, text in slos.items():
        write(os.path.join(root, "slos", slo_id + ".yaml"), text)


def promtool_check(path):
    p = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout + p.stderr


COUNTER_SLI = """sli:
  name: counter
  type: availability
  query:
    good: 'http_requests_total{service="{{service}}",code!~"5.."}'
    total: 'http_requests_total{service="{{service}}"}'
"""


def test_comments(tmp):
    """PromQL comments in the queries (a trailing note, a comment line of a block, a note after
    a counter selector) are dropped from the rules: spliced into one line they swallowed the
    closing parentheses and promtool refused the whole file."""
    repo = os.path.join(tmp, "comments")
    small_repo(repo, """sli:
  name: multiline
  type: availability
  query:
    good: |-
      sum(rate(ok_total{job="{{service}}", path="/#top"}[{{window}}]))  # requests answered OK
    total: |
      # every request, health checks included
      sum(rate(all_total{job="{{service}}"}[{{window}}]))
""", {"multi": "slo:\n  id: multi\n  service: plain\n  sli: multiline\n  target: 99.9\n"
               "  window: 30d\n  burn_rate_alerts: []\n"})
    write(os.path.join(repo, "slis", "noted.yaml"), """sli:
  name: noted
  type: availability
  query:
    good: 'http_requests_total{code!~"5.."}  # a counter, noted'
    total: |
      http_requests_total # every request
""")
    write(os.path.join(repo, "slos", "noted.yaml"), "slo:\n  id: noted\n  service: plain\n"
          "  sli: noted\n  target: 99.9\n  window: 30d\n  burn_rate_alerts: []\n")
    code, stdout, err = nines("check", repo)
    check(code == 0 and "0 errors, 0 warnings" in stdout + err,
          f"comments: check has nothing to say: {stdout}{err}")
    out = os.path.join(tmp, "comments.rules.yml")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0 and "warning" not in err, f"comments: rules exits 0, no warning: {err}")
    text = open(out).read()
    body = text.split("groups:", 1)[1]
    check("requests answered" not in body and "every request" not in body and "noted" in body,
          f"comments: no comment in the rules, every SLO written: {text}")
    check('expr: ((sum(rate(all_total{job="plain"}[5m]))) - ((sum(rate(ok_total{job="plain", '
          'path="/#top"}[5m]))) or ((sum(rate(all_total{job="plain"}[5m]))) * 0 unless on() '
          '(sum(rate(ok_total{job="plain", path="/#top"}[5m])))))) / '
          '(sum(rate(all_total{job="plain"}[5m])))\n'
          in text, f"comments: the expression on one line, a '#' in a label value kept: {text}")
    check('sum(increase(http_requests_total{code!~"5.."}[5m]))' in text,
          f"comments: a noted counter selector is still one: {text}")
    code, said = promtool_check(out)
    check(code == 0 and "SUCCESS: 10 rules found" in said,
          f"comments: promtool check rules accepts the file: {said}")


def test_unlexable_selector(tmp):
    """A counter selector PromQL cannot lex (`'it''s'` is two strings) is no selector: check warns
    (sli-query-range), rules leaves its SLO out (rules-query) and promtool accepts the rest. The
    strings PromQL does lex (escapes of either quote, backquotes) stay selectors."""
    repo = os.path.join(tmp, "lex")
    small_repo(repo, COUNTER_SLI.replace("counter", "bad", 1).replace(
        "'http_requests_total{service=\"{{service}}\",code!~\"5..\"}'", "req_total{msg='it''s'}"),
        {"q": "slo:\n  id: q\n  service: plain\n  sli: bad\n  target: 99.9\n  window: 30d\n"
              "  burn_rate_alerts: []\n",
         "ok": "slo:\n  id: ok\n  service: plain\n  sli: quoted\n  target: 99.9\n"
               "  window: 30d\n  burn_rate_alerts: []\n"})
    write(os.path.join(repo, "slis", "quoted.yaml"), """sli:
  name: quoted
  type: availability
  query:
    good: |-
      req_total{msg='it\\'s', note="say \\"hi\\" \\u00e9", path=`C:\\dir`, code!~"5.."}
    total: req_total{msg='it\\'s'}
""")
    code, stdout, err = nines("check", repo)
    check(code == 0 and "slis/sli.yaml:5:11: warning: SLI query 'good' has no {{window}} and is "
          "not a counter selector" in stdout and "[sli-query-range]" in stdout
          and "slis/quoted.yaml" not in stdout,
          f"lex: check warns at the query PromQL cannot lex, and only there: {stdout}{err}")
    out = os.path.join(tmp, "lex.rules.yml")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0 and "slis/sli.yaml:5:11: warning: SLO 'q': SLI query 'good' cannot make a "
          "valid rule" in err and "[rules-query]" in err,
          f"lex: rules warns and leaves the SLO out: {err}")
    text = open(out).read()
    check("nines-slo-q\n" not in text and "nines-slo-ok\n" in text and "it''s" not in text,
          f"lex: only the SLO whose query lexes is written: {text}")
    code, said = promtool_check(out)
    check(code == 0 and "SUCCESS: 5 rules found" in said,
          f"lex: promtool check rules accepts the file (5 recordings of 'ok'): {said}")


def test_committed_file(tmp):
    """The generated file committed in the repository (no base_url, alerts without runbooks
    pointing at their SLO's page) breaks nothing: check exits 0 with the SLO's rules-runbook
    warning alone, `rules -o` regenerates it and `--check` passes; a committed file an edit has
    broken is still regenerated, and compared (drift)."""
    repo = os.path.join(tmp, "committed")
    small_repo(repo, COUNTER_SLI, {"avail": "slo:\n  id: avail\n  service: plain\n"
                                            "  sli: counter\n  target: 99.9\n  window: 28d\n"})
    rel = os.path.join("prometheus", "nines.rules.yml")
    out = os.path.join(repo, rel)
    os.makedirs(os.path.dirname(out))
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0 and "runbook_url: slos/avail/\n" in open(out).read(),
          f"committed: written, alerts without runbook at the SLO page: {err}")
    code, stdout, err = nines("check", repo)
    check(code == 0 and "0 errors, 1 warning" in stdout and "[rules-runbook]" in stdout
          and "alert-runbook" not in stdout,
          f"committed: check exits 0, the SLO's rules-runbook warning alone: {stdout}{err}")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0, f"committed: rules -o regenerates its own file: {err}")
    code, _, err = nines("rules", repo, "--check", out)
    check(code == 0 and "is up to date" in err, f"committed: --check passes: {err}")
    with open(out, "a") as f:
        f.write("  - name: broken\n    rules: [\n")
    code, stdout, _ = nines("check", repo)
    check(code == 1 and "prometheus/nines.rules.yml:" in stdout and "[yaml-syntax]" in stdout,
          f"committed: check reports the broken file: {stdout}")
    code, _, err = nines("rules", repo, "--check", out)
    check(code == 1 and "rules drift" in err and "of its own" in err,
          f"committed: --check compares a broken file, drift: {err}")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 0 and "has 1 error of its own" in err and "it is regenerated" in err,
          f"committed: rules -o regenerates a broken file of its own: {err}")
    code, stdout, _ = nines("check", repo)
    check(code == 0, f"committed: check passes again: {stdout}")
    code, said = promtool_check(out)
    check(code == 0, f"committed: promtool accepts the regenerated file: {said}")


def test_duplicate_alert_names(tmp):
    """Two burn_rate_alerts of one name, and two different OpenSLO AlertConditions of one name
    in one SLO: `check` errors at the second, naming the first; `rules` writes nothing."""
    repo = os.path.join(tmp, "dup")
    small_repo(repo, COUNTER_SLI, {"dup": """slo:
  id: dup
  service: plain
  sli: counter
  target: 99.9
  window: 30d
  burn_rate_alerts:
    - {name: burn, burn_rate: 14.4, short_window: 5m, long_window: 1h, severity: page}
    - {name: burn, burn_rate: 1, short_window: 6h, long_window: 3d, severity: ticket}
"""})
    write(os.path.join(repo, "runbooks", "burn.yaml"), "runbook:\n  title: burn\n"
          "  alert_name: burn\n  service: plain\n  last_updated: 2026-11-12\n  owner: t1\n"
          "  overview: x\n  impact: x\n  diagnosis: []\n  mitigation: []\n")
    code, stdout, _ = nines("check", repo)
    check(code == 1 and "slos/dup.yaml:9:14: error: duplicate burn-rate alert name 'burn' in "
          "SLO 'dup'" in stdout and "also listed at slos/dup.yaml:8:14 [duplicate-id]" in stdout,
          f"dup: check errors at the second name: {stdout}")
    out = os.path.join(tmp, "dup.rules.yml")
    code, _, err = nines("rules", repo, "-o", out)
    check(code == 1 and not os.path.exists(out), f"dup: rules writes nothing: {err}")


def test_check_with_output(tmp):
    """`--check FILE -o OUT`: a usage error (exit 2) that names both, and nothing is written."""
    repo = os.path.join(tmp, "both")
    small_repo(repo, COUNTER_SLI, {"a": "slo:\n  id: a\n  service: plain\n  sli: counter\n"
                                        "  target: 99.9\n  window: 30d\n  burn_rate_alerts: []\n"})
    committed = os.path.join(tmp, "both-committed.yml")
    nines("rules", repo, "-o", committed)
    out = os.path.join(tmp, "both-out.yml")
    code, stdout, err = nines("rules", repo, "--check", committed, "-o", out)
    check(code == 2 and err.startswith("nines: --check and -o cannot go together") and
          not os.path.exists(out), f"both: exit 2, nothing written: {code} {stdout}{err}")
    code, _, err = nines("rules", repo, "--check", "")
    check(code == 2 and err.startswith("nines: "), f"both: an empty --check is a usage error: {err}")


def main():
    global NINES, SRC, REPO
    NINES, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not require_prometheus():
        return 1
    tmp = tempfile.mkdtemp(prefix="nines-rules-")
    try:
        # A copy, outside any git repository: the rules do not depend on history.
        REPO = os.path.join(tmp, "repo")
        shutil.copytree(os.path.join(SRC, "tests", "rules", "repo"), REPO)
        generated = test_generated(tmp)
        test_check(tmp, generated)
        test_raw_and_names(tmp)
        test_foreign_queries(tmp)
        test_low_target(tmp)
        test_healthy_without_error_series(tmp)
        test_comments(tmp)
        test_unlexable_selector(tmp)
        test_committed_file(tmp)
        test_duplicate_alert_names(tmp)
        test_check_with_output(tmp)
        test_prometheus(tmp, generated)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
