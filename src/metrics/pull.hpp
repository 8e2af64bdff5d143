// Pulling SLI data from the metrics sources into the store (SPEC 4): the closed days the store
// lacks, the golden signals, and the short live windows the build needs at `now`.
//
// Nothing from a failed or invalid fetch is stored (SPEC 4.4): a day is written only when both its
// good and total queries succeeded and the pair is valid; everything else is reported, per SLO,
// and the build goes on from what the store already has.
#pragma once

#include "diag/diagnostic.hpp"
#include "metrics/http.hpp"
#include "metrics/store.hpp"
#include "model/model.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace nines {

struct PullProgress {
  std::size_t done = 0;   // requests completed (ok or not)
  std::size_t failed = 0; // of which failed
  std::size_t total = 0;  // requests of this pull
  double elapsed_s = 0;
};

struct PullOptions {
  bool live = true;      // query the short windows at now (for the build; never stored)
  bool golden = true;    // refresh golden-signal series
  int golden_days = 28;  // closed days of golden signals kept fetched
  double deadline_s = 0; // the whole pull; past it what is left is skipped. 0: metrics.deadline
  std::function<void(const PullProgress&)> progress; // after each completed request
};

// One problem, in words that name the SLO (or service), the source and its URL — never the token —
// and where a diagnostic should point.
struct PullError {
  std::string slo;     // empty for a golden signal
  std::string service; // for a golden signal
  std::string source;
  std::string file;
  Loc loc;
  std::string message;
};

struct SourcePullReport {
  std::string name, url; // url without credentials
  std::size_t queries = 0, failed = 0;
  bool unreachable = false;
};

struct PullReport {
  std::size_t queries_done = 0; // requests completed
  // Of which failed: transport, HTTP, envelope, deadline, more than one series, two values at one
  // time, or an answer of which not one value could be stored (all NaN, negative, off the day
  // steps, or refused with its good/total pair: good > total, one side without data).
  std::size_t queries_failed = 0;
  std::size_t queries_skipped = 0; // of which not done before the deadline
  std::size_t days_stored = 0;
  std::size_t days_provisional = 0; // of which not settled yet: fetched again by later pulls
  // Per SLO: the days this pull fetched and stored, so a provisional day among them is as
  // current as the server can tell, and one not among them was not confirmed by this run.
  std::map<std::string, std::set<std::int64_t>> days_fetched;
  // Per SLO: the days this pull asked for and did not get (the fetch failed, or its answer was
  // refused), not the days the server simply had no data for. A window with one of them in it is
  // not fresh, even when its last day is (docs/metrics.md, "Bad answers").
  std::map<std::string, std::set<std::int64_t>> days_failed;
  std::size_t golden_stored = 0;
  std::size_t golden_provisional = 0;      // of which not settled yet: fetched again by later pulls
  std::size_t values_rejected = 0;         // NaN, ±Inf, negative, good > total, off the day steps
  std::set<std::string> slos_measured;     // SLOs whose SLI has a query, with a usable source
  std::map<std::string, LiveWindows> live; // per SLO: label as written → counts
  // Per SLO: the live windows asked for and not fetched (failed, or refused); their burn rates are
  // missing, not merely unknown.
  std::map<std::string, std::set<std::string>> live_failed;
  // Per service: the golden signals whose fetch failed; the stored values are all there is.
  std::map<std::string, std::set<std::string>> golden_failed;
  std::vector<PullError> errors;
  std::vector<SourcePullReport> sources;
  double elapsed_s = 0;

  // A source could not be reached and not one query (of any source) succeeded.
  bool unreachable_and_nothing_fetched() const;
  // Queries were made and not one succeeded: `metrics pull` exits 3 then (1 when only some
  // failed).
  bool nothing_fetched() const { return queries_done > 0 && queries_failed == queries_done; }
};

PullReport pull_metrics(const Repo& repo, Store& store, const PullOptions& opts, std::int64_t now,
                        HttpClient& http);

// The definitions of the series a pull fetches (SeriesDefinitions): for each SLO, a digest of
// the source its SLI's query names, its good and total queries with {{service}} filled in and
// nines.yaml's time zone (which cuts the days); "" for an SLO nothing is fetched for. For each
// service and golden signal, the same of the signal's query.
SeriesDefinitions series_definitions(const Repo& repo);

// The windows an SLO needs live at now: 1h, 6h, 24h, 3d and the short and long window of each
// alert it pages with (paging_alerts: its own, or the generated defaults), as label → minutes
// (labels as written; the compute stage matches them by duration).
std::map<std::string, double> live_windows_of(const Repo& repo, const Slo& slo);

// The largest answer a pull takes from a source that runs `concurrency` requests at once. Every
// answer in flight is held whole until it is parsed, so the cap shrinks as more run at once: at
// most 16 MiB each, and never more than 256 MiB of answers in all (1 MiB each at the most
// `concurrency` allows). A daily or live answer of one series is a few kilobytes.
std::size_t answer_cap_bytes(int concurrency);

} // namespace nines
