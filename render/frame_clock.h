// The wall-clock uniform: Shadertoy's iDate.
#pragma once

#include <chrono>

namespace shaderflow::render {

// iDate for a moment of the local wall clock: year, month counted from 0 (as Shadertoy does), day of
// the month, and seconds since local midnight with their fraction (milliseconds and below), so that
// scenes animated from iDate.w move smoothly instead of stepping once a second.
void local_date(std::chrono::system_clock::time_point when, float date[4]);
// iDate for the local wall clock now.
void current_date(float date[4]);

}  // namespace shaderflow::render
