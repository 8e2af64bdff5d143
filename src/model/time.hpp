// Calendar and duration arithmetic shared by every stage. Pure functions, no clock, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
std::int64_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d);

inline constexpr std::int64_t k_seconds_per_day = 86400;

// The day containing an instant, as days since the epoch (floor division, so instants before 1970
// work too). Pass wall-clock seconds to get the configured timezone's day.
constexpr std::int64_t day_of(std::int64_t seconds) {
  return seconds >= 0 ? seconds / k_seconds_per_day
                      : (seconds - (k_seconds_per_day - 1)) / k_seconds_per_day;
}

// The offset from UTC, in seconds, of an IANA timezone at `now`, from the system's tz database
// (read-only, as the C library reads it). "", "UTC" and "Etc/UTC" are 0; nullopt for an unknown
// zone.
std::optional<long> utc_offset(const std::string& tz, std::int64_t now);

// Every zone name the system's tz database knows (its zones and their links, from tzdata.zi),
// sorted; empty when the database lists none. For a did-you-mean beside an unknown zone.
std::vector<std::string> time_zone_names();

// The instant at which the clocks of `tz` show `wall` (wall-clock seconds, as parse_timestamp
// reads a time without an offset). In a daylight-saving gap the offset before the change is
// taken; of a repeated hour, its first pass. nullopt for an unknown zone.
std::optional<std::int64_t> wall_clock_instant(const std::string& tz, std::int64_t wall);

// Whether parse_timestamp reads `s` as wall-clock time, not as an instant: a date
// ("2026-11-01") or a time without `Z` or an offset ("2026-11-01T00:00"). Epoch seconds, `Z` and
// offsets name the instant itself.
bool timestamp_is_wall_clock(std::string_view s);

// "2026-11-01" → days since epoch; nullopt when malformed or not a real date (years 0001-9999).
std::optional<std::int64_t> parse_date(std::string_view s);
std::string format_date(std::int64_t days);
// Whether the month `yyyy_mm` ("2026-11") has started by day `today`: YYYY-MM sorts as the months
// do. A period of on-call health for a month to come is in no figure (and `check` warns).
bool month_started(std::string_view yyyy_mm, std::int64_t today);

// "2026-11" → (year, month); nullopt when malformed.
std::optional<std::pair<int, int>> parse_period(std::string_view s);
std::string format_period(int year, int month);
// The month a day falls in, as format_period writes it ("2026-11").
std::string period_of_day(std::int64_t days);
int days_in_month(int year, int month);

// The last instant parse_timestamp accepts, 9999-12-31T23:59:59Z: the four-digit years every
// date, ISO week and month nines writes has.
inline constexpr std::int64_t k_last_timestamp = 253402300799;

// ISO 8601 timestamp or date → seconds since epoch (UTC). Accepts "2026-11-01",
// "2026-11-01T00:00:00Z", "2026-11-01T02:00:00+02:00", "2026-11-01 00:00", a fraction after the
// seconds ("2026-02-17T11:24:00.000Z", dropped), or plain epoch seconds. An offset is ±HH:MM, as
// RFC 3339 and the schemas write it: "+0100" is refused. nullopt for an offset beyond ±23:59 and
// for an instant after k_last_timestamp.
std::optional<std::int64_t> parse_timestamp(std::string_view s);
std::string format_timestamp(std::int64_t epoch_seconds); // "2026-11-01T00:00:00Z"

// The day of a date or timestamp string ("2026-10-14", "2026-10-14T03:00:00Z": its UTC day);
// nullopt when none.
std::optional<std::int64_t> day_of_text(std::string_view text);

// "28d" → minutes. Units s, m, h, d, w. nullopt when malformed or zero.
std::optional<double> parse_duration_minutes(std::string_view s);

// The longest SLO or alert window nines takes, in any format: a longer one would make a pull plan
// of millions of days, and day numbers past the calendar's range.
inline constexpr double k_max_window_days = 400;

// How far back a recorded row may be dated (ten years, in days): an older one is most likely a
// typo in the year, and a history reaching further would make a monthly report per month of it.
inline constexpr std::int64_t k_max_record_age_days = 3652;

// A timeline time ("03:15", "03:15:20", "03:15:20.250", "2026-10-14 03:15", ISO) → seconds, for
// ordering (a fraction is dropped). Times of day count from midnight; dated ones from the epoch.
// `dated` tells which.
std::optional<std::int64_t> parse_timeline_time(std::string_view s, bool& dated);

} // namespace nines
