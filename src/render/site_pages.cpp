// Page views for the documents: dashboard, catalog, services, SLOs, runbooks and postmortems, and
// where the bodies of the other documents are shown.
#include "compute/slo.hpp"
#include "model/entity_ref.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"
#include "render/html.hpp"
#include "render/site_detail.hpp"
#include "render/svg.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace nines::site {

namespace {

std::vector<const SloFigures*> slos_of_service(const Site& site, const std::string& service) {
  return site.service_docs(service).slos;
}

json fact(const std::string& label, const json& value) {
  return ViewObject().add("label", label).add("value", value).take();
}

void add_fact(json& facts, const std::string& label, const std::string& value) {
  if (!value.empty()) facts.push_back(fact(label, value));
}

void add_fact(json& facts, const std::string& label, const std::optional<double>& value,
              int decimals, const std::string& unit = "") {
  if (value && std::isfinite(*value))
    facts.push_back(fact(label, grouped(*value, decimals) + unit));
}

json readiness_brief(const Site& site, const std::string& service) {
  auto it = site.readiness.find(service);
  if (it == site.readiness.end()) return nullptr;
  const ReadinessFigures& r = *it->second;
  int stale = 0;
  for (const auto& s : r.signoffs)
    stale += s.stale ? 1 : 0;
  int applicable = static_cast<int>(r.rows.size()) - r.na;
  std::string state = r.approved ? "healthy" : r.fail > 0 ? "critical" : "warning";
  return ViewObject()
      .add("href", part_page_of(site, "readiness", site.figs.readiness.size(), service) +
                       "#readiness-" + segment(service))
      .add("passed", r.pass)
      .add("fail", r.fail)
      .add("todo", r.todo)
      .add("na", r.na)
      .add("total", static_cast<int>(r.rows.size()))
      .add("applicable", applicable)
      .add("score", std::to_string(r.pass) + " of " + std::to_string(applicable) + " checks pass")
      .add("approved", r.approved)
      .add("approval_label", r.approved ? "Approved" : "Not approved")
      .add("state_label", r.approved ? "Approved" : "Not approved")
      .add("state", state)
      .add("stale_signoffs", stale > 0 ? json(stale) : json(nullptr))
      .add("stale_signoffs_text", stale_signoffs_text(r))
      .take();
}

// Services this one calls and is called by: its own lists, plus the other services' lists that
// name it, so the graph is complete whichever side wrote the edge down.
void neighbours(const Site& site, const Service& s, std::vector<std::string>& callers,
                std::vector<std::string>& callees) {
  auto add = [](std::vector<std::string>& v, const std::string& id) {
    if (!id.empty() && std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
  };
  for (const auto& r : s.downstream)
    add(callers, r.id);
  for (const auto& r : s.upstream)
    add(callees, r.id);
  const Site::ServiceDocs& docs = site.service_docs(s.meta.id);
  for (const std::string* other : docs.upstream_of)
    if (*other != s.meta.id) add(callers, *other);
  for (const std::string* other : docs.downstream_of)
    if (*other != s.meta.id) add(callees, *other);
}

// Decimals for a golden-signal value of unknown unit (seconds, requests, a ratio): enough to show
// its size without noise.
int golden_decimals(double v) {
  const double a = std::fabs(v);
  return a >= 100 ? 0 : a >= 1 ? 2 : 4;
}

// Compact from 1e12 on (2.5e12, 1.0e300), as the chart beside it: never a wall of digits.
std::string golden_value_text(double v) {
  return number_text(v, golden_decimals(v));
}

// What a dialect document carries besides the model's fields (OpenSLO and Backstage metadata):
// the name as written, labels and annotations, shown as they are. Null for a native document
// without any.
json dialect_metadata(const DocMeta& m) {
  json labels = json::array(), annotations = json::array();
  for (const auto& [k, val] : m.labels)
    labels.push_back(ViewObject().add("key", k).add("value", val).take());
  for (const auto& [k, val] : m.annotations)
    annotations.push_back(ViewObject().add("key", k).add("value", val).take());
  const bool renamed = !m.written_name.empty() && m.written_name != m.id;
  if (!renamed && labels.empty() && annotations.empty()) return nullptr;
  return ViewObject()
      .add("written_name", renamed ? json(m.written_name) : json(nullptr))
      .add("labels", std::move(labels))
      .add("annotations", std::move(annotations))
      .take();
}

// Why a repository with history has none for `file`: in a submodule (committed in another
// repository, whose history is not read), beyond where the history stops (a shallow clone), or
// not committed.
std::string file_history_gap(const History& history, const std::string& file) {
  if (const std::string* sub = history.submodule_of(file))
    return "it is in the git submodule " + *sub + ", whose history is not read";
  if (!history.partial_reason().empty()) return history.partial_reason();
  return "it is not committed yet";
}

// The page's "last changed" line: the file's last commit (date in the configured timezone, short
// hash, a link to the commit when repo_url is set), "uncommitted changes" when the working tree
// differs from HEAD, and otherwise the document's own date `field` with why git could not tell,
// so a reader knows how much to trust the date.
json last_changed(const Site& site, const DocMeta& doc, const std::string& field = "",
                  const std::string& field_value = "") {
  const History* history = site.opts.history;
  const FileChange* change =
      history && !doc.file.empty() ? history->last_change(doc.file) : nullptr;
  // Names no other view uses: a null here must not let Mustache find a page's own `date`.
  json j = ViewObject()
               .add("git", false)
               .add("uncommitted", false)
               .add("fields", false)
               .add("changed_on", nullptr)
               .add("short_hash", nullptr)
               .add("commit_href", nullptr)
               .add("commit_author", nullptr)
               .add("history_note", nullptr)
               .take();
  if (change && change->uncommitted) {
    j["uncommitted"] = true;
    return j;
  }
  if (change) {
    long offset = 0;
    {
      // utc_offset sets TZ for the C library; pages are built on several threads, and this is
      // the only time-zone lookup of the render stage, so one lock keeps it safe.
      static std::mutex tz_lock;
      std::lock_guard<std::mutex> lock(tz_lock);
      offset = utc_offset(site.repo.config.timezone, change->time).value_or(0);
    }
    j["git"] = true;
    j["changed_on"] = format_date(day_of(change->time + offset));
    j["short_hash"] = change->short_hash;
    j["commit_author"] = text_or_null(change->author);
    std::string repo = site.repo.config.repo_url;
    while (!repo.empty() && repo.back() == '/')
      repo.pop_back();
    if (!repo.empty() && !change->hash.empty()) j["commit_href"] = repo + "/commit/" + change->hash;
    return j;
  }
  std::string why =
      !history || !history->available()
          ? "No git history (" + (history ? history->reason() : std::string("not read")) + ")"
          : "No git history for this file (" + file_history_gap(*history, doc.file) + ")";
  j["fields"] = true;
  // A date field after today is not a change that has happened (check warns of it): shown as
  // the field's value, never as "Last changed" on a day to come.
  const auto field_day = day_of_text(field_value);
  if (field_day && *field_day > site.today) {
    j["history_note"] = why + "; the document's " + field + " field (" + field_value +
                        ") is after today, so it is not shown as the last change.";
    return j;
  }
  j["changed_on"] = text_or_null(field_value);
  j["history_note"] = field.empty() || field_value.empty()
                          ? why + "; the document has no date field to show instead."
                          : why + "; the date comes from the document's " + field + " field.";
  return j;
}

// Whether the document is a Markdown file, the one kind of file with a body. The pages given a
// slot for it (SLOs, reports, handoffs) take one only then: any edit of a YAML document changes
// its front matter and takes the long way, and a saved view no prose rebuild can use is only
// weight (an SLO page's view, with its charts, is tens of kilobytes).
bool has_body_file(const DocMeta& m) {
  return m.file.size() > 3 && m.file.compare(m.file.size() - 3, 3, ".md") == 0;
}

// A monthly growth as the capacity page shows it: two decimals at most, but a positive growth too
// small for them keeps two significant digits, never reading as none ("0.0000000010% a month").
json growth_label(const std::optional<double>& pct) {
  if (!pct || !std::isfinite(*pct)) return nullptr;
  const std::string shown = num(*pct, 2);
  const bool reads_zero = shown == "0" || shown == "-0";
  return (reads_zero && *pct != 0 ? amount_text(*pct, 2) : shown) + "% a month";
}

} // namespace

json capacity_item(const Site& site, const CapacityFigures& c, bool chart) {
  std::string state = "missing", label = "No data";
  if (c.over_threshold) {
    state = "critical";
    label = "Over threshold";
  } else if (c.utilization_12mo && *c.utilization_12mo >= c.threshold_pct) {
    state = "warning";
    label = "Crosses within 12 months";
  } else if (c.peak_utilization_pct && !c.monthly_growth_pct) {
    // Under the threshold now, but without a forecast nothing says for how long.
    label = "No growth forecast";
  } else if (c.peak_utilization_pct) {
    state = "healthy";
    label = "Within threshold";
  }
  const bool has_data = capacity_runway_known(c);
  json runway =
      has_data ? json(runway_text(c.runway_months, c.runway_months_fractional)) : json(nullptr);
  const RunwayStatus runway_st =
      runway_status(has_data, c.runway_months, c.runway_months_fractional);
  const CapacityModel* model = nullptr;
  for (const auto& m : site.repo.capacity)
    if (m.meta.id == c.id) model = &m;
  json j =
      ViewObject()
          .add("id", segment(c.id))
          .add("service", site.service_name(c.service))
          .add("service_href", service_href(site, c.service))
          .add("resource", c.bottleneck_resource.empty() ? c.id : c.bottleneck_resource)
          .add("growth_metric", text_or_null(c.growth_metric))
          .add("current", c.current ? json(grouped(*c.current, 1)) : json(nullptr))
          .add("projected_6mo",
               c.projected_6mo ? json(grouped(*c.projected_6mo, 1)) : json(nullptr))
          .add("projected_12mo",
               c.projected_12mo ? json(grouped(*c.projected_12mo, 1)) : json(nullptr))
          // The model's own figures beside them, as the terminal shows them.
          .add("stated_6mo",
               c.stated_projected_6mo ? json(grouped(*c.stated_projected_6mo, 1)) : json(nullptr))
          .add("stated_12mo",
               c.stated_projected_12mo ? json(grouped(*c.stated_projected_12mo, 1)) : json(nullptr))
          // Against the scale-up threshold, as the terminal and the chart read them: a projection
          // under it never reads as at it.
          .add("utilization", pct_against_or_null(c.peak_utilization_pct, c.threshold_pct))
          .add("utilization_6mo", pct_against_or_null(c.utilization_6mo, c.threshold_pct))
          .add("utilization_12mo", pct_against_or_null(c.utilization_12mo, c.threshold_pct))
          .add("growth", growth_label(c.monthly_growth_pct))
          .add("threshold", num(c.threshold_pct, 1) + "%" +
                                (c.threshold_defaulted ? " (no scale-up threshold: 100%)" : ""))
          .add("runway", runway)
          .add("runway_state", runway_st.state)
          .add("runway_label", runway_st.label)
          .add("auto_scaling",
               c.auto_scaling ? json(*c.auto_scaling ? "yes" : "no") : json(nullptr))
          .add("reviewed", model ? text_or_null(model->last_reviewed.value) : json(nullptr))
          .add("state", state)
          .add("state_label", label)
          .add("chart_svg", nullptr)
          .take();
  // The rest of the model as written: headroom, how it scales and what it costs.
  const auto usd = [](const std::optional<double>& v) -> std::string {
    return v && std::isfinite(*v) ? grouped(*v, 0) + " USD" : std::string();
  };
  std::string instances;
  if (c.min_instances || c.max_instances)
    instances = (c.min_instances ? grouped(*c.min_instances, 0) : "?") + "–" +
                (c.max_instances ? grouped(*c.max_instances, 0) : "?");
  // The cost projection: each monthly cost it states, "18,400 USD now, 23,282 USD in 6 months".
  std::string projection;
  for (const auto& [v, when] : {std::pair{&c.cost_current_monthly, " now"},
                                std::pair{&c.cost_projected_6mo, " in 6 months"},
                                std::pair{&c.cost_projected_12mo, " in 12 months"}})
    if (std::string text = usd(*v); !text.empty())
      projection += (projection.empty() ? "" : ", ") + text + when;
  j["headroom"] = num_or_null(c.headroom_pct, 1, "%");
  j["scaling_type"] = text_or_null(c.scaling_type);
  j["instances"] = text_or_null(instances);
  j["scale_down_threshold"] = num_or_null(c.scale_down_threshold, 1, "%");
  j["cooldown"] = num_or_null(c.cooldown_seconds, 0, " s");
  j["cost_now"] = text_or_null(usd(c.cost_per_month_usd));
  j["cost_projection"] = text_or_null(projection);
  if (chart && c.peak_utilization_pct) {
    LineChartSpec spec;
    spec.title = "Projected peak utilisation: " + site.service_name(c.service) + " " +
                 (c.bottleneck_resource.empty() ? c.id : c.bottleneck_resource);
    spec.summary = "Peak utilisation now and projected at the current monthly growth.";
    spec.x_labels = {"now", "+6 months", "+12 months"};
    spec.series.push_back(
        {"Peak utilisation", {c.peak_utilization_pct, c.utilization_6mo, c.utilization_12mo}});
    spec.reference = ReferenceLine{c.threshold_pct, "threshold " + num(c.threshold_pct, 1) + "%"};
    // A projection under the threshold never reads as at it, as on the page's figures.
    spec.against_pct = c.threshold_pct;
    spec.y_min = 0;
    spec.unit = "%";
    spec.width = 480;
    spec.height = 200;
    j["chart_svg"] = line_chart(spec);
  }
  return j;
}

namespace {

// The assessments whose scores a service's maturity uses, each once, in the order its dimensions
// name them: the only ones whose notes a page shows. One superseded by a later assessment, or
// dated after now and so not counted, set nothing, and showing its notes would present it as
// current.
std::vector<const DimensionScore*> assessments_used(const ServiceMaturity& m) {
  std::vector<const DimensionScore*> used;
  for (const auto& d : m.dimensions)
    if (d.source == "assessment" &&
        std::none_of(used.begin(), used.end(), [&](const DimensionScore* u) {
          return u->manual_assessment == d.manual_assessment;
        }))
      used.push_back(&d);
  return used;
}

} // namespace

json maturity_brief(const Site& site, const ServiceMaturity& m) {
  json dims = json::array();
  for (const auto& d : m.dimensions)
    dims.push_back(ViewObject()
                       .add("name", dimension_label(d.dimension))
                       .add("level", d.effective)
                       .add("computed", d.computed)
                       .add("manual", d.manual ? json(*d.manual) : json(nullptr))
                       .add("is_manual", d.source == "assessment")
                       .add("manual_note",
                            d.source == "assessment"
                                ? json("set by assessment " + d.manual_assessment +
                                       (d.manual_date.empty() ? "" : " (" + d.manual_date + ")") +
                                       "; computed " + std::to_string(d.computed))
                                : json(nullptr))
                       .add("evidence", strings(d.evidence))
                       .add("to_raise", text_or_null(d.to_raise))
                       .take());
  json notes = json::array();
  for (const DimensionScore* d : assessments_used(m))
    if (!d->manual_notes.empty())
      notes.push_back(ViewObject()
                          .add("assessment", d->manual_assessment)
                          .add("date", text_or_null(d->manual_date))
                          .add("notes", d->manual_notes)
                          .take());
  return ViewObject()
      .add("href", part_page_of(site, "maturity", site.figs.maturity.services.size(), m.service) +
                       "#maturity-" + segment(m.service))
      .add("level", std::to_string(m.total) + "/40")
      .add("computed_total", m.computed_total)
      .add("band", m.band)
      .add("rubric", num(m.rubric.total, 1) + "/100")
      .add("dimensions", std::move(dims))
      .add("documentation", std::to_string(m.documentation) + "/5")
      // The rubric's Documentation line is not a dimension; it names its evidence as they do.
      .add("documentation_row", ViewObject()
                                    .add("level", std::to_string(m.documentation) + "/5")
                                    .add("evidence", strings(m.documentation_evidence))
                                    .add("to_raise", text_or_null(m.documentation_to_raise))
                                    .take())
      .add("assessment_notes", std::move(notes))
      .take();
}

// ---------------------------------------------------------------------------------------------
// Dashboard

json dashboard_view(const Site& site) {
  constexpr std::size_t k_dashboard_slos = 100;
  const std::string page = "index.html";
  json v = page_view(site, page, "Reliability dashboard", "dashboard");
  v["lead"] = text_or_null(site.repo.config.description);
  v["freshness"] = metrics_freshness(all_slos(site));

  std::map<std::string, int> by_state;
  json slos = json::array(), attention = json::array();
  std::vector<const SloFigures*> ordered = all_slos(site);
  std::stable_sort(ordered.begin(), ordered.end(), [](const SloFigures* a, const SloFigures* b) {
    return a->state.level > b->state.level; // worst first
  });
  for (const auto* f : ordered) {
    ++by_state[f->state.name()];
    // The worst first, as table rows without charts: at hundreds of services the dashboard stays
    // small, and the SLO list has every one.
    json stale = stale_mark(f->data);
    if (slos.size() < k_dashboard_slos) {
      slos.push_back(slo_summary(site, *f, false));
      slos.back()["stale"] = stale;
    }
    const std::string st = f->state.name();
    const bool in_trouble =
        st == "exhausted" || st == "critical" || st == "warning" || st == "missing";
    // Stale data needs a human too, whatever its figures say: the pull or the export behind it
    // has stopped, and a healthy budget on old data may already be spent (docs/metrics.md).
    if ((in_trouble || !stale.is_null()) && attention.size() < k_dashboard_slos) {
      std::string reason = !in_trouble       ? stale_reason(f->data)
                           : st == "missing" ? "no data for its SLI"
                                             : "error budget " + st;
      if (in_trouble && st != "missing" && f->remaining) {
        // The remaining budget as the SLO pages read it: overspent never reads 0.0%.
        const std::string left = remaining_text(*f->remaining * 100.0, f->state.edges);
        const bool reads_zero = left.find_first_not_of("0.%") == std::string::npos;
        reason = left.starts_with('-')             ? "error budget overspent by " + left.substr(1)
                 : st == "exhausted" && reads_zero ? "no error budget left"
                                                   : left + " of the error budget left";
      }
      // A projection from old data alone is no reason to look: the stale mark is.
      if (in_trouble && f->projected_exhaustion)
        reason += ", projected to run out on " + *f->projected_exhaustion;
      else if (in_trouble && f->exhaustion_beyond)
        reason += ", projected to run out " + std::string(k_exhaustion_beyond_text);
      attention.push_back(ViewObject()
                              .add("href", slo_page(f->id))
                              .add("title", (f->name.empty() ? f->id : f->name) + " (" +
                                                site.service_name(f->service) + ")")
                              .add("reason", std::move(reason))
                              .add("state", css_word(st))
                              .add("state_label", state_label(st))
                              .add("stale", std::move(stale))
                              .take());
    }
  }
  v["slos_total"] = ordered.size();
  v["slos_more"] = ordered.size() > slos.size();
  v["slos"] = std::move(slos);
  v["attention"] = std::move(attention);

  // Incidents of this month, newest first.
  json incidents = json::array(), overdue = json::array();
  std::vector<const IncidentFigures*> incs;
  for (const auto& i : site.figs.incidents)
    incs.push_back(&i);
  std::stable_sort(
      incs.begin(), incs.end(),
      [](const IncidentFigures* a, const IncidentFigures* b) { return a->date > b->date; });
  for (const auto* i : incs) {
    if (i->happened && i->date.rfind(site.this_month, 0) == 0) {
      std::vector<std::string> names;
      for (const auto& s : i->services)
        names.push_back(site.service_name(s));
      incidents.push_back(ViewObject()
                              .add("href", postmortem_page(i->id))
                              .add("title", i->title.empty() ? i->id : i->title)
                              .add("date", i->date)
                              .add("severity", text_or_null(i->severity))
                              .add("services", join(names, ", "))
                              .add("ttr", i->time_to_resolve_minutes
                                              ? json(minutes_text(*i->time_to_resolve_minutes))
                                              : json(nullptr))
                              .add("open_actions", i->open_action_items)
                              .take());
    }
    for (const auto& a : i->action_items) {
      if (!a.overdue) continue;
      overdue.push_back(ViewObject()
                            .add("href", postmortem_page(i->id))
                            .add("postmortem", i->title.empty() ? i->id : i->title)
                            .add("description", a.description.empty() ? a.id : a.description)
                            .add("owner", text_or_null(a.owner))
                            .add("priority", text_or_null(a.priority))
                            .add("deadline", text_or_null(a.deadline))
                            .add("status", text_or_null(a.status))
                            .take());
    }
  }
  v["incidents"] = incidents;
  v["incidents_month"] = month_label(site.this_month);
  v["overdue_actions"] = overdue;

  json stale = json::array();
  for (const auto& rb : site.repo.runbooks) {
    auto it = site.stale_runbooks.find(rb.meta.id);
    if (it == site.stale_runbooks.end()) continue;
    stale.push_back(ViewObject()
                        .add("href", runbook_page(rb.meta.id))
                        .add("title", rb.title.empty() ? rb.meta.id : rb.title)
                        .add("service", site.service_name(rb.service.id))
                        .add("service_href", service_href(site, rb.service.id))
                        .add("last_updated", text_or_null(rb.last_updated))
                        .add("note", it->second)
                        .take());
  }
  v["stale_runbooks"] = stale;

  json readiness = json::array();
  int approved = 0;
  for (const auto& s : site.repo.services) {
    json r = readiness_brief(site, s.meta.id);
    if (r.is_null()) continue;
    approved += r["approved"].get<bool>() ? 1 : 0;
    r["name"] = s.name.empty() ? s.meta.id : s.name;
    r["service_href"] = service_page(s.meta.id);
    readiness.push_back(std::move(r));
  }
  v["readiness"] = readiness;

  const GroupMaturity& org = site.figs.maturity.org;
  json counts = json::array();
  counts.push_back(ViewObject()
                       .add("label", org.scored ? "Org maturity (of 40) · " + org.band
                                                : std::string("Org maturity: no services scored"))
                       .add("value", org.scored ? maturity_total(org.total) : std::string("–"))
                       .add("state", "info")
                       .add("href", "maturity/index.html")
                       .take());
  for (const char* st : {"healthy", "warning", "critical", "exhausted", "missing"}) {
    int n = by_state.count(st) ? by_state[st] : 0;
    if (n == 0 && std::string(st) == "missing") continue;
    counts.push_back(ViewObject()
                         .add("label", noun_for(n, "SLO") + " " +
                                           (std::string(st) == "missing" ? "without data" : st))
                         .add("value", std::to_string(n))
                         .add("state", st)
                         .add("href", "slos/index.html")
                         .take());
  }
  counts.push_back(
      ViewObject()
          .add("label", noun_for(static_cast<long long>(incidents.size()), "Incident") + " in " +
                            month_label(site.this_month))
          .add("value", std::to_string(incidents.size()))
          .add("state", incidents.empty() ? "healthy" : "info")
          .add("href", "postmortems/index.html")
          .take());
  counts.push_back(
      ViewObject()
          .add("label", noun_for(static_cast<long long>(overdue.size()), "Overdue action item"))
          .add("value", std::to_string(overdue.size()))
          .add("state", overdue.empty() ? "healthy" : "critical")
          .add("href", nullptr)
          .take());
  counts.push_back(
      ViewObject()
          .add("label", noun_for(static_cast<long long>(stale.size()), "Stale runbook"))
          .add("value", std::to_string(stale.size()))
          .add("state", stale.empty() ? "healthy" : "warning")
          .add("href", "runbooks/index.html")
          .take());
  counts.push_back(
      ViewObject()
          .add("label", "Services approved for production")
          .add("value", std::to_string(approved) + "/" + std::to_string(readiness.size()))
          .add("state", "info")
          .add("href", "readiness/index.html")
          .take());
  v["counts"] = std::move(counts);
  v["maturity"] = ViewObject()
                      .add("href", "maturity/index.html")
                      .add("total", maturity_total(org.total) + "/40")
                      .add("band", org.band)
                      .add("rubric", num(org.rubric.total, 1) + "/100")
                      .take();
  if (!site.figs.reports.empty()) {
    const auto& last = site.figs.reports.rbegin()->second;
    v["latest_report"] = ViewObject()
                             .add("href", report_page(last.period))
                             .add("label", "Monthly report: " + month_label(last.period))
                             .take();
  } else {
    v["latest_report"] = nullptr;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Catalog and services

std::string catalog_entry_anchor_id(const std::string& id) {
  return "entry-" + segment(id);
}

std::string catalog_entry_href(const Site& site, const CatalogEntry& e) {
  const std::string team = owner_team_id(e.catalog);
  const bool split = list_splits("catalog", site.repo.services.size()) && !team.empty();
  return (split ? list_part_page("catalog", team) : std::string("catalog/index.html")) + "#" +
         catalog_entry_anchor_id(e.meta.id);
}

namespace {

// The owner of a Backstage component without an owner team, for a list's owner cell: a person
// (a User of the repository) or an external owner as written; null for other components.
json owner_person_or_null(const CatalogInfo* c) {
  return c ? text_or_null(c->owner_person) : json(nullptr);
}
json external_owner_or_null(const CatalogInfo* c) {
  return c && c->owner_external ? json(c->owner_ref) : json(nullptr);
}

// Catalog entries (Backstage libraries, documentation, tools): listed with their catalog data,
// not scored. Each row has an id the search index points to (catalog_entry_anchor_id).
json catalog_entry_rows(const Site& site) {
  std::vector<const CatalogEntry*> entries;
  for (const auto& e : site.repo.catalog.entries)
    entries.push_back(&e);
  std::sort(entries.begin(), entries.end(),
            [](const CatalogEntry* a, const CatalogEntry* b) { return a->meta.id < b->meta.id; });
  json rows = json::array();
  for (const CatalogEntry* e : entries) {
    const CatalogInfo& c = e->catalog;
    json system = nullptr;
    if (!c.system_ref.empty())
      system = ViewObject()
                   .add("name", c.system_name.empty() ? c.system_ref : c.system_name)
                   .add("known", !c.system_name.empty())
                   .take();
    const std::string team_id = owner_team_id(c);
    const bool team = !team_id.empty();
    rows.push_back(ViewObject()
                       .add("anchor", catalog_entry_anchor_id(e->meta.id))
                       .add("name", e->name.empty() ? e->meta.id : e->name)
                       .add("id", e->meta.id)
                       .add("type", text_or_null(e->type))
                       // The list splits by this team's name (list_splits, list_part).
                       .add("team", team ? json(site.team_name(team_id)) : json(nullptr))
                       .add("team_href", team ? team_href(site, team_id) : json(nullptr))
                       .add("owner_person", owner_person_or_null(&c))
                       .add("external_owner", external_owner_or_null(&c))
                       .add("system", std::move(system))
                       .add("lifecycle", text_or_null(c.lifecycle))
                       .add("tags", c.tags)
                       .add("has_tags", !c.tags.empty())
                       .add("description", text_or_null(truncate_text(e->description, 140)))
                       .take());
  }
  return rows;
}

} // namespace

json catalog_view(const Site& site) {
  json v = page_view(site, "catalog/index.html", "Service catalog", "services");
  v["freshness"] = metrics_freshness(all_slos(site));
  json rows = json::array();
  std::map<std::string, int> tiers;
  for (const auto& s : site.repo.services) {
    ++tiers[s.tier.empty() ? "untiered" : s.tier];
    std::string worst;
    std::optional<BudgetState> worst_level;
    int n = 0;
    const std::vector<const SloFigures*> service_slos = slos_of_service(site, s.meta.id);
    for (const auto* f : service_slos) {
      ++n;
      worst_level = std::max(worst_level.value_or(f->state.level), f->state.level);
    }
    if (worst_level) worst = std::string(budget_state_name(*worst_level));
    json readiness = readiness_brief(site, s.meta.id);
    auto m = site.maturity.find(s.meta.id);
    rows.push_back(
        ViewObject()
            .add("href", service_page(s.meta.id))
            .add("name", s.name.empty() ? s.meta.id : s.name)
            .add("id", s.meta.id)
            .add("description", text_or_null(truncate_text(s.description, 140)))
            .add("tier", text_or_null(s.tier))
            .add("type", text_or_null(s.type))
            .add("team", text_or_null(site.team_name(s.owner_team.id)))
            .add("team_href", team_href(site, s.owner_team.id))
            .add("owner_person", owner_person_or_null(s.catalog ? &*s.catalog : nullptr))
            .add("external_owner", external_owner_or_null(s.catalog ? &*s.catalog : nullptr))
            .add("oncall", text_or_null(s.oncall_rotation.id))
            .add("oncall_href", rotation_href(site, s.oncall_rotation.id))
            .add("slo_count", n)
            .add("state", worst.empty() ? json(nullptr) : json(css_word(worst)))
            .add("state_label", worst.empty() ? json(nullptr) : json(state_label(worst)))
            .add("stale", stale_mark(service_slos))
            // The SLO lists' severity order (static/tables.js), not the labels' alphabetical one.
            .add("state_rank", worst_level ? json(budget_state_rank(*worst_level)) : json(""))
            .add("tier_rank", tier_rank(s.tier) >= 0 ? json(tier_rank(s.tier)) : json(""))
            .add("maturity", m == site.maturity.end() ? json(nullptr)
                                                      : json(std::to_string(m->second->total) +
                                                             "/40 · " + m->second->band))
            .add("readiness", readiness.is_null()
                                  ? json(nullptr)
                                  : json(std::to_string(readiness["passed"].get<int>()) + "/" +
                                         std::to_string(readiness["applicable"].get<int>())))
            .add("approved", readiness.is_null() ? false : readiness["approved"].get<bool>())
            .take());
  }
  v["services"] = std::move(rows);
  v["entries"] = catalog_entry_rows(site);
  json tier_list = json::array();
  for (const auto& [tier, n] : tiers)
    tier_list.push_back(ViewObject().add("tier", tier).add("count", n).take());
  v["tiers"] = std::move(tier_list);
  return v;
}

// A Backstage component's catalog data for the service page (docs/dialects.md): the owner person
// or external owner, system, lifecycle, tags, known annotations, what it is part of and what is
// part of it. Null for other services.
json backstage_view(const Site& site, const Service& s) {
  if (!s.catalog) return nullptr;
  const CatalogInfo& c = *s.catalog;
  const Repo& repo = site.repo;
  auto component = [&](const std::string& id) -> json {
    if (site.services.count(id))
      return ViewObject().add("name", site.service_name(id)).add("href", service_page(id)).take();
    for (const auto& e : repo.catalog.entries)
      if (e.meta.id == id) return ViewObject().add("name", e.name).add("href", nullptr).take();
    return nullptr;
  };
  json system = nullptr;
  if (!c.system_ref.empty())
    system = ViewObject()
                 .add("name", c.system_name.empty() ? c.system_ref : c.system_name)
                 .add("description", text_or_null(c.system_description))
                 .add("known", !c.system_name.empty())
                 .take();
  // The other components of its system, and those that are part of it: services and catalog
  // entries (libraries, documentation, tools), which are listed here but not scored.
  json parts = json::array(), siblings = json::array();
  auto add = [&](const DocMeta& m, const std::string& name, const std::string& type,
                 const CatalogInfo& other) {
    if (m.id == s.meta.id) return;
    json row =
        ViewObject()
            .add("name", name)
            .add("href", site.services.count(m.id) ? json(service_page(m.id)) : json(nullptr))
            .add("type", text_or_null(type))
            .take();
    if (other.part_of == s.meta.id) parts.push_back(row);
    if (!c.system.empty() && other.system == c.system) siblings.push_back(row);
  };
  for (const auto& x : repo.services)
    if (x.catalog) add(x.meta, x.name.empty() ? x.meta.id : x.name, "", *x.catalog);
  for (const auto& e : repo.catalog.entries)
    add(e.meta, e.name, e.type, e.catalog);
  // A source location is `url:https://…` (or a bare URL); only http(s) URLs become links.
  std::string source = c.source_location;
  if (source.rfind("url:", 0) == 0) source = source.substr(4);
  const bool source_link = source.rfind("https://", 0) == 0 || source.rfind("http://", 0) == 0;
  return {
      {"owner_person", text_or_null(c.owner_person)},
      {"owner_email", text_or_null(c.owner_email)},
      {"owner_email_href", c.owner_email.empty() ? json(nullptr) : json("mailto:" + c.owner_email)},
      {"owner_user", text_or_null(c.owner_user)},
      {"external_owner", c.owner_external ? json(c.owner_ref) : json(nullptr)},
      {"title", text_or_null(c.title)},
      {"lifecycle", text_or_null(c.lifecycle)},
      {"tags", c.tags},
      {"has_tags", !c.tags.empty()},
      {"system", system},
      {"part_of", c.part_of.empty() ? json(nullptr) : component(c.part_of)},
      {"pagerduty_service", text_or_null(c.pagerduty_service)},
      {"pagerduty_integration_key", !c.pagerduty_integration_key.empty()},
      {"techdocs_ref", text_or_null(c.techdocs_ref)},
      {"source_location", c.source_location.empty()
                              ? json(nullptr)
                              : ViewObject()
                                    .add("text", c.source_location)
                                    .add("url", source_link ? json(source) : json(nullptr))
                                    .take()},
      {"github", c.github_project_slug.empty()
                     ? json(nullptr)
                     : json{{"slug", c.github_project_slug},
                            {"url", "https://github.com/" + c.github_project_slug}}},
      {"parts", parts},
      {"has_parts", !parts.empty()},
      {"system_components", siblings},
      {"has_system_components", !siblings.empty()}};
}

json service_view(const Site& site, const Service& s, ProseSlot* slot) {
  const std::string page = service_page(s.meta.id);
  const std::string name = s.name.empty() ? s.meta.id : s.name;
  json v = page_view(site, page, name, "services", {{"catalog/index.html", "Services"}});
  auto slo_figs = slos_of_service(site, s.meta.id);
  v["freshness"] = slo_figs.empty() ? documents_freshness(site) : metrics_freshness(slo_figs);
  v["description"] = text_or_null(truncate_text(s.description, 200));

  json facts = json::array();
  add_fact(facts, "Tier", s.tier);
  add_fact(facts, "Type", s.type);
  add_fact(facts, "Language", s.language);
  add_fact(facts, "Infrastructure", s.infra);
  add_fact(facts, "Architecture", s.architecture);
  add_fact(facts, "Deploys", s.deployment_frequency);
  add_fact(facts, "Data classification", s.data_classification);
  add_fact(facts, "Traffic pattern", s.traffic_pattern);
  add_fact(facts, "Multi-region", s.multi_region);
  add_fact(facts, "Peak load", s.peak_rps, 1, " req/s");
  add_fact(facts, "Storage", s.storage_gb, 1, " GB");
  add_fact(facts, "Monthly cost", s.monthly_cost_usd, 0, " USD");
  json links = json::array();
  for (const auto& [label, url] : s.links)
    links.push_back(ViewObject().add("label", label.empty() ? url : label).add("url", url).take());
  json checks = json::array();
  for (const auto& h : s.health_checks)
    checks.push_back(ViewObject()
                         .add("name", text_or_null(h.name))
                         .add("type", text_or_null(h.type))
                         .add("endpoint", text_or_null(h.endpoint))
                         .add("interval", text_or_null(h.interval))
                         .add("timeout", text_or_null(h.timeout))
                         .add("failure_threshold", num_or_null(h.failure_threshold, 0))
                         .take());
  // The annotations the catalog block already shows are not listed again as written.
  json metadata = dialect_metadata(s.meta);
  if (s.catalog) {
    DocMeta listed;
    listed.id = s.meta.id;
    listed.written_name = s.meta.written_name;
    listed.labels = s.meta.labels;
    listed.annotations = s.meta.annotations;
    for (const char* known :
         {"pagerduty.com/service-id", "pagerduty.com/integration-key", "backstage.io/techdocs-ref",
          "backstage.io/source-location", "github.com/project-slug"})
      listed.annotations.erase(known);
    metadata = dialect_metadata(listed);
  }
  v["service"] = ViewObject()
                     .add("id", s.meta.id)
                     .add("description", text_or_null(s.description))
                     .add("team", text_or_null(site.team_name(s.owner_team.id)))
                     .add("team_href", team_href(site, s.owner_team.id))
                     .add("oncall", text_or_null(s.oncall_rotation.id))
                     .add("oncall_href", rotation_href(site, s.oncall_rotation.id))
                     .add("facts", std::move(facts))
                     .add("links", std::move(links))
                     .add("health_checks", std::move(checks))
                     .add("source_url", source_url(site, s.meta))
                     .add("dialect", text_or_null(s.meta.dialect))
                     .add("metadata", std::move(metadata))
                     .add("catalog", backstage_view(site, s))
                     .add("implied", s.implied)
                     .take();
  v["last_changed"] = last_changed(site, s.meta);
  // The other documents' bodies first (service_notes): the service's own is the page's slot, and
  // its anchors avoid theirs. An assessment's body only where its scores are used, as the maturity
  // page shows its notes.
  std::set<std::string> taken;
  std::vector<std::pair<const DocMeta*, json>> notes;
  const auto maturity = site.maturity.find(s.meta.id);
  const std::vector<const DimensionScore*> assessed = maturity == site.maturity.end()
                                                          ? std::vector<const DimensionScore*>{}
                                                          : assessments_used(*maturity->second);
  for (const DocMeta* m : site.notes_of_service(s.meta.id)) {
    if (m->kind == "assessment" &&
        std::none_of(assessed.begin(), assessed.end(),
                     [&](const DimensionScore* d) { return d->manual_assessment == m->id; }))
      continue;
    // A resource's notes sit in its card, under the card's <h3>.
    notes.emplace_back(m, notes_html(site, *m, page, taken, m->kind == "capacity_model" ? 4 : 3));
  }
  auto note = [&notes](const std::string& kind, const std::string& id) -> json {
    for (const auto& [m, html] : notes)
      if (m->kind == kind && m->id == id) return html;
    return nullptr;
  };
  auto notes_of_kind = [&notes](const std::string& kind, const char* label) {
    json out = json::array();
    for (const auto& [m, html] : notes)
      if (m->kind == kind && !html.is_null())
        out.push_back(ViewObject().add(label, m->id).add("notes_html", html).take());
    return out;
  };
  ProseSlot body{s.meta.file, "/body_html", "", {taken.begin(), taken.end()}};
  put_body(v, link_base(site), s.meta.body, page, taken, body);
  if (slot) *slot = std::move(body);

  // Dependencies.
  std::vector<std::string> callers, callees;
  neighbours(site, s, callers, callees);
  auto dep_list = [&](const std::vector<std::string>& ids) {
    json a = json::array();
    for (const auto& id : ids)
      a.push_back(ViewObject()
                      .add("href", service_href(site, id))
                      .add("name", site.service_name(id))
                      .take());
    return a;
  };
  std::vector<std::string> caller_names, callee_names;
  for (const auto& id : callers)
    caller_names.push_back(site.service_name(id));
  for (const auto& id : callees)
    callee_names.push_back(site.service_name(id));
  v["dependency_svg"] = dependency_graph(name, caller_names, callee_names);
  v["callers"] = dep_list(callers);
  v["callees"] = dep_list(callees);

  json slos = json::array();
  for (const auto* f : slo_figs)
    slos.push_back(slo_summary(site, *f, true));
  v["slos"] = std::move(slos);

  // Golden signals: each configured signal with its last stored day and a chart of the 28 days
  // ending there; a signal the store has nothing for says so rather than showing a number.
  json signals = json::array();
  const std::map<std::string, GoldenSignal>* stored = nullptr;
  if (site.opts.golden)
    if (auto g = site.opts.golden->find(s.meta.id); g != site.opts.golden->end())
      stored = &g->second;
  bool any_golden = false;
  std::vector<StaleSignal> stale_signals;
  static const std::map<std::string, std::string> signal_names = {{"latency_p99", "Latency (p99)"},
                                                                  {"error_rate", "Errors"},
                                                                  {"traffic", "Traffic"},
                                                                  {"saturation", "Saturation"}};
  // Any other snake_case name: "latency_p50" reads "Latency (p50)", "queue_depth" "Queue depth".
  auto label_of = [](const std::string& key) {
    std::string words = key;
    std::replace(words.begin(), words.end(), '_', ' ');
    if (const auto p = words.rfind(" p");
        p != std::string::npos && p + 2 < words.size() &&
        std::all_of(words.begin() + static_cast<long>(p) + 2, words.end(), ::isdigit))
      words = words.substr(0, p) + " (" + words.substr(p + 1) + ")";
    if (!words.empty())
      words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
    return words;
  };
  for (const auto& [key, query] : site.repo.config.golden_signals) {
    auto it = signal_names.find(key);
    const std::string label = it == signal_names.end() ? label_of(key) : it->second;
    json signal = ViewObject()
                      .add("name", label)
                      .add("value", nullptr)
                      .add("as_of", nullptr)
                      .add("query", query)
                      .take();
    const GoldenSignal* days = nullptr;
    if (stored)
      if (auto d = stored->find(key); d != stored->end() && !d->second.empty()) days = &d->second;
    if (days) {
      any_golden = true;
      const auto& [last_day, last_value] = *days->rbegin();
      signal["value"] = golden_value_text(last_value);
      signal["as_of"] = format_date(last_day);
      // Behind the last closed day: a pull failed or has not run since (SPEC 4.4). The card says
      // how old its value is rather than passing it off as today's.
      if (const std::int64_t age = site.today - 1 - last_day; age > 0) {
        const std::string old = std::to_string(age) + (age == 1 ? " day old" : " days old");
        signal["stale"] = "stale · " + old;
        stale_signals.push_back(StaleSignal{label, old, format_date(last_day)});
      }
      LineChartSpec spec;
      spec.title = label + " of " + s.meta.id + ", 28 days to " + format_date(last_day);
      LineSeries series{label, {}};
      for (std::int64_t day = last_day - 27; day <= last_day; ++day) {
        spec.x_labels.push_back(format_date(day).substr(5));
        auto v_day = days->find(day);
        series.values.push_back(v_day == days->end() ? std::nullopt
                                                     : std::optional<double>(v_day->second));
      }
      spec.series.push_back(std::move(series));
      spec.decimals = golden_decimals(last_value);
      // Sized for a card (style.css, .cards-charts): the full 640 px chart would scroll inside
      // one, hiding the last days, the ones the card's value is from.
      spec.width = 400;
      spec.height = 200;
      signal["chart_svg"] = line_chart(spec);
    }
    signals.push_back(std::move(signal));
  }
  v["golden_configured"] = !signals.empty() && !any_golden;
  if (!stale_signals.empty()) v["freshness"] = metrics_freshness(slo_figs, stale_signals);
  v["golden_signals"] = std::move(signals);

  v["readiness"] = readiness_brief(site, s.meta.id);
  if (v["readiness"].is_object())
    v["readiness"]["review_notes"] = notes_of_kind("readiness_review", "review");
  v["maturity"] =
      maturity == site.maturity.end() ? json(nullptr) : maturity_brief(site, *maturity->second);
  if (v["maturity"].is_object())
    v["maturity"]["assessment_bodies"] = notes_of_kind("assessment", "assessment");

  const Site::ServiceDocs& docs = site.service_docs(s.meta.id);
  json runbooks = json::array();
  for (const Runbook* rbp : docs.runbooks) {
    const Runbook& rb = *rbp;
    auto st = site.stale_runbooks.find(rb.meta.id);
    runbooks.push_back(ViewObject()
                           .add("href", runbook_page(rb.meta.id))
                           .add("title", rb.title.empty() ? rb.meta.id : rb.title)
                           .add("alert_name", text_or_null(rb.alert_name))
                           .add("last_updated", text_or_null(rb.last_updated))
                           .add("stale", st != site.stale_runbooks.end())
                           .take());
  }
  v["runbooks"] = std::move(runbooks);

  json pms = json::array();
  for (const IncidentFigures* ip : docs.incidents) {
    const IncidentFigures& i = *ip;
    pms.push_back(
        ViewObject()
            .add("href", postmortem_page(i.id))
            .add("title", i.title.empty() ? i.id : i.title)
            .add("date", text_or_null(i.date))
            .add("severity", text_or_null(i.severity))
            .add("open_actions", i.open_action_items)
            .add("overdue_actions",
                 i.overdue_action_items > 0 ? json(i.overdue_action_items) : json(nullptr))
            .add("overdue_actions_text",
                 i.overdue_action_items > 0 ? json(plural(i.overdue_action_items, "overdue action"))
                                            : json(nullptr))
            .take());
  }
  std::stable_sort(pms.begin(), pms.end(), [](const json& a, const json& b) {
    return a["date"].dump() > b["date"].dump();
  });
  v["postmortems"] = std::move(pms);

  json toil = json::array();
  for (const ToilFigures* tp : docs.toil) {
    const ToilFigures& t = *tp;
    toil.push_back(ViewObject()
                       .add("href", "toil/index.html#toil-" + segment(t.id))
                       .add("title", t.name.empty() ? t.id : t.name)
                       .add("hours_per_month", toil_hours_text(t.hours_per_month))
                       .add("priority", text_or_null(t.priority))
                       .add("status", text_or_null(t.status))
                       .add("notes_html", note("toil_item", t.id))
                       .take());
  }
  v["toil"] = std::move(toil);

  json capacity = json::array();
  for (const CapacityFigures* c : docs.capacity) {
    json item = capacity_item(site, *c, true);
    item["notes_html"] = note("capacity_model", c->id);
    capacity.push_back(std::move(item));
  }
  v["capacity"] = std::move(capacity);

  json chaos = json::array();
  for (const Experiment* ep : docs.experiments) {
    const Experiment& e = *ep;
    json steady = json::array();
    for (const auto& metric : e.steady_state)
      steady.push_back(ViewObject()
                           .add("name", metric.name)
                           .add("baseline", text_or_null(metric.baseline))
                           .add("acceptable_range", text_or_null(metric.acceptable_range))
                           .take());
    // The method, safety controls and results fold under the summary line; the fold is left out
    // when the document gives none of them.
    const bool details = !e.fault_type.empty() || !e.target.empty() || !e.blast_radius.empty() ||
                         !e.duration.empty() || !e.rollback_plan.empty() ||
                         !e.steady_state.empty() || !e.abort_conditions.empty() ||
                         !e.required_approvals.empty() || !e.observations.empty() ||
                         !e.action_items.empty();
    chaos.push_back(ViewObject()
                        .add("title", e.name.empty() ? e.meta.id : e.name)
                        .add("date", text_or_null(e.date))
                        .add("environment", text_or_null(e.environment))
                        .add("level", e.level ? json(*e.level) : json(nullptr))
                        .add("fault_type", text_or_null(e.fault_type))
                        .add("hypothesis", text_or_null(e.hypothesis))
                        .add("outcome", text_or_null(e.outcome))
                        .add("details", details)
                        .add("target", text_or_null(e.target))
                        .add("blast_radius", text_or_null(e.blast_radius))
                        .add("duration", text_or_null(e.duration))
                        .add("steady_state", std::move(steady))
                        .add("abort_conditions", strings(e.abort_conditions))
                        .add("rollback_plan", text_or_null(e.rollback_plan))
                        .add("required_approvals", strings(e.required_approvals))
                        .add("observations", strings(e.observations))
                        .add("action_items", strings(e.action_items))
                        .add("notes_html", note("experiment", e.meta.id))
                        .take());
  }
  v["chaos"] = std::move(chaos);

  json remediation = json::array();
  for (const AutoRemediation* ar : docs.remediations) {
    for (const auto& r : ar->rules)
      remediation.push_back(ViewObject()
                                .add("trigger", text_or_null(r.trigger))
                                .add("condition", text_or_null(r.condition))
                                .add("action", text_or_null(r.action))
                                .add("escalate_if", text_or_null(r.escalate_if))
                                .take());
  }
  v["remediation"] = std::move(remediation);
  v["remediation_notes"] = notes_of_kind("auto_remediation", "document");
  return v;
}

// ---------------------------------------------------------------------------------------------
// SLOs

json slos_view(const Site& site) {
  json v = page_view(site, "slos/index.html", "Service level objectives", "slos");
  auto all = all_slos(site);
  v["freshness"] = metrics_freshness(all);
  json rows = json::array();
  BarChartSpec chart;
  chart.title = "Error budget remaining by SLO";
  chart.summary = "Share of each SLO's error budget left over its window; negative is overspent.";
  chart.unit = "%";
  chart.decimals = 1;
  chart.width = 720;
  chart.reference = ReferenceLine{0, "exhausted"};
  chart.against_pct = 0;
  // A chart of hundreds of bars reads as nothing and weighs megabytes: past k_chart_bars it shows
  // the SLOs with the least budget left, and says so.
  constexpr std::size_t k_chart_bars = 40;
  std::vector<const SloFigures*> charted = all;
  if (charted.size() > k_chart_bars) {
    std::stable_sort(charted.begin(), charted.end(), [](const SloFigures* a, const SloFigures* b) {
      return a->remaining.value_or(2.0) < b->remaining.value_or(2.0);
    });
    charted.resize(k_chart_bars);
    chart.title = "Error budget remaining: the " + std::to_string(k_chart_bars) + " lowest SLOs";
  }
  for (const auto* f : all)
    rows.push_back(slo_summary(site, *f, false));
  for (const auto* f : charted) {
    chart.bars.push_back(
        {(f->name.empty() ? f->id : f->name),
         f->remaining ? std::optional<double>(*f->remaining * 100.0) : std::nullopt,
         "state-" + css_word(f->state.name()),
         // As the SLO's own figure reads: kept off its policy's bands, not only off 0.
         f->remaining ? remaining_text(*f->remaining * 100.0, f->state.edges) : std::string()});
  }
  v["slos"] = std::move(rows);
  v["chart_svg"] = all.empty() ? json(nullptr) : json(bar_chart(chart));
  return v;
}

json slo_view(const Site& site, const SloFigures& f, ProseSlot* slot) {
  const std::string page = slo_page(f.id);
  json v =
      page_view(site, page, f.name.empty() ? f.id : f.name, "slos", {{"slos/index.html", "SLOs"}});
  v["freshness"] = metrics_freshness({&f});
  auto doc_it = site.slos.find(f.id);
  const Slo* doc = doc_it == site.slos.end() ? nullptr : doc_it->second;

  json slo = slo_summary(site, f, false);
  slo["gauge_svg"] = budget_gauge(f);
  std::string burn = burn_down_chart(site, f, 720, 260);
  slo["burn_svg"] = text_or_null(burn);
  slo["attainment_svg"] = text_or_null(attainment_chart(site, f));
  slo["window_range"] =
      f.window_start.empty() ? json(nullptr) : json(f.window_start + " to " + f.window_end);
  slo["coverage"] = std::to_string(f.coverage.days_with_data) + " of " +
                    std::to_string(f.coverage.window_days) + " days have data";
  slo["coverage_note"] = f.coverage.window_start_before_first_data && f.coverage.first_data
                             ? json("data starts on " + *f.coverage.first_data)
                             : json(nullptr);
  slo["sla"] = f.sla ? json(target_text(*f.sla)) : json(nullptr);
  slo["budget_fraction"] = format_fixed(f.budget_fraction * 100.0, 4) + "%";
  slo["good"] = num_or_null(f.good, 0);
  slo["total"] = num_or_null(f.total, 0);
  slo["description_html"] = nullptr;
  slo["owner"] = nullptr;
  slo["review_cadence"] = nullptr;
  slo["last_reviewed"] = nullptr;
  slo["stakeholders"] = json::array();
  slo["escalation"] = json::array();
  slo["source_url"] = nullptr;
  slo["body_html"] = nullptr;
  // The description, then the SLI's and the policy's bodies (slo_notes), then the SLO's own body,
  // the page's slot: each one's anchors avoid those before it.
  std::set<std::string> taken;
  if (doc) {
    slo["description_html"] =
        doc->description.empty()
            ? json(nullptr)
            : text_or_null(markdown_for(site, doc->meta, doc->description, page, &taken).html);
    slo["owner"] =
        text_or_null(site.has_team(doc->owner) ? site.team_name(doc->owner) : doc->owner);
    slo["review_cadence"] = text_or_null(doc->review_cadence);
    slo["last_reviewed"] = text_or_null(doc->last_reviewed.value);
    slo["stakeholders"] = strings(doc->stakeholders);
    slo["escalation"] = strings(doc->escalation_when_budget_exhausted);
    slo["source_url"] = source_url(site, doc->meta);
    slo["metadata"] = dialect_metadata(doc->meta);
  }
  v["slo"] = std::move(slo);
  v["last_changed"] = doc ? last_changed(site, doc->meta, "last_reviewed", doc->last_reviewed.value)
                          : json(nullptr);

  auto sli_doc = site.slis.find(f.sli);
  const Sli* sli_of = sli_doc == site.slis.end() ? nullptr : sli_doc->second;
  const Policy* policy_of = doc ? policy_for(site.repo, *doc) : nullptr;
  json sli_notes = nullptr, policy_notes = nullptr;
  for (const DocMeta* m : slo_notes(sli_of, policy_of))
    (sli_of && m == &sli_of->meta ? sli_notes : policy_notes) = notes_html(site, *m, page, taken);
  if (doc && has_body_file(doc->meta)) {
    ProseSlot body{doc->meta.file, "/slo/body_html", "", {taken.begin(), taken.end()}};
    put_body(v, link_base(site), doc->meta.body, page, taken, body);
    if (slot) *slot = std::move(body);
  }

  json sli = nullptr;
  if (sli_of) {
    const Sli& s = *sli_of;
    sli = ViewObject()
              .add("name", s.name.empty() ? s.meta.id : s.name)
              .add("description", text_or_null(s.description))
              .add("type", text_or_null(s.type))
              .add("good_events", text_or_null(s.good_events))
              .add("total_events", text_or_null(s.total_events))
              .add("measurement_source", text_or_null(s.measurement_source))
              .add("aggregation", text_or_null(s.aggregation))
              .add("exclusions", strings(s.exclusions))
              .add("query_good", s.query ? text_or_null(s.query->good) : json(nullptr))
              .add("query_total", s.query ? text_or_null(s.query->total) : json(nullptr))
              .add("source", s.query ? text_or_null(s.query->source) : json(nullptr))
              .add("notes_html", std::move(sli_notes))
              .take();
    if (doc && doc->query) { // an OpenSLO threshold objective: the SLO's own queries
      sli["query_good"] = text_or_null(doc->query->good);
      sli["query_total"] = text_or_null(doc->query->total);
      sli["source"] = text_or_null(doc->query->source);
    }
    // A thresholdMetric SLI has one metric, not good events: good is this SLO's objective
    // comparing it with a value.
    if (s.threshold) {
      sli["metric"] = std::exchange(sli["good_events"], nullptr);
      static const std::map<std::string, std::string> symbols = {
          {"lt", "<"}, {"lte", "≤"}, {"gt", ">"}, {"gte", "≥"}};
      auto op = doc ? symbols.find(doc->threshold_op) : symbols.end();
      if (op != symbols.end() && doc->threshold_value)
        sli["good_when"] = "the metric is " + op->second + " " + num(*doc->threshold_value, 6);
    } else if (s.query) {
      // A dialect's SLI has no prose for its events: its good_events and total_events are the
      // queries themselves, shown once, as code, below.
      if (s.good_events == s.query->good) sli["good_events"] = nullptr;
      if (s.total_events == s.query->total) sli["total_events"] = nullptr;
    }
  }
  v["sli"] = std::move(sli);

  // OpenSLO alert policies, with their conditions and notification targets (docs/dialects.md).
  json policies = json::array();
  if (doc)
    for (const auto& p : doc->alert_policies) {
      std::vector<std::string> when;
      if (p.alert_when_breaching) when.emplace_back("breaching");
      if (p.alert_when_resolved) when.emplace_back("resolved");
      if (p.alert_when_no_data) when.emplace_back("no data");
      std::string when_text;
      for (const auto& w : when)
        when_text += (when_text.empty() ? "" : ", ") + w;
      json conditions = json::array();
      for (const auto& c : p.conditions) {
        static const std::map<std::string, std::string> ops = {
            {"lt", "<"}, {"lte", "≤"}, {"gt", ">"}, {"gte", "≥"}};
        auto op = ops.find(c.op);
        const std::string cname = c.display_name.empty() ? c.ref : c.display_name;
        conditions.push_back(
            ViewObject()
                .add("name", cname.empty() ? std::string("(unnamed)") : cname)
                .add("condition_ref", text_or_null(c.ref))
                .add("kind", text_or_null(c.kind))
                .add("op", op == ops.end() ? json(text_or_null(c.op)) : json(op->second))
                .add("threshold", c.threshold ? json(num(*c.threshold, 2) + "×") : json(nullptr))
                .add("lookback_window", text_or_null(c.lookback_window))
                .add("alert_after", text_or_null(c.alert_after))
                .add("severity", text_or_null(c.severity))
                .add("condition_description", text_or_null(c.description))
                .take());
      }
      json targets = json::array();
      for (const auto& t : p.targets)
        targets.push_back(ViewObject()
                              .add("name", t.display_name.empty() ? t.ref : t.display_name)
                              .add("target_ref", text_or_null(t.ref))
                              .add("target", text_or_null(t.target))
                              .add("target_description", text_or_null(t.description))
                              .take());
      policies.push_back(ViewObject()
                             .add("name", p.display_name.empty() ? p.ref : p.display_name)
                             .add("policy_ref", text_or_null(p.ref))
                             .add("policy_description", text_or_null(p.description))
                             .add("alert_when", text_or_null(when_text))
                             .add("conditions", std::move(conditions))
                             .add("targets", std::move(targets))
                             .take());
    }
  v["has_alert_policies"] = !policies.empty();
  v["alert_policies"] = std::move(policies);

  json burn_rates = json::array();
  for (const char* w : {"1h", "6h", "24h", "3d"}) {
    auto it = f.burn_rates.find(w);
    json value = it == f.burn_rates.end() ? json(nullptr) : burn_or_null(it->second);
    const auto& failed = f.data.live_missing;
    json note = !value.is_null() ? json(nullptr)
                : std::find(failed.begin(), failed.end(), w) != failed.end()
                    ? json("missing: the live source did not answer")
                : std::string(w) == "24h" || std::string(w) == "3d"
                    ? json("no data for the window")
                    : json("needs a live metrics source");
    burn_rates.push_back(ViewObject()
                             .add("window", w)
                             .add("value", std::move(value))
                             .add("note", std::move(note))
                             .take());
  }
  v["burn_rates"] = std::move(burn_rates);

  // Runbooks answering the SLO's alerts, matched as SPEC 3.6 does (alert name, and the service
  // when the runbook names one).
  json alerts = json::array();
  json runbooks = json::array();
  std::set<std::string> listed;
  for (const auto& a : f.alerts) {
    json rbs = json::array();
    for (const Runbook* rbp : site.runbooks_by_alert.answering(a.name, f.service)) {
      const Runbook& rb = *rbp;
      json link = ViewObject()
                      .add("href", runbook_page(rb.meta.id))
                      .add("title", rb.title.empty() ? rb.meta.id : rb.title)
                      .take();
      rbs.push_back(link);
      if (listed.insert(rb.meta.id).second) runbooks.push_back(link);
    }
    std::string tte = a.time_to_exhaust_days ? duration_days_text(*a.time_to_exhaust_days) : "";
    std::string firing = !a.firing ? "unknown" : *a.firing ? "firing" : "not firing";
    alerts.push_back(
        ViewObject()
            .add("name", a.name)
            .add("severity", text_or_null(a.severity))
            .add("burn_rate", num(a.burn_rate, 2) + "×")
            .add("short_window", text_or_null(a.short_window))
            .add("long_window", text_or_null(a.long_window))
            .add("windows", alert_windows_text(a.long_window, a.short_window))
            .add("budget_consumed", format_fixed(a.budget_consumed_when_fires * 100.0, 1) + "%")
            .add("time_to_exhaust", text_or_null(tte))
            .add("short_burn", burn_or_null(a.short_burn))
            .add("long_burn", burn_or_null(a.long_burn))
            .add("firing", std::move(firing))
            .add("firing_state", !a.firing   ? "missing"
                                 : *a.firing ? "critical"
                                             : "healthy")
            .add("runbooks", std::move(rbs))
            .add("generated", a.generated)
            .take());
  }
  v["alerts"] = std::move(alerts);
  v["runbooks"] = std::move(runbooks);

  // The policy: the state it puts the SLO in now, and its whole table so readers see what comes
  // next.
  const Policy* policy = nullptr;
  Policy seed;
  if (auto it = site.policies.find(f.state.policy); it != site.policies.end()) {
    policy = it->second;
  } else {
    seed = seed_default_policy();
    policy = &seed;
  }
  static const std::map<std::string, std::string> source_labels = {
      {"slo", "named by this SLO"},
      {"service", "the service's policy"},
      {"default", "the repository default (nines.yaml)"},
      {"seed", "the built-in default"}};
  auto src = source_labels.find(f.state.policy_source);
  json states = json::array();
  for (const auto& st : policy->states)
    states.push_back(ViewObject()
                         .add("name", state_label(std::string(budget_state_name(st.state))))
                         .add("state", css_word(std::string(budget_state_name(st.state))))
                         .add("condition", text_or_null(st.condition.text))
                         .add("actions", strings(st.actions))
                         .add("current", st.state == f.state.level)
                         .take());
  v["policy"] =
      ViewObject()
          .add("id", text_or_null(f.state.policy))
          .add("source", src == source_labels.end() ? json(nullptr) : json(src->second))
          .add("state", css_word(f.state.name()))
          .add("state_label", state_label(f.state.name()))
          .add("condition", text_or_null(f.state.condition))
          .add("actions", strings(f.state.actions))
          .add("exceptions", strings(f.state.exceptions))
          .add("reset", text_or_null(f.state.reset))
          .add("states", std::move(states))
          .add("source_url",
               policy->meta.file.empty() ? json(nullptr) : source_url(site, policy->meta))
          // The body of the policy shown, when it is the one policy_for names.
          .add("notes_html", policy == policy_of ? std::move(policy_notes) : json(nullptr))
          .take();
  // The seed's error budget dashboard, tracked weekly: the last 7 whole days.
  auto week = site.budget_weeks.find(f.id);
  v["budget_week"] =
      week == site.budget_weeks.end() ? json(nullptr) : budget_week_block(site, *week->second);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Runbooks

json runbooks_view(const Site& site) {
  json v = page_view(site, "runbooks/index.html", "Runbooks", "runbooks");
  v["freshness"] = documents_freshness(site);
  json rows = json::array();
  for (const auto& rb : site.repo.runbooks) {
    auto st = site.stale_runbooks.find(rb.meta.id);
    rows.push_back(
        ViewObject()
            .add("href", runbook_page(rb.meta.id))
            .add("title", rb.title.empty() ? rb.meta.id : rb.title)
            .add("service", text_or_null(site.service_name(rb.service.id)))
            .add("service_href", service_href(site, rb.service.id))
            .add("alert_name", text_or_null(rb.alert_name))
            .add("owner",
                 text_or_null(site.has_team(rb.owner) ? site.team_name(rb.owner) : rb.owner))
            .add("team", team_of_service(site, rb.service.id))
            .add("last_updated", text_or_null(rb.last_updated))
            .add("updated_sort", date_sort_key(rb.last_updated))
            .add("stale", st != site.stale_runbooks.end())
            .add("stale_note", st == site.stale_runbooks.end() ? json(nullptr) : json(st->second))
            .take());
  }
  v["runbooks"] = std::move(rows);
  v["stale_after_days"] = site.repo.config.stale_after_days;
  return v;
}

json runbook_view(const Site& site, const Runbook& rb, ProseSlot* slot) {
  const std::string page = runbook_page(rb.meta.id);
  json v = page_view(site, page, rb.title.empty() ? rb.meta.id : rb.title, "runbooks",
                     {{"runbooks/index.html", "Runbooks"}});
  auto st = site.stale_runbooks.find(rb.meta.id);
  json fresh = documents_freshness(site);
  fresh["label"] = "Runbook";
  if (st != site.stale_runbooks.end()) {
    fresh["status"] = "stale";
    fresh["as_of"] = text_or_null(rb.last_updated);
    fresh["detail"] = st->second;
  } else {
    fresh["as_of"] = text_or_null(rb.last_updated);
    fresh["detail"] = rb.last_updated.empty() ? json("No last_updated date.")
                                              : json("Last updated " + rb.last_updated + ".");
    if (rb.last_updated.empty()) fresh["status"] = "missing";
  }
  v["freshness"] = std::move(fresh);

  json escalation = nullptr;
  if (rb.escalation_after_minutes || !rb.escalation_contact.empty() ||
      !rb.escalation_context.empty())
    escalation = ViewObject()
                     .add("after", rb.escalation_after_minutes
                                       ? json(minutes_text(*rb.escalation_after_minutes))
                                       : json(nullptr))
                     .add("contact", text_or_null(rb.escalation_contact))
                     .add("context", text_or_null(rb.escalation_context))
                     .take();
  std::set<std::string> taken;
  std::string overview =
      rb.overview.empty() ? "" : markdown_for(site, rb.meta, rb.overview, page, &taken).html;
  std::string impact =
      rb.impact.empty() ? "" : markdown_for(site, rb.meta, rb.impact, page, &taken).html;
  v["runbook"] =
      ViewObject()
          .add("service", text_or_null(site.service_name(rb.service.id)))
          .add("service_href", service_href(site, rb.service.id))
          .add("alert_name", text_or_null(rb.alert_name))
          .add("owner", text_or_null(site.has_team(rb.owner) ? site.team_name(rb.owner) : rb.owner))
          .add("owner_href", team_href(site, rb.owner))
          .add("last_updated", text_or_null(rb.last_updated))
          .add("last_reviewed", text_or_null(rb.last_updated))
          .add("stale", st != site.stale_runbooks.end())
          .add("overview_html", text_or_null(overview))
          .add("impact_html", text_or_null(impact))
          .add("escalation", std::move(escalation))
          .add("source_url", source_url(site, rb.meta))
          .add("body_html", nullptr)
          .take();
  ProseSlot body{rb.meta.file, "/runbook/body_html", "/toc", {taken.begin(), taken.end()}};
  put_body(v, link_base(site), rb.meta.body, page, taken, body);
  if (slot) *slot = std::move(body);
  v["last_changed"] = last_changed(site, rb.meta, "last_updated", rb.last_updated);

  json diagnosis = json::array();
  int n = 0;
  for (const auto& d : rb.diagnosis)
    diagnosis.push_back(ViewObject()
                            .add("n", ++n)
                            .add("step", text_or_null(d.step))
                            .add("command", text_or_null(d.command))
                            .add("expected", text_or_null(d.expected))
                            .add("if_unexpected", text_or_null(d.if_unexpected))
                            .take());
  v["diagnosis"] = std::move(diagnosis);
  json mitigation = json::array();
  for (const auto& m : rb.mitigation)
    mitigation.push_back(ViewObject()
                             .add("option", text_or_null(m.option))
                             .add("when", text_or_null(m.when))
                             .add("steps", strings(m.steps))
                             .take());
  v["mitigation"] = std::move(mitigation);
  json steps = json::array();
  n = 0;
  for (const auto& s : rb.steps)
    steps.push_back(ViewObject()
                        .add("n", ++n)
                        .add("name", text_or_null(s.name))
                        .add("action", text_or_null(s.action))
                        .add("automated", s.automated)
                        .add("command", text_or_null(s.command))
                        .add("rollback", s.rollback_on_failure)
                        .take());
  v["steps"] = std::move(steps);

  json slos = json::array();
  for (const SloFigures* fp : rb.service.empty() ? std::vector<const SloFigures*>{}
                                                 : site.service_docs(rb.service.id).slos) {
    const SloFigures& f = *fp;
    bool answers = rb.alert_name.empty();
    for (const auto& a : f.alerts)
      answers = answers || a.name == rb.alert_name;
    if (answers)
      slos.push_back(ViewObject()
                         .add("href", slo_page(f.id))
                         .add("name", f.name.empty() ? f.id : f.name)
                         .add("state", css_word(f.state.name()))
                         .add("state_label", state_label(f.state.name()))
                         .take());
  }
  v["slos"] = std::move(slos);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Postmortems

json postmortems_view(const Site& site) {
  json v = page_view(site, "postmortems/index.html", "Incidents and postmortems", "incidents");
  v["freshness"] = documents_freshness(site);
  std::vector<const IncidentFigures*> incs;
  for (const auto& i : site.figs.incidents)
    incs.push_back(&i);
  std::stable_sort(
      incs.begin(), incs.end(),
      [](const IncidentFigures* a, const IncidentFigures* b) { return a->date > b->date; });
  json rows = json::array();
  for (const auto* i : incs) {
    json services = json::array();
    for (const auto& s : i->services)
      services.push_back(
          ViewObject().add("href", service_href(site, s)).add("name", site.service_name(s)).take());
    rows.push_back(
        ViewObject()
            .add("href", postmortem_page(i->id))
            .add("title", i->title.empty() ? i->id : i->title)
            .add("date", text_or_null(i->date))
            .add("date_sort", date_sort_key(i->date))
            .add("severity", text_or_null(i->severity))
            .add("services", std::move(services))
            .add("ttd", i->time_to_detect_minutes ? json(minutes_text(*i->time_to_detect_minutes))
                                                  : json(nullptr))
            .add("ttr", i->time_to_resolve_minutes ? json(minutes_text(*i->time_to_resolve_minutes))
                                                   : json(nullptr))
            .add("ttd_sort", minutes_sort_key(i->time_to_detect_minutes))
            .add("ttr_sort", minutes_sort_key(i->time_to_resolve_minutes))
            .add("repeat", i->repeat)
            .add("team",
                 i->services.empty() ? json(nullptr) : team_of_service(site, i->services[0]))
            .add("open_actions", i->open_action_items)
            .add("overdue_actions",
                 i->overdue_action_items > 0 ? json(i->overdue_action_items) : json(nullptr))
            .take());
  }
  v["postmortems"] = std::move(rows);
  return v;
}

json postmortem_view(const Site& site, const Postmortem& pm, ProseSlot* slot) {
  const std::string page = postmortem_page(pm.meta.id);
  json v = page_view(site, page, pm.title.empty() ? pm.meta.id : pm.title, "incidents",
                     {{"postmortems/index.html", "Incidents"}});
  v["freshness"] = documents_freshness(site);
  auto fig_it = site.incidents.find(pm.meta.id);
  const IncidentFigures* fig = fig_it == site.incidents.end() ? nullptr : fig_it->second;

  json services = json::array();
  for (const auto& r : pm.services)
    services.push_back(ViewObject()
                           .add("href", service_href(site, r.id))
                           .add("name", site.service_name(r.id))
                           .take());
  json impact = json::array();
  add_fact(impact, "Users affected", pm.users_affected, 0);
  add_fact(impact, "Impact duration", pm.impact_duration_minutes, 0, " min");
  add_fact(impact, "Revenue impact", pm.revenue_impact_usd, 0, " USD");
  add_fact(impact, "Error budget consumed (stated)", pm.slo_budget_consumed_pct, 1, "%");
  // The same figure recomputed from the recorded data, beside the claim, so a reader sees both.
  json budget_check = nullptr;
  for (const BudgetClaimFigures* claim : site.claims_of(pm.meta.id)) {
    const BudgetClaimFigures& c = *claim;
    const std::string days =
        c.first_day == c.last_day ? c.first_day : c.first_day + " to " + c.last_day;
    std::string value = c.computed_pct
                            ? grouped(*c.computed_pct, 1) + "% of " + *c.slo + "'s budget"
                            : "no data for " + (days.empty() ? "the incident" : days);
    impact.push_back(fact("Error budget consumed (from the data)", value));
    if (c.disagrees)
      budget_check =
          ViewObject()
              .add("state", "warning")
              .add("text", "The stated figure and the recorded data differ by more than 5 "
                           "points and more than a factor of 2 (postmortem-budget-claim).")
              .take();
  }
  add_fact(impact, "Customer tickets", pm.customer_tickets, 0);
  impact.push_back(fact("Data loss", pm.data_loss ? "yes" : "no"));
  impact.push_back(fact("PII breach", pm.security_breach_pii ? "yes" : "no"));
  impact.push_back(fact("Revenue impacting", pm.revenue_impacting ? "yes" : "no"));

  auto minutes = [](const std::optional<double>& m) {
    return m ? json(minutes_text(*m)) : json(nullptr);
  };
  json repeat_of = nullptr;
  if (!pm.repeat_of.empty()) {
    auto it = site.postmortems.find(pm.repeat_of.id);
    repeat_of = ViewObject()
                    .add("href", postmortem_href(site, pm.repeat_of.id))
                    .add("title", it == site.postmortems.end() || it->second->title.empty()
                                      ? pm.repeat_of.id
                                      : it->second->title)
                    .take();
  }
  // The earlier incident of the same root cause and a shared service that makes it a repeat,
  // named so a reader can check the match (SPEC 3.5's rule, not a person's judgement).
  json repeats = nullptr;
  if (fig && !fig->repeats.empty()) {
    auto it = site.postmortems.find(fig->repeats);
    const Postmortem* earlier = it == site.postmortems.end() ? nullptr : it->second;
    repeats = ViewObject()
                  .add("href", postmortem_href(site, fig->repeats))
                  .add("title", earlier && !earlier->title.empty() ? earlier->title : fig->repeats)
                  .add("date", earlier ? text_or_null(earlier->date) : json(nullptr))
                  .take();
  }
  std::string classification = join({pm.classification_function, pm.classification_scope}, ", ");
  v["postmortem"] =
      ViewObject()
          .add("date", text_or_null(pm.date))
          .add("severity", text_or_null(pm.severity))
          .add("escalation", pm.escalated_because.empty()
                                 ? json(nullptr)
                                 : json("declared " + pm.declared_severity + ", raised for " +
                                        pm.escalated_because))
          .add("status", text_or_null(pm.status))
          .add("duration", text_or_null(pm.duration))
          .add("incident_id", text_or_null(pm.incident_id))
          .add("channel", text_or_null(pm.channel))
          .add("classification", text_or_null(classification))
          .add("root_cause_category", text_or_null(pm.root_cause_category))
          .add("services", std::move(services))
          .add("authors", strings(pm.authors))
          .add("reviewers", strings(pm.reviewers))
          .add("summary", text_or_null(pm.summary))
          .add("root_cause_html", nullptr)
          .add("impact", std::move(impact))
          .add("repeat", fig && fig->repeat)
          .add("repeat_of", std::move(repeat_of))
          .add("repeats", std::move(repeats))
          .add("how_detected", text_or_null(pm.how_detected))
          .add("could_have_detected_sooner", text_or_null(pm.could_have_detected_sooner))
          .add("how_resolved", text_or_null(pm.how_resolved))
          .add("ttd", minutes(fig ? fig->time_to_detect_minutes : pm.time_to_detect_minutes))
          .add("ttm", minutes(fig ? fig->time_to_mitigate_minutes : pm.time_to_mitigate_minutes))
          .add("ttr", minutes(fig ? fig->time_to_resolve_minutes : pm.time_to_resolve_minutes))
          .add("source_url", source_url(site, pm.meta))
          .add("budget_check", std::move(budget_check))
          .add("body_html", nullptr)
          .take();
  // Root cause is prose like the body: Markdown, so its paragraphs and code spans survive.
  std::set<std::string> taken;
  if (!pm.root_cause.empty())
    v["postmortem"]["root_cause_html"] =
        markdown_for(site, pm.meta, pm.root_cause, page, &taken).html;
  ProseSlot body{pm.meta.file, "/postmortem/body_html", "/toc", {taken.begin(), taken.end()}};
  put_body(v, link_base(site), pm.meta.body, page, taken, body);
  if (slot) *slot = std::move(body);
  v["last_changed"] = last_changed(site, pm.meta);

  json timeline = json::array();
  for (const auto& t : pm.timeline)
    timeline.push_back(
        ViewObject().add("time", text_or_null(t.time)).add("event", text_or_null(t.event)).take());
  v["timeline"] = std::move(timeline);
  v["five_whys"] = strings(pm.five_whys);
  json fishbone = json::array();
  for (const auto& [category, causes] : pm.fishbone)
    fishbone.push_back(
        ViewObject().add("category", category).add("causes", strings(causes)).take());
  v["fishbone"] = std::move(fishbone);
  v["contributing_factors"] = strings(pm.contributing_factors);
  v["what_went_well"] = strings(pm.what_went_well);
  v["what_went_wrong"] = strings(pm.what_went_wrong);
  v["where_we_got_lucky"] = strings(pm.where_we_got_lucky);
  json ics = json::array();
  for (const auto& [role, person] : pm.ics)
    ics.push_back(ViewObject().add("role", role).add("person", text_or_null(person)).take());
  v["ics"] = std::move(ics);

  json items = json::array();
  if (fig) {
    for (const auto& a : fig->action_items)
      items.push_back(ViewObject()
                          .add("id", text_or_null(a.id))
                          .add("title", a.description.empty() ? a.id : a.description)
                          .add("type", text_or_null(a.type))
                          .add("ticket", text_or_null(a.ticket))
                          .add("owner", text_or_null(a.owner))
                          .add("priority", text_or_null(a.priority))
                          .add("status", text_or_null(a.status))
                          .add("due", text_or_null(a.deadline))
                          .add("completed", text_or_null(a.completed))
                          .add("overdue", a.overdue)
                          .take());
  }
  v["action_items"] = std::move(items);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Document bodies outside their pages' slots

std::unordered_map<std::string, std::vector<const DocMeta*>> service_notes(const Repo& repo) {
  std::unordered_map<std::string, std::vector<const DocMeta*>> out;
  auto add = [&out](const std::string& service, const DocMeta& m) {
    if (!service.empty()) out[service].push_back(&m);
  };
  for (const auto& r : repo.readiness)
    add(r.service.id, r.meta);
  // An assessment scores its service and every service its team owns (maturity's manual scores),
  // so its body may be on each of their pages, once (the page keeps those whose scores it uses).
  std::unordered_map<std::string_view, std::vector<const std::string*>> services_of_team;
  for (const auto& x : repo.services)
    if (!x.owner_team.empty()) services_of_team[x.owner_team.id].push_back(&x.meta.id);
  for (const auto& a : repo.assessments) {
    add(a.service.id, a.meta);
    if (a.team.empty()) continue;
    if (auto it = services_of_team.find(a.team.id); it != services_of_team.end())
      for (const std::string* id : it->second)
        if (*id != a.service.id) add(*id, a.meta);
  }
  for (const auto& t : repo.toil)
    add(t.service.id, t.meta);
  for (const auto& c : repo.capacity)
    add(c.service.id, c.meta);
  for (const auto& e : repo.experiments)
    add(e.service_id(), e.meta);
  for (const auto& r : repo.remediations)
    add(r.service.id, r.meta);
  return out;
}

const std::vector<const DocMeta*>& Site::notes_of_service(const std::string& service) const {
  std::call_once(m_notes_once, [this] { m_notes = service_notes(repo); });
  static const std::vector<const DocMeta*> k_none;
  auto it = m_notes.find(service);
  return it == m_notes.end() ? k_none : it->second;
}

std::vector<const DocMeta*> slo_notes(const Sli* sli, const Policy* policy) {
  std::vector<const DocMeta*> out;
  if (sli) out.push_back(&sli->meta);
  if (policy && !policy->meta.file.empty()) out.push_back(&policy->meta);
  return out;
}

std::vector<const MonthlyReportDoc*> report_documents(const Repo& repo, const std::string& period) {
  std::vector<const MonthlyReportDoc*> out;
  for (const auto& d : repo.reports)
    if (d.period == period) out.push_back(&d);
  return out;
}

json report_page_view(const Site& site, const MonthlyReport& r, ProseSlot* slot, bool standalone) {
  json v = report_view(site, r);
  std::vector<const MonthlyReportDoc*> docs = report_documents(site.repo, r.period);
  // The page's own document is the one the figures name (the first of the month).
  auto own = std::find_if(docs.begin(), docs.end(), [&r](const MonthlyReportDoc* d) {
    return !r.report_doc.empty() && d->meta.id == r.report_doc;
  });
  if (own == docs.end() || !has_body_file((*own)->meta)) return v;
  const MonthlyReportDoc& doc = **own;
  docs.erase(own);
  json& report = v["report"];
  report["body_html"] = nullptr;
  const std::string page = report_page(r.period);
  std::set<std::string> taken;
  json notes = json::array();
  for (const MonthlyReportDoc* d : docs) {
    json html = standalone ? text_or_null(markdown_without_links(d->meta.body, &taken))
                           : notes_html(site, d->meta, page, taken, /*top_heading_level=*/2);
    if (!html.is_null())
      notes.push_back(ViewObject().add("document", d->meta.id).add("notes_html", html).take());
  }
  report["notes"] = std::move(notes);
  if (standalone) {
    report["body_html"] = text_or_null(markdown_without_links(doc.meta.body, &taken));
    return v;
  }
  ProseSlot body{doc.meta.file, "/report/body_html", "", {taken.begin(), taken.end()}};
  put_body(v, link_base(site), doc.meta.body, page, taken, body);
  if (slot) *slot = std::move(body);
  return v;
}

json handoff_page_view(const Site& site, const Handoff& h, ProseSlot* slot) {
  json v = handoff_view(site, h);
  auto it = site.rotations.find(h.rotation);
  if (it == site.rotations.end() || !has_body_file(it->second->meta) || !v["handoff"].is_object())
    return v;
  const DocMeta& doc = it->second->meta;
  std::set<std::string> taken;
  ProseSlot body{doc.file, "/handoff/body_html", "", {}};
  put_body(v, link_base(site), doc.body, handoff_page(h.rotation), taken, body);
  if (slot) *slot = std::move(body);
  return v;
}

} // namespace nines::site

namespace nines {

std::vector<std::string> bodies_outside_slots(const Repo& repo) {
  std::set<std::string> files;
  auto add = [&files](const DocMeta& m) {
    if (site::has_body_file(m)) files.insert(m.file);
  };
  // Every document of these kinds, whether a page shows it now or not: one that is on no page
  // today may be tomorrow without a front matter change (a service added, a policy made the
  // default), and the long way is always right.
  for (const auto& x : repo.slis)
    add(x.meta);
  for (const auto& x : repo.policies)
    add(x.meta);
  for (const auto& x : repo.readiness)
    add(x.meta);
  for (const auto& x : repo.assessments)
    add(x.meta);
  for (const auto& x : repo.toil)
    add(x.meta);
  for (const auto& x : repo.capacity)
    add(x.meta);
  for (const auto& x : repo.experiments)
    add(x.meta);
  for (const auto& x : repo.remediations)
    add(x.meta);
  // A month with several report documents: which one the page's slot holds is the figures'
  // choice, so all of them.
  std::map<std::string, std::vector<const DocMeta*>> by_period;
  for (const auto& x : repo.reports)
    by_period[x.period].push_back(&x.meta);
  for (const auto& [period, docs] : by_period)
    if (docs.size() > 1)
      for (const DocMeta* m : docs)
        add(*m);
  return {files.begin(), files.end()};
}

} // namespace nines
