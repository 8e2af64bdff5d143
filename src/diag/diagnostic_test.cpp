#include "diag/diagnostic.hpp"
#include "diag/format.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace nines;

TEST_CASE("diag: edit distance and suggestions") {
  CHECK(edit_distance("pay-ap", "pay-api") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(did_you_mean("pay-ap", {"pay-api", "auth"}) == ", did you mean 'pay-api'?");
  CHECK(did_you_mean("zzzzzz", {"pay-api", "auth"}).empty());
  // Case aside: a name typed in capitals still finds its match, and of two names as close case
  // aside, the one nearer in case wins.
  CHECK(did_you_mean("CHECKOUT-API", {"auth", "checkout-api"}) == ", did you mean 'checkout-api'?");
  CHECK(did_you_mean("Platform", {"platform", "plateform"}) == ", did you mean 'platform'?");
  CHECK(did_you_mean("Sev1", {"SEV1", "sev1"}) == ", did you mean 'sev1'?");
  CHECK(did_you_mean("SEV2", {"SEV1", "sev2"}) == ", did you mean 'sev2'?");
}

TEST_CASE("diag: overrides change severity or silence a rule") {
  DiagBag bag;
  bag.set_overrides({{"a", "off"}, {"b", "error"}, {"c", "warning"}});
  bag.error("f", {1, 1}, "a", "x");
  bag.warning("f", {1, 1}, "b", "x");
  bag.error("f", {1, 1}, "c", "x");
  CHECK(bag.error_count() == 1);
  CHECK(bag.warning_count() == 1);
}

TEST_CASE("diag: sorted by file then line, and capped") {
  DiagBag bag;
  bag.set_cap(2);
  bag.error("b.yaml", {1, 1}, "r", "m");
  bag.error("a.yaml", {9, 1}, "r", "m");
  bag.error("a.yaml", {2, 1}, "r", "m");
  auto d = bag.sorted();
  REQUIRE(d.size() == 2);
  CHECK(d[0].file == "a.yaml");
  CHECK(bag.error_count() == 3);
  CHECK(bag.dropped() == 1);
}

TEST_CASE("diag: the counts include the findings the cap leaves out, warnings too") {
  DiagBag bag;
  bag.set_cap(2);
  for (int i = 1; i <= 5; ++i)
    bag.warning("a.yaml", {i, 1}, "r", "m");
  bag.error("a.yaml", {9, 1}, "r", "m");
  CHECK(bag.sorted().size() == 2);
  CHECK(bag.warning_count() == 5);
  CHECK(bag.error_count() == 1);
  CHECK(bag.dropped() == 4);
  // A rule turned off is not a finding: not counted, not dropped.
  bag.set_overrides({{"r", "off"}});
  bag.warning("a.yaml", {10, 1}, "r", "m");
  CHECK(bag.warning_count() == 5);
  CHECK(bag.dropped() == 4);
}

TEST_CASE("diag: a finding said twice is listed and counted once") {
  DiagBag bag;
  bag.error("svc.yaml", {1, 61}, "schema", "field 'service.links' must be an object");
  bag.error("svc.yaml", {1, 61}, "schema", "field 'service.links' must be an object", "other");
  bag.error("svc.yaml", {1, 61}, "schema", "another message");
  bag.warning("svc.yaml", {2, 1}, "schema", "field 'service.links' must be an object");
  CHECK(bag.sorted().size() == 3);
  CHECK(bag.error_count() == 2);
  CHECK(bag.warning_count() == 1);
  // Past the cap too: the dropped ones are distinct findings.
  DiagBag capped;
  capped.set_cap(1);
  for (int i = 0; i < 3; ++i) {
    capped.error("a.yaml", {1, 1}, "r", "m");
    capped.error("a.yaml", {2, 1}, "r", "m");
  }
  CHECK(capped.error_count() == 2);
  CHECK(capped.dropped() == 1);
}

TEST_CASE("diag: formats with one text field give the hint apart from the message") {
  const std::vector<Diagnostic> shown = {
      {"a.yaml", {1, 1}, Severity::Warning, "r", "a rotation needs 5 people", "add members"}};
  auto write = [&](DiagFormat f) {
    std::ostringstream out;
    write_diagnostics(out, f, shown, 0, 1, 0, "1.0");
    return out.str();
  };
  const std::string text = "a rotation needs 5 people (hint: add members)";
  CHECK(write(DiagFormat::Github).find("::" + text + "\n") != std::string::npos);
  const auto sarif = nlohmann::json::parse(write(DiagFormat::Sarif));
  CHECK(sarif["runs"][0]["results"][0]["message"]["text"] == text);
}

TEST_CASE("diag: every format says how many findings were left out") {
  const std::vector<Diagnostic> shown = {{"a.yaml", {1, 1}, Severity::Warning, "r", "m", ""},
                                         {"a.yaml", {2, 1}, Severity::Warning, "r", "m", ""}};
  auto write = [&](DiagFormat f, std::ostream* note = nullptr) {
    std::ostringstream out;
    write_diagnostics(out, f, shown, 1, 4, 3, "1.0", note);
    return out.str();
  };
  const std::string note = "3 more not shown: the first 2 are listed";
  CHECK(write(DiagFormat::Text).find("(" + note + ")\n1 error, 4 warnings\n") != std::string::npos);
  const std::string gh = write(DiagFormat::Github);
  CHECK(gh.substr(gh.rfind("::notice")) ==
        "::notice title=nines::" + note + " (1 error, 4 warnings in all)\n");
  // JSON stays an array of findings; the note goes to the other stream.
  std::ostringstream err;
  const auto json = nlohmann::json::parse(write(DiagFormat::Json, &err));
  CHECK(json.is_array());
  CHECK(json.size() == 2);
  CHECK(err.str() == "nines: " + note + " (1 error, 4 warnings in all)\n");
  const auto sarif = nlohmann::json::parse(write(DiagFormat::Sarif));
  const auto& run = sarif["runs"][0];
  CHECK(run["results"].size() == 2);
  CHECK(run["properties"]["notShown"] == 3);
  CHECK(run["properties"]["warnings"] == 4);
  CHECK(run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] ==
        note + " (1 error, 4 warnings in all)");
  // Nothing left out, nothing said.
  std::ostringstream out, quiet;
  write_diagnostics(out, DiagFormat::Json, shown, 0, 2, 0, "1.0", &quiet);
  CHECK(quiet.str().empty());
  write_diagnostics(out, DiagFormat::Github, shown, 0, 2, 0, "1.0");
  CHECK(out.str().find("::notice") == std::string::npos);
}

TEST_CASE("diag: columns count code points; SARIF says so") {
  CHECK(char_column("") == 1);
  CHECK(char_column("abc") == 4);
  CHECK(char_column("\xC3\xBC\xC3\xBC") == 3); // üü: 2 characters, 4 bytes
  CHECK(char_column("\xE6\x97\xA5x") == 3);    // 日x
  CHECK(char_column("\xF0\x9F\x98\x80") == 2); // one emoji: one code point (2 in UTF-16)
  CHECK(char_column("\xEF\xBB\xBF") == 2);     // a byte order mark is a code point
  CHECK(char_column("\xFF\x80") == 2);         // stray bytes still give a column
  std::ostringstream out;
  write_diagnostics(out, DiagFormat::Sarif, {}, 0, 0, 0, "1.0");
  const auto sarif = nlohmann::json::parse(out.str());
  CHECK(sarif["runs"][0]["columnKind"] == "unicodeCodePoints");
  CHECK_FALSE(sarif["runs"][0].contains("properties"));
  // Every result's uri is relative to %SRCROOT%, which the run declares without naming a path
  // of the machine.
  CHECK(sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"] ==
        "The root of the content repository");
  CHECK_FALSE(sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"].contains("uri"));
}

TEST_CASE("diag: messages are made valid UTF-8 without control characters but CR and LF") {
  DiagBag bag;
  bag.error("f", {1, 1}, "r", std::string("bad \xff byte\t and caf\xc3\xa9\r\n"));
  CHECK(bag.all()[0].message == "bad \xEF\xBF\xBD byte  and caf\xc3\xa9\r\n");
  // C1 (NEL U+0085) and the bidirectional overrides and isolates (U+202E, U+2066) too; other
  // characters of those blocks (an en dash U+2013, U+00A0) are text.
  bag.error("f", {1, 1}, "r",
            "a\xc2\x85"
            "b\xe2\x80\xae"
            "c\xe2\x81\xa6"
            "d\xe2\x80\x93"
            "e\xc2\xa0"
            "f");
  CHECK(bag.all()[1].message == "a b c d\xe2\x80\x93"
                                "e\xc2\xa0"
                                "f");
}

TEST_CASE("diag: a file name with CR or LF is carried exactly, escaped per format") {
  DiagBag bag;
  bag.error("a\nb,c:%\r.yaml", {1, 1}, "unknown-kind", "crit\r\nical 50%", "h\ni");
  const auto diags = bag.all();
  auto write = [&](DiagFormat f) {
    std::ostringstream out;
    write_diagnostics(out, f, diags, 1, 0, 0, "1.0");
    return out.str();
  };
  const auto json = nlohmann::json::parse(write(DiagFormat::Json));
  CHECK(json[0]["file"] == "a\nb,c:%\r.yaml");
  CHECK(json[0]["message"] == "crit\r\nical 50%");
  const std::string gh = write(DiagFormat::Github);
  CHECK(gh.substr(0, gh.find('\n')) ==
        "::error file=a%0Ab%2Cc%3A%25%0D.yaml,line=1,col=1,title=unknown-kind::crit%0D%0Aical "
        "50%25 (hint: h%0Ai)");
  const auto sarif = nlohmann::json::parse(write(DiagFormat::Sarif));
  CHECK(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
             ["uri"] == "a%0Ab%2Cc%3A%25%0D.yaml");
  // Text output is one finding a line.
  CHECK(write(DiagFormat::Text) ==
        "a b,c:% .yaml:1:1: error: crit  ical 50% [unknown-kind]\n  hint: h i\n1 error, 0 "
        "warnings\n");
}

TEST_CASE("diag: a file name with bytes that are not UTF-8 or a tab keeps them in SARIF alone") {
  DiagBag bag;
  bag.error("services/bad\xff.yaml", {2, 3}, "unknown-kind", "m", "");
  bag.error("services/a\tb.yaml", {1, 1}, "unknown-kind", "m", "");
  bag.error("services/plain.yaml", {1, 1}, "unknown-kind", "m", "");
  const auto diags = bag.all();
  auto write = [&](DiagFormat f) {
    std::ostringstream out;
    write_diagnostics(out, f, diags, 3, 0, 0, "1.0");
    return out.str();
  };
  const auto sarif = nlohmann::json::parse(write(DiagFormat::Sarif));
  std::set<std::string> uris;
  for (const auto& r : sarif["runs"][0]["results"])
    uris.insert(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]);
  CHECK(uris == std::set<std::string>{"services/a%09b.yaml", "services/bad%FF.yaml",
                                      "services/plain.yaml"});
  // Text, JSON and GitHub output stay valid UTF-8 without controls.
  const auto json = nlohmann::json::parse(write(DiagFormat::Json));
  std::set<std::string> files;
  for (const auto& d : json)
    files.insert(d["file"]);
  CHECK(files == std::set<std::string>{"services/a b.yaml", "services/bad\xEF\xBF\xBD.yaml",
                                       "services/plain.yaml"});
  CHECK(write(DiagFormat::Github).find('\t') == std::string::npos);
  for (const auto& d : diags)
    CHECK(d.raw_file.empty() == (d.file == "services/plain.yaml"));
}

TEST_CASE("diag: repository paths as URI references") {
  CHECK(percent_encode_path("services/pay-api.yaml") == "services/pay-api.yaml");
  CHECK(percent_encode_path("my dir/a b%.yaml") == "my%20dir/a%20b%25.yaml");
  CHECK(percent_encode_path("x/~a_b.c-d") == "x/~a_b.c-d");
  CHECK(percent_encode_path("q?#[]:@!$&'()*+,;=") ==
        "q%3F%23%5B%5D%3A%40%21%24%26%27%28%29%2A%2B%2C%3B%3D");
  CHECK(percent_encode_path("caf\xc3\xa9.md") == "caf%C3%A9.md");
  CHECK(percent_encode_path("") == "");
}

namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool in_catalog(const std::string& id) {
  for (const auto& [rule, text] : rule_catalog())
    if (rule == id) return true;
  return false;
}

} // namespace

TEST_CASE("diag: every rule id the sources report is in the rule catalog") {
  // The catalog is SARIF's rule table and the list nines.yaml `rules:` accepts; a rule reported
  // without a row there would have no ruleIndex and could not be overridden. Rule ids are
  // kebab-case literals in the calls that report findings; messages and hints hold spaces.
  namespace fs = std::filesystem;
  static const std::regex call(R"((\.error\(|\.warning\(|\.add\(\{|RepoError\(|rule = ))");
  static const std::regex literal(R"re("([a-z][a-z0-9]*(?:-[a-z0-9]+)+)")re");
  std::set<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(NINES_SOURCE_DIR) / "src")) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || name.find("_test.") != std::string::npos) continue;
    if (e.path().extension() != ".cpp" && e.path().extension() != ".hpp") continue;
    const std::string text = read_text(e.path());
    for (std::sregex_iterator m(text.begin(), text.end(), call), end; m != end; ++m) {
      const auto from = static_cast<std::size_t>(m->position() + m->length());
      const std::size_t to = text.find(';', from);
      const std::string args = text.substr(from, to == std::string::npos ? 0 : to - from);
      for (std::sregex_iterator l(args.begin(), args.end(), literal); l != end; ++l) {
        found.insert((*l)[1]);
        CHECK_MESSAGE(in_catalog((*l)[1]), (*l)[1].str()
                                               << " (" << name << ") is in rule_catalog()");
      }
    }
  }
  // The scan itself still finds what it looks for.
  CHECK(found.count("unknown-reference") == 1);
  CHECK(found.count("location-target") == 1);
  CHECK(found.size() >= 40);

  // docs/checks.md says SARIF lists every rule of its table.
  const std::string docs = read_text(fs::path(NINES_SOURCE_DIR) / "docs" / "checks.md");
  static const std::regex row(R"(\n\| `([a-z0-9-]+)` \| (error|warning) \|)");
  std::size_t rows = 0;
  for (std::sregex_iterator m(docs.begin(), docs.end(), row), end; m != end; ++m, ++rows)
    CHECK_MESSAGE(in_catalog((*m)[1]), (*m)[1].str() << " (docs/checks.md) is in rule_catalog()");
  CHECK(rows >= 40);
}
