// Names of dialect documents as nines ids: Backstage entity references and the slug every dialect
// name becomes. One place, shared by the decoder (validate/dialects.cpp) and the pages that
// resolve a catalog entity's owner; pure functions, no I/O.
#pragma once

#include "model/model.hpp"

#include <cctype>
#include <string>

namespace nines {

// Backstage entity references look like "group:default/payments" or "component:checkout".
inline std::string entity_name(const std::string& ref) {
  std::string s = ref;
  if (auto c = s.find(':'); c != std::string::npos) s = s.substr(c + 1);
  if (auto sl = s.rfind('/'); sl != std::string::npos) s = s.substr(sl + 1);
  return s;
}

// A dialect's name as an id: lowercase, with every run of other characters one '-'
// ("Checkout_API" → "checkout-api"), so that names with capitals and underscores are valid.
inline std::string slug_id(const std::string& name) {
  std::string out;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || ch == '.' || ch == '-')
      out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front())))
    out.erase(out.begin());
  while (!out.empty() && (out.back() == '-' || out.back() == '.'))
    out.pop_back();
  if (out.size() > 128) out.resize(128);
  return out;
}

// A Backstage entity reference ("team-a", "group:team-a", "group:default/team-a") → the slug
// of its name.
inline std::string entity_id(const std::string& ref) {
  return slug_id(entity_name(ref));
}

// The team a Backstage component's owner resolved to once every file is read (finish_backstage):
// an owner that is neither a User of the repository nor outside it is a team, by its id; else "".
// A service keeps it as its owner team; a catalog entry has none, and its lists use this.
inline std::string owner_team_id(const CatalogInfo& c) {
  if (c.owner_ref.empty() || !c.owner_user.empty() || c.owner_external) return "";
  return entity_id(c.owner_ref);
}

} // namespace nines
