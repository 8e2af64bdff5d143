#include "diag/diagnostic.hpp"
#include "load/yaml_reader.hpp"
#include "model/digest.hpp"
#include "validate/yaml_json.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <doctest/doctest.h>
#include <random>
#include <regex>

namespace nines {
namespace {

using nlohmann::json;

// The regex resolver resolve_plain replaced, kept as the reference its answers must equal.
std::optional<json> regex_resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return json(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return json(true);
  if (s == "false" || s == "False" || s == "FALSE") return json(false);
  static const std::regex int_re("^[-+]?[0-9]+$");
  static const std::regex float_re("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(s, int_re)) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0) return json(v);
    return json(std::strtod(s.c_str(), nullptr));
  }
  if (std::regex_match(s, float_re)) {
    double v = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(v)) return json(v);
  }
  return std::nullopt;
}

// Same answer: both strings, or the same JSON type and value.
void check_same(const std::string& s) {
  CAPTURE(s);
  auto want = regex_resolve_plain(s);
  auto got = resolve_plain(s);
  REQUIRE(want.has_value() == got.has_value());
  if (!want) return;
  CHECK(want->type() == got->type());
  CHECK(*want == *got);
}

} // namespace

TEST_CASE("resolve_plain: hand-written resolver gives the regex resolver's answers") {
  const char* table[] = {
      "",
      "~",
      "null",
      "Null",
      "NULL",
      "nULL",
      "true",
      "True",
      "TRUE",
      "tRUE",
      "false",
      "False",
      "FALSE",
      "yes",
      "no",
      "on",
      "off",
      "y",
      "n",
      "0",
      "-0",
      "+0",
      "7",
      "42",
      "-42",
      "+42",
      "007",
      "0x1F",
      "0o17",
      "0b101",
      "1_000",
      "9223372036854775807",
      "9223372036854775808",
      "-9223372036854775808",
      "-9223372036854775809",
      "123456789012345678901234567890",
      "1.",
      "-1.",
      "+1.",
      ".5",
      "-.5",
      "+.5",
      ".",
      "-.",
      "+",
      "-",
      "++1",
      "+-1",
      "1.5",
      "99.995",
      "1e3",
      "1E3",
      "1e+3",
      "1e-3",
      "-1.5e-3",
      ".5e2",
      "1.e2",
      "1e",
      "1e+",
      "e3",
      ".e3",
      "1.5.2",
      "1..2",
      "1e3.5",
      "1e309",
      "-1e309",
      "1e-400",
      ".inf",
      "-.inf",
      ".nan",
      ".NaN",
      "inf",
      "nan",
      "infinity",
      "2026-01-01",
      "2026-01-01T00:00:00Z",
      "12:30",
      "1,000",
      " 1",
      "1 ",
      "1\n",
      "\t2",
      "1\x00"
      "2",
      "٣",
      "１２",
      "3%",
      "$5",
      "5m",
      "28d",
      "v1.2.3",
      "1.2.3",
      "0.0.0.0",
      "-",
      "--",
      "---",
      "...",
      "#1",
      "1#",
      "0.1e-2",
      "00.00",
      "0000e0000",
  };
  for (const char* s : table)
    check_same(s);
  check_same(std::string("1\0"
                         "2",
                         3));
}

TEST_CASE("resolve_plain: random strings over number characters agree with the regex resolver") {
  // Strings built from the characters that matter to the number grammar hit every branch.
  const std::string alphabet = "0123456789+-.eE x";
  std::mt19937 rng(20261101);
  std::uniform_int_distribution<std::size_t> len(0, 8), pick(0, alphabet.size() - 1);
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (std::size_t n = len(rng); n > 0; --n)
      s += alphabet[pick(rng)];
    check_same(s);
  }
}

TEST_CASE("to_json types plain scalars and keeps quoted ones as strings") {
  Node root;
  root.kind = Node::Kind::Map;
  auto add = [&](const char* key, const char* value, bool quoted) {
    Entry e;
    e.key = key;
    e.value.kind = Node::Kind::Scalar;
    e.value.value = value;
    e.value.quoted = quoted;
    root.entries.push_back(e);
  };
  add("i", "42", false);
  add("f", "99.9", false);
  add("q", "42", true);
  add("b", "on", false);
  add("n", "", false);
  YamlJson out = to_json(root);
  CHECK(out.value["i"] == 42);
  CHECK(out.value["f"] == 99.9);
  CHECK(out.value["q"] == "42");
  CHECK(out.value["b"] == "on");
  CHECK_FALSE(out.value.contains("n"));
  CHECK(out.yaml11_bools.size() == 1);
}

TEST_CASE("to_json_keeping_nulls keeps null keys and items; to_json drops them") {
  DiagBag diags;
  const Node root =
      parse_yaml_string("delta:\n  a: null\n  b: ~\n  c:\n  d: 1.5\n  e: ''\nl: [1, ~]\n", diags);
  REQUIRE_FALSE(diags.has_errors());
  const nlohmann::json kept = to_json_keeping_nulls(root);
  CHECK(kept.dump() == R"({"delta":{"a":null,"b":null,"c":null,"d":1.5},"l":[1,null]})");
  // What schemas and digests see is unchanged: a null is not given.
  CHECK(to_json(root).value.dump() == R"({"delta":{"d":1.5},"l":[1]})");
}

TEST_CASE("to_json drops a list's placeholder rows, and drop_placeholder_rows the same") {
  DiagBag diags;
  Node root = parse_yaml_string(
      "rows:\n"
      "  - {time: \"\", event: \"\"}\n"                                  // the seed's timeline row
      "  - {id: AI-001, status: open, description: \"\", owner: \"\"}\n" // its action item row
      "  - {name: \"\", steps: [], notes: {}}\n"
      "  - \"\"\n"
      "  - ~\n"
      "  - {time: \"\", event: paged}\n" // something given: a row
      "  - {id: AI-002, status: done}\n" // nothing left as a placeholder: a row
      "  - {}\n"
      "  - {id: [], description: \"\"}\n" // an empty list is a placeholder too
      "  - [\"\"]\n"
      "  - {id: sloth.dev/x/v1, config: ~}\n" // a null is no template's placeholder: a row
      "map: {a: \"\", b: {c: \"\"}}\n",
      diags);
  REQUIRE_FALSE(diags.has_errors());
  const std::string kept =
      R"({"map":{"b":{}},"rows":[{"event":"paged"},{"id":"AI-002","status":"done"},{},[],)"
      R"({"id":"sloth.dev/x/v1"}]})";
  CHECK(to_json(root).value.dump() == kept);
  CHECK(node_digest(root) == json_digest(to_json(root).value));
  // Data nines wrote keeps its rows of nulls.
  CHECK(to_json_keeping_nulls(root)["rows"].size() == 10);
  drop_placeholder_rows(root);
  REQUIRE(root.get("rows")->items.size() == 5);
  CHECK(to_json(root).value.dump() == kept);
}

TEST_CASE("json_digest is the FNV-1a of the compact dump, escapes and numbers included") {
  auto same = [](const nlohmann::json& v) {
    const std::string expected =
        fnv1a_hex(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    CHECK_MESSAGE(json_digest(v) == expected,
                  v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  };
  same(nlohmann::json(nullptr));
  same(nlohmann::json::object());
  same(nlohmann::json::array());
  same(nlohmann::json::parse(R"({"b": [1, -2, 3.5, 1e300, 0.1, true, false, null],
      "a": {"x-y": "plain", "q\"k": "tab\tnew\nline \"quoted\" back\\slash",
            "\u00e9t\u00e9": "caf\u00e9 \u2014 \ud83d\ude00", "ctl": "\u0001\u007f"},
      "big": 9223372036854775807, "neg": -9223372036854775807, "u": 18446744073709551615})"));
  // invalid UTF-8 is replaced, as the dump replaces it
  same(nlohmann::json(std::string("bad \xC3\x28 byte")));
  same(nlohmann::json::object({{std::string("k\xFF"), 1}}));
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    nlohmann::json doc = nlohmann::json::object();
    for (int i = 0; i < 8; ++i) {
      std::string key, value;
      for (int k = 0; k < 6; ++k) {
        key += static_cast<char>(rng() % 128);
        value += static_cast<char>(rng() % 256);
      }
      doc[key] =
          rng() % 3 == 0 ? nlohmann::json(static_cast<double>(rng()) / 7.0) : nlohmann::json(value);
    }
    same(doc);
  }
}

TEST_CASE("node_digest and yaml11_bools read the tree as to_json converts it") {
  auto same = [](const std::string& yaml) {
    DiagBag diags;
    const Node root = parse_yaml_string(yaml, diags, "t.yaml");
    REQUIRE_FALSE(diags.has_errors());
    const YamlJson converted = to_json(root);
    CHECK_MESSAGE(node_digest(root) == json_digest(converted.value), yaml);
    const std::vector<Loc> bools = yaml11_bools(root);
    REQUIRE(bools.size() == converted.yaml11_bools.size());
    for (std::size_t i = 0; i < bools.size(); ++i) {
      CHECK(bools[i].line == converted.yaml11_bools[i].line);
      CHECK(bools[i].col == converted.yaml11_bools[i].col);
    }
    return bools.size();
  };
  CHECK(same("") == 0);
  CHECK(same("plain") == 0);
  CHECK(same("'quoted'") == 0);
  CHECK(same("zeta: 1\nalpha: 2\nMid: 3\n_u: 4\n\"\\u00e9\": 5\n") == 0); // key order
  CHECK(same("a: ''\nb: ~\nc:\nd: null\ne: \"\"\nf: [1, ~, '', x]\n") == 0);
  CHECK(same("n: [0, -0, 007, +3, 9223372036854775807, 9223372036854775808, -1e300, 1.5, .5, "
             "1e3, .inf, .nan, 0x1F, 1_000]\n") == 0);
  CHECK(same("b: [true, False, TRUE, on, No, y, 'yes', \"off\"]\n") == 3);
  CHECK(same("s: \"tab\\there \\\"q\\\" back\\\\slash \\u0001 \\u00e9\"\n") == 0);
  CHECK(same("base: &b {x: 1, y: [on]}\nmerged:\n  <<: *b\n  z: off\n") == 3);
  CHECK(same("- [a, [b, [c, {d: e}]]]\n- {}\n- []\n") == 0);
  CHECK(same("block: |\n  two\n  lines\nfolded: >\n  one\n  line\n") == 0);
  CHECK(same("bad: \"\\xC3\\x28\"\n") == 0);
}

TEST_CASE("plain_number reads the numbers resolve_plain reads, and nothing else") {
  for (const std::string& s : std::vector<std::string>{"0",
                                                       "-0",
                                                       "+7",
                                                       "42",
                                                       "007",
                                                       "-123456789012345678",
                                                       "123456789012345678",
                                                       "1234567890123456789",
                                                       "9223372036854775807",
                                                       "9223372036854775808",
                                                       "-9223372036854775809",
                                                       std::string(400, '9'),
                                                       "1.5",
                                                       "-.5",
                                                       "1e3",
                                                       "1E-3",
                                                       "1e400",
                                                       ".",
                                                       "-",
                                                       "",
                                                       "~",
                                                       "null",
                                                       "true",
                                                       "False",
                                                       "1_000",
                                                       "0x1F",
                                                       "1.2.3",
                                                       "12a",
                                                       " 12",
                                                       "2026-01-01",
                                                       ".nan",
                                                       ".inf"}) {
    const auto json_value = resolve_plain(s);
    const auto number = plain_number(s);
    if (json_value && json_value->is_number()) {
      REQUIRE_MESSAGE(number, s);
      CHECK_MESSAGE(*number == json_value->get<double>(), s);
    } else {
      CHECK_FALSE_MESSAGE(number, s);
    }
  }
  CHECK(resolve_plain("123456789012345678")->get<long long>() == 123456789012345678LL);
  CHECK(resolve_plain("-42")->get<long long>() == -42);
}

} // namespace nines
