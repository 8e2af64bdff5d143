// The names of the site writer's own folders beside the output folder OUT: `OUT.tmp-nines-PID`
// (the new tree being written) and `OUT.old-nines-PID` (the previous site during the swap). The
// writer makes them; the loader's walk and the repository fingerprint leave exactly these out, so
// what is read, what decides "nothing changed" and what the writer may remove agree. Names a user
// would not give a folder, unlike a backup `site.old-2024`.
#pragma once

#include <string_view>

namespace nines {

inline constexpr std::string_view k_writer_temp_infix = ".tmp-nines-";
inline constexpr std::string_view k_writer_old_infix = ".old-nines-";

// Whether `name` is a writer folder's name beside an output folder named `out_name`.
inline bool is_writer_folder_name(std::string_view name, std::string_view out_name) {
  if (name.size() <= out_name.size() || name.substr(0, out_name.size()) != out_name) return false;
  const std::string_view rest = name.substr(out_name.size());
  return rest.substr(0, k_writer_temp_infix.size()) == k_writer_temp_infix ||
         rest.substr(0, k_writer_old_infix.size()) == k_writer_old_infix;
}

} // namespace nines
