// The site's shared pieces: lookups, paths, display formatting, freshness, charts and the
// dependency graph. Nothing here derives a figure; it only shows the ones compute produced.
#include "model/digest.hpp"
#include "model/time.hpp"
#include "render/html.hpp"
#include "render/site_detail.hpp"
#include "render/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

namespace nines::site {

namespace {

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '_' || c == '-'));
  };
  for (std::size_t i = 0; i < id.size(); ++i)
    if (!ok(id[i], i == 0)) return false;
  return true;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Site

Site::Site(const Repo& r, const Figures& f, const std::vector<Diagnostic>& d,
           const std::map<std::string, DailySeries>& s, const SiteOptions& o)
    : repo(r), figs(f), diagnostics(d), series(s), opts(o) {
  today = day_of(figs.now);
  today_text = format_date(today);
  this_month = today_text.substr(0, 7);

  for (const auto& x : repo.services)
    services.emplace(x.meta.id, &x);
  for (const auto& x : repo.slos)
    slos.emplace(x.meta.id, &x);
  for (const auto& x : figs.slos)
    slo_figs.emplace(x.id, &x);
  for (const auto& x : repo.slis)
    slis.emplace(x.meta.id, &x);
  for (const auto& x : repo.runbooks)
    runbooks.emplace(x.meta.id, &x);
  for (const auto& x : repo.postmortems)
    postmortems.emplace(x.meta.id, &x);
  for (const auto& x : figs.incidents)
    incidents.emplace(x.id, &x);
  for (const auto& x : figs.readiness)
    readiness.emplace(x.service, &x);
  for (const auto& x : figs.maturity.services)
    maturity.emplace(x.service, &x);
  for (const auto& x : repo.rotations)
    rotations.emplace(x.meta.id, &x);
  for (const auto& x : figs.oncall)
    rotation_figs.emplace(x.id, &x);
  for (const auto& x : figs.capacity)
    capacity_figs.emplace(x.id, &x);
  for (const auto& x : figs.toil)
    toil_figs.emplace(x.id, &x);
  for (const auto& x : repo.policies)
    policies.emplace(x.meta.id, &x);

  // A lint diagnostic points at the runbook's last_updated; several runbooks can share a file.
  for (const auto& diag : diagnostics) {
    if (diag.rule != "runbook-stale") continue;
    for (const auto& rb : repo.runbooks)
      if (rb.meta.file == diag.file &&
          (rb.last_updated_loc.line == diag.loc.line || diag.loc.line == 0))
        stale_runbooks.emplace(rb.meta.id, diag.message);
  }

  auto add_team = [&](const std::string& id) {
    if (!id.empty()) team_ids.insert(id);
  };
  for (const auto& [id, t] : repo.config.teams)
    add_team(id);
  for (const auto& x : repo.services)
    add_team(x.owner_team.id);
  for (const auto& x : repo.rotations)
    add_team(x.team.id);
  for (const auto& x : figs.team_toil)
    add_team(x.team);
  for (const auto& x : figs.maturity.teams)
    add_team(x.id);

  auto add_file = [&](const DocMeta& m, const std::string& page) {
    file_pages.emplace(m.file, page); // the first document of a file names its page
  };
  for (const auto& x : repo.services)
    add_file(x.meta, service_page(x.meta.id));
  for (const auto& x : repo.slos)
    add_file(x.meta, slo_page(x.meta.id));
  for (const auto& x : repo.runbooks)
    add_file(x.meta, runbook_page(x.meta.id));
  for (const auto& x : repo.postmortems)
    add_file(x.meta, postmortem_page(x.meta.id));
}

std::string Site::team_name(const std::string& id) const {
  auto it = repo.config.teams.find(id);
  if (it != repo.config.teams.end() && !it->second.name.empty()) return it->second.name;
  return id;
}

std::string Site::service_name(const std::string& id) const {
  auto it = services.find(id);
  if (it != services.end() && !it->second->name.empty()) return it->second->name;
  return id;
}

// ---------------------------------------------------------------------------------------------
// Paths

std::string segment(const std::string& id) {
  return valid_id(id) ? id : "id-" + fnv1a_hex(id);
}

std::string service_page(const std::string& id) {
  return "services/" + segment(id) + "/index.html";
}
std::string slo_page(const std::string& id) {
  return "slos/" + segment(id) + "/index.html";
}
std::string runbook_page(const std::string& id) {
  return "runbooks/" + segment(id) + "/index.html";
}
std::string postmortem_page(const std::string& id) {
  return "postmortems/" + segment(id) + "/index.html";
}
std::string report_page(const std::string& period) {
  return "reports/" + segment(period) + "/index.html";
}
std::string team_anchor(const std::string& id) {
  return "teams/index.html#team-" + segment(id);
}
std::string rotation_anchor(const std::string& id) {
  return "oncall/index.html#rotation-" + segment(id);
}

std::string root_of(const std::string& page) {
  std::string root;
  for (char c : page)
    if (c == '/') root += "../";
  return root;
}

json service_href(const Site& site, const std::string& id) {
  return site.services.count(id) ? json(service_page(id)) : json(nullptr);
}
json slo_href(const Site& site, const std::string& id) {
  return site.slo_figs.count(id) ? json(slo_page(id)) : json(nullptr);
}
json team_href(const Site& site, const std::string& id) {
  return site.has_team(id) ? json(team_anchor(id)) : json(nullptr);
}
json rotation_href(const Site& site, const std::string& id) {
  return site.rotation_figs.count(id) ? json(rotation_anchor(id)) : json(nullptr);
}
json postmortem_href(const Site& site, const std::string& id) {
  return site.postmortems.count(id) ? json(postmortem_page(id)) : json(nullptr);
}

// ---------------------------------------------------------------------------------------------
// Formatting

json text_or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json opt_text(const std::optional<std::string>& s) {
  return s && !s->empty() ? json(*s) : json(nullptr);
}

std::string num(double value, int decimals) {
  std::string s = format_fixed(value, decimals);
  if (s.find('.') != std::string::npos && s != "n/a") {
    while (s.back() == '0')
      s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string grouped(double value, int decimals) {
  std::string s = num(value, decimals);
  std::size_t start = s[0] == '-' ? 1 : 0;
  std::size_t end = s.find('.');
  if (end == std::string::npos) end = s.size();
  for (std::size_t i = end; i > start + 3; i -= 3)
    s.insert(i - 3, ",");
  return s;
}

json num_or_null(const std::optional<double>& value, int decimals, const std::string& unit) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return num(*value, decimals) + unit;
}

json pct_or_null(const std::optional<double>& fraction, int decimals) {
  if (!fraction || !std::isfinite(*fraction)) return nullptr;
  return format_fixed(*fraction * 100.0, decimals) + "%";
}

std::string target_text(double target_pct) {
  return num(target_pct, 5) + "%";
}

int attainment_decimals(double target_pct) {
  std::string t = num(target_pct, 5);
  std::size_t dot = t.find('.');
  int d = dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
  return std::clamp(d + 1, 2, 6);
}

std::string minutes_text(double minutes) {
  if (!std::isfinite(minutes)) return "n/a";
  if (std::abs(minutes) < 120) return num(minutes, 1) + " min";
  if (std::abs(minutes) < 48 * 60) return num(minutes / 60.0, 1) + " h";
  return num(minutes / 1440.0, 1) + " days";
}

std::string duration_days_text(double days) {
  if (!std::isfinite(days)) return "n/a";
  if (days < 2) return num(days * 24.0, 1) + " hours";
  return num(days, 1) + " days";
}

std::string css_word(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out.empty() ? "none" : out;
}

std::string state_label(const std::string& state) {
  if (state.empty() || state == "missing") return "No data";
  std::string s = state;
  for (char& c : s)
    if (c == '_') c = ' ';
  if (s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string month_label(const std::string& period) {
  static const char* const names[] = {"January",   "February", "March",    "April",
                                      "May",       "June",     "July",     "August",
                                      "September", "October",  "November", "December"};
  auto ym = parse_period(period);
  if (!ym || ym->second < 1 || ym->second > 12) return period;
  return std::string(names[ym->second - 1]) + " " + std::to_string(ym->first);
}

std::string truncate_text(const std::string& s, std::size_t max_chars) {
  std::string flat;
  for (char c : s) {
    bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (flat.empty() || flat.back() == ' ')) continue;
    flat += space ? ' ' : c;
  }
  while (!flat.empty() && flat.back() == ' ')
    flat.pop_back();
  std::size_t count = 0;
  for (std::size_t i = 0; i < flat.size(); ++i) {
    if ((static_cast<unsigned char>(flat[i]) & 0xC0) == 0x80) continue;
    if (count == max_chars) return flat.substr(0, i) + "\xE2\x80\xA6";
    ++count;
  }
  return flat;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

json strings(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v)
    if (!s.empty()) a.push_back(s);
  return a;
}

std::string dimension_label(const std::string& d) {
  static const std::map<std::string, std::string> names = {
      {"slos", "SLOs"},
      {"monitoring", "Monitoring"},
      {"incident_response", "Incident response"},
      {"automation", "Automation"},
      {"chaos_engineering", "Chaos engineering"},
      {"capacity_planning", "Capacity planning"},
      {"toil_management", "Toil management"},
      {"oncall_health", "On-call health"}};
  auto it = names.find(d);
  return it == names.end() ? d : it->second;
}

// ---------------------------------------------------------------------------------------------
// Freshness

json freshness_of(const DataFreshness& d) {
  std::string text = d.status;
  if (d.status == "stale" && d.age_days)
    text = "stale · " + std::to_string(*d.age_days) + (*d.age_days == 1 ? " day old" : " days old");
  else if (d.status == "missing")
    text = "missing · no data";
  return {{"status", css_word(d.status)}, {"text", text}, {"as_of", opt_text(d.as_of)}};
}

json metrics_freshness(const std::vector<const SloFigures*>& slos) {
  if (slos.empty()) return nullptr;
  int fresh = 0, stale = 0, missing = 0;
  std::optional<std::int64_t> oldest_age;
  std::optional<std::string> latest, oldest;
  for (const auto* f : slos) {
    const auto& d = f->data;
    if (d.status == "fresh")
      ++fresh;
    else if (d.status == "stale")
      ++stale;
    else
      ++missing;
    if (d.age_days && d.status == "stale" && (!oldest_age || *d.age_days > *oldest_age))
      oldest_age = d.age_days;
    if (d.as_of) {
      if (!latest || *d.as_of > *latest) latest = d.as_of;
      if (!oldest || *d.as_of < *oldest) oldest = d.as_of;
    }
  }
  std::string status = stale > 0 ? "stale" : fresh > 0 ? "fresh" : "missing";
  std::vector<std::string> parts;
  if (fresh) parts.push_back(std::to_string(fresh) + " fresh");
  if (stale)
    parts.push_back(std::to_string(stale) + " stale" +
                    (oldest_age ? " (up to " + std::to_string(*oldest_age) +
                                      (*oldest_age == 1 ? " day old)" : " days old)")
                                : std::string()));
  if (missing) parts.push_back(std::to_string(missing) + " with no data");
  std::size_t total = slos.size();
  return {{"label", "Metrics"},
          {"status", status},
          {"as_of", opt_text(status == "stale" ? oldest : latest)},
          {"detail", "SLO data: " + join(parts, ", ") + " of " + std::to_string(total) + "."}};
}

json documents_freshness(const Site& site) {
  return {{"label", "Documents"},
          {"status", "fresh"},
          {"as_of", site.today_text},
          {"detail", "Computed from the repository at build time."}};
}

// ---------------------------------------------------------------------------------------------
// Frame

json page_view(const Site& site, const std::string& page, const std::string& title,
               const std::string& section,
               const std::vector<std::pair<std::string, std::string>>& crumbs) {
  static const std::vector<std::array<const char*, 3>> k_nav = {
      {"index.html", "Dashboard", "dashboard"},
      {"catalog/index.html", "Services", "services"},
      {"slos/index.html", "SLOs", "slos"},
      {"postmortems/index.html", "Incidents", "incidents"},
      {"runbooks/index.html", "Runbooks", "runbooks"},
      {"maturity/index.html", "Maturity", "maturity"},
      {"readiness/index.html", "Readiness", "readiness"},
      {"toil/index.html", "Toil", "toil"},
      {"capacity/index.html", "Capacity", "capacity"},
      {"oncall/index.html", "On-call", "oncall"},
      {"teams/index.html", "Teams", "teams"},
      {"reports/index.html", "Reports", "reports"},
  };
  json nav = json::array();
  for (const auto& [href, label, key] : k_nav)
    nav.push_back({{"href", href}, {"label", label}, {"current", section == key}});
  json trail = json::array();
  if (page != "index.html") {
    trail.push_back({{"href", "index.html"}, {"label", "Dashboard"}});
    for (const auto& [href, label] : crumbs)
      trail.push_back({{"href", text_or_null(href)}, {"label", label}});
    trail.push_back({{"href", nullptr}, {"label", title}});
  }
  const Config& c = site.repo.config;
  return {{"lang", "en"},
          {"root", root_of(page)},
          {"title", title},
          {"description", text_or_null(c.description)},
          {"site",
           {{"title", c.title.empty() ? "Reliability" : c.title},
            {"repo_url", text_or_null(c.repo_url)},
            {"api_href", "api/slos.json"}}},
          {"nav", nav},
          {"breadcrumbs", trail},
          {"freshness", nullptr},
          {"build", {{"version", text_or_null(site.opts.version)}, {"date", site.today_text}}}};
}

// ---------------------------------------------------------------------------------------------
// SLO pieces

std::vector<const SloFigures*> all_slos(const Site& site) {
  std::vector<const SloFigures*> out;
  for (const auto& f : site.figs.slos)
    out.push_back(&f);
  return out;
}

std::string budget_gauge(const SloFigures& f) {
  double remaining = f.remaining ? *f.remaining : std::nan("");
  // The card or page around the gauge names the SLO; a long name would only be cut here.
  return gauge(remaining, "Error budget left",
               f.status == "missing" ? "missing" : css_word(f.state.name()));
}

json slo_summary(const Site& site, const SloFigures& f, bool charts) {
  int dec = attainment_decimals(f.target);
  json j = {{"id", f.id},
            {"href", slo_page(f.id)},
            {"name", f.name.empty() ? f.id : f.name},
            {"service", site.service_name(f.service)},
            {"service_href", service_href(site, f.service)},
            {"sli", text_or_null(f.sli)},
            {"target", target_text(f.target)},
            {"window", num(f.window_days, 2) + " days"},
            {"attainment", pct_or_null(f.attainment, dec)},
            {"budget_consumed", pct_or_null(f.consumed, 1)},
            {"budget_remaining", pct_or_null(f.remaining, 1)},
            {"bad_minutes", f.bad_minutes ? json(minutes_text(*f.bad_minutes) + " of " +
                                                 minutes_text(f.allowed_bad_minutes))
                                          : json(nullptr)},
            {"allowed_bad_minutes", minutes_text(f.allowed_bad_minutes)},
            {"projected_exhaustion", opt_text(f.projected_exhaustion)},
            {"state", css_word(f.state.name())},
            {"state_label", state_label(f.state.name())},
            {"data", freshness_of(f.data)},
            {"gauge_svg", nullptr},
            {"burn_svg", nullptr}};
  auto b24 = f.burn_rates.find("24h");
  j["burn_24h"] = b24 == f.burn_rates.end() ? json(nullptr) : num_or_null(b24->second, 2, "×");
  if (charts) {
    j["gauge_svg"] = budget_gauge(f);
    std::string burn = burn_down_chart(site, f, 420, 180);
    if (!burn.empty()) j["burn_svg"] = burn;
  }
  return j;
}

std::string burn_down_chart(const Site& site, const SloFigures& f, int width, int height) {
  auto first = parse_date(f.window_start), last = parse_date(f.window_end);
  auto it = site.series.find(f.id);
  if (!first || !last || *last < *first || !f.total || !(*f.total > 0) || !(f.budget_fraction > 0))
    return {};
  const DailySeries* s = it == site.series.end() ? nullptr : &it->second;
  // The window's budget in events is b·Σtotal, so the last point is exactly the remaining figure.
  const double budget_events = f.budget_fraction * *f.total;
  LineChartSpec spec;
  spec.title = "Error budget remaining over the window: " + (f.name.empty() ? f.id : f.name);
  spec.summary = "Share of the " + num(f.window_days, 2) +
                 "-day error budget left at the end of "
                 "each day, from the recorded daily counts.";
  LineSeries remaining{"Budget remaining", {}};
  for (std::int64_t d = *first; d <= *last; ++d) {
    RangeTotals day = sum_range(s, d, d);
    spec.x_labels.push_back(format_date(d).substr(5));
    if (day.days_with_data == 0) {
      remaining.values.push_back(std::nullopt);
      continue;
    }
    RangeTotals upto = sum_range(s, *first, d);
    remaining.values.push_back(100.0 * (1.0 - (upto.total - upto.good) / budget_events));
  }
  spec.series.push_back(std::move(remaining));
  spec.reference = ReferenceLine{0, "budget exhausted"};
  spec.unit = "%";
  spec.decimals = 1;
  spec.width = width;
  spec.height = height;
  return line_chart(spec);
}

std::string attainment_chart(const Site& site, const SloFigures& f) {
  auto first = parse_date(f.window_start), last = parse_date(f.window_end);
  auto it = site.series.find(f.id);
  if (!first || !last || *last < *first || it == site.series.end()) return {};
  LineChartSpec spec;
  spec.title = "Daily attainment: " + (f.name.empty() ? f.id : f.name);
  spec.summary = "Good events as a share of all events, per day, against the target.";
  LineSeries daily{"Attainment", {}};
  bool any = false;
  for (std::int64_t d = *first; d <= *last; ++d) {
    RangeTotals day = sum_range(&it->second, d, d);
    spec.x_labels.push_back(format_date(d).substr(5));
    if (day.days_with_data == 0 || !(day.total > 0)) {
      daily.values.push_back(std::nullopt);
      continue;
    }
    any = true;
    daily.values.push_back(100.0 * day.good / day.total);
  }
  if (!any) return {};
  spec.series.push_back(std::move(daily));
  spec.reference = ReferenceLine{f.target, "target " + target_text(f.target)};
  spec.unit = "%";
  spec.decimals = attainment_decimals(f.target);
  spec.width = 720;
  spec.height = 240;
  return line_chart(spec);
}

// ---------------------------------------------------------------------------------------------
// Dependency graph

std::string dependency_graph(const std::string& name, const std::vector<std::string>& callers,
                             const std::vector<std::string>& callees) {
  const double node_w = 180, node_h = 30, row = 40, col_gap = 60, pad = 24;
  const double x_left = 0, x_mid = node_w + col_gap, x_right = 2 * (node_w + col_gap);
  const double width = 3 * node_w + 2 * col_gap;
  const std::size_t rows = std::max<std::size_t>({callers.size(), callees.size(), 1});
  const double height = pad + static_cast<double>(rows) * row + 4;
  auto c = [](double v) { return num(v, 2); };
  auto node = [&](double x, double y, const std::string& label, const std::string& cls) {
    std::string s = "<g class=\"dep-node " + cls + "\"><rect x=\"" + c(x) + "\" y=\"" + c(y) +
                    "\" width=\"" + c(node_w) + "\" height=\"" + c(node_h) + "\" rx=\"6\"/>";
    s += "<text x=\"" + c(x + node_w / 2) + "\" y=\"" + c(y + node_h / 2 + 4) +
         "\" text-anchor=\"middle\">" + html_escape(truncate_text(label, 24)) + "</text></g>";
    return s;
  };
  auto row_y = [&](std::size_t i, std::size_t n) {
    double block = static_cast<double>(n) * row;
    double top = pad + (static_cast<double>(rows) * row - block) / 2;
    return top + static_cast<double>(i) * row + (row - node_h) / 2;
  };
  // An edge from (x1, y1) to (x2, y2) with an arrowhead at the callee's end.
  auto edge = [&](double x1, double y1, double x2, double y2) {
    double dx = x2 - x1, dy = y2 - y1, len = std::sqrt(dx * dx + dy * dy);
    if (!(len > 0)) return std::string();
    double ux = dx / len, uy = dy / len, bx = x2 - ux * 8, by = y2 - uy * 8;
    std::string s = "<line class=\"dep-edge\" x1=\"" + c(x1) + "\" y1=\"" + c(y1) + "\" x2=\"" +
                    c(bx) + "\" y2=\"" + c(by) + "\"/>";
    s += "<polygon class=\"dep-arrow\" points=\"" + c(x2) + "," + c(y2) + " " + c(bx - uy * 4) +
         "," + c(by + ux * 4) + " " + c(bx + uy * 4) + "," + c(by - ux * 4) + "\"/>";
    return s;
  };

  std::string desc =
      name + " is called by " +
      (callers.empty() ? std::string("no other service") : join(callers, ", ")) + " and calls " +
      (callees.empty() ? std::string("no other service") : join(callees, ", ")) + ".";
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-deps\" viewBox=\"0 0 " +
      c(width) + " " + c(height) + "\" width=\"" + c(width) + "\" height=\"" + c(height) +
      "\" role=\"img\" font-size=\"12\">";
  svg += "<title>" + html_escape("Dependencies of " + name) + "</title>";
  svg += "<desc>" + html_escape(desc) + "</desc>";
  svg += "<text class=\"dep-heading\" x=\"" + c(x_left + node_w / 2) +
         "\" y=\"14\" text-anchor=\"middle\">Called by</text>";
  svg += "<text class=\"dep-heading\" x=\"" + c(x_right + node_w / 2) +
         "\" y=\"14\" text-anchor=\"middle\">Calls</text>";
  const double mid_y = row_y(0, 1);
  for (std::size_t i = 0; i < callers.size(); ++i) {
    double y = row_y(i, callers.size());
    svg += edge(x_left + node_w, y + node_h / 2, x_mid, mid_y + node_h / 2);
  }
  for (std::size_t i = 0; i < callees.size(); ++i) {
    double y = row_y(i, callees.size());
    svg += edge(x_mid + node_w, mid_y + node_h / 2, x_right, y + node_h / 2);
  }
  for (std::size_t i = 0; i < callers.size(); ++i)
    svg += node(x_left, row_y(i, callers.size()), callers[i], "dep-caller");
  svg += node(x_mid, mid_y, name, "dep-self");
  for (std::size_t i = 0; i < callees.size(); ++i)
    svg += node(x_right, row_y(i, callees.size()), callees[i], "dep-callee");
  svg += "</svg>";
  return svg;
}

// ---------------------------------------------------------------------------------------------
// Markdown

MarkdownResult markdown_for(const Site& site, const DocMeta& doc, const std::string& md,
                            const std::string& page, std::set<std::string>* taken) {
  // Every id the default theme's layouts and partials write (grep 'id="' themes/default), so a
  // heading can never steal an in-page link's target.
  static const std::set<std::string> k_layout_ids = {"actions-h",
                                                     "alerts-h",
                                                     "all-toil-h",
                                                     "attainment-h",
                                                     "attention-h",
                                                     "burn-h",
                                                     "burn-rates-h",
                                                     "capacity",
                                                     "capacity-h",
                                                     "catalog-caption",
                                                     "chaos",
                                                     "chaos-h",
                                                     "concerns-h",
                                                     "dependencies",
                                                     "deps-h",
                                                     "detection-h",
                                                     "diagnosis-h",
                                                     "escalation-h",
                                                     "evidence-h",
                                                     "factors-h",
                                                     "fishbone-h",
                                                     "health-caption",
                                                     "heat-caption",
                                                     "highlights-h",
                                                     "ics-h",
                                                     "impact-h",
                                                     "incidents-h",
                                                     "lucky-h",
                                                     "main",
                                                     "matrix-h",
                                                     "maturity",
                                                     "maturity-h",
                                                     "mitigation-h",
                                                     "overdue-h",
                                                     "overview",
                                                     "overview-h",
                                                     "ownership-h",
                                                     "policy-h",
                                                     "postmortems",
                                                     "postmortems-caption",
                                                     "postmortems-h",
                                                     "priorities-h",
                                                     "quadrants-h",
                                                     "readiness",
                                                     "readiness-h",
                                                     "related-h",
                                                     "remediation",
                                                     "remediation-h",
                                                     "report-actions-h",
                                                     "report-budget-h",
                                                     "report-charts-h",
                                                     "report-incidents-h",
                                                     "report-oncall-h",
                                                     "report-open-actions-h",
                                                     "report-slos-h",
                                                     "report-toil-h",
                                                     "root-cause-h",
                                                     "runbooks",
                                                     "runbooks-caption",
                                                     "runbooks-h",
                                                     "runways-caption",
                                                     "search",
                                                     "search-input",
                                                     "search-results",
                                                     "search-status",
                                                     "signals",
                                                     "signals-h",
                                                     "site-nav",
                                                     "site-search-q",
                                                     "sli-h",
                                                     "slos",
                                                     "slos-caption",
                                                     "slos-h",
                                                     "stale-h",
                                                     "steps-h",
                                                     "summary-caption",
                                                     "teams-h",
                                                     "tiers-h",
                                                     "timeline-h",
                                                     "toil",
                                                     "toil-h",
                                                     "well-h",
                                                     "whys-h",
                                                     "wrong-h"};
  MarkdownOptions options;
  options.reserved_ids.insert(k_layout_ids.begin(), k_layout_ids.end());
  if (taken) options.reserved_ids.insert(taken->begin(), taken->end());
  const std::string root = root_of(page);
  options.rewrite_url = [&site, &doc, &root](std::string_view url) -> std::string {
    std::string u(url);
    // Only relative paths are the repository's: schemes, fragments and queries stay as written.
    if (u.empty() || u[0] == '#' || u[0] == '?' || u[0] == '/' ||
        u.find(':') < u.find_first_of("/?#"))
      return u;
    std::string fragment;
    if (auto hash = u.find('#'); hash != std::string::npos) {
      fragment = u.substr(hash);
      u.erase(hash);
    }
    std::filesystem::path base = std::filesystem::path(doc.file).parent_path();
    std::string target = (base / u).lexically_normal().generic_string();
    if (target.rfind("..", 0) == 0) return std::string(url);
    if (auto it = site.file_pages.find(target); it != site.file_pages.end())
      return root + it->second + fragment;
    if (!site.repo.config.repo_url.empty()) {
      std::string repo = site.repo.config.repo_url;
      while (!repo.empty() && repo.back() == '/')
        repo.pop_back();
      return repo + "/blob/" + site.repo.config.branch + "/" + target + fragment;
    }
    return std::string(url);
  };
  MarkdownResult result = render_markdown(md, options);
  if (taken)
    for (const auto& h : result.headings)
      taken->insert(h.anchor);
  return result;
}

json toc_of(const MarkdownResult& md) {
  json toc = json::array();
  for (const auto& h : md.headings)
    if (h.level >= 2 && h.level <= 3)
      toc.push_back({{"level", h.level}, {"text", h.text}, {"anchor", h.anchor}});
  // One heading needs no table of contents.
  return toc.size() < 2 ? json::array() : toc;
}

json source_url(const Site& site, const DocMeta& doc) {
  std::string repo = site.repo.config.repo_url;
  if (repo.empty() || doc.file.empty()) return nullptr;
  while (!repo.empty() && repo.back() == '/')
    repo.pop_back();
  return repo + "/blob/" + site.repo.config.branch + "/" + doc.file;
}

} // namespace nines::site
