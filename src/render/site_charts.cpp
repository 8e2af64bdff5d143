// The SLO pieces of pages (summaries and budget charts) and the dependency graph.
#include "model/digest.hpp"
#include "model/kinds.hpp"
#include "model/time.hpp"
#include "render/html.hpp"
#include "render/site_detail.hpp"
#include "render/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

namespace nines::site {

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
               f.status == "missing" ? "missing" : css_word(f.state.name()), f.state.edges);
}

json slo_summary(const Site& site, const SloFigures& f, bool charts) {
  json j = ViewObject()
               .add("id", f.id)
               .add("href", slo_page(f.id))
               .add("name", f.name.empty() ? f.id : f.name)
               .add("service", site.service_name(f.service))
               .add("service_href", service_href(site, f.service))
               .add("sli", text_or_null(f.sli))
               .add("target", target_text(f.target))
               .add("window", window_days_text(f.window_days))
               .add("window_calendar", f.window_kind == "calendar")
               .add("attainment", attainment_or_null(f.attainment, f.target))
               .add("budget_consumed", consumed_or_null(pct(f.consumed)))
               .add("budget_remaining", f.remaining && std::isfinite(*f.remaining)
                                            ? json(remaining_text(pct(f.remaining), f.state.edges))
                                            : json(nullptr))
               .add("bad_minutes",
                    f.bad_minutes ? json(bad_minutes_text(f.bad_minutes, f.allowed_bad_minutes))
                                  : json(nullptr))
               .add("allowed_bad_minutes", budget_minutes_text(f.allowed_bad_minutes))
               .add("projected_exhaustion", opt_text(f.projected_exhaustion))
               .add("exhaustion_beyond",
                    f.exhaustion_beyond ? json(k_exhaustion_beyond_text) : json(nullptr))
               .add("exhaustion_none", exhaustion_none(f.state.level, "not projected"))
               .add("state", css_word(f.state.name()))
               .add("state_label", state_label(f.state.name()))
               .add("data", freshness_of(f.data))
               .add("gauge_svg", nullptr)
               .add("burn_svg", nullptr)
               .take();
  // For the lists' filters and sorting (static/tables.js), and the row's budget bar.
  auto svc = site.services.find(f.service);
  const Service* service = svc == site.services.end() ? nullptr : svc->second;
  j["team"] = service ? text_or_null(site.team_name(service->owner_team.id)) : json(nullptr);
  j["tier"] = service ? text_or_null(service->tier) : json(nullptr);
  j["state_rank"] = static_cast<int>(f.state.level);
  j["attainment_sort"] = f.attainment ? json(format_fixed(*f.attainment * 100.0, 4)) : json("");
  j["remaining_sort"] = f.remaining ? json(format_fixed(*f.remaining * 100.0, 2)) : json("");
  j["exhaustion_sort"] = date_sort_key(f.projected_exhaustion.value_or(""));
  j["bar_pct"] =
      f.remaining ? json(static_cast<int>(std::lround(std::clamp(*f.remaining, 0.0, 1.0) * 100.0)))
                  : json(nullptr);
  auto b24 = f.burn_rates.find("24h");
  j["burn_24h"] = b24 == f.burn_rates.end() ? json(nullptr) : burn_or_null(b24->second);
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
  // The last point is the budget-remaining figure: it reads as that figure does, kept off the
  // policy's bands as well as off 0.
  spec.against_pct = 0;
  spec.reading = [&f](double v) { return remaining_text(v, f.state.edges); };
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
    // At the headline's rounding point (pct), so a day with the window's ratio reads its digits.
    daily.values.push_back(pct(day.good / day.total));
  }
  if (!any) return {};
  spec.series.push_back(std::move(daily));
  spec.reference = ReferenceLine{f.target, "target " + target_text(f.target)};
  spec.unit = "%";
  spec.decimals = attainment_decimals(f.target);
  // A day below the target reads below it, as the attainment figure does.
  spec.against_pct = f.target;
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
  std::string svg = chart_open("chart-deps", width, height, "Dependencies of " + name, desc);
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

} // namespace nines::site
