#!/usr/bin/env python3
"""End-to-end: what `nines new` scaffolds is not maturity evidence until someone fills it in.

A blank assessment overrides no score (its eight scores are ""), a blank capacity model is a
model without a forecast or a review (its figures are ""; no runway), blank chaos experiments have
not run (no results.outcome), and a draft incident's empty ICS roles record no role. Each
scaffold passes `check` as it stands. Review dates after now are not reviews either, and are
reported (docs/scoring.md, docs/checks.md).

Usage: test_scaffolds.py NINES
"""
import json
import os
import shutil
import sys
import tempfile

from support import Checks, run, write

check = Checks()
NOW = "2026-11-01T00:00:00Z"


def main():
    nines = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="nines-scaffolds-")
    try:
        root = os.path.join(tmp, "repo")
        write(os.path.join(root, "nines.yaml"), "teams:\n  t1: {name: T1, members: 5}\n")

        def nines_run(*args):
            return run(nines, *args, "-C", root, "--now", NOW)

        def score():
            code, out, err = nines_run("score", "s", "--json")
            check(code == 0, f"score: {code} {err}")
            return {d["dimension"]: d for d in json.loads(out)["dimensions"]}

        def clean(what):
            code, out, err = nines_run("check")
            check(code == 0 and "0 errors, 0 warnings" in out + err,
                  f"check is clean after {what}: {code} {out}{err}")

        code, out, err = nines_run("new", "service", "s")
        check(code == 0, f"new service: {out}{err}")
        clean("new service")
        base = score()
        # Figures nobody has given yet are "", not 0: the API has no load, storage or cost.
        code, out, err = nines_run("build", "--offline", "-o", os.path.join(tmp, "site"))
        check(code == 0, f"build: {code} {err}")
        services = json.load(open(os.path.join(tmp, "site", "api", "services.json")))
        svc = [x for x in services if x["id"] == "s"][0] if isinstance(services, list) else {}
        check(all(svc.get(k) in (None, "") for k in ("peak_rps", "storage_gb", "monthly_cost_usd")),
              f"a blank service has no load, storage or cost figures: {svc}")
        code, out, err = nines_run("new", "toil", "chore", "--service", "s")
        check(code == 0, f"new toil: {out}{err}")
        clean("new toil")
        text = open(os.path.join(root, "toil", "chore.yaml")).read()
        check(all(f'  {k}: ""' in text for k in ("total_hours_per_month", "automation_value",
                                                  "priority_score")),
              f"a blank toil item's optional figures are not given: {text}")
        os.remove(os.path.join(root, "toil", "chore.yaml"))

        nines_run("new", "capacity", "s")
        clean("new capacity")
        cap = score()["capacity_planning"]
        check(cap["computed"] == 2 and cap["evidence"] == ["capacity_model s"],
              f"a blank capacity model is a model, not a forecast or a review: {cap}")
        code, out, _ = nines_run("capacity", "s")
        check("runway              no data" in out and "no limit" not in out,
              f"a blank model's runway is unknown, not 'no limit': {out}")

        for name in ["x1", "x2"]:
            nines_run("new", "experiment", name, "--service", "s")
        clean("new experiment")
        chaos = score()["chaos_engineering"]
        check(chaos["computed"] == 1 and chaos["evidence"] == [] and
              "not counted until run" in chaos["to_raise"],
              f"experiments without results are not evidence: {chaos}")

        code, out, err = nines_run("new", "assessment", "s")
        check(code == 0, f"new assessment: {out}{err}")
        clean("new assessment")
        after = score()
        check(all(d["manual"] is None and d["source"] == "computed" for d in after.values()),
              f"a blank assessment overrides nothing: {after}")

        code, out, err = nines_run("new", "incident", "Boom", "--service", "s")
        check(code == 0, f"new incident: {out}{err}")
        pm = os.path.join(root, "postmortems", "2026-11-01-boom.yaml")
        text = open(pm).read()
        check('\n  summary: ""' in text and "incident_commander:" in text, text)
        open(pm, "w").write(text.replace('\n  summary: ""',
                                         '\n  detection:\n    how_detected: alert\n  summary: ""', 1))
        ir = score()["incident_response"]
        check(ir["computed"] == base["incident_response"]["computed"] == 1,
              f"empty ICS roles record no role: {ir}")

        # Fill the experiment in: it has run, so it counts; the same one dated next year not.
        exp = os.path.join(root, "chaos", "x1.yaml")
        text = open(exp).read()
        filled = (text.replace('  date: ""', "  date: 2026-10-20", 1)
                  .replace('  environment: ""', "  environment: production", 1)
                  .replace('    outcome: ""', "    outcome: confirmed", 1))
        open(exp, "w").write(filled)
        clean("a filled-in experiment")
        check(score()["chaos_engineering"]["computed"] == 4, "a production experiment that ran")
        open(exp, "w").write(filled.replace("date: 2026-10-20", "date: 2027-10-20"))
        check(score()["chaos_engineering"]["computed"] == 1, "a planned experiment is not evidence")

        # A review dated after now: not counted, and reported at the field.
        cap_file = os.path.join(root, "capacity", "s.yaml")
        text = open(cap_file).read()
        open(cap_file, "w").write(text.replace('  last_reviewed: ""', "  last_reviewed: 2027-10-20")
                                  .replace('    monthly_growth_pct: ""', "    monthly_growth_pct: 4"))
        code, out, err = nines_run("check")
        check("capacity/s.yaml:8:18: warning: last_reviewed 2027-10-20 is after now (2026-11-01)"
              in out + err and "[review-date-in-future]" in out + err,
              f"a future review date is a located warning: {out}{err}")
        cap = score()["capacity_planning"]
        check(cap["computed"] == 3, f"forecast yes, review no: {cap}")

        # A title `new` would write into a document that fails `check` is a usage error, with
        # nothing written: not UTF-8, or two lines (U+2028 ends a line to YAML 1.1 readers).
        before = sorted(os.listdir(os.path.join(root, "postmortems")))
        for kind, title in (("postmortem", b"Z\xfcrich outage"), ("incident", "Line\u2028sep")):
            code, out, err = run(nines, "new", kind, os.fsdecode(title) if isinstance(title, bytes)
                                 else title, "-C", root, "--now", NOW)
            check(code == 2 and "the title must be" in err,
                  f"new {kind} with an unusable title: exit 2 ({code}): {out}{err}")
        check(sorted(os.listdir(os.path.join(root, "postmortems"))) == before,
              "no postmortem is written for an unusable title")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
