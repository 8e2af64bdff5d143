#!/usr/bin/env python3
"""End-to-end tests of `nines check`: output formats, exit codes, and hostile input.

Runs the real binary. Usage: test_check.py NINES SOURCE_DIR
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

NINES, SRC = sys.argv[1], sys.argv[2]
FIXTURES = os.path.join(SRC, "tests", "fixtures", "invalid")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1795392000")
failures = []


def run(*args, cwd=None):
    p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace", env=ENV, cwd=cwd,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def test_exit_codes():
    code, out, _ = run("check", os.path.join(FIXTURES, "ref-slo-service"))
    check(code == 1, f"errors exit 1, got {code}")
    code, _, _ = run("check", os.path.join(FIXTURES, "ref-slo-service"), "--format", "xml")
    check(code == 2, f"bad --format exits 2, got {code}")
    code, _, _ = run("frobnicate")
    check(code == 2, f"unknown command exits 2, got {code}")
    # No repository (SPEC 2): a folder that is not there, or a file, is a usage error, like a
    # folder without nines.yaml.
    code, _, err = run("check", "/nonexistent/nines-repo")
    check(code == 2, f"missing folder exits 2, got {code}")
    check("'/nonexistent/nines-repo' does not exist" in err, "missing folder is explained")
    code, _, err = run("build", "--offline", os.path.join(FIXTURES, "ref-slo-service", "nines.yaml"))
    check(code == 2 and "is not a folder" in err, f"a file as DIR exits 2, got {code}: {err}")
    # As git -C: the options every command takes may come before the command.
    case = os.path.join(FIXTURES, "ref-slo-service")
    for args in (["-C", case, "check"], ["--timings", "-C", case, "check", "--format", "json"]):
        code, out, err = run(*args)
        check(code == 1, f"{args}: the same as check DIR, got {code}: {err[-300:]}")
    code, _, err = run("--timings", "check", case)
    check(code == 1 and "load" in err, f"--timings before the command: {code}")
    # Warnings alone pass, unless --strict.
    case = os.path.join(FIXTURES, "lint-rotation-size")
    code, _, _ = run("check", case)
    check(code == 0, f"warnings alone exit 0, got {code}")
    code, _, _ = run("check", case, "--strict")
    check(code == 1, f"warnings under --strict exit 1, got {code}")
    # A build that --strict stops on warnings says so: the summary alone reads like a success.
    out_dir = tempfile.mkdtemp(prefix="nines-strict-")
    repo = os.path.join(out_dir, "repo")
    shutil.copytree(case, repo)
    code, out, err = run("build", repo, "--offline", "--strict", "-o", os.path.join(out_dir, "site"))
    check(code == 1 and "--strict: warnings fail the build; the site was not written" in err and
          not out and not os.path.exists(os.path.join(out_dir, "site")),
          f"build --strict on warnings: exit 1 and says why ({code}): {err[-300:]}")
    shutil.rmtree(out_dir)


def as_unprivileged():
    """The command prefix that runs nines as a user permissions apply to: none when not root (they
    apply already); setpriv or runuser to nobody as root, who reads every folder; None when
    neither works."""
    if os.geteuid() != 0:
        return []
    for prefix in (["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
                   ["runuser", "-u", "nobody", "--"]):
        if shutil.which(prefix[0]):
            try:
                p = subprocess.run(prefix + ["true"], capture_output=True, timeout=30)
            except OSError:
                continue
            if p.returncode == 0:
                return prefix
    return None


def test_unreadable_repo():
    # SPEC 2: a repository folder (or nines.yaml) that exists but cannot be read is exit 3, for
    # every command, with what cannot be read; never "not a nines repository", and never the
    # made-up errors of a repository read as empty.
    prefix = as_unprivileged()
    if prefix is None:
        print("note: test_unreadable_repo skipped: cannot run as an unprivileged user")
        return
    tmp = tempfile.mkdtemp(prefix="nines-unreadable-")
    os.chmod(tmp, 0o755)
    base = os.path.join(FIXTURES, "lint-rotation-size")
    repos = {}
    try:
        for name, mode in (("r000", 0o000), ("r311", 0o311), ("r-config", None)):
            repo = os.path.join(tmp, name)
            shutil.copytree(base, repo)
            for d, dirs, files in os.walk(repo):
                os.chmod(d, 0o755)
                for f in files:
                    os.chmod(os.path.join(d, f), 0o644)
            repos[name] = repo
        os.chmod(os.path.join(repos["r-config"], "nines.yaml"), 0o000)
        os.chmod(repos["r000"], 0o000)
        os.chmod(repos["r311"], 0o311)

        def run_as(*args):
            p = subprocess.run(prefix + [os.path.abspath(NINES), *args], capture_output=True, text=True,
                               errors="replace", env=ENV, cwd=tmp, timeout=120)
            return p.returncode, p.stdout, p.stderr

        for name, shown in (("r000", "r000"), ("r311", "r311"), ("r-config", "nines.yaml")):
            for args in (["check", name], ["build", name, "--offline"], ["budget", "-C", name],
                         ["gate", "deploy", "pay-api", "-C", name], ["rules", name],
                         ["new", "sli", "x", "-C", name]):
                code, out, err = run_as(*args)
                check(code == 3 and shown in err and "cannot read" in err and
                      "not a nines repository" not in err and "unknown" not in out + err,
                      f"{' '.join(args)}: an unreadable repository is exit 3 naming {shown}, got "
                      f"{code}: {out[-200:]}{err[-300:]}")
        check(not os.path.exists(os.path.join(repos["r311"], "slis", "x.yaml")),
              "new writes nothing into an unreadable repository")
    finally:
        for repo in repos.values():
            if os.path.isdir(repo):
                os.chmod(repo, 0o755)
        shutil.rmtree(tmp, ignore_errors=True)


def test_unreadable_folder():
    # A folder that cannot be listed hides documents of any kind and id: its one file-unreadable
    # error, and no reference reported as dangling because of it (docs/checks.md). As nobody,
    # so that permissions apply; only as root, who can become nobody.
    if os.geteuid() != 0:
        print("note: test_unreadable_folder skipped: not root")
        return
    prefix = as_unprivileged()
    if not prefix:
        print("note: test_unreadable_folder skipped: cannot run as an unprivileged user")
        return
    tmp = tempfile.mkdtemp(prefix="nines-unreadable-folder-")
    repo = os.path.join(tmp, "content")
    try:
        os.chmod(tmp, 0o755)
        shutil.copytree(os.path.join(SRC, "content"), repo,
                        ignore=shutil.ignore_patterns(".nines", "site"))
        for d, dirs, files in os.walk(repo):
            os.chmod(d, 0o755)
            for f in files:
                os.chmod(os.path.join(d, f), 0o644)

        def findings():
            p = subprocess.run(prefix + [os.path.abspath(NINES), "check", repo, "--format", "json"],
                               capture_output=True, text=True, errors="replace", env=ENV,
                               timeout=120)
            return p.returncode, json.loads(p.stdout) if p.stdout.startswith("[") else p.stderr

        code, clean = findings()
        check(code in (0, 1) and isinstance(clean, list), f"content as nobody: {code} {clean}")
        for folder in ("services", "runbooks"):
            os.chmod(os.path.join(repo, folder), 0)
            code, found = findings()
            os.chmod(os.path.join(repo, folder), 0o755)
            errors = [d for d in found if d["severity"] == "error"] if isinstance(found, list) else []
            check(code == 1 and len(errors) == 1 and errors[0]["rule"] == "file-unreadable" and
                  errors[0]["file"] == folder,
                  f"{folder} unreadable: one file-unreadable error, got {code}: "
                  f"{[(d['file'], d['rule'], d['message']) for d in errors[:5]]} {found if not errors else ''}")

        # OpenSLO references across files (an SLO's alertPolicyRef) are references too: the
        # policy's folder cannot be read, so the reference is not reported as dangling.
        dialect = os.path.join(tmp, "openslo")
        shutil.copytree(os.path.join(SRC, "tests", "fixtures", "dialects", "openslo-alerting"), dialect)
        os.makedirs(os.path.join(dialect, "alerting"))
        shutil.move(os.path.join(dialect, "openslo", "alerting.yaml"),
                    os.path.join(dialect, "alerting", "alerting.yaml"))
        for d, dirs, files in os.walk(dialect):
            os.chmod(d, 0o755)
            for f in files:
                os.chmod(os.path.join(d, f), 0o644)
        repo = dialect
        code, clean = findings()
        check(code == 0, f"the OpenSLO repository checks clean as nobody: {code} {clean}")
        os.chmod(os.path.join(dialect, "alerting"), 0)
        code, found = findings()
        os.chmod(os.path.join(dialect, "alerting"), 0o755)
        errors = [d for d in found if d["severity"] == "error"] if isinstance(found, list) else []
        check(code == 1 and [d["rule"] for d in errors] == ["file-unreadable"],
              f"alerting unreadable: one file-unreadable error, got {code}: "
              f"{[(d['file'], d['rule'], d['message']) for d in errors[:5]]}")
    finally:
        for d, dirs, files in os.walk(tmp):
            os.chmod(d, 0o755)
        shutil.rmtree(tmp, ignore_errors=True)


def test_json():
    code, out, _ = run("check", os.path.join(FIXTURES, "ref-dependency"), "--format", "json")
    data = json.loads(out)
    check(isinstance(data, list) and len(data) == 2, "json is an array of 2 diagnostics")
    for d in data:
        check(set(["file", "line", "column", "severity", "rule", "message"]) <= set(d),
              f"json fields present: {d}")
    check(data[0]["file"] == "services/pay-api.yaml" and data[0]["line"] == 8
          and data[0]["column"] == 16, f"json location: {data[0]}")
    check(data[0]["rule"] == "unknown-reference" and data[0]["severity"] == "error", "json rule")
    check("did you mean 'ledger'" in data[0]["message"], "json message has the suggestion")


def test_jobs():
    """--jobs sets the loader's threads; the findings and their order do not depend on it, on the
    example repository and on every invalid fixture."""
    repos = [os.path.join(SRC, "content")] + sorted(
        os.path.join(FIXTURES, d) for d in os.listdir(FIXTURES))
    for repo in repos:
        one = run("check", repo, "--format", "json", "--jobs", "1")
        three = run("check", repo, "--format", "json", "--jobs", "3")
        check(one[:2] == three[:2], f"check --jobs 1 and 3 agree on {os.path.relpath(repo, SRC)}")
    code, _, err = run("check", os.path.join(SRC, "content"), "--jobs", "1025")
    check(code == 2 and "--jobs" in err, f"--jobs 1025 is a usage error: {code} {err}")


def test_sarif():
    code, out, _ = run("check", os.path.join(FIXTURES, "ref-dependency"), "--format", "sarif")
    s = json.loads(out)
    check(s.get("version") == "2.1.0", "sarif version 2.1.0")
    check("$schema" in s, "sarif $schema")
    runs = s.get("runs", [])
    check(len(runs) == 1, "one sarif run")
    driver = runs[0]["tool"]["driver"]
    check(driver["name"] == "nines", "driver name")
    rule_ids = [r["id"] for r in driver["rules"]]
    check("unknown-reference" in rule_ids, "rules table lists unknown-reference")
    # docs/checks.md: every rule of its table is listed.
    with open(os.path.join(SRC, "docs", "checks.md"), encoding="utf-8") as f:
        documented = re.findall(r"^\| `([a-z0-9-]+)` \| (?:error|warning) \|", f.read(), re.M)
    check(len(documented) > 40 and not set(documented) - set(rule_ids),
          f"every rule of docs/checks.md is in the SARIF rules: {set(documented) - set(rule_ids)}")
    for r in driver["rules"]:
        check("text" in r.get("shortDescription", {}), f"rule {r['id']} has a description")
    results = runs[0]["results"]
    check(len(results) == 2, "two sarif results")
    for r in results:
        check(r["ruleId"] in rule_ids, f"result rule {r['ruleId']} is in the table")
        check(driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"], "ruleIndex points at the rule")
        check(r["level"] in ("error", "warning", "note"), "result level")
        check(r["message"]["text"], "result message text")
        loc = r["locations"][0]["physicalLocation"]
        check(loc["artifactLocation"]["uri"] == "services/pay-api.yaml", "artifact uri")
        check(loc["region"]["startLine"] == 8 and loc["region"]["startColumn"] >= 1, "region")
    # The uri is a URI reference: a path with a space and a % is percent-encoded.
    tmp = tempfile.mkdtemp(prefix="nines-sarif-")
    try:
        repo = os.path.join(tmp, "repo")
        shutil.copytree(os.path.join(FIXTURES, "ref-dependency"), repo)
        os.makedirs(os.path.join(repo, "my dir"))
        os.rename(os.path.join(repo, "services", "pay-api.yaml"),
                  os.path.join(repo, "my dir", "pay api%.yaml"))
        code, out, _ = run("check", repo, "--format", "sarif")
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(out)["runs"][0]["results"]}
        check(uris == {"my%20dir/pay%20api%25.yaml"}, f"percent-encoded uri: {uris}")
    finally:
        shutil.rmtree(tmp)


def test_github():
    code, out, _ = run("check", os.path.join(FIXTURES, "ref-dependency"), "--format", "github")
    lines = [l for l in out.splitlines() if l.startswith("::")]
    check(len(lines) == 2, "two annotations")
    check(lines[0].startswith("::error file=services/pay-api.yaml,line=8,col=16,title=unknown-reference::"),
          f"annotation form: {lines[0]}")


def test_columns_in_characters():
    """Columns count code points in every format; SARIF declares it (SARIF's default is UTF-16)."""
    case = os.path.join(FIXTURES, "columns-count-characters")
    with open(os.path.join(case, "services", "ledger.yaml"), encoding="utf-8") as f:
        want = f.readline().index("importnt") + 1
    check(want == 71, f"the fixture's value is at character 71, got {want}")
    _, out, _ = run("check", case)
    check(f"services/ledger.yaml:1:{want}: error:" in out, f"text column {want}: {out}")
    _, out, _ = run("check", case, "--format", "json")
    cols = {d["file"]: d["column"] for d in json.loads(out)}
    check(cols.get("services/ledger.yaml") == want, f"json column: {cols}")
    check(cols.get("metrics/pay-api.csv") == 24, f"json column after a quoted CSV cell: {cols}")
    _, out, _ = run("check", case, "--format", "github")
    check(f"file=services/ledger.yaml,line=1,col={want}," in out, f"github col: {out}")
    _, out, _ = run("check", case, "--format", "sarif")
    sarif_run = json.loads(out)["runs"][0]
    check(sarif_run.get("columnKind") == "unicodeCodePoints", f"sarif columnKind: {sarif_run.get('columnKind')}")
    cols = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
            r["locations"][0]["physicalLocation"]["region"]["startColumn"] for r in sarif_run["results"]}
    check(cols.get("services/ledger.yaml") == want, f"sarif startColumn: {cols}")


def test_cap_counts_everything():
    """Beyond 1,000 findings the rest are not printed, but counted, and every format says so."""
    tmp = tempfile.mkdtemp(prefix="nines-cap-")
    try:
        repo = os.path.join(tmp, "repo")
        shutil.copytree(os.path.join(FIXTURES, "lint-action-item"), repo)
        path = os.path.join(repo, "postmortems", "2026-11-02-ledger-lag.yaml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # 550 items without owner or deadline: 1,100 warnings.
        text += "".join(f"    - id: AI-{n:04d}\n      description: Item {n}\n      status: open\n"
                        for n in range(2, 551))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        code, out, _ = run("check", repo)
        check(code == 0, f"warnings alone exit 0, got {code}")
        check("(100 more not shown: the first 1000 are listed)\n0 errors, 1100 warnings\n" in out,
              f"text counts every warning: {out[-200:]}")
        code, _, _ = run("check", repo, "--strict")
        check(code == 1, f"--strict fails on the warnings, got {code}")
        code, out, err = run("check", repo, "--format", "json")
        data = json.loads(out)
        check(isinstance(data, list) and len(data) == 1000, f"json: an array of the 1000 shown, got {len(data)}")
        check("100 more not shown" in err and "1100 warnings" in err, f"json's note on stderr: {err}")
        _, out, _ = run("check", repo, "--format", "github")
        last = out.splitlines()[-1]
        check(last.startswith("::notice ") and "100 more not shown" in last and "1100 warnings" in last,
              f"github ends with a notice: {last}")
        _, out, _ = run("check", repo, "--format", "sarif")
        sarif_run = json.loads(out)["runs"][0]
        check(len(sarif_run["results"]) == 1000, "sarif: the 1000 shown")
        check(sarif_run.get("properties", {}).get("notShown") == 100
              and sarif_run["properties"].get("warnings") == 1100, f"sarif properties: {sarif_run.get('properties')}")
        notes = sarif_run.get("invocations", [{}])[0].get("toolExecutionNotifications", [])
        check(notes and "100 more not shown" in notes[0]["message"]["text"], f"sarif notification: {notes}")
    finally:
        shutil.rmtree(tmp)


def test_hostile_input():
    tmp = tempfile.mkdtemp(prefix="nines-hostile-")
    try:
        shutil.copytree(os.path.join(SRC, "tests", "fixtures", "invalid", "ref-slo-service"),
                        os.path.join(tmp, "repo"))
        repo = os.path.join(tmp, "repo")
        with open(os.path.join(repo, "binary.yaml"), "wb") as f:
            f.write(bytes(range(256)) * 4)
        with open(os.path.join(repo, "empty.yaml"), "w") as f:
            f.write("")
        with open(os.path.join(repo, "long.yaml"), "w") as f:
            f.write("service:\n  name: " + "a" * 200000 + "\n")
        with open(os.path.join(repo, "utf8.md"), "wb") as f:
            f.write(b"---\nrunbook:\n  title: \xff\xfe bad\n  alert_name: x\n---\n\xc3\x28\n")
        with open(os.path.join(repo, "anchors.yaml"), "w") as f:
            f.write("service: &s\n  name: loop\n  tier: *s\n")
        code, out, err = run("check", repo)
        check(code in (0, 1), f"hostile files give diagnostics, not a crash (exit {code}, {err})")
    finally:
        shutil.rmtree(tmp)


def test_mutation_fuzz():
    """Random byte-level mutations of the example content never crash the checker."""
    rng = random.Random(20261123)
    base = os.path.join(SRC, "content")
    files = []
    for d, _, names in os.walk(base):
        for n in names:
            if n.endswith((".yaml", ".yml", ".md", ".csv")):
                files.append(os.path.join(d, n))
    files.sort()
    tmp = tempfile.mkdtemp(prefix="nines-fuzz-")
    try:
        repo = os.path.join(tmp, "repo")
        shutil.copytree(base, repo)
        for i in range(60):
            src = rng.choice(files)
            rel = os.path.relpath(src, base)
            data = bytearray(open(src, "rb").read())
            for _ in range(rng.randint(1, 8)):
                if not data:
                    break
                pos = rng.randrange(len(data))
                op = rng.randrange(4)
                if op == 0:
                    data[pos] = rng.randrange(256)
                elif op == 1:
                    del data[pos:pos + rng.randint(1, 40)]
                elif op == 2:
                    data[pos:pos] = rng.choice([b":", b"- ", b"\t", b"&a ", b"*a", b"[", b"{", b"\n  ", b"'", b"---\n"])
                else:
                    data[pos:pos] = data[rng.randrange(len(data)):][:30]
            target = os.path.join(repo, rel)
            with open(target, "wb") as f:
                f.write(data)
            code, out, err = run("check", repo)
            check(code in (0, 1), f"mutation {i} of {rel}: exit {code} {err[:200]}")
            with open(target, "wb") as f:
                f.write(open(src, "rb").read())
    finally:
        shutil.rmtree(tmp)


def test_other_tools_files():
    """A Helm chart and an mkdocs.yml with a key written twice are other tools' files: check and
    build pass, and check --verbose lists them as skipped (SPEC 1.1)."""
    tmp = tempfile.mkdtemp(prefix="nines-foreign-")
    try:
        repo = os.path.join(tmp, "repo")
        shutil.copytree(os.path.join(FIXTURES, "helm-chart-skipped"), repo)
        os.remove(os.path.join(repo, "args"))
        for f in ("expected.txt", "exit"):
            os.remove(os.path.join(repo, f))
        with open(os.path.join(repo, "mkdocs.yml"), "w") as f:
            f.write("site_name: Docs\nmarkdown_extensions:\n  - abbr\nmarkdown_extensions:\n  - toc\n")
        code, out, err = run("check", repo, "--verbose")
        check(code == 0, f"a chart and a foreign duplicate key pass check ({code}): {out[-500:]} {err[-300:]}")
        chart = ["deploy/ledger/Chart.yaml", "deploy/ledger/charts/db/Chart.yaml",
                 "deploy/ledger/charts/db/templates/statefulset.yaml", "deploy/ledger/ci/port-values.yaml",
                 "deploy/ledger/templates/deployment.yaml", "deploy/ledger/values.yaml"]
        listed = [line[len("  skipped "):] for line in out.splitlines() if line.startswith("  skipped ")]
        # Each chart file names its chart (the outer one: a subchart is part of it).
        check(listed == [f + " (in the Helm chart deploy/ledger)" for f in chart] + ["mkdocs.yml"],
              f"the chart's files and mkdocs.yml are listed skipped, with the reason: {listed}")
        check("7 files skipped: neither a nines document nor a known dialect, 6 of them in Helm charts"
              in out, f"skipped files counted: {out[-300:]}")
        os.remove(os.path.join(repo, "mkdocs.yml"))
        code, out, err = run("check", repo)
        check("6 files skipped: in Helm charts (--verbose lists them)" in out,
              f"only a chart's files: the summary says so: {out[-300:]}")
        code, out, err = run("build", repo, "--offline", "-o", os.path.join(tmp, "site"))
        check(code == 0, f"a chart and a foreign duplicate key pass build ({code}): {err[-500:]}")
        # The chart's template outside a chart is another tool's file that does not parse and names
        # no kind: skipped and counted, not an error. (Its values file, whose one key is
        # `service:`, is a service document by SPEC 1.2's letter, and its errors are its own.)
        os.remove(os.path.join(repo, "deploy", "ledger", "Chart.yaml"))
        code, out, err = run("check", repo, "--verbose")
        check("deploy/ledger/templates/deployment.yaml" not in out.replace(
                  "skipped deploy/ledger/templates/deployment.yaml", "")
              and "skipped deploy/ledger/templates/deployment.yaml" in out,
              f"without Chart.yaml the template is skipped, not an error ({code}): {out[-800:]}")
        # A template that names a kind at column 1 is a nines document gone wrong: its error
        # stays, with the hint to leave a template out.
        with open(os.path.join(repo, "deploy", "ledger", "templates", "svc.yaml"), "w") as f:
            f.write("service:\n  name: ledger\n  labels:\n"
                    "    {{- include \"ledger.labels\" . | nindent 4 }}\n")
        code, out, err = run("check", repo)
        check(code == 1 and "deploy/ledger/templates/svc.yaml:4:7: error: invalid YAML" in out
              and "the file holds {{ }}: if it is a template (Helm, Jinja)" in out,
              f"a template over a kind is an error with the exclude hint ({code}): {out[-800:]}")
    finally:
        shutil.rmtree(tmp)


def test_failures_hold_back_runbook_findings_only_when_they_could_be_runbooks():
    """An alert without a runbook is reported beside an unrelated error (an SLO's bad window),
    so a pull request sees both at once; a runbook file that fails to parse holds it back, since
    the runbook may be that one."""
    tmp = tempfile.mkdtemp(prefix="nines-holdback-")
    try:
        repo = os.path.join(tmp, "repo")
        os.makedirs(os.path.join(repo, "alerts"))
        os.makedirs(os.path.join(repo, "slos"))
        os.makedirs(os.path.join(repo, "runbooks"))
        with open(os.path.join(repo, "nines.yaml"), "w") as f:
            f.write("title: t\n")
        with open(os.path.join(repo, "alerts", "pay.rules.yaml"), "w") as f:
            f.write("groups:\n  - name: pay\n    rules:\n      - alert: PayDown\n"
                    "        expr: up == 0\n")
        with open(os.path.join(repo, "slos", "bad.yaml"), "w") as f:
            f.write("slo:\n  id: bad\n  target: 99.9\n  window: 1.5h\n")
        code, out, _ = run("check", repo)
        check(code == 1 and "alerts/pay.rules.yaml:4:16: error:" in out and "[alert-runbook]" in out
              and "slos/bad.yaml" in out,
              f"an unrelated failure does not hide the alert-runbook error ({code}): {out[-800:]}")
        with open(os.path.join(repo, "runbooks", "pay-down.yaml"), "w") as f:
            f.write("runbook:\n  alert_name: PayDown\n  title: [unclosed\n")
        code, out, _ = run("check", repo)
        check(code == 1 and "runbooks/pay-down.yaml" in out and "[alert-runbook]" not in out,
              f"a runbook file that failed holds the finding back ({code}): {out[-800:]}")
    finally:
        shutil.rmtree(tmp)


def repo_with_docs(tmp):
    """A repository of the ref-slo-service fixture (without its expectations) and a docs/ folder."""
    repo = os.path.join(tmp, "repo")
    shutil.copytree(os.path.join(FIXTURES, "ref-slo-service"), repo)
    for f in ("expected.txt", "exit", "args"):
        if os.path.exists(os.path.join(repo, f)):
            os.remove(os.path.join(repo, f))
    os.makedirs(os.path.join(repo, "docs"), exist_ok=True)
    return repo


def test_markdown_reference_amplification():
    """One 10 KB link reference used 13,000 times in a runbook (124 MiB of copies) is refused by
    check and build at its definition, in little memory; no site is written."""
    tmp = tempfile.mkdtemp(prefix="nines-amp-")
    try:
        repo = repo_with_docs(tmp)
        body = "# Amp\n\n" + "[x][a] " * 13000 + "\n\n[a]: http://x/" + "A" * 10000 + ' "t"\n'
        with open(os.path.join(repo, "docs", "amp.md"), "w") as f:
            f.write("---\nrunbook:\n  title: Amp\n  alert_name: AmpAlert\n"
                    "  last_updated: 2026-10-01\n  owner: x\n---\n" + body)
        code, out, _ = run("check", repo)
        check(code == 1 and "docs/amp.md:12:1: error:" in out and "[markdown-too-large]" in out,
              f"reference amplification refused at the definition ({code}): {out[-600:]}")
        site = os.path.join(tmp, "site")
        code, _, err = run("build", repo, "--offline", "-o", site)
        check(code == 1 and not os.path.exists(site) and "[markdown-too-large]" in err + _,
              f"build refuses it and writes nothing ({code}): {err[-400:]}")
    finally:
        shutil.rmtree(tmp)


def test_markdown_too_dense():
    """A 6 MB runbook of one-word list items (1.5 GB and an abort inside cmark-gfm when memory is
    short, before) is refused by check and build at its body's first line, under a 1 GB memory
    limit, with no site written; 3 MB of prose and 1.3 MB of logs in a fenced code block build."""
    tmp = tempfile.mkdtemp(prefix="nines-dense-")
    try:
        repo = repo_with_docs(tmp)
        front = ("---\nrunbook:\n  title: {t}\n  alert_name: {t}Alert\n"
                 "  last_updated: 2026-10-01\n  owner: x\n---\n")
        with open(os.path.join(repo, "docs", "dense.md"), "w") as f:
            f.write(front.format(t="Dense") + "- x\n" * 1_500_000)

        def limited():
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

        def run_limited(*args):
            p = subprocess.run([NINES, *args], capture_output=True, text=True, errors="replace",
                               env=ENV, preexec_fn=limited)
            return p.returncode, p.stdout, p.stderr

        code, out, err = run_limited("check", repo)
        check(code == 1 and "docs/dense.md:8:1: error: it is too dense to render: 3000000 pieces"
              in out and "[markdown-too-large]" in out,
              f"a dense body is refused at its first line ({code}): {out[-600:]} {err[-300:]}")
        site = os.path.join(tmp, "site")
        code, out, err = run_limited("build", repo, "--offline", "-o", site)
        check(code == 1 and not os.path.exists(site) and "[markdown-too-large]" in err + out,
              f"build refuses it, writes nothing and does not abort ({code}): {err[-400:]}")
        slo = os.path.join(repo, "slos", "pay-api.yaml")
        with open(slo) as f:
            fixed = f.read().replace("pay-ap\n", "pay-api\n")
        with open(slo, "w") as f:
            f.write(fixed)  # the fixture's own error, so that this build can pass
        with open(os.path.join(repo, "docs", "dense.md"), "w") as f:
            f.write(front.format(t="Dense") + "Plain words of a long postmortem, told at length.\n\n"
                    * 60_000 + "```\n" + "- [12:00:01] <error> *disk* full: retry #3\n" * 30_000
                    + "```\n")
        code, out, err = run_limited("build", repo, "--offline", "-o", site)
        check(code == 0 and os.path.exists(os.path.join(site, "index.html")),
              f"long prose and fenced logs build ({code}): {err[-400:]}")
    finally:
        shutil.rmtree(tmp)


for t in [test_exit_codes, test_unreadable_repo, test_unreadable_folder, test_json, test_jobs, test_sarif, test_github, test_columns_in_characters,
          test_cap_counts_everything, test_hostile_input, test_mutation_fuzz, test_other_tools_files,
          test_failures_hold_back_runbook_findings_only_when_they_could_be_runbooks,
          test_markdown_reference_amplification, test_markdown_too_dense]:
    t()
print(f"{len(failures)} failed" if failures else "all end-to-end checks passed")
sys.exit(1 if failures else 0)
