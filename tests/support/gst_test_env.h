// gst_init() once for the whole test binary (gtest_main owns main()).
#pragma once

#include <gst/gst.h>
#include <gtest/gtest.h>

class GstEnvironment : public testing::Environment {
 public:
  void SetUp() override { gst_init(nullptr, nullptr); }
};

inline testing::Environment* const gst_environment = testing::AddGlobalTestEnvironment(new GstEnvironment);
