// Every scene uniform as a child object of the elements (GstChildProxy): keyframes through GstController
// in shaderflowsrc, shaderflowfilter and shaderflowmixer, the `uniforms` string and the children agreeing,
// children following scene changes, vector components.
#include <gst/controller/gstdirectcontrolbinding.h>
#include <gst/controller/gstinterpolationcontrolsource.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/appsink_frames.h"
#include "tests/support/gst_test_env.h"
#include "tests/support/pipeline_run.h"
#include "tests/support/temp_dir.h"
#include "tests/support/unorm8.h"

namespace {

const char kSpeedFragment[] =
    "uniform float speed;  // @range 0 4\n"
    "void mainImage(out vec4 c, in vec2 p) { c = vec4(speed, 0.0, 0.0, 1.0); }\n";

// Keyframes 0.0 at 0 s and 1.0 at 1 s, linear, on `element`'s child `name`, property `property`.
void bind_ramp(GstElement* element, const char* name, const char* property) {
  GObject* child = gst_child_proxy_get_child_by_name(GST_CHILD_PROXY(element), name);
  ASSERT_NE(child, nullptr) << "no child '" << name << "'";
  GstControlSource* source = gst_interpolation_control_source_new();
  g_object_set(source, "mode", GST_INTERPOLATION_MODE_LINEAR, nullptr);
  gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(source), 0, 0.0);
  gst_timed_value_control_source_set(GST_TIMED_VALUE_CONTROL_SOURCE(source), GST_SECOND, 1.0);
  EXPECT_TRUE(gst_object_add_control_binding(GST_OBJECT(child),
                                             gst_direct_control_binding_new_absolute(GST_OBJECT(child), property, source)));
  gst_object_unref(source);
  g_object_unref(child);
}

// Runs `description` (its shaderflow element named e) with the fragment and the ramp on speed::value;
// frame k at 10 fps must render speed = k / 10.
void expect_ramp(const std::string& description) {
  GstElement* pipeline = launch(description);
  GstElement* element = gst_bin_get_by_name(GST_BIN(pipeline), "e");
  g_object_set(element, "fragment", kSpeedFragment, nullptr);
  bind_ramp(element, "speed", "value");
  gst_object_unref(element);
  const SinkRun run = collect_frames(pipeline);
  ASSERT_EQ(run.error, "");
  ASSERT_EQ(run.frames.size(), 10u);
  for (std::size_t k = 0; k < run.frames.size(); ++k) {
    EXPECT_EQ(run.frames[k].pts, k * GST_SECOND / 10);
    EXPECT_NEAR(run.frames[k].at(0, 0)[0], unorm8(k / 10.0), 1) << "frame " << k;
  }
}

std::vector<std::string> child_names(GstElement* element) {
  std::vector<std::string> names;
  for (guint i = 0; i < gst_child_proxy_get_children_count(GST_CHILD_PROXY(element)); ++i) {
    GObject* child = gst_child_proxy_get_child_by_index(GST_CHILD_PROXY(element), i);
    if (GST_IS_PAD(child)) {
      g_object_unref(child);
      continue;
    }
    names.push_back(GST_OBJECT_NAME(child));
    g_object_unref(child);
  }
  return names;
}

std::string uniforms_of(GstElement* element) {
  gchar* text = nullptr;
  g_object_get(element, "uniforms", &text, nullptr);
  std::string result = text ? text : "";
  g_free(text);
  return result;
}

}  // namespace

TEST(UniformChildren, KeyframesInShaderflowsrc) {
  expect_ramp("shaderflowsrc name=e num-buffers=10 ! video/x-raw,format=RGBA,width=8,height=8,framerate=10/1 ! "
              "appsink name=out sync=false");
}

TEST(UniformChildren, KeyframesInShaderflowfilter) {
  expect_ramp("videotestsrc num-buffers=10 ! video/x-raw,width=8,height=8,framerate=10/1 ! shaderflowfilter name=e ! "
              "video/x-raw,format=RGBA ! appsink name=out sync=false");
}

TEST(UniformChildren, KeyframesInShaderflowmixer) {
  expect_ramp("videotestsrc num-buffers=10 ! video/x-raw,width=8,height=8,framerate=10/1 ! e.sink_0 "
              "shaderflowmixer name=e ! video/x-raw,format=RGBA,width=8,height=8,framerate=10/1 ! appsink name=out sync=false");
}

TEST(UniformChildren, TheDefaultScenesHaveThem) {
  GstElement* source = gst_element_factory_make("shaderflowsrc", nullptr);
  EXPECT_EQ(child_names(source), std::vector<std::string>{"speed"}) << "plasma's speed, for speed::value=1.5";
  GstElement* mixer = gst_element_factory_make("shaderflowmixer", nullptr);
  EXPECT_EQ(child_names(mixer), std::vector<std::string>{"progress"});
  gst_object_unref(source);
  gst_object_unref(mixer);
}

// One set of values backs both: the last one set wins, and each reads what the other set.
TEST(UniformChildren, TheStringAndTheChildrenAgree) {
  GstElement* element = gst_element_factory_make("shaderflowsrc", nullptr);
  g_object_set(element, "fragment",
               "uniform float speed = 0.5; uniform int count; uniform vec3 tint = vec3(1.0, 0.5, 0.25);\n"
               "uniform int mode; // @enum off=0 wave=3\n"
               "void mainImage(out vec4 c, in vec2 p) { c = vec4(tint * speed, float(count + mode)); }\n",
               nullptr);
  EXPECT_EQ(child_names(element), (std::vector<std::string>{"speed", "count", "tint", "mode"}));
  gdouble speed = 0, x = 0, z = 0;
  gint count = -1, mode = -1;
  gst_child_proxy_get(GST_CHILD_PROXY(element), "speed::value", &speed, "count::value", &count, "tint::z", &z, nullptr);
  EXPECT_DOUBLE_EQ(speed, 0.5) << "the declared default";
  EXPECT_EQ(count, 0);
  EXPECT_DOUBLE_EQ(z, 0.25);

  g_object_set(element, "uniforms", "u,speed=2.5,count=7,mode=wave", nullptr);
  gst_child_proxy_get(GST_CHILD_PROXY(element), "speed::value", &speed, "count::value", &count, "mode::value", &mode, nullptr);
  EXPECT_DOUBLE_EQ(speed, 2.5);
  EXPECT_EQ(count, 7);
  EXPECT_EQ(mode, 3) << "an @enum name reads as its number";

  gst_child_proxy_set(GST_CHILD_PROXY(element), "speed::value", 1.25, "tint::x", 0.75, nullptr);
  EXPECT_EQ(uniforms_of(element), "u,count=7,mode=\"wave\",speed=1.25,tint=<0.75,0.5,0.25>");
  gst_child_proxy_get(GST_CHILD_PROXY(element), "tint::x", &x, nullptr);
  EXPECT_DOUBLE_EQ(x, 0.75);

  g_object_set(element, "uniforms", "speed=3.0", nullptr);  // the string again: count and tint go back
  gst_child_proxy_get(GST_CHILD_PROXY(element), "speed::value", &speed, "count::value", &count, "tint::x", &x, nullptr);
  EXPECT_DOUBLE_EQ(speed, 3.0);
  EXPECT_EQ(count, 0);
  EXPECT_DOUBLE_EQ(x, 1.0);
  gst_object_unref(element);
}

// Children follow the scene: a kept uniform keeps its child (and control bindings), others come and go,
// with child-added and child-removed; while playing, a reload from disk changes them.
TEST(UniformChildren, TheyFollowSceneChangesAndReloads) {
  GstElement* element = gst_element_factory_make("shaderflowsrc", nullptr);
  g_object_set(element, "fragment", "uniform float a; uniform float b;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(a + b); }", nullptr);
  GObject* kept = gst_child_proxy_get_child_by_name(GST_CHILD_PROXY(element), "a");
  std::vector<std::string> added, removed;
  g_signal_connect(element, "child-added", G_CALLBACK(+[](GstChildProxy*, GObject*, gchar* name, gpointer data) {
                     static_cast<std::vector<std::string>*>(data)->push_back(name);
                   }), &added);
  g_signal_connect(element, "child-removed", G_CALLBACK(+[](GstChildProxy*, GObject*, gchar* name, gpointer data) {
                     static_cast<std::vector<std::string>*>(data)->push_back(name);
                   }), &removed);
  g_object_set(element, "fragment", "uniform float a; uniform vec2 c2;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(a, c2, 1); }", nullptr);
  EXPECT_EQ(child_names(element), (std::vector<std::string>{"a", "c2"}));
  GObject* same = gst_child_proxy_get_child_by_name(GST_CHILD_PROXY(element), "a");
  EXPECT_EQ(same, kept);
  EXPECT_EQ(added, std::vector<std::string>{"c2"});
  EXPECT_EQ(removed, std::vector<std::string>{"b"});
  g_object_unref(same);
  g_object_unref(kept);
  gst_object_unref(element);

  const TempDir folder;
  const std::string path = folder.write("live.frag", "uniform float first;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(first); }\n");
  GstElement* pipeline = launch("shaderflowsrc name=e is-live=true scene=" + path +
                                " ! video/x-raw,width=8,height=8,framerate=20/1 ! fakesink");
  GstElement* source = gst_bin_get_by_name(GST_BIN(pipeline), "e");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  EXPECT_EQ(child_names(source), std::vector<std::string>{"first"});
  g_usleep(200000);  // a later modification time than the first write
  folder.write("live.frag", "uniform float second;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(second); }\n");
  const gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
  while (child_names(source) != std::vector<std::string>{"second"} && g_get_monotonic_time() < deadline) g_usleep(20000);
  EXPECT_EQ(child_names(source), std::vector<std::string>{"second"});
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(source);
  gst_object_unref(pipeline);
}

TEST(UniformChildren, VectorsAsAWholeAndByComponent) {
  GstElement* element = gst_element_factory_make("shaderflowsrc", nullptr);
  g_object_set(element, "fragment", "uniform ivec3 cells = ivec3(1, 2, 3);\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(cells, 1); }", nullptr);
  GObject* child = gst_child_proxy_get_child_by_name(GST_CHILD_PROXY(element), "cells");
  ASSERT_NE(child, nullptr);
  GValue whole = G_VALUE_INIT;
  g_value_init(&whole, GST_TYPE_ARRAY);
  g_object_get_property(child, "value", &whole);
  ASSERT_EQ(gst_value_array_get_size(&whole), 3u);
  EXPECT_EQ(g_value_get_int(gst_value_array_get_value(&whole, 2)), 3);
  g_value_unset(&whole);
  g_object_set(child, "y", 20, nullptr);
  EXPECT_EQ(uniforms_of(element), "u,cells=<1,20,3>");
  gst_util_set_object_arg(child, "value", "<4, 5, 6>");
  EXPECT_EQ(uniforms_of(element), "u,cells=<4,5,6>");
  g_object_unref(child);
  gst_object_unref(element);
}

// A vector of the wrong size is a warning naming the uniform; the value in use stays.
TEST(UniformChildren, AVectorOfTheWrongSizeWarns) {
  GstElement* pipeline = launch("shaderflowsrc name=e ! video/x-raw,width=8,height=8 ! fakesink");
  GstElement* source = gst_bin_get_by_name(GST_BIN(pipeline), "e");
  g_object_set(source, "fragment", "uniform vec2 shift;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(shift, 0, 1); }", nullptr);
  gst_element_set_state(pipeline, GST_STATE_PAUSED);
  ASSERT_NE(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND), GST_STATE_CHANGE_FAILURE);
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_bus_set_flushing(bus, TRUE);  // drop what start-up posted (the software renderer warning)
  gst_bus_set_flushing(bus, FALSE);
  GObject* child = gst_child_proxy_get_child_by_name(GST_CHILD_PROXY(source), "shift");
  gst_util_set_object_arg(child, "value", "<1.0, 2.0, 3.0>");
  GstMessage* message = gst_bus_timed_pop_filtered(bus, 5 * GST_SECOND, GST_MESSAGE_WARNING);
  ASSERT_NE(message, nullptr);
  GError* error = nullptr;
  gst_message_parse_warning(message, &error, nullptr);
  EXPECT_TRUE(contains(error->message, "'shift'") && contains(error->message, "needs 2 components, got 3")) << error->message;
  g_error_free(error);
  gst_message_unref(message);
  gdouble x = -1;
  g_object_get(child, "x", &x, nullptr);
  EXPECT_DOUBLE_EQ(x, 0.0);
  g_object_unref(child);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(source);
  gst_object_unref(pipeline);
}

// progress follows offset/duration unless the uniforms property (or progress::value) sets it.
TEST(UniformChildren, ASetProgressWinsOverOffsetAndDuration) {
  for (const bool set : {false, true}) {
    GstElement* pipeline = launch(std::string("videotestsrc pattern=solid-color foreground-color=0xffff0000 num-buffers=3 ! "
                                              "video/x-raw,format=RGBA,width=8,height=8,framerate=10/1 ! m.sink_0 "
                                              "videotestsrc pattern=solid-color foreground-color=0xff0000ff num-buffers=3 ! "
                                              "video/x-raw,format=RGBA,width=8,height=8,framerate=10/1 ! m.sink_1 "
                                              "shaderflowmixer name=m offset=0 duration=0.2 ") +
                                  (set ? "uniforms=progress=0.25 " : "") + "! video/x-raw,format=RGBA ! appsink name=out sync=false");
    const SinkRun run = collect_frames(pipeline);
    ASSERT_EQ(run.error, "");
    ASSERT_EQ(run.frames.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
      const double progress = set ? 0.25 : std::min(1.0, k * 0.1 / 0.2);
      EXPECT_NEAR(run.frames[k].at(4, 4)[2], unorm8(progress), 1) << "frame " << k << (set ? " (set)" : "");
    }
  }
}
