// The shapes of measured data that the metrics stage produces and the compute stage reads.
#pragma once

#include "model/sorted_vector_map.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace nines {

// One whole day (in the configured timezone) of an SLO's good/total event counts.
struct DailyCount {
  std::int64_t day = 0; // days since the epoch
  double good = 0;
  double total = 0;
};
// Day → count, in day order. A sorted vector, not std::map: series are filled in day order (the
// store's query, a CSV file's rows) and then summed over ranges of days many times (every window
// of every SLO, week and month); a node per day made 150,000 allocations at 10k documents and
// scattered the sums' reads.
using DailySeries = SortedVectorMap<std::int64_t /*day*/, DailyCount, std::less<>>;

// Live counts over a short trailing window (from a metrics source at build time).
struct LiveWindow {
  double good = 0;
  double total = 0;
};
// Window label as written ("1h", "6h", "5m", "3d", …) → counts. Labels are matched by duration, so
// "60m" answers for "1h".
using LiveWindows = std::map<std::string, LiveWindow>;

// One golden signal of one service: day → value (the store's daily samples, SPEC 4.2).
using GoldenSignal = std::map<std::int64_t /*day*/, double>;
// Service id → signal name (`latency_p99`, `traffic`, … as configured) → its days; only signals
// with at least one stored day are present.
using GoldenSeries = std::map<std::string, std::map<std::string, GoldenSignal>>;

} // namespace nines
