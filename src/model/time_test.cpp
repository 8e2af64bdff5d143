#include "model/time.hpp"

#include <algorithm>
#include <cstdio>
#include <doctest/doctest.h>

using namespace nines;

TEST_CASE("time: the tz database's zone names, links included, for a did-you-mean") {
  const auto names = time_zone_names();
  REQUIRE(names.size() > 300);
  CHECK(std::is_sorted(names.begin(), names.end()));
  for (const char* name : {"UTC", "Europe/Berlin", "America/New_York", "US/Eastern"})
    CHECK_MESSAGE(std::binary_search(names.begin(), names.end(), name), name);
  // Every name is one utc_offset reads.
  for (const auto& n : names)
    CHECK_MESSAGE(utc_offset(n, 0).has_value(), n);
}

TEST_CASE("time: dates round-trip and reject impossible days") {
  CHECK(parse_date("1970-01-01") == 0);
  CHECK(format_date(*parse_date("2026-11-23")) == "2026-11-23");
  CHECK_FALSE(parse_date("2026-02-29"));
  CHECK(parse_date("2028-02-29"));
  CHECK_FALSE(parse_date("2026-13-01"));
  CHECK_FALSE(parse_date("26-1-1"));
  // Years run from 0001: year 0 would name ISO week -001-W52 and month 0000-01.
  CHECK_FALSE(parse_date("0000-01-01"));
  CHECK(format_date(*parse_date("0001-01-01")) == "0001-01-01");
  CHECK_FALSE(parse_period("0000-12"));
  CHECK(parse_period("0001-01"));
}

TEST_CASE("time: a month has started when it is the month of today or one before") {
  const std::int64_t today = *parse_date("2026-11-15");
  CHECK(month_started("2026-11", today));
  CHECK(month_started("2026-10", today));
  CHECK(month_started("2025-12", today));
  CHECK_FALSE(month_started("2026-12", today));
  CHECK_FALSE(month_started("2027-01", today));
}

TEST_CASE("time: timestamps with offsets") {
  CHECK(parse_timestamp("2026-11-01T00:00:00Z") == 1793491200);
  CHECK(parse_timestamp("2026-11-01T02:00:00+02:00") == 1793491200);
  CHECK(parse_timestamp("2026-11-01") == 1793491200);
  CHECK(parse_timestamp("1793491200") == 1793491200);
  CHECK(format_timestamp(1793491200) == "2026-11-01T00:00:00Z");
  CHECK_FALSE(parse_timestamp("yesterday"));
}

TEST_CASE("time: offsets beyond 23:59 and instants past the year 9999 are refused") {
  CHECK(parse_timestamp("2026-11-01T00:00:00+23:59") == 1793491200 - 23 * 3600 - 59 * 60);
  CHECK(parse_timestamp("2026-11-01T00:00:00-23:59") == 1793491200 + 23 * 3600 + 59 * 60);
  CHECK_FALSE(parse_timestamp("2026-11-01T00:00:00+99:99"));
  CHECK_FALSE(parse_timestamp("2026-11-01T00:00:00-25:00"));
  CHECK_FALSE(parse_timestamp("2026-11-01T00:00:00+24:00"));
  CHECK_FALSE(parse_timestamp("2026-11-01T00:00:00+01:60"));
  CHECK(parse_timestamp("253402300799") == k_last_timestamp);
  CHECK(format_timestamp(k_last_timestamp) == "9999-12-31T23:59:59Z");
  CHECK(parse_timestamp("9999-12-31T23:59:59Z") == k_last_timestamp);
  CHECK_FALSE(parse_timestamp("253402300800"));
  CHECK_FALSE(parse_timestamp("999999999999999999"));
  CHECK_FALSE(parse_timestamp("9999-12-31T23:00:00-01:00")); // 10000-01-01 in UTC
  CHECK(parse_timestamp("0"));
}

TEST_CASE("time: durations in minutes") {
  CHECK(parse_duration_minutes("28d") == doctest::Approx(40320));
  CHECK(parse_duration_minutes("5m") == doctest::Approx(5));
  CHECK(parse_duration_minutes("1h") == doctest::Approx(60));
  CHECK(parse_duration_minutes("30s") == doctest::Approx(0.5));
  CHECK(parse_duration_minutes("2w") == doctest::Approx(20160));
  CHECK_FALSE(parse_duration_minutes("0d"));
  CHECK_FALSE(parse_duration_minutes("28 days"));
}

TEST_CASE("time: timeline times") {
  bool dated = true;
  CHECK(parse_timeline_time("03:15", dated) == 3 * 3600 + 15 * 60);
  CHECK_FALSE(dated);
  CHECK(parse_timeline_time("2026-10-14T03:15:00Z", dated));
  CHECK(dated);
  CHECK_FALSE(parse_timeline_time("quarter past three", dated));
}

TEST_CASE("time: a fraction after the seconds is read and dropped, as the schemas take it") {
  // The seed's own log timestamps carry milliseconds.
  CHECK(parse_timestamp("2026-11-01T00:00:00.000Z") == 1793491200);
  CHECK(parse_timestamp("2026-11-01T02:00:00.5+02:00") == 1793491200);
  CHECK(parse_timestamp("2026-11-01 00:00:00.123456") == 1793491200);
  CHECK(timestamp_is_wall_clock("2026-11-01T00:00:00.000"));
  CHECK_FALSE(timestamp_is_wall_clock("2026-11-01T00:00:00.000Z"));
  // A fraction needs the seconds before it and a digit after its dot.
  CHECK_FALSE(parse_timestamp("2026-11-01T00:00.5Z"));
  CHECK_FALSE(parse_timestamp("2026-11-01T00:00:00.Z"));
  CHECK_FALSE(parse_timestamp("2026-11-01T00:00:00."));
  // An offset is written ±HH:MM, as every schema's time pattern has it.
  CHECK_FALSE(parse_timestamp("2026-11-01T02:00:00+0200"));

  bool dated = true;
  CHECK(parse_timeline_time("03:15:20.250", dated) == 3 * 3600 + 15 * 60 + 20);
  CHECK_FALSE(dated);
  CHECK(parse_timeline_time("03:15:20", dated) == 3 * 3600 + 15 * 60 + 20);
  CHECK(parse_timeline_time("2026-02-17T11:24:00.000Z", dated) ==
        *parse_timestamp("2026-02-17T11:24:00Z"));
  CHECK(dated);
  CHECK(parse_timeline_time("2026-02-17 11:24:00.5", dated) ==
        *parse_timestamp("2026-02-17 11:24:00"));
  CHECK_FALSE(parse_timeline_time("03:15.5", dated));
  CHECK_FALSE(parse_timeline_time("03:15:20.", dated));
  CHECK_FALSE(parse_timeline_time("03:15:2", dated));
  CHECK_FALSE(parse_timeline_time("03:15:20x", dated));
}

TEST_CASE("time: format_date agrees with printf on every day of years 1 to 9999 and beyond") {
  auto reference = [](std::int64_t days) {
    int y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return std::string(buf);
  };
  const std::int64_t first = *parse_date("0001-01-01"), last = *parse_date("9999-12-31");
  for (std::int64_t day = first - 800; day <= last + 800; day += 7)
    REQUIRE(format_date(day) == reference(day));
  for (std::int64_t day : {first, last, std::int64_t{0}, std::int64_t{-1}, last + 1, first - 1})
    CHECK(format_date(day) == reference(day));
  CHECK(format_date(0) == "1970-01-01");
  CHECK(format_date(last) == "9999-12-31");
}

TEST_CASE("wall-clock timestamps and the instant a timezone's clocks show them") {
  CHECK(timestamp_is_wall_clock("2026-11-01"));
  CHECK(timestamp_is_wall_clock("2026-11-01T00:00"));
  CHECK(timestamp_is_wall_clock("2026-11-01 13:30:00.25"));
  CHECK_FALSE(timestamp_is_wall_clock("2026-11-01T00:00:00Z"));
  CHECK_FALSE(timestamp_is_wall_clock("2026-11-01T00:00:00+02:00"));
  CHECK_FALSE(timestamp_is_wall_clock("2026-11-01T00:00:00-04:00"));
  CHECK_FALSE(timestamp_is_wall_clock("1793491200")); // epoch seconds
  CHECK_FALSE(timestamp_is_wall_clock("2026-13-01")); // not a timestamp at all
  const std::int64_t wall = *parse_timestamp("2026-07-01T12:00:00");
  CHECK(wall_clock_instant("UTC", wall) == wall);
  CHECK(wall_clock_instant("Europe/Berlin", wall) == wall - 2 * 3600);    // CEST
  CHECK(wall_clock_instant("America/New_York", wall) == wall + 4 * 3600); // EDT
  CHECK(wall_clock_instant("Pacific/Chatham", wall) == wall - (12 * 3600 + 45 * 60));
  CHECK_FALSE(wall_clock_instant("Not/AZone", wall));
  // 02:30 on 29 March 2026 does not exist in Berlin (clocks go from 2:00 to 3:00): the offset
  // before the change (+1) is taken, so it is 01:30 UTC, which Berlin's clocks show as 03:30.
  const std::int64_t gap = *parse_timestamp("2026-03-29T02:30:00");
  CHECK(wall_clock_instant("Europe/Berlin", gap) == gap - 3600);
}
