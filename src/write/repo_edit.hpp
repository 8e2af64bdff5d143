// Small, surgical edits of YAML documents in the content repository, for the commands that write
// back (`signoff`, `report --freeze`). The rest of the file — comments, order, formatting, the
// Markdown body — is kept byte for byte; only the lines of the change are added.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/model.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace nines {

// An edit the document cannot take as written (flow style, say). The file is not changed; `loc`
// is the place in it that stands in the way (line 0: the file as a whole).
struct EditError : std::runtime_error {
  explicit EditError(const std::string& what, Loc at = {}) : std::runtime_error(what), loc(at) {}
  Loc loc;
};

// "FILE:LINE:COL" of an edit error in `file`, or just "FILE" when it names no place.
std::string edit_error_place(const std::string& file, const EditError& e);

// In the document of `file` (YAML, or Markdown front matter) whose top-level key is `kind` and
// whose `match_key` field equals `match_value` (empty `match_key`: the first such document),
// appends `item_yaml` (block YAML of one mapping, unindented) as a new item of the list
// `list_key`, creating the list when the document has none. Every edit is checked by reading the
// result back: the file's other documents and the document's other fields must read exactly as
// before, or EditError is thrown instead of returning a text that lost something. A document
// written in flow style (`kind: {...}`) is refused (EditError at its `{`): its fields share lines.
std::string append_list_item(const std::string& text, const std::string& kind,
                             const std::string& match_key, const std::string& match_value,
                             const std::string& list_key, const std::string& item_yaml);

// Sets `key` of that document to `value_yaml` (block YAML, unindented), replacing the old value
// when the key exists.
std::string set_field(const std::string& text, const std::string& kind,
                      const std::string& match_key, const std::string& match_value,
                      const std::string& key, const std::string& value_yaml);

// The post-edit check of a command that wrote `file`: the documents the run before the edit read
// from it (by kind) that the run after no longer reads from it, as "readiness_review" or
// "2 monthly_report"; empty when every one is still there. A file that no longer classifies as
// the kind it was is an edit that failed, even when the repository checks clean without it.
std::string documents_lost(const Repo& before, const Repo& after, const std::string& file);

// Block YAML for a JSON value that nines reads back as the same JSON: strings are always quoted
// (so "2026-10" or "123" stay strings) and numbers keep their shortest round-trip form.
std::string json_to_yaml(const nlohmann::json& value);

// A YAML scalar that reads back as exactly `s` (double-quoted when needed).
std::string yaml_quote(const std::string& s);

} // namespace nines
