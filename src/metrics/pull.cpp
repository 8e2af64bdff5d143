#include "metrics/pull.hpp"

#include "metrics/prometheus.hpp"
#include "model/alerts.hpp"
#include "model/digest.hpp"
#include "model/promql.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace nines {

bool PullReport::unreachable_and_nothing_fetched() const {
  bool unreachable = false;
  for (const auto& s : sources)
    unreachable = unreachable || s.unreachable;
  return unreachable && queries_done > 0 && queries_done == queries_failed;
}

SeriesDefinitions series_definitions(const Repo& repo) {
  const auto& sources = repo.config.sources;
  const std::string first = sources.empty() ? "" : sources.front().name;
  // Each piece ends with a byte no query or name holds, so no two lists of pieces hash alike.
  auto digest = [&](std::initializer_list<std::string_view> pieces) {
    Fnv1a hash;
    for (std::string_view piece : pieces) {
      hash.add(piece);
      hash.add(std::string_view("\x1F", 1));
    }
    return hash.hex();
  };
  SeriesDefinitions defs;
  for (const auto& slo : repo.slos) {
    const auto [sli, query] = slo_query(repo, slo);
    std::string& d = defs.slos[slo.meta.id];
    if (!sli || !query) continue; // nothing is fetched for it: "" (a removed query counts)
    const std::string& service = slo.service.id;
    d = digest({"slo/1", query->source.empty() ? first : query->source,
                render_service_template(query->good, service),
                render_service_template(query->total, service), repo.config.timezone});
  }
  for (const auto& svc : repo.services)
    for (const auto& [signal, expr] : repo.config.golden_signals)
      defs.golden[{svc.meta.id, signal}] =
          expr.empty() ? ""
                       : digest({"golden/1", first, render_service_template(expr, svc.meta.id),
                                 repo.config.timezone});
  return defs;
}

std::map<std::string, double> live_windows_of(const Repo& repo, const Slo& slo) {
  std::map<std::string, double> out = {
      {"1h", 60.0}, {"6h", 360.0}, {"24h", 1440.0}, {"3d", 4320.0}};
  // The alerts the SLO's page shows, the generated defaults included: their short windows (5m,
  // 30m) are live-only, and without them a default alert's figures would always be unknown.
  for (const auto& a : paging_alerts(repo, slo)) {
    if (!a.short_window.empty() && a.short_window_min > 0)
      out.emplace(a.short_window, a.short_window_min);
    if (!a.long_window.empty() && a.long_window_min > 0)
      out.emplace(a.long_window, a.long_window_min);
  }
  return out;
}

namespace {

std::string show(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Why a value cannot be an event count; nullptr when it can.
const char* count_problem(double v) {
  if (std::isnan(v)) return "is NaN";
  if (std::isinf(v)) return v > 0 ? "is +Inf" : "is -Inf";
  if (v < 0) return "is negative";
  if (v > k_max_count) return "is over 2^53, too large to sum exactly";
  return nullptr;
}

// Whether `good` is above `total` by more than the rounding of two sums. good and total are two
// queries, each a sum over its own series, added in an order of the server's: on a day without
// errors they can differ in the last bits (10000.000000000004 against 10000). That is read as
// good = total; anything more is a lie about the events, and the answer fails. One part in 10^9
// is far above a double's rounding of any sum and far below one event in a million.
constexpr double k_sum_rounding = 1e-9;

bool good_over_total(double& good, double total) {
  if (good <= total) return false;
  if (good - total <= total * k_sum_rounding) {
    good = total;
    return false;
  }
  return true;
}

// Why a golden-signal value cannot be stored; nullptr when it can. Latency, error rate, traffic
// and saturation are never negative: a negative answer is a wrong query, as for counts.
const char* value_problem(double v) {
  if (std::isnan(v)) return "is NaN";
  if (std::isinf(v)) return v > 0 ? "is +Inf" : "is -Inf";
  if (v < 0) return "is negative";
  return nullptr;
}

// The samples of a range answer that are not at start + k·step within [start, end]: millisecond
// timestamps, a grid shifted by an hour, times never asked for. None of them is a day's value.
struct OffSteps {
  std::size_t count = 0;
  std::size_t outside = 0; // of them, at a step of the grid but before start or after end
  double example = 0;
};

OffSteps off_steps(const PromResponse& r, std::int64_t start, std::int64_t end, std::int64_t step) {
  OffSteps off;
  if (!r.ok || r.series.size() != 1) return off;
  for (const auto& sample : r.series.front().samples) {
    const double t = sample.first;
    const bool whole = t == std::floor(t);
    const bool on_grid = whole && (static_cast<std::int64_t>(t) - start) % step == 0;
    const bool in_range = t >= static_cast<double>(start) && t <= static_cast<double>(end);
    if (on_grid && in_range) continue;
    // Other days: on the grid, within ten years of the range (a time in milliseconds is on the
    // grid too, a thousand times further: another unit, not other days).
    constexpr double k_other_days = 10 * 366 * 86400.0;
    if (on_grid && t >= static_cast<double>(start) - k_other_days &&
        t <= static_cast<double>(end) + k_other_days)
      ++off.outside;
    if (off.count++ == 0) off.example = t;
  }
  return off;
}

// One query's samples off the day steps, in words; "" when there are none. Samples on the steps
// but outside the days asked for are said so: the server answered other days, not other times.
std::string describe_off_steps(const OffSteps& off, std::int64_t start, std::int64_t end,
                               std::int64_t step) {
  if (off.count == 0) return {};
  const char* where = off.outside == off.count ? " outside the requested days"
                      : off.outside > 0        ? " not at the requested day steps or outside them"
                                               : " not at the requested day steps";
  return std::to_string(off.count) + (off.count == 1 ? " sample is" : " samples are") + where +
         " (e.g. at unix time " + show(off.example) + "; asked for " + std::to_string(start) +
         " … " + std::to_string(end) + " every " + std::to_string(step) + " s), not stored";
}

// Days as "2026-10-04 … 2026-10-31" (or one day).
std::string day_span(const std::vector<std::int64_t>& days) {
  if (days.empty()) return "";
  if (days.size() == 1) return format_date(days.front());
  return format_date(days.front()) + " … " + format_date(days.back()) + " (" +
         std::to_string(days.size()) + " days)";
}

// "a, b, c and 4 more": messages stay one readable line for 500 SLOs.
std::string first_few(const std::vector<std::string>& items, std::size_t max = 3) {
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < max; ++i)
    s += (i ? ", " : "") + items[i];
  if (items.size() > max) s += " and " + std::to_string(items.size() - max) + " more";
  return s;
}

// Removes every copy of the token, of the source URL's own credentials and of other credentials:
// a server could echo the Authorization header or the request's URL into an error body, and
// nothing we print, store or publish may hold them.
std::string scrub(const std::string& s, const std::vector<std::string>& secrets) {
  return redact_secrets(s, secrets);
}

// What failed of a good/total pair, in words; "" when neither did.
std::string pair_failure(const std::string& good, const std::string& total) {
  if (!good.empty() && good == total) return "good and total queries: " + good;
  if (!good.empty() && !total.empty()) return "good query: " + good + "; total query: " + total;
  if (!good.empty()) return "good query: " + good;
  if (!total.empty()) return "total query: " + total;
  return {};
}

struct Completed {
  HttpResult http;
  PromResponse prom;
  std::string failure;   // empty when the envelope is usable
  bool failed = false;   // counted in queries_failed
  std::string why;       // when failed with a usable envelope: what was wrong with the answer
  bool of_query = false; // what failed is the expression (refused by the server, wrong shape)
  bool answered = false; // brought a value for a day or window asked for (or off the day steps)
  bool used = false;     // one of its values is stored (or is a live window)
};

struct SloContext {
  const Slo* slo = nullptr;
  const Sli* sli = nullptr;
  std::string service;
  const SliQuery* query = nullptr; // the SLO's own (an OpenSLO threshold objective), else its SLI's
  // The total is a constant (`vector(1)`, a raw ratio's): it answers in every window, so a good
  // side with no sample is no data there, never "one side only".
  bool constant_total() const { return query && sli_query_constant(query->total).has_value(); }
};

// Closed days fetched by one pair of range queries: consecutive day ends one step apart, each day
// as long as `seconds` (a day of a daylight-saving change is 23 or 25 hours long).
struct DaySegment {
  std::vector<std::int64_t> days;
  std::int64_t seconds = 86400;
  std::size_t good = 0, total = 0; // request indexes
};

struct DailyJob {
  std::size_t slo = 0; // index into SloContext list
  std::vector<std::int64_t> missing;
  std::vector<DaySegment> segments;
};

struct LiveJob {
  std::size_t slo = 0;
  double minutes = 0;
  std::vector<std::string> labels;
  std::size_t good = 0, total = 0;
};

struct GoldenJob {
  std::string service, signal;
  std::vector<std::int64_t> missing;
  std::vector<std::pair<std::vector<std::int64_t>, std::size_t>> segments; // days → request
};

struct SourcePlan {
  const MetricsSource* source = nullptr;
  std::string store_source;         // "prometheus:<name>"
  std::string url;                  // redacted
  std::string token;                // for scrubbing only; never printed
  std::vector<std::string> secrets; // the token and the URL's credentials: for scrubbing only
  std::vector<HttpRequest> requests;
  std::vector<DailyJob> daily;
  std::vector<LiveJob> live;
  std::vector<GoldenJob> golden;
  std::vector<Completed> results;
  // What passed every check, written at the end in one transaction per table: a commit is an
  // fsync, and one per SLO made a 500-SLO pull wait on the disk rather than the network.
  std::vector<DailyRow> daily_rows;
  std::vector<GoldenRow> golden_rows;
  std::size_t report = 0;  // index of this source in PullReport::sources
  std::size_t skipped = 0; // requests the pull's deadline left undone
  // Golden-signal query failure → (signals, services) it hit.
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> golden_failures;
  // Golden-signal samples off the day steps, gathered as failures are: one line per source.
  struct {
    std::set<std::string> signals, services;
    std::size_t samples = 0;
    std::string first; // the first query's description
  } golden_off_steps;
};

// The window of a day `seconds` long, as PromQL writes it.
std::string day_window(std::int64_t seconds) {
  if (seconds == k_seconds_per_day) return "1d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 60) + "m";
}

class Puller {
public:
  Puller(const Repo& repo, Store& store, const PullOptions& opts, std::int64_t now,
         HttpClient& http)
      : m_repo(repo), m_store(store), m_opts(opts), m_now(now), m_http(http) {}

  PullReport run();

private:
  SourcePlan* plan_for(const std::string& name);
  void plan_slo(std::size_t index);
  void plan_golden();
  void send(SourcePlan& plan);
  void finish_daily(SourcePlan& plan, const DailyJob& job);
  void finish_segment(SourcePlan& plan, const SloContext& c, const DaySegment& seg,
                      std::vector<std::string>& problems);
  void finish_live(SourcePlan& plan, const std::vector<const LiveJob*>& jobs);
  void finish_golden(SourcePlan& plan, const GoldenJob& job);
  void golden_failures(SourcePlan& plan);
  void count_failed(SourcePlan& plan, std::size_t request, const std::string& why);
  void count_unused(SourcePlan& plan);
  void store(SourcePlan& plan, const SourcePullReport& sr, std::size_t first_error);
  void slo_error(const SourcePlan& plan, const SloContext& c, const std::string& what,
                 bool good_of_query = false, bool total_of_query = false);
  void golden_error(const SourcePlan& plan, PullError e, const std::set<std::string>& signals);
  std::int64_t offset_at(std::int64_t t) const;
  std::int64_t day_end(std::int64_t day) const;
  std::int64_t today() const { return day_of(m_now + offset_at(m_now)); }
  std::vector<DaySegment> segments(const std::vector<std::int64_t>& days) const;
  std::string where(const SourcePlan& plan) const {
    return "source '" + plan.source->name + "' (" + plan.url + ")";
  }

  const Repo& m_repo;
  Store& m_store;
  const PullOptions& m_opts;
  std::int64_t m_now;
  HttpClient& m_http;
  std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point m_deadline = std::chrono::steady_clock::time_point::max();
  std::vector<SloContext> m_slos;
  std::vector<SourcePlan> m_plans;
  PullProgress m_progress;
  PullReport m_report;
};

// The configured zone's offset at `t`; an unknown zone is reported by the load stage and reads as
// UTC here.
std::int64_t Puller::offset_at(std::int64_t t) const {
  if (m_repo.config.timezone.empty() || m_repo.config.timezone == "UTC") return 0;
  return utc_offset(m_repo.config.timezone, t).value_or(0);
}

// The instant local day `day` ends (local midnight of the next day): the compute stage reads days
// of the configured zone, so the pull fetches exactly those.
std::int64_t Puller::day_end(std::int64_t day) const {
  const std::int64_t local = (day + 1) * k_seconds_per_day;
  return local - offset_at(local - offset_at(local));
}

std::vector<DaySegment> Puller::segments(const std::vector<std::int64_t>& days) const {
  std::vector<DaySegment> out;
  std::int64_t first_end = 0;
  for (std::int64_t d : days) {
    const std::int64_t end = day_end(d), seconds = end - day_end(d - 1);
    if (out.empty() || out.back().seconds != seconds ||
        end - first_end != (d - out.back().days.front()) * k_seconds_per_day) {
      out.push_back(DaySegment{{}, seconds, 0, 0});
      first_end = end;
    }
    out.back().days.push_back(d);
  }
  return out;
}

SourcePlan* Puller::plan_for(const std::string& name) {
  for (auto& p : m_plans)
    if (p.source->name == name) return &p;
  return nullptr;
}

// The file of the query an SLO is measured by: its own (an OpenSLO threshold objective) or its
// SLI's.
const std::string& query_file(const SloContext& c) {
  return c.slo->query ? c.slo->meta.file : c.sli->meta.file;
}

// A failure of the source (down, slow, 5xx) points at the SLO it left without data; a failure of
// the expression itself (refused by the server, several series, a wrong result type) at the query
// to fix: its `good:` or `total:` line when only that side failed, else its `query:` node.
void Puller::slo_error(const SourcePlan& plan, const SloContext& c, const std::string& what,
                       bool good_of_query, bool total_of_query) {
  PullError e;
  e.slo = c.slo->meta.id;
  e.source = plan.source->name;
  e.file = c.slo->meta.file;
  e.loc = c.slo->meta.loc;
  if (good_of_query || total_of_query) {
    const SliQuery& q = *c.query;
    const Loc side = good_of_query && total_of_query ? q.loc
                     : good_of_query                 ? q.good_loc
                                                     : q.total_loc;
    const Loc at = side.line > 0 ? side : q.loc;
    if (at.line > 0) {
      e.file = query_file(c);
      e.loc = at;
    }
  }
  e.message = scrub("SLO '" + e.slo + "', " + where(plan) + ": " + what, plan.secrets);
  m_report.errors.push_back(std::move(e));
}

void Puller::plan_slo(std::size_t index) {
  const SloContext& c = m_slos[index];
  const SliQuery& q = *c.query;
  SourcePlan* plan =
      q.source.empty() ? (m_plans.empty() ? nullptr : &m_plans.front()) : plan_for(q.source);
  if (!plan) {
    PullError e;
    e.slo = c.slo->meta.id;
    e.source = q.source;
    e.file = query_file(c);
    // At the `source:` that names no source (check reports it too), else at the query.
    e.loc = q.source.empty() || q.source_loc.line <= 0 ? q.loc : q.source_loc;
    e.message = "SLO '" + e.slo + "': SLI '" + c.sli->meta.id + "' has a query but " +
                (q.source.empty() ? std::string("nines.yaml has no metrics source")
                                  : "nines.yaml has no metrics source named '" + q.source + "'");
    m_report.errors.push_back(std::move(e));
    return;
  }
  m_report.slos_measured.insert(c.slo->meta.id);
  const std::string& service = c.service;

  // The closed days of the window that this source has not stored yet, in the configured zone.
  const std::int64_t today = this->today();
  // The schema caps windows at 400 days; the clamp keeps a bad value from planning millions.
  // A calendar window's period can be longer than its nominal length (a 31-day month, a 92-day
  // quarter, a leap year): fetch the longest period the unit can have, so no day it covers is
  // missing; a day the current period does not cover is stored and left unused.
  double nominal = c.slo->window_days;
  if (const std::string& unit = c.slo->calendar_unit; !unit.empty()) {
    const double longest = unit == "w"   ? 7
                           : unit == "M" ? 31
                           : unit == "Q" ? 92
                           : unit == "Y" ? 366
                                         : 1;
    nominal = std::max(nominal, longest * std::max(c.slo->calendar_count, 1));
  }
  const std::int64_t w = std::clamp<std::int64_t>(std::llround(nominal), 1, 400);
  const auto present = m_store.days_present(c.slo->meta.id, plan->store_source);
  DailyJob daily;
  daily.slo = index;
  for (std::int64_t d = today - w; d < today; ++d)
    if (!present.count(d)) daily.missing.push_back(d);
  if (!daily.missing.empty()) {
    // One range query per expression and run of equal days: evaluated at each day's end (local
    // midnight of the next day) with a one-day window, exactly as an instant query per day would
    // be, and good and total share times.
    daily.segments = segments(daily.missing);
    for (auto& seg : daily.segments) {
      const std::int64_t start = day_end(seg.days.front()), end = day_end(seg.days.back());
      const std::string window = day_window(seg.seconds);
      seg.good = plan->requests.size();
      plan->requests.push_back(range_query(plan->source->url,
                                           render_sli_query(q.good, window, service), start, end,
                                           k_seconds_per_day));
      seg.total = plan->requests.size();
      plan->requests.push_back(range_query(plan->source->url,
                                           render_sli_query(q.total, window, service), start, end,
                                           k_seconds_per_day));
    }
    plan->daily.push_back(std::move(daily));
  }

  if (!m_opts.live) return;
  // One query pair per distinct duration: "1h" and "60m" are the same window.
  std::map<std::int64_t, LiveJob> by_seconds;
  for (const auto& [label, minutes] : live_windows_of(m_repo, *c.slo)) {
    auto& job = by_seconds[std::llround(minutes * 60.0)];
    job.slo = index;
    job.minutes = minutes;
    job.labels.push_back(label);
  }
  for (auto& [seconds, job] : by_seconds) {
    const std::string window = promql_duration(job.minutes);
    job.good = plan->requests.size();
    plan->requests.push_back(
        instant_query(plan->source->url, render_sli_query(q.good, window, service), m_now));
    job.total = plan->requests.size();
    plan->requests.push_back(
        instant_query(plan->source->url, render_sli_query(q.total, window, service), m_now));
    plan->live.push_back(std::move(job));
  }
}

void Puller::plan_golden() {
  if (!m_opts.golden || m_plans.empty() || m_repo.config.golden_signals.empty()) return;
  SourcePlan& plan = m_plans.front(); // golden signals have no source field: the first one
  const std::int64_t today = this->today();
  for (const auto& svc : m_repo.services) {
    for (const auto& [signal, expr] : m_repo.config.golden_signals) {
      if (expr.empty()) continue;
      const auto stored = m_store.golden_series(svc.meta.id, signal);
      // A day stored before it had settled is asked for again, as an SLO's is.
      const auto provisional = m_store.golden_provisional_days(svc.meta.id, signal);
      GoldenJob job;
      job.service = svc.meta.id;
      job.signal = signal;
      for (std::int64_t d = today - m_opts.golden_days; d < today; ++d)
        if (!stored.count(d) || provisional.count(d)) job.missing.push_back(d);
      if (job.missing.empty()) continue;
      for (const auto& seg : segments(job.missing)) {
        job.segments.emplace_back(seg.days, plan.requests.size());
        plan.requests.push_back(
            range_query(plan.source->url, render_service_template(expr, svc.meta.id),
                        day_end(seg.days.front()), day_end(seg.days.back()), k_seconds_per_day));
      }
      plan.golden.push_back(std::move(job));
    }
  }
}

void Puller::send(SourcePlan& plan) {
  HttpOptions o;
  o.concurrency = plan.source->concurrency;
  o.max_body_bytes = answer_cap_bytes(o.concurrency);
  o.timeout_s = plan.source->timeout_s;
  o.retry.retries = plan.source->retries;
  o.bearer_token_env = plan.source->bearer_token_env;
  o.deadline = m_deadline;
  if (!plan.source->ca_bundle.empty()) {
    std::filesystem::path ca = plan.source->ca_bundle;
    o.ca_bundle =
        ca.is_absolute() ? ca.string() : (std::filesystem::path(m_repo.root) / ca).string();
  }
  plan.results.resize(plan.requests.size());
  SourcePullReport sr;
  sr.name = plan.source->name;
  sr.url = plan.url;
  sr.queries = plan.requests.size();
  m_http.post_all(plan.requests, o, [&](std::size_t i, HttpResult&& r) {
    Completed& c = plan.results[i];
    c.http = std::move(r);
    if (c.http.deadline_passed) {
      ++m_report.queries_skipped;
      ++plan.skipped;
    }
    // Redacted on the raw text, before anything is parsed, cut or folded into one line.
    if (c.http.error.empty())
      c.prom = parse_prom_response(c.http.status, scrub(c.http.body, plan.secrets), plan.token);
    c.failure = scrub(describe_failure(c.http, c.prom), plan.secrets);
    c.http.body.clear(); // parsed; a 28-point matrix is all we keep
    c.http.body.shrink_to_fit();
    if (c.http.unreachable) sr.unreachable = true;
    ++m_progress.done;
    ++m_report.queries_done;
    if (!c.failure.empty()) {
      c.failed = true;
      c.of_query = failure_of_query(c.http, c.prom);
      ++sr.failed;
      ++m_progress.failed;
      ++m_report.queries_failed;
    }
    m_progress.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    if (m_opts.progress) m_opts.progress(m_progress);
  });
  plan.report = m_report.sources.size();
  m_report.sources.push_back(std::move(sr));
}

// A query that failed after its envelope was read: a second series, a conflicting sample, or not
// one value that could be stored. Each query counts once.
void Puller::count_failed(SourcePlan& plan, std::size_t request, const std::string& why) {
  Completed& c = plan.results[request];
  if (c.failed) return;
  c.failed = true;
  c.why = why;
  ++m_report.queries_failed;
  ++m_report.sources[plan.report].failed;
}

// A query that answered values of which none could be stored (every one NaN, negative, off the
// day steps, good > total with its pair, or its pair without data) fetched nothing usable: it
// counts as failed, so that `metrics pull` does not report success for a pull that stored nothing.
void Puller::count_unused(SourcePlan& plan) {
  for (std::size_t i = 0; i < plan.results.size(); ++i) {
    const Completed& c = plan.results[i];
    if (c.answered && !c.used) count_failed(plan, i, "not one value of an answer could be stored");
  }
}

void Puller::finish_daily(SourcePlan& plan, const DailyJob& job) {
  const SloContext& c = m_slos[job.slo];
  std::vector<std::string> problems;
  for (const auto& seg : job.segments)
    finish_segment(plan, c, seg, problems);
  if (!problems.empty())
    slo_error(plan, c,
              std::to_string(problems.size()) + " day" + (problems.size() == 1 ? "" : "s") +
                  " not stored: " + first_few(problems));
}

void Puller::finish_segment(SourcePlan& plan, const SloContext& c, const DaySegment& seg,
                            std::vector<std::string>& problems) {
  Completed& g = plan.results[seg.good];
  Completed& t = plan.results[seg.total];
  PromRange good, total;
  if (g.failure.empty()) {
    good = single_range(g.prom);
    if (!good.ok) count_failed(plan, seg.good, good.error);
    g.of_query = g.of_query || good.of_query;
  }
  if (t.failure.empty()) {
    total = single_range(t.prom);
    if (!total.ok) count_failed(plan, seg.total, total.error);
    t.of_query = t.of_query || total.of_query;
  }
  const std::string failed = pair_failure(g.failure.empty() ? good.error : g.failure,
                                          t.failure.empty() ? total.error : t.failure);
  if (!failed.empty()) {
    // One side failed: the other's answer has no pair, so none of it can be stored either. Both
    // count as failed, so a pull that stored nothing never reports that it fetched something.
    count_failed(plan, seg.good, failed);
    count_failed(plan, seg.total, failed);
    slo_error(plan, c, "daily counts for " + day_span(seg.days) + " not fetched: " + failed,
              g.of_query, t.of_query);
    m_report.days_failed[c.slo->meta.id].insert(seg.days.begin(), seg.days.end());
    return;
  }
  // Samples that are no day's value are told, once per query, not dropped in silence.
  const std::int64_t start = day_end(seg.days.front()), end = day_end(seg.days.back());
  const OffSteps off_g = off_steps(g.prom, start, end, k_seconds_per_day);
  const OffSteps off_t = off_steps(t.prom, start, end, k_seconds_per_day);
  if (off_g.count + off_t.count > 0) {
    g.answered = g.answered || off_g.count > 0;
    t.answered = t.answered || off_t.count > 0;
    m_report.values_rejected += off_g.count + off_t.count;
    slo_error(plan, c,
              "daily counts for " + day_span(seg.days) + ": " +
                  pair_failure(describe_off_steps(off_g, start, end, k_seconds_per_day),
                               describe_off_steps(off_t, start, end, k_seconds_per_day)));
  }
  // A value that cannot be a count (NaN, ±Inf, negative, good > total) makes the whole answer a
  // failed fetch (SPEC 4.4): storing the other days of it would leave the SLO's latest day
  // current, so its figures would read fresh over a window with holes in it.
  std::vector<DailyRow> rows;
  std::vector<std::string> gaps, rejected;
  bool good_refused = false, total_refused = false; // which query's values were refused
  for (std::int64_t d : seg.days) {
    const std::int64_t at = day_end(d);
    auto gi = good.points.find(at);
    auto ti = total.points.find(at);
    const bool has_g = gi != good.points.end(), has_t = ti != total.points.end();
    if (!has_g && !has_t) continue;             // no data that day: not zero, just nothing to store
    if (!has_g && c.constant_total()) continue; // a raw ratio without a sample: no data either
    g.answered = g.answered || has_g;
    t.answered = t.answered || has_t;
    const std::string day = format_date(d);
    // Requests and no good one: a good query with no series at all is no good events, as the
    // rules nines writes read it (every request of the day failed, the series of successes
    // never made). Good events with no requests are no count at all.
    if (!has_t) {
      gaps.push_back(day + " total has no data but good has");
      m_report.days_failed[c.slo->meta.id].insert(d);
      continue;
    }
    double gv = has_g ? gi->second : 0.0;
    const double tv = ti->second;
    // A raw ratio is NaN on a day with no traffic (0/0 in PromQL): no data that day, as a ratio
    // with no sample is, not a broken answer that would keep the whole window out of the store.
    if (c.constant_total() && std::isnan(gv)) continue;
    if (const char* p = count_problem(gv)) {
      rejected.push_back(day + " good " + p);
      ++m_report.values_rejected;
      good_refused = true;
      continue;
    }
    if (const char* p = count_problem(tv)) {
      rejected.push_back(day + " total " + p);
      ++m_report.values_rejected;
      total_refused = true;
      continue;
    }
    if (good_over_total(gv, tv)) {
      rejected.push_back(day + " good " + show(gv) + " > total " + show(tv));
      ++m_report.values_rejected;
      good_refused = total_refused = true;
      continue;
    }
    // A day that ended less than the source's settle margin ago may not be all in yet: used,
    // and marked so that later pulls ask for it again until it has settled.
    const bool provisional =
        at + std::llround(plan.source->settle_s) > m_now; // `at` is the day's end
    rows.push_back(DailyRow{c.slo->meta.id, d, gv, tv, provisional});
  }
  if (!rejected.empty()) {
    const std::string why = std::to_string(rejected.size()) + " day" +
                            (rejected.size() == 1 ? "" : "s") + " rejected: " + first_few(rejected);
    count_failed(plan, seg.good, why);
    count_failed(plan, seg.total, why);
    // At the query whose values were refused (the SLI's `good:` or `total:`, or its `query:` for
    // both), where the expression to fix is.
    slo_error(plan, c, "daily counts for " + day_span(seg.days) + " not stored: " + why,
              good_refused, total_refused);
    m_report.days_failed[c.slo->meta.id].insert(seg.days.begin(), seg.days.end());
    return;
  }
  problems.insert(problems.end(), gaps.begin(), gaps.end());
  // The samples off the day steps were meant for some of these days: the days they leave
  // without a value were answered, not empty, so they count as not fetched.
  if (off_g.count + off_t.count > 0) {
    std::set<std::int64_t> stored;
    for (const auto& row : rows)
      stored.insert(row.day);
    for (std::int64_t d : seg.days)
      if (!stored.count(d)) m_report.days_failed[c.slo->meta.id].insert(d);
  }
  if (rows.empty()) return;
  plan.daily_rows.insert(plan.daily_rows.end(), rows.begin(), rows.end());
  g.used = t.used = true;
}

void Puller::finish_live(SourcePlan& plan, const std::vector<const LiveJob*>& jobs) {
  const SloContext& c = m_slos[jobs.front()->slo];
  // Failure → the windows it hit, so an unreachable server is one line per SLO, not one per
  // window.
  struct Hit {
    std::vector<std::string> labels;
    bool good_of_query = false, total_of_query = false;
  };
  std::map<std::string, Hit> failures;
  for (const LiveJob* job : jobs) {
    Completed& g = plan.results[job->good];
    Completed& t = plan.results[job->total];
    auto fail = [&](const std::string& what, bool good_of_query = false,
                    bool total_of_query = false) {
      Hit& hit = failures[what];
      hit.labels.insert(hit.labels.end(), job->labels.begin(), job->labels.end());
      hit.good_of_query = hit.good_of_query || good_of_query;
      hit.total_of_query = hit.total_of_query || total_of_query;
    };
    PromValue good, total;
    if (g.failure.empty()) {
      good = single_value(g.prom, m_now);
      if (!good.ok) count_failed(plan, job->good, good.error);
      g.of_query = g.of_query || good.of_query;
    }
    if (t.failure.empty()) {
      total = single_value(t.prom, m_now);
      if (!total.ok) count_failed(plan, job->total, total.error);
      t.of_query = t.of_query || total.of_query;
    }
    const std::string failed = pair_failure(g.failure.empty() ? good.error : g.failure,
                                            t.failure.empty() ? total.error : t.failure);
    if (!failed.empty()) {
      fail(failed, g.of_query, t.of_query);
      continue;
    }
    if (!good.value && !total.value) continue;       // no data: the burn rate stays null
    if (!good.value && c.constant_total()) continue; // a raw ratio without a sample: no data
    // A raw ratio over a window with no traffic is 0/0, NaN: no data either (finish_segment).
    if (c.constant_total() && good.value && std::isnan(*good.value)) continue;
    g.answered = g.answered || good.value.has_value();
    t.answered = t.answered || total.value.has_value();
    if (!total.value) {
      fail("total has no data but good has");
      continue;
    }
    // Requests and no good one over the window: no good events, as the daily counts and the
    // rules read it (an outage in which every request fails).
    if (!good.value) good.value = 0.0;
    const char* gp = count_problem(*good.value);
    const char* tp = count_problem(*total.value);
    if (gp || tp || good_over_total(*good.value, *total.value)) {
      ++m_report.values_rejected;
      fail(gp   ? std::string("good ") + gp
           : tp ? std::string("total ") + tp
                : "good " + show(*good.value) + " > total " + show(*total.value));
      continue;
    }
    for (const auto& label : job->labels)
      m_report.live[c.slo->meta.id][label] = LiveWindow{*good.value, *total.value};
    g.used = t.used = true;
  }
  for (const auto& [what, hit] : failures) {
    m_report.live_failed[c.slo->meta.id].insert(hit.labels.begin(), hit.labels.end());
    slo_error(plan, c,
              std::string(hit.labels.size() == 1 ? "live window " : "live windows ") +
                  first_few(hit.labels, 12) + " not fetched: " + what,
              hit.good_of_query, hit.total_of_query);
  }
}

// A golden-signal problem points at the signal's query in nines.yaml (metrics.golden_signals.
// <name>), or at metrics.golden_signals when it hit several.
void Puller::golden_error(const SourcePlan& plan, PullError e,
                          const std::set<std::string>& signals) {
  const Config& cfg = m_repo.config;
  e.file = "nines.yaml";
  e.loc = cfg.golden_signals_loc;
  if (signals.size() == 1)
    if (auto it = cfg.golden_signal_locs.find(*signals.begin()); it != cfg.golden_signal_locs.end())
      e.loc = it->second;
  e.source = plan.source->name;
  e.message = scrub(e.message, plan.secrets);
  m_report.errors.push_back(std::move(e));
}

void Puller::finish_golden(SourcePlan& plan, const GoldenJob& job) {
  auto error = [&](const std::string& what) {
    PullError e;
    e.service = job.service;
    e.message = "golden signal '" + job.signal + "' of service '" + job.service + "', " +
                where(plan) + ": " + what;
    golden_error(plan, std::move(e), {job.signal});
  };
  std::vector<std::string> problems;
  for (const auto& [days, request] : job.segments) {
    Completed& r = plan.results[request];
    PromRange range;
    if (r.failure.empty()) {
      range = single_range(r.prom);
      if (!range.ok) count_failed(plan, request, range.error);
    }
    const std::string failure = r.failure.empty() ? range.error : r.failure;
    if (!failure.empty()) {
      // Gathered: a source that is down would otherwise say so once per service and signal.
      auto& [signals, services] = plan.golden_failures[failure];
      signals.insert(job.signal);
      services.insert(job.service);
      m_report.golden_failed[job.service].insert(job.signal);
      continue;
    }
    const std::int64_t start = day_end(days.front()), end = day_end(days.back());
    const OffSteps off = off_steps(r.prom, start, end, k_seconds_per_day);
    if (off.count > 0) {
      r.answered = true;
      m_report.values_rejected += off.count;
      auto& gathered = plan.golden_off_steps;
      gathered.signals.insert(job.signal);
      gathered.services.insert(job.service);
      gathered.samples += off.count;
      if (gathered.first.empty())
        gathered.first = describe_off_steps(off, start, end, k_seconds_per_day);
    }
    // As for an SLO's daily counts (finish_segment): a value that cannot be the signal's makes
    // the whole answer a failed fetch, so the stored series never has holes a chart would bridge
    // while the signal reads as fetched.
    std::vector<GoldenRow> rows;
    std::vector<std::string> rejected;
    for (std::int64_t d : days) {
      auto it = range.points.find(day_end(d));
      if (it == range.points.end()) continue;
      r.answered = true;
      if (const char* p = value_problem(it->second)) {
        rejected.push_back(format_date(d) + " " + p);
        ++m_report.values_rejected;
        continue;
      }
      // Its value is read at the day's end; within the source's settle margin after it the
      // server may not have all of the day yet (finish_segment's rule for daily counts).
      const bool provisional = day_end(d) + std::llround(plan.source->settle_s) > m_now;
      rows.push_back(GoldenRow{job.service, job.signal, d, it->second, provisional});
    }
    if (!rejected.empty()) {
      const std::string why = std::to_string(rejected.size()) + " day" +
                              (rejected.size() == 1 ? "" : "s") +
                              " rejected: " + first_few(rejected);
      count_failed(plan, request, why);
      m_report.golden_failed[job.service].insert(job.signal);
      problems.push_back(day_span(days) + " not stored: " + why);
      continue;
    }
    // Samples off the steps are no day's value: a day asked for that the answer gave only off
    // its step was not fetched, and the signal stays stale (`--strict`: exit 3), as an SLO's
    // daily counts do (finish_segment). An answer without a sample for a day is no data.
    if (off.count > 0 && rows.size() < days.size())
      m_report.golden_failed[job.service].insert(job.signal);
    if (rows.empty()) continue;
    plan.golden_rows.insert(plan.golden_rows.end(), rows.begin(), rows.end());
    r.used = true;
  }
  if (!problems.empty()) error("daily values for " + first_few(problems));
}

void Puller::golden_failures(SourcePlan& plan) {
  for (const auto& [failure, hit] : plan.golden_failures) {
    const auto& [signals, services] = hit;
    PullError e;
    if (services.size() == 1) e.service = *services.begin();
    const std::vector<std::string> sig(signals.begin(), signals.end());
    const std::vector<std::string> svc(services.begin(), services.end());
    e.message = std::string(sig.size() == 1 ? "golden signal " : "golden signals ") +
                first_few(sig, 8) + " of " + (svc.size() == 1 ? "service " : "services ") +
                first_few(svc) + ", " + where(plan) + ": not fetched: " + failure;
    golden_error(plan, std::move(e), signals);
  }
  const auto& off = plan.golden_off_steps;
  if (off.samples > 0) {
    PullError e;
    if (off.services.size() == 1) e.service = *off.services.begin();
    const std::vector<std::string> sig(off.signals.begin(), off.signals.end());
    const std::vector<std::string> svc(off.services.begin(), off.services.end());
    // The first query's description; the total when the samples came from several queries.
    std::string what = off.first;
    if (svc.size() > 1 || sig.size() > 1)
      what = std::to_string(off.samples) + " samples in all; the first query: " + what;
    e.message = std::string(sig.size() == 1 ? "golden signal " : "golden signals ") +
                first_few(sig, 8) + " of " + (svc.size() == 1 ? "service " : "services ") +
                first_few(svc) + ", " + where(plan) + ": " + what;
    golden_error(plan, std::move(e), off.signals);
  }
}

void Puller::store(SourcePlan& plan, const SourcePullReport& sr, std::size_t first_error) {
  auto refused = [&](const char* what, const std::invalid_argument& e) {
    // Unreachable after the checks above; still, a refused batch is a report, not a crash.
    PullError err;
    err.source = plan.source->name;
    err.file = "nines.yaml";
    err.loc = plan.source->loc;
    err.message = scrub("source '" + plan.source->name + "' (" + plan.url + "): " + what +
                            " refused by the store: " + e.what(),
                        plan.secrets);
    m_report.errors.push_back(std::move(err));
  };
  if (!plan.daily_rows.empty()) {
    try {
      m_store.put_daily(plan.store_source, plan.daily_rows, m_now);
      m_report.days_stored += plan.daily_rows.size();
      for (const auto& row : plan.daily_rows) {
        m_report.days_fetched[row.slo].insert(row.day);
        if (row.provisional) ++m_report.days_provisional;
      }
    } catch (const std::invalid_argument& e) {
      refused("daily counts", e);
      for (const auto& row : plan.daily_rows)
        m_report.days_failed[row.slo].insert(row.day);
    }
  }
  if (!plan.golden_rows.empty()) {
    try {
      m_store.put_golden(plan.store_source, plan.golden_rows, m_now);
      m_report.golden_stored += plan.golden_rows.size();
      for (const auto& row : plan.golden_rows)
        if (row.provisional) ++m_report.golden_provisional;
    } catch (const std::invalid_argument& e) {
      refused("golden-signal values", e);
    }
  }
  // One line per source and pull that got every value it asked for: last_success(source, "pull").
  // A pull with a failure logs nothing: nothing from a failed fetch goes into the store (SPEC
  // 4.4), its error text included; the warnings carry that.
  if (sr.failed == 0 && m_report.errors.size() == first_error)
    m_store.log_fetch(plan.store_source, "pull", m_now, true, "");
}

PullReport Puller::run() {
  const double deadline_s =
      m_opts.deadline_s > 0 ? m_opts.deadline_s : m_repo.config.pull_deadline_s;
  if (deadline_s > 0)
    m_deadline = m_started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(deadline_s));
  for (const auto& s : m_repo.config.sources) {
    if (s.type != "prometheus" && !s.type.empty()) continue; // the schema allows no other type
    SourcePlan p;
    p.source = &s;
    p.store_source = "prometheus:" + s.name;
    p.url = redact_url(s.url);
    if (!s.bearer_token_env.empty())
      if (const char* t = std::getenv(s.bearer_token_env.c_str())) {
        p.token = clean_bearer_token(t, s.bearer_token_env).token;
        // A token refused for a control character is never sent, but may still be echoed.
        if (p.token.empty()) p.token = t;
      }
    if (!p.token.empty()) p.secrets.push_back(p.token);
    for (auto& secret : url_secrets(s.url))
      p.secrets.push_back(std::move(secret));
    m_plans.push_back(std::move(p));
  }
  for (const auto& slo : m_repo.slos) {
    const auto [sli, query] = slo_query(m_repo, slo);
    if (!sli || !query) continue;
    m_slos.push_back(SloContext{&slo, sli, slo.service.id, query});
  }
  for (std::size_t i = 0; i < m_slos.size(); ++i)
    plan_slo(i);
  plan_golden();

  for (const auto& p : m_plans)
    m_progress.total += p.requests.size();
  for (auto& p : m_plans) {
    if (p.requests.empty()) continue;
    const std::size_t first_error = m_report.errors.size();
    send(p);
    for (const auto& job : p.daily)
      finish_daily(p, job);
    // Live jobs were planned SLO by SLO: finish each SLO's windows together.
    for (std::size_t i = 0; i < p.live.size();) {
      std::vector<const LiveJob*> jobs;
      const std::size_t slo = p.live[i].slo;
      for (; i < p.live.size() && p.live[i].slo == slo; ++i)
        jobs.push_back(&p.live[i]);
      finish_live(p, jobs);
    }
    for (const auto& job : p.golden)
      finish_golden(p, job);
    golden_failures(p);
    count_unused(p);
    store(p, m_report.sources[p.report], first_error);
    // Results are parsed and consumed: free them before the next source.
    p.results.clear();
    p.requests.clear();
  }
  // One line per source, at its entry in nines.yaml: its queries are the ones left undone.
  for (const auto& p : m_plans) {
    if (p.skipped == 0) continue;
    PullError e;
    e.source = p.source->name;
    e.file = "nines.yaml";
    e.loc = p.source->loc;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g s", deadline_s);
    e.message = where(p) + ": " + std::to_string(p.skipped) + " of " +
                std::to_string(m_report.sources[p.report].queries) +
                " queries skipped: the pull's deadline (" + buf + ", metrics.deadline) passed";
    m_report.errors.push_back(std::move(e));
  }
  m_report.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
  return std::move(m_report);
}

} // namespace

PullReport pull_metrics(const Repo& repo, Store& store, const PullOptions& opts, std::int64_t now,
                        HttpClient& http) {
  Puller puller(repo, store, opts, now, http);
  return puller.run();
}

std::size_t answer_cap_bytes(int concurrency) {
  constexpr std::size_t k_mib = std::size_t{1} << 20;
  constexpr std::size_t k_in_flight = 256 * k_mib;
  const std::size_t each = k_in_flight / static_cast<std::size_t>(std::max(concurrency, 1));
  return std::clamp(each, k_mib, 16 * k_mib);
}

} // namespace nines
