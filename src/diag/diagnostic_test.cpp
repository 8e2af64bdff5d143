#include "diag/diagnostic.hpp"
#include "diag/format.hpp"

#include <doctest/doctest.h>

using namespace nines;

TEST_CASE("diag: edit distance and suggestions") {
  CHECK(edit_distance("pay-ap", "pay-api") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(did_you_mean("pay-ap", {"pay-api", "auth"}) == ", did you mean 'pay-api'?");
  CHECK(did_you_mean("zzzzzz", {"pay-api", "auth"}).empty());
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

TEST_CASE("diag: messages are made valid UTF-8 without control characters") {
  DiagBag bag;
  bag.error("f", {1, 1}, "r", std::string("bad \xff byte\n and caf\xc3\xa9"));
  CHECK(bag.all()[0].message == "bad \xEF\xBF\xBD byte  and caf\xc3\xa9");
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
