// Inline SVG charts drawn at build time: no script, no external request, readable without colour.
//
// Every chart is an <svg role="img"> whose <title> and <desc> give its name and a sentence
// summarising the data, so a screen reader gets the figures the picture shows. Colours come from
// CSS classes (chart-*, series-N, state-*, heat-N) styled by the theme, so light and dark schemes
// and print apply. Numbers are formatted with fixed decimals and no locale; non-finite values are
// treated as missing and never reach the output. All text is escaped with html.hpp.
#pragma once

#include "model/numbers.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

// A horizontal line across a chart, e.g. an SLO target or an alert threshold.
struct ReferenceLine {
  double value = 0;
  std::string label; // e.g. "target 99.9%"
};

struct LineSeries {
  std::string name;
  std::vector<std::optional<double>> values; // one per x label; nullopt (or NaN) leaves a gap
};

struct LineChartSpec {
  std::string title;   // the accessible name, e.g. "Error budget remaining, last 30 days"
  std::string summary; // optional sentence put before the generated description
  std::vector<std::string> x_labels; // at most 8 are drawn, evenly thinned
  std::vector<LineSeries> series;    // drawn as series-0, series-1, ...; a legend when > 1
  std::optional<ReferenceLine> reference;
  std::optional<double> y_min, y_max; // fixed axis bounds; otherwise fitted to the data
  std::string unit;                   // appended to values: "%", " ms"
  int decimals = 1;                   // for values in the description
  int width = 640;
  int height = 240;
  // Percentages read against a threshold (budget remaining against 0, attainment against the
  // target): the description's values read as percent_against(value, against_pct, decimals), as
  // the figures above the chart do, so a value below the threshold never reads at it.
  std::optional<double> against_pct;
  // How a value reads, when the page words it another way (budget remaining kept off its
  // policy's bands); it takes the place of against_pct. Empty: against_pct or the unit.
  std::function<std::string(double)> reading = {};
};

struct Bar {
  std::string label;
  std::optional<double> value; // nullopt (or NaN) is drawn as "no data"
  std::string css_class;       // optional extra class, e.g. "state-warning"; [a-z0-9_-] only
  // The value as the page's table words it ("7.2 mo", "no limit"), when the chart's own number
  // format would read differently; a bar without a value but with a text is a reading, not a
  // missing figure. Empty: the value formatted by the chart, or "no data".
  std::string text = {};
};

// Horizontal bars, one row per bar, labels on the left: long service names stay readable.
struct BarChartSpec {
  std::string title;
  std::string summary;
  std::vector<Bar> bars;
  std::optional<ReferenceLine> reference;
  std::string unit;
  int decimals = 1;
  int width = 640;
  // Percentages read against a target (toil against 25%, budget remaining against 0): each bar's
  // value reads as percent_against(value, against_pct), as on the pages, so a value below the
  // target never reads at it. `unit` and `decimals` then apply to the axis only.
  std::optional<double> against_pct;
};

struct HeatmapSpec {
  std::string title;
  std::string summary;
  std::vector<std::string> row_labels;
  std::vector<std::string> col_labels;
  std::vector<std::vector<std::optional<int>>> cells; // [row][col], 0..max_level; nullopt = none
  int max_level = 5;
};

// Fixed-point text for `value` with `decimals` digits, '.' as separator, never "-0"; "n/a" for
// NaN and infinities. Shared by the charts so every figure on a page is formatted the same way:
// it is the model's fixed_text, under the name the pages use.
inline std::string format_fixed(double value, int decimals) {
  return fixed_text(value, decimals);
}

// The opening <svg> tag with its <title> and <desc>, shared by every chart: `kind` is the extra
// class ("chart-line"). The chart shrinks with the page down to 85% of `width`, no further, so
// its text stays legible (at least 10 CSS px); past that its container scrolls.
std::string chart_open(const std::string& kind, double width, double height, std::string_view title,
                       const std::string& desc);

std::string line_chart(const LineChartSpec& spec);
std::string bar_chart(const BarChartSpec& spec);

// A semicircle error-budget gauge. `fraction_remaining` 1 is a full budget; it is clamped to
// [0, 1] for the arc, and a negative value is shown as exhausted with the overspend in the text,
// read as the budget-remaining figure is (percent_against 0): overspent by 0.04% is "0.1% over
// budget", never "0.0%".
// `state` (healthy, warning, critical, exhausted, missing) picks the colour class; when empty it
// is derived from the fraction only to colour the arc (compute/ owns the real thresholds).
// `edges`: the bands of the budget's policy, which the figure is kept off (remaining_text).
std::string gauge(double fraction_remaining, std::string_view label, std::string_view state = {},
                  std::span<const double> edges = {});

// A grid of levels (maturity: services by dimensions). Each cell shows its number as well as its
// colour, so the chart does not rely on colour alone.
std::string heatmap(const HeatmapSpec& spec);

} // namespace nines
