// The module's one exported symbol (everything else is hidden): the table of its factories, for a
// binary built from the same interface.
#include "net/net.hpp"

#include <cstring>

extern "C" __attribute__((visibility("default"))) const nines::NetModule*
nines_net_module(const char* abi) {
  static const nines::NetModule module{&nines::new_curl_client, &nines::new_httplib_server};
  if (abi == nullptr || std::strcmp(abi, NINES_NET_ABI) != 0) return nullptr;
  return &module;
}
