#include "render/html.hpp"
#include "render/markdown.hpp"
#include "render/svg.hpp"
#include "render/theme.hpp"
#include "write/link_check.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <doctest/doctest.h>
#include <iterator>
#include <kainjow/mustache.hpp>
#include <limits>
#include <random>
#include <thread>

namespace nines {
const std::map<std::string, std::string_view>& embedded_theme_files(); // generated
}

using namespace nines;
using nlohmann::json;

namespace {

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// The default theme as the binary carries it.
std::map<std::string, std::string> default_theme() {
  std::map<std::string, std::string> files;
  for (const auto& [path, bytes] : embedded_theme_files())
    files.emplace(path, std::string(bytes));
  return files;
}

// A minimal theme: base plus whatever the test adds.
std::map<std::string, std::string>
mini_theme(const std::map<std::string, std::string>& extra = {}) {
  std::map<std::string, std::string> files = extra;
  files.emplace("layouts/base.mustache", "<main>{{{content}}}</main>");
  return files;
}

json common(const std::string& root, const std::string& title) {
  return {
      {"lang", "en"},
      {"root", root},
      {"title", title},
      {"site", {{"title", "Larkspur <Reliability>"}}},
      {"nav",
       json::array({{{"href", "index.html"}, {"label", "Dashboard"}, {"current", false}},
                    {{"href", "services/index.html"}, {"label", "Services"}, {"current", true}},
                    {{"href", "reports/index.html"}, {"label", "Reports"}, {"current", false}},
                    {{"href", "javascript:alert(1)"}, {"label", "Evil"}, {"current", false}}})},
      {"breadcrumbs", json::array({{{"href", "index.html"}, {"label", "Home"}},
                                   {{"href", nullptr}, {"label", title}}})},
      {"freshness", {{"status", "stale"}, {"as_of", "2026-10-31"}, {"label", "Metrics"}}},
      {"build", {{"version", "0.1.0"}, {"date", "2026-11-01"}}},
  };
}

} // namespace

TEST_CASE("render/theme: the default theme loads with every documented layout and partial") {
  Theme theme(default_theme());
  for (const char* name : {"base", "dashboard", "catalog", "service", "slo", "runbook",
                           "postmortem", "team", "maturity", "readiness", "toil", "capacity",
                           "oncall", "report", "reports", "search", "404", "sitemap"})
    CHECK_MESSAGE(theme.has_layout(name), name);
  CHECK(theme.partial_names() ==
        std::vector<std::string>{"alert_policies", "breadcrumbs", "budget_week", "dialect_metadata",
                                 "freshness", "head", "last_changed", "nav"});
  for (const char* file : {"style.css", "search.js", "copy.js", "site.js", "tables.js"})
    CHECK_MESSAGE(theme.static_files().count(file) == 1, file);
  // Self-contained: nothing in the theme reaches another origin.
  for (const auto& [name, text] : theme.static_files()) {
    CHECK_MESSAGE(!contains(text, "@import"), name);
    CHECK_MESSAGE(!contains(text, "fetch("), name);
    CHECK_MESSAGE(!contains(text, "url(http"), name);
  }
}

TEST_CASE("render/theme: base frame, escaping through html_escape, and URL vetting") {
  Theme theme(default_theme());
  json view = common("../", "Checkout <API> & 'friends'");
  view["services"] = json::array();
  std::string html = theme.render("catalog", view);
  CHECK(contains(html, "<!DOCTYPE html>"));
  CHECK(contains(html, "<html lang=\"en\">"));
  CHECK(contains(html, "<a class=\"skip-link\" href=\"#main\">"));
  CHECK(contains(html, "<header"));
  CHECK(contains(html, "<nav class=\"site-nav\""));
  CHECK(contains(html, "<main id=\"main\""));
  CHECK(contains(html, "<footer"));
  CHECK(contains(html, "<body class=\"layout-catalog\">"));
  // html_escape's entities (&#39;, not kainjow's &apos;) prove the escaper is ours.
  CHECK(contains(html, "<h1>Checkout &lt;API&gt; &amp; &#39;friends&#39;</h1>"));
  CHECK(!contains(html, "&apos;"));
  CHECK(contains(html, "Larkspur &lt;Reliability&gt;"));
  CHECK(contains(html, "href=\"../static/style.css\""));
  CHECK(contains(html, "<a href=\"../services/index.html\" aria-current=\"page\">Services</a>"));
  // The unsafe nav entry lost its href; nothing script-like reached an attribute.
  CHECK(!contains(html, "javascript:"));
  CHECK(contains(html, "No services are defined yet."));
  CHECK(contains(html, "Metrics: stale"));
}

TEST_CASE("render/theme: view conversion (numbers, empty strings, null, has_X)") {
  auto t = mini_theme(
      {{"layouts/x.mustache",
        "{{i}}|{{u}}|{{f}}|{{g}}|{{z}}|{{#e}}E{{/e}}{{^e}}noE{{/e}}|{{#n}}N{{/n}}{{^n}}noN{{/n}}|"
        "{{#has_list}}L{{/has_list}}{{^has_empty}}noEmpty{{/has_empty}}|{{#list}}{{.}},{{/list}}|"
        "{{#t}}T{{/t}}{{#fl}}F{{/fl}}|{{obj.k}}|{{#has_own}}own{{/has_own}}|"
        "{{#inf}}I{{/inf}}{{^inf}}noInf{{/inf}}{{ninf}}%"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"i", -42},
               {"u", 18446744073709551615ULL},
               {"f", 99.9},
               {"g", 0.1 + 0.2},
               {"z", -0.0},
               {"e", ""},
               {"n", nullptr},
               {"list", {"a", 1, 2.5}},
               {"empty", json::array()},
               {"own", json::array()},
               {"has_own", true},
               {"t", true},
               {"fl", false},
               {"obj", {{"k", "v<"}}},
               // An absurd figure never prints as "inf%": it is empty, like a missing one.
               {"inf", std::numeric_limits<double>::infinity()},
               {"ninf", -std::numeric_limits<double>::infinity()}};
  CHECK(theme.render("x", view) ==
        "<main>-42|18446744073709551615|99.9|0.30000000000000004|0|noE|noN|LnoEmpty|a,1,2.5,|"
        "T|v&lt;|own|noInf%</main>");
}

TEST_CASE("render/theme: a chart's figure is named after the chart's title (X_svg_label)") {
  auto t = mini_theme({{"layouts/x.mustache",
                        "{{#burn_svg}}<figure aria-label=\"{{burn_svg_label}}\">{{{burn_svg}}}"
                        "</figure>{{/burn_svg}}|{{#none_svg_label}}N{{/none_svg_label}}"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"burn_svg", "<svg><title>Budget &amp; burn &lt;p99&gt; &#39;x&#39;</title></svg>"},
               {"none_svg", "<svg></svg>"}};
  CHECK(theme.render("x", view) ==
        "<main><figure aria-label=\"Budget &amp; burn &lt;p99&gt; &#39;x&#39;\"><svg><title>Budget "
        "&amp; burn &lt;p99&gt; &#39;x&#39;</title></svg></figure>|</main>");
}

TEST_CASE("render/theme: names resolve frame by frame, and an inner frame shadows an outer one") {
  auto t = mini_theme(
      {{"layouts/x.mustache",
        "{{#outer}}{{title}}/{{name}}/{{#inner}}{{title}}/{{name}}/{{only_root}}{{/inner}}{{/"
        "outer}}"
        "|{{title}}|{{#items}}{{name}}:{{title}};{{/items}}|{{#flag}}{{title}}{{.}}{{/flag}}"
        "|{{#blank}}{{title}}:{{#hidden}}H{{/hidden}}{{^hidden}}noH{{/hidden}}{{/blank}}"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"title", "R"},
               {"name", "rootname"},
               {"only_root", "r<"},
               {"outer", {{"title", "O"}, {"inner", {{"name", "I"}}}}},
               {"items", json::array({{{"name", "a"}}, {{"name", "b"}, {"title", "T"}}})},
               // A string section pushes the string: names inside still reach the outer frames.
               {"flag", "yes"},
               {"hidden", "shown"},
               // An inner field that converts to false still hides the outer field of its name.
               {"blank", {{"title", ""}, {"hidden", nullptr}}}};
  CHECK(theme.render("x", view) == "<main>O/rootname/O/I/r&lt;|R|a:R;b:T;|Ryes|:noH</main>");
}

TEST_CASE("render/theme: dotted names resolve in the first frame where the whole path does") {
  auto t = mini_theme({{"layouts/x.mustache",
                        "{{a.b.c}}|{{#a}}{{b.c}}{{/a}}|{{#a.b}}{{c}}{{/a.b}}|{{a.x.c}}|{{title.x}}|"
                        "{{#a.has_list}}L{{/a.has_list}}{{^a.has_none}}noNone{{/a.has_none}}|"
                        "{{#a}}{{#b}}{{a.k}}{{/b}}{{/a}}|{{#a.b.c}}{{.}}{{/a.b.c}}"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"title", "t"},
               // b has its own "a", without k: the lookup of a.k goes on to the root's a.
               {"a", {{"k", "K"}, {"list", {1}}, {"b", {{"c", "C&"}, {"a", {{"z", 1}}}}}}}};
  CHECK(theme.render("x", view) == "<main>C&amp;|C&amp;|C&amp;|||LnoNone|K|C&amp;</main>");
}

TEST_CASE("render/theme: {{.}} in lists of scalars and of lists") {
  auto t =
      mini_theme({{"layouts/x.mustache",
                   "{{#xs}}[{{.}}]{{/xs}}|{{#m}}({{#.}}{{.}}{{/.}}){{/m}}|{{#has_m}}M{{/has_m}}"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"xs", {"a<", 1, 2.5, "", nullptr, true, false, -7}},
               {"m", {{1, 2}, json::array(), {"z"}}}};
  CHECK(theme.render("x", view) == "<main>[a&lt;][1][2.5][][][][][-7]|(12)()(z)|M</main>");
}

TEST_CASE("render/theme: has_X for arrays, unless the view sets it") {
  auto t = mini_theme(
      {{"layouts/x.mustache", "{{#has_full}}F{{/has_full}}{{^has_empty}}noE{{/has_empty}}"
                              "{{^has_missing}}noM{{/has_missing}}{{^has_text}}noT{{/has_text}}"
                              "{{#has_own}}own{{/has_own}}{{^has_own}}notOwn{{/has_own}}|"
                              "{{#items}}{{#has_full}}f{{/has_full}}{{#has_sub}}s{{/"
                              "has_sub}}{{^has_sub}}-{{/has_sub}}{{/items}}"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"full", {1}},
               {"empty", json::array()},
               {"text", "not a list"},
               {"own", {1, 2}},
               {"has_own", false},
               // Items without `full` see the root's has_full; each item has its own has_sub.
               {"items", json::array({{{"sub", {1}}}, {{"sub", json::array()}}, json::object()})}};
  CHECK(theme.render("x", view) == "<main>FnoEnoMnoTnotOwn|fsf-f-</main>");
}

TEST_CASE("render/theme: unsafe URLs in lists under URL keys, and empty strings, are false") {
  auto t = mini_theme(
      {{"layouts/x.mustache",
        "{{#links_href}}[{{.}}]{{/links_href}}|{{#deep_url}}({{#.}}{{.}},{{/.}}){{/deep_url}}|"
        "{{#objs_src}}{{href}}/{{label}};{{/objs_src}}|{{#plain}}[{{.}}]{{/plain}}|"
        "{{#summary}}<p>{{summary}}</p>{{/summary}}{{^summary}}none{{/summary}}|"
        "{{#space}}<p>{{space}}</p>{{/space}}"}});
  Theme theme(t);
  json view = {
      {"root", ""},
      {"links_href", {"a.html", "javascript:alert(1)", "https://example.com/", "data:text/html,x"}},
      {"deep_url", {{"javascript:1", "b.html"}, {"ok.html"}}},
      // An object's fields go by their own keys, whatever list they sit in.
      {"objs_src", json::array({{{"href", "javascript:2"}, {"label", "javascript:3"}}})},
      {"plain", {"javascript:4"}},
      {"summary", ""},
      {"space", " "}};
  CHECK(theme.render("x", view) ==
        "<main>[a.html][][https://example.com/][]|(,b.html,)(ok.html,)|/javascript:3;|"
        "[javascript:4]|none|<p> </p></main>");
}

TEST_CASE("render/theme: non-finite floats are false, in fields and in lists") {
  auto t = mini_theme({{"layouts/x.mustache",
                        "{{#nan}}N{{/nan}}{{^nan}}noN{{/nan}}|{{#inf}}I{{/inf}}{{^inf}}noI{{/inf}}|"
                        "{{ninf}}%|{{#fs}}[{{.}}]{{/fs}}"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"nan", std::nan("")},
               {"inf", std::numeric_limits<double>::infinity()},
               {"ninf", -std::numeric_limits<double>::infinity()},
               {"fs", {std::numeric_limits<double>::infinity(), 1.5, std::nan(""), -0.0}}};
  CHECK(theme.render("x", view) == "<main>noN|noI|%|[][1.5][][0]</main>");
}

TEST_CASE("render/theme: base sees the page's content and layout over the view's own") {
  auto t = mini_theme({{"layouts/base.mustache", "{{layout}}|{{{content}}}|{{#obj}}{{layout}}{{/"
                                                 "obj}}|{{#own}}{{layout}}{{/own}}|{{content.x}}"},
                       {"layouts/page.mustache", "{{content}}/{{layout}}"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"content", {{"x", "view content"}}},
               {"layout", "view layout"},
               {"obj", json::object()},
               {"own", {{"layout", "own"}}}};
  // In the page's layout `content` is still the view's (an object: nothing prints).
  CHECK(theme.render("page", view) == "page|/view layout|page|own|");
  CHECK(theme.render("base", view) == "view layout||view layout|own|view content");
}

namespace {

namespace mst = kainjow::mustache;

// The conversion as it was before names were resolved in place: the whole view into kainjow
// data up front, rendered with kainjow's own context. The reference the lazy context must match.
bool reference_url_key(const std::string& key) {
  auto ends = [&](const std::string& suffix) {
    return key.size() >= suffix.size() &&
           key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return key == "href" || key == "src" || key == "url" || ends("_href") || ends("_url") ||
         ends("_src");
}

mst::data reference_data(const json& j, bool url) {
  switch (j.type()) {
  case json::value_t::object: {
    mst::data out(mst::data::type::object);
    for (auto it = j.begin(); it != j.end(); ++it) {
      out.set(it.key(), reference_data(it.value(), reference_url_key(it.key())));
      if (it.value().is_array() && !j.contains("has_" + it.key()))
        out.set("has_" + it.key(), mst::data(!it.value().empty()));
    }
    return out;
  }
  case json::value_t::array: {
    mst::data out(mst::data::type::list);
    for (const auto& item : j)
      out.push_back(reference_data(item, url));
    return out;
  }
  case json::value_t::string: {
    const auto& s = j.get_ref<const std::string&>();
    return s.empty() || (url && !is_safe_url(s)) ? mst::data(false) : mst::data(s);
  }
  case json::value_t::boolean:
    return mst::data(j.get<bool>());
  case json::value_t::number_integer:
    return mst::data(std::to_string(j.get<std::int64_t>()));
  case json::value_t::number_unsigned:
    return mst::data(std::to_string(j.get<std::uint64_t>()));
  case json::value_t::number_float: {
    double v = j.get<double>();
    if (!std::isfinite(v)) return mst::data(false);
    if (v == 0) return mst::data("0");
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    return mst::data(std::string(buf, res.ptr));
  }
  default:
    return mst::data(false);
  }
}

class ReferenceContext : public mst::context<std::string> {
public:
  explicit ReferenceContext(const mst::data* root) : mst::context<std::string>(root) {}
  const mst::data* get_partial(const std::string&) const override { return nullptr; }
};

std::string reference_render(const std::string& text, const mst::data& data) {
  mst::mustache tmpl(text);
  tmpl.set_custom_escape([](const std::string& s) { return html_escape(s); });
  ReferenceContext ctx(&data);
  return tmpl.render(ctx);
}

// Few names, so that templates often name what views hold, at several depths.
const std::vector<std::string> k_names = {"a", "b", "xs", "href", "has_xs"};

json random_value(std::mt19937& rng, int depth) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  // Strings half the time: most of the rules are about them.
  static const std::vector<json> strings = {
      "", "t<'", "javascript:x", "data:text/html,y", "p.html", "https://e.org/"};
  static const std::vector<json> others = {0,
                                           -3,
                                           18446744073709551615ULL,
                                           1.5,
                                           -0.0,
                                           0.1,
                                           std::nan(""),
                                           std::numeric_limits<double>::infinity(),
                                           true,
                                           false,
                                           nullptr};
  std::size_t kind = depth <= 0 ? pick(2) : pick(6);
  if (kind == 0 || kind == 2) return strings[pick(strings.size())];
  if (kind == 1) return others[pick(others.size())];
  if (kind == 3) {
    json array = json::array();
    for (std::size_t i = pick(4); i > 0; --i)
      array.push_back(random_value(rng, depth - 1));
    return array;
  }
  json object = json::object();
  for (std::size_t i = 1 + pick(4); i > 0; --i)
    object[k_names[pick(k_names.size())]] = random_value(rng, depth - 1);
  return object;
}

// A template over `view`: its names are mostly keys of the object the section stands in (so
// sections open what the view holds, at every depth), the rest names from the pool, ".", dotted
// paths and has_ names, which may resolve in an outer frame or nowhere.
std::string random_template(std::mt19937& rng, int depth, const json* scope) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto any_name = [&] { return k_names[pick(k_names.size())]; };
  // A name for the scope, and the value it names there if it does.
  auto scoped_name = [&]() -> std::pair<std::string, const json*> {
    if (scope && scope->is_object() && !scope->empty() && pick(4) != 0) {
      auto it = std::next(scope->begin(), static_cast<std::ptrdiff_t>(pick(scope->size())));
      return {it.key(), &it.value()};
    }
    return {any_name(), nullptr};
  };
  auto name = [&]() -> std::pair<std::string, const json*> {
    std::size_t k = pick(10);
    if (k < 2) return {".", scope};
    auto [n, value] = scoped_name();
    if (k < 4) {
      if (value && value->is_object() && !value->empty()) {
        auto it = std::next(value->begin(), static_cast<std::ptrdiff_t>(pick(value->size())));
        return {n + "." + it.key(), &it.value()};
      }
      return {n + "." + any_name(), nullptr};
    }
    if (k == 4) return {"has_" + n, nullptr};
    return {n, value};
  };
  std::string out;
  for (std::size_t i = 1 + pick(4); i > 0; --i) {
    std::size_t kind = depth <= 0 ? pick(2) : pick(4);
    if (kind == 0) {
      out += "|";
    } else if (kind == 1) {
      out += "{{" + name().first + "}}";
    } else {
      auto [n, value] = name();
      // Inside a list's section the frame is one of its items.
      const json* inner =
          value && value->is_array() && !value->empty() ? &(*value)[pick(value->size())] : value;
      out += "{{" + std::string(1, kind == 2 ? '#' : '^') + n + "}}" +
             random_template(rng, depth - 1, inner) + "{{/" + n + "}}";
    }
  }
  return out;
}

} // namespace

TEST_CASE("render/theme: the lazy view renders as the whole view converted up front") {
  std::mt19937 rng(20261101);
  const std::string base = "<{{layout}}{{#a}}{{layout}}{{content}}{{/a}}>{{{content}}}";
  for (int i = 0; i < 3000; ++i) {
    json view = random_value(rng, 4);
    if (!view.is_object()) view = {{"a", view}};
    view["root"] = "";
    std::string text = random_template(rng, 3, &view);
    INFO("template: " << text);
    INFO("view: " << view.dump());
    Theme theme(mini_theme({{"layouts/x.mustache", text}, {"layouts/base.mustache", base}}));
    mst::data data = reference_data(view, false);
    std::string page = reference_render(text, data);
    CHECK(theme.render_fragment("x", view) == page);
    data.set("content", mst::data(page));
    data.set("layout", mst::data("x"));
    CHECK(theme.render("x", view) == reference_render(base, data));
  }
}

TEST_CASE("render/theme: partials come from the theme, never from the view") {
  auto t = mini_theme(
      {{"layouts/x.mustache", "[{{> nav}}]"}, {"partials/nav.mustache", "NAV {{label}}"}});
  Theme theme(t);
  CHECK(theme.render("x", {{"root", ""}, {"nav", "{{evil}}"}, {"label", "<b>"}}) ==
        "<main>[NAV &lt;b&gt;]</main>");
}

TEST_CASE("render/theme: partials inlined into layouts render as kainjow renders them") {
  // Standalone section lines inside a partial, a partial inside a list, a partial that uses
  // another, and a partial tag in the middle of a line: the bytes are those kainjow gives when
  // it parses each partial at its tag (checked against kainjow rendering the partials itself).
  // The row that is off leaves one empty line: kainjow does not treat a partial tag on its own
  // line as standalone, and the inlined text keeps that.
  auto t = mini_theme({{"layouts/x.mustache", "<ul>\n{{#rows}}\n{{> row}}\n{{/rows}}\n</ul>\n"
                                              "[{{> inline}}]\n"},
                       {"partials/row.mustache", "{{#on}}\n<li>{{> cell}}</li>\n{{/on}}"},
                       {"partials/cell.mustache", "{{name}}{{#has_tags}}*{{/has_tags}}"},
                       {"partials/inline.mustache", "{{count}}"}});
  Theme theme(t);
  json view = {{"root", ""},
               {"count", 3},
               {"rows", json::array({{{"on", true}, {"name", "a<"}, {"tags", {"x"}}},
                                     {{"on", false}, {"name", "b"}},
                                     {{"on", true}, {"name", "c"}, {"tags", json::array()}}})}};
  CHECK(theme.render("x", view) ==
        "<main><ul>\n<li>a&lt;*</li>\n\n<li>c</li>\n</ul>\n[3]\n</main>");
}

TEST_CASE("render/theme: two themes on one thread each render their own templates") {
  // Parsed layouts are kept per thread and per theme; a second theme with a layout of the same
  // name must not get the first one's parse, nor the first one the second's afterwards.
  Theme one(mini_theme({{"layouts/x.mustache", "one {{v}}"}}));
  Theme two(mini_theme({{"layouts/x.mustache", "two {{v}}"}}));
  for (int i = 0; i < 2; ++i) {
    CHECK(one.render("x", {{"root", ""}, {"v", i}}) ==
          "<main>one " + std::to_string(i) + "</main>");
    CHECK(two.render("x", {{"root", ""}, {"v", i}}) ==
          "<main>two " + std::to_string(i) + "</main>");
  }
  // A copy renders the same templates as its original.
  Theme copy = two;
  CHECK(copy.render("x", {{"root", ""}, {"v", 7}}) == "<main>two 7</main>");
}

TEST_CASE("render/theme: deep views convert without losing or sharing values") {
  // Each level is converted in place into its parent's slot: a list of objects holding lists
  // must come out whole, with every has_X, and repeated values must not alias each other.
  json leaf = {{"k", "v"}, {"xs", {1, 2}}};
  json view = {{"root", ""}, {"a", json::array({leaf, leaf, {{"k", "w"}, {"xs", json::array()}}})}};
  auto t = mini_theme(
      {{"layouts/x.mustache",
        "{{#a}}{{k}}:{{#has_xs}}{{#xs}}{{.}}{{/xs}}{{/has_xs}}{{^has_xs}}-{{/has_xs}};{{/a}}"}});
  Theme theme(t);
  CHECK(theme.render("x", view) == "<main>v:12;v:12;w:-;</main>");
}

TEST_CASE("render/theme: an override directory replaces layouts and partials by name") {
  auto t = mini_theme({{"layouts/page.mustache", "theme page {{> p}}"},
                       {"layouts/other.mustache", "theme other"},
                       {"partials/p.mustache", "theme partial"}});
  const std::map<std::string, std::string> o = {
      {"layouts/page.mustache", "override page {{> p}}"},
      {"layouts/partials/p.mustache", "override partial"},
      {"layouts/extra.mustache", "added"},
      {"layouts/notes.txt", "not a template: ignored"},
      {"layouts/deeper/x.mustache", "not directly in layouts/: ignored"}};
  Theme theme(t, o);
  CHECK(theme.render("page", {{"root", ""}}) == "<main>override page override partial</main>");
  CHECK(theme.render("other", {{"root", ""}}) == "<main>theme other</main>");
  CHECK(theme.render("extra", {{"root", ""}}) == "<main>added</main>");
  CHECK(!theme.has_layout("notes"));
  CHECK(!theme.has_layout("x"));
  // A broken override is an error of its file in the repository, at the tag at fault.
  try {
    Theme broken(t, {{"layouts/page.mustache", "text\n  {{#open}}"}});
    FAIL("a broken override was accepted");
  } catch (const ThemeError& e) {
    CHECK(e.file() == "layouts/page.mustache");
    CHECK(e.loc().line == 2);
    CHECK(e.loc().col == 3);
    CHECK(contains(e.what(), "section '{{#open}}' is not closed"));
  }
}

TEST_CASE("render/theme: template errors name the template") {
  auto error_of = [](const std::map<std::string, std::string>& files) -> std::string {
    auto t = mini_theme(files);
    try {
      Theme theme(t);
    } catch (const ThemeError& e) {
      return e.what();
    }
    return "";
  };
  std::string e = error_of({{"layouts/broken.mustache", "{{#open}} never closed"}});
  CHECK(contains(e, "broken.mustache"));
  e = error_of({{"layouts/uses.mustache", "{{> missing}}"}});
  CHECK(contains(e, "uses.mustache"));
  CHECK(contains(e, "unknown partial 'missing'"));
  e = error_of({{"layouts/raw.mustache", "{{{title}}}"}});
  CHECK(contains(e, "raw.mustache"));
  CHECK(contains(e, "_html or _svg"));
  CHECK(error_of({{"layouts/raw.mustache", "{{{body_html}}}{{& x.chart_svg}}"}}).empty());
  e = error_of({{"partials/a.mustache", "{{> b}}"}, {"partials/b.mustache", "{{> a}}"}});
  CHECK(contains(e, "includes itself"));
  e = error_of({{"layouts/delims.mustache", "{{=<% %>=}}"}});
  CHECK(contains(e, "delims.mustache"));

  const std::map<std::string, std::string> no_base = {{"layouts/x.mustache", "x"}};
  CHECK_THROWS_AS(Theme{no_base}, ThemeError);

  auto t = mini_theme({{"layouts/x.mustache", "x"}});
  Theme theme(t);
  CHECK_THROWS_WITH_AS(theme.render("x", json::object()), doctest::Contains("root"), ThemeError);
  CHECK_THROWS_WITH_AS(theme.render("nope", {{"root", ""}}), doctest::Contains("nope"), ThemeError);
}

namespace {

// The problems of mini_theme (with `theme` added) and `overrides` over it.
std::vector<ThemeProblem> problems_of(const std::map<std::string, std::string>& overrides,
                                      const std::map<std::string, std::string>& theme = {}) {
  return Theme::problems(mini_theme(theme), overrides);
}

// `inner` in `depth` sections {{#a}}, each tag 6 bytes.
std::string nested(int depth, const std::string& inner = "x") {
  std::string s;
  for (int i = 0; i < depth; ++i)
    s += "{{#a}}";
  s += inner;
  for (int i = 0; i < depth; ++i)
    s += "{{/a}}";
  return s;
}

} // namespace

TEST_CASE("render/theme: sections nested past the limit are refused at the tag that passes it") {
  REQUIRE(k_theme_max_nesting == 100);
  // The 101st {{#a}}, on line 2 after 100 tags of 6 bytes.
  const std::map<std::string, std::string> deep = {
      {"layouts/deep.mustache", "<p>\n" + nested(k_theme_max_nesting + 1)}};
  auto p = problems_of(deep);
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/deep.mustache");
  CHECK(p[0].loc.line == 2);
  CHECK(p[0].loc.col == 1 + 6 * k_theme_max_nesting);
  CHECK(contains(p[0].message, "'{{#a}}' is nested 101 levels deep, over the limit of 100"));
  CHECK(!p[0].hint.empty());
  // The theme refuses it with the same error.
  try {
    Theme theme(mini_theme(), deep);
    FAIL("too deep a template was accepted");
  } catch (const ThemeError& e) {
    CHECK(e.file() == "layouts/deep.mustache");
    CHECK(e.loc().line == 2);
    CHECK(e.loc().col == 601);
  }
  // Inverted sections count as sections.
  p = problems_of({{"layouts/deep.mustache", "{{^b}}" + nested(k_theme_max_nesting) + "{{/b}}"}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].loc.col == 1 + 6 * k_theme_max_nesting);
  // At the limit: checked, loaded and rendered.
  const std::map<std::string, std::string> at_limit = {
      {"layouts/deep.mustache", nested(k_theme_max_nesting)}};
  CHECK(problems_of(at_limit).empty());
  Theme theme(mini_theme(), at_limit);
  CHECK(theme.render("deep", {{"root", ""}, {"a", true}}) == "<main>x</main>");
}

TEST_CASE("render/theme: a template nested 30,000 deep is refused before kainjow parses it") {
  // kainjow copies the text of every section into it as it parses: this template took gigabytes
  // (this test would run out of memory). The theme's own scan reads it once. Its 60,001 pieces
  // are over that limit too, reported where the 50,001st piece starts.
  REQUIRE(k_theme_max_pieces == 50000);
  const std::map<std::string, std::string> deep = {{"layouts/deep.mustache", nested(30000)}};
  auto p = problems_of(deep);
  REQUIRE(p.size() == 2);
  CHECK(p[0].loc.line == 1);
  CHECK(p[0].loc.col == 601);
  CHECK(contains(p[0].message, "is nested 101 levels deep"));
  CHECK(p[1].loc.col == 6 * 30000 + 1 + 6 * (50000 - 30001) + 1);
  CHECK(contains(p[1].message, "passes the limit of 50000 pieces"));
  CHECK_THROWS_AS(Theme(mini_theme(), deep), ThemeError);
  // As a partial, it is reported once for each limit, as itself, not at each layout that
  // includes it.
  p = problems_of({{"layouts/partials/deep.mustache", nested(30000)},
                   {"layouts/one.mustache", "{{> deep}}"},
                   {"layouts/two.mustache", "{{#x}}{{> deep}}{{/x}}"}});
  REQUIRE(p.size() == 2);
  CHECK(p[0].file == "layouts/partials/deep.mustache");
  CHECK(p[0].loc.col == 601);
  CHECK(p[1].file == "layouts/partials/deep.mustache");
  CHECK(contains(p[1].message, "partial 'deep' passes the limit of 50000 pieces"));
}

TEST_CASE("render/theme: nesting counts the partials a template includes, and their sections") {
  // 60 sections, the partial's inclusion (a level of its own) and its 39 sections: 100.
  std::map<std::string, std::string> o = {
      {"layouts/page.mustache", nested(60, "{{> inner}}")},
      {"layouts/partials/inner.mustache", "<b>\n" + nested(39)}};
  CHECK(problems_of(o).empty());
  Theme ok(mini_theme(), o);
  CHECK(ok.render("page", {{"root", ""}, {"a", true}}) == "<main><b>\nx</main>");
  // One more section in the partial: reported there, with the layout it is too deep in.
  o["layouts/partials/inner.mustache"] = "<b>\n" + nested(40);
  auto p = problems_of(o);
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/partials/inner.mustache");
  CHECK(p[0].loc.line == 2);
  CHECK(p[0].loc.col == 1 + 6 * 39);
  CHECK(contains(p[0].message, "'{{#a}}' is nested 101 levels deep (in layout 'page' through "
                               "partial 'inner'), over the limit of 100"));
  // The inclusion itself is a level: a partial in 100 sections is too deep, at its tag.
  p = problems_of({{"layouts/page.mustache", nested(100, "{{> inner}}")},
                   {"layouts/partials/inner.mustache", "flat"}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/page.mustache");
  CHECK(p[0].loc.col == 1 + 6 * 100);
  CHECK(contains(p[0].message, "'{{> inner}}' is nested 101 levels deep"));
}

TEST_CASE("render/theme: too deep through a partial of the theme is the override's, at its tag") {
  // The theme's freshness partial opens two sections; included in 99, its first is the 101st
  // level. That tag is in no file of the repository: the override's inclusion is reported.
  auto p = Theme::problems(default_theme(),
                           {{"layouts/page.mustache", "<p>\n" + nested(99, "{{> freshness}}")}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/page.mustache");
  CHECK(p[0].loc.line == 2);
  CHECK(p[0].loc.col == 1 + 6 * 99);
  CHECK(contains(p[0].message,
                 "'{{#freshness}}' is nested 101 levels deep (in layout 'page' "
                 "through partial 'freshness', at theme:partials/freshness.mustache"));
  // An override of a partial the theme's base includes (outside any section), too deep only
  // there: at its own tag.
  p = Theme::problems(default_theme(), {{"layouts/partials/nav.mustache", nested(100)}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/partials/nav.mustache");
  CHECK(p[0].loc.line == 1);
  CHECK(p[0].loc.col == 1 + 6 * 99);
  CHECK(contains(p[0].message, "(in layout 'base' through partial 'nav')"));
}

TEST_CASE("render/theme: a chain of 10,000 partials is refused where it passes the limit") {
  // Without a bound, inlining recursed once a partial; here nothing recurses.
  constexpr int k_files = 10000;
  std::map<std::string, std::string> o = {{"layouts/page.mustache", "{{> p0}}"}};
  for (int i = 0; i < k_files; ++i)
    o["layouts/partials/p" + std::to_string(i) + ".mustache"] =
        i + 1 < k_files ? "{{> p" + std::to_string(i + 1) + "}}" : "end";
  auto p = problems_of(o);
  REQUIRE(p.size() == 1);
  // p9898 is the first partial whose chain is 101 inclusions long; the 101st is in p9998.
  CHECK(p[0].file == "layouts/partials/p9998.mustache");
  CHECK(p[0].loc.line == 1);
  CHECK(p[0].loc.col == 1);
  CHECK(contains(p[0].message,
                 "'{{> p9999}}' is nested 101 levels deep (in partial 'p9898' through partial "
                 "'p9899' > 'p9900' > 'p9901' > ... > 'p9996' > 'p9997' > 'p9998')"));
  CHECK_THROWS_AS(Theme(mini_theme(), o), ThemeError);
}

TEST_CASE("render/theme: partials that double at each inclusion are refused by size") {
  // p0 includes p1 twice, p1 p2 twice, ...: 40 files would inline 2^40 copies of p40, one piece
  // of 64 bytes (so the byte limit comes before the limit on pieces).
  std::map<std::string, std::string> o = {{"layouts/page.mustache", "{{> p0}}"},
                                          {"layouts/partials/p40.mustache", std::string(64, 'a')}};
  for (int i = 0; i < 40; ++i) {
    const std::string next = "{{> p" + std::to_string(i + 1) + "}}";
    o["layouts/partials/p" + std::to_string(i) + ".mustache"] = next + next;
  }
  auto p = problems_of(o);
  REQUIRE(p.size() == 1);
  // p26 comes to 2^14 copies of 64 bytes, the limit itself; p25 passes it at its second inclusion.
  REQUIRE(k_theme_max_bytes == std::size_t{1} << 20);
  CHECK(p[0].file == "layouts/partials/p25.mustache");
  CHECK(p[0].loc.line == 1);
  CHECK(p[0].loc.col == 10);
  CHECK(contains(p[0].message, "including partial 'p26' here brings partial 'p25' over the "
                               "limit of 1 MiB (1048576 bytes) with its partials inlined"));
  CHECK_THROWS_AS(Theme(mini_theme(), o), ThemeError);
  // At the limit exactly, p26 loads.
  o.erase("layouts/page.mustache");
  for (int i = 0; i < 26; ++i)
    o.erase("layouts/partials/p" + std::to_string(i) + ".mustache");
  o["layouts/page.mustache"] = "{{> p26}}";
  CHECK(problems_of(o).empty());

  // A template's own text: over the limit on its own (the whole file), or after its partials
  // (at the byte that passes it).
  p = problems_of({{"layouts/big.mustache", std::string(k_theme_max_bytes + 1, 'x')}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].loc.line == 0);
  CHECK(contains(p[0].message, "layout 'big' is 1048577 bytes, over the limit of 1 MiB"));
  p = problems_of({{"layouts/partials/half.mustache", std::string(700000, 'x')},
                   {"layouts/page.mustache", "{{> half}}\n" + std::string(400000, 'y')}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/page.mustache");
  CHECK(p[0].loc.line == 2);
  CHECK(p[0].loc.col == static_cast<int>(k_theme_max_bytes - 700000 - 1 + 1));
  CHECK(contains(p[0].message, "layout 'page' passes the limit of 1 MiB"));
}

TEST_CASE("render/theme: a template over the limit on pieces is one error, at the piece") {
  // kainjow parses a template into a component of a few hundred bytes for each tag, line break,
  // space and tab, and each run of other text: a megabyte of line breaks took 300 MB.
  REQUIRE(k_theme_max_pieces == 50000);
  const std::size_t n = k_theme_max_pieces;
  // Line breaks: the 50,001st starts line 50,001.
  const std::map<std::string, std::string> lines = {
      {"layouts/404.mustache", std::string(n + 1, '\n')}};
  auto p = problems_of(lines);
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/404.mustache");
  CHECK(p[0].loc.line == 50001);
  CHECK(p[0].loc.col == 1);
  CHECK(contains(p[0].message, "layout '404' passes the limit of 50000 pieces (tags, line "
                               "breaks, spaces, tabs and runs of other text) here"));
  CHECK(contains(p[0].hint, "include big partials fewer times"));
  try {
    Theme theme(mini_theme(), lines);
    FAIL("a template over the limit on pieces was accepted");
  } catch (const ThemeError& e) {
    CHECK(e.file() == "layouts/404.mustache");
    CHECK(e.loc().line == 50001);
    CHECK(e.rule() == "theme");
  }
  // "\r\n" is one line break; spaces, tabs, tags (comments too) and words each count one.
  p = problems_of({{"layouts/404.mustache", std::string("\r\n") + std::string(n, ' ')}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].loc.line == 2);
  CHECK(p[0].loc.col == 50000);
  p = problems_of({{"layouts/404.mustache", std::string(n + 1, '\t')}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].loc.col == 50001);
  std::string tags;
  for (std::size_t i = 0; i <= n; ++i)
    tags += i % 2 ? "{{x}}" : "{{! c }}";
  p = problems_of({{"layouts/404.mustache", tags}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].loc.col == static_cast<int>(25000 * 8 + 25000 * 5 + 1));
  std::string words;
  for (std::size_t i = 0; i < n / 2; ++i)
    words += "a{b} ";
  p = problems_of({{"layouts/404.mustache", words + "c"}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].loc.col == static_cast<int>(5 * n / 2 + 1));
  // At the limit exactly: checked, loaded and rendered.
  const std::map<std::string, std::string> at_limit = {
      {"layouts/404.mustache", "<p>" + std::string(n - 2, ' ') + "{{x}}"}};
  CHECK(problems_of(at_limit).empty());
  Theme theme(mini_theme(), at_limit);
  CHECK(theme.render("404", {{"root", ""}, {"x", "<y>"}}) ==
        "<main><p>" + std::string(n - 2, ' ') + "&lt;y&gt;</main>");
}

TEST_CASE("render/theme: the default theme's layouts are far within the limit on pieces") {
  // Its largest layout, service, comes to 2,973 pieces with its partials inlined: written 16
  // times over in an override it is within the limit, 17 times over it.
  const auto files = default_theme();
  const std::string service = files.at("layouts/service.mustache");
  REQUIRE(service.back() == '\n'); // so copies do not join a run of text
  CHECK(Theme::problems(files, {}).empty());
  std::string sixteen;
  for (int i = 0; i < 16; ++i)
    sixteen += service;
  CHECK(Theme::problems(files, {{"layouts/service.mustache", sixteen}}).empty());
  auto p = Theme::problems(files, {{"layouts/service.mustache", sixteen + service}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/service.mustache");
  // In the 17th copy.
  CHECK(p[0].loc.line > 16 * static_cast<int>(std::count(service.begin(), service.end(), '\n')));
  CHECK(contains(p[0].message, "the limit of 50000 pieces"));
}

TEST_CASE("render/theme: a partial counts its pieces at each inclusion") {
  // row is 4 pieces ("<td>", the tag, "</td>", the line break); 12,500 inclusions make 50,000.
  const std::string row = "{{> row}}";
  std::string rows;
  for (int i = 0; i < 12500; ++i)
    rows += row;
  std::map<std::string, std::string> o = {{"layouts/partials/row.mustache", "<td>{{x}}</td>\n"},
                                          {"layouts/page.mustache", rows}};
  CHECK(problems_of(o).empty());
  o["layouts/page.mustache"] = rows + row;
  auto p = problems_of(o);
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/page.mustache");
  CHECK(p[0].loc.line == 1);
  CHECK(p[0].loc.col == 9 * 12500 + 1);
  CHECK(contains(p[0].message, "including partial 'row' here brings layout 'page' over the "
                               "limit of 50000 pieces"));
  CHECK_THROWS_AS(Theme(mini_theme(), o), ThemeError);
  // Through a partial of partials: many is 100 rows (400 pieces), the 126th inclusion passes.
  std::string many;
  for (int i = 0; i < 100; ++i)
    many += row;
  std::string page;
  for (int i = 0; i < 126; ++i)
    page += "{{> many}}";
  o = {{"layouts/partials/row.mustache", "<td>{{x}}</td>\n"},
       {"layouts/partials/many.mustache", many},
       {"layouts/page.mustache", page}};
  p = problems_of(o);
  REQUIRE(p.size() == 1);
  CHECK(p[0].loc.col == 10 * 125 + 1);
  CHECK(contains(p[0].message, "including partial 'many' here brings layout 'page' over"));
  // A partial of the theme's base made long: base is over only through it, and the override is
  // at fault (the whole file: base includes it once).
  p = Theme::problems(default_theme(),
                      {{"layouts/partials/nav.mustache", std::string(49900, '\n')}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts/partials/nav.mustache");
  CHECK(p[0].loc.line == 0);
  CHECK(contains(p[0].message, "including partial 'nav' here brings layout 'base' over the limit "
                               "of 50000 pieces"));
}

TEST_CASE("render/theme: every broken override is found at once, each at its tag") {
  const std::map<std::string, std::string> o = {
      {"layouts/unclosed_tag.mustache", "<p>\n  {{name</p>\n"},
      {"layouts/unclosed_section.mustache", "{{#a}}\n{{#b}}{{/b}}"},
      {"layouts/mismatched.mustache", "{{#a}}\n  {{/b}}"},
      {"layouts/unopened.mustache", "x {{/a}}"},
      {"layouts/unknown.mustache", "\n\n{{> navv}}"},
      // Columns count characters: "é — " is 4 characters in 7 bytes.
      {"layouts/raw.mustache", "\xC3\xA9 \xE2\x80\x94 {{{title}}} {{& x.summary}}"},
      {"layouts/delims.mustache", "a\n{{=<% %>=}}"},
      {"layouts/deep.mustache", nested(101)},
      {"layouts/big.mustache", std::string(k_theme_max_bytes + 1, 'x')},
      {"layouts/partials/a.mustache", "{{> b}}"},
      {"layouts/partials/b.mustache", "x\n{{> a}}"},
      {"layouts/fine.mustache", "{{> nav}} {{#a}}{{{body_html}}}{{/a}}"}};
  struct Want {
    std::string file;
    int line, col;
    std::string text;
  };
  const std::vector<Want> want = {
      {"layouts/big.mustache", 0, 0, "is 1048577 bytes"},
      {"layouts/deep.mustache", 1, 601, "is nested 101 levels deep"},
      {"layouts/delims.mustache", 2, 1, "set-delimiter tags are not supported"},
      {"layouts/mismatched.mustache", 2, 3,
       "'{{/b}}' does not close the open section '{{#a}}' (line 1, column 1)"},
      {"layouts/partials/b.mustache", 2, 1, "partial 'a' includes itself: 'a' > 'b' > 'a'"},
      {"layouts/raw.mustache", 1, 5, "raw output of 'title'"},
      {"layouts/raw.mustache", 1, 17, "raw output of 'x.summary'"},
      {"layouts/unclosed_section.mustache", 1, 1, "section '{{#a}}' is not closed"},
      {"layouts/unclosed_tag.mustache", 2, 3, "tag '{{' is not closed"},
      {"layouts/unknown.mustache", 3, 1, "unknown partial 'navv', did you mean 'nav'?"},
      {"layouts/unopened.mustache", 1, 3, "'{{/a}}' closes a section that is not open"},
  };
  const auto p = problems_of(o, {{"partials/nav.mustache", "<nav></nav>"}});
  REQUIRE(p.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO(p[i].file << ":" << p[i].loc.line << ":" << p[i].loc.col << ": " << p[i].message);
    CHECK(p[i].file == want[i].file);
    CHECK(p[i].loc.line == want[i].line);
    CHECK(p[i].loc.col == want[i].col);
    CHECK(contains(p[i].message, want[i].text));
    CHECK(!p[i].hint.empty());
  }
  // The theme refuses the first of them, as it is.
  try {
    Theme theme(mini_theme({{"partials/nav.mustache", "<nav></nav>"}}), o);
    FAIL("broken overrides were accepted");
  } catch (const ThemeError& e) {
    CHECK(e.file() == "layouts/big.mustache");
    CHECK(e.rule() == "theme");
  }
  // `check` reports the same, over the compiled theme (which has a nav partial too).
  DiagBag diags;
  check_theme_overrides(o, diags);
  const auto d = diags.sorted();
  REQUIRE(d.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK(d[i].file == want[i].file);
    // A diagnostic of a whole file is at its first line and column.
    CHECK(d[i].loc.line == std::max(want[i].line, 1));
    CHECK(d[i].loc.col == std::max(want[i].col, 1));
    CHECK(d[i].rule == "theme");
    CHECK(d[i].severity == Severity::Error);
    CHECK(!d[i].hint.empty());
  }
  // Overrides that are fine, or none, are no finding.
  DiagBag none;
  check_theme_overrides({}, none);
  check_theme_overrides({{"layouts/fine.mustache", o.at("layouts/fine.mustache")}}, none);
  CHECK(none.all().empty());
}

TEST_CASE("render/theme: a problem of a file of the compiled theme names it in the message") {
  // Not a file of the repository: reported at layouts/, the file and position in the message.
  auto p = problems_of({}, {{"layouts/x.mustache", "\n {{#open}}"}});
  REQUIRE(p.size() == 1);
  CHECK(p[0].file == "layouts");
  CHECK(p[0].loc.line == 0);
  CHECK(contains(p[0].message, "theme:layouts/x.mustache:2:2: section '{{#open}}' is not closed"));
  // The compiled theme itself has none.
  CHECK(Theme::problems(default_theme(), {}).empty());
}

TEST_CASE("render/theme: the sitemap fragment is XML from its first byte") {
  Theme theme(default_theme());
  std::string xml = theme.render_fragment(
      "sitemap", {{"base_url", "https://sre.example.com/"},
                  {"urls", json::array({{{"loc", "index.html"}}, {{"loc", "a&b.html"}}})}});
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  CHECK(contains(xml, "<loc>https://sre.example.com/a&amp;b.html</loc>"));
}

TEST_CASE("render/theme: rendering is deterministic across threads") {
  Theme theme(default_theme());
  json view = common("", "Dashboard");
  view["slos"] = json::array({{{"href", "slos/a.html"},
                               {"name", "a"},
                               {"state", "healthy"},
                               {"state_label", "Healthy"},
                               {"gauge_svg", gauge(0.5, "a")}}});
  const std::string expected = theme.render("dashboard", view);
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 10; ++k)
        got[i] = theme.render("dashboard", view);
    });
  for (auto& th : threads)
    th.join();
  for (const auto& g : got)
    CHECK(g == expected);
}

// Every layout rendered with the fields it documents, then the link checker over the result:
// the layouts' relative links and in-page anchors all resolve.
TEST_CASE("render/theme: a site rendered with every layout has no broken links") {
  Theme theme(default_theme());
  std::map<std::string, std::string> site;
  for (const auto& [name, bytes] : theme.static_files())
    site["static/" + name] = bytes;
  site["search-index.js"] = "window.NINES_SEARCH = [];\n";
  site["api/reports/2026-10.json"] = "{}";

  auto md = render_markdown("## Symptoms\n\nText.\n\n## Steps\n\n```sh\nkubectl get pods\n```\n");
  json toc = json::array();
  for (const auto& h : md.headings)
    toc.push_back({{"level", h.level}, {"text", h.text}, {"anchor", h.anchor}});
  const json slo_ref = {{"href", "slos/checkout-availability.html"},
                        {"name", "Checkout availability"},
                        {"service", "checkout"},
                        {"service_href", "services/checkout.html"},
                        {"target", "99.9%"},
                        {"attainment", "99.95%"},
                        {"budget_remaining", "50.0%"},
                        {"state", "healthy"},
                        {"state_label", "Healthy"},
                        {"gauge_svg", gauge(0.5, "Checkout availability")},
                        {"burn_svg", line_chart({})}};
  auto page = [&](const std::string& path, const std::string& layout, json fields) {
    std::size_t depth = static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
    std::string root;
    for (std::size_t i = 0; i < depth; ++i)
      root += "../";
    json view = common(root, layout);
    for (auto it = fields.begin(); it != fields.end(); ++it)
      view[it.key()] = it.value();
    site[path] = theme.render(layout, view);
  };

  page("index.html", "dashboard",
       {{"intro_html", "<p>Hi</p>"},
        {"counts", json::array({{{"label", "SLOs"}, {"value", "3"}, {"state", "healthy"}}})},
        {"attention", json::array({{{"href", "slos/checkout-availability.html"},
                                    {"title", "Checkout"},
                                    {"reason", "burning"},
                                    {"state", "warning"},
                                    {"state_label", "Warning"}}})},
        {"slos", json::array({slo_ref})},
        {"latest_report", {{"href", "reports/2026-10.html"}, {"label", "October report"}}}});
  page("services/index.html", "catalog",
       {{"services", json::array({{{"href", "services/checkout.html"},
                                   {"name", "Checkout"},
                                   {"id", "checkout"},
                                   {"tier", "critical"},
                                   {"team", "Payments"},
                                   {"team_href", "teams/index.html#team-payments"},
                                   {"slo_count", 1},
                                   {"state", "healthy"},
                                   {"state_label", "Healthy"},
                                   {"maturity", 3},
                                   {"readiness", "80%"}}})}});
  page("services/checkout.html", "service",
       {{"service",
         {{"id", "checkout"},
          {"tier", "critical"},
          {"team", "Payments"},
          {"team_href", "teams/index.html#team-payments"},
          {"oncall", "payments-primary"},
          {"oncall_href", "oncall.html#rotation-payments-primary"},
          {"description_html", md.html},
          {"links", json::array({{{"label", "Dashboard"}, {"url", "https://grafana.example.com"}},
                                 {{"label", "Bad"}, {"url", "javascript:alert(1)"}}})}}},
        {"dependencies", json::array({{{"href", "services/index.html"}, {"name", "ledger"}}})},
        {"dependents", json::array({{{"href", "services/index.html"}, {"name", "web"}}})},
        {"slos", json::array({slo_ref})},
        {"golden_signals", json::array({{{"name", "Latency p99"}, {"value", "120 ms"}}})},
        {"readiness",
         {{"href", "readiness.html"},
          {"score", "80%"},
          {"passed", 8},
          {"total", 10},
          {"state", "warning"},
          {"state_label", "Warning"}}},
        {"maturity",
         {{"href", "maturity.html"},
          {"level", 3},
          {"dimensions", json::array({{{"name", "Observability"}, {"level", 4}}})}}},
        {"runbooks", json::array({{{"href", "runbooks/db.html"}, {"title", "DB failover"}}})},
        {"postmortems", json::array({{{"href", "postmortems/pm-1.html"},
                                      {"title", "Outage"},
                                      {"date", "2026-10-02"},
                                      {"severity", "SEV2"}}})},
        {"toil", json::array({{{"title", "Cert rotation"}, {"hours_per_month", 4}}})},
        {"capacity", json::array({{{"resource", "CPU"},
                                   {"utilization", "60%"},
                                   {"runway", "120 days"},
                                   {"state", "healthy"},
                                   {"state_label", "Healthy"}}})},
        {"chaos",
         json::array({{{"title", "Pod kill"}, {"date", "2026-09-01"}, {"result", "passed"}}})}});
  page("slos/checkout-availability.html", "slo",
       {{"slo", slo_ref},
        {"burn_rates", json::array({{{"window", "1h"}, {"value", "0.5"}},
                                    {{"window", "6h"}, {"value", nullptr}}})},
        {"alerts", json::array({{{"name", "fast"},
                                 {"burn_rate", 14.4},
                                 {"long_window", "1h"},
                                 {"short_window", "5m"},
                                 {"severity", "page"}}})},
        {"runbooks", json::array({{{"href", "runbooks/db.html"}, {"title", "DB failover"}}})}});
  page("runbooks/db.html", "runbook",
       {{"runbook",
         {{"service", "checkout"},
          {"service_href", "services/checkout.html"},
          {"owner", "Payments"},
          {"last_reviewed", "2026-09-30"},
          {"body_html", md.html}}},
        {"toc", toc},
        {"slos", json::array({slo_ref})}});
  page("postmortems/pm-1.html", "postmortem",
       {{"postmortem",
         {{"date", "2026-10-02"},
          {"severity", "SEV2"},
          {"summary", "It broke."},
          {"body_html", md.html},
          {"services", json::array({{{"href", "services/checkout.html"}, {"name", "checkout"}}})}}},
        {"toc", toc},
        {"action_items", json::array({{{"title", "Fix"},
                                       {"owner", "a"},
                                       {"status", "open"},
                                       {"due", "2026-11-01"},
                                       {"overdue", true}}})}});
  page("teams/index.html", "team",
       {{"teams",
         json::array(
             {{{"id", "payments"},
               {"name", "Payments"},
               {"services",
                json::array({{{"href", "services/checkout.html"}, {"name", "checkout"}}})},
               {"rotations", json::array({{{"href", "oncall.html"}, {"name", "primary"}}})}}})}});
  page("maturity.html", "maturity",
       {{"heatmap_svg", heatmap({})},
        {"dimensions", json::array({{{"name", "Observability"}}})},
        {"rows", json::array({{{"href", "services/checkout.html"},
                               {"name", "checkout"},
                               {"level", 3},
                               {"cells", json::array({{{"level", 3}}})}}})}});
  page("readiness.html", "readiness",
       {{"services", json::array({{{"id", "checkout"},
                                   {"href", "services/checkout.html"},
                                   {"name", "checkout"},
                                   {"rows", json::array({{{"item", "Runbook"},
                                                          {"status", "pass"},
                                                          {"source", "runbooks/db.md"}}})},
                                   {"signoffs", json::array({{{"role", "SRE"},
                                                              {"name", "Kim"},
                                                              {"date", "2026-01-01"},
                                                              {"stale", true}}})}}})}});
  page("toil.html", "toil",
       {{"quadrants", json::array({{{"key", "automate"},
                                    {"label", "Automate now"},
                                    {"items", json::array({{{"title", "Certs"},
                                                            {"href", "services/checkout.html"},
                                                            {"team", "Payments"},
                                                            {"hours", 4}}})}}})},
        {"items", json::array({{{"title", "Certs"},
                                {"service", "checkout"},
                                {"service_href", "services/checkout.html"}}})}});
  page("capacity.html", "capacity",
       {{"resources", json::array({{{"service", "checkout"},
                                    {"service_href", "services/checkout.html"},
                                    {"resource", "CPU"},
                                    {"state", "healthy"},
                                    {"state_label", "Healthy"}}})}});
  page("oncall.html", "oncall",
       {{"rotations", json::array({{{"id", "payments-primary"},
                                    {"name", "Payments primary"},
                                    {"team", "Payments"},
                                    {"team_href", "teams/index.html#team-payments"}}})}});
  page("reports/2026-10.html", "report",
       {{"report",
         {{"month", "2026-10"},
          {"period", "October 2026"},
          {"summary_html", md.html},
          {"json_href", "api/reports/2026-10.json"}}},
        {"headline", json::array({{{"label", "SLOs met"}, {"value", "9/10"}}})},
        {"slos", json::array({slo_ref})},
        {"incidents",
         json::array(
             {{{"href", "postmortems/pm-1.html"}, {"title", "Outage"}, {"date", "2026-10-02"}}})},
        {"charts", json::array({{{"title", "Budget"}, {"chart_svg", line_chart({})}}})},
        {"actions", json::array({{{"title", "Fix"}, {"owner", "a"}, {"status", "open"}}})}});
  page("reports/index.html", "reports",
       {{"reports", json::array({{{"href", "reports/2026-10.html"}, {"month", "2026-10"}}})}});
  json week = {{"first_day", "2026-10-26"},
               {"last_day", "2026-11-01"},
               {"remaining", {{"text", "67.86%"}, {"key", "k"}}},
               {"state", "healthy"},
               {"state_label", "Healthy"},
               {"has_incidents", true},
               {"incidents", json::array({{{"id", "pm-1"}, {"href", "postmortems/pm-1.html"}}})}};
  page("reviews/index.html", "reviews",
       {{"has_reviews", true},
        {"reviews", json::array({{{"href", "reviews/2026-W44.html"},
                                  {"week", "2026-W44"},
                                  {"json_href", "api/reports/2026-10.json"}}})}});
  page("reviews/2026-W44.html", "review",
       {{"review", {{"week", "2026-W44"}, {"json_href", "api/reports/2026-10.json"}}},
        {"has_slos", true},
        {"slos", json::array({week})},
        {"has_postmortems", true},
        {"postmortems", json::array({{{"id", "pm-1"}, {"href", "postmortems/pm-1.html"}}})}});
  page("handoffs/payments-primary.html", "handoff",
       {{"handoff", {{"rotation", "payments-primary"}, {"json_href", "api/reports/2026-10.json"}}},
        {"has_open_issues", true},
        {"open_postmortems", json::array({{{"id", "pm-1"}, {"href", "postmortems/pm-1.html"}}})}});
  page("search.html", "search", json::object());
  page("404.html", "404", json::object());

  for (const auto& b : check_links(site))
    FAIL_CHECK(b.page << ": " << b.target << ": " << b.reason);
  CHECK(!contains(site["services/checkout.html"], "javascript:"));
  CHECK(contains(site["services/checkout.html"], "href=\"https://grafana.example.com\""));
  CHECK(contains(site["runbooks/db.html"], "<a href=\"#symptoms\">Symptoms</a>"));
  // search.js loads search-index.js from data-root on first use.
  CHECK(contains(site["search.html"], "data-root=\"\""));
  CHECK(contains(site["search.html"], "<script src=\"static/search.js\"></script>"));
}
