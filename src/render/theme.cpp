#include "render/theme.hpp"

#include "render/html.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <kainjow/mustache.hpp>
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

mst::data to_data(const nlohmann::json& j, bool url_value) {
  switch (j.type()) {
  case nlohmann::json::value_t::object: {
    mst::data obj(mst::data::type::object);
    for (auto it = j.begin(); it != j.end(); ++it) {
      obj.set(it.key(), to_data(it.value(), is_url_key(it.key())));
      // Mustache cannot test a list for emptiness without iterating it; has_X lets a layout
      // print a list's heading or <ul> only when there is something in it.
      if (it.value().is_array() && !j.contains("has_" + it.key()))
        obj.set("has_" + it.key(), mst::data(!it.value().empty()));
    }
    return obj;
  }
  case nlohmann::json::value_t::array: {
    mst::data list(mst::data::type::list);
    for (const auto& item : j)
      list.push_back(to_data(item, url_value));
    return list;
  }
  case nlohmann::json::value_t::string: {
    const auto& s = j.get_ref<const std::string&>();
    if (s.empty() || (url_value && !is_safe_url(s))) return mst::data(false);
    return mst::data(s);
  }
  case nlohmann::json::value_t::boolean:
    return mst::data(j.get<bool>());
  case nlohmann::json::value_t::number_integer:
  case nlohmann::json::value_t::number_unsigned:
    return mst::data(number_text(j));
  case nlohmann::json::value_t::number_float: {
    if (!std::isfinite(j.get<double>())) return mst::data(false);
    return mst::data(number_text(j));
  }
  default:
    return mst::data(false); // null, binary, discarded
  }
}

// Partials come from the theme, never from the view: kainjow's own context would look a partial
// name up in the data, so a view field called "nav" could replace the navigation partial.
class ThemeContext : public mst::context<std::string> {
public:
  ThemeContext(const mst::data* root, const std::map<std::string, mst::data>& partials)
      : mst::context<std::string>(root), m_partials(partials) {}

  const mst::data* get_partial(const std::string& name) const override {
    auto it = m_partials.find(name);
    return it == m_partials.end() ? nullptr : &it->second;
  }

private:
  const std::map<std::string, mst::data>& m_partials;
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
    tags.push_back(std::move(t));
    pos = end + (triple ? 3 : 2);
  }
  return tags;
}

std::string escape_for_mustache(const std::string& s) {
  return html_escape(s);
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

std::string Theme::render_template(const Template& tmpl, const nlohmann::json& view,
                                   const std::string* content, const std::string& layout) const {
  if (!view.is_object()) throw ThemeError(tmpl.origin + ": the view is not an object");
  mst::data data = to_data(view, false);
  if (content) {
    data.set("content", mst::data(*content));
    data.set("layout", mst::data(layout));
  }
  std::map<std::string, mst::data> partials;
  for (const auto& [name, t] : m_partials)
    partials.emplace(name, mst::data(t.source));

  mst::mustache parsed(tmpl.source);
  if (!parsed.is_valid()) throw ThemeError(tmpl.origin + ": " + parsed.error_message());
  parsed.set_custom_escape(escape_for_mustache);
  ThemeContext ctx(&data, partials);
  std::string out = parsed.render(ctx);
  if (!parsed.is_valid()) throw ThemeError(tmpl.origin + ": " + parsed.error_message());
  return out;
}

std::string Theme::render(const std::string& layout, const nlohmann::json& view) const {
  auto it = m_layouts.find(layout);
  if (it == m_layouts.end()) throw ThemeError("theme: unknown layout '" + layout + "'");
  auto root = view.is_object() ? view.find("root") : view.end();
  if (!view.is_object() || root == view.end() || !root->is_string())
    throw ThemeError(it->second.origin + ": the view has no string 'root' for relative links");
  if (layout == "base") return render_template(it->second, view, nullptr, layout);
  std::string content = render_template(it->second, view, nullptr, layout);
  return render_template(m_layouts.at("base"), view, &content, layout);
}

std::string Theme::render_fragment(const std::string& name, const nlohmann::json& view) const {
  auto it = m_layouts.find(name);
  if (it == m_layouts.end()) throw ThemeError("theme: unknown layout '" + name + "'");
  return render_template(it->second, view, nullptr, name);
}

} // namespace nines
