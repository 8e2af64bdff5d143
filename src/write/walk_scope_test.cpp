#include "write/walk_scope.hpp"

#include <doctest/doctest.h>

using namespace nines;

TEST_SUITE("write.walk_scope") {

  TEST_CASE("the walk reads a file unless include or exclude leave it out") {
    Config c;
    CHECK_FALSE(walk_skips(c, "reports/2026-10.yaml"));
    CHECK_FALSE(walk_skips(c, "2026-10.yaml"));

    c.include = {"services/**", "slos/**", "**/*.md", "metrics/*.csv"};
    auto skip = walk_skips(c, "reports/2026-10.yaml");
    REQUIRE(skip);
    CHECK(skip->setting == "include");
    CHECK(skip->pattern.empty());
    CHECK_FALSE(walk_skips(c, "reports/2026-10.md")); // "**/*.md"
    c.include.push_back("reports/**");
    CHECK_FALSE(walk_skips(c, "reports/2026-10.yaml"));

    c.include.clear();
    c.exclude = {"drafts/**", "reports/**"};
    skip = walk_skips(c, "reports/2026-10.yaml");
    REQUIRE(skip);
    CHECK(skip->setting == "exclude");
    CHECK(skip->pattern == "reports/**");
    c.exclude = {"reports"}; // the folder
    skip = walk_skips(c, "reports/2026-10.yaml");
    REQUIRE(skip);
    CHECK(skip->pattern == "reports");
    c.exclude = {"2026-*.yaml"}; // a name at any depth
    skip = walk_skips(c, "monthly/reports/2026-10.yaml");
    REQUIRE(skip);
    CHECK(skip->pattern == "2026-*.yaml");
    c.exclude = {"old/**"};
    CHECK_FALSE(walk_skips(c, "reports/2026-10.yaml"));
  }

  TEST_CASE("hidden and reserved folders are not walked") {
    Config c;
    CHECK(walk_skips(c, ".drafts/2026-10.yaml")->setting == "folder");
    CHECK(walk_skips(c, "reports/.old/2026-10.yaml")->pattern == "reports/.old");
    CHECK(walk_skips(c, "site/2026-10.yaml")->pattern == "site");
    CHECK_FALSE(walk_skips(c, "reports/site/2026-10.yaml")); // only the top-level site/
  }

} // TEST_SUITE
