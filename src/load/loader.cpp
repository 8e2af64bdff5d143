#include "load/loader.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

namespace nines {
namespace fs = std::filesystem;

const std::vector<std::string>& document_kinds() {
  static const std::vector<std::string> kinds = {"service",
                                                 "sli",
                                                 "slo",
                                                 "error_budget_policy",
                                                 "postmortem",
                                                 "runbook",
                                                 "toil_item",
                                                 "capacity_model",
                                                 "experiment",
                                                 "auto_remediation",
                                                 "oncall_rotation",
                                                 "readiness_review",
                                                 "assessment",
                                                 "monthly_report"};
  return kinds;
}

namespace {

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Decides what a top-level document is. Reports documents that are none of the known kinds.
void classify(Node&& root, int index, const std::string& rel, const std::string& body,
              int body_line, DiagBag& diags, const std::function<void(RawDoc&&)>& on_doc) {
  (void)body_line;
  if (root.is_null()) return; // an empty document, e.g. a trailing "---"
  if (!root.is_map()) {
    diags.error(rel, root.loc, "unknown-kind",
                "a document must be a mapping whose single top-level key names its kind",
                "e.g. `service:` followed by the service's fields");
    return;
  }
  RawDoc doc;
  doc.file = rel;
  doc.index = index;
  doc.body = body;
  if (const Node* api = root.get("apiVersion"); api && api->is_scalar()) {
    if (api->value.rfind("openslo/", 0) == 0)
      doc.kind = "openslo";
    else if (api->value.rfind("backstage.io/", 0) == 0)
      doc.kind = "backstage";
    if (!doc.kind.empty()) {
      doc.kind_loc = root.loc;
      doc.root = std::move(root);
      on_doc(std::move(doc));
      return;
    }
  }
  if (const Node* groups = root.get("groups"); groups && groups->is_seq()) {
    doc.kind = "prometheus_rules";
    doc.kind_loc = root.loc;
    doc.root = std::move(root);
    on_doc(std::move(doc));
    return;
  }
  std::vector<const Entry*> keys;
  for (const auto& e : root.entries)
    if (e.key.rfind("x-", 0) != 0) keys.push_back(&e);
  if (keys.size() != 1) {
    Loc at = keys.size() > 1 ? keys[1]->key_loc : root.loc;
    diags.error(rel, at, "unknown-kind",
                "a document has exactly one top-level key naming its kind, found " +
                    std::to_string(keys.size()),
                "separate documents with `---`, or indent the fields under the kind key");
    return;
  }
  const auto& kinds = document_kinds();
  if (std::find(kinds.begin(), kinds.end(), keys[0]->key) == kinds.end()) {
    diags.error(rel, keys[0]->key_loc, "unknown-kind",
                "unknown document kind '" + keys[0]->key + "'" + did_you_mean(keys[0]->key, kinds),
                "known kinds: service, sli, slo, error_budget_policy, postmortem, runbook, "
                "toil_item, capacity_model, experiment, auto_remediation, oncall_rotation, "
                "readiness_review, assessment, monthly_report");
    return;
  }
  doc.kind = keys[0]->key;
  doc.kind_loc = keys[0]->key_loc;
  doc.root = std::move(root);
  on_doc(std::move(doc));
}

} // namespace

void split_csv_line(const std::string& line, std::vector<std::string>& cells) {
  cells.clear();
  std::string cur;
  bool in_quotes = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == ',') {
      cells.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  cells.push_back(cur);
}

std::string path_stem_slug(const std::string& rel_path) {
  std::string name = fs::path(rel_path).stem().string();
  std::string out;
  for (char ch : name) {
    unsigned char c = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(ch)));
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-')
      out += static_cast<char>(c);
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && (out.front() == '-' || out.front() == '.' || out.front() == '_'))
    out.erase(out.begin());
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  if (out.size() > 128) out.resize(128);
  return out;
}

bool split_front_matter(const std::string& text, std::string& yaml, std::string& body,
                        int& body_line) {
  std::size_t start = 0;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) start = 3; // UTF-8 byte order mark
  auto line_is = [&](std::size_t pos, const char* marker) {
    std::size_t n = std::char_traits<char>::length(marker);
    if (text.compare(pos, n, marker) != 0) return false;
    std::size_t after = pos + n;
    while (after < text.size() && (text[after] == ' ' || text[after] == '\r'))
      ++after;
    return after == text.size() || text[after] == '\n';
  };
  if (!line_is(start, "---")) return false;
  std::size_t first_nl = text.find('\n', start);
  if (first_nl == std::string::npos) return false;
  std::size_t pos = first_nl + 1;
  int line = 2;
  while (pos <= text.size()) {
    if (line_is(pos, "---") || line_is(pos, "...")) {
      yaml = text.substr(first_nl + 1, pos - first_nl - 1);
      std::size_t nl = text.find('\n', pos);
      body = nl == std::string::npos ? std::string() : text.substr(nl + 1);
      body_line = line + 1;
      return true;
    }
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
    ++line;
  }
  return false;
}

Node load_config_file(const fs::path& root, const LoadOptions& opts, DiagBag& diags) {
  fs::path p = root / "nines.yaml";
  std::error_code ec;
  if (!fs::exists(p, ec)) return Node{};
  if (fs::file_size(p, ec) > opts.max_file_bytes) {
    diags.error("nines.yaml", {}, "file-too-large",
                "nines.yaml is larger than the file size limit");
    return Node{};
  }
  std::string text;
  if (!read_file(p, text)) {
    diags.error("nines.yaml", {}, "file-unreadable", "cannot read nines.yaml");
    return Node{};
  }
  Node out;
  read_yaml(text, "nines.yaml", 0, opts.yaml, diags, [&](Node&& n, int idx) {
    if (idx == 0) out = std::move(n);
  });
  return out;
}

void load_repo(const fs::path& root, const LoadOptions& opts, DiagBag& diags,
               const std::function<void(RawDoc&&)>& on_doc,
               const std::function<void(RawCsvRow&&)>& on_csv) {
  std::error_code ec;
  fs::path canon_root = fs::weakly_canonical(root, ec);
  std::vector<std::pair<std::string, fs::path>> files; // (relative, absolute)
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    // Lexical, so a symbolic link is named by where it is, not where it points.
    std::string rel = p.lexically_relative(root).generic_string();
    std::string name = p.filename().string();
    bool is_link = it->is_symlink(ec);
    if (it->is_directory(ec)) {
      bool skip = (!name.empty() && name[0] == '.') || rel == "site" || rel == "layouts" ||
                  rel == "node_modules" || is_link;
      for (const auto& d : opts.skip_dirs)
        if (rel == d) skip = true;
      if (skip) it.disable_recursion_pending();
      continue;
    }
    if (!name.empty() && name[0] == '.') continue;
    bool is_yaml = ends_with(name, ".yaml") || ends_with(name, ".yml");
    bool is_md = ends_with(name, ".md");
    bool is_csv = ends_with(name, ".csv") && rel.rfind("metrics/", 0) == 0 &&
                  rel.find('/', 8) == std::string::npos;
    if (!is_yaml && !is_md && !is_csv) continue;
    if (rel == "nines.yaml") continue; // read first, by load_config_file
    if (is_link) {
      fs::path target = fs::weakly_canonical(p, ec);
      std::string t = target.generic_string(), r = canon_root.generic_string() + "/";
      if (ec || t.rfind(r, 0) != 0) {
        diags.error(rel, {}, "symlink-outside",
                    "symbolic link leads outside the content repository; not read",
                    "copy the file into the repository instead");
        continue;
      }
    }
    files.emplace_back(rel, p);
  }
  if (ec) diags.error(".", {}, "file-unreadable", "cannot walk the repository: " + ec.message());
  std::sort(files.begin(), files.end());

  std::string text;
  std::vector<std::string> cells;
  for (const auto& [rel, abs] : files) {
    auto size = fs::file_size(abs, ec);
    if (ec) {
      diags.error(rel, {}, "file-unreadable", "cannot read file: " + ec.message());
      continue;
    }
    if (size > opts.max_file_bytes) {
      diags.error(rel, {}, "file-too-large",
                  "file is " + std::to_string(size) + " bytes, over the limit of " +
                      std::to_string(opts.max_file_bytes),
                  "split it, or raise limits.max_file_bytes in nines.yaml");
      continue;
    }
    if (!read_file(abs, text)) {
      diags.error(rel, {}, "file-unreadable", "cannot read file");
      continue;
    }
    if (ends_with(rel, ".csv")) {
      std::istringstream in(text);
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line == "\r") continue;
        split_csv_line(line, cells);
        on_csv(RawCsvRow{rel, n, cells});
      }
      continue;
    }
    if (ends_with(rel, ".md")) {
      std::string yaml, body;
      int body_line = 0;
      if (!split_front_matter(text, yaml, body, body_line)) continue; // plain Markdown: not ours
      read_yaml(yaml, rel, 1, opts.yaml, diags, [&](Node&& n, int idx) {
        if (idx > 0) {
          diags.error(rel, n.loc, "unknown-kind", "front matter holds more than one document");
          return;
        }
        classify(std::move(n), idx, rel, body, body_line, diags, on_doc);
      });
      continue;
    }
    read_yaml(text, rel, 0, opts.yaml, diags, [&](Node&& n, int idx) {
      classify(std::move(n), idx, rel, std::string(), 0, diags, on_doc);
    });
  }
}

} // namespace nines
