// Readiness figures (SPEC 3.3): the checklist rows, their evidence and the sign-offs.
#pragma once

#include "compute/slo.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

// ---------------------------------------------------------------------------------------------
// Readiness (SPEC 3.3)

struct ReadinessCheck {
  std::string slug, category, title;
  bool provable = false; // evaluated from the repo
};
// The seed's 28 rows, in the seed's order.
std::vector<ReadinessCheck> readiness_checklist();

struct ReadinessRow {
  std::string slug, category, title;
  std::string status; // pass | fail | na | todo
  std::string source; // repo | review | missing
  std::string evidence, notes;
  std::string review; // readiness_review id the row came from, when source == review
};

struct SignoffFigure {
  std::string name, role, date, decision, digest, review;
  bool stale = true;
  // Dated after now: a sign-off that has not happened is shown, and decides nothing (it neither
  // approves, objects nor supersedes; a mistyped year would otherwise decide for good). `check`
  // names it (review-date-in-future).
  bool future = false;
  // The recorded digest is of an earlier digest format (no k_digest_version prefix): stale, and
  // the reason is the format, not a change of the documents. Re-sign to record a current one.
  bool old_format = false;
  // Only each reviewer's latest current sign-off decides (docs/governance.md): a later current
  // sign-off by the same name (any case) replaces this one, which then neither approves nor
  // objects. Stale sign-offs decide nothing either way.
  bool superseded = false;
  // The place of the sign-off's review among the service's reviews, by the review's date (older
  // first, undated first, then file order): of two sign-offs of one reviewer on the same day, the
  // one in the later review was recorded later (`nines signoff` writes into the latest review).
  std::size_t review_rank = 0;
};

// The version prefix of sign-off digests. A digest recorded without it was computed by an earlier
// format and can never match: the sign-off shows as stale and asks to be made again.
// v3: the SLIs of the service's SLOs joined the reviewed documents.
// v4: the service's Prometheus rule-file alerts, and the runbooks without `service:` that answer
// its alerts, joined them (both are counted by the alerting row).
// v5: a rule-file alert's `for`, `keep_firing_for` and labels joined its name, expression,
// severity and runbook_url (how soon and to whom it pages is what was reviewed).
inline constexpr std::string_view k_digest_version = "v5:";

struct ReadinessFigures {
  std::string service;
  std::vector<ReadinessRow> rows;
  int pass = 0, fail = 0, na = 0, todo = 0;
  std::string digest; // current_digest
  std::vector<SignoffFigure> signoffs;
  // A reviewer's latest current sign-off is `approved`.
  bool current_approval = false;
  // The latest current sign-offs that are `rejected` or `conditional` (indexes into `signoffs`,
  // in order): each one withholds approval, whoever else approved.
  std::vector<std::size_t> objections;
  // SPEC 2/3.3: every row passes or is `na` with a reason, a reviewer's latest current sign-off
  // approves and no reviewer's latest current sign-off rejects or sets conditions.
  // `gate readiness` exits 0 exactly when this is true, as api/readiness.json says.
  bool approved = false;
};

// Why an approval is withheld by sign-offs: "withheld by the latest current sign-off of Ann:
// rejected" (names in the order recorded), or "" when no reviewer's latest current sign-off
// objects. The terminal, the gate and the readiness page say it alike.
std::string withheld_text(const ReadinessFigures& r);

// A reviewer is a name; "Ann" and " ann " are one person (the sign-off rule and `check --since`).
std::string reviewer_key(const std::string& name);

// A row that keeps a service from approval: anything but `pass`, or `na` without a reason (notes
// or evidence).
bool readiness_row_blocks(const ReadinessRow& row);

// A sign-off's or a readiness review's date after `today` (days since the epoch): it has not
// happened, so it decides nothing, as an assessment dated after now overrides nothing. An undated
// or unreadable date is not in the future.
bool date_after(std::string_view date, std::int64_t today);

// An SLO is measured when it has daily data (a usable day) in its window as of now: the W whole
// days before `today`. The readiness row "SLIs defined and measured" and the maturity criterion
// "measured (daily data in its window)" ask this one question.
bool slo_measured(const Slo& slo, const std::map<std::string, DailySeries>& series,
                  std::int64_t today);

// The names of the alerts an SLO pages with (SPEC 3.6), as `nines rules` writes them and `check`'s
// runbook lint reads them: its own burn_rate_alerts, or, without the key, the Workbook defaults
// `nines rules` generates when its query makes rules (those its target and window allow), and the
// alerts of its OpenSLO burn-rate conditions. `generated` (may be null) is set for each name that
// nobody wrote as a burn_rate_alert.
std::vector<std::string> slo_alert_names(const Repo& repo, const Slo& slo,
                                         std::vector<bool>* generated = nullptr);

// An alert of a service and whether a runbook answers it: the alerts of its SLOs
// (slo_alert_names) and the Prometheus rule-file alerts labelled with the service.
struct ServiceAlert {
  std::string name;
  std::string where;      // "slo ID" or the rule file
  bool generated = false; // written by `nines rules`, not by a person
  bool covered = false;   // a runbook answers it (or the rule's runbook_url is one)
};
std::vector<ServiceAlert> service_alerts(const Repo& repo, const std::string& service);

// `now`: wall-clock seconds in the configured timezone (figures.hpp). Sign-offs and reviews dated
// after its day decide nothing; the SLIs row needs data in the window before it.
ReadinessFigures compute_readiness(const Repo& repo, const std::string& service,
                                   const std::map<std::string, DailySeries>& series,
                                   std::int64_t now);
// The digest a sign-off records: k_digest_version and FNV-1a 64 (hex) of the service's documents
// (service, SLOs and the SLIs they measure, runbooks, the runbooks without `service:` that answer
// its alerts, its Prometheus rule-file alerts, capacity models and the error budget policies that
// govern it: their data and Markdown prose; readiness items without sign-offs) and the checklist
// statuses.
std::string current_digest(const Repo& repo, const std::string& service,
                           const std::map<std::string, DailySeries>& series, std::int64_t now);

// The files whose content a published digest covers: every document reviewed for a service that
// has a readiness review (services without one publish no digest). A body edit of one of them
// changes readiness figures, which a prose rebuild cannot recompute.
std::set<std::string> digest_files(const Repo& repo);

} // namespace nines
