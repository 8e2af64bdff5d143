#include "model/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace nines {

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
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < threads; ++i)
      pool.emplace_back(worker);
    for (auto& t : pool)
      t.join();
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

} // namespace nines
