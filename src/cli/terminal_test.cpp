#include "cli/common.hpp"
#include "cli/terminal.hpp"

#include <doctest/doctest.h>
#include <ostream>
#include <sstream>

using namespace nines;

TEST_CASE("terminal: repository text cannot act on the terminal; nines' own colours pass") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(terminal_safe("plain \xC3\xA9t\xC3\xA9 \xE2\x80\x94 tab\tnl\n") ==
        "plain \xC3\xA9t\xC3\xA9 \xE2\x80\x94 tab\tnl\n");
  // Clear screen, conceal, a bell, DEL, a C1 CSI and a right-to-left override.
  CHECK(terminal_safe("\x1b[2Jx\x1b[8my\a\x7f\xC2\x9B\xE2\x80\xAE"
                      "9") == fffd + "[2Jx" + fffd + "[8my" + fffd + fffd + fffd + fffd + "9");
  // The colours paint() writes pass as they are while nines paints, and not otherwise.
  set_color("always");
  CHECK(terminal_safe("\x1b[1;31mexhausted\x1b[0m \x1b[32mok\x1b[0m") ==
        "\x1b[1;31mexhausted\x1b[0m \x1b[32mok\x1b[0m");
  set_color("never");
  CHECK(terminal_safe("\x1b[32mok\x1b[0m") == fffd + "[32mok" + fffd + "[0m");
  // A cut sequence at the end of everything is not a colour.
  CHECK(terminal_safe("a\x1b[3") == "a" + fffd + "[3");
}

TEST_CASE("terminal: a sequence cut between two writes is judged whole") {
  set_color("always");
  std::ostringstream sink;
  TerminalSafeBuf buf(sink.rdbuf());
  std::ostream out(&buf);
  out << "a\x1b["
      << "31mred\x1b[0m "
      << "\xE2\x80"
      << "\xAE"
      << "z\xE2\x80"
      << "\x94";
  out.flush();
  CHECK(sink.str() == "a\x1b[31mred\x1b[0m \xEF\xBF\xBDz\xE2\x80\x94");
  set_color("never");
}

TEST_CASE("terminal figures round an exact half away from zero, as the pages do") {
  CHECK(fmt_num(41.25, 1) == "41.3"); // printf would give 41.2
  CHECK(fmt_num(38.25, 1) == "38.3");
  CHECK(fmt_num(-0.04, 1) == "0.0");
  CHECK(fmt_pct(1.25, 1) == "1.3%");
  CHECK(fmt_num(std::nullopt) == "—");
}
