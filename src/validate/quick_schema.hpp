// A fast yes/no JSON Schema check for the draft-7 keywords nines' schemas use, run before
// valijson. valijson builds a context path, a set of matched names and, for every
// `patternProperties` entry, a std::regex for every object it visits, which made validation cost
// more than parsing. Almost every document is valid, and for a valid document valijson has
// nothing to say; so this check decides validity on its own, and only a document it rejects
// goes to valijson, whose findings are reported as before.
#pragma once

#include "model/node.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nines {

class QuickSchema {
public:
  // `schema` is the schema as valijson compiles it (draft 7, local `$ref`s only).
  explicit QuickSchema(const nlohmann::json& schema);
  ~QuickSchema();
  QuickSchema(const QuickSchema&) = delete;
  QuickSchema& operator=(const QuickSchema&) = delete;

  // True only when valijson would find no error in `doc`. False when it would, and also when
  // the schema uses a keyword this check does not implement: the caller then asks valijson.
  bool passes(const nlohmann::json& doc) const;
  // The same verdict for the tree as to_json() would convert it, read in place.
  bool passes(const Node& doc) const;

  // Whether every keyword of the schema is implemented (else passes() is always false).
  bool complete() const { return m_complete; }

private:
  struct Rule;
  int compile(const nlohmann::json& root, const nlohmann::json& s, int depth);
  // One implementation for both forms (validate/json_view.hpp).
  template <class View> bool check(int rule, const View& v) const;

  std::vector<std::unique_ptr<Rule>> m_rules;
  std::vector<std::pair<const nlohmann::json*, int>> m_compiled; // schema node → its rule
  bool m_complete = true;
  int m_root = -1;
};

} // namespace nines
