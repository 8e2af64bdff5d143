// Positioned YAML → nlohmann::json, the form valijson validates (its yaml-cpp adapter is unusable).
#pragma once

#include "model/node.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace nines {

struct YamlJson {
  nlohmann::json value;
  std::vector<Loc> yaml11_bools; // plain `on`/`no`/... scalars kept as strings
};

// Whether a list item is left as the templates leave it, and so not given (SPEC 1.3): absent
// (`- ""`), or a mapping in which nothing is given: each value is null, "" or an empty list or
// mapping, at least one of them "" (the templates' placeholder; a null is no template's). `id` and
// `status` do not count as given: the seed's action item row comes with `id: "AI-001"` and `status:
// "open"` filled in beside its empty description, owner and deadline, and is still the template's
// placeholder row.
bool is_placeholder_row(const Node& item);

// Converts with YAML 1.2 core-schema typing of plain scalars. Absent values (null, "") are dropped
// from mappings, and placeholder rows (is_placeholder_row) from lists, so "not given" and "left as
// the template's placeholder" mean the same. `.nan` and `.inf` stay strings: no figure may ever be
// NaN.
YamlJson to_json(const Node& root);

// Removes the placeholder rows of every list in the tree, as to_json leaves them out: what the
// decoders read is then what the schema checked.
void drop_placeholder_rows(Node& root);

// The tree as data nines wrote and reads back (a frozen report's figures): a YAML null stays a
// JSON null, so a key whose figure is null is still there, as the file has it. Schemas and
// digests never see this form: for them a null is "not given" (to_json).
nlohmann::json to_json_keeping_nulls(const Node& root);

// The document digest: fnv1a_hex of `value.dump(-1, ' ', false, error_handler_t::replace)`, the
// same 16 hex digits, hashed as the text is produced instead of from a string built first.
std::string json_digest(const nlohmann::json& value);

// The same digest as json_digest(to_json(root).value), read from the tree without converting it.
std::string node_digest(const Node& root);

// The plain scalars that to_json keeps as strings although YAML 1.1 tools read them as booleans
// (`on`, `no`, ...), in document order.
std::vector<Loc> yaml11_bools(const Node& root);

// YAML 1.2 core schema resolution of a plain scalar: null, bool, int or float; nullopt → string.
std::optional<nlohmann::json> resolve_plain(const std::string& s);

// The number resolve_plain reads in `s`, as a double; nullopt when it reads no number (a string,
// null, a boolean, or a float that is not finite).
std::optional<double> plain_number(const std::string& s);

} // namespace nines
