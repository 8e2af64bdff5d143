// Small builders for the compute stage's unit tests (only *_test.cpp include this).
#pragma once

#include "compute/figures.hpp"
#include "model/model.hpp"
#include "model/time.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace nines::compute_test {

inline std::int64_t day(const char* date) {
  return *parse_date(date);
}
inline std::int64_t at(const char* timestamp) {
  return *parse_timestamp(timestamp);
}

inline Ref ref(const std::string& id) {
  return Ref{id, {}};
}

inline DocMeta meta(const std::string& kind, const std::string& id) {
  DocMeta m;
  m.kind = kind;
  m.id = id;
  m.file = kind + "/" + id + ".yaml";
  m.digest = "d-" + id;
  return m;
}

inline Service service(const std::string& id, const std::string& team = "team-a") {
  Service s;
  s.meta = meta("service", id);
  s.name = id;
  s.tier = "critical";
  s.owner_team = ref(team);
  return s;
}

inline BurnRateAlert alert(const std::string& name, double burn, const std::string& sw,
                           double sw_min, const std::string& lw, double lw_min) {
  BurnRateAlert a;
  a.name = name;
  a.burn_rate = burn;
  a.short_window = sw;
  a.short_window_min = sw_min;
  a.long_window = lw;
  a.long_window_min = lw_min;
  a.severity = "page";
  return a;
}

inline Slo slo(const std::string& id, const std::string& svc, double target,
               double window_days = 28) {
  Slo s;
  s.meta = meta("slo", id);
  s.service = ref(svc);
  s.sli = ref("success-rate");
  s.target = target;
  s.window_days = window_days;
  return s;
}

// Fills [first, last] with `total` events a day of which `bad` failed.
inline void fill(DailySeries& s, const char* first, const char* last, double total, double bad) {
  for (std::int64_t d = day(first); d <= day(last); ++d)
    s[d] = DailyCount{d, total - bad, total};
}

inline Runbook runbook(const std::string& id, const std::string& svc,
                       const std::string& alert_name) {
  Runbook r;
  r.meta = meta("runbook", id);
  r.service = ref(svc);
  r.alert_name = alert_name;
  return r;
}

inline Postmortem postmortem(const std::string& id, const std::string& svc, const std::string& date,
                             const std::string& severity) {
  Postmortem p;
  p.meta = meta("postmortem", id);
  p.services.push_back(ref(svc));
  p.date = date;
  p.severity = severity;
  return p;
}

} // namespace nines::compute_test
