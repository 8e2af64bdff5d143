// A content repository of the source tree copied into a scratch folder, for the render stage's
// unit tests (only *_test.cpp include this): the pipeline writes its store beside the content, and
// the source tree must stay clean.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace nines::render_test {

struct ContentCopy {
  std::filesystem::path path;

  // `from`: the repository's folder relative to the source tree ("content", a fixture's folder).
  explicit ContentCopy(const std::string& from = "content") {
    namespace fs = std::filesystem;
    static std::atomic<int> n{0};
    path = fs::temp_directory_path() /
           ("nines-render-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(path);
    const fs::path src = fs::path(NINES_SOURCE_DIR) / from;
    for (auto it = fs::recursive_directory_iterator(src); it != fs::recursive_directory_iterator();
         ++it) {
      const std::string name = it->path().filename().string();
      // A store or a site left in the source folder by a manual run is not part of the content.
      if (it->is_directory() && (name == ".nines" || name == "site")) {
        it.disable_recursion_pending();
        continue;
      }
      const fs::path to = path / it->path().lexically_relative(src);
      if (it->is_directory())
        fs::create_directories(to);
      else if (it->is_regular_file()) {
        fs::create_directories(to.parent_path());
        fs::copy_file(it->path(), to);
      }
    }
  }
  ContentCopy(const ContentCopy&) = delete;
  ContentCopy& operator=(const ContentCopy&) = delete;
  ~ContentCopy() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// `hay` holds `needle`: the render tests' one question of a page.
inline bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

} // namespace nines::render_test
