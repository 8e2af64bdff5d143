// Content digests for sign-offs and documents: FNV-1a 64 as 16 hex digits. A change detector,
// not a security boundary.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace nines {

// FNV-1a 64 fed in pieces: the same value as fnv1a_hex() of the pieces joined, without joining
// them (the metrics store hashes each CSV file's rows this way).
class Fnv1a {
public:
  void add(std::string_view data) {
    for (unsigned char c : data) {
      m_hash ^= c;
      m_hash *= 1099511628211ull;
    }
  }
  std::string hex() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(m_hash));
    return buf;
  }

private:
  std::uint64_t m_hash = 14695981039346656037ull;
};

inline std::string fnv1a_hex(std::string_view data) {
  Fnv1a hash;
  hash.add(data);
  return hash.hex();
}

// A 64-bit content hash as 16 hex digits, for telling whether a file or an input changed between
// two builds (the site writer's manifest, a page's inputs). Fast (8 bytes a step) and stable
// across platforms; a change detector, not a security boundary.
inline std::string content_hash(std::string_view bytes) {
  auto rotl = [](std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  // Eight bytes a step (murmur-style mixing), then a final avalanche; the length is mixed in
  // first so a prefix never hashes like the whole.
  constexpr std::uint64_t k1 = 0x87c37b91114253d5ull, k2 = 0x4cf5ad432745937full;
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ (bytes.size() * k2);
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h ^= rotl(w * k1, 31) * k2;
    h = rotl(h, 27) * 5 + 0x52dce729;
  }
  std::uint64_t tail = 0;
  for (std::size_t i = 0; i < n; ++i)
    tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  h ^= rotl(tail * k1, 31) * k2;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

} // namespace nines
