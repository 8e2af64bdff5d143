#include "diag/diagnostic.hpp"
#include "load/loader.hpp"
#include "load/yaml_reader.hpp"
#include "model/kinds.hpp"
#include "validate/decode.hpp"
#include "validate/quick_schema.hpp"
#include "validate/schemas.hpp"
#include "validate/yaml_json.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <functional>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

using namespace nines;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// valijson's verdict, with and without collecting its findings: the quick check must agree.
struct Valijson {
  explicit Valijson(const json& schema) : m_schema_json(schema) {
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(m_schema_json);
    parser.populateSchema(adapter, m_schema);
  }
  bool valid(const json& doc) {
    valijson::adapters::NlohmannJsonAdapter target(doc);
    valijson::ValidationResults results;
    const bool with_results = m_validator.validate(m_schema, target, &results);
    const bool fast = m_validator.validate(m_schema, target, nullptr);
    CHECK(with_results == fast);
    CHECK(with_results == (results.numErrors() == 0));
    return with_results;
  }

private:
  json m_schema_json;
  valijson::Schema m_schema;
  valijson::Validator m_validator;
};

bool quick_passes(const std::string& schema, const std::string& doc) {
  QuickSchema q(json::parse(schema));
  REQUIRE(q.complete());
  return q.passes(json::parse(doc));
}

// Every value a mutation puts in place of another: each JSON type, strings that do and do not
// look like ids, dates and durations, numbers at and around the usual limits.
std::vector<json> sample_values() {
  return {json(nullptr),
          json(""),
          json("x"),
          json("pay-api"),
          json("Pay API"),
          json("2026-01-31"),
          json("2026-02-30"),
          json("2026-13-01"),
          json("2026-01-31T10:00:00Z"),
          json("30d"),
          json("4w"),
          json("99.9"),
          json("critical"),
          json(std::string(300, 'a')),
          json("\xC3\xA9t\xC3\xA9"),
          json(0),
          json(1),
          json(-1),
          json(7),
          json(100),
          json(101),
          json(1.5),
          json(99.95),
          json(100.0),
          json(1e12),
          json(true),
          json(false),
          json::array(),
          json::array({"a"}),
          json::array({1, 2}),
          json::object(),
          json::object({{"x-a", 1}}),
          json::object({{"foo", 1}})};
}

// Calls `visit` with every mutation of `doc`: each value replaced by each sample, each member
// removed, and an unknown and an `x-` member added to each object.
void mutations(const json& doc, const std::function<void(const json&)>& visit) {
  std::vector<json::json_pointer> paths{json::json_pointer("")};
  const json flat = doc.flatten();
  // Every node's path: the leaves' and their parents'.
  for (const auto& [leaf, v] : flat.items()) {
    json::json_pointer p(leaf);
    while (!p.empty()) {
      if (std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
      p = p.parent_pointer();
    }
  }
  static const std::vector<json> samples = sample_values();
  for (const auto& p : paths) {
    for (const auto& s : samples) {
      json m = doc;
      m[p] = s;
      visit(m);
    }
    const json& node = doc[p];
    if (node.is_object()) {
      for (const char* key : {"foo", "x-note", "x-", "X-note", "xnote"}) {
        json m = doc;
        m[p][key] = "added";
        visit(m);
      }
    }
    if (!p.empty()) {
      json m = doc;
      m[p.parent_pointer()].erase(m[p.parent_pointer()].is_object()
                                      ? m[p.parent_pointer()].find(p.back())
                                      : m[p.parent_pointer()].begin() + std::stoi(p.back()));
      visit(m);
    }
  }
}

} // namespace

TEST_CASE("quick schema: every shipped schema is fully understood") {
  SchemaSet s;
  for (const auto& [kind, text] : embedded_schemas()) {
    QuickSchema q(s.compiled_schema(kind));
    CHECK_MESSAGE(q.complete(), kind);
  }
}

TEST_CASE("quick schema: x- fields where patternProperties allow them, unknown fields never") {
  const std::string schema = R"({"type": "object", "properties": {
      "a": {"type": "object", "properties": {"n": {"type": "integer"}},
            "patternProperties": {"^x-": {}}, "additionalProperties": false},
      "b": {"type": "object", "properties": {"n": {"type": "integer"}},
            "additionalProperties": false}},
    "patternProperties": {"^x-": {}}, "additionalProperties": false})";
  CHECK(quick_passes(schema, R"({"a": {"n": 1, "x-owner": "me"}, "x-top": [1]})"));
  CHECK_FALSE(quick_passes(schema, R"({"a": {"n": 1, "owner": "me"}})"));
  CHECK_FALSE(quick_passes(schema, R"({"a": {"n": 1, "X-owner": "me"}})"));
  CHECK_FALSE(quick_passes(schema, R"({"a": {"n": 1, "y-x-owner": "me"}})"));
  CHECK_FALSE(quick_passes(schema, R"({"b": {"n": 1, "x-owner": "me"}})"));
  CHECK_FALSE(quick_passes(schema, R"({"top": 1})"));
  // the x- member's value is still checked against its schema
  CHECK_FALSE(quick_passes(
      R"({"type": "object", "patternProperties": {"^x-": {"type": "string"}}})", R"({"x-a": 1})"));
  // a pattern that is not a plain prefix goes through std::regex, as in valijson
  CHECK(quick_passes(R"({"patternProperties": {"^[a-c]+$": {"type": "integer"}},
                         "additionalProperties": false})",
                     R"({"abc": 1})"));
  CHECK_FALSE(quick_passes(R"({"patternProperties": {"^[a-c]+$": {"type": "integer"}},
                               "additionalProperties": false})",
                           R"({"abd": 1})"));
}

TEST_CASE("quick schema: a YAML tree is checked as its JSON form, absent values left out") {
  const std::string schema = R"({"type": "object", "required": ["name"],
      "properties": {"name": {"type": "string", "minLength": 1},
                     "n": {"type": "integer", "minimum": 1},
                     "ratio": {"type": "number", "maximum": 1},
                     "on": {"type": "boolean"},
                     "tags": {"type": "array", "minItems": 2, "items": {"type": "string"}},
                     "kind": {"enum": ["a", "b", null]}},
      "additionalProperties": false})";
  QuickSchema q(json::parse(schema));
  REQUIRE(q.complete());
  auto agree = [&](const std::string& yaml) {
    DiagBag diags;
    const Node root = parse_yaml_string(yaml, diags, "t.yaml");
    REQUIRE_FALSE(diags.has_errors());
    const bool verdict = q.passes(root);
    CHECK_MESSAGE(verdict == q.passes(to_json(root).value), yaml);
    return verdict;
  };
  CHECK(agree("name: pay\nn: 3\nratio: 0.5\non: true\ntags: [a, b]\nkind: a\n"));
  CHECK_FALSE(agree("name: ''\n"));          // an absent name is a missing one
  CHECK_FALSE(agree("name: pay\nn: '3'\n")); // quoted: a string
  CHECK_FALSE(agree("name: pay\nn: 3.5\n"));
  CHECK_FALSE(agree("name: pay\nratio: 1.5e0\n"));
  CHECK(agree("name: pay\nn: ~\nratio:\n"));              // absent members are left out
  CHECK_FALSE(agree("name: pay\ntags: [a, null, '']\n")); // so are absent items: one left
  CHECK(agree("name: pay\ntags: [a, null, b]\n"));
  CHECK_FALSE(agree("name: pay\ntags: [a, 1]\n"));
  CHECK_FALSE(agree("name: pay\non: yes\n")); // YAML 1.2: a string
  CHECK_FALSE(agree("name: pay\nkind: c\n"));
  CHECK_FALSE(agree("name: pay\nextra: 1\n"));
  CHECK(agree("name: pay\nextra: ''\n")); // absent, so not an extra member
  CHECK_FALSE(agree("name: 12\n"));
  CHECK_FALSE(agree("- name: pay\n"));
}

TEST_CASE("quick schema: types, limits, enums and alternatives as valijson reads them") {
  CHECK(quick_passes(R"({"type": "integer"})", "3"));
  CHECK_FALSE(quick_passes(R"({"type": "integer"})", "3.0"));
  CHECK(quick_passes(R"({"type": "number", "minimum": 0, "maximum": 100})", "100"));
  CHECK_FALSE(quick_passes(R"({"type": "number", "exclusiveMinimum": 0})", "0"));
  CHECK_FALSE(quick_passes(R"({"type": "string", "minLength": 2})", R"("\u00e9")"));
  CHECK(quick_passes(R"({"type": "string", "maxLength": 1})", R"("\u00e9")"));
  CHECK(quick_passes(R"({"enum": ["a", "b"]})", R"("b")"));
  CHECK_FALSE(quick_passes(R"({"enum": ["a", "b"]})", R"("c")"));
  CHECK_FALSE(quick_passes(R"({"const": "a"})", R"(["a"])"));
  CHECK_FALSE(quick_passes(R"({"oneOf": [{"type": "number"}, {"type": "integer"}]})", "1"));
  CHECK(quick_passes(R"({"oneOf": [{"type": "number"}, {"type": "integer"}]})", "1.5"));
  CHECK(quick_passes(R"({"required": ["a"], "definitions": {"s": {"type": "string"}},
                         "properties": {"a": {"$ref": "#/definitions/s"}}})",
                     R"({"a": "x"})"));
  CHECK_FALSE(quick_passes(R"({"required": ["a"]})", R"({"b": 1})"));
  // if/then/else: the branch the `if` picks applies; `then` or `else` alone is nothing
  const char* named = R"({"if": {"required": ["id"]},
                          "else": {"properties": {"name": {"pattern": "^[a-z]+$"}}}})";
  CHECK(quick_passes(named, R"({"id": "x", "name": "Free Text"})"));
  CHECK(quick_passes(named, R"({"name": "lower"})"));
  CHECK_FALSE(quick_passes(named, R"({"name": "Free Text"})"));
  CHECK_FALSE(quick_passes(R"({"if": {"type": "string"}, "then": {"minLength": 2}})", R"("a")"));
  CHECK(quick_passes(R"({"then": {"type": "string"}})", "1"));
  for (const char* doc :
       {R"({"id": "x", "name": "Free Text"})", R"({"name": "lower"})", R"({"name": "Free Text"})"})
    CHECK(Valijson(json::parse(named)).valid(json::parse(doc)) == quick_passes(named, doc));
  // what it does not implement, it leaves to valijson
  QuickSchema q(json::parse(R"({"not": {"type": "string"}})"));
  CHECK_FALSE(q.complete());
  CHECK_FALSE(q.passes(json(1)));
}

TEST_CASE("quick schema: agrees with valijson on the example content, fixtures and mutations") {
  SchemaSet schemas;
  std::map<std::string, std::pair<std::unique_ptr<QuickSchema>, std::unique_ptr<Valijson>>> by;
  auto checker = [&](const std::string& kind) -> auto& {
    auto& slot = by[kind];
    if (!slot.first) {
      json compiled = schemas.compiled_schema(kind);
      slot.first = std::make_unique<QuickSchema>(compiled);
      slot.second = std::make_unique<Valijson>(compiled);
    }
    return slot;
  };
  std::size_t documents = 0, compared = 0, invalid = 0;
  auto compare = [&](const std::string& kind, const json& doc, const std::string& where) {
    auto& [quick, full] = checker(kind);
    const bool expected = full->valid(doc);
    ++compared;
    if (!expected) ++invalid;
    if (quick->passes(doc) != expected) FAIL_CHECK(where << " (" << kind << "): " << doc.dump());
  };
  const fs::path source(NINES_SOURCE_DIR);
  for (const fs::path& dir : {source / "content", source / "tests" / "fixtures"}) {
    std::vector<fs::path> repos;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.path().filename() == "nines.yaml") repos.push_back(e.path().parent_path());
    for (const auto& repo : repos) {
      DiagBag diags;
      LoadOptions opts;
      load_repo(
          repo, opts, diags,
          [&](RawDoc&& doc) {
            const bool nines_kind = schemas.has(doc.kind);
            const std::string kind = nines_kind ? doc.kind : dialect_schema(doc);
            if (!schemas.has(kind)) return;
            const json value = to_json(doc.root).value;
            const std::string where = (repo / doc.file).string();
            compare(kind, value, where);
            // The tree read in place gets the converted value's verdict and digest.
            if (checker(kind).first->passes(doc.root) != checker(kind).first->passes(value))
              FAIL_CHECK(where << " (" << kind << "): the tree and its JSON disagree");
            CHECK_MESSAGE(node_digest(doc.root) == json_digest(value), where);
            // Mutations of the example content only: the fixtures are few and small.
            if (dir == source / "content" && documents++ % 7 == 0)
              mutations(value, [&](const json& m) { compare(kind, m, where + " mutated"); });
          },
          [](RawCsvRow&&) {});
    }
  }
  MESSAGE(compared << " documents compared, " << invalid << " invalid");
  CHECK(compared > 1000);
  CHECK(invalid > 100);
}
