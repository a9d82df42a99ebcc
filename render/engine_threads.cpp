#include "render/engine_threads.h"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace shaderflow::render {

namespace {

// How long an idle thread waits for the next engine before it exits.
constexpr auto kIdleLifetime = std::chrono::seconds(30);

struct Work {
  std::function<void()> run;
  std::function<void()> idle_again;
};

struct Pool {
  std::mutex mutex;
  std::condition_variable work_queued;
  std::deque<Work> work;
  std::size_t idle = 0;
};

// Never destroyed: idle threads may still wait on it while the process exits.
Pool& pool() {
  static Pool* const instance = new Pool;
  return *instance;
}

void serve() {
  pthread_setname_np(pthread_self(), "shaderflow-gl");
  Pool& threads = pool();
  std::unique_lock<std::mutex> lock(threads.mutex);
  ++threads.idle;
  for (;;) {
    const bool queued = threads.work_queued.wait_for(lock, kIdleLifetime, [&] { return !threads.work.empty(); });
    --threads.idle;
    if (!queued) return;
    Work work = std::move(threads.work.front());
    threads.work.pop_front();
    lock.unlock();
    work.run();
    work.run = nullptr;  // whatever it holds goes while this thread is still the one that used it
    lock.lock();
    ++threads.idle;
    if (work.idle_again) work.idle_again();
  }
}

}  // namespace

void run_on_engine_thread(std::function<void()> work, std::function<void()> idle_again) {
  Pool& threads = pool();
  std::lock_guard<std::mutex> lock(threads.mutex);
  threads.work.push_back({std::move(work), std::move(idle_again)});
  if (threads.idle >= threads.work.size()) {
    threads.work_queued.notify_one();
  } else {
    std::thread(serve).detach();
  }
}

}  // namespace shaderflow::render
