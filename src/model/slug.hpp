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

} // namespace nines
