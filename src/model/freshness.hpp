// When a runbook last changed, as staleness counts it (docs/governance.md): the last commit of its
// file when git knows it, else its `last_updated` field. The runbook-stale lint and the maturity
// rubric's Documentation "current" point both read it here, so a runbook the lint calls stale is
// never "current" in the score, nor the other way round.
#pragma once

#include "model/history.hpp"
#include "model/model.hpp"
#include "model/time.hpp"

#include <cstdint>
#include <optional>

namespace nines {

// Days from the runbook's last change to `today`; nullopt when neither git nor the field knows.
inline std::optional<std::int64_t> runbook_age_days(const Runbook& rb, const History* history,
                                                    std::int64_t today) {
  if (history)
    if (const FileChange* ch = history->last_change(rb.meta.file)) return today - day_of(ch->time);
  if (auto updated = parse_date(rb.last_updated)) return today - *updated;
  return std::nullopt;
}

// Updated within `stale_after_days` (nines.yaml defaults.stale_after_days) before `today`. An
// update dated after today (a `last_updated` with a mistyped year) has not happened: not current,
// and the review-date-in-future lint names it, while runbook-stale stays silent.
inline bool runbook_current(const Runbook& rb, const History* history, int stale_after_days,
                            std::int64_t today) {
  auto age = runbook_age_days(rb, history, today);
  return age && *age >= 0 && *age <= stale_after_days;
}

} // namespace nines
