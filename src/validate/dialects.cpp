// Foreign dialects, read so that teams need not convert what they already have (SPEC 1.2):
// OpenSLO v1 (all seven kinds) and the Backstage catalog (Component, Group; the other kinds are
// accepted). Each maps onto the native model; docs/dialects.md has the field-by-field mapping and
// what is not supported.
#include "model/alerts.hpp"
#include "model/entity_ref.hpp"
#include "model/numbers.hpp"
#include "model/promql.hpp"
#include "model/slug.hpp"
#include "model/time.hpp"
#include "validate/decode.hpp"
#include "validate/node_access.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

namespace nines {
namespace {

void copy_map(const Node& m, std::map<std::string, std::string>& out) {
  for (const auto& e : m.entries) {
    if (e.value.is_seq()) {
      std::string joined;
      for (const auto& i : e.value.items)
        joined += (joined.empty() ? "" : ", ") + str(i);
      out[e.key] = joined;
    } else {
      out[e.key] = str(e.value);
    }
  }
}

DocMeta dialect_meta(const RawDoc& doc, const std::string& kind, const Node& metadata,
                     const std::string& digest, const std::string& dialect, DiagBag& diags) {
  DocMeta m;
  m.kind = kind;
  m.file = doc.file;
  m.loc = doc.kind_loc;
  m.digest = digest;
  m.body = doc.body;
  m.body_line = doc.body_line;
  m.dialect = dialect;
  const Node& name = at(metadata, "name");
  const std::string written = str(name);
  m.id = slug_id(written);
  m.written_name = written;
  m.id_loc = name.is_absent() ? doc.kind_loc : name.loc;
  m.display_name = str(metadata, "displayName");
  if (m.display_name.empty()) m.display_name = str(metadata, "title"); // Backstage
  if (m.display_name.empty()) m.display_name = written;
  copy_map(at(metadata, "labels"), m.labels);
  copy_map(at(metadata, "annotations"), m.annotations);
  if (written.empty()) {
    diags.error(doc.file, doc.kind_loc, "schema", "field 'metadata.name' is required");
  } else if (!valid_id(m.id)) {
    diags.error(doc.file, m.id_loc, "invalid-id",
                "name '" + written + "' gives no valid id: ids match ^[a-z0-9][a-z0-9._-]{0,127}$",
                "use letters, digits, '.', '_' and '-'");
  }
  return m;
}

// The OpenSLO DataSource types that speak the Prometheus HTTP API.
bool prometheus_compatible(std::string type) {
  for (auto& c : type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* t : {"prometheus", "thanos", "cortex", "mimir", "victoriametrics"})
    if (type == t) return true;
  return false;
}

// One OpenSLO metricSource: its query (spec.query, else spec.promql), DataSource and type.
struct MetricSource {
  std::string query, ref, type;
  Loc loc;     // the query's value
  Loc ref_loc; // metricSourceRef's value
};
MetricSource metric_source(const Node& part) {
  const Node& ms = at(part, "metricSource");
  MetricSource out;
  out.query = str(at(ms, "spec"), "query");
  out.loc = at(at(ms, "spec"), "query").loc;
  if (out.query.empty()) {
    out.query = str(at(ms, "spec"), "promql");
    out.loc = at(at(ms, "spec"), "promql").loc;
  }
  out.ref = str(ms, "metricSourceRef");
  out.ref_loc = at(ms, "metricSourceRef").loc;
  out.type = str(ms, "type");
  return out;
}

// Sloth's window variable is nines' `{{window}}`: `{{.window}}` with any spaces inside the braces,
// as Sloth's own regex `{{ *\.window *}}` reads it (its messages write `{{ .window }}`). OpenSLO
// queries written in Sloth's form (the Go SDK's examples) are read the same way.
std::string sloth_query(std::string q) {
  // nines wraps these queries in its own (the good-from-bad difference, a raw ratio's average):
  // a comment would swallow the wrapping's end (strip_promql_comments).
  q = strip_promql_comments(q);
  std::size_t from = 0;
  for (auto p = q.find("{{", from); p != std::string::npos; p = q.find("{{", from)) {
    std::size_t i = p + 2;
    while (i < q.size() && q[i] == ' ')
      ++i;
    if (q.compare(i, 7, ".window") != 0) {
      from = p + 2;
      continue;
    }
    i += 7;
    while (i < q.size() && q[i] == ' ')
      ++i;
    if (q.compare(i, 2, "}}") != 0) {
      from = p + 2;
      continue;
    }
    q.replace(p, i + 2 - p, "{{window}}");
    from = p + 10;
  }
  while (!q.empty() && (q.back() == '\n' || q.back() == ' '))
    q.pop_back();
  return q;
}

// Good events as total − bad, as one query (Sloth's events SLI, an OpenSLO ratio with a bad
// metric, a Pyrra ratio). Each side is counted over the window as SPEC 1.3 counts a query on its
// own: one with the window variable as written, a counter selector as
// sum(increase(<query>[{{window}}])) (a range on `(a) - (b)` would be no PromQL). A side that is
// neither is the sli-query-range warning at its own line. A bad side with no series at all is no
// bad events, which is a healthy service's normal state (`code=~"5.."` never seen): without the
// zero the difference would be empty, a day with no data, and the rules' error ratio would read
// every event as bad and page. The zero has the total's own labels, so a total that keeps some
// (`sum by (service)`) matches it (a bare `vector(0)` has none and matched nothing), and it is
// there only while the bad side has no series at all (`unless on() (bad)`): a bad side grouped by
// other labels than the total stays unmatched, no data as in Sloth itself, never a difference
// that drops every error and reads 100%.
std::string good_from_bad(const std::string& total, const std::string& bad) {
  auto counted = [](const std::string& q) {
    return q.find("{{window}}") != std::string::npos ? "(" + q + ")"
                                                     : "sum(increase(" + q + "[{{window}}]))";
  };
  return counted(total) + " - (" + counted(bad) + " or (" + counted(total) + " * 0 unless on() " +
         counted(bad) + "))";
}

// A raw ratio (Sloth's `sli.raw`, OpenSLO's `ratioMetric.raw`) is a precomputed ratio, a gauge,
// never a counter: good is the success ratio over the window and total `vector(1)`, so each day
// counts once (the attainment is the mean of the daily ratios) and `nines rules` divides by 1.
// A query holding the window variable is the ratio over the window as written; any other is the
// ratio at an instant, averaged over the window (a subquery when it is no selector, since ranges
// go on selectors only). `failure`: the query is the error ratio.
SliQuery raw_ratio_query(const std::string& written, bool failure, const Loc& loc) {
  std::string q = sloth_query(written);
  if (q.find("{{window}}") == std::string::npos)
    q = is_vector_selector(q) ? "avg_over_time(" + q + "[{{window}}])"
                              : "avg_over_time((" + q + ")[{{window}}:1m])";
  return SliQuery{failure ? "1 - (" + q + ")" : q, "vector(1)", "", loc};
}

// A node's content as text, map keys sorted and positions left out: equal for two definitions
// written alike in different places or key orders.
void canonical(const Node& n, std::string& out) {
  if (n.is_scalar()) {
    out += std::to_string(n.value.size()) + ":" + n.value;
  } else if (n.is_seq()) {
    out += '[';
    for (const auto& i : n.items)
      canonical(i, out);
    out += ']';
  } else if (n.is_map()) {
    std::vector<const Entry*> entries;
    for (const auto& e : n.entries)
      entries.push_back(&e);
    std::sort(entries.begin(), entries.end(),
              [](const auto* a, const auto* b) { return a->key < b->key; });
    out += '{';
    for (const auto* e : entries) {
      out += std::to_string(e->key.size()) + ":" + e->key;
      canonical(e->value, out);
    }
    out += '}';
  } else {
    out += '~';
  }
}

// An OpenSLO SLI spec (a SLI object's, or an SLO's inline indicator) → an Sli.
void read_sli_spec(const Node& spec, Sli& s) {
  canonical(spec, s.openslo_spec);
  s.description = str(spec, "description");
  const Node& ratio = at(spec, "ratioMetric");
  const Node& threshold = at(spec, "thresholdMetric");
  MetricSource good, total, bad, raw;
  if (!ratio.is_absent()) {
    s.type = "availability";
    good = metric_source(at(ratio, "good"));
    bad = metric_source(at(ratio, "bad"));
    total = metric_source(at(ratio, "total"));
    raw = metric_source(at(ratio, "raw"));
    // `counter: false` says each sample is a number of events of its own (a gauge that goes up
    // and down, OpenSLO v1), not a running total: over the window its samples are summed, never
    // read as a counter's increase. A selector alone is written so; an expression holding the
    // window is used as written, as ever.
    const std::string counter = str(ratio, "counter");
    const bool gauge = counter == "false" || counter == "False" || counter == "FALSE";
    for (MetricSource* m : {&good, &bad, &total}) {
      m->query = sloth_query(m->query);
      if (gauge && m->query.find("{{window}}") == std::string::npos && is_vector_selector(m->query))
        m->query = "sum(sum_over_time(" + m->query + "[{{window}}]))";
    }
    s.good_events = good.query;
    s.total_events = total.query;
    const MetricSource& first = !good.query.empty() ? good : !bad.query.empty() ? bad : raw;
    s.source_ref = first.ref.empty() ? total.ref : first.ref;
    s.source_ref_loc = first.ref.empty() ? total.ref_loc : first.ref_loc;
    s.source_type = first.type.empty() ? total.type : first.type;
    std::string g, t = total.query;
    if (!good.query.empty()) {
      g = good.query;
    } else if (!bad.query.empty() && !t.empty()) {
      g = good_from_bad(t, bad.query);
      s.good_events = g;
    } else if (!raw.query.empty()) {
      // A raw ratio: the success (or failure) ratio itself, as Sloth's sli.raw.
      s.query = raw_ratio_query(raw.query, str(ratio, "rawType") == "failure", ratio.loc);
      s.query->good_loc = raw.loc;
      s.good_events = s.query->good;
      s.total_events = s.query->total;
    }
    if (!s.query && !g.empty() && !t.empty()) {
      s.query = SliQuery{g, t, "", ratio.loc, good.query.empty() ? bad.loc : good.loc, total.loc};
      if (good.query.empty()) s.query->error = bad.query;
    }
  } else if (!threshold.is_absent()) {
    // A threshold metric is compared with each objective's op and value: its SLOs get queries of
    // their own (threshold_query), built once the sources are known (finish_dialects).
    MetricSource m = metric_source(threshold);
    s.type = "latency";
    s.threshold = true;
    s.good_events = m.query;
    s.source_ref = m.ref;
    s.source_ref_loc = m.ref_loc;
    s.source_type = m.type;
  }
  s.measurement_source = s.source_type.empty() ? s.source_ref : s.source_type;
}

// An objective's `target` ratio as the percentage it is written as: the decimal point moved two
// places (0.99999 → 99.999, the double nearest that decimal, as if written `targetPercent:
// 99.999`), never the binary product t × 100 (99.99900000000001), whose noise every figure derived
// from the budget would carry. The ratio's decimals are those of its shortest text, which is the
// text written; past 15 of them (no decimal a person writes) the product is kept.
double openslo_ratio_percent(double ratio) {
  const std::string text = exact_decimal_text(ratio);
  const std::size_t dot = text.find('.');
  const int decimals = dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  if (!std::isfinite(ratio) || decimals > 15) return ratio * 100.0;
  // The ratio in units of its last decimal is a whole number below 2^53: exact, and so is each
  // power of ten used, so the one division (or product) below rounds once, to the nearest double.
  const double units = std::round(ratio * std::pow(10.0, decimals));
  if (units > 9007199254740992.0) return ratio * 100.0; // 2^53: no longer whole units
  return decimals >= 2 ? units / std::pow(10.0, decimals - 2)
                       : units * std::pow(10.0, 2 - decimals);
}

// The period words (OpenSLO v1alpha's window units, which nines also reads in v1 durations) and
// the shorthand each stands for.
const std::map<std::string, std::string>& openslo_duration_words() {
  static const std::map<std::string, std::string> words = {
      {"Day", "1d"}, {"Week", "1w"}, {"Month", "1M"}, {"Quarter", "1Q"}, {"Year", "1Y"}};
  return words;
}

// Duration shorthand of OpenSLO (m, h, d, w, M, Q, Y, or a period word) → days: a month is 30
// days, a quarter 90, a year 365, as OpenSLO's Go SDK reads them. For a calendar window this is
// only the nominal length, used where there is no "now" (the rules' descriptions): its figures
// use the length of the period now is in.
std::optional<double> openslo_days(std::string d) {
  if (auto it = openslo_duration_words().find(d); it != openslo_duration_words().end())
    d = it->second;
  if (d.size() >= 2 && std::string("MQY").find(d.back()) != std::string::npos) {
    // Months, quarters and years as that many days ("1M" reads as "30d").
    const double per = d.back() == 'M' ? 30 : d.back() == 'Q' ? 90 : 365;
    auto n = parse_duration_minutes(d.substr(0, d.size() - 1) + "d");
    if (!n) return std::nullopt;
    return *n / 1440.0 * per;
  }
  if (auto m = parse_duration_minutes(d)) return *m / 1440.0;
  return std::nullopt;
}

// The name of an OpenSLO alert object: its id (a slug) and, when it has one, its displayName.
template <typename T> void alert_names(const Node& md, T& out) {
  out.name = slug_id(str(md, "name"));
  out.display_name = str(md, "displayName");
  if (out.display_name.empty()) out.display_name = str(md, "name");
}

// An AlertCondition's spec (an object's, or one inline in a policy).
AlertConditionSpec read_condition(const Node& md, const Node& spec, const Loc& loc) {
  AlertConditionSpec c;
  alert_names(md, c);
  c.loc = loc;
  c.description = str(spec, "description");
  c.severity = str(spec, "severity");
  const Node& cond = at(spec, "condition");
  c.kind = str(cond, "kind");
  c.op = str(cond, "op");
  c.threshold = num(cond, "threshold");
  c.lookback_window = str(cond, "lookbackWindow");
  c.alert_after = str(cond, "alertAfter");
  if (auto d = openslo_days(c.lookback_window)) c.lookback_minutes = *d * 1440;
  if (auto d = openslo_days(c.alert_after)) c.alert_after_minutes = *d * 1440;
  return c;
}

AlertTargetSpec read_target(const Node& md, const Node& spec, const Loc& loc) {
  AlertTargetSpec t;
  alert_names(md, t);
  t.loc = loc;
  t.description = str(spec, "description");
  t.target = str(spec, "target");
  return t;
}

// An AlertPolicy's spec: its conditions and targets inline, or as references resolved later
// (finish_dialects), since the objects they name may be in any file. OpenSLO v1 gives a policy
// one condition and at least one notification target: errors (the schema says both are written,
// these say how many, with a hint the schema's list-length findings lack).
AlertPolicySpec read_policy(const RawDoc& doc, const Node& md, const Node& spec, const Loc& loc,
                            DiagBag& diags) {
  AlertPolicySpec p;
  alert_names(md, p);
  const std::string what = "OpenSLO AlertPolicy '" + p.display_name + "'";
  if (const Node& c = at(spec, "conditions"); c.items.size() > 1)
    diags.error(doc.file, c.items[1].loc, "schema",
                what + " has " + std::to_string(c.items.size()) +
                    " conditions; OpenSLO v1 allows one condition per policy",
                "give each condition an AlertPolicy of its own, and list each policy in the SLO's "
                "alertPolicies");
  if (const Entry* t = spec.entry("notificationTargets"); t && t->value.items.empty())
    diags.error(doc.file, t->key_loc, "schema",
                what + " has no notification targets; OpenSLO v1 requires at least one",
                "add a targetRef naming an AlertNotificationTarget (or one written inline)");
  p.loc = loc;
  p.file = doc.file;
  p.description = str(spec, "description");
  p.alert_when_no_data = flag(spec, "alertWhenNoData");
  p.alert_when_resolved = flag(spec, "alertWhenResolved");
  p.alert_when_breaching = flag(spec, "alertWhenBreaching");
  for (const auto& item : at(spec, "conditions").items) {
    if (const Node& r = at(item, "conditionRef"); !r.is_absent()) {
      AlertConditionSpec c;
      c.ref = str(r);
      c.loc = r.loc;
      p.conditions.push_back(std::move(c));
    } else {
      p.conditions.push_back(read_condition(at(item, "metadata"), at(item, "spec"), item.loc));
    }
  }
  for (const auto& item : at(spec, "notificationTargets").items) {
    if (const Node& r = at(item, "targetRef"); !r.is_absent()) {
      AlertTargetSpec t;
      t.ref = str(r);
      t.loc = r.loc;
      p.targets.push_back(std::move(t));
    } else {
      p.targets.push_back(read_target(at(item, "metadata"), at(item, "spec"), item.loc));
    }
  }
  return p;
}

// Whether an SLO's spec, or one of its objectives, writes an indicator (inline or by reference).
bool writes_indicator(const Node& n) {
  return !at(n, "indicator").is_absent() || !at(n, "indicatorRef").is_absent();
}

// The SLI an SLO's spec, or one objective of a composite SLO, names: an inline `indicator` is an
// SLI of its own, named by its metadata; `indicatorRef` names one by its name (as a slug). Both
// at once is an error at the second (OpenSLO takes exactly one), and the reference is then empty.
Ref read_indicator(const RawDoc& doc, const Node& holder, const std::string& what,
                   const std::string& digest, Repo& repo, DiagBag& diags) {
  const Entry* inline_sli = holder.entry("indicator");
  const Entry* named = holder.entry("indicatorRef");
  if (inline_sli && named) {
    const bool ref_second = std::tie(named->key_loc.line, named->key_loc.col) >
                            std::tie(inline_sli->key_loc.line, inline_sli->key_loc.col);
    diags.error(doc.file, (ref_second ? named : inline_sli)->key_loc, "schema",
                what + " has both indicator and indicatorRef; OpenSLO takes one of them",
                "keep the inline indicator or the reference to an SLI, not both");
    return Ref{};
  }
  if (named) return Ref{slug_id(str(named->value)), named->value.loc};
  if (!inline_sli) return Ref{};
  const Node& indicator = inline_sli->value;
  Sli sli;
  sli.meta = dialect_meta(doc, "sli", at(indicator, "metadata"), digest, "openslo", diags);
  sli.name = sli.meta.display_name;
  read_sli_spec(at(indicator, "spec"), sli);
  sli.inline_indicator = true;
  Ref out{sli.meta.id, sli.meta.id_loc};
  repo.slis.push_back(std::move(sli));
  return out;
}

// The id suffix of each objective of an SLO with several: the slug of its displayName (the first
// objective of a repeated one keeps it), else its index; an index a displayName took, or another
// fallback, gets -2, -3, … ("1" then "1-2"). All displayNames are taken first, so a fallback never
// takes a name written later.
std::vector<std::string> objective_suffixes(const Node& objectives) {
  std::vector<std::string> out(objectives.items.size());
  std::set<std::string> taken;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (std::string s = slug_id(str(objectives.items[i], "displayName"));
        !s.empty() && taken.insert(s).second)
      out[i] = s;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i].empty()) continue;
    std::string s = std::to_string(i);
    for (int n = 2; taken.count(s); ++n)
      s = std::to_string(i) + "-" + std::to_string(n);
    taken.insert(s);
    out[i] = s;
  }
  return out;
}

void decode_openslo_slo(const RawDoc& doc, const DocMeta& meta, const Node& spec, Repo& repo,
                        DiagBag& diags) {
  Slo base;
  base.meta = meta;
  base.service = ref(spec, "service");
  base.service.id = slug_id(base.service.id);
  base.description = str(spec, "description");
  base.name = meta.display_name;
  for (const auto& item : at(spec, "alertPolicies").items) {
    if (const Node& r = at(item, "alertPolicyRef"); !r.is_absent()) {
      AlertPolicySpec p;
      p.ref = str(r);
      p.loc = r.loc;
      p.file = doc.file;
      base.alert_policies.push_back(std::move(p));
    } else {
      base.alert_policies.push_back(
          read_policy(doc, at(item, "metadata"), at(item, "spec"), item.loc, diags));
    }
  }
  // The indicator is written at spec level (a standard SLO) or in every objective (a composite
  // SLO, OpenSLO v1), never at both: each objective's SLO gets the one that applies to it.
  const Node& objectives = at(spec, "objectives");
  const bool at_spec = writes_indicator(spec);
  const bool composite = std::any_of(objectives.items.begin(), objectives.items.end(),
                                     [](const Node& o) { return writes_indicator(o); });
  if (!at_spec && !composite) {
    diags.error(doc.file, doc.kind_loc, "schema",
                "OpenSLO SLO needs spec.indicator or spec.indicatorRef (missing: indicatorRef)",
                "name its SLI with spec.indicatorRef (or write it inline as spec.indicator), or "
                "give each objective its own indicator or indicatorRef (a composite SLO)");
    return;
  }
  if (at_spec) {
    base.sli = read_indicator(doc, spec, "OpenSLO SLO", meta.digest, repo, diags);
    if (base.sli.empty()) return; // both forms at once, or a name that is no id: reported
  }
  // Each objective's indicator, read before anything below can end the SLO, so that its inline
  // SLI is known to every SLO that names it. Empty: no SLO is made of that objective (reported).
  std::vector<Ref> indicators(objectives.items.size());
  for (std::size_t i = 0; i < objectives.items.size(); ++i) {
    const Node& obj = objectives.items[i];
    if (!writes_indicator(obj)) {
      if (at_spec)
        indicators[i] = base.sli;
      else
        diags.error(doc.file, obj.loc, "schema",
                    "OpenSLO objective of a composite SLO needs indicator or indicatorRef "
                    "(missing: indicatorRef)",
                    "the SLO has no spec.indicator or spec.indicatorRef, so each objective names "
                    "its own SLI");
      continue;
    }
    if (at_spec) {
      const Entry* own =
          obj.entry("indicator") ? obj.entry("indicator") : obj.entry("indicatorRef");
      const Entry* top =
          spec.entry("indicator") ? spec.entry("indicator") : spec.entry("indicatorRef");
      diags.error(doc.file, own->key_loc, "schema",
                  "OpenSLO objective has its own " + own->key + ", and the SLO has spec." +
                      top->key + " at line " + std::to_string(top->key_loc.line) +
                      " too: an indicator is written at spec level or in each objective (a "
                      "composite SLO), never both",
                  "keep spec." + top->key + " and remove the objective's " + own->key +
                      ", or move the indicator into every objective");
      continue;
    }
    indicators[i] = read_indicator(doc, obj, "OpenSLO objective", meta.digest, repo, diags);
  }
  const Node& tw = at(spec, "timeWindow");
  const Node& window = tw.items.empty() ? null_node() : tw.items.front();
  const std::string method = str(spec, "budgetingMethod");
  const Node& duration = at(window, "duration");
  const bool calendar = !at(window, "calendar").is_absent() && !(flag(window, "isRolling"));
  if (const Node& rolling = at(window, "isRolling");
      boolean(rolling) == false && !at(window, "calendar").is_map()) {
    // "Not rolling" with no calendar to align to: never read as the rolling window it denies.
    // At the `calendar:` key when written (an empty value has no place of its own).
    Loc where = rolling.loc;
    for (const auto& e : window.entries)
      if (e.key == "calendar") where = e.key_loc;
    diags.error(doc.file, where, "slo-window",
                "isRolling: false needs a calendar (startTime and timeZone) to align the window "
                "to, and it has none",
                "add calendar: {startTime: 2026-01-01 00:00:00, timeZone: UTC}, or write "
                "isRolling: true");
    return;
  }
  if (!window.is_absent()) {
    base.window = str(duration);
    base.window_loc = duration.loc;
    if (calendar && base.window.size() >= 2 && base.window.back() == 'm') {
      diags.error(doc.file, duration.loc, "slo-window",
                  "calendar window '" + base.window + "' is " +
                      base.window.substr(0, base.window.size() - 1) + " minute(s), did you mean '" +
                      base.window.substr(0, base.window.size() - 1) + "M'?",
                  "m is minutes and M months in OpenSLO durations");
      return;
    }
    if (!calendar &&
        (base.window == "Month" || base.window == "Quarter" || base.window == "Year")) {
      // A month, quarter or year that rolls has no one length (28 to 31 days, 90 to 92, 365 or
      // 366): nines will not pick one silently. Day and Week are 1 and 7 days either way.
      diags.error(doc.file, duration.loc, "slo-window",
                  "rolling window '" + base.window +
                      "' has no fixed length; a rolling window needs a number of days",
                  "write e.g. 30d (1M, 1Q and 1Y read as 30, 90 and 365 days), or make it a "
                  "calendar window with isRolling: false and calendar");
      return;
    }
    if (auto days = openslo_days(base.window)) base.window_days = *days;
  } else {
    base.window_loc = doc.kind_loc;
  }
  if (calendar) {
    // A calendar-aligned window: whole calendar periods, aligned to calendar.startTime.
    std::string d = base.window;
    if (auto it = openslo_duration_words().find(d); it != openslo_duration_words().end())
      d = it->second;
    const char unit = d.empty() ? ' ' : d.back();
    if (std::string("dwMQY").find(unit) == std::string::npos) {
      diags.error(doc.file, duration.loc, "slo-window",
                  "calendar window '" + base.window +
                      "' is shorter than a day; nines computes SLOs from daily data",
                  "use 1d, 1w, 1M, 1Q or 1Y (or Day, Week, Month, Quarter, Year)");
      return;
    }
    base.calendar_unit = std::string(1, unit);
    base.calendar_count = std::max(1, std::atoi(d.c_str()));
    const Node& cal = at(window, "calendar");
    base.calendar_start = str(cal, "startTime").substr(0, 10);
    const Node& tz = at(cal, "timeZone");
    if (!str(tz).empty() && !utc_offset(str(tz), 0)) {
      diags.error(doc.file, tz.loc, "schema",
                  "unknown time zone '" + str(tz) + "'" + did_you_mean(str(tz), time_zone_names()),
                  "use an IANA name such as America/New_York, or UTC");
      return;
    }
    base.calendar_timezone = str(tz);
    if (!base.calendar_start.empty() && !parse_date(base.calendar_start)) {
      diags.error(doc.file, at(cal, "startTime").loc, "schema",
                  "cannot read calendar.startTime '" + str(cal, "startTime") + "'",
                  "write it as 2026-01-01 00:00:00");
      return;
    }
  }
  base.budgeting = method.empty() ? "Occurrences" : method;
  if (!calendar && !base.window.empty() && base.window_days * 1440 < 1440 - 1e-9) {
    diags.error(doc.file, base.window_loc, "slo-window",
                "window '" + base.window +
                    "' is shorter than a day; nines computes SLOs from "
                    "daily data",
                "use a window of whole days, e.g. 28d or 4w");
    return;
  }
  // As a native window: longer ones would publish day numbers past the calendar's range.
  const double unit_days = base.calendar_unit == "w"   ? 7
                           : base.calendar_unit == "M" ? 31
                           : base.calendar_unit == "Q" ? 92
                           : base.calendar_unit == "Y" ? 366
                                                       : 1;
  const double longest = calendar
                             ? std::max(1.0, std::strtod(base.window.c_str(), nullptr)) * unit_days
                             : base.window_days;
  if (!base.window.empty() && !(longest <= k_max_window_days)) {
    diags.error(doc.file, base.window_loc, "slo-window",
                "window '" + base.window + "' is over the maximum of 400 days",
                "use a window of at most 400 days, e.g. 28d, 4w or 1Q");
    return;
  }
  // What a time slice may be at most: the window, its longest period when it is a calendar one,
  // or the nines.yaml default window the SLO inherits when it writes none.
  double window_minutes = longest * 1440.0;
  std::string window_text = base.window, slice_limit = base.window;
  if (base.window.empty()) {
    const auto inherited = parse_duration_minutes(repo.config.default_slo_window);
    window_minutes = inherited && *inherited <= k_max_window_days * 1440.0
                         ? *inherited
                         : k_max_window_days * 1440.0;
    window_text = "the default " + repo.config.default_slo_window;
    slice_limit = repo.config.default_slo_window;
  } else if (calendar) {
    slice_limit = plural(std::llround(longest), "day");
    window_text += ", at most " + slice_limit;
  }
  const std::vector<std::string> suffixes = objective_suffixes(objectives);
  for (std::size_t i = 0; i < objectives.items.size(); ++i) {
    const Node& obj = objectives.items[i];
    if (indicators[i].empty()) continue;
    Slo s = base;
    s.sli = indicators[i];
    if (objectives.items.size() > 1) {
      s.meta.id = base.meta.id + "." + suffixes[i];
      // Each objective is an SLO of its own: what is said of it (a duplicate id, a missing
      // runbook) is said at its objective, so that three findings are not one place three times.
      s.meta.loc = obj.loc;
    }
    // The objective's displayName names it on the pages, of one objective as of several.
    if (!str(obj, "displayName").empty()) s.name = base.name + " — " + str(obj, "displayName");
    // op and value matter only with a thresholdMetric SLI, which may be in another file: they
    // are checked once the SLIs are known (finish_dialects).
    s.threshold_op = str(obj, "op");
    s.threshold_value = num(obj, "value");
    s.threshold_loc = at(obj, at(obj, "op").is_absent() ? "value" : "op").loc;
    const auto ratio = num(obj, "target"), percent = num(obj, "targetPercent");
    if (ratio && percent && openslo_ratio_percent(*ratio) != *percent) {
      // OpenSLO gives the two as alternatives: when both are written and say different things,
      // neither is known to be the one meant, so neither is picked. Equal ones say one thing.
      diags.error(
          doc.file, at(obj, "targetPercent").loc, "schema",
          "OpenSLO objective has target " + shortest_text(*ratio) + " (" +
              shortest_text(openslo_ratio_percent(*ratio)) + "%) and targetPercent " +
              shortest_text(*percent) + ", which disagree",
          "write one of them: target is a ratio (0.999), targetPercent a percentage (99.9)");
      continue;
    }
    if (auto t = ratio) {
      s.target = openslo_ratio_percent(*t);
      s.target_loc = at(obj, "target").loc;
    } else if (auto p = percent) {
      s.target = *p;
      s.target_loc = at(obj, "targetPercent").loc;
    } else {
      diags.error(doc.file, obj.loc, "schema",
                  "OpenSLO objective needs target (0–1) or targetPercent (0–100); missing: target");
      continue;
    }
    if (s.budgeting != "Occurrences") {
      // timeSliceWindow: a duration shorthand, or a number of minutes.
      const Node& sw = at(obj, "timeSliceWindow");
      std::optional<double> minutes =
          sw.is_absent() ? std::nullopt : (num(sw) ? num(sw) : parse_duration_minutes(str(sw)));
      if (!minutes) {
        diags.error(doc.file, sw.is_absent() ? obj.loc : sw.loc, "schema",
                    sw.is_absent() ? "budgetingMethod " + s.budgeting +
                                         " needs the objective's timeSliceWindow; missing: "
                                         "timeSliceWindow"
                                   : "cannot read timeSliceWindow '" + str(sw) + "'",
                    "e.g. timeSliceWindow: 1d");
        continue;
      }
      if (!(*minutes > 0) || !std::isfinite(*minutes)) {
        diags.error(doc.file, sw.loc, "schema",
                    "timeSliceWindow '" + str(sw) + "' is not a positive length of time",
                    "a slice is a part of the window, e.g. timeSliceWindow: 1d (a number is "
                    "minutes)");
        continue;
      }
      // A slice divides the window, so it is never longer than the window (the longest period
      // of a calendar one): every slice figure then stays within 400 days of minutes, and no
      // count of slices or minutes derived from it can overflow.
      if (*minutes > window_minutes) {
        diags.error(doc.file, sw.loc, "slo-window",
                    "timeSliceWindow '" + str(sw) + "' is longer than the SLO's window (" +
                        window_text + ")",
                    "a time slice divides the window: use a slice of at most " + slice_limit +
                        ", e.g. timeSliceWindow: 1d");
        continue;
      }
      s.slice_minutes = *minutes;
      const auto target = num(obj, "timeSliceTarget");
      if (s.budgeting == "Timeslices" && !target) {
        diags.error(doc.file, obj.loc, "schema",
                    "budgetingMethod Timeslices needs the objective's timeSliceTarget; missing: "
                    "timeSliceTarget",
                    "e.g. timeSliceTarget: 0.95");
        continue;
      }
      s.slice_target = target.value_or(0);
    }
    repo.slos.push_back(std::move(s));
  }
}

// Two OpenSLO objects of one kind with one name are an error naming both places (SPEC 1.2), as for
// every kind of nines' own: references resolve to the first, and the second is reported at its
// name, quoting both names as written when they differ and only their slugs meet. False for the
// second.
bool first_openslo_object(const std::string& kind, const DocMeta& m, Repo& repo, DiagBag& diags) {
  if (m.id.empty()) return true;
  const std::string where =
      m.file + ":" + std::to_string(m.id_loc.line) + ":" + std::to_string(m.id_loc.col);
  auto [it, inserted] = repo.openslo_alerting.defined_at.emplace(
      kind + " " + m.id, Repo::OpenSloAlerting::First{where, m.written_name});
  if (inserted) return true;
  const std::string& first = it->second.where;
  const std::string what = "OpenSLO " + kind;
  if (const std::string names = slug_collision(what, m.written_name, what, it->second.name, m.id);
      !names.empty())
    diags.error(m.file, m.id_loc, "duplicate-id", names + first,
                std::string(k_slug_collision_hint));
  else
    diags.error(m.file, m.id_loc, "duplicate-id",
                "duplicate " + what + " '" + m.id + "': also defined at " + first,
                "give one of them a different `metadata.name`");
  return false;
}

void decode_openslo(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  const Node& root = doc.root;
  std::string kind = str(root, "kind");
  const Node& md = at(root, "metadata");
  const Node& spec = at(root, "spec");
  if (kind == "Service") {
    Service s;
    s.meta = dialect_meta(doc, "service", md, digest, "openslo", diags);
    s.name = s.meta.display_name; // displayName, else the name as written
    s.description = str(spec, "description");
    s.tier = "standard";
    repo.services.push_back(std::move(s));
  } else if (kind == "SLI") {
    Sli s;
    s.meta = dialect_meta(doc, "sli", md, digest, "openslo", diags);
    s.name = s.meta.display_name;
    read_sli_spec(spec, s);
    repo.slis.push_back(std::move(s));
  } else if (kind == "SLO") {
    decode_openslo_slo(doc, dialect_meta(doc, "slo", md, digest, "openslo", diags), spec, repo,
                       diags);
  } else if (kind == "DataSource") {
    DocMeta m = dialect_meta(doc, "data_source", md, digest, "openslo", diags);
    if (first_openslo_object(kind, m, repo, diags)) repo.data_sources[m.id] = str(spec, "type");
  } else if (kind == "AlertPolicy" || kind == "AlertCondition" ||
             kind == "AlertNotificationTarget") {
    // Kept by id for the SLOs' alertPolicyRef, conditionRef and targetRef (finish_dialects).
    std::string lower = kind;
    for (auto& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    DocMeta m = dialect_meta(doc, lower, md, digest, "openslo", diags);
    if (m.id.empty() || !first_openslo_object(kind, m, repo, diags)) return;
    auto& alerting = repo.openslo_alerting;
    if (kind == "AlertPolicy")
      alerting.policies[m.id] = read_policy(doc, md, spec, doc.kind_loc, diags);
    else if (kind == "AlertCondition")
      alerting.conditions[m.id] = read_condition(md, spec, doc.kind_loc);
    else
      alerting.targets[m.id] = read_target(md, spec, doc.kind_loc);
  } else {
    diags.error(doc.file, at(root, "kind").loc, "unknown-kind",
                "unsupported OpenSLO kind '" + kind + "'" +
                    did_you_mean(kind, {"Service", "SLI", "SLO", "DataSource", "AlertPolicy",
                                        "AlertCondition", "AlertNotificationTarget"}),
                "OpenSLO v1 kinds: Service, SLI, SLO, DataSource, AlertPolicy, AlertCondition, "
                "AlertNotificationTarget");
  }
}

// Where an OpenSLO SLI's queries go: a nines.yaml metrics source by name, "" for the first one,
// or nullopt when its DataSource (or inline type) does not speak PromQL.
std::optional<std::string> openslo_source(const Sli& s, const std::set<std::string>& names,
                                          const Repo& repo) {
  std::string type = s.source_type;
  if (!s.source_ref.empty()) {
    if (names.count(s.source_ref)) return s.source_ref; // a nines.yaml source by name
    if (auto it = repo.data_sources.find(slug_id(s.source_ref)); it != repo.data_sources.end())
      type = it->second;
  }
  // No type given anywhere: the queries are taken to be PromQL, for nines.yaml's first source.
  if (!type.empty() && !prometheus_compatible(type)) return std::nullopt;
  return std::string();
}

// A metricSourceRef that names neither a nines.yaml source nor a DataSource would send the SLI's
// queries to the first source, not the one the file meant: an error at the reference, as a native
// SLI's unknown `source` is. Only where the queries would run: nines.yaml declares sources, and
// the SLI's inline type (if any) speaks PromQL (a Datadog SLI is never queried).
void report_unknown_metric_sources(const Repo& repo, const std::set<std::string>& names,
                                   DiagBag& diags) {
  if (names.empty() || !repo.unreadable_folders.empty()) return;
  std::vector<std::string> known(names.begin(), names.end());
  for (const auto& [id, type] : repo.data_sources)
    known.push_back(id);
  for (const auto& s : repo.slis) {
    if (s.meta.dialect != "openslo" || s.source_ref.empty()) continue;
    if (!s.source_type.empty() && !prometheus_compatible(s.source_type)) continue;
    if (names.count(s.source_ref) || repo.data_sources.count(slug_id(s.source_ref))) continue;
    if (repo.failed_ids.count(s.source_ref) || repo.failed_ids.count(slug_id(s.source_ref)))
      continue;
    diags.error(s.meta.file, s.source_ref_loc.line > 0 ? s.source_ref_loc : s.meta.loc,
                "unknown-reference",
                "metricSourceRef '" + s.source_ref +
                    "' names neither a metrics source of nines.yaml nor an OpenSLO DataSource" +
                    did_you_mean(s.source_ref, known),
                "name a source of nines.yaml's metrics.sources, or declare a DataSource with "
                "metadata.name: " +
                    s.source_ref);
  }
}

// A thresholdMetric SLO's good and total: the minutes of the window at which the metric met the
// objective (`metric op value`), and the minutes at which it had a value at all. A subquery
// samples the metric once a minute; `offset 1s` makes the samples of a day [00:00, 23:59] in
// every Prometheus version (a range ending exactly at midnight would hold both midnights in
// Prometheus 2), so that consecutive days never share a sample. `bool` keeps an all-bad day at
// good 0 rather than no data. docs/dialects.md.
std::optional<SliQuery> threshold_query(const std::string& metric, const std::string& op,
                                        double value) {
  static const std::map<std::string, std::string> ops = {
      {"lt", "<"}, {"lte", "<="}, {"gt", ">"}, {"gte", ">="}};
  auto it = ops.find(op);
  if (metric.empty() || it == ops.end()) return std::nullopt;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", value);
  const std::string samples = "[{{window}}:1m] offset 1s";
  SliQuery q;
  q.good =
      "sum(sum_over_time(((" + metric + ") " + it->second + " bool " + buf + ")" + samples + "))";
  q.total = "sum(count_over_time((" + metric + ")" + samples + "))";
  return q;
}

// Resolves the SLOs' alertPolicyRef, and the policies' conditionRef and targetRef, to the objects
// they name; an unknown name is an error at the reference (each reported once), unless a folder
// could not be read: it may hold the object, as for every other reference (link/link.cpp).
void resolve_alerting(Repo& repo, DiagBag& diags) {
  auto& a = repo.openslo_alerting;
  std::set<std::tuple<std::string, int, int>> reported;
  auto dangling = [&](const std::string& file, const Loc& loc, const std::string& what,
                      const std::string& ref, const std::vector<std::string>& known) {
    if (repo.failed_ids.count(ref) || repo.failed_ids.count(slug_id(ref))) return;
    if (!repo.unreadable_folders.empty()) return;
    if (!reported.insert({file, loc.line, loc.col}).second) return;
    diags.error(file, loc, "unknown-reference",
                what + "Ref '" + ref + "' names no OpenSLO " + what +
                    did_you_mean(slug_id(ref), known),
                "declare an " + what + " with metadata.name: " + ref + ", or write it inline");
  };
  auto ids = [](const auto& m) {
    std::vector<std::string> out;
    for (const auto& [id, v] : m)
      out.push_back(id);
    return out;
  };
  // A condition or target given by reference becomes the object it names, keeping the reference
  // and its place; one given inline (`written`) stays as it is.
  auto resolve = [&](auto& item, const auto& table, bool written, const AlertPolicySpec& p,
                     const char* what) {
    if (item.ref.empty() || written) return;
    auto it = table.find(slug_id(item.ref));
    if (it == table.end()) {
      dangling(p.file, item.loc, what, item.ref, ids(table));
      return;
    }
    const std::string ref = item.ref;
    const Loc loc = item.loc;
    item = it->second;
    item.ref = ref;
    item.loc = loc;
  };
  auto resolve_parts = [&](AlertPolicySpec& p) {
    for (auto& c : p.conditions)
      resolve(c, a.conditions, !c.kind.empty(), p, "AlertCondition");
    for (auto& t : p.targets)
      resolve(t, a.targets, !t.name.empty(), p, "AlertNotificationTarget");
  };
  for (auto& [id, p] : a.policies)
    resolve_parts(p);
  for (auto& slo : repo.slos) {
    if (slo.meta.dialect != "openslo") continue;
    for (auto& p : slo.alert_policies) {
      if (p.ref.empty()) {
        resolve_parts(p);
        continue;
      }
      auto it = a.policies.find(slug_id(p.ref));
      if (it == a.policies.end()) {
        dangling(slo.meta.file, p.loc, "AlertPolicy", p.ref, ids(a.policies));
        continue;
      }
      const std::string ref = p.ref;
      p = it->second;
      p.ref = ref;
    }
  }
}

// The kind an entity reference names, lowercase; `fallback` when it names none.
std::string entity_kind(const std::string& ref, const std::string& fallback) {
  auto c = ref.find(':');
  if (c == std::string::npos) return fallback;
  std::string k = ref.substr(0, c);
  for (auto& ch : k)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return k;
}

// A Component's catalog data that the model has no field of its own for (docs/dialects.md).
CatalogInfo read_catalog_info(const Node& md, const Node& spec) {
  CatalogInfo c;
  const Node& owner = at(spec, "owner");
  c.owner_ref = str(owner);
  c.owner_loc = owner.loc;
  c.system_ref = str(spec, "system");
  c.system = c.system_ref.empty() ? "" : entity_id(c.system_ref);
  c.title = str(md, "title");
  c.lifecycle = str(spec, "lifecycle");
  c.tags = strs(at(md, "tags"));
  c.part_of_ref = str(spec, "subcomponentOf");
  const Node& a = at(md, "annotations");
  c.pagerduty_service = str(a, "pagerduty.com/service-id");
  c.pagerduty_integration_key = str(a, "pagerduty.com/integration-key");
  c.techdocs_ref = str(a, "backstage.io/techdocs-ref");
  c.source_location = str(a, "backstage.io/source-location");
  c.github_project_slug = str(a, "github.com/project-slug");
  return c;
}

// The PagerDuty integration key lets whoever has it raise incidents: the pages say it is given,
// never what it is, also where they list the annotations as written.
void hide_integration_key(DocMeta& m) {
  if (auto it = m.annotations.find("pagerduty.com/integration-key"); it != m.annotations.end())
    it->second = "(given, not shown)";
}

// metadata.links as (title, url); a link without a title is named by its URL.
// With `locs`, where each URL is written.
std::vector<std::pair<std::string, std::string>> read_links(const Node& metadata,
                                                            std::vector<Loc>* locs = nullptr) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& l : at(metadata, "links").items) {
    out.emplace_back(str(l, "title").empty() ? str(l, "url") : str(l, "title"), str(l, "url"));
    if (locs) locs->push_back(at(l, "url").is_absent() ? l.loc : at(l, "url").loc);
  }
  return out;
}

// Backstage keeps a User or Group per namespace, and a reference without one means the default
// namespace; nines keeps one per name (a Group's id names its team page). So one name in two
// namespaces is a warning naming both places, and the default namespace's entity is the one kept
// whatever order the files are read in, so that `user:guest` never shows another namespace's
// person. True when this entity is to be kept (replacing any read before).
bool keep_catalog_entity(const std::string& kind, const DocMeta& m, const Node& md, Repo& repo,
                         DiagBag& diags) {
  if (m.id.empty()) return false;
  Catalog::Place here{m.file, m.id_loc, str(md, "namespace"), m.written_name};
  if (here.ns.empty()) here.ns = "default";
  auto [it, inserted] = repo.catalog.defined_at.emplace(kind + " " + m.id, here);
  if (inserted) return true;
  const bool replace = here.ns == "default" && it->second.ns != "default";
  const Catalog::Place kept = replace ? here : it->second;
  const Catalog::Place dropped = replace ? it->second : here;
  it->second = kept;
  const std::string kept_at =
      kept.file + ":" + std::to_string(kept.loc.line) + ":" + std::to_string(kept.loc.col);
  const std::string message = "Backstage " + kind + " '" + m.id + "' in namespace '" + dropped.ns +
                              "': also defined at " + kept_at + " in namespace '" + kept.ns + "'";
  // Two namespaces make two entities in Backstage: a valid catalog (Backstage's own examples
  // have one), so a warning that names the one nines reads; one namespace twice is a duplicate,
  // which quotes both names as written when they differ and only their slugs meet. (The one
  // dropped is then this one: the first stays.)
  if (dropped.ns != kept.ns) {
    diags.warning(dropped.file, dropped.loc, "backstage-namespace",
                  message + "; nines reads one " + kind + " of a name and keeps the '" + kept.ns +
                      "' one",
                  "references to it name the '" + kept.ns + "' " + kind +
                      "; give it a different `metadata.name` to keep both");
  } else if (const std::string names = slug_collision("Backstage " + kind, m.written_name,
                                                      "Backstage " + kind, kept.name, m.id);
             !names.empty()) {
    diags.error(dropped.file, dropped.loc, "duplicate-id", names + kept_at,
                std::string(k_slug_collision_hint));
  } else {
    diags.error(dropped.file, dropped.loc, "duplicate-id", "duplicate " + message,
                "give one of them a different `metadata.name`");
  }
  return replace;
}

void decode_backstage(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  const Node& root = doc.root;
  std::string kind = str(root, "kind");
  const Node& md = at(root, "metadata");
  const Node& spec = at(root, "spec");
  const std::size_t errors_before = diags.error_count();
  if (kind == "Component") {
    const std::string type = str(spec, "type");
    if (type != "service" && type != "website" && type != "unknown" && !type.empty()) {
      // Libraries, documentation and tools are catalog entries, not services with SLOs.
      CatalogEntry e;
      e.meta = dialect_meta(doc, "component", md, digest, "backstage", diags);
      hide_integration_key(e.meta);
      e.name = e.meta.display_name;
      e.type = type;
      e.description = str(md, "description");
      e.links = read_links(md);
      e.catalog = read_catalog_info(md, spec);
      if (diags.error_count() == errors_before) repo.catalog.entries.push_back(std::move(e));
      return;
    }
    Service s;
    s.meta = dialect_meta(doc, "service", md, digest, "backstage", diags);
    hide_integration_key(s.meta);
    s.name = s.meta.display_name;
    s.description = str(md, "description");
    // Backstage has no tier; a `nines.dev/tier` annotation sets it, else "standard".
    s.tier = str(at(md, "annotations"), "nines.dev/tier");
    if (s.tier.empty()) s.tier = "standard";
    const Node& owner = at(spec, "owner");
    // A group (or a bare name) is taken as a team here; finish_backstage resolves it to a
    // Group, a nines.yaml team, a User or someone outside the repository.
    if (entity_kind(str(owner), "group") == "group")
      s.owner_team = Ref{entity_id(str(owner)), owner.loc};
    s.type = type == "website" ? "frontend" : type == "service" ? "api" : "";
    s.links = read_links(md, &s.link_locs);
    for (const char* key : {"dependsOn", "dependencyOf"})
      for (const auto& d : at(spec, key).items)
        if (entity_kind(str(d), "component") == "component")
          (std::string_view(key) == "dependencyOf" ? s.downstream : s.upstream)
              .push_back(Ref{entity_id(str(d)), d.loc});
    s.catalog = read_catalog_info(md, spec);
    repo.services.push_back(std::move(s));
  } else if (kind == "Group") {
    DocMeta m = dialect_meta(doc, "team", md, digest, "backstage", diags);
    Team t;
    t.id = m.id;
    t.name = str(at(at(spec, "profile"), "displayName"));
    if (t.name.empty()) t.name = m.display_name;
    // Members as written; finish_backstage names those that are Users of the repository.
    for (const auto& mem : at(spec, "members").items)
      t.members.push_back(entity_name(str(mem)));
    const bool fresh = !repo.catalog.defined_at.count("Group " + t.id);
    if (keep_catalog_entity("Group", m, md, repo, diags)) {
      repo.catalog.groups.insert(t.id);
      if (fresh)
        repo.config.teams.emplace(t.id, std::move(t)); // a nines.yaml team of that id stays
      else
        repo.config.teams[t.id] = std::move(t);
    }
  } else if (kind == "User") {
    DocMeta m = dialect_meta(doc, "user", md, digest, "backstage", diags);
    CatalogUser u;
    u.name = m.written_name;
    const Node& profile = at(spec, "profile");
    u.display_name = str(profile, "displayName");
    if (u.display_name.empty()) u.display_name = m.display_name;
    u.email = str(profile, "email");
    for (const auto& g : at(spec, "memberOf").items)
      u.member_of.push_back(entity_id(str(g)));
    if (diags.error_count() == errors_before && keep_catalog_entity("User", m, md, repo, diags))
      repo.catalog.users[m.id] = std::move(u);
  } else if (kind == "System") {
    DocMeta m = dialect_meta(doc, "system", md, digest, "backstage", diags);
    CatalogSystem sys{m.written_name, m.display_name, str(md, "description")};
    if (diags.error_count() == errors_before) repo.catalog.systems[m.id] = std::move(sys);
  } else if (kind == "API" || kind == "Resource" || kind == "Domain" || kind == "Location") {
    // Validated against their schemas. A Location's targets are followed by the loader.
  } else {
    const std::string meant = backstage_kind_meant(kind);
    diags.error(doc.file, at(root, "kind").loc, "unknown-kind",
                "unsupported Backstage kind '" + kind + "'" +
                    (meant.empty() ? "" : ", did you mean '" + meant + "'?"),
                "nines reads Component, API, Resource, System, Domain, Group, User and Location");
  }
}

// Resolves a component's owner: a Group of the repository or a team of nines.yaml is its owner
// team; a User of the repository (`user:jdoe`, or a bare name no team has) is its owner person
// and the service has no team; anything else is outside the repository: a warning, shown as
// external with the reference as written.
void resolve_backstage_owner(Repo& repo, const DocMeta& meta, Ref& owner_team, CatalogInfo& c,
                             DiagBag& diags) {
  if (c.owner_ref.empty()) return;
  const std::string id = entity_id(c.owner_ref);
  const std::string kind = entity_kind(c.owner_ref, "");
  if ((kind.empty() || kind == "group") && repo.config.teams.count(id)) return;
  owner_team = Ref{};
  if (kind.empty() || kind == "user") {
    if (auto u = repo.catalog.users.find(id); u != repo.catalog.users.end()) {
      c.owner_user = id;
      c.owner_person = u->second.display_name;
      c.owner_email = u->second.email;
      return;
    }
  }
  c.owner_external = true;
  std::vector<std::string> known;
  if (kind != "user")
    for (const auto& [team, t] : repo.config.teams)
      known.push_back(team);
  if (kind != "group")
    for (const auto& [user, u] : repo.catalog.users)
      known.push_back(user);
  const std::string what =
      kind == "user"    ? "no User in the repository"
      : kind == "group" ? "no Group in the repository and no team in nines.yaml"
      : kind.empty()    ? "no Group or User in the repository and no team in nines.yaml"
                        : "no Group or User";
  diags.warning(meta.file, c.owner_loc, "unknown-reference",
                "owner '" + id + "' of component '" + meta.id + "' (" + c.owner_ref + ") is " +
                    what + did_you_mean(id, known) + "; it is shown as external",
                "add a Backstage Group or User, or the team under `teams:` in nines.yaml");
}

// After every document is read: owners, systems and subcomponentOf of the Backstage components,
// and the members of Backstage Groups named by their Users.
void finish_backstage(Repo& repo, DiagBag& diags) {
  std::map<std::string, std::string> components; // id → display name, services and entries
  for (const auto& s : repo.services)
    components.emplace(s.meta.id, s.name.empty() ? s.meta.id : s.name);
  for (const auto& e : repo.catalog.entries)
    components.emplace(e.meta.id, e.name);
  auto finish = [&](CatalogInfo& c) {
    if (!c.system.empty())
      if (auto sys = repo.catalog.systems.find(c.system); sys != repo.catalog.systems.end()) {
        c.system_name = sys->second.display_name;
        c.system_description = sys->second.description;
      }
    if (!c.part_of_ref.empty() && entity_kind(c.part_of_ref, "component") == "component")
      if (components.count(entity_id(c.part_of_ref))) c.part_of = entity_id(c.part_of_ref);
  };
  std::set<std::string> service_ids;
  std::vector<std::string> service_list;
  for (const auto& s : repo.services)
    if (service_ids.insert(s.meta.id).second) service_list.push_back(s.meta.id);
  // A relation between components is a dependency between services only when both ends are
  // services. One to a library or tool of the repository is left out, as a resource is. One to a
  // component the repository does not hold is a warning, not an error: Backstage keeps relations
  // to entities of other catalogs, and a catalog it accepts must check here too. A document that
  // failed may be the one named: the link stage says so.
  auto services_only = [&](const Service& s, std::vector<Ref>& refs, const char* relation) {
    std::erase_if(refs, [&](const Ref& r) {
      if (service_ids.count(r.id) || repo.failed_ids.count(r.id)) return false;
      if (!components.count(r.id))
        diags.warning(s.meta.file, r.loc, "unknown-reference",
                      "'" + s.meta.id + "' " + relation + " component '" + r.id +
                          "', which the repository does not define" +
                          did_you_mean(r.id, service_list),
                      "left out of the dependency graph; Backstage allows relations to entities "
                      "of other catalogs");
      return true;
    });
  };
  for (auto& s : repo.services) {
    if (s.meta.dialect != "backstage" || !s.catalog) continue;
    resolve_backstage_owner(repo, s.meta, s.owner_team, *s.catalog, diags);
    finish(*s.catalog);
    services_only(s, s.upstream, "depends on");
    services_only(s, s.downstream, "is a dependency of");
  }
  for (auto& e : repo.catalog.entries) {
    // A catalog entry is not scored, so it has no owner team; its owner is checked as a
    // service's is, and a User owner is named.
    Ref none;
    resolve_backstage_owner(repo, e.meta, none, e.catalog, diags);
    finish(e.catalog);
  }
  // A Group's members that are Users of the repository are those people, by their names; a
  // User's memberOf makes it a member of that team too (Backstage keeps both directions).
  auto person = [&](const std::string& written) {
    auto u = repo.catalog.users.find(slug_id(written));
    return u == repo.catalog.users.end() ? written : u->second.display_name;
  };
  for (const auto& g : repo.catalog.groups)
    if (auto t = repo.config.teams.find(g); t != repo.config.teams.end())
      for (auto& m : t->second.members)
        m = person(m);
  for (const auto& [id, u] : repo.catalog.users)
    for (const auto& g : u.member_of) {
      auto t = repo.config.teams.find(g);
      if (t == repo.config.teams.end()) continue;
      auto& members = t->second.members;
      if (std::find(members.begin(), members.end(), u.display_name) == members.end())
        members.push_back(u.display_name);
    }
}

// A field under its snake_case (prometheus/v1) or camelCase (the Kubernetes CRD) name.
const Node& either(const Node& n, std::string_view snake, std::string_view camel) {
  const Node& a = at(n, snake);
  return a.is_absent() ? at(n, camel) : a;
}

// Sloth (`version: prometheus/v1`, or the `sloth.slok.dev/v1` PrometheusServiceLevel whose spec
// holds the same fields in camelCase): every entry of `slos` is an SLO and its SLI, with id
// `<service>-<name>` and Sloth's 30-day window.
void decode_sloth(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  const bool crd = doc.root.get("apiVersion") != nullptr;
  const Node& body = crd ? at(doc.root, "spec") : doc.root;
  // Required fields, types and unknown fields are the schema's (sloth-*.schema.json).
  const Node& service = at(body, "service");
  for (const auto& item : at(body, "slos").items) {
    const Node& name = at(item, "name");
    const auto objective = num(item, "objective");
    if (!objective) continue;
    if (*objective >= 100) {
      // Sloth accepts 100; a budget of nothing leaves no figure to compute.
      diags.error(doc.file, at(item, "objective").loc, "schema",
                  "objective 100 leaves no error budget; nines needs an objective below 100");
      continue;
    }
    DocMeta meta;
    meta.file = doc.file;
    meta.loc = item.loc;
    meta.digest = digest;
    meta.dialect = "sloth";
    meta.id = slug_id(str(service) + "-" + str(name));
    meta.id_loc = name.loc;
    meta.display_name = str(name);
    copy_map(at(body, "labels"), meta.labels);
    copy_map(at(item, "labels"), meta.labels);
    Sli sli;
    sli.meta = meta;
    sli.meta.kind = "sli";
    sli.name = meta.id;
    sli.description = str(item, "description");
    const Node& s = at(item, "sli");
    const Node& events = at(s, "events");
    const Node& raw = at(s, "raw");
    if (!events.is_absent()) {
      const std::string err = sloth_query(str(either(events, "error_query", "errorQuery")));
      const std::string total = sloth_query(str(either(events, "total_query", "totalQuery")));
      sli.type = "availability";
      sli.total_events = total;
      sli.good_events = good_from_bad(total, err);
      sli.query = SliQuery{sli.good_events,
                           total,
                           "",
                           events.loc,
                           either(events, "error_query", "errorQuery").loc,
                           either(events, "total_query", "totalQuery").loc};
      sli.query->error = err;
    } else if (!raw.is_absent()) {
      // A ratio, not events: each day counts once (good = 1 − error ratio of the day, total 1).
      const Node& ratio = either(raw, "error_ratio_query", "errorRatioQuery");
      sli.query = raw_ratio_query(str(ratio), true, raw.loc);
      sli.query->good_loc = ratio.loc;
      sli.good_events = sli.query->good;
      sli.total_events = sli.query->total;
    } else {
      // A plugin SLI: shown, not queried (nines does not run Sloth plugins).
      sli.measurement_source = "sloth plugin";
    }
    Slo slo;
    slo.meta = meta;
    slo.meta.kind = "slo";
    slo.name = str(name);
    slo.description = sli.description;
    slo.service = Ref{slug_id(str(service)), service.loc};
    slo.sli = Ref{sli.meta.id, name.loc};
    slo.target = *objective;
    slo.target_loc = at(item, "objective").loc;
    slo.window = "30d";
    slo.window_days = 30;
    slo.window_loc = item.loc;
    // `alerting.page_alert.disable` and `ticket_alert.disable` (pageAlert, ticketAlert in the
    // CRD): the author's "never page (or open a ticket) for this SLO" holds for `nines rules`
    // too. The Workbook's alerts of the other severity stay; with neither disabled the SLO keeps
    // the defaults.
    const Node& alerting = at(item, "alerting");
    const bool no_page = flag(either(alerting, "page_alert", "pageAlert"), "disable");
    const bool no_ticket = flag(either(alerting, "ticket_alert", "ticketAlert"), "disable");
    if (no_page || no_ticket) {
      for (auto& a : reachable_workbook_alerts(slo))
        if (!(a.severity == "page" ? no_page : no_ticket)) slo.alerts.push_back(std::move(a));
      slo.alerts_declared = true;
    }
    repo.slis.push_back(std::move(sli));
    repo.slos.push_back(std::move(slo));
  }
}

// A Prometheus duration ("100ms", "1s", "1m30s", "2h") in seconds; nullopt when malformed.
std::optional<double> prometheus_seconds(const std::string& d) {
  static const std::map<std::string, double> units = {{"ms", 0.001},  {"s", 1},     {"m", 60},
                                                      {"h", 3600},    {"d", 86400}, {"w", 604800},
                                                      {"y", 31536000}};
  double total = 0;
  std::size_t i = 0;
  while (i < d.size()) {
    std::size_t j = i;
    while (j < d.size() && std::isdigit(static_cast<unsigned char>(d[j])))
      ++j;
    std::size_t k = j;
    while (k < d.size() && std::isalpha(static_cast<unsigned char>(d[k])))
      ++k;
    auto u = units.find(d.substr(j, k - j));
    if (j == i || u == units.end()) return std::nullopt;
    double n = 0; // from_chars, not stod: a number too large for a double is malformed, no throw
    if (std::from_chars(d.data() + i, d.data() + j, n).ec != std::errc()) return std::nullopt;
    total += n * u->second;
    i = k;
  }
  if (d.empty() || !(total > 0) || !std::isfinite(total)) return std::nullopt;
  return total;
}

// Pyrra ServiceLevelObjective: target, window and one of the ratio, latency and bool_gauge
// indicators, turned into good/total PromQL the way Pyrra reads them (counters by increase).
void decode_pyrra(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  const Node& md = at(doc.root, "metadata");
  const Node& spec = at(doc.root, "spec");
  DocMeta meta = dialect_meta(doc, "slo", md, digest, "pyrra", diags);
  if (meta.id.empty()) return;
  const Node& target = at(spec, "target");
  std::optional<double> t = num(target);
  if (!t && target.is_scalar()) {
    // The whole string, as Pyrra's strconv.ParseFloat reads it: "99,99", "99.9%" and "99.5abc"
    // are no numbers there (a prefix read would take them as 99, 99.9 and 99.5).
    std::string_view v = target.value;
    if (!v.empty() && v.front() == '+') v.remove_prefix(1);
    double parsed = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
    if (!v.empty() && ec == std::errc() && end == v.data() + v.size()) t = parsed;
  }
  if (!t || !(*t > 0 && *t < 100)) {
    // Pyrra's target is a string: the schema cannot say it must read as a percentage.
    diags.error(doc.file, target.loc, "schema",
                "target '" + str(target) + "' must be a percentage between 0 and 100");
    return;
  }
  const Node& window = at(spec, "window");
  // A Prometheus duration, as Pyrra reads it: `4w`, but also `1w2d`, `720h0m0s` or `1y`.
  std::optional<double> minutes;
  if (auto seconds = prometheus_seconds(str(window))) minutes = *seconds / 60.0;
  if (!minutes || *minutes < 1440 || std::fmod(*minutes, 1440) != 0) {
    diags.error(doc.file, window.loc, "slo-window",
                "window '" + str(window) +
                    "' is not a whole number of days; nines computes SLOs "
                    "from daily data",
                "use a window such as 7d, 2w or 28d");
    return;
  }
  if (*minutes > k_max_window_days * 1440) {
    diags.error(doc.file, window.loc, "slo-window",
                "window '" + str(window) + "' is over the maximum of 400 days",
                "use a window such as 7d, 2w or 28d");
    return;
  }
  const Node& ind = at(spec, "indicator");
  auto inc = [](const std::string& metric) { return "sum(increase(" + metric + "[{{window}}]))"; };
  // Every metric is spliced into nines' own PromQL, where a comment would swallow the rest.
  auto metric_of = [](const Node& n) {
    std::string q = strip_promql_comments(str(n, "metric"));
    while (!q.empty() && (q.back() == '\n' || q.back() == ' '))
      q.pop_back();
    return q;
  };
  Sli sli;
  sli.meta = meta;
  sli.meta.kind = "sli";
  sli.name = meta.id;
  sli.description = str(spec, "description");
  std::string good, total;
  if (const Node& r = at(ind, "ratio"); !r.is_absent()) {
    const std::string errors = metric_of(at(r, "errors"));
    total = metric_of(at(r, "total"));
    sli.type = "availability";
    good = good_from_bad(total, errors);
    total = inc(total);
  } else if (const Node& l = at(ind, "latency"); !l.is_absent()) {
    const std::string success = metric_of(at(l, "success"));
    total = metric_of(at(l, "total"));
    sli.type = "latency";
    good = inc(success);
    total = inc(total);
  } else if (const Node& g = either(ind, "bool_gauge", "boolGauge"); !g.is_absent()) {
    const std::string metric = metric_of(g);
    good = "sum(sum_over_time(" + metric + "[{{window}}]))";
    total = "sum(count_over_time(" + metric + "[{{window}}]))";
  } else if (const Node& n = at(ind, "latencyNative"); !n.is_absent()) {
    // Pyrra's own increase rules for native histograms: total = the histogram's count, good =
    // the fraction of it at or below the latency times that count.
    const Node& latency = at(n, "latency");
    const auto seconds = prometheus_seconds(str(latency));
    if (!seconds) {
      diags.error(doc.file, latency.loc, "schema",
                  "cannot read latency '" + str(latency) + "' as a duration",
                  "write it as Pyrra does, e.g. 100ms, 1s or 1m30s");
      return;
    }
    sli.type = "latency";
    const std::string hist = "sum(increase(" + metric_of(at(n, "total")) + "[{{window}}]))";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", *seconds);
    total = "histogram_count(" + hist + ")";
    good = "histogram_fraction(0, " + std::string(buf) + ", " + hist + ") * " + total;
  } else {
    diags.error(doc.file, ind.is_absent() ? spec.loc : ind.loc, "schema",
                "missing indicator: Pyrra SLOs have one of ratio, latency, latencyNative or "
                "bool_gauge");
    return;
  }
  if (!good.empty()) {
    sli.good_events = good;
    sli.total_events = total;
    sli.query = SliQuery{good, total, "", ind.loc};
  }
  Slo slo;
  slo.meta = meta;
  slo.name = meta.display_name;
  slo.description = sli.description;
  // Pyrra has no service: the `service` label, else the namespace, else the SLO's own name.
  // Located where it is written, so that a warning about it points at that line.
  const Node* from = &at(at(md, "labels"), "service");
  if (str(*from).empty()) from = &at(md, "namespace");
  const std::string service = str(*from).empty() ? meta.id : str(*from);
  slo.service = Ref{slug_id(service), str(*from).empty() ? meta.id_loc : from->loc};
  slo.sli = Ref{sli.meta.id, meta.id_loc};
  slo.target = *t;
  slo.target_loc = target.loc;
  slo.window = str(window);
  slo.window_loc = window.loc;
  slo.window_days = *minutes / 1440.0;
  repo.slis.push_back(std::move(sli));
  repo.slos.push_back(std::move(slo));
}

} // namespace

std::string dialect_schema(const RawDoc& doc) {
  // Sloth's plain spec and its Kubernetes CRD, and Pyrra's CRD: a schema each, from the fields
  // their own Go types declare.
  if (doc.kind == "sloth")
    return doc.root.get("apiVersion") ? "sloth-prometheusservicelevel" : "sloth-prometheus-v1";
  if (doc.kind == "pyrra") return "pyrra-servicelevelobjective";
  // A plain rule file: Prometheus's rule-file format; a PrometheusRule object: the operator's CRD,
  // that format plus a group's partial_response_strategy.
  if (doc.kind == "prometheus_rules")
    return doc.root.get("apiVersion") ? "prometheus-operator-prometheusrule" : "prometheus-rules";
  if (doc.kind != "openslo" && doc.kind != "backstage") return "";
  std::string kind = str(doc.root, "kind");
  for (auto& c : kind)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return doc.kind + "-" + kind;
}

void finish_dialects(Repo& repo, DiagBag& diags) {
  // An inline indicator identical to an OpenSLO SLI object of its name (the Go SDK's own valid
  // example), or to an earlier inline indicator of its name (the SDK's output when it inlines
  // one SLI into two SLOs), is that SLI, not a second one; a different definition stays a
  // duplicate-id.
  std::map<std::string, std::string> objects; // id → spec of the SLI object
  for (const auto& s : repo.slis)
    if (s.meta.dialect == "openslo" && !s.inline_indicator)
      objects.emplace(s.meta.id, s.openslo_spec);
  std::erase_if(repo.slis, [&](const Sli& s) {
    if (s.meta.dialect != "openslo" || !s.inline_indicator) return false;
    auto [it, first] = objects.emplace(s.meta.id, s.openslo_spec);
    return !first && it->second == s.openslo_spec;
  });
  std::set<std::string> names;
  for (const auto& src : repo.config.sources)
    names.insert(src.name);
  report_unknown_metric_sources(repo, names, diags);
  for (auto& s : repo.slis) {
    if (s.meta.dialect != "openslo" || !s.query) continue; // Sloth and Pyrra speak PromQL
    if (auto source = openslo_source(s, names, repo))
      s.query->source = *source;
    else
      s.query.reset();
  }
  // thresholdMetric SLIs: each SLO compares the metric with its objective's op and value.
  std::map<std::string, const Sli*> thresholds;
  for (const auto& s : repo.slis)
    if (s.meta.dialect == "openslo" && s.threshold) thresholds[s.meta.id] = &s;
  for (auto& slo : repo.slos) {
    auto it = thresholds.find(slo.sli.id);
    if (slo.meta.dialect != "openslo" || it == thresholds.end()) continue;
    // A threshold objective is its operator and its value together (OpenSLO v1): one without the
    // other cannot say which minutes are good. A ratioMetric SLI ignores both, as OpenSLO says
    // they are only needed with a thresholdMetric.
    if (slo.threshold_op.empty() != !slo.threshold_value) {
      diags.error(slo.meta.file, slo.threshold_loc, "schema",
                  slo.threshold_value
                      ? "OpenSLO objective has a value but no op"
                      : "OpenSLO objective has op '" + slo.threshold_op + "' but no value",
                  "a thresholdMetric objective gives both, e.g. op: lte and value: 200");
      continue;
    }
    if (!slo.threshold_value) continue;
    const Sli& sli = *it->second;
    auto source = openslo_source(sli, names, repo);
    if (!source) continue;
    slo.query = threshold_query(sli.good_events, slo.threshold_op, *slo.threshold_value);
    if (slo.query) {
      slo.query->source = *source;
      slo.query->loc = slo.target_loc;
    }
  }
  resolve_alerting(repo, diags);
  finish_backstage(repo, diags);
  std::set<std::string> services;
  for (const auto& s : repo.services)
    services.insert(s.meta.id);
  // A did-you-mean names a declared service, never one implied by another SLO below.
  const std::vector<std::string> known(services.begin(), services.end());
  for (const auto& slo : repo.slos) {
    const bool dialect =
        slo.meta.dialect == "openslo" || slo.meta.dialect == "sloth" || slo.meta.dialect == "pyrra";
    if (!dialect || slo.service.empty() || services.count(slo.service.id)) continue;
    auto entry = std::find_if(repo.catalog.entries.begin(), repo.catalog.entries.end(),
                              [&](const CatalogEntry& e) { return e.meta.id == slo.service.id; });
    if (entry != repo.catalog.entries.end())
      // A Component of a type nines reads as a catalog entry (`backend`, `library`): the SLO
      // says it runs, so the likely fix is its type, not a second declaration.
      diags.warning(slo.meta.file, slo.service.loc, "unknown-reference",
                    "SLO '" + slo.meta.id + "' names service '" + slo.service.id +
                        "', a Backstage Component of type '" + entry->type +
                        "', which nines reads as a catalog entry, not a service; it is shown as "
                        "an implied service",
                    "give the Component spec.type service (or website, or unknown) at " +
                        entry->meta.file + ":" + std::to_string(entry->meta.loc.line));
    else {
      const std::string near = closest(slo.service.id, known);
      diags.warning(slo.meta.file, slo.service.loc, "unknown-reference",
                    "SLO '" + slo.meta.id + "' names service '" + slo.service.id +
                        "', which no document declares; it is shown as an implied service" +
                        (near.empty() ? "" : " (did you mean '" + near + "'?)"),
                    "declare it (an OpenSLO Service, a Backstage Component or a service "
                    "document)" +
                        (near.empty() ? std::string() : ", or name service '" + near + "'"));
    }
    Service implied;
    implied.meta.kind = "service";
    implied.meta.id = slo.service.id;
    implied.meta.file = slo.meta.file;
    implied.meta.loc = slo.service.loc;
    implied.meta.id_loc = slo.service.loc;
    implied.meta.dialect = slo.meta.dialect;
    implied.name = slo.service.id;
    implied.tier = "standard";
    implied.implied = true;
    repo.services.push_back(std::move(implied));
    services.insert(slo.service.id);
  }
}

void decode_dialect(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  if (doc.kind == "openslo")
    decode_openslo(doc, digest, repo, diags);
  else if (doc.kind == "sloth")
    decode_sloth(doc, digest, repo, diags);
  else if (doc.kind == "pyrra")
    decode_pyrra(doc, digest, repo, diags);
  else
    decode_backstage(doc, digest, repo, diags);
}

} // namespace nines
