#include "render/theme.hpp"

#include "render/html.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <deque>
#include <functional>
#include <kainjow/mustache.hpp>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

namespace nines {

namespace mst = kainjow::mustache;

namespace {

constexpr const char* k_extension = ".mustache";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_url_key(std::string_view key) {
  // Every URL key ends in f, c or l; most keys are not, and leave at the first test.
  if (key.empty() || (key.back() != 'f' && key.back() != 'c' && key.back() != 'l')) return false;
  return key == "href" || key == "src" || key == "url" || ends_with(key, "_href") ||
         ends_with(key, "_url") || ends_with(key, "_src");
}

std::string number_text(const ViewJson& j) {
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

// A map from pointers to pointers, open addressing with linear probing: a render makes a few
// hundred entries and looks them up often, and a node-based map allocated and freed one node
// for each. Null keys are not allowed (null marks a free slot).
template <typename Key, typename Value> class PointerMap {
public:
  Value find(Key key) const {
    if (m_slots.empty()) return nullptr;
    for (std::size_t i = slot_of(key);; i = (i + 1) & (m_slots.size() - 1)) {
      if (m_slots[i].first == key) return m_slots[i].second;
      if (!m_slots[i].first) return nullptr;
    }
  }

  // The value slot for `key`, and whether it was just added (then holding null).
  std::pair<Value*, bool> insert(Key key) {
    if (2 * (m_size + 1) > m_slots.size()) grow();
    std::size_t i = slot_of(key);
    for (; m_slots[i].first; i = (i + 1) & (m_slots.size() - 1))
      if (m_slots[i].first == key) return {&m_slots[i].second, false};
    m_slots[i] = {key, nullptr};
    ++m_size;
    return {&m_slots[i].second, true};
  }

private:
  std::size_t slot_of(Key key) const {
    // Fibonacci hashing of the address; the low bits are alignment and say nothing.
    auto bits = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(key) >> 3);
    return static_cast<std::size_t>((bits * 0x9E3779B97F4A7C15ull) >> 32) & (m_slots.size() - 1);
  }

  void grow() {
    std::vector<std::pair<Key, Value>> old(m_slots.empty() ? 128 : 2 * m_slots.size());
    old.swap(m_slots);
    m_size = 0;
    for (const auto& [key, value] : old)
      if (key) *insert(key).first = value;
  }

  std::vector<std::pair<Key, Value>> m_slots;
  std::size_t m_size = 0;
};

// The two booleans every has_X and every JSON boolean stands for, shared: kainjow only reads them.
const mst::data k_true(true);
const mst::data k_false(false);

// Calls `part` with each part of a dotted name, as kainjow splits it (std::getline on '.': a
// trailing empty part is dropped, "a..b" keeps its empty middle part), until it returns false.
// Views into the name: a template names dotted fields tens of thousands of times a build.
template <typename Part> void for_each_name_part(std::string_view name, Part part) {
  std::size_t begin = 0;
  while (begin < name.size()) {
    std::size_t dot = name.find('.', begin);
    if (dot == std::string_view::npos) dot = name.size();
    if (!part(name.substr(begin, dot - begin))) return;
    begin = dot + 1;
  }
}

// The text of the first <title> of a chart's SVG, unescaped (the chart escaped it with
// html_escape, and the template escapes it again where it is used); "" when it has none.
std::string chart_title(std::string_view svg) {
  const std::size_t open = svg.find("<title>");
  if (open == std::string_view::npos) return {};
  const std::size_t start = open + 7;
  const std::size_t close = svg.find("</title>", start);
  if (close == std::string_view::npos) return {};
  const std::string_view escaped = svg.substr(start, close - start);
  static constexpr std::pair<std::string_view, std::string_view> k_entities[] = {
      {"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
      {"&quot;", "\""}, {"&#39;", "'"}, {"&#xFFFD;", "\xEF\xBF\xBD"}};
  std::string out;
  for (std::size_t i = 0; i < escaped.size();) {
    bool replaced = false;
    if (escaped[i] == '&')
      for (const auto& [entity, text] : k_entities)
        if (escaped.compare(i, entity.size(), entity) == 0) {
          out += text;
          i += entity.size();
          replaced = true;
          break;
        }
    if (!replaced) out += escaped[i++];
  }
  return out;
}

// The mustache context of one page (its layout, then base): names are resolved against the JSON
// view where it lies, and a value is converted to kainjow data only when a template names it. A
// page's layout names a few dozen of its view's fields; converting the whole view up front (and
// freeing it after) cost as much as rendering.
//
// The conversion rules are those of the theme's header: "" false, integers in decimal, other
// numbers by number_text with non-finite ones false, null false, has_X for array fields the view
// does not set itself, strings under URL keys (and in arrays under them) false when unsafe.
//
// kainjow holds only data pointers: it pushes what get() returned (or a list item of it) when it
// enters a section, and asks get() for names. So every JSON object handed out is a "shell", a
// data of our own whose address is mapped back to the object; names under it are resolved here
// through the JSON, never through the shell. A shell is a `true` boolean: kainjow only tests a
// section's value for false, for an empty list or for a string, never looks inside an object
// itself, and an object and `true` behave alike in all three, without allocating a map.
//
// Partials come from the theme, never from the view: kainjow's own context would look a partial
// name up in the data, so a view field called "nav" could replace the navigation partial. The
// theme's partials are inlined into the layouts (inline_partials), so none is left to look up.
//
// One context serves one thread; get() is const in kainjow's interface but fills the caches.
// Resolves the templates' names in a page's view, converting each value it hands kainjow on first
// use. The view is the context's own (Theme::render takes it by value), so a string is moved into
// kainjow's data rather than copied: kainjow's data owns its strings, and copying every string a
// page shows, its body and charts among them, was a tenth of a build's allocations.
class ViewContext final : public mst::basic_context<std::string> {
public:
  explicit ViewContext(ViewJson& view) : m_root(&view) {
    m_owned.emplace_back(true);
    *m_objects.insert(&m_owned.back()).first = &view;
    m_frames.push_back({&m_owned.back(), &view});
  }

  // A root name that hides the view's own field of that name (the page's `content` and `layout`,
  // which only the base layout sees).
  void set_root(const std::string& name, mst::data value) {
    m_extras.insert_or_assign(name, std::move(value));
  }

  void push(const mst::data* data) override { m_frames.push_back({data, m_objects.find(data)}); }

  void pop() override { m_frames.pop_back(); }

  const mst::data* get(const std::string& name) const override {
    if (name.size() == 1 && name[0] == '.') return m_frames.back().data;
    if (name.find('.') == std::string::npos) {
      for (auto f = m_frames.rbegin(); f != m_frames.rend(); ++f)
        if (f->object)
          if (const mst::data* found = member(*f->object, name, nullptr)) return found;
      return nullptr;
    }
    // As kainjow: the first frame, from the top, where the whole path resolves.
    for (auto f = m_frames.rbegin(); f != m_frames.rend(); ++f) {
      const ViewJson* object = f->object;
      const mst::data* found = nullptr;
      for_each_name_part(name, [&](std::string_view part) {
        const ViewJson* child = nullptr;
        found = object ? member(*object, part, &child) : nullptr;
        object = child && child->is_object() ? child : nullptr;
        return found != nullptr;
      });
      if (found) return found;
    }
    return nullptr;
  }

  const mst::data* get_partial(const std::string&) const override { return nullptr; }

private:
  struct Frame {
    const mst::data* data;
    const ViewJson* object; // the JSON object it stands for; null for anything else
  };

  // Field `name` of `object` as data, or null; `child` gets the JSON value it came from, if any.
  const mst::data* member(const ViewJson& object, std::string_view name,
                          const ViewJson** child) const {
    if (&object == m_root && !m_extras.empty()) {
      auto extra = m_extras.find(name);
      if (extra != m_extras.end()) return &extra->second;
    }
    auto it = object.find(name);
    if (it != object.end()) {
      if (child) *child = &*it;
      return convert(*it, name);
    }
    // Mustache cannot test a list for emptiness without iterating it; has_X lets a layout print
    // a list's heading or <ul> only when there is something in it.
    if (name.starts_with("has_")) {
      auto list = object.find(name.substr(4));
      if (list != object.end() && list->is_array()) return list->empty() ? &k_false : &k_true;
    }
    // A figure that scrolls its chart on a phone is a region a keyboard can reach, as a table's
    // frame is, and it is named after the chart: X_label, for an `_svg` field X, is the text of
    // that chart's <title>.
    constexpr std::string_view k_label = "_label";
    if (name.size() > k_label.size() + 4 && name.ends_with("_svg_label")) {
      auto chart = object.find(name.substr(0, name.size() - k_label.size()));
      if (chart != object.end() && chart->is_string()) {
        // The chart's text, wherever it is now: in its data once the chart was shown.
        const mst::data* shown = m_converted.find(&*chart);
        const std::string title =
            chart_title(shown && shown->is_string() ? shown->string_value()
                                                    : chart->get_ref<const std::string&>());
        m_owned.emplace_back(title.empty() ? mst::data(false) : mst::data(title));
        return &m_owned.back();
      }
    }
    return nullptr;
  }

  // Field `key`'s `value` as data, converted on first use and then the same pointer. Each JSON
  // value has one parent, so one key: whether it is a URL key is asked only on first use.
  const mst::data* convert(const ViewJson& value, std::string_view key) const {
    auto [slot, inserted] = m_converted.insert(&value);
    if (!inserted) return *slot;
    if (value.is_boolean()) return *slot = value.get<bool>() ? &k_true : &k_false;
    m_owned.emplace_back(false);
    fill(m_owned.back(), value, is_url_key(key));
    return *slot = &m_owned.back();
  }

  // Writes `value`'s data into `out`, in place: `out` already has the address kainjow will see.
  // kainjow hands out its lists only as const references; the data here is our own and never
  // const, so writing through them is sound.
  void fill(mst::data& out, const ViewJson& value, bool url) const {
    switch (value.type()) {
    case ViewJson::value_t::object:
      out = mst::data(true);
      *m_objects.insert(&out).first = &value;
      return;
    case ViewJson::value_t::array: {
      out = mst::data(mst::data::type::list);
      auto& list = const_cast<mst::list&>(out.list_value());
      // Reserved, so the items' addresses (which shells are mapped by) never move.
      list.reserve(value.size());
      for (const auto& item : value) {
        list.emplace_back(false);
        fill(list.back(), item, url);
      }
      return;
    }
    case ViewJson::value_t::string: {
      // Moved, not copied: the view is ours (see the class comment), and a value is converted
      // once, so nothing reads this string from the view again.
      auto& s = const_cast<std::string&>(value.get_ref<const std::string&>());
      if (s.empty() || (url && !is_safe_url(s))) {
        out = mst::data(false);
      } else {
        out = mst::data(mst::data::type::string);
        const_cast<std::string&>(out.string_value()) = std::move(s);
      }
      return;
    }
    case ViewJson::value_t::boolean:
      out = mst::data(value.get<bool>());
      return;
    case ViewJson::value_t::number_integer:
    case ViewJson::value_t::number_unsigned:
      out = mst::data(number_text(value));
      return;
    case ViewJson::value_t::number_float:
      out = std::isfinite(value.get<double>()) ? mst::data(number_text(value)) : mst::data(false);
      return;
    default:
      out = mst::data(false); // null, binary, discarded
      return;
    }
  }

  const ViewJson* m_root;
  std::map<std::string, mst::data, std::less<>> m_extras;
  std::vector<Frame> m_frames;
  mutable std::deque<mst::data> m_owned; // a deque: what it holds never moves
  mutable PointerMap<const ViewJson*, const mst::data*> m_converted;
  mutable PointerMap<const mst::data*, const ViewJson*> m_objects; // shells → objects
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
struct ParsedLayout {
  std::unique_ptr<mst::mustache> tmpl;
  // The size of the last page this thread rendered with it: the next page's buffer is reserved
  // at that, not grown a doubling at a time (copying it was a twentieth of the template time).
  std::size_t last_size = 0;
};

struct ParsedLayouts {
  std::uint64_t theme = 0;
  std::map<std::string, ParsedLayout> layouts;
};

std::uint64_t next_theme_id() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

} // namespace

Theme::Theme(const std::map<std::string, std::string>& files,
             const std::map<std::string, std::string>& overrides, Check check) {
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
  if (check == Check::Full) check_templates();
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

std::string Theme::render_template(const std::string& name,
                                   mst::basic_context<std::string>& ctx) const {
  thread_local ParsedLayouts cache;
  if (cache.theme != m_id) {
    cache.layouts.clear();
    cache.theme = m_id;
  }
  const Template& tmpl = m_layouts.at(name);
  ParsedLayout& layout = cache.layouts[name];
  auto& parsed = layout.tmpl;
  if (!parsed) {
    parsed = std::make_unique<mst::mustache>(m_inlined.at(name));
    if (!parsed->is_valid()) {
      std::string message = tmpl.origin + ": " + parsed->error_message();
      parsed.reset();
      throw ThemeError(message);
    }
    parsed->set_custom_escape(escape_for_mustache);
  }
  // kainjow's render(ctx) collects the page in an ostringstream and copies it out; its stream
  // overload takes anything with `<<`, so the lines go straight into the string returned.
  struct Sink {
    std::string& out;
    Sink& operator<<(const std::string& s) {
      out += s;
      return *this;
    }
  };
  std::string out;
  out.reserve(layout.last_size + layout.last_size / 8);
  Sink sink{out};
  parsed->render(ctx, sink);
  layout.last_size = out.size();
  if (!parsed->is_valid()) {
    std::string message = tmpl.origin + ": " + parsed->error_message();
    parsed.reset(); // kainjow keeps the error; the next page gets a fresh parse
    throw ThemeError(message);
  }
  return out;
}

namespace {

// Case-insensitive search for ASCII `needle` in `hay` from `from`.
std::size_t find_ci(const std::string& hay, std::string_view needle, std::size_t from) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k]))
      ++k;
    if (k == needle.size()) return i;
  }
  return std::string::npos;
}

// The theme's stylesheet and scripts as root names of the page (asset_style_html,
// asset_site_js_html, asset_copy_js_html, asset_tables_js_html), for a page that
// must not load them from anywhere: 404.html, which GitHub Pages serves at any depth, where no
// relative path reaches static/ and an absolute one would leave the site.
void put_assets_inline(const std::map<std::string, std::string>& statics, ViewContext& ctx) {
  auto text = [&statics](const std::string& name) {
    auto it = statics.find(name);
    return it == statics.end() ? std::string() : it->second;
  };
  // Nothing in an asset may end the element it is inlined into.
  auto guarded = [](std::string body, std::string_view closing, std::string_view instead) {
    for (std::size_t at = 0; (at = find_ci(body, closing, at)) != std::string::npos;)
      body.replace(at, closing.size(), instead);
    return body;
  };
  ctx.set_root("asset_style_html", mst::data(guarded(text("style.css"), "</style", "\\3C/style")));
  for (const auto& [file, name] : {std::pair{"site.js", "asset_site_js_html"},
                                   {"copy.js", "asset_copy_js_html"},
                                   {"tables.js", "asset_tables_js_html"}})
    ctx.set_root(name, mst::data(guarded(text(file), "</script", "<\\/script")));
}

} // namespace

std::string Theme::render(const std::string& layout, ViewJson view) const {
  auto it = m_layouts.find(layout);
  if (it == m_layouts.end()) throw ThemeError("theme: unknown layout '" + layout + "'");
  auto root = view.is_object() ? view.find("root") : view.end();
  if (!view.is_object() || root == view.end() || !root->is_string())
    throw ThemeError(it->second.origin + ": the view has no string 'root' for relative links");
  // One context serves both templates, so a field both name is converted once: the page's
  // layout, then base around its output.
  ViewContext ctx(view);
  if (auto inline_assets = view.find("inline_assets");
      inline_assets != view.end() && inline_assets->is_boolean() && inline_assets->get<bool>())
    put_assets_inline(m_static, ctx);
  if (layout == "base") return render_template(layout, ctx);
  // Moved in, not copied: kainjow's string constructor copies, and the page's inner HTML is most
  // of its bytes. kainjow hands its string out only as a const reference; this data is ours.
  mst::data content(mst::data::type::string);
  const_cast<std::string&>(content.string_value()) = render_template(layout, ctx);
  ctx.set_root("content", std::move(content));
  ctx.set_root("layout", mst::data(layout));
  return render_template("base", ctx);
}

std::string Theme::render_fragment(const std::string& name, ViewJson view) const {
  auto it = m_layouts.find(name);
  if (it == m_layouts.end()) throw ThemeError("theme: unknown layout '" + name + "'");
  if (!view.is_object()) throw ThemeError(it->second.origin + ": the view is not an object");
  ViewContext ctx(view);
  return render_template(name, ctx);
}

} // namespace nines
