// The nines binary: everything lives in the library; this only hands over the arguments.
#include "cli/cli.hpp"

#include <malloc.h>

int main(int argc, char** argv) {
  // No fast bins in glibc's allocator (its per-thread cache still serves small blocks). A build
  // makes and drops many page-sized buffers between small allocations, and each large request
  // made glibc first consolidate the fast bins: 2-3% of a 10k build's CPU, gone with them
  // (docs/performance.md, "The build, sixth round").
  mallopt(M_MXFAST, 0);
  return nines::cli_main(argc, argv);
}
