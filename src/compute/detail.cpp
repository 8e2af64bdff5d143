#include "compute/detail.hpp"

#include "model/runbook_index.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <string_view>
#include <unordered_map>

namespace nines::compute_detail {

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
    for (const auto& sli : r.slis)
      slis.emplace(sli.meta.id, &sli);
    for (const auto& rv : r.readiness)
      readiness[rv.service.id].push_back(&rv);
    for (const auto& p : r.postmortems)
      for (const auto& s : p.services)
        add_once(postmortems[s.id], &p);
    for (const auto& t : r.toil) {
      toil[t.service.id].push_back(&t);
      // Scoped or not: an item that affects a team is that team's toil (docs/scoring.md), as
      // the team's toil share counts it.
      for (const auto& team : t.teams_affected)
        add_once(team_toil[team.id], &t);
    }
    for (const auto& a : r.remediations)
      remediations[a.service.id].push_back(&a);
    for (const auto& c : r.capacity)
      capacity[c.service.id].push_back(&c);
    for (const auto& e : r.experiments)
      experiments[e.service_id()].push_back(&e);
    for (const auto& p : r.postmortems) {
      if (p.root_cause_category.empty()) continue;
      const auto day = day_of_text(p.date);
      if (!day) continue;
      for (const auto& s : p.services)
        if (!s.empty()) by_cause[{p.root_cause_category, s.id}].push_back({*day, &p});
    }
    for (auto& [key, list] : by_cause)
      std::stable_sort(list.begin(), list.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  // A document listing one key twice is listed once under it (they come in order, so the twin is
  // the last one added).
  template <class T> static void add_once(std::vector<const T*>& v, const T* doc) {
    if (v.empty() || v.back() != doc) v.push_back(doc);
  }
  const Repo* repo;
  std::unordered_map<std::string_view, const Service*> services;
  std::unordered_map<std::string_view, std::vector<const Slo*>> slos;
  std::unordered_map<std::string_view, std::vector<const Runbook*>> runbooks;
  std::unordered_map<std::string_view, const Rotation*> rotations;
  std::unordered_map<std::string_view, const Sli*> slis;
  std::unordered_map<std::string_view, std::vector<const ReadinessReview*>> readiness;
  std::unordered_map<std::string_view, std::vector<const Postmortem*>> postmortems;
  std::unordered_map<std::string_view, std::vector<const ToilItem*>> toil;      // by service
  std::unordered_map<std::string_view, std::vector<const ToilItem*>> team_toil; // by team
  std::unordered_map<std::string_view, std::vector<const AutoRemediation*>> remediations;
  std::unordered_map<std::string_view, std::vector<const CapacityModel*>> capacity;
  std::unordered_map<std::string_view, std::vector<const Experiment*>> experiments;
  std::map<std::pair<std::string_view, std::string_view>, DatedPostmortems> by_cause;
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

// The documents of `docs` whose `service` is `service`, in order: the scan each look-up below
// does without an index.
template <class T>
std::vector<const T*> with_service(const std::vector<T>& docs, const std::string& service) {
  std::vector<const T*> out;
  for (const auto& d : docs)
    if (d.service.id == service) out.push_back(&d);
  return out;
}

// The document of `docs` with id `id`: from the index's map when one is lent to this thread,
// else by a scan; null for "" or an unknown id.
template <class T, class Map>
const T* by_id(const Map* indexed, const std::vector<T>& docs, const std::string& id) {
  if (id.empty()) return nullptr;
  if (indexed) {
    auto it = indexed->find(id);
    return it == indexed->end() ? nullptr : it->second;
  }
  for (const auto& d : docs)
    if (d.meta.id == id) return &d;
  return nullptr;
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

bool IndexScope::covers(const Repo& repo) {
  return index_for(repo) != nullptr;
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
  return with_service(repo.slos, service);
}

std::vector<const Runbook*> runbooks_of(const Repo& repo, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return listed(ix->runbooks, service);
  return with_service(repo.runbooks, service);
}

std::vector<const Postmortem*> postmortems_of(const Repo& repo, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return listed(ix->postmortems, service);
  std::vector<const Postmortem*> out;
  for (const auto& p : repo.postmortems)
    if (std::any_of(p.services.begin(), p.services.end(),
                    [&](const Ref& s) { return s.id == service; }))
      out.push_back(&p);
  return out;
}

std::vector<const ToilItem*> toil_items_of(const Repo& repo, const std::string& service,
                                           const std::string& team) {
  if (const RepoIndex* ix = index_for(repo)) {
    std::vector<const ToilItem*> out = listed(ix->toil, service);
    if (!team.empty()) {
      // Both lists point into repo.toil, so address order is the repository's order; an item
      // of the service that affects its team is in both, and kept once.
      const std::vector<const ToilItem*> more = listed(ix->team_toil, team);
      std::vector<const ToilItem*> merged;
      merged.reserve(out.size() + more.size());
      std::set_union(out.begin(), out.end(), more.begin(), more.end(), std::back_inserter(merged),
                     std::less<const ToilItem*>());
      out = std::move(merged);
    }
    return out;
  }
  std::vector<const ToilItem*> out;
  for (const auto& t : repo.toil) {
    bool mine = t.service.id == service;
    if (!mine && !team.empty())
      mine = std::any_of(t.teams_affected.begin(), t.teams_affected.end(),
                         [&](const Ref& r) { return r.id == team; });
    if (mine) out.push_back(&t);
  }
  return out;
}

std::vector<const AutoRemediation*> remediations_of(const Repo& repo, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return listed(ix->remediations, service);
  return with_service(repo.remediations, service);
}

std::vector<const CapacityModel*> capacity_of(const Repo& repo, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return listed(ix->capacity, service);
  return with_service(repo.capacity, service);
}

std::vector<const Experiment*> experiments_of(const Repo& repo, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return listed(ix->experiments, service);
  std::vector<const Experiment*> out;
  for (const auto& e : repo.experiments)
    if (e.service_id() == service) out.push_back(&e);
  return out;
}

const DatedPostmortems* postmortems_by_cause(const Repo& repo, std::string_view category,
                                             std::string_view service) {
  static const DatedPostmortems k_none;
  const RepoIndex* ix = index_for(repo);
  if (!ix) return nullptr;
  auto it = ix->by_cause.find({category, service});
  return it == ix->by_cause.end() ? &k_none : &it->second;
}

const Rotation* find_rotation(const Repo& repo, const std::string& id) {
  const RepoIndex* ix = index_for(repo);
  return by_id(ix ? &ix->rotations : nullptr, repo.rotations, id);
}

const Sli* find_sli(const Repo& repo, const std::string& id) {
  const RepoIndex* ix = index_for(repo);
  return by_id(ix ? &ix->slis : nullptr, repo.slis, id);
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

namespace {

// The service's readiness reviews, in document order.
std::vector<const ReadinessReview*> reviews_of(const Repo& repo, const std::string& service) {
  if (const RepoIndex* ix = index_for(repo)) return listed(ix->readiness, service);
  std::vector<const ReadinessReview*> reviews;
  for (const auto& r : repo.readiness)
    if (r.service.id == service) reviews.push_back(&r);
  return reviews;
}

} // namespace

bool any_review_passed(const Repo& repo, const std::string& service, const std::string& slug,
                       std::int64_t today) {
  for (const ReadinessReview* rv : reviews_of(repo, service)) {
    if (date_after(rv->date, today)) continue;
    for (const auto& item : rv->items)
      if (item.check == slug && item.status == "pass") return true;
  }
  return false;
}

const ReadinessItem* latest_review_item(const Repo& repo, const std::string& service,
                                        const std::string& slug, std::int64_t today,
                                        const ReadinessReview** review) {
  const ReadinessItem* best = nullptr;
  std::optional<std::int64_t> best_day;
  for (const ReadinessReview* rv : reviews_of(repo, service)) {
    const ReadinessReview& r = *rv;
    if (date_after(r.date, today)) continue;
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
