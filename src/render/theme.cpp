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
#include <tuple>
#include <utility>

namespace nines {

// The default theme (themes/default), compiled into the binary by cmake/embed.cmake.
const std::map<std::string, std::string_view>& embedded_theme_files();

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
  // The characters kainjow's trim drops (std::isspace), so names compare as it reads them.
  std::size_t b = s.find_first_not_of(" \t\n\v\f\r");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\n\v\f\r");
  return std::string(s.substr(b, e - b + 1));
}

struct Tag {
  char kind = 0; // '{' or '&' raw, '>' partial, '=' delimiter, 0 variable, others as in mustache
  std::string name;
  std::size_t begin = 0, end = 0; // the whole tag, braces included: src[begin, end)
};

// The tags of a template, found as kainjow finds them (a tag starts at "{{" and ends at the first
// "}}" after it, "}}}" after "{{{"), but for variables and comments, which no check and no
// inlining looks at (a template of a million variables would hold them all). `unclosed`, when
// given, gets the position of a "{{" with no end, where the scan stops (kainjow's "Unclosed
// tag"), or npos.
std::vector<Tag> scan_tags(const std::string& src, std::size_t* unclosed = nullptr) {
  std::vector<Tag> tags;
  std::size_t pos = 0;
  if (unclosed) *unclosed = std::string::npos;
  while ((pos = src.find("{{", pos)) != std::string::npos) {
    bool triple = src.compare(pos, 3, "{{{") == 0;
    std::size_t start = pos + (triple ? 3 : 2);
    std::size_t end = src.find(triple ? "}}}" : "}}", start);
    if (end == std::string::npos) {
      if (unclosed) *unclosed = pos;
      break;
    }
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
    if (t.kind != 0 && t.kind != '!') tags.push_back(std::move(t));
  }
  return tags;
}

// The end of the piece kainjow's parser makes of `src` at `pos` (one component each): a tag, found
// as scan_tags finds it; a line break ("\r\n" is one); a space; a tab; or a run of other text up
// to the next of those. kainjow makes nothing else, so their number bounds its parse's memory.
std::size_t piece_end(std::string_view src, std::size_t pos) {
  if (src.compare(pos, 2, "{{") == 0) {
    const bool triple = src.compare(pos, 3, "{{{") == 0;
    const std::size_t end = src.find(triple ? "}}}" : "}}", pos + (triple ? 3 : 2));
    return end == std::string_view::npos ? src.size() : end + (triple ? 3 : 2);
  }
  if (src.compare(pos, 2, "\r\n") == 0) return pos + 2;
  const char c = src[pos];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return pos + 1;
  constexpr std::string_view k_ends = " \t\r\n{";
  std::size_t end = src.find_first_of(k_ends, pos + 1);
  // A lone '{' is text; "{{" starts a tag.
  while (end != std::string_view::npos && src[end] == '{' && src.compare(end, 2, "{{") != 0)
    end = src.find_first_of(k_ends, end + 1);
  return end == std::string_view::npos ? src.size() : end;
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

// Where byte `offset` of a template is, as a diagnostic position (columns in characters, by
// char_column). Asked in increasing offsets, as the tags come, it goes on from its last answer,
// so a template with a problem at each of many tags is read once, not once a problem.
class Locator {
public:
  explicit Locator(std::string_view text) : m_text(text) {}

  Loc at(std::size_t offset) {
    offset = std::min(offset, m_text.size());
    if (offset < m_at) *this = Locator(m_text);
    const std::string_view span = m_text.substr(m_at, offset - m_at);
    if (const std::size_t newline = span.rfind('\n'); newline != std::string_view::npos) {
      m_line += static_cast<int>(std::count(span.begin(), span.end(), '\n'));
      m_col = 1;
      m_at += newline + 1;
    }
    m_col += char_column(m_text.substr(m_at, offset - m_at)) - 1;
    m_at = offset;
    return {m_line, m_col};
  }

private:
  std::string_view m_text;
  std::size_t m_at = 0;
  int m_line = 1;
  int m_col = 1;
};

// A tag as written, for messages: cut (at a character's start) when it is long.
std::string shown(const std::string& src, const Tag& tag) {
  constexpr std::size_t k_most = 60;
  std::string_view text = std::string_view(src).substr(tag.begin, tag.end - tag.begin);
  if (text.size() <= k_most) return std::string(text);
  std::size_t cut = k_most - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(text.substr(0, cut)) + "...";
}

struct TemplateRef {
  std::string name;
  const std::string* source;
  const std::string* origin; // "theme:KEY" for the compiled theme, else the repository path
  bool partial;
};

// The checks of Theme::problems over all the templates of a theme. Each template's tags are read
// once by scan_tags, then the partials are walked as a graph (without recursion: a chain of
// partials is as long as the repository has files) for cycles, nesting depth and inlined size,
// and only templates that pass all that are parsed by kainjow, whose parse copies each section's
// text and so costs depth times size.
class TemplateChecker {
public:
  // Partials first, then layouts; `partials` are sorted by name (a map's order).
  TemplateChecker(std::vector<TemplateRef> partials, std::vector<TemplateRef> layouts) {
    m_partial_count = static_cast<int>(partials.size());
    for (auto* list : {&partials, &layouts})
      for (TemplateRef& ref : *list)
        m_t.emplace_back(std::move(ref));
    for (int i = 0; i < m_partial_count; ++i)
      m_partial_names.push_back(m_t[static_cast<std::size_t>(i)].ref.name);
  }

  std::vector<ThemeProblem> run() {
    for (std::size_t t = 0; t < m_t.size(); ++t)
      scan(static_cast<int>(t));
    const std::vector<int> order = walk_partials();
    for (int t : order)
      measure(t);
    for (int t = m_partial_count; t < static_cast<int>(m_t.size()); ++t)
      measure(t);
    for (int t = 0; t < static_cast<int>(m_t.size()); ++t) {
      report_depth(t);
      // One size problem a template: in bytes when it is over that limit (then it is mostly
      // over in pieces too), else in pieces.
      report_size(t, at(t).bytes > k_theme_max_bytes ? Size::Bytes : Size::Pieces);
    }
    for (int t = 0; t < static_cast<int>(m_t.size()); ++t)
      parse(t);
    std::sort(m_out.begin(), m_out.end(), [](const ThemeProblem& a, const ThemeProblem& b) {
      return std::tie(a.file, a.loc.line, a.loc.col, a.message) <
             std::tie(b.file, b.loc.line, b.loc.col, b.message);
    });
    return std::move(m_out);
  }

private:
  static constexpr std::size_t k_whole_file = std::string::npos;

  struct Scanned {
    explicit Scanned(TemplateRef r) : ref(std::move(r)), locator(*ref.source) {}
    TemplateRef ref;
    Locator locator;
    std::vector<Tag> tags;
    std::vector<int> level;  // per tag: the sections open at it, an opening tag counted in
    std::vector<int> target; // per tag: the partial it includes (an index), or -1
    std::vector<char> cycle; // per tag: its inclusion closes a cycle (left out of the measures)
    bool broken = false;     // its sections do not pair up: left out of the checks across files
    int problems = 0;
    int need = 0;               // the deepest level in it, partials inlined, at most the limit + 1
    std::size_t bytes = 0;      // its size with partials inlined, at most the limit + 1
    std::size_t own = 0;        // its size without the text of its partial tags
    std::size_t pieces = 0;     // kainjow's pieces of it, partials inlined, at most the limit + 1
    std::size_t own_pieces = 0; // its pieces but its partial tags
  };

  // The two measures of a template's size, partials inlined, which are bounded and reported
  // alike: its bytes, and the pieces kainjow parses it into (piece_end).
  enum class Size { Bytes, Pieces };
  static std::size_t limit_of(Size m) {
    return m == Size::Bytes ? k_theme_max_bytes : k_theme_max_pieces;
  }
  static std::size_t total(const Scanned& s, Size m) {
    return m == Size::Bytes ? s.bytes : s.pieces;
  }
  static std::string limit_text(Size m) {
    if (m == Size::Bytes) return size_limit();
    return "the limit of " + std::to_string(k_theme_max_pieces) +
           " pieces (tags, line breaks, spaces, tabs and runs of other text)";
  }
  static std::string hint_text(Size m) {
    if (m == Size::Bytes) return size_hint();
    return "make the template shorter, or include big partials fewer times: each piece is "
           "parsed into a few hundred bytes of memory, on every thread that renders it";
  }
  // The measure `m` of src[from, to) of `s`'s own text, which holds no partial tag, counted up to
  // `room` + 1 at the most: `passed` gets the offset where the count passes `room` (the start of
  // the byte or piece that does), and is left alone when it does not.
  static std::size_t span(const Scanned& s, Size m, std::size_t from, std::size_t to,
                          std::size_t room, std::size_t* passed) {
    if (m == Size::Bytes) {
      if (to - from <= room) return to - from;
      *passed = from + room;
      return room + 1;
    }
    const std::string_view src = *s.ref.source;
    std::size_t n = 0;
    for (std::size_t pos = from; pos < to; pos = piece_end(src, pos)) {
      if (n == room) {
        *passed = pos;
        return room + 1;
      }
      ++n;
    }
    return n;
  }

  static std::string size_limit() {
    return "the limit of " + std::to_string(k_theme_max_bytes >> 20) + " MiB (" +
           std::to_string(k_theme_max_bytes) + " bytes)";
  }
  static std::string size_hint() {
    return "make the template smaller, or include big partials fewer times";
  }

  Scanned& at(int t) { return m_t[static_cast<std::size_t>(t)]; }
  static bool compiled(const Scanned& s) { return s.ref.origin->rfind("theme:", 0) == 0; }
  std::string kind_and_name(const Scanned& s) const {
    return (s.ref.partial ? "partial '" : "layout '") + s.ref.name + "'";
  }
  // Whether tag `i` of `s` includes a partial that counts in depth and size.
  bool counted(const Scanned& s, std::size_t i) const {
    const int p = s.target[i];
    return p >= 0 && !s.cycle[i] && !m_t[static_cast<std::size_t>(p)].broken;
  }

  void add(int t, std::size_t offset, const std::string& message, std::string hint) {
    Scanned& s = at(t);
    ++s.problems;
    const Loc loc = offset == k_whole_file ? Loc{} : s.locator.at(offset);
    if (!compiled(s)) {
      m_out.push_back({*s.ref.origin, loc, message, std::move(hint)});
      return;
    }
    // Not a file of the repository: reported at its layouts/ folder, the file in the message.
    std::string where = *s.ref.origin;
    if (loc.line > 0) where += ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
    m_out.push_back({"layouts", {}, where + ": " + message, std::move(hint)});
  }

  void scan(int t) {
    Scanned& s = at(t);
    const std::string& src = *s.ref.source;
    // Too large on its own: nothing more is read of it (a file of the loader's largest size is
    // a few million tags).
    if (src.size() > k_theme_max_bytes) {
      add(t, k_whole_file,
          kind_and_name(s) + " is " + std::to_string(src.size()) + " bytes, over " + size_limit(),
          size_hint());
      s.broken = true;
      return;
    }
    std::size_t unclosed = std::string::npos;
    s.tags = scan_tags(src, &unclosed);
    const std::size_t n = s.tags.size();
    s.level.assign(n, 0);
    s.target.assign(n, -1);
    s.cycle.assign(n, 0);
    s.own = src.size();
    std::size_t included = 0;      // partial tags that name a partial
    std::vector<std::size_t> open; // the sections open, as tag indexes
    for (std::size_t i = 0; i < n; ++i) {
      const Tag& tag = s.tags[i];
      switch (tag.kind) {
      case '=':
        add(t, tag.begin, "set-delimiter tags are not supported",
            "write every tag between {{ and }}");
        s.broken = true;
        return;
      case '#':
      case '^':
        open.push_back(i);
        s.level[i] = static_cast<int>(open.size());
        break;
      case '/': {
        if (open.empty()) {
          add(t, tag.begin, "'" + shown(src, tag) + "' closes a section that is not open",
              "remove it, or open the section before it with {{#" + tag.name + "}}");
          s.broken = true;
          return;
        }
        const Tag& opening = s.tags[open.back()];
        if (opening.name != tag.name) {
          const Loc opened = s.locator.at(opening.begin);
          add(t, tag.begin,
              "'" + shown(src, tag) + "' does not close the open section '" + shown(src, opening) +
                  "' (line " + std::to_string(opened.line) + ", column " +
                  std::to_string(opened.col) + ")",
              "close sections in the reverse order they open: '" + opening.name +
                  "' first, with {{/" + opening.name + "}}");
          s.broken = true;
          return;
        }
        s.level[i] = static_cast<int>(open.size());
        open.pop_back();
        break;
      }
      case '>': {
        s.level[i] = static_cast<int>(open.size());
        auto found = std::lower_bound(m_partial_names.begin(), m_partial_names.end(), tag.name);
        if (found == m_partial_names.end() || *found != tag.name) {
          add(t, tag.begin,
              "unknown partial '" + tag.name + "'" + did_you_mean(tag.name, m_partial_names),
              "add layouts/partials/" + tag.name + ".mustache, or include a partial the theme has");
        } else {
          s.target[i] = static_cast<int>(found - m_partial_names.begin());
          s.own -= tag.end - tag.begin;
          ++included;
        }
        break;
      }
      case '{':
      case '&': {
        s.level[i] = static_cast<int>(open.size());
        const std::string last = tag.name.substr(tag.name.rfind('.') + 1);
        if (last != "content" && !ends_with(last, "_html") && !ends_with(last, "_svg"))
          add(t, tag.begin,
              "raw output of '" + tag.name +
                  "': only names ending in _html or _svg may be unescaped",
              "write {{" + tag.name + "}}, which escapes it");
        break;
      }
      default:
        s.level[i] = static_cast<int>(open.size());
        break;
      }
    }
    if (unclosed != std::string::npos) {
      const bool triple = src.compare(unclosed, 3, "{{{") == 0;
      add(t, unclosed,
          std::string("tag '") + (triple ? "{{{" : "{{") + "' is not closed: no '" +
              (triple ? "}}}" : "}}") + "' after it",
          std::string("end the tag with ") + (triple ? "}}}" : "}}"));
      s.broken = true;
      return;
    }
    if (!open.empty()) {
      const Tag& opening = s.tags[open.back()];
      add(t, opening.begin, "section '" + shown(src, opening) + "' is not closed",
          "close it with {{/" + opening.name + "}}");
      s.broken = true;
      return;
    }
    for (std::size_t pos = 0; pos < src.size(); pos = piece_end(src, pos))
      ++s.own_pieces;
    s.own_pieces -= included; // each is a tag, a piece of its own
  }

  // Partials in an order where each comes after those it includes, with the inclusions that close
  // a cycle marked and reported. A depth-first walk with a stack of its own.
  std::vector<int> walk_partials() {
    std::vector<int> order;
    std::vector<char> state(static_cast<std::size_t>(m_partial_count), 0); // 1 on the path, 2 done
    struct Frame {
      int t;
      std::size_t next; // the next tag to look at; the one before is being followed
    };
    std::vector<Frame> path;
    for (int root = 0; root < m_partial_count; ++root) {
      if (state[static_cast<std::size_t>(root)] != 0) continue;
      state[static_cast<std::size_t>(root)] = 1;
      path.push_back({root, 0});
      while (!path.empty()) {
        const int u = path.back().t;
        Scanned& s = at(u);
        std::size_t i = path.back().next;
        while (i < s.tags.size() && (s.broken || s.target[i] < 0))
          ++i;
        if (s.broken || i >= s.tags.size()) {
          state[static_cast<std::size_t>(u)] = 2;
          order.push_back(u);
          path.pop_back();
          continue;
        }
        path.back().next = i + 1;
        const int v = s.target[i];
        if (state[static_cast<std::size_t>(v)] == 2) continue;
        if (state[static_cast<std::size_t>(v)] == 0) {
          state[static_cast<std::size_t>(v)] = 1;
          path.push_back({v, 0});
          continue;
        }
        s.cycle[i] = 1;
        // The cycle is the path from v to here; it is reported in a file of the repository.
        std::vector<std::pair<int, std::size_t>> frames;
        std::size_t from = path.size();
        while (from > 0 && path[from - 1].t != v)
          --from;
        std::string names = "'" + at(v).ref.name + "'";
        for (std::size_t k = from - 1; k < path.size(); ++k) {
          frames.emplace_back(path[k].t, path[k].next - 1);
          const int next = at(path[k].t).target[path[k].next - 1];
          names += " > '" + at(next).ref.name + "'";
        }
        report_at(frames, "partial '" + at(v).ref.name + "' includes itself: " + names,
                  "remove one of the inclusions of the cycle");
      }
    }
    return order;
  }

  // Reports `message` at the last of `frames` (template, tag index or k_whole_file) that is a file
  // of the repository: the tag at fault when it is one, else the inclusion of the compiled
  // theme's file that led to it; a partial tag of the compiled theme whose partial is an override
  // is that override's fault. Once per place.
  void report_at(const std::vector<std::pair<int, std::size_t>>& frames, const std::string& message,
                 const std::string& hint) {
    auto offset = [this](int t, std::size_t tag) {
      return tag == k_whole_file ? k_whole_file : at(t).tags[tag].begin;
    };
    std::pair<int, std::size_t> place{frames.back().first,
                                      offset(frames.back().first, frames.back().second)};
    const auto last = std::find_if(frames.rbegin(), frames.rend(),
                                   [this](const auto& f) { return !compiled(at(f.first)); });
    if (last != frames.rend()) {
      place = {last->first, offset(last->first, last->second)};
    } else if (frames.back().second != k_whole_file) {
      const int p = at(frames.back().first).target[frames.back().second];
      if (p >= 0 && !compiled(at(p))) place = {p, k_whole_file};
    }
    if (m_reported.insert(place).second) add(place.first, place.second, message, hint);
  }

  void measure(int t) {
    Scanned& s = at(t);
    if (s.broken) return;
    const int over = k_theme_max_nesting + 1;
    int need = 0;
    std::size_t bytes = s.own;
    std::size_t pieces = s.own_pieces;
    for (std::size_t i = 0; i < s.tags.size(); ++i) {
      if (s.tags[i].kind == '#' || s.tags[i].kind == '^') need = std::max(need, s.level[i]);
      if (!counted(s, i)) continue;
      const Scanned& p = at(s.target[i]);
      need = std::max(need, s.level[i] + 1 + p.need);
      bytes = std::min(bytes + p.bytes, k_theme_max_bytes + 1);
      pieces = std::min(pieces + p.pieces, k_theme_max_pieces + 1);
    }
    s.need = std::min(need, over);
    s.bytes = std::min(bytes, k_theme_max_bytes + 1);
    s.pieces = std::min(pieces, k_theme_max_pieces + 1);
  }

  // The first tag of `t` (and of the partials it includes) past k_theme_max_nesting. A partial
  // too deep on its own is reported as itself, once, not at each inclusion.
  void report_depth(int t) {
    if (at(t).broken || at(t).need <= k_theme_max_nesting) return;
    std::vector<std::pair<int, std::size_t>> frames;
    int cur = t;
    int base = 0; // the levels open where `cur` is included
    for (;;) {
      const Scanned& s = at(cur);
      std::size_t i = 0;
      int deeper = -1; // the partial to go into
      for (; i < s.tags.size(); ++i) {
        const char kind = s.tags[i].kind;
        if ((kind == '#' || kind == '^') && base + s.level[i] > k_theme_max_nesting) break;
        if (!counted(s, i)) continue;
        const int level = base + s.level[i] + 1;
        if (level > k_theme_max_nesting) break;
        const Scanned& p = at(s.target[i]);
        if (level + p.need > k_theme_max_nesting) {
          if (p.need > k_theme_max_nesting) return; // reported as itself
          deeper = s.target[i];
          break;
        }
      }
      if (i == s.tags.size()) return; // cannot happen: `need` said where to look
      frames.emplace_back(cur, i);
      if (deeper < 0) break;
      base += s.level[i] + 1;
      cur = deeper;
    }
    const auto [last, tag] = frames.back();
    const Scanned& s = at(last);
    const int level = base + s.level[tag] + (s.tags[tag].kind == '>' ? 1 : 0);
    std::string message = "'" + shown(*s.ref.source, s.tags[tag]) + "' is nested " +
                          std::to_string(level) + " levels deep";
    // Where it is reported may be an inclusion in an override, of a file of the compiled theme.
    const bool elsewhere =
        compiled(s) && std::any_of(frames.begin(), frames.end(),
                                   [this](const auto& f) { return !compiled(at(f.first)); });
    if (frames.size() > 1) {
      // The chain of partials, its middle left out when it is long (a chain may be thousands).
      constexpr std::size_t k_ends = 3;
      message += " (in " + kind_and_name(at(t)) + " through partial";
      for (std::size_t k = 1; k < frames.size(); ++k) {
        if (k > k_ends && k + k_ends < frames.size()) {
          if (k == k_ends + 1) message += " > ...";
          continue;
        }
        message += (k == 1 ? " '" : " > '") + at(frames[k].first).ref.name + "'";
      }
      if (elsewhere)
        message += ", at " + *s.ref.origin + ":" +
                   std::to_string(at(last).locator.at(s.tags[tag].begin).line);
      message += ")";
    }
    message += ", over the limit of " + std::to_string(k_theme_max_nesting) +
               ": sections, inverted sections and partials each open a level";
    report_at(frames, message,
              "nest less deeply: move a repeated condition outwards, or test a field the view "
              "computes");
  }

  // Where `t` passes the limit of measure `m` with its partials inlined: at the partial tag that
  // brings it over, or at the byte or piece of its own text that does (a template over the byte
  // limit on its own was reported by scan). A partial over the limit is reported as itself.
  void report_size(int t, Size m) {
    const Scanned& s = at(t);
    const std::size_t max = limit_of(m);
    if (s.broken || total(s, m) <= max) return;
    const std::string limit = limit_text(m);
    const std::string hint = hint_text(m);
    // `running`: the measure of the template, partials inlined, before offset `pos` of its own
    // text, counted as measure() counts it (the tags of partials left out count nothing).
    std::size_t running = 0, pos = 0;
    std::size_t passed = k_whole_file;        // where its own text passes the limit
    std::size_t last_override = k_whole_file; // the last tag including an override, for below
    for (std::size_t i = 0; i < s.tags.size() && passed == k_whole_file; ++i) {
      if (s.target[i] < 0) continue;
      const Tag& tag = s.tags[i];
      running += span(s, m, pos, tag.begin, max - running, &passed);
      if (passed != k_whole_file) break;
      pos = tag.end;
      if (!counted(s, i)) continue;
      const Scanned& p = at(s.target[i]);
      if (total(p, m) > max) return; // reported as itself
      if (!compiled(p)) last_override = i;
      if (running + total(p, m) > max) {
        report_at({{t, i}},
                  "including partial '" + p.ref.name + "' here brings " + kind_and_name(s) +
                      " over " + limit + " with its partials inlined",
                  hint);
        return;
      }
      running += total(p, m);
    }
    if (passed == k_whole_file) span(s, m, pos, s.ref.source->size(), max - running, &passed);
    if (passed == k_whole_file) return; // cannot be: measure() found it over
    // It passes the limit in its own text, after what its partials brought: at the byte or piece
    // that does, or (in the compiled theme) at the last override it includes.
    if (compiled(s) && last_override != k_whole_file) {
      report_at({{t, last_override}},
                "partial '" + at(s.target[last_override]).ref.name + "' brings " +
                    kind_and_name(s) + " of the theme over " + limit + " with its partials inlined",
                hint);
      return;
    }
    if (!m_reported.insert({t, passed}).second) return;
    add(t, passed, kind_and_name(s) + " passes " + limit + " here, with its partials inlined",
        hint);
  }

  // kainjow's own parse, for what the scan does not judge, once the template is known to be
  // within the limits. Its messages end in a byte offset, made a position here.
  void parse(int t) {
    Scanned& s = at(t);
    if (s.broken || s.problems > 0 || s.need > k_theme_max_nesting || s.bytes > k_theme_max_bytes ||
        s.pieces > k_theme_max_pieces)
      return;
    mst::mustache parsed(*s.ref.source);
    if (parsed.is_valid()) return;
    std::string message = parsed.error_message();
    std::size_t offset = k_whole_file;
    const std::size_t at_word = message.rfind(" at ");
    if (at_word != std::string::npos) {
      std::size_t value = 0;
      const char* first = message.data() + at_word + 4;
      const char* last = message.data() + message.size();
      if (auto [end, ec] = std::from_chars(first, last, value); ec == std::errc() && end == last) {
        offset = value;
        message.resize(at_word);
      }
    }
    add(t, offset, "mustache: " + message, "fix the tag's syntax");
  }

  std::vector<Scanned> m_t; // partials, then layouts
  int m_partial_count = 0;
  std::vector<std::string> m_partial_names;         // sorted
  std::set<std::pair<int, std::size_t>> m_reported; // depth and size problems, by tag
  std::vector<ThemeProblem> m_out;
};

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

void Theme::collect(const std::map<std::string, std::string>& files,
                    const std::map<std::string, std::string>& overrides, Templates& layouts,
                    Templates& partials, std::map<std::string, std::string>* statics) {
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
      layouts[name] = Template{text, "theme:" + rel};
    else if (std::string pname = template_name(rel, "partials/"); !pname.empty())
      partials[pname] = Template{text, "theme:" + rel};
    else if (statics && rel.rfind("static/", 0) == 0 && rel.size() > 7 && rel.back() != '/')
      (*statics)[rel.substr(7)] = text;
  }
  for (const auto& [rel, text] : overrides) {
    if (std::string pname = template_name(rel, "layouts/partials/"); !pname.empty())
      partials[pname] = Template{text, rel};
    else if (std::string name = template_name(rel, "layouts/"); !name.empty())
      layouts[name] = Template{text, rel};
  }
}

Theme::Theme(const std::map<std::string, std::string>& files,
             const std::map<std::string, std::string>& overrides, Check check) {
  collect(files, overrides, m_layouts, m_partials, &m_static);
  if (m_layouts.count("base") == 0) throw ThemeError("theme: the theme has no base layout");
  if (check == Check::Full) {
    const std::vector<ThemeProblem> problems = check_templates(m_layouts, m_partials);
    if (!problems.empty()) throw ThemeError(problems.front());
  }
  std::map<std::string, std::string> partial_sources;
  for (const auto& [name, t] : m_partials)
    partial_sources.emplace(name, t.source);
  for (const auto& [name, t] : m_layouts)
    m_inlined.emplace(name, inline_partials(t.source, partial_sources));
  m_id = next_theme_id();
}

std::vector<ThemeProblem> Theme::problems(const std::map<std::string, std::string>& files,
                                          const std::map<std::string, std::string>& overrides) {
  Templates layouts, partials;
  collect(files, overrides, layouts, partials, nullptr);
  if (layouts.count("base") == 0)
    return {{"layouts",
             {},
             "theme: the theme has no base layout",
             "add layouts/base.mustache, the frame of every page"}};
  return check_templates(layouts, partials);
}

std::vector<ThemeProblem> Theme::check_templates(const Templates& layouts,
                                                 const Templates& partials) {
  std::vector<TemplateRef> partial_refs, layout_refs;
  for (const auto& [name, t] : partials)
    partial_refs.push_back({name, &t.source, &t.origin, true});
  for (const auto& [name, t] : layouts)
    layout_refs.push_back({name, &t.source, &t.origin, false});
  return TemplateChecker(std::move(partial_refs), std::move(layout_refs)).run();
}

void check_theme_overrides(const std::map<std::string, std::string>& overrides, DiagBag& diags) {
  if (overrides.empty()) return;
  std::map<std::string, std::string> files;
  for (const auto& [path, bytes] : embedded_theme_files())
    files.emplace(path, std::string(bytes));
  for (ThemeProblem& p : Theme::problems(files, overrides))
    diags.error(std::move(p.file), p.loc, "theme", std::move(p.message), std::move(p.hint));
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
