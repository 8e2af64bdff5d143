// The network module: the libcurl client that metrics/ pulls through and the cpp-httplib server
// of `nines serve`, built as a shared object of their own (nines-net.so, beside the binary) and
// loaded the first time one of them is asked for.
//
// Why: libcurl and cpp-httplib bring about forty shared libraries (two TLS stacks, HTTP/2, LDAP,
// Kerberos, IDN, brotli). Linked into the binary, the dynamic loader mapped and relocated them at
// every start, about 3 ms of a 7 ms `nines --version`, which every `check`, gate and rebuild paid
// although only a pull from Prometheus and `serve` use the network. Loaded on demand, only those
// pay it.
//
// The binary and the module are built together from one tree; the module is refused when its
// interface (this header and metrics/http.hpp) is not the binary's, so a stale copy cannot be
// called with objects of another layout.
#pragma once

#include "metrics/http.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nines {

// A small HTTP server: GET routes by regular expression, one thread per connection in its pool.
class HttpServer {
public:
  struct Request {
    std::string path;
    std::map<std::string, std::string> params; // query parameters (the first of each name)
    std::string host;                          // the Host header, empty when none was sent
  };
  struct Response {
    int status = 200;
    std::string body;
    std::string type = "text/plain";
    std::vector<std::pair<std::string, std::string>> headers;

    void set_header(std::string name, std::string value) {
      headers.emplace_back(std::move(name), std::move(value));
    }
    void set_content(std::string content, std::string content_type) {
      body = std::move(content);
      type = std::move(content_type);
    }
  };
  using Handler = std::function<void(const Request&, Response&)>;

  virtual ~HttpServer() = default;
  // Binds to host:port with SO_REUSEADDR only (never SO_REUSEPORT: a port in use must fail).
  virtual bool bind(const std::string& host, int port) = 0;
  // Routes GET (and HEAD) requests whose path matches `pattern` (whole match) to `handler`; the
  // first route that matches answers. Call before listen(). A handler gives the whole body: the
  // server answers a Range header on a 200 to GET itself (206 or 416, httplib_server.cpp).
  virtual void get(const std::string& pattern, Handler handler) = 0;
  // How many connections are served at once, each on a thread of its own (set before listen();
  // the default is cpp-httplib's, max(8, cores - 1)). A connection holds its thread while a
  // handler waits, as a long-poll does.
  virtual void set_workers(std::size_t count) = 0;
  // Serves until stop(); false when the socket failed.
  virtual bool listen() = 0;
  // Any thread: ends listen().
  virtual void stop() = 0;
};

// libcurl multi: one thread, non-blocking, connections reused across requests.
std::unique_ptr<HttpClient> make_curl_client();
// cpp-httplib.
std::unique_ptr<HttpServer> make_http_server();

// What the module hands the binary. Both sides compile this struct from this header.
struct NetModule {
  std::unique_ptr<HttpClient> (*http_client)();
  std::unique_ptr<HttpServer> (*http_server)();
};

// The module's side (net/module/): the objects behind NetModule's pointers.
std::unique_ptr<HttpClient> new_curl_client();
std::unique_ptr<HttpServer> new_httplib_server();

} // namespace nines
