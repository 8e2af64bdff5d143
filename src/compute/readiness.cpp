// The production readiness checklist (SPEC 3.3): the seed's 28 rows per service, the rows the repo
// can prove evaluated from it, the rest from the service's readiness_review, and sign-offs that go
// stale when what they reviewed changes.
#include "compute/detail.hpp"
#include "compute/figures.hpp"
#include "model/alerts.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace nines {

using namespace compute_detail;

namespace {

struct CheckDef {
  const char* slug;
  const char* category;
  const char* title;
  bool provable;
};

constexpr CheckDef k_checks[] = {
    {"slos.slis-defined", "SLOs", "SLIs defined and measured", true},
    {"slos.targets-agreed", "SLOs", "SLO targets set with stakeholder agreement", false},
    {"slos.error-budget-policy", "SLOs", "Error budget policy documented", true},
    {"monitoring.golden-signals", "Monitoring", "Golden signals dashboarded", true},
    {"monitoring.alerting-runbooks", "Monitoring", "Alerting configured with runbooks", true},
    {"monitoring.structured-logging", "Monitoring", "Structured logging implemented", false},
    {"monitoring.distributed-tracing", "Monitoring", "Distributed tracing enabled", false},
    {"incidents.oncall-rotation", "Incidents", "On-call rotation established", true},
    {"incidents.escalation-paths", "Incidents", "Escalation paths documented", true},
    {"incidents.runbooks-top5", "Incidents", "Runbooks for top 5 failure modes", true},
    {"capacity.load-tested", "Capacity", "Load tested to 2x expected peak", false},
    {"capacity.autoscaling", "Capacity", "Auto-scaling configured and tested", true},
    {"capacity.resource-limits", "Capacity", "Resource limits set (CPU, memory)", false},
    {"resilience.graceful-degradation", "Resilience", "Graceful degradation implemented", false},
    {"resilience.circuit-breakers", "Resilience", "Circuit breakers for dependencies", false},
    {"resilience.retry-backoff", "Resilience", "Retry with exponential backoff", false},
    {"resilience.timeouts", "Resilience", "Timeout configured for all external calls", false},
    {"deploy.rollback-tested", "Deploy", "Rollback tested and documented", false},
    {"deploy.canary", "Deploy", "Canary/blue-green deployment ready", false},
    {"deploy.feature-flags", "Deploy", "Feature flags for risky features", false},
    {"security.authn-authz", "Security", "Authentication and authorization", false},
    {"security.secrets-vault", "Security", "Secrets in vault (not env vars)", false},
    {"security.dependencies-scanned", "Security", "Dependencies scanned", false},
    {"data.backup-restore", "Data", "Backup and restore tested", false},
    {"data.retention-policy", "Data", "Data retention policy defined", false},
    {"docs.architecture-diagram", "Docs", "Architecture diagram current", false},
    {"docs.api-docs", "Docs", "API documentation published", false},
    {"docs.operational-runbook", "Docs", "Operational runbook complete", false},
};

// What the repo proves about a row: proven, and the evidence or what is missing.
struct Proof {
  bool proven = false;
  std::string text;
};

Proof prove(const Repo& repo, const std::string& service, const std::string& slug,
            const std::map<std::string, DailySeries>& series, std::int64_t today) {
  const Service* svc = find_service(repo, service);
  auto slos = slos_of(repo, service);
  if (slug == "slos.slis-defined") {
    // Measured as the maturity criterion reads it (slo_measured): data of long ago, an SLO whose
    // budget is missing, is no measurement.
    std::string unmeasured;
    for (const Slo* s : slos) {
      if (find_sli(repo, s->sli.id) == nullptr) continue;
      if (slo_measured(*s, series, today))
        return {true, "slo " + s->meta.id + ": sli " + s->sli.id + " defined and measured"};
      if (unmeasured.empty())
        unmeasured = "slo " + s->meta.id + ": sli " + s->sli.id +
                     " defined, but no daily data in its window (the " +
                     plural(std::max<long long>(1, std::llround(s->window_days)), "day") +
                     " before now)";
    }
    if (!unmeasured.empty()) return {false, unmeasured};
    return {false, "no SLO of the service has an SLI document and daily data in its window"};
  }
  if (slug == "slos.error-budget-policy") {
    if (service_has_policy(repo, service)) {
      for (const Slo* s : slos) {
        std::string source;
        if (const Policy* p = policy_for(repo, *s, &source))
          return {true, "error_budget_policy " + p->meta.id + " applies (" + source + ")"};
      }
      if (const Policy* own = service_policy(repo, service))
        return {true, "error_budget_policy " + own->meta.id};
      return {true, "error_budget_policy " + repo.config.default_policy + " (nines.yaml default)"};
    }
    return {false, "no error budget policy applies to the service"};
  }
  if (slug == "monitoring.golden-signals") {
    if (golden_signals_complete(repo.config))
      return {true, "nines.yaml golden_signals: latency, traffic, errors, saturation"};
    return {false, "nines.yaml has no golden-signal queries for all four signals"};
  }
  if (slug == "monitoring.alerting-runbooks") {
    // Every alert the service pages with, the defaults `nines rules` generates included: the
    // alerts `check`'s runbook lint and the rules file know (service_alerts).
    const std::vector<ServiceAlert> all = service_alerts(repo, service);
    const auto alerts = static_cast<long long>(all.size());
    std::vector<std::string> missing;
    for (const auto& a : all)
      if (!a.covered)
        missing.push_back(a.name + " (" + a.where + (a.generated ? ", generated" : "") + ")");
    if (alerts == 0) return {false, "the service has no alerts"};
    if (!missing.empty()) {
      std::string t = "alerts without a runbook:";
      for (const auto& m : missing)
        t += " " + m;
      return {false, t};
    }
    return {true,
            plural(alerts, "alert") + (alerts == 1 ? ", with a runbook" : ", each with a runbook")};
  }
  const Rotation* rot = svc ? find_rotation(repo, svc->oncall_rotation.id) : nullptr;
  if (slug == "incidents.oncall-rotation") {
    if (rot && !rot->members.empty())
      return {true, "oncall_rotation " + rot->meta.id + " with " +
                        plural(static_cast<long long>(rot->members.size()), "member")};
    if (!svc || svc->oncall_rotation.empty())
      return {false, "the service names no oncall_rotation"};
    return {false, "oncall_rotation " + svc->oncall_rotation.id + " is missing or has no members"};
  }
  if (slug == "incidents.escalation-paths") {
    if (rot && !rot->escalation.empty())
      return {true, "oncall_rotation " + rot->meta.id + " escalation"};
    for (const Runbook* r : runbooks_of(repo, service))
      if (!r->escalation_contact.empty())
        return {true, "runbook " + r->meta.id + " escalates to " + r->escalation_contact};
    return {false, "no rotation escalation and no runbook escalation contact"};
  }
  if (slug == "incidents.runbooks-top5") {
    auto n = runbooks_of(repo, service).size();
    if (n >= 5) return {true, plural(static_cast<long long>(n), "runbook")};
    return {false, plural(static_cast<long long>(n), "runbook") + "; 5 needed"};
  }
  if (slug == "capacity.autoscaling") {
    for (const auto& c : repo.capacity)
      if (c.service.id == service && c.auto_scaling.value_or(false))
        return {true, "capacity_model " + c.meta.id + " auto_scaling"};
    return {false, "no capacity model with auto_scaling: true"};
  }
  return {};
}

// What the service's reviews dated after now record for a row: they decide nothing (date_after),
// but a reviewer reading the row sees them, as a mistyped year is then easy to spot.
std::string future_notes(const std::vector<const ReadinessReview*>& future,
                         const std::string& slug) {
  std::string notes;
  for (const ReadinessReview* r : future)
    for (const auto& item : r->items) {
      if (item.check != slug) continue;
      notes += std::string(notes.empty() ? "" : " ") + "The review " + r->meta.id + " is dated " +
               r->date + ", after now: its " + (item.status.empty() ? "row" : item.status) +
               (item.evidence.empty() ? "" : " (" + item.evidence + ")") +
               " decides nothing until then.";
      break;
    }
  return notes;
}

std::vector<ReadinessRow> rows_for(const Repo& repo, const std::string& service,
                                   const std::map<std::string, DailySeries>& series,
                                   std::int64_t today) {
  std::vector<const ReadinessReview*> future;
  for (const auto& r : repo.readiness)
    if (r.service.id == service && date_after(r.date, today)) future.push_back(&r);
  std::vector<ReadinessRow> rows;
  for (const auto& c : k_checks) {
    ReadinessRow row;
    row.slug = c.slug;
    row.category = c.category;
    row.title = c.title;
    Proof proof;
    if (c.provable) proof = prove(repo, service, c.slug, series, today);
    const ReadinessReview* review = nullptr;
    const ReadinessItem* item = latest_review_item(repo, service, c.slug, today, &review);
    if (proof.proven) {
      row.status = "pass";
      row.source = "repo";
      row.evidence = proof.text;
      // The repository's proof decides the row (SPEC 3.3), but a reviewer who recorded otherwise
      // is not silenced: what they wrote stays beside the proof, for the sign-off to weigh.
      if (item && item->status != "pass") {
        row.notes = "The review" + (review ? " " + review->meta.id : std::string()) + " records " +
                    item->status + (item->evidence.empty() ? "" : ": " + item->evidence) +
                    (item->notes.empty() ? "" : " (" + item->notes + ")") +
                    "; the repository's evidence decides this row.";
      }
    } else if (item) {
      row.status = item->status;
      row.source = "review";
      row.evidence = item->evidence;
      row.notes = item->notes;
      row.review = review ? review->meta.id : "";
      // A row the repository could prove and does not, passed by a reviewer: the review decides
      // (the proof may live elsewhere, an escalation path in a paging tool), but what the
      // repository shows stays beside it, for the sign-off to weigh, as a review that disagrees
      // with a proof does above. Only beside a pass: a note beside an `na` would read as its
      // reason.
      if (c.provable && item->status == "pass" && !proof.text.empty())
        row.notes += (row.notes.empty() ? "" : " ") + std::string("The repository shows: ") +
                     proof.text + (proof.text.ends_with('.') ? "" : ".");
    } else {
      // docs/scoring.md: a row no review lists is to do, whether or not the repository could
      // have proved it; a provable row keeps what the repository lacks as its evidence.
      row.status = "todo";
      row.source = "missing";
      if (c.provable) row.evidence = proof.text;
    }
    // Not beside an `na` without a reason: the note would read as its reason and unblock it.
    if (const std::string later = future.empty() ? "" : future_notes(future, c.slug);
        !later.empty() && !(row.status == "na" && readiness_row_blocks(row)))
      row.notes += (row.notes.empty() ? "" : " ") + later;
    rows.push_back(std::move(row));
  }
  return rows;
}

// One length-prefixed field ("5:hello"): no text a field holds can pass for a field boundary, so
// moving characters from one field to the next always changes the encoding.
void put_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// A document as it was reviewed: its kind, its data (the canonical digest of its YAML or front
// matter) and its Markdown prose. No id or file name: ids derived from a file name would make a
// rename (same content) look like a change.
// A Markdown body as the digest reads it: the same prose whatever the checkout's line endings
// (CRLF from a Windows checkout with core.autocrlf) and however many blank lines or spaces end
// it, none of which changes the page. A body already in that form (LF, one final newline) is
// read as it is, so digests recorded before stay current.
std::string digest_body(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i)
    if (!(body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n')) out += body[i];
  const std::size_t end = out.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return {};
  out.erase(end + 1);
  out += '\n';
  return out;
}

std::string document_entry(std::string_view kind, const DocMeta& meta) {
  std::string e;
  put_field(e, kind);
  put_field(e, meta.digest);
  put_field(e, digest_body(meta.body));
  return e;
}

// The error budget policies that govern the service (docs/scoring.md): the policy each of its
// SLOs is judged under (the SLO's, the service's, or the nines.yaml default) and every policy
// naming the service.
std::vector<const Policy*> governing_policies(const Repo& repo, const std::string& service) {
  std::vector<const Policy*> out;
  for (const Slo* s : slos_of(repo, service))
    if (const Policy* p = policy_for(repo, *s)) out.push_back(p);
  for (const auto& p : repo.policies)
    if (p.service.id == service) out.push_back(&p);
  return out;
}

// The documents a sign-off reviews besides the readiness reviews themselves, with their kind.
// An SLO is reviewed with the SLI it measures: redefining a good event changes the SLO as much as
// editing its target. An SLI shared by several SLOs is visited once per SLO; digest_of keeps one.
// A runbook without `service:` that answers an alert of the service is one of its runbooks for
// the alerting row, so it is reviewed with them.
template <typename Fn> void for_each_reviewed(const Repo& repo, const std::string& service, Fn fn) {
  if (const Service* s = find_service(repo, service)) fn("service", s->meta);
  for (const Slo* s : slos_of(repo, service)) {
    fn("slo", s->meta);
    if (const Sli* sli = find_sli(repo, s->sli.id)) fn("sli", sli->meta);
  }
  for (const Runbook* r : runbooks_of(repo, service))
    fn("runbook", r->meta);
  // The service-less runbooks are few; the service's alerts are asked for only when there are any.
  if (const std::vector<const Runbook*> serviceless = runbooks_of(repo, ""); !serviceless.empty()) {
    std::set<std::string> names;
    for (const auto& a : service_alerts(repo, service))
      names.insert(a.name);
    for (const Runbook* r : serviceless)
      if (names.count(r->alert_name) != 0) fn("runbook", r->meta);
  }
  for (const CapacityModel* c : capacity_of(repo, service))
    fn("capacity_model", c->meta);
  for (const Policy* p : governing_policies(repo, service))
    fn("error_budget_policy", p->meta);
}

bool has_review(const Repo& repo, const std::string& service) {
  return std::any_of(repo.readiness.begin(), repo.readiness.end(),
                     [&](const auto& r) { return r.service.id == service; });
}

std::string digest_of(const Repo& repo, const std::string& service,
                      const std::vector<ReadinessRow>& rows) {
  // One entry per reviewed document, each an unambiguous encoding of its content, sorted by that
  // content: the digest depends on what was reviewed, not on file names or load order.
  std::vector<std::string> docs;
  for_each_reviewed(repo, service, [&](const char* kind, const DocMeta& meta) {
    docs.push_back(document_entry(kind, meta));
  });
  // A review counts by its items and prose, without its sign-offs: recording a sign-off must not
  // invalidate the others.
  for (const auto& r : repo.readiness) {
    if (r.service.id != service) continue;
    std::string e;
    put_field(e, "readiness_review");
    put_field(e, digest_body(r.meta.body));
    for (const auto& i : r.items) {
      put_field(e, i.check);
      put_field(e, i.status);
      put_field(e, i.evidence);
      put_field(e, i.notes);
    }
    docs.push_back(std::move(e));
  }
  // The service's Prometheus rule-file alerts, as the alerting row counts them: what fires and
  // where its runbook is. A rule has no document of its own; its fields are the entry.
  for (const auto& a : repo.prom_alerts) {
    if (a.service != service) continue;
    std::string e;
    put_field(e, "prometheus_alert");
    for (const std::string* field :
         {&a.name, &a.expr, &a.severity, &a.runbook_url, &a.for_duration, &a.keep_firing_for})
      put_field(e, *field);
    for (const auto& [label, value] : a.labels) {
      put_field(e, label);
      put_field(e, value);
    }
    docs.push_back(std::move(e));
  }
  std::sort(docs.begin(), docs.end());
  // A policy that is both an SLO's and the service's was reviewed once.
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  std::string all;
  for (const auto& d : docs)
    put_field(all, d);
  for (const auto& row : rows) {
    put_field(all, row.slug);
    put_field(all, row.status);
  }
  return std::string(k_digest_version) + fnv1a_hex(all);
}

// The sign-off rule (docs/governance.md), the one place approval is decided: among the current
// (not stale) sign-offs, each reviewer's latest one decides — the latest date, and on one date
// the one recorded later (later in the review, or in a later review); a sign-off without a
// readable date is older than every dated one. A latest `approved` approves; a latest `rejected`
// or `conditional` withholds approval whoever else approved: nines cannot tell when a condition
// is met, so the reviewer records `approved` once it is. A reviewer's earlier sign-offs are
// superseded, so changing one's mind takes effect, and a stale sign-off decides nothing.
void decide_signoffs(ReadinessFigures& f) {
  std::map<std::string, std::size_t> latest; // reviewer → index into f.signoffs
  auto day = [&](std::size_t i) { return parse_date(f.signoffs[i].date); };
  for (std::size_t i = 0; i < f.signoffs.size(); ++i) {
    // A stale sign-off reviewed something else; one dated after now has not happened.
    if (f.signoffs[i].stale || f.signoffs[i].future) continue;
    auto [it, fresh] = latest.try_emplace(reviewer_key(f.signoffs[i].name), i);
    if (fresh) continue;
    // On the same day the sign-off in the later review wins, and within one review the later
    // entry: each was recorded after.
    const auto mine = day(i), theirs = day(it->second);
    const auto& me = f.signoffs[i];
    const auto& them = f.signoffs[it->second];
    if (!theirs ||
        (mine && (*mine > *theirs || (*mine == *theirs && me.review_rank >= them.review_rank)))) {
      f.signoffs[it->second].superseded = true;
      it->second = i;
    } else {
      f.signoffs[i].superseded = true;
    }
  }
  std::vector<std::size_t> deciding;
  for (const auto& [key, i] : latest)
    deciding.push_back(i);
  std::sort(deciding.begin(), deciding.end());
  for (std::size_t i : deciding) {
    const auto& s = f.signoffs[i];
    if (s.decision == "approved")
      f.current_approval = true;
    else if (s.decision == "rejected" || s.decision == "conditional")
      f.objections.push_back(i);
  }
}

} // namespace

std::string reviewer_key(const std::string& name) {
  const auto b = name.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  std::string key = name.substr(b, name.find_last_not_of(" \t") - b + 1);
  for (auto& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::vector<ReadinessCheck> readiness_checklist() {
  std::vector<ReadinessCheck> out;
  for (const auto& c : k_checks)
    out.push_back(ReadinessCheck{c.slug, c.category, c.title, c.provable});
  return out;
}

bool date_after(std::string_view date, std::int64_t today) {
  const auto day = day_of_text(date);
  return day && *day > today;
}

bool slo_measured(const Slo& slo, const std::map<std::string, DailySeries>& series,
                  std::int64_t today) {
  auto it = series.find(slo.meta.id);
  if (it == series.end()) return false;
  const std::int64_t w = std::max<std::int64_t>(1, std::llround(slo.window_days));
  return sum_range(&it->second, today - w, today - 1).days_with_data > 0;
}

std::vector<std::string> slo_alert_names(const Repo& repo, const Slo& slo,
                                         std::vector<bool>* generated) {
  std::vector<std::string> names;
  auto add = [&](const std::string& name, bool made) {
    names.push_back(name);
    if (generated) generated->push_back(made);
  };
  // model/alerts.hpp decides, as for `nines rules`, `check` and the SLO's page.
  const bool defaults = pages_with_workbook_alerts(repo, slo);
  for (const auto& a : defaults ? reachable_workbook_alerts(slo) : slo.alerts)
    add(a.name, defaults);
  // Conditions first: most SLOs have none, and whether the query makes rules is then not asked.
  if (const auto conditions = rule_conditions(slo);
      !conditions.empty() && slo_makes_rules(repo, slo))
    for (const auto& c : conditions)
      add(c.condition->name, true);
  return names;
}

std::vector<ServiceAlert> service_alerts(const Repo& repo, const std::string& service) {
  std::vector<ServiceAlert> out;
  for (const Slo* s : slos_of(repo, service)) {
    std::vector<bool> generated;
    const std::vector<std::string> names = slo_alert_names(repo, *s, &generated);
    for (std::size_t i = 0; i < names.size(); ++i)
      out.push_back({names[i], "slo " + s->meta.id, generated[i],
                     alert_has_runbook(repo, names[i], service)});
  }
  for (const auto& a : repo.prom_alerts)
    if (a.service == service)
      out.push_back({a.name, a.file, false,
                     runbook_url_is_runbook(repo, a) || alert_has_runbook(repo, a.name, service)});
  return out;
}

std::string current_digest(const Repo& repo, const std::string& service,
                           const std::map<std::string, DailySeries>& series, std::int64_t now) {
  return digest_of(repo, service, rows_for(repo, service, series, day_of(now)));
}

ReadinessFigures compute_readiness(const Repo& repo, const std::string& service,
                                   const std::map<std::string, DailySeries>& series,
                                   std::int64_t now) {
  const std::int64_t today = day_of(now);
  ReadinessFigures f;
  f.service = service;
  f.rows = rows_for(repo, service, series, today);
  for (const auto& r : f.rows) {
    if (r.status == "pass")
      ++f.pass;
    else if (r.status == "fail")
      ++f.fail;
    else if (r.status == "na")
      ++f.na;
    else
      ++f.todo;
  }
  // Without a readiness review there is nothing signed and no sign-off to go stale: no digest is
  // published, so an edit of a runbook's prose there leaves the readiness figures as they are and
  // may take the prose rebuild (digest_files). `nines signoff` refuses such a service: it signs
  // an existing review, with the digest published here.
  if (has_review(repo, service)) f.digest = digest_of(repo, service, f.rows);
  std::vector<const ReadinessReview*> reviews;
  for (const auto& r : repo.readiness)
    if (r.service.id == service) reviews.push_back(&r);
  std::vector<const ReadinessReview*> by_date = reviews;
  std::stable_sort(by_date.begin(), by_date.end(), [](const auto* a, const auto* b) {
    return parse_date(a->date).value_or(std::numeric_limits<std::int64_t>::min()) <
           parse_date(b->date).value_or(std::numeric_limits<std::int64_t>::min());
  });
  for (const ReadinessReview* rp : reviews) {
    const ReadinessReview& r = *rp;
    const auto rank =
        static_cast<std::size_t>(std::find(by_date.begin(), by_date.end(), rp) - by_date.begin());
    for (const auto& s : r.signoffs) {
      SignoffFigure sf{s.name, s.role, s.date, s.decision, s.digest, r.meta.id, true};
      sf.review_rank = rank;
      sf.stale = s.digest.empty() || s.digest != f.digest;
      sf.future = date_after(s.date, today);
      sf.old_format = !s.digest.empty() && !s.digest.starts_with(k_digest_version);
      f.signoffs.push_back(std::move(sf));
    }
  }
  decide_signoffs(f);
  f.approved = f.current_approval && f.objections.empty() &&
               std::none_of(f.rows.begin(), f.rows.end(), readiness_row_blocks);
  return f;
}

std::string withheld_text(const ReadinessFigures& r) {
  if (r.objections.empty()) return {};
  std::string text = r.objections.size() == 1 ? "withheld by the latest current sign-off of "
                                              : "withheld by the latest current sign-offs of ";
  for (std::size_t i = 0; i < r.objections.size(); ++i) {
    const auto& s = r.signoffs[r.objections[i]];
    text += (i == 0 ? "" : ", ") + s.name + ": " + s.decision;
  }
  return text;
}

bool readiness_row_blocks(const ReadinessRow& row) {
  if (row.status == "pass") return false;
  // Whitespace is no reason: notes of "   " block like no notes.
  // Blank: nothing but white space, Unicode's too (a no-break space, an ideographic space, the
  // en and em spaces, a zero-width no-break space): notes of nothing but those say nothing.
  auto blank = [](const std::string& t) {
    static constexpr std::string_view k_spaces[] = {
        "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82",
        "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87",
        "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\x8B", "\xE2\x80\xA8",
        "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};
    std::string_view rest = t;
    while (!rest.empty()) {
      if (std::string_view(" \t\r\n\f\v").find(rest[0]) != std::string_view::npos) {
        rest.remove_prefix(1);
        continue;
      }
      bool space = false;
      for (const auto sp : k_spaces)
        if (rest.starts_with(sp)) {
          rest.remove_prefix(sp.size());
          space = true;
          break;
        }
      if (!space) return false;
    }
    return true;
  };
  if (row.status == "na") return blank(row.notes) && blank(row.evidence);
  return true;
}

std::set<std::string> digest_files(const Repo& repo) {
  std::set<std::string> files;
  std::set<std::string_view> reviewed;
  for (const auto& r : repo.readiness) {
    files.insert(r.meta.file);
    if (reviewed.insert(r.service.id).second)
      for_each_reviewed(repo, r.service.id,
                        [&](const char*, const DocMeta& meta) { files.insert(meta.file); });
  }
  for (const auto& a : repo.prom_alerts)
    if (reviewed.count(a.service) != 0) files.insert(a.file);
  return files;
}

} // namespace nines
