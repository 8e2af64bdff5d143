// The load stage: walk a content repository and turn its files into positioned documents.
#pragma once

#include "diag/diagnostic.hpp"
#include "load/yaml_reader.hpp"
#include "model/node.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace nines {

// One document as read from disk, before schema validation.
struct RawDoc {
  std::string file; // relative path
  int index = 0;    // position in a multi-document file
  std::string kind; // "service", ..., "prometheus_rules", "openslo", "backstage"
  Node root;        // the whole document
  Loc kind_loc;     // the top-level key
  std::string body; // Markdown prose after front matter
};

// One line of metrics/*.csv, split but not yet checked.
struct RawCsvRow {
  std::string file;
  int line = 0;
  std::vector<std::string> cells;
};

struct LoadOptions {
  std::size_t max_file_bytes = 8u << 20;
  YamlLimits yaml;
  std::vector<std::string> skip_dirs; // relative folders never walked (output, cache)
};

// The document kinds of SPEC 1.2, in the order the site lists them.
const std::vector<std::string>& document_kinds();

// Reads `nines.yaml` at the repository root. Returns a Null node when there is none.
Node load_config_file(const std::filesystem::path& root, const LoadOptions& opts, DiagBag& diags);

// Walks the repository in sorted path order and hands every document to `on_doc` as it is parsed,
// so at most one file's trees are alive at a time. CSV rows go to `on_csv`.
void load_repo(const std::filesystem::path& root, const LoadOptions& opts, DiagBag& diags,
               const std::function<void(RawDoc&&)>& on_doc,
               const std::function<void(RawCsvRow&&)>& on_csv);

// Splits "---\nfront matter\n---\nbody". Returns false when the text has no front matter.
bool split_front_matter(const std::string& text, std::string& yaml, std::string& body,
                        int& body_line);

// Splits one CSV line into cells (RFC 4180 quotes; a trailing CR is dropped). Shared by the loader
// and `metrics import`, so both read a file the same way.
void split_csv_line(const std::string& line, std::vector<std::string>& cells);

// The slug of a file name without its extension: "Pay API.yaml" → "pay-api".
std::string path_stem_slug(const std::string& rel_path);

} // namespace nines
