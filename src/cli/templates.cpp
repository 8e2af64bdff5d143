#include "cli/templates.hpp"

#include "write/site_writer.hpp"

#include <algorithm>
#include <stdexcept>

namespace nines {

const std::map<std::string, std::string_view>& embedded_template_files(); // generated

std::string render_template(std::string_view path, const kainjow::mustache::data& data) {
  const auto& files = embedded_template_files();
  auto it = files.find(std::string(path));
  if (it == files.end())
    throw std::logic_error("template '" + std::string(path) + "' is not compiled in");
  kainjow::mustache::mustache tmpl("{{=<% %>=}}" + std::string(it->second));
  if (!tmpl.is_valid())
    throw std::logic_error("template '" + std::string(path) + "': " + tmpl.error_message());
  return tmpl.render(data);
}

std::vector<std::string> template_paths(std::string_view folder) {
  std::vector<std::string> out;
  for (const auto& [path, text] : embedded_template_files())
    if (path.compare(0, folder.size(), folder) == 0) out.push_back(path);
  return out; // the map is sorted
}

namespace {

// The folders between `root` and `dir` (exclusive, inclusive), outermost first.
std::vector<std::filesystem::path> folders_down_to(const std::filesystem::path& root,
                                                   const std::filesystem::path& rel_dir) {
  std::vector<std::filesystem::path> out;
  std::filesystem::path at = root;
  for (const auto& part : rel_dir) {
    at /= part;
    out.push_back(at);
  }
  return out;
}

} // namespace

std::string write_new_files(const std::filesystem::path& root,
                            const std::vector<PlannedFile>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& f : files)
    if (fs::exists(root / f.rel, ec) || fs::is_symlink(root / f.rel, ec))
      return (root / f.rel).lexically_normal().string();
  // Every folder is checked before anything is made: a file where a folder must go (a stray
  // `runbooks/svc` beside the runbooks) would otherwise stop the run half-way, with the SLO
  // written and its runbooks not.
  std::vector<fs::path> needed;
  for (const auto& f : files)
    for (auto& dir : folders_down_to(root, f.rel.parent_path()))
      if (std::find(needed.begin(), needed.end(), dir) == needed.end())
        needed.push_back(std::move(dir));
  for (const auto& dir : needed) {
    ec.clear();
    const auto status = fs::status(dir, ec); // follows links: a link to a folder is a folder
    if (fs::is_directory(status)) continue;
    if (fs::exists(status) || fs::is_symlink(fs::symlink_status(dir, ec)))
      throw WriteError(dir.lexically_normal().string() + ": cannot write into it: not a folder");
  }
  // From here on, all or nothing: what this call made goes again when a step fails.
  std::vector<fs::path> made;
  auto roll_back = [&] {
    std::error_code ignored;
    for (auto it = made.rbegin(); it != made.rend(); ++it)
      fs::remove(*it, ignored); // a folder only when it is empty again
  };
  try {
    for (const auto& dir : needed) {
      ec.clear();
      if (fs::create_directory(dir, ec)) {
        made.push_back(dir);
      } else if (ec) {
        throw WriteError(dir.lexically_normal().string() +
                         ": cannot create the folder: " + ec.message());
      }
    }
    for (const auto& f : files) {
      write_file_atomic(root / f.rel, f.content);
      made.push_back(root / f.rel);
    }
  } catch (const WriteError&) {
    roll_back();
    throw;
  } catch (const std::exception& e) {
    roll_back();
    throw WriteError(e.what());
  }
  return "";
}

} // namespace nines
