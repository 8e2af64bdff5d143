#include "compute/figures_all.hpp"
#include "render/site.hpp"
#include "render/site_detail.hpp"

#include <doctest/doctest.h>

using namespace nines;

namespace {

// A review of `n` SLOs, each with an alert that fired on one day of the week.
WeeklyReview long_review(std::size_t n) {
  WeeklyReview r;
  r.week = "2026-W44";
  r.first_day = "2026-10-26";
  r.last_day = "2026-11-01";
  for (std::size_t i = 0; i < n; ++i) {
    BudgetWeek w;
    w.slo = "slo-" + std::to_string(1000 + i);
    w.service = "svc";
    w.remaining = 1.0 - static_cast<double>(i) / 1000.0;
    AlertWeek a;
    a.name = "fast-burn";
    a.judged = true;
    a.fired = {"2026-10-27"};
    w.alerts.push_back(a);
    r.slos.push_back(w);
    ++r.alerts_fired;
  }
  return r;
}

} // namespace

TEST_CASE("a long weekly review keeps the paper rows of its SLOs and fired alerts") {
  Repo repo;
  Figures figs;
  figs.reviews.emplace("2026-W44", long_review(site::k_paper_rows + 50));
  std::vector<Diagnostic> diags;
  std::map<std::string, DailySeries> series;
  SiteOptions opts;
  site::Site s(repo, figs, diags, series, opts);
  const auto v = site::review_view(s, figs.reviews.at("2026-W44"));

  REQUIRE(v["slos"].size() == site::k_paper_rows);
  // The least budget left comes first: the last SLOs of the review.
  CHECK(v["slos"][0]["slo"] == "slo-1149");
  CHECK(v["slos_more"] == "50 more SLOs are in api/reviews/2026-W44.json");
  // Every fired alert was listed before, under a line saying 50 of them were not.
  CHECK(v["fired"].size() == site::k_paper_rows);
  CHECK(v["fired_more"] == "50 more alerts are in api/reviews/2026-W44.json");
  CHECK(v["has_fired"] == true);
}

TEST_CASE("a short weekly review lists everything, in the review's order") {
  Repo repo;
  Figures figs;
  figs.reviews.emplace("2026-W44", long_review(3));
  std::vector<Diagnostic> diags;
  std::map<std::string, DailySeries> series;
  SiteOptions opts;
  site::Site s(repo, figs, diags, series, opts);
  const auto v = site::review_view(s, figs.reviews.at("2026-W44"));
  REQUIRE(v["slos"].size() == 3);
  CHECK(v["slos"][0]["slo"] == "slo-1000");
  CHECK(v["slos_more"].is_null());
  CHECK(v["fired"].size() == 3);
  CHECK(v["fired_more"].is_null());
}
