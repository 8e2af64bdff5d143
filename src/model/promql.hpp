// PromQL text built from the SLIs' queries: the one place that turns a query as written (SPEC 1.3)
// into the expression a Prometheus-compatible server evaluates. Used by the metrics pull and by
// the generated recording rules, so both always ask the same question. Pure string functions.
#pragma once

#include <optional>
#include <string>

namespace nines {

// A window in PromQL's duration syntax: 60 → "1h", 1440 → "1d", 5 → "5m", 0.5 → "30s".
std::string promql_duration(double minutes);

// SPEC 1.3: `{{service}}` → service id; then an expression with `{{window}}` is used as written
// with the window substituted, a constant (below) is `vector(N)` in every window, and any other
// is a counter selector evaluated as sum(increase(<expr>[<window>])). Comments are dropped
// (strip_promql_comments) and the blanks around the query trimmed: whatever nines puts after the
// query (a range, the parentheses of a recording rule) must not land in a comment.
std::string render_sli_query(const std::string& expr, const std::string& window,
                             const std::string& service);

// A constant query, `vector(N)` or a bare number N: the total of a raw-ratio SLI (`vector(1)`,
// docs/dialects.md), the same in every window, so never wrapped in increase(): Prometheus accepts
// ranges only on vector selectors. N as written ("1"), or nullopt for any other query.
std::optional<std::string> sli_query_constant(const std::string& expr);

// `expr` without its PromQL comments: each `#` outside a string literal to the end of its line,
// with the blanks before it, and a line that held only a comment with its line break. PromQL reads
// a comment as a blank, but one spliced into a longer expression on one line swallows the rest of
// that line (`((total # note) - ...)`).
std::string strip_promql_comments(const std::string& expr);

// True when `expr` (`{{service}}` read as a service id) is a vector selector — a metric name and/or
// `{...}` label matchers, nothing else — the only query that sum(increase(<expr>[<window>]))
// accepts. Read as Prometheus' lexer and parser read it: comments are blanks (render_sli_query
// drops them before it puts a range after the selector), each matcher is `label op string` with op
// = != =~ !~, and a string is one PromQL can lex (double or single quotes with Go's escapes and no
// line break, or backquotes): `x{msg='it''s'}` holds two strings in a row and is no selector. A
// keyword that cannot start an expression (`on`, `bool`) is no metric name, and a selector without
// a name needs a matcher that the empty value fails. Prometheus 3's quoted names count as names.
bool is_vector_selector(const std::string& expr);
// A range (`[5m]`, `[{{window}}]`, not a subquery's `[5m:1m]`) put on an expression that is no
// vector selector, which Prometheus refuses ("ranges only allowed for vector selectors") where
// MetricsQL accepts it (`vector(1)[{{window}}]`, Sloth's victoria-metrics example): that
// expression and its range as written, or nullopt when every range follows a selector.
std::optional<std::string> range_on_non_selector(const std::string& expr);
// True when render_sli_query makes PromQL that Prometheus can accept from `expr`: it holds
// `{{window}}` and puts every range on a vector selector, is a constant, or is a vector selector.
// Any other query would be wrapped in sum(increase(<expr>[<window>])), which Prometheus rejects
// (the `sli-query-range` lint, and `nines rules`, which must never write a file Prometheus
// refuses).
bool sli_query_renders(const std::string& expr);

// True when `expr` holds PromQL's `@` modifier (`x[1d] @ end()`, `@ 1700000000`) outside its
// strings and comments: it pins the evaluation time, so every day nines asks about would read the
// same instant's counts.
bool has_at_modifier(const std::string& expr);

// Golden-signal templates: `{{service}}` only.
std::string render_service_template(const std::string& expr, const std::string& service);

} // namespace nines
