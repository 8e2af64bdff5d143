// The templates compiled into the binary (templates/ in the source tree): the documents of
// `nines new` and the files `nines init` writes, rendered with Mustache and written without ever
// replacing a file that exists.
#pragma once

#include <filesystem>
#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

// Renders the template at `path` (relative to templates/, e.g. "slo.yaml"). Templates use the
// delimiters <% %> so that nines' own {{service}} placeholders in queries and GitHub's ${{ }}
// expressions pass through untouched; values are inserted as given (<%&name%>), never escaped.
// Throws std::logic_error for a template that is missing or does not parse: both are bugs.
std::string render_template(std::string_view path, const kainjow::mustache::data& data);

// The paths of the embedded templates under `folder` ("init/"), sorted.
std::vector<std::string> template_paths(std::string_view folder);

// A file to write: its path relative to the repository and its content.
struct PlannedFile {
  std::filesystem::path rel;
  std::string content;
  // The kind of the document it holds (the registry's name, e.g. "error_budget_policy"), whose id
  // is the file's stem; empty for files that are no document.
  std::string kind = {};
};

// Writes every file under `root`, creating folders, all or nothing. Refuses, before writing
// anything, when one of them exists: returns that path's display form, or "" when all were
// written. Throws WriteError when a folder cannot be made (a file is in its place, checked before
// anything is written) or a file cannot be written; the files and folders it had made by then are
// removed first.
std::string write_new_files(const std::filesystem::path& root,
                            const std::vector<PlannedFile>& files);

} // namespace nines
