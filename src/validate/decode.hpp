// The validate stage, part 2: schema-valid documents → typed model structs.
#pragma once

#include "diag/diagnostic.hpp"
#include "load/loader.hpp"
#include "model/kinds.hpp"
#include "model/model.hpp"

#include <string>

namespace nines {

// Decodes nines.yaml (already schema-checked) into `cfg`.
void decode_config(const Node& root, Config& cfg);

// Decodes one document into the matching vector of `repo`. Checks what a schema cannot express:
// the id's form, duration and policy-condition syntax. `digest` identifies the document's content.
// The document's body is moved into the model.
void decode_document(RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags);

// Maps an OpenSLO v1 or Backstage catalog document onto the same model (validate/dialects.cpp).
void decode_dialect(const RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags);

// The JSON Schema a dialect document is checked against ("openslo-slo", ...), or "" when the
// dialect has none for it (its decoder then reports what it cannot read).
std::string dialect_schema(const RawDoc& doc);

// After the last document: what needs the whole repository. An OpenSLO SLI whose DataSource is
// not Prometheus-compatible loses its query (shown, never sent to Prometheus); an OpenSLO SLO
// naming an unknown service is a warning and the service is added as implied.
void finish_dialects(Repo& repo, DiagBag& diags);

// Checks and adds one metrics/*.csv row (header rows are recognised and checked). False for a
// header row, true for a row of data (added, or reported as bad), so callers count data rows.
bool decode_csv_row(const RawCsvRow& row, Repo& repo, DiagBag& diags);

} // namespace nines
