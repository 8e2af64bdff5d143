#!/usr/bin/env python3
"""End-to-end tests of adoption: `nines init` and `nines new`.

- A fresh `init` passes `nines check` (no warnings either) and `nines build`, and its workflow
  files and the repository's action.yml are valid against their published JSON schemas
  (action-validator, from npm), and use the official Pages actions with the right permissions.
- `init --action` sets the reference both workflows use; a bad reference is exit 2.
- `init` into a non-empty folder adds only what is missing and changes no existing file.
- `init` below the top of a git repository writes the workflows at its top (running in the
  folder; DIR absolute, or relative and not made yet) unless that overwrites something, and the publish branch is the checked-out one;
  `init` inside a content repository that would read the folder is exit 2, nothing written.
- Every kind of `nines new` writes a document that passes `check` (warnings count as failures,
  so the templates stay clean), in the kind's folder; `new slo` adds the three burn-rate alerts
  and a runbook for each; `new` never overwrites (exit 1 with the path, nothing changed).
- `new incident` has the ICS roles, the #inc-YYYY-MM-DD-slug channel, the timeline skeleton,
  status draft and the severity of the seed's matrix for all 16 function x scope cells, which
  the `postmortem-severity` lint agrees with. Slugs spell Latin diacritics in ASCII and tell
  titles in other scripts apart by a hash.
- Blank postmortem and incident drafts change no figure of the month's report (MTTR, MTTD).
- `new slo` checks clean at every accepted target (unreachable alerts left out, with their
  runbooks), refuses a target that leaves no budget, and its comments give W/B and B·L/W.
- A file where a folder must go is exit 3 with nothing written.
- `init` finds everything in its way (a file where a folder goes, a folder where a file goes, a
  folder it cannot write into) before writing anything, names each with what to do, exit 3; a
  write that fails half-way takes back exactly what that run made (the user's files stay), so
  the next init completes; an init cut short earlier is completed by the next one.

Usage: test_adoption.py NINES SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

NINES, SRC = os.path.abspath(sys.argv[1]), sys.argv[2]
NOW = "2026-11-20T09:41:00Z"
ENV = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
passed = 0
failures = []
TMP = tempfile.mkdtemp(prefix="nines-adoption-")


def run(*args, cwd=None):
    p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace", env=ENV,
                       timeout=120, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL:", what)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def snapshot(root):
    """Every file under root with its bytes."""
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            p = os.path.join(d, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


def clean_check(repo, what):
    code, out, err = run("check", repo, "--now", NOW)
    check(code == 0, f"{what}: check exits 0 (got {code}): {out}{err}")
    check("0 errors, 0 warnings" in out + err or (out + err).strip().endswith("0 warnings"),
          f"{what}: check has no warnings: {out}{err}")


# ---- init ----------------------------------------------------------------------------------
REPO = os.path.join(TMP, "fresh")
code, out, err = run("init", REPO, "--now", NOW, "--title", "Acme Reliability")
check(code == 0, f"init exits 0: {out}{err}")
for rel in ["nines.yaml", ".gitignore", "README.md", ".github/workflows/nines-check.yml",
            ".github/workflows/nines-publish.yml", "metrics/example-api.csv"]:
    check(os.path.isfile(os.path.join(REPO, rel)), f"init writes {rel}")
KINDS_DIRS = ["services", "slis", "slos", "policies", "runbooks", "postmortems", "chaos", "toil",
              "capacity", "oncall", "readiness", "assessments"]
for d in KINDS_DIRS:
    check(os.path.isdir(os.path.join(REPO, d)) and os.listdir(os.path.join(REPO, d)),
          f"init writes an example in {d}/")
check("site/" in read(os.path.join(REPO, ".gitignore")) and
      ".nines/" in read(os.path.join(REPO, ".gitignore")), ".gitignore has site/ and .nines/")
check("Acme Reliability" in read(os.path.join(REPO, "nines.yaml")), "--title reaches nines.yaml")
check(read(os.path.join(REPO, "nines.yaml")).count("#") > 10, "nines.yaml is commented")
clean_check(REPO, "fresh init")
code, out, err = run("build", REPO, "--now", NOW, "--offline")
check(code == 0, f"fresh init builds (exit {code}): {err}")
check(os.path.isfile(os.path.join(REPO, "site", "index.html")), "build writes site/index.html")
# One service: counts agree with it in the terminal and on the pages.
readiness_page = read(os.path.join(REPO, "site", "readiness", "index.html"))
check("of 1 service has a current production approval" in readiness_page,
      "the readiness overview says '… of 1 service has'")
check(">Service scored<" in read(os.path.join(REPO, "site", "maturity", "index.html")),
      "the maturity tile reads 'Service scored' for one service")
code, out, err = run("score", "-C", REPO, "--now", NOW)
check(code == 0 and out.splitlines()[0].endswith(", 1 service"), f"score says '1 service': {out[:200]}")
# Every figure has something to show: the example SLO has data and the service a readiness row.
code, out, err = run("budget", "-C", REPO, "--now", NOW, "--json")
check(code == 0 and '"example-api-availability"' in out, f"budget of the example SLO: {out}{err}")
budgets = __import__("json").loads(out) if code == 0 else []
check(len(budgets) == 1 and budgets[0].get("budget_remaining_pct") is not None and
      budgets[0]["data"]["status"] == "fresh",
      f"the example SLO has fresh data and a remaining budget: {out[:300]}")
code, out, err = run("score", "example-api", "-C", REPO, "--now", NOW)
check(code == 0, f"score of the example service: {out}{err}")
# The example SLI has a query, so the rules of a fresh repository page from day one: the SLO's
# three alerts, each with its runbook, and no warning.
code, out, err = run("rules", REPO, "--now", NOW)
check(code == 0 and all(f"- alert: {a}\n" in out for a in ("fast_burn", "medium_burn", "slow_burn"))
      and "runbook_url: " in out and "warning" not in err,
      f"a fresh init's rules have the SLO's three alerts: {code} {out[:300]} {err}")

# The default policy is the seed's, with its three exceptions: with the example SLO at 99.99%
# the budget is exhausted, and security, compliance and data-loss-prevention changes still pass.
SEED_EXCEPTIONS = ["Security patches always allowed", "Regulatory compliance changes always allowed",
                   "Data loss prevention always allowed"]
EXHAUSTED = os.path.join(TMP, "exhausted")
shutil.copytree(REPO, EXHAUSTED, ignore=shutil.ignore_patterns("site", ".nines"))
slo_path = os.path.join(EXHAUSTED, "slos", "example-api-availability.yaml")
slo_text = read(slo_path)
for old, new_text in [("target: 99.5", "target: 99.99"), ("error_budget: 0.5", "error_budget: 0.01"),
                      ("error_budget_minutes: 201.6", "error_budget_minutes: 4.032")]:
    check(old in slo_text, f"the init SLO has '{old}'")
    slo_text = slo_text.replace(old, new_text)
with open(slo_path, "w", encoding="utf-8") as f:
    f.write(slo_text)
policy_text = read(os.path.join(REPO, "policies", "default-policy.yaml"))
for exception in SEED_EXCEPTIONS:
    check(f'"{exception}"' in policy_text, f"init's policy has the seed's '{exception}'")
code, out, err = run("gate", "deploy", "example-api", "-C", EXHAUSTED, "--now", NOW)
check(code == 1 and "state      exhausted" in out and "policy     default-policy" in out,
      f"an exhausted init repository blocks features under its default policy: {code} {out}{err}")
for change in ["security", "compliance", "data-loss-prevention"]:
    code, out, err = run("gate", "deploy", "example-api", "--change-type", change, "-C", EXHAUSTED,
                         "--now", NOW)
    check(code == 0 and "ALLOWED" in out and "(applies)" in out,
          f"an exhausted init repository lets {change} through: {code} {out}{err}")

# Workflows: the default action reference, Pages deployment, permissions, check formats.
check_wf = read(os.path.join(REPO, ".github/workflows/nines-check.yml"))
publish_wf = read(os.path.join(REPO, ".github/workflows/nines-publish.yml"))
check(re.search(r"uses: nines-dev/nines@v\d+\.\d+\.\d+", check_wf) is not None,
      "check workflow uses the nines action at the version's tag")
check("pull_request" in check_wf and "--format github" in check_wf and
      "--format sarif" in check_wf and "upload-sarif" in check_wf and
      "--since" in check_wf and "GITHUB_STEP_SUMMARY" in check_wf,
      "check workflow: annotations, SARIF upload, --since job summary")
check("security-events: write" in check_wf and "actions: read" in check_wf,
      "check workflow: the permissions upload-sarif needs, in private repositories too")
check("actions/upload-pages-artifact@" in publish_wf and "actions/deploy-pages@" in publish_wf,
      "publish workflow uses the official Pages actions")
check(re.search(r"pages: write", publish_wf) and re.search(r"id-token: write", publish_wf) and
      "concurrency:" in publish_wf, "publish workflow: pages/id-token permissions, concurrency")
check("${{ github.base_ref }}" in check_wf, "GitHub expressions pass through the template")

VALIDATOR = shutil.which("action-validator")
check(VALIDATOR is not None, "action-validator is installed (scripts/setup-deps.sh --with-tests)")
if VALIDATOR:
    for wf in ["nines-check.yml", "nines-publish.yml"]:
        p = subprocess.run([VALIDATOR, os.path.join(REPO, ".github/workflows", wf)],
                           capture_output=True, text=True)
        check(p.returncode == 0, f"{wf} is a valid workflow: {p.stdout}{p.stderr}")
    p = subprocess.run([VALIDATOR, os.path.join(SRC, "action.yml")], capture_output=True,
                       text=True)
    check(p.returncode == 0, f"action.yml is a valid action: {p.stdout}{p.stderr}")
    # The validator itself must reject a broken workflow, or the checks above prove nothing.
    bad = os.path.join(TMP, "bad.yml")
    with open(bad, "w") as f:
        f.write(check_wf.replace("runs-on:", "runs_on:"))
    p = subprocess.run([VALIDATOR, bad], capture_output=True, text=True)
    check(p.returncode != 0, "action-validator rejects a broken workflow")
action = read(os.path.join(SRC, "action.yml"))
check("using: composite" in action or "using: 'composite'" in action, "action.yml is composite")
check("setup-deps.sh" in action and "Release" in action and "GITHUB_PATH" in action and
      "actions/cache@" in action, "action.yml installs packages, builds Release, caches, PATH")

# --action sets the reference; a malformed one is a usage error.
REPO2 = os.path.join(TMP, "pinned")
code, out, err = run("init", REPO2, "--now", NOW, "--action", "acme/nines-fork@0123abc")
check(code == 0, f"init --action exits 0: {err}")
for wf in ["nines-check.yml", "nines-publish.yml"]:
    check("uses: acme/nines-fork@0123abc" in read(os.path.join(REPO2, ".github/workflows", wf)),
          f"--action reaches {wf}")
code, out, err = run("init", os.path.join(TMP, "badref"), "--action", "not a ref")
check(code == 2 and "OWNER/REPO@REF" in err, f"bad --action is exit 2: {code} {err}")
check(not os.path.exists(os.path.join(TMP, "badref")), "bad --action writes nothing")

# Non-empty folder: only what is missing is added, nothing is overwritten.
REPO3 = os.path.join(TMP, "existing")
os.makedirs(os.path.join(REPO3, "services"))
with open(os.path.join(REPO3, "README.md"), "w") as f:
    f.write("# Our own readme\n")
with open(os.path.join(REPO3, ".gitignore"), "w") as f:
    f.write("secret/\n")
with open(os.path.join(REPO3, "services", "example-api.yaml"), "w") as f:
    f.write("# ours\nservice: {name: example-api, tier: critical, owner_team: example-team}\n")
before = snapshot(REPO3)
code, out, err = run("init", REPO3, "--now", NOW)
check(code == 0, f"init into a non-empty folder exits 0: {err}")
after = snapshot(REPO3)
for rel, data in before.items():
    check(after.get(rel) == data, f"init keeps {rel} unchanged")
check("kept" in out and "README.md" in out, f"init says what it kept: {out}")
check("nines.yaml" in after and len(after) > len(before) + 10, "init adds the missing files")
code, out, err = run("init", REPO3, "--now", NOW)
check(code == 0 and snapshot(REPO3) == after and "0 files created" in out,
      f"init again changes nothing: {out}")

# An existing content repository (it has nines.yaml) gets the workflows and .gitignore only: the
# examples would name a team its nines.yaml does not define.
REPO4 = os.path.join(TMP, "existing-content")
shutil.copytree(os.path.join(SRC, "content"), REPO4,
                ignore=shutil.ignore_patterns(".github", ".gitignore", ".nines", "site"))
before = snapshot(REPO4)
code, out, err = run("init", REPO4, "--now", NOW)
after = snapshot(REPO4)
added = sorted(set(after) - set(before))
check(code == 0 and added == [".github/workflows/nines-check.yml",
                              ".github/workflows/nines-publish.yml", ".gitignore"],
      f"init into a content repository adds the workflows only: {added} {err}")
check(all(after[r] == before[r] for r in before), "and changes nothing of it")
code, out, err = run("check", REPO4, "--now", NOW)
check(code == 0, f"the repository still checks clean: {code} {out[-300:]}")

# ---- init in a git repository, and inside a content repository -----------------------------
def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


# A folder below the top of a git repository (a monorepo's reliability/): the workflows go to
# the top's .github/workflows, where GitHub reads them, and run their steps in the folder; the
# publish branch is the one checked out, also before the first commit.
MONO = os.path.join(TMP, "mono")
os.makedirs(MONO)
git(MONO, "init", "-q", "-b", "master")
code, out, err = run("init", os.path.join(MONO, "reliability"), "--now", NOW)
check(code == 0, f"init below the top of a git repository exits 0: {out}{err}")
flows = os.path.join(MONO, ".github", "workflows")
check(sorted(os.listdir(flows)) == ["nines-check.yml", "nines-publish.yml"] if os.path.isdir(flows)
      else False, "the workflows are written at the git repository's top")
check(not os.path.exists(os.path.join(MONO, "reliability", ".github")),
      "and not in the content folder, where GitHub never runs them")
if os.path.isdir(flows):
    publish = read(os.path.join(flows, "nines-publish.yml"))
    checkwf = read(os.path.join(flows, "nines-check.yml"))
    check("branches: [master]" in publish, f"the publish branch is the checked-out one: {publish}")
    check(publish.count("working-directory: reliability") == 1
          and checkwf.count("working-directory: reliability") == 1,
          "both workflows run their steps in the content folder")
    check("path: reliability/site" in publish, "the Pages artifact is the content folder's site")
    check("sarif_file: reliability/nines.sarif" in checkwf, "the SARIF file is found there too")
    check(checkwf.count('--path-prefix "reliability/"') == 2,
          f"both check steps name files from the top of the checkout: {checkwf}")
check("branch: master " in read(os.path.join(MONO, "reliability", "nines.yaml")),
      "nines.yaml names the checked-out branch")
clean_check(os.path.join(MONO, "reliability"), "init below the top of a git repository")
# The prefix: github and sarif name files from the top of the checkout, text stays as SPEC 2 says.
svc = os.path.join(MONO, "reliability", "services", "example-api.yaml")
svc_text = read(svc)
with open(svc, "w", encoding="utf-8") as f:
    f.write(svc_text.replace("owner_team:", "owner_tam:", 1))
code, out, _ = run("check", "-C", os.path.join(MONO, "reliability"), "--format", "github",
                   "--path-prefix", "reliability/", "--now", NOW)
check(code == 1 and "::error file=reliability/services/example-api.yaml," in out,
      f"github paths from the top of the checkout: {out}")
code, out, _ = run("check", "-C", os.path.join(MONO, "reliability"), "--format", "sarif",
                   "--path-prefix", "reliability", "--now", NOW)
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]} if code == 1 else set()
check(uris == {"reliability/services/example-api.yaml"}, f"sarif uris from the top: {uris}")
code, out, _ = run("check", "-C", os.path.join(MONO, "reliability"), "--path-prefix",
                   "reliability/", "--now", NOW)
check(code == 1 and out.startswith("services/example-api.yaml:"), f"text ignores it: {out}")
code, _, err = run("check", "-C", os.path.join(MONO, "reliability"), "--path-prefix", "../x",
                   "--now", NOW)
check(code == 2, f"a prefix leaving the checkout is a usage error: {code} {err}")
# `./reliability//` is written as GitHub names the folder; a name holding ".." is no step up.
code, out, _ = run("check", "-C", os.path.join(MONO, "reliability"), "--format", "github",
                   "--path-prefix", "./reliability//", "--now", NOW)
check(code == 1 and "::error file=reliability/services/example-api.yaml," in out,
      f"./reliability// is reliability/: {out}")
code, out, err = run("check", "-C", os.path.join(MONO, "reliability"), "--format", "github",
                     "--path-prefix", "a/..b/", "--now", NOW)
check(code == 1 and "::error file=a/..b/services/example-api.yaml," in out,
      f"a/..b/ is a folder name, not a step up: {code} {out}{err}")
with open(svc, "w", encoding="utf-8") as f:
    f.write(svc_text)
# Again: what is there is kept, nothing changes.
before = snapshot(MONO)
code, out, err = run("init", os.path.join(MONO, "reliability"), "--now", NOW)
check(code == 0 and snapshot(MONO) == before and "0 files created" in out,
      f"init again below the top changes nothing: {out}{err}")
# A second content folder of the same repository: the top's workflows are someone else's now,
# so init overwrites nothing there and says which paths to add.
code, out, err = run("init", os.path.join(MONO, "payments"), "--now", NOW)
check(code == 0 and snapshot(MONO).items() >= {k: v for k, v in before.items()}.items(),
      f"a second folder changes nothing at the top: {out}{err}")
check("nines-check.yml exists" in out and "payments/.github/workflows/nines-check.yml" in out,
      f"and the note says which workflows to add where: {out}")
check(os.path.exists(os.path.join(MONO, "payments", ".github", "workflows", "nines-check.yml")),
      "the second folder's workflows are written beside it")
# Without a commit or a git repository at all the branch is main, as before.
code, out, err = run("init", os.path.join(TMP, "nogit"), "--now", NOW)
check("branches: [main]" in read(os.path.join(TMP, "nogit", ".github", "workflows",
                                              "nines-publish.yml")),
      "outside git the publish branch is main")

# DIR relative to the working folder and not made yet, in a folder that is also not made yet:
# the same as an absolute path, the workflows at the top and the note that says so.
MONO2 = os.path.join(TMP, "mono2")
os.makedirs(MONO2)
git(MONO2, "init", "-q", "-b", "main")
code, out, err = run("init", os.path.join("ops", "reliability"), "--now", NOW, cwd=MONO2)
flows = os.path.join(MONO2, ".github", "workflows")
check(code == 0 and os.path.isdir(flows) and
      sorted(os.listdir(flows)) == ["nines-check.yml", "nines-publish.yml"],
      f"a relative DIR that does not exist yet gets the workflows at the top: {code} {out}{err}")
check(not os.path.exists(os.path.join(MONO2, "ops", "reliability", ".github")),
      "and not in the content folder")
check("their steps run in ops/reliability" in out, f"and says where their steps run: {out}")
if os.path.isdir(flows):
    check(read(os.path.join(flows, "nines-publish.yml")).count(
        "working-directory: ops/reliability") == 1, "the steps run in the content folder")
clean_check(os.path.join(MONO2, "ops", "reliability"), "init of a relative new DIR")

# Inside an existing content repository: refused, nothing written, since the outer repository
# would read the examples as its own (duplicate ids) ...
OUTER = os.path.join(TMP, "outer")
run("init", OUTER, "--now", NOW)
before = snapshot(OUTER)
code, out, err = run("init", os.path.join(OUTER, "sub", "inner"), "--now", NOW)
check(code == 2 and snapshot(OUTER) == before and not os.path.exists(os.path.join(OUTER, "sub")),
      f"init inside a content repository is exit 2 with nothing written: {code} {out}{err}")
check("exclude" in err and "sub/inner/**" in err, f"and says how to leave the folder out: {err}")
clean_check(OUTER, "the outer repository after a refused nested init")
# ... unless the outer repository leaves the folder out.
with open(os.path.join(OUTER, "nines.yaml"), "a", encoding="utf-8") as f:
    f.write('exclude: ["sub/**"]\n')
code, out, err = run("init", os.path.join(OUTER, "sub", "inner"), "--now", NOW)
check(code == 0, f"init in a folder the outer repository excludes is allowed: {out}{err}")
clean_check(OUTER, "the outer repository with an excluded nested one")

# The command init suggests can be pasted as printed: a path with spaces or quotes is quoted.
ODD = os.path.join(TMP, "my repo's ü")
code, out, err = run("init", ODD, "--now", NOW)
nxt = [line for line in out.splitlines() if line.startswith("next: ")]
check(code == 0 and len(nxt) == 1, f"init into a path with a space: {code} {out}{err}")
if nxt:
    shell = subprocess.run(["sh", "-c", "printf '%s\\n' " + nxt[0][len("next: nines check -C "):]
                            .split(" && ")[0]], capture_output=True, text=True)
    check(shell.stdout == ODD + "\n", f"and its path is one shell word: {nxt[0]!r} -> {shell.stdout!r}")

# Around an existing content repository: refused too, nothing written, for the new repository
# would read the inner one's documents as its own. A hidden folder's or site/'s is not read.
AROUND = os.path.join(TMP, "around")
run("init", os.path.join(AROUND, "team", "reliability"), "--now", NOW)
os.makedirs(os.path.join(AROUND, ".cache", "x"))
before = snapshot(AROUND)
code, out, err = run("init", AROUND, "--now", NOW)
check(code == 2 and snapshot(AROUND) == before and
      not os.path.exists(os.path.join(AROUND, "nines.yaml")),
      f"init around a content repository is exit 2 with nothing written: {code} {out}{err}")
check("team/reliability" in err and "nothing was written" in err,
      f"and names the repository below: {err}")
HIDDEN = os.path.join(TMP, "hidden-below")
run("init", os.path.join(HIDDEN, ".old", "reliability"), "--now", NOW)
code, out, err = run("init", HIDDEN, "--now", NOW)
check(code == 0, f"a repository in a hidden folder below is not read, so init goes on: {out}{err}")
clean_check(HIDDEN, "init beside a hidden repository")

# ---- new -----------------------------------------------------------------------------------
NEW = os.path.join(TMP, "new")
run("init", NEW, "--now", NOW)


def new(*args):
    return run("new", *args, "-C", NEW, "--now", NOW)


CASES = [
    (["service", "billing-api"], ["services/billing-api.yaml"]),
    (["sli", "request-latency", "--type", "latency"], ["slis/request-latency.yaml"]),
    (["slo", "billing-api-latency", "--service", "billing-api", "--sli", "request-latency",
      "--target", "99.5"],
     ["slos/billing-api-latency.yaml", "runbooks/billing-api/billing-api-fast-burn.yaml",
      "runbooks/billing-api/billing-api-medium-burn.yaml",
      "runbooks/billing-api/billing-api-slow-burn.yaml"]),
    (["policy", "billing-policy", "--service", "billing-api"], ["policies/billing-policy.yaml"]),
    (["runbook", "billing-db-down", "--service", "billing-api", "--alert", "BillingDbDown"],
     ["runbooks/billing-api/billing-db-down.yaml"]),
    (["postmortem", "Billing outage", "--service", "billing-api"],
     ["postmortems/2026-11-20-billing-outage.yaml"]),
    (["incident", "Checkout errors after deploy"],
     ["postmortems/2026-11-20-checkout-errors-after-deploy.yaml"]),
    (["experiment", "billing-db-failover", "--service", "billing-api"],
     ["chaos/billing-db-failover.yaml"]),
    (["toil", "billing-manual-refunds", "--service", "billing-api"],
     ["toil/billing-manual-refunds.yaml"]),
    (["capacity", "billing-api"], ["capacity/billing-api.yaml"]),
    (["rotation", "billing-oncall"], ["oncall/billing-oncall.yaml"]),
    (["readiness", "billing-api"], ["readiness/billing-api.yaml"]),
    (["assessment", "billing-api"], ["assessments/billing-api-2026-11.yaml"]),
    (["maintenance", "billing-db-upgrade", "--service", "billing-api"],
     ["maintenance/billing-db-upgrade.yaml"]),
]
kinds_seen = set()
for args, files in CASES:
    kinds_seen.add(args[0])
    code, out, err = new(*args)
    check(code == 0, f"new {' '.join(args)} exits 0: {out}{err}")
    for rel in files:
        check(os.path.isfile(os.path.join(NEW, rel)), f"new {args[0]} writes {rel}: {out}")
        if os.path.isfile(os.path.join(NEW, rel)):
            text = read(os.path.join(NEW, rel))
            check(text.count("#") >= 3, f"{rel} carries comments")
    clean_check(NEW, f"after new {args[0]}")
check(kinds_seen == {"service", "sli", "slo", "policy", "runbook", "postmortem", "incident",
                     "experiment", "toil", "capacity", "rotation", "readiness", "assessment",
                     "maintenance"},
      "every kind is tried")
mw = read(os.path.join(NEW, "maintenance/billing-db-upgrade.yaml"))
check("start: 2026-11-21T02:00:00Z" in mw and "end: 2026-11-21T04:00:00Z" in mw,
      f"new maintenance opens a window tomorrow: {mw}")
slo = read(os.path.join(NEW, "slos/billing-api-latency.yaml"))
for alert in ["fast_burn", "medium_burn", "slow_burn"]:
    check(f"name: {alert}" in slo, f"new slo has the {alert} alert")
check("error_budget: 0.5" in slo and "error_budget_minutes: 201.6" in slo,
      "new slo's budget follows from --target")
# `new policy` writes the seed's policy too, with the same three exceptions as init's.
new_policy = read(os.path.join(NEW, "policies/billing-policy.yaml"))
for exception in SEED_EXCEPTIONS:
    check(f'"{exception}"' in new_policy, f"new policy has the seed's '{exception}'")
rb = read(os.path.join(NEW, "runbooks/billing-api/billing-db-down.yaml"))
check("alert_name: BillingDbDown" in rb, "new runbook fills the alert name")
rot = read(os.path.join(NEW, "oncall/billing-oncall.yaml"))
check("Alex Doe" in rot and "team: example-team" in rot, "new rotation takes the only team")

# --sli defaults to the only SLI; with two it must be given.
FRESH = os.path.join(TMP, "one-sli")
run("init", FRESH, "--now", NOW)
code, out, err = run("new", "slo", "example-api-quick", "--service", "example-api", "--target",
                     "99.5", "-C", FRESH, "--now", NOW)
check(code == 0 and "sli: request-success-rate" in
      read(os.path.join(FRESH, "slos/example-api-quick.yaml")),
      f"new slo takes the only SLI: {out}{err}")
check("runbooks/example-api/" not in out, f"new slo adds no runbook for covered alerts: {out}")
clean_check(FRESH, "slo with the only SLI")
code, out, err = subprocess.run(
    [NINES, "new", "slo", "x-slo", "--service", "billing-api", "-C", NEW, "--now", NOW],
    capture_output=True, text=True, stdin=subprocess.DEVNULL, env=ENV).returncode, "", ""
check(code == 2, "new slo with several SLIs and no --sli is exit 2 off a terminal")
code, out, err = new("slo", "y-slo", "--service", "billing-apj", "--sli", "request-latency")
check(code == 2 and "did you mean 'billing-api'" in err, f"unknown service suggests: {err}")
check(not os.path.exists(os.path.join(NEW, "slos/y-slo.yaml")), "a refused new writes nothing")

# Never overwrites: exit 1 with the path; the file is unchanged.
target = os.path.join(NEW, "services/billing-api.yaml")
before = read(target)
code, out, err = new("service", "billing-api")
check(code == 1 and "services/billing-api.yaml" in err and "overwrite" in err,
      f"existing file is exit 1 with its path: {code} {err}")
check(read(target) == before, "the existing file is unchanged")
# The path as the user can type it: relative to the working folder, as the `wrote` lines are.
code, out, err = run("new", "service", "billing-api", "-C", "new", "--now", NOW, cwd=TMP)
check(code == 1 and err.startswith("nines: new/services/billing-api.yaml already exists; 'nines "
                                   "new' never overwrites"), f"the path is relative: {err}")
# The slo's runbooks are planned with it: one existing file refuses the whole set.
os.makedirs(os.path.join(NEW, "runbooks/example-api"), exist_ok=True)
code, out, err = new("slo", "billing-api-latency", "--service", "billing-api", "--sli",
                     "request-latency")
check(code == 1 and "slos/billing-api-latency.yaml" in err, f"slo overwrite refused: {err}")

# ---- incident ------------------------------------------------------------------------------
inc = read(os.path.join(NEW, "postmortems/2026-11-20-checkout-errors-after-deploy.yaml"))
for role in ["incident_commander", "communications_lead", "operations_lead", "scribe"]:
    check(f"{role}:" in inc, f"incident has the ICS role {role}")
check('channel: "#inc-2026-11-20-checkout-errors-after-deploy"' in inc, "incident channel name")
check("status: draft" in inc, "incident is a draft")
check('time: "09:41"' in inc and "Detected" in inc and "Triage" in inc and "Mitigated" in inc and
      "Resolved" in inc, "incident has the seed's timeline skeleton, dated now")
check("severity: SEV3" in inc, "an unclassified incident takes the middle of the matrix")

MATRIX = {("core-down", "one-user"): 3, ("core-down", "lt-25pct"): 2,
          ("core-down", "gt-25pct"): 1, ("core-down", "all-users"): 1,
          ("degraded", "one-user"): 4, ("degraded", "lt-25pct"): 3,
          ("degraded", "gt-25pct"): 2, ("degraded", "all-users"): 1,
          ("non-core-down", "one-user"): 4, ("non-core-down", "lt-25pct"): 3,
          ("non-core-down", "gt-25pct"): 3, ("non-core-down", "all-users"): 2,
          ("cosmetic", "one-user"): 4, ("cosmetic", "lt-25pct"): 4,
          ("cosmetic", "gt-25pct"): 3, ("cosmetic", "all-users"): 3}
for (fn, sc), sev in MATRIX.items():
    title = f"Matrix {fn} {sc}"
    code, out, err = new("incident", title, "--function", fn, "--scope", sc)
    path = os.path.join(NEW, "postmortems", "2026-11-20-" + re.sub(r"[^a-z0-9]+", "-",
                                                                      title.lower()) + ".yaml")
    check(code == 0 and os.path.isfile(path), f"new incident {fn}/{sc}: {out}{err}")
    if os.path.isfile(path):
        text = read(path)
        check(f"severity: SEV{sev}" in text, f"{fn} x {sc} is SEV{sev}")
        check(f"function: {fn}" in text and f"scope: {sc}" in text, f"{fn}/{sc} recorded")
# The lint holds each document to the same matrix: a clean check means they agree.
clean_check(NEW, "all 16 incidents")
code, out, err = new("incident", "Half classified", "--function", "degraded")
check(code == 2 and "--scope" in err, f"--function without --scope is exit 2: {err}")
code, out, err = new("incident", "Bad scope", "--function", "degraded", "--scope", "half")
check(code == 2, "an unknown --scope is exit 2")

# ---- blank drafts change no figure ----------------------------------------------------------
# A draft's unknown times and impact are "" (not given), never 0: MTTR and MTTD stay what the
# filled-in postmortems say, and so does every other figure of the month's report.
DRAFTS = os.path.join(TMP, "drafts")
run("init", DRAFTS, "--now", NOW)


def month_report():
    code, out, err = run("report", "-C", DRAFTS, "--month", "2026-11", "--format", "json",
                         "--now", NOW)
    check(code == 0, f"report of the month exits 0: {err}")
    return __import__("json").loads(out).get("monthly_report", {}) if code == 0 else {}


before = month_report()
for args in [["postmortem", "Second outage", "--service", "example-api"],
             ["incident", "Third outage"]]:
    code, out, err = run("new", *args, "-C", DRAFTS, "--now", NOW)
    check(code == 0, f"new {args[0]} exits 0: {err}")
after = month_report()
pm = read(os.path.join(DRAFTS, "postmortems/2026-11-20-second-outage.yaml"))
for field in ["time_to_detect_minutes", "time_to_mitigate_minutes", "time_to_resolve_minutes",
              "users_affected", "duration_minutes", "customer_tickets"]:
    check(re.search(rf'^\s+{field}: ""', pm, re.M) is not None, f"the draft leaves {field} blank")
inc_b, inc_a = before.get("incidents", {}), after.get("incidents", {})
check(inc_b.get("mttr_minutes") is not None and
      inc_a.get("mttr_minutes") == inc_b.get("mttr_minutes") and
      inc_a.get("mttd_minutes") == inc_b.get("mttd_minutes"),
      f"blank drafts change neither MTTR nor MTTD: {inc_b} -> {inc_a}")
check(inc_a.get("total") == inc_b.get("total", 0) + 2, "the drafts count as incidents")
# The count of incidents and of their severities is all that may change.
for report in [before, after]:
    for key in ["total", "postmortems", "by_severity"]:
        report.get("incidents", {}).pop(key, None)
    for key in list(report.get("delta", {})):
        if key == "incidents.total" or key.startswith("incidents.by_severity."):
            del report["delta"][key]
check(before == after, f"and change no other figure of the report: {before} -> {after}")
clean_check(DRAFTS, "blank drafts")

# ---- slo targets ---------------------------------------------------------------------------------
# Every target new accepts gives a file that checks: alerts that could never fire at the target
# are left out (with their runbook stubs); a target that leaves no budget is refused.
TGT = os.path.join(TMP, "targets")
run("init", TGT, "--now", NOW)
run("new", "service", "svc-t", "-C", TGT, "--now", NOW)
EXPECT = {"90": ["medium_burn", "slow_burn"], "93.06": ["fast_burn", "medium_burn", "slow_burn"],
          "93.05": ["medium_burn", "slow_burn"], "83.33": ["slow_burn"], "50": ["slow_burn"],
          "0.001": ["slow_burn"], "99.9999999": ["fast_burn", "medium_burn", "slow_burn"],
          "99.9999999999": ["fast_burn", "medium_burn", "slow_burn"]}
for n, (target, alerts) in enumerate(EXPECT.items()):
    name = f"svc-t-{n}"
    code, out, err = run("new", "slo", name, "--service", "svc-t", "--target", target, "-C", TGT,
                         "--now", NOW)
    check(code == 0, f"new slo --target {target} exits 0: {err}")
    text = read(os.path.join(TGT, "slos", name + ".yaml")) if code == 0 else ""
    got = re.findall(r"- name: (\w+)", text)
    check(got == alerts, f"--target {target} keeps the alerts that can fire: {got}")
    check(f"target: {target}\n" in text or f"target: {target} " in text,
          f"--target {target} is written as given")
    for alert in {"fast_burn", "medium_burn"} - set(alerts):
        check(f"# {alert} (" in text and "could never fire" in text,
              f"--target {target} says why {alert} is left out")
        # Its windows long first, as the docs and every page write them.
        said = {"fast_burn": "(14.4x over 1h / 5m)", "medium_burn": "(6x over 6h / 30m)"}[alert]
        check(f"# {alert} {said} is left out" in text,
              f"--target {target} names {alert}'s rate and windows as the docs do")
    clean_check(TGT, f"new slo --target {target}")
runbooks = sorted(os.listdir(os.path.join(TGT, "runbooks", "svc-t")))
check(runbooks == ["svc-t-fast-burn.yaml", "svc-t-medium-burn.yaml", "svc-t-slow-burn.yaml"],
      f"runbook stubs only for alerts written: {runbooks}")
tiny = read(os.path.join(TGT, "slos", "svc-t-6.yaml"))
check("error_budget: 0.0000001 " in tiny, f"a tiny budget is written with its digits: {tiny}")
before = snapshot(TGT)
for target in ["99.99999999999", "99.9999999999999"]:
    code, out, err = run("new", "slo", "svc-t-zero", "--service", "svc-t", "--target", target,
                         "-C", TGT, "--now", NOW)
    check(code == 2 and "leaves no error budget" in err,
          f"--target {target} leaves no budget: exit 2 ({code}): {err}")
# A ratio where a percentage goes: refused as check would refuse it, with the percentage meant.
for target, meant in [("0.999", "99.9"), ("0.5", "50")]:
    code, out, err = run("new", "slo", "svc-t-ratio", "--service", "svc-t", "--target", target,
                         "-C", TGT, "--now", NOW)
    check(code == 2 and f"did you mean {meant}?" in err,
          f"--target {target} reads as a ratio: exit 2 ({code}): {err}")
check(snapshot(TGT) == before, "a refused target writes nothing")
# At 90% only the two reachable alerts get runbooks.
run("new", "service", "svc-u", "-C", TGT, "--now", NOW)
code, out, err = run("new", "slo", "svc-u-acc", "--service", "svc-u", "--target", "90", "-C", TGT,
                     "--now", NOW)
check(code == 0 and sorted(os.listdir(os.path.join(TGT, "runbooks", "svc-u"))) ==
      ["svc-u-medium-burn.yaml", "svc-u-slow-burn.yaml"],
      f"a 90% SLO gets no fast_burn runbook: {out}{err}")
clean_check(TGT, "a 90% SLO with its runbooks")

# The comments give the SPEC's W/B and B·L/W for the SLO's window (28d here), as budget does.
text = read(os.path.join(TGT, "slos", "svc-t-1.yaml"))
for burn, lasts, spent in [("14.4", "46.7 h", "2.14% of it went in 1h"),
                           ("6.0", "4.7 d", "5.36% of it went in 6h"),
                           ("1.0", "28.0 d", "10.71% of it went in 3d")]:
    check(re.search(rf"burn_rate: {re.escape(burn)} +# at this rate the budget lasts {lasts}; "
                    rf"firing means {re.escape(spent)}", text) is not None,
          f"the {burn}x alert's comment: {lasts}, {spent}: {text}")
check("2 hours" not in text and "about 5 hours" not in text, "no seed exhaustion times")
code, out, err = run("budget", "svc-t-1", "-C", TGT, "--now", NOW)
check("46.7 h" in out and "4.7 d" in out, f"budget shows the same times: {out}{err}")
# Another window: 7d.
WEEK = os.path.join(TMP, "week")
run("init", WEEK, "--now", NOW)
conf = read(os.path.join(WEEK, "nines.yaml")).replace("slo_window: 28d", "slo_window: 7d")
with open(os.path.join(WEEK, "nines.yaml"), "w", encoding="utf-8") as f:
    f.write(conf)
code, out, err = run("new", "slo", "weekly", "--service", "example-api", "--target", "99.5", "-C",
                     WEEK, "--now", NOW)
text = read(os.path.join(WEEK, "slos", "weekly.yaml")) if code == 0 else ""
check("window: 7d" in text and "lasts 11.7 h; firing means 8.57% of it went in 1h" in text and
      "lasts 7.0 d; firing means 42.86% of it went in 3d" in text,
      f"a 7d window's comments: {err}{text}")
clean_check(WEEK, "a 7d SLO")

# ---- a file where a folder must go --------------------------------------------------------------
# Every folder is checked before the first file: exit 3, nothing written, no traceback (exit 4).
STRAY = os.path.join(TMP, "stray")
run("init", STRAY, "--now", NOW)
run("new", "service", "svc2", "-C", STRAY, "--now", NOW)
with open(os.path.join(STRAY, "runbooks", "svc2"), "w") as f:
    f.write("x\n")
before = snapshot(STRAY)
code, out, err = run("new", "slo", "s2", "--service", "svc2", "-C", STRAY, "--now", NOW)
check(code == 3 and "not a folder" in err and "nothing was written" in err and
      "internal error" not in err, f"a file in a folder's place is exit 3: {code} {err}")
check(snapshot(STRAY) == before, "and nothing is written")
clean_check(STRAY, "after the refused new slo")
shutil.rmtree(os.path.join(STRAY, "chaos"))
with open(os.path.join(STRAY, "chaos"), "w") as f:
    f.write("x\n")
before = snapshot(STRAY)
code, out, err = run("new", "experiment", "x", "-C", STRAY, "--now", NOW)
check(code == 3 and "not a folder" in err, f"new experiment with a file 'chaos': exit 3: {code} {err}")
check(snapshot(STRAY) == before, "and nothing is written")

# ---- slugs of titles in other scripts -----------------------------------------------------------
SLUG = os.path.join(TMP, "slugs")
run("init", SLUG, "--now", NOW)
made = []
for title in ["決済エラー", "ログイン障害", "Zürich outage", "Café crème — déjà vu"]:
    code, out, err = run("new", "incident", title, "-C", SLUG, "--now", NOW)
    check(code == 0, f"new incident {title!r} exits 0: {err}")
    m = re.search(r"postmortems/(2026-11-20-[a-z0-9-]+)\.yaml", out)
    made.append(m.group(1) if m else "")
check(made[0] != made[1] and made[0].startswith("2026-11-20-incident-") and
      re.fullmatch(r"2026-11-20-incident-[0-9a-f]{8}", made[1]) is not None,
      f"two Japanese titles on one day get two files: {made}")
check(made[2] == "2026-11-20-zurich-outage" and made[3] == "2026-11-20-cafe-creme-deja-vu",
      f"Latin letters are spelled without diacritics: {made}")
for slug in made:
    if slug:
        text = read(os.path.join(SLUG, "postmortems", slug + ".yaml"))
        channel = re.search(r'channel: "#(.*)"', text).group(1)
        check(channel == "inc-" + slug and len(channel) <= 80 and
              re.fullmatch(r"[a-z0-9-]+", channel) is not None,
              f"the channel is a valid Slack name: {channel}")
clean_check(SLUG, "incidents in other scripts")
# Two incidents of one day whose titles slug alike (cut at 48 characters, or punctuation apart)
# get two files and two channels; the same title again is the same incident, never overwritten.
LONG = "Checkout API returning 502 errors to customers in "
made = []
for title in [LONG + "eu-west-1", LONG + "us-east-1", "DB: down", "DB down"]:
    code, out, err = run("new", "incident", title, "-C", SLUG, "--now", NOW)
    check(code == 0, f"new incident {title!r} exits 0: {err}")
    m = re.search(r"postmortems/(2026-11-20-[a-z0-9-]+)\.yaml", out)
    made.append(m.group(1) if m else "")
check(made[1] == made[0] + "-2" and made[3] == made[2] + "-2",
      f"a second incident whose title slugs alike gets the next suffix: {made}")
for slug in made[1::2]:
    if slug:
        text = read(os.path.join(SLUG, "postmortems", slug + ".yaml"))
        check(f'channel: "#inc-{slug}"' in text, f"and its channel the same suffix: {slug}")
code, out, err = run("new", "incident", "DB down", "-C", SLUG, "--now", NOW)
check(code == 1 and "already exists" in err, f"the same title again is refused: {code} {err}")
clean_check(SLUG, "incidents whose titles slug alike")

# ---- ids the repository already has ----------------------------------------------------------
# An id defined in another file (here under another name, and in a Markdown document) is refused
# before anything is written: the new document would fail check with duplicate-id.
DUP = os.path.join(TMP, "dup")
run("init", DUP, "--now", NOW)
with open(os.path.join(DUP, "slis", "web-vitals.yaml"), "w", encoding="utf-8") as f:
    f.write("sli:\n  name: page-load-lcp\n  type: latency\n")
with open(os.path.join(DUP, "policies", "strict.md"), "w", encoding="utf-8") as f:
    f.write("---\nerror_budget_policy:\n  id: strict-policy\n  service: example-api\n"
            "  budget_states:\n    healthy:\n      condition: \"remaining_budget > 50%\"\n"
            "      actions: [\"Deploy as usual\"]\n    exhausted:\n"
            "      condition: \"remaining_budget <= 50%\"\n      actions: [\"Freeze\"]\n"
            "---\n\nWhy this policy.\n")
clean_check(DUP, "a repository with ids in other files")
before = snapshot(DUP)
for args, where in [(["sli", "page-load-lcp"], "slis/web-vitals.yaml:2:9"),
                    (["policy", "strict-policy"], "policies/strict.md:3:7")]:
    code, out, err = run("new", *args, "-C", DUP, "--now", NOW)
    check(code == 1 and f"'{args[1]}' is already defined at {where}" in err and
          "nothing was written" in err, f"new {' '.join(args)}: a taken id is exit 1 naming {where}: "
          f"{code} {err}")
check(snapshot(DUP) == before, "a refused new writes nothing")
clean_check(DUP, "after the refused new")

# ---- init --title on one line in comments ----------------------------------------------------
# A newline in the title must not end the header comment and add a key to nines.yaml.
EVIL = os.path.join(TMP, "evil-title")
title = "Acme\nbase_url: https://evil.example/\r\u2028x"
code, out, err = run("init", EVIL, "--now", NOW, "--title", title)
check(code == 0, f"init with a multi-line title exits 0: {err}")
conf = read(os.path.join(EVIL, "nines.yaml"))
check(not any(l.startswith("base_url: https://evil") for l in conf.splitlines()),
      f"the title adds no key to nines.yaml: {conf[:300]}")
check(conf.splitlines()[0].startswith("# Acme base_url: https://evil.example/"),
      f"the header comment shows the title on one line: {conf.splitlines()[0]!r}")
check(read(os.path.join(EVIL, "README.md")).splitlines()[0].startswith("# Acme base_url:"),
      "the README heading shows the title on one line")
clean_check(EVIL, "init with a multi-line title")
code, out, err = run("build", EVIL, "--now", NOW, "--offline")
check(code == 0, f"init with a multi-line title builds: {err}")
check("title: " + __import__("json").dumps(title, ensure_ascii=False) in conf,
      "the title: value keeps the exact title, quoted")

# ---- init --title that is not UTF-8 -----------------------------------------------------------
# The nines.yaml it would write could not be read, so nothing is written and it is a usage error.
BAD = os.path.join(TMP, "bad-title")
code, out, err = run("init", BAD, "--now", NOW, "--title", "Bad \udcff title")
check(code == 2 and "--title is not UTF-8 text" in err and "nothing was written" in err,
      f"init with a title that is not UTF-8 is exit 2: {code} {err}")
check(not os.path.exists(BAD), "a refused init creates nothing")
# Without --title the folder's name is the title; one that is not UTF-8 gives a plain title.
ODD = os.path.join(TMP, "odd-\udcfe-name")
code, out, err = run("init", ODD, "--now", NOW)
check(code == 0, f"init into a folder whose name is not UTF-8 exits 0: {err}")
check("title: Reliability" in read(os.path.join(ODD, "nines.yaml")) or
      'title: "Reliability"' in read(os.path.join(ODD, "nines.yaml")),
      "a folder name that is not UTF-8 gives the title Reliability")
clean_check(ODD, "init into a folder whose name is not UTF-8")

# ---- init: what is in the way, and a write that fails half-way ----------------------------------
def tree(root):
    """Every folder and file under root (root included), files with their bytes."""
    if not os.path.lexists(root):
        return None
    if not os.path.isdir(root):
        return read(root)
    out = {".": "folder"}
    for d, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(d, name), root)] = "folder"
        for name in files:
            p = os.path.join(d, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# Everything in the way is found before anything is written and reported together, each with
# its path and what to do: exit 3 (a file that cannot be written), nothing written, no raw
# filesystem message.
CONF = os.path.join(TMP, "conflicts")
write(os.path.join(CONF, "slos"), "not a folder\n")
os.makedirs(os.path.join(CONF, "README.md"))
write(os.path.join(CONF, "runbooks", "example-api"), "not a folder either\n")
before = tree(CONF)
code, out, err = run("init", CONF, "--now", NOW)
check(code == 3, f"init with paths in the way exits 3: {code} {out}{err}")
for want in [f"remove or rename {CONF}/slos, which is a file; init makes a folder there",
             f"remove or rename {CONF}/runbooks/example-api, which is a file; init makes a folder "
             "there",
             f"remove or rename {CONF}/README.md, which is a folder; init writes a file there",
             "nothing was written"]:
    check(want in err, f"init names every path in its way: '{want}' in {err}")
check("filesystem error" not in err and "internal error" not in err and out == "",
      f"and says nothing raw: {out}{err}")
check(tree(CONF) == before, "and writes nothing, not even a folder")
# Once they are out of the way, the same command writes the whole repository, which checks.
os.remove(os.path.join(CONF, "slos"))
os.rmdir(os.path.join(CONF, "README.md"))
os.remove(os.path.join(CONF, "runbooks", "example-api"))
code, out, err = run("init", CONF, "--now", NOW)
check(code == 0 and "0 kept" in out, f"init after the paths are cleared exits 0: {code} {out}{err}")
clean_check(CONF, "init after the paths in its way were cleared")

# A file where DIR or a folder above it goes: a path that cannot be written for root either.
PLAIN = os.path.join(TMP, "plain-file")
write(PLAIN, "mine\n")
for target in [PLAIN, os.path.join(PLAIN, "sub", "repo")]:
    code, out, err = run("init", target, "--now", NOW)
    check(code == 3 and f"remove or rename {PLAIN}, which is a file; init makes a folder there"
          in err and "nothing was written" in err and "filesystem error" not in err,
          f"init {target}: a file in the way of DIR is exit 3 naming it: {code} {err}")
    check(tree(PLAIN) == "mine\n", f"init {target} leaves the file as it was")

# A folder that takes nothing is found before anything is written too. Root writes anywhere, so
# this part needs another user.
if os.geteuid() == 0:
    print("skip: unwritable folders (running as root, which permissions do not stop; the "
          "write that fails half-way is tested below with a file size limit instead)")
else:
    LOCKED = os.path.join(TMP, "locked")
    os.makedirs(os.path.join(LOCKED, "slos"))
    os.chmod(os.path.join(LOCKED, "slos"), 0o555)
    before = tree(LOCKED)
    code, out, err = run("init", LOCKED, "--now", NOW)
    check(code == 3 and f"cannot write into {LOCKED}/slos: Permission denied" in err and
          "nothing was written" in err, f"an unwritable folder is exit 3 naming it: {code} {err}")
    check(tree(LOCKED) == before, "and nothing is written")
    os.chmod(os.path.join(LOCKED, "slos"), 0o755)

# A write that fails half-way (here: a file size limit, which stops root as well as a full disk
# would) takes back exactly what the run had made, says which file and why, and the next run,
# once the cause is gone, completes. The limit lets the first files through and stops a later,
# larger one.
REF = os.path.join(TMP, "reference")
code, out, err = run("init", REF, "--now", NOW, "--title", "Half")
order = [line.split(" ", 1)[1].strip() for line in out.splitlines() if line.startswith("created ")]
sizes = [os.path.getsize(p) for p in order]
stop = next((i for i in range(1, len(sizes)) if sizes[i] > max(sizes[:i])), None)
check(code == 0 and stop is not None, f"a reference init to size the limit: {code} {err}")
if stop is not None:
    limit = max(sizes[:stop])
    failing = os.path.relpath(order[stop], REF)

    def limited(*args):
        def cap():
            import resource
            import signal
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace",
                           env=ENV, timeout=120, preexec_fn=cap)
        return p.returncode, p.stdout, p.stderr

    # Into a folder that does not exist yet, two levels down: every folder made goes again.
    NEWDIR = os.path.join(TMP, "half-new", "deeper", "repo")
    code, out, err = limited("init", NEWDIR, "--now", NOW, "--title", "Half")
    check(code == 3 and f"cannot write {os.path.join(NEWDIR, failing)}: File too large" in err,
          f"a write that fails half-way is exit 3 naming the file and the reason: {code} {err}")
    check("removed what this run had made" in err and "filesystem error" not in err and
          "created" not in out, f"and says what it took back: {out}{err}")
    check(not os.path.exists(os.path.join(TMP, "half-new")),
          "the folders it made, and the files, are gone")
    # Into a folder with the user's files: they and their folders stay exactly as they were.
    OWN = os.path.join(TMP, "half-own")
    write(os.path.join(OWN, "notes.txt"), "ours\n")
    write(os.path.join(OWN, "services", "ours.yaml"), "# ours\n")
    os.makedirs(os.path.join(OWN, "slos"))
    before = tree(OWN)
    code, out, err = limited("init", OWN, "--now", NOW, "--title", "Half")
    check(code == 3 and f"cannot write {os.path.join(OWN, failing)}: File too large" in err,
          f"half-way in a folder of the user's: exit 3: {code} {err}")
    check(tree(OWN) == before, "only what the failed run made is removed")
    # The cause gone, init completes and the repository checks.
    code, out, err = run("init", NEWDIR, "--now", NOW, "--title", "Half")
    check(code == 0 and tree(NEWDIR) == tree(REF), f"the next init completes: {code} {out}{err}")
    clean_check(NEWDIR, "init after a failed one")
    code, out, err = run("init", OWN, "--now", NOW, "--title", "Half")
    check(code == 0 and read(os.path.join(OWN, "notes.txt")) == "ours\n" and
          read(os.path.join(OWN, "services", "ours.yaml")) == "# ours\n",
          f"the next init in the user's folder completes and keeps their files: {code} {err}")

# An init cut short before (killed, the machine down) left some of its files, nines.yaml among
# them, each exactly as init writes it: the next init completes the repository rather than take
# it for the user's own (which would get the workflows only).
PART = os.path.join(TMP, "interrupted")
ref_files = sorted(k for k, v in tree(REF).items() if v != "folder")
copied = [rel for i, rel in enumerate(ref_files) if i % 2 == 0 or rel == "nines.yaml"]
for rel in copied:
    os.makedirs(os.path.dirname(os.path.join(PART, rel)), exist_ok=True)
    shutil.copy2(os.path.join(REF, rel), os.path.join(PART, rel))
code, out, err = run("init", PART, "--now", NOW, "--title", "Half")
check(code == 0 and "completed the repository an earlier init left unfinished" in out and
      f"{len(ref_files) - len(copied)} files created, {len(copied)} kept" in out,
      f"init completes an interrupted init: {code} {out}{err}")
check(tree(PART) == tree(REF), "into exactly the repository one init writes")
clean_check(PART, "a completed interrupted init")
# Once complete, another init finds nothing missing and says so, not that it completed anything.
code, out, err = run("init", PART, "--now", NOW, "--title", "Half")
check(code == 0 and "completed the repository" not in out and "nothing to do" in out and
      f"0 files created, {len(ref_files)} kept" in out and tree(PART) == tree(REF),
      f"init of a finished repository: {code} {out}{err}")

# A plain init, DIR given with a trailing slash, still writes a repository that checks.
code, out, err = run("init", os.path.join(TMP, "plain-init") + "/", "--now", NOW)
check(code == 0 and "0 kept" in out and "nothing was written" not in err,
      f"a plain init exits 0: {code} {out}{err}")
clean_check(os.path.join(TMP, "plain-init"), "a plain init")

shutil.rmtree(TMP, ignore_errors=True)
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
