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
#include "render/view_json.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

struct SiteOptions {
  std::string base_url; // where the site is published (absolute); empty: no sitemap.xml
  std::string version;  // the nines version, for the footer
  int jobs = 0;         // threads rendering pages; 0: std::thread::hardware_concurrency()
  // The content repository's theme overrides (Hugo style), read by the load stage under the
  // loader's rules: "layouts/NAME.mustache" and "layouts/partials/NAME.mustache" → their text.
  std::map<std::string, std::string> theme_overrides;
  // What git knows of the content files, for each document page's "last changed" line and for
  // where the content root sits in the git work tree (links to files in the repository's web
  // view); null (or without history) makes the pages say the dates come from the documents' own
  // fields.
  const History* history = nullptr;
  // Golden-signal days per service from the store, charted on the service pages; null or empty
  // makes each configured signal say it has no stored data.
  const GoldenSeries* golden = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Rebuilding after a body edit. Most edits to a governance repository are prose: a runbook's
// steps, a postmortem's narrative. A build whose only changes since the previous one are Markdown
// bodies (front matter byte for byte the same, like every other input) changes only the pages
// that show those bodies and the search index. The previous build saves what those need
// (ProseState): each such page's view with the body left out, and the search index's entries
// with the parts of each entry that are not its document's body. render_prose then makes those
// files again without the model, and the driver replaces them in the site.

// Where a page shows a document's body: the repository file, the JSON pointers of the body's HTML
// and (when not empty) of its table of contents in the view, and the anchors the page used before
// the body (the body's headings must not take them).
struct ProseSlot {
  std::string file, body_at, toc_at;
  std::vector<std::string> taken;
};

// One page that shows a body, as saved: its layout and its view in the page-input encoding
// (encode_view), with the body's fields null.
// The repository's Markdown files whose body some page shows outside that page's ProseSlot: an SLI
// or error budget policy on its SLOs' pages, a readiness review, assessment, toil item, capacity
// model, chaos experiment or automatic remediation on its service's page, a second monthly_report
// document of a month on the report's page (docs/site.md, "Document bodies"). A prose rebuild
// makes a page again only where its slot's body changed, so a body edit of one of these files
// takes the long way. Sorted; `.md` files only (no other file has a body).
std::vector<std::string> bodies_outside_slots(const Repo& repo);

struct ProsePage {
  std::string path, layout;
  ProseSlot slot;
  std::string view;
};

// One line of the search index (search-index.js).
struct SearchEntry {
  std::string title, kind, summary, href, text;
};

// The search index as saved: every entry, the text budget of one entry, and for each entry that
// holds a document's body the parts it is made of besides that body (`prose` without it; the body
// goes in at `body_at`). Also what a body's relative links resolve against: the pages of the
// repository's files, and the repository's address, branch and the content root's place in the
// git work tree (Site's repo_prefix) for the other files.
struct ProseSearch {
  struct Draft {
    std::size_t entry = 0;
    std::string file, kind, title, href, summary;
    std::vector<std::string> keys, prose;
    std::size_t body_at = 0;
  };
  std::vector<SearchEntry> entries;
  std::size_t cap = 0;
  std::vector<Draft> drafts;
  std::map<std::string, std::string> file_pages;
  std::string repo_url, branch, repo_prefix;
};

struct ProseState {
  std::vector<ProsePage> pages; // sorted by path; from decode_prose, the wanted ones only
  // From decode_prose: every other page, without its view (its slot tells its headings' anchors).
  std::vector<ProsePage> others;
  ProseSearch search;
};

// A view's exact bytes (the encoding page input hashes are made from), and back. decode_view
// returns nullopt on bytes that are not such an encoding.
std::string encode_view(const ViewJson& view);
std::optional<ViewJson> decode_view(std::string_view bytes);

// The saved state as bytes, written as it is made, so it is never held whole: prose_file_start(),
// then encode_prose_page() of each page and encode_prose_search() once, in any order, then
// encode_prose_end() with the number of pages and the content_hash of every record before it,
// concatenated in order. And back: decode_prose keeps the views of only the pages that show one
// of `files` (keys; the other pages' slots go to `others`), and returns nullopt when the bytes are
// damaged (changed in place too), cut short or of another encoding.
std::string prose_file_start();
std::string encode_prose_page(const ProsePage& page);
std::string encode_prose_search(const ProseSearch& search);
std::string encode_prose_end(std::size_t pages, const std::string& digests);
std::optional<ProseState> decode_prose(std::string_view bytes,
                                       const std::map<std::string, std::string>& files);

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
  // With these, render_site also hands over what a later build needs when only bodies change:
  // each page that shows a body, after it is made or reused (from the rendering threads), and the
  // search index's parts once.
  std::function<void(ProsePage&& page)> prose_page;
  std::function<void(ProseSearch&& search)> prose_search;
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

// The files of a site whose inputs differ from those `state` was saved from only in the Markdown
// bodies of `bodies` (repository file → its body now; every body that differs from the saved
// build's): each saved page showing a body of `pages_of`, made again from its saved view, and
// search-index.js when an entry holds one of `bodies`. Handed to `sink.file` as render_site hands
// them (same bytes, same input hashes); pages_rendered counts the pages.
SiteStats render_prose(const ProseState& state, const std::map<std::string, std::string>& bodies,
                       const std::set<std::string>& pages_of, const SiteOptions& opts,
                       const SiteSink& sink);

// The monthly report of `period` as one self-contained HTML document (`nines report --format
// html`): the site's report layout with its stylesheet inlined, no scripts, no links (nothing it
// could point to travels with it). Nullopt when the month has no report.
std::optional<std::string> render_report_document(const Repo& repo, const Figures& figs,
                                                  const std::vector<Diagnostic>& diagnostics,
                                                  const std::map<std::string, DailySeries>& series,
                                                  const SiteOptions& opts,
                                                  const std::string& period);

} // namespace nines
