// The readiness dates lint: a readiness review or a sign-off dated after now decides nothing
// (docs/governance.md), and `check` says so (review-date-in-future).
#include "link/link.hpp"
#include "model/time.hpp"

#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace nines {
namespace {

const std::int64_t k_today = *parse_date("2026-11-23");

std::vector<Diagnostic> future_dates(const Repo& repo) {
  DiagBag bag;
  run_lints(repo, k_today, bag);
  std::vector<Diagnostic> out;
  for (auto& d : bag.sorted())
    if (d.rule == "review-date-in-future") out.push_back(std::move(d));
  return out;
}

ReadinessReview review(const std::string& date) {
  ReadinessReview r;
  r.meta.kind = "readiness_review";
  r.meta.id = "pay-api";
  r.meta.file = "readiness/pay-api.yaml";
  r.meta.loc = {1, 1};
  r.service = Ref{"pay-api", {}};
  r.date = date;
  return r;
}

} // namespace

TEST_SUITE("link.lints.readiness") {

  TEST_CASE("a sign-off dated after now is a warning at the sign-off") {
    Repo repo;
    ReadinessReview r = review("2026-11-01");
    r.signoffs = {Signoff{"Ann", "SRE", "2027-11-23", "approved", "", {8, 7}},
                  Signoff{"Bo", "SRE", "2026-11-23", "rejected", "", {13, 7}},
                  Signoff{"Cy", "SRE", "", "approved", "", {18, 7}}};
    repo.readiness.push_back(r);
    const auto got = future_dates(repo);
    REQUIRE(got.size() == 1);
    CHECK(got[0].file == "readiness/pay-api.yaml");
    CHECK(got[0].loc.line == 8);
    CHECK(got[0].loc.col == 7);
    CHECK(got[0].severity == Severity::Warning);
    CHECK(got[0].message == "sign-off of Ann dated 2027-11-23 is after now (2026-11-23): a "
                            "sign-off that has not happened yet decides nothing (it neither "
                            "approves nor objects)");
    CHECK(got[0].hint == "set its date to the day it was given (`nines signoff` records today's)");
  }

  TEST_CASE("a readiness review dated after now is a warning at the document") {
    Repo repo;
    repo.readiness.push_back(review("2027-01-10"));
    repo.readiness.push_back(review("2026-11-23"));
    const auto got = future_dates(repo);
    REQUIRE(got.size() == 1);
    CHECK(got[0].loc.line == 1);
    CHECK(got[0].message == "date 2027-01-10 is after now (2026-11-23): a review or update that "
                            "has not happened yet is not counted");
    CHECK(got[0].hint == "set date to the day it happened");
  }
}

} // namespace nines
