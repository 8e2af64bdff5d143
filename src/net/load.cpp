#include "diag/errors.hpp"
#include "net/net.hpp"

#include <climits>
#include <dlfcn.h>
#include <mutex>
#include <string>
#include <unistd.h>

namespace nines {
namespace {

// The folder of the running binary (symbolic links resolved, as the loader does for $ORIGIN).
std::string exe_dir() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<std::size_t>(n));
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

const NetModule* load_module() {
  const std::string dir = exe_dir();
  // Beside the binary (a build tree, a copied pair), or where `make install` layouts put a
  // program's private libraries.
  const std::string candidates[] = {dir + "/nines-net.so", dir + "/../lib/nines/nines-net.so"};
  std::string tried;
  for (const std::string& path : candidates) {
    if (access(path.c_str(), F_OK) != 0) {
      tried += "\n  " + path + ": not there";
      continue;
    }
    // Never closed: its objects live as long as the process.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      throw FatalError("cannot load the network module " + path + ": " +
                       (why ? why : "unknown error") +
                       " (is libcurl installed? scripts/setup-deps.sh installs it)");
    }
    using Entry = const NetModule* (*)(const char*);
    auto entry = reinterpret_cast<Entry>(dlsym(handle, "nines_net_module"));
    const NetModule* module = entry ? entry(NINES_NET_ABI) : nullptr;
    if (!module)
      throw FatalError("the network module " + path +
                       " was built from another version of nines; copy the nines-net.so that "
                       "was built with this binary beside it");
    return module;
  }
  throw FatalError("the network module nines-net.so was not found; a pull from Prometheus and "
                   "'nines serve' need it beside the binary (copy both files):" +
                   tried);
}

const NetModule& net_module() {
  // Loaded once; a failure is reported to every caller, not only the first.
  static std::once_flag once;
  static const NetModule* module = nullptr;
  static std::string error;
  std::call_once(once, [] {
    try {
      module = load_module();
    } catch (const FatalError& e) {
      error = e.what();
    }
  });
  if (!module) throw FatalError(error);
  return *module;
}

} // namespace

std::unique_ptr<HttpClient> make_curl_client() {
  return net_module().http_client();
}

std::unique_ptr<HttpServer> make_http_server() {
  return net_module().http_server();
}

} // namespace nines
