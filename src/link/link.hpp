// The link stage: ids, cross-document references, and the lints of SPEC 3.1, 3.4 and 3.6.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/model.hpp"

#include <cstdint>

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

// Runs every lint. `today` (days since epoch) dates the "overdue" and "stale" checks. With a
// `history`, a file's last commit is its documents' last change: it decides runbook staleness and
// the review age of SLOs and capacity models without last_reviewed, and a last_updated or
// last_reviewed older than it is reported as out of date.
void run_lints(const Repo& repo, std::int64_t today, DiagBag& diags,
               const History* history = nullptr);

} // namespace nines
