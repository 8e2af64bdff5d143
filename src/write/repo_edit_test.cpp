#include "load/yaml_reader.hpp"
#include "write/repo_edit.hpp"

#include <doctest/doctest.h>

using namespace nines;

TEST_CASE("repo_edit: append to an existing block list keeps everything else") {
  std::string text = "# keep me\nreadiness_review:\n  service: a\n  items:\n    - check: x\n"
                     "      status: pass\n  signoffs:\n    - name: Ann\n      role: SRE\n"
                     "  # trailing comment\n";
  std::string out = append_list_item(text, "readiness_review", "service", "a", "signoffs",
                                     "name: Bo\nrole: Lead\n");
  CHECK(out == "# keep me\nreadiness_review:\n  service: a\n  items:\n    - check: x\n"
               "      status: pass\n  signoffs:\n    - name: Ann\n      role: SRE\n"
               "    - name: Bo\n      role: Lead\n  # trailing comment\n");
}

TEST_CASE("repo_edit: a compact list (items at the key's indent) grows at its end") {
  std::string text = "readiness_review:\n  service: a\n  signoffs:\n  - name: Ann\n    role: SRE\n"
                     "  - name: Cy\n    role: Eng\n  # about the items\n  items:\n  - check: x\n";
  std::string out = append_list_item(text, "readiness_review", "service", "a", "signoffs",
                                     "name: Bo\nrole: Lead\n");
  CHECK(out == "readiness_review:\n  service: a\n  signoffs:\n  - name: Ann\n    role: SRE\n"
               "  - name: Cy\n    role: Eng\n  - name: Bo\n    role: Lead\n"
               "  # about the items\n  items:\n  - check: x\n");
  // At the top level too, and as the document's last key.
  text = "readiness_review:\n  service: a\n  signoffs:\n  - name: Ann\n";
  CHECK(append_list_item(text, "readiness_review", "", "", "signoffs", "name: Bo\n") ==
        text + "  - name: Bo\n");
}

TEST_CASE("repo_edit: a new item is laid out like the list's first one") {
  // More than one space after the dash, indented and compact: the new item's keys line up with
  // the others', so the file stays valid YAML.
  std::string text = "readiness_review:\n  signoffs:\n    -   name: Ann\n        role: SRE\n"
                     "  items:\n    - check: x\n";
  CHECK(append_list_item(text, "readiness_review", "", "", "signoffs", "name: Bo\nrole: L\n") ==
        "readiness_review:\n  signoffs:\n    -   name: Ann\n        role: SRE\n"
        "    -   name: Bo\n        role: L\n  items:\n    - check: x\n");
  text = "readiness_review:\n  signoffs:\n  -   name: Ann\n      role: SRE\n  items: []\n";
  CHECK(append_list_item(text, "readiness_review", "", "", "signoffs", "name: Bo\nrole: L\n") ==
        "readiness_review:\n  signoffs:\n  -   name: Ann\n      role: SRE\n"
        "  -   name: Bo\n      role: L\n  items: []\n");
  // An item whose content starts on the line after its dash.
  text = "readiness_review:\n  signoffs:\n    -\n      name: Ann\n";
  CHECK(append_list_item(text, "readiness_review", "", "", "signoffs", "name: Bo\nrole: L\n") ==
        text + "    - name: Bo\n      role: L\n");
  for (const std::string& edited :
       {append_list_item("readiness_review:\n  signoffs:\n    -   name: Ann\n  items: []\n",
                         "readiness_review", "", "", "signoffs", "name: Bo\n"),
        append_list_item("readiness_review:\n  signoffs:\n  -   name: Ann\n  items: []\n",
                         "readiness_review", "", "", "signoffs", "name: Bo\n")}) {
    CAPTURE(edited);
    DiagBag diags;
    Node n = parse_yaml_string(edited, diags);
    CHECK_FALSE(diags.has_errors());
    const Node* list = n.get("readiness_review")->get("signoffs");
    REQUIRE(list);
    REQUIRE(list->items.size() == 2);
    CHECK(list->items[1].get("name")->value == "Bo");
  }
}

TEST_CASE("repo_edit: a missing list is created at the end of the right document") {
  std::string text = "readiness_review:\n  service: a\n  items: []\n---\nreadiness_review:\n"
                     "  service: b\n  notes: |\n    long\n    text\n";
  std::string out =
      append_list_item(text, "readiness_review", "service", "b", "signoffs", "name: Bo\n");
  CHECK(out == "readiness_review:\n  service: a\n  items: []\n---\nreadiness_review:\n"
               "  service: b\n  notes: |\n    long\n    text\n  signoffs:\n    - name: Bo\n");
}

TEST_CASE("repo_edit: an empty flow list becomes a block list") {
  std::string text = "readiness_review:\n  service: a\n  signoffs: []\n  date: 2026-01-01\n";
  std::string out = append_list_item(text, "readiness_review", "", "", "signoffs", "name: Bo\n");
  CHECK(out ==
        "readiness_review:\n  service: a\n  signoffs:\n    - name: Bo\n  date: 2026-01-01\n");
}

TEST_CASE("repo_edit: front matter of a Markdown file, body untouched") {
  std::string text = "---\nmonthly_report:\n  period: 2026-10\n---\n# Body\n\ntext\n";
  std::string out =
      set_field(text, "monthly_report", "period", "2026-10", "frozen", "a: 1\nb: 2\n");
  CHECK(out == "---\nmonthly_report:\n  period: 2026-10\n  frozen:\n    a: 1\n    b: 2\n---\n"
               "# Body\n\ntext\n");
}

TEST_CASE("repo_edit: set_field replaces an existing value") {
  std::string text = "monthly_report:\n  period: 2026-10\n  frozen:\n    a: 1\n  highlights: [x]\n";
  std::string out = set_field(text, "monthly_report", "", "", "frozen", "a: 2\n");
  CHECK(out == "monthly_report:\n  period: 2026-10\n  frozen:\n    a: 2\n  highlights: [x]\n");
  std::string scalar = set_field(text, "monthly_report", "", "", "frozen_at", "\"2026-11-01\"\n");
  CHECK(scalar.find("  frozen_at: \"2026-11-01\"\n") != std::string::npos);
}

TEST_CASE("repo_edit: no such document is an error") {
  CHECK_THROWS_AS(append_list_item("service:\n  name: a\n", "readiness_review", "", "", "signoffs",
                                   "name: x\n"),
                  EditError);
}

TEST_CASE("repo_edit: quoting keeps strings strings") {
  CHECK(yaml_quote("Ann Lee") == "Ann Lee");
  CHECK(yaml_quote("on") == "\"on\"");
  CHECK(yaml_quote("2026-11-01") == "\"2026-11-01\"");
  CHECK(yaml_quote("a: b") == "\"a: b\"");
  CHECK(yaml_quote("") == "\"\"");
  CHECK(yaml_quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
}

TEST_CASE("repo_edit: control characters are escaped, and read back the same") {
  // YAML allows no C0 control (but tab and line breaks), DEL or C1 control unescaped: a raw one
  // makes the file invalid for other parsers.
  CHECK(yaml_quote("\x01"
                   "ctl") == "\"\\u0001ctl\"");
  CHECK(yaml_quote("a\x7F") == "\"a\\u007F\"");
  CHECK(yaml_quote("a\xC2\x85"
                   "b") == "\"a\\u0085b\"");
  CHECK(yaml_quote("Ren\xC3\xA9"
                   "e") == "Ren\xC3\xA9"
                           "e"); // é stays plain
  for (const std::string s : {"\x01"
                              "ctl",
                              "tab\there", "line\nbreak", "q\"\\\x1b[31m", "a\x7F",
                              "a\xC2\x85"
                              "b"}) {
    DiagBag diags;
    Node n = parse_yaml_string("v: " + yaml_quote(s) + "\n", diags);
    const Node* v = n.get("v");
    REQUIRE(v);
    CHECK_FALSE(diags.has_errors());
    CHECK(v->value == s);
  }
}

TEST_CASE("repo_edit: a CRLF file keeps CRLF on the lines the edit adds") {
  std::string text = "readiness_review:\r\n  service: a\r\n  signoffs:\r\n    - name: Ann\r\n";
  std::string out = append_list_item(text, "readiness_review", "service", "a", "signoffs",
                                     "name: Bo\nrole: Lead\n");
  CHECK(out == "readiness_review:\r\n  service: a\r\n  signoffs:\r\n    - name: Ann\r\n"
               "    - name: Bo\r\n      role: Lead\r\n");
  // An LF file stays LF.
  CHECK(append_list_item("readiness_review:\n  service: a\n", "readiness_review", "service", "a",
                         "signoffs", "name: Bo\n")
            .find('\r') == std::string::npos);
}

TEST_CASE("repo_edit: JSON becomes YAML that reads back the same") {
  nlohmann::json j = {{"period", "2026-10"}, {"n", 67.33333333333333},
                      {"none", nullptr},     {"list", {"a", "123"}},
                      {"ok", true},          {"nested", {{"SEV1", 1}}}};
  std::string yaml = json_to_yaml(j);
  CHECK(yaml.find("\"2026-10\"") != std::string::npos);
  CHECK(yaml.find("67.33333333333333") != std::string::npos);
  CHECK(yaml.find("\"123\"") != std::string::npos);
}

TEST_CASE("repo_edit: a document in flow style is refused where it starts, never cut") {
  // The fields share the kind key's line: rewriting that line lost the whole review.
  const std::string review =
      "# header\nreadiness_review: {service: api, date: 2026-10-01, items: [{check: x, status: "
      "pass}], signoffs: []}\n# trailer\n";
  for (const std::string& text :
       {review, std::string("readiness_review: {service: api, date: 2026-10-01}\n"),
        std::string("{readiness_review: {service: api, signoffs: []}}\n")}) {
    CAPTURE(text);
    try {
      append_list_item(text, "readiness_review", "service", "api", "signoffs", "name: Bo\n");
      FAIL("no error");
    } catch (const EditError& e) {
      CHECK(std::string(e.what()).find("flow style") != std::string::npos);
      CHECK(e.loc.line == (text == review ? 2 : 1));
      CHECK(edit_error_place("rr.yaml", e) ==
            "rr.yaml:" + std::to_string(e.loc.line) + ":" + std::to_string(e.loc.col));
    }
  }
  try {
    append_list_item(review, "readiness_review", "service", "api", "signoffs", "name: Bo\n");
  } catch (const EditError& e) {
    CHECK(e.loc.col == 19); // the `{`
  }
  // The same for set_field (report --freeze) and a Markdown file's front matter.
  CHECK_THROWS_AS(set_field("monthly_report: {period: \"2026-10\", highlights: [Big win]}\n",
                            "monthly_report", "period", "2026-10", "frozen", "a: 1\n"),
                  EditError);
  CHECK_THROWS_AS(set_field("---\nmonthly_report: {period: \"2026-10\"}\n---\n# Body\n",
                            "monthly_report", "period", "2026-10", "frozen", "a: 1\n"),
                  EditError);
  // A flow list with items inside a block review is refused at the list.
  try {
    append_list_item("readiness_review:\n  service: a\n  signoffs: [{name: Ann}]\n",
                     "readiness_review", "", "", "signoffs", "name: Bo\n");
    FAIL("no error");
  } catch (const EditError& e) {
    CHECK(e.loc.line == 3);
  }
}

TEST_CASE("repo_edit: an empty list keeps the comment after it") {
  CHECK(append_list_item("readiness_review:\n  signoffs: []  # none yet\n  date: 2026-01-01\n",
                         "readiness_review", "", "", "signoffs", "name: Bo\n") ==
        "readiness_review:\n  signoffs:  # none yet\n    - name: Bo\n  date: 2026-01-01\n");
  CHECK(append_list_item("readiness_review:\n  signoffs: null\n", "readiness_review", "", "",
                         "signoffs",
                         "name: Bo\n") == "readiness_review:\n  signoffs:\n    - name: Bo\n");
  CHECK(append_list_item("readiness_review:\r\n  signoffs: []\r\n", "readiness_review", "", "",
                         "signoffs",
                         "name: Bo\n") == "readiness_review:\r\n  signoffs:\r\n    - name: Bo\r\n");
  // Anything else on the key's line is not the edit's to drop.
  CHECK_THROWS_AS(append_list_item("readiness_review:\n  signoffs: !!seq []\n", "readiness_review",
                                   "", "", "signoffs", "name: Bo\n"),
                  EditError);
}

TEST_CASE("repo_edit: an edit that would cut into another field is refused") {
  // The old value's last line sits left of its key (valid in a flow scalar): replacing the key's
  // block by lines would leave it behind. The result is read back and thrown away.
  const std::string text =
      "monthly_report:\n  period: \"2026-10\"\n  frozen: {a: 1,\n b: 2}\n  concerns: []\n";
  DiagBag diags;
  parse_yaml_string(text, diags);
  if (!diags.has_errors()) {
    try {
      set_field(text, "monthly_report", "period", "2026-10", "frozen", "a: 3\n");
      FAIL("no error");
    } catch (const EditError& e) {
      CHECK(std::string(e.what()).find("would not keep the rest of the file") != std::string::npos);
    }
  }
}

TEST_CASE("repo_edit: documents_lost names the kinds a file no longer holds") {
  Repo before, after;
  ReadinessReview r;
  r.meta.file = "rr.yaml";
  before.readiness.push_back(r);
  MonthlyReportDoc m;
  m.meta.file = "reports/2026-10.yaml";
  before.reports.push_back(m);
  before.reports.push_back(m);
  after.reports.push_back(m);
  CHECK(documents_lost(before, after, "rr.yaml") == "readiness_review");
  CHECK(documents_lost(before, after, "reports/2026-10.yaml") == "monthly_report");
  CHECK(documents_lost(before, before, "rr.yaml").empty());
  after.readiness.push_back(r);
  after.reports.push_back(m);
  CHECK(documents_lost(before, after, "rr.yaml").empty());
  Repo none;
  CHECK(documents_lost(before, none, "reports/2026-10.yaml") == "2 monthly_report");
}
