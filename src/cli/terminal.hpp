// What nines prints to standard output and standard error passes through TerminalSafeBuf, so that
// text from the repository (a name, a report highlight, a sign-off's name) cannot act on the
// terminal that shows it, and so that the reason of a failed write is kept.
#pragma once

#include <mutex>
#include <streambuf>
#include <string>

namespace nines {

// A stream buffer in front of another. Control characters but tab, line feed and carriage return,
// DEL, the C1 controls (U+0080-U+009F) and the bidirectional embeddings, overrides and isolates
// (U+202A-U+202E, U+2066-U+2069) are written as U+FFFD: an escape sequence in a field could clear
// the screen or hide text, and an unclosed override reverses the figures after it. The only escape
// sequences that pass are the colours nines itself paints (cli/common's paint: SGR 0, 1;31, 2, 31,
// 32, 33, 36), and only while it paints (color_enabled): with colours off, none passes. A
// sequence cut between two writes is held until the next one, or the next sync.
//
// It also keeps the errno of the first write the buffer behind it refused: a report written to a
// full disk fails while it is printed, and by the last flush nothing is left to write, so errno
// would no longer say why.
class TerminalSafeBuf final : public std::streambuf {
public:
  explicit TerminalSafeBuf(std::streambuf* inner) : m_inner(inner) {}
  int first_errno() const { return m_errno; }

protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

private:
  // Filters what is held, writes what is complete (all of it when `final`); false when the
  // buffer behind refused it.
  bool drain(bool final);
  void note();

  std::streambuf* m_inner;
  // `serve` prints from its rebuild thread and its main thread: the held bytes are shared.
  std::mutex m_mutex;
  std::string m_pending;
  int m_errno = 0;
};

// The text as TerminalSafeBuf writes it, all at once (for tests and for strings built whole).
std::string terminal_safe(const std::string& text);

} // namespace nines
