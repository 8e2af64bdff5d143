#include "validate/schemas.hpp"

#include "diag/format.hpp"
#include "load/yaml_reader.hpp"
#include "model/kinds.hpp"
#include "model/time.hpp"
#include "validate/quick_schema.hpp"
#include "validate/yaml_json.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace nines {
using nlohmann::json;

// Each schema is parsed when a document of its kind is first checked, and compiled for valijson
// when one first fails the quick check: a run reads a few of the kinds, and most documents are
// valid, so parsing all of them for valijson up front cost more than checking a thousand files.
struct SchemaSet::Impl {
  struct Entry {
    std::string_view text;
    std::once_flag parsed;
    json doc;       // as shipped: error messages read formats and descriptions from it
    json validated; // what valijson compiles: formats rewritten as patterns
    // Decides alone for the valid documents; valijson then has nothing to report.
    std::unique_ptr<QuickSchema> quick;
    std::once_flag compiled;
    valijson::Schema schema;
  };
  std::map<std::string, std::unique_ptr<Entry>> schemas;

  Entry& parsed(Entry& e) const;
  const valijson::Schema& compiled(Entry& e) const;
};

namespace {

// valijson 1.0 compiles a std::regex for every `format: date` it checks, which cost more than
// parsing the YAML. The same rules as patterns are compiled once per thread (the validator's
// regex cache). Stricter than valijson's own table, which takes any number of year digits and
// February 29 of every year: RFC 3339's full-date has a four-digit year, and a 29 February of
// a year that has none (2026-02-29) is no day; both passed the schema and were then read as no
// date at all, so a review date or a deadline silently dropped out of the lints and figures.
// Leap years: divisible by 4 and not by 100 (…04, …08, …96 with the tens digit's parity
// deciding), or by 400 (0400, 0800, …, 2000, 2400).
const char* const k_date_pattern =
    "^(([0-9]{4}-(((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01]))|((0[469]|11)-(0[1-9]|[12][0-9]|30))"
    "|(02-(0[1-9]|1[0-9]|2[0-8]))))|(([0-9]{2}(0[48]|[2468][048]|[13579][26])|"
    "(0[48]|[2468][048]|[13579][26])00)-02-29))";
const char* const k_time_pattern =
    "([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\\.[0-9]+)?(([Zz])|([+-]([01][0-9]|2[0-3]):"
    "[0-5][0-9]))$";

void formats_as_patterns(json& s) {
  if (s.is_array()) {
    for (auto& v : s)
      formats_as_patterns(v);
    return;
  }
  if (!s.is_object()) return;
  auto f = s.find("format");
  if (f != s.end() && f->is_string() && !s.contains("pattern")) {
    std::string format = f->get<std::string>();
    if (format == "date") {
      s["pattern"] = std::string(k_date_pattern) + "$";
      s.erase("format");
    } else if (format == "date-time") {
      s["pattern"] = std::string(k_date_pattern) + "[Tt]" + k_time_pattern;
      s.erase("format");
    }
  }
  for (auto& [k, v] : s.items())
    if (k != "enum" && k != "const" && k != "default" && k != "examples") formats_as_patterns(v);
}

// The published schemas accept what nines reads as not given, so that a document nines checks
// clean also passes any draft-7 validator: an optional field is `{"anyOf": [{"$ref":
// "#/definitions/not_given"}, <its schema>]}` (a template's `""`, or no value) and a list of
// objects takes `#/definitions/placeholder_row` (the templates' row of `""`s). nines itself drops
// those values and rows before it validates (yaml_json.cpp), so here each such field is its own
// schema again: its messages, enums and hints are the field's, not "matches none of two shapes".
void unwrap_not_given(json& s) {
  if (s.is_array()) {
    for (auto& item : s)
      unwrap_not_given(item);
    return;
  }
  if (!s.is_object()) return;
  if (s.size() == 1 && s.contains("anyOf") && s["anyOf"].is_array() && s["anyOf"].size() == 2) {
    const json& first = s["anyOf"][0];
    if (first.is_object() && first.size() == 1 &&
        (first.value("$ref", "") == "#/definitions/not_given" ||
         first.value("$ref", "") == "#/definitions/placeholder_row")) {
      json own = std::move(s["anyOf"][1]);
      s = std::move(own);
      unwrap_not_given(s);
      return;
    }
  }
  for (auto& [k, v] : s.items())
    if (k != "enum" && k != "const" && k != "default" && k != "examples") unwrap_not_given(v);
  if (auto d = s.find("definitions"); d != s.end() && d->is_object()) {
    d->erase("not_given");
    d->erase("placeholder_row");
  }
}

} // namespace

SchemaSet::SchemaSet() : m_impl(std::make_unique<Impl>()) {
  for (const auto& [kind, text] : embedded_schemas()) {
    auto e = std::make_unique<Impl::Entry>();
    e->text = text;
    m_impl->schemas.emplace(kind, std::move(e));
  }
}

SchemaSet::Impl::Entry& SchemaSet::Impl::parsed(Entry& e) const {
  std::call_once(e.parsed, [&e] {
    e.doc = json::parse(e.text);
    unwrap_not_given(e.doc);
    e.validated = e.doc;
    formats_as_patterns(e.validated);
    e.quick = std::make_unique<QuickSchema>(e.validated);
  });
  return e;
}

bool SchemaSet::has_field(const std::string& kind, const std::string& key) const {
  auto it = m_impl->schemas.find(kind);
  if (it == m_impl->schemas.end()) return false;
  const json& doc = m_impl->parsed(*it->second).doc;
  const auto props = doc.find("properties");
  if (props == doc.end() || !props->contains(kind)) return false;
  const json& body = (*props)[kind];
  const auto fields = body.find("properties");
  return fields != body.end() && fields->is_object() && fields->contains(key);
}

const valijson::Schema& SchemaSet::Impl::compiled(Entry& e) const {
  parsed(e);
  std::call_once(e.compiled, [&e] {
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(e.validated);
    parser.populateSchema(adapter, e.schema);
  });
  return e.schema;
}

bool SchemaSet::quick_check_sound(const std::string& kind, const Node& root) const {
  auto it = m_impl->schemas.find(kind);
  if (it == m_impl->schemas.end()) return true;
  Impl::Entry& entry = m_impl->parsed(*it->second);
  const json doc = to_json(root).value;
  const bool passes = entry.quick->passes(root);
  if (passes != entry.quick->passes(doc)) return false;
  if (!passes) return true; // valijson decides these documents anyway
  valijson::Validator validator;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  return validator.validate(m_impl->compiled(entry), target, nullptr);
}

void SchemaSet::compile_all() const {
  for (auto& [kind, e] : m_impl->schemas)
    m_impl->compiled(*e);
}

SchemaSet::~SchemaSet() = default;

bool SchemaSet::has(const std::string& kind) const {
  return m_impl->schemas.count(kind) > 0;
}

json SchemaSet::compiled_schema(const std::string& kind) const {
  auto it = m_impl->schemas.find(kind);
  return it == m_impl->schemas.end() ? json() : m_impl->parsed(*it->second).validated;
}

namespace {

// Follows an instance path through a schema: properties, items, patternProperties, $ref.
// Good enough for the schemas nines ships (no remote refs); returns nullptr when lost.
const json* resolve_ref(const json& root, const json* s) {
  for (int guard = 0; s && s->is_object() && s->contains("$ref") && guard < 16; ++guard) {
    std::string ref = (*s)["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) return s;
    const json* cur = &root;
    std::size_t pos = 2;
    while (cur && pos <= ref.size()) {
      std::size_t slash = ref.find('/', pos);
      std::string part =
          ref.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
      cur = cur->is_object() && cur->contains(part) ? &(*cur)[part] : nullptr;
      if (slash == std::string::npos) break;
      pos = slash + 1;
    }
    s = cur;
  }
  return s;
}

// `declared`, when given, is set to the child as its parent names it, before its `$ref` is
// followed: the property's own description ("Request timeout, e.g. 10s.") is there, not in the
// shared definition it names.
const json* schema_child(const json& root, const json* s, const std::string& step,
                         const json** declared = nullptr) {
  s = resolve_ref(root, s);
  if (!s || !s->is_object()) return nullptr;
  auto found = [&](const json& child) {
    if (declared) *declared = &child;
    return resolve_ref(root, &child);
  };
  bool index = !step.empty() && std::all_of(step.begin(), step.end(), ::isdigit);
  if (index && s->contains("items")) return found((*s)["items"]);
  if (s->contains("properties") && (*s)["properties"].contains(step))
    return found((*s)["properties"][step]);
  // Only on the way to a finding's message, so a regex compiled here costs nothing per document.
  if (const auto pp = s->find("patternProperties"); pp != s->end() && pp->is_object())
    for (const auto& [pattern, sub] : pp->items())
      if (std::regex_search(step, std::regex(pattern, std::regex::ECMAScript))) return found(sub);
  if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_object())
    return found((*s)["additionalProperties"]);
  // oneOf/anyOf alternatives: the first one that knows the step.
  for (const char* key : {"oneOf", "anyOf"}) {
    if (!s->contains(key)) continue;
    for (const auto& alt : (*s)[key])
      if (const json* c = schema_child(root, &alt, step, declared)) return c;
  }
  return nullptr;
}

// True when `s` (or one of its oneOf/anyOf alternatives) lists `word` among its allowed values
// (`enum` or `const`).
bool schema_lists(const json& root, const json* s, const std::string& word) {
  s = resolve_ref(root, s);
  if (!s || !s->is_object()) return false;
  if (const auto e = s->find("enum"); e != s->end() && e->is_array())
    for (const auto& v : *e)
      if (v.is_string() && v.get_ref<const std::string&>() == word) return true;
  if (const auto c = s->find("const"); c != s->end() && c->is_string() && *c == word) return true;
  for (const char* key : {"oneOf", "anyOf"})
    if (const auto alts = s->find(key); alts != s->end() && alts->is_array())
      for (const auto& alt : *alts)
        if (schema_lists(root, &alt, word)) return true;
  return false;
}

// The plain scalars that to_json keeps as strings although YAML 1.1 tools read them as booleans
// (`on`, `no`, ...), in document order, but for those whose schema lists the word as an allowed
// value. The schema is looked up only for such a scalar, along its path: most documents have none.
void collect_bool_strings(const json& sroot, const Node& n, std::vector<std::string>& path,
                          std::vector<Loc>& out) {
  switch (n.kind) {
  case Node::Kind::Scalar: {
    if (n.quoted || !looks_like_yaml11_bool(n.value) || resolve_plain(n.value)) return;
    const json* s = resolve_ref(sroot, &sroot);
    for (const auto& step : path)
      s = s ? schema_child(sroot, s, step) : nullptr;
    if (!schema_lists(sroot, s, n.value)) out.push_back(n.loc);
    return;
  }
  case Node::Kind::Seq: {
    std::size_t index = 0; // placeholder rows are dropped before validation, as in to_json
    for (const auto& item : n.items) {
      if (is_placeholder_row(item)) continue;
      path.push_back(std::to_string(index++));
      collect_bool_strings(sroot, item, path, out);
      path.pop_back();
    }
    return;
  }
  case Node::Kind::Map:
    for (const auto& e : n.entries) {
      // What an `x-` key holds is ignored extension data, not a string field nines reads.
      if (e.value.is_absent() || is_extension_key(e.key)) continue;
      path.push_back(e.key);
      collect_bool_strings(sroot, e.value, path, out);
      path.pop_back();
    }
    return;
  case Node::Kind::Null:
    return;
  }
}

std::vector<Loc> bool_strings(const json& sroot, const Node& root) {
  std::vector<Loc> out;
  std::vector<std::string> path;
  collect_bool_strings(sroot, root, path, out);
  return out;
}

// What a value of a duration pattern looks like, said in the message itself: "1.5h" is near
// enough to right that "the wrong format" alone does not tell what to write (90m).
std::string expected_format(const std::string& pattern) {
  static const std::map<std::string, std::string> k_expected = {
      {"^[1-9][0-9]*(s|m|h|d|w)$", "expected a whole number with a unit (90m, 6h, 3d)"},
      {"^([1-9][0-9]*[mhdwMQY]|Day|Week|Month|Quarter|Year)$",
       "expected a whole number with a unit (90m, 4w, 1M) or Day, Week, Month, Quarter, Year"},
      {"^(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$",
       "expected a Prometheus duration (90s, 5m, 1h30m)"},
      {"^([0-9]+(ms|s|m|h|d|w|y))+$", "expected a Prometheus duration (90s, 5m, 1h30m)"}};
  auto it = k_expected.find(pattern);
  return it == k_expected.end() ? std::string() : it->second;
}

// A field whose value may be a credential (`bearer_token_env` holding the token itself rather
// than a variable's name): its value is never quoted back, since diagnostics end up in CI logs,
// annotations and the site's api/diagnostics.json.
bool may_be_secret(const std::string& field) {
  const std::size_t dot = field.find_last_of('.');
  std::string key = dot == std::string::npos ? field : field.substr(dot + 1);
  for (char& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"token", "password", "secret"})
    if (key.find(word) != std::string::npos) return true;
  return false;
}

std::string describe(const Node& n) {
  switch (n.kind) {
  case Node::Kind::Null:
    return "null";
  case Node::Kind::Seq:
    return "a list";
  case Node::Kind::Map:
    return "a mapping";
  case Node::Kind::Scalar:
    break;
  }
  std::string v = n.value.size() > 60 ? n.value.substr(0, 57) + "..." : n.value;
  return "'" + v + "'";
}

// describe(), but a scalar of a field that may hold a secret is not quoted.
std::string describe(const std::string& field, const Node& n) {
  return n.is_scalar() && may_be_secret(field) ? std::string("(not shown: it may be a secret)")
                                               : describe(n);
}

std::string type_name(const json& s) {
  if (!s.contains("type")) return "";
  const json& t = s["type"];
  if (t.is_string()) return t.get<std::string>();
  std::string out;
  for (const auto& x : t)
    out += (out.empty() ? "" : " or ") + x.get<std::string>();
  return out;
}

// The last key of a dotted path, as the author wrote it ("timeout" of
// "metrics.sources[0].timeout", "rules" of "auto_remediation.rules[2]"); "" for a path that ends
// in an index alone.
std::string last_key(const std::string& field) {
  std::string key = field.substr(field.rfind('.') == std::string::npos ? 0 : field.rfind('.') + 1);
  if (const std::size_t bracket = key.find('['); bracket != std::string::npos)
    key = bracket == 0 ? std::string() : key.substr(0, bracket);
  return key;
}

// How to write a value of type `t` (as type_name says it) where `node` stands, for the hint of
// a wrong-type finding: every finding says how to fix it. `field` is the dotted path; the hint
// names its last key, as the author wrote it.
std::string type_hint(const std::string& t, const Node& node, const std::string& field) {
  const std::string key = last_key(field);
  const std::string under = key.empty() ? "" : " under '" + key + ":'";
  if (t == "number" || t == "integer") return "write the number without quotes or units";
  if (t == "string")
    return node.is_scalar() ? "quote the value" : "write one value, not a list or a mapping";
  if (t == "boolean") return "write true or false";
  if (t == "array")
    return node.is_scalar() && !node.value.empty() && node.value.size() <= 60
               ? "write a list: [" + node.value + "], or one '- item' line per item" + under
               : "write a list: one '- item' line per item" + under + ", or [a, b] on one line";
  if (t == "object") return "write a mapping: 'name: value' lines indented" + under;
  return "";
}

// The hint for a number written where a duration belongs (`slo_window: 5`, `timeout: 10`): what
// is missing is the unit, and "quote the value" only led to the wrong-format finding next. The
// unit is the one of the field's own example ("e.g. 28d") when the value takes it; else the
// form the duration's pattern wants. "" when the field is no duration.
std::string duration_hint(const Node& node, const std::string& field, const json* schema,
                          const json* declared) {
  if (!schema || !node.is_scalar() || node.quoted || !plain_number(node.value)) return "";
  const auto pattern = schema->find("pattern");
  if (pattern == schema->end() || !pattern->is_string()) return "";
  const std::string expected = expected_format(pattern->get<std::string>());
  if (expected.empty()) return "";
  static const std::regex example("e\\.g\\. [0-9]+([A-Za-z]+)");
  // The field's own description, not the shared definition's: "e.g. 30s, 5m, 1h" of every
  // duration says nothing of the unit this one is counted in.
  const json* own = declared ? declared : schema;
  if (const auto description = own->find("description");
      description != own->end() && description->is_string()) {
    std::smatch unit;
    const std::string& text = description->get_ref<const std::string&>();
    if (std::regex_search(text, unit, example)) {
      const std::string value = node.value + unit[1].str();
      if (std::regex_search(value, std::regex(pattern->get<std::string>())))
        return "write " + last_key(field) + ": " + value;
    }
  }
  // "expected a whole number with a unit (90m, 6h, 3d)" → "write a whole number with a unit ..."
  return "write " + expected.substr(std::string_view("expected ").size());
}

// The allowed values to suggest for `value`: those it is the start of (`active-active` for
// active-active-read and active-active-full: a value cut short is meant as one of those, however
// near another one is by spelling), else the closest by spelling. None when it starts every
// value (`SEV`): the list of allowed values already says that, and any one of them is a guess.
std::vector<std::string> enum_suggestions(const std::string& value,
                                          const std::vector<std::string>& options) {
  auto lower = [](std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::vector<std::string> out;
  const std::string start = lower(value);
  if (start.size() >= 2)
    for (const auto& o : options)
      if (o.size() > start.size() && lower(o).compare(0, start.size(), start) == 0)
        out.push_back(o);
  if (options.size() > 1 && out.size() == options.size()) return {};
  if (out.empty())
    if (std::string near = closest(value, options); !near.empty()) out.push_back(std::move(near));
  return out;
}

// "a", "a or b", "a, b or c", each quoted with `quote` on both sides.
std::string either_of(const std::vector<std::string>& words, const std::string& quote) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i)
    out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + quote + words[i] + quote;
  return out;
}

// "an object", "an integer", "a string or number".
std::string with_article(const std::string& type) {
  const bool vowel =
      !type.empty() && std::string_view("aeiou").find(type[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + type;
}

std::string join_enum(const json& e) {
  std::string out;
  for (const auto& v : e) {
    if (!out.empty()) out += ", ";
    out += v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

std::string quoted_after(const std::string& desc, const std::string& prefix) {
  auto p = desc.find(prefix);
  if (p == std::string::npos) return "";
  p += prefix.size();
  auto q = desc.find('\'', p);
  return q == std::string::npos ? "" : desc.substr(p, q - p);
}

// The places of a dialect's placeholders that a schema names at its top in
// `x-nines-placeholders` (Backstage's `$text`, `$json`, `$yaml`): a mapping whose one key is one of
// them, with a string value, stands for content nines does not resolve, so it may stand where the
// schema wants anything (docs/dialects.md). The mapping's place and its key's.
std::set<std::pair<int, int>> placeholder_locs(const json& sroot, const Node& root) {
  std::set<std::pair<int, int>> out;
  const auto it = sroot.find("x-nines-placeholders");
  if (it == sroot.end() || !it->is_array()) return out;
  std::vector<std::string> keys;
  for (const auto& k : *it)
    if (k.is_string()) keys.push_back(k.get<std::string>());
  std::vector<const Node*> todo{&root};
  while (!todo.empty()) {
    const Node* n = todo.back();
    todo.pop_back();
    if (n->is_map() && n->entries.size() == 1 && n->entries[0].value.is_scalar() &&
        std::find(keys.begin(), keys.end(), n->entries[0].key) != keys.end()) {
      out.insert({n->loc.line, n->loc.col});
      out.insert({n->entries[0].key_loc.line, n->entries[0].key_loc.col});
      continue;
    }
    for (const auto& e : n->entries)
      todo.push_back(&e.value);
    for (const auto& i : n->items)
      todo.push_back(&i);
  }
  return out;
}

using SchemaErrors = std::vector<valijson::ValidationResults::Error>;

// valijson's findings of `instance` against `compiled`, with the ones that only repeat a finding
// of an enclosing schema left out: valijson reports each failure once per enclosing schema.
// Whether context `inner` is `outer` or lies under it.
bool under(const std::vector<std::string>& inner, const std::vector<std::string>& outer) {
  return inner.size() >= outer.size() && std::equal(outer.begin(), outer.end(), inner.begin());
}

// valijson's words for a key that a `patternProperties` entry's schema refused.
constexpr const char* k_pattern_refused =
    "Failed to validate against schema associated with pattern '";

SchemaErrors innermost_errors(const valijson::Schema& compiled, const json& instance) {
  // One validator per thread, so each `pattern` is compiled once rather than once per document.
  thread_local valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(instance);
  validator.validate(compiled, target, &results);
  SchemaErrors out;
  std::vector<const valijson::ValidationResults::Error*> keys_refused;
  for (const auto& e : results) {
    const auto& d = e.description;
    // A key a `patternProperties` entry refuses outright (`false`) has nothing deeper to say:
    // the wrapper is the finding, kept below when nothing lies under it.
    if (d.rfind(k_pattern_refused, 0) == 0) keys_refused.push_back(&e);
    if (d.rfind("Failed to validate against schema associated with", 0) == 0 ||
        d.rfind("Failed to validate item #", 0) == 0 ||
        d.rfind("Failed to validate against additional properties", 0) == 0 ||
        d.rfind("Failed to validate against child schema", 0) == 0 ||
        d.rfind("Failed to validate against a conditional schema", 0) == 0)
      continue;
    out.push_back(e);
  }
  for (const auto* e : keys_refused)
    if (std::none_of(out.begin(), out.end(),
                     [e](const auto& o) { return under(o.context, e->context); }))
      out.push_back(*e);
  return out;
}

// A value that matches none of its oneOf/anyOf alternatives: the keyword that failed.
const char* failed_alternatives(const std::string& description) {
  if (description.rfind("Failed to validate against any child schemas allowed by oneOf", 0) == 0)
    return "oneOf";
  if (description.rfind("Failed to validate against any schemas allowed by anyOf", 0) == 0)
    return "anyOf";
  return nullptr;
}

// A step of valijson's error context: `[name]` or `[3]`, without the brackets.
std::string context_step(const std::string& step) {
  return step.size() >= 2 && step.front() == '[' && step.back() == ']'
             ? step.substr(1, step.size() - 2)
             : step;
}

// Where a context leads: the positioned node (nullptr when lost), its schema and its path as
// messages name it ("slo.burn_rate_alerts[0].name"), from `base_path`, the path of `root`.
struct Located {
  const Node* node = nullptr;
  const json* schema = nullptr;
  std::string path;
  const json* declared = nullptr; // the schema as the parent names it, before its $ref
};

Located locate(const json& sroot, const Node& root, const std::string& base_path,
               const std::vector<std::string>& context) {
  Located at{&root, resolve_ref(sroot, &sroot), base_path};
  for (std::size_t k = 1; k < context.size(); ++k) {
    const std::string step = context_step(context[k]);
    at.declared = nullptr;
    at.schema = at.schema ? schema_child(sroot, at.schema, step, &at.declared) : nullptr;
    const Node* node = at.node;
    if (node && node->is_map()) {
      at.path += (at.path.empty() ? "" : ".") + step;
      at.node = node->get(step);
    } else if (node && node->is_seq()) {
      std::size_t idx = 0;
      std::from_chars(step.data(), step.data() + step.size(), idx);
      // Placeholder rows were dropped before validation, so count only the others; the path
      // names the row as written, placeholders counted, as the reader counts the file's rows.
      const Node* found = nullptr;
      std::size_t seen = 0, written = 0;
      for (const auto& item : node->items) {
        if (!is_placeholder_row(item) && seen++ == idx) {
          found = &item;
          break;
        }
        ++written;
      }
      at.path += "[" + (found ? std::to_string(written) : step) + "]";
      at.node = found;
    } else {
      at.node = nullptr;
    }
  }
  return at;
}

// The JSON value at a context, or nullptr.
const json* instance_at(const json& instance, const std::vector<std::string>& context) {
  const json* j = &instance;
  for (std::size_t k = 1; j && k < context.size(); ++k) {
    const std::string step = context_step(context[k]);
    if (j->is_object()) {
      auto it = j->find(step);
      j = it == j->end() ? nullptr : &*it;
    } else if (j->is_array()) {
      std::size_t idx = 0;
      std::from_chars(step.data(), step.data() + step.size(), idx);
      j = idx < j->size() ? &(*j)[idx] : nullptr;
    } else {
      j = nullptr;
    }
  }
  return j;
}

// One alternative of a oneOf/anyOf as a schema of its own: the value's schema with the
// alternatives replaced by this one, and the definitions its references name.
struct Alternative {
  json doc;                                   // for messages, as shipped
  std::unique_ptr<valijson::Schema> compiled; // formats as patterns, as the whole schema is
  SchemaErrors errors;
  bool wrong_type = false; // the value is not of the alternative's type
};

Alternative make_alternative(const json& sroot, const json& schema, const char* keyword,
                             const json& alt, const json& value) {
  Alternative a;
  // The alternative's own keywords beside the value's schema's, so that its `properties` are the
  // fields messages name; `allOf` where both say the same keyword differently.
  const json* own = resolve_ref(sroot, &alt);
  a.doc = own && own->is_object() ? *own : json::object();
  bool merged = own && own->is_object();
  for (const auto& [k, v] : schema.items()) {
    if (!merged || k == keyword) continue;
    if (!a.doc.contains(k) || a.doc[k] == v) {
      a.doc[k] = v;
    } else if (k == "required" && v.is_array() && a.doc[k].is_array()) {
      for (const auto& r : v)
        if (std::find(a.doc[k].begin(), a.doc[k].end(), r) == a.doc[k].end()) a.doc[k].push_back(r);
    } else if (k == "type") {
      // Both apply: the types both allow (`object` of `["array", "object"]`).
      const json mine = a.doc[k].is_array() ? a.doc[k] : json::array({a.doc[k]});
      const json theirs = v.is_array() ? v : json::array({v});
      json both = json::array();
      for (const auto& t : mine)
        if (std::find(theirs.begin(), theirs.end(), t) != theirs.end()) both.push_back(t);
      if (both.empty())
        merged = false;
      else
        a.doc[k] = both.size() == 1 ? both[0] : both;
    } else if (k != "description") {
      merged = false;
    }
  }
  if (!merged) {
    a.doc = schema;
    a.doc.erase(keyword);
    a.doc["allOf"].push_back(alt);
  }
  // With the definitions, the document's leniencies (report_errors reads them at the top).
  for (const char* top : {"definitions", "$defs", "x-nines-unknown-fields", "x-nines-placeholders"})
    if (sroot.contains(top) && !a.doc.contains(top)) a.doc[top] = sroot[top];
  json validated = a.doc;
  formats_as_patterns(validated);
  a.compiled = std::make_unique<valijson::Schema>();
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(validated);
  parser.populateSchema(adapter, *a.compiled);
  a.errors = innermost_errors(*a.compiled, value);
  for (const auto& e : a.errors)
    a.wrong_type = a.wrong_type || (e.context.size() == 1 &&
                                    e.description.rfind("Value type not permitted", 0) == 0);
  return a;
}

bool report_errors(const json& sroot, const SchemaErrors& errors, const std::string& kind,
                   const Node& root, const json& instance, const std::string& base_path,
                   const std::string& file, DiagBag& diags,
                   std::set<std::pair<int, int>>& error_locs, int depth);

// A value that matches none of its alternatives. Listing what every alternative found says that
// a mapping is not a list and that its valid fields are unknown to the other shape: the
// alternatives of the value's type with the fewest findings are the ones meant, and only their
// findings are reported. When the value has none of the alternatives' types, that is the finding.
bool report_closest(const json& sroot, const Located& at, const json& value, const char* keyword,
                    const std::string& kind, const std::string& file, DiagBag& diags,
                    std::set<std::pair<int, int>>& error_locs, int depth) {
  const json& schema = *at.schema;
  std::vector<Alternative> alts;
  for (const auto& alt : schema[keyword])
    alts.push_back(make_alternative(sroot, schema, keyword, alt, value));
  const std::string field = at.path.empty() ? kind : at.path;
  auto first_best = std::min_element(alts.begin(), alts.end(), [](const auto& a, const auto& b) {
    return std::pair(a.wrong_type, a.errors.size()) < std::pair(b.wrong_type, b.errors.size());
  });
  if (first_best->wrong_type) {
    std::vector<std::string> types;
    for (const auto& alt : schema[keyword]) {
      const json* r = resolve_ref(sroot, &alt);
      const std::string t = r && r->is_object() ? type_name(*r) : "";
      if (t.empty()) {
        types.clear();
        break;
      }
      if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    }
    std::string said;
    for (std::size_t i = 0; i < types.size(); ++i)
      said += (i == 0 ? "" : i + 1 == types.size() ? " or " : ", ") + types[i];
    const std::string msg = types.empty()
                                ? "field '" + field + "' does not match any of its allowed shapes"
                                : "field '" + field + "' must be " + with_article(said) + ", got " +
                                      describe(field, *at.node);
    diags.error(file, at.node->loc, "schema", msg,
                schema.contains("description") ? schema["description"].get<std::string>()
                : types.size() == 1            ? type_hint(types[0], *at.node, field)
                : types.empty() ? "the kind's schema (schemas/) lists the shapes this field takes"
                                : "write " + with_article(said));
    error_locs.insert({at.node->loc.line, at.node->loc.col});
    return false;
  }
  std::vector<const Alternative*> best;
  for (const auto& a : alts)
    if (!a.wrong_type && a.errors.size() == first_best->errors.size()) best.push_back(&a);
  // Each closest shape lacks just one field of its own, at the value itself (a Prometheus rule
  // with neither `alert` nor `record`): one finding naming them, not one per shape and a third
  // saying none matched.
  std::vector<std::string> lacking;
  for (const Alternative* a : best) {
    const std::string prefix = "Missing required property '";
    if (a->errors.size() != 1 || a->errors[0].context.size() != 1 ||
        a->errors[0].description.rfind(prefix, 0) != 0)
      break;
    lacking.push_back("'" + quoted_after(a->errors[0].description, prefix) + "'");
  }
  if (best.size() > 1 && lacking.size() == best.size()) {
    std::string said;
    for (std::size_t i = 0; i < lacking.size(); ++i)
      said += (i == 0 ? "" : i + 1 == lacking.size() ? " or " : ", ") + lacking[i];
    diags.error(file, at.node->loc, "schema", "field '" + field + "' needs " + said,
                schema.contains("description")
                    ? schema["description"].get<std::string>()
                    : "the kind's schema (schemas/) lists the shapes this field takes");
    error_locs.insert({at.node->loc.line, at.node->loc.col});
    return false;
  }
  // Every closest shape refuses only the value's type, at the value itself (a name where each
  // shape is a mapping: `alertPolicies: [ap-fast]`): that one finding, not also "none matched".
  const bool only_type = std::all_of(best.begin(), best.end(), [](const Alternative* a) {
    return a->errors.size() == 1 && a->errors[0].context.size() == 1 &&
           a->errors[0].description.rfind("Value type not permitted", 0) == 0;
  });
  if (best.size() > 1 && only_type) {
    report_errors(best[0]->doc, best[0]->errors, kind, *at.node, value, at.path, file, diags,
                  error_locs, depth + 1);
    return false;
  }
  if (best.size() > 1) {
    // As close to one as to another: the value is none of the shapes, and each says why.
    diags.error(file, at.node->loc, "schema",
                "field '" + field + "' does not match any of its allowed shapes",
                schema.contains("description")
                    ? schema["description"].get<std::string>()
                    : "the findings below say what each allowed shape needs here");
    error_locs.insert({at.node->loc.line, at.node->loc.col});
  }
  for (const Alternative* a : best)
    report_errors(a->doc, a->errors, kind, *at.node, value, at.path, file, diags, error_locs,
                  depth + 1);
  return false;
}

// valijson's findings for a document the quick check rejected, mapped to located messages.
// `root` (whose value for valijson is `instance`) is at `base_path` in its document. Returns
// false when there is an error; `error_locs` gets the places reported.
bool report_errors(const json& sroot, const SchemaErrors& errors, const std::string& kind,
                   const Node& root, const json& instance, const std::string& base_path,
                   const std::string& file, DiagBag& diags,
                   std::set<std::pair<int, int>>& error_locs, int depth) {
  std::vector<bool> keep(errors.size(), true);
  bool ok = true;
  // A schema may ask at its top for a dialect's leniencies: `"x-nines-unknown-fields":
  // "warning"` makes an unknown field a warning (Sloth ignores them), and `x-nines-placeholders`
  // (above) drops the findings at a placeholder.
  const bool unknown_warns = sroot.value("x-nines-unknown-fields", "") == "warning";
  const auto placeholders = placeholder_locs(sroot, root);
  // The outermost values that match none of their alternatives: reported by report_closest,
  // with what valijson found under them left out here. Deeper ones are reported as they are.
  if (depth < 8)
    for (std::size_t i = 0; i < errors.size(); ++i) {
      const char* keyword = failed_alternatives(errors[i].description);
      if (!keyword || !keep[i]) continue;
      const Located at = locate(sroot, root, base_path, errors[i].context);
      const json* value = instance_at(instance, errors[i].context);
      if (!at.node || !value || !at.schema || !at.schema->is_object() ||
          !at.schema->contains(keyword) || !(*at.schema)[keyword].is_array())
        continue;
      for (std::size_t k = 0; k < errors.size(); ++k)
        if (under(errors[k].context, errors[i].context)) keep[k] = false;
      ok = report_closest(sroot, at, *value, keyword, kind, file, diags, error_locs, depth) && ok;
    }

  // One mistake, one finding. A number in a field of named values (`tier: 1`) is the enum's
  // finding, which lists them, not also a wrong type whose "quote the value" leads to the enum
  // finding next. A required field misspelt (`owner_tem:`) is the unknown field's finding, whose
  // hint is then to rename it, not also the required field's absence.
  std::map<std::pair<int, int>, std::string> rename_to; // the misspelt key's place → the field
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (!keep[i]) continue;
    const std::string& d = errors[i].description;
    if (d.rfind("Failed to validate against exactly one child schema", 0) == 0) {
      // More than one shape "matched" a value of a type none of them is about (the
      // alternatives' `required` says nothing of a list): the type's finding says it.
      for (std::size_t k = 0; k < errors.size(); ++k)
        if (k != i && errors[k].context == errors[i].context &&
            errors[k].description.rfind("Value type not permitted", 0) == 0)
          keep[i] = false;
    } else if (d.rfind("Value type not permitted", 0) == 0) {
      for (std::size_t k = 0; k < errors.size(); ++k)
        if (k != i && errors[k].context == errors[i].context &&
            errors[k].description.rfind("Failed to match against any enum values", 0) == 0)
          keep[i] = false;
    } else if (d.rfind("Missing required property '", 0) == 0 && !unknown_warns) {
      // (Where an unknown field is only a warning, a dialect's tool ignores it: the required
      // field's absence is then the error that stops the document, and stays.)
      const Located at = locate(sroot, root, base_path, errors[i].context);
      if (!at.node || !at.node->is_map() || !at.schema || !at.schema->contains("properties"))
        continue;
      const std::string wanted = quoted_after(d, "Missing required property '");
      const json& props = (*at.schema)["properties"];
      for (const auto& e : at.node->entries)
        if (!props.contains(e.key) && !is_extension_key(e.key) &&
            closest(e.key, {wanted}) == wanted &&
            !rename_to.count({e.key_loc.line, e.key_loc.col})) {
          rename_to[{e.key_loc.line, e.key_loc.col}] = wanted;
          keep[i] = false;
          break;
        }
    }
  }

  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (!keep[i]) continue;
    const auto& err = errors[i];
    // Walk the positioned tree and the schema along the error's path.
    const Located at = locate(sroot, root, base_path, err.context);
    const Node* node = at.node ? at.node : &root;
    const json* schema = at.schema;
    const std::string& path = at.path;
    Loc loc = node->loc;
    std::string field = path.empty() ? kind : path;
    const std::string& d = err.description;
    if (placeholders.count({loc.line, loc.col})) continue;
    std::string msg, hint;
    bool warning = false;
    // A field of the node in error, by its path from the document's top.
    auto qualified = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };

    if (d.rfind(k_pattern_refused, 0) == 0) {
      // valijson names the pattern, at the mapping: report each key it refuses, at the key.
      std::regex pattern;
      try {
        pattern = std::regex(quoted_after(d, k_pattern_refused), std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        pattern = std::regex("$^"); // the schema's own pattern, cut at a quote: no key named
      }
      const std::string why =
          schema && schema->contains("description") && (*schema)["description"].is_string()
              ? (*schema)["description"].get<std::string>()
              : "the kind's schema (schemas/) lists the keys this field takes";
      bool found = false;
      if (node->is_map())
        for (const auto& e : node->entries) {
          if (e.value.is_absent() || !std::regex_search(e.key, pattern)) continue;
          found = true;
          diags.error(file, e.key_loc, "schema",
                      e.key.empty() ? "field '" + field + "' has an empty key"
                                    : "field '" + field + "' may not have the key '" + e.key + "'",
                      why);
          error_locs.insert({e.key_loc.line, e.key_loc.col});
        }
      if (found) {
        ok = false;
        continue;
      }
      msg = "field '" + field + "' has a key its schema refuses";
      hint = why;
    } else if (d.rfind("Object contains a property that could not be validated", 0) == 0) {
      // The key as valijson quotes it; an empty key (`: 43.2`, `"": x`) is quoted as ''.
      std::string key = d.find("constraints: '") != std::string::npos
                            ? quoted_after(d, "constraints: '")
                            : quoted_after(d, "'");
      std::vector<std::string> allowed;
      if (schema && schema->contains("properties"))
        for (const auto& [k, v] : (*schema)["properties"].items())
          allowed.push_back(k);
      // valijson names only the first unknown field of a mapping; report every one of them.
      std::vector<const Entry*> unknown;
      if (node->is_map() && schema) {
        std::vector<std::regex> patterns;
        if (schema->contains("patternProperties"))
          for (const auto& [pat, v] : (*schema)["patternProperties"].items())
            patterns.emplace_back(pat, std::regex::ECMAScript);
        for (const auto& e : node->entries) {
          if (e.value.is_absent()) continue;
          if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
          bool matched = false;
          for (const auto& re : patterns)
            matched = matched || std::regex_search(e.key, re);
          if (!matched) unknown.push_back(&e);
        }
      }
      // Only where the schema takes x- fields does the hint point there: a dialect's document
      // (a Pyrra CRD, an OpenSLO kind) is read as its own tool declares it, and an x- field would
      // break that tool.
      bool takes_x = false;
      if (schema && schema->contains("patternProperties"))
        for (const auto& [pat, v] : (*schema)["patternProperties"].items())
          takes_x = takes_x || pat.rfind("^x-", 0) == 0;
      const std::string unknown_hint =
          unknown_warns ? "the tool itself ignores unknown fields, and so does nines: check the "
                          "spelling (docs/dialects.md)"
          : takes_x     ? "custom fields must start with 'x-'"
                        : "not a field of this document's format as nines reads it "
                          "(docs/dialects.md)";
      auto unknown_msg = [&](const std::string& k) {
        const std::string where = path.empty() ? std::string("at the top level") : "in " + field;
        if (k.empty()) return "a field with an empty name " + where;
        return "unknown field '" + k + "' " + where + did_you_mean(k, allowed);
      };
      if (unknown.size() > 1) {
        for (const Entry* e : unknown) {
          if (placeholders.count({e->key_loc.line, e->key_loc.col})) continue;
          const auto rename = rename_to.find({e->key_loc.line, e->key_loc.col});
          const std::string h = e->key.empty() ? "write the field's name before the ':'"
                                : rename != rename_to.end()
                                    ? "rename it to '" + rename->second + "', a required field"
                                    : unknown_hint;
          if (unknown_warns && !e->key.empty()) {
            diags.warning(file, e->key_loc, "schema", unknown_msg(e->key), h);
            continue;
          }
          diags.error(file, e->key_loc, "schema", unknown_msg(e->key), h);
          error_locs.insert({e->key_loc.line, e->key_loc.col});
          ok = false;
        }
        continue;
      }
      if (const Entry* e = node->entry(key)) loc = e->key_loc;
      if (placeholders.count({loc.line, loc.col})) continue;
      msg = unknown_msg(key);
      const auto rename = rename_to.find({loc.line, loc.col});
      hint = key.empty()                 ? "write the field's name before the ':'"
             : rename != rename_to.end() ? "rename it to '" + rename->second + "', a required field"
                                         : unknown_hint;
      warning = unknown_warns && !key.empty();
    } else if (d.rfind("Missing required property '", 0) == 0) {
      std::string key = quoted_after(d, "Missing required property '");
      if (const Entry* e = node->entry(key)) {
        // At the `""` or `~` written (SPEC 2: the offending node). When nothing was written after
        // the key, the parser places the null at the next token, often on a later line: the key.
        const bool written =
            e->value.kind == Node::Kind::Scalar ||
            (e->value.loc.line == e->key_loc.line && e->value.loc.col > e->key_loc.col);
        loc = written ? e->value.loc : e->key_loc;
        msg = "required field '" + qualified(key) + "' is empty";
      } else {
        msg = "missing required field '" + qualified(key) + "'";
      }
      // What the field is for, as the schema says, or at least what to write.
      const json* property = nullptr;
      if (schema && schema->contains("properties") && (*schema)["properties"].is_object() &&
          (*schema)["properties"].contains(key))
        property = &(*schema)["properties"][key];
      hint = property && property->contains("description") && (*property)["description"].is_string()
                 ? "'" + key + "': " + (*property)["description"].get<std::string>()
                 : "add '" + key + ": …' to this mapping";
    } else if (d.rfind("Failed to match against any enum values", 0) == 0) {
      std::string allowed = schema && schema->contains("enum") ? join_enum((*schema)["enum"]) : "";
      msg = "field '" + field + "' has value " + describe(field, *node);
      if (!allowed.empty()) {
        std::vector<std::string> options;
        for (const auto& v : (*schema)["enum"])
          if (v.is_string()) options.push_back(v.get<std::string>());
        const std::vector<std::string> near =
            node->is_scalar() ? enum_suggestions(node->value, options) : std::vector<std::string>{};
        msg += ", expected one of: " + allowed +
               (near.empty() ? "" : ", did you mean " + either_of(near, "'") + "?");
        // The hint says what to write: the close value when there is one, else what the field
        // is for (its description) or that the values above are the ones it takes.
        if (!near.empty())
          hint = "write " + field + ": " + either_of(near, "");
        else if (schema->contains("description") && (*schema)["description"].is_string())
          hint = (*schema)["description"].get<std::string>();
        else
          hint = "write one of the values listed for '" + field + "'";
      }
    } else if (d.find("'const' constraint") != std::string::npos && schema &&
               schema->contains("const")) {
      const json& want = (*schema)["const"];
      msg = "field '" + field + "' has value " + describe(field, *node) + ", expected " +
            (want.is_string() ? "'" + want.get<std::string>() + "'" : want.dump());
      if (want.is_string() && node->is_scalar() && node->value != want.get<std::string>())
        hint = "write " + field + ": " + want.get<std::string>();
    } else if (d.rfind("Value type not permitted", 0) == 0) {
      std::string t = schema ? type_name(*schema) : "";
      msg = "field '" + field + "' must be " + (t.empty() ? "of another type" : with_article(t)) +
            ", got " + describe(field, *node);
      hint = type_hint(t, *node, field);
      if (t == "string")
        if (std::string h = duration_hint(*node, field, schema, at.declared); !h.empty())
          hint = std::move(h);
      if (hint.empty() && schema && schema->contains("description") &&
          (*schema)["description"].is_string())
        hint = (*schema)["description"].get<std::string>();
    } else if (d.rfind("Failed to match regex", 0) == 0 &&
               !(schema && schema->contains("format"))) {
      msg = "field '" + field + "' has value " + describe(field, *node) + " in the wrong format";
      if (schema && schema->contains("pattern")) {
        const std::string expected = expected_format((*schema)["pattern"].get<std::string>());
        if (!expected.empty()) msg += ", " + expected;
      }
      if (schema && schema->contains("description"))
        hint = (*schema)["description"].get<std::string>();
      else if (schema && schema->contains("pattern"))
        hint = "expected to match " + (*schema)["pattern"].get<std::string>();
    } else if (d.rfind("Object should have no fewer than", 0) == 0 ||
               d.rfind("Object should have no more than", 0) == 0) {
      // minProperties / maxProperties: say what the object holds; the schema's description says
      // what it takes (a Sloth `sli`: exactly one of raw, events and plugin).
      const bool fewer = d.find("fewer") != std::string::npos;
      const std::size_t n = node->is_map() ? node->entries.size() : 0;
      const auto limit =
          schema ? schema->find(fewer ? "minProperties" : "maxProperties") : json::const_iterator{};
      msg =
          "field '" + field + "' " +
          (n == 0 ? std::string("is empty")
                  : "has " + std::to_string(n) + (n == 1 ? " field" : " fields")) +
          (schema && limit != schema->end() && limit->is_number_unsigned()
               ? std::string(fewer ? ", at least " : ", at most ") +
                     std::to_string(limit->get<std::uint64_t>()) + (fewer ? " needed" : " allowed")
               : std::string());
      if (schema && schema->contains("description"))
        hint = (*schema)["description"].get<std::string>();
    } else if (d.rfind("Array should contain no fewer than", 0) == 0 ||
               d.rfind("Array should contain no more than", 0) == 0) {
      // minItems / maxItems, said as minProperties is: valijson's own words name neither the
      // field's items nor what to do.
      const bool fewer = d.find("fewer") != std::string::npos;
      std::size_t limit = 0;
      const std::size_t digits = d.find_first_of("0123456789");
      if (digits != std::string::npos)
        std::from_chars(d.data() + digits, d.data() + d.size(), limit);
      std::size_t n = 0;
      if (node->is_seq())
        n = static_cast<std::size_t>(
            std::count_if(node->items.begin(), node->items.end(),
                          [](const Node& item) { return !is_placeholder_row(item); }));
      msg = "field '" + field + "' " +
            (n == 0 ? std::string("is empty")
                    : "has " + std::to_string(n) + (n == 1 ? " item" : " items")) +
            (fewer ? ", at least " : ", at most ") + std::to_string(limit) +
            (fewer ? " needed" : " allowed");
      const std::string key = last_key(field);
      const std::string under = key.empty() ? "" : " under '" + key + ":'";
      hint = fewer ? "write at least " + std::to_string(limit) + (limit == 1 ? " item" : " items") +
                         under + ", one '- item' line each"
                   : "keep at most " + std::to_string(limit) + (limit == 1 ? " item" : " items") +
                         under;
    } else if (d.find("exactly one") != std::string::npos || d.find("anyOf") != std::string::npos ||
               d.find("oneOf") != std::string::npos ||
               d.find("child schema") != std::string::npos) {
      // Before the date check below: "validate" holds "date".
      msg = "field '" + field + "' does not match any of its allowed shapes";
      if (schema && schema->contains("description"))
        hint = (*schema)["description"].get<std::string>();
      // A oneOf of shapes that each need one field (an assessment of a `service` or a `team`)
      // given more than one of those fields: say which, at the second.
      const json* one_of = schema && schema->contains("oneOf") ? &(*schema)["oneOf"] : nullptr;
      if (one_of && one_of->is_array() && node->is_map()) {
        std::vector<const Entry*> given;
        for (const auto& alt : *one_of) {
          const auto req = alt.find("required");
          if (!alt.is_object() || alt.size() != 1 || req == alt.end() || !req->is_array() ||
              req->size() != 1 || !(*req)[0].is_string()) {
            given.clear();
            break;
          }
          for (const auto& e : node->entries)
            if (e.key == (*req)[0].get<std::string>() && !e.value.is_absent()) given.push_back(&e);
        }
        if (given.size() > 1) {
          std::sort(given.begin(), given.end(), [](const Entry* a, const Entry* b) {
            return std::pair(a->key_loc.line, a->key_loc.col) <
                   std::pair(b->key_loc.line, b->key_loc.col);
          });
          msg = "field '" + field + "' has both '" + given[0]->key + "' and '" + given[1]->key +
                "', but takes only one of them";
          loc = given[1]->key_loc;
        }
      }
    } else if (d.rfind("Failed to match regex", 0) == 0 || d.find(" date") != std::string::npos ||
               d.find("time") != std::string::npos) {
      std::string fmt =
          schema && schema->contains("format") ? (*schema)["format"].get<std::string>() : "date";
      msg = "field '" + field + "' has value " + describe(field, *node) +
            ", which is not a valid " + fmt;
      hint =
          fmt == "date" ? "use YYYY-MM-DD" : "use an ISO 8601 timestamp, e.g. 2026-01-31T14:00:00Z";
    } else if (d.rfind("Expected number", 0) == 0) {
      // valijson prints limits with std::to_string: "4.000000" reads better as "4".
      static const std::regex trailing_zeros("([0-9]+)\\.([0-9]*[1-9])?0+$");
      std::string limit = std::regex_replace(d, trailing_zeros, "$1.$2");
      if (!limit.empty() && limit.back() == '.') limit.pop_back();
      msg = "field '" + field + "' has value " + describe(field, *node) + ": " +
            std::string(1, static_cast<char>(std::tolower(limit[0]))) + limit.substr(1);
      hint = schema && schema->contains("description") && (*schema)["description"].is_string()
                 ? (*schema)["description"].get<std::string>()
                 : "write a number in the field's range";
    } else {
      msg = "field '" + field + "': " + d;
    }
    while (!msg.empty() && msg.back() == '.')
      msg.pop_back();
    if (warning) {
      diags.warning(file, loc, "schema", msg, hint);
      continue;
    }
    diags.error(file, loc, "schema", msg, hint);
    error_locs.insert({loc.line, loc.col});
    ok = false;
  }

  return ok;
}

} // namespace

bool SchemaSet::validate(const std::string& kind, const Node& root, const std::string& file,
                         DiagBag& diags) const {
  auto it = m_impl->schemas.find(kind);
  if (it == m_impl->schemas.end()) return true;
  bool ok = true;
  std::set<std::pair<int, int>> error_locs;
  // Most documents are valid: the quick check says so at a fraction of valijson's cost, reading
  // the tree in place, and only for the others is the tree converted for valijson, which
  // reports the findings.
  Impl::Entry& entry = m_impl->parsed(*it->second);
  if (!entry.quick->passes(root)) {
    const json value = to_json(root).value;
    ok = report_errors(entry.doc, innermost_errors(m_impl->compiled(entry), value), kind, root,
                       value, "", file, diags, error_locs, 0);
  }

  // An unknown field left empty (`langauge:`, `~`, `""`, or a line that lost its colon, which the
  // reader takes for a key with no value) is dropped before the schema sees it, as an empty known
  // field is "not given": said here, at the key, as the schema says of one with a value.
  if (const Node* body = root.get(kind); body && body->is_map() && entry.doc.is_object()) {
    const json* props = nullptr;
    if (auto p = entry.doc.find("properties"); p != entry.doc.end() && p->is_object())
      if (auto k = p->find(kind); k != p->end() && k->is_object())
        if (auto kp = k->find("properties"); kp != k->end() && kp->is_object()) props = &*kp;
    if (props) {
      std::vector<std::string> names;
      for (const auto& [name, v] : props->items())
        names.push_back(name);
      for (const auto& e : body->entries) {
        if (!e.value.is_absent() || is_extension_key(e.key) || props->contains(e.key) ||
            error_locs.count({e.key_loc.line, e.key_loc.col}))
          continue;
        diags.error(file, e.key_loc, "schema",
                    "unknown field '" + e.key + "' in " + kind + did_you_mean(e.key, names),
                    e.key.find(' ') != std::string::npos
                        ? "a key with no value: a line that lost its colon (`name: value`)?"
                        : "custom fields must start with 'x-'");
        error_locs.insert({e.key_loc.line, e.key_loc.col});
        ok = false;
      }
    }
  }

  // Durations whose size matters: a JSON Schema cannot bound "1000000000d", so these are checked
  // here. An SLO window over 400 days would make a pull plan millions of days.
  if (ok) {
    struct Bound {
      const char* kind;
      std::vector<const char*> path; // "*" steps into every item of a sequence
      double max_minutes;
      const char* text;
    };
    static const std::vector<Bound> bounds = {
        {"slo", {"slo", "window"}, k_max_window_days * 1440, "400 days"},
        {"slo",
         {"slo", "burn_rate_alerts", "*", "short_window"},
         k_max_window_days * 1440,
         "400 days"},
        {"slo",
         {"slo", "burn_rate_alerts", "*", "long_window"},
         k_max_window_days * 1440,
         "400 days"},
        {"nines", {"defaults", "slo_window"}, k_max_window_days * 1440, "400 days"},
        {"nines", {"metrics", "deadline"}, 24.0 * 60, "24 hours"},
        {"nines", {"metrics", "sources", "*", "timeout"}, 10.0, "10 minutes"},
        {"nines", {"metrics", "sources", "*", "settle"}, 7.0 * 1440, "7 days"},
    };
    for (const Bound& b : bounds) {
      if (kind != b.kind) continue;
      std::vector<std::pair<const Node*, std::string>> at{{&root, ""}};
      for (const char* step : b.path) {
        std::vector<std::pair<const Node*, std::string>> next;
        for (const auto& [n, where] : at) {
          if (std::string_view(step) == "*" && n->is_seq()) {
            for (std::size_t i = 0; i < n->items.size(); ++i)
              next.emplace_back(&n->items[i], where + "[" + std::to_string(i) + "]");
          } else if (n->is_map()) {
            if (const Node* c = n->get(step))
              next.emplace_back(c, where + (where.empty() ? "" : ".") + step);
          }
        }
        at = std::move(next);
      }
      for (const auto& [n, where] : at) {
        if (!n->is_scalar()) continue;
        auto minutes = parse_duration_minutes(n->value);
        if (!minutes || *minutes <= b.max_minutes) continue;
        diags.error(file, n->loc, "schema",
                    "field '" + where + "' has value '" + n->value + "', over the maximum of " +
                        b.text,
                    "use a shorter duration");
        ok = false;
      }
    }
  }

  // nines.yaml `rules:` overrides rules by id; the schema cannot list the ids, so a misspelt one
  // would silently override nothing. SPEC 1.3: an unknown field is an error (catches typos).
  if (kind == "nines")
    if (const Node* rules = root.get("rules"); rules && rules->is_map()) {
      std::vector<std::string> ids;
      for (const auto& [id, text] : rule_catalog())
        ids.push_back(id);
      for (const auto& e : rules->entries) {
        if (is_extension_key(e.key)) continue;
        if (std::find(ids.begin(), ids.end(), e.key) != ids.end()) {
          const char* why = rule_kept_as_error(e.key);
          if (why && e.value.is_scalar() && e.value.value != "error") {
            diags.error(file, e.key_loc, "schema", "rule '" + e.key + "' cannot be lowered: " + why,
                        "remove the line; this rule is always an error (docs/checks.md)");
            ok = false;
          }
          continue;
        }
        diags.error(file, e.key_loc, "schema",
                    "unknown rule '" + e.key + "' in rules" + did_you_mean(e.key, ids),
                    "rules: takes the rule ids of docs/checks.md");
        ok = false;
      }
    }

  // A team's key is its id, which owner_team and the team pages use: reported at the key, not at
  // every reference to it.
  if (kind == "nines")
    if (const Node* teams = root.get("teams"); teams && teams->is_map())
      for (const auto& e : teams->entries) {
        if (valid_id(e.key)) continue;
        diags.error(file, e.key_loc, "invalid-id",
                    "team id '" + e.key + "' is not valid: ids match ^[a-z0-9][a-z0-9._-]{0,127}$",
                    "use lowercase letters, digits, '.', '_' and '-'");
        ok = false;
      }

  // A plain `on`/`no` that the schema accepted sits in a string field: YAML 1.1 tools read it as a
  // boolean, which is rarely what was meant. Not where the field's allowed values list the word
  // (`oncall-rotation-size: off` under `rules:`): there it is one of the field's words.
  // Nor on a line with an error of its own (an unknown field `enabled: yes`): that value is not
  // read at all, and one mistake is one finding.
  std::set<int> error_lines;
  for (const auto& [line, col] : error_locs)
    error_lines.insert(line);
  for (const Loc& l : bool_strings(entry.doc, root)) {
    if (error_locs.count({l.line, l.col}) || error_lines.count(l.line)) continue;
    diags.warning(file, l, "yaml-bool-string",
                  "bare YAML 1.1 boolean-looking value is read as a string here",
                  "quote it to make the intent explicit");
  }
  return ok;
}

namespace {

// A step from a node to one of its children: a map's entry by key, or a sequence's item.
struct Step {
  bool item = false;
  std::string key;
};

// `n` alone at `path` below an otherwise empty root: each map on the way holds only the key
// that leads on, each sequence only the one item.
Node wrapped(const std::vector<Step>& path, Node n) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    Node parent;
    if (it->item) {
      parent.kind = Node::Kind::Seq;
      parent.items.push_back(std::move(n));
    } else {
      parent.kind = Node::Kind::Map;
      parent.entries.push_back(Entry{it->key, n.loc, std::move(n)});
    }
    n = std::move(parent);
  }
  return n;
}

} // namespace

Node SchemaSet::valid_part(const std::string& kind, const Node& root) const {
  std::vector<Step> path;
  auto valid = [&](const Node& n) {
    DiagBag scratch;
    return validate(kind, wrapped(path, n), "", scratch);
  };
  if (valid(root)) return root;
  // Each child of an invalid node is kept when it is valid where it stands, else the part of it
  // that is, when that part is valid there (a map that lost a required key is not).
  auto keep = [&](auto& self, const Node& n) -> Node {
    Node out = n;
    out.entries.clear();
    out.items.clear();
    auto child = [&](const Node& v) -> std::optional<Node> {
      if (valid(v)) return v;
      if (!v.is_map() && !v.is_seq()) return std::nullopt;
      Node part = self(self, v);
      if (valid(part)) return part;
      return std::nullopt;
    };
    for (const Entry& e : n.entries) {
      path.push_back({false, e.key});
      if (auto v = child(e.value)) out.entries.push_back(Entry{e.key, e.key_loc, std::move(*v)});
      path.pop_back();
    }
    for (const Node& item : n.items) {
      path.push_back({true, {}});
      if (auto v = child(item)) out.items.push_back(std::move(*v));
      path.pop_back();
    }
    return out;
  };
  if (!root.is_map()) return Node{};
  return keep(keep, root);
}

} // namespace nines
