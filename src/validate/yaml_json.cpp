#include "validate/yaml_json.hpp"

#include "load/yaml_reader.hpp"
#include "model/core_scalar.hpp"
#include "validate/json_view.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace nines {
using nlohmann::json;

namespace {

// The value of an integer that core_number accepted, as strtoll reads it; nullopt when it
// does not fit a long long (the caller then reads it as a double, as YAML readers do).
std::optional<long long> plain_int(const std::string& s) {
  std::size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
  // Up to 18 digits cannot overflow: add them up rather than call strtoll.
  if (s.size() - i <= 18) {
    long long v = 0;
    for (; i < s.size(); ++i)
      v = v * 10 + (s[i] - '0');
    return s[0] == '-' ? -v : v;
  }
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0) return std::nullopt;
  return v;
}

} // namespace

std::optional<json> resolve_plain(const std::string& s) {
  // Asked of every plain scalar: the words are four or five letters long, or `~`.
  if (s.size() <= 5) {
    if (core_null(s)) return json(nullptr);
    if (bool b = false; core_bool(s, b)) return json(b);
  }
  switch (core_number(s)) {
  case CoreNumber::Int: {
    if (auto v = plain_int(s)) return json(*v);
    return json(std::strtod(s.c_str(), nullptr));
  }
  case CoreNumber::Float: {
    double v = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(v)) return json(v);
    break;
  }
  case CoreNumber::None:
    break;
  }
  return std::nullopt;
}

std::optional<double> plain_number(const std::string& s) {
  switch (core_number(s)) {
  case CoreNumber::Int:
    if (auto v = plain_int(s)) return static_cast<double>(*v);
    return std::strtod(s.c_str(), nullptr);
  case CoreNumber::Float: {
    const double v = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(v)) return v;
    break;
  }
  case CoreNumber::None:
    break;
  }
  return std::nullopt;
}

bool is_placeholder_row(const Node& item) {
  if (item.is_absent()) return true;
  if (!item.is_map()) return false;
  bool placeholder = false, status = false, id = false;
  for (const auto& e : item.entries) {
    const Node& v = e.value;
    if (v.is_absent()) {
      // The templates' placeholder is `""`; a null beside an id (a Sloth plugin's `- id: x`
      // with `config:` left empty) is no template's row.
      placeholder = placeholder || v.kind == Node::Kind::Scalar;
      continue;
    }
    if ((v.is_seq() || v.is_map()) && v.items.empty() && v.entries.empty()) continue;
    if ((e.key == "id" || e.key == "status") && v.is_scalar()) {
      (e.key == "id" ? id : status) = true;
      continue;
    }
    return false;
  }
  // The seed's action item row numbers itself and starts `open` (`id: "AI-001"`, `status:
  // "open"`); a status with no id beside it is a reviewer's (a readiness row's `status: fail`
  // whose `check` is still `""`), and its row is given, so its empty field is reported.
  return placeholder && (id || !status);
}

void drop_placeholder_rows(Node& root) {
  if (root.is_seq()) std::erase_if(root.items, is_placeholder_row);
  for (auto& item : root.items)
    drop_placeholder_rows(item);
  for (auto& e : root.entries)
    drop_placeholder_rows(e.value);
}

namespace {

// `keep_nulls`: a null value stays in its mapping or list (an empty string is still dropped), and
// so do rows of nulls: this is data nines wrote, not a template.
json convert(const Node& n, bool keep_nulls) {
  auto kept = [keep_nulls](const Node& v) {
    return !v.is_absent() || (keep_nulls && v.kind == Node::Kind::Null);
  };
  auto kept_item = [&](const Node& v) { return keep_nulls ? kept(v) : !is_placeholder_row(v); };
  switch (n.kind) {
  case Node::Kind::Null:
    return json(nullptr);
  case Node::Kind::Scalar:
    if (!n.quoted)
      if (auto v = resolve_plain(n.value)) return *v;
    return json(n.value);
  case Node::Kind::Seq: {
    json a = json::array();
    for (const auto& item : n.items)
      if (kept_item(item)) a.push_back(convert(item, keep_nulls));
    return a;
  }
  case Node::Kind::Map: {
    json o = json::object();
    for (const auto& e : n.entries)
      if (kept(e.value)) o[e.key] = convert(e.value, keep_nulls);
    return o;
  }
  }
  return json(nullptr);
}

void collect_yaml11_bools(const Node& n, std::vector<Loc>& out) {
  switch (n.kind) {
  case Node::Kind::Scalar:
    if (!n.quoted && looks_like_yaml11_bool(n.value) && !resolve_plain(n.value))
      out.push_back(n.loc);
    return;
  case Node::Kind::Seq:
    for (const auto& item : n.items)
      if (!is_placeholder_row(item)) collect_yaml11_bools(item, out);
    return;
  case Node::Kind::Map:
    for (const auto& e : n.entries)
      if (!e.value.is_absent()) collect_yaml11_bools(e.value, out);
    return;
  case Node::Kind::Null:
    return;
  }
}

} // namespace

namespace {

// FNV-1a 64 (model/digest.hpp's) fed as nlohmann's serializer writes, or by hand.
class FnvSink : public nlohmann::detail::output_adapter_protocol<char> {
public:
  void write_character(char c) override { add(c); }
  void write_characters(const char* s, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i)
      add(s[i]);
  }
  void add(char c) {
    m_hash ^= static_cast<unsigned char>(c);
    m_hash *= 1099511628211ull;
  }
  void add(std::string_view s) {
    for (char c : s)
      add(c);
  }
  // Adds `"s"` when nlohmann writes `s` as it is (printable ASCII but for `"` and `\\`) and
  // returns true; else adds nothing and returns false, for the serializer to escape it.
  bool add_plain(const std::string& s) {
    const std::uint64_t before = m_hash;
    add('"');
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        m_hash = before;
        return false;
      }
      add(ch);
    }
    add('"');
    return true;
  }
  std::uint64_t hash() const { return m_hash; }

private:
  std::uint64_t m_hash = 14695981039346656037ull;
};

using Serializer = nlohmann::detail::serializer<json>;

// Hashes what `v.dump(-1, ' ', false, replace)` would write (of the converted value, for a
// NodeView). Strings that need escaping and floating-point numbers go through nlohmann's own
// serializer, so they come out the same.
template <class View> void digest_into(const View& v, FnvSink& sink, Serializer& serializer) {
  switch (v.type()) {
  case json::value_t::object: {
    sink.add('{');
    bool first = true;
    v.all_members([&](const std::string& key, const View& value) {
      if (!first) sink.add(',');
      first = false;
      if (!sink.add_plain(key)) serializer.dump(json(key), false, false, 0);
      sink.add(':');
      digest_into(value, sink, serializer);
      return true;
    });
    sink.add('}');
    return;
  }
  case json::value_t::array: {
    sink.add('[');
    bool first = true;
    v.all_items([&](const View& item) {
      if (!first) sink.add(',');
      first = false;
      digest_into(item, sink, serializer);
      return true;
    });
    sink.add(']');
    return;
  }
  case json::value_t::string:
    if (!sink.add_plain(v.string())) serializer.dump(json(v.string()), false, false, 0);
    return;
  case json::value_t::boolean:
    sink.add(v.boolean() ? "true" : "false");
    return;
  case json::value_t::null:
    sink.add("null");
    return;
  case json::value_t::number_integer: {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v.scalar().template get<std::int64_t>());
    sink.add(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
    return;
  }
  case json::value_t::number_unsigned: {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v.scalar().template get<std::uint64_t>());
    sink.add(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
    return;
  }
  default:
    break;
  }
  serializer.dump(v.scalar(), false, false, 0);
}

template <class View> std::string digest_of(const View& v) {
  auto sink = std::make_shared<FnvSink>();
  Serializer serializer(sink, ' ', nlohmann::json::error_handler_t::replace);
  digest_into(v, *sink, serializer);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(sink->hash()));
  return buf;
}

} // namespace

std::string json_digest(const json& value) {
  return digest_of(JsonView(value));
}

std::string node_digest(const Node& root) {
  return digest_of(NodeView(root));
}

std::vector<Loc> yaml11_bools(const Node& root) {
  std::vector<Loc> out;
  collect_yaml11_bools(root, out);
  return out;
}

YamlJson to_json(const Node& root) {
  YamlJson out;
  out.value = convert(root, false);
  out.yaml11_bools = yaml11_bools(root);
  return out;
}

json to_json_keeping_nulls(const Node& root) {
  return convert(root, true);
}

} // namespace nines
