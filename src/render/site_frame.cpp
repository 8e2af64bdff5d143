// The page frame every page shares, and Markdown bodies in the site's pages.
#include "diag/format.hpp"
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
// Frame

json page_view(const Site& site, const std::string& page, const std::string& title,
               const std::string& section,
               const std::vector<std::pair<std::string, std::string>>& crumbs) {
  static const std::vector<std::array<const char*, 3>> k_nav = {
      {"index.html", "Dashboard", "dashboard"},
      {"catalog/index.html", "Services", "services"},
      {"slos/index.html", "SLOs", "slos"},
      {"postmortems/index.html", "Incidents", "incidents"},
      {"runbooks/index.html", "Runbooks", "runbooks"},
      {"maturity/index.html", "Maturity", "maturity"},
      {"readiness/index.html", "Readiness", "readiness"},
      {"toil/index.html", "Toil", "toil"},
      {"capacity/index.html", "Capacity", "capacity"},
      {"oncall/index.html", "On-call", "oncall"},
      {"teams/index.html", "Teams", "teams"},
      {"reports/index.html", "Reports", "reports"},
  };
  json nav = json::array();
  nav.get_ref<json::array_t&>().reserve(k_nav.size());
  for (const auto& [href, label, key] : k_nav)
    nav.push_back(
        ViewObject().add("href", href).add("label", label).add("current", section == key).take());
  json trail = json::array();
  if (page != "index.html") {
    trail.get_ref<json::array_t&>().reserve(crumbs.size() + 2);
    trail.push_back(ViewObject().add("href", "index.html").add("label", "Dashboard").take());
    for (const auto& [href, label] : crumbs)
      trail.push_back(ViewObject().add("href", text_or_null(href)).add("label", label).take());
    trail.push_back(ViewObject().add("href", nullptr).add("label", title).take());
  }
  const Config& c = site.repo.config;
  return ViewObject()
      .add("lang", "en")
      .add("root", root_of(page))
      .add("title", title)
      .add("description", text_or_null(c.description))
      .add("site", ViewObject()
                       .add("title", c.title.empty() ? "Reliability" : c.title)
                       .add("repo_url", text_or_null(c.repo_url))
                       .add("api_href", "api/slos.json")
                       .take())
      .add("nav", std::move(nav))
      .add("breadcrumbs", std::move(trail))
      .add("freshness", nullptr)
      .add("build", ViewObject()
                        .add("version", text_or_null(site.opts.version))
                        .add("date", site.today_text)
                        .take())
      .take();
}

// ---------------------------------------------------------------------------------------------
// Markdown

MarkdownResult markdown_for(const Site& site, const DocMeta& doc, const std::string& md,
                            const std::string& page, std::set<std::string>* taken) {
  return markdown_for(link_base(site), doc.file, md, page, taken);
}

LinkBase link_base(const Site& site) {
  return {site.file_pages, site.repo.config.repo_url, site.repo.config.branch, site.repo_prefix};
}

const std::set<std::string>& layout_ids() {
  // Every id the default theme's layouts and partials write (grep 'id="' themes/default), so a
  // heading can never steal an in-page link's target.
  static const std::set<std::string> k_layout_ids = {"actions-h",
                                                     "alert-policies-h",
                                                     "alerts-h",
                                                     "all-toil-h",
                                                     "attainment-h",
                                                     "attention-h",
                                                     "budget-week-h",
                                                     "burn-h",
                                                     "burn-rates-h",
                                                     "capacity",
                                                     "capacity-h",
                                                     "catalog-caption",
                                                     "changes-h",
                                                     "chaos",
                                                     "chaos-h",
                                                     "concerns-h",
                                                     "dependencies",
                                                     "deps-h",
                                                     "detection-h",
                                                     "diagnosis-h",
                                                     "entries-caption",
                                                     "escalation-h",
                                                     "evidence-h",
                                                     "factors-h",
                                                     "fishbone-h",
                                                     "health-caption",
                                                     "heat-caption",
                                                     "highlights-h",
                                                     "ics-h",
                                                     "impact-h",
                                                     "incidents-h",
                                                     "lucky-h",
                                                     "main",
                                                     "maintenance-h",
                                                     "matrix-h",
                                                     "maturity",
                                                     "maturity-h",
                                                     "menu-button",
                                                     "mitigation-h",
                                                     "oncall-h",
                                                     "open-h",
                                                     "overdue-h",
                                                     "overview",
                                                     "overview-h",
                                                     "ownership-h",
                                                     "parts-h",
                                                     "policy-h",
                                                     "postmortems",
                                                     "postmortems-caption",
                                                     "postmortems-h",
                                                     "priorities-h",
                                                     "quadrants-h",
                                                     "readiness",
                                                     "readiness-h",
                                                     "related-h",
                                                     "remediation",
                                                     "remediation-h",
                                                     "report-actions-h",
                                                     "report-budget-h",
                                                     "report-charts-h",
                                                     "report-incidents-h",
                                                     "report-oncall-h",
                                                     "report-open-actions-h",
                                                     "report-slos-h",
                                                     "report-toil-h",
                                                     "risks-h",
                                                     "root-cause-h",
                                                     "runbook-updates-h",
                                                     "runbooks",
                                                     "runbooks-caption",
                                                     "runbooks-h",
                                                     "runways-caption",
                                                     "search",
                                                     "search-input",
                                                     "search-kinds",
                                                     "search-results",
                                                     "search-status",
                                                     "signals",
                                                     "signals-h",
                                                     "site-nav",
                                                     "site-nav-list",
                                                     "site-search-q",
                                                     "sli-h",
                                                     "slo-status-h",
                                                     "slos",
                                                     "slos-caption",
                                                     "slos-h",
                                                     "stale-h",
                                                     "steps-h",
                                                     "summary-caption",
                                                     "table-label",
                                                     "teams-h",
                                                     "theme-toggle",
                                                     "tiers-h",
                                                     "timeline-h",
                                                     "toil",
                                                     "toil-h",
                                                     "well-h",
                                                     "whys-h",
                                                     "work-h",
                                                     "wrong-h"};
  return k_layout_ids;
}

ResolvedLink resolve_link(const LinkBase& base, const std::string& doc_file,
                          const std::string& root, std::string_view url) {
  ResolvedLink r{std::string(url), {}, false, false};
  std::string u(url);
  // Only relative paths are the repository's: schemes, fragments and queries stay as written.
  if (u.empty() || u[0] == '#' || u[0] == '?' || u[0] == '/' ||
      u.find(':') < u.find_first_of("/?#"))
    return r;
  std::string fragment;
  if (auto hash = u.find('#'); hash != std::string::npos) {
    fragment = u.substr(hash);
    u.erase(hash);
  }
  std::filesystem::path folder = std::filesystem::path(doc_file).parent_path();
  std::string target = (folder / u).lexically_normal().generic_string();
  r.file = target;
  if (target.rfind("..", 0) == 0) {
    r.climbs = true;
    return r;
  }
  if (auto it = base.file_pages.find(target); it != base.file_pages.end()) {
    r.url = root + it->second + fragment;
    r.page = true;
    return r;
  }
  if (!base.repo_url.empty()) {
    std::string repo = base.repo_url;
    while (!repo.empty() && repo.back() == '/')
      repo.pop_back();
    r.url =
        repo + "/blob/" + base.branch + "/" + percent_encode_path(base.prefix) + target + fragment;
  }
  return r;
}

MarkdownResult markdown_for(const LinkBase& base, const std::string& doc_file,
                            const std::string& md, const std::string& page,
                            std::set<std::string>* taken) {
  MarkdownOptions options;
  options.top_heading_level = 2; // the page's title is its one <h1>; prose starts at <h2>
  options.more_reserved_ids = &layout_ids();
  if (taken) options.reserved_ids.insert(taken->begin(), taken->end());
  const std::string root = root_of(page);
  options.rewrite_url = [&base, &doc_file, &root](std::string_view url) -> std::string {
    return resolve_link(base, doc_file, root, url).url;
  };
  MarkdownResult result = render_markdown(md, options);
  if (taken)
    for (const auto& h : result.headings)
      taken->insert(h.anchor);
  return result;
}

void put_body(json& v, const LinkBase& base, const std::string& md, const std::string& page,
              std::set<std::string>& taken, const ProseSlot& slot) {
  MarkdownResult body = markdown_for(base, slot.file, md, page, &taken);
  v[json::json_pointer(slot.body_at)] = text_or_null(body.html);
  if (!slot.toc_at.empty()) v[json::json_pointer(slot.toc_at)] = toc_of(body);
}

json notes_html(const Site& site, const DocMeta& doc, const std::string& page,
                std::set<std::string>& taken) {
  if (doc.body.empty()) return nullptr;
  return text_or_null(markdown_for(site, doc, doc.body, page, &taken).html);
}

std::string markdown_without_links(const std::string& md) {
  if (md.empty()) return {};
  MarkdownOptions options;
  options.top_heading_level = 2;
  options.more_reserved_ids = &layout_ids();
  // The renderer drops a link or image whose rewritten URL is unsafe and keeps its text (an
  // image its alt text): every one becomes text, so the page has no href or src at all.
  options.rewrite_url = [](std::string_view) -> std::string { return "javascript:"; };
  return render_markdown(md, options).html;
}

json toc_of(const MarkdownResult& md) {
  json toc = json::array();
  for (const auto& h : md.headings)
    if (h.level >= 2 && h.level <= 3)
      toc.push_back(
          ViewObject().add("level", h.level).add("text", h.text).add("anchor", h.anchor).take());
  // One heading needs no table of contents.
  return toc.size() < 2 ? json::array() : toc;
}

json source_url(const Site& site, const DocMeta& doc) {
  std::string repo = site.repo.config.repo_url;
  if (repo.empty() || doc.file.empty()) return nullptr;
  while (!repo.empty() && repo.back() == '/')
    repo.pop_back();
  return repo + "/blob/" + site.repo.config.branch + "/" +
         percent_encode_path(site.repo_prefix + doc.file);
}

} // namespace nines::site
