// HTML escaping and URL vetting: the one place the site decides what is safe to emit.
//
// Every other part of rendering (Markdown, SVG charts, mustache templates) calls these functions
// instead of escaping on its own, so a fix here fixes every page.
#pragma once

#include <string>
#include <string_view>

namespace nines {

// Escapes text for an HTML text node: & < > " ' become entities. Safe in attribute values too,
// but use attr_escape there so the intent is visible at the call site. Characters no reader can
// see or that act on the text around them are written as the replacement character U+FFFD
// (`&#xFFFD;`): NUL, the other control characters but tab, line feed, form feed and carriage
// return (HTML parse errors), DEL, the C1 controls U+0080-U+009F, and the bidirectional
// embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which would reorder the rest
// of their paragraph as shown. Other UTF-8 ("é", "—", emoji) is copied as it is.
std::string html_escape(std::string_view text);

// `html` (HTML made elsewhere: cmark's, from a Markdown body) with those same characters written
// as html_escape writes them, so a body shows what a field would. `html` is given back as it is
// when it holds none, which one pass finds.
std::string without_controls(std::string html);

// The same controls in plain text (the search index's strings, shown by the search page through
// textContent, where no entity applies) replaced by the character U+FFFD.
void replace_controls(std::string& text);

// Escapes a value for a double- or single-quoted attribute: the same entities as html_escape, plus
// the backtick, which very old parsers accepted as a quote. Attributes must always be quoted.
std::string attr_escape(std::string_view value);

// Whether `url` may become an href or src. Safe: relative URLs (paths, ?query, #anchors, and
// protocol-relative //host), http:, https:, mailto:, and data:image/{png,gif,jpeg,webp};base64.
// Unsafe: javascript:, vbscript:, file:, any other data: or unknown scheme, and anything holding
// a control character (browsers drop tabs and newlines inside schemes, so "java\tscript:" would
// run). Scheme matching is case-insensitive after the leading spaces browsers strip.
bool is_safe_url(std::string_view url);

// Whether fetching `url` (one that passed is_safe_url) leaves the site: http:, https: or
// protocol-relative. A page may link to such a URL but never load from it (SPEC 5: no request
// leaves the site), so Markdown images from elsewhere become links.
bool is_remote_url(std::string_view url);

// Why a URL that is safe and names no scheme still breaks on a published site, or "" when it does
// not: a protocol-relative URL ("//host/x") breaks from file://, a root-absolute one ("/x") at a
// sub-path (GitHub Pages' /repo/) and from file://. The site's link check and `check`'s check of
// the links content holds give the same reasons. Spaces around the URL are ignored.
std::string_view unportable_url_reason(std::string_view url);

// Whether a URL names a scheme: a ':' before any '/', '?' or '#', as browsers read it. The site's
// link check and `check`'s check of content links skip such URLs (http, mailto, data:image...).
bool has_scheme(std::string_view url);

// Appends `s` to `out` with every %XX escape (either case of hex digit) decoded; a '%' not
// followed by two hex digits is kept as written. Link fragments are compared with heading ids
// this way, as a browser does when it scrolls to an anchor.
void percent_decode_into(std::string& out, std::string_view s);
std::string percent_decode(std::string_view s);

// A heading's anchor as GitHub makes it, so a link written against the repository's web view
// (`#whats-wrong`, `other.md#cpu--memory`) works on the site too: the text lower-cased, every
// character that is not a letter, a mark, a decimal digit, '-' or '_' dropped (punctuation,
// symbols, emoji), and each space made a '-', with no runs collapsed ("What's wrong?" →
// "whats-wrong", "CPU & Memory" → "cpu--memory", "v1.2 upgrade" → "v12-upgrade"). Letters of
// other scripts are kept, lower-cased where they have cases ("Überblick" → "überblick"). GitLab's
// anchors are the same but for runs of '-', which it makes one ("cpu-memory").
// Never empty: "section" if nothing is left. Repeats are the caller's (render_markdown: "-1",
// "-2", ...).
std::string heading_anchor(std::string_view text);

} // namespace nines
