#include <ctime>

#include "render/frame.h"

namespace shaderflow::render {

void current_date(float date[4]) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  date[0] = static_cast<float>(local.tm_year + 1900);
  date[1] = static_cast<float>(local.tm_mon);  // Shadertoy counts months from 0
  date[2] = static_cast<float>(local.tm_mday);
  date[3] = static_cast<float>(local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec);
}

}  // namespace shaderflow::render
