#include "render/svg.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <doctest/doctest.h>
#include <limits>

using namespace nines;

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1))
    ++n;
  return n;
}

// Every chart: one <svg role="img"> with a <title> and a <desc> first, balanced.
void check_frame(const std::string& svg) {
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(contains(svg, "role=\"img\""));
  CHECK(contains(svg, "\"><title>"));
  CHECK(contains(svg, "</title><desc>"));
  CHECK(count(svg, "<title>") == count(svg, "</title>"));
  CHECK(count(svg, "<g") == count(svg, "</g>"));
  CHECK(svg.size() > 6);
  CHECK(svg.substr(svg.size() - 6) == "</svg>");
  CHECK(!contains(svg, "fill=\"#")); // colours come from CSS classes
  CHECK(!contains(svg, "stroke=\"#"));
}

// No non-finite number anywhere: not as text, not as a coordinate.
void check_finite(const std::string& svg) {
  std::string lower = svg;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  CHECK(!contains(lower, "nan"));
  CHECK(!contains(lower, "inf"));
  CHECK(!contains(lower, "e+"));
  // No exponent in any number: a digit, 'e', '-' and a digit in a row.
  std::string exponent;
  for (std::size_t i = 0; i + 3 < svg.size() && exponent.empty(); ++i)
    if (std::isdigit(static_cast<unsigned char>(svg[i])) && svg[i + 1] == 'e' &&
        svg[i + 2] == '-' && std::isdigit(static_cast<unsigned char>(svg[i + 3])))
      exponent = svg.substr(i, 8);
  CHECK_MESSAGE(exponent.empty(), exponent);
}

} // namespace

TEST_CASE("render/svg: format_fixed is locale-free, fixed and never -0") {
  CHECK(format_fixed(99.95, 2) == "99.95");
  CHECK(format_fixed(1.0 / 3.0, 3) == "0.333");
  CHECK(format_fixed(-0.0001, 2) == "0.00");
  CHECK(format_fixed(-1.5, 0) == "-2");
  CHECK(format_fixed(12345678.0, 1) == "12345678.0");
  CHECK(format_fixed(k_nan, 1) == "n/a");
  CHECK(format_fixed(-k_inf, 1) == "n/a");
}

TEST_CASE("render/svg: line chart structure, thinned labels, reference line and gaps") {
  LineChartSpec spec;
  spec.title = "Budget remaining";
  spec.unit = "%";
  LineSeries s{"remaining", {}};
  for (int i = 0; i < 30; ++i) {
    spec.x_labels.push_back("2026-10-" + std::string(i + 1 < 10 ? "0" : "") +
                            std::to_string(i + 1));
    s.values.push_back(i == 10 || i == 11 ? std::nullopt : std::optional<double>(100.0 - i * 2.5));
  }
  s.values[13] = std::nullopt; // leaves 12 alone between gaps
  spec.series.push_back(s);
  spec.reference = ReferenceLine{25, "threshold 25%"};
  std::string svg = line_chart(spec);
  check_frame(svg);
  check_finite(svg);
  CHECK(contains(svg, "<title>Budget remaining</title>"));
  CHECK(contains(svg, "30 points from 2026-10-01 to 2026-10-30."));
  CHECK(contains(svg, "remaining: latest 27.5% (2026-10-30), minimum 27.5%, maximum 100.0%, "
                      "3 missing."));
  CHECK(contains(svg, "Reference line threshold 25% at 25.0%."));
  CHECK(contains(svg, "class=\"chart-ref-line\""));
  // Three runs of values, so the path starts three times; the lone point gets a marker.
  CHECK(count(svg, " M") + 1 == 3);
  CHECK(count(svg, "<circle") == 1);
  // At most 8 x labels: the date labels present in <text> elements.
  CHECK(count(svg, ">2026-10-") <= 8);
  CHECK(count(svg, ">2026-10-") >= 4);
}

TEST_CASE("render/svg: line chart with no data, NaN and infinity") {
  LineChartSpec spec;
  spec.title = "Empty";
  spec.x_labels = {"a", "b", "c"};
  spec.series.push_back({"s", {k_nan, k_inf, -k_inf}});
  spec.reference = ReferenceLine{k_nan, "never"};
  std::string svg = line_chart(spec);
  check_frame(svg);
  check_finite(svg);
  CHECK(contains(svg, "No data."));
  CHECK(!contains(svg, "<path"));

  LineChartSpec flat;
  flat.x_labels = {"x"};
  flat.series.push_back({"", {5.0}});
  flat.y_min = 10; // an inverted fixed range must not produce a division by zero
  flat.y_max = 10;
  std::string one = line_chart(flat);
  check_finite(one);
  CHECK(count(one, "<circle") == 1);

  LineChartSpec huge;
  huge.x_labels = {"a", "b"};
  huge.series.push_back({"s", {1e308, -1e308}});
  check_finite(line_chart(huge));
}

TEST_CASE("render/svg: large values: the text states them, the axis covers them") {
  LineChartSpec spec;
  spec.title = "Traffic";
  spec.x_labels = {"10-30", "10-31"};
  spec.decimals = 0;
  spec.series.push_back({"Traffic", {2.5e12, 2.5e12}});
  std::string svg = line_chart(spec);
  check_finite(svg);
  CHECK(contains(svg, "latest 2.5e12 (10-31), minimum 2.5e12, maximum 2.5e12."));
  CHECK(contains(svg, "text-anchor=\"end\">2.5e12<")); // an axis tick at the value
  CHECK(!contains(svg, "1000000000000"));              // the old clamp
  CHECK(!contains(svg, "drawn at the edge"));

  spec.series[0].values = {1e300, 2e300};
  svg = line_chart(spec);
  check_finite(svg);
  CHECK(contains(svg, "latest 2.0e300 (10-31), minimum 1.0e300, maximum 2.0e300."));
  CHECK(!contains(svg, "0000000000"));        // no 300-digit number anywhere
  CHECK(!contains(svg, "drawn at the edge")); // 1e300 is within the axis

  // Beyond what an axis can span: the true values, and a word that they are drawn at the edge.
  spec.series[0].values = {1e308, -1e308};
  svg = line_chart(spec);
  check_finite(svg);
  CHECK(contains(svg, "latest -1.0e308 (10-31), minimum -1.0e308, maximum 1.0e308."));
  CHECK(contains(svg, "Values beyond 1.0e306 in size are drawn at the edge."));

  BarChartSpec bars;
  bars.bars = {{"a", 2.5e12, ""}, {"b", 1e300, ""}};
  bars.decimals = 0;
  svg = bar_chart(bars);
  check_finite(svg);
  CHECK(contains(svg, "a: 2.5e12; b: 1.0e300."));
  CHECK(!contains(svg, "0000000000"));
}

TEST_CASE("render/svg: line chart escapes every text and draws a legend for several series") {
  LineChartSpec spec;
  spec.title = "<script>alert('t')</script>";
  spec.summary = "a & b";
  spec.x_labels = {"<x>", "\"y\""};
  spec.series = {{"<s1>", {1.0, 2.0}}, {"s2 & co", {2.0, 1.0}}};
  spec.reference = ReferenceLine{1.5, "<ref>"};
  std::string svg = line_chart(spec);
  check_frame(svg);
  CHECK(!contains(svg, "<script"));
  CHECK(!contains(svg, "<x>"));
  CHECK(!contains(svg, "<s1>"));
  CHECK(!contains(svg, "<ref>"));
  CHECK(contains(svg, "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"));
  CHECK(contains(svg, "a &amp; b"));
  CHECK(contains(svg, "class=\"chart-swatch series-0\""));
  CHECK(contains(svg, "class=\"chart-swatch series-1\""));
  CHECK(contains(svg, "s2 &amp; co"));
}

TEST_CASE("render/svg: line chart output is byte-stable") {
  LineChartSpec spec;
  spec.x_labels = {"a", "b", "c"};
  spec.series = {{"s", {0.1, 0.2, 0.30000000000000004}}};
  CHECK(line_chart(spec) == line_chart(spec));
}

TEST_CASE("render/svg: bar chart rows, negatives, missing values and classes") {
  BarChartSpec spec;
  spec.title = "Toil hours";
  spec.unit = " h";
  spec.bars = {{"platform", 12.5, "state-warning"},
               {"<payments>", std::nullopt, ""},
               {"data", -3.0, "bad class\" onload=\"x"},
               {"inf", k_inf, ""}};
  spec.reference = ReferenceLine{10, "budget"};
  std::string svg = bar_chart(spec);
  check_frame(svg);
  CHECK(count(svg, "class=\"chart-bar-rect\"") == 2);
  CHECK(contains(svg, "class=\"chart-row state-warning\""));
  CHECK(contains(svg, "class=\"chart-row badclassonloadx\""));
  CHECK(!contains(svg, "onload=\""));
  CHECK(contains(svg, "&lt;payments&gt;: no data"));
  CHECK(contains(svg, "platform: 12.5 h; &lt;payments&gt;: no data; data: -3.0 h; inf: no data."));
  CHECK(contains(svg, "Reference line budget at 10.0 h."));
  // The text "inf" is a label here; check that no number is non-finite instead.
  CHECK(!contains(svg, "nan"));
  CHECK(!contains(svg, "=\"inf"));
  CHECK(!contains(svg, "=\"-inf"));
}

TEST_CASE("render/svg: bar values read against a target as the pages read them") {
  BarChartSpec spec;
  spec.unit = "%";
  spec.against_pct = 25;
  spec.reference = ReferenceLine{25, "target 25%"};
  spec.bars = {{"t1", 24.96, ""}};
  std::string svg = bar_chart(spec);
  CHECK(contains(svg, "t1: 24.9%"));                  // the description and the row's title
  CHECK(contains(svg, "text-anchor=\"end\">24.9%<")); // the value beside the bar
  CHECK(!contains(svg, "t1: 25.0%"));
  spec.against_pct = 0;
  spec.bars = {{"a1", -0.0393, ""}};
  CHECK(contains(bar_chart(spec), "a1: -0.1%"));
}

TEST_CASE("render/svg: line chart values read against a threshold as the figures read them") {
  LineChartSpec spec;
  spec.unit = "%";
  spec.against_pct = 0;
  spec.x_labels = {"10-30", "10-31"};
  spec.series.push_back({"Budget remaining", {0.5, -0.0393}});
  std::string svg = line_chart(spec);
  // The last point is the budget-remaining figure, -0.1%: an overspent budget never reads 0.0%.
  CHECK(contains(svg, "Budget remaining: latest -0.1% (10-31), minimum -0.1%, maximum 0.5%."));
  CHECK(!contains(svg, "latest 0.0%"));
  // A day just below the target reads below it, with the target's decimals.
  spec.against_pct = 99.9;
  spec.decimals = 2;
  spec.series = {{"Attainment", {99.8996, 99.95}}};
  svg = line_chart(spec);
  CHECK(contains(svg, "Attainment: latest 99.95% (10-31), minimum 99.89%, maximum 99.95%."));
  // Without a threshold, values round as before.
  spec.against_pct.reset();
  CHECK(contains(line_chart(spec), "minimum 99.90%"));
}

TEST_CASE("render/svg: gauge clamps, shows exhaustion and handles NaN") {
  std::string healthy = gauge(0.734, "checkout availability");
  check_frame(healthy);
  check_finite(healthy);
  CHECK(contains(healthy, "state-healthy"));
  CHECK(contains(healthy, ">73.4%</text>"));
  CHECK(contains(healthy, "73.4% of the error budget remaining."));
  CHECK(count(healthy, "<path") == 2);

  std::string over = gauge(1.7, "x");
  CHECK(contains(over, ">170.0%</text>"));
  CHECK(count(over, "<path") == 2);
  check_finite(over);

  std::string exhausted = gauge(-0.23, "ledger <db>");
  check_frame(exhausted);
  CHECK(contains(exhausted, "state-exhausted"));
  CHECK(contains(exhausted, ">Exhausted</text>"));
  CHECK(contains(exhausted, "error budget exhausted, 23.0% over budget."));
  CHECK(contains(exhausted, "ledger &lt;db&gt;"));
  CHECK(count(exhausted, "<path") == 1); // the track only
  // Overspent by 0.0393%: the budget-remaining figure reads -0.1%, so the gauge says 0.1% over,
  // never 0.0%; an overspend within the figures' tolerance is no overspend the figure shows.
  std::string barely = gauge(-0.000393, "b");
  CHECK(contains(barely, "error budget exhausted, 0.1% over budget."));
  CHECK(!contains(barely, "0.0% over budget"));
  CHECK(contains(gauge(-1e-13, "b"), "b: error budget exhausted.</desc>"));

  std::string missing = gauge(k_nan, "m");
  check_finite(missing);
  CHECK(contains(missing, "state-missing"));
  CHECK(contains(missing, ">No data</text>"));

  CHECK(contains(gauge(0.9, "s", "critical"), "state-critical"));
  CHECK(contains(gauge(0.9, "s", "\"><script>"), "state-script"));
  check_finite(gauge(k_inf, "i"));
  check_finite(gauge(-k_inf, "i"));
}

TEST_CASE("render/svg: heatmap cells carry their level as text and class") {
  HeatmapSpec spec;
  spec.title = "Maturity";
  spec.row_labels = {"checkout", "<ledger>"};
  spec.col_labels = {"observability", "incident response", "x"};
  spec.cells = {{0, 3, 5}, {9, std::nullopt}}; // 9 clamps to 5; a short row is missing cells
  std::string svg = heatmap(spec);
  check_frame(svg);
  check_finite(svg);
  CHECK(count(svg, "class=\"heat-cell heat-") == 6);
  CHECK(count(svg, "heat-cell heat-5") == 2);
  CHECK(count(svg, "heat-cell heat-none") == 2);
  CHECK(contains(svg, "checkout, incident response: level 3"));
  CHECK(contains(svg, "&lt;ledger&gt;"));
  CHECK(!contains(svg, "<ledger>"));
  CHECK(contains(svg, "2 rows by 3 columns, levels 0 to 5. Mean level 3.3. 2 cells without data. "
                      "checkout mean 2.7; &lt;ledger&gt; mean 5.0."));
}
