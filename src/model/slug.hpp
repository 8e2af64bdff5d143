// Slugs: names made of a title or a file name that can go into a path and an id. One rule for
// `nines new`'s file names and for the ids the loader takes from file names, so a file `new`
// writes has the id its title gives.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nines {

// How a slug is made: the ASCII punctuation kept as written (besides letters and digits), the
// length it is cut to, and what goes before the hash when no letter is left (below).
struct SlugRules {
  std::string_view keep;
  std::size_t max = 48;
  std::string_view fallback;
};

// Lower-case ASCII letters and digits in words joined by '-' (with the characters of
// `rules.keep` kept), starting with a letter or digit, at most `rules.max` characters.
// Latin letters with diacritics lose them (ü → u, ß → ss, æ → ae). When letters it cannot spell
// were dropped (Japanese, Cyrillic, ...) or nothing is left, a hash of the whole text goes after
// what is left, or after `rules.fallback` when nothing is (the hash alone for no fallback): one
// text always gives the same slug, and two texts that differ only in such letters differ.
std::string slug(std::string_view text, const SlugRules& rules);

// A file and channel name for a title: `slug` keeping no punctuation, at most 48 characters.
// "Checkout errors after deploy" → "checkout-errors-after-deploy", "Zürich outage" →
// "zurich-outage", "決済エラー" → "incident-1a2b3c4d" with fallback "incident".
inline std::string file_slug(std::string_view text, std::string_view fallback) {
  return slug(text, SlugRules{"", 48, fallback});
}

// The duplicate-id message for two dialect documents whose different names as written make one
// id `id` as slugs (`example service` and `example-service`; slug_id, model/entity_ref.hpp), up
// to the first's place, which the caller appends: each name is valid alone and neither file
// spells the id, so both are quoted as written, each with what it is in its own format
// (`kind`: "OpenSLO Service", "Backstage Group"), the first's only when it differs. "" for an
// ordinary duplicate: a name empty or written twice, or names whose slugs differ (ids that meet
// only through a suffix, such as an OpenSLO objective's).
std::string slug_collision(std::string_view kind, std::string_view name,
                           std::string_view first_kind, std::string_view first_name,
                           std::string_view id);

// The hint of that message.
inline constexpr std::string_view k_slug_collision_hint =
    "rename one of them in `metadata.name`: an id is the name in lower case, letters, digits, "
    "'.' and '-' kept and every other run of characters one '-'";

} // namespace nines
