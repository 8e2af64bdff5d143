#include "write/repo_edit.hpp"

#include "load/loader.hpp"
#include "load/yaml_reader.hpp"
#include "model/kinds.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace nines {
namespace {

struct Lines {
  std::vector<std::string> lines; // without their "\n" (a CRLF file's keep their "\r")
  bool trailing_newline = true;
  // The file ends its lines with CRLF (its first line does): lines the edit adds get "\r" too, so
  // the file keeps one line ending.
  bool crlf = false;

  explicit Lines(const std::string& text) {
    std::string cur;
    for (char c : text) {
      if (c == '\n') {
        lines.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    trailing_newline = cur.empty();
    if (!cur.empty()) lines.push_back(cur);
    crlf = !lines.empty() && !lines.front().empty() && lines.front().back() == '\r' &&
           (lines.size() > 1 || trailing_newline);
  }

  std::string join() const {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out += lines[i];
      if (i + 1 < lines.size() || trailing_newline) {
        if (crlf && (lines[i].empty() || lines[i].back() != '\r')) out += '\r';
        out += '\n';
      }
    }
    return out;
  }
};

std::size_t indent_of(const std::string& line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ')
    ++i;
  return i;
}

bool blank_or_comment(const std::string& line) {
  std::size_t i = indent_of(line);
  return i == line.size() || line[i] == '#';
}

bool doc_marker(const std::string& line) {
  return line.rfind("---", 0) == 0 || line.rfind("...", 0) == 0;
}

// The index one past the last line that belongs to a node whose key sits at `key_line` (0-based)
// with indentation `key_indent`: the value runs until a line indented no deeper, a document
// marker or the end. Trailing blank and comment lines are left outside.
std::size_t block_end(const Lines& l, std::size_t key_line, std::size_t key_indent) {
  std::size_t last = key_line;
  for (std::size_t i = key_line + 1; i < l.lines.size(); ++i) {
    const std::string& line = l.lines[i];
    if (doc_marker(line)) break;
    if (blank_or_comment(line)) continue;
    if (indent_of(line) <= key_indent) break;
    last = i;
  }
  return last + 1;
}

std::vector<std::string> indented(const std::string& yaml, std::size_t indent) {
  std::vector<std::string> out;
  std::istringstream in(yaml);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line.empty() ? line : std::string(indent, ' ') + line);
  return out;
}

struct Target {
  const Node* body = nullptr;
  std::size_t body_indent = 0;
  std::size_t body_first_line = 0; // 0-based line of the kind key
};

// The documents of `text` (YAML, or a Markdown file's front matter). Node lines are 1-based over
// the whole file.
std::vector<Node> parse_docs(const std::string& text) {
  std::string yaml, body;
  int offset = 0, body_line = 0;
  if (split_front_matter(text, yaml, body, body_line))
    offset = 1;
  else
    yaml = text;
  std::vector<Node> docs;
  DiagBag diags;
  read_yaml(yaml, "edit", offset, YamlLimits{}, diags,
            [&](Node&& n, int) { docs.push_back(std::move(n)); });
  if (diags.has_errors()) throw EditError("the file is not valid YAML; fix it first");
  return docs;
}

// The index in `docs` of the document to edit, or -1.
long find_doc(const std::vector<Node>& docs, const std::string& kind, const std::string& match_key,
              const std::string& match_value) {
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const Node& d = docs[i];
    const Entry* e = d.is_map() ? d.entry(kind) : nullptr;
    if (!e || !e->value.is_map()) continue;
    if (!match_key.empty()) {
      const Node* v = e->value.get(match_key);
      if (!v || v->value != match_value) continue;
    }
    return static_cast<long>(i);
  }
  return -1;
}

// Finds the document to edit in `docs`. A document in flow style is refused: its fields share
// lines with each other (and the kind key), so replacing or adding lines would cut into them.
void find_target(const std::vector<Node>& docs, const std::string& kind,
                 const std::string& match_key, const std::string& match_value, Target& t) {
  const long at = find_doc(docs, kind, match_key, match_value);
  if (at < 0)
    throw EditError("no " + kind + " document" +
                    (match_key.empty() ? std::string() : " with " + match_key + " " + match_value) +
                    " in the file");
  const Node& d = docs[static_cast<std::size_t>(at)];
  const Entry* e = d.entry(kind);
  if (d.flow || e->value.flow)
    throw EditError("the " + kind + " is written in flow style ({...}); write it as a block " +
                        "mapping, one field a line, so it can be edited",
                    d.flow ? d.loc : e->value.loc);
  t.body = &e->value;
  t.body_first_line = static_cast<std::size_t>(e->key_loc.line - 1);
  t.body_indent = e->value.entries.empty()
                      ? static_cast<std::size_t>(e->key_loc.col - 1) + 2
                      : static_cast<std::size_t>(e->value.entries.front().key_loc.col - 1);
}

bool same_node(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.value != b.value || a.quoted != b.quoted ||
      a.items.size() != b.items.size() || a.entries.size() != b.entries.size())
    return false;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (!same_node(a.items[i], b.items[i])) return false;
  for (std::size_t i = 0; i < a.entries.size(); ++i)
    if (a.entries[i].key != b.entries[i].key || !same_node(a.entries[i].value, b.entries[i].value))
      return false;
  return true;
}

// The edit's safety net: `after` must read as `before` with only `key` of the edited document
// changed (and, for an append, its list grown by one item at the end). Anything else means the
// edit by lines cut into something it should not have; the text is thrown away.
void check_kept(const std::vector<Node>& before, const std::string& after, const std::string& kind,
                const std::string& match_key, const std::string& match_value,
                const std::string& key, bool append) {
  const std::string lost = "the edit would not keep the rest of the file as it was";
  std::vector<Node> docs;
  try {
    docs = parse_docs(after);
  } catch (const EditError&) {
    throw EditError(lost + " (the result is not valid YAML)");
  }
  const long was = find_doc(before, kind, match_key, match_value);
  const long now = find_doc(docs, kind, match_key, match_value);
  if (docs.size() != before.size() || was != now || now < 0)
    throw EditError(lost + " (a document would be lost)");
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (static_cast<long>(i) == now) continue;
    if (!same_node(before[i], docs[i])) throw EditError(lost + " (another document would change)");
  }
  const Node& old_doc = before[static_cast<std::size_t>(was)];
  const Node& new_doc = docs[static_cast<std::size_t>(now)];
  // The document's other top-level keys, then the body's fields but `key`, in order.
  auto without = [](const Node& map, const std::string& skip) {
    std::vector<const Entry*> out;
    for (const auto& e : map.entries)
      if (e.key != skip) out.push_back(&e);
    return out;
  };
  auto same_entries = [&](const Node& a, const Node& b, const std::string& skip) {
    auto x = without(a, skip), y = without(b, skip);
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i]->key != y[i]->key || !same_node(x[i]->value, y[i]->value)) return false;
    return true;
  };
  if (!same_entries(old_doc, new_doc, kind))
    throw EditError(lost + " (the document's other keys would change)");
  const Node& old_body = *old_doc.get(kind);
  const Node& new_body = *new_doc.get(kind);
  if (!same_entries(old_body, new_body, key))
    throw EditError(lost + " (the " + kind + "'s other fields would change)");
  const Node* value = new_body.get(key);
  if (!value) throw EditError(lost + " ('" + key + "' would be missing)");
  if (append) {
    const Node* old_list = old_body.get(key);
    const std::size_t had = old_list && old_list->is_seq() ? old_list->items.size() : 0;
    if (!value->is_seq() || value->items.size() != had + 1)
      throw EditError(lost + " ('" + key + "' would not have one more item)");
    for (std::size_t i = 0; i < had; ++i)
      if (!same_node(old_list->items[i], value->items[i]))
        throw EditError(lost + " (an item of '" + key + "' would change)");
  }
}

// Where new keys go: after the last line of the document's body.
std::size_t body_end(const Lines& l, const Target& t) {
  return block_end(l, t.body_first_line, t.body_indent >= 2 ? t.body_indent - 2 : 0);
}

} // namespace

namespace {

void emit(YAML::Emitter& out, const nlohmann::json& v) {
  if (v.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, x] : v.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, x);
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& x : v)
      emit(out, x);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    out << YAML::DoubleQuoted << v.get<std::string>();
  } else if (v.is_null()) {
    out << YAML::Null;
  } else if (v.is_boolean()) {
    out << v.get<bool>();
  } else {
    out << v.dump(); // nlohmann's shortest round-trip number
  }
}

} // namespace

std::string json_to_yaml(const nlohmann::json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetNullFormat(YAML::LowerNull);
  out.SetBoolFormat(YAML::TrueFalseBool);
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

// A YAML double-quoted scalar. A JSON string is one, and its escapes (\n, \", \u0001) are
// YAML's; JSON leaves DEL and the C1 controls raw, which YAML does not allow unescaped, so those
// are escaped too (\u007F, \u0085): any YAML 1.2 parser reads `s` back.
std::string yaml_double_quoted(const std::string& s) {
  const std::string json = nlohmann::json(s).dump();
  std::string out;
  out.reserve(json.size());
  auto hex = [&](unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04X", v);
    out += buf;
  };
  for (std::size_t i = 0; i < json.size(); ++i) {
    const auto c = static_cast<unsigned char>(json[i]);
    const auto next = i + 1 < json.size() ? static_cast<unsigned char>(json[i + 1]) : 0u;
    if (c == 0x7F)
      hex(c);
    else if (c == 0xC2 && next >= 0x80 && next <= 0x9F)
      hex(static_cast<unsigned char>(json[++i])); // U+0080–U+009F
    else
      out += static_cast<char>(c);
  }
  return out;
}

std::string yaml_quote(const std::string& s) {
  // Plain is used when it reads back the same and holds no control character; otherwise a
  // double-quoted scalar with escapes.
  bool control = false;
  for (std::size_t i = 0; i < s.size() && !control; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0u;
    control = c < 0x20 || c == 0x7F || (c == 0xC2 && next >= 0x80 && next <= 0x9F);
  }
  bool plain = !control && !s.empty() &&
               s.find_first_of(":#{}[],&*!|>'\"%@`\n\t") == std::string::npos && s.front() != ' ' &&
               s.back() != ' ' && s.front() != '-' && s.front() != '?';
  if (plain) {
    DiagBag diags;
    Node n = parse_yaml_string("v: " + s, diags);
    const Node* v = n.get("v");
    plain = !diags.has_errors() && v && v->is_scalar() && v->value == s;
    // Numbers, booleans and dates must stay strings.
    static const char* k_risky = "0123456789.+-";
    if (plain && std::string(k_risky).find(s.front()) != std::string::npos) plain = false;
    if (plain &&
        (s == "true" || s == "false" || s == "null" || s == "~" || looks_like_yaml11_bool(s)))
      plain = false;
  }
  return plain ? s : yaml_double_quoted(s);
}

std::string append_list_item(const std::string& text, const std::string& kind,
                             const std::string& match_key, const std::string& match_value,
                             const std::string& list_key, const std::string& item_yaml) {
  const std::vector<Node> docs = parse_docs(text);
  Target t;
  find_target(docs, kind, match_key, match_value, t);
  Lines l(text);
  const Entry* list = t.body->entry(list_key);
  auto checked = [&](const std::string& out) {
    check_kept(docs, out, kind, match_key, match_value, list_key, true);
    return out;
  };
  std::vector<std::string> item = indented(item_yaml, 0);
  // The item's lines: its dash at column `dash`, its content `gap` columns further (`- ` is 2).
  auto dashed = [&](std::size_t dash, std::size_t gap = 2) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < item.size(); ++i)
      out.push_back(i == 0 ? std::string(dash, ' ') + "-" + std::string(gap - 1, ' ') + item[i]
                           : std::string(dash + gap, ' ') + item[i]);
    return out;
  };
  if (list && list->value.is_seq() && !list->value.items.empty()) {
    const Node& first = list->value.items.front();
    if (list->value.flow || first.loc.line == list->key_loc.line)
      throw EditError("'" + list_key + "' is a flow list; write it as a block list to append",
                      list->value.loc);
    // The new item is laid out like the first one: its dash where that one's is (at the key's
    // indent in a compact list, deeper in an indented one) and as many spaces after it
    // (`-   name:` keeps three).
    const std::size_t content =
        first.loc.col >= 1 ? static_cast<std::size_t>(first.loc.col - 1) : 0;
    std::size_t dash = content >= 2 ? content - 2 : 0, gap = 2;
    const auto first_at = static_cast<std::size_t>(std::max(first.loc.line, 1) - 1);
    const std::string first_line = first_at < l.lines.size() ? l.lines[first_at] : std::string();
    std::size_t at = std::min(content, first_line.size());
    while (at > 0 && first_line[at - 1] == ' ')
      --at;
    if (at > 0 && first_line[at - 1] == '-') {
      dash = at - 1;
      gap = content - dash;
    }
    // The list ends where its last item does: at the first line indented no deeper than the
    // dashes. (Not the key's block: a compact list's items sit at the key's own indent.)
    const auto last_line = static_cast<std::size_t>(list->value.items.back().loc.line - 1);
    std::size_t end = block_end(l, last_line, dash);
    auto lines = dashed(dash, gap);
    l.lines.insert(l.lines.begin() + static_cast<long>(end), lines.begin(), lines.end());
    return checked(l.join());
  }
  if (list) {
    // An empty list (`signoffs: []`, `signoffs:` or `signoffs: null`) becomes a block list with
    // one item. Only the key's own line is rewritten, and only when it holds nothing else: a
    // comment after the value stays.
    const std::size_t key_line = static_cast<std::size_t>(list->key_loc.line - 1);
    const std::size_t key_indent = static_cast<std::size_t>(list->key_loc.col - 1);
    const std::string& line = l.lines[key_line];
    const std::string cr = !line.empty() && line.back() == '\r' ? "\r" : "";
    const std::string bare = line.substr(0, line.size() - cr.size());
    const std::string head = std::string(key_indent, ' ') + list_key + ":";
    std::string value, comment;
    if (bare.rfind(head, 0) == 0) {
      value = bare.substr(head.size());
      if (auto hash = value.find(" #"); hash != std::string::npos) {
        while (hash > 0 && value[hash - 1] == ' ')
          --hash;
        comment = value.substr(hash);
        value.erase(hash);
      }
      value.erase(0, value.find_first_not_of(' '));
      value.erase(value.find_last_not_of(' ') + 1);
    } else {
      value = "?";
    }
    const bool on_key_line = list->value.is_null() || list->value.loc.line == list->key_loc.line;
    if (!on_key_line || !(value.empty() || value == "[]" || value == "~" || value == "null"))
      throw EditError("cannot rewrite '" + list_key + "' as written; write it as `" + list_key +
                          ": []` or as a block list to append",
                      list->key_loc);
    std::vector<std::string> lines = {head + comment + cr};
    auto items = dashed(key_indent + 2);
    lines.insert(lines.end(), items.begin(), items.end());
    l.lines.erase(l.lines.begin() + static_cast<long>(key_line));
    l.lines.insert(l.lines.begin() + static_cast<long>(key_line), lines.begin(), lines.end());
    return checked(l.join());
  }
  std::size_t end = body_end(l, t);
  std::vector<std::string> lines = {std::string(t.body_indent, ' ') + list_key + ":"};
  auto items = dashed(t.body_indent + 2);
  lines.insert(lines.end(), items.begin(), items.end());
  l.lines.insert(l.lines.begin() + static_cast<long>(end), lines.begin(), lines.end());
  return checked(l.join());
}

std::string set_field(const std::string& text, const std::string& kind,
                      const std::string& match_key, const std::string& match_value,
                      const std::string& key, const std::string& value_yaml) {
  const std::vector<Node> docs = parse_docs(text);
  Target t;
  find_target(docs, kind, match_key, match_value, t);
  Lines l(text);
  std::vector<std::string> value = indented(value_yaml, 0);
  std::vector<std::string> lines;
  std::size_t indent = t.body_indent;
  if (value.size() == 1 && value[0].find(": ") == std::string::npos &&
      value[0].rfind("- ", 0) != 0) {
    lines.push_back(std::string(indent, ' ') + key + ": " + value[0]);
  } else {
    lines.push_back(std::string(indent, ' ') + key + ":");
    for (const auto& v : value)
      lines.push_back(v.empty() ? v : std::string(indent + 2, ' ') + v);
  }
  const Entry* existing = t.body->entry(key);
  std::size_t at;
  if (existing) {
    at = static_cast<std::size_t>(existing->key_loc.line - 1);
    std::size_t end = block_end(l, at, static_cast<std::size_t>(existing->key_loc.col - 1));
    l.lines.erase(l.lines.begin() + static_cast<long>(at),
                  l.lines.begin() + static_cast<long>(end));
  } else {
    at = body_end(l, t);
  }
  l.lines.insert(l.lines.begin() + static_cast<long>(at), lines.begin(), lines.end());
  std::string out = l.join();
  check_kept(docs, out, kind, match_key, match_value, key, false);
  return out;
}

std::string edit_error_place(const std::string& file, const EditError& e) {
  if (e.loc.line <= 0) return file;
  return file + ":" + std::to_string(e.loc.line) + ":" + std::to_string(e.loc.col);
}

std::string documents_lost(const Repo& before, const Repo& after, const std::string& file) {
  std::string lost;
  std::apply(
      [&](const auto&... row) {
        auto count = [&](const Repo& repo, const auto& r) {
          std::size_t n = 0;
          for (const auto& d : repo.*(r.docs))
            if (d.meta.file == file) ++n;
          return n;
        };
        auto one = [&](const auto& r) {
          const std::size_t had = count(before, r), has = count(after, r);
          if (has >= had) return;
          if (!lost.empty()) lost += ", ";
          lost += (had - has == 1 ? std::string() : std::to_string(had - has) + " ") +
                  std::string(r.name);
        };
        (one(row), ...);
      },
      k_kinds);
  return lost;
}

} // namespace nines
