// The site theme: mustache layouts and partials, and the static assets that go beside the pages.
#pragma once

#include "diag/errors.hpp"
#include "render/view_json.hpp"

#include <cstddef>
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

// How deep sections, inverted sections and partials may nest in a template, partials counted
// where they are included (each inclusion is a level, and the partial's own sections lie below
// it). The default theme nests 6 deep; kainjow copies the text of every section into it when it
// parses, so memory grows with depth times size (a template nested 30,000 deep took gigabytes),
// and partials are inlined by a recursion as deep as their chain.
inline constexpr int k_theme_max_nesting = 100;
// The most bytes of text a template may come to with its partials inlined. The default theme's
// largest layout comes to 24 KB; partials that each include the next twice double at every step,
// so without a bound 40 small files would make a layout of four terabytes.
inline constexpr std::size_t k_theme_max_bytes = std::size_t{1} << 20;
// The most pieces kainjow may parse a template into, its partials inlined: a piece for each tag,
// line break, space and tab, and for each run of other text between them. Each piece is a
// component of a few hundred bytes, and each render thread parses each layout it renders, so
// within k_theme_max_bytes a megabyte of line breaks took 300 MB; a layout at this limit costs
// about 15 MB a thread. The default theme's largest layout comes to 2,973 pieces (920 line
// breaks and tags).
inline constexpr std::size_t k_theme_max_pieces = 50000;

// A problem of a theme's templates, as a diagnostic of the content repository: `file` is the
// override's path in the repository and `loc` the line and column of the tag at fault. A problem
// of a file of the theme compiled into the binary (only a broken build of nines has one) is
// reported at the `layouts` folder with the file and position at the start of `message`.
struct ThemeProblem {
  std::string file;
  Loc loc;
  std::string message;
  std::string hint;
};

// A theme or override that cannot be loaded or rendered: the repository's error, at the override
// and tag at fault, or at its layouts/ folder.
class ThemeError : public RepoError {
public:
  explicit ThemeError(const std::string& message) : RepoError("layouts", {}, "theme", message) {}
  explicit ThemeError(const ThemeProblem& p) : RepoError(p.file, p.loc, "theme", p.message) {}
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
// set-delimiter tags (unsupported, they would defeat these checks), nesting deeper than
// k_theme_max_nesting, templates over k_theme_max_bytes or k_theme_max_pieces with their partials
// inlined, and raw tags (Theme::problems lists them all; `check` reports them through
// check_theme_overrides).
// Raw output ({{{x}}} or {{&x}}) is reserved for pre-rendered safe HTML, so it is only allowed
// for names ending in `_html` or `_svg` and for the base layout's `content`; everything else
// goes through {{x}}, which escapes with html_escape.
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
  // Check::Full throws the first of problems(files, overrides) as a ThemeError.
  explicit Theme(const std::map<std::string, std::string>& files,
                 const std::map<std::string, std::string>& overrides = {},
                 Check check = Check::Full);

  // Every problem of the templates of `files` with `overrides` over them, in file and position
  // order: the checks a Theme makes before it is used, run without building one. Each template's
  // structure is read by the theme's own scan before kainjow parses it, so nesting too deep for
  // kainjow is refused in time linear in the template's size.
  static std::vector<ThemeProblem> problems(const std::map<std::string, std::string>& files,
                                            const std::map<std::string, std::string>& overrides);

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
  using Templates = std::map<std::string, Template>;

  // The layouts and partials of `files` with `overrides` over them, and the static assets.
  static void collect(const std::map<std::string, std::string>& files,
                      const std::map<std::string, std::string>& overrides, Templates& layouts,
                      Templates& partials, std::map<std::string, std::string>* statics);
  static std::vector<ThemeProblem> check_templates(const Templates& layouts,
                                                   const Templates& partials);

  // Renders layout `name` (partials inlined) with a context that resolves names in a view.
  std::string render_template(const std::string& name,
                              kainjow::mustache::basic_context<std::string>& ctx) const;

  Templates m_layouts;
  Templates m_partials;
  std::map<std::string, std::string> m_static;
  std::map<std::string, std::string> m_inlined; // layout name → its text with partials inlined
  std::uint64_t m_id = 0; // tells apart the parsed layouts of different themes, per thread
};

// The problems of the theme compiled into the binary with the repository's `overrides` over it
// (as load_theme_overrides read them), as `theme` errors in `diags`: what a build would refuse,
// found by `check`. Nothing to do without overrides: the compiled theme is checked by its tests.
void check_theme_overrides(const std::map<std::string, std::string>& overrides, DiagBag& diags);

} // namespace nines
