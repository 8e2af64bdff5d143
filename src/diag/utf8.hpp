#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// UTF-8 as every output of nines needs it: what a file may hold (load), what a diagnostic may
// quote (diag) and what a commit's author may be called on a page (history) are judged by one
// rule, the one the JSON writer applies.

namespace nines {

// The length of the UTF-8 sequence at `s` (of `avail` bytes), or 0 when it is not valid UTF-8:
// overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
std::size_t utf8_sequence(const unsigned char* s, std::size_t avail);

// `text` with every byte that starts no valid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// Appends code point `cp` in UTF-8; NUL, a surrogate or a value past U+10FFFF (which no UTF-8
// holds, or which would end a C string) is appended as U+FFFD.
void append_utf8(std::string& out, char32_t cp);

} // namespace nines
