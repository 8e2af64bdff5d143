#include "link/link.hpp"
#include "load/yaml_reader.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <tuple>

using namespace nines;

namespace {

// Decodes each YAML text as one dialect document of `file` (schema-checked first, as the driver
// does), then finishes the dialects; returns whether every schema passed.
bool decode_all(const std::string& kind, const std::vector<std::string>& texts, Repo& repo,
                DiagBag& diags, const std::string& file = "slo.yaml") {
  SchemaSet schemas;
  bool ok = true;
  for (const auto& text : texts) {
    RawDoc doc;
    doc.file = file;
    doc.kind = kind;
    doc.root = parse_yaml_string(text, diags, file);
    const std::string schema = dialect_schema(doc);
    REQUIRE(schemas.has(schema));
    if (schemas.validate(schema, doc.root, file, diags))
      decode_dialect(doc, "digest", repo, diags);
    else
      ok = false;
  }
  finish_dialects(repo, diags);
  return ok;
}

const Diagnostic* first_error(const DiagBag& diags) {
  for (const auto& d : diags.all())
    if (d.severity == Severity::Error) return &d;
  return nullptr;
}

} // namespace

TEST_SUITE("validate.dialects") {

  TEST_CASE("Pyrra latencyNative: Pyrra's own increase queries for native histograms") {
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("pyrra", {R"(apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: api-latency
spec:
  target: '99'
  window: 28d
  indicator:
    latencyNative:
      total:
        metric: http_request_duration_seconds{job="api"}
      latency: 100ms
)"},
                       repo, diags));
    REQUIRE(repo.slis.size() == 1);
    REQUIRE(repo.slis[0].query);
    // total = histogram_count(sum(increase(M[w]))); good = histogram_fraction(0, 0.1, ...) times
    // that count: the requests of the window at or below 100ms.
    const std::string hist =
        "sum(increase(http_request_duration_seconds{job=\"api\"}[{{window}}]))";
    CHECK(repo.slis[0].query->total == "histogram_count(" + hist + ")");
    CHECK(repo.slis[0].query->good ==
          "histogram_fraction(0, 0.1, " + hist + ") * histogram_count(" + hist + ")");
    CHECK(repo.slis[0].type == "latency");
  }

  TEST_CASE("Pyrra latencyNative: a latency that is no duration is an error at its line") {
    Repo repo;
    DiagBag diags;
    decode_all("pyrra", {R"(apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: api-latency
spec:
  target: '99'
  window: 28d
  indicator:
    latencyNative:
      total:
        metric: h
      latency: fast
)"},
               repo, diags);
    const Diagnostic* e = first_error(diags);
    REQUIRE(e);
    CHECK(e->loc.line == 12);
  }

  TEST_CASE("Sloth and Pyrra schemas: unknown fields with did-you-mean, missing fields named") {
    // Sloth ignores unknown fields (a YAML unmarshal into its types): a warning with its
    // did-you-mean, the spec still read; the typo'd objective is then missing.
    Repo repo;
    DiagBag diags;
    CHECK_FALSE(decode_all("sloth", {R"(version: prometheus/v1
service: myservice
slos:
  - name: requests-availability
    objetive: 99.9
    sli:
      events:
        error_query: sum(rate(errors[{{.window}}]))
        total_query: sum(rate(total[{{.window}}]))
)"},
                           repo, diags));
    std::string all;
    for (const auto& d : diags.all())
      all += d.message + "\n";
    CHECK(all.find("unknown field 'objetive'") != std::string::npos);
    CHECK(all.find("did you mean 'objective'") != std::string::npos);
    CHECK(all.find("missing required field 'slos[0].objective'") != std::string::npos);
    CHECK(repo.slos.empty());

    // Sloth's own plugin-k8s-getting-started example writes page_alert in the CRD form: Sloth
    // runs it, so it is a warning here, and the SLO is read.
    Repo ok_repo;
    DiagBag ok_diags;
    CHECK(decode_all("sloth", {R"(apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: x
spec:
  service: myservice
  slos:
    - name: availability
      objective: 99.9
      sli:
        events:
          errorQuery: sum(rate(errors[{{.window}}]))
          totalQuery: sum(rate(total[{{.window}}]))
      alerting:
        name: MyAlert
        page_alert:
          labels: {tier: "1"}
)"},
                     ok_repo, ok_diags));
    CHECK(ok_diags.error_count() == 0);
    // The one schema finding (the implied service 'myservice' is a warning of its own).
    std::vector<Diagnostic> listed;
    for (const auto& d : ok_diags.sorted())
      if (d.rule == "schema") listed.push_back(d);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].severity == Severity::Warning);
    CHECK(listed[0].message.find("unknown field 'page_alert'") != std::string::npos);
    CHECK(listed[0].message.find("did you mean 'pageAlert'") != std::string::npos);
    CHECK(listed[0].loc.line == 16);
    CHECK(ok_repo.slos.size() == 1);

    DiagBag crd;
    Repo r2;
    CHECK_FALSE(decode_all("sloth", {R"(apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: x
spec:
  service: myservice
  slos:
    - name: latency
      objective: 99
      sli:
        events:
          errorQuery: sum(rate(errors[{{.window}}]))
      alerting: {}
)"},
                           r2, crd));
    REQUIRE(first_error(crd));
    CHECK(first_error(crd)->message.find("totalQuery") != std::string::npos);

    DiagBag pd;
    Repo r3;
    CHECK_FALSE(decode_all("pyrra", {R"(apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: p
spec:
  target: '99'
  windw: 7d
  indicator:
    ratio:
      errors: {metric: e}
      total: {metric: t}
)"},
                           r3, pd));
    all.clear();
    for (const auto& d : pd.all())
      all += d.message + "\n";
    CHECK(all.find("unknown field 'windw'") != std::string::npos);
    CHECK(all.find("window") != std::string::npos);
  }

  TEST_CASE("OpenSLO thresholdMetric: the objective's op and value make the SLO's own query") {
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("openslo",
                       {R"(apiVersion: openslo/v1
kind: SLI
metadata:
  name: p99
spec:
  thresholdMetric:
    metricSource:
      type: Prometheus
      spec:
        query: latency_p99{service="search"}
)",
                        R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: search
spec:
  service: search
  indicatorRef: p99
  timeWindow:
    - duration: 7d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - op: lte
      value: 0.3
      target: 0.99
)"},
                       repo, diags));
    REQUIRE(repo.slos.size() == 1);
    REQUIRE(repo.slos[0].query);
    CHECK(repo.slos[0].query->good ==
          "sum(sum_over_time(((latency_p99{service=\"search\"}) <= bool "
          "0.3)[{{window}}:1m] offset 1s))");
    CHECK(repo.slos[0].query->total ==
          "sum(count_over_time((latency_p99{service=\"search\"})[{{window}}:1m] offset 1s))");
    CHECK_FALSE(repo.slis[0].query); // the SLI alone has no good/total
  }

  TEST_CASE("OpenSLO alert policies: inline and by reference, resolved; unknown refs located") {
    const std::string slo = R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: checkout
  indicatorRef: ok
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
  alertPolicies:
    - kind: AlertPolicy
      metadata:
        name: fast
      spec:
        conditions:
          - conditionRef: cpu-usage-breach
        notificationTargets:
          - targetRef: OnCallDevopsMailNotification
    - alertPolicyRef: AlertPolicy
)";
    const std::string condition = R"(apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: cpu-usage-breach
spec:
  severity: page
  condition:
    kind: burnrate
    op: gte
    threshold: 2
    lookbackWindow: 1h
    alertAfter: 5m
)";
    const std::string target = R"(apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: OnCallDevopsMailNotification
spec:
  target: email
)";
    const std::string policy = R"(apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: AlertPolicy
spec:
  alertWhenBreaching: true
  conditions:
    - conditionRef: cpu-usage-breach
  notificationTargets:
    - targetRef: OnCallDevopsMailNotification
)";
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("openslo", {slo, condition, target, policy}, repo, diags));
    CHECK_FALSE(diags.has_errors());
    REQUIRE(repo.slos.size() == 1);
    const auto& ps = repo.slos[0].alert_policies;
    REQUIRE(ps.size() == 2);
    CHECK(ps[0].name == "fast");
    REQUIRE(ps[0].conditions.size() == 1);
    CHECK(ps[0].conditions[0].name == "cpu-usage-breach");
    CHECK(ps[0].conditions[0].ref == "cpu-usage-breach");
    CHECK(ps[0].conditions[0].op == "gte");
    CHECK(*ps[0].conditions[0].threshold == 2);
    CHECK(ps[0].conditions[0].lookback_minutes == 60);
    CHECK(ps[0].conditions[0].alert_after_minutes == 5);
    REQUIRE(ps[0].targets.size() == 1);
    CHECK(ps[0].targets[0].target == "email");
    CHECK(ps[1].ref == "AlertPolicy");
    CHECK(ps[1].name == "alertpolicy");
    CHECK(ps[1].alert_when_breaching);
    REQUIRE(ps[1].conditions.size() == 1);
    CHECK(ps[1].conditions[0].severity == "page");

    // A misspelt reference: an error at its line, with the name it was probably meant to be.
    std::string bad = slo;
    bad.replace(bad.find("conditionRef: cpu-usage-breach"), 30, "conditionRef: cpu-usage-breech");
    Repo r2;
    DiagBag d2;
    decode_all("openslo", {bad, condition, target, policy}, r2, d2);
    const Diagnostic* e = first_error(d2);
    REQUIRE(e);
    CHECK(e->rule == "unknown-reference");
    CHECK(e->loc.line == 17);
    CHECK(e->message.find("cpu-usage-breech") != std::string::npos);
    CHECK(e->message.find("did you mean 'cpu-usage-breach'") != std::string::npos);
  }

  TEST_CASE("Sloth alerting disable keeps nines rules from paging or ticketing for the SLO") {
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("sloth", {R"(version: prometheus/v1
service: myservice
slos:
  - name: quiet
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(errors[{{.window}}]))
        total_query: sum(rate(total[{{.window}}]))
    alerting:
      page_alert:
        disable: true
      ticket_alert:
        disable: true
  - name: tickets-only
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(errors[{{.window}}]))
        total_query: sum(rate(total[{{.window}}]))
    alerting:
      page_alert:
        disable: true
  - name: defaults
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(errors[{{.window}}]))
        total_query: sum(rate(total[{{.window}}]))
    alerting:
      name: X
)"},
                       repo, diags));
    REQUIRE(repo.slos.size() == 3);
    CHECK(repo.slos[0].alerts_declared);
    CHECK(repo.slos[0].alerts.empty());
    CHECK(repo.slos[1].alerts_declared);
    REQUIRE(repo.slos[1].alerts.size() == 1);
    CHECK(repo.slos[1].alerts[0].severity == "ticket");
    CHECK_FALSE(repo.slos[2].alerts_declared);
    CHECK(repo.slos[2].alerts.empty());
  }

  TEST_CASE("Sloth {{ .window }} with spaces is the window, as Sloth's regex reads it") {
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("sloth", {R"(version: prometheus/v1
service: myservice
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(errors{code=~"5.."}[{{ .window }}]))
        total_query: sum(rate(total[{{.window  }}])) + sum(rate(other[{{  .window}}]))
  - name: raw
    objective: 99
    sli:
      raw:
        error_ratio_query: avg_over_time(err_ratio[{{ .window }}])
)"},
                       repo, diags));
    REQUIRE(repo.slis.size() == 2);
    REQUIRE(repo.slis[0].query);
    CHECK(repo.slis[0].query->total ==
          "sum(rate(total[{{window}}])) + sum(rate(other[{{window}}]))");
    CHECK(repo.slis[0].query->good ==
          "(sum(rate(total[{{window}}])) + sum(rate(other[{{window}}]))) "
          "- ((sum(rate(errors{code=~\"5..\"}[{{window}}]))) or "
          "((sum(rate(total[{{window}}])) + sum(rate(other[{{window}}]))) * 0 unless on() "
          "(sum(rate(errors{code=~\"5..\"}[{{window}}])))))");
    REQUIRE(repo.slis[1].query);
    CHECK(repo.slis[1].query->good == "1 - (avg_over_time(err_ratio[{{window}}]))");
    CHECK(repo.slis[1].query->total == "vector(1)");
  }

  TEST_CASE("OpenSLO ratioMetric.raw is a ratio over the window, never a counter") {
    auto raw = [](const std::string& type, const std::string& query) {
      Repo repo;
      DiagBag diags;
      REQUIRE(decode_all("openslo", {R"(apiVersion: openslo/v1
kind: SLI
metadata:
  name: raw
spec:
  ratioMetric:
    counter: false
    rawType: )" + type + R"(
    raw:
      metricSource:
        type: Prometheus
        spec:
          query: ')" + query + R"('
)"},
                         repo, diags));
      REQUIRE(repo.slis.size() == 1);
      REQUIRE(repo.slis[0].query);
      CHECK(repo.slis[0].query->total == "vector(1)");
      return repo.slis[0].query->good;
    };
    // A selector is the ratio at an instant: averaged over the window.
    CHECK(raw("success", R"(service_success_ratio{service="web"})") ==
          R"(avg_over_time(service_success_ratio{service="web"}[{{window}}]))");
    CHECK(raw("failure", "error_ratio") == "1 - (avg_over_time(error_ratio[{{window}}]))");
    // Another expression: a subquery, since ranges go on selectors only.
    CHECK(raw("success", "a / b") == "avg_over_time((a / b)[{{window}}:1m])");
    // The window variable, in nines' form or Sloth's (the Go SDK's examples): as written.
    CHECK(raw("success", "1 - (sum(rate(e[{{ .window }}])) / sum(rate(t[{{.window}}])))") ==
          "1 - (sum(rate(e[{{window}}])) / sum(rate(t[{{window}}])))");
    CHECK(raw("failure", "avg_over_time(e[{{window}}])") == "1 - (avg_over_time(e[{{window}}]))");
    // A comment would swallow what nines puts after the query: it is dropped.
    CHECK(raw("failure", "error_ratio # per minute") ==
          "1 - (avg_over_time(error_ratio[{{window}}]))");
  }

  TEST_CASE("OpenSLO ratioMetric counter: false sums a gauge's samples, never its increase") {
    auto ratio = [](const std::string& counter, const std::string& good, const std::string& total) {
      Repo repo;
      DiagBag diags;
      REQUIRE(decode_all("openslo", {R"(apiVersion: openslo/v1
kind: SLI
metadata:
  name: gauge
spec:
  ratioMetric:
    counter: )" + counter + R"(
    good:
      metricSource:
        type: Prometheus
        spec:
          query: ')" + good + R"('
    total:
      metricSource:
        type: Prometheus
        spec:
          query: ')" + total + R"('
)"},
                         repo, diags));
      REQUIRE(repo.slis.size() == 1);
      REQUIRE(repo.slis[0].query);
      return repo.slis[0].query->good + " / " + repo.slis[0].query->total;
    };
    CHECK(ratio("false", "ok_per_min", R"(all_per_min{job="a"})") ==
          R"(sum(sum_over_time(ok_per_min[{{window}}])) / )"
          R"(sum(sum_over_time(all_per_min{job="a"}[{{window}}])))");
    // A counter (true, as when absent): as written, counted by its increase when the query is
    // made (SPEC 1.3, render_sli_query).
    CHECK(ratio("true", "ok_total", "all_total") == "ok_total / all_total");
    // An expression holding the window is used as written either way.
    CHECK(ratio("false", "sum(x[{{window}}])", "sum(y[{{window}}])") ==
          "sum(x[{{window}}]) / sum(y[{{window}}])");
  }

  TEST_CASE("Pyrra metrics lose their comments before nines wraps them") {
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("pyrra", {R"(apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: api
spec:
  target: "99"
  window: 28d
  indicator:
    ratio:
      errors:
        metric: http_requests_total{code=~"5.."} # server errors
      total:
        metric: |
          # every request
          http_requests_total
)"},
                       repo, diags));
    REQUIRE(repo.slis.size() == 1);
    REQUIRE(repo.slis[0].query);
    CHECK(repo.slis[0].query->total == "sum(increase(http_requests_total[{{window}}]))");
    CHECK(repo.slis[0].query->good.find('#') == std::string::npos);
  }

  TEST_CASE("OpenSLO target ratio: the decimal point moved, as if written as a percentage") {
    auto target = [](const std::string& objective) {
      Repo repo;
      DiagBag diags;
      REQUIRE(decode_all("openslo", {R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: web
spec:
  service: web
  indicatorRef: ok
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - )" + objective + "\n"},
                         repo, diags));
      REQUIRE(repo.slos.size() == 1);
      return repo.slos[0].target;
    };
    // Exactly the doubles 99.999 and 99.975 (t × 100 gives 99.99900000000001 and
    // 99.97500000000001, and the JSON API would carry that noise).
    CHECK(target("target: 0.99999") == 99.999);
    CHECK(target("target: 0.99975") == 99.975);
    CHECK(target("target: 0.999") == 99.9);
    CHECK(target("target: 0.9995") == 99.95);
    CHECK(target("target: 0.07") == 7.0); // 0.07 × 100 is 7.000000000000001
    CHECK(target("target: 0.5") == 50.0);
    CHECK(target("target: 0.999990") == 99.999); // trailing zeros change nothing
    CHECK(target("targetPercent: 99.999") == 99.999);
  }

  TEST_CASE("OpenSLO: a single objective's displayName names the SLO, as several objectives' do") {
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("openslo", {R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: web
  displayName: Web availability
spec:
  service: web
  indicatorRef: ok
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good experience
      target: 0.999
)"},
                       repo, diags));
    REQUIRE(repo.slos.size() == 1);
    CHECK(repo.slos[0].meta.id == "web");
    CHECK(repo.slos[0].name == "Web availability — Good experience");
  }

  TEST_CASE("OpenSLO target and targetPercent: equal ones are one target, others an error") {
    auto decode = [](const std::string& objective, Repo& repo, DiagBag& diags) {
      decode_all("openslo", {R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: web
spec:
  service: web
  indicatorRef: ok
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - )" + objective + "\n"},
                 repo, diags);
    };
    {
      // 0.999 is 99.9 after the decimal point is moved: one target written twice.
      Repo repo;
      DiagBag diags;
      decode("target: 0.999\n      targetPercent: 99.9", repo, diags);
      CHECK_FALSE(first_error(diags));
      for (const auto& d : diags.all()) // the undeclared service's warning, nothing of targets
        CHECK(d.message.find("target") == std::string::npos);
      REQUIRE(repo.slos.size() == 1);
      CHECK(repo.slos[0].target == 99.9);
    }
    {
      Repo repo;
      DiagBag diags;
      decode("target: 0.999\n      targetPercent: 99.5", repo, diags);
      CHECK(repo.slos.empty()); // neither is picked
      const Diagnostic* e = first_error(diags);
      REQUIRE(e);
      CHECK(e->rule == "schema");
      CHECK(e->file == "slo.yaml");
      CHECK(e->loc.line == 14); // at targetPercent's value
      CHECK(e->loc.col == 22);
      CHECK(e->message ==
            "OpenSLO objective has target 0.999 (99.9%) and targetPercent 99.5, which disagree");
      CHECK(e->hint.find("write one of them") != std::string::npos);
    }
  }

  TEST_CASE("OpenSLO timeSliceWindow: positive, finite and no longer than the window") {
    auto decode = [](const std::string& window, const std::string& slice, Repo& repo,
                     DiagBag& diags) {
      decode_all("openslo",
                 {R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: web
spec:
  service: web
  indicatorRef: ok
)" + window + R"(  budgetingMethod: RatioTimeslices
  objectives:
    - target: 0.99
      timeSliceWindow: )" +
                  slice + "\n"},
                 repo, diags);
    };
    const std::string rolling = "  timeWindow:\n    - duration: 28d\n      isRolling: true\n";
    const std::string month = "  timeWindow:\n    - duration: 1M\n      isRolling: false\n"
                              "      calendar:\n        startTime: 2026-01-01 00:00:00\n"
                              "        timeZone: UTC\n";
    auto accepted = [&](const std::string& window, const std::string& slice) {
      Repo repo;
      DiagBag diags;
      decode(window, slice, repo, diags);
      CHECK_FALSE(first_error(diags));
      REQUIRE(repo.slos.size() == 1);
      return repo.slos[0].slice_minutes;
    };
    CHECK(accepted(rolling, "1d") == 1440.0);
    CHECK(accepted(rolling, "5") == 5.0);           // a number is minutes
    CHECK(accepted(rolling, "28d") == 28 * 1440.0); // one slice: the whole window
    CHECK(accepted(rolling, "4w") == 28 * 1440.0);
    CHECK(accepted(month, "31d") == 31 * 1440.0); // a calendar month is up to 31 days
    // With no timeWindow, the window is nines.yaml's default (28d here).
    CHECK(accepted("", "28d") == 28 * 1440.0);
    auto refused = [&](const std::string& window, const std::string& slice) {
      Repo repo;
      DiagBag diags;
      decode(window, slice, repo, diags);
      CHECK(repo.slos.empty());
      const Diagnostic* e = first_error(diags);
      REQUIRE(e);
      CHECK(e->loc.line == (window.empty() ? 11 : window == rolling ? 14 : 17));
      CHECK(e->loc.col == 24);
      if (e->rule == "slo-window")
        CHECK(e->hint == "a time slice divides the window: use a slice of at most " +
                             std::string(window == month ? "31 days" : "28d") +
                             ", e.g. timeSliceWindow: 1d");
      return std::make_pair(e->rule, e->message);
    };
    for (const char* bad : {"0", "-5", "-1e308", "-0.0"}) {
      CAPTURE(bad);
      const auto [rule, message] = refused(rolling, bad);
      CHECK(rule == "schema");
      CHECK(message ==
            "timeSliceWindow '" + std::string(bad) + "' is not a positive length of time");
    }
    for (const char* bad : {"0m", "-5m", ".inf", "-.inf", ".nan", "1e400m"}) {
      CAPTURE(bad);
      const auto [rule, message] = refused(rolling, bad);
      CHECK(rule == "schema");
      CHECK(message == "cannot read timeSliceWindow '" + std::string(bad) + "'");
    }
    // 1e308 minutes once reached the SLO and wrapped to a negative minute count in its
    // missing_reason; longer than the window, it is refused here.
    for (const char* bad : {"1e308", "1e308m", "29d", "40321", "5w"}) {
      CAPTURE(bad);
      const auto [rule, message] = refused(rolling, bad);
      CHECK(rule == "slo-window");
      CHECK(message ==
            "timeSliceWindow '" + std::string(bad) + "' is longer than the SLO's window (28d)");
    }
    CHECK(refused(month, "32d").second ==
          "timeSliceWindow '32d' is longer than the SLO's window (1M, at most 31 days)");
    CHECK(refused("", "29d").second ==
          "timeSliceWindow '29d' is longer than the SLO's window (the default 28d)");
  }

  TEST_CASE("OpenSLO period words: calendar periods; rolling Day and Week, never Month") {
    auto decode = [](const std::string& window, Repo& repo, DiagBag& diags) {
      decode_all("openslo", {R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: web
spec:
  service: web
  indicatorRef: ok
  timeWindow:
)" + window + R"(
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
)"},
                 repo, diags);
    };
    auto calendar = [&](const std::string& duration) {
      Repo repo;
      DiagBag diags;
      decode("    - duration: " + duration +
                 "\n      isRolling: false\n      calendar:\n        startTime: 2026-01-05 "
                 "00:00:00\n        timeZone: UTC",
             repo, diags);
      CHECK_FALSE(first_error(diags));
      REQUIRE(repo.slos.size() == 1);
      return repo.slos[0];
    };
    // The words are the shorthand's periods, with the same nominal length (what `nines rules`
    // describes the budget over): Month is 1M, never the 28-day default.
    for (auto [word, shorthand, unit, days] :
         {std::tuple{"Day", "1d", "d", 1.0}, std::tuple{"Week", "1w", "w", 7.0},
          std::tuple{"Month", "1M", "M", 30.0}, std::tuple{"Quarter", "1Q", "Q", 90.0},
          std::tuple{"Year", "1Y", "Y", 365.0}}) {
      CAPTURE(word);
      const Slo w = calendar(word), s = calendar(shorthand);
      CHECK(w.calendar_unit == unit);
      CHECK(w.calendar_count == 1);
      CHECK(w.window_days == days);
      CHECK(s.calendar_unit == unit);
      CHECK(s.window_days == days);
    }
    auto rolling = [&](const std::string& duration, DiagBag& diags) {
      Repo repo;
      decode("    - duration: " + duration + "\n      isRolling: true", repo, diags);
      return repo.slos;
    };
    {
      DiagBag diags;
      auto slos = rolling("Week", diags);
      CHECK_FALSE(first_error(diags));
      REQUIRE(slos.size() == 1);
      CHECK(slos[0].window_days == 7.0);
      CHECK(slos[0].calendar_unit.empty());
      DiagBag day_diags;
      auto day = rolling("Day", day_diags);
      REQUIRE(day.size() == 1);
      CHECK(day[0].window_days == 1.0);
    }
    for (const char* word : {"Month", "Quarter", "Year"}) {
      CAPTURE(word);
      DiagBag diags;
      CHECK(rolling(word, diags).empty());
      const Diagnostic* e = first_error(diags);
      REQUIRE(e);
      CHECK(e->rule == "slo-window");
      CHECK(e->loc.line == 9);
      CHECK(e->loc.col == 17);
      CHECK(e->message == "rolling window '" + std::string(word) +
                              "' has no fixed length; a rolling window needs a number of days");
    }
  }

  TEST_CASE("Backstage substitutions: a $text/$json/$yaml placeholder stands anywhere") {
    Repo repo;
    DiagBag diags;
    CHECK(decode_all("backstage",
                     {R"(apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: demo-graphql
  description:
    $text: ./description.md
spec:
  type: graphql
  lifecycle: production
  owner: backstage/maintainers
  definition:
    $text: https://demo.backstage.io/api/graphql/schema
)",
                      R"(apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: other}
spec: {type: openapi, lifecycle: production, owner: team-a, definition: {$yaml: ./api.yaml}}
)"},
                     repo, diags));
    CHECK(diags.error_count() == 0);
    // Not a placeholder: two keys, or a key of Backstage's no resolver reads.
    for (const char* definition : {"{$text: a, extra: b}", "{$file: ./a.yaml}", "{text: a}"}) {
      Repo r;
      DiagBag d;
      CHECK_FALSE(decode_all("backstage",
                             {std::string(R"(apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: other}
spec: {type: openapi, lifecycle: production, owner: team-a, definition: )") +
                              definition + "}\n"},
                             r, d));
      CHECK(d.error_count() > 0);
    }
  }

  TEST_CASE("Backstage API: Backstage's schemas per apiVersion and type, not one definition") {
    auto errors = [](const std::string& api, const std::string& spec) {
      Repo repo;
      DiagBag diags;
      decode_all("backstage",
                 {"apiVersion: backstage.io/" + api + "\nkind: API\nmetadata: {name: a}\nspec: {" +
                  spec + "}\n"},
                 repo, diags);
      std::string out;
      for (const auto& d : diags.all())
        if (d.severity == Severity::Error) out += d.message + "\n";
      return out;
    };
    const std::string base = "lifecycle: experimental, owner: team-a, ";
    const std::string remotes = "remotes: [{type: streamable-http, url: 'http://a/mcp'}]";
    // v1alpha1: an MCP server has remotes instead of a definition; an AI model server neither.
    CHECK(errors("v1alpha1", base + "type: mcp-server, " + remotes).empty());
    CHECK(errors("v1alpha1", base + "type: ai-model-server, serverUrl: 'http://a/v1'").empty());
    CHECK(errors("v1alpha1", base + "type: mcp-server").find("remotes") != std::string::npos);
    CHECK(errors("v1alpha1", base + "type: mcp-server, remotes: [{type: sse}]").find("url") !=
          std::string::npos);
    CHECK(errors("v1alpha1", base + "type: openapi").find("definition") != std::string::npos);
    // v1alpha2 (API.v1alpha2.schema.json): definition unless an MCP server, which has remotes.
    CHECK(errors("v1alpha2", base + "type: mcp-server, " + remotes).empty());
    CHECK(errors("v1alpha2", base + "type: openapi, definition: 'openapi: 3.0.0'").empty());
    CHECK(errors("v1alpha2", base + "type: openapi").find("definition") != std::string::npos);
    CHECK(errors("v1alpha2", base + "type: ai-model-server").find("definition") !=
          std::string::npos);
    CHECK(errors("v1alpha2", base + "type: mcp-server").find("remotes") != std::string::npos);
    CHECK(errors("v1alpha3", base + "type: openapi, definition: x").find("apiVersion") !=
          std::string::npos);
  }

  TEST_CASE("Backstage User and Group: one name in two namespaces, the default one kept") {
    // Backstage's acme/team-a-group.yaml has a User `guest` in `default` and in `development`.
    const std::string group = R"(apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
)";
    const std::string dev_group = R"(apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a, namespace: development}
spec: {type: team, profile: {displayName: Dev Team A}, children: []}
)";
    const std::string guest = R"(apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest}
spec: {profile: {displayName: Default Guest}, memberOf: [team-a]}
)";
    const std::string dev_guest = R"(apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest, namespace: development}
spec: {profile: {displayName: Dev Guest}, memberOf: [group:default/team-a]}
)";
    const std::string component = R"(apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: playback-order}
spec: {type: service, lifecycle: production, owner: user:guest}
)";
    for (bool dev_first : {false, true}) {
      CAPTURE(dev_first);
      Repo repo;
      DiagBag diags;
      std::vector<std::string> docs =
          dev_first ? std::vector{dev_group, dev_guest, group, guest, component}
                    : std::vector{group, guest, dev_guest, dev_group, component};
      decode_all("backstage", docs, repo, diags, "people.yaml");
      // A valid Backstage catalog: warnings, no error.
      CHECK(diags.error_count() == 0);
      int clashes = 0;
      for (const auto& d : diags.all())
        if (d.rule == "backstage-namespace") {
          ++clashes;
          CHECK(d.severity == Severity::Warning);
          CHECK(d.message.find("namespace 'development'") != std::string::npos);
          CHECK(d.message.find("keeps the 'default' one") != std::string::npos);
        }
      CHECK(clashes == 2);
      REQUIRE(repo.catalog.users.count("guest") == 1);
      CHECK(repo.catalog.users.at("guest").display_name == "Default Guest");
      REQUIRE(repo.config.teams.count("team-a") == 1);
      CHECK(repo.config.teams.at("team-a").name != "Dev Team A");
      const auto& members = repo.config.teams.at("team-a").members;
      CHECK(std::find(members.begin(), members.end(), "Dev Guest") == members.end());
      REQUIRE(repo.services.size() == 1);
      REQUIRE(repo.services[0].catalog);
      CHECK(repo.services[0].catalog->owner_person == "Default Guest");
    }
  }

  TEST_CASE("Backstage User: one name twice in one namespace is a duplicate-id error") {
    const std::string guest = R"(apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest}
spec: {profile: {displayName: Guest}, memberOf: []}
)";
    Repo repo;
    DiagBag diags;
    decode_all("backstage", {guest, guest}, repo, diags, "people.yaml");
    REQUIRE(diags.error_count() == 1);
    CHECK(diags.all()[0].rule == "duplicate-id");
    CHECK(diags.all()[0].message.find("duplicate Backstage User 'guest'") != std::string::npos);
  }

  TEST_CASE("Dialect names that slug to one id: the duplicate-id names both as written") {
    auto service = [](const std::string& name) {
      return "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: " + name +
             "\nspec:\n  description: x\n";
    };
    auto duplicates = [](const DiagBag& diags) {
      std::vector<const Diagnostic*> out;
      for (const auto& d : diags.all())
        if (d.rule == "duplicate-id") out.push_back(&d);
      return out;
    };
    SUBCASE("two OpenSLO Services") {
      Repo repo;
      DiagBag diags;
      REQUIRE(decode_all("openslo", {service("example-service"), service("example service")}, repo,
                         diags, "services.yaml"));
      link_references(repo, diags);
      const auto found = duplicates(diags);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->loc.line == 4);
      CHECK(found[0]->message ==
            "OpenSLO Service 'example service' and 'example-service' both become the id "
            "'example-service'; 'example-service' is also defined at services.yaml:4:9");
      CHECK(found[0]->hint.find("rename one of them in `metadata.name`") == 0);
    }
    SUBCASE("an OpenSLO Service and a Backstage Component name their formats") {
      Repo repo;
      DiagBag diags;
      REQUIRE(decode_all("backstage",
                         {"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
                          "  name: Pay_API\nspec: {type: service, lifecycle: production, "
                          "owner: team-a}\n"},
                         repo, diags, "catalog.yaml"));
      REQUIRE(decode_all("openslo", {service("pay api")}, repo, diags, "openslo.yaml"));
      link_references(repo, diags);
      const auto found = duplicates(diags);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->message == "OpenSLO Service 'pay api' and Backstage Component 'Pay_API' both "
                                 "become the id 'pay-api'; 'Pay_API' is also defined at "
                                 "catalog.yaml:4:9");
    }
    SUBCASE("one name written twice is an ordinary duplicate") {
      Repo repo;
      DiagBag diags;
      REQUIRE(decode_all("openslo", {service("example service"), service("example service")}, repo,
                         diags, "services.yaml"));
      link_references(repo, diags);
      const auto found = duplicates(diags);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->message ==
            "duplicate service id 'example-service': also defined at services.yaml:4:9");
      CHECK(found[0]->hint == "give one of them a different `metadata.name`");
    }
  }

  TEST_CASE("OpenSLO objects, Backstage Groups and Users: names that slug alike are named both") {
    // The objects the decoder keeps by id itself (not in the link stage's lists): a second of one
    // kind and id is a duplicate-id at its name, quoting both names when only their slugs meet.
    auto object = [](const std::string& kind, const std::string& name, const std::string& spec) {
      return "apiVersion: openslo/v1\nkind: " + kind + "\nmetadata:\n  name: " + name +
             "\nspec:\n" + spec;
    };
    const std::string source = "  type: Prometheus\n";
    const std::string target = "  target: email\n";
    const std::string condition = "  severity: page\n  condition:\n    kind: burnrate\n"
                                  "    op: gte\n    threshold: 2\n    lookbackWindow: 1h\n"
                                  "    alertAfter: 5m\n";
    const std::string policy =
        "  conditions:\n    - conditionRef: cpu\n  notificationTargets:\n    - targetRef: pager\n";
    auto backstage = [](const std::string& kind, const std::string& name) {
      return "apiVersion: backstage.io/v1alpha1\nkind: " + kind + "\nmetadata:\n  name: " + name +
             "\nspec:\n" +
             (kind == "Group" ? "  type: team\n  children: []\n" : "  memberOf: []\n");
    };
    struct Case {
      std::string dialect, first, second, message;
    };
    const std::vector<Case> cases = {
        {"openslo", object("DataSource", "prom-prod", source),
         object("DataSource", "Prom Prod", source),
         "OpenSLO DataSource 'Prom Prod' and 'prom-prod' both become the id 'prom-prod'; "
         "'prom-prod' is also defined at objects.yaml:4:9"},
        {"openslo", object("AlertPolicy", "Fast Burn", policy),
         object("AlertPolicy", "fast_burn", policy),
         "OpenSLO AlertPolicy 'fast_burn' and 'Fast Burn' both become the id 'fast-burn'; "
         "'Fast Burn' is also defined at objects.yaml:4:9"},
        {"openslo", object("AlertCondition", "cpu", condition),
         object("AlertCondition", "CPU", condition),
         "OpenSLO AlertCondition 'CPU' and 'cpu' both become the id 'cpu'; 'cpu' is also "
         "defined at objects.yaml:4:9"},
        {"openslo", object("AlertNotificationTarget", "On Call", target),
         object("AlertNotificationTarget", "on-call", target),
         "OpenSLO AlertNotificationTarget 'on-call' and 'On Call' both become the id 'on-call'; "
         "'On Call' is also defined at objects.yaml:4:9"},
        {"backstage", backstage("Group", "team-a"), backstage("Group", "Team_A"),
         "Backstage Group 'Team_A' and 'team-a' both become the id 'team-a'; 'team-a' is also "
         "defined at objects.yaml:4:9"},
        {"backstage", backstage("User", "J.Doe"), backstage("User", "j.doe"),
         "Backstage User 'j.doe' and 'J.Doe' both become the id 'j.doe'; 'J.Doe' is also "
         "defined at objects.yaml:4:9"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.second);
      Repo repo;
      DiagBag diags;
      REQUIRE(decode_all(c.dialect, {c.first, c.second}, repo, diags, "objects.yaml"));
      std::vector<const Diagnostic*> found;
      for (const auto& d : diags.all())
        if (d.rule == "duplicate-id") found.push_back(&d);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->file == "objects.yaml");
      CHECK(found[0]->loc.line == 4);
      CHECK(found[0]->message == c.message);
      CHECK(found[0]->hint.find("rename one of them in `metadata.name`") == 0);
      // One name written twice stays the plain duplicate.
      Repo twice;
      DiagBag twice_diags;
      REQUIRE(decode_all(c.dialect, {c.second, c.second}, twice, twice_diags, "objects.yaml"));
      found.clear();
      for (const auto& d : twice_diags.all())
        if (d.rule == "duplicate-id") found.push_back(&d);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->message.rfind("duplicate ", 0) == 0);
      CHECK(found[0]->message.find("also defined at objects.yaml:4:9") != std::string::npos);
      CHECK(found[0]->hint == "give one of them a different `metadata.name`");
    }
    // The place kept with the written name is the file alone wherever it is shown: a Group in
    // another namespace is the namespace warning, naming the first's file as it is.
    Repo repo;
    DiagBag diags;
    decode_all("backstage",
               {backstage("Group", "team-a"),
                "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: Team_A\n"
                "  namespace: ops\nspec:\n  type: team\n  children: []\n"},
               repo, diags, "groups.yaml");
    CHECK(diags.error_count() == 0);
    REQUIRE(diags.all().size() == 1);
    CHECK(diags.all()[0].rule == "backstage-namespace");
    CHECK(diags.all()[0].file == "groups.yaml");
    CHECK(diags.all()[0].message.find("also defined at groups.yaml:4:9 in namespace 'default'") !=
          std::string::npos);
  }

  TEST_CASE("Backstage kinds: a typo of one of the eight is meant, a plugin's kind is its own") {
    CHECK(backstage_kind_meant("Compnent") == "Component");
    CHECK(backstage_kind_meant("Componet") == "Component");
    CHECK(backstage_kind_meant("component") == "Component");
    CHECK(backstage_kind_meant("Components") == "Component");
    CHECK(backstage_kind_meant("Sytem") == "System");
    CHECK(backstage_kind_meant("AiResource") == "");
    CHECK(backstage_kind_meant("ResourceX") == "");
    CHECK(backstage_kind_meant("Environment") == "");
    CHECK(backstage_kind_meant("Template") == "");
  }

  TEST_CASE("Pyrra target: the whole string is the number, as strconv.ParseFloat reads it") {
    auto target = [](const std::string& t, DiagBag& diags) {
      Repo repo;
      decode_all("pyrra", {R"(apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata: {name: p, namespace: monitoring}
spec:
  target: )" + t + R"(
  window: 2w
  indicator:
    ratio:
      errors: {metric: e}
      total: {metric: t}
)"},
                 repo, diags);
      return repo.slos.empty() ? -1.0 : repo.slos[0].target;
    };
    for (const char* bad : {"\"99,99\"", "\"99.9%\"", "\"99.5abc\"", "\" 99\"", "99,99"}) {
      DiagBag diags;
      CHECK_MESSAGE(target(bad, diags) == -1.0, bad);
      const Diagnostic* e = first_error(diags);
      REQUIRE_MESSAGE(e, bad);
      CHECK(e->loc.line == 5);
      CHECK(e->loc.col == 11);
    }
    for (const auto& [good, value] :
         std::vector<std::pair<std::string, double>>{{"\"99.99\"", 99.99},
                                                     {"'99'", 99.0},
                                                     {"99.5", 99.5},
                                                     {"\"+99.9\"", 99.9},
                                                     {"\"9.99e1\"", 99.9}}) {
      DiagBag diags;
      CHECK_MESSAGE(target(good, diags) == doctest::Approx(value), good);
      CHECK(diags.error_count() == 0);
    }
  }

  TEST_CASE("PrometheusRule: the CRD's group fields accepted, paths from the object's top") {
    SchemaSet schemas;
    auto check_rule = [&](const std::string& group_field, DiagBag& diags) {
      RawDoc doc;
      doc.file = "pr.yaml";
      doc.kind = "prometheus_rules";
      doc.root = parse_yaml_string(R"(apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: thanos-rules, namespace: monitoring}
spec:
  groups:
    - name: example
      )" + group_field + R"(
      rules:
        - alert: HighErrors
          expr: sum(rate(errors_total[5m])) > 1
          annotations: {runbook_url: https://example.com/rb}
)",
                                   diags, doc.file);
      const std::string schema = dialect_schema(doc);
      CHECK(schema == "prometheus-operator-prometheusrule");
      const bool ok = schemas.validate(schema, doc.root, doc.file, diags);
      Repo repo;
      if (ok) decode_document(doc, "digest", repo, diags);
      return std::make_pair(ok, repo.prom_alerts.size());
    };
    for (const char* field :
         {"partial_response_strategy: warn", "partial_response_strategy: ABORT", "interval: 30s",
          "limit: 10", "query_offset: 1m", "labels: {team: a}"}) {
      DiagBag diags;
      CHECK_MESSAGE(check_rule(field, diags) == std::make_pair(true, std::size_t{1}), field);
      CHECK(diags.error_count() == 0);
    }
    DiagBag bad;
    CHECK_FALSE(check_rule("partial_response_strategy: maybe", bad).first);
    DiagBag typo;
    CHECK_FALSE(check_rule("partial_response_strategi: warn", typo).first);
    REQUIRE(first_error(typo));
    CHECK(first_error(typo)->message.find("in spec.groups[0]") != std::string::npos);
    CHECK(first_error(typo)->loc.line == 7);
  }

  TEST_CASE("OpenSLO composite SLO: each objective's own indicator, inline or by reference") {
    // OpenSLO v1 moves the indicator into objectives[] for a composite SLO; compositeWeight is
    // accepted and unused (each objective is an SLO of its own).
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("openslo",
                       {R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: journey
spec:
  service: web
  budgetingMethod: Occurrences
  objectives:
    - displayName: Checkout
      target: 0.99
      compositeWeight: 2
      indicator:
        metadata: {name: checkout-ok, displayName: Checkout OK}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {type: Prometheus, spec: {query: good_total}}}
            total: {metricSource: {type: Prometheus, spec: {query: all_total}}}
    - displayName: Search
      target: 0.999
      compositeWeight: 0.5
      indicatorRef: Search_OK
)",
                        R"(apiVersion: openslo/v1
kind: SLI
metadata:
  name: search-ok
spec:
  ratioMetric:
    counter: true
    good: {metricSource: {type: Prometheus, spec: {query: s_good_total}}}
    total: {metricSource: {type: Prometheus, spec: {query: s_all_total}}}
)"},
                       repo, diags));
    CHECK_FALSE(diags.has_errors());
    REQUIRE(repo.slos.size() == 2);
    CHECK(repo.slos[0].meta.id == "journey.checkout");
    CHECK(repo.slos[0].sli.id == "checkout-ok");
    CHECK(repo.slos[0].sli.loc.line == 13);
    CHECK(repo.slos[0].target == 99);
    CHECK(repo.slos[1].meta.id == "journey.search");
    CHECK(repo.slos[1].sli.id == "search-ok"); // the reference as a slug, like spec.indicatorRef
    CHECK(repo.slos[1].sli.loc.line == 22);
    CHECK(repo.slos[1].target == 99.9);
    // The inline indicator is an SLI of its own, as a spec-level one is.
    auto inline_sli = std::find_if(repo.slis.begin(), repo.slis.end(),
                                   [](const Sli& s) { return s.meta.id == "checkout-ok"; });
    REQUIRE(inline_sli != repo.slis.end());
    CHECK(inline_sli->inline_indicator);
    CHECK(inline_sli->name == "Checkout OK");
    REQUIRE(inline_sli->query);
    CHECK(inline_sli->query->good == "good_total");

    // The public repro shape: one objective, by reference, with compositeWeight.
    Repo one;
    DiagBag one_diags;
    REQUIRE(decode_all("openslo", {R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: my-slo
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - target: 0.99
      compositeWeight: 1
      indicatorRef: my-sli
)"},
                       one, one_diags));
    CHECK_FALSE(one_diags.has_errors());
    REQUIRE(one.slos.size() == 1);
    CHECK(one.slos[0].meta.id == "my-slo");
    CHECK(one.slos[0].sli.id == "my-sli");
  }

  TEST_CASE("OpenSLO composite SLO: a missing or doubled indicator is an error at the objective") {
    const std::string head = R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: journey
spec:
  service: web
  budgetingMethod: Occurrences
)";
    auto errors = [](const DiagBag& diags) {
      std::vector<const Diagnostic*> out;
      for (const auto& d : diags.all())
        if (d.severity == Severity::Error) out.push_back(&d);
      return out;
    };
    {
      // Composite, one objective without an indicator: that objective is an error, at it; the
      // others are SLOs.
      Repo repo;
      DiagBag diags;
      decode_all("openslo", {head + R"(  objectives:
    - displayName: a
      target: 0.99
      indicatorRef: a-sli
    - displayName: b
      target: 0.99
)"},
                 repo, diags);
      const auto found = errors(diags);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->rule == "schema");
      CHECK(found[0]->loc.line == 12);
      CHECK(found[0]->message ==
            "OpenSLO objective of a composite SLO needs indicator or indicatorRef (missing: "
            "indicatorRef)");
      CHECK_FALSE(found[0]->hint.empty());
      REQUIRE(repo.slos.size() == 1);
      CHECK(repo.slos[0].meta.id == "journey.a");
    }
    {
      // An indicator at spec level and in an objective: an error at the objective's.
      Repo repo;
      DiagBag diags;
      decode_all("openslo", {head + R"(  indicatorRef: a-sli
  objectives:
    - displayName: a
      target: 0.99
    - displayName: b
      target: 0.99
      indicatorRef: b-sli
)"},
                 repo, diags);
      const auto found = errors(diags);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->loc.line == 14);
      CHECK(found[0]->loc.col == 7);
      CHECK(found[0]->message.find("has its own indicatorRef, and the SLO has spec.indicatorRef "
                                   "at line 8 too") != std::string::npos);
      REQUIRE(repo.slos.size() == 1);
      CHECK(repo.slos[0].sli.id == "a-sli");
    }
    {
      // Both forms in one objective: an error at the second; no SLO of it.
      Repo repo;
      DiagBag diags;
      decode_all("openslo", {head + R"(  objectives:
    - target: 0.99
      indicatorRef: a-sli
      indicator:
        metadata: {name: b-sli}
        spec:
          ratioMetric:
            counter: true
            good: {metricSource: {spec: {query: g}}}
            total: {metricSource: {spec: {query: t}}}
)"},
                 repo, diags);
      const auto found = errors(diags);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->loc.line == 11);
      CHECK(found[0]->message ==
            "OpenSLO objective has both indicator and indicatorRef; OpenSLO takes one of them");
      CHECK(repo.slos.empty());
    }
    {
      // No indicator anywhere: the one error of a standard SLO, at the kind.
      Repo repo;
      DiagBag diags;
      decode_all("openslo", {head + "  objectives:\n    - target: 0.99\n"}, repo, diags);
      const auto found = errors(diags);
      REQUIRE(found.size() == 1);
      CHECK(found[0]->message.find("OpenSLO SLO needs spec.indicator or spec.indicatorRef") == 0);
      CHECK(repo.slos.empty());
    }
  }

  TEST_CASE("OpenSLO objectives: an index that stands in for a displayName never takes one") {
    auto ids = [](const std::string& objectives) {
      Repo repo;
      DiagBag diags;
      decode_all("openslo",
                 {"apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: web\nspec:\n"
                  "  service: web\n  budgetingMethod: Occurrences\n  indicatorRef: web-sli\n"
                  "  objectives:\n" +
                  objectives},
                 repo, diags);
      CHECK_FALSE(diags.has_errors());
      std::vector<std::string> out;
      for (const auto& s : repo.slos)
        out.push_back(s.meta.id);
      return out;
    };
    // The public repro: displayName "1", then an objective without one at index 1.
    CHECK(ids("    - {displayName: \"1\", target: 0.999}\n    - {target: 0.99}\n") ==
          std::vector<std::string>{"web.1", "web.1-2"});
    // A displayName written after the index it names keeps it.
    CHECK(ids("    - {target: 0.99}\n    - {displayName: \"0\", target: 0.999}\n") ==
          std::vector<std::string>{"web.0-2", "web.0"});
    // A repeated displayName falls back to its index, past a displayName and a -2 taken.
    CHECK(ids("    - {displayName: a, target: 0.9}\n    - {displayName: a, target: 0.99}\n"
              "    - {displayName: \"1\", target: 0.999}\n"
              "    - {displayName: 1-2, target: 0.9999}\n") ==
          std::vector<std::string>{"web.a", "web.1-3", "web.1", "web.1-2"});
    // Without clashes, nothing changes.
    CHECK(ids("    - {displayName: Internal, target: 0.995}\n    - {target: 0.99}\n") ==
          std::vector<std::string>{"web.internal", "web.1"});
  }

  TEST_CASE("OpenSLO Service and SLI: metadata.displayName is the name, else the name written") {
    Repo repo;
    DiagBag diags;
    REQUIRE(decode_all("openslo",
                       {"apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: checkout\n"
                        "  displayName: Checkout API\nspec:\n  description: Takes the money\n",
                        "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: Search_API\n"
                        "spec: {}\n",
                        "apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: ok\n"
                        "  displayName: Requests served\nspec:\n  ratioMetric:\n    counter: true\n"
                        "    good: {metricSource: {spec: {query: g}}}\n"
                        "    total: {metricSource: {spec: {query: t}}}\n"},
                       repo, diags));
    REQUIRE(repo.services.size() == 2);
    CHECK(repo.services[0].meta.id == "checkout");
    CHECK(repo.services[0].name == "Checkout API");
    CHECK(repo.services[1].meta.id == "search-api");
    CHECK(repo.services[1].name == "Search_API");
    REQUIRE(repo.slis.size() == 1);
    CHECK(repo.slis[0].meta.id == "ok");
    CHECK(repo.slis[0].name == "Requests served");
  }

  TEST_CASE("OpenSLO alerting: the fields OpenSLO v1 requires are schema errors at their node") {
    const std::string slo = R"(apiVersion: openslo/v1
kind: SLO
metadata:
  name: my-slo
spec:
  service: web
  budgetingMethod: Occurrences
  indicatorRef: my-sli
  objectives:
    - target: 0.99
  alertPolicies:
    - kind: AlertPolicy
      metadata:
        name: p1
      spec:
        conditions:
          - kind: AlertCondition
            metadata:
              name: fast-burn
            spec:
              condition:
                kind: burnrate
                op: gt
                lookbackWindow: 1h
        notificationTargets:
          - targetRef: pager
)";
    auto messages = [](const DiagBag& diags) {
      std::vector<std::pair<int, std::string>> out;
      for (const auto& d : diags.all())
        if (d.severity == Severity::Error && d.rule == "schema")
          out.emplace_back(d.loc.line, d.message);
      std::sort(out.begin(), out.end());
      return out;
    };
    {
      // The public repro: a burnrate condition without threshold or severity.
      Repo repo;
      DiagBag diags;
      CHECK_FALSE(decode_all("openslo", {slo}, repo, diags));
      const auto found = messages(diags);
      REQUIRE(found.size() == 2);
      CHECK(found[0] == std::make_pair(21, std::string("missing required field "
                                                       "'spec.alertPolicies[0].spec.conditions[0]."
                                                       "spec.severity'")));
      CHECK(found[1] == std::make_pair(22, std::string("missing required field "
                                                       "'spec.alertPolicies[0].spec.conditions[0]."
                                                       "spec.condition.threshold'")));
      for (const auto& d : diags.all())
        CHECK_FALSE(d.hint.empty());
    }
    {
      // A standalone AlertCondition: op and lookbackWindow too.
      Repo repo;
      DiagBag diags;
      CHECK_FALSE(decode_all("openslo",
                             {"apiVersion: openslo/v1\nkind: AlertCondition\nmetadata:\n"
                              "  name: c\nspec:\n  severity: page\n  condition:\n"
                              "    kind: burnrate\n    threshold: 2\n"},
                             repo, diags));
      const auto found = messages(diags);
      REQUIRE(found.size() == 2);
      CHECK(found[0].first == 8);
      CHECK(found[0].second.find("'spec.condition.lookbackWindow'") != std::string::npos);
      CHECK(found[1].second.find("'spec.condition.op'") != std::string::npos);
    }
    {
      // A policy without notificationTargets, standalone.
      Repo repo;
      DiagBag diags;
      CHECK_FALSE(decode_all("openslo",
                             {"apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata:\n  name: p\n"
                              "spec:\n  conditions:\n    - conditionRef: c\n"},
                             repo, diags));
      const auto found = messages(diags);
      REQUIRE(found.size() == 1);
      CHECK(found[0].second == "missing required field 'spec.notificationTargets'");
    }
    {
      // Two conditions in one policy, and an empty list of targets: errors at each.
      Repo repo;
      DiagBag diags;
      decode_all("openslo",
                 {"apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata:\n  name: p\n"
                  "  displayName: Pager\nspec:\n  conditions:\n    - conditionRef: a\n"
                  "    - conditionRef: b\n  notificationTargets: []\n"},
                 repo, diags);
      const auto found = messages(diags);
      REQUIRE(found.size() >= 2);
      CHECK(found[0] == std::make_pair(9, std::string("OpenSLO AlertPolicy 'Pager' has 2 "
                                                      "conditions; OpenSLO v1 allows one "
                                                      "condition per policy")));
      CHECK(found[1] == std::make_pair(10, std::string("OpenSLO AlertPolicy 'Pager' has no "
                                                       "notification targets; OpenSLO v1 "
                                                       "requires at least one")));
    }
    {
      // A condition item that is both a reference and inline, or neither.
      for (const char* item : {"    - conditionRef: c\n      kind: AlertCondition\n"
                               "      metadata: {name: c}\n      spec: {severity: page, "
                               "condition: {kind: burnrate, op: gt, threshold: 2, "
                               "lookbackWindow: 1h}}\n",
                               "    - {}\n"}) {
        CAPTURE(item);
        Repo repo;
        DiagBag diags;
        CHECK_FALSE(decode_all("openslo",
                               {std::string("apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata:\n"
                                            "  name: p\nspec:\n  conditions:\n") +
                                item + "  notificationTargets:\n    - targetRef: pager\n"},
                               repo, diags));
        const auto found = messages(diags);
        REQUIRE_FALSE(found.empty());
        CHECK(found[0].first == 7);
      }
    }
  }
}
