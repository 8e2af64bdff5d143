// The link stage: ids, cross-document references, and the lints of SPEC 3.1, 3.4 and 3.6.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <limits>

namespace nines {

// Reports duplicate ids (naming both places) and every reference that names nothing, with a
// did-you-mean by edit distance.
void link_references(const Repo& repo, DiagBag& diags);

// The recorded CSV rows of `rows` whose SLO is none of `repo`'s: an error at the row, with a
// did-you-mean (none while an SLO document of `repo` failed to validate: its rows would all
// dangle); and its golden-signal rows whose service is none of `repo`'s or whose signal nines.yaml
// does not configure. link_references checks the repository's own rows so; `metrics import` the
// file it imports.
void link_csv_rows(const Repo& repo, const Repo& rows, DiagBag& diags);

class History;

// The newest day of `repo`'s recorded rows (counts and golden signals) up to `today`; INT64_MIN
// when there is none.
std::int64_t newest_recorded_day(const Repo& repo, std::int64_t today);

// The recorded rows (counts and golden signals) dated after `today` (csv-future-date, a warning)
// or more than k_max_record_age_days before the newest recorded day up to today, theirs or
// `newest_elsewhere` (csv-old-date, an error): one finding per file. Part of run_lints; `metrics
// import` runs it on the file it imports, with the repository's newest day.
void lint_csv_dates(const Repo& repo, std::int64_t today, DiagBag& diags,
                    std::int64_t newest_elsewhere = std::numeric_limits<std::int64_t>::min());

// Runs every lint. `today` (days since epoch) dates the "overdue" and "stale" checks. With a
// `history`, a file's last commit is its documents' last change: it decides runbook staleness and
// the review age of SLOs and capacity models without last_reviewed, and a last_updated or
// last_reviewed older than it is reported as out of date.
void run_lints(const Repo& repo, std::int64_t today, DiagBag& diags,
               const History* history = nullptr);

} // namespace nines
