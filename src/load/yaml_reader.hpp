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

// Parses every document of `text` and hands each to `on_doc` as soon as it is complete, so a
// multi-document file never holds more than one tree. Syntax errors, duplicate keys, tabs in
// indentation and alias bombs become diagnostics located in `file`; `line_offset` shifts lines when
// the YAML is a front matter block inside a Markdown file. Every position (nodes and findings) has
// its column in characters, as Loc says, though the parser counts bytes.
//
// With `complex_keys`, a mapping key that is not a scalar (`{{ .Values.x }}: …` in a Helm
// template is valid YAML) is not reported but listed there, for the document on_doc gets next
// (the list is cleared before each): a caller that finds the document foreign skips it as valid
// YAML, and reports them (report_complex_keys) for a document of its own, whose keys are names.
void read_yaml(std::string_view text, const std::string& file, int line_offset,
               const YamlLimits& limits, DiagBag& diags,
               const std::function<void(Node&& root, int doc_index)>& on_doc,
               std::vector<Loc>* complex_keys = nullptr);
void report_complex_keys(const std::vector<Loc>& keys, const std::string& file, DiagBag& diags);

// Convenience for tests and small inputs: the first document, or a Null node.
Node parse_yaml_string(std::string_view text, DiagBag& diags, const std::string& file = "<string>");

// YAML 1.1 booleans that YAML 1.2 reads as strings: `on`, `no`, `yes`, `off`, `y`, `n`.
bool looks_like_yaml11_bool(std::string_view plain);

} // namespace nines
