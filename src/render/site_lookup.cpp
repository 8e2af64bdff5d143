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

Site::Site(const Repo& r, const Figures& f, const std::vector<Diagnostic>& d,
           const std::map<std::string, DailySeries>& s, const SiteOptions& o)
    : repo(r), figs(f), diagnostics(d), series(s), opts(o) {
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
  for (const auto& diag : diagnostics) {
    if (diag.rule != "runbook-stale") continue;
    for (const auto& rb : repo.runbooks)
      if (rb.meta.file == diag.file &&
          (rb.last_updated_loc.line == diag.loc.line || diag.loc.line == 0))
        stale_runbooks.emplace(rb.meta.id, diag.message);
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
}

std::string Site::team_name(const std::string& id) const {
  auto it = repo.config.teams.find(id);
  if (it != repo.config.teams.end() && !it->second.name.empty()) return it->second.name;
  return id;
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
