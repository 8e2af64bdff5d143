#!/usr/bin/env python3
"""End-to-end tests of the terminal commands: budget, score, assess, readiness, toil, capacity,
oncall and report; colour on a terminal (under a pty) and never when piped, NO_COLOR or
--color never; the one percentage rule (a miss never reads as a hit); plurals; `report --format
html`; partial months; an example in every command's help.

Runs the real binary against a copy of SOURCE_DIR/content (the metrics store is created in the
copy) with a fixed now. Checks exit codes, that every `--json` output equals the matching entry of
the site's api/*.json from `nines build --offline` (the terminal and the API never disagree), the
did-you-mean on unknown ids, and spot-checks the text output.

Usage: test_commands.py NINES SOURCE_DIR
"""
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile

NINES, SRC = sys.argv[1], sys.argv[2]
NOW = "2026-11-23T00:00:00Z"
ENV = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
passed = 0
failures = []

TMP = tempfile.mkdtemp(prefix="nines-commands-")
CONTENT = os.path.join(TMP, "content")
SITE = os.path.join(TMP, "site")


def run(*args, cwd=None):
    p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace", env=ENV,
                       timeout=120, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def cmd(*args):
    """A command run on the copied content at the fixed now."""
    return run(*args, "-C", CONTENT, "--now", NOW)


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL:", what)


def api(name):
    with open(os.path.join(SITE, "api", name), encoding="utf-8") as f:
        return json.load(f)


def as_json(out, what):
    try:
        return json.loads(out)
    except ValueError as e:
        check(False, f"{what}: --json output parses ({e})")
        return None


def json_cmd(*args):
    code, out, err = cmd(*args, "--json")
    check(code == 0, f"{' '.join(args)} --json exits 0, got {code}: {err.strip()}")
    return as_json(out, " ".join(args))


def unknown(*args, suggestion):
    code, out, err = cmd(*args)
    check(code == 2, f"{' '.join(args)}: unknown id exits 2 (a usage error), got {code}")
    check(f"did you mean '{suggestion}'" in err, f"{' '.join(args)}: suggests '{suggestion}': {err.strip()}")


def setup():
    shutil.copytree(os.path.join(SRC, "content"), CONTENT)
    code, out, err = run("build", CONTENT, "--offline", "--now", NOW, "-o", SITE)
    if code != 0:
        print("FAIL: nines build --offline exits 0:", code, err)
        sys.exit(1)


# ---- budget

def test_budget():
    slos = api("slos.json")
    check(json_cmd("budget") == slos, "budget --json equals api/slos.json")
    services = sorted({s["service"] for s in slos})
    for svc in services:
        want = [s for s in slos if s["service"] == svc]
        check(json_cmd("budget", svc) == want, f"budget {svc} --json equals its SLOs in api/slos.json")
    for s in slos:
        check(json_cmd("budget", s["id"]) == s, f"budget {s['id']} --json equals its api/slos.json entry")

    code, out, _ = cmd("budget")
    check(code == 0, f"budget exits 0, got {code}")
    header = out.splitlines()[0].split() if out else []
    check(header[:3] == ["SLO", "SERVICE", "TARGET"] and "EXHAUSTS" in header, f"budget header: {header}")
    for s in slos:
        check(s["id"] in out, f"budget lists {s['id']}")
    # Missing data shows as missing, never as 100%.
    for s in slos:
        if s["state"] == "missing":
            line = next((l for l in out.splitlines() if l.startswith(s["id"] + " ")), "")
            check("missing" in line and "100" not in line, f"budget shows {s['id']} as missing: {line}")

    code, out, _ = cmd("budget", "driver-app-bff-availability")
    check(code == 0, f"budget SLO exits 0, got {code}")
    check("exhausted" in out, "budget driver-app-bff-availability shows state exhausted")
    for word in ("attainment", "burn rates", "projected exhaustion", "fast_burn", "as of 2026-11-22"):
        check(word in out, f"budget SLO detail shows {word!r}")
    # The policy's actions are listed.
    entry = next(s for s in slos if s["id"] == "driver-app-bff-availability")
    for action in entry["policy"]["actions"]:
        check(action in out, f"budget SLO detail lists the action {action!r}")

    unknown("budget", "checkout-ap", suggestion="checkout-api")
    unknown("budget", "driver-app-bff-availabilty", suggestion="driver-app-bff-availability")
    code, _, _ = cmd("budget", "--bogus")
    check(code == 2, f"budget --bogus exits 2, got {code}")


# ---- score and assess

def test_score():
    maturity = api("maturity.json")
    check(json_cmd("score") == maturity, "score --json equals api/maturity.json")
    for s in maturity["services"]:
        check(json_cmd("score", s["service"]) == s, f"score {s['service']} --json equals its entry")
    svc = maturity["services"][0]["service"]
    check(json_cmd("assess", svc) == maturity["services"][0], "assess --json equals score SERVICE --json")

    code, out, _ = cmd("score")
    check(code == 0, f"score exits 0, got {code}")
    check(maturity["org"]["band"] in out, "score shows the org band")
    for s in maturity["services"]:
        check(s["service"] in out, f"score lists {s['service']}")
    # The rubric column reads as the pages do: an exact half rounds away from zero (41.25 → 41.3).
    from decimal import Decimal, ROUND_HALF_UP
    for s in maturity["services"]:
        total = s["rubric"]["total"]
        shown = str(Decimal(repr(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        row = next(line for line in out.splitlines() if line.split()[:1] == [s["service"]])
        check(row.split()[4] == shown, f"score's rubric for {s['service']} is {shown}: {row!r}")

    code, a, _ = cmd("score", "checkout-api")
    code2, b, _ = cmd("assess", "checkout-api")
    check(code == 0 and code2 == 0 and a == b, "assess SERVICE prints the same view as score SERVICE")
    check("to raise:" in a and "evidence:" in a, "score SERVICE shows evidence and what would raise it")
    entry = next(s for s in maturity["services"] if s["service"] == "checkout-api")
    manual = [d for d in entry["dimensions"] if d["manual"] is not None]
    if manual:
        check("manual" in a and manual[0]["manual_assessment"] in a,
              "score SERVICE marks manual scores with their assessment")

    unknown("score", "chekout-api", suggestion="checkout-api")
    unknown("assess", "chekout-api", suggestion="checkout-api")
    code, _, _ = cmd("assess")
    check(code == 2, f"assess without a service exits 2, got {code}")


# ---- readiness

def test_readiness():
    readiness = api("readiness.json")
    for r in readiness:
        check(json_cmd("readiness", r["service"]) == r, f"readiness {r['service']} --json equals its entry")
    code, out, _ = cmd("readiness", "driver-app-bff")
    check(code == 0, f"readiness exits 0, got {code}")
    entry = next(r for r in readiness if r["service"] == "driver-app-bff")
    summary = entry["summary"]
    check(f"{summary['pass']} pass, {summary['fail']} fail" in out, "readiness shows the summary counts")
    for row in entry["rows"]:
        check(row["title"] in out, f"readiness shows the row {row['title']!r}")
    for cat in {row["category"] for row in entry["rows"]}:
        check(any(line == cat for line in out.splitlines()), f"readiness groups by category {cat}")
    if any(s["stale"] for s in entry["signoffs"]):
        check("STALE" in out, "readiness marks stale sign-offs")
    unknown("readiness", "driver-app-bf", suggestion="driver-app-bff")
    code, _, _ = cmd("readiness")
    check(code == 2, f"readiness without a service exits 2, got {code}")


# ---- toil

PRIORITY = ["DO FIRST", "DO SECOND", "QUICK WIN", "PLAN", "EVALUATE", "SKIP"]


def test_toil():
    toil = api("toil.json")
    check(json_cmd("toil") == toil, "toil --json equals api/toil.json")
    for team in toil["teams"]:
        t = team["team"]
        want = {"items": [i for i in toil["items"] if t in i["teams"]],
                "teams": [x for x in toil["teams"] if x["team"] == t]}
        check(json_cmd("toil", "--team", t) == want, f"toil --team {t} --json is api/toil.json filtered")

    code, out, _ = cmd("toil")
    check(code == 0, f"toil exits 0, got {code}")
    # Active items come in the matrix's order, then by hours.
    active = [i for i in toil["items"] if i["active"]]
    want = sorted(active, key=lambda i: (PRIORITY.index(i["priority"]) if i["priority"] in PRIORITY
                                         else len(PRIORITY), -i["hours_per_month"]))
    positions = [out.find(" " + i["id"] + " ") for i in want]
    check(all(p >= 0 for p in positions) and positions == sorted(positions),
          f"toil lists items by priority cell then hours: {[i['id'] for i in want]}")
    check("25%" in out, "toil shows the 25% target")
    for team in toil["teams"]:
        if team["over_target"]:
            line = next((l for l in out.splitlines() if l.startswith(team["team"] + " ")), "")
            check("OVER" in line, f"toil flags {team['team']} over the target")
    unknown("toil", "--team", "payments-tam", suggestion="payments-team")


# ---- capacity

def test_capacity():
    capacity = api("capacity.json")
    services = [s["id"] for s in api("services.json")]
    for svc in services:
        want = [c for c in capacity if c["service"] == svc]
        check(json_cmd("capacity", svc) == want, f"capacity {svc} --json equals its api/capacity.json entries")
    model = next(c for c in capacity if c["runway_months"] is not None and c["monthly_growth_pct"])
    svc = model["service"]
    code, out, _ = cmd("capacity", svc)
    check(code == 0, f"capacity exits 0, got {code}")
    # One decimal, never rounded up to the whole month (2.4 months, not 3).
    frac = model["runway_months_fractional"]
    if frac is not None and model["runway_months"]:
        shown = f"{int(frac * 10) / 10:.1f} month"
        check(shown in out, f"capacity shows the runway as {shown!r}: {out}")
        check(any(w in out for w in ("under 3 months", "under 6 months", "6 months or more",
                                     "over threshold")), "capacity says the runway's urgency in words")
    check("6 MONTHS" in out and "12 MONTHS" in out, "capacity shows the 6 and 12 month projections")
    # Percentages with one decimal, as the capacity page shows them.
    peak = model.get("peak_utilization_pct")
    if peak is not None:
        check(f"{peak:.1f}%" in out and f"{peak:.2f}%" not in out,
              f"capacity shows peak utilization with one decimal ({peak:.1f}%): {out}")

    # --growth: the figures stay, the what-if is added beside them.
    got = json_cmd("capacity", svc, "--growth", "10")
    want = [c for c in capacity if c["service"] == svc]
    if got is not None:
        check([{k: v for k, v in c.items() if k != "what_if"} for c in got] == want,
              "capacity --growth keeps the API's figures")
        check(all(c.get("what_if", {}).get("monthly_growth_pct") == 10 for c in got),
              "capacity --growth adds what_if")
    # A what-if at the model's own growth gives the model's own figures.
    got = json_cmd("capacity", svc, "--growth", repr(model["monthly_growth_pct"]))
    if got is not None:
        w = next(c for c in got if c["id"] == model["id"])["what_if"]
        check(w["runway_months"] == model["runway_months"], "what-if at the own growth: same runway")
        for k in ("projected_6mo", "projected_12mo", "utilization_6mo", "utilization_12mo"):
            if model[k] is not None:
                check(abs(w[k] - model[k]) <= 1e-9 * max(1.0, abs(model[k])), f"what-if at the own growth: same {k}")
    got = json_cmd("capacity", svc, "--growth", "50")
    if got is not None:
        w = next(c for c in got if c["id"] == model["id"])["what_if"]
        check(w["runway_months"] is not None and w["runway_months"] <= model["runway_months"],
              "faster growth never lengthens the runway")
    code, out, _ = cmd("capacity", svc, "--growth", "10")
    check(code == 0 and "what-if" in out, "capacity --growth shows the what-if")
    for fine in ("+10", "-5", "1e-320", "2.5E1", ".5"):
        code, out, err = cmd("capacity", svc, "--growth", fine)
        check(code == 0 and "what-if" in out, f"capacity --growth {fine} is a number ({code}): {err.strip()}")
    code, _, _ = cmd("capacity", svc, "--growth", "ten")
    check(code == 2, f"capacity --growth ten exits 2, got {code}")
    # nan and inf read as numbers, but no figure may be NaN or infinite.
    # Hexadecimal reads as a number to strtod, not to a person: refused, as are the other forms.
    for bad in ("nan", "inf", "-inf", "NaN", "1e999", "0x10", " 5", "1e", "."):
        code, out, err = cmd("capacity", svc, "--growth", bad)
        check(code == 2 and "finite number" in err and not out,
              f"capacity --growth {bad} is a usage error, got {code}: {err.strip()}")
    unknown("capacity", "event-buss", suggestion="event-bus")
    # Whole numbers are decimal digits: CLI11 would read 010 as octal 8 and 0x10 as 16.
    for bad in ("0x10", "010", "+2", "-1", "1.5", ""):
        code, out, err = cmd("check", "--jobs", bad)
        check(code == 2 and "decimal digits" in err and not out,
              f"--jobs {bad!r} is a usage error, got {code}: {err.strip()}")
    code, out, err = cmd("check", "--jobs", "2")
    check(code == 0 and out, f"--jobs 2 is fine, got {code}: {err.strip()}")


# ---- oncall

def test_oncall():
    oncall = api("oncall.json")
    check(json_cmd("oncall") == oncall, "oncall --json equals api/oncall.json")
    code, out, _ = cmd("oncall")
    check(code == 0, f"oncall exits 0, got {code}")
    for r in oncall:
        check(r["id"] in out, f"oncall shows {r['id']}")
        if r["periods"]:
            latest = max(p["period"] for p in r["periods"])
            check(f"latest period: {latest}" in out, f"oncall shows {r['id']}'s latest period")
    if any(r["size_warning"] for r in oncall):
        check("fewer than 5 members" in out, "oncall warns about small rotations")
    for status in ("healthy", "warning", "critical"):
        if any(m.get("status") == status for r in oncall for p in r["periods"] for m in p.values()
               if isinstance(m, dict)):
            check(status in out, f"oncall shows {status} metrics")
    # A metric's status is one of the three, or null exactly when its value is.
    metrics = [m for r in oncall for p in r["periods"] for m in p.values() if isinstance(m, dict)]
    check(metrics and all((m["value"] is None) == (m["status"] is None) and
                          m["status"] in (None, "healthy", "warning", "critical") for m in metrics),
          f"on-call metric statuses: {[m for m in metrics if m['status'] not in ('healthy', 'warning', 'critical')][:3]}")


# ---- report

def test_report():
    periods = api("reports/index.json")
    check("2026-10" in periods, "api has the 2026-10 report")
    for p in periods:
        code, out, err = cmd("report", "--month", p, "--format", "json")
        check(code == 0, f"report --month {p} --format json exits 0, got {code}: {err.strip()}")
        check(as_json(out, f"report {p}") == api(f"reports/{p}.json"), f"report {p} json equals api/reports/{p}.json")

    code, md, _ = cmd("report", "--month", "2026-10", "--format", "md")
    check(code == 0, f"report --format md exits 0, got {code}")
    check("SEV1" in md, "report md contains SEV1")
    for section in ("SLO summary", "Incidents", "MTTR", "MTTD", "Error budget", "Toil", "On-call",
                    "Action items", "Highlights", "Concerns", "Next month priorities"):
        check(section in md, f"report md has {section}")
    check("vs 2026-09" in md, "report md shows changes against the previous month")
    check("Changes are against 2026-09" in md, "report md says what the changes are against")
    rep = api("reports/2026-10.json")["monthly_report"]
    mttr = rep["incidents"]["mttr_minutes"]
    if mttr is not None:
        check(f"MTTR: {mttr:.1f} min" in md, f"report md shows MTTR {mttr:.1f}")
    for c in rep["concerns"]:
        check(c in md, f"report md lists the concern {c[:40]!r}")
    for h in rep["highlights"]:
        check(h in md, f"report md lists the highlight {h[:40]!r}")

    # Default: the last full month before now (2026-11-23 → 2026-10).
    code, out, _ = cmd("report")
    check(code == 0 and out == md, "report defaults to the last full month, in Markdown")

    code, _, err = cmd("report", "--month", "2025-01")
    check(code == 1, f"report for a month with no data exits 1, got {code}")
    check("no data" in err and all(p in err for p in periods), f"report lists the months with data: {err.strip()}")
    code, _, _ = cmd("report", "--month", "2026-13")
    check(code == 2, f"report --month 2026-13 exits 2, got {code}")
    code, _, _ = cmd("report", "--format", "xml")
    check(code == 2, f"report --format xml exits 2, got {code}")


# ---- colour

ESC = "\x1b["


def in_pty(*args, env=None):
    """Runs a command on the copied content with stdout on a pseudo-terminal; returns (code, out)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        try:
            os.execve(NINES, [NINES, *args, "-C", CONTENT, "--now", NOW], env or ENV)
        finally:
            os._exit(127)
    chunks = []
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                break
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\r\n", "\n")


def test_colour():
    no_color_env = {k: v for k, v in ENV.items() if k != "NO_COLOR"}
    for args in (["budget"], ["budget", "driver-app-bff-availability"], ["oncall"], ["toil"],
                 ["readiness", "driver-app-bff"], ["gate", "deploy", "driver-app-bff"]):
        name = " ".join(args)
        code, tty = in_pty(*args, env=no_color_env)
        check(ESC in tty, f"{name}: coloured on a terminal")
        code_p, piped, _ = cmd(*args)
        check(ESC not in piped, f"{name}: no escape codes when piped")
        check(code == code_p, f"{name}: same exit code on a terminal and piped ({code} vs {code_p})")
        # The status words are text too: without the colour, the terminal reads as the pipe does.
        check(plain(tty) == piped, f"{name}: the coloured output is the plain output plus colour")
        _, tty_never = in_pty(*args, "--color", "never", env=no_color_env)
        check(ESC not in tty_never, f"{name}: --color never on a terminal has no colour")
        _, tty_no_color = in_pty(*args, env={**no_color_env, "NO_COLOR": "1"})
        check(ESC not in tty_no_color, f"{name}: NO_COLOR on a terminal has no colour")
        _, always, _ = cmd(*args, "--color", "always")
        check(ESC in always and plain(always) == piped, f"{name}: --color always colours a pipe")
    _, out, _ = cmd("budget", "--color", "always")
    for state in ("exhausted", "healthy"):
        check(re.search(r"\x1b\[[0-9;]*m" + state + r"\x1b\[0m", out),
              f"budget colours the state {state}")
    code, _, _ = cmd("budget", "--color", "sometimes")
    check(code == 2, f"--color sometimes exits 2, got {code}")


# ---- one rule for percentages, plurals, alert windows, --team by name

def shown_pct(cell):
    m = re.search(r"(-?[0-9]+(?:\.[0-9]+)?)%", cell)
    return float(m.group(1)) if m else None


def test_numbers():
    # A miss never reads as a hit: every SLO below its target shows below it, in the terminal, in
    # Markdown and on the report pages.
    slos = api("slos.json")
    _, out, _ = cmd("budget", "--color", "never")
    for s in slos:
        if s["attainment_pct"] is None:
            continue
        line = next((l for l in out.splitlines() if l.startswith(s["id"] + " ")), "")
        cells = line.split()
        value = shown_pct(cells[3]) if len(cells) > 3 else None
        if s["attainment_pct"] < s["target"] - 1e-9:
            check(value is not None and value < s["target"],
                  f"budget shows the miss of {s['id']} below {s['target']}%: {line}")
    for period in api("reports/index.json"):
        rep = api(f"reports/{period}.json")["monthly_report"]
        _, md, _ = cmd("report", "--month", period)
        html = open(os.path.join(SITE, "reports", period, "index.html"), encoding="utf-8").read()
        for s in rep["slos"]:
            if s["attainment_pct"] is None or s["meets"] is not False:
                continue
            row = next((l for l in md.splitlines() if l.startswith(f"| {s['slo']} |")), "")
            cells = [c.strip() for c in row.split("|")]
            value = shown_pct(cells[4]) if len(cells) > 4 else None
            check(value is not None and value < s["target"],
                  f"report {period} md shows the miss of {s['slo']} below {s['target']}%: {row}")
            missed = re.findall(r'<td class="num">([0-9.]+)%</td><td class="num">([0-9.]+)%</td>'
                                r'<td class="num">[^<]*</td><td>[^<]*</td><td><span class="badge '
                                r'state-critical">missed</span>', html)
            check(all(float(a) < float(t) for t, a in missed),
                  f"report {period} page shows every missed SLO below its target: {missed}")
    # No "1 … s": one pluralisation rule on pages and in the terminal.
    bad = re.compile(r"(?<![0-9.,])1 (overdue actions|stale sign-offs|incidents|days|months|members|"
                     r"runbooks|checks|rotations|pages|shifts|alerts|items|SLOs|services)\b")
    for args in (["budget", "driver-app-bff-availability"], ["oncall"], ["toil"],
                 ["readiness", "driver-app-bff"], ["report", "--month", "2026-10"]):
        _, out, _ = cmd(*args)
        found = bad.findall(out)
        check(not found, f"{' '.join(args)}: no '1 ...s' ({found})")
    for root, _, files in os.walk(SITE):
        for f in files:
            if f.endswith(".html"):
                text = open(os.path.join(root, f), encoding="utf-8").read()
                found = bad.findall(re.sub(r"<[^>]+>", "", text))
                check(not found, f"{os.path.relpath(os.path.join(root, f), SITE)}: no '1 ...s' ({found})")
    # No float noise in a percentage: "23.437500% of SRE time" never.
    for root, _, files in os.walk(SITE):
        for f in files:
            if f.endswith(".html"):
                text = open(os.path.join(root, f), encoding="utf-8").read()
                check(not re.search(r"[0-9]\.[0-9]{5,}%", text), f"{f}: no long float percentages")
    _, out, _ = cmd("score", "checkout-api")
    check(not re.search(r"[0-9]\.[0-9]{5,}", out), "score SERVICE: no float noise in the evidence")

    # Alert windows read long / short, as on the site.
    _, out, _ = cmd("budget", "checkout-api-availability")
    check("1h / 5m" in out, "budget SLO detail shows the alert windows as '1h / 5m'")
    page = open(os.path.join(SITE, "slos", "checkout-api-availability", "index.html"), encoding="utf-8").read() \
        if os.path.exists(os.path.join(SITE, "slos", "checkout-api-availability", "index.html")) else ""
    if page:
        check("1h / 5m" in page, "the SLO page shows the alert windows as '1h / 5m'")

    # --team takes the team's id or its display name.
    by_id = json_cmd("toil", "--team", "platform-team")
    by_name = json_cmd("toil", "--team", "Platform & SRE")
    check(by_id is not None and by_id == by_name, "toil --team takes the team's name as well as its id")


# ---- report --format html

def test_report_html():
    code, html, err = cmd("report", "--month", "2026-10", "--format", "html")
    check(code == 0, f"report --format html exits 0, got {code}: {err.strip()}")
    check(html.startswith("<!DOCTYPE html>"), "report html is a whole document")
    check("<style>" in html and "@media print" in html, "report html inlines the stylesheet with its print rules")
    check(not re.search(r"\b(src|href)\s*=", html), "report html has no src= or href= (nothing to fetch, no broken link)")
    check("<script" not in html and "<link" not in html and "url(" not in html,
          "report html loads nothing else")
    check("October 2026" in html, "report html names the month")
    rep = api("reports/2026-10.json")["monthly_report"]
    if rep["incidents"]["mttr_minutes"] is not None:
        check(f"{rep['incidents']['mttr_minutes']:.1f}".rstrip("0").rstrip(".") + " min" in html,
              "report html shows MTTR")
    for c in rep["concerns"]:
        check(c.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;")[:30] in html
              or c[:20] in html, f"report html lists the concern {c[:30]!r}")
    check(html.count("<svg") >= 1, "report html has its charts inline")
    a, b = cmd("report", "--month", "2026-10", "--format", "html"), (code, html, err)
    check(a == b, "report html is deterministic")


# ---- partial months

def test_partial_month():
    """A fixture month covered in part: the first month of an SLO's data, 6 of 31 days."""
    tmp = tempfile.mkdtemp(prefix="nines-partial-")
    try:
        repo = os.path.join(tmp, "repo")
        os.makedirs(os.path.join(repo, "services"))
        os.makedirs(os.path.join(repo, "slis"))
        os.makedirs(os.path.join(repo, "slos"))
        os.makedirs(os.path.join(repo, "metrics"))
        with open(os.path.join(repo, "nines.yaml"), "w") as f:
            f.write("title: Partial\nteams:\n  t:\n    name: T\n    sre_hours_per_month: 100\n")
        with open(os.path.join(repo, "services", "a.yaml"), "w") as f:
            f.write("service:\n  name: a\n  tier: critical\n  owner_team: t\n")
        with open(os.path.join(repo, "slis", "ok.yaml"), "w") as f:
            f.write("sli:\n  name: ok\n  type: availability\n")
        with open(os.path.join(repo, "slos", "a.yaml"), "w") as f:
            f.write("slo:\n  id: a-avail\n  service: a\n  sli: ok\n  target: 99.9\n  window: 28d\n")
        # Oct 26..31: 1000 events a day, 3 bad on the 28th → 5997/6000 = 99.95%, 0.5 of the budget.
        rows = ["slo,date,good,total"]
        for d in range(26, 32):
            rows.append(f"a-avail,2026-10-{d},{997 if d == 28 else 1000},1000")
        with open(os.path.join(repo, "metrics", "a.csv"), "w") as f:
            f.write("\n".join(rows) + "\n")
        now = "2026-11-10T00:00:00Z"
        code, out, err = run("report", "--month", "2026-10", "--format", "json", "-C", repo, "--now", now)
        check(code == 0, f"partial fixture: report exits 0, got {code}: {err.strip()}")
        rep = as_json(out, "partial report") or {}
        m = rep.get("monthly_report", {})
        check(m.get("coverage") == {"days_with_data": 6, "days_in_month": 31},
              f"partial fixture: coverage 6 of 31 days: {m.get('coverage')}")
        check(m.get("on_call", {}).get("total_pages", 0) is None and
              m.get("on_call", {}).get("off_hours_pages", 0) is None,
              f"partial fixture: no on-call entries → pages null, not 0: {m.get('on_call')}")
        check(m.get("slo_summary", {}).get("services_meeting_slo") == 1, "partial fixture: a meets")
        slo = (m.get("slos") or [{}])[0]
        check(abs((slo.get("attainment_pct") or 0) - 99.95) < 1e-9, f"partial fixture: 99.95%: {slo}")
        check(abs((slo.get("budget_consumed_pct") or 0) - 50) < 1e-9, f"partial fixture: 50% consumed: {slo}")
        check(all(v is None for v in m.get("delta", {"x": 1}).values()),
              "partial fixture: September has no report, so no change is shown")
        code, md, _ = run("report", "--month", "2026-10", "-C", repo, "--now", now)
        check("Partial month: metrics cover 6 of 31 days." in md, f"partial fixture: md says 6 of 31 days")
        check("vs 2026-09" not in md and "2026-09 has no report" in md,
              "partial fixture: md shows no change against a month without a report")
        check("Total pages: no data" in md, "partial fixture: md shows pages as no data")
        site = os.path.join(tmp, "site")
        code, _, err = run("build", repo, "--offline", "--now", now, "-o", site)
        check(code == 0, f"partial fixture: build exits 0, got {code}: {err.strip()}")
        page = os.path.join(site, "reports", "2026-10", "index.html")
        html = open(page, encoding="utf-8").read() if os.path.exists(page) else ""
        check("6 of 31 days with metrics" in html and "partial month" in html,
              "partial fixture: the page says 6 of 31 days")
        check("September 2026 has no report" in html, "partial fixture: the page shows no change")
        pages_tile = re.search(r'<span class="tile-value">([^<]*)</span> <span class="tile-label">Pages', html)
        check(pages_tile is not None and pages_tile.group(1) == "no data",
              f"partial fixture: the Pages tile says no data: {pages_tile and pages_tile.group(1)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- figures beside the lines they are judged against

def small_repo(prefix, docs, config="title: Small\nteams:\n  t1: {name: T1, members: 5, sre_hours_per_month: 100}\n"):
    """A repository of one nines.yaml and one multi-document file; its folder."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    with open(os.path.join(tmp, "nines.yaml"), "w", encoding="utf-8") as f:
        f.write(config)
    with open(os.path.join(tmp, "docs.yaml"), "w", encoding="utf-8") as f:
        f.write(docs)
    return tmp


def tag_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_thresholds():
    """On-call metrics and toil hours never read on the other side of the seed's thresholds."""
    now = "2026-11-01T00:00:00Z"
    repo = small_repo("nines-thresholds-", """\
postmortem: {id: p1, title: one, date: 2026-10-10, severity: SEV3}
---
toil_item: {name: tlow, time_per_occurrence_min: 119.9, occurrences_per_month: 1, automation_difficulty: low}
---
toil_item: {name: thigh, time_per_occurrence_min: 601, occurrences_per_month: 1, automation_difficulty: low}
---
toil_item: {name: tteam, time_per_occurrence_min: 24.96, occurrences_per_month: 60, teams_affected: [t1], automation_difficulty: high}
---
oncall_rotation:
  name: r
  team: t1
  members: [a, b, c, d, e]
  health:
    - {period: "2026-10", pages: 1999, shifts: 1000, avg_ack_min: 4.96, avg_mitigate_min: 29.99,
       false_positive_pct: 9.96, escalation_pct: 40.04, satisfaction: 2.99, off_hours_pages: 3}
""")
    try:
        code, out, err = run("oncall", "-C", repo, "--now", now, "--color", "never")
        check(code == 0, f"thresholds: oncall exits 0, got {code}: {err.strip()}")
        for line, want in (("pages per shift", "1.99"), ("time to acknowledge", "4.9"),
                           ("time to mitigate", "29.9"), ("false positive rate", "9.9%"),
                           ("escalation rate", "40.1%"), ("satisfaction", "2.9")):
            row = next((l for l in out.splitlines() if l.strip().startswith(line)), "")
            check(f" {want} " in row, f"thresholds: oncall {line} reads {want}: {row!r}")
        check("healthy < 10%, critical > 30%" in out and "healthy > 4, critical < 3" in out,
              f"thresholds: oncall still prints the seed's thresholds: {out}")
        code, out, err = run("toil", "-C", repo, "--now", now, "--color", "never")
        check(code == 0, f"thresholds: toil exits 0, got {code}: {err.strip()}")
        rows = {name: next((l for l in out.splitlines() if f" {name} " in l), "") for name in ("tlow", "thigh")}
        check(" 1.9 " in rows.get("tlow", ""), f"thresholds: toil 1.998 h reads 1.9, not 2.0: {rows.get('tlow')}")
        check(" 10.1 " in rows.get("thigh", ""), f"thresholds: toil 10.017 h reads 10.1, not 10.0: {rows.get('thigh')}")
        team = next((l for l in out.splitlines() if l.startswith("t1 ")), "")
        check(" 24.9 " in team and "24.9%" in team, f"thresholds: team toil 24.96 h reads 24.9 beside 24.9%: {team!r}")
        # The API keeps the unrounded figures.
        got = as_json(run("oncall", "-C", repo, "--now", now, "--json")[1], "thresholds oncall") or [{}]
        check(got[0]["periods"][0]["false_positive_pct"]["value"] == 9.96, "thresholds: the JSON keeps 9.96")
        site = os.path.join(repo, "site")
        code, _, err = run("build", repo, "--offline", "--now", now, "-o", site)
        check(code == 0, f"thresholds: build exits 0, got {code}: {err.strip()}")
        oncall = tag_text(open(os.path.join(site, "oncall", "index.html"), encoding="utf-8").read())
        for want in ("1.99 healthy", "4.9 min healthy", "29.9 min healthy", "9.9% healthy",
                     "40.1% critical", "2.9 critical"):
            check(want in oncall, f"thresholds: the on-call page reads {want!r}")
        check("10% healthy" not in oncall and " 2 healthy" not in oncall,
              "thresholds: the on-call page never reads a value on its threshold")
        toil = open(os.path.join(site, "toil", "index.html"), encoding="utf-8").read()
        low = toil[toil.find("Low value"):]
        low = low[:low.find("</tr>")]
        check("tlow 1.9 h" in tag_text(low) and "tlow 2 h" not in tag_text(low),
              f"thresholds: the toil matrix's low row reads 1.9 h: {tag_text(low)}")
        high = toil[toil.find("High value"):]
        high = high[:high.find("</tr>")]
        check("thigh 10.1 h" in tag_text(high), f"thresholds: the toil matrix's high row reads 10.1 h: {tag_text(high)}")
        _, md, _ = run("report", "--month", "2026-10", "-C", repo, "--now", now)
        check("False positive rate: 9.9%" in md and "Average time to acknowledge: 4.9 min" in md,
              f"thresholds: the report reads 9.9% and 4.9 min: {md}")
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def test_maturity_bands():
    """A team's or the organisation's mean total never reads across a band line beside its band,
    in `score` and on the site; the Documentation line shows its evidence and what would raise it."""
    now = "2026-11-01T00:00:00Z"
    dims = ["slos", "monitoring", "incident_response", "automation", "chaos_engineering",
            "capacity_planning", "toil_management", "oncall_health"]
    # team: (services, per-service total, the one service one point lower), and the mean's text.
    teams = {"ta": (25, 17, True, "16.9", "Firefighting"), "tb": (20, 25, True, "24.9", "Foundation"),
             "tc": (20, 33, True, "32.9", "Maturing"), "td": (1, 17, False, "17.0", "Foundation")}
    docs, config = [], "title: Bands\nteams:\n"
    for team, (n, total, one_lower, _, _) in teams.items():
        config += f"  {team}: {{name: {team.upper()}, members: 5}}\n"
        for i in range(n):
            svc = f"{team}-{i:02d}"
            docs.append(f"service: {{name: {svc}, tier: standard, owner_team: {team}}}\n")
            t = total - (1 if one_lower and i == 0 else 0)
            scores = [t // 8 + (1 if k < t % 8 else 0) for k in range(8)]
            docs.append(f"assessment:\n  id: {svc}-a\n  service: {svc}\n  date: 2026-10-01\n  scores: {{" +
                        ", ".join(f"{d}: {v}" for d, v in zip(dims, scores)) + "}\n")
    repo = small_repo("nines-bands-", "---\n".join(docs), config)
    try:
        code, out, err = run("score", "-C", repo, "--now", now, "--color", "never")
        check(code == 0, f"bands: score exits 0, got {code}: {err.strip()}")
        for team, (_, _, _, text, band) in teams.items():
            row = next((l for l in out.splitlines() if l.startswith(team + " ")), "")
            check(f" {text} " in row and band in row, f"bands: team {team} reads {text} {band}: {row!r}")
        got = as_json(run("score", "-C", repo, "--now", now, "--json")[1], "bands score") or {}
        ta = next((t for t in got.get("teams", []) if t["id"] == "ta"), {})
        check(abs(ta.get("total", 0) - 16.96) < 1e-9, f"bands: the JSON keeps 16.96: {ta.get('total')}")
        org = got.get("org", {})
        first = next((l for l in out.splitlines() if l.startswith("organisation: ")), "")
        shown = float(first.split()[1].split("/")[0]) if first else -1
        bands = [(17, "Firefighting"), (25, "Foundation"), (33, "Maturing"), (41, "Advanced")]
        check(next(b for lim, b in bands if shown < lim) == org.get("band"),
              f"bands: the organisation's shown total is in its band: {first!r}")
        code, out, err = run("score", "td-00", "-C", repo, "--now", now, "--color", "never")
        check("documentation: 0/5" in out and "to raise: write a runbook for the service" in out,
              f"bands: score SERVICE shows the Documentation line and what would raise it: {out}")
        site = os.path.join(repo, "site")
        code, _, err = run("build", repo, "--offline", "--now", now, "-o", site)
        check(code == 0, f"bands: build exits 0, got {code}: {err.strip()}")
        page = lambda *p: tag_text(open(os.path.join(site, *p), encoding="utf-8").read())
        teams_page, maturity_page = page("teams", "index.html"), page("maturity", "index.html")
        for team, (_, _, _, text, band) in teams.items():
            text = text.removesuffix(".0")
            check(f"{text}/40 · {band}" in teams_page, f"bands: the teams page reads {text}/40 · {band}")
            check(f" {text}/40 {band} " in maturity_page, f"bands: the maturity page team row reads {text}/40 {band}")
        check("17/40 · Firefighting" not in teams_page, "bands: 16.96 never reads 17/40 beside Firefighting")
        service = page("services", "td-00", "index.html")
        check("Documentation (quality rubric, 0–5) 0/5" in service and "write a runbook for the service" in service,
              "bands: the service page shows the Documentation line and what would raise it")
    finally:
        shutil.rmtree(repo, ignore_errors=True)


# ---- every change against the previous month on the report page

def test_report_changes():
    now = "2026-11-01T00:00:00Z"
    repo = small_repo("nines-changes-", """\
postmortem: {id: p-sep, title: sep, date: 2026-09-10, severity: SEV3, resolution: {time_to_resolve_minutes: 100}}
---
postmortem:
  id: p-oct
  title: oct
  date: 2026-10-10
  severity: SEV2
  resolution: {time_to_resolve_minutes: 40}
  action_items:
    - {id: AI-1, description: x, owner: a, status: done, completed: 2026-10-20, deadline: 2026-10-30}
---
toil_item: {name: tt, time_per_occurrence_min: 60, occurrences_per_month: 5, teams_affected: [t1],
            automation_difficulty: low, automation_value: 5, status: automated, automated_on: 2026-10-05}
---
oncall_rotation:
  name: r
  team: t1
  members: [a, b, c, d, e]
  health:
    - {period: "2026-09", pages: 10, shifts: 10, off_hours_pages: 1, false_positive_pct: 10, avg_ack_min: 4}
    - {period: "2026-10", pages: 20, shifts: 10, off_hours_pages: 4, false_positive_pct: 20, avg_ack_min: 6}
""")
    try:
        code, out, err = run("report", "--month", "2026-10", "--format", "json", "-C", repo, "--now", now)
        check(code == 0, f"changes: report exits 0, got {code}: {err.strip()}")
        delta = (as_json(out, "changes report") or {}).get("monthly_report", {}).get("delta", {})
        shown = {k: v for k, v in delta.items() if v is not None}
        check(len(shown) == 17, f"changes: the JSON has 17 changes (no SLO, no MTTD): {sorted(shown)}")
        code, html, err = run("report", "--month", "2026-10", "--format", "html", "-C", repo, "--now", now)
        check(code == 0, f"changes: report --format html exits 0, got {code}: {err.strip()}")
        changes = re.findall(r'class="(?:tile|figure)-delta">([^<]*)<', html)
        # Every change once in the sections, and again on the tiles of toil's share, pages and
        # overdue actions (the tiles of incidents and MTTR have no section figure).
        check(len(changes) == len(shown) + 3,
              f"changes: the page shows every change the JSON has ({len(changes)} for {len(shown)}): {changes}")
        text = tag_text(html)
        for want in ("SEV2 1 +1 from September 2026", "SEV3 0 −1 from September 2026",
                     "Automated away 5 h +5.0 h from September 2026",
                     "Off-hours pages 4 +3 from September 2026",
                     "False positives 20% +10.0 pts from September 2026",
                     "Time to acknowledge 6 min +2.0 min from September 2026",
                     "Completed this month 1 +1 from September 2026",
                     "Open 0 no change from September 2026"):
            check(want in text, f"changes: the page reads {want!r}")
        site = os.path.join(repo, "site")
        code, _, err = run("build", repo, "--offline", "--now", now, "-o", site)
        check(code == 0, f"changes: build exits 0, got {code}: {err.strip()}")
        page = open(os.path.join(site, "reports", "2026-10", "index.html"), encoding="utf-8").read()
        check(re.findall(r'class="(?:tile|figure)-delta">([^<]*)<', page) == changes,
              "changes: the site's page shows the same changes")
    finally:
        shutil.rmtree(repo, ignore_errors=True)


# ---- capacity runways: the chart reads as the table, no forecast is no data

def test_capacity_runways():
    now = "2026-11-01T00:00:00Z"
    repo = small_repo("nines-runways-", """\
service: {name: sa, tier: standard, owner_team: t1}
---
capacity_model: {id: grows, service: sa, current_state: {peak_utilization_pct: 50}, growth_forecast: {current: 1000, monthly_growth_pct: 10}}
---
capacity_model: {id: flat, service: sa, current_state: {peak_utilization_pct: 50}, growth_forecast: {current: 1000, monthly_growth_pct: 0}}
---
capacity_model: {id: unknown, service: sa, current_state: {peak_utilization_pct: 50}}
---
capacity_model: {id: over, service: sa, current_state: {peak_utilization_pct: 90}, scaling_strategy: {scale_up_threshold: 80}}
""", config="title: Runways\nteams:\n  t1: {name: T1, members: 5}\n")
    try:
        code, out, err = run("capacity", "sa", "-C", repo, "--now", now, "--color", "never")
        check(code == 0, f"runways: capacity exits 0, got {code}: {err.strip()}")
        blocks = {b.split()[0]: b for b in out.split("\n\n") if b.strip() and not b.startswith(" ")}
        runway = lambda m: next((l for l in blocks.get(m, "").splitlines() if "runway" in l), "")
        check("7.2 months" in runway("grows"), f"runways: 7.27 months reads 7.2: {runway('grows')!r}")
        check(runway("flat").strip().endswith("no limit at this growth"), f"runways: growth 0 has no limit, said once: {runway('flat')!r}")
        check("no data" in runway("unknown") and "no limit" not in runway("unknown")
              and "no growth forecast" in runway("unknown"),
              f"runways: no growth forecast is no data: {runway('unknown')!r}")
        check("0 months" in runway("over"), f"runways: over the threshold is 0 months, forecast or not: {runway('over')!r}")
        site = os.path.join(repo, "site")
        code, _, err = run("build", repo, "--offline", "--now", now, "-o", site)
        check(code == 0, f"runways: build exits 0, got {code}: {err.strip()}")
        page = open(os.path.join(site, "capacity", "index.html"), encoding="utf-8").read()
        desc = re.search(r"<desc[^>]*>([^<]*)</desc>", page[page.find("chart-bar"):])
        desc = desc.group(1) if desc else ""
        for want in ("sa grows: 7.2 mo", "sa flat: no limit", "sa unknown: no data", "sa over: 0 mo"):
            check(want in desc, f"runways: the chart reads {want!r}: {desc}")
        check("7.3" not in page, "runways: the chart never rounds 7.27 months up")
        values = re.findall(r'class="chart-value"[^>]*>([^<]*)<', page)
        check("7.2 mo" in values and "no limit" in values, f"runways: the bars' labels read as the table: {values}")
        row = page[page.find('id="capacity-unknown"'):] if 'id="capacity-unknown"' in page else page
        check("Within threshold" not in tag_text(row)[:400] or "No growth forecast" in tag_text(row)[:400],
              "runways: a model without a forecast is not 'Within threshold'")
        check("No growth forecast" in page, "runways: the table says there is no growth forecast")
        # --growth: the schema's range, -100 to 100000, else a usage error.
        for bad in ("-150", "-100.5", "1e308", "100001"):
            code, out, err = run("capacity", "sa", "-C", repo, "--now", now, "--growth", bad)
            check(code == 2 and "from -100 to 100000" in err and not out,
                  f"runways: --growth {bad} is a usage error, got {code}: {err.strip()}")
        for good in ("-100", "0", "100000"):
            code, out, err = run("capacity", "sa", "-C", repo, "--now", now, "--growth", good)
            check(code == 0 and "what-if" in out, f"runways: --growth {good} is accepted, got {code}: {err.strip()}")
    finally:
        shutil.rmtree(repo, ignore_errors=True)


# ---- help

def test_help_examples():
    # Every command `nines --help` lists, so a new one cannot be missed, and the second words.
    _, top, _ = run("--help")
    listed = top.split("Subcommands:")[-1].split("\n\n")[0].split("\n")
    commands = [[line.split()[0]] for line in listed if line.strip()]
    check(len(commands) >= 19 and ["review"] in commands and ["handoff"] in commands,
          f"nines --help lists the commands: {commands}")
    commands += [["metrics", "pull"], ["metrics", "import"], ["gate", "deploy"], ["gate", "readiness"]]
    for c in commands:
        code, out, err = run(*c, "--help")
        check(code == 0 and "Example:" in out and "nines " in out.split("Example:")[-1],
              f"{' '.join(c)} --help shows an example")
    code, out, _ = run("budget", "--help")
    check("--color" in out, "budget --help lists --color")


# ---- usage errors

def test_usage():
    # Bare `nines` is a usage error like `nines gate`: the help, exit 2.
    code, out, err = run()
    check(code == 2 and "Usage" in err and "budget" in err, f"bare nines prints the help and exits 2, got {code}")
    code, _, _ = run("gate")
    check(code == 2, f"nines gate alone exits 2, got {code}")
    # An empty --now (an unset CI variable) is not the clock.
    for args in (["budget"], ["check"], ["init", os.path.join(TMP, "never")]):
        code, out, err = run(*args, "-C", CONTENT, "--now", "") if args[0] != "init" else \
            run(*args, "--now", "")
        check(code == 2 and "--now: needs a time, got an empty one" in err,
              f"{args[0]} --now '' exits 2, got {code}: {err.strip()}")
    check(not os.path.exists(os.path.join(TMP, "never")), "init --now '' writes nothing")
    # An empty argument where leaving it out means "all" (or "here") is a usage error too.
    for args, what in ((["budget", ""], "a service id or an SLO id"), (["score", ""], "a service id"),
                       (["metrics", "import", ""], "a file"),
                       (["check", "--format", ""], "text, json, github or sarif")):
        code, out, err = run(*args, "-C", CONTENT, "--now", NOW)
        check(code == 2 and f"needs {what}, got an empty one" in err and not out,
              f"{' '.join(args)} '' exits 2, got {code}: {err.strip()}")
    code, _, err = run("init", "", "--now", NOW, cwd=TMP)
    check(code == 2 and "needs a folder, got an empty one" in err, f"init '' exits 2, got {code}: {err.strip()}")
    code, _, err = run("handoff", "delivery-oncall", "-C", CONTENT, "--now", NOW, "--since", "")
    check(code == 2 and "--since: needs a date" in err, f"handoff --since '' exits 2, got {code}: {err.strip()}")
    # new --target takes a finite number too.
    code, _, err = run("new", "slo", "x", "--service", "checkout-api", "--sli", "request-success-rate",
                       "--target", "nan", "-C", CONTENT)
    check(code == 2 and "finite number" in err, f"new slo --target nan exits 2, got {code}: {err.strip()}")
    # A positional DIR and -C naming two folders: neither is silently dropped.
    other = os.path.join(TMP, "other")
    os.makedirs(other, exist_ok=True)
    for args in (["build", CONTENT, "-C", other, "--offline"], ["-C", other, "check", CONTENT],
                 ["toil", other, "-C", CONTENT], ["metrics", "pull", CONTENT, "-C", other]):
        code, out, err = run(*args, "--now", NOW)
        check(code == 2 and CONTENT in err and other in err,
              f"{' '.join(args)}: DIR and -C differ, exit 2 naming both, got {code}: {err.strip()}")
    check(not os.path.exists(os.path.join(other, "site")), "nothing is built for a conflicting DIR")
    # The same folder twice is fine.
    code, out, err = run("toil", CONTENT, "-C", os.path.join(CONTENT, "."), "--now", NOW)
    check(code == 0, f"DIR and -C naming the same folder: exit 0, got {code}: {err.strip()}")


# ---- metrics import

def test_import_rules():
    # An empty file is the error `check` reports for an empty metrics/*.csv, at 1:1.
    empty = os.path.join(TMP, "empty.csv")
    open(empty, "w").close()
    code, out, err = cmd("metrics", "import", empty)
    check(code == 1 and f"{empty}:1:1: error: the file is empty" in err and "[csv-header]" in err,
          f"import of an empty file: csv-header at 1:1, exit 1, got {code}: {err.strip()}")
    # A folder is not a file that is empty: a read failure naming the path, exit 3.
    folder = os.path.join(TMP, "folder.csv")
    os.makedirs(folder, exist_ok=True)
    code, out, err = cmd("metrics", "import", folder)
    check(code == 3 and f"cannot read '{folder}': it is a folder, not a file" in err
          and "empty" not in err, f"import of a folder exits 3 naming it, got {code}: {err.strip()}")
    # Columns count characters and quoted cells as written, as in `check`.
    rec = os.path.join(TMP, "quoted.csv")
    with open(rec, "w", encoding="utf-8") as f:
        f.write('slo,date,good,total\n"checkout-api-availability",2026-11-31,1,2\n')
    code, out, err = cmd("metrics", "import", rec)
    check(code == 1 and f"{rec}:2:29: error: bad date '2026-11-31'" in err,
          f"import locates a bad date after a quoted cell, got {code}: {err.strip()}")
    # One SLO-day twice in the file, and a row without its SLO: refused as `check` refuses them,
    # at their lines, and nothing is imported. (A row that cannot be read, " 2025-09-01" with its
    # blank, holds no day: its bad date is its error, as in check.)
    dup = os.path.join(TMP, "dup.csv")
    with open(dup, "w", encoding="utf-8") as f:
        f.write("slo,date,good,total\ncheckout-api-availability,2025-09-01,5,10\n"
                "checkout-api-availability,2025-09-01,6,10\n,2025-09-02,1,2\n")
    code, out, err = cmd("metrics", "import", dup)
    check(code == 1 and f"{dup}:3:1: error: SLO 'checkout-api-availability' day 2025-09-01 is also "
          "recorded on line 2 of this file [csv-duplicate-day]" in err
          and f"{dup}:4:1: error: the SLO id is empty [csv-row]" in err
          and "nothing imported" in err, f"import refuses a repeated day and an empty SLO, got {code}: {err.strip()}")
    # A day the repository's own metrics/*.csv records stays the repository's.
    with open(dup, "w", encoding="utf-8") as f:
        f.write("slo,date,good,total\ncheckout-api-availability,2026-09-01,5,10\n")
    code, out, err = cmd("metrics", "import", dup)
    check(code == 1 and f"{dup}:2:1: error: SLO 'checkout-api-availability' day 2026-09-01 is also "
          "recorded in metrics/" in err and "nothing imported" in err,
          f"import refuses a day the repository records, got {code}: {err.strip()}")
    # A year's typo reaching back more than ten years before the newest recorded day (the
    # repository's) is refused as `check` refuses it in metrics/*.csv: one error per file at its
    # first such row, and nothing is imported.
    with open(dup, "w", encoding="utf-8") as f:
        f.write("slo,date,good,total\ncheckout-api-availability,2025-09-03,5,10\n"
                "checkout-api-availability,1025-09-04,5,10\n")
    code, out, err = cmd("metrics", "import", dup)
    check(code == 1 and f"{dup}:3:27: error: row dated 1025-09-04 is more than 10 years before "
          "the newest day recorded up to today" in err and "[csv-old-date]" in err and "nothing imported" in err,
          f"import refuses a row dated ten years back, got {code}: {err.strip()}")
    # A recorded golden-signal file: its services and signals are checked as `check` checks the
    # repository's, then its values go in as their own source.
    gold = os.path.join(TMP, "gold.csv")
    with open(gold, "w", encoding="utf-8") as f:
        f.write("service,signal,date,value\ncheckout-api,traffic,2026-11-22,412.5\n"
                "checkout-ap,traffic,2026-11-22,1\ncheckout-api,trafic,2026-11-22,1\n")
    code, out, err = cmd("metrics", "import", gold)
    check(code == 1 and f"{gold}:3:1: error: unknown service 'checkout-ap', did you mean "
          "'checkout-api'?" in err and "did you mean 'traffic'?" in err and "nothing imported" in err,
          f"import checks a golden file's services and signals, got {code}: {err.strip()}")
    with open(gold, "w", encoding="utf-8") as f:
        f.write("service,signal,date,value\ncheckout-api,traffic,2026-11-22,412.5\n")
    code, out, err = cmd("metrics", "import", gold)
    check(code == 0 and "imported 1 row" in out and "as source csv:import/gold.csv" in out,
          f"import takes a golden file, got {code}: {out} {err.strip()}")


# ---- everything

def test_deterministic():
    for args in (["budget"], ["budget", "checkout-api-availability"], ["score"], ["score", "event-bus"],
                 ["readiness", "checkout-api"], ["toil"], ["capacity", "event-bus", "--growth", "7.5"],
                 ["oncall"], ["report", "--month", "2026-10"]):
        a, b = cmd(*args), cmd(*args)
        check(a == b and a[0] == 0 and a[1], f"{' '.join(args)} is deterministic and prints something")
    # SPEC 2: `nines <command> [DIR]` for the commands that take no other argument.
    for args in (["toil"], ["oncall"], ["report", "--month", "2026-10"]):
        check(run(*args, CONTENT, "--now", NOW) == cmd(*args), f"{args[0]} DIR equals {args[0]} -C DIR")


def main():
    try:
        setup()
        for t in (test_budget, test_score, test_readiness, test_toil, test_capacity, test_oncall,
                  test_report, test_colour, test_numbers, test_report_html, test_partial_month,
                  test_thresholds, test_maturity_bands, test_report_changes, test_capacity_runways,
                  test_help_examples, test_usage, test_import_rules, test_deterministic):
            try:
                t()
            except Exception as e:  # a crash of the test is a failure, not an abort
                check(False, f"{t.__name__} raised {type(e).__name__}: {e}")
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
