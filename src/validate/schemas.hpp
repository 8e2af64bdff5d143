// The validate stage, part 1: JSON Schema (draft 7) validation of positioned documents.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/node.hpp"
#include "validate/yaml_json.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

// The schemas shipped with nines, compiled into the binary: kind → JSON text.
const std::map<std::string, std::string_view>& embedded_schemas();

// The schemas of every kind, each parsed when first needed; validation is thread-safe.
class SchemaSet {
public:
  SchemaSet();
  ~SchemaSet();
  SchemaSet(const SchemaSet&) = delete;
  SchemaSet& operator=(const SchemaSet&) = delete;

  // Validates the whole document `root` against the schema named `kind` ("service", "nines", ...).
  // Each failure is reported at the offending node with its field path and value. Returns true when
  // the document is valid. Warns about YAML 1.1 booleans (`on`, `no`...) left in string fields.
  bool validate(const std::string& kind, const Node& root, const std::string& file,
                DiagBag& diags) const;

  bool has(const std::string& kind) const;

  // Whether `key` is a field of a `kind` document (a property under the kind's key in its
  // schema): a top-level key beside `postmortem:` that is one of its fields is a field written
  // at the wrong indentation, not another tool's key.
  bool has_field(const std::string& kind, const std::string& key) const;

  // The part of `root` that validates against the schema of `kind` (nothing is reported): `root`
  // itself when it is valid, else every map entry and sequence item that is valid where it
  // stands, at any depth, with the invalid ones left out. nines.yaml is read this way, so one bad
  // setting costs only itself and its default is used instead.
  Node valid_part(const std::string& kind, const Node& root) const;

  // Parses and compiles every schema now rather than when first needed, for tests: a broken
  // schema throws here.
  void compile_all() const;

  // Whether the quick check's verdict on `root` is one valijson backs: false when the quick
  // check passes a document in which valijson finds an error (a finding nines would then miss),
  // and when its verdict on the tree differs from its verdict on the tree's JSON form. For the
  // fuzz target and tests, which hold the fast path to valijson's answers.
  bool quick_check_sound(const std::string& kind, const Node& root) const;

  // The schema of `kind` as valijson compiled it (formats rewritten as patterns), for tests.
  nlohmann::json compiled_schema(const std::string& kind) const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace nines
