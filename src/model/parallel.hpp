// Running independent tasks on the machine's cores, with results that do not depend on the threads.
#pragma once

#include <cstddef>
#include <functional>

namespace nines {

// Runs task(0) … task(n − 1) on `jobs` threads (0: one per core; never more threads than tasks;
// one thread runs them in order on the caller's thread). Tasks are taken in index order; after
// the first failure no new task is started, and once every thread has stopped the failure of the
// lowest-numbered task is rethrown. Every task before it was started, so which failure is
// reported does not depend on the threads. Tasks that write only their own slot of a result
// vector give the same result on any number of threads.
void parallel_for(std::size_t n, int jobs, const std::function<void(std::size_t)>& task);

// Called first on each thread nines starts: marks the thread's own heap for transparent huge
// pages where the system allows them (see main()'s configure_heap for why).
void prepare_worker_thread();

} // namespace nines
