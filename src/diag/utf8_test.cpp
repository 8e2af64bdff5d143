#include "diag/utf8.hpp"

#include <doctest/doctest.h>

namespace nines {

TEST_SUITE("utf8") {
  TEST_CASE("valid UTF-8 passes as it is") {
    CHECK(valid_utf8("René ✓ 𝄞") == "René ✓ 𝄞");
    CHECK(valid_utf8("") == "");
  }

  TEST_CASE("what is not UTF-8 becomes U+FFFD, a byte at a time") {
    CHECK(valid_utf8("Ren\xE9") == "Ren\xEF\xBF\xBD");                       // Latin-1 é
    CHECK(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");             // overlong '/'
    CHECK(valid_utf8("\xED\xA0\x80").find("\xED") == std::string::npos);     // a surrogate
    CHECK(valid_utf8("\xF4\x90\x80\x80").find("\xF4") == std::string::npos); // past U+10FFFF
    CHECK(valid_utf8("a\xE2\x9C") == "a\xEF\xBF\xBD\xEF\xBF\xBD");           // cut short at the end
  }

  TEST_CASE("utf8_sequence gives each sequence's length") {
    const auto len = [](std::string_view s) {
      return utf8_sequence(reinterpret_cast<const unsigned char*>(s.data()), s.size());
    };
    CHECK(len("a") == 1);
    CHECK(len("é") == 2);
    CHECK(len("✓") == 3);
    CHECK(len("𝄞") == 4);
    CHECK(len("\x80") == 0);
  }
}

} // namespace nines
