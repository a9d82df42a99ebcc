#include <gtest/gtest.h>

#include "gst/uniforms_property.h"
#include "tests/support/gst_test_env.h"

using shaderflow::gstglue::parse_uniforms;
using shaderflow::render::UniformValue;

TEST(UniformsProperty, ParsesScalarsVectorsAndBools) {
  const auto parsed = parse_uniforms("u,speed=1.5,count=3,enabled=true,tint=<1.0,0.5,0.2>,cell=<2,3>");
  ASSERT_TRUE(parsed.ok) << parsed.error;
  EXPECT_TRUE(parsed.warnings.empty());
  ASSERT_EQ(parsed.values.size(), 5u);
  EXPECT_EQ(parsed.values.at("speed").kind, UniformValue::Kind::Float);
  EXPECT_DOUBLE_EQ(parsed.values.at("speed").components.at(0), 1.5);
  EXPECT_EQ(parsed.values.at("count").kind, UniformValue::Kind::Int);
  EXPECT_EQ(parsed.values.at("enabled").kind, UniformValue::Kind::Bool);
  EXPECT_EQ(parsed.values.at("tint").components, (std::vector<double>{1.0, 0.5, 0.2}));
  EXPECT_EQ(parsed.values.at("cell").kind, UniformValue::Kind::Int);
}

TEST(UniformsProperty, StructureNameMayBeLeftOut) {
  const auto parsed = parse_uniforms("speed=2.0");
  ASSERT_TRUE(parsed.ok);
  EXPECT_DOUBLE_EQ(parsed.values.at("speed").components.at(0), 2.0);
}

TEST(UniformsProperty, EmptyIsNothing) {
  const auto parsed = parse_uniforms("  ");
  EXPECT_TRUE(parsed.ok);
  EXPECT_TRUE(parsed.values.empty());
}

TEST(UniformsProperty, BrokenStringIsAnErrorWithAnExample) {
  const auto parsed = parse_uniforms("u,tint=<1.0,0.5");
  EXPECT_FALSE(parsed.ok);
  EXPECT_NE(parsed.error.find("u,speed=1.5"), std::string::npos);
}

TEST(UniformsProperty, NonNumericValuesWarn) {
  const auto parsed = parse_uniforms("u,big=<1,2,3,4,5>,speed=1.0,nested=<<1,2>>");
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.values.size(), 1u);
  ASSERT_EQ(parsed.warnings.size(), 2u);
  EXPECT_NE((parsed.warnings[0] + parsed.warnings[1]).find("'big'"), std::string::npos);
  EXPECT_NE((parsed.warnings[0] + parsed.warnings[1]).find("'nested'"), std::string::npos);
}

TEST(UniformsProperty, WordsAreEnumNamesForTheEngine) {
  const auto parsed = parse_uniforms("u,mode=wave");
  ASSERT_TRUE(parsed.ok);
  EXPECT_TRUE(parsed.warnings.empty());
  EXPECT_EQ(parsed.values.at("mode").kind, UniformValue::Kind::Name);
  EXPECT_EQ(parsed.values.at("mode").name, "wave");
}

TEST(UniformsProperty, HyphenatedWordsAreEnumNamesToo) {
  // GstStructure reads an unquoted word with '-' as one string: depthflow's preset=zoom-in.
  const auto parsed = parse_uniforms("u,preset=zoom-in,loop=6.0,offset=<0.1,0.0>");
  ASSERT_TRUE(parsed.ok) << parsed.error;
  EXPECT_TRUE(parsed.warnings.empty());
  EXPECT_EQ(parsed.values.at("preset").kind, UniformValue::Kind::Name);
  EXPECT_EQ(parsed.values.at("preset").name, "zoom-in");
  EXPECT_EQ(parsed.values.at("offset").components, (std::vector<double>{0.1, 0.0}));
}

// Found by tests/fuzz (fuzz_uniforms): GStreamer parses ".=t1n0u,0.5" as a structure named "." and then
// refuses that name with a g_critical. It must be a plain parse error, with no critical on the way.
TEST(UniformsProperty, NameNotStartingWithALetterIsAnErrorNotACritical) {
  int criticals = 0;
  const guint handler = g_log_set_handler(
      "GStreamer", G_LOG_LEVEL_CRITICAL, [](const gchar*, GLogLevelFlags, const gchar*, gpointer count) { ++*static_cast<int*>(count); },
      &criticals);
  for (const char* text : {".=t1n0u,0.5", "1,x=2", "-x=1"}) {
    SCOPED_TRACE(text);
    const auto parsed = parse_uniforms(text);
    EXPECT_FALSE(parsed.ok && parsed.values.empty() && parsed.warnings.empty()) << "neither values nor an error";
  }
  g_log_remove_handler("GStreamer", handler);
  EXPECT_EQ(criticals, 0);
}
