// The site theme: mustache layouts and partials, and the static assets that go beside the pages.
#pragma once

#include "diag/errors.hpp"
#include "render/view_json.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace kainjow::mustache {
template <typename StringType> class basic_context;
} // namespace kainjow::mustache

namespace nines {

// A theme or override that cannot be loaded or rendered: the repository's error, reported at its
// layouts/ folder.
class ThemeError : public RepoError {
public:
  explicit ThemeError(const std::string& message) : RepoError("layouts", {}, "theme", message) {}
};

// A theme from files held in memory (the theme compiled into the binary), keyed by path relative
// to the theme folder: "layouts/base.mustache", "partials/nav.mustache", "static/style.css";
// other keys are ignored and messages name a file as "theme:KEY". `overrides` are the content
// repository's own templates, Hugo style, keyed by their path in the repository (the load stage
// reads them): "layouts/NAME.mustache" replaces (or adds) layout NAME and
// "layouts/partials/NAME.mustache" partial NAME. Render does no I/O: both maps are read before.
//
// Every template is checked when the theme is loaded, so a broken one fails the build before any
// page is rendered: mustache syntax, references to partials that do not exist, partial cycles,
// set-delimiter tags (unsupported, they would defeat these checks), and raw tags. Raw output
// ({{{x}}} or {{&x}}) is reserved for pre-rendered safe HTML, so it is only allowed for names
// ending in `_html` or `_svg` and for the base layout's `content`; everything else goes through
// {{x}}, which escapes with html_escape.
//
// Views are JSON objects, read in place: a value is converted for mustache when a template first
// names it, so a field no template names costs nothing. Conversion: objects and arrays as
// themselves; strings as themselves, except "" which becomes false so {{#summary}}...{{/summary}}
// hides an empty field; integers in decimal; other numbers in their shortest round-trip form
// (std::to_chars: "99.9", no locale; views should still pre-format figures for display); NaN,
// infinities and null become false; booleans as booleans. For every array field X of an object
// the theme adds a boolean has_X (unless the view sets one), true when X is not empty; for every
// string field X ending in `_svg` (a chart) it adds X_label, the text of the chart's <title>, which
// names the figure that frames it (a region a keyboard can reach when it scrolls). Strings
// under the keys `href`, `src`, `url` or any key ending in `_href`, `_url` or `_src` (and in
// arrays under them) that fail is_safe_url become false too, so a `javascript:` URL never reaches
// an attribute whatever the view contains.
//
// A Theme is immutable after construction; render() may be called from several threads at once.
class Theme {
public:
  // Every layout and partial is parsed and checked (a located ThemeError) unless `checked` says
  // a build made from these same files already did so: a prose rebuild renders a few pages with
  // the theme its previous build checked, and parsing every template again was a sixth of it.
  enum class Check { Full, DoneBefore };
  explicit Theme(const std::map<std::string, std::string>& files,
                 const std::map<std::string, std::string>& overrides = {},
                 Check check = Check::Full);

  // A full page: renders layout `layout` with `view`, then the `base` layout with the same view
  // plus `content` (the page's HTML) and `layout` (its name, for a body class). The view must be
  // an object with a string `root` (the relative path to the site root: "", "../", "../../"),
  // which every link in the layouts is prefixed with. The view is taken, not read: its strings
  // move into the templates' data instead of being copied (pass it with std::move when it is not
  // needed afterwards).
  std::string render(const std::string& layout, ViewJson view) const;

  // One template on its own, not wrapped in `base` (e.g. "sitemap", whose output is XML).
  std::string render_fragment(const std::string& name, ViewJson view) const;

  bool has_layout(const std::string& name) const { return m_layouts.count(name) != 0; }
  std::vector<std::string> layout_names() const;
  std::vector<std::string> partial_names() const;

  // Static assets by path relative to `static/` ("style.css", "search.js"), sorted. The site puts
  // them under `static/` in the output, which is where `base` links them from.
  const std::map<std::string, std::string>& static_files() const { return m_static; }

private:
  struct Template {
    std::string source;
    std::string origin; // the file it was read from, for messages
  };

  // Renders layout `name` (partials inlined) with a context that resolves names in a view.
  std::string render_template(const std::string& name,
                              kainjow::mustache::basic_context<std::string>& ctx) const;
  void check_templates() const;

  std::map<std::string, Template> m_layouts;
  std::map<std::string, Template> m_partials;
  std::map<std::string, std::string> m_static;
  std::map<std::string, std::string> m_inlined; // layout name → its text with partials inlined
  std::uint64_t m_id = 0; // tells apart the parsed layouts of different themes, per thread
};

} // namespace nines
