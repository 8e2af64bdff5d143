#include "write/walk_scope.hpp"

#include "load/loader.hpp"

#include <algorithm>

namespace nines {
namespace {

const std::string* first_match(const std::vector<std::string>& globs, const std::string& rel,
                               bool is_folder = false) {
  for (const auto& g : globs)
    if (glob_match(g, rel, is_folder)) return &g;
  return nullptr;
}

} // namespace

std::optional<WalkSkip> walk_skips(const Config& config, const std::string& rel) {
  // The folders on the way, outermost first, as the walk meets them.
  for (std::size_t slash = rel.find('/'); slash != std::string::npos;
       slash = rel.find('/', slash + 1)) {
    const std::string folder = rel.substr(0, slash);
    if (walk_skips_folder(folder)) return WalkSkip{"folder", folder};
    // An excluded folder, or one whose whole content is excluded (`reports/**`).
    if (auto* g = first_match(config.exclude, folder, true)) return WalkSkip{"exclude", *g};
    if (auto* g = first_match(config.exclude, folder + "/\x01")) return WalkSkip{"exclude", *g};
  }
  if (auto* g = first_match(config.exclude, rel)) return WalkSkip{"exclude", *g};
  if (!config.include.empty() &&
      std::none_of(config.include.begin(), config.include.end(),
                   [&](const std::string& g) { return include_matches(g, rel); }))
    return WalkSkip{"include", ""};
  return std::nullopt;
}

} // namespace nines
