#include "load/yaml_reader.hpp"
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

TEST_CASE("schemas: every kind has a schema, and they parse") {
  SchemaSet s;
  for (const char* k :
       {"service", "sli", "slo", "error_budget_policy", "postmortem", "runbook", "toil_item",
        "capacity_model", "experiment", "auto_remediation", "oncall_rotation", "readiness_review",
        "assessment", "monthly_report", "nines"})
    CHECK_MESSAGE(s.has(k), k);
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
  CHECK(d[0].message == "field 'service.tier' has value 'crit', expected one of: critical, "
                        "important, standard, experimental");
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

TEST_CASE("schemas: a bare on/no in a string field warns") {
  SchemaSet s;
  auto d = validate(s, "service",
                    "service:\n  name: a\n  tier: critical\n  owner_team: t\n  language: no\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].severity == Severity::Warning);
  CHECK(d[0].rule == "yaml-bool-string");
  CHECK(d[0].loc.line == 5);
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
