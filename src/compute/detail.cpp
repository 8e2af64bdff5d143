#include "compute/detail.hpp"

#include "model/runbook_index.hpp"
#include "model/time.hpp"

#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_map>

namespace nines::compute_detail {

std::optional<std::int64_t> day_of_text(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  if (text.size() == 10) return parse_date(text);
  // A timestamp: its UTC day (an offset may move it across midnight).
  if (auto t = parse_timestamp(text)) return day_of(*t);
  return parse_date(text.substr(0, 10));
}

namespace {

struct RepoIndex {
  explicit RepoIndex(const Repo& r) : repo(&r), runbook_cover(r.runbooks) {
    // emplace keeps the first document of an id, as the scans return the first match.
    for (const auto& s : r.services)
      services.emplace(s.meta.id, &s);
    for (const auto& s : r.slos)
      slos[s.service.id].push_back(&s);
    for (const auto& rb : r.runbooks)
      runbooks[rb.service.id].push_back(&rb);
    for (const auto& rot : r.rotations)
      rotations.emplace(rot.meta.id, &rot);
    for (const auto& rv : r.readiness)
      readiness[rv.service.id].push_back(&rv);
  }
  const Repo* repo;
  std::unordered_map<std::string_view, const Service*> services;
  std::unordered_map<std::string_view, std::vector<const Slo*>> slos;
  std::unordered_map<std::string_view, std::vector<const Runbook*>> runbooks;
  std::unordered_map<std::string_view, const Rotation*> rotations;
  std::unordered_map<std::string_view, std::vector<const ReadinessReview*>> readiness;
  RunbookIndex runbook_cover;
};

thread_local const RepoIndex* t_index = nullptr;

const RepoIndex* index_for(const Repo& repo) {
  return t_index && t_index->repo == &repo ? t_index : nullptr;
}

template <class T>
std::vector<const T*> listed(const std::unordered_map<std::string_view, std::vector<const T*>>& m,
                             const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::vector<const T*>{} : it->second;
}

} // namespace

IndexScope::IndexScope(const Repo& repo) : m_previous(t_index), m_owned(true) {
  t_index = new RepoIndex(repo);
}

IndexScope::IndexScope(Lent lent) : m_previous(t_index), m_owned(false) {
  t_index = static_cast<const RepoIndex*>(lent.index);
}

IndexScope::~IndexScope() {
  if (m_owned) delete t_index;
  t_index = static_cast<const RepoIndex*>(m_previous);
}

IndexScope::Lent IndexScope::current() {
  return {t_index};
}

const Service* find_service(const Repo& repo, const std::string& id) {
  if (const RepoIndex* ix = index_for(repo)) {
    auto it = ix->services.find(id);
    return it == ix->services.end() ? nullptr : it->second;
  }
  for (const auto& s : repo.services)
    if (s.meta.id == id) return &s;
  return nullptr;
}

std::vector<const Slo*> slos_of(const Repo& repo, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return listed(ix->slos, service);
  std::vector<const Slo*> out;
  for (const auto& s : repo.slos)
    if (s.service.id == service) out.push_back(&s);
  return out;
}

std::vector<const Runbook*> runbooks_of(const Repo& repo, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return listed(ix->runbooks, service);
  std::vector<const Runbook*> out;
  for (const auto& r : repo.runbooks)
    if (r.service.id == service) out.push_back(&r);
  return out;
}

const Rotation* find_rotation(const Repo& repo, const std::string& id) {
  if (id.empty()) return nullptr;
  if (const RepoIndex* ix = index_for(repo)) {
    auto it = ix->rotations.find(id);
    return it == ix->rotations.end() ? nullptr : it->second;
  }
  for (const auto& r : repo.rotations)
    if (r.meta.id == id) return &r;
  return nullptr;
}

bool alert_has_runbook(const Repo& repo, const std::string& alert, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return ix->runbook_cover.covers(alert, service);
  return RunbookIndex(repo.runbooks).covers(alert, service);
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
  std::vector<const ReadinessReview*> reviews;
  if (const RepoIndex* ix = index_for(repo)) {
    reviews = listed(ix->readiness, service);
  } else {
    for (const auto& r : repo.readiness)
      if (r.service.id == service) reviews.push_back(&r);
  }
  for (const ReadinessReview* rv : reviews) {
    const ReadinessReview& r = *rv;
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
