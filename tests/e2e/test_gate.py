#!/usr/bin/env python3
"""End-to-end tests of `nines gate deploy` and `nines gate readiness` (SPEC 2).

Deploy: a repository with one service per budget state, made from recorded daily data whose
budget arithmetic is worked out below, and policies with prose and structured exceptions. Every
exit code (0 allowed, 1 blocked, 2 usage, 3 no figures), the printed state, policy, actions,
exceptions and freshness, `--format github` and `--json` (compared with the API's own objects).

Readiness: the example content, where checkout-api passes every row; it is approved exactly when
a current approved sign-off exists, which `api/readiness.json` must agree with.

Usage: test_gate.py NINES SOURCE_DIR
"""
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile

from support import Checks, write

check = Checks()
NOW = "2026-11-01"


def nines(*args):
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    p = subprocess.run([NINES, *args], capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


# 99.9% over 28 days: budget b = 0.001. With 100000 requests a day and k failures a day,
# consumed C = (k/100000)/0.001 = k/100 and remaining R = 1 - k/100.
BAD_PER_DAY = {
    "alpha": 10,     # R = 90%: healthy
    "beta": 80,      # R = 20%: critical
    "gamma": 150,    # R = -50%: exhausted
    "epsilon": 200,  # R = -100%: exhausted (and a second SLO without data)
    "zeta": 60,      # R = 40%: warning
}


def make_repo(root):
    write(os.path.join(root, "nines.yaml"), "title: Gate test\nteams:\n  web:\n    name: Web\n"
          "    members: [a, b, c, d, e]\n")
    write(os.path.join(root, "slis", "success.yaml"), "sli:\n  name: success\n")
    for svc in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]:
        write(os.path.join(root, "services", svc + ".yaml"),
              f"service:\n  name: {svc}\n  tier: important\n  type: api\n  owner_team: web\n")
        write(os.path.join(root, "slos", svc + ".yaml"),
              f"slo:\n  id: {svc}-availability\n  service: {svc}\n  sli: success\n  target: 99.9\n"
              f"  window: 28d\n")
    write(os.path.join(root, "slos", "epsilon-latency.yaml"),
          "slo:\n  id: epsilon-latency\n  service: epsilon\n  sli: success\n  target: 99\n"
          "  window: 28d\n")
    # gamma has its own policy: fixes are excepted (structured form), compliance in prose of its
    # own words; a denial and other prose name nothing, so everything else is blocked.
    write(os.path.join(root, "policies", "gamma.yaml"), """error_budget_policy:
  service: gamma
  budget_states:
    healthy: {condition: "remaining_budget > 50%", actions: ["Ship"]}
    warning: {condition: "remaining_budget 25-50%", actions: ["Ship carefully"]}
    critical: {condition: "remaining_budget 0-25%", actions: ["Reliability work only"]}
    exhausted: {condition: "remaining_budget <= 0", actions: ["Freeze everything"]}
  exceptions:
    - change_type: fix
      note: Fixes for the incident that spent the budget
    - "Marketing launches are never excepted"
    - "Compliance changes always allowed"
    - "Security changes are never excepted"
""")
    rows = ["slo,date,good,total"]
    for day in range(4, 32):  # 2026-10-04 ... 2026-10-31, the 28 days before 2026-11-01
        for svc, bad in BAD_PER_DAY.items():
            rows.append(f"{svc}-availability,2026-10-{day:02d},{100000 - bad},100000")
    write(os.path.join(root, "metrics", "sli.csv"), "\n".join(rows) + "\n")


def gate(root, *args):
    return nines("gate", "deploy", *args, "-C", root, "--now", NOW)


def test_deploy(root):
    code, out, err = gate(root, "alpha")
    check(code == 0, f"healthy: exit 0, got {code}: {err}")
    check(out.startswith("gate deploy alpha (change type feature): ALLOWED\n"), out)
    check("state      healthy, set by SLO alpha-availability (budget remaining 90.0%)" in out, out)
    check("policy     seed default (seed), condition remaining_budget > 50%" in out, out)
    check("  - Normal development velocity\n" in out, "healthy prints its actions")
    check("  - Security patches always allowed  [security]\n" in out, "exceptions printed: " + out)
    check("fresh, last day 2026-10-31" in out, "data freshness printed: " + out)

    code, out, _ = gate(root, "zeta")
    check(code == 0 and "state      warning" in out and "Increase monitoring scrutiny" in out,
          f"warning passes with its actions: {code} {out}")

    code, out, _ = gate(root, "beta")
    check(code == 1, f"critical blocks features, got {code}")
    check("BLOCKED" in out and "feature changes are blocked" in out, out)
    code, out, _ = gate(root, "beta", "--change-type", "fix")
    check(code == 0, f"critical lets fixes through, got {code}")
    check("conditions the change must meet:\n" in out and
          "  - All deployments require SRE approval\n" in out, "critical prints conditions: " + out)

    code, out, _ = gate(root, "gamma", "--change-type", "fix")
    check(code == 0, f"a structured exception lets fixes through an exhausted budget, got {code}")
    check("allowed by the policy exception 'fix: Fixes for the incident that spent the budget'"
          in out, out)
    check("policy     gamma (service), condition remaining_budget <= 0" in out, out)
    for t in ["feature", "security", "data-loss-prevention"]:
        code, out, _ = gate(root, "gamma", "--change-type", t)
        check(code == 1 and "error budget exhausted (SLO gamma-availability)" in out,
              f"gamma blocks {t}: {code}")
    check("  - Security changes are never excepted\n" in out, "a denial names nothing: " + out)
    # Prose in other words than the seed's names its change type.
    code, out, _ = gate(root, "gamma", "--change-type", "compliance")
    check(code == 0 and "  - Compliance changes always allowed  [compliance]  (applies)\n" in out,
          f"gamma lets compliance through: {code} {out}")
    check("  - Freeze everything\n" in out, "exhausted prints the policy's actions")
    # Remaining budget with one decimal, as `nines budget` prints it (docs/commands.md).
    check("(budget remaining -50.0%)" in out and " -50.0% " in out and "-50.00%" not in out,
          f"remaining budget with one decimal: {out}")
    _, budget_out, _ = nines("budget", "gamma-availability", "-C", root, "--now", NOW)
    check("-50.0%" in budget_out, f"budget prints the same figure: {budget_out}")

    # epsilon: the seed policy's prose exceptions, matched on their words; its SLO without data
    # is listed and never blocks on its own.
    code, out, _ = gate(root, "epsilon")
    check(code == 1 and "Complete deployment freeze" in out, f"exhausted freezes: {code} {out}")
    check("epsilon-latency" in out and "missing (never blocks on its own)" in out,
          "the SLO without data is printed as such: " + out)
    for t in ["security", "compliance", "data-loss-prevention"]:
        code, out, _ = gate(root, "epsilon", "--change-type", t)
        check(code == 0 and "(applies)" in out, f"epsilon lets {t} through: {code}")
    code, _, _ = gate(root, "epsilon", "--change-type", "fix")
    check(code == 1, f"exhausted blocks fixes without an exception, got {code}")

    code, out, err = gate(root, "delta")
    check(code == 3, f"no data: exit 3, got {code}")
    check("no SLO of service 'delta' has data" in err, err)
    check("metrics pull" in err, f"no data: the hint is to record or pull data: {err}")
    # A service with no SLO at all: the hint is to add one, which data cannot replace.
    lonely = os.path.join(root, "services", "lonely.yaml")
    write(lonely, "service:\n  name: lonely\n  tier: important\n  type: api\n  owner_team: web\n")
    code, _, err = gate(root, "lonely")
    os.remove(lonely)
    check(code == 3 and "service 'lonely' has no SLOs" in err and
          "nines new slo NAME --service lonely" in err and "metrics pull" not in err,
          f"no SLO: exit 3 with a hint to add one: {code} {err}")

    code, _, err = gate(root, "alpah")
    check(code == 2 and "unknown service 'alpah', did you mean 'alpha'?" in err,
          f"unknown service: {code} {err}")
    code, _, err = gate(root, "alpha", "--change-type", "hotfix")
    check(code == 2, f"an unknown change type is a usage error, got {code}")

    code, out, _ = gate(root, "beta", "--format", "github")
    lines = [l for l in out.splitlines() if l.startswith("::")]
    check(code == 1 and lines == ["::error title=Deploy blocked::deploy of beta blocked: error "
                                  "budget critical (SLO beta-availability); feature changes are "
                                  "blocked"], f"github annotation: {lines}")
    code, out, _ = gate(root, "alpha", "--format", "github")
    check(code == 0 and "::notice title=Deploy allowed::" in out, "github notice when allowed")

    code, out, _ = gate(root, "epsilon", "--json")
    j = json.loads(out)
    check(code == 1 and j["allowed"] is False and j["decision"] == "blocked" and
          j["state"] == "exhausted" and j["slo"] == "epsilon-availability", f"json: {j}")
    _, budget, _ = nines("budget", "epsilon-availability", "--json", "-C", root, "--now", NOW)
    avail = [x for x in j["slos"] if x["id"] == "epsilon-availability"]
    check(len(j["slos"]) == 2 and avail and avail[0] == json.loads(budget),
          "--json holds the API's SLO objects")
    check(avail and avail[0]["budget_remaining_pct"] is not None and
          abs(avail[0]["budget_remaining_pct"] + 100) < 1e-6, "R = -100% as worked out")


def test_readiness(src, tmp):
    root = os.path.join(tmp, "content")
    shutil.copytree(os.path.join(src, "content"), root,
                    ignore=shutil.ignore_patterns("site", ".nines"))
    now = "2026-11-23"
    code, out, _ = nines("gate", "readiness", "checkout-api", "-C", root, "--now", now)
    check(code == 0 and out.startswith("gate readiness checkout-api: APPROVED\n"),
          f"every row passes and the sign-offs are current: {code} {out}")
    code, out, _ = nines("build", root, "--offline", "--now", now, "-o", os.path.join(tmp, "site"))
    api = json.load(open(os.path.join(tmp, "site", "api", "readiness.json")))
    row = [r for r in api if r["service"] == "checkout-api"][0]
    check(row["approved"] is True, "api/readiness.json agrees: approved")

    # Any change to what was reviewed makes the sign-offs stale.
    slo = os.path.join(root, "slos", "checkout-api.yaml")
    text = open(slo).read()
    check("error_budget_minutes: 20.16\n" in text, "the SLO file is as expected")
    open(slo, "w").write(text.replace("error_budget_minutes: 20.16\n",
                                      "error_budget_minutes: 20.2\n", 1))
    code, out, _ = nines("gate", "readiness", "checkout-api", "-C", root, "--now", now)
    check(code == 1 and "NOT APPROVED" in out and "stale (the documents changed since)" in out,
          f"the change makes the sign-offs stale: {code} {out}")
    check("missing: no current approved sign-off" in out, out)

    code, out, err = nines("signoff", "checkout-api", "-C", root, "--now", now, "--name",
                           "Gate Tester", "--role", "SRE lead", "--decision", "approved")
    check(code == 0, f"signoff: {code} {err}")
    code, out, _ = nines("gate", "readiness", "checkout-api", "-C", root, "--now", now)
    check(code == 0 and "Gate Tester (SRE lead, 2026-11-23): approved, current" in out,
          f"a new approved sign-off passes again: {code} {out}")

    # Each reviewer's latest current sign-off decides: a later rejection by the same reviewer
    # withdraws the approval, a current conditional by anyone blocks, and approving again lifts
    # it. The gate exits 0 exactly when api/readiness.json says approved, every time.
    def agrees(expect, why):
        code, out, _ = nines("gate", "readiness", "checkout-api", "-C", root, "--now", now)
        nines("build", root, "--offline", "--now", now, "-o", os.path.join(tmp, "site"))
        api = json.load(open(os.path.join(tmp, "site", "api", "readiness.json")))
        agrees.row = [r for r in api if r["service"] == "checkout-api"][0]
        approved = agrees.row["approved"]
        check(approved is expect and code == (0 if expect else 1),
              f"{why}: gate {code}, approved {approved}: {out}")
        # The page says what the API says: who withholds approval, which sign-off is replaced.
        with open(os.path.join(tmp, "site", "readiness", "index.html")) as f:
            page = f.read()
        withheld = agrees.row["withheld"]
        check((withheld is None) == expect, f"{why}: withheld is null exactly when approved")
        check(withheld is None or html.escape(withheld, quote=False) in page,
              f"{why}: the readiness page says why: {withheld}")
        return out

    def sign(name, decision):
        code, _, err = nines("signoff", "checkout-api", "-C", root, "--now", now, "--name", name,
                             "--role", "SRE lead", "--decision", decision)
        check(code == 0, f"signoff {name} {decision}: {code} {err}")

    sign("Gate Tester", "rejected")
    out = agrees(False, "the same reviewer's later rejection withdraws the approval")
    superseded = [s["superseded"] for s in agrees.row["signoffs"] if s["name"] == "Gate Tester"]
    check(superseded == [True, False], f"the replaced approval is superseded in the API: {superseded}")
    check("approved, current, superseded by a later sign-off of Gate Tester" in out
          and "blocking: Gate Tester's latest current sign-off is rejected" in out, out)
    sign("Gate Tester", "approved")
    agrees(True, "approving again lifts the rejection")
    sign("Other Reviewer", "conditional")
    out = agrees(False, "another reviewer's current conditional blocks")
    check("blocking: Other Reviewer's latest current sign-off is conditional" in out, out)
    code, out, _ = nines("readiness", "checkout-api", "-C", root, "--now", now)
    check("approval: not approved (withheld by the latest current sign-off of Other Reviewer: "
          "conditional)" in out, out)
    sign("Other Reviewer", "approved")
    agrees(True, "the condition met, the reviewer approves")

    # A service without a review shows its missing digest as every view shows a missing value.
    write(os.path.join(root, "services", "no-review.yaml"),
          "service:\n  name: no-review\n  tier: standard\n  owner_team: payments-team\n")
    code, out, _ = nines("readiness", "no-review", "-C", root, "--now", now)
    check(code == 0 and "\ncurrent digest: —\n" in out, f"no digest: {code} {out}")

    code, out, _ = nines("gate", "readiness", "auth-service", "-C", root, "--now", now)
    check(code == 1 and "checklist rows block" in out and "slos.targets-agreed" in out,
          f"blocking rows are listed: {code}")
    code, out, _ = nines("gate", "readiness", "auth-service", "-C", root, "--now", now, "--json")
    check(code == 1 and json.loads(out)["service"] == "auth-service", "readiness --json")
    code, _, err = nines("gate", "readiness", "checkout-apii", "-C", root, "--now", now)
    check(code == 2 and "did you mean 'checkout-api'?" in err, f"unknown service: {code} {err}")


def main():
    global NINES
    NINES = os.path.abspath(sys.argv[1])
    src = os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="nines-gate-")
    try:
        root = os.path.join(tmp, "repo")
        make_repo(root)
        test_deploy(root)
        test_readiness(src, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
