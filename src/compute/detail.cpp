#include "compute/detail.hpp"

#include "model/time.hpp"

#include <cmath>
#include <cstdio>

namespace nines::compute_detail {

std::optional<std::int64_t> day_of_text(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  if (text.size() == 10) return parse_date(text);
  // A timestamp: its UTC day (an offset may move it across midnight).
  if (auto t = parse_timestamp(text)) return day_of(*t);
  return parse_date(text.substr(0, 10));
}

const Service* find_service(const Repo& repo, const std::string& id) {
  for (const auto& s : repo.services)
    if (s.meta.id == id) return &s;
  return nullptr;
}

std::vector<const Slo*> slos_of(const Repo& repo, const std::string& service) {
  std::vector<const Slo*> out;
  for (const auto& s : repo.slos)
    if (s.service.id == service) out.push_back(&s);
  return out;
}

std::vector<const Runbook*> runbooks_of(const Repo& repo, const std::string& service) {
  std::vector<const Runbook*> out;
  for (const auto& r : repo.runbooks)
    if (r.service.id == service) out.push_back(&r);
  return out;
}

const Rotation* find_rotation(const Repo& repo, const std::string& id) {
  if (id.empty()) return nullptr;
  for (const auto& r : repo.rotations)
    if (r.meta.id == id) return &r;
  return nullptr;
}

bool runbook_covers(const Runbook& rb, const std::string& alert, const std::string& service) {
  return !alert.empty() && rb.alert_name == alert &&
         (rb.service.empty() || rb.service.id == service);
}

bool alert_has_runbook(const Repo& repo, const std::string& alert, const std::string& service) {
  for (const auto& rb : repo.runbooks)
    if (runbook_covers(rb, alert, service)) return true;
  return false;
}

bool usable(const DailyCount& c) {
  return std::isfinite(c.good) && std::isfinite(c.total) && c.total > 0 && c.good >= 0 &&
         c.good <= c.total;
}

bool has_data_before(const DailySeries* series, std::int64_t before_day) {
  if (!series) return false;
  for (const auto& [day, c] : *series) {
    if (day >= before_day) break;
    if (usable(c)) return true;
  }
  return false;
}

bool golden_signals_complete(const Config& config) {
  bool latency = false, traffic = false, errors = false, saturation = false;
  for (const auto& [key, query] : config.golden_signals) {
    if (query.empty()) continue;
    latency = latency || key.find("latency") != std::string::npos;
    traffic = traffic || key.find("traffic") != std::string::npos;
    errors = errors || key.find("error") != std::string::npos;
    saturation = saturation || key.find("saturation") != std::string::npos;
  }
  return latency && traffic && errors && saturation;
}

const ReadinessItem* latest_review_item(const Repo& repo, const std::string& service,
                                        const std::string& slug, const ReadinessReview** review) {
  const ReadinessItem* best = nullptr;
  std::optional<std::int64_t> best_day;
  for (const auto& r : repo.readiness) {
    if (r.service.id != service) continue;
    auto day = day_of_text(r.date);
    for (const auto& item : r.items) {
      if (item.check != slug) continue;
      if (!best || (day && (!best_day || *day >= *best_day))) {
        best = &item;
        best_day = day;
        if (review) *review = &r;
      }
    }
  }
  return best;
}

} // namespace nines::compute_detail
