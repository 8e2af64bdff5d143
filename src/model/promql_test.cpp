#include "model/promql.hpp"

#include <doctest/doctest.h>

using namespace nines;

TEST_CASE("query templating (SPEC 1.3)") {
  // A counter selector is wrapped.
  CHECK(render_sli_query(R"(http_requests_total{service="{{service}}",code!~"5.."})", "1d",
                         "pay-api") ==
        R"(sum(increase(http_requests_total{service="pay-api",code!~"5.."}[1d])))");
  CHECK(render_sli_query("  x_total \n", "5m", "s") == "sum(increase(x_total[5m]))");
  // A {{window}} query is used as written, every occurrence substituted.
  CHECK(render_sli_query(
            R"(sum(rate(a{svc="{{service}}"}[{{window}}])) * {{window}}_seconds / {{service}})",
            "6h", "cart") == R"(sum(rate(a{svc="cart"}[6h])) * 6h_seconds / cart)");
  CHECK(render_service_template(R"(up{service="{{service}}",x="{{service}}"})", "a") ==
        R"(up{service="a",x="a"})");
  CHECK(render_service_template("up{{window}}", "a") == "up{{window}}");
}

TEST_CASE("PromQL durations") {
  CHECK(promql_duration(60) == "1h");
  CHECK(promql_duration(360) == "6h");
  CHECK(promql_duration(1440) == "1d");
  CHECK(promql_duration(4320) == "3d");
  CHECK(promql_duration(5) == "5m");
  CHECK(promql_duration(90) == "90m");
  CHECK(promql_duration(0.5) == "30s");
  CHECK(promql_duration(10080) == "7d");
}

TEST_CASE("a constant query is used as written in every window") {
  // A raw ratio's total (docs/dialects.md): never sum(increase(vector(1)[w])), which Prometheus
  // rejects ("ranges only allowed for vector selectors").
  CHECK(render_sli_query("vector(1)", "1d", "s") == "vector(1)");
  CHECK(render_sli_query(" vector ( 1 ) \n", "5m", "s") == "vector(1)");
  CHECK(render_sli_query("1", "5m", "s") == "vector(1)"); // an instant vector, as fetches need
  CHECK(render_sli_query("vector(0.5)", "6h", "s") == "vector(0.5)");
  CHECK(sli_query_constant("vector(1)") == "1");
  CHECK(sli_query_constant("  2.5e1 ") == "2.5e1");
  CHECK_FALSE(sli_query_constant("vector(time())"));
  CHECK_FALSE(sli_query_constant("vector_total"));
  CHECK_FALSE(sli_query_constant("vector(1) + 1"));
  CHECK_FALSE(sli_query_constant("1e"));
  CHECK_FALSE(sli_query_constant("."));
  CHECK_FALSE(sli_query_constant(""));
  // Anything else without {{window}} is still a counter selector.
  CHECK(render_sli_query("vector_total", "1d", "s") == "sum(increase(vector_total[1d]))");
}

TEST_CASE("vector selectors: the only queries increase(q[w]) accepts") {
  CHECK(is_vector_selector("http_requests_total"));
  CHECK(is_vector_selector(R"( http_requests_total{service="{{service}}",code!~"5.."} )"));
  CHECK(is_vector_selector(R"({__name__="x", job=~'a|b', path=`/a}[1d]`})"));
  CHECK(is_vector_selector(R"(x{a="q\"}(", b="}"})"));
  CHECK(is_vector_selector("ns:requests:total {job=\"a\",}"));
  CHECK(is_vector_selector("{{service}}_requests_total"));
  CHECK_FALSE(is_vector_selector("sum(x)"));
  CHECK_FALSE(is_vector_selector("rate(x[5m])"));
  CHECK_FALSE(is_vector_selector("x[5m]"));
  CHECK_FALSE(is_vector_selector("a + b"));
  CHECK_FALSE(is_vector_selector("a / on() b"));
  CHECK_FALSE(is_vector_selector("x offset 5m"));
  CHECK_FALSE(is_vector_selector("vector(1)"));
  CHECK_FALSE(is_vector_selector("1"));
  CHECK_FALSE(is_vector_selector(R"(x{a="unclosed})"));
  CHECK_FALSE(is_vector_selector("x{a=\"1\"}{b=\"2\"}"));
  CHECK_FALSE(is_vector_selector(""));
}

TEST_CASE("a range on no vector selector: MetricsQL, which Prometheus refuses") {
  // Sloth's victoria-metrics example.
  CHECK(range_on_non_selector("vector(1)[{{window}}]") == "vector(1)[{{window}}]");
  CHECK_FALSE(sli_query_renders("vector(1)[{{window}}]"));
  CHECK(range_on_non_selector("sum(rate(x[5m]))[{{window}}]") == "sum(rate(x[5m]))[{{window}}]");
  CHECK(range_on_non_selector("(a + b) [{{window}}]") == "(a + b) [{{window}}]");
  // Ranges on selectors, subqueries, and brackets inside label values are PromQL.
  for (const char* ok :
       {"sum(rate(http_requests_total{code=~\"[45]..\"}[{{window}}]))",
        "sum(increase(x[{{window}}])) / sum(increase(y_2xx [{{window}}]))",
        "avg_over_time((a / b)[{{window}}:1m])", "sum(rate(x{job='[a]'}[{{window}}] offset 1h))",
        "1 - histogram_share(0.2, sum by (vmrange) (rate(b{c=\"d\"}[{{window}}])))"}) {
    CAPTURE(ok);
    CHECK_FALSE(range_on_non_selector(ok));
    CHECK(sli_query_renders(ok));
  }
}

TEST_CASE("PromQL comments are dropped, never what follows them on another line") {
  CHECK(strip_promql_comments("sum(rate(x[5m]))  # requests answered OK") == "sum(rate(x[5m]))");
  CHECK(strip_promql_comments("# every request\nsum(rate(x[5m]))\n") == "sum(rate(x[5m]))\n");
  CHECK(strip_promql_comments("sum(\n  rate(x[5m]) # a note\n)") == "sum(\n  rate(x[5m])\n)");
  // A `#` in a string literal of any quoting is text, and so is a quote in a comment.
  CHECK(strip_promql_comments(R"(x{a="#1",b='#2',c=`#3`} # it's "here")") ==
        R"(x{a="#1",b='#2',c=`#3`})");
  CHECK(strip_promql_comments(R"(x{a="q\"#"} # c)") == R"(x{a="q\"#"})");
  CHECK(strip_promql_comments("x{a=`\n#`} # c\n") == "x{a=`\n#`}\n");
  CHECK(strip_promql_comments("no comment\n") == "no comment\n");
  CHECK(strip_promql_comments("# only\n# comments") == "");
}

TEST_CASE("a query's comments never swallow what nines puts after it") {
  // A {{window}} query with a trailing note and one with a comment line: the rules splice them
  // into `((total) - ((good) or ((total) * 0 unless on() (good)))) / (total)`, on one line.
  CHECK(render_sli_query("sum(rate(ok_total{job=\"{{service}}\"}[{{window}}]))  # answered OK",
                         "5m", "web") == "sum(rate(ok_total{job=\"web\"}[5m]))");
  CHECK(render_sli_query("# every request\nsum(rate(all_total[{{window}}]))\n", "1h", "web") ==
        "sum(rate(all_total[1h]))");
  // A counter selector with a note is still a selector, wrapped without it.
  CHECK(is_vector_selector("req_total{code=\"200\"} # answered OK"));
  CHECK(render_sli_query("req_total{code=\"200\"} # answered OK", "5m", "s") ==
        "sum(increase(req_total{code=\"200\"}[5m]))");
  CHECK(render_sli_query("vector(1) # raw ratio", "5m", "s") == "vector(1)");
  CHECK(sli_query_constant("1 # every day counts once") == "1");
  // A bracket in a comment is no range.
  CHECK_FALSE(range_on_non_selector("sum(rate(x[{{window}}])) # not vector(1)[{{window}}]"));
}

TEST_CASE("a selector's strings are those PromQL's lexer reads") {
  // The audit's case: 'it''s' is two strings in a row, which promtool refuses.
  CHECK_FALSE(is_vector_selector("req_total{msg='it''s'}"));
  CHECK_FALSE(sli_query_renders("req_total{msg='it''s'}"));
  for (const char* ok : {R"(x{a='it\'s'})",
                         R"(x{a="say \"hi\""})",
                         R"(x{a="\x41\101\u00e9\U0001F600"})",
                         R"(x{a="\a\b\f\n\r\t\v\\"})",
                         "x{a=`back\\slash \"and\" 'quotes'`}",
                         "x{a=`two\nlines`}",
                         R"(x{a="é"})",
                         R"(x{a="b",})",
                         R"(x {a ="b" , c!~ "d"})",
                         "x{}",
                         R"({a!=""})",
                         R"({a=~".+"})",
                         R"({a!~""})",
                         R"({a!~".*"})",
                         R"({a=~"x|y"})",
                         R"({a=~"\\d+"})",
                         R"({a=~".*", b="c"})",
                         R"({__name__="x"})",
                         R"(x{on="a", bool="b"})",
                         "by",
                         "sum",
                         ":x",
                         "x:y",
                         "x{a=\"b\" # a note\n}",
                         R"({"http.requests"})",
                         R"({"http.requests", "code.class"="2xx"})"}) {
    CAPTURE(ok);
    CHECK(is_vector_selector(ok));
  }
  for (const char* bad :
       {R"(x{a="\q"})", R"(x{a='\"'})", R"(x{a="\'"})", R"(x{a="\x4"})", R"(x{a="\0"})",
        R"(x{a="\400"})", R"(x{a="\uD800"})", R"(x{a="\U00110000"})", "x{a=\"two\nlines\"}",
        "x{a=\"b\\\nc\"}", R"(x{a="b\"})", "x{a=`b}", R"(x{a="b" c="d"})", R"(x{a=b})", R"(x{"a"})",
        R"(x{a="b", "c"})", R"(x{,})", R"(x{a="b",,})", R"(x{a:b="c"})", R"(x{a=="b"})", "{}",
        R"({a=""})", R"({a=~""})", R"({a!~"x"})",
        // Regular expressions that match the empty value (Prometheus anchors
        // them): the selector would match every series.
        R"({a=~".*"})", R"({a=~"x|"})", R"({a=~'(web)?'})", "{a=~`.*`, b!=\"c\"}", R"({a!~".+"})",
        R"(x{__name__="y"})", R"(x{__name__=~"y"})", "on", "ON", "bool", "ignoring", "group_left",
        "group_right", "atan2", "Inf", "nan", R"(x{a="b"} offset 5m)", "x @ 5",
        "# only a comment"}) {
    CAPTURE(bad);
    CHECK_FALSE(is_vector_selector(bad));
  }
  // A hostile pattern is not compiled (std::regex recurses per nesting level and copies counted
  // repetitions): it counts as failing the empty value, so the selector stands, and nothing
  // crashes.
  const std::string deep =
      "{a=~\"" + std::string(200000, '(') + "x" + std::string(200000, ')') + "\"}";
  CHECK(is_vector_selector(deep));
  CHECK(is_vector_selector(R"({a=~"((x{999}){999}){999}"})"));
}

TEST_CASE("the @ modifier is found outside strings and comments only") {
  CHECK(has_at_modifier("sum(increase(x[{{window}}] @ end()))"));
  CHECK(has_at_modifier("rate(x[5m] @ 1700000000)"));
  CHECK(has_at_modifier("x@start()"));
  CHECK_FALSE(has_at_modifier("sum(increase(x{owner=\"ops@example.com\"}[{{window}}]))"));
  CHECK_FALSE(has_at_modifier("x{a='@'} # pinned @ nothing\n+ y{b=`@`}"));
  CHECK_FALSE(has_at_modifier("sum(rate(x[5m]))"));
}
