#include "load/yaml_reader.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"

#include <doctest/doctest.h>

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
    CHECK(repo.slos.empty());

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
}
