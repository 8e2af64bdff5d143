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
  return markdown_for(link_base(site), doc.file, md, page, taken, 2);
}

LinkBase link_base(const Site& site) {
  return {site.file_pages, site.repo.config.repo_url, site.repo.config.branch, site.repo_prefix};
}

namespace {

// The ids of the default theme's frame (base layout, navigation) on every page, and "top", which
// a browser scrolls to the top of the page for when no element has it.
const std::vector<std::string_view> k_frame_ids = {
    "main",          "menu-button", "site-nav",     "site-nav-list",
    "site-search-q", "table-label", "theme-toggle", "top"};

// The ids each layout that shows Markdown writes (grep 'id="' in the layout and its partials),
// by the folder of its pages.
struct LayoutIds {
  std::string_view folder;
  std::vector<std::string_view> ids;
};
const std::vector<LayoutIds> k_layouts = {
    {"services/", {"capacity",    "capacity-h",     "chaos",         "chaos-h",    "dependencies",
                   "deps-h",      "health-caption", "maturity",      "maturity-h", "overview",
                   "overview-h",  "postmortems",    "postmortems-h", "readiness",  "readiness-h",
                   "remediation", "remediation-h",  "runbooks",      "runbooks-h", "signals",
                   "signals-h",   "slos",           "slos-h",        "toil",       "toil-h"}},
    {"slos/",
     {"alert-policies-h", "alerts-h", "attainment-h", "budget-week-h", "burn-h", "burn-rates-h",
      "charts-h", "ownership-h", "policy-h", "runbooks-h", "sli-h"}},
    {"runbooks/",
     {"diagnosis-h", "escalation-h", "impact-h", "mitigation-h", "overview-h", "related-h",
      "steps-h"}},
    {"postmortems/",
     {"actions-h", "detection-h", "factors-h", "fishbone-h", "ics-h", "impact-h", "lucky-h",
      "root-cause-h", "timeline-h", "well-h", "whys-h", "wrong-h"}},
    {"reports/",
     {"concerns-h", "highlights-h", "priorities-h", "report-actions-h", "report-budget-h",
      "report-charts-h", "report-incidents-h", "report-oncall-h", "report-open-actions-h",
      "report-slos-h", "report-toil-h"}},
    {"handoffs/", {"changes-h", "maintenance-h", "open-h", "risks-h", "runbook-updates-h"}},
};

// The ids of the other pages' layouts, which show no Markdown.
const std::vector<std::string_view> k_other_ids = {
    "all-toil-h",   "attention-h",      "catalog-caption", "entries-caption",
    "evidence-h",   "heat-caption",     "incidents-h",     "matrix-h",
    "oncall-h",     "overdue-h",        "parts-h",         "postmortems-caption",
    "quadrants-h",  "runbooks-caption", "runways-caption", "search",
    "search-input", "search-kinds",     "search-results",  "search-status",
    "slo-status-h", "slos-caption",     "stale-h",         "summary-caption",
    "teams-h",      "tiers-h",          "work-h"};

} // namespace

const std::set<std::string>& layout_ids() {
  static const std::set<std::string> k_all = [] {
    std::set<std::string> all(k_frame_ids.begin(), k_frame_ids.end());
    for (const auto& layout : k_layouts)
      all.insert(layout.ids.begin(), layout.ids.end());
    all.insert(k_other_ids.begin(), k_other_ids.end());
    return all;
  }();
  return k_all;
}

const std::set<std::string>& layout_ids(std::string_view page) {
  static const std::vector<std::set<std::string>> k_by_layout = [] {
    std::vector<std::set<std::string>> sets;
    for (const auto& layout : k_layouts) {
      std::set<std::string> ids(k_frame_ids.begin(), k_frame_ids.end());
      ids.insert(layout.ids.begin(), layout.ids.end());
      sets.push_back(std::move(ids));
    }
    return sets;
  }();
  for (std::size_t k = 0; k < k_layouts.size(); ++k)
    if (page.starts_with(k_layouts[k].folder)) return k_by_layout[k];
  return layout_ids();
}

ResolvedLink resolve_link(const LinkBase& base, const std::string& doc_file,
                          const std::string& root, std::string_view url) {
  ResolvedLink r{std::string(url), {}, false, false};
  // Only relative paths are the repository's: schemes, fragments and queries stay as written.
  if (url.empty() || url[0] == '#' || url[0] == '?' || url[0] == '/' || has_scheme(url)) return r;
  const std::size_t path_end = std::min(url.find_first_of("?#"), url.size());
  const std::string_view rest = url.substr(path_end);
  const std::string_view fragment = rest.substr(std::min(rest.find('#'), rest.size()));
  const std::string_view query = rest.substr(0, rest.size() - fragment.size());
  // A path names a file as the repository's web view reads it: percent-decoded, so
  // "disk%20full.md" is the file `disk full.md`.
  const std::filesystem::path folder = std::filesystem::path(doc_file).parent_path();
  std::string target =
      (folder / percent_decode(url.substr(0, path_end))).lexically_normal().generic_string();
  r.file = target;
  if (target.rfind("..", 0) == 0) {
    r.climbs = true;
    return r;
  }
  if (auto it = base.file_pages.find(target); it != base.file_pages.end()) {
    // A query means something to the web view ("?plain=1": the source), nothing to a page.
    r.url = root + it->second + std::string(fragment);
    r.page = true;
    return r;
  }
  if (!base.repo_url.empty()) {
    std::string repo = base.repo_url;
    while (!repo.empty() && repo.back() == '/')
      repo.pop_back();
    r.url = repo + "/blob/" + base.branch + "/" + percent_encode_path(base.prefix + target) +
            std::string(query) + std::string(fragment);
  }
  return r;
}

MarkdownResult markdown_for(const LinkBase& base, const std::string& doc_file,
                            const std::string& md, const std::string& page,
                            std::set<std::string>* taken, int top_heading_level) {
  MarkdownOptions options;
  options.top_heading_level = top_heading_level;
  // Only the ids this page's layout writes: a body's "## Overview" is `#overview`, as in the
  // repository's web view, on every page but a service's, whose layout has an `overview`.
  options.reserved_ids.clear();
  options.more_reserved_ids = &layout_ids(page);
  if (taken) options.reserved_ids = *taken;
  const std::string root = root_of(page);
  options.rewrite_url = [&base, &doc_file, &root](std::string_view url) -> std::string {
    return resolve_link(base, doc_file, root, url).url;
  };
  MarkdownResult result = render_markdown(md, options);
  if (taken) {
    for (const auto& h : result.headings)
      taken->insert(h.anchor);
    taken->insert(result.ids.begin(), result.ids.end());
  }
  return result;
}

void put_body(json& v, const LinkBase& base, const std::string& md, const std::string& page,
              std::set<std::string>& taken, const ProseSlot& slot) {
  MarkdownResult body = markdown_for(base, slot.file, md, page, &taken);
  v[json::json_pointer(slot.body_at)] = text_or_null(body.html);
  if (!slot.toc_at.empty()) v[json::json_pointer(slot.toc_at)] = toc_of(body);
}

json notes_html(const Site& site, const DocMeta& doc, const std::string& page,
                std::set<std::string>& taken, int top_heading_level) {
  if (doc.body.empty()) return nullptr;
  return text_or_null(
      markdown_for(link_base(site), doc.file, doc.body, page, &taken, top_heading_level).html);
}

std::string markdown_without_links(const std::string& md, std::set<std::string>* taken) {
  if (md.empty()) return {};
  MarkdownOptions options;
  options.top_heading_level = 2;
  options.more_reserved_ids = &layout_ids();
  if (taken) options.reserved_ids.insert(taken->begin(), taken->end());
  // The renderer drops a link or image whose rewritten URL is unsafe and keeps its text (an
  // image its alt text): every one becomes text, so the page has no href or src leading anywhere
  // (a footnote's in-page `#fn-…` links are cmark's own markup, not links of the text).
  options.rewrite_url = [](std::string_view) -> std::string { return "javascript:"; };
  MarkdownResult result = render_markdown(md, options);
  if (taken) {
    for (const auto& h : result.headings)
      taken->insert(h.anchor);
    taken->insert(result.ids.begin(), result.ids.end());
  }
  return std::move(result.html);
}

json toc_of(const MarkdownResult& md) {
  json toc = json::array();
  for (const auto& h : md.headings)
    // A heading with no text (`##` alone, an image without alt text) would be an entry with
    // nothing to read.
    if (h.level >= 2 && h.level <= 3 && !h.text.empty())
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
