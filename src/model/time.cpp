#include "model/time.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nines {

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

int days_in_month(int year, int month) {
  static const int k[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return k[month - 1];
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Where the time goes on after the seconds that end before `pos`: past a fraction of a second
// (".000", the seed's own log timestamps), which is read and dropped, as the schemas' time
// patterns take it; npos for a '.' with no digit after it.
std::size_t after_fraction(std::string_view s, std::size_t pos) {
  if (pos >= s.size() || s[pos] != '.') return pos;
  const std::size_t first = ++pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
    ++pos;
  return pos == first ? std::string_view::npos : pos;
}

} // namespace

std::optional<std::int64_t> parse_date(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return std::nullopt;
  // Years run from 0001 (as ISO weeks and months are named: year 0 would be week -001-W52).
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

bool month_started(std::string_view yyyy_mm, std::int64_t today) {
  return yyyy_mm <= std::string_view(period_of_day(today));
}

std::string format_date(std::int64_t days) {
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y < 0 || y > 9999) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
  }
  // The common case without printf, which dominated the figures' cost: dates are formatted for
  // every SLO, week and month the site shows.
  std::string out = "0000-00-00";
  auto put = [&out](std::size_t at, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10)
      out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  put(0, static_cast<unsigned>(y), 4);
  put(5, m, 2);
  put(8, d, 2);
  return out;
}

std::optional<std::pair<int, int>> parse_period(std::string_view s) {
  int y, m;
  if (s.size() != 7 || s[4] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) || y < 1 ||
      m < 1 || m > 12)
    return std::nullopt;
  return std::make_pair(y, m);
}

std::string format_period(int year, int month) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

std::string period_of_day(std::int64_t days) {
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  return format_period(y, static_cast<int>(m));
}

std::optional<std::int64_t> parse_timestamp(std::string_view s) {
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos && s.size() < 19) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    // Later instants have five-digit years: no date, week or month of them can be written, and
    // the calendar arithmetic on them overflows.
    if (v > k_last_timestamp) return std::nullopt;
    return v;
  }
  auto day = parse_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  std::int64_t t = *day * 86400;
  if (s.size() == 10) return t;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hh, mm, ss = 0;
  if (!digits(s, 11, 2, hh) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, mm))
    return std::nullopt;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, ss)) return std::nullopt;
    pos += 3;
    pos = after_fraction(s, pos);
    if (pos == std::string_view::npos) return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  t += hh * 3600 + mm * 60 + ss;
  if (pos == s.size()) return t;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size() ? std::optional(t) : std::nullopt;
  if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (s.size() != pos + 6 || !digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om))
      return std::nullopt;
    // ISO 8601 and RFC 3339 offsets are hours 00-23 and minutes 00-59: "+99:99" is no offset.
    if (oh > 23 || om > 59) return std::nullopt;
    std::int64_t off = oh * 3600 + om * 60;
    t = s[pos] == '+' ? t - off : t + off;
    if (t > k_last_timestamp) return std::nullopt;
    return t;
  }
  return std::nullopt;
}

bool timestamp_is_wall_clock(std::string_view s) {
  if (!parse_timestamp(s)) return false;
  if (s.find_first_not_of("0123456789") == std::string_view::npos) return false; // epoch seconds
  if (s.size() == 10) return true;                                               // a date
  // The time's end: Z or a sign after the hours and minutes (the date's own '-' come earlier).
  return s.find_first_of("Zz+-", 16) == std::string_view::npos;
}

std::optional<std::int64_t> wall_clock_instant(const std::string& tz, std::int64_t wall) {
  // The offset at a first guess of the instant, then at the instant that guess gives: in a gap
  // or a repeated hour the two settle on the offset in force before the change.
  const auto first = utc_offset(tz, wall);
  if (!first) return std::nullopt;
  const auto second = utc_offset(tz, wall - *first);
  if (!second) return std::nullopt;
  return wall - *second;
}

std::string format_timestamp(std::int64_t epoch_seconds) {
  std::int64_t days = day_of(epoch_seconds);
  std::int64_t rem = epoch_seconds - days * 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_date(days).c_str(),
                static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                static_cast<int>(rem % 60));
  return buf;
}

std::optional<std::int64_t> day_of_text(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  if (text.size() == 10) return parse_date(text);
  // A timestamp: its UTC day (an offset may move it across midnight).
  if (auto t = parse_timestamp(text)) return day_of(*t);
  return parse_date(text.substr(0, 10));
}

std::optional<double> parse_duration_minutes(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  double n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
  if (ec != std::errc() || p != s.data() + s.size() - 1 || n <= 0) return std::nullopt;
  switch (s.back()) {
  case 's':
    return n / 60.0;
  case 'm':
    return n;
  case 'h':
    return n * 60.0;
  case 'd':
    return n * 1440.0;
  case 'w':
    return n * 10080.0;
  default:
    return std::nullopt;
  }
}

std::optional<std::int64_t> parse_timeline_time(std::string_view s, bool& dated) {
  if (s.size() >= 10 && s[4] == '-') {
    dated = true;
    return parse_timestamp(s);
  }
  dated = false;
  int hh, mm, ss = 0;
  if (s.size() < 5 || s[2] != ':' || !digits(s, 0, 2, hh) || !digits(s, 3, 2, mm))
    return std::nullopt;
  std::size_t end = 5;
  if (s.size() > 5) {
    if (s[5] != ':' || !digits(s, 6, 2, ss)) return std::nullopt;
    end = after_fraction(s, 8);
  }
  if (end != s.size()) return std::nullopt;
  return hh * 3600 + mm * 60 + ss;
}

std::vector<std::string> time_zone_names() {
  // tzdata.zi, the database's own compact source: a "Z NAME …" line per zone, "L TARGET NAME"
  // per link (US/Eastern, Asia/Calcutta), which are names the C library reads as well.
  std::vector<std::string> out{"UTC"};
  std::ifstream in("/usr/share/zoneinfo/tzdata.zi");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string tag, first, second;
    words >> tag >> first >> second;
    if (tag == "Z" && !first.empty()) out.push_back(first);
    if (tag == "L" && !second.empty()) out.push_back(second);
  }
  // Only names the database has a file for, as utc_offset reads them (a distribution may ship
  // the legacy links apart).
  std::error_code ec;
  std::erase_if(out, [&ec](const std::string& n) {
    return n != "UTC" && !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + n, ec);
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<long> utc_offset(const std::string& tz, std::int64_t now) {
  if (tz.empty() || tz == "UTC" || tz == "Etc/UTC") return 0;
  // The C library silently falls back to UTC for a zone it does not know, so check the database.
  std::error_code ec;
  if (tz.find("..") != std::string::npos ||
      !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + tz, ec))
    return std::nullopt;
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", tz.c_str(), 1);
  tzset();
  std::time_t t = static_cast<std::time_t>(now);
  std::tm local{};
  localtime_r(&t, &local);
  long offset = local.tm_gmtoff;
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
  return offset;
}

} // namespace nines
