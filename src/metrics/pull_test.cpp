#include "compute/test_support.hpp"
#include "metrics/prometheus.hpp"
#include "metrics/pull.hpp"

#include <SQLiteCpp/Database.h>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <functional>
#include <optional>

using namespace nines;
using namespace nines::compute_test;

namespace {

const std::int64_t k_now = at("2026-11-01T00:00:00Z");

std::map<std::string, std::string> form_fields(const std::string& form) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= form.size()) {
    auto amp = form.find('&', pos);
    if (amp == std::string::npos) amp = form.size();
    auto part = form.substr(pos, amp - pos);
    auto eq = part.find('=');
    if (eq != std::string::npos)
      out[url_decode(part.substr(0, eq))] = url_decode(part.substr(eq + 1));
    pos = amp + 1;
  }
  return out;
}

// A Prometheus in memory: answers instant and range queries from `value`, or a fault.
class FakeProm : public HttpClient {
public:
  // (query, evaluation time) → the sample as Prometheus writes it, or nullopt for no sample.
  std::function<std::optional<std::string>(const std::string&, std::int64_t)> value;
  // A result to send instead of the answer, for faults: (query, is a range query).
  std::function<std::optional<HttpResult>(const std::string& query, bool range)> fault;
  // The JSON of one range sample (or several, comma-separated), for answers off the usual shape.
  std::function<std::string(const std::string& query, std::int64_t t, const std::string& value)>
      range_point = [](const std::string&, std::int64_t t, const std::string& v) {
        return "[" + std::to_string(t) + ",\"" + v + "\"]";
      };
  std::vector<std::map<std::string, std::string>> seen;
  std::vector<std::string> urls;
  HttpOptions last_opts;

  void post_all(const std::vector<HttpRequest>& requests, const HttpOptions& opts,
                const OnDone& on_done) override {
    last_opts = opts;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      auto f = form_fields(requests[i].form);
      seen.push_back(f);
      urls.push_back(requests[i].url);
      const bool range = requests[i].url.find("/query_range") != std::string::npos;
      if (fault) {
        if (auto r = fault(f["query"], range)) {
          on_done(i, std::move(*r));
          continue;
        }
      }
      HttpResult r;
      r.status = 200;
      r.attempts = 1;
      std::string points;
      if (range) {
        for (std::int64_t t = std::stoll(f["start"]); t <= std::stoll(f["end"]);
             t += std::stoll(f["step"]))
          if (auto v = value(f["query"], t))
            points += (points.empty() ? "" : ",") + range_point(f["query"], t, *v);
        r.body = R"({"status":"success","data":{"resultType":"matrix","result":[)" +
                 (points.empty() ? "" : R"({"metric":{},"values":[)" + points + "]}") + "]}}";
      } else {
        auto v = value(f["query"], std::stoll(f["time"]));
        r.body = R"({"status":"success","data":{"resultType":"vector","result":[)" +
                 (v ? R"({"metric":{},"value":[)" + f["time"] + ",\"" + *v + "\"]}" : "") + "]}}";
      }
      on_done(i, std::move(r));
    }
  }
};

Repo make_repo() {
  Repo r;
  MetricsSource s;
  s.name = "prom";
  s.type = "prometheus";
  s.url = "http://127.0.0.1:9/";
  s.concurrency = 4;
  s.retries = 2;
  s.timeout_s = 3;
  r.config.sources.push_back(s);
  r.services.push_back(service("pay-api"));
  Sli sli;
  sli.meta = meta("sli", "success-rate");
  sli.query = SliQuery{
      R"(good_total{service="{{service}}"})", R"(all_total{service="{{service}}"})", "", {}};
  r.slis.push_back(sli);
  r.slos.push_back(slo("pay", "pay-api", 99.9));
  // `burn_rate_alerts: []`: the four figures' live windows only, which the tests count queries
  // by (the generated alerts' windows are tested apart, "live windows of an SLO").
  r.slos.back().alerts_declared = true;
  return r;
}

// good 990 / total 1000 a day; 99 / 100 over any live window.
std::optional<std::string> steady(const std::string& q, std::int64_t) {
  const bool good = q.find("good_total") != std::string::npos;
  if (q.find("[1d]") != std::string::npos) return good ? "990" : "1000";
  return good ? "99" : "100";
}

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("pull: a series' definition changes with its query, source or time zone only") {
  Repo r = make_repo();
  r.config.golden_signals["traffic"] = R"(sum(rate(req{service="{{service}}"}[5m])))";
  const SeriesDefinitions base = series_definitions(r);
  REQUIRE(base.slos.count("pay") == 1);
  CHECK(!base.slos.at("pay").empty());
  CHECK(base.golden.count({"pay-api", "traffic"}) == 1);
  CHECK(series_definitions(r).slos == base.slos); // deterministic
  // Unrelated edits leave it: the URL (the same server moved), the target, a description.
  r.config.sources[0].url = "http://prom.internal:9090/";
  r.slos[0].target = 99.5;
  CHECK(series_definitions(r).slos == base.slos);
  CHECK(series_definitions(r).golden == base.golden);
  // The good query, the time zone, the source: each is another definition.
  Repo q = r;
  q.slis[0].query->good = R"(good_total{service="{{service}}",code="200"})";
  CHECK(series_definitions(q).slos.at("pay") != base.slos.at("pay"));
  Repo z = r;
  z.config.timezone = "Europe/Berlin";
  CHECK(series_definitions(z).slos.at("pay") != base.slos.at("pay"));
  CHECK(series_definitions(z).golden != base.golden);
  Repo s = r;
  s.slis[0].query->source = "other";
  CHECK(series_definitions(s).slos.at("pay") != base.slos.at("pay"));
  // No query: nothing is fetched for it, "" (so a removed query drops the days it fetched).
  Repo n = r;
  n.slis[0].query.reset();
  CHECK(series_definitions(n).slos.at("pay").empty());
}

TEST_CASE("pull: fetches the closed days the store lacks, at each day's end") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  std::vector<DailyRow> old;
  for (std::int64_t d = day("2026-10-04"); d <= day("2026-10-10"); ++d)
    old.push_back(DailyRow{"pay", d, 5, 10});
  store->put_daily("prometheus:prom", old, k_now - 86400 * 3);
  FakeProm prom;
  prom.value = steady;
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);

  CHECK(r.errors.empty());
  CHECK(r.slos_measured == std::set<std::string>{"pay"});
  // Daily: one range query per expression over the missing days, ending at each day's end.
  REQUIRE(prom.seen.size() >= 2);
  CHECK(prom.urls[0] == "http://127.0.0.1:9/api/v1/query_range");
  CHECK(prom.seen[0]["query"] == R"(sum(increase(good_total{service="pay-api"}[1d])))");
  CHECK(prom.seen[1]["query"] == R"(sum(increase(all_total{service="pay-api"}[1d])))");
  for (int i : {0, 1}) {
    CHECK(prom.seen[i]["start"] == std::to_string(at("2026-10-12T00:00:00Z"))); // end of 10-11
    CHECK(prom.seen[i]["end"] == std::to_string(k_now));                        // end of 10-31
    CHECK(prom.seen[i]["step"] == "86400");
  }
  CHECK(r.days_stored == 21);
  auto series = store->daily_series("pay");
  CHECK(series.size() == 28);
  CHECK(series.at(day("2026-10-10")).good == 5);
  CHECK(series.at(day("2026-10-11")).good == 990);
  CHECK(series.at(day("2026-10-31")).total == 1000);
  CHECK_FALSE(series.count(day("2026-11-01"))); // today is not closed
  CHECK(store->last_success("prometheus:prom", "pull") == k_now);

  // Live: 1h, 6h, 24h, 3d at now, as instant queries.
  CHECK(prom.seen.size() == 2 + 8);
  CHECK(prom.urls[2] == "http://127.0.0.1:9/api/v1/query");
  CHECK(prom.seen[2]["time"] == std::to_string(k_now));
  REQUIRE(r.live.count("pay"));
  CHECK(r.live["pay"].size() == 4);
  CHECK(r.live["pay"]["1h"].good == 99);
  CHECK(r.live["pay"]["3d"].total == 100);
  CHECK(r.queries_done == 10);
  CHECK(r.queries_failed == 0);
  CHECK(prom.last_opts.concurrency == 4);
  CHECK(prom.last_opts.max_body_bytes == answer_cap_bytes(4));
  CHECK(prom.last_opts.retry.retries == 2);
  CHECK(prom.last_opts.timeout_s == 3);

  // No settle margin by default: 10-31 ended at now and is final.
  CHECK(r.days_provisional == 0);
  CHECK(store->provisional_days().empty());

  // A second pull has no day left to fetch.
  FakeProm again;
  again.value = steady;
  PullOptions no_live;
  no_live.live = false;
  PullReport r2 = pull_metrics(repo, *store, no_live, k_now, again);
  CHECK(again.seen.empty());
  CHECK(r2.queries_done == 0);
  CHECK_FALSE(r2.unreachable_and_nothing_fetched());
}

TEST_CASE("pull: a day closed less than `settle` ago is used, marked, and fetched until settled") {
  Repo repo = make_repo();
  repo.config.sources[0].settle_s = 3600; // settle: 1h
  auto store = Store::open_memory();
  const std::int64_t last = day("2026-10-31");
  // Ten minutes after 10-31 ended the server holds only part of that day.
  bool complete = false;
  FakeProm prom;
  prom.value = [&](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    const bool good = q.find("good_total") != std::string::npos;
    if (t == k_now && !complete) return good ? "400" : "500";
    return steady(q, t);
  };
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now + 600, prom);
  CHECK(r.errors.empty());
  CHECK(r.days_stored == 28);
  CHECK(r.days_provisional == 1);
  CHECK(r.days_fetched.at("pay").count(last));
  CHECK(store->daily_series("pay").at(last).total == 500); // used for this run's figures
  CHECK(store->provisional_days().at("pay") == std::set<std::int64_t>{last});

  // Still inside the margin: asked again, still provisional.
  prom.seen.clear();
  PullReport r2 = pull_metrics(repo, *store, no_live, k_now + 1800, prom);
  CHECK(prom.seen.size() == 2);
  CHECK(r2.days_provisional == 1);
  CHECK(store->provisional_days().at("pay") == std::set<std::int64_t>{last});

  // Settled, but the refetch fails: nothing is written, the row stays as it was, still
  // provisional, and the day is not among those this pull fetched.
  FakeProm down;
  down.value = steady;
  down.fault = [](const std::string&, bool) -> std::optional<HttpResult> {
    HttpResult h;
    h.status = 503;
    h.attempts = 1;
    h.body = "unavailable";
    return h;
  };
  PullReport r3 = pull_metrics(repo, *store, no_live, k_now + 7200, down);
  CHECK(down.seen.size() == 2);
  CHECK_FALSE(r3.errors.empty());
  CHECK(r3.days_fetched.empty());
  CHECK(store->daily_series("pay").at(last).total == 500);
  CHECK(store->provisional_days().at("pay") == std::set<std::int64_t>{last});

  // Settled and answered: the final counts replace it and the mark is cleared.
  complete = true;
  prom.seen.clear();
  PullReport r4 = pull_metrics(repo, *store, no_live, k_now + 7200, prom);
  CHECK(prom.seen.size() == 2);
  CHECK(r4.days_stored == 1);
  CHECK(r4.days_provisional == 0);
  CHECK(store->daily_series("pay").at(last).total == 1000);
  CHECK(store->daily_series("pay").at(last).good == 990);
  CHECK(store->provisional_days().empty());
}

TEST_CASE("pull: the settle margin is the source's") {
  Repo repo = make_repo();
  repo.config.sources[0].settle_s = 300;
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  PullOptions no_live;
  no_live.live = false;
  // 10-31 ended 299 s before now: inside a 5-minute margin.
  CHECK(pull_metrics(repo, *store, no_live, k_now + 299, prom).days_provisional == 1);
  // 300 s: settled, fetched once more and final.
  PullReport r = pull_metrics(repo, *store, no_live, k_now + 300, prom);
  CHECK(r.days_stored == 1);
  CHECK(r.days_provisional == 0);
  CHECK(store->provisional_days().empty());
}

TEST_CASE("pull: a calendar window fetches its longest period, not its nominal length") {
  // `1M` is nominally 30 days; October has 31, and its first day must be fetched too.
  Repo repo = make_repo();
  repo.slos[0].window_days = 30;
  repo.slos[0].calendar_unit = "M";
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  CHECK(r.errors.empty());
  CHECK(r.days_stored == 31);
  CHECK(store->daily_series("pay").count(day("2026-10-01")));
  // A quarter: up to 92 days.
  repo.slos[0].window_days = 90;
  repo.slos[0].calendar_unit = "Q";
  auto store2 = Store::open_memory();
  FakeProm prom2;
  prom2.value = steady;
  CHECK(pull_metrics(repo, *store2, no_live, k_now, prom2).days_stored == 92);
}

TEST_CASE("pull: {{window}} queries are used as written") {
  Repo repo = make_repo();
  repo.slis[0].query = SliQuery{R"(sum(increase(ok{s="{{service}}"}[{{window}}])))",
                                R"(sum(increase(all{s="{{service}}"}[{{window}}])))",
                                "",
                                {}};
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string&, std::int64_t) { return std::optional<std::string>("1"); };
  pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(prom.seen[0]["query"] == R"(sum(increase(ok{s="pay-api"}[1d])))");
  bool saw_6h = false;
  for (auto& f : prom.seen)
    saw_6h = saw_6h || f["query"] == R"(sum(increase(all{s="pay-api"}[6h])))";
  CHECK(saw_6h);
}

TEST_CASE("pull: a raw ratio's constant total is vector(1), never a range of it") {
  // Sloth's sli.raw and OpenSLO's ratioMetric.raw: good is the ratio over the window, total
  // vector(1), so each day counts once (docs/dialects.md). increase(vector(1)[1d]) is a query
  // Prometheus refuses ("ranges only allowed for vector selectors").
  Repo repo = make_repo();
  repo.slis[0].query = SliQuery{"1 - (avg_over_time(err_ratio[{{window}}]))", "vector(1)", "", {}};
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t) {
    return std::optional<std::string>(q == "vector(1)" ? "1" : "0.95");
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(r.errors.empty());
  REQUIRE(prom.seen.size() >= 2);
  CHECK(prom.seen[0]["query"] == "1 - (avg_over_time(err_ratio[1d]))");
  CHECK(prom.seen[1]["query"] == "vector(1)");
  for (const auto& f : prom.seen)
    CHECK(f.at("query").find("increase") == std::string::npos);
  auto series = store->daily_series("pay");
  CHECK(series.size() == 28);
  CHECK(series.at(day("2026-10-31")).good == doctest::Approx(0.95));
  CHECK(series.at(day("2026-10-31")).total == 1);
  CHECK(r.live["pay"]["1h"].total == 1);
}

TEST_CASE("pull: a raw ratio with no sample is no data, not one side only") {
  // The gauge has no sample on one day and in the live windows, while vector(1) answers
  // everywhere: no data there (as a counter SLI with no sample), never a failed fetch that would
  // make the SLO stale, turn --strict into exit 3 and ask for the day again at every pull.
  Repo repo = make_repo();
  repo.slis[0].query = SliQuery{"avg_over_time(ratio[{{window}}])", "vector(1)", "", {}};
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    if (q == "vector(1)") return "1";
    if (t == at("2026-10-20T00:00:00Z") || has(q, "[1h]")) return std::nullopt;
    return "0.99";
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(r.errors.empty());
  CHECK(r.live_failed.empty());
  CHECK(r.days_failed.empty());
  auto series = store->daily_series("pay");
  CHECK(series.size() == 27);
  CHECK(series.count(day("2026-10-19")) == 0);
  CHECK(r.live["pay"].count("1h") == 0);
}

TEST_CASE("pull: a raw ratio that is NaN on a day with no traffic is no data that day") {
  // 1000 * good/total over vector(1000): 0/0 on a quiet day is NaN. That day has no data; the
  // other days of the answer are stored, and nothing is reported. A counter's NaN still fails the
  // answer (the next test).
  Repo repo = make_repo();
  repo.slis[0].query =
      SliQuery{"1000 * sum(increase(ok[{{window}}])) / sum(increase(all[{{window}}]))",
               "vector(1000)",
               "",
               {}};
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    if (q == "vector(1000)") return "1000";
    if (t == at("2026-10-15T00:00:00Z") || has(q, "[1h]")) return "NaN";
    return "995";
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(r.errors.empty());
  CHECK(r.days_failed.empty());
  CHECK(r.live_failed.empty());
  CHECK(r.live["pay"].count("1h") == 0);
  CHECK(r.live["pay"].count("6h") == 1);
  CHECK(r.values_rejected == 0);
  auto series = store->daily_series("pay");
  CHECK(series.size() == 27);
  CHECK(series.count(day("2026-10-14")) == 0);
  CHECK(series.at(day("2026-10-31")).good == doctest::Approx(995));
}

TEST_CASE("pull: alert windows are fetched once per duration, under every label") {
  Repo repo = make_repo();
  repo.slos[0].alerts.push_back(alert("fast", 14.4, "5m", 5, "60m", 60));
  repo.slos[0].alerts.push_back(alert("slow", 6, "30m", 30, "6h", 360));
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  // 5m, 30m, 1h (= 60m), 6h, 24h, 3d: six pairs after the two daily queries.
  CHECK(prom.seen.size() == 2 + 12);
  const auto& live = r.live["pay"];
  for (const char* label : {"1h", "60m", "5m", "30m", "6h", "24h", "3d"})
    CHECK_MESSAGE(live.count(label), label);
  bool saw_5m = false;
  for (auto& f : prom.seen)
    saw_5m = saw_5m || f["query"] == R"(sum(increase(good_total{service="pay-api"}[5m])))";
  CHECK(saw_5m);
}

TEST_CASE("pull: a refused daily answer is told at the query whose values were refused") {
  for (const bool total_side : {false, true}) {
    CAPTURE(total_side);
    Repo repo = make_repo();
    repo.slis[0].meta.file = "slis/success-rate.yaml";
    repo.slis[0].query->loc = {3, 3};
    repo.slis[0].query->good_loc = {4, 11};
    repo.slis[0].query->total_loc = {5, 12};
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [total_side](const std::string& q, std::int64_t t) -> std::optional<std::string> {
      if (t == at("2026-10-06T00:00:00Z") && has(q, total_side ? "all_total" : "good_total"))
        return "NaN";
      return steady(q, t);
    };
    PullOptions no_live;
    no_live.live = false;
    PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].file == "slis/success-rate.yaml");
    CHECK(r.errors[0].loc.line == (total_side ? 5 : 4));
  }
}

TEST_CASE("pull: NaN, ±Inf, negative and good > total fail the whole answer, never stored") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    const bool good = has(q, "good_total");
    if (t == at("2026-10-06T00:00:00Z") && good) return "NaN";
    if (t == at("2026-10-07T00:00:00Z") && !good) return "+Inf";
    if (t == at("2026-10-08T00:00:00Z") && good) return "-1";
    if (t == at("2026-10-09T00:00:00Z") && good) return "2000";
    if (has(q, "[1h]") && good) return "-Inf";
    return steady(q, t);
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  // Not one day of the answer is stored, not even the 24 good ones: the SLO reads missing, not
  // fresh over a window with holes in it.
  CHECK(store->daily_series("pay").empty());
  CHECK(r.days_stored == 0);
  CHECK(r.values_rejected == 5);
  // The two daily queries and the 1h pair failed; the other live windows did not.
  CHECK(r.queries_done == 10);
  CHECK(r.queries_failed == 4);
  REQUIRE(r.errors.size() == 2);
  CHECK(has(r.errors[0].message,
            "SLO 'pay', source 'prom' (http://127.0.0.1:9/): daily counts for 2026-10-04 … "
            "2026-10-31 (28 days) not stored: 4 days rejected: 2026-10-05 good is NaN, "
            "2026-10-06 total is +Inf, 2026-10-07 good is negative and 1 more"));
  CHECK(r.errors[0].file == "slo/pay.yaml");
  CHECK(has(r.errors[1].message, "live window 1h not fetched: good is -Inf"));
  CHECK_FALSE(r.live["pay"].count("1h"));
  CHECK(r.live["pay"].count("6h"));
  // A day with problems is not a successful fetch.
  CHECK_FALSE(store->last_success("prometheus:prom", "pull"));
}

TEST_CASE("pull: good over total by a sum's rounding is good = total; by more, or over 2^53 by its "
          "digits, refused") {
  Repo repo = make_repo();
  SUBCASE("the last bits of two sums: every day stored, good = total") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string& q, std::int64_t) -> std::optional<std::string> {
      if (has(q, "good_total")) return has(q, "[1d]") ? "1000.0000000000005" : "100.00000000000001";
      return has(q, "[1d]") ? "1000" : "100";
    };
    PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
    CHECK(r.errors.empty());
    CHECK(r.values_rejected == 0);
    CHECK(r.days_stored == 28);
    for (const auto& [d, c] : store->daily_series("pay"))
      CHECK(c.good == c.total);
    REQUIRE(r.live["pay"].count("1h"));
    CHECK(r.live["pay"]["1h"].good == r.live["pay"]["1h"].total);
  }
  SUBCASE("one event in a million more good than total: a lie, refused") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string& q, std::int64_t) -> std::optional<std::string> {
      if (has(q, "good_total")) return "1000001";
      return "1000000";
    };
    PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
    CHECK(r.days_stored == 0);
    CHECK(store->daily_series("pay").empty());
  }
  SUBCASE("9007199254740993 reads as 2^53 in a double, and is over it") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string&, std::int64_t) {
      return std::optional<std::string>("9007199254740993");
    };
    PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
    CHECK(r.days_stored == 0);
    REQUIRE_FALSE(r.errors.empty());
    CHECK(has(r.errors[0].message, "is over 2^53"));
  }
}

TEST_CASE("pull: one rejected day keeps the store as it was, so the SLO reads stale") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  std::vector<DailyRow> old;
  for (std::int64_t d = day("2026-10-04"); d <= day("2026-10-20"); ++d)
    old.push_back(DailyRow{"pay", d, 990, 1000});
  store->put_daily("prometheus:prom", old, k_now - 86400 * 11);
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    if (t == at("2026-10-26T00:00:00Z") && has(q, "all_total")) return "NaN";
    return steady(q, t);
  };
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  auto series = store->daily_series("pay");
  CHECK(series.size() == 17);
  CHECK(series.rbegin()->first == day("2026-10-20"));
  CHECK(r.days_stored == 0);
  CHECK(r.values_rejected == 1);
  CHECK(r.queries_failed == 2);
  CHECK(r.nothing_fetched());
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message, "daily counts for 2026-10-21 … 2026-10-31 (11 days) not stored: "
                                 "1 day rejected: 2026-10-25 total is NaN"));
}

TEST_CASE("pull: the days a fetch failed to get are named per SLO, empty answers are not") {
  Repo repo = make_repo();
  PullOptions no_live;
  no_live.live = false;
  SUBCASE("a 503 on the range queries: every day asked for failed") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = steady;
    prom.fault = [](const std::string&, bool range) -> std::optional<HttpResult> {
      if (!range) return std::nullopt;
      HttpResult r;
      r.status = 503;
      r.body = R"({"status":"error","errorType":"unavailable","error":"overloaded"})";
      return r;
    };
    PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
    REQUIRE(r.days_failed.count("pay") == 1);
    CHECK(r.days_failed.at("pay").size() == 28);
    CHECK(r.days_failed.at("pay").count(day("2026-10-04")));
    CHECK(r.days_failed.at("pay").count(day("2026-10-31")));
  }
  SUBCASE("a refused day fails its whole answer") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
      if (t == at("2026-10-26T00:00:00Z") && has(q, "all_total")) return "NaN";
      return steady(q, t);
    };
    PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
    REQUIRE(r.days_failed.count("pay") == 1);
    CHECK(r.days_failed.at("pay").size() == 28);
  }
  SUBCASE("good events with no total: that day only") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
      if (!has(q, "good_total") && t == at("2026-10-20T00:00:00Z")) return std::nullopt;
      return steady(q, t);
    };
    PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
    REQUIRE(r.days_failed.count("pay") == 1);
    CHECK(r.days_failed.at("pay") == std::set<std::int64_t>{day("2026-10-19")});
  }
  SUBCASE("a day with no sample on either side is no data, not a failure") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
      if (t == at("2026-10-11T00:00:00Z")) return std::nullopt;
      return steady(q, t);
    };
    PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
    CHECK(r.days_failed.empty());
  }
}

TEST_CASE("pull: a day without a sample on either side is no data, not a failed fetch") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    if (t == at("2026-10-11T00:00:00Z")) return std::nullopt;
    return steady(q, t);
  };
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  CHECK(r.errors.empty());
  CHECK(r.queries_failed == 0);
  CHECK(r.days_stored == 27);
  auto series = store->daily_series("pay");
  CHECK_FALSE(series.count(day("2026-10-10")));
  CHECK(series.count(day("2026-10-31")));
}

TEST_CASE("pull: a query whose every value is rejected counts as failed") {
  Repo repo = make_repo();
  repo.config.golden_signals["traffic"] = R"(sum(rate(req{service="{{service}}"}[1d])))";
  SUBCASE("every value NaN: nothing usable was fetched") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string&, std::int64_t) { return std::optional<std::string>("NaN"); };
    PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
    CHECK(r.days_stored + r.golden_stored == 0);
    CHECK(r.queries_done == 11);
    CHECK(r.queries_failed == 11);
    CHECK(r.sources[0].failed == 11);
    CHECK(r.nothing_fetched());
  }
  SUBCASE("good > total every day, golden signals stored: some queries failed") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string& q, std::int64_t) -> std::optional<std::string> {
      if (has(q, "req{")) return "5";
      return has(q, "good_total") ? "1200" : "1000";
    };
    PullOptions o;
    o.live = false;
    PullReport r = pull_metrics(repo, *store, o, k_now, prom);
    CHECK(r.days_stored == 0);
    CHECK(r.golden_stored == 28);
    CHECK(r.queries_done == 3);
    CHECK(r.queries_failed == 2); // good and total
    CHECK_FALSE(r.nothing_fetched());
  }
  SUBCASE("one value rejected: the answer is a failed fetch, none of it stored") {
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
      if (has(q, "req{")) return t == at("2026-10-10T00:00:00Z") ? "-1" : "5";
      return steady(q, t);
    };
    PullOptions o;
    o.live = false;
    PullReport r = pull_metrics(repo, *store, o, k_now, prom);
    CHECK(r.golden_stored == 0);
    CHECK(r.values_rejected == 1);
    CHECK(r.queries_failed == 1);
    CHECK(r.golden_failed["pay-api"].count("traffic"));
  }
}

TEST_CASE("pull: a series with two different values at one time fails that query") {
  Repo repo = make_repo();
  for (const bool conflicting : {true, false}) {
    CAPTURE(conflicting);
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = steady;
    // Every good sample is sent twice; the second copy says 0 when conflicting.
    prom.range_point = [&](const std::string& q, std::int64_t t, const std::string& v) {
      const std::string first = "[" + std::to_string(t) + ",\"" + v + "\"]";
      if (!has(q, "good_total")) return first;
      return first + ",[" + std::to_string(t) + ",\"" + (conflicting ? "0" : v) + "\"]";
    };
    PullOptions o;
    o.live = false;
    PullReport r = pull_metrics(repo, *store, o, k_now, prom);
    if (conflicting) {
      CHECK(store->daily_series("pay").empty());
      // The good query, and with it the total: an answer without its pair stores nothing.
      CHECK(r.queries_failed == 2);
      REQUIRE(r.errors.size() == 1);
      CHECK(has(r.errors[0].message,
                "daily counts for 2026-10-04 … 2026-10-31 (28 days) not fetched: good query: "
                "the series has two different values at time 1791158400 (990 and 0)"));
    } else {
      CHECK(r.errors.empty());
      CHECK(store->daily_series("pay").size() == 28);
      CHECK(r.queries_failed == 0);
    }
  }
}

TEST_CASE("pull: samples off the requested day steps are told, not stored") {
  Repo repo = make_repo();
  repo.config.golden_signals["traffic"] = R"(sum(rate(req{service="{{service}}"}[1d])))";
  repo.services.push_back(service("cart"));
  for (const std::int64_t shift : {std::int64_t{0}, std::int64_t{3600}}) {
    CAPTURE(shift);
    auto store = Store::open_memory();
    FakeProm prom;
    prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
      if (has(q, "req{")) return "5";
      return steady(q, t);
    };
    // Milliseconds, or a grid an hour late.
    prom.range_point = [&](const std::string&, std::int64_t t, const std::string& v) {
      const std::int64_t sent = shift == 0 ? t * 1000 : t + shift;
      return "[" + std::to_string(sent) + ",\"" + v + "\"]";
    };
    PullOptions o;
    o.live = false;
    PullReport r = pull_metrics(repo, *store, o, k_now, prom);
    CHECK(store->daily_series().empty());
    CHECK(r.golden_stored == 0);
    CHECK(r.values_rejected == 28 * 4);
    CHECK(r.nothing_fetched());
    REQUIRE(r.errors.size() == 2);
    const std::string example = std::to_string(shift == 0 ? at("2026-10-05T00:00:00Z") * 1000
                                                          : at("2026-10-05T00:00:00Z") + shift);
    CHECK(r.errors[0].message ==
          "SLO 'pay', source 'prom' (http://127.0.0.1:9/): daily counts for 2026-10-04 … "
          "2026-10-31 (28 days): good and total queries: 28 samples are not at the requested day "
          "steps (e.g. at unix time " +
              example +
              "; asked for 1791158400 … 1793491200 every 86400 s), not "
              "stored");
    CHECK(r.errors[1].message ==
          "golden signal traffic of services cart, pay-api, source 'prom' (http://127.0.0.1:9/): "
          "56 samples in all; the first query: 28 samples are not at the requested day steps "
          "(e.g. at unix time " +
              example +
              "; asked for 1791158400 … 1793491200 every 86400 s), not "
              "stored");
    // Not fetched, so `--strict` names them: the days asked for have no value.
    CHECK(r.golden_failed == std::map<std::string, std::set<std::string>>{
                                 {"cart", {"traffic"}}, {"pay-api", {"traffic"}}});
  }
}

TEST_CASE("pull: an empty result is no data, not zero") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string&, std::int64_t) { return std::optional<std::string>(); };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(r.errors.empty());
  CHECK(r.days_stored == 0);
  CHECK(store->daily_series("pay").empty());
  CHECK(r.live.empty());
  CHECK(r.queries_failed == 0);
}

TEST_CASE("pull: requests with no good series are no good events; good with no requests is "
          "reported, not stored") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    // 2026-10-19: every request failed, so the series of successes has no sample (an outage).
    if (has(q, "good_total") && t == at("2026-10-20T00:00:00Z")) return std::nullopt;
    // 2026-10-21: successes and no requests, which no count can be.
    if (!has(q, "good_total") && t == at("2026-10-22T00:00:00Z")) return std::nullopt;
    return steady(q, t);
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  const DailySeries series = store->daily_series("pay");
  CHECK(series.size() == 27);
  const auto outage = series.find(*parse_date("2026-10-19"));
  REQUIRE(outage != series.end());
  CHECK(outage->second.good == 0);
  CHECK(outage->second.total > 0);
  CHECK(series.count(*parse_date("2026-10-21")) == 0);
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message, "1 day not stored: 2026-10-21 total has no data but good has"));
}

TEST_CASE("pull: a failed query stores nothing of that SLO and never shows the token") {
  ::setenv("NINES_PULL_TEST_TOKEN", "s3cr3t-t0ken-value", 1);
  Repo repo = make_repo();
  repo.config.sources[0].bearer_token_env = "NINES_PULL_TEST_TOKEN";
  repo.config.sources[0].url = "http://user:pw@127.0.0.1:9";
  repo.slos.push_back(slo("pay-2", "pay-api", 99));
  // On disk, so the test can read every table afterwards, the fetch log included.
  std::string folder = (std::filesystem::temp_directory_path() / "nines-pull-XXXXXX").string();
  REQUIRE(::mkdtemp(folder.data()) != nullptr);
  const std::filesystem::path db = std::filesystem::path(folder) / "cache.db";
  auto store = Store::open(db);
  FakeProm prom;
  prom.value = steady;
  prom.fault = [](const std::string& q, bool range) -> std::optional<HttpResult> {
    if (!has(q, "all_total") || !range) return std::nullopt;
    HttpResult r;
    r.status = 503;
    r.attempts = 3;
    // A server that echoes the Authorization header into its error.
    r.body = R"({"status":"error","errorType":"unavailable",)"
             R"("error":"rejected Bearer s3cr3t-t0ken-value"})";
    return r;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(prom.last_opts.bearer_token_env == "NINES_PULL_TEST_TOKEN");
  CHECK(store->daily_series("pay").empty());
  CHECK(store->daily_series("pay-2").empty());
  CHECK(r.days_stored == 0);
  // Each SLO's total failed, and with it its good: an answer without its pair stores nothing.
  CHECK(r.queries_failed == 4);
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].message ==
        "SLO 'pay', source 'prom' (http://127.0.0.1:9): daily counts for 2026-10-04 … 2026-10-31 "
        "(28 days) not fetched: total query: HTTP 503: Prometheus answered unavailable: rejected "
        "Bearer [redacted] (after 3 attempts)");
  for (const auto& e : r.errors) {
    CHECK_FALSE(has(e.message, "s3cr3t"));
    CHECK_FALSE(has(e.message, "user:pw"));
  }
  // The live windows did not fail: they are there.
  CHECK(r.live["pay"].size() == 4);
  // `metrics pull` (closed days only) stored nothing: every query counts as failed, so it exits 3
  // and never says that what was fetched is stored.
  PullOptions days_only;
  days_only.live = false;
  const PullReport pulled = pull_metrics(repo, *store, days_only, k_now, prom);
  CHECK(pulled.queries_done == 4);
  CHECK(pulled.nothing_fetched());
  CHECK_FALSE(store->last_success("prometheus:prom", "pull"));
  // Nothing from the failed fetch is in the store: no counts, and no line of its error text.
  store.reset();
  {
    SQLite::Database raw(db.string());
    CHECK(raw.execAndGet("SELECT count(*) FROM fetch_log").getInt() == 0);
    CHECK(raw.execAndGet("SELECT count(*) FROM daily").getInt() == 0);
  }
  std::filesystem::remove_all(folder);
  ::unsetenv("NINES_PULL_TEST_TOKEN");
}

TEST_CASE("pull: malformed and multi-series answers fail that query only") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  prom.fault = [](const std::string& q, bool range) -> std::optional<HttpResult> {
    HttpResult r;
    r.status = 200;
    r.attempts = 1;
    if (has(q, "good_total") && range) {
      r.body = R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"val)";
      return r;
    }
    if (has(q, "[6h]")) {
      r.body = R"({"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"2"]}]}})";
      return r;
    }
    return std::nullopt;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(store->daily_series("pay").empty());
  REQUIRE(r.errors.size() == 2);
  CHECK(has(r.errors[0].message, "not fetched: good query: the response is truncated"));
  CHECK(has(r.errors[1].message, "live window 6h not fetched: good and total queries: the query "
                                 "returned 2 series"));
  CHECK(r.live["pay"].count("1h"));
  CHECK_FALSE(r.live["pay"].count("6h"));
}

TEST_CASE("pull: a live answer stamped at another time than now is a failed fetch") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  // A caching proxy's answer to the 1h window: five days old.
  prom.fault = [](const std::string& q, bool range) -> std::optional<HttpResult> {
    if (range || !has(q, "[1h]")) return std::nullopt;
    HttpResult r;
    r.status = 200;
    r.attempts = 1;
    r.body = R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},)"
             R"("value":[)" +
             std::to_string(k_now - 5 * 86400) + R"(,"50"]}]}})";
    return r;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message, "live window 1h not fetched: good and total queries: the answer "
                                 "is stamped at unix time " +
                                     std::to_string(k_now - 5 * 86400) + ", not at the requested " +
                                     std::to_string(k_now)));
  CHECK_FALSE(r.live["pay"].count("1h"));
  CHECK(r.live["pay"].count("6h"));
  CHECK(r.queries_failed == 2);
}

TEST_CASE("pull: both failures of a pair are told") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  prom.fault = [](const std::string& q, bool range) -> std::optional<HttpResult> {
    if (range || !has(q, "[1h]")) return std::nullopt;
    HttpResult r;
    r.error = has(q, "good_total") ? "Couldn't connect to server" : "not sent: down";
    r.attempts = has(q, "good_total") ? 3 : 0;
    return r;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message, "live window 1h not fetched: good query: Couldn't connect to "
                                 "server (after 3 attempts); total query: not sent: down"));
}

TEST_CASE("pull: unreachable source") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  prom.fault = [](const std::string&, bool) -> std::optional<HttpResult> {
    HttpResult r;
    r.error = "Couldn't connect to server";
    r.attempts = 3;
    r.unreachable = true;
    return r;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(r.unreachable_and_nothing_fetched());
  REQUIRE(r.sources.size() == 1);
  CHECK(r.sources[0].unreachable);
  CHECK(r.sources[0].failed == 10);
  // One line for the days and one for all the live windows, per SLO.
  REQUIRE(r.errors.size() == 2);
  // No attempt count: requests of a source given up stop at different attempts.
  CHECK(r.errors[1].message.substr(r.errors[1].message.find("live windows")) ==
        "live windows 1h, 6h, 24h, 3d not fetched: good and total queries: Couldn't connect to "
        "server");
  CHECK(r.live_failed["pay"] == std::set<std::string>{"1h", "6h", "24h", "3d"});
  CHECK(store->daily_series().empty());
}

TEST_CASE("pull: golden signals, daily at each day's end, NaN and negative rejected") {
  Repo repo = make_repo();
  repo.config.golden_signals["traffic"] = R"(sum(rate(req{service="{{service}}"}[1d])))";
  repo.config.golden_signals["latency_p99"] = "";
  repo.services.push_back(service("cart"));
  auto store = Store::open_memory();
  store->put_golden("prometheus:prom", {GoldenRow{"cart", "traffic", day("2026-10-31"), 7}}, k_now);
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    if (has(q, "req{")) {
      if (has(q, "pay-api") && t == at("2026-10-10T00:00:00Z")) return "NaN";
      if (has(q, "pay-api") && t == at("2026-10-11T00:00:00Z")) return "-2";
      return "2.5";
    }
    return steady(q, t);
  };
  PullOptions o;
  o.live = false;
  PullReport r = pull_metrics(repo, *store, o, k_now, prom);
  // pay-api's answer holds a NaN and a negative day: none of it is stored (SPEC 4.4), and the
  // signal is reported as not fetched. cart's answer is whole.
  CHECK(store->golden_series("pay-api", "traffic").empty());
  CHECK(r.golden_failed["pay-api"].count("traffic"));
  CHECK(store->golden_series("cart", "traffic").size() == 28);
  CHECK(store->golden_series("cart", "traffic").at(day("2026-10-31")) == 7);
  CHECK(r.golden_stored == 27);
  bool cart_range = false;
  for (auto& f : prom.seen)
    if (f["query"] == R"(sum(rate(req{service="cart"}[1d])))")
      cart_range = f["end"] == std::to_string(at("2026-10-31T00:00:00Z"));
  CHECK(cart_range); // the stored last day is not asked for again
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].service == "pay-api");
  CHECK(has(r.errors[0].message, "golden signal 'traffic' of service 'pay-api', source 'prom'"));
  CHECK(has(r.errors[0].message, "daily values for 2026-10-04 … 2026-10-31 (28 days) not stored: 2 "
                                 "days rejected: 2026-10-09 is NaN, 2026-10-10 is negative"));
}

TEST_CASE("pull: a golden-signal day read less than `settle` after its end is fetched again") {
  Repo repo = make_repo();
  repo.slis[0].query.reset();
  repo.config.sources[0].settle_s = 3600; // settle: 1h
  repo.config.golden_signals["traffic"] = R"(sum(rate(req{service="{{service}}"}[1d])))";
  auto store = Store::open_memory();
  const std::int64_t last = day("2026-10-31");
  bool complete = false;
  FakeProm prom;
  prom.value = [&](const std::string& q, std::int64_t t) -> std::optional<std::string> {
    if (!has(q, "req{")) return steady(q, t);
    // 10-31's value, read at its end, is short until the server has all of the day.
    return t == k_now && !complete ? "1.5" : "2.5";
  };
  PullOptions o;
  o.live = false;
  // Ten minutes after 10-31 ended: stored, shown, and marked.
  PullReport r = pull_metrics(repo, *store, o, k_now + 600, prom);
  CHECK(r.errors.empty());
  CHECK(r.golden_stored == 28);
  CHECK(r.golden_provisional == 1);
  CHECK(store->golden_series("pay-api", "traffic").at(last) == 1.5);
  CHECK(store->golden_provisional_days("pay-api", "traffic") == std::set<std::int64_t>{last});
  // Inside the margin still: only the provisional day is asked for again.
  prom.seen.clear();
  PullReport r2 = pull_metrics(repo, *store, o, k_now + 1800, prom);
  REQUIRE(prom.seen.size() == 1);
  CHECK(prom.seen[0]["start"] == std::to_string(k_now));
  CHECK(prom.seen[0]["end"] == std::to_string(k_now));
  CHECK(r2.golden_stored == 1);
  CHECK(r2.golden_provisional == 1);
  // Settled: the whole day's value replaces it, the mark is gone, and nothing is asked again.
  complete = true;
  prom.seen.clear();
  PullReport r3 = pull_metrics(repo, *store, o, k_now + 7200, prom);
  CHECK(prom.seen.size() == 1);
  CHECK(r3.golden_stored == 1);
  CHECK(r3.golden_provisional == 0);
  CHECK(store->golden_series("pay-api", "traffic").at(last) == 2.5);
  CHECK(store->golden_provisional_days("pay-api", "traffic").empty());
  prom.seen.clear();
  pull_metrics(repo, *store, o, k_now + 7200, prom);
  CHECK(prom.seen.empty());
}

TEST_CASE("pull: golden-signal fetch failures are one line per failure, not per service") {
  Repo repo = make_repo();
  repo.slis[0].query.reset();
  repo.config.golden_signals["traffic"] = R"(sum(rate(req{service="{{service}}"}[1d])))";
  repo.config.golden_signals["error_rate"] = R"(sum(rate(err{service="{{service}}"}[1d])))";
  for (const char* s : {"a", "b", "c", "d"})
    repo.services.push_back(service(s));
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  prom.fault = [](const std::string&, bool) -> std::optional<HttpResult> {
    HttpResult r;
    r.error = "Couldn't connect to server";
    r.attempts = 1;
    r.unreachable = true;
    return r;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(prom.seen.size() == 10);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message ==
        "golden signals error_rate, traffic of services a, b, c and 2 more, source 'prom' "
        "(http://127.0.0.1:9/): not fetched: Couldn't connect to server");
  CHECK(r.errors[0].file == "nines.yaml");
}

TEST_CASE("pull: a query naming an unknown source is reported, nothing is sent") {
  Repo repo = make_repo();
  repo.slis[0].query->source = "thanos";
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(prom.seen.empty());
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message, "no metrics source named 'thanos'"));
  CHECK(r.errors[0].file == "sli/success-rate.yaml");
  CHECK(r.slos_measured.empty());
}

TEST_CASE("pull: SLIs without a query are left alone") {
  Repo repo = make_repo();
  repo.slis[0].query.reset();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(prom.seen.empty());
  CHECK(r.errors.empty());
}

TEST_CASE("live windows of an SLO") {
  Repo repo = make_repo();
  Slo s = slo("x", "svc", 99);
  s.alerts.push_back(alert("a", 14.4, "5m", 5, "1h", 60));
  auto w = live_windows_of(repo, s);
  CHECK(w.size() == 5);
  CHECK(w.at("5m") == 5);
  CHECK(w.at("3d") == 4320);
  // An SLO without burn_rate_alerts pages with the generated defaults, whose page shows their
  // short windows' burn: those are fetched too.
  repo.slos[0].alerts_declared = false;
  const std::map<std::string, double> defaults = live_windows_of(repo, repo.slos[0]);
  CHECK(defaults.at("5m") == 5);
  CHECK(defaults.at("30m") == 30);
  CHECK(defaults.size() == 6); // with 1h, 6h, 24h and 3d, which are the long windows too
  // One that opts out (`burn_rate_alerts: []`) needs the four figures' windows only.
  repo.slos[0].alerts_declared = true;
  CHECK(live_windows_of(repo, repo.slos[0]).size() == 4);
}

TEST_CASE("pull: a number out of range (1e999) fails that query only, nothing aborts") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  prom.fault = [](const std::string& q, bool range) -> std::optional<HttpResult> {
    if (!has(q, "good_total") || !range) return std::nullopt;
    HttpResult r;
    r.status = 200;
    r.attempts = 1;
    r.body = R"({"status":"success","data":{"resultType":"matrix","result":[)"
             R"({"metric":{},"values":[[1e999,"1"]]}]}})";
    return r;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(store->daily_series("pay").empty());
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message, "good query: the response holds a number out of range"));
  CHECK(r.live["pay"].size() == 4); // the other queries went on
  CHECK(r.queries_failed == 2);     // the good query and its total, which has no pair
  CHECK_FALSE(r.nothing_fetched());
}

TEST_CASE("pull: counts over 2^53 are rejected, never summed") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t) -> std::optional<std::string> {
    return std::string(has(q, "good_total") ? "1e308" : "1e308");
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  CHECK(store->daily_series("pay").empty());
  CHECK(r.values_rejected > 0);
  REQUIRE_FALSE(r.errors.empty());
  CHECK(has(r.errors[0].message, "is over 2^53"));
}

TEST_CASE("pull: the token is redacted on the raw text, before messages are cut or folded") {
  const std::string token = "tok-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";
  ::setenv("NINES_PULL_TEST_TOKEN2", token.c_str(), 1);
  Repo repo = make_repo();
  repo.config.sources[0].bearer_token_env = "NINES_PULL_TEST_TOKEN2";
  repo.config.sources[0].url = "http://127.0.0.1:9/?access_token=qs-secret-1&x=1";
  auto store = Store::open_memory();
  for (std::size_t pad : {270u, 280u, 290u, 299u}) {
    FakeProm prom;
    prom.value = steady;
    prom.fault = [&](const std::string& q, bool range) -> std::optional<HttpResult> {
      if (!has(q, "all_total") || !range) return std::nullopt;
      HttpResult r;
      r.status = 400;
      r.attempts = 1;
      // The token straddles the 300-character cut, after a line break and a JSON escape.
      r.body = R"({"status":"error","errorType":"bad_data","error":")" + std::string(pad, 'x') +
               R"(\nheader was: )" + token + R"("})";
      return r;
    };
    PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
    REQUIRE_FALSE(r.errors.empty());
    for (const auto& e : r.errors) {
      CAPTURE(e.message);
      // No piece of the token of 6 characters or more survives.
      for (std::size_t i = 0; i + 6 <= token.size(); ++i)
        CHECK_FALSE(has(e.message, token.substr(i, 6)));
      CHECK_FALSE(has(e.message, "qs-secret-1"));
    }
    CHECK(has(r.errors[0].message, "access_token=[redacted]"));
  }
  ::unsetenv("NINES_PULL_TEST_TOKEN2");
}

TEST_CASE("pull: a source URL with a redacted parameter keeps the text around it") {
  Repo repo = make_repo();
  repo.config.sources[0].url = "http://alice:pw-secret@127.0.0.1:9/?token=qs-secret-2";
  auto store = Store::open_memory();
  FakeProm prom;
  prom.fault = [](const std::string&, bool) -> std::optional<HttpResult> {
    HttpResult r;
    r.status = 503;
    r.attempts = 1;
    r.body = R"({"status":"error","errorType":"unavailable","error":"down"})";
    return r;
  };
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  REQUIRE(r.errors.size() == 1);
  CAPTURE(r.errors[0].message);
  CHECK(has(r.errors[0].message,
            "source 'prom' (http://127.0.0.1:9/?token=[redacted]): daily counts for "));
  CHECK_FALSE(has(r.errors[0].message, "secret"));
}

TEST_CASE("pull: the source URL's credentials echoed in a relative path or bare are redacted") {
  Repo repo = make_repo();
  repo.config.sources[0].url = "http://alice:pw-secret-9@127.0.0.1:9/?api_key=K3Y-0123456789abcdef";
  auto store = Store::open_memory();
  FakeProm prom;
  prom.fault = [](const std::string&, bool range) -> std::optional<HttpResult> {
    HttpResult r;
    r.status = 400;
    r.attempts = 1;
    r.body = range ? R"({"status":"error","errorType":"bad_data","error":"cannot handle )"
                     R"(/api/v1/query_range?api_key=K3Y-0123456789abcdef"})"
                   : R"({"status":"error","errorType":"bad_data","error":"key K3Y-0123456789abc )"
                     R"(for pw-secret-9 refused"})";
    return r;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  REQUIRE_FALSE(r.errors.empty());
  bool relative = false;
  for (const auto& e : r.errors) {
    CAPTURE(e.message);
    CHECK_FALSE(has(e.message, "K3Y"));
    CHECK_FALSE(has(e.message, "pw-secret"));
    relative = relative || has(e.message, "query_range?api_key=[redacted]");
  }
  CHECK(relative);
}

TEST_CASE("pull: an answer with warnings (a partial response) is a failed fetch, not stored") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  prom.fault = [](const std::string& q, bool range) -> std::optional<HttpResult> {
    if (!range || !has(q, "good_total")) return std::nullopt;
    HttpResult r;
    r.status = 200;
    r.attempts = 1;
    r.body = R"({"status":"success","warnings":["partial response: store 10.0.0.7:10901 )"
             R"(unavailable"],"data":{"resultType":"matrix","result":[{"metric":{},)"
             R"("values":[[1793491200,"495"]]}]}})";
    return r;
  };
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  CHECK(store->daily_series("pay").empty());
  CHECK(r.days_stored == 0);
  CHECK(r.nothing_fetched());
  REQUIRE(r.days_failed.count("pay") == 1);
  CHECK(r.days_failed.at("pay").size() == 28);
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message,
            "daily counts for 2026-10-04 … 2026-10-31 (28 days) not fetched: good query: the "
            "server answered with a warning, so the answer may be partial and is not used: "
            "partial response: store 10.0.0.7:10901 unavailable"));
}

TEST_CASE("pull: range samples on the steps but outside the days asked for are told so") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  // The day after the last one asked for comes back too, on the grid.
  std::int64_t last = 0;
  prom.range_point = [&last](const std::string&, std::int64_t t, const std::string& v) {
    last = std::max(last, t);
    std::string point = "[" + std::to_string(t) + ",\"" + v + "\"]";
    if (t == at("2026-11-01T00:00:00Z"))
      point += ",[" + std::to_string(t + 86400) + ",\"" + v + "\"]";
    return point;
  };
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  REQUIRE(last == at("2026-11-01T00:00:00Z"));
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message, "1 sample is outside the requested days (e.g. at unix time " +
                                     std::to_string(at("2026-11-02T00:00:00Z"))));
}

TEST_CASE("pull: range samples less than a second off the day steps are refused, as told") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  prom.range_point = [](const std::string&, std::int64_t t, const std::string& v) {
    return "[" + std::to_string(t) + ".4,\"" + v + "\"]";
  };
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  // Told not stored, and not stored.
  CHECK(store->daily_series("pay").empty());
  CHECK(r.days_stored == 0);
  REQUIRE(r.errors.size() == 1);
  CHECK(has(r.errors[0].message, "28 samples are not at the requested day steps"));
  CHECK(has(r.errors[0].message, "not stored"));
  REQUIRE(r.days_failed.count("pay") == 1);
  CHECK(r.days_failed.at("pay").size() == 28);
}

TEST_CASE("pull: days are the configured timezone's, a daylight-saving day is 25 hours") {
  Repo repo = make_repo();
  repo.config.timezone = "Europe/Berlin";
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = [](const std::string& q, std::int64_t) -> std::optional<std::string> {
    const bool good = has(q, "good_total");
    if (has(q, "[25h]")) return good ? "25" : "50";
    if (has(q, "[1d]")) return good ? "990" : "1000";
    return good ? "99" : "100";
  };
  PullOptions no_live;
  no_live.live = false;
  // 2026-11-01T00:00Z is 01:00 in Berlin (CET): local today is 11-01, the window 10-04 … 10-31.
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  CHECK(r.errors.empty());
  // Three runs of equal days: 10-04 … 10-24 (CEST), 10-25 (25 hours), 10-26 … 10-31 (CET).
  REQUIRE(prom.seen.size() == 6);
  CHECK(prom.seen[0]["start"] == std::to_string(at("2026-10-04T22:00:00Z"))); // end of 10-04
  CHECK(prom.seen[0]["end"] == std::to_string(at("2026-10-24T22:00:00Z")));
  CHECK(has(prom.seen[2]["query"], "[25h]"));
  CHECK(prom.seen[2]["start"] == std::to_string(at("2026-10-25T23:00:00Z")));
  CHECK(prom.seen[4]["start"] == std::to_string(at("2026-10-26T23:00:00Z")));
  CHECK(prom.seen[4]["end"] == std::to_string(at("2026-10-31T23:00:00Z")));
  auto series = store->daily_series("pay");
  CHECK(series.size() == 28);
  CHECK(series.at(day("2026-10-25")).total == 50);
  CHECK(series.at(day("2026-10-31")).total == 1000);
}

TEST_CASE("pull: a source sees only its own stored days, not those of a longer name") {
  Repo repo = make_repo();
  auto store = Store::open_memory();
  std::vector<DailyRow> other;
  for (std::int64_t d = day("2026-10-04"); d <= day("2026-10-31"); ++d)
    other.push_back(DailyRow{"pay", d, 5, 10});
  store->put_daily("prometheus:prom2", other, k_now - 60);
  FakeProm prom;
  prom.value = steady;
  PullOptions no_live;
  no_live.live = false;
  PullReport r = pull_metrics(repo, *store, no_live, k_now, prom);
  REQUIRE(prom.seen.size() == 2); // 'prom' has none of the 28 days: it fetches them all
  CHECK(prom.seen[0]["start"] == std::to_string(at("2026-10-05T00:00:00Z")));
  CHECK(r.days_stored == 28);
}

TEST_CASE("pull: the deadline is handed to the client, and what it skips is one warning") {
  Repo repo = make_repo();
  repo.config.pull_deadline_s = 5;
  repo.config.sources[0].loc = {7, 7};
  auto store = Store::open_memory();
  // A client that runs out of time after two requests.
  class Late : public HttpClient {
  public:
    HttpOptions opts;
    void post_all(const std::vector<HttpRequest>& requests, const HttpOptions& o,
                  const OnDone& on_done) override {
      opts = o;
      for (std::size_t i = 0; i < requests.size(); ++i) {
        HttpResult r;
        r.deadline_passed = true;
        r.error = "skipped: the pull's deadline passed before it was sent";
        on_done(i, std::move(r));
      }
    }
  } late;
  const auto before = std::chrono::steady_clock::now();
  PullReport r = pull_metrics(repo, *store, {}, k_now, late);
  const double s = std::chrono::duration<double>(late.opts.deadline - before).count();
  CHECK(s > 4.0);
  CHECK(s < 6.0);
  CHECK(r.queries_skipped == r.queries_done);
  CHECK(r.nothing_fetched());
  CHECK(
      has(r.errors.back().message, "queries skipped: the pull's deadline (5 s, metrics.deadline)"));
  // At the source whose queries were skipped, not at the top of nines.yaml.
  CHECK(r.errors.back().file == "nines.yaml");
  CHECK(r.errors.back().loc.line == 7);
}

TEST_CASE("pull: warnings point at the query that is wrong, the golden signal, the source") {
  Repo repo = make_repo();
  repo.slos[0].meta.file = "slos/pay.yaml";
  repo.slos[0].meta.loc = {1, 1};
  repo.slis[0].meta.file = "slis/success-rate.yaml";
  repo.slis[0].query->loc = {4, 3};
  repo.slis[0].query->good_loc = {5, 11};
  repo.slis[0].query->total_loc = {6, 12};
  repo.config.sources[0].loc = {7, 7};
  repo.config.golden_signals["traffic"] = R"(sum(rate(req{service="{{service}}"}[1d])))";
  repo.config.golden_signals_loc = {12, 5};
  repo.config.golden_signal_locs["traffic"] = {13, 14};
  auto store = Store::open_memory();
  FakeProm prom;
  prom.value = steady;
  const std::string two_series =
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},)"
      R"("value":[)" +
      std::to_string(k_now) + R"(,"1"]},{"metric":{"a":"2"},"value":[)" + std::to_string(k_now) +
      R"(,"1"]}]}})";
  prom.fault = [&](const std::string& q, bool range) -> std::optional<HttpResult> {
    HttpResult r;
    r.attempts = 1;
    if (has(q, "req{")) { // golden: the server is unavailable
      r.status = 503;
      r.body = R"({"status":"error","errorType":"unavailable","error":"down"})";
      return r;
    }
    if (range) return std::nullopt;
    if (has(q, "[1h]") && has(q, "good_total")) { // the good expression returns two series
      r.status = 200;
      r.body = two_series;
      return r;
    }
    if (has(q, "[6h]")) { // both sides refused by the server as bad expressions
      r.status = 400;
      r.body = R"({"status":"error","errorType":"bad_data","error":"parse error"})";
      return r;
    }
    if (has(q, "[3d]")) { // the source, not the query
      r.status = 503;
      r.body = R"({"status":"error","errorType":"unavailable","error":"down"})";
      return r;
    }
    return std::nullopt;
  };
  PullReport r = pull_metrics(repo, *store, {}, k_now, prom);
  auto find = [&](const std::string& needle) -> const PullError* {
    for (const auto& e : r.errors)
      if (has(e.message, needle)) return &e;
    return nullptr;
  };
  const PullError* multi = find("live window 1h not fetched");
  REQUIRE(multi);
  CHECK(multi->file == "slis/success-rate.yaml");
  CHECK((multi->loc.line == 5 && multi->loc.col == 11));
  const PullError* bad = find("live window 6h not fetched");
  REQUIRE(bad);
  CHECK(bad->file == "slis/success-rate.yaml");
  CHECK((bad->loc.line == 4 && bad->loc.col == 3));
  const PullError* down = find("live window 3d not fetched");
  REQUIRE(down);
  CHECK(down->file == "slos/pay.yaml");
  CHECK(down->loc.line == 1);
  const PullError* golden = find("golden signal traffic of service pay-api");
  REQUIRE(golden);
  CHECK(golden->file == "nines.yaml");
  CHECK((golden->loc.line == 13 && golden->loc.col == 14));
  CHECK(r.golden_failed == std::map<std::string, std::set<std::string>>{{"pay-api", {"traffic"}}});
  CHECK(r.live_failed["pay"] == std::set<std::string>{"1h", "6h", "3d"});
}

TEST_CASE("pull: the answers in flight are bounded together, whatever the concurrency") {
  constexpr std::size_t k_mib = std::size_t{1} << 20;
  CHECK(answer_cap_bytes(1) == 16 * k_mib);
  CHECK(answer_cap_bytes(8) == 16 * k_mib); // the default: 128 MiB in flight at most
  CHECK(answer_cap_bytes(32) == 8 * k_mib);
  CHECK(answer_cap_bytes(256) == 1 * k_mib); // the most nines.yaml allows
  CHECK(answer_cap_bytes(0) == 16 * k_mib);
  for (int c = 1; c <= 256; ++c)
    CHECK(answer_cap_bytes(c) * static_cast<std::size_t>(c) <= 256 * k_mib);
}
