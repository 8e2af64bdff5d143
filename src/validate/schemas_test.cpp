#include "diag/format.hpp"
#include "load/yaml_reader.hpp"
#include "model/kinds.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"
#include "validate/yaml_json.hpp"

#include <doctest/doctest.h>

using namespace nines;

namespace {

std::vector<Diagnostic> validate(const SchemaSet& s, const std::string& kind,
                                 const std::string& y) {
  DiagBag diags;
  Node root = parse_yaml_string(y, diags, "t.yaml");
  REQUIRE_FALSE(diags.has_errors());
  s.validate(kind, root, "t.yaml", diags);
  return diags.sorted();
}

} // namespace

TEST_CASE("schemas: every kind of the registry has a schema, and they parse") {
  SchemaSet s;
  CHECK(kind_names().size() >= 14);
  for (const auto& k : kind_names())
    CHECK_MESSAGE(s.has(k), k);
  CHECK(s.has("nines"));
  // They are parsed and compiled when first needed; all of them must compile.
  CHECK_NOTHROW(s.compile_all());
}

TEST_CASE("schemas: a valid service passes") {
  SchemaSet s;
  auto d = validate(s, "service",
                    "service:\n  name: pay-api\n  tier: critical\n  owner_team: payments\n"
                    "  oncall_rotation: \"\"\n  peak_rps: 0\n");
  CHECK(d.empty());
}

TEST_CASE("schemas: enum errors name the field, the value and the allowed values") {
  SchemaSet s;
  auto d = validate(s, "service", "service:\n  name: a\n  tier: crit\n  owner_team: t\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 3);
  CHECK(d[0].loc.col == 9);
  CHECK(d[0].rule == "schema");
  // `crit` is the start of `critical`: suggested, though nearer by spelling to no value.
  CHECK(d[0].message == "field 'service.tier' has value 'crit', expected one of: critical, "
                        "important, standard, experimental, did you mean 'critical'?");
}

TEST_CASE("schemas: unknown fields point at the key and suggest the right one") {
  SchemaSet s;
  auto d = validate(s, "service",
                    "service:\n  name: a\n  tier: critical\n  owner_team: t\n  langauge: go\n"
                    "  x-internal: fine\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 5);
  CHECK(d[0].loc.col == 3);
  CHECK(d[0].message == "unknown field 'langauge' in service, did you mean 'language'?");
}

TEST_CASE("schemas: one mistake, one finding") {
  SchemaSet s;
  // A number where a named value belongs: the enum's finding alone, not also "quote the value".
  auto d = validate(s, "service", "service:\n  name: a\n  tier: 1\n  owner_team: t\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("expected one of: critical") != std::string::npos);
  // A required field misspelt: the unknown field, renamed by its hint, not also the absence.
  d = validate(s, "service", "service:\n  name: a\n  tier: critical\n  owner_tem: t\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 4);
  CHECK(d[0].message == "unknown field 'owner_tem' in service, did you mean 'owner_team'?");
  CHECK(d[0].hint == "rename it to 'owner_team', a required field");
  // A key nowhere near the missing one leaves both findings.
  d = validate(s, "service", "service:\n  name: a\n  tier: critical\n  colour: t\n");
  CHECK(d.size() == 2);
}

TEST_CASE("schemas: an unknown field left empty is still unknown") {
  SchemaSet s;
  for (const char* value : {"", " ~", " \"\""}) {
    auto d = validate(s, "service",
                      std::string("service:\n  name: a\n  tier: critical\n  owner_team: t\n"
                                  "  langauge:") +
                          value + "\n");
    REQUIRE_MESSAGE(d.size() == 1, value);
    CHECK(d[0].loc.line == 5);
    CHECK(d[0].message == "unknown field 'langauge' in service, did you mean 'language'?");
  }
  // A line that lost its colon reads as a key with no value: said as such.
  auto d = validate(s, "service",
                    "service:\n  name: a\n  tier: critical\n  owner_team: t\n  links\n"
                    "    - x\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].hint.find("lost its colon") != std::string::npos);
  // A known field left empty is not given, as ever.
  CHECK(validate(s, "service",
                 "service:\n  name: a\n  tier: critical\n  owner_team: t\n  language:\n")
            .empty());
}

TEST_CASE("schemas: a value of a type no shape takes is one finding, not also 'none matched'") {
  SchemaSet s;
  // An assessment is one of two mappings (of a service or of a team): a list is neither.
  auto d = validate(s, "assessment", "assessment: [1]\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 1);
  CHECK(d[0].loc.col == 13);
  CHECK(d[0].message.find("must be an object") != std::string::npos);
}

TEST_CASE("schemas: wrong types, formats and empty required fields") {
  SchemaSet s;
  auto d = validate(s, "slo",
                    "slo:\n  service: a\n  sli: \"\"\n  target: \"99.9%\"\n  window: 28days\n"
                    "  last_reviewed: 2026-13-01\n");
  REQUIRE(d.size() == 4);
  CHECK(d[0].loc.line == 3);
  CHECK(d[0].message == "required field 'slo.sli' is empty");
  CHECK(d[1].loc.line == 4);
  CHECK(d[1].message == "field 'slo.target' must be a number, got '99.9%'");
  CHECK(d[2].loc.line == 5);
  CHECK(d[2].message.find("field 'slo.window' has value '28days'") == 0);
  CHECK(d[3].loc.line == 6);
  CHECK(d[3].message.find("not a valid date") != std::string::npos);
}

TEST_CASE("schemas: a health check's interval and timeout: a unit, ms included, or milliseconds") {
  SchemaSet s;
  const std::string head = "service:\n  name: a\n  tier: critical\n  owner_team: t\n"
                           "  health_checks:\n    - type: liveness\n";
  CHECK(validate(s, "service", head + "      interval: 30000\n      timeout: 5000\n").empty());
  CHECK(validate(s, "service", head + "      interval: 10s\n      timeout: 500ms\n").empty());
  auto d = validate(s, "service", head + "      interval: 0\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 7);
  d = validate(s, "service", head + "      timeout: 5 seconds\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].hint.find("milliseconds") != std::string::npos);
}

TEST_CASE("schemas: a bare on/no in a string field warns") {
  SchemaSet s;
  auto d = validate(s, "service",
                    "service:\n  name: a\n  tier: critical\n  owner_team: t\n  language: no\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].severity == Severity::Warning);
  CHECK(d[0].rule == "yaml-bool-string");
  CHECK(d[0].loc.line == 5);
  // An unknown field is not read at all: its error alone, no word on how its value would read.
  d = validate(s, "service",
               "service:\n  name: a\n  tier: critical\n  owner_team: t\n  enabled: yes\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "schema");
  CHECK(d[0].message.find("unknown field 'enabled'") == 0);
}

TEST_CASE("schemas: a bare word the field's enum lists is no yaml-bool-string") {
  SchemaSet s;
  // `off` is one of the rule severities (error | warning | off): a word, not a lost boolean.
  CHECK(validate(s, "nines", "rules:\n  oncall-rotation-size: off\n  runbook-stale: error\n")
            .empty());
  // Where the enum does not list it, it still warns.
  auto d = validate(s, "nines", "rules:\n  runbook-stale: no\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "schema"); // not a severity at all
  d = validate(s, "nines", "title: on\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].rule == "yaml-bool-string");
  CHECK(d[0].loc.line == 1);
}

TEST_CASE("schemas: an unknown rule id under rules is an error at the key with a did-you-mean") {
  SchemaSet s;
  auto d = validate(s, "nines", "title: x\nrules:\n  runbok-stale: error\n  slo-sla: off\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].severity == Severity::Error);
  CHECK(d[0].rule == "schema");
  CHECK(d[0].loc.line == 3);
  CHECK(d[0].loc.col == 3);
  CHECK(d[0].message == "unknown rule 'runbok-stale' in rules, did you mean 'runbook-stale'?");
}

TEST_CASE("schemas: the rules that guard what is read cannot be lowered; x- keys are notes") {
  SchemaSet s;
  auto d = validate(s, "nines",
                    "rules:\n  yaml-tab: off\n  schema: error\n  x-why: off\n  csv-row: warning\n");
  REQUIRE(d.size() == 2);
  CHECK(d[0].rule == "schema");
  CHECK(d[0].loc.line == 2);
  CHECK(d[0].loc.col == 3);
  CHECK(d[0].message == "rule 'yaml-tab' cannot be lowered: the file it reports is not read");
  CHECK(d[1].loc.line == 5);
  for (const char* id : {"yaml-syntax", "schema", "invalid-id", "duplicate-id", "csv-row"})
    CHECK(rule_kept_as_error(id));
  CHECK_FALSE(rule_kept_as_error("runbook-stale"));
}

TEST_CASE("yaml_json: plain scalars use the YAML 1.2 core schema") {
  CHECK(resolve_plain("42")->is_number_integer());
  CHECK(resolve_plain("99.9")->is_number_float());
  CHECK(resolve_plain("true")->is_boolean());
  CHECK(resolve_plain("~")->is_null());
  CHECK_FALSE(resolve_plain("yes"));
  CHECK_FALSE(resolve_plain(".nan"));
  CHECK_FALSE(resolve_plain("2026-01-01"));
}

TEST_CASE("decode: budget conditions in the seed's forms") {
  auto h = parse_budget_condition("remaining_budget > 50%");
  REQUIRE(h);
  CHECK(*h->lo == 50);
  CHECK_FALSE(h->lo_inclusive);
  auto w = parse_budget_condition("remaining_budget 25-50%");
  REQUIRE(w);
  CHECK(*w->lo == 25);
  CHECK(*w->hi == 50);
  auto e = parse_budget_condition("remaining_budget <= 0");
  REQUIRE(e);
  CHECK(*e->hi == 0);
  CHECK(e->hi_inclusive);
  CHECK_FALSE(parse_budget_condition("budget low"));
  CHECK_FALSE(parse_budget_condition("remaining_budget 50-25%"));
}

TEST_CASE("schemas: several unknown fields of one mapping are each reported") {
  SchemaSet s;
  auto d = validate(s, "service",
                    "service:\n  name: a\n  tier: critical\n  owner_team: t\n  colour: red\n"
                    "  x-ok: 1\n  langauge: go\n  shape: round\n");
  REQUIRE(d.size() == 3);
  CHECK(d[0].message == "unknown field 'colour' in service");
  CHECK(d[0].loc.line == 5);
  CHECK(d[1].message.rfind("unknown field 'langauge' in service", 0) == 0);
  CHECK(d[2].message == "unknown field 'shape' in service");
}

TEST_CASE("schemas: numeric settings and windows have maximums") {
  SchemaSet s;
  auto d = validate(s, "nines", "defaults:\n  stale_after_days: 2147483648\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("stale_after_days") != std::string::npos);
  d = validate(s, "nines", "limits:\n  max_file_bytes: 1e30\n");
  CHECK_FALSE(d.empty());
  d = validate(s, "slo",
               "slo:\n  id: a\n  service: s\n  sli: x\n  target: 99.9\n  window: 1000000000d\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "field 'slo.window' has value '1000000000d', over the maximum of 400 days");
  CHECK(d[0].loc.line == 6);
  CHECK(
      validate(s, "slo", "slo:\n  id: a\n  service: s\n  sli: x\n  target: 99.9\n  window: 400d\n")
          .empty());
  d = validate(s, "nines", "metrics:\n  deadline: 2d\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("24 hours") != std::string::npos);
  CHECK(validate(s, "nines", "metrics:\n  deadline: 90s\n").empty());
  // A source's settle margin: a duration, at most 7 days, its error at the value.
  const std::string source = "metrics:\n  sources:\n    - url: http://127.0.0.1:1\n      settle: ";
  CHECK(validate(s, "nines", source + "2h\n").empty());
  d = validate(s, "nines", source + "8d\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message ==
        "field 'metrics.sources[0].settle' has value '8d', over the maximum of 7 days");
  CHECK(d[0].loc.line == 4);
  d = validate(s, "nines", source + "an hour\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 4);
}

TEST_CASE("decode: config numbers are converted with checks, never wrapped") {
  DiagBag diags;
  Config cfg;
  Node root = parse_yaml_string(
      "defaults:\n  stale_after_days: 2147483648\nmetrics:\n  deadline: 2m\n  sources:\n"
      "    - name: p\n      url: http://127.0.0.1:1\n      concurrency: 1e12\n",
      diags);
  decode_config(root, cfg);
  CHECK(cfg.stale_after_days == 90);
  CHECK(cfg.pull_deadline_s == 120);
  REQUIRE(cfg.sources.size() == 1);
  CHECK(cfg.sources[0].concurrency == 8);
  CHECK(cfg.sources[0].settle_s == 0); // the default: off
  Node settle = parse_yaml_string(
      "metrics:\n  sources:\n    - url: http://127.0.0.1:1\n      settle: 90m\n", diags);
  Config cfg2;
  decode_config(settle, cfg2);
  CHECK(cfg2.sources[0].settle_s == 5400);
}

TEST_CASE("schemas: valid_part keeps every setting that is valid where it stands") {
  SchemaSet s;
  DiagBag diags;
  Node root = parse_yaml_string(
      "titel: x\ntimezone: 'not a zone'\nexclude: [vendor/, '!x']\nrules:\n  no-such-rule: off\n"
      "  runbook-stale: error\nteams:\n  a:\n    name: A\n    sre_hours_per_month: -1\n"
      "  Big Team: {name: B}\n  c: 5\nmetrics:\n  sources:\n    - {url: http://a}\n"
      "    - {name: b}\n",
      diags);
  Config cfg;
  decode_config(s.valid_part("nines", root), cfg);
  CHECK(cfg.timezone == "UTC");
  CHECK(cfg.exclude == std::vector<std::string>{"vendor/"});
  CHECK(cfg.rules.size() == 1);
  CHECK(cfg.rules.count("runbook-stale") == 1);
  REQUIRE(cfg.teams.size() == 1);
  CHECK(cfg.teams.at("a").name == "A");
  CHECK(!cfg.teams.at("a").sre_hours_per_month);
  REQUIRE(cfg.sources.size() == 1);
  CHECK(cfg.sources[0].url == "http://a");
  // A valid document is kept whole.
  Node ok = parse_yaml_string("title: T\nteams:\n  a: {name: A}\n", diags);
  CHECK(s.valid_part("nines", ok).entries.size() == 2);
}

TEST_CASE("schemas: dates follow the month/day table, checked without a regex per value") {
  SchemaSet s;
  auto reviewed = [&](const std::string& date) {
    return validate(
        s, "slo", "slo:\n  service: a\n  sli: b\n  target: 99.9\n  last_reviewed: " + date + "\n");
  };
  for (const char* ok : {"2026-01-31", "2026-02-28", "2026-04-30", "2026-07-31", "2026-08-31",
                         "2026-12-31", "2024-02-29", "2000-02-29", "2096-02-29", "1904-02-29"})
    CHECK_MESSAGE(reviewed(ok).empty(), ok);
  // No 29 February in a year that has none, and RFC 3339's four-digit year.
  for (const char* bad :
       {"2026-02-30", "2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31", "2026-00-10",
        "2026-13-01", "2026-01-00", "2026-01-32", "'2026-1-1'", "'2026-01-01x'", "'x2026-01-01'",
        "2026-02-29", "1900-02-29", "2100-02-29", "12026-03-01", "'226-03-01'"}) {
    auto d = reviewed(bad);
    REQUIRE_MESSAGE(d.size() == 1, bad);
    CHECK(d[0].loc.line == 5);
    CHECK(d[0].message.find("which is not a valid date") != std::string::npos);
    CHECK(d[0].hint == "use YYYY-MM-DD");
  }
}

TEST_CASE("schemas: a date-time needs seconds and a zone") {
  SchemaSet s;
  auto frozen = [&](const std::string& at) {
    return validate(s, "monthly_report",
                    "monthly_report:\n  period: 2026-10\n  frozen_at: \"" + at + "\"\n");
  };
  CHECK(frozen("2026-11-01T09:30:00Z").empty());
  CHECK(frozen("2026-11-01t09:30:00.25+02:00").empty());
  for (const char* bad :
       {"2026-11-01T09:30Z", "2026-11-01T09:30:00", "2026-11-31T09:30:00Z", "2026-11-01T24:00:00Z",
        "2026-11-01 09:30:00Z", "2026-11-01T09:30:00|01:00", "2026-11-01T09:30:00+0100"}) {
    auto d = frozen(bad);
    REQUIRE_MESSAGE(d.size() == 1, bad);
    CHECK(d[0].loc.line == 3);
    CHECK(d[0].message.find("which is not a valid date-time") != std::string::npos);
  }
}

TEST_CASE("schemas: a list or a mapping where a date belongs is a located type error") {
  SchemaSet s;
  for (const char* value : {"[2026-01-01]", "{on: 2026-01-01}", "5"}) {
    auto d =
        validate(s, "slo",
                 std::string("slo:\n  service: a\n  sli: b\n  target: 99.9\n  last_reviewed: ") +
                     value + "\n");
    REQUIRE_MESSAGE(d.size() == 1, value);
    CHECK(d[0].loc.line == 5);
    CHECK(d[0].message.find("field 'slo.last_reviewed' must be a string") == 0);
  }
}

TEST_CASE("schemas: a value with one typo is reported by the shape it is closest to") {
  SchemaSet s;
  // The wrapped form of auto_remediation with one unknown field: that field only, not the
  // list form's "must be an array" nor its valid fields as unknown.
  auto d = validate(s, "auto_remediation",
                    "auto_remediation:\n  service: api\n  rules:\n"
                    "    - {trigger: disk_high, condition: \"disk > 85%\", action: compact}\n"
                    "  zzprobe: 1\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "unknown field 'zzprobe' in auto_remediation");
  CHECK(d[0].loc.line == 5);
  CHECK(d[0].loc.col == 3);
  // The list form with a typo in a rule.
  d = validate(s, "auto_remediation",
               "auto_remediation:\n  - {trigger: disk_high, action: compact, actoin: x}\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("unknown field 'actoin'") != std::string::npos);
  CHECK(d[0].message.find("did you mean 'action'") != std::string::npos);
  // A structured policy exception with a typo: the mapping shape, not the string one.
  d = validate(s, "error_budget_policy",
               "error_budget_policy:\n  service: api\n"
               "  budget_states: {exhausted: {condition: remaining_budget <= 0}}\n  exceptions:\n"
               "    - {change_type: security, notee: x}\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("unknown field 'notee'") != std::string::npos);
  CHECK(d[0].message.find("did you mean 'note'") != std::string::npos);
  // Of none of the shapes' types: one finding that names them.
  d = validate(s, "service",
               "service:\n  name: api\n  tier: critical\n  owner_team: t1\n  links: 5\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "field 'service.links' must be an object or array, got '5'");
  CHECK(d[0].loc.line == 5);
}

TEST_CASE("schemas: a value as close to two shapes says so once, naming what each lacks") {
  SchemaSet s;
  // An assessment names a service or a team; one with neither is as far from each.
  auto d = validate(s, "assessment", "assessment:\n  date: 2026-10-01\n  scores: {slos: 3}\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "field 'assessment' needs 'service' or 'team'");
  CHECK(d[0].loc.line == 2);
  // A Prometheus rule with neither `alert` nor `record` (promtool's no_rec_alert.bad.yaml).
  d = validate(s, "prometheus-rules", "groups:\n  - name: g\n    rules:\n      - expr: up == 0\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "field 'groups[0].rules[0]' needs 'alert' or 'record'");
  CHECK(d[0].loc.line == 4);
}

TEST_CASE("schemas: one of two fields a shape takes, given both, names both at the second") {
  SchemaSet s;
  auto d = validate(s, "assessment",
                    "assessment:\n  service: s1\n  team: t1\n  date: 2026-10-01\n"
                    "  scores: {slos: 3}\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message ==
        "field 'assessment' has both 'service' and 'team', but takes only one of them");
  CHECK(d[0].loc.line == 3);
  CHECK(d[0].loc.col == 3);
}

TEST_CASE("schemas: a path names a row as written, the placeholder rows before it counted") {
  SchemaSet s;
  auto d =
      validate(s, "postmortem",
               "postmortem:\n  title: P\n  date: 2026-10-05\n  severity: SEV3\n  timeline:\n"
               "    - time: \"\"\n      event: \"\"\n    - time: \"10:00\"\n      event: Alert\n"
               "    - time: \"bad\"\n      event: x\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.rfind("field 'postmortem.timeline[2].time' has value 'bad'", 0) == 0);
  CHECK(d[0].loc.line == 10);
  // A row with a reviewer's status and no id is given, not a template's placeholder: its empty
  // required field is reported, the only row too.
  d = validate(s, "readiness_review",
               "readiness_review:\n  service: s1\n  items:\n    - check: docs.api-docs\n"
               "      status: pass\n    - check: \"\"\n      status: fail\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "required field 'readiness_review.items[1].check' is empty");
  CHECK(d[0].loc.line == 6);
  d = validate(
      s, "readiness_review",
      "readiness_review:\n  service: s1\n  items:\n    - check: \"\"\n      status: pass\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "required field 'readiness_review.items[0].check' is empty");
  // The seed's action item row, numbered and `open`, stays a placeholder.
  d = validate(s, "postmortem",
               "postmortem:\n  title: P\n  date: 2026-10-05\n  severity: SEV3\n  action_items:\n"
               "    - id: \"AI-001\"\n      description: \"\"\n      status: \"open\"\n");
  CHECK(d.empty());
}

TEST_CASE("schemas: what promtool refuses in a rule, located") {
  SchemaSet s;
  // promtool's invalid_record_name.bad.yaml: the selector in the name.
  auto d =
      validate(s, "prometheus-rules",
               "groups:\n  - name: g\n    rules:\n      - record: strawberry{flavor=\"sweet\"}\n"
               "        expr: 1\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("'groups[0].rules[0].record'") != std::string::npos);
  CHECK(d[0].loc.line == 4);
  CHECK(d[0].loc.col == 17);
  // invalid_label_name.bad.yaml: `__name__` among a rule's labels, and an empty label name, each
  // at its key; the other labels are fine.
  d = validate(s, "prometheus-rules",
               "groups:\n  - name: g\n    rules:\n      - record: ok:rate5m\n        expr: 1\n"
               "        labels:\n          team: a\n          __name__: anything\n"
               "          \"\": x\n");
  REQUIRE(d.size() == 2);
  CHECK(d[0].message == "field 'groups[0].rules[0].labels' may not have the key '__name__'");
  CHECK(d[0].loc.line == 8);
  CHECK(d[0].loc.col == 11);
  CHECK(d[1].message == "field 'groups[0].rules[0].labels' has an empty key");
  CHECK(d[1].loc.line == 9);
  // The same in a PrometheusRule object.
  d = validate(s, "prometheus-operator-prometheusrule",
               "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: x}\n"
               "spec:\n  groups:\n    - name: g\n      rules:\n        - alert: A\n"
               "          expr: up == 0\n          labels: {__name__: x}\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 10);
}

TEST_CASE("schemas: an empty mapping key is an error at the key") {
  SchemaSet s;
  for (const char* key : {"", "\"\"", "~"}) {
    auto d = validate(s, "slo",
                      std::string("slo:\n  service: api\n  sli: avail\n  target: 99.9\n"
                                  "  window: 28d\n  ") +
                          key + ": 43.2\n");
    REQUIRE_MESSAGE(d.size() == 1, key);
    CHECK(d[0].message == "a field with an empty name in slo");
    CHECK(d[0].loc.line == 6);
    CHECK(d[0].loc.col == 3);
  }
}

TEST_CASE("schemas: include and exclude take no .gitignore negation") {
  SchemaSet s;
  auto d = validate(s, "nines", "include: [\"services/**\", \"!services/a/**\"]\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("include[1]") != std::string::npos);
  CHECK(d[0].loc.col == 26);
  CHECK(validate(s, "nines", "include: [\"./services/\"]\nexclude: [services/a/]\n").empty());
}

TEST_CASE("schemas: times may carry a fraction of a second, as the seed's log timestamps do") {
  SchemaSet s;
  auto timeline = [&](const std::string& time) {
    return validate(s, "postmortem",
                    "postmortem:\n  title: t\n  date: 2026-02-17\n  severity: SEV2\n"
                    "  timeline:\n    - time: \"" +
                        time + "\"\n      event: e\n");
  };
  for (const char* ok : {"11:24", "11:24:00", "11:24:00.5", "2026-02-17 11:24:00.000",
                         "2026-02-17T11:24:00.000Z", "2026-02-17T11:24:00.123+01:00"})
    CHECK_MESSAGE(timeline(ok).empty(), ok);
  for (const char* bad : {"11:24.5", "11:24:00.", "2026-02-17T11:24:00.000+0100"})
    CHECK_MESSAGE(timeline(bad).size() == 1, bad);

  auto window = [&](const std::string& start) {
    return validate(s, "maintenance",
                    "maintenance:\n  service: a\n  start: \"" + start +
                        "\"\n  end: 2026-11-25T04:00:00Z\n");
  };
  for (const char* ok : {"2026-11-25", "2026-11-25T02:00:00.000Z", "2026-11-25 02:00:00.5",
                         "2026-11-25T03:00:00.000+01:00"})
    CHECK_MESSAGE(window(ok).empty(), ok);
  // parse_timestamp reads an offset as ±HH:MM only: the schema refuses what it cannot read.
  for (const char* bad : {"2026-11-25T03:00:00+0100", "2026-11-25T02:00.5Z"})
    CHECK_MESSAGE(window(bad).size() == 1, bad);

  CHECK(validate(s, "nines", "as_of: 2026-11-23T00:00:00.000Z\n").empty());
  CHECK(validate(s, "nines", "as_of: \"2026-11-23T00:00:00+0000\"\n").size() == 1);
}

TEST_CASE("schemas: the seed templates' placeholder rows are not given") {
  // The seed's postmortem and experiment templates as written, header fields aside.
  const std::string postmortem = R"(postmortem:
  title: "Checkout 502s"
  date: "2026-11-01"
  severity: "SEV2" # SEV1-4
  duration: "" # total incident duration
  authors: []
  reviewers: []
  status: "draft" # draft | in-review | final
  summary: |
    One paragraph: what happened, what was the impact, how was it resolved.
  impact:
    users_affected: 0
    duration_minutes: 0
    revenue_impact_usd: 0
    slo_budget_consumed_pct: 0
    data_loss: false
    customer_tickets: 0
  timeline:
    - time: ""
      event: "" # Chronological, every significant event
      # Include detection time, escalation, mitigation attempts
  root_cause: |
    Technical explanation of WHY it happened. Go deep — surface causes are not root causes.
  contributing_factors:
    - "" # What made it worse or delayed resolution?
  detection:
    how_detected: "" # alert | user report | manual check
    time_to_detect_minutes: 0
    could_have_detected_sooner: ""
  resolution:
    how_resolved: ""
    time_to_mitigate_minutes: 0
    time_to_resolve_minutes: 0
  what_went_well:
    - "" # Explicitly call out what worked
  what_went_wrong:
    - ""
  where_we_got_lucky:
    - "" # Things that could have made it worse
  action_items:
    - id: "AI-001"
      type: "" # prevent | detect | mitigate | process
      description: ""
      owner: ""
      priority: "" # P0 | P1 | P2
      deadline: ""
      status: "open" # open | in-progress | done
      ticket: ""
)";
  const std::string experiment = R"(experiment:
  name: "redis-down"
  hypothesis: "When [fault], the system will [expected behavior]"
  steady_state:
    metrics:
      - name: ""
        baseline: ""
        acceptable_range: ""
  method:
    fault_type: "" # network | compute | storage | dependency | data
    target: "" # which service/component
    blast_radius: "" # single pod | single AZ | percentage of traffic
    duration: ""
  safety:
    abort_conditions:
      - "SLO burn rate exceeds 10x"
      - "Customer-visible errors detected"
      - "Alert fires that we didn't expect"
    rollback_plan: ""
    required_approvals: []
  results:
    outcome: "" # confirmed | disproved | inconclusive
    observations: []
    action_items: []
)";
  SchemaSet s;
  for (const auto& [kind, yaml] :
       {std::pair{"postmortem", postmortem}, {"experiment", experiment}}) {
    DiagBag diags;
    RawDoc doc;
    doc.file = "t.yaml";
    doc.kind = kind;
    doc.root = parse_yaml_string(yaml, diags, doc.file);
    REQUIRE_FALSE(diags.has_errors());
    // The fast check and valijson agree, and so does the tree's digest with its JSON form's.
    CHECK(s.quick_check_sound(kind, doc.root));
    CHECK(node_digest(doc.root) == json_digest(to_json(doc.root).value));
    CHECK_MESSAGE(s.validate(kind, doc.root, doc.file, diags), kind);
    CHECK(diags.all().empty());
    Repo repo;
    decode_document(doc, "digest", repo, diags);
    CHECK(diags.all().empty());
    if (std::string_view(kind) == "postmortem") {
      REQUIRE(repo.postmortems.size() == 1);
      CHECK(repo.postmortems[0].timeline.empty());
      CHECK(repo.postmortems[0].action_items.empty());
    } else {
      REQUIRE(repo.experiments.size() == 1);
      CHECK(repo.experiments[0].steady_state.empty());
    }
  }

  // A row with something of its own in it is a row, and its empty required field an error.
  auto d = validate(s, "postmortem",
                    "postmortem:\n  title: t\n  date: 2026-11-01\n  severity: SEV2\n"
                    "  action_items:\n    - id: AI-001\n      description: \"\"\n"
                    "      owner: ana\n      status: open\n"
                    "  timeline:\n    - time: \"\"\n      event: paged\n");
  REQUIRE(d.size() == 2);
  CHECK(d[0].message == "required field 'postmortem.action_items[0].description' is empty");
  CHECK(d[1].message == "required field 'postmortem.timeline[0].time' is empty");
  // Positions after a placeholder row name the row as written in the file, the placeholder
  // counted, as a reader counts the rows.
  d = validate(s, "postmortem",
               "postmortem:\n  title: t\n  date: 2026-11-01\n  severity: SEV2\n"
               "  timeline:\n    - {time: \"\", event: \"\"}\n    - {time: \"09:00\", event: x}\n"
               "    - {time: \"25:00\", event: z}\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 8);
  CHECK(d[0].message.find("field 'postmortem.timeline[2].time' has value '25:00'") == 0);
  // An id and a status alone, with nothing left as a placeholder, are no template row.
  d = validate(s, "postmortem",
               "postmortem:\n  title: t\n  date: 2026-11-01\n  severity: SEV2\n"
               "  action_items:\n    - {id: AI-002, status: done}\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "missing required field 'postmortem.action_items[0].description'");
}

TEST_CASE("schemas: a value cut short suggests the allowed values it begins") {
  SchemaSet s;
  auto region = [&](const std::string& v) {
    return validate(s, "service",
                    "service:\n  name: a\n  tier: critical\n  owner_team: t\n  multi_region: " + v +
                        "\n");
  };
  auto d = region("active-active");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "field 'service.multi_region' has value 'active-active', expected one of: "
                        "single, active-passive, active-active-read, active-active-full, "
                        "cell-based, did you mean 'active-active-read' or 'active-active-full'?");
  CHECK(d[0].hint == "write service.multi_region: active-active-read or active-active-full");
  d = region("cell");
  REQUIRE(d.size() == 1);
  CHECK(d[0].hint == "write service.multi_region: cell-based");
  // A typo still gets the nearest value.
  d = region("active-pasive");
  REQUIRE(d.size() == 1);
  CHECK(d[0].hint == "write service.multi_region: active-passive");
  // A start of every value adds nothing to the list.
  d = validate(s, "postmortem", "postmortem:\n  title: t\n  date: 2026-11-01\n  severity: SEV\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message.find("did you mean") == std::string::npos);
}

TEST_CASE("schemas: an empty list that needs items says so, in words") {
  SchemaSet s;
  auto d = validate(s, "auto_remediation", "auto_remediation: []\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "field 'auto_remediation' is empty, at least 1 needed");
  CHECK(d[0].hint == "write at least 1 item under 'auto_remediation:', one '- item' line each");
  d = validate(s, "auto_remediation", "auto_remediation:\n  service: \"\"\n  rules: []\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].loc.line == 3);
  CHECK(d[0].message == "field 'auto_remediation.rules' is empty, at least 1 needed");
  CHECK(d[0].hint == "write at least 1 item under 'rules:', one '- item' line each");
}

TEST_CASE("schemas: a number where a duration belongs hints the unit, not quotes") {
  SchemaSet s;
  auto d = validate(s, "nines",
                    "defaults:\n  slo_window: 5\nmetrics:\n  sources:\n"
                    "    - {url: \"http://a\", timeout: 10, settle: 2}\n");
  REQUIRE(d.size() == 3);
  CHECK(d[0].message == "field 'defaults.slo_window' must be a string, got '5'");
  CHECK(d[0].hint == "write slo_window: 5d");
  CHECK(d[1].hint == "write timeout: 10s");
  CHECK(d[2].hint == "write settle: 2h");
  // No example value to take the unit from: the duration's form.
  d = validate(s, "nines", "defaults:\n  slo_window: 0\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].hint == "write a whole number with a unit (90m, 6h, 3d)");
  // A number in a field that is no duration is still quoted.
  d = validate(s, "service",
               "service:\n  name: a\n  tier: critical\n  owner_team: t\n"
               "  language: 5\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].hint == "quote the value");
}
