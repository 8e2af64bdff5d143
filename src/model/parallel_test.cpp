#include "model/parallel.hpp"

#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace nines;

TEST_CASE("parallel_for runs every task once, on any number of threads") {
  for (int jobs : {0, 1, 2, 5}) {
    std::vector<int> out(100, 0);
    parallel_for(out.size(), jobs, [&](std::size_t i) { out[i] += static_cast<int>(i) * 2; });
    for (std::size_t i = 0; i < out.size(); ++i)
      CHECK(out[i] == static_cast<int>(i) * 2);
  }
  std::atomic<int> calls{0};
  parallel_for(0, 2, [&](std::size_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("parallel_for rethrows the failure of the lowest-numbered failing task") {
  for (int jobs : {1, 2, 4}) {
    std::atomic<int> ran{0};
    try {
      parallel_for(50, jobs, [&](std::size_t i) {
        ++ran;
        if (i == 7 || i == 9) throw std::runtime_error("task " + std::to_string(i));
      });
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "task 7");
    }
    // Every task before the failing one was started.
    CHECK(ran >= 8);
  }
}

TEST_CASE("parallel_for works on the calling thread too, with jobs - 1 threads of its own") {
  const auto caller = std::this_thread::get_id();
  for (int jobs : {1, 2, 4}) {
    std::mutex mutex;
    std::set<std::thread::id> ran_on;
    // Slow enough tasks that every thread takes some.
    parallel_for(64, jobs, [&](std::size_t) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      std::lock_guard<std::mutex> lock(mutex);
      ran_on.insert(std::this_thread::get_id());
    });
    CHECK(ran_on.count(caller) == 1);
    CHECK(ran_on.size() <= static_cast<std::size_t>(jobs));
  }
}
