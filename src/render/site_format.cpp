// Display formatting of figures and the freshness of their data. Nothing here derives a figure;
// it only shows the ones compute produced.
#include "model/digest.hpp"
#include "model/kinds.hpp"
#include "model/numbers.hpp"
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
// Formatting

json text_or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json opt_text(const std::optional<std::string>& s) {
  return s && !s->empty() ? json(*s) : json(nullptr);
}

std::string exhaustion_none(BudgetState state, std::string_view otherwise) {
  if (state == BudgetState::Exhausted) return "already exhausted";
  if (state == BudgetState::Missing) return "no data";
  return std::string(otherwise);
}

std::string num(double value, int decimals) {
  return trimmed_text(value, decimals);
}

std::string num_against(double value, std::initializer_list<double> thresholds, int decimals) {
  return without_trailing_zeros(number_against(value, thresholds, decimals));
}

std::string maturity_total(double total) {
  return without_trailing_zeros(maturity_total_text(total));
}

json num_against_or_null(const std::optional<double>& value,
                         std::initializer_list<double> thresholds, int decimals,
                         const std::string& unit) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return num_against(*value, thresholds, decimals) + unit;
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

json burn_or_null(const std::optional<double>& rate) {
  if (!rate || !std::isfinite(*rate)) return nullptr;
  return burn_rate_text(rate);
}

json pct_or_null(const std::optional<double>& fraction, int decimals) {
  if (!fraction || !std::isfinite(*fraction)) return nullptr;
  return format_fixed(*pct(fraction), decimals) + "%";
}

std::string target_text(double target_pct) {
  return written_percent(target_pct);
}

int attainment_decimals(double target_pct) {
  return decimals_against(target_pct, 2);
}

json attainment_or_null(const std::optional<double>& fraction, double target_pct) {
  if (!fraction || !std::isfinite(*fraction)) return nullptr;
  return attainment_text(pct(fraction), target_pct);
}

json pct_against_or_null(const std::optional<double>& pct, double threshold_pct) {
  if (!pct || !std::isfinite(*pct)) return nullptr;
  return percent_against(*pct, threshold_pct);
}

json share_or_null(const std::optional<double>& pct, double threshold_pct) {
  if (!pct || !std::isfinite(*pct)) return nullptr;
  return share_against(*pct, threshold_pct);
}

json consumed_or_null(const std::optional<double>& pct) {
  if (!pct || !std::isfinite(*pct)) return nullptr;
  return consumed_text(*pct);
}

std::string minutes_text(double minutes) {
  if (!std::isfinite(minutes)) return "n/a";
  if (std::abs(minutes) < 120) return without_trailing_zeros(amount_text(minutes, 1)) + " min";
  if (std::abs(minutes) < 48 * 60) return num(minutes / 60.0, 1) + " h";
  return num(minutes / 1440.0, 1) + " days";
}

std::string date_sort_key(const std::string& date) {
  auto days = parse_date(date);
  if (!days) return "";
  std::string iso = format_date(*days); // "2026-11-17": the canonical form of the parsed date
  iso.erase(std::remove(iso.begin(), iso.end(), '-'), iso.end());
  return iso.size() == 8 ? iso : ""; // a year outside 0-9999 has no such key
}

std::string minutes_sort_key(const std::optional<double>& minutes) {
  return minutes && std::isfinite(*minutes) ? num(*minutes, 3) : "";
}

std::string duration_days_text(double days) {
  if (!std::isfinite(days)) return "n/a";
  if (days < 2) return num(days * 24.0, 1) + " hours";
  return num(days, 1) + " days";
}

std::string window_days_text(double days) {
  return num(days, 2) + (days == 1 ? " day" : " days");
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
  std::size_t size = 0;
  for (const auto& p : parts)
    size += p.size() + sep.size();
  std::string out;
  out.reserve(size);
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

json strings(const std::vector<std::string>& v) {
  json a = json::array();
  auto& items = a.get_ref<json::array_t&>();
  items.reserve(v.size());
  for (const auto& s : v)
    if (!s.empty()) items.emplace_back(s);
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
  std::string text;
  if (d.status == "stale" && d.age_days && *d.age_days > 0) {
    text = "stale · ";
    text += std::to_string(*d.age_days);
    text += *d.age_days == 1 ? " day old" : " days old";
  } else if (d.status == "missing") {
    text = "missing · no data";
  } else {
    text = d.status;
  }
  // The last day was fetched before it had settled: its counts may still be short.
  if (d.provisional) text += " · last day provisional";
  // Fresh days but a failed live fetch: the figures of now are missing, so it does not read fresh.
  std::string status = d.status;
  if (!d.live_missing.empty()) {
    text += " · live " + join(d.live_missing, ", ") + " not fetched";
    if (status == "fresh") status = "stale";
  }
  return ViewObject()
      .add("status", css_word(status))
      .add("text", std::move(text))
      .add("as_of", opt_text(d.as_of))
      .take();
}

json metrics_freshness(const std::vector<const SloFigures*>& slos,
                       const std::vector<StaleSignal>& golden) {
  if (slos.empty() && golden.empty()) return nullptr;
  int fresh = 0, stale = 0, missing = 0, live_missing = 0;
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
    if (!d.live_missing.empty()) ++live_missing;
  }
  // Golden signals behind the last closed day: as old as their last stored day.
  bool golden_stale = false;
  for (const auto& g : golden) {
    if (!g.as_of) continue;
    golden_stale = true;
    if (!oldest || *g.as_of < *oldest) oldest = g.as_of;
  }
  std::string status = stale > 0 || live_missing > 0 || golden_stale ? "stale"
                       : fresh > 0                                   ? "fresh"
                                                                     : "missing";
  std::vector<std::string> parts;
  if (fresh) parts.push_back(std::to_string(fresh) + " fresh");
  if (stale)
    parts.push_back(std::to_string(stale) + " stale" +
                    (oldest_age ? " (up to " + std::to_string(*oldest_age) +
                                      (*oldest_age == 1 ? " day old)" : " days old)")
                                : std::string()));
  if (missing) parts.push_back(std::to_string(missing) + " with no data");
  std::string detail;
  if (!slos.empty()) {
    detail = "SLO data: ";
    detail += join(parts, ", ");
    detail += " of ";
    detail += std::to_string(slos.size());
    detail += '.';
  }
  if (live_missing > 0)
    detail += " Live windows not fetched for " + std::to_string(live_missing) +
              (live_missing == 1 ? " SLO." : " SLOs.");
  if (!golden.empty()) {
    std::vector<std::string> signals;
    for (const auto& g : golden)
      signals.push_back(g.name + " " + g.text);
    detail += " Golden signals: " + join(signals, ", ") + '.';
  }
  if (!detail.empty() && detail.front() == ' ') detail.erase(0, 1);
  json as_of = opt_text(status == "stale" ? oldest : latest);
  return ViewObject()
      .add("label", "Metrics")
      .add("status", std::move(status))
      .add("as_of", std::move(as_of))
      .add("detail", std::move(detail))
      .take();
}

json stale_signoffs_text(const ReadinessFigures& r) {
  int stale = 0, future = 0;
  for (const auto& s : r.signoffs) {
    stale += s.stale ? 1 : 0;
    future += s.stale && s.future ? 1 : 0;
  }
  if (stale == 0) return nullptr;
  std::string text = plural(stale, "stale sign-off");
  if (future > 0) text += " (" + std::to_string(future) + " dated after now)";
  return text;
}

json documents_freshness(const Site& site) {
  return ViewObject()
      .add("label", "Documents")
      .add("status", "fresh")
      .add("as_of", site.today_text)
      .add("detail", "Computed from the repository at build time.")
      .take();
}

} // namespace nines::site
