// Page views across the organisation: teams, maturity, readiness, toil, capacity, on-call, the
// monthly reports, search and 404.
#include "model/numbers.hpp"
#include "model/time.hpp"
#include "render/site_detail.hpp"
#include "render/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace nines::site {

namespace {

// A constant table of the layouts (maturity bands, on-call thresholds) as an array of objects,
// one per row, each field named by `keys`: built field by field like the other views.
template <std::size_t N, std::size_t M>
json table_rows(const std::array<const char*, N>& keys,
                const std::array<std::array<const char*, N>, M>& rows) {
  json out = json::array();
  auto& items = out.get_ref<json::array_t&>();
  items.reserve(M);
  for (const auto& row : rows) {
    ViewObject o;
    for (std::size_t i = 0; i < N; ++i)
      o.add(keys[i], row[i]);
    items.push_back(o.take());
  }
  return out;
}

// "+2", "−1.5", "no change"; null when either month has no figure.
// "6 of 31 days with metrics".
std::string coverage_text(const MonthlyReport& r) {
  return std::to_string(r.coverage.days_with_data) + " of " +
         plural(r.coverage.days_in_month, "day") + " with metrics";
}

// A month whose metrics cover only some of its days (a frozen month without coverage is not).
bool partial_month(const MonthlyReport& r) {
  return r.coverage.days_in_month > 0 && r.coverage.days_with_data < r.coverage.days_in_month;
}

json count_or_null(const std::optional<int>& n) {
  return n ? json(std::to_string(*n)) : json(nullptr);
}

// "+2 from September 2026", the change as the Markdown report reads it; null without one.
json delta_text(const MonthlyReport& r, const std::string& key) {
  auto change = report_change_text(r, key);
  if (!change) return nullptr;
  if (*change == "\xC2\xB1"
                 "0")
    return "no change from " + month_label(r.previous_period);
  return *change + " from " + month_label(r.previous_period);
}

// A metric beside its status, kept apart from the thresholds the status was judged against.
json metric_cell(const MetricHealth& m, int decimals, const std::string& unit = "") {
  return ViewObject()
      .add("value", num_against_or_null(m.value, {m.thresholds.healthy, m.thresholds.critical},
                                        decimals, unit))
      .add("status", m.status.empty() ? "missing" : css_word(m.status))
      .add("status_label", m.status.empty() ? "no data" : m.status)
      .take();
}

} // namespace

std::string toil_hours_text(double hours_per_month) {
  return num_against(hours_per_month, {k_toil_low_below, k_toil_high_above}, 1);
}

// ---------------------------------------------------------------------------------------------
// Stale marks of the overviews (SPEC 4.4): the dashboard and the catalog show figures of many
// SLOs at once, so each stale one says so where it is shown, in the words of the SLO list.

json stale_mark(const DataFreshness& d) {
  // The days' status, not freshness_of's: the overviews show the state, the budget left and the
  // attainment, all made from the days, and no figure of the live windows a failed fetch missed
  // (the page-wide badge counts those).
  if (d.status != "stale") return nullptr;
  return freshness_of(d);
}

json stale_mark(const std::vector<const SloFigures*>& slos) {
  const SloFigures* oldest = nullptr;
  json mark = nullptr;
  std::size_t stale = 0;
  for (const SloFigures* f : slos) {
    json m = stale_mark(f->data);
    if (m.is_null()) continue;
    ++stale;
    // The oldest data bounds how far behind the cell's figure can be.
    if (!oldest || f->data.age_days.value_or(0) > oldest->data.age_days.value_or(0)) {
      oldest = f;
      mark = std::move(m);
    }
  }
  // The cell sums up every SLO of the service: say how many of them the mark is about.
  if (stale > 0 && stale < slos.size())
    mark["text"] = mark["text"].get<std::string>() + " · " + std::to_string(stale) + " of " +
                   plural(static_cast<long long>(slos.size()), "SLO");
  return mark;
}

std::string stale_reason(const DataFreshness& d) {
  return d.as_of ? "figures rest on data up to " + *d.as_of
                 : std::string("figures are not current");
}

// ---------------------------------------------------------------------------------------------
// Teams

json teams_view(const Site& site) {
  json v = page_view(site, "teams/index.html", "Teams", "teams");
  v["freshness"] = documents_freshness(site);
  // What each team owns, gathered in one pass over each list (in its order): asking every list
  // for every team made this page cost teams × services × SLOs.
  std::unordered_map<std::string_view, std::vector<const Service*>> services_of;
  for (const auto& s : site.repo.services)
    services_of[s.owner_team.id].push_back(&s);
  std::unordered_map<std::string_view, std::vector<const RotationFigures*>> rotations_of;
  for (const auto& r : site.figs.oncall)
    rotations_of[r.team].push_back(&r);
  // One entry per team is expected; with several, the last is shown, as before.
  std::unordered_map<std::string_view, const TeamToil*> toil_of;
  for (const auto& tt : site.figs.team_toil)
    toil_of[tt.team] = &tt;
  std::unordered_map<std::string_view, const GroupMaturity*> maturity_of;
  for (const auto& g : site.figs.maturity.teams)
    maturity_of[g.id] = &g;
  auto find = [](const auto& index, const std::string& id) {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &it->second;
  };
  json teams = json::array();
  for (const auto& id : site.team_ids) {
    json t = ViewObject()
                 .add("id", segment(id))
                 .add("name", site.team_name(id))
                 .add("team_id", id)
                 .take();
    auto cfg = site.repo.config.teams.find(id);
    t["members"] = json::array();
    t["headcount"] = nullptr;
    t["sre_hours"] = nullptr;
    if (cfg != site.repo.config.teams.end()) {
      t["members"] = strings(cfg->second.members);
      t["headcount"] = num_or_null(cfg->second.headcount, 0);
      t["sre_hours"] = num_or_null(cfg->second.sre_hours_per_month, 0, " h/month");
    }
    json services = json::array();
    std::map<std::string, int> states;
    if (const auto* owned = find(services_of, id))
      for (const Service* sp : *owned) {
        const Service& s = *sp;
        services.push_back(ViewObject()
                               .add("href", service_page(s.meta.id))
                               .add("name", s.name.empty() ? s.meta.id : s.name)
                               .add("tier", text_or_null(s.tier))
                               .take());
        for (const SloFigures* f : site.service_docs(s.meta.id).slos)
          ++states[f->state.name()];
      }
    t["services"] = services;
    std::vector<std::string> parts;
    for (const char* st : {"healthy", "warning", "critical", "exhausted", "missing"})
      if (states.count(st))
        parts.push_back(
            std::to_string(states[st]) + " " +
            (std::string(st) == "missing" ? std::string("without data") : std::string(st)));
    t["slo_summary"] = text_or_null(join(parts, ", "));
    json rotations = json::array();
    if (const auto* owned = find(rotations_of, id))
      for (const RotationFigures* r : *owned)
        rotations.push_back(ViewObject()
                                .add("href", rotation_anchor(r->id))
                                .add("name", r->name.empty() ? r->id : r->name)
                                .add("members", r->members)
                                .take());
    t["rotations"] = rotations;
    t["toil_hours"] = nullptr;
    t["toil_pct"] = nullptr;
    t["toil_state"] = "missing";
    if (const auto* found = find(toil_of, id)) {
      const TeamToil& tt = **found;
      // Against the target in hours too: 24.96 h of 100 is 24.9 h beside 24.9%, never 25 h.
      t["toil_hours"] = num_against(tt.hours, {toil_target_hours(tt)}, 1) + " h/month";
      // As every page reads toil against its target: 24.96% is 24.9%, never 25%.
      t["toil_pct"] = tt.pct ? json(share_against(*tt.pct, 25) + " of SRE time") : json(nullptr);
      t["toil_state"] = !tt.pct ? "missing" : tt.over_target ? "critical" : "healthy";
    }
    t["maturity"] = nullptr;
    if (const auto* found = find(maturity_of, id)) {
      const GroupMaturity& g = **found;
      t["maturity"] = ViewObject()
                          .add("total", maturity_total(g.total) + "/40")
                          .add("band", g.band)
                          .add("rubric", num(g.rubric.total, 1) + "/100")
                          .take();
    }
    teams.push_back(std::move(t));
  }
  v["teams"] = std::move(teams);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Maturity

json maturity_view(const Site& site) {
  json v = page_view(site, "maturity/index.html", "Reliability maturity", "maturity");
  json fresh = json::array({documents_freshness(site)});
  if (json m = metrics_freshness(all_slos(site)); !m.is_null()) fresh.push_back(m);
  v["freshness"] = std::move(fresh);
  const MaturityFigures& mf = site.figs.maturity;
  auto dims = maturity_dimensions();

  // One view: the table is the heatmap (cells coloured by level, a legend in the layout), with
  // links and text a screen reader reads cell by cell.
  json dimensions = json::array();
  for (const auto& d : dims) {
    dimensions.push_back(ViewObject().add("name", dimension_label(d)).take());
  }
  json rows = json::array(), services = json::array();
  for (const auto& m : mf.services) {
    std::string name = site.service_name(m.service);
    json row_cells = json::array();
    for (const auto& d : m.dimensions) {
      row_cells.push_back(
          ViewObject().add("level", d.effective).add("manual", d.source == "assessment").take());
    }
    rows.push_back(ViewObject()
                       .add("href", part_page_of(site, "maturity", mf.services.size(), m.service) +
                                        "#maturity-" + segment(m.service))
                       .add("team", team_of_service(site, m.service))
                       .add("name", name)
                       .add("level", std::to_string(m.total))
                       .add("band", m.band)
                       .add("rubric", num(m.rubric.total, 1))
                       .add("cells", std::move(row_cells))
                       .take());
    json brief = maturity_brief(site, m);
    brief["id"] = segment(m.service);
    brief["name"] = name;
    brief["service_href"] = service_href(site, m.service);
    brief["team"] = team_of_service(site, m.service); // the owner: it picks the team's page
    brief["computed_level"] = std::to_string(m.computed_total) + "/40";
    brief["overridden"] = m.computed_total != m.total;
    json rubric = json::array();
    for (const auto& l : m.rubric.lines)
      rubric.push_back(ViewObject()
                           .add("name", l.name)
                           .add("weight", num(l.weight, 0))
                           .add("score", num(l.score, 1))
                           .add("points", num(l.points, 1))
                           .take());
    brief["rubric_lines"] = std::move(rubric);
    services.push_back(std::move(brief));
  }
  v["dimensions"] = std::move(dimensions);
  v["rows"] = std::move(rows);
  v["services"] = std::move(services);

  auto group = [&](const GroupMaturity& g, const std::string& name, const json& href) {
    json d = json::array();
    for (const auto& md : g.dimensions)
      d.push_back(ViewObject()
                      .add("name", dimension_label(md.dimension))
                      .add("level", num(md.effective, 1))
                      .take());
    return ViewObject()
        .add("name", name)
        .add("href", href)
        .add("total", maturity_total(g.total) + "/40")
        .add("computed_total", maturity_total(g.computed_total) + "/40")
        .add("band", g.band)
        .add("rubric", num(g.rubric.total, 1) + "/100")
        .add("services", static_cast<int>(g.services.size()))
        .add("services_label", g.services.size() == 1 ? "Service scored" : "Services scored")
        .add("dimensions", std::move(d))
        .take();
  };
  // No services, no scores: the page says so rather than showing the lowest band.
  v["org"] = mf.org.scored ? group(mf.org, "Organisation", nullptr) : json(nullptr);
  json teams = json::array();
  for (const auto& g : mf.teams)
    teams.push_back(group(g, site.team_name(g.id), team_href(site, g.id)));
  v["teams"] = std::move(teams);
  json tiers = json::array();
  for (const auto& [tier, c] : mf.slo_coverage_by_tier)
    tiers.push_back(ViewObject()
                        .add("tier", tier)
                        .add("services", c.services)
                        .add("with_slo", c.with_slo)
                        .take());
  v["tiers"] = std::move(tiers);
  static constexpr std::array<std::array<const char*, 2>, 4> k_bands = {{
      {"8–16", "Firefighting"},
      {"17–24", "Foundation"},
      {"25–32", "Maturing"},
      {"33–40", "Advanced"},
  }};
  v["bands"] = table_rows<2, 4>({"range", "name"}, k_bands);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Readiness

json readiness_view(const Site& site) {
  json v = page_view(site, "readiness/index.html", "Production readiness", "readiness");
  json fresh = json::array({documents_freshness(site)});
  if (json m = metrics_freshness(all_slos(site)); !m.is_null()) fresh.push_back(m);
  v["freshness"] = std::move(fresh);
  static const std::map<std::string, std::string> source_labels = {
      {"repo", "proved by the repository"},
      {"review", "readiness review"},
      {"missing", "not assessed"}};
  json services = json::array();
  int approved = 0;
  for (const auto& r : site.figs.readiness) {
    int stale = 0;
    json signoffs = json::array();
    for (const auto& s : r.signoffs) {
      stale += s.stale ? 1 : 0;
      signoffs.push_back(ViewObject()
                             .add("name", text_or_null(s.name))
                             .add("role", text_or_null(s.role))
                             .add("date", text_or_null(s.date))
                             .add("decision", text_or_null(s.decision))
                             .add("review", text_or_null(s.review))
                             .add("stale", s.stale)
                             .add("superseded", !s.stale && s.superseded)
                             .add("future", s.future)
                             .take());
    }
    json rows = json::array();
    std::string category;
    for (const auto& row : r.rows) {
      auto src = source_labels.find(row.source);
      rows.push_back(ViewObject()
                         .add("category",
                              row.category != category ? text_or_null(row.category) : json(nullptr))
                         .add("item", row.title.empty() ? row.slug : row.title)
                         .add("slug", row.slug)
                         .add("status", css_word(row.status))
                         .add("status_label", row.status)
                         .add("source", src == source_labels.end() ? row.source : src->second)
                         .add("review", text_or_null(row.review))
                         .add("evidence", text_or_null(row.evidence))
                         .add("notes", text_or_null(row.notes))
                         .take());
      category = row.category;
    }
    int applicable = static_cast<int>(r.rows.size()) - r.na;
    approved += r.approved ? 1 : 0;
    services.push_back(ViewObject()
                           .add("id", segment(r.service))
                           .add("href", service_href(site, r.service))
                           .add("name", site.service_name(r.service))
                           .add("score", std::to_string(r.pass) + " of " +
                                             std::to_string(applicable) + " checks pass")
                           .add("passed", r.pass)
                           .add("fail", r.fail)
                           .add("todo", r.todo)
                           .add("na", r.na)
                           .add("total", applicable)
                           .add("approved", r.approved)
                           .add("state", r.approved   ? "healthy"
                                         : r.fail > 0 ? "critical"
                                                      : "warning")
                           .add("state_label", r.approved ? "Approved" : "Not approved")
                           .add("stale_signoffs", stale > 0 ? json(stale) : json(nullptr))
                           .add("team", team_of_service(site, r.service))
                           .add("stale_signoffs_text", stale_signoffs_text(r))
                           .add("digest", text_or_null(r.digest))
                           .add("withheld", text_or_null(withheld_text(r)))
                           .add("rows", std::move(rows))
                           .add("signoffs", std::move(signoffs))
                           .take());
  }
  v["services"] = std::move(services);
  // "0 of 1 service has", "1 of 3 services has", "2 of 3 services have": the noun agrees with the
  // total, the verb with a single one of either.
  const long long all = static_cast<long long>(site.figs.readiness.size());
  v["approved"] = std::to_string(approved) + " of " + plural(all, "service") +
                  (approved == 1 || all == 1 ? " has" : " have");
  return v;
}

// ---------------------------------------------------------------------------------------------
// Toil

json toil_view(const Site& site) {
  json v = page_view(site, "toil/index.html", "Toil", "toil");
  v["freshness"] = documents_freshness(site);
  BarChartSpec chart;
  chart.title = "Toil as a share of SRE time, by team";
  chart.summary =
      "Hours of active toil a month over the team's SRE hours; the target is below 25%.";
  chart.unit = "%";
  chart.decimals = 1;
  chart.width = 640;
  chart.reference = ReferenceLine{25, "target 25%"};
  chart.against_pct = 25;
  json teams = json::array();
  for (const auto& t : site.figs.team_toil) {
    teams.push_back(ViewObject()
                        .add("name", t.name.empty() ? site.team_name(t.team) : t.name)
                        .add("href", team_href(site, t.team))
                        .add("hours", num_against(t.hours, {toil_target_hours(t)}, 1))
                        .add("sre_hours", num_or_null(t.sre_hours_per_month, 0))
                        .add("pct", share_or_null(t.pct, 25))
                        .add("state", !t.pct          ? "missing"
                                      : t.over_target ? "critical"
                                                      : "healthy")
                        .add("state_label", !t.pct          ? "no SRE hours configured"
                                            : t.over_target ? "over target"
                                                            : "within target")
                        .add("items", static_cast<int>(t.items.size()))
                        .take());
    chart.bars.push_back({t.name.empty() ? site.team_name(t.team) : t.name, t.pct,
                          !t.pct          ? "state-missing"
                          : t.over_target ? "state-critical"
                                          : "state-healthy",
                          t.pct ? share_against(*t.pct, 25) : std::string()});
  }
  v["teams"] = std::move(teams);
  v["chart_svg"] = site.figs.team_toil.empty() ? json(nullptr) : json(bar_chart(chart));

  // The seed's priority matrix: value (hours a month) down, automation difficulty across. Cell
  // names come from compute's toil_priority, so the grid and each item's priority cannot disagree.
  const std::vector<std::pair<std::string, double>> bands = {
      {"high", 20.0}, {"medium", 5.0}, {"low", 1.0}};
  const std::vector<std::string> difficulties = {"low", "medium", "high"};
  static const std::map<std::string, std::string> band_labels = {
      {"high", "High value (> 10 h/month)"},
      {"medium", "Medium value (2–10 h/month)"},
      {"low", "Low value (< 2 h/month)"}};
  json matrix = json::array();
  for (const auto& [band, sample_hours] : bands) {
    json cells = json::array();
    for (const auto& diff : difficulties) {
      std::string priority = toil_priority(sample_hours, diff);
      json items = json::array();
      for (const auto& t : site.figs.toil)
        if (t.value_band == band && t.difficulty == diff)
          items.push_back(ViewObject()
                              .add("href", "toil/index.html#toil-" + segment(t.id))
                              .add("title", t.name.empty() ? t.id : t.name)
                              .add("hours", toil_hours_text(t.hours_per_month))
                              .add("automated", !t.active)
                              .take());
      cells.push_back(ViewObject()
                          .add("priority", priority)
                          .add("key", css_word(priority))
                          .add("difficulty", diff)
                          .add("items", std::move(items))
                          .take());
    }
    matrix.push_back(
        ViewObject().add("label", band_labels.at(band)).add("cells", std::move(cells)).take());
  }
  v["matrix"] = std::move(matrix);
  v["difficulties"] = json::array({"Low difficulty", "Medium difficulty", "High difficulty"});

  json items = json::array(), unplaced = json::array();
  for (const auto& t : site.figs.toil) {
    std::vector<std::string> team_names;
    for (const auto& id : t.teams)
      team_names.push_back(site.team_name(id));
    std::string hours = toil_hours_text(t.hours_per_month);
    // The document's own figure, shown only when it disagrees with the computed one.
    json stated = t.stated_hours_per_month && toil_hours_text(*t.stated_hours_per_month) != hours
                      ? json(toil_hours_text(*t.stated_hours_per_month))
                      : json(nullptr);
    items.push_back(ViewObject()
                        .add("id", segment(t.id))
                        .add("title", t.name.empty() ? t.id : t.name)
                        .add("team", text_or_null(join(team_names, ", ")))
                        .add("service", text_or_null(site.service_name(t.service)))
                        .add("service_href", service_href(site, t.service))
                        .add("category", text_or_null(t.category))
                        .add("frequency", text_or_null(t.frequency))
                        .add("hours_per_month", std::move(hours))
                        .add("stated_hours", std::move(stated))
                        .add("automation_value", num_or_null(t.automation_value, 1))
                        .add("effort", text_or_null(t.difficulty))
                        .add("priority", text_or_null(t.priority))
                        .add("status", text_or_null(t.status))
                        .add("automated_on", text_or_null(t.automated_on))
                        .add("active", t.active)
                        .take());
    if (t.priority.empty())
      unplaced.push_back(ViewObject()
                             .add("href", "toil/index.html#toil-" + segment(t.id))
                             .add("title", t.name.empty() ? t.id : t.name)
                             .take());
  }
  v["items"] = std::move(items);
  v["unplaced"] = std::move(unplaced);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Capacity

json capacity_view(const Site& site) {
  json v = page_view(site, "capacity/index.html", "Capacity runways", "capacity");
  v["freshness"] = documents_freshness(site);
  BarChartSpec chart;
  chart.title = "Months until peak utilisation crosses the scale-up threshold";
  chart.summary = "Runway at the current monthly growth; a resource already over its threshold "
                  "shows 0.";
  chart.unit = " mo";
  chart.decimals = 1;
  chart.width = 720;
  json resources = json::array();
  for (const auto& c : site.figs.capacity) {
    json item = capacity_item(site, c, true);
    item["team"] = team_of_service(site, c.service); // splits a long page by team (list_part)
    // Each bar reads its runway as the table beside it does (runway_text: never rounded up, and
    // "no limit" when nothing crosses, which is a reading and not missing data).
    const bool known = capacity_runway_known(c);
    chart.bars.push_back(
        {site.service_name(c.service) + " " +
             (c.bottleneck_resource.empty() ? c.id : c.bottleneck_resource),
         known && c.runway_months ? c.runway_months_fractional : std::nullopt,
         // Coloured by the runway, as its badge in the table is (under 3 months critical).
         "state-" + item["runway_state"].get<std::string>(),
         known ? runway_text(c.runway_months, c.runway_months_fractional, true) : std::string()});
    resources.push_back(std::move(item));
  }
  // Hundreds of bars read as nothing: past 40 the chart keeps the shortest runways.
  constexpr std::size_t k_chart_bars = 40;
  if (chart.bars.size() > k_chart_bars) {
    std::stable_sort(chart.bars.begin(), chart.bars.end(), [](const Bar& a, const Bar& b) {
      return a.value.value_or(1e9) < b.value.value_or(1e9);
    });
    chart.bars.resize(k_chart_bars);
    chart.title = "The " + std::to_string(k_chart_bars) +
                  " shortest runways: months until peak utilisation crosses the threshold";
  }
  v["resources"] = std::move(resources);
  v["chart_svg"] = site.figs.capacity.empty() ? json(nullptr) : json(bar_chart(chart));
  return v;
}

// ---------------------------------------------------------------------------------------------
// On-call

json oncall_view(const Site& site) {
  json v = page_view(site, "oncall/index.html", "On-call health", "oncall");
  v["freshness"] = documents_freshness(site);
  // The seed's thresholds, as compute/ops.cpp applies them; shown so a status can be read without
  // colour and checked by hand.
  static constexpr std::array<std::array<const char*, 3>, 7> k_thresholds = {{
      {"Pages per shift", "< 2", "> 5"},
      {"Off-hours pages per week", "< 1", "> 3"},
      {"Time to acknowledge", "< 5 min", "> 15 min"},
      {"Time to mitigate", "< 30 min", "> 60 min"},
      {"False positives", "< 10%", "> 30%"},
      {"Escalations", "< 20%", "> 40%"},
      {"Satisfaction (1–5)", "> 4", "< 3"},
  }};
  v["thresholds"] = table_rows<3, 7>({"metric", "healthy", "critical"}, k_thresholds);
  json rotations = json::array();
  for (const auto& r : site.figs.oncall) {
    auto doc_it = site.rotations.find(r.id);
    const Rotation* doc = doc_it == site.rotations.end() ? nullptr : doc_it->second;
    json periods = json::array();
    LineChartSpec chart;
    chart.title =
        "Pages per shift and off-hours pages per week: " + (r.name.empty() ? r.id : r.name);
    chart.summary = "Monthly on-call load from the rotation's health entries.";
    LineSeries per_shift{"Pages per shift", {}}, off_hours{"Off-hours pages per week", {}};
    for (const auto& p : r.periods) {
      periods.push_back(ViewObject()
                            .add("period", p.period)
                            .add("pages", num_or_null(p.pages, 0))
                            .add("shifts", num_or_null(p.shifts, 0))
                            .add("pages_per_shift", metric_cell(p.pages_per_shift, 2))
                            .add("off_hours_per_week", metric_cell(p.off_hours_per_week, 2))
                            .add("ack", metric_cell(p.ack_min, 1, " min"))
                            .add("mitigate", metric_cell(p.mitigate_min, 1, " min"))
                            .add("false_positive", metric_cell(p.false_positive_pct, 1, "%"))
                            .add("escalation", metric_cell(p.escalation_pct, 1, "%"))
                            .add("satisfaction", metric_cell(p.satisfaction, 1))
                            .add("worst", p.worst.empty() ? "missing" : css_word(p.worst))
                            .add("worst_label", p.worst.empty() ? "no data" : p.worst)
                            .take());
      chart.x_labels.push_back(p.period);
      per_shift.values.push_back(p.pages_per_shift.value);
      off_hours.values.push_back(p.off_hours_per_week.value);
    }
    chart.series = {per_shift, off_hours};
    chart.y_min = 0;
    chart.decimals = 2;
    chart.width = 640;
    chart.height = 220;
    const OncallPeriod* last = latest_period(r);
    std::string latest = last ? last->worst : "";
    json fresh = !last ? ViewObject()
                             .add("status", "missing")
                             .add("text", "missing · no health entries")
                             .add("as_of", nullptr)
                             .take()
                       : ViewObject()
                             .add("status", "fresh")
                             .add("text", "latest period " + last->period)
                             .add("as_of", last->period)
                             .take();
    rotations.push_back(
        ViewObject()
            .add("id", segment(r.id))
            .add("name", r.name.empty() ? r.id : r.name)
            .add("team", text_or_null(site.team_name(r.team)))
            .add("team_href", team_href(site, r.team))
            .add("members", r.members)
            .add("size_warning", r.size_warning)
            .add("schedule", doc ? text_or_null(doc->schedule) : json(nullptr))
            .add("primary", doc ? text_or_null(doc->primary) : json(nullptr))
            .add("secondary", doc ? text_or_null(doc->secondary) : json(nullptr))
            .add("member_names", doc ? strings(doc->members) : json::array())
            .add("escalation_chain", doc ? strings(doc->escalation) : json::array())
            .add("state", latest.empty() ? "missing" : css_word(latest))
            .add("state_label", latest.empty() ? "no data" : "latest month: " + latest)
            .add("data", std::move(fresh))
            .add("periods", std::move(periods))
            .add("chart_svg", r.periods.size() > 1 ? json(line_chart(chart)) : json(nullptr))
            .take());
  }
  v["rotations"] = std::move(rotations);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Monthly reports

std::string report_summary(const MonthlyReport& r) {
  std::string text = plural(r.incidents.total, "incident");
  const auto& s = r.slo_summary;
  if (s.services_meeting_slo && s.services_breaching_slo)
    text += "; " + plural(*s.services_meeting_slo, "service") + " met " +
            (*s.services_meeting_slo == 1 ? "its" : "their") + " SLOs, " +
            std::to_string(*s.services_breaching_slo) + " breached";
  else
    text += "; no SLO data";
  if (partial_month(r)) text += " (" + coverage_text(r) + ")";
  return text;
}

json reports_view(const Site& site) {
  json v = page_view(site, "reports/index.html", "Monthly reports", "reports");
  v["freshness"] = documents_freshness(site);
  json reports = json::array();
  for (auto it = site.figs.reports.rbegin(); it != site.figs.reports.rend(); ++it) {
    const MonthlyReport& r = it->second;
    reports.push_back(ViewObject()
                          .add("href", report_page(r.period))
                          .add("month", r.period)
                          .add("title", "Reliability report: " + month_label(r.period))
                          .add("summary", report_summary(r))
                          .add("frozen", r.frozen)
                          .add("in_progress", r.period == site.this_month)
                          .add("json_href", "api/reports/" + segment(r.period) + ".json")
                          .take());
  }
  v["reports"] = std::move(reports);
  return v;
}

// Bars of a report's budget chart: the SLOs that consumed the most.
constexpr std::size_t k_report_bars = 40;
constexpr std::size_t k_report_rows = k_paper_rows;

void cut_report_list(json& list, json& more, const std::string& noun, const std::string& period) {
  cut_paper_list(list, more, noun, "api/reports/" + period + ".json");
}

json report_view(const Site& site, const MonthlyReport& r) {
  const std::string page = report_page(r.period);
  json v = page_view(site, page, "Reliability report: " + month_label(r.period), "reports",
                     {{"reports/index.html", "Reports"}});
  const bool in_progress = r.period == site.this_month;
  int with_data = 0;
  for (const auto& s : r.slo_summary.slos)
    with_data += s.days_with_data > 0 ? 1 : 0;
  json fresh;
  if (r.frozen) {
    fresh = ViewObject()
                .add("label", "Report")
                .add("status", "fresh")
                .add("as_of", nullptr)
                .add("detail", "Frozen with nines report --freeze: these figures no longer change.")
                .take();
  } else {
    // A month still running has data up to its last closed day with data, as every other page
    // says (today has no closed day yet); a closed month's figures need no date.
    std::optional<std::string> newest;
    if (in_progress)
      for (const auto& f : site.figs.slos)
        if (f.data.as_of && f.data.as_of->compare(0, r.period.size(), r.period) == 0 &&
            (!newest || *f.data.as_of > *newest))
          newest = f.data.as_of;
    fresh = ViewObject()
                .add("label", "Metrics")
                .add("status", with_data == 0                                    ? "missing"
                               : newest && *newest < format_date(site.today - 1) ? "stale"
                                                                                 : "fresh")
                .add("as_of", newest ? json(*newest) : json(nullptr))
                .add("detail",
                     std::to_string(with_data) + " of " +
                         plural(static_cast<long long>(r.slo_summary.slos.size()), "SLO") +
                         (with_data == 1 ? " has" : " have") + " data in " + month_label(r.period) +
                         // The days with metrics are the line above it (report-coverage).
                         (in_progress ? "; the month is not over, figures run to today." : "."))
                .take();
  }
  v["freshness"] = std::move(fresh);

  auto prev = site.figs.reports.find(r.previous_period);
  auto next = site.figs.reports.upper_bound(r.period);
  v["report"] =
      ViewObject()
          .add("month", r.period)
          .add("period", month_label(r.period))
          .add("json_href", "api/reports/" + segment(r.period) + ".json")
          .add("frozen", r.frozen)
          .add("in_progress", in_progress)
          .add("coverage", r.coverage.days_in_month > 0 ? json(coverage_text(r)) : json(nullptr))
          .add("partial", partial_month(r))
          .add("changes_against",
               r.previous_has_report ? json(month_label(r.previous_period)) : json(nullptr))
          .add("previous_href",
               prev == site.figs.reports.end() ? json(nullptr) : json(report_page(prev->first)))
          .add("previous_label", month_label(r.previous_period))
          .add("next_href",
               next == site.figs.reports.end() ? json(nullptr) : json(report_page(next->first)))
          .add("next_label",
               next == site.figs.reports.end() ? json(nullptr) : json(month_label(next->first)))
          .take();

  const auto& eb = r.error_budget;
  auto minutes = [](const std::optional<double>& m) {
    return m ? json(num(*m, 1) + " min") : json(nullptr);
  };
  json headline = json::array();
  auto tile = [&](const std::string& label, const json& value, const json& delta,
                  const std::string& state) {
    headline.push_back(ViewObject()
                           .add("label", label)
                           .add("value", value.is_null() ? json("no data") : value)
                           .add("delta", delta)
                           .add("state", state)
                           .take());
  };
  const auto& ss = r.slo_summary;
  tile(noun_for(ss.services_meeting_slo.value_or(0), "Service meeting its SLOs",
                "Services meeting their SLOs"),
       count_or_null(ss.services_meeting_slo), delta_text(r, "slo_summary.services_meeting_slo"),
       ss.services_meeting_slo ? "healthy" : "missing");
  tile(noun_for(ss.services_breaching_slo.value_or(0), "Service breaching", "Services breaching"),
       count_or_null(ss.services_breaching_slo),
       delta_text(r, "slo_summary.services_breaching_slo"),
       !ss.services_breaching_slo       ? "missing"
       : *ss.services_breaching_slo > 0 ? "critical"
                                        : "healthy");
  tile(noun_for(eb.services_exhausted.value_or(0), "Service with budget exhausted",
                "Services with budget exhausted"),
       count_or_null(eb.services_exhausted), delta_text(r, "error_budget.services_exhausted"),
       !eb.services_exhausted       ? "missing"
       : *eb.services_exhausted > 0 ? "exhausted"
                                    : "healthy");
  tile(noun_for(r.incidents.total, "Incident"), std::to_string(r.incidents.total),
       delta_text(r, "incidents.total"), "info");
  tile("Mean time to resolve", minutes(r.incidents.mttr_minutes),
       delta_text(r, "incidents.mttr_minutes"), "info");
  tile("Mean time to detect", minutes(r.incidents.mttd_minutes),
       delta_text(r, "incidents.mttd_minutes"), "info");
  tile("Toil, share of SRE time", share_or_null(r.toil.pct_of_sre_time, 25),
       delta_text(r, "toil.pct_of_sre_time"),
       r.toil.pct_of_sre_time && *r.toil.pct_of_sre_time >= 25 ? "warning" : "info");
  tile("Pages", num_or_null(r.on_call.total_pages, 0), delta_text(r, "on_call.total_pages"),
       r.on_call.total_pages ? "info" : "missing");
  tile(noun_for(r.action_items.overdue, "Overdue action item"),
       std::to_string(r.action_items.overdue), delta_text(r, "action_items.overdue"),
       r.action_items.overdue > 0 ? "critical" : "healthy");
  v["headline"] = std::move(headline);

  v["highlights"] = strings(r.highlights);
  v["concerns"] = strings(r.concerns);
  v["computed_concerns"] = strings(r.computed_concerns);
  v["priorities"] = strings(r.next_month_priorities);

  BarChartSpec consumed;
  consumed.title = "Error budget consumed in " + month_label(r.period) + ", by SLO";
  consumed.summary = "Calendar-month budget consumed; above 100% the SLO missed its target.";
  consumed.unit = "%";
  consumed.decimals = 1;
  consumed.width = 680;
  consumed.reference = ReferenceLine{100, "whole budget"};
  consumed.against_pct = 100;
  json slos = json::array();
  // A long table keeps the SLOs that consumed the most budget (those without data last); a short
  // one keeps the report's order.
  std::vector<const SloMonth*> rows;
  for (const auto& s : r.slo_summary.slos)
    rows.push_back(&s);
  if (rows.size() > k_report_rows)
    std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
      return a->consumed.value_or(-1.0) > b->consumed.value_or(-1.0);
    });
  for (const auto* row : rows) {
    const auto& s = *row;
    auto f = site.slo_figs.find(s.slo);
    std::string name =
        f == site.slo_figs.end() || f->second->name.empty() ? s.slo : f->second->name;
    std::string state = !s.meets ? "missing" : *s.meets ? "healthy" : "critical";
    slos.push_back(ViewObject()
                       .add("href", slo_href(site, s.slo))
                       .add("name", name)
                       .add("service", site.service_name(s.service))
                       .add("service_href", service_href(site, s.service))
                       .add("target", target_text(s.target))
                       .add("attainment", attainment_or_null(s.attainment, s.target))
                       .add("consumed", consumed_or_null(pct(s.consumed)))
                       .add("days", plural(s.days_with_data, "day") + " of data")
                       .add("state", state)
                       .add("state_label", !s.meets   ? "no data"
                                           : *s.meets ? "met"
                                                      : "missed")
                       .take());
    if (consumed.bars.size() < k_report_bars || rows.size() <= k_report_rows)
      consumed.bars.push_back(
          {name, s.consumed ? std::optional<double>(*s.consumed * 100.0) : std::nullopt,
           "state-" + state});
  }
  if (rows.size() > k_report_rows)
    consumed.title = "Error budget consumed in " + month_label(r.period) + ", the " +
                     std::to_string(k_report_bars) + " SLOs that consumed the most";
  cut_report_list(slos, v["slos_more"], "SLO", r.period);
  v["slos"] = std::move(slos);
  std::vector<std::string> meeting, breaching;
  for (const auto& id : r.slo_summary.meeting)
    meeting.push_back(site.service_name(id));
  for (const auto& id : r.slo_summary.breaching)
    breaching.push_back(site.service_name(id));
  // Past a paragraph of names, the count says enough; the names are in the JSON file.
  auto names = [&](const std::vector<std::string>& list) -> json {
    if (list.size() > 50)
      return plural(static_cast<long long>(list.size()), "service") + " (listed in api/reports/" +
             r.period + ".json)";
    return text_or_null(join(list, ", "));
  };
  v["meeting"] = names(meeting);
  v["breaching"] = names(breaching);
  v["worst"] = r.slo_summary.worst_performing
                   ? json(site.service_name(*r.slo_summary.worst_performing))
                   : json(nullptr);
  v["worst_href"] = r.slo_summary.worst_performing
                        ? service_href(site, *r.slo_summary.worst_performing)
                        : json(nullptr);

  // Trends up to this month, from each month's report.
  LineChartSpec trend;
  trend.title = "Incidents and services breaching, by month";
  trend.summary = "From each month's report up to " + month_label(r.period) + ".";
  LineSeries incidents{"Incidents", {}}, breaching_s{"Services breaching", {}};
  for (const auto& [period, other] : site.figs.reports) {
    if (period > r.period) break;
    trend.x_labels.push_back(period);
    incidents.values.push_back(other.incidents.total);
    breaching_s.values.push_back(
        other.slo_summary.services_breaching_slo
            ? std::optional<double>(*other.slo_summary.services_breaching_slo)
            : std::nullopt);
  }
  trend.series = {incidents, breaching_s};
  trend.y_min = 0;
  trend.decimals = 0;
  trend.width = 680;
  trend.height = 220;
  json charts = json::array();
  if (!r.slo_summary.slos.empty())
    charts.push_back(
        ViewObject().add("title", consumed.title).add("chart_svg", bar_chart(consumed)).take());
  if (trend.x_labels.size() > 1)
    charts.push_back(
        ViewObject().add("title", trend.title).add("chart_svg", line_chart(trend)).take());
  v["charts"] = std::move(charts);

  json incidents_list = json::array();
  for (const auto& id : r.incidents.postmortems) {
    auto it = site.incidents.find(id);
    if (it == site.incidents.end()) continue;
    const IncidentFigures& i = *it->second;
    incidents_list.push_back(ViewObject()
                                 .add("href", postmortem_href(site, id))
                                 .add("title", i.title.empty() ? i.id : i.title)
                                 .add("date", text_or_null(i.date))
                                 .add("severity", text_or_null(i.severity))
                                 .add("repeat", i.repeat)
                                 .add("ttr", i.time_to_resolve_minutes
                                                 ? json(minutes_text(*i.time_to_resolve_minutes))
                                                 : json(nullptr))
                                 .take());
  }
  cut_report_list(incidents_list, v["incidents_more"], "incident", r.period);
  v["incidents"] = std::move(incidents_list);
  // Every figure below carries its change against the previous month as the headline tiles do
  // (delta_text), so the page shows each change the Markdown report and the JSON's delta hold.
  auto figure = [&](const std::string& label, const json& value, const std::string& key) {
    return ViewObject()
        .add("label", label)
        .add("value", value.is_null() ? json("no data") : value)
        .add("delta", delta_text(r, key))
        .take();
  };
  json sev = json::array();
  for (const auto& [name, count] : r.incidents.by_severity)
    sev.push_back(ViewObject()
                      .add("severity", name)
                      .add("count", count)
                      .add("delta", delta_text(r, "incidents.by_severity." + name))
                      .take());
  v["by_severity"] = std::move(sev);
  v["repeat_incidents"] =
      r.incidents.repeat_incidents > 0 ? json(r.incidents.repeat_incidents) : json(nullptr);
  v["repeat_figure"] =
      figure(noun_for(r.incidents.repeat_incidents, "Repeat incident"),
             std::to_string(r.incidents.repeat_incidents), "incidents.repeat_incidents");

  json budget = json::array();
  // A long list puts healthy services last, so the cut keeps the ones that need attention.
  const bool long_budget = r.error_budget.service_state.size() > k_report_rows;
  for (const bool healthy_pass : {false, true})
    for (const auto& [service, state] : r.error_budget.service_state) {
      const bool healthy = state == "healthy";
      if (long_budget ? healthy != healthy_pass : healthy_pass) continue;
      budget.push_back(ViewObject()
                           .add("name", site.service_name(service))
                           .add("href", service_href(site, service))
                           .add("state", css_word(state))
                           .add("state_label", state_label(state))
                           .take());
    }
  cut_report_list(budget, v["budget_states_more"], "service", r.period);
  v["budget_states"] = std::move(budget);
  v["budget_counts"] = ViewObject()
                           .add("healthy", count_or_null(eb.services_in_healthy))
                           .add("warning", count_or_null(eb.services_in_warning))
                           .add("critical", count_or_null(eb.services_in_critical))
                           .add("exhausted", count_or_null(eb.services_exhausted))
                           .take();
  v["budget_figures"] = json::array(
      {figure("Healthy", count_or_null(eb.services_in_healthy), "error_budget.services_in_healthy"),
       figure("Warning", count_or_null(eb.services_in_warning), "error_budget.services_in_warning"),
       figure("Critical", count_or_null(eb.services_in_critical),
              "error_budget.services_in_critical"),
       figure("Exhausted", count_or_null(eb.services_exhausted),
              "error_budget.services_exhausted")});
  v["toil"] = ViewObject()
                  .add("hours_spent", num(r.toil.hours_spent, 1))
                  .add("hours_automated_away", num(r.toil.hours_automated_away, 1))
                  .add("pct", share_or_null(r.toil.pct_of_sre_time, 25))
                  .add("hours_spent_delta", delta_text(r, "toil.hours_spent"))
                  .add("hours_automated_away_delta", delta_text(r, "toil.hours_automated_away"))
                  .add("pct_delta", delta_text(r, "toil.pct_of_sre_time"))
                  .take();
  v["on_call"] =
      ViewObject()
          .add("pages", num_or_null(r.on_call.total_pages, 0))
          .add("off_hours", num_or_null(r.on_call.off_hours_pages, 0))
          .add("false_positive",
               num_against_or_null(r.on_call.false_positive_pct,
                                   {k_false_positive_pct.healthy, k_false_positive_pct.critical}, 1,
                                   "%"))
          .add("ack", num_against_or_null(r.on_call.avg_ack_time_min,
                                          {k_ack_min.healthy, k_ack_min.critical}, 1, " min"))
          .add("rotations", r.on_call.rotations_reporting)
          .add("critical", strings(r.on_call.critical))
          .add("pages_delta", delta_text(r, "on_call.total_pages"))
          .add("off_hours_delta", delta_text(r, "on_call.off_hours_pages"))
          .add("false_positive_delta", delta_text(r, "on_call.false_positive_pct"))
          .add("ack_delta", delta_text(r, "on_call.avg_ack_time_min"))
          .take();
  v["action_items"] =
      ViewObject()
          .add("open", r.action_items.open)
          .add("completed", r.action_items.completed_this_month)
          .add("overdue", r.action_items.overdue)
          .add("open_delta", delta_text(r, "action_items.open"))
          .add("completed_delta", delta_text(r, "action_items.completed_this_month"))
          .add("overdue_delta", delta_text(r, "action_items.overdue"))
          .take();
  return v;
}

json paper_more(std::size_t total, const std::string& noun, const std::string& api_file) {
  if (total <= k_paper_rows) return nullptr;
  const std::size_t cut = total - k_paper_rows;
  return plural(static_cast<long long>(cut), "more " + noun, "more " + noun + "s") + " are in " +
         api_file;
}

void cut_paper_list(json& list, json& more, const std::string& noun, const std::string& api_file) {
  more = paper_more(list.size(), noun, api_file);
  if (list.size() > k_paper_rows)
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(k_paper_rows), list.end());
}

// ---------------------------------------------------------------------------------------------
// Long lists, split by team

bool list_splits(const std::string& folder, std::size_t total) {
  const bool heavy = folder == "readiness" || folder == "maturity";
  return total > (heavy ? k_heavy_list_split : k_list_split);
}

std::string list_part_page(const std::string& folder, const std::string& team_id) {
  return folder + "/team-" + segment(team_id) + "/index.html";
}

std::string part_page_of(const Site& site, const std::string& folder, std::size_t total,
                         const std::string& service) {
  json team = team_of_service(site, service);
  if (list_splits(folder, total) && team.is_string())
    if (const std::string* id = site.team_named(team.get_ref<const std::string&>()))
      return list_part_page(folder, *id);
  return folder + "/index.html";
}

SplitList::SplitList(json view, const std::string& rows_key) : full(std::move(view)) {
  // rows_key may name several lists ("services rows"); the first one counts.
  for (std::size_t at = 0; at <= rows_key.size();) {
    std::size_t end = std::min(rows_key.find(' ', at), rows_key.size());
    keys.push_back(rows_key.substr(at, end - at));
    at = end + 1;
  }
  rows_by_team.resize(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    auto rows = full.find(keys[k]);
    if (rows == full.end() || !rows->is_array()) continue;
    for (const auto& row : *rows) {
      auto team = row.find("team");
      const std::string_view name = team != row.end() && team->is_string()
                                        ? std::string_view(team->get_ref<const std::string&>())
                                        : std::string_view();
      rows_by_team[k][name].push_back(&row);
    }
  }
}

json list_part(const Site& site, const SplitList& list, const std::string& folder,
               const std::string& section, std::size_t total, const std::string& team_id) {
  const json& full = list.full;
  if (!list_splits(folder, total)) {
    json out = full;
    out["parts"] = json::array();
    return out;
  }
  // The full view is shared by every part of the list (one per team), so it is read, never
  // copied whole: each part copies the other fields and only its own rows, found by team in the
  // list's index (scanning every row for every team made the parts cost teams × rows). Fields in
  // `skip` are left out (a team's part takes them from its own frame). The fields come in key
  // order, so each goes in at the end of the object's map.
  auto keep = [&](const std::string& name, const json::object_t* skip) {
    json out = json::object();
    auto& fields = out.get_ref<json::object_t&>();
    for (const auto& [key, value] : full.get_ref<const json::object_t&>()) {
      auto k = std::find(list.keys.begin(), list.keys.end(), key);
      if (k == list.keys.end()) {
        if (!skip || skip->count(key) == 0) fields.emplace_hint(fields.end(), key, value);
        continue;
      }
      json kept = json::array();
      const auto& by_team = list.rows_by_team[static_cast<std::size_t>(k - list.keys.begin())];
      if (auto rows = by_team.find(name); rows != by_team.end() && value.is_array()) {
        auto& kept_rows = kept.get_ref<json::array_t&>();
        kept_rows.reserve(rows->second.size());
        for (const json* row : rows->second)
          kept_rows.push_back(*row);
      }
      fields.emplace_hint(fields.end(), key, std::move(kept));
    }
    for (const auto& key : list.keys)
      fields.emplace(key, json::array());
    out["parts"] = json::array();
    return out;
  };
  if (team_id.empty()) {
    json out = keep("", nullptr); // the rows without a team stay here
    const auto& first = list.rows_by_team[0];
    for (const auto& id : site.team_ids) {
      auto rows = first.find(site.team_name(id));
      if (rows == first.end() || rows->first.empty()) continue;
      out["parts"].push_back(ViewObject()
                                 .add("href", list_part_page(folder, id))
                                 .add("name", site.team_name(id))
                                 .add("count", static_cast<int>(rows->second.size()))
                                 .take());
    }
    out["chart_svg"] = full.value("chart_svg", json(nullptr));
    return out;
  }
  const std::string name = site.team_name(team_id);
  const std::string& title = full.at("title").get_ref<const std::string&>();
  json frame = page_view(site, list_part_page(folder, team_id), title + ": " + name, section,
                         {{folder + "/index.html", title}});
  // The frame's fields replace the list's (all but its freshness): the list's copies of them
  // would be thrown away, so they are not made, and the frame's are moved in.
  auto& frame_fields = frame.get_ref<json::object_t&>();
  frame_fields.erase("freshness");
  json out = keep(name, &frame_fields);
  out["chart_svg"] = nullptr;
  for (auto& [key, value] : frame_fields)
    out[key] = std::move(value);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Search and 404

json search_view(const Site& site) {
  json v = page_view(site, "search.html", "Search", "");
  return v;
}

json not_found_view(const Site& site) {
  json v = page_view(site, "404.html", "Page not found", "");
  v["breadcrumbs"] = json::array();
  // GitHub Pages serves 404.html for a missing path at any depth, where relative paths point
  // nowhere. Its stylesheet, scripts and icon are written into the page, so it loads nothing from
  // anywhere (SPEC 5); with base_url its links are absolute under the site's address.
  v["inline_assets"] = true;
  std::string base = site.opts.base_url;
  if (!base.empty() && base.find("://") != std::string::npos) {
    if (base.back() != '/') base += '/';
    v["root"] = base;
  }
  return v;
}

} // namespace nines::site
