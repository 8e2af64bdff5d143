// The nines binary: everything lives in the library; this only sets up the process's heap and
// hands over the arguments.
#include "cli/cli.hpp"

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

// The heap in one large piece backed by transparent huge pages where the system allows them
// ("madvise" or "always" in /sys/kernel/mm/transparent_hugepage/enabled).
//
// Why: a check or a build touches every page of its heap once, and each first touch is a page
// fault. At 10k documents a check took 16,000 of them against the parse floor's 1,500, and on a
// virtual machine a fault costs several microseconds: about a sixth of the check's CPU. With the
// heap grown 256 MB at a time (address space only: a page costs memory once touched) and marked
// for huge pages, one fault maps 2 MB. Measured in docs/performance.md ("Huge pages for the
// heap"): check 0.83x CPU, build 0.89x, for about 10% more peak memory.
//
// glibc can do this itself (the glibc.malloc.hugetlb tunable) but reads it only from the
// environment at start-up; this is the same thing for the main arena, set from inside. Blocks up
// to 32 MB come from that heap rather than from a mapping of their own, and the heap is not
// trimmed while the process runs: nines runs one command and exits.
//
// Only where growing by 256 MB cannot fail for want of room: under a limit on the address space
// or the data segment (ulimit -v, -d), or with strict overcommit (every reservation charged at
// once), a pad that large would make an allocation fail that the ordinary heap would serve, so
// the heap stays the ordinary one there, as it does where the first growth fails.
bool heap_may_grow_large() {
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    struct rlimit limit {};
    if (getrlimit(resource, &limit) != 0 || limit.rlim_cur != RLIM_INFINITY) return false;
  }
  if (std::FILE* f = std::fopen("/proc/sys/vm/overcommit_memory", "r")) {
    const int mode = std::fgetc(f);
    std::fclose(f);
    if (mode == '2') return false;
  }
  return true;
}

// glibc's own defaults, set back when the large heap is not to be (or could not be) had.
void ordinary_heap() {
  constexpr int k_default = 128 * 1024;
  mallopt(M_TOP_PAD, k_default);
  mallopt(M_TRIM_THRESHOLD, k_default);
  mallopt(M_MMAP_THRESHOLD, k_default);
}

void configure_heap() {
  // No fast bins in glibc's allocator (its per-thread cache still serves small blocks). A build
  // makes and drops many page-sized buffers between small allocations, and each large request
  // made glibc first consolidate the fast bins: 2-3% of a 10k build's CPU, gone with them
  // (docs/performance.md, "The build, sixth round").
  mallopt(M_MXFAST, 0);
  if (!heap_may_grow_large()) return;
  constexpr std::uintptr_t k_huge_page = 2u << 20;
  mallopt(M_TOP_PAD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // A block larger than what start-up left free grows the heap now, by the pad above.
  void* probe = std::malloc(1 << 20);
  const auto start =
      (reinterpret_cast<std::uintptr_t>(probe) + k_huge_page - 1) & ~(k_huge_page - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  // The break is below the block when glibc could not grow the heap and mapped the block instead.
  if (probe && end > start)
    madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
  else
    ordinary_heap();
  std::free(probe);
}

} // namespace

int main(int argc, char** argv) {
  configure_heap();
  // A write past a file-size limit (ulimit -f) then fails with EFBIG, which the writers report
  // as any failed write (exit 3), instead of the signal killing the process without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  return nines::cli_main(argc, argv);
}
