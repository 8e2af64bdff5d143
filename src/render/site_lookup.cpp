// The site's lookups (documents and figures by id) and the paths of its pages.
#include "model/digest.hpp"
#include "model/kinds.hpp"
#include "model/time.hpp"
#include "render/html.hpp"
#include "render/site_detail.hpp"
#include "render/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

namespace nines::site {

// ---------------------------------------------------------------------------------------------
// Site

const Site::ServiceDocs& Site::service_docs(const std::string& service) const {
  static const ServiceDocs k_none;
  auto it = m_service_docs.find(service);
  return it == m_service_docs.end() ? k_none : it->second;
}

const std::vector<const BudgetClaimFigures*>& Site::claims_of(const std::string& postmortem) const {
  static const std::vector<const BudgetClaimFigures*> k_none;
  auto it = m_claims_by_postmortem.find(postmortem);
  return it == m_claims_by_postmortem.end() ? k_none : it->second;
}

Site::Site(const Repo& r, const Figures& f, const std::vector<Diagnostic>& d,
           const std::map<std::string, DailySeries>& s, const SiteOptions& o)
    : repo(r), figs(f), diagnostics(d), series(s), opts(o), runbooks_by_alert(r.runbooks) {
  today = day_of(figs.now);
  today_text = format_date(today);
  this_month = today_text.substr(0, 7);

  for (const auto& x : repo.services)
    services.emplace(x.meta.id, &x);
  for (const auto& x : repo.slos)
    slos.emplace(x.meta.id, &x);
  for (const auto& x : figs.slos)
    slo_figs.emplace(x.id, &x);
  for (const auto& x : repo.slis)
    slis.emplace(x.meta.id, &x);
  for (const auto& x : repo.runbooks)
    runbooks.emplace(x.meta.id, &x);
  for (const auto& x : repo.postmortems)
    postmortems.emplace(x.meta.id, &x);
  for (const auto& x : figs.incidents)
    incidents.emplace(x.id, &x);
  for (const auto& x : figs.readiness)
    readiness.emplace(x.service, &x);
  for (const auto& x : figs.maturity.services)
    maturity.emplace(x.service, &x);
  for (const auto& x : repo.rotations)
    rotations.emplace(x.meta.id, &x);
  for (const auto& x : figs.oncall)
    rotation_figs.emplace(x.id, &x);
  for (const auto& x : figs.capacity)
    capacity_figs.emplace(x.id, &x);
  for (const auto& x : figs.toil)
    toil_figs.emplace(x.id, &x);
  for (const auto& x : repo.policies)
    policies.emplace(x.meta.id, &x);

  // A lint diagnostic points at the runbook's last_updated; several runbooks can share a file.
  std::unordered_map<std::string_view, std::vector<const Runbook*>> runbooks_by_file;
  for (const auto& rb : repo.runbooks)
    runbooks_by_file[rb.meta.file].push_back(&rb);
  for (const auto& diag : diagnostics) {
    if (diag.rule != "runbook-stale") continue;
    auto in_file = runbooks_by_file.find(diag.file);
    if (in_file == runbooks_by_file.end()) continue;
    for (const Runbook* rb : in_file->second)
      if (rb->last_updated_loc.line == diag.loc.line || diag.loc.line == 0)
        stale_runbooks.emplace(rb->meta.id, diag.message);
  }

  for (const auto& x : figs.slos)
    m_service_docs[x.service].slos.push_back(&x);
  for (const auto& w : figs.budget_weeks)
    budget_weeks[w.slo] = &w; // the last, as the page took it
  m_claims_by_postmortem = claims_by_postmortem(figs.budget_claims);
  for (const auto& rb : repo.runbooks)
    m_service_docs[rb.service.id].runbooks.push_back(&rb);
  for (const auto& i : figs.incidents)
    for (std::size_t k = 0; k < i.services.size(); ++k)
      if (std::find(i.services.begin(), i.services.begin() + static_cast<std::ptrdiff_t>(k),
                    i.services[k]) == i.services.begin() + static_cast<std::ptrdiff_t>(k))
        m_service_docs[i.services[k]].incidents.push_back(&i);
  for (const auto& t : figs.toil)
    m_service_docs[t.service].toil.push_back(&t);
  for (const auto& c : figs.capacity)
    m_service_docs[c.service].capacity.push_back(&c);
  for (const auto& e : repo.experiments)
    m_service_docs[e.service_id()].experiments.push_back(&e);
  for (const auto& a : repo.remediations)
    m_service_docs[a.service.id].remediations.push_back(&a);
  for (const auto& other : repo.services) {
    for (const auto& ref : other.upstream)
      m_service_docs[ref.id].upstream_of.push_back(&other.meta.id);
    for (const auto& ref : other.downstream)
      m_service_docs[ref.id].downstream_of.push_back(&other.meta.id);
  }

  auto add_team = [&](const std::string& id) {
    if (!id.empty()) team_ids.insert(id);
  };
  for (const auto& [id, t] : repo.config.teams)
    add_team(id);
  for (const auto& x : repo.services)
    add_team(x.owner_team.id);
  for (const auto& x : repo.rotations)
    add_team(x.team.id);
  for (const auto& x : figs.team_toil)
    add_team(x.team);
  for (const auto& x : figs.maturity.teams)
    add_team(x.id);
  for (const auto& id : team_ids)
    m_team_by_name.emplace(team_name(id), &id); // the first of a name, in team_ids order

  file_pages = file_pages_of(repo);
  if (opts.history) repo_prefix = opts.history->prefix();
}

std::map<std::string, std::string> file_pages_of(const Repo& repo) {
  std::map<std::string, std::string> file_pages;
  auto add_file = [&](const DocMeta& m, const std::string& page) {
    file_pages.emplace(m.file, page); // the first document of a file names its page
  };
  for (const auto& x : repo.services)
    add_file(x.meta, service_page(x.meta.id));
  for (const auto& x : repo.slos)
    add_file(x.meta, slo_page(x.meta.id));
  for (const auto& x : repo.runbooks)
    add_file(x.meta, runbook_page(x.meta.id));
  for (const auto& x : repo.postmortems)
    add_file(x.meta, postmortem_page(x.meta.id));
  // The pages that show these documents' bodies: a rotation's handoff page, a monthly report's
  // page of its month (every month a report document names has a report).
  for (const auto& x : repo.rotations)
    add_file(x.meta, handoff_page(x.meta.id));
  for (const auto& x : repo.reports)
    if (parse_period(x.period)) add_file(x.meta, report_page(x.period));
  return file_pages;
}

std::string Site::team_name(const std::string& id) const {
  auto it = repo.config.teams.find(id);
  if (it != repo.config.teams.end() && !it->second.name.empty()) return it->second.name;
  return id;
}

const std::string* Site::team_named(const std::string& name) const {
  auto it = m_team_by_name.find(name);
  return it == m_team_by_name.end() ? nullptr : it->second;
}

std::string Site::service_name(const std::string& id) const {
  auto it = services.find(id);
  if (it != services.end() && !it->second->name.empty()) return it->second->name;
  return id;
}

// ---------------------------------------------------------------------------------------------
// Paths

std::string segment(const std::string& id) {
  return valid_id(id) ? id : "id-" + fnv1a_hex(id);
}

std::string service_page(const std::string& id) {
  return "services/" + segment(id) + "/index.html";
}
std::string slo_page(const std::string& id) {
  return "slos/" + segment(id) + "/index.html";
}
std::string runbook_page(const std::string& id) {
  return "runbooks/" + segment(id) + "/index.html";
}
std::string postmortem_page(const std::string& id) {
  return "postmortems/" + segment(id) + "/index.html";
}
std::string report_page(const std::string& period) {
  return "reports/" + segment(period) + "/index.html";
}
std::string team_anchor(const std::string& id) {
  return "teams/index.html#team-" + segment(id);
}
std::string rotation_anchor(const std::string& id) {
  return "oncall/index.html#rotation-" + segment(id);
}

std::string root_of(const std::string& page) {
  std::string root;
  for (char c : page)
    if (c == '/') root += "../";
  return root;
}

json service_href(const Site& site, const std::string& id) {
  return site.services.count(id) ? json(service_page(id)) : json(nullptr);
}
json slo_href(const Site& site, const std::string& id) {
  return site.slo_figs.count(id) ? json(slo_page(id)) : json(nullptr);
}
json team_href(const Site& site, const std::string& id) {
  return site.has_team(id) ? json(team_anchor(id)) : json(nullptr);
}
json rotation_href(const Site& site, const std::string& id) {
  return site.rotation_figs.count(id) ? json(rotation_anchor(id)) : json(nullptr);
}
json postmortem_href(const Site& site, const std::string& id) {
  return site.postmortems.count(id) ? json(postmortem_page(id)) : json(nullptr);
}

json team_of_service(const Site& site, const std::string& service) {
  auto it = site.services.find(service);
  if (it == site.services.end() || it->second->owner_team.id.empty()) return nullptr;
  return site.team_name(it->second->owner_team.id);
}

} // namespace nines::site
