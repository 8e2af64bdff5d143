#include "render/markdown.hpp"

#include "render/html.hpp"

#include <algorithm>
#include <array>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nines {

namespace {

// The GFM extensions the site enables. tagfilter only matters if raw HTML were ever let through,
// but it is the documented GitHub behaviour, so a document renders the same here as there.
constexpr const char* k_extension_names[] = {"table", "strikethrough", "autolink", "tasklist",
                                             "tagfilter"};
constexpr std::size_t k_extension_count = std::size(k_extension_names);

// Parse and render options. Without CMARK_OPT_UNSAFE cmark-gfm replaces raw HTML with a comment
// and blanks javascript:/vbscript:/file:/data: URLs itself; the AST pass below is stricter still.
// Footnotes are GitHub's too; their markup (a <sup> link, a <section> of the notes) is cmark's
// own, which safe mode leaves as it is while it still filters raw HTML.
constexpr int k_parse_options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_FOOTNOTES;
constexpr int k_render_options = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES;

} // namespace
} // namespace nines

// Exported by libcmark-gfm but declared only in its private headers: marks (add != 0) or clears
// the trigger characters of a parser's inline extensions in the inline parser's global table.
extern "C" void cmark_manage_extensions_special_characters(cmark_parser* parser, int add);

namespace nines {
namespace {

// The extensions, looked up by name once: the lookup walks cmark-gfm's global list comparing
// names. Registration writes that list without locking, so it runs once, under the static's
// guard; parallel page renders only read it.
//
// cmark-gfm 0.29 marks the inline extensions' trigger characters ('~' for strikethrough, ':' and
// 'w' for autolinks) in one global table when a parse's inline pass starts and clears them when
// it ends, so a parse ending on one thread clears them under a parse still running on another,
// and that document silently loses its autolinks or strikethrough. So:
// - autolink's characters are marked once, for good, and the extension is left with no
//   characters to mark or clear (it needs its list for nothing else);
// - strikethrough needs its list (its delimiters are matched through it), so it is attached only
//   to documents that contain a '~', and those parse one at a time (tilde_parse_mutex). A document
//   without '~' renders the same with or without the extension.
// Each parse thus sees the table a lone parse would.
struct GfmExtensions {
  std::array<cmark_syntax_extension*, k_extension_count - 1> common{}; // all but strikethrough
  cmark_syntax_extension* strikethrough = nullptr;
  std::size_t strikethrough_at = 0; // its place among `common`, as in k_extension_names
};

const GfmExtensions& gfm_extensions() {
  static const GfmExtensions extensions = [] {
    cmark_gfm_core_extensions_ensure_registered();
    GfmExtensions found;
    std::size_t common = 0;
    for (const char* name : k_extension_names) {
      cmark_syntax_extension* ext = cmark_find_syntax_extension(name);
      if (!ext)
        throw std::runtime_error(std::string("markdown: missing cmark-gfm extension ") + name);
      if (std::string_view(name) == "strikethrough") {
        found.strikethrough = ext;
        found.strikethrough_at = common;
      } else {
        found.common[common++] = ext;
      }
    }
    cmark_parser* marker = cmark_parser_new(k_parse_options);
    for (cmark_syntax_extension* ext : found.common)
      cmark_parser_attach_syntax_extension(marker, ext);
    cmark_manage_extensions_special_characters(marker, 1);
    cmark_parser_free(marker);
    // The lists (a few bytes) stay allocated for the life of the process.
    for (cmark_syntax_extension* ext : found.common)
      cmark_syntax_extension_set_special_inline_chars(ext, nullptr);
    return found;
  }();
  return extensions;
}

std::mutex tilde_parse_mutex;

// Every allocation is aligned as malloc's are, and so are the sizes kept before them.
constexpr std::size_t k_align = alignof(std::max_align_t);
constexpr std::size_t round_up(std::size_t n) noexcept {
  return (n + k_align - 1) & ~(k_align - 1);
}
constexpr std::size_t k_header = round_up(sizeof(std::size_t));
// Larger requests are refused before any size arithmetic can wrap.
constexpr std::size_t k_max_request = std::numeric_limits<std::size_t>::max() / 4;
// A new arena block's least size. A typical runbook's tree and HTML fit in one.
constexpr std::size_t k_block_size = std::size_t{64} << 10;
// The arena keeps its block between renders only up to this size.
constexpr std::size_t k_keep_limit = std::size_t{4} << 20;

// A bump allocator for everything cmark-gfm allocates during one render_markdown call: its node
// tree, strbufs and the rendered HTML are many small blocks freed together at the end, and
// malloc/free of each was a third of the time spent rendering. One per thread, because pages
// render on several threads and cmark_mem's callbacks take no context argument (cmark-gfm's own
// arena is one global, unlocked). Freeing a block is a no-op; the whole arena is reset when the
// outermost render_markdown call on the thread returns.
//
// Allocation failure: cmark-gfm expects calloc and realloc never to return null (its default
// allocator aborts), and an exception cannot be thrown through its C frames, which have no
// cleanups and may have no unwind tables. So when malloc cannot give a block the arena aborts with
// a message, as cmark-gfm's own allocator does; std::bad_alloc from the C++ side of render_markdown
// (its strings and vectors) still propagates as an exception.
class MarkdownArena {
public:
  MarkdownArena() = default;
  MarkdownArena(const MarkdownArena&) = delete;
  MarkdownArena& operator=(const MarkdownArena&) = delete;
  ~MarkdownArena() { release_chain(m_current); }

  void* allocate(std::size_t size) noexcept {
    if (size > k_max_request) out_of_memory();
    const std::size_t need = k_header + round_up(size);
    if (!m_current || m_used + need > m_current->size) add_block(need);
    // add_block sizes a block for its request; writing past one would corrupt the heap unseen.
    if (m_used + need > m_current->size) {
      std::fputs("nines: internal error: a Markdown arena block is smaller than its request\n",
                 stderr);
      std::abort();
    }
    char* at = reinterpret_cast<char*>(m_current) + m_used;
    std::memcpy(at, &size, sizeof size);
    m_used += need;
    m_last = at + k_header;
    return m_last;
  }

  // realloc's contract: the first min(old, new) bytes are kept, the rest is unspecified.
  void* reallocate(void* ptr, std::size_t size) noexcept {
    if (!ptr) return allocate(size);
    if (size > k_max_request) out_of_memory();
    char* p = static_cast<char*>(ptr);
    std::size_t old_size = 0;
    std::memcpy(&old_size, p - k_header, sizeof old_size);
    if (p == m_last) {
      // The newest allocation grows (or shrinks) in place while its block has room: cmark's
      // strbufs, the HTML output above all, grow by repeated realloc.
      const std::size_t start = static_cast<std::size_t>(p - reinterpret_cast<char*>(m_current));
      const std::size_t end = start + round_up(size);
      if (end <= m_current->size) {
        std::memcpy(p - k_header, &size, sizeof size);
        m_used = end;
        return p;
      }
    }
    if (size <= old_size) return p;
    void* moved = allocate(size);
    std::memcpy(moved, p, old_size);
    return moved;
  }

  // Forgets every allocation. The newest block (the largest: blocks grow) is kept for the next
  // document unless it is past k_keep_limit, so a huge document does not pin its memory.
  void reset() noexcept {
    if (m_current && m_current->size > k_keep_limit) {
      release_chain(m_current);
      m_current = nullptr;
      m_held_bytes = 0;
      m_blocks = 0;
    } else if (m_current) {
      release_chain(m_current->previous);
      m_current->previous = nullptr;
      m_held_bytes = m_current->size;
      m_blocks = 1;
    }
    m_used = k_block_header;
    m_last = nullptr;
  }

  MarkdownArenaUsage usage() const noexcept { return {m_blocks, m_held_bytes}; }

  // Nested render_markdown calls on one thread (a rewrite_url that renders Markdown) must not
  // reset memory the outer call still uses; only the outermost call resets.
  int depth = 0;

private:
  // Each block starts with this header; allocations follow, each after a k_header prefix that
  // holds its size (realloc must know how much to copy).
  struct Block {
    Block* previous;
    std::size_t size; // bytes of the whole block, this header included
  };
  static constexpr std::size_t k_block_header = round_up(sizeof(Block));

  [[noreturn]] static void out_of_memory() noexcept {
    std::fputs("nines: out of memory while rendering Markdown\n", stderr);
    std::abort();
  }

  // A new block big enough for `need`, at least the default size and, so that a large document
  // needs few blocks, as big as all the blocks held so far.
  void add_block(std::size_t need) noexcept {
    std::size_t size = std::max({need + k_block_header, k_block_size, m_held_bytes});
    if (size < need) out_of_memory();
    void* raw = std::malloc(size);
    if (!raw) out_of_memory();
    Block* block = static_cast<Block*>(raw);
    block->previous = m_current;
    block->size = size;
    m_current = block;
    m_used = k_block_header;
    m_held_bytes += size;
    ++m_blocks;
  }

  // Frees `block` and every block before it.
  static void release_chain(Block* block) noexcept {
    while (block) {
      Block* previous = block->previous;
      std::free(block);
      block = previous;
    }
  }

  Block* m_current = nullptr;
  std::size_t m_used = 0;       // bytes of m_current in use, its header included
  char* m_last = nullptr;       // the newest allocation, which realloc may grow in place
  std::size_t m_held_bytes = 0; // bytes of all blocks held
  std::size_t m_blocks = 0;     // blocks held
};

thread_local MarkdownArena t_arena;

void* arena_calloc(std::size_t count, std::size_t size) {
  // An overflowing product asks for more than any block can hold; allocate refuses it.
  const std::size_t bytes = size != 0 && count > std::numeric_limits<std::size_t>::max() / size
                                ? std::numeric_limits<std::size_t>::max()
                                : count * size;
  void* p = t_arena.allocate(bytes);
  std::memset(p, 0, bytes);
  return p;
}
void* arena_realloc(void* ptr, std::size_t size) {
  return t_arena.reallocate(ptr, size);
}
void arena_free(void*) {}

cmark_mem k_arena_mem = {arena_calloc, arena_realloc, arena_free};

// Resets the thread's arena when the outermost render_markdown call ends, by return or by
// exception.
class ArenaScope {
public:
  ArenaScope() noexcept { ++t_arena.depth; }
  ArenaScope(const ArenaScope&) = delete;
  ArenaScope& operator=(const ArenaScope&) = delete;
  ~ArenaScope() {
    if (--t_arena.depth == 0) t_arena.reset();
  }
};

// cmark-gfm's table extension (0.29) spends time quadratic in the cells of a row, and a few
// hundred bytes of memory a cell: a 2 MB body of 400 rows of 5,000 `|` took 13 s and 650 MB (8 MB
// of them 220 s and 2.5 GB), 100,000 rows of 65 `|` 2 GB, for a page that shows two columns. No
// real table has more than a few dozen columns, nor a document tens of thousands of cells, so the
// pipes of a line with more than k_max_row_pipes of them, and of every line once a document has
// had k_max_pipes, outside fenced code, are written as U+2223 `∣` (DIVIDES), which looks the same
// on the page but is no cell separator, so such a line is read as text. (An entity, `&#124;`, or
// an escape, `\|`, would also do, but cmark makes a node of each: 2 GB again.)
constexpr std::size_t k_max_row_pipes = 64;
constexpr std::size_t k_max_pipes = 50'000;

// Fenced code as CommonMark opens and closes it: three or more ` or ~, indented at most three
// spaces, closed by a run of the same character at least as long. Both guards below leave the
// lines of fenced code alone.
class FenceTracker {
public:
  // Whether `line` is fenced code or a fence line, updating the state for the next line.
  bool in_code(std::string_view line) {
    std::size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ')
      ++indent;
    std::size_t run = 0;
    const char c = indent < line.size() ? line[indent] : 0;
    if (indent < 4 && (c == '`' || c == '~'))
      while (indent + run < line.size() && line[indent + run] == c)
        ++run;
    if (m_fence != 0) {
      if (c == m_fence && run >= m_fence_len &&
          line.find_first_not_of(" \t\r", indent + run) == std::string_view::npos)
        m_fence = 0;
      return true;
    }
    if (run >= 3) {
      m_fence = c;
      m_fence_len = run;
      return true;
    }
    return false;
  }

private:
  char m_fence = 0;
  std::size_t m_fence_len = 0;
};

// Calls `each(at, end)` for every line of `md` (`end` is the '\n' or the end of `md`).
template <typename Each> void for_each_line(std::string_view md, Each&& each) {
  for (std::size_t at = 0; at < md.size();) {
    const std::size_t end = std::min(md.find('\n', at), md.size());
    each(at, end);
    at = end + 1;
  }
}

std::size_t leading_spaces(std::string_view line) {
  std::size_t indent = 0;
  while (indent < line.size() && line[indent] == ' ')
    ++indent;
  return indent;
}

// `md` as it is parsed: nullopt when it is under both limits. A line indented four spaces or more
// cannot be a table row.
std::optional<std::string> without_huge_tables(std::string_view md) {
  if (static_cast<std::size_t>(std::count(md.begin(), md.end(), '|')) <= k_max_row_pipes)
    return std::nullopt;
  std::optional<std::string> out;
  FenceTracker fences;
  std::size_t pipes = 0;  // outside fenced code, so far
  std::size_t copied = 0; // bytes of `md` already in `out`
  for_each_line(md, [&](std::size_t at, std::size_t end) {
    const std::string_view line = md.substr(at, end - at);
    if (fences.in_code(line) || leading_spaces(line) >= 4) return;
    const auto here = static_cast<std::size_t>(std::count(line.begin(), line.end(), '|'));
    pipes += here;
    if (here > 0 && (here > k_max_row_pipes || pipes > k_max_pipes)) {
      if (!out) out.emplace();
      out->append(md.substr(copied, at - copied));
      for (const char ch : line) {
        if (ch == '|')
          out->append("\xE2\x88\xA3"); // U+2223
        else
          out->push_back(ch);
      }
      copied = end;
    }
  });
  if (out) out->append(md.substr(std::min(copied, md.size())));
  return out;
}

// cmark-gfm 0.29's inline parser spends time quadratic in a paragraph's emphasis delimiters times
// its links: one 600 KB paragraph of `*em* [l](https://x) ` took 14 s, 960 KB 49 s, far under
// the file size limit, and so do reference links (`[l][r]`) and strikethrough (`~s~`), while a
// paragraph of links alone, or of emphasis alone, parses at once. No written paragraph holds
// thousands of both, so in a paragraph whose count of `*`, `~` and word-boundary `_` times its
// count of `]` exceeds k_max_emphasis_links (outside link destinations and code spans), those
// delimiters are written as look-alikes that open no emphasis: U+2217 `∗`, U+223C `∼` and U+FF3F
// `＿`. The text and every link stay; only that paragraph's emphasis is
// shown as the marks written. A paragraph is told from its neighbours the way a reader sees it:
// blank lines, headings and list items start a new one (a long list of emphasised links is many
// small paragraphs, not one large).
constexpr std::size_t k_max_emphasis_links = 4'000'000;

// The same parser's bracket stack is quadratic in a paragraph's image openers (`![`) times its
// `]`: each link it closes walks back over every `![` still open to deactivate link openers, so
// `![[]()` repeated 100,000 times (600 KB) took 128 s. Past the same product, the `!` of each `![`
// in that paragraph is written as the look-alike U+01C3 `ǃ`: the brackets then read as a link or
// as text, never as an image, and cost nothing.

bool is_word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Whether the `_` at `i` can open or close emphasis: intraword ones never do, and cost nothing.
bool flanking_underscore(std::string_view text, std::size_t i) {
  const bool word_before = i > 0 && is_word_byte(text[i - 1]);
  const bool word_after = i + 1 < text.size() && is_word_byte(text[i + 1]);
  return !(word_before && word_after);
}

// Calls `each(i)` for every emphasis delimiter (`*`, `~`, word-boundary `_`) of `text` outside
// code spans and link destinations, and `image(i)` for the `!` of every image opener `![`, and
// returns the number of `]`, each of which may close a link (inline `](`, reference `][` or
// shortcut `]`): an approximation of what cmark reads, good enough for a guard against cost,
// never for rendering.
template <typename Each, typename Image>
std::size_t scan_inlines(std::string_view text, Each&& each, Image&& image) {
  std::size_t links = 0;
  bool code = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '`') {
      code = !code;
    } else if (code) {
      continue;
    } else if (c == ']') {
      ++links;
      if (i + 1 < text.size() && text[i + 1] == '(') {
        const std::size_t close = text.find_first_of(")\n", i + 2);
        if (close == std::string_view::npos) break;
        i = close;
      }
    } else if (c == '*' || c == '~' || (c == '_' && flanking_underscore(text, i))) {
      each(i);
    } else if (c == '!' && i + 1 < text.size() && text[i + 1] == '[') {
      image(i);
    }
  }
  return links;
}

// Whether a line starts a paragraph of its own: a heading or a list item (after at most three
// spaces and any `>` of a block quote).
bool starts_block(std::string_view line) {
  std::size_t i = 0;
  for (;;) {
    i += std::min<std::size_t>(leading_spaces(line.substr(i)), 3);
    if (i < line.size() && line[i] == '>')
      ++i;
    else
      break;
  }
  if (i >= line.size()) return false;
  const char c = line[i];
  const auto space_at = [&](std::size_t k) {
    return k >= line.size() || line[k] == ' ' || line[k] == '\t';
  };
  if (c == '#') return true;
  if ((c == '-' || c == '*' || c == '+') && space_at(i + 1)) return true;
  std::size_t d = i;
  while (d < line.size() && d - i < 9 && line[d] >= '0' && line[d] <= '9')
    ++d;
  return d > i && d < line.size() && (line[d] == '.' || line[d] == ')') && space_at(d + 1);
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r>") == std::string_view::npos;
}

std::optional<std::string> without_costly_inlines(std::string_view md) {
  // Cheap first: a body that cannot reach the limit as a whole is left alone.
  const auto marks = static_cast<std::size_t>(
      std::count(md.begin(), md.end(), '*') + std::count(md.begin(), md.end(), '_') +
      std::count(md.begin(), md.end(), '~') + std::count(md.begin(), md.end(), '!'));
  if (marks == 0 || md.size() < 4096) return std::nullopt;
  std::optional<std::string> out;
  std::size_t copied = 0;
  FenceTracker fences;
  std::size_t block_at = std::string_view::npos; // where the current paragraph starts
  std::size_t block_end = 0;
  auto close_block = [&]() {
    if (block_at == std::string_view::npos) return;
    const std::string_view text = md.substr(block_at, block_end - block_at);
    std::size_t delimiters = 0, images = 0;
    const std::size_t links = scan_inlines(
        text, [&](std::size_t) { ++delimiters; }, [&](std::size_t) { ++images; });
    const bool tame_emphasis = links > 0 && delimiters > k_max_emphasis_links / links;
    const bool tame_images = links > 0 && images > k_max_emphasis_links / links;
    if (tame_emphasis || tame_images) {
      if (!out) out.emplace();
      out->append(md.substr(copied, block_at - copied));
      std::size_t from = 0;
      auto replace = [&](std::size_t i, const char* with) {
        out->append(text.substr(from, i - from));
        out->append(with);
        from = i + 1;
      };
      scan_inlines(
          text,
          [&](std::size_t i) {
            if (tame_emphasis)
              replace(i, text[i] == '*'   ? "\xE2\x88\x97"   // U+2217
                         : text[i] == '~' ? "\xE2\x88\xBC"   // U+223C
                                          : "\xEF\xBC\xBF"); // U+FF3F
          },
          [&](std::size_t i) {
            if (tame_images) replace(i, "\xC7\x83"); // U+01C3
          });
      out->append(text.substr(from));
      copied = block_end;
    }
    block_at = std::string_view::npos;
  };
  for_each_line(md, [&](std::size_t at, std::size_t end) {
    const std::string_view line = md.substr(at, end - at);
    const bool skip = fences.in_code(line) || is_blank(line);
    if (skip || starts_block(line)) close_block();
    if (skip) return;
    if (block_at == std::string_view::npos) block_at = at;
    block_end = end;
  });
  close_block();
  if (out) out->append(md.substr(std::min(copied, md.size())));
  return out;
}

// The text cmark reads for `md`: the guards against cmark-gfm's quadratic costs, in turn, or
// nullopt when `md` passes both untouched, as most bodies do.
std::optional<std::string> tamed_text(std::string_view md) {
  std::optional<std::string> tamed = without_huge_tables(md);
  if (auto calmer = without_costly_inlines(tamed ? std::string_view(*tamed) : md))
    tamed = std::move(calmer);
  return tamed;
}

// cmark-gfm 0.29 copies a link reference definition's destination and title into every link that
// uses it (`[a]`, `[x][a]`, `[a][]`, `![a]`), and the page gets one copy each: one definition of
// 10 KB used 20,000 times in a 90 KB body made a 192 MB page and took 1 GB, and a larger body
// reached cmark-gfm's own abort() at 1 GB. (Later cmark versions bound the copies and leave the
// uses past the bound as text.) So the copies are counted before cmark reads the text, and a text
// whose copies would pass k_expansion_factor times its size, and k_min_expansion_limit, is
// refused. Ten times its size keeps a page proportional to its text, as cmark's own costs per
// byte are, far above what written documents use (their reference links copy about as much as
// their text); 1 MiB lets a short text use a long definition (an inline image) a few times.
constexpr std::size_t k_expansion_factor = 10;
constexpr std::size_t k_min_expansion_limit = std::size_t{1} << 20;

bool is_ascii_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// The bytes of the line break at `i`: "\n", "\r\n" or a lone "\r", as cmark reads them; 0 for
// none.
std::size_t line_break_at(std::string_view md, std::size_t i) {
  if (i >= md.size()) return 0;
  if (md[i] == '\n') return 1;
  if (md[i] == '\r') return i + 1 < md.size() && md[i + 1] == '\n' ? 2 : 1;
  return 0;
}

bool ends_line(std::string_view md, std::size_t i) {
  return i >= md.size() || md[i] == '\n' || md[i] == '\r';
}

// Past the white space and block quote marks at `i`; `quoted` is set when a `>` was passed.
std::size_t past_indent_and_quotes(std::string_view md, std::size_t i, bool& quoted) {
  for (; i < md.size() && (md[i] == ' ' || md[i] == '\t' || md[i] == '>'); ++i)
    quoted = quoted || md[i] == '>';
  return i;
}

// Past the marks of the block quotes and list items a line at `i` starts with, where a link
// reference definition may start.
std::size_t past_container_marks(std::string_view md, std::size_t i) {
  const auto space_at = [&](std::size_t k) {
    return k >= md.size() || md[k] == ' ' || md[k] == '\t';
  };
  for (bool quoted = false;;) {
    i = past_indent_and_quotes(md, i, quoted);
    if (i >= md.size()) return i;
    if ((md[i] == '-' || md[i] == '*' || md[i] == '+') && space_at(i + 1)) {
      ++i;
      continue;
    }
    std::size_t d = i;
    while (d < md.size() && d - i < 9 && md[d] >= '0' && md[d] <= '9')
      ++d;
    if (d > i && d < md.size() && (md[d] == '.' || md[d] == ')') && space_at(d + 1)) {
      i = d + 1;
      continue;
    }
    return i;
  }
}

// A link label as cmark reads one from the `[` at `open`: up to the first unescaped `]`, with no
// unescaped `[` in it and no blank line.
struct LabelAt {
  std::size_t close = std::string_view::npos; // its `]`; npos when there is no label
  std::size_t stop = 0; // where reading stopped: the next label can start no earlier
  bool quoted = false;  // it goes on on a line of a block quote, whose `>` cmark leaves out
};

LabelAt label_at(std::string_view md, std::size_t open) {
  LabelAt label;
  std::size_t i = open + 1;
  while (i < md.size() && md[i] != '[') {
    if (md[i] == ']') {
      label.close = i;
      label.stop = i + 1;
      return label;
    }
    if (md[i] == '\\' && i + 1 < md.size() && is_ascii_punct(md[i + 1])) {
      i += 2;
    } else if (const std::size_t line_break = line_break_at(md, i)) {
      bool quoted = false;
      const std::size_t text = past_indent_and_quotes(md, i + line_break, quoted);
      if (ends_line(md, text)) { // a blank line ends the paragraph
        i += line_break;
        break;
      }
      label.quoted = label.quoted || quoted;
      i = text;
    } else {
      ++i;
    }
  }
  label.stop = i;
  return label;
}

// A label on one line, to be compared as cmark compares labels: each run of white space one space
// (a line break and the next line's indentation among them), ASCII letters in lower case (cmark
// folds the case of the rest itself), and `\|` as `|`, as the table extension gives a cell's
// text to the inline parser. Two labels cmark takes for one stay one.
std::string label_key(std::string_view label) {
  std::string key;
  key.reserve(label.size());
  bool space = false;
  for (std::size_t i = 0; i < label.size(); ++i) {
    const char c = label[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      space = true;
      continue;
    }
    if (space) key += ' ';
    space = false;
    if (c == '\\' && i + 1 < label.size() && label[i + 1] == '|') continue;
    key += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (space) key += ' ';
  return key;
}

// The first place at or after `at` where `hit` holds (the text's size for none). It remembers
// its last answer: asked from inside the span it read last, it answers at once, so questions asked
// in text order read the text once in all.
template <typename Hit> class NextHit {
public:
  NextHit(std::size_t size, Hit hit) : m_size(size), m_hit(std::move(hit)) {}
  std::size_t from(std::size_t at) {
    if (m_asked && at >= m_from && at <= m_found) return m_found;
    m_asked = true;
    m_from = at;
    for (m_found = at; m_found < m_size && !m_hit(m_found); ++m_found) {
    }
    return m_found;
  }

private:
  std::size_t m_size;
  Hit m_hit;
  bool m_asked = false;
  std::size_t m_from = 0;
  std::size_t m_found = 0;
};

// A link reference definition, or what cmark might read as one.
struct Definition {
  std::size_t at = 0; // its `[`
  std::string_view label;
  std::size_t bytes = 0; // of its destination and title, at most: what each use copies
  bool quoted = false;   // label_at's
};

// Every link reference definition cmark could read in `md`, and more: one may start any line,
// after the marks of block quotes and list items (cmark reads one only where a paragraph starts,
// and not in code). Each is given at least the bytes cmark copies for a use: its destination and
// its title, a title that never closes up to its paragraph's end.
std::vector<Definition> reference_definitions(std::string_view md) {
  std::vector<Definition> found;
  const auto line_start = [md](std::size_t i) {
    return i == 0 || md[i - 1] == '\n' || (md[i - 1] == '\r' && md[i] != '\n');
  };
  const auto blank_line_at = [md, line_start](std::size_t i) {
    bool quoted = false;
    return line_start(i) && ends_line(md, past_indent_and_quotes(md, i, quoted));
  };
  NextHit paragraph_end(md.size(), blank_line_at);
  auto closer = [md](char c) {
    return [md, c](std::size_t i) {
      if (md[i] != c) return false;
      std::size_t slashes = 0;
      while (slashes < i && md[i - 1 - slashes] == '\\')
        ++slashes;
      return slashes % 2 == 0; // "\\" is an escaped backslash
    };
  };
  NextHit double_quote(md.size(), closer('"'));
  NextHit single_quote(md.size(), closer('\''));
  NextHit parenthesis(md.size(), closer(')'));
  // White space, and at most one line break with the next line's indentation and `>` marks; npos
  // when that next line is blank.
  const auto skip_space = [md](std::size_t i) {
    while (i < md.size() && (md[i] == ' ' || md[i] == '\t'))
      ++i;
    if (const std::size_t line_break = line_break_at(md, i)) {
      bool quoted = false;
      i = past_indent_and_quotes(md, i + line_break, quoted);
      if (ends_line(md, i)) return std::string_view::npos;
    }
    return i;
  };

  for (std::size_t line = 0; line < md.size();) {
    const std::size_t open = past_container_marks(md, line);
    // The next line is looked at whatever this one holds: a definition may follow the line a
    // title or label that cmark does not take ends on.
    std::size_t next = open;
    if (open < md.size() && md[open] == '[') {
      const LabelAt label = label_at(md, open);
      if (label.close != std::string_view::npos && label.close + 1 < md.size() &&
          md[label.close + 1] == ':') {
        const std::size_t destination = skip_space(label.close + 2);
        if (destination != std::string_view::npos && !ends_line(md, destination)) {
          std::size_t end = destination;
          if (md[end] == '<') {
            while (!ends_line(md, end) && md[end] != '>')
              ++end;
            end = std::min(end + 1, md.size());
          } else {
            while (end < md.size() && md[end] != ' ' && md[end] != '\t' && !ends_line(md, end))
              ++end;
          }
          std::size_t bytes = end - destination;
          const std::size_t title = skip_space(end);
          if (title != std::string_view::npos && title < md.size() &&
              (md[title] == '"' || md[title] == '\'' || md[title] == '(')) {
            auto& close = md[title] == '"'    ? double_quote
                          : md[title] == '\'' ? single_quote
                                              : parenthesis;
            const std::size_t title_end =
                std::min({close.from(title + 1) + 1, paragraph_end.from(title + 1), md.size()});
            bytes += title_end - title;
          }
          found.push_back({open, md.substr(open + 1, label.close - open - 1), bytes, label.quoted});
        }
      }
    }
    while (next < md.size() && !line_break_at(md, next))
      ++next;
    line = next + line_break_at(md, next);
    if (next >= md.size()) break;
  }
  return found;
}

// A definition's label (label_key's) and its index among all.
using KeyedDefinition = std::pair<const std::string*, std::size_t>;

// For each of `labels` (label_key's), the index of the definition cmark resolves it to among
// `definitions`, or npos. cmark itself resolves them, in a document of the definitions (each with
// its index for URL) and the labels alone, each label a paragraph of its own on a known line: its
// case folding and comparison are used as they are.
std::vector<std::size_t> resolve_labels(const std::vector<KeyedDefinition>& definitions,
                                        const std::vector<const std::string*>& labels) {
  std::string doc;
  std::set<std::size_t> indexes;
  for (const auto& [key, index] : definitions) {
    doc += '[';
    doc += *key;
    doc += "]: ";
    doc += std::to_string(index);
    doc += "\n\n";
    indexes.insert(index);
  }
  const auto first_label_line = static_cast<long long>(definitions.size()) * 2 + 1;
  for (const std::string* label : labels) {
    doc += '[';
    doc += *label;
    doc += "]\n\n";
  }
  std::vector<std::size_t> resolved(labels.size(), std::string_view::npos);
  // No extension: none changes how a label is read (the table extension's `\|` is label_key's).
  cmark_parser* parser = cmark_parser_new_with_mem(k_parse_options, &k_arena_mem);
  cmark_parser_feed(parser, doc.data(), doc.size());
  cmark_node* root = cmark_parser_finish(parser);
  cmark_iter* iter = cmark_iter_new(root);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_LINK) continue;
    const long long at = cmark_node_get_start_line(node) - first_label_line;
    const char* url = cmark_node_get_url(node);
    if (at < 0 || at % 2 != 0 || static_cast<std::size_t>(at / 2) >= labels.size() || !url)
      continue;
    char* end = nullptr;
    const unsigned long long index = std::strtoull(url, &end, 10);
    if (end != url && *end == '\0' && indexes.count(index) != 0)
      resolved[static_cast<std::size_t>(at / 2)] = static_cast<std::size_t>(index);
  }
  cmark_iter_free(iter);
  return resolved;
}

// "812 bytes", "9.8 KiB", "195.3 MiB", "27.9 GiB".
std::string size_text(std::size_t bytes) {
  char text[32];
  const auto in = [bytes](int shift) {
    return static_cast<double>(bytes) / static_cast<double>(std::size_t{1} << shift);
  };
  if (bytes < 1024)
    std::snprintf(text, sizeof text, "%zu bytes", bytes);
  else if (bytes < (std::size_t{1} << 20))
    std::snprintf(text, sizeof text, "%.1f KiB", in(10));
  else if (bytes < (std::size_t{1} << 30))
    std::snprintf(text, sizeof text, "%.1f MiB", in(20));
  else
    std::snprintf(text, sizeof text, "%.1f GiB", in(30));
  return text;
}

// A label as a message quotes it: in brackets, on one line, at most 40 bytes of it.
std::string shown_label(std::string_view label) {
  std::string shown;
  for (const char c : label) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space && (shown.empty() || shown.back() == ' ')) continue;
    shown += space ? ' ' : c;
  }
  if (shown.size() > 40) {
    std::size_t cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80)
      --cut;
    shown = shown.substr(0, cut) + "\xE2\x80\xA6"; // U+2026
  }
  return "[" + shown + "]";
}

// Where offset `at` of `md` is: line (1-based, lines broken as cmark breaks them) and byte column
// (1-based).
std::pair<int, int> line_and_column(std::string_view md, std::size_t at) {
  int line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < at;) {
    if (const std::size_t line_break = line_break_at(md, i)) {
      i += line_break;
      ++line;
      start = i;
    } else {
      ++i;
    }
  }
  return {line, static_cast<int>(at - start) + 1};
}

// The refusal of `md`, the text as cmark reads it (after the guards above), when the copies its
// reference links make pass the limit (k_expansion_factor). Every use is charged at least what
// its definition copies: each `[label]` cmark could read as a use (each ends at a `]` of its own,
// as each use does), the definition cmark resolves it to. A label or definition that goes on on a
// line of a block quote is not matched (cmark leaves out that line's `>`, or reads it as text, by
// rules not repeated here): such a definition is taken to be used by every label, and such a label
// to use the largest definition. Written documents do neither.
std::optional<MarkdownRefusal> expansion_refusal(std::string_view md) {
  // No definition without "]:": nearly every text is done here.
  if (md.find("]:") == std::string_view::npos) return std::nullopt;
  const std::vector<Definition> definitions = reference_definitions(md);
  if (definitions.empty()) return std::nullopt;
  const std::size_t limit = std::max(md.size() * k_expansion_factor, k_min_expansion_limit);
  // The largest definition, and the largest of those whose label goes on on a line of a block
  // quote (none, nearly always).
  std::size_t largest = 0, quoted_largest = std::string_view::npos;
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    if (definitions[i].bytes > definitions[largest].bytes) largest = i;
    if (definitions[i].quoted && (quoted_largest == std::string_view::npos ||
                                  definitions[i].bytes > definitions[quoted_largest].bytes))
      quoted_largest = i;
  }
  // At most one use per `]`, each copying at most the largest definition: most texts with
  // definitions are done here.
  const auto closers = static_cast<std::size_t>(std::count(md.begin(), md.end(), ']'));
  const std::size_t most = definitions[largest].bytes;
  if (most == 0 || closers <= limit / most) return std::nullopt;

  // The labels that could use a definition, each with its number of uses: those a message names,
  // and the labels of the definitions themselves, which are counted too (what reads as a
  // definition here may be a use to cmark) but not named.
  struct Uses {
    std::size_t named = 0;
    std::size_t definitions = 0;
  };
  std::unordered_map<std::string, Uses> uses;
  std::size_t quoted_uses = 0;
  std::size_t next_definition = 0; // definitions are in text order
  for (std::size_t i = 0; i < md.size();) {
    if (md[i] == '\\' && i + 1 < md.size() && is_ascii_punct(md[i + 1])) {
      i += 2;
      continue;
    }
    if (md[i] != '[') {
      ++i;
      continue;
    }
    while (next_definition < definitions.size() && definitions[next_definition].at < i)
      ++next_definition;
    const bool defining =
        next_definition < definitions.size() && definitions[next_definition].at == i;
    const LabelAt label = label_at(md, i);
    if (label.close != std::string_view::npos) {
      if (label.quoted) {
        ++quoted_uses;
      } else {
        Uses& u = uses[label_key(md.substr(i + 1, label.close - i - 1))];
        ++(defining ? u.definitions : u.named);
      }
    }
    i = label.stop;
  }

  // Each definition's label and each use's, resolved by cmark. Definitions of one label_key are
  // one label to cmark, which keeps the first of those it reads; the one it keeps for a label
  // (of several keys, when they differ in case or in white space only) is charged the largest of
  // them all, since a definition counted here that cmark does not read (in code, say) must not
  // stand in for a longer one it does.
  std::unordered_map<std::string, std::size_t> largest_of_key;
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    if (definitions[i].quoted) continue;
    const auto [it, fresh] = largest_of_key.try_emplace(label_key(definitions[i].label), i);
    if (!fresh && definitions[i].bytes > definitions[it->second].bytes) it->second = i;
  }
  std::vector<KeyedDefinition> keyed;
  std::vector<const std::string*> labels;
  keyed.reserve(largest_of_key.size());
  labels.reserve(largest_of_key.size() + uses.size());
  for (const auto& [key, index] : largest_of_key) {
    keyed.emplace_back(&key, index);
    labels.push_back(&key);
  }
  // In text order, so the same text is always resolved the same way.
  std::sort(keyed.begin(), keyed.end(),
            [](const KeyedDefinition& a, const KeyedDefinition& b) { return a.second < b.second; });
  for (std::size_t k = 0; k < keyed.size(); ++k)
    labels[k] = keyed[k].first;
  std::vector<Uses> counted;
  counted.reserve(uses.size());
  for (const auto& [key, count] : uses) {
    counted.push_back(count);
    labels.push_back(&key);
  }
  const std::vector<std::size_t> resolved = resolve_labels(keyed, labels);
  // For each definition cmark keeps, the largest of those it takes for one.
  std::vector<std::size_t> stands_for(definitions.size());
  for (std::size_t i = 0; i < definitions.size(); ++i)
    stands_for[i] = i;
  for (std::size_t k = 0; k < keyed.size(); ++k) {
    const std::size_t kept = resolved[k];
    const std::size_t i = keyed[k].second;
    if (kept != std::string_view::npos &&
        definitions[i].bytes > definitions[stands_for[kept]].bytes)
      stands_for[kept] = i;
  }

  std::size_t total = 0;
  std::vector<std::size_t> copied(definitions.size(), 0), used(definitions.size(), 0);
  auto charge = [&](std::size_t definition, std::size_t named, std::size_t unnamed) {
    total += (named + unnamed) * definitions[definition].bytes;
    copied[definition] += (named + unnamed) * definitions[definition].bytes;
    used[definition] += named;
  };
  for (std::size_t k = 0; k < counted.size(); ++k) {
    const std::size_t kept = resolved[keyed.size() + k];
    std::size_t definition = kept == std::string_view::npos ? kept : stands_for[kept];
    if (quoted_largest != std::string_view::npos &&
        (definition == std::string_view::npos ||
         definitions[quoted_largest].bytes > definitions[definition].bytes))
      definition = quoted_largest;
    if (definition != std::string_view::npos)
      charge(definition, counted[k].named, counted[k].definitions);
  }
  if (quoted_uses > 0) charge(largest, quoted_uses, 0);
  if (total <= limit) return std::nullopt;

  std::size_t worst = 0;
  for (std::size_t i = 1; i < definitions.size(); ++i)
    if (copied[i] > copied[worst]) worst = i;
  const Definition& d = definitions[worst];
  const auto [line, col] = line_and_column(md, d.at);
  MarkdownRefusal refusal;
  refusal.line = line;
  refusal.col = col;
  refusal.message = "its reference links would copy " + size_text(total) +
                    " of URLs and titles into the page, more than the " + size_text(limit) +
                    " allowed (" + std::to_string(k_expansion_factor) + " times the " +
                    size_text(md.size()) + " of Markdown, and at least " +
                    size_text(k_min_expansion_limit) + "): " + shown_label(d.label) + ", " +
                    size_text(d.bytes) + " of URL and title, is used " +
                    std::to_string(used[worst]) + " times";
  refusal.hint = "use that reference fewer times, or shorten its URL and title: every use "
                 "copies them into the page";
  return refusal;
}

// cmark-gfm makes a node for every block and inline it reads, each several hundred bytes with
// its strings and the inline parser's bookkeeping, so its memory follows a text's markup, not its
// size: 7.5 MB of prose parsed in about 100 MB, while 7.5 MB of one-word list items (`- x`) took
// 1.5 GB and 6 s, of emphasis (`*a* `) 2.1 GB and 9 s, of links (`[a](b) `) 1.2 GB, of lines of
// `w` (the autolink extension stops at each) 1.5 GB, all under the file size limit, and a process
// with less memory than that aborted inside cmark-gfm, which cannot report a failed allocation.
// So what can start a node is counted before cmark reads a text: each line that is not blank
// (fenced code too: a fence this count takes for one that cmark does not, a backtick in a
// backtick fence's info string, one inside a list item or an HTML block, must not make the rest
// of the text free), and outside fenced code each byte the inline parser stops at (`* _ [ ] ! `
// < > & \ ~ | : @ # - + w " ' .`) and each `)` after a digit (an ordered list's marker). A text
// with more than k_max_markup such pieces is refused: the densest Markdown costs at most about
// 800 bytes a piece, so a text stays under about 200 MB, while prose has a piece every 20-30
// bytes (a `w` or a `.` is about 3% of English text), so about 6 MB of it passes; link-dense
// changelogs, a piece every 8 bytes, pass up to about 2 MB.
constexpr std::size_t k_max_markup = 250'000;

// The bytes the inline parser may stop at, as a table for the count.
constexpr std::array<bool, 256> k_markup_bytes = [] {
  std::array<bool, 256> table{};
  for (const char c : std::string_view("*_[]!`<>&\\~|:@#-+w\"'."))
    table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_markup_byte(char c) {
  return k_markup_bytes[static_cast<unsigned char>(c)];
}

std::optional<MarkdownRefusal> markup_refusal(std::string_view md, std::size_t written_size) {
  // Cheap first: a text cannot have more pieces than bytes and one (a line without a newline).
  if (md.size() < k_max_markup) return std::nullopt;
  std::size_t pieces = 0;
  FenceTracker fences;
  for_each_line(md, [&](std::size_t at, std::size_t end) {
    const std::string_view line = md.substr(at, end - at);
    if (is_blank(line)) return;
    ++pieces;
    if (fences.in_code(line)) return;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (is_markup_byte(c) || (c == ')' && i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9'))
        ++pieces;
    }
  });
  if (pieces <= k_max_markup) return std::nullopt;
  MarkdownRefusal refusal;
  refusal.line = 1;
  refusal.col = 1;
  refusal.message = "it is too dense to render: " + std::to_string(pieces) +
                    " pieces of Markdown markup (lines, list markers, emphasis marks, brackets "
                    "and the other marks cmark-gfm stops at outside fenced code), more than the " +
                    std::to_string(k_max_markup) + " one text may have, in " +
                    size_text(written_size);
  refusal.hint = "split it into several documents, or put logs and data in fenced code blocks "
                 "(```), where a line counts once whatever it holds";
  return refusal;
}

// Why `written` is refused, judged on `read`, the text as cmark reads it (after the guards
// above), or nullopt.
std::optional<MarkdownRefusal> refusal_of(std::string_view written, std::string_view read) {
  if (auto refusal = markup_refusal(read, written.size())) return refusal;
  return expansion_refusal(read);
}

// Plain text of an inline subtree: what a screen reader or a table of contents should show, its
// whitespace collapsed. `squeeze` false keeps the text as written (a break as a line break), as
// GitHub makes a heading's anchor from it: `Bad  heading` is `#bad--heading`, a tab is dropped.
std::string plain_text(cmark_node* node, bool squeeze = true) {
  std::string out;
  auto append = [&out, squeeze](const char* text) {
    for (; *text; ++text) {
      const char c = *text;
      if (squeeze && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += c;
      }
    }
  };
  cmark_iter* iter = cmark_iter_new(node); // from the node's allocator: the arena
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* cur = cmark_iter_get_node(iter);
    switch (cmark_node_get_type(cur)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
      if (const char* lit = cmark_node_get_literal(cur)) append(lit);
      break;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      append(squeeze ? " " : "\n");
      break;
    default:
      break;
    }
  }
  cmark_iter_free(iter);
  if (squeeze && !out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The HTML of a subtree. The string cmark returns lives in the arena, so it is copied out and
// never passed to free().
std::string rendered(cmark_node* node, cmark_llist* extensions) {
  const char* html = cmark_render_html_with_mem(node, k_render_options, extensions, &k_arena_mem);
  return html ? without_controls(std::string(html)) : std::string();
}

// Replaces `node` with a custom block that prints `html` verbatim; the renderer emits custom
// blocks as given, which is how headings get an id attribute cmark itself cannot set.
// Nodes leave the tree by cmark_node_unlink, not cmark_node_free: their memory is the arena's,
// and freeing would only walk the subtree to do nothing.
void replace_with_html_block(cmark_node* node, const std::string& html) {
  cmark_node* block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, &k_arena_mem);
  cmark_node_set_on_enter(block, html.c_str());
  cmark_node_set_on_exit(block, "");
  cmark_node_insert_before(node, block);
  cmark_node_unlink(node);
}

// Removes a link but keeps its content in place.
void unwrap(cmark_node* node) {
  while (cmark_node* child = cmark_node_first_child(node))
    cmark_node_insert_before(node, child);
  cmark_node_unlink(node);
}

// The vetted URL for a link or image, or nullopt when it must not be emitted.
std::optional<std::string> vetted_url(const char* raw, const MarkdownOptions& options) {
  std::string url = raw ? raw : "";
  if (!is_safe_url(url)) return std::nullopt;
  if (options.rewrite_url) {
    url = options.rewrite_url(url);
    if (!is_safe_url(url)) return std::nullopt;
  }
  return url;
}

// The language of a fenced block's info string ("python title=x" -> "python"), restricted to
// characters that need no escaping in a class name.
std::string code_language(const char* info) {
  std::string lang;
  for (const char* p = info ? info : ""; *p && *p != ' ' && *p != '\t'; ++p) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '+' || c == '#' || c == '.';
    if (!ok) return {};
    lang += c;
  }
  return lang;
}

// The ids a document's headings took, and for each heading text's slug the suffix to try next.
struct AnchorsTaken {
  std::set<std::string> used;
  std::unordered_map<std::string, int> next;
};

std::string unique_anchor(const std::string& base, AnchorsTaken& anchors,
                          const MarkdownOptions& options) {
  auto taken = [&](const std::string& id) {
    return anchors.used.count(id) != 0 || options.reserved_ids.count(id) != 0 ||
           (options.more_reserved_ids && options.more_reserved_ids->count(id) != 0);
  };
  // The first free one of base, base-1, base-2, …: a suffix found taken stays taken (ids are
  // only ever added), so the search for a slug goes on where its last one stopped. Trying from 1
  // for every heading made 20,000 headings of one text take 18 s.
  int& n = anchors.next[base];
  std::string candidate = n == 0 ? base : base + "-" + std::to_string(n);
  while (taken(candidate))
    candidate = base + "-" + std::to_string(++n);
  ++n;
  anchors.used.insert(candidate);
  return candidate;
}

// cmark-gfm writes a footnote's ids from its label, the same in every text: in a reference
// `<sup class="footnote-ref"><a href="#fn-L" id="fnref-L">` (a second reference to the same note
// "fnref-L-2"), in the note `<li id="fn-L">`, and in its way back
// `<a href="#fnref-L" class="footnote-backref"`. Raw HTML never reaches the output and text is
// escaped, so these strings are only ever cmark's footnote markup.
constexpr std::string_view k_footnote_ref = "<sup class=\"footnote-ref\"><a href=\"#fn-";
constexpr std::string_view k_footnote_ref_id = "\" id=\"fnref-";
constexpr std::string_view k_footnote_item = "<li id=\"fn-";
constexpr std::string_view k_footnote_back = "<a href=\"#fnref-";
constexpr std::string_view k_footnote_back_class = "\" class=\"footnote-backref\"";

// An attribute value as cmark-gfm escapes it (houdini_escape_href), as a browser reads it.
std::string attribute_value(std::string_view escaped) {
  std::string out;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 4;
    } else if (escaped.compare(i, 6, "&#x27;") == 0) {
      out += '\'';
      i += 5;
    } else {
      out += escaped[i];
    }
  }
  return out;
}

// Calls `at(i, prefix_length)` for each footnote id in `html`, where i is the offset of the
// "fn-" or "fnref-" that starts it and prefix_length that prefix's length, and `id(value)` with
// the whole id (the references' and the notes' ids, not the links to them).
template <typename At, typename Id>
void for_each_footnote_id(std::string_view html, At&& at, Id&& id) {
  auto value_at = [&html](std::size_t from) {
    const std::size_t end = std::min(html.find('"', from), html.size());
    return html.substr(from, end - from);
  };
  for (std::size_t i = html.find("<"); i != std::string_view::npos; i = html.find('<', i + 1)) {
    const std::string_view here = html.substr(i);
    if (here.starts_with(k_footnote_ref)) {
      const std::size_t href = i + k_footnote_ref.size() - 3; // at "fn-"
      at(href, 3);
      const std::size_t close = html.find('"', href);
      if (close == std::string_view::npos) return;
      if (html.substr(close).starts_with(k_footnote_ref_id)) {
        const std::size_t ref = close + k_footnote_ref_id.size() - 6; // at "fnref-"
        at(ref, 6);
        id(value_at(ref));
      }
    } else if (here.starts_with(k_footnote_item)) {
      const std::size_t item = i + k_footnote_item.size() - 3;
      at(item, 3);
      id(value_at(item));
    } else if (here.starts_with(k_footnote_back)) {
      const std::size_t back = i + k_footnote_back.size() - 6;
      const std::size_t close = html.find('"', back);
      if (close != std::string_view::npos && html.substr(close).starts_with(k_footnote_back_class))
        at(back, 6);
    }
  }
}

// Gives the text's footnotes ids no other element of the page has: as cmark-gfm writes them
// when none is taken, else with "N-" after their "fn-" and "fnref-" for the least N from 2 that
// frees them all. Returns the ids.
std::vector<std::string> unique_footnote_ids(std::string& html,
                                             const std::function<bool(const std::string&)>& taken) {
  std::vector<std::string> ids;
  for_each_footnote_id(
      html, [](std::size_t, std::size_t) {},
      [&ids](std::string_view id) { ids.push_back(attribute_value(id)); });
  if (ids.empty()) return ids;
  auto renamed = [](const std::string& id, int n) {
    if (n < 2) return id;
    const std::size_t dash = id.find('-') + 1; // "fn-" or "fnref-"
    return id.substr(0, dash) + std::to_string(n) + "-" + id.substr(dash);
  };
  auto all_free = [&](int n) {
    return std::none_of(ids.begin(), ids.end(),
                        [&](const std::string& id) { return taken(renamed(id, n)); });
  };
  int n = 1;
  while (!all_free(n))
    ++n;
  if (n < 2) return ids;
  const std::string insert = std::to_string(n) + "-";
  std::string out;
  out.reserve(html.size() + ids.size() * 2 * insert.size());
  std::size_t copied = 0;
  for_each_footnote_id(
      html,
      [&](std::size_t i, std::size_t prefix) {
        out.append(html, copied, i + prefix - copied);
        out += insert;
        copied = i + prefix;
      },
      [](std::string_view) {});
  out.append(html, copied, std::string::npos);
  html = std::move(out);
  for (std::string& id : ids)
    id = renamed(id, n);
  return ids;
}

// Where a link or image starts in the Markdown as written. cmark-gfm takes the link reference
// definitions a paragraph starts with (`[a]: /x`) out of its text, but counts the lines of the
// inlines of the rest from the paragraph's first line: a link below two definitions was reported
// two lines too high. The paragraph's own last line is right, and its last inline ends on it, so
// their difference is the number of lines taken out.
std::pair<int, int> written_position(cmark_node* node, std::map<cmark_node*, int>& shifts) {
  int line = cmark_node_get_start_line(node);
  cmark_node* block = cmark_node_parent(node);
  while (block && (cmark_node_get_type(block) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK)
    block = cmark_node_parent(block);
  if (block && cmark_node_get_type(block) == CMARK_NODE_PARAGRAPH) {
    auto [it, fresh] = shifts.try_emplace(block, 0);
    if (fresh)
      if (cmark_node* last = cmark_node_last_child(block))
        it->second = std::max(0, cmark_node_get_end_line(block) - cmark_node_get_end_line(last));
    line += it->second;
  }
  return {line, cmark_node_get_start_column(node)};
}

// Links and images (each list in document order) merged into document order.
std::vector<cmark_node*> links_and_images_in_order(const std::vector<cmark_node*>& links,
                                                   const std::vector<cmark_node*>& images) {
  std::vector<cmark_node*> all(links);
  all.insert(all.end(), images.begin(), images.end());
  std::stable_sort(all.begin(), all.end(), [](cmark_node* a, cmark_node* b) {
    const int la = cmark_node_get_start_line(a), lb = cmark_node_get_start_line(b);
    return la != lb ? la < lb : cmark_node_get_start_column(a) < cmark_node_get_start_column(b);
  });
  return all;
}

} // namespace

MarkdownArenaUsage markdown_arena_usage() {
  return t_arena.usage();
}

std::optional<MarkdownRefusal> markdown_refusal(std::string_view md) {
  // A text without a definition (no `[`) and with fewer bytes than the markup limit passes both,
  // as nearly every text does: tamed_text only takes markup away.
  if (md.size() < k_max_markup && md.find('[') == std::string_view::npos) return std::nullopt;
  ArenaScope scope;
  const std::optional<std::string> tamed = tamed_text(md);
  return refusal_of(md, tamed ? std::string_view(*tamed) : md);
}

MarkdownResult render_markdown(std::string_view md, const MarkdownOptions& options) {
  const auto& gfm = gfm_extensions();
  // Everything cmark allocates below (parser, tree, iterators, rendered HTML, the nodes made
  // here) comes from the thread's arena and goes when the scope ends; nothing is freed one by one.
  ArenaScope scope;
  const std::optional<std::string> tamed = tamed_text(md);
  // Judged on the text cmark reads: the guards' look-alikes change labels too. They change no
  // line, nor a definition's column, so the place is the text's as written.
  if (auto refusal = refusal_of(md, tamed ? std::string_view(*tamed) : md)) {
    MarkdownResult refused;
    refused.html = "<p>This text is not shown: " + html_escape(refusal->message) + ".</p>\n";
    refused.refused = std::move(refusal);
    return refused;
  }
  cmark_parser* parser = cmark_parser_new_with_mem(k_parse_options, &k_arena_mem);
  // In the order of k_extension_names, which is the order the renderer calls them in.
  const bool tilde = md.find('~') != std::string_view::npos;
  for (std::size_t i = 0; i < gfm.common.size(); ++i) {
    if (tilde && i == gfm.strikethrough_at)
      cmark_parser_attach_syntax_extension(parser, gfm.strikethrough);
    cmark_parser_attach_syntax_extension(parser, gfm.common[i]);
  }
  if (tamed)
    cmark_parser_feed(parser, tamed->data(), tamed->size());
  else
    cmark_parser_feed(parser, md.data(), md.size());
  cmark_node* doc = nullptr;
  if (tilde) {
    // The inline pass, inside cmark_parser_finish, marks and clears '~' (see gfm_extensions).
    std::lock_guard<std::mutex> lock(tilde_parse_mutex);
    doc = cmark_parser_finish(parser);
  } else {
    doc = cmark_parser_finish(parser);
  }
  cmark_llist* extensions = cmark_parser_get_syntax_extensions(parser);

  // Collect first, edit after: the tree must not change under the iterator.
  std::vector<cmark_node*> links, images, headings, code_blocks, tables;
  bool footnotes = false; // the text references a footnote (one never referenced is not shown)
  cmark_iter* iter = cmark_iter_new(doc);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_LINK:
      links.push_back(node);
      break;
    case CMARK_NODE_IMAGE:
      images.push_back(node);
      break;
    case CMARK_NODE_HEADING:
      headings.push_back(node);
      break;
    case CMARK_NODE_CODE_BLOCK:
      code_blocks.push_back(node);
      break;
    case CMARK_NODE_FOOTNOTE_REFERENCE:
      footnotes = true;
      break;
    default:
      // The table extension's node type is not in the library's public headers: its name is.
      if (cmark_node_get_type(node) > CMARK_NODE_FOOTNOTE_DEFINITION &&
          (cmark_node_get_type(node) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK &&
          std::strcmp(cmark_node_get_type_string(node), "table") == 0)
        tables.push_back(node);
      break;
    }
  }
  cmark_iter_free(iter);

  // Each heading's anchor on the page, and the one GitHub gives it in the document alone. They
  // differ where the page already has the id (a service page's `#dependencies`, another body's
  // `#steps`): the text's own links to GitHub's anchor (`[see](#dependencies)`) then go to its
  // heading on the page, not to the page's section of that name.
  AnchorsTaken anchors, alone;
  MarkdownOptions unreserved;
  unreserved.reserved_ids.clear();
  std::vector<std::string> heading_anchors;
  std::map<std::string, std::string, std::less<>> page_anchor_of; // GitHub's → the page's
  for (cmark_node* heading : headings) {
    const std::string base = heading_anchor(plain_text(heading, /*squeeze=*/false));
    heading_anchors.push_back(unique_anchor(base, anchors, options));
    std::string github = unique_anchor(base, alone, unreserved);
    if (github != heading_anchors.back())
      page_anchor_of.emplace(std::move(github), heading_anchors.back());
  }

  MarkdownResult result;
  std::map<cmark_node*, int> shifts; // paragraph → the definition lines it starts with
  // A link to one of the text's own headings by GitHub's anchor is checked as it will be on the
  // page: against the heading's id there.
  for (cmark_node* node : links_and_images_in_order(links, images)) {
    const char* url = cmark_node_get_url(node);
    const auto [line, column] = written_position(node, shifts);
    std::string written = url ? url : "";
    if (written.starts_with('#'))
      if (auto it = page_anchor_of.find(std::string_view(written).substr(1));
          it != page_anchor_of.end())
        written = "#" + it->second;
    result.links.push_back({std::move(written), line, column});
  }
  // Links first: unwrapping frees only the link itself. Images last and innermost first (reverse
  // document order), since replacing an image frees everything inside its description.
  for (cmark_node* link : links) {
    auto url = vetted_url(cmark_node_get_url(link), options);
    if (url && url->starts_with('#'))
      if (auto it = page_anchor_of.find(std::string_view(*url).substr(1));
          it != page_anchor_of.end())
        url = "#" + it->second;
    if (url)
      cmark_node_set_url(link, url->c_str());
    else
      unwrap(link);
  }
  for (auto it = images.rbegin(); it != images.rend(); ++it) {
    auto url = vetted_url(cmark_node_get_url(*it), options);
    if (url && !is_remote_url(*url)) {
      cmark_node_set_url(*it, url->c_str());
      continue;
    }
    // An image from elsewhere would be a request leaving the site (SPEC 5: self-contained; a
    // tracking pixel works the same way), so it becomes a link to the image, named by its alt
    // text; an unsafe one becomes the alt text alone.
    std::string alt_text = plain_text(*it);
    cmark_node* alt = cmark_node_new_with_mem(CMARK_NODE_TEXT, &k_arena_mem);
    cmark_node_set_literal(alt, (alt_text.empty() && url ? *url : alt_text).c_str());
    cmark_node* replacement = alt;
    // Inside a link (a badge, `[![CI](badge.svg)](workflow)`) the alt text alone: a link in a
    // link is no HTML, and the outer one already leads somewhere.
    bool in_link = false;
    for (cmark_node* up = cmark_node_parent(*it); up && !in_link; up = cmark_node_parent(up))
      in_link = cmark_node_get_type(up) == CMARK_NODE_LINK;
    if (url && !in_link) {
      replacement = cmark_node_new_with_mem(CMARK_NODE_LINK, &k_arena_mem);
      cmark_node_set_url(replacement, url->c_str());
      cmark_node_append_child(replacement, alt);
    }
    cmark_node_insert_before(*it, replacement);
    cmark_node_unlink(*it);
  }

  for (cmark_node* block : code_blocks) {
    std::string lang = code_language(cmark_node_get_fence_info(block));
    const char* literal = cmark_node_get_literal(block);
    std::string html = "<pre class=\"code-block\"><code";
    if (!lang.empty()) html += " class=\"language-" + attr_escape(lang) + "\"";
    html += ">" + html_escape(literal ? literal : "") + "</code></pre>\n";
    replace_with_html_block(block, html);
  }

  // A wide table scrolls inside a frame of its own, never the page (reflow at 320 px), as the
  // theme's tables do; the frame is a region a keyboard can reach and scroll.
  int table_number = 0;
  for (cmark_node* table : tables) {
    const std::string open = "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table " +
                             std::to_string(++table_number) + "\" tabindex=\"0\">\n";
    cmark_node* frame = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, &k_arena_mem);
    cmark_node_set_on_enter(frame, open.c_str());
    cmark_node_set_on_exit(frame, "</div>\n");
    cmark_node_insert_before(table, frame);
    cmark_node_unlink(table);
    if (!cmark_node_append_child(frame, table)) {
      // Should the frame not take it, the table stays where it was, unframed.
      cmark_node_insert_before(frame, table);
      cmark_node_unlink(frame);
    }
  }

  int offset = std::max(options.heading_offset, 0);
  if (options.top_heading_level > 0 && !headings.empty()) {
    int top = 6;
    for (cmark_node* heading : headings)
      top = std::min(top, cmark_node_get_heading_level(heading));
    offset = std::clamp(options.top_heading_level, 1, 6) - top;
  }
  // On a page, no heading skips a level after the one before it (a body that starts at `####`
  // below the page's h1 reads as h2, then as deep as its own steps): screen readers list the
  // outline by level. Without a page level the levels stay as written.
  // A heading sits one level below the nearest heading before it that was written at a higher
  // level (its parent), never deeper: siblings keep one level (`### A`, `##### B`, `##### C`
  // are h3, h4, h4, not h3, h4, h5).
  const bool on_page = options.top_heading_level > 0;
  const int base = on_page ? std::clamp(options.top_heading_level, 1, 6) - 1 : 0;
  std::vector<std::pair<int, int>> parents; // (written, shown) of the open outline
  for (std::size_t k = 0; k < headings.size(); ++k) {
    cmark_node* heading = headings[k];
    Heading h;
    const int written = cmark_node_get_heading_level(heading);
    h.level = std::clamp(written + offset, 1, 6);
    while (!parents.empty() && parents.back().first >= written)
      parents.pop_back();
    if (on_page) h.level = std::min(h.level, (parents.empty() ? base : parents.back().second) + 1);
    parents.emplace_back(written, h.level);
    h.text = plain_text(heading);
    h.anchor = heading_anchors[k];
    std::string html = rendered(heading, extensions);
    // cmark renders a heading as "<hN>" + content + "</hN>\n"; the tags get the page's level and
    // the opening one the anchor.
    std::string open = "<h" + std::to_string(written) + ">";
    std::string close = "</h" + std::to_string(written) + ">";
    std::size_t close_at = html.rfind(close);
    if (html.compare(0, open.size(), open) != 0 || close_at == std::string::npos)
      throw std::runtime_error("markdown: unexpected heading markup from cmark-gfm");
    const std::string tag = "h" + std::to_string(h.level);
    html = "<" + tag + " id=\"" + attr_escape(h.anchor) + "\">" +
           html.substr(open.size(), close_at - open.size()) + "</" + tag + ">" +
           html.substr(close_at + close.size());
    replace_with_html_block(heading, html);
    result.headings.push_back(std::move(h));
  }

  result.html = rendered(doc, extensions);
  if (footnotes)
    result.ids = unique_footnote_ids(result.html, [&](const std::string& id) {
      return anchors.used.count(id) != 0 || options.reserved_ids.count(id) != 0 ||
             (options.more_reserved_ids && options.more_reserved_ids->count(id) != 0);
    });
  return result;
}

} // namespace nines
