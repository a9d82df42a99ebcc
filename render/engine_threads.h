// The threads engines run on ("shaderflow-gl"). A thread outlives its engine: when an engine is done, its
// thread waits, idle, for the next engine instead of exiting (and exits after a while without one). Why:
// glibc gives each new thread that allocates a malloc arena of its own, and a driver that allocates
// heavily per context (llvmpipe's LLVM JIT) left a little of every arena it touched in use, so an
// application that starts and stops pipelines in a loop grew by ~65 KiB a cycle with a new thread per
// engine; with the threads reused, by ~16 KiB (and by under 0.1 KiB since displays stay initialised,
// see render/context.cpp).
#pragma once

#include <functional>

namespace shaderflow::render {

// Runs `work` on an idle engine thread, or on a new one; `idle_again` runs once the thread is idle again
// (so that whoever waits for it knows the next engine will find that thread).
void run_on_engine_thread(std::function<void()> work, std::function<void()> idle_again);

}  // namespace shaderflow::render
