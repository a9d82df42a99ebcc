#include <gtest/gtest.h>

#include "render/uniforms.h"

using namespace shaderflow::render;

namespace {
UniformType type_of(UniformType::Base base, int components, const char* name) {
  return UniformType{base, components, 1, name};
}
}  // namespace

TEST(UniformCoercion, FloatVectorFromFloats) {
  std::string warning;
  auto value = coerce_uniform("tint", UniformValue::of_float({1.0, 0.5, 0.25}),
                              type_of(UniformType::Base::Float, 3, "vec3"), warning);
  ASSERT_TRUE(value);
  EXPECT_FLOAT_EQ(value->f[0], 1.0f);
  EXPECT_FLOAT_EQ(value->f[1], 0.5f);
  EXPECT_FLOAT_EQ(value->f[2], 0.25f);
  EXPECT_TRUE(warning.empty());
}

TEST(UniformCoercion, IntWidensToFloatAndWholeFloatNarrowsToInt) {
  std::string warning;
  auto f = coerce_uniform("gain", UniformValue::of_int({3}), type_of(UniformType::Base::Float, 1, "float"), warning);
  ASSERT_TRUE(f);
  EXPECT_FLOAT_EQ(f->f[0], 3.0f);
  auto i = coerce_uniform("count", UniformValue::of_float({4.0}), type_of(UniformType::Base::Int, 1, "int"), warning);
  ASSERT_TRUE(i);
  EXPECT_EQ(i->i[0], 4);
}

TEST(UniformCoercion, MismatchesNameTheUniformAndType) {
  std::string warning;
  EXPECT_FALSE(coerce_uniform("count", UniformValue::of_float({1.5}), type_of(UniformType::Base::Int, 1, "int"), warning));
  EXPECT_NE(warning.find("'count'"), std::string::npos);
  EXPECT_NE(warning.find("int"), std::string::npos);
  EXPECT_FALSE(coerce_uniform("tint", UniformValue::of_float({1.0}), type_of(UniformType::Base::Float, 3, "vec3"), warning));
  EXPECT_NE(warning.find("vec3"), std::string::npos);
  EXPECT_NE(warning.find("expected 3 components, got 1"), std::string::npos);
  EXPECT_FALSE(coerce_uniform("n", UniformValue::of_int({-1}), type_of(UniformType::Base::UInt, 1, "uint"), warning));
  EXPECT_FALSE(coerce_uniform("on", UniformValue::of_float({1.0}), type_of(UniformType::Base::Bool, 1, "bool"), warning));
  EXPECT_FALSE(coerce_uniform("tex", UniformValue::of_int({0}), type_of(UniformType::Base::Sampler, 1, "sampler2D"), warning));
  EXPECT_NE(warning.find("sampler"), std::string::npos);
}

TEST(UniformCoercion, BoolsFromBoolsAndZeroOne) {
  std::string warning;
  auto b = coerce_uniform("on", UniformValue::of_bool(true), type_of(UniformType::Base::Bool, 1, "bool"), warning);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->i[0], 1);
  auto v = coerce_uniform("mask", UniformValue::of_int({0, 1}), type_of(UniformType::Base::Bool, 2, "bvec2"), warning);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->i[0], 0);
  EXPECT_EQ(v->i[1], 1);
}

TEST(UniformCoercion, Describe) {
  EXPECT_EQ(UniformValue::of_float({1.5}).describe(), "1.5");
  EXPECT_EQ(UniformValue::of_float({1, 0.5}).describe(), "<1, 0.5>");
  EXPECT_EQ(UniformValue::of_bool(false).describe(), "false");
}
