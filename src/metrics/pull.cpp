#include "metrics/pull.hpp"

#include "metrics/prometheus.hpp"
#include "model/time.hpp"

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

std::map<std::string, double> live_windows_of(const Slo& slo) {
  std::map<std::string, double> out = {
      {"1h", 60.0}, {"6h", 360.0}, {"24h", 1440.0}, {"3d", 4320.0}};
  for (const auto& a : slo.alerts) {
    if (!a.short_window.empty() && a.short_window_min > 0)
      out.emplace(a.short_window, a.short_window_min);
    if (!a.long_window.empty() && a.long_window_min > 0)
      out.emplace(a.long_window, a.long_window_min);
  }
  return out;
}

namespace {

constexpr std::int64_t k_day = 86400;

std::int64_t floor_day(std::int64_t t) {
  return t >= 0 ? t / k_day : (t - (k_day - 1)) / k_day;
}

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
  return nullptr;
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

// Removes every copy of the token: a server could echo the Authorization header into an error
// body, and nothing we print, store or publish may hold it.
std::string scrub(std::string s, const std::string& token) {
  if (token.size() < 4) return s;
  std::size_t pos = 0;
  while ((pos = s.find(token, pos)) != std::string::npos) {
    s.replace(pos, token.size(), "[redacted]");
    pos += 10;
  }
  return s;
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
  std::string failure; // empty when the envelope is usable
};

struct SloContext {
  const Slo* slo = nullptr;
  const Sli* sli = nullptr;
  std::string service;
};

struct DailyJob {
  std::size_t slo = 0; // index into SloContext list
  std::vector<std::int64_t> missing;
  std::size_t good = 0, total = 0; // request indexes
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
  std::size_t request = 0;
};

struct SourcePlan {
  const MetricsSource* source = nullptr;
  std::string store_source; // "prometheus:<name>"
  std::string url;          // redacted
  std::string token;        // for scrubbing only; never printed
  std::vector<HttpRequest> requests;
  std::vector<DailyJob> daily;
  std::vector<LiveJob> live;
  std::vector<GoldenJob> golden;
  std::vector<Completed> results;
  // What passed every check, written at the end in one transaction per table: a commit is an
  // fsync, and one per SLO made a 500-SLO pull wait on the disk rather than the network.
  std::vector<DailyRow> daily_rows;
  std::vector<GoldenRow> golden_rows;
  std::string first_failure; // of a query, for the fetch log
  // Golden-signal query failure → (signals, services) it hit.
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> golden_failures;
};

// A range query over `days` (sorted) evaluates at each day's end: from the first's to the last's.
void day_range(const std::vector<std::int64_t>& days, std::int64_t& start, std::int64_t& end) {
  start = (days.front() + 1) * k_day;
  end = (days.back() + 1) * k_day;
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
  void finish_live(SourcePlan& plan, const std::vector<const LiveJob*>& jobs);
  void finish_golden(SourcePlan& plan, const GoldenJob& job);
  void golden_failures(SourcePlan& plan);
  void store(SourcePlan& plan, const SourcePullReport& sr, std::size_t first_error);
  void slo_error(const SourcePlan& plan, const SloContext& c, const std::string& what);
  std::string where(const SourcePlan& plan) const {
    return "source '" + plan.source->name + "' (" + plan.url + ")";
  }

  const Repo& m_repo;
  Store& m_store;
  const PullOptions& m_opts;
  std::int64_t m_now;
  HttpClient& m_http;
  std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
  std::vector<SloContext> m_slos;
  std::vector<SourcePlan> m_plans;
  PullProgress m_progress;
  PullReport m_report;
};

SourcePlan* Puller::plan_for(const std::string& name) {
  for (auto& p : m_plans)
    if (p.source->name == name) return &p;
  return nullptr;
}

void Puller::slo_error(const SourcePlan& plan, const SloContext& c, const std::string& what) {
  PullError e;
  e.slo = c.slo->meta.id;
  e.source = plan.source->name;
  e.file = c.slo->meta.file;
  e.loc = c.slo->meta.loc;
  e.message = scrub("SLO '" + e.slo + "', " + where(plan) + ": " + what, plan.token);
  m_report.errors.push_back(std::move(e));
}

void Puller::plan_slo(std::size_t index) {
  const SloContext& c = m_slos[index];
  const SliQuery& q = *c.sli->query;
  SourcePlan* plan =
      q.source.empty() ? (m_plans.empty() ? nullptr : &m_plans.front()) : plan_for(q.source);
  if (!plan) {
    PullError e;
    e.slo = c.slo->meta.id;
    e.source = q.source;
    e.file = c.sli->meta.file;
    e.loc = q.loc;
    e.message = "SLO '" + e.slo + "': SLI '" + c.sli->meta.id + "' has a query but " +
                (q.source.empty() ? std::string("nines.yaml has no metrics source")
                                  : "nines.yaml has no metrics source named '" + q.source + "'");
    m_report.errors.push_back(std::move(e));
    return;
  }
  m_report.slos_measured.insert(c.slo->meta.id);
  const std::string& service = c.service;

  // The closed days of the window that this source has not stored yet.
  const std::int64_t today = floor_day(m_now);
  std::int64_t w = std::llround(c.slo->window_days);
  if (w < 1) w = 1;
  const auto present = m_store.days_present(c.slo->meta.id, plan->store_source);
  DailyJob daily;
  daily.slo = index;
  for (std::int64_t d = today - w; d < today; ++d)
    if (!present.count(d)) daily.missing.push_back(d);
  if (!daily.missing.empty()) {
    // One range query per expression: evaluated at each day's end (00:00Z of the next day) with a
    // 1d window, exactly as an instant query per day would be, and good and total share times.
    std::int64_t start = 0, end = 0;
    day_range(daily.missing, start, end);
    daily.good = plan->requests.size();
    plan->requests.push_back(
        range_query(plan->source->url, render_sli_query(q.good, "1d", service), start, end, k_day));
    daily.total = plan->requests.size();
    plan->requests.push_back(range_query(
        plan->source->url, render_sli_query(q.total, "1d", service), start, end, k_day));
    plan->daily.push_back(std::move(daily));
  }

  if (!m_opts.live) return;
  // One query pair per distinct duration: "1h" and "60m" are the same window.
  std::map<std::int64_t, LiveJob> by_seconds;
  for (const auto& [label, minutes] : live_windows_of(*c.slo)) {
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
  const std::int64_t today = floor_day(m_now);
  for (const auto& svc : m_repo.services) {
    for (const auto& [signal, expr] : m_repo.config.golden_signals) {
      if (expr.empty()) continue;
      const auto stored = m_store.golden_series(svc.meta.id, signal);
      GoldenJob job;
      job.service = svc.meta.id;
      job.signal = signal;
      for (std::int64_t d = today - m_opts.golden_days; d < today; ++d)
        if (!stored.count(d)) job.missing.push_back(d);
      if (job.missing.empty()) continue;
      std::int64_t start = 0, end = 0;
      day_range(job.missing, start, end);
      job.request = plan.requests.size();
      plan.requests.push_back(range_query(
          plan.source->url, render_service_template(expr, svc.meta.id), start, end, k_day));
      plan.golden.push_back(std::move(job));
    }
  }
}

void Puller::send(SourcePlan& plan) {
  HttpOptions o;
  o.concurrency = plan.source->concurrency;
  o.timeout_s = plan.source->timeout_s;
  o.retry.retries = plan.source->retries;
  o.bearer_token_env = plan.source->bearer_token_env;
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
    if (c.http.error.empty()) c.prom = parse_prom_response(c.http.status, c.http.body);
    c.failure = scrub(describe_failure(c.http, c.prom), plan.token);
    c.http.body.clear(); // parsed; a 28-point matrix is all we keep
    c.http.body.shrink_to_fit();
    if (c.http.unreachable) sr.unreachable = true;
    ++m_progress.done;
    ++m_report.queries_done;
    if (!c.failure.empty()) {
      if (plan.first_failure.empty()) plan.first_failure = c.failure;
      ++sr.failed;
      ++m_progress.failed;
      ++m_report.queries_failed;
    }
    m_progress.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    if (m_opts.progress) m_opts.progress(m_progress);
  });
  m_report.sources.push_back(std::move(sr));
}

void Puller::finish_daily(SourcePlan& plan, const DailyJob& job) {
  const SloContext& c = m_slos[job.slo];
  const Completed& g = plan.results[job.good];
  const Completed& t = plan.results[job.total];
  const std::string days = day_span(job.missing);

  PromRange good, total;
  if (g.failure.empty()) good = single_range(g.prom);
  if (t.failure.empty()) total = single_range(t.prom);
  const std::string failed = pair_failure(g.failure.empty() ? good.error : g.failure,
                                          t.failure.empty() ? total.error : t.failure);
  if (!failed.empty()) {
    slo_error(plan, c, "daily counts for " + days + " not fetched: " + failed);
    return;
  }

  std::vector<std::string> problems;
  for (std::int64_t d : job.missing) {
    const std::int64_t at = (d + 1) * k_day;
    auto gi = good.points.find(at);
    auto ti = total.points.find(at);
    const bool has_g = gi != good.points.end(), has_t = ti != total.points.end();
    if (!has_g && !has_t) continue; // no data that day: not zero, just nothing to store
    const std::string day = format_date(d);
    if (!has_g || !has_t) {
      problems.push_back(day + (has_g ? " total" : " good") + " has no data but " +
                         (has_g ? "good" : "total") + " has");
      continue;
    }
    const double gv = gi->second, tv = ti->second;
    if (const char* p = count_problem(gv)) {
      problems.push_back(day + " good " + p);
      ++m_report.values_rejected;
      continue;
    }
    if (const char* p = count_problem(tv)) {
      problems.push_back(day + " total " + p);
      ++m_report.values_rejected;
      continue;
    }
    if (gv > tv) {
      problems.push_back(day + " good " + show(gv) + " > total " + show(tv));
      ++m_report.values_rejected;
      continue;
    }
    plan.daily_rows.push_back(DailyRow{c.slo->meta.id, d, gv, tv});
  }
  if (!problems.empty())
    slo_error(plan, c,
              std::to_string(problems.size()) + " day" + (problems.size() == 1 ? "" : "s") +
                  " not stored: " + first_few(problems));
}

void Puller::finish_live(SourcePlan& plan, const std::vector<const LiveJob*>& jobs) {
  const SloContext& c = m_slos[jobs.front()->slo];
  // Failure → the windows it hit, so an unreachable server is one line per SLO, not one per
  // window.
  std::map<std::string, std::vector<std::string>> failures;
  for (const LiveJob* job : jobs) {
    const Completed& g = plan.results[job->good];
    const Completed& t = plan.results[job->total];
    auto fail = [&](const std::string& what) {
      auto& labels = failures[what];
      labels.insert(labels.end(), job->labels.begin(), job->labels.end());
    };
    PromValue good, total;
    if (g.failure.empty()) good = single_value(g.prom);
    if (t.failure.empty()) total = single_value(t.prom);
    const std::string failed = pair_failure(g.failure.empty() ? good.error : g.failure,
                                            t.failure.empty() ? total.error : t.failure);
    if (!failed.empty()) {
      fail(failed);
      continue;
    }
    if (!good.value && !total.value) continue; // no data: the burn rate stays null
    if (!good.value || !total.value) {
      fail(std::string(good.value ? "total" : "good") + " has no data but " +
           (good.value ? "good" : "total") + " has");
      continue;
    }
    const char* gp = count_problem(*good.value);
    const char* tp = count_problem(*total.value);
    if (gp || tp || *good.value > *total.value) {
      ++m_report.values_rejected;
      fail(gp   ? std::string("good ") + gp
           : tp ? std::string("total ") + tp
                : "good " + show(*good.value) + " > total " + show(*total.value));
      continue;
    }
    for (const auto& label : job->labels)
      m_report.live[c.slo->meta.id][label] = LiveWindow{*good.value, *total.value};
  }
  for (const auto& [what, labels] : failures)
    slo_error(plan, c,
              std::string(labels.size() == 1 ? "live window " : "live windows ") +
                  first_few(labels, 12) + " not fetched: " + what);
}

void Puller::finish_golden(SourcePlan& plan, const GoldenJob& job) {
  const Completed& r = plan.results[job.request];
  auto error = [&](const std::string& what) {
    PullError e;
    e.service = job.service;
    e.source = plan.source->name;
    e.file = "nines.yaml";
    e.message = scrub("golden signal '" + job.signal + "' of service '" + job.service + "', " +
                          where(plan) + ": " + what,
                      plan.token);
    m_report.errors.push_back(std::move(e));
  };
  PromRange range;
  if (r.failure.empty()) range = single_range(r.prom);
  const std::string failure = r.failure.empty() ? range.error : r.failure;
  if (!failure.empty()) {
    // Gathered: a source that is down would otherwise say so once per service and signal.
    auto& [signals, services] = plan.golden_failures[failure];
    signals.insert(job.signal);
    services.insert(job.service);
    return;
  }
  std::vector<std::string> problems;
  for (std::int64_t d : job.missing) {
    auto it = range.points.find((d + 1) * k_day);
    if (it == range.points.end()) continue;
    if (const char* p = count_problem(it->second)) {
      problems.push_back(format_date(d) + " " + p);
      ++m_report.values_rejected;
      continue;
    }
    plan.golden_rows.push_back(GoldenRow{job.service, job.signal, d, it->second});
  }
  if (!problems.empty())
    error(std::to_string(problems.size()) + " day" + (problems.size() == 1 ? "" : "s") +
          " not stored: " + first_few(problems));
}

void Puller::golden_failures(SourcePlan& plan) {
  for (const auto& [failure, hit] : plan.golden_failures) {
    const auto& [signals, services] = hit;
    PullError e;
    if (services.size() == 1) e.service = *services.begin();
    e.source = plan.source->name;
    e.file = "nines.yaml";
    const std::vector<std::string> sig(signals.begin(), signals.end());
    const std::vector<std::string> svc(services.begin(), services.end());
    e.message =
        scrub(std::string(sig.size() == 1 ? "golden signal " : "golden signals ") +
                  first_few(sig, 8) + " of " + (svc.size() == 1 ? "service " : "services ") +
                  first_few(svc) + ", " + where(plan) + ": not fetched: " + failure,
              plan.token);
    m_report.errors.push_back(std::move(e));
  }
}

void Puller::store(SourcePlan& plan, const SourcePullReport& sr, std::size_t first_error) {
  auto refused = [&](const char* what, const std::invalid_argument& e) {
    // Unreachable after the checks above; still, a refused batch is a report, not a crash.
    PullError err;
    err.source = plan.source->name;
    err.file = "nines.yaml";
    err.message = scrub("source '" + plan.source->name + "' (" + plan.url + "): " + what +
                            " refused by the store: " + e.what(),
                        plan.token);
    m_report.errors.push_back(std::move(err));
  };
  if (!plan.daily_rows.empty()) {
    try {
      m_store.put_daily(plan.store_source, plan.daily_rows, m_now);
      m_report.days_stored += plan.daily_rows.size();
    } catch (const std::invalid_argument& e) {
      refused("daily counts", e);
    }
  }
  if (!plan.golden_rows.empty()) {
    try {
      m_store.put_golden(plan.store_source, plan.golden_rows, m_now);
      m_report.golden_stored += plan.golden_rows.size();
    } catch (const std::invalid_argument& e) {
      refused("golden-signal values", e);
    }
  }
  // One line per source and pull: last_success(source, "pull") is when a pull last got every
  // value it asked for.
  std::string error;
  if (sr.failed > 0)
    error = std::to_string(sr.failed) + " of " + std::to_string(sr.queries) +
            " queries failed; first: " + plan.first_failure;
  else if (m_report.errors.size() > first_error)
    error = m_report.errors[first_error].message;
  m_store.log_fetch(plan.store_source, "pull", m_now, error.empty(), error);
}

PullReport Puller::run() {
  for (const auto& s : m_repo.config.sources) {
    if (s.type != "prometheus" && !s.type.empty()) continue; // the schema allows no other type
    SourcePlan p;
    p.source = &s;
    p.store_source = "prometheus:" + s.name;
    p.url = redact_url(s.url);
    if (!s.bearer_token_env.empty())
      if (const char* t = std::getenv(s.bearer_token_env.c_str())) p.token = t;
    m_plans.push_back(std::move(p));
  }
  for (const auto& slo : m_repo.slos) {
    const Sli* sli = nullptr;
    for (const auto& s : m_repo.slis)
      if (s.meta.id == slo.sli.id) sli = &s;
    if (!sli || !sli->query) continue;
    m_slos.push_back(SloContext{&slo, sli, slo.service.id});
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
    store(p, m_report.sources.back(), first_error);
    // Results are parsed and consumed: free them before the next source.
    p.results.clear();
    p.requests.clear();
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

} // namespace nines
