// Diagnostics as text, JSON, GitHub workflow annotations and SARIF 2.1.0.
#pragma once

#include "diag/diagnostic.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace nines {

enum class DiagFormat { Text, Json, Github, Sarif };

// Parses "text", "json", "github" or "sarif".
bool parse_diag_format(const std::string& s, DiagFormat& out);

// Writes the diagnostics (already sorted) in `format`. Text ends with a summary line.
void write_diagnostics(std::ostream& out, DiagFormat format, const std::vector<Diagnostic>& diags,
                       std::size_t errors, std::size_t warnings, std::size_t dropped,
                       const std::string& tool_version);

// The JSON array form ({file, line, column, severity, rule, message, hint}), also
// api/diagnostics.json.
std::string diagnostics_json(const std::vector<Diagnostic>& diags);

// Every rule id with a one-line description, for SARIF's rule table and the docs.
const std::vector<std::pair<std::string, std::string>>& rule_catalog();

} // namespace nines
