#include "render/theme.hpp"

#include "render/html.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <functional>
#include <kainjow/mustache.hpp>
#include <memory>
#include <set>

namespace nines {

namespace mst = kainjow::mustache;

namespace {

constexpr const char* k_extension = ".mustache";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_url_key(const std::string& key) {
  return key == "href" || key == "src" || key == "url" || ends_with(key, "_href") ||
         ends_with(key, "_url") || ends_with(key, "_src");
}

std::string number_text(const nlohmann::json& j) {
  if (j.is_number_integer() && !j.is_number_unsigned())
    return std::to_string(j.get<std::int64_t>());
  if (j.is_number_unsigned()) return std::to_string(j.get<std::uint64_t>());
  double v = j.get<double>();
  if (v == 0) return "0"; // also -0
  // An absurd figure must not print as "inf%"; a missing one prints as the layout's dash.
  if (!std::isfinite(v)) return std::string();
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

// kainjow's set() and push_back() copy the value they are given, so building a view bottom-up
// would copy every subtree once per level above it. Each value is instead converted in place,
// into the slot its parent already holds. kainjow hands out its containers only as const
// references; the data here is our own and never const, so writing through them is sound.
void fill_data(mst::data& out, const nlohmann::json& j, bool url_value) {
  switch (j.type()) {
  case nlohmann::json::value_t::object: {
    out = mst::data(mst::data::type::object);
    for (auto it = j.begin(); it != j.end(); ++it) {
      out.set(it.key(), mst::data(false));
      fill_data(*const_cast<mst::data*>(out.get(it.key())), it.value(), is_url_key(it.key()));
      // Mustache cannot test a list for emptiness without iterating it; has_X lets a layout
      // print a list's heading or <ul> only when there is something in it.
      if (it.value().is_array()) {
        std::string has = "has_" + it.key();
        if (!j.contains(has)) out.set(has, mst::data(!it.value().empty()));
      }
    }
    return;
  }
  case nlohmann::json::value_t::array: {
    out = mst::data(mst::data::type::list);
    auto& list = const_cast<mst::list&>(out.list_value());
    list.reserve(j.size());
    for (const auto& item : j) {
      list.emplace_back(false);
      fill_data(list.back(), item, url_value);
    }
    return;
  }
  case nlohmann::json::value_t::string: {
    const auto& s = j.get_ref<const std::string&>();
    if (s.empty() || (url_value && !is_safe_url(s)))
      out = mst::data(false);
    else
      out = mst::data(s);
    return;
  }
  case nlohmann::json::value_t::boolean:
    out = mst::data(j.get<bool>());
    return;
  case nlohmann::json::value_t::number_integer:
  case nlohmann::json::value_t::number_unsigned:
    out = mst::data(number_text(j));
    return;
  case nlohmann::json::value_t::number_float:
    out = std::isfinite(j.get<double>()) ? mst::data(number_text(j)) : mst::data(false);
    return;
  default:
    out = mst::data(false); // null, binary, discarded
    return;
  }
}

mst::data to_data(const nlohmann::json& j) {
  mst::data out(false);
  fill_data(out, j, false);
  return out;
}

// Partials come from the theme, never from the view: kainjow's own context would look a partial
// name up in the data, so a view field called "nav" could replace the navigation partial. The
// theme's partials are inlined into the layouts (inline_partials), so none is left to look up.
class ThemeContext : public mst::context<std::string> {
public:
  explicit ThemeContext(const mst::data* root) : mst::context<std::string>(root) {}

  const mst::data* get_partial(const std::string&) const override { return nullptr; }
};

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

struct Tag {
  char kind = 0; // '{' or '&' raw, '>' partial, '=' delimiter, 0 variable, others as in mustache
  std::string name;
  std::size_t begin = 0, end = 0; // the whole tag, braces included: src[begin, end)
};

// The tags of a template, for the static checks; syntax errors are left to kainjow.
std::vector<Tag> scan_tags(const std::string& src) {
  std::vector<Tag> tags;
  std::size_t pos = 0;
  while ((pos = src.find("{{", pos)) != std::string::npos) {
    bool triple = src.compare(pos, 3, "{{{") == 0;
    std::size_t start = pos + (triple ? 3 : 2);
    std::size_t end = src.find(triple ? "}}}" : "}}", start);
    if (end == std::string::npos) break;
    std::string inner = trim(std::string_view(src).substr(start, end - start));
    Tag t;
    if (triple) {
      t.kind = '{';
      t.name = inner;
    } else if (!inner.empty() && std::string_view("&>=!#^/").find(inner[0]) != std::string::npos) {
      t.kind = inner[0];
      t.name = trim(std::string_view(inner).substr(1));
    } else {
      t.name = inner;
    }
    t.begin = pos;
    t.end = end + (triple ? 3 : 2);
    pos = t.end;
    tags.push_back(std::move(t));
  }
  return tags;
}

std::string escape_for_mustache(const std::string& s) {
  return html_escape(s);
}

// kainjow parses a partial again every time it meets its tag, so a partial inside a list of a
// thousand rows was parsed a thousand times per page. Partials are instead written into the
// layout's text once, when the theme is loaded. kainjow renders a partial with the caller's
// context and line buffer, so the inlined text renders to the same bytes. The partials were
// checked first: each parses on its own and none includes itself.
std::string inline_partials(const std::string& src,
                            const std::map<std::string, std::string>& partials) {
  std::string out;
  std::size_t copied = 0;
  for (const Tag& tag : scan_tags(src)) {
    if (tag.kind != '>') continue;
    out.append(src, copied, tag.begin - copied);
    out += inline_partials(partials.at(tag.name), partials);
    copied = tag.end;
  }
  out.append(src, copied, std::string::npos);
  return out;
}

// Parsed layouts, one set per thread: kainjow's render() is not const, so a parsed template is
// never shared between threads, but each thread parses each layout only once per theme.
struct ParsedLayouts {
  std::uint64_t theme = 0;
  std::map<std::string, std::unique_ptr<mst::mustache>> layouts;
};

std::uint64_t next_theme_id() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

} // namespace

Theme::Theme(const std::map<std::string, std::string>& files,
             const std::map<std::string, std::string>& overrides) {
  // Only NAME.mustache directly in a template folder, as a theme's folders hold them.
  auto template_name = [](std::string_view rel, std::string_view dir) -> std::string {
    if (rel.substr(0, dir.size()) != dir) return {};
    std::string_view name = rel.substr(dir.size());
    if (name.find('/') != std::string_view::npos || !ends_with(name, k_extension)) return {};
    name.remove_suffix(std::string_view(k_extension).size());
    return std::string(name);
  };
  for (const auto& [rel, text] : files) {
    if (std::string name = template_name(rel, "layouts/"); !name.empty())
      m_layouts[name] = Template{text, "theme:" + rel};
    else if (std::string pname = template_name(rel, "partials/"); !pname.empty())
      m_partials[pname] = Template{text, "theme:" + rel};
    else if (rel.rfind("static/", 0) == 0 && rel.size() > 7 && rel.back() != '/')
      m_static[rel.substr(7)] = text;
  }
  for (const auto& [rel, text] : overrides) {
    if (std::string pname = template_name(rel, "layouts/partials/"); !pname.empty())
      m_partials[pname] = Template{text, rel};
    else if (std::string name = template_name(rel, "layouts/"); !name.empty())
      m_layouts[name] = Template{text, rel};
  }
  if (m_layouts.count("base") == 0) throw ThemeError("theme: the theme has no base layout");
  check_templates();
  std::map<std::string, std::string> partial_sources;
  for (const auto& [name, t] : m_partials)
    partial_sources.emplace(name, t.source);
  for (const auto& [name, t] : m_layouts)
    m_inlined.emplace(name, inline_partials(t.source, partial_sources));
  m_id = next_theme_id();
}

void Theme::check_templates() const {
  // Partial references per partial, for the cycle check below.
  std::map<std::string, std::vector<std::string>> uses;
  auto check = [&](const Template& t, std::vector<std::string>* partial_uses) {
    mst::mustache parsed(t.source);
    if (!parsed.is_valid()) throw ThemeError(t.origin + ": " + parsed.error_message());
    for (const Tag& tag : scan_tags(t.source)) {
      if (tag.kind == '=') throw ThemeError(t.origin + ": set-delimiter tags are not supported");
      if (tag.kind == '>') {
        if (m_partials.count(tag.name) == 0)
          throw ThemeError(t.origin + ": unknown partial '" + tag.name + "'");
        if (partial_uses) partial_uses->push_back(tag.name);
      }
      if (tag.kind == '{' || tag.kind == '&') {
        std::string last = tag.name.substr(tag.name.rfind('.') + 1);
        if (last != "content" && !ends_with(last, "_html") && !ends_with(last, "_svg"))
          throw ThemeError(t.origin + ": raw output of '" + tag.name +
                           "': only names ending in _html or _svg may be unescaped");
      }
    }
  };
  for (const auto& [name, t] : m_layouts)
    check(t, nullptr);
  for (const auto& [name, t] : m_partials)
    check(t, &uses[name]);

  // A partial that includes itself, directly or not, would recurse until the stack overflows.
  std::map<std::string, int> state; // 1 visiting, 2 done
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (state[name] == 2) return;
    if (state[name] == 1)
      throw ThemeError(m_partials.at(name).origin + ": partial '" + name + "' includes itself");
    state[name] = 1;
    for (const auto& next : uses[name])
      visit(next);
    state[name] = 2;
  };
  for (const auto& [name, t] : m_partials)
    visit(name);
}

std::vector<std::string> Theme::layout_names() const {
  std::vector<std::string> out;
  for (const auto& [name, t] : m_layouts)
    out.push_back(name);
  return out;
}

std::vector<std::string> Theme::partial_names() const {
  std::vector<std::string> out;
  for (const auto& [name, t] : m_partials)
    out.push_back(name);
  return out;
}

std::string Theme::render_template(const std::string& name, const mst::data& data) const {
  thread_local ParsedLayouts cache;
  if (cache.theme != m_id) {
    cache.layouts.clear();
    cache.theme = m_id;
  }
  const Template& tmpl = m_layouts.at(name);
  auto& parsed = cache.layouts[name];
  if (!parsed) {
    parsed = std::make_unique<mst::mustache>(m_inlined.at(name));
    if (!parsed->is_valid()) {
      std::string message = tmpl.origin + ": " + parsed->error_message();
      parsed.reset();
      throw ThemeError(message);
    }
    parsed->set_custom_escape(escape_for_mustache);
  }
  ThemeContext ctx(&data);
  std::string out = parsed->render(ctx);
  if (!parsed->is_valid()) {
    std::string message = tmpl.origin + ": " + parsed->error_message();
    parsed.reset(); // kainjow keeps the error; the next page gets a fresh parse
    throw ThemeError(message);
  }
  return out;
}

std::string Theme::render(const std::string& layout, const nlohmann::json& view) const {
  auto it = m_layouts.find(layout);
  if (it == m_layouts.end()) throw ThemeError("theme: unknown layout '" + layout + "'");
  auto root = view.is_object() ? view.find("root") : view.end();
  if (!view.is_object() || root == view.end() || !root->is_string())
    throw ThemeError(it->second.origin + ": the view has no string 'root' for relative links");
  // One conversion serves both templates: the page's layout, then base around its output.
  mst::data data = to_data(view);
  if (layout == "base") return render_template(layout, data);
  std::string content = render_template(layout, data);
  data.set("content", mst::data(std::move(content)));
  data.set("layout", mst::data(layout));
  return render_template("base", data);
}

std::string Theme::render_fragment(const std::string& name, const nlohmann::json& view) const {
  auto it = m_layouts.find(name);
  if (it == m_layouts.end()) throw ThemeError("theme: unknown layout '" + name + "'");
  if (!view.is_object()) throw ThemeError(it->second.origin + ": the view is not an object");
  return render_template(name, to_data(view));
}

} // namespace nines
