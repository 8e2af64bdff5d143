// libFuzzer entry: one input is one YAML document file, one CSV file or one Markdown body (the
// first byte chooses: 'c' CSV, 'm' Markdown, anything else YAML). YAML and CSV are taken through
// what the load and validate stages do with them: text checks, YAML parsing into positioned trees,
// kind detection, JSON Schema validation and decoding into the model. Markdown is taken through
// what render does with a runbook's or postmortem's body: the refusal of hostile text, cmark-gfm,
// and nines' own pass over its output (URL vetting and rewriting, heading ids). Any crash, leak,
// hang or undefined behaviour is a bug, and so are the quick schema check passing a document
// valijson rejects, the tree's digest differing from its JSON form's, and rendered Markdown that
// holds raw HTML or an unsafe link; diagnostics are the expected outcome.
#include "load/loader.hpp"
#include "load/yaml_reader.hpp"
#include "model/model.hpp"
#include "render/html.hpp"
#include "render/markdown.hpp"
#include "validate/decode.hpp"
#include "validate/schemas.hpp"
#include "validate/yaml_json.hpp"

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

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

// Whether `html` (render_markdown's output) holds what a body must never put on a page: an element
// that runs script, styles the page or loads another document, an event handler attribute, or a
// link or image whose URL is not safe. Text is escaped, so every '<' opens a tag nines wrote or
// let through; each tag is read and judged.
bool unsafe_html(const std::string& html) {
  static const std::set<std::string, std::less<>> k_allowed = {
      "a",     "blockquote", "br",  "code",   "del",     "em",    "h1",    "h2",
      "h3",    "h4",         "h5",  "h6",     "hr",      "img",   "input", "li",
      "ol",    "p",          "pre", "strong", "table",   "tbody", "td",    "th",
      "thead", "tr",         "ul",  "sup",    "section", "div",   "span",  "figure"};
  auto lower = [](std::string v) {
    for (char& c : v)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v;
  };
  // What cmark-gfm's safe mode leaves where raw HTML was.
  static constexpr std::string_view k_omitted = "<!-- raw HTML omitted -->";
  for (std::size_t lt = html.find('<'); lt != std::string::npos; lt = html.find('<', lt + 1)) {
    if (std::string_view(html).substr(lt, k_omitted.size()) == k_omitted) continue;
    const std::size_t gt = html.find('>', lt);
    if (gt == std::string::npos) return true;
    std::string_view tag(html.data() + lt + 1, gt - lt - 1);
    if (!tag.empty() && tag.front() == '/') tag.remove_prefix(1);
    std::size_t n = 0;
    while (n < tag.size() && std::isalnum(static_cast<unsigned char>(tag[n])))
      ++n;
    if (k_allowed.count(lower(std::string(tag.substr(0, n)))) == 0) return true;
    // Attributes: name="value", values escaped (no '"' inside).
    std::size_t i = n;
    while (i < tag.size()) {
      while (i < tag.size() && (tag[i] == ' ' || tag[i] == '/'))
        ++i;
      const std::size_t name_begin = i;
      while (i < tag.size() && tag[i] != '=' && tag[i] != ' ' && tag[i] != '/')
        ++i;
      const std::string name = lower(std::string(tag.substr(name_begin, i - name_begin)));
      if (name.rfind("on", 0) == 0 || name == "style" || name == "srcdoc" || name == "formaction")
        return true;
      if (i >= tag.size() || tag[i] != '=') continue;
      if (i + 1 >= tag.size() || tag[i + 1] != '"') return true;
      const std::size_t value_end = tag.find('"', i + 2);
      if (value_end == std::string_view::npos) return true;
      std::string value(tag.substr(i + 2, value_end - i - 2));
      i = value_end + 1;
      if (name != "href" && name != "src") continue;
      // Attribute values are escaped; the vetting saw the URL unescaped.
      for (std::size_t amp = value.find("&amp;"); amp != std::string::npos;
           amp = value.find("&amp;", amp + 1))
        value.replace(amp, 5, "&");
      if (!value.empty() && !is_safe_url(value)) return true;
    }
  }
  return false;
}

void fuzz_markdown(const std::string& text) {
  if (check_text(text)) return; // the loader stops here, with a diagnostic
  MarkdownOptions options;
  options.top_heading_level = 2;
  // As the site's rewriting does: a link to a document of the repository becomes its page.
  options.rewrite_url = [](std::string_view url) {
    std::string out(url);
    if (out.size() > 3 && out.compare(out.size() - 3, 3, ".md") == 0)
      out.replace(out.size() - 3, 3, "/");
    return out;
  };
  const MarkdownResult r = render_markdown(text, options);
  if (r.refused) {
    if (!r.headings.empty() || !r.links.empty() || r.refused->line < 1 || r.refused->col < 1)
      __builtin_trap();
    return;
  }
  if (unsafe_html(r.html)) __builtin_trap();
  std::set<std::string> anchors;
  for (const Heading& h : r.headings)
    if (h.level < 1 || h.level > 6 || h.anchor.empty() || !anchors.insert(h.anchor).second)
      __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] == 'c')
    fuzz_csv(text);
  else if (data[0] == 'm')
    fuzz_markdown(text);
  else
    fuzz_yaml(text);
  return 0;
}
