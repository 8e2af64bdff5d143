// The parse floor of the speed benchmark: reads every YAML file and every Markdown file's
// front matter under a content repository and parses it with yaml-cpp, keeping nothing.
// `nines check` cannot be faster than this on one core; the suite reports check/floor.
//
// Usage: nines_parse_floor DIR
// Prints the number of files and YAML documents parsed; exits 1 on a parse error.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace fs = std::filesystem;

namespace {

// Receives every event and drops it: the floor measures the parser, not any tree building.
class NullHandler : public YAML::EventHandler {
public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The YAML between a leading `---` line and the next `---` line, or "" when there is none.
std::string front_matter(const std::string& text) {
  if (text.rfind("---\n", 0) != 0 && text.rfind("---\r\n", 0) != 0) return "";
  std::size_t start = text.find('\n') + 1;
  std::size_t pos = start;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    std::string line = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "---" || line == "...") return text.substr(start, pos - start);
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  return "";
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(argv[1])) {
    if (!e.is_regular_file()) continue;
    const auto& p = e.path();
    if (p.filename().string().front() == '.') continue;
    auto ext = p.extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".md") files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  std::size_t documents = 0;
  NullHandler handler;
  for (const auto& p : files) {
    std::string text = read_file(p);
    if (p.extension() == ".md") text = front_matter(text);
    std::istringstream in(text);
    try {
      YAML::Parser parser(in);
      while (parser.HandleNextDocument(handler))
        ++documents;
    } catch (const YAML::Exception& e) {
      std::fprintf(stderr, "%s: %s\n", p.string().c_str(), e.what());
      return 1;
    }
  }
  std::printf("%zu files, %zu documents\n", files.size(), documents);
  return 0;
}
