#include "cli/terminal.hpp"

#include "cli/common.hpp"

#include <array>
#include <cerrno>
#include <string_view>

namespace nines {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// The colours cli/common's paint() writes, as the parameters of `ESC [ … m`.
bool painted_colour(std::string_view params) {
  static constexpr std::array<std::string_view, 7> k_colours = {"0",  "1;31", "2", "31",
                                                                "32", "33",   "36"};
  for (const auto c : k_colours)
    if (params == c) return true;
  return false;
}

// Filters `in` into `out`; returns how many bytes of `in` were used. Without `final`, a sequence
// `in` ends in the middle of is left for the next call.
std::size_t filter(std::string_view in, std::string& out, bool final) {
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    const std::size_t left = in.size() - i;
    if (c == 0x1B) {
      // `ESC [ digits/; m`, at most 8 bytes of parameters: a colour of ours, or nothing to pass.
      std::size_t k = i + 2;
      while (k < in.size() && k - (i + 2) <= 8 && ((in[k] >= '0' && in[k] <= '9') || in[k] == ';'))
        ++k;
      const bool complete = left >= 2 && (in[i + 1] != '[' || k < in.size() || k - (i + 2) > 8);
      if (!complete && !final) break;
      if (color_enabled() && left >= 2 && in[i + 1] == '[' && k < in.size() && in[k] == 'm' &&
          painted_colour(in.substr(i + 2, k - (i + 2)))) {
        out.append(in.substr(i, k + 1 - i));
        i = k + 1;
        continue;
      }
      out += k_replacement;
      ++i;
      continue;
    }
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      out += k_replacement;
      ++i;
      continue;
    }
    if (c == 0xC2 || c == 0xE2) {
      const std::size_t need = c == 0xC2 ? 2 : 3;
      if (left < need && !final) break;
      if (left >= need) {
        const auto b1 = static_cast<unsigned char>(in[i + 1]);
        const auto b2 = need == 3 ? static_cast<unsigned char>(in[i + 2]) : 0;
        const bool c1 = c == 0xC2 && b1 >= 0x80 && b1 <= 0x9F;
        const bool bidi = c == 0xE2 && ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) ||
                                        (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9));
        if (c1 || bidi) {
          out += k_replacement;
          i += need;
          continue;
        }
      }
    }
    out += static_cast<char>(c);
    ++i;
  }
  return i;
}

} // namespace

std::string terminal_safe(const std::string& text) {
  std::string out;
  filter(text, out, true);
  return out;
}

void TerminalSafeBuf::note() {
  if (m_errno == 0) m_errno = errno;
}

bool TerminalSafeBuf::drain(bool final) {
  std::string out;
  const std::size_t used = filter(m_pending, out, final);
  m_pending.erase(0, used);
  if (out.empty()) return true;
  errno = 0;
  if (m_inner->sputn(out.data(), static_cast<std::streamsize>(out.size())) !=
      static_cast<std::streamsize>(out.size())) {
    note();
    return false;
  }
  return true;
}

TerminalSafeBuf::int_type TerminalSafeBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const std::lock_guard lock(m_mutex);
  m_pending += traits_type::to_char_type(c);
  return drain(false) ? c : traits_type::eof();
}

std::streamsize TerminalSafeBuf::xsputn(const char* s, std::streamsize n) {
  const std::lock_guard lock(m_mutex);
  m_pending.append(s, static_cast<std::size_t>(n));
  return drain(false) ? n : 0;
}

int TerminalSafeBuf::sync() {
  const std::lock_guard lock(m_mutex);
  if (!drain(true)) return -1;
  errno = 0;
  const int r = m_inner->pubsync();
  if (r != 0) note();
  return r;
}

} // namespace nines
