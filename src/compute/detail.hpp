// Helpers shared by the compute stage's files; not part of its interface (figures.hpp is).
#pragma once

#include "compute/figures.hpp"
#include "model/digest.hpp"
#include "model/model.hpp"
#include "model/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nines::compute_detail {

using nines::day_of; // model/time.hpp

using nines::day_of_text; // model/time.hpp

using nines::fnv1a_hex; // model/digest.hpp

// While an IndexScope for `repo` is alive on this thread, the look-ups below answer from an index
// of the repository built once, instead of scanning its lists: asked per service and per
// checklist row, the scans made the compute stage quadratic in the size of the organisation.
// compute_all holds one. The repository must not change while the scope lives (the index refers
// to its strings). Without a scope (a unit test calling one formula) they scan, with the same
// answers.
//
// A formula run on several threads (compute_all's parallel_for) lends each worker the caller's
// index: current() names it, and an IndexScope made from that installs it on the worker's thread
// for the scope's life without copying or freeing it. The index is never written after it is
// built, so threads share it safely.
class IndexScope {
public:
  struct Lent {
    const void* index = nullptr;
  };

  explicit IndexScope(const Repo& repo);
  explicit IndexScope(Lent lent);
  ~IndexScope();
  IndexScope(const IndexScope&) = delete;
  IndexScope& operator=(const IndexScope&) = delete;

  static Lent current();                // the index this thread answers from (none: no index)
  static bool covers(const Repo& repo); // whether this thread answers from an index of `repo`

private:
  const void* m_previous;
  bool m_owned;
};

const Service* find_service(const Repo& repo, const std::string& id);
std::vector<const Slo*> slos_of(const Repo& repo, const std::string& service);
std::vector<const Runbook*> runbooks_of(const Repo& repo, const std::string& service);
const Rotation* find_rotation(const Repo& repo, const std::string& id);
const Sli* find_sli(const Repo& repo, const std::string& id);

// A service's documents of one kind, in the repository's order, each once. Asked per service by
// the maturity scores, where a scan of the whole list per service made the compute stage
// quadratic (docs/performance.md, "Linear at 50,000 documents").
// Postmortems that list `service` among their affected services:
std::vector<const Postmortem*> postmortems_of(const Repo& repo, const std::string& service);
// Toil items of the service (`service:`), and the items affecting `team` (teams_affected; the
// service's owner team; empty: none), each once:
std::vector<const ToilItem*> toil_items_of(const Repo& repo, const std::string& service,
                                           const std::string& team);
std::vector<const AutoRemediation*> remediations_of(const Repo& repo, const std::string& service);
std::vector<const CapacityModel*> capacity_of(const Repo& repo, const std::string& service);
// Experiments naming the service, or, without `service:`, targeting it:
std::vector<const Experiment*> experiments_of(const Repo& repo, const std::string& service);
// The postmortems of root cause `category` that affect `service`, as (day of their date,
// postmortem) sorted by day, for the repeat-incident rule (SPEC 3.5); null without an index
// (the caller scans then). Postmortems without a valid date are not in it.
using DatedPostmortems = std::vector<std::pair<std::int64_t, const Postmortem*>>;
const DatedPostmortems* postmortems_by_cause(const Repo& repo, std::string_view category,
                                             std::string_view service);

// SPEC 3.6: a runbook covers an alert when its alert_name equals the alert's name and its service,
// when it names one, is the alert's service (RunbookIndex, model/runbook_index.hpp).
bool alert_has_runbook(const Repo& repo, const std::string& alert, const std::string& service);

// True when the series has a day with total > 0 (and good ≤ total) before `before_day`.
bool has_data_before(const DailySeries* series, std::int64_t before_day);

// nines.yaml golden_signals has templates for latency, traffic, errors and saturation (matched by
// key: a key containing "latency", "traffic", "error" or "saturation").
bool golden_signals_complete(const Config& config);

// The readiness item for `slug` in the service's latest-dated review that lists it (an equal date
// lets the later document win), among the reviews not dated after `today` (date_after: one that
// has not happened decides nothing); nullptr when none lists it.
const ReadinessItem* latest_review_item(const Repo& repo, const std::string& service,
                                        const std::string& slug, std::int64_t today,
                                        const ReadinessReview** review = nullptr);

// Whether any readiness review of the service not dated after `today` records check `slug` as
// `pass`, whatever its date: evidence for maturity, which adding a later review (say one that has
// not got to the check yet) must never take away. The checklist itself shows the latest review's
// status.
bool any_review_passed(const Repo& repo, const std::string& service, const std::string& slug,
                       std::int64_t today);

// A usable day of data: total > 0, 0 ≤ good ≤ total, both finite.
bool usable(const DailyCount& c);

} // namespace nines::compute_detail
