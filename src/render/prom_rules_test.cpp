#include "model/alerts.hpp"
#include "render/prom_rules.hpp"

#include <doctest/doctest.h>
#include <optional>

using namespace nines;

namespace {

Repo rules_repo() {
  Repo repo;
  repo.config.base_url = "https://sre.example.org/site";
  Sli sli;
  sli.meta.kind = "sli";
  sli.meta.id = "success";
  sli.query = SliQuery{"req_total{service=\"{{service}}\",code!~\"5..\"}",
                       "req_total{service=\"{{service}}\"}",
                       "",
                       {}};
  repo.slis.push_back(sli);
  Sli unmeasured;
  unmeasured.meta.id = "manual";
  repo.slis.push_back(unmeasured);

  Slo slo;
  slo.meta.kind = "slo";
  slo.meta.id = "pay-availability";
  slo.meta.file = "slos/pay.yaml";
  slo.meta.loc = {1, 1};
  slo.service.id = "pay";
  slo.sli.id = "success";
  slo.target = 99.9;
  slo.window_days = 28;
  repo.slos.push_back(slo);

  Slo other = slo;
  other.meta.id = "other-manual";
  other.sli.id = "manual";
  repo.slos.push_back(other);

  Runbook rb;
  rb.meta.id = "pay-fast-burn";
  rb.alert_name = "fast_burn";
  rb.service.id = "pay";
  repo.runbooks.push_back(rb);
  return repo;
}

} // namespace

TEST_CASE("clean_number prints numbers as written") {
  CHECK(clean_number(14.4) == "14.4");
  CHECK(clean_number(1) == "1");
  CHECK(clean_number((100 - 99.9) / 100) == "0.001");
  CHECK(clean_number((100 - 99.995) / 100) == "0.00005");
  CHECK(clean_number(0.1 + 0.2) == "0.3");
  CHECK(clean_number(-0.0) == "0");
}

TEST_CASE("rules: recording rules per window and the Workbook's default alerts") {
  Repo repo = rules_repo();
  DiagBag diags;
  std::string y = prometheus_rules(repo, diags);
  // Only the SLO whose SLI has a query.
  CHECK(y.find("other-manual") == std::string::npos);
  CHECK(y.find("  - name: nines-slo-pay-availability\n") != std::string::npos);
  for (const char* w : {"5m", "30m", "1h", "6h", "3d"})
    CHECK(y.find(std::string("      - record: slo:sli_error:ratio_rate") + w + "\n") !=
          std::string::npos);
  CHECK(y.find("        expr: ((sum(increase(req_total{service=\"pay\"}[1h]))) - "
               "((sum(increase(req_total{service=\"pay\",code!~\"5..\"}[1h]))) or "
               "((sum(increase(req_total{service=\"pay\"}[1h]))) * 0 unless on() "
               "(sum(increase(req_total{service=\"pay\",code!~\"5..\"}[1h])))))) / "
               "(sum(increase(req_total{service=\"pay\"}[1h])))\n") != std::string::npos);
  CHECK(y.find("        expr: slo:sli_error:ratio_rate1h{slo=\"pay-availability\", "
               "service=\"pay\"} > 0.0144 and "
               "slo:sli_error:ratio_rate5m{slo=\"pay-availability\", service=\"pay\"} > "
               "0.0144\n") != std::string::npos);
  CHECK(y.find("> 0.006 and") != std::string::npos);
  CHECK(y.find("> 0.001 and") != std::string::npos);
  CHECK(y.find("          severity: ticket\n") != std::string::npos);
  // fast_burn has a runbook; the others point at the SLO's page and warn.
  CHECK(y.find("          runbook_url: https://sre.example.org/site/runbooks/pay-fast-burn/\n") !=
        std::string::npos);
  CHECK(y.find("          runbook_url: https://sre.example.org/site/slos/pay-availability/\n") !=
        std::string::npos);
  CHECK(diags.warning_count() == 2);
  CHECK(y.find("Firing for 1h spends 2.14% of the budget; at this rate the whole budget is gone "
               "in 46.7 hours.") != std::string::npos);
  // Deterministic.
  DiagBag again;
  CHECK(prometheus_rules(repo, again) == y);
}

TEST_CASE("rules: a threshold is the exact decimal product, as nines compares it") {
  // 14.4 * 0.0055 in floating point is 0.07919999999999999, below an error ratio of exactly
  // 0.0792 (792 failures in 10,000), which fired there while nines said it did not.
  for (const auto& [target, want] : std::vector<std::pair<double, std::string>>{
           {99.45, "> 0.0792 and"}, {99.97, "> 0.00432 and"}, {99.9, "> 0.0144 and"}}) {
    Repo repo = rules_repo();
    repo.slos[0].target = target;
    DiagBag diags;
    const std::string y = prometheus_rules(repo, diags);
    CHECK_MESSAGE(y.find(want) != std::string::npos, target);
    CHECK(y.find(" * 0.") == std::string::npos);
  }
}

TEST_CASE("rules: an explicit empty burn_rate_alerts opts the SLO out of the default alerts") {
  Repo repo = rules_repo();
  repo.slos[0].alerts_declared = true; // `burn_rate_alerts: []`
  DiagBag diags;
  const std::string y = prometheus_rules(repo, diags);
  // Its recording rules stay (a dashboard may read them); no alert, and no runbook to ask for.
  CHECK(y.find("  - name: nines-slo-pay-availability\n") != std::string::npos);
  CHECK(y.find("      - alert:") == std::string::npos);
  CHECK(diags.warning_count() == 0);
  // Without the key the defaults come back, two of them without a runbook.
  repo.slos[0].alerts_declared = false;
  DiagBag again;
  CHECK(prometheus_rules(repo, again).find("      - alert: fast_burn\n") != std::string::npos);
  CHECK(again.warning_count() == 2);
}

TEST_CASE("rules: a default alert the target makes unreachable is left out, with a warning") {
  Repo repo = rules_repo();
  repo.slos[0].target = 90;
  repo.slos[0].target_loc = {4, 11};
  DiagBag diags;
  std::string y = prometheus_rules(repo, diags);
  // fast_burn would need an error ratio above 14.4 × 0.1 = 1.44: never.
  CHECK(y.find("alert: fast_burn") == std::string::npos);
  CHECK(y.find("1.44") == std::string::npos);
  CHECK(y.find("ratio_rate5m") == std::string::npos); // no alert needs its window
  CHECK(y.find("      - alert: medium_burn\n") != std::string::npos);
  CHECK(y.find("0.6") != std::string::npos);
  CHECK(y.find("      - alert: slow_burn\n") != std::string::npos);
  std::optional<Diagnostic> left_out;
  for (const auto& d : diags.sorted())
    if (d.rule == "rules-default-alert") {
      CHECK_FALSE(left_out);
      left_out = d;
    }
  REQUIRE(left_out);
  CHECK(left_out->severity == Severity::Warning);
  CHECK(left_out->file == "slos/pay.yaml");
  CHECK(left_out->loc.line == 4);
  CHECK(left_out->loc.col == 11);
  CHECK(left_out->message ==
        "default alert 'fast_burn' (14.4x over 1h / 5m, page) of SLO 'pay-availability' is left "
        "out: at a 90% target the highest possible burn rate is 10x, so it could never fire");

  // At 80% (at most 5x) both page alerts go; at 99.9% none does.
  repo.slos[0].target = 80;
  DiagBag at80;
  y = prometheus_rules(repo, at80);
  CHECK(y.find("alert: medium_burn") == std::string::npos);
  CHECK(y.find("alert: slow_burn") != std::string::npos);
  std::size_t n = 0;
  for (const auto& d : at80.sorted())
    n += d.rule == "rules-default-alert";
  CHECK(n == 2);
  repo.slos[0].target = 99.9;
  DiagBag at999;
  prometheus_rules(repo, at999);
  for (const auto& d : at999.sorted())
    CHECK(d.rule != "rules-default-alert");
}

TEST_CASE("rules: an SLO's own alerts, {{window}} queries and a repository without any") {
  Repo repo = rules_repo();
  repo.slis[0].query->good = "sum(rate(ok[{{window}}]))";
  repo.slis[0].query->total = "sum(rate(all[{{window}}]))";
  BurnRateAlert a;
  a.name = "PayBurn";
  a.burn_rate = 2;
  a.short_window = "10m";
  a.long_window = "2h";
  a.short_window_min = 10;
  a.long_window_min = 120;
  a.severity = "page";
  repo.slos[0].alerts.push_back(a);
  repo.slos[0].target = 99.995;
  DiagBag diags;
  std::string y = prometheus_rules(repo, diags);
  CHECK(y.find("((sum(rate(all[2h]))) - ((sum(rate(ok[2h]))) or ((sum(rate(all[2h]))) * 0 unless "
               "on() (sum(rate(ok[2h])))))) / (sum(rate(all[2h])))") != std::string::npos);
  CHECK(y.find("0.0001") != std::string::npos);
  CHECK(y.find("fast_burn") == std::string::npos);
  CHECK(y.find("ratio_rate1h") == std::string::npos);
  CHECK(diags.warning_count() == 1);

  Repo empty;
  DiagBag none;
  CHECK(prometheus_rules(empty, none).find("groups: []\n") != std::string::npos);
}

TEST_CASE("rules: windows written the other way round: the budget spent is the longer one's") {
  Repo repo = rules_repo();
  BurnRateAlert a;
  a.name = "Swapped";
  a.burn_rate = 6;
  a.short_window = "6h";
  a.long_window = "30m";
  a.short_window_min = 360;
  a.long_window_min = 30;
  a.severity = "page";
  repo.slos[0].alerts.push_back(a);
  repo.slos[0].window_days = 30;
  DiagBag diags;
  const std::string y = prometheus_rules(repo, diags);
  // 6 x 6h of 30d: 5%, not the 0.42% of 30 minutes.
  CHECK(y.find("Firing for 6h spends 5% of the budget") != std::string::npos);
}

TEST_CASE("rules: a raw ratio's constant total divides as a number") {
  Repo repo = rules_repo();
  repo.slis[0].query->good = "1 - (avg_over_time(err_ratio{service=\"{{service}}\"}[{{window}}]))";
  repo.slis[0].query->total = "vector(1)";
  DiagBag diags;
  std::string y = prometheus_rules(repo, diags);
  CHECK(y.find("expr: '1 - ((1 - (avg_over_time(err_ratio{service=\"pay\"}[1h]))) / (1))'\n") !=
        std::string::npos);
  CHECK(y.find("vector(1)") == std::string::npos);
}

TEST_CASE("rules: a query that cannot make a valid rule is a warning naming its SLO") {
  // sum(increase(sum(x)[1h])) is no PromQL: Prometheus would refuse the whole file, so that SLO's
  // rules are left out, with a warning that says which SLO and where (its good query's line).
  Repo repo = rules_repo();
  repo.slis[0].meta.file = "slis/success.yaml";
  repo.slis[0].query->good = "sum(req_total{code!~\"5..\"})";
  repo.slis[0].query->loc = {7, 9};
  repo.slis[0].query->good_loc = {8, 11};
  DiagBag diags;
  const std::string y = prometheus_rules(repo, diags);
  CHECK(diags.error_count() == 0);
  REQUIRE(diags.warning_count() >= 1);
  const Diagnostic* d = nullptr;
  for (const auto& x : diags.all())
    if (x.rule == "rules-query") d = &x;
  REQUIRE(d);
  CHECK(d->severity == Severity::Warning);
  CHECK(d->file == "slis/success.yaml");
  CHECK(d->loc.line == 8);
  CHECK(d->loc.col == 11);
  CHECK(d->message.find("SLO 'pay-availability'") != std::string::npos);
  CHECK(d->message.find("'good'") != std::string::npos);
  CHECK(d->message.find("left out") != std::string::npos);
  CHECK(y.find("increase(sum(") == std::string::npos);
  CHECK(y.find("pay-availability") == std::string::npos);

  // MetricsQL's range on a function (Sloth's victoria-metrics example) is caught the same way.
  repo = rules_repo();
  repo.slis[0].query->total = "vector(1)[{{window}}]";
  DiagBag vm;
  const std::string z = prometheus_rules(repo, vm);
  REQUIRE(vm.warning_count() >= 1);
  bool found = false;
  for (const auto& x : vm.all())
    found = found || (x.rule == "rules-query" &&
                      x.message.find("a range on 'vector(1)[{{window}}]'") != std::string::npos);
  CHECK(found);
  CHECK(z.find("vector(1)[") == std::string::npos);
}

TEST_CASE("rules: text in alert labels and annotations is never a Go template") {
  Repo repo = rules_repo();
  repo.slos[0].name = "Latency {{ p99 }} of {{$labels.x}}}";
  BurnRateAlert a;
  a.name = "fast";
  a.burn_rate = 14.4;
  a.short_window_min = 5;
  a.long_window_min = 60;
  a.severity = "sev{{x}}";
  repo.slos[0].alerts.push_back(a);
  DiagBag diags;
  std::string y = prometheus_rules(repo, diags);
  CHECK(y.find(R"(summary: 'Latency {{ "{{" }} p99 {{ "}}" }} of {{ "{{" }}$labels.x{{ "}}" }}}: )"
               "error budget burning 14.4x too fast (1h and 5m)'\n") != std::string::npos);
  CHECK(y.find(R"(          severity: sev{{ "{{" }}x{{ "}}" }})"
               "\n") != std::string::npos);
  // Only alerting rules are templates: recording rules and expressions keep the text as it is.
  CHECK(y.find("{{ \"{{\" }}") > y.find("- alert: fast"));
}

TEST_CASE("rules: the runbook of the alert's service wins over a service-less one") {
  Repo repo = rules_repo();
  Runbook generic;
  generic.meta.id = "aaa-generic";
  generic.alert_name = "fast_burn";
  repo.runbooks.insert(repo.runbooks.begin(), generic);
  bool found = false;
  CHECK(alert_runbook_url(repo, repo.slos[0], "fast_burn", found) ==
        "https://sre.example.org/site/runbooks/pay-fast-burn/");
  CHECK(found);
  repo.config.base_url.clear();
  CHECK(alert_runbook_url(repo, repo.slos[0], "slow_burn", found) == "slos/pay-availability/");
  CHECK_FALSE(found);
}

TEST_CASE("rules: OpenSLO burnrate conditions are extra alerts; lt/lte ones only a warning") {
  Repo repo = rules_repo();
  AlertPolicySpec policy;
  policy.name = "pay-policy";
  policy.display_name = "Pay policy";
  policy.file = "openslo/pay.yaml";
  AlertConditionSpec fires;
  fires.name = "pay-burn";
  fires.kind = "burnrate";
  fires.op = "gt";
  fires.threshold = 3;
  fires.lookback_window = "2h";
  fires.lookback_minutes = 120;
  fires.alert_after_minutes = 10;
  fires.severity = "ticket";
  AlertConditionSpec slow = fires;
  slow.name = "pay-slow";
  slow.op = "lte";
  slow.loc = {9, 7};
  policy.conditions = {fires, slow, fires}; // a repeated condition is one alert
  repo.slos[0].alert_policies.push_back(policy);
  DiagBag diags;
  const std::string text = prometheus_rules(repo, diags);
  // The 2h window is recorded beside the defaults' windows, and the alert reads it.
  CHECK(text.find("- record: slo:sli_error:ratio_rate2h\n") != std::string::npos);
  CHECK(text.find("      - alert: pay-burn\n        expr: "
                  "slo:sli_error:ratio_rate2h{slo=\"pay-availability\", service=\"pay\"} > "
                  "0.003\n        for: 10m\n") != std::string::npos);
  CHECK(text.find("severity: ticket\n          openslo_alert_policy: pay-policy\n") !=
        std::string::npos);
  CHECK(text.find("pay-slow") == std::string::npos);
  std::size_t n = 0;
  for (auto p = text.find("- alert: pay-burn"); p != std::string::npos;
       p = text.find("- alert: pay-burn", p + 1))
    ++n;
  CHECK(n == 1);
  bool warned = false;
  for (const auto& d : diags.all())
    warned = warned || (d.rule == "rules-openslo-condition" && d.file == "openslo/pay.yaml" &&
                        d.loc.line == 9 && d.message.find("pay-slow") != std::string::npos);
  CHECK(warned);
}

TEST_CASE("rules: a default alert longer than the SLO's window is left out with a warning") {
  Repo repo = rules_repo();
  repo.slos[0].window_days = 2;
  repo.slos[0].window = "2d";
  repo.slos[0].window_loc = {6, 11};
  DiagBag diags;
  std::string y = prometheus_rules(repo, diags);
  // slow_burn's 3d long window would have spent 150% of a 2-day budget when it fired.
  CHECK(y.find("alert: slow_burn") == std::string::npos);
  CHECK(y.find("ratio_rate3d") == std::string::npos);
  CHECK(y.find("alert: fast_burn") != std::string::npos);
  CHECK(y.find("alert: medium_burn") != std::string::npos);
  bool warned = false;
  for (const auto& d : diags.all())
    warned = warned || (d.rule == "rules-default-alert" && d.loc.line == 6 &&
                        d.message.find("'slow_burn'") != std::string::npos &&
                        d.message.find("longer than the SLO's 2-day window") != std::string::npos &&
                        !d.hint.empty());
  CHECK(warned);
}

TEST_CASE("rules: burn_rate_alerts: [] records the error ratios and writes no alert") {
  Repo repo = rules_repo();
  repo.slos[0].alerts_declared = true;
  DiagBag diags;
  std::string y = prometheus_rules(repo, diags);
  for (const char* w : {"5m", "30m", "1h", "6h", "3d"})
    CHECK(y.find(std::string("      - record: slo:sli_error:ratio_rate") + w + "\n") !=
          std::string::npos);
  CHECK(y.find("alert:") == std::string::npos);
  CHECK(diags.warning_count() == 0);
}

TEST_CASE("rules: a PromQL comment in a query never swallows the expression around it") {
  // A trailing note and a comment line, as a YAML block writes them: spliced into one line of
  // `((total) - ((good) or ((total) * 0 unless on() (good)))) / (total)`, each `#` would run to the
  // end of the expression and promtool would refuse the whole file.
  Repo repo = rules_repo();
  repo.slis[0].query->good =
      "sum(rate(ok_total{job=\"{{service}}\"}[{{window}}]))  # requests answered OK";
  repo.slis[0].query->total =
      "# every request, health checks included\nsum(rate(all_total{job=\"{{service}}\"}"
      "[{{window}}]))\n";
  repo.slos[0].alerts_declared = true; // burn_rate_alerts: []
  DiagBag diags;
  const std::string y = prometheus_rules(repo, diags);
  CHECK(y.find('#', y.find("groups:")) == std::string::npos);
  CHECK(
      y.find("        expr: ((sum(rate(all_total{job=\"pay\"}[5m]))) - "
             "((sum(rate(ok_total{job=\"pay\"}[5m]))) or ((sum(rate(all_total{job=\"pay\"}[5m]))) "
             "* 0 unless on() (sum(rate(ok_total{job=\"pay\"}[5m])))))) / "
             "(sum(rate(all_total{job=\"pay\"}[5m])))\n") != std::string::npos);
  CHECK(diags.warning_count() == 0);
  // A `#` inside a label value is no comment and stays.
  repo.slis[0].query->good = "sum(rate(ok_total{path=\"/#top\"}[{{window}}]))";
  const std::string kept = prometheus_rules(repo, diags);
  CHECK(kept.find("ok_total{path=\"/#top\"}[5m]") != std::string::npos);
}

TEST_CASE("rules: a selector PromQL cannot lex leaves its SLO out, with a warning") {
  Repo repo = rules_repo();
  repo.slis[0].query->good = "req_total{msg='it''s'}";
  DiagBag diags;
  const std::string y = prometheus_rules(repo, diags);
  CHECK(y.find("pay-availability") == std::string::npos);
  REQUIRE(diags.warning_count() == 1);
  CHECK(diags.all()[0].rule == "rules-query");
}

TEST_CASE("rules: the file starts with the line that tells it from one people wrote") {
  Repo repo = rules_repo();
  DiagBag diags;
  CHECK(prometheus_rules(repo, diags).starts_with(k_generated_rules_header));
}
