// What a build saves for the next one in which only Markdown bodies change (site.hpp, "Rebuilding
// after a body edit"): the views of the pages that show a body and the search index's parts, as
// bytes. The file lives beside the store and is only ever read by the same nines binary (the
// driver keys it by the renderer), so the encoding is this machine's: sizes and numbers as their
// native bytes. Anything that does not decode exactly is refused, and the build takes the long way.
#include "model/digest.hpp"
#include "render/site.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace nines {

namespace {

using json = ViewJson;

// Reads what append_view (site.cpp) and Writer below wrote, refusing to read past the end.
class Reader {
public:
  explicit Reader(std::string_view bytes) : m_rest(bytes) {}

  bool size(std::uint64_t& n) { return raw(&n, sizeof n); }
  bool text(std::string& s) {
    std::uint64_t n = 0;
    if (!size(n) || n > m_rest.size()) return false;
    s.assign(m_rest.data(), static_cast<std::size_t>(n));
    m_rest.remove_prefix(static_cast<std::size_t>(n));
    return true;
  }
  bool texts(std::vector<std::string>& v) {
    std::uint64_t n = 0;
    if (!size(n) || n > m_rest.size()) return false;
    v.resize(static_cast<std::size_t>(n));
    for (auto& s : v)
      if (!text(s)) return false;
    return true;
  }
  bool skip_text() {
    std::uint64_t n = 0;
    if (!size(n) || n > m_rest.size()) return false;
    m_rest.remove_prefix(static_cast<std::size_t>(n));
    return true;
  }
  bool tag(char& c) { return raw(&c, 1); }
  template <typename T> bool raw(T* out, std::size_t n) {
    if (m_rest.size() < n) return false;
    std::memcpy(out, m_rest.data(), n);
    m_rest.remove_prefix(n);
    return true;
  }
  bool done() const { return m_rest.empty(); }
  const char* at() const { return m_rest.data(); }

  // One value of append_view's encoding; views are a few levels deep, so a deeper one is damage.
  bool value(json& out, int depth) {
    char t = 0;
    if (depth > 64 || !tag(t)) return false;
    switch (t) {
    case 'o': {
      std::uint64_t n = 0;
      if (!size(n) || n > m_rest.size()) return false;
      out = json::object();
      std::string key;
      for (std::uint64_t i = 0; i < n; ++i) {
        if (!text(key)) return false;
        if (!value(out[key], depth + 1)) return false;
      }
      return true;
    }
    case 'a': {
      std::uint64_t n = 0;
      if (!size(n) || n > m_rest.size()) return false;
      out = json::array();
      for (std::uint64_t i = 0; i < n; ++i) {
        out.push_back(nullptr);
        if (!value(out.back(), depth + 1)) return false;
      }
      return true;
    }
    case 's': {
      std::string s;
      if (!text(s)) return false;
      out = std::move(s);
      return true;
    }
    case 't':
    case 'f':
      out = t == 't';
      return true;
    case 'i': {
      std::int64_t x = 0;
      if (!raw(&x, sizeof x)) return false;
      out = x;
      return true;
    }
    case 'u': {
      std::uint64_t x = 0;
      if (!raw(&x, sizeof x)) return false;
      out = x;
      return true;
    }
    case 'd': {
      double x = 0;
      if (!raw(&x, sizeof x)) return false;
      out = x;
      return true;
    }
    case 'b': {
      std::string s;
      if (!text(s)) return false;
      out = json::binary(std::vector<std::uint8_t>(s.begin(), s.end()));
      return true;
    }
    case 'n':
      out = nullptr;
      return true;
    default:
      return false;
    }
  }

private:
  std::string_view m_rest;
};

class Writer {
public:
  void reserve(std::size_t bytes) { m_out.reserve(bytes); }
  void size(std::uint64_t n) { m_out.append(reinterpret_cast<const char*>(&n), sizeof n); }
  void text(std::string_view s) {
    size(s.size());
    m_out += s;
  }
  void texts(const std::vector<std::string>& v) {
    size(v.size());
    for (const auto& s : v)
      text(s);
  }
  std::string take() { return std::move(m_out); }

private:
  std::string m_out;
};

// A Writer that only counts the bytes it would write: a record that large is sized first and
// written into one buffer (the search record of 10k documents is 11 MB, and grown a doubling at
// a time it was half of a build's page faults).
class SizeCounter {
public:
  void size(std::uint64_t) { m_bytes += sizeof(std::uint64_t); }
  void text(std::string_view s) { m_bytes += sizeof(std::uint64_t) + s.size(); }
  void texts(const std::vector<std::string>& v) {
    size(v.size());
    for (const auto& s : v)
      text(s);
  }
  std::size_t bytes() const { return m_bytes; }

private:
  std::size_t m_bytes = 0;
};

// The first bytes of the file: a build of another encoding never reads this one.
constexpr std::string_view k_magic = "nines prose 3\n";

} // namespace

std::optional<json> decode_view(std::string_view bytes) {
  Reader in(bytes);
  json view;
  if (!in.value(view, 0) || !in.done()) return std::nullopt;
  return view;
}

std::string prose_file_start() {
  Writer out;
  out.text(k_magic);
  return out.take();
}

std::string encode_prose_page(const ProsePage& p) {
  Writer out;
  out.text("page");
  out.text(p.path);
  out.text(p.layout);
  out.text(p.slot.file);
  out.text(p.slot.body_at);
  out.text(p.slot.toc_at);
  out.texts(p.slot.taken);
  out.text(p.view);
  return out.take();
}

namespace {

template <typename Out> void put_search(Out& out, const ProseSearch& s) {
  out.text("search");
  out.size(s.entries.size());
  for (const auto& e : s.entries) {
    out.text(e.title);
    out.text(e.kind);
    out.text(e.summary);
    out.text(e.href);
    out.text(e.text);
  }
  out.size(s.cap);
  out.size(s.drafts.size());
  for (const auto& d : s.drafts) {
    out.size(d.entry);
    out.text(d.file);
    out.text(d.kind);
    out.text(d.title);
    out.text(d.href);
    out.text(d.summary);
    out.texts(d.keys);
    out.texts(d.prose);
    out.size(d.body_at);
  }
  out.size(s.file_pages.size());
  for (const auto& [file, page] : s.file_pages) {
    out.text(file);
    out.text(page);
  }
  out.text(s.repo_url);
  out.text(s.branch);
  out.text(s.repo_prefix);
}

} // namespace

std::string encode_prose_search(const ProseSearch& s) {
  SizeCounter counter;
  put_search(counter, s);
  Writer out;
  out.reserve(counter.bytes());
  put_search(out, s);
  return out.take();
}

namespace {

bool decode_search(Reader& in, std::size_t limit, ProseSearch& s) {
  std::uint64_t n = 0;
  if (!in.size(n) || n > limit) return false;
  s.entries.resize(static_cast<std::size_t>(n));
  for (auto& e : s.entries)
    if (!in.text(e.title) || !in.text(e.kind) || !in.text(e.summary) || !in.text(e.href) ||
        !in.text(e.text))
      return false;
  std::uint64_t cap = 0;
  if (!in.size(cap) || !in.size(n) || n > limit) return false;
  s.cap = static_cast<std::size_t>(cap);
  s.drafts.resize(static_cast<std::size_t>(n));
  for (auto& d : s.drafts) {
    std::uint64_t entry = 0, body_at = 0;
    if (!in.size(entry) || !in.text(d.file) || !in.text(d.kind) || !in.text(d.title) ||
        !in.text(d.href) || !in.text(d.summary) || !in.texts(d.keys) || !in.texts(d.prose) ||
        !in.size(body_at) || entry >= s.entries.size() || body_at > d.prose.size())
      return false;
    d.entry = static_cast<std::size_t>(entry);
    d.body_at = static_cast<std::size_t>(body_at);
  }
  if (!in.size(n) || n > limit) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string file, page;
    if (!in.text(file) || !in.text(page)) return false;
    s.file_pages.emplace(std::move(file), std::move(page));
  }
  return in.text(s.repo_url) && in.text(s.branch) && in.text(s.repo_prefix);
}

} // namespace

std::string encode_prose_end(std::size_t pages, const std::string& digests) {
  Writer out;
  out.text("end");
  out.size(pages);
  out.text(content_hash(digests));
  return out.take();
}

std::optional<ProseState> decode_prose(std::string_view bytes,
                                       const std::map<std::string, std::string>& files) {
  Reader in(bytes);
  ProseState state;
  std::string magic, what;
  if (!in.text(magic) || magic != k_magic) return std::nullopt;
  // Pages and the search index's parts in whatever order the rendering threads saved them, then
  // the end with the number of pages: a file cut short between two records is refused too.
  std::uint64_t pages = 0;
  bool search = false;
  // Each record's hash, in order, as the writer took them: bytes changed in place (a damaged
  // disk block, an edit) are refused even when every size still adds up.
  std::string digests;
  const char* start = in.at();
  auto record_done = [&] {
    digests += content_hash(std::string_view(start, static_cast<std::size_t>(in.at() - start)));
    start = in.at();
  };
  while (in.text(what)) {
    if (what == "page") {
      ProsePage p;
      if (!in.text(p.path) || !in.text(p.layout) || !in.text(p.slot.file) ||
          !in.text(p.slot.body_at) || !in.text(p.slot.toc_at) || !in.texts(p.slot.taken))
        return std::nullopt;
      // Only the views of the pages to make again are copied out.
      const bool wanted = files.count(p.slot.file) != 0;
      if (!(wanted ? in.text(p.view) : in.skip_text())) return std::nullopt;
      if (wanted)
        state.pages.push_back(std::move(p));
      else
        state.others.push_back(std::move(p));
      ++pages;
      record_done();
    } else if (what == "search" && !search) {
      if (!decode_search(in, bytes.size(), state.search)) return std::nullopt;
      search = true;
      record_done();
    } else {
      break;
    }
  }
  std::uint64_t count = 0;
  std::string checksum;
  if (what != "end" || !search || !in.size(count) || count != pages || !in.text(checksum) ||
      checksum != content_hash(digests) || !in.done())
    return std::nullopt;
  std::sort(state.pages.begin(), state.pages.end(),
            [](const ProsePage& a, const ProsePage& b) { return a.path < b.path; });
  return state;
}

} // namespace nines
