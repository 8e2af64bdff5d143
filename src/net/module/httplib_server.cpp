// HttpServer with cpp-httplib. Built into the network module (net/net.hpp says why).
#include "net/net.hpp"

#include <httplib.h>
#include <sys/socket.h>

namespace nines {
namespace {

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
  }

  bool bind(const std::string& host, int port) override {
    return m_server.bind_to_port(host, port);
  }

  void get(const std::string& pattern, Handler handler) override {
    m_server.Get(pattern, [handler = std::move(handler)](const httplib::Request& req,
                                                         httplib::Response& res) {
      Request in;
      in.path = req.path;
      for (const auto& [name, value] : req.params)
        in.params.emplace(name, value); // a multimap: emplace keeps the first of each name
      Response out;
      handler(in, out);
      res.status = out.status;
      for (const auto& [name, value] : out.headers)
        res.set_header(name, value);
      res.set_content(out.body, out.type);
    });
  }

  void set_workers(std::size_t count) override {
    m_server.new_task_queue = [count] { return new httplib::ThreadPool(count); };
  }

  bool listen() override { return m_server.listen_after_bind(); }

  void stop() override { m_server.stop(); }

private:
  httplib::Server m_server;
};

} // namespace

std::unique_ptr<HttpServer> new_httplib_server() {
  return std::make_unique<HttplibServer>();
}

} // namespace nines
