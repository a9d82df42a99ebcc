// Every uniform a scene declares, as a child object of the element (GstChildProxy) named after the
// uniform, so that gst-launch sets `speed::value=1.5` and applications bind GstControlSources to it:
//   - scalars (float, int, uint, bool): a `value` property of that type (double for float);
//   - vectors (vecN, ivecN, uvecN, bvecN): `value` holds the whole vector (a GstValueArray, "<1.0,0.5,0.2>")
//     and `x`, `y`, `z`, `w` its components, each animatable on its own.
// Every one is GST_PARAM_CONTROLLABLE | GST_PARAM_MUTABLE_PLAYING; sync() applies control bindings at a
// frame's stream time (gst_object_sync_values). The children follow the scene: a reload keeps the
// children whose name and type stay (their values and bindings too), removes and adds the others.
//
// One set of requested values backs both the `uniforms` string and the children, so they always agree,
// and the last one set wins: setting the string replaces every requested value (a uniform it leaves out
// goes back to the scene's default, and its child reads that); setting a child changes that uniform alone
// and rewrites the string from all requested values. A child reads the requested value, else the scene's
// default (@default or the initialiser, else 0).
#pragma once

#include <gst/gst.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "render/scene_uniforms.h"
#include "render/uniforms.h"

namespace shaderflow::gstglue {

class UniformChildren {
 public:
  explicit UniformChildren(GstElement* element);
  ~UniformChildren();
  UniformChildren(const UniformChildren&) = delete;
  UniformChildren& operator=(const UniformChildren&) = delete;

  // The scene's uniforms: children kept, removed and added (child-removed/child-added are emitted).
  void follow_scene(const std::vector<render::SceneUniform>& uniforms);

  // The `uniforms` property. A string that does not parse keeps the requested values as they were.
  void set_text(const std::string& text);
  std::string text() const;
  // Why the current text does not parse ("" when it does).
  std::string parse_error() const;
  // The parse error of a text set since the last call, once; and the fields that cannot be uniforms.
  std::optional<std::string> take_new_parse_error();
  std::vector<std::string> take_parse_warnings();

  // Control bindings applied at this stream time (the children's values change through them).
  void sync(GstClockTime stream_time);
  // The values to render with: the requested ones, plus `automatic` values (the mixer's progress) for
  // declared uniforms nobody has set. nullopt when they are what the last call returned; `force` returns
  // them anyway (a new engine).
  std::optional<render::UniformValues> changed_values(const render::UniformValues& automatic, bool force = false);

  // GstChildProxy: children in declaration order. Both return a new reference, or null.
  guint count() const;
  GObject* child_at(guint index) const;
  GObject* child_named(const std::string& name) const;

  struct Shared;

 private:
  GstElement* const element_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace shaderflow::gstglue
