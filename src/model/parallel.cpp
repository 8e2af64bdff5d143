#include "model/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <sys/mman.h>
#include <system_error>
#include <thread>
#include <vector>

namespace nines {

void prepare_worker_thread() {
  // glibc gives a thread's arena a heap that is a mapping aligned to its largest size, 64 MB on a
  // 64-bit system (twice the largest mmap threshold), and made readable and writable whole at once
  // under main()'s top pad. Marking that span for huge pages, as main() marks the main heap, makes
  // each first touch map 2 MB: a 10k build's worker threads took 22,000 page faults. Should the
  // block not lie in such a heap (the thread was given the main arena), the advice falls on memory
  // that is marked already or on other mappings, where it changes nothing that nines relies on.
  if constexpr (sizeof(void*) == 8) {
    constexpr std::uintptr_t k_heap_span = std::uintptr_t{64} << 20;
    void* probe = std::malloc(1);
    if (!probe) return;
    const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(probe) & ~(k_heap_span - 1);
    madvise(reinterpret_cast<void*>(base), k_heap_span, MADV_HUGEPAGE);
    std::free(probe);
  }
}

void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& task) {
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (std::size_t i = next++; i < n && !failed; i = next++) {
      try {
        task(i);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  std::size_t threads =
      jobs > 0 ? static_cast<std::size_t>(jobs) : std::max(1u, std::thread::hardware_concurrency());
  threads = std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(n, 1));
  // The calling thread is one of the workers: its heap is the main one, which main() backs with
  // huge pages, and one thread fewer is started.
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t i = 1; i < threads; ++i) {
    // A thread the system will not start (a limit on processes or memory) leaves its share to
    // the threads that did start: the tasks are the same whoever runs them.
    try {
      pool.emplace_back([&worker] {
        prepare_worker_thread();
        worker();
      });
    } catch (const std::system_error&) {
      break;
    }
  }
  worker();
  for (auto& t : pool)
    t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

} // namespace nines
