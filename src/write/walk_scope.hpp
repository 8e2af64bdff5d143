// Whether the repository walk reads a file, for the commands that write a document the next run
// must read (`report --freeze`): a file nines.yaml `include` / `exclude` leave out is written but
// never read, so what it holds has no effect.
#pragma once

#include "model/model.hpp"

#include <optional>
#include <string>

namespace nines {

// Why the walk leaves a file out.
struct WalkSkip {
  std::string setting; // "exclude", "include", or "folder" (a hidden or reserved folder)
  std::string pattern; // the exclude glob, or the folder; empty for include (no glob matches)
};

// nullopt when the walk of a repository configured by `config` reads the YAML or Markdown file
// `rel` (repository-relative, '/'-separated); else why not. The same rules as load_repo's walk:
// a folder whose name starts with '.', the top-level site/, layouts/ and node_modules/, an
// excluded folder or file, and a file no include glob matches are not read.
std::optional<WalkSkip> walk_skips(const Config& config, const std::string& rel);

} // namespace nines
