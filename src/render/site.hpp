// The static site (SPEC 5): every page, the search index, the sitemap, the theme's static files and
// the JSON API, handed file by file to a sink (the driver's site writer, which swaps the whole
// tree in at the end).
//
// The site formats figures; it never computes one. Every number on a page comes from Figures (or,
// for the per-day charts of an SLO, from the recorded daily series the figures were computed
// from), so the pages, the API and the terminal always agree.
#pragma once

#include "compute/figures_all.hpp"
#include "diag/diagnostic.hpp"
#include "model/history.hpp"
#include "model/model.hpp"

#include <functional>
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

// Where render_site hands the files of the site as they are made. Render writes nothing itself:
// the driver connects the sink to the site writer, so no more than the pages in flight are ever
// in memory.
struct SiteSink {
  // Asked before a page is rendered, with the hash of everything its bytes are made from: its
  // layout, every file of the theme (overrides included), the version and its view as dumped.
  // True when the sink already has that page's bytes from a build with the same input (the page
  // is then not rendered and `file` is not called for it). Null: every page is rendered.
  std::function<bool(const std::string& path, const std::string& input)> reuse;
  // A file of the site: path (relative to the site root, '/'-separated), bytes, and for a page its
  // input hash (empty for the API, the static files, the search index and the sitemap, which are
  // made anew every time). Called from the rendering threads, several at once, in no fixed order;
  // an exception stops the rendering and is rethrown by render_site.
  std::function<void(const std::string& path, std::string bytes, const std::string& input)> file;
};

// What render_site did: the files handed on (reused pages included), the pages rendered through
// the theme and reused, and where the rendering threads spent their time (summed over threads).
struct SiteStats {
  std::size_t files = 0;
  std::size_t pages_rendered = 0, pages_reused = 0;
  double view_ms = 0;     // building the pages' views
  double hash_ms = 0;     // dumping and hashing the views (the input hashes)
  double template_ms = 0; // running the layouts
  double sink_ms = 0;     // in SiteSink::file (writing, with the writer)
};

// Every file of the site, including the JSON API (api_files), handed to `sink`. The files and
// their bytes are the same for the same input whatever `opts.jobs` is; only the order of the
// calls varies.
//
// The theme is the one compiled into the binary, with `opts.theme_overrides` over it. Links are all
// relative, so the site works at a GitHub Pages sub-path and from file://. The driver checks every
// page's links (write/link_check) before the site is swapped in.
//
// Throws ThemeError when the theme or an override cannot be loaded or rendered, and whatever the
// sink throws; nothing more is rendered after the first failure.
SiteStats render_site(const Repo& repo, const Figures& figs,
                      const std::vector<Diagnostic>& diagnostics,
                      const std::map<std::string, DailySeries>& series, const SiteOptions& opts,
                      const SiteSink& sink);

// The same, collected in memory: path → bytes (tests, small sites).
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
