#include "render/svg.hpp"

#include "render/html.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>

namespace nines {

namespace {

// The axis covers the values it is fitted to up to this magnitude, so ranges, steps and
// coordinates stay finite; a value beyond it is drawn at the chart's edge and the text alternative
// says so. The text always states the true values.
constexpr double k_draw_limit = 1e306; // an order of magnitude below DBL_MAX: room for steps
// Average advance of a 12px sans-serif character; used only to size label columns.
constexpr double k_char_width = 7.0;
constexpr int k_font_size = 12;
constexpr double k_min_scale = 0.85;

std::optional<double> usable(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return v;
}

double drawable(double v) {
  return std::clamp(v, -k_draw_limit, k_draw_limit);
}

// The sentence that owns up to values the axis cannot reach.
std::string beyond_axis_note(const std::vector<double>& values) {
  for (double v : values)
    if (std::fabs(v) > k_draw_limit)
      return "Values beyond " + number_text(k_draw_limit, 0) + " in size are drawn at the edge.";
  return {};
}

// Coordinates: two decimals, trailing zeros trimmed, so output is compact and byte-stable.
// Formatted and trimmed in place: a chart writes thousands of them.
std::string coord(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[400]; // the longest finite double in fixed notation is 309 digits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  if (ec != std::errc()) return "n/a";
  std::string_view s(buf, static_cast<std::size_t>(end - buf));
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0')
      s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  return s == "-0" ? "0" : std::string(s);
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// At most `max_chars` code points, with an ellipsis when cut; escaped for a text node.
std::string label_text(std::string_view s, std::size_t max_chars) {
  if (utf8_length(s) <= max_chars) return html_escape(s);
  std::size_t keep = max_chars > 1 ? max_chars - 1 : 0;
  std::size_t i = 0, n = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == keep) break;
      ++n;
    }
  }
  return html_escape(s.substr(0, i)) + "\xE2\x80\xA6";
}

std::string clean_class(std::string_view s) {
  std::string out;
  for (char c : s)
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') out += c;
  return out;
}

double text_width(std::string_view s) {
  return static_cast<double>(utf8_length(s)) * k_char_width;
}

std::string value_text(double v, int decimals, const std::string& unit) {
  return number_text(v, decimals) + unit;
}

std::string text_el(double x, double y, const std::string& cls, const std::string& anchor,
                    const std::string& escaped_text, const std::string& extra = {}) {
  std::string s = "<text x=\"" + coord(x) + "\" y=\"" + coord(y) + "\"";
  if (!cls.empty()) s += " class=\"" + cls + "\"";
  if (!anchor.empty()) s += " text-anchor=\"" + anchor + "\"";
  s += extra + ">" + escaped_text + "</text>";
  return s;
}

std::string line_el(double x1, double y1, double x2, double y2, const std::string& cls) {
  return "<line class=\"" + cls + "\" x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" +
         coord(x2) + "\" y2=\"" + coord(y2) + "\"/>";
}

// A value axis with "nice" ticks (1, 2 or 5 times a power of ten).
struct Axis {
  double lo = 0;
  double hi = 1;
  double step = 0.25;
  int decimals = 2;
  int significant = 3; // for compact tick labels (number_text): enough to tell ticks apart
  std::vector<double> ticks;

  double fraction(double v) const { return (std::clamp(v, lo, hi) - lo) / (hi - lo); }
  std::string label(double t, const std::string& unit) const {
    return number_text(t, decimals, significant) + unit;
  }
};

double nice_step(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / magnitude;
  double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * magnitude;
}

Axis fit_axis(const std::vector<double>& values, std::optional<double> fixed_lo,
              std::optional<double> fixed_hi, bool include_zero) {
  Axis a;
  double lo = 0, hi = 1;
  if (!values.empty()) {
    lo = drawable(*std::min_element(values.begin(), values.end()));
    hi = drawable(*std::max_element(values.begin(), values.end()));
  }
  if (fixed_lo) fixed_lo = usable(drawable(fixed_lo.value_or(0)));
  if (fixed_hi) fixed_hi = usable(drawable(fixed_hi.value_or(0)));
  if (include_zero) {
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
  }
  if (auto l = usable(fixed_lo)) lo = *l;
  if (auto h = usable(fixed_hi)) hi = *h;
  if (hi - lo < 1e-9) {
    // A flat series still needs a visible band around it.
    double pad = std::abs(hi) > 0 ? std::abs(hi) * 0.05 : 1.0;
    if (!usable(fixed_lo)) lo -= pad;
    if (!usable(fixed_hi)) hi += pad;
    if (hi - lo < 1e-9) hi = lo + 1;
  }
  a.step = nice_step((hi - lo) / 5);
  a.lo = usable(fixed_lo) ? lo : std::floor(lo / a.step) * a.step;
  a.hi = usable(fixed_hi) ? hi : std::ceil(hi / a.step) * a.step;
  if (include_zero && !usable(fixed_lo) && lo >= 0) a.lo = 0;
  a.decimals =
      a.step >= 1 ? 0 : std::min(6, static_cast<int>(std::ceil(-std::log10(a.step) - 1e-9)));
  // Compact labels (from k_compact_from) need the digits down to the step's: 2.35e12, 2.4e12.
  const double largest = std::max(std::fabs(a.lo), std::fabs(a.hi));
  if (largest >= k_compact_from)
    a.significant = std::clamp(
        static_cast<int>(std::floor(std::log10(largest)) - std::floor(std::log10(a.step))) + 1, 2,
        17);
  double first = std::ceil(a.lo / a.step - 1e-9) * a.step;
  for (int k = 0; k < 50; ++k) {
    double t = first + k * a.step;
    if (t > a.hi + a.step * 1e-6) break;
    a.ticks.push_back(t);
  }
  return a;
}

std::string sentence_join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

} // namespace

std::string chart_open(const std::string& kind, double width, double height, std::string_view title,
                       const std::string& desc) {
  // Pages shrink a chart to fit (max-width: 100%), but never below k_min_scale of its size, so
  // its 12-unit text stays at least 10 CSS px; a narrower screen scrolls the chart's figure.
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart " + kind +
                  "\" viewBox=\"0 0 " + coord(width) + " " + coord(height) + "\" width=\"" +
                  coord(width) + "\" height=\"" + coord(height) +
                  "\" style=\"min-width:" + coord(std::ceil(width * k_min_scale)) +
                  "px\" role=\"img\" font-size=\"" + std::to_string(k_font_size) + "\">";
  s += "<title>" + html_escape(title) + "</title>";
  s += "<desc>" + html_escape(desc) + "</desc>";
  return s;
}

std::string line_chart(const LineChartSpec& spec) {
  const double width = std::max(spec.width, 240);
  const double height = std::max(spec.height, 140);
  std::size_t n = spec.x_labels.size();
  for (const auto& s : spec.series)
    n = std::max(n, s.values.size());
  auto label_at = [&](std::size_t i) -> std::string {
    return i < spec.x_labels.size() ? spec.x_labels[i] : std::string();
  };
  auto value_at = [](const LineSeries& s, std::size_t i) -> std::optional<double> {
    return i < s.values.size() ? usable(s.values[i]) : std::nullopt;
  };

  std::vector<double> all;
  for (const auto& s : spec.series)
    for (std::size_t i = 0; i < n; ++i)
      if (auto v = value_at(s, i)) all.push_back(*v);
  const bool has_data = !all.empty();
  std::optional<double> ref_value = spec.reference ? usable(spec.reference->value) : std::nullopt;
  std::vector<double> fit = all;
  if (ref_value) fit.push_back(*ref_value);
  Axis axis = fit_axis(fit, spec.y_min, spec.y_max, false);

  // Description: what a sighted reader would take from the chart.
  auto point_text = [&](double v) {
    if (spec.reading) return spec.reading(v);
    return spec.against_pct ? percent_against(v, *spec.against_pct, spec.decimals)
                            : value_text(v, spec.decimals, spec.unit);
  };
  std::vector<std::string> desc{spec.summary};
  if (!has_data) {
    desc.push_back("No data.");
  } else {
    std::string range = std::to_string(n) + (n == 1 ? " point" : " points");
    if (!label_at(0).empty() && !label_at(n - 1).empty())
      range += " from " + label_at(0) + " to " + label_at(n - 1);
    desc.push_back(range + ".");
    for (const auto& s : spec.series) {
      std::optional<double> latest, lo, hi;
      std::string latest_label;
      std::size_t missing = 0;
      for (std::size_t i = 0; i < n; ++i) {
        auto v = value_at(s, i);
        if (!v) {
          ++missing;
          continue;
        }
        latest = v;
        latest_label = label_at(i);
        lo = lo ? std::min(*lo, *v) : *v;
        hi = hi ? std::max(*hi, *v) : *v;
      }
      std::string name = s.name.empty() ? "Series" : s.name;
      if (!latest) {
        desc.push_back(name + ": no data.");
        continue;
      }
      std::string d = name + ": latest " + point_text(*latest) + " (" + latest_label +
                      "), minimum " + point_text(*lo) + ", maximum " + point_text(*hi);
      if (missing > 0) d += ", " + std::to_string(missing) + " missing";
      desc.push_back(d + ".");
    }
  }
  if (spec.reference && ref_value)
    desc.push_back("Reference line " + spec.reference->label + " at " +
                   value_text(*ref_value, spec.decimals, spec.unit) + ".");
  desc.push_back(beyond_axis_note(fit));

  // Geometry.
  double tick_label_w = 0;
  for (double t : axis.ticks)
    tick_label_w = std::max(tick_label_w, text_width(axis.label(t, spec.unit)));
  const bool legend = spec.series.size() > 1;
  const double left = std::max(44.0, tick_label_w + 16);
  const double right = 16;
  const double top = legend ? 30 : 12;
  const double bottom = 28;
  const double plot_w = width - left - right;
  const double plot_h = height - top - bottom;
  auto px = [&](std::size_t i) {
    return n <= 1 ? left + plot_w / 2
                  : left + plot_w * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto py = [&](double v) { return top + plot_h * (1 - axis.fraction(v)); };

  std::string svg = chart_open("chart-line", width, height,
                               spec.title.empty() ? "Line chart" : spec.title, sentence_join(desc));
  svg += "<g class=\"chart-grid\">";
  for (double t : axis.ticks)
    svg += line_el(left, py(t), left + plot_w, py(t), "chart-gridline");
  svg += "</g><g class=\"chart-axis\">";
  svg += line_el(left, top + plot_h, left + plot_w, top + plot_h, "chart-baseline");
  for (double t : axis.ticks)
    svg += text_el(left - 6, py(t) + 4, "", "end", html_escape(axis.label(t, spec.unit)));
  // At most 8 x labels, so they never overlap.
  std::size_t stride = (n + 7) / 8;
  for (std::size_t i = 0; stride > 0 && i < n; i += stride)
    svg += text_el(px(i), top + plot_h + 18, "", "middle", label_text(label_at(i), 14));
  svg += "</g>";

  if (spec.reference && ref_value) {
    double y = py(*ref_value);
    svg += "<g class=\"chart-ref\">" + line_el(left, y, left + plot_w, y, "chart-ref-line");
    svg += text_el(left + plot_w, y - 4, "chart-ref-label", "end",
                   label_text(spec.reference->label, 40)) +
           "</g>";
  }

  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    const auto& s = spec.series[k];
    std::string cls = "series-" + std::to_string(k % 6);
    std::string path, points;
    std::size_t run = 0;
    for (std::size_t i = 0; i <= n; ++i) {
      auto v = i < n ? value_at(s, i) : std::nullopt;
      if (v) {
        path +=
            (run == 0 ? (path.empty() ? "M" : " M") : " L") + coord(px(i)) + " " + coord(py(*v));
        ++run;
        continue;
      }
      // A lone point between gaps has no segment to draw; mark it so it is still visible.
      if (run == 1) {
        auto prev = value_at(s, i - 1);
        points += "<circle class=\"chart-point " + cls + "\" cx=\"" + coord(px(i - 1)) +
                  "\" cy=\"" + coord(py(*prev)) + "\" r=\"3\"/>";
      }
      run = 0;
    }
    svg += "<g class=\"chart-series " + cls + "\">";
    if (!path.empty()) svg += "<path class=\"chart-path\" fill=\"none\" d=\"" + path + "\"/>";
    svg += points + "</g>";
  }

  if (legend) {
    double x = left;
    svg += "<g class=\"chart-legend\">";
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
      std::string cls = "series-" + std::to_string(k % 6);
      std::string name = spec.series[k].name.empty() ? "Series" : spec.series[k].name;
      svg += "<rect class=\"chart-swatch " + cls + "\" x=\"" + coord(x) +
             "\" y=\"8\" width=\"12\" "
             "height=\"12\"/>";
      svg += text_el(x + 16, 18, "", "", label_text(name, 24));
      x += 16 + text_width(name.substr(0, 24)) + 16;
    }
    svg += "</g>";
  }
  if (!has_data)
    svg += text_el(left + plot_w / 2, top + plot_h / 2, "chart-missing", "middle", "No data");
  svg += "</svg>";
  return svg;
}

std::string bar_chart(const BarChartSpec& spec) {
  const double width = std::max(spec.width, 240);
  const double row_h = 22, gap = 6;
  std::size_t n = spec.bars.size();

  std::vector<double> fit;
  double label_w = 0;
  for (const auto& b : spec.bars) {
    if (auto v = usable(b.value)) fit.push_back(*v);
    label_w = std::max(label_w, text_width(b.label));
  }
  const bool has_data = !fit.empty() || std::any_of(spec.bars.begin(), spec.bars.end(),
                                                    [](const Bar& b) { return !b.text.empty(); });
  std::optional<double> ref_value = spec.reference ? usable(spec.reference->value) : std::nullopt;
  if (ref_value) fit.push_back(*ref_value);
  Axis axis = fit_axis(fit, std::nullopt, std::nullopt, true);

  auto value_of = [&](double v) {
    return spec.against_pct ? percent_against(v, *spec.against_pct)
                            : value_text(v, spec.decimals, spec.unit);
  };
  // A bar's reading: its own text when it has one, else its value, else "no data".
  auto bar_text = [&](const Bar& b, std::optional<double> v) {
    if (!b.text.empty()) return b.text;
    return v ? value_of(*v) : std::string("no data");
  };
  std::vector<std::string> desc{spec.summary};
  if (!has_data)
    desc.push_back("No data.");
  else
    desc.push_back(std::to_string(n) + (n == 1 ? " bar." : " bars."));
  std::string listing;
  for (std::size_t i = 0; i < n && i < 20; ++i) {
    const auto& b = spec.bars[i];
    auto v = usable(b.value);
    listing += (i == 0 ? "" : "; ") + b.label + ": " + bar_text(b, v);
  }
  if (n > 20) listing += "; and " + std::to_string(n - 20) + " more";
  if (has_data) desc.push_back(listing + ".");
  if (spec.reference && ref_value)
    desc.push_back("Reference line " + spec.reference->label + " at " +
                   value_text(*ref_value, spec.decimals, spec.unit) + ".");
  desc.push_back(beyond_axis_note(fit));

  const double left = std::clamp(label_w + 12, 60.0, width * 0.4);
  const std::size_t label_chars = static_cast<std::size_t>((left - 12) / k_char_width + 1e-9);
  const double value_w = 72;
  const double top = spec.reference && ref_value ? 22 : 8;
  const double plot_w = width - left - value_w;
  const double plot_h = static_cast<double>(n) * (row_h + gap);
  const double height = top + plot_h + 24;
  auto px = [&](double v) { return left + plot_w * axis.fraction(v); };

  std::string svg = chart_open("chart-bar", width, height,
                               spec.title.empty() ? "Bar chart" : spec.title, sentence_join(desc));
  svg += "<g class=\"chart-grid\">";
  for (double t : axis.ticks)
    svg += line_el(px(t), top, px(t), top + plot_h, "chart-gridline");
  svg += "</g><g class=\"chart-axis\">";
  for (double t : axis.ticks)
    svg += text_el(px(t), top + plot_h + 16, "", "middle", html_escape(axis.label(t, spec.unit)));
  svg += "</g>";

  for (std::size_t i = 0; i < n; ++i) {
    const auto& b = spec.bars[i];
    auto v = usable(b.value);
    double y = top + static_cast<double>(i) * (row_h + gap);
    std::string cls = clean_class(b.css_class);
    svg += "<g class=\"chart-row" + (cls.empty() ? std::string() : " " + cls) + "\"><title>" +
           html_escape(b.label) + ": " + html_escape(bar_text(b, v)) + "</title>";
    svg += text_el(left - 8, y + row_h / 2 + 4, "chart-label", "end",
                   label_text(b.label, label_chars));
    if (v) {
      double x0 = px(0), x1 = px(*v);
      svg += "<rect class=\"chart-bar-rect\" x=\"" + coord(std::min(x0, x1)) + "\" y=\"" +
             coord(y) + "\" width=\"" + coord(std::max(std::abs(x1 - x0), 1.0)) + "\" height=\"" +
             coord(row_h) + "\"/>";
      svg +=
          text_el(width - 4, y + row_h / 2 + 4, "chart-value", "end", html_escape(bar_text(b, v)));
    } else if (!b.text.empty()) {
      svg += text_el(width - 4, y + row_h / 2 + 4, "chart-value", "end", html_escape(b.text));
    } else {
      svg += text_el(px(0) + 4, y + row_h / 2 + 4, "chart-missing", "", "no data");
    }
    svg += "</g>";
  }
  svg += line_el(px(0), top, px(0), top + plot_h, "chart-baseline");
  if (spec.reference && ref_value) {
    double x = px(*ref_value);
    svg += "<g class=\"chart-ref\">" + line_el(x, top - 4, x, top + plot_h, "chart-ref-line");
    svg += text_el(x, top - 8, "chart-ref-label", "middle", label_text(spec.reference->label, 40)) +
           "</g>";
  }
  svg += "</svg>";
  return svg;
}

std::string gauge(double fraction_remaining, std::string_view label, std::string_view state,
                  std::span<const double> edges) {
  const double width = 220, height = 140, cx = 110, cy = 112, r = 86;
  const bool missing = !std::isfinite(fraction_remaining);
  std::string st = clean_class(state);
  if (st.empty()) {
    st = missing                     ? "missing"
         : fraction_remaining <= 0   ? "exhausted"
         : fraction_remaining < 0.25 ? "critical"
         : fraction_remaining < 0.5  ? "warning"
                                     : "healthy";
  }
  std::string name = label.empty() ? std::string("Error budget") : std::string(label);
  std::string big, desc;
  if (missing) {
    big = "No data";
    desc = name + ": no data.";
  } else if (fraction_remaining <= 0) {
    big = "Exhausted";
    desc = name + ": error budget exhausted";
    // The overspend as the budget-remaining figure reads it, less its sign: any overspend the
    // figure shows (-0.1% for -0.04%) is shown, and one it rounds away is not.
    const std::string left = remaining_text(fraction_remaining * 100, edges);
    if (left.starts_with('-')) desc += ", " + left.substr(1) + " over budget";
    desc += ".";
  } else {
    big = remaining_text(std::min(fraction_remaining, 10.0) * 100, edges);
    desc = name + ": " + big + " of the error budget remaining.";
  }

  std::string svg = chart_open("chart-gauge state-" + st, width, height, name, desc);
  std::string track = "M " + coord(cx - r) + " " + coord(cy) + " A " + coord(r) + " " + coord(r) +
                      " 0 0 1 " + coord(cx + r) + " " + coord(cy);
  svg += "<path class=\"gauge-track\" fill=\"none\" stroke-width=\"16\" d=\"" + track + "\"/>";
  double f = missing ? 0 : std::clamp(fraction_remaining, 0.0, 1.0);
  if (f > 0) {
    double angle = std::numbers::pi * (1 - f);
    double ex = cx + r * std::cos(angle), ey = cy - r * std::sin(angle);
    std::string arc = "M " + coord(cx - r) + " " + coord(cy) + " A " + coord(r) + " " + coord(r) +
                      " 0 0 1 " + coord(ex) + " " + coord(ey);
    svg += "<path class=\"gauge-fill\" fill=\"none\" stroke-width=\"16\" d=\"" + arc + "\"/>";
  }
  svg += text_el(cx, cy - 14, "gauge-value", "middle", html_escape(big), " font-size=\"22\"");
  svg += text_el(cx, cy + 22, "gauge-label", "middle", label_text(name, 30));
  svg += "</svg>";
  return svg;
}

std::string heatmap(const HeatmapSpec& spec) {
  const int max_level = std::clamp(spec.max_level, 1, 10);
  const std::size_t rows = spec.row_labels.size(), cols = spec.col_labels.size();
  const double cell_w = 48, cell_h = 30, gap = 2;
  auto cell = [&](std::size_t r, std::size_t c) -> std::optional<int> {
    if (r >= spec.cells.size() || c >= spec.cells[r].size() || !spec.cells[r][c])
      return std::nullopt;
    return std::clamp(*spec.cells[r][c], 0, max_level);
  };

  double row_label_w = 0, col_label_w = 0;
  for (const auto& l : spec.row_labels)
    row_label_w = std::max(row_label_w, text_width(l));
  for (const auto& l : spec.col_labels)
    col_label_w = std::max(col_label_w, text_width(l.substr(0, 24)));
  // Column labels are drawn at -40 degrees: long dimension names fit above narrow columns.
  const double sin40 = 0.6428, cos40 = 0.7660;
  const double left = std::clamp(row_label_w + 12, 60.0, 240.0);
  const std::size_t row_chars = static_cast<std::size_t>((left - 12) / k_char_width + 1e-9);
  const double top = col_label_w * sin40 + 16;
  const double right = std::max(12.0, col_label_w * cos40 - cell_w / 2);
  const double width = left + static_cast<double>(cols) * (cell_w + gap) + right;
  const double height = top + static_cast<double>(rows) * (cell_h + gap) + 8;

  // Description: overall mean and each row's mean, the figures a reader compares.
  std::vector<std::string> desc{spec.summary};
  desc.push_back(std::to_string(rows) + " rows by " + std::to_string(cols) +
                 " columns, levels 0 to " + std::to_string(max_level) + ".");
  double total = 0;
  std::size_t count = 0, missing = 0;
  std::string per_row;
  for (std::size_t r = 0; r < rows; ++r) {
    double row_total = 0;
    std::size_t row_count = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      if (auto v = cell(r, c)) {
        row_total += *v;
        ++row_count;
      } else {
        ++missing;
      }
    }
    total += row_total;
    count += row_count;
    if (r < 20)
      per_row += (r == 0 ? "" : "; ") + spec.row_labels[r] + " " +
                 (row_count ? "mean " + format_fixed(row_total / static_cast<double>(row_count), 1)
                            : std::string("no data"));
  }
  if (rows > 20) per_row += "; and " + std::to_string(rows - 20) + " more";
  if (count == 0)
    desc.push_back("No data.");
  else
    desc.push_back("Mean level " + format_fixed(total / static_cast<double>(count), 1) + ".");
  if (missing > 0) desc.push_back(std::to_string(missing) + " cells without data.");
  if (rows > 0) desc.push_back(per_row + ".");

  std::string svg = chart_open("chart-heatmap", width, height,
                               spec.title.empty() ? "Heatmap" : spec.title, sentence_join(desc));
  svg += "<g class=\"chart-axis\">";
  for (std::size_t c = 0; c < cols; ++c) {
    double x = left + static_cast<double>(c) * (cell_w + gap) + cell_w / 2;
    double y = top - 6;
    svg += text_el(x, y, "", "start", label_text(spec.col_labels[c], 24),
                   " transform=\"rotate(-40 " + coord(x) + " " + coord(y) + ")\"");
  }
  for (std::size_t r = 0; r < rows; ++r) {
    double y = top + static_cast<double>(r) * (cell_h + gap) + cell_h / 2 + 4;
    svg += text_el(left - 8, y, "", "end", label_text(spec.row_labels[r], row_chars));
  }
  svg += "</g>";
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      auto v = cell(r, c);
      double x = left + static_cast<double>(c) * (cell_w + gap);
      double y = top + static_cast<double>(r) * (cell_h + gap);
      std::string cls = v ? "heat-" + std::to_string(*v) : std::string("heat-none");
      std::string shown = v ? std::to_string(*v) : std::string("\xE2\x80\x93");
      svg += "<g class=\"heat-cell " + cls + "\"><title>" + html_escape(spec.row_labels[r]) + ", " +
             html_escape(spec.col_labels[c]) + ": " +
             (v ? "level " + shown : std::string("no data")) + "</title>";
      svg += "<rect x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" width=\"" + coord(cell_w) +
             "\" height=\"" + coord(cell_h) + "\"/>";
      svg += text_el(x + cell_w / 2, y + cell_h / 2 + 4, "", "middle", shown) + "</g>";
    }
  }
  svg += "</svg>";
  return svg;
}

} // namespace nines
