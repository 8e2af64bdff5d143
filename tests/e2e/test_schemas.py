"""The published JSON Schemas (schemas/*.schema.json) are the single source of truth for field
names, types and enums (SPEC 1.3), so a document nines checks clean must pass any draft-7
validator too: here Debian's python3-jsonschema, which shares no code with nines.

- every schema is a valid draft-7 schema;
- the seed's templates as written (their `""` placeholders and placeholder rows kept, required
  fields filled) and every document `nines new` writes pass both nines and the validator;
- a wrong enum value, a wrong type and a required field left `""` fail both, so the schemas did
  not simply stop checking.

Usage: test_schemas.py NINES SOURCE_DIR (run by Debian's /usr/bin/python3, which has jsonschema).
"""
import copy
import glob
import json
import os
import re
import shutil
import sys
import tempfile

import jsonschema
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import Checks, run  # noqa: E402

NINES, SRC = sys.argv[1], sys.argv[2]
NOW = "2026-11-01T00:00:00Z"
check = Checks()


class Yaml12Loader(yaml.SafeLoader):
    """YAML as nines reads it (1.2 core): dates stay strings, only true/false are booleans."""


for first, resolvers in list(Yaml12Loader.yaml_implicit_resolvers.items()):
    Yaml12Loader.yaml_implicit_resolvers[first] = [
        (tag, rx) for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"),
                                   list("tf"))

SCHEMAS = {}
for path in sorted(glob.glob(os.path.join(SRC, "schemas", "*.schema.json"))):
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    name = os.path.basename(path)[:-len(".schema.json")]
    try:
        jsonschema.Draft7Validator.check_schema(schema)
        check(True, name)
    except jsonschema.SchemaError as e:
        check(False, f"{name} is a valid draft-7 schema: {e.message}")
    SCHEMAS[name] = schema
check(len(SCHEMAS) >= 15, f"the schemas are there: {sorted(SCHEMAS)}")

# In the schemas of nines' own kinds, every optional field takes "not given" (`""`, or no value)
# and every list of objects the templates' placeholder rows, as nines reads them: a field added
# by hand without it would refuse a template's placeholder.
NATIVE = ("assessment auto_remediation capacity_model error_budget_policy experiment maintenance "
          "monthly_report oncall_rotation postmortem readiness_review runbook service sli slo "
          "toil_item").split()
NOT_GIVEN = {"$ref": "#/definitions/not_given"}
ROW = {"$ref": "#/definitions/placeholder_row"}


def unwrapped_optionals(s, where, out):
    if isinstance(s, list):
        for i, x in enumerate(s):
            unwrapped_optionals(x, f"{where}[{i}]", out)
        return
    if not isinstance(s, dict):
        return
    if list(s) == ["anyOf"] and len(s["anyOf"]) == 2 and s["anyOf"][0] in (NOT_GIVEN, ROW):
        unwrapped_optionals(s["anyOf"][1], where, out)
        return
    required = set(s.get("required", []))
    for key, value in s.items():
        if key in ("enum", "const", "default", "examples", "required"):
            continue
        if key == "properties":
            for name, field in value.items():
                if name not in required and not (isinstance(field, dict) and
                                                 field.get("anyOf", [None])[0] == NOT_GIVEN):
                    out.append(f"{where}.{name}")
                unwrapped_optionals(field, f"{where}.{name}", out)
        else:
            unwrapped_optionals(value, f"{where}/{key}", out)


for kind in NATIVE:
    bare = []
    unwrapped_optionals(SCHEMAS[kind]["properties"][kind], kind, bare)
    check(not bare, f"{kind}: optional fields that refuse a placeholder: {bare}")


def blank_required(s, where, definitions, out):
    """The required fields of `s` (at any depth) whose schema takes "": nines refuses a required
    field left "" (SPEC 1.3), so the published schema must too."""
    if isinstance(s, list):
        for i, x in enumerate(s):
            blank_required(x, f"{where}[{i}]", definitions, out)
        return
    if not isinstance(s, dict):
        return
    for name in s.get("required", []):
        field = s.get("properties", {}).get(name)
        if isinstance(field, dict) and jsonschema.Draft7Validator(
                dict(field, definitions=definitions)).is_valid(""):
            out.append(f"{where}.{name}")
    for key, value in s.items():
        if key not in ("enum", "const", "default", "examples", "required"):
            blank_required(value, f"{where}/{key}", definitions, out)


for kind in NATIVE:
    blank = []
    blank_required(SCHEMAS[kind], kind, SCHEMAS[kind].get("definitions", {}), blank)
    check(not blank, f"{kind}: required fields whose schema takes \"\": {blank}")


def documents(path):
    """The nines documents of a YAML file or a Markdown file's front matter."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".md"):
        if not text.startswith("---\n"):
            return []  # prose only (a README)
        text = text.split("---", 2)[1]
    return [d for d in yaml.load_all(text, Loader=Yaml12Loader) if isinstance(d, dict)]


def schema_errors(doc):
    kind = next(k for k in doc if not k.startswith("x-"))
    if kind not in SCHEMAS:
        return [f"no schema for '{kind}'"]
    return ["/".join(map(str, e.absolute_path)) + ": " + e.message
            for e in jsonschema.Draft7Validator(SCHEMAS[kind]).iter_errors(doc)]


def all_valid(repo, what, nines_check=True):
    """Every document of `repo` passes the validator, and (with `nines_check`) nines checks the
    repo with no error. Returns how many documents were validated."""
    seen = 0
    for path in sorted(glob.glob(os.path.join(repo, "**", "*.yaml"), recursive=True) +
                       glob.glob(os.path.join(repo, "**", "*.md"), recursive=True)):
        rel = os.path.relpath(path, repo)
        if rel == "nines.yaml" or rel.startswith("."):
            continue
        for doc in documents(path):
            if "groups" in doc:
                continue  # a Prometheus rule file, no kind
            seen += 1
            errors = schema_errors(doc)
            check(not errors, f"{what}: {rel} passes the published schema: {errors[:4]}")
    if nines_check:
        code, out, err = run(NINES, "check", repo, "--now", NOW)
        check(code == 0 and re.search(r"(^|\n)0 errors", out + err),
              f"{what}: nines checks it clean: {out}{err}")
    return seen


TMP = tempfile.mkdtemp(prefix="nines-schemas-")
try:
    # The seed's templates as written: placeholders kept, the required fields filled.
    SEEDS = os.path.join(TMP, "seeds")
    shutil.copytree(os.path.join(SRC, "tests", "e2e", "data", "seed-templates"), SEEDS)
    n = all_valid(SEEDS, "seed templates")
    check(n >= 11, f"every seed template kind is there: {n} documents")
    with open(os.path.join(SEEDS, "service.yaml"), encoding="utf-8") as f:
        check('data_classification: ""' in f.read(), "the placeholders are kept as written")

    # Every document `nines new` writes, as it writes it (its `""` placeholders kept).
    NEW = os.path.join(TMP, "new")
    code, out, err = run(NINES, "init", NEW, "--now", NOW)
    check(code == 0, f"init: {out}{err}")
    for args in (["service", "billing-api"], ["sli", "request-latency", "--type", "latency"],
                 ["slo", "billing-api-latency", "--service", "billing-api", "--sli",
                  "request-latency", "--target", "99.5"],
                 ["policy", "billing-policy", "--service", "billing-api"],
                 ["runbook", "billing-db-down", "--service", "billing-api", "--alert",
                  "BillingDbDown"],
                 ["postmortem", "Billing outage", "--service", "billing-api"],
                 ["incident", "Checkout errors after deploy"],
                 ["experiment", "billing-db-failover", "--service", "billing-api"],
                 ["toil", "billing-manual-refunds", "--service", "billing-api"],
                 ["capacity", "billing-api"], ["rotation", "billing-oncall"],
                 ["readiness", "billing-api"], ["assessment", "billing-api"]):
        code, out, err = run(NINES, "new", *args, "-C", NEW, "--now", NOW)
        check(code == 0, f"new {' '.join(args)}: {out}{err}")
    seen = all_valid(NEW, "nines new", nines_check=False)
    check(seen >= 15, f"the scaffolds were validated: {seen} documents")

    # The schemas still refuse what nines refuses: a value of no enum, a wrong type, a required
    # field left "", a placeholder row's field given a wrong value.
    with open(os.path.join(SEEDS, "service.yaml"), encoding="utf-8") as f:
        service = yaml.load(f, Loader=Yaml12Loader)
    with open(os.path.join(SEEDS, "postmortem.yaml"), encoding="utf-8") as f:
        postmortem = yaml.load(f, Loader=Yaml12Loader)
    for doc, path, value, rule in (
            (service, ["service", "data_classification"], "secret", "is not valid"),
            (service, ["service", "peak_rps"], "many", "is not valid"),
            (service, ["service", "tier"], "", "is not one of"),
            (postmortem, ["postmortem", "title"], "", "is too short"),
            (postmortem, ["postmortem", "timeline", 0, "time"], "noon", "is not valid")):
        bad = copy.deepcopy(doc)
        node = bad
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        errors = schema_errors(bad)
        check(any(rule in e for e in errors),
              f"{'/'.join(map(str, path))} = {value!r} fails the schema: {errors}")
        wrong = os.path.join(TMP, "wrong")
        shutil.rmtree(wrong, ignore_errors=True)
        shutil.copytree(SEEDS, wrong)
        name = "service.yaml" if doc is service else "postmortem.yaml"
        with open(os.path.join(wrong, name), "w", encoding="utf-8") as f:
            json.dump(bad, f)  # JSON is YAML
        code, out, err = run(NINES, "check", wrong, "--now", NOW)
        check(code == 1 and "[schema]" in out + err,
              f"and nines refuses it too: {code} {out}{err}")
finally:
    shutil.rmtree(TMP, ignore_errors=True)

sys.exit(check.finish())
