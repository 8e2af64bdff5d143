// HttpServer with cpp-httplib. Built into the network module (net/net.hpp says why).
#include "net/net.hpp"

#include <algorithm>
#include <cstdint>
#include <httplib.h>
#include <optional>
#include <regex>
#include <string_view>
#include <sys/socket.h>

namespace nines {
namespace {

// What a Range header asks of a representation of `size` bytes.
struct ByteRange {
  enum class Kind {
    Whole,        // no range, one that is not valid, or several: the whole file, status 200
    Part,         // the bytes first..last (inclusive), status 206
    Unsatisfiable // status 416
  };
  Kind kind = Kind::Whole;
  std::size_t first = 0;
  std::size_t last = 0;
};

// A first-pos, last-pos or suffix-length: digits only, or nothing. False when it is neither.
// Values beyond 64 bits are held at the largest one, which lies past the end of any file.
bool read_position(std::string_view s, std::optional<std::uint64_t>& out) {
  out.reset();
  if (s.empty()) return true;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    n = n > (UINT64_MAX - digit) / 10 ? UINT64_MAX : n * 10 + digit;
  }
  out = n;
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The Range header `value` read by RFC 9110 section 14: the unit `bytes` (in any case), then one
// range-spec, `first-last`, `first-` or `-suffix`; a last-pos past the end means the end, and a
// suffix longer than the file the whole file. A first-pos at or past the end, or a suffix of 0,
// is unsatisfiable. A header that is not valid is ignored, as the RFC allows (and, for another
// unit, requires). Several ranges are answered with the whole file: the RFC allows it, every
// client takes it, and the site's pages, stylesheets and images are read whole anyway, so a
// multipart/byteranges answer would serve no one.
ByteRange byte_range(std::string_view value, std::size_t size) {
  constexpr std::string_view unit = "bytes=";
  if (value.size() < unit.size()) return {};
  for (std::size_t i = 0; i < unit.size(); ++i) {
    const char c = value[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != unit[i]) return {};
  }
  value.remove_prefix(unit.size());
  std::optional<std::uint64_t> first, last;
  int specs = 0;
  for (;;) {
    const std::size_t comma = value.find(',');
    const std::string_view spec = trim_ows(value.substr(0, comma));
    if (!spec.empty()) { // a list may have empty elements (RFC 9110 5.6.1)
      const std::size_t dash = spec.find('-');
      if (++specs > 1 || dash == std::string_view::npos ||
          !read_position(spec.substr(0, dash), first) ||
          !read_position(spec.substr(dash + 1), last))
        return {};
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  if (specs == 0 || (!first && !last)) return {};
  const std::uint64_t end = size; // one past the last byte
  if (first) {
    if (last && *last < *first) return {};
    if (*first >= end) return {ByteRange::Kind::Unsatisfiable};
    return {ByteRange::Kind::Part, static_cast<std::size_t>(*first),
            static_cast<std::size_t>(std::min<std::uint64_t>(last.value_or(end - 1), end - 1))};
  }
  if (*last == 0) return {ByteRange::Kind::Unsatisfiable};
  if (size == 0) return {}; // a satisfiable suffix of nothing: no part to send but the whole
  return {ByteRange::Kind::Part,
          static_cast<std::size_t>(end - std::min<std::uint64_t>(*last, end)), size - 1};
}

class HttplibServer : public HttpServer {
public:
  HttplibServer() {
    // httplib's default adds SO_REUSEPORT, which would let a second server share a port in use;
    // SO_REUSEADDR alone still allows a restart while the old socket is in TIME_WAIT.
    m_server.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // An idle kept-alive connection holds a worker until this runs out, and stop() waits for
    // every worker: 5 s (httplib's default) per browser connection was both. A browser opens a
    // new connection to 127.0.0.1 at no cost.
    m_server.set_keep_alive_timeout(1);
    // A request whose line and headers have not come within a second holds a worker for
    // nothing: a browser on 127.0.0.1 sends them at once. With httplib's 5 s, a hundred
    // connections that sent half a request kept every page waiting for many seconds.
    m_server.set_read_timeout(1);
    // One route of the library's, which answers from the routes of get().
    m_server.Get(".*",
                 [this](const httplib::Request& req, httplib::Response& res) { answer(req, res); });
    // A static site takes GET and HEAD only: another method is 405 with the methods it takes (not
    // the 404 of a path the site lacks), and OPTIONS says which they are.
    const auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
      res.status = 405;
      res.set_header("Allow", "GET, HEAD");
    };
    m_server.Post(".*", not_allowed);
    m_server.Put(".*", not_allowed);
    m_server.Patch(".*", not_allowed);
    m_server.Delete(".*", not_allowed);
    m_server.Options(".*", [](const httplib::Request&, httplib::Response& res) {
      res.status = 204;
      res.set_header("Allow", "GET, HEAD, OPTIONS");
    });
    // The library answers a Range header its own parser cannot read (another unit, `bytes=5-3`,
    // a number of 20 digits) with an empty 416 before any route runs, although RFC 9110 says to
    // ignore another unit. That is the one 416 reaching here with no route matched: it is
    // answered as the request deserves instead. Other errors (a route's own 404) pass.
    m_server.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& req, httplib::Response& res) {
          if (res.status != 416 || !req.matches.empty() ||
              (req.method != "GET" && req.method != "HEAD"))
            return httplib::Server::HandlerResponse::Unhandled;
          answer(req, res);
          return httplib::Server::HandlerResponse::Handled;
        }));
  }

  bool bind(const std::string& host, int port) override {
    return m_server.bind_to_port(host, port);
  }

  void get(const std::string& pattern, Handler handler) override {
    m_routes.push_back({std::regex(pattern), std::move(handler)});
  }

  void set_workers(std::size_t count) override {
    m_server.new_task_queue = [count] { return new httplib::ThreadPool(count); };
  }

  bool listen() override { return m_server.listen_after_bind(); }

  void stop() override { m_server.stop(); }

private:
  struct Route {
    std::regex pattern;
    Handler handler;
  };

  void answer(const httplib::Request& req, httplib::Response& res) const {
    // Byte ranges are answered here, not by cpp-httplib (0.11 as packaged), which slices any
    // response a Range header came with after the handler: a 200 or a 404 page alike, with a
    // Content-Range whose end is not clamped to the file (`bytes 0-99999/7108`), a 416 whose
    // Content-Range names a range instead of `bytes */7108`, a 206 only when the handler leaves
    // the status unset, the slice then gzip- or brotli-compressed although Content-Range counts
    // the uncompressed bytes, and several ranges refused whole when one of them is past the end.
    // So the ranges it parsed are dropped: the request is the server's own, not a const object
    // (process_request's), and nothing else reads them.
    auto& own = const_cast<httplib::Request&>(req);
    own.ranges.clear();
    // RFC 9112 3.2: an HTTP/1.1 request without a Host, or any request with more than one, is
    // answered 400 (two, and whichever the checks read first would decide).
    if (const std::size_t hosts = req.get_header_value_count("Host");
        hosts > 1 || (hosts == 0 && req.version != "HTTP/1.0")) {
      res.status = 400;
      return;
    }
    const Route* route = nullptr;
    for (const Route& r : m_routes)
      if (std::regex_match(req.path, r.pattern)) {
        route = &r;
        break;
      }
    if (!route) {
      res.status = 404;
      return;
    }
    Request in;
    in.path = req.path;
    in.host = req.get_header_value("Host");
    for (const auto& [name, value] : req.params)
      in.params.emplace(name, value); // a multimap: emplace keeps the first of each name
    Response out;
    route->handler(in, out);
    ByteRange range;
    if (out.status == 200) {
      out.set_header("Accept-Ranges", "bytes");
      // Only GET has ranges (RFC 9110 14.2): HEAD answers as GET would without one. An If-Range
      // names a validator this server never sends (no ETag, no Last-Modified), so it cannot
      // match: the whole file, as the RFC requires.
      if (req.method == "GET" && req.has_header("Range") && !req.has_header("If-Range"))
        range = byte_range(req.get_header_value("Range"), out.body.size());
    }
    const std::string total = std::to_string(out.body.size());
    if (range.kind == ByteRange::Kind::Part) {
      out.status = 206;
      out.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                          std::to_string(range.last) + "/" + total);
      out.body = out.body.substr(range.first, range.last - range.first + 1);
      // The part goes as it is: compressed, its bytes would not be the ones Content-Range counts.
      own.headers.erase("Accept-Encoding");
    }
    res.status = out.status;
    for (const auto& [name, value] : out.headers)
      res.set_header(name, value);
    if (range.kind == ByteRange::Kind::Unsatisfiable) {
      res.status = 416;
      res.set_header("Content-Range", "bytes */" + total);
      return; // no content, so no Content-Type
    }
    res.set_content(out.body, out.type);
  }

  httplib::Server m_server;
  // Filled before listen(), only read while it serves.
  std::vector<Route> m_routes;
};

} // namespace

std::unique_ptr<HttpServer> new_httplib_server() {
  return std::make_unique<HttplibServer>();
}

} // namespace nines
