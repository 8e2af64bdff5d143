// Small, surgical edits of YAML documents in the content repository, for the commands that write
// back (`signoff`, `report --freeze`). The rest of the file — comments, order, formatting, the
// Markdown body — is kept byte for byte; only the lines of the change are added.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace nines {

struct EditError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// In the document of `file` (YAML, or Markdown front matter) whose top-level key is `kind` and
// whose `match_key` field equals `match_value` (empty `match_key`: the first such document),
// appends `item_yaml` (block YAML of one mapping, unindented) as a new item of the list
// `list_key`, creating the list when the document has none.
std::string append_list_item(const std::string& text, const std::string& kind,
                             const std::string& match_key, const std::string& match_value,
                             const std::string& list_key, const std::string& item_yaml);

// Sets `key` of that document to `value_yaml` (block YAML, unindented), replacing the old value
// when the key exists.
std::string set_field(const std::string& text, const std::string& kind,
                      const std::string& match_key, const std::string& match_value,
                      const std::string& key, const std::string& value_yaml);

// Block YAML for a JSON value that nines reads back as the same JSON: strings are always quoted
// (so "2026-10" or "123" stay strings) and numbers keep their shortest round-trip form.
std::string json_to_yaml(const nlohmann::json& value);

// A YAML scalar that reads back as exactly `s` (double-quoted when needed).
std::string yaml_quote(const std::string& s);

} // namespace nines
