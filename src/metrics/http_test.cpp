#include "metrics/http.hpp"
#include "net/net.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace nines;

namespace {

AttemptOutcome response(long status, std::optional<double> retry_after = std::nullopt) {
  AttemptOutcome o;
  o.kind = AttemptOutcome::Kind::Response;
  o.status = status;
  o.retry_after_s = retry_after;
  return o;
}

AttemptOutcome transport(AttemptOutcome::Kind kind) {
  AttemptOutcome o;
  o.kind = kind;
  return o;
}

// A port on 127.0.0.1 that nothing listens on: bound, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

} // namespace

TEST_CASE("retry policy: what is retried") {
  RetryPolicy p;
  p.retries = 3;
  CHECK(decide_retry(response(200), 1, p, 0.5).retry == false);
  CHECK(decide_retry(response(500), 1, p, 0.5).retry);
  CHECK(decide_retry(response(502), 1, p, 0.5).retry);
  CHECK(decide_retry(response(503), 1, p, 0.5).retry);
  CHECK(decide_retry(response(429), 1, p, 0.5).retry);
  // Other 4xx mean the request is wrong: another attempt cannot help.
  for (long s : {400L, 401L, 403L, 404L, 405L, 422L})
    CHECK_MESSAGE(decide_retry(response(s), 1, p, 0.5).retry == false, s);
  CHECK(decide_retry(transport(AttemptOutcome::Kind::ConnectError), 1, p, 0.5).retry);
  // A timeout used the request's whole budget; other errors (TLS, …) are configuration.
  CHECK(decide_retry(transport(AttemptOutcome::Kind::Timeout), 1, p, 0.5).retry == false);
  CHECK(decide_retry(transport(AttemptOutcome::Kind::OtherError), 1, p, 0.5).retry == false);
}

TEST_CASE("retry policy: bounded count") {
  RetryPolicy p;
  p.retries = 2;
  CHECK(decide_retry(response(503), 1, p, 0).retry);
  CHECK(decide_retry(response(503), 2, p, 0).retry);
  RetryDecision last = decide_retry(response(503), 3, p, 0);
  CHECK_FALSE(last.retry);
  CHECK(last.exhausted);
  CHECK_FALSE(decide_retry(response(404), 1, p, 0).exhausted);
  p.retries = 0;
  CHECK_FALSE(decide_retry(transport(AttemptOutcome::Kind::ConnectError), 1, p, 0).retry);
}

TEST_CASE("retry policy: exponential backoff with equal jitter, capped") {
  RetryPolicy p;
  p.retries = 10;
  p.base_s = 0.25;
  p.max_s = 2.0;
  // Jitter 0 → half the backoff; jitter → 1 → the whole backoff.
  CHECK(decide_retry(response(500), 1, p, 0.0).delay_s == doctest::Approx(0.125));
  CHECK(decide_retry(response(500), 1, p, 1.0).delay_s == doctest::Approx(0.25));
  CHECK(decide_retry(response(500), 2, p, 1.0).delay_s == doctest::Approx(0.5));
  CHECK(decide_retry(response(500), 3, p, 1.0).delay_s == doctest::Approx(1.0));
  CHECK(decide_retry(response(500), 4, p, 1.0).delay_s == doctest::Approx(2.0));
  CHECK(decide_retry(response(500), 9, p, 1.0).delay_s == doctest::Approx(2.0)); // capped
  for (double j : {0.0, 0.1, 0.5, 0.99}) {
    double d = decide_retry(response(500), 3, p, j).delay_s;
    CHECK(d >= 0.5);
    CHECK(d <= 1.0);
  }
  // Out-of-range jitter is clamped, never a negative or runaway delay.
  CHECK(decide_retry(response(500), 1, p, -5).delay_s == doctest::Approx(0.125));
  CHECK(decide_retry(response(500), 1, p, 7).delay_s == doctest::Approx(0.25));
}

TEST_CASE("retry policy: Retry-After is honoured, within a limit") {
  RetryPolicy p;
  p.retries = 3;
  p.retry_after_max_s = 30;
  RetryDecision d = decide_retry(response(429, 5.0), 1, p, 0.5);
  CHECK(d.retry);
  CHECK(d.delay_s == doctest::Approx(5.0));
  // A backoff longer than Retry-After wins: Retry-After is a lower bound.
  p.base_s = 20;
  p.max_s = 20;
  CHECK(decide_retry(response(429, 1.0), 1, p, 1.0).delay_s == doctest::Approx(20.0));
  RetryDecision too_long = decide_retry(response(429, 3600.0), 1, p, 0.5);
  CHECK_FALSE(too_long.retry);
  CHECK(too_long.why_not.find("3600s") != std::string::npos);
  CHECK(decide_retry(response(503, 2.0), 1, RetryPolicy{}, 0).delay_s == doctest::Approx(2.0));
}

TEST_CASE("Retry-After parsing: delay-seconds and HTTP-dates") {
  CHECK(parse_retry_after("120") == 120.0);
  CHECK(parse_retry_after(" 7\r\n") == 7.0);
  CHECK(parse_retry_after("0") == 0.0);
  CHECK_FALSE(parse_retry_after(""));
  CHECK_FALSE(parse_retry_after("-1"));
  CHECK_FALSE(parse_retry_after("1.5"));
  // A wait too long to write as a double exactly is still a long wait, over any cap.
  CHECK(parse_retry_after("99999999999") == 999'999'999.0);
  CHECK(parse_retry_after("18446744073709551677") == 999'999'999.0);
  // An HTTP-date (RFC 9110): seconds from now, in its three forms; a past date is 0.
  const std::int64_t now = 1445412475; // 2015-10-21T07:27:55Z
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 5.0);
  CHECK(parse_retry_after(" Wed, 21 Oct 2015 07:28:00 GMT\r\n", now) == 5.0);
  CHECK(parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now) == 5.0);
  CHECK(parse_retry_after("Wed Oct 21 07:28:00 2015", now) == 5.0);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:20:00 GMT", now) == 0.0);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 08:28:00 GMT", now) == 3605.0); // over the cap later
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMTX", now));
  CHECK_FALSE(parse_retry_after("tomorrow", now));
  CHECK_FALSE(parse_retry_after("Wed, 32 Oct 2015 07:28:00 GMT", now));
  // With the wall clock: a date in a few seconds is a few seconds, within the 30 s cap.
  const std::time_t soon = std::time(nullptr) + 10;
  char buf[64];
  std::tm tm{};
  ::gmtime_r(&soon, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  const auto wait = parse_retry_after(buf);
  REQUIRE(wait);
  CHECK(*wait >= 8.0);
  CHECK(*wait <= 10.0);
  AttemptOutcome o;
  o.status = 429;
  o.retry_after_s = wait;
  const RetryDecision d = decide_retry(o, 1, RetryPolicy{}, 0.0);
  CHECK(d.retry);
  CHECK(d.delay_s == *wait);
}

TEST_CASE("form encoding and decoding") {
  CHECK(form_encode({{"query", "sum(rate(x{a=\"b c\"}[5m]))"}, {"time", "17"}}) ==
        "query=sum%28rate%28x%7Ba%3D%22b%20c%22%7D%5B5m%5D%29%29&time=17");
  CHECK(form_encode({{"a", "-._~"}}) == "a=-._~");
  CHECK(form_encode({{"k", "&=+%"}}) == "k=%26%3D%2B%25");
  CHECK(url_decode("a%20b+c%2") == "a b c%2");
  CHECK(url_decode(form_encode({{"q", "x{y=\"ü\"}"}}).substr(2)) == "x{y=\"ü\"}");
}

TEST_CASE("URLs in messages lose their credentials") {
  CHECK(redact_url("http://127.0.0.1:9090") == "http://127.0.0.1:9090");
  CHECK(redact_url("https://user:secret@prom.example/api") == "https://prom.example/api");
  CHECK(redact_url("https://prom.example/path@x") == "https://prom.example/path@x");
  CHECK(redact_url("http://a@b@host:1/") == "http://host:1/");
}

TEST_CASE("curl client: a closed port fails every request quickly, as unreachable") {
  auto client = make_curl_client();
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/api/v1/query";
  std::vector<HttpRequest> reqs(20, HttpRequest{url, "query=up"});
  HttpOptions o;
  o.concurrency = 2;
  o.timeout_s = 5;
  o.retry.retries = 2;
  o.retry.base_s = 0.01;
  o.retry.max_s = 0.02;
  std::vector<HttpResult> results(reqs.size());
  std::size_t calls = 0;
  const auto start = std::chrono::steady_clock::now();
  client->post_all(reqs, o, [&](std::size_t i, HttpResult&& r) {
    ++calls;
    results[i] = std::move(r);
  });
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(calls == reqs.size());
  CHECK(elapsed < 5.0);
  int tried = 0;
  for (const auto& r : results) {
    CHECK(r.unreachable);
    CHECK(r.status == 0);
    // One text for all, however far each got: which request gave up first is up to jitter and
    // timing, and the build's output must not be.
    CHECK(r.error == "the server could not be reached (Couldn't connect to server)");
    if (r.attempts == 3) ++tried;
  }
  // The first requests used their retries; once one gave up, the rest were not sent.
  CHECK(tried >= 1);
  CHECK(tried <= 2);
}

TEST_CASE("curl client: a named token variable that is unset sends nothing") {
  auto client = make_curl_client();
  ::unsetenv("NINES_TEST_UNSET_TOKEN");
  HttpOptions o;
  o.bearer_token_env = "NINES_TEST_UNSET_TOKEN";
  std::vector<HttpRequest> reqs(3, HttpRequest{"http://127.0.0.1:1/api/v1/query", "query=up"});
  std::size_t calls = 0;
  client->post_all(reqs, o, [&](std::size_t, HttpResult&& r) {
    ++calls;
    CHECK(r.attempts == 0);
    CHECK(r.unreachable);
    CHECK(r.error.find("NINES_TEST_UNSET_TOKEN") != std::string::npos);
  });
  CHECK(calls == 3);
}

TEST_CASE("redaction: tokens, authorization schemes, userinfo and credential parameters") {
  CHECK(redact_text("rejected Bearer abc.DEF-123_x/y+z=") == "rejected Bearer [redacted]");
  CHECK(redact_text("authorization: basic dXNlcjpwYXNz") == "authorization: basic [redacted]");
  CHECK(redact_text("echo s3cr3t-token and s3cr3t-token", "s3cr3t-token") ==
        "echo [redacted] and [redacted]");
  CHECK(redact_text("see http://bob:hunter2@prom:9090/api?access_token=abc&step=60") ==
        "see http://[redacted]@prom:9090/api?access_token=[redacted]&step=60");
  CHECK(redact_text("https://h/x?api_key=k1;password=p2#sig=s3") ==
        "https://h/x?api_key=[redacted];password=[redacted]#sig=[redacted]");
  CHECK(redact_text("no secrets here: up{job=\"x\"}") == "no secrets here: up{job=\"x\"}");
  CHECK(redact_text("token abc") == "token abc"); // prose, not a credential
  CHECK(redact_url("https://prom.example/api?access_token=abc&x=1") ==
        "https://prom.example/api?access_token=[redacted]&x=1");
  CHECK(redact_url("http://u:p@prom.example:9090/?token=t") ==
        "http://prom.example:9090/?token=[redacted]");
  // A redacted URL inside a message scrubbed again keeps the text around it.
  const std::string where = "source 'prom' (" + redact_url("http://u:p@h:1/?token=t") + "): down";
  CHECK(where == "source 'prom' (http://h:1/?token=[redacted]): down");
  CHECK(redact_text(where) == where);
  CHECK(redact_text("(http://h:1/?a=1&token=[redacted]), next") ==
        "(http://h:1/?a=1&token=[redacted]), next");
  // Anything else after a redacted value may be the rest of a secret: it goes too.
  CHECK(redact_text("http://h/?token=[redacted]abc): x") == "http://h/?token=[redacted] x");
  CHECK(redact_text("http://h/?token=abc): x") == "http://h/?token=[redacted] x");
}

TEST_CASE("redaction: credential parameters in a path without a scheme") {
  // A server echoing the request's path, relative: no "://" before it.
  CHECK(redact_text("cannot handle /api/v1/query_range?api_key=K3Y-0123456789abcdef") ==
        "cannot handle /api/v1/query_range?api_key=[redacted]");
  CHECK(redact_text("bad request /p?x=1&sig=abc;token=def#access_token=ghi end") ==
        "bad request /p?x=1&sig=[redacted];token=[redacted]#access_token=[redacted] end");
  CHECK(redact_text("path \"/q?password=hunter2\" refused") ==
        "path \"/q?password=[redacted]\" refused");
  // Already redacted text keeps the punctuation after it; other parameters stay.
  CHECK(redact_text("(/q?token=[redacted]): down") == "(/q?token=[redacted]): down");
  CHECK(redact_text("/q?step=60&query=up") == "/q?step=60&query=up");
  CHECK(redact_text("a & b; c ? d") == "a & b; c ? d");
}

TEST_CASE("redaction: the source URL's own credentials are known secrets") {
  const auto secrets =
      url_secrets("http://bob:hunter2-pw@prom:9090/prom?api_key=K3Y-0123456789abcdef&x=plain"
                  "&sig=a%2Fb%3Dcdef#frag");
  CHECK(std::find(secrets.begin(), secrets.end(), "bob:hunter2-pw") != secrets.end());
  CHECK(std::find(secrets.begin(), secrets.end(), "hunter2-pw") != secrets.end());
  CHECK(std::find(secrets.begin(), secrets.end(), "K3Y-0123456789abcdef") != secrets.end());
  CHECK(std::find(secrets.begin(), secrets.end(), "a/b=cdef") != secrets.end());
  CHECK(std::find(secrets.begin(), secrets.end(), "plain") == secrets.end());
  CHECK(url_secrets("http://127.0.0.1:9090/").empty());
  // Wherever the values appear, not only after a parameter's name.
  CHECK(redact_secrets("key K3Y-0123456789abcdef unknown; user hunter2-pw", secrets) ==
        "key [redacted] unknown; user [redacted]");
  CHECK(redact_secrets("got a%2Fb%3Dcdef", secrets) == "got [redacted]");
  // A piece of a long one, as for the token.
  CHECK(redact_secrets("K3Y-0123456789ab…", secrets) == "[redacted]…");
  CHECK(redact_secrets("/q?api_key=zzz", {}) == "/q?api_key=[redacted]");
}

TEST_CASE("bearer token: one trailing line break dropped, control characters refused") {
  CHECK(clean_bearer_token("abc-123", "T").token == "abc-123");
  CHECK(clean_bearer_token("abc-123\n", "T").token == "abc-123");
  CHECK(clean_bearer_token("abc-123\r\n", "T").token == "abc-123");
  for (const std::string& bad :
       {std::string("abc\n\n"), std::string("abc\r\nX-Evil: 1"), std::string("a\tb"),
        std::string("a\x7f"), std::string("a\rb"), std::string("a\0b", 3)}) {
    CAPTURE(bad);
    const BearerToken t = clean_bearer_token(bad, "PROM_TOKEN");
    CHECK(t.token.empty());
    CHECK(t.error.find("PROM_TOKEN") != std::string::npos);
    CHECK(t.error.find("control character") != std::string::npos);
    CHECK(t.error.find("abc") == std::string::npos);
  }
  CHECK(clean_bearer_token("", "T").error.find("is not set") != std::string::npos);
  CHECK(clean_bearer_token("\n", "T").error.find("is not set") != std::string::npos);
}

TEST_CASE("curl client: a token with a line break in it sends nothing") {
  auto client = make_curl_client();
  ::setenv("NINES_TEST_CRLF_TOKEN", "s3cr3t\r\nX-Injected: yes", 1);
  HttpOptions o;
  o.bearer_token_env = "NINES_TEST_CRLF_TOKEN";
  std::vector<HttpRequest> reqs(2, HttpRequest{"http://127.0.0.1:1/api/v1/query", "query=up"});
  std::size_t calls = 0;
  client->post_all(reqs, o, [&](std::size_t, HttpResult&& r) {
    ++calls;
    CHECK(r.attempts == 0);
    CHECK(r.unreachable);
    CHECK(r.error.find("NINES_TEST_CRLF_TOKEN") != std::string::npos);
    CHECK(r.error.find("s3cr3t") == std::string::npos);
  });
  CHECK(calls == 2);
  ::unsetenv("NINES_TEST_CRLF_TOKEN");
}

TEST_CASE("redaction: a token echoed re-encoded, escaped, re-cased or cut") {
  const std::string token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYSJ9/Abc+def==";
  const std::vector<std::string> echoes = {
      token,
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYSJ9%2FAbc%2Bdef%3D%3D",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYSJ9%2fAbc%2bdef%3d%3d",
      "EYJHBGCIOIJIUZI1NIJ9.EYJZDWIIOIJXYSJ9/ABC+DEF==",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYSJ9\\/Abc+def==",
      "eyJhbGciOiJIUzI1NiJ9.eyJzd", // cut
      "IiOiJxYSJ9/Abc+def==",       // its end only
  };
  for (const auto& echo : echoes) {
    CAPTURE(echo);
    const std::string out = redact_text("{\"error\":\"token=" + echo + " rejected\"}", token);
    CHECK(out == "{\"error\":\"token=[redacted] rejected\"}");
  }
  // A token with a quote and a backslash, echoed JSON- and HTML-escaped.
  const std::string odd = "Et\\ToK/eN+\"q'uo<te>&x";
  CHECK(redact_text("got \"Et\\\\ToK\\/eN+\\\"q'uo<te>&x\"", odd) == "got \"[redacted]\"");
  CHECK(redact_text("<p>Et\\ToK/eN+&quot;q&#39;uo&lt;te&gt;&amp;x</p>", odd) ==
        "<p>[redacted]</p>");
  // Echoed base64-encoded after any prefix (an Authorization header, a basic credential): no
  // piece of the token's encoding is left, whichever of the three alignments it fell on.
  const std::string secret = "s3cr3t-PROM-token-0123456789abcdef";
  for (const std::string prefix : {"", "u:", "Bearer ", "x"}) {
    const std::string plain = prefix + secret;
    std::string encoded; // base64 of plain, written out here independently of the code under test
    static const char* k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < plain.size(); i += 3) {
      unsigned v = static_cast<unsigned char>(plain[i]) << 16;
      if (i + 1 < plain.size()) v |= static_cast<unsigned char>(plain[i + 1]) << 8;
      if (i + 2 < plain.size()) v |= static_cast<unsigned char>(plain[i + 2]);
      encoded += k_alphabet[(v >> 18) & 63];
      encoded += k_alphabet[(v >> 12) & 63];
      encoded += i + 1 < plain.size() ? k_alphabet[(v >> 6) & 63] : '=';
      encoded += i + 2 < plain.size() ? k_alphabet[v & 63] : '=';
    }
    CAPTURE(prefix);
    CAPTURE(encoded);
    const std::string out = redact_text("server said: " + encoded + " is not valid", secret);
    CHECK(out.find("[redacted]") != std::string::npos);
    // Every run of 8 characters of the encoding that the secret alone decides is gone.
    const std::size_t stable_from = (prefix.size() + 2) / 3 * 4 + 4;
    for (std::size_t i = stable_from; i + 8 + 8 <= encoded.size(); ++i)
      CHECK(out.find(encoded.substr(i, 8)) == std::string::npos);
    CHECK(out.rfind("server said: ", 0) == 0);
  }
  // Short pieces of a long token are ordinary text: "eyJhbGciOi" alone stays.
  CHECK(redact_text("prefix eyJhbGciOi only", token) == "prefix eyJhbGciOi only");
}

TEST_CASE("curl client: past the deadline, what is left is skipped at once") {
  auto client = make_curl_client();
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/api/v1/query";
  std::vector<HttpRequest> reqs(5, HttpRequest{url, "query=up"});
  HttpOptions o;
  o.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  std::size_t skipped = 0;
  client->post_all(reqs, o, [&](std::size_t, HttpResult&& r) {
    if (r.deadline_passed) ++skipped;
    CHECK(r.status == 0);
  });
  CHECK(skipped == reqs.size());
}

TEST_CASE("curl client: an exception from the callback frees every handle (ASan checks)") {
  auto client = make_curl_client();
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/api/v1/query";
  std::vector<HttpRequest> reqs(6, HttpRequest{url, "query=up"});
  HttpOptions o;
  o.concurrency = 3;
  o.retry.retries = 0;
  CHECK_THROWS_AS(
      client->post_all(reqs, o,
                       [](std::size_t, HttpResult&&) { throw std::runtime_error("a bad answer"); }),
      std::runtime_error);
}

TEST_CASE("a bearer_token_env that is a token rather than a variable's name") {
  CHECK(looks_like_token("ghp_SECRETabcdefghijklmnopqrstuvwxyz012345"));
  CHECK(looks_like_token("glpat-xxxxxxxxxxxxxxxxxxxx"));
  CHECK(looks_like_token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"));
  CHECK(looks_like_token("Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9"));
  CHECK_FALSE(looks_like_token("PROM_TOKEN"));
  CHECK_FALSE(looks_like_token("GRAFANA_CLOUD_PROMETHEUS_READ_TOKEN_2024"));
  CHECK_FALSE(looks_like_token("prometheus_bearer_token"));
  CHECK_FALSE(looks_like_token("ghp_"));
  CHECK(looks_like_token("glsa_Q7xkP2mZr9LwT4vBn8YcJd3HfGs6KaEu_1a2b3c4d"));
  CHECK(looks_like_token("a3f9c1d27be84e06f5a1b9c3d2e7f80146b5c9d3e2a1f0b7c6d5e4f3a2b1c0d9"));
  CHECK_FALSE(looks_like_token("DEADBEEFCAFEBABEDEADBEEFCAFEBABE")); // no digit: a word
  // Whatever bearer_token_env holds, a message names it only when it reads as a variable's name.
  for (const std::string pasted :
       {"glsa_Q7xkP2mZr9LwT4vBn8YcJd3HfGs6KaEu_1a2b3c4d", "prom_token_lowercase",
        "ghp_SECRETabcdefghijklmnopqrstuvwxyz012345"}) {
    CAPTURE(pasted);
    const std::string why = clean_bearer_token("", pasted).error;
    CHECK(why.find("is not set") != std::string::npos);
    CHECK(why.find(pasted) == std::string::npos);
    CHECK(clean_bearer_token("a\nb", pasted).error.find(pasted) == std::string::npos);
  }
  CHECK(clean_bearer_token("", "PROM_TOKEN").error.find("PROM_TOKEN") != std::string::npos);
  CHECK_FALSE(looks_like_token(""));
}
