// YAML text → positioned trees, one per document, with the hygiene checks of the load stage.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/node.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

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
void read_yaml(std::string_view text, const std::string& file, int line_offset,
               const YamlLimits& limits, DiagBag& diags,
               const std::function<void(Node&& root, int doc_index)>& on_doc);

// Convenience for tests and small inputs: the first document, or a Null node.
Node parse_yaml_string(std::string_view text, DiagBag& diags, const std::string& file = "<string>");

// YAML 1.1 booleans that YAML 1.2 reads as strings: `on`, `no`, `yes`, `off`, `y`, `n`.
bool looks_like_yaml11_bool(std::string_view plain);

} // namespace nines
