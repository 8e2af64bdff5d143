#include "model/runbook_index.hpp"

#include <doctest/doctest.h>
#include <random>
#include <string>
#include <vector>

using namespace nines;

namespace {

// SPEC 3.6 by a scan of every runbook: the rule the index must answer by.
std::vector<const Runbook*> scanned(const std::vector<Runbook>& runbooks, const std::string& alert,
                                    const std::string& service) {
  std::vector<const Runbook*> out;
  if (alert.empty()) return out;
  for (const auto& rb : runbooks)
    if (rb.alert_name == alert && (rb.service.empty() || rb.service.id == service))
      out.push_back(&rb);
  return out;
}

} // namespace

TEST_SUITE("model/runbook_index") {
  TEST_CASE("answering gives a scan's runbooks in the list's order, and covers agrees") {
    std::mt19937 rng(7);
    const std::vector<std::string> alerts = {"", "HighErrorRate", "fast_burn", "slow_burn"};
    const std::vector<std::string> services = {"", "pay-api", "cart", "search"};
    for (int round = 0; round < 200; ++round) {
      std::vector<Runbook> runbooks(rng() % 12);
      for (std::size_t i = 0; i < runbooks.size(); ++i) {
        runbooks[i].meta.id = "rb-" + std::to_string(i);
        runbooks[i].alert_name = alerts[rng() % alerts.size()];
        runbooks[i].service.id = services[rng() % services.size()];
      }
      const RunbookIndex index(runbooks);
      for (const auto& alert : alerts)
        for (const auto& service : services) {
          const auto expected = scanned(runbooks, alert, service);
          CHECK(index.answering(alert, service) == expected);
          CHECK(index.covers(alert, service) == !expected.empty());
        }
    }
  }

  TEST_CASE("a runbook of one service does not answer another's alert") {
    std::vector<Runbook> runbooks(3);
    runbooks[0].alert_name = "HighErrorRate";
    runbooks[0].service.id = "cart";
    runbooks[1].alert_name = "HighErrorRate"; // no service: answers every service's alert
    runbooks[2].alert_name = "HighErrorRate";
    runbooks[2].service.id = "pay-api";
    const RunbookIndex index(runbooks);
    CHECK(index.answering("HighErrorRate", "pay-api") ==
          std::vector<const Runbook*>{&runbooks[1], &runbooks[2]});
    CHECK(index.answering("HighErrorRate", "") == std::vector<const Runbook*>{&runbooks[1]});
    CHECK(index.answering("LowTraffic", "pay-api").empty());
    // Without a serviceless runbook, an alert naming no service is covered only with any_service.
    runbooks.erase(runbooks.begin() + 1);
    const RunbookIndex scoped(runbooks);
    CHECK_FALSE(scoped.covers("HighErrorRate", ""));
    CHECK(scoped.covers("HighErrorRate", "", true));
    CHECK(scoped.covers("HighErrorRate", "cart"));
    CHECK_FALSE(scoped.covers("HighErrorRate", "search"));
  }
}
