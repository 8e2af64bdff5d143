// `nines check --since REV`: a pull-request summary of what the working tree changes against
// revision REV of the same git repository.
#pragma once

#include "cli/common.hpp"

#include <string>

namespace nines {

// Loads the documents as they were at `rev` straight from git's objects (no checkout), runs both
// sides up to the figures, and prints the summary to stdout as Markdown ("text", the default) or
// JSON ("json"). Returns check's exit code for the current side; 2 for a revision that does not
// exist (or no git repository) or an output format the summary does not have.
int run_check_since(const CommonOpts& common, const std::string& rev, const std::string& format,
                    bool strict);

} // namespace nines
