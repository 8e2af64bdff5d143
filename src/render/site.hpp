// The static site (SPEC 5): every page, the search index, the sitemap, the theme's static files and
// the JSON API, as one in-memory tree of files that the write stage swaps in as a whole.
//
// The site formats figures; it never computes one. Every number on a page comes from Figures (or,
// for the per-day charts of an SLO, from the recorded daily series the figures were computed
// from), so the pages, the API and the terminal always agree.
#pragma once

#include "compute/figures_all.hpp"
#include "diag/diagnostic.hpp"
#include "model/history.hpp"
#include "model/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nines {

struct SiteOptions {
  std::string base_url; // where the site is published (absolute); empty: no sitemap.xml
  std::string version;  // the nines version, for the footer
  int jobs = 0;         // threads rendering pages; 0: std::thread::hardware_concurrency()
  // The content repository's theme overrides (Hugo style), read by the load stage under the
  // loader's rules: "layouts/NAME.mustache" and "layouts/partials/NAME.mustache" → their text.
  std::map<std::string, std::string> theme_overrides;
  // What git knows of the content files, for each document page's "last changed" line; null (or
  // without history) makes the pages say the dates come from the documents' own fields.
  const History* history = nullptr;
  // Golden-signal days per service from the store, charted on the service pages; null or empty
  // makes each configured signal say it has no stored data.
  const GoldenSeries* golden = nullptr;
};

// Every file of the site, path (relative to the site root, '/'-separated) → bytes, including the
// JSON API (api_files). Byte-identical for the same input whatever `opts.jobs` is.
//
// The theme is the one compiled into the binary, with `opts.theme_overrides` over it. Links are all
// relative, so the site works at a GitHub Pages sub-path and from file://. The driver checks every
// page's links (write/link_check) before anything is written.
//
// Throws ThemeError when the theme or an override cannot be loaded or rendered.
std::map<std::string, std::string> render_site(const Repo& repo, const Figures& figs,
                                               const std::vector<Diagnostic>& diagnostics,
                                               const std::map<std::string, DailySeries>& series,
                                               const SiteOptions& opts);

// The monthly report of `period` as one self-contained HTML document (`nines report --format
// html`): the site's report layout with its stylesheet inlined, no scripts, no links (nothing it
// could point to travels with it). Nullopt when the month has no report.
std::optional<std::string> render_report_document(const Repo& repo, const Figures& figs,
                                                  const std::vector<Diagnostic>& diagnostics,
                                                  const std::map<std::string, DailySeries>& series,
                                                  const SiteOptions& opts,
                                                  const std::string& period);

} // namespace nines
