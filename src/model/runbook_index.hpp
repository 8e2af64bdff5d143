// Which runbooks answer an alert (SPEC 3.6), from an index built once. The rule lives here so
// that the link stage's lint, the compute stage's readiness and maturity criteria and the SLO
// pages agree; asked per alert over the whole runbook list, it cost alerts × runbooks (alert
// names such as "HighErrorRate" recur in every service).
#pragma once

#include "model/model.hpp"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nines {

class RunbookIndex {
public:
  // The index refers to the runbooks and their strings: it must not outlive them.
  explicit RunbookIndex(const std::vector<Runbook>& runbooks) {
    for (const auto& rb : runbooks) {
      Entry& e = m_by_alert[rb.alert_name];
      if (rb.service.empty())
        e.serviceless.push_back(&rb);
      else
        e.by_service[rb.service.id].push_back(&rb);
    }
  }

  // A runbook covers an alert when its alert_name equals the alert's name and its service, when
  // it names one, is the alert's service. With `any_service`, an alert that names no service (a
  // plain Prometheus rule) is covered by a runbook of any service. A nameless alert has none.
  bool covers(std::string_view alert, std::string_view service, bool any_service = false) const {
    const Entry* e = entry(alert);
    if (!e) return false;
    if (!e->serviceless.empty()) return true;
    if (service.empty()) return any_service && !e->by_service.empty();
    return e->by_service.count(service) != 0;
  }

  // The runbooks covering the alert of `service` by that rule (without `any_service`), in the
  // order of the list the index was built from.
  std::vector<const Runbook*> answering(std::string_view alert, std::string_view service) const {
    std::vector<const Runbook*> out;
    const Entry* e = entry(alert);
    if (!e) return out;
    if (!service.empty())
      if (auto it = e->by_service.find(service); it != e->by_service.end()) out = it->second;
    // Both lists point into one vector, in its order: merging by address keeps that order.
    const auto middle = static_cast<std::ptrdiff_t>(out.size());
    out.insert(out.end(), e->serviceless.begin(), e->serviceless.end());
    std::inplace_merge(out.begin(), out.begin() + middle, out.end(), std::less<>());
    return out;
  }

private:
  struct Entry {
    std::vector<const Runbook*> serviceless;
    std::unordered_map<std::string_view, std::vector<const Runbook*>> by_service;
  };

  const Entry* entry(std::string_view alert) const {
    if (alert.empty()) return nullptr;
    auto it = m_by_alert.find(alert);
    return it == m_by_alert.end() ? nullptr : &it->second;
  }

  std::unordered_map<std::string_view, Entry> m_by_alert;
};

} // namespace nines
