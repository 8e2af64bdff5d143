// HTTP for the metrics sources (SPEC 4.1): many small form POSTs to one server, run concurrently
// with a bound, a per-request timeout, and bounded retries with backoff.
//
// The bearer token is read from its environment variable by the client itself, only to build the
// Authorization header: it is never copied into a request, a result, an error message or a log,
// so nothing downstream can leak it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

struct HttpRequest {
  std::string url;  // full URL, e.g. http://127.0.0.1:9090/api/v1/query
  std::string form; // application/x-www-form-urlencoded body
};

// The last attempt of one request. `error` is empty when a response arrived (any status); else it
// says what failed in words that never include headers.
struct HttpResult {
  long status = 0;
  std::string body;
  std::string error;
  int attempts = 0;
  std::string note;         // why a retryable answer was not retried (a Retry-After over the limit)
  bool unreachable = false; // the server could not be connected to (after retries), or was given up
  bool timed_out = false;
  bool deadline_passed = false; // not done before HttpOptions::deadline: skipped or stopped
};

struct RetryPolicy {
  int retries = 3;                 // retries after the first attempt
  double base_s = 0.25;            // first backoff
  double max_s = 8.0;              // cap of one backoff
  double retry_after_max_s = 30.0; // a longer Retry-After is not waited for: the request fails
};

struct HttpOptions {
  int concurrency = 8;
  double timeout_s = 10;
  std::string ca_bundle;        // CURLOPT_CAINFO when not empty
  std::string bearer_token_env; // name of the variable; empty: no Authorization header
  RetryPolicy retry;
  std::size_t max_body_bytes = 64u << 20;
  // The whole batch ends here: requests not yet done fail as skipped (`deadline_passed`), and a
  // request's timeout never reaches past it.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// How one attempt ended, as the retry policy sees it.
struct AttemptOutcome {
  enum class Kind { Response, ConnectError, Timeout, OtherError } kind = Kind::Response;
  long status = 0;                     // for Response
  std::optional<double> retry_after_s; // for a 429 or 503 that sent Retry-After
};

struct RetryDecision {
  bool retry = false;
  double delay_s = 0;
  bool exhausted = false; // retryable, but the retries are used up
  std::string why_not;    // retryable and retries left, yet not retried: why (for the message)
};

// Retries connection errors, 5xx and 429 — never other 4xx (the request itself is wrong) nor
// timeouts (the server had its whole budget; retrying multiplies a slow build). The delay is
// base·2^(n−1), capped, with "equal jitter" (half fixed, half random from `jitter01` in [0, 1)) so
// that concurrent requests failing together do not retry together; a Retry-After is honoured as a
// lower bound. `attempts_made` counts the attempt that just ended (1 for the first).
RetryDecision decide_retry(const AttemptOutcome& outcome, int attempts_made,
                           const RetryPolicy& policy, double jitter01);

// Retry-After as delay-seconds ("120") or as an HTTP-date (RFC 9110: "Sun, 06 Nov 1994 08:49:37
// GMT", or the obsolete RFC 850 and asctime forms), as seconds from `now_unix` (the wall clock when
// not given; a date already past is 0; more than 9 digits reads as 999,999,999 s). nullopt for
// anything else. The caller's cap
// (RetryPolicy::retry_after_max_s) applies to both forms alike.
std::optional<double> parse_retry_after(std::string_view value);
std::optional<double> parse_retry_after(std::string_view value, std::int64_t now_unix);

// "a=1&b=x%20y" from pairs, with RFC 3986 unreserved characters kept as they are.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
std::string url_decode(std::string_view s); // '+' is a space (form bodies)

// The URL without any user:password@ and with the values of credential-like query parameters
// (access_token, token, api_key, password, secret, signature, …) replaced, for messages.
std::string redact_url(const std::string& url);

// Text that came from a server or a setting, made safe to print, store or publish: every copy of
// `token` (when at least 4 bytes), whatever follows "Bearer " or "Basic ", URL userinfo and
// credential-like query parameter values become "[redacted]". Runs on the raw text, before any
// cut or line folding, so a secret can never be half kept.
std::string redact_text(std::string_view text, std::string_view token = {});

// The secrets a source URL holds itself: its userinfo (and the password in it) and the values of
// its credential-like query parameters, as written and percent-decoded. Known like the token, so
// redacted like it wherever they appear, in any of the forms redact_text knows.
std::vector<std::string> url_secrets(const std::string& url);

// redact_text with each of `secrets` (the token and url_secrets) as the known token in turn.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets);

// The bearer token of `env_name` as sent: one trailing line break (LF or CRLF, a token read from
// a file) is dropped; any other control character (CR, LF, NUL, TAB, DEL, …) would be a broken or
// injected header, so `error` says so, naming the variable, never the token, and nothing is sent.
// An unset or empty variable is an error too.
struct BearerToken {
  std::string token;
  std::string error;
};
BearerToken bearer_token(const std::string& env_name);
BearerToken clean_bearer_token(std::string_view raw, const std::string& env_name);

// Whether a `bearer_token_env` value is a token rather than a variable's name: the prefixes
// that issuers put on their tokens (GitHub, GitLab, Slack, a JWT's header, API keys), or a long
// run of mixed-case letters and digits with no underscore, which no variable is named like.
bool looks_like_token(std::string_view env_name);

class HttpClient {
public:
  virtual ~HttpClient() = default;
  // Called once per request, in completion order, on the thread that called post_all.
  using OnDone = std::function<void(std::size_t index, HttpResult&& result)>;
  // POSTs every request (form bodies) with `opts`, at most opts.concurrency at a time, retrying
  // each as decide_retry() says. Returns when every request has completed. Once a request could
  // not connect even after its retries (or several timed out in a row), the requests not yet
  // started fail at once as unreachable: a server that is down costs one retry cycle, not one per
  // query.
  virtual void post_all(const std::vector<HttpRequest>& requests, const HttpOptions& opts,
                        const OnDone& on_done) = 0;
};

} // namespace nines
