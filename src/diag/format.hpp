// Diagnostics as text, JSON, GitHub workflow annotations and SARIF 2.1.0.
#pragma once

#include "diag/diagnostic.hpp"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

enum class DiagFormat { Text, Json, Github, Sarif };

// Parses "text", "json", "github" or "sarif".
bool parse_diag_format(const std::string& s, DiagFormat& out);

// Writes the diagnostics (already sorted) in `format`. Text ends with a summary line. `errors` and
// `warnings` count every finding, `dropped` those left out of `diags` (the cap). Each format says
// how many were left out: text and GitHub in a line, SARIF in the run's `properties` and a
// tool notification; JSON, whose array holds only findings, on `note_out` when it is given.
// GitHub resolves annotation and SARIF paths from the top of the repository it checked out, so
// those two formats put `git_prefix` (`check --path-prefix`: the content repository's folder in a
// monorepo, "reliability/") before each path; text and JSON stay relative to DIR.
void write_diagnostics(std::ostream& out, DiagFormat format, const std::vector<Diagnostic>& diags,
                       std::size_t errors, std::size_t warnings, std::size_t dropped,
                       const std::string& tool_version, std::ostream* note_out = nullptr,
                       const std::string& git_prefix = "");

// The JSON array form ({file, line, column, severity, rule, message, hint}), also
// api/diagnostics.json.
std::string diagnostics_json(const std::vector<Diagnostic>& diags);
// One finding of that array: every JSON output of findings (`check --since` too) has this shape.
nlohmann::ordered_json diagnostic_json(const Diagnostic& d);

// A repository-relative path as a URI reference: every byte but the unreserved characters
// (RFC 3986: letters, digits, - . _ ~) and `/` percent-encoded, so `my dir/a%.yaml` becomes
// `my%20dir/a%25.yaml`. SARIF's `artifactLocation.uri` and the site's links to repository files.
std::string percent_encode_path(std::string_view path);

// Every rule id with a one-line description: the one list of rule ids, for SARIF's rule table,
// the ids nines.yaml `rules:` accepts and the docs. A unit test finds every rule id the sources
// report and fails on one missing here.
const std::vector<std::pair<std::string, std::string>>& rule_catalog();

// Why a rule cannot be lowered to `warning` or `off` in nines.yaml `rules:`, or nullptr when it
// can. These rules guard what nines reads and where it writes: on their findings a file, a
// document or a CSV row is not read, or a page could not be written, so a milder severity would
// report as passing what the site leaves out (or a build that cannot be written).
const char* rule_kept_as_error(std::string_view id);

} // namespace nines
