// YAML text → positioned trees, one per document, with the hygiene checks of the load stage.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/node.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

struct YamlLimits {
  // Nodes per file after alias expansion: stops "billion laughs" alias bombs long before memory
  // does.
  std::size_t max_nodes = 1'000'000;
};

// Findings about one document that matter only when nines reads it: its keys are then names, so
// a key that is not a scalar (`{{ .Values.x }}: …` in a Helm template is valid YAML), a key
// written twice and a merge key (`<<`) that merges no mapping are errors in it. In another tool's
// file they are that tool's business (MkDocs reads an mkdocs.yml with `markdown_extensions:`
// twice), and the file is skipped like any other.
struct HeldFindings {
  std::vector<Loc> complex_keys;    // reported once per line
  std::vector<Diagnostic> findings; // duplicate keys, merge keys, as they are reported
  bool empty() const { return complex_keys.empty() && findings.empty(); }
  void clear() {
    complex_keys.clear();
    findings.clear();
  }
};

// Parses every document of `text` and hands each to `on_doc` as soon as it is complete, so a
// multi-document file never holds more than one tree. Syntax errors, duplicate keys, tabs in
// indentation and alias bombs become diagnostics located in `file`; `line_offset` shifts lines when
// the YAML is a front matter block inside a Markdown file. Every position (nodes and findings) has
// its column in characters, as Loc says, though the parser counts bytes.
//
// With `held`, HeldFindings' findings are not reported but kept there for the document on_doc
// gets next (it is cleared before each): a caller that finds the document foreign skips it, and
// reports them (report_held_findings) for a document of its own. Without it (nines.yaml, which is
// always ours) they are reported at once. A document cut short by a syntax error is not handed
// on, and what was held for it is dropped with it: whose document it is cannot be told, and the
// syntax error is the file's finding.
void read_yaml(std::string_view text, const std::string& file, int line_offset,
               const YamlLimits& limits, DiagBag& diags,
               const std::function<void(Node&& root, int doc_index)>& on_doc,
               HeldFindings* held = nullptr);
void report_held_findings(const HeldFindings& held, const std::string& file, DiagBag& diags);

// Convenience for tests and small inputs: the first document, or a Null node.
Node parse_yaml_string(std::string_view text, DiagBag& diags, const std::string& file = "<string>");

// YAML 1.1 booleans that YAML 1.2 reads as strings: `on`, `no`, `yes`, `off`, `y`, `n`.
bool looks_like_yaml11_bool(std::string_view plain);

} // namespace nines
