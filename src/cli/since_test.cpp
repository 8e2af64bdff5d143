#include "cli/since.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace nines;

namespace {

Diagnostic diag(const std::string& rule, const std::string& message,
                Severity severity = Severity::Error, const std::string& file = "a.yaml") {
  Diagnostic d;
  d.file = file;
  d.loc = {3, 5};
  d.severity = severity;
  d.rule = rule;
  d.message = message;
  return d;
}

} // namespace

TEST_CASE("since: a finding that only moved keeps its key") {
  SUBCASE("the line of the first duplicate key") {
    CHECK(
        since_key(diag("yaml-duplicate-key", "duplicate key 'owner' (first defined at line 7)")) ==
        since_key(diag("yaml-duplicate-key", "duplicate key 'owner' (first defined at line 6)")));
    CHECK(
        since_key(diag("yaml-duplicate-key", "duplicate key 'owner' (first defined at line 7)")) !=
        since_key(diag("yaml-duplicate-key", "duplicate key 'team' (first defined at line 7)")));
  }
  SUBCASE("the line of the first listing, of any rule that names it") {
    CHECK(since_key(diag("duplicate-member",
                         "'ann' is listed again (first at line 10); a person counts once",
                         Severity::Warning)) ==
          since_key(diag("duplicate-member",
                         "'ann' is listed again (first at line 11); a person counts once",
                         Severity::Warning)));
    CHECK(since_key(diag("duplicate-period",
                         "rotation 'r' lists period 2026-10 twice (first at line 9)")) ==
          since_key(diag("duplicate-period",
                         "rotation 'r' lists period 2026-10 twice (first at line 12)")));
    CHECK(since_key(diag("duplicate-period",
                         "rotation 'r' lists period 2026-10 twice (first at line 9)")) !=
          since_key(diag("duplicate-period",
                         "rotation 'r' lists period 2026-11 twice (first at line 9)")));
  }
  SUBCASE("the position of the other definition, not its file") {
    const auto at = [](const std::string& where) {
      return since_key(diag("duplicate-id", "duplicate slo id 'auth': also defined at " + where));
    };
    CHECK(at("slos/auth-service.yaml:2:7") == at("slos/auth-service.yaml:3:7"));
    CHECK(at("slos/auth-service.yaml:2:7") != at("slos/other.yaml:2:7"));
    // A path with a colon keeps it.
    CHECK(at("slos/a:b.yaml:2:7") == at("slos/a:b.yaml:12:1"));
    CHECK(at("slos/a:b.yaml:2:7") != at("slos/a:c.yaml:2:7"));
    const auto listed = [](const std::string& where) {
      return since_key(diag("duplicate-id", "duplicate check 'x' in readiness_review 'r': also "
                                            "listed at " +
                                                where));
    };
    CHECK(listed("readiness/r.yaml:9:5") == listed("readiness/r.yaml:10:5"));
    // OpenSLO objects (validate/dialects.cpp) name both places the same way.
    CHECK(
        since_key(diag("duplicate-id", "duplicate OpenSLO SLO 'x': also defined at o.yaml:1:9")) ==
        since_key(diag("duplicate-id", "duplicate OpenSLO SLO 'x': also defined at o.yaml:4:9")));
    // The pair of files is the finding, at whichever of the two it is reported (a move that
    // changes which name sorts second moves the report to the other file).
    CHECK(since_key(diag("duplicate-id", "duplicate sli id 'd': also defined at slis/b.yaml:2:9",
                         Severity::Error, "slis/one.yaml")) ==
          since_key(diag("duplicate-id", "duplicate sli id 'd': also defined at slis/one.yaml:2:9",
                         Severity::Error, "slis/b.yaml")));
    CHECK(since_key(diag("duplicate-id", "duplicate sli id 'd': also defined at slis/b.yaml:2:9",
                         Severity::Error, "slis/one.yaml")) !=
          since_key(diag("duplicate-id", "duplicate sli id 'd': also defined at slis/c.yaml:2:9",
                         Severity::Error, "slis/b.yaml")));
    // Only that rule: elsewhere a trailing position is the finding's own text.
    CHECK(since_key(diag("schema", "also defined at a:1:2")) !=
          since_key(diag("schema", "also defined at a:1:3")));
  }
  SUBCASE("which change last touched the file") {
    const auto out_of_date = [](const std::string& change) {
      return since_key(
          diag("field-out-of-date",
               "last_reviewed 2026-08-31 is older than the file's last change (" + change + ")",
               Severity::Warning));
    };
    CHECK(out_of_date("commit 50f6342 on 2026-09-01") == out_of_date("an uncommitted change"));
    CHECK(out_of_date("commit 50f6342 on 2026-09-01") ==
          out_of_date("commit abcdef0 on 2026-10-03"));
    const auto stale = [](const std::string& days, const std::string& change) {
      return since_key(
          diag("runbook-stale",
               "runbook last changed " + days + " days ago (" + change + "; stale after 90 days)",
               Severity::Warning));
    };
    CHECK(stale("120", "commit 50f6342 on 2026-09-01") == stale("120", "an uncommitted change"));
    // The age is the finding's own figure.
    CHECK(stale("120", "commit 50f6342 on 2026-09-01") !=
          stale("121", "commit 50f6342 on 2026-09-01"));
    // The field's value too.
    CHECK(since_key(diag("field-out-of-date",
                         "last_reviewed 2026-08-31 is older than the file's last change (an "
                         "uncommitted change)")) !=
          since_key(diag("field-out-of-date",
                         "last_reviewed 2026-08-30 is older than the file's last change (an "
                         "uncommitted change)")));
  }
  SUBCASE("file, rule and severity still count") {
    const Diagnostic d = diag("schema", "unknown field 'x'");
    CHECK(since_key(d) != since_key(diag("schema", "unknown field 'x'", Severity::Warning)));
    CHECK(since_key(d) !=
          since_key(diag("schema", "unknown field 'x'", Severity::Error, "b.yaml")));
    CHECK(since_key(d) != since_key(diag("yaml", "unknown field 'x'")));
  }
}

TEST_CASE("since: Markdown code spans hold any text") {
  CHECK(md_code("slos/a.yaml:3:5: error: x") == "`slos/a.yaml:3:5: error: x`");
  CHECK(md_code("runbooks/we`ird.yaml:4:3") == "``runbooks/we`ird.yaml:4:3``");
  CHECK(md_code("a ``` b ` c") == "````a ``` b ` c````");
  // Next to the fence: a space keeps them apart (and is stripped when rendered).
  CHECK(md_code("`x") == "`` `x ``");
  CHECK(md_code("x`") == "`` x` ``");
  CHECK(md_code(" x ") == "`  x  `");
  CHECK(md_code(" x") == "` x`");
  CHECK(md_code("  ") == "`  `");
  // A line break would end the list item.
  CHECK(md_code("a\nb\r\tc") == "`a b  c`");
}

TEST_CASE("since: Markdown text prints literally") {
  CHECK(md_text("Ann Lee") == "Ann Lee");
  CHECK(md_text("SRE lead (on-call), 2026-10-01") == "SRE lead (on-call), 2026-10-01");
  CHECK(md_text("*Ann* [x](http://e.org) <b> a_b `c` ~~d~~ &amp; \\ !$") ==
        "\\*Ann\\* \\[x\\](http://e.org) \\<b\\> a\\_b \\`c\\` \\~\\~d\\~\\~ \\&amp; \\\\ \\!\\$");
  CHECK(md_text("a\nb") == "a b");
}
