#include "load/yaml_reader.hpp"

#include "model/core_scalar.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <map>
#include <optional>
#include <stdexcept>
#include <streambuf>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace nines {
namespace {

struct TooManyNodes : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A quoted scalar with no closing quote: it ran to the end of the text, so the rest of the
// document is inside it. Thrown like yaml-cpp's own syntax errors, so the half-read document is
// dropped rather than validated (which reported keys swallowed by the string as missing).
struct UnclosedQuote {
  Loc at;
};

// A scalar whose YAML 1.2 core-schema tag (`!!int`, `!!float`, `!!bool`, `!!null`) does not fit
// its text: YAML readers refuse to load it, so the document is dropped as for a syntax error.
struct BadTag {
  Loc at;
  std::string message;
};

const char* const k_core_tag = "tag:yaml.org,2002:";

// What a core-schema tag makes of a scalar's text: Scalar (a plain scalar, resolved as the tag
// says) or Null; nullopt when the text is not of the tag's type. `kind` is the tag's last word.
std::optional<Node::Kind> tagged_kind(std::string_view kind, std::string_view text) {
  bool b = false;
  if (kind == "null") return core_null(text) ? std::optional(Node::Kind::Null) : std::nullopt;
  const bool fits = kind == "bool"    ? core_bool(text, b)
                    : kind == "int"   ? core_number(text) == CoreNumber::Int
                    : kind == "float" ? core_number(text) != CoreNumber::None
                                      : false;
  return fits ? std::optional(Node::Kind::Scalar) : std::nullopt;
}

std::size_t count_nodes(const Node& n) {
  std::size_t c = 1;
  for (const auto& i : n.items)
    c += count_nodes(i);
  for (const auto& e : n.entries)
    c += count_nodes(e.value);
  return c;
}

// Whether every byte of `text` is ASCII. Read 8 bytes at a time: it is asked of every file.
bool is_ascii(std::string_view text) {
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    high |= w;
  }
  for (; i < text.size(); ++i)
    high |= static_cast<unsigned char>(text[i]);
  return (high & 0x8080808080808080ull) == 0;
}

// yaml-cpp's marks count bytes: `pos` from the start of the text (after a byte order mark, which
// its stream drops) and `column` from the start of the line. Diagnostics count characters (Loc),
// so a mark on a line with non-ASCII text before it is converted here. An ASCII text, nearly
// every file, takes the byte column as it is.
class Columns {
public:
  explicit Columns(std::string_view text)
      : m_text(text), m_ascii(is_ascii(text)), m_base(text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0) {
  }

  // The 1-based column of `m`, in code points.
  int at(const YAML::Mark& m) {
    if (m_ascii || m.pos < 0 || m.column < 0 || m.column > m.pos) return m.column + 1;
    const std::size_t at = m_base + static_cast<std::size_t>(m.pos);
    if (at > m_text.size()) return m.column + 1;
    const std::size_t start = at - static_cast<std::size_t>(m.column);
    // Marks come mostly in order: on the same line, count on from the last one, so a long line
    // of many nodes (a flow list) is counted once, not once for each node.
    if (start != m_line_start || at < m_last) {
      m_line_start = start;
      m_last = start;
      m_col = 1;
    }
    m_col += char_column(m_text.substr(m_last, at - m_last)) - 1;
    m_last = at;
    return m_col;
  }

private:
  std::string_view m_text;
  bool m_ascii;
  std::size_t m_base;
  std::size_t m_line_start = static_cast<std::size_t>(-1), m_last = 0;
  int m_col = 1;
};

void report_complex_keys(const std::vector<Loc>& keys, const std::string& file, DiagBag& diags) {
  // `{{ x }}: v` is a key within a key: one finding for the line, at its first.
  std::vector<Loc> sorted = keys;
  std::sort(sorted.begin(), sorted.end(), [](const Loc& a, const Loc& b) {
    return std::tie(a.line, a.col) < std::tie(b.line, b.col);
  });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i].line == sorted[i - 1].line) continue;
    const Loc& at = sorted[i];
    diags.error(file, at, "yaml-syntax", "complex mapping keys are not supported",
                "use a plain string as the key; a template expression such as "
                "{{ .Values.x }} is a YAML mapping unless it is quoted");
  }
}

// Builds positioned trees from yaml-cpp's parser events.
class TreeBuilder : public YAML::EventHandler {
public:
  TreeBuilder(std::string_view text, const std::string& file, int line_offset,
              const YamlLimits& limits, DiagBag& diags, HeldFindings* held)
      : m_text(text), m_columns(text), m_file(file), m_line_offset(line_offset), m_limits(limits),
        m_diags(diags), m_held(held) {}

  Loc loc(const YAML::Mark& m) { return {m.line + 1 + m_line_offset, m_columns.at(m)}; }

  void OnDocumentStart(const YAML::Mark&) override {
    if (m_held) m_held->clear();
    m_stack.clear();
    m_scalar_anchors.clear();
    m_anchors.clear();
    m_places.clear();
    m_aside.clear();
    m_has_root = false;
    m_root = Node{};
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n;
    n.kind = Node::Kind::Null;
    n.loc = loc(mark);
    finish(std::move(n), anchor, k_none);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n;
    if (auto s = m_scalar_anchors.find(anchor); s != m_scalar_anchors.end()) {
      m_aliased = true;
      bump(1);
      n = s->second;
    } else if (auto it = m_anchors.find(anchor); it != m_anchors.end()) {
      m_aliased = true;
      if (const Node* target = resolve(it->second)) {
        // Counted before it is copied: every node an alias makes counts against the cap.
        bump(count_nodes(*target));
        n = *target;
      }
    }
    n.loc = loc(mark);
    finish(std::move(n), 0, k_none);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n;
    n.kind = Node::Kind::Scalar;
    n.loc = loc(mark);
    // yaml-cpp reports "?" for plain scalars and "!" for quoted or block ones; an explicit tag
    // comes resolved (`!!int` is tag:yaml.org,2002:int).
    n.quoted = tag != "?";
    if (n.quoted && unterminated(mark)) throw UnclosedQuote{n.loc};
    n.value = value;
    // The core schema's `!!int`, `!!float`, `!!bool` and `!!null` make the text that type, as a
    // plain scalar of it would be; `!!str` and every other tag (`!Ref`, `!!timestamp`) keep it a
    // string.
    if (tag.rfind(k_core_tag, 0) == 0) {
      const std::string_view kind = std::string_view(tag).substr(std::strlen(k_core_tag));
      if (kind == "int" || kind == "float" || kind == "bool" || kind == "null") {
        const auto as = tagged_kind(kind, value);
        if (!as)
          throw BadTag{n.loc, "value '" + value + "' is tagged !!" + std::string(kind) +
                                  " but is not " +
                                  (kind == "int"     ? "an integer"
                                   : kind == "float" ? "a number"
                                   : kind == "bool"  ? "true or false"
                                                     : "null")};
        n.quoted = false;
        if (*as == Node::Kind::Null) {
          n.kind = Node::Kind::Null;
          n.value.clear();
        }
      }
    }
    finish(std::move(n), anchor, k_none);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(Node::Kind::Seq, mark, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(Node::Kind::Map, mark, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override { close(); }

  // Where to say a document nests too deeply. yaml-cpp's mark for it can be where its scanner
  // has read to, the end of a long flow line (`[[[[...`): the token after the innermost bracket
  // still open, the first node past the limit, is the place.
  Loc too_deep_at(const YAML::Mark& thrown) {
    if (m_stack.empty()) return loc(thrown);
    const YAML::Mark& open = m_stack.back().mark;
    const std::size_t bom = m_text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    if (open.pos < 0 || open.pos >= thrown.pos) return loc(thrown);
    std::size_t at = bom + static_cast<std::size_t>(open.pos);
    if (at >= m_text.size() || (m_text[at] != '[' && m_text[at] != '{')) return loc(thrown);
    ++at;
    while (at < m_text.size() && (m_text[at] == ' ' || m_text[at] == '\t'))
      ++at;
    if (at >= m_text.size() || m_text[at] == '\n' || m_text[at] == '\r') return loc(thrown);
    YAML::Mark next = open;
    next.pos += static_cast<int>(at - bom - static_cast<std::size_t>(open.pos));
    next.column += next.pos - open.pos;
    return next.pos < thrown.pos ? loc(next) : loc(thrown);
  }

  bool has_root() const { return m_has_root; }
  bool aliased() const { return m_aliased; }
  Node take_root() { return std::move(m_root); }

private:
  // Where a mapping or list went once closed: child `slot` of the container with frame id
  // `parent`, or one of the special parents below.
  struct Place {
    std::uint32_t parent = k_open;
    std::uint32_t slot = 0; // while open: the frame's depth in m_stack
  };
  static constexpr std::uint32_t k_open = 0xFFFFFFFF, k_aside = 0xFFFFFFFE, k_root = 0xFFFFFFFD,
                                 k_none = 0xFFFFFFFC;

  struct Frame {
    Node node;
    std::uint32_t id = k_none;
    YAML::Mark mark; // where it opens
    YAML::anchor_t anchor = 0;
    bool have_key = false;
    bool key_bad = false;
    std::string key;
    Loc key_loc;
    // Key → position in node.entries, built only for large mappings: a small one is searched
    // in place, which spares a copy and a hash node of every key.
    std::unordered_map<std::string, std::size_t> index;
    bool key_merge = false;                 // the key is a plain `<<`
    std::unordered_set<std::string> merged; // keys that came from a merge, not written here
  };

  static constexpr std::size_t k_scan_limit = 16;

  // The entry of the mapping being built with this key (written or merged), or nullptr.
  static Entry* find_entry(Frame& f, const std::string& key) {
    auto& entries = f.node.entries;
    if (entries.size() <= k_scan_limit) {
      for (auto& e : entries)
        if (e.key == key) return &e;
      return nullptr;
    }
    for (std::size_t i = f.index.size(); i < entries.size(); ++i)
      f.index.emplace(entries[i].key, i);
    auto it = f.index.find(key);
    return it == f.index.end() ? nullptr : &entries[it->second];
  }

  // A finding that matters only in a document nines reads (HeldFindings): held for the caller, or
  // reported at once when it holds none.
  void hold(Diagnostic d) {
    if (m_held)
      m_held->findings.push_back(std::move(d));
    else
      m_diags.add(std::move(d));
  }

  void bump(std::size_t n) {
    m_count += n;
    if (m_count > m_limits.max_nodes) throw TooManyNodes("too many nodes");
  }

  // Whether the quoted scalar that starts at `mark` has no closing quote. yaml-cpp ends such a
  // scalar at the end of the text without an error, so `description: "unterminated` on a last
  // line would be read (and published) as if it were closed. Scans only the scalar itself.
  bool unterminated(const YAML::Mark& mark) const {
    const std::size_t bom = m_text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    if (mark.pos < 0) return false;
    const std::size_t start = bom + static_cast<std::size_t>(mark.pos);
    if (start >= m_text.size()) return false;
    const char quote = m_text[start];
    if (quote != '"' && quote != '\'') return false; // a block scalar
    for (std::size_t i = start + 1; i < m_text.size(); ++i) {
      const char c = m_text[i];
      if (quote == '"' && c == '\\') {
        ++i; // an escape: the next character is the escaped one
      } else if (c == quote) {
        // In single quotes '' is an escaped quote, not the end.
        if (quote == '\'' && i + 1 < m_text.size() && m_text[i + 1] == '\'') {
          ++i;
          continue;
        }
        return false;
      }
    }
    return true;
  }

  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor, bool flow) {
    bump(1);
    Frame& f = m_stack.emplace_back();
    f.node.kind = kind;
    f.node.flow = flow;
    f.node.loc = loc(mark);
    f.mark = mark;
    f.anchor = anchor;
    f.id = static_cast<std::uint32_t>(m_places.size());
    m_places.push_back({k_open, static_cast<std::uint32_t>(m_stack.size() - 1)});
  }

  // Only the node leaves the frame: moving the whole frame moved its two hash tables too.
  void close() {
    Node n = std::move(m_stack.back().node);
    const YAML::anchor_t anchor = m_stack.back().anchor;
    const std::uint32_t id = m_stack.back().id;
    m_stack.pop_back();
    finish(std::move(n), anchor, id);
  }

  // The anchored mapping or list of frame `id`, where it is now, or nullptr. Follows the places
  // up to a container still open (or set aside), then walks back down by the slots.
  const Node* resolve(std::uint32_t id) const {
    std::vector<std::uint32_t> slots;
    while (m_places[id].parent < k_none) {
      slots.push_back(m_places[id].slot);
      id = m_places[id].parent;
    }
    const Place& top = m_places[id];
    const Node* n = top.parent == k_open    ? &m_stack[top.slot].node
                    : top.parent == k_aside ? &m_aside[top.slot]
                                            : nullptr;
    for (auto it = slots.rbegin(); n && it != slots.rend(); ++it)
      n = n->is_seq() ? &n->items[*it] : &n->entries[*it].value;
    return n;
  }

  // The node `n` (of frame `id`, or k_none for a scalar or an alias's copy) is complete.
  void finish(Node&& n, YAML::anchor_t anchor, std::uint32_t id) {
    if (n.kind != Node::Kind::Seq && n.kind != Node::Kind::Map) bump(1);
    if (anchor != 0) {
      if (id == k_none)
        m_scalar_anchors[anchor] = n;
      else
        m_anchors[anchor] = id;
    }
    // Records where a container went; one the tree drops is kept aside if an anchor may be in it.
    auto place = [&](std::uint32_t parent, std::size_t slot) {
      if (id != k_none) m_places[id] = {parent, static_cast<std::uint32_t>(slot)};
    };
    auto set_aside = [&] {
      if (id == k_none) return;
      place(k_aside, m_aside.size());
      m_aside.push_back(std::move(n));
    };
    if (m_stack.empty()) {
      place(k_root, 0);
      m_root = std::move(n);
      m_has_root = true;
      return;
    }
    Frame& top = m_stack.back();
    if (top.node.kind == Node::Kind::Seq) {
      place(top.id, top.node.items.size());
      top.node.items.push_back(std::move(n));
      return;
    }
    if (!top.have_key) {
      top.have_key = true;
      top.key_loc = n.loc;
      top.key_bad = !(n.kind == Node::Kind::Scalar || n.kind == Node::Kind::Null);
      top.key_merge = n.value == "<<" && !n.quoted;
      top.key = std::move(n.value);
      if (top.key_bad) {
        top.node.complex_key = true;
        if (m_held)
          m_held->complex_keys.push_back(n.loc);
        else
          report_complex_keys({n.loc}, m_file, m_diags);
      }
      set_aside();
      return;
    }
    top.have_key = false;
    if (top.key_bad) {
      set_aside();
      return;
    }
    if (top.key_merge) {
      merge(top, n);
      set_aside();
      return;
    }
    if (Entry* first = find_entry(top, top.key)) {
      if (top.merged.erase(top.key)) { // a key written here wins over a merged one
        first->key_loc = top.key_loc;
        place(top.id, static_cast<std::size_t>(first - top.node.entries.data()));
        first->value = std::move(n);
        return;
      }
      hold({m_file, top.key_loc, Severity::Error, "yaml-duplicate-key",
            "duplicate key '" + top.key + "' (first defined at line " +
                std::to_string(first->key_loc.line) + ")",
            "YAML keeps only one of them; remove or rename one"});
      set_aside();
      return;
    }
    place(top.id, top.node.entries.size());
    top.node.entries.push_back(Entry{std::move(top.key), top.key_loc, std::move(n)});
  }

  // A YAML merge key (`<<: *defaults`, `<<: [*a, *b]`): the mapping's own keys win, and earlier
  // sources win over later ones. Merged entries keep the positions of the anchored mapping.
  void merge(Frame& top, const Node& src) {
    if (src.kind == Node::Kind::Seq) {
      for (const auto& item : src.items)
        merge(top, item);
      return;
    }
    if (src.kind != Node::Kind::Map) {
      hold({m_file, src.loc, Severity::Error, "yaml-syntax",
            "a merge key (<<) takes a mapping or a list of mappings",
            "e.g. `<<: *defaults` where `defaults` anchors a mapping"});
      return;
    }
    for (const auto& e : src.entries) {
      if (find_entry(top, e.key)) continue;
      // A copy, so counted: `<<: *a` in many mappings makes a node of each merged one.
      bump(count_nodes(e.value));
      top.merged.insert(e.key);
      top.node.entries.push_back(e);
    }
  }

  std::string_view m_text;
  Columns m_columns;
  const std::string& m_file;
  int m_line_offset;
  const YamlLimits& m_limits;
  DiagBag& m_diags;
  HeldFindings* m_held; // null: reported at once
  std::vector<Frame> m_stack;
  // Anchors are not copied where they are defined: nested anchors copied one copy per level, a
  // depth × size blow-up that no node count saw. A scalar is kept as it is; a mapping or list is
  // found, when an alias asks for it, by its frame's place in the tree being built.
  std::unordered_map<YAML::anchor_t, Node> m_scalar_anchors;
  std::unordered_map<YAML::anchor_t, std::uint32_t> m_anchors; // → frame id
  std::vector<Place> m_places;                                 // by frame id
  std::vector<Node> m_aside; // anchored containers the tree dropped (a merge source, a bad key)
  std::size_t m_count = 0;
  Node m_root;
  bool m_has_root = false;
  bool m_aliased = false; // an alias was expanded: a node limit hit is then likely a bomb
};

// Whether a line (without its newline) opens a block scalar: it ends, before any comment, with
// `|` or `>` and optional chomping and indentation indicators ("run: |", "- >-", "key: |2+").
bool opens_block_scalar(std::string_view line) {
  if (auto hash = line.find(" #"); hash != std::string_view::npos) line = line.substr(0, hash);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
    line.remove_suffix(1);
  std::size_t n = 0;
  while (n < 2 && !line.empty() &&
         (line.back() == '+' || line.back() == '-' || (line.back() >= '1' && line.back() <= '9'))) {
    line.remove_suffix(1);
    ++n;
  }
  if (line.empty() || (line.back() != '|' && line.back() != '>')) return false;
  line.remove_suffix(1);
  return line.empty() || line.back() == ' ' || line.back() == '\t' || line.back() == '-' ||
         line.back() == ':';
}

// Tabs are forbidden in YAML indentation; yaml-cpp's own message for them is cryptic. Inside a
// block scalar, a tab after the block's indentation is content (a Makefile recipe in a runbook).
bool check_tabs(std::string_view text, const std::string& file, int line_offset, DiagBag& diags) {
  bool found = false;
  int line = 1;
  std::size_t i = 0;
  int block_parent = -1; // indentation of the line that opened the current block scalar, or -1
  while (i < text.size()) {
    const std::size_t nl_at = text.find('\n', i);
    const std::string_view this_line =
        text.substr(i, nl_at == std::string_view::npos ? std::string_view::npos : nl_at - i);
    int spaces = 0;
    while (static_cast<std::size_t>(spaces) < this_line.size() && this_line[spaces] == ' ')
      ++spaces;
    const bool blank = this_line.find_first_not_of(" \t\r") == std::string_view::npos;
    if (block_parent >= 0 && (blank || spaces > block_parent)) {
      if (nl_at == std::string_view::npos) break;
      i = nl_at + 1;
      ++line;
      continue;
    }
    block_parent = opens_block_scalar(this_line) ? spaces : -1;
    std::size_t col = 0;
    while (i + col < text.size() && (text[i + col] == ' ' || text[i + col] == '\t')) {
      if (text[i + col] == '\t') {
        diags.error(file, {line + line_offset, static_cast<int>(col) + 1}, "yaml-tab",
                    "tab character in indentation", "YAML indents with spaces only");
        found = true;
        break;
      }
      ++col;
    }
    std::size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) break;
    i = nl + 1;
    ++line;
  }
  return found;
}

// A lexical walk of YAML text, as good as a glance at it: for a file that failed to parse, where
// the parser's own position is not where the author's mistake is. It follows quotes (a string may
// span lines), comments, block scalars and flow collections, and tells `on` of each character
// where a node starts (a line of its own, a value after `key: `, a list item, an item of a flow
// collection) and of each flow collection opened or closed, with its byte offset. `on` returns
// false to stop the walk.
enum class LexEvent { NodeStart, FlowOpen, FlowClose };

template <class On> void scan_yaml_lexically(std::string_view text, On&& on) {
  char quote = 0;        // the quote of a string still open at the end of a line
  int flow = 0;          // flow collections (`[`, `{`) open
  int block_parent = -1; // indentation of the line that opened a block scalar, or -1
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t line_start = pos;
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (quote == 0 && block_parent >= 0 && (blank || static_cast<int>(indent) > block_parent))
      continue;
    block_parent = -1;
    bool start = true; // a node may start here
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      const char next = i + 1 < line.size() ? line[i + 1] : ' ';
      if (quote != 0) {
        if (quote == '"' && c == '\\') {
          ++i; // an escape: the next character is the escaped one
        } else if (c == quote && quote == '\'' && next == '\'') {
          ++i; // '' in single quotes is a quote, not the end
        } else if (c == quote) {
          quote = 0;
          start = false;
        }
        continue;
      }
      if (c == ' ' || c == '\t') continue;
      if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) break;
      if (flow > 0 && (c == ']' || c == '}')) {
        --flow;
        start = false;
        if (!on(LexEvent::FlowClose, line_start + i, c, next)) return;
        continue;
      }
      if (flow > 0 && c == ',') {
        start = true;
        continue;
      }
      const bool indicator = next == ' ' || next == '\t';
      if (!start) {
        // `key: value`: a value starts after the colon (in a flow collection, also before `,`).
        start =
            c == ':' && (indicator || (flow > 0 && (next == ',' || next == ']' || next == '}')));
        continue;
      }
      if (!on(LexEvent::NodeStart, line_start + i, c, next)) return;
      if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' || c == '{') {
        ++flow;
        if (!on(LexEvent::FlowOpen, line_start + i, c, next)) return;
      } else if ((c == '-' || c == '?' || c == ':') && indicator) {
        // a list item, an explicit key or a value: a node starts after it
      } else if (c == '&' || c == '!') {
        // an anchor or a tag: the node starts after it
        while (i + 1 < line.size() && line[i + 1] != ' ' && line[i + 1] != '\t')
          ++i;
      } else {
        start = false; // a plain scalar or an alias
      }
    }
    if (quote == 0 && opens_block_scalar(line)) block_parent = static_cast<int>(indent);
  }
}

// Whether `text` holds `{{` where a node starts: there a template's expression is no YAML, or
// YAML of another shape, until the template is rendered. `{{` inside a quoted string, a block
// scalar, a comment or further into a plain scalar is text to YAML: Alertmanager and Prometheus
// files hold their own templates so, and a syntax error in such a file has another cause, which
// the parser's hint names. Returns the second character of the first such tag: `{` for an
// expression, `%` or `#` for a Jinja statement or comment (`{%- if … %}` in a Backstage skeleton),
// '\0' for none.
char template_tag_in(std::string_view text) {
  char found = '\0';
  scan_yaml_lexically(text, [&](LexEvent e, std::size_t, char c, char next) {
    if (e == LexEvent::NodeStart && c == '{' && (next == '{' || next == '%' || next == '#'))
      found = next;
    return found == '\0';
  });
  return found;
}

// The byte offset of the `open` (`[` or `{`) still unclosed at byte `end` of `text`, the
// innermost; npos when the walk finds none. yaml-cpp reports a flow collection never closed where
// it gave up, often the next line or the end of the file; the collection is where it opened.
std::size_t unclosed_flow_at(std::string_view text, std::size_t end, char open) {
  std::vector<std::pair<std::size_t, char>> opened;
  scan_yaml_lexically(text, [&](LexEvent e, std::size_t at, char c, char) {
    if (at >= end) return false;
    if (e == LexEvent::FlowOpen) opened.emplace_back(at, c);
    if (e == LexEvent::FlowClose && !opened.empty()) opened.pop_back();
    return true;
  });
  return !opened.empty() && opened.back().second == open ? opened.back().first
                                                         : std::string_view::npos;
}

// The position of byte `offset` of `text` (lines from `line_offset`, columns in characters).
Loc loc_of_offset(std::string_view text, std::size_t offset, int line_offset) {
  const std::string_view before = text.substr(0, std::min(offset, text.size()));
  const std::size_t line_start =
      before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  int col = 1;
  for (std::size_t i = line_start; i < before.size(); ++i)
    if ((static_cast<unsigned char>(before[i]) & 0xC0) != 0x80) ++col;
  return {static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1 + line_offset, col};
}

std::string yaml_error_text(const std::string& message) {
  // yaml-cpp names a bad \u escape by its code point in decimal; the escape is written in hex.
  const std::string_view unicode = YAML::ErrorMsg::INVALID_UNICODE;
  if (message.rfind(unicode, 0) == 0) {
    char* end = nullptr;
    const unsigned long cp = std::strtoul(message.c_str() + unicode.size(), &end, 10);
    if (end && *end == '\0' && end != message.c_str() + unicode.size()) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "U+%04lX is not a character", cp);
      return "invalid unicode escape: " + std::string(buf) +
             (cp >= 0xD800 && cp <= 0xDFFF ? " (half of a UTF-16 surrogate pair)" : "");
    }
  }
  return message;
}

std::string yaml_error_hint(const std::string& message) {
  // Said of the parser's own messages (yaml-cpp's ErrorMsg), most common first.
  struct Hint {
    const char* message;
    const char* hint;
    bool prefix;
  };
  static const Hint k_hints[] = {
      {YAML::ErrorMsg::END_OF_SEQ_FLOW,
       "close the list's `[` with `]` (or quote a value that "
       "holds a bracket or comma)",
       false},
      {YAML::ErrorMsg::END_OF_MAP_FLOW,
       "close the mapping's `{` with `}` (or quote a value that "
       "holds a brace or comma)",
       false},
      {YAML::ErrorMsg::END_OF_MAP,
       "a key here is indented unlike the keys beside it: line the "
       "keys of one mapping up",
       false},
      {YAML::ErrorMsg::END_OF_SEQ, "the items of a list (`- …`) line up under each other", false},
      {YAML::ErrorMsg::MAP_VALUE,
       "a value holding `: ` needs quotes, or this line is indented "
       "unlike its neighbours",
       false},
      {YAML::ErrorMsg::BLOCK_ENTRY,
       "a list item (`- …`) cannot follow a value on the same level: "
       "check the indentation",
       false},
      {YAML::ErrorMsg::UNKNOWN_ANCHOR,
       "an alias (*name) needs its anchor (&name) earlier in the "
       "same document: anchors do not carry across `---`",
       false},
      {YAML::ErrorMsg::INVALID_UNICODE,
       "write the character itself; one beyond U+FFFF is escaped with \\U and eight hex digits "
       "(\\U0001F600), not a pair of \\u escapes",
       true},
      {YAML::ErrorMsg::INVALID_ESCAPE,
       "in double quotes a backslash starts an escape: write \\\\ "
       "for a backslash, or use single quotes",
       true},
      {YAML::ErrorMsg::TAB_IN_INDENTATION, "indent with spaces; YAML does not allow tabs there",
       false},
      {YAML::ErrorMsg::DOC_IN_SCALAR,
       "a line `---` or `...` inside a value ends the document: "
       "indent it or quote the value",
       false},
      {YAML::ErrorMsg::UNKNOWN_TOKEN,
       "a character YAML reserves starts this value (`@`, a "
       "backquote, `%`): quote the value",
       false},
  };
  for (const Hint& h : k_hints)
    if (h.prefix ? message.rfind(h.message, 0) == 0 : message == h.message) return h.hint;
  return "check the indentation, quotes and brackets at this line and the one before it";
}

} // namespace

bool looks_like_yaml11_bool(std::string_view plain) {
  // Asked of every plain string scalar: the longest candidate has three letters.
  if (plain.size() > 3) return false;
  char s[4] = {};
  for (std::size_t i = 0; i < plain.size(); ++i)
    s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(plain[i])));
  const std::string_view v(s, plain.size());
  return v == "on" || v == "off" || v == "yes" || v == "no" || v == "y" || v == "n";
}

void report_held_findings(const HeldFindings& held, const std::string& file, DiagBag& diags) {
  report_complex_keys(held.complex_keys, file, diags);
  for (const Diagnostic& d : held.findings)
    diags.add(d);
}

void read_yaml(std::string_view text, const std::string& file, int line_offset,
               const YamlLimits& limits, DiagBag& diags,
               const std::function<void(Node&&, int)>& on_doc, HeldFindings* held) {
  // yaml-cpp reads a NUL as a bad escape; say what it is, where it is.
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    const std::string_view before = text.substr(0, nul);
    const int line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    const auto last_nl = before.rfind('\n');
    const int col = char_column(before.substr(last_nl == std::string_view::npos ? 0 : last_nl + 1));
    diags.error(file, {line + line_offset, col}, "file-encoding",
                "NUL byte (\\0) in the text; YAML cannot contain it", "remove the byte");
    return;
  }
  if (check_tabs(text, file, line_offset, diags)) return;
  // The parser reads the text where it is, through a stream buffer over it: no copy.
  struct ViewBuf : std::streambuf {
    explicit ViewBuf(std::string_view t) {
      char* p = const_cast<char*>(t.data()); // read only: the get area is never written
      setg(p, p, p + t.size());
    }
  } buf(text);
  std::istream in(&buf);
  YAML::Parser parser(in);
  TreeBuilder builder(text, file, line_offset, limits, diags, held);
  int index = 0;
  try {
    while (parser.HandleNextDocument(builder)) {
      if (builder.has_root()) on_doc(builder.take_root(), index);
      ++index;
    }
  } catch (const TooManyNodes&) {
    // Only a file that expanded aliases can be a bomb; a merely huge file is just huge.
    if (builder.aliased())
      diags.error(file, {0, 0}, "yaml-too-large",
                  "more than " + std::to_string(limits.max_nodes) +
                      " YAML nodes after expanding aliases (an alias bomb?)",
                  "limits.max_yaml_nodes in nines.yaml raises the cap");
    else
      diags.error(file, {0, 0}, "yaml-too-large",
                  "more than " + std::to_string(limits.max_nodes) + " YAML nodes in one file",
                  "split the file, or raise limits.max_yaml_nodes in nines.yaml");
  } catch (const UnclosedQuote& e) {
    diags.error(file, e.at, "yaml-syntax",
                "invalid YAML: quoted string never closed (it runs to the end of the YAML)",
                "add the closing quote");
  } catch (const BadTag& e) {
    diags.error(file, e.at, "yaml-syntax", "invalid YAML: " + e.message,
                "write the value the tag names, or remove the tag");
  } catch (const YAML::DeepRecursion& e) {
    diags.error(file, builder.too_deep_at(e.mark), "yaml-syntax",
                "YAML nested deeper than " + std::to_string(e.depth()) + " levels",
                "flatten the document");
  } catch (const YAML::Exception& e) {
    Loc l = e.mark.is_null() ? Loc{} : builder.loc(e.mark);
    // A `[` or `{` never closed: at the bracket, not where the parser gave up looking for it.
    const bool seq = e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW;
    if ((seq || e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW) && !e.mark.is_null() && e.mark.pos >= 0) {
      const std::size_t at =
          unclosed_flow_at(text, static_cast<std::size_t>(e.mark.pos), seq ? '[' : '{');
      if (at != std::string_view::npos) l = loc_of_offset(text, at, line_offset);
    }
    // A bad escape (`"\q"`, `"\uZZZZ"`): at its backslash; the parser's mark is past the escape.
    const std::string_view message = e.msg;
    if ((message.starts_with(YAML::ErrorMsg::INVALID_ESCAPE) ||
         message.starts_with(YAML::ErrorMsg::INVALID_UNICODE)) &&
        !e.mark.is_null() && e.mark.pos > 0) {
      const std::size_t past = std::min(static_cast<std::size_t>(e.mark.pos), text.size());
      const std::size_t slash = text.rfind('\\', past - 1);
      if (slash != std::string_view::npos && past - slash <= 12 &&
          text.substr(slash, past - slash).find('\n') == std::string_view::npos)
        l = loc_of_offset(text, slash, line_offset);
    }
    // Helm and Jinja templates become YAML only once rendered; `{{ }}` only inside strings (an
    // Alertmanager file's) is text, and the parser's hint then names the cause.
    const char tag = template_tag_in(text);
    // Text after a quoted value's closing quote (`"abc", more`) ends the mapping early: the
    // parser's message speaks of the mapping, the mistake is the text after the quote.
    std::string hint = yaml_error_hint(e.msg);
    if (e.msg == YAML::ErrorMsg::END_OF_MAP && !e.mark.is_null() && e.mark.pos > 0 &&
        static_cast<std::size_t>(e.mark.pos) < text.size()) {
      const std::size_t at = static_cast<std::size_t>(e.mark.pos);
      std::size_t i = at;
      while (i > 0 && text[i - 1] == ' ')
        --i;
      if (i > 0 && (text[i - 1] == '"' || text[i - 1] == '\'') && text[at] != '\n' &&
          text[at] != '\r' && text[at] != '#')
        hint = "text follows a quoted value's closing quote: quote the whole value, or remove "
               "what follows the quote";
    }
    diags.error(file, l, "yaml-syntax", "invalid YAML: " + yaml_error_text(e.msg),
                tag == '\0' ? hint
                : tag == '{'
                    ? "the file holds {{ }}: if it is a template (Helm, Jinja), leave it out of "
                      "the walk with nines.yaml exclude"
                    : std::string("the file holds {") + tag + " " + tag +
                          "}: if it is a template (Jinja, a Backstage skeleton), leave it out of "
                          "the walk with nines.yaml exclude");
  }
}

Node parse_yaml_string(std::string_view text, DiagBag& diags, const std::string& file) {
  Node out;
  bool got = false;
  read_yaml(text, file, 0, YamlLimits{}, diags, [&](Node&& n, int) {
    if (!got) out = std::move(n);
    got = true;
  });
  return out;
}

} // namespace nines
