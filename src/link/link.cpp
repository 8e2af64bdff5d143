#include "link/link.hpp"

#include "model/entity_ref.hpp"
#include "model/kinds.hpp"
#include "model/numbers.hpp"
#include "model/slug.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace nines {
namespace {

// The ids of one kind, for lookups and suggestions.
struct IdSet {
  std::string what; // "service", "team", ...
  std::set<std::string> ids;
  std::vector<std::string> list;
  const std::set<std::string>* failed = nullptr; // ids of documents that did not validate
  // This kind's documents that did not validate: still what a misspelt reference most likely
  // meant, so they are suggested too ("did you mean" must not vanish when the target has errors).
  std::vector<std::string> failed_list;
  bool judged = true; // false while a folder could not be read: any id may be in it

  void add(const std::string& id) {
    if (ids.insert(id).second) list.push_back(id);
  }
  bool has(const std::string& id) const { return ids.count(id) > 0; }
};

// What a dialect document is in its own format, for a message that quotes its `metadata.name`:
// "OpenSLO Service", "Backstage Component". The model's kind when the format has no such name.
std::string dialect_kind_name(const DocMeta& m) {
  static const std::map<std::pair<std::string_view, std::string_view>, std::string_view> k_names = {
      {{"openslo", "service"}, "OpenSLO Service"},
      {{"openslo", "sli"}, "OpenSLO SLI"},
      {{"openslo", "slo"}, "OpenSLO SLO"},
      {{"backstage", "service"}, "Backstage Component"},
      {{"backstage", "component"}, "Backstage Component"},
      {{"pyrra", "sli"}, "Pyrra ServiceLevelObjective"},
      {{"pyrra", "slo"}, "Pyrra ServiceLevelObjective"}};
  if (auto it = k_names.find({m.dialect, m.kind}); it != k_names.end())
    return std::string(it->second);
  return m.dialect + " " + m.kind;
}

// slug_collision (model/slug.hpp) of two dialect documents, by what each is in its own format;
// "" when either is a native document.
std::string dialect_slug_collision(const DocMeta& d, const DocMeta& a) {
  if (d.dialect.empty() || a.dialect.empty()) return {};
  return slug_collision(dialect_kind_name(d), d.written_name, dialect_kind_name(a), a.written_name,
                        d.id);
}

template <typename T>
void collect(const std::vector<T>& docs, const std::string& what, IdSet& set, DiagBag& diags) {
  set.what = what;
  std::map<std::string, const DocMeta*> first;
  for (const auto& d : docs) {
    auto [it, inserted] = first.emplace(d.meta.id, &d.meta);
    if (!inserted) {
      const DocMeta& a = *it->second;
      const std::string where =
          a.file + ":" + std::to_string(a.id_loc.line) + ":" + std::to_string(a.id_loc.col);
      if (const std::string names = dialect_slug_collision(d.meta, a); !names.empty()) {
        diags.error(d.meta.file, d.meta.id_loc, "duplicate-id", names + where,
                    std::string(k_slug_collision_hint));
        continue;
      }
      diags.error(d.meta.file, d.meta.id_loc, "duplicate-id",
                  "duplicate " + what + " id '" + d.meta.id + "': also defined at " + where,
                  // Each format names its documents in its own field.
                  d.meta.dialect.empty()      ? "give one of them a different `id`"
                  : d.meta.dialect == "sloth" ? "give one of them a different `name` (a Sloth "
                                                "SLO's id is <service>-<name>)"
                                              : "give one of them a different `metadata.name`");
      continue;
    }
    set.add(d.meta.id);
  }
}

// A check listed twice in one review: only one entry could be read, and the other (a `fail`,
// say) would vanish without a word. Reported at the second entry, naming the first.
void check_duplicate_items(const ReadinessReview& review, DiagBag& diags) {
  std::map<std::string_view, const ReadinessItem*> first;
  for (const auto& item : review.items) {
    if (item.check.empty()) continue;
    auto [it, inserted] = first.emplace(item.check, &item);
    if (inserted) continue;
    const Loc& a = it->second->loc;
    diags.error(review.meta.file, item.loc, "duplicate-id",
                "duplicate check '" + item.check + "' in readiness_review '" + review.meta.id +
                    "': also listed at " + review.meta.file + ":" + std::to_string(a.line) + ":" +
                    std::to_string(a.col),
                "keep one entry per check; merge their status, evidence and notes");
  }
}

// SLOs, runbooks and postmortems get a page folder `FOLDER/<id>/` beside their list, which the
// site writes as `FOLDER/index.html` and, when the list is split by team, `FOLDER/team-<team>/`
// (render/site.cpp). An id equal to one of those names would make two pages one path and stop
// the build with nothing written, so it is refused here, where `check` sees it, whatever the
// size of the list: an id that is fine today stays fine as the repository grows.
template <typename T>
void check_page_ids(const std::vector<T>& docs, const std::string& what, const std::string& folder,
                    const IdSet& teams, DiagBag& diags) {
  for (const auto& d : docs) {
    const std::string& id = d.meta.id;
    std::string clash;
    if (id == "index.html")
      clash = "the " + what + " list page, " + folder + "/index.html";
    else if (id.rfind("team-", 0) == 0 && teams.has(id.substr(5)))
      clash = "the part of the " + what + " list for team '" + id.substr(5) + "', " + folder + "/" +
              id + "/, once the list is split by team";
    if (clash.empty()) continue;
    diags.error(d.meta.file, d.meta.id_loc, "invalid-id",
                what + " id '" + id + "' names a page the site already has: " + clash,
                "give it another `id`");
  }
}

// `more` follows the id in the message: " (and 30 more rows)" for a reference repeated in a file.
// `self` is never suggested: a service's dependency on a typo of a third service is not meant as
// the service itself, which would be a self-dependency.
void check(const IdSet& set, const Ref& r, const std::string& file, DiagBag& diags,
           const std::string& hint = {}, const std::string& more = {}, std::string_view self = {}) {
  if (r.empty() || set.has(r.id) || !set.judged) return;
  if (set.failed && set.failed->count(r.id)) return; // its own error says enough
  std::vector<std::string> candidates = set.list;
  candidates.insert(candidates.end(), set.failed_list.begin(), set.failed_list.end());
  // Whether any of the kind is defined, the referring document included: "none is defined yet"
  // would be false of a service whose own dependency is the typo.
  const bool none_defined = candidates.empty();
  if (!self.empty()) std::erase(candidates, self);
  // Without a hint of the caller's, say what would make the reference resolve.
  std::string h = hint;
  if (h.empty()) {
    const std::string near = closest(r.id, candidates);
    h = !near.empty() ? "write '" + near + "' if that is the one meant; otherwise define the " +
                            set.what + " '" + r.id + "'"
        : none_defined
            ? "no " + set.what + " is defined yet: add one with the id '" + r.id + "'"
            : "use the id of an existing " + set.what + ", or add one with the id '" + r.id + "'";
  }
  diags.error(file, r.loc, "unknown-reference",
              "unknown " + set.what + " '" + r.id + "'" + more + did_you_mean(r.id, candidates), h);
}

void check_all(const IdSet& set, const std::vector<Ref>& refs, const std::string& file,
               DiagBag& diags, std::string_view self = {}) {
  for (const auto& r : refs)
    check(set, r, file, diags, {}, {}, self);
}

// Two error budget policies naming one service: an SLO of it without a `policy:` of its own could
// take either, and which one would depend on nothing in the documents (gate deploy blocked by one,
// allowed by the other). An error at each later policy's `service:` (in file order), naming the
// first and the one that governs should the rule be lowered: the id that sorts first, as
// compute's policy_for takes it. An SLO's own `policy:` wins over both, so a service whose SLOs
// all name theirs has no conflict; the nines.yaml default is the fallback and conflicts with
// none. Policies of one id are duplicate-id's, and a service that is none unknown-reference's.
void check_policy_conflicts(const Repo& repo, const IdSet& services, DiagBag& diags) {
  std::set<std::string_view> policy_ids;
  for (const auto& p : repo.policies)
    policy_ids.insert(p.meta.id);
  std::map<std::string_view, const Policy*> first;
  for (const auto& p : repo.policies) {
    if (p.service.empty() || !services.has(p.service.id)) continue;
    const auto [it, inserted] = first.emplace(p.service.id, &p);
    const Policy& a = *it->second;
    if (inserted || a.meta.id == p.meta.id) continue;
    std::vector<std::string_view> taking; // the SLOs of the service that take its policy
    bool any_slo = false;
    for (const auto& slo : repo.slos) {
      if (slo.service.id != p.service.id) continue;
      any_slo = true;
      if (!policy_ids.count(slo.policy.id)) taking.push_back(slo.meta.id);
    }
    if (any_slo && taking.empty()) continue;
    const Policy* governs = &a;
    for (const auto& o : repo.policies)
      if (o.service.id == p.service.id && o.meta.id < governs->meta.id) governs = &o;
    std::string slos;
    for (std::size_t i = 0; i < taking.size() && i < 3; ++i)
      slos += (i ? ", " : "") + std::string(taking[i]);
    if (taking.size() > 3) slos += " and " + std::to_string(taking.size() - 3) + " more";
    const std::string who = slos.empty() ? "the service's SLOs"
                            : taking.size() == 1
                                ? "SLO " + slos + " names no `policy:` of its own and"
                                : "SLOs " + slos + " name no `policy:` of their own and";
    diags.error(p.meta.file, p.service.loc, "policy-conflict",
                "error budget policy '" + p.meta.id + "' names service '" + p.service.id +
                    "', as policy '" + a.meta.id + "' does at " + a.meta.file + ":" +
                    std::to_string(a.service.loc.line) + ":" + std::to_string(a.service.loc.col) +
                    "; " + who + " would take '" + governs->meta.id + "', whose id sorts first",
                "give the service one policy (merge the two, or remove `service:` from one), or "
                "name each SLO's policy in its `policy:` field");
  }
}

// The recorded rows of `rows` against the SLOs of `repo`.
void check_csv_rows(const IdSet& slos, const Repo& repo, const Repo& rows, DiagBag& diags) {
  // Recorded rows of an SLO whose document failed would all dangle; its own error says enough.
  if (!repo.failed_ids.empty()) return;
  // Each SLO id of the table is looked up once; only rows of an unknown one are checked again,
  // for their diagnostics.
  std::vector<bool> known(rows.csv_slos.size());
  for (std::size_t i = 0; i < known.size(); ++i)
    known[i] = slos.has(rows.csv_slos[i]);
  // One error per file and unknown id, at its first row: a month of rows of a misspelt id is one
  // mistake, not 31.
  std::map<std::pair<std::string_view, std::uint32_t>, std::pair<const CsvRow*, std::size_t>>
      unknown;
  for (const auto& row : rows.csv_rows)
    if (!known[row.slo]) {
      auto it =
          unknown.try_emplace({rows.csv_file(row), row.slo}, std::pair{&row, std::size_t{0}}).first;
      ++it->second.second;
    }
  for (const auto& [key, first] : unknown) {
    const auto& [row, count] = first;
    const std::string more =
        count > 1 ? " (and " + plural(static_cast<long long>(count - 1), "more row") + ")" : "";
    check(slos, Ref{rows.csv_slo(*row), Loc{row->line, 1}}, rows.csv_file(*row), diags, {}, more);
  }
}

// The recorded golden-signal rows of `rows`: the service must be one of `repo`'s, and the signal
// one nines.yaml's metrics.golden_signals names (the service page shows those; a value of any
// other would be stored and never shown). One error per file and unknown name, at its first row.
void check_golden_rows(const IdSet& services, const Repo& repo, const Repo& rows, DiagBag& diags) {
  if (rows.golden_rows.empty()) return;
  IdSet signals;
  signals.what = "golden signal";
  for (const auto& [name, query] : repo.config.golden_signals)
    signals.add(name);
  std::string names;
  for (const auto& name : signals.list)
    names += (names.empty() ? "" : ", ") + name;
  const std::string signal_hint =
      "nines.yaml metrics.golden_signals names the signals a service page shows: " +
      (names.empty() ? std::string("none yet") : names);
  struct First {
    const GoldenCsvRow* row;
    std::size_t count;
  };
  std::map<std::tuple<std::uint32_t, bool, std::string_view>, First> unknown;
  for (const auto& row : rows.golden_rows) {
    const bool service_known = services.has(row.service) || !services.judged ||
                               (services.failed && services.failed->count(row.service));
    if (!service_known)
      ++unknown.try_emplace({row.file, true, row.service}, First{&row, 0}).first->second.count;
    if (!signals.has(row.signal))
      ++unknown.try_emplace({row.file, false, row.signal}, First{&row, 0}).first->second.count;
  }
  for (const auto& [key, first] : unknown) {
    const bool of_service = std::get<1>(key);
    const GoldenCsvRow& row = *first.row;
    const std::string more =
        first.count > 1
            ? " (and " + plural(static_cast<long long>(first.count - 1), "more row") + ")"
            : "";
    if (of_service)
      check(services, Ref{row.service, Loc{row.line, row.service_col}}, rows.csv_files[row.file],
            diags, {}, more);
    else
      diags.error(rows.csv_files[row.file], Loc{row.line, row.signal_col}, "unknown-reference",
                  "unknown golden signal '" + row.signal + "'" + more +
                      did_you_mean(row.signal, signals.list),
                  signal_hint);
  }
}

// A rule-file alert's `service` label ties it to a service: the runbook that answers it and the
// readiness row "Alerting configured with runbooks" count it for that service. A label that is a
// near miss of a service's id is most likely a typo, and the alert would count for none. Any
// other value (a Kubernetes service's name in another team's rule file) is that file's business,
// not a reference of the catalog's, so only a near miss is reported, and as a warning.
void check_alert_services(const IdSet& services, const Repo& repo, DiagBag& diags) {
  if (!services.judged) return;
  for (const auto& alert : repo.prom_alerts) {
    if (alert.service.empty() || services.has(alert.service) ||
        (services.failed && services.failed->count(alert.service)))
      continue;
    // A typo is one edit away (`pay-ap`); a name two or more away (`checkout-db` beside
    // `checkout-api`) is most likely another system's, as `closest`'s wider reach would take it.
    const std::string near = closest(alert.service, services.list);
    if (near.empty() || edit_distance(alert.service, near) > 1) continue;
    diags.warning(alert.file, alert.loc, "alert-service",
                  "alert '" + alert.name + "' has the service label '" + alert.service +
                      "', which is no service" + did_you_mean(alert.service, services.list),
                  "write service: " + near +
                      " (the alert counts for the service it names: its runbook, its readiness)");
  }
}

} // namespace

void link_references(const Repo& repo, DiagBag& diags) {
  // A folder that could not be listed may hold a document of any kind and any id: no reference to
  // a document can be called dangling while one is missing (its file-unreadable error says
  // enough). Teams are declared in nines.yaml, so they are still judged when it was read.
  const bool judged = repo.unreadable_folders.empty();
  // Every kind's ids, from the registry: ids name pages, so duplicates are reported for each kind.
  std::map<std::string_view, IdSet> ids;
  for_each_kind([&](const auto& row) {
    collect(repo.*row.docs, std::string(row.label), ids[row.name], diags);
    ids[row.name].failed = &repo.failed_ids;
    ids[row.name].judged = judged;
    for (const auto& meta : repo.failed_docs)
      if (meta.kind == row.name) ids[row.name].failed_list.push_back(meta.id);
  });
  const IdSet& services = ids["service"];
  const IdSet& slis = ids["sli"];
  const IdSet& slos = ids["slo"];
  const IdSet& policies = ids["error_budget_policy"];
  const IdSet& postmortems = ids["postmortem"];
  const IdSet& rotations = ids["oncall_rotation"];
  IdSet teams;
  teams.what = "team";
  teams.failed = &repo.failed_ids;
  teams.judged = repo.config.teams_known;
  for (const auto& [id, t] : repo.config.teams)
    teams.add(id);
  const std::string team_hint = "teams are declared in nines.yaml under `teams:`";
  // A query's `source` names one of nines.yaml's metrics sources (no source: the first one). A
  // name that is none of them is never fetched: said here, where `check` sees it with no network.
  IdSet sources;
  sources.what = "metrics source";
  sources.judged = repo.config.sources_known;
  for (const MetricsSource& s : repo.config.sources) {
    if (s.name.empty()) continue; // a schema error of its own
    if (!sources.has(s.name)) {
      sources.add(s.name);
      continue;
    }
    // A second source of one name is never asked: a query's `source` (or, for the first name,
    // a query without one) always finds the first.
    const MetricsSource& first =
        *std::find_if(repo.config.sources.begin(), repo.config.sources.end(),
                      [&s](const MetricsSource& o) { return o.name == s.name; });
    diags.error("nines.yaml", s.name_loc, "duplicate-id",
                "duplicate metrics source name '" + s.name +
                    "': also defined at nines.yaml:" + std::to_string(first.name_loc.line) + ":" +
                    std::to_string(first.name_loc.col) + "; this one is never queried",
                "give each source under `metrics.sources` a name of its own");
  }
  const std::string source_hint =
      sources.list.empty()
          ? "nines.yaml has no `metrics.sources`: add one with this name, or drop `source` once "
            "there is one (a query without `source` uses the first)"
          : "metrics sources are declared in nines.yaml under `metrics.sources`";
  check_page_ids(repo.slos, "SLO", "slos", teams, diags);
  check_page_ids(repo.runbooks, "runbook", "runbooks", teams, diags);
  check_page_ids(repo.postmortems, "postmortem", "postmortems", teams, diags);

  if (!repo.config.default_policy.empty())
    check(policies, Ref{repo.config.default_policy, repo.config.default_policy_loc}, "nines.yaml",
          diags);
  for (const auto& s : repo.services) {
    check(teams, s.owner_team, s.meta.file, diags, team_hint);
    check(rotations, s.oncall_rotation, s.meta.file, diags);
    check_all(services, s.upstream, s.meta.file, diags, s.meta.id);
    check_all(services, s.downstream, s.meta.file, diags, s.meta.id);
    // A service that calls itself is no dependency: the graph would draw a loop on one node and
    // the page list it among both its callers and the services it calls.
    for (const auto* refs : {&s.upstream, &s.downstream})
      for (const auto& r : *refs)
        if (r.id == s.meta.id)
          diags.warning(s.meta.file, r.loc, "self-dependency",
                        "service '" + s.meta.id + "' lists itself as " +
                            (refs == &s.upstream ? "upstream" : "downstream") + " dependency",
                        "remove it: dependencies name other services (upstream: those it calls, "
                        "downstream: those that call it)");
  }
  for (const auto& s : repo.slis)
    if (s.query)
      check(sources, Ref{s.query->source, s.query->source_loc}, s.meta.file, diags, source_hint);
  for (const auto& s : repo.slos) {
    check(services, s.service, s.meta.file, diags);
    check(slis, s.sli, s.meta.file, diags);
    check(policies, s.policy, s.meta.file, diags);
  }
  for (const auto& p : repo.policies)
    check(services, p.service, p.meta.file, diags);
  check_policy_conflicts(repo, services, diags);
  std::map<std::string_view, const Postmortem*> postmortem_by_id;
  for (const auto& p : repo.postmortems)
    postmortem_by_id.emplace(p.meta.id, &p);
  for (const auto& p : repo.postmortems) {
    check_all(services, p.services, p.meta.file, diags);
    check(postmortems, p.repeat_of, p.meta.file, diags);
    // An incident repeats an earlier one: naming itself, or one dated after it, would count a
    // repeat in the monthly report that did not happen (most likely a wrong id or date).
    if (p.repeat_of.empty()) continue;
    if (p.repeat_of.id == p.meta.id) {
      diags.error(p.meta.file, p.repeat_of.loc, "repeat-of",
                  "postmortem '" + p.meta.id + "' names itself as the incident it repeats",
                  "repeat_of names the postmortem of an earlier incident");
      continue;
    }
    const auto earlier = postmortem_by_id.find(p.repeat_of.id);
    if (earlier == postmortem_by_id.end()) continue;
    const auto day = day_of_text(p.date), repeated = day_of_text(earlier->second->date);
    if (day && repeated && *repeated > *day)
      diags.error(p.meta.file, p.repeat_of.loc, "repeat-of",
                  "repeat_of '" + p.repeat_of.id + "' is dated " + earlier->second->date +
                      ", after this incident (" + p.date + "): an incident repeats an earlier one",
                  "check the id, or the dates of the two postmortems");
  }
  for (const auto& r : repo.runbooks)
    check(services, r.service, r.meta.file, diags);
  for (const auto& t : repo.toil) {
    check(services, t.service, t.meta.file, diags);
    for (const auto& team : t.teams_affected)
      check(teams, team, t.meta.file, diags, team_hint);
  }
  for (const auto& c : repo.capacity)
    check(services, c.service, c.meta.file, diags);
  for (const auto& e : repo.experiments)
    check(services, e.service, e.meta.file, diags);
  for (const auto& a : repo.remediations)
    check(services, a.service, a.meta.file, diags);
  for (const auto& m : repo.maintenance)
    check(services, m.service, m.meta.file, diags);
  for (const auto& r : repo.rotations)
    check(teams, r.team, r.meta.file, diags, team_hint);
  for (const auto& r : repo.readiness) {
    check(services, r.service, r.meta.file, diags);
    check_duplicate_items(r, diags);
  }
  for (const auto& a : repo.assessments) {
    check(services, a.service, a.meta.file, diags);
    check(teams, a.team, a.meta.file, diags, team_hint);
  }
  check_csv_rows(slos, repo, repo, diags);
  check_golden_rows(services, repo, repo, diags);
  check_alert_services(services, repo, diags);
}

void link_csv_rows(const Repo& repo, const Repo& rows, DiagBag& diags) {
  // The ids of `docs` as link_references collects them (without its duplicate findings).
  auto ids_of = [&repo](const auto& docs, const char* what) {
    IdSet set;
    set.what = what;
    set.failed = &repo.failed_ids;
    for (const auto& d : docs)
      set.add(d.meta.id);
    return set;
  };
  check_csv_rows(ids_of(repo.slos, "slo"), repo, rows, diags);
  check_golden_rows(ids_of(repo.services, "service"), repo, rows, diags);
}

} // namespace nines
