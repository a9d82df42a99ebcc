#include "render/frame_clock.h"

#include <ctime>

namespace shaderflow::render {

void local_date(std::chrono::system_clock::time_point when, float date[4]) {
  using namespace std::chrono;
  const std::time_t seconds = system_clock::to_time_t(floor<std::chrono::seconds>(when));
  const double fraction = duration<double>(when - floor<std::chrono::seconds>(when)).count();
  std::tm local{};
  localtime_r(&seconds, &local);
  date[0] = static_cast<float>(local.tm_year + 1900);
  date[1] = static_cast<float>(local.tm_mon);
  date[2] = static_cast<float>(local.tm_mday);
  date[3] = static_cast<float>(local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec + fraction);
}

void current_date(float date[4]) { local_date(std::chrono::system_clock::now(), date); }

}  // namespace shaderflow::render
