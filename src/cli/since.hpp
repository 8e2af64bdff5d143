// `nines check --since REV`: a pull-request summary of what the working tree changes against
// revision REV of the same git repository.
#pragma once

#include "cli/common.hpp"
#include "diag/diagnostic.hpp"

#include <string>
#include <string_view>

namespace nines {

// Loads the documents as they were at `rev` straight from git's objects (no checkout), runs both
// sides up to the figures, and prints the summary to stdout as Markdown ("text", the default) or
// JSON ("json"). Returns check's exit code for the current side; 2 for a revision that does not
// exist (or no git repository) or an output format the summary does not have.
int run_check_since(const CommonOpts& common, const std::string& rev, const std::string& format,
                    bool strict);

// What a diagnostic is matched by across the two sides: its file, rule, severity and message,
// without the parts of the message that name other positions or which commit last changed the
// file (the comment in since.cpp lists them), so a finding that only moved is not new and fixed.
std::string since_key(const Diagnostic& d);

// `text` as one Markdown code span that renders exactly as written, whatever backticks it holds.
std::string md_code(std::string_view text);

// `text` as literal Markdown inside a line (a sign-off's name or role): its inline syntax escaped.
std::string md_text(std::string_view text);

} // namespace nines
