#include "model/slug.hpp"

#include "model/digest.hpp"
#include "model/entity_ref.hpp"

#include <cctype>

namespace nines {

namespace {

// One code point of UTF-8 at `i`, advancing `i`; a byte that starts no valid sequence is
// returned as 0xFFFD and skipped alone.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i++]);
  if (c < 0x80) return c;
  const int extra = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
  if (extra == 0 || i + static_cast<std::size_t>(extra) > s.size()) return 0xFFFD;
  char32_t cp = c & (0x3Fu >> extra);
  for (int k = 0; k < extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  i += static_cast<std::size_t>(extra);
  return cp;
}

// The Latin letters with diacritics of Latin-1 and Latin Extended-A (and Romanian ș ț), as the
// ASCII letters people write for them where an accent cannot go (ü → u, ß → ss, ł → l).
struct Fold {
  char32_t first, last;
  const char* ascii;
};
constexpr Fold k_folds[] = {
    {0xC0, 0xC5, "a"},   {0xC6, 0xC6, "ae"},   {0xC7, 0xC7, "c"},   {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},   {0xD0, 0xD0, "d"},    {0xD1, 0xD1, "n"},   {0xD2, 0xD6, "o"},
    {0xD8, 0xD8, "o"},   {0xD9, 0xDC, "u"},    {0xDD, 0xDD, "y"},   {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},  {0xE0, 0xE5, "a"},    {0xE6, 0xE6, "ae"},  {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"},   {0xEC, 0xEF, "i"},    {0xF0, 0xF0, "d"},   {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"},   {0xF8, 0xF8, "o"},    {0xF9, 0xFC, "u"},   {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"},  {0xFF, 0xFF, "y"},    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},
    {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},  {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},
    {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},  {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"},
    {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},  {0x162, 0x167, "t"}, {0x168, 0x173, "u"},
    {0x174, 0x175, "w"}, {0x176, 0x178, "y"},  {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
    {0x218, 0x219, "s"}, {0x21A, 0x21B, "t"}};

const char* fold(char32_t cp) {
  for (const auto& f : k_folds)
    if (cp >= f.first && cp <= f.last) return f.ascii;
  return nullptr;
}

// Marks that only change the letter before them (a decomposed "u" + U+0308 is "ü"), and
// invisible joiners and selectors: dropped without breaking the word.
bool invisible(char32_t cp) {
  return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200D) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
}

// Punctuation, spaces and symbols outside ASCII: separators, like ASCII punctuation. Anything
// else a slug cannot spell (CJK, Cyrillic, Greek, ...) is taken for a letter that was lost.
bool separator(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
         (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

} // namespace

std::string slug(std::string_view text, const SlugRules& rules) {
  std::string out;
  bool dash = false, lost = false;
  auto add = [&](std::string_view letters) {
    if (out.size() >= rules.max) return;
    if (dash && !out.empty() && out.back() != '-') out += '-';
    out += letters;
    dash = false;
  };
  // The whole text is read, past the cut too: a letter it cannot spell there still makes the
  // slug take the hash, or two titles that differ only after the cut would share one file.
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = next_code_point(text, i);
    if (cp < 0x80 && std::isalnum(static_cast<int>(cp))) {
      add(std::string(1, static_cast<char>(std::tolower(static_cast<int>(cp)))));
    } else if (cp < 0x80 && rules.keep.find(static_cast<char>(cp)) != std::string_view::npos) {
      add(std::string(1, static_cast<char>(cp)));
    } else if (const char* ascii = fold(cp)) {
      add(ascii);
    } else if (invisible(cp)) {
      continue;
    } else {
      lost = lost || (cp >= 0x80 && !separator(cp));
      dash = true;
    }
  }
  // Kept punctuation may lead (`.draft`, `--weird--`): a slug starts with a letter or digit.
  std::size_t lead = 0;
  while (lead < out.size() && !std::isalnum(static_cast<unsigned char>(out[lead])))
    ++lead;
  out.erase(0, lead);
  if (out.size() > rules.max) out.resize(rules.max);
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  if (!lost && !out.empty()) return out;
  // Letters it cannot spell (a Japanese or Russian title) would leave the slug empty or the same
  // for different titles: a hash of the whole title tells them apart, the same every time.
  const std::string hex = fnv1a_hex(text).substr(0, 8);
  std::string stem = out.empty() ? std::string(rules.fallback) : out;
  if (stem.empty()) return hex;
  if (stem.size() + 1 + hex.size() > rules.max) stem.resize(rules.max - 1 - hex.size());
  while (!stem.empty() && stem.back() == '-')
    stem.pop_back();
  return stem + "-" + hex;
}

std::string slug_collision(std::string_view kind, std::string_view name,
                           std::string_view first_kind, std::string_view first_name,
                           std::string_view id) {
  if (name.empty() || first_name.empty() || name == first_name ||
      slug_id(std::string(name)) != slug_id(std::string(first_name)))
    return {};
  std::string out;
  out.append(kind).append(" '").append(name).append("' and ");
  if (first_kind != kind) out.append(first_kind).append(" ");
  out.append("'").append(first_name).append("' both become the id '").append(id).append("'; '");
  out.append(first_name).append("' is also defined at ");
  return out;
}

} // namespace nines
