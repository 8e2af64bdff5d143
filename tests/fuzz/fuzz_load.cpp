// libFuzzer entry: one input is one YAML document file or one CSV file (the first byte chooses),
// taken through what the load and validate stages do with it: text checks, YAML parsing into
// positioned trees, kind detection, JSON Schema validation and decoding into the model. Any
// crash, leak, hang or undefined behaviour is a bug, and so are the quick schema check passing a
// document valijson rejects and the tree's digest differing from its JSON form's; diagnostics
// are the expected outcome.
#include "load/loader.hpp"
#include "load/yaml_reader.hpp"
#include "model/model.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"
#include "validate/yaml_json.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

using namespace nines;

namespace {

const SchemaSet& schemas() {
  static const SchemaSet set;
  return set;
}

void fuzz_yaml(const std::string& text) {
  DiagBag diags;
  if (check_text(text)) return; // the loader stops here, with a diagnostic
  YamlLimits limits;
  limits.max_nodes = 20000; // small: the fuzzer should look for bugs, not for slow inputs
  Repo repo;
  read_yaml(text, "fuzz.yaml", 0, limits, diags, [&](Node&& root, int index) {
    if (index == 0 && !schemas().quick_check_sound("nines", root)) __builtin_trap();
    // The digest read from the tree is the digest of its JSON form.
    if (node_digest(root) != json_digest(to_json(root).value)) __builtin_trap();
    if (index == 0 && schemas().validate("nines", root, "nines.yaml", diags))
      decode_config(root, repo.config);
    if (!root.is_map() || root.entries.empty()) return;
    RawDoc doc;
    doc.file = "fuzz.yaml";
    doc.index = index;
    doc.kind = root.entries.front().key;
    doc.kind_loc = root.entries.front().key_loc;
    doc.root = std::move(root);
    if (!schemas().has(doc.kind)) return;
    // The quick schema check may only call a document valid when valijson does too: a document
    // it passed wrongly would lose its findings. Its verdict on the tree is its verdict on the
    // tree's JSON form.
    if (!schemas().quick_check_sound(doc.kind, doc.root)) __builtin_trap();
    if (schemas().validate(doc.kind, doc.root, doc.file, diags))
      decode_document(doc, "0000000000000000", repo, diags);
  });
  (void)diags.sorted();
}

void fuzz_csv(const std::string& text) {
  if (check_text(text)) return;
  DiagBag diags;
  Repo repo;
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> cells;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    split_csv_line(line, cells);
    decode_csv_row(RawCsvRow{"metrics/fuzz.csv", n, cells}, repo, diags);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] == 'c')
    fuzz_csv(text);
  else
    fuzz_yaml(text);
  return 0;
}
