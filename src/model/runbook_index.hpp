// Which alerts have a runbook (SPEC 3.6), answered from an index built once. The rule lives here
// so that the link stage's lint and the compute stage's readiness and maturity criteria agree;
// asked per alert over the whole runbook list, it cost alerts × runbooks.
#pragma once

#include "model/model.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nines {

class RunbookIndex {
public:
  // The index refers to the runbooks' strings: it must not outlive them.
  explicit RunbookIndex(const std::vector<Runbook>& runbooks) {
    for (const auto& rb : runbooks) {
      Entry& e = m_by_alert[rb.alert_name];
      if (rb.service.empty())
        e.serviceless = true;
      else
        e.services.insert(rb.service.id);
    }
  }

  // A runbook covers an alert when its alert_name equals the alert's name and its service, when
  // it names one, is the alert's service. With `any_service`, an alert that names no service (a
  // plain Prometheus rule) is covered by a runbook of any service. A nameless alert has none.
  bool covers(std::string_view alert, std::string_view service, bool any_service = false) const {
    if (alert.empty()) return false;
    auto it = m_by_alert.find(alert);
    if (it == m_by_alert.end()) return false;
    const Entry& e = it->second;
    if (e.serviceless) return true;
    if (service.empty()) return any_service && !e.services.empty();
    return e.services.count(service) != 0;
  }

private:
  struct Entry {
    bool serviceless = false;
    std::unordered_set<std::string_view> services;
  };
  std::unordered_map<std::string_view, Entry> m_by_alert;
};

} // namespace nines
