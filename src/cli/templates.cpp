#include "cli/templates.hpp"

#include "write/site_writer.hpp"

#include <cctype>
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

std::string write_new_files(const std::filesystem::path& root,
                            const std::vector<PlannedFile>& files) {
  std::error_code ec;
  for (const auto& f : files)
    if (std::filesystem::exists(root / f.rel, ec) || std::filesystem::is_symlink(root / f.rel, ec))
      return (root / f.rel).lexically_normal().string();
  for (const auto& f : files) {
    std::filesystem::create_directories((root / f.rel).parent_path());
    write_file_atomic(root / f.rel, f.content);
  }
  return "";
}

std::string file_slug(std::string_view text) {
  std::string out;
  bool dash = false;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 0x80) {
      if (dash && !out.empty()) out += '-';
      out += static_cast<char>(std::tolower(c));
      dash = false;
    } else {
      dash = true;
    }
    if (out.size() >= 48) break;
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out;
}

} // namespace nines
